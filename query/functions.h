/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * functions.h — the registry of Cypher functions that need no database:
 * scalar functions (strings, lists, numbers, conversions, temporal
 * constructors) and aggregates as init/step/final/free state machines. The
 * resolver looks names up here and checks arity; the executor calls them.
 * Temporal property access (d.year, dur.days) goes through
 * dn_cy_temporal_field.
 *
 * Conventions (as in value_ops.h): arguments are borrowed, results owned;
 * a Cypher null is a DN_NULL result; failures return DN_ETYPE (argument of
 * the wrong type), DN_ERUNTIME (bad value: "invalid date '2024-13-01'",
 * negative substring length...), DN_ENOMEM, with the message in err.
 */
#ifndef DN_FUNCTIONS_H
#define DN_FUNCTIONS_H

#include <stddef.h>
#include <time.h>

#include "dragnet.h"

/* date() and datetime() are not flagged pure because their zero-argument
 * form reads the clock; with a constant argument they may be folded too.
 * count has min_args 0 only for count(*): the resolver should accept zero
 * arguments only in that form (DN_CY_FN_STAR). */
enum dn_cy_func_flags {
	DN_CY_FN_PURE = 1u << 0,      /* same arguments, same result: foldable */
	DN_CY_FN_AGGREGATE = 1u << 1, /* an aggregate: use .agg, not .fn */
	DN_CY_FN_STAR = 1u << 2,      /* accepts `*` as its argument (count(*)) */
};

typedef int (*dn_cy_scalar_fn)(const dn_value *args, size_t nargs, dn_value *out, char *err,
                               size_t cap);

/*
 * An aggregate's state machine, one state per group:
 *   init(&state)                   allocate a fresh state
 *   step(state, args, nargs, ...)  feed one row's argument values (count(*)
 *                                  is stepped with nargs 0); null values are
 *                                  skipped here, as Cypher requires
 *   final(state, &out, ...)        the result (owned); the state stays valid
 *   free(state)                    release (accepts NULL)
 * DISTINCT is the executor's job: it filters the rows before step.
 */
typedef struct dn_cy_agg_ops {
	int (*init)(void **state);
	int (*step)(void *state, const dn_value *args, size_t nargs, char *err, size_t cap);
	int (*final)(void *state, dn_value *out, char *err, size_t cap);
	void (*free)(void *state);
	/* count only (NULL elsewhere): as if step saw `times` rows whose
	 * argument is not null; the counting MATCH (op_match.c) hands on one
	 * row per end node with the number of matches that reached it */
	void (*add)(void *state, uint64_t times);
} dn_cy_agg_ops;

typedef struct dn_cy_func {
	const char *name; /* lower case; may be dotted ("duration.between") */
	int min_args, max_args;
	unsigned flags;   /* dn_cy_func_flags */
	dn_cy_scalar_fn fn;        /* scalar functions */
	const dn_cy_agg_ops *agg;  /* aggregates */
} dn_cy_func;

/* The function called name[0..len) (case-insensitive), or NULL. */
const dn_cy_func *dn_cy_func_lookup(const char *name, size_t len);
/* The whole registry, sorted by name; *n receives its size. */
const dn_cy_func *dn_cy_func_all(size_t *n);

/* Calls a scalar function after checking arity (DN_ESEMANTIC on a wrong
 * count, DN_EINVAL for an aggregate). */
int dn_cy_func_call(const dn_cy_func *f, const dn_value *args, size_t nargs, dn_value *out,
                    char *err, size_t cap);

/* The statement clock of this thread: between begin and end, date(),
 * datetime()... without arguments and X.statement()/X.transaction() all
 * read the time given to begin (X.realtime() reads the real clock). Without
 * a begin they read the real clock. stmt.c brackets the execution and each
 * step of a statement with its one time. */
void dn_cy_clock_begin(const struct timespec *now);
void dn_cy_clock_end(void);

/* Temporal property access: value.name for any of the six temporal types
 * ("year", "month", "day", "hour", "dayOfWeek", "offset", "timezone",
 * "epochMillis", "days", "minutesOfHour", ...; case-insensitive), each
 * where the type has it (no "hour" of a DATE). A null value gives null;
 * an unknown or unavailable field is DN_ERUNTIME ("unknown field");
 * another type is DN_ETYPE. */
int dn_cy_temporal_field(const dn_value *v, const char *name, dn_value *out, char *err,
                         size_t cap);

/* Cypher's text of a FLOAT, as toString() gives it (Java's Double.toString:
 * shortest round-trip digits, "1.0", "1.0E20", "NaN", "-Infinity"). Writes
 * into buf (NUL-terminated, truncated to cap); returns the full length. */
int dn_cy_float_format(double f, char *buf, size_t cap);

#endif
