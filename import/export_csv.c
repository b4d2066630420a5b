/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * export_csv.c — typed CSV export in the neo4j-admin header convention
 * that `dragnet import` reads (docs/IMPORT_EXPORT.md): a directory with one
 * nodes file per label set (`:ID`, `:LABEL`, `key:type` columns) and one
 * relationships file per type (`:START_ID`, `:END_ID`, `:TYPE`, ...), each
 * with the metadata columns its elements use. A first pass plans the files
 * and their columns; a property whose type differs between two elements of
 * one label set sends the second into another file of the same label set,
 * so that every column has one type. Values CSV cannot hold (nested or
 * mixed lists, an item containing the array delimiter) stop the export in
 * that first pass, before anything is written, naming element and key.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_internal.h"

typedef struct csv_col {
	char *key;
	uint8_t type; /* dn_type of the value or of the list's items */
	bool list;
} csv_col;

typedef struct csv_file {
	bool edges;
	char *group; /* labels joined by '\x1f', or the relationship type */
	csv_col *cols; /* sorted by key */
	size_t ncols, cap;
	unsigned meta; /* bit DN_XP_META_*: the column is needed */
	char *name;
	FILE *f;
} csv_file;

typedef struct csv_plan {
	csv_file *files;
	size_t n, cap;
	char delim; /* array delimiter */
} csv_plan;

static const char *csv_type_name(int t)
{
	switch (t) {
	case DN_BOOL: return "boolean";
	case DN_INT: return "int";
	case DN_FLOAT: return "float";
	case DN_DATE: return "date";
	case DN_DATETIME: return "datetime";
	case DN_DURATION: return "duration";
	case DN_LOCALTIME: return "localtime";
	case DN_TIME: return "time";
	case DN_LOCALDATETIME: return "localdatetime";
	default: return "string";
	}
}

