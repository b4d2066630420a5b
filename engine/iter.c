/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iter.c — iterators over nodes, edges, label members, a node's adjacency
 * and index ranges, plus the counts. Duplicate runs (adjacency, labels,
 * index entries) are read a page at a time with MDB_GET_MULTIPLE and copied
 * out, so a scan costs a memcpy per page and stays valid while the same
 * transaction writes. Restricted and as-of transactions take a filtering
 * path: each element is checked through dn_node_read / dn_edge_read, so
 * what a reader may not see never reaches the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "iter.h"
#include "keys.h"

/* --- the duplicate-run scanner ---------------------------------------- */

int dn_scan_open(dn_txn *t, dn_scan *s, int dbi, size_t item)
{
	if (s->c && s->dbi != dbi) {
		mdb_cursor_close(s->c);
		s->c = NULL;
	}
	memset(&s->item, 0, offsetof(dn_scan, prefix) - offsetof(dn_scan, item));
	s->item = item;
	s->dbi = dbi;
	s->chunked = dbi == DBI_ADJ;
	if (!s->c) {
		int rc = mdb_cursor_open(t->txn, t->db->dbi[dbi], &s->c);
		if (rc) {
			s->c = NULL;
			return dn_error_lmdb(t->db, rc, "cursor");
		}
	}
	return 0;
}

