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

/* The config being built: keys (sorted when the map is made) and values. */
typedef struct analyze_cfg {
	char **keys;
	dn_value *vals;
	size_t n;
} analyze_cfg;

/* Sets key to v (taken over), replacing an earlier value. */
static int cfg_set(analyze_cfg *c, const char *key, dn_value v)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->keys[i], key)) {
			dn_value_free(&c->vals[i]);
			c->vals[i] = v;
			return 0;
		}
	char **k = realloc(c->keys, (c->n + 1) * sizeof *k);
	if (k)
		c->keys = k;
	dn_value *vs = k ? realloc(c->vals, (c->n + 1) * sizeof *vs) : NULL;
	if (vs)
		c->vals = vs;
	if (!k || !vs || !(c->keys[c->n] = strdup(key))) {
		dn_value_free(&v);
		return DN_ENOMEM;
	}
	c->vals[c->n++] = v;
	return 0;
}

static void cfg_free(analyze_cfg *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->keys[i]);
		dn_value_free(&c->vals[i]);
	}
	free(c->keys);
	free(c->vals);
}

/* The config as a map value (DN_MAP, dragnet.h: keys sorted by bytes);
 * the values move into it. */
static int cfg_map(analyze_cfg *c, dn_value *out)
{
	dn_value *items = calloc(2 * c->n + 1, sizeof *items);
	bool *used = calloc(c->n + 1, sizeof *used);
	int rc = items && used ? 0 : DN_ENOMEM;
	for (size_t i = 0; !rc && i < c->n; i++) {
		/* the smallest key not placed yet (configs have a handful) */
		size_t j = SIZE_MAX;
		for (size_t k = 0; k < c->n; k++)
			if (!used[k] && (j == SIZE_MAX || strcmp(c->keys[k], c->keys[j]) < 0))
				j = k;
		used[j] = true;
		items[2 * i] = dn_value_string(c->keys[j], &rc);
		items[2 * i + 1] = c->vals[j];
		c->vals[j] = dn_value_null();
	}
	if (!rc) {
		*out = dn_value_null();
		out->type = DN_MAP;
		out->owned = 1;
		out->len = (uint32_t)c->n;
		out->u.list = items;
		items = NULL;
	}
	for (size_t i = 0; items && i < 2 * c->n; i++)
		dn_value_free(&items[i]);
	free(items);
	free(used);
	return rc;
}

/* The nodes a read-only query returns (in any column, lists included). */
static int analyze_query_nodes(const dn_cli_cmd *cmd, dn_db *db, const char *key, const char *q, dn_value *out)
{
	dn_stmt *s = NULL;
	dn_query_error qe;
	dn_txn *txn = NULL;
	dn_value *nodes = NULL;
	size_t n = 0, cap = 0;
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
		for (size_t c = 0; !rc && c < dn_stmt_column_count(s); c++) {
			const dn_value *v = dn_stmt_column(s, c);
			const dn_value *items = v->type == DN_LIST ? v->u.list : v;
			size_t m = v->type == DN_LIST ? v->len : 1;
			for (size_t i = 0; !rc && i < m; i++) {
				if (items[i].type != DN_NODE)
					continue;
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					dn_value *p = realloc(nodes, cap * sizeof *p);
					if (!p) {
						rc = DN_ENOMEM;
						break;
					}
					nodes = p;
				}
				nodes[n++] = items[i];
			}
		}
	}
	if (rc == DN_DONE)
		rc = 0;
	if (!rc)
		*out = dn_value_list(nodes, n, &rc);
	if (rc)
		dn_cli_fail(cmd, "--%s: %s", key, dn_stmt_error(s)->message[0] ? dn_stmt_error(s)->message : dn_errmsg(db));
	free(nodes);
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return rc ? DN_CLI_FAIL : DN_CLI_OK;
}

/* --KEY VALUE into the config, typed as the procedure declares the key
 * (dn_analyze_arg); a key that takes nodes also takes a MATCH query. */
