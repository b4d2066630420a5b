/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck_value.c — the TCK's value notation for the openCypher TCK runner:
 * parsing result cells and parameters (1, 1.5, 'x', [1], {k: 1}, (:A {k: 1}),
 * [:T], <(:A)-[:T]->(:B)>), rendering, comparison (bags, float care, list
 * order) and conversion from and to dn_value; plus the runner's small
 * string helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tck.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

void *tck_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "tck_runner: out of memory\n");
		exit(2);
	}
	return q;
}

char *tck_xstrndup(const char *s, size_t n)
{
	char *d = tck_xrealloc(NULL, n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *tck_xstrdup(const char *s)
{
	return tck_xstrndup(s, strlen(s));
}


void tck_str_addn(tck_str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = tck_xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void tck_str_add(tck_str *b, const char *s)
{
	tck_str_addn(b, s, strlen(s));
}

void tck_str_printf(tck_str *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		tck_str_addn(b, tmp, (size_t)n);
		return;
	}
	char *big = tck_xrealloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	tck_str_addn(b, big, (size_t)n);
	free(big);
}

char *tck_str_take(tck_str *b)
{
	char *p = b->p ? b->p : tck_xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

const char *tck_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

bool tck_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------ */
/* TCK values: the notation of result cells and parameters             */
/* ------------------------------------------------------------------ */



void tv_free(tv *v)
{
	if (!v)
		return;
	free(v->s);
	for (size_t k = 0; k < v->n; k++) {
		tv_free(&v->items[k]);
		if (v->keys)
			free(v->keys[k]);
	}
	free(v->items);
	free(v->keys);
	for (size_t k = 0; k < v->nlabels; k++)
		free(v->labels[k]);
	free(v->labels);
	if (v->props) {
		tv_free(v->props);
		free(v->props);
	}
	memset(v, 0, sizeof *v);
}


/* Floats: equal when identical, both NaN, or within a relative 1e-14
 * (engines may sum in another order); otherwise ordered numerically. */
static int tv_float_cmp(double x, double y)
{
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y) ? 0 : isnan(x) ? 1 : -1;
	if (x == y)
		return 0;
	double scale = fmax(fabs(x), fabs(y));
	if (isfinite(scale) && fabs(x - y) <= 1e-14 * scale)
		return 0;
	return x < y ? -1 : 1;
}

static int tv_cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* A total order (up to float tolerance) used for equality and sorting. */
int tv_cmp(const tv *a, const tv *b)
{
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	int c;
	switch (a->kind) {
	case TV_NULL:
		return 0;
	case TV_BOOL:
		return (int)a->b - (int)b->b;
	case TV_INT:
		return a->i < b->i ? -1 : a->i > b->i;
	case TV_FLOAT:
		return tv_float_cmp(a->f, b->f);
	case TV_STRING:
		return tv_cmp_str(a->s, b->s);
	case TV_LIST:
	case TV_PATH:
	case TV_MAP:
		for (size_t k = 0; k < a->n && k < b->n; k++) {
			if (a->kind == TV_MAP && (c = tv_cmp_str(a->keys[k], b->keys[k])))
				return c;
			if ((c = tv_cmp(&a->items[k], &b->items[k])))
				return c;
		}
		return a->n < b->n ? -1 : a->n > b->n;
	case TV_NODE:
		for (size_t k = 0; k < a->nlabels && k < b->nlabels; k++)
			if ((c = tv_cmp_str(a->labels[k], b->labels[k])))
				return c;
		if (a->nlabels != b->nlabels)
			return a->nlabels < b->nlabels ? -1 : 1;
		return tv_cmp(a->props, b->props);
	case TV_REL:
		if ((c = tv_cmp_str(a->s, b->s)))
			return c;
		if (a->fwd != b->fwd)
			return (int)a->fwd - (int)b->fwd;
		return tv_cmp(a->props, b->props);
	}
	return 0;
}

static int tv_qsort_cmp(const void *a, const void *b)
{
	return tv_cmp(a, b);
}

/* Sorts every list in the tree (deepest first): "ignoring element order
 * for lists". Paths keep their order. */
void tv_sort_lists(tv *v)
{
	for (size_t k = 0; k < v->n; k++)
		tv_sort_lists(&v->items[k]);
	if (v->props)
		tv_sort_lists(v->props);
	if (v->kind == TV_LIST && v->n > 1)
		qsort(v->items, v->n, sizeof *v->items, tv_qsort_cmp);
}


/* Floats in the shortest text that reads back exactly, always with a '.'
 * or exponent so that 1.0 is not mistaken for 1. */
static void tv_render_float(double f, tck_str *out)
{
	char buf[64];
	if (isnan(f)) {
		tck_str_add(out, "NaN");
		return;
	}
	if (isinf(f)) {
		tck_str_add(out, f > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	if (!strpbrk(buf, ".e"))
		strcat(buf, ".0");
	tck_str_add(out, buf);
}

static void tv_render_string(const char *s, tck_str *out)
{
	tck_str_add(out, "'");
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '\'' || *p == '\\')
			tck_str_add(out, "\\");
		tck_str_addn(out, p, 1);
	}
	tck_str_add(out, "'");
}

static void tv_render_props(const tv *props, tck_str *out)
{
	if (props && props->n) {
		tck_str_add(out, " ");
		tv_render(props, out);
	}
}

/* Renders v in the TCK notation: (:A {k: 1}), [:T], <(:A)-[:T]->(:B)>. */
void tv_render(const tv *v, tck_str *out)
{
	switch (v->kind) {
	case TV_NULL:
		tck_str_add(out, "null");
		break;
	case TV_BOOL:
		tck_str_add(out, v->b ? "true" : "false");
		break;
	case TV_INT:
		tck_str_printf(out, "%lld", (long long)v->i);
		break;
	case TV_FLOAT:
		tv_render_float(v->f, out);
		break;
	case TV_STRING:
		tv_render_string(v->s, out);
		break;
	case TV_LIST:
		tck_str_add(out, "[");
		for (size_t k = 0; k < v->n; k++) {
			if (k)
				tck_str_add(out, ", ");
			tv_render(&v->items[k], out);
		}
		tck_str_add(out, "]");
		break;
	case TV_MAP:
		tck_str_add(out, "{");
		for (size_t k = 0; k < v->n; k++) {
			tck_str_printf(out, "%s%s: ", k ? ", " : "", v->keys[k]);
			tv_render(&v->items[k], out);
		}
		tck_str_add(out, "}");
		break;
	case TV_NODE:
		tck_str_add(out, "(");
		for (size_t k = 0; k < v->nlabels; k++)
			tck_str_printf(out, ":%s", v->labels[k]);
		if (v->props && v->props->n) {
			if (v->nlabels)
				tck_str_add(out, " ");
			tv_render(v->props, out);
		}
		tck_str_add(out, ")");
		break;
	case TV_REL:
		tck_str_printf(out, "[:%s", v->s ? v->s : "");
		tv_render_props(v->props, out);
		tck_str_add(out, "]");
		break;
	case TV_PATH:
		tck_str_add(out, "<");
		for (size_t k = 0; k < v->n; k++) {
			const tv *e = &v->items[k];
			if (e->kind == TV_REL) {
				tck_str_add(out, e->fwd ? "-" : "<-");
				tv_render(e, out);
				tck_str_add(out, e->fwd ? "->" : "-");
			} else {
				tv_render(e, out);
			}
		}
		tck_str_add(out, ">");
		break;
	}
}

char *tv_to_text(const tv *v)
{
	tck_str b = {0};
	tv_render(v, &b);
	return tck_str_take(&b);
}

/* --- Parsing the notation ---------------------------------------- */

typedef struct tv_parser {
	const char *p;
	const char *err; /* first error, static text */
} tv_parser;

static int tv_parse_value(tv_parser *ps, tv *out);

static int tv_fail(tv_parser *ps, const char *msg)
{
	if (!ps->err)
		ps->err = msg;
	return -1;
}

/* A name: identifier or `backquoted`. Returns an owned string or NULL. */
static char *tv_parse_name(tv_parser *ps)
{
	ps->p = tck_skip_ws(ps->p);
	const char *s = ps->p;
	if (*s == '`') {
		const char *e = strchr(s + 1, '`');
		if (!e)
			return tv_fail(ps, "unterminated `name`"), NULL;
		ps->p = e + 1;
		return tck_xstrndup(s + 1, (size_t)(e - s - 1));
	}
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || (unsigned char)*ps->p >= 0x80)
		ps->p++;
	if (ps->p == s)
		return tv_fail(ps, "name expected"), NULL;
	return tck_xstrndup(s, (size_t)(ps->p - s));
}

static void tv_put_utf8(tck_str *b, unsigned long cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	tck_str_addn(b, u, n);
}

static int tv_parse_string(tv_parser *ps, tv *out)
{
	char q = *ps->p++;
	tck_str b = {0};
	for (;;) {
		char c = *ps->p;
		if (!c) {
			free(b.p);
			return tv_fail(ps, "unterminated string");
		}
		ps->p++;
		if (c == q)
			break;
		if (c != '\\') {
			tck_str_addn(&b, &c, 1);
			continue;
		}
		c = *ps->p;
		if (!c)
			continue;
		ps->p++;
		switch (c) {
		case 'n': tck_str_add(&b, "\n"); break;
		case 't': tck_str_add(&b, "\t"); break;
		case 'r': tck_str_add(&b, "\r"); break;
		case 'b': tck_str_add(&b, "\b"); break;
		case 'f': tck_str_add(&b, "\f"); break;
		case 'u': {
			char hex[5] = {0};
			for (int k = 0; k < 4 && isxdigit((unsigned char)*ps->p); k++)
				hex[k] = *ps->p++;
			tv_put_utf8(&b, strtoul(hex, NULL, 16));
			break;
		}
		default: tck_str_addn(&b, &c, 1); break;
		}
	}
	out->kind = TV_STRING;
	out->s = tck_str_take(&b);
	return 0;
}

static int tv_parse_number(tv_parser *ps, tv *out)
{
	const char *s = ps->p;
	const char *q = s;
	if (*q == '-' || *q == '+')
		q++;
	if (tck_starts(q, "Infinity")) {
		out->kind = TV_FLOAT;
		out->f = *s == '-' ? -INFINITY : INFINITY;
		ps->p = q + 8;
		return 0;
	}
	if (tck_starts(q, "NaN")) {
		out->kind = TV_FLOAT;
		out->f = NAN;
		ps->p = q + 3;
		return 0;
	}
	if (!isdigit((unsigned char)*q) && *q != '.')
		return tv_fail(ps, "value expected");
	bool isfloat = false;
	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		q += 2;
		while (isxdigit((unsigned char)*q))
			q++;
	} else {
		while (isdigit((unsigned char)*q))
			q++;
		if (*q == '.' && isdigit((unsigned char)q[1])) {
			isfloat = true;
			q++;
			while (isdigit((unsigned char)*q))
				q++;
		}
		if (*q == 'e' || *q == 'E') {
			isfloat = true;
			q++;
			if (*q == '-' || *q == '+')
				q++;
			while (isdigit((unsigned char)*q))
				q++;
		}
	}
	char *text = tck_xstrndup(s, (size_t)(q - s));
	char *end;
	errno = 0;
	if (isfloat) {
		out->kind = TV_FLOAT;
		out->f = strtod(text, &end);
	} else {
		out->kind = TV_INT;
		out->i = strtoll(text, &end, 0);
	}
	bool bad = *end || errno == ERANGE;
	free(text);
	if (bad)
		return tv_fail(ps, "bad number");
	ps->p = q;
	return 0;
}

