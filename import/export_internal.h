/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_internal.h — what the exporters share: the export context (the
 * transaction, the selection — the whole graph or a query's subgraph — and
 * the output), visiting the selected nodes and edges, and the text helpers
 * every format uses (value text, JSON, XML and DOT escaping) from
 * export_text.c. Each format is one dn_xp_write_* function in its own file.
 */
#ifndef DN_EXPORT_INTERNAL_H
#define DN_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "dragnet.h"

typedef struct dn_xp {
	dn_txn *txn;
	dn_db *db;
	const dn_export_opts *opts;
	FILE *out;       /* single-file formats: the stream to write */
	const char *dir; /* csv: the (temporary) directory to write files in */
	bool subgraph;   /* false: every visible node and edge */
	dn_id *nodes, *edges; /* subgraph: sorted, unique */
	size_t nnodes, nedges;
	dn_export_stats stats;
} dn_xp;

typedef int (*dn_xp_node_fn)(dn_xp *x, const dn_node *n, void *ctx);
typedef int (*dn_xp_edge_fn)(dn_xp *x, const dn_edge *e, void *ctx);

/* Calls fn on every selected node (edge), in id order; stops at the first
 * non-zero return and returns it. */
int dn_xp_each_node(dn_xp *x, dn_xp_node_fn fn, void *ctx);
int dn_xp_each_edge(dn_xp *x, dn_xp_edge_fn fn, void *ctx);

