/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_cytoscape.c — cytoscape.js elements JSON:
 * {"elements":{"nodes":[{"data":{...}}],"edges":[{"data":{...}}]}}.
 * A node's data holds id ("n42"), labels (an array), label (a caption for
 * display), its properties and meta (an object); an edge's data holds id
 * ("e7"), source, target, type, its properties and meta. A property whose
 * name is one of those is written as "prop.NAME".
 */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

static const char *const cy_reserved[] = {"id", "source", "target", "labels", "label",
                                         "type", "meta", NULL};

/* Writes ,"name":value for each property (untagged JSON). */
static void cy_props(FILE *f, const dn_prop *props, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputc(',', f);
		dn_xp_json_key(f, props[i].key, cy_reserved);
		fputc(':', f);
		dn_xp_json_value(f, &props[i].value, DN_XP_JSON_PLAIN);
	}
}

static int cy_node(dn_xp *x, const dn_node *n, void *ctx)
{
	FILE *f = x->out;
	bool *first = ctx;
	char *caption = dn_xp_node_caption(n);

	if (!caption)
		return DN_ENOMEM;
	fprintf(f, "%s\n{\"data\":{\"id\":\"n%llu\",\"labels\":", *first ? "" : ",",
	        (unsigned long long)n->id);
	*first = false;
	dn_xp_json_labels(f, n);
	fputs(",\"label\":", f);
	dn_xp_json_string(f, caption, strlen(caption));
	free(caption);
	cy_props(f, n->props, n->nprops);
	fputs(",\"meta\":", f);
	dn_xp_json_meta(f, &n->meta);
	fputs("}}", f);
	x->stats.nodes++;
	return 0;
}

static int cy_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	FILE *f = x->out;
	bool *first = ctx;

	fprintf(f, "%s\n{\"data\":{\"id\":\"e%llu\",\"source\":\"n%llu\",\"target\":\"n%llu\",\"type\":",
	        *first ? "" : ",", (unsigned long long)e->id, (unsigned long long)e->src,
	        (unsigned long long)e->dst);
	*first = false;
	dn_xp_json_string(f, e->type, strlen(e->type));
	cy_props(f, e->props, e->nprops);
	fputs(",\"meta\":", f);
	dn_xp_json_meta(f, &e->meta);
	fputs("}}", f);
	x->stats.edges++;
	return 0;
}

int dn_xp_write_cytoscape(dn_xp *x)
{
	bool first = true;
	int rc;

	fputs("{\"elements\":{\"nodes\":[", x->out);
	rc = dn_xp_each_node(x, cy_node, &first);
	fputs("],\"edges\":[", x->out);
	first = true;
	if (!rc)
		rc = dn_xp_each_edge(x, cy_edge, &first);
	fputs("]}}\n", x->out);
	x->stats.files = 1;
	return rc;
}
