/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapping_parse.c — reads a mapping file (JSON, through jansson) and
 * compiles it into node and edge templates, skip conditions and metadata
 * sources (mapping.h). Every mistake is reported with the file and the JSON
 * path of the offending member: "decl.json: nodes[2].key: 'tin' is not a
 * property of this node". Column names are checked later, against the CSV
 * header (mapping_load.c).
 */
#include "mapping.h"

#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mp_ctx {
	const char *file;
	char *err;
	size_t errlen;
} mp_ctx;

static int perr(mp_ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(mp_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s: %s: ", c->file, path);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return DN_ESYNTAX;
}

/* Rejects members other than the allowed ones (a typo would otherwise be
 * silently ignored). allowed is a NULL-terminated list. */
static int check_members(mp_ctx *c, const json_t *obj, const char *path,
                         const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)obj, k, v) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (strcmp(allowed[i], k) == 0)
				break;
		if (!allowed[i]) {
			char list[256] = "";
			for (i = 0; allowed[i]; i++) {
				strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
				strncat(list, allowed[i], sizeof list - strlen(list) - 1);
			}
			return perr(c, path, "unknown member '%s' (known: %s)", k, list);
		}
	}
	return 0;
}

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int one_char(mp_ctx *c, const json_t *o, const char *key, const char *path,
                    char *out)
{
	const json_t *v = json_object_get(o, key);
	const char *s;
	if (!v)
		return 0;
	s = json_string_value(v);
	if (!s || strlen(s) != 1 || s[0] == '\n' || s[0] == '\r') {
		if (s && strcmp(s, "\\t") == 0) {
			*out = '\t';
			return 0;
		}
		return perr(c, path, "%s must be one character", key);
	}
	*out = s[0];
	return 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

/* A JSON constant to a stored value (scalars and arrays of scalars). */
static int json_const(mp_ctx *c, const json_t *j, const char *path, dn_value *out)
{
	int err = 0;
	switch (json_typeof(j)) {
	case JSON_INTEGER: *out = dn_value_int(json_integer_value(j)); return 0;
	case JSON_REAL: *out = dn_value_float(json_real_value(j)); return 0;
	case JSON_TRUE: *out = dn_value_bool(true); return 0;
	case JSON_FALSE: *out = dn_value_bool(false); return 0;
	case JSON_STRING:
		*out = dn_value_stringn(json_string_value(j), json_string_length(j), &err);
		return err;
	case JSON_ARRAY: {
		size_t n = json_array_size(j);
		dn_value *items = calloc(n ? n : 1, sizeof *items);
		int rc = 0;
		if (!items)
			return DN_ENOMEM;
		for (size_t i = 0; i < n && !rc; i++) {
			if (json_is_array(json_array_get(j, i)))
				rc = perr(c, path, "a constant list cannot nest lists");
			else
				rc = json_const(c, json_array_get(j, i), path, &items[i]);
		}
		if (!rc)
			*out = dn_value_list(items, n, &rc);
		for (size_t i = 0; i < n; i++)
			dn_value_free(&items[i]);
		free(items);
		return rc;
	}
	default:
		return perr(c, path, "a constant is a string, number, boolean or list");
	}
}

static void value_free(mp_value *v)
{
	if (!v)
		return;
	free(v->column);
	free(v->path);
	free(v->const_text);
	free(v->dflt);
	dn_value_free(&v->const_val);
	mt_chain_free(&v->chain);
}

/* "column name", or {"column": ..., "transform": [...], "default": "..."},
 * or {"value": constant, "transform": [...]}. */
static int value_parse(mp_ctx *c, const json_t *j, const char *path, mp_value *v)
{
	static const char *const allowed[] = {"column", "value", "transform", "default", "optional",
	                                      NULL};
	const json_t *col, *val;
	char tp[512];
	int rc;

	memset(v, 0, sizeof *v);
	v->col = -1;
	v->const_val = dn_value_null();
	if (!(v->path = strdup(path)))
		return DN_ENOMEM;
	if (json_is_string(j)) {
		if (!(v->column = strdup(json_string_value(j))))
			return DN_ENOMEM;
		return 0;
	}
	if (!json_is_object(j))
		return perr(c, path, "expected a column name or an object with \"column\" or \"value\"");
	if ((rc = check_members(c, j, path, allowed)))
		return rc;
	col = json_object_get(j, "column");
	val = json_object_get(j, "value");
	if ((col != NULL) == (val != NULL))
		return perr(c, path, "give exactly one of \"column\" and \"value\"");
	if (col) {
		if (!json_is_string(col) || !json_string_length(col))
			return perr(c, path, "\"column\" must be a column name");
		if (!(v->column = strdup(json_string_value(col))))
			return DN_ENOMEM;
	} else {
		v->has_const = true;
		if (json_is_string(val)) {
			if (!(v->const_text = strdup(json_string_value(val))))
				return DN_ENOMEM;
		} else if ((rc = json_const(c, val, path, &v->const_val))) {
			return rc;
		}
	}
	v->optional = json_is_true(json_object_get(j, "optional"));
	if (json_object_get(j, "default")) {
		const char *d = json_string_value(json_object_get(j, "default"));
		if (!d || !col)
			return perr(c, path, "\"default\" is the text used when the column is empty (a string, with \"column\")");
		if (!(v->dflt = strdup(d)))
			return DN_ENOMEM;
	}
	snprintf(tp, sizeof tp, "%s.transform", path);
	if (json_object_get(j, "transform")) {
		if (v->has_const && !v->const_text)
			return perr(c, tp, "only a string constant can be transformed");
		rc = mt_chain_compile(json_object_get(j, "transform"), tp, &v->chain, c->err, c->errlen);
		if (rc == DN_ESYNTAX) {
			/* prefix the file name */
			char tmp[1024];
			snprintf(tmp, sizeof tmp, "%s: %s", c->file, c->err);
			snprintf(c->err, c->errlen, "%s", tmp);
		}
		return rc;
	}
	return 0;
}

static int props_parse(mp_ctx *c, const json_t *j, const char *path,
                       mp_prop **out, size_t *n)
{
	const char *k;
	json_t *v;
	size_t i = 0;
	int rc;

	*n = 0;
	*out = NULL;
	if (!j)
		return 0;
	if (!json_is_object(j))
		return perr(c, path, "\"properties\" is an object of property name -> source");
	if (!(*out = calloc(json_object_size(j) + 1, sizeof **out)))
		return DN_ENOMEM;
	json_object_foreach((json_t *)j, k, v) {
		char p[512];
		snprintf(p, sizeof p, "%s.%s", path, k);
		if (!*k)
			return perr(c, path, "empty property name");
		if (!((*out)[i].key = strdup(k)))
			return DN_ENOMEM;
		*n = ++i;
		if ((rc = value_parse(c, v, p, &(*out)[i - 1].v)))
			return rc;
	}
	return 0;
}

/* Moves the properties named by "key" to the front, in key order. */
static int keys_parse(mp_ctx *c, const json_t *j, const char *path, mp_prop *props,
                      size_t nprops, size_t *nkeys, bool required)
{
	size_t n;
	*nkeys = 0;
	if (!j) {
		if (required)
			return perr(c, path, "a node needs \"key\": the properties that find it again (MERGE)");
		return 0;
	}
	if (json_is_string(j)) {
		json_t *a = json_pack("[O]", j);
		int rc;
		if (!a)
			return DN_ENOMEM;
		rc = keys_parse(c, a, path, props, nprops, nkeys, required);
		json_decref(a);
		return rc;
	}
	if (!json_is_array(j) || (required && json_array_size(j) == 0))
		return perr(c, path, "\"key\" is a list of property names%s", required ? " (at least one)" : "");
	n = json_array_size(j);
	for (size_t i = 0; i < n; i++) {
		const char *k = json_string_value(json_array_get(j, i));
		size_t f;
		char p[512];
		snprintf(p, sizeof p, "%s[%zu]", path, i);
		if (!k)
			return perr(c, p, "a key is a property name");
		for (f = i; f < nprops; f++)
			if (strcmp(props[f].key, k) == 0)
				break;
		if (f == nprops) {
			for (f = 0; f < i; f++)
				if (strcmp(props[f].key, k) == 0)
					return perr(c, p, "'%s' is listed twice", k);
			return perr(c, p, "'%s' is not a property of this template", k);
		}
		if (f != i) {
			mp_prop t = props[f];
			memmove(&props[i + 1], &props[i], (f - i) * sizeof *props);
			props[i] = t;
		}
	}
	*nkeys = n;
	return 0;
}

static int strings_parse(mp_ctx *c, const json_t *j, const char *path, char ***out,
                         size_t *n, bool nonempty_items)
{
	size_t m;
	*out = NULL;
	*n = 0;
	if (json_is_string(j)) {
		if (!(*out = calloc(1, sizeof **out)) || !((*out)[0] = strdup(json_string_value(j))))
			return DN_ENOMEM;
		*n = 1;
		return 0;
	}
	if (!json_is_array(j))
		return perr(c, path, "expected a string or a list of strings");
	m = json_array_size(j);
	if (!(*out = calloc(m + 1, sizeof **out)))
		return DN_ENOMEM;
	for (size_t i = 0; i < m; i++) {
		const char *s = json_string_value(json_array_get(j, i));
		if (!s || (nonempty_items && !*s))
			return perr(c, path, "item %zu is not a non-empty string", i);
		if (!((*out)[i] = strdup(s)))
			return DN_ENOMEM;
		*n = i + 1;
	}
	return 0;
}

static void strings_free(char **s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Templates                                                           */
/* ------------------------------------------------------------------ */

static int space_of(dn_mapping *m, const mp_node *nd)
{
	mp_space *s;
	for (size_t i = 0; i < m->nspaces; i++) {
		size_t k;
		s = &m->spaces[i];
		if (strcmp(s->label, nd->labels[0]))
			continue;
		for (k = 0; k < s->nkeys && k < nd->nkeys; k++)
			if (strcmp(s->keys[k], nd->props[k].key))
				break;
		if (k == s->nkeys && k == nd->nkeys)
			return (int)i;
		return -2; /* the same label under another key */
	}
	s = &m->spaces[m->nspaces];
	memset(s, 0, sizeof *s);
	if (!(s->label = strdup(nd->labels[0])) || !(s->keys = calloc(nd->nkeys, sizeof *s->keys)))
		return DN_ENOMEM;
	for (size_t k = 0; k < nd->nkeys; k++) {
		if (!(s->keys[k] = strdup(nd->props[k].key)))
			return DN_ENOMEM;
		s->nkeys = k + 1;
	}
	return (int)m->nspaces++;
}

static int cond_parse(mp_ctx *c, const json_t *j, const char *path, mp_cond *cd);

/* One condition object or a list of them. */
static int conds_parse(mp_ctx *c, const json_t *j, const char *path, mp_cond **out,
                       size_t *n)
{
	size_t m = json_is_array(j) ? json_array_size(j) : 1;
	int rc;
	*n = 0;
	if (!(*out = calloc(m ? m : 1, sizeof **out)))
		return DN_ENOMEM;
	for (size_t i = 0; i < m; i++) {
		char p[256];
		snprintf(p, sizeof p, json_is_array(j) ? "%s[%zu]" : "%s", path, i);
		*n = i + 1;
		if ((rc = cond_parse(c, json_is_array(j) ? json_array_get(j, i) : j, p, &(*out)[i])))
			return rc;
	}
	return 0;
}

static void conds_free(mp_cond *cs, size_t n);

static int node_parse(mp_ctx *c, dn_mapping *m, const json_t *j, size_t idx)
{
	static const char *const allowed[] = {"id", "labels", "key", "properties", "on_match",
	                                      "when", NULL};
	mp_node *nd = &m->nodes[idx];
	char path[128], p[160];
	const char *om;
	int rc;

	snprintf(path, sizeof path, "nodes[%zu]", idx);
	if (!json_is_object(j))
		return perr(c, path, "a node template is an object");
	if ((rc = check_members(c, j, path, allowed)))
		return rc;
	if (!json_is_string(json_object_get(j, "id")) || !*json_string_value(json_object_get(j, "id")))
		return perr(c, path, "a node template needs an \"id\" that edges use in \"from\" and \"to\"");
	if (!(nd->id = xstrdup(json_string_value(json_object_get(j, "id")))))
		return DN_ENOMEM;
	for (size_t i = 0; i < idx; i++)
		if (strcmp(m->nodes[i].id, nd->id) == 0)
			return perr(c, path, "id '%s' is already used by nodes[%zu]", nd->id, i);
	snprintf(p, sizeof p, "%s.labels", path);
	if (!json_object_get(j, "labels"))
		return perr(c, p, "a node template needs at least one label");
	if ((rc = strings_parse(c, json_object_get(j, "labels"), p, &nd->labels, &nd->nlabels, true)))
		return rc;
	if (!nd->nlabels)
		return perr(c, p, "a node template needs at least one label");
	snprintf(p, sizeof p, "%s.properties", path);
	if ((rc = props_parse(c, json_object_get(j, "properties"), p, &nd->props, &nd->nprops)))
		return rc;
	snprintf(p, sizeof p, "%s.key", path);
	if ((rc = keys_parse(c, json_object_get(j, "key"), p, nd->props, nd->nprops, &nd->nkeys, true)))
		return rc;
	for (size_t k = 0; k < nd->nkeys; k++) {
		const mp_value *v = &nd->props[k].v;
		if ((v->has_const && !v->const_text) ||
		    (v->chain.n && v->chain.steps[v->chain.n - 1].kind >= MT_INT))
			return perr(c, p, "'%s' is a key, and keys are text: give it text "
			            "transforms only (trim, upper, tin, name, ...)", nd->props[k].key);
	}
	om = json_string_value(json_object_get(j, "on_match"));
	snprintf(p, sizeof p, "%s.on_match", path);
	if (!om || strcmp(om, "fill") == 0)
		nd->on_match = MP_ON_MATCH_FILL;
	else if (strcmp(om, "update") == 0)
		nd->on_match = MP_ON_MATCH_UPDATE;
	else if (strcmp(om, "keep") == 0)
		nd->on_match = MP_ON_MATCH_KEEP;
	if (json_object_get(j, "on_match") && (!om || (strcmp(om, "update") && strcmp(om, "keep") &&
	                                               strcmp(om, "fill"))))
		return perr(c, p, "on_match is \"fill\" (the default), \"update\" or \"keep\"");
	if (json_object_get(j, "when")) {
		snprintf(p, sizeof p, "%s.when", path);
		if ((rc = conds_parse(c, json_object_get(j, "when"), p, &nd->when, &nd->nwhen)))
			return rc;
	}
	if ((rc = space_of(m, nd)) == -2) {
		snprintf(p, sizeof p, "%s.key", path);
		return perr(c, p, "another template keys '%s' nodes by other properties: "
		            "a label's nodes are found again by one key", nd->labels[0]);
	}
	if (rc < 0)
		return rc;
	nd->space = rc;
	return 0;
}

static int node_ref(mp_ctx *c, const dn_mapping *m, const json_t *j, const char *path,
                    size_t *out)
{
	const char *id = json_string_value(j);
	if (!id)
		return perr(c, path, "expected the id of a node template");
	for (size_t i = 0; i < m->nnodes; i++)
		if (strcmp(m->nodes[i].id, id) == 0) {
			*out = i;
			return 0;
		}
	return perr(c, path, "no node template has the id '%s'", id);
}

static int edge_parse(mp_ctx *c, dn_mapping *m, const json_t *j, size_t idx)
{
	static const char *const allowed[] = {"type", "from", "to", "key", "properties",
	                                      "undirected", "self_loops", "when", NULL};
	mp_edge *e = &m->edges[idx];
	char path[128], p[160];
	int rc;

	snprintf(path, sizeof path, "edges[%zu]", idx);
	if (!json_is_object(j))
		return perr(c, path, "an edge template is an object");
	if ((rc = check_members(c, j, path, allowed)))
		return rc;
	snprintf(p, sizeof p, "%s.type", path);
	if (json_is_object(json_object_get(j, "type"))) {
		/* a type per row: from a column, "$file", ... */
		if (!(e->type_v = calloc(1, sizeof *e->type_v)))
			return DN_ENOMEM;
		if ((rc = value_parse(c, json_object_get(j, "type"), p, e->type_v)))
			return rc;
	} else if (!json_is_string(json_object_get(j, "type")) ||
	           !*json_string_value(json_object_get(j, "type"))) {
		return perr(c, p, "an edge template needs a \"type\": a name, or a value "
		            "such as {\"column\": \"kind\"}");
	} else if (!(e->type = xstrdup(json_string_value(json_object_get(j, "type"))))) {
		return DN_ENOMEM;
	}
	snprintf(p, sizeof p, "%s.from", path);
	if ((rc = node_ref(c, m, json_object_get(j, "from"), p, &e->from)))
		return rc;
	snprintf(p, sizeof p, "%s.to", path);
	if ((rc = node_ref(c, m, json_object_get(j, "to"), p, &e->to)))
		return rc;
	snprintf(p, sizeof p, "%s.properties", path);
	if ((rc = props_parse(c, json_object_get(j, "properties"), p, &e->props, &e->nprops)))
		return rc;
	snprintf(p, sizeof p, "%s.key", path);
	if ((rc = keys_parse(c, json_object_get(j, "key"), p, e->props, e->nprops, &e->nkeys, false)))
		return rc;
	if (json_object_get(j, "when")) {
		snprintf(p, sizeof p, "%s.when", path);
		if ((rc = conds_parse(c, json_object_get(j, "when"), p, &e->when, &e->nwhen)))
			return rc;
	}
	e->undirected = json_is_true(json_object_get(j, "undirected"));
	e->self_loops = !json_is_false(json_object_get(j, "self_loops"));
	return 0;
}

static int cond_parse(mp_ctx *c, const json_t *j, const char *path, mp_cond *cd)
{
	static const char *const allowed[] = {"column", "empty", "equals", "matches", "not", NULL};
	const json_t *col = json_object_get(j, "column");
	json_t *trim;
	int rc, kinds = 0;

	if (!json_is_object(j))
		return perr(c, path, "a skip condition is an object");
	if ((rc = check_members(c, j, path, allowed)))
		return rc;
	if (!json_is_string(col))
		return perr(c, path, "a skip condition needs a \"column\"");
	if (!(trim = json_string("trim")))
		return DN_ENOMEM;
	rc = value_parse(c, col, path, &cd->v);
	if (!rc)
		rc = mt_chain_compile(trim, path, &cd->v.chain, c->err, c->errlen);
	json_decref(trim);
	if (rc)
		return rc;
	if (json_object_get(j, "empty")) {
		kinds++;
		cd->kind = json_is_false(json_object_get(j, "empty")) ? MP_NOT_EMPTY : MP_EMPTY;
	}
	if (json_object_get(j, "equals")) {
		kinds++;
		cd->kind = MP_EQUALS;
		if ((rc = strings_parse(c, json_object_get(j, "equals"), path, &cd->vals, &cd->nvals, false)))
			return rc;
	}
	if (json_object_get(j, "matches")) {
		const char *re = json_string_value(json_object_get(j, "matches"));
		regex_t *r;
		kinds++;
		cd->kind = MP_MATCHES;
		if (!re)
			return perr(c, path, "\"matches\" is a regular expression");
		if (mt_regex_check(re))
			return perr(c, path, "regular expression '%s': %s", re, mt_regex_check(re));
		if (!(r = malloc(sizeof *r)))
			return DN_ENOMEM;
		if (regcomp(r, re, REG_EXTENDED | REG_NOSUB)) {
			free(r);
			return perr(c, path, "bad regular expression '%s'", re);
		}
		cd->re = r;
	}
	if (kinds != 1)
		return perr(c, path, "give exactly one of \"empty\", \"equals\" and \"matches\"");
	cd->negate = json_is_true(json_object_get(j, "not"));
	return 0;
}

static int meta_parse(mp_ctx *c, dn_mapping *m, const json_t *j)
{
	static const char *const allowed[] = {"source", "grade", "marking", "valid_from", "valid_to", NULL};
	static const char *const keys[] = {"source", "grade", "marking", "valid_from", "valid_to"};
	mp_value **slots[] = {&m->meta_source, &m->meta_grade, &m->meta_marking,
	                      &m->meta_from, &m->meta_to};
	int rc;

	if (!j)
		return 0;
	if (!json_is_object(j))
		return perr(c, "meta", "\"meta\" is an object");
	if ((rc = check_members(c, j, "meta", allowed)))
		return rc;
	for (size_t i = 0; i < 5; i++) {
		const json_t *v = json_object_get(j, keys[i]);
		char p[64];
		if (!v)
			continue;
		snprintf(p, sizeof p, "meta.%s", keys[i]);
		if (!(*slots[i] = calloc(1, sizeof **slots[i])))
			return DN_ENOMEM;
		if (json_is_string(v)) {
			/* a constant here, not a column name */
			json_t *o = json_pack("{sO}", "value", v);
			if (!o)
				return DN_ENOMEM;
			rc = value_parse(c, o, p, *slots[i]);
			json_decref(o);
		} else {
			rc = value_parse(c, v, p, *slots[i]);
		}
		if (rc)
			return rc;
		if ((*slots[i])->has_const && !(*slots[i])->const_text)
			return perr(c, p, "a constant here is a string");
	}
	return 0;
}

static int csv_parse(mp_ctx *c, dn_mapping *m, const json_t *j)
{
	static const char *const allowed[] = {"delimiter", "quote", "header", "columns", "encoding",
	                                      "comment", "matrix", NULL};
	const char *enc;
	int rc;

	m->delimiter = ',';
	m->quote = '"';
	m->header = true;
	if (!j)
		return 0;
	if (!json_is_object(j))
		return perr(c, "csv", "\"csv\" is an object");
	if ((rc = check_members(c, j, "csv", allowed)) ||
	    (rc = one_char(c, j, "delimiter", "csv.delimiter", &m->delimiter)) ||
	    (rc = one_char(c, j, "quote", "csv.quote", &m->quote)) ||
	    (rc = one_char(c, j, "comment", "csv.comment", &m->comment)))
		return rc;
	if (m->delimiter == m->quote)
		return perr(c, "csv", "delimiter and quote are the same character");
	if (json_object_get(j, "header")) {
		if (!json_is_boolean(json_object_get(j, "header")))
			return perr(c, "csv.header", "true or false");
		m->header = json_is_true(json_object_get(j, "header"));
	}
	enc = json_string_value(json_object_get(j, "encoding"));
	if (json_object_get(j, "encoding") && (!enc || (strcasecmp(enc, "UTF-8") && strcasecmp(enc, "utf8"))))
		return perr(c, "csv.encoding", "only UTF-8 is read (convert with iconv -f ... -t UTF-8)");
	if (json_object_get(j, "columns") &&
	    (rc = strings_parse(c, json_object_get(j, "columns"), "csv.columns", &m->columns,
	                        &m->ncolumns, true)))
		return rc;
	if (!m->header && !m->ncolumns)
		return perr(c, "csv.columns", "without a header row, \"columns\" names the columns");
	if (json_object_get(j, "matrix")) {
		if (!json_is_boolean(json_object_get(j, "matrix")))
			return perr(c, "csv.matrix", "true or false");
		m->matrix = json_is_true(json_object_get(j, "matrix"));
		if (m->matrix && (!m->header || m->ncolumns))
			return perr(c, "csv.matrix", "a matrix's first row labels its columns: "
			            "no \"columns\", and \"header\" true");
	}
	return 0;
}

static int mapping_compile(mp_ctx *c, dn_mapping *m, const json_t *root)
{
	static const char *const allowed[] = {"name", "description", "csv", "meta", "skip_rows",
	                                      "nodes", "edges", NULL};
	const json_t *nodes, *edges, *skips;
	int rc;

	if (!json_is_object(root))
		return perr(c, "$", "a mapping is a JSON object");
	if ((rc = check_members(c, root, "$", allowed)))
		return rc;
	if (json_object_get(root, "name") && !json_is_string(json_object_get(root, "name")))
		return perr(c, "name", "a string");
	if (json_is_string(json_object_get(root, "name"))) {
		if (!(m->name = strdup(json_string_value(json_object_get(root, "name")))))
			return DN_ENOMEM;
	} else {
		const char *b = strrchr(m->file, '/');
		char *dot;
		if (!(m->name = strdup(b ? b + 1 : m->file)))
			return DN_ENOMEM;
		if ((dot = strrchr(m->name, '.')) && dot != m->name)
			*dot = '\0';
	}
	if ((rc = csv_parse(c, m, json_object_get(root, "csv"))) ||
	    (rc = meta_parse(c, m, json_object_get(root, "meta"))))
		return rc;
	nodes = json_object_get(root, "nodes");
	if (!json_is_array(nodes) || !json_array_size(nodes))
		return perr(c, "nodes", "a mapping needs a list of node templates");
	m->nnodes = json_array_size(nodes);
	if (!(m->nodes = calloc(m->nnodes, sizeof *m->nodes)) ||
	    !(m->spaces = calloc(m->nnodes, sizeof *m->spaces)))
		return DN_ENOMEM;
	for (size_t i = 0; i < m->nnodes; i++)
		if ((rc = node_parse(c, m, json_array_get(nodes, i), i)))
			return rc;
	edges = json_object_get(root, "edges");
	if (edges && !json_is_array(edges))
		return perr(c, "edges", "a list of edge templates");
	m->nedges = json_array_size(edges);
	if (m->nedges && !(m->edges = calloc(m->nedges, sizeof *m->edges)))
		return DN_ENOMEM;
	for (size_t i = 0; i < m->nedges; i++)
		if ((rc = edge_parse(c, m, json_array_get(edges, i), i)))
			return rc;
	skips = json_object_get(root, "skip_rows");
	if (skips && !json_is_array(skips))
		return perr(c, "skip_rows", "a list of conditions");
	m->nskips = json_array_size(skips);
	if (m->nskips && !(m->skips = calloc(m->nskips, sizeof *m->skips)))
		return DN_ENOMEM;
	for (size_t i = 0; i < m->nskips; i++) {
		char p[64];
		snprintf(p, sizeof p, "skip_rows[%zu]", i);
		if ((rc = cond_parse(c, json_array_get(skips, i), p, &m->skips[i])))
			return rc;
	}
	return 0;
}

int dn_mapping_parse(const char *text, size_t len, const char *name,
                     dn_mapping **out, char *err, size_t errlen)
{
	mp_ctx c = {name, err, errlen};
	json_error_t je;
	json_t *root;
	dn_mapping *m;
	int rc;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
		return DN_ESYNTAX;
	}
	if (!(m = calloc(1, sizeof *m)) || !(m->file = strdup(name))) {
		free(m);
		json_decref(root);
		return DN_ENOMEM;
	}
	rc = mapping_compile(&c, m, root);
	json_decref(root);
	if (rc) {
		if (rc == DN_ENOMEM)
			snprintf(err, errlen, "%s: out of memory", name);
		dn_mapping_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int dn_mapping_load(const char *path, dn_mapping **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, k;
	int rc;

	*out = NULL;
	if (!f) {
		rc = errno == ENOENT ? DN_ENOTFOUND : errno == EACCES ? DN_EPERM : DN_EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	do {
		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);
			if (!nb) {
				free(buf);
				fclose(f);
				return DN_ENOMEM;
			}
			buf = nb;
		}
		k = fread(buf + len, 1, cap - len, f);
		len += k;
	} while (k > 0);
	rc = ferror(f) ? DN_EIO : 0;
	fclose(f);
	if (rc)
		snprintf(err, errlen, "%s: read error", path);
	else
		rc = dn_mapping_parse(buf, len, path, out, err, errlen);
	free(buf);
	return rc;
}

static void conds_free(mp_cond *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		value_free(&cs[i].v);
		strings_free(cs[i].vals, cs[i].nvals);
		if (cs[i].re) {
			regfree(cs[i].re);
			free(cs[i].re);
		}
	}
	free(cs);
}

void dn_mapping_free(dn_mapping *m)
{
	mp_value *metas[5];
	if (!m)
		return;
	for (size_t i = 0; i < m->nnodes; i++) {
		mp_node *nd = &m->nodes[i];
		free(nd->id);
		strings_free(nd->labels, nd->nlabels);
		for (size_t k = 0; k < nd->nprops; k++) {
			free(nd->props[k].key);
			value_free(&nd->props[k].v);
		}
		free(nd->props);
		conds_free(nd->when, nd->nwhen);
	}
	for (size_t i = 0; i < m->nedges; i++) {
		mp_edge *e = &m->edges[i];
		free(e->type);
		conds_free(e->when, e->nwhen);
		value_free(e->type_v);
		free(e->type_v);
		for (size_t k = 0; k < e->nprops; k++) {
			free(e->props[k].key);
			value_free(&e->props[k].v);
		}
		free(e->props);
	}
	for (size_t i = 0; i < m->nspaces; i++) {
		free(m->spaces[i].label);
		strings_free(m->spaces[i].keys, m->spaces[i].nkeys);
	}
	conds_free(m->skips, m->nskips);
	metas[0] = m->meta_source;
	metas[1] = m->meta_grade;
	metas[2] = m->meta_marking;
	metas[3] = m->meta_from;
	metas[4] = m->meta_to;
	for (size_t i = 0; i < 5; i++) {
		value_free(metas[i]);
		free(metas[i]);
	}
	free(m->nodes);
	free(m->edges);
	free(m->spaces);
	strings_free(m->columns, m->ncolumns);
	free(m->name);
	free(m->file);
	free(m);
}
