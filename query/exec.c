/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.c — the first executor (see exec.h): a query's clauses run in order
 * over materialized rows. A row is an array of values indexed by the
 * resolver's slots (resolve.h), so this file and the planned pull
 * operators that will replace its loop share one record layout. Covered:
 * MATCH and OPTIONAL MATCH; UNWIND; WITH and RETURN with *, DISTINCT, aggregation (grouping keys,
 * DISTINCT aggregates, count(*)), ORDER BY, SKIP, LIMIT and WITH ... WHERE;
 * CREATE of nodes, relationships and named paths; UNION and UNION ALL.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "eval.h"
#include "exec.h"
#include "explain.h"
#include "functions.h"
#include "plan.h"
#include "rowset.h"
#include "value_ops.h"

/* A set of rows of `width` values each. */
typedef struct rows {
	size_t width, n, cap;
	dn_value *v; /* n * width */
	bool *bound; /* width: which slots hold a variable */
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
} exec;

__attribute__((format(printf, 4, 5))) static int fail(exec *x, const dn_ast *at, int code, const char *fmt,
                                                      ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	dn_parse_error_set(x->err, x->pr->text, x->pr->len, code, at ? at->off : 0, at ? at->len : 0, NULL,
	                   "%s", msg);
	return code;
}

/* --- rows ----------------------------------------------------------------- */

static int rows_init(rows *r, size_t width)
{
	memset(r, 0, sizeof *r);
	r->width = width;
	r->bound = calloc(width ? width : 1, sizeof *r->bound);
	return r->bound ? 0 : DN_ENOMEM;
}

static void rows_clear(rows *r)
{
	for (size_t i = 0; i < r->n * r->width; i++)
		dn_value_free(&r->v[i]);
	r->n = 0;
}

static void rows_free(rows *r)
{
	rows_clear(r);
	free(r->v);
	free(r->bound);
	memset(r, 0, sizeof *r);
}

/* Appends a row of NULLs and returns it. */
static dn_value *rows_add(rows *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		dn_value *v = realloc(r->v, cap * (r->width ? r->width : 1) * sizeof *v);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	dn_value *row = r->v + r->n * r->width;
	for (size_t i = 0; i < r->width; i++)
		row[i] = dn_value_null();
	r->n++;
	return row;
}

