/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_temporal.c — unit suite for engine/temporal.c and engine/tz.c: ISO
 * 8601 parsing of every date and time form, Cypher's text of each type,
 * named zones read from the system's TZif files (a DST change either way,
 * the POSIX rule past the last transition, gaps and overlaps), the record
 * encoding round trip and the order of the new types' index keys. Expected
 * values are worked out by hand from the calendar, not taken from output.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dragnet.h"
#include "internal.h"
#include "keys.h"
#include "temporal.h"

static int32_t ymd(int y, int m, int d)
{
	int32_t days;
	cr_assert_eq(dn_date_from_ymd(y, m, d, &days), 0);
	return days;
}

static const char *text_of(const dn_value *v)
{
	static char buf[128];
	int n = dn_value_format(v, buf, sizeof buf);
	cr_assert(n > 0 && (size_t)n < sizeof buf);
	return buf;
}

static dn_value parse_ok(int type, const char *s)
{
	dn_value v;
	int rc = dn_temporal_parse(type, s, strlen(s), &v);
	cr_assert_eq(rc, 0, "%s: parse failed (%d)", s, rc);
	cr_assert_eq(v.type, type, "%s: type %d", s, v.type);
	return v;
}

#define NS(h, m, s, f) ((((int64_t)(h) * 60 + (m)) * 60 + (s)) * INT64_C(1000000000) + (f))

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

Test(temporal_parse, date_forms)
{
	/* 2015-07-21 is a Tuesday: ISO week 30, day 2; day 202 of the year. */
	static const char *const tuesday[] = { "2015-07-21", "20150721", "2015-W30-2", "2015W302",
		                               "2015-202", "2015202" };
	for (size_t i = 0; i < sizeof tuesday / sizeof tuesday[0]; i++) {
		dn_value v = parse_ok(DN_DATE, tuesday[i]);
		cr_assert_eq(v.u.date, ymd(2015, 7, 21), "%s", tuesday[i]);
	}
	cr_assert_eq(parse_ok(DN_DATE, "2015-W30").u.date, ymd(2015, 7, 20)); /* its Monday */
	cr_assert_eq(parse_ok(DN_DATE, "2015-07").u.date, ymd(2015, 7, 1));
	cr_assert_eq(parse_ok(DN_DATE, "201507").u.date, ymd(2015, 7, 1));
	cr_assert_eq(parse_ok(DN_DATE, "2015").u.date, ymd(2015, 1, 1));
	/* Week 1 of 2021 starts on 2021-01-04; 2020 has 53 weeks. */
	cr_assert_eq(parse_ok(DN_DATE, "2021-W01-1").u.date, ymd(2021, 1, 4));
	cr_assert_eq(parse_ok(DN_DATE, "2020-W53-7").u.date, ymd(2021, 1, 3));
	cr_assert_eq(parse_ok(DN_DATE, "-0044-03-15").u.date, ymd(-44, 3, 15));

	static const char *const bad[] = { "2015-13-01", "2015-02-29", "2019-W53-1", "2015-366",
		                           "2015-07-21T10:00", "15-07-21", "2015-W30-8", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		dn_value v;
		cr_assert_eq(dn_temporal_parse(DN_DATE, bad[i], strlen(bad[i]), &v), DN_EINVAL, "%s",
		             bad[i]);
	}
}

