/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_graphml.c — GraphML export (yEd, Gephi, networkx). A first pass
 * collects every property key with the narrowest type that holds all its
 * values (boolean, long, double, else string); the keys are declared with
 * those types, then nodes ("n<id>") and edges ("e<id>") follow with one
 * <data> per property. Nodes carry "labels" (":A:B") and "label" (a
 * caption); edges carry "label" (the relationship type); metadata comes as
 * "meta.FIELD". A property named like one of those is written "prop.NAME".
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char *const graphml_node_reserved[] = {"labels", "label", NULL};
static const char *const graphml_edge_reserved[] = {"label", NULL};

static const char *graphml_type(int t)
{
	switch (t) {
	case DN_XP_ATTR_BOOL: return "boolean";
	case DN_XP_ATTR_LONG: return "long";
	case DN_XP_ATTR_DOUBLE: return "double";
	default: return "string";
	}
}

static void graphml_keys(FILE *f, const char *for_, char p, const dn_xp_attr *a, size_t n,
                         unsigned meta, const char *const *reserved)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "  <key id=\"%cp%zu\" for=\"%s\" attr.name=\"", p, i, for_);
		dn_xp_xml_name(f, a[i].name, reserved);
		fprintf(f, "\" attr.type=\"%s\"/>\n", graphml_type(a[i].type));
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++)
		if (meta & (1u << i))
			fprintf(f, "  <key id=\"%cm%d\" for=\"%s\" attr.name=\"meta.%s\" attr.type=\"%s\"/>\n", p,
			        i, for_, dn_xp_meta_name(i), i == DN_XP_META_CREDIBILITY ? "int" : "string");
}

static void graphml_data(FILE *f, const char *key, const char *text, size_t len)
{
	fprintf(f, "<data key=\"%s\">", key);
	dn_xp_xml_text(f, text, len);
	fputs("</data>", f);
}

/* The <data> of properties and metadata. */
static int graphml_props(FILE *f, char p, const dn_xp_attr *a, size_t na, const dn_prop *props,
                         size_t n, const dn_meta *m)
{
	char key[32], buf[96];

	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *t = dn_xp_value_text(&props[i].value, &len);
		if (!t)
			return DN_ENOMEM;
		snprintf(key, sizeof key, "%cp%ld", p, dn_xp_schema_find(a, na, props[i].key));
		graphml_data(f, key, t, len);
		free(t);
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++) {
		const char *t = dn_xp_meta_field(m, i, buf, sizeof buf);
		if (t) {
			snprintf(key, sizeof key, "%cm%d", p, i);
			graphml_data(f, key, t, strlen(t));
		}
	}
	return 0;
}

static int graphml_node(dn_xp *x, const dn_node *n, void *ctx)
{
	const dn_xp_schema *s = ctx;
	char *labels = dn_xp_labels_text(n), *caption = dn_xp_node_caption(n);
	int rc = DN_ENOMEM;

	if (labels && caption) {
		fprintf(x->out, "    <node id=\"n%llu\">", (unsigned long long)n->id);
		graphml_data(x->out, "labels", labels, strlen(labels));
		graphml_data(x->out, "label", caption, strlen(caption));
		rc = graphml_props(x->out, 'n', s->node, s->nnode, n->props, n->nprops, &n->meta);
		fputs("</node>\n", x->out);
		x->stats.nodes++;
	}
	free(labels);
	free(caption);
	return rc;
}

static int graphml_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	const dn_xp_schema *s = ctx;
	int rc;

	fprintf(x->out, "    <edge id=\"e%llu\" source=\"n%llu\" target=\"n%llu\">",
	        (unsigned long long)e->id, (unsigned long long)e->src, (unsigned long long)e->dst);
	graphml_data(x->out, "type", e->type, strlen(e->type));
	rc = graphml_props(x->out, 'e', s->edge, s->nedge, e->props, e->nprops, &e->meta);
	fputs("</edge>\n", x->out);
	x->stats.edges++;
	return rc;
}

static void graphml_head(FILE *f, const dn_xp_schema *s)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
	      "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
	      "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
	      "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
	      "  <key id=\"labels\" for=\"node\" attr.name=\"labels\" attr.type=\"string\"/>\n"
	      "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
	      "  <key id=\"type\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n",
	      f);
	graphml_keys(f, "node", 'n', s->node, s->nnode, s->node_meta, graphml_node_reserved);
	graphml_keys(f, "edge", 'e', s->edge, s->nedge, s->edge_meta, graphml_edge_reserved);
	fputs("  <graph id=\"G\" edgedefault=\"directed\">\n", f);
}

int dn_xp_write_graphml(dn_xp *x)
{
	return dn_xp_write_xml(x, graphml_head, graphml_node, "", graphml_edge,
	                       "  </graph>\n</graphml>\n");
}
