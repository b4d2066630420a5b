/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * temporal.c — the Cypher temporal model under dn_value: constructors of
 * the time types, the broken-down dn_tm form the query layer computes with,
 * ISO 8601 parsing of every form the openCypher TCK uses (calendar, week
 * and ordinal dates, basic and extended forms, offsets, [Zone/Name]) and
 * Cypher's text of each type. Zone rules come from tz.c.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "temporal.h"

int64_t dn_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t dn_floor_mod(int64_t a, int64_t b)
{
	return a - dn_floor_div(a, b) * b;
}

int dn_cal_dow(int64_t days)
{
	return (int)dn_floor_mod(days + 3, 7) + 1;
}

int64_t dn_cal_week1(int64_t y)
{
	int64_t jan4 = dn_cal_days(y, 1, 4);
	return jan4 - (dn_cal_dow(jan4) - 1);
}

int dn_cal_weeks_in_year(int64_t y)
{
	return (int)((dn_cal_week1(y + 1) - dn_cal_week1(y)) / 7);
}

/* ---- values ---- */

static dn_value tm_value(int type, int64_t ms, int32_t ns, int32_t offset, uint32_t zone)
{
	dn_value v;
	memset(&v, 0, sizeof v);
	v.type = (uint8_t)type;
	v.u.datetime = ms;
	v.u.tm_ns = ns;
	v.u.tm_offset = offset;
	v.u.tm_zone = zone;
	return v;
}

dn_value dn_value_datetime_at(int64_t ms, int32_t ns, int32_t offset, uint32_t zone)
{
	return tm_value(DN_DATETIME, ms, ns, offset, zone);
}

dn_value dn_value_localtime(int64_t nanos)
{
	return tm_value(DN_LOCALTIME, nanos / 1000000, (int32_t)(nanos % 1000000), 0, 0);
}

dn_value dn_value_time(int64_t nanos, int32_t offset)
{
	return tm_value(DN_TIME, nanos / 1000000, (int32_t)(nanos % 1000000), offset, 0);
}

dn_value dn_value_localdatetime(int64_t ms, int32_t ns)
{
	return tm_value(DN_LOCALDATETIME, ms, ns, 0, 0);
}

void dn_tm_of(const dn_value *v, dn_tm *t)
{
	int64_t ms;

	memset(t, 0, sizeof *t);
	switch (v->type) { /* by representation */
	case DN_DATE:
		t->days = v->u.date;
		return;
	case DN_LOCALTIME:
	case DN_TIME:
		t->nod = v->u.datetime * 1000000 + v->u.tm_ns;
		t->offset = v->u.tm_offset;
		return;
	case DN_DATETIME:
	case DN_LOCALDATETIME:
		ms = v->u.datetime;
		if (v->type == DN_DATETIME) {
			ms += (int64_t)v->u.tm_offset * 1000;
			t->offset = v->u.tm_offset;
			t->zone = v->u.tm_zone;
		}
		t->days = dn_floor_div(ms, DN_MS_PER_DAY);
		t->nod = (ms - t->days * DN_MS_PER_DAY) * 1000000 + v->u.tm_ns;
		return;
	default:
		return;
	}
}

void dn_tm_instant(const dn_value *v, int64_t *sec, int32_t *ns)
{
	dn_tm t;
	dn_tm_of(v, &t);
	*sec = t.days * 86400 + t.nod / DN_NS_PER_SEC - t.offset;
	*ns = (int32_t)(t.nod % DN_NS_PER_SEC);
}

