/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck_queries.h — for unit suites that sweep every query of the openCypher
 * TCK (the parser's and the resolver's): finds ../shared/data/tck and hands
 * each setup and main query to a callback, with what the scenario expects.
 * The feature files are read by the TCK runner's own Gherkin parser
 * (tests/tck/tck_gherkin.c), so outlines and backgrounds expand the same.
 */
#ifndef DN_TCK_QUERIES_H
#define DN_TCK_QUERIES_H

#include <stdbool.h>
#include <stddef.h>

/* The TCK's feature directory: $DN_TCK_DIR, or ../shared/data/tck found
 * upwards from the working directory. */
bool tck_queries_find(char *out, size_t cap);

/* One query: setup (an `And having executed:` docstring) or the main one;
 * err_phase/err_code are the expected error of the main query ("compile
 * time", "UnexpectedSyntax"), or NULL when it is expected to run. */
typedef struct tck_query {
	const char *file;
	int line;
	const char *text;
	bool setup;
	const char *err_kind, *err_phase, *err_code;
	bool declares_procedure; /* the scenario declares a test procedure */
} tck_query;

/* Calls fn for every query under dir; returns the number of feature files. */
int tck_queries_each(const char *dir, void (*fn)(void *ctx, const tck_query *q), void *ctx);

#endif
