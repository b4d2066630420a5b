/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_gexf.c — GEXF 1.2draft export (Gephi, networkx). Like GraphML, a
 * first pass declares every property key as an attribute with the
 * narrowest type that holds all its values; nodes ("n<id>") carry a caption
 * as label and their labels (":A:B") as the attribute "labels", edges
 * ("e<id>") carry the relationship type as label; metadata comes as
 * "meta.FIELD" attributes. A property named like a reserved attribute is
 * written "prop.NAME".
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char *const gexf_node_reserved[] = {"labels", "label", NULL};
static const char *const gexf_edge_reserved[] = {"label", "id", NULL};

static const char *gexf_type(int t)
{
	switch (t) {
	case DN_XP_ATTR_BOOL: return "boolean";
	case DN_XP_ATTR_LONG: return "long";
	case DN_XP_ATTR_DOUBLE: return "double";
	default: return "string";
	}
}

/* Attribute ids: properties p<i>, metadata m<i>, labels "labels". */
static void gexf_attributes(FILE *f, const char *cls, const dn_xp_attr *a, size_t n,
                            unsigned meta, const char *const *reserved)
{
	fprintf(f, "    <attributes class=\"%s\">\n", cls);
	if (!strcmp(cls, "node"))
		fputs("      <attribute id=\"labels\" title=\"labels\" type=\"string\"/>\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "      <attribute id=\"p%zu\" title=\"", i);
		dn_xp_xml_name(f, a[i].name, reserved);
		fprintf(f, "\" type=\"%s\"/>\n", gexf_type(a[i].type));
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++)
		if (meta & (1u << i))
			fprintf(f, "      <attribute id=\"m%d\" title=\"meta.%s\" type=\"%s\"/>\n", i,
			        dn_xp_meta_name(i), i == DN_XP_META_CREDIBILITY ? "integer" : "string");
	fputs("    </attributes>\n", f);
}

static void gexf_value(FILE *f, const char *id, const char *text, size_t len)
{
	fprintf(f, "<attvalue for=\"%s\" value=\"", id);
	dn_xp_xml_text(f, text, len);
	fputs("\"/>", f);
}

static int gexf_attvalues(FILE *f, const char *labels, const dn_xp_attr *a, size_t na,
                          const dn_prop *props, size_t n, const dn_meta *m)
{
	char id[32], buf[96];

	fputs("<attvalues>", f);
	if (labels)
		gexf_value(f, "labels", labels, strlen(labels));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *t = dn_xp_value_text(&props[i].value, &len);
		if (!t)
			return DN_ENOMEM;
		snprintf(id, sizeof id, "p%ld", dn_xp_schema_find(a, na, props[i].key));
		gexf_value(f, id, t, len);
		free(t);
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++) {
		const char *t = dn_xp_meta_field(m, i, buf, sizeof buf);
		if (t) {
			snprintf(id, sizeof id, "m%d", i);
			gexf_value(f, id, t, strlen(t));
		}
	}
	fputs("</attvalues>", f);
	return 0;
}

static int gexf_node(dn_xp *x, const dn_node *n, void *ctx)
{
	const dn_xp_schema *s = ctx;
	char *labels = dn_xp_labels_text(n), *caption = dn_xp_node_caption(n);
	int rc = DN_ENOMEM;

	if (labels && caption) {
		fprintf(x->out, "      <node id=\"n%llu\" label=\"", (unsigned long long)n->id);
		dn_xp_xml_text(x->out, caption, strlen(caption));
		fputs("\">", x->out);
		rc = gexf_attvalues(x->out, labels, s->node, s->nnode, n->props, n->nprops, &n->meta);
		fputs("</node>\n", x->out);
		x->stats.nodes++;
	}
	free(labels);
	free(caption);
	return rc;
}

static int gexf_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	const dn_xp_schema *s = ctx;
	int rc;

	fprintf(x->out, "      <edge id=\"e%llu\" source=\"n%llu\" target=\"n%llu\" label=\"",
	        (unsigned long long)e->id, (unsigned long long)e->src, (unsigned long long)e->dst);
	dn_xp_xml_text(x->out, e->type, strlen(e->type));
	fputs("\">", x->out);
	rc = gexf_attvalues(x->out, NULL, s->edge, s->nedge, e->props, e->nprops, &e->meta);
	fputs("</edge>\n", x->out);
	x->stats.edges++;
	return rc;
}

static void gexf_head(FILE *f, const dn_xp_schema *s)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">\n"
	      "  <meta><creator>dragnet " DN_VERSION_STRING "</creator></meta>\n"
	      "  <graph defaultedgetype=\"directed\" mode=\"static\">\n",
	      f);
	gexf_attributes(f, "node", s->node, s->nnode, s->node_meta, gexf_node_reserved);
	gexf_attributes(f, "edge", s->edge, s->nedge, s->edge_meta, gexf_edge_reserved);
	fputs("    <nodes>\n", f);
}

int dn_xp_write_gexf(dn_xp *x)
{
	return dn_xp_write_xml(x, gexf_head, gexf_node, "    </nodes>\n    <edges>\n", gexf_edge,
	                       "    </edges>\n  </graph>\n</gexf>\n");
}