static int row_copy(dn_value *dst, const dn_value *src, size_t width)
{
	for (size_t i = 0; i < width; i++) {
		int rc = dn_value_copy(&dst[i], &src[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- evaluation against a row ----------------------------------------------- */

static const dn_value *env_var(void *ctx, const dn_ast *var)
{
	exec *x = ctx;
	int32_t slot = var->u.name.slot;
	return slot >= 0 && (size_t)slot < x->width ? &x->row[slot] : NULL;
}

static const dn_value *env_param(void *ctx, const char *name, size_t len)
{
	exec *x = ctx;
	for (size_t i = 0; x->params && i < x->params->n; i++)
		if (strlen(x->params->names[i]) == len && !memcmp(x->params->names[i], name, len))
			return &x->params->values[i];
	return NULL;
}

static const dn_value *env_computed(void *ctx, const dn_ast *node)
{
	exec *x = ctx;
	for (size_t i = 0; i < x->ncomp; i++)
		if (x->comp_nodes[i] == node)
			return &x->comp_vals[i];
	/* the same aggregate written again (ORDER BY avg(x) after RETURN
	 * avg(x)): the same text stands for the same value */
	for (size_t i = 0; node->kind == DN_AST_FUNC && i < x->ncomp; i++) {
		const dn_ast *c = x->comp_nodes[i];
		if (c->len == node->len && !memcmp(x->pr->text + c->off, x->pr->text + node->off, c->len))
			return &x->comp_vals[i];
	}
	return NULL;
}

static int env_pattern(void *ctx, const dn_ast *node, const dn_eval_local *locals, size_t nlocals,
                       dn_value *out);

static dn_eval_env env_of(exec *x, const dn_value *row)
{
	x->row = row;
	return (dn_eval_env){x->txn,      env_var, env_param,   env_computed, env_pattern,
	                     x,           x->err,  x->pr->text, x->pr->len};
}

static int eval_at(exec *x, const dn_value *row, const dn_ast *e, dn_value *out)
{
	dn_eval_env env = env_of(x, row);
	return dn_eval(&env, e, out);
}

/* --- UNWIND ------------------------------------------------------------------- */

static int run_unwind(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int32_t slot = c->u.unwind.var->u.name.slot;
	for (size_t r = 0; r < in->n; r++) {
		const dn_value *row = in->v + r * in->width;
		dn_value list;
		int rc = eval_at(x, row, c->u.unwind.expr, &list);
		if (rc)
			return rc;
		uint32_t n = list.type == DN_LIST ? list.len : list.type == DN_NULL ? 0 : 1;
		for (uint32_t i = 0; i < n && !rc; i++) {
			dn_value *o = rows_add(out);
			if (!o)
				rc = DN_ENOMEM;
			else if (!(rc = row_copy(o, row, in->width)))
				rc = dn_value_copy(&o[slot], list.type == DN_LIST ? &list.u.list[i] : &list);
		}
		dn_value_free(&list);
		if (rc)
			return rc;
	}
	out->bound[slot] = true;
	return 0;
}

/* --- CREATE ---------------------------------------------------------------------- */

/* Properties hold scalars and lists of scalars (no maps, no nesting). */
static bool storable(const dn_value *v)
{
	if (v->type == DN_LIST) {
		for (uint32_t i = 0; i < v->len; i++)
			if (v->u.list[i].type >= DN_LIST)
				return false;
		return true;
	}
	return v->type <= DN_STORABLE_MAX;
}

static int not_storable(exec *x, const dn_ast *at, const dn_value *v)
{
	dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ETYPE, at->off, at->len, "InvalidPropertyType",
	                   "a %s cannot be stored as a property", dn_type_name(v->type));
	return DN_ETYPE;
}

/* Evaluates a pattern element's property map into dn_props (borrowing
 * from *map, which the caller frees). */
static int pattern_props(exec *x, const dn_value *row, const dn_ast *props, dn_value *map, dn_prop **out,
                         size_t *n)
{
	*out = NULL;
	*n = 0;
	*map = dn_value_null();
	if (!props)
		return 0;
	int rc = eval_at(x, row, props, map);
	if (rc)
		return rc;
	if (map->type == DN_NULL)
		return 0;
	if (map->type != DN_MAP)
		return fail(x, props, DN_ETYPE, "properties must be a map, not a %s", dn_type_name(map->type));
	*out = calloc(map->len ? map->len : 1, sizeof **out);
	if (!*out)
		return DN_ENOMEM;
	for (uint32_t i = 0; i < map->len; i++) {
		const dn_value *v = &map->u.list[2 * i + 1];
		if (v->type == DN_NULL)
			continue;
		if (!storable(v))
			return not_storable(x, props, v);
		(*out)[*n].key = map->u.list[2 * i].u.s;
		(*out)[*n].value = *v;
		(*n)++;
	}
	return 0;
}

static int engine_fail(exec *x, const dn_ast *at, int rc)
{
	if (rc == DN_ECONSTRAINT) { /* a unique constraint said no */
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, rc, at->off, at->len, "ConstraintValidationFailed",
		                   "%s", dn_errmsg(dn_txn_db(x->txn)));
		return rc;
	}
	return fail(x, at, rc, "%s", dn_errmsg(dn_txn_db(x->txn))[0] ? dn_errmsg(dn_txn_db(x->txn))
	                                                              : dn_strerror(rc));
}

static int create_path(exec *x, const dn_ast *path, dn_value *row, rows *r)
{
	const dn_ast_list *el = &path->u.path.elems;
	dn_id *ids = calloc(el->n ? el->n : 1, sizeof *ids);
	int rc = ids ? 0 : DN_ENOMEM;
	/* nodes first, so that relationships have both ends */
	for (uint32_t i = 0; !rc && i < el->n; i += 2) {
		const dn_ast *np = el->item[i];
		const dn_ast *var = np->u.node.var;
		if (var && r->bound[var->u.name.slot]) {
			const dn_value *v = &row[var->u.name.slot];
			if (v->type != DN_NODE) {
				rc = fail(x, var, DN_ETYPE, "`%s` is not a node", var->u.name.s);
				break;
			}
			ids[i] = (dn_id)v->u.i;
			continue;
		}
		const char **labels = calloc(np->u.node.labels.n ? np->u.node.labels.n : 1, sizeof *labels);
		dn_value map;
		dn_prop *props;
		size_t np_n;
		if (!labels) {
			rc = DN_ENOMEM;
			break;
		}
		for (uint32_t l = 0; l < np->u.node.labels.n; l++)
			labels[l] = np->u.node.labels.item[l]->u.name.s;
		rc = pattern_props(x, row, np->u.node.props, &map, &props, &np_n);
		if (!rc && (rc = dn_node_create(x->txn, labels, np->u.node.labels.n, props, np_n, NULL, &ids[i])))
			rc = engine_fail(x, np, rc);
		if (!rc) {
			x->stats->nodes_created++;
			x->stats->labels_added += np->u.node.labels.n;
			x->stats->props_set += np_n;
			if (var) {
				row[var->u.name.slot] = dn_value_int((int64_t)ids[i]);
				row[var->u.name.slot].type = DN_NODE;
				r->bound[var->u.name.slot] = true;
			}
		}
		free(labels);
		free(props);
		dn_value_free(&map);
	}
	for (uint32_t i = 1; !rc && i < el->n; i += 2) {
		const dn_ast *rp = el->item[i];
		dn_value map;
		dn_prop *props;
		size_t rp_n;
		dn_id src = ids[i - 1], dst = ids[i + 1], eid;
		if (rp->u.rel.dir == DN_DIR_IN) {
			src = ids[i + 1];
			dst = ids[i - 1];
		}
		rc = pattern_props(x, row, rp->u.rel.props, &map, &props, &rp_n);
		if (!rc && (rc = dn_edge_create(x->txn, src, dst, rp->u.rel.types.item[0]->u.name.s, props, rp_n,
		                                NULL, &eid)))
			rc = engine_fail(x, rp, rc);
		if (!rc) {
			x->stats->rels_created++;
			x->stats->props_set += rp_n;
			ids[i] = eid;
			if (rp->u.rel.var) {
				int32_t s = rp->u.rel.var->u.name.slot;
				row[s] = dn_value_int((int64_t)eid);
				row[s].type = DN_REL;
				r->bound[s] = true;
			}
		}
		free(props);
		dn_value_free(&map);
	}
	if (!rc && path->u.path.var) {
		dn_value *items = calloc(el->n ? el->n : 1, sizeof *items);
		int err = items ? 0 : DN_ENOMEM;
		for (uint32_t i = 0; items && i < el->n; i++) {
			items[i] = dn_value_int((int64_t)ids[i]);
			items[i].type = i % 2 ? DN_REL : DN_NODE;
		}
		int32_t s = path->u.path.var->u.name.slot;
		if (!err) {
			row[s] = dn_value_list(items, el->n, &err);
			row[s].type = err ? DN_NULL : DN_PATH;
			r->bound[s] = true;
		}
		free(items);
		rc = err;
	}
	free(ids);
	return rc;
}

static int run_create(exec *x, const dn_ast *c, rows *in)
{
	const dn_ast_list *paths = &c->u.create.pattern->u.pattern.paths;
	bool *was = malloc(in->width ? in->width : 1);
	if (!was)
		return DN_ENOMEM;
	memcpy(was, in->bound, in->width);
	int rc = 0;
	for (size_t r = 0; r < in->n && !rc; r++) {
		/* each row starts from the variables bound before the clause */
		memcpy(in->bound, was, in->width);
		for (uint32_t p = 0; p < paths->n && !rc; p++)
			rc = create_path(x, paths->item[p], in->v + r * in->width, in);
	}
	if (!in->n) { /* no rows: nothing created, but the variables exist */
		for (uint32_t p = 0; p < paths->n; p++) {
			const dn_ast_list *el = &paths->item[p]->u.path.elems;
			for (uint32_t i = 0; i < el->n; i++) {
				const dn_ast *v = el->item[i]->kind == DN_AST_NODE_PAT ? el->item[i]->u.node.var
				                                                       : el->item[i]->u.rel.var;
				if (v)
					in->bound[v->u.name.slot] = true;
			}
		}
	}
	free(was);
	return rc;
}

/* --- WITH and RETURN ----------------------------------------------------------- */

typedef struct agg_call {
	const dn_ast *node;          /* the FUNC node */
	const dn_cy_func *f;
} agg_call;

typedef struct find_aggs {
	agg_call *calls;
	size_t n, cap;
} find_aggs;

static int collect_agg(dn_ast *child, dn_ast *parent, void *ctx)
{
	find_aggs *fa = ctx;
	(void)parent;
	if (child->kind != DN_AST_FUNC)
		return 0;
	const dn_ast *name = child->u.func.name;
	const dn_cy_func *f = dn_cy_func_lookup(name->u.name.s, name->u.name.len);
	if (!f || !(f->flags & DN_CY_FN_AGGREGATE))
		return 0;
	if (fa->n == fa->cap) {
		size_t cap = fa->cap ? fa->cap * 2 : 8;
		agg_call *p = realloc(fa->calls, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		fa->calls = p;
		fa->cap = cap;
	}
	fa->calls[fa->n++] = (agg_call){child, f};
	return 0;
}

/* Aggregates inside e (e itself included). */
static int aggs_in(dn_ast *e, find_aggs *fa)
{
	int rc = collect_agg(e, NULL, fa);
	return rc ? rc : dn_ast_walk(e, collect_agg, fa);
}

/* One group of an aggregating projection. */
/* The values a DISTINCT aggregate has seen in one group. */
typedef struct agg_seen {
	dn_value *v;
	size_t n, cap;
	dn_rowset set;
} agg_seen;

static bool agg_seen_eq(void *ctx, size_t a, size_t b)
{
	const agg_seen *s = ctx;
	return dn_cy_equivalent(&s->v[a], &s->v[b]);
}

/* One group of an aggregating projection. */
typedef struct group {
	size_t first;  /* index of its first input row */
	void **state;  /* per aggregate call */
	agg_seen *seen; /* DISTINCT aggregates: values seen, per call */
} group;

/* Grouping keys: nkeys values per input row. */
typedef struct key_ctx {
	const dn_value *vals;
	size_t nkeys;
} key_ctx;

static bool key_eq(void *ctx, size_t a, size_t b)
{
	const key_ctx *k = ctx;
	for (size_t t = 0; t < k->nkeys; t++)
		if (!dn_cy_equivalent(&k->vals[a * k->nkeys + t], &k->vals[b * k->nkeys + t]))
			return false;
	return true;
}

/* Projected rows compared on the projection's slots. */
typedef struct proj_ctx {
	const rows *r;
	const dn_ast_list *items;
} proj_ctx;

static bool proj_eq(void *ctx, size_t a, size_t b)
{
	const proj_ctx *p = ctx;
	const dn_value *ra = p->r->v + a * p->r->width, *rb = p->r->v + b * p->r->width;
	for (uint32_t i = 0; i < p->items->n; i++) {
		int32_t s = p->items->item[i]->u.item.slot;
		if (!dn_cy_equivalent(&ra[s], &rb[s]))
			return false;
	}
	return true;
}

static uint64_t proj_hash(const rows *r, size_t row, const dn_ast_list *items)
{
	const dn_value *v = r->v + row * r->width;
	uint64_t h = 0;
	for (uint32_t i = 0; i < items->n; i++)
		h = h * UINT64_C(0x100000001b3) + dn_cy_hash(&v[items->item[i]->u.item.slot]);
	return h;
}

static int agg_step(exec *x, const agg_call *a, group *g, size_t k, const dn_value *row)
{
	const dn_ast *f = a->node;
	dn_value args[2] = {{0}, {0}};
	uint32_t n = f->u.func.args.n;
	char err[DN_CY_ERRMSG_CAP] = "";
	int rc = 0;
	if (n > 2)
		return fail(x, f, DN_ESEMANTIC, "too many arguments");
	for (uint32_t i = 0; i < n; i++)
		if ((rc = eval_at(x, row, f->u.func.args.item[i], &args[i]))) {
			for (uint32_t j = 0; j < i; j++)
				dn_value_free(&args[j]);
			return rc;
		}
	if (f->u.func.distinct && n) {
		bool dup = args[0].type == DN_NULL;
		agg_seen *sv = &g->seen[k];
		if (!dup && sv->n == sv->cap) {
			size_t cap = sv->cap ? 2 * sv->cap : 16;
			dn_value *v = realloc(sv->v, cap * sizeof *v);
			if (v) {
				sv->v = v;
				sv->cap = cap;
			} else {
				rc = DN_ENOMEM;
			}
		}
		if (!dup && !rc) {
			/* keep a copy; the step below gets args[0] itself */
			size_t at;
			if (!(rc = dn_value_copy(&sv->v[sv->n], &args[0])) &&
			    !(rc = dn_rowset_insert(&sv->set, dn_rowset_hash(&args[0], 1), sv->n, agg_seen_eq, sv, &at))) {
				dup = at != sv->n;
				if (dup)
					dn_value_free(&sv->v[sv->n]);
				else
					sv->n++;
			}
		}
		if (dup || rc) {
			for (uint32_t i = 0; i < n; i++)
				dn_value_free(&args[i]);
			return rc;
		}
	}
	rc = a->f->agg->step(g->state[k], args, n, err, sizeof err);
	for (uint32_t i = 0; i < n; i++)
		dn_value_free(&args[i]);
	if (rc)
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, rc, f->off, f->len, dn_eval_tck_code(rc, err), "%s",
		                   err);
	return rc;
}

/* Column name of a projection item: the alias, or the expression's text. */
static char *item_name(exec *x, const dn_ast *item)
{
	if (item->u.item.alias)
		return strdup(item->u.item.alias->u.name.s);
	const dn_ast *e = item->u.item.expr;
	return strndup(x->pr->text + e->off, e->len);
}

typedef struct sort_ctx {
	const dn_ast_list *order;
	const dn_value *keys; /* per row: one per ORDER BY term */
} sort_ctx;

static sort_ctx *g_sort; /* qsort has no context argument in C17 */

static int cmp_rows(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t k = g_sort->order->n;
	for (size_t t = 0; t < k; t++) {
		int c = dn_cy_order(&g_sort->keys[i * k + t], &g_sort->keys[j * k + t]);
		if (c)
			return g_sort->order->item[t]->u.sort.desc ? -c : c;
	}
	return i < j ? -1 : i > j; /* stable */
}

static int const_count(exec *x, const dn_ast *e, int64_t *n)
{
	dn_value v;
	int rc = eval_at(x, NULL, e, &v);
	if (rc)
		return rc;
	if (v.type != DN_INT || v.u.i < 0) {
		bool neg = v.type == DN_INT;
		dn_value_free(&v);
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ERUNTIME, e->off, e->len,
		                   neg ? "NegativeIntegerArgument" : "InvalidArgumentType",
		                   "SKIP and LIMIT need a non-negative integer");
		return DN_ERUNTIME;
	}
	*n = v.u.i;
	return 0;
}

static int run_projection(exec *x, const dn_ast *c, rows *in, rows *out)
{
	const dn_ast_list *items = &c->u.proj.items;
	find_aggs fa = {NULL, 0, 0};
	int rc = 0;
	for (uint32_t i = 0; i < items->n && !rc; i++)
		rc = aggs_in(items->item[i]->u.item.expr, &fa);
	size_t nagg = fa.n;
	bool aggregating = nagg > 0;
	/* the aggregating case: group rows by the non-aggregate items */
	group *groups = NULL;
	size_t ngroups = 0;
	dn_value *keyvals = NULL; /* per input row: the non-aggregate item values */
	size_t nkeys = 0;
	bool *is_key = calloc(items->n ? items->n : 1, sizeof *is_key);
	if (!is_key)
		rc = DN_ENOMEM;
	for (uint32_t i = 0; !rc && i < items->n; i++) {
		find_aggs one = {NULL, 0, 0};
		rc = aggs_in(items->item[i]->u.item.expr, &one);
		is_key[i] = !one.n;
		nkeys += is_key[i];
		free(one.calls);
	}
	dn_rowset keyset = {0};
	size_t *group_of = NULL; /* input row -> its group */
	if (!rc && aggregating) {
		keyvals = calloc((in->n ? in->n : 1) * (nkeys ? nkeys : 1), sizeof *keyvals);
		groups = calloc(in->n ? in->n : 1, sizeof *groups);
		group_of = malloc((in->n ? in->n : 1) * sizeof *group_of);
		if (!keyvals || !groups || !group_of)
			rc = DN_ENOMEM;
		for (size_t r = 0; !rc && r < in->n; r++) {
			const dn_value *row = in->v + r * in->width;
			size_t k = 0;
			for (uint32_t i = 0; !rc && i < items->n; i++)
				if (is_key[i])
					rc = eval_at(x, row, items->item[i]->u.item.expr, &keyvals[r * nkeys + k++]);
			if (rc)
				break;
			/* the group of this row's keys: found by hash, or new */
			size_t first, g = ngroups;
			key_ctx kc = {keyvals, nkeys};
			if ((rc = dn_rowset_insert(&keyset, dn_rowset_hash(&keyvals[r * nkeys], nkeys), r, key_eq, &kc, &first)))
				break;
			if (first != r)
				g = group_of[first];
			group_of[r] = g;
			if (g == ngroups) {
				groups[g].first = r;
				groups[g].state = calloc(nagg, sizeof *groups[g].state);
				groups[g].seen = calloc(nagg, sizeof *groups[g].seen);
				if (!groups[g].state || !groups[g].seen) {
					rc = DN_ENOMEM;
					break;
				}
				ngroups++;
				for (size_t a = 0; a < nagg && !rc; a++)
					rc = fa.calls[a].f->agg->init(&groups[g].state[a]);
			}
			for (size_t a = 0; a < nagg && !rc; a++)
				rc = agg_step(x, &fa.calls[a], &groups[g], a, row);
		}
		if (!rc && !ngroups && !nkeys) { /* no rows, no keys: one row of empty aggregates */
			groups[0].first = SIZE_MAX;
			groups[0].state = calloc(nagg, sizeof *groups[0].state);
			groups[0].seen = calloc(nagg, sizeof *groups[0].seen);
			ngroups = 1;
			if (!groups[0].state || !groups[0].seen)
				rc = DN_ENOMEM;
			for (size_t a = 0; a < nagg && !rc; a++)
				rc = fa.calls[a].f->agg->init(&groups[0].state[a]);
		}
	}
	/* the projected rows: each keeps the source row (or the group's first
	 * row) so that ORDER BY and WHERE can see the variables before it */
	dn_value *aggvals = calloc(nagg ? nagg : 1, sizeof *aggvals);
	const dn_ast **aggnodes = calloc(nagg ? nagg : 1, sizeof *aggnodes);
	if (!aggvals || !aggnodes)
		rc = DN_ENOMEM;
	size_t nout = aggregating ? ngroups : in->n;
	for (size_t o = 0; !rc && o < nout; o++) {
		size_t src = aggregating ? groups[o].first : o;
		const dn_value *srow = src == SIZE_MAX ? NULL : in->v + src * in->width;
		char err[DN_CY_ERRMSG_CAP] = "";
		for (size_t a = 0; aggregating && a < nagg && !rc; a++) {
			aggnodes[a] = fa.calls[a].node;
			if ((rc = fa.calls[a].f->agg->final(groups[o].state[a], &aggvals[a], err, sizeof err)))
				rc = fail(x, fa.calls[a].node, rc, "%s", err);
		}
		x->comp_nodes = aggnodes;
		x->comp_vals = aggvals;
		x->ncomp = aggregating ? nagg : 0;
		dn_value *row = rc ? NULL : rows_add(out);
		if (!rc && !row)
			rc = DN_ENOMEM;
		if (!rc && srow)
			rc = row_copy(row, srow, in->width);
		for (uint32_t i = 0; !rc && i < items->n; i++) {
			dn_value v;
			const dn_value *eval_row = srow ? srow : row;
			if ((rc = eval_at(x, eval_row, items->item[i]->u.item.expr, &v)))
				break;
			int32_t s = items->item[i]->u.item.slot;
			dn_value_free(&row[s]);
			row[s] = v;
		}
		for (size_t a = 0; a < nagg; a++)
			dn_value_free(&aggvals[a]);
		x->ncomp = 0;
	}
	/* what is bound after: the items, and with * what was bound before */
	if (!c->u.proj.star)
		memset(out->bound, 0, out->width);
	for (uint32_t i = 0; i < items->n; i++)
		out->bound[items->item[i]->u.item.slot] = true;
	/* DISTINCT on the projected columns */
	if (!rc && c->u.proj.distinct) {
		/* kept rows are moved to the front as they are found, so the set
		 * refers to their new places */
		size_t w = 0, r = 0;
		dn_rowset seen = {0};
		proj_ctx pc = {out, items};
		for (; !rc && r < out->n; r++) {
			dn_value *row = out->v + w * out->width;
			size_t at;
			if (w != r)
				memcpy(row, out->v + r * out->width, out->width * sizeof *row);
			if ((rc = dn_rowset_insert(&seen, proj_hash(out, w, items), w, proj_eq, &pc, &at)) || at != w) {
				for (size_t i = 0; i < out->width; i++)
					dn_value_free(&row[i]); /* a duplicate (or no memory) */
			} else {
				w++;
			}
		}
		for (; r < out->n; r++) /* after a failure: the rest */
			for (size_t i = 0; i < out->width; i++)
				dn_value_free(&out->v[r * out->width + i]);
		out->n = w;
		dn_rowset_free(&seen);
	}
	/* WITH ... WHERE (and ORDER BY below) see the projected slots bound */
	x->bound = out->bound;
	if (!rc && c->u.proj.where) {
		size_t w = 0;
		for (size_t r = 0; r < out->n && !rc; r++) {
			dn_value *row = out->v + r * out->width;
			bool keep;
			dn_eval_env env = env_of(x, row);
			if ((rc = dn_eval_pred(&env, c->u.proj.where, &keep)))
				break;
			if (!keep) {
				for (size_t i = 0; i < out->width; i++)
					dn_value_free(&row[i]);
				continue;
			}
			if (w != r)
				memcpy(out->v + w * out->width, row, out->width * sizeof *row);
			w++;
		}
		if (!rc)
			out->n = w;
	}
	/* ORDER BY: terms see the projected columns and the row before */
	if (!rc && c->u.proj.order.n && out->n) {
		size_t k = c->u.proj.order.n;
		dn_value *keys = calloc(out->n * k, sizeof *keys);
		size_t *idx = calloc(out->n, sizeof *idx);
		dn_value *sorted = calloc(out->n * (out->width ? out->width : 1), sizeof *sorted);
		if (!keys || !idx || !sorted)
			rc = DN_ENOMEM;
		/* aggregates written again inside a term stand for their column */
		const dn_ast **inodes = calloc(items->n ? items->n : 1, sizeof *inodes);
		dn_value *ivals = calloc(items->n ? items->n : 1, sizeof *ivals);
		if (!rc && (!inodes || !ivals))
			rc = DN_ENOMEM;
		for (size_t r = 0; !rc && r < out->n; r++) {
			dn_value *row = out->v + r * out->width;
			idx[r] = r;
			for (uint32_t i = 0; aggregating && i < items->n; i++) {
				inodes[i] = items->item[i]->u.item.expr;
				ivals[i] = row[items->item[i]->u.item.slot]; /* borrowed */
			}
			x->comp_nodes = inodes;
			x->comp_vals = ivals;
			x->ncomp = aggregating ? items->n : 0;
			for (size_t t = 0; t < k && !rc; t++) {
				const dn_ast *term = c->u.proj.order.item[t]->u.sort.expr;
				/* an item referred to by its alias or its very text */
				const dn_value *hit = NULL;
				for (uint32_t i = 0; i < items->n && !hit; i++) {
					const dn_ast *ie = items->item[i]->u.item.expr;
					if (term->len == ie->len && !memcmp(x->pr->text + term->off, x->pr->text + ie->off, ie->len))
						hit = &row[items->item[i]->u.item.slot];
				}
				rc = hit ? dn_value_copy(&keys[r * k + t], hit) : eval_at(x, row, term, &keys[r * k + t]);
			}
		}
		x->ncomp = 0;
		free(inodes);
		free(ivals);
		if (!rc) {
			sort_ctx sc = {&c->u.proj.order, keys};
			g_sort = &sc;
			qsort(idx, out->n, sizeof *idx, cmp_rows);
			g_sort = NULL;
			for (size_t r = 0; r < out->n; r++)
				memcpy(sorted + r * out->width, out->v + idx[r] * out->width, out->width * sizeof *sorted);
			memcpy(out->v, sorted, out->n * out->width * sizeof *sorted);
		}
		for (size_t i = 0; keys && i < out->n * k; i++)
			dn_value_free(&keys[i]);
		free(keys);
		free(idx);
		free(sorted);
	}
	/* SKIP and LIMIT */
	if (!rc && (c->u.proj.skip || c->u.proj.limit)) {
		int64_t skip = 0, limit = INT64_MAX;
		if (c->u.proj.skip)
			rc = const_count(x, c->u.proj.skip, &skip);
		if (!rc && c->u.proj.limit)
			rc = const_count(x, c->u.proj.limit, &limit);
		if (!rc) {
			size_t from = (size_t)skip < out->n ? (size_t)skip : out->n;
			size_t n = out->n - from < (uint64_t)limit ? out->n - from : (size_t)limit;
			for (size_t r = 0; r < out->n; r++)
				if (r < from || r >= from + n)
					for (size_t i = 0; i < out->width; i++)
						dn_value_free(&out->v[r * out->width + i]);
			if (n && from)
				memmove(out->v, out->v + from * out->width, n * out->width * sizeof *out->v);
			out->n = n;
		}
	}
	for (size_t g = 0; groups && g < ngroups; g++) {
		for (size_t a = 0; a < nagg; a++) {
			if (groups[g].state)
				fa.calls[a].f->agg->free(groups[g].state[a]);
			for (size_t k = 0; groups[g].seen && k < groups[g].seen[a].n; k++)
				dn_value_free(&groups[g].seen[a].v[k]);
			if (groups[g].seen) {
				free(groups[g].seen[a].v);
				dn_rowset_free(&groups[g].seen[a].set);
			}
		}
		free(groups[g].state);
		free(groups[g].seen);
	}
	free(groups);
	free(group_of);
	dn_rowset_free(&keyset);
	for (size_t i = 0; keyvals && i < in->n * nkeys; i++)
		dn_value_free(&keyvals[i]);
	free(keyvals);
	free(aggvals);
	free(aggnodes);
	free(is_key);
	free(fa.calls);
	return rc;
}

/* --- MATCH ------------------------------------------------------------------------ */

/*
 * MATCH enumerates, for each input row, every way the pattern's paths can
 * be laid on the graph: a path starts at a bound node, or at each node of
 * its first label (or every node), and follows adjacency element by
 * element; variable-length relationships walk depth-first. Within one
 * MATCH a relationship is used at most once (Cypher's uniqueness).
 */
typedef struct matcher {
	exec *x;
	const dn_ast *where; /* MATCH's WHERE, or NULL */
	const dn_ast_list *paths;
	dn_value *row;   /* the working row */
	bool *bound;     /* the working bound flags */
	rows *out;
	dn_id *used;     /* edges used by the current match */
	size_t nused, capused;
	dn_id *walk;     /* the current path: node, rel, node, ... ids */
	size_t nwalk, capwalk;
	size_t emitted;
	size_t *walk_start; /* per path: where its walk begins */
	dn_match_plan *plan;
	bool prechecked; /* the start candidates are known to fit the first node pattern */
	size_t cap;      /* stop after this many output rows (a LIMIT downstream); 0: all */
} matcher;

/* What the matcher returns to unwind when it has found cap rows. */
#define M_ENOUGH 99 /* not an error, not DN_ROW or DN_DONE */

static int m_paths(matcher *m, uint32_t p);
static int m_node(matcher *m, uint32_t p, uint32_t i, dn_id node);
static int m_var_bfs(matcher *m, uint32_t p, uint32_t i, dn_id start);
static int m_filter(matcher *m, bool at_emit, uint32_t p, uint32_t i, bool *keep);

static bool m_used(const matcher *m, dn_id e)
{
	for (size_t i = 0; i < m->nused; i++)
		if (m->used[i] == e)
			return true;
	return false;
}

static int m_push(dn_id **a, size_t *n, size_t *cap, dn_id v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		dn_id *p = realloc(*a, c * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		*a = p;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

/* Do the element's property map's entries all equal the entity's? */
static int m_props_ok(matcher *m, const dn_ast *props, const dn_prop *have, size_t nhave, bool *ok)
{
	*ok = true;
	if (!props)
		return 0;
	dn_value want;
	int rc = eval_at(m->x, m->row, props, &want);
	if (rc)
		return rc;
	for (uint32_t i = 0; *ok && want.type == DN_MAP && i < want.len; i++) {
		const dn_value *k = &want.u.list[2 * i];
		const dn_value *v = NULL;
		for (size_t j = 0; j < nhave && !v; j++)
			if (strlen(have[j].key) == k->len && !memcmp(have[j].key, k->u.s, k->len))
				v = &have[j].value;
		dn_value eq = v ? dn_cy_equals(v, &want.u.list[2 * i + 1]) : dn_value_bool(false);
		*ok = eq.type == DN_BOOL && eq.u.b;
	}
	dn_value_free(&want);
	return 0;
}

static int m_node_ok(matcher *m, const dn_ast *np, dn_id id, bool *ok)
{
	*ok = true;
	if (!np->u.node.labels.n && !np->u.node.props)
		return 0;
	int rc = 0;
	if (!np->u.node.props) {
		/* labels only (the common case): one record read, no copies */
		const char *names[8];
		uint32_t n = np->u.node.labels.n;
		for (uint32_t l = 0; l < n && l < 8; l++)
			names[l] = np->u.node.labels.item[l]->u.name.s;
		if (n <= 8) {
			rc = dn_node_has_labels(m->x->txn, id, names, n, ok);
			if (rc == DN_ENOTFOUND)
				*ok = false;
			return rc == DN_ENOTFOUND ? 0 : rc ? engine_fail(m->x, np, rc) : 0;
		}
	}
	dn_node *n;
	rc = dn_node_get(m->x->txn, id, &n);
	if (rc == DN_ENOTFOUND) {
		*ok = false;
		return 0;
	}
	if (rc)
		return engine_fail(m->x, np, rc);
	for (uint32_t l = 0; *ok && l < np->u.node.labels.n; l++)
		*ok = dn_node_has_label(n, np->u.node.labels.item[l]->u.name.s);
	if (*ok)
		rc = m_props_ok(m, np->u.node.props, n->props, n->nprops, ok);
	dn_node_free(n);
	return rc;
}

static int m_rel_ok(matcher *m, const dn_ast *rp, dn_id id, bool *ok)
{
	*ok = true;
	if (!rp->u.rel.props)
		return 0;
	dn_edge *e;
	int rc = dn_edge_get(m->x->txn, id, &e);
	if (rc)
		return engine_fail(m->x, rp, rc);
	rc = m_props_ok(m, rp->u.rel.props, e->props, e->nprops, ok);
	dn_edge_free(e);
	return rc;
}

/* Binds slot to v unless it is bound; *was tells the caller what to undo.
 * When bound, *ok says whether the value agrees. */
static void m_bind(matcher *m, int32_t slot, dn_value v, bool *was, bool *ok)
{
	*was = m->bound[slot];
	*ok = true;
	if (*was) {
		dn_value eq = dn_cy_equals(&m->row[slot], &v);
		*ok = eq.type == DN_BOOL && eq.u.b;
		dn_value_free(&v);
		return;
	}
	m->row[slot] = v;
	m->bound[slot] = true;
}

static void m_unbind(matcher *m, int32_t slot, bool was)
{
	if (was)
		return;
	dn_value_free(&m->row[slot]);
	m->row[slot] = dn_value_null();
	m->bound[slot] = false;
}

static dn_value entity(dn_id id, int type)
{
	dn_value v = dn_value_int((int64_t)id);
	v.type = (uint8_t)type;
	return v;
}

static int m_dir(const dn_ast *rp)
{
	return rp->u.rel.dir == DN_DIR_OUT ? DN_OUT : rp->u.rel.dir == DN_DIR_IN ? DN_IN : DN_BOTH;
}

/* Calls fn for each adjacency entry of node that fits the relationship
 * pattern's direction and types and is not used yet. */
typedef int (*m_adj_fn)(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st);

/* Calls fn for each adjacency entry of node along dir that fits the
 * relationship pattern's types and is not used yet. direct: fn opens no
 * iterator of its own (the breadth-first searches), so it is called while
 * reading; otherwise the entries are collected first. */
static int m_each_adj_dir(matcher *m, uint32_t p, uint32_t i, dn_id node, int dir, bool direct, m_adj_fn fn,
                          void *st)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	uint32_t nt = rp->u.rel.types.n;
	for (uint32_t t = 0; t < (nt ? nt : 1); t++) {
		dn_iter *it;
		bool again = false; /* [:T|:T] names a type twice: once is enough */
		for (uint32_t u = 0; u < t && !again; u++)
			again = !strcmp(rp->u.rel.types.item[u]->u.name.s, rp->u.rel.types.item[t]->u.name.s);
		if (again)
			continue;
		dn_adj a;
		int rc = dn_edges_of(m->x->txn, node, (dn_dir)dir, nt ? rp->u.rel.types.item[t]->u.name.s : NULL, &it);
		if (rc == DN_ENOTFOUND)
			continue; /* no such type (or node): the next alternative */
		if (rc)
			return engine_fail(m->x, rp, rc);
		if (direct) {
			while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW)
				if (!m_used(m, a.edge) && (rc = fn(m, p, i, &a, st)))
					break;
			dn_iter_free(it);
			if (rc != DN_DONE)
				return rc;
			continue;
		}
		/* collect first: the callback may open iterators of its own */
		dn_adj *list = NULL;
		size_t n = 0, cap = 0;
		while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
			if (m_used(m, a.edge))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				dn_adj *q = realloc(list, cap * sizeof *q);
				if (!q) {
					rc = DN_ENOMEM;
					break;
				}
				list = q;
			}
			list[n++] = a;
		}
		dn_iter_free(it);
		if (rc == DN_DONE)
			rc = 0;
		for (size_t k = 0; !rc && k < n; k++)
			rc = fn(m, p, i, &list[k], st);
		free(list);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether relationship pattern i of path p has a property map (whose test
 * reads the relationship, so adjacency must be collected first). */
static bool rp_props(const matcher *m, uint32_t p, uint32_t i)
{
	return m->paths->item[p]->u.path.elems.item[i]->u.rel.props != NULL;
}

static int m_each_adj(matcher *m, uint32_t p, uint32_t i, dn_id node, m_adj_fn fn, void *st)
{
	return m_each_adj_dir(m, p, i, node, m_dir(m->paths->item[p]->u.path.elems.item[i]), false, fn, st);
}

/* A single-hop relationship. */
static int m_hop(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok, was = false;
	int rc;
	(void)st;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	if (rp->u.rel.var) {
		m_bind(m, rp->u.rel.var->u.name.slot, entity(a->edge, DN_REL), &was, &ok);
		if (!ok)
			return 0;
	}
	if (!(rc = m_push(&m->used, &m->nused, &m->capused, a->edge)) &&
	    !(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->edge))) {
		rc = m_node(m, p, i + 1, a->nbr);
		m->nwalk--;
	}
	m->nused--;
	if (rp->u.rel.var)
		m_unbind(m, rp->u.rel.var->u.name.slot, was);
	return rc;
}

