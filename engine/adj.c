/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adj.c — adjacency storage. A node's edges in one direction and of one type
 * are kept as chunks: sorted runs of up to DN_ADJ_CHUNK (neighbour, edge)
 * pairs, each stored under the key (node, dir, type, first neighbour,
 * first edge), so a scan reads up to 120 neighbours per cursor step and a
 * bulk load writes one value per run instead of one entry per edge (LMDB's
 * DUPSORT sub-pages cost ~750 ns per small-run insert on this machine).
 * The `deg` sub-database keeps the count of each (node, dir, type) so that
 * degrees need no scan. Everything that reads or writes `adj` goes through
 * this file or the scanner in iter.c.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keys.h"

#define ENT DN_ADJ_VAL_LEN /* one (nbr, edge) pair */

static void chunk_key(uint8_t *k, const uint8_t *prefix13, const uint8_t *ent)
{
	memcpy(k, prefix13, DN_ADJ_KEY_LEN);
	memcpy(k + DN_ADJ_KEY_LEN, ent, ENT);
}

static int cmp_ent(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, ENT);
}

/* --- degree counters ---------------------------------------------------- */

int dn_adj_deg_get(dn_txn *t, const uint8_t *prefix13, uint64_t *n)
{
	MDB_val v;
	int rc = dn_get(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, &v);
	*n = 0;
	if (rc == DN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return dn_error(t->db, DN_ECORRUPT, "degree counter of wrong size");
	*n = dn_key_get_u64(v.mv_data);
	return 0;
}

/* Adds d to a degree counter whose current value is `have` (the caller
 * knows it) or, when have is UINT64_MAX, whatever is stored. */
static int deg_add(dn_txn *t, const uint8_t *prefix13, uint64_t have, int64_t d)
{
	uint64_t n = have;
	uint8_t v[8];
	int rc;
	if (have == UINT64_MAX && (rc = dn_adj_deg_get(t, prefix13, &n)))
		return rc;
	n = (uint64_t)((int64_t)n + d);
	if (!n)
		return dn_del(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, NULL, 0);
	dn_key_put_u64(v, n);
	if (have == 0) { /* a new counter: append when it is past the last */
		rc = dn_put(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, v, 8, MDB_APPEND);
		if (rc != DN_EEXISTS)
			return rc;
	}
	return dn_put(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, v, 8, 0);
}

/* --- finding the chunk of an entry --------------------------------------- */

/* Positions c on the chunk of prefix13 whose range holds ent (the last
 * chunk whose first entry <= ent, or the first chunk if ent precedes all).
 * *found is false when the prefix has no chunk at all. On success key and
 * val describe the chunk (val points into the map: copy before writing). */
static int locate(dn_txn *t, MDB_cursor *c, const uint8_t *prefix13, const uint8_t *ent, MDB_val *key,
                  MDB_val *val, bool *found)
{
	uint8_t k[DN_ADJ_KEY_LEN + ENT];
	chunk_key(k, prefix13, ent);
	*key = (MDB_val){sizeof k, k};
	*found = false;
	int rc = mdb_cursor_get(c, key, val, MDB_SET_RANGE);
	bool here = rc == 0 && key->mv_size == sizeof k && !memcmp(key->mv_data, prefix13, DN_ADJ_KEY_LEN);
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "adjacency");
	if (here && !memcmp(key->mv_data, k, sizeof k)) {
		*found = true; /* a chunk starts exactly at ent */
		return 0;
	}
	/* the previous chunk of the same prefix, if any, holds ent's place */
	MDB_val pk, pv;
	int prc = rc == MDB_NOTFOUND ? mdb_cursor_get(c, &pk, &pv, MDB_LAST)
	                             : mdb_cursor_get(c, &pk, &pv, MDB_PREV);
	if (prc == 0 && pk.mv_size == sizeof k && !memcmp(pk.mv_data, prefix13, DN_ADJ_KEY_LEN)) {
		*key = pk;
		*val = pv;
		*found = true;
		return 0;
	}
	if (prc && prc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, prc, "adjacency");
	if (here) { /* ent comes before the first chunk: use that one */
		uint8_t first[DN_ADJ_KEY_LEN + ENT];
		chunk_key(first, prefix13, ent);
		*key = (MDB_val){sizeof first, first};
		rc = mdb_cursor_get(c, key, val, MDB_SET_RANGE);
		if (rc)
			return dn_error_lmdb(t->db, rc, "adjacency");
		*found = true;
	}
	return 0;
}

