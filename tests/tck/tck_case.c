/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck_case.c — runs one TCK case for the runner: a fresh database, the
 * setup queries, parameters, the query in a read or write transaction
 * (rows read into TCK values before it ends), then the checks: rows in or
 * out of order, the expected error's phase and TCK code, and side effects
 * measured by diffing the graph before and after the query.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tck.h"

/* ------------------------------------------------------------------ */
/* Results and their comparison                                        */
/* ------------------------------------------------------------------ */

enum { PH_NONE, PH_COMPILE, PH_RUNTIME };

/* What one query did: an error (phase, code, TCK code, message) or
 * columns and rows of TCK values. */
typedef struct tck_result {
	int phase; /* PH_NONE when it succeeded */
	int code;
	char tck_code[48];
	char message[256];
	size_t ncols;
	char **cols;
	size_t nrows;
	tv **rows; /* nrows arrays of ncols values */
} tck_result;

static void tck_result_free(tck_result *r)
{
	for (size_t k = 0; k < r->ncols; k++)
		free(r->cols[k]);
	free(r->cols);
	for (size_t k = 0; k < r->nrows; k++) {
		for (size_t c = 0; c < r->ncols; c++)
			tv_free(&r->rows[k][c]);
		free(r->rows[k]);
	}
	free(r->rows);
	memset(r, 0, sizeof *r);
}

static size_t tck_row_ncols; /* for the qsort comparator below */

static int tck_row_cmp(const void *a, const void *b)
{
	const tv *x = *(tv *const *)a, *y = *(tv *const *)b;
	for (size_t c = 0; c < tck_row_ncols; c++) {
		int d = tv_cmp(&x[c], &y[c]);
		if (d)
			return d;
	}
	return 0;
}

static void tck_render_row(const tv *row, size_t ncols, tck_str *out)
{
	tck_str_add(out, "|");
	for (size_t c = 0; c < ncols; c++) {
		tck_str_add(out, " ");
		tv_render(&row[c], out);
		tck_str_add(out, " |");
	}
}

/*
 * Compares actual rows (columns in expected order) with the expected
 * ones: as a list (RES_ORDERED) or a bag; RES_IGNORE_LIST_ORDER sorts
 * every list first. Sorts/normalizes both arrays in place. Returns true
 * when they match; otherwise a one-line reason in *why (owned).
 */
