/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * import_jsonl.c — JSON Lines (dn_import_jsonl, docs/IMPORT_EXPORT.md "JSON
 * Lines"): one node or relationship per line, parsed with jansson, turned
 * into dn_values (tagged temporal objects included) and written through the
 * loader. Lines are read one at a time into a reused buffer. Node ids map
 * to node ids in an in-memory space for the call; with keep_ids they are
 * also stored in "_id" and found again through the space of the node's
 * first label, which makes a second load of the same file change nothing.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "loader.h"
#include "typed.h"

typedef struct jl_ctx {
	dn_loader *ld;
	const char *file;
	uint64_t line;
	int ids;          /* the call's in-memory id space */
	/* scratch of one line */
	dn_prop *props;
	size_t props_cap;
	dn_value **lists; /* list storage allocated for this line */
	size_t nlists, lists_cap;
	const char **labels;
	size_t labels_cap;
	char idbuf[32];
	char msg[1024];
} jl_ctx;

static int jl_fail(jl_ctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int jl_fail(jl_ctx *c, int code, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->msg, sizeof c->msg, "%s:%llu: ", c->file,
	                 (unsigned long long)c->line);
	va_start(ap, fmt);
	vsnprintf(c->msg + n, sizeof c->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

static void free_lists(jl_ctx *c)
{
	for (size_t i = 0; i < c->nlists; i++)
		free(c->lists[i]);
	c->nlists = 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static int to_value(jl_ctx *c, const char *key, json_t *j, dn_value *out);

static int tagged(jl_ctx *c, const char *key, json_t *j, dn_value *out)
{
	static const struct {
		const char *tag;
		dn_ptype type;
	} tags[] = {{"$date", DN_PT_DATE},           {"$datetime", DN_PT_DATETIME},
	            {"$duration", DN_PT_DURATION},   {"$localtime", DN_PT_LOCALTIME},
	            {"$time", DN_PT_TIME},           {"$localdatetime", DN_PT_LOCALDATETIME}};
	json_t *v;
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		if (!(v = json_object_get(j, tags[i].tag)))
			continue;
		if (json_object_size(j) != 1 || !json_is_string(v) ||
		    dn_ptype_convert(tags[i].type, json_string_value(v),
		                     json_string_length(v), out))
			return jl_fail(c, DN_ESYNTAX, "property '%s': {\"%s\": %s%s%s} is not %s",
			               key, tags[i].tag, json_is_string(v) ? "\"" : "",
			               json_is_string(v) ? json_string_value(v) : "...",
			               json_is_string(v) ? "\"" : "", dn_ptype_what(tags[i].type));
		return 0;
	}
	return jl_fail(c, DN_ETYPE, "property '%s': an object is not a property value "
	               "(only {\"$date\"|\"$datetime\"|\"$duration\"|\"$localtime\"|\"$time\"|"
	               "\"$localdatetime\": \"...\"})", key);
}

static int to_list(jl_ctx *c, const char *key, json_t *j, dn_value *out)
{
	size_t n = json_array_size(j);
	dn_value *items;
	if (c->nlists == c->lists_cap) {
		size_t cap = c->lists_cap ? c->lists_cap * 2 : 8;
		dn_value **nl = realloc(c->lists, cap * sizeof *nl);
		if (!nl)
			return jl_fail(c, DN_ENOMEM, "out of memory");
		c->lists = nl;
		c->lists_cap = cap;
	}
	items = calloc(n ? n : 1, sizeof *items);
	if (!items)
		return jl_fail(c, DN_ENOMEM, "out of memory");
	c->lists[c->nlists++] = items;
	for (size_t i = 0; i < n; i++) {
		int rc = to_value(c, key, json_array_get(j, i), &items[i]);
		if (rc)
			return rc;
		if (items[i].type == DN_NULL)
			return jl_fail(c, DN_ETYPE, "property '%s': a list item is null", key);
	}
	out->type = DN_LIST;
	out->owned = 0;
	out->len = (uint32_t)n;
	out->u.list = items;
	return 0;
}

static int to_value(jl_ctx *c, const char *key, json_t *j, dn_value *out)
{
	switch (json_typeof(j)) {
	case JSON_NULL: *out = dn_value_null(); return 0;
	case JSON_TRUE: *out = dn_value_bool(true); return 0;
	case JSON_FALSE: *out = dn_value_bool(false); return 0;
	case JSON_INTEGER: *out = dn_value_int(json_integer_value(j)); return 0;
	case JSON_REAL: *out = dn_value_float(json_real_value(j)); return 0;
	case JSON_STRING:
		*out = dn_value_stringn_ref(json_string_value(j), json_string_length(j));
		return 0;
	case JSON_ARRAY: return to_list(c, key, j, out);
	case JSON_OBJECT: return tagged(c, key, j, out);
	}
	return jl_fail(c, DN_ETYPE, "property '%s': unsupported JSON value", key);
}

static int to_props(jl_ctx *c, json_t *obj, size_t *np)
{
	const char *key;
	json_t *v;
	*np = 0;
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return jl_fail(c, DN_ETYPE, "\"properties\" is not an object");
	if (json_object_size(obj) > c->props_cap) {
		dn_prop *p = realloc(c->props, json_object_size(obj) * sizeof *p);
		if (!p)
			return jl_fail(c, DN_ENOMEM, "out of memory");
		c->props = p;
		c->props_cap = json_object_size(obj);
	}
	json_object_foreach(obj, key, v) {
		dn_value val;
		int rc = to_value(c, key, v, &val);
		if (rc)
			return rc;
		if (val.type != DN_NULL)
			c->props[(*np)++] = (dn_prop){key, val};
	}
	return 0;
}

static int to_meta(jl_ctx *c, json_t *obj, dn_meta *m)
{
	json_t *v;
	*m = dn_meta_none();
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return jl_fail(c, DN_ETYPE, "\"meta\" is not an object");
	if ((v = json_object_get(obj, "source")) && json_is_string(v))
		m->source = json_string_value(v);
	if ((v = json_object_get(obj, "record")) && json_is_string(v))
		m->record = json_string_value(v);
	if ((v = json_object_get(obj, "marking")) && json_is_string(v))
		m->marking = json_string_value(v);
	if ((v = json_object_get(obj, "reliability")) && !json_is_null(v)) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) > 1 || (*s && (s[0] < 'A' || s[0] > 'F')))
			return jl_fail(c, DN_ESYNTAX, "meta \"reliability\" must be \"A\" to \"F\"");
		m->reliability = s[0]; /* "" = not graded */
	}
	if ((v = json_object_get(obj, "credibility")) && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 6)
			return jl_fail(c, DN_ESYNTAX, "meta \"credibility\" must be 1 to 6 (0: not graded)");
		m->credibility = (uint8_t)json_integer_value(v);
	}
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "valid_to" : "valid_from";
		int64_t ms;
		if (!(v = json_object_get(obj, name)) || json_is_null(v))
			continue;
		if (!json_is_string(v) ||
		    dn_datetime_parse(json_string_value(v), json_string_length(v), &ms))
			return jl_fail(c, DN_ESYNTAX, "meta \"%s\" is not an ISO-8601 datetime", name);
		if (k)
			m->valid_to = ms;
		else
			m->valid_from = ms;
	}
	return 0;
}

