/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tz.c — named time zones for DATETIME values: reads the system's TZif
 * files (tzfile(5), RFC 8536) from $TZDIR or /usr/share/zoneinfo, the
 * 64-bit (version 2+) data and the POSIX TZ rule of the footer that covers
 * the time after the last transition, and answers "which offset" for an
 * instant or a wall-clock time. Zones are parsed once and kept, under one
 * mutex, for the life of the process; no setenv("TZ")/localtime().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "temporal.h"

#define TZ_NAME_MAX 64
#define TZ_FILE_MAX (256 * 1024)
#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"

/* A POSIX TZ rule date: Mm.w.d, Jn (1..365, no Feb 29) or n (0..365). */
typedef struct tz_rule_date {
	char kind; /* 'M', 'J' or 'n' */
	int month, week, wday, day;
	int32_t time; /* seconds after local midnight of the rule's clock */
} tz_rule_date;

typedef struct tz_rule {
	bool present, has_dst;
	int32_t std_off, dst_off; /* seconds east of UTC */
	tz_rule_date start, end;
} tz_rule;

typedef struct tz_zone {
	char name[TZ_NAME_MAX];
	int64_t *trans; /* transition instants, ascending */
	uint8_t *idx;   /* the type after each transition */
	int32_t *offs;  /* offset of each type */
	uint32_t ntrans, ntypes;
	tz_rule rule;
} tz_zone;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone **tz_zones;
static uint32_t tz_count, tz_cap;

static int64_t tz_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* ---- the POSIX TZ footer ---- */

static const char *tz_rule_name(const char *p)
{
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		return *p ? p + 1 : NULL;
	}
	const char *s = p;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] as seconds. */
static const char *tz_rule_hms(const char *p, int32_t *out)
{
	int sign = 1, part = 0;
	int32_t v[3] = { 0, 0, 0 };

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (*p < '0' || *p > '9')
		return NULL;
	for (;;) {
		while (*p >= '0' && *p <= '9')
			v[part] = v[part] * 10 + (*p++ - '0');
		if (*p != ':' || part == 2)
			break;
		p++;
		part++;
	}
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return p;
}

static const char *tz_rule_when(const char *p, tz_rule_date *d)
{
	d->time = 7200;
	if (*p == 'M') {
		d->kind = 'M';
		if (sscanf(p + 1, "%d.%d.%d", &d->month, &d->week, &d->wday) != 3)
			return NULL;
		p++;
		while ((*p >= '0' && *p <= '9') || *p == '.')
			p++;
	} else {
		d->kind = *p == 'J' ? 'J' : 'n';
		if (*p == 'J')
			p++;
		d->day = atoi(p);
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == '/')
		p = tz_rule_hms(p + 1, &d->time);
	return p;
}

static void tz_rule_parse(const char *p, tz_rule *r)
{
	int32_t x;

	memset(r, 0, sizeof *r);
	if (!(p = tz_rule_name(p)) || !(p = tz_rule_hms(p, &x)))
		return;
	r->std_off = r->dst_off = -x; /* POSIX counts west of UTC */
	if (*p && *p != ',') {
		if (!(p = tz_rule_name(p)))
			return;
		r->dst_off = r->std_off + 3600;
		if (*p && *p != ',') {
			if (!(p = tz_rule_hms(p, &x)))
				return;
			r->dst_off = -x;
		}
		if (*p != ',' || !(p = tz_rule_when(p + 1, &r->start)) || *p != ',' ||
		    !(p = tz_rule_when(p + 1, &r->end)))
			return;
		r->has_dst = true;
	}
	r->present = true;
}

/* Days since the epoch of a rule date in year y. */
static int64_t tz_rule_day(const tz_rule_date *d, int64_t y)
{
	int64_t first;
	bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);

	if (d->kind == 'J')
		return dn_cal_days(y, 1, 1) + d->day - 1 + (leap && d->day >= 60);
	if (d->kind == 'n')
		return dn_cal_days(y, 1, 1) + d->day;
	/* Day d of week w (5: the last) of month m. */
	first = dn_cal_days(y, d->month, 1);
	int64_t dow = ((first + 4) % 7 + 7) % 7; /* 0 = Sunday */
	int64_t day = first + ((d->wday - dow) % 7 + 7) % 7 + (d->week - 1) * 7;
	int64_t next = d->month == 12 ? dn_cal_days(y + 1, 1, 1) : dn_cal_days(y, d->month + 1, 1);
	while (day >= next)
		day -= 7;
	return day;
}

