/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c — the integrity check behind `dragnet check`: every record
 * decodes; adjacency, the label index and property indexes agree with the
 * records in both directions; counters match what is stored; history
 * versions and the log are well formed; tokens map both ways. It reads
 * everything once and reports each disagreement as one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keys.h"

typedef struct chk {
	dn_txn *t;
	void (*report)(void *, const char *);
	void *ctx;
	uint64_t problems;
} chk;

__attribute__((format(printf, 2, 3))) static void problem(chk *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->report)
		c->report(c->ctx, buf);
}

static bool has_dup(dn_txn *t, int dbi, const void *k, size_t kl, const void *v, size_t vl)
{
	MDB_cursor *c = dn_txn_cursor(t, dbi);
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	return c && mdb_cursor_get(c, &key, &val, MDB_GET_BOTH) == 0;
}

static bool exists_rec(dn_txn *t, int dbi, dn_id id)
{
	uint8_t k[8];
	MDB_val v;
	dn_key_put_u64(k, id);
	return dn_get(t, dbi, k, 8, &v) == 0;
}

static int check_nodes(chk *c, uint64_t *count)
{
	dn_txn *t = c->t;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_NODES], &cur);
	if (rc)
		return dn_error_lmdb(t->db, rc, "cursor");
	if ((rc = dn_index_load(t))) {
		mdb_cursor_close(cur);
		return rc;
	}
	*count = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		dn_rec r;
		(*count)++;
		dn_arena_reset(&t->arena);
		if (k.mv_size != 8) {
			problem(c, "nodes: key of %zu bytes", k.mv_size);
			continue;
		}
		dn_id id = dn_key_get_u64(k.mv_data);
		if (dn_rec_decode(v.mv_data, v.mv_size, &t->arena, &r) || r.kind != DN_REC_NODE) {
			problem(c, "node %llu: record does not decode", (unsigned long long)id);
			continue;
		}
		if (id >= t->next_node)
			problem(c, "node %llu: id not below the node counter %llu", (unsigned long long)id,
			        (unsigned long long)t->next_node);
		if (r.version_pos > t->pos || r.created_pos > r.version_pos)
			problem(c, "node %llu: positions %llu/%llu out of order", (unsigned long long)id,
			        (unsigned long long)r.created_pos, (unsigned long long)r.version_pos);
		for (uint32_t i = 0; i < r.nlabels; i++) {
			uint8_t lk[4], lv[8];
			dn_key_put_u32(lk, r.labels[i]);
			dn_key_put_u64(lv, id);
			if (!has_dup(t, DBI_LABELS, lk, 4, lv, 8))
				problem(c, "node %llu: label %u missing from the label index", (unsigned long long)id,
				        r.labels[i]);
		}
		for (size_t i = 0; i < t->nidx; i++) {
			const dn_index_def *d = &t->idx[i];
			const dn_value *pv = dn_rec_prop(&r, d->key);
			if (!pv || !dn_rec_has_label(&r, d->label))
				continue;
			uint8_t ek[DN_KEY_VALUE_MAX + 8], nv[8];
			dn_key_put_u32(ek, d->id);
			size_t el = 4 + dn_key_put_value(ek + 4, DN_KEY_VALUE_MAX, pv);
			dn_key_put_u64(nv, id);
			if (!has_dup(t, DBI_PIDX, ek, el, nv, 8))
				problem(c, "node %llu: missing from index %s", (unsigned long long)id, d->name);
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(t->db, rc, "scan nodes");
}

