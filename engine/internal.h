/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * internal.h — the engine's private structures: the database handle with
 * its table of LMDB sub-databases, the transaction with its write journal,
 * decoded records, and the helpers the engine's files share. Nothing here
 * is part of the public API (include/dragnet.h).
 */
#ifndef DN_INTERNAL_H
#define DN_INTERNAL_H

#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dragnet.h"

/*
 * The sub-databases, opened once at open time. Key → value layouts (all
 * integers in keys big-endian, see keys.h; docs/STORAGE.md has the full
 * table):
 *   meta      ascii name → value (format, counters, log position)
 *   tok_name  kind u8, name bytes → token id u32
 *   tok_id    kind u8, token id u32 → name bytes
 *   nodes     node id u64 → node record (record.c)
 *   edges     edge id u64 → edge record
 *   adj       node u64, dir u8, type u32, first nbr u64, first edge u64
 *             → chunk: up to DN_ADJ_CHUNK sorted (nbr u64, edge u64) pairs
 *   deg       node u64, dir u8, type u32 → count u64 (adj.c)
 *   labels    label u32 → dups of node u64
 *   counts    type u32 → edge count u64
 *   schema    index id u32 → index definition
 *   pidx      index id u32, encoded value → dups of node u64
 *   log       position u64, seq u32 → log record (seq 0: header)
 *   history   kind u8, id u64, superseded-at position u64 → old record
 *   adj_hist  node u64, dir u8, type u32 → dups of (nbr u64, edge u64,
 *             deleted-at position u64)
 */
#define DN_DBI_LIST(X)                                          \
	X(META, "meta", 0)                                          \
	X(TOK_NAME, "tok_name", 0)                                  \
	X(TOK_ID, "tok_id", 0)                                      \
	X(NODES, "nodes", 0)                                        \
	X(EDGES, "edges", 0)                                        \
	X(ADJ, "adj", 0)                                            \
	X(DEG, "deg", 0)                                            \
	X(LABELS, "labels", MDB_DUPSORT | MDB_DUPFIXED)             \
	X(COUNTS, "counts", 0)                                      \
	X(SCHEMA, "schema", 0)                                      \
	X(PIDX, "pidx", MDB_DUPSORT | MDB_DUPFIXED)                 \
	X(LOG, "log", 0)                                            \
	X(HISTORY, "history", 0)                                    \
	X(ADJ_HIST, "adj_hist", MDB_DUPSORT | MDB_DUPFIXED)

enum dn_dbi_id {
#define X(id, name, flags) DBI_##id,
	DN_DBI_LIST(X)
#undef X
	DBI_COUNT
};

#define DN_ADJ_KEY_LEN 13  /* node u64, dir u8, type u32 */
#define DN_ADJ_VAL_LEN 16  /* nbr u64, edge u64 */
#define DN_ADJ_CHUNK 120   /* pairs per adjacency chunk: stays inline in a 4 KiB page */
#define DN_ADJH_VAL_LEN 24 /* nbr u64, edge u64, deleted u64 */
#define DN_MAX_MARKS 8     /* handling caveats on one element */

/* Internal error: MDB_MAP_FULL inside a write, handled by regrowing. */
#define DN_EMAPFULL_INTERNAL (-30999)
/* Internal: the map was grown and the journal replayed; retry the call. */
#define DN_RETRY_INTERNAL (-30998)

/* Runs one write call: on a full map the call is retried after regrowth,
 * on failure halfway it is undone (txn.c, dn_txn_finish_write). */
#define DN_WRITE_CALL(t, call)                                         \
	do {                                                               \
		int wc_rc_ = dn_txn_check_write(t);                            \
		if (wc_rc_)                                                    \
			return wc_rc_;                                             \
		for (;;) {                                                     \
			size_t wc_mark_ = dn_journal_mark(t);                      \
			dn_txn_begin_call(t);                                      \
			wc_rc_ = (call);                                           \
			wc_rc_ = dn_txn_finish_write((t), wc_rc_, wc_mark_);       \
			if (wc_rc_ != DN_RETRY_INTERNAL)                           \
				return wc_rc_;                                         \
		}                                                              \
	} while (0)