/* Closes the cursor and frees the buffer. */
void dn_scan_close(dn_scan *s)
{
	if (s->c)
		mdb_cursor_close(s->c);
	s->c = NULL;
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

/* Positions at the first key >= start whose bytes begin with prefix. */
void dn_scan_seek(dn_scan *s, const uint8_t *start, size_t start_len, size_t prefix_len)
{
	memcpy(s->key, start, start_len);
	s->key_len = start_len;
	s->prefix_len = prefix_len;
	s->state = 0;
	s->n = s->i = 0;
}

static bool key_in_range(dn_scan *s, const MDB_val *k)
{
	if (k->mv_size < s->prefix_len || memcmp(k->mv_data, s->prefix, s->prefix_len))
		return false;
	if (s->exact && (k->mv_size != s->exact_len || memcmp(k->mv_data, s->prefix, s->exact_len)))
		return false;
	if (s->end_len) {
		size_t n = k->mv_size < s->end_len ? k->mv_size : s->end_len;
		int c = memcmp(k->mv_data, s->end, n);
		if (c > 0 || (c == 0 && !s->end_prefix && k->mv_size > s->end_len))
			return false;
	}
	return true;
}

static int take_batch(dn_txn *t, dn_scan *s, MDB_val *k, MDB_val *v)
{
	if (v->mv_size % s->item)
		return dn_error(t->db, DN_ECORRUPT, "index entry of wrong size");
	if (v->mv_size > s->cap) {
		uint8_t *p = dn_realloc(s->buf, v->mv_size);
		if (!p)
			return dn_error(t->db, DN_ENOMEM, "out of memory");
		s->buf = p;
		s->cap = v->mv_size;
	}
	memcpy(s->buf, v->mv_data, v->mv_size);
	s->n = v->mv_size / s->item;
	s->i = 0;
	if (k && k->mv_size <= sizeof s->cur_key) {
		memcpy(s->cur_key, k->mv_data, k->mv_size);
		s->cur_key_len = k->mv_size;
	}
	return 0;
}

/* LMDB's order of keys (bytes, then length). */
static int key_cmp(const MDB_val *a, const MDB_val *b)
{
	size_t n = a->mv_size < b->mv_size ? a->mv_size : b->mv_size;
	int c = memcmp(a->mv_data, b->mv_data, n);
	return c ? c : a->mv_size < b->mv_size ? -1 : a->mv_size > b->mv_size;
}

/* The first key >= want for cursor cur, and the scan's start below. An
 * adjacency cursor that a read
 * transaction's last scan left near it (nodes visited in id order, as a
 * label scan gives them: the last scan stopped on the key after its
 * group) steps there instead of searching; a search compares keys along
 * the page, a step does not. */
static int cursor_seek_near(MDB_cursor *cur, const MDB_val *want, MDB_val *k, MDB_val *v)
{
	MDB_val pk, pv;
	int c;
	if (mdb_cursor_get(cur, k, v, MDB_GET_CURRENT) == 0) {
		if ((c = key_cmp(k, want)) < 0) {
			for (int step = 0; step < 4; step++) {
				int rc = mdb_cursor_get(cur, k, v, MDB_NEXT);
				if (rc || key_cmp(k, want) >= 0)
					return rc;
			}
		} else if (c == 0) {
			return 0;
		} else {
			/* here already when the key before lies below the start */
			int rc = mdb_cursor_get(cur, &pk, &pv, MDB_PREV);
			if (rc == MDB_NOTFOUND || (rc == 0 && key_cmp(&pk, want) < 0))
				return mdb_cursor_get(cur, k, v, rc ? MDB_FIRST : MDB_NEXT);
		}
	}
	*k = *want;
	return mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
}

static int scan_set_range(dn_txn *t, dn_scan *s, MDB_val *k, MDB_val *v)
{
	MDB_val want = {s->key_len, s->key};
	if (s->chunked && t->rdonly)
		return cursor_seek_near(s->c, &want, k, v);
	*k = want;
	return mdb_cursor_get(s->c, k, v, MDB_SET_RANGE);
}

/* Next item: DN_ROW with *item pointing into the scanner's copy. */
int dn_scan_next(dn_txn *t, dn_scan *s, const uint8_t **item)
{
	MDB_val k, v;
	int rc;
	for (;;) {
		if (s->i < s->n) {
			*item = s->buf + s->i * s->item;
			s->i++;
			return DN_ROW;
		}
		if (s->state == 2)
			return DN_DONE;
		if (s->state == 0) {
			rc = scan_set_range(t, s, &k, &v);
		} else if (s->chunked) {
			rc = mdb_cursor_get(s->c, &k, &v, MDB_NEXT);
		} else {
			rc = mdb_cursor_get(s->c, &k, &v, MDB_NEXT_MULTIPLE);
			if (rc == 0) {
				if ((rc = take_batch(t, s, NULL, &v)))
					return rc;
				continue;
			}
			if (rc != MDB_NOTFOUND)
				return dn_error_lmdb(t->db, rc, "scan");
			rc = mdb_cursor_get(s->c, &k, &v, MDB_NEXT_NODUP);
		}
		if (rc == MDB_NOTFOUND || (rc == 0 && !key_in_range(s, &k))) {
			s->state = 2;
			return DN_DONE;
		}
		if (rc)
			return dn_error_lmdb(t->db, rc, "scan");
		s->state = 1;
		/* a chunk is a batch as it is; for duplicates, v holds the first
		 * item and GET_MULTIPLE widens it to a page when the key has
		 * several (and leaves it alone when it has one) */
		if (!s->chunked && (rc = mdb_cursor_get(s->c, &k, &v, MDB_GET_MULTIPLE)))
			return dn_error_lmdb(t->db, rc, "scan");
		if ((rc = take_batch(t, s, &k, &v)))
			return rc;
	}
}

/* --- iterators -------------------------------------------------------- */

int dn_iter_new(dn_txn *t, int kind, dn_iter **out)
{
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	dn_iter *it = t->iter_free;
	if (it) {
		t->iter_free = it->next_free;
		t->niter_free--;
	} else {
		it = dn_calloc(1, sizeof *it);
		if (!it)
			return dn_error(t->db, DN_ENOMEM, "out of memory");
		it->t = t;
		it->next_all = t->iters;
		t->iters = it;
	}
	memset(&it->kind, 0, offsetof(dn_iter, scan) - offsetof(dn_iter, kind));
	it->kind = kind;
	it->in_use = true;
	it->scan.state = it->hscan.state = 2; /* nothing until opened */
	t->open_iters++;
	*out = it;
	return 0;
}

static void iter_destroy(dn_iter *it)
{
	dn_scan_close(&it->scan);
	dn_scan_close(&it->hscan);
	if (it->cur)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
}

void dn_iter_free(dn_iter *it)
{
	if (!it || !it->in_use)
		return;
	dn_txn *t = it->t;
	if (!t) { /* freed after its transaction ended (dn_iters_free_all) */
		dn_value_free(&it->lo);
		dn_value_free(&it->hi);
		iter_destroy(it);
		free(it);
		return;
	}
	dn_value_free(&it->lo);
	dn_value_free(&it->hi);
	it->in_use = false;
	t->open_iters--;
	if (it->stale) { /* its cursors are gone: drop its buffers too */
		free(it->scan.buf);
		free(it->hscan.buf);
		it->scan.buf = it->hscan.buf = NULL;
		it->scan.cap = it->hscan.cap = 0;
	}
	it->next_free = t->iter_free;
	t->iter_free = it;
	t->niter_free++;
}

void dn_iters_detach(dn_txn *t)
{
	for (dn_iter *it = t->iters; it; it = it->next_all) {
		if (it->scan.c)
			mdb_cursor_close(it->scan.c);
		if (it->hscan.c)
			mdb_cursor_close(it->hscan.c);
		it->scan.c = it->hscan.c = NULL;
		if (it->cur)
			mdb_cursor_close(it->cur);
		it->cur = NULL;
		if (it->in_use)
			it->stale = true;
	}
}

void dn_iters_free_all(dn_txn *t)
{
	dn_iter *it = t->iters;
	while (it) {
		dn_iter *n = it->next_all;
		if (!it->in_use) {
			iter_destroy(it);
			free(it);
		} else {
			/* still in use after its transaction (a statement's
			 * cursor freed after the commit): a late dn_iter_free
			 * frees it alone */
			it->stale = true;
			it->t = NULL;
		}
		it = n;
	}
	t->iters = t->iter_free = NULL;
	t->niter_free = 0;
}

static int stale(dn_iter *it)
{
	return dn_error(it->t->db, DN_ETXN,
	                "iterator invalidated: the transaction was re-applied after the map grew");
}

static int open_plain_cursor(dn_iter *it, int dbi)
{
	if (it->cur && it->cur_dbi == dbi)
		return 0;
	if (it->cur)
		mdb_cursor_close(it->cur);
	it->cur = NULL;
	int rc = mdb_cursor_open(it->t->txn, it->t->db->dbi[dbi], &it->cur);
	if (rc) {
		it->cur = NULL;
		return dn_error_lmdb(it->t->db, rc, "cursor");
	}
	it->cur_dbi = dbi;
	return 0;
}

int dn_nodes_all(dn_txn *t, dn_iter **out)
{
	int rc = dn_iter_new(t, t->as_of ? IT_ASOF_NODES : IT_NODES, out);
	if (rc)
		return rc;
	(*out)->next_id = 1;
	if (!t->as_of && (rc = open_plain_cursor(*out, DBI_NODES))) {
		dn_iter_free(*out);
		*out = NULL;
	}
	return rc;
}

int dn_edges_all(dn_txn *t, dn_iter **out)
{
	int rc = dn_iter_new(t, t->as_of ? IT_ASOF_EDGES : IT_EDGES, out);
	if (rc)
		return rc;
	(*out)->next_id = 1;
	if (!t->as_of && (rc = open_plain_cursor(*out, DBI_EDGES))) {
		dn_iter_free(*out);
		*out = NULL;
	}
	return rc;
}

int dn_nodes_by_label(dn_txn *t, const char *label, dn_iter **out)
{
	uint32_t lid;
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	if (!label)
		return dn_error(t->db, DN_EINVAL, "no label given");
	rc = dn_tok_lookup(t, DN_TOKEN_LABEL, label, strlen(label), &lid);
	if (rc == DN_ENOTFOUND)
		return dn_iter_new(t, IT_EMPTY, out);
	if (rc)
		return rc;
	if (t->as_of) {
		if ((rc = dn_iter_new(t, IT_ASOF_NODES, out)))
			return rc;
		(*out)->next_id = 1;
		(*out)->has_label = true;
		(*out)->label = lid;
		return 0;
	}
	if ((rc = dn_iter_new(t, IT_LABEL, out)))
		return rc;
	dn_iter *it = *out;
	if ((rc = dn_scan_open(t, &it->scan, DBI_LABELS, 8))) {
		dn_iter_free(it);
		*out = NULL;
		return rc;
	}
	uint8_t key[4];
	dn_key_put_u32(key, lid);
	memcpy(it->scan.prefix, key, 4);
	it->scan.exact = true;
	it->scan.exact_len = 4;
	dn_scan_seek(&it->scan, key, 4, 4);
	return 0;
}

/* Points a scanner at a node's adjacency in one direction; with `sweep`,
 * at both directions in one pass (OUT and IN keys of a node are adjacent,
 * so one seek serves both when no type is asked for). */
static void adj_seek(dn_iter *it, dn_scan *s, uint8_t dir, bool sweep)
{
	uint8_t k[DN_ADJ_KEY_LEN];
	size_t plen = sweep ? 8 : it->has_type ? DN_ADJ_KEY_LEN : 9;
	dn_key_put_u64(k, it->node);
	k[8] = dir;
	dn_key_put_u32(k + 9, it->has_type ? it->type : 0);
	memcpy(s->prefix, k, plen);
	s->exact = it->has_type && !s->chunked;
	s->exact_len = DN_ADJ_KEY_LEN;
	dn_scan_seek(s, k, DN_ADJ_KEY_LEN, plen);
	it->cur_dir = sweep ? DN_IN : dir; /* a sweep needs no second pass */
}

/* Loads the first batch of a scanner without consuming it: DN_ROW if the
 * scan has something, DN_DONE if it is empty. */
static int scan_prime(dn_txn *t, dn_scan *s)
{
	const uint8_t *p;
	int rc = dn_scan_next(t, s, &p);
	if (rc == DN_ROW)
		s->i--;
	return rc;
}

int dn_edges_of(dn_txn *t, dn_id node, dn_dir dir, const char *type, dn_iter **out)
{
	dn_rec r;
	bool found;
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	if (dir < DN_OUT || dir > DN_BOTH)
		return dn_error(t->db, DN_EINVAL, "bad direction %d", (int)dir);
	if (dn_adj_pending(t) && (rc = dn_adj_sync(t)))
		return rc;
	dn_txn_begin_call(t);
	bool fast = !t->as_of && !t->restricted;
	if (!fast) {
		if ((rc = dn_node_read(t, node, &r, &found)))
			return rc;
		if (!found)
			return dn_error(t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)node);
	}
	uint32_t tid = 0;
	if (type) {
		rc = dn_tok_lookup(t, DN_TOKEN_TYPE, type, strlen(type), &tid);
		if (rc == DN_ENOTFOUND) {
			if (fast && !dn_node_exists(t, node))
				return dn_error(t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)node);
			return dn_iter_new(t, IT_EMPTY, out);
		}
		if (rc)
			return rc;
	}
	if ((rc = dn_iter_new(t, IT_ADJ, out)))
		return rc;
	dn_iter *it = *out;
	it->node = node;
	it->dir = dir;
	it->has_type = type != NULL;
	it->type = tid;
	if ((rc = dn_scan_open(t, &it->scan, DBI_ADJ, DN_ADJ_VAL_LEN)) ||
	    (t->as_of && (rc = dn_scan_open(t, &it->hscan, DBI_ADJ_HIST, DN_ADJH_VAL_LEN))))
		goto fail;
	bool sweep = fast && dir == DN_BOTH && !type;
	adj_seek(it, &it->scan, dir == DN_IN ? DN_IN : DN_OUT, sweep);
	if (t->as_of)
		adj_seek(it, &it->hscan, dir == DN_IN ? DN_IN : DN_OUT, false);
	if (fast) {
		/* a node with edges exists: look it up only when the scan is empty */
		if ((rc = scan_prime(t, &it->scan)) == DN_ROW)
			return 0;
		if (rc != DN_DONE)
			goto fail;
		if (!dn_node_exists(t, node)) {
			rc = dn_error(t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)node);
			goto fail;
		}
	}
	return 0;
