/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_query.c — `dragnet query DB 'QUERY'` and `dragnet query DB -f FILE`:
 * splits a script into statements, prepares each (a syntax or semantic
 * error names file, line and column and underlines the span), binds
 * --param values given as JSON, runs it in a transaction of the right
 * kind, and prints the rows as an aligned table, JSON, JSON Lines or CSV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "functions.h"
#include "lexer.h"
#include "parser.h"

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

/* --- parameters --------------------------------------------------------- */

/* Converts a JSON value to an owned dn_value (objects become maps). */
static int json_to_value(json_t *j, dn_value *out)
{
	int err = 0;
	switch (json_typeof(j)) {
	case JSON_NULL: *out = dn_value_null(); return 0;
	case JSON_TRUE: *out = dn_value_bool(true); return 0;
	case JSON_FALSE: *out = dn_value_bool(false); return 0;
	case JSON_INTEGER: *out = dn_value_int((int64_t)json_integer_value(j)); return 0;
	case JSON_REAL: *out = dn_value_float(json_real_value(j)); return 0;
	case JSON_STRING:
		*out = dn_value_stringn(json_string_value(j), json_string_length(j), &err);
		return err;
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		dn_value *items = calloc(n ? n : 1, sizeof *items);
		if (!items)
			return DN_ENOMEM;
		for (size_t i = 0; i < n && !err; i++)
			err = json_to_value(json_array_get(j, i), &items[i]);
		if (!err)
			*out = dn_value_list(items, n, &err);
		for (size_t i = 0; i < n; i++)
			dn_value_free(&items[i]);
		free(items);
		return err;
	}
	case JSON_OBJECT: {
		/* a map: 2*n values, key then value, keys sorted by bytes */
		size_t n = json_object_size(j), k = 0;
		const char **keys = calloc(n ? n : 1, sizeof *keys);
		dn_value *items = calloc(2 * n + 1, sizeof *items);
		const char *key;
		json_t *v;
		if (!keys || !items) {
			free(keys);
			free(items);
			return DN_ENOMEM;
		}
		json_object_foreach(j, key, v)
			keys[k++] = key;
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
				const char *tmp = keys[b];
				keys[b] = keys[b - 1];
				keys[b - 1] = tmp;
			}
		for (size_t i = 0; i < n && !err; i++) {
			items[2 * i] = dn_value_string(keys[i], &err);
			if (!err)
				err = json_to_value(json_object_get(j, keys[i]), &items[2 * i + 1]);
		}
		if (!err) {
			/* build the map through a list of 2n, then retag */
			*out = dn_value_list(items, 2 * n, &err);
			if (!err) {
				out->type = DN_MAP;
				out->len = (uint32_t)n;
			}
		}
		for (size_t i = 0; i < 2 * n; i++)
			dn_value_free(&items[i]);
		free(items);
		free(keys);
		return err;
	}
	}
	return DN_EINVAL;
}