int dn_tm_make(int type, const dn_tm *t, dn_value *out)
{
	int64_t ms, local_s;
	int32_t off = t->offset;

	if (t->nod < 0 || t->nod >= DN_NS_PER_DAY || off < -DN_OFFSET_MAX || off > DN_OFFSET_MAX)
		return DN_EINVAL;
	switch (type) { /* by representation */
	case DN_DATE:
		if (t->days < INT32_MIN || t->days > INT32_MAX)
			return DN_ETOOBIG;
		*out = dn_value_date((int32_t)t->days);
		return 0;
	case DN_LOCALTIME:
		*out = dn_value_localtime(t->nod);
		return 0;
	case DN_TIME:
		*out = dn_value_time(t->nod, off);
		return 0;
	case DN_LOCALDATETIME:
	case DN_DATETIME:
		/* |days| < 2^36 keeps every product below in range. */
		if (t->days < -(INT64_C(1) << 36) || t->days > (INT64_C(1) << 36))
			return DN_ETOOBIG;
		ms = t->days * DN_MS_PER_DAY + t->nod / 1000000;
		if (type == DN_LOCALDATETIME) {
			*out = dn_value_localdatetime(ms, (int32_t)(t->nod % 1000000));
			return 0;
		}
		if (t->zone) {
			/* The zone's offset for the wall clock finds the instant
			 * (a time in a gap moves on by the gap); the offset shown is
			 * the one in force at that instant. */
			local_s = t->days * 86400 + t->nod / DN_NS_PER_SEC;
			if (dn_tz_offset_local(t->zone, local_s, &off) != 0)
				return DN_EINVAL;
			ms -= (int64_t)off * 1000;
			if (dn_tz_offset_utc(t->zone, dn_floor_div(ms, 1000), &off) != 0)
				return DN_EINVAL;
		} else {
			ms -= (int64_t)off * 1000;
		}
		*out = dn_value_datetime_at(ms, (int32_t)(t->nod % 1000000), off, t->zone);
		return 0;
	default:
		return DN_EINVAL;
	}
}

/* ---- text ---- */

