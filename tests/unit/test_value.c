/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_value.c — unit suite for engine/value.c: constructors, ownership of
 * copied and borrowed values (run under ASan for leaks and bad frees),
 * equality and the cross-type order, type names, and the calendar helpers
 * (day numbers, ISO-8601 parsing and formatting, durations).
 */
#include <criterion/criterion.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"

/* ------------------------------------------------------------------ */
/* Constructors and ownership                                          */
/* ------------------------------------------------------------------ */

Test(value, scalar_constructors)
{
	dn_value v = dn_value_null();
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(v.owned, 0);

	v = dn_value_bool(true);
	cr_assert_eq(v.type, DN_BOOL);
	cr_assert(v.u.b);

	v = dn_value_int(INT64_MIN);
	cr_assert_eq(v.type, DN_INT);
	cr_assert_eq(v.u.i, INT64_MIN);

	v = dn_value_float(-2.5);
	cr_assert_eq(v.type, DN_FLOAT);
	cr_assert_float_eq(v.u.f, -2.5, 0.0);

	v = dn_value_date(-719162);
	cr_assert_eq(v.type, DN_DATE);
	cr_assert_eq(v.u.date, -719162);

	v = dn_value_datetime(1709280000000);
	cr_assert_eq(v.type, DN_DATETIME);
	cr_assert_eq(v.u.datetime, 1709280000000);

	v = dn_value_duration(14, -3, 5000000000);
	cr_assert_eq(v.type, DN_DURATION);
	cr_assert_eq(v.u.dur.months, 14);
	cr_assert_eq(v.u.dur.days, -3);
	cr_assert_eq(v.u.dur.nanos, 5000000000);
	cr_assert_eq(v.owned, 0);
}

Test(value, string_is_an_owned_copy)
{
	char src[] = "hello";
	int err = 0;
	dn_value v = dn_value_string(src, &err);

	cr_assert_eq(err, 0);
	cr_assert_eq(v.type, DN_STRING);
	cr_assert_eq(v.owned, 1);
	cr_assert_eq(v.len, 5);
	cr_assert_neq(v.u.s, src);
	src[0] = 'J';
	cr_assert_eq(memcmp(v.u.s, "hello", 5), 0);
	cr_assert_eq(v.u.s[5], '\0', "owned strings are NUL-terminated");
	dn_value_free(&v);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(v.owned, 0);
}

Test(value, stringn_keeps_nul_bytes)
{
	static const char bytes[] = { 'a', '\0', 'b', '\0' };
	int err = 0;
	dn_value v = dn_value_stringn(bytes, sizeof bytes, &err);

	cr_assert_eq(err, 0);
	cr_assert_eq(v.len, 4);
	cr_assert_eq(memcmp(v.u.s, bytes, 4), 0);
	dn_value_free(&v);

	v = dn_value_stringn("", 0, &err);
	cr_assert_eq(err, 0);
	cr_assert_eq(v.type, DN_STRING);
	cr_assert_eq(v.len, 0);
	cr_assert_eq(v.owned, 1);
	dn_value_free(&v);
}

Test(value, string_bad_arguments)
{
	int err = 0;
	dn_value v = dn_value_string(NULL, &err);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(err, DN_EINVAL);

	err = 0;
	v = dn_value_stringn(NULL, 3, &err);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(err, DN_EINVAL);

	/* err may be NULL */
	v = dn_value_string(NULL, NULL);
	cr_assert_eq(v.type, DN_NULL);
}

Test(value, lengths_beyond_32_bits)
{
	/* Rejected before the bytes are read, so a 1-byte buffer will do. */
	char one = 'x';
	dn_value item = dn_value_int(1);
	int err = 0;
	dn_value v = dn_value_stringn(&one, (size_t)UINT32_MAX + 1, &err);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(err, DN_ETOOBIG);
	err = 0;
	v = dn_value_list(&item, (size_t)UINT32_MAX + 1, &err);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(err, DN_ETOOBIG);
	v = dn_value_stringn_ref(&one, (size_t)UINT32_MAX + 1);
	cr_assert_eq(v.type, DN_NULL);
}

