/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys.c — order-preserving byte encodings for LMDB keys (see keys.h):
 * big-endian integers, sign-flipped i64, bit-twiddled f64, NUL-escaped
 * strings, and the tagged encoding of index values, whose memcmp order is
 * the order of dn_value_compare. Nothing here allocates.
 *
 * Index values. The exact encoding E(v) of keys.h is order-isomorphic to
 * dn_value_compare. Two details keys.h leaves open are fixed here so that
 * this holds exactly:
 *  - An INT is written as the largest double <= it (rounded toward -inf,
 *    not to nearest), and only an INT that no double represents gets a
 *    tie-break: the byte 0xFF, then its exact i64. So INT 1 and FLOAT 1.0
 *    (equal values) have equal keys, a FLOAT sorts before an INT with the
 *    same double part (it is smaller), and the 0xFF keeps that true inside
 *    a list (whose next byte is 0x00 or 0x01) and before an appended id.
 *  - E is prefix-free except for that FLOAT/INT pair, where the longer key
 *    continues with 0xFF; so ids appended after the value keep the order.
 * The written key is E(v) cut short by two rules, each decided by the bytes
 * already written, so that the cut keeps the order (a < b gives key(a) <=
 * key(b)) and values that get the same key also share its prefix:
 *  - a string (at any depth) of DN_KEY_MAX_STR bytes or more is written up
 *    to that many bytes, closed with 0x00 0x00, and the key ends there;
 *  - the key ends when it reaches VALUE_CUT bytes (long or deep lists).
 * A key cut by either rule is not exact; dn_key_value_exact reports it.
 * A DATETIME is written as its milliseconds only (its key from before
 * nanoseconds, offsets and zones existed, so older indexes stay valid);
 * one that has any of them gets 0xFF after them and is cut there (they
 * sort after the plain one of that millisecond, as in dn_value_compare),
 * and no key holding a DATETIME counts as exact.
 */
#include <stdbool.h>
#include <string.h>

#include "keys.h"

/* Room for the 0x00 0x00 that closes a cut string after the last byte. */
#define VALUE_CUT (DN_KEY_VALUE_MAX - 2)

enum {
	TAG_NULL = 0x00,
	TAG_BOOL = 0x10,
	TAG_NUMBER = 0x20,
	TAG_STRING = 0x30,
	TAG_DATE = 0x40,
	TAG_LOCALTIME = 0x44,
	TAG_TIME = 0x48,
	TAG_LOCALDATETIME = 0x4C,
	TAG_DATETIME = 0x50,
	TAG_DURATION = 0x60,
	TAG_LIST = 0x70,
	TAG_UNKNOWN = 0xFF, /* a type number this file does not know */
	INT_TIEBREAK = 0xFF,
	LIST_ITEM = 0x01,
	LIST_END = 0x00,
};

/* The fixed-width helpers are inline in keys.h. */

#define SIGN_BIT (UINT64_C(1) << 63)

void dn_key_put_i64(uint8_t *p, int64_t v)
{
	dn_key_put_u64(p, (uint64_t)v ^ SIGN_BIT);
}

int64_t dn_key_get_i64(const uint8_t *p)
{
	uint64_t u = dn_key_get_u64(p) ^ SIGN_BIT;
	int64_t v;
	memcpy(&v, &u, sizeof v); /* two's complement, without an
	                             implementation-defined conversion */
	return v;
}

void dn_key_put_f64(uint8_t *p, double v)
{
	uint64_t bits;

	if (v != v)
		bits = UINT64_C(0x7FF8000000000000); /* one NaN, positive */
	else if (v == 0)
		bits = 0; /* -0.0 as +0.0 */
	else
		memcpy(&bits, &v, sizeof bits);
	bits = (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
	dn_key_put_u64(p, bits);
}

double dn_key_get_f64(const uint8_t *p)
{
	uint64_t bits = dn_key_get_u64(p);
	double v;

	bits = (bits & SIGN_BIT) ? bits & ~SIGN_BIT : ~bits;
	memcpy(&v, &bits, sizeof v);
	return v;
}

size_t dn_key_put_str(uint8_t *p, const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (u[i] == 0) {
			if (p) {
				p[n] = 0x00;
				p[n + 1] = 0xFF;
			}
			n += 2;
		} else {
			if (p)
				p[n] = u[i];
			n++;
		}
	}
	if (p) {
		p[n] = 0x00;
		p[n + 1] = 0x00;
	}
	return n + 2;
}

