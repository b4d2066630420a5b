/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * value_ops.h — Cypher semantics over dn_value for the executor: equality
 * and comparison with three-valued logic, the ORDER BY total order, the
 * hash that DISTINCT and grouping use, arithmetic (numbers, strings, lists,
 * temporal values), boolean operators, string predicates, IN, list
 * indexing and slicing. Leaf module: no database access.
 *
 * Conventions:
 *  - Arguments are borrowed; results are owned (free with dn_value_free).
 *  - A Cypher null result is a DN_NULL value, never an error.
 *  - Functions that can fail return 0 or a negative code: DN_ETYPE (operand
 *    types do not fit, e.g. "cannot add STRING and INTEGER"), DN_ERUNTIME
 *    ("integer overflow", "division by zero"), DN_ENOMEM. On failure *out is
 *    DN_NULL and err (cap bytes, may be NULL/0) holds the message.
 */
#ifndef DN_VALUE_OPS_H
#define DN_VALUE_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "dragnet.h"

/* A convenient size for error buffers passed to this module. */
#define DN_CY_ERRMSG_CAP 256

/* ---- Equality, comparison, order, hash -------------------------- */

/* a = b: BOOL or NULL. null = x is null; INT and FLOAT compare numerically;
 * NaN equals nothing; values of different types are false; lists and maps
 * compare element-wise: false if any pair is false, else null if any pair
 * is null, else true. NODE/REL compare by id. */
dn_value dn_cy_equals(const dn_value *a, const dn_value *b);

typedef enum dn_cy_cmp {
	DN_CY_LT,
	DN_CY_LE,
	DN_CY_GT,
	DN_CY_GE,
} dn_cy_cmp;

/* a < b and friends: BOOL, or NULL when either is null or the types are
 * not comparable (string vs number, maps, durations, date vs datetime...).
 * TIME and DATETIME compare by instant, whatever their offsets (so two
 * values may be neither < nor > yet not `=`, which also needs the same
 * offset and zone).
 * Comparisons with NaN are false. Lists compare lexicographically; an
 * incomparable or null element pair before the first difference makes the
 * result null. */
dn_value dn_cy_compare(dn_cy_cmp op, const dn_value *a, const dn_value *b);

/* The ORDER BY total order of openCypher ("orderability"), ascending:
 * MAP < NODE < REL < LIST < PATH < DATETIME < DATE < DURATION < STRING <
 * BOOLEAN < numbers < NULL. Numbers compare numerically across INT and
 * FLOAT with NaN above every number; false < true; lists and paths element
 * by element with this same order, shorter first on a common prefix; maps
 * by sorted keys, then values. Returns <0, 0, >0. DESC is the negation
 * (so nulls come first descending, as in the TCK). */
int dn_cy_order(const dn_value *a, const dn_value *b);

/* Equivalence used by DISTINCT and grouping keys: like `=` but total:
 * null ≡ null, NaN ≡ NaN, and 1 ≡ 1.0 (numbers are equivalent when
 * numerically equal, so they group together; the first one seen is kept).
 * dn_cy_hash is consistent with it: equivalent values hash equally. */
bool dn_cy_equivalent(const dn_value *a, const dn_value *b);
uint64_t dn_cy_hash(const dn_value *v);

/* ---- Arithmetic ---------------------------------------------------- */

typedef enum dn_cy_arith {
	DN_CY_ADD,
	DN_CY_SUB,
	DN_CY_MUL,
	DN_CY_DIV,
	DN_CY_MOD,
	DN_CY_POW,
} dn_cy_arith;

/* a <op> b. null operands give null. INT op INT stays INT (overflow is
 * DN_ERUNTIME "integer overflow"; / and % by zero are DN_ERUNTIME
 * "division by zero"; / truncates toward zero); mixed INT/FLOAT gives
 * FLOAT (float / 0 gives ±inf or NaN); ^ always gives FLOAT. + also
 * concatenates strings, concatenates lists, and appends/prepends an element
 * to a list. DATE/DATETIME ± DURATION, DURATION ± DURATION, DURATION * or /
 * a number. Anything else is DN_ETYPE. */
int dn_cy_arith_op(dn_cy_arith op, const dn_value *a, const dn_value *b, dn_value *out,
                   char *err, size_t cap);
/* -a (numbers and durations). */
int dn_cy_negate(const dn_value *a, dn_value *out, char *err, size_t cap);

/* ---- Boolean logic ------------------------------------------------- */

/* Three-valued AND, OR, XOR, NOT. Operands must be BOOL or NULL, else
 * DN_ETYPE. */
int dn_cy_and(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap);
int dn_cy_or(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap);
int dn_cy_xor(const dn_value *a, const dn_value *b, dn_value *out, char *err, size_t cap);
int dn_cy_not(const dn_value *a, dn_value *out, char *err, size_t cap);

/* ---- Strings and lists -------------------------------------------- */

typedef enum dn_cy_strpred {
	DN_CY_STARTS_WITH,
	DN_CY_ENDS_WITH,
	DN_CY_CONTAINS,
} dn_cy_strpred;

/* BOOL when both are strings, else NULL (never an error). */
dn_value dn_cy_string_pred(dn_cy_strpred op, const dn_value *a, const dn_value *b);

/* x IN list: true if some element equals x, else null if some comparison
 * was null (or x is null and the list is not empty), else false. A null
 * list gives null; a non-list is DN_ETYPE. */
int dn_cy_in(const dn_value *x, const dn_value *list, dn_value *out, char *err, size_t cap);

/* list[index] (negative counts from the end; out of range gives null),
 * also map['key'] and string-free. Null list or index gives null; a
 * non-integer index on a list is DN_ETYPE. */
int dn_cy_index(const dn_value *list, const dn_value *index, dn_value *out, char *err,
                size_t cap);
/* list[from..to]: from/to may be NULL pointers (bound omitted); a DN_NULL
 * bound value gives null. Negative bounds count from the end; bounds are
 * clamped. */
int dn_cy_slice(const dn_value *list, const dn_value *from, const dn_value *to, dn_value *out,
                char *err, size_t cap);

/* ---- Helpers shared with functions.c ------------------------------- */

/* Builds an owned map from n keys and values (copied); keys are sorted and a
 * repeated key keeps the last value. */
int dn_cy_map_build(const char *const *keys, const dn_value *values, size_t n, dn_value *out);
/* The value of key in a map, or NULL when absent. */
const dn_value *dn_cy_map_get(const dn_value *map, const char *key, size_t keylen);
/* Formats err (cap bytes) printf-style; returns code. */
int dn_cy_error(char *err, size_t cap, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A temporal value other than DURATION + DURATION (sign +1 or -1). */
int dn_cy_temporal_add(const dn_value *t, const dn_value *dur, int sign, dn_value *out,
                       char *err, size_t cap);

#endif