/* True when the entry is stored (for check). */
int dn_adj_contains(dn_txn *t, const uint8_t *prefix13, const uint8_t *ent, bool *yes)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	MDB_val key, val;
	bool found;
	*yes = false;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	int rc = locate(t, c, prefix13, ent, &key, &val, &found);
	if (rc || !found)
		return rc;
	const uint8_t *e = val.mv_data;
	for (size_t j = 0; j < val.mv_size / ENT; j++)
		if (!cmp_ent(e + j * ENT, ent))
			*yes = true;
	return 0;
}

/* Replaces the chunk stored under old_key (may be NULL) with the entries
 * ents[0..n) (n may be 0: the chunk goes), splitting into several chunks
 * when n exceeds DN_ADJ_CHUNK. */
static int rewrite(dn_txn *t, const uint8_t *prefix13, const uint8_t *old_key, const uint8_t *ents, size_t n)
{
	uint8_t k[DN_ADJ_KEY_LEN + ENT];
	int rc;
	if (old_key && (rc = dn_del(t, DBI_ADJ, old_key, sizeof k, NULL, 0)))
		return rc;
	for (size_t i = 0; i < n;) {
		size_t left = n - i, m;
		if (left <= DN_ADJ_CHUNK)
			m = left;
		else if (left < 2 * DN_ADJ_CHUNK)
			m = left / 2; /* split evenly rather than leave a tiny tail */
		else
			m = DN_ADJ_CHUNK;
		chunk_key(k, prefix13, ents + i * ENT);
		/* past the last key (a fresh bulk load), MDB_APPEND skips the search */
		rc = dn_put(t, DBI_ADJ, k, sizeof k, ents + i * ENT, m * ENT, MDB_APPEND);
		if (rc == DN_EEXISTS)
			rc = dn_put(t, DBI_ADJ, k, sizeof k, ents + i * ENT, m * ENT, 0);
		if (rc)
			return rc;
		i += m;
	}
	return 0;
}

/* Inserts sorted entries ents[0..n) of one (node, dir, type) group. Large
 * groups merge with the existing chunks in one pass; small ones go into
 * the chunk that holds their place. */
int dn_adj_add_group(dn_txn *t, const uint8_t *prefix13, const uint8_t *ents, size_t n)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	dn_buf *b = &t->adjmerge;
	uint64_t have;
	int rc;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	/* how much is there already: nothing and one chunk are told by the
	 * cursor (the common cases of a bulk load), more by the counter */
	{
		uint8_t k[DN_ADJ_KEY_LEN + ENT] = {0};
		memcpy(k, prefix13, DN_ADJ_KEY_LEN);
		MDB_val key = {sizeof k, k}, val;
		rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
		if (rc && rc != MDB_NOTFOUND)
			return dn_error_lmdb(t->db, rc, "adjacency");
		if (rc || key.mv_size != sizeof k || memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN)) {
			have = 0;
		} else {
			have = val.mv_size / ENT;
			rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
			if (rc == 0 && key.mv_size == sizeof k && !memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN) &&
			    (rc = dn_adj_deg_get(t, prefix13, &have)))
				return rc;
		}
	}
	if (have == 0 || n * 4 >= have) {
		/* merge: read every chunk of the group, merge, write anew */
		uint8_t k[DN_ADJ_KEY_LEN + ENT];
		memset(k, 0, sizeof k);
		memcpy(k, prefix13, DN_ADJ_KEY_LEN);
		MDB_val key = {sizeof k, k}, val;
		dn_buf *keys = &t->adjkeys;
		b->len = 0;
		keys->len = 0;
		if (have) {
			if ((rc = dn_buf_reserve(b, (have + n) * ENT)))
				return rc;
			size_t i = 0;
			for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
			     rc == 0 && key.mv_size == sizeof k && !memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN);
			     rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
				const uint8_t *e = val.mv_data;
				size_t m = val.mv_size / ENT;
				if (b->len + (m + n - i) * ENT > b->cap && (rc = dn_buf_reserve(b, (m + n - i) * ENT)))
					return rc;
				for (size_t j = 0; j < m; j++) {
					while (i < n && cmp_ent(ents + i * ENT, e + j * ENT) < 0) {
						memcpy(b->p + b->len, ents + i * ENT, ENT);
						b->len += ENT;
						i++;
					}
					memcpy(b->p + b->len, e + j * ENT, ENT);
					b->len += ENT;
				}
				if ((rc = dn_buf_put(keys, key.mv_data, key.mv_size)))
					return rc;
			}
			if (rc && rc != MDB_NOTFOUND)
				return dn_error_lmdb(t->db, rc, "adjacency");
			for (size_t q = 0; q < keys->len; q += sizeof k)
				if ((rc = dn_del(t, DBI_ADJ, keys->p + q, sizeof k, NULL, 0)))
					return rc;
			if ((rc = dn_buf_put(b, ents + i * ENT, (n - i) * ENT)))
				return rc;
			ents = b->p;
			n = b->len / ENT;
		}
		if ((rc = rewrite(t, prefix13, NULL, ents, n)))
			return rc;
		return deg_add(t, prefix13, have, (int64_t)(n - have));
	}
	/* small group into a large one: entry by entry */
	for (size_t i = 0; i < n; i++) {
		MDB_val key, val;
		bool found;
		if ((rc = locate(t, c, prefix13, ents + i * ENT, &key, &val, &found)))
			return rc;
		uint8_t oldk[DN_ADJ_KEY_LEN + ENT];
		b->len = 0;
		if (!found)
			return dn_error(t->db, DN_ECORRUPT, "degree counter says %llu entries, no chunk found",
			                (unsigned long long)have);
		memcpy(oldk, key.mv_data, sizeof oldk);
		if ((rc = dn_buf_reserve(b, val.mv_size + ENT)))
			return rc;
		const uint8_t *e = val.mv_data;
		size_t m = val.mv_size / ENT, j = 0;
		while (j < m && cmp_ent(e + j * ENT, ents + i * ENT) < 0)
			j++;
		memcpy(b->p, e, j * ENT);
		memcpy(b->p + j * ENT, ents + i * ENT, ENT);
		memcpy(b->p + (j + 1) * ENT, e + j * ENT, (m - j) * ENT);
		b->len = (m + 1) * ENT;
		if (j == 0 || m + 1 > DN_ADJ_CHUNK)
			rc = rewrite(t, prefix13, oldk, b->p, m + 1); /* new first entry, or split */
		else
			rc = dn_put(t, DBI_ADJ, oldk, sizeof oldk, b->p, b->len, 0);
		if (rc)
			return rc;
	}
	return deg_add(t, prefix13, have, (int64_t)n);
}

