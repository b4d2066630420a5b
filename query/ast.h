/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ast.h — the abstract syntax tree the parser (parser.c) builds and the
 * resolver, planner and EXPLAIN read: one node struct with a kind, a source
 * span and kind-specific fields, all allocated in the arena of the parse
 * result. Also the canonical S-expression dump the tests compare against,
 * and a generic walk over a node's children.
 *
 * Conventions:
 *  - Every node has a span (off, len) into the statement text, inside its
 *    parent's span; line and column follow from it (dn_text_position in
 *    parser.h). The span of a projection item's expression is the exact
 *    text Cypher uses as the column name of an unaliased item: `RETURN
 *    count( * ), (a+b)` names its columns "count( * )" and "(a+b)" (an
 *    expression in parentheses spans them, with DN_AST_F_PAREN set).
 *  - Names (variables, labels, types, keys, parameters, function and
 *    procedure names) and string values are NUL-terminated copies, with
 *    backquotes removed and escapes decoded; a string may hold NUL bytes
 *    (\u0000), so use the length.
 *  - Optional children are NULL when absent; lists have n == 0.
 *  - The tree is a tree, with one exception: a chained comparison
 *    `a < b < c` becomes (and (< a b) (< b c)) whose two comparisons share
 *    the node of b (the AND carries DN_AST_F_CHAINED). A walk may visit b
 *    twice; it is evaluated twice, which is the same unless it calls rand().
 */
#ifndef DN_AST_H
#define DN_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* X(kind, dump name). The dump name is the head of the node's S-expression
 * (some kinds print differently by flags, see ast.c). */
