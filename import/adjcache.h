/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adjcache.h — the loader's cache of start nodes' out-edges, sorted by
 * neighbour, so that "is there already an edge src -[type]-> dst?" costs a
 * binary search on a second load instead of a walk of src's edge list. The
 * cache holds at most a budget of entries in all; past it, it starts over.
 */
#ifndef DN_ADJCACHE_H
#define DN_ADJCACHE_H

#include <stddef.h>

#include "dragnet.h"

typedef struct dn_adjcache dn_adjcache;

/* A new cache of at most budget entries (NULL when out of memory). */
dn_adjcache *dn_adjcache_new(size_t budget);
/* Frees the cache. Accepts NULL. */
void dn_adjcache_free(dn_adjcache *c);

/*
 * The edge ids of src -[type]-> dst, from the cache, loading src's
 * out-edges of type through txn first if they are not there. *edges points
 * into the cache (valid until the next call), *n is their number.
 * Returns 0, DN_ENOMEM, or an engine error.
 */
int dn_adjcache_find(dn_adjcache *c, dn_txn *txn, dn_id src, const char *type,
                     dn_id dst, const dn_id **edges, size_t *n);

/* Records a new edge src -[type]-> dst if src's list is cached. */
int dn_adjcache_add(dn_adjcache *c, dn_id src, const char *type, dn_id dst,
                    dn_id edge);

#endif
