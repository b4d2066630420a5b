/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * token.c — interning of labels, edge types, property keys and markings
 * into small integer ids (sub-databases tok_name and tok_id). Each
 * transaction keeps a cache of the tokens it has met, in both directions,
 * so that a bulk load resolves "Trader" once, not once per node.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keys.h"

/* The cache: entries plus two open-addressing tables of entry index + 1. */
typedef struct tok_cache {
	dn_tok_ent *ents;
	size_t n, cap;
	uint32_t *by_name, *by_id;
	size_t slots;
} tok_cache;

static uint32_t hash_name(int kind, const char *s, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h ? h : 1;
}

static uint32_t hash_id(int kind, uint32_t id)
{
	uint64_t x = ((uint64_t)kind << 32 | id) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(x >> 32);
}

static tok_cache *cache_of(dn_txn *t)
{
	return (tok_cache *)t->toks;
}

static int cache_rehash(tok_cache *c, size_t slots)
{
	uint32_t *bn = dn_calloc(slots, sizeof *bn), *bi = dn_calloc(slots, sizeof *bi);
	if (!bn || !bi) {
		free(bn);
		free(bi);
		return DN_ENOMEM;
	}
	for (size_t i = 0; i < c->n; i++) {
		size_t s = c->ents[i].hash & (slots - 1);
		while (bn[s])
			s = (s + 1) & (slots - 1);
		bn[s] = (uint32_t)i + 1;
		s = hash_id(c->ents[i].kind, c->ents[i].id) & (slots - 1);
		while (bi[s])
			s = (s + 1) & (slots - 1);
		bi[s] = (uint32_t)i + 1;
	}
	free(c->by_name);
	free(c->by_id);
	c->by_name = bn;
	c->by_id = bi;
	c->slots = slots;
	return 0;
}

static dn_tok_ent *cache_find_name(tok_cache *c, int kind, const char *name, size_t len, uint32_t h)
{
	if (!c || !c->slots)
		return NULL;
	for (size_t s = h & (c->slots - 1); c->by_name[s]; s = (s + 1) & (c->slots - 1)) {
		dn_tok_ent *e = &c->ents[c->by_name[s] - 1];
		if (e->hash == h && e->kind == kind && e->len == len && !memcmp(e->name, name, len))
			return e;
	}
	return NULL;
}

static dn_tok_ent *cache_find_id(tok_cache *c, int kind, uint32_t id)
{
	if (!c || !c->slots)
		return NULL;
	for (size_t s = hash_id(kind, id) & (c->slots - 1); c->by_id[s]; s = (s + 1) & (c->slots - 1)) {
		dn_tok_ent *e = &c->ents[c->by_id[s] - 1];
		if (e->kind == kind && e->id == id)
			return e;
	}
	return NULL;
}

static int cache_add(dn_txn *t, int kind, uint32_t id, const char *name, size_t len)
{
	tok_cache *c = cache_of(t);
	if (!c) {
		c = dn_calloc(1, sizeof *c);
		if (!c)
			return DN_ENOMEM;
		t->toks = (dn_tok_ent *)c;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		dn_tok_ent *e = dn_realloc(c->ents, cap * sizeof *e);
		if (!e)
			return DN_ENOMEM;
		c->ents = e;
		c->cap = cap;
	}
	char *copy = dn_malloc(len + 1);
	if (!copy)
		return DN_ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
	c->ents[c->n++] = (dn_tok_ent){(uint8_t)kind, id, hash_name(kind, name, len), copy, len};
	if (c->n * 2 > c->slots)
		return cache_rehash(c, c->slots ? c->slots * 2 : 64);
	/* insert the new entry only */
	dn_tok_ent *e = &c->ents[c->n - 1];
	size_t s = e->hash & (c->slots - 1);
	while (c->by_name[s])
		s = (s + 1) & (c->slots - 1);
	c->by_name[s] = (uint32_t)c->n;
	s = hash_id(kind, id) & (c->slots - 1);
	while (c->by_id[s])
		s = (s + 1) & (c->slots - 1);
	c->by_id[s] = (uint32_t)c->n;
	return 0;
}

void dn_tok_cache_free(dn_txn *t)
{
	memset(t->tok_memo, 0, sizeof t->tok_memo); /* tokens of undone calls are gone */
	tok_cache *c = cache_of(t);
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->ents[i].name);
	free(c->ents);
	free(c->by_name);
	free(c->by_id);
	free(c);
	t->toks = NULL;
}

/* Remembers name -> id as the last look-up of its kind. */
static void memo_set(dn_txn *t, int kind, const char *name, size_t len, uint32_t id)
{
	if (kind <= 0 || kind >= (int)(sizeof t->tok_memo / sizeof *t->tok_memo) || len >= sizeof t->tok_memo[0].name)
		return;
	struct dn_tok_memo *m = &t->tok_memo[kind];
	memcpy(m->name, name, len);
	m->len = (uint32_t)len;
	m->id = id;
}

