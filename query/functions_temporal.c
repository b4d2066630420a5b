/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions_temporal.c — Cypher's temporal functions over dragnet's three
 * temporal types: the constructors date(), datetime() and duration() from
 * ISO-8601 text or a map of components, duration.between(), and the
 * temporal accessors (d.year, dt.hour, dur.days...) behind
 * dn_cy_temporal_field, as one table of fields. DATETIME is UTC with
 * millisecond precision; a duration keeps months, days and nanoseconds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dragnet.h"
#include "functions_internal.h"
#include "value_ops.h"

#define MS_PER_DAY INT64_C(86400000)
#define NS_PER_SEC INT64_C(1000000000)
#define NS_PER_DAY (INT64_C(86400) * NS_PER_SEC)
#define DAYS_PER_MONTH 30.436875

static int64_t tm_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t tm_floor_mod(int64_t a, int64_t b)
{
	return a - tm_floor_div(a, b) * b;
}

static int tm_bad(char *err, size_t cap, const char *what, const dn_value *v)
{
	if (v->type == DN_STRING)
		return dn_cy_error(err, cap, DN_ERUNTIME, "invalid %s '%.*s'", what,
		                   (int)(v->len > 64 ? 64 : v->len), v->u.s);
	return dn_cy_error(err, cap, DN_ERUNTIME, "invalid %s", what);
}

/* An integer component of a temporal map: *out keeps def when absent. */
static int tm_map_int(const dn_value *map, const char *key, int64_t def, int64_t *out,
                      char *err, size_t cap)
{
	const dn_value *v = dn_cy_map_get(map, key, strlen(key));

	*out = def;
	if (!v || v->type == DN_NULL)
		return 0;
	if (v->type != DN_INT)
		return dn_cy_error(err, cap, DN_ETYPE, "temporal component %s must be an INTEGER",
		                   key);
	*out = v->u.i;
	return 0;
}

static int tm_date_from_map(const dn_value *m, int32_t *days, char *err, size_t cap)
{
	int64_t y, mo, d;
	int rc;

	if (!dn_cy_map_get(m, "year", 4))
		return dn_cy_error(err, cap, DN_ERUNTIME, "date map needs a year");
	if ((rc = tm_map_int(m, "year", 0, &y, err, cap)) || (rc = tm_map_int(m, "month", 1, &mo, err, cap)) ||
	    (rc = tm_map_int(m, "day", 1, &d, err, cap)))
		return rc;
	if (y < -999999999 || y > 999999999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    dn_date_from_ymd((int)y, (int)mo, (int)d, days) != 0)
		return dn_cy_error(err, cap, DN_ERUNTIME, "invalid date %lld-%lld-%lld",
		                   (long long)y, (long long)mo, (long long)d);
	return 0;
}

static int64_t tm_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int dn_fn_date(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int32_t days;
	int rc;

	*out = dn_value_null();
	if (n == 0) {
		*out = dn_value_date((int32_t)tm_floor_div(tm_now_ms(), MS_PER_DAY));
		return 0;
	}
	switch (a->type) { /* by argument type */
	case DN_NULL:
		return 0;
	case DN_STRING:
		if (dn_date_parse(a->u.s, a->len, &days) != 0)
			return tm_bad(err, cap, "date", a);
		break;
	case DN_MAP:
		if ((rc = tm_date_from_map(a, &days, err, cap)) != 0)
			return rc;
		break;
	case DN_DATE:
		days = a->u.date;
		break;
	case DN_DATETIME:
		days = (int32_t)tm_floor_div(a->u.datetime, MS_PER_DAY);
		break;
	default:
		return dn_fn_arg_type("date", 1, a, err, cap);
	}
	*out = dn_value_date(days);
	return 0;
}

/* A "Z" / "+hh:mm" / "-hhmm" time zone offset in ms (named zones are not
 * supported: dragnet keeps UTC only). */
static int tm_offset(const dn_value *tz, int64_t *off, char *err, size_t cap)
{
	int h = 0, m = 0;
	char buf[16];

	*off = 0;
	if (!tz || tz->type == DN_NULL)
		return 0;
	if (tz->type != DN_STRING || tz->len >= sizeof buf)
		return tm_bad(err, cap, "time zone", tz);
	memcpy(buf, tz->u.s, tz->len);
	buf[tz->len] = '\0';
	if (strcmp(buf, "Z") == 0 || strcasecmp(buf, "UTC") == 0)
		return 0;
	if ((buf[0] == '+' || buf[0] == '-') &&
	    (sscanf(buf + 1, "%2d:%2d", &h, &m) == 2 || sscanf(buf + 1, "%2d%2d", &h, &m) == 2) &&
	    h <= 18 && m < 60) {
		*off = (buf[0] == '-' ? -1 : 1) * ((int64_t)h * 3600000 + (int64_t)m * 60000);
		return 0;
	}
	return dn_cy_error(err, cap, DN_ENOTSUP, "time zone '%s' not supported (use Z or ±hh:mm)",
	                   buf);
}

