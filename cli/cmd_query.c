/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_query.c — `dragnet query DB 'QUERY'` and `dragnet query DB -f FILE`:
 * reads the script from the argument, a file or a pipe, takes the --param
 * values given as JSON and the output format, and runs the statements one
 * after the other through output.c, stopping at the first that fails.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

static const char query_usage[] =
	"Usage: dragnet query DB 'QUERY' [options]\n"
	"       dragnet query DB -f FILE [options]\n"
	"       ... | dragnet query DB [options]\n"
	"\n"
	"Runs Cypher statements (docs/QUERY.md). A script may hold several\n"
	"statements separated by ';'; each runs in its own transaction.\n"
	"\n"
	"Options:\n"
	"  -f, --file FILE     read the statements from FILE ('-' = standard input)\n"
	"  --param NAME=JSON   bind $NAME to a JSON value (repeatable)\n"
	"  --format FORMAT     table (default), json, jsonl or csv\n"
	"\n"
	"Example:\n"
	"  dragnet query case.db 'MATCH (t:Trader {tin: $tin}) RETURN t.name' \\\n"
	"      --param tin='\"GB284716350000\"' --format json\n";

static int query_run(const dn_cli_cmd *cmd, int argc, char **argv);

const dn_cli_cmd dn_cli_cmd_query = {
	"query",
	"run Cypher statements and print their rows",
	query_usage,
	query_run,
};

static char *query_read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
		if (n + 1 == cap) {
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* The script to run, from the argument, --file or a pipe: sets *script
 * (owned), *len and *source, or reports why not and returns the status. */
static int query_script(const dn_cli_cmd *cmd, const dn_cli_args *args, const char *file,
                        char **script, size_t *len, const char **source)
{
	*source = "query";
	if (args->nrest && file)
		return dn_cli_usage_error(cmd, "give a query or --file, not both");
	if (args->nrest) {
		*script = strdup(args->rest[0]);
		*len = *script ? strlen(*script) : 0;
	} else if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
		if (!f)
			return dn_cli_fail(cmd, "%s: %s", file, strerror(errno));
		*script = query_read_all(f, len);
		if (f != stdin)
			fclose(f);
		*source = file;
	} else if (!isatty(STDIN_FILENO)) {
		*script = query_read_all(stdin, len);
		*source = "<stdin>";
	} else {
		return dn_cli_usage_error(cmd, "no query: give one, --file FILE, or pipe it in");
	}
	if (!*script)
		return dn_cli_fail(cmd, "out of memory");
	return DN_CLI_CONTINUE;
}

static int query_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *file = NULL, *format = NULL;
	dn_cli_params params = {NULL, 0};
	dn_cli_run run = {.cmd = cmd, .format = DN_CLI_TABLE, .params = &params};
	dn_cli_args args;
	char *script = NULL;
	size_t len = 0;
	int status = dn_cli_params_take(cmd, &argc, argv, &params);
	/* -f is the short form of --file */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-f"))
			argv[i] = "--file";
	dn_cli_opt opts[] = {{"file", NULL, &file}, {"format", NULL, &format}, {NULL, NULL, NULL}};
	if (status == DN_CLI_CONTINUE)
		status = dn_cli_parse(cmd, argc, argv, opts, 1, &args);
	if (status == DN_CLI_CONTINUE)
		status = dn_cli_format_option(cmd, format, &run.format);
	if (status == DN_CLI_CONTINUE)
		status = query_script(cmd, &args, file, &script, &len, &run.source);
	if (status == DN_CLI_CONTINUE)
		status = dn_cli_open(cmd, args.db, DN_OPEN_NOCREATE, &run.db);
	if (status == DN_CLI_OK) {
		run.rows = run.format == DN_CLI_JSON ? json_array() : NULL;
		status = dn_cli_run_script(&run, script, len);
		if (run.rows && status == DN_CLI_OK)
			dn_cli_print_json_rows(run.rows);
		json_decref(run.rows);
	}
	dn_close(run.db);
	free(script);
	dn_cli_params_free(&params);
	if (status == DN_CLI_OK && fflush(stdout) != 0)
		return dn_cli_fail(cmd, "write error: %s", strerror(errno));
	return status;
}