/* Takes every --param NAME=JSON (or --param=NAME=JSON) out of argv. */
int query_take_params(const dn_cli_cmd *cmd, int *argc, char **argv, query_param **out,
                             size_t *nout)
{
	int w = 0;
	*out = NULL;
	*nout = 0;
	for (int i = 0; i < *argc; i++) {
		const char *spec = NULL;
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--param")) {
			if (i + 1 >= *argc)
				return dn_cli_usage_error(cmd, "--param needs NAME=JSON");
			spec = argv[++i];
		} else if (!strncmp(argv[i], "--param=", 8)) {
			spec = argv[i] + 8;
		} else {
			argv[w++] = argv[i];
			continue;
		}
		const char *eq = strchr(spec, '=');
		if (!eq || eq == spec)
			return dn_cli_usage_error(cmd, "--param '%s': expected NAME=JSON", spec);
		json_error_t jerr;
		json_t *j = json_loads(eq + 1, JSON_DECODE_ANY, &jerr);
		if (!j)
			return dn_cli_usage_error(cmd, "--param %.*s: not JSON: %s (column %d)", (int)(eq - spec),
			                          spec, jerr.text, jerr.column);
		query_param *p = realloc(*out, (*nout + 1) * sizeof *p);
		if (!p) {
			json_decref(j);
			return dn_cli_fail(cmd, "out of memory");
		}
		*out = p;
		p[*nout].name = strndup(spec, (size_t)(eq - spec));
		int rc = json_to_value(j, &p[*nout].value);
		json_decref(j);
		if (rc || !p[*nout].name) {
			free(p[*nout].name);
			return dn_cli_fail(cmd, "--param: %s", dn_strerror(rc ? rc : DN_ENOMEM));
		}
		(*nout)++;
	}
	int tail = 0; /* what follows "--" stays as it is */
	for (int i = 0; i < *argc; i++)
		if (!strcmp(argv[i], "--")) {
			tail = *argc - i;
			memmove(argv + w, argv + i, (size_t)tail * sizeof *argv);
			break;
		}
	*argc = w + tail;
	return DN_CLI_CONTINUE;
}

void query_params_free(query_param *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		dn_value_free(&p[i].value);
	}
	free(p);
}

/* --- output ------------------------------------------------------------- */

enum { FMT_TABLE, FMT_JSON, FMT_JSONL, FMT_CSV };

static json_t *value_to_json(dn_txn *txn, const dn_value *v);

static json_t *props_to_json(const dn_prop *props, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < n; i++)
		json_object_set_new(o, props[i].key, value_to_json(NULL, &props[i].value));
	return o;
}

/* A value as the tool prints it in JSON: nodes as {id, labels,
 * properties}, relationships as {id, type, start, end, properties}, paths
 * as {nodes, relationships}, temporal values as ISO-8601 text. */
static json_t *value_to_json(dn_txn *txn, const dn_value *v)
{
	char buf[96];
	switch (v->type) {
	case DN_NULL: return json_null();
	case DN_BOOL: return json_boolean(v->u.b);
	case DN_INT: return json_integer((json_int_t)v->u.i);
	case DN_FLOAT: return json_real(v->u.f);
	case DN_STRING: return json_stringn(v->u.s, v->len);
	case DN_DATE: dn_date_format(v->u.date, buf, sizeof buf); return json_string(buf);
	case DN_DATETIME: dn_datetime_format(v->u.datetime, buf, sizeof buf); return json_string(buf);
	case DN_DURATION:
		dn_duration_format(v->u.dur.months, v->u.dur.days, v->u.dur.nanos, buf, sizeof buf);
		return json_string(buf);
	case DN_LIST: {
		json_t *a = json_array();
		for (uint32_t i = 0; a && i < v->len; i++)
			json_array_append_new(a, value_to_json(txn, &v->u.list[i]));
		return a;
	}
	case DN_MAP: {
		json_t *o = json_object();
		for (uint32_t i = 0; o && i < v->len; i++) {
			const dn_value *k = &v->u.list[2 * i];
			char *key = strndup(k->u.s, k->len);
			if (key)
				json_object_set_new(o, key, value_to_json(txn, &v->u.list[2 * i + 1]));
			free(key);
		}
		return o;
	}
	case DN_NODE: {
		dn_node *n;
		json_t *o = json_object(), *labels = json_array();
		json_object_set_new(o, "id", json_integer((json_int_t)v->u.i));
		if (txn && dn_node_get(txn, (dn_id)v->u.i, &n) == 0) {
			for (size_t i = 0; i < n->nlabels; i++)
				json_array_append_new(labels, json_string(n->labels[i]));
			json_object_set_new(o, "labels", labels);
			json_object_set_new(o, "properties", props_to_json(n->props, n->nprops));
			dn_node_free(n);
		} else {
			json_decref(labels);
		}
		return o;
	}
	case DN_REL: {
		dn_edge *e;
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer((json_int_t)v->u.i));
		if (txn && dn_edge_get(txn, (dn_id)v->u.i, &e) == 0) {
			json_object_set_new(o, "type", json_string(e->type));
			json_object_set_new(o, "start", json_integer((json_int_t)e->src));
			json_object_set_new(o, "end", json_integer((json_int_t)e->dst));
			json_object_set_new(o, "properties", props_to_json(e->props, e->nprops));
			dn_edge_free(e);
		}
		return o;
	}
	case DN_PATH: {
		json_t *o = json_object(), *nodes = json_array(), *rels = json_array();
		for (uint32_t i = 0; i < v->len; i++)
			json_array_append_new(i % 2 ? rels : nodes, value_to_json(txn, &v->u.list[i]));
		json_object_set_new(o, "nodes", nodes);
		json_object_set_new(o, "relationships", rels);
		return o;
	}
	default: return json_null();
	}
}

