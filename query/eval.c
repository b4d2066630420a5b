/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eval.c — evaluates expression trees to values (see eval.h). Operators go
 * to value_ops.c, scalar functions to the registry in functions.c; this
 * file adds what needs the graph or the evaluation context: variables and
 * parameters, property access on nodes and relationships, label tests,
 * the graph functions (id, labels, type, properties, keys, startNode,
 * endNode, nodes, relationships, length, exists), CASE, list
 * comprehensions, quantifiers, reduce and map projections, with local
 * variables kept on a small scope chain.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"
#include "functions.h"
#include "parser.h"
#include "value_ops.h"

/* A local variable of a comprehension, quantifier or reduce. */
typedef struct ev_local {
	const char *name;
	uint32_t len;
	const dn_value *value;
	struct ev_local *up;
	int32_t slot; /* the resolver's slot of the variable */
} ev_local;

typedef struct ev {
	const dn_eval_env *env;
	ev_local *locals;
} ev;

static int eval(ev *x, const dn_ast *e, dn_value *out);

__attribute__((format(printf, 5, 6))) static int fail(ev *x, const dn_ast *e, int code, const char *tck,
                                                      const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (x->env->err)
		dn_parse_error_set(x->env->err, x->env->text, x->env->text_len, code, e->off, e->len, tck, "%s",
		                   msg);
	return code;
}

const char *dn_eval_tck_code(int rc, const char *buf)
{
	const char *tck = rc == DN_ETYPE ? "InvalidArgumentType" : NULL;
	if (rc == DN_ETYPE && strstr(buf, "map key must be"))
		tck = "MapElementAccessByNonString";
	else if (rc == DN_ETYPE && (!strncmp(buf, "toString()", 10) || !strncmp(buf, "toBoolean()", 11) ||
	                            !strncmp(buf, "toInteger()", 11) || !strncmp(buf, "toFloat()", 9)))
		tck = "InvalidArgumentValue"; /* openCypher: conversions reject values, not types */
	else if (rc == DN_ERUNTIME && (strstr(buf, "percentile must be") || strstr(buf, "step must not be zero")))
		tck = "NumberOutOfRange";
	else if (rc == DN_ERUNTIME && strstr(buf, "overflow"))
		tck = "IntegerOverflow";
	else if (rc == DN_ERUNTIME && strstr(buf, "division by zero"))
		tck = "DivisionByZero";
	return tck;
}

/* Reports an error from value_ops / functions (message in buf). */
static int fail_op(ev *x, const dn_ast *e, int rc, const char *buf)
{
	return fail(x, e, rc, dn_eval_tck_code(rc, buf), "%s", buf[0] ? buf : dn_strerror(rc));
}

static bool name_is(const dn_ast *n, const char *s)
{
	size_t l = strlen(s);
	return n->u.name.len == l && !strncasecmp(n->u.name.s, s, l);
}

/* --- graph reads ---------------------------------------------------------- */

int dn_eval_entity_props(dn_txn *txn, const dn_value *v, dn_value *out)
{
	const dn_prop *props;
	size_t n;
	dn_node *node = NULL;
	dn_edge *edge = NULL;
	int rc;
	*out = dn_value_null();
	if (!txn)
		return DN_ENOTSUP;
	rc = v->type == DN_NODE ? dn_node_get(txn, (dn_id)v->u.i, &node) : dn_edge_get(txn, (dn_id)v->u.i, &edge);
	if (rc)
		return rc;
	props = node ? node->props : edge->props;
	n = node ? node->nprops : edge->nprops;
	const char **keys = calloc(n ? n : 1, sizeof *keys);
	dn_value *vals = calloc(n ? n : 1, sizeof *vals);
	if (!keys || !vals)
		rc = DN_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++) {
		keys[i] = props[i].key;
		vals[i] = props[i].value;
	}
	if (!rc)
		rc = dn_cy_map_build(keys, vals, n, out);
	free(keys);
	free(vals);
	dn_node_free(node);
	dn_edge_free(edge);
	return rc;
}

/* The properties of a node or relationship value as a map (owned). */
static int entity_props(ev *x, const dn_ast *e, const dn_value *v, dn_value *out)
{
	int rc = dn_eval_entity_props(x->env->txn, v, out);
	if (rc == DN_ENOTFOUND)
		return fail(x, e, DN_ERUNTIME, "DeletedEntityAccess", "the %s was deleted",
		            v->type == DN_NODE ? "node" : "relationship");
	if (rc == DN_ENOTSUP)
		return fail(x, e, DN_ENOTSUP, NULL, "no transaction to read the graph");
	return rc ? fail(x, e, rc, NULL, "%s", dn_strerror(rc)) : 0;
}