/* The text of an "id" (a string or an integer) in c->idbuf or the JSON. */
static int id_text(jl_ctx *c, json_t *id, const char *what, const char **s, size_t *len)
{
	if (json_is_string(id)) {
		*s = json_string_value(id);
		*len = json_string_length(id);
		return 0;
	}
	if (json_is_integer(id)) {
		*len = (size_t)snprintf(c->idbuf, sizeof c->idbuf, "%lld",
		                        (long long)json_integer_value(id));
		*s = c->idbuf;
		return 0;
	}
	return jl_fail(c, DN_ESYNTAX, "%s is missing or not a string or an integer", what);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

static int do_node(jl_ctx *c, json_t *o)
{
	json_t *labels = json_object_get(o, "labels");
	const char *id = NULL;
	size_t idlen = 0, nl = 0, np;
	dn_meta m;
	dn_id n;
	int sp = -1, rc;

	if (json_object_get(o, "id") &&
	    (rc = id_text(c, json_object_get(o, "id"), "\"id\"", &id, &idlen)))
		return rc;
	if (labels && !json_is_array(labels))
		return jl_fail(c, DN_ESYNTAX, "\"labels\" is not an array");
	if (json_array_size(labels) > c->labels_cap) {
		const char **nlb = realloc(c->labels, json_array_size(labels) * sizeof *nlb);
		if (!nlb)
			return jl_fail(c, DN_ENOMEM, "out of memory");
		c->labels = nlb;
		c->labels_cap = json_array_size(labels);
	}
	for (size_t i = 0; i < json_array_size(labels); i++) {
		json_t *l = json_array_get(labels, i);
		if (!json_is_string(l) || !json_string_length(l))
			return jl_fail(c, DN_ESYNTAX, "label %zu is not a non-empty string", i + 1);
		c->labels[nl++] = json_string_value(l);
	}
	if ((rc = to_props(c, json_object_get(o, "properties"), &np)) ||
	    (rc = to_meta(c, json_object_get(o, "meta"), &m)))
		return rc;
	if (id && dn_loader_opts(c->ld)->keep_ids && nl) {
		if ((rc = dn_loader_space(c->ld, c->labels[0], "_id", &sp)))
			return jl_fail(c, rc, "%s", dn_errmsg(dn_loader_db(c->ld)));
	} else if (id) {
		sp = c->ids;
	}
	rc = dn_loader_node(c->ld, sp, id, idlen, c->labels, nl, c->props, np, &m, &n);
	if (!rc && id && sp != c->ids)
		rc = dn_loader_remember(c->ld, c->ids, id, idlen, n);
	if (rc)
		return jl_fail(c, rc, "%s", dn_errmsg(dn_loader_db(c->ld)));
	return 0;
}

static int do_rel(jl_ctx *c, json_t *o)
{
	json_t *type = json_object_get(o, "label");
	dn_id ends[2];
	size_t np;
	dn_meta m;
	int rc;

	if (!json_is_string(type) || !json_string_length(type))
		return jl_fail(c, DN_ESYNTAX, "a relationship needs \"label\", its type");
	for (int k = 0; k < 2; k++) {
		const char *what = k ? "\"end\"" : "\"start\"";
		json_t *end = json_object_get(o, k ? "end" : "start");
		const char *id;
		size_t len;
		if (!json_is_object(end))
			return jl_fail(c, DN_ESYNTAX, "%s is missing or not an object", what);
		if ((rc = id_text(c, json_object_get(end, "id"), k ? "end.id" : "start.id", &id, &len)))
			return rc;
		rc = dn_loader_lookup(c->ld, c->ids, id, len, &ends[k]);
		if (rc == DN_ENOTFOUND)
			return jl_fail(c, rc, "%s.id '%.*s' names no node of this import "
			               "(nodes come before the relationships that use them)",
			               k ? "end" : "start", (int)len, id);
		if (rc)
			return jl_fail(c, rc, "%s", dn_errmsg(dn_loader_db(c->ld)));
	}
	if ((rc = to_props(c, json_object_get(o, "properties"), &np)) ||
	    (rc = to_meta(c, json_object_get(o, "meta"), &m)))
		return rc;
	rc = dn_loader_edge(c->ld, ends[0], ends[1], json_string_value(type), c->props, np, &m);
	if (rc)
		return jl_fail(c, rc, "%s", dn_errmsg(dn_loader_db(c->ld)));
	return 0;
}

static int do_line(jl_ctx *c, const char *text, size_t len)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
	const char *type;
	int rc;
	if (!o)
		return jl_fail(c, DN_ESYNTAX, "column %d: invalid JSON: %s", je.column, je.text);
	type = json_string_value(json_object_get(o, "type"));
	if (!json_is_object(o))
		rc = jl_fail(c, DN_ESYNTAX, "a line must be a JSON object");
	else if (type && strcmp(type, "node") == 0)
		rc = do_node(c, o);
	else if (type && strcmp(type, "relationship") == 0)
		rc = do_rel(c, o);
	else
		rc = jl_fail(c, DN_ESYNTAX, "\"type\" must be \"node\" or \"relationship\"");
	free_lists(c);
	json_decref(o);
	return rc;
}