/* A variable-length relationship: depth-first from node, binding the
 * relationship variable to the list of relationships walked. */
typedef struct m_var_state {
	int64_t depth, min, max;
	dn_id start;
} m_var_state;

static int m_var_step(matcher *m, uint32_t p, uint32_t i, dn_id node, m_var_state *vs);

static int m_var_adj(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	m_var_state *vs = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	/* the walk records each hop: the relationship and the node reached */
	if ((rc = m_push(&m->used, &m->nused, &m->capused, a->edge)))
		return rc;
	if (!(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->edge)) &&
	    !(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->nbr))) {
		vs->depth++;
		rc = m_var_step(m, p, i, a->nbr, vs);
		vs->depth--;
	}
	m->nwalk -= m->nwalk >= 2 ? 2 : m->nwalk;
	m->nused--;
	return rc;
}

static int m_var_step(matcher *m, uint32_t p, uint32_t i, dn_id node, m_var_state *vs)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	int rc = 0;
	if (vs->depth >= vs->min) {
		/* the relationships of this walk are the last `depth` used ones */
		bool was = false, ok = true;
		if (rp->u.rel.var) {
			dn_value *items = calloc(vs->depth ? (size_t)vs->depth : 1, sizeof *items);
			int err = items ? 0 : DN_ENOMEM;
			/* a path walked backwards lists its relationships backwards */
			bool back = m->plan->paths[p].reversed;
			for (int64_t k = 0; items && k < vs->depth; k++)
				items[back ? vs->depth - 1 - k : k] =
					entity(m->used[m->nused - (size_t)vs->depth + (size_t)k], DN_REL);
			dn_value list = err ? dn_value_null() : dn_value_list(items, (size_t)vs->depth, &err);
			free(items);
			if (err)
				return err;
			m_bind(m, rp->u.rel.var->u.name.slot, list, &was, &ok);
		}
		if (ok) {
			/* the end node is in the walk already (or is the start, at
			 * depth 0): m_node adds it again, so take it off meanwhile */
			size_t mark = m->nwalk;
			m->nwalk--;
			rc = m_node(m, p, i + 1, node);
			m->nwalk = mark;
		}
		if (rp->u.rel.var)
			m_unbind(m, rp->u.rel.var->u.name.slot, was);
		if (rc)
			return rc;
	}
	if (vs->max >= 0 && vs->depth >= vs->max)
		return 0;
	return m_each_adj(m, p, i, node, m_var_adj, vs);
}

static int m_node(matcher *m, uint32_t p, uint32_t i, dn_id node)
{
	const dn_ast *path = m->paths->item[p];
	const dn_ast *np = path->u.path.elems.item[i];
	bool ok = true, was = false;
	int rc;
	bool trusted = (i == 0 && m->prechecked) || (m->plan->paths[p].all_labeled[i] && !np->u.node.props);
	if (!trusted && ((rc = m_node_ok(m, np, node, &ok)) || !ok))
		return rc;
	if (np->u.node.var) {
		m_bind(m, np->u.node.var->u.name.slot, entity(node, DN_NODE), &was, &ok);
		if (!ok)
			return 0;
	}
	if ((rc = m_push(&m->walk, &m->nwalk, &m->capwalk, node)))
		goto out;
	m->plan->paths[p].rows[i]++;
	if (i + 1 < path->u.path.elems.n) {
		/* the WHERE parts whose variables are bound now */
		bool keep;
		if ((rc = m_filter(m, false, p, i, &keep)) || !keep) {
			m->nwalk--;
			goto out;
		}
	}
	if (i + 1 == path->u.path.elems.n) {
		bool pwas = false;
		if (path->u.path.var) {
			dn_value *items = calloc(m->nwalk ? m->nwalk : 1, sizeof *items);
			int err = items ? 0 : DN_ENOMEM;
			size_t k = 0;
			/* the walk of this path begins where the path began; a
			 * path walked backwards is turned around */
			bool back = m->plan->paths[p].reversed;
			size_t len = m->nwalk - m->walk_start[p];
			for (size_t w = m->walk_start[p]; items && w < m->nwalk; w++, k++)
				items[back ? len - 1 - k : k] = entity(m->walk[w], (k % 2) ? DN_REL : DN_NODE);
			dn_value v = err ? dn_value_null() : dn_value_list(items, k, &err);
			free(items);
			if (!err)
				v.type = DN_PATH;
			if (err) {
				rc = err;
				m->nwalk--;
				goto out;
			}
			m_bind(m, path->u.path.var->u.name.slot, v, &pwas, &ok);
		}
		bool keep;
		if (!(rc = m_filter(m, false, p, i, &keep)) && keep)
			rc = m_paths(m, p + 1);
		if (path->u.path.var)
			m_unbind(m, path->u.path.var->u.name.slot, pwas);
	} else {
		const dn_ast *rp = path->u.path.elems.item[i + 1];
		if (m->plan->paths[p].bfs) {
			rc = m_var_bfs(m, p, i + 1, node);
		} else if (!rp->u.rel.varlen) {
			rc = m_each_adj(m, p, i + 1, node, m_hop, NULL);
		} else {
			m_var_state vs = {0, rp->u.rel.min < 0 ? 1 : rp->u.rel.min, rp->u.rel.max, node};
			rc = m_var_step(m, p, i + 1, node, &vs);
		}
	}
	m->nwalk--;
out:
	if (np->u.node.var)
		m_unbind(m, np->u.node.var->u.name.slot, was);
	return rc;
}

/* Tests the WHERE parts the plan placed at (p, i), or those left for a
 * whole match (at_emit): *keep false when one of them fails. */
static int m_filter(matcher *m, bool at_emit, uint32_t p, uint32_t i, bool *keep)
{
	*keep = true;
	for (size_t k = 0; *keep && k < m->plan->nfilters; k++) {
		const dn_plan_filter *f = &m->plan->filters[k];
		if (f->at_emit != at_emit || (!at_emit && (f->p != p || f->i != i)))
			continue;
		m->x->bound = m->bound;
		dn_eval_env env = env_of(m->x, m->row);
		int rc = dn_eval_pred(&env, f->expr, keep);
		if (rc)
			return rc;
	}
	return 0;
}

static int m_emit(matcher *m)
{
	bool keep;
	int rc = m_filter(m, true, 0, 0, &keep);
	if (rc || !keep)
		return rc;
	dn_value *o = rows_add(m->out);
	if (!o)
		return DN_ENOMEM;
	m->emitted++;
	int rc2 = row_copy(o, m->row, m->out->width);
	return rc2 ? rc2 : m->cap && m->out->n >= m->cap ? M_ENOUGH : 0;
}

/* Opens the iterator over path p's start candidates the plan chose; *it
 * stays NULL when no node can match (an index seek for null). */
