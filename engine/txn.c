/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * txn.c — transactions: begin (now, or as of a past log position or time,
 * with or without clearances), commit with the log header and counters,
 * abort, and the write journal. Every change a write transaction makes is
 * also appended to its journal; when LMDB reports a full map, or a call
 * fails halfway, the LMDB transaction is abandoned, the map grown if
 * needed, and the journal replayed onto a fresh transaction, so the caller
 * never sees MDB_MAP_FULL and a failed call leaves no trace.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "iter.h"
#include "keys.h"

static int read_log_pos(dn_txn *t, uint64_t *pos);

dn_db *dn_txn_db(const dn_txn *txn)
{
	return txn->db;
}

uint64_t dn_txn_position(const dn_txn *txn)
{
	return txn->base_pos;
}

bool dn_txn_is_restricted(const dn_txn *txn)
{
	return txn->restricted || txn->as_of;
}

MDB_cursor *dn_txn_cursor(dn_txn *t, int dbi)
{
	if (!t->cur[dbi]) {
		if (mdb_cursor_open(t->txn, t->db->dbi[dbi], &t->cur[dbi]))
			return NULL;
	}
	return t->cur[dbi];
}

static void close_cursors(dn_txn *t)
{
	for (int i = 0; i < DBI_COUNT; i++) {
		if (t->cur[i])
			mdb_cursor_close(t->cur[i]);
		t->cur[i] = NULL;
		if (t->acur[i])
			mdb_cursor_close(t->acur[i]);
		t->acur[i] = NULL;
		t->wgen[i] = t->agen[i] = 0;
	}
	dn_iters_detach(t);
}

/* An append through the sub-database's append cursor. LMDB's MDB_APPEND
 * compares the key with the last one; a cursor already at the end (its
 * EOF flag set by the previous append or by MDB_LAST) finds that key
 * without descending from the root, which is most of an append's cost in
 * a large write transaction (each page on the way is looked up in the
 * dirty list). The cursor is repositioned when any other write touched
 * the sub-database since its last append. */
static int put_append(dn_txn *t, int dbi, MDB_val *key, MDB_val *val)
{
	MDB_cursor *c = t->acur[dbi];
	int rc;
	if (!c) {
		if ((rc = mdb_cursor_open(t->txn, t->db->dbi[dbi], &t->acur[dbi])))
			return rc;
		c = t->acur[dbi];
		t->agen[dbi] = t->wgen[dbi] - 1;
	}
	if (t->agen[dbi] != t->wgen[dbi]) {
		MDB_val lk, lv;
		rc = mdb_cursor_get(c, &lk, &lv, MDB_LAST);
		if (rc && rc != MDB_NOTFOUND)
			return rc;
		t->agen[dbi] = t->wgen[dbi];
	}
	rc = mdb_cursor_put(c, key, val, MDB_APPEND);
	if (rc == 0)
		t->agen[dbi] = ++t->wgen[dbi];
	return rc;
}

uint64_t dn_txn_serial(const dn_txn *t)
{
	return t ? t->serial : 0;
}

bool dn_txn_is_rdonly(const dn_txn *t)
{
	return t && t->rdonly;
}

void dn_txn_wrote(dn_txn *t, int dbi)
{
	t->wgen[dbi]++;
}

int dn_put(dn_txn *t, int dbi, const void *k, size_t kl, const void *v, size_t vl, unsigned flags)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc;
	if (flags == MDB_APPEND) {
		rc = put_append(t, dbi, &key, &val);
	} else {
		rc = mdb_put(t->txn, t->db->dbi[dbi], &key, &val, flags);
		t->wgen[dbi]++;
	}
	t->changed = true;
	if (rc == MDB_KEYEXIST && (flags & (MDB_APPEND | MDB_APPENDDUP)))
		return DN_EEXISTS; /* an append attempt: the caller puts normally */
	if (rc)
		return dn_error_lmdb(t->db, rc, "write");
	return 0;
}

int dn_del(dn_txn *t, int dbi, const void *k, size_t kl, const void *v, size_t vl)
{
	MDB_val key = {kl, (void *)k}, val = {vl, (void *)v};
	int rc = mdb_del(t->txn, t->db->dbi[dbi], &key, v ? &val : NULL);
	t->wgen[dbi]++;
	t->changed = true;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return dn_error_lmdb(t->db, rc, "delete");
	return 0;
}

/* Point read; MDB_NOTFOUND becomes DN_ENOTFOUND without a message. */
int dn_get(dn_txn *t, int dbi, const void *k, size_t kl, MDB_val *out)
{
	MDB_val key = {kl, (void *)k};
	int rc = mdb_get(t->txn, t->db->dbi[dbi], &key, out);
	if (rc == MDB_NOTFOUND)
		return DN_ENOTFOUND;
	if (rc)
		return dn_error_lmdb(t->db, rc, "read");
	return 0;
}

