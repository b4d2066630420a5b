/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * value.c — the dn_value tagged union: constructors, deep copy and release,
 * equality and the total order that indexes follow (keys.c encodes the same
 * order into bytes), Cypher type names, and the calendar helpers behind
 * DATE, DATETIME and DURATION (day numbers, ISO-8601 parsing and text).
 * A leaf module: it allocates with malloc and touches no database state.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"
#include "internal.h"
#include "temporal.h"

#define MS_PER_DAY INT64_C(86400000)
#define NS_PER_SEC UINT64_C(1000000000)

/* ------------------------------------------------------------------ */
/* Constructors                                                        */
/* ------------------------------------------------------------------ */

static dn_value value_of_type(dn_type type)
{
	dn_value v;
	memset(&v, 0, sizeof v);
	v.type = (uint8_t)type;
	return v;
}

static void value_set_err(int *err, int code)
{
	if (err)
		*err = code;
}

dn_value dn_value_date(int32_t days)
{
	dn_value v = value_of_type(DN_DATE);
	v.u.date = days;
	return v;
}

dn_value dn_value_datetime(int64_t ms)
{
	return dn_value_datetime_at(ms, 0, 0, 0);
}

dn_value dn_value_duration(int64_t months, int64_t days, int64_t nanos)
{
	dn_value v = value_of_type(DN_DURATION);
	v.u.dur.months = months;
	v.u.dur.days = days;
	v.u.dur.nanos = nanos;
	return v;
}

/* A length that does not fit the 32-bit len field cannot be represented;
 * there is no error channel here, so such a value comes back as DN_NULL. */
dn_value dn_value_stringn_ref(const char *s, size_t len)
{
	dn_value v = value_of_type(DN_STRING);
	if (len > UINT32_MAX || (!s && len))
		return value_of_type(DN_NULL);
	v.len = (uint32_t)len;
	v.u.s = s;
	return v;
}

/* Copies len bytes into a fresh NUL-terminated buffer (the terminator is a
 * convenience for C callers; len stays authoritative). NULL on ENOMEM. */
