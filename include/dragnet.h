/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet.h — the public C API of dragnet, an embedded link-analysis graph
 * database on LMDB. A database is a property graph (labelled nodes, typed
 * directed edges, properties) whose every element also carries intelligence
 * metadata (provenance, grading, valid time, handling marking) and whose
 * every change is logged and kept, so that any past state can be read.
 *
 * Conventions, kept by every function below:
 *  - Functions return 0 on success or a negative dn_err code. The message of
 *    the last failed call made by the calling thread on a database is
 *    dn_errmsg(db); dn_strerror(code) is the generic text of a code.
 *  - Arguments are borrowed: dragnet copies what it keeps. Results returned
 *    through out-pointers are owned by the caller and released with the
 *    matching *_free function; every destructor accepts NULL.
 *  - Nothing returned by dragnet points into the LMDB map, so results stay
 *    valid after the transaction that produced them ends.
 *  - A dn_txn is used by one thread at a time. A dn_db may be shared by
 *    threads; several processes may open the same database.
 */
#ifndef DRAGNET_H
#define DRAGNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DN_VERSION_MAJOR 0
#define DN_VERSION_MINOR 1
#define DN_VERSION_PATCH 0
#define DN_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* Error codes: 0 is success, the rest are negative (see dragnet_errors.def).
 * Iterators additionally return DN_ROW (a row was produced) and DN_DONE (no
 * more rows), so that the end of a scan is never confused with a failure. */
typedef enum dn_err {
	DN_OK = 0,
	DN_ROW = 1,
	DN_DONE = 2,
#define DN_ERROR(name, value, msg) name = value,
#include "dragnet_errors.def"
#undef DN_ERROR
} dn_err;

/* The generic text of a code (never NULL; "unknown error" for unknown codes). */
const char *dn_strerror(int code);

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

typedef enum dn_type {
	DN_NULL = 0,
	DN_BOOL,
	DN_INT,      /* int64 */
	DN_FLOAT,    /* double */
	DN_STRING,   /* UTF-8, length-counted, may contain NUL bytes */
	DN_DATE,     /* days since 1970-01-01 (proleptic Gregorian) */
	DN_DATETIME, /* an instant: u.datetime milliseconds since 1970-01-01T00:00:00Z,
	                u.tm_ns, and the offset u.tm_offset and zone u.tm_zone it is
	                seen in (0 and 0: UTC) */
	DN_DURATION, /* months, days and nanoseconds, kept apart as in Cypher */
	DN_LIST,     /* ordered list of values (may nest, may mix types) */
	/* Query results only; never stored as properties: */
	DN_MAP,      /* len entries; u.list holds 2*len values: key (STRING), value;
	                keys unique and sorted by bytes (dn_cy_map_build) */
	DN_NODE,     /* u.i is a node id (read it with dn_node_get) */
	DN_REL,      /* u.i is an edge id (dn_edge_get) */
	DN_PATH,     /* u.list holds len values: node, rel, node, ..., node */
	/* Storable again (appended so that older type numbers keep theirs): */
	DN_LOCALTIME,     /* u.datetime milliseconds of the day, u.tm_ns */
	DN_TIME,          /* a LOCALTIME and its offset u.tm_offset */
	DN_LOCALDATETIME, /* u.datetime milliseconds since 1970-01-01T00:00 on a wall
	                     clock (no zone), u.tm_ns */
	DN_TYPE_COUNT_
} dn_type;

/* The last type of the first run of types a property may hold (the three
 * later time types may be held as well: use DN_TYPE_STORABLE). */
#define DN_STORABLE_MAX DN_LIST
/* Whether a property may hold a value of type t. */
#define DN_TYPE_STORABLE(t) ((t) <= DN_STORABLE_MAX || ((t) >= DN_LOCALTIME && (t) < DN_TYPE_COUNT_))
/* Whether t is one of the six temporal types (DATE ... LOCALDATETIME). */
#define DN_TYPE_TEMPORAL(t) \
	(((t) >= DN_DATE && (t) <= DN_DURATION) || ((t) >= DN_LOCALTIME && (t) < DN_TYPE_COUNT_))

/*
 * One small tagged value, passed by value. A DN_STRING or DN_LIST value
 * either owns its storage (values that dragnet returns, values built with
 * dn_value_string/dn_value_list) or borrows it (values the caller builds
 * with dn_value_stringn_ref on its own memory). dn_value_free releases an
 * owned value and resets it to DN_NULL; it must not be called on a
 * borrowed value. Arguments of type `const dn_value *` are always borrowed.
 */
typedef struct dn_value {
	uint8_t type;  /* dn_type */
	uint8_t owned; /* 1 when s/list is heap storage owned by this value */
	uint32_t len;  /* bytes of a string, items of a list */
	union {
		bool b;
		int64_t i;
		double f;
		const char *s;
		int32_t date;
		struct { /* LOCALTIME, TIME, LOCALDATETIME, DATETIME (see dn_type) */
			int64_t datetime;  /* milliseconds */
			int32_t tm_ns;     /* nanoseconds within the millisecond, 0..999999 */
			int32_t tm_offset; /* TIME, DATETIME: seconds east of UTC, else 0 */
			uint32_t tm_zone;  /* DATETIME: a named zone (dn_tz_name) or 0 */
		};
		struct {
			int64_t months, days, nanos;
		} dur;
		struct dn_value *list;
	} u;
} dn_value;

