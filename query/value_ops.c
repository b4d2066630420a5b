/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * value_ops.c — the expression-value layer of the executor: Cypher's
 * three-valued equality and comparison, the ORDER BY order and the
 * DISTINCT/grouping hash, arithmetic over numbers, strings, lists and
 * temporal values, boolean operators, string predicates, IN, indexing and
 * slicing. Operators dispatch through tables indexed by operator, not
 * switch statements; everything here is pure and touches no database.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"
#include "internal.h"
#include "temporal.h"
#include "value_ops.h"

#define NS_PER_DAY DN_NS_PER_DAY
#define NS_PER_SEC DN_NS_PER_SEC
#define NS_PER_MS INT64_C(1000000)

int dn_cy_error(char *err, size_t cap, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && cap) {
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return code;
}

static dn_value ops_bool_or_null(int tri)
{
	return tri < 0 ? dn_value_null() : dn_value_bool(tri > 0);
}

static bool ops_is_number(const dn_value *v)
{
	return v->type == DN_INT || v->type == DN_FLOAT;
}

/* A point in time or on the clock: a temporal value other than DURATION. */
static bool ops_is_instant(const dn_value *v)
{
	return DN_TYPE_TEMPORAL(v->type) && v->type != DN_DURATION;
}

static double ops_as_double(const dn_value *v)
{
	return v->type == DN_INT ? (double)v->u.i : v->u.f;
}

/* ------------------------------------------------------------------ */
/* Equality                                                            */
/* ------------------------------------------------------------------ */

static int ops_eq3(const dn_value *a, const dn_value *b);

/* Element-wise equality of n pairs: 0 if one pair is false, else -1 if one
 * is null, else 1. */
static int ops_eq3_items(const dn_value *a, const dn_value *b, size_t n)
{
	size_t i;
	int r, res = 1;

	for (i = 0; i < n; i++) {
		r = ops_eq3(&a[i], &b[i]);
		if (r == 0)
			return 0;
		if (r < 0)
			res = -1;
	}
	return res;
}

/* 1 true, 0 false, -1 null. */
static int ops_eq3(const dn_value *a, const dn_value *b)
{
	size_t i;

	if (a->type == DN_NULL || b->type == DN_NULL)
		return -1;
	if (ops_is_number(a) && ops_is_number(b)) {
		if ((a->type == DN_FLOAT && isnan(a->u.f)) || (b->type == DN_FLOAT && isnan(b->u.f)))
			return 0;
		return dn_value_compare(a, b) == 0;
	}
	if (a->type != b->type)
		return 0;
	if (a->type == DN_LIST || a->type == DN_PATH) {
		if (a->len != b->len)
			return 0;
		return ops_eq3_items(a->u.list, b->u.list, a->len);
	}
	if (a->type == DN_MAP) {
		if (a->len != b->len)
			return 0;
		for (i = 0; i < a->len; i++)
			if (!dn_value_equal(&a->u.list[2 * i], &b->u.list[2 * i]))
				return 0;
		{
			int res = 1, r;
			for (i = 0; i < a->len; i++) {
				r = ops_eq3(&a->u.list[2 * i + 1], &b->u.list[2 * i + 1]);
				if (r == 0)
					return 0;
				if (r < 0)
					res = -1;
			}
			return res;
		}
	}
	return dn_value_compare(a, b) == 0;
}

dn_value dn_cy_equals(const dn_value *a, const dn_value *b)
{
	return ops_bool_or_null(ops_eq3(a, b));
}

/* ------------------------------------------------------------------ */
/* Comparison                                                          */
/* ------------------------------------------------------------------ */

enum { CMP_OK = 0, CMP_NULL = 1, CMP_FALSE = 2 };

/* Compares comparable values: CMP_OK with *r, CMP_NULL when undefined
 * (null, incomparable types), CMP_FALSE when NaN takes part. */
