/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * graph.c — nodes and edges: the public create/read/update/delete calls and
 * the two write primitives under them, dn_node_store and dn_edge_store,
 * through which every change (and every journal replay) passes. A store
 * keeps the superseded version in `history`, maintains the label index,
 * property indexes, adjacency and counters, and appends to the log. Reads
 * go through dn_node_read / dn_edge_read, which apply the transaction's
 * as-of position and clearances, so hidden elements stay hidden in every
 * caller above.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keys.h"

/* --- reading ---------------------------------------------------------- */

/* How read_current decodes: COPY keeps the bytes (the write path's old
 * version), HEAD leaves the properties for dn_rec_find. */
enum { READ_COPY = 1, READ_HEAD = 2 };

/* Record id on cursor c, whose last read was id *next - 1 (0: none): ids
 * read in ascending order (a label scan over nodes made together, a
 * search's sorted ends) are usually the next key or a few keys on, so a
 * few steps get there without a search; a step that lands past id, or a
 * cursor another reader moved, ends in the search. 0 with *v, or LMDB's
 * code (MDB_NOTFOUND); *next follows. */
static int cursor_get_id(MDB_cursor *c, dn_id id, dn_id *next, MDB_val *v)
{
	uint8_t key[8];
	MDB_val k;
	dn_key_put_u64(key, id);
	if (*next && id >= *next && id - *next < 8)
		for (dn_id s = *next; s <= id; s++) {
			if (mdb_cursor_get(c, &k, v, MDB_NEXT) || k.mv_size != 8)
				break;
			int cmp = memcmp(k.mv_data, key, 8);
			if (!cmp) {
				*next = id + 1;
				return 0;
			}
			if (cmp > 0)
				break;
		}
	k = (MDB_val){8, key};
	int rc = mdb_cursor_get(c, &k, v, MDB_SET_KEY);
	*next = rc ? 0 : id + 1;
	return rc;
}

static int read_current(dn_txn *t, int dbi, dn_id id, dn_rec *r, bool *found, unsigned how)
{
	uint8_t key[8];
	MDB_val v;
	*found = false;
	size_t slot = (size_t)((id * 0x9E3779B97F4A7C15ull) >> 54); /* 10 bits: DN_RCACHE_SLOTS */
	if (t->rdonly && !t->rcache)
		t->rcache = calloc(DN_RCACHE_SLOTS, sizeof *t->rcache); /* none: no cache */
	if (t->rcache && t->rcache[slot].id == id && t->rcache[slot].dbi == dbi) {
		v.mv_data = (void *)(uintptr_t)t->rcache[slot].p;
		v.mv_size = t->rcache[slot].n;
	} else {
		dn_key_put_u64(key, id);
		/* a read transaction reads through its cursor on the records:
		 * LMDB looks for a key on the cursor's page before searching from
		 * the root, and ids read in order step (cursor_get_id) */
		MDB_cursor *c = t->rdonly ? dn_txn_cursor(t, dbi) : NULL;
		int rc = c ? cursor_get_id(c, id, &t->rnext[dbi == DBI_NODES ? 0 : 1], &v) : dn_get(t, dbi, key, 8, &v);
		if (rc == DN_ENOTFOUND || (c && rc == MDB_NOTFOUND))
			return 0;
		if (rc)
			return c ? dn_error_lmdb(t->db, rc, "read") : rc;
		if (t->rcache) {
			t->rcache[slot].id = id;
			t->rcache[slot].dbi = dbi;
			t->rcache[slot].p = v.mv_data;
			t->rcache[slot].n = v.mv_size;
		}
	}
	int rc;
	const uint8_t *p = v.mv_data;
	if (how & READ_COPY) {
		/* the write path keeps the old bytes (for history) stable */
		t->oldraw.len = 0;
		if ((rc = dn_buf_put(&t->oldraw, v.mv_data, v.mv_size)))
			return rc;
		p = t->oldraw.p;
	}
	if ((rc = (how & READ_HEAD ? dn_rec_decode_head : dn_rec_decode)(p, v.mv_size, &t->arena, r)))
		return dn_error(t->db, rc, "%s %llu: record is corrupted", dbi == DBI_NODES ? "node" : "edge",
		                (unsigned long long)id);
	*found = true;
	return 0;
}

/* The version of (kind, id) that was current at the transaction's as-of
 * position: the oldest history entry superseded after it, else the current
 * record. */
int dn_history_read(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, bool *found)
{
	uint8_t key[17];
	MDB_cursor *c = dn_txn_cursor(t, DBI_HISTORY);
	*found = false;
	if (!c)
		return dn_error(t->db, DN_EIO, "cannot open cursor");
	if (id >= (kind == DN_REC_NODE ? t->asof_next_node : t->asof_next_edge))
		return 0;
	key[0] = kind;
	dn_key_put_u64(key + 1, id);
	dn_key_put_u64(key + 9, t->base_pos + 1);
	MDB_val k = {17, key}, v;
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == 17 && !memcmp(k.mv_data, key, 9)) {
		if ((rc = dn_rec_decode(v.mv_data, v.mv_size, &t->arena, r)))
			return dn_error(t->db, rc, "history of %llu is corrupted", (unsigned long long)id);
		*found = r->version_pos <= t->base_pos;
		return 0;
	}
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "history");
	rc = read_current(t, kind == DN_REC_NODE ? DBI_NODES : DBI_EDGES, id, r, found, 0);
	if (!rc && *found && r->version_pos > t->base_pos)
		*found = false; /* purged history; nothing to show */
	return rc;
}

bool dn_visible(dn_txn *t, const dn_rec *r)
{
	return dn_clear_ok(t, r);
}

static int read_visible_how(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, bool *found, unsigned how);

static int read_visible(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, bool *found)
{
	return read_visible_how(t, kind, id, r, found, 0);
}

