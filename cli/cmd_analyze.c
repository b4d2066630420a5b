/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_analyze.c — `dragnet analyze DB PROCEDURE [--KEY VALUE]...`: runs one
 * network-analysis procedure (dragnet_analysis.h, docs/ANALYSIS.md). The
 * options are the procedure's own config keys, typed by the procedure's
 * description; the command turns them into a config map and runs
 * `CALL algo.NAME($config)` through the same printer as `dragnet query`,
 * so rows, formats and errors look the same. A key that takes nodes also
 * takes a query (`--seeds "MATCH (p:Person)-[:INVOLVED_IN]->(:Seizure)
 * RETURN p"`): its nodes become the list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"
#include "output.h"

static const char analyze_usage[] =
	"Usage: dragnet analyze DB PROCEDURE [--KEY VALUE]... [options]\n"
	"       dragnet analyze DB PROCEDURE --help\n"
	"       dragnet analyze --list\n"
	"\n"
	"Runs a network-analysis procedure (docs/ANALYSIS.md) on a projection of\n"
	"the graph and prints its rows, as `CALL algo.PROCEDURE({...})` would.\n"
	"PROCEDURE is a name such as pagerank or algo.pagerank. Each --KEY VALUE\n"
	"sets one config key of the procedure (see PROCEDURE --help): lists are\n"
	"comma-separated (--labels Person,Trader); a key that takes nodes takes\n"
	"node ids or a query whose nodes are used (--seeds 'MATCH (s:Seizure)\n"
	"<-[:INVOLVED_IN]-(p) RETURN p'); --write PROP stores the result on the\n"
	"nodes in one transaction.\n"
	"\n"
	"Options:\n"
	"  --config JSON       the whole config as a JSON object (keys given\n"
	"                      with --KEY override it)\n"
	"  --format FORMAT     table (default), json, jsonl or csv\n"
	"  --list              list the procedures\n"
	"\n"
	"Example:\n"
	"  dragnet analyze case.db pagerank --labels Person,Company --types OWNS,DIRECTS\n";

static int analyze_run(const dn_cli_cmd *cmd, int argc, char **argv);

const dn_cli_cmd dn_cli_cmd_analyze = {
	"analyze",
	"run a network-analysis procedure (centrality, communities, key players...)",
	analyze_usage,
	analyze_run,
};

static void analyze_list(void)
{
	size_t n, width = 0;
	const dn_proc_info *p = dn_analyze_procs(&n);
	for (size_t i = 0; i < n; i++)
		if (strlen(p[i].name) - 5 > width)
			width = strlen(p[i].name) - 5;
	printf("Procedures (dragnet analyze DB NAME --help for their keys):\n");
	for (size_t i = 0; i < n; i++)
		printf("  %-*s  %s\n", (int)width, p[i].name + 5, p[i].summary);
}

static void analyze_proc_help(const dn_proc_info *p)
{
	size_t width = 0;
	printf("Usage: dragnet analyze DB %s [--KEY VALUE]... [--format FORMAT]\n\n%s\n\nKeys:\n", p->name + 5,
	       p->summary);
	for (size_t i = 0; i < p->nkeys; i++)
		if (strlen(p->keys[i].name) + strlen(p->keys[i].type) + 1 > width)
			width = strlen(p->keys[i].name) + strlen(p->keys[i].type) + 1;
	for (size_t i = 0; i < p->nkeys; i++) {
		char kt[96];
		snprintf(kt, sizeof kt, "%s %s", p->keys[i].name, p->keys[i].type);
		printf("  --%-*s  %s\n", (int)width, kt, p->keys[i].help);
	}
	printf("\nColumns:");
	for (size_t i = 0; i < p->ncolumns; i++)
		printf("%s %s", i ? "," : "", p->columns[i]);
	printf("\n");
}