/* base.key for any base value (owned result). */
static int prop_of(ev *x, const dn_ast *e, const dn_value *base, const char *key, size_t klen, dn_value *out)
{
	char err[DN_CY_ERRMSG_CAP] = "";
	*out = dn_value_null();
	switch (base->type) {
	case DN_NULL: return 0;
	case DN_MAP: {
		const dn_value *v = dn_cy_map_get(base, key, klen);
		return v ? dn_value_copy(out, v) : 0;
	}
	case DN_NODE:
	case DN_REL: {
		if (!x->env->txn)
			return fail(x, e, DN_ENOTSUP, NULL, "no transaction to read the graph");
		int rc = base->type == DN_NODE ? dn_node_prop_get(x->env->txn, (dn_id)base->u.i, key, klen, out)
		                               : dn_edge_prop_get(x->env->txn, (dn_id)base->u.i, key, klen, out);
		if (rc == DN_ENOTFOUND)
			return fail(x, e, DN_ERUNTIME, "DeletedEntityAccess", "the %s was deleted",
			            base->type == DN_NODE ? "node" : "relationship");
		return rc ? fail(x, e, rc, NULL, "%s", dn_strerror(rc)) : 0;
	}
	case DN_DATE:
	case DN_DATETIME:
	case DN_DURATION:
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME: {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)klen, key);
		int rc = dn_cy_temporal_field(base, name, out, err, sizeof err);
		return rc ? fail_op(x, e, rc, err) : 0;
	}
	default:
		return fail(x, e, DN_ETYPE, "InvalidArgumentType", "cannot read property '%.*s' of a %s",
		            (int)klen, key, dn_type_name(base->type));
	}
}

/* Labels of a node (owned list of strings). */
static int node_labels(ev *x, const dn_ast *e, const dn_value *v, dn_value *out)
{
	dn_node *n;
	int rc = x->env->txn ? dn_node_get(x->env->txn, (dn_id)v->u.i, &n) : DN_ENOTSUP;
	if (rc == DN_ENOTFOUND)
		return fail(x, e, DN_ERUNTIME, "DeletedEntityAccess", "node %lld was deleted", (long long)v->u.i);
	if (rc)
		return fail(x, e, rc, NULL, "cannot read node %lld", (long long)v->u.i);
	dn_value *items = calloc(n->nlabels ? n->nlabels : 1, sizeof *items);
	if (!items) {
		dn_node_free(n);
		return DN_ENOMEM;
	}
	for (size_t i = 0; i < n->nlabels; i++)
		items[i] = dn_value_stringn_ref(n->labels[i], strlen(n->labels[i]));
	int err = 0;
	*out = dn_value_list(items, n->nlabels, &err);
	free(items);
	dn_node_free(n);
	return err;
}

/* --- functions -------------------------------------------------------------- */

static int eval_args(ev *x, const dn_ast *e, dn_value **args)
{
	uint32_t n = e->u.func.args.n;
	*args = calloc(n ? n : 1, sizeof **args);
	if (!*args)
		return DN_ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		int rc = eval(x, e->u.func.args.item[i], &(*args)[i]);
		if (rc) {
			for (uint32_t j = 0; j < i; j++)
				dn_value_free(&(*args)[j]);
			free(*args);
			*args = NULL;
			return rc;
		}
	}
	return 0;
}

static void free_args(dn_value *args, uint32_t n)
{
	for (uint32_t i = 0; args && i < n; i++)
		dn_value_free(&args[i]);
	free(args);
}