bool tck_rows_match(tv **exp, size_t nexp, tv **act, size_t nact, size_t ncols,
                           unsigned flags, char **why)
{
	*why = NULL;
	if (flags & RES_IGNORE_LIST_ORDER) {
		for (size_t r = 0; r < nexp; r++)
			for (size_t c = 0; c < ncols; c++)
				tv_sort_lists(&exp[r][c]);
		for (size_t r = 0; r < nact; r++)
			for (size_t c = 0; c < ncols; c++)
				tv_sort_lists(&act[r][c]);
	}
	tck_str b = {0};
	if (nexp != nact) {
		tck_str_printf(&b, "expected %zu rows, got %zu", nexp, nact);
		if (nact) {
			tck_str_add(&b, ", first ");
			tck_render_row(act[0], ncols, &b);
		}
		*why = tck_str_take(&b);
		return false;
	}
	if (!(flags & RES_ORDERED) && nexp > 1) {
		tck_row_ncols = ncols;
		qsort(exp, nexp, sizeof *exp, tck_row_cmp);
		qsort(act, nact, sizeof *act, tck_row_cmp);
	}
	for (size_t r = 0; r < nexp; r++) {
		tck_row_ncols = ncols;
		if (tck_row_cmp(&exp[r], &act[r])) {
			tck_str_printf(&b, "row %zu%s: expected ", r + 1,
			               flags & RES_ORDERED ? "" : " (sorted)");
			tck_render_row(exp[r], ncols, &b);
			tck_str_add(&b, " got ");
			tck_render_row(act[r], ncols, &b);
			*why = tck_str_take(&b);
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Running queries                                                     */
/* ------------------------------------------------------------------ */

typedef struct tck_param {
	char *name;
	dn_value value;
} tck_param;

typedef struct tck_params {
	size_t n;
	tck_param *v;
} tck_params;

static void tck_params_free(tck_params *ps)
{
	for (size_t k = 0; k < ps->n; k++) {
		free(ps->v[k].name);
		dn_value_free(&ps->v[k].value);
	}
	free(ps->v);
	memset(ps, 0, sizeof *ps);
}

static void tck_result_error(tck_result *r, int phase, int code, const dn_query_error *qe,
                             const char *msg)
{
	r->phase = phase;
	r->code = code;
	if (qe && qe->code) {
		r->code = qe->code;
		snprintf(r->tck_code, sizeof r->tck_code, "%s", qe->tck_code);
		snprintf(r->message, sizeof r->message, "%s", qe->message);
	} else {
		snprintf(r->message, sizeof r->message, "%s", msg && *msg ? msg : dn_strerror(code));
	}
}

/*
 * Runs one statement with params on db in its own transaction (a write
 * transaction when it may write), reading every row into TCK values
 * before the transaction ends, and commits. Errors are recorded in *r
 * with their phase; the return value is r->phase.
 */
static int tck_exec(dn_db *db, const char *text, const tck_params *params, tck_result *r)
{
	memset(r, 0, sizeof *r);
	dn_stmt *s = NULL;
	dn_query_error qe;
	int rc = dn_stmt_prepare(db, text, strlen(text), &s, &qe);
	if (rc) {
		tck_result_error(r, PH_COMPILE, rc, &qe, dn_errmsg(db));
		return r->phase;
	}
	for (size_t k = 0; params && k < params->n; k++) {
		rc = dn_stmt_bind(s, params->v[k].name, &params->v[k].value);
		if (rc) {
			tck_result_error(r, PH_RUNTIME, rc, dn_stmt_error(s), dn_errmsg(db));
			dn_stmt_free(s);
			return r->phase;
		}
	}
	dn_txn *txn = NULL;
	bool write = dn_stmt_is_write(s);
	rc = dn_txn_begin(db, write ? 0 : DN_TXN_RDONLY, NULL, &txn);
	if (rc) {
		tck_result_error(r, PH_RUNTIME, rc, NULL, dn_errmsg(db));
		dn_stmt_free(s);
		return r->phase;
	}
	rc = dn_stmt_execute(s, txn);
	if (!rc) {
		r->ncols = dn_stmt_column_count(s);
		r->cols = tck_xrealloc(NULL, r->ncols * sizeof *r->cols);
		for (size_t c = 0; c < r->ncols; c++) {
			const char *name = dn_stmt_column_name(s, c);
			r->cols[c] = tck_xstrdup(name ? name : "");
		}
		while ((rc = dn_stmt_step(s)) == DN_ROW) {
			tv *row = tck_xrealloc(NULL, r->ncols * sizeof *row);
			memset(row, 0, r->ncols * sizeof *row);
			r->rows = tck_xrealloc(r->rows, (r->nrows + 1) * sizeof *r->rows);
			r->rows[r->nrows++] = row;
			for (size_t c = 0; c < r->ncols && rc == DN_ROW; c++) {
				const dn_value *v = dn_stmt_column(s, c);
				dn_value nul = dn_value_null();
				int crc = tv_from_dn(txn, v ? v : &nul, &row[c]);
				if (crc) {
					tck_result_error(r, PH_RUNTIME, crc, NULL,
					                 "cannot read a result value back (node or relationship gone?)");
					rc = crc;
				}
			}
			if (rc != DN_ROW)
				break;
		}
		if (rc == DN_DONE)
			rc = 0;
		else if (!r->phase)
			tck_result_error(r, PH_RUNTIME, rc, dn_stmt_error(s), dn_errmsg(db));
	} else {
		tck_result_error(r, PH_RUNTIME, rc, dn_stmt_error(s), dn_errmsg(db));
	}
	if (!r->phase) {
		rc = dn_txn_commit(txn);
		if (rc)
			tck_result_error(r, PH_RUNTIME, rc, NULL, dn_errmsg(db));
	} else {
		dn_txn_abort(txn);
	}
	dn_stmt_free(s);
	return r->phase;
}

/* --- Side effects: a diff of the graph ---------------------------- */



static void tck_set_add(tck_set *s, char *owned)
{
	s->v = tck_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	s->v[s->n++] = owned;
}

static int tck_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tck_set_finish(tck_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, tck_strp_cmp);
	size_t w = 0;
	for (size_t k = 0; k < s->n; k++) {
		if (w && !strcmp(s->v[w - 1], s->v[k]))
			free(s->v[k]);
		else
			s->v[w++] = s->v[k];
	}
	s->n = w;
}

static void tck_set_free(tck_set *s)
{
	for (size_t k = 0; k < s->n; k++)
		free(s->v[k]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

void tck_snap_free(tck_snap *g)
{
	tck_set_free(&g->nodes);
	tck_set_free(&g->rels);
	tck_set_free(&g->labels);
	tck_set_free(&g->props);
}

/* Number of elements of a not in b. */
static uint64_t tck_set_minus(const tck_set *a, const tck_set *b)
{
	uint64_t n = 0;
	size_t j = 0;
	for (size_t k = 0; k < a->n; k++) {
		while (j < b->n && strcmp(b->v[j], a->v[k]) < 0)
			j++;
		if (j >= b->n || strcmp(b->v[j], a->v[k]))
			n++;
	}
	return n;
}

static void tck_snap_props(tck_snap *g, char kind, dn_id id, const dn_prop *props, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		tv v;
		if (tv_from_dn(NULL, &props[k].value, &v))
			continue;
		char *text = tv_to_text(&v);
		tv_free(&v);
		tck_str b = {0};
		tck_str_printf(&b, "%c%llu\x1f%s\x1f%s", kind, (unsigned long long)id, props[k].key, text);
		free(text);
		tck_set_add(&g->props, tck_str_take(&b));
	}
}

int tck_snapshot(dn_db *db, tck_snap *g)
{
	memset(g, 0, sizeof *g);
	dn_txn *txn = NULL;
	dn_iter *it = NULL;
	dn_id id;
	char buf[32];
	int rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &txn);
	if (rc)
		return rc;
	if (!(rc = dn_nodes_all(txn, &it))) {
		while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
			dn_node *node = NULL;
			if ((rc = dn_node_get(txn, id, &node)))
				break;
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)id);
			tck_set_add(&g->nodes, tck_xstrdup(buf));
			for (size_t k = 0; k < node->nlabels; k++)
				tck_set_add(&g->labels, tck_xstrdup(node->labels[k]));
			tck_snap_props(g, 'n', id, node->props, node->nprops);
			dn_node_free(node);
		}
		dn_iter_free(it);
		it = NULL;
	}
	if (rc == DN_DONE && !(rc = dn_edges_all(txn, &it))) {
		while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
			dn_edge *edge = NULL;
			if ((rc = dn_edge_get(txn, id, &edge)))
				break;
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)id);
			tck_set_add(&g->rels, tck_xstrdup(buf));
			tck_snap_props(g, 'e', id, edge->props, edge->nprops);
			dn_edge_free(edge);
		}
		dn_iter_free(it);
	}
	dn_txn_abort(txn);
	if (rc != DN_DONE) {
		tck_snap_free(g);
		return rc;
	}
	tck_set_finish(&g->nodes);
	tck_set_finish(&g->rels);
	tck_set_finish(&g->labels);
	tck_set_finish(&g->props);
	return 0;
}