int dn_tok_lookup(dn_txn *t, int kind, const char *name, size_t len, uint32_t *id)
{
	/* the same name as the last look-up of its kind: no hashing */
	if (kind > 0 && kind < (int)(sizeof t->tok_memo / sizeof *t->tok_memo)) {
		const struct dn_tok_memo *m = &t->tok_memo[kind];
		if (m->len && m->len == len && !memcmp(m->name, name, len)) {
			*id = m->id;
			return 0;
		}
	}
	uint32_t h = hash_name(kind, name, len);
	dn_tok_ent *e = cache_find_name(cache_of(t), kind, name, len, h);
	if (e) {
		*id = e->id;
		memo_set(t, kind, name, len, e->id);
		return 0;
	}
	if (len > 400)
		return DN_ENOTFOUND;
	uint8_t key[402];
	MDB_val v;
	key[0] = (uint8_t)kind;
	memcpy(key + 1, name, len);
	int rc = dn_get(t, DBI_TOK_NAME, key, len + 1, &v);
	if (rc)
		return rc;
	if (v.mv_size != 4)
		return dn_error(t->db, DN_ECORRUPT, "token entry of wrong size");
	*id = dn_key_get_u32(v.mv_data);
	memo_set(t, kind, name, len, *id);
	return cache_add(t, kind, *id, name, len);
}

/* Writes a token with a given id (used by intern and by replay). */
int dn_tok_create_raw(dn_txn *t, int kind, uint32_t id, const char *name, size_t len)
{
	uint8_t key[402], ikey[5], val[4];
	int rc;
	if ((rc = dn_journal_add(t, DN_J_TOKEN, (uint8_t)kind, id, name, len)))
		return rc;
	key[0] = (uint8_t)kind;
	memcpy(key + 1, name, len);
	dn_key_put_u32(val, id);
	ikey[0] = (uint8_t)kind;
	dn_key_put_u32(ikey + 1, id);
	if ((rc = dn_put(t, DBI_TOK_NAME, key, len + 1, val, 4, 0)) ||
	    (rc = dn_put(t, DBI_TOK_ID, ikey, 5, name, len, 0)))
		return rc;
	if (id >= t->next_tok[kind])
		t->next_tok[kind] = id + 1;
	if (!cache_find_id(cache_of(t), kind, id))
		return cache_add(t, kind, id, name, len);
	return 0;
}

int dn_tok_intern(dn_txn *t, int kind, const char *name, size_t len, uint32_t *id)
{
	int rc = dn_tok_lookup(t, kind, name, len, id);
	if (rc != DN_ENOTFOUND)
		return rc;
	if (len == 0)
		return dn_error(t->db, DN_EINVAL, "empty name");
	if (len > 400)
		return dn_error(t->db, DN_ETOOBIG, "name longer than 400 bytes");
	if (t->rdonly)
		return DN_ENOTFOUND;
	*id = t->next_tok[kind];
	return dn_tok_create_raw(t, kind, *id, name, len);
}

int dn_tok_name_ref(dn_txn *t, int kind, uint32_t id, const char **name, size_t *len)
{
	dn_tok_ent *e = cache_find_id(cache_of(t), kind, id);
	if (!e) {
		uint8_t key[5];
		MDB_val v;
		key[0] = (uint8_t)kind;
		dn_key_put_u32(key + 1, id);
		int rc = dn_get(t, DBI_TOK_ID, key, 5, &v);
		if (rc == DN_ENOTFOUND)
			return dn_error(t->db, DN_ENOTFOUND, "no token %u of kind %d", id, kind);
		if (rc)
			return rc;
		if ((rc = cache_add(t, kind, id, v.mv_data, v.mv_size)))
			return rc;
		e = cache_find_id(cache_of(t), kind, id);
	}
	*name = e->name;
	if (len)
		*len = e->len;
	return 0;
}

static bool kind_ok(int kind)
{
	return kind >= DN_TOKEN_LABEL && kind <= DN_TOKEN_MARKING;
}

int dn_token_id(dn_txn *t, dn_token_kind kind, const char *name, uint32_t *id)
{
	if (!kind_ok(kind) || !name)
		return DN_EINVAL;
	return dn_tok_lookup(t, kind, name, strlen(name), id);
}

int dn_token_name(dn_txn *t, dn_token_kind kind, uint32_t id, char **name)
{
	const char *n;
	if (!kind_ok(kind))
		return DN_EINVAL;
	int rc = dn_tok_name_ref(t, kind, id, &n, NULL);
	if (rc)
		return rc;
	*name = dn_strdup(n);
	return *name ? 0 : DN_ENOMEM;
}

void dn_strings_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int dn_token_list(dn_txn *t, dn_token_kind kind, char ***names, size_t *n)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_TOK_ID);
	uint8_t key[5];
	MDB_val k = {1, key}, v;
	char **out = NULL;
	size_t cnt = 0, cap = 0;
	*names = NULL;
	*n = 0;
	if (!kind_ok(kind))
		return DN_EINVAL;
	if (!c)
		return dn_error(t->db, DN_EIO, "cannot open cursor");
	key[0] = (uint8_t)kind;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == 5 && ((uint8_t *)k.mv_data)[0] == kind) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			char **p = dn_realloc(out, cap * sizeof *p);
			if (!p)
				goto nomem;
			out = p;
		}
		if (!(out[cnt] = dn_strndup(v.mv_data, v.mv_size)))
			goto nomem;
		cnt++;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	if (rc && rc != MDB_NOTFOUND) {
		dn_strings_free(out, cnt);
		return dn_error_lmdb(t->db, rc, "token scan");
	}
	*names = out;
	*n = cnt;
	return 0;
nomem:
	dn_strings_free(out, cnt);
	return dn_error(t->db, DN_ENOMEM, "out of memory");
}