static char *value_strdup(const char *s, size_t len)
{
	char *copy = dn_malloc(len + 1);
	if (!copy)
		return NULL;
	if (len)
		memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

dn_value dn_value_stringn(const char *s, size_t len, int *err)
{
	dn_value v = value_of_type(DN_STRING);
	char *copy;

	if (!s && len) {
		value_set_err(err, DN_EINVAL);
		return value_of_type(DN_NULL);
	}
	if (len > UINT32_MAX) {
		value_set_err(err, DN_ETOOBIG);
		return value_of_type(DN_NULL);
	}
	copy = value_strdup(s, len);
	if (!copy) {
		value_set_err(err, DN_ENOMEM);
		return value_of_type(DN_NULL);
	}
	v.owned = 1;
	v.len = (uint32_t)len;
	v.u.s = copy;
	return v;
}

dn_value dn_value_string(const char *s, int *err)
{
	if (!s) {
		value_set_err(err, DN_EINVAL);
		return value_of_type(DN_NULL);
	}
	return dn_value_stringn(s, strlen(s), err);
}

static int value_copy_into(dn_value *out, const dn_value *in);

/* Items held in u.list: len for LIST and PATH, two per entry for MAP. */
static size_t value_item_count(const dn_value *v)
{
	return v->type == DN_MAP ? (size_t)v->len * 2 : v->len;
}

/* Deep-copies n items into a fresh array (*out is NULL when n is 0). On
 * failure nothing stays allocated. */
static int value_items_copy(const dn_value *items, size_t n, dn_value **out)
{
	dn_value *a;
	size_t i;
	int rc;

	*out = NULL;
	if (n == 0)
		return 0;
	a = dn_calloc(n, sizeof *a);
	if (!a)
		return DN_ENOMEM;
	for (i = 0; i < n; i++) {
		rc = value_copy_into(&a[i], &items[i]);
		if (rc != 0) {
			while (i > 0)
				dn_value_free(&a[--i]);
			free(a);
			return rc;
		}
	}
	*out = a;
	return 0;
}

/* Writes an owned deep copy of *in to *out; on failure *out is DN_NULL. */
static int value_copy_into(dn_value *out, const dn_value *in)
{
	dn_value v = *in;
	int rc;

	v.owned = 0;
	if (in->type == DN_STRING) {
		char *copy;
		if (!in->u.s && in->len) {
			*out = value_of_type(DN_NULL);
			return DN_EINVAL;
		}
		copy = value_strdup(in->u.s, in->len);
		if (!copy) {
			*out = value_of_type(DN_NULL);
			return DN_ENOMEM;
		}
		v.u.s = copy;
		v.owned = 1;
	} else if (in->type == DN_LIST || in->type == DN_MAP || in->type == DN_PATH) {
		dn_value *items;
		size_t n = value_item_count(in);
		if (!in->u.list && n) {
			*out = value_of_type(DN_NULL);
			return DN_EINVAL;
		}
		rc = value_items_copy(in->u.list, n, &items);
		if (rc != 0) {
			*out = value_of_type(DN_NULL);
			return rc;
		}
		v.u.list = items;
		v.owned = 1;
	}
	*out = v;
	return 0;
}

dn_value dn_value_list(const dn_value *items, size_t n, int *err)
{
	dn_value v = value_of_type(DN_LIST);
	dn_value *copy;
	int rc;

	if (!items && n) {
		value_set_err(err, DN_EINVAL);
		return value_of_type(DN_NULL);
	}
	if (n > UINT32_MAX) {
		value_set_err(err, DN_ETOOBIG);
		return value_of_type(DN_NULL);
	}
	rc = value_items_copy(items, n, &copy);
	if (rc != 0) {
		value_set_err(err, rc);
		return value_of_type(DN_NULL);
	}
	v.owned = 1;
	v.len = (uint32_t)n;
	v.u.list = copy;
	return v;
}

int dn_value_copy(dn_value *out, const dn_value *in)
{
	dn_value tmp;
	int rc;

	if (!out || !in)
		return DN_EINVAL;
	/* Through tmp, so that out == in works. */
	rc = value_copy_into(&tmp, in);
	*out = tmp;
	return rc;
}

void dn_value_free(dn_value *v)
{
	if (!v)
		return;
	if (v->owned) {
		if (v->type == DN_STRING) {
			free((void *)(uintptr_t)v->u.s);
		} else if (v->type == DN_LIST || v->type == DN_MAP || v->type == DN_PATH) {
			size_t i, n = value_item_count(v);
			for (i = 0; i < n; i++)
				dn_value_free(&v->u.list[i]);
			free(v->u.list);
		}
	}
	/* A borrowed value's storage belongs to the caller: only reset. */
	*v = value_of_type(DN_NULL);
}

/* ------------------------------------------------------------------ */
/* Equality and order                                                  */
/* ------------------------------------------------------------------ */

/* Position of a type in the index order; INT and FLOAT share one. The
 * result-only types (MAP, NODE, REL, PATH) sort after LIST in enum order;
 * unknown type numbers after them, by number. */
static int value_type_rank(int type)
{
	switch (type) {
	case DN_NULL: return 0;
	case DN_BOOL: return 1;
	case DN_INT:
	case DN_FLOAT: return 2;
	case DN_STRING: return 3;
	case DN_DATE: return 4;
	case DN_LOCALTIME: return 5;
	case DN_TIME: return 6;
	case DN_LOCALDATETIME: return 7;
	case DN_DATETIME: return 8;
	case DN_DURATION: return 9;
	case DN_LIST: return 10;
	case DN_MAP: return 11;
	case DN_NODE: return 12;
	case DN_REL: return 13;
	case DN_PATH: return 14;
	default: return 15 + type;
	}
}

static int value_cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Doubles: -0.0 equals 0.0; NaN sorts after +inf and equals itself, so
 * that the order is total (keys.c encodes NaN the same way). */
static int value_cmp_f64(double a, double b)
{
	bool an = a != a, bn = b != b;
	if (an || bn)
		return (int)an - (int)bn;
	return (a > b) - (a < b);
}

/* Exact comparison of an int64 with a double, with no rounding of either:
 * the double is split into its integral part (which fits int64 once it is
 * inside [-2^63, 2^63)) and the sign of its fraction. */
static int value_cmp_int_float(int64_t i, double f)
{
	int64_t t;
	double td;

	if (f != f)
		return -1; /* NaN is above every number */
	if (f >= 0x1p63)
		return -1;
	if (f < -0x1p63)
		return 1;
	t = (int64_t)f; /* truncates toward zero, exact for |f| < 2^63 */
	if (i != t)
		return i < t ? -1 : 1;
	td = (double)t; /* t came from a double, so this is exact */
	if (f > td)
		return -1;
	if (f < td)
		return 1;
	return 0;
}

static int value_cmp_bytes(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	uint32_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;
	if (r != 0)
		return r < 0 ? -1 : 1;
	return (alen > blen) - (alen < blen);
}

int dn_value_compare(const dn_value *a, const dn_value *b)
{
	static const dn_value null_value; /* a NULL pointer compares as DN_NULL */
	int ra, rb, r;
	uint32_t i, n;

	if (!a)
		a = &null_value;
	if (!b)
		b = &null_value;
	ra = value_type_rank(a->type);
	rb = value_type_rank(b->type);
	if (ra != rb)
		return ra < rb ? -1 : 1;

	switch (a->type) {
	case DN_BOOL:
		return (int)a->u.b - (int)b->u.b;
	case DN_INT:
		if (b->type == DN_INT)
			return value_cmp_i64(a->u.i, b->u.i);
		return value_cmp_int_float(a->u.i, b->u.f);
	case DN_FLOAT:
		if (b->type == DN_INT)
			return -value_cmp_int_float(b->u.i, a->u.f);
		return value_cmp_f64(a->u.f, b->u.f);
	case DN_STRING:
		return value_cmp_bytes(a->u.s, a->len, b->u.s, b->len);
	case DN_DATE:
		return value_cmp_i64(a->u.date, b->u.date);
	case DN_LOCALTIME:
	case DN_LOCALDATETIME:
		r = value_cmp_i64(a->u.datetime, b->u.datetime);
		return r ? r : value_cmp_i64(a->u.tm_ns, b->u.tm_ns);
	case DN_TIME:
		/* The instant of the day in UTC, then the offset (keys.c). */
		r = value_cmp_i64(a->u.datetime - (int64_t)a->u.tm_offset * 1000,
		                  b->u.datetime - (int64_t)b->u.tm_offset * 1000);
		if (r == 0)
			r = value_cmp_i64(a->u.tm_ns, b->u.tm_ns);
		return r ? r : value_cmp_i64(a->u.tm_offset, b->u.tm_offset);
	case DN_DATETIME:
		/* The millisecond; then a plain one (UTC, no ns) before the
		 * others, as their keys sort (keys.c); then ns, offset, zone. */
		r = value_cmp_i64(a->u.datetime, b->u.datetime);
		if (r == 0)
			r = value_cmp_i64(a->u.tm_ns || a->u.tm_offset || a->u.tm_zone,
			                  b->u.tm_ns || b->u.tm_offset || b->u.tm_zone);
		if (r == 0)
			r = value_cmp_i64(a->u.tm_ns, b->u.tm_ns);
		if (r == 0)
			r = value_cmp_i64(a->u.tm_offset, b->u.tm_offset);
		if (r == 0 && a->u.tm_zone != b->u.tm_zone) {
			const char *za = dn_tz_name(a->u.tm_zone), *zb = dn_tz_name(b->u.tm_zone);
			r = value_cmp_bytes(za ? za : "", za ? (uint32_t)strlen(za) : 0, zb ? zb : "",
			                    zb ? (uint32_t)strlen(zb) : 0);
		}
		return r;
	case DN_DURATION:
		/* No natural order exists (is 1 month more than 30 days?); this
		 * one is lexicographic on (months, days, nanos), as the keys are. */
		r = value_cmp_i64(a->u.dur.months, b->u.dur.months);
		if (r == 0)
			r = value_cmp_i64(a->u.dur.days, b->u.dur.days);
		if (r == 0)
			r = value_cmp_i64(a->u.dur.nanos, b->u.dur.nanos);
		return r;
	case DN_NODE:
	case DN_REL:
		return value_cmp_i64(a->u.i, b->u.i);
	case DN_MAP:
		/* Entries are sorted by key: compare key, value, key, ... and
		 * then by entry count (as lists compare). */
		n = a->len < b->len ? a->len : b->len;
		for (i = 0; i < 2 * n; i++) {
			r = dn_value_compare(&a->u.list[i], &b->u.list[i]);
			if (r != 0)
				return r;
		}
		return (a->len > b->len) - (a->len < b->len);
	case DN_LIST:
	case DN_PATH:
		n = a->len < b->len ? a->len : b->len;
		for (i = 0; i < n; i++) {
			r = dn_value_compare(&a->u.list[i], &b->u.list[i]);
			if (r != 0)
				return r;
		}
		return (a->len > b->len) - (a->len < b->len);
	default:
		return 0; /* DN_NULL, or two values of one unknown type */
	}
}

bool dn_value_equal(const dn_value *a, const dn_value *b)
{
	/* The order is total and INT/FLOAT-aware, so equality is its zero. */
	return dn_value_compare(a, b) == 0;
}

const char *dn_type_name(int type)
{
	static const char *const names[DN_TYPE_COUNT_] = {
		[DN_NULL] = "NULL",
		[DN_BOOL] = "BOOLEAN",
		[DN_INT] = "INTEGER",
		[DN_FLOAT] = "FLOAT",
		[DN_STRING] = "STRING",
		[DN_DATE] = "DATE",
		[DN_DATETIME] = "DATETIME",
		[DN_DURATION] = "DURATION",
		[DN_LIST] = "LIST",
		[DN_MAP] = "MAP",
		[DN_NODE] = "NODE",
		[DN_REL] = "RELATIONSHIP",
		[DN_LOCALTIME] = "LOCALTIME",
		[DN_TIME] = "TIME",
		[DN_LOCALDATETIME] = "LOCALDATETIME",
		[DN_PATH] = "PATH",
	};
	if (type < 0 || type >= DN_TYPE_COUNT_)
		return "UNKNOWN";
	return names[type];
}

/* ------------------------------------------------------------------ */
/* Calendar                                                            */
/* ------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil): years are counted from March so that the leap day ends
 * the year, and grouped into 400-year eras of 146097 days. */
int64_t dn_cal_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;                                      /* [0, 399] */
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;    /* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The inverse (Hinnant's civil_from_days). */
void dn_cal_civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;                                           /* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;      /* [0, 399] */
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                    /* [0, 365] */
	mp = (5 * doy + 2) / 153;                                         /* [0, 11] */
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

bool dn_cal_is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned dn_cal_days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && dn_cal_is_leap(y) ? 29 : dim[m - 1];
}