/* The scalar constructors are inline: a query builds millions of them
 * (every comparison's answer, every entity it binds), and one initializer
 * lets the compiler write the value where it goes. Readers read the
 * member of the value's type only. */
static inline dn_value dn_value_null(void)
{
	return (dn_value){.type = DN_NULL};
}
static inline dn_value dn_value_bool(bool b)
{
	return (dn_value){.type = DN_BOOL, .u.b = b};
}
static inline dn_value dn_value_int(int64_t i)
{
	return (dn_value){.type = DN_INT, .u.i = i};
}
static inline dn_value dn_value_float(double f)
{
	return (dn_value){.type = DN_FLOAT, .u.f = f};
}
dn_value dn_value_date(int32_t days);
/* A DATETIME at ms milliseconds since the epoch, in UTC ("...Z"). */
dn_value dn_value_datetime(int64_t ms);
/* The general DATETIME: the instant ms + ns (0 <= ns < 1000000) seen at
 * offset seconds east of UTC, in the named zone `zone` (0 for none; the
 * caller computes offset from the zone with dn_tz_offset_utc). */
dn_value dn_value_datetime_at(int64_t ms, int32_t ns, int32_t offset, uint32_t zone);
/* A LOCALTIME at nanos nanoseconds after midnight (0 <= nanos < 86400e9). */
dn_value dn_value_localtime(int64_t nanos);
/* A TIME: a LOCALTIME and its offset in seconds east of UTC. */
dn_value dn_value_time(int64_t nanos, int32_t offset);
/* A LOCALDATETIME at ms milliseconds and ns (0..999999) nanoseconds after
 * 1970-01-01T00:00 on a wall clock. */
dn_value dn_value_localdatetime(int64_t ms, int32_t ns);
dn_value dn_value_duration(int64_t months, int64_t days, int64_t nanos);
/* A borrowed string value over s[0..len): no copy, caller keeps s alive. */
dn_value dn_value_stringn_ref(const char *s, size_t len);
/* Owned copies. On allocation failure they return a DN_NULL value and
 * *err (if not NULL) is set to DN_ENOMEM. */
dn_value dn_value_string(const char *s, int *err);
dn_value dn_value_stringn(const char *s, size_t len, int *err);
/* An owned list of n items, copied (deeply) from items. */
dn_value dn_value_list(const dn_value *items, size_t n, int *err);
/* Deep copy of any value into *out (owned). Returns 0 or DN_ENOMEM. */
int dn_value_copy(dn_value *out, const dn_value *in);
/* Releases an owned value and sets it to DN_NULL. Accepts NULL. */
void dn_value_free(dn_value *v);
/* Equality of stored values (same type and content; INT 1 and FLOAT 1.0
 * compare equal, as in Cypher's `=`; NULL equals NULL here). */
bool dn_value_equal(const dn_value *a, const dn_value *b);
/* Total order used by indexes: NULL < BOOL < numbers < STRING < DATE <
 * LOCALTIME < TIME < LOCALDATETIME < DATETIME < DURATION < LIST, then the
 * result-only MAP < NODE < REL < PATH (maps entry by entry, nodes and rels
 * by id, paths as lists); numbers compare numerically across INT and
 * FLOAT. Times and datetimes compare by instant (a TIME's in UTC), then
 * by offset (and zone name); a DATETIME with sub-millisecond nanoseconds,
 * an offset or a zone sorts after the plain UTC one of its millisecond.
 * Returns <0, 0, >0. (Cypher's ORDER BY order and its comparisons are
 * other ones: see query/value_ops.h.) */
int dn_value_compare(const dn_value *a, const dn_value *b);
/* Name of a type ("INTEGER", "STRING", ...). */
const char *dn_type_name(int type);

/* Calendar helpers: day numbers and ISO-8601 text. Return 0 or DN_EINVAL. */
int dn_date_from_ymd(int year, int month, int day, int32_t *days);
void dn_date_to_ymd(int32_t days, int *year, int *month, int *day);
/* Parses "YYYY-MM-DD". */
int dn_date_parse(const char *s, size_t len, int32_t *days);
/* Parses "YYYY-MM-DD[Thh:mm[:ss[.fff]]][Z|±hh:mm]" into UTC milliseconds. */
int dn_datetime_parse(const char *s, size_t len, int64_t *ms);
/* Writes ISO-8601 text into buf (NUL-terminated, truncated to cap);
 * returns the length the full text needs, like snprintf. */
int dn_date_format(int32_t days, char *buf, size_t cap);
int dn_datetime_format(int64_t ms, char *buf, size_t cap);
int dn_duration_format(int64_t months, int64_t days, int64_t nanos, char *buf, size_t cap);