static int ops_cmp3(const dn_value *a, const dn_value *b, int *r)
{
	uint32_t i, n;
	int rc;

	if (a->type == DN_NULL || b->type == DN_NULL)
		return CMP_NULL;
	if (ops_is_number(a) && ops_is_number(b)) {
		if ((a->type == DN_FLOAT && isnan(a->u.f)) || (b->type == DN_FLOAT && isnan(b->u.f)))
			return CMP_FALSE;
		*r = dn_value_compare(a, b);
		return CMP_OK;
	}
	if (a->type != b->type)
		return CMP_NULL;
	switch (a->type) { /* comparable kinds; not a dispatch, a whitelist */
	case DN_TIME:
	case DN_DATETIME: { /* instants, whatever the offsets they are seen at */
		int64_t sa, sb;
		int32_t na, nb;
		dn_tm_instant(a, &sa, &na);
		dn_tm_instant(b, &sb, &nb);
		*r = sa != sb ? (sa > sb) - (sa < sb) : (na > nb) - (na < nb);
		return CMP_OK;
	}
	case DN_BOOL:
	case DN_STRING:
	case DN_DATE:
	case DN_LOCALTIME:
	case DN_LOCALDATETIME:
		*r = dn_value_compare(a, b);
		return CMP_OK;
	case DN_LIST:
		n = a->len < b->len ? a->len : b->len;
		for (i = 0; i < n; i++) {
			rc = ops_cmp3(&a->u.list[i], &b->u.list[i], r);
			if (rc != CMP_OK)
				return rc;
			if (*r != 0)
				return CMP_OK;
		}
		*r = (a->len > b->len) - (a->len < b->len);
		return CMP_OK;
	default:
		return CMP_NULL;
	}
}

dn_value dn_cy_compare(dn_cy_cmp op, const dn_value *a, const dn_value *b)
{
	int r = 0, rc = ops_cmp3(a, b, &r);

	if (rc == CMP_NULL)
		return dn_value_null();
	if (rc == CMP_FALSE)
		return dn_value_bool(false);
	switch (op) {
	case DN_CY_LT: return dn_value_bool(r < 0);
	case DN_CY_LE: return dn_value_bool(r <= 0);
	case DN_CY_GT: return dn_value_bool(r > 0);
	case DN_CY_GE: return dn_value_bool(r >= 0);
	}
	return dn_value_null();
}

/* ------------------------------------------------------------------ */
/* ORDER BY order, equivalence, hash                                   */
/* ------------------------------------------------------------------ */

/* Rank of each type in openCypher's orderability, ascending. */
static const int ops_order_rank[DN_TYPE_COUNT_] = {
	[DN_MAP] = 0,     [DN_NODE] = 1,   [DN_REL] = 2,      [DN_LIST] = 3,
	[DN_PATH] = 4,    [DN_DATETIME] = 5, [DN_LOCALDATETIME] = 6, [DN_DATE] = 7,
	[DN_TIME] = 8,    [DN_LOCALTIME] = 9, [DN_DURATION] = 10,
	[DN_STRING] = 11, [DN_BOOL] = 12,  [DN_INT] = 13,     [DN_FLOAT] = 13,
	[DN_NULL] = 14,
};

static int ops_rank(int type)
{
	return type >= 0 && type < DN_TYPE_COUNT_ ? ops_order_rank[type] : 15 + type;
}

static int ops_order_items(const dn_value *a, uint32_t an, const dn_value *b, uint32_t bn)
{
	uint32_t i, n = an < bn ? an : bn;
	int r;

	for (i = 0; i < n; i++) {
		r = dn_cy_order(&a[i], &b[i]);
		if (r != 0)
			return r;
	}
	return (an > bn) - (an < bn);
}

int dn_cy_order(const dn_value *a, const dn_value *b)
{
	int ra = ops_rank(a->type), rb = ops_rank(b->type);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->type == DN_LIST || a->type == DN_PATH)
		return ops_order_items(a->u.list, a->len, b->u.list, b->len);
	if (a->type == DN_MAP)
		return ops_order_items(a->u.list, 2 * a->len, b->u.list, 2 * b->len);
	/* Scalars, numbers across INT/FLOAT (NaN last), nodes and rels by id. */
	return dn_value_compare(a, b);
}

bool dn_cy_equivalent(const dn_value *a, const dn_value *b)
{
	return dn_cy_order(a, b) == 0;
}