static int read_visible_how(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, bool *found, unsigned how)
{
	int rc;
	if (t->as_of)
		rc = dn_history_read(t, kind, id, r, found);
	else
		rc = read_current(t, kind == DN_REC_NODE ? DBI_NODES : DBI_EDGES, id, r, found, how);
	if (!rc && *found && !dn_clear_ok(t, r))
		*found = false;
	if (!rc && *found && kind == DN_REC_EDGE && t->restricted) {
		/* an edge to a node the reader cannot see is hidden too */
		dn_rec end;
		bool ok;
		if ((rc = read_visible(t, DN_REC_NODE, r->src, &end, &ok)) == 0 && ok && r->dst != r->src)
			rc = read_visible(t, DN_REC_NODE, r->dst, &end, &ok);
		if (!rc && !ok)
			*found = false;
	}
	return rc;
}

int dn_node_read(dn_txn *t, dn_id id, dn_rec *r, bool *found)
{
	return read_visible(t, DN_REC_NODE, id, r, found);
}

int dn_edge_read(dn_txn *t, dn_id id, dn_rec *r, bool *found)
{
	return read_visible(t, DN_REC_EDGE, id, r, found);
}

/* --- the write primitives --------------------------------------------- */

static int history_put(dn_txn *t, uint8_t kind, dn_id id)
{
	uint8_t key[17];
	key[0] = kind;
	dn_key_put_u64(key + 1, id);
	dn_key_put_u64(key + 9, t->pos);
	return dn_put(t, DBI_HISTORY, key, 17, t->oldraw.p, t->oldraw.len, 0);
}

static int label_put(dn_txn *t, uint32_t label, dn_id id, bool add)
{
	uint8_t key[4], val[8];
	dn_key_put_u32(key, label);
	dn_key_put_u64(val, id);
	if (!add)
		return dn_del(t, DBI_LABELS, key, 4, val, 8);
	/* a new node's id is the label's largest: appended without a search
	 * of the label's ids */
	int rc = dn_put(t, DBI_LABELS, key, 4, val, 8, MDB_APPENDDUP);
	return rc == DN_EEXISTS ? dn_put(t, DBI_LABELS, key, 4, val, 8, 0) : rc;
}

/* Writes `neu` (NULL to delete) as the new version of node id. */
int dn_node_store(dn_txn *t, dn_id id, const dn_rec *neu, uint8_t log_op)
{
	dn_rec old, rec;
	bool had;
	int rc;
	uint8_t key[8];

	/* an id at or past the counter was never used: nothing to read */
	had = false;
	if (id < t->next_node && (rc = read_current(t, DBI_NODES, id, &old, &had, READ_COPY)))
		return rc;
	if (neu) {
		rec = *neu;
		rec.kind = DN_REC_NODE;
		rec.version_pos = t->pos;
		rec.created_pos = had ? old.created_pos : t->pos;
		if ((rc = dn_index_check_unique(t, id, had ? &old : NULL, &rec)))
			return rc;
		if ((rc = dn_rec_encode(&rec, &t->scratch)))
			return rc;
		if ((rc = dn_journal_add(t, DN_J_NODE_PUT, log_op, id, t->scratch.p, t->scratch.len)))
			return rc;
	} else {
		if (!had)
			return dn_error(t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)id);
		if ((rc = dn_journal_add(t, DN_J_NODE_DEL, log_op, id, NULL, 0)))
			return rc;
	}
	if (had && old.version_pos != t->pos && (rc = history_put(t, DN_REC_NODE, id)))
		return rc;
	/* label index: old labels not in new go, new ones not in old come */
	for (uint32_t i = 0; had && i < old.nlabels; i++)
		if ((!neu || !dn_rec_has_label(&rec, old.labels[i])) &&
		    (rc = label_put(t, old.labels[i], id, false)))
			return rc;
	for (uint32_t i = 0; neu && i < rec.nlabels; i++)
		if ((!had || !dn_rec_has_label(&old, rec.labels[i])) && (rc = label_put(t, rec.labels[i], id, true)))
			return rc;
	if ((rc = dn_index_update(t, id, had ? &old : NULL, neu ? &rec : NULL)))
		return rc;
	dn_key_put_u64(key, id);
	if (neu)
		rc = dn_put(t, DBI_NODES, key, 8, t->scratch.p, t->scratch.len, had ? 0 : MDB_APPEND);
	else
		rc = dn_del(t, DBI_NODES, key, 8, NULL, 0);
	if (rc == DN_EMAPFULL_INTERNAL || (rc && rc != DN_EEXISTS))
		return rc;
	if (rc == DN_EEXISTS) /* not at the end: a plain put */
		rc = dn_put(t, DBI_NODES, key, 8, t->scratch.p, t->scratch.len, 0);
	if (rc)
		return rc;
	if (!had && neu) {
		t->n_nodes++;
		if (id >= t->next_node)
			t->next_node = id + 1;
	} else if (had && !neu) {
		t->n_nodes--;
		t->nodes_deleted = true;
	}
	return dn_log_append(t, log_op, id, NULL);
}

static void adj_key(uint8_t *k, dn_id node, uint8_t dir, uint32_t type)
{
	dn_key_put_u64(k, node);
	k[8] = dir;
	dn_key_put_u32(k + 9, type);
}

/* Removes a deleted edge's two adjacency entries, keeping them in adj_hist
 * for as-of reads unless the edge never existed at a committed position. */
static int adj_remove(dn_txn *t, const dn_rec *e, dn_id id)
{
	uint8_t k[DN_ADJ_KEY_LEN], v[DN_ADJH_VAL_LEN];
	int rc;
	for (int d = 0; d < 2; d++) {
		dn_id me = d == 0 ? e->src : e->dst, other = d == 0 ? e->dst : e->src;
		adj_key(k, me, d == 0 ? DN_OUT : DN_IN, e->type);
		dn_key_put_u64(v, other);
		dn_key_put_u64(v + 8, id);
		rc = dn_adj_remove(t, k, v);
		if (rc == DN_ENOTFOUND)
			rc = dn_error(t->db, DN_ECORRUPT, "edge %llu missing from the adjacency of node %llu",
			              (unsigned long long)id, (unsigned long long)me);
		if (rc)
			return rc;
		if (e->created_pos != t->pos) {
			dn_key_put_u64(v + 16, t->pos);
			if ((rc = dn_put(t, DBI_ADJ_HIST, k, sizeof k, v, DN_ADJH_VAL_LEN, 0)))
				return rc;
		}
	}
	return 0;
}