/* Temporal values (engine/temporal.c). Cypher's text of any of the six
 * temporal types, as toString() writes it: "2015-07-21", "21:40",
 * "21:40:32.142+01:00", "2015-07-21T21:40:32.5", "2015-07-21T21:40Z",
 * "...+02:00[Europe/Stockholm]", "P1DT2H". Seconds are left out when they
 * and the fraction are zero; fractions lose their trailing zeros. Returns the
 * length the full text needs (like snprintf), or -1 for a non-temporal v. */
int dn_value_format(const dn_value *v, char *buf, size_t cap);
/* Parses ISO 8601 text as a value of `type` (DN_DATE, DN_LOCALTIME,
 * DN_TIME, DN_LOCALDATETIME or DN_DATETIME): calendar, week ("2015-W30-2")
 * and ordinal ("2015-202") dates, basic forms ("20150721T214032"), partial
 * dates and times, offsets ("Z", "+01", "+0100", "+01:00") and a zone name
 * in brackets. Text without an offset gets offset 0 (UTC) where the type
 * needs one. Returns 0, DN_EINVAL for text it does not read, DN_ENOTFOUND
 * for an unknown zone, DN_ETOOBIG for a value out of range. */
int dn_temporal_parse(int type, const char *s, size_t len, dn_value *out);

/* Named time zones (engine/tz.c), read from the system's TZif files in
 * /usr/share/zoneinfo (tzdata) or $TZDIR, parsed once and cached for the
 * life of the process. All are thread-safe. A zone is a small number > 0
 * that stays valid for the process's life. */
/* Finds the zone named name[0..len) ("Europe/Stockholm"). Returns 0,
 * DN_EINVAL for a malformed name, DN_ENOTFOUND when no zone file is there. */
int dn_tz_find(const char *name, size_t len, uint32_t *zone);
/* The name of a zone from dn_tz_find (static storage), or NULL. */
const char *dn_tz_name(uint32_t zone);
/* The offset in seconds east of UTC of zone at the instant utc_seconds. */
int dn_tz_offset_utc(uint32_t zone, int64_t utc_seconds, int32_t *offset);
/* The offset of zone for the wall-clock time local_seconds. In a gap (the
 * clock jumps forward) it is the offset before the gap, so that the time
 * moves forward by the gap's length; in an overlap it is the earlier
 * offset (as java.time does). */
int dn_tz_offset_local(uint32_t zone, int64_t local_seconds, int32_t *offset);

/* ------------------------------------------------------------------ */
/* Databases and transactions                                          */
/* ------------------------------------------------------------------ */

typedef struct dn_db dn_db;
typedef struct dn_txn dn_txn;
typedef struct dn_iter dn_iter;
typedef uint64_t dn_id; /* node and edge ids; 0 is never a valid id */

enum dn_open_flags {
	DN_OPEN_RDONLY = 1u << 0, /* open an existing database for reading only */
	DN_OPEN_NOCREATE = 1u << 1, /* fail with DN_ENOTFOUND if it does not exist */
	DN_OPEN_NOSYNC = 1u << 2, /* do not fsync on commit (bulk loads, tests):
	                              a crash may lose the last commits, never
	                              consistency */
};

typedef struct dn_open_opts {
	unsigned flags;     /* dn_open_flags */
	size_t map_size;    /* initial LMDB map size in bytes; 0 = default. The
	                       map grows on demand whatever this is. */
	unsigned max_readers; /* 0 = default (126) */
} dn_open_opts;

/*
 * Opens (creating if missing, unless DN_OPEN_NOCREATE or DN_OPEN_RDONLY) the
 * database at `path`, a directory holding data.mdb and lock.mdb. A missing
 * directory is created with mode 0700 and new files with mode 0600. opts may
 * be NULL.
 * Returns 0 and *out, or DN_ENOTFOUND (missing, with NOCREATE/RDONLY),
 * DN_ENOTDB (not a dragnet database, or truncated), DN_EVERSION (written by
 * a newer format), DN_EPERM, DN_EIO, DN_ENOMEM. On failure *out is NULL; a
 * message is available from dn_errmsg(NULL) in the same thread.
 */
int dn_open(const char *path, const dn_open_opts *opts, dn_db **out);
/* Closes the database. All its transactions must have ended. Accepts NULL. */
void dn_close(dn_db *db);
/* The message of the last failed call made by this thread on db (or on
 * dn_open when db is NULL); "" when there is none. Valid until the next call
 * on db from this thread. */
const char *dn_errmsg(const dn_db *db);
/* The path the database was opened with. */
const char *dn_db_path(const dn_db *db);

enum dn_txn_flags {
	DN_TXN_RDONLY = 1u << 0,
	/* A write transaction without the replay journal that otherwise
	 * lets a write call that fails halfway leave no trace, and lets a
	 * full map grow and the transaction go on: for bulk loads that the
	 * caller can redo whole. Here any failed write call makes the
	 * transaction unusable (later calls and the commit give DN_ETXN; abort
	 * it), and a full map grows the map and fails the call with
	 * DN_EMAPFULL, so that the load can be done again, with the journal. */
	DN_TXN_NO_JOURNAL = 1u << 1,
};