static int32_t tz_rule_offset(const tz_rule *r, int64_t t)
{
	int64_t y, start, end;
	unsigned m, d;

	if (!r->has_dst)
		return r->std_off;
	dn_cal_civil(dn_floor_div(t + r->std_off, 86400), &y, &m, &d);
	start = tz_rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
	end = tz_rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
	if (start < end)
		return t >= start && t < end ? r->dst_off : r->std_off;
	return t >= end && t < start ? r->std_off : r->dst_off;
}

/* ---- TZif ---- */

static void tz_zone_free(tz_zone *z)
{
	if (!z)
		return;
	free(z->trans);
	free(z->idx);
	free(z->offs);
	free(z);
}

/* Parses a TZif image; version 1 files use their 32-bit block. */
static int tz_zone_parse(const uint8_t *p, size_t n, tz_zone *z)
{
	const uint8_t *end = p + n;
	uint32_t cnt[6];
	int tsize = 4;
	size_t block;

	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return DN_EINVAL;
	for (;;) {
		for (int i = 0; i < 6; i++)
			cnt[i] = (uint32_t)tz_be(p + 20 + 4 * i, 4);
		/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
		block = (size_t)cnt[3] * (size_t)tsize + cnt[3] + (size_t)cnt[4] * 6 + cnt[5] +
		        (size_t)cnt[2] * (size_t)(tsize + 4) + cnt[1] + cnt[0];
		if ((size_t)(end - p) < 44 + block || cnt[4] == 0 || cnt[4] > 256)
			return DN_EINVAL;
		if (tsize == 4 && p[4] >= '2') {
			p += 44 + block; /* skip to the 64-bit header */
			tsize = 8;
			if (end - p < 44 || memcmp(p, "TZif", 4) != 0)
				return DN_EINVAL;
			continue;
		}
		break;
	}
	const uint8_t *q = p + 44;
	z->ntrans = cnt[3];
	z->ntypes = cnt[4];
	z->trans = dn_malloc((cnt[3] + 1) * sizeof *z->trans);
	z->idx = dn_malloc(cnt[3] + 1);
	z->offs = dn_malloc(cnt[4] * sizeof *z->offs);
	if (!z->trans || !z->idx || !z->offs)
		return DN_ENOMEM;
	for (uint32_t i = 0; i < cnt[3]; i++, q += tsize)
		z->trans[i] = tz_be(q, tsize);
	for (uint32_t i = 0; i < cnt[3]; i++, q++) {
		if (*q >= cnt[4])
			return DN_EINVAL;
		z->idx[i] = *q;
	}
	for (uint32_t i = 0; i < cnt[4]; i++, q += 6)
		z->offs[i] = (int32_t)tz_be(q, 4);
	q += cnt[5] + (size_t)cnt[2] * (size_t)(tsize + 4) + cnt[1] + cnt[0];
	if (tsize == 8 && q < end && *q == '\n') {
		char footer[128];
		const uint8_t *nl = memchr(q + 1, '\n', (size_t)(end - q - 1));
		size_t len = nl ? (size_t)(nl - q - 1) : 0;
		if (len > 0 && len < sizeof footer) {
			memcpy(footer, q + 1, len);
			footer[len] = '\0';
			tz_rule_parse(footer, &z->rule);
		}
	}
	return 0;
}

static bool tz_name_ok(const char *name, size_t len)
{
	if (len == 0 || len >= TZ_NAME_MAX || name[0] == '/' || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '+'))
			return false;
		if (c == '/' && i + 1 < len && name[i + 1] == '.')
			return false;
	}
	return true;
}