/* The functions that read the graph. Returns 1 when name is not one. */
static int graph_func(ev *x, const dn_ast *e, const dn_ast *name, dn_value *a, uint32_t n, dn_value *out)
{
	static const char *const names[] = {"id", "labels", "type", "properties", "keys", "startnode",
	                                     "endnode", "nodes", "relationships", "length", "exists"};
	const dn_value *v = n ? &a[0] : NULL;
	bool known = false;
	for (size_t i = 0; i < sizeof names / sizeof names[0] && !known; i++)
		known = name_is(name, names[i]);
	if (!known)
		return 1;
	if (n != 1) /* each of them takes exactly one argument */
		return fail(x, e, DN_ESEMANTIC, "InvalidNumberOfArguments", "%.*s() takes 1 argument",
		            (int)name->u.name.len, name->u.name.s);
	*out = dn_value_null();
	if (name_is(name, "exists")) {
		*out = dn_value_bool(v->type != DN_NULL);
		return 0;
	}
	if (v->type == DN_NULL)
		return 0;
	if (name_is(name, "id")) {
		if (v->type != DN_NODE && v->type != DN_REL)
			goto type;
		*out = dn_value_int(v->u.i);
		return 0;
	}
	if (name_is(name, "labels")) {
		if (v->type != DN_NODE)
			goto type;
		return node_labels(x, e, v, out);
	}
	if (name_is(name, "properties")) {
		if (v->type == DN_MAP)
			return dn_value_copy(out, v);
		if (v->type != DN_NODE && v->type != DN_REL)
			goto type;
		return entity_props(x, e, v, out);
	}
	if (name_is(name, "keys")) {
		dn_value map;
		int rc;
		if (v->type == DN_MAP)
			rc = dn_value_copy(&map, v);
		else if (v->type == DN_NODE || v->type == DN_REL)
			rc = entity_props(x, e, v, &map);
		else
			goto type;
		if (rc)
			return rc;
		dn_value *ks = calloc(map.len ? map.len : 1, sizeof *ks);
		int err = ks ? 0 : DN_ENOMEM;
		for (uint32_t i = 0; ks && i < map.len; i++)
			ks[i] = map.u.list[2 * i];
		if (!err)
			*out = dn_value_list(ks, map.len, &err);
		free(ks);
		dn_value_free(&map);
		return err;
	}
	if (name_is(name, "type") || name_is(name, "startnode") || name_is(name, "endnode")) {
		dn_edge *ed;
		if (v->type != DN_REL)
			goto type;
		int rc = x->env->txn ? dn_edge_get(x->env->txn, (dn_id)v->u.i, &ed) : DN_ENOTSUP;
		if (rc == DN_ENOTFOUND) /* deleted earlier in this statement: its type and ends are known */
			rc = dn_edge_get_deleted(x->env->txn, (dn_id)v->u.i, &ed);
		if (rc)
			return fail(x, e, rc == DN_ENOTFOUND ? DN_ERUNTIME : rc, NULL, "cannot read relationship %lld",
			            (long long)v->u.i);
		int err = 0;
		if (name_is(name, "type")) {
			*out = dn_value_string(ed->type, &err);
		} else {
			*out = dn_value_int((int64_t)(name_is(name, "startnode") ? ed->src : ed->dst));
			out->type = DN_NODE;
		}
		dn_edge_free(ed);
		return err;
	}
	if (name_is(name, "length")) {
		if (v->type != DN_PATH)
			goto type;
		*out = dn_value_int(v->len / 2);
		return 0;
	}
	/* nodes(p), relationships(p) */
	if (v->type != DN_PATH)
		goto type;
	bool rels = name_is(name, "relationships");
	uint32_t m = rels ? v->len / 2 : (v->len + 1) / 2;
	dn_value *items = calloc(m ? m : 1, sizeof *items);
	if (!items)
		return DN_ENOMEM;
	for (uint32_t i = 0; i < m; i++)
		items[i] = v->u.list[rels ? 2 * i + 1 : 2 * i];
	int err = 0;
	*out = dn_value_list(items, m, &err);
	free(items);
	return err;
type:
	return fail(x, e, DN_ETYPE, "InvalidArgumentValue", "%.*s() does not take a %s", (int)name->u.name.len,
	            name->u.name.s, dn_type_name(v->type));
}

static int eval_func(ev *x, const dn_ast *e, dn_value *out)
{
	const dn_ast *name = e->u.func.name;
	const dn_cy_func *f = dn_cy_func_lookup(name->u.name.s, name->u.name.len);
	if (f && (f->flags & DN_CY_FN_AGGREGATE))
		return fail(x, e, DN_ESEMANTIC, "InvalidAggregation", "aggregate %.*s() cannot be evaluated here",
		            (int)name->u.name.len, name->u.name.s);
	dn_value *args;
	uint32_t n = e->u.func.args.n;
	/* exists(pattern) is the pattern predicate itself */
	if (name_is(name, "exists") && n == 1 && e->u.func.args.item[0]->kind == DN_AST_PATTERN_PRED)
		return eval(x, e->u.func.args.item[0], out);
	int rc = eval_args(x, e, &args);
	if (rc)
		return rc;
	/* the graph functions first: keys() and size() of the registry take
	 * maps and lists, these also nodes, relationships and paths */
	rc = graph_func(x, e, name, args, n, out);
	if (rc != 1) {
		free_args(args, n);
		return rc;
	}
	if (!f && name_is(name, "tail") && n == 1 && (args[0].type == DN_LIST || args[0].type == DN_NULL)) {
		/* tail(list): all but the first element */
		dn_value from = dn_value_int(1);
		char err[DN_CY_ERRMSG_CAP] = "";
		rc = args[0].type == DN_NULL ? 0 : dn_cy_slice(&args[0], &from, NULL, out, err, sizeof err);
		free_args(args, n);
		return rc ? fail_op(x, e, rc, err) : 0;
	}
	if (!f && name_is(name, "rand") && n == 0) {
		/* not pure, so not in the registry: xorshift seeded per thread */
		static _Thread_local uint64_t state;
		if (!state)
			state = (uint64_t)(uintptr_t)&state ^ 0x9E3779B97F4A7C15ull ^ (uint64_t)time(NULL);
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		free_args(args, n);
		*out = dn_value_float((double)(state >> 11) / 9007199254740992.0);
		return 0;
	}
	if (!f) {
		/* the resolver rejects names Cypher does not know; what reaches
		 * here is a Cypher function dragnet does not implement yet */
		free_args(args, n);
		return fail(x, e, DN_ENOTSUP, NULL, "not supported yet: function %.*s()", (int)name->u.name.len,
		            name->u.name.s);
	}
	char err[DN_CY_ERRMSG_CAP] = "";
	rc = dn_cy_func_call(f, args, n, out, err, sizeof err);
	free_args(args, n);
	return rc ? fail_op(x, e, rc, err) : 0;
}

/* --- operators ---------------------------------------------------------------- */