/* How a transaction reads and who it is. All fields optional (zero). */
typedef struct dn_txn_opts {
	/* Who acts: recorded in the log for a write transaction. NULL = the
	 * process's user name. */
	const char *principal;
	/* Read-only transactions: see the graph as it was right after log
	 * position as_of_pos committed (0 = now). Or, if as_of_pos is 0 and
	 * as_of_time_ms is not 0, as of the last position committed at or
	 * before that time. */
	uint64_t as_of_pos;
	int64_t as_of_time_ms;
	/* Handling markings this reader is cleared for. NULL = unrestricted.
	 * A non-NULL array of n_clearances strings restricts the transaction:
	 * nodes and edges carrying any marking outside the set are invisible
	 * to every lookup, scan, adjacency iteration and count. */
	const char *const *clearances;
	size_t n_clearances;
} dn_txn_opts;

/*
 * Begins a transaction. One write transaction at a time per database (a
 * second writer waits); readers never wait and see a consistent snapshot.
 * Returns 0 and *out, or DN_EREADONLY (write on a read-only database),
 * DN_ENOTFOUND (as-of position/time before the first commit or in the
 * future), DN_EINVAL (as-of on a write transaction), DN_EBUSY (too many
 * readers), DN_ENOMEM, DN_EIO.
 */
int dn_txn_begin(dn_db *db, unsigned flags, const dn_txn_opts *opts, dn_txn **out);
/*
 * Begins a read-only transaction that sees the graph as of log position pos
 * (or, when pos is 0, as of time_ms) with the same clearances as `like`:
 * what `AS OF` in a query reads through. Returns 0 or dn_txn_begin's
 * errors; DN_EINVAL when both pos and time_ms are 0.
 */
int dn_txn_begin_as_of(dn_txn *like, uint64_t pos, int64_t time_ms, dn_txn **out);
/*
 * Begins a read-only transaction that sees exactly what the read
 * transaction `like` sees (the same snapshot, as-of position and
 * clearances), for another thread to read beside it: a transaction is
 * used by one thread at a time, its twin by another. Returns 0, DN_EBUSY
 * when a writer has committed since `like` began (that snapshot cannot be
 * opened again; too many readers gives it too), DN_EINVAL when `like` is
 * not a read transaction, or dn_txn_begin's errors.
 */
int dn_txn_begin_twin(dn_txn *like, dn_txn **out);
/*
 * Commits and frees the transaction (a read transaction is simply ended).
 * A write transaction that changed anything receives the next log
 * position. On failure nothing of the transaction is kept and it is freed
 * all the same. Returns 0, DN_EIO, DN_ENOMEM, DN_ETXN (an earlier call
 * failed in a way that poisoned the transaction).
 */
int dn_txn_commit(dn_txn *txn);
/* Abandons and frees the transaction. Accepts NULL. */
void dn_txn_abort(dn_txn *txn);
/* The database of a transaction. */
dn_db *dn_txn_db(const dn_txn *txn);
/* The log position this transaction reads at: the last committed position
 * (or the as-of position). For a write transaction, the position it will
 * commit as is this plus one. */
uint64_t dn_txn_position(const dn_txn *txn);
/* True for transactions restricted by clearances or reading as of a past
 * position (lookups then take a slower, filtering path). */
bool dn_txn_is_restricted(const dn_txn *txn);

/* ------------------------------------------------------------------ */
/* Intelligence metadata                                               */
/* ------------------------------------------------------------------ */

/* Reliability 'A'..'F' of the source and credibility 1..6 of the
 * information (Admiralty / NATO grading); 0 = not graded. Valid time is a
 * half-open interval [valid_from, valid_to) in UTC ms; DN_TIME_UNSET for an
 * open end. marking is a comma-separated set of handling caveats
 * ("TAX-CONFIDENTIAL,PERSONAL"), NULL or "" for none. */
#define DN_TIME_UNSET INT64_MIN

typedef struct dn_meta {
	const char *source;   /* provenance: source name or reference */
	const char *record;   /* provenance: record reference (file:line, report id) */
	char reliability;     /* 'A'..'F' or 0 */
	uint8_t credibility;  /* 1..6 or 0 */
	int64_t valid_from;   /* DN_TIME_UNSET or ms */
	int64_t valid_to;     /* DN_TIME_UNSET or ms */
	const char *marking;  /* comma-separated caveats, or NULL */
} dn_meta;

/* A dn_meta with nothing set (times DN_TIME_UNSET). */
dn_meta dn_meta_none(void);

/* ------------------------------------------------------------------ */
/* Nodes and edges                                                     */
/* ------------------------------------------------------------------ */

typedef struct dn_prop {
	const char *key;
	dn_value value;
} dn_prop;

/* A node as returned by dn_node_get: owned by the caller, one allocation
 * released by dn_node_free. Labels and property keys are sorted by name. */