/* Removes one entry; DN_ENOTFOUND if it is not there. */
int dn_adj_remove(dn_txn *t, const uint8_t *prefix13, const uint8_t *ent)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	MDB_val key, val;
	bool found;
	int rc;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	if ((rc = locate(t, c, prefix13, ent, &key, &val, &found)))
		return rc;
	if (!found)
		return DN_ENOTFOUND;
	const uint8_t *e = val.mv_data;
	size_t m = val.mv_size / ENT, j = 0;
	while (j < m && cmp_ent(e + j * ENT, ent) < 0)
		j++;
	if (j == m || cmp_ent(e + j * ENT, ent))
		return DN_ENOTFOUND;
	uint8_t oldk[DN_ADJ_KEY_LEN + ENT];
	dn_buf *b = &t->adjmerge;
	memcpy(oldk, key.mv_data, sizeof oldk);
	b->len = 0;
	if ((rc = dn_buf_put(b, e, j * ENT)) || (rc = dn_buf_put(b, e + (j + 1) * ENT, (m - j - 1) * ENT)))
		return rc;
	if (j == 0 || m == 1)
		rc = rewrite(t, prefix13, oldk, b->p, m - 1);
	else
		rc = dn_put(t, DBI_ADJ, oldk, sizeof oldk, b->p, b->len, 0);
	if (rc)
		return rc;
	return deg_add(t, prefix13, UINT64_MAX, -1);
}

/* Number of entries of (node, OUT, type) whose neighbour is the node
 * itself: the self-loops, which a both-direction degree counts once. */
int dn_adj_self_loops(dn_txn *t, const uint8_t *prefix13, dn_id node, uint64_t *n)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	uint8_t ent[ENT];
	MDB_val key, val;
	bool found;
	int rc;
	*n = 0;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	dn_key_put_u64(ent, node);
	dn_key_put_u64(ent + 8, 0);
	if ((rc = locate(t, c, prefix13, ent, &key, &val, &found)) || !found)
		return rc;
	for (;;) {
		const uint8_t *e = val.mv_data;
		size_t m = val.mv_size / ENT;
		bool past = false;
		for (size_t j = 0; j < m; j++) {
			dn_id nbr = dn_key_get_u64(e + j * ENT);
			if (nbr == node)
				(*n)++;
			else if (nbr > node)
				past = true;
		}
		if (past)
			return 0;
		rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
		if (rc == MDB_NOTFOUND || (rc == 0 && (key.mv_size != DN_ADJ_KEY_LEN + ENT ||
		                                       memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN))))
			return 0;
		if (rc)
			return dn_error_lmdb(t->db, rc, "adjacency");
	}
}
