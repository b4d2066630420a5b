/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_keys.c — unit suite for engine/keys.c: round trips of the fixed-width
 * and string encodings, and property tests (fixed-seed xorshift64) that the
 * memcmp order of encoded keys is the order of the values, checked against
 * comparators written here independently of the encoder, plus truncation
 * and buffer-capacity rules of the index value encoding.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dragnet.h"
#include "keys.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static uint64_t xorshift64(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int sgn(int x)
{
	return (x > 0) - (x < 0);
}

/* LMDB's default key order: memcmp, then the shorter key first. */
static int keycmp(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t n = na < nb ? na : nb;
	int r = n ? memcmp(a, b, n) : 0;
	if (r != 0)
		return sgn(r);
	return (na > nb) - (na < nb);
}

/* Independent reference comparators. */
static int ref_cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* -0.0 == 0.0, NaN after +inf and equal to itself. */
static int ref_cmp_f64(double a, double b)
{
	if (isnan(a) || isnan(b))
		return (int)isnan(a) - (int)isnan(b);
	return (a > b) - (a < b);
}

static int ref_cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
	for (size_t i = 0; i < na && i < nb; i++) {
		unsigned char ca = (unsigned char)a[i], cb = (unsigned char)b[i];
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return (na > nb) - (na < nb);
}

/* INT/FLOAT numbers compared through long double, exact on x86-64 where it
 * has a 64-bit mantissa (the numeric tests skip otherwise). */
static int ref_cmp_number(const dn_value *a, const dn_value *b)
{
	long double x, y;
	if (a->type == DN_FLOAT && isnan(a->u.f))
		return (b->type == DN_FLOAT && isnan(b->u.f)) ? 0 : 1;
	if (b->type == DN_FLOAT && isnan(b->u.f))
		return -1;
	x = a->type == DN_INT ? (long double)a->u.i : (long double)a->u.f;
	y = b->type == DN_INT ? (long double)b->u.i : (long double)b->u.f;
	return (x > y) - (x < y);
}

typedef struct enc {
	uint8_t b[DN_KEY_VALUE_MAX];
	size_t n;
	int exact;
} enc;

static void enc_value(enc *e, const dn_value *v)
{
	e->n = dn_key_put_value(e->b, sizeof e->b, v);
	cr_assert_leq(e->n, DN_KEY_VALUE_MAX, "a value key exceeded DN_KEY_VALUE_MAX");
	e->exact = dn_key_value_exact(v);
}

static const int64_t special_i64[] = {
	INT64_MIN,
	INT64_MIN + 1,
	INT64_MIN + 2,
	INT64_MIN + 1023,
	INT64_MIN + 1024,
	INT64_MIN + 1025,
	-(INT64_C(1) << 53) - 1,
	-(INT64_C(1) << 53),
	-1000000,
	-256,
	-255,
	-2,
	-1,
	0,
	1,
	2,
	255,
	256,
	1000000,
	(INT64_C(1) << 53) - 1,
	(INT64_C(1) << 53),
	(INT64_C(1) << 53) + 1,
	(INT64_C(1) << 53) + 2,
	(INT64_C(1) << 53) + 3,
	INT64_C(1) << 62,
	INT64_MAX - 1024,
	INT64_MAX - 2,
	INT64_MAX - 1,
	INT64_MAX,
};
#define N_SPECIAL_I64 (sizeof special_i64 / sizeof special_i64[0])

static int64_t random_i64(void)
{
	uint64_t r = xorshift64();
	switch (r % 6) {
	case 0: /* any */
		return (int64_t)xorshift64();
	case 1: /* small */
		return (int64_t)(xorshift64() % 2001) - 1000;
	case 2: /* near a special value */
		/* wrapping, through uint64_t */
		return (int64_t)((uint64_t)special_i64[xorshift64() % N_SPECIAL_I64] +
		                 xorshift64() % 5 - 2);
	case 3: /* a special value */
		return special_i64[xorshift64() % N_SPECIAL_I64];
	case 4: /* random magnitude */
		return (int64_t)(xorshift64() >> (xorshift64() % 64)) * ((r >> 8) & 1 ? -1 : 1);
	default:
		return (int64_t)(xorshift64() % 4096) - 2048 + (int64_t)(INT64_C(1) << 53);
	}
}

static const double special_f64[] = {
	-INFINITY, -DBL_MAX, -1e300, -0x1p63, -0x1p53, -1.5, -1.0, -DBL_MIN, -4.9e-324,
	-0.0, 0.0, 4.9e-324, DBL_MIN, 1e-300, 0.1, 1.0, 1.5, 0x1p53, 0x1p63,
	1e300, DBL_MAX, INFINITY, NAN,
};
#define N_SPECIAL_F64 (sizeof special_f64 / sizeof special_f64[0])

