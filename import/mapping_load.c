/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapping_load.c — loads flat CSV files through a compiled mapping
 * (mapping.h): for each row it evaluates every value first (so a bad value
 * rejects the row before anything is written), then MERGEs the node
 * templates through the loader's ID spaces (a unique index on the label
 * and key, loader.h) and the edge templates by walking the shorter
 * adjacency list of their ends. Transactions, batches, the rejects file,
 * progress and the summary are the loader's.
 */
#include "dragnet_mapping.h"
#include "mapping.h"

#include <inttypes.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "internal.h"
#include "loader.h"

/* The property that holds a composite key (values joined by U+001F). */
#define ML_COMPOSITE_KEY "_key"
/* An adjacency list this short is walked without asking the degrees. */
#define ML_SHORT_ADJ 16

/* One evaluated value of the current row. */
typedef struct ml_slot {
	mt_scratch sc;
	dn_value v;
} ml_slot;

typedef struct ml_node_state {
	bool present;   /* not skipped in this row */
	bool created;   /* created by this row */
	dn_id id;
} ml_node_state;

/* The fill memo of one node template: a direct-mapped table from node id
 * to the hash of the properties last filled in (fixed size: flat memory;
 * a collision only costs a node read). */
#define ML_MEMO_SLOTS 65536
typedef struct ml_memo {
	dn_id id;
	uint64_t hash;
} ml_memo;

/* An edge the current row created. */
typedef struct ml_row_edge {
	dn_id src, dst;
} ml_row_edge;

typedef struct ml_run {
	dn_db *db;
	dn_mapping *m;
	dn_loader *ld;
	dn_import_summary *sum;
	dn_mapping_stats *st;
	mp_value **vals;   /* every value of the mapping, by slot */
	size_t nvals;
	ml_slot *slots;
	int *spaces;       /* loader space of each mapping space */
	ml_memo **memo;    /* per node template (fill), NULL until used */
	bool *eside;       /* per edge template: walk the `to` end first */
	ml_row_edge *rowedges; /* created by the current row (at most nedges) */
	size_t nrowedges;
	ml_node_state *ns;
	dn_prop *props;    /* scratch for one template's properties */
	size_t pcap;
	const char **labels;
	mt_buf key, rec, tmp;
	char record[4200]; /* "file:line" */
	char msg[1024];
	char linebuf[24];
	char **mlabels;    /* matrix: the labels of the first row */
	size_t nmlabels;
	size_t mcol;       /* matrix: the column of the current cell */
	/* the current file and row */
	const char *file;
	dn_csv *csv;
	char **header;
	size_t nheader;
} ml_run;

/* ------------------------------------------------------------------ */
/* Setting up                                                          */
/* ------------------------------------------------------------------ */

static int add_val(ml_run *r, mp_value *v, size_t *cap)
{
	if (!v)
		return 0;
	if (r->nvals == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		mp_value **n = realloc(r->vals, c * sizeof *n);
		if (!n)
			return DN_ENOMEM;
		r->vals = n;
		*cap = c;
	}
	v->slot = (int)r->nvals;
	r->vals[r->nvals++] = v;
	return 0;
}