Test(value, stringn_ref_borrows)
{
	/* Stack storage: if dn_value_free freed it, ASan would report it. */
	char buf[8] = "borrow";
	dn_value v = dn_value_stringn_ref(buf, 6);

	cr_assert_eq(v.type, DN_STRING);
	cr_assert_eq(v.owned, 0);
	cr_assert_eq(v.u.s, buf);
	cr_assert_eq(v.len, 6);
	dn_value_free(&v);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_str_eq(buf, "borrow");
}

Test(value, free_accepts_null_and_scalars)
{
	dn_value v = dn_value_int(3);
	dn_value_free(NULL);
	dn_value_free(&v);
	cr_assert_eq(v.type, DN_NULL);
}

Test(value, list_copies_deeply)
{
	char s1[] = "one";
	char s2[] = "two";
	int err = 0;
	dn_value inner_items[2] = { dn_value_stringn_ref(s2, 3), dn_value_int(7) };
	dn_value inner = dn_value_list(inner_items, 2, &err);
	cr_assert_eq(err, 0);

	dn_value items[3] = { dn_value_stringn_ref(s1, 3), inner, dn_value_float(1.5) };
	dn_value list = dn_value_list(items, 3, &err);
	cr_assert_eq(err, 0);
	dn_value_free(&inner); /* the outer list holds its own copy */
	s1[0] = 'X';
	s2[0] = 'X';

	cr_assert_eq(list.type, DN_LIST);
	cr_assert_eq(list.owned, 1);
	cr_assert_eq(list.len, 3);
	cr_assert_eq(list.u.list[0].type, DN_STRING);
	cr_assert_eq(list.u.list[0].owned, 1);
	cr_assert_eq(memcmp(list.u.list[0].u.s, "one", 3), 0);
	cr_assert_eq(list.u.list[1].type, DN_LIST);
	cr_assert_eq(list.u.list[1].u.list[0].owned, 1);
	cr_assert_eq(memcmp(list.u.list[1].u.list[0].u.s, "two", 3), 0);
	cr_assert_eq(list.u.list[1].u.list[1].u.i, 7);
	cr_assert_float_eq(list.u.list[2].u.f, 1.5, 0.0);
	dn_value_free(&list);
	cr_assert_eq(list.type, DN_NULL);
}

Test(value, empty_list)
{
	int err = 0;
	dn_value v = dn_value_list(NULL, 0, &err);
	cr_assert_eq(err, 0);
	cr_assert_eq(v.type, DN_LIST);
	cr_assert_eq(v.len, 0);
	dn_value_free(&v);

	v = dn_value_list(NULL, 2, &err);
	cr_assert_eq(v.type, DN_NULL);
	cr_assert_eq(err, DN_EINVAL);
}

