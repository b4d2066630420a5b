/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_plan.c — the MATCH planner must not change answers. On random
 * multigraphs (self-loops, parallel edges, two types) it compares
 *   - the breadth-first expansion of `-[*..k]-` under DISTINCT against the
 *     walk enumeration the same pattern gets when rows are counted, for
 *     every start node, direction and range (cycles back to the start
 *     included);
 *   - paths walked backwards from an indexed end against the same query
 *     walked forwards without the index (named paths and relationship
 *     lists must come out in the written order);
 *   - index seeks taken from WHERE against label scans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Runs text with $x bound (when x >= 0); returns the rows as one string
 * "v1|v2;..." of the values' Cypher text (ints and lists of ints). */
static void value_text(const dn_value *v, char *buf, size_t cap)
{
	size_t len = strlen(buf);
	if (v->type == DN_INT) {
		snprintf(buf + len, cap - len, "%lld", (long long)v->u.i);
	} else if (v->type == DN_LIST) {
		snprintf(buf + len, cap - len, "[");
		for (uint32_t i = 0; i < v->len; i++) {
			if (i)
				strncat(buf, ",", cap - strlen(buf) - 1);
			value_text(&v->u.list[i], buf, cap);
		}
		strncat(buf, "]", cap - strlen(buf) - 1);
	} else if (v->type == DN_NULL) {
		strncat(buf, "null", cap - len - 1);
	} else {
		cr_assert_fail("unexpected value type %d", v->type);
	}
}

static char *run(dn_db *db, const char *text, int64_t x)
{
	static char out[1 << 16];
	dn_stmt *s = NULL;
	dn_query_error qe;
	int rc = dn_stmt_prepare(db, text, strlen(text), &s, &qe);
	cr_assert_eq(rc, 0, "prepare %s: %s", text, qe.message);
	if (x >= 0) {
		dn_value v = dn_value_int(x);
		cr_assert_eq(dn_stmt_bind(s, "x", &v), 0);
	}
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	rc = dn_stmt_execute(s, txn);
	cr_assert_eq(rc, 0, "execute %s: %s", text, dn_stmt_error(s)->message);
	out[0] = '\0';
	while ((rc = dn_stmt_step(s)) == DN_ROW) {
		for (size_t c = 0; c < dn_stmt_column_count(s); c++) {
			if (c)
				strncat(out, "|", sizeof out - strlen(out) - 1);
			value_text(dn_stmt_column(s, c), out, sizeof out);
		}
		strncat(out, ";", sizeof out - strlen(out) - 1);
	}
	cr_assert_eq(rc, DN_DONE, "step %s: %s", text, dn_stmt_error(s)->message);
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return strdup(out);
}

static void exec_write(dn_db *db, const char *text)
{
	dn_stmt *s = NULL;
	dn_query_error qe;
	cr_assert_eq(dn_stmt_prepare(db, text, strlen(text), &s, &qe), 0, "%s: %s", text, qe.message);
	dn_txn *txn = tu_begin(db, 0);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s: %s", text, dn_stmt_error(s)->message);
	while (dn_stmt_step(s) == DN_ROW)
		;
	tu_commit(txn);
	dn_stmt_free(s);
}

/* n nodes :N {id: 0..n-1}, m random edges of types A and B. */
static dn_db *random_graph(const char *name, unsigned seed, int n, int m)
{
	dn_db *db = tu_open(tu_fresh_dir(name), NULL);
	char q[256];
	snprintf(q, sizeof q, "UNWIND range(0, %d) AS i CREATE (:N {id: i})", n - 1);
	exec_write(db, q);
	srand(seed);
	for (int e = 0; e < m; e++) {
		int a = rand() % n, b = rand() % 3 == 0 ? a : rand() % n; /* a third are self-loops or repeats */
		if (rand() % 4 == 0)
			b = rand() % n;
		snprintf(q, sizeof q, "MATCH (a:N {id: %d}), (b:N {id: %d}) CREATE (a)-[:%s]->(b)", a, b,
		         rand() % 3 ? "A" : "B");
		exec_write(db, q);
	}
	return db;
}

