/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stmt.c — prepared statements: the public query API of dragnet.h on top
 * of the pipeline (lexer → parser → resolver → planner → executor). Today
 * the first three stages exist: prepare parses and resolves, reporting
 * syntax and semantic errors with their position; execution answers
 * DN_ENOTSUP until the planner and executor land (issue 3).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parser.h"
#include "resolve.h"

struct dn_stmt {
	dn_db *db;
	dn_parse_result *parse;
	dn_resolve_info resolved; /* slots of the resolved tree (resolve.h) */
	dn_query_error err;
	dn_query_stats stats;
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

static int not_yet(dn_stmt *s)
{
	memset(&s->err, 0, sizeof s->err);
	s->err.code = DN_ENOTSUP;
	snprintf(s->err.message, sizeof s->err.message,
	         "not supported yet: executing queries (dragnet parses and resolves the Cypher subset; "
	         "the planner and executor are in progress)");
	return dn_error(s->db, DN_ENOTSUP, "%s", s->err.message);
}

int dn_stmt_bind(dn_stmt *s, const char *name, const dn_value *v)
{
	(void)name;
	(void)v;
	return not_yet(s);
}

int dn_stmt_execute(dn_stmt *s, dn_txn *txn)
{
	(void)txn;
	return not_yet(s);
}

int dn_stmt_step(dn_stmt *s)
{
	return not_yet(s);
}

size_t dn_stmt_column_count(const dn_stmt *s)
{
	(void)s;
	return 0;
}

const char *dn_stmt_column_name(const dn_stmt *s, size_t i)
{
	(void)s;
	(void)i;
	return NULL;
}

const dn_value *dn_stmt_column(const dn_stmt *s, size_t i)
{
	(void)s;
	(void)i;
	return NULL;
}

const dn_query_error *dn_stmt_error(const dn_stmt *s)
{
	return &s->err;
}

const dn_query_stats *dn_stmt_stats(const dn_stmt *s)
{
	return &s->stats;
}

bool dn_stmt_is_write(const dn_stmt *s)
{
	(void)s;
	return false;
}

void dn_stmt_free(dn_stmt *s)
{
	if (!s)
		return;
	dn_parse_free(s->parse);
	free(s);
}
