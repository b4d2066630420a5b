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
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * The `deg` sub-database counts the entries of each (node, direction, type)
 * group that spans two or more chunks. A group of one chunk has no counter:
 * its count is the chunk's size, found by the same one seek. Most groups
 * are a single chunk, so a bulk load writes a counter for few of them
 * (format 2; format 1 counted every group, and its counters stay right:
 * every write below keeps an existing counter or removes it).
 */

/* The counter of a group: *n, and whether there is one. */
static int counter_get(dn_txn *t, const uint8_t *prefix13, uint64_t *n, bool *has)
{
	MDB_val v;
	int rc = dn_get(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, &v);
	*n = 0;
	*has = false;
	if (rc == DN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (v.mv_size != 8)
		return dn_error(t->db, DN_ECORRUPT, "degree counter of wrong size");
	*n = dn_key_get_u64(v.mv_data);
	*has = true;
	return 0;
}

/* The entries of the group's first chunk (0 without one), and whether a
 * second chunk follows. Moves the transaction's adjacency cursor. */
static int first_chunk(dn_txn *t, const uint8_t *prefix13, uint64_t *n, bool *more)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	uint8_t k[DN_ADJ_KEY_LEN + ENT] = {0};
	*n = 0;
	*more = false;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	memcpy(k, prefix13, DN_ADJ_KEY_LEN);
	MDB_val key = {sizeof k, k}, val;
	int rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
	if (rc == MDB_NOTFOUND || (rc == 0 && (key.mv_size != sizeof k || memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN))))
		return 0;
	if (rc)
		return dn_error_lmdb(t->db, rc, "adjacency");
	*n = val.mv_size / ENT;
	rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "adjacency");
	*more = rc == 0 && key.mv_size == sizeof k && !memcmp(key.mv_data, prefix13, DN_ADJ_KEY_LEN);
	return 0;
}

int dn_adj_deg_get(dn_txn *t, const uint8_t *prefix13, uint64_t *n)
{
	bool has, more;
	int rc = first_chunk(t, prefix13, n, &more);
	if (rc || !more)
		return rc;
	if ((rc = counter_get(t, prefix13, n, &has)))
		return rc;
	if (!has)
		return dn_error(t->db, DN_ECORRUPT, "adjacency group of several chunks without a degree counter");
	return 0;
}

/* After a write left the group with n entries: a counter when it spans two
 * or more chunks, none otherwise. had: a counter was there before. single:
 * the caller knows the group is at most one chunk (it rewrote all of it). */
