/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export.c — the entry points of export (dn_export, dn_export_txn): the
 * format table, the selection (the whole graph, or the subgraph a query's
 * rows name: nodes, relationships with their endpoints, paths, also inside
 * lists and maps), visiting the selected elements through the read
 * transaction (so clearances and as-of reads apply), the attribute schema
 * the XML formats declare, and the atomic output: a temporary file or
 * directory next to the target, renamed into place only when complete.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_internal.h"
#include "internal.h"

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

static const struct export_fmt {
	const char *name;
	dn_export_format format;
	int (*write)(dn_xp *x);
	bool directory; /* writes several files into a directory */
} export_fmts[] = {
	{"csv", DN_EXPORT_CSV, dn_xp_write_csv, true},
	{"jsonl", DN_EXPORT_JSONL, dn_xp_write_jsonl, false},
	{"graphml", DN_EXPORT_GRAPHML, dn_xp_write_graphml, false},
	{"gexf", DN_EXPORT_GEXF, dn_xp_write_gexf, false},
	{"dot", DN_EXPORT_DOT, dn_xp_write_dot, false},
	{"cytoscape", DN_EXPORT_CYTOSCAPE, dn_xp_write_cytoscape, false},
	{"canonical", DN_EXPORT_CANONICAL, dn_xp_write_canonical, false},
};

#define EXPORT_NFMTS (sizeof export_fmts / sizeof export_fmts[0])

static const struct export_fmt *export_fmt_get(dn_export_format f)
{
	for (size_t i = 0; i < EXPORT_NFMTS; i++)
		if (export_fmts[i].format == f)
			return &export_fmts[i];
	return NULL;
}

int dn_export_format_from_name(const char *name, dn_export_format *out)
{
	for (size_t i = 0; name && i < EXPORT_NFMTS; i++)
		if (strcmp(export_fmts[i].name, name) == 0) {
			*out = export_fmts[i].format;
			return 0;
		}
	return DN_EINVAL;
}