#define DN_AST_KIND_LIST(X)                                                   \
	/* statements */                                                          \
	X(STATEMENT, "statement")      /* u.stmt */                               \
	X(UNION, "union")              /* u.uni */                                \
	X(QUERY, "query")              /* u.query: one single query */            \
	/* clauses (u.<name> as noted) */                                         \
	X(MATCH, "match")              /* u.match */                              \
	X(WITH, "with")                /* u.proj */                               \
	X(RETURN, "return")            /* u.proj */                               \
	X(UNWIND, "unwind")            /* u.unwind */                             \
	X(CREATE, "create")            /* u.create */                             \
	X(MERGE, "merge")              /* u.merge */                              \
	X(SET, "set")                  /* u.set */                                \
	X(REMOVE, "remove")            /* u.set */                                \
	X(DELETE, "delete")            /* u.del */                                \
	X(CALL, "call-proc")           /* u.call */                               \
	X(CREATE_INDEX, "create-index") /* u.schema */                            \
	X(CREATE_CONSTRAINT, "create-constraint") /* u.schema */                  \
	X(DROP_INDEX, "drop-index")    /* u.schema (name, if_exists) */           \
	X(DROP_CONSTRAINT, "drop-constraint") /* u.schema */                      \
	X(SHOW_INDEXES, "show-indexes") /* no fields */                           \
	X(SHOW_CONSTRAINTS, "show-constraints") /* no fields */                   \
	/* parts of clauses */                                                    \
	X(PROJ_ITEM, "as")             /* u.item: RETURN/WITH item */             \
	X(SORT_ITEM, "asc")            /* u.sort */                               \
	X(MERGE_ACTION, "on-create")   /* u.action */                             \
	X(SET_PROP, "set-prop")        /* u.set_item: target PROP, value */       \
	X(SET_ALL, "set-all")          /* u.set_item: target VAR, value (n = m) */\
	X(SET_MERGE, "set-merge")      /* u.set_item: target VAR, value (n += m) */\
	X(SET_LABELS, "set-labels")    /* u.set_item: target VAR, labels */       \
	X(REMOVE_PROP, "remove-prop")  /* u.set_item: target PROP */              \
	X(REMOVE_LABELS, "remove-labels") /* u.set_item: target VAR, labels */    \
	X(YIELD_ITEM, "yield-item")    /* u.yield */                              \
	/* patterns */                                                            \
	X(PATTERN, "pattern")          /* u.pattern: comma-separated parts */     \
	X(PATH, "path")                /* u.path: one pattern part */             \
	X(NODE_PAT, "node")            /* u.node */                               \
	X(REL_PAT, "rel")              /* u.rel */                                \
	/* names */                                                               \
	X(VAR, "var")                  /* u.name: a variable */                   \
	X(NAME, "name")                /* u.name: label, type, key, function or   \
	                                  procedure name */                       \
	/* expressions */                                                         \
	X(NULL_LIT, "null")                                                       \
	X(BOOL, "bool")                /* u.b */                                  \
	X(INT, "int")                  /* u.i */                                  \
	X(FLOAT, "float")              /* u.f */                                  \
	X(STRING, "string")            /* u.name (the decoded value) */           \
	X(PARAM, "param")              /* u.name: $name or $0 */                  \
	X(PROP, "prop")                /* u.prop: expr.key */                     \
	X(INDEX, "index")              /* u.index: expr[index] */                 \
	X(SLICE, "slice")              /* u.slice: expr[from..to] */              \
	X(HAS_LABELS, "has-labels")    /* u.labels: expr:L1:L2 */                 \
	X(BINOP, "binop")              /* u.bin, op */                            \
	X(UNOP, "unop")                /* u.un, op */                             \
	X(FUNC, "call")                /* u.func: f(x), ns.f(x), count(*) */      \
	X(CASE, "case")                /* u.case_ */                              \
	X(CASE_ALT, "when")            /* u.alt: WHEN cond THEN value */          \
	X(LIST, "list")                /* u.list */                               \
	X(MAP, "map")                  /* u.map: entries are MAP_ENTRY */         \
	X(MAP_ENTRY, "entry")          /* u.entry: key NAME, value */             \
	X(MAP_PROJ, "map-proj")        /* u.mapproj */                            \
	X(PROJ_PROP, "proj-prop")      /* u.entry: .key (value NULL) */           \
	X(PROJ_ALL, "proj-all")        /* .* (no fields) */                       \
	X(LIST_COMP, "list-comp")      /* u.comp */                               \
	X(QUANT, "quant")              /* u.comp, op: all/any/none/single */      \
	X(REDUCE, "reduce")            /* u.reduce */                             \
	X(PATTERN_COMP, "pattern-comp") /* u.pcomp */                             \
	X(PATTERN_PRED, "pattern-pred") /* u.pred: a pattern used as a predicate */ \
	X(EXISTS_SUB, "exists")        /* u.sub: EXISTS { ... } */

typedef enum dn_ast_kind {
#define X(k, name) DN_AST_##k,
	DN_AST_KIND_LIST(X)
#undef X
	DN_AST_KIND_COUNT_
} dn_ast_kind;

/* Operators (dn_ast.op) of BINOP, UNOP and QUANT nodes. */
typedef enum dn_ast_op {
	DN_OP_NONE = 0,
	/* BINOP */
	DN_OP_OR, DN_OP_XOR, DN_OP_AND,
	DN_OP_EQ, DN_OP_NE, DN_OP_LT, DN_OP_GT, DN_OP_LE, DN_OP_GE,
	DN_OP_REGEX, DN_OP_STARTS_WITH, DN_OP_ENDS_WITH, DN_OP_CONTAINS, DN_OP_IN,
	DN_OP_ADD, DN_OP_SUB, DN_OP_MUL, DN_OP_DIV, DN_OP_MOD, DN_OP_POW,
	/* UNOP */
	DN_OP_NOT, DN_OP_NEG, DN_OP_PLUS, DN_OP_IS_NULL, DN_OP_IS_NOT_NULL,
	/* QUANT */
	DN_OP_ALL, DN_OP_ANY, DN_OP_NONE_OF, DN_OP_SINGLE,
	DN_OP_COUNT_
} dn_ast_op;

/* Statement modes (u.stmt.mode). */
enum { DN_STMT_RUN = 0, DN_STMT_EXPLAIN, DN_STMT_PROFILE };