static int counter_set(dn_txn *t, const uint8_t *prefix13, bool had, uint64_t n, bool single)
{
	bool multi = n > DN_ADJ_CHUNK;
	int rc;
	if (!multi && !single && n > 1) {
		uint64_t first;
		if ((rc = first_chunk(t, prefix13, &first, &multi)))
			return rc;
	}
	if (!multi)
		return had ? dn_del(t, DBI_DEG, prefix13, DN_ADJ_KEY_LEN, NULL, 0) : 0;
	uint8_t v[8];
	dn_key_put_u64(v, n);
	if (!had) { /* a new counter: append when it is past the last */
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
int dn_adj_add_group(dn_txn *t, const uint8_t *prefix13, const uint8_t *ents, size_t n, bool past_end)
{
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	dn_buf *b = &t->adjmerge;
	uint64_t have;
	int rc;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	/* how much is there already: nothing and one chunk are told by the
	 * cursor (the common cases of a bulk load), more by the counter */
	bool more = false, had = false;
	have = 0;
	if (!past_end && (rc = first_chunk(t, prefix13, &have, &more)))
		return rc;
	if (have && (rc = counter_get(t, prefix13, more ? &have : &(uint64_t){0}, &had)))
		return rc;
	if (more && !had)
		return dn_error(t->db, DN_ECORRUPT, "adjacency group of several chunks without a degree counter");
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
		return counter_set(t, prefix13, had, n, true);
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
			return dn_error(t->db, DN_ECORRUPT, "adjacency group of %llu entries, no chunk found",
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
	return counter_set(t, prefix13, had, have + n, false);
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
	uint64_t have;
	bool had;
	if ((rc = counter_get(t, prefix13, &have, &had)))
		return rc;
	if (!had) /* one chunk: the one found */
		have = val.mv_size / ENT;
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
	return counter_set(t, prefix13, had, have - 1, !had);
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

/* --- the transaction's new edges: buffered, sorted, written in runs ------ */

/*
 * New edges' adjacency is not written at once: each entry goes to a buffer
 * in native integers. A full buffer (dn_adj_run_entries, 16 MiB) is sorted and
 * appended as a run to an unlinked file in the database directory; a flush
 * (before adjacency is read or removed in the transaction, and at commit)
 * merges all runs with the buffer and hands each (node, direction, type)
 * group to dn_adj_add_group exactly once — so a bulk load into an empty
 * database writes each adjacency chunk once, in key order.
 */
typedef struct adj_pending {
	uint64_t node, dirtype, nbr, edge; /* dirtype = dir << 32 | type */
} adj_pending;

/* 2^19 entries, 16 MiB a buffer: with two buffers and the sort's scratch
 * a load holds 48 MiB. Twice that made no 1M-edge load faster here and
 * the 10M-edge commit 5-15% faster (fewer runs to merge), for 47 MiB more
 * at the peak of every load that spills; half of it made that commit 25%
 * slower. */
size_t dn_adj_run_entries = (size_t)1 << 19;

static int cmp_pending(const adj_pending *x, const adj_pending *y)
{
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->dirtype != y->dirtype)
		return x->dirtype < y->dirtype ? -1 : 1;
	if (x->nbr != y->nbr)
		return x->nbr < y->nbr ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

static int cmp_pending_q(const void *a, const void *b)
{
	return cmp_pending(a, b);
}

/* Sorts a[0..n) by (node, dirtype, nbr, edge): an LSD radix sort over the
 * bytes that the largest value of each field uses. Entries arrive in
 * increasing edge id, and the sort is stable, so edge order needs no pass.
 * 0 or DN_ENOMEM. */
/* Bits needed to write v (0 for 0). */
static unsigned bits_of(uint64_t v)
{
	return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

typedef struct pending_key {
	uint64_t key;
	uint64_t pos; /* index into the buffer */
} pending_key;

/* sort_pending when (node, dir, type, nbr) packs into `bits` bits: a
 * stable LSD radix sort of (key, position) pairs, up to 12 bits a pass,
 * then one permutation of the entries. */
static int sort_pending_keys(adj_pending *a, size_t n, unsigned nb, unsigned tb, unsigned db, unsigned bits)
{
	pending_key *k = dn_malloc(2 * n * sizeof *k);
	adj_pending *moved = k ? dn_malloc(n * sizeof *moved) : NULL;
	if (!moved) {
		free(k);
		return DN_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t dir = a[i].dirtype >> 32, type = a[i].dirtype & 0xFFFFFFFFu;
		uint64_t key = a[i].nbr | type << nb | dir << (nb + tb);
		if (nb + tb + db < 64)
			key |= a[i].node << (nb + tb + db);
		k[i] = (pending_key){key, i};
	}
	pending_key *src = k, *dst = k + n;
	/* as few passes as digits of at most 12 bits allow */
	unsigned passes = (bits + 11) / 12, digit = passes ? (bits + passes - 1) / passes : 1;
	uint64_t mask = ((uint64_t)1 << digit) - 1;
	static __thread size_t count[4096];
	for (unsigned shift = 0; shift < bits; shift += digit) {
		memset(count, 0, ((size_t)mask + 1) * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & mask]++;
		size_t pos = 0;
		for (uint64_t b = 0; b <= mask; b++) {
			size_t c = count[b];
			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & mask]++] = src[i];
		pending_key *sw = src;
		src = dst;
		dst = sw;
	}
	for (size_t i = 0; i < n; i++)
		moved[i] = a[src[i].pos];
	memcpy(a, moved, n * sizeof *a);
	free(moved);
	free(k);
	return 0;
}

/* Orders the entries of one group by (neighbour, edge). They arrive in
 * edge order, so a stable sort by neighbour is enough: insertion sort for
 * the short groups that most nodes have, an LSD radix sort by neighbour
 * through tmp (room for n entries) for a hub's long ones. */
static void sort_group(adj_pending *g, size_t n, adj_pending *tmp)
{
	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			adj_pending e = g[i];
			size_t j = i;
			while (j && (g[j - 1].nbr > e.nbr || (g[j - 1].nbr == e.nbr && g[j - 1].edge > e.edge))) {
				g[j] = g[j - 1];
				j--;
			}
			g[j] = e;
		}
		return;
	}
	uint64_t lo = UINT64_MAX, hi = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].nbr < lo)
			lo = g[i].nbr;
		if (g[i].nbr > hi)
			hi = g[i].nbr;
	}
	unsigned bits = bits_of(hi - lo), digit = n < 4096 ? 8 : 11;
	size_t count[1u << 11];
	adj_pending *src = g, *dst = tmp;
	for (unsigned shift = 0; shift < bits; shift += digit) {
		size_t buckets = (size_t)1 << digit, pos = 0;
		uint64_t mask = buckets - 1;
		memset(count, 0, buckets * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[((src[i].nbr - lo) >> shift) & mask]++;
		for (size_t b = 0; b < buckets; b++) {
			size_t c = count[b];
			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[((src[i].nbr - lo) >> shift) & mask]++] = src[i];
		adj_pending *sw = src;
		src = dst;
		dst = sw;
	}
	if (src != g)
		memcpy(g, src, n * sizeof *g);
}

/* sort_pending when the (node, dir, type) groups of the buffer number at
 * most a few per entry. Two counting passes, each with a counter table
 * small enough for the cache: the first scatters the entries into
 * buckets of 2^GROUP_LOW consecutive group numbers (into the
 * transaction's scratch buffer), the second places each bucket's entries
 * by group number (back into the buffer); then each group is sorted by
 * neighbour. Groups are short in most graphs, so each entry is read and
 * written about twice, where a radix sort of the whole key makes one pass
 * per 12-bit digit. */
#define GROUP_LOW 14
#define GROUP_BUCKETS_MAX 4096