static int collect_values(ml_run *r)
{
	dn_mapping *m = r->m;
	size_t cap = 0, maxp = 1, maxl = 1;
	int rc = 0;
	for (size_t i = 0; i < m->nnodes && !rc; i++) {
		for (size_t k = 0; k < m->nodes[i].nprops && !rc; k++)
			rc = add_val(r, &m->nodes[i].props[k].v, &cap);
		for (size_t k = 0; k < m->nodes[i].nwhen && !rc; k++)
			rc = add_val(r, &m->nodes[i].when[k].v, &cap);
		if (m->nodes[i].nprops > maxp)
			maxp = m->nodes[i].nprops;
		if (m->nodes[i].nlabels > maxl)
			maxl = m->nodes[i].nlabels;
	}
	for (size_t i = 0; i < m->nedges && !rc; i++) {
		rc = add_val(r, m->edges[i].type_v, &cap);
		for (size_t k = 0; k < m->edges[i].nwhen && !rc; k++)
			rc = add_val(r, &m->edges[i].when[k].v, &cap);
		for (size_t k = 0; k < m->edges[i].nprops && !rc; k++)
			rc = add_val(r, &m->edges[i].props[k].v, &cap);
		if (m->edges[i].nprops > maxp)
			maxp = m->edges[i].nprops;
	}
	for (size_t i = 0; i < m->nskips && !rc; i++)
		rc = add_val(r, &m->skips[i].v, &cap);
	if (!rc)
		rc = add_val(r, m->meta_source, &cap);
	if (!rc)
		rc = add_val(r, m->meta_grade, &cap);
	if (!rc)
		rc = add_val(r, m->meta_marking, &cap);
	if (!rc)
		rc = add_val(r, m->meta_from, &cap);
	if (!rc)
		rc = add_val(r, m->meta_to, &cap);
	if (rc)
		return rc;
	r->slots = calloc(r->nvals ? r->nvals : 1, sizeof *r->slots);
	r->ns = calloc(m->nnodes, sizeof *r->ns);
	r->memo = calloc(m->nnodes, sizeof *r->memo);
	r->eside = calloc(m->nedges + 1, sizeof *r->eside);
	r->rowedges = calloc(m->nedges + 1, sizeof *r->rowedges);
	r->spaces = calloc(m->nspaces, sizeof *r->spaces);
	r->props = calloc(maxp + 1, sizeof *r->props);
	r->labels = calloc(maxl + 1, sizeof *r->labels);
	r->pcap = maxp + 1;
	if (!r->slots || !r->ns || !r->spaces || !r->props || !r->labels || !r->memo || !r->eside || !r->rowedges)
		return DN_ENOMEM;
	return 0;
}

/* Resolves every column reference against the header of the current file. */
static int resolve_columns(ml_run *r)
{
	for (size_t i = 0; i < r->nvals; i++) {
		mp_value *v = r->vals[i];
		size_t c;
		if (!v->column)
			continue;
		if (strcmp(v->column, "$file") == 0 || strcmp(v->column, "$line") == 0) {
			v->col = v->column[1] == 'f' ? MP_COL_FILE : MP_COL_LINE;
			continue;
		}
		for (c = 0; c < r->nheader; c++)
			if (strcmp(r->header[c], v->column) == 0)
				break;
		if (c == r->nheader && v->optional) {
			v->col = MP_COL_NONE;
			continue;
		}
		if (c == r->nheader) {
			size_t n = (size_t)snprintf(r->msg, sizeof r->msg,
			                            "%s: %s: unknown column '%s' (%s has:", r->m->file,
			                            v->path, v->column, r->file);
			for (c = 0; c < r->nheader && n < sizeof r->msg; c++)
				n += (size_t)snprintf(r->msg + n, sizeof r->msg - n, "%s '%s'",
				                      c ? "," : "", r->header[c]);
			if (n < sizeof r->msg)
				snprintf(r->msg + n, sizeof r->msg - n, ")");
			return dn_error(r->db, DN_ESYNTAX, "%s", r->msg);
		}
		v->col = (int)c;
	}
	return 0;
}

static void header_free(ml_run *r)
{
	for (size_t i = 0; i < r->nmlabels; i++)
		free(r->mlabels[i]);
	free(r->mlabels);
	r->mlabels = NULL;
	r->nmlabels = 0;
	for (size_t i = 0; i < r->nheader; i++)
		free(r->header[i]);
	free(r->header);
	r->header = NULL;
	r->nheader = 0;
}

static const char *const ml_matrix_columns[] = {"row", "column", "value"};

static int header_set(ml_run *r)
{
	dn_mapping *m = r->m;
	size_t n = m->header && !m->ncolumns ? dn_csv_nfields(r->csv) : m->ncolumns;
	header_free(r);
	if (m->matrix) {
		if (!(r->mlabels = calloc(n, sizeof *r->mlabels)))
			return DN_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			if (!(r->mlabels[i] = strdup(dn_csv_field(r->csv, i, NULL))))
				return DN_ENOMEM;
			r->nmlabels = i + 1;
		}
		n = 3;
	}
	if (!(r->header = calloc(n ? n : 1, sizeof *r->header)))
		return DN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = m->matrix ? ml_matrix_columns[i]
		                : m->ncolumns ? m->columns[i] : dn_csv_field(r->csv, i, NULL);
		if (!(r->header[i] = strdup(s)))
			return DN_ENOMEM;
		r->nheader = i + 1;
	}
	return resolve_columns(r);
}

/* ------------------------------------------------------------------ */
/* Evaluating a row                                                    */
/* ------------------------------------------------------------------ */