struct dn_db {
	MDB_env *env;
	MDB_dbi dbi[DBI_COUNT];
	char *path;
	unsigned flags;
	/* Readers and the writer hold it shared; map growth holds it
	 * exclusively (LMDB allows no transaction in the process then). */
	pthread_rwlock_t map_lock;
	/* One write transaction at a time in this process, held from begin
	 * to end, so that a regrow-and-replay cannot be overtaken. */
	pthread_mutex_t write_lock;
	/* The same across processes: flock on DB/write.lock, held for the
	 * whole write transaction, because a regrow abandons LMDB's own writer
	 * lock for a moment (-1 when opened read-only). */
	int lock_fd;
	/* Reset read transactions kept for reuse (mdb_txn_renew is cheaper
	 * than finding a reader slot anew), and the default principal. */
	pthread_mutex_t pool_lock;
	MDB_txn *pool[8];
	int npool;
	char *user;
};

/* A decoded property. */
typedef struct dn_rprop {
	uint32_t key;
	dn_value v; /* borrowed from the record's arena */
} dn_rprop;

/* A decoded node or edge record. Strings and arrays live in an arena (the
 * transaction's scratch) or point into the raw bytes it was decoded from. */
typedef struct dn_rec {
	uint8_t kind; /* DN_REC_NODE / DN_REC_EDGE */
	uint64_t version_pos, created_pos;
	/* edges */
	uint32_t type;
	dn_id src, dst;
	/* metadata */
	const char *source;
	size_t source_len;
	const char *record;
	size_t record_len;
	char reliability;
	uint8_t credibility;
	int64_t valid_from, valid_to;
	uint32_t nmarks;
	uint32_t marks[DN_MAX_MARKS];
	/* labels (nodes), sorted ascending, and properties sorted by key */
	uint32_t nlabels;
	uint32_t *labels;
	uint32_t nprops;
	dn_rprop *props;
	/* a record decoded without its properties (dn_rec_decode_head):
	 * their bytes, read one at a time by dn_rec_find */
	const uint8_t *praw, *pend;
	bool lazy;
} dn_rec;

enum { DN_REC_NODE = 1, DN_REC_EDGE = 2 };

/* A growable byte buffer. */
typedef struct dn_buf {
	uint8_t *p;
	size_t len, cap;
} dn_buf;

int dn_buf_grow(dn_buf *b, size_t more);
/* Gives b a capacity of at least cap bytes in one step, and asks for huge
 * pages under a large one before anything touches it (one page fault per
 * 2 MiB instead of 512: a bulk load's adjacency buffers). 0 or DN_ENOMEM. */
int dn_buf_reserve_big(dn_buf *b, size_t cap);
/* Asks for huge pages under the whole 2 MiB pages of p[0..len) (advice:
 * call it before the memory is touched). */
void dn_advise_huge(void *p, size_t len);

/* Ensures room for `more` bytes (inline: record encoding calls these per
 * field). 0 or DN_ENOMEM. */
static inline int dn_buf_reserve(dn_buf *b, size_t more)
{
	return b->len + more <= b->cap ? 0 : dn_buf_grow(b, more);
}

static inline int dn_buf_put(dn_buf *b, const void *p, size_t n)
{
	if (dn_buf_reserve(b, n))
		return DN_ENOMEM;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	return 0;
}

static inline int dn_buf_put_u8(dn_buf *b, uint8_t v)
{
	if (dn_buf_reserve(b, 1))
		return DN_ENOMEM;
	b->p[b->len++] = v;
	return 0;
}

/* Writes v as a varint (at most 10 bytes) at p; returns the end. */
static inline uint8_t *dn_varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline int dn_buf_put_varint(dn_buf *b, uint64_t v)
{
	if (dn_buf_reserve(b, 10))
		return DN_ENOMEM;
	b->len = (size_t)(dn_varint_put(b->p + b->len, v) - b->p);
	return 0;
}
void dn_buf_free(dn_buf *b);

/* Writes len bytes at file offset off, resuming after short writes and
 * EINTR: 0, or the errno of the failure. Safe in any thread. */
int dn_pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

/* Allocation: every engine allocation goes through these, so that tests
 * can make allocations fail: after dn_fault_alloc_after(n), the n-th next
 * one and every later one fail, until dn_fault_alloc_after(-1). */
void *dn_malloc(size_t n);
void *dn_calloc(size_t n, size_t size);
void *dn_realloc(void *p, size_t n);
char *dn_strdup(const char *s);
char *dn_strndup(const char *s, size_t n);
void dn_fault_alloc_after(long n);

/* A bump allocator for per-call scratch memory. */
typedef struct dn_arena_blk dn_arena_blk;
typedef struct dn_arena {
	dn_arena_blk *head;
} dn_arena;
void *dn_arena_alloc(dn_arena *a, size_t n);
void dn_arena_reset(dn_arena *a);
void dn_arena_free(dn_arena *a);