int dn_edge_store(dn_txn *t, dn_id id, const dn_rec *neu, uint8_t log_op)
{
	dn_rec old, rec;
	bool had;
	int rc;
	uint8_t key[8];

	had = false;
	if (id < t->next_edge && (rc = read_current(t, DBI_EDGES, id, &old, &had, READ_COPY)))
		return rc;
	if (neu) {
		rec = *neu;
		rec.kind = DN_REC_EDGE;
		rec.version_pos = t->pos;
		rec.created_pos = had ? old.created_pos : t->pos;
		if (had) { /* endpoints and type never change */
			rec.src = old.src;
			rec.dst = old.dst;
			rec.type = old.type;
		}
		if ((rc = dn_rec_encode(&rec, &t->scratch)))
			return rc;
		if ((rc = dn_journal_add(t, DN_J_EDGE_PUT, log_op, id, t->scratch.p, t->scratch.len)))
			return rc;
	} else {
		if (!had)
			return dn_error(t->db, DN_ENOTFOUND, "edge %llu not found", (unsigned long long)id);
		if ((rc = dn_journal_add(t, DN_J_EDGE_DEL, log_op, id, NULL, 0)))
			return rc;
	}
	if (had && old.version_pos != t->pos && (rc = history_put(t, DN_REC_EDGE, id)))
		return rc;
	if (!had && (rc = dn_adj_buffer_add(t, rec.src, rec.dst, rec.type, id)))
		return rc;
	/* buffered adjacency (this transaction's new edges) must be written
	 * before an entry can be removed; replays take this path too */
	if (had && !neu && dn_adj_pending(t) && (rc = dn_adj_flush(t)))
		return rc;
	if (had && !neu && (rc = adj_remove(t, &old, id)))
		return rc;
	dn_key_put_u64(key, id);
	if (neu) {
		rc = dn_put(t, DBI_EDGES, key, 8, t->scratch.p, t->scratch.len, had ? 0 : MDB_APPEND);
		if (rc == DN_EEXISTS)
			rc = dn_put(t, DBI_EDGES, key, 8, t->scratch.p, t->scratch.len, 0);
	} else {
		rc = dn_del(t, DBI_EDGES, key, 8, NULL, 0);
	}
	if (rc)
		return rc;
	if (!had && neu) {
		t->n_edges++;
		if (id >= t->next_edge)
			t->next_edge = id + 1;
		if ((rc = dn_type_delta(t, rec.type, 1)))
			return rc;
	} else if (had && !neu) {
		t->n_edges--;
		if ((rc = dn_type_delta(t, old.type, -1)))
			return rc;
	}
	return dn_log_append(t, log_op, id, NULL);
}

/* --- building records from API arguments ------------------------------ */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t sort_unique_u32(uint32_t *v, uint32_t n)
{
	if (n < 2)
		return n;
	qsort(v, n, sizeof *v, cmp_u32);
	uint32_t w = 1;
	for (uint32_t i = 1; i < n; i++)
		if (v[i] != v[w - 1])
			v[w++] = v[i];
	return w;
}

static int check_value(dn_txn *t, const char *key, const dn_value *v)
{
	if (!DN_TYPE_STORABLE(v->type))
		return dn_error(t->db, DN_EINVAL, "property '%s': a %s cannot be stored", key, dn_type_name(v->type));
	if (v->type == DN_STRING && !v->u.s && v->len)
		return dn_error(t->db, DN_EINVAL, "property '%s': string without data", key);
	if (v->type == DN_LIST)
		for (uint32_t i = 0; i < v->len; i++)
			if (check_value(t, key, &v->u.list[i]))
				return DN_EINVAL;
	return 0;
}

/* Fills the metadata part of r from m (strings borrowed from m). */
static int rec_set_meta(dn_txn *t, dn_rec *r, const dn_meta *m)
{
	r->source = NULL;
	r->record = NULL;
	r->source_len = r->record_len = 0;
	r->reliability = 0;
	r->credibility = 0;
	r->valid_from = r->valid_to = DN_TIME_UNSET;
	r->nmarks = 0;
	if (!m)
		return 0;
	if (m->reliability && (m->reliability < 'A' || m->reliability > 'F'))
		return dn_error(t->db, DN_EINVAL, "source reliability must be A to F, not '%c'", m->reliability);
	if (m->credibility > 6)
		return dn_error(t->db, DN_EINVAL, "information credibility must be 1 to 6, not %u",
		                m->credibility);
	if (m->valid_from != DN_TIME_UNSET && m->valid_to != DN_TIME_UNSET && m->valid_to < m->valid_from)
		return dn_error(t->db, DN_EINVAL, "valid time ends before it starts");
	if (m->source && *m->source) {
		r->source = m->source;
		r->source_len = strlen(m->source);
	}
	if (m->record && *m->record) {
		r->record = m->record;
		r->record_len = strlen(m->record);
	}
	r->reliability = m->reliability;
	r->credibility = m->credibility;
	r->valid_from = m->valid_from;
	r->valid_to = m->valid_to;
	for (const char *s = m->marking; s && *s;) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		const char *a = s, *b = s + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			uint32_t id;
			int rc;
			if (r->nmarks == DN_MAX_MARKS)
				return dn_error(t->db, DN_ELIMIT, "more than %d handling caveats", DN_MAX_MARKS);
			if ((rc = dn_tok_intern(t, DN_TOKEN_MARKING, a, (size_t)(b - a), &id)))
				return rc;
			r->marks[r->nmarks++] = id;
		}
		s = e ? e + 1 : NULL;
	}
	r->nmarks = sort_unique_u32(r->marks, r->nmarks);
	return 0;
}

/* Sorts properties by key id, keeping the last of repeated keys and
 * dropping NULLs. */
static uint32_t normalize_props(dn_rprop *p, uint32_t n)
{
	/* p is sorted stably by key: the last of a run of equal keys wins */
	uint32_t w = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (w && p[w - 1].key == p[i].key)
			p[w - 1] = p[i];
		else
			p[w++] = p[i];
	}
	uint32_t k = 0;
	for (uint32_t i = 0; i < w; i++)
		if (p[i].v.type != DN_NULL)
			p[k++] = p[i];
	return k;
}

