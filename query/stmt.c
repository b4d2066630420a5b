/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stmt.c — prepared statements: the public query API of dragnet.h on top
 * of the pipeline (lexer → parser → resolver → planner → executor). Today
 * prepare parses and resolves, reporting syntax and semantic errors with
 * their position; execution opens the executor's cursor (exec.h) and each
 * step pulls the next row from the root of the operator tree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "parser.h"
#include "exec.h"
#include "functions.h"
#include "resolve.h"

struct dn_stmt {
	dn_db *db;
	dn_parse_result *parse;
	dn_resolve_info resolved; /* slots of the resolved tree (resolve.h) */
	dn_query_error err;
	dn_query_stats stats;
	/* bound parameters */
	char **pnames;
	dn_value *pvalues;
	size_t nparams;
	/* the cursor of the last execution */
	dn_exec_cursor *cur;
	dn_exec_params params;
	bool stepping; /* a row is current */
	dn_txn *txn; /* the transaction of the last execution */
	struct timespec clock; /* the statement's "now" (datetime() and kin) */
};

int dn_stmt_prepare(dn_db *db, const char *text, size_t len, dn_stmt **out, dn_query_error *err)
{
	dn_query_error local;
	dn_query_error *e = err ? err : &local;
	memset(e, 0, sizeof *e);
	*out = NULL;
	if (!db || !text)
		return e->code = DN_EINVAL;
	dn_stmt *s = dn_calloc(1, sizeof *s);
	if (!s) {
		e->code = DN_ENOMEM;
		snprintf(e->message, sizeof e->message, "out of memory");
		return DN_ENOMEM;
	}
	s->db = db;
	int rc = dn_parse(text, len, &s->parse, e);
	if (!rc)
		rc = dn_resolve(s->parse, &s->resolved, e);
	if (rc) {
		dn_error(db, rc, "%s", e->message);
		dn_parse_free(s->parse);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int dn_stmt_bind(dn_stmt *s, const char *name, const dn_value *v)
{
	if (!name || !*name || !v)
		return dn_error(s->db, DN_EINVAL, "bind needs a name and a value");
	for (size_t i = 0; i < s->nparams; i++)
		if (!strcmp(s->pnames[i], name)) {
			dn_value_free(&s->pvalues[i]);
			return dn_value_copy(&s->pvalues[i], v);
		}
	char **names = dn_realloc(s->pnames, (s->nparams + 1) * sizeof *names);
	if (!names)
		return DN_ENOMEM;
	s->pnames = names;
	dn_value *vals = dn_realloc(s->pvalues, (s->nparams + 1) * sizeof *vals);
	if (!vals)
		return DN_ENOMEM;
	s->pvalues = vals;
	if (!(names[s->nparams] = dn_strdup(name)))
		return DN_ENOMEM;
	int rc = dn_value_copy(&vals[s->nparams], v);
	if (rc) {
		free(names[s->nparams]);
		return rc;
	}
	s->nparams++;
	return 0;
}

/* The failure rc of the cursor in the statement's error and the handle's. */
static int stmt_fail(dn_stmt *s, int rc)
{
	if (!s->err.code) {
		s->err.code = rc;
		snprintf(s->err.message, sizeof s->err.message, "%s",
		         dn_errmsg(s->db)[0] ? dn_errmsg(s->db) : dn_strerror(rc));
	}
	return dn_error(s->db, rc, "%s", s->err.message);
}

/* Starts the statement: a read streams (each step pulls rows from the
 * operator tree); a statement that writes runs whole here (exec.h). */
int dn_stmt_execute(dn_stmt *s, dn_txn *txn)
{
	s->stepping = false;
	memset(&s->err, 0, sizeof s->err);
	memset(&s->stats, 0, sizeof s->stats);
	if (!txn) {
		dn_exec_cursor_free(s->cur);
		s->cur = NULL;
		return dn_error(s->db, DN_EINVAL, "no transaction");
	}
	s->txn = txn;
	s->params = (dn_exec_params){(const char *const *)s->pnames, s->pvalues, s->nparams};
	/* one "now" for the whole statement, its steps included */
	clock_gettime(CLOCK_REALTIME, &s->clock);
	dn_cy_clock_begin(&s->clock);
	/* a prepared read run again in the same read transaction keeps its
	 * operator tree (planned for that snapshot); otherwise a new one */
	int rc = s->cur ? dn_exec_reopen(s->cur, txn, &s->params) : 1;
	if (rc == 1) {
		dn_exec_cursor_free(s->cur);
		s->cur = NULL;
		rc = dn_exec_open(txn, s->parse, s->resolved.nslots, &s->params, &s->stats, &s->err, &s->cur);
	}
	dn_cy_clock_end();
	if (rc) {
		dn_exec_cursor_free(s->cur);
		s->cur = NULL;
		return stmt_fail(s, rc);
	}
	return 0;
}

int dn_stmt_step(dn_stmt *s)
{
	if (!s->cur)
		return DN_DONE;
	dn_cy_clock_begin(&s->clock);
	int rc = dn_exec_cursor_step(s->cur);
	dn_cy_clock_end();
	s->stepping = rc == DN_ROW;
	return rc == DN_ROW || rc == DN_DONE ? rc : stmt_fail(s, rc);
}

size_t dn_stmt_column_count(const dn_stmt *s)
{
	return s->cur ? dn_exec_cursor_ncols(s->cur) : 0;
}

const char *dn_stmt_column_name(const dn_stmt *s, size_t i)
{
	return s->cur ? dn_exec_cursor_col(s->cur, i) : NULL;
}

const dn_value *dn_stmt_column(const dn_stmt *s, size_t i)
{
	if (!s->cur || !s->stepping || i >= dn_exec_cursor_ncols(s->cur))
		return NULL;
	const dn_value *row = dn_exec_cursor_row(s->cur);
	return row ? &row[i] : NULL;
}

const dn_query_error *dn_stmt_error(const dn_stmt *s)
{
	return &s->err;
}

const dn_query_stats *dn_stmt_stats(const dn_stmt *s)
{
	return &s->stats;
}

dn_txn *dn_stmt_txn(const dn_stmt *s)
{
	dn_txn *past = s->cur ? dn_exec_cursor_past(s->cur) : NULL;
	return past ? past : s->txn;
}

bool dn_stmt_is_write(const dn_stmt *s)
{
	dn_exec_params p = {(const char *const *)s->pnames, s->pvalues, s->nparams};
	return dn_exec_is_write(s->parse, &p);
}

void dn_stmt_free(dn_stmt *s)
{
	if (!s)
		return;
	dn_exec_cursor_free(s->cur); /* before the parse its operators refer to */
	dn_parse_free(s->parse);
	for (size_t i = 0; i < s->nparams; i++) {
		free(s->pnames[i]);
		dn_value_free(&s->pvalues[i]);
	}
	free(s->pnames);
	free(s->pvalues);
	free(s);
}
