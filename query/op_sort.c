/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_sort.c — Sort: ORDER BY of a WITH or RETURN. Blocking: it pulls
 * every input row with its sort keys (a term naming an item by its alias
 * or text takes the item's value; aggregates written again stand for
 * their column), then hands the rows out in order, ties in input order.
 * Under a constant LIMIT it is a top-k: it keeps only SKIP + LIMIT rows,
 * cutting the kept rows back to that whenever they reach twice as many.
 */
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "op.h"
#include "value_ops.h"

typedef struct op_sort {
	dn_op base;
	bool aggregating;
	size_t top;      /* keep this many rows at most; 0: all */
	rows in, kept;   /* the input batch; the rows kept, in order after build */
	dn_value *keys;  /* per kept row: one per ORDER BY term */
	uint64_t *seq;   /* per kept row: its place in the input */
	size_t capkeys;
	uint64_t nin;
	size_t pos;
	bool built;
} op_sort;

typedef struct sort_ctx {
	const dn_ast_list *order;
	const dn_value *keys;
	const uint64_t *seq;
} sort_ctx;

static const sort_ctx *g_sort; /* qsort has no context argument in C17 */

static int cmp_rows(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t k = g_sort->order->n;
	for (size_t t = 0; t < k; t++) {
		int c = dn_cy_order(&g_sort->keys[i * k + t], &g_sort->keys[j * k + t]);
		if (c)
			return g_sort->order->item[t]->u.sort.desc ? -c : c;
	}
	return g_sort->seq[i] < g_sort->seq[j] ? -1 : g_sort->seq[i] > g_sort->seq[j]; /* stable */
}

/* Sorts the kept rows and keeps the first `keep` of them. */
static int sort_compact(op_sort *o, size_t keep)
{
	const dn_ast_list *order = &o->base.clause->u.proj.order;
	size_t n = o->kept.n, k = order->n, w = o->kept.width;
	size_t *idx = malloc((n ? n : 1) * sizeof *idx);
	dn_value *rows_v = malloc((n ? n : 1) * (w ? w : 1) * sizeof *rows_v);
	dn_value *keys = malloc((n ? n : 1) * (k ? k : 1) * sizeof *keys);
	uint64_t *seq = malloc((n ? n : 1) * sizeof *seq);
	if (!idx || !rows_v || !keys || !seq) {
		free(idx);
		free(rows_v);
		free(keys);
		free(seq);
		return DN_ENOMEM;
	}
	for (size_t r = 0; r < n; r++)
		idx[r] = r;
	sort_ctx sc = {order, o->keys, o->seq};
	g_sort = &sc;
	qsort(idx, n, sizeof *idx, cmp_rows);
	g_sort = NULL;
	if (keep > n)
		keep = n;
	for (size_t r = 0; r < n; r++) {
		dn_value *src = o->kept.v + idx[r] * w, *ks = o->keys + idx[r] * k;
		if (r < keep) {
			memcpy(rows_v + r * w, src, w * sizeof *src);
			memcpy(keys + r * k, ks, k * sizeof *ks);
			seq[r] = o->seq[idx[r]];
			continue;
		}
		for (size_t i = 0; i < w; i++)
			dn_value_free(&src[i]);
		for (size_t t = 0; t < k; t++)
			dn_value_free(&ks[t]);
	}
	if (keep) { /* no rows: the arrays may not exist */
		memcpy(o->kept.v, rows_v, keep * w * sizeof *rows_v);
		memcpy(o->keys, keys, keep * k * sizeof *keys);
		memcpy(o->seq, seq, keep * sizeof *seq);
	}
	o->kept.n = keep;
	free(idx);
	free(rows_v);
	free(keys);
	free(seq);
	return 0;
}