/* A per-transaction token cache entry. */
typedef struct dn_tok_ent {
	uint8_t kind;
	uint32_t id;
	uint32_t hash;
	char *name;
	size_t len;
} dn_tok_ent;

/* An index definition, loaded from `schema`. */
typedef struct dn_index_def {
	uint32_t id;
	uint32_t label, key;
	unsigned flags;
	char *name;
} dn_index_def;

#define DN_RCACHE_SLOTS 1024

struct dn_txn {
	dn_db *db;
	MDB_txn *txn;
	bool rdonly;
	bool poisoned;
	bool holds_write_lock;
	uint64_t base_pos;  /* last committed position when begun (or as-of) */
	uint64_t pos;       /* write: base_pos + 1; read: base_pos */
	bool as_of;         /* reading a past position */
	uint64_t asof_next_node, asof_next_edge; /* counters at that position */
	bool restricted;    /* clearances given */
	uint32_t nclear;
	uint32_t *clear;    /* sorted marking token ids cleared */
	char *principal;
	/* write state, flushed to meta/counts at commit */
	uint64_t next_node, next_edge, n_nodes, n_edges;
	uint32_t next_tok[5];
	int64_t *type_delta; /* indexed by type id */
	size_t type_delta_cap;
	uint32_t log_seq;   /* next log seq (0 is the header) */
	/* runs of changes not yet written to the log: node creates, edge
	 * creates, and any other kind (see dn_log_append) */
	struct dn_log_run {
		uint8_t op;
		dn_id id;
		uint64_t count;
	} plog[3];
	/* adjacency of edges created in this transaction, not yet written:
	 * entries of DN_ADJ_KEY_LEN + DN_ADJ_VAL_LEN bytes, sorted and written
	 * in runs (graph.c, dn_adj_sync) */
	dn_buf adj, adjvals, adjmerge, adjkeys, adjenc;
	dn_buf adjsort, adjcount; /* scratch of the buffer's sort, kept between runs */
	int adj_fd;          /* sorted runs spilled from `adj` (+1; 0 = none) */
	uint64_t adj_file_len;
	dn_buf adj_runs;     /* (offset, bytes, entries) u64 triples of the runs */
	/* the full buffer being sorted and written as a run by a thread of its
	 * own (adj.c); adj_runs, adj_file_len, adj_fd's file and the sort's
	 * scratch belong to that thread until spill_join */
	dn_buf adj_spill;
	bool adj_bg;
	int adj_bg_rc;
	pthread_t adj_bg_thread;
	char adj_bg_msg[256];
	bool nodes_deleted; /* a node was deleted or purged in this txn */
	bool changed;
	/* the journal of this transaction's changes, replayed after regrow:
	 * in memory, spilled to an unlinked file past DN_JOURNAL_SPILL bytes
	 * so that a huge load keeps a flat memory footprint */
	dn_buf journal;
	int jfd;            /* the spill file, when jfile_len > 0 */
	uint64_t jfile_len; /* bytes spilled, counting those still being written */
	/* the full buffer being written to the spill file at j_bg_off by a
	 * thread of its own (txn.c); the file belongs to it until journal_join */
	dn_buf jspill;
	uint64_t j_bg_off;
	bool j_bg;
	int j_bg_errno;
	pthread_t j_bg_thread;
	bool replaying;
	bool no_journal; /* DN_TXN_NO_JOURNAL: a failed write poisons instead */
	/* snapshot of the counters at begin, to restart a replay from */
	uint64_t b_next_node, b_next_edge, b_nodes, b_edges;
	uint32_t b_next_tok[5];
	/* token cache */
	dn_tok_ent *toks;
	size_t ntoks, toks_cap;
	/* index definitions (loaded lazily) */
	bool idx_loaded;
	dn_index_def *idx;
	size_t nidx;
	/* scratch */
	dn_arena arena;
	dn_buf scratch, scratch2, oldraw;
	/* read transactions: where the last records read lie in the map (a
	 * query reads a node's labels, then its properties: one B-tree search
	 * instead of two). LMDB keeps a read transaction's pages in place. */
	struct dn_rcache {
		dn_id id;
		int dbi;
		const void *p;
		size_t n;
	} *rcache; /* DN_RCACHE_SLOTS, allocated at the first read */
	dn_id rnext[2]; /* nodes, edges: the id after the last one read through
	                   the records' cursor (0: none yet) */
	uint64_t serial; /* unique per transaction in the process (dn_txn_serial) */
	/* per token kind, the last name looked up and its token (a bulk load
	 * names the same label or type row after row; token.c) */
	struct dn_tok_memo {
		char name[32];
		uint32_t len, id;
	} tok_memo[5];
	/* read transactions: label counts already asked for (a prepared
	 * query plans each execution; the counts cannot change in the
	 * snapshot) */
	struct dn_lcount {
		uint32_t lid;
		uint64_t n;
	} lcount[8];
	unsigned nlcount;
	MDB_cursor *cur[DBI_COUNT]; /* cached cursors, opened on demand */
	/* Append cursors (dn_put with MDB_APPEND): left at the end of their
	 * sub-database, so the next append needs no search from the root.
	 * wgen counts the writes to each sub-database; an append cursor is
	 * trusted only while agen equals it (no other write moved the end). */
	MDB_cursor *acur[DBI_COUNT];
	uint64_t wgen[DBI_COUNT], agen[DBI_COUNT];
	int open_iters;
	struct dn_iter *iters, *iter_free; /* all / reusable iterators */
	int niter_free;
};