static uint64_t ops_mix(uint64_t h, uint64_t x)
{
	/* splitmix64 finaliser over h ^ x. */
	uint64_t z = h ^ (x + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t dn_cy_hash(const dn_value *v)
{
	uint64_t h = ops_mix(0, (uint64_t)ops_rank(v->type));
	uint64_t bits;
	uint32_t i;
	double f;

	switch (v->type) { /* hash content per kind */
	case DN_BOOL:
		return ops_mix(h, v->u.b);
	case DN_INT:
	case DN_NODE:
	case DN_REL:
		return ops_mix(h, (uint64_t)v->u.i);
	case DN_FLOAT:
		f = v->u.f;
		if (isnan(f))
			return ops_mix(h, UINT64_C(0x7ff8000000000000));
		/* Integral floats hash as the integer they equal (1.0 ≡ 1). */
		if (f == floor(f) && f >= -0x1p63 && f < 0x1p63)
			return ops_mix(h, (uint64_t)(int64_t)f);
		memcpy(&bits, &f, sizeof bits);
		return ops_mix(h, bits);
	case DN_STRING:
		bits = UINT64_C(0xcbf29ce484222325);
		for (i = 0; i < v->len; i++)
			bits = (bits ^ (unsigned char)v->u.s[i]) * UINT64_C(0x100000001b3);
		return ops_mix(h, bits);
	case DN_DATE:
		return ops_mix(h, (uint64_t)(int64_t)v->u.date);
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME:
	case DN_DATETIME:
		h = ops_mix(h, (uint64_t)v->u.datetime);
		h = ops_mix(h, (uint64_t)v->u.tm_ns);
		return ops_mix(h, (uint64_t)v->u.tm_offset << 32 | v->u.tm_zone);
	case DN_DURATION:
		h = ops_mix(h, (uint64_t)v->u.dur.months);
		h = ops_mix(h, (uint64_t)v->u.dur.days);
		return ops_mix(h, (uint64_t)v->u.dur.nanos);
	case DN_LIST:
	case DN_PATH:
		h = ops_mix(h, v->len);
		for (i = 0; i < v->len; i++)
			h = ops_mix(h, dn_cy_hash(&v->u.list[i]));
		return h;
	case DN_MAP:
		h = ops_mix(h, v->len);
		for (i = 0; i < 2 * v->len; i++)
			h = ops_mix(h, dn_cy_hash(&v->u.list[i]));
		return h;
	default:
		return h;
	}
}

/* ------------------------------------------------------------------ */
/* Maps                                                                */
/* ------------------------------------------------------------------ */

static int ops_key_cmp(const void *pa, const void *pb)
{
	const dn_value *a = pa, *b = pb;
	return dn_value_compare(a, b);
}

int dn_cy_map_build(const char *const *keys, const dn_value *values, size_t n, dn_value *out)
{
	dn_value *items, *pairs;
	size_t i, j;
	int rc = 0, err = 0;

	*out = dn_value_null();
	pairs = n ? dn_calloc(n, 2 * sizeof *pairs) : NULL;
	if (n && !pairs)
		return DN_ENOMEM;
	/* Later duplicates win: fill from the end, skip keys already seen. */
	j = 0;
	for (i = n; i-- > 0;) {
		size_t k;
		bool seen = false;
		for (k = 0; k < j && !seen; k++)
			seen = strcmp(pairs[2 * k].u.s, keys[i]) == 0;
		if (seen)
			continue;
		pairs[2 * j] = dn_value_string(keys[i], &err);
		if (err)
			break;
		rc = dn_value_copy(&pairs[2 * j + 1], &values[i]);
		j++;
		if (rc)
			break;
	}
	if (err || rc) {
		for (i = 0; i < 2 * j; i++)
			dn_value_free(&pairs[i]);
		free(pairs);
		return err ? err : rc;
	}
	if (j > 1)
		qsort(pairs, j, 2 * sizeof *pairs, ops_key_cmp);
	items = pairs;
	out->type = DN_MAP;
	out->owned = 1;
	out->len = (uint32_t)j;
	out->u.list = items;
	return 0;
}

const dn_value *dn_cy_map_get(const dn_value *map, const char *key, size_t keylen)
{
	uint32_t lo = 0, hi, mid;
	dn_value k = dn_value_stringn_ref(key, keylen);
	int r;

	if (map->type != DN_MAP)
		return NULL;
	hi = map->len;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = dn_value_compare(&map->u.list[2 * mid], &k);
		if (r == 0)
			return &map->u.list[2 * mid + 1];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Arithmetic                                                          */
/* ------------------------------------------------------------------ */

typedef int (*ops_arith_fn)(const dn_value *a, const dn_value *b, dn_value *out, char *err,
                            size_t cap);

static const char *const ops_arith_verb[] = {
	[DN_CY_ADD] = "add", [DN_CY_SUB] = "subtract", [DN_CY_MUL] = "multiply",
	[DN_CY_DIV] = "divide", [DN_CY_MOD] = "take the modulo of",
	[DN_CY_POW] = "raise",
};

static int ops_type_error(dn_cy_arith op, const dn_value *a, const dn_value *b, char *err,
                          size_t cap)
{
	return dn_cy_error(err, cap, DN_ETYPE, "cannot %s %s and %s", ops_arith_verb[op],
	                   dn_type_name(a->type), dn_type_name(b->type));
}

static int ops_overflow(char *err, size_t cap)
{
	return dn_cy_error(err, cap, DN_ERUNTIME, "integer overflow");
}

/* Concatenation of two item arrays into an owned list. */
static int ops_list_concat(const dn_value *a, size_t an, const dn_value *b, size_t bn,
                           dn_value *out, char *err, size_t cap)
{
	dn_value *tmp;
	int rc = 0;

	if (an + bn > UINT32_MAX)
		return dn_cy_error(err, cap, DN_ETOOBIG, "list too long");
	tmp = dn_malloc((an + bn + 1) * sizeof *tmp);
	if (!tmp)
		return dn_cy_error(err, cap, DN_ENOMEM, "out of memory");
	if (an)
		memcpy(tmp, a, an * sizeof *tmp);
	if (bn)
		memcpy(tmp + an, b, bn * sizeof *tmp);
	*out = dn_value_list(tmp, an + bn, &rc);
	free(tmp);
	if (rc)
		return dn_cy_error(err, cap, rc, "out of memory");
	return 0;
}

/* Applies months (the day clamped to the month's end), then days, then
 * nanoseconds of a duration (times sign) to a temporal value, as java.time
 * does: a DATE ignores the part under a day, times wrap around midnight,
 * and a DATETIME in a named zone adds months and days on its wall clock
 * and the rest on its instant. */
int dn_cy_temporal_add(const dn_value *t, const dn_value *dur, int sign, dn_value *out,
                       char *err, size_t cap)
{
	int64_t months, days, nanos, y, total;
	unsigned m, d, dim;
	int rc;
	dn_tm tm;

	if (__builtin_mul_overflow(dur->u.dur.months, sign, &months) ||
	    __builtin_mul_overflow(dur->u.dur.days, sign, &days) ||
	    __builtin_mul_overflow(dur->u.dur.nanos, sign, &nanos) || months > INT32_MAX ||
	    months < -INT32_MAX || days > INT32_MAX || days < -INT32_MAX)
		goto range;
	dn_tm_of(t, &tm);
	if (t->type == DN_LOCALTIME || t->type == DN_TIME) {
		tm.nod = dn_floor_mod(tm.nod + nanos % NS_PER_DAY, NS_PER_DAY);
		rc = dn_tm_make(t->type, &tm, out);
		return rc ? dn_cy_error(err, cap, rc, "temporal value out of range") : 0;
	}
	dn_cal_civil(tm.days, &y, &m, &d);
	total = y * 12 + (m - 1) + months;
	y = dn_floor_div(total, 12);
	m = (unsigned)(total - y * 12) + 1;
	dim = dn_cal_days_in_month(y, m);
	tm.days = dn_cal_days(y, m, d < dim ? d : dim) + days;
	if (t->type == DN_DATE) {
		tm.days += nanos / NS_PER_DAY;
		nanos = 0;
	}
	if (t->type != DN_DATETIME || !tm.zone) { /* on the clock */
		tm.days += nanos / NS_PER_DAY;
		total = tm.nod + nanos % NS_PER_DAY;
		tm.days += dn_floor_div(total, NS_PER_DAY);
		tm.nod = dn_floor_mod(total, NS_PER_DAY);
		nanos = 0;
	}
	if ((rc = dn_tm_make(t->type, &tm, out)) != 0)
		goto range;
	if (nanos) { /* a zoned DATETIME: the rest on the instant */
		int64_t sec = dn_floor_div(out->u.datetime, 1000) + nanos / NS_PER_SEC;
		int64_t ns = dn_floor_mod(out->u.datetime, 1000) * NS_PER_MS + out->u.tm_ns +
		             nanos % NS_PER_SEC;
		int32_t off;
		sec += dn_floor_div(ns, NS_PER_SEC);
		ns = dn_floor_mod(ns, NS_PER_SEC);
		if (__builtin_mul_overflow(sec, 1000, &total) ||
		    dn_tz_offset_utc(tm.zone, sec, &off) != 0)
			goto range;
		*out = dn_value_datetime_at(total + ns / NS_PER_MS, (int32_t)(ns % NS_PER_MS), off,
		                            tm.zone);
	}
	return 0;
range:
	return dn_cy_error(err, cap, DN_ERUNTIME, "temporal value out of range");
}

static int ops_dur_addsub(const dn_value *a, const dn_value *b, int sign, dn_value *out,
                          char *err, size_t cap)
{
	int64_t m, d, n;

	if (__builtin_mul_overflow(b->u.dur.months, sign, &m) ||
	    __builtin_add_overflow(a->u.dur.months, m, &m) ||
	    __builtin_mul_overflow(b->u.dur.days, sign, &d) ||
	    __builtin_add_overflow(a->u.dur.days, d, &d) ||
	    __builtin_mul_overflow(b->u.dur.nanos, sign, &n) ||
	    __builtin_add_overflow(a->u.dur.nanos, n, &n))
		return ops_overflow(err, cap);
	*out = dn_value_duration(m, d, n);
	return 0;
}

/* Duration times a factor: fractions cascade down (months to days at the
 * mean month length of 2629746 s, days to nanoseconds). The cascade is
 * summed in nanoseconds in long double, whose 64-bit mantissa keeps
 * "half of P12Y5M14DT16H13M10.000000001S" exact; a half nanosecond left
 * at the end rounds to even. */
static int ops_dur_scale(const dn_value *dur, double f, dn_value *out, char *err, size_t cap)
{
	long double m = (long double)dur->u.dur.months * f, mi = truncl(m);
	long double dns = (m - mi) * 2629746e9L + (long double)dur->u.dur.days * f * NS_PER_DAY;
	long double di = truncl(dns / NS_PER_DAY);
	long double n = dns - di * NS_PER_DAY + (long double)dur->u.dur.nanos * f;

	if (!isfinite(n) || fabsl(mi) >= 0x1p63L || fabsl(di) >= 0x1p63L || fabsl(n) >= 0x1p63L)
		return ops_overflow(err, cap);
	*out = dn_value_duration((int64_t)mi, (int64_t)di, (int64_t)llrintl(n));
	return 0;
}

static int ops_add(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (a->type == DN_INT && b->type == DN_INT) {
		int64_t r;
		if (__builtin_add_overflow(a->u.i, b->u.i, &r))
			return ops_overflow(err, cap);
		*out = dn_value_int(r);
		return 0;
	}
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(ops_as_double(a) + ops_as_double(b));
		return 0;
	}
	if (a->type == DN_STRING && b->type == DN_STRING) {
		char *buf;
		int rc = 0;
		size_t n = (size_t)a->len + b->len;
		buf = dn_malloc(n + 1);
		if (!buf)
			return dn_cy_error(err, cap, DN_ENOMEM, "out of memory");
		if (a->len)
			memcpy(buf, a->u.s, a->len);
		if (b->len)
			memcpy(buf + a->len, b->u.s, b->len);
		*out = dn_value_stringn(buf, n, &rc);
		free(buf);
		return rc ? dn_cy_error(err, cap, rc, "string too long") : 0;
	}
	if (a->type == DN_LIST && b->type == DN_LIST)
		return ops_list_concat(a->u.list, a->len, b->u.list, b->len, out, err, cap);
	if (a->type == DN_LIST)
		return ops_list_concat(a->u.list, a->len, b, 1, out, err, cap);
	if (b->type == DN_LIST)
		return ops_list_concat(a, 1, b->u.list, b->len, out, err, cap);
	if (ops_is_instant(a) && b->type == DN_DURATION)
		return dn_cy_temporal_add(a, b, 1, out, err, cap);
	if (ops_is_instant(b) && a->type == DN_DURATION)
		return dn_cy_temporal_add(b, a, 1, out, err, cap);
	if (a->type == DN_DURATION && b->type == DN_DURATION)
		return ops_dur_addsub(a, b, 1, out, err, cap);
	return ops_type_error(DN_CY_ADD, a, b, err, cap);
}

static int ops_sub(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (a->type == DN_INT && b->type == DN_INT) {
		int64_t r;
		if (__builtin_sub_overflow(a->u.i, b->u.i, &r))
			return ops_overflow(err, cap);
		*out = dn_value_int(r);
		return 0;
	}
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(ops_as_double(a) - ops_as_double(b));
		return 0;
	}
	if (ops_is_instant(a) && b->type == DN_DURATION)
		return dn_cy_temporal_add(a, b, -1, out, err, cap);
	if (a->type == DN_DURATION && b->type == DN_DURATION)
		return ops_dur_addsub(a, b, -1, out, err, cap);
	return ops_type_error(DN_CY_SUB, a, b, err, cap);
}

static int ops_mul(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (a->type == DN_INT && b->type == DN_INT) {
		int64_t r;
		if (__builtin_mul_overflow(a->u.i, b->u.i, &r))
			return ops_overflow(err, cap);
		*out = dn_value_int(r);
		return 0;
	}
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(ops_as_double(a) * ops_as_double(b));
		return 0;
	}
	if (a->type == DN_DURATION && ops_is_number(b))
		return ops_dur_scale(a, ops_as_double(b), out, err, cap);
	if (b->type == DN_DURATION && ops_is_number(a))
		return ops_dur_scale(b, ops_as_double(a), out, err, cap);
	return ops_type_error(DN_CY_MUL, a, b, err, cap);
}