/* A value as one table or CSV cell: strings as they are, everything else
 * as its JSON text. Returns an owned string. */
static char *value_to_text(dn_txn *txn, const dn_value *v)
{
	if (v->type == DN_STRING)
		return strndup(v->u.s, v->len);
	if (v->type == DN_NULL)
		return strdup("");
	if (v->type == DN_FLOAT) { /* Cypher's text: 0.9, 1.0E7 */
		char buf[64];
		dn_cy_float_format(v->u.f, buf, sizeof buf);
		return strdup(buf);
	}
	json_t *j = value_to_json(txn, v);
	char *s = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

static void csv_cell(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Rows collected for the table format, which needs every width first. */
typedef struct query_table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
} query_table;

static int query_rows(const dn_cli_cmd *cmd, dn_stmt *s, dn_txn *txn, int fmt, json_t *all)
{
	size_t nc = dn_stmt_column_count(s);
	query_table tab = {nc, 0, NULL};
	int rc;
	if (fmt == FMT_CSV) {
		for (size_t c = 0; c < nc; c++) {
			if (c)
				fputc(',', stdout);
			csv_cell(stdout, dn_stmt_column_name(s, c));
		}
		fputs("\r\n", stdout);
	}
	while ((rc = dn_stmt_step(s)) == DN_ROW) {
		if (fmt == FMT_JSON || fmt == FMT_JSONL) {
			json_t *row = json_object();
			for (size_t c = 0; c < nc; c++)
				json_object_set_new(row, dn_stmt_column_name(s, c), value_to_json(txn, dn_stmt_column(s, c)));
			if (fmt == FMT_JSONL) {
				char *line = json_dumps(row, JSON_COMPACT | JSON_PRESERVE_ORDER);
				if (line)
					puts(line);
				free(line);
				json_decref(row);
			} else {
				json_array_append_new(all, row);
			}
			continue;
		}
		if (fmt == FMT_CSV) {
			for (size_t c = 0; c < nc; c++) {
				char *t = value_to_text(txn, dn_stmt_column(s, c));
				if (c)
					fputc(',', stdout);
				csv_cell(stdout, t ? t : "");
				free(t);
			}
			fputs("\r\n", stdout);
			continue;
		}
		char **cells = realloc(tab.cells, (tab.nrows + 1) * (nc ? nc : 1) * sizeof *cells);
		if (!cells) {
			rc = DN_ENOMEM;
			break;
		}
		tab.cells = cells;
		for (size_t c = 0; c < nc; c++)
			cells[tab.nrows * nc + c] = value_to_text(txn, dn_stmt_column(s, c));
		tab.nrows++;
	}
	if (fmt == FMT_TABLE && rc == DN_DONE && nc == 0) {
		/* a statement without RETURN: say what it changed, if anything */
		const dn_query_stats *st = dn_stmt_stats(s);
		struct { uint64_t n; const char *what; } parts[] = {
			{st->nodes_created, "nodes created"}, {st->nodes_deleted, "nodes deleted"},
			{st->rels_created, "relationships created"}, {st->rels_deleted, "relationships deleted"},
			{st->labels_added, "labels added"}, {st->labels_removed, "labels removed"},
			{st->props_set, "properties set"}};
		const char *sep = "";
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
			if (parts[i].n) {
				printf("%s%llu %s", sep, (unsigned long long)parts[i].n, parts[i].what);
				sep = ", ";
			}
		if (*sep)
			printf("\n");
	} else if (fmt == FMT_TABLE && rc == DN_DONE) {
		size_t *w = calloc(nc ? nc : 1, sizeof *w);
		for (size_t c = 0; w && c < nc; c++) {
			w[c] = strlen(dn_stmt_column_name(s, c));
			for (size_t r = 0; r < tab.nrows; r++) {
				const char *t = tab.cells[r * nc + c];
				if (t && strlen(t) > w[c])
					w[c] = strlen(t);
			}
		}
		/* the last column is not padded: no trailing blanks */
		for (size_t c = 0; w && c < nc; c++)
			printf("%s%-*s", c ? "  " : "", c + 1 < nc ? (int)w[c] : 0, dn_stmt_column_name(s, c));
		printf("\n");
		for (size_t c = 0; w && c < nc; c++) {
			printf("%s", c ? "  " : "");
			for (size_t k = 0; k < w[c]; k++)
				putchar('-');
		}
		printf("\n");
		for (size_t r = 0; w && r < tab.nrows; r++) {
			for (size_t c = 0; c < nc; c++) {
				const char *t = tab.cells[r * nc + c];
				printf("%s%-*s", c ? "  " : "", c + 1 < nc ? (int)w[c] : 0, t ? t : "");
			}
			printf("\n");
		}
		printf("(%zu row%s)\n", tab.nrows, tab.nrows == 1 ? "" : "s");
		free(w);
	}
	for (size_t i = 0; i < tab.nrows * nc; i++)
		free(tab.cells[i]);
	free(tab.cells);
	(void)cmd;
	return rc == DN_DONE ? 0 : rc;
}

/* --- statements ----------------------------------------------------------- */

/* Reports a query error: where (source:line:column), what, and the line
 * with the span underlined. */
int query_report(const dn_cli_cmd *cmd, const char *source, const char *script, size_t base,
                 size_t len_total, const dn_query_error *e)
{
	int line, col;
	char caret[512];
	size_t off = base + e->offset;
	dn_text_position(script, len_total, off, &line, &col);
	dn_error_format_caret(script, off, e->length, caret, sizeof caret);
	fprintf(stderr, "dragnet: %s: %s:%d:%d: %s%s%s%s\n%s", cmd->name, source, line, col, e->message,
	        e->tck_code[0] ? " (" : "", e->tck_code, e->tck_code[0] ? ")" : "", caret);
	return DN_CLI_FAIL;
}

static int query_one(const dn_cli_cmd *cmd, dn_db *db, const char *source, const char *script,
                     size_t base, size_t len, size_t total, const query_param *params, size_t nparams,
                     int fmt, json_t *all)
{
	dn_query_error e;
	dn_stmt *s;
	dn_txn *txn = NULL;
	int rc = dn_stmt_prepare(db, script + base, len, &s, &e);
	if (rc) {
		if (!e.length && !e.offset && !e.line)
			return dn_cli_fail(cmd, "%s: %s", source, e.message[0] ? e.message : dn_strerror(rc));
		return query_report(cmd, source, script, base, total, &e);
	}
	for (size_t i = 0; i < nparams && !rc; i++)
		rc = dn_stmt_bind(s, params[i].name, &params[i].value);
	if (!rc)
		rc = dn_txn_begin(db, dn_stmt_is_write(s) ? 0 : DN_TXN_RDONLY, NULL, &txn);
	if (!rc)
		rc = dn_stmt_execute(s, txn);
	if (!rc)
		rc = query_rows(cmd, s, txn, fmt, all);
	if (!rc && txn) {
		rc = dn_txn_commit(txn);
		txn = NULL;
	}
	int status = DN_CLI_OK;
	if (rc) {
		const dn_query_error *qe = dn_stmt_error(s);
		if (qe->code && qe->line)
			status = query_report(cmd, source, script, base, total, qe);
		else
			status = dn_cli_fail(cmd, "%s: %s", source,
			                     qe->code ? qe->message : dn_errmsg(db)[0] ? dn_errmsg(db) : dn_strerror(rc));
	}
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return status;
}

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

static int query_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	const char *file = NULL, *format = NULL;
	query_param *params = NULL;
	size_t nparams = 0;
	int status = query_take_params(cmd, &argc, argv, &params, &nparams);
	if (status != DN_CLI_CONTINUE) {
		query_params_free(params, nparams);
		return status;
	}
	/* -f is the short form of --file */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-f"))
			argv[i] = "--file";
	dn_cli_opt opts[] = {{"file", NULL, &file}, {"format", NULL, &format}, {NULL, NULL, NULL}};
	dn_cli_args args;
	status = dn_cli_parse(cmd, argc, argv, opts, 1, &args);
	if (status != DN_CLI_CONTINUE) {
		query_params_free(params, nparams);
		return status;
	}
	int fmt = FMT_TABLE;
	if (format) {
		static const char *names[] = {"table", "json", "jsonl", "csv"};
		fmt = -1;
		for (int i = 0; i < 4; i++)
			if (!strcmp(format, names[i]))
				fmt = i;
		if (fmt < 0) {
			query_params_free(params, nparams);
			return dn_cli_usage_error(cmd, "unknown format '%s' (table, json, jsonl, csv)", format);
		}
	}
	char *script = NULL;
	size_t len = 0;
	const char *source = "query";
	if (args.nrest && file) {
		query_params_free(params, nparams);
		return dn_cli_usage_error(cmd, "give a query or --file, not both");
	}
	if (args.nrest) {
		script = strdup(args.rest[0]);
		len = script ? strlen(script) : 0;
	} else if (file) {
		FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
		if (!f) {
			query_params_free(params, nparams);
			return dn_cli_fail(cmd, "%s: %s", file, strerror(errno));
		}
		script = query_read_all(f, &len);
		if (f != stdin)
			fclose(f);
		source = file;
	} else if (!isatty(STDIN_FILENO)) {
		script = query_read_all(stdin, &len);
		source = "<stdin>";
	} else {
		query_params_free(params, nparams);
		return dn_cli_usage_error(cmd, "no query: give one, --file FILE, or pipe it in");
	}
	if (!script) {
		query_params_free(params, nparams);
		return dn_cli_fail(cmd, "out of memory");
	}
	dn_db *db;
	status = dn_cli_open(cmd, args.db, DN_OPEN_NOCREATE, &db);
	json_t *all = fmt == FMT_JSON ? json_array() : NULL;
	for (size_t off = 0; status == DN_CLI_OK && off < len;) {
		size_t n;
		if (dn_lex_split(script + off, len - off, &n) != 0) {
			status = dn_cli_fail(cmd, "out of memory");
			break;
		}
		/* skip statements that are only blanks and comments */
		bool blank = true;
		for (size_t i = 0; i < n && blank; i++)
			blank = strchr(" \t\r\n;", script[off + i]) != NULL;
		if (!blank)
			status = query_one(cmd, db, source, script, off, n, len, params, nparams, fmt, all);
		off += n ? n : len - off;
	}
	if (all && status == DN_CLI_OK) {
		char *out = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (out)
			puts(out);
		free(out);
	}
	json_decref(all);
	dn_close(db);
	free(script);
	query_params_free(params, nparams);
	if (status == DN_CLI_OK && fflush(stdout) != 0)
		return dn_cli_fail(cmd, "write error: %s", strerror(errno));
	return status;
}