/* Adds an input row (moved) with its keys. */
static int sort_add(op_sort *o, dn_value *row)
{
	exec *x = o->base.x;
	const dn_ast *c = o->base.clause;
	const dn_ast_list *items = &c->u.proj.items, *order = &c->u.proj.order;
	size_t k = order->n, n = o->kept.n;
	if (n >= o->capkeys) {
		size_t cap = o->capkeys ? 2 * o->capkeys : 64;
		dn_value *kv = realloc(o->keys, cap * (k ? k : 1) * sizeof *kv);
		if (kv)
			o->keys = kv;
		uint64_t *sq = kv ? realloc(o->seq, cap * sizeof *sq) : NULL;
		if (!sq)
			return DN_ENOMEM;
		o->seq = sq;
		o->capkeys = cap;
	}
	/* aggregates written again inside a term stand for their column */
	const dn_ast *inodes[64];
	dn_value ivals[64];
	size_t ni = o->aggregating && items->n <= 64 ? items->n : 0;
	for (size_t i = 0; i < ni; i++) {
		inodes[i] = items->item[i]->u.item.expr;
		ivals[i] = row[items->item[i]->u.item.slot]; /* borrowed */
	}
	x->comp_nodes = inodes;
	x->comp_vals = ivals;
	x->ncomp = ni;
	x->bound = o->base.bound;
	int rc = 0;
	dn_value *keys = o->keys + n * k;
	for (size_t t = 0; t < k; t++)
		keys[t] = dn_value_null();
	for (size_t t = 0; t < k && !rc; t++) {
		const dn_ast *term = order->item[t]->u.sort.expr;
		/* an item referred to by its alias or its very text */
		const dn_value *hit = NULL;
		for (uint32_t i = 0; i < items->n && !hit; i++) {
			const dn_ast *ie = items->item[i]->u.item.expr;
			if (term->len == ie->len && !memcmp(x->pr->text + term->off, x->pr->text + ie->off, ie->len))
				hit = &row[items->item[i]->u.item.slot];
		}
		rc = hit ? dn_value_copy(&keys[t], hit) : dn_x_eval_at(x, row, term, &keys[t]);
	}
	x->ncomp = 0;
	dn_value *o_row = rc ? NULL : dn_x_rows_add(&o->kept);
	if (!rc && !o_row)
		rc = DN_ENOMEM;
	if (rc) {
		for (size_t t = 0; t < k; t++)
			dn_value_free(&keys[t]);
		return rc;
	}
	memcpy(o_row, row, o->kept.width * sizeof *row);
	for (size_t i = 0; i < o->kept.width; i++)
		row[i] = dn_value_null();
	o->seq[n] = o->nin++;
	if (o->top && o->kept.n >= 2 * o->top + 64)
		return sort_compact(o, o->top);
	return 0;
}

static void sort_close(dn_op *op)
{
	op_sort *o = (op_sort *)op;
	size_t k = op->clause->u.proj.order.n;
	for (size_t i = 0; o->keys && i < o->kept.n * k; i++)
		dn_value_free(&o->keys[i]);
	free(o->keys);
	free(o->seq);
	o->keys = NULL;
	o->seq = NULL;
	o->capkeys = 0;
	o->nin = 0;
	dn_x_rows_free(&o->in);
	dn_x_rows_free(&o->kept);
	o->pos = 0;
	o->built = false;
}

static int sort_open(dn_op *op)
{
	op_sort *o = (op_sort *)op;
	sort_close(op);
	int rc = dn_op_batch_init(op->child[0], &o->in);
	return rc ? rc : dn_op_batch_init(op, &o->kept);
}

static int sort_next(dn_op *op, rows *out, size_t want)
{
	op_sort *o = (op_sort *)op;
	int rc;
	if (!o->built) {
		while ((rc = dn_op_next(op->child[0], &o->in, DN_OP_BATCH)) == DN_ROW)
			for (size_t r = 0; r < o->in.n; r++)
				if ((rc = sort_add(o, o->in.v + r * o->in.width)))
					return rc;
		if (rc != DN_DONE || (rc = sort_compact(o, o->top ? o->top : SIZE_MAX)))
			return rc;
		o->built = true;
	}
	return dn_op_emit(&o->kept, &o->pos, out, want);
}

static const dn_op_vt sort_vt = {"Sort", sort_open, sort_next, sort_close, NULL, NULL};
static const dn_op_vt top_vt = {"Top", sort_open, sort_next, sort_close, NULL, NULL};

int dn_op_sort_new(exec *x, const dn_ast *c, bool aggregating, size_t top, dn_op *child, dn_op **out)
{
	op_sort *o = (op_sort *)dn_op_new(x, top ? &top_vt : &sort_vt, sizeof *o, child, NULL);
	if (!o)
		return DN_ENOMEM;
	o->base.clause = c; /* bound: the projection's, as its child's */
	o->aggregating = aggregating;
	o->top = top;
	char buf[96];
	dn_x_clause_text(x, c, buf, sizeof buf);
	const char *ob = strstr(buf, "ORDER BY");
	snprintf(o->base.details, sizeof o->base.details, "%s", ob ? ob : "ORDER BY");
	if (top && (double)top < o->base.est)
		o->base.est = (double)top;
	*out = &o->base;
	return 0;
}
