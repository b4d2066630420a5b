/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adjcache.c — sorted out-edge lists of start nodes for the loader's
 * duplicate-edge check (adjcache.h). Lists live in an open-addressing
 * table keyed by (node, type); each list is an array of (neighbour, edge)
 * pairs sorted by neighbour, filled from dn_edges_of once and kept sorted
 * as the load adds edges. When the entries of all lists pass the budget
 * the table is emptied, which keeps memory bounded whatever the input.
 */
#include "adjcache.h"

#include <stdlib.h>
#include <string.h>

typedef struct ac_pair {
	dn_id nbr, edge;
} ac_pair;

typedef struct ac_list {
	dn_id node;    /* 0 = empty slot */
	uint32_t type; /* index into types */
	ac_pair *e;
	size_t n, cap;
} ac_list;

struct dn_adjcache {
	ac_list *t;
	size_t cap, count, total, budget;
	char **types;
	size_t ntypes;
	dn_id *ids; /* scratch returned by find */
	size_t ids_cap;
};

dn_adjcache *dn_adjcache_new(size_t budget)
{
	dn_adjcache *c = calloc(1, sizeof *c);
	if (c)
		c->budget = budget;
	return c;
}

static void ac_clear(dn_adjcache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->t[i].e);
	free(c->t);
	c->t = NULL;
	c->cap = c->count = c->total = 0;
}

void dn_adjcache_free(dn_adjcache *c)
{
	if (!c)
		return;
	ac_clear(c);
	for (size_t i = 0; i < c->ntypes; i++)
		free(c->types[i]);
	free(c->types);
	free(c->ids);
	free(c);
}

/* The index of a type name, interned; -1 when out of memory. */
static long type_index(dn_adjcache *c, const char *type, bool add)
{
	char **nt;
	for (size_t i = 0; i < c->ntypes; i++)
		if (strcmp(c->types[i], type) == 0)
			return (long)i;
	if (!add || !(nt = realloc(c->types, (c->ntypes + 1) * sizeof *nt)))
		return -1;
	c->types = nt;
	if (!(nt[c->ntypes] = strdup(type)))
		return -1;
	return (long)c->ntypes++;
}

static size_t slot_of(const dn_adjcache *c, dn_id node, uint32_t type)
{
	uint64_t h = (node ^ ((uint64_t)type << 48)) * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 20) & (c->cap - 1);
	while (c->t[i].node && (c->t[i].node != node || c->t[i].type != type))
		i = (i + 1) & (c->cap - 1);
	return i;
}

static ac_list *ac_get(dn_adjcache *c, dn_id node, uint32_t type)
{
	ac_list *l;
	if (!c->cap)
		return NULL;
	l = &c->t[slot_of(c, node, type)];
	return l->node ? l : NULL;
}

static int ac_grow(dn_adjcache *c)
{
	size_t ncap = c->cap ? c->cap * 2 : 1024;
	ac_list *old = c->t, *nt = calloc(ncap, sizeof *nt);
	size_t ocap = c->cap;
	if (!nt)
		return DN_ENOMEM;
	c->t = nt;
	c->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].node)
			c->t[slot_of(c, old[i].node, old[i].type)] = old[i];
	free(old);
	return 0;
}

static int ac_push(ac_list *l, dn_id nbr, dn_id edge)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		ac_pair *ne = realloc(l->e, cap * sizeof *ne);
		if (!ne)
			return DN_ENOMEM;
		l->e = ne;
		l->cap = cap;
	}
	l->e[l->n++] = (ac_pair){nbr, edge};
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const ac_pair *x = a, *y = b;
	if (x->nbr != y->nbr)
		return x->nbr < y->nbr ? -1 : 1;
	return (x->edge > y->edge) - (x->edge < y->edge);
}

/* Reads src's out-edges of type into a new list. */
static int ac_load(dn_adjcache *c, dn_txn *txn, dn_id src, uint32_t type,
                   const char *tname, ac_list **out)
{
	ac_list l = {src, type, NULL, 0, 0};
	dn_iter *it = NULL;
	dn_adj a;
	int rc;
	if ((rc = dn_edges_of(txn, src, DN_OUT, tname, &it)))
		return rc;
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW)
		if ((rc = ac_push(&l, a.nbr, a.edge)))
			break;
	dn_iter_free(it);
	if (rc != DN_DONE) {
		free(l.e);
		return rc;
	}
	if (l.n)
		qsort(l.e, l.n, sizeof *l.e, cmp_pair); /* qsort(NULL, 0) is undefined */
	if (c->total + l.n > c->budget)
		ac_clear(c);
	if ((c->count + 1) * 2 > c->cap && (rc = ac_grow(c))) {
		free(l.e);
		return rc;
	}
	*out = &c->t[slot_of(c, src, type)];
	**out = l;
	c->count++;
	c->total += l.n;
	return 0;
}

int dn_adjcache_find(dn_adjcache *c, dn_txn *txn, dn_id src, const char *type,
                     dn_id dst, const dn_id **edges, size_t *n)
{
	long ti = type_index(c, type, true);
	ac_list *l;
	size_t lo = 0, hi, k = 0;
	int rc;
	*n = 0;
	if (ti < 0)
		return DN_ENOMEM;
	if (!(l = ac_get(c, src, (uint32_t)ti)) &&
	    (rc = ac_load(c, txn, src, (uint32_t)ti, type, &l)))
		return rc;
	hi = l->n;
	while (lo < hi) { /* the first pair with nbr >= dst */
		size_t mid = lo + (hi - lo) / 2;
		if (l->e[mid].nbr < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n && l->e[i].nbr == dst; i++) {
		if (k == c->ids_cap) {
			size_t cap = c->ids_cap ? c->ids_cap * 2 : 8;
			dn_id *ni = realloc(c->ids, cap * sizeof *ni);
			if (!ni)
				return DN_ENOMEM;
			c->ids = ni;
			c->ids_cap = cap;
		}
		c->ids[k++] = l->e[i].edge;
	}
	*edges = c->ids;
	*n = k;
	return 0;
}

int dn_adjcache_add(dn_adjcache *c, dn_id src, const char *type, dn_id dst,
                    dn_id edge)
{
	long ti = type_index(c, type, false);
	ac_list *l = ti < 0 ? NULL : ac_get(c, src, (uint32_t)ti);
	size_t i;
	if (!l)
		return 0;
	if (ac_push(l, dst, edge))
		return DN_ENOMEM;
	c->total++;
	for (i = l->n - 1; i > 0 && cmp_pair(&l->e[i - 1], &l->e[i]) > 0; i--) {
		ac_pair t = l->e[i];
		l->e[i] = l->e[i - 1];
		l->e[i - 1] = t;
	}
	return 0;
}