/* s =~ pattern: the whole string must match, with PCRE2 standing in for
 * Java's regular expressions (Cypher's): \d, (?i), look-arounds,
 * non-greedy and possessive repetition behave alike. The last pattern
 * compiled is kept per thread, since a WHERE applies one pattern to many
 * rows. */
static __thread struct {
	char *pat;
	size_t len;
	pcre2_code *code;
	pcre2_match_data *md;
} regex_cache;

static int regex_match(ev *x, const dn_ast *e, const dn_value *s, const dn_value *pat, dn_value *out)
{
	*out = dn_value_null();
	if (s->type != DN_STRING || pat->type != DN_STRING)
		return 0; /* Cypher: =~ with null or a non-string is null */
	if (!regex_cache.code || regex_cache.len != pat->len || memcmp(regex_cache.pat, pat->u.s, pat->len)) {
		int err;
		PCRE2_SIZE at;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat->u.s, pat->len,
		                                 PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &at, NULL);
		if (!code) {
			PCRE2_UCHAR msg[120];
			pcre2_get_error_message(err, msg, sizeof msg);
			return fail(x, e, DN_ERUNTIME, "InvalidArgumentValue",
			            "invalid regular expression '%.*s': %s at offset %zu", (int)pat->len, pat->u.s,
			            (const char *)msg, (size_t)at);
		}
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
		char *copy = malloc(pat->len ? pat->len : 1);
		if (!md || !copy) {
			pcre2_code_free(code);
			pcre2_match_data_free(md);
			free(copy);
			return DN_ENOMEM;
		}
		memcpy(copy, pat->u.s, pat->len);
		pcre2_code_free(regex_cache.code);
		pcre2_match_data_free(regex_cache.md);
		free(regex_cache.pat);
		regex_cache.code = code;
		regex_cache.md = md;
		regex_cache.pat = copy;
		regex_cache.len = pat->len;
	}
	int rc = pcre2_match(regex_cache.code, (PCRE2_SPTR)s->u.s, s->len, 0, 0, regex_cache.md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		return fail(x, e, DN_ERUNTIME, "InvalidArgumentValue", "regular expression failed (PCRE2 error %d)", rc);
	*out = dn_value_bool(rc >= 0);
	return 0;
}

static int eval_binop(ev *x, const dn_ast *e, dn_value *out)
{
	dn_value l, r;
	char err[DN_CY_ERRMSG_CAP] = "";
	int rc;
	if ((rc = eval(x, e->u.bin.l, &l)))
		return rc;
	if (e->op == DN_OP_REGEX) {
		if ((rc = eval(x, e->u.bin.r, &r))) {
			dn_value_free(&l);
			return rc;
		}
		rc = regex_match(x, e, &l, &r, out);
		dn_value_free(&l);
		dn_value_free(&r);
		return rc;
	}
	/* AND and OR decide on their left side when they can */
	if ((e->op == DN_OP_AND && l.type == DN_BOOL && !l.u.b) ||
	    (e->op == DN_OP_OR && l.type == DN_BOOL && l.u.b)) {
		*out = l;
		return 0;
	}
	if ((rc = eval(x, e->u.bin.r, &r))) {
		dn_value_free(&l);
		return rc;
	}
	switch (e->op) {
	case DN_OP_OR: rc = dn_cy_or(&l, &r, out, err, sizeof err); break;
	case DN_OP_XOR: rc = dn_cy_xor(&l, &r, out, err, sizeof err); break;
	case DN_OP_AND: rc = dn_cy_and(&l, &r, out, err, sizeof err); break;
	case DN_OP_EQ: *out = dn_cy_equals(&l, &r); break;
	case DN_OP_NE: {
		dn_value eq = dn_cy_equals(&l, &r);
		rc = dn_cy_not(&eq, out, err, sizeof err);
		break;
	}
	case DN_OP_LT: *out = dn_cy_compare(DN_CY_LT, &l, &r); break;
	case DN_OP_LE: *out = dn_cy_compare(DN_CY_LE, &l, &r); break;
	case DN_OP_GT: *out = dn_cy_compare(DN_CY_GT, &l, &r); break;
	case DN_OP_GE: *out = dn_cy_compare(DN_CY_GE, &l, &r); break;
	case DN_OP_STARTS_WITH: *out = dn_cy_string_pred(DN_CY_STARTS_WITH, &l, &r); break;
	case DN_OP_ENDS_WITH: *out = dn_cy_string_pred(DN_CY_ENDS_WITH, &l, &r); break;
	case DN_OP_CONTAINS: *out = dn_cy_string_pred(DN_CY_CONTAINS, &l, &r); break;
	case DN_OP_IN: rc = dn_cy_in(&l, &r, out, err, sizeof err); break;
	case DN_OP_ADD: rc = dn_cy_arith_op(DN_CY_ADD, &l, &r, out, err, sizeof err); break;
	case DN_OP_SUB: rc = dn_cy_arith_op(DN_CY_SUB, &l, &r, out, err, sizeof err); break;
	case DN_OP_MUL: rc = dn_cy_arith_op(DN_CY_MUL, &l, &r, out, err, sizeof err); break;
	case DN_OP_DIV: rc = dn_cy_arith_op(DN_CY_DIV, &l, &r, out, err, sizeof err); break;
	case DN_OP_MOD: rc = dn_cy_arith_op(DN_CY_MOD, &l, &r, out, err, sizeof err); break;
	case DN_OP_POW: rc = dn_cy_arith_op(DN_CY_POW, &l, &r, out, err, sizeof err); break;
	default: rc = DN_EINVAL; snprintf(err, sizeof err, "unknown operator"); break;
	}
	dn_value_free(&l);
	dn_value_free(&r);
	return rc ? fail_op(x, e, rc, err) : 0;
}

