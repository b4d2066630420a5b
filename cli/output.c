/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.c — runs Cypher statements for the `dragnet` tool and prints what
 * they return (output.h): each statement is prepared, bound to the
 * parameters, executed in a transaction of the right kind and its rows
 * printed as a table, JSON, JSON Lines or CSV; errors are reported with
 * source, line and column and the span underlined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "functions.h"
#include "lexer.h"
#include "output.h"
#include "parser.h"

static const char *const output_format_names[] = {"table", "json", "jsonl", "csv"};

int dn_cli_format_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(name, output_format_names[i]))
			return i;
	return -1;
}

int dn_cli_format_option(const dn_cli_cmd *cmd, const char *name, dn_cli_format *fmt)
{
	int f = name ? dn_cli_format_parse(name) : (int)*fmt;
	if (f < 0)
		return dn_cli_usage_error(cmd, "unknown format '%s' (" DN_CLI_FORMAT_NAMES ")", name);
	*fmt = (dn_cli_format)f;
	return DN_CLI_CONTINUE;
}

const char *dn_cli_format_name(dn_cli_format fmt)
{
	return output_format_names[fmt];
}

/* --- values ------------------------------------------------------------- */

static json_t *output_props_json(const dn_prop *props, size_t n)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < n; i++)
		json_object_set_new(o, props[i].key, dn_cli_value_json(NULL, &props[i].value));
	return o;
}

json_t *dn_cli_value_json(dn_txn *txn, const dn_value *v)
{
	char buf[96];
	switch (v->type) {
	case DN_NULL: return json_null();
	case DN_BOOL: return json_boolean(v->u.b);
	case DN_INT: return json_integer((json_int_t)v->u.i);
	case DN_FLOAT: return json_real(v->u.f);
	case DN_STRING: return json_stringn(v->u.s, v->len);
	case DN_DATE: dn_date_format(v->u.date, buf, sizeof buf); return json_string(buf);
	case DN_DATETIME:
		if (v->u.tm_ns || v->u.tm_offset || v->u.tm_zone) /* Cypher's text keeps them */
			dn_value_format(v, buf, sizeof buf);
		else
			dn_datetime_format(v->u.datetime, buf, sizeof buf);
		return json_string(buf);
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME: dn_value_format(v, buf, sizeof buf); return json_string(buf);
	case DN_DURATION:
		dn_duration_format(v->u.dur.months, v->u.dur.days, v->u.dur.nanos, buf, sizeof buf);
		return json_string(buf);
	case DN_LIST: {
		json_t *a = json_array();
		for (uint32_t i = 0; a && i < v->len; i++)
			json_array_append_new(a, dn_cli_value_json(txn, &v->u.list[i]));
		return a;
	}
	case DN_MAP: {
		json_t *o = json_object();
		for (uint32_t i = 0; o && i < v->len; i++) {
			const dn_value *k = &v->u.list[2 * i];
			char *key = strndup(k->u.s, k->len);
			if (key)
				json_object_set_new(o, key, dn_cli_value_json(txn, &v->u.list[2 * i + 1]));
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
			json_object_set_new(o, "properties", output_props_json(n->props, n->nprops));
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
			json_object_set_new(o, "properties", output_props_json(e->props, e->nprops));
			dn_edge_free(e);
		}
		return o;
	}
	case DN_PATH: {
		json_t *o = json_object(), *nodes = json_array(), *rels = json_array();
		for (uint32_t i = 0; i < v->len; i++)
			json_array_append_new(i % 2 ? rels : nodes, dn_cli_value_json(txn, &v->u.list[i]));
		json_object_set_new(o, "nodes", nodes);
		json_object_set_new(o, "relationships", rels);
		return o;
	}
	default: return json_null();
	}
}

char *dn_cli_value_text(dn_txn *txn, const dn_value *v)
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
	json_t *j = dn_cli_value_json(txn, v);
	char *s = j ? json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	json_decref(j);
	return s;
}

