/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_project.c — WITH and RETURN as a chain of operators, built here:
 * Project (the items of each row; streams) or Aggregate (op_aggregate.c),
 * then Distinct (streams, a hash set of the rows seen), Filter (WITH ...
 * WHERE; streams), Sort or Top (ORDER BY, op_sort.c) and Limit (SKIP and
 * LIMIT: stops pulling once it has its rows).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"
#include "op.h"
#include "rowset.h"
#include "value_ops.h"

/* --- Project: each row with the items' values in their slots ------------------------ */

typedef struct op_pipe {
	dn_op base;
	rows in;
	dn_tupleset seen; /* Distinct: the item values of the rows kept */
	/* Limit */
	int64_t skip, limit, done_rows;
	bool counted;
} op_pipe;

static int pipe_open(dn_op *op)
{
	op_pipe *o = (op_pipe *)op;
	dn_x_rows_free(&o->in);
	o->counted = false;
	o->done_rows = 0;
	return dn_op_batch_init(op->child[0], &o->in);
}

static void pipe_close(dn_op *op)
{
	op_pipe *o = (op_pipe *)op;
	dn_x_rows_free(&o->in);
	dn_tupleset_free(&o->seen);
}

/* Moves row (x->width values) to the end of out. */
static int row_move(rows *out, dn_value *row)
{
	dn_value *o = dn_x_rows_add(out);
	if (!o)
		return DN_ENOMEM;
	memcpy(o, row, out->width * sizeof *o);
	for (size_t i = 0; i < out->width; i++)
		row[i] = dn_value_null();
	return 0;
}

static int project_next(dn_op *op, rows *out, size_t want)
{
	op_pipe *o = (op_pipe *)op;
	exec *x = op->x;
	const dn_ast_list *items = &op->clause->u.proj.items;
	int rc = dn_op_next(op->child[0], &o->in, want);
	if (rc != DN_ROW)
		return rc;
	dn_value vals[64], *v = items->n <= 64 ? vals : calloc(items->n, sizeof *v);
	if (!v)
		return DN_ENOMEM;
	x->bound = o->in.bound;
	rc = 0;
	for (size_t r = 0; r < o->in.n && !rc; r++) {
		/* every item sees the row before the projection */
		dn_value *row = o->in.v + r * o->in.width;
		uint32_t i = 0;
		for (; i < items->n && !rc; i++)
			if ((rc = dn_x_eval_at(x, row, items->item[i]->u.item.expr, &v[i])))
				break;
		for (uint32_t k = 0; k < i; k++) {
			int32_t s = items->item[k]->u.item.slot;
			if (rc) {
				dn_value_free(&v[k]);
				continue;
			}
			dn_value_free(&row[s]);
			row[s] = v[k];
		}
		if (!rc)
			rc = row_move(out, row);
	}
	if (v != vals)
		free(v);
	return rc ? rc : DN_ROW;
}

/* --- Distinct: each row of distinct item values once ---------------------------------- */

/* Whether the row's item values were not seen before (remembered if so). */
static int distinct_fresh(op_pipe *o, const dn_value *row, bool *fresh)
{
	const dn_ast_list *items = &o->base.clause->u.proj.items;
	dn_value vals[64], *v = items->n <= 64 ? vals : malloc(items->n * sizeof *v);
	if (!v)
		return DN_ENOMEM;
	vals[0] = dn_value_null(); /* RETURN DISTINCT * may have no items */
	for (uint32_t i = 0; i < items->n; i++)
		v[i] = row[items->item[i]->u.item.slot]; /* borrowed: the set copies */
	o->seen.k = items->n;
	int rc = dn_tupleset_add(&o->seen, v, fresh);
	if (v != vals)
		free(v);
	return rc;
}

static int distinct_next(dn_op *op, rows *out, size_t want)
{
	op_pipe *o = (op_pipe *)op;
	int rc;
	while ((rc = dn_op_next(op->child[0], &o->in, want)) == DN_ROW) {
		for (size_t r = 0; r < o->in.n; r++) {
			bool fresh;
			dn_value *row = o->in.v + r * o->in.width;
			if ((rc = distinct_fresh(o, row, &fresh)) || (fresh && (rc = row_move(out, row))))
				return rc;
		}
		if (out->n)
			return DN_ROW;
	}
	return rc;
}

/* --- Filter: WITH ... WHERE --------------------------------------------------------------- */

static int filter_next(dn_op *op, rows *out, size_t want)
{
	op_pipe *o = (op_pipe *)op;
	exec *x = op->x;
	int rc;
	while ((rc = dn_op_next(op->child[0], &o->in, want)) == DN_ROW) {
		x->bound = op->bound;
		for (size_t r = 0; r < o->in.n; r++) {
			dn_value *row = o->in.v + r * o->in.width;
			bool keep;
			dn_eval_env env = dn_x_env_of(x, row);
			if ((rc = dn_eval_pred(&env, op->clause->u.proj.where, &keep)) || (keep && (rc = row_move(out, row))))
				return rc;
		}
		if (out->n)
			return DN_ROW;
	}
	return rc;
}

/* --- Limit: SKIP and LIMIT ------------------------------------------------------------------ */

