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
	/* the counting form (dn_op_match_count): the current input row's ends,
	 * and the weight of each row of the last batch */
	bool counting;
	/* no grouping keys and one input row (an Argument): the whole count
	 * is one row, weighted by the matches (collapse) or by the distinct
	 * ends (collapse_ends, for count(DISTINCT end)) */
	bool collapse, collapse_ends;
	int32_t slot[3];  /* start, relationship and end variables (-1: none) */
	const dn_x_count *ends;
	size_t nends, epos;
	uint64_t *weights;
	size_t capweights;
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

/* The counting form: a row per end node (the start and relationship the
 * first match had), weighted by the matches that reach it. */
/* The row end e stands for: the current input row with the start, the
 * relationship and the end bound, weighted by weight. */
static int count_row(op_match *o, rows *out, const dn_x_count *e, uint64_t weight)
{
	dn_value *row = dn_x_rows_add(out);
	if (!row)
		return DN_ENOMEM;
	int rc = dn_x_row_copy(row, o->in.v + (o->in_pos - 1) * o->in.width, o->in.width);
	const dn_id id[3] = {e->start, e->rel, e->end};
	for (int s = 0; !rc && s < 3; s++)
		if (o->slot[s] >= 0)
			row[o->slot[s]] = dn_x_entity(id[s], s == 1 ? DN_REL : DN_NODE);
	o->weights[out->n - 1] = weight;
	return rc;
}