Test(temporal_parse, times_and_offsets)
{
	dn_value v = parse_ok(DN_LOCALTIME, "21:40:32.142");
	cr_assert_eq(v.u.datetime, (21 * 3600 + 40 * 60 + 32) * 1000 + 142);
	cr_assert_eq(v.u.tm_ns, 0);
	v = parse_ok(DN_LOCALTIME, "214032.123456789");
	cr_assert_eq(v.u.datetime * 1000000 + v.u.tm_ns, NS(21, 40, 32, 123456789));
	cr_assert_eq(parse_ok(DN_LOCALTIME, "2140").u.datetime, (21 * 60 + 40) * 60000);
	cr_assert_eq(parse_ok(DN_LOCALTIME, "21").u.datetime, 21 * 3600000);

	v = parse_ok(DN_TIME, "21:40:32+01:00");
	cr_assert_eq(v.u.tm_offset, 3600);
	cr_assert_eq(parse_ok(DN_TIME, "214032-0130").u.tm_offset, -5400);
	cr_assert_eq(parse_ok(DN_TIME, "2140-02").u.tm_offset, -7200);
	cr_assert_eq(parse_ok(DN_TIME, "22+18:00").u.tm_offset, 18 * 3600);
	cr_assert_eq(parse_ok(DN_TIME, "21:40").u.tm_offset, 0); /* none: UTC */

	dn_value bad;
	cr_assert_eq(dn_temporal_parse(DN_TIME, "24:00", 5, &bad), DN_EINVAL);
	cr_assert_eq(dn_temporal_parse(DN_TIME, "12:00+19:00", 11, &bad), DN_EINVAL);
	cr_assert_eq(dn_temporal_parse(DN_LOCALTIME, "12:00+01:00", 11, &bad), DN_EINVAL);
	cr_assert_eq(dn_temporal_parse(DN_LOCALTIME, "12:00:00.1234567890", 19, &bad), DN_EINVAL);
}