Test(value, copy_is_deep_and_independent)
{
	int err = 0;
	char text[] = "shared";
	dn_value items[2] = { dn_value_stringn_ref(text, 6), dn_value_bool(false) };
	dn_value list = dn_value_list(items, 2, &err);
	dn_value copy, scalar;

	cr_assert_eq(err, 0);
	cr_assert_eq(dn_value_copy(&copy, &list), 0);
	cr_assert(dn_value_equal(&copy, &list));
	cr_assert_neq(copy.u.list, list.u.list);
	cr_assert_neq(copy.u.list[0].u.s, list.u.list[0].u.s);
	dn_value_free(&list);
	cr_assert_eq(memcmp(copy.u.list[0].u.s, "shared", 6), 0);
	dn_value_free(&copy);

	/* A copy of a borrowed string owns its bytes. */
	dn_value ref = dn_value_stringn_ref(text, 6);
	cr_assert_eq(dn_value_copy(&copy, &ref), 0);
	cr_assert_eq(copy.owned, 1);
	cr_assert_neq(copy.u.s, text);
	dn_value_free(&copy);

	/* Scalars copy by value and own nothing. */
	scalar = dn_value_duration(1, 2, 3);
	cr_assert_eq(dn_value_copy(&copy, &scalar), 0);
	cr_assert_eq(copy.owned, 0);
	cr_assert(dn_value_equal(&copy, &scalar));

	/* In place (out == in) replaces a borrowed value by an owned one. */
	cr_assert_eq(dn_value_copy(&ref, &ref), 0);
	cr_assert_eq(ref.owned, 1);
	cr_assert_neq(ref.u.s, text);
	dn_value_free(&ref);

	cr_assert_eq(dn_value_copy(NULL, &scalar), DN_EINVAL);
	cr_assert_eq(dn_value_copy(&copy, NULL), DN_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Equality and order                                                  */
/* ------------------------------------------------------------------ */

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

Test(value, equality)
{
	dn_value i1 = dn_value_int(1), f1 = dn_value_float(1.0), f15 = dn_value_float(1.5);
	dn_value n1 = dn_value_null(), n2 = dn_value_null();
	dn_value a = dn_value_stringn_ref("a", 1), a2 = dn_value_stringn_ref("ab", 1);
	dn_value b = dn_value_stringn_ref("b", 1);
	dn_value pz = dn_value_float(0.0), nz = dn_value_float(-0.0);
	dn_value d = dn_value_date(5), dt = dn_value_datetime(5);

	cr_assert(dn_value_equal(&i1, &f1));
	cr_assert(dn_value_equal(&f1, &i1));
	cr_assert_not(dn_value_equal(&i1, &f15));
	cr_assert(dn_value_equal(&n1, &n2));
	cr_assert(dn_value_equal(&a, &a2), "same bytes from different storage");
	cr_assert_not(dn_value_equal(&a, &b));
	cr_assert(dn_value_equal(&pz, &nz));
	cr_assert_not(dn_value_equal(&d, &dt), "DATE 5 and DATETIME 5 differ in type");
	cr_assert_not(dn_value_equal(&n1, &i1));
	cr_assert(dn_value_equal(NULL, &n1));
}

Test(value, type_order)
{
	int err = 0;
	dn_value one = dn_value_int(1);
	dn_value l = dn_value_list(&one, 1, &err);
	/* One value of each rank, each lower than the next. */
	dn_value chain[] = {
		dn_value_null(),
		dn_value_bool(true),
		dn_value_float(1e300),
		dn_value_stringn_ref("", 0),
		dn_value_date(INT32_MIN),
		dn_value_datetime(INT64_MIN),
		dn_value_duration(INT64_MIN, INT64_MIN, INT64_MIN),
		l,
	};
	size_t n = sizeof chain / sizeof chain[0];

	cr_assert_eq(err, 0);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			cr_assert_eq(sgn(dn_value_compare(&chain[i], &chain[j])), want,
			             "compare(%s, %s)", dn_type_name(chain[i].type),
			             dn_type_name(chain[j].type));
		}
	}
	dn_value_free(&l);
}

Test(value, compare_within_types)
{
	dn_value f = dn_value_bool(false), t = dn_value_bool(true);
	cr_assert_lt(dn_value_compare(&f, &t), 0);

	dn_value s1 = dn_value_stringn_ref("ab", 2), s2 = dn_value_stringn_ref("abc", 3);
	dn_value s3 = dn_value_stringn_ref("b", 1), s4 = dn_value_stringn_ref("\xff", 1);
	dn_value s5 = dn_value_stringn_ref("ab\0", 3);
	cr_assert_lt(dn_value_compare(&s1, &s2), 0, "a prefix is smaller");
	cr_assert_lt(dn_value_compare(&s2, &s3), 0);
	cr_assert_lt(dn_value_compare(&s3, &s4), 0, "bytes compare unsigned");
	cr_assert_lt(dn_value_compare(&s1, &s5), 0, "an embedded NUL still counts");
	cr_assert_lt(dn_value_compare(&s5, &s2), 0);

	dn_value du1 = dn_value_duration(1, 0, 0), du2 = dn_value_duration(0, 400, 0);
	cr_assert_gt(dn_value_compare(&du1, &du2), 0, "months first");

	dn_value d1 = dn_value_date(-1), d2 = dn_value_date(0);
	cr_assert_lt(dn_value_compare(&d1, &d2), 0);
	dn_value t1 = dn_value_datetime(-1), t2 = dn_value_datetime(1);
	cr_assert_lt(dn_value_compare(&t1, &t2), 0);
}

