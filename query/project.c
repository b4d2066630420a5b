/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * project.c — what the WITH and RETURN operators (op_project.c,
 * op_aggregate.c, op_sort.c) share: the aggregate calls in an expression,
 * grouping keys' equality, an item's column name, and SKIP's and LIMIT's
 * counts.
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

bool dn_x_key_eq(void *ctx, size_t a, size_t b)
{
	const key_ctx *k = ctx;
	for (size_t t = 0; t < k->nkeys; t++)
		if (!dn_cy_equivalent(&k->vals[a * k->nkeys + t], &k->vals[b * k->nkeys + t]))
			return false;
	return true;
}

/* Column name of a projection item: the alias, or the expression's text. */
char *dn_x_item_name(exec *x, const dn_ast *item)
{
	if (item->u.item.alias)
		return strdup(item->u.item.alias->u.name.s);
	const dn_ast *e = item->u.item.expr;
	return strndup(x->pr->text + e->off, e->len);
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
