/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * op.h — the executor's pull operators (FalkorDB's model): every operator
 * has the same base struct (dn_op) with open / next / close, its children,
 * the bound slots after it, and the estimate and counters EXPLAIN and
 * PROFILE print. `next` fills a batch of up to `want` rows and returns
 * DN_ROW (at least one row), DN_DONE (none left) or an error, so a parent
 * pulls only what it needs: a LIMIT stops pulling, and a statement's rows
 * stream to dn_stmt_step. One file per operator (op_*.c); the tree is
 * built from a query's clauses by op.c.
 */
#ifndef DN_OP_H
#define DN_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec_int.h"

/* Rows per batch: large enough to amortize the calls between operators,
 * small enough that a batch stays in cache (docs/QUERY.md, "Executor"). */
#define DN_OP_BATCH 256

typedef struct dn_op dn_op;

typedef struct dn_op_vt {
	const char *name; /* EXPLAIN's operator column */
	/* prepares a run (may be NULL); the children are opened by dn_op_open */
	int (*open)(dn_op *op);
	/* appends up to want (>= 1) rows to out (empty, op->x->width wide):
	 * DN_ROW when it appended some, DN_DONE when there are no more */
	int (*next)(dn_op *op, rows *out, size_t want);
	/* releases what open and next hold (may be NULL); closing twice is fine */
	void (*close)(dn_op *op);
	/* the operator's own state besides the base (may be NULL) */
	void (*free)(dn_op *op);
	/* EXPLAIN lines of the operator's inner steps below its own (Match's
	 * scans and expansions; may be NULL) */
	int (*explain)(dn_op *op, dn_prof *prof, int depth);
} dn_op_vt;

struct dn_op {
	const dn_op_vt *vt;
	exec *x;
	dn_op *child[2];    /* child[0] feeds the operator; Union has more (list) */
	dn_op **list;       /* Union: its parts */
	size_t nlist;
	const dn_ast *clause; /* the clause it came from, for the details column */
	bool *bound;        /* x->width flags: the slots holding variables after it */
	double est;         /* estimated rows out */
	uint64_t rows;      /* PROFILE: rows produced */
	double ms;          /* PROFILE: time in next, children included */
	bool done;          /* next returned DN_DONE */
	char details[96];
};

/* A new operator of size bytes (>= sizeof(dn_op), the base first) over
 * child (may be NULL), with bound copied from the child's (or all unbound).
 * NULL: no memory (child is then freed). */
dn_op *dn_op_new(exec *x, const dn_op_vt *vt, size_t size, dn_op *child, const dn_ast *clause);
/* Opens op and its children. */
int dn_op_open(dn_op *op);
/* Pulls a batch: out is cleared first; DN_ROW, DN_DONE or an error. */
int dn_op_next(dn_op *op, rows *out, size_t want);
/* Closes op and its children. */
void dn_op_close(dn_op *op);
/* Frees op and its children (NULL is fine). */
void dn_op_free(dn_op *op);
/* A batch of op's width with op's bound flags. */
int dn_op_batch_init(dn_op *op, rows *b);
/* Pulls every row of child into all (initialized by the caller). */
int dn_op_drain(dn_op *child, rows *all);
/* Moves up to want rows from src[*pos...] to out (the values are moved, src
 * keeps NULLs); DN_ROW when some were moved, else DN_DONE. */
int dn_op_emit(rows *src, size_t *pos, rows *out, size_t want);
/* The time now, in milliseconds (CLOCK_MONOTONIC). */
double dn_op_now_ms(void);

/*
 * An operator that turns rows into rows with a function of the clause
 * (UNWIND, CALL, the writes, MERGE): streaming, fn sees one input batch at a
 * time; eager, fn sees every input row at once (the writes: Cypher makes
 * all reads of a clause happen before its writes). fn appends to out (or
 * passes in's rows on: it may move them and leave NULLs).
 */
