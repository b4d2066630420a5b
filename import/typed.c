/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * typed.c — typed-cell conversion for the loaders (typed.h): integers with
 * overflow checks, floats through strtod on a bounded copy, booleans,
 * dates and datetimes through the engine's ISO-8601 parsers (Cypher's
 * temporal parser for local times, times, local datetimes and zoned
 * datetimes), and ISO-8601 durations.
 */
#include "typed.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	dn_ptype type;
} type_names[] = {
	{"string", DN_PT_STRING}, {"int", DN_PT_INT},       {"long", DN_PT_INT},
	{"short", DN_PT_INT},     {"byte", DN_PT_INT},      {"float", DN_PT_FLOAT},
	{"double", DN_PT_FLOAT},  {"boolean", DN_PT_BOOL},  {"bool", DN_PT_BOOL},
	{"date", DN_PT_DATE},     {"datetime", DN_PT_DATETIME},
	{"duration", DN_PT_DURATION}, {"localtime", DN_PT_LOCALTIME},
	{"time", DN_PT_TIME},         {"localdatetime", DN_PT_LOCALDATETIME},
};

int dn_ptype_parse(const char *s, size_t len, dn_ptype *type, bool *array)
{
	*array = len > 2 && s[len - 2] == '[' && s[len - 1] == ']';
	if (*array)
		len -= 2;
	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++)
		if (strlen(type_names[i].name) == len &&
		    strncasecmp(type_names[i].name, s, len) == 0) {
			*type = type_names[i].type;
			return 0;
		}
	return DN_EINVAL;
}

const char *dn_ptype_what(dn_ptype type)
{
	switch (type) {
	case DN_PT_INT: return "a valid integer";
	case DN_PT_FLOAT: return "a valid number";
	case DN_PT_BOOL: return "a valid boolean (true or false)";
	case DN_PT_DATE: return "a valid date (YYYY-MM-DD)";
	case DN_PT_DATETIME: return "a valid datetime (YYYY-MM-DDThh:mm:ss[.sss][Z|+hh:mm][[Zone/Name]])";
	case DN_PT_LOCALTIME: return "a valid local time (hh:mm[:ss[.fffffffff]])";
	case DN_PT_TIME: return "a valid time (hh:mm[:ss[.fffffffff]](Z|+hh:mm))";
	case DN_PT_LOCALDATETIME: return "a valid local datetime (YYYY-MM-DDThh:mm[:ss[.fffffffff]])";
	case DN_PT_DURATION: return "a valid duration (ISO 8601, e.g. P1Y2M3DT4H)";
	default: return "a valid string";
	}
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int parse_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	bool neg = false;
	uint64_t v = 0, lim;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len)
		return DN_ESYNTAX;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9 || v > (lim - d) / 10)
			return DN_ESYNTAX;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int parse_float(const char *s, size_t len, double *out)
{
	char buf[128], *end;
	if (len == 0 || len >= sizeof buf)
		return DN_ESYNTAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*out = strtod(buf, &end);
	if (end != buf + len || !isfinite(*out) || errno == ERANGE)
		return DN_ESYNTAX;
	return 0;
}

/* A decimal number with an optional fraction, in nanoseconds-per-unit. */
static int dur_number(const char *s, size_t len, size_t *i, int64_t *whole,
                      int64_t *frac_nanos)
{
	size_t st = *i;
	int64_t w = 0, f = 0, scale = 100000000;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		if (w > (INT64_MAX - 9) / 10)
			return DN_ESYNTAX;
		w = w * 10 + (s[(*i)++] - '0');
	}
	if (*i < len && (s[*i] == '.' || s[*i] == ',')) {
		(*i)++;
		while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
			f += (s[(*i)++] - '0') * scale;
			scale /= 10;
		}
	}
	if (*i == st)
		return DN_ESYNTAX;
	*whole = w;
	*frac_nanos = f;
	return 0;
}