Test(value, compare_lists)
{
	int err = 0;
	dn_value a_items[] = { dn_value_int(1), dn_value_int(2) };
	dn_value b_items[] = { dn_value_int(1), dn_value_int(2), dn_value_null() };
	dn_value c_items[] = { dn_value_float(1.0), dn_value_float(2.5) };
	dn_value a = dn_value_list(a_items, 2, &err);
	dn_value b = dn_value_list(b_items, 3, &err);
	dn_value c = dn_value_list(c_items, 2, &err);
	dn_value a2 = dn_value_list(c_items, 1, &err);
	cr_assert_eq(err, 0);

	cr_assert_lt(dn_value_compare(&a, &b), 0, "a list sorts before its extensions");
	cr_assert_lt(dn_value_compare(&a, &c), 0, "[1,2] < [1.0,2.5]");
	cr_assert_gt(dn_value_compare(&b, &a2), 0);
	cr_assert(dn_value_equal(&a2, &(dn_value){ .type = DN_LIST, .len = 1, .u.list = a_items }),
	          "[1.0] = [1] (borrowed list built by hand)");
	dn_value_free(&a);
	dn_value_free(&b);
	dn_value_free(&c);
	dn_value_free(&a2);
}

Test(value, compare_numbers_exactly)
{
	struct {
		int64_t i;
		double f;
		int want; /* sign of compare(INT i, FLOAT f) */
	} cases[] = {
		{ 1, 1.0, 0 },
		{ 1, 1.5, -1 },
		{ 2, 1.5, 1 },
		{ -1, -1.5, 1 },
		{ -2, -1.5, -1 },
		{ 0, -0.0, 0 },
		{ INT64_MAX, 0x1p63, -1 },          /* (double)INT64_MAX rounds to 2^63 */
		{ INT64_MAX, 0x1p63 - 1024, 1 },
		{ INT64_MIN, -0x1p63, 0 },
		{ INT64_MIN + 1, -0x1p63, 1 },
		{ INT64_MIN, -0x1p63 - 2048, 1 },
		{ (INT64_C(1) << 53) + 1, 0x1p53, 1 }, /* (double)(2^53+1) == 2^53 */
		{ (INT64_C(1) << 53) + 1, 0x1p53 + 2, -1 },
		{ (INT64_C(1) << 53) + 3, 0x1p53 + 4, -1 },
		{ -(INT64_C(1) << 53) - 1, -0x1p53, -1 },
		{ INT64_MAX, 1.0 / 0.0, -1 },
		{ INT64_MIN, -1.0 / 0.0, 1 },
		{ INT64_MAX, 0.0 / 0.0, -1 }, /* NaN sorts above every number */
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		dn_value a = dn_value_int(cases[k].i), b = dn_value_float(cases[k].f);
		cr_assert_eq(sgn(dn_value_compare(&a, &b)), cases[k].want, "case %zu: %lld vs %a",
		             k, (long long)cases[k].i, cases[k].f);
		cr_assert_eq(sgn(dn_value_compare(&b, &a)), -cases[k].want, "case %zu reversed", k);
		cr_assert_eq(dn_value_equal(&a, &b), cases[k].want == 0, "case %zu equal", k);
	}

	dn_value nan1 = dn_value_float(0.0 / 0.0), nan2 = dn_value_float(-(0.0 / 0.0));
	dn_value inf = dn_value_float(1.0 / 0.0);
	cr_assert_eq(dn_value_compare(&nan1, &nan2), 0, "NaN equals NaN in the total order");
	cr_assert_gt(dn_value_compare(&nan1, &inf), 0);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t xorshift64(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

/* Long double holds every int64 and every double exactly on x86-64 (64-bit
 * mantissa), which gives an independent exact reference. */
Test(value, compare_numbers_random_against_long_double)
{
	if (LDBL_MANT_DIG < 64)
		cr_skip_test("long double too narrow for an exact reference");
	for (int k = 0; k < 200000; k++) {
		uint64_t r = xorshift64();
		int64_t i;
		double f;
		switch (k % 4) {
		case 0: /* near each other, large */
			i = (int64_t)r;
			f = (double)i + (double)((int64_t)(xorshift64() % 4097) - 2048);
			break;
		case 1: /* small */
			i = (int64_t)(r % 2001) - 1000;
			f = (double)((int64_t)(xorshift64() % 8001) - 4000) / 4.0;
			break;
		case 2: /* around 2^53 */
			i = (INT64_C(1) << 53) + (int64_t)(r % 64) - 32;
			f = 0x1p53 + (double)((int64_t)(xorshift64() % 64) - 32);
			break;
		default: /* any bits */
			i = (int64_t)r;
			{
				uint64_t bits = xorshift64();
				memcpy(&f, &bits, sizeof f);
			}
			if (f != f)
				f = 0.5;
			break;
		}
		long double li = (long double)i, lf = (long double)f;
		int want = (li > lf) - (li < lf);
		dn_value a = dn_value_int(i), b = dn_value_float(f);
		cr_assert_eq(sgn(dn_value_compare(&a, &b)), want, "%lld vs %a", (long long)i, f);
	}
}

Test(value, type_names)
{
	cr_assert_str_eq(dn_type_name(DN_NULL), "NULL");
	cr_assert_str_eq(dn_type_name(DN_BOOL), "BOOLEAN");
	cr_assert_str_eq(dn_type_name(DN_INT), "INTEGER");
	cr_assert_str_eq(dn_type_name(DN_FLOAT), "FLOAT");
	cr_assert_str_eq(dn_type_name(DN_STRING), "STRING");
	cr_assert_str_eq(dn_type_name(DN_DATE), "DATE");
	cr_assert_str_eq(dn_type_name(DN_DATETIME), "DATETIME");
	cr_assert_str_eq(dn_type_name(DN_DURATION), "DURATION");
	cr_assert_str_eq(dn_type_name(DN_LIST), "LIST");
	cr_assert_not_null(dn_type_name(DN_TYPE_COUNT_));
	cr_assert_not_null(dn_type_name(-1));
}

/* ------------------------------------------------------------------ */
/* Calendar                                                            */
/* ------------------------------------------------------------------ */

static int32_t ymd(int y, int m, int d)
{
	int32_t days = 0;
	int rc = dn_date_from_ymd(y, m, d, &days);
	cr_assert_eq(rc, 0, "dn_date_from_ymd(%d, %d, %d) -> %d", y, m, d, rc);
	return days;
}

Test(calendar, known_day_numbers)
{
	/* Reference values from Python's datetime.date. */
	cr_assert_eq(ymd(1970, 1, 1), 0);
	cr_assert_eq(ymd(1969, 12, 31), -1);
	cr_assert_eq(ymd(2000, 2, 29), 11016);
	cr_assert_eq(ymd(2000, 3, 1), 11017);
	cr_assert_eq(ymd(2024, 2, 29), 19782);
	cr_assert_eq(ymd(2024, 3, 1), 19783);
	cr_assert_eq(ymd(1900, 1, 1), -25567);
	cr_assert_eq(ymd(1, 1, 1), -719162);
	cr_assert_eq(ymd(9999, 12, 31), 2932896);
	/* 400 Gregorian years are exactly 146097 days, at any distance. */
	cr_assert_eq(ymd(-9999, 1, 1), ymd(1, 1, 1) - 25 * 146097);
	cr_assert_eq(ymd(-400, 3, 1), ymd(0, 3, 1) - 146097);
	cr_assert_eq(ymd(0, 3, 1) - ymd(0, 2, 28), 2, "year 0 is a leap year");
}

Test(calendar, round_trip_every_37th_day)
{
	int32_t lo = ymd(-2000, 1, 1), hi = ymd(3000, 12, 31);
	int32_t prev = lo - 1;
	int count = 0;
	for (int32_t d = lo; d <= hi; d += 37) {
		int y, m, dd;
		dn_date_to_ymd(d, &y, &m, &dd);
		cr_assert(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
		cr_assert_eq(ymd(y, m, dd), d, "%d -> %d-%d-%d", d, y, m, dd);
		cr_assert_gt(d, prev);
		prev = d;
		count++;
	}
	cr_assert_gt(count, 49000);
}

Test(calendar, consecutive_days_walk_the_calendar)
{
	/* Day by day over 1600-01-01 .. 2401-01-01 (leap centuries both kinds):
	 * each day number maps to the day after the previous one. */
	int y = 1600, m = 1, d = 1;
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (int32_t n = ymd(1600, 1, 1); n <= ymd(2401, 1, 1); n++) {
		int yy, mm, dd;
		dn_date_to_ymd(n, &yy, &mm, &dd);
		cr_assert(yy == y && mm == m && dd == d, "%d: got %d-%d-%d want %d-%d-%d", n, yy, mm,
		          dd, y, m, d);
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int len = dim[m - 1] + (m == 2 && leap);
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

Test(calendar, extreme_day_numbers)
{
	int y, m, d;
	int32_t back;
	dn_date_to_ymd(INT32_MAX, &y, &m, &d);
	cr_assert_eq(dn_date_from_ymd(y, m, d, &back), 0);
	cr_assert_eq(back, INT32_MAX);
	dn_date_to_ymd(INT32_MIN, &y, &m, &d);
	cr_assert_eq(dn_date_from_ymd(y, m, d, &back), 0);
	cr_assert_eq(back, INT32_MIN);
	cr_assert_eq(dn_date_from_ymd(9000000, 1, 1, &back), DN_EINVAL, "beyond int32 days");
}

Test(calendar, leap_years)
{
	int32_t d;
	cr_assert_eq(dn_date_from_ymd(2000, 2, 29, &d), 0);
	cr_assert_eq(dn_date_from_ymd(2024, 2, 29, &d), 0);
	cr_assert_eq(dn_date_from_ymd(1900, 2, 29, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2023, 2, 29, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2100, 2, 29, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(-4, 2, 29, &d), 0, "5 BC is a leap year");
	cr_assert_eq(dn_date_from_ymd(-100, 2, 29, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 4, 31, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 0, 1, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 13, 1, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 1, 0, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 1, 32, &d), DN_EINVAL);
	cr_assert_eq(dn_date_from_ymd(2024, 1, 1, NULL), DN_EINVAL);
}

static int parse_date(const char *s, int32_t *days)
{
	return dn_date_parse(s, strlen(s), days);
}

static int parse_dt(const char *s, int64_t *ms)
{
	return dn_datetime_parse(s, strlen(s), ms);
}

Test(calendar, date_parse)
{
	int32_t d = 12345;
	cr_assert_eq(parse_date("1970-01-01", &d), 0);
	cr_assert_eq(d, 0);
	cr_assert_eq(parse_date("2024-02-29", &d), 0);
	cr_assert_eq(d, 19782);
	cr_assert_eq(parse_date("2000-02-29", &d), 0);
	cr_assert_eq(d, 11016);
	cr_assert_eq(parse_date("0001-01-01", &d), 0);
	cr_assert_eq(d, -719162);
	/* Expanded years, as dn_date_format writes them. */
	cr_assert_eq(parse_date("-0001-12-31", &d), 0);
	cr_assert_eq(d, ymd(-1, 12, 31));
	cr_assert_eq(parse_date("+10000-01-01", &d), 0);
	cr_assert_eq(d, ymd(10000, 1, 1));

	/* Only the first len bytes count. */
	cr_assert_eq(dn_date_parse("2024-03-01garbage", 10, &d), 0);
	cr_assert_eq(d, 19783);
}

Test(calendar, date_parse_rejects)
{
	static const char *bad[] = {
		"2024-13-01", "2024-02-30", "1900-02-29", "2023-02-29", "2024-00-10", "2024-01-00",
		"2024-04-31", "24-01-01",   "2024-1-01",  "2024-01-1",  "2024/01/01", "2024-01-01x",
		"2024-01-01 ", " 2024-01-01", "",          "2024",       "2024-01",    "20240101",
		"-24-01-01", "+2024-01-01x", "2024-01-01T00:00", "abcd-ef-gh", "2024-0a-01",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		int32_t d = 777;
		cr_assert_eq(parse_date(bad[k], &d), DN_EINVAL, "accepted \"%s\"", bad[k]);
		cr_assert_eq(d, 777, "output written on failure for \"%s\"", bad[k]);
	}
	int32_t d;
	cr_assert_eq(dn_date_parse(NULL, 0, &d), DN_EINVAL);
	cr_assert_eq(dn_date_parse("2024-01-01", 9, &d), DN_EINVAL, "cut by len");
}

Test(calendar, datetime_parse_variants)
{
	const int64_t base = 1709280000000; /* 2024-03-01T08:00:00Z */
	struct {
		const char *text;
		int64_t ms;
	} cases[] = {
		{ "2024-03-01T08:00:00Z", base },
		{ "2024-03-01T10:00:00+02:00", base },
		{ "2024-03-01T10:00:00+0200", base },
		{ "2024-03-01T03:30:00-04:30", base },
		{ "2024-03-01T08:00:00", base },
		{ "2024-03-01T08:00", base },
		{ "2024-03-01T08:00Z", base },
		{ "2024-03-01 08:00:00Z", base },
		{ "2024-03-01T08:00:00.000Z", base },
		{ "2024-03-01T08:00:00.5Z", base + 500 },
		{ "2024-03-01T08:00:00.12Z", base + 120 },
		{ "2024-03-01T08:00:00.123Z", base + 123 },
		{ "2024-03-01T08:00:00.123999999Z", base + 123 }, /* truncated, not rounded */
		{ "2024-03-01T08:00:00.9999+00:00", base + 999 },
		{ "2024-03-01", base - 8 * 3600000 },
		{ "2024-03-01T00:00:00+14:00", base - 8 * 3600000 - 14 * 3600000 },
		{ "2024-02-29T23:30:00Z", 1709249400000 },
		{ "2024-03-01T01:30:00+02:00", 1709249400000 }, /* offset crosses the leap day */
		{ "1969-12-31T23:59:59.999Z", -1 },
		{ "1970-01-01T00:00:00+00:01", -60000 },
		{ "2023-11-14T22:13:20.123Z", 1700000000123 },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		int64_t ms = 0;
		int rc = parse_dt(cases[k].text, &ms);
		cr_assert_eq(rc, 0, "\"%s\" -> %d", cases[k].text, rc);
		cr_assert_eq(ms, cases[k].ms, "\"%s\" -> %lld, want %lld", cases[k].text,
		             (long long)ms, (long long)cases[k].ms);
	}
}

Test(calendar, datetime_parse_rejects)
{
	static const char *bad[] = {
		"2024-01-01T25:00",        "2024-01-01T24:00",         "2024-01-01T23:60",
		"2024-01-01T23:59:60",     "2024-01-01T",              "2024-01-01T1:00",
		"2024-01-01T10",           "2024-01-01T10:00:0",       "2024-01-01T10:00:00.",
		"2024-01-01T10:00:00.1234567890Z", "2024-01-01T10:00:00Zjunk", "2024-01-01T10:00:00+2",
		"2024-01-01T10:00:00+02",  "2024-01-01T10:00:00+02:0", "2024-01-01T10:00:00+19:00",
		"2024-01-01T10:00:00+02:60", "2024-01-01X10:00",       "2024-02-30T10:00",
		"2024-13-01T00:00",        "24-01-01T00:00",           "2024-01-01Z",
		"2024-01-01T10:00:00 ",    "2024-01-01t10:00",         "",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		int64_t ms = 4242;
		cr_assert_eq(parse_dt(bad[k], &ms), DN_EINVAL, "accepted \"%s\"", bad[k]);
		cr_assert_eq(ms, 4242, "output written on failure for \"%s\"", bad[k]);
	}
}

static void check_date_text(int32_t days, const char *want)
{
	char buf[32];
	int n = dn_date_format(days, buf, sizeof buf);
	cr_assert_str_eq(buf, want, "day %d", days);
	cr_assert_eq(n, (int)strlen(want));
}

static void check_datetime_text(int64_t ms, const char *want)
{
	char buf[48];
	int n = dn_datetime_format(ms, buf, sizeof buf);
	cr_assert_str_eq(buf, want, "ms %lld", (long long)ms);
	cr_assert_eq(n, (int)strlen(want));
}

Test(calendar, date_format)
{
	check_date_text(0, "1970-01-01");
	check_date_text(-1, "1969-12-31");
	check_date_text(19782, "2024-02-29");
	check_date_text(11017, "2000-03-01");
	check_date_text(-719162, "0001-01-01");
	check_date_text(2932896, "9999-12-31");
	check_date_text(2932897, "+10000-01-01");
	check_date_text(-719163, "0000-12-31");
	check_date_text(-719529, "-0001-12-31");
}

Test(calendar, date_format_parse_round_trip)
{
	for (int64_t d = INT32_MIN; d <= INT32_MAX; d += 99991) {
		char buf[32];
		int32_t back;
		dn_date_format((int32_t)d, buf, sizeof buf);
		cr_assert_eq(dn_date_parse(buf, strlen(buf), &back), 0, "\"%s\"", buf);
		cr_assert_eq(back, d, "\"%s\"", buf);
	}
}

Test(calendar, datetime_format)
{
	check_datetime_text(1709287200000, "2024-03-01T10:00:00Z");
	check_datetime_text(1709287200001, "2024-03-01T10:00:00.001Z");
	check_datetime_text(1709287200120, "2024-03-01T10:00:00.120Z");
	check_datetime_text(0, "1970-01-01T00:00:00Z");
	check_datetime_text(-1, "1969-12-31T23:59:59.999Z");
	check_datetime_text(-86400000, "1969-12-31T00:00:00Z");
	check_datetime_text(1700000000123, "2023-11-14T22:13:20.123Z");
	check_datetime_text(951782400000, "2000-02-29T00:00:00Z");

	/* The extremes format without overflow. */
	char buf[64];
	cr_assert_gt(dn_datetime_format(INT64_MIN, buf, sizeof buf), 0);
	cr_assert_eq(buf[0], '-');
	cr_assert_gt(dn_datetime_format(INT64_MAX, buf, sizeof buf), 0);
	cr_assert_eq(buf[0], '+');
}

Test(calendar, datetime_format_parse_round_trip)
{
	int64_t ms = -62135596800000; /* 0001-01-01 */
	for (int k = 0; k < 20000; k++) {
		char buf[48];
		int64_t back;
		ms += (int64_t)(xorshift64() % 94867200000) / 1000 * 1000 + k % 1000;
		dn_datetime_format(ms, buf, sizeof buf);
		cr_assert_eq(parse_dt(buf, &back), 0, "\"%s\"", buf);
		cr_assert_eq(back, ms, "\"%s\"", buf);
	}
}

Test(calendar, format_truncates_like_snprintf)
{
	char buf[8];
	memset(buf, 'x', sizeof buf);
	cr_assert_eq(dn_date_format(0, buf, 5), 10);
	cr_assert_str_eq(buf, "1970");
	cr_assert_eq(buf[5], 'x', "nothing written past cap");
	cr_assert_eq(dn_datetime_format(0, NULL, 0), 20);
	cr_assert_eq(dn_duration_format(1, 0, 0, NULL, 0), 3);
}

static void check_duration(int64_t months, int64_t days, int64_t nanos, const char *want)
{
	char buf[128];
	int n = dn_duration_format(months, days, nanos, buf, sizeof buf);
	cr_assert_str_eq(buf, want, "(%lld, %lld, %lld)", (long long)months, (long long)days,
	                 (long long)nanos);
	cr_assert_eq(n, (int)strlen(want));
}

#define NS INT64_C(1000000000)

Test(calendar, duration_format)
{
	check_duration(0, 0, 0, "PT0S");
	check_duration(14, 3, 4 * 3600 * NS + 5 * 60 * NS + 6 * NS + NS / 2, "P1Y2M3DT4H5M6.5S");
	check_duration(12, 0, 0, "P1Y");
	check_duration(2, 0, 0, "P2M");
	check_duration(0, 3, 0, "P3D");
	check_duration(0, 0, 90 * 60 * NS, "PT1H30M");
	check_duration(0, 0, 36 * 3600 * NS, "PT36H");
	check_duration(0, 0, NS / 1000, "PT0.001S");
	check_duration(0, 0, 1000, "PT0.000001S");
	check_duration(0, 0, 1, "PT0.000000001S");
	check_duration(0, 0, 123456789, "PT0.123456789S");
	check_duration(0, 0, 61 * NS + 100000000, "PT1M1.1S");
	check_duration(-14, 0, 0, "P-1Y-2M");
	check_duration(0, -3, -(NS + NS / 2), "P-3DT-1.5S");
	check_duration(0, 0, -(3600 * NS + 1), "PT-1H-0.000000001S");
	check_duration(1, 0, 0, "P1M");
	check_duration(0, 1, NS, "P1DT1S");
	check_duration(INT64_MIN, INT64_MIN, INT64_MIN,
	               "P-768614336404564650Y-8M-9223372036854775808DT-2562047H-47M-16.854775808S");
}
