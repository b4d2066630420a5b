/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_exec.c — the executor's pull operators: a read streams (the first
 * rows of an unbounded UNWIND come back at once, with nothing
 * materialized), a LIMIT stops pulling from the match (PROFILE's rows),
 * ORDER BY ... LIMIT keeps the right rows (the top-k against a full
 * sort), and a statement that writes still runs whole at execute.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static dn_stmt *prep(dn_db *db, const char *text)
{
	dn_stmt *s = NULL;
	dn_query_error qe;
	cr_assert_eq(dn_stmt_prepare(db, text, strlen(text), &s, &qe), 0, "%s: %s", text, qe.message);
	return s;
}

static void write_q(dn_db *db, const char *text)
{
	dn_stmt *s = prep(db, text);
	dn_txn *txn = tu_begin(db, 0);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s: %s", text, dn_stmt_error(s)->message);
	while (dn_stmt_step(s) == DN_ROW)
		;
	tu_commit(txn);
	dn_stmt_free(s);
}

/* The integer column 0 of up to max rows of the executed s, as "a,b,c"
 * in out (cap bytes). */
static void collect(dn_stmt *s, size_t max, char *out, size_t cap)
{
	size_t n = 0;
	int rc = DN_DONE;
	out[0] = '\0';
	while (n < max && (rc = dn_stmt_step(s)) == DN_ROW) {
		const dn_value *v = dn_stmt_column(s, 0);
		cr_assert(v && v->type == DN_INT, "not an integer");
		snprintf(out + strlen(out), cap - strlen(out), "%s%lld", out[0] ? "," : "", (long long)v->u.i);
		n++;
	}
	cr_assert(rc == DN_DONE || rc == DN_ROW, "%s", dn_stmt_error(s)->message);
}

/* The integer column 0 of every row, as "a,b,c". */
static char *ints(dn_db *db, const char *text)
{
	static char out[65536];
	dn_stmt *s = prep(db, text);
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s: %s", text, dn_stmt_error(s)->message);
	collect(s, SIZE_MAX, out, sizeof out);
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return out;
}

/* q's integer column 0 must be what same's is (read into a copy first:
 * ints() reuses its buffer); with some, that is rows other than a zero
 * count, so that the comparison shows something. */
static void expect_same(dn_db *db, const char *q, const char *same, bool some)
{
	char *want = strdup(ints(db, same));
	cr_expect_str_eq(ints(db, q), want, "%s", q);
	if (some)
		cr_expect(strlen(want) > 0 && strcmp(want, "0"), "%s: nothing to compare", same);
	free(want);
}

Test(exec, a_read_streams)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_stream"), NULL);
	write_q(db, "UNWIND range(1, 300) AS i CREATE (:N {id: i})");
	/* 300^4 = 8.1 * 10^9 rows: materialized, this would not return */
	dn_stmt *s = prep(db, "MATCH (a:N), (b:N), (c:N), (d:N) RETURN a.id + b.id + c.id + d.id AS j");
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s", dn_stmt_error(s)->message);
	for (int k = 0; k < 1000; k++) {
		cr_assert_eq(dn_stmt_step(s), DN_ROW, "%s", dn_stmt_error(s)->message);
		cr_assert_geq(dn_stmt_column(s, 0)->u.i, 4);
	}
	/* stopped early, then the transaction ends before the statement */
	dn_txn_abort(txn);
	dn_stmt_free(s);
	dn_close(db);
}

Test(exec, limit_stops_the_match)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_limit"), NULL);
	write_q(db, "UNWIND range(1, 5000) AS i CREATE (:N {id: i})");
	dn_stmt *s = prep(db, "PROFILE MATCH (n:N) RETURN n.id LIMIT 2");
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0);
	bool seen = false;
	while (dn_stmt_step(s) == DN_ROW) {
		const char *op = dn_stmt_column(s, 0)->u.s;
		if (strstr(op, "Scan")) { /* NodeByLabelScan or AllNodesScan */
			seen = true;
			cr_expect_eq(dn_stmt_column(s, 3)->u.i, 2, "the scan read %lld nodes for LIMIT 2",
			             (long long)dn_stmt_column(s, 3)->u.i);
		}
	}
	cr_expect(seen, "no scan in the profile");
	dn_txn_abort(txn);
	dn_stmt_free(s);
	/* and a match that is not stopped reads them all */
	cr_expect_str_eq(ints(db, "MATCH (n:N) RETURN count(*) AS c"), "5000");
	dn_close(db);
}