static int build_props(dn_txn *t, dn_rec *r, const dn_prop *props, size_t nprops)
{
	int rc;
	r->nprops = 0;
	r->props = dn_arena_alloc(&t->arena, (nprops ? nprops : 1) * sizeof *r->props);
	if (!r->props)
		return DN_ENOMEM;
	for (size_t i = 0; i < nprops; i++) {
		if (!props[i].key || !*props[i].key)
			return dn_error(t->db, DN_EINVAL, "property key must not be empty");
		if ((rc = check_value(t, props[i].key, &props[i].value)))
			return rc;
		uint32_t k;
		if ((rc = dn_tok_intern(t, DN_TOKEN_KEY, props[i].key, strlen(props[i].key), &k)))
			return rc;
		r->props[r->nprops].key = k;
		r->props[r->nprops].v = props[i].value;
		r->nprops++;
	}
	/* small arrays: insertion order matters for "last wins" */
	for (uint32_t i = 1; i < r->nprops; i++) {
		dn_rprop x = r->props[i];
		uint32_t j = i;
		while (j > 0 && r->props[j - 1].key > x.key) {
			r->props[j] = r->props[j - 1];
			j--;
		}
		r->props[j] = x;
	}
	r->nprops = normalize_props(r->props, r->nprops);
	return 0;
}

static int do_node_create(dn_txn *t, const char *const *labels, size_t nlabels, const dn_prop *props,
                          size_t nprops, const dn_meta *meta, dn_id *id)
{
	dn_rec r;
	int rc;
	memset(&r, 0, sizeof r);
	r.kind = DN_REC_NODE;
	r.labels = dn_arena_alloc(&t->arena, (nlabels ? nlabels : 1) * sizeof *r.labels);
	if (!r.labels)
		return DN_ENOMEM;
	for (size_t i = 0; i < nlabels; i++) {
		if (!labels[i] || !*labels[i])
			return dn_error(t->db, DN_EINVAL, "label must not be empty");
		if ((rc = dn_tok_intern(t, DN_TOKEN_LABEL, labels[i], strlen(labels[i]), &r.labels[r.nlabels])))
			return rc;
		r.nlabels++;
	}
	r.nlabels = sort_unique_u32(r.labels, r.nlabels);
	if ((rc = build_props(t, &r, props, nprops)) || (rc = rec_set_meta(t, &r, meta)))
		return rc;
	*id = t->next_node;
	return dn_node_store(t, *id, &r, DN_LOG_NODE_CREATE);
}

int dn_node_create(dn_txn *t, const char *const *labels, size_t nlabels, const dn_prop *props,
                   size_t nprops, const dn_meta *meta, dn_id *id)
{
	DN_WRITE_CALL(t, do_node_create(t, labels, nlabels, props, nprops, meta, id));
}

/* Reads a visible current record for modification. */
static int load_for_update(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r)
{
	bool found;
	int rc = read_visible(t, kind, id, r, &found);
	if (rc)
		return rc;
	if (!found)
		return dn_error(t->db, DN_ENOTFOUND, "%s %llu not found", kind == DN_REC_NODE ? "node" : "edge",
		                (unsigned long long)id);
	return 0;
}

/* Sets (or with a NULL value removes) a property in r, reallocating in the
 * arena. */
static int rec_set_prop(dn_txn *t, dn_rec *r, uint32_t key, const dn_value *v)
{
	dn_rprop *p = dn_arena_alloc(&t->arena, (r->nprops + 1) * sizeof *p);
	if (!p)
		return DN_ENOMEM;
	uint32_t n = 0;
	bool placed = false;
	for (uint32_t i = 0; i < r->nprops; i++) {
		if (!placed && r->props[i].key >= key) {
			if (v && v->type != DN_NULL)
				p[n++] = (dn_rprop){key, *v};
			placed = true;
			if (r->props[i].key == key)
				continue;
		}
		p[n++] = r->props[i];
	}
	if (!placed && v && v->type != DN_NULL)
		p[n++] = (dn_rprop){key, *v};
	r->props = p;
	r->nprops = n;
	return 0;
}

static int do_set_prop(dn_txn *t, uint8_t kind, dn_id id, const char *key, const dn_value *v)
{
	dn_rec r;
	uint32_t k;
	int rc;
	if (!key || !*key)
		return dn_error(t->db, DN_EINVAL, "property key must not be empty");
	if (v && (rc = check_value(t, key, v)))
		return rc;
	if ((rc = load_for_update(t, kind, id, &r)))
		return rc;
	if (!v || v->type == DN_NULL) {
		rc = dn_tok_lookup(t, DN_TOKEN_KEY, key, strlen(key), &k);
		if (rc == DN_ENOTFOUND || (rc == 0 && !dn_rec_prop(&r, k)))
			return 0; /* nothing to remove */
		if (rc)
			return rc;
	} else if ((rc = dn_tok_intern(t, DN_TOKEN_KEY, key, strlen(key), &k))) {
		return rc;
	}
	if ((rc = rec_set_prop(t, &r, k, v)))
		return rc;
	return kind == DN_REC_NODE ? dn_node_store(t, id, &r, DN_LOG_NODE_UPDATE)
	                           : dn_edge_store(t, id, &r, DN_LOG_EDGE_UPDATE);
}

int dn_node_set_prop(dn_txn *t, dn_id id, const char *key, const dn_value *value)
{
	DN_WRITE_CALL(t, do_set_prop(t, DN_REC_NODE, id, key, value));
}

int dn_node_remove_prop(dn_txn *t, dn_id id, const char *key)
{
	DN_WRITE_CALL(t, do_set_prop(t, DN_REC_NODE, id, key, NULL));
}

int dn_edge_set_prop(dn_txn *t, dn_id id, const char *key, const dn_value *value)
{
	DN_WRITE_CALL(t, do_set_prop(t, DN_REC_EDGE, id, key, value));
}

