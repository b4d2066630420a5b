/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_aggregate.c — Aggregate: a WITH or RETURN with aggregates. Blocking
 * hash aggregation: it pulls its input a batch at a time, finds each
 * row's group by hash on the non-aggregate items (rowset.h) and steps the
 * group's aggregate states (DISTINCT aggregates keep the values seen);
 * afterwards each group is one row: its first input row (so that ORDER BY
 * and WITH ... WHERE still see the variables before the projection) with
 * the items evaluated, the aggregates standing for their results. When
 * the keys read one node variable only (`p.id, count(*)`), a node seen
 * before finds its group by its id, without reading its properties.
 */
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "op.h"
#include "rowset.h"
#include "value_ops.h"

/* One group: its first input row, and per aggregate call its state. */
typedef struct group {
	dn_value *first; /* x->width values; NULL: no input at all */
	void **state;
	dn_tupleset *seen; /* DISTINCT aggregates: the values seen */
} group;

typedef struct op_aggregate {
	dn_op base;
	find_aggs fa;
	bool *is_key;     /* per item: a grouping key (no aggregate inside) */
	size_t nkeys;
	group *groups;
	size_t ngroups, capgroups;
	dn_value *keyvals; /* per group: its nkeys key values (and one spare) */
	size_t capkeys;
	dn_rowset keyset;
	/* grouping keys that are one node variable's (p, or p.id and p.name):
	 * its slot, and a map node id -> group so that a node seen before
	 * finds its group without evaluating the keys (open addressing) */
	int32_t memo_slot; /* -1: none */
	struct memo_ent {
		dn_id id;
		size_t g; /* group + 1; 0: empty */
	} *memo;
	size_t memo_cap, memo_n;
	bool weighted;     /* the input is a counting Match: each row stands
	                      for its weight's worth of rows */
	bool collapsed_ends; /* and its one row's weight counts distinct ends */
	rows in, outrows;  /* the input batch; the groups' rows */
	size_t pos;
	bool built;
} op_aggregate;

static int agg_step(exec *x, const agg_call *a, group *g, size_t k, const dn_value *row, uint64_t weight,
                    bool ends)
{
	if (weight && (!a->node->u.func.distinct || ends)) {
		/* a counting Match's row: count() of what is never null (or the
		 * number of distinct ends, when one row stands for them all) */
		a->f->agg->add(g->state[k], weight);
		return 0;
	} /* (count(DISTINCT end) row by row: once per row, through the set) */
	const dn_ast *f = a->node;
	dn_value args[2] = {{0}, {0}};
	uint32_t n = f->u.func.args.n;
	char err[DN_CY_ERRMSG_CAP] = "";
	int rc = 0;
	if (n > 2)
		return dn_x_fail(x, f, DN_ESEMANTIC, "too many arguments");
	bool shallow[2] = {false, false};
	for (uint32_t i = 0; i < n && !rc; i++) {
		const dn_ast *e = f->u.func.args.item[i];
		if (e->kind == DN_AST_VAR && e->u.name.slot >= 0 && x->bound && x->bound[e->u.name.slot]) {
			/* a variable's value as it is in the row: no copy (the step
			 * copies what it keeps) */
			args[i] = row[e->u.name.slot];
			args[i].owned = 0;
			shallow[i] = true;
		} else {
			rc = dn_x_eval_at(x, row, e, &args[i]);
		}
	}
	bool dup = false;
	if (!rc && f->u.func.distinct && n && !(dup = args[0].type == DN_NULL)) {
		g->seen[k].k = 1;
		bool fresh;
		rc = dn_tupleset_add(&g->seen[k], &args[0], &fresh);
		dup = !fresh;
	}
	if (!rc && !dup) {
		rc = a->f->agg->step(g->state[k], args, n, err, sizeof err);
		if (rc)
			dn_parse_error_set(x->err, x->pr->text, x->pr->len, rc, f->off, f->len, dn_eval_tck_code(rc, err),
			                   "%s", err);
	}
	for (uint32_t i = 0; i < n; i++)
		if (!shallow[i])
			dn_value_free(&args[i]);
	return rc;
}