static int tm_datetime_from_map(const dn_value *m, int64_t *ms, char *err, size_t cap)
{
	int64_t h, mi, s, milli, micro, nano, off, epoch;
	int32_t days;
	int rc;

	if ((rc = tm_map_int(m, "epochMillis", INT64_MIN, &epoch, err, cap)) != 0)
		return rc;
	if (epoch != INT64_MIN) {
		*ms = epoch;
		return 0;
	}
	if ((rc = tm_map_int(m, "epochSeconds", INT64_MIN, &epoch, err, cap)) != 0)
		return rc;
	if (epoch != INT64_MIN) {
		if (epoch > INT64_MAX / 1000 || epoch < INT64_MIN / 1000)
			return dn_cy_error(err, cap, DN_ERUNTIME, "epochSeconds out of range");
		*ms = epoch * 1000;
		return 0;
	}
	if ((rc = tm_date_from_map(m, &days, err, cap)) != 0)
		return rc;
	if ((rc = tm_map_int(m, "hour", 0, &h, err, cap)) || (rc = tm_map_int(m, "minute", 0, &mi, err, cap)) ||
	    (rc = tm_map_int(m, "second", 0, &s, err, cap)) ||
	    (rc = tm_map_int(m, "millisecond", 0, &milli, err, cap)) ||
	    (rc = tm_map_int(m, "microsecond", 0, &micro, err, cap)) ||
	    (rc = tm_map_int(m, "nanosecond", 0, &nano, err, cap)) ||
	    (rc = tm_offset(dn_cy_map_get(m, "timezone", 8), &off, err, cap)))
		return rc;
	if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || milli < 0 || milli > 999 ||
	    micro < 0 || micro > 999999 || nano < 0 || nano > 999999999)
		return dn_cy_error(err, cap, DN_ERUNTIME, "invalid time component");
	*ms = (int64_t)days * MS_PER_DAY + h * 3600000 + mi * 60000 + s * 1000 + milli +
	      micro / 1000 + nano / 1000000 - off;
	return 0;
}

int dn_fn_datetime(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int64_t ms;
	int rc;

	*out = dn_value_null();
	if (n == 0) {
		*out = dn_value_datetime(tm_now_ms());
		return 0;
	}
	switch (a->type) { /* by argument type */
	case DN_NULL:
		return 0;
	case DN_STRING:
		if (dn_datetime_parse(a->u.s, a->len, &ms) != 0)
			return tm_bad(err, cap, "datetime", a);
		break;
	case DN_MAP:
		if ((rc = tm_datetime_from_map(a, &ms, err, cap)) != 0)
			return rc;
		break;
	case DN_DATE:
		ms = (int64_t)a->u.date * MS_PER_DAY;
		break;
	case DN_DATETIME:
		ms = a->u.datetime;
		break;
	default:
		return dn_fn_arg_type("datetime", 1, a, err, cap);
	}
	*out = dn_value_datetime(ms);
	return 0;
}

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
 * (fractions allowed), with an optional leading '-' negating the whole. */
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

/* duration.between(a, b): whole months from a towards b (so that a + months
 * does not pass b), then the rest as days and nanoseconds. */