static int sort_pending_groups(dn_txn *t, adj_pending *a, size_t n, uint64_t min_node, size_t ngroups, unsigned tb,
                               unsigned db)
{
	size_t nb = (ngroups >> GROUP_LOW) + 1;
	int rc;
	t->adjsort.len = 0;
	t->adjcount.len = 0;
	if ((rc = dn_buf_reserve_big(&t->adjsort, n * sizeof *a)) ||
	    (rc = dn_buf_reserve(&t->adjcount, (((size_t)1 << GROUP_LOW) + 1) * sizeof(uint32_t))))
		return rc;
	adj_pending *tmp = (adj_pending *)t->adjsort.p;
	uint32_t *low = (uint32_t *)t->adjcount.p;
	static __thread uint32_t high[GROUP_BUCKETS_MAX + 1];
#define GROUP_OF(e)                                                                                \
	((size_t)(((e)->node - min_node) << (tb + db) | ((e)->dirtype >> 32) << tb |                   \
	          ((e)->dirtype & 0xFFFFFFFFu)))
	memset(high, 0, (nb + 1) * sizeof *high);
	for (size_t i = 0; i < n; i++)
		high[(GROUP_OF(&a[i]) >> GROUP_LOW) + 1]++;
	for (size_t b = 1; b <= nb; b++)
		high[b] += high[b - 1];
	for (size_t i = 0; i < n; i++)
		tmp[high[GROUP_OF(&a[i]) >> GROUP_LOW]++] = a[i];
	/* high[b] is now the end of bucket b */
	size_t mask = ((size_t)1 << GROUP_LOW) - 1;
	for (size_t b = 0, start = 0; b < nb; b++) {
		size_t end = high[b];
		if (end == start)
			continue;
		memset(low, 0, (mask + 2) * sizeof *low);
		for (size_t i = start; i < end; i++)
			low[(GROUP_OF(&tmp[i]) & mask) + 1]++;
		for (size_t g = 1; g <= mask; g++)
			low[g] += low[g - 1];
		for (size_t i = start; i < end; i++)
			a[start + low[GROUP_OF(&tmp[i]) & mask]++] = tmp[i];
		/* low[g] is now the end of group g within the bucket */
		for (size_t g = 0, gs = start; g <= mask && gs < end; g++) {
			size_t ge = start + low[g];
			if (ge - gs > 1) /* the bucket's range of tmp is free now */
				sort_group(a + gs, ge - gs, tmp + gs);
			gs = ge;
		}
		start = end;
	}
#undef GROUP_OF
	return 0;
}

/* Sorts a[0..n), a buffer of the transaction's new entries (the sort's
 * scratch is the transaction's). */
static int sort_pending(dn_txn *t, adj_pending *a, size_t n)
{
	if (n < 2)
		return 0;
	uint64_t max_node = 0, max_dt = 0, max_nbr = 0, min_node = UINT64_MAX, top_node = 0;
	bool edges_sorted = true;
	for (size_t i = 0; i < n; i++) {
		max_node |= a[i].node;
		if (a[i].node < min_node)
			min_node = a[i].node;
		if (a[i].node > top_node)
			top_node = a[i].node;
		max_dt |= a[i].dirtype;
		max_nbr |= a[i].nbr;
		if (i && a[i].edge < a[i - 1].edge)
			edges_sorted = false;
	}
	if (!edges_sorted) { /* not in creation order (a merge of runs): compare */
		qsort(a, n, sizeof *a, cmp_pending_q);
		return 0;
	}
	/* most buffers fit (node, dir, type, neighbour) in one 64-bit key:
	 * sort (key, position) pairs with 11-bit digits, then move the
	 * entries once */
	uint64_t max_type = 0, max_dir = 0;
	for (size_t i = 0; i < n; i++) {
		max_type |= a[i].dirtype & 0xFFFFFFFFu;
		max_dir |= a[i].dirtype >> 32;
	}
	unsigned nb = bits_of(max_nbr), tb = bits_of(max_type), db = bits_of(max_dir), kb = bits_of(max_node);
	/* few groups for the entries: count them into place */
	/* up to 16 group numbers an entry: clearing the counters of the empty
	 * ones costs less than the passes a radix sort would make */
	uint64_t span = top_node - min_node + 1;
	if (tb + db < 16 && span <= (uint64_t)16 * n >> (tb + db) && n <= UINT32_MAX &&
	    (span << (tb + db)) >> GROUP_LOW < GROUP_BUCKETS_MAX)
		return sort_pending_groups(t, a, n, min_node, (size_t)(span << (tb + db)), tb, db);
	if (nb + tb + db + kb <= 64 && n <= UINT32_MAX)
		return sort_pending_keys(a, n, nb, tb, db, nb + tb + db + kb);
	adj_pending *tmp = dn_malloc(n * sizeof *tmp);
	if (!tmp)
		return DN_ENOMEM;
	adj_pending *src = a, *dst = tmp;
	const size_t offs[3] = {offsetof(adj_pending, nbr), offsetof(adj_pending, dirtype),
	                        offsetof(adj_pending, node)};
	const uint64_t maxes[3] = {max_nbr, max_dt, max_node};
	for (int f = 0; f < 3; f++) {
		for (unsigned byte = 0; byte < 8 && (maxes[f] >> (8 * byte)); byte++) {
			size_t count[256] = {0};
			unsigned shift = 8 * byte;
			for (size_t i = 0; i < n; i++) {
				uint64_t v;
				memcpy(&v, (const uint8_t *)&src[i] + offs[f], 8);
				count[(v >> shift) & 0xFF]++;
			}
			size_t pos = 0;
			for (int b = 0; b < 256; b++) {
				size_t c = count[b];
				count[b] = pos;
				pos += c;
			}
			for (size_t i = 0; i < n; i++) {
				uint64_t v;
				memcpy(&v, (const uint8_t *)&src[i] + offs[f], 8);
				dst[count[(v >> shift) & 0xFF]++] = src[i];
			}
			adj_pending *sw = src;
			src = dst;
			dst = sw;
		}
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	return 0;
}

static int spill_join(dn_txn *t);

bool dn_adj_pending(const dn_txn *t)
{
	return t->adj.len || t->adj_bg || t->adj_runs.len;
}

/* Forgets everything buffered (a replay rebuilds it). */
void dn_adj_discard(dn_txn *t)
{
	if (spill_join(t)) /* what it wrote is forgotten with the rest */
		dn_error_clear(t->db);
	t->adj.len = 0;
	t->adj_spill.len = 0;
	t->adj_runs.len = 0;
	if (t->adj_fd > 0 && t->adj_file_len && ftruncate(t->adj_fd - 1, 0) != 0) {
		/* the file is only reused from offset 0: a failed truncate just
		 * leaves blocks that the next runs overwrite */
	}
	t->adj_file_len = 0;
}

void dn_adj_close(dn_txn *t)
{
	(void)spill_join(t);
	if (t->adj_fd > 0)
		close(t->adj_fd - 1);
	t->adj_fd = 0;
}

/*
 * A run is written compactly: each entry of the sorted buffer as varints,
 * relative to the one before it. An entry that starts a (node, dir, type)
 * group is (node delta << 1 | 1), (type << 2 | dir), neighbour, edge; an
 * entry within the group is (neighbour delta << 1), edge. About 8 bytes
 * an entry where the buffer holds 32: the copy into the page cache, which
 * is what a run costs, shrinks fourfold, and so does the read back.
 */
#define RUN_ENT_MAX 40 /* four varints of 10 bytes */
/* a run's record in t->adj_runs: file offset, bytes, entries, and the OR
 * of its ids (nodes and neighbours), of its dirtypes and of its edges */
#define RUN_WORDS 6

/* Sorts b and appends it to the run file as one run; then empties b.
 * Runs in the spill thread (below): no dn_error here, the message goes to
 * t->adj_bg_msg. */
static int spill_write(dn_txn *t, dn_buf *b)
{
	size_t n = b->len / sizeof(adj_pending);
	int rc;
	if ((rc = sort_pending(t, (adj_pending *)b->p, n))) {
		snprintf(t->adj_bg_msg, sizeof t->adj_bg_msg, "out of memory sorting adjacency");
		return rc;
	}
	enum { OUT = 1 << 20 };
	if ((rc = dn_buf_reserve(&t->adjenc, OUT + RUN_ENT_MAX))) {
		snprintf(t->adj_bg_msg, sizeof t->adj_bg_msg, "out of memory");
		return rc;
	}
	const adj_pending *e = (const adj_pending *)b->p;
	adj_pending prev = {0, UINT64_MAX, 0, 0};
	uint64_t start = t->adj_file_len, off = start, or_id = 0, or_dt = 0, or_edge = 0;
	uint8_t *o = t->adjenc.p;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || o - t->adjenc.p >= OUT) {
			size_t len = (size_t)(o - t->adjenc.p);
			int err = dn_pwrite_all(t->adj_fd - 1, t->adjenc.p, len, off);
			if (err) {
				snprintf(t->adj_bg_msg, sizeof t->adj_bg_msg, "adjacency run: %s", strerror(err));
				return DN_EIO;
			}
			off += len;
			o = t->adjenc.p;
			if (i == n)
				break;
		}
		if (e[i].node != prev.node || e[i].dirtype != prev.dirtype) {
			o = dn_varint_put(o, (e[i].node - prev.node) << 1 | 1);
			o = dn_varint_put(o, (e[i].dirtype & 0xFFFFFFFFu) << 2 | e[i].dirtype >> 32);
			o = dn_varint_put(o, e[i].nbr);
		} else {
			o = dn_varint_put(o, (e[i].nbr - prev.nbr) << 1);
		}
		o = dn_varint_put(o, e[i].edge);
		or_id |= e[i].node | e[i].nbr;
		or_dt |= e[i].dirtype;
		or_edge |= e[i].edge;
		prev = e[i];
	}
	uint64_t run[RUN_WORDS] = {start, off - start, n, or_id, or_dt, or_edge};
	if ((rc = dn_buf_put(&t->adj_runs, run, sizeof run))) {
		snprintf(t->adj_bg_msg, sizeof t->adj_bg_msg, "out of memory");
		return rc;
	}
	t->adj_file_len = off;
	b->len = 0;
	return 0;
}

