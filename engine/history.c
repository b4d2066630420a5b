/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.c — the audited purge and the log reader. Updates and deletes keep
 * superseded versions (graph.c writes them); purge is the one way to remove
 * an element for good: its current record, every past version, its
 * adjacency past and present, and for a node all edges that ever touched
 * it. The log keeps an entry naming the id, the principal and the reason.
 * Freed LMDB pages may still hold old bytes until reused; `dragnet compact`
 * (a later command) rewrites the file to drop them.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keys.h"

/* Deletes every history version of (kind, id); reports whether any was
 * there and leaves the newest in *last (decoded into the arena). */
static int drop_history(dn_txn *t, uint8_t kind, dn_id id, dn_rec *last, bool *any)
{
	uint8_t key[17];
	MDB_cursor *c = dn_txn_cursor(t, DBI_HISTORY);
	int rc;
	*any = false;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	key[0] = kind;
	dn_key_put_u64(key + 1, id);
	dn_key_put_u64(key + 9, 0);
	MDB_val k = {17, key}, v;
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == 17 && !memcmp(k.mv_data, key, 9)) {
		/* keep a copy of the version for its endpoints */
		t->scratch.len = 0;
		if ((rc = dn_buf_put(&t->scratch, v.mv_data, v.mv_size)))
			return rc;
		if (dn_rec_decode(t->scratch.p, t->scratch.len, &t->arena, last) == 0)
			*any = true;
		if ((rc = mdb_cursor_del(c, 0)))
			return dn_error_lmdb(t->db, rc, "purge history");
		dn_txn_wrote(t, DBI_HISTORY);
		t->changed = true;
		rc = mdb_cursor_get(c, &k, &v, MDB_GET_CURRENT);
		if (rc == EINVAL || rc == MDB_NOTFOUND) {
			k = (MDB_val){17, key};
			rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		}
	}
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "purge history");
	return 0;
}

/* Reads the current record of (kind, id) if any (*cur, kept stable in
 * t->oldraw) and removes all its history (the newest version in *past).
 * DN_ENOTFOUND when there is neither. */
static int take_versions(dn_txn *t, uint8_t kind, dn_id id, dn_rec *cur, bool *have_cur, dn_rec *past,
                         bool *have_past)
{
	uint8_t key[8];
	MDB_val v;
	int rc;
	*have_cur = false;
	dn_key_put_u64(key, id);
	rc = dn_get(t, kind == DN_REC_NODE ? DBI_NODES : DBI_EDGES, key, 8, &v);
	if (rc == 0) {
		t->oldraw.len = 0;
		if ((rc = dn_buf_put(&t->oldraw, v.mv_data, v.mv_size)) ||
		    (rc = dn_rec_decode(t->oldraw.p, t->oldraw.len, &t->arena, cur)))
			return rc;
		*have_cur = true;
	} else if (rc != DN_ENOTFOUND) {
		return rc;
	}
	if ((rc = drop_history(t, kind, id, past, have_past)))
		return rc;
	if (!*have_cur && !*have_past)
		return dn_error(t->db, DN_ENOTFOUND, "%s %llu has no current or past version",
		                kind == DN_REC_NODE ? "node" : "edge", (unsigned long long)id);
	return 0;
}

/* Removes adj_hist entries of edge eid under (node, dir, type). */
static int drop_adj_hist(dn_txn *t, dn_id node, uint8_t dir, uint32_t type, dn_id nbr, dn_id eid)
{
	uint8_t k[DN_ADJ_KEY_LEN], d[DN_ADJH_VAL_LEN];
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ_HIST);
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	dn_key_put_u64(k, node);
	k[8] = dir;
	dn_key_put_u32(k + 9, type);
	dn_key_put_u64(d, nbr);
	dn_key_put_u64(d + 8, eid);
	dn_key_put_u64(d + 16, 0);
	MDB_val key = {sizeof k, k}, val = {sizeof d, d};
	int rc = mdb_cursor_get(c, &key, &val, MDB_GET_BOTH_RANGE);
	while (rc == 0 && val.mv_size == DN_ADJH_VAL_LEN && !memcmp(val.mv_data, d, 16)) {
		if ((rc = mdb_cursor_del(c, 0)))
			return dn_error_lmdb(t->db, rc, "purge adjacency");
		dn_txn_wrote(t, DBI_ADJ_HIST);
		t->changed = true;
		key = (MDB_val){sizeof k, k};
		val = (MDB_val){sizeof d, d};
		rc = mdb_cursor_get(c, &key, &val, MDB_GET_BOTH_RANGE);
	}
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "purge adjacency");
	return 0;
}

