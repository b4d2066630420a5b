/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_results.c — Results, the root of a query's operator tree: turns the
 * rows of the last clause (the resolver's slots) into RETURN's columns, in
 * order; a query without RETURN runs its clauses and returns no rows.
 */
#include <stdlib.h>
#include <string.h>

#include "op.h"

typedef struct op_results {
	dn_op base;
	int32_t *slots; /* per column: its slot */
	size_t ncols;
	rows in;
} op_results;

static int results_open(dn_op *op)
{
	op_results *o = (op_results *)op;
	dn_x_rows_free(&o->in);
	return dn_op_batch_init(op->child[0], &o->in);
}

static int results_next(dn_op *op, rows *out, size_t want)
{
	op_results *o = (op_results *)op;
	int rc;
	while ((rc = dn_op_next(op->child[0], &o->in, want)) == DN_ROW) {
		if (!o->ncols)
			continue; /* no RETURN: the clauses run for their effects */
		for (size_t r = 0; r < o->in.n; r++) {
			dn_value *row = dn_x_rows_add(out), *src = o->in.v + r * o->in.width;
			if (!row)
				return DN_ENOMEM;
			for (size_t c = 0; c < o->ncols; c++) {
				/* a slot can be a column twice (RETURN a, a AS b): copy */
				if ((rc = dn_value_copy(&row[c], &src[o->slots[c]])))
					return rc;
			}
		}
		return DN_ROW;
	}
	return rc;
}

static void results_close(dn_op *op)
{
	dn_x_rows_free(&((op_results *)op)->in);
}

static void results_free(dn_op *op)
{
	free(((op_results *)op)->slots);
}

static const dn_op_vt results_vt = {"Results", results_open, results_next, results_close, results_free, NULL};

int dn_op_results_new(exec *x, const dn_ast *ret, const int32_t *slots, size_t ncols, dn_op *child, dn_op **out)
{
	(void)ret;
	op_results *o = (op_results *)dn_op_new(x, &results_vt, sizeof *o, child, NULL);
	if (!o)
		return DN_ENOMEM;
	o->slots = malloc((ncols ? ncols : 1) * sizeof *o->slots);
	if (!o->slots) {
		dn_op_free(&o->base);
		return DN_ENOMEM;
	}
	if (ncols)
		memcpy(o->slots, slots, ncols * sizeof *slots);
	o->ncols = ncols;
	*out = &o->base;
	return 0;
}