static int eval_unop(ev *x, const dn_ast *e, dn_value *out)
{
	dn_value a;
	char err[DN_CY_ERRMSG_CAP] = "";
	int rc = eval(x, e->u.un.arg, &a);
	if (rc)
		return rc;
	switch (e->op) {
	case DN_OP_NOT: rc = dn_cy_not(&a, out, err, sizeof err); break;
	case DN_OP_NEG: rc = dn_cy_negate(&a, out, err, sizeof err); break;
	case DN_OP_PLUS:
		if (a.type != DN_INT && a.type != DN_FLOAT && a.type != DN_NULL) {
			rc = DN_ETYPE;
			snprintf(err, sizeof err, "unary + needs a number, not a %s", dn_type_name(a.type));
		} else {
			*out = a;
			return 0;
		}
		break;
	case DN_OP_IS_NULL: *out = dn_value_bool(a.type == DN_NULL); break;
	case DN_OP_IS_NOT_NULL: *out = dn_value_bool(a.type != DN_NULL); break;
	default: rc = DN_EINVAL; snprintf(err, sizeof err, "unknown operator"); break;
	}
	dn_value_free(&a);
	return rc ? fail_op(x, e, rc, err) : 0;
}

/* --- composite expressions ------------------------------------------------------ */

/* Evaluates items into an owned list. */
static int eval_list(ev *x, const dn_ast_list *items, dn_value *out)
{
	dn_value *v = calloc(items->n ? items->n : 1, sizeof *v);
	int rc = v ? 0 : DN_ENOMEM;
	uint32_t done = 0;
	for (; !rc && done < items->n; done++)
		if ((rc = eval(x, items->item[done], &v[done])))
			break;
	if (!rc) {
		int err = 0;
		*out = dn_value_list(v, items->n, &err);
		rc = err;
	}
	for (uint32_t i = 0; v && i < done; i++)
		dn_value_free(&v[i]);
	free(v);
	return rc;
}

static int eval_map(ev *x, const dn_ast *e, dn_value *out)
{
	uint32_t n = e->u.map.entries.n;
	const char **keys = calloc(n ? n : 1, sizeof *keys);
	dn_value *vals = calloc(n ? n : 1, sizeof *vals);
	int rc = keys && vals ? 0 : DN_ENOMEM;
	uint32_t done = 0;
	for (; !rc && done < n; done++) {
		const dn_ast *ent = e->u.map.entries.item[done];
		keys[done] = ent->u.entry.key->u.name.s;
		if ((rc = eval(x, ent->u.entry.value, &vals[done])))
			break;
	}
	if (!rc)
		rc = dn_cy_map_build(keys, vals, n, out);
	for (uint32_t i = 0; vals && i < done; i++)
		dn_value_free(&vals[i]);
	free(keys);
	free(vals);
	return rc;
}

static int eval_case(ev *x, const dn_ast *e, dn_value *out)
{
	dn_value subject = dn_value_null();
	int rc;
	if (e->u.case_.subject && (rc = eval(x, e->u.case_.subject, &subject)))
		return rc;
	for (uint32_t i = 0; i < e->u.case_.alts.n; i++) {
		const dn_ast *alt = e->u.case_.alts.item[i];
		dn_value w;
		bool hit;
		if ((rc = eval(x, alt->u.alt.when, &w)))
			goto out;
		if (e->u.case_.subject) {
			dn_value eq = dn_cy_equals(&subject, &w);
			hit = eq.type == DN_BOOL && eq.u.b;
		} else {
			hit = w.type == DN_BOOL && w.u.b;
		}
		dn_value_free(&w);
		if (hit) {
			rc = eval(x, alt->u.alt.then, out);
			goto out;
		}
	}
	if (e->u.case_.else_)
		rc = eval(x, e->u.case_.else_, out);
	else
		*out = dn_value_null();
out:
	dn_value_free(&subject);
	return rc;
}

/* Runs body for each item of the list expression with var bound to it.
 * visit returns 0 to go on, 1 to stop early, or an error. */
typedef int (*ev_visit)(ev *x, const dn_ast *e, const dn_value *item, void *st);

