/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op_union.c — Union: the rows of each part (a query's Results) one part
 * after the other, columns matched by name to the first part's; without
 * ALL each distinct row once (a hash set of the rows handed out so far).
 */
#include <stdlib.h>
#include <string.h>

#include "op.h"
#include "rowset.h"

typedef struct op_union {
	dn_op base;
	bool all;
	size_t ncols, part;
	size_t **perm; /* per part: union column -> the part's column */
	rows in;
	dn_tupleset seen; /* without ALL: the rows handed out */
} op_union;

static void union_close(dn_op *op)
{
	op_union *o = (op_union *)op;
	dn_x_rows_free(&o->in);
	dn_tupleset_free(&o->seen);
}

static int union_open(dn_op *op)
{
	op_union *o = (op_union *)op;
	union_close(op);
	o->part = 0;
	return dn_x_rows_init(&o->in, o->ncols);
}

static int union_next(dn_op *op, rows *out, size_t want)
{
	op_union *o = (op_union *)op;
	int rc;
	while (o->part < op->nlist) {
		dn_op *part = op->list[o->part];
		if ((rc = dn_op_next(part, &o->in, want)) == DN_DONE) {
			o->part++;
			continue;
		}
		if (rc != DN_ROW)
			return rc;
		for (size_t r = 0; r < o->in.n; r++) {
			dn_value *src = o->in.v + r * o->in.width;
			dn_value *row = dn_x_rows_add(out);
			if (!row)
				return DN_ENOMEM;
			for (size_t c = 0; c < o->ncols; c++) {
				row[c] = src[o->perm[o->part][c]];
				src[o->perm[o->part][c]] = dn_value_null();
			}
			bool fresh = true;
			if (!o->all && (rc = dn_tupleset_add(&o->seen, row, &fresh)))
				return rc;
			if (!fresh) {
				for (size_t c = 0; c < o->ncols; c++)
					dn_value_free(&row[c]);
				out->n--;
			}
		}
		if (out->n)
			return DN_ROW;
	}
	return DN_DONE;
}

static void union_free(dn_op *op)
{
	op_union *o = (op_union *)op;
	for (size_t i = 0; o->perm && i < op->nlist; i++)
		free(o->perm[i]);
	free(o->perm);
}

static const dn_op_vt union_vt = {"Union", union_open, union_next, union_close, union_free, NULL};

int dn_op_union_new(exec *x, const dn_ast *uni, dn_op **parts, size_t n, size_t **perm, size_t ncols, dn_op **out)
{
	op_union *o = (op_union *)dn_op_new(x, &union_vt, sizeof *o, NULL, uni);
	if (!o) {
		for (size_t i = 0; i < n; i++) {
			dn_op_free(parts[i]);
			free(perm[i]);
		}
		free(parts);
		free(perm);
		return DN_ENOMEM;
	}
	o->base.list = parts;
	o->base.nlist = n;
	o->perm = perm;
	o->ncols = o->seen.k = ncols;
	o->all = uni->u.uni.all;
	o->base.est = 0;
	for (size_t i = 0; i < n; i++)
		o->base.est += parts[i]->est;
	*out = &o->base;
	return 0;
}
