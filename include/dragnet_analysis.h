/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dragnet_analysis.h — Network analysis: projections into igraph and the
 * algo.* procedures (DESIGN §5; docs/ANALYSIS.md lists every procedure with
 * its config keys and columns). Included by dragnet.h; do not include it on
 * its own.
 *
 * A procedure is called by name with a config map. It projects part of the
 * graph (labels, types, direction, valid-time window, minimum grade, weight
 * property, optional node list) into an in-memory graph, runs, and returns a
 * result table of dn_value cells: nodes are DN_NODE values, relationships
 * DN_REL, paths DN_PATH (node, rel, node, ...), curves and sets DN_LIST.
 * With the config key `write: 'prop'` it also stores its per-node result as
 * property `prop` of each node, in the caller's (write) transaction.
 */
#ifndef DRAGNET_ANALYSIS_H
#define DRAGNET_ANALYSIS_H

/* A procedure's result: a table owned by the caller. */
typedef struct dn_result dn_result;

/*
 * Runs procedure `proc` ("algo.pagerank"; the "algo." prefix may be omitted;
 * case-insensitive) on what txn sees (a restricted or as-of transaction
 * analyses only what it may see). config is a DN_MAP value (keys sorted, as
 * dn_cy_map_build makes them) or NULL for the defaults.
 * Returns 0 and *out (owned, release with dn_result_free), or:
 *   DN_ENOTFOUND  unknown procedure; a node given in the config that does
 *                 not exist or is not visible;
 *   DN_EINVAL     unknown config key, a value of the wrong type or out of
 *                 range, an empty projection, a weight that is missing or
 *                 negative where not allowed;
 *   DN_EREADONLY  `write` in a read-only transaction;
 *   DN_ELIMIT     a request past a documented limit (docs/ANALYSIS.md);
 *   DN_ERUNTIME   igraph failed (the message carries igraph's reason);
 *   DN_ENOMEM, DN_EIO, DN_ETXN and the other storage errors.
 * The message, naming the procedure and the problem, is dn_errmsg(db). On
 * failure *out is NULL and nothing was written. Calls from several threads
 * run one at a time (igraph keeps process-wide state).
 */
int dn_analyze(dn_txn *txn, const char *proc, const dn_value *config, dn_result **out);

/* The shape of a result. Column names are owned by the result. */
size_t dn_result_column_count(const dn_result *r);
const char *dn_result_column_name(const dn_result *r, size_t col);
/* The index of a column by name, or -1. */
long dn_result_column_index(const dn_result *r, const char *name);
size_t dn_result_row_count(const dn_result *r);
/* The cell at (row, col), borrowed from the result (valid until
 * dn_result_free); NULL when row or col is out of range. */
const dn_value *dn_result_cell(const dn_result *r, size_t row, size_t col);
/* Releases a result. Accepts NULL. */
void dn_result_free(dn_result *r);

/* A config key a procedure accepts: its name, the type it expects
 * ("string", "int", "float", "bool", "node", "list<node>", "list<string>",
 * "time", "map") and one line of help. */
typedef struct dn_proc_key {
	const char *name;
	const char *type;
	const char *help;
} dn_proc_key;

/* A registered procedure. columns lists every column the procedure can
 * yield (a few yield different subsets by mode: algo.betweenness with
 * mode:'edges' yields rel, source, target, score); a result's own columns
 * are always among them. write_column names the column that `write`
 * stores (NULL when the procedure cannot write). */
typedef struct dn_proc_info {
	const char *name;       /* "algo.pagerank" */
	const char *summary;    /* one line */
	const dn_proc_key *keys;
	size_t nkeys;
	const char *const *columns;
	size_t ncolumns;
	const char *write_column;
} dn_proc_info;

/* The registered procedures, in a fixed order; static storage. *n receives
 * the count. */
const dn_proc_info *dn_analyze_procs(size_t *n);
/* One procedure by name (as dn_analyze matches it), or NULL. */
const dn_proc_info *dn_analyze_proc(const char *name);

/*
 * Converts the text of a config value (a command-line option) to the type
 * the procedure declares for key: "int", "float", "bool" (true/false),
 * "string", "node" (an id), "time" (YYYY-MM-DD, an ISO datetime, or
 * milliseconds), "list<node>" and "list<string>" (comma-separated). *out is
 * owned by the caller (dn_value_free). Returns 0, DN_ENOTFOUND (unknown
 * procedure or key) or DN_EINVAL (text not of the type), with a message of
 * up to cap bytes in err (err may be NULL).
 */
int dn_analyze_arg(const char *proc, const char *key, const char *text, dn_value *out, char *err, size_t cap);

/* For tests: the number of entries on igraph's cleanup (IGRAPH_FINALLY)
 * stack, which is 0 after every dn_analyze call, failed or not. */
int dn_analyze_igraph_stack_size(void);

#endif /* DRAGNET_ANALYSIS_H */
