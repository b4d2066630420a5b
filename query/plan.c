/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.c — the MATCH planner (see plan.h): start points, walking
 * direction and breadth-first variable-length expansion, chosen from
 * counts and indexes, with the estimates EXPLAIN shows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* Guesses where statistics stop: the share of a label's nodes that an
 * equality or a range seek returns (no value statistics yet). */
#define PLAN_EQ_SHARE 0.1
#define PLAN_RANGE_SHARE 0.3

typedef struct plan_ctx {
	dn_txn *txn;
	const bool *bound;
	bool have_nodes; /* read lazily */
	double nodes;
	int rc; /* the first error of a lazy read */
} plan_ctx;

static double plan_nodes(plan_ctx *pc)
{
	uint64_t n = 0;
	if (!pc->have_nodes) {
		int rc = dn_count_nodes(pc->txn, &n);
		if (rc && !pc->rc)
			pc->rc = rc;
		pc->nodes = (double)n;
		pc->have_nodes = true;
	}
	return pc->nodes;
}

static double plan_label_count(plan_ctx *pc, const char *label)
{
	uint64_t n = 0;
	int rc = dn_count_label(pc->txn, label, &n);
	if (rc && rc != DN_ENOTFOUND && !pc->rc)
		pc->rc = rc;
	return rc ? 0.0 : (double)n;
}

/* Whether e can be evaluated before the MATCH starts: literals,
 * parameters, variables bound earlier and their properties. */
static bool plan_known(plan_ctx *pc, const dn_ast *e)
{
	switch (e->kind) {
	case DN_AST_INT:
	case DN_AST_FLOAT:
	case DN_AST_STRING:
	case DN_AST_BOOL:
	case DN_AST_PARAM:
		return true;
	case DN_AST_VAR:
		return e->u.name.slot >= 0 && pc->bound[e->u.name.slot];
	case DN_AST_PROP:
		return plan_known(pc, e->u.prop.expr);
	case DN_AST_UNOP:
		return e->op == DN_OP_NEG && plan_known(pc, e->u.un.arg);
	default:
		return false;
	}
}

/* A candidate start for one end node of a path. */
typedef struct plan_start {
	int kind;
	const char *label, *key;
	const dn_ast *lo, *hi;
	unsigned flags;
	bool unique;
	double est;
} plan_start;

static void plan_offer(plan_start *best, const plan_start *c)
{
	if (c->est < best->est)
		*best = *c;
}

/* Offers a seek on every label of np that has an index on key. */
static void plan_offer_seek(plan_ctx *pc, const dn_ast *np, const char *key, const dn_ast *lo, const dn_ast *hi,
                            unsigned flags, plan_start *best)
{
	for (uint32_t l = 0; l < np->u.node.labels.n; l++) {
		const char *label = np->u.node.labels.item[l]->u.name.s;
		unsigned ixf = 0;
		int rc = dn_index_find(pc->txn, label, key, &ixf);
		if (rc) {
			if (rc != DN_ENOTFOUND && !pc->rc)
				pc->rc = rc;
			continue;
		}
		bool unique = (ixf & DN_INDEX_UNIQUE) != 0;
		double n = plan_label_count(pc, label);
		double est = lo == hi ? (unique ? 1.0 : fmax(1.0, n * PLAN_EQ_SHARE)) : fmax(1.0, n * PLAN_RANGE_SHARE);
		plan_offer(best, &(plan_start){DN_START_SEEK, label, key, lo, hi, flags, unique, est});
	}
}