size_t dn_key_get_str(const uint8_t *p, size_t avail, char *out, size_t cap, size_t *len)
{
	size_t i = 0, n = 0;
	uint8_t c;

	while (i < avail) {
		c = p[i++];
		if (c == 0x00) {
			if (i >= avail)
				return 0; /* truncated after 0x00 */
			if (p[i] == 0x00) {
				if (len)
					*len = n;
				return i + 1;
			}
			if (p[i] != 0xFF)
				return 0; /* 0x00 followed by anything else */
			i++;
		}
		if (out && n < cap)
			out[n] = (char)c;
		n++;
	}
	return 0; /* no terminator */
}

/* ------------------------------------------------------------------ */
/* Index values                                                        */
/* ------------------------------------------------------------------ */

/* Streams the bytes of a key: counts all of them, stores those below cap,
 * and applies the cut rules described at the top of the file. */
typedef struct key_writer {
	uint8_t *p;
	size_t cap;
	size_t pos;
	bool cut; /* the key has ended early: it is not exact */
} key_writer;

/* A byte of E(v): dropped after a cut; the key is cut at VALUE_CUT bytes. */
static void key_byte(key_writer *w, uint8_t b)
{
	if (w->cut)
		return;
	if (w->pos < w->cap)
		w->p[w->pos] = b;
	w->pos++;
	if (w->pos >= VALUE_CUT)
		w->cut = true;
}

/* A byte past the cut rules (the close of a cut string). */
static void key_byte_raw(key_writer *w, uint8_t b)
{
	if (w->pos < w->cap)
		w->p[w->pos] = b;
	w->pos++;
}

static void key_u64(key_writer *w, uint64_t v)
{
	uint8_t tmp[8];
	int i;
	dn_key_put_u64(tmp, v);
	for (i = 0; i < 8; i++)
		key_byte(w, tmp[i]);
}

static void key_i64(key_writer *w, int64_t v)
{
	key_u64(w, (uint64_t)v ^ SIGN_BIT);
}

static void key_f64(key_writer *w, double v)
{
	uint8_t tmp[8];
	int i;
	dn_key_put_f64(tmp, v);
	for (i = 0; i < 8; i++)
		key_byte(w, tmp[i]);
}

static void key_string(key_writer *w, const char *s, size_t len)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i, n = len < DN_KEY_MAX_STR ? len : DN_KEY_MAX_STR;

	for (i = 0; i < n && !w->cut; i++) {
		key_byte(w, u[i]);
		if (u[i] == 0)
			key_byte(w, 0xFF);
	}
	if (w->cut)
		return;
	if (len >= DN_KEY_MAX_STR) {
		/* Every string sharing these bytes gets this key, the one of
		 * exactly DN_KEY_MAX_STR bytes included: inexact. */
		key_byte_raw(w, 0x00);
		key_byte_raw(w, 0x00);
		w->cut = true;
		return;
	}
	key_byte(w, 0x00);
	key_byte(w, 0x00);
}

/* The largest double <= i; true when it equals i. Doubles beyond 2^53 are
 * integers, so the conversions back to int64 below are exact. */
static bool key_int_floor(int64_t i, double *out)
{
	double d = (double)i; /* nearest, may be above i */
	uint64_t bits;

	if (d < 0x1p63 && (int64_t)d == i) {
		*out = d;
		return true;
	}
	if (d >= 0x1p63 || (int64_t)d > i) {
		/* One double down: |d| >= 2^53 here, so it is not 0. */
		memcpy(&bits, &d, sizeof bits);
		bits = d > 0 ? bits - 1 : bits + 1;
		memcpy(&d, &bits, sizeof d);
	}
	*out = d;
	return false;
}