static int check_edges(chk *c, uint64_t *count, uint64_t **per_type, size_t *ntypes)
{
	dn_txn *t = c->t;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_EDGES], &cur);
	if (rc)
		return dn_error_lmdb(t->db, rc, "cursor");
	*count = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		dn_rec r;
		(*count)++;
		dn_arena_reset(&t->arena);
		dn_id id = k.mv_size == 8 ? dn_key_get_u64(k.mv_data) : 0;
		if (dn_rec_decode(v.mv_data, v.mv_size, &t->arena, &r) || r.kind != DN_REC_EDGE) {
			problem(c, "edge %llu: record does not decode", (unsigned long long)id);
			continue;
		}
		if (id >= t->next_edge)
			problem(c, "edge %llu: id not below the edge counter", (unsigned long long)id);
		if (!exists_rec(t, DBI_NODES, r.src))
			problem(c, "edge %llu: start node %llu does not exist", (unsigned long long)id,
			        (unsigned long long)r.src);
		if (!exists_rec(t, DBI_NODES, r.dst))
			problem(c, "edge %llu: end node %llu does not exist", (unsigned long long)id,
			        (unsigned long long)r.dst);
		for (int d = 0; d < 2; d++) {
			uint8_t ak[DN_ADJ_KEY_LEN], av[DN_ADJ_VAL_LEN];
			dn_key_put_u64(ak, d ? r.dst : r.src);
			ak[8] = d ? DN_IN : DN_OUT;
			dn_key_put_u32(ak + 9, r.type);
			dn_key_put_u64(av, d ? r.src : r.dst);
			dn_key_put_u64(av + 8, id);
			bool yes;
			if (dn_adj_contains(t, ak, av, &yes) || !yes)
				problem(c, "edge %llu: missing from the %s adjacency of node %llu", (unsigned long long)id,
				        d ? "incoming" : "outgoing", (unsigned long long)(d ? r.dst : r.src));
		}
		if (r.type >= *ntypes) {
			size_t n = (r.type + 1) * 2;
			uint64_t *p = dn_realloc(*per_type, n * sizeof *p);
			if (!p) {
				mdb_cursor_close(cur);
				return dn_error(t->db, DN_ENOMEM, "out of memory");
			}
			memset(p + *ntypes, 0, (n - *ntypes) * sizeof *p);
			*per_type = p;
			*ntypes = n;
		}
		(*per_type)[r.type]++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(t->db, rc, "scan edges");
}

/* Every adjacency chunk is well formed (sorted, keyed by its first entry,
 * not over-full), every entry points at an edge with the same ends and
 * type, and the degree counters match the chunks. */
static int check_adj(chk *c, uint64_t *entries)
{
	dn_txn *t = c->t;
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t group[DN_ADJ_KEY_LEN] = {0};
	uint64_t in_group = 0;
	bool have_group = false;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_ADJ], &cur);
	if (rc)
		return dn_error_lmdb(t->db, rc, "cursor");
	*entries = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		bool end = rc != 0;
		if (!end && (k.mv_size != DN_ADJ_KEY_LEN + DN_ADJ_VAL_LEN || !v.mv_size ||
		             v.mv_size % DN_ADJ_VAL_LEN || v.mv_size > DN_ADJ_CHUNK * DN_ADJ_VAL_LEN)) {
			problem(c, "adjacency chunk of wrong size");
			continue;
		}
		if (have_group && (end || memcmp(k.mv_data, group, DN_ADJ_KEY_LEN))) {
			uint64_t deg;
			if (dn_adj_deg_get(t, group, &deg) || deg != in_group)
				problem(c, "node %llu: degree counter says %llu, adjacency holds %llu",
				        (unsigned long long)dn_key_get_u64(group), (unsigned long long)deg,
				        (unsigned long long)in_group);
			have_group = false;
		}
		if (end)
			break;
		if (!have_group) {
			memcpy(group, k.mv_data, DN_ADJ_KEY_LEN);
			in_group = 0;
			have_group = true;
		}
		const uint8_t *kp = k.mv_data, *vp = v.mv_data;
		size_t m = v.mv_size / DN_ADJ_VAL_LEN;
		if (memcmp(kp + DN_ADJ_KEY_LEN, vp, DN_ADJ_VAL_LEN))
			problem(c, "adjacency chunk of node %llu is not keyed by its first entry",
			        (unsigned long long)dn_key_get_u64(kp));
		for (size_t j = 0; j < m; j++) {
			const uint8_t *e = vp + j * DN_ADJ_VAL_LEN;
			(*entries)++;
			in_group++;
			if (j && memcmp(e - DN_ADJ_VAL_LEN, e, DN_ADJ_VAL_LEN) >= 0)
				problem(c, "adjacency chunk of node %llu is not sorted", (unsigned long long)dn_key_get_u64(kp));
			dn_id node = dn_key_get_u64(kp), nbr = dn_key_get_u64(e), eid = dn_key_get_u64(e + 8);
			uint8_t dir = kp[8];
			uint32_t type = dn_key_get_u32(kp + 9);
			uint8_t ek[8];
			MDB_val ev;
			dn_rec r;
			dn_arena_reset(&t->arena);
			dn_key_put_u64(ek, eid);
			if (dn_get(t, DBI_EDGES, ek, 8, &ev) || dn_rec_decode(ev.mv_data, ev.mv_size, &t->arena, &r)) {
				problem(c, "adjacency of node %llu names edge %llu, which does not exist",
				        (unsigned long long)node, (unsigned long long)eid);
				continue;
			}
			dn_id want_me = dir == DN_OUT ? r.src : r.dst, want_nbr = dir == DN_OUT ? r.dst : r.src;
			if ((dir != DN_OUT && dir != DN_IN) || want_me != node || want_nbr != nbr || r.type != type)
				problem(c, "adjacency of node %llu disagrees with edge %llu", (unsigned long long)node,
				        (unsigned long long)eid);
		}
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "scan adjacency");
	/* every degree counter has chunks behind it */
	if ((rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_DEG], &cur)))
		return dn_error_lmdb(t->db, rc, "cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		MDB_cursor *ac = dn_txn_cursor(t, DBI_ADJ);
		MDB_val ak = k, av;
		int r2 = ac ? mdb_cursor_get(ac, &ak, &av, MDB_SET_RANGE) : EINVAL;
		if (k.mv_size != DN_ADJ_KEY_LEN || r2 || ak.mv_size < DN_ADJ_KEY_LEN ||
		    memcmp(ak.mv_data, k.mv_data, DN_ADJ_KEY_LEN))
			problem(c, "degree counter of node %llu without adjacency",
			        (unsigned long long)(k.mv_size >= 8 ? dn_key_get_u64(k.mv_data) : 0));
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(t->db, rc, "scan degrees");
}