/* Relationship directions (u.rel.dir), as written. */
enum {
	DN_DIR_OUT = 0, /* -[]->  */
	DN_DIR_IN,      /* <-[]-  */
	DN_DIR_ANY,     /* -[]-   */
	DN_DIR_BOTH,    /* <-[]-> (openCypher: means the same as -[]-) */
};

/* Path kinds (u.path.shortest). */
enum { DN_PATH_PLAIN = 0, DN_PATH_SHORTEST, DN_PATH_ALL_SHORTEST };

/* Node flags (dn_ast.flags). */
enum {
	DN_AST_F_CHAINED = 1u << 0, /* AND made from a chained comparison */
	DN_AST_F_PAREN = 1u << 1,   /* expression was written in parentheses */
	DN_AST_F_COLUMN = 1u << 2,  /* resolver: an ORDER BY (sub)expression of an
	                               aggregating or DISTINCT projection that
	                               equals a projected item: it stands for
	                               that column (see resolve.h) */
};

typedef struct dn_ast dn_ast;

/* An ordered list of child nodes. */
typedef struct dn_ast_list {
	dn_ast **item;
	uint32_t n;
} dn_ast_list;

struct dn_ast {
	uint8_t kind;   /* dn_ast_kind */
	uint8_t op;     /* dn_ast_op for BINOP, UNOP, QUANT */
	uint16_t flags; /* DN_AST_F_* */
	uint32_t off, len; /* span in the statement text */
	union {
		/* STATEMENT: [EXPLAIN|PROFILE] [AS OF as_of] body, where body is
		 * a QUERY, a UNION or a schema command. */
		struct {
			int mode; /* DN_STMT_* */
			dn_ast *as_of; /* expression or NULL */
			dn_ast *body;
		} stmt;
		/* UNION: two or more QUERY nodes joined by UNION or UNION ALL
		 * (mixing the two is rejected by the parser). */
		struct {
			dn_ast_list queries;
			bool all;
		} uni;
		/* QUERY: clauses in order. */
		struct {
			dn_ast_list clauses;
		} query;
		/* MATCH / OPTIONAL MATCH pattern [WHERE where]. */
		struct {
			bool optional;
			dn_ast *pattern; /* PATTERN */
			dn_ast *where;
		} match;
		/* WITH / RETURN [DISTINCT] [*,] items [ORDER BY order] [SKIP skip]
		 * [LIMIT limit] [WHERE where (WITH only)]. */
		struct {
			bool distinct;
			bool star;          /* `*` (possibly followed by items) */
			dn_ast_list items;  /* PROJ_ITEM */
			dn_ast_list order;  /* SORT_ITEM */
			dn_ast *skip, *limit, *where;
		} proj;
		/* PROJ_ITEM: expr [AS alias]; alias is a VAR or NULL. */
		struct {
			dn_ast *expr;
			dn_ast *alias;
			int32_t slot; /* the column's slot (resolver) */
		} item;
		/* SORT_ITEM: expr ASC|DESC. */
		struct {
			dn_ast *expr;
			bool desc;
		} sort;
		/* UNWIND expr AS var. */
		struct {
			dn_ast *expr;
			dn_ast *var; /* VAR */
		} unwind;
		/* CREATE pattern. */
		struct {
			dn_ast *pattern; /* PATTERN */
		} create;
		/* MERGE path [ON CREATE SET ... | ON MATCH SET ...]... */
		struct {
			dn_ast *path; /* PATH */
			dn_ast_list actions; /* MERGE_ACTION */
		} merge;
		/* MERGE_ACTION: ON CREATE SET items / ON MATCH SET items. */
		struct {
			bool on_create;
			dn_ast_list items; /* SET_* items */
		} action;
		/* SET items / REMOVE items. */
		struct {
			dn_ast_list items;
		} set;
		/* SET_PROP, SET_ALL, SET_MERGE, SET_LABELS, REMOVE_PROP,
		 * REMOVE_LABELS. target is a PROP node (of any expression, e.g.
		 * (n).name) or a VAR. */
		struct {
			dn_ast *target;
			dn_ast *value;
			dn_ast_list labels; /* NAME */
		} set_item;
		/* DELETE / DETACH DELETE exprs. */
		struct {
			bool detach;
			dn_ast_list exprs;
		} del;
		/* CALL proc(args) [YIELD items | YIELD *] [WHERE where].
		 * `CALL proc` without parentheses has implicit_args set: the
		 * arguments come from parameters of the same names. */
		struct {
			dn_ast *proc; /* NAME, dotted: "db.labels" */
			bool implicit_args;
			dn_ast_list args;
			bool has_yield;
			bool yield_star; /* YIELD * (only as the whole statement) */
			dn_ast_list yield; /* YIELD_ITEM */
			dn_ast *where;
		} call;
		/* YIELD_ITEM: field [AS alias]; field NAME, alias VAR or NULL. */
		struct {
			dn_ast *field;
			dn_ast *alias;
			int32_t slot; /* the output's slot (resolver) */
		} yield;
		/* CREATE INDEX [name] [IF NOT EXISTS] FOR (var:label) ON (props)
		 * CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (var:label)
		 *   REQUIRE props IS UNIQUE
		 * DROP INDEX|CONSTRAINT name [IF EXISTS] */
		struct {
			dn_ast *name;  /* NAME or NULL */
			bool if_not_exists; /* CREATE ... IF NOT EXISTS */
			bool if_exists;     /* DROP ... IF EXISTS */
			dn_ast *var;   /* VAR */
			dn_ast *label; /* NAME */
			dn_ast_list props; /* PROP nodes (var.key) */
		} schema;
		/* PATTERN: parts (PATH). */
		struct {
			dn_ast_list paths;
		} pattern;
		/* PATH: [var =] [shortestPath|allShortestPaths(] elements [)];
		 * elements alternate NODE_PAT, REL_PAT, NODE_PAT, ... */
		struct {
			dn_ast *var; /* VAR or NULL */
			int shortest; /* DN_PATH_* */
			dn_ast_list elems;
		} path;
		/* NODE_PAT: (var:labels props). */
		struct {
			dn_ast *var; /* VAR or NULL */
			dn_ast_list labels; /* NAME */
			dn_ast *props; /* MAP, PARAM or NULL */
		} node;
		/* REL_PAT: -[var:types*min..max props]->. min and max are -1 when
		 * not written: `*` is (-1, -1), `*2` is (2, 2), `*2..` is (2, -1),
		 * `*..4` is (-1, 4). */
		struct {
			dn_ast *var; /* VAR or NULL */
			dn_ast_list types; /* NAME, alternatives */
			dn_ast *props; /* MAP, PARAM or NULL */
			int dir; /* DN_DIR_* */
			bool varlen;
			int64_t min, max;
		} rel;
		/* VAR, NAME, STRING, PARAM. slot and vkind are written by the
		 * resolver (resolve.h) on VAR nodes only: the variable's slot in
		 * the executor's record and its dn_var_kind. */
		struct {
			const char *s; /* NUL-terminated */
			uint32_t len;
			int32_t slot;
			uint8_t vkind;
		} name;
		bool b;
		int64_t i;
		double f;
		/* PROP: expr.key */
		struct {
			dn_ast *expr;
			dn_ast *key; /* NAME */
		} prop;
		/* INDEX: expr[index] */
		struct {
			dn_ast *expr, *index;
		} index;
		/* SLICE: expr[from..to], either bound may be NULL */
		struct {
			dn_ast *expr, *from, *to;
		} slice;
		/* HAS_LABELS: expr:L1:L2 */
		struct {
			dn_ast *expr;
			dn_ast_list labels; /* NAME */
		} labels;
		/* BINOP */
		struct {
			dn_ast *l, *r;
		} bin;
		/* UNOP */
		struct {
			dn_ast *arg;
		} un;
		/* FUNC: name([DISTINCT] args) or name(*) */
		struct {
			dn_ast *name; /* NAME, dotted for namespaces: "date.truncate" */
			bool distinct;
			bool star; /* count(*) */
			dn_ast_list args;
		} func;
		/* CASE [subject] alts [ELSE else_] END */
		struct {
			dn_ast *subject; /* NULL for the generic form */
			dn_ast_list alts; /* CASE_ALT */
			dn_ast *else_;
		} case_;
		/* CASE_ALT: WHEN when THEN then */
		struct {
			dn_ast *when, *then;
		} alt;
		/* LIST */
		struct {
			dn_ast_list items;
		} list;
		/* MAP */
		struct {
			dn_ast_list entries; /* MAP_ENTRY */
		} map;
		/* MAP_ENTRY (key: value), PROJ_PROP (.key, value NULL) */
		struct {
			dn_ast *key; /* NAME */
			dn_ast *value;
		} entry;
		/* MAP_PROJ: var{items}; items are PROJ_PROP (.a), PROJ_ALL (.*)
		 * and MAP_ENTRY (c: expr; a bare variable x is the entry x: x). */
		struct {
			dn_ast *var; /* VAR */
			dn_ast_list items;
		} mapproj;
		/* LIST_COMP: [var IN list [WHERE where] [| proj]]
		 * QUANT: op(var IN list [WHERE where]) */
		struct {
			dn_ast *var; /* VAR */
			dn_ast *list, *where, *proj;
		} comp;
		/* REDUCE: reduce(acc = init, var IN list | expr) */
		struct {
			dn_ast *acc, *init, *var, *list, *expr;
		} reduce;
		/* PATTERN_COMP: [path [WHERE where] | proj]; path->u.path.var is
		 * the named path, if any. */
		struct {
			dn_ast *path; /* PATH */
			dn_ast *where, *proj;
		} pcomp;
		/* PATTERN_PRED: a relationship pattern used as a predicate (true
		 * when a match exists); allowed where a predicate is. */
		struct {
			dn_ast *path; /* PATH */
		} pred;
		/* EXISTS_SUB: EXISTS { pattern [WHERE ...] } (held as the query
		 * MATCH pattern [WHERE ...]) or EXISTS { query }: true when the
		 * query, run with the variables in scope, gives a row. */
		struct {
			dn_ast *query; /* QUERY */
		} sub;
	} u;
};