int dn_fn_duration_between(const dn_value *a, size_t n, dn_value *out, char *err, size_t cap)
{
	int64_t ta, tb, months, rem;
	int ya, ma, da, yb, mb, db;
	dn_value start, mdur, cand;
	int rc, i;

	(void)n;
	*out = dn_value_null();
	if (a[0].type == DN_NULL || a[1].type == DN_NULL)
		return 0;
	for (i = 0; i < 2; i++)
		if (a[i].type != DN_DATE && a[i].type != DN_DATETIME)
			return dn_fn_arg_type("duration.between", i + 1, &a[i], err, cap);
	ta = a[0].type == DN_DATE ? a[0].u.date * MS_PER_DAY : a[0].u.datetime;
	tb = a[1].type == DN_DATE ? a[1].u.date * MS_PER_DAY : a[1].u.datetime;
	dn_date_to_ymd((int32_t)tm_floor_div(ta, MS_PER_DAY), &ya, &ma, &da);
	dn_date_to_ymd((int32_t)tm_floor_div(tb, MS_PER_DAY), &yb, &mb, &db);
	months = ((int64_t)yb * 12 + mb) - ((int64_t)ya * 12 + ma);
	start = dn_value_datetime(ta);
	for (;;) {
		mdur = dn_value_duration(months, 0, 0);
		if ((rc = dn_cy_temporal_add(&start, &mdur, 1, &cand, err, cap)) != 0)
			return rc;
		if (months > 0 && cand.u.datetime > tb)
			months--;
		else if (months < 0 && cand.u.datetime < tb)
			months++;
		else
			break;
	}
	rem = tb - cand.u.datetime;
	*out = dn_value_duration(months, rem / MS_PER_DAY, (rem % MS_PER_DAY) * 1000000);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Temporal accessors                                                  */
/* ------------------------------------------------------------------ */

/* A broken-down DATE or DATETIME. */
typedef struct tm_parts {
	int64_t days, msday, ms;
	int year, month, day;
} tm_parts;

static int64_t tm_days_of(int y, int m, int d)
{
	int32_t days = 0;
	dn_date_from_ymd(y, m, d, &days);
	return days;
}

static int64_t tm_dow(const tm_parts *p) /* ISO: Monday 1 .. Sunday 7 */
{
	return tm_floor_mod(p->days + 3, 7) + 1;
}

static int64_t tm_f_year(const tm_parts *p) { return p->year; }
static int64_t tm_f_month(const tm_parts *p) { return p->month; }
static int64_t tm_f_day(const tm_parts *p) { return p->day; }
static int64_t tm_f_quarter(const tm_parts *p) { return (p->month - 1) / 3 + 1; }
static int64_t tm_f_ordinal(const tm_parts *p) { return p->days - tm_days_of(p->year, 1, 1) + 1; }
static int64_t tm_f_day_of_quarter(const tm_parts *p)
{
	return p->days - tm_days_of(p->year, (p->month - 1) / 3 * 3 + 1, 1) + 1;
}

/* ISO week: the week (Monday first) holding the year's first Thursday is 1. */
static void tm_iso_week(const tm_parts *p, int64_t *week, int64_t *wyear)
{
	int64_t thursday = p->days - tm_dow(p) + 4;
	int y, m, d;
	dn_date_to_ymd((int32_t)thursday, &y, &m, &d);
	*wyear = y;
	*week = (thursday - tm_days_of(y, 1, 1)) / 7 + 1;
}

static int64_t tm_f_week(const tm_parts *p)
{
	int64_t w, y;
	tm_iso_week(p, &w, &y);
	return w;
}

static int64_t tm_f_week_year(const tm_parts *p)
{
	int64_t w, y;
	tm_iso_week(p, &w, &y);
	return y;
}

static int64_t tm_f_hour(const tm_parts *p) { return p->msday / 3600000; }
static int64_t tm_f_minute(const tm_parts *p) { return p->msday / 60000 % 60; }
static int64_t tm_f_second(const tm_parts *p) { return p->msday / 1000 % 60; }
static int64_t tm_f_milli(const tm_parts *p) { return p->msday % 1000; }
static int64_t tm_f_micro(const tm_parts *p) { return p->msday % 1000 * 1000; }
static int64_t tm_f_nano(const tm_parts *p) { return p->msday % 1000 * 1000000; }
static int64_t tm_f_epoch_ms(const tm_parts *p) { return p->ms; }
static int64_t tm_f_epoch_s(const tm_parts *p) { return tm_floor_div(p->ms, 1000); }
static int64_t tm_f_offset_s(const tm_parts *p) { (void)p; return 0; }

typedef struct tm_field {
	const char *name;
	bool datetime_only;
	int64_t (*get)(const tm_parts *p);
} tm_field;

static const tm_field tm_fields[] = {
	{ "year", false, tm_f_year },
	{ "quarter", false, tm_f_quarter },
	{ "month", false, tm_f_month },
	{ "week", false, tm_f_week },
	{ "weekYear", false, tm_f_week_year },
	{ "day", false, tm_f_day },
	{ "ordinalDay", false, tm_f_ordinal },
	{ "dayOfWeek", false, tm_dow },
	{ "weekDay", false, tm_dow },
	{ "dayOfQuarter", false, tm_f_day_of_quarter },
	{ "hour", true, tm_f_hour },
	{ "minute", true, tm_f_minute },
	{ "second", true, tm_f_second },
	{ "millisecond", true, tm_f_milli },
	{ "microsecond", true, tm_f_micro },
	{ "nanosecond", true, tm_f_nano },
	{ "epochMillis", true, tm_f_epoch_ms },
	{ "epochSeconds", true, tm_f_epoch_s },
	{ "offsetSeconds", true, tm_f_offset_s },
};

/* Duration fields: total in a unit, or the part of one unit within the
 * next larger ("minutesOfHour"). */
typedef struct tm_dur_field {
	const char *name;
	int unit;        /* which component */
	int64_t div;     /* component / div ... */
	int64_t mod;     /* ... % mod (0 = no modulo) */
} tm_dur_field;

static const tm_dur_field tm_dur_fields[] = {
	{ "years", TM_MONTHS, 12, 0 },
	{ "quarters", TM_MONTHS, 3, 0 },
	{ "months", TM_MONTHS, 1, 0 },
	{ "monthsOfYear", TM_MONTHS, 1, 12 },
	{ "monthsOfQuarter", TM_MONTHS, 1, 3 },
	{ "quartersOfYear", TM_MONTHS, 3, 4 },
	{ "weeks", TM_DAYS, 7, 0 },
	{ "days", TM_DAYS, 1, 0 },
	{ "daysOfWeek", TM_DAYS, 1, 7 },
	{ "hours", TM_NANOS, 3600 * NS_PER_SEC, 0 },
	{ "minutes", TM_NANOS, 60 * NS_PER_SEC, 0 },
	{ "seconds", TM_NANOS, NS_PER_SEC, 0 },
	{ "milliseconds", TM_NANOS, 1000000, 0 },
	{ "microseconds", TM_NANOS, 1000, 0 },
	{ "nanoseconds", TM_NANOS, 1, 0 },
	{ "minutesOfHour", TM_NANOS, 60 * NS_PER_SEC, 60 },
	{ "secondsOfMinute", TM_NANOS, NS_PER_SEC, 60 },
	{ "millisecondsOfSecond", TM_NANOS, 1000000, 1000 },
	{ "microsecondsOfSecond", TM_NANOS, 1000, 1000000 },
	{ "nanosecondsOfSecond", TM_NANOS, 1, 1000000000 },
};

int dn_cy_temporal_field(const dn_value *v, const char *name, dn_value *out, char *err,
                         size_t cap)
{
	size_t k;

	*out = dn_value_null();
	if (v->type == DN_NULL)
		return 0;
	if (v->type == DN_DURATION) {
		int64_t comp[2] = { v->u.dur.months, v->u.dur.days };
		/* The time part reads as whole seconds (floored) plus a
		 * non-negative nanosecond remainder, as java.time and the TCK do. */
		int64_t secs = tm_floor_div(v->u.dur.nanos, NS_PER_SEC);
		int64_t nos = tm_floor_mod(v->u.dur.nanos, NS_PER_SEC);
		for (k = 0; k < sizeof tm_dur_fields / sizeof tm_dur_fields[0]; k++) {
			const tm_dur_field *f = &tm_dur_fields[k];
			int64_t x;
			if (strcasecmp(f->name, name) != 0)
				continue;
			if (f->unit != TM_NANOS)
				x = comp[f->unit] / f->div; /* toward zero, keeping the sign */
			else if (f->div >= NS_PER_SEC)
				x = secs / (f->div / NS_PER_SEC);
			else if (f->mod) /* ...OfSecond */
				x = nos / f->div;
			else
				x = secs * (NS_PER_SEC / f->div) + nos / f->div;
			if (f->mod && f->unit != TM_NANOS)
				x %= f->mod;
			else if (f->mod && f->div >= NS_PER_SEC)
				x %= f->mod;
			*out = dn_value_int(x);
			return 0;
		}
		return dn_cy_error(err, cap, DN_ERUNTIME, "unknown field '%s' of DURATION", name);
	}
	if (v->type == DN_DATE || v->type == DN_DATETIME) {
		tm_parts p;
		p.ms = v->type == DN_DATE ? (int64_t)v->u.date * MS_PER_DAY : v->u.datetime;
		p.days = tm_floor_div(p.ms, MS_PER_DAY);
		p.msday = p.ms - p.days * MS_PER_DAY;
		dn_date_to_ymd((int32_t)p.days, &p.year, &p.month, &p.day);
		for (k = 0; k < sizeof tm_fields / sizeof tm_fields[0]; k++) {
			if (strcasecmp(tm_fields[k].name, name) != 0)
				continue;
			if (tm_fields[k].datetime_only && v->type == DN_DATE)
				break;
			*out = dn_value_int(tm_fields[k].get(&p));
			return 0;
		}
		return dn_cy_error(err, cap, DN_ERUNTIME, "unknown field '%s' of %s", name,
		                   dn_type_name(v->type));
	}
	return dn_cy_error(err, cap, DN_ETYPE, "%s has no field '%s'", dn_type_name(v->type),
	                   name);
}
