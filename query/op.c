/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op.c — the pull operators' common part (op.h): the base operator's
 * open / next / close / free with PROFILE's counters, batch helpers, the
 * Argument leaf (the one empty row a query starts from), the tree built
 * from a query's clauses with each operator's bound slots and estimate,
 * and EXPLAIN's listing of the tree. The operators are in op_*.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "op.h"

double dn_op_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

dn_op *dn_op_new(exec *x, const dn_op_vt *vt, size_t size, dn_op *child, const dn_ast *clause)
{
	/* one allocation: the operator, then its bound flags */
	size = (size + 15) & ~(size_t)15;
	dn_op *op = calloc(1, size + (x->width ? x->width : 1));
	if (!op) {
		dn_op_free(child);
		return NULL;
	}
	bool *bound = (bool *)((char *)op + size);
	op->vt = vt;
	op->x = x;
	op->child[0] = child;
	op->clause = clause;
	op->bound = bound;
	op->est = child ? child->est : 1.0;
	if (child)
		memcpy(bound, child->bound, x->width);
	if (clause)
		dn_op_bind_clause(x, clause, bound);
	if (clause && x->prof) /* the details column: EXPLAIN and PROFILE only */
		dn_x_clause_text(x, clause, op->details, sizeof op->details);
	return op;
}

int dn_op_open(dn_op *op)
{
	int rc = 0;
	for (int i = 0; i < 2 && !rc; i++)
		if (op->child[i])
			rc = dn_op_open(op->child[i]);
	for (size_t i = 0; i < op->nlist && !rc; i++)
		rc = dn_op_open(op->list[i]);
	op->done = false;
	op->rows = 0;
	op->ms = 0;
	return rc ? rc : op->vt->open ? op->vt->open(op) : 0;
}

int dn_op_next(dn_op *op, rows *out, size_t want)
{
	dn_x_rows_clear(out);
	if (op->done)
		return DN_DONE;
	bool prof = op->x->prof != NULL;
	double t0 = prof ? dn_op_now_ms() : 0.0;
	int rc = op->vt->next(op, out, want ? want : 1);
	if (rc == DN_ROW && !out->n)
		rc = DN_DONE; /* an operator may find nothing after all */
	if (rc == DN_DONE)
		op->done = true;
	if (prof)
		op->ms += dn_op_now_ms() - t0;
	op->rows += out->n;
	if (out->width == op->x->width) /* Results' rows are its columns */
		memcpy(out->bound, op->bound, op->x->width);
	return rc;
}

void dn_op_close(dn_op *op)
{
	if (!op)
		return;
	if (op->vt->close)
		op->vt->close(op);
	for (int i = 0; i < 2; i++)
		dn_op_close(op->child[i]);
	for (size_t i = 0; i < op->nlist; i++)
		dn_op_close(op->list[i]);
}

void dn_op_free(dn_op *op)
{
	if (!op)
		return;
	dn_op_close(op);
	if (op->vt->free)
		op->vt->free(op);
	for (int i = 0; i < 2; i++)
		dn_op_free(op->child[i]);
	for (size_t i = 0; i < op->nlist; i++)
		dn_op_free(op->list[i]);
	free(op->list);
	free(op); /* and its bound flags */
}

int dn_op_batch_init(dn_op *op, rows *b)
{
	int rc = dn_x_rows_init(b, op->x->width);
	if (!rc)
		memcpy(b->bound, op->bound, op->x->width);
	return rc;
}