/* The TCK's side-effect keys, in the order they are reported. */
const char *const tck_effect_names[8] = {
	"+nodes", "-nodes", "+relationships", "-relationships",
	"+labels", "-labels", "+properties", "-properties",
};

void tck_effects(const tck_snap *before, const tck_snap *after, uint64_t out[8])
{
	out[0] = tck_set_minus(&after->nodes, &before->nodes);
	out[1] = tck_set_minus(&before->nodes, &after->nodes);
	out[2] = tck_set_minus(&after->rels, &before->rels);
	out[3] = tck_set_minus(&before->rels, &after->rels);
	out[4] = tck_set_minus(&after->labels, &before->labels);
	out[5] = tck_set_minus(&before->labels, &after->labels);
	out[6] = tck_set_minus(&after->props, &before->props);
	out[7] = tck_set_minus(&before->props, &after->props);
}

/* ------------------------------------------------------------------ */
/* Running one case                                                    */
/* ------------------------------------------------------------------ */




char *tck_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	tck_str b = {0};
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		tck_str_addn(&b, buf, n);
	fclose(f);
	return tck_str_take(&b);
}

/* One-line reason text (newlines flattened, bounded). */
static void tck_reason(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void tck_reason(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
}

/* The reason for an unexpected error; "not supported: ..." for DN_ENOTSUP. */
static int tck_error_reason(const tck_result *r, const char *where, char *out, size_t cap)
{
	if (r->code == DN_ENOTSUP) {
		const char *m = r->message;
		if (tck_starts(m, "not supported yet: "))
			m += strlen("not supported yet: ");
		else if (tck_starts(m, "not supported: "))
			m += strlen("not supported: ");
		tck_reason(out, cap, "not supported: %s (%s)", m, where);
		return FAILK_NOTSUP;
	}
	tck_reason(out, cap, "%s failed at %s: %s%s%s: %s", where,
	           r->phase == PH_COMPILE ? "compile time" : "runtime", dn_strerror(r->code),
	           r->tck_code[0] ? " " : "", r->tck_code, r->message);
	return FAILK_OTHER;
}

static int tck_rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes a case database directory and whatever it holds. */
void tck_rmtree(const char *dir)
{
	nftw(dir, tck_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Why a case is skipped without running, or NULL. */
const char *tck_skip_reason(const tck_case *c, const tck_env *env, char *buf, size_t cap)
{
	if (c->ignored)
		return "tagged @ignore";
	for (size_t k = 0; k < c->nsteps; k++) {
		const tck_step *s = &c->steps[k];
		if (s->kind == ST_PROCEDURE)
			return "procedures";
		if (s->kind == ST_UNKNOWN) {
			tck_reason(buf, cap, "unsupported step: %s", s->text);
			return buf;
		}
		if (s->kind == ST_NAMED_GRAPH) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s/%s.cypher", env->graphs_dir, s->arg, s->arg);
			if (access(path, R_OK)) {
				tck_reason(buf, cap, "named graph missing: %s", s->arg);
				return buf;
			}
		}
	}
	return NULL;
}

/* Checks an error step against the last result. */
static tck_outcome tck_check_error(const tck_step *s, const tck_result *r, int *failk, char *why,
                                   size_t cap)
{
	const char *phase = s->err_phase;
	if (!r->phase) {
		tck_reason(why, cap, "expected %s at %s: %s, but the query succeeded with %zu rows",
		           s->err_kind, phase, s->arg, r->nrows);
		return OUT_FAIL;
	}
	bool phase_ok = !strcmp(phase, "any time") ||
	                (!strcmp(phase, "compile time") && r->phase == PH_COMPILE) ||
	                (!strcmp(phase, "runtime") && r->phase == PH_RUNTIME);
	if (r->code == DN_ENOTSUP) {
		*failk = tck_error_reason(r, "query", why, cap);
		return OUT_FAIL;
	}
	/* "*" stands for any detail of the error */
	if (phase_ok && (!strcmp(r->tck_code, s->arg) || !strcmp(s->arg, "*")))
		return OUT_PASS;
	if (phase_ok && !r->tck_code[0]) {
		*failk = FAILK_NOCODE;
		tck_reason(why, cap, "right phase, no code: expected %s %s, got %s: %s", s->err_kind,
		           s->arg, dn_strerror(r->code), r->message);
		return OUT_FAIL;
	}
	tck_reason(why, cap, "expected %s at %s: %s, got %s at %s: %s (%s)", s->err_kind, phase,
	           s->arg, r->tck_code[0] ? r->tck_code : "(no code)",
	           r->phase == PH_COMPILE ? "compile time" : "runtime", dn_strerror(r->code), r->message);
	return OUT_FAIL;
}

/* Checks a result table against the last result. */
static tck_outcome tck_check_rows(const tck_step *s, tck_result *r, char *why, size_t cap)
{
	size_t ncols = s->kind == ST_RESULT && s->table.n ? s->table.rows[0].n : 0;
	size_t nexp = s->kind == ST_RESULT && s->table.n ? s->table.n - 1 : 0;
	if (s->kind == ST_RESULT_EMPTY) {
		if (r->nrows) {
			tck_str b = {0};
			tck_render_row(r->rows[0], r->ncols, &b);
			tck_reason(why, cap, "expected no rows, got %zu, first %s", r->nrows, b.p);
			free(b.p);
			return OUT_FAIL;
		}
		return OUT_PASS;
	}
	/* map expected columns to actual ones by name */
	const tck_row *head = s->table.n ? &s->table.rows[0] : NULL;
	size_t *map = tck_xrealloc(NULL, ncols * sizeof *map);
	bool cols_ok = r->ncols == ncols;
	for (size_t c = 0; c < ncols && cols_ok; c++) {
		size_t a;
		for (a = 0; a < r->ncols; a++)
			if (!strcmp(r->cols[a], head->cells[c]))
				break;
		cols_ok = a < r->ncols;
		map[c] = a;
	}
	if (!cols_ok) {
		tck_str b = {0};
		tck_str_add(&b, "columns differ: expected [");
		for (size_t c = 0; c < ncols; c++)
			tck_str_printf(&b, "%s%s", c ? ", " : "", head->cells[c]);
		tck_str_add(&b, "], got [");
		for (size_t c = 0; c < r->ncols; c++)
			tck_str_printf(&b, "%s%s", c ? ", " : "", r->cols[c]);
		tck_str_add(&b, "]");
		tck_reason(why, cap, "%s", b.p);
		free(b.p);
		free(map);
		return OUT_FAIL;
	}
	tck_outcome out = OUT_PASS;
	tv **exp = tck_xrealloc(NULL, nexp * sizeof *exp);
	tv **act = tck_xrealloc(NULL, r->nrows * sizeof *act);
	size_t parsed = 0;
	for (; parsed < nexp; parsed++) {
		const tck_row *row = &s->table.rows[parsed + 1];
		exp[parsed] = tck_xrealloc(NULL, ncols * sizeof **exp);
		memset(exp[parsed], 0, ncols * sizeof **exp);
		for (size_t c = 0; c < ncols; c++) {
			const char *perr = NULL;
			if (c >= row->n || tv_parse(row->cells[c], &exp[parsed][c], &perr)) {
				tck_reason(why, cap, "cannot parse expected cell '%s': %s",
				           c < row->n ? row->cells[c] : "", perr ? perr : "missing cell");
				out = OUT_FAIL;
				break;
			}
		}
		if (out != OUT_PASS) {
			parsed++;
			break;
		}
	}
	if (out == OUT_PASS) {
		/* actual rows with columns in expected order (moved, not copied) */
		for (size_t k = 0; k < r->nrows; k++) {
			act[k] = tck_xrealloc(NULL, (ncols ? ncols : 1) * sizeof **act);
			for (size_t c = 0; c < ncols; c++)
				act[k][c] = r->rows[k][map[c]];
			memset(r->rows[k], 0, r->ncols * sizeof **r->rows);
		}
		char *reason = NULL;
		if (!tck_rows_match(exp, nexp, act, r->nrows, ncols, s->flags, &reason)) {
			tck_reason(why, cap, "%s", reason);
			out = OUT_FAIL;
		}
		free(reason);
		for (size_t k = 0; k < r->nrows; k++) {
			for (size_t c = 0; c < ncols; c++)
				tv_free(&act[k][c]);
			free(act[k]);
		}
	}
	for (size_t k = 0; k < parsed; k++) {
		for (size_t c = 0; c < ncols; c++)
			tv_free(&exp[k][c]);
		free(exp[k]);
	}
	free(exp);
	free(act);
	free(map);
	return out;
}

/*
 * Runs one case on a fresh database under env->tmp_dir. Returns the
 * outcome with a one-line reason in why (cap bytes) for fail and skip;
 * *failk tells a "not supported" failure and a "right phase, no code" one.
 */
tck_outcome tck_run_case(const tck_case *c, tck_env *env, char *why, size_t cap, int *failk)
{
	*failk = FAILK_OTHER;
	why[0] = 0;
	const char *skip = tck_skip_reason(c, env, why, cap);
	if (skip) {
		if (skip != why)
			tck_reason(why, cap, "%s", skip);
		return OUT_SKIP;
	}
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/case-%ld-%u", env->tmp_dir, (long)getpid(), env->seq++);
	dn_open_opts opts = {.flags = DN_OPEN_NOSYNC, .map_size = 8u << 20};
	dn_db *db = NULL;
	int rc = dn_open(dir, &opts, &db);
	if (rc) {
		tck_reason(why, cap, "cannot open a database in %s: %s", dir, dn_errmsg(NULL));
		tck_rmtree(dir);
		return OUT_FAIL;
	}
	tck_outcome out = OUT_PASS;
	tck_params params = {0};
	tck_result res = {0};
	bool have_res = false, have_effects = false;
	tck_snap before = {0}, after = {0};
	bool need_effects = false;
	for (size_t k = 0; k < c->nsteps; k++)
		if (c->steps[k].kind == ST_SIDE_EFFECTS || c->steps[k].kind == ST_NO_SIDE_EFFECTS)
			need_effects = true;

	for (size_t k = 0; k < c->nsteps && out == OUT_PASS; k++) {
		const tck_step *s = &c->steps[k];
		switch (s->kind) {
		case ST_EMPTY_GRAPH:
		case ST_ANY_GRAPH:
			break;
		case ST_NAMED_GRAPH:
		case ST_EXECUTED: {
			char *text = NULL;
			if (s->kind == ST_NAMED_GRAPH) {
				char path[4096];
				snprintf(path, sizeof path, "%s/%s/%s.cypher", env->graphs_dir, s->arg, s->arg);
				text = tck_read_file(path);
			} else {
				text = tck_xstrdup(s->doc ? s->doc : "");
			}
			tck_result setup;
			if (!text) {
				tck_reason(why, cap, "cannot read the %s graph", s->arg);
				out = OUT_FAIL;
			} else if (tck_exec(db, text, NULL, &setup)) {
				*failk = tck_error_reason(&setup, "setup query", why, cap);
				out = OUT_FAIL;
			}
			if (text)
				tck_result_free(&setup);
			free(text);
			break;
		}
		case ST_PARAMS:
			for (size_t r = 0; r < s->table.n && out == OUT_PASS; r++) {
				const tck_row *row = &s->table.rows[r];
				tv v;
				const char *perr = NULL;
				if (row->n < 2 || tv_parse(row->cells[1], &v, &perr)) {
					tck_reason(why, cap, "cannot parse parameter: %s", perr ? perr : "short row");
					out = OUT_FAIL;
					break;
				}
				params.v = tck_xrealloc(params.v, (params.n + 1) * sizeof *params.v);
				tck_param *pp = &params.v[params.n++];
				pp->name = tck_xstrdup(row->cells[0]);
				if (tv_to_dn(&v, &pp->value)) {
					tck_reason(why, cap, "cannot convert parameter %s", pp->name);
					out = OUT_FAIL;
				}
				tv_free(&v);
			}
			break;
		case ST_QUERY:
		case ST_CONTROL_QUERY:
			if (have_res)
				tck_result_free(&res);
			if (s->kind == ST_QUERY && need_effects) {
				tck_snap_free(&before);
				tck_snap_free(&after);
				have_effects = false;
				if (tck_snapshot(db, &before)) {
					tck_reason(why, cap, "cannot read the graph before the query: %s", dn_errmsg(db));
					out = OUT_FAIL;
					break;
				}
			}
			tck_exec(db, s->doc ? s->doc : "", &params, &res);
			have_res = true;
			if (s->kind == ST_QUERY && need_effects) {
				if (tck_snapshot(db, &after)) {
					tck_reason(why, cap, "cannot read the graph after the query: %s", dn_errmsg(db));
					out = OUT_FAIL;
					break;
				}
				have_effects = true;
			}
			break;
		case ST_RESULT:
		case ST_RESULT_EMPTY:
			if (!have_res) {
				tck_reason(why, cap, "result step before any query");
				out = OUT_FAIL;
			} else if (res.phase) {
				*failk = tck_error_reason(&res, "query", why, cap);
				out = OUT_FAIL;
			} else {
				out = tck_check_rows(s, &res, why, cap);
			}
			break;
		case ST_ERROR:
			if (!have_res) {
				tck_reason(why, cap, "error step before any query");
				out = OUT_FAIL;
			} else {
				out = tck_check_error(s, &res, failk, why, cap);
			}
			break;
		case ST_NO_SIDE_EFFECTS:
		case ST_SIDE_EFFECTS: {
			if (!have_effects) {
				tck_reason(why, cap, "side-effect step without a query");
				out = OUT_FAIL;
				break;
			}
			uint64_t got[8], want[8] = {0};
			tck_effects(&before, &after, got);
			for (size_t r = 0; r < s->table.n; r++) {
				const tck_row *row = &s->table.rows[r];
				for (size_t e = 0; e < 8; e++)
					if (row->n >= 2 && !strcmp(row->cells[0], tck_effect_names[e]))
						want[e] = strtoull(row->cells[1], NULL, 10);
			}
			for (size_t e = 0; e < 8; e++) {
				if (got[e] != want[e]) {
					tck_reason(why, cap, "side effects: expected %s %llu, got %llu",
					           tck_effect_names[e], (unsigned long long)want[e],
					           (unsigned long long)got[e]);
					out = OUT_FAIL;
					break;
				}
			}
			break;
		}
		case ST_PROCEDURE:
		case ST_UNKNOWN:
			break; /* skipped above */
		}
	}
	if (have_res)
		tck_result_free(&res);
	tck_snap_free(&before);
	tck_snap_free(&after);
	tck_params_free(&params);
	dn_close(db);
	tck_rmtree(dir);
	return out;
}