/* {k: v, ...}: keys sorted afterwards; a repeated key keeps the last. */
static int tv_parse_map(tv_parser *ps, tv *out)
{
	ps->p++; /* { */
	out->kind = TV_MAP;
	ps->p = tck_skip_ws(ps->p);
	if (*ps->p == '}') {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = tv_parse_name(ps);
		if (!key)
			return -1;
		ps->p = tck_skip_ws(ps->p);
		if (*ps->p != ':') {
			free(key);
			return tv_fail(ps, "':' expected in map");
		}
		ps->p++;
		tv val = {0};
		if (tv_parse_value(ps, &val)) {
			free(key);
			return -1;
		}
		size_t at = 0;
		while (at < out->n && strcmp(out->keys[at], key) < 0)
			at++;
		if (at < out->n && strcmp(out->keys[at], key) == 0) {
			free(key);
			tv_free(&out->items[at]);
			out->items[at] = val;
		} else {
			out->items = tck_xrealloc(out->items, (out->n + 1) * sizeof *out->items);
			out->keys = tck_xrealloc(out->keys, (out->n + 1) * sizeof *out->keys);
			memmove(&out->items[at + 1], &out->items[at], (out->n - at) * sizeof *out->items);
			memmove(&out->keys[at + 1], &out->keys[at], (out->n - at) * sizeof *out->keys);
			out->items[at] = val;
			out->keys[at] = key;
			out->n++;
		}
		ps->p = tck_skip_ws(ps->p);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == '}') {
			ps->p++;
			return 0;
		}
		return tv_fail(ps, "',' or '}' expected in map");
	}
}