Test(exec, top_k_equals_sort)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_topk"), NULL);
	/* values with many ties: k = id * 7919 % 101 */
	write_q(db, "UNWIND range(1, 3000) AS i CREATE (:N {id: i, k: i * 7919 % 101})");
	const char *lims[] = {"1", "5", "100", "150", "2999", "3000", "4000"};
	for (size_t l = 0; l < sizeof lims / sizeof *lims; l++) {
		char q[256];
		static char full[65536];
		snprintf(q, sizeof q, "MATCH (n:N) RETURN n.id AS id ORDER BY n.k DESC, id %% 3 SKIP 3 LIMIT %s", lims[l]);
		char *top = strdup(ints(db, q));
		/* the same order from a full sort, cut by hand */
		snprintf(full, sizeof full, "%s", ints(db, "MATCH (n:N) RETURN n.id AS id ORDER BY n.k DESC, id % 3"));
		long want = atol(lims[l]);
		char *p = full;
		for (int skip = 0; skip < 3; skip++)
			p = strchr(p, ',') + 1;
		char *end = p;
		for (long k = 0; k < want && end; k++) {
			end = strchr(end, ',');
			if (end && k + 1 < want)
				end++;
		}
		if (end)
			*end = '\0';
		cr_expect_str_eq(top, p, "LIMIT %s", lims[l]);
		free(top);
	}
	dn_close(db);
}

Test(exec, writes_run_whole_at_execute)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_write"), NULL);
	dn_stmt *s = prep(db, "UNWIND range(1, 10) AS i CREATE (:W {i: i}) RETURN i LIMIT 1");
	dn_txn *txn = tu_begin(db, 0);
	cr_assert_eq(dn_stmt_execute(s, txn), 0);
	/* every node is created before the first step */
	cr_expect_eq(dn_stmt_stats(s)->nodes_created, 10);
	cr_assert_eq(dn_stmt_step(s), DN_ROW);
	cr_assert_eq(dn_stmt_step(s), DN_DONE);
	tu_commit(txn);
	dn_stmt_free(s);
	cr_expect_str_eq(ints(db, "MATCH (w:W) RETURN count(w) AS c"), "10");
	dn_close(db);
}

Test(exec, grouping_by_a_node_merges_equal_keys)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_group"), NULL);
	/* two nodes share id 1: one group, though found by node id */
	write_q(db, "CREATE (:Q {id: 1}), (:Q {id: 1}), (:Q {id: 2})");
	cr_expect_str_eq(ints(db, "MATCH (q:Q) WITH q.id AS id, count(*) AS n RETURN id * 100 + n AS v ORDER BY v"),
	                 "102,201");
	/* every node comes three times */
	cr_expect_str_eq(ints(db, "MATCH (q:Q), (r:Q) WITH q.id AS id, count(*) AS n RETURN id * 100 + n AS v "
	                          "ORDER BY v"),
	                 "106,203");
	cr_expect_str_eq(ints(db, "MATCH (q:Q), (r:Q) WITH q, count(*) AS n RETURN sum(n) AS s"), "9");
	dn_close(db);
}

Test(exec, a_hop_starts_at_its_filtered_end)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_hopend"), NULL);
	/* 200 comments by 4 persons: the smaller scan is Person, but the
	 * filter is on the comment */
	write_q(db, "UNWIND range(0, 3) AS i CREATE (:P {id: i})");
	write_q(db, "UNWIND range(0, 199) AS i MATCH (p:P {id: i % 4}) CREATE (:C {d: i})-[:BY]->(p)");
	const char *q = "MATCH (c:C)-[:BY]->(p:P) WHERE c.d >= 190 RETURN p.id AS id, count(*) AS n";
	char ex[256];
	snprintf(ex, sizeof ex, "EXPLAIN %s", q);
	dn_stmt *s = prep(db, ex);
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0);
	bool scan_c = false;
	while (dn_stmt_step(s) == DN_ROW)
		scan_c |= strstr(dn_stmt_column(s, 0)->u.s, "NodeByLabelScan") &&
		          strstr(dn_stmt_column(s, 1)->u.s, "(c:C)");
	cr_expect(scan_c, "the plan does not scan the comments");
	dn_txn_abort(txn);
	dn_stmt_free(s);
	/* and the answer is the one the other end gives */
	cr_expect_str_eq(ints(db, "MATCH (c:C)-[:BY]->(p:P) WHERE c.d >= 190 WITH p.id AS id, count(*) AS n "
	                          "RETURN id * 100 + n AS v ORDER BY v"),
	                 "2,102,203,303"); /* ids 0, 1: 2 each; 2, 3: 3 each */
	dn_close(db);
}