/* "name (Label id)" of a node or relationship into buf. */
static void output_entity_short(dn_txn *txn, const dn_value *v, char *buf, size_t cap)
{
	static const char *const keys[] = {"name", "title", "ref", "tin", "number", "text", "id"};
	const dn_prop *props = NULL;
	size_t nprops = 0;
	const char *kind = "";
	dn_node *n = NULL;
	dn_edge *e = NULL;
	if (v->type == DN_NODE && dn_node_get(txn, (dn_id)v->u.i, &n) == 0) {
		props = n->props;
		nprops = n->nprops;
		kind = n->nlabels ? n->labels[0] : "";
	} else if (v->type == DN_REL && dn_edge_get(txn, (dn_id)v->u.i, &e) == 0) {
		props = e->props;
		nprops = e->nprops;
		kind = e->type;
	}
	char *name = NULL;
	for (size_t k = 0; !name && k < sizeof keys / sizeof keys[0]; k++)
		for (size_t i = 0; !name && i < nprops; i++)
			if (!strcmp(props[i].key, keys[k]))
				name = dn_cli_value_text(txn, &props[i].value);
	if (name && *name)
		snprintf(buf, cap, "%s (%s%s%lld)", name, kind, *kind ? " " : "", (long long)v->u.i);
	else
		snprintf(buf, cap, "%s%s%lld", kind, *kind ? " " : "", (long long)v->u.i);
	free(name);
	dn_node_free(n);
	dn_edge_free(e);
}

char *dn_cli_value_short(dn_txn *txn, const dn_value *v)
{
	char buf[512];
	if (v->type == DN_NODE || v->type == DN_REL) {
		output_entity_short(txn, v, buf, sizeof buf);
		return strdup(buf);
	}
	if (v->type != DN_LIST && v->type != DN_PATH && v->type != DN_MAP)
		return dn_cli_value_text(txn, v);
	/* a list, path or map: its items, short, between brackets (a map's
	 * entries as key: value) */
	bool map = v->type == DN_MAP;
	uint32_t n = map ? 2 * v->len : v->len;
	size_t cap = 64, len = 0;
	char *out = malloc(cap);
	for (uint32_t i = 0; out && i <= n; i++) {
		char *item = i == n ? strdup(map ? "}" : "]")
		           : map && i % 2 == 0 ? strndup(v->u.list[i].u.s, v->u.list[i].len)
		                               : dn_cli_value_short(txn, &v->u.list[i]);
		const char *sep = i == 0 ? (map ? "{" : "[") : i == n ? "" : map ? (i % 2 ? ": " : ", ")
		                : v->type == DN_PATH ? " - " : ", ";
		size_t need = len + strlen(sep) + (item ? strlen(item) : 0) + 2;
		if (need > cap) {
			char *grown = realloc(out, need * 2);
			if (!grown) {
				free(out);
				out = NULL;
			} else {
				out = grown;
				cap = need * 2;
			}
		}
		if (out && item)
			len += (size_t)sprintf(out + len, "%s%s", i == n && n == 0 ? (map ? "{" : "[") : sep, item);
		free(item);
	}
	return out;
}

void dn_cli_print_json_rows(const json_t *rows)
{
	char *out = json_dumps(rows, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (out)
		puts(out);
	free(out);
}

/* --- rows --------------------------------------------------------------- */

static void output_csv_cell(FILE *f, const char *s)
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

/* What a statement without RETURN changed, on one line ("2 nodes created,
 * 1 relationships created"); nothing when it changed nothing. */
static void output_summary(const dn_query_stats *st)
{
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
}

/* Rows collected for the table format, which needs every width first. */
typedef struct output_table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
} output_table;

/* Columns a text takes on a terminal: one per UTF-8 character (wide
 * East Asian characters are not told apart). */
static size_t output_width(const char *t)
{
	size_t n = 0;
	for (; *t; t++)
		n += ((unsigned char)*t & 0xC0) != 0x80;
	return n;
}

