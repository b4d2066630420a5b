/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_unwind.c — Unwind: each input row once per element of the list
 * UNWIND evaluates for it (none for an empty list or null), the element
 * bound to UNWIND's variable. Streams a batch at a time.
 */
#include "op.h"

static int run_unwind(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int32_t slot = c->u.unwind.var->u.name.slot;
	for (size_t r = 0; r < in->n; r++) {
		const dn_value *row = in->v + r * in->width;
		dn_value list;
		int rc = dn_x_eval_at(x, row, c->u.unwind.expr, &list);
		if (rc)
			return rc;
		uint32_t n = list.type == DN_LIST ? list.len : list.type == DN_NULL ? 0 : 1;
		for (uint32_t i = 0; i < n && !rc; i++) {
			dn_value *o = dn_x_rows_add(out);
			if (!o)
				rc = DN_ENOMEM;
			else if (!(rc = dn_x_row_copy(o, row, in->width)))
				rc = dn_value_copy(&o[slot], list.type == DN_LIST ? &list.u.list[i] : &list);
		}
		dn_value_free(&list);
		if (rc)
			return rc;
	}
	out->bound[slot] = true;
	return 0;
}

static const dn_op_vt unwind_vt = {"Unwind", dn_op_xform_open, dn_op_xform_next, dn_op_xform_close, NULL, NULL};

int dn_op_unwind_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out)
{
	int rc = dn_op_xform_new(x, &unwind_vt, c, run_unwind, false, child, out);
	if (!rc)
		(*out)->est *= 10.0; /* a guess: no statistics on list lengths */
	return rc;
}
