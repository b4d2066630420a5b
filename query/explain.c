/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.c — the operator table of EXPLAIN and PROFILE (see explain.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

typedef struct prof_line {
	char *op, *details;
	double est, ms;
	uint64_t rows;
} prof_line;

struct dn_prof {
	bool profile;
	prof_line *v;
	size_t n, cap;
	double est;
};

dn_prof *dn_prof_new(bool profile)
{
	dn_prof *p = calloc(1, sizeof *p);
	if (p) {
		p->profile = profile;
		p->est = 1.0;
	}
	return p;
}

void dn_prof_free(dn_prof *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].op);
		free(p->v[i].details);
	}
	free(p->v);
	free(p);
}

bool dn_prof_is_profile(const dn_prof *p)
{
	return p->profile;
}

size_t dn_prof_mark(const dn_prof *p)
{
	return p->n;
}

double dn_prof_estimate(const dn_prof *p)
{
	return p->est;
}

void dn_prof_set_estimate(dn_prof *p, double est)
{
	p->est = est;
}

int dn_prof_line(dn_prof *p, size_t at, int depth, const char *op, const char *details, double est,
                 uint64_t rows, double ms)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		prof_line *v = realloc(p->v, cap * sizeof *v);
		if (!v)
			return DN_ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	if (at > p->n)
		at = p->n;
	size_t indent = 2 * (size_t)depth, olen = strlen(op);
	prof_line l = {malloc(indent + olen + 1), strdup(details ? details : ""), est, ms, rows};
	if (!l.op || !l.details) {
		free(l.op);
		free(l.details);
		return DN_ENOMEM;
	}
	memset(l.op, ' ', indent);
	memcpy(l.op + indent, op, olen + 1);
	memmove(&p->v[at + 1], &p->v[at], (p->n - at) * sizeof *p->v);
	p->v[at] = l;
	p->n++;
	return 0;
}

int dn_prof_result(dn_prof *p, dn_exec_result *out)
{
	static const char *const cols[] = {"operator", "details", "estimated rows", "rows", "time (ms)"};
	size_t nc = p->profile ? 5 : 3;
	memset(out, 0, sizeof *out);
	out->cols = calloc(nc, sizeof *out->cols);
	out->vals = calloc((p->n ? p->n : 1) * nc, sizeof *out->vals);
	if (!out->cols || !out->vals)
		goto nomem;
	out->ncols = nc;
	for (size_t c = 0; c < nc; c++)
		if (!(out->cols[c] = strdup(cols[c])))
			goto nomem;
	for (size_t r = 0; r < p->n; r++) {
		dn_value *row = &out->vals[r * nc];
		int err = 0;
		row[0] = dn_value_string(p->v[r].op, &err);
		if (!err)
			row[1] = dn_value_string(p->v[r].details, &err);
		row[2] = dn_value_int((int64_t)llround(fmin(p->v[r].est, 9.0e18)));
		if (p->profile) {
			row[3] = dn_value_int((int64_t)p->v[r].rows);
			row[4] = p->v[r].ms < 0 ? dn_value_null() : dn_value_float(round(p->v[r].ms * 1000.0) / 1000.0);
		}
		out->nrows = r + 1;
		if (err)
			goto nomem;
	}
	return 0;
nomem:
	dn_exec_result_free(out);
	return DN_ENOMEM;
}