/* Label and property index entries point at nodes that carry them. */
static int check_index_entries(chk *c, int dbi)
{
	dn_txn *t = c->t;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[dbi], &cur);
	if (rc)
		return dn_error_lmdb(t->db, rc, "cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		dn_id id = v.mv_size == 8 ? dn_key_get_u64(v.mv_data) : 0;
		uint32_t tok = k.mv_size >= 4 ? dn_key_get_u32(k.mv_data) : 0;
		uint8_t nk[8];
		MDB_val nv;
		dn_rec r;
		dn_arena_reset(&t->arena);
		dn_key_put_u64(nk, id);
		if (dn_get(t, DBI_NODES, nk, 8, &nv) || dn_rec_decode(nv.mv_data, nv.mv_size, &t->arena, &r)) {
			problem(c, "%s entry names node %llu, which does not exist",
			        dbi == DBI_LABELS ? "label index" : "property index", (unsigned long long)id);
			continue;
		}
		if (dbi == DBI_LABELS) {
			if (!dn_rec_has_label(&r, tok))
				problem(c, "label index lists node %llu under label %u it does not carry",
				        (unsigned long long)id, tok);
			continue;
		}
		const dn_index_def *d = NULL;
		for (size_t i = 0; i < t->nidx; i++)
			if (t->idx[i].id == tok)
				d = &t->idx[i];
		const dn_value *pv = d ? dn_rec_prop(&r, d->key) : NULL;
		uint8_t ek[DN_KEY_VALUE_MAX + 8];
		size_t el = 0;
		if (pv && dn_rec_has_label(&r, d->label)) {
			dn_key_put_u32(ek, d->id);
			el = 4 + dn_key_put_value(ek + 4, DN_KEY_VALUE_MAX, pv);
		}
		if (!d)
			problem(c, "property index entry for unknown index %u", tok);
		else if (el != k.mv_size || memcmp(ek, k.mv_data, el))
			problem(c, "index %s: entry for node %llu does not match its value", d->name,
			        (unsigned long long)id);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(t->db, rc, "scan index");
}

