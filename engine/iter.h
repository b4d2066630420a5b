/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iter.h — the iterator structure shared by iter.c (node, edge, label and
 * adjacency scans) and index.c (index range seeks), and the scanner that
 * reads runs of duplicate values a page at a time.
 */
#ifndef DN_ITER_H
#define DN_ITER_H

#include "internal.h"
#include "keys.h"

/* Walks keys from a start key while they keep a prefix (and, with end_len,
 * stay <= end), yielding every duplicate value of each key. */
typedef struct dn_scan {
	/* kept across reuse of a cached iterator */
	MDB_cursor *c;
	int dbi;
	uint8_t *buf;                /* copy of the current batch */
	size_t cap;
	/* reset for every scan (up to `prefix`) */
	size_t item;                 /* bytes per duplicate value */
	size_t n, i;
	int state;                   /* 0 not started, 1 running, 2 done */
	bool chunked;                /* values are adjacency chunks, not dups */
	size_t prefix_len;
	bool exact;                  /* only the key equal to prefix[0..exact_len) */
	size_t exact_len;
	size_t end_len;              /* upper bound `end` (0 = none) */
	bool end_prefix;             /* keys that extend `end` still count as <= */
	size_t key_len;
	size_t cur_key_len;
	/* byte arrays last: never cleared */
	uint8_t prefix[DN_KEY_VALUE_MAX + 8];
	uint8_t end[DN_KEY_VALUE_MAX + 8];
	uint8_t key[DN_KEY_VALUE_MAX + 8];
	uint8_t cur_key[DN_KEY_VALUE_MAX + 8]; /* key of the current batch */
} dn_scan;

enum {
	IT_EMPTY,
	IT_NODES,
	IT_EDGES,
	IT_LABEL,
	IT_ADJ,
	IT_INDEX,
	IT_ASOF_NODES,
	IT_ASOF_EDGES,
};

struct dn_iter {
	/* kept across reuse: the transaction's list of its iterators */
	dn_txn *t;
	dn_iter *next_all;  /* every iterator the transaction allocated */
	dn_iter *next_free; /* ended ones kept for reuse */
	MDB_cursor *cur;    /* plain cursor (IT_NODES / IT_EDGES) */
	int cur_dbi;
	/* reset for every use (from `kind` up to `scan`) */
	int kind;
	bool started, stale, in_use;
	/* as-of and filtered scans */
	dn_id next_id;
	bool has_label;
	uint32_t label;
	/* adjacency */
	dn_id node;
	dn_dir dir;
	uint8_t cur_dir;
	bool has_type, in_hist;
	uint32_t type;
	/* index ranges */
	bool has_range, verify;
	uint32_t key;
	dn_value lo, hi;
	bool has_lo, has_hi;
	unsigned range_flags;
	int type_class;
	/* the scanners, last */
	dn_scan scan, hscan;
};

/* A ready iterator of `kind`, reused from the transaction's cache when
 * possible (its cursors stay open). */
int dn_iter_new(dn_txn *t, int kind, dn_iter **out);
/* Closes the cursors of every iterator of t (the LMDB transaction ends or
 * is replaced); iterators still in use become stale. */
void dn_iters_detach(dn_txn *t);
/* Frees every iterator of t (at the end of the transaction). */
void dn_iters_free_all(dn_txn *t);

int dn_scan_open(dn_txn *t, dn_scan *s, int dbi, size_t item);
void dn_scan_close(dn_scan *s);
void dn_scan_seek(dn_scan *s, const uint8_t *start, size_t start_len, size_t prefix_len);
int dn_scan_next(dn_txn *t, dn_scan *s, const uint8_t **item);

/* index.c */
int dn_index_iter_next(dn_iter *it, dn_id *id);
bool dn_index_value_in_range(dn_iter *it, const dn_rec *r);

#endif