static int over_list(ev *x, const dn_ast *e, const dn_ast *var, const dn_ast *list_expr, dn_value *list,
                     ev_visit visit, void *st)
{
	int rc = eval(x, list_expr, list);
	if (rc)
		return rc;
	if (list->type == DN_NULL)
		return 2; /* the whole expression is null */
	if (list->type != DN_LIST)
		return fail(x, e, DN_ETYPE, "InvalidArgumentType", "expected a list, got a %s",
		            dn_type_name(list->type));
	ev_local local = {var->u.name.s, var->u.name.len, NULL, x->locals, var->u.name.slot};
	x->locals = &local;
	for (uint32_t i = 0; i < list->len; i++) {
		local.value = &list->u.list[i];
		if ((rc = visit(x, e, &list->u.list[i], st)))
			break;
	}
	x->locals = local.up;
	return rc == 1 ? 0 : rc;
}

/* WHERE of a comprehension or quantifier: *keep is true for BOOLEAN true
 * (and when there is no WHERE). */
static int where_ok(ev *x, const dn_ast *where, bool *keep)
{
	*keep = true;
	if (!where)
		return 0;
	dn_value w;
	int rc = eval(x, where, &w);
	if (rc)
		return rc;
	*keep = w.type == DN_BOOL && w.u.b;
	dn_value_free(&w);
	return 0;
}

typedef struct comp_state {
	dn_buf items; /* dn_value array */
} comp_state;

static int comp_visit(ev *x, const dn_ast *e, const dn_value *item, void *st)
{
	comp_state *c = st;
	bool keep;
	dn_value v;
	int rc = where_ok(x, e->u.comp.where, &keep);
	if (rc || !keep)
		return rc;
	if (e->u.comp.proj)
		rc = eval(x, e->u.comp.proj, &v);
	else
		rc = dn_value_copy(&v, item);
	if (!rc)
		rc = dn_buf_put(&c->items, &v, sizeof v);
	return rc;
}

static int eval_comp(ev *x, const dn_ast *e, dn_value *out)
{
	comp_state c = {{0}};
	dn_value list;
	int rc = over_list(x, e, e->u.comp.var, e->u.comp.list, &list, comp_visit, &c);
	size_t n = c.items.len / sizeof(dn_value);
	dn_value *items = (dn_value *)c.items.p;
	if (rc == 2) {
		*out = dn_value_null();
		rc = 0;
	} else if (!rc) {
		int err = 0;
		*out = dn_value_list(items, n, &err);
		rc = err;
	}
	for (size_t i = 0; i < n; i++)
		dn_value_free(&items[i]);
	dn_buf_free(&c.items);
	dn_value_free(&list);
	return rc;
}

typedef struct quant_state {
	size_t trues, nulls, total;
} quant_state;

static int quant_visit(ev *x, const dn_ast *e, const dn_value *item, void *st)
{
	quant_state *q = st;
	(void)item;
	q->total++;
	if (!e->u.comp.where) {
		q->trues++;
		return 0;
	}
	dn_value w;
	int rc = eval(x, e->u.comp.where, &w);
	if (rc)
		return rc;
	if (w.type == DN_BOOL && w.u.b)
		q->trues++;
	else if (w.type == DN_NULL)
		q->nulls++;
	else if (w.type != DN_BOOL)
		rc = fail(x, e->u.comp.where, DN_ETYPE, "InvalidArgumentType", "the predicate gave a %s",
		          dn_type_name(w.type));
	dn_value_free(&w);
	return rc;
}

static int eval_quant(ev *x, const dn_ast *e, dn_value *out)
{
	quant_state q = {0, 0, 0};
	dn_value list;
	int rc = over_list(x, e, e->u.comp.var, e->u.comp.list, &list, quant_visit, &q);
	dn_value_free(&list);
	*out = dn_value_null();
	if (rc == 2)
		return 0;
	if (rc)
		return rc;
	size_t falses = q.total - q.trues - q.nulls;
	switch (e->op) {
	case DN_OP_ALL:
		if (falses)
			*out = dn_value_bool(false);
		else if (!q.nulls)
			*out = dn_value_bool(true);
		break;
	case DN_OP_ANY:
		if (q.trues)
			*out = dn_value_bool(true);
		else if (!q.nulls)
			*out = dn_value_bool(false);
		break;
	case DN_OP_NONE_OF:
		if (q.trues)
			*out = dn_value_bool(false);
		else if (!q.nulls)
			*out = dn_value_bool(true);
		break;
	case DN_OP_SINGLE:
		if (q.trues > 1)
			*out = dn_value_bool(false);
		else if (!q.nulls)
			*out = dn_value_bool(q.trues == 1);
		break;
	default: break;
	}
	return 0;
}

typedef struct reduce_state {
	const dn_ast *acc;
	dn_value value;
} reduce_state;

static int reduce_visit(ev *x, const dn_ast *e, const dn_value *item, void *st)
{
	reduce_state *r = st;
	(void)item;
	ev_local acc = {r->acc->u.name.s, r->acc->u.name.len, &r->value, x->locals, r->acc->u.name.slot};
	dn_value next;
	x->locals = &acc;
	int rc = eval(x, e->u.reduce.expr, &next);
	x->locals = acc.up;
	if (rc)
		return rc;
	dn_value_free(&r->value);
	r->value = next;
	return 0;
}