/* `n.key OP e` or `e OP n.key` in WHERE, for node variable slot. */
static void plan_where_term(plan_ctx *pc, const dn_ast *np, int32_t slot, const dn_ast *t,
                            plan_start *best)
{
	if (t->kind != DN_AST_BINOP || t->op < DN_OP_EQ || t->op > DN_OP_GE || t->op == DN_OP_NE)
		return;
	const dn_ast *l = t->u.bin.l, *r = t->u.bin.r;
	int op = t->op;
	for (int side = 0; side < 2; side++) {
		if (l->kind == DN_AST_PROP && l->u.prop.expr->kind == DN_AST_VAR &&
		    l->u.prop.expr->u.name.slot == slot && plan_known(pc, r)) {
			const char *key = l->u.prop.key->u.name.s;
			switch (op) {
			case DN_OP_EQ: plan_offer_seek(pc, np, key, r, r, 0, best); break;
			case DN_OP_GT: plan_offer_seek(pc, np, key, r, NULL, DN_RANGE_LO_EXCL, best); break;
			case DN_OP_GE: plan_offer_seek(pc, np, key, r, NULL, 0, best); break;
			case DN_OP_LT: plan_offer_seek(pc, np, key, NULL, r, DN_RANGE_HI_EXCL, best); break;
			case DN_OP_LE: plan_offer_seek(pc, np, key, NULL, r, 0, best); break;
			}
			return;
		}
		/* e OP n.key reads as n.key OP' e */
		const dn_ast *tmp = l;
		l = r;
		r = tmp;
		op = op == DN_OP_LT ? DN_OP_GT : op == DN_OP_GT ? DN_OP_LT : op == DN_OP_LE ? DN_OP_GE
		   : op == DN_OP_GE ? DN_OP_LE : op;
	}
}

static void plan_where(plan_ctx *pc, const dn_ast *np, int32_t slot, const dn_ast *w, plan_start *best)
{
	if (!w)
		return;
	if (w->kind == DN_AST_BINOP && w->op == DN_OP_AND) {
		plan_where(pc, np, slot, w->u.bin.l, best);
		plan_where(pc, np, slot, w->u.bin.r, best);
		return;
	}
	plan_where_term(pc, np, slot, w, best);
}

/* The cheapest start at node pattern np. */
static int plan_node_start(plan_ctx *pc, const dn_ast *np, const dn_ast *where, plan_start *best)
{
	const dn_ast *var = np->u.node.var;
	if (var && pc->bound[var->u.name.slot]) {
		*best = (plan_start){DN_START_BOUND, .est = 1.0};
		return 0;
	}
	*best = (plan_start){DN_START_ALL, .est = plan_nodes(pc)};
	for (uint32_t l = 0; l < np->u.node.labels.n; l++) {
		double n = plan_label_count(pc, np->u.node.labels.item[l]->u.name.s);
		/* an empty label is the best start of all */
		plan_offer(best, &(plan_start){DN_START_LABEL, np->u.node.labels.item[l]->u.name.s, .est = n ? n : 0.5});
	}
	const dn_ast *props = np->u.node.props;
	if (props && props->kind == DN_AST_MAP)
		for (uint32_t k = 0; k < props->u.map.entries.n; k++) {
			const dn_ast *e = props->u.map.entries.item[k];
			if (plan_known(pc, e->u.entry.value))
				plan_offer_seek(pc, np, e->u.entry.key->u.name.s, e->u.entry.value, e->u.entry.value, 0,
				                best);
		}
	if (var)
		plan_where(pc, np, var->u.name.slot, where, best);
	return 0;
}

/* The average number of relationships that fit rp at a node of pattern
 * from: per node of from's smallest label (types are mostly between
 * certain labels), else per node of the graph. */
static int plan_degree(plan_ctx *pc, const dn_ast *from, const dn_ast *rp, double *deg)
{
	uint64_t rels = 0;
	if (!rp->u.rel.types.n) {
		int rc = dn_count_edges(pc->txn, &rels);
		if (rc)
			return rc;
	}
	for (uint32_t t = 0; t < rp->u.rel.types.n; t++) {
		uint64_t n = 0;
		int rc = dn_count_type(pc->txn, rp->u.rel.types.item[t]->u.name.s, &n);
		if (rc && rc != DN_ENOTFOUND)
			return rc;
		rels += rc ? 0 : n;
	}
	double nodes = plan_nodes(pc);
	for (uint32_t l = 0; l < from->u.node.labels.n; l++) {
		double n = plan_label_count(pc, from->u.node.labels.item[l]->u.name.s);
		if (n > 0 && n < nodes)
			nodes = n;
	}
	double d = nodes > 0 ? (double)rels / nodes : 0.0;
	*deg = rp->u.rel.dir == DN_DIR_OUT || rp->u.rel.dir == DN_DIR_IN ? d : 2.0 * d;
	return 0;
}