Test(exec, a_breadth_first_hop_hands_its_ends_on_in_batches)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_bfs"), NULL);
	/* 0 -> 1..40, each i -> 1000 i + 1..40: 1,640 nodes within two hops,
	 * more than one batch of ends */
	write_q(db, "CREATE INDEX FOR (n:N) ON (n.id)");
	write_q(db, "CREATE (:N {id: 0})");
	write_q(db, "UNWIND range(1, 40) AS i MATCH (r:N {id: 0}) CREATE (r)-[:T]->(:N {id: i})");
	write_q(db, "UNWIND range(1, 40) AS i UNWIND range(1, 40) AS j MATCH (c:N {id: i}) "
	            "CREATE (c)-[:T]->(:N {id: 1000 * i + j})");
	/* sum of 1..40 = 820; of 1000 i + j over i, j in 1..40 = 32,832,800 */
	cr_expect_str_eq(ints(db, "MATCH (a:N {id: 0})-[:T*1..2]->(b) RETURN sum(DISTINCT b.id) AS s"), "32833620");
	cr_expect_str_eq(ints(db, "MATCH (a:N {id: 0})-[:T*1..2]->(b) RETURN count(DISTINCT b) AS c"), "1640");
	/* per input row, the start bound by the clause before */
	cr_expect_str_eq(ints(db, "UNWIND [0, 0, 1] AS s MATCH (a:N {id: s}) MATCH (a)-[:T*1..2]->(b) "
	                          "WITH s, count(DISTINCT b) AS c RETURN s * 10000 + c AS v ORDER BY v"),
	                 "1640,10040");
	cr_expect_str_eq(ints(db, "MATCH (a:N) WHERE a.id IN [0, 5] OPTIONAL MATCH (a)-[:T*1..2]->(b) "
	                          "WITH a.id AS s, count(DISTINCT b) AS c RETURN s * 10000 + c AS v ORDER BY v"),
	                 "1640,50040");
	cr_expect_str_eq(ints(db, "MATCH (a:N {id: 0})-[:T*1..2]->(b) WITH DISTINCT b.id AS id LIMIT 3 "
	                          "RETURN count(*) AS n"),
	                 "3");
	/* PROFILE counts the start once, however often its ends were resumed,
	 * and each end once (DISTINCT would hide an end handed on twice; of
	 * b.id, not b, so that the match hands on its rows, not a count) */
	dn_stmt *s = prep(db, "PROFILE MATCH (a:N {id: 0})-[:T*1..2]->(b) RETURN count(DISTINCT b.id) AS c");
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0);
	int seen = 0;
	while (dn_stmt_step(s) == DN_ROW) {
		const char *op = dn_stmt_column(s, 0)->u.s;
		long long rows = (long long)dn_stmt_column(s, 3)->u.i;
		if (strstr(op, "Seek") && ++seen)
			cr_expect_eq(rows, 1, "the seek counted %lld rows", rows);
		if (strstr(op, "Match") && ++seen)
			cr_expect_eq(rows, 1640, "the match gave %lld rows", rows);
	}
	cr_expect_eq(seen, 2, "no seek or no match in the profile");
	dn_txn_abort(txn);
	dn_stmt_free(s);
	dn_close(db);
}

/* The integer column 0 of up to max rows of s executed in txn with
 * $param = k, as "a,b,c". */
static char *run_ints(dn_stmt *s, dn_txn *txn, const char *param, int64_t k, size_t max)
{
	static char out[4096];
	dn_value v = dn_value_int(k);
	cr_assert_eq(dn_stmt_bind(s, param, &v), 0);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s", dn_stmt_error(s)->message);
	collect(s, max, out, sizeof out);
	return out;
}

/* A prepared read executed again in the same read transaction keeps its
 * operator tree: the new parameter values, a run stopped half-way, and a
 * LIMIT given as a parameter (which the tree's top-k was built for) all
 * give the rows a fresh statement gives; a new transaction that sees new
 * data plans anew (a label that every node carried is tested again). */
Test(exec, a_prepared_read_runs_again)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_again"), NULL);
	write_q(db, "UNWIND range(1, 20) AS i CREATE (:N {id: i})-[:R]->(:N {id: 100 + i})");
	dn_stmt *s = prep(db, "MATCH (a:N {id: $k})-[:R]->(b) RETURN b.id");
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_str_eq(run_ints(s, txn, "k", 3, 100), "103");
	cr_assert_str_eq(run_ints(s, txn, "k", 7, 100), "107");
	cr_assert_str_eq(run_ints(s, txn, "k", 107, 100), "");
	cr_assert_str_eq(run_ints(s, txn, "k", 1, 100), "101");
	dn_txn_abort(txn);
	dn_stmt_free(s);

	s = prep(db, "MATCH (a:N) WHERE a.id <= 20 RETURN a.id ORDER BY a.id LIMIT $k");
	txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_str_eq(run_ints(s, txn, "k", 2, 100), "1,2");
	cr_assert_str_eq(run_ints(s, txn, "k", 5, 100), "1,2,3,4,5");
	cr_assert_str_eq(run_ints(s, txn, "k", 5, 2), "1,2"); /* stopped half-way */
	cr_assert_str_eq(run_ints(s, txn, "k", 3, 100), "1,2,3");
	dn_txn_abort(txn);
	dn_stmt_free(s);

	/* every node is an N: the plan tests no label; after an M arrives,
	 * a new transaction must test it */
	s = prep(db, "MATCH (a:N) WHERE a.id > $k RETURN count(a)");
	txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_str_eq(run_ints(s, txn, "k", 110, 100), "10");
	cr_assert_str_eq(run_ints(s, txn, "k", 115, 100), "5");
	dn_txn_abort(txn);
	write_q(db, "CREATE (:M {id: 500})");
	txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_str_eq(run_ints(s, txn, "k", 110, 100), "10");
	dn_txn_abort(txn);
	dn_stmt_free(s);
	dn_close(db);
}