static int ops_div(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (a->type == DN_INT && b->type == DN_INT) {
		if (b->u.i == 0)
			return dn_cy_error(err, cap, DN_ERUNTIME, "division by zero");
		if (a->u.i == INT64_MIN && b->u.i == -1)
			return ops_overflow(err, cap);
		*out = dn_value_int(a->u.i / b->u.i);
		return 0;
	}
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(ops_as_double(a) / ops_as_double(b));
		return 0;
	}
	if (a->type == DN_DURATION && ops_is_number(b)) {
		double f = ops_as_double(b);
		if (f == 0)
			return dn_cy_error(err, cap, DN_ERUNTIME, "division by zero");
		return ops_dur_scale(a, 1.0 / f, out, err, cap);
	}
	return ops_type_error(DN_CY_DIV, a, b, err, cap);
}

static int ops_mod(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (a->type == DN_INT && b->type == DN_INT) {
		if (b->u.i == 0)
			return dn_cy_error(err, cap, DN_ERUNTIME, "division by zero");
		*out = dn_value_int(b->u.i == -1 ? 0 : a->u.i % b->u.i);
		return 0;
	}
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(fmod(ops_as_double(a), ops_as_double(b)));
		return 0;
	}
	return ops_type_error(DN_CY_MOD, a, b, err, cap);
}