typedef struct dn_node {
	dn_id id;
	size_t nlabels;
	const char **labels;
	size_t nprops;
	dn_prop *props;
	dn_meta meta;
	uint64_t created_pos; /* log position that created the node */
	uint64_t version_pos; /* log position that wrote this version */
} dn_node;

typedef struct dn_edge {
	dn_id id;
	dn_id src, dst;
	const char *type;
	size_t nprops;
	dn_prop *props;
	dn_meta meta;
	uint64_t created_pos;
	uint64_t version_pos;
} dn_edge;

void dn_node_free(dn_node *node);
void dn_edge_free(dn_edge *edge);
/* The value of property `key`, or NULL when the element has none. */
const dn_value *dn_node_prop(const dn_node *node, const char *key);
const dn_value *dn_edge_prop(const dn_edge *edge, const char *key);
bool dn_node_has_label(const dn_node *node, const char *label);

/*
 * Creates a node with the given labels (duplicates ignored), properties
 * (a DN_NULL value is skipped; a repeated key keeps the last) and metadata
 * (NULL = none). Returns 0 and *id, or DN_EREADONLY, DN_EINVAL (empty
 * label or key, bad grading), DN_ECONSTRAINT (a unique index already holds
 * the value), DN_ETOOBIG, DN_ENOMEM, DN_EIO.
 */
int dn_node_create(dn_txn *txn, const char *const *labels, size_t nlabels,
                   const dn_prop *props, size_t nprops, const dn_meta *meta,
                   dn_id *id);
/* Reads a node. Returns 0 and *out (owned), DN_ENOTFOUND (no such node, or
 * not visible to this transaction), DN_ENOMEM. */
int dn_node_get(dn_txn *txn, dn_id id, dn_node **out);
/* One property of a node (or edge) by key (klen bytes): *out is an owned
 * copy, DN_NULL when the element has no such property. Cheaper than
 * dn_node_get for one value: nothing else is decoded or allocated.
 * Returns 0, DN_ENOTFOUND (no such element visible), DN_ENOMEM. */
int dn_node_prop_get(dn_txn *txn, dn_id id, const char *key, size_t klen, dn_value *out);
/* Whether a visible node carries every one of n labels (*ok). Returns 0,
 * DN_ENOTFOUND (no such node visible). Reads one record, allocates nothing. */
int dn_node_has_labels(dn_txn *txn, dn_id id, const char *const *labels, size_t n, bool *ok);
int dn_edge_prop_get(dn_txn *txn, dn_id id, const char *key, size_t klen, dn_value *out);
/* A relationship this write transaction deleted, as it was before (for a
 * query's type(r) after DELETE r): owned by the caller (dn_edge_free).
 * DN_ENOTFOUND when it was not deleted in this transaction. */
int dn_edge_get_deleted(dn_txn *txn, dn_id id, dn_edge **out);
/* True when the node exists and is visible. */
bool dn_node_exists(dn_txn *txn, dn_id id);
/*
 * A property reader: property `key` of nodes taken in ascending id order
 * (a label scan's, a search's sorted ends), each read stepping the reader's
 * cursor forward instead of searching when the node lies just past the
 * last one, and decoding the record only up to the key. Nodes out of order
 * are fine, only slower. dn_prop_reader_get sets *v to the value, borrowed
 * (valid until the reader's next call or the transaction's end), or NULL
 * when the node has no such property; it returns 0, DN_ENOTFOUND (no such
 * node, or not visible), DN_ECORRUPT or DN_ETXN. As-of, restricted and
 * write transactions read through dn_node_prop_get. Close the reader
 * before its transaction ends.
 */
typedef struct dn_prop_reader dn_prop_reader;
int dn_prop_reader_open(dn_txn *txn, const char *key, size_t klen, dn_prop_reader **out);
int dn_prop_reader_get(dn_prop_reader *r, dn_id id, const dn_value **v);
void dn_prop_reader_close(dn_prop_reader *r);
/* Sets one property; a DN_NULL value removes it. Returns 0, DN_ENOTFOUND,
 * DN_ECONSTRAINT, DN_EREADONLY, DN_EINVAL, DN_ETOOBIG. */
int dn_node_set_prop(dn_txn *txn, dn_id id, const char *key, const dn_value *value);
/* Removes one property (no error when absent). */
int dn_node_remove_prop(dn_txn *txn, dn_id id, const char *key);
/* Adds / removes a label (no error when already present / absent). */
int dn_node_add_label(dn_txn *txn, dn_id id, const char *label);
int dn_node_remove_label(dn_txn *txn, dn_id id, const char *label);
/* Replaces the node's metadata. */
int dn_node_set_meta(dn_txn *txn, dn_id id, const dn_meta *meta);
/* Deletes a node that has no edges; DN_ECONSTRAINT if it still has some. */
int dn_node_delete(dn_txn *txn, dn_id id);
/* Deletes a node and all its edges. */
int dn_node_detach_delete(dn_txn *txn, dn_id id);

/* Creates an edge src -[type]-> dst. Returns 0 and *id, or DN_ENOTFOUND
 * (an endpoint does not exist), DN_EINVAL, DN_EREADONLY, DN_ETOOBIG. */