/* Records an error message on the database and returns code. */
int dn_xp_fail(dn_xp *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* DN_EIO naming what failed when f has a write error, else 0. */
int dn_xp_check_stream(dn_xp *x, FILE *f, const char *what);

/* The formats. */
int dn_xp_write_csv(dn_xp *x);
int dn_xp_write_jsonl(dn_xp *x);
int dn_xp_write_graphml(dn_xp *x);
int dn_xp_write_gexf(dn_xp *x);
int dn_xp_write_dot(dn_xp *x);
int dn_xp_write_cytoscape(dn_xp *x);
int dn_xp_write_canonical(dn_xp *x);

/* --- text (export_text.c) ---------------------------------------------- */

/* The text of a scalar that is not a string: "true", "42", "1.5", "1.0E7",
 * "NaN", "2024-03-01", "2024-03-01T10:00:00Z", "P1DT2H". Writes into buf
 * (NUL-terminated); returns the length. */
int dn_xp_scalar_text(const dn_value *v, char *buf, size_t cap);

/* JSON. dn_xp_json_string writes a quoted, escaped JSON string (invalid
 * UTF-8 becomes U+FFFD). dn_xp_json_value writes a stored value in one of
 * three modes: PLAIN (link charts: temporal values as ISO-8601 strings,
 * NaN and infinities as strings), TAGGED (the JSON Lines contract:
 * temporal values as {"$date":...} objects; a NaN or infinite float is
 * DN_EINVAL, as JSON cannot hold it) and CANON (tagged, and such floats as
 * {"$float":"NaN"}). Result-only values (nodes, maps...) are written as
 * null. Returns 0 or DN_EINVAL. */
enum { DN_XP_JSON_PLAIN, DN_XP_JSON_TAGGED, DN_XP_JSON_CANON };
void dn_xp_json_string(FILE *f, const char *s, size_t len);
int dn_xp_json_value(FILE *f, const dn_value *v, int mode);
/* Property names that clash with a name a format uses itself (reserved,
 * a NULL-terminated list) are written as "prop.NAME". */
bool dn_xp_is_reserved(const char *key, const char *const *reserved);
/* key as a JSON string, prefixed with "prop." when reserved. */
void dn_xp_json_key(FILE *f, const char *key, const char *const *reserved);
/* {"key":value,...} of properties (sorted as the element holds them). */
int dn_xp_json_props(FILE *f, const dn_prop *props, size_t n, int mode);
/* The node's labels as a JSON array. */
void dn_xp_json_labels(FILE *f, const dn_node *n);
/* The metadata as a JSON object with only the fields that are set. */
void dn_xp_json_meta(FILE *f, const dn_meta *m);

/* XML: escapes s for element content and attribute values alike (&, <,
 * >, ", ' and line breaks as references); characters XML 1.0 cannot
 * carry (control characters, invalid UTF-8) become U+FFFD. */
void dn_xp_xml_text(FILE *f, const char *s, size_t len);
/* An attribute name: key escaped, prefixed with "prop." when reserved. */
void dn_xp_xml_name(FILE *f, const char *key, const char *const *reserved);
/* DOT: s as a double-quoted DOT string. */
void dn_xp_dot_string(FILE *f, const char *s, size_t len);

/* A value as one text attribute (GraphML, GEXF, DOT): strings as they
 * are, lists as untagged JSON, other scalars as dn_xp_scalar_text. The
 * result is owned (free()); NULL on allocation failure. */
char *dn_xp_value_text(const dn_value *v, size_t *len);

/* The grading as text: "B2", "B" or "2"; "" when not graded. */
void dn_xp_grade_text(const dn_meta *m, char buf[4]);

/* The metadata fields, in the order every format writes them. */
enum { DN_XP_META_SOURCE, DN_XP_META_RECORD, DN_XP_META_RELIABILITY,
       DN_XP_META_CREDIBILITY, DN_XP_META_VALID_FROM, DN_XP_META_VALID_TO,
       DN_XP_META_MARKING, DN_XP_META_COUNT };
/* The name of field i ("source", ...). */
const char *dn_xp_meta_name(int i);
/* Field i of m as text: the metadata's own string, or buf filled in for
 * grades and times; NULL when the field is not set. */
const char *dn_xp_meta_field(const dn_meta *m, int i, char *buf, size_t cap);

/* The text of a node for charts: its "name" property when that is a
 * string, else its first label and id ("Trader 42"), else its id. Owned. */
char *dn_xp_node_caption(const dn_node *n);
/* Labels as ":A:B" (owned); "" for none. */
char *dn_xp_labels_text(const dn_node *n);

/* --- attribute schema for XML formats (export.c) --------------------- */

/* The type of an attribute across all elements: the narrowest that holds
 * every value (bool, int64, double when ints and floats mix, else text). */
enum { DN_XP_ATTR_BOOL = 1, DN_XP_ATTR_LONG, DN_XP_ATTR_DOUBLE, DN_XP_ATTR_STRING };

typedef struct dn_xp_attr {
	char *name;
	int type;
} dn_xp_attr;

typedef struct dn_xp_schema {
	dn_xp_attr *node, *edge; /* property keys, sorted by name */
	size_t nnode, nedge;
	unsigned node_meta, edge_meta; /* bit i: meta field i is set somewhere */
} dn_xp_schema;

/* Collects the property keys and types of the selected nodes and edges. */
int dn_xp_schema_build(dn_xp *x, dn_xp_schema *s);
void dn_xp_schema_free(dn_xp_schema *s);
/* The XML formats' frame: builds the schema, writes head(schema), every
 * node through node (ctx = the schema), middle, every edge, then tail. */
int dn_xp_write_xml(dn_xp *x, void (*head)(FILE *f, const dn_xp_schema *s), dn_xp_node_fn node,
                    const char *middle, dn_xp_edge_fn edge, const char *tail);
/* Binary search in a sorted array of n elements of size bytes whose first
 * member is a `char *` name: the index of key, or where it would go. */
size_t dn_xp_name_pos(const void *base, size_t n, size_t size, const char *key, bool *found);
/* Inserts *elem at index pos of a growable array (*base, *n, *cap).
 * Returns 0 or DN_ENOMEM. */
int dn_xp_insert_at(void **base, size_t *n, size_t *cap, size_t size, size_t pos, const void *elem);
/* Index of key in attrs (sorted), or -1. */
long dn_xp_schema_find(const dn_xp_attr *attrs, size_t n, const char *key);

#endif