/* The group key of a node: its labels joined by '\x1f'. */
static char *csv_node_group(const dn_node *n)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < n->nlabels; i++)
		len += strlen(n->labels[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	for (size_t i = 0; i < n->nlabels; i++) {
		size_t l = strlen(n->labels[i]);
		if (i)
			*p++ = '\x1f';
		memcpy(p, n->labels[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

/* Checks that a property can be a typed CSV cell and gives its column
 * type. Returns 0, 1 for an empty list (written as an empty cell, which
 * reads back as absent), or DN_EINVAL with the message set. */
static int csv_value_kind(dn_xp *x, const char *what, dn_id id, const dn_prop *p, char delim,
                          uint8_t *type, bool *list)
{
	const dn_value *v = &p->value;

	if (strchr(p->key, ':'))
		return dn_xp_fail(x, DN_EINVAL,
		                  "%s %llu: property '%s' has a ':' in its name, which a typed CSV header "
		                  "cannot hold; use --format jsonl",
		                  what, (unsigned long long)id, p->key);
	*list = v->type == DN_LIST;
	if (!*list) {
		*type = v->type;
		return 0;
	}
	if (v->len == 0)
		return 1;
	*type = v->u.list[0].type;
	for (uint32_t i = 0; i < v->len; i++) {
		const dn_value *it = &v->u.list[i];
		if (it->type != *type || it->type == DN_LIST || it->type == DN_NULL)
			return dn_xp_fail(x, DN_EINVAL,
			                  "%s %llu: property '%s' is a list of mixed or nested values, which "
			                  "typed CSV cannot hold; use --format jsonl",
			                  what, (unsigned long long)id, p->key);
		if (it->type == DN_STRING && memchr(it->u.s, delim, it->len))
			return dn_xp_fail(x, DN_EINVAL,
			                  "%s %llu: an item of list property '%s' contains the array delimiter "
			                  "'%c'; choose another with --array-delimiter",
			                  what, (unsigned long long)id, p->key, delim);
	}
	return 0;
}

/* Position of key in f->cols, or where it would go. */
static size_t csv_col_pos(const csv_file *f, const char *key, bool *found)
{
	return dn_xp_name_pos(f->cols, f->ncols, sizeof *f->cols, key, found);
}

/* Whether every property fits f's columns (missing columns may be added). */
static bool csv_fits(dn_xp *x, const csv_file *f, const char *what, dn_id id, const dn_prop *props,
                     size_t n, char delim, int *rc)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t t;
		bool list, found;
		int k = csv_value_kind(x, what, id, &props[i], delim, &t, &list);
		if (k < 0) {
			*rc = k;
			return false;
		}
		if (k == 1)
			continue;
		size_t pos = csv_col_pos(f, props[i].key, &found);
		if (found && (f->cols[pos].type != t || f->cols[pos].list != list))
			return false;
	}
	return true;
}

/* The file of an element: the first of its group whose columns fit it,
 * or -1 (with *rc 0 when none fits, or an error). */
static long csv_find(dn_xp *x, const csv_plan *pl, bool edges, const char *group, const char *what,
                     dn_id id, const dn_prop *props, size_t n, int *rc)
{
	*rc = 0;
	for (size_t i = 0; i < pl->n; i++) {
		const csv_file *f = &pl->files[i];
		if (f->edges != edges || strcmp(f->group, group))
			continue;
		if (csv_fits(x, f, what, id, props, n, pl->delim, rc))
			return (long)i;
		if (*rc)
			return -1;
	}
	return -1;
}

/* Adds the element's columns and metadata to f. */
static int csv_extend(dn_xp *x, csv_file *f, const char *what, dn_id id, const dn_prop *props,
                      size_t n, const dn_meta *m, char delim)
{
	char buf[96];

	for (size_t i = 0; i < n; i++) {
		uint8_t t;
		bool list, found;
		int k = csv_value_kind(x, what, id, &props[i], delim, &t, &list);
		if (k < 0)
			return k;
		if (k == 1)
			continue;
		size_t pos = csv_col_pos(f, props[i].key, &found);
		if (found)
			continue;
		csv_col c = {strdup(props[i].key), t, list};
		if (!c.key || dn_xp_insert_at((void **)&f->cols, &f->ncols, &f->cap, sizeof c, pos, &c)) {
			free(c.key);
			return DN_ENOMEM;
		}
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++)
		if (dn_xp_meta_field(m, i, buf, sizeof buf))
			f->meta |= 1u << i;
	return 0;
}

/* Pass 1 for one element: finds or opens its file and widens it. */
static int csv_plan_add(dn_xp *x, csv_plan *pl, bool edges, char *group, const char *what, dn_id id,
                        const dn_prop *props, size_t n, const dn_meta *m)
{
	int rc;
	long i = csv_find(x, pl, edges, group, what, id, props, n, &rc);

	if (rc) {
		free(group);
		return rc;
	}
	if (i < 0) {
		if (pl->n == pl->cap) {
			size_t cap = pl->cap ? 2 * pl->cap : 8;
			csv_file *f = realloc(pl->files, cap * sizeof *f);
			if (!f) {
				free(group);
				return DN_ENOMEM;
			}
			pl->files = f;
			pl->cap = cap;
		}
		pl->files[pl->n] = (csv_file){.edges = edges, .group = group};
		i = (long)pl->n++;
	} else {
		free(group);
	}
	return csv_extend(x, &pl->files[i], what, id, props, n, m, pl->delim);
}

static int csv_plan_node(dn_xp *x, const dn_node *n, void *ctx)
{
	csv_plan *pl = ctx;
	char *group = csv_node_group(n);

	if (!group)
		return DN_ENOMEM;
	for (size_t i = 0; i < n->nlabels; i++)
		if (strchr(n->labels[i], pl->delim)) {
			free(group);
			return dn_xp_fail(x, DN_EINVAL,
			                  "node %llu: label '%s' contains the array delimiter '%c'; choose "
			                  "another with --array-delimiter",
			                  (unsigned long long)n->id, n->labels[i], pl->delim);
		}
	return csv_plan_add(x, pl, false, group, "node", n->id, n->props, n->nprops, &n->meta);
}

static int csv_plan_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	char *group = strdup(e->type);

	if (!group)
		return DN_ENOMEM;
	return csv_plan_add(x, ctx, true, group, "relationship", e->id, e->props, e->nprops, &e->meta);
}

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

/* A cell s[0..len) followed by suffix (header type suffixes have no
 * special characters): quoted when forced or when it holds a comma, quote
 * or line break. */
static void csv_cell(FILE *f, const char *s, size_t len, const char *suffix, bool quote)
{
	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (quote)
		fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputs(suffix, f);
	if (quote)
		fputc('"', f);
}

/* File names: nodes_<labels>.csv / rels_<type>.csv with every character
 * outside [A-Za-z0-9_-] as '_', unique in the plan. */
static int csv_name(csv_plan *pl, size_t idx)
{
	csv_file *f = &pl->files[idx];
	char base[80];
	size_t n = 0;
	const char *prefix = f->edges ? "rels" : "nodes";

	n = (size_t)snprintf(base, sizeof base, "%s%s", prefix, f->group[0] ? "_" : "");
	for (const char *p = f->group; *p && n < 64; p++) {
		char c = *p;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		          c == '-' || c == '_';
		base[n++] = ok ? c : '_';
	}
	base[n] = '\0';
	for (unsigned k = 1;; k++) {
		char *name;
		bool taken = false;
		if ((k == 1 ? asprintf(&name, "%s.csv", base) : asprintf(&name, "%s_%u.csv", base, k)) < 0)
			return DN_ENOMEM;
		for (size_t i = 0; i < idx && !taken; i++)
			taken = strcmp(pl->files[i].name, name) == 0;
		if (!taken) {
			f->name = name;
			return 0;
		}
		free(name);
	}
}

static const char *const csv_meta_cols[DN_XP_META_COUNT] = {
	":SOURCE", ":RECORD", ":GRADE", NULL, ":VALID_FROM", ":VALID_TO", ":MARKING",
};

/* The grade columns: reliability and credibility share :GRADE. */
static unsigned csv_meta_bits(unsigned meta)
{
	unsigned grade = (1u << DN_XP_META_RELIABILITY) | (1u << DN_XP_META_CREDIBILITY);
	if (meta & grade)
		meta = (meta & ~grade) | (1u << DN_XP_META_RELIABILITY);
	return meta;
}

static int csv_open(dn_xp *x, csv_plan *pl, size_t idx)
{
	csv_file *f = &pl->files[idx];
	char *path;
	int rc = csv_name(pl, idx);

	if (rc)
		return rc;
	if (asprintf(&path, "%s/%s", x->dir, f->name) < 0)
		return DN_ENOMEM;
	f->f = fopen(path, "w");
	free(path);
	if (!f->f)
		return dn_xp_fail(x, DN_EIO, "cannot create %s: %m", f->name);
	fputs(f->edges ? ":START_ID,:END_ID,:TYPE" : ":ID,:LABEL", f->f);
	for (size_t i = 0; i < f->ncols; i++) {
		char suffix[24];
		snprintf(suffix, sizeof suffix, ":%s%s", csv_type_name(f->cols[i].type),
		         f->cols[i].list ? "[]" : "");
		fputc(',', f->f);
		csv_cell(f->f, f->cols[i].key, strlen(f->cols[i].key), suffix, false);
	}
	unsigned meta = csv_meta_bits(f->meta);
	for (int i = 0; i < DN_XP_META_COUNT; i++)
		if (meta & (1u << i))
			fprintf(f->f, ",%s", csv_meta_cols[i]);
	fputc('\n', f->f);
	x->stats.files++;
	return 0;
}

/* One value cell. */
static void csv_value(FILE *f, const dn_value *v, char delim)
{
	char buf[96];

	if (v->type == DN_STRING) {
		csv_cell(f, v->u.s, v->len, "", true);
		return;
	}
	if (v->type != DN_LIST) {
		int n = dn_xp_scalar_text(v, buf, sizeof buf);
		csv_cell(f, buf, (size_t)n, "", false);
		return;
	}
	if (v->len == 0)
		return;
	/* a list: the items joined by delim, as one cell */
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	bool strings = v->u.list[0].type == DN_STRING;
	for (uint32_t i = 0; m && i < v->len; i++) {
		if (i)
			fputc(delim, m);
		if (strings)
			fwrite(v->u.list[i].u.s, 1, v->u.list[i].len, m);
		else
			fputs(dn_xp_scalar_text(&v->u.list[i], buf, sizeof buf) >= 0 ? buf : "", m);
	}
	if (m && fclose(m) == 0)
		csv_cell(f, s, len, "", strings);
	else
		fputs("\"\"", f); /* cannot happen short of memory: see csv_row */
	free(s);
}

/* The property and metadata cells of a row. */
static void csv_row(FILE *out, const csv_file *f, const dn_prop *props, size_t n, const dn_meta *m,
                    char delim)
{
	char buf[96];
	size_t j = 0;
	unsigned meta = csv_meta_bits(f->meta);

	for (size_t i = 0; i < f->ncols; i++) {
		fputc(',', out);
		while (j < n && strcmp(props[j].key, f->cols[i].key) < 0)
			j++;
		if (j < n && strcmp(props[j].key, f->cols[i].key) == 0)
			csv_value(out, &props[j].value, delim);
	}
	for (int i = 0; i < DN_XP_META_COUNT; i++) {
		if (!(meta & (1u << i)))
			continue;
		fputc(',', out);
		if (i == DN_XP_META_RELIABILITY) {
			char g[4];
			dn_xp_grade_text(m, g);
			fputs(g, out);
			continue;
		}
		const char *t = dn_xp_meta_field(m, i, buf, sizeof buf);
		if (t)
			csv_cell(out, t, strlen(t), "", i == DN_XP_META_SOURCE || i == DN_XP_META_RECORD ||
			                                  i == DN_XP_META_MARKING);
	}
	fputc('\n', out);
}

static int csv_write_node(dn_xp *x, const dn_node *n, void *ctx)
{
	csv_plan *pl = ctx;
	char *group = csv_node_group(n);
	int rc;
	long i;

	if (!group)
		return DN_ENOMEM;
	i = csv_find(x, pl, false, group, "node", n->id, n->props, n->nprops, &rc);
	free(group);
	if (rc || i < 0)
		return rc ? rc : dn_xp_fail(x, DN_ERROR_GENERIC, "node %llu changed during the export",
		                            (unsigned long long)n->id);
	FILE *f = pl->files[i].f;
	fprintf(f, "%llu,", (unsigned long long)n->id);
	if (n->nlabels) {
		char *labels = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&labels, &len);
		if (!m)
			return DN_ENOMEM;
		for (size_t k = 0; k < n->nlabels; k++) {
			if (k)
				fputc(pl->delim, m);
			fputs(n->labels[k], m);
		}
		if (fclose(m) != 0) {
			free(labels);
			return DN_ENOMEM;
		}
		csv_cell(f, labels, len, "", false);
		free(labels);
	}
	csv_row(f, &pl->files[i], n->props, n->nprops, &n->meta, pl->delim);
	x->stats.nodes++;
	return 0;
}

static int csv_write_edge(dn_xp *x, const dn_edge *e, void *ctx)
{
	csv_plan *pl = ctx;
	int rc;
	long i = csv_find(x, pl, true, e->type, "relationship", e->id, e->props, e->nprops, &rc);

	if (rc || i < 0)
		return rc ? rc : dn_xp_fail(x, DN_ERROR_GENERIC, "relationship %llu changed during the export",
		                            (unsigned long long)e->id);
	FILE *f = pl->files[i].f;
	fprintf(f, "%llu,%llu,", (unsigned long long)e->src, (unsigned long long)e->dst);
	csv_cell(f, e->type, strlen(e->type), "", false);
	csv_row(f, &pl->files[i], e->props, e->nprops, &e->meta, pl->delim);
	x->stats.edges++;
	return 0;
}

static void csv_plan_free(csv_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		csv_file *f = &pl->files[i];
		for (size_t c = 0; c < f->ncols; c++)
			free(f->cols[c].key);
		free(f->cols);
		free(f->group);
		free(f->name);
		if (f->f)
			fclose(f->f);
	}
	free(pl->files);
}

