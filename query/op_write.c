/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_write.c — the write operators: Create, Set (SET and REMOVE), Delete
 * (DELETE, DETACH DELETE) and Merge. Each is eager: it pulls every input
 * row before it writes, so that no read of an earlier clause sees its
 * writes (Cypher's rule), then passes the rows on. The items' helpers
 * (dn_x_create_path, dn_x_set_item) are in exec.c, MERGE's matching in
 * match.c.
 */
#include <stdlib.h>
#include <string.h>

#include "op.h"

static int run_create(exec *x, const dn_ast *c, rows *in, rows *out)
{
	const dn_ast_list *paths = &c->u.create.pattern->u.pattern.paths;
	bool *was = malloc(in->width ? in->width : 1);
	if (!was)
		return DN_ENOMEM;
	memcpy(was, in->bound, in->width);
	int rc = 0;
	for (size_t r = 0; r < in->n && !rc; r++) {
		/* each row starts from the variables bound before the clause */
		memcpy(in->bound, was, in->width);
		for (uint32_t p = 0; p < paths->n && !rc; p++)
			rc = dn_x_create_path(x, paths->item[p], in->v + r * in->width, in);
	}
	free(was);
	return rc ? rc : dn_op_rows_move(in, out);
}

static int run_set(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int rc = 0;
	for (size_t r = 0; !rc && r < in->n; r++)
		for (uint32_t i = 0; !rc && i < c->u.set.items.n; i++)
			rc = dn_x_set_item(x, c->u.set.items.item[i], in->v + r * in->width);
	return rc ? rc : dn_op_rows_move(in, out);
}

static int delete_one(exec *x, const dn_ast *at, const dn_value *v, bool detach, int pass)
{
	int rc = 0;
	if (v->type == DN_NULL)
		return 0;
	if (v->type == DN_NODE) {
		if (pass == 0)
			return 0;
		if (!dn_node_exists(x->txn, (dn_id)v->u.i))
			return 0; /* deleted already (by this clause) */
		uint64_t deg = 0;
		if (detach && (rc = dn_degree(x->txn, (dn_id)v->u.i, DN_BOTH, NULL, &deg)))
			return dn_x_engine_fail(x, at, rc);
		rc = detach ? dn_node_detach_delete(x->txn, (dn_id)v->u.i) : dn_node_delete(x->txn, (dn_id)v->u.i);
		if (rc == DN_ECONSTRAINT) {
			dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ERUNTIME, at->off, at->len,
			                   "DeleteConnectedNode", "cannot delete a node that still has relationships; "
			                                          "use DETACH DELETE");
			return DN_ERUNTIME;
		}
		if (rc)
			return dn_x_engine_fail(x, at, rc);
		x->stats->nodes_deleted++;
		x->stats->rels_deleted += deg;
		return 0;
	}
	if (v->type == DN_REL) {
		if (pass == 1 || !dn_edge_exists(x->txn, (dn_id)v->u.i))
			return 0;
		if ((rc = dn_edge_delete(x->txn, (dn_id)v->u.i)))
			return dn_x_engine_fail(x, at, rc);
		x->stats->rels_deleted++;
		return 0;
	}
	if (v->type == DN_PATH) {
		/* relationships in the first pass, nodes in the second */
		for (uint32_t i = pass == 0 ? 1 : 0; !rc && i < v->len; i += 2)
			rc = delete_one(x, at, &v->u.list[i], detach, pass);
		return rc;
	}
	if (v->type == DN_LIST) {
		/* DELETE collect(p), a list of entities: each of them */
		for (uint32_t i = 0; !rc && i < v->len; i++)
			rc = delete_one(x, at, &v->u.list[i], detach, pass);
		return rc;
	}
	return dn_x_fail(x, at, DN_ETYPE, "DELETE needs a node, relationship or path, not a %s", dn_type_name(v->type));
}

static int run_delete(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int rc = 0;
	/* relationships first (also those of paths), nodes second, so that a
	 * node and its relationships can go in one DELETE without DETACH */
	for (int pass = 0; pass < 2 && !rc; pass++)
		for (size_t r = 0; !rc && r < in->n; r++)
			for (uint32_t i = 0; !rc && i < c->u.del.exprs.n; i++) {
				const dn_ast *e = c->u.del.exprs.item[i];
				dn_value v;
				if ((rc = dn_x_eval_at(x, in->v + r * in->width, e, &v)))
					break;
				rc = delete_one(x, e, &v, c->u.del.detach, pass);
				dn_value_free(&v);
			}
	return rc ? rc : dn_op_rows_move(in, out);
}

static int run_merge(exec *x, const dn_ast *c, rows *in, rows *out)
{
	return dn_x_run_merge(x, c, in, out);
}

static const dn_op_vt create_vt = {"Create", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};
static const dn_op_vt set_vt = {"Set", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};
static const dn_op_vt remove_vt = {"Remove", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};
static const dn_op_vt delete_vt = {"Delete", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};
static const dn_op_vt merge_vt = {"Merge", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};

int dn_op_create_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	return dn_op_xform_new(x, &create_vt, c, run_create, true, child, out);
}

int dn_op_set_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	return dn_op_xform_new(x, c->kind == DN_AST_SET ? &set_vt : &remove_vt, c, run_set, true, child, out);
}

int dn_op_delete_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	return dn_op_xform_new(x, &delete_vt, c, run_delete, true, child, out);
}

int dn_op_merge_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	return dn_op_xform_new(x, &merge_vt, c, run_merge, true, child, out);
}
