/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions_internal.h — what the three files of the function registry
 * share: the implementations functions.c lists (temporal functions from
 * functions_temporal.c, aggregates from functions_agg.c) and small
 * helpers for argument errors and results. Private to query/.
 */
#ifndef DN_FUNCTIONS_INTERNAL_H
#define DN_FUNCTIONS_INTERNAL_H

#include <stddef.h>

#include "dragnet.h"
#include "functions.h"

/* Helpers (functions.c). */
int dn_fn_oom(char *err, size_t cap);
int dn_fn_arg_type(const char *fname, int argno, const dn_value *v, char *err, size_t cap);
int dn_fn_string_out(const char *s, size_t len, dn_value *out, char *err, size_t cap);

/* Temporal functions (functions_temporal.c). */
int dn_fn_date(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap);
int dn_fn_datetime(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap);
int dn_fn_duration(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap);
int dn_fn_duration_between(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap);

/* Aggregates (functions_agg.c). */
extern const dn_cy_agg_ops dn_fn_agg_count;
extern const dn_cy_agg_ops dn_fn_agg_sum;
extern const dn_cy_agg_ops dn_fn_agg_avg;
extern const dn_cy_agg_ops dn_fn_agg_min;
extern const dn_cy_agg_ops dn_fn_agg_max;
extern const dn_cy_agg_ops dn_fn_agg_collect;
extern const dn_cy_agg_ops dn_fn_agg_stdev;
extern const dn_cy_agg_ops dn_fn_agg_stdevp;
extern const dn_cy_agg_ops dn_fn_agg_percentile_cont;
extern const dn_cy_agg_ops dn_fn_agg_percentile_disc;

#endif