/* Whether EXPLAIN of text names operator op. */
static bool plan_has(dn_db *db, const char *text, const char *op)
{
	char ex[2048];
	snprintf(ex, sizeof ex, "EXPLAIN %s", text);
	dn_stmt *s = prep(db, ex);
	dn_txn *txn = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s", dn_stmt_error(s)->message);
	bool seen = false;
	while (dn_stmt_step(s) == DN_ROW)
		seen |= strstr(dn_stmt_column(s, 0)->u.s, op) != NULL;
	dn_txn_abort(txn);
	dn_stmt_free(s);
	return seen;
}

/* tmpl with its one "%s" replaced by what, into out (cap bytes). */
static void fill(char *out, size_t cap, const char *tmpl, const char *what)
{
	const char *at = strstr(tmpl, "%s");
	cr_assert(at && strlen(tmpl) + strlen(what) < cap);
	snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, what, at + 2);
}

/* A random multigraph for the equivalence tests below: 120 nodes, A and
 * some also B, x of mixed types (integers, floats, a NaN, strings,
 * booleans, missing), k with ties; 900 edges of types T and U with
 * parallel edges and self loops. */
static dn_db *mixed_graph(const char *name)
{
	dn_db *db = tu_open(tu_fresh_dir(name), NULL);
	write_q(db, "UNWIND range(0, 119) AS i CREATE (n:A {i: i, k: i % 7, s: CASE i % 3 WHEN 0 THEN 'p' ELSE 'q' END})"
	            " SET n.x = CASE i % 9 WHEN 0 THEN null WHEN 1 THEN toFloat(i % 5) WHEN 2 THEN toString(i % 5)"
	            " WHEN 3 THEN i % 2 = 0 WHEN 4 THEN 0.0 / 0.0 ELSE i % 6 END");
	write_q(db, "MATCH (n:A) WHERE n.i % 4 <> 0 SET n:B");
	for (int u = 0; u < 2; u++) {
		char q[512];
		snprintf(q, sizeof q,
		         "UNWIND range(0, 899) AS e WITH e WHERE (e %% 3 = 0) = %s MATCH (a:A {i: (e * 7 + e / 5) %% 120}), "
		         "(b:A {i: CASE e %% 50 WHEN 0 THEN (e * 7 + e / 5) %% 120 ELSE (e * e / 7 + e * 13 + 5) %% 120 END}) "
		         "CREATE (a)-[:%s {w: e}]->(b)",
		         u ? "true" : "false", u ? "U" : "T");
		write_q(db, q);
	}
	return db;
}

/*
 * A MATCH whose rows only a count per end node needs runs in its counting
 * form (MatchCount); each query here, with count(), must give what the
 * same query gives with sum(1) in its place, which the counting form
 * does not take (every row is matched and aggregated one by one).
 */