Test(plan, bfs_distinct_equals_walks)
{
	static const char *const pats[] = {
		"-[:A*1..3]->", "<-[:A*..2]-", "-[*1..3]-", "-[:A|B*0..2]-", "-[*]->", "-[:B*1..1]-",
		"-[*1..4]-", "-[:A*]-", "-[:A]->", "-[]-", "<-[:B]-",
	};
	for (unsigned seed = 1; seed <= 6; seed++) {
		char name[32];
		snprintf(name, sizeof name, "plan_bfs_%u", seed);
		dn_db *db = random_graph(name, seed, 9, 8 + 3 * (int)seed);
		for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
			char bfs[256], walks[256];
			/* DISTINCT only: breadth-first; count(*) counts walks */
			snprintf(bfs, sizeof bfs, "MATCH (a:N {id: $x})%s(m) RETURN DISTINCT m.id AS id ORDER BY id", pats[p]);
			snprintf(walks, sizeof walks,
			         "MATCH (a:N {id: $x})%s(m) WITH m.id AS id, count(*) AS c RETURN id ORDER BY id", pats[p]);
			for (int x = 0; x < 9; x++) {
				char *got = run(db, bfs, x), *want = run(db, walks, x);
				cr_expect_str_eq(got, want, "seed %u, (a {id:%d})%s(m): bfs %s, walks %s", seed, x, pats[p], got,
				                 want);
				free(got);
				free(want);
			}
			/* and the aggregate form the benchmarks use */
			snprintf(bfs, sizeof bfs, "MATCH (a:N {id: $x})%s(m) RETURN count(DISTINCT m) AS n", pats[p]);
			snprintf(walks, sizeof walks, "MATCH (a:N {id: $x})%s(m) RETURN count(DISTINCT m) AS n, count(*) AS c",
			         pats[p]);
			for (int x = 0; x < 9; x++) {
				char *got = run(db, bfs, x), *want = run(db, walks, x);
				cr_expect_eq(atoi(got), atoi(want), "seed %u, count over %s from %d", seed, pats[p], x);
				free(got);
				free(want);
			}
		}
		dn_close(db);
	}
}

Test(plan, reversed_paths_equal_forward)
{
	static const char *const qs[] = {
		"MATCH p = (a:N)-[:A]->(b)-[:B|A]->(c:N {id: $x}) RETURN [n IN nodes(p) | n.id] AS ids ORDER BY ids",
		"MATCH (a:N)-[r:A*1..3]->(c:N {id: $x}) RETURN [e IN r | [startNode(e).id, endNode(e).id]] AS rs ORDER BY rs",
		"MATCH p = (a:N)<-[*2]-(c:N) WHERE c.id = $x RETURN [n IN nodes(p) | n.id] AS ids ORDER BY ids",
		"MATCH (a:N)-[:A]-(c:N) WHERE $x = c.id RETURN a.id AS id ORDER BY id",
		"MATCH (c:N) WHERE c.id >= $x AND c.id < $x + 3 RETURN c.id AS id ORDER BY id",
		"MATCH (a:N)-[:A]->(c:N) WHERE c.id > $x RETURN a.id AS a, c.id AS c ORDER BY a, c",
	};
	enum { NQ = sizeof qs / sizeof qs[0], NX = 9 };
	dn_db *db = random_graph("plan_rev", 7, NX, 30);
	char *forward[NQ][NX];
	for (size_t q = 0; q < NQ; q++)
		for (int x = 0; x < NX; x++)
			forward[q][x] = run(db, qs[q], x);
	exec_write(db, "CREATE INDEX FOR (n:N) ON (n.id)");
	/* the planner must now start at the indexed end: check it does */
	const char *ex = "EXPLAIN MATCH (a:N)-[:A]->(c:N {id: 3}) RETURN a";
	dn_stmt *s = NULL;
	dn_query_error qe;
	cr_assert_eq(dn_stmt_prepare(db, ex, strlen(ex), &s, &qe), 0);
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0);
	bool seek = false, back = false;
	while (dn_stmt_step(s) == DN_ROW) {
		seek |= strstr(dn_stmt_column(s, 0)->u.s, "NodeIndexSeek") != NULL;
		back |= strstr(dn_stmt_column(s, 1)->u.s, "walked backwards") != NULL;
	}
	cr_expect(seek && back, "EXPLAIN shows no seek at the indexed end");
	dn_txn_abort(txn);
	dn_stmt_free(s);
	for (size_t q = 0; q < NQ; q++)
		for (int x = 0; x < NX; x++) {
			char *got = run(db, qs[q], x);
			cr_expect_str_eq(got, forward[q][x], "%s with $x = %d: seek %s, scan %s", qs[q], x, got, forward[q][x]);
			free(got);
			free(forward[q][x]);
		}
	dn_close(db);
}

