/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions_temporal_field.c — Cypher's temporal accessors behind
 * dn_cy_temporal_field: the components of a DATE, LOCALTIME, TIME,
 * LOCALDATETIME or DATETIME (d.year, t.offset, dt.epochMillis...) as one
 * table of fields, and the components of a DURATION (dur.days,
 * dur.minutesOfHour...) as another.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dragnet.h"
#include "functions_internal.h"
#include "internal.h"
#include "temporal.h"
#include "value_ops.h"

#define NS_PER_SEC DN_NS_PER_SEC

enum { TM_MONTHS, TM_DAYS, TM_NANOS };

/* A broken-down value and its calendar date. */
typedef struct tm_parts {
	const dn_value *v;
	dn_tm t;
	int64_t year;
	unsigned month, day;
} tm_parts;

/* ISO week: the week (Monday first) holding the year's first Thursday is 1. */
static void tm_iso_week(const tm_parts *p, int64_t *week, int64_t *wyear)
{
	int64_t thursday = p->t.days - dn_cal_dow(p->t.days) + 4, y;
	unsigned m, d;
	dn_cal_civil(thursday, &y, &m, &d);
	*wyear = y;
	*week = (thursday - dn_cal_days(y, 1, 1)) / 7 + 1;
}

static int64_t tm_f_year(const tm_parts *p) { return p->year; }
static int64_t tm_f_month(const tm_parts *p) { return p->month; }
static int64_t tm_f_day(const tm_parts *p) { return p->day; }
static int64_t tm_f_quarter(const tm_parts *p) { return (p->month - 1) / 3 + 1; }
static int64_t tm_f_dow(const tm_parts *p) { return dn_cal_dow(p->t.days); }
static int64_t tm_f_ordinal(const tm_parts *p)
{
	return p->t.days - dn_cal_days(p->year, 1, 1) + 1;
}
static int64_t tm_f_day_of_quarter(const tm_parts *p)
{
	return p->t.days - dn_cal_days(p->year, (p->month - 1) / 3 * 3 + 1, 1) + 1;
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
static int64_t tm_f_hour(const tm_parts *p) { return p->t.nod / (3600 * NS_PER_SEC); }
static int64_t tm_f_minute(const tm_parts *p) { return p->t.nod / (60 * NS_PER_SEC) % 60; }
static int64_t tm_f_second(const tm_parts *p) { return p->t.nod / NS_PER_SEC % 60; }
static int64_t tm_f_milli(const tm_parts *p) { return p->t.nod % NS_PER_SEC / 1000000; }
static int64_t tm_f_micro(const tm_parts *p) { return p->t.nod % NS_PER_SEC / 1000; }
static int64_t tm_f_nano(const tm_parts *p) { return p->t.nod % NS_PER_SEC; }
static int64_t tm_f_offset_s(const tm_parts *p) { return p->t.offset; }
static int64_t tm_f_offset_min(const tm_parts *p) { return p->t.offset / 60; }
static int64_t tm_f_epoch_ms(const tm_parts *p) { return p->v->u.datetime; }
static int64_t tm_f_epoch_s(const tm_parts *p) { return dn_floor_div(p->v->u.datetime, 1000); }

enum { F_DATE = 1, F_TIME = 2, F_OFFSET = 4, F_EPOCH = 8, F_TEXT = 16 };

typedef struct tm_field {
	const char *name;
	unsigned needs; /* F_* */
	int64_t (*get)(const tm_parts *p);
} tm_field;

static const tm_field tm_fields[] = {
	{ "year", F_DATE, tm_f_year },
	{ "quarter", F_DATE, tm_f_quarter },
	{ "month", F_DATE, tm_f_month },
	{ "week", F_DATE, tm_f_week },
	{ "weekYear", F_DATE, tm_f_week_year },
	{ "day", F_DATE, tm_f_day },
	{ "ordinalDay", F_DATE, tm_f_ordinal },
	{ "dayOfWeek", F_DATE, tm_f_dow },
	{ "weekDay", F_DATE, tm_f_dow },
	{ "dayOfQuarter", F_DATE, tm_f_day_of_quarter },
	{ "hour", F_TIME, tm_f_hour },
	{ "minute", F_TIME, tm_f_minute },
	{ "second", F_TIME, tm_f_second },
	{ "millisecond", F_TIME, tm_f_milli },
	{ "microsecond", F_TIME, tm_f_micro },
	{ "nanosecond", F_TIME, tm_f_nano },
	{ "offsetSeconds", F_OFFSET, tm_f_offset_s },
	{ "offsetMinutes", F_OFFSET, tm_f_offset_min },
	{ "timezone", F_OFFSET | F_TEXT, NULL },
	{ "offset", F_OFFSET | F_TEXT, NULL },
	{ "epochMillis", F_EPOCH, tm_f_epoch_ms },
	{ "epochSeconds", F_EPOCH, tm_f_epoch_s },
};

/* What a type offers: F_DATE, F_TIME, F_OFFSET, F_EPOCH. */
static unsigned tm_offers(int type)
{
	switch (type) { /* capabilities of each type */
	case DN_DATE: return F_DATE;
	case DN_LOCALTIME: return F_TIME;
	case DN_TIME: return F_TIME | F_OFFSET;
	case DN_LOCALDATETIME: return F_DATE | F_TIME;
	case DN_DATETIME: return F_DATE | F_TIME | F_OFFSET | F_EPOCH;
	default: return 0;
	}
}

static int tm_field_text(const tm_parts *p, const char *name, dn_value *out, char *err,
                         size_t cap)
{
	char buf[80];
	int n;

	if (strcasecmp(name, "timezone") == 0 && p->t.zone && dn_tz_name(p->t.zone))
		n = snprintf(buf, sizeof buf, "%s", dn_tz_name(p->t.zone));
	else
		n = dn_offset_format(p->t.offset, buf, sizeof buf);
	return dn_fn_string_out(buf, (size_t)n, out, err, cap);
}

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
		int64_t secs = dn_floor_div(v->u.dur.nanos, NS_PER_SEC);
		int64_t nos = dn_floor_mod(v->u.dur.nanos, NS_PER_SEC);
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
	if (tm_offers(v->type)) {
		tm_parts p;
		unsigned offers = tm_offers(v->type);
		p.v = v;
		dn_tm_of(v, &p.t);
		dn_cal_civil(p.t.days, &p.year, &p.month, &p.day);
		for (k = 0; k < sizeof tm_fields / sizeof tm_fields[0]; k++) {
			const tm_field *f = &tm_fields[k];
			if (strcasecmp(f->name, name) != 0)
				continue;
			if ((f->needs & offers) != (f->needs & ~(unsigned)F_TEXT))
				break;
			if (f->needs & F_TEXT)
				return tm_field_text(&p, name, out, err, cap);
			*out = dn_value_int(f->get(&p));
			return 0;
		}
		return dn_cy_error(err, cap, DN_ERUNTIME, "unknown field '%s' of %s", name,
		                   dn_type_name(v->type));
	}
	return dn_cy_error(err, cap, DN_ETYPE, "%s has no field '%s'", dn_type_name(v->type),
	                   name);
}
