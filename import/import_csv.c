/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import_csv.c — typed CSV in the neo4j-admin header convention
 * (dn_import_csv, docs/IMPORT_EXPORT.md "Typed CSV"). Each source's header
 * is parsed once into column descriptors (kind, property name and type, ID
 * space resolved to a loader space); each row is then converted cell by
 * cell into reused scratch arrays — no allocation per row — and handed to
 * the loader (loader.h), which does the writing.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "internal.h"
#include "loader.h"
#include "typed.h"

typedef enum col_kind {
	COL_PROP,
	COL_ID,
	COL_LABEL,
	COL_START,
	COL_END,
	COL_TYPE,
	COL_IGNORE,
	COL_SOURCE,
	COL_RECORD,
	COL_GRADE,
	COL_VALID_FROM,
	COL_VALID_TO,
	COL_MARKING,
} col_kind;

static const struct {
	const char *name;
	col_kind kind;
} keywords[] = {
	{"ID", COL_ID},           {"LABEL", COL_LABEL},       {"START_ID", COL_START},
	{"END_ID", COL_END},      {"TYPE", COL_TYPE},         {"IGNORE", COL_IGNORE},
	{"SOURCE", COL_SOURCE},   {"RECORD", COL_RECORD},     {"GRADE", COL_GRADE},
	{"VALID_FROM", COL_VALID_FROM}, {"VALID_TO", COL_VALID_TO},
	{"MARKING", COL_MARKING},
};

typedef struct col {
	col_kind kind;
	char *title; /* the header cell as written, for messages */
	char *name;  /* property name ("" for keyword columns without one) */
	dn_ptype type;
	bool array;
	char *space; /* ID, START_ID, END_ID: the space, NULL when not given */
	int sp;      /* loader space */
	/* scratch for an array column's items, reused from row to row */
	dn_value *items;
	size_t cap;
} col;

/* One source being read: its header and the scratch of a row. */
typedef struct csv_src {
	dn_loader *ld;
	const dn_import_source *src;
	col *cols;
	size_t ncols;
	int id_col, start_col, end_col, type_col, label_col;
	const char *fixed_labels[32]; /* from the source's labels option */
	size_t nfixed;
	char *labels_buf;             /* copy of the source's labels option */
	dn_prop *props;
	const char **labels;
	size_t labels_cap;
	char *cellbuf;                /* a :LABEL cell split in place */
	size_t cellbuf_cap;
	char *recbuf;                 /* a rejected record, re-encoded */
	size_t recbuf_cap;
	char msg[1024];
} csv_src;

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

static int header_fail(csv_src *cs, dn_csv *r, size_t i, const char *why)
{
	size_t len;
	const char *cell = dn_csv_field(r, i, &len);
	return dn_error(dn_loader_db(cs->ld), DN_ESYNTAX,
	                "%s:%llu: header column %zu '%s': %s", dn_csv_name(r),
	                (unsigned long long)dn_csv_line(r), i + 1, cell ? cell : "",
	                why);
}

/* Parses one header cell "name:kind(Space)" into c. */
static int parse_col(csv_src *cs, dn_csv *r, size_t i, col *c)
{
	size_t len;
	const char *cell = dn_csv_field(r, i, &len);
	const char *colon = memchr(cell, ':', len);
	const char *t, *paren;
	size_t tlen;

	c->sp = -1;
	c->title = strdup(cell);
	c->name = strndup(cell, colon ? (size_t)(colon - cell) : len);
	if (!c->title || !c->name)
		return dn_error(dn_loader_db(cs->ld), DN_ENOMEM, "import: out of memory");
	if (!colon) {
		if (!len)
			return header_fail(cs, r, i, "an empty column name (write :IGNORE to skip a column)");
		c->kind = COL_PROP;
		c->type = DN_PT_STRING;
		return 0;
	}
	t = colon + 1;
	tlen = len - (size_t)(t - cell);
	paren = memchr(t, '(', tlen);
	if (paren) {
		const char *close = memchr(paren, ')', tlen - (size_t)(paren - t));
		if (!close || close != t + tlen - 1 || close == paren + 1)
			return header_fail(cs, r, i, "an ID space is written (Name) at the end");
		c->space = strndup(paren + 1, (size_t)(close - paren - 1));
		if (!c->space)
			return dn_error(dn_loader_db(cs->ld), DN_ENOMEM, "import: out of memory");
		tlen = (size_t)(paren - t);
	}
	for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
		if (strlen(keywords[k].name) == tlen &&
		    strncasecmp(keywords[k].name, t, tlen) == 0) {
			c->kind = keywords[k].kind;
			if (c->space && c->kind != COL_ID && c->kind != COL_START &&
			    c->kind != COL_END)
				return header_fail(cs, r, i, "only ID, START_ID and END_ID take an ID space");
			return 0;
		}
	if (c->space)
		return header_fail(cs, r, i, "only ID, START_ID and END_ID take an ID space");
	if (dn_ptype_parse(t, tlen, &c->type, &c->array))
		return header_fail(cs, r, i,
		                   "unknown type (int, long, float, double, boolean, "
		                   "string, date, datetime, duration, localtime, time, "
		                   "localdatetime, with [] for "
		                   "arrays, or ID, LABEL, START_ID, END_ID, TYPE, "
		                   "IGNORE, SOURCE, RECORD, GRADE, VALID_FROM, "
		                   "VALID_TO, MARKING)");
	if (!*c->name)
		return header_fail(cs, r, i, "a property column needs a name before the ':'");
	c->kind = COL_PROP;
	return 0;
}

