/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions_agg.c — Cypher's aggregate functions as init/step/final/free
 * state machines over dn_value, registered in functions.c: count (also
 * count(*)), sum, avg, min, max, collect, stDev, stDevP, percentileCont,
 * percentileDisc. Null inputs are skipped; DISTINCT is applied by the
 * executor before step.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"
#include "functions_internal.h"
#include "internal.h"
#include "value_ops.h"

/* One state type serves every aggregate; each uses the fields it needs. */
typedef struct agg_state {
	int64_t count;
	dn_value acc;     /* sum: running INT/FLOAT/DURATION sum; min/max: best */
	double mean, m2;  /* stDev: Welford's running mean and squared deviations */
	dn_value *items;  /* collect, percentiles: kept values (owned) */
	size_t n, cap;
	double pct;       /* percentiles: the requested percentile */
} agg_state;

static int agg_init(void **state)
{
	agg_state *s = dn_calloc(1, sizeof *s);
	if (!s)
		return DN_ENOMEM;
	s->acc = dn_value_null();
	*state = s;
	return 0;
}

static void agg_free(void *state)
{
	agg_state *s = state;
	size_t i;

	if (!s)
		return;
	dn_value_free(&s->acc);
	for (i = 0; i < s->n; i++)
		dn_value_free(&s->items[i]);
	free(s->items);
	free(s);
}

static int agg_keep(agg_state *s, const dn_value *v, char *err, size_t cap)
{
	if (s->n == s->cap) {
		size_t c = s->cap ? 2 * s->cap : 16;
		dn_value *p = dn_realloc(s->items, c * sizeof *p);
		if (!p)
			return dn_fn_oom(err, cap);
		s->items = p;
		s->cap = c;
	}
	if (dn_value_copy(&s->items[s->n], v))
		return dn_fn_oom(err, cap);
	s->n++;
	return 0;
}

/* ---- count ---- */

static int agg_count_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	agg_state *s = state;
	(void)err, (void)cap;
	if (n == 0 || a[0].type != DN_NULL) /* count(*) counts rows */
		s->count++;
	return 0;
}

static void agg_count_add(void *state, uint64_t times)
{
	((agg_state *)state)->count += (int64_t)times;
}

static int agg_count_final(void *state, dn_value *out, char *err, size_t cap)
{
	(void)err, (void)cap;
	*out = dn_value_int(((agg_state *)state)->count);
	return 0;
}

/* ---- sum, avg ---- */

static int agg_sum_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	agg_state *s = state;
	dn_value r;
	int rc;

	(void)n;
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_INT && a[0].type != DN_FLOAT && a[0].type != DN_DURATION)
		return dn_cy_error(err, cap, DN_ETYPE, "sum()/avg() of %s",
		                   dn_type_name(a[0].type));
	s->count++;
	if (s->acc.type == DN_NULL) {
		s->acc = a[0];
		return 0;
	}
	rc = dn_cy_arith_op(DN_CY_ADD, &s->acc, &a[0], &r, err, cap);
	if (rc)
		return rc;
	s->acc = r;
	return 0;
}

static int agg_sum_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	(void)err, (void)cap;
	*out = s->acc.type == DN_NULL ? dn_value_int(0) : s->acc;
	return 0;
}

/* avg keeps its sum as a double for numbers (no integer overflow on long
 * columns) and as a duration for durations. */
static int agg_avg_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	agg_state *s = state;

	(void)n;
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type == DN_DURATION)
		return agg_sum_step(state, a, n, err, cap);
	if (a[0].type != DN_INT && a[0].type != DN_FLOAT)
		return dn_cy_error(err, cap, DN_ETYPE, "avg() of %s", dn_type_name(a[0].type));
	if (s->acc.type == DN_DURATION)
		return dn_cy_error(err, cap, DN_ETYPE, "avg() of mixed numbers and durations");
	s->count++;
	/* Running mean: stable and free of overflow. */
	s->mean += ((a[0].type == DN_INT ? (double)a[0].u.i : a[0].u.f) - s->mean) /
	           (double)s->count;
	s->acc = dn_value_float(s->mean);
	return 0;
}

static int agg_avg_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	dn_value cnt;

	*out = dn_value_null();
	if (s->count == 0)
		return 0;
	if (s->acc.type == DN_DURATION) {
		cnt = dn_value_int(s->count);
		return dn_cy_arith_op(DN_CY_DIV, &s->acc, &cnt, out, err, cap);
	}
	*out = dn_value_float(s->mean);
	return 0;
}

/* ---- min, max (in ORDER BY order; nulls skipped) ---- */

static int agg_best_step(agg_state *s, const dn_value *v, int sign, char *err, size_t cap)
{
	if (v->type == DN_NULL)
		return 0;
	if (s->acc.type == DN_NULL || sign * dn_cy_order(v, &s->acc) > 0) {
		dn_value_free(&s->acc);
		if (dn_value_copy(&s->acc, v))
			return dn_fn_oom(err, cap);
	}
	return 0;
}

static int agg_min_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	(void)n;
	return agg_best_step(state, &a[0], -1, err, cap);
}