/* A cell, padded to w columns unless it is the last of its line (no
 * trailing blanks). */
static void output_cell(const char *t, size_t c, size_t nc, size_t w)
{
	printf("%s%s", c ? "  " : "", t);
	for (size_t k = output_width(t); c + 1 < nc && k < w; k++)
		putchar(' ');
}

static void output_table_print(dn_stmt *s, const output_table *tab)
{
	size_t nc = tab->ncols;
	size_t *w = calloc(nc ? nc : 1, sizeof *w);
	for (size_t c = 0; w && c < nc; c++) {
		w[c] = output_width(dn_stmt_column_name(s, c));
		for (size_t r = 0; r < tab->nrows; r++) {
			const char *t = tab->cells[r * nc + c];
			if (t && output_width(t) > w[c])
				w[c] = output_width(t);
		}
	}
	for (size_t c = 0; w && c < nc; c++)
		output_cell(dn_stmt_column_name(s, c), c, nc, w[c]);
	printf("\n");
	for (size_t c = 0; w && c < nc; c++) {
		printf("%s", c ? "  " : "");
		for (size_t k = 0; k < w[c]; k++)
			putchar('-');
	}
	printf("\n");
	for (size_t r = 0; w && r < tab->nrows; r++) {
		for (size_t c = 0; c < nc; c++) {
			const char *t = tab->cells[r * nc + c];
			output_cell(t ? t : "", c, nc, w[c]);
		}
		printf("\n");
	}
	printf("(%zu row%s)\n", tab->nrows, tab->nrows == 1 ? "" : "s");
	free(w);
}

/* Pulls the rows of an executed statement and prints them in fmt (JSON
 * rows go to `all`). Returns 0 or the error of dn_stmt_step. */