static int check_once(csv_src *cs, dn_csv *r, size_t i, int *slot, const char *what)
{
	char why[128];
	if (*slot >= 0) {
		snprintf(why, sizeof why, "a second %s column (the first is column %d)",
		         what, *slot + 1);
		return header_fail(cs, r, i, why);
	}
	*slot = (int)i;
	return 0;
}

/* Reads the header record and resolves the ID spaces of its columns. */
static int parse_header(csv_src *cs, dn_csv *r)
{
	dn_db *db = dn_loader_db(cs->ld);
	bool rels = cs->src->relationships;
	int rc;

	while ((rc = dn_csv_next(r)) == DN_ROW && dn_csv_blank(r))
		;
	if (rc == DN_DONE)
		return dn_error(db, DN_ESYNTAX, "%s: no header line", dn_csv_name(r));
	if (rc != DN_ROW)
		return dn_error(db, rc, "%s", dn_csv_errmsg(r));
	cs->ncols = dn_csv_nfields(r);
	cs->cols = calloc(cs->ncols, sizeof *cs->cols);
	cs->props = calloc(cs->ncols + 1, sizeof *cs->props);
	if (!cs->cols || !cs->props)
		return dn_error(db, DN_ENOMEM, "import: out of memory");
	cs->id_col = cs->start_col = cs->end_col = cs->type_col = cs->label_col = -1;
	for (size_t i = 0; i < cs->ncols; i++) {
		col *c = &cs->cols[i];
		if ((rc = parse_col(cs, r, i, c)))
			return rc;
		switch (c->kind) {
		case COL_ID:
			if (rels)
				return header_fail(cs, r, i, "an ID column in a relationship file (use START_ID and END_ID)");
			rc = check_once(cs, r, i, &cs->id_col, "ID");
			break;
		case COL_LABEL:
			if (rels)
				return header_fail(cs, r, i, "a LABEL column in a relationship file (use TYPE)");
			rc = check_once(cs, r, i, &cs->label_col, "LABEL");
			break;
		case COL_START:
		case COL_END:
		case COL_TYPE:
			if (!rels)
				return header_fail(cs, r, i, "a relationship column in a node file");
			rc = check_once(cs, r, i,
			                c->kind == COL_START ? &cs->start_col
			                : c->kind == COL_END ? &cs->end_col
			                                     : &cs->type_col,
			                c->kind == COL_START ? "START_ID"
			                : c->kind == COL_END ? "END_ID"
			                                     : "TYPE");
			break;
		default:
			break;
		}
		if (rc)
			return rc;
	}
	if (rels && (cs->start_col < 0 || cs->end_col < 0))
		return dn_error(db, DN_ESYNTAX, "%s:%llu: a relationship header needs "
		                "a :START_ID and an :END_ID column", dn_csv_name(r),
		                (unsigned long long)dn_csv_line(r));
	if (rels && cs->type_col < 0 && !(cs->src->labels && *cs->src->labels))
		return dn_error(db, DN_ESYNTAX, "%s:%llu: no :TYPE column and no "
		                "type given with --relationships=TYPE", dn_csv_name(r),
		                (unsigned long long)dn_csv_line(r));
	/* ID spaces */
	if (cs->id_col >= 0) {
		col *c = &cs->cols[cs->id_col];
		const char *space = c->space ? c->space : cs->nfixed ? cs->fixed_labels[0] : "";
		const char *key = *c->name ? c->name
		                  : dn_loader_opts(cs->ld)->keep_ids ? "_id"
		                                                     : NULL;
		if ((rc = dn_loader_space(cs->ld, space, key, &c->sp))) {
			snprintf(cs->msg, sizeof cs->msg, "%s", dn_errmsg(db));
			return dn_error(db, rc, "%s:%llu: %s", dn_csv_name(r),
			                (unsigned long long)dn_csv_line(r), cs->msg);
		}
	}
	for (int k = 0; rels && k < 2; k++) {
		col *c = &cs->cols[k ? cs->end_col : cs->start_col];
		if ((rc = dn_loader_space_find(cs->ld, c->space, &c->sp))) {
			snprintf(cs->msg, sizeof cs->msg, "%s", dn_errmsg(db));
			return dn_error(db, rc, "%s:%llu: column '%s': %s", dn_csv_name(r),
			                (unsigned long long)dn_csv_line(r), c->title, cs->msg);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */
/* ------------------------------------------------------------------ */

/* Re-encodes the current record as one CSV line for the rejects file. */
static const char *record_text(csv_src *cs, dn_csv *r, size_t *len)
{
	size_t n = 0;
	char d = dn_loader_opts(cs->ld)->delimiter;
	for (size_t i = 0; i < dn_csv_nfields(r); i++) {
		size_t fl;
		const char *f = dn_csv_field(r, i, &fl);
		if (n + 2 * fl + 4 > cs->recbuf_cap) {
			size_t cap = (n + 2 * fl + 4) * 2;
			char *nb = realloc(cs->recbuf, cap);
			if (!nb)
				break;
			cs->recbuf = nb;
			cs->recbuf_cap = cap;
		}
		if (i)
			cs->recbuf[n++] = d;
		cs->recbuf[n++] = '"';
		for (size_t k = 0; k < fl; k++) {
			if (f[k] == '"')
				cs->recbuf[n++] = '"';
			cs->recbuf[n++] = f[k];
		}
		cs->recbuf[n++] = '"';
	}
	*len = n;
	return cs->recbuf ? cs->recbuf : "";
}

/* Formats "file:line: column 'title': 'value' is not WHAT". */
static int cell_error(csv_src *cs, dn_csv *r, size_t i, const char *what)
{
	size_t len;
	const char *v = dn_csv_field(r, i, &len);
	const col *c = &cs->cols[i];
	snprintf(cs->msg, sizeof cs->msg, "%s:%llu: column '%s': '%.*s%s' %s",
	         dn_csv_name(r), (unsigned long long)dn_csv_field_line(r, i),
	         c->kind == COL_PROP ? c->name : c->title, len > 80 ? 80 : (int)len, v, len > 80 ? "..." : "",
	         what);
	return DN_ESYNTAX;
}

static int row_error(csv_src *cs, dn_csv *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int row_error(csv_src *cs, dn_csv *r, int code, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(cs->msg, sizeof cs->msg, "%s:%llu: ", dn_csv_name(r),
	                 (unsigned long long)dn_csv_line(r));
	va_start(ap, fmt);
	vsnprintf(cs->msg + n, sizeof cs->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

/* Converts a property cell; an empty unquoted cell (or an empty cell of a
 * non-string type) gives DN_NULL, so the property is absent. */
static int convert_cell(csv_src *cs, dn_csv *r, size_t i, dn_value *out)
{
	col *c = &cs->cols[i];
	size_t len;
	const char *s = dn_csv_field(r, i, &len);
	char what[160];
	*out = dn_value_null();
	if (!len && (!dn_csv_field_quoted(r, i) || c->type != DN_PT_STRING || c->array))
		return 0;
	if (!c->array) {
		if (dn_ptype_convert(c->type, s, len, out)) {
			snprintf(what, sizeof what, "is not %s", dn_ptype_what(c->type));
			return cell_error(cs, r, i, what);
		}
		return 0;
	}
	char d = dn_loader_opts(cs->ld)->array_delimiter;
	size_t n = 0, st = 0;
	for (size_t k = 0; k <= len; k++) {
		if (k < len && s[k] != d)
			continue;
		if (n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 8;
			dn_value *ni = realloc(c->items, cap * sizeof *ni);
			if (!ni)
				return row_error(cs, r, DN_ENOMEM, "out of memory");
			c->items = ni;
			c->cap = cap;
		}
		if (dn_ptype_convert(c->type, s + st, k - st, &c->items[n])) {
			snprintf(what, sizeof what, "has item %zu '%.*s', which is not %s",
			         n + 1, (int)(k - st > 60 ? 60 : k - st), s + st,
			         dn_ptype_what(c->type));
			return cell_error(cs, r, i, what);
		}
		n++;
		st = k + 1;
	}
	out->type = DN_LIST;
	out->owned = 0;
	out->len = (uint32_t)n;
	out->u.list = c->items;
	return 0;
}

/* Reads the metadata columns of a row into *m (strings borrowed). */
static int row_meta(csv_src *cs, dn_csv *r, size_t i, dn_meta *m)
{
	size_t len;
	const char *s = dn_csv_field(r, i, &len);
	if (!len)
		return 0;
	switch (cs->cols[i].kind) {
	case COL_SOURCE: m->source = s; break;
	case COL_RECORD: m->record = s; break;
	case COL_MARKING: m->marking = s; break;
	case COL_GRADE:
		if (dn_import_parse_grade(s, len, &m->reliability, &m->credibility))
			return cell_error(cs, r, i, "is not a valid grade (reliability A-F "
			                  "and credibility 1-6, e.g. B2)");
		break;
	case COL_VALID_FROM:
	case COL_VALID_TO: {
		int64_t ms;
		if (dn_datetime_parse(s, len, &ms))
			return cell_error(cs, r, i, "is not a valid date or datetime");
		if (cs->cols[i].kind == COL_VALID_FROM)
			m->valid_from = ms;
		else
			m->valid_to = ms;
		break;
	}
	default:
		break;
	}
	return 0;
}

/* Splits the :LABEL cell on the array delimiter after the fixed labels. */
static int row_labels(csv_src *cs, dn_csv *r, size_t *nl)
{
	size_t len;
	const char *s;
	char d = dn_loader_opts(cs->ld)->array_delimiter;
	*nl = 0;
	if (cs->labels_cap < cs->nfixed + 1) {
		const char **nlab = realloc(cs->labels, (cs->nfixed + 16) * sizeof *nlab);
		if (!nlab)
			return row_error(cs, r, DN_ENOMEM, "out of memory");
		cs->labels = nlab;
		cs->labels_cap = cs->nfixed + 16;
	}
	for (size_t k = 0; k < cs->nfixed; k++)
		cs->labels[(*nl)++] = cs->fixed_labels[k];
	if (cs->label_col < 0)
		return 0;
	s = dn_csv_field(r, (size_t)cs->label_col, &len);
	if (len + 1 > cs->cellbuf_cap) {
		char *nb = realloc(cs->cellbuf, len + 1);
		if (!nb)
			return row_error(cs, r, DN_ENOMEM, "out of memory");
		cs->cellbuf = nb;
		cs->cellbuf_cap = len + 1;
	}
	memcpy(cs->cellbuf, s, len + 1);
	for (char *p = cs->cellbuf, *end = cs->cellbuf + len; p <= end;) {
		char *q = memchr(p, d, (size_t)(end - p));
		if (!q)
			q = end;
		*q = '\0';
		if (q > p) {
			if (*nl == cs->labels_cap) {
				const char **nlab = realloc(cs->labels, cs->labels_cap * 2 * sizeof *nlab);
				if (!nlab)
					return row_error(cs, r, DN_ENOMEM, "out of memory");
				cs->labels = nlab;
				cs->labels_cap *= 2;
			}
			cs->labels[(*nl)++] = p;
		}
		p = q + 1;
	}
	return 0;
}

/* Writes one data row; on a row error cs->msg holds the message. */
static int do_row(csv_src *cs, dn_csv *r)
{
	dn_db *db = dn_loader_db(cs->ld);
	dn_meta m = dn_meta_none();
	size_t np = 0, nl = 0;
	int rc;

	if (dn_csv_nfields(r) != cs->ncols)
		return row_error(cs, r, DN_ESYNTAX, "%zu fields, but the header has %zu",
		                 dn_csv_nfields(r), cs->ncols);
	for (size_t i = 0; i < cs->ncols; i++) {
		col *c = &cs->cols[i];
		if (c->kind == COL_PROP) {
			dn_value v;
			if ((rc = convert_cell(cs, r, i, &v)))
				return rc;
			if (v.type != DN_NULL)
				cs->props[np++] = (dn_prop){c->name, v};
		} else if (c->kind >= COL_SOURCE && (rc = row_meta(cs, r, i, &m))) {
			return rc;
		}
	}
	if (!cs->src->relationships) {
		const char *id = NULL;
		size_t idlen = 0;
		dn_id n;
		int sp = -1;
		if ((rc = row_labels(cs, r, &nl)))
			return rc;
		if (cs->id_col >= 0) {
			id = dn_csv_field(r, (size_t)cs->id_col, &idlen);
			sp = cs->cols[cs->id_col].sp;
			if (!idlen)
				return cell_error(cs, r, (size_t)cs->id_col, "is empty: every node of an ID column needs an ID");
		}
		rc = dn_loader_node(cs->ld, sp, id, idlen, cs->labels, nl, cs->props, np, &m, &n);
	} else {
		dn_id ends[2];
		const char *type;
		size_t tlen = 0;
		for (int k = 0; k < 2; k++) {
			size_t ci = (size_t)(k ? cs->end_col : cs->start_col), len;
			const char *id = dn_csv_field(r, ci, &len);
			rc = dn_loader_lookup(cs->ld, cs->cols[ci].sp, id, len, &ends[k]);
			if (rc == DN_ENOTFOUND) {
				char what[300];
				const char *sn = dn_loader_space_name(cs->ld, cs->cols[ci].sp);
				snprintf(what, sizeof what, "is not the ID of a node in the ID space%s%s%s",
				         *sn ? " '" : "", sn, *sn ? "'" : "");
				cell_error(cs, r, ci, what);
				return DN_ENOTFOUND;
			}
			if (rc)
				return row_error(cs, r, rc, "%s", dn_errmsg(db));
		}
		type = cs->type_col >= 0 ? dn_csv_field(r, (size_t)cs->type_col, &tlen) : NULL;
		if (!tlen)
			type = cs->src->labels;
		if (!type || !*type)
			return row_error(cs, r, DN_ESYNTAX, "no relationship type: the :TYPE cell is empty");
		rc = dn_loader_edge(cs->ld, ends[0], ends[1], type, cs->props, np, &m);
	}
	if (rc)
		return row_error(cs, r, rc, "%s", dn_errmsg(db));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

/* Errors no --on-error skip goes past: the import stops with them. */
static bool fatal_code(int rc)
{
	return rc == DN_ENOMEM || rc == DN_EIO || rc == DN_ETXN || rc == DN_ECORRUPT;
}

/* One record the reader stopped at (rc from dn_csv_next: DN_ROW or a CSV
 * error): converted and written, or rejected, and counted. */
static int one_row(csv_src *cs, dn_csv *r, int rc)
{
	dn_db *db = dn_loader_db(cs->ld);
	if (rc == DN_ROW && dn_csv_blank(r))
		return 0;
	if (rc != DN_ROW) {
		size_t len;
		const char *rec;
		if (!dn_csv_recoverable(r))
			return dn_error(db, rc, "%s", dn_csv_errmsg(r));
		rec = record_text(cs, r, &len);
		rc = dn_loader_reject(cs->ld, rc, dn_csv_name(r), dn_csv_error_line(r),
		                      dn_csv_errmsg(r), rec, len);
	} else if ((rc = do_row(cs, r))) {
		size_t len;
		const char *rec = record_text(cs, r, &len);
		if (fatal_code(rc))
			return dn_error(db, rc, "%s", cs->msg);
		rc = dn_loader_reject(cs->ld, rc, dn_csv_name(r), dn_csv_line(r),
		                      cs->msg, rec, len);
	}
	if (rc)
		return rc;
	return dn_loader_row_done(cs->ld, dn_csv_name(r), dn_csv_offset(r));
}

/* ------------------------------------------------------------------ */
/* Relationship rows read by a second thread                           */
/* ------------------------------------------------------------------ */

/*
 * A relationship file with only :START_ID, :END_ID, :TYPE and :IGNORE
 * columns, whose ID spaces the loader holds in memory (an edge list after
 * its nodes), is read by two threads: a reader parses rows and looks up
 * their ends into a batch while the loader writes the previous batch. The
 * reader hands on only rows that need nothing more than a write; at any
 * other record (a CSV error, a wrong field count, an unknown id, an empty
 * type) it stops with the CSV reader standing on that record, and the
 * loader's own thread deals with it by the single-threaded code (one_row)
 * before the reader goes on. So messages, rejects and counts are those of
 * a single-threaded read, in file order.
 */
#define PL_ROWS 4096

typedef struct pl_batch {
	size_t n;
	dn_id (*ends)[2];
	uint64_t *off, *line;
	uint32_t *tpos, *tlen; /* the row's type in types (tlen 0: the source's) */
	char *types;
	size_t types_len, types_cap;
	int stop; /* after the rows: 0 more, DN_DONE, or the dn_csv_next code of a record to deal with */
	bool full;
} pl_batch;

typedef struct pl_ctx {
	csv_src *cs;
	dn_csv *r;
	pl_batch b[2];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool quit;
} pl_ctx;

/* Whether cs's rows can be read by a second thread (see above). */
static bool pl_fits(csv_src *cs)
{
	if (!cs->src->relationships || cs->start_col < 0 || cs->end_col < 0)
		return false;
	for (size_t i = 0; i < cs->ncols; i++)
		if (cs->cols[i].kind != COL_START && cs->cols[i].kind != COL_END && cs->cols[i].kind != COL_TYPE &&
		    cs->cols[i].kind != COL_IGNORE)
			return false;
	return dn_loader_space_in_memory(cs->ld, cs->cols[cs->start_col].sp) &&
	       dn_loader_space_in_memory(cs->ld, cs->cols[cs->end_col].sp);
}

/* Reads rows into b until it is full, the file ends, or a record needs the
 * loader's own thread (b->stop). */
static void pl_fill(pl_ctx *p, pl_batch *b)
{
	csv_src *cs = p->cs;
	dn_csv *r = p->r;
	b->n = 0;
	b->types_len = 0;
	b->stop = 0;
	while (b->n < PL_ROWS) {
		int rc = dn_csv_next(r);
		if (rc == DN_ROW && dn_csv_blank(r))
			continue;
		if (rc != DN_ROW || dn_csv_nfields(r) != cs->ncols) {
			b->stop = rc;
			return;
		}
		size_t k = b->n, tl = 0;
		const char *type = NULL;
		bool ok = true;
		for (int e = 0; e < 2 && ok; e++) {
			size_t ci = (size_t)(e ? cs->end_col : cs->start_col), len;
			const char *id = dn_csv_field(r, ci, &len);
			ok = dn_loader_lookup_memory(cs->ld, cs->cols[ci].sp, id, len, &b->ends[k][e]) == 0;
		}
		if (ok && cs->type_col >= 0)
			type = dn_csv_field(r, (size_t)cs->type_col, &tl);
		if (ok && !tl)
			ok = cs->src->labels && *cs->src->labels;
		if (ok && tl && (tl > 400 || memchr(type, '\0', tl)))
			ok = false;
		if (ok && tl && b->types_len + tl + 1 > b->types_cap) {
			size_t cap = (b->types_len + tl + 1) * 2;
			char *nt = realloc(b->types, cap);
			if (nt) {
				b->types = nt;
				b->types_cap = cap;
			}
			ok = nt != NULL;
		}
		if (!ok) { /* the loader's thread says what is wrong with it */
			b->stop = DN_ROW;
			return;
		}
		if (tl) {
			memcpy(b->types + b->types_len, type, tl);
			b->types[b->types_len + tl] = '\0';
		}
		b->tpos[k] = (uint32_t)b->types_len;
		b->tlen[k] = (uint32_t)tl;
		b->types_len += tl ? tl + 1 : 0;
		b->off[k] = dn_csv_offset(r);
		b->line[k] = dn_csv_line(r);
		b->n++;
	}
}

static void *pl_main(void *arg)
{
	pl_ctx *p = arg;
	for (int i = 0;; i ^= 1) {
		pl_batch *b = &p->b[i];
		pthread_mutex_lock(&p->mu);
		while (b->full && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		bool quit = p->quit;
		pthread_mutex_unlock(&p->mu);
		if (quit)
			return NULL;
		pl_fill(p, b);
		pthread_mutex_lock(&p->mu);
		b->full = true;
		pthread_cond_broadcast(&p->cv);
		/* a record for the loader's thread, or the end: the CSV reader is
		 * the loader's until it hands the batch back */
		while (b->stop && b->stop != DN_DONE && b->full && !p->quit)
			pthread_cond_wait(&p->cv, &p->mu);
		quit = p->quit || b->stop == DN_DONE;
		pthread_mutex_unlock(&p->mu);
		if (quit)
			return NULL;
	}
}

static int pl_alloc(pl_batch *b)
{
	b->ends = malloc(PL_ROWS * sizeof *b->ends);
	b->off = malloc(PL_ROWS * sizeof *b->off);
	b->line = malloc(PL_ROWS * sizeof *b->line);
	b->tpos = malloc(PL_ROWS * sizeof *b->tpos);
	b->tlen = malloc(PL_ROWS * sizeof *b->tlen);
	return b->ends && b->off && b->line && b->tpos && b->tlen ? 0 : DN_ENOMEM;
}

static void pl_free(pl_batch *b)
{
	free(b->ends);
	free(b->off);
	free(b->line);
	free(b->tpos);
	free(b->tlen);
	free(b->types);
}

/* Writes a batch's rows (the loader's thread). */
static int pl_write(csv_src *cs, dn_csv *r, pl_batch *b)
{
	dn_db *db = dn_loader_db(cs->ld);
	dn_meta m = dn_meta_none();
	for (size_t k = 0; k < b->n; k++) {
		const char *type = b->tlen[k] ? b->types + b->tpos[k] : cs->src->labels;
		int rc = dn_loader_edge(cs->ld, b->ends[k][0], b->ends[k][1], type, NULL, 0, &m);
		if (rc) {
			snprintf(cs->msg, sizeof cs->msg, "%s:%llu: %s", dn_csv_name(r), (unsigned long long)b->line[k],
			         dn_errmsg(db));
			if (fatal_code(rc))
				return dn_error(db, rc, "%s", cs->msg);
			if ((rc = dn_loader_reject(cs->ld, rc, dn_csv_name(r), b->line[k], cs->msg, "", 0)))
				return rc;
		}
		if ((rc = dn_loader_row_done(cs->ld, dn_csv_name(r), b->off[k])))
			return rc;
	}
	return 0;
}

static int read_rows_two_threads(csv_src *cs, dn_csv *r, bool *ran)
{
	pl_ctx p;
	int rc = 0;
	memset(&p, 0, sizeof p);
	p.cs = cs;
	p.r = r;
	*ran = false;
	if (pl_alloc(&p.b[0]) || pl_alloc(&p.b[1])) {
		pl_free(&p.b[0]);
		pl_free(&p.b[1]);
		return 0; /* no memory for it: one thread reads */
	}
	pthread_t th;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	if (pthread_create(&th, NULL, pl_main, &p) != 0) {
		pthread_cond_destroy(&p.cv);
		pthread_mutex_destroy(&p.mu);
		pl_free(&p.b[0]);
		pl_free(&p.b[1]);
		return 0;
	}
	*ran = true;
	for (int i = 0;; i ^= 1) {
		pl_batch *b = &p.b[i];
		pthread_mutex_lock(&p.mu);
		while (!b->full)
			pthread_cond_wait(&p.cv, &p.mu);
		pthread_mutex_unlock(&p.mu);
		rc = pl_write(cs, r, b);
		int stop = b->stop;
		if (!rc && stop && stop != DN_DONE)
			rc = one_row(cs, r, stop); /* the reader waits meanwhile */
		pthread_mutex_lock(&p.mu);
		b->full = false;
		if (rc)
			p.quit = true;
		pthread_cond_broadcast(&p.cv);
		pthread_mutex_unlock(&p.mu);
		if (rc || stop == DN_DONE)
			break;
	}
	pthread_join(th, NULL);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	pl_free(&p.b[0]);
	pl_free(&p.b[1]);
	return rc;
}

static int read_rows(csv_src *cs, dn_csv *r)
{
	int rc;
	if (pl_fits(cs)) {
		bool ran;
		rc = read_rows_two_threads(cs, r, &ran);
		if (ran) {
			if (!rc)
				dn_loader_input_done(cs->ld, dn_csv_name(r), dn_csv_offset(r));
			return rc;
		}
	}
	while ((rc = dn_csv_next(r)) != DN_DONE)
		if ((rc = one_row(cs, r, rc)))
			return rc;
	dn_loader_input_done(cs->ld, dn_csv_name(r), dn_csv_offset(r));
	return 0;
}

static void src_free(csv_src *cs)
{
	for (size_t i = 0; cs->cols && i < cs->ncols; i++) {
		free(cs->cols[i].title);
		free(cs->cols[i].name);
		free(cs->cols[i].space);
		free(cs->cols[i].items);
	}
	free(cs->cols);
	free(cs->props);
	free(cs->labels);
	free(cs->labels_buf);
	free(cs->cellbuf);
	free(cs->recbuf);
}

static int open_file(dn_loader *ld, const char *path, dn_csv **r)
{
	const dn_import_opts *o = dn_loader_opts(ld);
	dn_csv_opts co = {.delimiter = o->delimiter, .quote = o->quote};
	char err[512];
	int rc = dn_csv_open(path, &co, r, err, sizeof err);
	return rc ? dn_error(dn_loader_db(ld), rc, "%s", err) : 0;
}

static int import_source(dn_loader *ld, const dn_import_source *src)
{
	csv_src cs;
	dn_csv *r = NULL;
	int rc;
	memset(&cs, 0, sizeof cs);
	cs.ld = ld;
	cs.src = src;
	if (!src->nfiles)
		return dn_error(dn_loader_db(ld), DN_EINVAL, "import: a source without files");
	if (!src->relationships && src->labels && *src->labels) {
		if (!(cs.labels_buf = strdup(src->labels)))
			return dn_error(dn_loader_db(ld), DN_ENOMEM, "import: out of memory");
		for (char *p = strtok(cs.labels_buf, ":"); p; p = strtok(NULL, ":")) {
			if (cs.nfixed == sizeof cs.fixed_labels / sizeof cs.fixed_labels[0]) {
				src_free(&cs);
				return dn_error(dn_loader_db(ld), DN_ELIMIT, "import: too many labels");
			}
			cs.fixed_labels[cs.nfixed++] = p;
		}
	}
	rc = open_file(ld, src->files[0], &r);
	if (!rc)
		rc = parse_header(&cs, r);
	for (size_t f = 0; !rc && f < src->nfiles; f++) {
		if (f > 0) {
			dn_loader_input_done(ld, dn_csv_name(r), dn_csv_offset(r));
			dn_csv_close(r);
			r = NULL;
			rc = open_file(ld, src->files[f], &r);
		}
		if (!rc)
			rc = read_rows(&cs, r);
	}
	dn_csv_close(r);
	src_free(&cs);
	return rc;
}

int dn_import_csv(dn_db *db, const dn_import_source *sources, size_t nsources,
                  const dn_import_opts *opts, dn_import_summary *summary)
{
	dn_loader *ld = NULL;
	uint64_t total = 0;
	int rc;
	dn_import_summary local;
	if (!summary)
		summary = &local;
	memset(summary, 0, sizeof *summary);
	if (!db || (nsources && !sources))
		return DN_EINVAL;
	/* One transaction from files, all or nothing, can do without the replay
	 * journal (a tenth of a bulk load): should the map fill up, the import
	 * runs once more, with it, on the map grown by then. */
	bool files = true;
	for (size_t i = 0; i < nsources; i++)
		for (size_t f = 0; f < sources[i].nfiles; f++) {
			uint64_t sz = dn_loader_file_size(sources[i].files[f]);
			total += sz;
			files &= sz > 0;
		}
	const dn_import_opts *o = opts;
	bool redo = files && (!o || (o->on_error == DN_IMPORT_ABORT && !o->batch));
	for (int attempt = 0;; attempt++) {
		bool unjournaled = redo && attempt == 0;
		if ((rc = dn_loader_begin_ex(db, opts, summary, total, unjournaled ? DN_TXN_NO_JOURNAL : 0, &ld)))
			return rc;
		/* Nodes first, so that relationships find them whatever the order. */
		for (int pass = 0; pass < 2 && !rc; pass++)
			for (size_t i = 0; i < nsources && !rc; i++)
				if (sources[i].relationships == (pass == 1))
					rc = import_source(ld, &sources[i]);
		int erc = dn_loader_end(ld, rc == 0);
		if (!rc)
			rc = erc;
		if (rc != DN_EMAPFULL || !unjournaled)
			return rc;
		rc = 0;
	}
}
