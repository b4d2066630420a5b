/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * project.c — WITH and RETURN for the executor (exec.c, exec_int.h): the
 * projection of each row, aggregation (grouping by hash on the non-
 * aggregate items, DISTINCT aggregates), DISTINCT, ORDER BY, SKIP, LIMIT
 * and WITH ... WHERE, over the materialized rows of the clause before.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "functions.h"
#include "rowset.h"
#include "value_ops.h"

/* --- WITH and RETURN ----------------------------------------------------------- */



int dn_x_collect_agg(dn_ast *child, dn_ast *parent, void *ctx)
{
	find_aggs *fa = ctx;
	(void)parent;
	if (child->kind != DN_AST_FUNC)
		return 0;
	const dn_ast *name = child->u.func.name;
	const dn_cy_func *f = dn_cy_func_lookup(name->u.name.s, name->u.name.len);
	if (!f || !(f->flags & DN_CY_FN_AGGREGATE))
		return 0;
	if (fa->n == fa->cap) {
		size_t cap = fa->cap ? fa->cap * 2 : 8;
		agg_call *p = realloc(fa->calls, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		fa->calls = p;
		fa->cap = cap;
	}
	fa->calls[fa->n++] = (agg_call){child, f};
	return 0;
}

/* Aggregates inside e (e itself included). */
int dn_x_aggs_in(dn_ast *e, find_aggs *fa)
{
	int rc = dn_x_collect_agg(e, NULL, fa);
	return rc ? rc : dn_ast_walk(e, dn_x_collect_agg, fa);
}

/* One group of an aggregating projection. */
/* The values a DISTINCT aggregate has seen in one group. */
typedef struct agg_seen {
	dn_value *v;
	size_t n, cap;
	dn_rowset set;
} agg_seen;

static bool agg_seen_eq(void *ctx, size_t a, size_t b)
{
	const agg_seen *s = ctx;
	return dn_cy_equivalent(&s->v[a], &s->v[b]);
}

/* One group of an aggregating projection. */
typedef struct group {
	size_t first;  /* index of its first input row */
	void **state;  /* per aggregate call */
	agg_seen *seen; /* DISTINCT aggregates: values seen, per call */
} group;


bool dn_x_key_eq(void *ctx, size_t a, size_t b)
{
	const key_ctx *k = ctx;
	for (size_t t = 0; t < k->nkeys; t++)
		if (!dn_cy_equivalent(&k->vals[a * k->nkeys + t], &k->vals[b * k->nkeys + t]))
			return false;
	return true;
}

/* Projected rows compared on the projection's slots. */
typedef struct proj_ctx {
	const rows *r;
	const dn_ast_list *items;
} proj_ctx;

static bool proj_eq(void *ctx, size_t a, size_t b)
{
	const proj_ctx *p = ctx;
	const dn_value *ra = p->r->v + a * p->r->width, *rb = p->r->v + b * p->r->width;
	for (uint32_t i = 0; i < p->items->n; i++) {
		int32_t s = p->items->item[i]->u.item.slot;
		if (!dn_cy_equivalent(&ra[s], &rb[s]))
			return false;
	}
	return true;
}

static uint64_t proj_hash(const rows *r, size_t row, const dn_ast_list *items)
{
	const dn_value *v = r->v + row * r->width;
	uint64_t h = 0;
	for (uint32_t i = 0; i < items->n; i++)
		h = h * UINT64_C(0x100000001b3) + dn_cy_hash(&v[items->item[i]->u.item.slot]);
	return h;
}

static int agg_step(exec *x, const agg_call *a, group *g, size_t k, const dn_value *row)
{
	const dn_ast *f = a->node;
	dn_value args[2] = {{0}, {0}};
	uint32_t n = f->u.func.args.n;
	char err[DN_CY_ERRMSG_CAP] = "";
	int rc = 0;
	if (n > 2)
		return dn_x_fail(x, f, DN_ESEMANTIC, "too many arguments");
	for (uint32_t i = 0; i < n; i++)
		if ((rc = dn_x_eval_at(x, row, f->u.func.args.item[i], &args[i]))) {
			for (uint32_t j = 0; j < i; j++)
				dn_value_free(&args[j]);
			return rc;
		}
	if (f->u.func.distinct && n) {
		bool dup = args[0].type == DN_NULL;
		agg_seen *sv = &g->seen[k];
		if (!dup && sv->n == sv->cap) {
			size_t cap = sv->cap ? 2 * sv->cap : 16;
			dn_value *v = realloc(sv->v, cap * sizeof *v);
			if (v) {
				sv->v = v;
				sv->cap = cap;
			} else {
				rc = DN_ENOMEM;
			}
		}
		if (!dup && !rc) {
			/* keep a copy; the step below gets args[0] itself */
			size_t at;
			if (!(rc = dn_value_copy(&sv->v[sv->n], &args[0])) &&
			    !(rc = dn_rowset_insert(&sv->set, dn_rowset_hash(&args[0], 1), sv->n, agg_seen_eq, sv, &at))) {
				dup = at != sv->n;
				if (dup)
					dn_value_free(&sv->v[sv->n]);
				else
					sv->n++;
			}
		}
		if (dup || rc) {
			for (uint32_t i = 0; i < n; i++)
				dn_value_free(&args[i]);
			return rc;
		}
	}
	rc = a->f->agg->step(g->state[k], args, n, err, sizeof err);
	for (uint32_t i = 0; i < n; i++)
		dn_value_free(&args[i]);
	if (rc)
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, rc, f->off, f->len, dn_eval_tck_code(rc, err), "%s",
		                   err);
	return rc;
}