/* A copy of path walked backwards: elements reversed, directions flipped. */
static int plan_reverse(const dn_ast *path, dn_ast **out)
{
	uint32_t n = path->u.path.elems.n;
	/* one block: the PATH, the element pointers, the copied relationships */
	size_t nrel = n / 2;
	dn_ast *block = calloc(1 + nrel, sizeof *block);
	dn_ast **elems = calloc(n ? n : 1, sizeof *elems);
	if (!block || !elems) {
		free(block);
		free(elems);
		return DN_ENOMEM;
	}
	block[0] = *path;
	block[0].u.path.elems.item = elems;
	for (uint32_t i = 0; i < n; i++) {
		dn_ast *e = path->u.path.elems.item[n - 1 - i];
		if (e->kind == DN_AST_REL_PAT) {
			dn_ast *r = &block[1 + i / 2];
			*r = *e;
			r->u.rel.dir = e->u.rel.dir == DN_DIR_OUT ? DN_DIR_IN : e->u.rel.dir == DN_DIR_IN ? DN_DIR_OUT
			                                                                                  : e->u.rel.dir;
			e = r;
		}
		elems[i] = e;
	}
	*out = block;
	return 0;
}

static bool plan_bfs_fits(const dn_ast *path, uint32_t npaths, bool distinct_ok)
{
	if (!distinct_ok || npaths != 1 || path->u.path.var ||
	    path->u.path.shortest != DN_PATH_PLAIN || path->u.path.elems.n != 3)
		return false;
	const dn_ast *rp = path->u.path.elems.item[1];
	/* a single hop too: parallel relationships then give one row */
	return !rp->u.rel.var && (!rp->u.rel.varlen || rp->u.rel.min <= 1);
}

typedef struct plan_own {
	const bool *bound;
	int32_t slot;
	bool reads, other;
} plan_own;

static int plan_own_var(dn_ast *child, dn_ast *parent, void *ctx)
{
	plan_own *o = ctx;
	(void)parent;
	if (child->kind == DN_AST_VAR && child->u.name.slot >= 0) {
		if (child->u.name.slot == o->slot)
			o->reads = true;
		else if (!o->bound[child->u.name.slot])
			o->other = true;
	}
	return 0;
}

/* Whether a conjunct of WHERE reads node pattern np's variable and no
 * other variable of the pattern (only it and those bound before): tested
 * as soon as that node is bound, it prunes before any expansion. */
static bool plan_own_filter(plan_ctx *pc, const dn_ast *w, const dn_ast *np)
{
	if (!w || !np->u.node.var)
		return false;
	if (w->kind == DN_AST_BINOP && w->op == DN_OP_AND)
		return plan_own_filter(pc, w->u.bin.l, np) || plan_own_filter(pc, w->u.bin.r, np);
	plan_own o = {pc->bound, np->u.node.var->u.name.slot, false, false};
	plan_own_var((dn_ast *)w, NULL, &o);
	dn_ast_walk((dn_ast *)w, plan_own_var, &o);
	return o.reads && !o.other;
}

/*
 * Which end a single hop between two scans starts from: the smaller scan,
 * unless only the other end has a WHERE conjunct of its own and its scan
 * is no larger than the expansion that would reach it (then the filter
 * prunes before the hop, and the end's records are read in scan order, not
 * at random from the far side). Sets *reverse.
 */
