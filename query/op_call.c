/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_call.c — ProcedureCall: CALL proc(...) YIELD ... [WHERE ...] inside a
 * query, each input row times the procedure's rows with the yielded
 * columns bound. Eager, as the analysis procedures may write. The
 * procedures themselves (db.*, algo.*) are run by exec.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op.h"

/* CALL proc(...) YIELD f [AS a], ... [WHERE ...] inside a query: each
 * input row times the procedure's rows, the yielded columns bound. */
static int run_call(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int rc = 0;
	int32_t *cols = calloc(c->u.call.yield.n ? c->u.call.yield.n : 1, sizeof *cols);
	if (!cols)
		return DN_ENOMEM;
	for (size_t r = 0; !rc && r < in->n; r++) {
		dn_exec_result t;
		const dn_value *row = in->v + r * in->width;
		x->bound = in->bound;
		if ((rc = dn_x_proc_table(x, c, row, &t))) {
			dn_exec_result_free(&t);
			break;
		}
		/* the yielded fields are columns of the procedure */
		for (uint32_t i = 0; !rc && i < c->u.call.yield.n; i++) {
			const dn_ast *y = c->u.call.yield.item[i];
			cols[i] = -1;
			for (size_t k = 0; k < t.ncols; k++)
				if (dn_x_name_eq(y->u.yield.field, t.cols[k]))
					cols[i] = (int32_t)k;
			if (cols[i] < 0) {
				char have[256] = "";
				for (size_t k = 0; k < t.ncols; k++)
					snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", k ? ", " : "", t.cols[k]);
				rc = dn_x_fail(x, y, DN_ESEMANTIC, "%.*s yields %s", (int)c->u.call.proc->u.name.len,
				          c->u.call.proc->u.name.s, have);
			}
		}
		for (size_t k = 0; !rc && k < t.nrows; k++) {
			dn_value *o = dn_x_rows_add(out);
			if (!o) {
				rc = DN_ENOMEM;
				break;
			}
			if ((rc = dn_x_row_copy(o, row, in->width)))
				break;
			for (uint32_t i = 0; !rc && i < c->u.call.yield.n; i++) {
				int32_t slot = c->u.call.yield.item[i]->u.yield.slot;
				if (slot >= 0) {
					dn_value_free(&o[slot]);
					rc = dn_value_copy(&o[slot], &t.vals[k * t.ncols + (size_t)cols[i]]);
					out->bound[slot] = true;
				}
			}
			if (!rc && c->u.call.where) {
				bool keep;
				x->bound = out->bound;
				dn_eval_env env = dn_x_env_of(x, o);
				if (!(rc = dn_eval_pred(&env, c->u.call.where, &keep)) && !keep) {
					for (size_t i = 0; i < out->width; i++)
						dn_value_free(&o[i]);
					out->n--;
				}
			}
		}
		dn_exec_result_free(&t);
	}
	for (uint32_t i = 0; i < c->u.call.yield.n; i++)
		if (c->u.call.yield.item[i]->u.yield.slot >= 0)
			out->bound[c->u.call.yield.item[i]->u.yield.slot] = true;
	free(cols);
	return rc;
}


static const dn_op_vt call_vt = {"ProcedureCall", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};

int dn_op_call_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	return dn_op_xform_new(x, &call_vt, c, run_call, true, child, out);
}