fail:
	dn_iter_free(it);
	*out = NULL;
	return rc;
}

/* --- the adjacency reader ----------------------------------------------- */

struct dn_adj_reader {
	dn_txn *t;
	dn_dir dir;
	const char *type; /* the fallback's */
	bool has_type, none; /* none: no such type, so no entries */
	uint32_t tid;
	MDB_cursor *c;    /* NULL: through dn_edges_of (as-of, restricted, a writer) */
};

int dn_adj_reader_open(dn_txn *t, dn_dir dir, const char *type, dn_adj_reader **out)
{
	*out = NULL;
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	if (dir < DN_OUT || dir > DN_BOTH)
		return dn_error(t->db, DN_EINVAL, "bad direction %d", (int)dir);
	dn_adj_reader *r = dn_calloc(1, sizeof *r);
	if (!r)
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	r->t = t;
	r->dir = dir;
	r->type = type;
	r->has_type = type != NULL;
	if (type && (rc = dn_tok_lookup(t, DN_TOKEN_TYPE, type, strlen(type), &r->tid))) {
		if (rc != DN_ENOTFOUND) {
			free(r);
			return rc;
		}
		r->none = true;
	}
	if (t->rdonly && !t->as_of && !t->restricted && (rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_ADJ], &r->c))) {
		free(r);
		return dn_error_lmdb(t->db, rc, "cursor");
	}
	*out = r;
	return 0;
}