static int plan_hop_end(plan_ctx *pc, const dn_ast *where, const dn_ast *path, const plan_start *first,
                        const plan_start *last, bool *reverse)
{
	*reverse = last->est < first->est;
	const dn_ast *a = path->u.path.elems.item[0], *rp = path->u.path.elems.item[1], *b = path->u.path.elems.item[2];
	bool scans = (first->kind == DN_START_LABEL || first->kind == DN_START_ALL) &&
	             (last->kind == DN_START_LABEL || last->kind == DN_START_ALL);
	if (!scans || rp->u.rel.varlen)
		return 0;
	bool fa = plan_own_filter(pc, where, a), fb = plan_own_filter(pc, where, b);
	if (fa == fb)
		return 0;
	double deg;
	int rc = plan_degree(pc, fa ? b : a, rp, &deg);
	if (!rc && (fa ? first->est <= 1.01 * last->est * deg : last->est <= 1.01 * first->est * deg))
		*reverse = fb;
	return rc;
}

static int plan_path(plan_ctx *pc, const dn_ast *where, const dn_ast *path, uint32_t npaths,
                     unsigned flags, dn_path_plan *pp)
{
	uint32_t n = path->u.path.elems.n;
	pp->path = path;
	pp->est_hop = calloc(n, sizeof *pp->est_hop);
	pp->rows = calloc(n, sizeof *pp->rows);
	pp->all_labeled = calloc(n, sizeof *pp->all_labeled);
	if (!pp->est_hop || !pp->rows || !pp->all_labeled)
		return DN_ENOMEM;
	if (path->u.path.shortest != DN_PATH_PLAIN) {
		pp->start = DN_START_SHORTEST;
		pp->est_start = 1.0;
		return 0;
	}
	plan_start first, last;
	int rc = plan_node_start(pc, path->u.path.elems.item[0], where, &first);
	/* a bound start or a unique seek is as good as it gets */
	if (!rc && n > 1 && first.est > 1.0)
		rc = plan_node_start(pc, path->u.path.elems.item[n - 1], where, &last);
	if (rc)
		return rc;
	plan_start use = first;
	bool reverse = n > 1 && first.est > 1.0 && last.est < first.est;
	if (n == 3 && first.est > 1.0 && (rc = plan_hop_end(pc, where, path, &first, &last, &reverse)))
		return rc;
	if (reverse) {
		if ((rc = plan_reverse(path, &pp->copy)))
			return rc;
		pp->path = pp->copy;
		pp->reversed = true;
		use = last;
	}
	pp->start = use.kind;
	pp->label = use.label;
	pp->key = use.key;
	pp->lo = use.lo;
	pp->hi = use.hi;
	pp->range_flags = use.flags;
	pp->unique = use.unique;
	pp->est_start = use.est;
	pp->bfs = plan_bfs_fits(pp->path, npaths, (flags & DN_PLAN_DISTINCT_OK) != 0);
	/* labels every node carries (a one-label graph) need no test */
	for (uint32_t i = 0; i < n; i += 2) {
		const dn_ast *np = pp->path->u.path.elems.item[i];
		bool all = np->u.node.labels.n > 0;
		for (uint32_t l = 0; all && l < np->u.node.labels.n; l++)
			all = plan_label_count(pc, np->u.node.labels.item[l]->u.name.s) == plan_nodes(pc);
		pp->all_labeled[i] = all;
	}
	if (!(flags & DN_PLAN_ESTIMATES))
		return 0;
	double est = use.est;
	for (uint32_t i = 1; i < n; i += 2) {
		const dn_ast *rp = pp->path->u.path.elems.item[i];
		double deg;
		if ((rc = plan_degree(pc, pp->path->u.path.elems.item[i - 1], rp, &deg)))
			return rc;
		if (rp->u.rel.varlen) {
			int64_t lo = rp->u.rel.min < 0 ? 1 : rp->u.rel.min;
			int64_t hi = rp->u.rel.max < 0 ? lo + 4 : rp->u.rel.max;
			double sum = 0.0;
			for (int64_t k = lo; k <= hi && k <= 64; k++)
				sum += pow(deg, (double)k);
			est *= pp->bfs ? fmin(sum, plan_nodes(pc)) : sum;
		} else {
			est *= deg;
		}
		pp->est_hop[i] = est;
	}
	return 0;
}

