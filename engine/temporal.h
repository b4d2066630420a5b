/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * temporal.h — the engine-internal side of dragnet's temporal values
 * (engine/temporal.c): the proleptic Gregorian calendar on 64-bit day
 * numbers, and dn_tm, the broken-down form (local date, local time of day,
 * offset, zone) that the query layer computes with before it builds a
 * value again.
 */
#ifndef DN_TEMPORAL_H
#define DN_TEMPORAL_H

#include <stdbool.h>
#include <stdint.h>

#include "dragnet.h"

#define DN_NS_PER_SEC INT64_C(1000000000)
#define DN_NS_PER_DAY (INT64_C(86400) * DN_NS_PER_SEC)
#define DN_MS_PER_DAY INT64_C(86400000)
/* Offsets are limited to ±18:00, as in java.time. */
#define DN_OFFSET_MAX (18 * 3600)

int64_t dn_floor_div(int64_t a, int64_t b);
int64_t dn_floor_mod(int64_t a, int64_t b);

/* Days since 1970-01-01 of y-m-d (no range check), and back. */
int64_t dn_cal_days(int64_t y, unsigned m, unsigned d);
void dn_cal_civil(int64_t days, int64_t *y, unsigned *m, unsigned *d);
unsigned dn_cal_days_in_month(int64_t y, unsigned m);
bool dn_cal_is_leap(int64_t y);
/* Year text: four digits for 0000..9999, else a sign and the digits. */
void dn_cal_year_text(int64_t y, char *tmp, size_t cap);
/* "YYYY-MM-DD" of a day number, as dn_date_format. */
int dn_cal_date_text(int64_t days, char *buf, size_t cap);
/* ISO weeks: the day number of Monday of week 1 of week-year y, and the
 * number of weeks (52 or 53) of week-year y. */
int64_t dn_cal_week1(int64_t y);
int dn_cal_weeks_in_year(int64_t y);
/* ISO day of week of a day number: Monday 1 .. Sunday 7. */
int dn_cal_dow(int64_t days);

/* A temporal value broken down: the local date and time of day (on the
 * value's own clock), its offset and zone. A DATE has nod 0; times have
 * days 0. */
typedef struct dn_tm {
	int64_t days;   /* local date: days since 1970-01-01 */
	int64_t nod;    /* local nanoseconds of the day, 0 .. DN_NS_PER_DAY-1 */
	int32_t offset; /* seconds east of UTC (TIME, DATETIME) */
	uint32_t zone;  /* DATETIME: named zone or 0 */
} dn_tm;

/* Breaks a DATE, LOCALTIME, TIME, LOCALDATETIME or DATETIME down. */
void dn_tm_of(const dn_value *v, dn_tm *t);
/* Builds a value of `type` from t, ignoring what the type does not hold.
 * A DATETIME with a zone takes its offset from the zone's rules for the
 * local time (dn_tz_offset_local), so a time in a DST gap moves forward.
 * Returns 0, DN_ETOOBIG (out of range) or DN_EINVAL. */
int dn_tm_make(int type, const dn_tm *t, dn_value *out);
/* The local time of a time-bearing value in nanoseconds since the epoch
 * would overflow for years past 2262, so instants are (seconds, nanos). */
void dn_tm_instant(const dn_value *v, int64_t *sec, int32_t *ns);

/* Writes an offset as Cypher does: "Z", "+01:00", "+00:53:28". */
int dn_offset_format(int32_t offset, char *buf, size_t cap);

#endif