static int check_tokens_and_log(chk *c)
{
	dn_txn *t = c->t;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_TOK_NAME], &cur);
	if (rc)
		return dn_error_lmdb(t->db, rc, "cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint8_t ik[5];
		MDB_val iv;
		if (k.mv_size < 2 || v.mv_size != 4) {
			problem(c, "token entry malformed");
			continue;
		}
		ik[0] = ((uint8_t *)k.mv_data)[0];
		memcpy(ik + 1, v.mv_data, 4);
		if (dn_get(t, DBI_TOK_ID, ik, 5, &iv) || iv.mv_size != k.mv_size - 1 ||
		    memcmp(iv.mv_data, (uint8_t *)k.mv_data + 1, iv.mv_size))
			problem(c, "token '%.*s' does not map back to its name", (int)(k.mv_size - 1),
			        (char *)k.mv_data + 1);
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "scan tokens");
	for (uint64_t pos = 1; pos <= t->base_pos; pos++) {
		uint8_t lk[12];
		dn_key_put_u64(lk, pos);
		dn_key_put_u32(lk + 8, 0);
		if (dn_get(t, DBI_LOG, lk, 12, &v) || v.mv_size < 28)
			problem(c, "log header %llu missing or short", (unsigned long long)pos);
	}
	/* history versions: decodable and older than the position that
	 * superseded them */
	if ((rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_HISTORY], &cur)))
		return dn_error_lmdb(t->db, rc, "cursor");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		dn_rec r;
		dn_arena_reset(&t->arena);
		if (k.mv_size != 17 || dn_rec_decode(v.mv_data, v.mv_size, &t->arena, &r)) {
			problem(c, "history entry malformed");
			continue;
		}
		uint64_t to = dn_key_get_u64((uint8_t *)k.mv_data + 9);
		if (r.version_pos >= to || to > t->pos) /* t->pos: what this transaction writes at */
			problem(c, "history of %llu: version %llu superseded at %llu is out of order",
			        (unsigned long long)dn_key_get_u64((uint8_t *)k.mv_data + 1),
			        (unsigned long long)r.version_pos, (unsigned long long)to);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : dn_error_lmdb(t->db, rc, "scan history");
}

int dn_check(dn_txn *t, void (*report)(void *, const char *), void *ctx, uint64_t *problems)
{
	chk c = {t, report, ctx, 0};
	uint64_t nodes = 0, edges = 0, adj = 0, *per_type = NULL;
	size_t ntypes = 0;
	int rc = dn_txn_check_usable(t);
	*problems = 0;
	if (rc)
		return rc;
	if (t->as_of || t->restricted)
		return dn_error(t->db, DN_EINVAL, "check needs an unrestricted transaction at the present");
	if (dn_adj_pending(t) && (rc = dn_adj_sync(t)))
		return rc;
	dn_txn_begin_call(t);
	if ((rc = check_nodes(&c, &nodes)) || (rc = check_edges(&c, &edges, &per_type, &ntypes)) ||
	    (rc = check_adj(&c, &adj)) || (rc = check_index_entries(&c, DBI_LABELS)) ||
	    (rc = check_index_entries(&c, DBI_PIDX)) || (rc = check_tokens_and_log(&c))) {
		free(per_type);
		return rc;
	}
	if (nodes != t->n_nodes)
		problem(&c, "node counter says %llu, %llu records stored", (unsigned long long)t->n_nodes,
		        (unsigned long long)nodes);
	if (edges != t->n_edges)
		problem(&c, "edge counter says %llu, %llu records stored", (unsigned long long)t->n_edges,
		        (unsigned long long)edges);
	if (adj != 2 * edges)
		problem(&c, "%llu adjacency entries for %llu edges (expected twice as many)",
		        (unsigned long long)adj, (unsigned long long)edges);
	/* per-type counters */
	MDB_cursor *cur;
	MDB_val k, v;
	if (!(rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_COUNTS], &cur))) {
		uint64_t *seen = dn_calloc(ntypes ? ntypes : 1, sizeof *seen);
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && seen;
		     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			uint32_t ty = dn_key_get_u32(k.mv_data);
			uint64_t n = v.mv_size == 8 ? dn_key_get_u64(v.mv_data) : 0;
			uint64_t have = ty < ntypes ? per_type[ty] : 0;
			if (ty < ntypes)
				seen[ty] = 1;
			if (n != have)
				problem(&c, "type %u: counter says %llu, %llu edges stored", ty, (unsigned long long)n,
				        (unsigned long long)have);
		}
		for (size_t ty = 0; seen && ty < ntypes; ty++)
			if (per_type[ty] && !seen[ty])
				problem(&c, "type %zu: %llu edges but no counter", ty, (unsigned long long)per_type[ty]);
		free(seen);
		mdb_cursor_close(cur);
		rc = 0;
	} else {
		rc = dn_error_lmdb(t->db, rc, "cursor");
	}
	free(per_type);
	*problems = c.problems;
	return rc;
}