/* A new group at index ngroups, starting from row (NULL: no input). */
static int group_add(op_aggregate *o, const dn_value *row)
{
	exec *x = o->base.x;
	if (o->ngroups == o->capgroups) {
		size_t cap = o->capgroups ? 2 * o->capgroups : 64;
		group *g = realloc(o->groups, cap * sizeof *g);
		if (!g)
			return DN_ENOMEM;
		o->groups = g;
		o->capgroups = cap;
	}
	group *g = &o->groups[o->ngroups];
	memset(g, 0, sizeof *g);
	o->ngroups++;
	size_t nagg = o->fa.n;
	g->state = calloc(nagg ? nagg : 1, sizeof *g->state);
	g->seen = calloc(nagg ? nagg : 1, sizeof *g->seen);
	if (!g->state || !g->seen)
		return DN_ENOMEM;
	if (row && (!(g->first = calloc(x->width ? x->width : 1, sizeof *g->first)) ||
	            dn_x_row_copy(g->first, row, x->width)))
		return DN_ENOMEM;
	int rc = 0;
	for (size_t a = 0; a < nagg && !rc; a++)
		rc = o->fa.calls[a].f->agg->init(&g->state[a]);
	return rc;
}

/* Room for the key values of group index n (the candidate's). */
static int keys_reserve(op_aggregate *o, size_t n)
{
	if (n < o->capkeys)
		return 0;
	size_t cap = 2 * n + 64;
	dn_value *v = realloc(o->keyvals, cap * (o->nkeys ? o->nkeys : 1) * sizeof *v);
	if (!v)
		return DN_ENOMEM;
	o->keyvals = v;
	o->capkeys = cap;
	return 0;
}

static struct memo_ent *memo_find(op_aggregate *o, dn_id id)
{
	size_t mask = o->memo_cap - 1;
	for (size_t h = (size_t)(id * 0x9E3779B97F4A7C15ull) & mask;; h = (h + 1) & mask)
		if (!o->memo[h].g || o->memo[h].id == id)
			return &o->memo[h];
}

/* Remembers that node id belongs to group g. */
static int memo_put(op_aggregate *o, dn_id id, size_t g)
{
	if ((o->memo_n + 1) * 2 > o->memo_cap) {
		size_t cap = o->memo_cap ? 2 * o->memo_cap : 1024;
		struct memo_ent *old = o->memo;
		size_t oldcap = o->memo_cap;
		if (!(o->memo = calloc(cap, sizeof *o->memo))) {
			o->memo = old;
			return DN_ENOMEM;
		}
		o->memo_cap = cap;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].g)
				*memo_find(o, old[i].id) = old[i];
		free(old);
	}
	struct memo_ent *e = memo_find(o, id);
	o->memo_n += !e->g;
	*e = (struct memo_ent){id, g + 1};
	return 0;
}

/* Steps the groups with one input row (weight: the rows it stands for,
 * 0 when not weighted). */