static int tz_zone_load(const char *name, tz_zone **out)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	uint8_t *buf;
	size_t n;
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : TZ_DEFAULT_DIR, name);
	if (!(f = fopen(path, "rb")))
		return DN_ENOTFOUND;
	buf = dn_malloc(TZ_FILE_MAX);
	if (!buf) {
		fclose(f);
		return DN_ENOMEM;
	}
	n = fread(buf, 1, TZ_FILE_MAX, f);
	fclose(f);
	tz_zone *z = dn_calloc(1, sizeof *z);
	if (!z) {
		free(buf);
		return DN_ENOMEM;
	}
	snprintf(z->name, sizeof z->name, "%s", name);
	rc = tz_zone_parse(buf, n, z);
	free(buf);
	if (rc) {
		tz_zone_free(z);
		return rc == DN_EINVAL ? DN_ENOTFOUND : rc;
	}
	*out = z;
	return 0;
}

int dn_tz_find(const char *name, size_t len, uint32_t *zone)
{
	char key[TZ_NAME_MAX];
	tz_zone *z = NULL;
	int rc = 0;

	if (!name || !zone || !tz_name_ok(name, len))
		return DN_EINVAL;
	memcpy(key, name, len);
	key[len] = '\0';
	pthread_mutex_lock(&tz_lock);
	for (uint32_t i = 0; i < tz_count; i++)
		if (strcmp(tz_zones[i]->name, key) == 0) {
			*zone = i + 1;
			goto out;
		}
	if ((rc = tz_zone_load(key, &z)) != 0)
		goto out;
	if (tz_count == tz_cap) {
		uint32_t ncap = tz_cap ? 2 * tz_cap : 16;
		tz_zone **nz = dn_realloc(tz_zones, ncap * sizeof *nz);
		if (!nz) {
			tz_zone_free(z);
			rc = DN_ENOMEM;
			goto out;
		}
		tz_zones = nz;
		tz_cap = ncap;
	}
	tz_zones[tz_count++] = z;
	*zone = tz_count;
out:
	pthread_mutex_unlock(&tz_lock);
	return rc;
}

/* Zones are never freed or moved once published, only the array of
 * pointers may grow; so the lock covers the lookup alone. */
static const tz_zone *tz_get(uint32_t zone)
{
	const tz_zone *z = NULL;
	pthread_mutex_lock(&tz_lock);
	if (zone >= 1 && zone <= tz_count)
		z = tz_zones[zone - 1];
	pthread_mutex_unlock(&tz_lock);
	return z;
}

const char *dn_tz_name(uint32_t zone)
{
	const tz_zone *z = tz_get(zone);
	return z ? z->name : NULL;
}

static int32_t tz_zone_offset(const tz_zone *z, int64_t t)
{
	uint32_t lo = 0, hi = z->ntrans;

	if (z->ntrans == 0 || t < z->trans[0])
		return z->ntrans == 0 && z->rule.present ? tz_rule_offset(&z->rule, t) : z->offs[0];
	if (t >= z->trans[z->ntrans - 1] && z->rule.present)
		return tz_rule_offset(&z->rule, t);
	while (hi - lo > 1) { /* trans[lo] <= t < trans[hi] */
		uint32_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->offs[z->idx[lo]];
}

int dn_tz_offset_utc(uint32_t zone, int64_t utc_seconds, int32_t *offset)
{
	const tz_zone *z = tz_get(zone);
	if (!z || !offset)
		return DN_EINVAL;
	*offset = tz_zone_offset(z, utc_seconds);
	return 0;
}

int dn_tz_offset_local(uint32_t zone, int64_t local_seconds, int32_t *offset)
{
	const tz_zone *z = tz_get(zone);
	int32_t before, after;

	if (!z || !offset)
		return DN_EINVAL;
	/* Offsets in use stay within a day of UTC, and transitions are more
	 * than two days apart: the offsets a day either side are the two
	 * candidates. */
	before = tz_zone_offset(z, local_seconds - 86400);
	after = tz_zone_offset(z, local_seconds + 86400);
	if (tz_zone_offset(z, local_seconds - before) == before)
		*offset = before; /* also the earlier one of an overlap */
	else if (tz_zone_offset(z, local_seconds - after) == after)
		*offset = after;
	else
		*offset = before; /* a gap */
	return 0;
}