int dn_offset_format(int32_t offset, char *buf, size_t cap)
{
	int32_t a = offset < 0 ? -offset : offset;
	char sign = offset < 0 ? '-' : '+';

	if (offset == 0)
		return snprintf(buf, cap, "Z");
	if (a % 60)
		return snprintf(buf, cap, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
	return snprintf(buf, cap, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
}

/* "hh:mm[:ss[.fffffffff]]", trailing zeros of the fraction dropped. */
static int tm_time_text(int64_t nod, char *buf, size_t cap)
{
	int64_t s = nod / DN_NS_PER_SEC, f = nod % DN_NS_PER_SEC;
	int n = snprintf(buf, cap, "%02d:%02d", (int)(s / 3600), (int)(s / 60 % 60));

	if (s % 60 == 0 && f == 0)
		return n;
	n += snprintf(buf + n, cap > (size_t)n ? cap - (size_t)n : 0, ":%02d", (int)(s % 60));
	if (f) {
		char digits[16];
		int k = 9;
		snprintf(digits, sizeof digits, "%09lld", (long long)f);
		while (digits[k - 1] == '0')
			k--;
		n += snprintf(buf + n, cap > (size_t)n ? cap - (size_t)n : 0, ".%.*s", k, digits);
	}
	return n;
}

int dn_value_format(const dn_value *v, char *buf, size_t cap)
{
	char date[40], time[40], off[24];
	const char *zone;
	dn_tm t;

	if (!v || !DN_TYPE_TEMPORAL(v->type))
		return -1;
	if (v->type == DN_DURATION)
		return dn_duration_format(v->u.dur.months, v->u.dur.days, v->u.dur.nanos, buf, cap);
	dn_tm_of(v, &t);
	dn_cal_date_text(t.days, date, sizeof date);
	tm_time_text(t.nod, time, sizeof time);
	dn_offset_format(t.offset, off, sizeof off);
	switch (v->type) { /* by shape of the text */
	case DN_DATE: return snprintf(buf, cap, "%s", date);
	case DN_LOCALTIME: return snprintf(buf, cap, "%s", time);
	case DN_TIME: return snprintf(buf, cap, "%s%s", time, off);
	case DN_LOCALDATETIME: return snprintf(buf, cap, "%sT%s", date, time);
	default:
		zone = t.zone ? dn_tz_name(t.zone) : NULL;
		if (zone)
			return snprintf(buf, cap, "%sT%s%s[%s]", date, time, off, zone);
		return snprintf(buf, cap, "%sT%s%s", date, time, off);
	}
}

/* ---- parsing ---- */

typedef struct tp_cur {
	const char *s;
	size_t len, pos;
} tp_cur;

static bool tp_at(const tp_cur *c, char ch)
{
	return c->pos < c->len && c->s[c->pos] == ch;
}

static bool tp_eat(tp_cur *c, char ch)
{
	if (!tp_at(c, ch))
		return false;
	c->pos++;
	return true;
}

/* Counts the digits from the cursor on. */
static size_t tp_run(const tp_cur *c)
{
	size_t n = 0;
	while (c->pos + n < c->len && c->s[c->pos + n] >= '0' && c->s[c->pos + n] <= '9')
		n++;
	return n;
}

static bool tp_num(tp_cur *c, size_t n, int64_t *out)
{
	int64_t v = 0;
	if (tp_run(c) < n)
		return false;
	while (n-- > 0)
		v = v * 10 + (c->s[c->pos++] - '0');
	*out = v;
	return true;
}

/* The date part; *days out. */
static int tp_date(tp_cur *c, int64_t *days)
{
	int64_t y, m = 1, d = 1, w, dow = 1;
	bool ext, neg = false;
	size_t run;

	if (tp_at(c, '+') || tp_at(c, '-')) {
		neg = c->s[c->pos++] == '-';
		run = tp_run(c);
		if (run < 4 || run > 9 || !tp_num(c, run, &y))
			return DN_EINVAL;
		if (neg)
			y = -y;
	} else if (!tp_num(c, 4, &y)) {
		return DN_EINVAL;
	}
	ext = tp_eat(c, '-');
	if (tp_eat(c, 'W')) {
		if (!tp_num(c, 2, &w))
			return DN_EINVAL;
		if ((ext && tp_eat(c, '-')) || (!ext && tp_run(c) == 1)) {
			if (!tp_num(c, 1, &dow))
				return DN_EINVAL;
		}
		if (w < 1 || w > dn_cal_weeks_in_year(y) || dow < 1 || dow > 7)
			return DN_EINVAL;
		*days = dn_cal_week1(y) + (w - 1) * 7 + dow - 1;
		return 0;
	}
	run = tp_run(c);
	if (run == 3 || (!ext && run == 3)) { /* ordinal */
		tp_num(c, 3, &d);
		if (d < 1 || d > (dn_cal_is_leap(y) ? 366 : 365))
			return DN_EINVAL;
		*days = dn_cal_days(y, 1, 1) + d - 1;
		return 0;
	}
	if (ext && run == 0)
		return DN_EINVAL;
	if (run >= 2) {
		tp_num(c, 2, &m);
		if (ext ? tp_eat(c, '-') : tp_run(c) >= 2) {
			if (!tp_num(c, 2, &d))
				return DN_EINVAL;
		}
	}
	if (m < 1 || m > 12 || d < 1 || d > dn_cal_days_in_month(y, (unsigned)m))
		return DN_EINVAL;
	*days = dn_cal_days(y, (unsigned)m, (unsigned)d);
	return 0;
}

/* hh[:mm[:ss[.f]]] or hh[mm[ss[.f]]]; *nod out. */
static int tp_time(tp_cur *c, int64_t *nod)
{
	int64_t h, m = 0, s = 0, f = 0;
	bool ext;

	if (!tp_num(c, 2, &h))
		return DN_EINVAL;
	ext = tp_at(c, ':');
	if (ext ? (tp_eat(c, ':'), true) : tp_run(c) >= 2) {
		if (!tp_num(c, 2, &m))
			return DN_EINVAL;
		if (ext ? tp_eat(c, ':') : tp_run(c) >= 2) {
			if (!tp_num(c, 2, &s))
				return DN_EINVAL;
			if (tp_eat(c, '.') || tp_eat(c, ',')) {
				size_t run = tp_run(c), k;
				if (run < 1 || run > 9)
					return DN_EINVAL;
				tp_num(c, run, &f);
				for (k = run; k < 9; k++)
					f *= 10;
			}
		}
	}
	if (h > 23 || m > 59 || s > 59)
		return DN_EINVAL;
	*nod = ((h * 60 + m) * 60 + s) * DN_NS_PER_SEC + f;
	return 0;
}

/* Z | ±hh[[:]mm[[:]ss]]; *has is false when there is none. */
static int tp_offset(tp_cur *c, bool *has, int32_t *off)
{
	int64_t h, m = 0, s = 0;
	int sign;
	bool ext;

	*has = false;
	*off = 0;
	if (tp_eat(c, 'Z')) {
		*has = true;
		return 0;
	}
	if (!tp_at(c, '+') && !tp_at(c, '-'))
		return 0;
	sign = c->s[c->pos++] == '-' ? -1 : 1;
	if (!tp_num(c, 2, &h))
		return DN_EINVAL;
	ext = tp_eat(c, ':');
	if (ext || tp_run(c) >= 2) {
		if (!tp_num(c, 2, &m))
			return DN_EINVAL;
		if ((ext ? tp_eat(c, ':') : tp_run(c) >= 2) && !tp_num(c, 2, &s))
			return DN_EINVAL;
	}
	if (m > 59 || s > 59 || h * 3600 + m * 60 + s > DN_OFFSET_MAX)
		return DN_EINVAL;
	*has = true;
	*off = (int32_t)(sign * (h * 3600 + m * 60 + s));
	return 0;
}

int dn_temporal_parse(int type, const char *s, size_t len, dn_value *out)
{
	tp_cur c = { s, len, 0 };
	dn_tm t = { 0, 0, 0, 0 };
	bool has_off = false, want_date = type == DN_DATE || type == DN_LOCALDATETIME ||
	                                  type == DN_DATETIME;
	bool want_time = type != DN_DATE;
	int rc;

	if (!s || !out)
		return DN_EINVAL;
	if (want_date) {
		if ((rc = tp_date(&c, &t.days)) != 0)
			return rc;
		if (type != DN_DATE && tp_eat(&c, 'T') && (rc = tp_time(&c, &t.nod)) != 0)
			return rc;
	} else if ((rc = tp_time(&c, &t.nod)) != 0) {
		return rc;
	}
	if (want_time && type != DN_LOCALTIME && type != DN_LOCALDATETIME) {
		if ((rc = tp_offset(&c, &has_off, &t.offset)) != 0)
			return rc;
		if (type == DN_DATETIME && tp_eat(&c, '[')) {
			size_t start = c.pos;
			while (c.pos < c.len && c.s[c.pos] != ']')
				c.pos++;
			if (!tp_at(&c, ']'))
				return DN_EINVAL;
			if ((rc = dn_tz_find(s + start, c.pos - start, &t.zone)) != 0)
				return rc;
			c.pos++;
		}
	}
	if (c.pos != c.len)
		return DN_EINVAL;
	if (t.zone && has_off) {
		/* An offset and a zone: the offset picks the instant (it matters
		 * in an overlap), the zone the offset it is shown with. */
		int64_t utc = t.days * 86400 + t.nod / DN_NS_PER_SEC - t.offset;
		int64_t ms = t.days * DN_MS_PER_DAY + t.nod / 1000000 - (int64_t)t.offset * 1000;
		int32_t off;
		if (dn_tz_offset_utc(t.zone, utc, &off) != 0)
			return DN_EINVAL;
		*out = dn_value_datetime_at(ms, (int32_t)(t.nod % 1000000), off, t.zone);
		return 0;
	}
	return dn_tm_make(type, &t, out);
}
