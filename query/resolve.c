/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolve.c — the resolver, third stage of the query pipeline (parser →
 * resolver → planner): walks the syntax tree clause by clause with a scope
 * of variables, gives every variable a slot and a kind (written into the
 * VAR nodes, see resolve.h) and reports compile-time semantic errors with
 * their openCypher TCK codes. Types are tracked only as far as literals
 * and pattern elements make them known (rs_type); anything else is ANY and
 * never rejected, since a false compile error is worse than a missed one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "functions.h"
#include "exec.h"
#include "resolve.h"

/* ------------------------------------------------------------------ */
/* Static types                                                        */
/* ------------------------------------------------------------------ */

/* What is statically known of a value. T_NONE is the element type of the
 * empty list. */
enum {
	T_ANY = 0, T_NULL, T_BOOL, T_INT, T_FLOAT, T_STRING, T_LIST, T_MAP,
	T_NODE, T_REL, T_PATH, T_NONE,
};
#define TM(t) (1u << (t))
#define TM_SCALAR (TM(T_BOOL) | TM(T_INT) | TM(T_FLOAT) | TM(T_STRING))

typedef struct rs_type {
	uint8_t t;    /* T_* */
	uint8_t elem; /* element type when t is T_LIST */
} rs_type;

static const rs_type ANY = {T_ANY, T_ANY};

static rs_type ty(int t)
{
	return (rs_type){(uint8_t)t, T_ANY};
}

static const char *const type_names[] = {
	"Any", "Null", "Boolean", "Integer", "Float", "String", "List", "Map",
	"Node", "Relationship", "Path", "Nothing",
};

static int type_vkind(rs_type t)
{
	switch (t.t) {
	case T_ANY: return DN_VAR_UNKNOWN;
	case T_NODE: return DN_VAR_NODE;
	case T_REL: return DN_VAR_REL;
	case T_PATH: return DN_VAR_PATH;
	default: return DN_VAR_VALUE;
	}
}

const char *dn_var_kind_name(int kind)
{
	switch (kind) {
	case DN_VAR_NODE: return "node";
	case DN_VAR_REL: return "relationship";
	case DN_VAR_PATH: return "path";
	case DN_VAR_VALUE: return "value";
	default: return "unknown";
	}
}

/* ------------------------------------------------------------------ */
/* The resolver's state                                                */
/* ------------------------------------------------------------------ */

typedef struct rs_var {
	const char *name;
	int32_t slot;
	rs_type ty;
	uint32_t clause; /* serial of the clause that bound it */
} rs_var;

/* A scope is a stack of variables; lookups search from the top, so that
 * comprehension variables shadow the clause's. */
typedef struct rs_scope {
	rs_var *v;
	size_t n, cap;
} rs_scope;

/* Column names of a projection, for UNION. */
typedef struct rs_cols {
	const char **name;
	uint32_t *len;
	size_t n;
} rs_cols;

typedef struct rs {
	dn_parse_result *res;
	dn_parse_error *err;
	rs_scope sc;
	int32_t nslots;
	uint32_t clause;
	/* While resolving ORDER BY of an aggregating or DISTINCT projection:
	 * the projected expressions and the scope before the projection. */
	dn_ast **match_items;
	size_t nmatch;
	const rs_scope *pre;
	bool oom; /* an allocation failed where no error could be returned */
} rs;

/* Expression contexts. */
enum {
	X_AGG = 1u << 0,     /* aggregates allowed here */
	X_IN_AGG = 1u << 1,  /* inside an aggregate's arguments */
	X_IN_COMP = 1u << 2, /* inside a comprehension's body */
};

static int rs_nomem(rs *r);
static int rs_subquery(rs *r, dn_ast *q);
static void cols_free(rs_cols *c);
static int rs_error(rs *r, const dn_ast *at, const char *tck, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rs_error(rs *r, const dn_ast *at, const char *tck, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->oom)
		return rs_nomem(r);
	return dn_parse_error_set(r->err, r->res->text, r->res->len, DN_ESEMANTIC, at->off,
	                          at->len, tck, "%s", msg);
}

static int rs_nomem(rs *r)
{
	if (!r->err->code) {
		r->err->code = DN_ENOMEM;
		snprintf(r->err->message, sizeof r->err->message, "out of memory");
	}
	return DN_ENOMEM;
}

static int scope_push(rs *r, rs_scope *s, const rs_var *v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		rs_var *nv = dn_realloc(s->v, cap * sizeof *nv);
		if (!nv)
			return rs_nomem(r);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = *v;
	return 0;
}

