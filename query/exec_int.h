/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec_int.h — what the executor's files share (exec.c: statements,
 * the write and CALL helpers; op*.c: the pull operators; match.c: MATCH,
 * MERGE and patterns in expressions; project.c: WITH and RETURN): the
 * batch of rows, the execution context, and the helpers each calls of the
 * others. Internal to query/.
 */
#ifndef DN_EXEC_INT_H
#define DN_EXEC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval.h"
#include "exec.h"
#include "explain.h"
#include "functions.h"
#include "plan.h"

/* A set of rows of `width` values each. */
typedef struct rows {
	size_t width, n, cap;
	dn_value *v; /* n * width */
	bool *bound; /* width: which slots hold a variable (small, up to 32;
	                a rows is never copied by value) */
	bool small[32];
} rows;

/* A visible variable: name and slot. */
typedef struct scope_var {
	const char *name;
	uint32_t len;
	int32_t slot;
} scope_var;

typedef struct exec {
	dn_txn *txn;
	const dn_parse_result *pr;
	const dn_exec_params *params;
	dn_query_stats *stats;
	dn_query_error *err;
	size_t width;
	scope_var *scope;
	size_t nscope;
	/* the row an expression is evaluated against, and which of its slots
	 * hold variables (for pattern predicates) */
	const dn_value *row;
	const bool *bound;
	/* aggregate results and columns, for env.computed */
	const dn_ast **comp_nodes;
	const dn_value *comp_vals;
	size_t ncomp;
	dn_prof *prof; /* EXPLAIN and PROFILE: the operator table, else NULL */
	/* building the tree read a parameter's value (a LIMIT $n's top-k):
	 * the tree serves those values only (dn_exec_reopen) */
	bool built_on_params;
} exec;

/* A runtime error at `at` (code and message) in the statement's error. */
__attribute__((format(printf, 4, 5))) int dn_x_fail(exec *x, const dn_ast *at, int code, const char *fmt, ...);
/* A storage engine error at `at`, with the engine's message. */
int dn_x_engine_fail(exec *x, const dn_ast *at, int rc);

/* Rows: init (width slots, nothing bound), clear, free, add one (NULL: no
 * memory), and copy width values. */
int dn_x_rows_init(rows *r, size_t width);
void dn_x_rows_clear(rows *r);
void dn_x_rows_free(rows *r);
dn_value *dn_x_rows_add(rows *r);
int dn_x_row_copy(dn_value *dst, const dn_value *src, size_t width);

/* Evaluation against a row: its environment, and one expression. */
dn_eval_env dn_x_env_of(exec *x, const dn_value *row);
int dn_x_eval_at(exec *x, const dn_value *row, const dn_ast *e, dn_value *out);

/* A node or relationship value of an id. */
static inline dn_value dn_x_entity(dn_id id, int type)
{
	return (dn_value){.type = (uint8_t)type, .u.i = (int64_t)id};
}

/* CREATE of one path for a row (MERGE creates through it), and one SET
 * item (MERGE's ON CREATE / ON MATCH). */
int dn_x_create_path(exec *x, const dn_ast *path, dn_value *row, rows *r);
int dn_x_set_item(exec *x, const dn_ast *it, dn_value *row);

/* EXPLAIN / PROFILE: a clause's text for the details column. */
void dn_x_clause_text(exec *x, const dn_ast *c, char *buf, size_t cap);

/* CALL: the rows of procedure c for a row (NULL: standalone), and whether
 * a name is s. */
int dn_x_proc_table(exec *x, const dn_ast *c, const dn_value *row, dn_exec_result *t);
bool dn_x_name_eq(const dn_ast *name, const char *s);
/* The columns of RETURN ret in query q (with *: the variables in scope,
 * bound after it, by name, first): names (owned) and their slots. */
int dn_x_result_columns(exec *x, const dn_ast *q, const dn_ast *ret, const bool *bound, char ***cols,
                        int32_t **slots, size_t *n);

/* project.c: aggregate calls found in an expression tree, and WITH/RETURN. */
typedef struct agg_call {
	const dn_ast *node;          /* the FUNC node */
	const dn_cy_func *f;
} agg_call;
typedef struct find_aggs {
	agg_call *calls;
	size_t n, cap;
} find_aggs;
/* A dn_ast_walk callback adding the aggregate calls it meets to ctx (a
 * find_aggs). */
int dn_x_collect_agg(dn_ast *child, dn_ast *parent, void *ctx);
/* The aggregate calls in e (e itself included), appended to fa. */
int dn_x_aggs_in(dn_ast *e, find_aggs *fa);
/* Grouping keys: nkeys values per input row. */
typedef struct key_ctx {
	const dn_value *vals;
	size_t nkeys;
} key_ctx;
bool dn_x_key_eq(void *ctx, size_t a, size_t b);
/* A projection item's column name (owned). */
char *dn_x_item_name(exec *x, const dn_ast *item);
/* The value of a SKIP or LIMIT expression: a non-negative integer. */
int dn_x_const_count(exec *x, const dn_ast *e, int64_t *n);

/* match.c: MATCH / OPTIONAL MATCH c (planned: plan) row by row into out
 * (bound: the slots bound before it): _row starts an input row, _more adds
 * its matches until out holds want rows (DN_ROW: maybe more; DN_DONE: the
 * row is finished, OPTIONAL MATCH's row of nulls included), _active tells
 * whether a row is being matched. Then MERGE, and a pattern predicate or
 * comprehension evaluated for dn_eval (env.pattern). */
typedef struct dn_x_match dn_x_match;
#define DN_X_MATCH_BATCH 256 /* rows a row's first call may leave before it suspends */
int dn_x_match_new(exec *x, const dn_ast *c, dn_match_plan *plan, const bool *bound, rows *out, dn_x_match **m);
int dn_x_match_row(dn_x_match *m, const dn_value *row);
int dn_x_match_more(dn_x_match *m, size_t want);
bool dn_x_match_active(const dn_x_match *m);
void dn_x_match_free(dn_x_match *m);
/* The counting form of a MATCH of one single-hop path whose rows only a
 * count per end node needs (op_match.c decides when): for the input row,
 * each end node reached from a start node that passes its tests, in the
 * order the rows would first have reached it, with the number of matches
 * that reach it and the first start node and relationship among them.
 * The end node's labels and WHERE parts (which read it alone) are tested
 * once per end. *ends is owned by the matcher until the next call. */
typedef struct dn_x_count {
	dn_id end, start, rel;
	uint64_t n;
	uint64_t at, seq; /* the first match: its start's place among the start
	                     candidates, its place in that start's adjacency */
} dn_x_count;
int dn_x_match_count(dn_x_match *m, const dn_value *row, const dn_x_count **ends, size_t *n);
/* The counting form splits its start nodes among threads (up to the
 * CPUs, at most 8) when each gets at least dn_x_count_par_min of them;
 * dn_x_count_threads > 0 sets the number of CPUs (tests, benchmarks). */
extern size_t dn_x_count_par_min;
extern int dn_x_count_threads;
int dn_x_run_merge(exec *x, const dn_ast *c, rows *in, rows *out);
int dn_x_env_pattern(void *ctx, const dn_ast *node, const dn_eval_local *locals, size_t nlocals, dn_value *out);

#endif /* DN_EXEC_INT_H */