int dn_edge_remove_prop(dn_txn *t, dn_id id, const char *key)
{
	DN_WRITE_CALL(t, do_set_prop(t, DN_REC_EDGE, id, key, NULL));
}

static int do_label(dn_txn *t, dn_id id, const char *label, bool add)
{
	dn_rec r;
	uint32_t l;
	int rc;
	if (!label || !*label)
		return dn_error(t->db, DN_EINVAL, "label must not be empty");
	if ((rc = load_for_update(t, DN_REC_NODE, id, &r)))
		return rc;
	if (add) {
		if ((rc = dn_tok_intern(t, DN_TOKEN_LABEL, label, strlen(label), &l)))
			return rc;
		if (dn_rec_has_label(&r, l))
			return 0;
		uint32_t *ls = dn_arena_alloc(&t->arena, (r.nlabels + 1) * sizeof *ls);
		if (!ls)
			return DN_ENOMEM;
		memcpy(ls, r.labels, r.nlabels * sizeof *ls);
		ls[r.nlabels] = l;
		r.labels = ls;
		r.nlabels = sort_unique_u32(ls, r.nlabels + 1);
	} else {
		rc = dn_tok_lookup(t, DN_TOKEN_LABEL, label, strlen(label), &l);
		if (rc == DN_ENOTFOUND || (rc == 0 && !dn_rec_has_label(&r, l)))
			return 0;
		if (rc)
			return rc;
		uint32_t w = 0;
		for (uint32_t i = 0; i < r.nlabels; i++)
			if (r.labels[i] != l)
				r.labels[w++] = r.labels[i];
		r.nlabels = w;
	}
	return dn_node_store(t, id, &r, DN_LOG_NODE_UPDATE);
}

int dn_node_add_label(dn_txn *t, dn_id id, const char *label)
{
	DN_WRITE_CALL(t, do_label(t, id, label, true));
}

int dn_node_remove_label(dn_txn *t, dn_id id, const char *label)
{
	DN_WRITE_CALL(t, do_label(t, id, label, false));
}

static int do_set_meta(dn_txn *t, uint8_t kind, dn_id id, const dn_meta *m)
{
	dn_rec r;
	int rc;
	if ((rc = load_for_update(t, kind, id, &r)) || (rc = rec_set_meta(t, &r, m)))
		return rc;
	return kind == DN_REC_NODE ? dn_node_store(t, id, &r, DN_LOG_NODE_UPDATE)
	                           : dn_edge_store(t, id, &r, DN_LOG_EDGE_UPDATE);
}

int dn_node_set_meta(dn_txn *t, dn_id id, const dn_meta *meta)
{
	DN_WRITE_CALL(t, do_set_meta(t, DN_REC_NODE, id, meta));
}

int dn_edge_set_meta(dn_txn *t, dn_id id, const dn_meta *meta)
{
	DN_WRITE_CALL(t, do_set_meta(t, DN_REC_EDGE, id, meta));
}

/* True when the node has at least one edge (any direction, any type). */
static int node_has_edges(dn_txn *t, dn_id id, bool *has)
{
	uint8_t k[DN_ADJ_KEY_LEN];
	MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
	if (!c)
		return dn_error(t->db, DN_EIO, "cannot open cursor");
	adj_key(k, id, 0, 0);
	MDB_val key = {sizeof k, k}, v;
	int rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
	*has = rc == 0 && key.mv_size >= DN_ADJ_KEY_LEN && !memcmp(key.mv_data, k, 8);
	if (rc && rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "adjacency");
	return 0;
}

static int do_node_delete(dn_txn *t, dn_id id, bool detach)
{
	dn_rec r;
	bool has;
	int rc;
	if ((rc = load_for_update(t, DN_REC_NODE, id, &r)) || (rc = node_has_edges(t, id, &has)))
		return rc;
	if (has && !detach)
		return dn_error(t->db, DN_ECONSTRAINT,
		                "cannot delete node %llu: it still has relationships (use detach delete)",
		                (unsigned long long)id);
	while (has) {
		/* delete the first remaining edge, then look again */
		uint8_t k[DN_ADJ_KEY_LEN];
		MDB_cursor *c = dn_txn_cursor(t, DBI_ADJ);
		adj_key(k, id, 0, 0);
		MDB_val key = {sizeof k, k}, v;
		if ((rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE)))
			return dn_error_lmdb(t->db, rc, "adjacency");
		dn_id eid = dn_key_get_u64((uint8_t *)v.mv_data + 8);
		dn_arena_reset(&t->arena);
		if ((rc = dn_edge_store(t, eid, NULL, DN_LOG_EDGE_DELETE)) || (rc = node_has_edges(t, id, &has)))
			return rc;
	}
	return dn_node_store(t, id, NULL, DN_LOG_NODE_DELETE);
}

int dn_node_delete(dn_txn *t, dn_id id)
{
	int rc = t && !t->rdonly && dn_adj_pending(t) ? dn_adj_sync(t) : 0;
	if (rc)
		return rc;
	DN_WRITE_CALL(t, do_node_delete(t, id, false));
}

int dn_node_detach_delete(dn_txn *t, dn_id id)
{
	int rc = t && !t->rdonly && dn_adj_pending(t) ? dn_adj_sync(t) : 0;
	if (rc)
		return rc;
	DN_WRITE_CALL(t, do_node_delete(t, id, true));
}