static int limit_next(dn_op *op, rows *out, size_t want)
{
	op_pipe *o = (op_pipe *)op;
	const dn_ast *c = op->clause;
	int rc;
	if (!o->counted) {
		o->skip = 0;
		o->limit = INT64_MAX;
		if ((c->u.proj.skip && (rc = dn_x_const_count(op->x, c->u.proj.skip, &o->skip))) ||
		    (c->u.proj.limit && (rc = dn_x_const_count(op->x, c->u.proj.limit, &o->limit))))
			return rc;
		o->counted = true;
	}
	if (o->limit == 0) {
		/* pulls once all the same: writes below it still happen */
		rc = dn_op_next(op->child[0], &o->in, 1);
		return rc == DN_ROW ? DN_DONE : rc;
	}
	while (o->done_rows < o->limit) {
		/* asks for no more than it needs: a skipped row is pulled too */
		int64_t left = o->limit - o->done_rows;
		int64_t need = left > INT64_MAX - o->skip ? INT64_MAX : left + o->skip;
		size_t w = need < (int64_t)want ? (size_t)need : want;
		if ((rc = dn_op_next(op->child[0], &o->in, w)) != DN_ROW)
			return rc;
		for (size_t r = 0; r < o->in.n && o->done_rows < o->limit; r++) {
			if (o->skip > 0) {
				o->skip--;
				continue;
			}
			if ((rc = row_move(out, o->in.v + r * o->in.width)))
				return rc;
			o->done_rows++;
		}
		if (out->n)
			return DN_ROW;
	}
	return DN_DONE;
}

static const dn_op_vt project_vt = {"Project", pipe_open, project_next, pipe_close, NULL, NULL};
static const dn_op_vt distinct_vt = {"Distinct", pipe_open, distinct_next, pipe_close, NULL, NULL};
static const dn_op_vt filter_vt = {"Filter", pipe_open, filter_next, pipe_close, NULL, NULL};
static const dn_op_vt limit_vt = {"Limit", pipe_open, limit_next, pipe_close, NULL, NULL};

/* One operator of the chain: vt over child, for clause c, details text. */
static int pipe_new(exec *x, const dn_op_vt *vt, const dn_ast *c, bool binds, const char *details, dn_op *child,
                    dn_op **out)
{
	dn_op *op = dn_op_new(x, vt, sizeof(op_pipe), child, binds ? c : NULL);
	if (!op)
		return DN_ENOMEM;
	op->clause = c;
	if (details)
		snprintf(op->details, sizeof op->details, "%s", details);
	*out = op;
	return 0;
}

/* The value of a SKIP or LIMIT written as a literal or a parameter, for a
 * top-k; false when it is anything else or invalid (Limit reports that). */
static bool const_count(exec *x, const dn_ast *e, int64_t *n)
{
	*n = 0;
	if (!e)
		return true;
	if (e->kind != DN_AST_INT && e->kind != DN_AST_PARAM)
		return false;
	if (e->kind == DN_AST_PARAM)
		x->built_on_params = true;
	dn_query_error saved = *x->err;
	if (dn_x_const_count(x, e, n)) {
		*x->err = saved;
		return false;
	}
	return true;
}

int dn_op_projection_new(exec *x, const dn_ast *q, uint32_t i, dn_op *child, dn_op **out)
{
	const dn_ast *c = q->u.query.clauses.item[i];
	const dn_ast_list *items = &c->u.proj.items;
	find_aggs fa = {NULL, 0, 0};
	size_t keys = 0;
	int rc = 0;
	for (uint32_t t = 0; t < items->n && !rc; t++) {
		size_t before = fa.n;
		rc = dn_x_aggs_in(items->item[t]->u.item.expr, &fa);
		keys += fa.n == before;
	}
	bool aggregating = fa.n > 0;
	free(fa.calls);
	if (rc) {
		dn_op_free(child);
		return rc;
	}
	double est_in = child->est;
	dn_op *cur = child;
	if (aggregating)
		rc = dn_op_aggregate_new(x, c, cur, &cur);
	else
		rc = pipe_new(x, &project_vt, c, true, NULL, cur, &cur);
	if (rc)
		return rc;
	cur->est = aggregating ? (keys ? sqrt(est_in) : 1.0) : est_in;
	if (x->prof)
		dn_x_clause_text(x, c, cur->details, sizeof cur->details);
	if (c->u.proj.distinct && (rc = pipe_new(x, &distinct_vt, c, false, "DISTINCT", cur, &cur)))
		return rc;
	if (c->u.proj.where) {
		char buf[96];
		dn_x_clause_text(x, c->u.proj.where, buf, sizeof buf);
		if ((rc = pipe_new(x, &filter_vt, c, false, buf, cur, &cur)))
			return rc;
		cur->est *= 0.3; /* a guess, as MATCH's WHERE */
	}
	int64_t skip = 0, limit = 0;
	bool known = c->u.proj.limit && const_count(x, c->u.proj.limit, &limit) && const_count(x, c->u.proj.skip, &skip);
	/* a bound the Top can hold (LIMIT 10^15 is no bound worth keeping) */
	bool top = known && limit > 0 && limit < (INT64_C(1) << 32) && skip < (INT64_C(1) << 32);
	if (c->u.proj.order.n && (rc = dn_op_sort_new(x, c, aggregating, top ? (size_t)(skip + limit) : 0, cur, &cur)))
		return rc;
	if (c->u.proj.skip || c->u.proj.limit) {
		char buf[64];
		snprintf(buf, sizeof buf, "%s%s%s", c->u.proj.skip ? "SKIP" : "", c->u.proj.skip && c->u.proj.limit ? ", " : "",
		         c->u.proj.limit ? "LIMIT" : "");
		if ((rc = pipe_new(x, &limit_vt, c, false, buf, cur, &cur)))
			return rc;
		if (known && (double)limit < cur->est)
			cur->est = (double)limit;
	}
	*out = cur;
	return 0;
}