/* The dump name of a kind ("match", "node", ...) and of an operator
 * ("and", "<=", "starts-with", ...). */
const char *dn_ast_kind_name(int kind);
const char *dn_ast_op_name(int op);

/* Allocates a zeroed node of `kind` at span (off, len) in arena. NULL when
 * out of memory. */
dn_ast *dn_ast_new(dn_arena *arena, int kind, uint32_t off, uint32_t len);

/* Appends node to list, growing it in arena. Returns 0 or DN_ENOMEM. */
int dn_ast_list_push(dn_arena *arena, dn_ast_list *list, dn_ast *node);

/* Dump options. */
enum {
	DN_AST_DUMP_SPANS = 1u << 0, /* append @off:len to every node */
};

/*
 * Appends the canonical S-expression text of node (and its children) to
 * out, NUL-terminated (the NUL is not counted in out->len). The format is
 * documented in ast.c; tests compare against it. Returns 0 or DN_ENOMEM.
 */
int dn_ast_dump(const dn_ast *node, dn_buf *out, unsigned opts);

/*
 * Calls fn(child, parent, ctx) for every child of node in source order,
 * then recurses into it (pre-order). When fn returns non-zero the walk
 * stops and returns that value. Returns 0 when the walk completed.
 */
typedef int (*dn_ast_walk_fn)(dn_ast *child, dn_ast *parent, void *ctx);
int dn_ast_walk(dn_ast *node, dn_ast_walk_fn fn, void *ctx);

#endif /* DN_AST_H */