static void *spill_main(void *arg)
{
	dn_txn *t = arg;
	t->adj_bg_rc = spill_write(t, &t->adj_spill);
	return NULL;
}

/* Waits for the spill thread, if one runs, and returns its result. Every
 * reader of the runs, the run file or the sort's scratch calls this first. */
static int spill_join(dn_txn *t)
{
	if (!t->adj_bg)
		return 0;
	pthread_join(t->adj_bg_thread, NULL);
	t->adj_bg = false;
	int rc = t->adj_bg_rc;
	t->adj_bg_rc = 0;
	return rc ? dn_error(t->db, rc, "%s", t->adj_bg_msg) : 0;
}

/*
 * A full buffer becomes a run. The sort and the write of a run happen in
 * a thread of their own while the writer fills the other buffer, so on a
 * machine with a core to spare a bulk load does not wait for them; the
 * next spill or flush waits for the previous one. Returns 1 when there is
 * no run file to be had (the caller then writes to LMDB instead).
 */
static int spill_run(dn_txn *t)
{
	int rc;
	if (t->adj_fd <= 0) {
		int fd = open(t->db->path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (fd < 0)
			return 1;
		t->adj_fd = fd + 1;
	}
	if ((rc = spill_join(t)))
		return rc;
	dn_buf full = t->adj;
	t->adj = t->adj_spill;
	t->adj.len = 0;
	t->adj_spill = full;
	if (pthread_create(&t->adj_bg_thread, NULL, spill_main, t) == 0) {
		t->adj_bg = true;
		return 0;
	}
	/* no thread to be had: do it here */
	if ((rc = spill_write(t, &t->adj_spill)))
		return dn_error(t->db, rc, "%s", t->adj_bg_msg);
	return 0;
}

int dn_adj_buffer_add(dn_txn *t, dn_id src, dn_id dst, uint32_t type, dn_id edge)
{
	int rc;
	/* a full buffer becomes a run when more comes, not when it fills: the
	 * buffer that a commit finds full is then merged from memory, not
	 * written out and read back */
	if (t->adj.len && t->adj.len + 2 * sizeof(adj_pending) > dn_adj_run_entries * sizeof(adj_pending)) {
		rc = spill_run(t);
		if (rc == 1) /* no run file: write what we have now */
			rc = t->replaying ? 0 : dn_adj_flush(t);
		if (rc)
			return rc;
	}
	if (t->adj.len + 2 * sizeof(adj_pending) > t->adj.cap) {
		/* past 1 MiB this is a bulk load: take the whole run's buffer at once */
		size_t run = dn_adj_run_entries * sizeof(adj_pending);
		rc = t->adj.cap >= ((size_t)1 << 20) && run > t->adj.cap ? dn_buf_reserve_big(&t->adj, run)
		                                                          : dn_buf_reserve(&t->adj, 2 * sizeof(adj_pending));
		if (rc)
			return rc;
	}
	adj_pending *p = (adj_pending *)(t->adj.p + t->adj.len);
	p[0] = (adj_pending){src, (uint64_t)DN_OUT << 32 | type, dst, edge};
	p[1] = (adj_pending){dst, (uint64_t)DN_IN << 32 | type, src, edge};
	t->adj.len += 2 * sizeof(adj_pending);
	t->changed = true;
	return 0;
}

/* Emits one (node, dirtype) group to the chunks. tail: the group prefix
 * of the last chunk stored before the flush began (NULL: none); groups come
 * in increasing order, so one past it has nothing stored to merge with. */
static int emit_group(dn_txn *t, const adj_pending *first, const uint8_t *vals, size_t n, const uint8_t *tail)
{
	uint8_t prefix[DN_ADJ_KEY_LEN];
	dn_key_put_u64(prefix, first->node);
	prefix[8] = (uint8_t)(first->dirtype >> 32);
	dn_key_put_u32(prefix + 9, (uint32_t)first->dirtype);
	return dn_adj_add_group(t, prefix, vals, n, !tail || memcmp(prefix, tail, DN_ADJ_KEY_LEN) > 0);
}

/* A k-way merge over the runs and the (sorted) buffer: a tournament tree
 * of sources ordered by each one's current entry. Runs are read through a
 * small buffer each (pread), so memory stays flat whatever their number. */
#define RUN_READ 2048   /* entries decoded per refill: 64 KiB */
#define RUN_RAW 16384   /* bytes read per pread */

typedef struct merge_src {
	const adj_pending *cur, *end;
	adj_pending *buf;   /* NULL for the in-memory buffer */
	uint8_t *raw;       /* run bytes read, raw[rpos..rlen) not yet decoded */
	size_t rpos, rlen;
	uint64_t off, bytes_left, left; /* next file offset, bytes and entries unread */
	adj_pending prev;   /* the last entry decoded */
} merge_src;

/* Decodes up to RUN_READ entries of a run into m->buf. It may run in the
 * merging thread: a failure is told in msg, not through dn_error. */
static int src_refill(int fd, merge_src *m, char *msg, size_t msg_len)
{
	size_t n = 0;
	while (n < RUN_READ && m->left) {
		if (m->rlen - m->rpos < RUN_ENT_MAX && m->bytes_left) {
			/* keep the undecoded tail, read more after it */
			memmove(m->raw, m->raw + m->rpos, m->rlen - m->rpos);
			m->rlen -= m->rpos;
			m->rpos = 0;
			size_t want = RUN_RAW + RUN_ENT_MAX - m->rlen;
			if (want > m->bytes_left)
				want = (size_t)m->bytes_left;
			size_t got = 0;
			while (got < want) {
				ssize_t r = pread(fd, m->raw + m->rlen + got, want - got, (off_t)(m->off + got));
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0) {
					snprintf(msg, msg_len, "adjacency runs: %s", r < 0 ? strerror(errno) : "short read");
					return DN_EIO;
				}
				got += (size_t)r;
			}
			m->off += got;
			m->bytes_left -= got;
			m->rlen += got;
		}
		const uint8_t *p = m->raw + m->rpos, *end = m->raw + m->rlen;
		adj_pending e = m->prev;
		uint64_t h, v;
		size_t k;
		if (!(k = dn_varint_get(p, end, &h)))
			goto bad;
		p += k;
		if (h & 1) {
			e.node += h >> 1;
			if (!(k = dn_varint_get(p, end, &v)))
				goto bad;
			p += k;
			e.dirtype = (v & 3) << 32 | v >> 2;
			if (!(k = dn_varint_get(p, end, &e.nbr)))
				goto bad;
			p += k;
		} else {
			e.nbr += h >> 1;
		}
		if (!(k = dn_varint_get(p, end, &e.edge)))
			goto bad;
		p += k;
		m->rpos = (size_t)(p - m->raw);
		m->buf[n++] = e;
		m->prev = e;
		m->left--;
	}
	m->cur = m->buf;
	m->end = m->buf + n;
	return 0;
bad:
	snprintf(msg, msg_len, "adjacency runs: damaged run");
	return DN_EIO;
}

