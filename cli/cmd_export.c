/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_export.c — `dragnet export DB --format FORMAT [-o PATH]`: writes the
 * whole graph, or the subgraph a --query returns, as typed CSV, JSON Lines,
 * GraphML, GEXF, DOT, cytoscape.js JSON or the canonical dump, through
 * dn_export (include/dragnet_export.h), which writes PATH atomically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "params.h"

static const char export_usage[] =
	"Usage: dragnet export DB --format FORMAT [options]\n"
	"\n"
	"Writes the whole graph, or the subgraph a query returns, in one format\n"
	"(docs/IMPORT_EXPORT.md).\n"
	"\n"
	"Formats:\n"
	"  csv        typed CSV (neo4j-admin headers) that 'dragnet import' reads back;\n"
	"             a directory: one file per label set and per relationship type\n"
	"  jsonl      JSON Lines that 'dragnet import' reads back\n"
	"  graphml    GraphML (yEd, Gephi, networkx)\n"
	"  gexf       GEXF 1.2 (Gephi, networkx)\n"
	"  dot        graphviz DOT\n"
	"  cytoscape  cytoscape.js elements JSON\n"
	"  canonical  for tests: a sorted dump free of internal ids, equal for equal graphs\n"
	"\n"
	"Options:\n"
	"  --format FORMAT        one of the formats above (required)\n"
	"  -o, --output PATH      write PATH (csv: a new or empty directory), replacing it\n"
	"                         only when complete; default: standard output\n"
	"  --query 'QUERY'        export only the nodes, relationships and paths the query\n"
	"                         returns, with the endpoints of its relationships\n"
	"  --param NAME=JSON      bind $NAME in the query to a JSON value (repeatable)\n"
	"  --clearances LIST      read as a reader cleared only for these comma-separated\n"
	"                         markings ('' = none): other marked elements are left out\n"
	"  --array-delimiter C    csv: separator of list items and labels (default ';')\n"
	"\n"
	"Example:\n"
	"  dragnet export case.db --format graphml -o case.graphml \\\n"
	"      --query 'MATCH p = (:Trader {tin: $tin})-[*..2]-() RETURN p' \\\n"
	"      --param tin='\"GB284716350000\"'\n";

static int export_run(const dn_cli_cmd *cmd, int argc, char **argv);

const dn_cli_cmd dn_cli_cmd_export = {
	"export",
	"write the graph or a query's subgraph as CSV, JSONL, GraphML, GEXF, DOT, cytoscape.js",
	export_usage,
	export_run,
};

/* Splits "A,B" into an owned array of owned strings ("" gives none). */
static int export_split(const char *list, char ***out, size_t *n)
{
	char *copy = strdup(list), *save = NULL;
	char **v = calloc(strlen(list) / 2 + 1, sizeof *v);

	*out = v;
	*n = 0;
	if (!copy || !v) {
		free(copy);
		return DN_ENOMEM;
	}
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ')
			t++;
		size_t len = strlen(t);
		while (len && t[len - 1] == ' ')
			t[--len] = '\0';
		if (len && !(v[(*n)++] = strdup(t))) {
			free(copy);
			return DN_ENOMEM;
		}
	}
	free(copy);
	return 0;
}

static int export_go(const dn_cli_cmd *cmd, const char *dbpath, dn_export_opts *o,
                     const char *clearances)
{
	dn_txn_opts topts = {0};
	char **marks = NULL;
	size_t nmarks = 0;
	dn_query_error qe;
	dn_export_stats st;
	dn_db *db;
	int status, rc;

	if (clearances) {
		if (export_split(clearances, &marks, &nmarks)) {
			dn_strings_free(marks, nmarks);
			return dn_cli_fail(cmd, "out of memory");
		}
		topts.clearances = (const char *const *)marks;
		topts.n_clearances = nmarks;
	}
	status = dn_cli_open(cmd, dbpath, DN_OPEN_RDONLY, &db);
	if (status == DN_CLI_OK) {
		o->query_error = &qe;
		rc = dn_export(db, clearances ? &topts : NULL, o, &st);
		if (rc && qe.code && (qe.line || qe.offset))
			status = dn_cli_report_query_error(cmd, "query", 0, o->query, strlen(o->query),
			                                   qe.offset, &qe);
		else if (rc)
			status = dn_cli_fail_db(cmd, db, rc, o->path);
		else if (o->path)
			printf("exported %llu nodes and %llu relationships to %s\n",
			       (unsigned long long)st.nodes, (unsigned long long)st.edges, o->path);
		dn_close(db);
	}
	dn_strings_free(marks, nmarks);
	return status;
}

static int export_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *format = NULL, *output = NULL, *query = NULL, *clearances = NULL, *delim = NULL;
	dn_cli_params params = {0};
	dn_export_opts o = {0};
	dn_cli_args args;
	int status = dn_cli_params_take(cmd, &argc, argv, &params);

	if (status != DN_CLI_CONTINUE)
		goto done;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-o"))
			argv[i] = "--output";
	}
	dn_cli_opt opts[] = {
		{"format", NULL, &format},         {"output", NULL, &output},
		{"query", NULL, &query},           {"clearances", NULL, &clearances},
		{"array-delimiter", NULL, &delim}, {NULL, NULL, NULL},
	};
	status = dn_cli_parse(cmd, argc, argv, opts, 0, &args);
	if (status != DN_CLI_CONTINUE)
		goto done;
	if (!format) {
		status = dn_cli_usage_error(cmd, "missing --format (csv, jsonl, graphml, gexf, dot, "
		                                 "cytoscape, canonical)");
		goto done;
	}
	if (dn_export_format_from_name(format, &o.format)) {
		status = dn_cli_usage_error(cmd, "unknown format '%s' (csv, jsonl, graphml, gexf, dot, "
		                                 "cytoscape, canonical)", format);
		goto done;
	}
	if (o.format == DN_EXPORT_CSV && !output) {
		status = dn_cli_usage_error(cmd, "csv writes a directory of files: give -o DIR");
		goto done;
	}
	if (output && !output[0]) {
		status = dn_cli_usage_error(cmd, "-o needs a path");
		goto done;
	}
	if (delim && (strlen(delim) != 1 || strchr(",\"\r\n", delim[0]))) {
		status = dn_cli_usage_error(cmd, "--array-delimiter must be one character other than a "
		                                 "comma, quote or line break");
		goto done;
	}
	if (params.n && !query) {
		status = dn_cli_usage_error(cmd, "--param needs --query");
		goto done;
	}
	dn_export_param *xp = calloc(params.n ? params.n : 1, sizeof *xp);
	if (!xp) {
		status = dn_cli_fail(cmd, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < params.n; i++)
		xp[i] = (dn_export_param){params.v[i].name, params.v[i].value};
	o.query = query;
	o.params = xp;
	o.nparams = params.n;
	o.path = output;
	o.out = output ? NULL : stdout;
	o.array_delimiter = delim ? delim[0] : 0;
	status = export_go(cmd, args.db, &o, clearances);
	free(xp);
done:
	dn_cli_params_free(&params);
	return status;
}