void dn_adj_reader_close(dn_adj_reader *r)
{
	if (!r)
		return;
	if (r->c)
		mdb_cursor_close(r->c);
	free(r);
}

/* One direction of node's entries, read from the chunks in place. */
static int reader_dir(dn_adj_reader *r, dn_id node, uint8_t dir, dn_adj_fn fn, void *ctx)
{
	uint8_t key[DN_ADJ_KEY_LEN];
	size_t plen = r->has_type ? DN_ADJ_KEY_LEN : 9;
	dn_key_put_u64(key, node);
	key[8] = dir;
	dn_key_put_u32(key + 9, r->has_type ? r->tid : 0);
	MDB_val want = {DN_ADJ_KEY_LEN, key}, k, v;
	int rc = cursor_seek_near(r->c, &want, &k, &v);
	for (; rc == 0; rc = mdb_cursor_get(r->c, &k, &v, MDB_NEXT)) {
		if (k.mv_size < DN_ADJ_KEY_LEN || memcmp(k.mv_data, key, plen))
			return 0;
		if (v.mv_size % DN_ADJ_VAL_LEN)
			return dn_error(r->t->db, DN_ECORRUPT, "adjacency chunk of %zu bytes", v.mv_size);
		dn_adj a = {.type = dn_key_get_u32((const uint8_t *)k.mv_data + 9), .dir = (dn_dir)dir};
		for (const uint8_t *p = v.mv_data, *end = p + v.mv_size; p < end; p += DN_ADJ_VAL_LEN) {
			a.nbr = dn_key_get_u64(p);
			a.edge = dn_key_get_u64(p + 8);
			if (r->dir == DN_BOTH && dir == DN_IN && a.nbr == node)
				continue; /* a self-loop, given under OUT */
			if ((rc = fn(ctx, &a)))
				return rc;
		}
	}
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(r->t->db, rc, "adjacency");
}