static int eval_reduce(ev *x, const dn_ast *e, dn_value *out)
{
	reduce_state r = {e->u.reduce.acc, dn_value_null()};
	dn_value list;
	int rc = eval(x, e->u.reduce.init, &r.value);
	if (rc)
		return rc;
	rc = over_list(x, e, e->u.reduce.var, e->u.reduce.list, &list, reduce_visit, &r);
	dn_value_free(&list);
	if (rc == 2) {
		dn_value_free(&r.value);
		*out = dn_value_null();
		return 0;
	}
	if (rc) {
		dn_value_free(&r.value);
		return rc;
	}
	*out = r.value;
	return 0;
}

static int eval_mapproj(ev *x, const dn_ast *e, dn_value *out)
{
	dn_value base, all = dn_value_null();
	int rc = eval(x, e->u.mapproj.var, &base);
	if (rc)
		return rc;
	if (base.type == DN_NULL) {
		*out = base;
		return 0;
	}
	if (base.type == DN_MAP)
		rc = dn_value_copy(&all, &base);
	else if (base.type == DN_NODE || base.type == DN_REL)
		rc = entity_props(x, e, &base, &all);
	else
		rc = fail(x, e, DN_ETYPE, "InvalidArgumentType", "a map projection needs a map, node or "
		                                                 "relationship, not a %s",
		          dn_type_name(base.type));
	uint32_t n = e->u.mapproj.items.n, cap = n + (rc ? 0 : all.len);
	const char **keys = calloc(cap ? cap : 1, sizeof *keys);
	dn_value *vals = calloc(cap ? cap : 1, sizeof *vals);
	uint32_t k = 0;
	if (!rc && (!keys || !vals))
		rc = DN_ENOMEM;
	for (uint32_t i = 0; !rc && i < n; i++) {
		const dn_ast *it = e->u.mapproj.items.item[i];
		if (it->kind == DN_AST_PROJ_ALL) {
			for (uint32_t j = 0; j < all.len && !rc; j++) {
				keys[k] = all.u.list[2 * j].u.s; /* NUL-terminated (owned copy) */
				rc = dn_value_copy(&vals[k++], &all.u.list[2 * j + 1]);
			}
		} else if (it->kind == DN_AST_PROJ_PROP) {
			const dn_ast *key = it->u.entry.key;
			const dn_value *v = dn_cy_map_get(&all, key->u.name.s, key->u.name.len);
			keys[k] = key->u.name.s;
			vals[k] = dn_value_null();
			rc = v ? dn_value_copy(&vals[k], v) : 0;
			k++;
		} else {
			keys[k] = it->u.entry.key->u.name.s;
			rc = eval(x, it->u.entry.value, &vals[k++]);
		}
	}
	if (!rc)
		rc = dn_cy_map_build(keys, vals, k, out);
	for (uint32_t i = 0; vals && i < k; i++)
		dn_value_free(&vals[i]);
	free(keys);
	free(vals);
	dn_value_free(&all);
	dn_value_free(&base);
	return rc;
}

/* --- the dispatcher ----------------------------------------------------------- */

static int eval_var(ev *x, const dn_ast *e, dn_value *out)
{
	for (ev_local *l = x->locals; l; l = l->up)
		if (l->len == e->u.name.len && !memcmp(l->name, e->u.name.s, l->len))
			return dn_value_copy(out, l->value);
	const dn_value *v = x->env->var ? x->env->var(x->env->ctx, e) : NULL;
	if (!v)
		return fail(x, e, DN_ESEMANTIC, "UndefinedVariable", "variable `%.*s` not defined",
		            (int)e->u.name.len, e->u.name.s);
	return dn_value_copy(out, v);
}