/* Where each pattern slot gets bound along the walk: (path, element) in
 * walking order, or unset. */
typedef struct plan_pos {
	bool set;
	uint32_t p, i;
} plan_pos;

typedef struct plan_reads {
	const plan_pos *pos;
	size_t width;
	plan_pos last; /* the latest binding position read so far */
	bool any;
} plan_reads;

static bool pos_after(plan_pos a, plan_pos b)
{
	return a.p > b.p || (a.p == b.p && a.i > b.i);
}

static int plan_read_var(dn_ast *child, dn_ast *parent, void *ctx)
{
	plan_reads *r = ctx;
	(void)parent;
	if (child->kind == DN_AST_VAR && child->u.name.slot >= 0 && (size_t)child->u.name.slot < r->width) {
		plan_pos at = r->pos[child->u.name.slot];
		if (at.set && (!r->any || pos_after(at, r->last))) {
			r->last = at;
			r->any = true;
		}
	}
	return 0;
}

static int plan_add_filter(dn_match_plan *out, const dn_ast *e, const plan_pos *pos, size_t width, bool push)
{
	if (e->kind == DN_AST_BINOP && e->op == DN_OP_AND) {
		int rc = plan_add_filter(out, e->u.bin.l, pos, width, push);
		return rc ? rc : plan_add_filter(out, e->u.bin.r, pos, width, push);
	}
	dn_plan_filter *f = realloc(out->filters, (out->nfilters + 1) * sizeof *f);
	if (!f)
		return DN_ENOMEM;
	out->filters = f;
	plan_reads r = {pos, width, {0}, false};
	plan_read_var((dn_ast *)e, NULL, &r);
	dn_ast_walk((dn_ast *)e, plan_read_var, &r);
	/* reads no pattern variable: test it at the first node */
	f[out->nfilters++] = (dn_plan_filter){e, r.any ? r.last.p : 0, r.any ? r.last.i : 0, !push};
	return 0;
}

/* Splits WHERE into filters placed along the walk of out's paths. */
static int plan_filters(dn_match_plan *out, const dn_ast *where, const bool *bound, size_t width)
{
	bool push = width > 0;
	for (uint32_t p = 0; p < out->n; p++)
		push &= out->paths[p].start != DN_START_SHORTEST;
	plan_pos *pos = calloc(width ? width : 1, sizeof *pos);
	if (!pos)
		return DN_ENOMEM;
	for (uint32_t p = 0; push && p < out->n; p++) {
		const dn_ast *path = out->paths[p].path;
		uint32_t n = path->u.path.elems.n;
		for (uint32_t i = 0; i < n; i++) {
			const dn_ast *e = path->u.path.elems.item[i];
			const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
			/* a relationship is bound with the node after it */
			uint32_t at = e->kind == DN_AST_NODE_PAT ? i : i + 1;
			if (v && v->u.name.slot >= 0 && !bound[v->u.name.slot] && !pos[v->u.name.slot].set)
				pos[v->u.name.slot] = (plan_pos){true, p, at};
		}
		const dn_ast *pv = path->u.path.var;
		if (pv && pv->u.name.slot >= 0 && !pos[pv->u.name.slot].set)
			pos[pv->u.name.slot] = (plan_pos){true, p, n - 1};
	}
	int rc = plan_add_filter(out, where, pos, width, push);
	free(pos);
	return rc;
}