/* The ids of every node a query returns (in any column, lists included). */
static int analyze_query_nodes(const dn_cli_cmd *cmd, dn_db *db, const char *key, const char *q, json_t *out)
{
	dn_stmt *s = NULL;
	dn_query_error qe;
	dn_txn *txn = NULL;
	int rc = dn_stmt_prepare(db, q, strlen(q), &s, &qe);
	if (rc)
		return dn_cli_fail(cmd, "--%s: %s (column %u)", key, qe.message, (unsigned)qe.offset + 1);
	if (dn_stmt_is_write(s)) {
		dn_stmt_free(s);
		return dn_cli_fail(cmd, "--%s: the query must only read", key);
	}
	if (!(rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &txn)))
		rc = dn_stmt_execute(s, txn);
	while (!rc && (rc = dn_stmt_step(s)) == DN_ROW) {
		rc = 0;
		for (size_t c = 0; c < dn_stmt_column_count(s); c++) {
			const dn_value *v = dn_stmt_column(s, c);
			const dn_value *items = v->type == DN_LIST ? v->u.list : v;
			size_t n = v->type == DN_LIST ? v->len : 1;
			for (size_t i = 0; i < n; i++)
				if (items[i].type == DN_NODE)
					json_array_append_new(out, json_integer(items[i].u.i));
		}
	}
	if (rc == DN_DONE)
		rc = 0;
	if (rc)
		dn_cli_fail(cmd, "--%s: %s", key, dn_stmt_error(s)->message[0] ? dn_stmt_error(s)->message : dn_errmsg(db));
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return rc ? DN_CLI_FAIL : DN_CLI_OK;
}

/* VALUE of --KEY as JSON, by the key's declared type. */
static int analyze_value(const dn_cli_cmd *cmd, dn_db *db, const dn_proc_key *k, const char *v, json_t **out)
{
	char *end;
	*out = NULL;
	if (!strcmp(k->type, "int")) {
		errno = 0;
		long long i = strtoll(v, &end, 10);
		if (errno || *end || end == v)
			return dn_cli_usage_error(cmd, "--%s: '%s' is not an integer", k->name, v);
		*out = json_integer(i);
	} else if (!strcmp(k->type, "float")) {
		errno = 0;
		double f = strtod(v, &end);
		if (errno || *end || end == v)
			return dn_cli_usage_error(cmd, "--%s: '%s' is not a number", k->name, v);
		*out = json_real(f);
	} else if (!strcmp(k->type, "bool")) {
		if (strcasecmp(v, "true") && strcasecmp(v, "false"))
			return dn_cli_usage_error(cmd, "--%s: '%s' is not true or false", k->name, v);
		*out = json_boolean(!strcasecmp(v, "true"));
	} else if (!strcmp(k->type, "node")) {
		errno = 0;
		long long i = strtoll(v, &end, 10);
		if (errno || *end || end == v || i < 1)
			return dn_cli_usage_error(cmd, "--%s: '%s' is not a node id", k->name, v);
		*out = json_integer(i);
	} else if (!strcmp(k->type, "map")) {
		json_error_t je;
		if (!(*out = json_loads(v, JSON_DECODE_ANY, &je)) || !json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			return dn_cli_usage_error(cmd, "--%s: not a JSON object", k->name);
		}
	} else if (!strncmp(k->type, "list<", 5)) {
		bool nodes = !strcmp(k->type, "list<node>");
		*out = json_array();
		while (*v == ' ')
			v++;
		if (nodes && !strncasecmp(v, "MATCH", 5))
			return analyze_query_nodes(cmd, db, k->name, v, *out);
		for (const char *p = v; *p;) {
			size_t len = strcspn(p, ",");
			char item[256];
			snprintf(item, sizeof item, "%.*s", (int)len, p);
			if (nodes) {
				errno = 0;
				long long i = strtoll(item, &end, 10);
				if (errno || *end || end == item || i < 1)
					return dn_cli_usage_error(cmd, "--%s: '%s' is not a node id (or give a MATCH query)",
					                          k->name, item);
				json_array_append_new(*out, json_integer(i));
			} else {
				json_array_append_new(*out, json_string(item));
			}
			p += len + (p[len] == ',');
		}
	} else {
		*out = json_string(v); /* string, time */
	}
	return DN_CLI_OK;
}