int dn_op_drain(dn_op *child, rows *all)
{
	rows b;
	int rc = dn_op_batch_init(child, &b);
	while (!rc && (rc = dn_op_next(child, &b, DN_OP_BATCH)) == DN_ROW) {
		rc = 0;
		for (size_t r = 0; r < b.n && !rc; r++) {
			dn_value *o = dn_x_rows_add(all);
			if (!o) {
				rc = DN_ENOMEM;
				break;
			}
			/* moved: the batch keeps NULLs */
			memcpy(o, b.v + r * b.width, b.width * sizeof *o);
			for (size_t i = 0; i < b.width; i++)
				b.v[r * b.width + i] = dn_value_null();
		}
	}
	memcpy(all->bound, child->bound, child->x->width);
	dn_x_rows_free(&b);
	return rc == DN_DONE ? 0 : rc;
}

int dn_op_emit(rows *src, size_t *pos, rows *out, size_t want)
{
	while (*pos < src->n && out->n < want) {
		dn_value *o = dn_x_rows_add(out);
		if (!o)
			return DN_ENOMEM;
		dn_value *s = src->v + *pos * src->width;
		memcpy(o, s, src->width * sizeof *o);
		for (size_t i = 0; i < src->width; i++)
			s[i] = dn_value_null();
		(*pos)++;
	}
	return out->n ? DN_ROW : DN_DONE;
}

/* --- operators that map rows by a function of their clause ------------------------ */

int dn_op_rows_move(rows *in, rows *out)
{
	size_t pos = 0;
	int rc = dn_op_emit(in, &pos, out, SIZE_MAX);
	return rc == DN_ENOMEM ? rc : 0;
}

int dn_op_xform_open(dn_op *op)
{
	dn_op_xform *o = (dn_op_xform *)op;
	dn_op_xform_close(op);
	int rc = dn_op_batch_init(op->child[0], &o->in);
	if (!rc)
		rc = dn_op_batch_init(op, &o->pending);
	return rc;
}

int dn_op_xform_next(dn_op *op, rows *out, size_t want)
{
	dn_op_xform *o = (dn_op_xform *)op;
	int rc;
	for (;;) {
		if (o->pos < o->pending.n)
			return dn_op_emit(&o->pending, &o->pos, out, want);
		if (o->eager && o->in.cap == SIZE_MAX)
			return DN_DONE; /* ran already */
		dn_x_rows_clear(&o->pending);
		o->pos = 0;
		memcpy(o->pending.bound, o->in.bound, op->x->width);
		if (o->eager) {
			if ((rc = dn_op_drain(op->child[0], &o->in)))
				return rc;
			memcpy(o->pending.bound, o->in.bound, op->x->width);
			op->x->bound = o->in.bound;
			rc = o->fn(op->x, op->clause, &o->in, &o->pending);
			dn_x_rows_free(&o->in);
			o->in.cap = SIZE_MAX; /* marks the run done */
			if (rc)
				return rc;
			continue;
		}
		if ((rc = dn_op_next(op->child[0], &o->in, DN_OP_BATCH)) != DN_ROW)
			return rc;
		memcpy(o->pending.bound, o->in.bound, op->x->width);
		op->x->bound = o->in.bound;
		if ((rc = o->fn(op->x, op->clause, &o->in, &o->pending)))
			return rc;
	}
}

void dn_op_xform_close(dn_op *op)
{
	dn_op_xform *o = (dn_op_xform *)op;
	if (o->in.cap == SIZE_MAX)
		o->in.cap = 0;
	dn_x_rows_free(&o->in);
	dn_x_rows_free(&o->pending);
	o->pos = 0;
}

int dn_op_xform_new(exec *x, const dn_op_vt *vt, const dn_ast *c, dn_op_xform_fn fn, bool eager, dn_op *child,
                    dn_op **out)
{
	dn_op_xform *o = (dn_op_xform *)dn_op_new(x, vt, sizeof *o, child, c);
	if (!o)
		return DN_ENOMEM;
	o->fn = fn;
	o->eager = eager;
	*out = &o->base;
	return 0;
}

/* --- Argument: the one empty row a query starts from --------------------------- */

/* An Argument, and the row it gives (an EXISTS { } subquery's: the outer
 * row; NULL: the empty row). */