int dn_xp_write_csv(dn_xp *x)
{
	csv_plan pl = {.delim = x->opts->array_delimiter ? x->opts->array_delimiter : ';'};
	int rc = dn_xp_each_node(x, csv_plan_node, &pl);

	if (!rc)
		rc = dn_xp_each_edge(x, csv_plan_edge, &pl);
	/* the files: nodes first, each group's files in order */
	for (size_t i = 0; i < pl.n && !rc; i++)
		rc = csv_open(x, &pl, i);
	if (!rc)
		rc = dn_xp_each_node(x, csv_write_node, &pl);
	if (!rc)
		rc = dn_xp_each_edge(x, csv_write_edge, &pl);
	for (size_t i = 0; i < pl.n && !rc; i++) {
		rc = dn_xp_check_stream(x, pl.files[i].f, pl.files[i].name);
		if (!rc && fsync(fileno(pl.files[i].f)) != 0)
			rc = dn_xp_fail(x, DN_EIO, "cannot write %s: %m", pl.files[i].name);
		if (fclose(pl.files[i].f) != 0 && !rc)
			rc = dn_xp_fail(x, DN_EIO, "cannot write %s: %m", pl.files[i].name);
		pl.files[i].f = NULL;
	}
	if (rc == DN_ENOMEM)
		dn_xp_fail(x, rc, "out of memory");
	csv_plan_free(&pl);
	return rc;
}