static int do_edge_create(dn_txn *t, dn_id src, dn_id dst, const char *type, const dn_prop *props,
                          size_t nprops, const dn_meta *meta, dn_id *id)
{
	dn_rec r, tmp;
	bool found;
	int rc;
	if (!type || !*type)
		return dn_error(t->db, DN_EINVAL, "relationship type must not be empty");
	for (int end = 0; end < 2; end++) {
		dn_id n = end ? dst : src;
		if (end && dst == src)
			break;
		if (!t->restricted && !t->nodes_deleted && n >= t->b_next_node && n < t->next_node) {
			found = true; /* created by this transaction, none deleted */
			rc = 0;
		} else if (!t->restricted) { /* existence is enough: no decode */
			uint8_t key[8];
			MDB_val v;
			dn_key_put_u64(key, n);
			rc = dn_get(t, DBI_NODES, key, 8, &v);
			found = rc == 0;
			if (rc == DN_ENOTFOUND)
				rc = 0;
		} else {
			rc = dn_node_read(t, n, &tmp, &found);
		}
		if (rc)
			return rc;
		if (!found)
			return dn_error(t->db, DN_ENOTFOUND, "%s node %llu not found", end ? "end" : "start",
			                (unsigned long long)n);
	}
	memset(&r, 0, sizeof r);
	r.kind = DN_REC_EDGE;
	r.src = src;
	r.dst = dst;
	if ((rc = dn_tok_intern(t, DN_TOKEN_TYPE, type, strlen(type), &r.type)))
		return rc;
	if ((rc = build_props(t, &r, props, nprops)) || (rc = rec_set_meta(t, &r, meta)))
		return rc;
	*id = t->next_edge;
	return dn_edge_store(t, *id, &r, DN_LOG_EDGE_CREATE);
}

int dn_edge_create(dn_txn *t, dn_id src, dn_id dst, const char *type, const dn_prop *props,
                   size_t nprops, const dn_meta *meta, dn_id *id)
{
	DN_WRITE_CALL(t, do_edge_create(t, src, dst, type, props, nprops, meta, id));
}

static int do_edge_delete(dn_txn *t, dn_id id)
{
	dn_rec r;
	int rc = load_for_update(t, DN_REC_EDGE, id, &r);
	if (rc)
		return rc;
	return dn_edge_store(t, id, NULL, DN_LOG_EDGE_DELETE);
}

int dn_edge_delete(dn_txn *t, dn_id id)
{
	int rc = t && !t->rdonly && dn_adj_pending(t) ? dn_adj_sync(t) : 0;
	if (rc)
		return rc;
	DN_WRITE_CALL(t, do_edge_delete(t, id));
}

/* --- public reads ----------------------------------------------------- */

dn_meta dn_meta_none(void)
{
	return (dn_meta){NULL, NULL, 0, 0, DN_TIME_UNSET, DN_TIME_UNSET, NULL};
}

/* Bytes a deep copy of v needs beyond the dn_value itself. */
static size_t value_extra(const dn_value *v)
{
	if (v->type == DN_STRING)
		return v->len + 1;
	if (v->type == DN_LIST) {
		size_t n = v->len * sizeof(dn_value) + 16;
		for (uint32_t i = 0; i < v->len; i++)
			n += value_extra(&v->u.list[i]);
		return n;
	}
	return 0;
}

static dn_value value_into(const dn_value *v, char **pool)
{
	dn_value out = *v;
	out.owned = 0;
	if (v->type == DN_STRING) {
		char *s = *pool;
		memcpy(s, v->u.s, v->len);
		s[v->len] = '\0';
		*pool += v->len + 1;
		out.u.s = s;
	} else if (v->type == DN_LIST) {
		*pool = (char *)(((uintptr_t)*pool + 15) & ~(uintptr_t)15);
		dn_value *items = (dn_value *)*pool;
		*pool += v->len * sizeof(dn_value);
		for (uint32_t i = 0; i < v->len; i++)
			items[i] = value_into(&v->u.list[i], pool);
		out.u.list = items;
	}
	return out;
}