int dn_plan_paths(dn_txn *txn, const dn_ast_list *paths, const dn_ast *where, const bool *bound, size_t width,
                  unsigned flags, dn_match_plan *out)
{
	plan_ctx pc = {txn, bound, false, 0.0, 0};
	int rc = 0;
	memset(out, 0, sizeof *out);
	out->paths = calloc(paths->n ? paths->n : 1, sizeof *out->paths);
	out->list.item = calloc(paths->n ? paths->n : 1, sizeof *out->list.item);
	if (!rc && (!out->paths || !out->list.item))
		rc = DN_ENOMEM;
	for (uint32_t p = 0; !rc && p < paths->n; p++) {
		out->n = p + 1;
		rc = plan_path(&pc, where, paths->item[p], paths->n, flags, &out->paths[p]);
		if (!rc)
			rc = pc.rc;
		out->list.item[p] = (dn_ast *)out->paths[p].path;
	}
	out->list.n = out->n;
	if (!rc && where)
		rc = plan_filters(out, where, bound, width);
	if (rc)
		dn_plan_match_free(out);
	return rc;
}

void dn_plan_match_free(dn_match_plan *p)
{
	for (uint32_t i = 0; i < p->n; i++) {
		dn_path_plan *pp = &p->paths[i];
		if (pp->copy)
			free(pp->copy->u.path.elems.item);
		free(pp->copy);
		free(pp->est_hop);
		free(pp->rows);
		free(pp->all_labeled);
	}
	free(p->paths);
	free(p->list.item);
	free(p->filters);
	memset(p, 0, sizeof *p);
}

/* The text of an AST node, for EXPLAIN (at most cap-1 bytes). */
static void plan_span(const char *text, const dn_ast *e, char *buf, size_t cap)
{
	size_t len = e->len < cap - 1 ? e->len : cap - 1;
	memcpy(buf, text + e->off, len);
	buf[len] = '\0';
}

void dn_plan_describe(const dn_path_plan *pp, const char *text, dn_plan_line_fn line, void *ctx)
{
	const dn_ast *path = pp->path;
	uint32_t n = path->u.path.elems.n;
	char details[320], a[120], b[120];
	plan_span(text, path->u.path.elems.item[0], a, sizeof a);
	switch (pp->start) {
	case DN_START_BOUND:
		line(ctx, "Argument", a, pp->est_start, pp->rows[0]);
		break;
	case DN_START_SEEK:
		snprintf(details, sizeof details, "%s :%s(%s)%s", a, pp->label, pp->key,
		         pp->lo == pp->hi ? "" : pp->lo && pp->hi ? " range" : pp->lo ? " lower bound" : " upper bound");
		line(ctx, pp->lo != pp->hi ? "NodeIndexRangeSeek" : pp->unique ? "NodeUniqueIndexSeek" : "NodeIndexSeek",
		     details, pp->est_start, pp->rows[0]);
		break;
	case DN_START_LABEL:
		snprintf(details, sizeof details, "%s :%s", a, pp->label);
		line(ctx, "NodeByLabelScan", details, pp->est_start, pp->rows[0]);
		break;
	case DN_START_ALL:
		line(ctx, "AllNodesScan", a, pp->est_start, pp->rows[0]);
		break;
	case DN_START_SHORTEST:
		plan_span(text, path, details, sizeof details);
		line(ctx, path->u.path.shortest == DN_PATH_ALL_SHORTEST ? "AllShortestPaths" : "ShortestPath",
		     details, 1.0, pp->rows[n - 1]);
		return;
	}
	for (uint32_t i = 1; i + 1 < n; i += 2) {
		const dn_ast *rp = path->u.path.elems.item[i];
		plan_span(text, rp, a, sizeof a);
		plan_span(text, path->u.path.elems.item[i + 1], b, sizeof b);
		snprintf(details, sizeof details, "%s %s %s%s", a, pp->reversed ? "(walked backwards) to" : "to", b,
		         pp->bfs ? ", each end node once" : "");
		line(ctx, pp->bfs ? (rp->u.rel.varlen ? "BreadthFirstExpand" : "ExpandDistinct")
		              : !rp->u.rel.varlen ? "Expand" : "VarLengthExpand", details,
		     pp->est_hop[i], pp->rows[i + 1]);
	}
}