int dn_edge_create(dn_txn *txn, dn_id src, dn_id dst, const char *type,
                   const dn_prop *props, size_t nprops, const dn_meta *meta,
                   dn_id *id);
int dn_edge_get(dn_txn *txn, dn_id id, dn_edge **out);
bool dn_edge_exists(dn_txn *txn, dn_id id);
int dn_edge_set_prop(dn_txn *txn, dn_id id, const char *key, const dn_value *value);
int dn_edge_remove_prop(dn_txn *txn, dn_id id, const char *key);
int dn_edge_set_meta(dn_txn *txn, dn_id id, const dn_meta *meta);
int dn_edge_delete(dn_txn *txn, dn_id id);

/*
 * Purge: removes an element physically, with every superseded version of
 * it, so that not even as-of reads find it (retention rules). An edge's
 * purge also removes it from adjacency; a node's purge first purges its
 * edges. The log keeps a purge entry naming the id, the principal and the
 * reason, but no data. Returns 0, DN_ENOTFOUND (no current or past version),
 * DN_EREADONLY, DN_EINVAL (reason missing).
 */
int dn_node_purge(dn_txn *txn, dn_id id, const char *reason);
int dn_edge_purge(dn_txn *txn, dn_id id, const char *reason);

/* ------------------------------------------------------------------ */
/* Iteration and counts                                                */
/* ------------------------------------------------------------------ */

typedef enum dn_dir {
	DN_OUT = 1,  /* edges whose source is the node */
	DN_IN = 2,   /* edges whose target is the node */
	DN_BOTH = 3, /* both; a self-loop is reported once */
} dn_dir;

/* One adjacency entry: the edge, the node at its other end, its type and
 * the direction in which it was found. */
typedef struct dn_adj {
	dn_id edge;
	dn_id nbr;
	uint32_t type; /* token id; dn_token_name() gives the name */
	dn_dir dir;    /* DN_OUT or DN_IN */
} dn_adj;

/* Iterators. They live inside their transaction: end them (dn_iter_free)
 * before the transaction ends. Writes in the same transaction while an
 * iterator is open are allowed; the iterator then sees a state at or after
 * its start, never a torn record. */
int dn_nodes_all(dn_txn *txn, dn_iter **out);
/* Nodes carrying `label`; an unknown label gives an empty iterator. */
int dn_nodes_by_label(dn_txn *txn, const char *label, dn_iter **out);
int dn_edges_all(dn_txn *txn, dn_iter **out);
/* Edges of a node in a direction, optionally of one type (NULL = all).
 * DN_ENOTFOUND if the node is not visible. */
int dn_edges_of(dn_txn *txn, dn_id node, dn_dir dir, const char *type, dn_iter **out);
/*
 * An adjacency reader for nodes taken in ascending id order (a label
 * scan's, a sorted frontier's): dn_adj_reader_each hands fn the same
 * entries dn_edges_of would give for node along dir and of type (NULL:
 * every type; DN_BOTH gives a self-loop once), reading the stored chunks
 * in place and stepping its cursor forward instead of searching when the
 * node lies just past the last one. Nodes out of order are fine, only
 * slower; a node that does not exist or is not visible has no entries.
 * fn returns 0 to go on; anything else stops the walk and is returned.
 * The reader belongs to its transaction: close it before the transaction
 * ends. Writes in the transaction are seen (as-of, restricted and write
 * transactions read through dn_edges_of). Open returns 0, DN_EINVAL (bad
 * direction), DN_ENOMEM or DN_ETXN.
 */
typedef struct dn_adj_reader dn_adj_reader;
typedef int (*dn_adj_fn)(void *ctx, const dn_adj *a);
int dn_adj_reader_open(dn_txn *txn, dn_dir dir, const char *type, dn_adj_reader **out);
int dn_adj_reader_each(dn_adj_reader *r, dn_id node, dn_adj_fn fn, void *ctx);
void dn_adj_reader_close(dn_adj_reader *r);
/* Up to cap next ids of a node or edge iterator into ids (*n of them):
 * DN_ROW when *n > 0, DN_DONE when there are none left, or an error. A
 * label's nodes come a page of the label index at a time. */
int dn_iter_next_many(dn_iter *it, dn_id *ids, size_t cap, size_t *n);
/* Next id of a node or edge iterator: DN_ROW with *id, DN_DONE, or an error. */
int dn_iter_next(dn_iter *it, dn_id *id);
/* Next entry of an adjacency iterator: DN_ROW with *adj, DN_DONE, or an error. */
int dn_iter_next_adj(dn_iter *it, dn_adj *adj);
void dn_iter_free(dn_iter *it);

/* Counts without iterating (O(1) or O(number of edge types at the node)) in
 * unrestricted transactions; restricted ones count what they can see. */
int dn_count_nodes(dn_txn *txn, uint64_t *n);
int dn_count_edges(dn_txn *txn, uint64_t *n);
int dn_count_label(dn_txn *txn, const char *label, uint64_t *n);
int dn_count_type(dn_txn *txn, const char *type, uint64_t *n);
/* Number of edges of a node in a direction, of one type or all (NULL). */
int dn_degree(dn_txn *txn, dn_id node, dn_dir dir, const char *type, uint64_t *n);