/* Accepts every year whose dates fit the 32-bit day number (about
 * -5.8 to +5.8 million). */
int dn_date_from_ymd(int year, int month, int day, int32_t *days)
{
	int64_t n;

	if (!days || month < 1 || month > 12 || day < 1 ||
	    (unsigned)day > dn_cal_days_in_month(year, (unsigned)month))
		return DN_EINVAL;
	n = dn_cal_days(year, (unsigned)month, (unsigned)day);
	if (n < INT32_MIN || n > INT32_MAX)
		return DN_EINVAL;
	*days = (int32_t)n;
	return 0;
}

void dn_date_to_ymd(int32_t days, int *year, int *month, int *day)
{
	int64_t y;
	unsigned m, d;

	dn_cal_civil(days, &y, &m, &d);
	if (year)
		*year = (int)y; /* |y| < 6 million for any int32 day number */
	if (month)
		*month = (int)m;
	if (day)
		*day = (int)d;
}

/* A cursor over length-counted input (not necessarily NUL-terminated). */
typedef struct cal_cursor {
	const char *s;
	size_t len;
	size_t pos;
} cal_cursor;

static bool cal_at(const cal_cursor *c, char ch)
{
	return c->pos < c->len && c->s[c->pos] == ch;
}

static bool cal_digit_at(const cal_cursor *c)
{
	return c->pos < c->len && c->s[c->pos] >= '0' && c->s[c->pos] <= '9';
}