Test(temporal_parse, datetimes)
{
	/* 2015-07-21T21:40:32.142+01:00 is 20:40:32.142 UTC. */
	int64_t utc_ms = (int64_t)ymd(2015, 7, 21) * 86400000 + ((20 * 60 + 40) * 60 + 32) * 1000 + 142;
	dn_value v = parse_ok(DN_DATETIME, "2015-07-21T21:40:32.142+0100");
	cr_assert_eq(v.u.datetime, utc_ms);
	cr_assert_eq(v.u.tm_offset, 3600);
	cr_assert_eq(v.u.tm_zone, 0u);

	v = parse_ok(DN_LOCALDATETIME, "2015-W30-2T214032.142");
	cr_assert_eq(v.u.datetime, utc_ms + 3600000); /* the wall clock, read as UTC */
	v = parse_ok(DN_LOCALDATETIME, "2015T214032");
	cr_assert_eq(v.u.datetime, (int64_t)ymd(2015, 1, 1) * 86400000 + ((21 * 60 + 40) * 60 + 32) * 1000);

	v = parse_ok(DN_DATETIME, "2015-07-21");
	cr_assert_eq(v.u.datetime, (int64_t)ymd(2015, 7, 21) * 86400000);
	cr_assert_eq(v.u.tm_offset, 0);
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

Test(temporal_format, each_type)
{
	dn_value v = dn_value_localtime(NS(12, 31, 0, 0));
	cr_assert_str_eq(text_of(&v), "12:31"); /* zero seconds are left out */
	v = dn_value_localtime(NS(12, 31, 0, 500000000));
	cr_assert_str_eq(text_of(&v), "12:31:00.5");
	v = dn_value_localtime(NS(0, 0, 7, 1));
	cr_assert_str_eq(text_of(&v), "00:00:07.000000001");
	v = dn_value_time(NS(12, 0, 0, 0), 0);
	cr_assert_str_eq(text_of(&v), "12:00Z");
	v = dn_value_time(NS(12, 0, 0, 0), -(5 * 3600 + 30 * 60));
	cr_assert_str_eq(text_of(&v), "12:00-05:30");
	v = dn_value_time(NS(12, 0, 0, 0), 53 * 60 + 28);
	cr_assert_str_eq(text_of(&v), "12:00+00:53:28");
	v = dn_value_localdatetime((int64_t)ymd(1984, 10, 11) * 86400000 + 45296789, 123);
	cr_assert_str_eq(text_of(&v), "1984-10-11T12:34:56.789000123");
	v = dn_value_datetime((int64_t)ymd(2015, 7, 21) * 86400000);
	cr_assert_str_eq(text_of(&v), "2015-07-21T00:00Z");
	/* 20:40 UTC seen at +01:00 is 21:40 on the clock. */
	v = dn_value_datetime_at((int64_t)ymd(2015, 7, 21) * 86400000 + 74400000, 0, 3600, 0);
	cr_assert_str_eq(text_of(&v), "2015-07-21T21:40+01:00");
	v = dn_value_date(ymd(-44, 3, 15));
	cr_assert_str_eq(text_of(&v), "-0044-03-15");
	v = dn_value_duration(14, 3, NS(4, 0, 0, 500000000));
	cr_assert_str_eq(text_of(&v), "P1Y2M3DT4H0.5S");
	v = dn_value_int(1);
	cr_assert_eq(dn_value_format(&v, NULL, 0), -1);
}

Test(temporal_format, parse_then_text)
{
	static const struct {
		int type;
		const char *in, *out;
	} cases[] = {
		{ DN_DATE, "2015202", "2015-07-21" },
		{ DN_LOCALTIME, "214032.1420", "21:40:32.142" },
		{ DN_TIME, "2140-00:00", "21:40Z" },
		{ DN_TIME, "21:40:32+0100", "21:40:32+01:00" },
		{ DN_LOCALDATETIME, "2015-W30T2140", "2015-07-20T21:40" },
		{ DN_DATETIME, "2015202T21+18:00", "2015-07-21T21:00+18:00" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		dn_value v = parse_ok(cases[i].type, cases[i].in);
		cr_assert_str_eq(text_of(&v), cases[i].out, "%s", cases[i].in);
	}
}

/* ------------------------------------------------------------------ */
/* Zones                                                               */
/* ------------------------------------------------------------------ */

static uint32_t zone(const char *name)
{
	uint32_t z = 0;
	int rc = dn_tz_find(name, strlen(name), &z);
	cr_assert_eq(rc, 0, "%s: %d (is tzdata installed?)", name, rc);
	return z;
}

static int32_t off_utc(uint32_t z, int64_t t)
{
	int32_t off = 99;
	cr_assert_eq(dn_tz_offset_utc(z, t, &off), 0);
	return off;
}

static int32_t off_local(uint32_t z, int64_t t)
{
	int32_t off = 99;
	cr_assert_eq(dn_tz_offset_local(z, t, &off), 0);
	return off;
}

Test(temporal_zone, stockholm_dst_both_ways)
{
	uint32_t z = zone("Europe/Stockholm");
	/* EU rule: summer time from the last Sunday of March 01:00 UTC
	 * (2017-03-26) to the last Sunday of October 01:00 UTC (2017-10-29). */
	int64_t spring = (int64_t)ymd(2017, 3, 26) * 86400 + 3600;
	int64_t autumn = (int64_t)ymd(2017, 10, 29) * 86400 + 3600;

	cr_assert_eq(zone("Europe/Stockholm"), z, "the same zone twice");
	cr_assert_str_eq(dn_tz_name(z), "Europe/Stockholm");
	cr_assert_eq(off_utc(z, spring - 1), 3600);
	cr_assert_eq(off_utc(z, spring), 7200);
	cr_assert_eq(off_utc(z, autumn - 1), 7200);
	cr_assert_eq(off_utc(z, autumn), 3600);
	/* Past the last transition in the file: the footer's POSIX rule. */
	cr_assert_eq(off_utc(z, (int64_t)ymd(2100, 7, 1) * 86400), 7200);
	cr_assert_eq(off_utc(z, (int64_t)ymd(2100, 1, 1) * 86400), 3600);

	/* 02:30 on 2017-03-26 does not exist: the offset before the gap. */
	cr_assert_eq(off_local(z, (int64_t)ymd(2017, 3, 26) * 86400 + 9000), 3600);
	/* 02:30 on 2017-10-29 happens twice: the earlier offset. */
	cr_assert_eq(off_local(z, (int64_t)ymd(2017, 10, 29) * 86400 + 9000), 7200);
	cr_assert_eq(off_local(z, (int64_t)ymd(2017, 7, 1) * 86400), 7200);
}

Test(temporal_zone, datetimes_in_a_zone)
{
	dn_value v = parse_ok(DN_DATETIME, "2017-03-26T02:30[Europe/Stockholm]");
	/* In the gap: the clock moves on to 03:30, summer time. */
	cr_assert_str_eq(text_of(&v), "2017-03-26T03:30+02:00[Europe/Stockholm]");
	v = parse_ok(DN_DATETIME, "2015-07-21T21:40:32.142-04[America/New_York]");
	cr_assert_str_eq(text_of(&v), "2015-07-21T21:40:32.142-04:00[America/New_York]");
	cr_assert_eq(v.u.datetime % 1000, 142);
	/* New York's winter: UTC-5 (Eastern Standard Time). */
	v = parse_ok(DN_DATETIME, "2015-01-21T12:00[America/New_York]");
	cr_assert_eq(v.u.tm_offset, -5 * 3600);
	cr_assert_eq(v.u.datetime, (int64_t)ymd(2015, 1, 21) * 86400000 + 17 * 3600000);

	uint32_t z;
	dn_value bad;
	cr_assert_eq(dn_tz_find("Nowhere/Atlantis", 16, &z), DN_ENOTFOUND);
	cr_assert_eq(dn_tz_find("../etc/passwd", 13, &z), DN_EINVAL);
	cr_assert_eq(dn_temporal_parse(DN_DATETIME, "2015-07-21T12:00[Nowhere/Atlantis]", 34, &bad),
	             DN_ENOTFOUND);
	cr_assert_null(dn_tz_name(0));
}

/* ------------------------------------------------------------------ */
/* Storage                                                             */
/* ------------------------------------------------------------------ */

Test(temporal_store, record_round_trip)
{
	dn_value vals[] = {
		dn_value_localtime(NS(23, 59, 59, 999999999)),
		dn_value_time(NS(1, 2, 3, 4), -(9 * 3600 + 30 * 60)),
		dn_value_localdatetime(-86400001, 5),
		dn_value_datetime(1709280000000),
		dn_value_datetime_at(-1, 999999, 3600, 0),
		parse_ok(DN_DATETIME, "1818-07-21T21:40:32.142[Europe/Stockholm]"),
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		dn_buf b = { 0 };
		dn_arena a = { 0 };
		dn_value back;
		cr_assert_eq(dn_value_encode(&b, &vals[i]), 0);
		cr_assert_eq(dn_value_decode(b.p, b.p + b.len, &a, &back), b.len, "value %zu", i);
		cr_assert_eq(dn_value_compare(&back, &vals[i]), 0, "value %zu", i);
		cr_assert_eq(back.u.tm_zone, vals[i].u.tm_zone);
		dn_buf_free(&b);
		dn_arena_reset(&a);
	}
	/* A plain DATETIME keeps the old short form: type byte, zigzag ms. */
	dn_buf b = { 0 };
	dn_value plain = dn_value_datetime(1);
	cr_assert_eq(dn_value_encode(&b, &plain), 0);
	cr_assert_eq(b.len, 2);
	cr_assert_eq(b.p[0], DN_DATETIME);
	cr_assert_eq(b.p[1], 2); /* zigzag(1) */
	dn_buf_free(&b);
}

static int key_cmp(const dn_value *x, const dn_value *y)
{
	uint8_t kx[DN_KEY_VALUE_MAX], ky[DN_KEY_VALUE_MAX];
	size_t nx = dn_key_put_value(kx, sizeof kx, x), ny = dn_key_put_value(ky, sizeof ky, y);
	int r = memcmp(kx, ky, nx < ny ? nx : ny);
	return r ? (r > 0) - (r < 0) : (nx > ny) - (nx < ny);
}

Test(temporal_store, key_order_with_zones)
{
	/* Ascending by hand: an instant before another, then within the same
	 * instant the plain UTC value first. */
	uint32_t z = zone("Europe/Stockholm");
	dn_value asc[] = {
		dn_value_date(0),
		dn_value_localtime(0),
		dn_value_time(NS(1, 0, 0, 0), 3600), /* 00:00 UTC */
		dn_value_time(NS(0, 30, 0, 0), 0),   /* 00:30 UTC */
		dn_value_localdatetime(0, 0),
		dn_value_datetime(0),
		dn_value_datetime_at(0, 0, 3600, z),
		dn_value_datetime_at(1, 0, 0, 0),
		dn_value_duration(0, 0, 0),
	};
	size_t n = sizeof asc / sizeof asc[0];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			cr_assert_eq(dn_value_compare(&asc[i], &asc[j]) > 0, want > 0, "%zu vs %zu", i, j);
			cr_assert_eq(dn_value_compare(&asc[i], &asc[j]) < 0, want < 0, "%zu vs %zu", i, j);
			cr_assert_eq(key_cmp(&asc[i], &asc[j]), want, "keys %zu vs %zu", i, j);
		}
}