/* Field col of the current record; in a matrix, of the current cell
 * (row label, column label, value). *column is its column on the line. */
static const char *field(const ml_run *r, int col, size_t *n, uint64_t *column)
{
	size_t i = (size_t)col;
	if (r->m->matrix) {
		if (col == 1) {
			*n = strlen(r->mlabels[r->mcol]);
			*column = dn_csv_field_column(r->csv, r->mcol);
			return r->mlabels[r->mcol];
		}
		i = col == 0 ? 0 : r->mcol;
	}
	*column = dn_csv_field_column(r->csv, i);
	return dn_csv_field(r->csv, i, n);
}

static bool blank_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == ' ' || s[i] == '\t'))
			return false;
	return true;
}

static int eval_value(ml_run *r, const mp_value *v)
{
	ml_slot *sl = &r->slots[v->slot];
	const char *s;
	size_t n = 0;
	char err[512];
	uint64_t column = 0;
	int rc;

	sl->v = dn_value_null();
	if (v->has_const && !v->const_text) {
		sl->v = v->const_val;
		sl->v.owned = 0; /* borrowed from the mapping */
		return 0;
	}
	if (v->const_text) {
		s = v->const_text;
		n = strlen(s);
	} else if (v->col == MP_COL_NONE) {
		if (!v->dflt)
			return 0;
		s = v->dflt; /* an optional column the file lacks: its default */
		n = strlen(s);
	} else if (v->col == MP_COL_FILE) {
		const char *b = strrchr(r->file, '/');
		s = b ? b + 1 : r->file;
		n = strlen(s);
	} else if (v->col == MP_COL_LINE) {
		n = (size_t)snprintf(r->linebuf, sizeof r->linebuf, "%" PRIu64, dn_csv_line(r->csv));
		s = r->linebuf;
	} else {
		s = field(r, v->col, &n, &column);
		if (!s || blank_text(s, n)) {
			if (!v->dflt)
				return 0;
			s = v->dflt;
			n = strlen(s);
		}
	}
	if (!v->chain.n) {
		sl->v = dn_value_stringn_ref(s, n);
		return 0;
	}
	rc = mt_chain_eval(&v->chain, s, n, &sl->sc, &sl->v, err, sizeof err);
	if (rc == DN_ETYPE) {
		if (v->column && v->col >= 0)
			snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ":%" PRIu64 ": column '%s': %s",
			         r->file, dn_csv_line(r->csv),
			         column, v->column, err);
		else
			snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %s: %s", r->file,
			         dn_csv_line(r->csv), v->path, err);
	} else if (rc) {
		snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %s", r->file,
		         dn_csv_line(r->csv), dn_strerror(rc));
	}
	return rc;
}

static const dn_value *val(const ml_run *r, const mp_value *v)
{
	return &r->slots[v->slot].v;
}

/* Text of a metadata value (a string, or NULL when absent). */
static int meta_text(ml_run *r, const mp_value *v, mt_buf *b, const char **out)
{
	const dn_value *x;
	*out = NULL;
	if (!v)
		return 0;
	x = val(r, v);
	if (x->type == DN_NULL)
		return 0;
	if (x->type != DN_STRING)
		return DN_ETYPE;
	b->len = 0;
	if (b->cap < x->len + 1) {
		char *p = realloc(b->p, x->len + 1);
		if (!p)
			return DN_ENOMEM;
		b->p = p;
		b->cap = x->len + 1;
	}
	memcpy(b->p, x->u.s, x->len);
	b->p[x->len] = '\0';
	*out = b->p;
	return 0;
}

static int meta_time(ml_run *r, const mp_value *v, int64_t *out)
{
	const dn_value *x;
	*out = DN_TIME_UNSET;
	if (!v)
		return 0;
	x = val(r, v);
	switch (x->type) {
	case DN_NULL: return 0;
	case DN_DATE: *out = (int64_t)x->u.date * 86400000; return 0;
	case DN_DATETIME: *out = x->u.datetime; return 0;
	case DN_STRING:
		if (dn_datetime_parse(x->u.s, x->len, out) == 0)
			return 0;
		/* fall through */
	default:
		snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %s: not a date or datetime "
		         "(give a transform such as {\"date\": \"DD/MM/YYYY\"})", r->file,
		         dn_csv_line(r->csv), v->path);
		return DN_ETYPE;
	}
}

