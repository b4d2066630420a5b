/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions_temporal.c — Cypher's temporal functions over the six temporal
 * types: the constructors date(), localtime(), time(), localdatetime(),
 * datetime() from ISO-8601 text, a map of components (calendar, week,
 * quarter and ordinal dates; parts selected from other temporal values) or
 * another temporal value; X.truncate(); datetime.fromepoch[millis]();
 * duration() and duration.between/inMonths/inDays/inSeconds(). Accessors
 * (d.year, t.offset, dur.minutesOfHour...) are in functions_temporal_field.c.
 * Values are built through dn_tm (engine/temporal.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dragnet.h"
#include "functions_internal.h"
#include "internal.h"
#include "temporal.h"
#include "value_ops.h"

#define NS_PER_SEC DN_NS_PER_SEC
#define NS_PER_DAY DN_NS_PER_DAY
#define DAYS_PER_MONTH 30.436875

/* The type's name as Cypher's functions spell it. */
static const char *tm_fn_name(int type)
{
	switch (type) { /* names only */
	case DN_DATE: return "date";
	case DN_LOCALTIME: return "localtime";
	case DN_TIME: return "time";
	case DN_LOCALDATETIME: return "localdatetime";
	default: return "datetime";
	}
}

static bool tm_has_date(int type)
{
	return type == DN_DATE || type == DN_LOCALDATETIME || type == DN_DATETIME;
}

static bool tm_has_time(int type)
{
	return type == DN_LOCALTIME || type == DN_TIME || type == DN_LOCALDATETIME ||
	       type == DN_DATETIME;
}

static bool tm_has_offset(int type)
{
	return type == DN_TIME || type == DN_DATETIME;
}

static int tm_bad(char *err, size_t cap, const char *what, const dn_value *v)
{
	if (v->type == DN_STRING)
		return dn_cy_error(err, cap, DN_ERUNTIME, "invalid %s '%.*s'", what,
		                   (int)(v->len > 64 ? 64 : v->len), v->u.s);
	return dn_cy_error(err, cap, DN_ERUNTIME, "invalid %s", what);
}

static int tm_make(int type, const dn_tm *t, dn_value *out, char *err, size_t cap)
{
	int rc = dn_tm_make(type, t, out);
	if (rc)
		return dn_cy_error(err, cap, DN_ERUNTIME, "%s value out of range", tm_fn_name(type));
	return 0;
}

/* A zone or offset text ("+01:00", "Z", "Europe/Stockholm"): *zone is
 * set for a named zone, else *off. */
static int tm_zone_arg(const dn_value *tz, int32_t *off, uint32_t *zone, char *err, size_t cap)
{
	dn_value t;
	int rc;

	*off = 0;
	*zone = 0;
	if (tz->type != DN_STRING)
		return dn_cy_error(err, cap, DN_ETYPE, "timezone must be a STRING");
	if (tz->len > 0 && (tz->u.s[0] == '+' || tz->u.s[0] == '-' || tz->u.s[0] == 'Z')) {
		char buf[32];
		int n = snprintf(buf, sizeof buf, "00:00%.*s", (int)(tz->len > 20 ? 20 : tz->len),
		                 tz->u.s);
		if (dn_temporal_parse(DN_TIME, buf, (size_t)n, &t) != 0)
			return tm_bad(err, cap, "time zone", tz);
		*off = t.u.tm_offset;
		return 0;
	}
	if (tz->len == 3 && strncasecmp(tz->u.s, "UTC", 3) == 0)
		return 0;
	rc = dn_tz_find(tz->u.s, tz->len, zone);
	if (rc == DN_ENOTFOUND)
		return dn_cy_error(err, cap, DN_ERUNTIME,
		                   "unknown time zone '%.*s' (no such file under /usr/share/zoneinfo: "
		                   "is tzdata installed?)",
		                   (int)(tz->len > 64 ? 64 : tz->len), tz->u.s);
	if (rc)
		return tm_bad(err, cap, "time zone", tz);
	return 0;
}

/* The offset a zone (or fixed offset) has at the instant utc_s. */
static int32_t tm_offset_at(uint32_t zone, int32_t off, int64_t utc_s)
{
	if (zone)
		dn_tz_offset_utc(zone, utc_s, &off);
	return off;
}

/* Re-expresses t (its local time at t->offset) in another zone/offset. */
static void tm_convert(dn_tm *t, int32_t off, uint32_t zone)
{
	int64_t local = t->days * 86400 + t->nod / NS_PER_SEC, utc;

	if (t->zone) /* its zone's offset on its (maybe new) date */
		dn_tz_offset_local(t->zone, local, &t->offset);
	utc = local - t->offset;

	off = tm_offset_at(zone, off, utc);
	local = utc + off;
	t->days = dn_floor_div(local, 86400);
	t->nod = dn_floor_mod(local, 86400) * NS_PER_SEC + t->nod % NS_PER_SEC;
	t->offset = off;
	t->zone = zone;
}

/* The statement clock: what date(), datetime()... and X.statement() read
 * while a statement runs on this thread (set by dn_cy_clock_begin), so
 * that every call in one statement sees the same time. */
static _Thread_local struct timespec tm_stmt_clock;
static _Thread_local bool tm_stmt_clock_set;

void dn_cy_clock_begin(const struct timespec *now)
{
	tm_stmt_clock = *now;
	tm_stmt_clock_set = true;
}

void dn_cy_clock_end(void)
{
	tm_stmt_clock_set = false;
}

/* The current time in zone/offset, as type: the statement's time, or
 * the real time when realtime is set or no statement runs. */
static int tm_now(int type, int32_t off, uint32_t zone, bool realtime, dn_value *out, char *err,
                  size_t cap)
{
	struct timespec ts;
	dn_tm t = { 0, 0, 0, 0 };

	if (tm_stmt_clock_set && !realtime)
		ts = tm_stmt_clock;
	else
		clock_gettime(CLOCK_REALTIME, &ts);
	t.days = dn_floor_div(ts.tv_sec, 86400);
	t.nod = dn_floor_mod(ts.tv_sec, 86400) * NS_PER_SEC + ts.tv_nsec;
	tm_convert(&t, off, zone);
	return tm_make(type, &t, out, err, cap);
}

/* ---- maps of components ---- */

/* What a map construction starts from and has so far. */
typedef struct tm_build {
	dn_tm t;
	bool has_date, has_time, has_off; /* parts taken from other values */
} tm_build;

static const char *const tm_keys[] = {
	"date", "time", "datetime", "year", "month", "day", "week", "dayOfWeek", "quarter",
	"dayOfQuarter", "ordinalDay", "hour", "minute", "second", "millisecond", "microsecond",
	"nanosecond", "timezone", "epochSeconds", "epochMillis",
};

static int tm_get_int(const dn_value *m, const char *key, bool *has, int64_t *out, char *err,
                      size_t cap)
{
	const dn_value *v = dn_cy_map_get(m, key, strlen(key));

	*has = false;
	if (!v || v->type == DN_NULL)
		return 0;
	if (v->type != DN_INT)
		return dn_cy_error(err, cap, DN_ETYPE, "temporal component %s must be an INTEGER", key);
	*has = true;
	*out = v->u.i;
	return 0;
}

/* Takes the parts of another temporal value named by key: "date",
 * "time" or "datetime". */
static int tm_select(tm_build *b, const dn_value *m, const char *key, char *err, size_t cap)
{
	const dn_value *v = dn_cy_map_get(m, key, strlen(key));
	bool want_date = key[0] == 'd', want_time = strcmp(key, "date") != 0;
	dn_tm o;

	if (!v || v->type == DN_NULL)
		return 0;
	if (!DN_TYPE_TEMPORAL(v->type) || v->type == DN_DURATION)
		return dn_cy_error(err, cap, DN_ETYPE, "%s must be a temporal value", key);
	dn_tm_of(v, &o);
	if (want_date && tm_has_date(v->type)) {
		b->t.days = o.days;
		b->has_date = true;
	}
	if (want_time && tm_has_time(v->type)) {
		b->t.nod = o.nod;
		b->has_time = true;
	}
	if (want_time && tm_has_offset(v->type)) {
		b->t.offset = o.offset;
		b->t.zone = o.zone;
		b->has_off = true;
	}
	return 0;
}

/* Year, month, day, week, quarter, ordinal fields over the base date. */
static int tm_date_fields(tm_build *b, const dn_value *m, bool *any, char *err, size_t cap)
{
	int64_t y = 0, mo = 1, d = 1, w = 1, dow = 1, q = 1, dq = 1, od = 1;
	bool hy, hmo, hd, hw, hdow, hq, hdq, hod;
	int64_t by = 1970;
	unsigned bm = 1, bd = 1;
	int rc;

	if ((rc = tm_get_int(m, "year", &hy, &y, err, cap)) ||
	    (rc = tm_get_int(m, "month", &hmo, &mo, err, cap)) ||
	    (rc = tm_get_int(m, "day", &hd, &d, err, cap)) ||
	    (rc = tm_get_int(m, "week", &hw, &w, err, cap)) ||
	    (rc = tm_get_int(m, "dayOfWeek", &hdow, &dow, err, cap)) ||
	    (rc = tm_get_int(m, "quarter", &hq, &q, err, cap)) ||
	    (rc = tm_get_int(m, "dayOfQuarter", &hdq, &dq, err, cap)) ||
	    (rc = tm_get_int(m, "ordinalDay", &hod, &od, err, cap)))
		return rc;
	*any = hy || hmo || hd || hw || hdow || hq || hdq || hod;
	if (!*any)
		return 0;
	if (!hy && !b->has_date)
		return dn_cy_error(err, cap, DN_ERUNTIME, "a temporal map needs a year");
	if (b->has_date)
		dn_cal_civil(b->t.days, &by, &bm, &bd);
	if (!hy)
		y = by;
	if (y < -999999999 || y > 999999999)
		goto bad;
	if (hw || hdow) { /* week date: week-year, week, day of week */
		if (b->has_date) {
			int64_t thursday = b->t.days - dn_cal_dow(b->t.days) + 4, ty;
			unsigned tmm, tdd;
			dn_cal_civil(thursday, &ty, &tmm, &tdd);
			if (!hy)
				y = ty;
			if (!hw)
				w = (thursday - dn_cal_week1(ty)) / 7 + 1;
			if (!hdow)
				dow = dn_cal_dow(b->t.days);
		}
		if (w < 1 || w > dn_cal_weeks_in_year(y) || dow < 1 || dow > 7)
			goto bad;
		b->t.days = dn_cal_week1(y) + (w - 1) * 7 + dow - 1;
	} else if (hod) {
		if (od < 1 || od > (dn_cal_is_leap(y) ? 366 : 365))
			goto bad;
		b->t.days = dn_cal_days(y, 1, 1) + od - 1;
	} else if (hq || hdq) {
		if (b->has_date) {
			int64_t qs = dn_cal_days(by, (bm - 1) / 3 * 3 + 1, 1);
			if (!hq)
				q = (bm - 1) / 3 + 1;
			if (!hdq)
				dq = b->t.days - qs + 1;
		}
		if (q < 1 || q > 4 || dq < 1)
			goto bad;
		int64_t start = dn_cal_days(y, (unsigned)(q - 1) * 3 + 1, 1);
		int64_t next = q == 4 ? dn_cal_days(y + 1, 1, 1) : dn_cal_days(y, (unsigned)q * 3 + 1, 1);
		if (start + dq - 1 >= next)
			goto bad;
		b->t.days = start + dq - 1;
	} else {
		if (b->has_date) {
			if (!hmo)
				mo = bm;
			if (!hd)
				d = bd;
		}
		if (mo < 1 || mo > 12 || d < 1 || d > dn_cal_days_in_month(y, (unsigned)mo))
			goto bad;
		b->t.days = dn_cal_days(y, (unsigned)mo, (unsigned)d);
	}
	b->has_date = true;
	return 0;
bad:
	return dn_cy_error(err, cap, DN_ERUNTIME, "invalid date components");
}

/* levels: a truncation's map, where millisecond, microsecond and
 * nanosecond each set their three digits of the fraction (java.time's
 * MILLI_OF_SECOND...); else they add up to the whole fraction. */
static int tm_time_fields(tm_build *b, const dn_value *m, bool levels, bool *any, char *err,
                          size_t cap)
{
	int64_t v[6] = { 0, 0, 0, 0, 0, 0 };
	bool h[6];
	static const char *const names[6] = { "hour",        "minute",      "second",
		                               "millisecond", "microsecond", "nanosecond" };
	static const int64_t lim[6] = { 24, 60, 60, 1000, 1000000, 1000000000 };
	int64_t base = b->has_time ? b->t.nod : 0, hh, mi, ss, frac;
	int rc, i;

	*any = false;
	for (i = 0; i < 6; i++) {
		if ((rc = tm_get_int(m, names[i], &h[i], &v[i], err, cap)) != 0)
			return rc;
		if (h[i] && (v[i] < 0 || v[i] >= lim[i]))
			return dn_cy_error(err, cap, DN_ERUNTIME, "invalid value for %s: %lld",
			                   names[i], (long long)v[i]);
		*any = *any || h[i];
	}
	if (!*any)
		return 0;
	hh = h[0] ? v[0] : base / (3600 * NS_PER_SEC);
	mi = h[1] ? v[1] : base / (60 * NS_PER_SEC) % 60;
	ss = h[2] ? v[2] : base / NS_PER_SEC % 60;
	frac = base % NS_PER_SEC;
	if (h[3] || h[4] || h[5]) {
		if (levels) /* each given unit replaces its own digits only */
			frac = (h[3] ? v[3] : frac / 1000000) * 1000000 +
			       (h[4] ? v[4] % 1000 : frac / 1000 % 1000) * 1000 +
			       (h[5] ? v[5] % 1000 : frac % 1000);
		else
			frac = v[3] * 1000000 + v[4] * 1000 + v[5];
	}
	if (frac >= NS_PER_SEC)
		return dn_cy_error(err, cap, DN_ERUNTIME, "invalid fraction of a second");
	b->t.nod = ((hh * 60 + mi) * 60 + ss) * NS_PER_SEC + frac;
	b->has_time = true;
	return 0;
}

/* datetime({epochSeconds | epochMillis [, nanosecond]}). */
static int tm_from_epoch(int64_t sec, int64_t ns, dn_value *out, char *err, size_t cap)
{
	dn_tm t = { 0, 0, 0, 0 };

	sec += dn_floor_div(ns, NS_PER_SEC);
	ns = dn_floor_mod(ns, NS_PER_SEC);
	t.days = dn_floor_div(sec, 86400);
	t.nod = dn_floor_mod(sec, 86400) * NS_PER_SEC + ns;
	return tm_make(DN_DATETIME, &t, out, err, cap);
}

/* Builds a value of type from a map; b holds what a truncation left
 * (convert false: a timezone then replaces the zone instead of moving the
 * instant into it). */
static int tm_from_map(int type, const dn_value *m, tm_build *b, bool convert, dn_value *out,
                       char *err, size_t cap)
{
	const dn_value *tz = dn_cy_map_get(m, "timezone", 8);
	bool any_date, any_time, h1, h2, h3;
	int64_t es, em, ns = 0;
	uint32_t i;
	size_t k;
	int rc;

	for (i = 0; i < m->len; i++) {
		const dn_value *key = &m->u.list[2 * i];
		for (k = 0; k < sizeof tm_keys / sizeof tm_keys[0]; k++)
			if (strlen(tm_keys[k]) == key->len && memcmp(tm_keys[k], key->u.s, key->len) == 0)
				break;
		if (k == sizeof tm_keys / sizeof tm_keys[0])
			return dn_cy_error(err, cap, DN_ERUNTIME, "unknown %s component '%.*s'",
			                   tm_fn_name(type), (int)key->len, key->u.s);
	}
	if ((rc = tm_get_int(m, "epochSeconds", &h1, &es, err, cap)) ||
	    (rc = tm_get_int(m, "epochMillis", &h2, &em, err, cap)) ||
	    (rc = tm_get_int(m, "nanosecond", &h3, &ns, err, cap)))
		return rc;
	if (h1 || h2) {
		if (type != DN_DATETIME)
			return dn_cy_error(err, cap, DN_ERUNTIME, "epoch components need datetime()");
		return tm_from_epoch(h1 ? es : dn_floor_div(em, 1000),
		                     (h1 ? 0 : dn_floor_mod(em, 1000) * 1000000) + ns, out, err, cap);
	}
	if ((rc = tm_select(b, m, "datetime", err, cap)) || (rc = tm_select(b, m, "date", err, cap)) ||
	    (rc = tm_select(b, m, "time", err, cap)))
		return rc;
	if ((rc = tm_date_fields(b, m, &any_date, err, cap)) ||
	    (rc = tm_time_fields(b, m, !convert, &any_time, err, cap)))
		return rc;
	if (tm_has_date(type) && !b->has_date) {
		if (m->len == 1 && tz && tz->type != DN_NULL) { /* date({timezone: ...}): now */
			int32_t off;
			uint32_t zone;
			if ((rc = tm_zone_arg(tz, &off, &zone, err, cap)) != 0)
				return rc;
			return tm_now(type, off, zone, false, out, err, cap);
		}
		return dn_cy_error(err, cap, DN_ERUNTIME, "%s map needs a year or a date",
		                   tm_fn_name(type));
	}
	if (tz && tz->type != DN_NULL && tm_has_offset(type)) {
		int32_t off;
		uint32_t zone;
		if ((rc = tm_zone_arg(tz, &off, &zone, err, cap)) != 0)
			return rc;
		if (type == DN_TIME && zone) { /* a time takes the zone's offset now */
			off = tm_offset_at(zone, 0, time(NULL));
			zone = 0;
		}
		if (convert && b->has_off) {
			tm_convert(&b->t, off, zone);
		} else {
			b->t.offset = off;
			b->t.zone = zone;
		}
	}
	if (type == DN_TIME) /* a time keeps the offset alone */
		b->t.zone = 0;
	if (!tm_has_date(type))
		b->t.days = 0;
	return tm_make(type, &b->t, out, err, cap);
}

/* ---- constructors ---- */

static int tm_construct(int type, const dn_value *a, size_t n, dn_value *out, char *err,
                        size_t cap)
{
	tm_build b;
	dn_tm o;
	int rc;

	*out = dn_value_null();
	memset(&b, 0, sizeof b);
	if (n == 0)
		return tm_now(type, 0, 0, false, out, err, cap);
	switch (a->type) { /* by argument type */
	case DN_NULL:
		return 0;
	case DN_STRING:
		rc = dn_temporal_parse(type, a->u.s, a->len, out);
		if (rc == DN_ENOTFOUND)
			return dn_cy_error(err, cap, DN_ERUNTIME,
			                   "unknown time zone in '%.*s' (is tzdata installed?)",
			                   (int)(a->len > 64 ? 64 : a->len), a->u.s);
		return rc ? tm_bad(err, cap, tm_fn_name(type), a) : 0;
	case DN_MAP:
		return tm_from_map(type, a, &b, true, out, err, cap);
	default:
		if (!DN_TYPE_TEMPORAL(a->type) || a->type == DN_DURATION)
			return dn_fn_arg_type(tm_fn_name(type), 1, a, err, cap);
		if ((tm_has_date(type) && !tm_has_date(a->type)) ||
		    (!tm_has_date(type) && !tm_has_time(a->type)))
			return dn_fn_arg_type(tm_fn_name(type), 1, a, err, cap);
		dn_tm_of(a, &o);
		if (!tm_has_offset(a->type)) /* a local value is read as UTC */
			o.offset = 0, o.zone = 0;
		if (type == DN_TIME)
			o.zone = 0;
		if (!tm_has_date(type))
			o.days = 0;
		return tm_make(type, &o, out, err, cap);
	}
}

/* One registry entry per type and operation, each a call of the shared
 * implementation with the type: date(), localtime(), ..., date.truncate(). */
#define TM_TYPED_FN(fname, impl, type)                                                   \
	int fname(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)     \
	{                                                                                \
		return impl(type, a, n, out, err, cap);                                  \
	}

TM_TYPED_FN(dn_fn_date, tm_construct, DN_DATE)
TM_TYPED_FN(dn_fn_localtime, tm_construct, DN_LOCALTIME)
TM_TYPED_FN(dn_fn_time, tm_construct, DN_TIME)
TM_TYPED_FN(dn_fn_localdatetime, tm_construct, DN_LOCALDATETIME)
TM_TYPED_FN(dn_fn_datetime, tm_construct, DN_DATETIME)

/* datetime.fromepoch(seconds, nanoseconds), datetime.fromepochmillis(ms). */
int dn_fn_datetime_fromepoch(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	*out = dn_value_null();
	if (a[0].type == DN_NULL || (n > 1 && a[1].type == DN_NULL))
		return 0;
	if (a[0].type != DN_INT)
		return dn_fn_arg_type("datetime.fromepoch", 1, &a[0], err, cap);
	if (n > 1 && a[1].type != DN_INT)
		return dn_fn_arg_type("datetime.fromepoch", 2, &a[1], err, cap);
	return tm_from_epoch(a[0].u.i, n > 1 ? a[1].u.i : 0, out, err, cap);
}

int dn_fn_datetime_fromepochmillis(const dn_value *a, size_t n, dn_value *out, char *err,
                                   size_t cap)
{
	(void)n;
	*out = dn_value_null();
	if (a[0].type == DN_NULL)
		return 0;
	if (a[0].type != DN_INT)
		return dn_fn_arg_type("datetime.fromepochmillis", 1, &a[0], err, cap);
	return tm_from_epoch(dn_floor_div(a[0].u.i, 1000), dn_floor_mod(a[0].u.i, 1000) * 1000000,
	                     out, err, cap);
}

/* X.statement([tz]), X.transaction([tz]) (both the statement's time) and
 * X.realtime([tz]). */
static int tm_clock(int type, bool realtime, const dn_value *a, size_t n, dn_value *out,
                    char *err, size_t cap)
{
	int32_t off = 0;
	uint32_t zone = 0;
	int rc;

	*out = dn_value_null();
	if (n > 0) {
		if (a->type == DN_NULL)
			return 0;
		if ((rc = tm_zone_arg(a, &off, &zone, err, cap)) != 0)
			return rc;
	}
	return tm_now(type, off, zone, realtime, out, err, cap);
}

static int tm_clock_statement(int type, const dn_value *a, size_t n, dn_value *out, char *err,
                              size_t cap)
{
	return tm_clock(type, false, a, n, out, err, cap);
}

static int tm_clock_real(int type, const dn_value *a, size_t n, dn_value *out, char *err,
                         size_t cap)
{
	return tm_clock(type, true, a, n, out, err, cap);
}

TM_TYPED_FN(dn_fn_date_statement, tm_clock_statement, DN_DATE)
TM_TYPED_FN(dn_fn_localtime_statement, tm_clock_statement, DN_LOCALTIME)
TM_TYPED_FN(dn_fn_time_statement, tm_clock_statement, DN_TIME)
TM_TYPED_FN(dn_fn_localdatetime_statement, tm_clock_statement, DN_LOCALDATETIME)
TM_TYPED_FN(dn_fn_datetime_statement, tm_clock_statement, DN_DATETIME)
TM_TYPED_FN(dn_fn_date_realtime, tm_clock_real, DN_DATE)
TM_TYPED_FN(dn_fn_localtime_realtime, tm_clock_real, DN_LOCALTIME)
TM_TYPED_FN(dn_fn_time_realtime, tm_clock_real, DN_TIME)
TM_TYPED_FN(dn_fn_localdatetime_realtime, tm_clock_real, DN_LOCALDATETIME)
TM_TYPED_FN(dn_fn_datetime_realtime, tm_clock_real, DN_DATETIME)

/* ---- truncate ---- */

typedef struct tm_unit_trunc {
	const char *name;
	bool date_unit; /* truncates the date (and zeroes the time) */
	int64_t years;  /* date units: 1000, 100, 10, 1; 0 for the others */
	int64_t ns;     /* time units: the unit in nanoseconds */
} tm_unit_trunc;

static const tm_unit_trunc tm_trunc_units[] = {
	{ "millennium", true, 1000, 0 }, { "century", true, 100, 0 },
	{ "decade", true, 10, 0 },       { "year", true, 1, 0 },
	{ "weekYear", true, 0, 0 },      { "quarter", true, 0, 0 },
	{ "month", true, 0, 0 },         { "week", true, 0, 0 },
	{ "day", true, 0, 0 },           { "hour", false, 0, 3600 * NS_PER_SEC },
	{ "minute", false, 0, 60 * NS_PER_SEC }, { "second", false, 0, NS_PER_SEC },
	{ "millisecond", false, 0, 1000000 },    { "microsecond", false, 0, 1000 },
};

static int64_t tm_trunc_date(const tm_unit_trunc *u, int64_t days)
{
	int64_t y;
	unsigned m, d;

	dn_cal_civil(days, &y, &m, &d);
	if (u->years)
		return dn_cal_days(dn_floor_div(y, u->years) * u->years, 1, 1);
	if (strcmp(u->name, "weekYear") == 0) {
		int64_t thursday = days - dn_cal_dow(days) + 4, ty;
		dn_cal_civil(thursday, &ty, &m, &d);
		return dn_cal_week1(ty);
	}
	if (strcmp(u->name, "quarter") == 0)
		return dn_cal_days(y, (m - 1) / 3 * 3 + 1, 1);
	if (strcmp(u->name, "month") == 0)
		return dn_cal_days(y, m, 1);
	if (strcmp(u->name, "week") == 0)
		return days - dn_cal_dow(days) + 1;
	return days;
}

static int tm_truncate(int type, const dn_value *a, size_t n, dn_value *out, char *err,
                       size_t cap)
{
	static const dn_value empty = { .type = DN_MAP };
	const tm_unit_trunc *u = NULL;
	const dn_value *v = &a[1], *m = n > 2 ? &a[2] : &empty;
	char fname[32];
	tm_build b;
	size_t k;

	*out = dn_value_null();
	snprintf(fname, sizeof fname, "%s.truncate", tm_fn_name(type));
	if (a[0].type == DN_NULL || v->type == DN_NULL)
		return 0;
	if (a[0].type != DN_STRING)
		return dn_fn_arg_type(fname, 1, &a[0], err, cap);
	for (k = 0; k < sizeof tm_trunc_units / sizeof tm_trunc_units[0]; k++)
		if (strlen(tm_trunc_units[k].name) == a[0].len &&
		    strncasecmp(tm_trunc_units[k].name, a[0].u.s, a[0].len) == 0)
			u = &tm_trunc_units[k];
	if (!u)
		return tm_bad(err, cap, "truncation unit", &a[0]);
	if (m->type == DN_NULL)
		m = &empty;
	if (m->type != DN_MAP)
		return dn_fn_arg_type(fname, 3, m, err, cap);
	if (!DN_TYPE_TEMPORAL(v->type) || v->type == DN_DURATION ||
	    (tm_has_date(type) && !tm_has_date(v->type)) ||
	    (!tm_has_date(type) && !tm_has_time(v->type)))
		return dn_fn_arg_type(fname, 2, v, err, cap);
	if (u->date_unit && !tm_has_date(type) && strcmp(u->name, "day") != 0)
		return dn_cy_error(err, cap, DN_ERUNTIME, "cannot truncate %s to unit %s",
		                   tm_fn_name(type), u->name);
	memset(&b, 0, sizeof b);
	dn_tm_of(v, &b.t);
	b.has_date = tm_has_date(v->type);
	b.has_time = true;
	b.has_off = tm_has_offset(v->type);
	if (u->date_unit) {
		if (b.has_date)
			b.t.days = tm_trunc_date(u, b.t.days);
		b.t.nod = 0;
	} else {
		b.t.nod -= b.t.nod % u->ns;
	}
	return tm_from_map(type, m, &b, false, out, err, cap);
}

TM_TYPED_FN(dn_fn_date_truncate, tm_truncate, DN_DATE)
TM_TYPED_FN(dn_fn_localtime_truncate, tm_truncate, DN_LOCALTIME)
TM_TYPED_FN(dn_fn_time_truncate, tm_truncate, DN_TIME)
TM_TYPED_FN(dn_fn_localdatetime_truncate, tm_truncate, DN_LOCALDATETIME)
TM_TYPED_FN(dn_fn_datetime_truncate, tm_truncate, DN_DATETIME)

/* ---- duration ---- */

enum { TM_MONTHS, TM_DAYS, TM_NANOS };

/* Accumulates a duration from components; fractions cascade to the next
 * smaller unit (a month is 30.436875 days, a day 86400 s). */
typedef struct tm_dur {
	int64_t v[3];
	double frac[3];
	bool overflow;
} tm_dur;

static void tm_dur_add_int(tm_dur *d, int unit, int64_t x, int64_t mult)
{
	int64_t p;
	if (__builtin_mul_overflow(x, mult, &p) || __builtin_add_overflow(d->v[unit], p, &d->v[unit]))
		d->overflow = true;
}

static void tm_dur_add_float(tm_dur *d, int unit, double x)
{
	d->frac[unit] += x;
}

static int tm_dur_finish(tm_dur *d, dn_value *out, char *err, size_t cap)
{
	double w;
	int u;

	for (u = TM_MONTHS; u <= TM_NANOS; u++) {
		double x = d->frac[u];
		w = u == TM_NANOS ? round(x) : trunc(x);
		if (!isfinite(w) || fabs(w) >= 0x1p62)
			d->overflow = true;
		else
			tm_dur_add_int(d, u, (int64_t)w, 1);
		if (u == TM_MONTHS)
			d->frac[TM_DAYS] += (x - w) * DAYS_PER_MONTH;
		else if (u == TM_DAYS)
			d->frac[TM_NANOS] += (x - w) * (double)NS_PER_DAY;
	}
	if (d->overflow)
		return dn_cy_error(err, cap, DN_ERUNTIME, "duration out of range");
	*out = dn_value_duration(d->v[TM_MONTHS], d->v[TM_DAYS], d->v[TM_NANOS]);
	return 0;
}

typedef struct tm_unit {
	const char *map_key; /* duration({...}) key */
	char iso;            /* ISO-8601 designator (date part, then time part) */
	bool time_part;
	int unit;
	int64_t mult;
} tm_unit;

static const tm_unit tm_units[] = {
	{ "years", 'Y', false, TM_MONTHS, 12 },
	{ "quarters", 0, false, TM_MONTHS, 3 },
	{ "months", 'M', false, TM_MONTHS, 1 },
	{ "weeks", 'W', false, TM_DAYS, 7 },
	{ "days", 'D', false, TM_DAYS, 1 },
	{ "hours", 'H', true, TM_NANOS, 3600 * NS_PER_SEC },
	{ "minutes", 'M', true, TM_NANOS, 60 * NS_PER_SEC },
	{ "seconds", 'S', true, TM_NANOS, NS_PER_SEC },
	{ "milliseconds", 0, true, TM_NANOS, 1000000 },
	{ "microseconds", 0, true, TM_NANOS, 1000 },
	{ "nanoseconds", 0, true, TM_NANOS, 1 },
};
#define TM_NUNITS (sizeof tm_units / sizeof tm_units[0])

static void tm_dur_add(tm_dur *d, const tm_unit *u, const dn_value *v)
{
	if (v->type == DN_INT)
		tm_dur_add_int(d, u->unit, v->u.i, u->mult);
	else
		tm_dur_add_float(d, u->unit, v->u.f * (double)u->mult);
}

static int tm_duration_from_map(const dn_value *m, dn_value *out, char *err, size_t cap)
{
	tm_dur d = { 0 };
	uint32_t i;
	size_t k;

	for (i = 0; i < m->len; i++) {
		const dn_value *key = &m->u.list[2 * i], *v = &m->u.list[2 * i + 1];
		for (k = 0; k < TM_NUNITS; k++)
			if (strlen(tm_units[k].map_key) == key->len &&
			    strncasecmp(tm_units[k].map_key, key->u.s, key->len) == 0)
				break;
		if (k == TM_NUNITS)
			return dn_cy_error(err, cap, DN_ERUNTIME, "unknown duration component '%.*s'",
			                   (int)key->len, key->u.s);
		if (v->type == DN_NULL)
			continue;
		if (v->type != DN_INT && v->type != DN_FLOAT)
			return dn_cy_error(err, cap, DN_ETYPE, "duration component %s must be a number",
			                   tm_units[k].map_key);
		tm_dur_add(&d, &tm_units[k], v);
	}
	return tm_dur_finish(&d, out, err, cap);
}

/* "P[nY][nM][nW][nD][T[nH][nM][nS]]", each n an optionally signed decimal
 * (fractions allowed), with an optional leading '-' negating the whole; or
 * the alternative form "PYYYY-MM-DDThh:mm:ss[.f]". */
static int tm_duration_parse(const dn_value *s, dn_value *out, char *err, size_t cap)
{
	char buf[128], *p, *end;
	bool time_part = false, any = false, neg = false;
	tm_dur d = { 0 };
	size_t k;

	if (s->len >= sizeof buf)
		return tm_bad(err, cap, "duration", s);
	memcpy(buf, s->u.s, s->len);
	buf[s->len] = '\0';
	p = buf;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (*p != 'P')
		return tm_bad(err, cap, "duration", s);
	p++;
	{ /* ISO 8601's alternative form: "P2012-02-02T14:37:21.545" */
		int y, mo, dd, h, mi, used = 0;
		double sec;
		if (sscanf(p, "%4d-%2d-%2dT%2d:%2d:%lf%n", &y, &mo, &dd, &h, &mi, &sec, &used) == 6 &&
		    p[used] == '\0' && p[4] == '-' && mo <= 12 && h <= 24 && mi < 60 && sec < 60) {
			const int64_t part[5] = { y, mo, dd, h, mi };
			static const size_t unit[5] = { 0, 2, 4, 5, 6 }; /* rows of tm_units */
			for (int i = 0; i < 5; i++)
				tm_dur_add_int(&d, tm_units[unit[i]].unit, part[i], tm_units[unit[i]].mult);
			tm_dur_add_float(&d, TM_NANOS, sec * (double)NS_PER_SEC);
			any = true;
			p += used;
		}
	}
	while (*p) {
		double x;
		bool integral = true;
		long long ll = 0;
		const char *q;
		if (*p == 'T' && !time_part) {
			time_part = true;
			p++;
			continue;
		}
		for (q = *p == '-' || *p == '+' ? p + 1 : p; *q >= '0' && *q <= '9'; q++)
			;
		if (q == p || ((*p == '-' || *p == '+') && q == p + 1))
			return tm_bad(err, cap, "duration", s);
		if (*q == '.' || *q == ',')
			integral = false;
		if (*q == ',')
			*(char *)q = '.';
		x = strtod(p, &end);
		if (end == p || !*end)
			return tm_bad(err, cap, "duration", s);
		if (integral)
			ll = strtoll(p, NULL, 10);
		for (k = 0; k < TM_NUNITS; k++)
			if (tm_units[k].iso == *end && tm_units[k].time_part == time_part)
				break;
		if (k == TM_NUNITS)
			return tm_bad(err, cap, "duration", s);
		{
			dn_value v = integral ? dn_value_int(ll) : dn_value_float(x);
			tm_dur_add(&d, &tm_units[k], &v);
		}
		any = true;
		p = end + 1;
	}
	if (!any)
		return tm_bad(err, cap, "duration", s);
	if (neg) {
		int u;
		for (u = 0; u < 3; u++) {
			d.v[u] = -d.v[u];
			d.frac[u] = -d.frac[u];
		}
	}
	return tm_dur_finish(&d, out, err, cap);
}

int dn_fn_duration(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	(void)n;
	*out = dn_value_null();
	switch (a->type) { /* by argument type */
	case DN_NULL:
		return 0;
	case DN_STRING:
		return tm_duration_parse(a, out, err, cap);
	case DN_MAP:
		return tm_duration_from_map(a, out, err, cap);
	case DN_DURATION:
		*out = *a;
		return 0;
	default:
		return dn_fn_arg_type("duration", 1, a, err, cap);
	}
}


/* ---- duration.between and its single-unit forms ---- */

enum { TM_BETWEEN_ALL, TM_BETWEEN_MONTHS, TM_BETWEEN_DAYS, TM_BETWEEN_SECONDS };

/* Whole months from (fd, fn) to (td, tn) as java.time counts them: the end
 * day moves one back when its time of day is earlier (forward when later,
 * going backwards), then (year, month, day) packed differences. */
static int64_t tm_months_until(int64_t fd, int64_t fn, int64_t td, int64_t tn)
{
	int64_t fy, ty;
	unsigned fm, fdd, tm, tdd;

	if (td > fd && tn < fn)
		td--;
	else if (td < fd && tn > fn)
		td++;
	dn_cal_civil(fd, &fy, &fm, &fdd);
	dn_cal_civil(td, &ty, &tm, &tdd);
	int64_t p1 = (fy * 12 + fm - 1) * 32 + fdd, p2 = (ty * 12 + tm - 1) * 32 + tdd;
	return (p2 - p1) / 32;
}

static int64_t tm_days_until(int64_t fd, int64_t fn, int64_t td, int64_t tn)
{
	if (td > fd && tn < fn)
		td--;
	else if (td < fd && tn > fn)
		td++;
	return td - fd;
}

/* Gives t (a local value) the zone of z, at the offset the zone has for
 * t's wall-clock time. */
static void tm_adopt_zone(dn_tm *t, const dn_tm *z)
{
	t->zone = z->zone;
	t->offset = z->offset;
	if (z->zone)
		dn_tz_offset_local(z->zone, t->days * 86400 + t->nod / NS_PER_SEC, &t->offset);
}

static int tm_between(int mode, const char *fname, const dn_value *a, dn_value *out, char *err,
                      size_t cap)
{
	dn_tm f, t;
	int64_t months = 0, days = 0, nanos, y;
	unsigned m, d, dim;
	bool dates, ha, hb, oa, ob;
	int i;

	*out = dn_value_null();
	if (a[0].type == DN_NULL || a[1].type == DN_NULL)
		return 0;
	for (i = 0; i < 2; i++)
		if (!DN_TYPE_TEMPORAL(a[i].type) || a[i].type == DN_DURATION)
			return dn_fn_arg_type(fname, i + 1, &a[i], err, cap);
	dn_tm_of(&a[0], &f);
	dn_tm_of(&a[1], &t);
	ha = tm_has_date(a[0].type);
	hb = tm_has_date(a[1].type);
	oa = tm_has_offset(a[0].type);
	ob = tm_has_offset(a[1].type);
	dates = ha && hb;
	/* A value without a date takes the other's, one without a zone the
	 * other's zone; with both zoned, the second is seen from the first's. */
	if (ha && !hb)
		t.days = f.days;
	else if (hb && !ha)
		f.days = t.days;
	if (oa && !ob)
		tm_adopt_zone(&t, &f);
	else if (ob && !oa)
		tm_adopt_zone(&f, &t);
	else if (oa && ob && (dates || f.zone))
		tm_convert(&t, f.offset, f.zone);
	if (dates && (mode == TM_BETWEEN_ALL || mode == TM_BETWEEN_MONTHS)) {
		months = tm_months_until(f.days, f.nod, t.days, t.nod);
		dn_cal_civil(f.days, &y, &m, &d);
		int64_t total = y * 12 + (m - 1) + months;
		y = dn_floor_div(total, 12);
		m = (unsigned)(total - y * 12) + 1;
		dim = dn_cal_days_in_month(y, m);
		f.days = dn_cal_days(y, m, d < dim ? d : dim);
	}
	if (mode == TM_BETWEEN_MONTHS) {
		*out = dn_value_duration(months, 0, 0);
		return 0;
	}
	if (dates && mode != TM_BETWEEN_SECONDS) {
		days = tm_days_until(f.days, f.nod, t.days, t.nod);
		f.days += days;
	}
	if (mode == TM_BETWEEN_DAYS) {
		*out = dn_value_duration(0, days, 0);
		return 0;
	}
	if (f.zone) /* the start moved by months and days: its offset there */
		dn_tz_offset_local(f.zone, f.days * 86400 + f.nod / NS_PER_SEC, &f.offset);
	if (__builtin_mul_overflow(t.days - f.days, NS_PER_DAY, &nanos) ||
	    __builtin_add_overflow(nanos, t.nod - f.nod, &nanos) ||
	    __builtin_sub_overflow(nanos, (int64_t)(t.offset - f.offset) * NS_PER_SEC, &nanos))
		return dn_cy_error(err, cap, DN_ERUNTIME, "duration out of range");
	*out = dn_value_duration(months, days, nanos);
	return 0;
}

static int tm_between_fn(int mode, const dn_value *a, size_t n, dn_value *out, char *err,
                         size_t cap)
{
	static const char *const names[] = { "duration.between", "duration.inMonths",
		                             "duration.inDays", "duration.inSeconds" };
	(void)n;
	return tm_between(mode, names[mode], a, out, err, cap);
}

TM_TYPED_FN(dn_fn_duration_between, tm_between_fn, TM_BETWEEN_ALL)
TM_TYPED_FN(dn_fn_duration_in_months, tm_between_fn, TM_BETWEEN_MONTHS)
TM_TYPED_FN(dn_fn_duration_in_days, tm_between_fn, TM_BETWEEN_DAYS)
TM_TYPED_FN(dn_fn_duration_in_seconds, tm_between_fn, TM_BETWEEN_SECONDS)