/* Reads exactly n decimal digits. */
static bool cal_digits(cal_cursor *c, int n, int *out)
{
	int v = 0;
	while (n-- > 0) {
		if (!cal_digit_at(c))
			return false;
		v = v * 10 + (c->s[c->pos++] - '0');
	}
	*out = v;
	return true;
}

/* "YYYY-MM-DD": four digits of year, or (ISO 8601 expanded form, which
 * dn_date_format writes for years outside 0000..9999) a sign and four to
 * seven digits. */
static int cal_parse_date(cal_cursor *c, int32_t *days)
{
	int year = 0, month, day, ndig = 0;
	bool neg = false;

	if (cal_at(c, '+') || cal_at(c, '-')) {
		neg = c->s[c->pos] == '-';
		c->pos++;
		while (cal_digit_at(c) && ndig < 7) {
			year = year * 10 + (c->s[c->pos++] - '0');
			ndig++;
		}
		if (ndig < 4)
			return DN_EINVAL;
		if (neg)
			year = -year;
	} else if (!cal_digits(c, 4, &year)) {
		return DN_EINVAL;
	}
	if (!cal_at(c, '-'))
		return DN_EINVAL;
	c->pos++;
	if (!cal_digits(c, 2, &month) || !cal_at(c, '-'))
		return DN_EINVAL;
	c->pos++;
	if (!cal_digits(c, 2, &day))
		return DN_EINVAL;
	return dn_date_from_ymd(year, month, day, days);
}

