/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_functions.c — unit suite for the function registry (query/
 * functions*.c): lookup and arity, the scalar functions on strings, lists,
 * numbers and conversions, the temporal constructors, accessors and
 * duration.between, and the aggregates' state machines. Cases transcribe
 * openCypher TCK scenarios (the feature file is named) where one exists.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"
#include "functions.h"
#include "testutil.h"
#include "value_ops.h"

static dn_value I(int64_t i) { return dn_value_int(i); }
static dn_value F(double f) { return dn_value_float(f); }
static dn_value B(bool b) { return dn_value_bool(b); }
static dn_value N(void) { return dn_value_null(); }
static dn_value S(const char *s) { return dn_value_string(s, NULL); }

/* L(n, v1, ...) builds a list, M(n, "k1", v1, ...) a map (testutil.c). */
#define L tu_list
#define M tu_map

#define EXPECT(got, want)                                                          \
	do {                                                                           \
		dn_value g_ = (got), w_ = (want);                                          \
		cr_assert_eq(g_.type, w_.type, "%s: type %s, want %s", #got,              \
		             dn_type_name(g_.type), dn_type_name(w_.type));               \
		cr_assert(dn_cy_order(&g_, &w_) == 0, "%s: wrong value", #got);           \
		dn_value_free(&g_);                                                        \
		dn_value_free(&w_);                                                        \
	} while (0)

static char errbuf[DN_CY_ERRMSG_CAP];

/* Calls name(args...) and returns the result; fails the test on error. */
static dn_value callv(const char *name, int n, va_list ap)
{
	const dn_cy_func *f = dn_cy_func_lookup(name, strlen(name));
	dn_value args[8], r;
	int i, rc;

	cr_assert_not_null(f, "no function %s", name);
	for (i = 0; i < n; i++)
		args[i] = va_arg(ap, dn_value);
	rc = dn_cy_func_call(f, args, (size_t)n, &r, errbuf, sizeof errbuf);
	cr_assert_eq(rc, 0, "%s(): %d %s", name, rc, errbuf);
	for (i = 0; i < n; i++)
		dn_value_free(&args[i]);
	return r;
}

static dn_value call(const char *name, int n, ...)
{
	va_list ap;
	dn_value r;
	va_start(ap, n);
	r = callv(name, n, ap);
	va_end(ap);
	return r;
}

/* Calls name(args...) expecting failure with code. */
static void call_fail(int code, const char *name, int n, ...)
{
	const dn_cy_func *f = dn_cy_func_lookup(name, strlen(name));
	dn_value args[8], r;
	va_list ap;
	int i, rc;

	cr_assert_not_null(f);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		args[i] = va_arg(ap, dn_value);
	va_end(ap);
	rc = dn_cy_func_call(f, args, (size_t)n, &r, errbuf, sizeof errbuf);
	cr_assert_eq(rc, code, "%s(): rc %d, want %d (%s)", name, rc, code, errbuf);
	cr_assert_eq(r.type, DN_NULL);
	for (i = 0; i < n; i++)
		dn_value_free(&args[i]);
}

static dn_value D(const char *s)
{
	int32_t d;
	cr_assert_eq(dn_date_parse(s, strlen(s), &d), 0, "%s", s);
	return dn_value_date(d);
}

static dn_value DT(const char *s)
{
	int64_t t;
	cr_assert_eq(dn_datetime_parse(s, strlen(s), &t), 0, "%s", s);
	return dn_value_datetime(t);
}

/* toString() of a value, as C text in a static buffer. */
static const char *text(dn_value v)
{
	static char buf[256];
	dn_value s = call("toString", 1, v);
	cr_assert_eq(s.type, DN_STRING);
	snprintf(buf, sizeof buf, "%.*s", (int)s.len, s.u.s);
	dn_value_free(&s);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Registry                                                            */
/* ------------------------------------------------------------------ */

Test(functions, registry_sorted_and_lookup)
{
	size_t n, i;
	const dn_cy_func *all = dn_cy_func_all(&n);
	const dn_cy_func *f;

	cr_assert_gt(n, 40);
	for (i = 1; i < n; i++)
		cr_assert_lt(strcmp(all[i - 1].name, all[i].name), 0, "%s before %s",
		             all[i - 1].name, all[i].name);
	for (i = 0; i < n; i++) {
		cr_assert_eq(!!(all[i].flags & DN_CY_FN_AGGREGATE), all[i].agg != NULL);
		cr_assert_eq(all[i].fn == NULL, all[i].agg != NULL, "%s", all[i].name);
	}
	f = dn_cy_func_lookup("toUpper", 7);
	cr_assert_not_null(f);
	cr_assert_str_eq(f->name, "toupper");
	cr_assert_not_null(dn_cy_func_lookup("DURATION.BETWEEN", 16));
	cr_assert_not_null(dn_cy_func_lookup("percentileCont", 14));
	cr_assert_null(dn_cy_func_lookup("labels", 6)); /* needs the graph */
	cr_assert_null(dn_cy_func_lookup("nosuch", 6));
	cr_assert_null(dn_cy_func_lookup("", 0));
	f = dn_cy_func_lookup("count", 5);
	cr_assert(f->flags & DN_CY_FN_STAR);
}

Test(functions, arity_checked)
{
	const dn_cy_func *f = dn_cy_func_lookup("substring", 9);
	dn_value a[4] = { N(), N(), N(), N() }, r;
	cr_assert_eq(dn_cy_func_call(f, a, 1, &r, errbuf, sizeof errbuf), DN_ESEMANTIC);
	cr_assert_eq(dn_cy_func_call(f, a, 4, &r, errbuf, sizeof errbuf), DN_ESEMANTIC);
	f = dn_cy_func_lookup("sum", 3);
	cr_assert_eq(dn_cy_func_call(f, a, 1, &r, errbuf, sizeof errbuf), DN_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Lists and general                                                   */
/* ------------------------------------------------------------------ */

Test(functions, coalesce_head_last)
{
	EXPECT(call("coalesce", 3, N(), I(2), I(3)), I(2));
	EXPECT(call("coalesce", 2, N(), N()), N());
	/* TypeConversion4 [8], [9] */
	EXPECT(call("coalesce", 2, call("toString", 1, N()), S("x")), S("x"));
	EXPECT(call("toString", 1, call("coalesce", 2, S("male"), S("x"))), S("male"));
	EXPECT(call("head", 1, L(3, I(1), I(2), I(3))), I(1));
	EXPECT(call("last", 1, L(3, I(1), I(2), I(3))), I(3));
	EXPECT(call("head", 1, L(0)), N());
	EXPECT(call("last", 1, N()), N());
	call_fail(DN_ETYPE, "head", 1, I(1));
}

Test(functions, range) /* List11 */
{
	EXPECT(call("range", 2, I(0), I(3)), L(4, I(0), I(1), I(2), I(3)));
	EXPECT(call("range", 3, I(0), I(10), I(3)), L(4, I(0), I(3), I(6), I(9)));
	EXPECT(call("range", 3, I(5), I(1), I(-2)), L(3, I(5), I(3), I(1)));
	EXPECT(call("range", 3, I(0), I(5), I(-1)), L(0)); /* [3] direction mismatch */
	EXPECT(call("range", 3, I(0), I(-5), I(1)), L(0));
	EXPECT(call("range", 2, I(-2), I(-2)), L(1, I(-2)));
	call_fail(DN_ERUNTIME, "range", 3, I(0), I(5), I(0));
	call_fail(DN_ETYPE, "range", 2, I(0), F(1.5));
}

Test(functions, size_keys_reverse) /* List6 [1], [4]; String3 [1] */
{
	EXPECT(call("size", 1, L(3, I(1), I(2), I(3))), I(3));
	EXPECT(call("size", 1, N()), N());
	EXPECT(call("size", 1, S("héllo")), I(5));
	EXPECT(call("reverse", 1, S("raksO")), S("Oskar"));
	EXPECT(call("reverse", 1, S("añb")), S("bña"));
	EXPECT(call("reverse", 1, L(3, I(1), S("a"), N())), L(3, N(), S("a"), I(1)));
	EXPECT(call("keys", 1, M(2, "name", S("x"), "age", I(3))), L(2, S("age"), S("name")));
	EXPECT(call("keys", 1, N()), N());
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

Test(functions, substring_left_right) /* String1 [1] */
{
	EXPECT(call("substring", 2, S("0123456789"), I(1)), S("123456789"));
	EXPECT(call("substring", 3, S("0123456789"), I(1), I(3)), S("123"));
	EXPECT(call("substring", 3, S("0123"), I(2), I(10)), S("23"));
	EXPECT(call("substring", 2, S("0123"), I(10)), S(""));
	EXPECT(call("substring", 2, N(), I(1)), N());
	call_fail(DN_ERUNTIME, "substring", 2, S("abc"), I(-1));
	EXPECT(call("left", 2, S("hello"), I(3)), S("hel"));
	EXPECT(call("right", 2, S("hello"), I(3)), S("llo"));
	EXPECT(call("right", 2, S("hello"), I(10)), S("hello"));
	EXPECT(call("left", 2, N(), I(3)), N());
	call_fail(DN_ERUNTIME, "left", 2, S("hello"), I(-1));
}

Test(functions, case_and_trim)
{
	EXPECT(call("toUpper", 1, S("abc1")), S("ABC1"));
	EXPECT(call("toLower", 1, S("ABC")), S("abc"));
	EXPECT(call("toUpper", 1, N()), N());
	EXPECT(call("trim", 1, S("  a b  ")), S("a b"));
	EXPECT(call("ltrim", 1, S("  a  ")), S("a  "));
	EXPECT(call("rtrim", 1, S("  a  ")), S("  a"));
	EXPECT(call("trim", 1, S("   ")), S(""));
	call_fail(DN_ETYPE, "trim", 1, I(1));
}

Test(functions, replace_split) /* String4 [1] */
{
	EXPECT(call("replace", 3, S("hello"), S("l"), S("w")), S("hewwo"));
	EXPECT(call("replace", 3, S("aaa"), S("aa"), S("b")), S("ba"));
	EXPECT(call("replace", 3, S("ab"), S(""), S("-")), S("-a-b-"));
	EXPECT(call("replace", 3, S("ab"), N(), S("-")), N());
	EXPECT(call("split", 2, S("one1two"), S("1")), L(2, S("one"), S("two")));
	EXPECT(call("split", 2, S("a,b,,c,"), S(",")), L(5, S("a"), S("b"), S(""), S("c"), S("")));
	EXPECT(call("split", 2, S("abc"), S("")), L(3, S("a"), S("b"), S("c")));
	EXPECT(call("split", 2, S("abc"), S("xyz")), L(1, S("abc")));
	EXPECT(call("split", 2, N(), S(",")), N());
}

/* ------------------------------------------------------------------ */
/* Numbers                                                             */
/* ------------------------------------------------------------------ */

Test(functions, math) /* Mathematical11 [1], Mathematical13 [1] */
{
	EXPECT(call("abs", 1, I(-1)), I(1));
	EXPECT(call("abs", 1, F(-1.5)), F(1.5));
	call_fail(DN_ERUNTIME, "abs", 1, I(INT64_MIN));
	EXPECT(call("sqrt", 1, F(12.96)), F(3.6));
	EXPECT(call("ceil", 1, F(1.2)), F(2.0));
	EXPECT(call("floor", 1, F(-1.2)), F(-2.0));
	EXPECT(call("floor", 1, I(3)), F(3.0));
	EXPECT(call("round", 1, F(2.5)), F(3.0));
	EXPECT(call("round", 1, F(-2.5)), F(-2.0));
	EXPECT(call("round", 1, F(1.4)), F(1.0));
	EXPECT(call("sign", 1, I(-7)), I(-1));
	EXPECT(call("sign", 1, F(0.0)), I(0));
	EXPECT(call("sign", 1, F(2.5)), I(1));
	EXPECT(call("exp", 1, I(0)), F(1.0));
	EXPECT(call("log", 1, F(M_E)), F(1.0));
	EXPECT(call("log10", 1, I(1000)), F(3.0));
	EXPECT(call("sqrt", 1, N()), N());
	{
		dn_value r = call("sqrt", 1, I(-1));
		cr_assert(r.type == DN_FLOAT && isnan(r.u.f));
	}
	call_fail(DN_ETYPE, "abs", 1, S("1"));
}

/* ------------------------------------------------------------------ */
/* Conversions                                                         */
/* ------------------------------------------------------------------ */

Test(functions, to_boolean) /* TypeConversion1 [1]-[4] */
{
	EXPECT(call("toBoolean", 1, B(true)), B(true));
	EXPECT(call("toBoolean", 1, B(false)), B(false));
	EXPECT(call("toBoolean", 1, S("true")), B(true));
	EXPECT(call("toBoolean", 1, S("false")), B(false));
	EXPECT(call("toBoolean", 1, N()), N());
	EXPECT(call("toBoolean", 1, S("")), N());
	EXPECT(call("toBoolean", 1, S(" tru ")), N());
	EXPECT(call("toBoolean", 1, S("f alse")), N());
	call_fail(DN_ETYPE, "toBoolean", 1, L(0));
}

Test(functions, to_integer) /* TypeConversion2 [1]-[5] */
{
	EXPECT(call("toInteger", 1, F(82.9)), I(82));
	EXPECT(call("toInteger", 1, S("foo")), N());
	EXPECT(call("toInteger", 1, S("")), N());
	EXPECT(call("toInteger", 1, I(2)), I(2));
	EXPECT(call("toInteger", 1, F(2.9)), I(2));
	EXPECT(call("toInteger", 1, S("1.7")), I(1));
	EXPECT(call("toInteger", 1, S("2")), I(2));
	EXPECT(call("toInteger", 1, S("2.9")), I(2));
	EXPECT(call("toInteger", 1, F(-2.9)), I(-2));
	EXPECT(call("toInteger", 1, N()), N());
	call_fail(DN_ETYPE, "toInteger", 1, L(0));
}

Test(functions, to_float) /* TypeConversion3 [1]-[4] */
{
	EXPECT(call("toFloat", 1, F(3.4)), F(3.4));
	EXPECT(call("toFloat", 1, I(3)), F(3.0));
	EXPECT(call("toFloat", 1, S("foo")), N());
	EXPECT(call("toFloat", 1, S("")), N());
	EXPECT(call("toFloat", 1, S("5")), F(5.0));
	EXPECT(call("toFloat", 1, S("1")), F(1.0));
	EXPECT(call("toFloat", 1, S("-2.5e3")), F(-2500.0));
	call_fail(DN_ETYPE, "toFloat", 1, B(true));
}

Test(functions, to_string) /* TypeConversion4 [1]-[6], Temporal6 [1] */
{
	cr_assert_str_eq(text(I(42)), "42");
	cr_assert_str_eq(text(B(true)), "true");
	cr_assert_str_eq(text(B(false)), "false");
	cr_assert_str_eq(text(F(2.3)), "2.3");
	cr_assert_str_eq(text(S("apa")), "apa");
	cr_assert_str_eq(text(F(1.0)), "1.0");
	cr_assert_str_eq(text(F(-0.5)), "-0.5");
	cr_assert_str_eq(text(F(100.0)), "100.0");
	cr_assert_str_eq(text(F(0.001)), "0.001");
	cr_assert_str_eq(text(F(1e7)), "1.0E7");
	cr_assert_str_eq(text(F(1.5e-4)), "1.5E-4");
	cr_assert_str_eq(text(F(0.1 + 0.2)), "0.30000000000000004");
	cr_assert_str_eq(text(F(NAN)), "NaN");
	cr_assert_str_eq(text(F(-INFINITY)), "-Infinity");
	cr_assert_str_eq(text(call("date", 1, M(3, "year", I(1984), "month", I(10), "day", I(11)))),
	                 "1984-10-11");
	cr_assert_str_eq(text(call("duration", 1, S("P1Y2M3DT4H"))), "P1Y2M3DT4H");
	EXPECT(call("toString", 1, N()), N());
	call_fail(DN_ETYPE, "toString", 1, L(0));
}

/* ------------------------------------------------------------------ */
/* Temporal                                                            */
/* ------------------------------------------------------------------ */

Test(functions, date_constructors)
{
	EXPECT(call("date", 1, S("2024-03-14")), D("2024-03-14"));
	EXPECT(call("date", 1, M(3, "year", I(2024), "month", I(3), "day", I(14))), D("2024-03-14"));
	EXPECT(call("date", 1, M(1, "year", I(2024))), D("2024-01-01"));
	EXPECT(call("date", 1, DT("2024-03-14T23:59:59Z")), D("2024-03-14"));
	EXPECT(call("date", 1, N()), N());
	/* Temporal6 [1]: date(toString(d)) = d */
	{
		dn_value d = call("date", 1, M(3, "year", I(1984), "month", I(10), "day", I(11)));
		dn_value back = call("date", 1, call("toString", 1, d));
		dn_value e = dn_cy_equals(&back, &d);
		EXPECT(e, B(true));
		dn_value_free(&back);
		dn_value_free(&d);
	}
	call_fail(DN_ERUNTIME, "date", 1, S("2024-13-01"));
	cr_assert(strstr(errbuf, "2024-13-01") != NULL);
	call_fail(DN_ERUNTIME, "date", 1, M(3, "year", I(2023), "month", I(2), "day", I(29)));
	call_fail(DN_ETYPE, "date", 1, I(1));
	{
		dn_value today = call("date", 0);
		cr_assert_eq(today.type, DN_DATE);
		cr_assert_eq(dn_cy_func_lookup("date", 4)->flags & DN_CY_FN_PURE, 0);
	}
}

Test(functions, datetime_constructors)
{
	EXPECT(call("datetime", 1, S("2024-03-14T10:00:00Z")), DT("2024-03-14T10:00:00Z"));
	/* The offset is kept (the instant is that of 20:40:32.142Z). */
	cr_assert_str_eq(text(call("datetime", 1, S("2015-07-21T21:40:32.142+0100"))),
	                 "2015-07-21T21:40:32.142+01:00");
	{
		dn_value a = call("datetime", 1, S("2015-07-21T21:40:32.142+0100"));
		dn_value b = DT("2015-07-21T20:40:32.142Z");
		cr_assert_eq(dn_cy_order(&a, &b) != 0, true); /* not the same value... */
		cr_assert_eq(a.u.datetime, b.u.datetime);     /* ...but the same instant */
	}
	EXPECT(call("datetime", 1,
	            M(7, "year", I(1984), "month", I(10), "day", I(11), "hour", I(12), "minute",
	              I(31), "second", I(14), "millisecond", I(645))),
	       DT("1984-10-11T12:31:14.645Z"));
	cr_assert_str_eq(text(call("datetime", 1,
	                           M(5, "year", I(1984), "month", I(10), "day", I(11), "hour",
	                             I(12), "timezone", S("+01:00")))),
	                 "1984-10-11T12:00+01:00");
	/* Temporal1 [11]: datetime.fromepochmillis(237821673987) */
	EXPECT(call("datetime", 1, M(1, "epochMillis", I(237821673987))),
	       DT("1977-07-15T13:34:33.987Z"));
	EXPECT(call("datetime", 1, D("2024-03-14")), DT("2024-03-14T00:00:00Z"));
	call_fail(DN_ERUNTIME, "datetime", 1, S("2024-03-14T25:00"));
	call_fail(DN_ERUNTIME, "datetime", 1, M(2, "year", I(2024), "hour", I(24)));
	call_fail(DN_ERUNTIME, "datetime", 1, M(2, "year", I(2024), "timezone", S("Nowhere/Atlantis")));
	cr_assert(strstr(errbuf, "Nowhere/Atlantis") != NULL);
}

Test(functions, duration_constructors) /* Temporal2 [7] */
{
	cr_assert_str_eq(text(call("duration", 1, S("P14DT16H12M"))), "P14DT16H12M");
	cr_assert_str_eq(text(call("duration", 1, S("P5M1.5D"))), "P5M1DT12H");
	cr_assert_str_eq(text(call("duration", 1, S("P0.75M"))), "P22DT19H51M49.5S");
	cr_assert_str_eq(text(call("duration", 1, S("PT0.75M"))), "PT45S");
	cr_assert_str_eq(text(call("duration", 1, S("P2.5W"))), "P17DT12H");
	cr_assert_str_eq(text(call("duration", 1, S("P12Y5M14DT16H12M70S"))), "P12Y5M14DT16H13M10S");
	EXPECT(call("duration", 1, S("P1Y2M3DT4H")), dn_value_duration(14, 3, 4 * 3600000000000LL));
	EXPECT(call("duration", 1, S("-P1D")), dn_value_duration(0, -1, 0));
	EXPECT(call("duration", 1, S("PT-1.5S")), dn_value_duration(0, 0, -1500000000));
	EXPECT(call("duration", 1, M(1, "days", I(3))), dn_value_duration(0, 3, 0));
	EXPECT(call("duration", 1, M(2, "weeks", I(1), "hours", F(1.5))),
	       dn_value_duration(0, 7, 5400000000000LL));
	EXPECT(call("duration", 1, M(1, "months", F(0.5))),
	       call("duration", 1, S("P15DT5H14M33S")));
	call_fail(DN_ERUNTIME, "duration", 1, S("P1X"));
	call_fail(DN_ERUNTIME, "duration", 1, S("1D"));
	call_fail(DN_ERUNTIME, "duration", 1, S("P"));
	call_fail(DN_ERUNTIME, "duration", 1, M(1, "fortnights", I(1)));
}

static int64_t field(dn_value v, const char *name)
{
	dn_value r;
	int rc = dn_cy_temporal_field(&v, name, &r, errbuf, sizeof errbuf);
	cr_assert_eq(rc, 0, "%s: %s", name, errbuf);
	cr_assert_eq(r.type, DN_INT);
	return r.u.i;
}

Test(functions, date_accessors) /* Temporal5 [1], [2] */
{
	dn_value d = D("1984-10-11");
	dn_value r;

	cr_assert_eq(field(d, "year"), 1984);
	cr_assert_eq(field(d, "quarter"), 4);
	cr_assert_eq(field(d, "month"), 10);
	cr_assert_eq(field(d, "week"), 41);
	cr_assert_eq(field(d, "weekYear"), 1984);
	cr_assert_eq(field(d, "day"), 11);
	cr_assert_eq(field(d, "ordinalDay"), 285);
	cr_assert_eq(field(d, "weekDay"), 4);
	cr_assert_eq(field(d, "dayOfWeek"), 4);
	cr_assert_eq(field(d, "dayOfQuarter"), 11);
	d = D("1984-01-01"); /* a Sunday in the last week of 1983 */
	cr_assert_eq(field(d, "weekYear"), 1983);
	cr_assert_eq(field(d, "week"), 52);
	cr_assert_eq(field(d, "weekDay"), 7);
	cr_assert_eq(dn_cy_temporal_field(&d, "hour", &r, errbuf, sizeof errbuf), DN_ERUNTIME);
	d = I(1);
	cr_assert_eq(dn_cy_temporal_field(&d, "year", &r, errbuf, sizeof errbuf), DN_ETYPE);
	d = N();
	cr_assert_eq(dn_cy_temporal_field(&d, "year", &r, errbuf, sizeof errbuf), 0);
	cr_assert_eq(r.type, DN_NULL);
}

Test(functions, datetime_accessors) /* Temporal5 [6], in UTC */
{
	dn_value d = DT("1984-11-11T12:31:14.645Z");
	dn_value z = call("datetime", 1,
	                  M(8, "year", I(1984), "month", I(11), "day", I(11), "hour", I(12),
	                    "minute", I(31), "second", I(14), "nanosecond", I(645876123),
	                    "timezone", S("+01:00")));

	cr_assert_eq(field(d, "year"), 1984);
	cr_assert_eq(field(d, "quarter"), 4);
	cr_assert_eq(field(d, "month"), 11);
	cr_assert_eq(field(d, "week"), 45);
	cr_assert_eq(field(d, "weekYear"), 1984);
	cr_assert_eq(field(d, "day"), 11);
	cr_assert_eq(field(d, "ordinalDay"), 316);
	cr_assert_eq(field(d, "weekDay"), 7);
	cr_assert_eq(field(d, "dayOfQuarter"), 42);
	cr_assert_eq(field(d, "hour"), 12);
	cr_assert_eq(field(d, "minute"), 31);
	cr_assert_eq(field(d, "second"), 14);
	cr_assert_eq(field(d, "millisecond"), 645);
	cr_assert_eq(field(d, "microsecond"), 645000);
	cr_assert_eq(field(d, "nanosecond"), 645000000);
	/* the TCK's epoch values, for the same instant given with +01:00 */
	cr_assert_eq(field(z, "epochSeconds"), 469020674);
	cr_assert_eq(field(z, "epochMillis"), 469020674645);
}

Test(functions, duration_accessors) /* Temporal5 [7] */
{
	dn_value d = call("duration", 1,
	                  M(7, "years", I(1), "months", I(4), "days", I(10), "hours", I(1),
	                    "minutes", I(1), "seconds", I(1), "nanoseconds", I(111111111)));
	static const struct { const char *f; int64_t v; } want[] = {
		{ "years", 1 }, { "quarters", 5 }, { "months", 16 }, { "weeks", 1 },
		{ "days", 10 }, { "hours", 1 }, { "minutes", 61 }, { "seconds", 3661 },
		{ "milliseconds", 3661111 }, { "microseconds", 3661111111 },
		{ "nanoseconds", 3661111111111 }, { "quartersOfYear", 1 },
		{ "monthsOfQuarter", 1 }, { "monthsOfYear", 4 }, { "daysOfWeek", 3 },
		{ "minutesOfHour", 1 }, { "secondsOfMinute", 1 }, { "millisecondsOfSecond", 111 },
		{ "microsecondsOfSecond", 111111 }, { "nanosecondsOfSecond", 111111111 },
	};
	size_t i;
	for (i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert_eq(field(d, want[i].f), want[i].v, "%s", want[i].f);
}

/* Temporal10 [1] rows (localdatetime read as UTC datetime) and [2] rows. */
Test(functions, duration_between)
{
	dn_value d;

	cr_assert_str_eq(text(call("duration.between", 2, D("1984-10-11"), D("2015-06-24"))),
	                 "P30Y8M13D");
	cr_assert_str_eq(text(call("duration.between", 2, D("1984-10-11"),
	                           DT("2016-07-21T21:45:22.142Z"))),
	                 "P31Y9M10DT21H45M22.142S");
	cr_assert_str_eq(text(call("duration.between", 2, D("1984-10-11"),
	                           DT("2015-07-21T21:40:32.142+0100"))),
	                 "P30Y9M10DT20H40M32.142S");
	cr_assert_str_eq(text(call("duration.between", 2, DT("2015-07-21T21:40:32.142Z"),
	                           D("2015-06-24"))),
	                 "P-27DT-21H-40M-32.142S");
	cr_assert_str_eq(text(call("duration.between", 2, DT("2015-07-21T21:40:32.142Z"),
	                           DT("2016-07-21T21:45:22.142Z"))),
	                 "P1YT4M50S");
	cr_assert_str_eq(text(call("duration.between", 2, DT("2018-01-01T12:00Z"),
	                           DT("2018-01-02T10:00Z"))),
	                 "PT22H");
	cr_assert_str_eq(text(call("duration.between", 2, DT("2018-01-02T10:00Z"),
	                           DT("2018-01-01T12:00Z"))),
	                 "PT-22H");
	d = call("duration.between", 2, DT("2018-01-01T10:00:00.2Z"), DT("2018-01-02T10:00:00.1Z"));
	cr_assert_str_eq(text(d), "PT23H59M59.9S");
	cr_assert_eq(field(d, "days"), 0);
	cr_assert_eq(field(d, "seconds"), 86399);
	cr_assert_eq(field(d, "nanosecondsOfSecond"), 900000000);
	d = call("duration.between", 2, DT("2018-01-02T10:00:00.1Z"), DT("2018-01-01T10:00:00.2Z"));
	cr_assert_str_eq(text(d), "PT-23H-59M-59.9S");
	cr_assert_eq(field(d, "seconds"), -86400);
	cr_assert_eq(field(d, "nanosecondsOfSecond"), 100000000);
	EXPECT(call("duration.between", 2, N(), D("2015-06-24")), N());
	call_fail(DN_ETYPE, "duration.between", 2, I(1), D("2015-06-24"));
}

/* ------------------------------------------------------------------ */
/* Aggregates                                                          */
/* ------------------------------------------------------------------ */

/* Runs aggregate name over n rows of one argument (plus extra, a second
 * argument repeated on every row, when not NULL) and returns its result. */
static dn_value agg(const char *name, const dn_value *extra, int n, ...)
{
	const dn_cy_func *f = dn_cy_func_lookup(name, strlen(name));
	void *st = NULL;
	dn_value args[2], r;
	va_list ap;
	int i;

	cr_assert_not_null(f);
	cr_assert(f->flags & DN_CY_FN_AGGREGATE);
	cr_assert_eq(f->agg->init(&st), 0);
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		args[0] = va_arg(ap, dn_value);
		if (extra)
			args[1] = *extra;
		cr_assert_eq(f->agg->step(st, args, extra ? 2 : 1, errbuf, sizeof errbuf), 0, "%s",
		             errbuf);
		dn_value_free(&args[0]);
	}
	va_end(ap);
	cr_assert_eq(f->agg->final(st, &r, errbuf, sizeof errbuf), 0, "%s", errbuf);
	f->agg->free(st);
	return r;
}

Test(functions, min_max) /* Aggregation2 [1]-[12] */
{
	EXPECT(agg("max", NULL, 5, I(1), I(2), I(0), N(), I(-1)), I(2));
	EXPECT(agg("min", NULL, 5, I(1), I(2), I(0), N(), I(-1)), I(-1));
	EXPECT(agg("max", NULL, 4, F(1.0), F(2.0), F(0.5), N()), F(2.0));
	EXPECT(agg("min", NULL, 4, F(1.0), F(2.0), F(0.5), N()), F(0.5));
	EXPECT(agg("max", NULL, 6, I(1), F(2.0), I(5), N(), F(3.2), F(0.1)), I(5));
	EXPECT(agg("min", NULL, 6, I(1), F(2.0), I(5), N(), F(3.2), F(0.1)), F(0.1));
	EXPECT(agg("max", NULL, 6, S("a"), S("b"), S("B"), N(), S("abc"), S("abc1")), S("b"));
	EXPECT(agg("min", NULL, 6, S("a"), S("b"), S("B"), N(), S("abc"), S("abc1")), S("B"));
	EXPECT(agg("max", NULL, 3, L(1, I(1)), L(1, I(2)), L(2, I(2), I(1))), L(2, I(2), I(1)));
	EXPECT(agg("min", NULL, 3, L(1, I(1)), L(1, I(2)), L(2, I(2), I(1))), L(1, I(1)));
	EXPECT(agg("max", NULL, 6, I(1), S("a"), N(), L(2, I(1), I(2)), F(0.2), S("b")), I(1));
	EXPECT(agg("min", NULL, 6, I(1), S("a"), N(), L(2, I(1), I(2)), F(0.2), S("b")),
	       L(2, I(1), I(2)));
	EXPECT(agg("max", NULL, 1, N()), N());
}

Test(functions, count_sum_avg)
{
	const dn_cy_func *f = dn_cy_func_lookup("count", 5);
	void *st;
	dn_value r;
	int i;

	EXPECT(agg("count", NULL, 4, I(1), N(), S("a"), N()), I(2));
	/* count(*): stepped with no arguments, counts every row */
	cr_assert_eq(f->agg->init(&st), 0);
	for (i = 0; i < 3; i++)
		f->agg->step(st, NULL, 0, errbuf, sizeof errbuf);
	f->agg->final(st, &r, errbuf, sizeof errbuf);
	f->agg->free(st);
	EXPECT(r, I(3));
	EXPECT(agg("sum", NULL, 4, I(1), I(2), N(), I(3)), I(6));
	EXPECT(agg("sum", NULL, 2, I(1), F(0.5)), F(1.5));
	EXPECT(agg("sum", NULL, 0), I(0));
	EXPECT(agg("sum", NULL, 2, dn_value_duration(1, 0, 0), dn_value_duration(0, 2, 0)),
	       dn_value_duration(1, 2, 0));
	/* Aggregation3 [2]: sum of 1000000..1000000+2999 does not overflow */
	{
		const dn_cy_func *s = dn_cy_func_lookup("sum", 3);
		dn_value v;
		cr_assert_eq(s->agg->init(&st), 0);
		for (i = 0; i < 3000; i++) {
			v = I(1000000 + i);
			cr_assert_eq(s->agg->step(st, &v, 1, errbuf, sizeof errbuf), 0);
		}
		s->agg->final(st, &r, errbuf, sizeof errbuf);
		s->agg->free(st);
		EXPECT(r, I(3004498500));
	}
	EXPECT(agg("avg", NULL, 4, I(1), I(2), N(), I(4)), F(7.0 / 3.0));
	EXPECT(agg("avg", NULL, 1, N()), N());
	EXPECT(agg("avg", NULL, 2, dn_value_duration(0, 1, 0), dn_value_duration(0, 3, 0)),
	       dn_value_duration(0, 2, 0));
}

Test(functions, aggregate_type_errors)
{
	const dn_cy_func *f = dn_cy_func_lookup("sum", 3);
	void *st;
	dn_value v = S("a"), big = I(INT64_MAX), one = I(1);

	cr_assert_eq(f->agg->init(&st), 0);
	cr_assert_eq(f->agg->step(st, &v, 1, errbuf, sizeof errbuf), DN_ETYPE);
	cr_assert_eq(f->agg->step(st, &big, 1, errbuf, sizeof errbuf), 0);
	cr_assert_eq(f->agg->step(st, &one, 1, errbuf, sizeof errbuf), DN_ERUNTIME);
	f->agg->free(st);
	dn_value_free(&v);
	f->agg->free(NULL);
}

Test(functions, collect) /* Aggregation5 [1], Aggregation8 [3], [4] */
{
	EXPECT(agg("collect", NULL, 3, N(), I(1), N()), L(1, I(1)));
	EXPECT(agg("collect", NULL, 2, N(), N()), L(0));
	EXPECT(agg("collect", NULL, 3, S("a"), L(1, I(1)), I(2)), L(3, S("a"), L(1, I(1)), I(2)));
}

Test(functions, stdev)
{
	dn_value r = agg("stDev", NULL, 4, I(2), I(4), I(4), I(4));
	cr_assert_float_eq(r.u.f, 1.0, 1e-12);
	r = agg("stDevP", NULL, 8, I(2), I(4), I(4), I(4), I(5), I(5), I(7), I(9));
	cr_assert_float_eq(r.u.f, 2.0, 1e-12);
	EXPECT(agg("stDev", NULL, 1, I(5)), F(0.0));
	EXPECT(agg("stDev", NULL, 0), F(0.0));
}

Test(functions, percentiles) /* Aggregation6 [1], [2] over prices 10, 20, 30 */
{
	static const double p[3] = { 0.0, 0.5, 1.0 }, want[3] = { 10.0, 20.0, 30.0 };
	int i;

	for (i = 0; i < 3; i++) {
		dn_value pc = F(p[i]);
		EXPECT(agg("percentileDisc", &pc, 3, F(10.0), F(20.0), F(30.0)), F(want[i]));
		EXPECT(agg("percentileCont", &pc, 3, F(10.0), F(20.0), F(30.0)), F(want[i]));
	}
	{
		dn_value q = F(0.25);
		EXPECT(agg("percentileCont", &q, 4, I(1), I(2), I(3), I(4)), F(1.75));
		EXPECT(agg("percentileDisc", &q, 4, I(4), I(3), I(2), I(1)), I(1));
		q = F(0.9);
		EXPECT(agg("percentileDisc", &q, 4, I(1), N(), I(3), I(2)), I(3));
		EXPECT(agg("percentileCont", &q, 1, N()), N());
	}
}

Test(functions, percentile_bad_argument) /* Aggregation6 [3], [4] */
{
	static const char *names[2] = { "percentileCont", "percentileDisc" };
	dn_value bad[2] = { I(1000), F(1.1) };
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			const dn_cy_func *f = dn_cy_func_lookup(names[i], strlen(names[i]));
			void *st;
			dn_value args[2] = { F(10.0), bad[j] };
			cr_assert_eq(f->agg->init(&st), 0);
			cr_assert_eq(f->agg->step(st, args, 2, errbuf, sizeof errbuf), DN_ERUNTIME);
			f->agg->free(st);
		}
}

static dn_value graph_value(int type)
{
	dn_value v = N();
	v.type = (uint8_t)type;
	v.u.i = 1;
	return v;
}

/* TypeConversion1 [5], TypeConversion2 [8], TypeConversion3/4 likewise:
 * lists, maps, nodes, relationships and paths are type errors. */
Test(functions, conversion_invalid_types)
{
	static const char *fns[4] = { "toBoolean", "toInteger", "toFloat", "toString" };
	int i;

	for (i = 0; i < 4; i++) {
		dn_value path = L(1, graph_value(DN_NODE));
		path.type = DN_PATH;
		call_fail(DN_ETYPE, fns[i], 1, L(0));
		call_fail(DN_ETYPE, fns[i], 1, M(0));
		call_fail(DN_ETYPE, fns[i], 1, graph_value(DN_NODE));
		call_fail(DN_ETYPE, fns[i], 1, graph_value(DN_REL));
		call_fail(DN_ETYPE, fns[i], 1, path);
	}
	call_fail(DN_ETYPE, "toBoolean", 1, F(1.0));
}

Test(functions, utf8_counts_code_points)
{
	EXPECT(call("substring", 3, S("añbçd"), I(1), I(3)), S("ñbç"));
	EXPECT(call("left", 2, S("ñandú"), I(2)), S("ña"));
	EXPECT(call("right", 2, S("ñandú"), I(2)), S("dú"));
	EXPECT(call("split", 2, S("aé"), S("")), L(2, S("a"), S("é")));
	EXPECT(call("toUpper", 1, S("é-a")), S("é-A")); /* ASCII-only case mapping */
}