static int m_start(matcher *m, uint32_t p, dn_iter **it)
{
	const dn_path_plan *pp = &m->plan->paths[p];
	const dn_ast *np = pp->path->u.path.elems.item[0];
	int rc = 0;
	*it = NULL;
	m->prechecked = false;
	if (pp->start == DN_START_SEEK) {
		dn_value lo = dn_value_null(), hi = dn_value_null();
		if (pp->lo && (rc = eval_at(m->x, m->row, pp->lo, &lo)))
			return rc;
		if (pp->hi && pp->hi != pp->lo && (rc = eval_at(m->x, m->row, pp->hi, &hi))) {
			dn_value_free(&lo);
			return rc;
		}
		const dn_value *l = pp->lo ? &lo : NULL, *h = pp->hi == pp->lo ? l : pp->hi ? &hi : NULL;
		bool null = (l && l->type == DN_NULL) || (h && h->type == DN_NULL);
		bool seekable = (!l || l->type <= DN_DURATION) && (!h || h->type <= DN_DURATION);
		if (!null && seekable)
			rc = dn_index_seek(m->x->txn, pp->label, pp->key, l, h, pp->range_flags, it);
		/* an equality seek on the pattern's only label and only property
		 * finds exactly the nodes that fit it (floats excepted: NaN) */
		const dn_ast *props = np->u.node.props;
		m->prechecked = !rc && l == h && l && l->type != DN_FLOAT && np->u.node.labels.n == 1 &&
		                !strcmp(np->u.node.labels.item[0]->u.name.s, pp->label) &&
		                (!props || (props->kind == DN_AST_MAP && props->u.map.entries.n == 1 &&
		                            props->u.map.entries.item[0]->u.entry.value == pp->lo));
		dn_value_free(&lo);
		dn_value_free(&hi);
		if (null)
			return 0; /* `n.key = null` and `n.key > null` hold for no node */
		if (rc && rc != DN_ENOTFOUND)
			return engine_fail(m->x, np, rc);
		if (*it)
			return 0;
		/* a list or map value: the label's scan, filtered as usual */
		rc = dn_nodes_by_label(m->x->txn, pp->label, it);
	} else if (pp->start == DN_START_LABEL) {
		rc = dn_nodes_by_label(m->x->txn, pp->label, it);
		m->prechecked = np->u.node.labels.n == 1 && !np->u.node.props;
	} else {
		rc = dn_nodes_all(m->x->txn, it);
	}
	if (rc == DN_ENOTFOUND) {
		*it = NULL;
		return 0;
	}
	return rc ? engine_fail(m->x, np, rc) : 0;
}

/*
 * A variable-length hop whose walks nothing downstream can tell apart
 * (plan.h): a breadth-first search from start that reaches each end node
 * once. Every node at distance 1..max is the end of a shortest path, which
 * repeats no relationship. The start itself ends a walk of length >= 1 only
 * when a closed trail of length <= max passes through it: with a directed
 * hop, an edge back into start from a node at depth d (length d + 1); with
 * an undirected one, an edge that is not a tree edge between two different
 * branches of the search tree, or back into start other than the tree edge
 * that reached its end (length d(u) + d(v) + 1; the search's branches make
 * this exact).
 */
typedef struct bfs_seen {
	dn_id id;
	uint32_t depth;
	dn_id branch; /* the first relationship on its tree path; 0 at start */
	dn_id parent_edge;
} bfs_seen;

typedef struct bfs_set {
	bfs_seen *slot; /* open addressing, id 0 never used as a key: ids start at 1 */
	size_t cap, n;
	dn_id *order; /* discovery order */
} bfs_set;

static bfs_seen *bfs_set_find(bfs_set *s, dn_id id)
{
	size_t h = (size_t)(id * 0x9E3779B97F4A7C15ull) & (s->cap - 1);
	while (s->slot[h].id && s->slot[h].id != id)
		h = (h + 1) & (s->cap - 1);
	return &s->slot[h];
}

static int bfs_set_add(bfs_set *s, dn_id id, bfs_seen **out)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		bfs_seen *old = s->slot;
		size_t oldcap = s->cap;
		dn_id *order = realloc(s->order, cap / 2 * sizeof *order);
		if (order)
			s->order = order;
		if (!order || !(s->slot = calloc(cap, sizeof *s->slot))) {
			s->slot = old;
			return DN_ENOMEM;
		}
		s->cap = cap;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k].id)
				*bfs_set_find(s, old[k].id) = old[k];
		free(old);
	}
	bfs_seen *e = bfs_set_find(s, id);
	e->id = id;
	s->order[s->n++] = id;
	*out = e;
	return 0;
}

typedef struct bfs_level {
	bfs_set *set;
	dn_id from, start;
	bfs_seen from_info;
	bool undirected, closes; /* closes: a closed trail through start fits */
	int64_t max;
} bfs_level;

static int bfs_expand(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	bfs_level *lv = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	bfs_seen *to = bfs_set_find(lv->set, a->nbr);
	if (!to->id) {
		if ((rc = bfs_set_add(lv->set, a->nbr, &to)))
			return rc;
		to->depth = lv->from_info.depth + 1;
		to->branch = lv->from == lv->start ? a->edge : lv->from_info.branch;
		to->parent_edge = a->edge;
		return 0;
	}
	if (lv->closes)
		return 0;
	int64_t len = (int64_t)lv->from_info.depth + 1;
	if (a->nbr == lv->start) {
		/* back into start; undirected, not along the edge that came out */
		lv->closes = len <= lv->max && (!lv->undirected || a->edge != lv->from_info.parent_edge);
	} else if (lv->undirected && to->branch != lv->from_info.branch && a->edge != to->parent_edge &&
	           a->edge != lv->from_info.parent_edge) {
		lv->closes = len + (int64_t)to->depth <= lv->max;
	}
	return 0;
}

static int m_var_bfs(matcher *m, uint32_t p, uint32_t i, dn_id start)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	int64_t min = rp->u.rel.min < 0 ? 1 : rp->u.rel.min, max = rp->u.rel.max;
	if (!rp->u.rel.varlen)
		min = max = 1; /* a single hop, each end node once */
	bfs_set set = {0};
	bfs_seen *s0;
	bfs_level lv = {&set, 0, start, {0}, m_dir(rp) == DN_BOTH, false, max < 0 ? INT64_MAX : max};
	int rc = bfs_set_add(&set, start, &s0);
	/* level by level: the nodes of depth d are order[lo..hi) */
	for (size_t lo = 0, hi = set.n; !rc && lo < hi; lo = hi, hi = set.n) {
		if (max >= 0 && (int64_t)bfs_set_find(&set, set.order[lo])->depth >= max)
			break;
		for (size_t k = lo; !rc && k < hi; k++) {
			lv.from = set.order[k];
			lv.from_info = *bfs_set_find(&set, lv.from);
			rc = m_each_adj_dir(m, p, i, lv.from, m_dir(m->paths->item[p]->u.path.elems.item[i]),
			                    !rp_props(m, p, i), bfs_expand, &lv);
		}
	}
	/* the walk holds the start node: m_node adds each end node again */
	size_t mark = m->nwalk;
	m->nwalk--;
	if (!rc && (min == 0 || lv.closes))
		rc = m_node(m, p, i + 1, start);
	for (size_t k = 1; !rc && k < set.n; k++)
		rc = m_node(m, p, i + 1, set.order[k]);
	m->nwalk = mark;
	free(set.slot);
	free(set.order);
	return rc;
}

/*
 * shortestPath((a)-[r:T*min..max]-(b)) and allShortestPaths(...): a
 * breadth-first search from a's node to b's (both must be bound by an
 * earlier clause or pattern), following the relationship pattern's
 * direction and types. Each node remembers every predecessor at its
 * depth, so allShortestPaths can enumerate all paths of the least length.
 */
typedef struct bfs_node {
	dn_id id;
	uint32_t depth;
	size_t first_parent; /* index into parents, or SIZE_MAX */
} bfs_node;

typedef struct bfs_parent {
	size_t from;   /* index of the predecessor in nodes */
	dn_id edge;
	size_t next;   /* next parent of the same node, or SIZE_MAX */
} bfs_parent;

typedef struct bfs {
	bfs_node *nodes;
	size_t n, cap;
	size_t *slots; /* open addressing: node index + 1 */
	size_t nslots;
	bfs_parent *parents;
	size_t np, capp;
} bfs;

static size_t bfs_find(const bfs *b, dn_id id)
{
	for (size_t h = (id * 0x9E3779B97F4A7C15ull) & (b->nslots - 1); b->slots[h]; h = (h + 1) & (b->nslots - 1))
		if (b->nodes[b->slots[h] - 1].id == id)
			return b->slots[h] - 1;
	return SIZE_MAX;
}