static int agg_row(op_aggregate *o, const dn_value *row, uint64_t weight)
{
	exec *x = o->base.x;
	const dn_ast_list *items = &o->base.clause->u.proj.items;
	size_t nk = o->nkeys, g = o->ngroups;
	const dn_value *node = o->memo_slot >= 0 && row[o->memo_slot].type == DN_NODE ? &row[o->memo_slot] : NULL;
	struct memo_ent *hit = node && o->memo_cap ? memo_find(o, (dn_id)node->u.i) : NULL;
	int rc = 0;
	struct memo_ent only = {0, 1};
	if (!nk && o->ngroups) /* no keys: one group */
		hit = &only;
	if (hit && hit->g) { /* the node's group: its keys are the same */
		for (size_t a = 0; a < o->fa.n && !rc; a++)
			rc = agg_step(x, &o->fa.calls[a], &o->groups[hit->g - 1], a, row, weight, o->collapsed_ends);
		return rc;
	}
	if ((rc = keys_reserve(o, g)))
		return rc;
	dn_value *kv = o->keyvals + g * nk;
	size_t k = 0;
	for (uint32_t i = 0; i < items->n && !rc; i++)
		if (o->is_key[i] && (rc = dn_x_eval_at(x, row, items->item[i]->u.item.expr, &kv[k++])))
			k--;
	size_t found = g;
	key_ctx kc = {o->keyvals, nk};
	if (!rc)
		rc = dn_rowset_insert(&o->keyset, dn_rowset_hash(kv, nk), g, dn_x_key_eq, &kc, &found);
	if (rc || found != g) {
		for (size_t t = 0; t < k; t++)
			dn_value_free(&kv[t]); /* the group's own are kept */
	} else {
		rc = group_add(o, row);
	}
	if (!rc && node)
		rc = memo_put(o, (dn_id)node->u.i, found);
	for (size_t a = 0; a < o->fa.n && !rc; a++)
		rc = agg_step(x, &o->fa.calls[a], &o->groups[found], a, row, weight, o->collapsed_ends);
	return rc;
}

/* The groups' rows, after the last input row. */
static int agg_finish(op_aggregate *o)
{
	exec *x = o->base.x;
	const dn_ast *c = o->base.clause;
	const dn_ast_list *items = &c->u.proj.items;
	size_t nagg = o->fa.n;
	int rc = 0;
	if (!o->ngroups && !o->nkeys) /* no rows, no keys: one row of empty aggregates */
		rc = group_add(o, NULL);
	dn_value *aggvals = calloc(nagg ? nagg : 1, sizeof *aggvals);
	const dn_ast **aggnodes = calloc(nagg ? nagg : 1, sizeof *aggnodes);
	if (!rc && (!aggvals || !aggnodes))
		rc = DN_ENOMEM;
	for (size_t gi = 0; !rc && gi < o->ngroups; gi++) {
		group *g = &o->groups[gi];
		char err[DN_CY_ERRMSG_CAP] = "";
		for (size_t a = 0; a < nagg && !rc; a++) {
			aggnodes[a] = o->fa.calls[a].node;
			if ((rc = o->fa.calls[a].f->agg->final(g->state[a], &aggvals[a], err, sizeof err)))
				rc = dn_x_fail(x, o->fa.calls[a].node, rc, "%s", err);
		}
		x->comp_nodes = aggnodes;
		x->comp_vals = aggvals;
		x->ncomp = nagg;
		x->bound = o->base.child[0]->bound;
		dn_value *row = rc ? NULL : dn_x_rows_add(&o->outrows);
		if (!rc && !row)
			rc = DN_ENOMEM;
		if (!rc && g->first)
			rc = dn_x_row_copy(row, g->first, x->width);
		for (uint32_t i = 0; !rc && i < items->n; i++) {
			dn_value v;
			if ((rc = dn_x_eval_at(x, g->first ? g->first : row, items->item[i]->u.item.expr, &v)))
				break;
			int32_t s = items->item[i]->u.item.slot;
			dn_value_free(&row[s]);
			row[s] = v;
		}
		for (size_t a = 0; a < nagg; a++)
			dn_value_free(&aggvals[a]);
		x->ncomp = 0;
	}
	free(aggvals);
	free(aggnodes);
	return rc;
}