int dn_adj_reader_each(dn_adj_reader *r, dn_id node, dn_adj_fn fn, void *ctx)
{
	int rc = dn_txn_check_usable(r->t);
	if (rc || r->none)
		return rc;
	if (!r->c) { /* the general path: as-of history, clearances, a writer's pending edges */
		dn_iter *it;
		dn_adj a;
		if ((rc = dn_edges_of(r->t, node, r->dir, r->type, &it)))
			return rc == DN_ENOTFOUND ? 0 : rc;
		while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW && !(rc = fn(ctx, &a)))
			;
		dn_iter_free(it);
		return rc == DN_DONE ? 0 : rc;
	}
	dn_txn_begin_call(r->t);
	if (r->dir != DN_IN && (rc = reader_dir(r, node, DN_OUT, fn, ctx)))
		return rc;
	return r->dir != DN_OUT ? reader_dir(r, node, DN_IN, fn, ctx) : 0;
}

static int visible_id(dn_txn *t, uint8_t kind, dn_id id, bool *ok)
{
	dn_rec r;
	dn_arena_reset(&t->arena);
	return kind == DN_REC_NODE ? dn_node_read(t, id, &r, ok) : dn_edge_read(t, id, &r, ok);
}

/* Next raw adjacency entry (current, then in as-of mode the deleted ones),
 * switching to the IN direction for DN_BOTH. */
