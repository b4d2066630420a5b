/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_import.h — Import: typed CSV (neo4j-admin headers), JSON Lines and mapping files into a database (docs/IMPORT_EXPORT.md).
 * Included by dragnet.h; do not include it on its own.
 *
 * An import runs in one write transaction by default: all or nothing. With
 * on_error = DN_IMPORT_SKIP a bad row is written to the rejects file with
 * its reason and the import goes on; with batch = N the import commits
 * every N rows, so that a later failure keeps the batches already
 * committed. Loading the same input twice changes nothing the second time:
 * nodes are found again through their ID space (a unique index on the
 * space's label and ID property), relationships are not created when an
 * identical one (same ends, type and properties) exists between nodes that
 * were already there.
 */
#ifndef DRAGNET_IMPORT_H
#define DRAGNET_IMPORT_H

enum dn_import_on_error {
	DN_IMPORT_ABORT = 0, /* the first bad row ends the import; nothing of
	                        the current transaction is kept */
	DN_IMPORT_SKIP = 1,  /* bad rows go to the rejects file, the rest loads */
};

/* Where an import is, passed to the progress callback. */
typedef struct dn_import_progress {
	uint64_t rows;        /* rows (records, lines) read so far, all inputs */
	uint64_t bytes;       /* bytes read so far, all inputs */
	uint64_t total_bytes; /* sum of the input sizes (0 when unknown: pipes) */
	const char *file;     /* the input being read */
} dn_import_progress;

/* What an import did. Counts cover every input of the call. */
typedef struct dn_import_summary {
	uint64_t rows;            /* data rows read (header and blank lines excluded) */
	uint64_t nodes_created;
	uint64_t nodes_present;   /* rows whose node was already there, unchanged */
	uint64_t nodes_updated;   /* rows whose node was there and got new labels,
	                             properties or metadata */
	uint64_t rels_created;
	uint64_t rels_present;    /* an identical relationship was already there */
	uint64_t rejected;        /* rows written to the rejects file (SKIP) */
	uint64_t batches;         /* transactions committed */
	uint64_t unkeyed_nodes;   /* nodes created that a later import cannot
	                             find again: no ID column, or an ID that is
	                             not stored (bare :ID without keep_ids);
	                             importing them again creates them again */
	char rejects_path[4096];  /* the rejects file, "" when nothing was rejected */
} dn_import_summary;

typedef struct dn_import_opts {
	char delimiter;       /* CSV field delimiter; 0 = ',' */
	char array_delimiter; /* CSV array element delimiter; 0 = ';' */
	char quote;           /* CSV quote character; 0 = '"' */
	int on_error;         /* enum dn_import_on_error */
	/* The rejects file (SKIP only; created on the first rejected row and
	 * replaced if it exists). NULL = "<database path>.rejects.csv". */
	const char *rejects_path;
	uint64_t batch;       /* commit every `batch` rows; 0 = one transaction */
	/* Metadata applied to every node and relationship, unless a :SOURCE,
	 * :RECORD, :GRADE, :VALID_FROM, :VALID_TO or :MARKING column (or the
	 * "meta" of a JSON line) gives a value for that row. Zero/NULL fields
	 * set nothing; valid_from/valid_to use DN_TIME_UNSET (dn_meta_none). */
	dn_meta meta;
	/* Bare :ID columns (and JSON Lines ids) are stored in the property
	 * "_id" only when keep_ids is set. */
	bool keep_ids;
	const char *principal; /* recorded in the log; NULL = the user */
	/* Called about every 64k rows and at the end of each input. */
	void (*progress)(void *ctx, const dn_import_progress *p);
	void *progress_ctx;
} dn_import_opts;

/* The defaults: comma, semicolon, double quote, ABORT, one transaction, no
 * metadata (times DN_TIME_UNSET). */
dn_import_opts dn_import_opts_default(void);

/* One typed-CSV input: one file, or several read as one (the header is
 * the first line of files[0]; the other files hold data rows only), as
 * neo4j-admin's `--nodes=Label header.csv,part1.csv,part2.csv`. */
typedef struct dn_import_source {
	bool relationships;  /* false: nodes */
	/* Nodes: labels given to every row, separated by ':' ("Trader:Company"),
	 * or NULL. Relationships: the type of rows without a :TYPE value, or
	 * NULL. */
	const char *labels;
	const char *const *files;
	size_t nfiles;
} dn_import_source;

/*
 * Imports typed-CSV inputs (docs/IMPORT_EXPORT.md, "Typed CSV") into db:
 * node sources first, in order, then relationship sources. opts may be NULL
 * (the defaults); summary may be NULL. A file name "-" reads standard input.
 * Returns 0, or the error that stopped the import with dn_errmsg(db) naming
 * file:line, the column and the reason ("trade.csv:18: column 'date':
 * '2024-02-31' is not a valid date"): DN_ESYNTAX (bad header or row),
 * DN_ENOTFOUND (missing file, unknown ID in a relationship),
 * DN_ECONSTRAINT, DN_ETYPE, DN_EINVAL (bad options), DN_EIO, DN_ENOMEM, or
 * any error of the engine. With ABORT nothing of the transaction in
 * progress is kept (the whole import when batch is 0). The summary is
 * filled in either case.
 */
int dn_import_csv(dn_db *db, const dn_import_source *sources, size_t nsources,
                  const dn_import_opts *opts, dn_import_summary *summary);

/*
 * Imports JSON Lines files (docs/IMPORT_EXPORT.md, "JSON Lines"): each
 * line a node or a relationship; relationships name their ends by the ids
 * of nodes earlier in the same call. Options, errors and the summary as for
 * dn_import_csv (the CSV characters are ignored).
 */
int dn_import_jsonl(dn_db *db, const char *const *files, size_t nfiles,
                    const dn_import_opts *opts, dn_import_summary *summary);

/* Parses a grade such as "B2": reliability A-F (either case) then
 * credibility 1-6; either may stand alone ("B", "2"). Sets the missing one
 * to 0. Returns 0 or DN_EINVAL. */
int dn_import_parse_grade(const char *s, size_t len, char *reliability,
                          uint8_t *credibility);

#endif /* DRAGNET_IMPORT_H */