static int ops_pow(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	if (ops_is_number(a) && ops_is_number(b)) {
		*out = dn_value_float(pow(ops_as_double(a), ops_as_double(b)));
		return 0;
	}
	return ops_type_error(DN_CY_POW, a, b, err, cap);
}

static const ops_arith_fn ops_arith_table[] = {
	[DN_CY_ADD] = ops_add, [DN_CY_SUB] = ops_sub, [DN_CY_MUL] = ops_mul,
	[DN_CY_DIV] = ops_div, [DN_CY_MOD] = ops_mod, [DN_CY_POW] = ops_pow,
};

int dn_cy_arith_op(dn_cy_arith op, const dn_value *a, const dn_value *b, dn_value *out,
                   char *err, size_t cap)
{
	*out = dn_value_null();
	if ((unsigned)op >= sizeof ops_arith_table / sizeof ops_arith_table[0])
		return dn_cy_error(err, cap, DN_EINVAL, "unknown operator");
	if (a->type == DN_NULL || b->type == DN_NULL)
		return 0;
	return ops_arith_table[op](a, b, out, err, cap);
}

int dn_cy_negate(const dn_value *a, dn_value *out, char *err, size_t cap)
{
	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type == DN_INT) {
		if (a->u.i == INT64_MIN)
			return ops_overflow(err, cap);
		*out = dn_value_int(-a->u.i);
		return 0;
	}
	if (a->type == DN_FLOAT) {
		*out = dn_value_float(-a->u.f);
		return 0;
	}
	if (a->type == DN_DURATION) {
		if (a->u.dur.months == INT64_MIN || a->u.dur.days == INT64_MIN ||
		    a->u.dur.nanos == INT64_MIN)
			return ops_overflow(err, cap);
		*out = dn_value_duration(-a->u.dur.months, -a->u.dur.days, -a->u.dur.nanos);
		return 0;
	}
	return dn_cy_error(err, cap, DN_ETYPE, "cannot negate %s", dn_type_name(a->type));
}

