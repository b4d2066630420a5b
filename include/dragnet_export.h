/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_export.h — Export: the whole graph or a query's result as typed CSV, JSON Lines, GraphML, GEXF, DOT or cytoscape.js JSON.
 * Included by dragnet.h; do not include it on its own.
 *
 * What each format writes is described in docs/IMPORT_EXPORT.md. An export
 * reads through one read transaction, so it sees one consistent snapshot and
 * honours that transaction's clearances and as-of position: an element the
 * reader may not see is never written, and neither is an edge to it.
 */
#ifndef DRAGNET_EXPORT_H
#define DRAGNET_EXPORT_H

#include <stdio.h>

typedef enum dn_export_format {
	DN_EXPORT_CSV = 1,   /* typed CSV (neo4j-admin headers): a directory of files */
	DN_EXPORT_JSONL,     /* JSON Lines: the import contract */
	DN_EXPORT_GRAPHML,   /* GraphML with typed <key> declarations (yEd, Gephi, networkx) */
	DN_EXPORT_GEXF,      /* GEXF 1.2draft with declared attributes (Gephi, networkx) */
	DN_EXPORT_DOT,       /* graphviz DOT */
	DN_EXPORT_CYTOSCAPE, /* cytoscape.js elements JSON */
	DN_EXPORT_CANONICAL, /* for tests: a sorted dump free of internal ids */
} dn_export_format;

/* The format called `name` ("csv", "jsonl", "graphml", "gexf", "dot",
 * "cytoscape", "canonical"). Returns 0 and *out, or DN_EINVAL. */
int dn_export_format_from_name(const char *name, dn_export_format *out);
/* The name of a format, or NULL for an unknown value. */
const char *dn_export_format_name(dn_export_format format);

/* One query parameter: $name is bound to value (borrowed). */
typedef struct dn_export_param {
	const char *name;
	dn_value value;
} dn_export_param;

typedef struct dn_export_opts {
	dn_export_format format;
	/* NULL: the whole graph. Otherwise a read-only Cypher statement (NUL-
	 * terminated); every node, relationship and path in its rows (also
	 * inside lists and maps) is collected, with the endpoints of every
	 * relationship, into the subgraph that is exported. */
	const char *query;
	const dn_export_param *params; /* nparams parameters for the query */
	size_t nparams;
	/* Where to write. With path set, the output is written to a temporary
	 * file (csv: a temporary directory) next to it, created readable by
	 * the owner only, and renamed to path once complete: a failure leaves
	 * nothing at path. csv needs path (a directory that must not exist or
	 * be empty); the other formats write to out when path is NULL. */
	const char *path;
	FILE *out;
	/* csv: separator of list items and labels; 0 = ';'. */
	char array_delimiter;
	/* When not NULL, receives the query's positioned error if preparing or
	 * running the query failed (code 0 otherwise). */
	dn_query_error *query_error;
} dn_export_opts;

/* What an export wrote. */
typedef struct dn_export_stats {
	uint64_t nodes, edges;
	size_t files; /* files written (csv: one per label set and type) */
} dn_export_stats;

/*
 * Exports from db in a read transaction begun with txn_opts (NULL: an
 * unrestricted reader of the current state). stats may be NULL.
 * Returns 0, or DN_EINVAL (bad options: unknown format, csv without path,
 * a statement that writes, a value the format cannot hold — the message
 * names the element and property), DN_EEXISTS (csv: the directory is not
 * empty), DN_ESYNTAX / DN_ESEMANTIC / DN_ENOTSUP / DN_ERUNTIME (the query;
 * details in opts->query_error), DN_EIO (writing failed; the message names
 * the file), DN_ENOMEM, or an error of the transaction. The message is
 * dn_errmsg(db).
 */
int dn_export(dn_db *db, const dn_txn_opts *txn_opts, const dn_export_opts *opts,
              dn_export_stats *stats);

/* The same within the caller's transaction txn (read or write; it stays
 * open). */
int dn_export_txn(dn_txn *txn, const dn_export_opts *opts, dn_export_stats *stats);

#endif /* DRAGNET_EXPORT_H */
