/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exec.c — statements (see exec.h): builds a statement's operator tree
 * (op.h, op_*.c) and pulls rows from its root through a cursor; runs
 * what is no tree (schema commands, a standalone CALL, EXPLAIN and
 * PROFILE's tables, AS OF's past transaction); and holds the helpers the
 * operators share: batches of rows, evaluation against a row, CREATE's
 * path, SET's items, the procedures (db.* and algo.*) and RETURN's
 * columns. MATCH, MERGE and patterns in expressions are in match.c, WITH
 * and RETURN in project.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "exec_int.h"
#include "internal.h"
#include "op.h"
#include "functions.h"
#include "rowset.h"
#include "value_ops.h"

__attribute__((format(printf, 4, 5))) int dn_x_fail(exec *x, const dn_ast *at, int code, const char *fmt,
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

int dn_x_rows_init(rows *r, size_t width)
{
	memset(r, 0, sizeof *r);
	r->width = width;
	r->bound = width <= sizeof r->small ? r->small : calloc(width, sizeof *r->bound);
	return r->bound ? 0 : DN_ENOMEM;
}

void dn_x_rows_clear(rows *r)
{
	for (size_t i = 0; i < r->n * r->width; i++)
		dn_value_free(&r->v[i]);
	r->n = 0;
}

void dn_x_rows_free(rows *r)
{
	dn_x_rows_clear(r);
	free(r->v);
	if (r->bound != r->small)
		free(r->bound);
	memset(r, 0, sizeof *r);
}

/* Appends a row of NULLs and returns it. */
dn_value *dn_x_rows_add(rows *r)
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

int dn_x_row_copy(dn_value *dst, const dn_value *src, size_t width)
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


dn_eval_env dn_x_env_of(exec *x, const dn_value *row)
{
	x->row = row;
	return (dn_eval_env){x->txn,      env_var, env_param,   env_computed, dn_x_env_pattern,
	                     x,           x->err,  x->pr->text, x->pr->len};
}

int dn_x_eval_at(exec *x, const dn_value *row, const dn_ast *e, dn_value *out)
{
	dn_eval_env env = dn_x_env_of(x, row);
	return dn_eval(&env, e, out);
}

/* --- CREATE ---------------------------------------------------------------------- */

/* Properties hold scalars and lists of scalars (no maps, no nesting). */
static bool storable(const dn_value *v)
{
	if (v->type == DN_LIST) {
		for (uint32_t i = 0; i < v->len; i++)
			if (v->u.list[i].type == DN_LIST || !DN_TYPE_STORABLE(v->u.list[i].type))
				return false;
		return true;
	}
	return DN_TYPE_STORABLE(v->type);
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
	int rc = dn_x_eval_at(x, row, props, map);
	if (rc)
		return rc;
	if (map->type == DN_NULL)
		return 0;
	if (map->type != DN_MAP)
		return dn_x_fail(x, props, DN_ETYPE, "properties must be a map, not a %s", dn_type_name(map->type));
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

int dn_x_engine_fail(exec *x, const dn_ast *at, int rc)
{
	if (rc == DN_ECONSTRAINT) { /* a unique constraint said no */
		dn_parse_error_set(x->err, x->pr->text, x->pr->len, rc, at->off, at->len, "ConstraintValidationFailed",
		                   "%s", dn_errmsg(dn_txn_db(x->txn)));
		return rc;
	}
	return dn_x_fail(x, at, rc, "%s", dn_errmsg(dn_txn_db(x->txn))[0] ? dn_errmsg(dn_txn_db(x->txn))
	                                                              : dn_strerror(rc));
}

int dn_x_create_path(exec *x, const dn_ast *path, dn_value *row, rows *r)
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
				rc = dn_x_fail(x, var, DN_ETYPE, "`%s` is not a node", var->u.name.s);
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
			rc = dn_x_engine_fail(x, np, rc);
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
			rc = dn_x_engine_fail(x, rp, rc);
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

/* --- SET, REMOVE, DELETE ---------------------------------------------------------------- */

/* The node or relationship a SET/REMOVE item targets (NULL target: skip). */
static int target_entity(exec *x, const dn_value *row, const dn_ast *e, dn_value *out)
{
	int rc = dn_x_eval_at(x, row, e, out);
	if (rc)
		return rc;
	if (out->type != DN_NULL && out->type != DN_NODE && out->type != DN_REL) {
		dn_value_free(out);
		return dn_x_fail(x, e, DN_ETYPE, "SET and REMOVE need a node or a relationship, not a %s",
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
		return dn_x_engine_fail(x, at, rc);
	x->stats->props_set++;
	return 0;
}

/* The properties of an entity as a map (owned). */
static int entity_map(exec *x, const dn_ast *at, const dn_value *ent, dn_value *out)
{
	int rc = dn_eval_entity_props(x->txn, ent, out);
	return rc ? dn_x_engine_fail(x, at, rc) : 0;
}

int dn_x_set_item(exec *x, const dn_ast *it, dn_value *row)
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
		if (it->kind == DN_AST_SET_PROP && (rc = dn_x_eval_at(x, row, it->u.set_item.value, &v)))
			break;
		rc = set_prop(x, it, &ent, target->u.prop.key->u.name.s, &v);
		break;
	case DN_AST_SET_ALL:
	case DN_AST_SET_MERGE: {
		if ((rc = dn_x_eval_at(x, row, it->u.set_item.value, &v)))
			break;
		dn_value src = dn_value_null();
		if (v.type == DN_NODE || v.type == DN_REL) {
			rc = entity_map(x, it, &v, &src);
		} else if (v.type == DN_MAP || v.type == DN_NULL) {
			rc = dn_value_copy(&src, &v);
		} else {
			rc = dn_x_fail(x, it->u.set_item.value, DN_ETYPE, "SET needs a map, not a %s", dn_type_name(v.type));
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
			rc = dn_x_fail(x, target, DN_ETYPE, "labels belong to nodes");
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
				rc = dn_x_engine_fail(x, it, rc);
		}
		break;
	default: rc = dn_x_fail(x, it, DN_EINVAL, "unknown SET item"); break;
	}
	dn_value_free(&v);
	dn_value_free(&ent);
	return rc;
}

/* --- queries ---------------------------------------------------------------------- */

bool dn_x_name_eq(const dn_ast *name, const char *s)
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
		return dn_x_engine_fail(x, c, rc);
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
	return rc ? dn_x_engine_fail(x, c, rc) : 0;
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
		return dn_x_fail(x, c, DN_ESEMANTIC, "%s takes one argument: a configuration map", pi->name);
	if (c->u.call.args.n == 1) {
		if ((rc = dn_x_eval_at(x, row, c->u.call.args.item[0], &cfg)))
			return rc;
	} else if (c->u.call.implicit_args) {
		/* CALL algo.x without parentheses: the config is $config, if given */
		for (size_t i = 0; i < x->params->n; i++)
			if (!strcmp(x->params->names[i], "config") && (rc = dn_value_copy(&cfg, &x->params->values[i])))
				return rc;
	}
	if (cfg.type != DN_NULL && cfg.type != DN_MAP) {
		dn_value_free(&cfg);
		return dn_x_fail(x, c->u.call.args.n ? c->u.call.args.item[0] : c, DN_ETYPE,
		            "%s takes a configuration map, as in %s({labels: ['Person']})", pi->name, pi->name);
	}
	dn_result *r = NULL;
	rc = dn_analyze(x->txn, pi->name, cfg.type == DN_MAP ? &cfg : NULL, &r);
	dn_value_free(&cfg);
	if (rc)
		return dn_x_fail(x, c, rc, "%s", dn_errmsg(dn_txn_db(x->txn)));
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
int dn_x_proc_table(exec *x, const dn_ast *c, const dn_value *row, dn_exec_result *t)
{
	const dn_ast *name = c->u.call.proc;
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < sizeof procs / sizeof procs[0]; i++)
		if (dn_x_name_eq(name, procs[i].name)) {
			if (c->u.call.args.n)
				return dn_x_fail(x, c, DN_ESEMANTIC, "%s() takes no arguments", procs[i].name);
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

/* A standalone CALL proc(...) without YIELD: its columns are the result. */
static int run_call_standalone(exec *x, const dn_ast *c, dn_exec_result *res)
{
	int rc = dn_x_proc_table(x, c, NULL, res);
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

int dn_x_result_columns(exec *x, const dn_ast *q, const dn_ast *ret, const bool *bound, char ***cols,
                        int32_t **slots, size_t *n)
{
	const dn_ast_list *items = &ret->u.proj.items;
	star_var *vars = NULL;
	size_t nvars = 0;
	int rc = ret->u.proj.star ? star_vars(q, ret, bound, &vars, &nvars) : 0;
	size_t ncols = nvars + items->n;
	*cols = calloc(ncols ? ncols : 1, sizeof **cols);
	*slots = calloc(ncols ? ncols : 1, sizeof **slots);
	*n = ncols;
	if (!rc && (!*cols || !*slots))
		rc = DN_ENOMEM;
	for (size_t i = 0; !rc && i < nvars; i++) {
		(*slots)[i] = vars[i].slot;
		if (!((*cols)[i] = strndup(vars[i].name, vars[i].len)))
			rc = DN_ENOMEM;
	}
	for (size_t i = 0; !rc && i < items->n; i++) {
		(*slots)[nvars + i] = items->item[i]->u.item.slot;
		if (!((*cols)[nvars + i] = dn_x_item_name(x, items->item[i])))
			rc = DN_ENOMEM;
	}
	free(vars);
	return rc;
}

/* --- EXPLAIN and PROFILE ---------------------------------------------------------------- */

/* The first line of a clause's text, shortened, for the details column. */
void dn_x_clause_text(exec *x, const dn_ast *c, char *buf, size_t cap)
{
	size_t len = 0;
	while (len < c->len && len + 4 < cap && x->pr->text[c->off + len] != '\n')
		len++;
	memcpy(buf, x->pr->text + c->off, len);
	if (len < c->len)
		memcpy(buf + len, "...", 3), len += 3;
	buf[len] = '\0';
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
		return dn_x_engine_fail(x, c, rc);
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
			return dn_x_fail(x, c, DN_ENOTSUP, "not supported yet: indexes over several properties");
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
		return rc ? dn_x_engine_fail(x, c, rc) : 0;
	}
	case DN_AST_DROP_INDEX:
	case DN_AST_DROP_CONSTRAINT:
		rc = dn_index_drop(x->txn, c->u.schema.name->u.name.s);
		if (rc == DN_ENOTFOUND && c->u.schema.if_exists)
			return 0;
		return rc ? dn_x_engine_fail(x, c, rc) : 0;
	default:
		return dn_x_fail(x, c, DN_ENOTSUP, "not supported yet: executing %s", dn_ast_kind_name(c->kind));
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

/* AS OF expr: reads in the past, so only a statement that writes nothing;
 * expr is a log position (integer) or a datetime. Replaces x->txn by a
 * past read transaction with the same clearances. */
static int as_of_txn(exec *x, const dn_ast *st)
{
	const dn_ast *e = st->u.stmt.as_of;
	if (dn_exec_is_write(x->pr, x->params))
		return dn_x_fail(x, e, DN_ESEMANTIC, "AS OF reads the past: a statement that writes cannot use it");
	dn_value v;
	int rc = dn_x_eval_at(x, NULL, e, &v);
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
		return dn_x_fail(x, e, DN_ETYPE, "AS OF needs a log position (an integer from 1), a date or a datetime");
	dn_txn *past;
	if ((rc = dn_txn_begin_as_of(x->txn, pos, ms, &past)))
		return dn_x_fail(x, e, rc, "AS OF: %s", dn_errmsg(dn_txn_db(x->txn)));
	x->txn = past;
	return 0;
}

/* --- statements: the operator tree, pulled by a cursor ---------------------------- */

struct dn_exec_cursor {
	exec x;
	dn_exec_params params;
	dn_op *root;        /* streaming: the tree, open */
	rows batch;         /* its last batch, and the row being looked at */
	size_t pos;
	dn_exec_result res; /* materialized: the rows, and the row being looked at */
	bool materialized;
	size_t row;
	char **cols;        /* streaming: the column names */
	size_t ncols;
	dn_txn *past;       /* AS OF: the past read transaction, owned */
	bool ended;         /* streaming: the tree gave its last row and is closed */
	uint64_t serial;    /* the read transaction the tree was planned in */
};

/* The tree of a query or a UNION of queries, and its columns. */
static int build_body(exec *x, const dn_ast *body, dn_op **root, char ***cols, size_t *ncols)
{
	if (body->kind == DN_AST_QUERY)
		return dn_op_build_query(x, body, root, cols, ncols);
	const dn_ast_list *qs = &body->u.uni.queries;
	dn_op **parts = calloc(qs->n, sizeof *parts);
	size_t **perm = calloc(qs->n, sizeof *perm);
	int rc = parts && perm ? 0 : DN_ENOMEM;
	for (uint32_t q = 0; !rc && q < qs->n; q++) {
		char **pc = NULL;
		size_t pn = 0;
		if ((rc = dn_op_build_query(x, qs->item[q], &parts[q], q ? &pc : cols, q ? &pn : ncols)))
			break;
		if (!(perm[q] = calloc(*ncols ? *ncols : 1, sizeof **perm)))
			rc = DN_ENOMEM;
		/* columns are matched by name (the resolver checked they agree) */
		for (size_t c = 0; !rc && c < *ncols; c++) {
			perm[q][c] = c;
			for (size_t k = 0; q && k < pn; k++)
				if (!strcmp(pc[k], (*cols)[c]))
					perm[q][c] = k;
		}
		for (size_t k = 0; k < pn; k++)
			free(pc[k]);
		free(pc);
	}
	if (!rc)
		return dn_op_union_new(x, body, parts, qs->n, perm, *ncols, root);
	for (uint32_t q = 0; q < qs->n; q++) {
		dn_op_free(parts ? parts[q] : NULL);
		free(perm ? perm[q] : NULL);
	}
	free(parts);
	free(perm);
	return rc;
}

/* Pulls every row of the tree into c->res and drops the tree. */
static int cursor_materialize(dn_exec_cursor *c)
{
	dn_exec_result *r = &c->res;
	size_t cap = 0;
	r->cols = c->cols;
	r->ncols = c->ncols;
	c->cols = NULL;
	c->materialized = true;
	int rc;
	while ((rc = dn_op_next(c->root, &c->batch, DN_OP_BATCH)) == DN_ROW) {
		if (r->nrows + c->batch.n > cap) {
			size_t ncap = cap ? 2 * cap : 64;
			while (ncap < r->nrows + c->batch.n)
				ncap *= 2;
			dn_value *v = realloc(r->vals, ncap * (r->ncols ? r->ncols : 1) * sizeof *v);
			if (!v)
				return DN_ENOMEM;
			r->vals = v;
			cap = ncap;
		}
		/* moved: the batch keeps nothing */
		memcpy(r->vals + r->nrows * r->ncols, c->batch.v, c->batch.n * r->ncols * sizeof *r->vals);
		r->nrows += c->batch.n;
		c->batch.n = 0;
	}
	return rc == DN_DONE ? 0 : rc;
}

static int cursor_start(dn_exec_cursor *c, const dn_ast *st)
{
	exec *x = &c->x;
	const dn_ast *body = st->u.stmt.body;
	bool standalone_call = body->kind == DN_AST_QUERY && body->u.query.clauses.n == 1 &&
	                       body->u.query.clauses.item[0]->kind == DN_AST_CALL &&
	                       !body->u.query.clauses.item[0]->u.call.has_yield;
	if (st->u.stmt.mode == DN_STMT_RUN && standalone_call) {
		c->materialized = true;
		return run_call_standalone(x, body->u.query.clauses.item[0], &c->res);
	}
	if (body->kind != DN_AST_QUERY && body->kind != DN_AST_UNION) {
		/* a schema command; under EXPLAIN only its line */
		c->materialized = true;
		if (st->u.stmt.mode == DN_STMT_RUN)
			return run_schema(x, body, &c->res);
		double t0 = dn_op_now_ms();
		int rc = dn_prof_is_profile(x->prof) ? run_schema(x, body, &c->res) : 0;
		dn_exec_result_free(&c->res);
		char buf[96];
		dn_x_clause_text(x, body, buf, sizeof buf);
		return rc ? rc : dn_prof_line(x->prof, SIZE_MAX, 0, "SchemaCommand", buf, 1.0, 1, dn_op_now_ms() - t0);
	}
	int rc;
	if (standalone_call) {
		/* EXPLAIN / PROFILE of a standalone CALL: one line */
		const dn_ast *call = body->u.query.clauses.item[0];
		double t0 = dn_op_now_ms();
		char buf[96];
		c->materialized = true;
		rc = dn_prof_is_profile(x->prof) ? run_call_standalone(x, call, &c->res) : 0;
		uint64_t n = c->res.nrows;
		dn_exec_result_free(&c->res);
		dn_x_clause_text(x, call, buf, sizeof buf);
		return rc ? rc : dn_prof_line(x->prof, SIZE_MAX, 0, "ProcedureCall", buf, 1.0, n, dn_op_now_ms() - t0);
	}
	if ((rc = build_body(x, body, &c->root, &c->cols, &c->ncols)))
		return rc;
	if ((rc = dn_x_rows_init(&c->batch, c->ncols)))
		return rc;
	c->pos = SIZE_MAX;
	if (st->u.stmt.mode == DN_STMT_EXPLAIN)
		return dn_op_explain(c->root, x->prof, 0);
	if ((rc = dn_op_open(c->root)))
		return rc;
	if (st->u.stmt.mode == DN_STMT_PROFILE) {
		/* runs it, drops the rows, returns the tree with what each did */
		rc = cursor_materialize(c);
		return rc ? rc : dn_op_explain(c->root, x->prof, 0);
	}
	/* a statement that writes runs whole now: its effects and counts are
	 * complete when execution returns */
	if (!dn_exec_is_write(x->pr, x->params))
		return 0;
	rc = cursor_materialize(c);
	dn_op_free(c->root);
	c->root = NULL;
	return rc;
}

int dn_exec_open(dn_txn *txn, const dn_parse_result *pr, uint32_t nslots, const dn_exec_params *params,
                 dn_query_stats *stats, dn_query_error *err, dn_exec_cursor **out)
{
	const dn_ast *st = pr->root;
	dn_exec_cursor *c = calloc(1, sizeof *c);
	*out = c;
	if (!c)
		return DN_ENOMEM;
	c->params = *params;
	c->x = (exec){txn, pr, &c->params, stats, err, nslots, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, false};
	c->row = SIZE_MAX;
	c->serial = dn_txn_serial(txn);
	exec *x = &c->x;
	int rc = 0;
	if (st->u.stmt.as_of) {
		if ((rc = as_of_txn(x, st)))
			return rc;
		c->past = x->txn;
	}
	if (st->u.stmt.mode != DN_STMT_RUN && !(x->prof = dn_prof_new(st->u.stmt.mode == DN_STMT_PROFILE)))
		return DN_ENOMEM;
	rc = cursor_start(c, st);
	if (!rc && x->prof) {
		/* the plan holds no entities: the past is not needed any more */
		dn_op_free(c->root);
		c->root = NULL;
		dn_exec_result_free(&c->res);
		c->materialized = true;
		rc = dn_prof_result(x->prof, &c->res);
	}
	return rc;
}

int dn_exec_reopen(dn_exec_cursor *c, dn_txn *txn, const dn_exec_params *params)
{
	/* only a streaming read's tree, in the read transaction it was planned
	 * in (the plan rests on that snapshot's counts: a label every node
	 * carries is not tested, for one), and not one built on parameter
	 * values (a LIMIT $n's top-k) */
	if (!c || c->materialized || c->past || c->x.prof || !c->root || c->x.built_on_params ||
	    !dn_txn_is_rdonly(txn) || c->serial != dn_txn_serial(txn) || c->x.txn != txn)
		return 1;
	dn_op_close(c->root);
	dn_x_rows_clear(&c->batch);
	c->params = *params;
	c->pos = c->row = SIZE_MAX;
	c->ended = false;
	return dn_op_open(c->root);
}

int dn_exec_cursor_step(dn_exec_cursor *c)
{
	if (c->materialized) {
		size_t next = c->row == SIZE_MAX ? 0 : c->row + 1;
		c->row = next < c->res.nrows ? next : c->res.nrows;
		return next < c->res.nrows ? DN_ROW : DN_DONE;
	}
	if (c->pos != SIZE_MAX && c->pos + 1 < c->batch.n) {
		c->pos++;
		return DN_ROW;
	}
	int rc = c->root && !c->ended ? dn_op_next(c->root, &c->batch, DN_OP_BATCH) : DN_DONE;
	c->pos = rc == DN_ROW ? 0 : SIZE_MAX;
	if (rc != DN_ROW && c->root && !c->ended) {
		/* the end: the tree's iterators go now, inside the transaction; the
		 * closed tree stays for another execution in the same one */
		dn_x_rows_clear(&c->batch);
		dn_op_close(c->root);
		c->ended = true;
	}
	return rc;
}

const dn_value *dn_exec_cursor_row(const dn_exec_cursor *c)
{
	if (c->materialized)
		return c->row < c->res.nrows ? c->res.vals + c->row * c->res.ncols : NULL;
	return c->pos < c->batch.n ? c->batch.v + c->pos * c->batch.width : NULL;
}

size_t dn_exec_cursor_ncols(const dn_exec_cursor *c)
{
	return c->materialized ? c->res.ncols : c->ncols;
}

const char *dn_exec_cursor_col(const dn_exec_cursor *c, size_t i)
{
	return i >= dn_exec_cursor_ncols(c) ? NULL : c->materialized ? c->res.cols[i] : c->cols[i];
}

dn_txn *dn_exec_cursor_past(const dn_exec_cursor *c)
{
	return c->past;
}

void dn_exec_cursor_free(dn_exec_cursor *c)
{
	if (!c)
		return;
	dn_op_free(c->root);
	dn_x_rows_free(&c->batch);
	dn_exec_result_free(&c->res);
	for (size_t i = 0; c->cols && i < c->ncols; i++)
		free(c->cols[i]);
	free(c->cols);
	dn_prof_free(c->x.prof);
	/* the rows' entities were read through the past transaction */
	dn_txn_abort(c->past);
	free(c);
}