/* ------------------------------------------------------------------ */
/* Boolean logic                                                       */
/* ------------------------------------------------------------------ */

/* -1 null, 0 false, 1 true; DN_ETYPE for other types. */
static int ops_tri(const dn_value *v, const char *op, int *t, char *err, size_t cap)
{
	if (v->type == DN_NULL) {
		*t = -1;
		return 0;
	}
	if (v->type != DN_BOOL)
		return dn_cy_error(err, cap, DN_ETYPE, "%s expects BOOLEAN operands, got %s", op,
		                   dn_type_name(v->type));
	*t = v->u.b;
	return 0;
}

/* Truth tables over (-1, 0, 1) + 1, for a and b. */
static const signed char ops_and_tab[3][3] = { { -1, 0, -1 }, { 0, 0, 0 }, { -1, 0, 1 } };
static const signed char ops_or_tab[3][3] = { { -1, -1, 1 }, { -1, 0, 1 }, { 1, 1, 1 } };
static const signed char ops_xor_tab[3][3] = { { -1, -1, -1 }, { -1, 0, 1 }, { -1, 1, 0 } };

static int ops_bool2(const signed char tab[3][3], const char *name, const dn_value *a,
                     const dn_value *b, dn_value *out, char *err, size_t cap)
{
	int ta = 0, tb = 0, rc;

	*out = dn_value_null();
	if ((rc = ops_tri(a, name, &ta, err, cap)) != 0 || (rc = ops_tri(b, name, &tb, err, cap)) != 0)
		return rc;
	*out = ops_bool_or_null(tab[ta + 1][tb + 1]);
	return 0;
}

