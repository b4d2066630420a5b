/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck_gherkin.c — reads the TCK's Gherkin feature files for the runner:
 * Feature, Background, Scenario, Scenario Outline with Examples tables
 * (expanded into one case per row), tags (@ignore), steps with docstrings
 * and tables; then classifies each step (graph, setup, parameters, query,
 * expected result, expected error, side effects).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tck.h"

/* ------------------------------------------------------------------ */
/* Gherkin                                                             */
/* ------------------------------------------------------------------ */








static void tck_table_free(tck_table *t)
{
	for (size_t r = 0; r < t->n; r++) {
		for (size_t c = 0; c < t->rows[r].n; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	free(t->rows);
	memset(t, 0, sizeof *t);
}

static void tck_step_free(tck_step *s)
{
	free(s->text);
	free(s->doc);
	free(s->arg);
	free(s->err_kind);
	free(s->err_phase);
	tck_table_free(&s->table);
}

static void tck_case_free(tck_case *c)
{
	for (size_t k = 0; k < c->nsteps; k++)
		tck_step_free(&c->steps[k]);
	free(c->steps);
	free(c->feature);
	free(c->name);
}

void tck_cases_free(tck_cases *cs)
{
	for (size_t k = 0; k < cs->n; k++)
		tck_case_free(&cs->v[k]);
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

/* Splits "| a | b |" into trimmed cells; "\|" is a literal bar. */
static tck_row tck_split_row(const char *line)
{
	tck_row row = {0};
	const char *p = strchr(line, '|');
	if (!p)
		return row;
	p++;
	tck_str cell = {0};
	for (; *p; p++) {
		if (*p == '\\' && (p[1] == '|' || p[1] == '\\')) {
			tck_str_addn(&cell, ++p, 1);
			continue;
		}
		if (*p != '|') {
			tck_str_addn(&cell, p, 1);
			continue;
		}
		char *c = tck_str_take(&cell);
		size_t a = 0, b = strlen(c);
		while (a < b && isspace((unsigned char)c[a]))
			a++;
		while (b > a && isspace((unsigned char)c[b - 1]))
			b--;
		row.cells = tck_xrealloc(row.cells, (row.n + 1) * sizeof *row.cells);
		row.cells[row.n++] = tck_xstrndup(c + a, b - a);
		free(c);
	}
	free(cell.p);
	return row;
}

/* Replaces every <name> of the example's header by its value. */
static char *tck_subst(const char *s, const tck_row *head, const tck_row *vals)
{
	if (!s)
		return NULL;
	tck_str b = {0};
	while (*s) {
		bool done = false;
		if (*s == '<') {
			for (size_t k = 0; k < head->n && k < vals->n; k++) {
				size_t n = strlen(head->cells[k]);
				if (!strncmp(s + 1, head->cells[k], n) && s[1 + n] == '>') {
					tck_str_add(&b, vals->cells[k]);
					s += n + 2;
					done = true;
					break;
				}
			}
		}
		if (!done)
			tck_str_addn(&b, s++, 1);
	}
	return tck_str_take(&b);
}

static char *tck_trim_dup(const char *s)
{
	s = tck_skip_ws(s);
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return tck_xstrndup(s, n);
}

/* Classifies a step from its text (after outline substitution). */
static void tck_classify(tck_step *s)
{
	const char *t = s->text;
	s->kind = ST_UNKNOWN;
	if (!strcmp(t, "an empty graph")) {
		s->kind = ST_EMPTY_GRAPH;
	} else if (!strcmp(t, "any graph")) {
		s->kind = ST_ANY_GRAPH;
	} else if (tck_starts(t, "the ") && strlen(t) > 10 && !strcmp(t + strlen(t) - 6, " graph")) {
		s->kind = ST_NAMED_GRAPH;
		s->arg = tck_xstrndup(t + 4, strlen(t) - 10);
	} else if (!strcmp(t, "having executed:")) {
		s->kind = ST_EXECUTED;
	} else if (!strcmp(t, "parameters are:")) {
		s->kind = ST_PARAMS;
	} else if (tck_starts(t, "there exists a procedure")) {
		s->kind = ST_PROCEDURE;
	} else if (!strcmp(t, "executing query:")) {
		s->kind = ST_QUERY;
	} else if (!strcmp(t, "executing control query:")) {
		s->kind = ST_CONTROL_QUERY;
	} else if (!strcmp(t, "the result should be empty")) {
		s->kind = ST_RESULT_EMPTY;
	} else if (tck_starts(t, "the result should be")) {
		s->kind = ST_RESULT;
		if (strstr(t, "in order"))
			s->flags |= RES_ORDERED;
		if (strstr(t, "ignoring element order for lists"))
			s->flags |= RES_IGNORE_LIST_ORDER;
	} else if (!strcmp(t, "no side effects")) {
		s->kind = ST_NO_SIDE_EFFECTS;
	} else if (!strcmp(t, "the side effects should be:")) {
		s->kind = ST_SIDE_EFFECTS;
	} else if (tck_starts(t, "a ") && strstr(t, " should be raised at ")) {
		/* a <Kind> should be raised at <phase>[: <Code>] */
		const char *k = t + 2;
		const char *sp = strstr(k, " should be raised at ");
		const char *ph = sp + strlen(" should be raised at ");
		const char *colon = strchr(ph, ':');
		s->kind = ST_ERROR;
		s->err_kind = tck_xstrndup(k, (size_t)(sp - k));
		s->err_phase = colon ? tck_xstrndup(ph, (size_t)(colon - ph)) : tck_trim_dup(ph);
		s->arg = colon ? tck_trim_dup(colon + 1) : tck_xstrdup("");
	}
}

/* A raw scenario while parsing: steps hold unsubstituted text. */
typedef struct tck_raw {
	char *name;
	int line;
	bool ignored, outline;
	size_t nsteps;
	tck_step *steps;
	size_t nexamples;
	tck_table *examples;
} tck_raw;

static void tck_raw_free(tck_raw *r)
{
	for (size_t k = 0; k < r->nsteps; k++)
		tck_step_free(&r->steps[k]);
	free(r->steps);
	for (size_t k = 0; k < r->nexamples; k++)
		tck_table_free(&r->examples[k]);
	free(r->examples);
	free(r->name);
	memset(r, 0, sizeof *r);
}

static tck_step tck_step_expand(const tck_step *src, const tck_row *head, const tck_row *vals)
{
	tck_step s = {0};
	s.line = src->line;
	s.text = head ? tck_subst(src->text, head, vals) : tck_xstrdup(src->text);
	s.doc = src->doc ? (head ? tck_subst(src->doc, head, vals) : tck_xstrdup(src->doc)) : NULL;
	s.table.n = src->table.n;
	s.table.rows = tck_xrealloc(NULL, src->table.n * sizeof *s.table.rows);
	for (size_t r = 0; r < src->table.n; r++) {
		tck_row *d = &s.table.rows[r];
		d->n = src->table.rows[r].n;
		d->cells = tck_xrealloc(NULL, d->n * sizeof *d->cells);
		for (size_t c = 0; c < d->n; c++)
			d->cells[c] = head ? tck_subst(src->table.rows[r].cells[c], head, vals)
			                   : tck_xstrdup(src->table.rows[r].cells[c]);
	}
	tck_classify(&s);
	return s;
}

static void tck_emit_case(tck_cases *out, const char *feature, const tck_raw *bg,
                          const tck_raw *sc, const tck_row *head, const tck_row *vals,
                          size_t example_no)
{
	out->v = tck_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	tck_case *c = &out->v[out->n++];
	memset(c, 0, sizeof *c);
	c->feature = tck_xstrdup(feature);
	c->line = sc->line;
	c->ignored = sc->ignored;
	if (head) {
		tck_str nb = {0};
		tck_str_printf(&nb, "%s (example %zu)", sc->name, example_no);
		c->name = tck_str_take(&nb);
	} else {
		c->name = tck_xstrdup(sc->name);
	}
	c->nsteps = bg->nsteps + sc->nsteps;
	c->steps = tck_xrealloc(NULL, c->nsteps * sizeof *c->steps);
	for (size_t k = 0; k < bg->nsteps; k++)
		c->steps[k] = tck_step_expand(&bg->steps[k], NULL, NULL);
	for (size_t k = 0; k < sc->nsteps; k++)
		c->steps[bg->nsteps + k] = tck_step_expand(&sc->steps[k], head, vals);
}

static void tck_finish_raw(tck_cases *out, const char *feature, const tck_raw *bg, tck_raw *sc)
{
	if (!sc->name)
		return;
	if (!sc->outline) {
		tck_emit_case(out, feature, bg, sc, NULL, NULL, 0);
	} else {
		size_t no = 0;
		for (size_t e = 0; e < sc->nexamples; e++) {
			const tck_table *t = &sc->examples[e];
			for (size_t r = 1; r < t->n; r++)
				tck_emit_case(out, feature, bg, sc, &t->rows[0], &t->rows[r], ++no);
		}
	}
	tck_raw_free(sc);
}

/*
 * Parses one feature file's text into expanded cases appended to out.
 * feature is the name recorded in each case. Returns 0, or -1 with a
 * message in err (cap bytes) for malformed input (an unterminated
 * docstring, a step outside a scenario).
 */
int tck_parse_feature(const char *text, const char *feature, tck_cases *out,
                             char *err, size_t cap)
{
	tck_raw bg = {0}, sc = {0};
	tck_raw *cur = NULL; /* where steps go */
	bool in_examples = false, tag_ignore = false;
	int lineno = 0;
	const char *p = text;
	int rc = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *line = tck_xstrndup(p, n);
		p += n + (eol ? 1 : 0);
		lineno++;
		const char *t = tck_skip_ws(line);
		size_t indent = (size_t)(t - line);
		char *tl = tck_trim_dup(t);
		if (tck_starts(tl, "\"\"\"")) {
			/* docstring: lines up to the closing quotes, minus indent */
			tck_str doc = {0};
			bool closed = false;
			while (*p) {
				const char *e2 = strchr(p, '\n');
				size_t n2 = e2 ? (size_t)(e2 - p) : strlen(p);
				char *dl = tck_xstrndup(p, n2);
				p += n2 + (e2 ? 1 : 0);
				lineno++;
				char *dt = tck_trim_dup(dl);
				bool end = !strcmp(dt, "\"\"\"");
				free(dt);
				if (end) {
					free(dl);
					closed = true;
					break;
				}
				size_t skip = 0;
				while (skip < indent && (dl[skip] == ' ' || dl[skip] == '\t'))
					skip++;
				if (doc.len)
					tck_str_add(&doc, "\n");
				tck_str_add(&doc, dl + skip);
				free(dl);
			}
			char *d = tck_str_take(&doc);
			if (!closed || !cur || !cur->nsteps) {
				snprintf(err, cap, "%s:%d: %s", feature, lineno,
				         closed ? "docstring outside a step" : "unterminated docstring");
				free(d);
				free(tl);
				free(line);
				rc = -1;
				break;
			}
			tck_step *st = &cur->steps[cur->nsteps - 1];
			free(st->doc);
			st->doc = d;
		} else if (!*tl || tl[0] == '#') {
			/* blank or comment */
		} else if (tl[0] == '@') {
			if (strstr(tl, "@ignore"))
				tag_ignore = true;
		} else if (tck_starts(tl, "Feature:")) {
			/* nothing to keep */
		} else if (tck_starts(tl, "Background:")) {
			cur = &bg;
			in_examples = false;
		} else if (tck_starts(tl, "Scenario:") || tck_starts(tl, "Scenario Outline:") ||
		           tck_starts(tl, "Scenario Template:")) {
			tck_finish_raw(out, feature, &bg, &sc);
			sc.outline = !tck_starts(tl, "Scenario:");
			sc.name = tck_trim_dup(strchr(tl, ':') + 1);
			sc.line = lineno;
			sc.ignored = tag_ignore;
			tag_ignore = false;
			cur = &sc;
			in_examples = false;
		} else if (tck_starts(tl, "Examples:") || tck_starts(tl, "Scenarios:")) {
			if (!sc.name) {
				snprintf(err, cap, "%s:%d: Examples outside a scenario", feature, lineno);
				rc = -1;
			} else {
				sc.examples = tck_xrealloc(sc.examples, (sc.nexamples + 1) * sizeof *sc.examples);
				memset(&sc.examples[sc.nexamples++], 0, sizeof *sc.examples);
				in_examples = true;
			}
		} else if (tl[0] == '|') {
			tck_table *tab = NULL;
			if (in_examples)
				tab = &sc.examples[sc.nexamples - 1];
			else if (cur && cur->nsteps)
				tab = &cur->steps[cur->nsteps - 1].table;
			if (!tab) {
				snprintf(err, cap, "%s:%d: table outside a step", feature, lineno);
				rc = -1;
			} else {
				tab->rows = tck_xrealloc(tab->rows, (tab->n + 1) * sizeof *tab->rows);
				tab->rows[tab->n++] = tck_split_row(tl);
			}
		} else {
			static const char *const kw[] = {"Given ", "When ", "Then ", "And ", "But ", "* "};
			size_t k;
			for (k = 0; k < sizeof kw / sizeof *kw; k++)
				if (tck_starts(tl, kw[k]))
					break;
			if (k == sizeof kw / sizeof *kw || !cur) {
				snprintf(err, cap, "%s:%d: unexpected line: %s", feature, lineno, tl);
				rc = -1;
			} else {
				cur->steps = tck_xrealloc(cur->steps, (cur->nsteps + 1) * sizeof *cur->steps);
				tck_step *st = &cur->steps[cur->nsteps++];
				memset(st, 0, sizeof *st);
				st->line = lineno;
				st->text = tck_trim_dup(tl + strlen(kw[k]));
			}
		}
		free(tl);
		free(line);
		if (rc)
			break;
	}
	if (!rc)
		tck_finish_raw(out, feature, &bg, &sc);
	tck_raw_free(&sc);
	tck_raw_free(&bg);
	return rc;
}