/* error.c */
int dn_error(const dn_db *db, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dn_error_lmdb(const dn_db *db, int mdb_rc, const char *what);
void dn_error_clear(const dn_db *db);

/* varints and zigzag (record.c) */
size_t dn_varint_get_long(const uint8_t *p, const uint8_t *end, uint64_t *v);
/* A varint at p (before end): its length, 0 if malformed. One byte (ids of
 * tokens, counts, most positions) is read inline. */
static inline size_t dn_varint_get(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	if (p < end && *p < 0x80) {
		*v = *p;
		return 1;
	}
	return dn_varint_get_long(p, end, v);
}
static inline uint64_t dn_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t dn_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* record.c */
int dn_rec_encode(const dn_rec *r, dn_buf *out);
int dn_rec_decode(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r);
/* The same without the properties (r->lazy): what a read of one property
 * needs (dn_rec_find), checked when read. */
int dn_rec_decode_head(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r);
/* Property key of r: *v points at it (into r, or at tmp for a lazy record),
 * NULL when r has none. 0 or DN_ECORRUPT. */
int dn_rec_find(const dn_rec *r, uint32_t key, dn_arena *a, const dn_value **v, dn_value *tmp);
int dn_value_encode(dn_buf *b, const dn_value *v);
size_t dn_value_decode(const uint8_t *p, const uint8_t *end, dn_arena *a, dn_value *v);
const dn_value *dn_rec_prop(const dn_rec *r, uint32_t key);
bool dn_rec_has_label(const dn_rec *r, uint32_t label);

/* db.c */
int dn_db_grow(dn_db *db, size_t min_size, bool wait);
int dn_db_adopt_mapsize(dn_db *db);

/* txn.c */
MDB_cursor *dn_txn_cursor(dn_txn *t, int dbi);
int dn_put(dn_txn *t, int dbi, const void *k, size_t kl, const void *v, size_t vl, unsigned flags);
int dn_del(dn_txn *t, int dbi, const void *k, size_t kl, const void *v, size_t vl);
/* Records a write to sub-database dbi made through a cursor (mdb_cursor_del),
 * so that its append cursor is repositioned before the next append. */
void dn_txn_wrote(dn_txn *t, int dbi);
/* A number no other transaction of this process had: a query may keep
 * what it planned for one read transaction while that transaction lasts. */
uint64_t dn_txn_serial(const dn_txn *t);
bool dn_txn_is_rdonly(const dn_txn *t);
int dn_get(dn_txn *t, int dbi, const void *k, size_t kl, MDB_val *out);
int dn_meta_get_u64(dn_txn *t, const char *name, uint64_t *v);
int dn_meta_put_u64(dn_txn *t, const char *name, uint64_t v);
int dn_txn_check_write(dn_txn *t);
int dn_txn_check_usable(dn_txn *t);
void dn_txn_begin_call(dn_txn *t);
int dn_log_append(dn_txn *t, uint8_t op, dn_id id, const char *detail);
int dn_log_flush(dn_txn *t);

int dn_journal_add(dn_txn *t, uint8_t op, uint8_t kind, uint64_t id, const void *p, size_t n);
/* The journal's logical length (spilled plus in memory), and cutting it
 * back to such a length (undoing the calls after it). */
size_t dn_journal_mark(const dn_txn *t);
int dn_journal_truncate(dn_txn *t, size_t mark);
/* Journal bytes kept in memory before spilling (32 MiB, in each of two
 * buffers: one fills while the other is written; tests lower it). */
extern size_t dn_journal_spill_bytes;
int dn_txn_finish_write(dn_txn *t, int rc, size_t journal_mark);
int dn_txn_replay(dn_txn *t);
int dn_type_delta(dn_txn *t, uint32_t type, int64_t d);
bool dn_clear_ok(const dn_txn *t, const dn_rec *r);
int dn_asof_counters(dn_txn *t, uint64_t pos, uint64_t *next_node, uint64_t *next_edge);

/* journal ops (replay) */
enum {
	DN_J_NODE_PUT = 1, /* id, new record bytes */
	DN_J_NODE_DEL = 2, /* id */
	DN_J_EDGE_PUT = 3,
	DN_J_EDGE_DEL = 4,
	DN_J_TOKEN = 5,   /* kind in id's high byte; payload: u32 id + name */
	DN_J_INDEX_CREATE = 6, /* payload: definition */
	DN_J_INDEX_DROP = 7,
	DN_J_NODE_PURGE = 8,
	DN_J_EDGE_PURGE = 9,
	DN_J_LOG = 10,    /* payload: op u8, id u64, detail */
};

/* token.c */
int dn_tok_lookup(dn_txn *t, int kind, const char *name, size_t len, uint32_t *id);
int dn_tok_intern(dn_txn *t, int kind, const char *name, size_t len, uint32_t *id);
int dn_tok_create_raw(dn_txn *t, int kind, uint32_t id, const char *name, size_t len);
int dn_tok_name_ref(dn_txn *t, int kind, uint32_t id, const char **name, size_t *len);
void dn_tok_cache_free(dn_txn *t);

/* graph.c: the write primitives everything (and replay) goes through */
int dn_node_read(dn_txn *t, dn_id id, dn_rec *r, bool *found);
int dn_edge_read(dn_txn *t, dn_id id, dn_rec *r, bool *found);
int dn_node_store(dn_txn *t, dn_id id, const dn_rec *neu, uint8_t log_op);
int dn_edge_store(dn_txn *t, dn_id id, const dn_rec *neu, uint8_t log_op);
int dn_history_read(dn_txn *t, uint8_t kind, dn_id id, dn_rec *r, bool *found);
bool dn_visible(dn_txn *t, const dn_rec *r);

/* index.c */
int dn_index_load(dn_txn *t);
int dn_index_update(dn_txn *t, dn_id id, const dn_rec *old, const dn_rec *neu);
int dn_index_check_unique(dn_txn *t, dn_id id, const dn_rec *old, const dn_rec *neu);
int dn_index_create_raw(dn_txn *t, const dn_index_def *def);
int dn_index_drop_raw(dn_txn *t, uint32_t idx_id);
void dn_index_defs_free(dn_txn *t);

/* adj.c: chunked adjacency (prefix13 = node u64, dir u8, type u32), and
 * the buffer of a transaction's new edges */
int dn_adj_buffer_add(dn_txn *t, dn_id src, dn_id dst, uint32_t type, dn_id edge);
bool dn_adj_pending(const dn_txn *t);
int dn_adj_flush(dn_txn *t);
int dn_adj_sync(dn_txn *t);
void dn_adj_discard(dn_txn *t);
void dn_adj_close(dn_txn *t);
/* Buffered adjacency entries per sorted run (2^19; tests lower it). */
extern size_t dn_adj_run_entries;
/* Whether a flush's merge may compare entries as two packed words when
 * their ids fit (true; tests turn it off to take the four-field path that
 * ids too large to pack take). */
extern bool dn_adj_merge_packed;
/* Adds sorted entries of one (node, dir, type) group; past_end: the
 * caller knows nothing of the group is stored yet. */
int dn_adj_add_group(dn_txn *t, const uint8_t *prefix13, const uint8_t *ents, size_t n, bool past_end);
int dn_adj_remove(dn_txn *t, const uint8_t *prefix13, const uint8_t *ent);
int dn_adj_contains(dn_txn *t, const uint8_t *prefix13, const uint8_t *ent, bool *yes);
int dn_adj_deg_get(dn_txn *t, const uint8_t *prefix13, uint64_t *n);
int dn_adj_self_loops(dn_txn *t, const uint8_t *prefix13, dn_id node, uint64_t *n);

/* history.c */
int dn_purge_raw(dn_txn *t, uint8_t kind, dn_id id, const char *reason, size_t reason_len, bool top);

#define DN_DEFAULT_MAP_SIZE ((size_t)4 << 30)

#endif /* DN_INTERNAL_H */