int dn_date_parse(const char *s, size_t len, int32_t *days)
{
	cal_cursor c = { s, len, 0 };
	int32_t d;
	int rc;

	if (!s || !days)
		return DN_EINVAL;
	rc = cal_parse_date(&c, &d);
	if (rc != 0)
		return rc;
	if (c.pos != c.len)
		return DN_EINVAL;
	*days = d;
	return 0;
}

int dn_datetime_parse(const char *s, size_t len, int64_t *ms)
{
	cal_cursor c = { s, len, 0 };
	int32_t days;
	int hh, mi, ss = 0, frac_ms = 0, oh, om = 0, sign;
	int64_t off_ms = 0, t;
	int rc;

	if (!s || !ms)
		return DN_EINVAL;
	rc = cal_parse_date(&c, &days);
	if (rc != 0)
		return rc;
	t = (int64_t)days * MS_PER_DAY;
	if (c.pos == c.len) {
		*ms = t;
		return 0;
	}
	if (!cal_at(&c, 'T') && !cal_at(&c, ' '))
		return DN_EINVAL;
	c.pos++;
	if (!cal_digits(&c, 2, &hh) || !cal_at(&c, ':'))
		return DN_EINVAL;
	c.pos++;
	if (!cal_digits(&c, 2, &mi))
		return DN_EINVAL;
	if (cal_at(&c, ':')) {
		c.pos++;
		if (!cal_digits(&c, 2, &ss))
			return DN_EINVAL;
		if (cal_at(&c, '.')) {
			int ndig = 0;
			c.pos++;
			/* 1 to 9 digits; digits after the third are dropped
			 * (truncation toward the start of the second). */
			while (cal_digit_at(&c) && ndig < 9) {
				if (ndig < 3)
					frac_ms = frac_ms * 10 + (c.s[c.pos] - '0');
				c.pos++;
				ndig++;
			}
			if (ndig == 0 || cal_digit_at(&c))
				return DN_EINVAL;
			for (; ndig < 3; ndig++)
				frac_ms *= 10;
		}
	}
	if (hh > 23 || mi > 59 || ss > 59)
		return DN_EINVAL;

	if (cal_at(&c, 'Z')) {
		c.pos++;
	} else if (cal_at(&c, '+') || cal_at(&c, '-')) {
		sign = c.s[c.pos] == '-' ? -1 : 1;
		c.pos++;
		if (!cal_digits(&c, 2, &oh))
			return DN_EINVAL;
		if (cal_at(&c, ':'))
			c.pos++;
		if (!cal_digits(&c, 2, &om))
			return DN_EINVAL;
		/* The widest offsets in use are +14:00 and -12:00; allow up to
		 * 18:00 either way, as java.time and Neo4j do. */
		if (om > 59 || oh * 60 + om > 18 * 60)
			return DN_EINVAL;
		off_ms = sign * ((int64_t)oh * 3600000 + (int64_t)om * 60000);
	}
	if (c.pos != c.len)
		return DN_EINVAL;
	*ms = t + (int64_t)hh * 3600000 + (int64_t)mi * 60000 + (int64_t)ss * 1000 +
	      frac_ms - off_ms;
	return 0;
}

/* Year text: four digits for 0000..9999, else ISO 8601 expanded form with a
 * sign ("-0044", "+10000"). Writes into tmp (at least 24 bytes). */