static int bfs_add(bfs *b, dn_id id, uint32_t depth, size_t *idx)
{
	if ((b->n + 1) * 2 > b->nslots) {
		size_t ns = b->nslots ? b->nslots * 2 : 1024;
		size_t *sl = calloc(ns, sizeof *sl);
		if (!sl)
			return DN_ENOMEM;
		for (size_t i = 0; i < b->n; i++) {
			size_t h = (b->nodes[i].id * 0x9E3779B97F4A7C15ull) & (ns - 1);
			while (sl[h])
				h = (h + 1) & (ns - 1);
			sl[h] = i + 1;
		}
		free(b->slots);
		b->slots = sl;
		b->nslots = ns;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		bfs_node *p = realloc(b->nodes, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		b->nodes = p;
		b->cap = cap;
	}
	b->nodes[b->n] = (bfs_node){id, depth, SIZE_MAX};
	size_t h = (id * 0x9E3779B97F4A7C15ull) & (b->nslots - 1);
	while (b->slots[h])
		h = (h + 1) & (b->nslots - 1);
	b->slots[h] = b->n + 1;
	*idx = b->n++;
	return 0;
}

static int bfs_parent_add(bfs *b, size_t node, size_t from, dn_id edge)
{
	if (b->np == b->capp) {
		size_t cap = b->capp ? b->capp * 2 : 256;
		bfs_parent *p = realloc(b->parents, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		b->parents = p;
		b->capp = cap;
	}
	b->parents[b->np] = (bfs_parent){from, edge, b->nodes[node].first_parent};
	b->nodes[node].first_parent = b->np++;
	return 0;
}

typedef struct bfs_walk {
	matcher *m;
	uint32_t p;
	bfs *b;        /* the search from the start */
	bfs *back;     /* the search from the end (bidirectional), or NULL */
	size_t meet;   /* bidirectional: where the two met, in b */
	dn_id *edges;  /* the path being built: len relationships */
	dn_id *nodes;  /* and len + 1 nodes */
	uint32_t len;
	bool all;
	bool done;
} bfs_walk;

static int bfs_bind(bfs_walk *w);

/* Bidirectional: goes on from node index `at` of the backward search,
 * position k of the path, along its parents to the end. */
static int bfs_emit_back(bfs_walk *w, size_t at, uint32_t k)
{
	int rc = 0;
	w->nodes[k] = w->back->nodes[at].id;
	if (k == w->len)
		return bfs_bind(w);
	for (size_t pi = w->back->nodes[at].first_parent; !rc && !w->done && pi != SIZE_MAX;
	     pi = w->back->parents[pi].next) {
		w->edges[k] = w->back->parents[pi].edge;
		rc = bfs_emit_back(w, w->back->parents[pi].from, k + 1);
	}
	return rc;
}

/* Emits the path whose k-th node is node index `at` of the search from
 * the start, walking its parents back to position 0. */
static int bfs_emit(bfs_walk *w, size_t at, uint32_t k)
{
	int rc = 0;
	w->nodes[k] = w->b->nodes[at].id;
	if (k == 0) {
		if (!w->back)
			return bfs_bind(w);
		/* the first half is built: the second from the meeting node */
		uint32_t mid = w->b->nodes[w->meet].depth;
		return bfs_emit_back(w, bfs_find(w->back, w->b->nodes[w->meet].id), mid);
	}
	for (size_t pi = w->b->nodes[at].first_parent; !rc && !w->done && pi != SIZE_MAX; pi = w->b->parents[pi].next) {
		w->edges[k - 1] = w->b->parents[pi].edge;
		rc = bfs_emit(w, w->b->parents[pi].from, k - 1);
	}
	return rc;
}

/* Binds the relationship list and the path of a complete walk, then goes on. */
static int bfs_bind(bfs_walk *w)
{
	matcher *m = w->m;
	const dn_ast *path = m->paths->item[w->p];
	const dn_ast *rp = path->u.path.elems.item[1];
	int rc = 0;
	{
		/* bind the relationship list and the path, then go on */
		bool rwas = false, pwas = false, ok = true;
		dn_value *items = calloc(2 * w->len + 1, sizeof *items);
		if (!items)
			return DN_ENOMEM;
		int err = 0;
		if (rp->u.rel.var) {
			for (uint32_t i = 0; i < w->len; i++)
				items[i] = entity(w->edges[i], DN_REL);
			dn_value list = dn_value_list(items, w->len, &err);
			if (!err)
				m_bind(m, rp->u.rel.var->u.name.slot, list, &rwas, &ok);
		}
		if (!err && ok && path->u.path.var) {
			for (uint32_t i = 0; i <= w->len; i++) {
				items[2 * i] = entity(w->nodes[i], DN_NODE);
				if (i < w->len)
					items[2 * i + 1] = entity(w->edges[i], DN_REL);
			}
			dn_value pv = dn_value_list(items, 2 * w->len + 1, &err);
			if (!err) {
				pv.type = DN_PATH;
				m_bind(m, path->u.path.var->u.name.slot, pv, &pwas, &ok);
			}
		}
		free(items);
		if (err)
			return err;
		if (ok)
			rc = m_paths(m, w->p + 1);
		if (path->u.path.var)
			m_unbind(m, path->u.path.var->u.name.slot, pwas);
		if (rp->u.rel.var)
			m_unbind(m, rp->u.rel.var->u.name.slot, rwas);
		if (!w->all)
			w->done = true;
		return rc;
	}
}

typedef struct bfs_step {
	bfs *b;
	size_t from;
	uint32_t depth;
	dn_id target;
	bool found;
} bfs_step;

static int bfs_visit(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	bfs_step *bs = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	size_t at = bfs_find(bs->b, a->nbr);
	if (at == SIZE_MAX) {
		if ((rc = bfs_add(bs->b, a->nbr, bs->depth + 1, &at)))
			return rc;
	} else if (bs->b->nodes[at].depth != bs->depth + 1) {
		return 0; /* reached earlier by a shorter way */
	}
	if (a->nbr == bs->target)
		bs->found = true;
	return bfs_parent_add(bs->b, at, bs->from, a->edge);
}

/* Expands the level of search b that starts at node index lo (ending at
 * the search's size when called), along dir. */
static int bfs_widen(matcher *m, uint32_t p, bfs *b, size_t lo, int dir, dn_id target, bool *found)
{
	size_t hi = b->n;
	int rc = 0;
	bfs_step st = {b, 0, lo < hi ? b->nodes[lo].depth : 0, target, false};
	for (size_t k = lo; !rc && k < hi; k++) {
		st.from = k;
		rc = m_each_adj_dir(m, p, 1, b->nodes[k].id, dir, !rp_props(m, p, 1), bfs_visit, &st);
	}
	*found = st.found;
	return rc;
}

static int bfs_emit_all(matcher *m, uint32_t p, bfs *b, bfs *back, size_t meet, size_t at, uint32_t len,
                        bool all, bool *done)
{
	const dn_ast *path = m->paths->item[p];
	bfs_walk w = {m, p, b, back, meet, calloc(len + 1, sizeof(dn_id)), calloc(len + 1, sizeof(dn_id)), len,
	              all || path->u.path.shortest == DN_PATH_ALL_SHORTEST, *done};
	int rc = w.edges && w.nodes ? bfs_emit(&w, at, b->nodes[at].depth) : DN_ENOMEM;
	*done = w.done;
	free(w.edges);
	free(w.nodes);
	return rc;
}

static void bfs_free(bfs *b)
{
	free(b->nodes);
	free(b->slots);
	free(b->parents);
}

/*
 * shortestPath between bound ends with at most one hop minimum: a
 * breadth-first search from both ends at once, always widening the
 * smaller frontier, until they meet. Every shortest path crosses the level
 * just reached at exactly one node, so its walks are the start side's
 * walks to that node joined with the end side's walks from it.
 */
static int m_shortest_both(matcher *m, uint32_t p, dn_id from, dn_id to, int64_t max)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[1];
	int fdir = m_dir(rp), bdir = fdir == DN_OUT ? DN_IN : fdir == DN_IN ? DN_OUT : fdir;
	bfs f = {0}, b = {0};
	size_t idx, flo = 0, blo = 0;
	int rc = bfs_add(&f, from, 0, &idx);
	if (!rc)
		rc = bfs_add(&b, to, 0, &idx);
	uint32_t fd = 0, bd = 0, best = UINT32_MAX;
	bool fwd = true;
	while (!rc && best == UINT32_MAX && flo < f.n && blo < b.n && (max < 0 || (int64_t)(fd + bd) < max)) {
		/* widen the smaller frontier by one level */
		fwd = f.n - flo <= b.n - blo;
		bfs *s = fwd ? &f : &b, *o = fwd ? &b : &f;
		size_t lo = fwd ? flo : blo, hi = s->n;
		bool hit;
		rc = bfs_widen(m, p, s, lo, fwd ? fdir : bdir, fwd ? to : from, &hit);
		if (fwd) {
			fd++;
			flo = hi;
		} else {
			bd++;
			blo = hi;
		}
		/* a new node the other side has reached joins the two */
		for (size_t k = hi; !rc && k < s->n; k++) {
			size_t at = bfs_find(o, s->nodes[k].id);
			if (at != SIZE_MAX && s->nodes[k].depth + o->nodes[at].depth < best)
				best = s->nodes[k].depth + o->nodes[at].depth;
		}
	}
	bool done = false;
	for (size_t k = 0; !rc && !done && best != UINT32_MAX; k++) {
		/* the meeting nodes lie in the level last reached */
		bfs *s = fwd ? &f : &b, *o = fwd ? &b : &f;
		size_t at = fwd ? flo + k : blo + k;
		if (at >= s->n)
			break;
		size_t oat = bfs_find(o, s->nodes[at].id);
		if (oat == SIZE_MAX || s->nodes[at].depth + o->nodes[oat].depth != best)
			continue;
		size_t fat = fwd ? at : oat;
		rc = bfs_emit_all(m, p, &f, &b, fat, fat, best, false, &done);
	}
	bfs_free(&f);
	bfs_free(&b);
	return rc;
}

static int m_shortest(matcher *m, uint32_t p)
{
	const dn_ast *path = m->paths->item[p];
	const dn_ast_list *el = &path->u.path.elems;
	if (el->n != 3)
		return fail(m->x, path, DN_ENOTSUP, "not supported yet: shortestPath over more than one relationship");
	const dn_ast *a = el->item[0], *rp = el->item[1], *bn = el->item[2];
	if (!a->u.node.var || !bn->u.node.var || !m->bound[a->u.node.var->u.name.slot] ||
	    !m->bound[bn->u.node.var->u.name.slot])
		return fail(m->x, path, DN_ENOTSUP, "not supported yet: shortestPath needs both ends bound first");
	const dn_value *av = &m->row[a->u.node.var->u.name.slot], *bv = &m->row[bn->u.node.var->u.name.slot];
	if (av->type != DN_NODE || bv->type != DN_NODE)
		return 0; /* a null end: no path */
	int64_t min = rp->u.rel.varlen ? (rp->u.rel.min < 0 ? 1 : rp->u.rel.min) : 1;
	int64_t max = rp->u.rel.varlen ? rp->u.rel.max : 1;
	dn_id from = (dn_id)av->u.i, to = (dn_id)bv->u.i;
	if (from != to && min <= 1)
		return m_shortest_both(m, p, from, to, max);
	/* the same node at both ends, or a minimum length: from the start only */
	bfs b = {0};
	size_t idx;
	int rc = bfs_add(&b, from, 0, &idx);
	bool found = from == to && min == 0;
	uint32_t depth = 0;
	/* level by level; a level is the run of nodes added at that depth */
	size_t level_start = 0;
	while (!rc && !found && (max < 0 || depth < (uint64_t)max)) {
		size_t level_end = b.n;
		if (level_start == level_end)
			break;
		bool hit;
		rc = bfs_widen(m, p, &b, level_start, m_dir(rp), to, &hit);
		depth++;
		level_start = level_end;
		found = hit && depth >= min;
	}
	bool done = false;
	if (!rc && found)
		rc = bfs_emit_all(m, p, &b, NULL, 0, bfs_find(&b, to), depth, false, &done);
	bfs_free(&b);
	return rc;
}

static int m_paths(matcher *m, uint32_t p)
{
	if (p == m->paths->n)
		return m_emit(m);
	const dn_ast *path = m->paths->item[p];
	if (path->u.path.shortest != DN_PATH_PLAIN)
		return m_shortest(m, p);
	const dn_ast *np = path->u.path.elems.item[0];
	m->walk_start[p] = m->nwalk;
	if (np->u.node.var && m->bound[np->u.node.var->u.name.slot]) {
		const dn_value *v = &m->row[np->u.node.var->u.name.slot];
		if (v->type == DN_NULL)
			return 0;
		if (v->type != DN_NODE)
			return fail(m->x, np->u.node.var, DN_ETYPE, "`%s` is not a node", np->u.node.var->u.name.s);
		return m_node(m, p, 0, (dn_id)v->u.i);
	}
	/* candidates: where the planner starts (plan.h); m_node checks every
	 * label and property and m_emit the WHERE either way */
	dn_iter *it = NULL;
	dn_id id, *cand = NULL;
	size_t n = 0, cap = 0;
	int rc = m_start(m, p, &it);
	if (rc)
		return rc;
	if (!it)
		return 0;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		if ((rc = m_push(&cand, &n, &cap, id)))
			break;
	dn_iter_free(it);
	if (rc == DN_DONE)
		rc = 0;
	for (size_t k = 0; !rc && k < n; k++)
		rc = m_node(m, p, 0, cand[k]);
	m->prechecked = false;
	free(cand);
	return rc;
}

static void prof_match(exec *x, const dn_ast *c, dn_match_plan *plan, size_t out_rows);

static int run_match(exec *x, const dn_ast *c, rows *in, rows *out, bool distinct_ok, size_t cap)
{
	const dn_ast_list *paths = &c->u.match.pattern->u.pattern.paths;
	dn_match_plan plan;
	int rc = dn_plan_paths(x->txn, paths, c->u.match.where, in->bound, in->width,
	                           (distinct_ok ? DN_PLAN_DISTINCT_OK : 0) | (x->prof ? DN_PLAN_ESTIMATES : 0), &plan);
	if (rc)
		return engine_fail(x, c, rc);
	matcher m = {x, NULL, &plan.list, NULL, out->bound, out, NULL, 0, 0, NULL, 0, 0, 0, NULL, &plan, false,
	             c->u.match.optional ? 0 : cap};
	m.walk_start = calloc(paths->n ? paths->n : 1, sizeof *m.walk_start);
	bool *before = malloc(in->width ? in->width : 1);
	m.row = calloc(in->width ? in->width : 1, sizeof *m.row);
	rc = m.walk_start && before && m.row ? 0 : DN_ENOMEM;
	if (!rc)
		memcpy(before, in->bound, in->width);
	for (size_t r = 0; !rc && r < in->n; r++) {
		memcpy(out->bound, before, in->width);
		rc = row_copy(m.row, in->v + r * in->width, in->width);
		m.emitted = 0;
		if (!rc)
			rc = m_paths(&m, 0);
		if (!rc && !m.emitted && c->u.match.optional) {
			/* OPTIONAL MATCH: the row goes on with the pattern's variables null */
			dn_value *o = rows_add(out);
			rc = o ? row_copy(o, m.row, in->width) : DN_ENOMEM;
		}
		for (size_t i = 0; i < in->width; i++)
			dn_value_free(&m.row[i]);
	}
	if (rc == M_ENOUGH)
		rc = 0; /* a LIMIT downstream has its rows */
	/* afterwards every variable of the pattern is bound (null if optional) */
	memcpy(out->bound, before, in->width);
	for (uint32_t p = 0; p < paths->n; p++) {
		const dn_ast *path = paths->item[p];
		if (path->u.path.var)
			out->bound[path->u.path.var->u.name.slot] = true;
		for (uint32_t i = 0; i < path->u.path.elems.n; i++) {
			const dn_ast *e = path->u.path.elems.item[i];
			const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
			if (v)
				out->bound[v->u.name.slot] = true;
		}
	}
	if (x->prof)
		prof_match(x, c, &plan, out->n);
	dn_plan_match_free(&plan);
	free(m.row);
	free(before);
	free(m.walk_start);
	free(m.used);
	free(m.walk);
	return rc;
}

/* --- SET, REMOVE, DELETE ---------------------------------------------------------------- */

/* The node or relationship a SET/REMOVE item targets (NULL target: skip). */
static int target_entity(exec *x, const dn_value *row, const dn_ast *e, dn_value *out)
{
	int rc = eval_at(x, row, e, out);
	if (rc)
		return rc;
	if (out->type != DN_NULL && out->type != DN_NODE && out->type != DN_REL) {
		dn_value_free(out);
		return fail(x, e, DN_ETYPE, "SET and REMOVE need a node or a relationship, not a %s",
		            dn_type_name(out->type));
	}
	return 0;
}

static int set_prop(exec *x, const dn_ast *at, const dn_value *ent, const char *key, const dn_value *v)
{
	if (!storable(v))
		return not_storable(x, at, v);
	int rc = ent->type == DN_NODE ? dn_node_set_prop(x->txn, (dn_id)ent->u.i, key, v)
	                              : dn_edge_set_prop(x->txn, (dn_id)ent->u.i, key, v);
	if (rc)
		return engine_fail(x, at, rc);
	x->stats->props_set++;
	return 0;
}

/* The properties of an entity as a map (owned). */
static int entity_map(exec *x, const dn_ast *at, const dn_value *ent, dn_value *out)
{
	int rc = dn_eval_entity_props(x->txn, ent, out);
	return rc ? engine_fail(x, at, rc) : 0;
}

static int set_item(exec *x, const dn_ast *it, dn_value *row)
{
	dn_value ent, v = dn_value_null();
	const dn_ast *target = it->u.set_item.target;
	int rc;
	if (it->kind == DN_AST_SET_PROP || it->kind == DN_AST_REMOVE_PROP)
		rc = target_entity(x, row, target->u.prop.expr, &ent);
	else
		rc = target_entity(x, row, target, &ent);
	if (rc || ent.type == DN_NULL)
		return rc;
	switch (it->kind) {
	case DN_AST_SET_PROP:
	case DN_AST_REMOVE_PROP:
		if (it->kind == DN_AST_SET_PROP && (rc = eval_at(x, row, it->u.set_item.value, &v)))
			break;
		rc = set_prop(x, it, &ent, target->u.prop.key->u.name.s, &v);
		break;
	case DN_AST_SET_ALL:
	case DN_AST_SET_MERGE: {
		if ((rc = eval_at(x, row, it->u.set_item.value, &v)))
			break;
		dn_value src = dn_value_null();
		if (v.type == DN_NODE || v.type == DN_REL) {
			rc = entity_map(x, it, &v, &src);
		} else if (v.type == DN_MAP || v.type == DN_NULL) {
			rc = dn_value_copy(&src, &v);
		} else {
			rc = fail(x, it->u.set_item.value, DN_ETYPE, "SET needs a map, not a %s", dn_type_name(v.type));
		}
		if (!rc && it->kind == DN_AST_SET_ALL) {
			/* n = map: every property not in the map goes */
			dn_value old;
			if (!(rc = entity_map(x, it, &ent, &old))) {
				for (uint32_t i = 0; !rc && i < old.len; i++) {
					const dn_value *k = &old.u.list[2 * i];
					if (src.type == DN_MAP && dn_cy_map_get(&src, k->u.s, k->len))
						continue;
					dn_value null = dn_value_null();
					rc = set_prop(x, it, &ent, k->u.s, &null);
				}
				dn_value_free(&old);
			}
		}
		for (uint32_t i = 0; !rc && src.type == DN_MAP && i < src.len; i++)
			rc = set_prop(x, it, &ent, src.u.list[2 * i].u.s, &src.u.list[2 * i + 1]);
		dn_value_free(&src);
		break;
	}
	case DN_AST_SET_LABELS:
	case DN_AST_REMOVE_LABELS:
		if (ent.type != DN_NODE) {
			rc = fail(x, target, DN_ETYPE, "labels belong to nodes");
			break;
		}
		for (uint32_t l = 0; !rc && l < it->u.set_item.labels.n; l++) {
			const char *name = it->u.set_item.labels.item[l]->u.name.s;
			dn_node *n;
			if ((rc = dn_node_get(x->txn, (dn_id)ent.u.i, &n)))
				break;
			bool has = dn_node_has_label(n, name);
			dn_node_free(n);
			if (it->kind == DN_AST_SET_LABELS && !has) {
				if (!(rc = dn_node_add_label(x->txn, (dn_id)ent.u.i, name)))
					x->stats->labels_added++;
			} else if (it->kind == DN_AST_REMOVE_LABELS && has) {
				if (!(rc = dn_node_remove_label(x->txn, (dn_id)ent.u.i, name)))
					x->stats->labels_removed++;
			}
			if (rc)
				rc = engine_fail(x, it, rc);
		}
		break;
	default: rc = fail(x, it, DN_EINVAL, "unknown SET item"); break;
	}
	dn_value_free(&v);
	dn_value_free(&ent);
	return rc;
}

static int run_set(exec *x, const dn_ast *c, rows *in)
{
	int rc = 0;
	for (size_t r = 0; !rc && r < in->n; r++)
		for (uint32_t i = 0; !rc && i < c->u.set.items.n; i++)
			rc = set_item(x, c->u.set.items.item[i], in->v + r * in->width);
	return rc;
}

static int delete_one(exec *x, const dn_ast *at, const dn_value *v, bool detach, int pass)
{
	int rc = 0;
	if (v->type == DN_NULL)
		return 0;
	if (v->type == DN_NODE) {
		if (pass == 0)
			return 0;
		if (!dn_node_exists(x->txn, (dn_id)v->u.i))
			return 0; /* deleted already (by this clause) */
		uint64_t deg = 0;
		if (detach && (rc = dn_degree(x->txn, (dn_id)v->u.i, DN_BOTH, NULL, &deg)))
			return engine_fail(x, at, rc);
		rc = detach ? dn_node_detach_delete(x->txn, (dn_id)v->u.i) : dn_node_delete(x->txn, (dn_id)v->u.i);
		if (rc == DN_ECONSTRAINT) {
			dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ERUNTIME, at->off, at->len,
			                   "DeleteConnectedNode", "cannot delete a node that still has relationships; "
			                                          "use DETACH DELETE");
			return DN_ERUNTIME;
		}
		if (rc)
			return engine_fail(x, at, rc);
		x->stats->nodes_deleted++;
		x->stats->rels_deleted += deg;
		return 0;
	}
	if (v->type == DN_REL) {
		if (pass == 1 || !dn_edge_exists(x->txn, (dn_id)v->u.i))
			return 0;
		if ((rc = dn_edge_delete(x->txn, (dn_id)v->u.i)))
			return engine_fail(x, at, rc);
		x->stats->rels_deleted++;
		return 0;
	}
	if (v->type == DN_PATH) {
		/* relationships in the first pass, nodes in the second */
		for (uint32_t i = pass == 0 ? 1 : 0; !rc && i < v->len; i += 2)
			rc = delete_one(x, at, &v->u.list[i], detach, pass);
		return rc;
	}
	if (v->type == DN_LIST) {
		/* DELETE collect(p), a list of entities: each of them */
		for (uint32_t i = 0; !rc && i < v->len; i++)
			rc = delete_one(x, at, &v->u.list[i], detach, pass);
		return rc;
	}
	return fail(x, at, DN_ETYPE, "DELETE needs a node, relationship or path, not a %s", dn_type_name(v->type));
}

static int run_delete(exec *x, const dn_ast *c, rows *in)
{
	int rc = 0;
	/* relationships first (also those of paths), nodes second, so that a
	 * node and its relationships can go in one DELETE without DETACH */
	for (int pass = 0; pass < 2 && !rc; pass++)
		for (size_t r = 0; !rc && r < in->n; r++)
			for (uint32_t i = 0; !rc && i < c->u.del.exprs.n; i++) {
				const dn_ast *e = c->u.del.exprs.item[i];
				dn_value v;
				if ((rc = eval_at(x, in->v + r * in->width, e, &v)))
					break;
				rc = delete_one(x, e, &v, c->u.del.detach, pass);
				dn_value_free(&v);
			}
	return rc;
}

