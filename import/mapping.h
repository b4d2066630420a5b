/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mapping.h — mapping files (docs/IMPORT_EXPORT.md, "Mapping files"): a
 * JSON description that turns each row of a flat CSV into several nodes and
 * edges with MERGE on key properties. Three parts: the value transforms
 * (mapping_transform.c), the compiler from JSON to templates
 * (mapping_parse.c) and the row loader (mapping_load.c).
 */
#ifndef DN_MAPPING_H
#define DN_MAPPING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dragnet.h"
#include "dragnet_mapping.h"

/* ------------------------------------------------------------------ */
/* Transforms                                                          */
/* ------------------------------------------------------------------ */

typedef enum mt_kind {
	MT_TRIM, MT_COLLAPSE, MT_UPPER, MT_LOWER, MT_TITLE, MT_NAME, MT_TIN, MT_PHONE,
	MT_REGEX, MT_MAP, MT_REPLACE,            /* text -> text */
	MT_INT, MT_FLOAT, MT_NUMBER, MT_BOOL,    /* text -> typed (last) */
	MT_DATE, MT_DATETIME, MT_SPLIT,
} mt_kind;

/* One compiled transform step. Owned strings are freed by mt_chain_free. */
typedef struct mt_step {
	mt_kind kind;
	char *arg;        /* date format, TIN/phone country, split separator,
	                     regex source, replace pattern */
	char *arg2;       /* replace: the replacement */
	char dec, thou;   /* number: decimal and thousands separators */
	bool strip_marks; /* name: drop accents */
	void *re;         /* regex: a compiled regex_t */
	json_t *table;    /* map: the lookup object (a reference) */
	bool keep;        /* map: keep values absent from the table */
} mt_step;

typedef struct mt_chain {
	mt_step *steps;
	size_t n;
} mt_chain;

/* A growable byte buffer that keeps its storage between rows. */
typedef struct mt_buf {
	char *p;
	size_t len, cap;
} mt_buf;

/* The scratch space of one evaluated value: the text stages, the items
 * of a split. A value that evaluate produces may point into it, so it
 * lives as long as the value is used (one row). */
typedef struct mt_scratch {
	mt_buf a, b;
	dn_value *items;
	size_t icap;
} mt_scratch;

/*
 * Compiles the transform list `spec` (a JSON array of names or one-key
 * objects, or one of those alone). path is the JSON path used in messages
 * ("nodes[1].properties.tin.transform"). Returns 0, or DN_ESYNTAX with
 * "path: reason" in err.
 */
int mt_chain_compile(const json_t *spec, const char *path, mt_chain *out,
                     char *err, size_t errlen);
void mt_chain_free(mt_chain *c);

/*
 * Runs the chain over the text s[0..len). *out is DN_NULL when the text
 * is empty after the text steps (a missing value), else the result, which
 * may borrow from sc. On bad input returns DN_ETYPE with the reason in err
 * ("'31/02/2024' is not a valid date for format DD/MM/YYYY"), without the
 * file, line or column (the caller adds them); DN_ENOMEM.
 */
int mt_chain_eval(const mt_chain *c, const char *s, size_t len,
                  mt_scratch *sc, dn_value *out, char *err, size_t errlen);

void mt_scratch_free(mt_scratch *sc);

/* Patterns longer than this are rejected (a mapping's regexes are short). */
#define MT_REGEX_MAX 256

/* NULL when the POSIX extended regex pattern is safe to compile, else why
 * not: a repetition of a repetition ("a++", "(a*)*") makes glibc's regcomp
 * build an exponentially large automaton. */
const char *mt_regex_check(const char *pat);

/* ------------------------------------------------------------------ */
/* Mappings                                                            */
/* ------------------------------------------------------------------ */

/* Where a value comes from: a column (through a transform chain), or a
 * constant (a string constant also runs through the chain). */