Test(exec, the_counting_match_gives_what_the_rows_give)
{
	dn_db *db = mixed_graph("exec_count");
	write_q(db, "CREATE INDEX FOR (n:A) ON (n.k)");
	static const struct {
		const char *q, *count, *rows;
		int counted; /* 1: in the counting form, 0: not, -1: as the planner walks it */
	} cases[] = {
	    {"MATCH (a:A)-[:T]->(b:B) WHERE a.x >= 3 WITH b, %s AS n RETURN b.i * 1000 + n AS v ORDER BY v",
	     "count(*)", "sum(1)", 1},
	    {"MATCH (a:A)-[:T]-(b) WITH b.k AS k, %s AS n RETURN k * 1000 + n AS v ORDER BY v", "count(a)", "sum(1)", 1},
	    {"MATCH (a:B)<-[r:T|U|T]-(b:A) WITH b, %s AS n RETURN b.i * 1000 + n AS v ORDER BY v", "count(r)",
	     "sum(1)", 1},
	    {"MATCH (a:A)-[:U]->(b:B) WHERE a.s = 'p' AND b.x < 4 AND b.k <> 2 WITH b, %s AS n "
	     "RETURN b.i * 1000 + n AS v ORDER BY v",
	     "count(b)", "sum(1)", -1},
	    {"MATCH (a:A {k: 3})-[:U|T]->(b:B) WHERE b.x < 4 AND b.k <> 2 WITH b, %s AS n "
	     "RETURN b.i * 1000 + n AS v ORDER BY v",
	     "count(b)", "sum(1)", 1}, /* the ends' own filters, once per end */
	    {"MATCH (a:A)-[:T]->(b:B) RETURN %s AS v", "count(*)", "sum(1)", 1},
	    {"MATCH (a:A)-[:T]->() WHERE a.i > 50 RETURN %s AS v", "count(*)", "sum(1)", 1},
	    {"MATCH (a:A)-[]->(b:B) WITH b.k AS k, %s AS n WHERE n > 20 RETURN k * 1000 + n AS v ORDER BY v",
	     "count(*)", "sum(1)", -1},
	    {"MATCH (a:A {k: 3})-[:T]->(b) WITH b, %s AS n RETURN b.i * 1000 + n AS v ORDER BY v", "count(*)",
	     "sum(1)", 1},
	    {"MATCH (x:B) WITH x ORDER BY x.i LIMIT 3 MATCH (a:A)-[:T]->(b:B) WHERE a.k = 1 "
	     "WITH x, b, %s AS n RETURN x.i * 1000000 + b.i * 1000 + n AS v ORDER BY v",
	     "count(*)", "sum(1)", 1},
	    {"MATCH (a:A)-[:T]->(b:B) WITH b, %s AS n, min(a.i) AS m RETURN b.i * 1000 + n + m AS v ORDER BY v",
	     "count(*)", "sum(1)", 0}, /* min(a.i) reads the start node */
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char q1[1024], q2[1024];
		fill(q1, sizeof q1, cases[c].q, cases[c].count);
		fill(q2, sizeof q2, cases[c].q, cases[c].rows);
		expect_same(db, q1, q2, true);
		cr_expect(!plan_has(db, q2, "MatchCount"), "%s", q2);
		if (cases[c].counted >= 0)
			cr_expect_eq(plan_has(db, q1, "MatchCount"), cases[c].counted == 1, "%s", q1);
	}
	dn_close(db);
}

/* A WHERE part `n.key OP constant` is tested on the property alone; it
 * must keep exactly the nodes the evaluator keeps, for every comparison,
 * either side, and values of every type against constants of several. */
Test(exec, a_simple_filter_keeps_what_the_evaluator_keeps)
{
	dn_db *db = mixed_graph("exec_fastfilter");
	static const char *ops[] = {"=", "<>", "<", "<=", ">", ">="};
	static const char *consts[] = {"3", "3.0", "'3'", "true", "0.0 / 0.0", "-1"};
	for (size_t o = 0; o < 6; o++)
		for (size_t k = 0; k < 6; k++)
			for (int flip = 0; flip < 2; flip++) {
				char q1[512], q2[512];
				const char *fmt = flip ? "MATCH (a:A) WHERE %s %s %sa.x%s RETURN a.i ORDER BY a.i"
				                       : "MATCH (a:A) WHERE %sa.x%s %s %s RETURN a.i ORDER BY a.i";
				if (flip) {
					snprintf(q1, sizeof q1, fmt, consts[k], ops[o], "", "");
					snprintf(q2, sizeof q2, fmt, consts[k], ops[o], "coalesce(", ")");
				} else {
					snprintf(q1, sizeof q1, fmt, "", "", ops[o], consts[k]);
					snprintf(q2, sizeof q2, fmt, "coalesce(", ")", ops[o], consts[k]);
				}
				expect_same(db, q1, q2, false);
			}
	/* some of them keep nodes: the comparisons are not all empty */
	cr_expect_str_neq(ints(db, "MATCH (a:A) WHERE a.x >= 3 RETURN count(*)"), "0");
	cr_expect_str_neq(ints(db, "MATCH (a:A) WHERE a.x = '3' RETURN count(*)"), "0");
	dn_close(db);
}

/* The counting form's threads (query/match.c). */
extern size_t dn_x_count_par_min;
extern int dn_x_count_threads;

/*
 * The counting form split among threads, each reading its share of the
 * start nodes in a twin transaction, must give what one thread gives and
 * what the rows give: the start's labels tested by the engine, simple
 * filters, a filter only the evaluator can test (the threads give up and
 * one thread counts), an as-of read, and ends merged in the order a
 * single thread reaches them (the first rows, without ORDER BY).
 */
