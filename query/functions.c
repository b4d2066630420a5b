/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions.c — the registry of database-free Cypher functions and their
 * scalar implementations: lists, strings (UTF-8 aware counting; case
 * mapping is ASCII only for now), numbers, type conversions. Temporal
 * functions live in functions_temporal.c and aggregates in
 * functions_agg.c; the registry below names them all.
 *
 * Not here, because they need the graph (the executor registers them):
 * id, elementId, labels, type, properties, startNode, endNode, nodes,
 * relationships, length (of a path), exists (property/pattern), degree,
 * and dragnet's grade, source, valid_from, valid_to, marking.
 * Not here either: rand() (not pure; trivial for the executor to add),
 * keys() of a node or relationship (this one takes maps only), size() of a
 * pattern.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dragnet.h"
#include "functions.h"
#include "functions_internal.h"
#include "internal.h"
#include "value_ops.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

int dn_fn_oom(char *err, size_t cap)
{
	return dn_cy_error(err, cap, DN_ENOMEM, "out of memory");
}

int dn_fn_arg_type(const char *fname, int argno, const dn_value *v, char *err, size_t cap)
{
	return dn_cy_error(err, cap, DN_ETYPE, "%s(): argument %d has type %s", fname, argno,
	                   dn_type_name(v->type));
}

int dn_fn_string_out(const char *s, size_t len, dn_value *out, char *err, size_t cap)
{
	int rc = 0;
	*out = dn_value_stringn(s, len, &rc);
	return rc ? dn_cy_error(err, cap, rc, "cannot build string") : 0;
}

/* Length in bytes of the UTF-8 sequence starting with byte c (1 for bytes
 * that do not start a sequence, so malformed text still advances). */
static size_t fn_utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static size_t fn_utf8_count(const char *s, size_t len)
{
	size_t i = 0, n = 0;
	while (i < len) {
		i += fn_utf8_len((unsigned char)s[i]);
		n++;
	}
	return n;
}

/* Byte offset of code point k (len when past the end). */
static size_t fn_utf8_offset(const char *s, size_t len, size_t k)
{
	size_t i = 0;
	while (k > 0 && i < len) {
		i += fn_utf8_len((unsigned char)s[i]);
		k--;
	}
	return i < len ? i : len;
}

static int fn_list_take(dn_value *items, size_t n, dn_value *out, char *err, size_t cap)
{
	/* Moves n owned items into a fresh list value. */
	dn_value *a = n ? dn_malloc(n * sizeof *a) : NULL;
	size_t i;

	if (n && !a) {
		for (i = 0; i < n; i++)
			dn_value_free(&items[i]);
		return dn_fn_oom(err, cap);
	}
	if (n)
		memcpy(a, items, n * sizeof *a);
	memset(out, 0, sizeof *out);
	out->type = DN_LIST;
	out->owned = 1;
	out->len = (uint32_t)n;
	out->u.list = a;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lists and general                                                   */
/* ------------------------------------------------------------------ */

static int fn_coalesce(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	size_t i;
	*out = dn_value_null();
	for (i = 0; i < n; i++)
		if (a[i].type != DN_NULL)
			return dn_value_copy(out, &a[i]) ? dn_fn_oom(err, cap) : 0;
	return 0;
}

static int fn_head_last(const char *name, bool last, const dn_value *a, dn_value *out,
                        char *err, size_t cap)
{
	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type != DN_LIST)
		return dn_fn_arg_type(name, 1, a, err, cap);
	if (a->len == 0)
		return 0;
	return dn_value_copy(out, &a->u.list[last ? a->len - 1 : 0]) ? dn_fn_oom(err, cap) : 0;
}

static int fn_head(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_head_last("head", false, a, out, err, cap);
}

static int fn_last(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_head_last("last", true, a, out, err, cap);
}

#define FN_RANGE_MAX 100000000 /* elements; a guard against runaway ranges */