static double random_f64(void)
{
	uint64_t r = xorshift64(), bits;
	double f;
	switch (r % 6) {
	case 0: /* any bit pattern, NaNs included */
		bits = xorshift64();
		memcpy(&f, &bits, sizeof f);
		return f;
	case 1:
		return special_f64[xorshift64() % N_SPECIAL_F64];
	case 2: /* small fractions */
		return ((double)(int64_t)(xorshift64() % 4001) - 2000.0) / 8.0;
	case 3: /* an int as double, and its neighbours */
		f = (double)random_i64();
		if (r & 0x100)
			f = nextafter(f, (r & 0x200) ? INFINITY : -INFINITY);
		return f;
	case 4: /* tiny */
		return ldexp((double)(xorshift64() % 1000), -1070) * ((r >> 8) & 1 ? -1 : 1);
	default: /* huge */
		return ldexp((double)(xorshift64() % 1000 + 1), 1000) * ((r >> 8) & 1 ? -1 : 1);
	}
}

/* Random bytes over a small alphabet rich in the escape-relevant bytes, so
 * that prefixes and shared prefixes are common. */
static size_t random_bytes(char *out, size_t maxlen)
{
	static const unsigned char alphabet[] = { 0x00, 0x01, 0xFE, 0xFF, 'a', 'b' };
	size_t n = (size_t)(xorshift64() % (maxlen + 1));
	for (size_t i = 0; i < n; i++)
		out[i] = (char)alphabet[xorshift64() % sizeof alphabet];
	return n;
}

/* ------------------------------------------------------------------ */
/* Fixed-width encodings                                               */
/* ------------------------------------------------------------------ */

Test(keys, u32_u64_big_endian)
{
	uint8_t b[8];
	dn_key_put_u32(b, 0x01020304u);
	cr_assert(b[0] == 1 && b[1] == 2 && b[2] == 3 && b[3] == 4);
	cr_assert_eq(dn_key_get_u32(b), 0x01020304u);
	dn_key_put_u64(b, UINT64_C(0x0102030405060708));
	for (int i = 0; i < 8; i++)
		cr_assert_eq(b[i], i + 1);
	cr_assert_eq(dn_key_get_u64(b), UINT64_C(0x0102030405060708));
}

Test(keys, u32_u64_round_trip_and_order)
{
	rng_seed(1);
	for (int k = 0; k < 100000; k++) {
		uint64_t a = xorshift64() >> (k % 64), c = xorshift64() >> (k % 61);
		uint8_t ea[8], ec[8];
		dn_key_put_u64(ea, a);
		dn_key_put_u64(ec, c);
		cr_assert_eq(dn_key_get_u64(ea), a);
		cr_assert_eq(sgn(memcmp(ea, ec, 8)), (a > c) - (a < c));

		uint32_t a32 = (uint32_t)a, c32 = (uint32_t)c;
		dn_key_put_u32(ea, a32);
		dn_key_put_u32(ec, c32);
		cr_assert_eq(dn_key_get_u32(ea), a32);
		cr_assert_eq(sgn(memcmp(ea, ec, 4)), (a32 > c32) - (a32 < c32));
	}
}

Test(keys, i64_specials)
{
	uint8_t b[8];
	dn_key_put_i64(b, INT64_MIN);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(b[i], 0x00);
	dn_key_put_i64(b, 0);
	cr_assert_eq(b[0], 0x80);
	dn_key_put_i64(b, -1);
	cr_assert_eq(b[0], 0x7F);
	cr_assert_eq(b[7], 0xFF);

	/* every pair of special values */
	for (size_t i = 0; i < N_SPECIAL_I64; i++) {
		for (size_t j = 0; j < N_SPECIAL_I64; j++) {
			uint8_t x[8], y[8];
			dn_key_put_i64(x, special_i64[i]);
			dn_key_put_i64(y, special_i64[j]);
			cr_assert_eq(sgn(memcmp(x, y, 8)), ref_cmp_i64(special_i64[i], special_i64[j]));
		}
		dn_key_put_i64(b, special_i64[i]);
		cr_assert_eq(dn_key_get_i64(b), special_i64[i]);
	}
}

Test(keys, i64_random_order_and_round_trip)
{
	rng_seed(2);
	for (int k = 0; k < 300000; k++) {
		int64_t a = random_i64(), c = random_i64();
		uint8_t ea[8], ec[8];
		dn_key_put_i64(ea, a);
		dn_key_put_i64(ec, c);
		cr_assert_eq(dn_key_get_i64(ea), a);
		cr_assert_eq(sgn(memcmp(ea, ec, 8)), ref_cmp_i64(a, c), "%lld vs %lld", (long long)a,
		             (long long)c);
	}
}

