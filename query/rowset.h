/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rowset.h — a hash set of rows (tuples of values) under Cypher
 * equivalence, for DISTINCT, grouping, DISTINCT aggregates and UNION. It
 * stores row indices and hashes only; the rows live in the caller's
 * storage and the caller's eq callback compares two of them. Hashes come
 * from dn_cy_hash, which agrees with dn_cy_equivalent (1 and 1.0 hash
 * alike), so finding a row costs O(1) expected instead of a scan of every
 * row kept so far.
 */
#ifndef DN_ROWSET_H
#define DN_ROWSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dragnet.h"

typedef struct dn_rowset {
	size_t *idx;    /* row index + 1; 0 marks an empty slot */
	uint64_t *hash; /* the hash of the row in the same slot */
	size_t cap, n;
} dn_rowset;

/* Whether rows a and b are equivalent. */
typedef bool (*dn_rowset_eq)(void *ctx, size_t a, size_t b);

/* The hash of a tuple of n values. */
uint64_t dn_rowset_hash(const dn_value *vals, size_t n);

/*
 * Looks for a row equivalent to row r (hash h); if there is none, adds r.
 * *found receives the index of the equivalent row, or r when it was
 * added. Returns 0 or DN_ENOMEM.
 */
int dn_rowset_insert(dn_rowset *s, uint64_t h, size_t r, dn_rowset_eq eq, void *ctx, size_t *found);

void dn_rowset_free(dn_rowset *s);

/* A set of k-tuples that keeps its own copies (DISTINCT, UNION, DISTINCT
 * aggregates): zero it and set k before use. */
typedef struct dn_tupleset {
	size_t k;
	dn_value *v; /* n * k values */
	size_t n, cap;
	dn_rowset set;
	/* one-value tuples that are nodes or relationships (count(DISTINCT
	 * f) after a search): their ids, open addressing, 2 id + (rel), + 1 */
	uint64_t *ids;
	size_t nids, capids;
} dn_tupleset;
/* Adds a copy of vals (k values) unless an equivalent tuple is in the set:
 * *fresh tells which. Returns 0 or DN_ENOMEM. */
int dn_tupleset_add(dn_tupleset *t, const dn_value *vals, bool *fresh);
/* Frees the tuples (keeping k: the set can be used again). */
void dn_tupleset_free(dn_tupleset *t);

#endif /* DN_ROWSET_H */