static int analyze_option(const dn_cli_cmd *cmd, dn_db *db, const dn_proc_info *p, const char *key, size_t klen,
                          const char *val, analyze_cfg *cfg)
{
	char err[256];
	const dn_proc_key *k = NULL;
	for (size_t j = 0; j < p->nkeys && !k; j++)
		if (strlen(p->keys[j].name) == klen && !strncmp(p->keys[j].name, key, klen))
			k = &p->keys[j];
	if (!k)
		return dn_cli_usage_error(cmd, "%s has no key '%.*s' (dragnet analyze DB %s --help)", p->name, (int)klen,
		                          key, p->name + 5);
	dn_value v = dn_value_null();
	const char *t = val + strspn(val, " ");
	if (!strcmp(k->type, "list<node>") && !strncasecmp(t, "MATCH", 5)) {
		if (analyze_query_nodes(cmd, db, k->name, t, &v) != DN_CLI_OK)
			return DN_CLI_FAIL;
	} else if (dn_analyze_arg(p->name, k->name, val, &v, err, sizeof err)) {
		return dn_cli_usage_error(cmd, "--%s: %s", k->name, err);
	}
	return cfg_set(cfg, k->name, v) ? dn_cli_fail(cmd, "out of memory") : DN_CLI_OK;
}

/* --config JSON: its entries into the config. */
static int analyze_config_json(const dn_cli_cmd *cmd, const char *json, analyze_cfg *cfg)
{
	dn_cli_params tmp = {0};
	char err[256], *spec = NULL;
	int st = DN_CLI_OK;
	if (asprintf(&spec, "config=%s", json) < 0)
		return dn_cli_fail(cmd, "out of memory");
	if (dn_cli_params_set(&tmp, spec, err, sizeof err))
		st = dn_cli_usage_error(cmd, "--config: %s", err);
	else if (tmp.v[0].value.type != DN_MAP)
		st = dn_cli_usage_error(cmd, "--config: not a JSON object");
	const dn_value *m = st == DN_CLI_OK ? &tmp.v[0].value : NULL;
	for (uint32_t i = 0; m && st == DN_CLI_OK && i < m->len; i++) {
		char key[64];
		dn_value v;
		snprintf(key, sizeof key, "%.*s", (int)m->u.list[2 * i].len, m->u.list[2 * i].u.s);
		if (dn_value_copy(&v, &m->u.list[2 * i + 1]) || cfg_set(cfg, key, v))
			st = dn_cli_fail(cmd, "out of memory");
	}
	dn_cli_params_free(&tmp);
	free(spec);
	return st;
}

static int analyze_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *dbpath = NULL, *procname = NULL, *format = NULL;
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
	analyze_cfg cfg = {0};
	int st = DN_CLI_OK;
	/* the config: --config first, then each --KEY VALUE over it */
	for (int pass = 0; pass < 2; pass++)
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
			bool is_config = olen == 6 && !strncmp(opt, "config", 6);
			if (olen == 6 && !strncmp(opt, "format", 6))
				format = val;
			else if (is_config && pass == 0)
				st = analyze_config_json(cmd, val, &cfg);
			else if (!is_config && pass == 1)
				st = analyze_option(cmd, db, p, opt, olen, val, &cfg);
		}
	dn_cli_format fmt = DN_CLI_TABLE;
	if (st == DN_CLI_OK && format && dn_cli_format_option(cmd, format, &fmt) != DN_CLI_CONTINUE)
		st = DN_CLI_USAGE;
	if (st == DN_CLI_OK) {
		dn_cli_params params = {0};
		dn_value map = dn_value_null();
		if (cfg_map(&cfg, &map) || !(params.v = calloc(1, sizeof *params.v)) ||
		    !(params.v[0].name = strdup("config"))) {
			dn_value_free(&map);
			st = dn_cli_fail(cmd, "out of memory");
		} else {
			params.v[0].value = map;
			params.n = 1;
			char text[160];
			int len = snprintf(text, sizeof text, "CALL %s($config)", p->name);
			/* tables and CSV name nodes briefly; JSON keeps them whole */
			dn_cli_run run = {cmd, db, "analyze", 0, fmt, &params, NULL, false, true};
			st = dn_cli_run_stmt(&run, text, (size_t)len, 0, (size_t)len);
		}
		dn_cli_params_free(&params);
	}
	cfg_free(&cfg);
	dn_close(db);
	return st;
}
