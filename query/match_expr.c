/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match_expr.c — patterns matched for an expression or a clause rather
 * than for MATCH's operator: pattern predicates and comprehensions,
 * EXISTS { } subqueries (their own operator tree, from the outer row), and
 * MERGE (match each path, else create it). The matcher itself is match.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "op.h"
#include "value_ops.h"

/* --- patterns inside expressions ----------------------------------------------------- */

/* EXISTS { query }: the subquery's tree from the outer row (row, with
 * bound), pulled for one row. */
static int env_exists(exec *x, const dn_ast *node, const dn_value *row, const bool *bound, dn_value *out)
{
	const dn_ast **comp_nodes = x->comp_nodes;
	const dn_value *comp_vals = x->comp_vals;
	size_t ncomp = x->ncomp;
	dn_op *root = NULL;
	rows b = {0};
	int rc = dn_op_build_subquery(x, node->u.sub.query, row, bound, &root);
	if (!rc && !(rc = dn_op_batch_init(root, &b)) && !(rc = dn_op_open(root)))
		rc = dn_op_next(root, &b, 1);
	if (rc == DN_ROW || rc == DN_DONE) {
		*out = dn_value_bool(rc == DN_ROW);
		rc = 0;
	}
	dn_op_close(root);
	dn_op_free(root);
	dn_x_rows_free(&b);
	x->comp_nodes = comp_nodes;
	x->comp_vals = comp_vals;
	x->ncomp = ncomp;
	return rc;
}

int dn_x_env_pattern(void *ctx, const dn_ast *node, const dn_eval_local *locals, size_t nlocals,
                       dn_value *out)
{
	exec *x = ctx;
	bool comp = node->kind == DN_AST_PATTERN_COMP, sub = node->kind == DN_AST_EXISTS_SUB;
	dn_ast *path = sub ? NULL : comp ? node->u.pcomp.path : node->u.pred.path;
	dn_ast_list paths = {&path, 1};
	const dn_value *saved_row = x->row;
	const bool *saved_bound = x->bound;
	rows found;
	int rc = dn_x_rows_init(&found, x->width);
	if (rc)
		return rc;
	dn_value *row = calloc(x->width ? x->width : 1, sizeof *row);
	size_t *starts = calloc(1, sizeof *starts);
	if (!row || !starts)
		rc = DN_ENOMEM;
	if (!rc && saved_bound)
		memcpy(found.bound, saved_bound, x->width);
	if (!rc && saved_row)
		rc = dn_x_row_copy(row, saved_row, x->width);
	/* list comprehension variables around the pattern, outermost first */
	for (size_t i = nlocals; !rc && i-- > 0;) {
		dn_value_free(&row[locals[i].slot]);
		rc = dn_value_copy(&row[locals[i].slot], locals[i].value);
		found.bound[locals[i].slot] = true;
	}
	dn_match_plan plan = {0};
	if (!rc && sub) /* EXISTS { }: the subquery, not a pattern */
		rc = env_exists(x, node, row, found.bound, out);
	if (!rc && !sub &&
	    (rc = dn_plan_paths(x->txn, &paths, comp ? node->u.pcomp.where : NULL, found.bound, x->width, 0, &plan)))
		rc = dn_x_engine_fail(x, node, rc);
	matcher m = {x, NULL, &plan.list, row, found.bound, &found, NULL, 0, 0, NULL, 0, 0, 0, starts, &plan};
	if (!rc && !sub)
		rc = dn_m_paths(&m, 0);
	dn_m_fast_free(&m);
	dn_plan_match_free(&plan);
	if (sub) {
		/* the answer is in *out */
	} else if (!rc && !comp) {
		*out = dn_value_bool(found.n > 0);
	} else if (!rc) {
		dn_value *items = calloc(found.n ? found.n : 1, sizeof *items);
		size_t k = 0;
		rc = items ? 0 : DN_ENOMEM;
		for (; !rc && k < found.n; k++) {
			x->bound = found.bound;
			rc = dn_x_eval_at(x, found.v + k * found.width, node->u.pcomp.proj, &items[k]);
		}
		if (!rc) {
			int err = 0;
			*out = dn_value_list(items, found.n, &err);
			rc = err;
		}
		for (size_t i = 0; items && i < k; i++)
			dn_value_free(&items[i]);
		free(items);
	}
	for (size_t i = 0; row && i < x->width; i++)
		dn_value_free(&row[i]);
	free(row);
	free(starts);
	free(m.used);
	free(m.walk);
	dn_x_rows_free(&found);
	x->row = saved_row;
	x->bound = saved_bound;
	return rc;
}