static rs_var *scope_find(const rs_scope *s, const char *name)
{
	for (size_t i = s->n; i-- > 0;)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static void var_annotate(dn_ast *var, const rs_var *v)
{
	var->u.name.slot = v->slot;
	var->u.name.vkind = (uint8_t)type_vkind(v->ty);
}

/* Binds a new variable named by the VAR node var in the current scope. */
static int rs_bind(rs *r, dn_ast *var, rs_type t)
{
	rs_var v = {var->u.name.s, r->nslots++, t, r->clause};
	var_annotate(var, &v);
	return scope_push(r, &r->sc, &v);
}

/* ------------------------------------------------------------------ */
/* Tree helpers                                                        */
/* ------------------------------------------------------------------ */

static const dn_cy_func *func_of(const dn_ast *f)
{
	const dn_ast *n = f->u.func.name;
	return dn_cy_func_lookup(n->u.name.s, n->u.name.len);
}

static bool is_agg_call(const dn_ast *e)
{
	if (e->kind != DN_AST_FUNC)
		return false;
	const dn_cy_func *f = func_of(e);
	return f && (f->flags & DN_CY_FN_AGGREGATE);
}

static int walk_has_agg(dn_ast *n, dn_ast *parent, void *ctx)
{
	(void)parent;
	(void)ctx;
	return is_agg_call(n);
}

static bool has_agg(dn_ast *e)
{
	return e && (is_agg_call(e) || dn_ast_walk(e, walk_has_agg, NULL));
}

typedef struct var_probe {
	const rs_scope *sc; /* NULL: any VAR counts */
} var_probe;

static int walk_has_var(dn_ast *n, dn_ast *parent, void *ctx)
{
	(void)parent;
	var_probe *p = ctx;
	return n->kind == DN_AST_VAR && (!p->sc || scope_find(p->sc, n->u.name.s));
}

/* Whether e refers to a variable of sc (any variable when sc is NULL). */
static bool has_var(dn_ast *e, const rs_scope *sc)
{
	var_probe p = {sc};
	return e && (walk_has_var(e, NULL, &p) || dn_ast_walk(e, walk_has_var, &p));
}

typedef struct kids {
	dn_ast *parent;
	dn_ast *item[64];
	size_t n;
} kids;

static int walk_kids(dn_ast *n, dn_ast *parent, void *ctx)
{
	kids *k = ctx;
	if (parent == k->parent && k->n < 64)
		k->item[k->n++] = n;
	return 0;
}

/* The canonical text of e (malloc'd), for comparing expressions. */
static char *expr_text(dn_ast *e)
{
	dn_buf b = {0};
	if (dn_ast_dump(e, &b, 0)) {
		dn_buf_free(&b);
		return NULL;
	}
	char *s = strdup((const char *)b.p);
	dn_buf_free(&b);
	return s;
}

/* Whether a and b are the same expression; on allocation failure false,
 * with r->oom set (rs_error then reports DN_ENOMEM instead). */
static bool expr_equal(rs *r, dn_ast *a, dn_ast *b)
{
	char *x = expr_text(a), *y = expr_text(b);
	if (!x || !y)
		r->oom = true;
	bool eq = x && y && !strcmp(x, y);
	free(x);
	free(y);
	return eq;
}

/* ------------------------------------------------------------------ */
/* Functions                                                           */
/* ------------------------------------------------------------------ */

/* Graph functions the registry (functions.h) does not hold, since they
 * need the database, with the types their first argument cannot have. */
static const struct {
	const char *name;
	int min, max;
	unsigned bad;
} graph_funcs[] = {
	{"id", 1, 1, TM_SCALAR},
	{"elementid", 1, 1, TM_SCALAR},
	{"labels", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_MAP) | TM(T_REL) | TM(T_PATH)},
	{"type", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_MAP) | TM(T_NODE) | TM(T_PATH)},
	{"properties", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_PATH)},
	{"startnode", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_MAP) | TM(T_NODE) | TM(T_PATH)},
	{"endnode", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_MAP) | TM(T_NODE) | TM(T_PATH)},
	{"nodes", 1, 1, TM_SCALAR | TM(T_MAP) | TM(T_NODE) | TM(T_REL)},
	{"relationships", 1, 1, TM_SCALAR | TM(T_MAP) | TM(T_NODE) | TM(T_REL)},
	{"rels", 1, 1, TM_SCALAR | TM(T_MAP) | TM(T_NODE) | TM(T_REL)},
	{"length", 1, 1, TM(T_BOOL) | TM(T_INT) | TM(T_FLOAT) | TM(T_MAP) | TM(T_NODE) | TM(T_REL)},
	{"size", 1, 1, TM(T_BOOL) | TM(T_INT) | TM(T_FLOAT) | TM(T_NODE) | TM(T_REL) | TM(T_PATH)},
	{"keys", 1, 1, TM_SCALAR | TM(T_LIST) | TM(T_PATH)},
	{"exists", 1, 1, 0},
};

/* Other functions of Cypher that a query may call: known, so not an
 * UnknownFunction, but not checked here (the planner reports what the
 * executor cannot run). */
static const char *const other_funcs[] = {
	"rand", "timestamp", "tail", "atan2", "degrees", "radians", "haversin", "cot",
	"localdatetime", "localtime", "time", "tostringornull", "tointegerornull",
	"tofloatornull", "tobooleanornull", "isempty", "point", "distance", "nullif",
	"char_length", "character_length", "randomuuid", "tobooleanlist", "tofloatlist",
	"tointegerlist", "tostringlist", "isnan", "btrim", "lower", "upper", "normalize",
	"cosh", "sinh", "tanh", "coth", "linenumber", "file", "valuetype",
};

static int rs_expr(rs *r, dn_ast *e, unsigned x, rs_type *out);