void dn_cal_year_text(int64_t y, char *tmp, size_t cap)
{
	if (y < 0)
		snprintf(tmp, cap, "-%04lld", (long long)-y);
	else if (y > 9999)
		snprintf(tmp, cap, "+%lld", (long long)y);
	else
		snprintf(tmp, cap, "%04lld", (long long)y);
}

int dn_date_format(int32_t days, char *buf, size_t cap)
{
	return dn_cal_date_text(days, buf, cap);
}

int dn_cal_date_text(int64_t days, char *buf, size_t cap)
{
	char year[24];
	int64_t y;
	unsigned m, d;

	dn_cal_civil(days, &y, &m, &d);
	dn_cal_year_text(y, year, sizeof year);
	return snprintf(buf, cap, "%s-%02u-%02u", year, m, d);
}

int dn_datetime_format(int64_t ms, char *buf, size_t cap)
{
	char year[24];
	int64_t days = ms / MS_PER_DAY, rem = ms % MS_PER_DAY, y;
	unsigned m, d, h, mi, s, milli;

	if (rem < 0) { /* floor division: times before 1970 */
		rem += MS_PER_DAY;
		days--;
	}
	dn_cal_civil(days, &y, &m, &d);
	dn_cal_year_text(y, year, sizeof year);
	milli = (unsigned)(rem % 1000);
	rem /= 1000;
	s = (unsigned)(rem % 60);
	rem /= 60;
	mi = (unsigned)(rem % 60);
	h = (unsigned)(rem / 60);
	if (milli)
		return snprintf(buf, cap, "%s-%02u-%02uT%02u:%02u:%02u.%03uZ", year, m, d, h,
		                mi, s, milli);
	return snprintf(buf, cap, "%s-%02u-%02uT%02u:%02u:%02uZ", year, m, d, h, mi, s);
}

/* Appends "<value><unit>" to the text being built when value is not 0. */
static size_t cal_dur_part(char *out, size_t pos, size_t cap, int64_t value, char unit)
{
	if (value == 0)
		return pos;
	return pos + (size_t)snprintf(out + pos, cap - pos, "%lld%c", (long long)value, unit);
}

/* Cypher's text of a duration: "P1Y2M3DT4H5M6.5S". Months split into years
 * and months, nanoseconds into hours, minutes and seconds, each part
 * truncated toward zero and carrying the sign of its source ("P-1Y-2M",
 * "PT-1.5S"); zero parts are left out and the zero duration is "PT0S". */
int dn_duration_format(int64_t months, int64_t days, int64_t nanos, char *buf, size_t cap)
{
	char out[160];
	size_t pos = 0;
	uint64_t mag, h, mi, sec, frac;
	const char *sign = nanos < 0 ? "-" : "";

	if (months == 0 && days == 0 && nanos == 0)
		return snprintf(buf, cap, "PT0S");

	out[pos++] = 'P';
	pos = cal_dur_part(out, pos, sizeof out, months / 12, 'Y');
	pos = cal_dur_part(out, pos, sizeof out, months % 12, 'M');
	pos = cal_dur_part(out, pos, sizeof out, days, 'D');
	if (nanos != 0) {
		/* Magnitude as unsigned, so that INT64_MIN does not overflow. */
		mag = nanos < 0 ? UINT64_C(0) - (uint64_t)nanos : (uint64_t)nanos;
		frac = mag % NS_PER_SEC;
		sec = mag / NS_PER_SEC;
		h = sec / 3600;
		mi = sec / 60 % 60;
		sec %= 60;
		out[pos++] = 'T';
		if (h)
			pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%lluH", sign,
			                        (unsigned long long)h);
		if (mi)
			pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%lluM", sign,
			                        (unsigned long long)mi);
		if (sec || frac) {
			pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%llu", sign,
			                        (unsigned long long)sec);
			if (frac) {
				char digits[10];
				int n = 9;
				snprintf(digits, sizeof digits, "%09llu", (unsigned long long)frac);
				while (digits[n - 1] == '0')
					n--;
				pos += (size_t)snprintf(out + pos, sizeof out - pos, ".%.*s", n,
				                        digits);
			}
			out[pos++] = 'S';
		}
	}
	out[pos] = '\0';
	return snprintf(buf, cap, "%s", out);
}