typedef int (*dn_op_xform_fn)(exec *x, const dn_ast *c, rows *in, rows *out);
typedef struct dn_op_xform {
	dn_op base;
	dn_op_xform_fn fn;
	bool eager;
	rows in, pending; /* pending: fn's output not yet pulled */
	size_t pos;
} dn_op_xform;
int dn_op_xform_new(exec *x, const dn_op_vt *vt, const dn_ast *c, dn_op_xform_fn fn, bool eager, dn_op *child,
                    dn_op **out);
int dn_op_xform_open(dn_op *op);
int dn_op_xform_next(dn_op *op, rows *out, size_t want);
void dn_op_xform_close(dn_op *op);
/* fn for a write that changes rows in place: moves in's rows to out. */
int dn_op_rows_move(rows *in, rows *out);

/* The slots clause c binds, added to bound (x->width flags). */
void dn_op_bind_clause(exec *x, const dn_ast *c, bool *bound);

/* The operator tree of one query (its clauses in order) under a Results
 * operator giving RETURN's columns (ncols names, owned by *cols). */
int dn_op_build_query(exec *x, const dn_ast *q, dn_op **root, char ***cols, size_t *ncols);
/* The tree of an EXISTS { } subquery q, starting from the outer row (its
 * bound slots: bound; row must outlive the tree). */
int dn_op_build_subquery(exec *x, const dn_ast *q, const dn_value *row, const bool *bound, dn_op **root);
/* UNION [ALL] of the query roots parts[0..n) (each a Results operator;
 * perm[k][c]: part k's column for column c of ncols). Takes parts, perm
 * and their arrays (freed on failure too). */
int dn_op_union_new(exec *x, const dn_ast *uni, dn_op **parts, size_t n, size_t **perm, size_t ncols,
                    dn_op **out);
/* EXPLAIN / PROFILE: the tree's lines, the root first. */
int dn_op_explain(dn_op *root, dn_prof *prof, int depth);

/* The operators, one file each. */
int dn_op_argument_new(exec *x, dn_op **out);                                       /* op.c */
/* Whether op is an Argument (it gives exactly one row). */
bool dn_op_is_argument(const dn_op *op);
int dn_op_match_new(exec *x, const dn_ast *q, uint32_t i, dn_op *child, dn_op **out); /* op_match.c */
int dn_op_merge_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);             /* op_write.c */
int dn_op_create_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);            /* op_write.c */
int dn_op_set_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);               /* op_write.c */
int dn_op_delete_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);            /* op_write.c */
int dn_op_unwind_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);            /* op_unwind.c */
int dn_op_call_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);              /* op_call.c */
int dn_op_projection_new(exec *x, const dn_ast *q, uint32_t i, dn_op *child, dn_op **out); /* op_project.c */
int dn_op_aggregate_new(exec *x, const dn_ast *c, dn_op *child, dn_op **out);         /* op_aggregate.c */
/* Turns Match operator op into its counting form when the aggregating
 * clause agg (its aggregate calls: fa) needs no more of its rows than a
 * count per end node: one single-hop path, count(*) or counts of pattern
 * variables only, and nothing else reading the start node or the
 * relationship. Then each row it gives stands for dn_op_match_weights(op)[i]
 * rows (the weights of its last batch); otherwise NULL. op_match.c */
bool dn_op_match_count(dn_op *op, const dn_ast *agg, const find_aggs *fa, size_t nkeys);
const uint64_t *dn_op_match_weights(const dn_op *op);
/* Without grouping keys (nkeys 0) and with one input row, the counting
 * Match gives one row for the whole count; when every aggregate is
 * count(DISTINCT end), its weight is the number of distinct ends and
 * this is true (the Aggregate adds it as it is). */
bool dn_op_match_collapsed_ends(const dn_op *op);
/* Sort of c's ORDER BY; top > 0: only the first top rows are wanted. */
int dn_op_sort_new(exec *x, const dn_ast *c, bool aggregating, size_t top, dn_op *child, dn_op **out); /* op_sort.c */
int dn_op_results_new(exec *x, const dn_ast *ret, const int32_t *slots, size_t ncols, dn_op *child,
                      dn_op **out);                                                 /* op_results.c */

#endif /* DN_OP_H */