Test(exec, the_counting_match_on_threads_gives_what_one_thread_gives)
{
	dn_db *db = mixed_graph("exec_count_threads");
	const char *qs[] = {
	    "MATCH (a:A)-[:T]->(b:B) WHERE a.x >= 3 WITH b, %s AS n RETURN b.i * 1000 + n AS v",
	    "MATCH (a:A:B)-[:T|U]-(b) WHERE a.k <> 2 AND a.s = 'q' WITH b.k AS k, %s AS n RETURN k * 1000 + n AS v",
	    "MATCH (a:A)-[:U]->(b) WHERE toInteger(a.i) % 5 > 1 WITH b, %s AS n RETURN b.i * 1000 + n AS v",
	    "AS OF 3 MATCH (a:A)-[:T]->(b:B) WHERE a.x >= 3 WITH b, %s AS n RETURN b.i * 1000 + n AS v",
	    "AS OF 4 MATCH (a:A)-[:T|U]->(b:B) WHERE a.k <> 1 RETURN %s AS v",
	};
	/* one more commit, so that AS OF 3 and 4 read the past */
	write_q(db, "MATCH (a:A), (b:A) WHERE a.i >= 100 AND b.i = 219 - a.i CREATE (a)-[:T]->(b), (b)-[:U]->(a)");
	size_t saved_min = dn_x_count_par_min;
	int saved_threads = dn_x_count_threads;
	for (size_t q = 0; q < sizeof qs / sizeof *qs; q++) {
		char q1[512], q2[512];
		fill(q1, sizeof q1, qs[q], "count(*)");
		fill(q2, sizeof q2, qs[q], "sum(1)");
		dn_x_count_par_min = SIZE_MAX; /* one thread */
		char *one = strdup(ints(db, q1));
		char *rows = strdup(ints(db, q2));
		dn_x_count_par_min = 8;
		dn_x_count_threads = 3;
		cr_expect_str_eq(ints(db, q1), one, "%s on three threads", q1);
		cr_expect_str_eq(one, rows, "%s", q1);
		cr_expect(strlen(one) > 0 && strcmp(one, "0"), "%s: nothing counted", q1);
		cr_expect(plan_has(db, q1, "MatchCount"), "%s", q1);
		dn_x_count_par_min = saved_min;
		dn_x_count_threads = saved_threads;
		free(one);
		free(rows);
	}
	dn_close(db);
}

/* DISTINCT over nodes and relationships keeps their ids apart from other
 * values (a node and a relationship may share an id): the same counts as
 * DISTINCT over their ids, which takes the general path. */
Test(exec, distinct_entities_count_as_their_ids)
{
	dn_db *db = mixed_graph("exec_distinct_ids");
	expect_same(db, "MATCH (a:A)-[r:T]->(b) RETURN count(DISTINCT a) * 10000 + count(DISTINCT r) AS v",
	            "MATCH (a:A)-[r:T]->(b) RETURN count(DISTINCT id(a)) * 10000 + count(DISTINCT id(r)) AS v", true);
	expect_same(db, "MATCH (a:A)-[r:T]->(b) WITH b, count(DISTINCT a) AS n RETURN sum(n) AS v",
	            "MATCH (a:A)-[r:T]->(b) WITH b, count(DISTINCT id(a)) AS n RETURN sum(n) AS v", true);
	/* a node and a relationship of the same id, twice each, and the id */
	cr_expect_str_eq(ints(db, "MATCH (a:A), ()-[r]->() WHERE id(a) = id(r) WITH a, r LIMIT 1 "
	                          "UNWIND [a, r, a, id(a), r, id(r)] AS x RETURN count(DISTINCT x) AS v"),
	                 "3");
	dn_close(db);
}

/* A variable-length hop under count(DISTINCT) is a breadth-first search
 * (levels in id order, adjacency through readers); naming the
 * relationship makes the matcher enumerate every trail instead. Both
 * must reach the same end nodes, the start included when a closed trail
 * passes it. */
Test(exec, a_search_reaches_what_the_trails_reach)
{
	dn_db *db = mixed_graph("exec_bfs_trails");
	static const char *pats[] = {
	    "(a:A {i: %d})-[%s:T*1..3]-(b)",         "(a:A {i: %d})-[%s:T*1..3]->(b:B)",
	    "(a:A {i: %d})<-[%s:T|U*1..3]-(b)",        "(a:A {i: %d})-[%s*1..2]-(b) WHERE b.k <> 3",
	    "(a:A {i: %d})-[%s:U|T|U*0..2]->(b:A)",
	};
	for (size_t k = 0; k < sizeof pats / sizeof *pats; k++)
		for (int start = 0; start < 120; start += 37) {
			char pat1[256], pat2[256], q1[512], q2[512];
			snprintf(pat1, sizeof pat1, pats[k], start, "");
			snprintf(pat2, sizeof pat2, pats[k], start, "r");
			snprintf(q1, sizeof q1, "MATCH %s RETURN count(DISTINCT b) AS c", pat1);
			snprintf(q2, sizeof q2, "MATCH %s RETURN count(DISTINCT b) AS c", pat2);
			expect_same(db, q1, q2, false);
			cr_expect(plan_has(db, q1, "BreadthFirstExpand") && !plan_has(db, q2, "BreadthFirstExpand"), "%s", q1);
		}
	dn_close(db);
}