Test(keys, f64_specials)
{
	for (size_t i = 0; i < N_SPECIAL_F64; i++) {
		for (size_t j = 0; j < N_SPECIAL_F64; j++) {
			uint8_t x[8], y[8];
			dn_key_put_f64(x, special_f64[i]);
			dn_key_put_f64(y, special_f64[j]);
			cr_assert_eq(sgn(memcmp(x, y, 8)), ref_cmp_f64(special_f64[i], special_f64[j]),
			             "%a vs %a", special_f64[i], special_f64[j]);
		}
	}
	uint8_t pz[8], nz[8], n1[8], n2[8];
	double neg_nan = -NAN;
	dn_key_put_f64(pz, 0.0);
	dn_key_put_f64(nz, -0.0);
	cr_assert_eq(memcmp(pz, nz, 8), 0, "-0.0 is encoded as +0.0");
	cr_assert_eq(signbit(dn_key_get_f64(nz)), 0);
	dn_key_put_f64(n1, NAN);
	dn_key_put_f64(n2, neg_nan);
	cr_assert_eq(memcmp(n1, n2, 8), 0, "every NaN has one encoding");
	cr_assert(isnan(dn_key_get_f64(n2)));
}

Test(keys, f64_random_order_and_round_trip)
{
	rng_seed(3);
	for (int k = 0; k < 300000; k++) {
		double a = random_f64(), c = random_f64();
		uint8_t ea[8], ec[8];
		dn_key_put_f64(ea, a);
		dn_key_put_f64(ec, c);
		cr_assert_eq(sgn(memcmp(ea, ec, 8)), ref_cmp_f64(a, c), "%a vs %a", a, c);
		double back = dn_key_get_f64(ea);
		if (isnan(a)) {
			cr_assert(isnan(back));
		} else if (a == 0) {
			cr_assert(back == 0 && !signbit(back));
		} else {
			cr_assert_eq(memcmp(&back, &a, sizeof a), 0, "%a came back as %a", a, back);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Strings                                                             */
/* ------------------------------------------------------------------ */

Test(keys, str_layout)
{
	uint8_t b[16];
	size_t n = dn_key_put_str(b, "a\0b", 3);
	static const uint8_t want[] = { 'a', 0x00, 0xFF, 'b', 0x00, 0x00 };
	cr_assert_eq(n, sizeof want);
	cr_assert_eq(memcmp(b, want, n), 0);
	cr_assert_eq(dn_key_put_str(NULL, "a\0b", 3), n, "NULL p measures");
	cr_assert_eq(dn_key_put_str(b, "", 0), 2);
	cr_assert(b[0] == 0 && b[1] == 0);
	cr_assert_eq(dn_key_put_str(NULL, "\0\0\0", 3), 8, "2*len+2 at most");
}

Test(keys, str_random_order_and_round_trip)
{
	enum { N = 600, MAXLEN = 7 };
	static char s[N][MAXLEN];
	static size_t len[N];
	static uint8_t e[N][2 * MAXLEN + 2];
	static size_t elen[N];

	rng_seed(4);
	for (int i = 0; i < N; i++) {
		len[i] = random_bytes(s[i], MAXLEN);
		elen[i] = dn_key_put_str(e[i], s[i], len[i]);

		char out[MAXLEN];
		size_t dlen = 999;
		size_t used = dn_key_get_str(e[i], elen[i], out, sizeof out, &dlen);
		cr_assert_eq(used, elen[i]);
		cr_assert_eq(dlen, len[i]);
		cr_assert_eq(memcmp(out, s[i], len[i]), 0);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			cr_assert_eq(keycmp(e[i], elen[i], e[j], elen[j]),
			             ref_cmp_bytes(s[i], len[i], s[j], len[j]), "pair %d, %d", i, j);
}

Test(keys, str_order_survives_a_suffix)
{
	/* The terminator makes the encoding prefix-free: what follows it (an id
	 * in a composite key) never changes the order of different strings. */
	rng_seed(5);
	for (int k = 0; k < 100000; k++) {
		char a[8], c[8];
		size_t na = random_bytes(a, 8), nc = random_bytes(c, 8);
		uint8_t ea[32], ec[32];
		size_t la = dn_key_put_str(ea, a, na), lc = dn_key_put_str(ec, c, nc);
		int want = ref_cmp_bytes(a, na, c, nc);
		if (want == 0)
			continue;
		dn_key_put_u64(ea + la, xorshift64());
		dn_key_put_u64(ec + lc, xorshift64());
		cr_assert_eq(keycmp(ea, la + 8, ec, lc + 8), want);
	}
}

Test(keys, str_decode_edge_cases)
{
	uint8_t b[32];
	char out[8];
	size_t len = 0, n;

	/* Decoding stops at the terminator, leaving what follows. */
	n = dn_key_put_str(b, "xy", 2);
	b[n] = 0x42;
	cr_assert_eq(dn_key_get_str(b, n + 1, out, sizeof out, &len), n);
	cr_assert_eq(len, 2);

	/* Measuring (out NULL), and a short out buffer. */
	n = dn_key_put_str(b, "abcdefghij", 10);
	cr_assert_eq(dn_key_get_str(b, n, NULL, 0, &len), n);
	cr_assert_eq(len, 10);
	memset(out, '#', sizeof out);
	cr_assert_eq(dn_key_get_str(b, n, out, 4, &len), n);
	cr_assert_eq(len, 10, "full length reported");
	cr_assert_eq(memcmp(out, "abcd####", 8), 0, "no write past cap");

	/* Malformed or truncated input gives 0. */
	static const uint8_t bad1[] = { 'a', 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t bad2[] = { 'a', 'b' };
	static const uint8_t bad3[] = { 'a', 0x00 };
	static const uint8_t bad4[] = { 0x00, 0xFF, 0x00 };
	cr_assert_eq(dn_key_get_str(bad1, sizeof bad1, out, sizeof out, &len), 0);
	cr_assert_eq(dn_key_get_str(bad2, sizeof bad2, out, sizeof out, &len), 0);
	cr_assert_eq(dn_key_get_str(bad3, sizeof bad3, out, sizeof out, &len), 0);
	cr_assert_eq(dn_key_get_str(bad4, sizeof bad4, out, sizeof out, &len), 0);
	cr_assert_eq(dn_key_get_str(bad4, 0, out, sizeof out, &len), 0);

	/* Embedded NULs come back. */
	n = dn_key_put_str(b, "\0a\0", 3);
	cr_assert_eq(dn_key_get_str(b, n, out, sizeof out, &len), n);
	cr_assert_eq(len, 3);
	cr_assert_eq(memcmp(out, "\0a\0", 3), 0);
}

/* ------------------------------------------------------------------ */
/* Index values                                                        */
/* ------------------------------------------------------------------ */

static void check_layout(const dn_value *v, const uint8_t *want, size_t n, bool exact)
{
	enc e;
	enc_value(&e, v);
	cr_assert_eq(e.n, n, "length %zu, want %zu", e.n, n);
	cr_assert_eq(memcmp(e.b, want, n), 0);
	cr_assert_eq(e.exact, exact);
}

static void check_bytes(const dn_value *v, const uint8_t *want, size_t n)
{
	check_layout(v, want, n, true);
}

Test(keys, value_layouts)
{
	uint8_t w[32];
	dn_value v;

	v = dn_value_null();
	check_bytes(&v, (const uint8_t[]){ 0x00 }, 1);
	v = dn_value_bool(false);
	check_bytes(&v, (const uint8_t[]){ 0x10, 0x00 }, 2);
	v = dn_value_bool(true);
	check_bytes(&v, (const uint8_t[]){ 0x10, 0x01 }, 2);

	w[0] = 0x20;
	dn_key_put_f64(w + 1, 1.5);
	v = dn_value_float(1.5);
	check_bytes(&v, w, 9);

	/* An INT that a double holds exactly is keyed like that FLOAT. */
	dn_key_put_f64(w + 1, -42.0);
	v = dn_value_int(-42);
	check_bytes(&v, w, 9);

	/* Beyond 2^53: the double below, 0xFF, the exact i64. */
	dn_key_put_f64(w + 1, 0x1p53);
	w[9] = 0xFF;
	dn_key_put_i64(w + 10, (INT64_C(1) << 53) + 1);
	v = dn_value_int((INT64_C(1) << 53) + 1);
	check_bytes(&v, w, 18);

	w[0] = 0x30;
	size_t n = dn_key_put_str(w + 1, "h\0i", 3);
	v = dn_value_stringn_ref("h\0i", 3);
	check_bytes(&v, w, 1 + n);

	w[0] = 0x40;
	dn_key_put_i64(w + 1, -5);
	v = dn_value_date(-5);
	check_bytes(&v, w, 9);

	/* A plain DATETIME keeps the key it had before offsets existed, but
	 * is not exact (others share it); one with more gets 0xFF, cut. */
	w[0] = 0x50;
	dn_key_put_i64(w + 1, 1709280000000);
	v = dn_value_datetime(1709280000000);
	check_layout(&v, w, 9, false);
	w[9] = 0xFF;
	v = dn_value_datetime_at(1709280000000, 5, 3600, 0);
	check_layout(&v, w, 10, false);

	w[0] = 0x44; /* LOCALTIME 00:00:01.000000007: ms of day, ns */
	dn_key_put_i64(w + 1, 1000);
	dn_key_put_i64(w + 9, 7);
	v = dn_value_localtime(1000000007);
	check_bytes(&v, w, 17);

	w[0] = 0x48; /* TIME 01:00:00+01:00: 00:00 UTC, ns, offset */
	dn_key_put_i64(w + 1, 0);
	dn_key_put_i64(w + 9, 0);
	dn_key_put_i64(w + 17, 3600);
	v = dn_value_time(INT64_C(3600000000000), 3600);
	check_bytes(&v, w, 25);

	w[0] = 0x4C; /* LOCALDATETIME: ms, ns */
	dn_key_put_i64(w + 1, -1);
	dn_key_put_i64(w + 9, 999999);
	v = dn_value_localdatetime(-1, 999999);
	check_bytes(&v, w, 17);

	w[0] = 0x60;
	dn_key_put_i64(w + 1, 1);
	dn_key_put_i64(w + 9, -2);
	dn_key_put_i64(w + 17, 3);
	v = dn_value_duration(1, -2, 3);
	check_bytes(&v, w, 25);

	dn_value items[2] = { dn_value_null(), dn_value_bool(true) };
	v = (dn_value){ .type = DN_LIST, .len = 2, .u.list = items };
	check_bytes(&v, (const uint8_t[]){ 0x70, 0x01, 0x00, 0x01, 0x10, 0x01, 0x00 }, 7);
	v = (dn_value){ .type = DN_LIST, .len = 0 };
	check_bytes(&v, (const uint8_t[]){ 0x70, 0x00 }, 2);
}

Test(keys, numbers_random_against_long_double)
{
	if (LDBL_MANT_DIG < 64)
		cr_skip_test("long double too narrow for an exact reference");
	rng_seed(6);
	for (int k = 0; k < 300000; k++) {
		dn_value a, c;
		/* For the INT beside a FLOAT case, derive the FLOAT from the INT
		 * so that near-ties (same double part) are frequent. */
		int64_t i = random_i64();
		a = dn_value_int(i);
		switch (k % 4) {
		case 0:
			c = dn_value_int(random_i64());
			break;
		case 1:
			c = dn_value_float(random_f64());
			break;
		case 2: {
			double f = (double)i;
			uint64_t r = xorshift64();
			if (r & 1)
				f = nextafter(f, (r & 2) ? INFINITY : -INFINITY);
			c = dn_value_float(f);
			break;
		}
		default:
			a = dn_value_float(random_f64());
			c = dn_value_float(random_f64());
			break;
		}
		enc ea, ec;
		enc_value(&ea, &a);
		enc_value(&ec, &c);
		cr_assert(ea.exact && ec.exact);
		int want = ref_cmp_number(&a, &c);
		cr_assert_eq(keycmp(ea.b, ea.n, ec.b, ec.n), want, "%s %lld/%a vs %s %lld/%a",
		             dn_type_name(a.type), (long long)a.u.i, a.u.f, dn_type_name(c.type),
		             (long long)c.u.i, c.u.f);
		cr_assert_eq(sgn(dn_value_compare(&a, &c)), want);
	}
}

Test(keys, strings_as_values_against_reference)
{
	rng_seed(7);
	for (int k = 0; k < 200000; k++) {
		char a[10], c[10];
		size_t na = random_bytes(a, 10), nc = random_bytes(c, 10);
		dn_value va = dn_value_stringn_ref(a, na), vc = dn_value_stringn_ref(c, nc);
		enc ea, ec;
		enc_value(&ea, &va);
		enc_value(&ec, &vc);
		cr_assert(ea.exact && ec.exact);
		cr_assert_eq(keycmp(ea.b, ea.n, ec.b, ec.n), ref_cmp_bytes(a, na, c, nc));
	}
}

Test(keys, dates_and_datetimes)
{
	static const int32_t special[] = { INT32_MIN, INT32_MIN + 1, -719162, -1, 0, 1,
		                           19783, INT32_MAX - 1, INT32_MAX };
	rng_seed(8);
	for (int k = 0; k < 200000; k++) {
		int32_t a, c;
		if (k % 3 == 0) {
			a = special[xorshift64() % 9];
			c = special[xorshift64() % 9];
		} else {
			a = (int32_t)(uint32_t)xorshift64();
			c = k % 3 == 1 ? (int32_t)(uint32_t)xorshift64() : a + (int32_t)(xorshift64() % 3) - 1;
		}
		dn_value va = dn_value_date(a), vc = dn_value_date(c);
		enc ea, ec;
		enc_value(&ea, &va);
		enc_value(&ec, &vc);
		cr_assert_eq(keycmp(ea.b, ea.n, ec.b, ec.n), ref_cmp_i64(a, c), "%d vs %d", a, c);

		int64_t ta = random_i64(), tc = random_i64();
		va = dn_value_datetime(ta);
		vc = dn_value_datetime(tc);
		enc_value(&ea, &va);
		enc_value(&ec, &vc);
		cr_assert_eq(keycmp(ea.b, ea.n, ec.b, ec.n), ref_cmp_i64(ta, tc));
	}
}

/* Random values of every type, lists nested up to depth levels. Strings
 * and lists borrow from a pool freed by pool_reset. */
typedef struct pool {
	dn_value *lists[4096];
	char *strs[4096];
	int nlists, nstrs;
} pool;

static void pool_reset(pool *p)
{
	for (int i = 0; i < p->nlists; i++)
		free(p->lists[i]);
	for (int i = 0; i < p->nstrs; i++)
		free(p->strs[i]);
	p->nlists = p->nstrs = 0;
}

static dn_value random_value(pool *p, int depth, size_t maxstr)
{
	uint64_t r = xorshift64() % (depth > 0 ? 14 : 13);
	switch (r) {
	case 0:
		return dn_value_null();
	case 1:
		return dn_value_bool(xorshift64() & 1);
	case 2:
		return dn_value_int(random_i64());
	case 3:
		return dn_value_float(random_f64());
	case 4:
	case 5: {
		char *s = malloc(maxstr + 1);
		cr_assert_not_null(s);
		p->strs[p->nstrs++] = s;
		size_t n = random_bytes(s, maxstr);
		return dn_value_stringn_ref(s, n);
	}
	case 6:
		return dn_value_date((int32_t)(xorshift64() % 5) - 2);
	case 7:
		return dn_value_datetime((int64_t)(xorshift64() % 5) - 2);
	case 8:
		return dn_value_duration((int64_t)(xorshift64() % 3) - 1,
		                         (int64_t)(xorshift64() % 3) - 1, random_i64());
	/* The time types over a few values each, so that they tie often. */
	case 9:
		return dn_value_localtime((int64_t)(xorshift64() % 3) * 999999 +
		                          (int64_t)(xorshift64() % 2));
	case 10:
		/* Offsets of a whole ms-of-day apart meet the same UTC time. */
		return dn_value_time((int64_t)(xorshift64() % 3) * 1000000000 +
		                     (int64_t)(xorshift64() % 2),
		                     (int32_t)(xorshift64() % 3) - 1);
	case 11:
		return dn_value_localdatetime((int64_t)(xorshift64() % 5) - 2,
		                              (int32_t)(xorshift64() % 2) * 999999);
	case 12:
		/* A DATETIME with nanoseconds or an offset, next to the plain
		 * ones of case 7 (zones: see temporal_keys in test_temporal.c). */
		return dn_value_datetime_at((int64_t)(xorshift64() % 5) - 2,
		                            (int32_t)(xorshift64() % 2),
		                            (int32_t)(xorshift64() % 3) - 1, 0);
	default: {
		uint32_t n = (uint32_t)(xorshift64() % 4);
		dn_value *items = calloc(n ? n : 1, sizeof *items);
		cr_assert_not_null(items);
		p->lists[p->nlists++] = items;
		for (uint32_t i = 0; i < n; i++)
			items[i] = random_value(p, depth - 1, maxstr);
		return (dn_value){ .type = DN_LIST, .len = n, .u.list = items };
	}
	}
}

static void check_pair(const dn_value *a, const dn_value *c)
{
	enc ea, ec;
	enc_value(&ea, a);
	enc_value(&ec, c);
	int want = sgn(dn_value_compare(a, c));
	int got = keycmp(ea.b, ea.n, ec.b, ec.n);
	/* Equal values have equal keys; different keys are in value order;
	 * only two cut keys may tie for different values. */
	if (want == 0)
		cr_assert_eq(got, 0, "equal values, different keys (%s vs %s)",
		             dn_type_name(a->type), dn_type_name(c->type));
	else if (got == 0)
		cr_assert(!ea.exact && !ec.exact, "an exact key tied with another value's (%s vs %s)",
		          dn_type_name(a->type), dn_type_name(c->type));
	else
		cr_assert_eq(got, want, "keys out of order (%s vs %s)", dn_type_name(a->type),
		             dn_type_name(c->type));
}

Test(keys, mixed_values_follow_dn_value_compare)
{
	static pool p;
	rng_seed(9);
	for (int k = 0; k < 100000; k++) {
		dn_value a = random_value(&p, 2, 6), c;
		/* Half the time the second value shares the first's type, so
		 * that the payload orders get exercised, not just the tags. */
		do
			c = random_value(&p, 2, 6);
		while ((k & 1) && c.type != a.type);
		check_pair(&a, &c);
		check_pair(&c, &a);
		check_pair(&a, &a);
		pool_reset(&p);
	}
}

Test(keys, mixed_values_with_an_appended_id)
{
	/* keys.c claims that ids appended after a value (prop_idx keys) keep
	 * the order of different values: check it on exact keys. */
	static pool p;
	rng_seed(10);
	for (int k = 0; k < 100000; k++) {
		dn_value a = random_value(&p, 2, 6), c = random_value(&p, 2, 6);
		enc ea, ec;
		uint8_t ka[DN_KEY_VALUE_MAX + 8], kc[DN_KEY_VALUE_MAX + 8];
		enc_value(&ea, &a);
		enc_value(&ec, &c);
		int want = sgn(dn_value_compare(&a, &c));
		if (want != 0 && ea.exact && ec.exact) {
			memcpy(ka, ea.b, ea.n);
			memcpy(kc, ec.b, ec.n);
			dn_key_put_u64(ka + ea.n, xorshift64() >> 16);
			dn_key_put_u64(kc + ec.n, xorshift64() >> 16);
			cr_assert_eq(keycmp(ka, ea.n + 8, kc, ec.n + 8), want);
		}
		pool_reset(&p);
	}
}

Test(keys, int_float_ties_inside_lists)
{
	/* For an INT i that no double holds, lo < i < hi where lo and hi are
	 * the doubles around it. The INT's key shares its double part with lo:
	 * lists starting with lo must still sort before lists starting with i,
	 * whatever follows, and those before lists starting with hi. */
	static const int64_t ints[] = { INT64_MIN + 1, INT64_MIN + 7, INT64_MIN + 1025,
		                        -(INT64_C(1) << 53) - 1, (INT64_C(1) << 53) + 1,
		                        (INT64_C(1) << 53) + 3, INT64_MAX - 1, INT64_MAX };
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		double lo = (double)ints[k];
		if ((long double)lo > (long double)ints[k])
			lo = nextafter(lo, -INFINITY);
		double hi = nextafter(lo, INFINITY);
		dn_value tail[] = { dn_value_null(), dn_value_stringn_ref("\xff\xff", 2),
			            dn_value_int(INT64_MAX) };
		for (size_t t = 0; t < 3; t++) {
			dn_value la[2] = { dn_value_float(lo), tail[t] };
			dn_value lb[1] = { dn_value_int(ints[k]) };
			dn_value lc[2] = { dn_value_float(hi), tail[t] };
			dn_value a = { .type = DN_LIST, .len = 2, .u.list = la };
			dn_value a1 = { .type = DN_LIST, .len = 1, .u.list = la };
			dn_value b = { .type = DN_LIST, .len = 1, .u.list = lb };
			dn_value b2 = { .type = DN_LIST, .len = 2, .u.list = (dn_value[]){ lb[0], tail[t] } };
			dn_value c = { .type = DN_LIST, .len = 2, .u.list = lc };
			enc ea, ea1, eb, eb2, ec;
			enc_value(&ea, &a);
			enc_value(&ea1, &a1);
			enc_value(&eb, &b);
			enc_value(&eb2, &b2);
			enc_value(&ec, &c);
			cr_assert_lt(dn_value_compare(&a, &b), 0);
			cr_assert_lt(keycmp(ea.b, ea.n, eb.b, eb.n), 0, "[%a, x] vs [%lld]", lo,
			             (long long)ints[k]);
			cr_assert_lt(keycmp(ea1.b, ea1.n, eb.b, eb.n), 0);
			cr_assert_lt(keycmp(ea.b, ea.n, eb2.b, eb2.n), 0);
			cr_assert_lt(keycmp(eb.b, eb.n, ec.b, ec.n), 0);
			cr_assert_lt(keycmp(eb2.b, eb2.n, ec.b, ec.n), 0);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Truncation and capacity                                             */
/* ------------------------------------------------------------------ */

Test(keys, long_string_is_cut)
{
	char s[1000];
	memset(s, 'q', sizeof s);
	dn_value v = dn_value_stringn_ref(s, sizeof s);
	enc e;
	enc_value(&e, &v);
	cr_assert_leq(e.n, DN_KEY_VALUE_MAX);
	cr_assert_eq(e.n, 1 + DN_KEY_MAX_STR + 2);
	cr_assert_eq(dn_key_value_exact(&v), 0);

	/* The key is the one of the DN_KEY_MAX_STR-byte prefix. */
	uint8_t want[DN_KEY_VALUE_MAX];
	want[0] = 0x30;
	size_t n = dn_key_put_str(want + 1, s, DN_KEY_MAX_STR);
	cr_assert_eq(e.n, 1 + n);
	cr_assert_eq(memcmp(e.b, want, e.n), 0);

	/* All NULs: the escaped prefix still fits. */
	memset(s, 0, sizeof s);
	enc_value(&e, &v);
	cr_assert_leq(e.n, DN_KEY_VALUE_MAX);
	cr_assert_eq(e.n, 1 + 2 * DN_KEY_MAX_STR + 2);
	cr_assert_eq(e.exact, 0);

	/* Below the limit the key is exact; from it on it is shared with
	 * longer strings and so reported inexact. */
	v = dn_value_stringn_ref(s, DN_KEY_MAX_STR - 1);
	cr_assert_eq(dn_key_value_exact(&v), 1);
	v = dn_value_stringn_ref(s, DN_KEY_MAX_STR);
	cr_assert_eq(dn_key_value_exact(&v), 0);
}

Test(keys, long_strings_keep_order_weakly)
{
	enum { N = 300, MAXLEN = 200 };
	static char s[N][MAXLEN];
	static size_t len[N];
	static enc e[N];
	rng_seed(11);
	/* Long strings sharing long prefixes: some differ before the cut, some
	 * only after it. */
	for (int i = 0; i < N; i++) {
		memset(s[i], 'm', MAXLEN);
		len[i] = 170 + xorshift64() % 31;
		size_t at = 170 + xorshift64() % 20;
		if (at < len[i])
			s[i][at] = (char)"\x00\x01\xff"[xorshift64() % 3];
		dn_value v = dn_value_stringn_ref(s[i], len[i]);
		enc_value(&e[i], &v);
	}
	int cut_ties = 0;
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < N; j++) {
			int want = ref_cmp_bytes(s[i], len[i], s[j], len[j]);
			int got = keycmp(e[i].b, e[i].n, e[j].b, e[j].n);
			if (e[i].exact && e[j].exact)
				cr_assert_eq(got, want);
			else
				cr_assert(got == want || got == 0, "inverted: %d vs %d", i, j);
			cut_ties += want != 0 && got == 0;
		}
	}
	cr_assert_gt(cut_ties, 0, "the test should produce strings equal after the cut");
}

Test(keys, long_lists_are_cut)
{
	dn_value items[300];
	for (int i = 0; i < 300; i++)
		items[i] = dn_value_int(i);
	dn_value v = { .type = DN_LIST, .len = 300, .u.list = items };
	enc e;
	enc_value(&e, &v);
	cr_assert_leq(e.n, DN_KEY_VALUE_MAX);
	cr_assert_eq(e.exact, 0);

	/* A list of long strings: the first one ends the key. */
	char s[500];
	memset(s, 'z', sizeof s);
	dn_value strs[3] = { dn_value_stringn_ref(s, 500), dn_value_stringn_ref(s, 500),
		             dn_value_stringn_ref(s, 10) };
	v = (dn_value){ .type = DN_LIST, .len = 3, .u.list = strs };
	enc_value(&e, &v);
	cr_assert_leq(e.n, DN_KEY_VALUE_MAX);
	cr_assert_eq(e.exact, 0);

	/* A list of short ones is exact. */
	v = (dn_value){ .type = DN_LIST, .len = 2, .u.list = (dn_value[]){ strs[2], strs[2] } };
	cr_assert_eq(dn_key_value_exact(&v), 1);

	/* Deep nesting does not run away: the cut bounds the recursion. */
	static dn_value deep[10000];
	deep[9999] = dn_value_int(1);
	for (int i = 9998; i >= 0; i--)
		deep[i] = (dn_value){ .type = DN_LIST, .len = 1, .u.list = &deep[i + 1] };
	enc_value(&e, &deep[0]);
	cr_assert_leq(e.n, DN_KEY_VALUE_MAX);
	cr_assert_eq(e.exact, 0);
}

Test(keys, long_lists_keep_order_weakly)
{
	static pool p;
	rng_seed(12);
	int cut = 0;
	for (int k = 0; k < 20000; k++) {
		/* Lists of 20..40 items of one shared random head, so that cut
		 * keys frequently tie or differ only near the cut. */
		dn_value head[40], a_items[40], c_items[40];
		uint32_t na = 20 + (uint32_t)(xorshift64() % 21), nc = 20 + (uint32_t)(xorshift64() % 21);
		for (int i = 0; i < 40; i++)
			head[i] = random_value(&p, 1, 4);
		memcpy(a_items, head, sizeof head);
		memcpy(c_items, head, sizeof head);
		a_items[xorshift64() % 40] = random_value(&p, 1, 4);
		c_items[xorshift64() % 40] = random_value(&p, 1, 4);
		dn_value a = { .type = DN_LIST, .len = na, .u.list = a_items };
		dn_value c = { .type = DN_LIST, .len = nc, .u.list = c_items };
		check_pair(&a, &c);
		check_pair(&c, &a);
		cut += !dn_key_value_exact(&a);
		pool_reset(&p);
	}
	cr_assert_gt(cut, 1000, "the test should produce cut keys");
}

Test(keys, capacity_is_respected)
{
	int err = 0;
	char s[50];
	memset(s, 'k', sizeof s);
	dn_value items[3] = { dn_value_int(INT64_MAX), dn_value_stringn_ref(s, 50),
		              dn_value_duration(1, 2, 3) };
	dn_value v = dn_value_list(items, 3, &err);
	cr_assert_eq(err, 0);

	uint8_t full[DN_KEY_VALUE_MAX];
	size_t n = dn_key_put_value(full, sizeof full, &v);
	cr_assert_gt(n, 20);
	cr_assert_eq(dn_key_put_value(NULL, 0, &v), n, "NULL p measures");

	for (size_t cap = 0; cap <= n; cap++) {
		uint8_t buf[DN_KEY_VALUE_MAX + 16];
		memset(buf, 0xA5, sizeof buf);
		cr_assert_eq(dn_key_put_value(buf, cap, &v), n, "cap %zu", cap);
		cr_assert_eq(memcmp(buf, full, cap), 0, "cap %zu: prefix", cap);
		for (size_t i = cap; i < sizeof buf; i++)
			cr_assert_eq(buf[i], 0xA5, "cap %zu: byte %zu written", cap, i);
	}
	dn_value_free(&v);
}
