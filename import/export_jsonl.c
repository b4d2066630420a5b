/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_jsonl.c — JSON Lines export, exactly the contract of
 * docs/IMPORT_EXPORT.md that `dragnet import` reads: one node per line,
 * then one relationship per line, with typed temporal values and the
 * intelligence metadata.
 */
#include <string.h>

#include "export_internal.h"

/* A float JSON cannot hold: the message names the element. */
static int jsonl_bad_value(dn_xp *x, const char *what, dn_id id)
{
	return dn_xp_fail(x, DN_EINVAL,
	                  "%s %llu has a NaN or infinite float, which JSON cannot hold; "
	                  "use --format csv",
	                  what, (unsigned long long)id);
}

static int jsonl_node(dn_xp *x, const dn_node *n, void *ctx)
{
	FILE *f = x->out;

	(void)ctx;
	fprintf(f, "{\"type\":\"node\",\"id\":\"%llu\",\"labels\":", (unsigned long long)n->id);
	dn_xp_json_labels(f, n);
	fputs(",\"properties\":", f);
	if (dn_xp_json_props(f, n->props, n->nprops, DN_XP_JSON_TAGGED))
		return jsonl_bad_value(x, "node", n->id);
	fputs(",\"meta\":", f);
	dn_xp_json_meta(f, &n->meta);
	fputs("}\n", f);
	x->stats.nodes++;
	return 0;
}

static int jsonl_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	FILE *f = x->out;

	(void)ctx;
	fprintf(f, "{\"type\":\"relationship\",\"id\":\"%llu\",\"label\":", (unsigned long long)e->id);
	dn_xp_json_string(f, e->type, strlen(e->type));
	fprintf(f, ",\"start\":{\"id\":\"%llu\"},\"end\":{\"id\":\"%llu\"},\"properties\":",
	        (unsigned long long)e->src, (unsigned long long)e->dst);
	if (dn_xp_json_props(f, e->props, e->nprops, DN_XP_JSON_TAGGED))
		return jsonl_bad_value(x, "relationship", e->id);
	fputs(",\"meta\":", f);
	dn_xp_json_meta(f, &e->meta);
	fputs("}\n", f);
	x->stats.edges++;
	return 0;
}

int dn_xp_write_jsonl(dn_xp *x)
{
	int rc = dn_xp_each_node(x, jsonl_node, NULL);

	if (!rc)
		rc = dn_xp_each_edge(x, jsonl_edge, NULL);
	x->stats.files = 1;
	return rc;
}