int dn_meta_get_u64(dn_txn *t, const char *name, uint64_t *v)
{
	MDB_val out;
	int rc = dn_get(t, DBI_META, name, strlen(name), &out);
	if (rc == DN_ENOTFOUND) {
		*v = 0;
		return 0;
	}
	if (rc)
		return rc;
	if (out.mv_size != 8)
		return dn_error(t->db, DN_ECORRUPT, "meta '%s' has %zu bytes", name, out.mv_size);
	*v = dn_key_get_u64(out.mv_data);
	return 0;
}

int dn_meta_put_u64(dn_txn *t, const char *name, uint64_t v)
{
	uint8_t b[8];
	dn_key_put_u64(b, v);
	return dn_put(t, DBI_META, name, strlen(name), b, 8, 0);
}

int dn_txn_check_usable(dn_txn *t)
{
	if (!t)
		return DN_EINVAL;
	if (t->poisoned)
		return dn_error(t->db, DN_ETXN, "transaction failed earlier and can only be aborted");
	return 0;
}

int dn_txn_check_write(dn_txn *t)
{
	int rc = dn_txn_check_usable(t);
	if (rc)
		return rc;
	if (t->rdonly)
		return dn_error(t->db, DN_EREADONLY, "read-only transaction");
	return 0;
}

void dn_txn_begin_call(dn_txn *t)
{
	dn_arena_reset(&t->arena);
	dn_error_clear(t->db);
}

bool dn_clear_ok(const dn_txn *t, const dn_rec *r)
{
	if (!t->restricted)
		return true;
	for (uint32_t i = 0; i < r->nmarks; i++) {
		bool ok = false;
		for (uint32_t j = 0; j < t->nclear; j++)
			if (t->clear[j] == r->marks[i]) {
				ok = true;
				break;
			}
		if (!ok)
			return false;
	}
	return true;
}