int dn_cy_and(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	return ops_bool2(ops_and_tab, "AND", a, b, out, err, cap);
}

int dn_cy_or(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	return ops_bool2(ops_or_tab, "OR", a, b, out, err, cap);
}

int dn_cy_xor(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap)
{
	return ops_bool2(ops_xor_tab, "XOR", a, b, out, err, cap);
}

int dn_cy_not(const dn_value *a, dn_value *out, char *err, size_t cap)
{
	int t = 0, rc;

	*out = dn_value_null();
	if ((rc = ops_tri(a, "NOT", &t, err, cap)) != 0)
		return rc;
	*out = ops_bool_or_null(t < 0 ? -1 : !t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Strings and lists                                                   */
/* ------------------------------------------------------------------ */

dn_value dn_cy_string_pred(dn_cy_strpred op, const dn_value *a, const dn_value *b)
{
	const char *s, *t;
	uint32_t n, m, i;

	if (a->type != DN_STRING || b->type != DN_STRING)
		return dn_value_null();
	s = a->u.s;
	n = a->len;
	t = b->u.s;
	m = b->len;
	if (m > n)
		return dn_value_bool(false);
	if (m == 0)
		return dn_value_bool(true);
	if (op == DN_CY_STARTS_WITH)
		return dn_value_bool(memcmp(s, t, m) == 0);
	if (op == DN_CY_ENDS_WITH)
		return dn_value_bool(memcmp(s + n - m, t, m) == 0);
	for (i = 0; i + m <= n; i++)
		if (memcmp(s + i, t, m) == 0)
			return dn_value_bool(true);
	return dn_value_bool(false);
}

int dn_cy_in(const dn_value *x, const dn_value *list, dn_value *out, char *err, size_t cap)
{
	uint32_t i;
	int r, res = 0;

	*out = dn_value_null();
	if (list->type == DN_NULL)
		return 0;
	if (list->type != DN_LIST)
		return dn_cy_error(err, cap, DN_ETYPE, "IN expects a LIST, got %s",
		                   dn_type_name(list->type));
	for (i = 0; i < list->len; i++) {
		r = ops_eq3(x, &list->u.list[i]);
		if (r > 0) {
			*out = dn_value_bool(true);
			return 0;
		}
		if (r < 0)
			res = -1;
	}
	*out = ops_bool_or_null(res);
	return 0;
}

int dn_cy_index(const dn_value *list, const dn_value *index, dn_value *out, char *err,
                size_t cap)
{
	int64_t i;

	*out = dn_value_null();
	if (list->type == DN_NULL || index->type == DN_NULL)
		return 0;
	if (list->type == DN_MAP) {
		const dn_value *v;
		if (index->type != DN_STRING)
			return dn_cy_error(err, cap, DN_ETYPE, "map key must be a STRING, got %s",
			                   dn_type_name(index->type));
		v = dn_cy_map_get(list, index->u.s, index->len);
		if (!v)
			return 0;
		return dn_value_copy(out, v) ? dn_cy_error(err, cap, DN_ENOMEM, "out of memory") : 0;
	}
	if (list->type != DN_LIST)
		return dn_cy_error(err, cap, DN_ETYPE, "cannot index %s", dn_type_name(list->type));
	if (index->type != DN_INT)
		return dn_cy_error(err, cap, DN_ETYPE, "list index must be an INTEGER, got %s",
		                   dn_type_name(index->type));
	i = index->u.i;
	if (i < 0)
		i += list->len;
	if (i < 0 || i >= (int64_t)list->len)
		return 0;
	return dn_value_copy(out, &list->u.list[i]) ? dn_cy_error(err, cap, DN_ENOMEM,
	                                                          "out of memory") : 0;
}

/* Resolves one slice bound to [0, len]. */
static int64_t ops_bound(int64_t b, int64_t len)
{
	if (b < 0)
		b += len;
	if (b < 0)
		return 0;
	return b > len ? len : b;
}

int dn_cy_slice(const dn_value *list, const dn_value *from, const dn_value *to, dn_value *out,
                char *err, size_t cap)
{
	int64_t len, lo, hi;
	int rc = 0;

	*out = dn_value_null();
	if (list->type == DN_NULL || (from && from->type == DN_NULL) || (to && to->type == DN_NULL))
		return 0;
	if (list->type != DN_LIST)
		return dn_cy_error(err, cap, DN_ETYPE, "cannot slice %s", dn_type_name(list->type));
	if ((from && from->type != DN_INT) || (to && to->type != DN_INT))
		return dn_cy_error(err, cap, DN_ETYPE, "slice bounds must be INTEGER");
	len = list->len;
	lo = from ? ops_bound(from->u.i, len) : 0;
	hi = to ? ops_bound(to->u.i, len) : len;
	if (hi < lo)
		hi = lo;
	*out = dn_value_list(hi > lo ? list->u.list + lo : NULL, (size_t)(hi - lo), &rc);
	return rc ? dn_cy_error(err, cap, rc, "out of memory") : 0;
}
