/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_match.c — Match and OptionalMatch: for each input row, the rows of
 * the pattern's matches (plan.h chooses the start, the direction and the
 * breadth-first expansions; match.c walks them). Streams: it pulls an
 * input batch, then matches one start candidate at a time until its
 * parent has the rows it asked for, so `MATCH (n) RETURN n LIMIT 1` reads
 * one node. EXPLAIN lists the plan's scan, seek and expand steps under it.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "op.h"

typedef struct op_match {
	dn_op base;
	dn_match_plan plan;
	bool planned;
	dn_x_match *m;
	rows in, pending; /* the input batch, and matches not pulled yet */
	size_t in_pos, pos;
	double est_in;    /* rows in, estimated */
} op_match;

/*
 * Whether the rows of clause i reach only consumers that ignore
 * duplicates: the next projection is DISTINCT without aggregates, or
 * aggregates with DISTINCT (or min/max) only, and nothing in between
 * writes or counts rows (MATCH, OPTIONAL MATCH and UNWIND keep
 * duplicates as duplicates).
 */
static bool downstream_distinct(const dn_ast *q, uint32_t i)
{
	const dn_ast_list *cl = &q->u.query.clauses;
	for (uint32_t k = i + 1; k < cl->n; k++) {
		const dn_ast *c = cl->item[k];
		if (c->kind == DN_AST_MATCH || c->kind == DN_AST_UNWIND)
			continue;
		if (c->kind != DN_AST_WITH && c->kind != DN_AST_RETURN)
			return false;
		find_aggs fa = {NULL, 0, 0};
		bool ok = true;
		for (uint32_t t = 0; ok && t < c->u.proj.items.n; t++)
			ok = !dn_x_aggs_in(c->u.proj.items.item[t]->u.item.expr, &fa);
		for (uint32_t t = 0; ok && t < c->u.proj.order.n; t++)
			ok = !dn_x_aggs_in(c->u.proj.order.item[t]->u.sort.expr, &fa);
		for (size_t a = 0; ok && a < fa.n; a++) {
			const dn_ast *f = fa.calls[a].node;
			const char *name = f->u.func.name->u.name.s;
			ok = f->u.func.distinct || !strcasecmp(name, "min") || !strcasecmp(name, "max");
		}
		ok = ok && (fa.n ? true : c->u.proj.distinct);
		free(fa.calls);
		return ok;
	}
	return false;
}

static int match_open(dn_op *op)
{
	op_match *o = (op_match *)op;
	int rc = dn_op_batch_init(op->child[0], &o->in);
	if (!rc)
		rc = dn_op_batch_init(op, &o->pending);
	if (!rc)
		rc = dn_x_match_new(op->x, op->clause, &o->plan, op->child[0]->bound, &o->pending, &o->m);
	o->in_pos = o->pos = 0;
	return rc;
}

static int match_next(dn_op *op, rows *out, size_t want)
{
	op_match *o = (op_match *)op;
	int rc;
	for (;;) {
		if (o->pos < o->pending.n)
			return dn_op_emit(&o->pending, &o->pos, out, want);
		dn_x_rows_clear(&o->pending);
		o->pos = 0;
		if (dn_x_match_active(o->m)) {
			if ((rc = dn_x_match_more(o->m, want)) < 0)
				return rc;
			continue;
		}
		if (o->in_pos < o->in.n) {
			if ((rc = dn_x_match_row(o->m, o->in.v + o->in_pos++ * o->in.width)))
				return rc;
			continue;
		}
		if ((rc = dn_op_next(op->child[0], &o->in, DN_OP_BATCH)) != DN_ROW)
			return rc;
		o->in_pos = 0;
	}
}

static void match_close(dn_op *op)
{
	op_match *o = (op_match *)op;
	dn_x_match_free(o->m);
	o->m = NULL;
	dn_x_rows_free(&o->in);
	dn_x_rows_free(&o->pending);
}

static void match_free(dn_op *op)
{
	op_match *o = (op_match *)op;
	if (o->planned)
		dn_plan_match_free(&o->plan);
}

typedef struct line_ctx {
	dn_prof *prof;
	int depth;
	double scale;
	int rc;
} line_ctx;

static void plan_line(void *ctx, const char *name, const char *details, double est, uint64_t nrows)
{
	line_ctx *lc = ctx;
	if (!lc->rc)
		lc->rc = dn_prof_line(lc->prof, SIZE_MAX, lc->depth, name, details, est * lc->scale, nrows, -1.0);
}

/* The plan's steps: each path's start and hops, then the WHERE. */
static int match_explain(dn_op *op, dn_prof *prof, int depth)
{
	op_match *o = (op_match *)op;
	line_ctx lc = {prof, depth, o->est_in, 0};
	for (uint32_t p = 0; p < o->plan.n; p++)
		dn_plan_describe(&o->plan.paths[p], op->x->pr->text, plan_line, &lc);
	if (!lc.rc && op->clause->u.match.where) {
		char buf[96];
		dn_x_clause_text(op->x, op->clause->u.match.where, buf, sizeof buf);
		lc.rc = dn_prof_line(prof, SIZE_MAX, depth, "Filter", buf, op->est, op->rows, -1.0);
	}
	return lc.rc;
}

static const dn_op_vt match_vt = {"Match", match_open, match_next, match_close, match_free, match_explain};
static const dn_op_vt optional_vt = {"OptionalMatch", match_open, match_next, match_close, match_free,
                                     match_explain};

int dn_op_match_new(exec *x, const dn_ast *q, uint32_t i, dn_op *child, dn_op **out)
{
	const dn_ast *c = q->u.query.clauses.item[i];
	op_match *o =
	    (op_match *)dn_op_new(x, c->u.match.optional ? &optional_vt : &match_vt, sizeof *o, child, c);
	if (!o)
		return DN_ENOMEM;
	*out = &o->base;
	/* planned once: which slots are bound before it does not change */
	int rc = dn_plan_paths(x->txn, &c->u.match.pattern->u.pattern.paths, c->u.match.where, child->bound, x->width,
	                       (downstream_distinct(q, i) ? DN_PLAN_DISTINCT_OK : 0) | (x->prof ? DN_PLAN_ESTIMATES : 0),
	                       &o->plan);
	if (rc) {
		dn_op_free(*out);
		*out = NULL;
		return dn_x_engine_fail(x, c, rc);
	}
	o->planned = true;
	double est = o->est_in = child->est;
	for (uint32_t p = 0; x->prof && p < o->plan.n; p++) {
		const dn_path_plan *pp = &o->plan.paths[p];
		uint32_t n = pp->path->u.path.elems.n;
		est *= n > 1 && pp->start != DN_START_SHORTEST ? pp->est_hop[n - 2] : pp->est_start;
	}
	if (c->u.match.where)
		est *= 0.3; /* a guess: no statistics on values yet */
	if (c->u.match.optional && est < o->est_in)
		est = o->est_in;
	o->base.est = est;
	return 0;
}