static int adj_next_raw(dn_iter *it, dn_adj *a)
{
	dn_txn *t = it->t;
	const uint8_t *p;
	for (;;) {
		dn_scan *s = it->in_hist ? &it->hscan : &it->scan;
		int rc = dn_scan_next(t, s, &p);
		if (rc == DN_ROW) {
			a->nbr = dn_key_get_u64(p);
			a->edge = dn_key_get_u64(p + 8);
			a->type = dn_key_get_u32(s->cur_key + 9);
			a->dir = (dn_dir)s->cur_key[8];
			if (t->as_of) {
				if (a->edge >= t->asof_next_edge)
					continue;
				if (it->in_hist && dn_key_get_u64(p + 16) <= t->base_pos)
					continue;
			}
			return DN_ROW;
		}
		if (rc != DN_DONE)
			return rc;
		if (t->as_of && !it->in_hist) {
			it->in_hist = true;
			continue;
		}
		if (it->dir == DN_BOTH && it->cur_dir == DN_OUT) {
			it->in_hist = false;
			adj_seek(it, &it->scan, DN_IN, false);
			if (t->as_of)
				adj_seek(it, &it->hscan, DN_IN, false);
			continue;
		}
		return DN_DONE;
	}
}

int dn_iter_next_adj(dn_iter *it, dn_adj *a)
{
	if (it->stale)
		return stale(it);
	if (it->kind == IT_EMPTY)
		return DN_DONE;
	if (it->kind != IT_ADJ)
		return dn_error(it->t->db, DN_EINVAL, "not an adjacency iterator");
	for (;;) {
		int rc = adj_next_raw(it, a);
		if (rc != DN_ROW)
			return rc;
		/* a self-loop appears under OUT and IN: report it once */
		if (it->dir == DN_BOTH && a->dir == DN_IN && a->nbr == it->node)
			continue;
		if (it->t->restricted) {
			bool ok;
			if ((rc = visible_id(it->t, DN_REC_EDGE, a->edge, &ok)))
				return rc;
			if (!ok)
				continue;
			if ((rc = visible_id(it->t, DN_REC_NODE, a->nbr, &ok)))
				return rc;
			if (!ok)
				continue;
		}
		return DN_ROW;
	}
}

static int plain_next(dn_iter *it, uint8_t kind, dn_id *id)
{
	MDB_val k, v;
	for (;;) {
		int rc = mdb_cursor_get(it->cur, &k, &v, it->started ? MDB_NEXT : MDB_FIRST);
		it->started = true;
		if (rc == MDB_NOTFOUND)
			return DN_DONE;
		if (rc)
			return dn_error_lmdb(it->t->db, rc, "scan");
		*id = dn_key_get_u64(k.mv_data);
		if (it->t->restricted) {
			bool ok;
			if ((rc = visible_id(it->t, kind, *id, &ok)))
				return rc;
			if (!ok)
				continue;
		}
		return DN_ROW;
	}
}

static int asof_next(dn_iter *it, uint8_t kind, dn_id *id)
{
	dn_txn *t = it->t;
	dn_id end = kind == DN_REC_NODE ? t->asof_next_node : t->asof_next_edge;
	while (it->next_id < end) {
		dn_rec r;
		bool found;
		dn_id cand = it->next_id++;
		dn_arena_reset(&t->arena);
		int rc = kind == DN_REC_NODE ? dn_node_read(t, cand, &r, &found) : dn_edge_read(t, cand, &r, &found);
		if (rc)
			return rc;
		if (!found || (it->has_label && !dn_rec_has_label(&r, it->label)))
			continue;
		if (it->has_range && !dn_index_value_in_range(it, &r))
			continue;
		*id = cand;
		return DN_ROW;
	}
	return DN_DONE;
}

int dn_iter_next_many(dn_iter *it, dn_id *ids, size_t cap, size_t *n)
{
	int rc = DN_ROW;
	*n = 0;
	if (!it->stale && it->kind == IT_LABEL && !it->t->restricted) {
		/* a label's ids straight from the page the scan holds */
		dn_scan *s = &it->scan;
		const uint8_t *p;
		while (*n < cap) {
			if (s->i < s->n) {
				size_t take = s->n - s->i < cap - *n ? s->n - s->i : cap - *n;
				for (size_t k = 0; k < take; k++)
					ids[(*n)++] = dn_key_get_u64(s->buf + (s->i + k) * s->item);
				s->i += take;
				continue;
			}
			if ((rc = dn_scan_next(it->t, s, &p)) != DN_ROW)
				break;
			s->i--; /* taken by the copy above */
		}
	} else {
		while (*n < cap && (rc = dn_iter_next(it, &ids[*n])) == DN_ROW)
			(*n)++;
	}
	if (rc == DN_ROW || (rc == DN_DONE && *n))
		return *n ? DN_ROW : DN_DONE;
	return rc;
}

