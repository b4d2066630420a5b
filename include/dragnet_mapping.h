/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_mapping.h — Import of flat CSV files through a mapping file
 * (docs/IMPORT_EXPORT.md, "Mapping files"): each row becomes several nodes
 * and edges, MERGEd on key properties. Included by dragnet.h.
 */
#ifndef DRAGNET_MAPPING_H
#define DRAGNET_MAPPING_H

#include "dragnet.h"

/* What a mapping import did beyond dn_import_summary's counts. */
typedef struct dn_mapping_stats {
	uint64_t rows_skipped;  /* rows that a skip_rows condition dropped */
	uint64_t nodes_skipped; /* node templates left out of a row: empty key */
	uint64_t edges_skipped; /* edges left out: an end was left out, or a
	                           self-loop the template does not keep */
} dn_mapping_stats;

/*
 * Loads the CSV files through the mapping file at `mapping`. Nodes are
 * found again by their key properties through a unique index on (first
 * label, key) — "import_id_<Label>", shared with typed-CSV ID spaces —
 * created on first use; edges are not created twice between the same
 * nodes (nor, for undirected templates, in the opposite direction). opts
 * may be NULL (one transaction, abort on the first bad row); the CSV
 * characters of opts are ignored (the mapping's "csv" member sets them).
 * summary and stats may be NULL; both are filled in on failure too.
 * Returns 0, or: DN_ESYNTAX (bad mapping — "map.json: nodes[2].key: ..." —,
 * unknown column, bad row), DN_ETYPE (a value a transform rejects:
 * "decl.csv:18:34: column 'date': '31/02/2024' is not a valid date for
 * format DD/MM/YYYY"), DN_ENOTFOUND (missing file), DN_ECONSTRAINT,
 * DN_EIO, DN_ENOMEM, or any engine error; the message is dn_errmsg(db).
 * With DN_IMPORT_ABORT nothing of the transaction in progress is kept.
 */
int dn_import_mapping(dn_db *db, const char *mapping, const char *const *files,
                      size_t nfiles, const dn_import_opts *opts,
                      dn_import_summary *summary, dn_mapping_stats *stats);

#endif /* DRAGNET_MAPPING_H */