/* The row's metadata: source, record (file:line), grade, marking, time. */
static int row_meta(ml_run *r, dn_meta *meta, mt_buf *src, mt_buf *mark)
{
	const char *g = NULL;
	mt_buf gb = {0};
	int rc;

	*meta = dn_meta_none();
	snprintf(r->record, sizeof r->record, "%s:%" PRIu64, r->file, dn_csv_line(r->csv));
	meta->record = r->record;
	if ((rc = meta_text(r, r->m->meta_source, src, &meta->source)))
		goto bad;
	if (!meta->source)
		meta->source = r->m->name;
	if ((rc = meta_text(r, r->m->meta_marking, mark, &meta->marking)))
		goto bad;
	if ((rc = meta_text(r, r->m->meta_grade, &gb, &g)))
		goto bad;
	if (g && dn_import_parse_grade(g, strlen(g), &meta->reliability, &meta->credibility)) {
		snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %s: '%s' is not a grade such as B2 "
		         "(reliability A-F, credibility 1-6)", r->file, dn_csv_line(r->csv),
		         r->m->meta_grade->path, g);
		free(gb.p);
		return DN_ETYPE;
	}
	free(gb.p);
	if ((rc = meta_time(r, r->m->meta_from, &meta->valid_from)) ||
	    (rc = meta_time(r, r->m->meta_to, &meta->valid_to)))
		return rc;
	return 0;
bad:
	free(gb.p);
	if (rc == DN_ETYPE)
		snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": metadata must be text here",
		         r->file, dn_csv_line(r->csv));
	return rc;
}

static bool cond_holds(ml_run *r, const mp_cond *c);

static bool cond_true(ml_run *r, const mp_cond *c)
{
	return cond_holds(r, c) != c->negate;
}