static int fn_range(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int64_t start, end, step = 1, count, i;
	dn_value *items;
	size_t k;

	*out = dn_value_null();
	for (k = 0; k < n; k++) {
		if (a[k].type == DN_NULL)
			return dn_cy_error(err, cap, DN_ETYPE, "range(): argument %zu is null",
			                   k + 1);
		if (a[k].type != DN_INT)
			return dn_fn_arg_type("range", (int)k + 1, &a[k], err, cap);
	}
	start = a[0].u.i;
	end = a[1].u.i;
	if (n == 3)
		step = a[2].u.i;
	if (step == 0)
		return dn_cy_error(err, cap, DN_ERUNTIME, "range(): step must not be zero");
	if ((step > 0 && start > end) || (step < 0 && start < end))
		count = 0;
	else
		count = (int64_t)(((__int128)end - start) / step) + 1;
	if (count > FN_RANGE_MAX)
		return dn_cy_error(err, cap, DN_ELIMIT, "range(): too many elements");
	items = count ? dn_malloc((size_t)count * sizeof *items) : NULL;
	if (count && !items)
		return dn_fn_oom(err, cap);
	for (i = 0; i < count; i++)
		items[i] = dn_value_int(start + i * step);
	{
		int rc = fn_list_take(items, (size_t)count, out, err, cap);
		free(items);
		return rc;
	}
}

static int fn_size(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type == DN_STRING)
		*out = dn_value_int((int64_t)fn_utf8_count(a->u.s, a->len));
	else if (a->type == DN_LIST || a->type == DN_MAP)
		*out = dn_value_int(a->len);
	else
		return dn_fn_arg_type("size", 1, a, err, cap);
	return 0;
}

static int fn_keys(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	dn_value *items;
	uint32_t i;

	(void)n;
	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type != DN_MAP)
		return dn_fn_arg_type("keys", 1, a, err, cap);
	items = a->len ? dn_malloc(a->len * sizeof *items) : NULL;
	if (a->len && !items)
		return dn_fn_oom(err, cap);
	for (i = 0; i < a->len; i++)
		items[i] = a->u.list[2 * i]; /* borrowed: dn_value_list copies */
	{
		int rc = 0;
		*out = dn_value_list(items, a->len, &rc);
		free(items);
		return rc ? dn_fn_oom(err, cap) : 0;
	}
}

static int fn_reverse(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type == DN_LIST) {
		dn_value *items = a->len ? dn_malloc(a->len * sizeof *items) : NULL;
		uint32_t i;
		int rc = 0;
		if (a->len && !items)
			return dn_fn_oom(err, cap);
		for (i = 0; i < a->len; i++)
			items[i] = a->u.list[a->len - 1 - i];
		*out = dn_value_list(items, a->len, &rc);
		free(items);
		return rc ? dn_fn_oom(err, cap) : 0;
	}
	if (a->type == DN_STRING) {
		/* Reverses code points, keeping each UTF-8 sequence intact. */
		char *buf = dn_malloc(a->len + 1);
		size_t i = 0, l, w = a->len;
		int rc;
		if (!buf)
			return dn_fn_oom(err, cap);
		while (i < a->len) {
			l = fn_utf8_len((unsigned char)a->u.s[i]);
			if (l > a->len - i)
				l = a->len - i;
			w -= l;
			memcpy(buf + w, a->u.s + i, l);
			i += l;
		}
		rc = dn_fn_string_out(buf, a->len, out, err, cap);
		free(buf);
		return rc;
	}
	return dn_fn_arg_type("reverse", 1, a, err, cap);
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

/* Checks that args[0..n) are strings or null; returns 1 when one is null
 * (result null), 0 when all are strings, or an error. */
static int fn_strings(const char *name, const dn_value *a, size_t n, char *err, size_t cap)
{
	size_t i;
	int null = 0;
	for (i = 0; i < n; i++) {
		if (a[i].type == DN_NULL)
			null = 1;
		else if (a[i].type != DN_STRING)
			return dn_fn_arg_type(name, (int)i + 1, &a[i], err, cap);
	}
	return null;
}

static int fn_case(const char *name, int (*conv)(int), const dn_value *a, dn_value *out,
                   char *err, size_t cap)
{
	char *buf;
	uint32_t i;
	int rc;

	*out = dn_value_null();
	if (a->type == DN_NULL)
		return 0;
	if (a->type != DN_STRING)
		return dn_fn_arg_type(name, 1, a, err, cap);
	buf = dn_malloc(a->len + 1);
	if (!buf)
		return dn_fn_oom(err, cap);
	for (i = 0; i < a->len; i++) {
		unsigned char c = (unsigned char)a->u.s[i];
		buf[i] = c < 0x80 ? (char)conv(c) : (char)c;
	}
	rc = dn_fn_string_out(buf, a->len, out, err, cap);
	free(buf);
	return rc;
}