int dn_iter_next(dn_iter *it, dn_id *id)
{
	const uint8_t *p;
	int rc;
	if (it->stale)
		return stale(it);
	switch (it->kind) {
	case IT_EMPTY: return DN_DONE;
	case IT_NODES: return plain_next(it, DN_REC_NODE, id);
	case IT_EDGES: return plain_next(it, DN_REC_EDGE, id);
	case IT_ASOF_NODES: return asof_next(it, DN_REC_NODE, id);
	case IT_ASOF_EDGES: return asof_next(it, DN_REC_EDGE, id);
	case IT_LABEL:
		for (;;) {
			if ((rc = dn_scan_next(it->t, &it->scan, &p)) != DN_ROW)
				return rc;
			*id = dn_key_get_u64(p);
			if (it->t->restricted) {
				bool ok;
				if ((rc = visible_id(it->t, DN_REC_NODE, *id, &ok)))
					return rc;
				if (!ok)
					continue;
			}
			return DN_ROW;
		}
	case IT_INDEX: return dn_index_iter_next(it, id);
	case IT_ADJ: {
		dn_adj a;
		rc = dn_iter_next_adj(it, &a);
		if (rc == DN_ROW)
			*id = a.edge;
		return rc;
	}
	default: return dn_error(it->t->db, DN_EINVAL, "bad iterator");
	}
}

/* --- counts ----------------------------------------------------------- */

static int count_iter(dn_txn *t, int rc, dn_iter *it, uint64_t *n)
{
	dn_id id;
	*n = 0;
	if (rc)
		return rc;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		(*n)++;
	dn_iter_free(it);
	(void)t;
	return rc == DN_DONE ? 0 : rc;
}

/* Total nodes or edges: the counter, or for a restricted reader a count
 * of what it can see. */
static int count_all(dn_txn *t, bool nodes, uint64_t *n)
{
	dn_iter *it;
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	if (!dn_txn_is_restricted(t)) {
		*n = nodes ? t->n_nodes : t->n_edges;
		return 0;
	}
	rc = nodes ? dn_nodes_all(t, &it) : dn_edges_all(t, &it);
	return count_iter(t, rc, it, n);
}

int dn_count_nodes(dn_txn *t, uint64_t *n)
{
	return count_all(t, true, n);
}

int dn_count_edges(dn_txn *t, uint64_t *n)
{
	return count_all(t, false, n);
}

int dn_count_label(dn_txn *t, const char *label, uint64_t *n)
{
	dn_iter *it;
	uint32_t lid;
	int rc = dn_txn_check_usable(t);
	*n = 0;
	if (rc)
		return rc;
	if (!label)
		return DN_EINVAL;
	if (dn_txn_is_restricted(t)) {
		rc = dn_nodes_by_label(t, label, &it);
		return count_iter(t, rc, it, n);
	}
	rc = dn_tok_lookup(t, DN_TOKEN_LABEL, label, strlen(label), &lid);
	if (rc == DN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	for (unsigned i = 0; t->rdonly && i < t->nlcount; i++)
		if (t->lcount[i].lid == lid) {
			*n = t->lcount[i].n;
			return 0;
		}
	uint8_t key[4];
	dn_key_put_u32(key, lid);
	MDB_cursor *c = dn_txn_cursor(t, DBI_LABELS);
	MDB_val k = {4, key}, v;
	size_t cnt = 0;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "count");
	if (rc == 0 && (rc = mdb_cursor_count(c, &cnt)))
		return dn_error_lmdb(t->db, rc, "count");
	*n = cnt;
	if (t->rdonly) /* the snapshot's count: remember it (the last slot turns over) */
		t->lcount[t->nlcount < 8 ? t->nlcount++ : 7] = (struct dn_lcount){lid, cnt};
	return 0;
}

