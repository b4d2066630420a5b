/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_dot.c — graphviz DOT export: a digraph whose nodes are "n<id>"
 * with a label of the node's caption and labels, and whose edges carry
 * the relationship type as label. Properties and metadata follow as
 * attributes named "prop.KEY" and "meta.FIELD", which graphviz keeps but
 * does not interpret, so no property can change the drawing.
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* , "prop.key"="text" for each property, then the set metadata fields. */
static int dot_attrs(FILE *f, const dn_prop *props, size_t n, const dn_meta *m)
{
	char buf[96];

	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *t = dn_xp_value_text(&props[i].value, &len);
		char *k;
		if (!t || asprintf(&k, "prop.%s", props[i].key) < 0) {
			free(t);
			return DN_ENOMEM;
		}
		fputs(", ", f);
		dn_xp_dot_string(f, k, strlen(k));
		fputc('=', f);
		dn_xp_dot_string(f, t, len);
		free(k);
		free(t);
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++) {
		const char *t = dn_xp_meta_field(m, i, buf, sizeof buf);
		if (t) {
			fprintf(f, ", \"meta.%s\"=", dn_xp_meta_name(i));
			dn_xp_dot_string(f, t, strlen(t));
		}
	}
	return 0;
}

static int dot_node(dn_xp *x, const dn_node *n, void *ctx)
{
	FILE *f = x->out;
	char *caption = dn_xp_node_caption(n), *labels = dn_xp_labels_text(n), *text = NULL;
	int rc = DN_ENOMEM;

	(void)ctx;
	if (caption && labels &&
	    asprintf(&text, "%s%s%s", caption, labels[0] ? "\n" : "", labels) >= 0) {
		fprintf(f, "  \"n%llu\" [label=", (unsigned long long)n->id);
		dn_xp_dot_string(f, text, strlen(text));
		rc = dot_attrs(f, n->props, n->nprops, &n->meta);
		fputs("];\n", f);
		free(text);
		x->stats.nodes++;
	}
	free(caption);
	free(labels);
	return rc;
}

static int dot_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	FILE *f = x->out;
	int rc;

	(void)ctx;
	fprintf(f, "  \"n%llu\" -> \"n%llu\" [id=\"e%llu\", label=", (unsigned long long)e->src,
	        (unsigned long long)e->dst, (unsigned long long)e->id);
	dn_xp_dot_string(f, e->type, strlen(e->type));
	rc = dot_attrs(f, e->props, e->nprops, &e->meta);
	fputs("];\n", f);
	x->stats.edges++;
	return rc;
}

int dn_xp_write_dot(dn_xp *x)
{
	int rc;

	fputs("digraph dragnet {\n", x->out);
	rc = dn_xp_each_node(x, dot_node, NULL);
	if (!rc)
		rc = dn_xp_each_edge(x, dot_edge, NULL);
	fputs("}\n", x->out);
	x->stats.files = 1;
	return rc;
}