static int count_next(dn_op *op, rows *out, size_t want)
{
	op_match *o = (op_match *)op;
	int rc;
	if (want > o->capweights) {
		uint64_t *w = realloc(o->weights, want * sizeof *w);
		if (!w)
			return DN_ENOMEM;
		o->weights = w;
		o->capweights = want;
	}
	for (;;) {
		if ((o->collapse || o->collapse_ends) && o->epos < o->nends) {
			/* one row for them all, the first end's */
			uint64_t n = 0;
			for (size_t k = 0; k < o->nends; k++)
				n += o->collapse_ends ? 1 : o->ends[k].n;
			o->epos = o->nends;
			return (rc = count_row(o, out, &o->ends[0], n)) ? rc : DN_ROW;
		}
		if (o->epos < o->nends) {
			for (size_t k = 0; k < want && o->epos < o->nends; k++, o->epos++)
				if ((rc = count_row(o, out, &o->ends[o->epos], o->ends[o->epos].n)))
					return rc;
			return DN_ROW;
		}
		if (o->in_pos < o->in.n) {
			if ((rc = dn_x_match_count(o->m, o->in.v + o->in_pos++ * o->in.width, &o->ends, &o->nends)))
				return rc;
			o->epos = 0;
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
	o->ends = NULL;
	o->nends = o->epos = 0;
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
	free(o->weights);
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
static const dn_op_vt count_vt = {"MatchCount", match_open, count_next, match_close, match_free, match_explain};

/* What the clause's expressions may read, for the counting form. */
typedef struct count_reads {
	int32_t start, rel, end; /* the pattern's variables (-1: none) */
	bool bad;                /* read start or rel outside a count(), or anything but end in a filter */
	bool filter;             /* checking an end node's filter: only end may be read */
} count_reads;

static int count_read(dn_ast *child, dn_ast *parent, void *ctx)
{
	count_reads *r = ctx;
	if (child->kind != DN_AST_VAR || child->u.name.slot < 0)
		return 0;
	int32_t s = child->u.name.slot;
	bool counted = parent && parent->kind == DN_AST_FUNC && parent->u.func.args.n == 1 &&
	               parent->u.func.args.item[0] == child && !parent->u.func.distinct;
	if (r->filter ? s != r->end : (s == r->start || s == r->rel) && !counted)
		r->bad = true;
	return 0;
}

static bool count_reads_ok(count_reads *r, const dn_ast *e)
{
	if (e) {
		count_read((dn_ast *)e, NULL, r);
		dn_ast_walk((dn_ast *)e, count_read, r);
	}
	return !r->bad;
}

static int32_t var_slot(const dn_ast *v)
{
	return v ? v->u.name.slot : -1;
}

bool dn_op_match_count(dn_op *op, const dn_ast *agg, const find_aggs *fa, size_t nkeys)
{
	op_match *o = (op_match *)op;
	if (op->vt != &match_vt || o->plan.n != 1)
		return false;
	const dn_path_plan *pp = &o->plan.paths[0];
	const dn_ast *path = pp->path;
	if (path->u.path.elems.n != 3 || path->u.path.var || path->u.path.shortest != DN_PATH_PLAIN ||
	    (pp->start != DN_START_SEEK && pp->start != DN_START_LABEL && pp->start != DN_START_ALL))
		return false;
	const dn_ast *np = path->u.path.elems.item[0], *rp = path->u.path.elems.item[1], *fp = path->u.path.elems.item[2];
	if ((rp->u.rel.varlen && !pp->bfs) || rp->u.rel.props || fp->u.node.props || rp->u.rel.types.n > 16)
		return false; /* (16: the adjacency readers a count keeps) */
	count_reads r = {var_slot(np->u.node.var), var_slot(rp->u.rel.var), var_slot(fp->u.node.var), false, false};
	const bool *before = op->child[0]->bound;
	for (int s = 0; s < 3; s++) {
		int32_t v = s == 0 ? r.start : s == 1 ? r.rel : r.end;
		if (v >= 0 && before[v])
			return false; /* bound earlier: the match is a test, not a walk */
	}
	if (r.end >= 0 && r.end == r.start)
		return false;
	/* the WHERE parts: at the start (they read it alone), or the end's own */
	for (size_t k = 0; k < o->plan.nfilters; k++) {
		const dn_plan_filter *f = &o->plan.filters[k];
		r.filter = true;
		if (f->at_emit || f->p != 0 || (f->i != 0 && (f->i != 2 || !count_reads_ok(&r, f->expr))))
			return false;
	}
	r.filter = false;
	/* count(*), or count of a pattern variable (never null), only; or
	 * count(DISTINCT end): each row is a distinct end, and the Aggregate
	 * keeps its set across rows */
	for (size_t a = 0; a < fa->n; a++) {
		const dn_ast *f = fa->calls[a].node;
		if (!fa->calls[a].f->agg->add)
			return false;
		if (f->u.func.args.n == 1) {
			const dn_ast *v = f->u.func.args.item[0];
			int32_t s = v->kind == DN_AST_VAR ? v->u.name.slot : -1;
			if (s < 0 || (s != r.start && s != r.rel && s != r.end) || (f->u.func.distinct && s != r.end))
				return false;
		} else if (f->u.func.args.n || f->u.func.distinct) {
			return false;
		}
	}
	/* nothing after it reads the start or the relationship: the groups'
	 * keys depend on the end (or on what was bound before) only */
	const dn_ast_list *items = &agg->u.proj.items;
	for (uint32_t i = 0; i < items->n; i++)
		if (!count_reads_ok(&r, items->item[i]->u.item.expr))
			return false;
	for (uint32_t i = 0; i < agg->u.proj.order.n; i++)
		if (!count_reads_ok(&r, agg->u.proj.order.item[i]->u.sort.expr))
			return false;
	if (!count_reads_ok(&r, agg->u.proj.where))
		return false;
	o->counting = true;
	size_t ndistinct = 0;
	for (size_t a = 0; a < fa->n; a++)
		ndistinct += fa->calls[a].node->u.func.distinct;
	if (!nkeys && dn_op_is_argument(op->child[0])) {
		o->collapse = !ndistinct;
		o->collapse_ends = ndistinct == fa->n;
	}
	o->slot[0] = r.start;
	o->slot[1] = r.rel;
	o->slot[2] = r.end;
	op->vt = &count_vt;
	return true;
}

const uint64_t *dn_op_match_weights(const dn_op *op)
{
	return op->vt == &count_vt ? ((const op_match *)op)->weights : NULL;
}

bool dn_op_match_collapsed_ends(const dn_op *op)
{
	return op->vt == &count_vt && ((const op_match *)op)->collapse_ends;
}

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