int dn_type_delta(dn_txn *t, uint32_t type, int64_t d)
{
	if (type >= t->type_delta_cap) {
		size_t cap = t->type_delta_cap ? t->type_delta_cap : 16;
		while (cap <= type)
			cap *= 2;
		int64_t *p = dn_realloc(t->type_delta, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		memset(p + t->type_delta_cap, 0, (cap - t->type_delta_cap) * sizeof *p);
		t->type_delta = p;
		t->type_delta_cap = cap;
	}
	t->type_delta[type] += d;
	return 0;
}

/* --- log ------------------------------------------------------------- */

/* Log header (seq 0) value: time_ms i64, next_node u64, next_edge u64,
 * changes u32, principal bytes. Change records (seq >= 1): op u8, first id
 * u64, count u64, detail bytes. Consecutive changes of one kind to
 * consecutive ids (a bulk load) collapse into one record with a count. */
static int log_write(dn_txn *t, uint8_t op, dn_id id, uint64_t count, const char *detail)
{
	uint8_t key[12];
	dn_buf *b = &t->scratch2;
	int rc;
	b->len = 0;
	dn_key_put_u64(key, t->pos);
	dn_key_put_u32(key + 8, ++t->log_seq);
	if ((rc = dn_buf_reserve(b, 17)))
		return rc;
	b->p[0] = op;
	dn_key_put_u64(b->p + 1, id);
	dn_key_put_u64(b->p + 9, count);
	b->len = 17;
	if (detail && (rc = dn_buf_put(b, detail, strlen(detail))))
		return rc;
	return dn_put(t, DBI_LOG, key, 12, b->p, b->len, MDB_APPEND);
}

/* Writes one pending run, if any. */
static int log_flush_run(dn_txn *t, int slot)
{
	struct dn_log_run *r = &t->plog[slot];
	if (!r->count)
		return 0;
	uint64_t n = r->count;
	r->count = 0;
	return log_write(t, r->op, r->id, n, NULL);
}

enum { RUN_NODES, RUN_EDGES, RUN_OTHER };

int dn_log_flush(dn_txn *t)
{
	int rc;
	if ((rc = log_flush_run(t, RUN_OTHER)) || (rc = log_flush_run(t, RUN_NODES)))
		return rc;
	return log_flush_run(t, RUN_EDGES);
}

/*
 * Changes are logged as runs: consecutive ids of one kind make one record.
 * A load that mixes node and edge creates (a mapping import makes a few of
 * each per row) keeps one run of each open, so that each stays a run; any
 * other change first writes them. The order of the records then differs
 * from the order of the calls only among creates, and a node's create is
 * always written before the creates of edges made after it (the node run
 * is written before the edge run). While a run of other changes is open,
 * no create run is.
 */
int dn_log_append(dn_txn *t, uint8_t op, dn_id id, const char *detail)
{
	int rc, slot = RUN_OTHER;
	if (!detail && op == DN_LOG_NODE_CREATE)
		slot = RUN_NODES;
	else if (!detail && op == DN_LOG_EDGE_CREATE)
		slot = RUN_EDGES;
	struct dn_log_run *r = &t->plog[slot];
	t->changed = true;
	if (slot != RUN_OTHER) {
		if ((rc = log_flush_run(t, RUN_OTHER)))
			return rc;
	} else if ((rc = log_flush_run(t, RUN_NODES)) || (rc = log_flush_run(t, RUN_EDGES))) {
		return rc;
	}
	if (!detail && r->count && op == r->op && id == r->id + r->count) {
		r->count++;
		return 0;
	}
	/* a run of edges goes out after the nodes it may refer to */
	if (slot == RUN_EDGES && r->count && (rc = log_flush_run(t, RUN_NODES)))
		return rc;
	if ((rc = log_flush_run(t, slot)))
		return rc;
	if (detail)
		return log_write(t, op, id, 1, detail);
	*r = (struct dn_log_run){op, id, 1};
	return 0;
}

int dn_asof_counters(dn_txn *t, uint64_t pos, uint64_t *next_node, uint64_t *next_edge)
{
	uint8_t key[12];
	MDB_val v;
	if (pos == 0) {
		*next_node = *next_edge = 1;
		return 0;
	}
	dn_key_put_u64(key, pos);
	dn_key_put_u32(key + 8, 0);
	int rc = dn_get(t, DBI_LOG, key, 12, &v);
	if (rc == DN_ENOTFOUND)
		return dn_error(t->db, DN_ENOTFOUND, "log position %llu does not exist",
		                (unsigned long long)pos);
	if (rc)
		return rc;
	if (v.mv_size < 28)
		return dn_error(t->db, DN_ECORRUPT, "log header %llu is short", (unsigned long long)pos);
	*next_node = dn_key_get_u64((uint8_t *)v.mv_data + 8);
	*next_edge = dn_key_get_u64((uint8_t *)v.mv_data + 16);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int dn_log_position_at(dn_txn *t, int64_t time_ms, uint64_t *pos)
{
	/* Times are non-decreasing with position: binary search the headers. */
	uint64_t lo = 1, hi = t->as_of ? t->base_pos : 0, ans = 0;
	int rc;
	if (!t->as_of && (rc = read_log_pos(t, &hi)))
		return rc;
	while (lo <= hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint8_t key[12];
		MDB_val v;
		dn_key_put_u64(key, mid);
		dn_key_put_u32(key + 8, 0);
		if ((rc = dn_get(t, DBI_LOG, key, 12, &v)))
			return rc == DN_ENOTFOUND ? dn_error(t->db, DN_ECORRUPT, "log header missing") : rc;
		int64_t tm = dn_key_get_i64(v.mv_data);
		if (tm <= time_ms) {
			ans = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	*pos = ans;
	return 0;
}

/* --- journal ---------------------------------------------------------- */

size_t dn_journal_spill_bytes = (size_t)32 << 20;

/* Waits for the thread writing a spilled part of the journal, if one
 * runs, and returns its result. Every reader or truncater of the spill
 * file calls this first. */
static int journal_join(dn_txn *t)
{
	if (!t->j_bg)
		return 0;
	pthread_join(t->j_bg_thread, NULL);
	t->j_bg = false;
	int err = t->j_bg_errno;
	t->j_bg_errno = 0;
	return err ? dn_error(t->db, DN_EIO, "journal spill: %s", strerror(err)) : 0;
}

size_t dn_journal_mark(const dn_txn *t)
{
	return (size_t)t->jfile_len + t->journal.len;
}

int dn_journal_truncate(dn_txn *t, size_t mark)
{
	if (mark >= t->jfile_len) {
		t->journal.len = mark - (size_t)t->jfile_len;
		return 0;
	}
	/* the undone calls reach into the spilled part */
	int rc = journal_join(t);
	t->journal.len = 0;
	t->jfile_len = mark;
	if (ftruncate(t->jfd - 1, (off_t)mark) != 0)
		return dn_error(t->db, DN_EIO, "journal: %s", strerror(errno));
	return rc;
}

static void *journal_main(void *arg)
{
	dn_txn *t = arg;
	t->j_bg_errno = dn_pwrite_all(t->jfd - 1, t->jspill.p, t->jspill.len, t->j_bg_off);
	return NULL;
}

/* Moves the in-memory journal to the spill file (created unlinked in the
 * database directory, mode 0600, on first use). The copy into the page
 * cache is done by a thread of its own while the writer goes on into the
 * other buffer, as for adjacency runs: on this machine it cost a bulk
 * load's writer ~3 ms per MiB. */
static int journal_spill(dn_txn *t)
{
	int rc;
	if (!t->jfile_len && t->jfd <= 0) {
		t->jfd = open(t->db->path, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (t->jfd < 0) {
			t->jfd = 0;
			return 0; /* no spill file: keep it in memory */
		}
		t->jfd++; /* stored +1 so that 0 means none */
	}
	if ((rc = journal_join(t)))
		return rc;
	dn_buf full = t->journal;
	t->journal = t->jspill;
	t->journal.len = 0;
	t->jspill = full;
	t->j_bg_off = t->jfile_len;
	t->jfile_len += full.len;
	if (pthread_create(&t->j_bg_thread, NULL, journal_main, t) == 0) {
		t->j_bg = true;
		return 0;
	}
	int err = dn_pwrite_all(t->jfd - 1, full.p, full.len, t->j_bg_off); /* no thread: here */
	return err ? dn_error(t->db, DN_EIO, "journal spill: %s", strerror(err)) : 0;
}

int dn_journal_add(dn_txn *t, uint8_t op, uint8_t kind, uint64_t id, const void *p, size_t n)
{
	int rc;
	if (t->replaying || t->no_journal)
		return 0;
	size_t need = 1 + 1 + 10 + 10 + n;
	if (t->journal.len + need > t->journal.cap && t->journal.cap >= ((size_t)1 << 20) &&
	    t->journal.len + need <= dn_journal_spill_bytes) {
		/* a bulk load: the journal's whole size at once, on huge pages */
		if ((rc = dn_buf_reserve_big(&t->journal, dn_journal_spill_bytes + ((size_t)64 << 10))))
			return rc;
	}
	if ((rc = dn_buf_reserve(&t->journal, need)))
		return rc;
	dn_buf_put_u8(&t->journal, op);
	dn_buf_put_u8(&t->journal, kind);
	dn_buf_put_varint(&t->journal, id);
	dn_buf_put_varint(&t->journal, n);
	if ((rc = dn_buf_put(&t->journal, p, n)))
		return rc;
	if (t->journal.len >= dn_journal_spill_bytes)
		return journal_spill(t);
	return 0;
}

/* meta "state": the counters a transaction starts from, in one value so
 * that beginning a transaction costs one read: log_pos, next_node,
 * next_edge, nodes, edges, next token id of each kind (1..4), all u64. */
#define STATE_WORDS 9

static int load_counters(dn_txn *t)
{
	MDB_val v;
	uint64_t w[STATE_WORDS] = {0};
	int rc = dn_get(t, DBI_META, "state", 5, &v);
	if (rc && rc != DN_ENOTFOUND)
		return rc;
	if (rc == 0) {
		if (v.mv_size != STATE_WORDS * 8)
			return dn_error(t->db, DN_ECORRUPT, "meta state has %zu bytes", v.mv_size);
		for (int i = 0; i < STATE_WORDS; i++)
			w[i] = dn_key_get_u64((uint8_t *)v.mv_data + 8 * i);
	}
	t->base_pos = w[0];
	t->next_node = w[1] ? w[1] : 1;
	t->next_edge = w[2] ? w[2] : 1;
	t->n_nodes = w[3];
	t->n_edges = w[4];
	for (int k = 1; k <= 4; k++)
		t->next_tok[k] = w[4 + k] ? (uint32_t)w[4 + k] : 1;
	return 0;
}

static int store_counters(dn_txn *t)
{
	uint8_t b[STATE_WORDS * 8];
	uint64_t w[STATE_WORDS] = {t->pos, t->next_node, t->next_edge, t->n_nodes, t->n_edges,
	                           t->next_tok[1], t->next_tok[2], t->next_tok[3], t->next_tok[4]};
	for (int i = 0; i < STATE_WORDS; i++)
		dn_key_put_u64(b + 8 * i, w[i]);
	return dn_put(t, DBI_META, "state", 5, b, sizeof b, 0);
}

/* The last committed position, read afresh. */
static int read_log_pos(dn_txn *t, uint64_t *pos)
{
	MDB_val v;
	int rc = dn_get(t, DBI_META, "state", 5, &v);
	*pos = 0;
	if (rc == DN_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (v.mv_size < 8)
		return dn_error(t->db, DN_ECORRUPT, "meta state is short");
	*pos = dn_key_get_u64(v.mv_data);
	return 0;
}

/* Begins the LMDB transaction under the map lock (shared), adopting a map
 * size grown by another process when LMDB asks to. */
static MDB_txn *pool_take(dn_db *db)
{
	MDB_txn *txn = NULL;
	pthread_mutex_lock(&db->pool_lock);
	if (db->npool)
		txn = db->pool[--db->npool];
	pthread_mutex_unlock(&db->pool_lock);
	return txn;
}

static int lmdb_begin(dn_txn *t, unsigned flags)
{
	for (int tries = 0; tries < 3; tries++) {
		pthread_rwlock_rdlock(&t->db->map_lock);
		int rc = -1;
		if (flags & MDB_RDONLY) {
			MDB_txn *pooled = pool_take(t->db);
			if (pooled) {
				rc = mdb_txn_renew(pooled);
				if (rc == 0)
					t->txn = pooled;
				else
					mdb_txn_abort(pooled);
			}
		}
		if (rc != 0)
			rc = mdb_txn_begin(t->db->env, NULL, flags, &t->txn);
		if (rc == 0)
			return 0;
		pthread_rwlock_unlock(&t->db->map_lock);
		t->txn = NULL;
		if (rc != MDB_MAP_RESIZED)
			return dn_error_lmdb(t->db, rc, "begin transaction");
		if ((rc = dn_db_adopt_mapsize(t->db)))
			return rc;
	}
	return dn_error(t->db, DN_EBUSY, "map keeps being resized by another process");
}

static void lmdb_end(dn_txn *t, bool commit_done)
{
	close_cursors(t);
	if (t->txn && !commit_done && t->rdonly) {
		/* keep the reader slot for the next read transaction */
		mdb_txn_reset(t->txn);
		pthread_mutex_lock(&t->db->pool_lock);
		if (t->db->npool < (int)(sizeof t->db->pool / sizeof t->db->pool[0])) {
			t->db->pool[t->db->npool++] = t->txn;
			t->txn = NULL;
		}
		pthread_mutex_unlock(&t->db->pool_lock);
	}
	if (t->txn && !commit_done)
		mdb_txn_abort(t->txn);
	t->txn = NULL;
	pthread_rwlock_unlock(&t->db->map_lock);
}

/* Grows the map before a write transaction when it is more than half full,
 * so that regrowth inside transactions stays rare. */
static void grow_early(dn_db *db)
{
	MDB_envinfo info;
	MDB_stat st;
	mdb_env_info(db->env, &info);
	mdb_env_stat(db->env, &st);
	size_t used = ((size_t)info.me_last_pgno + 1) * st.ms_psize;
	if (used * 2 > info.me_mapsize)
		dn_db_grow(db, used * 4, false); /* never wait here: retried in-txn */
}

static int resolve_clearances(dn_txn *t, const dn_txn_opts *o)
{
	t->restricted = true;
	t->clear = dn_calloc(o->n_clearances ? o->n_clearances : 1, sizeof *t->clear);
	if (!t->clear)
		return DN_ENOMEM;
	for (size_t i = 0; i < o->n_clearances; i++) {
		uint32_t id;
		const char *m = o->clearances[i];
		int rc = dn_tok_lookup(t, DN_TOKEN_MARKING, m, strlen(m), &id);
		if (rc == DN_ENOTFOUND)
			continue; /* nothing carries it */
		if (rc)
			return rc;
		t->clear[t->nclear++] = id;
	}
	return 0;
}

static void txn_free(dn_txn *t)
{
	free(t->rcache);
	dn_iters_free_all(t);
	dn_tok_cache_free(t);
	dn_index_defs_free(t);
	if (t->j_bg) { /* the journal is no longer needed, nor how its write went */
		pthread_join(t->j_bg_thread, NULL);
		t->j_bg = false;
	}
	dn_buf_free(&t->journal);
	dn_buf_free(&t->jspill);
	if (t->jfd > 0)
		close(t->jfd - 1);
	dn_buf_free(&t->scratch);
	dn_buf_free(&t->scratch2);
	dn_buf_free(&t->oldraw);
	dn_adj_close(t);
	dn_buf_free(&t->adj);
	dn_buf_free(&t->adj_runs);
	dn_buf_free(&t->adj_spill);
	dn_buf_free(&t->adjvals);
	dn_buf_free(&t->adjmerge);
	dn_buf_free(&t->adjkeys);
	dn_buf_free(&t->adjenc);
	dn_buf_free(&t->adjsort);
	dn_buf_free(&t->adjcount);
	dn_arena_free(&t->arena);
	free(t->type_delta);
	free(t->clear);
	free(t->principal);
	free(t);
}

int dn_txn_begin(dn_db *db, unsigned flags, const dn_txn_opts *opts, dn_txn **out)
{
	dn_txn_opts o = opts ? *opts : (dn_txn_opts){0};
	bool rdonly = flags & DN_TXN_RDONLY;
	int rc;
	*out = NULL;
	if (!db)
		return DN_EINVAL;
	dn_error_clear(db);
	if (!rdonly && (db->flags & DN_OPEN_RDONLY))
		return dn_error(db, DN_EREADONLY, "database was opened read-only");
	if (!rdonly && (o.as_of_pos || o.as_of_time_ms))
		return dn_error(db, DN_EINVAL, "an as-of transaction must be read-only");
	static _Atomic uint64_t serials;
	dn_txn *t = dn_calloc(1, sizeof *t);
	if (!t)
		return dn_error(db, DN_ENOMEM, "out of memory");
	t->serial = atomic_fetch_add(&serials, 1) + 1;
	t->db = db;
	t->rdonly = rdonly;
	t->no_journal = !rdonly && (flags & DN_TXN_NO_JOURNAL);
	t->principal = o.principal ? dn_strdup(o.principal) : rdonly ? NULL : dn_strdup(db->user);
	if (!t->principal && (o.principal || !rdonly)) {
		txn_free(t);
		return dn_error(db, DN_ENOMEM, "out of memory");
	}
	if (!rdonly) {
		pthread_mutex_lock(&db->write_lock);
		while (flock(db->lock_fd, LOCK_EX) != 0) {
			if (errno != EINTR) {
				pthread_mutex_unlock(&db->write_lock);
				txn_free(t);
				return dn_error(db, DN_EIO, "write lock: %s", strerror(errno));
			}
		}
		t->holds_write_lock = true;
		grow_early(db);
	}
	if ((rc = lmdb_begin(t, rdonly ? MDB_RDONLY : 0)))
		goto fail_nolmdb;
	if ((rc = load_counters(t)))
		goto fail;
	if (rdonly) {
		t->pos = t->base_pos;
		uint64_t asof = o.as_of_pos;
		if (!asof && o.as_of_time_ms) {
			if ((rc = dn_log_position_at(t, o.as_of_time_ms, &asof)))
				goto fail;
			if (!asof) {
				rc = dn_error(db, DN_ENOTFOUND, "nothing was committed at or before that time");
				goto fail;
			}
		}
		if (asof) {
			if (asof > t->base_pos) {
				rc = dn_error(db, DN_ENOTFOUND, "log position %llu is in the future (last is %llu)",
				              (unsigned long long)asof, (unsigned long long)t->base_pos);
				goto fail;
			}
			if (asof < t->base_pos) {
				t->as_of = true;
				t->base_pos = t->pos = asof;
				if ((rc = dn_asof_counters(t, asof, &t->asof_next_node, &t->asof_next_edge)))
					goto fail;
			}
		}
	} else {
		t->pos = t->base_pos + 1;
		t->b_next_node = t->next_node;
		t->b_next_edge = t->next_edge;
		t->b_nodes = t->n_nodes;
		t->b_edges = t->n_edges;
		memcpy(t->b_next_tok, t->next_tok, sizeof t->next_tok);
	}
	if (o.clearances && (rc = resolve_clearances(t, &o)))
		goto fail;
	*out = t;
	return 0;
fail:
	lmdb_end(t, false);
fail_nolmdb:
	if (t->holds_write_lock) {
		flock(db->lock_fd, LOCK_UN);
		pthread_mutex_unlock(&db->write_lock);
	}
	txn_free(t);
	return rc;
}

/* Begins a read transaction with opts o and like's clearances (marking
 * tokens keep their ids forever, so they carry over as they are). */
static int begin_cleared_like(dn_txn *like, const dn_txn_opts *o, dn_txn **out)
{
	int rc = dn_txn_begin(like->db, DN_TXN_RDONLY, o, out);
	if (rc || !like->restricted)
		return rc;
	dn_txn *t = *out;
	t->clear = dn_calloc(like->nclear ? like->nclear : 1, sizeof *t->clear);
	if (!t->clear) {
		dn_txn_abort(t);
		*out = NULL;
		return dn_error(like->db, DN_ENOMEM, "out of memory");
	}
	memcpy(t->clear, like->clear, like->nclear * sizeof *t->clear);
	t->nclear = like->nclear;
	t->restricted = true;
	return 0;
}

int dn_txn_begin_as_of(dn_txn *like, uint64_t pos, int64_t time_ms, dn_txn **out)
{
	dn_txn_opts o = {.as_of_pos = pos, .as_of_time_ms = time_ms};
	*out = NULL;
	if (!like || (!pos && !time_ms))
		return DN_EINVAL;
	return begin_cleared_like(like, &o, out);
}

int dn_txn_begin_twin(dn_txn *like, dn_txn **out)
{
	*out = NULL;
	if (!like || !like->rdonly)
		return DN_EINVAL;
	int rc = dn_txn_check_usable(like);
	if (rc)
		return rc;
	dn_txn_opts o = {.as_of_pos = like->as_of ? like->base_pos : 0};
	if ((rc = begin_cleared_like(like, &o, out)))
		return rc;
	if (mdb_txn_id((*out)->txn) != mdb_txn_id(like->txn)) {
		dn_txn_abort(*out);
		*out = NULL;
		return dn_error(like->db, DN_EBUSY, "the snapshot has moved on: a writer committed since it began");
	}
	return 0;
}

static void txn_end(dn_txn *t, bool commit_done)
{
	lmdb_end(t, commit_done);
	if (t->holds_write_lock) {
		flock(t->db->lock_fd, LOCK_UN);
		pthread_mutex_unlock(&t->db->write_lock);
	}
	txn_free(t);
}

void dn_txn_abort(dn_txn *t)
{
	if (!t)
		return;
	txn_end(t, false);
}

/* Re-applies the journal entries in p[0..end). */
static int replay_region(dn_txn *t, const uint8_t *p, const uint8_t *end)
{
	dn_db *db = t->db;
	int rc = 0;
	while (p < end) {
		uint8_t op = p[0], kind = p[1];
		uint64_t id, n;
		size_t k;
		p += 2;
		if (!(k = dn_varint_get(p, end, &id)))
			break;
		p += k;
		if (!(k = dn_varint_get(p, end, &n)))
			break;
		p += k;
		dn_arena_reset(&t->arena);
		switch (op) {
		case DN_J_NODE_PUT:
		case DN_J_EDGE_PUT: {
			dn_rec r;
			if ((rc = dn_rec_decode(p, n, &t->arena, &r)))
				return rc;
			rc = op == DN_J_NODE_PUT ? dn_node_store(t, id, &r, kind)
			                         : dn_edge_store(t, id, &r, kind);
			break;
		}
		case DN_J_NODE_DEL: rc = dn_node_store(t, id, NULL, kind); break;
		case DN_J_EDGE_DEL: rc = dn_edge_store(t, id, NULL, kind); break;
		case DN_J_TOKEN: rc = dn_tok_create_raw(t, kind, (uint32_t)id, (const char *)p, n); break;
		case DN_J_NODE_PURGE: rc = dn_purge_raw(t, DN_REC_NODE, id, (const char *)p, n, true); break;
		case DN_J_EDGE_PURGE: rc = dn_purge_raw(t, DN_REC_EDGE, id, (const char *)p, n, true); break;
		case DN_J_INDEX_CREATE: {
			dn_index_def def = {0};
			uint8_t *q = (uint8_t *)p;
			def.id = (uint32_t)id;
			def.label = dn_key_get_u32(q);
			def.key = dn_key_get_u32(q + 4);
			def.flags = dn_key_get_u32(q + 8);
			def.name = dn_strndup((const char *)q + 12, n - 12);
			rc = def.name ? dn_index_create_raw(t, &def) : DN_ENOMEM;
			free(def.name);
			break;
		}
		case DN_J_INDEX_DROP: rc = dn_index_drop_raw(t, (uint32_t)id); break;
		default: rc = dn_error(db, DN_ECORRUPT, "bad journal entry %u", op); break;
		}
		if (rc)
			return rc;
		p += n;
	}
	return 0;
}

/* Replays the journal onto a fresh LMDB transaction: after a full map (the
 * map is grown first) or to undo a call that failed halfway. */
int dn_txn_replay(dn_txn *t)
{
	dn_db *db = t->db;
	uint64_t base = t->base_pos;
	int rc;
	close_cursors(t);
	if (t->txn)
		mdb_txn_abort(t->txn);
	t->txn = NULL;
	pthread_rwlock_unlock(&db->map_lock);
	if ((rc = lmdb_begin(t, 0))) {
		pthread_rwlock_rdlock(&db->map_lock); /* lmdb_end expects it held */
		t->poisoned = true;
		return rc;
	}
	uint64_t now_pos;
	if ((rc = read_log_pos(t, &now_pos)))
		goto poison;
	if (now_pos != base) {
		rc = dn_error(db, DN_EBUSY, "another process committed while this transaction was "
		              "being re-applied; retry it");
		goto poison;
	}
	t->next_node = t->b_next_node;
	t->next_edge = t->b_next_edge;
	t->n_nodes = t->b_nodes;
	t->n_edges = t->b_edges;
	memcpy(t->next_tok, t->b_next_tok, sizeof t->next_tok);
	if (t->type_delta)
		memset(t->type_delta, 0, t->type_delta_cap * sizeof *t->type_delta);
	t->log_seq = 0;
	memset(t->plog, 0, sizeof t->plog);
	dn_adj_discard(t);
	t->changed = false;
	dn_index_defs_free(t);
	dn_tok_cache_free(t); /* tokens of undone calls are gone */
	t->replaying = true;
	if ((rc = journal_join(t)))
		goto poison_replay;
	if (t->jfile_len) {
		void *m = mmap(NULL, (size_t)t->jfile_len, PROT_READ, MAP_PRIVATE, t->jfd - 1, 0);
		if (m == MAP_FAILED) {
			rc = dn_error(db, DN_EIO, "journal: %s", strerror(errno));
			goto poison_replay;
		}
		rc = replay_region(t, m, (const uint8_t *)m + t->jfile_len);
		munmap(m, (size_t)t->jfile_len);
		if (rc)
			goto poison_replay;
	}
	if ((rc = replay_region(t, t->journal.p, t->journal.p + t->journal.len)))
		goto poison_replay;
	t->replaying = false;
	return 0;
poison_replay:
	t->replaying = false;
poison:
	t->poisoned = true;
	return rc == DN_EMAPFULL_INTERNAL ? dn_error(db, DN_ENOMEM, "map full during replay") : rc;
}

/* Abandons the LMDB transaction (if it is still there) and doubles the
 * map: 0 or the growth's error. */
static int abandon_and_grow(dn_txn *t)
{
	close_cursors(t);
	if (t->txn)
		mdb_txn_abort(t->txn);
	t->txn = NULL;
	pthread_rwlock_unlock(&t->db->map_lock);
	MDB_envinfo info;
	mdb_env_info(t->db->env, &info);
	int grc = dn_db_grow(t->db, info.me_mapsize * 2, true);
	pthread_rwlock_rdlock(&t->db->map_lock);
	return grc;
}

/* A transaction without a journal after a failed write: nothing to undo
 * it with, so it is poisoned; a full map is grown first (for the redo) and
 * reported as DN_EMAPFULL. */
static int fail_unjournaled(dn_txn *t, int rc)
{
	t->poisoned = true;
	if (rc != DN_EMAPFULL_INTERNAL && rc != MDB_MAP_FULL)
		return rc;
	int grc = abandon_and_grow(t);
	return grc ? grc : dn_error(t->db, DN_EMAPFULL, "the map filled up in a transaction without a journal: "
	                                                "the map was grown, do it again");
}

/* Ends a write call: on success nothing to do; on a full map, grow and
 * replay and ask the caller to retry; on another failure after the call
 * wrote something, replay what came before it so that it leaves no trace. */
int dn_txn_finish_write(dn_txn *t, int rc, size_t journal_mark)
{
	if (rc == 0)
		return 0;
	if (t->no_journal)
		return fail_unjournaled(t, rc);
	bool wrote = dn_journal_mark(t) != journal_mark || rc == DN_EMAPFULL_INTERNAL;
	int trc = dn_journal_truncate(t, journal_mark);
	if (trc) {
		t->poisoned = true;
		return trc;
	}
	if (!wrote && !t->poisoned)
		return rc;
	if (rc == DN_EMAPFULL_INTERNAL) {
		int grc = abandon_and_grow(t);
		if (grc) {
			t->poisoned = true;
			return grc;
		}
		int rrc = dn_txn_replay(t);
		return rrc ? rrc : DN_RETRY_INTERNAL;
	}
	/* keep the message of the original failure */
	char msg[1024];
	snprintf(msg, sizeof msg, "%s", dn_errmsg(t->db));
	int rrc = dn_txn_replay(t);
	if (rrc)
		return rrc;
	dn_error(t->db, rc, "%s", msg);
	return rc;
}

int dn_txn_commit(dn_txn *t)
{
	if (!t)
		return DN_EINVAL;
	dn_db *db = t->db;
	int rc;
	if (t->poisoned) {
		rc = dn_error(db, DN_ETXN, "transaction failed earlier; nothing was committed");
		txn_end(t, false);
		return rc;
	}
	if (t->rdonly || !t->changed) {
		txn_end(t, false);
		return 0;
	}
	for (;;) {
		rc = 0;
		uint8_t key[12], hdr[28];
		/* a replay below refills the adjacency buffer: sync every round */
		if ((rc = dn_adj_sync(t)))
			break;
		if ((rc = dn_log_flush(t)))
			goto retry;
		int64_t tm = now_ms();
		if (t->base_pos) {
			MDB_val v;
			dn_key_put_u64(key, t->base_pos);
			dn_key_put_u32(key + 8, 0);
			if (dn_get(t, DBI_LOG, key, 12, &v) == 0 && v.mv_size >= 8) {
				int64_t prev = dn_key_get_i64(v.mv_data);
				if (prev > tm)
					tm = prev; /* keep log time monotone */
			}
		}
		dn_key_put_u64(key, t->pos);
		dn_key_put_u32(key + 8, 0);
		dn_key_put_i64(hdr, tm);
		dn_key_put_u64(hdr + 8, t->next_node);
		dn_key_put_u64(hdr + 16, t->next_edge);
		dn_key_put_u32(hdr + 24, t->log_seq);
		dn_buf *b = &t->scratch;
		b->len = 0;
		if ((rc = dn_buf_put(b, hdr, sizeof hdr)) ||
		    (rc = dn_buf_put(b, t->principal, strlen(t->principal))))
			break;
		if ((rc = dn_put(t, DBI_LOG, key, 12, b->p, b->len, 0)))
			goto retry;
		if ((rc = store_counters(t)))
			goto retry;
		for (size_t ty = 0; ty < t->type_delta_cap; ty++) {
			if (!t->type_delta[ty])
				continue;
			uint8_t tk[4], cv[8];
			MDB_val v;
			uint64_t c = 0;
			dn_key_put_u32(tk, (uint32_t)ty);
			rc = dn_get(t, DBI_COUNTS, tk, 4, &v);
			if (rc == 0 && v.mv_size == 8)
				c = dn_key_get_u64(v.mv_data);
			else if (rc && rc != DN_ENOTFOUND)
				break;
			c = (uint64_t)((int64_t)c + t->type_delta[ty]);
			dn_key_put_u64(cv, c);
			rc = c ? dn_put(t, DBI_COUNTS, tk, 4, cv, 8, 0) : dn_del(t, DBI_COUNTS, tk, 4, NULL, 0);
			if (rc)
				break;
		}
		if (rc)
			goto retry;
		close_cursors(t);
		rc = mdb_txn_commit(t->txn);
		if (rc == 0) {
			t->txn = NULL;
			txn_end(t, true);
			return 0;
		}
		t->txn = NULL;
		if (rc == MDB_MAP_FULL && t->no_journal) {
			rc = fail_unjournaled(t, rc);
			break;
		}
		if (rc == MDB_MAP_FULL) {
			/* the LMDB transaction is gone; start over on a grown map */
			rc = abandon_and_grow(t);
			if (!rc && !(rc = dn_txn_replay(t)))
				continue;
			break;
		}
		rc = dn_error_lmdb(db, rc, "commit");
		break;
	retry:
		if (rc != DN_EMAPFULL_INTERNAL)
			break;
		rc = dn_txn_finish_write(t, rc, dn_journal_mark(t));
		if (rc != DN_RETRY_INTERNAL)
			break;
	}
	txn_end(t, false);
	return rc;
}
