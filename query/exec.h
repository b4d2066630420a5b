/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.h — the executor: runs a statement as a tree of pull operators
 * (op.h): MATCH and OPTIONAL MATCH (fixed and variable-length patterns,
 * named paths, an index seek for the start when one fits), UNWIND, WITH
 * and RETURN (projection, *, DISTINCT, aggregation, ORDER BY, SKIP,
 * LIMIT, WITH ... WHERE), CREATE, MERGE with ON CREATE / ON MATCH SET,
 * SET, REMOVE, DELETE, DETACH DELETE, CALL of db.labels,
 * db.relationshipTypes, db.propertyKeys and algo.*, UNION, the schema
 * commands, and shortestPath / allShortestPaths between bound ends.
 * EXPLAIN, PROFILE (explain.h) and AS OF (a read in a past transaction
 * with the caller's clearances).
 */
#ifndef DN_EXEC_H
#define DN_EXEC_H

#include <stddef.h>

#include "dragnet.h"
#include "parser.h"

typedef struct dn_exec_params {
	const char *const *names;
	const dn_value *values;
	size_t n;
} dn_exec_params;

/* The rows a query returned: ncols names (owned, NUL-terminated) and
 * nrows * ncols owned values, row by row. */
typedef struct dn_exec_result {
	size_t ncols, nrows;
	char **cols;
	dn_value *vals;
	/* AS OF: the past read transaction the rows' nodes and relationships
	 * must be read through; owned, ended by dn_exec_result_free. */
	dn_txn *past;
} dn_exec_result;

/* True when the statement writes (CREATE, MERGE, SET, REMOVE, DELETE, an
 * analysis procedure with `write`), given the bound parameters (may be NULL). */
bool dn_exec_is_write(const dn_parse_result *pr, const dn_exec_params *params);

/*
 * Starts the parsed and resolved statement (nslots: the resolver's record
 * width) in txn, pulling rows with dn_exec_cursor_step. A read streams:
 * each step pulls from the root of its operator tree; a statement that
 * writes, EXPLAIN, PROFILE, a schema command and a standalone CALL run
 * whole here. Returns 0 and *out (release with dn_exec_cursor_free, also
 * after a failure), or an error code with *err filled (positioned when
 * the error has a place in the text): DN_ENOTSUP for clauses not executed
 * yet, DN_ERUNTIME, DN_ETYPE, DN_ESEMANTIC, DN_EREADONLY, DN_ENOMEM, and
 * the storage engine's codes. Side effects are added to *stats. params
 * and the parse result must outlive the cursor.
 */
typedef struct dn_exec_cursor dn_exec_cursor;
int dn_exec_open(dn_txn *txn, const dn_parse_result *pr, uint32_t nslots, const dn_exec_params *params,
                 dn_query_stats *stats, dn_query_error *err, dn_exec_cursor **out);
/* The next row: DN_ROW, DN_DONE or an error (with *err filled). */
int dn_exec_cursor_step(dn_exec_cursor *c);
/* Runs c's statement again in txn with params, reusing the operator tree
 * built by its last execution: 0 (stream as after dn_exec_open), 1 when
 * the tree cannot be reused (only a read's, in the same read transaction;
 * the caller then frees c and opens anew), or an error. */
int dn_exec_reopen(dn_exec_cursor *c, dn_txn *txn, const dn_exec_params *params);
/* The current row's values (dn_exec_cursor_ncols of them; borrowed until
 * the next step), or NULL before the first step and after the last. */
const dn_value *dn_exec_cursor_row(const dn_exec_cursor *c);
size_t dn_exec_cursor_ncols(const dn_exec_cursor *c);
const char *dn_exec_cursor_col(const dn_exec_cursor *c, size_t i);
/* AS OF: the past read transaction the rows' entities are read through
 * (owned by the cursor), else NULL. */
dn_txn *dn_exec_cursor_past(const dn_exec_cursor *c);
void dn_exec_cursor_free(dn_exec_cursor *c);

void dn_exec_result_free(dn_exec_result *r);

/* Whether a procedure of that name exists (db.labels, ..., algo.*), and
 * the columns it can yield (static storage). For the resolver. */
bool dn_proc_lookup(const char *name, size_t len, const char *const **cols, size_t *ncols);

#endif /* DN_EXEC_H */