/* ------------------------------------------------------------------ */
/* Tokens: labels, edge types, property keys                           */
/* ------------------------------------------------------------------ */

typedef enum dn_token_kind {
	DN_TOKEN_LABEL = 1,
	DN_TOKEN_TYPE = 2,
	DN_TOKEN_KEY = 3,
	DN_TOKEN_MARKING = 4,
} dn_token_kind;

/* The id of a name (DN_ENOTFOUND if never used). */
int dn_token_id(dn_txn *txn, dn_token_kind kind, const char *name, uint32_t *id);
/* The name of an id, copied into an owned string (free with free()). */
int dn_token_name(dn_txn *txn, dn_token_kind kind, uint32_t id, char **name);
/* All names of a kind, in id order: *names is an owned array of owned
 * strings, released with dn_strings_free. */
int dn_token_list(dn_txn *txn, dn_token_kind kind, char ***names, size_t *n);
void dn_strings_free(char **names, size_t n);

/* ------------------------------------------------------------------ */
/* Property indexes                                                    */
/* ------------------------------------------------------------------ */

enum dn_index_flags {
	DN_INDEX_UNIQUE = 1u << 0,
};

typedef struct dn_index_info {
	char *name;
	char *label;
	char *key;
	unsigned flags;
	uint64_t entries;
} dn_index_info;

/*
 * Creates an index on (label, key), filling it from the existing nodes.
 * name may be NULL ("idx_<label>_<key>"). With DN_INDEX_UNIQUE, fails with
 * DN_ECONSTRAINT (naming both nodes) when two nodes already share a value.
 * Returns 0, DN_EEXISTS (same label and key, or same name), DN_EREADONLY,
 * DN_EINVAL.
 */
int dn_index_create(dn_txn *txn, const char *name, const char *label,
                    const char *key, unsigned flags);
/* Drops an index by name. DN_ENOTFOUND if there is none. */
int dn_index_drop(dn_txn *txn, const char *name);
/* Whether an index on (label, key) exists: 0 with *flags (DN_INDEX_*; flags
 * may be NULL), or DN_ENOTFOUND. Cheap: reads no entries (the planner asks
 * it for every node pattern). */
int dn_index_find(dn_txn *txn, const char *label, const char *key, unsigned *flags);
/* Lists indexes: owned array freed with dn_index_list_free. */
int dn_index_list(dn_txn *txn, dn_index_info **out, size_t *n);
void dn_index_list_free(dn_index_info *list, size_t n);

enum dn_range_flags {
	DN_RANGE_LO_EXCL = 1u << 0, /* lo bound excluded */
	DN_RANGE_HI_EXCL = 1u << 1, /* hi bound excluded */
};

/*
 * Seeks nodes of `label` whose property `key` lies in [lo, hi] through the
 * index on (label, key): lo == hi gives equality; NULL lo or hi is an open
 * end. Ranges stay within one kind of value (numbers, strings, dates...).
 * Yields node ids in value order. Returns DN_ENOTFOUND when no such index
 * exists.
 */
int dn_index_seek(dn_txn *txn, const char *label, const char *key,
                  const dn_value *lo, const dn_value *hi, unsigned range_flags,
                  dn_iter **out);

/* ------------------------------------------------------------------ */
/* Log, history and statistics                                         */
/* ------------------------------------------------------------------ */

typedef enum dn_log_op {
	DN_LOG_NODE_CREATE = 1,
	DN_LOG_NODE_UPDATE = 2,
	DN_LOG_NODE_DELETE = 3,
	DN_LOG_EDGE_CREATE = 4,
	DN_LOG_EDGE_UPDATE = 5,
	DN_LOG_EDGE_DELETE = 6,
	DN_LOG_NODE_PURGE = 7,
	DN_LOG_EDGE_PURGE = 8,
	DN_LOG_SCHEMA = 9,
} dn_log_op;

/* One committed write transaction as the log records it. */
typedef struct dn_log_entry {
	uint64_t pos;
	int64_t time_ms;
	char *principal;
	size_t nchanges;
	struct dn_log_change {
		uint8_t op;    /* dn_log_op */
		dn_id id;      /* node or edge id (0 for schema changes) */
		uint64_t count; /* ids id .. id+count-1 (a bulk load is one change) */
		char *detail;  /* e.g. purge reason, index name; may be NULL */
	} *changes;
} dn_log_entry;

/* Reads the log entry at position pos. DN_ENOTFOUND if none. */
int dn_log_get(dn_txn *txn, uint64_t pos, dn_log_entry **out);
void dn_log_entry_free(dn_log_entry *e);
/* The last position committed at or before time_ms (0 if none). */
int dn_log_position_at(dn_txn *txn, int64_t time_ms, uint64_t *pos);

