/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys.h — order-preserving byte encodings for LMDB keys. Every key that the
 * engine writes is built here and nowhere else, so that memcmp order of the
 * bytes equals the order of the values they encode (docs/STORAGE.md lists
 * the layouts). Buffers are caller-provided; functions return the number of
 * bytes written (or needed) and never allocate.
 */
#ifndef DN_KEYS_H
#define DN_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dragnet.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "keys.h assumes a little-endian host; add the big-endian case"
#endif

/* Fixed-width big-endian unsigned integers (inline: they are on every hot
 * path; memcpy plus a byte swap compiles to a load and a bswap). */
static inline void dn_key_put_u32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static inline void dn_key_put_u64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

static inline uint32_t dn_key_get_u32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

static inline uint64_t dn_key_get_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

/* Signed 64-bit integers: sign bit flipped, big-endian (8 bytes), so that
 * INT64_MIN < -1 < 0 < 1 < INT64_MAX in byte order. */
void dn_key_put_i64(uint8_t *p, int64_t v);
int64_t dn_key_get_i64(const uint8_t *p);

/* Doubles (8 bytes): positive values get the sign bit set, negative values
 * have all bits inverted, so -inf < -1.5 < -0.0 <= 0.0 < 1e-300 < +inf
 * in byte order. -0.0 is encoded as +0.0; NaN sorts after +inf. */
void dn_key_put_f64(uint8_t *p, double v);
double dn_key_get_f64(const uint8_t *p);

/* Strings of any bytes (NUL included): each 0x00 byte becomes 0x00 0xFF and
 * the string ends with 0x00 0x00, so a prefix sorts first and embedded NULs
 * keep order. Returns the encoded size (2*len+2 at most); writes nothing
 * when p is NULL. */
size_t dn_key_put_str(uint8_t *p, const char *s, size_t len);
/* Decodes a string written by dn_key_put_str from p[0..avail): writes at
 * most cap bytes to out (out may be NULL to measure), stores the decoded
 * length in *len and returns the number of encoded bytes consumed, or 0 if
 * the encoding is malformed or truncated. */
size_t dn_key_get_str(const uint8_t *p, size_t avail, char *out, size_t cap, size_t *len);

/*
 * Index value encoding: one type-tag byte in the order of dn_value_compare,
 * then an order-preserving payload:
 *   NULL      0x00
 *   BOOL      0x10, then 0x00 / 0x01
 *   numbers   0x20, then the value as f64 (dn_key_put_f64), then for INT the
 *             exact i64 (dn_key_put_i64) as a tie-break so that integers
 *             beyond 2^53 stay distinct; FLOATs have no suffix
 *   STRING    0x30, then dn_key_put_str
 *   DATE      0x40, then the day number as i64
 *   LOCALTIME 0x44, then ms of the day and ns as two i64
 *   TIME      0x48, then ms of the day in UTC (ms - offset), ns and the
 *             offset as three i64
 *   LOCALDATETIME 0x4C, then ms and ns as two i64
 *   DATETIME  0x50, then ms as i64 (UTC); a value with ns, an offset or a
 *             zone then has 0xFF and stops there (a cut key); no key
 *             holding a DATETIME is exact
 *   DURATION  0x60, then months, days, nanos as three i64
 *   LIST      0x70, then for each item 0x01 and the item's encoding, then
 *             0x00 (so a list sorts before its extensions)
 * Strings longer than DN_KEY_MAX_STR bytes are cut to that prefix and the
 * encoding is then not exact: callers that seek must re-check the value.
 * Returns the encoded size, at most cap bytes written; DN_KEY_VALUE_MAX
 * bytes always suffice.
 */
#define DN_KEY_MAX_STR 180
#define DN_KEY_VALUE_MAX 400
size_t dn_key_put_value(uint8_t *p, size_t cap, const dn_value *v);
/* True when dn_key_put_value(v) is exact: not a truncated prefix, and no
 * other value has the same key (false for any value holding a DATETIME). */
int dn_key_value_exact(const dn_value *v);

#endif /* DN_KEYS_H */