/* --- patterns inside expressions ----------------------------------------------------- */

static int env_pattern(void *ctx, const dn_ast *node, const dn_eval_local *locals, size_t nlocals,
                       dn_value *out)
{
	exec *x = ctx;
	bool comp = node->kind == DN_AST_PATTERN_COMP;
	dn_ast *path = comp ? node->u.pcomp.path : node->u.pred.path;
	dn_ast_list paths = {&path, 1};
	const dn_value *saved_row = x->row;
	const bool *saved_bound = x->bound;
	rows found;
	int rc = rows_init(&found, x->width);
	if (rc)
		return rc;
	dn_value *row = calloc(x->width ? x->width : 1, sizeof *row);
	size_t *starts = calloc(1, sizeof *starts);
	if (!row || !starts)
		rc = DN_ENOMEM;
	if (!rc && saved_bound)
		memcpy(found.bound, saved_bound, x->width);
	if (!rc && saved_row)
		rc = row_copy(row, saved_row, x->width);
	/* list comprehension variables around the pattern, outermost first */
	for (size_t i = nlocals; !rc && i-- > 0;) {
		dn_value_free(&row[locals[i].slot]);
		rc = dn_value_copy(&row[locals[i].slot], locals[i].value);
		found.bound[locals[i].slot] = true;
	}
	dn_match_plan plan = {0};
	if (!rc && (rc = dn_plan_paths(x->txn, &paths, comp ? node->u.pcomp.where : NULL, found.bound, x->width, 0,
	                               &plan)))
		rc = engine_fail(x, node, rc);
	matcher m = {x, NULL, &plan.list, row, found.bound, &found, NULL, 0, 0, NULL, 0, 0, 0, starts, &plan};
	if (!rc)
		rc = m_paths(&m, 0);
	dn_plan_match_free(&plan);
	if (!rc && !comp) {
		*out = dn_value_bool(found.n > 0);
	} else if (!rc) {
		dn_value *items = calloc(found.n ? found.n : 1, sizeof *items);
		size_t k = 0;
		rc = items ? 0 : DN_ENOMEM;
		for (; !rc && k < found.n; k++) {
			x->bound = found.bound;
			rc = eval_at(x, found.v + k * found.width, node->u.pcomp.proj, &items[k]);
		}
		if (!rc) {
			int err = 0;
			*out = dn_value_list(items, found.n, &err);
			rc = err;
		}
		for (size_t i = 0; items && i < k; i++)
			dn_value_free(&items[i]);
		free(items);
	}
	for (size_t i = 0; row && i < x->width; i++)
		dn_value_free(&row[i]);
	free(row);
	free(starts);
	free(m.used);
	free(m.walk);
	rows_free(&found);
	x->row = saved_row;
	x->bound = saved_bound;
	return rc;
}

/* --- MERGE ------------------------------------------------------------------------- */

/* MERGE path: for each row, the path's matches (then ON MATCH SET), or,
 * when there is none, the path created (then ON CREATE SET). */
static int run_merge(exec *x, const dn_ast *c, rows *in, rows *out)
{
	dn_ast *path = c->u.merge.path;
	dn_ast_list paths = {&path, 1};
	rows found;
	int rc = rows_init(&found, in->width);
	if (rc)
		return rc;
	bool *before = malloc(in->width ? in->width : 1);
	dn_value *row = calloc(in->width ? in->width : 1, sizeof *row);
	if (!before || !row)
		rc = DN_ENOMEM;
	if (!rc)
		memcpy(before, in->bound, in->width);
	for (size_t r = 0; !rc && r < in->n; r++) {
		/* a null in MERGE's property maps can never match what it creates */
		for (uint32_t i = 0; !rc && i < path->u.path.elems.n; i++) {
			const dn_ast *e = path->u.path.elems.item[i];
			const dn_ast *props = e->kind == DN_AST_NODE_PAT ? e->u.node.props : e->u.rel.props;
			dn_value mv;
			if (!props || (rc = eval_at(x, in->v + r * in->width, props, &mv)))
				continue;
			for (uint32_t k = 0; mv.type == DN_MAP && k < mv.len && !rc; k++)
				if (mv.u.list[2 * k + 1].type == DN_NULL) {
					dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ESEMANTIC, props->off, props->len,
					                   "MergeReadOwnWrites",
					                   "MERGE cannot use a null property value ('%.*s')",
					                   (int)mv.u.list[2 * k].len, mv.u.list[2 * k].u.s);
					rc = DN_ESEMANTIC;
				}
			dn_value_free(&mv);
		}
		if (rc)
			break;
		dn_match_plan plan = {0};
		memcpy(found.bound, before, in->width);
		if ((rc = dn_plan_paths(x->txn, &paths, NULL, found.bound, in->width, 0, &plan)))
			rc = engine_fail(x, c, rc);
		matcher m = {x, NULL, &plan.list, row, found.bound, &found, NULL, 0, 0, NULL, 0, 0, 0, NULL, &plan};
		m.walk_start = calloc(1, sizeof *m.walk_start);
		if (!rc)
			rc = m.walk_start ? row_copy(row, in->v + r * in->width, in->width) : DN_ENOMEM;
		if (!rc)
			rc = m_paths(&m, 0);
		dn_plan_match_free(&plan);
		free(m.walk_start);
		free(m.used);
		free(m.walk);
		bool on_create = !rc && !found.n;
		if (on_create) {
			memcpy(in->bound, before, in->width);
			dn_value *o = rows_add(&found);
			if (!o || (rc = row_copy(o, row, in->width)) || (rc = create_path(x, path, o, in)))
				rc = rc ? rc : DN_ENOMEM;
		}
		for (size_t f = 0; !rc && f < found.n; f++) {
			dn_value *fr = found.v + f * found.width;
			for (uint32_t a = 0; !rc && a < c->u.merge.actions.n; a++) {
				const dn_ast *act = c->u.merge.actions.item[a];
				if (act->u.action.on_create != on_create)
					continue;
				for (uint32_t i = 0; !rc && i < act->u.action.items.n; i++)
					rc = set_item(x, act->u.action.items.item[i], fr);
			}
			dn_value *o = rc ? NULL : rows_add(out);
			if (!rc)
				rc = o ? row_copy(o, fr, in->width) : DN_ENOMEM;
		}
		rows_clear(&found);
		for (size_t i = 0; i < in->width; i++)
			dn_value_free(&row[i]);
	}
	if (before)
		memcpy(out->bound, before, in->width);
	if (path->u.path.var)
		out->bound[path->u.path.var->u.name.slot] = true;
	for (uint32_t i = 0; i < path->u.path.elems.n; i++) {
		const dn_ast *e = path->u.path.elems.item[i];
		const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
		if (v)
			out->bound[v->u.name.slot] = true;
	}
	rows_free(&found);
	free(before);
	free(row);
	return rc;
}

/* --- queries ---------------------------------------------------------------------- */

static const char *clause_name(int kind)
{
	switch (kind) {
	case DN_AST_MATCH: return "MATCH";
	case DN_AST_MERGE: return "MERGE";
	case DN_AST_SET: return "SET";
	case DN_AST_REMOVE: return "REMOVE";
	case DN_AST_DELETE: return "DELETE";
	case DN_AST_CALL: return "CALL";
	default: return dn_ast_kind_name(kind);
	}
}

static bool name_eq(const dn_ast *name, const char *s)
{
	return strlen(s) == name->u.name.len && !strncasecmp(name->u.name.s, s, name->u.name.len);
}

/* --- CALL ------------------------------------------------------------------------------ */

/* The built-in procedures: each yields one column of names. */
static const struct {
	const char *name, *column;
	dn_token_kind kind;
} procs[] = {
	{"db.labels", "label", DN_TOKEN_LABEL},
	{"db.relationshiptypes", "relationshipType", DN_TOKEN_TYPE},
	{"db.propertykeys", "propertyKey", DN_TOKEN_KEY},
};

bool dn_proc_lookup(const char *name, size_t len, const char *const **cols, size_t *ncols)
{
	static const char *const builtin_cols[][1] = {{"label"}, {"relationshipType"}, {"propertyKey"}};
	for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
		if (strlen(procs[i].name) == len && !strncasecmp(procs[i].name, name, len)) {
			*cols = builtin_cols[i];
			*ncols = 1;
			return true;
		}
	char buf[128];
	if (len >= sizeof buf)
		return false;
	snprintf(buf, sizeof buf, "%.*s", (int)len, name);
	const dn_proc_info *pi = dn_analyze_proc(buf);
	if (pi) {
		*cols = pi->columns;
		*ncols = pi->ncolumns;
	}
	return pi != NULL;
}

/* The names a procedure yields: labels and types in use, every key. */
static int proc_rows(exec *x, const dn_ast *c, size_t p, char ***names, size_t *n)
{
	int rc = dn_token_list(x->txn, procs[p].kind, names, n);
	if (rc)
		return engine_fail(x, c, rc);
	size_t w = 0;
	for (size_t i = 0; i < *n; i++) {
		uint64_t k = 1;
		if (procs[p].kind == DN_TOKEN_LABEL)
			rc = dn_count_label(x->txn, (*names)[i], &k);
		else if (procs[p].kind == DN_TOKEN_TYPE)
			rc = dn_count_type(x->txn, (*names)[i], &k);
		if (rc)
			break;
		if (k)
			(*names)[w++] = (*names)[i];
		else
			free((*names)[i]);
	}
	*n = w;
	return rc ? engine_fail(x, c, rc) : 0;
}

/* A built-in procedure's names as a one-column table. */
static int proc_builtin(exec *x, const dn_ast *c, size_t p, dn_exec_result *t)
{
	char **names = NULL;
	size_t n = 0;
	int rc = proc_rows(x, c, p, &names, &n);
	if (!rc) {
		t->cols = calloc(1, sizeof *t->cols);
		t->vals = calloc(n ? n : 1, sizeof *t->vals);
		rc = t->cols && t->vals && (t->cols[0] = strdup(procs[p].column)) ? 0 : DN_ENOMEM;
		t->ncols = 1;
		for (size_t k = 0; !rc && k < n; k++) {
			int e = 0;
			t->vals[k] = dn_value_string(names[k], &e);
			rc = e;
			t->nrows = k + 1;
		}
	}
	dn_strings_free(names, n);
	return rc;
}

/* An analysis procedure (algo.*, dragnet_analysis.h) run with the config
 * map of its one argument, its result copied into a table. */
static int proc_analysis(exec *x, const dn_ast *c, const dn_proc_info *pi, const dn_value *row,
                         dn_exec_result *t)
{
	dn_value cfg = dn_value_null();
	int rc = 0;
	if (c->u.call.args.n > 1)
		return fail(x, c, DN_ESEMANTIC, "%s takes one argument: a configuration map", pi->name);
	if (c->u.call.args.n == 1) {
		if ((rc = eval_at(x, row, c->u.call.args.item[0], &cfg)))
			return rc;
	} else if (c->u.call.implicit_args) {
		/* CALL algo.x without parentheses: the config is $config, if given */
		for (size_t i = 0; i < x->params->n; i++)
			if (!strcmp(x->params->names[i], "config") && (rc = dn_value_copy(&cfg, &x->params->values[i])))
				return rc;
	}
	if (cfg.type != DN_NULL && cfg.type != DN_MAP) {
		dn_value_free(&cfg);
		return fail(x, c->u.call.args.n ? c->u.call.args.item[0] : c, DN_ETYPE,
		            "%s takes a configuration map, as in %s({labels: ['Person']})", pi->name, pi->name);
	}
	dn_result *r = NULL;
	rc = dn_analyze(x->txn, pi->name, cfg.type == DN_MAP ? &cfg : NULL, &r);
	dn_value_free(&cfg);
	if (rc)
		return fail(x, c, rc, "%s", dn_errmsg(dn_txn_db(x->txn)));
	size_t nc = dn_result_column_count(r), nr = dn_result_row_count(r);
	t->cols = calloc(nc ? nc : 1, sizeof *t->cols);
	t->vals = calloc((nr ? nr : 1) * (nc ? nc : 1), sizeof *t->vals);
	rc = t->cols && t->vals ? 0 : DN_ENOMEM;
	for (size_t k = 0; !rc && k < nc; k++) {
		t->ncols = k + 1;
		if (!(t->cols[k] = strdup(dn_result_column_name(r, k))))
			rc = DN_ENOMEM;
	}
	for (size_t i = 0; !rc && i < nr; i++) {
		t->nrows = i + 1;
		for (size_t k = 0; !rc && k < nc; k++)
			rc = dn_value_copy(&t->vals[i * nc + k], dn_result_cell(r, i, k));
	}
	dn_result_free(r);
	return rc;
}

/* The rows of the procedure c calls, for one input row: a built-in db.*
 * procedure or an analysis procedure. */
static int proc_table(exec *x, const dn_ast *c, const dn_value *row, dn_exec_result *t)
{
	const dn_ast *name = c->u.call.proc;
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
		if (name_eq(name, procs[i].name)) {
			if (c->u.call.args.n)
				return fail(x, c, DN_ESEMANTIC, "%s() takes no arguments", procs[i].name);
			return proc_builtin(x, c, i, t);
		}
	char buf[128];
	snprintf(buf, sizeof buf, "%.*s", (int)name->u.name.len, name->u.name.s);
	const dn_proc_info *pi = name->u.name.len < sizeof buf ? dn_analyze_proc(buf) : NULL;
	if (pi)
		return proc_analysis(x, c, pi, row, t);
	dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ESEMANTIC, name->off, name->len, "ProcedureNotFound",
	                   "unknown procedure %.*s (dragnet has db.labels, db.relationshipTypes, "
	                   "db.propertyKeys and the algo.* procedures of docs/ANALYSIS.md)",
	                   (int)name->u.name.len, name->u.name.s);
	return DN_ESEMANTIC;
}

/* CALL proc(...) YIELD f [AS a], ... [WHERE ...] inside a query: each
 * input row times the procedure's rows, the yielded columns bound. */
static int run_call(exec *x, const dn_ast *c, rows *in, rows *out)
{
	int rc = 0;
	int32_t *cols = calloc(c->u.call.yield.n ? c->u.call.yield.n : 1, sizeof *cols);
	if (!cols)
		return DN_ENOMEM;
	for (size_t r = 0; !rc && r < in->n; r++) {
		dn_exec_result t;
		const dn_value *row = in->v + r * in->width;
		x->bound = in->bound;
		if ((rc = proc_table(x, c, row, &t))) {
			dn_exec_result_free(&t);
			break;
		}
		/* the yielded fields are columns of the procedure */
		for (uint32_t i = 0; !rc && i < c->u.call.yield.n; i++) {
			const dn_ast *y = c->u.call.yield.item[i];
			cols[i] = -1;
			for (size_t k = 0; k < t.ncols; k++)
				if (name_eq(y->u.yield.field, t.cols[k]))
					cols[i] = (int32_t)k;
			if (cols[i] < 0) {
				char have[256] = "";
				for (size_t k = 0; k < t.ncols; k++)
					snprintf(have + strlen(have), sizeof have - strlen(have), "%s%s", k ? ", " : "", t.cols[k]);
				rc = fail(x, y, DN_ESEMANTIC, "%.*s yields %s", (int)c->u.call.proc->u.name.len,
				          c->u.call.proc->u.name.s, have);
			}
		}
		for (size_t k = 0; !rc && k < t.nrows; k++) {
			dn_value *o = rows_add(out);
			if (!o) {
				rc = DN_ENOMEM;
				break;
			}
			if ((rc = row_copy(o, row, in->width)))
				break;
			for (uint32_t i = 0; !rc && i < c->u.call.yield.n; i++) {
				int32_t slot = c->u.call.yield.item[i]->u.yield.slot;
				if (slot >= 0) {
					dn_value_free(&o[slot]);
					rc = dn_value_copy(&o[slot], &t.vals[k * t.ncols + (size_t)cols[i]]);
					out->bound[slot] = true;
				}
			}
			if (!rc && c->u.call.where) {
				bool keep;
				x->bound = out->bound;
				dn_eval_env env = env_of(x, o);
				if (!(rc = dn_eval_pred(&env, c->u.call.where, &keep)) && !keep) {
					for (size_t i = 0; i < out->width; i++)
						dn_value_free(&o[i]);
					out->n--;
				}
			}
		}
		dn_exec_result_free(&t);
	}
	for (uint32_t i = 0; i < c->u.call.yield.n; i++)
		if (c->u.call.yield.item[i]->u.yield.slot >= 0)
			out->bound[c->u.call.yield.item[i]->u.yield.slot] = true;
	free(cols);
	return rc;
}