static int eval(ev *x, const dn_ast *e, dn_value *out)
{
	int rc = 0;
	char err[DN_CY_ERRMSG_CAP] = "";
	*out = dn_value_null();
	if (x->env->computed) {
		const dn_value *v = x->env->computed(x->env->ctx, e);
		if (v)
			return dn_value_copy(out, v);
	}
	switch (e->kind) {
	case DN_AST_NULL_LIT: return 0;
	case DN_AST_BOOL: *out = dn_value_bool(e->u.b); return 0;
	case DN_AST_INT: *out = dn_value_int(e->u.i); return 0;
	case DN_AST_FLOAT: *out = dn_value_float(e->u.f); return 0;
	case DN_AST_STRING: {
		int e2 = 0;
		*out = dn_value_stringn(e->u.name.s, e->u.name.len, &e2);
		return e2;
	}
	case DN_AST_VAR: return eval_var(x, e, out);
	case DN_AST_PARAM: {
		const dn_value *v = x->env->param ? x->env->param(x->env->ctx, e->u.name.s, e->u.name.len) : NULL;
		if (!v)
			return fail(x, e, DN_ESEMANTIC, "ParameterMissing", "parameter $%.*s was not given",
			            (int)e->u.name.len, e->u.name.s);
		return dn_value_copy(out, v);
	}
	case DN_AST_LIST: return eval_list(x, &e->u.list.items, out);
	case DN_AST_MAP: return eval_map(x, e, out);
	case DN_AST_PROP: {
		dn_value base;
		if ((rc = eval(x, e->u.prop.expr, &base)))
			return rc;
		const dn_ast *k = e->u.prop.key;
		rc = prop_of(x, e, &base, k->u.name.s, k->u.name.len, out);
		dn_value_free(&base);
		return rc;
	}
	case DN_AST_INDEX:
	case DN_AST_SLICE: {
		dn_value base, a = dn_value_null(), b = dn_value_null();
		const dn_ast *first = e->kind == DN_AST_INDEX ? e->u.index.index : e->u.slice.from;
		const dn_ast *second = e->kind == DN_AST_INDEX ? NULL : e->u.slice.to;
		if ((rc = eval(x, e->kind == DN_AST_INDEX ? e->u.index.expr : e->u.slice.expr, &base)))
			return rc;
		if (first && (rc = eval(x, first, &a)))
			goto idx_out;
		if (second && (rc = eval(x, second, &b)))
			goto idx_out;
		if (e->kind == DN_AST_INDEX && (base.type == DN_NODE || base.type == DN_REL) &&
		    a.type == DN_STRING) {
			rc = prop_of(x, e, &base, a.u.s, a.len, out);
			goto idx_out;
		}
		rc = e->kind == DN_AST_INDEX
		         ? dn_cy_index(&base, &a, out, err, sizeof err)
		         : dn_cy_slice(&base, first ? &a : NULL, second ? &b : NULL, out, err, sizeof err);
		if (rc)
			rc = fail_op(x, e, rc, err);
	idx_out:
		dn_value_free(&base);
		dn_value_free(&a);
		dn_value_free(&b);
		return rc;
	}
	case DN_AST_HAS_LABELS: {
		dn_value base, labels;
		if ((rc = eval(x, e->u.labels.expr, &base)))
			return rc;
		if (base.type == DN_NULL)
			return 0;
		if (base.type != DN_NODE) {
			dn_value_free(&base);
			return fail(x, e, DN_ETYPE, "InvalidArgumentType", "a label test needs a node");
		}
		rc = node_labels(x, e, &base, &labels);
		if (rc)
			return rc;
		bool all = true;
		for (uint32_t i = 0; i < e->u.labels.labels.n && all; i++) {
			const dn_ast *l = e->u.labels.labels.item[i];
			bool has = false;
			for (uint32_t j = 0; j < labels.len && !has; j++)
				has = labels.u.list[j].len == l->u.name.len &&
				      !memcmp(labels.u.list[j].u.s, l->u.name.s, l->u.name.len);
			all = has;
		}
		dn_value_free(&labels);
		*out = dn_value_bool(all);
		return 0;
	}
	case DN_AST_BINOP: return eval_binop(x, e, out);
	case DN_AST_UNOP: return eval_unop(x, e, out);
	case DN_AST_FUNC: return eval_func(x, e, out);
	case DN_AST_CASE: return eval_case(x, e, out);
	case DN_AST_LIST_COMP: return eval_comp(x, e, out);
	case DN_AST_QUANT: return eval_quant(x, e, out);
	case DN_AST_REDUCE: return eval_reduce(x, e, out);
	case DN_AST_MAP_PROJ: return eval_mapproj(x, e, out);
	case DN_AST_PATTERN_COMP:
	case DN_AST_PATTERN_PRED:
	case DN_AST_EXISTS_SUB:
		if (x->env->pattern) {
			/* the pattern sees the comprehensions' variables around it */
			dn_eval_local loc[16];
			size_t nloc = 0;
			for (ev_local *l = x->locals; l && nloc < 16; l = l->up)
				if (l->value && l->slot >= 0)
					loc[nloc++] = (dn_eval_local){l->slot, l->value};
			return x->env->pattern(x->env->ctx, e, loc, nloc, out);
		}
		return fail(x, e, DN_ENOTSUP, NULL, "not supported yet: patterns inside expressions");
	default:
		return fail(x, e, DN_EINVAL, NULL, "not an expression (%s)", dn_ast_kind_name(e->kind));
	}
}

int dn_eval(const dn_eval_env *env, const dn_ast *e, dn_value *out)
{
	ev x = {env, NULL};
	int rc = eval(&x, e, out);
	if (rc) {
		dn_value_free(out);
		*out = dn_value_null();
	}
	return rc;
}

int dn_eval_pred(const dn_eval_env *env, const dn_ast *e, bool *truth)
{
	dn_value v;
	int rc = dn_eval(env, e, &v);
	*truth = false;
	if (rc)
		return rc;
	if (v.type == DN_BOOL)
		*truth = v.u.b;
	else if (v.type != DN_NULL) {
		ev x = {env, NULL};
		rc = fail(&x, e, DN_ETYPE, "InvalidArgumentType", "a predicate gave a %s, not a boolean",
		          dn_type_name(v.type));
	}
	dn_value_free(&v);
	return rc;
}
