/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loader.h — the part of every importer that writes: transactions and
 * batches, ID spaces (external ids → node ids), idempotent node and
 * relationship writes, rejected rows, progress and the summary. The format
 * readers (import_csv.c, import_jsonl.c, mapping files) turn their rows into
 * calls on a dn_loader.
 */
#ifndef DN_LOADER_H
#define DN_LOADER_H

#include <stdio.h>

#include "dragnet.h"

typedef struct dn_loader dn_loader;

/* Starts an import: begins the first write transaction. total_bytes is the
 * sum of the input sizes for progress (0 if unknown). Returns 0 or an error
 * with the message on db. */
int dn_loader_begin(dn_db *db, const dn_import_opts *opts,
                    dn_import_summary *summary, uint64_t total_bytes,
                    dn_loader **out);
/* The same, its write transactions begun with txn_flags (DN_TXN_*). */
int dn_loader_begin_ex(dn_db *db, const dn_import_opts *opts, dn_import_summary *summary, uint64_t total_bytes,
                       unsigned txn_flags, dn_loader **out);

/* Ends an import: commits (ok) or aborts the transaction in progress, and
 * frees the loader. Returns the commit's result (0 when !ok). */
int dn_loader_end(dn_loader *ld, bool ok);

dn_db *dn_loader_db(const dn_loader *ld);
dn_txn *dn_loader_txn(const dn_loader *ld);
const dn_import_opts *dn_loader_opts(const dn_loader *ld);

/*
 * Finds or registers the ID space `name` ("" for the import's default
 * space). key is the property the ids are stored in, or NULL when they are
 * not stored (the space then lives in memory for this import only). A
 * stored space is backed by a unique index "import_id_<name>" on
 * (name, key), created in the import's transaction if missing; its nodes
 * carry the label `name`. Returns 0 and *space, or DN_ECONSTRAINT when the
 * space was stored before under another key (message on db).
 */
int dn_loader_space(dn_loader *ld, const char *name, const char *key,
                    int *space);

/* Resolves a space named by a relationship column: one registered in this
 * import, or one stored by an earlier import. name NULL or "" = the only
 * space of this import. Returns 0, or DN_ENOTFOUND with a message. */
int dn_loader_space_find(dn_loader *ld, const char *name, int *space);

/* The name of a space ("" for the default one). */
const char *dn_loader_space_name(const dn_loader *ld, int space);
/* Whether a look-up in space never leaves the loader's map (a space not
 * stored in the database, or one this import made and holds whole), so
 * that another thread may do it while the loader writes relationships. */
bool dn_loader_space_in_memory(const dn_loader *ld, int space);
/* dn_loader_lookup for such a space: the map alone, no transaction
 * (DN_ENOTFOUND when the id is not there). */
int dn_loader_lookup_memory(const dn_loader *ld, int space, const char *id, size_t idlen, dn_id *out);


/*
 * Writes one node: when id is not NULL and a node with that id exists in
 * the space, its missing labels, differing properties and given metadata
 * are set (nodes_updated) or nothing changes (nodes_present); otherwise
 * the node is created (nodes_created). props are borrowed; a DN_NULL value
 * is skipped. Returns 0 or an engine error (message on db).
 */
int dn_loader_node(dn_loader *ld, int space, const char *id, size_t idlen,
                   const char *const *labels, size_t nlabels,
                   const dn_prop *props, size_t nprops, const dn_meta *meta,
                   dn_id *out);

/* The node of id in space: 0 and *out, or DN_ENOTFOUND (no message set). */
int dn_loader_lookup(dn_loader *ld, int space, const char *id, size_t idlen,
                     dn_id *out);

/* Makes id in space name node (an in-memory space, or the cache of a
 * stored one). Returns 0 or DN_ENOMEM. */
int dn_loader_remember(dn_loader *ld, int space, const char *id, size_t idlen,
                       dn_id node);

/* Writes one relationship unless an identical one exists between two
 * nodes that predate this import (rels_present). */
int dn_loader_edge(dn_loader *ld, dn_id src, dn_id dst, const char *type,
                   const dn_prop *props, size_t nprops, const dn_meta *meta);

/*
 * A row failed with code and msg (the whole message: "file:line: reason").
 * ABORT: records msg on db and returns code. SKIP: writes file, line, msg
 * and the record text to the rejects file and returns 0, or DN_EIO.
 */
int dn_loader_reject(dn_loader *ld, int code, const char *file,
                     uint64_t line, const char *msg, const char *record,
                     size_t reclen);

/* A data row is done: counts it, reports progress, commits a batch when
 * one is full. bytes is the current input's offset. */
int dn_loader_row_done(dn_loader *ld, const char *file, uint64_t bytes);

/* An input is finished: its bytes join the done total. */
void dn_loader_input_done(dn_loader *ld, const char *file, uint64_t bytes);

/* Overlays the fields set in row onto base (row wins). */
dn_meta dn_loader_meta_merge(const dn_meta *base, const dn_meta *row);

/* Stat size of a path, 0 when unknown ("-", pipes). */
uint64_t dn_loader_file_size(const char *path);

#endif