/* The integer column 0 of every row of text, read in txn. */
static char *ints_in(dn_db *db, dn_txn *txn, const char *text)
{
	static char out[65536];
	dn_stmt *s = prep(db, text);
	cr_assert_eq(dn_stmt_execute(s, txn), 0, "%s: %s", text, dn_stmt_error(s)->message);
	collect(s, SIZE_MAX, out, sizeof out);
	dn_stmt_free(s);
	return out;
}

/* A reader not cleared for a marking counts none of what it marks, on one
 * thread or several: 40 comments, every fourth marked SECRET, every fifth
 * relationship marked SECRET, and one creator marked SECRET. */
Test(exec, the_counting_match_counts_what_the_reader_may_see)
{
	dn_db *db = tu_open(tu_fresh_dir("exec_count_marks"), NULL);
	dn_txn *t = tu_begin(db, 0);
	const char *person = "P", *comment = "C";
	dn_meta secret = {0};
	secret.marking = "SECRET";
	dn_id p[3], c;
	for (int i = 0; i < 3; i++) {
		dn_prop pr = {"id", dn_value_int(i)};
		TU_OK(db, dn_node_create(t, &person, 1, &pr, 1, i == 2 ? &secret : NULL, &p[i]));
	}
	for (int i = 0; i < 100; i++) { /* creators of nothing: the comments are the smaller scan */
		dn_prop pr = {"id", dn_value_int(1000 + i)};
		TU_OK(db, dn_node_create(t, &person, 1, &pr, 1, NULL, &c));
	}
	for (int i = 0; i < 40; i++) {
		dn_prop pr = {"d", dn_value_int(i)};
		TU_OK(db, dn_node_create(t, &comment, 1, &pr, 1, i % 4 == 3 ? &secret : NULL, &c));
		dn_id e;
		TU_OK(db, dn_edge_create(t, c, p[i % 3], "BY", NULL, 0, i % 5 == 1 ? &secret : NULL, &e));
	}
	tu_commit(t);
	const char *q = "MATCH (c:C)-[:BY]->(p:P) WHERE c.d >= 4 WITH p.id AS id, count(*) AS n "
	                "RETURN id * 100 + n AS v ORDER BY v";
	cr_assert(plan_has(db, q, "MatchCount"));
	/* the comments d >= 4 by creator (i % 3), those with i % 4 == 3 hidden */
	char want[64] = "", all[64] = "";
	for (int pi = 0; pi < 3; pi++) {
		int n = 0, seen = 0;
		for (int i = 4; i < 40; i++)
			if (i % 3 == pi) {
				n++;
				seen += i % 4 != 3 && i % 5 != 1;
			}
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s%d", pi ? "," : "", pi * 100 + n);
		if (pi < 2)
			snprintf(want + strlen(want), sizeof want - strlen(want), "%s%d", pi ? "," : "", pi * 100 + seen);
	}
	size_t saved_min = dn_x_count_par_min;
	int saved_threads = dn_x_count_threads;
	for (int threads = 0; threads < 2; threads++) {
		dn_x_count_par_min = threads ? 4 : SIZE_MAX;
		dn_x_count_threads = threads ? 3 : saved_threads;
		const char *cleared[] = {"SECRET"}, *none[] = {"OTHER"};
		dn_txn_opts o = {.clearances = cleared, .n_clearances = 1};
		TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
		cr_expect_str_eq(ints_in(db, t, q), all, "cleared, %s", threads ? "threads" : "one thread");
		dn_txn_abort(t);
		o.clearances = none;
		TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
		cr_expect_str_eq(ints_in(db, t, q), want, "not cleared, %s", threads ? "threads" : "one thread");
		dn_txn_abort(t);
	}
	dn_x_count_par_min = saved_min;
	dn_x_count_threads = saved_threads;
	dn_close(db);
}

/* EXISTS { } keeps the rows a pattern comprehension's size keeps, in its
 * short form, its full form (with an aggregation inside), negated, and
 * nested; what it binds stays inside. */