static int tv_label_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Optional {props} of a node or relationship: always leaves a MAP. */
static int tv_parse_props(tv_parser *ps, tv *out)
{
	out->props = tck_xrealloc(NULL, sizeof *out->props);
	memset(out->props, 0, sizeof *out->props);
	out->props->kind = TV_MAP;
	ps->p = tck_skip_ws(ps->p);
	if (*ps->p == '{')
		return tv_parse_map(ps, out->props);
	return 0;
}

/* (:A:B {k: 1}) */
static int tv_parse_node(tv_parser *ps, tv *out)
{
	ps->p++; /* ( */
	out->kind = TV_NODE;
	for (;;) {
		ps->p = tck_skip_ws(ps->p);
		if (*ps->p != ':')
			break;
		ps->p++;
		char *label = tv_parse_name(ps);
		if (!label)
			return -1;
		out->labels = tck_xrealloc(out->labels, (out->nlabels + 1) * sizeof *out->labels);
		out->labels[out->nlabels++] = label;
	}
	if (out->nlabels > 1)
		qsort(out->labels, out->nlabels, sizeof *out->labels, tv_label_cmp);
	if (tv_parse_props(ps, out))
		return -1;
	ps->p = tck_skip_ws(ps->p);
	if (*ps->p != ')')
		return tv_fail(ps, "')' expected after node");
	ps->p++;
	return 0;
}