/* shortestPath and allShortestPaths search from both ends; the answer must
 * be every minimal walk that enumerating all walks finds. */
Test(plan, shortest_paths_from_both_ends_equal_enumeration)
{
	static const char *const rels[] = {"-[*..5]-", "-[:A*..5]->", "<-[:A|B*1..4]-", "-[:B*..3]-"};
	for (unsigned seed = 11; seed <= 14; seed++) {
		char name[32];
		snprintf(name, sizeof name, "plan_sp_%u", seed);
		dn_db *db = random_graph(name, seed, 9, 14 + (int)seed % 5);
		for (size_t r = 0; r < sizeof rels / sizeof rels[0]; r++)
			for (int x = 0; x < 9; x++)
				for (int y = 0; y < 9; y++) {
					if (x == y)
						continue;
					char all[512], one[512], want[512];
					snprintf(all, sizeof all,
					         "MATCH (a:N {id: %d}), (b:N {id: %d}) MATCH p = allShortestPaths((a)%s(b)) "
					         "RETURN [e IN relationships(p) | id(e)] AS rs ORDER BY rs", x, y, rels[r]);
					snprintf(one, sizeof one,
					         "MATCH (a:N {id: %d}), (b:N {id: %d}) MATCH p = shortestPath((a)%s(b)) "
					         "RETURN length(p) AS l, [e IN relationships(p) | id(e)] AS rs", x, y, rels[r]);
					snprintf(want, sizeof want,
					         "MATCH p = (a:N {id: %d})%s(b:N {id: %d}) WITH collect(p) AS ps "
					         "WITH ps, reduce(m = 99, q IN ps | CASE WHEN length(q) < m THEN length(q) ELSE m END) AS m "
					         "UNWIND ps AS p WITH p, m WHERE length(p) = m "
					         "RETURN [e IN relationships(p) | id(e)] AS rs ORDER BY rs", x, rels[r], y);
					char *got = run(db, all, -1), *exp = run(db, want, -1), *sp = run(db, one, -1);
					cr_expect_str_eq(got, exp, "allShortestPaths %d%s%d: got %s, enumeration %s", x, rels[r], y,
					                 got, exp);
					/* shortestPath: one of those, or none when there are none */
					if (!*exp) {
						cr_expect_str_eq(sp, "", "shortestPath %d%s%d found %s", x, rels[r], y, sp);
					} else {
						const char *bar = strchr(sp, '|');
						cr_expect(bar != NULL && strstr(exp, bar + 1) != NULL,
						          "shortestPath %d%s%d: %s is not among %s", x, rels[r], y, sp, exp);
					}
					free(got);
					free(exp);
					free(sp);
				}
		dn_close(db);
	}
}