/* Whether entry x comes before y, without branches: the outcome is a coin
 * toss for a merge, and a mispredicted branch per field would cost more
 * than comparing all four. */
static inline bool ent_before(const adj_pending *x, const adj_pending *y)
{
	bool lt = x->edge < y->edge;
	lt = (x->nbr < y->nbr) | ((x->nbr == y->nbr) & lt);
	lt = (x->dirtype < y->dirtype) | ((x->dirtype == y->dirtype) & lt);
	return (x->node < y->node) | ((x->node == y->node) & lt);
}

/* The head of a source with nothing left: after every entry (a real
 * dirtype is dir << 32 | type, far below this). */
static const adj_pending ENT_END = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};

/* The merge of a flush: its sources and their tournament tree. */
typedef struct mkey {
	uint64_t hi, lo;
} mkey;

typedef struct merger {
	int fd;             /* the run file */
	merge_src *src;
	size_t nsrc, *tree; /* tree: 3 * nsrc, the second part build scratch */
	/* each source's current entry: as two words when every id of the
	 * flush fits (packed), hi = (node, dir, type) and lo = (neighbour,
	 * edge), else as the four fields */
	bool packed;
	unsigned sh_node, sh_dir, sh_nbr;
	mkey *key;
	adj_pending *head;
	char msg[256];      /* what failed, when a call returns DN_EIO */
} merger;

