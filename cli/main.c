/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c — the entry point of the `dragnet` tool. It reads the command name
 * (`dragnet COMMAND DB [options]`), finds it in the command table and runs
 * it; it also answers the global --help and --version, and holds the
 * helpers every command shares: argument parsing, error reporting in one
 * format ("dragnet: COMMAND: message") and opening a database.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <lmdb.h>

#include "cli.h"

/* The commands, in the order `dragnet --help` lists them. Later commands
 * (import, query, shell, export, analyze, report, demo) are added here
 * when they are implemented. */
static const dn_cli_cmd *const main_cmds[] = {
	&dn_cli_cmd_init,
	&dn_cli_cmd_stats,
	&dn_cli_cmd_check,
	&dn_cli_cmd_query,
	&dn_cli_cmd_import,
};

#define MAIN_NCMDS (sizeof main_cmds / sizeof main_cmds[0])

static const dn_cli_cmd *main_find(const char *name)
{
	for (size_t i = 0; i < MAIN_NCMDS; i++) {
		if (strcmp(main_cmds[i]->name, name) == 0)
			return main_cmds[i];
	}
	return NULL;
}

static int main_help(void)
{
	size_t width = 0;

	for (size_t i = 0; i < MAIN_NCMDS; i++) {
		size_t len = strlen(main_cmds[i]->name);
		if (len > width)
			width = len;
	}
	printf("Usage: dragnet COMMAND DB [options]\n"
	       "       dragnet COMMAND --help\n"
	       "       dragnet help [COMMAND]\n"
	       "       dragnet --version\n"
	       "\n"
	       "dragnet is an embedded link-analysis graph database on LMDB.\n"
	       "DB is the directory that holds a database (data.mdb, lock.mdb).\n"
	       "\n"
	       "Commands:\n");
	for (size_t i = 0; i < MAIN_NCMDS; i++)
		printf("  %-*s  %s\n", (int)width, main_cmds[i]->name,
		       main_cmds[i]->summary);
	printf("\n"
	       "Options:\n"
	       "  -h, --help     show this help\n"
	       "  -V, --version  show the versions of dragnet, its format and LMDB\n"
	       "\n"
	       "Run 'dragnet COMMAND --help' for the options of a command.\n"
	       "Exit status: 0 success, 1 failure, 2 bad usage.\n");
	return DN_CLI_OK;
}

static int main_version(void)
{
	int major = 0, minor = 0, patch = 0;

	mdb_version(&major, &minor, &patch);
	printf("dragnet %s (format %d, LMDB %d.%d.%d)\n", DN_VERSION_STRING,
	       DN_FORMAT_VERSION, major, minor, patch);
	return DN_CLI_OK;
}

/* `dragnet help [COMMAND]`. */
static int main_help_cmd(int argc, char **argv)
{
	const dn_cli_cmd *cmd;

	if (argc < 3)
		return main_help();
	if (argc > 3)
		return dn_cli_usage_error(NULL, "help: unexpected argument '%s'",
		                          argv[3]);
	cmd = main_find(argv[2]);
	if (cmd == NULL)
		return dn_cli_usage_error(NULL, "help: unknown command '%s'",
		                          argv[2]);
	fputs(cmd->usage, stdout);
	return DN_CLI_OK;
}

/* Everything printed on stdout must have reached it: a full disk or a
 * closed pipe turns success into failure. Commands leave the reporting of
 * write errors to this one place. */
static int main_finish(const dn_cli_cmd *cmd, int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		dn_cli_fail(cmd, "cannot write output: %s",
		            errno != 0 ? strerror(errno) : "write error");
		return status == DN_CLI_OK ? DN_CLI_FAIL : status;
	}
	return status;
}

int main(int argc, char **argv)
{
	const dn_cli_cmd *cmd;
	const char *arg;

	if (argc < 2)
		return dn_cli_usage_error(NULL, "missing command");
	arg = argv[1];
	if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
		return main_finish(NULL, main_help());
	if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0)
		return main_finish(NULL, main_version());
	if (strcmp(arg, "help") == 0)
		return main_finish(NULL, main_help_cmd(argc, argv));
	if (arg[0] == '-')
		return dn_cli_usage_error(NULL, "unknown option '%s'", arg);
	cmd = main_find(arg);
	if (cmd == NULL)
		return dn_cli_usage_error(NULL, "unknown command '%s'", arg);
	return main_finish(cmd, cmd->run(cmd, argc - 1, argv + 1));
}