static void key_value(key_writer *w, const dn_value *v)
{
	static const dn_value null_value;
	double d;
	uint32_t i;

	if (w->cut)
		return;
	if (!v)
		v = &null_value;
	switch (v->type) {
	case DN_NULL:
		key_byte(w, TAG_NULL);
		break;
	case DN_BOOL:
		key_byte(w, TAG_BOOL);
		key_byte(w, v->u.b ? 0x01 : 0x00);
		break;
	case DN_INT:
		key_byte(w, TAG_NUMBER);
		if (key_int_floor(v->u.i, &d)) {
			key_f64(w, d);
		} else {
			key_f64(w, d);
			key_byte(w, INT_TIEBREAK);
			key_i64(w, v->u.i);
		}
		break;
	case DN_FLOAT:
		key_byte(w, TAG_NUMBER);
		key_f64(w, v->u.f);
		break;
	case DN_STRING:
		key_byte(w, TAG_STRING);
		key_string(w, v->u.s, v->len);
		break;
	case DN_DATE:
		key_byte(w, TAG_DATE);
		key_i64(w, v->u.date);
		break;
	case DN_LOCALTIME:
	case DN_LOCALDATETIME:
		key_byte(w, v->type == DN_LOCALTIME ? TAG_LOCALTIME : TAG_LOCALDATETIME);
		key_i64(w, v->u.datetime);
		key_i64(w, v->u.tm_ns);
		break;
	case DN_TIME:
		key_byte(w, TAG_TIME);
		key_i64(w, v->u.datetime - (int64_t)v->u.tm_offset * 1000);
		key_i64(w, v->u.tm_ns);
		key_i64(w, v->u.tm_offset);
		break;
	case DN_DATETIME:
		/* Milliseconds alone, as before nanoseconds, offsets and zones
		 * existed; a value that has any of them gets a cut key (same
		 * order, re-checked by seeks), so older indexes stay valid. */
		key_byte(w, TAG_DATETIME);
		key_i64(w, v->u.datetime);
		if (v->u.tm_ns || v->u.tm_offset || v->u.tm_zone) {
			/* After a plain one's key and whatever follows it (0x00,
			 * 0x01 in a list; an id starts below 0xFF), as in the value
			 * order. */
			key_byte(w, 0xFF);
			w->cut = true;
		}
		break;
	case DN_DURATION:
		key_byte(w, TAG_DURATION);
		key_i64(w, v->u.dur.months);
		key_i64(w, v->u.dur.days);
		key_i64(w, v->u.dur.nanos);
		break;
	case DN_LIST:
		key_byte(w, TAG_LIST);
		for (i = 0; i < v->len && !w->cut; i++) {
			key_byte(w, LIST_ITEM);
			key_value(w, &v->u.list[i]); /* depth is bounded by the cut */
		}
		key_byte(w, LIST_END);
		break;
	default:
		key_byte(w, TAG_UNKNOWN);
		w->cut = true;
		break;
	}
}

size_t dn_key_put_value(uint8_t *p, size_t cap, const dn_value *v)
{
	key_writer w = { p, p ? cap : 0, 0, false };
	key_value(&w, v);
	return w.pos;
}

/* Whether v holds a DATETIME: its key is its milliseconds alone, which
 * values with nanoseconds, an offset or a zone share with the plain one. */
static bool key_has_datetime(const dn_value *v)
{
	if (v->type == DN_DATETIME)
		return true;
	if (v->type == DN_LIST)
		for (uint32_t i = 0; i < v->len; i++)
			if (key_has_datetime(&v->u.list[i]))
				return true;
	return false;
}

int dn_key_value_exact(const dn_value *v)
{
	key_writer w = { NULL, 0, 0, false };
	key_value(&w, v);
	return !w.cut && !key_has_datetime(v);
}