static int fn_toupper(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_case("toUpper", toupper, a, out, err, cap);
}

static int fn_tolower(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_case("toLower", tolower, a, out, err, cap);
}

static bool fn_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int fn_trim_sides(const char *name, bool left, bool right, const dn_value *a,
                         dn_value *out, char *err, size_t cap)
{
	size_t lo = 0, hi;
	int rc;

	*out = dn_value_null();
	if ((rc = fn_strings(name, a, 1, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	hi = a->len;
	while (left && lo < hi && fn_is_space(a->u.s[lo]))
		lo++;
	while (right && hi > lo && fn_is_space(a->u.s[hi - 1]))
		hi--;
	return dn_fn_string_out(a->u.s + lo, hi - lo, out, err, cap);
}

static int fn_trim(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_trim_sides("trim", true, true, a, out, err, cap);
}

static int fn_ltrim(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_trim_sides("ltrim", true, false, a, out, err, cap);
}

static int fn_rtrim(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_trim_sides("rtrim", false, true, a, out, err, cap);
}

/* Checks an integer argument that must be >= 0 (null handled by callers). */
static int fn_count_arg(const char *name, int argno, const dn_value *v, int64_t *k, char *err,
                        size_t cap)
{
	if (v->type != DN_INT)
		return dn_fn_arg_type(name, argno, v, err, cap);
	if (v->u.i < 0)
		return dn_cy_error(err, cap, DN_ERUNTIME, "%s(): argument %d must not be negative",
		                   name, argno);
	*k = v->u.i;
	return 0;
}

static int fn_substring(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int64_t start = 0, count = INT64_MAX;
	size_t lo, hi;
	int rc;

	*out = dn_value_null();
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_STRING)
		return dn_fn_arg_type("substring", 1, &a[0], err, cap);
	if ((rc = fn_count_arg("substring", 2, &a[1], &start, err, cap)) != 0)
		return rc;
	if (n == 3 && (rc = fn_count_arg("substring", 3, &a[2], &count, err, cap)) != 0)
		return rc;
	lo = fn_utf8_offset(a[0].u.s, a[0].len, (size_t)start);
	hi = count == INT64_MAX ? a[0].len :
	     lo + fn_utf8_offset(a[0].u.s + lo, a[0].len - lo, (size_t)count);
	return dn_fn_string_out(a[0].u.s + lo, hi - lo, out, err, cap);
}

static int fn_left_right(const char *name, bool right, const dn_value *a, dn_value *out,
                         char *err, size_t cap)
{
	int64_t k = 0;
	size_t chars, off;
	int rc;

	*out = dn_value_null();
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_STRING)
		return dn_fn_arg_type(name, 1, &a[0], err, cap);
	if (a[1].type == DN_NULL)
		return dn_cy_error(err, cap, DN_ETYPE, "%s(): length must not be null", name);
	if ((rc = fn_count_arg(name, 2, &a[1], &k, err, cap)) != 0)
		return rc;
	if (!right) {
		off = fn_utf8_offset(a[0].u.s, a[0].len, (size_t)k);
		return dn_fn_string_out(a[0].u.s, off, out, err, cap);
	}
	chars = fn_utf8_count(a[0].u.s, a[0].len);
	off = (size_t)k >= chars ? 0 : fn_utf8_offset(a[0].u.s, a[0].len, chars - (size_t)k);
	return dn_fn_string_out(a[0].u.s + off, a[0].len - off, out, err, cap);
}

static int fn_left(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_left_right("left", false, a, out, err, cap);
}

static int fn_right(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	return fn_left_right("right", true, a, out, err, cap);
}

/* A growable byte buffer. */
typedef struct fn_buf {
	char *p;
	size_t len, cap;
} fn_buf;

static bool fn_buf_put(fn_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap * 2 : 64;
		char *p;
		while (c < b->len + n + 1)
			c *= 2;
		p = dn_realloc(b->p, c);
		if (!p)
			return false;
		b->p = p;
		b->cap = c;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	return true;
}

/* replace(original, search, replacement): every occurrence, left to right;
 * an empty search string inserts the replacement around every character
 * (as Java's String.replace does). */
static int fn_replace(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	fn_buf b = { 0 };
	const char *s = a[0].u.s, *t = a[1].u.s, *r = a[2].u.s;
	size_t i = 0, sl = a[0].len, tl = a[1].len, rl = a[2].len, l;
	bool ok = true;
	int rc;

	*out = dn_value_null();
	if ((rc = fn_strings("replace", a, n, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	while (ok && i < sl) {
		if (tl == 0) {
			l = fn_utf8_len((unsigned char)s[i]);
			if (l > sl - i)
				l = sl - i;
			ok = fn_buf_put(&b, r, rl) && fn_buf_put(&b, s + i, l);
			i += l;
		} else if (i + tl <= sl && memcmp(s + i, t, tl) == 0) {
			ok = fn_buf_put(&b, r, rl);
			i += tl;
		} else {
			ok = fn_buf_put(&b, s + i, 1);
			i++;
		}
	}
	if (ok && tl == 0)
		ok = fn_buf_put(&b, r, rl);
	if (ok)
		ok = fn_buf_put(&b, "", 0);
	rc = ok ? dn_fn_string_out(b.p, b.len, out, err, cap) : dn_fn_oom(err, cap);
	free(b.p);
	return rc;
}

/* split(original, delimiter): an empty delimiter splits into characters. */
static int fn_split(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	const char *s = a[0].u.s, *d = a[1].u.s;
	size_t sl = a[0].len, dl = a[1].len, i = 0, start = 0, cnt = 0, alloc = 8, l;
	dn_value *items;
	int rc = 0;

	*out = dn_value_null();
	if ((rc = fn_strings("split", a, n, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	items = dn_malloc(alloc * sizeof *items);
	if (!items)
		return dn_fn_oom(err, cap);
	for (;;) {
		size_t piece_end;
		bool at_end;
		if (dl == 0) {
			if (i >= sl)
				break;
			l = fn_utf8_len((unsigned char)s[i]);
			if (l > sl - i)
				l = sl - i;
			start = i;
			piece_end = i + l;
			i += l;
			at_end = false;
		} else {
			while (i + dl <= sl && memcmp(s + i, d, dl) != 0)
				i++;
			at_end = i + dl > sl;
			piece_end = at_end ? sl : i;
		}
		if (cnt == alloc) {
			dn_value *p = dn_realloc(items, 2 * alloc * sizeof *items);
			if (!p) {
				rc = DN_ENOMEM;
				break;
			}
			items = p;
			alloc *= 2;
		}
		items[cnt] = dn_value_stringn(s + start, piece_end - start, &rc);
		if (rc)
			break;
		cnt++;
		if (dl != 0) {
			if (at_end)
				break;
			i += dl;
			start = i;
		}
	}
	if (rc) {
		while (cnt > 0)
			dn_value_free(&items[--cnt]);
		free(items);
		return dn_fn_oom(err, cap);
	}
	rc = fn_list_take(items, cnt, out, err, cap);
	free(items);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

/* Checks a numeric argument: 1 when null, 0 when a number, or an error. */
static int fn_number(const char *name, const dn_value *a, char *err, size_t cap)
{
	if (a->type == DN_NULL)
		return 1;
	if (a->type != DN_INT && a->type != DN_FLOAT)
		return dn_fn_arg_type(name, 1, a, err, cap);
	return 0;
}

static double fn_num(const dn_value *a)
{
	return a->type == DN_INT ? (double)a->u.i : a->u.f;
}

static int fn_abs(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int rc;
	(void)n;
	*out = dn_value_null();
	if ((rc = fn_number("abs", a, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	if (a->type == DN_INT) {
		if (a->u.i == INT64_MIN)
			return dn_cy_error(err, cap, DN_ERUNTIME, "integer overflow");
		*out = dn_value_int(a->u.i < 0 ? -a->u.i : a->u.i);
	} else {
		*out = dn_value_float(fabs(a->u.f));
	}
	return 0;
}

static int fn_sign(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int rc;
	double f;
	(void)n;
	*out = dn_value_null();
	if ((rc = fn_number("sign", a, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	f = fn_num(a);
	*out = dn_value_int((f > 0) - (f < 0));
	return 0;
}

/* Java's Math.round: the closest integer, ties toward positive infinity. */
static double fn_round_half_up(double x)
{
	double f = floor(x);
	return x - f >= 0.5 ? f + 1 : f;
}

/* One-argument float functions, table-driven. */
typedef struct fn_math1 {
	const char *name;
	double (*f)(double);
} fn_math1;

static const fn_math1 fn_math_table[] = {
	{ "ceil", ceil },   { "floor", floor }, { "round", fn_round_half_up },
	{ "sqrt", sqrt },   { "exp", exp },     { "log", log },
	{ "log10", log10 }, { "sin", sin },     { "cos", cos },
	{ "tan", tan },     { "asin", asin },   { "acos", acos },
	{ "atan", atan },
};

static int fn_math(int idx, const dn_value *a, dn_value *out, char *err, size_t cap)
{
	int rc;
	*out = dn_value_null();
	if ((rc = fn_number(fn_math_table[idx].name, a, err, cap)) != 0)
		return rc > 0 ? 0 : rc;
	*out = dn_value_float(fn_math_table[idx].f(fn_num(a)));
	return 0;
}

#define FN_MATH(fname, idx)                                                             \
	static int fname(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap) \
	{                                                                                   \
		(void)n;                                                                        \
		return fn_math(idx, a, out, err, cap);                                          \
	}
FN_MATH(fn_ceil, 0)
FN_MATH(fn_floor, 1)
FN_MATH(fn_round, 2)
FN_MATH(fn_sqrt, 3)
FN_MATH(fn_exp, 4)
FN_MATH(fn_log, 5)
FN_MATH(fn_log10, 6)
FN_MATH(fn_sin, 7)
FN_MATH(fn_cos, 8)
FN_MATH(fn_tan, 9)
FN_MATH(fn_asin, 10)
FN_MATH(fn_acos, 11)
FN_MATH(fn_atan, 12)

static int fn_pi(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)a, (void)n, (void)err, (void)cap;
	*out = dn_value_float(M_PI);
	return 0;
}

static int fn_e(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)a, (void)n, (void)err, (void)cap;
	*out = dn_value_float(M_E);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

/* Parses a whole string (surrounding spaces allowed) as a number: an
 * integer (decimal, or 0x hex) when it is one, else a float. Returns false
 * when the text is not a number. */
static bool fn_parse_number(const char *s, size_t len, dn_value *out)
{
	char buf[128], *end;
	size_t lo = 0, hi = len;
	long long ll;
	double d;

	while (lo < hi && fn_is_space(s[lo]))
		lo++;
	while (hi > lo && fn_is_space(s[hi - 1]))
		hi--;
	if (hi == lo || hi - lo >= sizeof buf)
		return false;
	memcpy(buf, s + lo, hi - lo);
	buf[hi - lo] = '\0';
	errno = 0;
	ll = strtoll(buf, &end, 0);
	if (*end == '\0' && errno == 0 && !(buf[0] == '0' && buf[1] && isdigit((unsigned char)buf[1]))) {
		*out = dn_value_int(ll);
		return true;
	}
	errno = 0;
	d = strtod(buf, &end);
	if (*end != '\0' || isinf(d) || isnan(d))
		return false; /* "inf"/"nan" text is not a Cypher number */
	*out = dn_value_float(d);
	return true;
}

static int fn_tointeger(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	dn_value num;
	double f;

	(void)n;
	*out = dn_value_null();
	switch (a->type) { /* conversion by source type */
	case DN_NULL:
		return 0;
	case DN_INT:
		*out = *a;
		return 0;
	case DN_BOOL:
		*out = dn_value_int(a->u.b);
		return 0;
	case DN_FLOAT:
		f = a->u.f;
		break;
	case DN_STRING:
		if (!fn_parse_number(a->u.s, a->len, &num))
			return 0;
		if (num.type == DN_INT) {
			*out = num;
			return 0;
		}
		f = num.u.f;
		break;
	default:
		return dn_fn_arg_type("toInteger", 1, a, err, cap);
	}
	if (isnan(f) || f >= 0x1p63 || f < -0x1p63)
		return dn_cy_error(err, cap, DN_ERUNTIME, "toInteger(): %g out of range", f);
	*out = dn_value_int((int64_t)f);
	return 0;
}

static int fn_tofloat(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	dn_value num;

	(void)n;
	*out = dn_value_null();
	switch (a->type) { /* conversion by source type */
	case DN_NULL:
		return 0;
	case DN_INT:
		*out = dn_value_float((double)a->u.i);
		return 0;
	case DN_FLOAT:
		*out = *a;
		return 0;
	case DN_STRING:
		if (fn_parse_number(a->u.s, a->len, &num))
			*out = dn_value_float(fn_num(&num));
		return 0;
	default:
		return dn_fn_arg_type("toFloat", 1, a, err, cap);
	}
}

static int fn_toboolean(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	size_t lo = 0, hi;

	(void)n;
	*out = dn_value_null();
	switch (a->type) { /* conversion by source type */
	case DN_NULL:
		return 0;
	case DN_BOOL:
		*out = *a;
		return 0;
	case DN_INT:
		*out = dn_value_bool(a->u.i != 0);
		return 0;
	case DN_STRING:
		hi = a->len;
		while (lo < hi && fn_is_space(a->u.s[lo]))
			lo++;
		while (hi > lo && fn_is_space(a->u.s[hi - 1]))
			hi--;
		if (hi - lo == 4 && strncasecmp(a->u.s + lo, "true", 4) == 0)
			*out = dn_value_bool(true);
		else if (hi - lo == 5 && strncasecmp(a->u.s + lo, "false", 5) == 0)
			*out = dn_value_bool(false);
		return 0;
	default:
		return dn_fn_arg_type("toBoolean", 1, a, err, cap);
	}
}

/* Cypher's text of a float (Java's Double.toString): the shortest digits
 * that read back the same, "1.0" for integral values, scientific notation
 * ("1.0E20") outside [1e-3, 1e7). */
int dn_cy_float_format(double f, char *buf, size_t cap)
{
	char tmp[64], mant[40];
	int p, exp10, nd;
	char *e, *dot;

	if (isnan(f))
		return snprintf(buf, cap, "NaN");
	if (isinf(f))
		return snprintf(buf, cap, f > 0 ? "Infinity" : "-Infinity");
	if (f == 0)
		return snprintf(buf, cap, signbit(f) ? "-0.0" : "0.0");
	for (p = 1; p <= 17; p++) {
		snprintf(tmp, sizeof tmp, "%.*e", p - 1, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	/* tmp is "[-]d.ddde[+-]xx" with p significant digits. */
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1);
	*e = '\0';
	dot = strchr(tmp, '.');
	if (dot)
		memmove(dot, dot + 1, strlen(dot));
	/* tmp now holds the sign and the p significant digits. */
	{
		const char *digits = tmp[0] == '-' ? tmp + 1 : tmp;
		char out[64];
		size_t k = 0;
		int i;

		nd = (int)strlen(digits);
		if (tmp[0] == '-')
			out[k++] = '-';
		if (fabs(f) >= 1e-3 && fabs(f) < 1e7) {
			if (exp10 >= 0) {
				for (i = 0; i <= exp10; i++)
					out[k++] = i < nd ? digits[i] : '0';
				out[k++] = '.';
				if (nd > exp10 + 1)
					for (i = exp10 + 1; i < nd; i++)
						out[k++] = digits[i];
				else
					out[k++] = '0';
			} else {
				out[k++] = '0';
				out[k++] = '.';
				for (i = 0; i < -exp10 - 1; i++)
					out[k++] = '0';
				for (i = 0; i < nd; i++)
					out[k++] = digits[i];
			}
			out[k] = '\0';
			return snprintf(buf, cap, "%s", out);
		}
		snprintf(mant, sizeof mant, "%c.%s", digits[0], nd > 1 ? digits + 1 : "0");
		return snprintf(buf, cap, "%s%sE%d", tmp[0] == '-' ? "-" : "", mant, exp10);
	}
}

static int fn_tostring(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	char buf[160];
	int len;

	(void)n;
	*out = dn_value_null();
	switch (a->type) { /* conversion by source type */
	case DN_NULL:
		return 0;
	case DN_STRING:
		return dn_value_copy(out, a) ? dn_fn_oom(err, cap) : 0;
	case DN_BOOL:
		len = snprintf(buf, sizeof buf, "%s", a->u.b ? "true" : "false");
		break;
	case DN_INT:
		len = snprintf(buf, sizeof buf, "%lld", (long long)a->u.i);
		break;
	case DN_FLOAT:
		len = dn_cy_float_format(a->u.f, buf, sizeof buf);
		break;
	default:
		if (!DN_TYPE_TEMPORAL(a->type))
			return dn_fn_arg_type("toString", 1, a, err, cap);
		len = dn_value_format(a, buf, sizeof buf);
		break;
	}
	if (len < 0 || (size_t)len >= sizeof buf)
		len = (int)strlen(buf);
	return dn_fn_string_out(buf, (size_t)len, out, err, cap);
}

/* ------------------------------------------------------------------ */
/* Registry                                                            */
/* ------------------------------------------------------------------ */

#define P DN_CY_FN_PURE
#define AGG DN_CY_FN_AGGREGATE

/* Sorted by name (strcmp order), for binary search. */
static const dn_cy_func fn_registry[] = {
	{ "abs", 1, 1, P, fn_abs, NULL },
	{ "acos", 1, 1, P, fn_acos, NULL },
	{ "asin", 1, 1, P, fn_asin, NULL },
	{ "atan", 1, 1, P, fn_atan, NULL },
	{ "avg", 1, 1, AGG, NULL, &dn_fn_agg_avg },
	{ "ceil", 1, 1, P, fn_ceil, NULL },
	{ "coalesce", 1, 64, P, fn_coalesce, NULL },
	{ "collect", 1, 1, AGG, NULL, &dn_fn_agg_collect },
	{ "cos", 1, 1, P, fn_cos, NULL },
	{ "count", 0, 1, AGG | DN_CY_FN_STAR, NULL, &dn_fn_agg_count },
	{ "date", 0, 1, 0, dn_fn_date, NULL },
	{ "date.realtime", 0, 1, 0, dn_fn_date_realtime, NULL },
	{ "date.statement", 0, 1, 0, dn_fn_date_statement, NULL },
	{ "date.transaction", 0, 1, 0, dn_fn_date_statement, NULL },
	{ "date.truncate", 2, 3, P, dn_fn_date_truncate, NULL },
	{ "datetime", 0, 1, 0, dn_fn_datetime, NULL },
	{ "datetime.fromepoch", 2, 2, P, dn_fn_datetime_fromepoch, NULL },
	{ "datetime.fromepochmillis", 1, 1, P, dn_fn_datetime_fromepochmillis, NULL },
	{ "datetime.realtime", 0, 1, 0, dn_fn_datetime_realtime, NULL },
	{ "datetime.statement", 0, 1, 0, dn_fn_datetime_statement, NULL },
	{ "datetime.transaction", 0, 1, 0, dn_fn_datetime_statement, NULL },
	{ "datetime.truncate", 2, 3, P, dn_fn_datetime_truncate, NULL },
	{ "duration", 1, 1, P, dn_fn_duration, NULL },
	{ "duration.between", 2, 2, P, dn_fn_duration_between, NULL },
	{ "duration.indays", 2, 2, P, dn_fn_duration_in_days, NULL },
	{ "duration.inmonths", 2, 2, P, dn_fn_duration_in_months, NULL },
	{ "duration.inseconds", 2, 2, P, dn_fn_duration_in_seconds, NULL },
	{ "e", 0, 0, P, fn_e, NULL },
	{ "exp", 1, 1, P, fn_exp, NULL },
	{ "floor", 1, 1, P, fn_floor, NULL },
	{ "head", 1, 1, P, fn_head, NULL },
	{ "keys", 1, 1, P, fn_keys, NULL },
	{ "last", 1, 1, P, fn_last, NULL },
	{ "left", 2, 2, P, fn_left, NULL },
	{ "localdatetime", 0, 1, 0, dn_fn_localdatetime, NULL },
	{ "localdatetime.realtime", 0, 1, 0, dn_fn_localdatetime_realtime, NULL },
	{ "localdatetime.statement", 0, 1, 0, dn_fn_localdatetime_statement, NULL },
	{ "localdatetime.transaction", 0, 1, 0, dn_fn_localdatetime_statement, NULL },
	{ "localdatetime.truncate", 2, 3, P, dn_fn_localdatetime_truncate, NULL },
	{ "localtime", 0, 1, 0, dn_fn_localtime, NULL },
	{ "localtime.realtime", 0, 1, 0, dn_fn_localtime_realtime, NULL },
	{ "localtime.statement", 0, 1, 0, dn_fn_localtime_statement, NULL },
	{ "localtime.transaction", 0, 1, 0, dn_fn_localtime_statement, NULL },
	{ "localtime.truncate", 2, 3, P, dn_fn_localtime_truncate, NULL },
	{ "log", 1, 1, P, fn_log, NULL },
	{ "log10", 1, 1, P, fn_log10, NULL },
	{ "ltrim", 1, 1, P, fn_ltrim, NULL },
	{ "max", 1, 1, AGG, NULL, &dn_fn_agg_max },
	{ "min", 1, 1, AGG, NULL, &dn_fn_agg_min },
	{ "percentilecont", 2, 2, AGG, NULL, &dn_fn_agg_percentile_cont },
	{ "percentiledisc", 2, 2, AGG, NULL, &dn_fn_agg_percentile_disc },
	{ "pi", 0, 0, P, fn_pi, NULL },
	{ "range", 2, 3, P, fn_range, NULL },
	{ "replace", 3, 3, P, fn_replace, NULL },
	{ "reverse", 1, 1, P, fn_reverse, NULL },
	{ "right", 2, 2, P, fn_right, NULL },
	{ "round", 1, 1, P, fn_round, NULL },
	{ "rtrim", 1, 1, P, fn_rtrim, NULL },
	{ "sign", 1, 1, P, fn_sign, NULL },
	{ "sin", 1, 1, P, fn_sin, NULL },
	{ "size", 1, 1, P, fn_size, NULL },
	{ "split", 2, 2, P, fn_split, NULL },
	{ "sqrt", 1, 1, P, fn_sqrt, NULL },
	{ "stdev", 1, 1, AGG, NULL, &dn_fn_agg_stdev },
	{ "stdevp", 1, 1, AGG, NULL, &dn_fn_agg_stdevp },
	{ "substring", 2, 3, P, fn_substring, NULL },
	{ "sum", 1, 1, AGG, NULL, &dn_fn_agg_sum },
	{ "tan", 1, 1, P, fn_tan, NULL },
	{ "time", 0, 1, 0, dn_fn_time, NULL },
	{ "time.realtime", 0, 1, 0, dn_fn_time_realtime, NULL },
	{ "time.statement", 0, 1, 0, dn_fn_time_statement, NULL },
	{ "time.transaction", 0, 1, 0, dn_fn_time_statement, NULL },
	{ "time.truncate", 2, 3, P, dn_fn_time_truncate, NULL },
	{ "toboolean", 1, 1, P, fn_toboolean, NULL },
	{ "tofloat", 1, 1, P, fn_tofloat, NULL },
	{ "tointeger", 1, 1, P, fn_tointeger, NULL },
	{ "tolower", 1, 1, P, fn_tolower, NULL },
	{ "tostring", 1, 1, P, fn_tostring, NULL },
	{ "toupper", 1, 1, P, fn_toupper, NULL },
	{ "trim", 1, 1, P, fn_trim, NULL },
};

#undef P
#undef AGG

#define FN_COUNT (sizeof fn_registry / sizeof fn_registry[0])

const dn_cy_func *dn_cy_func_all(size_t *n)
{
	if (n)
		*n = FN_COUNT;
	return fn_registry;
}

const dn_cy_func *dn_cy_func_lookup(const char *name, size_t len)
{
	char low[64];
	size_t i, lo = 0, hi = FN_COUNT, mid;
	int r;

	if (!name || len == 0 || len >= sizeof low)
		return NULL;
	for (i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		r = strcmp(fn_registry[mid].name, low);
		if (r == 0)
			return &fn_registry[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int dn_cy_func_call(const dn_cy_func *f, const dn_value *args, size_t nargs, dn_value *out,
                    char *err, size_t cap)
{
	*out = dn_value_null();
	if (!f || !f->fn)
		return dn_cy_error(err, cap, DN_EINVAL, "%s is not a scalar function",
		                   f ? f->name : "(null)");
	if (nargs < (size_t)f->min_args || nargs > (size_t)f->max_args)
		return dn_cy_error(err, cap, DN_ESEMANTIC,
		                   "%s() takes %d to %d arguments, got %zu", f->name, f->min_args,
		                   f->max_args, nargs);
	return f->fn(args, nargs, out, err, cap);
}
