/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.h — the third stage of the query pipeline (lexer → parser →
 * resolver → planner → executor): semantic analysis of the syntax tree.
 * It builds the scope of every clause, gives each variable a slot and a
 * kind, and reports compile-time errors (undefined or rebound variables,
 * type conflicts, misplaced aggregates, bad CREATE/MERGE patterns, unknown
 * functions and wrong arities, non-constant SKIP/LIMIT, ...) with the
 * openCypher TCK codes, through dn_parse_error_set so that the first error
 * of the pipeline wins.
 *
 * What the resolver writes into the tree (ast.h), for the planner and the
 * executor:
 *  - every VAR node of a query (a use or a binding, in patterns,
 *    expressions, projections, UNWIND, YIELD and comprehensions) gets
 *    u.name.slot, its variable's slot in the record, and u.name.vkind, a
 *    dn_var_kind;
 *  - every PROJ_ITEM gets u.item.slot, the slot of the column it projects
 *    (a new slot, also for `WITH a`), and every YIELD_ITEM u.yield.slot.
 * Slots are numbered from 0 across the whole statement (all parts of a
 * UNION, all clauses, local variables of comprehensions and pattern
 * comprehensions included), and never reused, so one record of
 * dn_resolve_info.nslots values can hold every variable of the statement.
 * Anonymous pattern elements (`()`, `-[]->`) get no slot: the planner
 * numbers them from nslots on. A variable that is bound again (a node
 * variable used twice in a pattern, `MATCH (a) ... MATCH (a)-->()`) keeps
 * its first slot: the planner sees a VAR whose slot is already bound
 * upstream and turns it into a check. Schema commands are not resolved.
 */
#ifndef DN_RESOLVE_H
#define DN_RESOLVE_H

#include <stdint.h>

#include "parser.h"

/* The kind of a variable (u.name.vkind of a VAR node). A variable-length
 * relationship variable (`-[r*]->`) is a VALUE (a list of relationships). */
typedef enum dn_var_kind {
	DN_VAR_UNKNOWN = 0, /* a value whose type is known only at run time */
	DN_VAR_NODE,
	DN_VAR_REL,
	DN_VAR_PATH,
	DN_VAR_VALUE, /* a value of a statically known non-graph type */
} dn_var_kind;

/* What the resolver tells the planner about the whole statement. */
typedef struct dn_resolve_info {
	uint32_t nslots; /* slots 0..nslots-1 are used by VAR nodes */
} dn_resolve_info;

/*
 * Resolves the statement res->root in place (see above for what it
 * writes). info may be NULL. Returns 0, DN_ESEMANTIC with err filled (a
 * positioned error with its TCK code, unless an earlier error is already
 * in err: the first error wins) or DN_ENOMEM.
 */
int dn_resolve(dn_parse_result *res, dn_resolve_info *info, dn_parse_error *err);

/* The name of a kind ("node", "relationship", "path", "value",
 * "unknown"). */
const char *dn_var_kind_name(int kind);

#endif /* DN_RESOLVE_H */