static int analyze_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *dbpath = NULL, *procname = NULL, *format = NULL, *config = NULL;
	bool help = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			analyze_list();
			return DN_CLI_OK;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			help = true;
		else if (strncmp(argv[i], "--", 2) && !dbpath)
			dbpath = argv[i];
		else if (strncmp(argv[i], "--", 2) && !procname)
			procname = argv[i];
		else if (strncmp(argv[i], "--", 2))
			return dn_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
		else if (!strchr(argv[i], '=') && i + 1 < argc)
			i++; /* --KEY VALUE: read below, once the procedure is known */
	}
	char name[128];
	const dn_proc_info *p = NULL;
	if (procname) {
		snprintf(name, sizeof name, "%s%s", strncasecmp(procname, "algo.", 5) ? "algo." : "", procname);
		if (!(p = dn_analyze_proc(name)))
			return dn_cli_usage_error(cmd, "unknown procedure '%s' (dragnet analyze --list)", procname);
	}
	if (help) {
		if (p)
			analyze_proc_help(p);
		else
			fputs(cmd->usage, stdout);
		return DN_CLI_OK;
	}
	if (!dbpath || !p)
		return dn_cli_usage_error(cmd, "expected DB and PROCEDURE");
	dn_db *db;
	if (dn_cli_open(cmd, dbpath, 0, &db) != DN_CLI_OK)
		return DN_CLI_FAIL;
	json_t *cfg = json_object();
	int st = DN_CLI_OK;
	/* the config: --config first, then each --KEY VALUE over it */
	for (int i = 1; st == DN_CLI_OK && i < argc; i++) {
		if (strncmp(argv[i], "--", 2) || !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			continue;
		const char *opt = argv[i] + 2, *eq = strchr(opt, '='), *val = NULL;
		size_t olen = eq ? (size_t)(eq - opt) : strlen(opt);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else
			st = dn_cli_usage_error(cmd, "--%.*s needs a value", (int)olen, opt);
		if (st != DN_CLI_OK)
			break;
		if (olen == 6 && !strncmp(opt, "format", 6)) {
			format = val;
		} else if (olen == 6 && !strncmp(opt, "config", 6)) {
			config = val;
			json_error_t je;
			json_t *c = json_loads(config, 0, &je);
			if (!c || !json_is_object(c))
				st = dn_cli_usage_error(cmd, "--config: not a JSON object: %s", c ? "" : je.text);
			else
				json_object_update(cfg, c);
			json_decref(c);
		} else {
			const dn_proc_key *k = NULL;
			for (size_t j = 0; j < p->nkeys && !k; j++)
				if (strlen(p->keys[j].name) == olen && !strncmp(p->keys[j].name, opt, olen))
					k = &p->keys[j];
			if (!k) {
				st = dn_cli_usage_error(cmd, "%s has no key '%.*s' (dragnet analyze DB %s --help)", p->name,
				                        (int)olen, opt, p->name + 5);
				break;
			}
			json_t *v;
			if ((st = analyze_value(cmd, db, k, val, &v)) == DN_CLI_OK)
				json_object_set_new(cfg, k->name, v);
			else
				json_decref(v);
		}
	}
	dn_cli_format fmt = DN_CLI_TABLE;
	if (st == DN_CLI_OK && format && dn_cli_format_option(cmd, format, &fmt) != DN_CLI_CONTINUE)
		st = DN_CLI_USAGE;
	if (st == DN_CLI_OK) {
		dn_cli_params params = {0};
		char err[256], *spec = NULL, *json = json_dumps(cfg, JSON_COMPACT);
		if (!json || asprintf(&spec, "config=%s", json) < 0)
			st = dn_cli_fail(cmd, "out of memory");
		else if (dn_cli_params_set(&params, spec, err, sizeof err))
			st = dn_cli_fail(cmd, "config: %s", err);
		free(json);
		free(spec);
		if (st == DN_CLI_OK) {
			char text[160];
			int len = snprintf(text, sizeof text, "CALL %s($config)", p->name);
			dn_cli_run run = {cmd, db, "analyze", 0, fmt, &params, NULL, false};
			st = dn_cli_run_stmt(&run, text, (size_t)len, 0, (size_t)len);
		}
		dn_cli_params_free(&params);
	}
	json_decref(cfg);
	dn_close(db);
	return st;
}