static const mkey KEY_END = {UINT64_MAX, UINT64_MAX}; /* a real hi is below 2^63 */

bool dn_adj_merge_packed = true;

static inline void set_head(merger *mg, size_t s)
{
	const merge_src *m = &mg->src[s];
	const adj_pending *e = m->cur;
	if (!mg->packed)
		mg->head[s] = e < m->end ? *e : ENT_END;
	else if (e < m->end)
		mg->key[s] = (mkey){e->node << mg->sh_node | (e->dirtype >> 32) << mg->sh_dir | (e->dirtype & 0xFFFFFFFFu),
		                    e->nbr << mg->sh_nbr | e->edge};
	else
		mg->key[s] = KEY_END;
}

/* Whether source a's head comes before source b's. */
static inline bool src_before(const merger *mg, size_t a, size_t b)
{
	if (!mg->packed)
		return ent_before(&mg->head[a], &mg->head[b]);
	const mkey *x = &mg->key[a], *y = &mg->key[b];
	return (x->hi < y->hi) | ((x->hi == y->hi) & (x->lo < y->lo));
}

/* Packs the merge's heads into two words when every id fits: nodes and
 * neighbours in nb bits, the type in tb, the direction in 2, edges in eb. */
static void merger_pack(merger *mg, uint64_t or_id, uint64_t or_dt, uint64_t or_edge)
{
	unsigned nb = bits_of(or_id), tb = bits_of(or_dt & 0xFFFFFFFFu), eb = bits_of(or_edge);
	mg->packed = dn_adj_merge_packed && (or_dt >> 32) <= 3 && nb + 2 + tb <= 63 && nb + eb <= 64 && eb < 64;
	mg->sh_dir = tb;
	mg->sh_node = tb + 2;
	mg->sh_nbr = eb;
}

/*
 * A tournament tree of losers over the k sources: tree[0] is the source
 * whose head comes first, tree[1..k) the loser of the match at each inner
 * node (node n's children are 2n and 2n + 1; source i is leaf k + i).
 * When the winner moves on, the matches on the way from its leaf to the
 * root are replayed: log2(k) comparisons per entry, on copies that sit
 * together, and the path is known before the first comparison, so its
 * loads do not wait on one another.
 */
static void tree_build(merger *mg)
{
	size_t k = mg->nsrc, *tree = mg->tree, *win = mg->tree + k;
	for (size_t i = 0; i < k; i++)
		win[k + i] = i;
	for (size_t n = k; n-- > 1;) {
		size_t a = win[2 * n], b = win[2 * n + 1];
		bool first = !src_before(mg, b, a);
		win[n] = first ? a : b;
		tree[n] = first ? b : a;
	}
	tree[0] = k > 1 ? win[1] : 0;
}

/* a where m is all ones, b where it is zero */
static inline uint64_t pick(uint64_t m, uint64_t a, uint64_t b)
{
	return (a & m) | (b & ~m);
}

/* The winner's head rides up in registers: each level loads only the
 * loser it meets, whose place in the tree is known in advance, and the
 * match is settled with masks, as a branch would be a coin toss. Called
 * with a constant `packed`, so that each form compiles without the other. */
static inline __attribute__((always_inline)) void tree_replay_as(merger *mg, bool packed)
{
	size_t k = mg->nsrc, *tree = mg->tree;
	uint64_t w = tree[0];
	mkey wk = packed ? mg->key[w] : KEY_END;
	adj_pending we = packed ? ENT_END : mg->head[w];
	for (size_t n = (w + k) / 2; n >= 1; n /= 2) {
		uint64_t l = tree[n], m;
		if (packed) {
			mkey lk = mg->key[l];
			m = (uint64_t)0 - (uint64_t)((lk.hi < wk.hi) | ((lk.hi == wk.hi) & (lk.lo < wk.lo)));
			wk.hi = pick(m, lk.hi, wk.hi);
			wk.lo = pick(m, lk.lo, wk.lo);
		} else {
			adj_pending le = mg->head[l];
			m = (uint64_t)0 - (uint64_t)ent_before(&le, &we);
			we.node = pick(m, le.node, we.node);
			we.dirtype = pick(m, le.dirtype, we.dirtype);
			we.nbr = pick(m, le.nbr, we.nbr);
			we.edge = pick(m, le.edge, we.edge);
		}
		tree[n] = pick(m, w, l);
		w = pick(m, l, w);
	}
	tree[0] = w;
}

static void tree_replay(merger *mg)
{
	if (mg->packed)
		tree_replay_as(mg, true);
	else
		tree_replay_as(mg, false);
}