typedef struct dn_stats {
	uint64_t nodes, edges;
	uint64_t log_position;
	uint64_t file_bytes;  /* size of data.mdb */
	uint64_t map_bytes;   /* current map size */
	uint32_t format_version; /* of the file (an older one read-only keeps its own) */
	size_t nlabels;
	struct dn_count { char *name; uint64_t count; } *labels; /* by name */
	size_t ntypes;
	struct dn_count *types;
} dn_stats;

int dn_stats_get(dn_txn *txn, dn_stats **out);
void dn_stats_free(dn_stats *s);

/*
 * Integrity check: verifies that adjacency, label and property indexes,
 * counters, history and records agree. Each problem found is passed to
 * report (if not NULL) as one line of text. *problems receives the count.
 * Returns 0 when the check ran (whatever it found), or an error that kept
 * it from running.
 */
int dn_check(dn_txn *txn, void (*report)(void *ctx, const char *problem),
             void *ctx, uint64_t *problems);

/* ------------------------------------------------------------------ */
/* Queries (the Cypher subset; docs/QUERY.md)                           */
/* ------------------------------------------------------------------ */

/*
 * A positioned query error. code is DN_ESYNTAX (malformed), DN_ESEMANTIC
 * (well-formed but meaningless: unknown variable, misplaced aggregate...),
 * DN_ENOTSUP (Cypher outside dragnet's subset), DN_ERUNTIME (division by
 * zero, wrong argument type...) or another dn_err. The span is in bytes of
 * the query text; line and column count from 1 (column in characters).
 * tck_code is the openCypher TCK's name for the error when one applies
 * ("UnexpectedSyntax", "UndefinedVariable", ...), else "".
 */
typedef struct dn_query_error {
	int code;
	size_t offset, length;
	int line, column;
	char tck_code[48];
	char message[256];
} dn_query_error;

/* Side effects of an executed statement. */
typedef struct dn_query_stats {
	uint64_t nodes_created, nodes_deleted;
	uint64_t rels_created, rels_deleted;
	uint64_t labels_added, labels_removed;
	uint64_t props_set;
} dn_query_stats;

typedef struct dn_stmt dn_stmt;

/*
 * Prepares one statement text[0..len). Returns 0 and *out, or an error
 * code with *err filled (err may be NULL): DN_ESYNTAX, DN_ESEMANTIC,
 * DN_ENOTSUP, DN_ELIMIT, DN_ENOMEM. The statement is independent of any
 * transaction and may be executed many times.
 */
int dn_stmt_prepare(dn_db *db, const char *text, size_t len, dn_stmt **out, dn_query_error *err);
/* Binds parameter $name (copied). DN_EINVAL for a bad value. */
int dn_stmt_bind(dn_stmt *s, const char *name, const dn_value *v);
/*
 * Starts executing in txn (a write transaction for statements that write;
 * DN_EREADONLY otherwise). Rows are then pulled with dn_stmt_step. A
 * statement executes in one transaction at a time; executing again
 * restarts it. A read streams: each step computes the next rows from the
 * graph, so step inside txn and do not bind while stepping (a runtime
 * error may then come from dn_stmt_step); a statement that writes runs
 * whole here, its effects and dn_stmt_stats complete when this returns.
 * Freeing the statement after txn ended is fine.
 */
int dn_stmt_execute(dn_stmt *s, dn_txn *txn);
/* Next row: DN_ROW, DN_DONE or an error (details in dn_stmt_error). */
int dn_stmt_step(dn_stmt *s);
size_t dn_stmt_column_count(const dn_stmt *s);
/* Column names as written ("n.name", or the alias). */
const char *dn_stmt_column_name(const dn_stmt *s, size_t i);
/* The value of column i in the current row: borrowed, valid until the next
 * dn_stmt_step, dn_stmt_execute or dn_stmt_free. */
const dn_value *dn_stmt_column(const dn_stmt *s, size_t i);
/* The error of the last failed call on s (code 0 if none). */
const dn_query_error *dn_stmt_error(const dn_stmt *s);
/* Side effects so far of the current execution. */
const dn_query_stats *dn_stmt_stats(const dn_stmt *s);
/* The transaction to read the current result's nodes and relationships
 * through (dn_node_get, dn_edge_get): the one given to dn_stmt_execute, or,
 * for `AS OF`, the past read transaction the statement opened (owned by
 * the statement, ended by the next execution or dn_stmt_free). */
dn_txn *dn_stmt_txn(const dn_stmt *s);
/* True when the statement may write (CREATE, MERGE, SET, DELETE, ...). */
bool dn_stmt_is_write(const dn_stmt *s);
void dn_stmt_free(dn_stmt *s);

/* The on-disk format version this library writes. It reads every older
 * one; opening an older file for writing marks it with this version.
 * 2: degree counters only for adjacency groups of several chunks, and the
 * temporal types LOCALTIME, TIME, LOCALDATETIME and zoned DATETIME. */
#define DN_FORMAT_VERSION 2

#include "dragnet_import.h"
#include "dragnet_export.h"
#include "dragnet_analysis.h"
#include "dragnet_mapping.h"

#ifdef __cplusplus
}
#endif
#endif /* DRAGNET_H */