static int import_file(jl_ctx *c, const char *path)
{
	dn_db *db = dn_loader_db(c->ld);
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	uint64_t off = 0;
	ssize_t n;
	int rc = 0;

	if (!f)
		return dn_error(db, errno == ENOENT ? DN_ENOTFOUND : DN_EIO, "%s: %s",
		                path, strerror(errno));
	c->file = path;
	c->line = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;
		const char *p = line;
		off += len;
		c->line++;
		if (c->line == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3, len -= 3;
		while (len && (p[len - 1] == '\n' || p[len - 1] == '\r' ||
		               p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		if ((rc = do_line(c, p, len))) {
			if (rc == DN_ENOMEM || rc == DN_EIO || rc == DN_ETXN || rc == DN_ECORRUPT) {
				rc = dn_error(db, rc, "%s", c->msg);
				break;
			}
			if ((rc = dn_loader_reject(c->ld, rc, path, c->line, c->msg, p, len)))
				break;
		}
		if ((rc = dn_loader_row_done(c->ld, path, off)))
			break;
	}
	if (!rc && ferror(f))
		rc = dn_error(db, DN_EIO, "%s: read error", path);
	if (!rc)
		dn_loader_input_done(c->ld, path, off);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

int dn_import_jsonl(dn_db *db, const char *const *files, size_t nfiles,
                    const dn_import_opts *opts, dn_import_summary *summary)
{
	dn_import_summary local;
	dn_loader *ld = NULL;
	jl_ctx c;
	uint64_t total = 0;
	int rc, erc;

	if (!summary)
		summary = &local;
	memset(summary, 0, sizeof *summary);
	if (!db || (nfiles && !files))
		return DN_EINVAL;
	for (size_t i = 0; i < nfiles; i++)
		total += dn_loader_file_size(files[i]);
	if ((rc = dn_loader_begin(db, opts, summary, total, &ld)))
		return rc;
	memset(&c, 0, sizeof c);
	c.ld = ld;
	rc = dn_loader_space(ld, "", NULL, &c.ids);
	for (size_t i = 0; !rc && i < nfiles; i++)
		rc = import_file(&c, files[i]);
	free_lists(&c);
	free(c.lists);
	free(c.props);
	free(c.labels);
	erc = dn_loader_end(ld, rc == 0);
	return rc ? rc : erc;
}
