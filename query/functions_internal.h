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

/* Temporal functions (functions_temporal.c), all of the scalar signature. */
#define DN_FN_DECL(name) int name(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
DN_FN_DECL(dn_fn_date);
DN_FN_DECL(dn_fn_localtime);
DN_FN_DECL(dn_fn_time);
DN_FN_DECL(dn_fn_localdatetime);
DN_FN_DECL(dn_fn_datetime);
DN_FN_DECL(dn_fn_datetime_fromepoch);
DN_FN_DECL(dn_fn_datetime_fromepochmillis);
DN_FN_DECL(dn_fn_date_truncate);
DN_FN_DECL(dn_fn_localtime_truncate);
DN_FN_DECL(dn_fn_time_truncate);
DN_FN_DECL(dn_fn_localdatetime_truncate);
DN_FN_DECL(dn_fn_datetime_truncate);
DN_FN_DECL(dn_fn_date_statement);
DN_FN_DECL(dn_fn_date_realtime);
DN_FN_DECL(dn_fn_localtime_statement);
DN_FN_DECL(dn_fn_localtime_realtime);
DN_FN_DECL(dn_fn_time_statement);
DN_FN_DECL(dn_fn_time_realtime);
DN_FN_DECL(dn_fn_localdatetime_statement);
DN_FN_DECL(dn_fn_localdatetime_realtime);
DN_FN_DECL(dn_fn_datetime_statement);
DN_FN_DECL(dn_fn_datetime_realtime);
DN_FN_DECL(dn_fn_duration);
DN_FN_DECL(dn_fn_duration_between);
DN_FN_DECL(dn_fn_duration_in_months);
DN_FN_DECL(dn_fn_duration_in_days);
DN_FN_DECL(dn_fn_duration_in_seconds);

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