/* Column name of a projection item: the alias, or the expression's text. */
char *dn_x_item_name(exec *x, const dn_ast *item)
{
	if (item->u.item.alias)
		return strdup(item->u.item.alias->u.name.s);
	const dn_ast *e = item->u.item.expr;
	return strndup(x->pr->text + e->off, e->len);
}

typedef struct sort_ctx {
	const dn_ast_list *order;
	const dn_value *keys; /* per row: one per ORDER BY term */
} sort_ctx;

static sort_ctx *g_sort; /* qsort has no context argument in C17 */

static int cmp_rows(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t k = g_sort->order->n;
	for (size_t t = 0; t < k; t++) {
		int c = dn_cy_order(&g_sort->keys[i * k + t], &g_sort->keys[j * k + t]);
		if (c)
			return g_sort->order->item[t]->u.sort.desc ? -c : c;
	}
	return i < j ? -1 : i > j; /* stable */
}

int dn_x_const_count(exec *x, const dn_ast *e, int64_t *n)
{
	dn_value v;
	int rc = dn_x_eval_at(x, NULL, e, &v);
	if (rc)
		return rc;
	if (v.type != DN_INT || v.u.i < 0) {
		bool neg = v.type == DN_INT;
		dn_value_free(&v);
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ERUNTIME, e->off, e->len,
		                   neg ? "NegativeIntegerArgument" : "InvalidArgumentType",
		                   "SKIP and LIMIT need a non-negative integer");
		return DN_ERUNTIME;
	}
	*n = v.u.i;
	return 0;
}