static bool cond_holds(ml_run *r, const mp_cond *c)
{
	const dn_value *x = val(r, &c->v);
	bool empty = x->type == DN_NULL || (x->type == DN_STRING && x->len == 0);
	switch (c->kind) {
	case MP_EMPTY: return empty;
	case MP_NOT_EMPTY: return !empty;
	case MP_EQUALS:
		for (size_t i = 0; i < c->nvals; i++) {
			size_t l = strlen(c->vals[i]);
			if (empty ? l == 0 : (x->len == l && memcmp(x->u.s, c->vals[i], l) == 0))
				return true;
		}
		return false;
	case MP_MATCHES: {
		mt_buf t = {0};
		bool hit;
		if (meta_text(r, &c->v, &t, &(const char *){NULL}))
			return false;
		hit = regexec(c->re, t.p ? t.p : "", 0, NULL, 0) == 0;
		free(t.p);
		return hit;
	}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Writing a row                                                       */
/* ------------------------------------------------------------------ */

static int buf_add(mt_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 128;
		char *p;
		while (c < b->len + n + 1)
			c *= 2;
		if (!(p = realloc(b->p, c)))
			return DN_ENOMEM;
		b->p = p;
		b->cap = c;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static uint64_t hash_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t hash_value(uint64_t h, const dn_value *v)
{
	h = hash_mix(h, &v->type, 1);
	switch (v->type) {
	case DN_STRING: return hash_mix(h, v->u.s, v->len);
	case DN_LIST:
		for (uint32_t i = 0; i < v->len; i++)
			h = hash_value(h, &v->u.list[i]);
		return h;
	case DN_BOOL: return hash_mix(h, &v->u.b, sizeof v->u.b);
	case DN_DATE: return hash_mix(h, &v->u.date, sizeof v->u.date);
	case DN_NULL: return h;
	default: return hash_mix(h, &v->u.i, sizeof v->u.i);
	}
}

/* A hash of a row's property values (never 0). */
static uint64_t props_hash(const ml_run *r, size_t nprops)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < nprops; k++)
		h = hash_value(h, &r->props[k].value);
	return h | 1;
}

/* on_match "fill": adds the labels and properties the node lacks. A memo
 * of what was last filled in per (template, node) saves reading nodes that
 * rows repeat with the same values. */
static int fill_node(ml_run *r, size_t tmpl, dn_id id, size_t nlabels, size_t nprops)
{
	dn_txn *txn = dn_loader_txn(r->ld);
	dn_node *n = NULL;
	bool changed = false;
	uint64_t h = props_hash(r, nprops);
	ml_memo *slot;
	int rc;

	if (!r->memo[tmpl] && !(r->memo[tmpl] = calloc(ML_MEMO_SLOTS, sizeof *r->memo[tmpl])))
		return dn_error(r->db, DN_ENOMEM, "import: out of memory");
	slot = &r->memo[tmpl][(id * 0x9E3779B97F4A7C15ull) >> 48];
	if (slot->id == id && slot->hash == h) {
		r->sum->nodes_present++;
		return 0;
	}
	rc = dn_node_get(txn, id, &n);
	for (size_t k = 0; k < nlabels && !rc; k++)
		if (!dn_node_has_label(n, r->labels[k])) {
			rc = dn_node_add_label(txn, id, r->labels[k]);
			changed = true;
		}
	for (size_t k = 0; k < nprops && !rc; k++)
		if (r->props[k].value.type != DN_NULL && !dn_node_prop(n, r->props[k].key)) {
			rc = dn_node_set_prop(txn, id, r->props[k].key, &r->props[k].value);
			changed = true;
		}
	dn_node_free(n);
	if (!rc) {
		if (changed)
			r->sum->nodes_updated++;
		else
			r->sum->nodes_present++;
		*slot = (ml_memo){id, h};
	}
	return rc;
}

static int write_node(ml_run *r, size_t i, const dn_meta *meta)
{
	const mp_node *nd = &r->m->nodes[i];
	ml_node_state *ns = &r->ns[i];
	int space = r->spaces[nd->space];
	size_t np = 0;
	dn_id id = 0;
	int rc;

	ns->present = ns->created = false;
	r->key.len = 0;
	for (size_t k = 0; k < nd->nwhen; k++)
		if (!cond_true(r, &nd->when[k])) {
			r->st->nodes_skipped++;
			return 0;
		}
	for (size_t k = 0; k < nd->nkeys; k++) {
		const dn_value *x = val(r, &nd->props[k].v);
		if (x->type == DN_NULL) {
			r->st->nodes_skipped++;
			return 0;
		}
		if ((k && buf_add(&r->key, "\x1f", 1)) || buf_add(&r->key, x->u.s, x->len))
			return DN_ENOMEM;
	}
	/* the key property (or _key) joins them as the ID space stores it:
	 * below on creation, by the loader on an update */
	for (size_t k = nd->nkeys == 1 ? 1 : 0; k < nd->nprops; k++)
		r->props[np++] = (dn_prop){nd->props[k].key, *val(r, &nd->props[k].v)};
	for (size_t k = 0; k < nd->nlabels; k++)
		r->labels[k] = nd->labels[k];
	rc = dn_loader_lookup(r->ld, space, r->key.p, r->key.len, &id);
	if (rc && rc != DN_ENOTFOUND)
		return rc;
	if (rc == DN_ENOTFOUND) {
		/* created with the key property (or _key) as the ID space
		 * stores it: the space's label is labels[0] */
		dn_meta m = dn_loader_meta_merge(&dn_loader_opts(r->ld)->meta, meta);
		r->props[np++] = (dn_prop){nd->nkeys == 1 ? nd->props[0].key : ML_COMPOSITE_KEY,
		                           dn_value_stringn_ref(r->key.p, r->key.len)};
		if ((rc = dn_node_create(dn_loader_txn(r->ld), r->labels, nd->nlabels, r->props, np,
		                         &m, &id)) ||
		    (rc = dn_loader_remember(r->ld, space, r->key.p, r->key.len, id)))
			return rc;
		r->sum->nodes_created++;
	} else if (nd->on_match == MP_ON_MATCH_UPDATE) {
		/* found and brought up to the row (labels and properties; the
		 * provenance of the first sighting is kept) */
		if ((rc = dn_loader_node(r->ld, space, r->key.p, r->key.len, r->labels, nd->nlabels,
		                         r->props, np, NULL, &id)))
			return rc;
	} else if (nd->on_match == MP_ON_MATCH_FILL) {
		if ((rc = fill_node(r, i, id, nd->nlabels, np)))
			return rc;
	} else {
		r->sum->nodes_present++;
	}
	ns->present = true;
	ns->id = id;
	return 0;
}

static bool key_props_equal(const dn_edge *e, const ml_run *r, const mp_edge *t)
{
	for (size_t k = 0; k < t->nkeys; k++) {
		const dn_value *want = val(r, &t->props[k].v), *have = dn_edge_prop(e, t->props[k].key);
		if (want->type == DN_NULL ? have != NULL
		                          : !have || have->type != want->type || !dn_value_equal(have, want))
			return false;
	}
	return true;
}

/* Walks the adjacency of `from` in dir for an edge to `want`. limit > 0
 * stops after that many entries with *walked = limit (undecided). */
static int edge_walk(ml_run *r, const mp_edge *t, const char *type, dn_id from, dn_dir dir,
                     dn_id want, uint64_t limit, uint64_t *walked, bool *found)
{
	dn_txn *txn = dn_loader_txn(r->ld);
	dn_iter *it = NULL;
	dn_adj adj;
	int rc;

	*walked = 0;
	if ((rc = dn_edges_of(txn, from, dir, type, &it)))
		return rc;
	while ((rc = dn_iter_next_adj(it, &adj)) == DN_ROW) {
		dn_edge *e = NULL;
		if (limit && ++*walked > limit)
			break;
		if (adj.nbr != want)
			continue;
		if (!t->nkeys) {
			*found = true;
			break;
		}
		if ((rc = dn_edge_get(txn, adj.edge, &e)))
			break;
		*found = key_props_equal(e, r, t);
		dn_edge_free(e);
		if (*found)
			break;
	}
	dn_iter_free(it);
	return rc == DN_ROW || rc == DN_DONE ? 0 : rc;
}

/*
 * Whether the edge of template ti (of type `type`) between src and dst is
 * already there. The end that was short last time is walked first, up to
 * ML_SHORT_ADJ entries; past that, the two ends' degrees are compared and
 * the shorter list is walked whole (a hub is never walked for every row).
 */
static int edge_find(ml_run *r, size_t ti, const char *type, dn_id src, dn_id dst,
                     bool *found)
{
	const mp_edge *t = &r->m->edges[ti];
	dn_txn *txn = dn_loader_txn(r->ld);
	dn_dir dout = t->undirected ? DN_BOTH : DN_OUT, din = t->undirected ? DN_BOTH : DN_IN;
	bool to_side = r->eside[ti];
	uint64_t a = 0, b = 0, walked = 0;
	int rc;

	*found = false;
	rc = to_side ? edge_walk(r, t, type, dst, din, src, ML_SHORT_ADJ, &walked, found)
	             : edge_walk(r, t, type, src, dout, dst, ML_SHORT_ADJ, &walked, found);
	if (rc || *found || walked <= ML_SHORT_ADJ)
		return rc;
	if ((rc = dn_degree(txn, src, dout, type, &a)) || (rc = dn_degree(txn, dst, din, type, &b)))
		return rc;
	r->eside[ti] = b < a;
	if (!a || !b)
		return 0;
	return b < a ? edge_walk(r, t, type, dst, din, src, 0, &walked, found)
	             : edge_walk(r, t, type, src, dout, dst, 0, &walked, found);
}

static int write_edge(ml_run *r, size_t ti, const dn_meta *meta)
{
	const mp_edge *t = &r->m->edges[ti];
	const ml_node_state *a = &r->ns[t->from], *b = &r->ns[t->to];
	const char *type = t->type;
	bool found = false, check;
	size_t np = 0;
	dn_meta m;
	dn_id id;
	int rc;

	for (size_t k = 0; k < t->nwhen; k++)
		if (!cond_true(r, &t->when[k])) {
			r->st->edges_skipped++;
			return 0;
		}
	if (!a->present || !b->present || (!t->self_loops && a->id == b->id)) {
		r->st->edges_skipped++;
		return 0;
	}
	if (!type) {
		const dn_value *x = val(r, t->type_v); /* text: checked by do_row */
		r->tmp.len = 0;
		if (buf_add(&r->tmp, x->u.s, x->len))
			return DN_ENOMEM;
		type = r->tmp.p;
	}
	/* an edge with an end created by this row can only be there if an
	 * earlier template of the row made one between the same two nodes */
	check = !a->created && !b->created;
	for (size_t k = 0; k < r->nrowedges && !check; k++)
		check = (r->rowedges[k].src == a->id && r->rowedges[k].dst == b->id) ||
		        (r->rowedges[k].src == b->id && r->rowedges[k].dst == a->id);
	if (check && (rc = edge_find(r, ti, type, a->id, b->id, &found)))
		return rc;
	if (found) {
		r->sum->rels_present++;
		return 0;
	}
	for (size_t k = 0; k < t->nprops; k++)
		r->props[np++] = (dn_prop){t->props[k].key, *val(r, &t->props[k].v)};
	m = dn_loader_meta_merge(&dn_loader_opts(r->ld)->meta, meta);
	if ((rc = dn_edge_create(dn_loader_txn(r->ld), a->id, b->id, type, r->props, np, &m, &id)))
		return rc;
	r->sum->rels_created++;
	r->rowedges[r->nrowedges++] = (ml_row_edge){a->id, b->id};
	return 0;
}

/* The row as CSV text, for the rejects file. */
static const char *row_text(ml_run *r, size_t *len)
{
	dn_mapping *m = r->m;
	r->rec.len = 0;
	for (size_t i = 0; i < dn_csv_nfields(r->csv); i++) {
		size_t n;
		const char *f = dn_csv_field(r->csv, i, &n);
		if (i)
			buf_add(&r->rec, &m->delimiter, 1);
		if (memchr(f, m->delimiter, n) || memchr(f, m->quote, n) || memchr(f, '\n', n) ||
		    memchr(f, '\r', n)) {
			buf_add(&r->rec, &m->quote, 1);
			for (size_t k = 0; k < n; k++) {
				if (f[k] == m->quote)
					buf_add(&r->rec, &m->quote, 1);
				buf_add(&r->rec, &f[k], 1);
			}
			buf_add(&r->rec, &m->quote, 1);
		} else {
			buf_add(&r->rec, f, n);
		}
	}
	*len = r->rec.len;
	return r->rec.p ? r->rec.p : "";
}

/* Evaluates and writes one row. DN_ETYPE/DN_ESYNTAX: a bad row (message in
 * r->msg, nothing written); other errors are the engine's. */
static int do_row(ml_run *r)
{
	dn_mapping *m = r->m;
	mt_buf src = {0}, mark = {0};
	dn_meta meta;
	size_t nf = dn_csv_nfields(r->csv);
	int rc = 0;

	if (nf != (m->matrix ? r->nmlabels : r->nheader)) {
		snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %zu fields, the header has %zu",
		         r->file, dn_csv_line(r->csv), nf, m->matrix ? r->nmlabels : r->nheader);
		return DN_ESYNTAX;
	}
	for (size_t i = 0; i < m->nskips && !rc; i++)
		rc = eval_value(r, &m->skips[i].v);
	for (size_t i = 0; i < m->nskips && !rc; i++)
		if (cond_true(r, &m->skips[i])) {
			r->st->rows_skipped++;
			return 0;
		}
	for (size_t i = 0; i < r->nvals && !rc; i++)
		rc = eval_value(r, r->vals[i]);
	if (!rc)
		rc = row_meta(r, &meta, &src, &mark);
	for (size_t i = 0; i < m->nedges && !rc; i++) {
		const dn_value *x = m->edges[i].type_v ? val(r, m->edges[i].type_v) : NULL;
		if (x && x->type != DN_STRING) {
			snprintf(r->msg, sizeof r->msg, "%s:%" PRIu64 ": %s: the edge type is %s",
			         r->file, dn_csv_line(r->csv), m->edges[i].type_v->path,
			         x->type == DN_NULL ? "empty" : "not text");
			rc = DN_ETYPE;
		}
	}
	for (size_t i = 0; i < m->nnodes && !rc; i++) {
		uint64_t before = r->sum->nodes_created;
		rc = write_node(r, i, &meta);
		r->ns[i].created = r->sum->nodes_created > before;
	}
	r->nrowedges = 0;
	for (size_t i = 0; i < m->nedges && !rc; i++)
		rc = write_edge(r, i, &meta);
	free(src.p);
	free(mark.p);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

static int load_file(ml_run *r, const char *path)
{
	dn_csv_opts co = {r->m->delimiter, r->m->quote, 0};
	char err[512];
	bool need_header = r->m->header;
	int rc;

	r->file = path;
	if ((rc = dn_csv_open(path, &co, &r->csv, err, sizeof err)))
		return dn_error(r->db, rc, "%s", err);
	if (!need_header && (rc = header_set(r)))
		goto out;
	while ((rc = dn_csv_next(r->csv)) == DN_ROW || (rc == DN_ESYNTAX && dn_csv_recoverable(r->csv))) {
		size_t len;
		const char *txt;
		bool csv_bad, whole;
		if (rc == DN_ROW && (dn_csv_blank(r->csv) ||
		                     (r->m->comment && dn_csv_field(r->csv, 0, NULL)[0] == r->m->comment)))
			continue;
		if (need_header) {
			if (rc != DN_ROW) {
				rc = dn_error(r->db, rc, "%s", dn_csv_errmsg(r->csv));
				goto out;
			}
			need_header = false;
			if ((rc = header_set(r)))
				goto out;
			continue;
		}
		/* a matrix row is one record per cell after the row label */
		csv_bad = rc != DN_ROW;
		whole = false;
		r->mcol = 1;
		for (;;) {
			if (csv_bad) {
				snprintf(r->msg, sizeof r->msg, "%s", dn_csv_errmsg(r->csv));
				rc = DN_ESYNTAX;
			} else {
				rc = do_row(r);
			}
			if (rc == DN_ETYPE || rc == DN_ESYNTAX) {
				txt = row_text(r, &len);
				if ((rc = dn_loader_reject(r->ld, rc, path, dn_csv_line(r->csv), r->msg,
				                           txt, len)))
					goto out;
				whole = csv_bad || !r->m->matrix || dn_csv_nfields(r->csv) != r->nmlabels;
				if (whole)
					break;
			} else if (rc) {
				goto out;
			}
			if (!r->m->matrix || ++r->mcol >= dn_csv_nfields(r->csv))
				break;
		}
		if (whole)
			continue;
		if ((rc = dn_loader_row_done(r->ld, path, dn_csv_offset(r->csv))))
			goto out;
	}
	if (rc == DN_DONE) {
		rc = 0;
		dn_loader_input_done(r->ld, path, dn_csv_offset(r->csv));
	} else {
		rc = dn_error(r->db, rc, "%s", dn_csv_errmsg(r->csv));
	}
out:
	dn_csv_close(r->csv);
	r->csv = NULL;
	return rc;
}

static int setup_spaces(ml_run *r)
{
	for (size_t i = 0; i < r->m->nspaces; i++) {
		const mp_space *s = &r->m->spaces[i];
		int rc = dn_loader_space(r->ld, s->label, s->nkeys == 1 ? s->keys[0] : ML_COMPOSITE_KEY,
		                         &r->spaces[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static void run_free(ml_run *r)
{
	for (size_t i = 0; i < r->nvals && r->slots; i++)
		mt_scratch_free(&r->slots[i].sc);
	free(r->slots);
	free(r->vals);
	for (size_t i = 0; r->memo && i < r->m->nnodes; i++)
		free(r->memo[i]);
	free(r->memo);
	free(r->eside);
	free(r->rowedges);
	free(r->ns);
	free(r->spaces);
	free(r->props);
	free(r->labels);
	free(r->key.p);
	free(r->rec.p);
	free(r->tmp.p);
	header_free(r);
}

int dn_import_mapping(dn_db *db, const char *mapping, const char *const *files,
                      size_t nfiles, const dn_import_opts *opts,
                      dn_import_summary *summary, dn_mapping_stats *stats)
{
	ml_run r;
	dn_import_summary own;
	dn_mapping_stats ownst;
	uint64_t total = 0;
	char err[1024];
	int rc;

	memset(&r, 0, sizeof r);
	r.db = db;
	r.sum = summary ? summary : &own;
	r.st = stats ? stats : &ownst;
	memset(r.sum, 0, sizeof *r.sum);
	memset(r.st, 0, sizeof *r.st);
	if ((rc = dn_mapping_load(mapping, &r.m, err, sizeof err)))
		return dn_error(db, rc, "%s", err);
	if ((rc = collect_values(&r))) {
		rc = dn_error(db, rc, "import: out of memory");
		goto done;
	}
	for (size_t i = 0; i < nfiles; i++)
		total += dn_loader_file_size(files[i]);
	if ((rc = dn_loader_begin(db, opts, r.sum, total, &r.ld)))
		goto done;
	rc = setup_spaces(&r);
	for (size_t i = 0; i < nfiles && !rc; i++)
		rc = load_file(&r, files[i]);
	{
		int erc = dn_loader_end(r.ld, rc == 0);
		if (!rc)
			rc = erc;
	}
done:
	run_free(&r);
	dn_mapping_free(r.m);
	return rc;
}