/* Builds the owned, single-allocation public form of a record. */
static int rec_export(dn_txn *t, const dn_rec *r, void **out)
{
	const char *lname[256], *kname[1024];
	size_t llen[256], klen[1024], tlen = 0;
	const char *tname = NULL;
	const char *mname[DN_MAX_MARKS];
	size_t mlen[DN_MAX_MARKS];
	int rc;
	if (r->nlabels > 256 || r->nprops > 1024)
		return dn_error(t->db, DN_ELIMIT, "too many labels or properties to export");
	size_t base = r->kind == DN_REC_NODE ? sizeof(dn_node) : sizeof(dn_edge);
	size_t size = base + r->nlabels * sizeof(char *) + r->nprops * sizeof(dn_prop) + 64;
	for (uint32_t i = 0; i < r->nlabels; i++) {
		if ((rc = dn_tok_name_ref(t, DN_TOKEN_LABEL, r->labels[i], &lname[i], &llen[i])))
			return rc;
		size += llen[i] + 1;
	}
	for (uint32_t i = 0; i < r->nprops; i++) {
		if ((rc = dn_tok_name_ref(t, DN_TOKEN_KEY, r->props[i].key, &kname[i], &klen[i])))
			return rc;
		size += klen[i] + 1 + value_extra(&r->props[i].v) + 16;
	}
	if (r->kind == DN_REC_EDGE) {
		if ((rc = dn_tok_name_ref(t, DN_TOKEN_TYPE, r->type, &tname, &tlen)))
			return rc;
		size += tlen + 1;
	}
	for (uint32_t i = 0; i < r->nmarks; i++) {
		if ((rc = dn_tok_name_ref(t, DN_TOKEN_MARKING, r->marks[i], &mname[i], &mlen[i])))
			return rc;
		size += mlen[i] + 1;
	}
	size += r->source_len + r->record_len + 2;
	uint8_t *blk = dn_calloc(1, size);
	if (!blk)
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	/* layout: struct | props array | labels array | strings and values */
	uint8_t *p = blk + ((base + 15) & ~(size_t)15);
	dn_prop *props = (dn_prop *)p;
	p += r->nprops * sizeof(dn_prop);
	const char **labels = (const char **)p;
	p += r->nlabels * sizeof(char *);
	p = (uint8_t *)(((uintptr_t)p + 15) & ~(uintptr_t)15);
	/* values first (aligned), then strings */
	char *pool = (char *)p;
	for (uint32_t i = 0; i < r->nprops; i++) {
		pool = (char *)(((uintptr_t)pool + 7) & ~(uintptr_t)7);
		props[i].value = value_into(&r->props[i].v, &pool);
	}
	/* property order: by name, for people */
	for (uint32_t i = 0; i < r->nprops; i++) {
		memcpy(pool, kname[i], klen[i]);
		pool[klen[i]] = '\0';
		props[i].key = pool;
		pool += klen[i] + 1;
	}
	for (uint32_t i = 1; i < r->nprops; i++)
		for (uint32_t j = i; j > 0 && strcmp(props[j - 1].key, props[j].key) > 0; j--) {
			dn_prop tmp = props[j];
			props[j] = props[j - 1];
			props[j - 1] = tmp;
		}
	for (uint32_t i = 0; i < r->nlabels; i++) {
		memcpy(pool, lname[i], llen[i]);
		pool[llen[i]] = '\0';
		labels[i] = pool;
		pool += llen[i] + 1;
	}
	for (uint32_t i = 1; i < r->nlabels; i++)
		for (uint32_t j = i; j > 0 && strcmp(labels[j - 1], labels[j]) > 0; j--) {
			const char *tmp = labels[j];
			labels[j] = labels[j - 1];
			labels[j - 1] = tmp;
		}
	dn_meta m = dn_meta_none();
	if (r->source) {
		memcpy(pool, r->source, r->source_len);
		pool[r->source_len] = '\0';
		m.source = pool;
		pool += r->source_len + 1;
	}
	if (r->record) {
		memcpy(pool, r->record, r->record_len);
		pool[r->record_len] = '\0';
		m.record = pool;
		pool += r->record_len + 1;
	}
	if (r->nmarks) {
		/* caveat names sorted alphabetically, comma-separated */
		const char *sorted[DN_MAX_MARKS];
		memcpy(sorted, mname, r->nmarks * sizeof *sorted);
		for (uint32_t i = 1; i < r->nmarks; i++)
			for (uint32_t j = i; j > 0 && strcmp(sorted[j - 1], sorted[j]) > 0; j--) {
				const char *tmp = sorted[j];
				sorted[j] = sorted[j - 1];
				sorted[j - 1] = tmp;
			}
		m.marking = pool;
		for (uint32_t i = 0; i < r->nmarks; i++) {
			size_t n = strlen(sorted[i]);
			if (i)
				*pool++ = ',';
			memcpy(pool, sorted[i], n);
			pool += n;
		}
		*pool++ = '\0';
	}
	m.reliability = r->reliability;
	m.credibility = r->credibility;
	m.valid_from = r->valid_from;
	m.valid_to = r->valid_to;
	if (r->kind == DN_REC_NODE) {
		dn_node *n = (dn_node *)blk;
		n->nlabels = r->nlabels;
		n->labels = labels;
		n->nprops = r->nprops;
		n->props = props;
		n->meta = m;
		n->created_pos = r->created_pos;
		n->version_pos = r->version_pos;
	} else {
		dn_edge *e = (dn_edge *)blk;
		memcpy(pool, tname, tlen);
		pool[tlen] = '\0';
		e->type = pool;
		e->src = r->src;
		e->dst = r->dst;
		e->nprops = r->nprops;
		e->props = props;
		e->meta = m;
		e->created_pos = r->created_pos;
		e->version_pos = r->version_pos;
	}
	*out = blk;
	return 0;
}

/* Reads the visible record of a node or edge for a public getter. */
static int get_visible(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, unsigned how)
{
	bool found;
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	dn_txn_begin_call(t);
	if ((rc = read_visible_how(t, kind, id, r, &found, how)))
		return rc;
	if (!found)
		return dn_error(t->db, DN_ENOTFOUND, "%s %llu not found", kind == DN_REC_NODE ? "node" : "edge",
		                (unsigned long long)id);
	return 0;
}

/* The public, owned form of a visible node or edge. */
static int get_export(dn_txn *t, uint8_t kind, dn_id id, void **out)
{
	dn_rec r;
	*out = NULL;
	int rc = get_visible(t, kind, id, &r, 0);
	return rc ? rc : rec_export(t, &r, out);
}

/* One property of a node or an edge, without building the whole element:
 * what a query's n.key reads. */
static int get_prop(dn_txn *t, uint8_t kind, dn_id id, const char *key, size_t klen, dn_value *out)
{
	dn_rec r;
	uint32_t k = 0;
	*out = dn_value_null();
	int rc = get_visible(t, kind, id, &r, READ_HEAD);
	if (rc)
		return rc;
	rc = dn_tok_lookup(t, DN_TOKEN_KEY, key, klen, &k);
	if (rc == DN_ENOTFOUND)
		return 0; /* no element has that key */
	const dn_value *v = NULL;
	dn_value tmp;
	if (!rc && (rc = dn_rec_find(&r, k, &t->arena, &v, &tmp)))
		return dn_error(t->db, rc, "%s %llu: record is corrupted", kind == DN_REC_NODE ? "node" : "edge",
		                (unsigned long long)id);
	return rc ? rc : v ? dn_value_copy(out, v) : 0;
}

/* --- the property reader ------------------------------------------------- */

struct dn_prop_reader {
	dn_txn *t;
	char *key;
	size_t klen;
	uint32_t tok;
	bool none;        /* no element has the key */
	MDB_cursor *c;    /* NULL: through dn_node_prop_get (as-of, restricted, a writer) */
	dn_id next;       /* the id after the last one read (cursor_get_id) */
	dn_arena arena;   /* the record's head and a list value */
	dn_value owned;   /* the fallback's copy */
};

int dn_prop_reader_open(dn_txn *t, const char *key, size_t klen, dn_prop_reader **out)
{
	*out = NULL;
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	dn_prop_reader *r = dn_calloc(1, sizeof *r);
	if (!r || !(r->key = dn_malloc(klen + 1))) {
		free(r);
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	}
	memcpy(r->key, key, klen);
	r->key[klen] = '\0';
	r->klen = klen;
	r->t = t;
	if ((rc = dn_tok_lookup(t, DN_TOKEN_KEY, key, klen, &r->tok))) {
		if (rc != DN_ENOTFOUND) {
			dn_prop_reader_close(r);
			return rc;
		}
		r->none = true;
	}
	if (t->rdonly && !t->as_of && !t->restricted && (rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_NODES], &r->c))) {
		r->c = NULL;
		dn_prop_reader_close(r);
		return dn_error_lmdb(t->db, rc, "cursor");
	}
	r->owned = dn_value_null();
	*out = r;
	return 0;
}