/* A standalone CALL proc(...) without YIELD: its columns are the result. */
static int run_call_standalone(exec *x, const dn_ast *c, dn_exec_result *res)
{
	int rc = proc_table(x, c, NULL, res);
	if (rc)
		dn_exec_result_free(res);
	return rc;
}

/* A variable RETURN * shows. */
typedef struct star_var {
	const char *name;
	uint32_t len;
	int32_t slot;
} star_var;

typedef struct star_collect {
	star_var *v;
	size_t n, cap;
	int rc;
} star_collect;

static void star_add(star_collect *sc, const dn_ast *var)
{
	if (!var || var->kind != DN_AST_VAR || var->u.name.slot < 0 || sc->rc)
		return;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->v[i].len == var->u.name.len && !memcmp(sc->v[i].name, var->u.name.s, var->u.name.len)) {
			sc->v[i].slot = var->u.name.slot; /* the latest binding */
			return;
		}
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;
		star_var *p = realloc(sc->v, cap * sizeof *p);
		if (!p) {
			sc->rc = DN_ENOMEM;
			return;
		}
		sc->v = p;
		sc->cap = cap;
	}
	sc->v[sc->n++] = (star_var){var->u.name.s, var->u.name.len, var->u.name.slot};
}

static void star_pattern(star_collect *sc, const dn_ast *pattern_or_path)
{
	const dn_ast_list *paths = pattern_or_path->kind == DN_AST_PATTERN ? &pattern_or_path->u.pattern.paths : NULL;
	dn_ast *single = (dn_ast *)pattern_or_path;
	dn_ast_list one = {&single, 1};
	if (!paths)
		paths = &one;
	for (uint32_t p = 0; p < paths->n; p++) {
		const dn_ast *path = paths->item[p];
		star_add(sc, path->u.path.var);
		for (uint32_t i = 0; i < path->u.path.elems.n; i++) {
			const dn_ast *e = path->u.path.elems.item[i];
			star_add(sc, e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var);
		}
	}
}

static int cmp_star(const void *a, const void *b)
{
	const star_var *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The variables in scope at RETURN *, sorted by name: those named by the
 * clauses before it whose slots are still bound. */
static int star_vars(const dn_ast *q, const dn_ast *ret, const bool *bound, star_var **out, size_t *n)
{
	star_collect sc = {NULL, 0, 0, 0};
	for (uint32_t i = 0; i < q->u.query.clauses.n; i++) {
		const dn_ast *c = q->u.query.clauses.item[i];
		if (c == ret)
			break;
		switch (c->kind) {
		case DN_AST_MATCH: star_pattern(&sc, c->u.match.pattern); break;
		case DN_AST_CREATE: star_pattern(&sc, c->u.create.pattern); break;
		case DN_AST_MERGE: star_pattern(&sc, c->u.merge.path); break;
		case DN_AST_UNWIND: star_add(&sc, c->u.unwind.var); break;
		case DN_AST_WITH:
			for (uint32_t k = 0; k < c->u.proj.items.n; k++) {
				const dn_ast *it = c->u.proj.items.item[k];
				if (it->u.item.alias) {
					dn_ast tmp = *it->u.item.alias;
					tmp.u.name.slot = it->u.item.slot;
					star_add(&sc, &tmp);
					/* star_add copied the name pointer, not tmp */
				} else if (it->u.item.expr->kind == DN_AST_VAR) {
					dn_ast tmp = *it->u.item.expr;
					tmp.u.name.slot = it->u.item.slot;
					star_add(&sc, &tmp);
				}
			}
			break;
		default: break;
		}
	}
	size_t w = 0;
	for (size_t i = 0; i < sc.n; i++)
		if (bound[sc.v[i].slot])
			sc.v[w++] = sc.v[i];
	if (w)
		qsort(sc.v, w, sizeof *sc.v, cmp_star);
	*out = sc.v;
	*n = w;
	return sc.rc;
}

/* Runs one single query; on success *res holds its rows (RETURN's
 * columns), or none. */
/* --- EXPLAIN and PROFILE ---------------------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * Whether the rows of clause i reach only consumers that ignore
 * duplicates: the next projection is DISTINCT without aggregates, or
 * aggregates with DISTINCT (or min/max) only, and nothing in between
 * writes or counts rows (MATCH, OPTIONAL MATCH and UNWIND keep
 * duplicates as duplicates).
 */
static bool downstream_distinct(const dn_ast *q, uint32_t i)
{
	const dn_ast_list *cl = &q->u.query.clauses;
	for (uint32_t k = i + 1; k < cl->n; k++) {
		const dn_ast *c = cl->item[k];
		if (c->kind == DN_AST_MATCH || c->kind == DN_AST_UNWIND)
			continue;
		if (c->kind != DN_AST_WITH && c->kind != DN_AST_RETURN)
			return false;
		find_aggs fa = {NULL, 0, 0};
		bool ok = true;
		for (uint32_t t = 0; ok && t < c->u.proj.items.n; t++)
			ok = !aggs_in(c->u.proj.items.item[t]->u.item.expr, &fa);
		for (uint32_t t = 0; ok && t < c->u.proj.order.n; t++)
			ok = !aggs_in(c->u.proj.order.item[t]->u.sort.expr, &fa);
		for (size_t a = 0; ok && a < fa.n; a++) {
			const dn_ast *f = fa.calls[a].node;
			const char *name = f->u.func.name->u.name.s;
			ok = f->u.func.distinct || !strcasecmp(name, "min") || !strcasecmp(name, "max");
		}
		ok = ok && (fa.n ? true : c->u.proj.distinct);
		free(fa.calls);
		return ok;
	}
	return false;
}

/*
 * How many rows clause i (a MATCH) needs to produce at most: SKIP + LIMIT
 * of the next clause when that is a plain WITH/RETURN that keeps rows in
 * the order they come (no ORDER BY, DISTINCT, aggregation or WITH ...
 * WHERE) and both are literals or parameters; 0 means all.
 */
static size_t downstream_cap(exec *x, const dn_ast *q, uint32_t i)
{
	const dn_ast_list *cl = &q->u.query.clauses;
	if (i + 1 >= cl->n)
		return 0;
	const dn_ast *c = cl->item[i + 1];
	if ((c->kind != DN_AST_WITH && c->kind != DN_AST_RETURN) || !c->u.proj.limit || c->u.proj.order.n ||
	    c->u.proj.distinct || c->u.proj.where)
		return 0;
	const dn_ast *lim = c->u.proj.limit, *skip = c->u.proj.skip;
	if ((lim->kind != DN_AST_INT && lim->kind != DN_AST_PARAM) ||
	    (skip && skip->kind != DN_AST_INT && skip->kind != DN_AST_PARAM))
		return 0;
	find_aggs fa = {NULL, 0, 0};
	bool aggs = false;
	for (uint32_t t = 0; !aggs && t < c->u.proj.items.n; t++)
		aggs = aggs_in(c->u.proj.items.item[t]->u.item.expr, &fa) || fa.n;
	free(fa.calls);
	if (aggs)
		return 0;
	int64_t l = 0, k = 0;
	dn_query_error saved = *x->err;
	if (const_count(x, lim, &l) || (skip && const_count(x, skip, &k))) {
		*x->err = saved; /* the projection reports it in its turn */
		return 0;
	}
	return l == 0 ? 0 : (size_t)(l + k); /* LIMIT 0: nothing to save */
}

/* The first line of a clause's text, shortened, for the details column. */
static void clause_text(exec *x, const dn_ast *c, char *buf, size_t cap)
{
	size_t len = 0;
	while (len < c->len && len + 4 < cap && x->pr->text[c->off + len] != '\n')
		len++;
	memcpy(buf, x->pr->text + c->off, len);
	if (len < c->len)
		memcpy(buf + len, "...", 3), len += 3;
	buf[len] = '\0';
}

typedef struct prof_ctx {
	exec *x;
	double scale;
	int rc;
} prof_ctx;

static void prof_path_line(void *ctx, const char *op, const char *details, double est, uint64_t nrows)
{
	prof_ctx *pc = ctx;
	if (!pc->rc)
		pc->rc = dn_prof_line(pc->x->prof, SIZE_MAX, 1, op, details, est * pc->scale, nrows, -1.0);
}

/* The steps of a MATCH: each path's start and hops, then the WHERE. */
static void prof_match(exec *x, const dn_ast *c, dn_match_plan *plan, size_t out_rows)
{
	prof_ctx pc = {x, dn_prof_estimate(x->prof), 0};
	double est = pc.scale;
	for (uint32_t p = 0; p < plan->n; p++) {
		const dn_path_plan *pp = &plan->paths[p];
		uint32_t n = pp->path->u.path.elems.n;
		dn_plan_describe(pp, x->pr->text, prof_path_line, &pc);
		est *= n > 1 && pp->start != DN_START_SHORTEST ? pp->est_hop[n - 2] : pp->est_start;
	}
	if (c->u.match.where) {
		char buf[96];
		est *= 0.3; /* a guess: no statistics on values yet */
		clause_text(x, c->u.match.where, buf, sizeof buf);
		if (!pc.rc)
			pc.rc = dn_prof_line(x->prof, SIZE_MAX, 1, "Filter", buf, est, out_rows, -1.0);
	}
	if (c->u.match.optional && est < dn_prof_estimate(x->prof))
		est = dn_prof_estimate(x->prof);
	dn_prof_set_estimate(x->prof, est);
	(void)pc.rc; /* out of memory here only shortens the table */
}

/* A clause's own line, above the steps its run added since mark. */
static int prof_clause(exec *x, const dn_ast *c, size_t mark, size_t rows_out, double ms)
{
	static const struct {
		int kind;
		const char *op;
	} ops[] = {{DN_AST_MATCH, "Match"}, {DN_AST_WITH, "With"}, {DN_AST_RETURN, "Return"},
	           {DN_AST_UNWIND, "Unwind"}, {DN_AST_CREATE, "Create"}, {DN_AST_MERGE, "Merge"},
	           {DN_AST_SET, "Set"}, {DN_AST_REMOVE, "Remove"}, {DN_AST_DELETE, "Delete"},
	           {DN_AST_CALL, "ProcedureCall"}};
	char buf[96];
	const char *op = "Clause";
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (ops[k].kind == c->kind)
			op = ops[k].op;
	if (c->kind == DN_AST_MATCH && c->u.match.optional)
		op = "OptionalMatch";
	double est = dn_prof_estimate(x->prof);
	if (c->kind == DN_AST_UNWIND) {
		est *= 10.0;
	} else if (c->kind == DN_AST_WITH || c->kind == DN_AST_RETURN) {
		find_aggs fa = {NULL, 0, 0};
		size_t keys = 0;
		for (uint32_t t = 0; t < c->u.proj.items.n; t++) {
			size_t before = fa.n;
			if (aggs_in(c->u.proj.items.item[t]->u.item.expr, &fa))
				break;
			keys += fa.n == before;
		}
		if (fa.n)
			est = keys ? sqrt(est) : 1.0;
		free(fa.calls);
		int64_t lim;
		if (c->u.proj.limit && c->u.proj.limit->kind == DN_AST_INT && (lim = c->u.proj.limit->u.i) >= 0 &&
		    (double)lim < est)
			est = (double)lim;
	}
	dn_prof_set_estimate(x->prof, est);
	clause_text(x, c, buf, sizeof buf);
	return dn_prof_line(x->prof, mark, 0, op, buf, est, rows_out, ms);
}

/* EXPLAIN of clause i: its line (and a MATCH's plan) without running it;
 * bound is updated as running the clause would. */
static int explain_clause(exec *x, const dn_ast *q, uint32_t i, bool *bound)
{
	const dn_ast *c = q->u.query.clauses.item[i];
	size_t mark = dn_prof_mark(x->prof);
	const dn_ast *pattern = NULL;
	int rc = 0;
	switch (c->kind) {
	case DN_AST_MATCH: {
		dn_match_plan plan;
		if ((rc = dn_plan_paths(x->txn, &c->u.match.pattern->u.pattern.paths, c->u.match.where, bound, x->width,
		                        (downstream_distinct(q, i) ? DN_PLAN_DISTINCT_OK : 0) | DN_PLAN_ESTIMATES,
		                        &plan)))
			return engine_fail(x, c, rc);
		prof_match(x, c, &plan, 0);
		dn_plan_match_free(&plan);
		pattern = c->u.match.pattern;
		break;
	}
	case DN_AST_CREATE: pattern = c->u.create.pattern; break;
	case DN_AST_MERGE: {
		const dn_ast_list *e = &c->u.merge.path->u.path.elems;
		for (uint32_t k = 0; k < e->n; k++) {
			const dn_ast *v = e->item[k]->kind == DN_AST_NODE_PAT ? e->item[k]->u.node.var : e->item[k]->u.rel.var;
			if (v)
				bound[v->u.name.slot] = true;
		}
		break;
	}
	case DN_AST_UNWIND: bound[c->u.unwind.var->u.name.slot] = true; break;
	case DN_AST_WITH:
	case DN_AST_RETURN:
		if (!c->u.proj.star)
			memset(bound, 0, x->width);
		for (uint32_t k = 0; k < c->u.proj.items.n; k++)
			if (c->u.proj.items.item[k]->u.item.slot >= 0)
				bound[c->u.proj.items.item[k]->u.item.slot] = true;
		break;
	case DN_AST_CALL:
		for (uint32_t k = 0; k < c->u.call.yield.n; k++)
			if (c->u.call.yield.item[k]->u.yield.slot >= 0)
				bound[c->u.call.yield.item[k]->u.yield.slot] = true;
		break;
	default: break;
	}
	for (uint32_t p = 0; pattern && p < pattern->u.pattern.paths.n; p++) {
		const dn_ast *path = pattern->u.pattern.paths.item[p];
		if (path->u.path.var)
			bound[path->u.path.var->u.name.slot] = true;
		for (uint32_t k = 0; k < path->u.path.elems.n; k++) {
			const dn_ast *e = path->u.path.elems.item[k];
			const dn_ast *v = e->kind == DN_AST_NODE_PAT ? e->u.node.var : e->u.rel.var;
			if (v)
				bound[v->u.name.slot] = true;
		}
	}
	return prof_clause(x, c, mark, 0, -1.0);
}

static int run_query(exec *x, const dn_ast *q, dn_exec_result *res)
{
	rows cur, next;
	int rc = rows_init(&cur, x->width);
	if (rc)
		return rc;
	if (!rows_add(&cur)) {
		rows_free(&cur);
		return DN_ENOMEM;
	}
	const dn_ast *ret = NULL;
	for (uint32_t i = 0; !rc && i < q->u.query.clauses.n; i++) {
		const dn_ast *c = q->u.query.clauses.item[i];
		x->bound = cur.bound;
		size_t mark = x->prof ? dn_prof_mark(x->prof) : 0;
		double t0 = x->prof ? now_ms() : 0.0;
		if (x->prof && !dn_prof_is_profile(x->prof)) {
			/* EXPLAIN: plan each clause without running it */
			rc = explain_clause(x, q, i, cur.bound);
			continue;
		}
		switch (c->kind) {
		case DN_AST_UNWIND:
		case DN_AST_WITH:
		case DN_AST_RETURN:
			if ((rc = rows_init(&next, x->width)))
				break;
			memcpy(next.bound, cur.bound, x->width);
			rc = c->kind == DN_AST_UNWIND ? run_unwind(x, c, &cur, &next)
			                              : run_projection(x, c, &cur, &next);
			rows_free(&cur);
			cur = next;
			if (c->kind == DN_AST_RETURN)
				ret = c;
			break;
		case DN_AST_CREATE: rc = run_create(x, c, &cur); break;
		case DN_AST_SET:
		case DN_AST_REMOVE: rc = run_set(x, c, &cur); break;
		case DN_AST_MERGE:
		case DN_AST_MATCH:
			/* both turn each row into the rows of its matches */
			if ((rc = rows_init(&next, x->width)))
				break;
			rc = c->kind == DN_AST_MATCH ? run_match(x, c, &cur, &next, downstream_distinct(q, i),
			                                         downstream_cap(x, q, i))
			                             : run_merge(x, c, &cur, &next);
			rows_free(&cur);
			cur = next;
			break;
		case DN_AST_DELETE: rc = run_delete(x, c, &cur); break;
		case DN_AST_CALL:
			if (!c->u.call.has_yield && q->u.query.clauses.n == 1) {
				rc = run_call_standalone(x, c, res);
				rows_free(&cur);
				return rc;
			}
			if (c->u.call.yield_star || !c->u.call.has_yield) {
				rc = fail(x, c, DN_ENOTSUP, "not supported yet: CALL without YIELD inside a query");
				break;
			}
			if ((rc = rows_init(&next, x->width)))
				break;
			memcpy(next.bound, cur.bound, x->width);
			rc = run_call(x, c, &cur, &next);
			rows_free(&cur);
			cur = next;
			break;
		default:
			rc = fail(x, c, DN_ENOTSUP, "not supported yet: executing %s", clause_name(c->kind));
			break;
		}
		if (x->prof && !rc)
			rc = prof_clause(x, c, mark, cur.n, now_ms() - t0);
	}
	if (!rc && ret && !x->prof) {
		/* the result: RETURN's items, and with RETURN * first every
		 * variable in scope, by name */
		const dn_ast_list *items = &ret->u.proj.items;
		star_var *vars = NULL;
		size_t nvars = 0;
		if (ret->u.proj.star)
			rc = star_vars(q, ret, cur.bound, &vars, &nvars);
		size_t ncols = nvars + items->n;
		res->cols = calloc(ncols ? ncols : 1, sizeof *res->cols);
		res->vals = calloc((cur.n ? cur.n : 1) * (ncols ? ncols : 1), sizeof *res->vals);
		int32_t *slots = calloc(ncols ? ncols : 1, sizeof *slots);
		if (!rc && (!res->cols || !res->vals || !slots))
			rc = DN_ENOMEM;
		for (size_t i = 0; !rc && i < nvars; i++) {
			slots[i] = vars[i].slot;
			if (!(res->cols[i] = strndup(vars[i].name, vars[i].len)))
				rc = DN_ENOMEM;
		}
		for (size_t i = 0; !rc && i < items->n; i++) {
			slots[nvars + i] = items->item[i]->u.item.slot;
			if (!(res->cols[nvars + i] = item_name(x, items->item[i])))
				rc = DN_ENOMEM;
		}
		res->ncols = ncols;
		for (size_t r = 0; !rc && r < cur.n; r++)
			for (size_t i = 0; i < ncols && !rc; i++)
				rc = dn_value_copy(&res->vals[r * ncols + i], &cur.v[r * cur.width + slots[i]]);
		if (!rc)
			res->nrows = cur.n;
		free(slots);
		free(vars);
	}
	rows_free(&cur);
	return rc;
}

/* --- schema commands ------------------------------------------------------------------ */

/* SHOW INDEXES / SHOW CONSTRAINTS: name, label, property, unique, entries. */
static int show_indexes(exec *x, const dn_ast *c, bool constraints, dn_exec_result *out)
{
	static const char *const cols[] = {"name", "label", "property", "unique", "entries"};
	dn_index_info *list;
	size_t n, k = 0;
	int rc = dn_index_list(x->txn, &list, &n);
	if (rc)
		return engine_fail(x, c, rc);
	out->cols = calloc(5, sizeof *out->cols);
	out->vals = calloc((n ? n : 1) * 5, sizeof *out->vals);
	rc = out->cols && out->vals ? 0 : DN_ENOMEM;
	for (size_t i = 0; !rc && i < 5; i++)
		if (!(out->cols[i] = strdup(cols[i])))
			rc = DN_ENOMEM;
	out->ncols = 5;
	for (size_t i = 0; !rc && i < n; i++) {
		bool unique = list[i].flags & DN_INDEX_UNIQUE;
		if (constraints && !unique)
			continue;
		dn_value *row = out->vals + k * 5;
		int e = 0;
		row[0] = dn_value_string(list[i].name, &e);
		if (!e)
			row[1] = dn_value_string(list[i].label, &e);
		if (!e)
			row[2] = dn_value_string(list[i].key, &e);
		row[3] = dn_value_bool(unique);
		row[4] = dn_value_int((int64_t)list[i].entries);
		rc = e;
		k++;
		out->nrows = k;
	}
	dn_index_list_free(list, n);
	return rc;
}

static int run_schema(exec *x, const dn_ast *c, dn_exec_result *out)
{
	int rc;
	switch (c->kind) {
	case DN_AST_SHOW_INDEXES: return show_indexes(x, c, false, out);
	case DN_AST_SHOW_CONSTRAINTS: return show_indexes(x, c, true, out);
	case DN_AST_CREATE_INDEX:
	case DN_AST_CREATE_CONSTRAINT: {
		if (c->u.schema.props.n != 1)
			return fail(x, c, DN_ENOTSUP, "not supported yet: indexes over several properties");
		const dn_ast *prop = c->u.schema.props.item[0];
		const char *name = c->u.schema.name ? c->u.schema.name->u.name.s : NULL;
		rc = dn_index_create(x->txn, name, c->u.schema.label->u.name.s, prop->u.prop.key->u.name.s,
		                     c->kind == DN_AST_CREATE_CONSTRAINT ? DN_INDEX_UNIQUE : 0);
		if (rc == DN_EEXISTS && c->u.schema.if_not_exists)
			return 0;
		if (rc == DN_ECONSTRAINT) {
			dn_parse_error_set(x->err, x->pr->text, x->pr->len, DN_ECONSTRAINT, c->off, c->len,
			                   "ConstraintCreationFailed", "%s", dn_errmsg(dn_txn_db(x->txn)));
			return DN_ECONSTRAINT;
		}
		return rc ? engine_fail(x, c, rc) : 0;
	}
	case DN_AST_DROP_INDEX:
	case DN_AST_DROP_CONSTRAINT:
		rc = dn_index_drop(x->txn, c->u.schema.name->u.name.s);
		if (rc == DN_ENOTFOUND && c->u.schema.if_exists)
			return 0;
		return rc ? engine_fail(x, c, rc) : 0;
	default:
		return fail(x, c, DN_ENOTSUP, "not supported yet: executing %s", dn_ast_kind_name(c->kind));
	}
}

/* Whether a CALL of an analysis procedure writes: its config has a
 * non-null `write` key (a map literal, or a parameter bound to a map);
 * any other config expression might, so it counts as writing. */
static bool call_writes(const dn_ast *c, const dn_exec_params *params)
{
	char buf[128];
	const dn_ast *name = c->u.call.proc;
	snprintf(buf, sizeof buf, "%.*s", (int)name->u.name.len, name->u.name.s);
	if (!dn_analyze_proc(buf) || !c->u.call.args.n)
		return false;
	const dn_ast *arg = c->u.call.args.item[0];
	if (arg->kind == DN_AST_MAP) {
		for (uint32_t i = 0; i < arg->u.map.entries.n; i++) {
			const dn_ast *e = arg->u.map.entries.item[i];
			if (!strcmp(e->u.entry.key->u.name.s, "write"))
				return e->u.entry.value->kind != DN_AST_NULL_LIT;
		}
		return false;
	}
	if (arg->kind == DN_AST_PARAM && params) {
		for (size_t i = 0; i < params->n; i++)
			if (!strcmp(params->names[i], arg->u.name.s)) {
				const dn_value *v = &params->values[i];
				for (uint32_t k = 0; v->type == DN_MAP && k < v->len; k++)
					if (v->u.list[2 * k].len == 5 && !memcmp(v->u.list[2 * k].u.s, "write", 5))
						return v->u.list[2 * k + 1].type != DN_NULL;
				return false;
			}
		return false;
	}
	return true;
}

bool dn_exec_is_write(const dn_parse_result *pr, const dn_exec_params *params)
{
	const dn_ast *body = pr->root->u.stmt.body;
	const dn_ast_list *queries = NULL;
	dn_ast_list one = {(dn_ast **)&body, 1};
	if (body->kind == DN_AST_UNION)
		queries = &body->u.uni.queries;
	else if (body->kind == DN_AST_QUERY)
		queries = &one;
	else
		return body->kind != DN_AST_SHOW_INDEXES && body->kind != DN_AST_SHOW_CONSTRAINTS;
	for (uint32_t q = 0; q < queries->n; q++) {
		const dn_ast_list *cl = &queries->item[q]->u.query.clauses;
		for (uint32_t i = 0; i < cl->n; i++) {
			int k = cl->item[i]->kind;
			if (k == DN_AST_CREATE || k == DN_AST_MERGE || k == DN_AST_SET || k == DN_AST_REMOVE ||
			    k == DN_AST_DELETE || (k == DN_AST_CALL && call_writes(cl->item[i], params)))
				return true;
		}
	}
	return false;
}

void dn_exec_result_free(dn_exec_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; r->cols && i < r->ncols; i++)
		free(r->cols[i]);
	for (size_t i = 0; r->vals && i < r->nrows * r->ncols; i++)
		dn_value_free(&r->vals[i]);
	free(r->cols);
	free(r->vals);
	dn_txn_abort(r->past);
	memset(r, 0, sizeof *r);
}