/* --- MERGE ------------------------------------------------------------------------- */

/* MERGE path: for each row, the path's matches (then ON MATCH SET), or,
 * when there is none, the path created (then ON CREATE SET). */
int dn_x_run_merge(exec *x, const dn_ast *c, rows *in, rows *out)
{
	dn_ast *path = c->u.merge.path;
	dn_ast_list paths = {&path, 1};
	rows found;
	int rc = dn_x_rows_init(&found, in->width);
	if (rc)
		return rc;
	bool *before = malloc(in->width ? in->width : 1);
	dn_value *row = calloc(in->width ? in->width : 1, sizeof *row);
	if (!before || !row)
		rc = DN_ENOMEM;
	if (!rc)
		memcpy(before, in->bound, in->width);
	for (size_t r = 0; !rc && r < in->n; r++) {
		/* a null in MERGE's property maps can never match what it creates */
		for (uint32_t i = 0; !rc && i < path->u.path.elems.n; i++) {
			const dn_ast *e = path->u.path.elems.item[i];
			const dn_ast *props = e->kind == DN_AST_NODE_PAT ? e->u.node.props : e->u.rel.props;
			dn_value mv;
			if (!props || (rc = dn_x_eval_at(x, in->v + r * in->width, props, &mv)))
				continue;
			for (uint32_t k = 0; mv.type == DN_MAP && k < mv.len && !rc; k++)
				if (mv.u.list[2 * k + 1].type == DN_NULL) {
					dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ESEMANTIC, props->off, props->len,
					                   "MergeReadOwnWrites",
					                   "MERGE cannot use a null property value ('%.*s')",
					                   (int)mv.u.list[2 * k].len, mv.u.list[2 * k].u.s);
					rc = DN_ESEMANTIC;
				}
			dn_value_free(&mv);
		}
		if (rc)
			break;
		dn_match_plan plan = {0};
		memcpy(found.bound, before, in->width);
		if ((rc = dn_plan_paths(x->txn, &paths, NULL, found.bound, in->width, 0, &plan)))
			rc = dn_x_engine_fail(x, c, rc);
		matcher m = {x, NULL, &plan.list, row, found.bound, &found, NULL, 0, 0, NULL, 0, 0, 0, NULL, &plan};
		m.walk_start = calloc(1, sizeof *m.walk_start);
		if (!rc)
			rc = m.walk_start ? dn_x_row_copy(row, in->v + r * in->width, in->width) : DN_ENOMEM;
		if (!rc)
			rc = dn_m_paths(&m, 0);
		dn_m_fast_free(&m);
		dn_plan_match_free(&plan);
		free(m.walk_start);
		free(m.used);
		free(m.walk);
		bool on_create = !rc && !found.n;
		if (on_create) {
			memcpy(in->bound, before, in->width);
			dn_value *o = dn_x_rows_add(&found);
			if (!o || (rc = dn_x_row_copy(o, row, in->width)) || (rc = dn_x_create_path(x, path, o, in)))
				rc = rc ? rc : DN_ENOMEM;
		}
		for (size_t f = 0; !rc && f < found.n; f++) {
			dn_value *fr = found.v + f * found.width;
			for (uint32_t a = 0; !rc && a < c->u.merge.actions.n; a++) {
				const dn_ast *act = c->u.merge.actions.item[a];
				if (act->u.action.on_create != on_create)
					continue;
				for (uint32_t i = 0; !rc && i < act->u.action.items.n; i++)
					rc = dn_x_set_item(x, act->u.action.items.item[i], fr);
			}
			dn_value *o = rc ? NULL : dn_x_rows_add(out);
			if (!rc)
				rc = o ? dn_x_row_copy(o, fr, in->width) : DN_ENOMEM;
		}
		dn_x_rows_clear(&found);
		for (size_t i = 0; i < in->width; i++)
			dn_value_free(&row[i]);
	}
	if (before)
		memcpy(out->bound, before, in->width);
	if (path->u.path.var)
		out->bound[path->u.path.var->u.name.slot] = true;
	for (uint32_t i = 0; i < path->u.path.elems.n; i++) {
		const dn_ast *e = path->u.path.elems.item[i];
		const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
		if (v)
			out->bound[v->u.name.slot] = true;
	}
	dn_x_rows_free(&found);
	free(before);
	free(row);
	return rc;
}