/* [:T {k: 1}] (the '[' already seen) */
static int tv_parse_rel(tv_parser *ps, tv *out)
{
	ps->p = tck_skip_ws(ps->p + 1);
	out->kind = TV_REL;
	out->fwd = true;
	if (*ps->p != ':')
		return tv_fail(ps, "':' expected in relationship");
	ps->p++;
	if (!(out->s = tv_parse_name(ps)))
		return -1;
	if (tv_parse_props(ps, out))
		return -1;
	ps->p = tck_skip_ws(ps->p);
	if (*ps->p != ']')
		return tv_fail(ps, "']' expected after relationship");
	ps->p++;
	return 0;
}

void tv_push(tv *list, tv *item)
{
	list->items = tck_xrealloc(list->items, (list->n + 1) * sizeof *list->items);
	list->items[list->n++] = *item;
	memset(item, 0, sizeof *item);
}

/* <(:A)-[:T]->(:B)<-[:U]-(:C)> */
static int tv_parse_path(tv_parser *ps, tv *out)
{
	ps->p = tck_skip_ws(ps->p + 1);
	out->kind = TV_PATH;
	tv node = {0};
	if (*ps->p != '(')
		return tv_fail(ps, "node expected in path");
	if (tv_parse_node(ps, &node)) {
		tv_free(&node);
		return -1;
	}
	tv_push(out, &node);
	for (;;) {
		ps->p = tck_skip_ws(ps->p);
		if (*ps->p == '>') {
			ps->p++;
			return 0;
		}
		bool back = tck_starts(ps->p, "<-");
		ps->p += back ? 2 : 1;
		if (!back && ps->p[-1] != '-')
			return tv_fail(ps, "'-' expected in path");
		ps->p = tck_skip_ws(ps->p);
		tv rel = {0};
		if (*ps->p != '[' || tv_parse_rel(ps, &rel)) {
			tv_free(&rel);
			return tv_fail(ps, "relationship expected in path");
		}
		rel.fwd = !back;
		tv_push(out, &rel);
		ps->p = tck_skip_ws(ps->p);
		const char *arrow = back ? "-" : "->";
		if (!tck_starts(ps->p, arrow))
			return tv_fail(ps, "arrow expected in path");
		ps->p = tck_skip_ws(ps->p + strlen(arrow));
		if (*ps->p != '(' || tv_parse_node(ps, &node)) {
			tv_free(&node);
			return tv_fail(ps, "node expected in path");
		}
		tv_push(out, &node);
	}
}

static int tv_parse_list(tv_parser *ps, tv *out)
{
	ps->p = tck_skip_ws(ps->p + 1);
	out->kind = TV_LIST;
	if (*ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		tv item = {0};
		if (tv_parse_value(ps, &item)) {
			tv_free(&item);
			return -1;
		}
		tv_push(out, &item);
		ps->p = tck_skip_ws(ps->p);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		return tv_fail(ps, "',' or ']' expected in list");
	}
}

