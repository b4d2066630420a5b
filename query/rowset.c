/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rowset.c — the hash set of rows of rowset.h: open addressing with linear
 * probing, kept at most half full.
 */
#include <stdlib.h>
#include <string.h>

#include "rowset.h"
#include "value_ops.h"

uint64_t dn_rowset_hash(const dn_value *vals, size_t n)
{
	uint64_t h = UINT64_C(0x84222325cbf29ce4);
	for (size_t i = 0; i < n; i++)
		h = (h ^ dn_cy_hash(&vals[i])) * UINT64_C(0x100000001b3) + i;
	return h;
}

static int rowset_grow(dn_rowset *s)
{
	size_t cap = s->cap ? 2 * s->cap : 64;
	size_t *idx = calloc(cap, sizeof *idx);
	uint64_t *hash = malloc(cap * sizeof *hash);
	if (!idx || !hash) {
		free(idx);
		free(hash);
		return DN_ENOMEM;
	}
	for (size_t k = 0; k < s->cap; k++) {
		if (!s->idx[k])
			continue;
		size_t j = (size_t)s->hash[k] & (cap - 1);
		while (idx[j])
			j = (j + 1) & (cap - 1);
		idx[j] = s->idx[k];
		hash[j] = s->hash[k];
	}
	free(s->idx);
	free(s->hash);
	s->idx = idx;
	s->hash = hash;
	s->cap = cap;
	return 0;
}

int dn_rowset_insert(dn_rowset *s, uint64_t h, size_t r, dn_rowset_eq eq, void *ctx, size_t *found)
{
	if (2 * (s->n + 1) > s->cap) {
		int rc = rowset_grow(s);
		if (rc)
			return rc;
	}
	size_t j = (size_t)h & (s->cap - 1);
	for (; s->idx[j]; j = (j + 1) & (s->cap - 1))
		if (s->hash[j] == h && eq(ctx, s->idx[j] - 1, r)) {
			*found = s->idx[j] - 1;
			return 0;
		}
	s->idx[j] = r + 1;
	s->hash[j] = h;
	s->n++;
	*found = r;
	return 0;
}

void dn_rowset_free(dn_rowset *s)
{
	free(s->idx);
	free(s->hash);
	s->idx = NULL;
	s->hash = NULL;
	s->cap = s->n = 0;
}

/* --- tuple sets: the tuples kept by the set itself ------------------------------ */

static bool tupleset_eq(void *ctx, size_t a, size_t b)
{
	const dn_tupleset *t = ctx;
	for (size_t i = 0; i < t->k; i++)
		if (!dn_cy_equivalent(&t->v[a * t->k + i], &t->v[b * t->k + i]))
			return false;
	return true;
}

/* An entity among the entities seen: no copy, no general hash. */
static int tupleset_add_id(dn_tupleset *t, const dn_value *v, bool *fresh)
{
	uint64_t key = 2 * (uint64_t)v->u.i + (v->type == DN_REL) + 1;
	if ((t->nids + 1) * 2 > t->capids) {
		size_t cap = t->capids ? 2 * t->capids : 256;
		uint64_t *ids = calloc(cap, sizeof *ids);
		if (!ids)
			return DN_ENOMEM;
		for (size_t i = 0; i < t->capids; i++) {
			if (!t->ids[i])
				continue;
			size_t h = (size_t)((t->ids[i] * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
			while (ids[h])
				h = (h + 1) & (cap - 1);
			ids[h] = t->ids[i];
		}
		free(t->ids);
		t->ids = ids;
		t->capids = cap;
	}
	size_t h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (t->capids - 1);
	for (; t->ids[h]; h = (h + 1) & (t->capids - 1))
		if (t->ids[h] == key) {
			*fresh = false;
			return 0;
		}
	t->ids[h] = key;
	t->nids++;
	*fresh = true;
	return 0;
}

int dn_tupleset_add(dn_tupleset *t, const dn_value *vals, bool *fresh)
{
	size_t k = t->k;
	*fresh = false;
	if (k == 1 && (vals->type == DN_NODE || vals->type == DN_REL))
		return tupleset_add_id(t, vals, fresh);
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		dn_value *v = realloc(t->v, cap * (k ? k : 1) * sizeof *v);
		if (!v)
			return DN_ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	/* the candidate goes where it would be kept, and out again if seen */
	dn_value *at = t->v + t->n * k;
	size_t i = 0, found = t->n;
	int rc = 0;
	for (; i < k && !rc; i++)
		if ((rc = dn_value_copy(&at[i], &vals[i])))
			break;
	if (!rc)
		rc = dn_rowset_insert(&t->set, dn_rowset_hash(at, k), t->n, tupleset_eq, t, &found);
	*fresh = !rc && found == t->n;
	if (*fresh) {
		t->n++;
		return 0;
	}
	for (size_t j = 0; j < i; j++)
		dn_value_free(&at[j]);
	return rc;
}

void dn_tupleset_free(dn_tupleset *t)
{
	for (size_t i = 0; t->v && i < t->n * t->k; i++)
		dn_value_free(&t->v[i]);
	free(t->v);
	free(t->ids);
	dn_rowset_free(&t->set);
	size_t k = t->k;
	memset(t, 0, sizeof *t);
	t->k = k;
}
