/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eval.h — evaluation of expression trees (ast.h) to values, the part of
 * the executor that every operator shares: filters, projections, sort
 * keys, property maps of CREATE and MERGE. It knows Cypher's semantics
 * through value_ops.h and functions.h, reads nodes and relationships
 * through the transaction, and asks its caller for variables and
 * parameters, so that it depends on no particular row layout.
 */
#ifndef DN_EVAL_H
#define DN_EVAL_H

#include <stddef.h>

#include "ast.h"
#include "dragnet.h"

/* A comprehension's variable in scope where a pattern is evaluated: the
 * pattern must see it in its slot, innermost first. */
typedef struct dn_eval_local {
	int32_t slot;
	const dn_value *value;
} dn_eval_local;

typedef struct dn_eval_env {
	dn_txn *txn; /* for node and relationship reads; may be NULL */
	/* The value of a variable (VAR node; resolver slots are in
	 * var->u.name.slot), or NULL when it is not bound. Borrowed. */
	const dn_value *(*var)(void *ctx, const dn_ast *var);
	/* The value of $name, or NULL when it is not given. Borrowed. */
	const dn_value *(*param)(void *ctx, const char *name, size_t len);
	/* Optional: the value that stands for an expression node computed
	 * elsewhere — an aggregate call's result for its group, or a column
	 * an ORDER BY term refers to (DN_AST_F_COLUMN). NULL: evaluate it. */
	const dn_value *(*computed)(void *ctx, const dn_ast *node);
	/* Optional: a pattern predicate (PATTERN_PRED: BOOLEAN, whether the
	 * pattern matches) or comprehension (PATTERN_COMP: a list), which need
	 * the executor's matcher. Returns 0 or an error with env->err filled.
	 * NULL: such expressions are DN_ENOTSUP. */
	int (*pattern)(void *ctx, const dn_ast *node, const dn_eval_local *locals, size_t nlocals, dn_value *out);
	void *ctx;
	/* Where a runtime error goes: code, span of the failing expression in
	 * text, and message (first error wins). */
	dn_query_error *err;
	const char *text;
	size_t text_len;
} dn_eval_env;

/*
 * Evaluates e into *out (owned: dn_value_free). Returns 0, or an error
 * code with env->err filled: DN_ERUNTIME (division by zero, integer
 * overflow, bad argument values), DN_ETYPE (wrong operand types),
 * DN_ESEMANTIC (an unknown variable or function, an aggregate where it
 * cannot be evaluated), DN_ENOTSUP (an expression the executor does not
 * evaluate yet: pattern comprehensions and predicates, regular
 * expressions), DN_ENOMEM. *out is DN_NULL on failure.
 */
int dn_eval(const dn_eval_env *env, const dn_ast *e, dn_value *out);

/* Evaluates a predicate: *truth is true only when e is BOOLEAN true (null
 * and false both reject a row). Non-boolean values are a DN_ETYPE error. */
int dn_eval_pred(const dn_eval_env *env, const dn_ast *e, bool *truth);

/* The properties of a node or relationship value as a map (owned):
 * 0, DN_ENOTFOUND (deleted or hidden), DN_ENOTSUP (no txn), DN_ENOMEM. */
int dn_eval_entity_props(dn_txn *txn, const dn_value *entity, dn_value *out);

/* The openCypher TCK code of an error from value_ops or the functions
 * (message in msg), or NULL. */
const char *dn_eval_tck_code(int rc, const char *msg);

#endif /* DN_EVAL_H */