static bool tv_word(tv_parser *ps, const char *w)
{
	size_t n = strlen(w);
	if (strncasecmp(ps->p, w, n) || isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_')
		return false;
	ps->p += n;
	return true;
}

static int tv_parse_value(tv_parser *ps, tv *out)
{
	memset(out, 0, sizeof *out);
	ps->p = tck_skip_ws(ps->p);
	switch (*ps->p) {
	case '\'':
	case '"':
		return tv_parse_string(ps, out);
	case '{':
		return tv_parse_map(ps, out);
	case '(':
		return tv_parse_node(ps, out);
	case '<':
		return tv_parse_path(ps, out);
	case '[':
		if (*tck_skip_ws(ps->p + 1) == ':')
			return tv_parse_rel(ps, out);
		return tv_parse_list(ps, out);
	default:
		break;
	}
	if (tv_word(ps, "null")) {
		out->kind = TV_NULL;
		return 0;
	}
	if (tv_word(ps, "true") || tv_word(ps, "false")) {
		out->kind = TV_BOOL;
		out->b = tolower((unsigned char)ps->p[-1]) == 'e' && tolower((unsigned char)ps->p[-2]) == 'u';
		return 0;
	}
	return tv_parse_number(ps, out);
}

/* Parses a whole cell. Returns 0, or -1 with *err (static text). */
int tv_parse(const char *text, tv *out, const char **err)
{
	tv_parser ps = {.p = text, .err = NULL};
	int rc = tv_parse_value(&ps, out);
	if (!rc && *tck_skip_ws(ps.p))
		rc = tv_fail(&ps, "trailing text after value");
	if (rc) {
		tv_free(out);
		if (err)
			*err = ps.err ? ps.err : "bad value";
	}
	return rc;
}

/* --- Between TCK values and dn_value ----------------------------- */

/* A parameter value as dragnet takes it (owned). Nodes, relationships and
 * paths cannot be parameters: DN_EINVAL. */
int tv_to_dn(const tv *v, dn_value *out)
{
	*out = dn_value_null();
	int err = 0;
	switch (v->kind) {
	case TV_NULL: return 0;
	case TV_BOOL: *out = dn_value_bool(v->b); return 0;
	case TV_INT: *out = dn_value_int(v->i); return 0;
	case TV_FLOAT: *out = dn_value_float(v->f); return 0;
	case TV_STRING: *out = dn_value_string(v->s, &err); return err;
	case TV_LIST:
	case TV_MAP: {
		bool map = v->kind == TV_MAP;
		size_t n = map ? 2 * v->n : v->n;
		dn_value *items = tck_xrealloc(NULL, n * sizeof *items);
		size_t done = 0;
		for (size_t k = 0; k < v->n && !err; k++) {
			if (map) {
				items[done] = dn_value_string(v->keys[k], &err);
				if (err)
					break;
				done++;
			}
			err = tv_to_dn(&v->items[k], &items[done]);
			if (!err)
				done++;
		}
		if (!err) {
			*out = dn_value_list(items, n, &err);
			if (!err && map) {
				out->type = DN_MAP;
				out->len = (uint32_t)v->n;
			}
		}
		for (size_t k = 0; k < done; k++)
			dn_value_free(&items[k]);
		free(items);
		return err;
	}
	default:
		return DN_EINVAL;
	}
}

static int tv_from_props(const dn_prop *props, size_t n, tv *out);

/* A result value as the TCK writes it. Nodes and relationships are read
 * in txn. Temporal values become their ISO text (the TCK writes them as
 * strings). Returns 0 or a dn_err. */
int tv_from_dn(dn_txn *txn, const dn_value *v, tv *out)
{
	memset(out, 0, sizeof *out);
	char buf[128];
	int rc = 0;
	switch ((dn_type)v->type) {
	case DN_NULL: out->kind = TV_NULL; return 0;
	case DN_BOOL: out->kind = TV_BOOL; out->b = v->u.b; return 0;
	case DN_INT: out->kind = TV_INT; out->i = v->u.i; return 0;
	case DN_FLOAT: out->kind = TV_FLOAT; out->f = v->u.f; return 0;
	case DN_STRING:
		out->kind = TV_STRING;
		out->s = tck_xstrndup(v->u.s ? v->u.s : "", v->len);
		return 0;
	case DN_DATE:
	case DN_DATETIME:
	case DN_DURATION:
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME:
		dn_value_format(v, buf, sizeof buf);
		out->kind = TV_STRING;
		out->s = tck_xstrdup(buf);
		return 0;
	case DN_LIST:
		out->kind = TV_LIST;
		for (size_t k = 0; k < v->len && !rc; k++) {
			tv item;
			rc = tv_from_dn(txn, &v->u.list[k], &item);
			tv_push(out, &item);
		}
		return rc;
	case DN_MAP: {
		out->kind = TV_MAP;
		out->keys = tck_xrealloc(NULL, v->len * sizeof *out->keys);
		out->items = tck_xrealloc(NULL, v->len * sizeof *out->items);
		for (size_t k = 0; k < v->len; k++) {
			const dn_value *key = &v->u.list[2 * k];
			out->keys[k] = key->type == DN_STRING ? tck_xstrndup(key->u.s, key->len) : tck_xstrdup("?");
			rc = rc ? rc : tv_from_dn(txn, &v->u.list[2 * k + 1], &out->items[k]);
			if (rc)
				memset(&out->items[k], 0, sizeof out->items[k]);
			out->n = k + 1;
		}
		/* sort entries by key, as the parser leaves them */
		for (size_t a = 1; a < out->n; a++)
			for (size_t b = a; b > 0 && strcmp(out->keys[b - 1], out->keys[b]) > 0; b--) {
				char *tk = out->keys[b];
				tv ti = out->items[b];
				out->keys[b] = out->keys[b - 1];
				out->items[b] = out->items[b - 1];
				out->keys[b - 1] = tk;
				out->items[b - 1] = ti;
			}
		return rc;
	}
	case DN_NODE: {
		dn_node *node = NULL;
		if ((rc = dn_node_get(txn, (dn_id)v->u.i, &node)))
			return rc;
		out->kind = TV_NODE;
		out->nlabels = node->nlabels;
		out->labels = tck_xrealloc(NULL, node->nlabels * sizeof *out->labels);
		for (size_t k = 0; k < node->nlabels; k++)
			out->labels[k] = tck_xstrdup(node->labels[k]);
		if (out->nlabels > 1)
			qsort(out->labels, out->nlabels, sizeof *out->labels, tv_label_cmp);
		out->props = tck_xrealloc(NULL, sizeof *out->props);
		rc = tv_from_props(node->props, node->nprops, out->props);
		dn_node_free(node);
		return rc;
	}
	case DN_REL: {
		dn_edge *edge = NULL;
		if ((rc = dn_edge_get(txn, (dn_id)v->u.i, &edge)))
			return rc;
		out->kind = TV_REL;
		out->fwd = true;
		out->s = tck_xstrdup(edge->type ? edge->type : "");
		out->props = tck_xrealloc(NULL, sizeof *out->props);
		rc = tv_from_props(edge->props, edge->nprops, out->props);
		dn_edge_free(edge);
		return rc;
	}
	case DN_PATH:
		out->kind = TV_PATH;
		for (size_t k = 0; k < v->len && !rc; k++) {
			tv item;
			rc = tv_from_dn(txn, &v->u.list[k], &item);
			if (!rc && item.kind == TV_REL && k > 0) {
				dn_edge *edge = NULL;
				rc = dn_edge_get(txn, (dn_id)v->u.list[k].u.i, &edge);
				if (!rc)
					item.fwd = edge->src == (dn_id)v->u.list[k - 1].u.i;
				dn_edge_free(edge);
			}
			tv_push(out, &item);
		}
		return rc;
	default:
		return DN_EINVAL;
	}
}

static int tv_from_props(const dn_prop *props, size_t n, tv *out)
{
	memset(out, 0, sizeof *out);
	out->kind = TV_MAP;
	out->keys = tck_xrealloc(NULL, n * sizeof *out->keys);
	out->items = tck_xrealloc(NULL, n * sizeof *out->items);
	int rc = 0;
	for (size_t k = 0; k < n; k++) { /* dragnet returns keys sorted */
		out->keys[k] = tck_xstrdup(props[k].key);
		rc = rc ? rc : tv_from_dn(NULL, &props[k].value, &out->items[k]);
		if (rc)
			memset(&out->items[k], 0, sizeof out->items[k]);
		out->n = k + 1;
	}
	return rc;
}