typedef struct op_arg {
	dn_op base;
	const dn_value *row;
} op_arg;

static int arg_next(dn_op *op, rows *out, size_t want)
{
	(void)want;
	const op_arg *a = (const op_arg *)op;
	dn_value *row = dn_x_rows_add(out);
	if (!row)
		return DN_ENOMEM;
	int rc = a->row ? dn_x_row_copy(row, a->row, op->x->width) : 0;
	if (rc)
		return rc;
	op->done = true;
	return DN_ROW;
}

static const dn_op_vt arg_vt = {"Argument", NULL, arg_next, NULL, NULL, NULL};

bool dn_op_is_argument(const dn_op *op)
{
	return op->vt == &arg_vt;
}

int dn_op_argument_new(exec *x, dn_op **out)
{
	*out = dn_op_new(x, &arg_vt, sizeof(op_arg), NULL, NULL);
	return *out ? 0 : DN_ENOMEM;
}

/* --- the tree of a query ------------------------------------------------------------ */

/* The slots a pattern (or one path) binds. */
static void bind_pattern(bool *bound, const dn_ast *pattern_or_path)
{
	if (!pattern_or_path)
		return;
	dn_ast *single = (dn_ast *)pattern_or_path;
	dn_ast_list one = {&single, 1};
	const dn_ast_list *paths = pattern_or_path->kind == DN_AST_PATTERN ? &pattern_or_path->u.pattern.paths : &one;
	for (uint32_t p = 0; p < paths->n; p++) {
		const dn_ast *path = paths->item[p];
		if (path->u.path.var)
			bound[path->u.path.var->u.name.slot] = true;
		for (uint32_t k = 0; k < path->u.path.elems.n; k++) {
			const dn_ast *e = path->u.path.elems.item[k];
			const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
			if (v)
				bound[v->u.name.slot] = true;
		}
	}
}

void dn_op_bind_clause(exec *x, const dn_ast *c, bool *bound)
{
	switch (c->kind) {
	case DN_AST_MATCH: bind_pattern(bound, c->u.match.pattern); break;
	case DN_AST_CREATE: bind_pattern(bound, c->u.create.pattern); break;
	case DN_AST_MERGE: bind_pattern(bound, c->u.merge.path); break;
	case DN_AST_UNWIND: bound[c->u.unwind.var->u.name.slot] = true; break;
	case DN_AST_WITH:
	case DN_AST_RETURN:
		if (!c->u.proj.star)
			memset(bound, 0, x->width);
		for (uint32_t k = 0; k < c->u.proj.items.n; k++)
			if (c->u.proj.items.item[k]->u.item.slot >= 0)
				bound[c->u.proj.items.item[k]->u.item.slot] = true;
		break;
	case DN_AST_CALL:
		for (uint32_t k = 0; k < c->u.call.yield.n; k++)
			if (c->u.call.yield.item[k]->u.yield.slot >= 0)
				bound[c->u.call.yield.item[k]->u.yield.slot] = true;
		break;
	default: break;
	}
}

static int build_query(exec *x, const dn_ast *q, const dn_value *row, const bool *bound, dn_op **root,
                       char ***cols, size_t *ncols);

int dn_op_build_query(exec *x, const dn_ast *q, dn_op **root, char ***cols, size_t *ncols)
{
	return build_query(x, q, NULL, NULL, root, cols, ncols);
}

int dn_op_build_subquery(exec *x, const dn_ast *q, const dn_value *row, const bool *bound, dn_op **root)
{
	char **cols = NULL;
	size_t ncols = 0;
	int rc = build_query(x, q, row, bound, root, &cols, &ncols);
	for (size_t i = 0; i < ncols; i++)
		free(cols[i]);
	free(cols);
	return rc;
}