Test(exec, exists_subqueries_keep_what_comprehensions_keep)
{
	dn_db *db = mixed_graph("exec_exists");
	static const struct {
		const char *q, *same;
	} cases[] = {
	    {"MATCH (a:A) WHERE exists { (a)-[:T]->(b:B) WHERE b.k = 2 } RETURN a.i ORDER BY a.i",
	     "MATCH (a:A) WHERE size([(a)-[:T]->(b:B) WHERE b.k = 2 | 1]) > 0 RETURN a.i ORDER BY a.i"},
	    {"MATCH (a:A) WHERE NOT exists { (a)<-[:U]-() } RETURN a.i ORDER BY a.i",
	     "MATCH (a:A) WHERE size([(a)<-[:U]-() | 1]) = 0 RETURN a.i ORDER BY a.i"},
	    {"MATCH (a:A) WHERE exists { MATCH (a)-[:T]->(b) WITH a, count(b) AS n WHERE n >= 5 RETURN n } "
	     "RETURN a.i ORDER BY a.i",
	     "MATCH (a:A) WHERE size([(a)-[:T]->(b) | b]) >= 5 RETURN a.i ORDER BY a.i"},
	    {"MATCH (a:A) WHERE exists { MATCH (a)-[:T]->(b) WHERE exists { (b)-[:U]->(a) } RETURN b } "
	     "RETURN a.i ORDER BY a.i",
	     "MATCH (a:A) WHERE size([(a)-[:T]->(b) WHERE size([(b)-[:U]->(a) | 1]) > 0 | 1]) > 0 "
	     "RETURN a.i ORDER BY a.i"},
	    {"MATCH (a:A) RETURN sum(CASE WHEN exists { (a)-[:T]->(:B) } THEN 1 ELSE 0 END) AS n",
	     "MATCH (a:A) RETURN sum(CASE WHEN size([(a)-[:T]->(:B) | 1]) > 0 THEN 1 ELSE 0 END) AS n"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		expect_same(db, cases[c].q, cases[c].same, true);
	}
	dn_close(db);
}

/* Without grouping keys, from one input row, the counting match gives one
 * row for the whole count: weighted by the matches for count(*), by the
 * distinct ends for count(DISTINCT end), row by row when both are asked;
 * inside EXISTS { } too (whose Argument gives the outer row). */
Test(exec, a_count_without_keys_is_one_row)
{
	dn_db *db = mixed_graph("exec_count_collapse");
	static const struct {
		const char *q, *same;
	} cases[] = {
	    {"MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN count(DISTINCT b) AS v",
	     "MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN size(collect(DISTINCT b)) AS v"},
	    {"MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN count(*) AS v",
	     "MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN size(collect(a)) AS v"},
	    {"MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN count(*) * 1000 + count(DISTINCT b) AS v",
	     "MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 RETURN size(collect(a)) * 1000 + size(collect(DISTINCT b)) AS v"},
	    {"MATCH (a:A {i: 3})-[:T*1..3]-(b:B) WHERE b.k <> 2 RETURN count(DISTINCT b) AS v",
	     "MATCH (a:A {i: 3})-[:T*1..3]-(b:B) WHERE b.k <> 2 RETURN size(collect(DISTINCT b)) AS v"},
	    {"MATCH (x:A) WHERE x.i < 3 AND exists { MATCH (a:A)-[:T]->(b:B) WITH count(DISTINCT b) AS n "
	     "WHERE n > 10 RETURN n } RETURN count(x) AS v",
	     "MATCH (x:A) WHERE x.i < 3 RETURN count(x) AS v"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		expect_same(db, cases[c].q, cases[c].same, true);
		if (c < 3) /* (the search's plan may start at either end) */
			cr_expect(plan_has(db, cases[c].q, "MatchCount") && !plan_has(db, cases[c].same, "MatchCount"), "%s",
			          cases[c].q);
	}
	dn_close(db);
}

/* The counting form inside a statement that writes: its readers go through
 * the writer's own view (edges created earlier in the same transaction
 * included), and what it counts is what the rows count. */
Test(exec, the_counting_match_in_a_write_sees_the_writers_edges)
{
	dn_db *db = mixed_graph("exec_count_write");
	const char *q = "MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 WITH b, count(*) AS n SET b.n = n";
	cr_assert(plan_has(db, q, "MatchCount"));
	/* one transaction: two new edges, then the counting write; afterwards
	 * every count must be what the rows give (a count that missed the new
	 * edges would be two short for node 5) */
	dn_txn *t = tu_begin(db, 0);
	const char *qs[] = {"MATCH (a:A {i: 2}), (b:B {i: 5}) CREATE (a)-[:T]->(b), (a)-[:T]->(b)", q};
	for (int k = 0; k < 2; k++) {
		dn_stmt *s = prep(db, qs[k]);
		cr_assert_eq(dn_stmt_execute(s, t), 0, "%s: %s", qs[k], dn_stmt_error(s)->message);
		while (dn_stmt_step(s) == DN_ROW)
			;
		dn_stmt_free(s);
	}
	tu_commit(t);
	expect_same(db, "MATCH (b:B) WHERE b.n IS NOT NULL RETURN b.i * 1000 + b.n AS v ORDER BY v",
	            "MATCH (a:A)-[:T]->(b:B) WHERE a.k <> 1 WITH b, sum(1) AS n RETURN b.i * 1000 + n AS v ORDER BY v",
	            true);
	dn_close(db);
}