static void aggregate_close(dn_op *op)
{
	op_aggregate *o = (op_aggregate *)op;
	for (size_t gi = 0; gi < o->ngroups; gi++) {
		group *g = &o->groups[gi];
		for (size_t a = 0; a < o->fa.n; a++) {
			if (g->state)
				o->fa.calls[a].f->agg->free(g->state[a]);
			if (g->seen)
				dn_tupleset_free(&g->seen[a]);
		}
		for (size_t i = 0; g->first && i < op->x->width; i++)
			dn_value_free(&g->first[i]);
		free(g->first);
		free(g->state);
		free(g->seen);
	}
	for (size_t i = 0; i < o->ngroups * o->nkeys; i++)
		dn_value_free(&o->keyvals[i]);
	free(o->groups);
	free(o->keyvals);
	o->groups = NULL;
	o->keyvals = NULL;
	o->ngroups = o->capgroups = o->capkeys = 0;
	dn_rowset_free(&o->keyset);
	memset(&o->keyset, 0, sizeof o->keyset);
	free(o->memo);
	o->memo = NULL;
	o->memo_cap = o->memo_n = 0;
	dn_x_rows_free(&o->in);
	dn_x_rows_free(&o->outrows);
	o->pos = 0;
	o->built = false;
}

static int aggregate_open(dn_op *op)
{
	op_aggregate *o = (op_aggregate *)op;
	aggregate_close(op);
	int rc = dn_op_batch_init(op->child[0], &o->in);
	return rc ? rc : dn_op_batch_init(op, &o->outrows);
}

static int aggregate_next(dn_op *op, rows *out, size_t want)
{
	op_aggregate *o = (op_aggregate *)op;
	int rc;
	if (!o->built) {
		while ((rc = dn_op_next(op->child[0], &o->in, DN_OP_BATCH)) == DN_ROW) {
			op->x->bound = o->in.bound;
			const uint64_t *w = o->weighted ? dn_op_match_weights(op->child[0]) : NULL;
			for (size_t r = 0; r < o->in.n; r++)
				if ((rc = agg_row(o, o->in.v + r * o->in.width, w ? w[r] : 0)))
					return rc;
		}
		if (rc != DN_DONE || (rc = agg_finish(o)))
			return rc;
		o->built = true;
	}
	return dn_op_emit(&o->outrows, &o->pos, out, want);
}

static void aggregate_free(dn_op *op)
{
	op_aggregate *o = (op_aggregate *)op;
	free(o->fa.calls);
	free(o->is_key);
}

static const dn_op_vt aggregate_vt = {"Aggregate", aggregate_open, aggregate_next, aggregate_close, aggregate_free,
                                      NULL};

int dn_op_aggregate_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	op_aggregate *o = (op_aggregate *)dn_op_new(x, &aggregate_vt, sizeof *o, child, c);
	if (!o)
		return DN_ENOMEM;
	*out = &o->base;
	const dn_ast_list *items = &c->u.proj.items;
	int rc = (o->is_key = calloc(items->n ? items->n : 1, sizeof *o->is_key)) ? 0 : DN_ENOMEM;
	for (uint32_t i = 0; i < items->n && !rc; i++) {
		size_t before = o->fa.n;
		rc = dn_x_aggs_in(items->item[i]->u.item.expr, &o->fa);
		o->is_key[i] = o->fa.n == before;
		o->nkeys += o->is_key[i];
	}
	if (!rc)
		o->weighted = dn_op_match_count(child, c, &o->fa, o->nkeys);
	o->collapsed_ends = o->weighted && dn_op_match_collapsed_ends(child);
	/* the keys read one node variable only: a node finds its group by id */
	o->memo_slot = -1;
	for (uint32_t i = 0; i < items->n && !rc; i++) {
		const dn_ast *e = items->item[i]->u.item.expr;
		if (!o->is_key[i])
			continue;
		if (e->kind == DN_AST_PROP)
			e = e->u.prop.expr;
		int32_t slot = e->kind == DN_AST_VAR ? e->u.name.slot : -2;
		if (slot < 0 || (o->memo_slot >= 0 && slot != o->memo_slot)) {
			o->memo_slot = -1;
			break;
		}
		o->memo_slot = slot;
	}
	if (rc) {
		dn_op_free(*out);
		*out = NULL;
	}
	return rc;
}