static int rs_func(rs *r, dn_ast *e, unsigned x, rs_type *out)
{
	const dn_ast *nm = e->u.func.name;
	const char *name = nm->u.name.s;
	uint32_t nargs = e->u.func.args.n;
	*out = ANY;
	int gi = -1;
	for (size_t i = 0; i < sizeof graph_funcs / sizeof graph_funcs[0]; i++)
		if (!strcasecmp(name, graph_funcs[i].name))
			gi = (int)i;
	const dn_cy_func *f = gi < 0 ? func_of(e) : NULL;
	bool agg = f && (f->flags & DN_CY_FN_AGGREGATE);
	if (gi >= 0) {
		if ((int)nargs < graph_funcs[gi].min || (int)nargs > graph_funcs[gi].max ||
		    e->u.func.star)
			return rs_error(r, e, "InvalidNumberOfArguments",
			                "%s() takes %d argument%s, not %u", name, graph_funcs[gi].min,
			                graph_funcs[gi].min == 1 ? "" : "s", nargs);
	} else if (f) {
		if (e->u.func.star ? !(f->flags & DN_CY_FN_STAR)
		                   : ((int)nargs < f->min_args || (int)nargs > f->max_args ||
		                      (nargs == 0 && (f->flags & DN_CY_FN_STAR))))
			return rs_error(r, e, "InvalidNumberOfArguments",
			                "wrong number of arguments (%u) for %s()", nargs, name);
	} else {
		bool known = strchr(name, '.') != NULL; /* namespaced: date.truncate, ... */
		for (size_t i = 0; !known && i < sizeof other_funcs / sizeof other_funcs[0]; i++)
			known = !strcasecmp(name, other_funcs[i]);
		if (!known)
			return rs_error(r, nm, "UnknownFunction", "unknown function '%s'", name);
		if (!strcasecmp(name, "rand") && (x & X_IN_AGG))
			return rs_error(r, e, "NonConstantExpression",
			                "rand() cannot be an aggregate's argument");
	}
	if (agg) {
		if (x & X_IN_AGG)
			return rs_error(r, e, "NestedAggregation",
			                "an aggregate cannot be an argument of another aggregate");
		if (x & X_IN_COMP)
			return rs_error(r, e, "InvalidAggregation",
			                "an aggregate cannot be used inside a comprehension");
		if (!(x & X_AGG))
			return rs_error(r, e, "InvalidAggregation",
			                "an aggregate can only be used in a WITH or RETURN item or in "
			                "ORDER BY after an aggregating projection");
		x |= X_IN_AGG;
	}
	for (uint32_t i = 0; i < nargs; i++) {
		rs_type at;
		int rc = rs_expr(r, e->u.func.args.item[i], x, &at);
		if (rc)
			return rc;
		if (gi >= 0 && i == 0 && (graph_funcs[gi].bad & TM(at.t)))
			return rs_error(r, e->u.func.args.item[i], "InvalidArgumentType",
			                "%s() cannot take a %s", name, type_names[at.t]);
	}
	if (f && !strcasecmp(f->name, "count"))
		*out = ty(T_INT);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Patterns                                                            */
/* ------------------------------------------------------------------ */

enum { P_MATCH, P_CREATE, P_MERGE, P_PRED, P_COMP };

static const char *const p_clause[] = {"MATCH", "CREATE", "MERGE", "a pattern predicate",
                                       "a pattern comprehension"};

static int rs_node_var(rs *r, dn_ast *node, bool alone, int mode)
{
	dn_ast *var = node->u.node.var;
	if (!var)
		return 0;
	rs_var *v = scope_find(&r->sc, var->u.name.s);
	if (!v) {
		if (mode == P_PRED)
			return rs_error(r, var, "UndefinedVariable", "variable `%s` not defined",
			                var->u.name.s);
		return rs_bind(r, var, ty(T_NODE));
	}
	if (v->ty.t != T_ANY && v->ty.t != T_NULL && v->ty.t != T_NODE)
		return rs_error(r, var, "VariableTypeConflict",
		                "variable `%s` is a %s, not a node", var->u.name.s,
		                type_names[v->ty.t]);
	if ((mode == P_CREATE || mode == P_MERGE) &&
	    (alone || node->u.node.labels.n || node->u.node.props))
		return rs_error(r, var, "VariableAlreadyBound",
		                "variable `%s` is already bound: %s cannot create it again",
		                var->u.name.s, p_clause[mode]);
	var_annotate(var, v);
	return 0;
}

static int rs_rel_var(rs *r, dn_ast *rel, int mode)
{
	dn_ast *var = rel->u.rel.var;
	if (!var)
		return 0;
	rs_var *v = scope_find(&r->sc, var->u.name.s);
	if (!v) {
		if (mode == P_PRED)
			return rs_error(r, var, "UndefinedVariable", "variable `%s` not defined",
			                var->u.name.s);
		return rs_bind(r, var, rel->u.rel.varlen ? (rs_type){T_LIST, T_REL} : ty(T_REL));
	}
	bool ok = v->ty.t == T_ANY || v->ty.t == T_NULL || v->ty.t == T_REL ||
	          (v->ty.t == T_LIST && (v->ty.elem == T_REL || v->ty.elem == T_ANY));
	if (!ok)
		return rs_error(r, var, "VariableTypeConflict",
		                "variable `%s` is a %s, not a relationship", var->u.name.s,
		                type_names[v->ty.t]);
	if (mode == P_CREATE || mode == P_MERGE)
		return rs_error(r, var, "VariableAlreadyBound",
		                "variable `%s` is already bound: %s cannot create it again",
		                var->u.name.s, p_clause[mode]);
	if (mode == P_MATCH && v->clause == r->clause)
		return rs_error(r, var, "RelationshipUniquenessViolation",
		                "relationship variable `%s` is used twice in one pattern",
		                var->u.name.s);
	var_annotate(var, v);
	return 0;
}

static int rs_rel_shape(rs *r, dn_ast *rel, int mode)
{
	if (mode != P_CREATE && mode != P_MERGE) {
		if (mode == P_MATCH && rel->u.rel.props && rel->u.rel.props->kind == DN_AST_PARAM)
			return rs_error(r, rel->u.rel.props, "InvalidParameterUse",
			                "a parameter cannot give the properties of a pattern in MATCH");
		return 0;
	}
	if (rel->u.rel.varlen)
		return rs_error(r, rel, "CreatingVarLength",
		                "%s cannot create a variable-length relationship", p_clause[mode]);
	if (mode == P_CREATE && (rel->u.rel.dir == DN_DIR_ANY || rel->u.rel.dir == DN_DIR_BOTH))
		return rs_error(r, rel, "RequiresDirectedRelationship",
		                "CREATE needs a directed relationship");
	if (rel->u.rel.types.n != 1)
		return rs_error(r, rel, "NoSingleRelationshipType",
		                "%s needs exactly one relationship type", p_clause[mode]);
	if (mode == P_MERGE && rel->u.rel.props && rel->u.rel.props->kind == DN_AST_PARAM)
		return rs_error(r, rel->u.rel.props, "InvalidParameterUse",
		                "a parameter cannot give the properties of a pattern in MERGE");
	return 0;
}

/* Binds and checks the variables of the paths, then resolves their
 * property maps (which may refer to any variable of the pattern). */
static int rs_paths(rs *r, dn_ast **paths, size_t n, int mode)
{
	int rc;
	for (size_t i = 0; i < n; i++) {
		dn_ast *p = paths[i];
		dn_ast_list *el = &p->u.path.elems;
		for (uint32_t k = 0; k < el->n; k++) {
			dn_ast *e = el->item[k];
			if (e->kind == DN_AST_NODE_PAT) {
				if (mode == P_MATCH || mode == P_MERGE)
					if (e->u.node.props && e->u.node.props->kind == DN_AST_PARAM)
						return rs_error(r, e->u.node.props, "InvalidParameterUse",
						                "a parameter cannot give the properties of a "
						                "pattern in %s", p_clause[mode]);
				if ((rc = rs_node_var(r, e, el->n == 1, mode)))
					return rc;
			} else if (e->kind == DN_AST_REL_PAT) {
				if ((rc = rs_rel_var(r, e, mode)) || (rc = rs_rel_shape(r, e, mode)))
					return rc;
			}
		}
		dn_ast *pv = p->u.path.var;
		if (pv) {
			if (scope_find(&r->sc, pv->u.name.s))
				return rs_error(r, pv, "VariableAlreadyBound",
				                "variable `%s` is already bound: a path needs a new variable",
				                pv->u.name.s);
			if ((rc = rs_bind(r, pv, ty(T_PATH))))
				return rc;
		}
	}
	for (size_t i = 0; i < n; i++) {
		dn_ast_list *el = &paths[i]->u.path.elems;
		for (uint32_t k = 0; k < el->n; k++) {
			dn_ast *e = el->item[k];
			dn_ast *props = e->kind == DN_AST_NODE_PAT ? e->u.node.props : e->u.rel.props;
			if (props && (rc = rs_expr(r, props, 0, NULL)))
				return rc;
		}
	}
	return 0;
}

static int rs_pattern(rs *r, dn_ast *pattern, int mode)
{
	return rs_paths(r, pattern->u.pattern.paths.item, pattern->u.pattern.paths.n, mode);
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

static bool bool_ok(rs_type t)
{
	return t.t == T_ANY || t.t == T_NULL || t.t == T_BOOL;
}

static int rs_bool_operand(rs *r, dn_ast *e, rs_type t, const char *op)
{
	if (bool_ok(t))
		return 0;
	return rs_error(r, e, "InvalidArgumentType", "%s needs a boolean, not a %s", op,
	                type_names[t.t]);
}

static int rs_binop(rs *r, dn_ast *e, unsigned x, rs_type *out)
{
	rs_type a, b;
	int rc;
	if ((rc = rs_expr(r, e->u.bin.l, x, &a)) || (rc = rs_expr(r, e->u.bin.r, x, &b)))
		return rc;
	*out = ty(T_BOOL);
	switch (e->op) {
	case DN_OP_AND:
	case DN_OP_OR:
	case DN_OP_XOR:
		if ((rc = rs_bool_operand(r, e->u.bin.l, a, dn_ast_op_name(e->op))))
			return rc;
		return rs_bool_operand(r, e->u.bin.r, b, dn_ast_op_name(e->op));
	case DN_OP_IN:
		if (b.t != T_ANY && b.t != T_NULL && b.t != T_LIST)
			return rs_error(r, e->u.bin.r, "InvalidArgumentType",
			                "IN needs a list on its right, not a %s", type_names[b.t]);
		return 0;
	case DN_OP_ADD:
		if (a.t == T_INT && b.t == T_INT)
			*out = ty(T_INT);
		else if ((a.t == T_INT || a.t == T_FLOAT) && (b.t == T_INT || b.t == T_FLOAT))
			*out = ty(T_FLOAT);
		else if (a.t == T_STRING && b.t == T_STRING)
			*out = ty(T_STRING);
		else if (a.t == T_LIST || b.t == T_LIST)
			*out = ty(T_LIST);
		else
			*out = ANY;
		return 0;
	case DN_OP_SUB:
	case DN_OP_MUL:
	case DN_OP_DIV:
	case DN_OP_MOD:
	case DN_OP_POW: {
		unsigned bad = TM(T_BOOL) | TM(T_STRING) | TM(T_LIST) | TM(T_MAP) | TM(T_NODE) |
		               TM(T_REL) | TM(T_PATH);
		if (bad & TM(a.t))
			return rs_error(r, e->u.bin.l, "InvalidArgumentType",
			                "%s cannot take a %s", dn_ast_op_name(e->op), type_names[a.t]);
		if (bad & TM(b.t))
			return rs_error(r, e->u.bin.r, "InvalidArgumentType",
			                "%s cannot take a %s", dn_ast_op_name(e->op), type_names[b.t]);
		if (a.t == T_INT && b.t == T_INT && e->op != DN_OP_POW)
			*out = ty(T_INT);
		else if ((a.t == T_INT || a.t == T_FLOAT) && (b.t == T_INT || b.t == T_FLOAT))
			*out = ty(T_FLOAT);
		else
			*out = ANY;
		return 0;
	}
	default: return 0;
	}
}

/* LIST_COMP, QUANT, REDUCE and PATTERN_COMP: local variables in a scope
 * of their own, aggregates forbidden in the body. */
static int rs_comp(rs *r, dn_ast *e, unsigned x, rs_type *out)
{
	size_t n0 = r->sc.n;
	unsigned inner = (x & ~X_AGG) | X_IN_COMP;
	int rc = 0;
	rs_type lt;
	if (e->kind == DN_AST_PATTERN_COMP) {
		if (!(rc = rs_paths(r, &e->u.pcomp.path, 1, P_COMP)) &&
		    !(rc = rs_expr(r, e->u.pcomp.where, inner, NULL)))
			rc = rs_expr(r, e->u.pcomp.proj, inner, NULL);
		*out = ty(T_LIST);
	} else if (e->kind == DN_AST_REDUCE) {
		if (!(rc = rs_expr(r, e->u.reduce.init, x, NULL)) &&
		    !(rc = rs_expr(r, e->u.reduce.list, x, &lt)) && !(rc = rs_bind(r, e->u.reduce.acc, ANY)) &&
		    !(rc = rs_bind(r, e->u.reduce.var, lt.t == T_LIST && lt.elem != T_NONE ? ty(lt.elem) : ANY)))
			rc = rs_expr(r, e->u.reduce.expr, inner, NULL);
		*out = ANY;
	} else {
		if (!(rc = rs_expr(r, e->u.comp.list, x, &lt)) &&
		    !(rc = rs_bind(r, e->u.comp.var,
		                   lt.t == T_LIST && lt.elem != T_NONE ? ty(lt.elem) : ANY)) &&
		    !(rc = rs_expr(r, e->u.comp.where, inner, NULL)))
			rc = rs_expr(r, e->u.comp.proj, inner, NULL);
		*out = e->kind == DN_AST_QUANT ? ty(T_BOOL) : ty(T_LIST);
	}
	r->sc.n = n0;
	return rc;
}

/* Resolves a subexpression of ORDER BY that equals a projected
 * expression: against the scope before the projection; the node is
 * flagged DN_AST_F_COLUMN. Returns 1 when e is no such subexpression. */
static int rs_match_item(rs *r, dn_ast *e, unsigned x)
{
	size_t i;
	for (i = 0; i < r->nmatch && !expr_equal(r, e, r->match_items[i]); i++)
		;
	if (i == r->nmatch)
		return 1;
	rs_scope saved = r->sc;
	dn_ast **mi = r->match_items;
	size_t nm = r->nmatch;
	r->sc = *r->pre;
	r->match_items = NULL;
	r->nmatch = 0;
	int rc = rs_expr(r, e, x | X_AGG, NULL);
	r->sc = saved;
	r->match_items = mi;
	r->nmatch = nm;
	e->flags |= DN_AST_F_COLUMN;
	return rc;
}

static int rs_expr(rs *r, dn_ast *e, unsigned x, rs_type *out)
{
	rs_type local;
	if (!out)
		out = &local;
	*out = ANY;
	if (!e)
		return 0;
	if (r->nmatch && e->kind != DN_AST_NULL_LIT && e->kind != DN_AST_INT &&
	    e->kind != DN_AST_STRING) {
		int m = rs_match_item(r, e, x);
		if (m != 1)
			return m;
	}
	int rc;
	switch (e->kind) {
	case DN_AST_NULL_LIT: *out = ty(T_NULL); return 0;
	case DN_AST_BOOL: *out = ty(T_BOOL); return 0;
	case DN_AST_INT: *out = ty(T_INT); return 0;
	case DN_AST_FLOAT: *out = ty(T_FLOAT); return 0;
	case DN_AST_STRING: *out = ty(T_STRING); return 0;
	case DN_AST_PARAM: return 0;
	case DN_AST_VAR: {
		rs_var *v = scope_find(&r->sc, e->u.name.s);
		if (!v)
			return rs_error(r, e, "UndefinedVariable", "variable `%s` not defined",
			                e->u.name.s);
		var_annotate(e, v);
		*out = v->ty;
		return 0;
	}
	case DN_AST_PROP: {
		rs_type t;
		if ((rc = rs_expr(r, e->u.prop.expr, x, &t)))
			return rc;
		if (TM(t.t) & (TM_SCALAR | TM(T_LIST) | TM(T_PATH)))
			return rs_error(r, e, "InvalidArgumentType", "a %s has no properties",
			                type_names[t.t]);
		return 0;
	}
	case DN_AST_INDEX:
		if ((rc = rs_expr(r, e->u.index.expr, x, NULL)))
			return rc;
		return rs_expr(r, e->u.index.index, x, NULL);
	case DN_AST_SLICE:
		if ((rc = rs_expr(r, e->u.slice.expr, x, NULL)) ||
		    (rc = rs_expr(r, e->u.slice.from, x, NULL)))
			return rc;
		return rs_expr(r, e->u.slice.to, x, NULL);
	case DN_AST_HAS_LABELS:
		*out = ty(T_BOOL);
		return rs_expr(r, e->u.labels.expr, x, NULL);
	case DN_AST_BINOP: return rs_binop(r, e, x, out);
	case DN_AST_UNOP: {
		rs_type t;
		if ((rc = rs_expr(r, e->u.un.arg, x, &t)))
			return rc;
		if (e->op == DN_OP_NOT) {
			*out = ty(T_BOOL);
			return rs_bool_operand(r, e->u.un.arg, t, "NOT");
		}
		if (e->op == DN_OP_IS_NULL || e->op == DN_OP_IS_NOT_NULL)
			*out = ty(T_BOOL);
		else if (t.t == T_INT || t.t == T_FLOAT)
			*out = t;
		return 0;
	}
	case DN_AST_FUNC: return rs_func(r, e, x, out);
	case DN_AST_CASE:
		if ((rc = rs_expr(r, e->u.case_.subject, x, NULL)))
			return rc;
		for (uint32_t i = 0; i < e->u.case_.alts.n; i++) {
			dn_ast *a = e->u.case_.alts.item[i];
			if ((rc = rs_expr(r, a->u.alt.when, x, NULL)) ||
			    (rc = rs_expr(r, a->u.alt.then, x, NULL)))
				return rc;
		}
		return rs_expr(r, e->u.case_.else_, x, NULL);
	case DN_AST_LIST: {
		int elem = T_NONE;
		for (uint32_t i = 0; i < e->u.list.items.n; i++) {
			rs_type t;
			if ((rc = rs_expr(r, e->u.list.items.item[i], x, &t)))
				return rc;
			if (elem == T_NONE)
				elem = t.t;
			else if (elem != t.t)
				elem = T_ANY;
		}
		*out = (rs_type){T_LIST, (uint8_t)elem};
		return 0;
	}
	case DN_AST_MAP:
		for (uint32_t i = 0; i < e->u.map.entries.n; i++)
			if ((rc = rs_expr(r, e->u.map.entries.item[i]->u.entry.value, x, NULL)))
				return rc;
		*out = ty(T_MAP);
		return 0;
	case DN_AST_MAP_PROJ:
		if ((rc = rs_expr(r, e->u.mapproj.var, x, NULL)))
			return rc;
		for (uint32_t i = 0; i < e->u.mapproj.items.n; i++) {
			dn_ast *it = e->u.mapproj.items.item[i];
			if (it->kind == DN_AST_MAP_ENTRY && (rc = rs_expr(r, it->u.entry.value, x, NULL)))
				return rc;
		}
		*out = ty(T_MAP);
		return 0;
	case DN_AST_LIST_COMP:
	case DN_AST_QUANT:
	case DN_AST_REDUCE:
	case DN_AST_PATTERN_COMP: return rs_comp(r, e, x, out);
	case DN_AST_PATTERN_PRED:
		*out = ty(T_BOOL);
		return rs_paths(r, &e->u.pred.path, 1, P_PRED);
	case DN_AST_EXISTS_SUB:
		*out = ty(T_BOOL);
		return rs_subquery(r, e->u.sub.query);
	default: return 0;
	}
}

/* A predicate: WHERE of MATCH, WITH, CALL. */
static int rs_where(rs *r, dn_ast *w)
{
	rs_type t;
	int rc = rs_expr(r, w, 0, &t);
	if (rc || !w)
		return rc;
	return rs_bool_operand(r, w, t, "WHERE");
}

/* ------------------------------------------------------------------ */
/* Projections                                                         */
/* ------------------------------------------------------------------ */

/* The part of an aggregating expression outside its aggregates that makes
 * it ambiguous, or NULL. keys are the projection's grouping expressions
 * (NULL in ORDER BY, where the scope check follows). */
static dn_ast *rs_ambiguous(rs *r, dn_ast *e, dn_ast **keys, size_t nkeys)
{
	if (!e || is_agg_call(e))
		return NULL;
	if (!has_agg(e)) {
		if (!has_var(e, &r->sc))
			return NULL;
		dn_ast *base = e->kind == DN_AST_PROP ? e->u.prop.expr : e;
		if (!keys) /* ORDER BY: a variable or property is checked by scope */
			return base->kind == DN_AST_VAR ? NULL : e;
		if (base->kind == DN_AST_VAR) {
			for (size_t i = 0; i < nkeys; i++)
				if ((keys[i]->kind == DN_AST_VAR &&
				     !strcmp(keys[i]->u.name.s, base->u.name.s)) ||
				    (e->kind == DN_AST_PROP && expr_equal(r, keys[i], e)))
					return NULL;
			return e;
		}
		/* else: every variable and property inside must be a key */
	}
	kids k = {e, {0}, 0};
	dn_ast_walk(e, walk_kids, &k);
	for (size_t i = 0; i < k.n; i++) {
		dn_ast *bad = rs_ambiguous(r, k.item[i], keys, nkeys);
		if (bad)
			return bad;
	}
	return NULL;
}

static int rs_count_arg(rs *r, dn_ast *e, const char *what)
{
	if (!e)
		return 0;
	if (has_var(e, NULL))
		return rs_error(r, e, "NonConstantExpression", "%s needs a constant expression", what);
	rs_type t;
	int rc = rs_expr(r, e, 0, &t);
	if (rc)
		return rc;
	if ((e->kind == DN_AST_INT && e->u.i < 0) ||
	    (e->kind == DN_AST_UNOP && e->op == DN_OP_NEG && e->u.un.arg->kind == DN_AST_INT &&
	     e->u.un.arg->u.i > 0))
		return rs_error(r, e, "NegativeIntegerArgument", "%s cannot be negative", what);
	if (t.t != T_ANY && t.t != T_INT && t.t != T_NULL)
		return rs_error(r, e, "InvalidArgumentType", "%s needs an integer, not a %s", what,
		                type_names[t.t]);
	return 0;
}

static void item_name(const rs *r, const dn_ast *it, const char **s, uint32_t *len)
{
	const dn_ast *a = it->u.item.alias, *ex = it->u.item.expr;
	if (a) {
		*s = a->u.name.s, *len = a->u.name.len;
	} else if (ex->kind == DN_AST_VAR) {
		*s = ex->u.name.s, *len = ex->u.name.len;
	} else {
		*s = r->res->text + ex->off, *len = ex->len;
	}
}

static int rs_projection(rs *r, dn_ast *c, rs_cols *cols)
{
	bool is_return = c->kind == DN_AST_RETURN;
	dn_ast_list *items = &c->u.proj.items;
	int rc = 0;
	rs_scope pre = {0}, post = {0};
	dn_ast **keys = NULL;
	size_t nkeys = 0;
	bool aggregating = false;
	dn_ast *no_alias = NULL;

	if (c->u.proj.star && is_return && r->sc.n == 0)
		return rs_error(r, c, "NoVariablesInScope", "RETURN * has no variables to return");
	for (uint32_t i = 0; i < items->n; i++) {
		dn_ast *it = items->item[i];
		if ((rc = rs_expr(r, it->u.item.expr, X_AGG, NULL)))
			return rc;
		if (!is_return && !it->u.item.alias && it->u.item.expr->kind != DN_AST_VAR &&
		    !no_alias)
			no_alias = it; /* reported last: the TCK wants other errors first */
		const char *s, *s2;
		uint32_t len, len2;
		item_name(r, it, &s, &len);
		for (uint32_t j = 0; j < i; j++) {
			item_name(r, items->item[j], &s2, &len2);
			if (len == len2 && !memcmp(s, s2, len))
				return rs_error(r, it, "ColumnNameConflict",
				                "the column name '%.*s' is used twice", (int)len, s);
		}
		if (has_agg(it->u.item.expr))
			aggregating = true;
	}
	if (aggregating) {
		keys = dn_calloc(items->n + 1, sizeof *keys);
		if (!keys)
			return rs_nomem(r);
		for (uint32_t i = 0; i < items->n; i++)
			if (!has_agg(items->item[i]->u.item.expr))
				keys[nkeys++] = items->item[i]->u.item.expr;
		for (uint32_t i = 0; i < items->n && !rc; i++) {
			dn_ast *ex = items->item[i]->u.item.expr;
			dn_ast *bad = has_agg(ex) ? rs_ambiguous(r, ex, keys, nkeys) : NULL;
			if (bad)
				rc = rs_error(r, bad, "AmbiguousAggregationExpression",
				              "'%.*s' is neither aggregated nor a grouping key",
				              (int)bad->len, r->res->text + bad->off);
		}
		if (rc)
			goto out;
	}

	/* The new scope: `*` carries every variable over, with its slot; each
	 * item is a new variable in a new slot. */
	pre = r->sc;
	r->sc = (rs_scope){0};
	if (c->u.proj.star)
		for (size_t i = 0; i < pre.n && !rc; i++)
			rc = scope_push(r, &post, &pre.v[i]);
	for (uint32_t i = 0; i < items->n && !rc; i++) {
		dn_ast *it = items->item[i], *ex = it->u.item.expr;
		rs_type t = ANY;
		if (ex->kind == DN_AST_VAR) {
			rs_var *v = scope_find(&pre, ex->u.name.s);
			t = v ? v->ty : ANY;
		} else if (ex->kind == DN_AST_BOOL || ex->kind == DN_AST_INT ||
		           ex->kind == DN_AST_FLOAT || ex->kind == DN_AST_STRING ||
		           ex->kind == DN_AST_LIST || ex->kind == DN_AST_MAP) {
			/* literals keep their type: WITH 1 AS n MATCH (n) conflicts */
			rs_scope sv = r->sc;
			r->sc = pre;
			rs_expr(r, ex, X_AGG, &t);
			r->sc = sv;
		}
		const char *s;
		uint32_t len;
		item_name(r, it, &s, &len);
		rs_var v = {it->u.item.alias ? it->u.item.alias->u.name.s : s, r->nslots++, t,
		            r->clause};
		if (!it->u.item.alias && ex->kind != DN_AST_VAR)
			v.name = ""; /* an unaliased expression (RETURN only) names no variable */
		it->u.item.slot = v.slot;
		if (it->u.item.alias)
			var_annotate(it->u.item.alias, &v);
		rc = scope_push(r, &post, &v);
		if (!rc && cols) {
			cols->name[cols->n] = s;
			cols->len[cols->n++] = len;
		}
	}
	if (rc)
		goto out;

	/* WHERE sees the variables before the projection and the projected
	 * ones (`WITH DISTINCT a.x AS x WHERE a.y = 1` is valid); so does
	 * ORDER BY, but after an aggregation or DISTINCT it sees only the
	 * projected variables and expressions equal to projected ones. */
	for (size_t i = 0; i < pre.n && !rc; i++)
		rc = scope_push(r, &r->sc, &pre.v[i]);
	for (size_t i = 0; i < post.n && !rc; i++)
		rc = scope_push(r, &r->sc, &post.v[i]);
	if (!rc && c->u.proj.where)
		rc = rs_where(r, c->u.proj.where);
	bool restricted = aggregating || c->u.proj.distinct;
	if (restricted) {
		r->sc.n = 0;
		for (size_t i = 0; i < post.n && !rc; i++)
			rc = scope_push(r, &r->sc, &post.v[i]);
	}
	dn_ast **exprs = NULL;
	if (!rc && restricted && c->u.proj.order.n) {
		exprs = dn_calloc(items->n + 1, sizeof *exprs);
		if (!exprs)
			rc = rs_nomem(r);
		for (uint32_t i = 0; exprs && i < items->n; i++)
			exprs[i] = items->item[i]->u.item.expr;
	}
	for (uint32_t i = 0; i < c->u.proj.order.n && !rc; i++) {
		dn_ast *ex = c->u.proj.order.item[i]->u.sort.expr;
		if (!aggregating && has_agg(ex)) {
			rc = rs_error(r, ex, "InvalidAggregation",
			              "ORDER BY can only aggregate after an aggregating projection");
			break;
		}
		if (aggregating && has_agg(ex)) {
			rs_scope sv = r->sc;
			r->sc = pre;
			dn_ast *bad = rs_ambiguous(r, ex, NULL, 0);
			r->sc = sv;
			if (bad) {
				rc = rs_error(r, bad, "AmbiguousAggregationExpression",
				              "'%.*s' is neither aggregated nor a grouping key",
				              (int)bad->len, r->res->text + bad->off);
				break;
			}
		}
		if (restricted) {
			r->match_items = exprs;
			r->nmatch = items->n;
			r->pre = &pre;
		}
		rc = rs_expr(r, ex, aggregating ? X_AGG : 0, NULL);
		r->match_items = NULL;
		r->nmatch = 0;
		r->pre = NULL;
	}
	free(exprs);
	if (!rc)
		rc = rs_count_arg(r, c->u.proj.skip, "SKIP");
	if (!rc)
		rc = rs_count_arg(r, c->u.proj.limit, "LIMIT");
	if (!rc && no_alias)
		rc = rs_error(r, no_alias, "NoExpressionAlias",
		              "an expression in WITH needs a name: add AS");
	if (!rc) {
		free(r->sc.v);
		r->sc = post;
		post = (rs_scope){0};
	}
out:
	free(keys);
	free(pre.v);
	free(post.v);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Clauses                                                             */
/* ------------------------------------------------------------------ */

static int rs_set_items(rs *r, dn_ast_list *items)
{
	int rc;
	for (uint32_t i = 0; i < items->n; i++) {
		dn_ast *it = items->item[i];
		if ((rc = rs_expr(r, it->u.set_item.target, 0, NULL)) ||
		    (rc = rs_expr(r, it->u.set_item.value, 0, NULL)))
			return rc;
	}
	return 0;
}

static int rs_call(rs *r, dn_ast *c)
{
	int rc;
	for (uint32_t i = 0; i < c->u.call.args.n; i++)
		if ((rc = rs_expr(r, c->u.call.args.item[i], 0, NULL)))
			return rc;
	for (uint32_t i = 0; i < c->u.call.yield.n; i++) {
		dn_ast *y = c->u.call.yield.item[i];
		dn_ast *at = y->u.yield.alias ? y->u.yield.alias : y->u.yield.field;
		if (scope_find(&r->sc, at->u.name.s))
			return rs_error(r, at, "VariableAlreadyBound",
			                "variable `%s` is already bound", at->u.name.s);
		rs_var v = {at->u.name.s, r->nslots++, ANY, r->clause};
		y->u.yield.slot = v.slot;
		if (y->u.yield.alias)
			var_annotate(y->u.yield.alias, &v);
		if ((rc = scope_push(r, &r->sc, &v)))
			return rc;
	}
	if ((rc = rs_where(r, c->u.call.where)))
		return rc;
	/* the procedure and its columns last: the other errors of a call come
	 * first, as in the TCK's scenarios that declare their procedures */
	const dn_ast *name = c->u.call.proc;
	const char *const *cols;
	size_t ncols;
	if (!dn_proc_lookup(name->u.name.s, name->u.name.len, &cols, &ncols))
		return rs_error(r, name, "ProcedureNotFound",
		                "unknown procedure %s (dragnet has db.labels, db.relationshipTypes, db.propertyKeys "
		                "and the algo.* procedures of docs/ANALYSIS.md)", name->u.name.s);
	for (uint32_t i = 0; i < c->u.call.yield.n; i++) {
		const dn_ast *f = c->u.call.yield.item[i]->u.yield.field;
		bool found = false;
		for (size_t k = 0; k < ncols && !found; k++)
			found = strlen(cols[k]) == f->u.name.len && !strncmp(cols[k], f->u.name.s, f->u.name.len);
		if (!found) {
			char have[200] = "";
			for (size_t k = 0; k < ncols; k++)
				snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", k ? ", " : "", cols[k]);
			return rs_error(r, f, "UndefinedVariable", "%s yields %s, not %s", name->u.name.s, have,
			                f->u.name.s);
		}
	}
	return 0;
}

static int rs_clause(rs *r, dn_ast *c, rs_cols *cols)
{
	int rc;
	rs_type t;
	r->clause++;
	switch (c->kind) {
	case DN_AST_MATCH:
		if ((rc = rs_pattern(r, c->u.match.pattern, P_MATCH)))
			return rc;
		return rs_where(r, c->u.match.where);
	case DN_AST_WITH: return rs_projection(r, c, NULL);
	case DN_AST_RETURN: return rs_projection(r, c, cols);
	case DN_AST_UNWIND:
		if ((rc = rs_expr(r, c->u.unwind.expr, 0, &t)))
			return rc;
		if (scope_find(&r->sc, c->u.unwind.var->u.name.s))
			return rs_error(r, c->u.unwind.var, "VariableAlreadyBound",
			                "variable `%s` is already bound", c->u.unwind.var->u.name.s);
		return rs_bind(r, c->u.unwind.var,
		               t.t == T_LIST ? (t.elem == T_NONE ? ANY : ty(t.elem))
		                             : t.t == T_NULL ? ANY : t);
	case DN_AST_CREATE: return rs_pattern(r, c->u.create.pattern, P_CREATE);
	case DN_AST_MERGE:
		if ((rc = rs_paths(r, &c->u.merge.path, 1, P_MERGE)))
			return rc;
		for (uint32_t i = 0; i < c->u.merge.actions.n; i++)
			if ((rc = rs_set_items(r, &c->u.merge.actions.item[i]->u.action.items)))
				return rc;
		return 0;
	case DN_AST_SET:
	case DN_AST_REMOVE: return rs_set_items(r, &c->u.set.items);
	case DN_AST_DELETE:
		for (uint32_t i = 0; i < c->u.del.exprs.n; i++) {
			dn_ast *e = c->u.del.exprs.item[i];
			if (e->kind == DN_AST_HAS_LABELS)
				return rs_error(r, e, "InvalidDelete",
				                "DELETE takes nodes, relationships or paths, not labels: "
				                "use REMOVE");
			if ((rc = rs_expr(r, e, 0, &t)))
				return rc;
			if (TM(t.t) & (TM_SCALAR | TM(T_MAP)))
				return rs_error(r, e, "InvalidArgumentType",
				                "DELETE takes nodes, relationships or paths, not a %s",
				                type_names[t.t]);
		}
		return 0;
	case DN_AST_CALL: return rs_call(r, c);
	default: return 0;
	}
}

/* Resolves one single query from an empty scope; cols receives the
 * columns of its RETURN. */
static int rs_query(rs *r, dn_ast *q, rs_cols *cols)
{
	r->sc.n = 0;
	dn_ast_list *cl = &q->u.query.clauses;
	size_t ncols = 0;
	for (uint32_t i = 0; i < cl->n; i++)
		if (cl->item[i]->kind == DN_AST_RETURN)
			ncols = cl->item[i]->u.proj.items.n;
	cols->name = dn_calloc(ncols + 1, sizeof *cols->name);
	cols->len = dn_calloc(ncols + 1, sizeof *cols->len);
	if (!cols->name || !cols->len)
		return rs_nomem(r);
	for (uint32_t i = 0; i < cl->n; i++) {
		/* RETURN * names its columns after the variables in scope. */
		dn_ast *c = cl->item[i];
		if (c->kind == DN_AST_RETURN && c->u.proj.star) {
			size_t n = c->u.proj.items.n + r->sc.n + 1;
			const char **nn = dn_realloc(cols->name, n * sizeof *nn);
			if (nn)
				cols->name = nn;
			uint32_t *nl = dn_realloc(cols->len, n * sizeof *nl);
			if (nl)
				cols->len = nl;
			if (!nn || !nl)
				return rs_nomem(r);
			for (size_t k = 0; k < r->sc.n; k++) {
				cols->name[cols->n] = r->sc.v[k].name;
				cols->len[cols->n++] = (uint32_t)strlen(r->sc.v[k].name);
			}
		}
		int rc = rs_clause(r, c, cols);
		if (rc)
			return rc;
	}
	return 0;
}

/* EXISTS { query }: its clauses see the variables in scope (it is run
 * for each outer row), and what it binds stays inside it. */
static int rs_subquery(rs *r, dn_ast *q)
{
	size_t n0 = r->sc.n;
	rs_var *outer = dn_malloc((n0 ? n0 : 1) * sizeof *outer);
	dn_ast **mi = r->match_items;
	size_t nmatch = r->nmatch;
	const rs_scope *pre = r->pre;
	size_t cap = n0 + 1;
	for (uint32_t i = 0; i < q->u.query.clauses.n; i++)
		if (q->u.query.clauses.item[i]->kind == DN_AST_RETURN)
			cap += q->u.query.clauses.item[i]->u.proj.items.n;
	rs_cols cols = {dn_calloc(cap, sizeof *cols.name), dn_calloc(cap, sizeof *cols.len), 0};
	if (!outer || !cols.name || !cols.len) {
		free(outer);
		cols_free(&cols);
		return rs_nomem(r);
	}
	memcpy(outer, r->sc.v, n0 * sizeof *outer);
	r->match_items = NULL;
	r->nmatch = 0;
	r->pre = NULL;
	int rc = 0;
	for (uint32_t i = 0; !rc && i < q->u.query.clauses.n; i++) {
		dn_ast *c = q->u.query.clauses.item[i];
		if (c->kind == DN_AST_RETURN && c->u.proj.star)
			rc = rs_error(r, c, "UnexpectedSyntax", "RETURN * is not supported inside EXISTS { }");
		else
			rc = rs_clause(r, c, &cols);
	}
	/* the outer scope again (a WITH inside may have replaced it) */
	if (!rc && r->sc.cap < n0)
		rc = rs_nomem(r);
	if (!rc) {
		memcpy(r->sc.v, outer, n0 * sizeof *outer);
		r->sc.n = n0;
	}
	r->match_items = mi;
	r->nmatch = nmatch;
	r->pre = pre;
	free(outer);
	cols_free(&cols);
	return rc;
}

static bool cols_same(const rs_cols *a, const rs_cols *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		size_t j;
		for (j = 0; j < b->n; j++)
			if (a->len[i] == b->len[j] && !memcmp(a->name[i], b->name[j], a->len[i]))
				break;
		if (j == b->n)
			return false;
	}
	return true;
}

static void cols_free(rs_cols *c)
{
	free(c->name);
	free(c->len);
	memset(c, 0, sizeof *c);
}

/* AS OF needs a constant: an integer (a log position), a date or a
 * datetime (parser.h). Only what is surely neither is rejected here. */
static int rs_as_of(rs *r, dn_ast *e)
{
	if (has_var(e, NULL))
		return rs_error(r, e, "NonConstantExpression", "AS OF needs a constant expression");
	rs_type t;
	int rc = rs_expr(r, e, 0, &t);
	if (rc)
		return rc;
	if (TM(t.t) & (TM(T_NULL) | TM(T_BOOL) | TM(T_FLOAT) | TM(T_LIST) | TM(T_MAP)))
		return rs_error(r, e, "InvalidArgumentType",
		                "AS OF needs an integer, a date or a datetime, not a %s",
		                type_names[t.t]);
	return 0;
}

int dn_resolve(dn_parse_result *res, dn_resolve_info *info, dn_parse_error *err)
{
	dn_parse_error local;
	if (!err) {
		memset(&local, 0, sizeof local);
		err = &local;
	}
	if (info)
		memset(info, 0, sizeof *info);
	if (!res || !res->root)
		return 0;
	rs r = {.res = res, .err = err};
	dn_ast *st = res->root;
	dn_ast *body = st->u.stmt.body;
	int rc = 0;
	if (st->u.stmt.as_of)
		rc = rs_as_of(&r, st->u.stmt.as_of);
	if (!rc && body && body->kind == DN_AST_QUERY) {
		rs_cols cols = {0};
		rc = rs_query(&r, body, &cols);
		cols_free(&cols);
	} else if (!rc && body && body->kind == DN_AST_UNION) {
		rs_cols first = {0};
		for (uint32_t i = 0; i < body->u.uni.queries.n && !rc; i++) {
			rs_cols cols = {0};
			dn_ast *q = body->u.uni.queries.item[i];
			rc = rs_query(&r, q, i ? &cols : &first);
			if (!rc && i && !cols_same(&first, &cols))
				rc = rs_error(&r, q, "DifferentColumnsInUnion",
				              "all parts of a UNION must return the same column names");
			cols_free(&cols);
		}
		cols_free(&first);
	}
	free(r.sc.v);
	if (r.oom && !rc)
		rc = rs_nomem(&r);
	if (info)
		info->nslots = (uint32_t)r.nslots;
	return rc;
}