static int purge_edge(dn_txn *t, dn_id id)
{
	dn_rec cur, past;
	uint8_t key[8];
	bool have_cur, have_past;
	int rc;
	dn_key_put_u64(key, id);
	if ((rc = take_versions(t, DN_REC_EDGE, id, &cur, &have_cur, &past, &have_past)))
		return rc;
	const dn_rec *e = have_cur ? &cur : &past;
	if (have_cur) {
		uint8_t k[DN_ADJ_KEY_LEN], d[DN_ADJ_VAL_LEN];
		for (int dir = 0; dir < 2; dir++) {
			dn_key_put_u64(k, dir == 0 ? e->src : e->dst);
			k[8] = dir == 0 ? DN_OUT : DN_IN;
			dn_key_put_u32(k + 9, e->type);
			dn_key_put_u64(d, dir == 0 ? e->dst : e->src);
			dn_key_put_u64(d + 8, id);
			if ((rc = dn_adj_remove(t, k, d)) && rc != DN_ENOTFOUND)
				return rc;
		}
		if ((rc = dn_del(t, DBI_EDGES, key, 8, NULL, 0)))
			return rc;
		t->n_edges--;
		if ((rc = dn_type_delta(t, e->type, -1)))
			return rc;
	}
	if ((rc = drop_adj_hist(t, e->src, DN_OUT, e->type, e->dst, id)) ||
	    (rc = drop_adj_hist(t, e->dst, DN_IN, e->type, e->src, id)))
		return rc;
	return 0;
}

/* Every edge id that touches node now or touched it in the past. */
static int edges_of_node_ever(dn_txn *t, dn_id node, dn_id **ids, size_t *n)
{
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	for (int db = 0; db < 2; db++) {
		MDB_cursor *c;
		int rc = mdb_cursor_open(t->txn, t->db->dbi[db == 0 ? DBI_ADJ : DBI_ADJ_HIST], &c);
		if (rc)
			return dn_error_lmdb(t->db, rc, "cursor");
		uint8_t k[DN_ADJ_KEY_LEN] = {0};
		dn_key_put_u64(k, node);
		MDB_val key = {sizeof k, k}, v;
		/* adj values are chunks of (nbr, edge); adj_hist values single
		 * (nbr, edge, deleted) entries */
		size_t step = db == 0 ? DN_ADJ_VAL_LEN : DN_ADJH_VAL_LEN;
		for (rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
		     rc == 0 && key.mv_size >= DN_ADJ_KEY_LEN && !memcmp(key.mv_data, k, 8);
		     rc = mdb_cursor_get(c, &key, &v, MDB_NEXT)) {
			for (size_t off = 0; off + step <= v.mv_size; off += step) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 16;
					dn_id *p = dn_realloc(*ids, cap * sizeof *p);
					if (!p) {
						mdb_cursor_close(c);
						return dn_error(t->db, DN_ENOMEM, "out of memory");
					}
					*ids = p;
				}
				(*ids)[(*n)++] = dn_key_get_u64((uint8_t *)v.mv_data + off + 8);
			}
		}
		mdb_cursor_close(c);
		if (rc && rc != MDB_NOTFOUND)
			return dn_error_lmdb(t->db, rc, "adjacency");
	}
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	dn_id x = *(const dn_id *)a, y = *(const dn_id *)b;
	return x < y ? -1 : x > y;
}

static int purge_node(dn_txn *t, dn_id id)
{
	dn_id *edges;
	size_t ne;
	int rc = edges_of_node_ever(t, id, &edges, &ne);
	if (rc) {
		free(edges);
		return rc;
	}
	if (ne)
		qsort(edges, ne, sizeof *edges, cmp_id);
	for (size_t i = 0; i < ne; i++) {
		if (i && edges[i] == edges[i - 1])
			continue;
		dn_arena_reset(&t->arena);
		if ((rc = purge_edge(t, edges[i])))
			break;
	}
	free(edges);
	if (rc)
		return rc;
	dn_rec cur, past;
	uint8_t key[8];
	bool have_cur, have_past;
	dn_arena_reset(&t->arena);
	dn_key_put_u64(key, id);
	if ((rc = take_versions(t, DN_REC_NODE, id, &cur, &have_cur, &past, &have_past)))
		return rc;
	if (have_cur) {
		for (uint32_t i = 0; i < cur.nlabels; i++) {
			uint8_t lk[4], lv[8];
			dn_key_put_u32(lk, cur.labels[i]);
			dn_key_put_u64(lv, id);
			if ((rc = dn_del(t, DBI_LABELS, lk, 4, lv, 8)))
				return rc;
		}
		if ((rc = dn_index_update(t, id, &cur, NULL)) || (rc = dn_del(t, DBI_NODES, key, 8, NULL, 0)))
			return rc;
		t->n_nodes--;
	}
	return 0;
}