/* Appends the merge's next (node, dir, type) group to out: its (neighbour,
 * edge) pairs, big-endian, with the group's first entry in *first. *n is
 * the number of entries, 0 once the merge is done. 0 or an error code,
 * told in mg->msg. */
static int merge_group(merger *mg, adj_pending *first, dn_buf *out, size_t *n)
{
	merge_src *m = &mg->src[mg->tree[0]];
	*n = 0;
	if (m->cur == m->end)
		return 0; /* the first source has nothing left: none has */
	*first = *m->cur;
	for (;;) {
		const adj_pending *e = m->cur;
		if (e == m->end || e->node != first->node || e->dirtype != first->dirtype)
			return 0;
		if (out->len + DN_ADJ_VAL_LEN > out->cap && dn_buf_reserve(out, DN_ADJ_VAL_LEN)) {
			snprintf(mg->msg, sizeof mg->msg, "out of memory");
			return DN_ENOMEM;
		}
		dn_key_put_u64(out->p + out->len, e->nbr);
		dn_key_put_u64(out->p + out->len + 8, e->edge);
		out->len += DN_ADJ_VAL_LEN;
		++*n;
		int rc;
		if (++m->cur == m->end && m->buf && m->left && (rc = src_refill(mg->fd, m, mg->msg, sizeof mg->msg)))
			return rc;
		set_head(mg, mg->tree[0]);
		tree_replay(mg);
		m = &mg->src[mg->tree[0]];
	}
}

/*
 * With runs to merge, the merge runs in a thread of its own and hands the
 * writer blocks of whole groups, so that choosing the next entry and
 * writing chunks into LMDB overlap. A block is a sequence of groups, each
 * (node u64, dirtype u64, n u64) in native order and then its n pairs.
 * The writer takes the blocks in order; either side may stop the other.
 */
#define PIPE_BLOCKS 4
#define PIPE_BLOCK ((size_t)1 << 20)
#define PIPE_HEAD (3 * sizeof(uint64_t))

typedef struct merge_pipe {
	merger *mg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	dn_buf block[PIPE_BLOCKS];
	bool full[PIPE_BLOCKS];
	bool done, stop; /* done: the merge is over (rc says how); stop: the writer gave up */
	int rc;
} merge_pipe;

static void *pipe_main(void *arg)
{
	merge_pipe *pp = arg;
	int rc = 0;
	size_t i = 0;
	bool more = true;
	while (more) {
		pthread_mutex_lock(&pp->mu);
		while (pp->full[i] && !pp->stop)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool stop = pp->stop;
		pthread_mutex_unlock(&pp->mu);
		if (stop)
			break;
		dn_buf *b = &pp->block[i];
		b->len = 0;
		while (b->len < PIPE_BLOCK) {
			adj_pending first;
			size_t n, at = b->len;
			if ((rc = dn_buf_reserve(b, PIPE_HEAD))) {
				snprintf(pp->mg->msg, sizeof pp->mg->msg, "out of memory");
				break;
			}
			b->len += PIPE_HEAD;
			if ((rc = merge_group(pp->mg, &first, b, &n)))
				break;
			if (!n) {
				b->len = at;
				more = false;
				break;
			}
			uint64_t h[3] = {first.node, first.dirtype, n};
			memcpy(b->p + at, h, sizeof h);
		}
		if (rc)
			break;
		pthread_mutex_lock(&pp->mu);
		if (b->len)
			pp->full[i] = true;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		i = (i + 1) % PIPE_BLOCKS;
	}
	pthread_mutex_lock(&pp->mu);
	pp->rc = rc;
	pp->done = true;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
	return NULL;
}