static int output_rows(dn_stmt *s, dn_txn *txn, dn_cli_format fmt, json_t *all, bool shorten)
{
	size_t nc = dn_stmt_column_count(s);
	output_table tab = {nc, 0, NULL};
	int rc;
	if (fmt == DN_CLI_CSV) {
		for (size_t c = 0; c < nc; c++) {
			if (c)
				fputc(',', stdout);
			output_csv_cell(stdout, dn_stmt_column_name(s, c));
		}
		fputs("\r\n", stdout);
	}
	while ((rc = dn_stmt_step(s)) == DN_ROW) {
		if (fmt == DN_CLI_JSON || fmt == DN_CLI_JSONL) {
			json_t *row = json_object();
			for (size_t c = 0; c < nc; c++)
				json_object_set_new(row, dn_stmt_column_name(s, c),
				                    dn_cli_value_json(txn, dn_stmt_column(s, c)));
			if (fmt == DN_CLI_JSONL) {
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
		if (fmt == DN_CLI_CSV) {
			for (size_t c = 0; c < nc; c++) {
				char *t = (shorten ? dn_cli_value_short : dn_cli_value_text)(txn, dn_stmt_column(s, c));
				if (c)
					fputc(',', stdout);
				output_csv_cell(stdout, t ? t : "");
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
			cells[tab.nrows * nc + c] = (shorten ? dn_cli_value_short : dn_cli_value_text)(txn,
			                                                                          dn_stmt_column(s, c));
		tab.nrows++;
	}
	if (fmt == DN_CLI_TABLE && rc == DN_DONE && nc == 0)
		output_summary(dn_stmt_stats(s));
	else if (fmt == DN_CLI_TABLE && rc == DN_DONE)
		output_table_print(s, &tab);
	for (size_t i = 0; i < tab.nrows * nc; i++)
		free(tab.cells[i]);
	free(tab.cells);
	return rc == DN_DONE ? 0 : rc;
}

/* --- statements --------------------------------------------------------- */

int dn_cli_report_query_error(const dn_cli_cmd *cmd, const char *source, int line_base,
                              const char *text, size_t len, size_t at, const dn_query_error *e)
{
	int line, col;
	char caret[512];
	dn_text_position(text, len, at, &line, &col);
	dn_error_format_caret(text, at, e->length, caret, sizeof caret);
	fflush(stdout);
	fprintf(stderr, "dragnet: %s: %s:%d:%d: %s%s%s%s\n%s", cmd->name, source, line_base + line, col,
	        e->message, e->tck_code[0] ? " (" : "", e->tck_code, e->tck_code[0] ? ")" : "", caret);
	return DN_CLI_FAIL;
}

/* Reports a query error of the statement at offset off of text. */
static int output_report(const dn_cli_run *r, const char *text, size_t len, size_t off,
                         const dn_query_error *e)
{
	return dn_cli_report_query_error(r->cmd, r->source, r->line_base, text, len, off + e->offset, e);
}

bool dn_cli_stmt_blank(const char *text, size_t n)
{
	dn_lexer lx;
	dn_token tok;
	dn_lex_init(&lx, text, n, NULL);
	if (dn_lex_next(&lx, &tok) != 0)
		return false; /* out of memory: let the parser say so */
	return tok.kind == DN_TOK_EOF || tok.kind == DN_TOK_SEMI;
}

int dn_cli_run_stmt(const dn_cli_run *r, const char *text, size_t len, size_t off, size_t n)
{
	const dn_cli_cmd *cmd = r->cmd;
	dn_query_error e;
	dn_stmt *s;
	dn_txn *txn = NULL;
	struct timespec t0, t1;
	if (dn_cli_stmt_blank(text + off, n))
		return DN_CLI_OK;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = dn_stmt_prepare(r->db, text + off, n, &s, &e);
	if (rc) {
		if (!e.length && !e.offset && !e.line)
			return dn_cli_fail(cmd, "%s: %s", r->source, e.message[0] ? e.message : dn_strerror(rc));
		return output_report(r, text, len, off, &e);
	}
	for (size_t i = 0; r->params && i < r->params->n && !rc; i++)
		rc = dn_stmt_bind(s, r->params->v[i].name, &r->params->v[i].value);
	if (!rc)
		rc = dn_txn_begin(r->db, dn_stmt_is_write(s) ? 0 : DN_TXN_RDONLY, NULL, &txn);
	if (!rc)
		rc = dn_stmt_execute(s, txn);
	json_t *rows = r->format == DN_CLI_JSON && !r->rows ? json_array() : r->rows;
	if (!rc)
		rc = output_rows(s, dn_stmt_txn(s), r->format, rows, r->short_entities); /* AS OF: the past */
	if (!rc && txn) {
		rc = dn_txn_commit(txn);
		txn = NULL;
	}
	int status = DN_CLI_OK;
	if (rc) {
		const dn_query_error *qe = dn_stmt_error(s);
		const char *msg = dn_errmsg(r->db);
		if (qe->code && qe->line)
			status = output_report(r, text, len, off, qe);
		else
			status = dn_cli_fail(cmd, "%s: %s", r->source,
			                     qe->code ? qe->message : msg[0] ? msg : dn_strerror(rc));
	} else if (rows != r->rows) {
		dn_cli_print_json_rows(rows);
	}
	if (rows != r->rows)
		json_decref(rows);
	dn_txn_abort(txn);
	dn_stmt_free(s);
	if (r->timing && status == DN_CLI_OK) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fflush(stdout);
		fprintf(stderr, "time: %.3f ms\n",
		        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	return status;
}

int dn_cli_run_script(const dn_cli_run *r, const char *text, size_t len)
{
	int status = DN_CLI_OK;
	for (size_t off = 0; status == DN_CLI_OK && off < len;) {
		size_t n;
		if (dn_lex_split(text + off, len - off, &n) != 0)
			return dn_cli_fail(r->cmd, "out of memory");
		status = dn_cli_run_stmt(r, text, len, off, n);
		off += n ? n : len - off;
	}
	return status;
}