int dn_purge_raw(dn_txn *t, uint8_t kind, dn_id id, const char *reason, size_t reason_len, bool top)
{
	char detail[512];
	int rc;
	if (top && (rc = dn_journal_add(t, kind == DN_REC_NODE ? DN_J_NODE_PURGE : DN_J_EDGE_PURGE, 0, id,
	                                reason, reason_len)))
		return rc;
	if (dn_adj_pending(t) && (rc = dn_adj_flush(t)))
		return rc;
	rc = kind == DN_REC_NODE ? purge_node(t, id) : purge_edge(t, id);
	if (rc)
		return rc;
	snprintf(detail, sizeof detail, "%.*s", (int)reason_len, reason);
	return dn_log_append(t, kind == DN_REC_NODE ? DN_LOG_NODE_PURGE : DN_LOG_EDGE_PURGE, id, detail);
}

static int do_purge(dn_txn *t, uint8_t kind, dn_id id, const char *reason)
{
	if (!reason || !*reason)
		return dn_error(t->db, DN_EINVAL, "a purge needs a reason (it is logged)");
	return dn_purge_raw(t, kind, id, reason, strlen(reason), true);
}

int dn_node_purge(dn_txn *t, dn_id id, const char *reason)
{
	int rc = t && !t->rdonly && dn_adj_pending(t) ? dn_adj_sync(t) : 0;
	if (rc)
		return rc;
	t->nodes_deleted = true;
	DN_WRITE_CALL(t, do_purge(t, DN_REC_NODE, id, reason));
}

int dn_edge_purge(dn_txn *t, dn_id id, const char *reason)
{
	int rc = t && !t->rdonly && dn_adj_pending(t) ? dn_adj_sync(t) : 0;
	if (rc)
		return rc;
	DN_WRITE_CALL(t, do_purge(t, DN_REC_EDGE, id, reason));
}

/* --- log reader ------------------------------------------------------- */

void dn_log_entry_free(dn_log_entry *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nchanges; i++)
		free(e->changes[i].detail);
	free(e->changes);
	free(e->principal);
	free(e);
}

int dn_log_get(dn_txn *t, uint64_t pos, dn_log_entry **out)
{
	uint8_t key[12];
	MDB_val k, v;
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	if (pos == 0 || pos > t->base_pos)
		return dn_error(t->db, DN_ENOTFOUND, "no log entry at position %llu", (unsigned long long)pos);
	dn_log_entry *e = dn_calloc(1, sizeof *e);
	if (!e)
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	MDB_cursor *c = dn_txn_cursor(t, DBI_LOG);
	dn_key_put_u64(key, pos);
	dn_key_put_u32(key + 8, 0);
	k = (MDB_val){12, key};
	rc = c ? mdb_cursor_get(c, &k, &v, MDB_SET_KEY) : EINVAL;
	if (rc || v.mv_size < 28) {
		dn_log_entry_free(e);
		return rc == MDB_NOTFOUND ? dn_error(t->db, DN_ENOTFOUND, "log position %llu missing",
		                                     (unsigned long long)pos)
		                          : dn_error(t->db, DN_ECORRUPT, "log header unreadable");
	}
	e->pos = pos;
	e->time_ms = dn_key_get_i64(v.mv_data);
	uint32_t nch = dn_key_get_u32((uint8_t *)v.mv_data + 24);
	e->principal = dn_strndup((const char *)v.mv_data + 28, v.mv_size - 28);
	e->changes = dn_calloc(nch ? nch : 1, sizeof *e->changes);
	if (!e->principal || !e->changes) {
		dn_log_entry_free(e);
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	}
	while ((rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0 && k.mv_size == 12 &&
	       !memcmp(k.mv_data, key, 8) && e->nchanges < nch) {
		struct dn_log_change *ch = &e->changes[e->nchanges];
		if (v.mv_size < 17)
			continue;
		ch->op = ((uint8_t *)v.mv_data)[0];
		ch->id = dn_key_get_u64((uint8_t *)v.mv_data + 1);
		ch->count = dn_key_get_u64((uint8_t *)v.mv_data + 9);
		if (v.mv_size > 17)
			ch->detail = dn_strndup((const char *)v.mv_data + 17, v.mv_size - 17);
		e->nchanges++;
	}
	*out = e;
	return 0;
}