/* Writes the merged groups as the merging thread hands them over. */
static int pipe_consume(dn_txn *t, merge_pipe *pp, const uint8_t *tail)
{
	int rc = 0;
	for (size_t i = 0;; i = (i + 1) % PIPE_BLOCKS) {
		pthread_mutex_lock(&pp->mu);
		while (!pp->full[i] && !pp->done)
			pthread_cond_wait(&pp->cv, &pp->mu);
		bool have = pp->full[i];
		pthread_mutex_unlock(&pp->mu);
		if (!have)
			return 0; /* done, and every full block written */
		const uint8_t *p = pp->block[i].p, *end = p + pp->block[i].len;
		while (p < end && !rc) {
			uint64_t h[3];
			memcpy(h, p, sizeof h);
			adj_pending first = {h[0], h[1], 0, 0};
			rc = emit_group(t, &first, p + PIPE_HEAD, (size_t)h[2], tail);
			p += PIPE_HEAD + h[2] * DN_ADJ_VAL_LEN;
		}
		if (rc)
			return rc;
		pthread_mutex_lock(&pp->mu);
		pp->full[i] = false;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
}

/* Merges with the groups handed over by a thread; 1 if no thread could be
 * had (the caller merges alone). */
static int merge_piped(dn_txn *t, merger *mg, const uint8_t *tail)
{
	merge_pipe pp = {.mg = mg};
	pthread_t th;
	if (pthread_mutex_init(&pp.mu, NULL))
		return 1;
	if (pthread_cond_init(&pp.cv, NULL)) {
		pthread_mutex_destroy(&pp.mu);
		return 1;
	}
	int rc = 1;
	if (pthread_create(&th, NULL, pipe_main, &pp) == 0) {
		rc = pipe_consume(t, &pp, tail);
		pthread_mutex_lock(&pp.mu);
		pp.stop = true; /* a writer that failed stops the merge */
		pthread_cond_broadcast(&pp.cv);
		pthread_mutex_unlock(&pp.mu);
		pthread_join(th, NULL);
		if (!rc && pp.rc)
			rc = dn_error(t->db, pp.rc, "%s", mg->msg);
	}
	for (int i = 0; i < PIPE_BLOCKS; i++)
		dn_buf_free(&pp.block[i]);
	pthread_cond_destroy(&pp.cv);
	pthread_mutex_destroy(&pp.mu);
	return rc;
}

/* Merges alone: group by group into the chunks. */
static int merge_inline(dn_txn *t, merger *mg, const uint8_t *tail)
{
	dn_buf *vals = &t->adjvals;
	for (;;) {
		adj_pending first;
		size_t n;
		int rc;
		vals->len = 0;
		if ((rc = merge_group(mg, &first, vals, &n)))
			return dn_error(t->db, rc, "%s", mg->msg);
		if (!n)
			return 0;
		if ((rc = emit_group(t, &first, vals->p, n, tail)))
			return rc;
	}
}

int dn_adj_flush(dn_txn *t)
{
	int rc = spill_join(t);
	if (rc)
		return rc;
	size_t nruns = t->adj_runs.len / (RUN_WORDS * sizeof(uint64_t));
	size_t nbuf = t->adj.len / sizeof(adj_pending);
	if (!nruns && !nbuf)
		return 0;
	if (sort_pending(t, (adj_pending *)t->adj.p, nbuf))
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	size_t nsrc = nruns + 1;
	merger mg = {.fd = t->adj_fd - 1, .nsrc = nsrc};
	mg.src = dn_calloc(nsrc, sizeof *mg.src);
	mg.tree = dn_calloc(3 * nsrc, sizeof *mg.tree);
	mg.head = dn_malloc(nsrc * sizeof *mg.head);
	mg.key = dn_malloc(nsrc * sizeof *mg.key);
	rc = 0;
	if (!mg.src || !mg.tree || !mg.head || !mg.key) {
		rc = dn_error(t->db, DN_ENOMEM, "out of memory");
		goto out;
	}
	const uint64_t *runs = (const uint64_t *)t->adj_runs.p;
	uint64_t or_id = 0, or_dt = 0, or_edge = 0;
	for (size_t r = 0; r < nruns; r++) {
		or_id |= runs[RUN_WORDS * r + 3];
		or_dt |= runs[RUN_WORDS * r + 4];
		or_edge |= runs[RUN_WORDS * r + 5];
	}
	for (const adj_pending *e = (const adj_pending *)t->adj.p, *end = e + nbuf; e < end; e++) {
		or_id |= e->node | e->nbr;
		or_dt |= e->dirtype;
		or_edge |= e->edge;
	}
	merger_pack(&mg, or_id, or_dt, or_edge);
	for (size_t r = 0; r < nsrc; r++) {
		merge_src *m = &mg.src[r];
		if (r < nruns) {
			m->buf = dn_malloc(RUN_READ * sizeof(adj_pending));
			m->raw = dn_malloc(RUN_RAW + 2 * RUN_ENT_MAX);
			if (!m->buf || !m->raw) {
				rc = dn_error(t->db, DN_ENOMEM, "out of memory");
				goto out;
			}
			const uint64_t *run = runs + RUN_WORDS * r;
			m->off = run[0];
			m->bytes_left = run[1];
			m->left = run[2];
			m->prev = (adj_pending){0, UINT64_MAX, 0, 0};
			if ((rc = src_refill(mg.fd, m, mg.msg, sizeof mg.msg))) {
				rc = dn_error(t->db, rc, "%s", mg.msg);
				goto out;
			}
		} else {
			m->cur = (const adj_pending *)t->adj.p;
			m->end = m->cur + nbuf;
		}
		set_head(&mg, r);
	}
	tree_build(&mg);
	uint8_t tail_key[DN_ADJ_KEY_LEN], *tail = NULL;
	{
		MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
		MDB_val lk, lv;
		int lrc = c ? mdb_cursor_get(c, &lk, &lv, MDB_LAST) : EINVAL;
		if (lrc == 0 && lk.mv_size >= DN_ADJ_KEY_LEN) {
			memcpy(tail_key, lk.mv_data, DN_ADJ_KEY_LEN);
			tail = tail_key;
		} else if (lrc != MDB_NOTFOUND) {
			rc = lrc < 0 ? lrc : dn_error_lmdb(t->db, lrc, "adjacency");
			goto out;
		}
	}
	rc = nruns ? merge_piped(t, &mg, tail) : 1;
	if (rc == 1)
		rc = merge_inline(t, &mg, tail);
	if (!rc)
		dn_adj_discard(t);
out:
	for (size_t r = 0; mg.src && r < nsrc; r++) {
		free(mg.src[r].buf);
		free(mg.src[r].raw);
	}
	free(mg.src);
	free(mg.tree);
	free(mg.head);
	free(mg.key);
	return rc;
}

int dn_adj_sync(dn_txn *t)
{
	while (dn_adj_pending(t)) {
		int rc = dn_adj_flush(t);
		if (rc == 0)
			return 0;
		if (rc == DN_EMAPFULL_INTERNAL) {
			/* grow, replay (which buffers the entries again), flush again */
			rc = dn_txn_finish_write(t, rc, dn_journal_mark(t));
			if (rc == DN_RETRY_INTERNAL)
				continue;
			return rc;
		}
		/* undo the half-written flush: the replay rebuilds the buffer */
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", dn_errmsg(t->db));
		int rrc = dn_txn_replay(t);
		if (rrc)
			return rrc;
		return dn_error(t->db, rc, "%s", msg);
	}
	return 0;
}