static int agg_max_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	(void)n;
	return agg_best_step(state, &a[0], 1, err, cap);
}

static int agg_best_final(void *state, dn_value *out, char *err, size_t cap)
{
	return dn_value_copy(out, &((agg_state *)state)->acc) ? dn_fn_oom(err, cap) : 0;
}

/* ---- collect ---- */

static int agg_collect_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	(void)n;
	if (a[0].type == DN_NULL)
		return 0;
	return agg_keep(state, &a[0], err, cap);
}

static int agg_collect_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	int rc = 0;
	*out = dn_value_list(s->items, s->n, &rc);
	return rc ? dn_fn_oom(err, cap) : 0;
}

/* ---- stDev, stDevP ---- */

static int agg_stdev_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	agg_state *s = state;
	double x, d;

	(void)n;
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_INT && a[0].type != DN_FLOAT)
		return dn_cy_error(err, cap, DN_ETYPE, "stDev() of %s", dn_type_name(a[0].type));
	x = a[0].type == DN_INT ? (double)a[0].u.i : a[0].u.f;
	s->count++;
	d = x - s->mean;
	s->mean += d / (double)s->count;
	s->m2 += d * (x - s->mean);
	return 0;
}

static int agg_stdev_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	(void)err, (void)cap;
	*out = dn_value_float(s->count < 2 ? 0.0 : sqrt(s->m2 / (double)(s->count - 1)));
	return 0;
}

static int agg_stdevp_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	(void)err, (void)cap;
	*out = dn_value_float(s->count < 1 ? 0.0 : sqrt(s->m2 / (double)s->count));
	return 0;
}

/* ---- percentileCont, percentileDisc ---- */

static int agg_pct_step(void *state, const dn_value *a, size_t n, char *err, size_t cap)
{
	agg_state *s = state;
	double p;

	(void)n;
	if (a[1].type != DN_INT && a[1].type != DN_FLOAT)
		return dn_cy_error(err, cap, DN_ETYPE, "percentile must be a number, got %s",
		                   dn_type_name(a[1].type));
	p = a[1].type == DN_INT ? (double)a[1].u.i : a[1].u.f;
	if (!(p >= 0.0 && p <= 1.0))
		return dn_cy_error(err, cap, DN_ERUNTIME,
		                   "percentile must be between 0.0 and 1.0, got %g", p);
	s->pct = p;
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_INT && a[0].type != DN_FLOAT)
		return dn_cy_error(err, cap, DN_ETYPE, "percentile of %s", dn_type_name(a[0].type));
	return agg_keep(s, &a[0], err, cap);
}

static int agg_num_cmp(const void *pa, const void *pb)
{
	return dn_value_compare(pa, pb);
}

static double agg_num(const dn_value *v)
{
	return v->type == DN_INT ? (double)v->u.i : v->u.f;
}

static int agg_pct_cont_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	double idx, lo, frac;
	size_t i;

	(void)err, (void)cap;
	*out = dn_value_null();
	if (s->n == 0)
		return 0;
	qsort(s->items, s->n, sizeof *s->items, agg_num_cmp);
	idx = s->pct * (double)(s->n - 1);
	lo = floor(idx);
	frac = idx - lo;
	i = (size_t)lo;
	if (i + 1 >= s->n || frac == 0)
		*out = dn_value_float(agg_num(&s->items[i]));
	else
		*out = dn_value_float(agg_num(&s->items[i]) +
		                      frac * (agg_num(&s->items[i + 1]) - agg_num(&s->items[i])));
	return 0;
}

/* The smallest value with at least pct of the values at or below it. */
static int agg_pct_disc_final(void *state, dn_value *out, char *err, size_t cap)
{
	agg_state *s = state;
	double f;
	size_t i;

	(void)err, (void)cap;
	*out = dn_value_null();
	if (s->n == 0)
		return 0;
	qsort(s->items, s->n, sizeof *s->items, agg_num_cmp);
	f = ceil(s->pct * (double)s->n);
	i = f < 1 ? 0 : (size_t)f - 1;
	if (i >= s->n)
		i = s->n - 1;
	*out = s->items[i];
	return 0;
}

const dn_cy_agg_ops dn_fn_agg_count = { agg_init, agg_count_step, agg_count_final, agg_free, agg_count_add };
const dn_cy_agg_ops dn_fn_agg_sum = { agg_init, agg_sum_step, agg_sum_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_avg = { agg_init, agg_avg_step, agg_avg_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_min = { agg_init, agg_min_step, agg_best_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_max = { agg_init, agg_max_step, agg_best_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_collect = { agg_init, agg_collect_step, agg_collect_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_stdev = { agg_init, agg_stdev_step, agg_stdev_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_stdevp = { agg_init, agg_stdev_step, agg_stdevp_final, agg_free };
const dn_cy_agg_ops dn_fn_agg_percentile_cont = { agg_init, agg_pct_step, agg_pct_cont_final,
	                                           agg_free };
const dn_cy_agg_ops dn_fn_agg_percentile_disc = { agg_init, agg_pct_step, agg_pct_disc_final,
	                                           agg_free };
