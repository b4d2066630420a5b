/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rowset.c — the hash set of rows of rowset.h: open addressing with linear
 * probing, kept at most half full.
 */
#include <stdlib.h>

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