void dn_prop_reader_close(dn_prop_reader *r)
{
	if (!r)
		return;
	if (r->c)
		mdb_cursor_close(r->c);
	dn_value_free(&r->owned);
	dn_arena_free(&r->arena);
	free(r->key);
	free(r);
}

int dn_prop_reader_get(dn_prop_reader *r, dn_id id, const dn_value **v)
{
	*v = NULL;
	int rc = dn_txn_check_usable(r->t);
	if (rc)
		return rc;
	if (!r->c) {
		dn_value_free(&r->owned);
		if ((rc = dn_node_prop_get(r->t, id, r->key, r->klen, &r->owned)))
			return rc;
		*v = r->owned.type == DN_NULL ? NULL : &r->owned;
		return 0;
	}
	MDB_val val;
	if ((rc = cursor_get_id(r->c, id, &r->next, &val)) == MDB_NOTFOUND)
		return dn_error(r->t->db, DN_ENOTFOUND, "node %llu not found", (unsigned long long)id);
	if (rc)
		return dn_error_lmdb(r->t->db, rc, "read");
	dn_rec rec;
	dn_arena_reset(&r->arena);
	if ((rc = dn_rec_decode_head(val.mv_data, val.mv_size, &r->arena, &rec)) ||
	    (!r->none && (rc = dn_rec_find(&rec, r->tok, &r->arena, v, &r->owned))))
		return dn_error(r->t->db, rc, "node %llu: record is corrupted", (unsigned long long)id);
	if (*v == &r->owned) /* borrowed from the record: not to be freed */
		r->owned.owned = 0;
	return 0;
}

int dn_node_has_labels(dn_txn *t, dn_id id, const char *const *labels, size_t n, bool *ok)
{
	dn_rec r;
	*ok = false;
	int rc = get_visible(t, DN_REC_NODE, id, &r, READ_HEAD);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		uint32_t k;
		if ((rc = dn_tok_lookup(t, DN_TOKEN_LABEL, labels[i], strlen(labels[i]), &k)))
			return rc == DN_ENOTFOUND ? 0 : rc; /* no node carries it */
		bool has = false;
		for (uint32_t j = 0; j < r.nlabels && !has; j++)
			has = r.labels[j] == k;
		if (!has)
			return 0;
	}
	*ok = true;
	return 0;
}

int dn_node_prop_get(dn_txn *t, dn_id id, const char *key, size_t klen, dn_value *out)
{
	return get_prop(t, DN_REC_NODE, id, key, klen, out);
}

int dn_edge_prop_get(dn_txn *t, dn_id id, const char *key, size_t klen, dn_value *out)
{
	return get_prop(t, DN_REC_EDGE, id, key, klen, out);
}

int dn_node_get(dn_txn *t, dn_id id, dn_node **out)
{
	int rc = get_export(t, DN_REC_NODE, id, (void **)out);
	if (!rc)
		(*out)->id = id;
	return rc;
}

int dn_edge_get(dn_txn *t, dn_id id, dn_edge **out)
{
	int rc = get_export(t, DN_REC_EDGE, id, (void **)out);
	if (!rc)
		(*out)->id = id;
	return rc;
}

static bool exists(dn_txn *t, uint8_t kind, dn_id id);

int dn_edge_get_deleted(dn_txn *t, dn_id id, dn_edge **out)
{
	*out = NULL;
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	dn_txn_begin_call(t);
	uint8_t key[17];
	MDB_val v;
	key[0] = DN_REC_EDGE;
	dn_key_put_u64(key + 1, id);
	dn_key_put_u64(key + 9, t->pos); /* the version this transaction superseded */
	dn_rec r;
	if (t->rdonly || exists(t, DN_REC_EDGE, id) || dn_get(t, DBI_HISTORY, key, 17, &v))
		return dn_error(t->db, DN_ENOTFOUND, "relationship %llu was not deleted here", (unsigned long long)id);
	if ((rc = dn_rec_decode(v.mv_data, v.mv_size, &t->arena, &r)))
		return dn_error(t->db, rc, "history of %llu is corrupted", (unsigned long long)id);
	if (!dn_clear_ok(t, &r))
		return dn_error(t->db, DN_ENOTFOUND, "relationship %llu not found", (unsigned long long)id);
	if (!(rc = rec_export(t, &r, (void **)out)))
		(*out)->id = id;
	return rc;
}

static bool exists(dn_txn *t, uint8_t kind, dn_id id)
{
	dn_rec r;
	bool found = false;
	if (dn_txn_check_usable(t))
		return false;
	dn_txn_begin_call(t);
	if (!t->as_of && !t->restricted) {
		uint8_t key[8];
		MDB_val v;
		dn_key_put_u64(key, id);
		return dn_get(t, kind == DN_REC_NODE ? DBI_NODES : DBI_EDGES, key, 8, &v) == 0;
	}
	if (read_visible(t, kind, id, &r, &found))
		return false;
	return found;
}

bool dn_node_exists(dn_txn *t, dn_id id)
{
	return exists(t, DN_REC_NODE, id);
}

bool dn_edge_exists(dn_txn *t, dn_id id)
{
	return exists(t, DN_REC_EDGE, id);
}

void dn_node_free(dn_node *node)
{
	free(node);
}

void dn_edge_free(dn_edge *edge)
{
	free(edge);
}

const dn_value *dn_node_prop(const dn_node *n, const char *key)
{
	for (size_t i = 0; i < n->nprops; i++)
		if (!strcmp(n->props[i].key, key))
			return &n->props[i].value;
	return NULL;
}

const dn_value *dn_edge_prop(const dn_edge *e, const char *key)
{
	for (size_t i = 0; i < e->nprops; i++)
		if (!strcmp(e->props[i].key, key))
			return &e->props[i].value;
	return NULL;
}

bool dn_node_has_label(const dn_node *n, const char *label)
{
	for (size_t i = 0; i < n->nlabels; i++)
		if (!strcmp(n->labels[i], label))
			return true;
	return false;
}