static int run_body(exec *x, const dn_ast *body, dn_exec_result *out);

/* AS OF expr: reads in the past, so only a statement that writes nothing;
 * expr is a log position (integer) or a datetime. Replaces x->txn by a
 * past read transaction with the same clearances. */
static int as_of_txn(exec *x, const dn_ast *st)
{
	const dn_ast *e = st->u.stmt.as_of;
	if (dn_exec_is_write(x->pr, x->params))
		return fail(x, e, DN_ESEMANTIC, "AS OF reads the past: a statement that writes cannot use it");
	dn_value v;
	int rc = eval_at(x, NULL, e, &v);
	if (rc)
		return rc;
	uint64_t pos = 0;
	int64_t ms = 0;
	if (v.type == DN_INT && v.u.i >= 1)
		pos = (uint64_t)v.u.i;
	else if (v.type == DN_DATETIME)
		ms = v.u.datetime;
	else if (v.type == DN_DATE)
		ms = (int64_t)v.u.date * 86400000; /* midnight UTC, as datetime(date) */
	dn_value_free(&v);
	if (!pos && !ms)
		return fail(x, e, DN_ETYPE, "AS OF needs a log position (an integer from 1), a date or a datetime");
	dn_txn *past;
	if ((rc = dn_txn_begin_as_of(x->txn, pos, ms, &past)))
		return fail(x, e, rc, "AS OF: %s", dn_errmsg(dn_txn_db(x->txn)));
	x->txn = past;
	return 0;
}

int dn_exec_run(dn_txn *txn, const dn_parse_result *pr, uint32_t nslots, const dn_exec_params *params,
                dn_query_stats *stats, dn_query_error *err, dn_exec_result *out)
{
	const dn_ast *st = pr->root;
	const dn_ast *body = st->u.stmt.body;
	exec x = {txn, pr, params, stats, err, 0, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL};
	memset(out, 0, sizeof *out);
	/* the record is as wide as the resolver's slots */
	x.width = nslots;
	dn_txn *past = NULL;
	int rc = 0;
	if (st->u.stmt.as_of) {
		if ((rc = as_of_txn(&x, st)))
			return rc;
		past = x.txn;
	}
	if (st->u.stmt.mode == DN_STMT_RUN) {
		rc = run_body(&x, body, out);
	} else if (!(x.prof = dn_prof_new(st->u.stmt.mode == DN_STMT_PROFILE))) {
		rc = DN_ENOMEM;
	} else {
		/* EXPLAIN plans without running; PROFILE runs, drops the rows
		 * and returns the plan with what each operator did */
		double t0 = now_ms();
		if (body->kind == DN_AST_QUERY || body->kind == DN_AST_UNION || dn_prof_is_profile(x.prof))
			rc = run_body(&x, body, out);
		dn_exec_result_free(out);
		if (!rc && body->kind != DN_AST_QUERY && body->kind != DN_AST_UNION) {
			char buf[96];
			clause_text(&x, body, buf, sizeof buf);
			rc = dn_prof_line(x.prof, SIZE_MAX, 0, "SchemaCommand", buf, 1.0, 1, now_ms() - t0);
		}
		if (!rc)
			rc = dn_prof_result(x.prof, out);
		dn_prof_free(x.prof);
		/* the plan holds no entities: the past is not needed any more */
		dn_txn_abort(past);
		past = NULL;
	}
	/* the rows' entities are read through the past transaction */
	if (!rc)
		out->past = past;
	else
		dn_txn_abort(past);
	return rc;
}

static int run_body(exec *x, const dn_ast *body, dn_exec_result *out)
{
	int rc = 0;
	if (body->kind == DN_AST_QUERY)
		return run_query(x, body, out);
	if (body->kind != DN_AST_UNION)
		return run_schema(x, body, out);
	/* UNION: the parts' rows one after the other; without ALL, distinct */
	for (uint32_t q = 0; q < body->u.uni.queries.n; q++) {
		dn_exec_result part;
		memset(&part, 0, sizeof part);
		if ((rc = run_query(x, body->u.uni.queries.item[q], &part))) {
			dn_exec_result_free(out);
			dn_exec_result_free(&part);
			return rc;
		}
		if (q == 0) {
			*out = part;
			continue;
		}
		/* columns are matched by name (the resolver checked they agree) */
		size_t nc = out->ncols;
		dn_value *v = realloc(out->vals, (out->nrows + part.nrows) * (nc ? nc : 1) * sizeof *v);
		if (!v) {
			dn_exec_result_free(&part);
			dn_exec_result_free(out);
			return DN_ENOMEM;
		}
		out->vals = v;
		for (size_t r = 0; r < part.nrows; r++)
			for (size_t c = 0; c < nc; c++) {
				size_t pc = c;
				for (size_t k = 0; k < part.ncols; k++)
					if (!strcmp(part.cols[k], out->cols[c]))
						pc = k;
				v[(out->nrows + r) * nc + c] = part.vals[r * part.ncols + pc];
				part.vals[r * part.ncols + pc] = dn_value_null();
			}
		out->nrows += part.nrows;
		dn_exec_result_free(&part);
	}
	if (!body->u.uni.all) {
		size_t nc = out->ncols, w = 0, r = 0;
		dn_rowset seen = {0};
		key_ctx kc = {out->vals, nc};
		for (; !rc && r < out->nrows; r++) {
			size_t at;
			if (w != r)
				memmove(&out->vals[w * nc], &out->vals[r * nc], nc * sizeof *out->vals);
			if ((rc = dn_rowset_insert(&seen, dn_rowset_hash(&out->vals[w * nc], nc), w, key_eq, &kc, &at)) ||
			    at != w) {
				for (size_t c = 0; c < nc; c++)
					dn_value_free(&out->vals[w * nc + c]);
				continue;
			}
			w++;
		}
		for (; r < out->nrows; r++)
			for (size_t c = 0; c < nc; c++)
				dn_value_free(&out->vals[r * nc + c]);
		dn_rowset_free(&seen);
		out->nrows = w;
	}
	return rc;
}