static int build_query(exec *x, const dn_ast *q, const dn_value *row, const bool *bound, dn_op **root,
                       char ***cols, size_t *ncols)
{
	dn_op *cur = NULL;
	const dn_ast *ret = NULL;
	*root = NULL;
	*cols = NULL;
	*ncols = 0;
	int rc = dn_op_argument_new(x, &cur);
	if (!rc && row) { /* the outer row, its variables bound */
		((op_arg *)cur)->row = row;
		memcpy(cur->bound, bound, x->width);
	}
	for (uint32_t i = 0; !rc && i < q->u.query.clauses.n; i++) {
		const dn_ast *c = q->u.query.clauses.item[i];
		dn_op *next = NULL;
		switch (c->kind) {
		case DN_AST_MATCH: rc = dn_op_match_new(x, q, i, cur, &next); break;
		case DN_AST_MERGE: rc = dn_op_merge_new(x, c, cur, &next); break;
		case DN_AST_CREATE: rc = dn_op_create_new(x, c, cur, &next); break;
		case DN_AST_SET:
		case DN_AST_REMOVE: rc = dn_op_set_new(x, c, cur, &next); break;
		case DN_AST_DELETE: rc = dn_op_delete_new(x, c, cur, &next); break;
		case DN_AST_UNWIND: rc = dn_op_unwind_new(x, c, cur, &next); break;
		case DN_AST_CALL:
			if (c->u.call.yield_star || !c->u.call.has_yield) {
				dn_op_free(cur);
				return dn_x_fail(x, c, DN_ENOTSUP, "not supported yet: CALL without YIELD inside a query");
			}
			rc = dn_op_call_new(x, c, cur, &next);
			break;
		case DN_AST_WITH:
		case DN_AST_RETURN:
			rc = dn_op_projection_new(x, q, i, cur, &next);
			if (c->kind == DN_AST_RETURN)
				ret = c;
			break;
		default:
			dn_op_free(cur);
			return dn_x_fail(x, c, DN_ENOTSUP, "not supported yet: executing %s", dn_ast_kind_name(c->kind));
		}
		cur = rc ? NULL : next; /* on failure the constructor freed cur */
	}
	if (rc)
		return rc;
	/* the result: RETURN's items, and with RETURN * first every variable
	 * in scope, by name; a query without RETURN has no columns */
	if (!ret && row) { /* EXISTS { pattern }: its matches are its rows */
		*root = cur;
		return 0;
	}
	int32_t *slots = NULL;
	size_t n = 0;
	if (ret)
		rc = dn_x_result_columns(x, q, ret, cur->bound, cols, &slots, &n);
	if (!rc)
		rc = dn_op_results_new(x, ret, slots, n, cur, root);
	else
		dn_op_free(cur);
	free(slots);
	if (rc) {
		for (size_t i = 0; *cols && i < n; i++)
			free((*cols)[i]);
		free(*cols);
		*cols = NULL;
		return rc;
	}
	*ncols = n;
	return 0;
}

/* --- EXPLAIN and PROFILE ---------------------------------------------------------- */

int dn_op_explain(dn_op *op, dn_prof *prof, int depth)
{
	/* the time of an operator without its children's */
	double ms = op->ms;
	for (int i = 0; i < 2; i++)
		if (op->child[i])
			ms -= op->child[i]->ms;
	for (size_t i = 0; i < op->nlist; i++)
		ms -= op->list[i]->ms;
	int rc = dn_prof_line(prof, SIZE_MAX, depth, op->vt->name, op->details, op->est, op->rows, fmax(ms, 0.0));
	if (!rc && op->vt->explain)
		rc = op->vt->explain(op, prof, depth + 1);
	for (int i = 0; i < 2 && !rc; i++)
		if (op->child[i] && op->child[i]->vt != &arg_vt)
			rc = dn_op_explain(op->child[i], prof, depth + 1);
	for (size_t i = 0; i < op->nlist && !rc; i++)
		rc = dn_op_explain(op->list[i], prof, depth + 1);
	return rc;
}