typedef struct mp_value {
	char *column;     /* column name, NULL for a constant */
	char *path;       /* JSON path of the reference, for messages */
	int col;          /* column index once the header is known, or
	                     MP_COL_FILE / MP_COL_LINE for "$file" / "$line" */
	bool has_const;
	char *const_text; /* a string constant (runs through chain) */
	dn_value const_val; /* a non-string constant (owned) */
	char *dflt;       /* text used when the column is empty */
	bool optional;    /* a file without the column gives no value */
	mt_chain chain;
	int slot;         /* index of its result while a file loads */
} mp_value;

#define MP_COL_FILE (-2) /* the base name of the file being read */
#define MP_COL_LINE (-3) /* the line the row starts on */
#define MP_COL_NONE (-4) /* an optional column the file does not have */

typedef struct mp_prop {
	char *key;
	mp_value v;
} mp_prop;

typedef enum mp_cond_kind { MP_EMPTY, MP_NOT_EMPTY, MP_EQUALS, MP_MATCHES } mp_cond_kind;

/* A row-skip condition on one column (compared after trimming). */
typedef struct mp_cond {
	mp_value v;       /* the column (chain: trim) */
	mp_cond_kind kind;
	bool negate;      /* "not": true */
	char **vals;      /* EQUALS: any of these */
	size_t nvals;
	void *re;         /* MATCHES: a regex_t */
} mp_cond;

/* What a MERGE does to a node it finds: set the properties it lacks
 * (default), set every property that differs (last row wins), or nothing. */
enum mp_on_match { MP_ON_MATCH_FILL, MP_ON_MATCH_UPDATE, MP_ON_MATCH_KEEP };

/* A node template: labels, key properties (the first nkeys of props) and
 * the others. space numbers the distinct (first label, keys) pairs, which
 * templates share. */
typedef struct mp_node {
	char *id;
	char **labels;
	size_t nlabels;
	mp_prop *props;
	size_t nprops, nkeys;
	int on_match;     /* enum mp_on_match */
	int space;
	mp_cond *when;    /* made only when all of these hold */
	size_t nwhen;
} mp_node;

typedef struct mp_edge {
	char *type;       /* a constant type, or NULL: type_v gives it per row */
	mp_value *type_v;
	size_t from, to;  /* node template indexes */
	mp_prop *props;
	size_t nprops, nkeys; /* the first nkeys props tell edges apart */
	bool undirected;  /* (a,b) and (b,a) are one edge */
	bool self_loops;  /* keep edges whose ends are one node */
	mp_cond *when;    /* made only when all of these hold */
	size_t nwhen;
} mp_edge;

/* One key space: nodes of a label found again by the same key properties. */
typedef struct mp_space {
	char *label;
	char **keys;
	size_t nkeys;
} mp_space;

struct dn_mapping {
	char *name;        /* "name" of the file, else its base name: meta.source */
	char *file;        /* the mapping file, for messages */
	char delimiter, quote;
	char comment;      /* lines starting with it are skipped; 0 = none */
	bool header;
	bool matrix;       /* an adjacency matrix: each cell is a record with
	                      the columns row, column, value */
	char **columns;    /* names when there is no header row (or given) */
	size_t ncolumns;
	mp_node *nodes;
	size_t nnodes;
	mp_edge *edges;
	size_t nedges;
	mp_space *spaces;
	size_t nspaces;
	mp_cond *skips;
	size_t nskips;
	mp_value *meta_grade, *meta_marking, *meta_from, *meta_to, *meta_source;
};

typedef struct dn_mapping dn_mapping;

/*
 * Reads and compiles the mapping file at path. Returns 0 and *out, or
 * DN_ENOTFOUND / DN_EIO (cannot read), DN_ESYNTAX (bad JSON, or a mapping
 * error, with "file: json.path: reason" in err), DN_ENOMEM.
 */
int dn_mapping_load(const char *path, dn_mapping **out, char *err, size_t errlen);
/* The same from JSON text; name is what messages call it. */
int dn_mapping_parse(const char *text, size_t len, const char *name,
                     dn_mapping **out, char *err, size_t errlen);
void dn_mapping_free(dn_mapping *m);

#endif /* DN_MAPPING_H */