const char *dn_export_format_name(dn_export_format format)
{
	const struct export_fmt *f = export_fmt_get(format);
	return f ? f->name : NULL;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

int dn_xp_fail(dn_xp *x, int code, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return dn_error(x->db, code, "%s", msg);
}

int dn_xp_check_stream(dn_xp *x, FILE *f, const char *what)
{
	errno = 0;
	if (fflush(f) != 0 || ferror(f))
		return dn_xp_fail(x, DN_EIO, "cannot write %s: %s", what,
		                  errno ? strerror(errno) : "write error");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Selection                                                           */
/* ------------------------------------------------------------------ */

typedef struct export_ids {
	dn_id *v;
	size_t n, cap;
} export_ids;

static int export_ids_add(export_ids *a, dn_id id)
{
	return dn_xp_insert_at((void **)&a->v, &a->n, &a->cap, sizeof id, a->n, &id);
}

static int export_id_cmp(const void *a, const void *b)
{
	dn_id x = *(const dn_id *)a, y = *(const dn_id *)b;
	return x < y ? -1 : x > y;
}

static void export_ids_sort_unique(export_ids *a)
{
	size_t w = 0;

	if (a->n == 0)
		return;
	qsort(a->v, a->n, sizeof *a->v, export_id_cmp);
	for (size_t i = 1; i < a->n; i++)
		if (a->v[i] != a->v[w])
			a->v[++w] = a->v[i];
	a->n = w + 1;
}

/* Adds every node and relationship inside v. */
static int export_collect(export_ids *nodes, export_ids *edges, const dn_value *v)
{
	int rc = 0;

	switch (v->type) {
	case DN_NODE: return export_ids_add(nodes, (dn_id)v->u.i);
	case DN_REL: return export_ids_add(edges, (dn_id)v->u.i);
	case DN_LIST:
	case DN_PATH:
		for (uint32_t i = 0; i < v->len && !rc; i++)
			rc = export_collect(nodes, edges, &v->u.list[i]);
		return rc;
	case DN_MAP:
		for (uint32_t i = 0; i < v->len && !rc; i++)
			rc = export_collect(nodes, edges, &v->u.list[2 * i + 1]);
		return rc;
	default: return 0;
	}
}

/* Runs the query and keeps what its rows name in x->nodes / x->edges. */
static int export_select(dn_xp *x)
{
	const dn_export_opts *o = x->opts;
	dn_query_error qe, *err = o->query_error ? o->query_error : &qe;
	export_ids nodes = {0}, edges = {0};
	dn_stmt *s = NULL;
	int rc;

	memset(err, 0, sizeof *err);
	rc = dn_stmt_prepare(x->db, o->query, strlen(o->query), &s, err);
	if (rc)
		return dn_xp_fail(x, rc, "query: %s", err->message[0] ? err->message : dn_strerror(rc));
	if (dn_stmt_is_write(s)) {
		dn_stmt_free(s);
		return dn_xp_fail(x, DN_EINVAL, "query: export runs read-only queries; this one writes");
	}
	for (size_t i = 0; i < o->nparams && !rc; i++) {
		rc = dn_stmt_bind(s, o->params[i].name, &o->params[i].value);
		if (rc)
			dn_xp_fail(x, rc, "query: parameter $%s: %s", o->params[i].name, dn_strerror(rc));
	}
	if (!rc)
		rc = dn_stmt_execute(s, x->txn);
	while (!rc && (rc = dn_stmt_step(s)) == DN_ROW) {
		rc = 0;
		for (size_t c = 0; c < dn_stmt_column_count(s) && !rc; c++)
			rc = export_collect(&nodes, &edges, dn_stmt_column(s, c));
	}
	if (rc == DN_DONE)
		rc = 0;
	if (rc && dn_stmt_error(s)->code) {
		*err = *dn_stmt_error(s);
		dn_xp_fail(x, rc, "query: %s", err->message);
	} else if (rc == DN_ENOMEM) {
		dn_xp_fail(x, rc, "out of memory");
	}
	dn_stmt_free(s);
	/* the endpoints of every relationship belong to the subgraph */
	export_ids_sort_unique(&edges);
	for (size_t i = 0; i < edges.n && !rc; i++) {
		dn_edge *e;
		rc = dn_edge_get(x->txn, edges.v[i], &e);
		if (!rc) {
			rc = export_ids_add(&nodes, e->src);
			if (!rc)
				rc = export_ids_add(&nodes, e->dst);
			dn_edge_free(e);
		}
	}
	export_ids_sort_unique(&nodes);
	if (rc) {
		free(nodes.v);
		free(edges.v);
		return rc;
	}
	x->subgraph = true;
	x->nodes = nodes.v;
	x->nnodes = nodes.n;
	x->edges = edges.v;
	x->nedges = edges.n;
	return 0;
}

int dn_xp_each_node(dn_xp *x, dn_xp_node_fn fn, void *ctx)
{
	dn_iter *it = NULL;
	dn_node *n;
	dn_id id;
	int rc = 0;

	if (!x->subgraph && (rc = dn_nodes_all(x->txn, &it)) != 0)
		return rc;
	for (size_t i = 0; !rc; i++) {
		if (x->subgraph) {
			if (i >= x->nnodes)
				break;
			id = x->nodes[i];
		} else if ((rc = dn_iter_next(it, &id)) != DN_ROW) {
			break;
		}
		rc = dn_node_get(x->txn, id, &n);
		if (!rc) {
			rc = fn(x, n, ctx);
			dn_node_free(n);
		}
	}
	dn_iter_free(it);
	return rc == DN_DONE ? 0 : rc;
}

int dn_xp_each_edge(dn_xp *x, dn_xp_edge_fn fn, void *ctx)
{
	dn_iter *it = NULL;
	dn_edge *e;
	dn_id id;
	int rc = 0;

	if (!x->subgraph && (rc = dn_edges_all(x->txn, &it)) != 0)
		return rc;
	for (size_t i = 0; !rc; i++) {
		if (x->subgraph) {
			if (i >= x->nedges)
				break;
			id = x->edges[i];
		} else if ((rc = dn_iter_next(it, &id)) != DN_ROW) {
			break;
		}
		rc = dn_edge_get(x->txn, id, &e);
		if (!rc) {
			rc = fn(x, e, ctx);
			dn_edge_free(e);
		}
	}
	dn_iter_free(it);
	return rc == DN_DONE ? 0 : rc;
}

/* ------------------------------------------------------------------ */
/* Attribute schema of the XML formats                                 */
/* ------------------------------------------------------------------ */

static int schema_type_of(const dn_value *v)
{
	switch (v->type) {
	case DN_BOOL: return DN_XP_ATTR_BOOL;
	case DN_INT: return DN_XP_ATTR_LONG;
	case DN_FLOAT: return DN_XP_ATTR_DOUBLE;
	default: return DN_XP_ATTR_STRING;
	}
}

static int schema_join(int a, int b)
{
	if (a == b)
		return a;
	if ((a == DN_XP_ATTR_LONG && b == DN_XP_ATTR_DOUBLE) ||
	    (a == DN_XP_ATTR_DOUBLE && b == DN_XP_ATTR_LONG))
		return DN_XP_ATTR_DOUBLE;
	return DN_XP_ATTR_STRING;
}

size_t dn_xp_name_pos(const void *base, size_t n, size_t size, const char *key, bool *found)
{
	size_t lo = 0, hi = n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(*(char *const *)((const char *)base + mid * size), key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int dn_xp_insert_at(void **base, size_t *n, size_t *cap, size_t size, size_t pos, const void *elem)
{
	char *p;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		void *v = realloc(*base, c * size);
		if (!v)
			return DN_ENOMEM;
		*base = v;
		*cap = c;
	}
	p = *base;
	memmove(p + (pos + 1) * size, p + pos * size, (*n - pos) * size);
	memcpy(p + pos * size, elem, size);
	(*n)++;
	return 0;
}

long dn_xp_schema_find(const dn_xp_attr *attrs, size_t n, const char *key)
{
	bool found;
	size_t i = dn_xp_name_pos(attrs, n, sizeof *attrs, key, &found);
	return found ? (long)i : -1;
}

typedef struct schema_side {
	dn_xp_attr **attrs;
	size_t *n, cap;
	unsigned *meta;
} schema_side;

static int schema_add_props(schema_side *s, const dn_prop *props, size_t nprops, const dn_meta *m)
{
	char buf[96];

	for (size_t i = 0; i < nprops; i++) {
		bool found;
		int t = schema_type_of(&props[i].value);
		size_t pos = dn_xp_name_pos(*s->attrs, *s->n, sizeof **s->attrs, props[i].key, &found);
		if (found) {
			(*s->attrs)[pos].type = schema_join((*s->attrs)[pos].type, t);
			continue;
		}
		dn_xp_attr a = {strdup(props[i].key), t};
		if (!a.name || dn_xp_insert_at((void **)s->attrs, s->n, &s->cap, sizeof a, pos, &a)) {
			free(a.name);
			return DN_ENOMEM;
		}
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++)
		if (dn_xp_meta_field(m, i, buf, sizeof buf))
			*s->meta |= 1u << i;
	return 0;
}

static int schema_node(dn_xp *x, const dn_node *n, void *ctx)
{
	(void)x;
	return schema_add_props(ctx, n->props, n->nprops, &n->meta);
}

static int schema_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	(void)x;
	return schema_add_props(ctx, e->props, e->nprops, &e->meta);
}

int dn_xp_schema_build(dn_xp *x, dn_xp_schema *s)
{
	schema_side ns = {&s->node, &s->nnode, 0, &s->node_meta};
	schema_side es = {&s->edge, &s->nedge, 0, &s->edge_meta};
	int rc;

	memset(s, 0, sizeof *s);
	rc = dn_xp_each_node(x, schema_node, &ns);
	if (!rc)
		rc = dn_xp_each_edge(x, schema_edge, &es);
	if (rc == DN_ENOMEM)
		dn_xp_fail(x, rc, "out of memory");
	return rc;
}

int dn_xp_write_xml(dn_xp *x, void (*head)(FILE *f, const dn_xp_schema *s), dn_xp_node_fn node,
                    const char *middle, dn_xp_edge_fn edge, const char *tail)
{
	dn_xp_schema s;
	int rc = dn_xp_schema_build(x, &s);

	if (!rc) {
		head(x->out, &s);
		rc = dn_xp_each_node(x, node, &s);
		fputs(middle, x->out);
		if (!rc)
			rc = dn_xp_each_edge(x, edge, &s);
		fputs(tail, x->out);
		x->stats.files = 1;
	}
	dn_xp_schema_free(&s);
	return rc;
}

void dn_xp_schema_free(dn_xp_schema *s)
{
	for (size_t i = 0; i < s->nnode; i++)
		free(s->node[i].name);
	for (size_t i = 0; i < s->nedge; i++)
		free(s->edge[i].name);
	free(s->node);
	free(s->edge);
	memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ */
/* Atomic output                                                       */
/* ------------------------------------------------------------------ */

/* "path.tmpXXXXXX" with the trailing slashes of path dropped. */
static char *export_tmp_name(const char *path)
{
	size_t len = strlen(path);
	char *t;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (asprintf(&t, "%.*s.tmpXXXXXX", (int)len, path) < 0)
		return NULL;
	return t;
}

/* Removes the files of a temporary directory, then the directory. */
static void export_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		char *p;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (asprintf(&p, "%s/%s", dir, de->d_name) >= 0) {
			unlink(p);
			free(p);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* csv: the target must be missing or an empty directory. */
static int export_check_dir(dn_xp *x, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	bool empty = true;

	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : dn_xp_fail(x, DN_EIO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return dn_xp_fail(x, DN_EEXISTS, "%s exists and is not a directory", path);
	d = opendir(path);
	if (!d)
		return dn_xp_fail(x, DN_EIO, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty ? 0 : dn_xp_fail(x, DN_EEXISTS, "%s is not empty: csv export writes a new directory", path);
}

static int export_to_dir(dn_xp *x, const struct export_fmt *f, const char *path)
{
	char *tmp;
	int rc = export_check_dir(x, path);

	if (rc)
		return rc;
	tmp = export_tmp_name(path);
	if (!tmp)
		return dn_xp_fail(x, DN_ENOMEM, "out of memory");
	if (!mkdtemp(tmp)) {
		rc = dn_xp_fail(x, DN_EIO, "cannot create a directory next to %s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	x->dir = tmp;
	rc = f->write(x);
	if (!rc && rename(tmp, path) != 0)
		rc = dn_xp_fail(x, errno == ENOTEMPTY || errno == EEXIST ? DN_EEXISTS : DN_EIO,
		                "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (rc)
		export_rmdir(tmp);
	x->dir = NULL;
	free(tmp);
	return rc;
}

static int export_to_file(dn_xp *x, const struct export_fmt *f, const char *path)
{
	char *tmp = export_tmp_name(path);
	int fd, rc;

	if (!tmp)
		return dn_xp_fail(x, DN_ENOMEM, "out of memory");
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = dn_xp_fail(x, DN_EIO, "cannot create a file next to %s: %s", path, strerror(errno));
		free(tmp);
		return rc;
	}
	x->out = fdopen(fd, "w");
	if (!x->out) {
		close(fd);
		rc = dn_xp_fail(x, DN_ENOMEM, "out of memory");
	} else {
		rc = f->write(x);
		if (!rc)
			rc = dn_xp_check_stream(x, x->out, path);
		if (!rc && fsync(fileno(x->out)) != 0)
			rc = dn_xp_fail(x, DN_EIO, "cannot write %s: %s", path, strerror(errno));
		if (fclose(x->out) != 0 && !rc)
			rc = dn_xp_fail(x, DN_EIO, "cannot write %s: %s", path, strerror(errno));
		x->out = NULL;
	}
	if (!rc && rename(tmp, path) != 0)
		rc = dn_xp_fail(x, DN_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

int dn_export_txn(dn_txn *txn, const dn_export_opts *opts, dn_export_stats *stats)
{
	dn_xp x = {.txn = txn, .db = dn_txn_db(txn), .opts = opts};
	const struct export_fmt *f;
	int rc;

	if (stats)
		memset(stats, 0, sizeof *stats);
	if (opts->query_error)
		memset(opts->query_error, 0, sizeof *opts->query_error);
	f = export_fmt_get(opts->format);
	if (!f)
		return dn_xp_fail(&x, DN_EINVAL, "unknown format %d", (int)opts->format);
	if (f->directory && !opts->path)
		return dn_xp_fail(&x, DN_EINVAL, "%s writes several files: give a directory path", f->name);
	if (!f->directory && !opts->path && !opts->out)
		return dn_xp_fail(&x, DN_EINVAL, "no output: give a path or a stream");
	if (opts->array_delimiter == '"' || opts->array_delimiter == ',' ||
	    opts->array_delimiter == '\n' || opts->array_delimiter == '\r')
		return dn_xp_fail(&x, DN_EINVAL, "the array delimiter cannot be a quote, comma or line break");
	dn_error_clear(x.db);
	if (opts->query && (rc = export_select(&x)) != 0)
		return rc;
	if (f->directory) {
		rc = export_to_dir(&x, f, opts->path);
	} else if (opts->path) {
		rc = export_to_file(&x, f, opts->path);
	} else {
		x.out = opts->out;
		rc = f->write(&x);
		if (!rc)
			rc = dn_xp_check_stream(&x, x.out, "the output");
	}
	if (rc && dn_errmsg(x.db)[0] == '\0')
		dn_xp_fail(&x, rc, "%s", dn_strerror(rc));
	if (!rc && stats)
		*stats = x.stats;
	free(x.nodes);
	free(x.edges);
	return rc;
}

int dn_export(dn_db *db, const dn_txn_opts *txn_opts, const dn_export_opts *opts,
              dn_export_stats *stats)
{
	dn_txn *txn;
	int rc = dn_txn_begin(db, DN_TXN_RDONLY, txn_opts, &txn);

	if (rc)
		return rc;
	rc = dn_export_txn(txn, opts, stats);
	dn_txn_abort(txn);
	return rc;
}