int dn_duration_parse_iso(const char *s, size_t len, dn_value *out)
{
	size_t i = 0;
	bool neg = false, time = false, any = false;
	int64_t months = 0, days = 0, nanos = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i >= len || (s[i] != 'P' && s[i] != 'p'))
		return DN_ESYNTAX;
	i++;
	while (i < len) {
		int64_t w, f;
		char u;
		if (s[i] == 'T' || s[i] == 't') {
			if (time)
				return DN_ESYNTAX;
			time = true;
			i++;
			continue;
		}
		bool cneg = false; /* a component may carry its own sign (P1M-3D) */
		if (s[i] == '-' || s[i] == '+')
			cneg = s[i++] == '-';
		if (dur_number(s, len, &i, &w, &f) || i >= len)
			return DN_ESYNTAX;
		if (cneg) {
			w = -w;
			f = -f;
		}
		u = (char)(s[i++] & ~0x20);
		if (f && !(time && u == 'S'))
			return DN_ESYNTAX; /* fractions only on seconds */
		if (!time && u == 'Y')
			months += w * 12;
		else if (!time && u == 'M')
			months += w;
		else if (!time && u == 'W')
			days += w * 7;
		else if (!time && u == 'D')
			days += w;
		else if (time && u == 'H')
			nanos += w * 3600000000000LL;
		else if (time && u == 'M')
			nanos += w * 60000000000LL;
		else if (time && u == 'S')
			nanos += w * 1000000000LL + f;
		else
			return DN_ESYNTAX;
		any = true;
	}
	if (!any)
		return DN_ESYNTAX;
	if (neg) {
		months = -months;
		days = -days;
		nanos = -nanos;
	}
	*out = dn_value_duration(months, days, nanos);
	return 0;
}

int dn_ptype_convert(dn_ptype type, const char *s, size_t len, dn_value *out)
{
	if (type == DN_PT_STRING) {
		*out = dn_value_stringn_ref(s, len);
		return 0;
	}
	trim(&s, &len);
	switch (type) {
	case DN_PT_INT: {
		int64_t v;
		if (parse_int(s, len, &v))
			return DN_ESYNTAX;
		*out = dn_value_int(v);
		return 0;
	}
	case DN_PT_FLOAT: {
		double d;
		if (parse_float(s, len, &d))
			return DN_ESYNTAX;
		*out = dn_value_float(d);
		return 0;
	}
	case DN_PT_BOOL:
		if (len == 4 && strncasecmp(s, "true", 4) == 0)
			*out = dn_value_bool(true);
		else if (len == 5 && strncasecmp(s, "false", 5) == 0)
			*out = dn_value_bool(false);
		else
			return DN_ESYNTAX;
		return 0;
	case DN_PT_DATE: {
		int32_t d;
		if (dn_date_parse(s, len, &d))
			return DN_ESYNTAX;
		*out = dn_value_date(d);
		return 0;
	}
	case DN_PT_DATETIME: {
		int64_t ms;
		/* the common UTC / offset form first; nanoseconds and named zones
		 * (what the exporter writes for such values) through Cypher's
		 * temporal parser */
		if (dn_datetime_parse(s, len, &ms) == 0) {
			*out = dn_value_datetime(ms);
			return 0;
		}
		return dn_temporal_parse(DN_DATETIME, s, len, out) ? DN_ESYNTAX : 0;
	}
	case DN_PT_LOCALTIME:
		return dn_temporal_parse(DN_LOCALTIME, s, len, out) ? DN_ESYNTAX : 0;
	case DN_PT_TIME:
		return dn_temporal_parse(DN_TIME, s, len, out) ? DN_ESYNTAX : 0;
	case DN_PT_LOCALDATETIME:
		return dn_temporal_parse(DN_LOCALDATETIME, s, len, out) ? DN_ESYNTAX : 0;
	case DN_PT_DURATION:
		return dn_duration_parse_iso(s, len, out);
	default:
		return DN_ESYNTAX;
	}
}