int dn_x_run_projection(exec *x, const dn_ast *c, rows *in, rows *out)
{
	const dn_ast_list *items = &c->u.proj.items;
	find_aggs fa = {NULL, 0, 0};
	int rc = 0;
	for (uint32_t i = 0; i < items->n && !rc; i++)
		rc = dn_x_aggs_in(items->item[i]->u.item.expr, &fa);
	size_t nagg = fa.n;
	bool aggregating = nagg > 0;
	/* the aggregating case: group rows by the non-aggregate items */
	group *groups = NULL;
	size_t ngroups = 0;
	dn_value *keyvals = NULL; /* per input row: the non-aggregate item values */
	size_t nkeys = 0;
	bool *is_key = calloc(items->n ? items->n : 1, sizeof *is_key);
	if (!is_key)
		rc = DN_ENOMEM;
	for (uint32_t i = 0; !rc && i < items->n; i++) {
		find_aggs one = {NULL, 0, 0};
		rc = dn_x_aggs_in(items->item[i]->u.item.expr, &one);
		is_key[i] = !one.n;
		nkeys += is_key[i];
		free(one.calls);
	}
	dn_rowset keyset = {0};
	size_t *group_of = NULL; /* input row -> its group */
	if (!rc && aggregating) {
		keyvals = calloc((in->n ? in->n : 1) * (nkeys ? nkeys : 1), sizeof *keyvals);
		groups = calloc(in->n ? in->n : 1, sizeof *groups);
		group_of = malloc((in->n ? in->n : 1) * sizeof *group_of);
		if (!keyvals || !groups || !group_of)
			rc = DN_ENOMEM;
		for (size_t r = 0; !rc && r < in->n; r++) {
			const dn_value *row = in->v + r * in->width;
			size_t k = 0;
			for (uint32_t i = 0; !rc && i < items->n; i++)
				if (is_key[i])
					rc = dn_x_eval_at(x, row, items->item[i]->u.item.expr, &keyvals[r * nkeys + k++]);
			if (rc)
				break;
			/* the group of this row's keys: found by hash, or new */
			size_t first, g = ngroups;
			key_ctx kc = {keyvals, nkeys};
			if ((rc = dn_rowset_insert(&keyset, dn_rowset_hash(&keyvals[r * nkeys], nkeys), r, dn_x_key_eq, &kc, &first)))
				break;
			if (first != r)
				g = group_of[first];
			group_of[r] = g;
			if (g == ngroups) {
				groups[g].first = r;
				groups[g].state = calloc(nagg, sizeof *groups[g].state);
				groups[g].seen = calloc(nagg, sizeof *groups[g].seen);
				if (!groups[g].state || !groups[g].seen) {
					rc = DN_ENOMEM;
					break;
				}
				ngroups++;
				for (size_t a = 0; a < nagg && !rc; a++)
					rc = fa.calls[a].f->agg->init(&groups[g].state[a]);
			}
			for (size_t a = 0; a < nagg && !rc; a++)
				rc = agg_step(x, &fa.calls[a], &groups[g], a, row);
		}
		if (!rc && !ngroups && !nkeys) { /* no rows, no keys: one row of empty aggregates */
			groups[0].first = SIZE_MAX;
			groups[0].state = calloc(nagg, sizeof *groups[0].state);
			groups[0].seen = calloc(nagg, sizeof *groups[0].seen);
			ngroups = 1;
			if (!groups[0].state || !groups[0].seen)
				rc = DN_ENOMEM;
			for (size_t a = 0; a < nagg && !rc; a++)
				rc = fa.calls[a].f->agg->init(&groups[0].state[a]);
		}
	}
	/* the projected rows: each keeps the source row (or the group's first
	 * row) so that ORDER BY and WHERE can see the variables before it */
	dn_value *aggvals = calloc(nagg ? nagg : 1, sizeof *aggvals);
	const dn_ast **aggnodes = calloc(nagg ? nagg : 1, sizeof *aggnodes);
	if (!aggvals || !aggnodes)
		rc = DN_ENOMEM;
	size_t nout = aggregating ? ngroups : in->n;
	for (size_t o = 0; !rc && o < nout; o++) {
		size_t src = aggregating ? groups[o].first : o;
		const dn_value *srow = src == SIZE_MAX ? NULL : in->v + src * in->width;
		char err[DN_CY_ERRMSG_CAP] = "";
		for (size_t a = 0; aggregating && a < nagg && !rc; a++) {
			aggnodes[a] = fa.calls[a].node;
			if ((rc = fa.calls[a].f->agg->final(groups[o].state[a], &aggvals[a], err, sizeof err)))
				rc = dn_x_fail(x, fa.calls[a].node, rc, "%s", err);
		}
		x->comp_nodes = aggnodes;
		x->comp_vals = aggvals;
		x->ncomp = aggregating ? nagg : 0;
		dn_value *row = rc ? NULL : dn_x_rows_add(out);
		if (!rc && !row)
			rc = DN_ENOMEM;
		if (!rc && srow)
			rc = dn_x_row_copy(row, srow, in->width);
		for (uint32_t i = 0; !rc && i < items->n; i++) {
			dn_value v;
			const dn_value *eval_row = srow ? srow : row;
			if ((rc = dn_x_eval_at(x, eval_row, items->item[i]->u.item.expr, &v)))
				break;
			int32_t s = items->item[i]->u.item.slot;
			dn_value_free(&row[s]);
			row[s] = v;
		}
		for (size_t a = 0; a < nagg; a++)
			dn_value_free(&aggvals[a]);
		x->ncomp = 0;
	}
	/* what is bound after: the items, and with * what was bound before */
	if (!c->u.proj.star)
		memset(out->bound, 0, out->width);
	for (uint32_t i = 0; i < items->n; i++)
		out->bound[items->item[i]->u.item.slot] = true;
	/* DISTINCT on the projected columns */
	if (!rc && c->u.proj.distinct) {
		/* kept rows are moved to the front as they are found, so the set
		 * refers to their new places */
		size_t w = 0, r = 0;
		dn_rowset seen = {0};
		proj_ctx pc = {out, items};
		for (; !rc && r < out->n; r++) {
			dn_value *row = out->v + w * out->width;
			size_t at;
			if (w != r)
				memcpy(row, out->v + r * out->width, out->width * sizeof *row);
			if ((rc = dn_rowset_insert(&seen, proj_hash(out, w, items), w, proj_eq, &pc, &at)) || at != w) {
				for (size_t i = 0; i < out->width; i++)
					dn_value_free(&row[i]); /* a duplicate (or no memory) */
			} else {
				w++;
			}
		}
		for (; r < out->n; r++) /* after a failure: the rest */
			for (size_t i = 0; i < out->width; i++)
				dn_value_free(&out->v[r * out->width + i]);
		out->n = w;
		dn_rowset_free(&seen);
	}
	/* WITH ... WHERE (and ORDER BY below) see the projected slots bound */
	x->bound = out->bound;
	if (!rc && c->u.proj.where) {
		size_t w = 0;
		for (size_t r = 0; r < out->n && !rc; r++) {
			dn_value *row = out->v + r * out->width;
			bool keep;
			dn_eval_env env = dn_x_env_of(x, row);
			if ((rc = dn_eval_pred(&env, c->u.proj.where, &keep)))
				break;
			if (!keep) {
				for (size_t i = 0; i < out->width; i++)
					dn_value_free(&row[i]);
				continue;
			}
			if (w != r)
				memcpy(out->v + w * out->width, row, out->width * sizeof *row);
			w++;
		}
		if (!rc)
			out->n = w;
	}
	/* ORDER BY: terms see the projected columns and the row before */
	if (!rc && c->u.proj.order.n && out->n) {
		size_t k = c->u.proj.order.n;
		dn_value *keys = calloc(out->n * k, sizeof *keys);
		size_t *idx = calloc(out->n, sizeof *idx);
		dn_value *sorted = calloc(out->n * (out->width ? out->width : 1), sizeof *sorted);
		if (!keys || !idx || !sorted)
			rc = DN_ENOMEM;
		/* aggregates written again inside a term stand for their column */
		const dn_ast **inodes = calloc(items->n ? items->n : 1, sizeof *inodes);
		dn_value *ivals = calloc(items->n ? items->n : 1, sizeof *ivals);
		if (!rc && (!inodes || !ivals))
			rc = DN_ENOMEM;
		for (size_t r = 0; !rc && r < out->n; r++) {
			dn_value *row = out->v + r * out->width;
			idx[r] = r;
			for (uint32_t i = 0; aggregating && i < items->n; i++) {
				inodes[i] = items->item[i]->u.item.expr;
				ivals[i] = row[items->item[i]->u.item.slot]; /* borrowed */
			}
			x->comp_nodes = inodes;
			x->comp_vals = ivals;
			x->ncomp = aggregating ? items->n : 0;
			for (size_t t = 0; t < k && !rc; t++) {
				const dn_ast *term = c->u.proj.order.item[t]->u.sort.expr;
				/* an item referred to by its alias or its very text */
				const dn_value *hit = NULL;
				for (uint32_t i = 0; i < items->n && !hit; i++) {
					const dn_ast *ie = items->item[i]->u.item.expr;
					if (term->len == ie->len && !memcmp(x->pr->text + term->off, x->pr->text + ie->off, ie->len))
						hit = &row[items->item[i]->u.item.slot];
				}
				rc = hit ? dn_value_copy(&keys[r * k + t], hit) : dn_x_eval_at(x, row, term, &keys[r * k + t]);
			}
		}
		x->ncomp = 0;
		free(inodes);
		free(ivals);
		if (!rc) {
			sort_ctx sc = {&c->u.proj.order, keys};
			g_sort = &sc;
			qsort(idx, out->n, sizeof *idx, cmp_rows);
			g_sort = NULL;
			for (size_t r = 0; r < out->n; r++)
				memcpy(sorted + r * out->width, out->v + idx[r] * out->width, out->width * sizeof *sorted);
			memcpy(out->v, sorted, out->n * out->width * sizeof *sorted);
		}
		for (size_t i = 0; keys && i < out->n * k; i++)
			dn_value_free(&keys[i]);
		free(keys);
		free(idx);
		free(sorted);
	}
	/* SKIP and LIMIT */
	if (!rc && (c->u.proj.skip || c->u.proj.limit)) {
		int64_t skip = 0, limit = INT64_MAX;
		if (c->u.proj.skip)
			rc = dn_x_const_count(x, c->u.proj.skip, &skip);
		if (!rc && c->u.proj.limit)
			rc = dn_x_const_count(x, c->u.proj.limit, &limit);
		if (!rc) {
			size_t from = (size_t)skip < out->n ? (size_t)skip : out->n;
			size_t n = out->n - from < (uint64_t)limit ? out->n - from : (size_t)limit;
			for (size_t r = 0; r < out->n; r++)
				if (r < from || r >= from + n)
					for (size_t i = 0; i < out->width; i++)
						dn_value_free(&out->v[r * out->width + i]);
			if (n && from)
				memmove(out->v, out->v + from * out->width, n * out->width * sizeof *out->v);
			out->n = n;
		}
	}
	for (size_t g = 0; groups && g < ngroups; g++) {
		for (size_t a = 0; a < nagg; a++) {
			if (groups[g].state)
				fa.calls[a].f->agg->free(groups[g].state[a]);
			for (size_t k = 0; groups[g].seen && k < groups[g].seen[a].n; k++)
				dn_value_free(&groups[g].seen[a].v[k]);
			if (groups[g].seen) {
				free(groups[g].seen[a].v);
				dn_rowset_free(&groups[g].seen[a].set);
			}
		}
		free(groups[g].state);
		free(groups[g].seen);
	}
	free(groups);
	free(group_of);
	dn_rowset_free(&keyset);
	for (size_t i = 0; keyvals && i < in->n * nkeys; i++)
		dn_value_free(&keyvals[i]);
	free(keyvals);
	free(aggvals);
	free(aggnodes);
	free(is_key);
	free(fa.calls);
	return rc;
}