int dn_count_type(dn_txn *t, const char *type, uint64_t *n)
{
	uint32_t tid;
	int rc = dn_txn_check_usable(t);
	*n = 0;
	if (rc)
		return rc;
	if (!type)
		return DN_EINVAL;
	rc = dn_tok_lookup(t, DN_TOKEN_TYPE, type, strlen(type), &tid);
	if (rc == DN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (dn_txn_is_restricted(t)) {
		dn_iter *it;
		dn_id id;
		if ((rc = dn_edges_all(t, &it)))
			return rc;
		while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
			dn_rec r;
			bool ok;
			dn_arena_reset(&t->arena);
			if ((rc = dn_edge_read(t, id, &r, &ok)))
				break;
			if (ok && r.type == tid)
				(*n)++;
		}
		dn_iter_free(it);
		return rc == DN_DONE ? 0 : rc;
	}
	uint8_t key[4];
	MDB_val v;
	dn_key_put_u32(key, tid);
	rc = dn_get(t, DBI_COUNTS, key, 4, &v);
	if (rc == DN_ENOTFOUND)
		rc = 0;
	else if (rc == 0 && v.mv_size == 8)
		*n = dn_key_get_u64(v.mv_data);
	if (!rc && tid < t->type_delta_cap)
		*n = (uint64_t)((int64_t)*n + t->type_delta[tid]);
	return rc;
}

int dn_degree(dn_txn *t, dn_id node, dn_dir dir, const char *type, uint64_t *n)
{
	int rc = dn_txn_check_usable(t);
	*n = 0;
	if (rc)
		return rc;
	if (dn_adj_pending(t) && (rc = dn_adj_sync(t)))
		return rc;
	if (dn_txn_is_restricted(t)) {
		dn_iter *it;
		rc = dn_edges_of(t, node, dir, type, &it);
		return count_iter(t, rc, it, n);
	}
	if (!dn_node_exists(t, node))
		return dn_error(t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)node);
	uint32_t tid = 0;
	if (type) {
		rc = dn_tok_lookup(t, DN_TOKEN_TYPE, type, strlen(type), &tid);
		if (rc == DN_ENOTFOUND)
			return 0;
		if (rc)
			return rc;
	}
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	uint64_t loops = 0;
	for (uint8_t d = DN_OUT; d <= DN_IN; d++) {
		if (!(dir & d))
			continue;
		/* each (node, d, type) group in turn: a one-chunk group is counted
		 * by its chunk (the cursor then stands on the next group), a longer
		 * one by its counter; for DN_BOTH its self-loops too (under OUT and
		 * IN, counted once) */
		uint8_t k[DN_ADJ_KEY_LEN + DN_ADJ_VAL_LEN] = {0}, g[DN_ADJ_KEY_LEN];
		size_t match = type ? DN_ADJ_KEY_LEN : 9;
		dn_key_put_u64(k, node);
		k[8] = d;
		dn_key_put_u32(k + 9, tid);
		MDB_val key = {sizeof k, k}, v;
		rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
		while (rc == 0 && key.mv_size == sizeof k && !memcmp(key.mv_data, k, match)) {
			memcpy(g, key.mv_data, sizeof g);
			uint64_t gn = v.mv_size / DN_ADJ_VAL_LEN, l;
			bool reseek = false;
			rc = mdb_cursor_get(c, &key, &v, MDB_NEXT);
			if (rc == 0 && key.mv_size == sizeof k && !memcmp(key.mv_data, g, sizeof g)) {
				if ((rc = dn_adj_deg_get(t, g, &gn)))
					return rc;
				reseek = true;
			}
			*n += gn;
			if (dir == DN_BOTH && d == DN_OUT) {
				if ((rc = dn_adj_self_loops(t, g, node, &l)))
					return rc;
				loops += l;
				reseek = true;
			}
			uint32_t gt = dn_key_get_u32(g + 9);
			if (type || gt == UINT32_MAX) {
				rc = MDB_NOTFOUND;
				break;
			}
			if (reseek) {
				dn_key_put_u32(k + 9, gt + 1);
				key = (MDB_val){sizeof k, k};
				rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
			}
		}
		if (rc && rc != MDB_NOTFOUND)
			return rc < 0 ? rc : dn_error_lmdb(t->db, rc, "degree");
	}
	*n -= loops;
	return 0;
}