/* ------------------------------------------------------------------ */
/* Helpers shared by the commands                                      */
/* ------------------------------------------------------------------ */

static void main_vreport(const dn_cli_cmd *cmd, const char *fmt, va_list ap)
{
	/* stdout first, so that what a command printed before failing comes
	 * before the message when both go to one terminal or file. */
	fflush(stdout);
	if (cmd != NULL)
		fprintf(stderr, "dragnet: %s: ", cmd->name);
	else
		fputs("dragnet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int dn_cli_fail(const dn_cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	main_vreport(cmd, fmt, ap);
	va_end(ap);
	return DN_CLI_FAIL;
}

int dn_cli_usage_error(const dn_cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	main_vreport(cmd, fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "Try 'dragnet %s --help' for more information.\n",
		        cmd->name);
	else
		fputs("Try 'dragnet --help' for more information.\n", stderr);
	return DN_CLI_USAGE;
}

int dn_cli_fail_db(const dn_cli_cmd *cmd, const dn_db *db, int rc,
                   const char *context)
{
	const char *msg = dn_errmsg(db);

	if (msg == NULL || msg[0] == '\0')
		msg = dn_strerror(rc);
	if (context != NULL && strstr(msg, context) == NULL)
		return dn_cli_fail(cmd, "%s: %s", context, msg);
	return dn_cli_fail(cmd, "%s", msg);
}

int dn_cli_open(const dn_cli_cmd *cmd, const char *path, unsigned flags,
                dn_db **out)
{
	dn_open_opts opts = { .flags = flags };
	int rc;

	*out = NULL;
	rc = dn_open(path, &opts, out);
	if (rc != 0) {
		*out = NULL;
		return dn_cli_fail_db(cmd, NULL, rc, path);
	}
	return DN_CLI_OK;
}

/* The option of opts named by arg ("--name" or "--name=value"), or NULL. */
static const dn_cli_opt *main_opt_find(const dn_cli_opt *opts, const char *arg,
                                       const char **value)
{
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);

	*value = eq != NULL ? eq + 1 : NULL;
	for (; opts != NULL && opts->name != NULL; opts++) {
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	}
	return NULL;
}

int dn_cli_parse(const dn_cli_cmd *cmd, int argc, char **argv,
                 const dn_cli_opt *opts, size_t max_rest, dn_cli_args *out)
{
	bool options_done = false;
	size_t nrest = 0;

	out->db = NULL;
	out->rest = argv + 1;
	out->nrest = 0;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		const dn_cli_opt *opt;
		const char *value;

		if (options_done || arg[0] != '-' || arg[1] == '\0') {
			if (out->db == NULL) {
				if (arg[0] == '\0')
					return dn_cli_usage_error(cmd, "DB must not be empty");
				out->db = arg;
			} else if (nrest < max_rest) {
				/* nrest + 1 <= i: this slot has been read already. */
				argv[1 + nrest++] = arg;
			} else {
				return dn_cli_usage_error(cmd, "unexpected argument '%s'", arg);
			}
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(cmd->usage, stdout);
			return DN_CLI_OK;
		}
		if (arg[1] != '-')
			return dn_cli_usage_error(cmd, "unknown option '%s'", arg);
		opt = main_opt_find(opts, arg, &value);
		if (opt == NULL)
			return dn_cli_usage_error(cmd, "unknown option '%.*s'",
			                          (int)strcspn(arg, "="), arg);
		if (opt->flag != NULL) {
			if (value != NULL)
				return dn_cli_usage_error(cmd, "option '--%s' takes no value",
				                          opt->name);
			*opt->flag = true;
		} else {
			if (value == NULL) {
				if (i + 1 >= argc)
					return dn_cli_usage_error(cmd, "option '--%s' needs a value",
					                          opt->name);
				value = argv[++i];
			}
			*opt->arg = value;
		}
	}
	if (out->db == NULL)
		return dn_cli_usage_error(cmd, "missing DB argument");
	out->nrest = nrest;
	return DN_CLI_CONTINUE;
}
