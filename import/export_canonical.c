/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_canonical.c — the canonical dump, for tests that compare two
 * graphs whatever their internal ids: every node as one line
 * `node {"labels":[..],"properties":{..},"meta":{..}}` (labels and keys
 * sorted, values in the JSON Lines contract's typed form), every edge as
 * `edge {"start":<node>,"type":..,"end":<node>,"properties":..,"meta":..}`
 * with its endpoints written out in full; nodes sorted, then edges sorted,
 * byte-wise. Two graphs are equal up to ids when their dumps are equal.
 * It holds the whole dump in memory: a tool for tests, not for big graphs.
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

typedef struct canon_line {
	dn_id id;
	char *text;
} canon_line;

typedef struct canon {
	canon_line *v;
	size_t n, cap;
} canon;

static int canon_add(canon *c, dn_id id, char *text)
{
	canon_line l = {id, text};
	int rc = dn_xp_insert_at((void **)&c->v, &c->n, &c->cap, sizeof l, c->n, &l);

	if (rc)
		free(text);
	return rc;
}

static int canon_by_id(const void *a, const void *b)
{
	dn_id x = ((const canon_line *)a)->id, y = ((const canon_line *)b)->id;
	return x < y ? -1 : x > y;
}

static int canon_by_text(const void *a, const void *b)
{
	return strcmp(((const canon_line *)a)->text, ((const canon_line *)b)->text);
}

/* qsort, which must not be given the NULL array of an empty list. */
static void canon_sort(canon *c, int (*cmp)(const void *, const void *))
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof *c->v, cmp);
}

static int canon_props_meta(FILE *m, const dn_prop *props, size_t n, const dn_meta *meta)
{
	int rc;

	fputs(",\"properties\":", m);
	rc = dn_xp_json_props(m, props, n, DN_XP_JSON_CANON);
	fputs(",\"meta\":", m);
	dn_xp_json_meta(m, meta);
	fputc('}', m);
	return rc;
}

/* Adds to c the line of one element: what head writes, then its
 * properties and metadata. */
static int canon_emit(canon *c, dn_id id, void (*head)(FILE *m, const void *el, void *ctx),
                      const void *el, void *ctx, const dn_prop *props, size_t n,
                      const dn_meta *meta)
{
	char *buf = NULL;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (!m)
		return DN_ENOMEM;
	head(m, el, ctx);
	rc = canon_props_meta(m, props, n, meta);
	/* the buffer is only valid once the stream is closed */
	if (fclose(m) != 0 && !rc)
		rc = DN_ENOMEM;
	if (rc) {
		free(buf);
		return rc;
	}
	return canon_add(c, id, buf);
}

static void canon_node_head(FILE *m, const void *el, void *ctx)
{
	(void)ctx;
	fputs("{\"labels\":", m);
	dn_xp_json_labels(m, el);
}

static int canon_node(dn_xp *x, const dn_node *n, void *ctx)
{
	(void)x;
	return canon_emit(ctx, n->id, canon_node_head, n, NULL, n->props, n->nprops, &n->meta);
}

typedef struct canon_edges {
	canon *nodes, edges;
} canon_edges;

static const char *canon_node_text(canon *nodes, dn_id id)
{
	canon_line key = {id, NULL};
	canon_line *l =
		nodes->n == 0 ? NULL : bsearch(&key, nodes->v, nodes->n, sizeof key, canon_by_id);
	return l ? l->text : "null";
}

static void canon_edge_head(FILE *m, const void *el, void *ctx)
{
	const dn_edge *e = el;
	canon *nodes = ctx;

	fprintf(m, "{\"start\":%s,\"type\":", canon_node_text(nodes, e->src));
	dn_xp_json_string(m, e->type, strlen(e->type));
	fprintf(m, ",\"end\":%s", canon_node_text(nodes, e->dst));
}

static int canon_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	canon_edges *ce = ctx;

	(void)x;
	return canon_emit(&ce->edges, e->id, canon_edge_head, e, ce->nodes, e->props, e->nprops,
	                  &e->meta);
}

static void canon_free(canon *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].text);
	free(c->v);
}

int dn_xp_write_canonical(dn_xp *x)
{
	canon nodes = {0};
	canon_edges ce = {&nodes, {0}};
	int rc = dn_xp_each_node(x, canon_node, &nodes);

	if (!rc) {
		canon_sort(&nodes, canon_by_id);
		rc = dn_xp_each_edge(x, canon_edge, &ce);
	}
	if (!rc) {
		canon_sort(&nodes, canon_by_text);
		canon_sort(&ce.edges, canon_by_text);
		for (size_t i = 0; i < nodes.n; i++)
			fprintf(x->out, "node %s\n", nodes.v[i].text);
		for (size_t i = 0; i < ce.edges.n; i++)
			fprintf(x->out, "edge %s\n", ce.edges.v[i].text);
		x->stats.nodes = nodes.n;
		x->stats.edges = ce.edges.n;
		x->stats.files = 1;
	}
	if (rc == DN_ENOMEM)
		dn_xp_fail(x, rc, "out of memory");
	canon_free(&nodes);
	canon_free(&ce.edges);
	return rc;
}
