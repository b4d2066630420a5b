/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_parser.c — unit suite for the first two stages of the query
 * pipeline: query/lexer.c, query/parser*.c and query/ast.c. Tables of
 * (query, expected S-expression) for every construct of the grammar, of
 * precedence cases and of bad queries with the line, column, TCK code and
 * message they must fail with; spans, caret rendering, the lexer on its
 * own, allocation failure; and a property test over the openCypher TCK
 * (../shared/data/tck from the project root, or $DN_TCK_DIR): every query a
 * scenario runs without expecting a SyntaxError must parse or be refused
 * as not supported, and the syntax errors the parser catches are counted.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lexer.h"
#include "parser.h"
#include "tck_queries.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Parses q and returns its dump (malloc'd), or NULL with *err filled. */
static char *dump_of(const char *q, unsigned opts, dn_parse_error *err, int *rc_out)
{
	dn_parse_result *res = NULL;
	dn_parse_error local;
	if (!err)
		err = &local;
	int rc = dn_parse(q, strlen(q), &res, err);
	if (rc_out)
		*rc_out = rc;
	if (rc)
		return NULL;
	dn_buf b = {0};
	cr_assert_eq(dn_ast_dump(res->root, &b, opts), 0);
	char *s = strdup((const char *)b.p);
	dn_buf_free(&b);
	dn_parse_free(res);
	return s;
}

/* Parses q, which must succeed, and returns the result. */
static dn_parse_result *parse_ok(const char *q)
{
	dn_parse_result *res = NULL;
	dn_parse_error err;
	int rc = dn_parse(q, strlen(q), &res, &err);
	cr_assert_eq(rc, 0, "%s -> %d %d:%d %s", q, rc, err.line, err.column, err.message);
	return res;
}

/* ------------------------------------------------------------------ */
/* Constructs                                                          */
/* ------------------------------------------------------------------ */

static const struct {
	const char *q;
	const char *want;
} ok_cases[] = {
	{"MATCH (n) RETURN n",
	 "(query (match (pattern (path (node n)))) (return n))"},
	{"EXPLAIN MATCH (n) RETURN n",
	 "(explain (query (match (pattern (path (node n)))) (return n)))"},
	{"PROFILE MATCH (n) RETURN n",
	 "(profile (query (match (pattern (path (node n)))) (return n)))"},
	{"AS OF 42 MATCH (n) RETURN n",
	 "(as-of 42 (query (match (pattern (path (node n)))) (return n)))"},
	{"AS OF datetime('2024-03-01') MATCH (n) RETURN n",
	 "(as-of (call datetime \"2024-03-01\") (query (match (pattern (path (node n)))) (return n)))"},
	{"EXPLAIN AS OF $t MATCH (n) RETURN n",
	 "(explain (as-of $t (query (match (pattern (path (node n)))) (return n))))"},
	{"RETURN 1 AS a UNION RETURN 2 AS a",
	 "(union (query (return (as 1 a))) (query (return (as 2 a))))"},
	{"RETURN 1 AS a UNION ALL RETURN 2 AS a UNION ALL RETURN 3 AS a",
	 "(union-all (query (return (as 1 a))) (query (return (as 2 a))) (query (return (as 3 a))))"},
	{"MATCH (n) RETURN n;",
	 "(query (match (pattern (path (node n)))) (return n))"},
	{"match (n) where n.x = 1 return distinct n order by n.x desc skip 1 limit 2",
	 "(query (match (pattern (path (node n))) (where (= (. n x) 1))) (return distinct n (order (desc (. n x))) (skip 1) (limit 2)))"},
	{"// leading comment\nMATCH /* inline ) */ (n) RETURN n // trailing",
	 "(query (match (pattern (path (node n)))) (return n))"},
	{"OPTIONAL MATCH (n)-->(m) RETURN m",
	 "(query (optional-match (pattern (path (node n) (rel ->) (node m)))) (return m))"},
	{"MATCH (a), (b) WHERE a.x = b.x RETURN a, b",
	 "(query (match (pattern (path (node a)) (path (node b))) (where (= (. a x) (. b x)))) (return a b))"},
	{"MATCH (n) OPTIONAL MATCH (n)-[r]-() WHERE r.w > 1 RETURN n, r",
	 "(query (match (pattern (path (node n)))) (optional-match (pattern (path (node n) (rel - r) (node))) (where (> (. r w) 1))) (return n r))"},
	{"MATCH (n) WITH n WHERE n.x > 1 RETURN n",
	 "(query (match (pattern (path (node n)))) (with n (where (> (. n x) 1))) (return n))"},
	{"MATCH (n) WITH DISTINCT n.x AS x ORDER BY x DESC SKIP 1 LIMIT 2 WHERE x > 0 RETURN x",
	 "(query (match (pattern (path (node n)))) (with distinct (as (. n x) x) (order (desc x)) (skip 1) (limit 2) (where (> x 0))) (return x))"},
	{"MATCH (n) RETURN *",
	 "(query (match (pattern (path (node n)))) (return *))"},
	{"MATCH (n) RETURN DISTINCT n.name AS name ORDER BY name ASCENDING, n.age DESCENDING, n.id ASC SKIP $s LIMIT 10",
	 "(query (match (pattern (path (node n)))) (return distinct (as (. n name) name) (order (asc name) (desc (. n age)) (asc (. n id))) (skip $s) (limit 10)))"},
	{"MATCH (n) RETURN *, n.x AS x",
	 "(query (match (pattern (path (node n)))) (return * (as (. n x) x)))"},
	{"WITH * , 1 AS one RETURN one",
	 "(query (with * (as 1 one)) (return one))"},
	{"UNWIND [1, 2, 3] AS x RETURN x",
	 "(query (unwind (list 1 2 3) x) (return x))"},
	{"CREATE (n:Trader {tin: 'GB1', name: 'Acme'})",
	 "(query (create (pattern (path (node n (labels Trader) (props (tin \"GB1\") (name \"Acme\")))))))"},
	{"CREATE (a)-[:OWNS {since: 2020}]->(b), (c)",
	 "(query (create (pattern (path (node a) (rel -> (types OWNS) (props (since 2020))) (node b)) (path (node c)))))"},
	{"CREATE p = (a)-[:R]->(b) RETURN p",
	 "(query (create (pattern (path p (node a) (rel -> (types R)) (node b)))) (return p))"},
	{"MERGE (n:Trader {tin: $tin}) ON CREATE SET n.created = timestamp() ON MATCH SET n.seen = n.seen + 1, n.last = 1",
	 "(query (merge (path (node n (labels Trader) (props (tin $tin)))) (on-create (set-prop (. n created) (call timestamp))) (on-match (set-prop (. n seen) (+ (. n seen) 1)) (set-prop (. n last) 1))))"},
	{"MERGE (a)-[r:KNOWS]-(b)",
	 "(query (merge (path (node a) (rel - r (types KNOWS)) (node b))))"},
	{"MATCH (n) SET n.x = 1, n = {a: 1}, n += {b: 2}, n:Flagged:Reviewed",
	 "(query (match (pattern (path (node n)))) (set (set-prop (. n x) 1) (set-all n (map (a 1))) (set-merge n (map (b 2))) (set-labels n Flagged Reviewed)))"},
	{"MATCH (n) SET (n).name = 'x', n.a.b = 2",
	 "(query (match (pattern (path (node n)))) (set (set-prop (. n name) \"x\") (set-prop (. (. n a) b) 2)))"},
	{"MATCH (n) REMOVE n.x, n:Flagged:Old",
	 "(query (match (pattern (path (node n)))) (remove (remove-prop (. n x)) (remove-labels n Flagged Old)))"},
	{"MATCH (n) DELETE n",
	 "(query (match (pattern (path (node n)))) (delete n))"},
	{"MATCH (n) DETACH DELETE n, m",
	 "(query (match (pattern (path (node n)))) (detach-delete n m))"},
	{"MATCH (n)-[r]->() DELETE r, n.list[0]",
	 "(query (match (pattern (path (node n) (rel -> r) (node)))) (delete r (index (. n list) 0)))"},
	{"CALL db.labels()",
	 "(query (call-proc db.labels (args)))"},
	{"CALL db.labels",
	 "(query (call-proc db.labels implicit))"},
	{"CALL db.labels() YIELD label RETURN label",
	 "(query (call-proc db.labels (args) (yield label)) (return label))"},
	{"CALL test.my.proc(1, 'a') YIELD a AS x, b WHERE x > 1 RETURN x, b",
	 "(query (call-proc test.my.proc (args 1 \"a\") (yield (as a x) b) (where (> x 1))) (return x b))"},
	{"CALL test.proc() YIELD *",
	 "(query (call-proc test.proc (args) (yield *)))"},
	{"MATCH (n) CALL db.labels() YIELD label RETURN n, label",
	 "(query (match (pattern (path (node n)))) (call-proc db.labels (args) (yield label)) (return n label))"},
	{"CALL apoc.create.node(['A'], {}) YIELD node RETURN node",
	 "(query (call-proc apoc.create.node (args (list \"A\") (map)) (yield node)) (return node))"},
	{"CREATE INDEX FOR (n:Trader) ON (n.tin)",
	 "(create-index (for n Trader) (on (. n tin)))"},
	{"CREATE INDEX trader_tin IF NOT EXISTS FOR (n:Trader) ON (n.tin)",
	 "(create-index trader_tin if-not-exists (for n Trader) (on (. n tin)))"},
	{"CREATE INDEX comp FOR (n:Person) ON (n.first, n.last)",
	 "(create-index comp (for n Person) (on (. n first) (. n last)))"},
	{"CREATE RANGE INDEX r FOR (n:A) ON (n.k)",
	 "(create-index r (for n A) (on (. n k)))"},
	{"CREATE INDEX IF NOT EXISTS FOR (n:A) ON (n.k);",
	 "(create-index if-not-exists (for n A) (on (. n k)))"},
	{"CREATE CONSTRAINT FOR (n:Trader) REQUIRE n.tin IS UNIQUE",
	 "(create-constraint (for n Trader) (unique (. n tin)))"},
	{"CREATE CONSTRAINT tin_unique IF NOT EXISTS FOR (t:Trader) REQUIRE t.tin IS UNIQUE",
	 "(create-constraint tin_unique if-not-exists (for t Trader) (unique (. t tin)))"},
	{"CREATE CONSTRAINT c FOR (n:P) REQUIRE (n.a, n.b) IS UNIQUE",
	 "(create-constraint c (for n P) (unique (. n a) (. n b)))"},
	{"DROP INDEX trader_tin",
	 "(drop-index trader_tin)"},
	{"DROP INDEX trader_tin IF EXISTS",
	 "(drop-index trader_tin if-exists)"},
	{"DROP CONSTRAINT tin_unique IF EXISTS",
	 "(drop-constraint tin_unique if-exists)"},
	{"SHOW INDEXES",
	 "(show-indexes)"},
	{"SHOW CONSTRAINTS",
	 "(show-constraints)"},
	{"SHOW INDEX",
	 "(show-indexes)"},
	{"show all constraints",
	 "(show-constraints)"},
	{"MATCH () RETURN 1",
	 "(query (match (pattern (path (node)))) (return 1))"},
	{"MATCH (:Trader) RETURN 1",
	 "(query (match (pattern (path (node (labels Trader))))) (return 1))"},
	{"MATCH (n:A:B {k: 1, j: 'x'}) RETURN n",
	 "(query (match (pattern (path (node n (labels A B) (props (k 1) (j \"x\")))))) (return n))"},
	{"MATCH (n $props) RETURN n",
	 "(query (match (pattern (path (node n (props $props))))) (return n))"},
	{"MATCH (a)-->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel ->) (node b)))) (return a))"},
	{"MATCH (a)<--(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel <-) (node b)))) (return a))"},
	{"MATCH (a)--(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -) (node b)))) (return a))"},
	{"MATCH (a)<-->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel <->) (node b)))) (return a))"},
	{"MATCH (a)-[r]->(b) RETURN r",
	 "(query (match (pattern (path (node a) (rel -> r) (node b)))) (return r))"},
	{"MATCH (a)<-[r:T]-(b) RETURN r",
	 "(query (match (pattern (path (node a) (rel <- r (types T)) (node b)))) (return r))"},
	{"MATCH (a)<-[r:T]->(b) RETURN r",
	 "(query (match (pattern (path (node a) (rel <-> r (types T)) (node b)))) (return r))"},
	{"MATCH (a)-[:T1|T2|:T3]-(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel - (types T1 T2 T3)) (node b)))) (return a))"},
	{"MATCH (a)-[*]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen _ _)) (node b)))) (return a))"},
	{"MATCH (a)-[*2]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen 2 2)) (node b)))) (return a))"},
	{"MATCH (a)-[*2..]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen 2 _)) (node b)))) (return a))"},
	{"MATCH (a)-[*..4]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen _ 4)) (node b)))) (return a))"},
	{"MATCH (a)-[*2..4]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen 2 4)) (node b)))) (return a))"},
	{"MATCH (a)-[*0..]->(b) RETURN a",
	 "(query (match (pattern (path (node a) (rel -> (varlen 0 _)) (node b)))) (return a))"},
	{"MATCH (a)-[r:T*1..3 {w: 1}]->(b) RETURN r",
	 "(query (match (pattern (path (node a) (rel -> r (types T) (varlen 1 3) (props (w 1))) (node b)))) (return r))"},
	{"MATCH (a)-[r $p]->(b) RETURN r",
	 "(query (match (pattern (path (node a) (rel -> r (props $p)) (node b)))) (return r))"},
	{"MATCH p = (a)-->(b) RETURN p",
	 "(query (match (pattern (path p (node a) (rel ->) (node b)))) (return p))"},
	{"MATCH p = shortestPath((a)-[*]-(b)) RETURN p",
	 "(query (match (pattern (shortest-path p (node a) (rel - (varlen _ _)) (node b)))) (return p))"},
	{"MATCH p = allShortestPaths((a)-[:R*..5]->(b)) RETURN p",
	 "(query (match (pattern (all-shortest-paths p (node a) (rel -> (types R) (varlen _ 5)) (node b)))) (return p))"},
	{"MATCH shortestPath((a)-[*]-(b)) RETURN a",
	 "(query (match (pattern (shortest-path (node a) (rel - (varlen _ _)) (node b)))) (return a))"},
	{"MATCH (a)-->(b)<--(c), (d) RETURN a",
	 "(query (match (pattern (path (node a) (rel ->) (node b) (rel <-) (node c)) (path (node d)))) (return a))"},
	{"MATCH ((a)-->(b)) RETURN a",
	 "(query (match (pattern (path (node a) (rel ->) (node b)))) (return a))"},
	{"MATCH (n:`weird label` {`a key`: 1}) RETURN n",
	 "(query (match (pattern (path (node n (labels `weird label`) (props (`a key` 1)))))) (return n))"},
	{"MATCH (n:Match)-[:RETURN]->(m) RETURN n.return, m.`order`",
	 "(query (match (pattern (path (node n (labels Match)) (rel -> (types RETURN)) (node m)))) (return (. n return) (. m order)))"},
	{"RETURN 1, -1, 0x1F, -0x8000000000000000, 0o17, 1.5, .5, 1e10, 1.5e-3, -0.0",
	 "(query (return 1 -1 31 -9223372036854775808 15 1.5 0.5 10000000000.0 0.0015 -0.0))"},
	{"RETURN 9223372036854775807, -9223372036854775808, 0x7FFFFFFFFFFFFFFF, -0o1000000000000000000000",
	 "(query (return 9223372036854775807 -9223372036854775808 9223372036854775807 -9223372036854775808))"},
	{"RETURN 0.1, 1E9, .1e-5, 2E-01, 123456789e300",
	 "(query (return 0.1 1000000000.0 1e-06 0.2 1.23456789e+308))"},
	{"RETURN 'a', \"b\", 'it\\'s', \"say \\\"hi\\\"\", '\\\\', 'tab\\there', 'nl\\nx'",
	 "(query (return \"a\" \"b\" \"it's\" \"say \\\"hi\\\"\" \"\\\\\" \"tab\\there\" \"nl\\nx\"))"},
	{"RETURN '\\u00e9', '\\U0001F600', '\\uD83D\\uDE00', '\\B\\F\\N\\R\\T', 'é🙂'",
	 "(query (return \"é\" \"😀\" \"😀\" \"\\x08\\x0C\\n\\r\\t\" \"é🙂\"))"},
	{"RETURN true, FALSE, null, NULL",
	 "(query (return true false null null))"},
	{"RETURN $name, $0, $`odd name`",
	 "(query (return $name $0 $`odd name`))"},
	{"RETURN `weird name`, `a``b`, `match`",
	 "(query (return `weird name` `a``b` `match`))"},
	{"RETURN n.a.b.c",
	 "(query (return (. (. (. n a) b) c)))"},
	{"RETURN a[0], a[1..2], a[..2], a[1..], a[-1], a[..]",
	 "(query (return (index a 0) (slice a 1 2) (slice a _ 2) (slice a 1 _) (index a -1) (slice a _ _)))"},
	{"RETURN n:Person, n:A:B",
	 "(query (return (has-labels n Person) (has-labels n A B)))"},
	{"RETURN f(x), ns.f(x), a.b.c(1, 2), count(*), count(DISTINCT x), count(), COUNT ( * )",
	 "(query (return (call f x) (call ns.f x) (call a.b.c 1 2) (call count *) (call count distinct x) (call count) (call COUNT *)))"},
	{"RETURN CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END",
	 "(query (return (case (when a 1) (when b 2) (else 3))))"},
	{"RETURN CASE x WHEN 1 THEN 'one' ELSE 'other' END",
	 "(query (return (case x (when 1 \"one\") (else \"other\"))))"},
	{"RETURN CASE x WHEN 1 THEN 'one' END",
	 "(query (return (case x (when 1 \"one\"))))"},
	{"RETURN [], [1, 'a', null], [[1], [2, 3]]",
	 "(query (return (list) (list 1 \"a\" null) (list (list 1) (list 2 3))))"},
	{"RETURN {}, {a: 1, b: {c: [1]}}",
	 "(query (return (map) (map (a 1) (b (map (c (list 1)))))))"},
	{"RETURN n{.a, .b}, n{.*, c: 1}, n{x}, n{}",
	 "(query (return (map-proj n .a .b) (map-proj n .* (c 1)) (map-proj n (x x)) (map-proj n)))"},
	{"RETURN [x IN l], [x IN l WHERE x > 1], [x IN l | x * 2], [x IN l WHERE x > 1 | x * 2]",
	 "(query (return (list-comp x l) (list-comp x l (where (> x 1))) (list-comp x l (proj (* x 2))) (list-comp x l (where (> x 1)) (proj (* x 2)))))"},
	{"RETURN [x IN [1, 2], 3], [x IN l]",
	 "(query (return (list (in x (list 1 2)) 3) (list-comp x l)))"},
	{"RETURN [(a)-->(b) | b.name], [p = (a)-[:R]->(b) WHERE b.x > 1 | p]",
	 "(query (return (pattern-comp (path (node a) (rel ->) (node b)) (proj (. b name))) (pattern-comp (path p (node a) (rel -> (types R)) (node b)) (where (> (. b x) 1)) (proj p))))"},
	{"RETURN all(x IN l WHERE x > 0), any(x IN l WHERE x), none(x IN l WHERE x), single(x IN l WHERE x), all(x IN l)",
	 "(query (return (all x l (where (> x 0))) (any x l (where x)) (none x l (where x)) (single x l (where x)) (all x l)))"},
	{"RETURN reduce(acc = 0, x IN l | acc + x)",
	 "(query (return (reduce acc 0 x l (+ acc x))))"},
	{"MATCH (a) WHERE exists((a)-->()) RETURN a",
	 "(query (match (pattern (path (node a))) (where (call exists (pattern-pred (path (node a) (rel ->) (node)))))) (return a))"},
	{"MATCH (n) WHERE exists(n.prop) RETURN n",
	 "(query (match (pattern (path (node n))) (where (call exists (. n prop)))) (return n))"},
	{"MATCH (n) WHERE exists { (n)-->(m) WHERE m.x = 1 } RETURN n",
	 "(query (match (pattern (path (node n))) (where (exists (query (match (pattern (path (node n) (rel ->) (node m))) (where (= (. m x) 1))))))) (return n))"},
	{"MATCH (n) WHERE NOT EXISTS { MATCH (n)-->(m) WITH m RETURN m } RETURN n",
	 "(query (match (pattern (path (node n))) (where (not (exists (query (match (pattern (path (node n) (rel ->) (node m)))) (with m) (return m)))))) (return n))"},
	{"MATCH (a), (b) WHERE (a)-[:T]->(b) RETURN a",
	 "(query (match (pattern (path (node a)) (path (node b))) (where (pattern-pred (path (node a) (rel -> (types T)) (node b))))) (return a))"},
	{"MATCH (a) WHERE NOT (a)-->() RETURN a",
	 "(query (match (pattern (path (node a))) (where (not (pattern-pred (path (node a) (rel ->) (node)))))) (return a))"},
	{"MATCH (a) WHERE (a)-->() AND (a)<--() OR a.x RETURN a",
	 "(query (match (pattern (path (node a))) (where (or (and (pattern-pred (path (node a) (rel ->) (node))) (pattern-pred (path (node a) (rel <-) (node)))) (. a x)))) (return a))"},
	{"MATCH (a) RETURN CASE WHEN (a)-->() THEN 1 ELSE 0 END",
	 "(query (match (pattern (path (node a)))) (return (case (when (pattern-pred (path (node a) (rel ->) (node))) 1) (else 0))))"},
	{"MATCH (a) RETURN [x IN l WHERE (a)-[:R]->(x) | x]",
	 "(query (match (pattern (path (node a)))) (return (list-comp x l (where (pattern-pred (path (node a) (rel -> (types R)) (node x)))) (proj x))))"},
	{"RETURN (1 + 2) * 3",
	 "(query (return (* (+ 1 2) 3)))"},
	{"RETURN any(x), none(), single(1, 2)",
	 "(query (return (call any x) (call none) (call single 1 2)))"},
	{"RETURN count(n) > 1",
	 "(query (return (> (call count n) 1)))"},
	{"MATCH (n) WHERE n.name =~ 'A.*' RETURN n",
	 "(query (match (pattern (path (node n))) (where (=~ (. n name) \"A.*\"))) (return n))"},
	{"RETURN a STARTS WITH 'x', a ENDS WITH 'y', a CONTAINS 'z'",
	 "(query (return (starts-with a \"x\") (ends-with a \"y\") (contains a \"z\")))"},
	{"RETURN a IS NULL, a IS NOT NULL, a IN [1, 2]",
	 "(query (return (is-null a) (is-not-null a) (in a (list 1 2))))"},
	{"RETURN n.`key with space`",
	 "(query (return (. n `key with space`)))"},
	{"RETURN date('2024-01-01') + duration('P1D')",
	 "(query (return (+ (call date \"2024-01-01\") (call duration \"P1D\"))))"},
	{"RETURN {match: 1, return: 2, `a b`: 3}",
	 "(query (return (map (match 1) (return 2) (`a b` 3))))"},
	{"RETURN -x, +x, - -1, -(1), --1",
	 "(query (return (neg x) (pos x) (neg -1) (neg 1) (neg -1)))"},
	{"RETURN -1.5, -.5, 1 - -1, 1-1, 2-1",
	 "(query (return -1.5 -0.5 (- 1 -1) (- 1 1) (- 2 1)))"},
	{"RETURN a.b[0].c, [1, 2, 3][1], {a: 1}.a, $p.x, (n).x",
	 "(query (return (. (index (. a b) 0) c) (index (list 1 2 3) 1) (. (map (a 1)) a) (. $p x) (. n x)))"},
	{"WITH 1 AS x RETURN x",
	 "(query (with (as 1 x)) (return x))"},
	{"RETURN toUpper('a') AS up",
	 "(query (return (as (call toUpper \"a\") up)))"},
	{"UNWIND $rows AS row MERGE (t:Trader {tin: row.tin}) SET t += row.props",
	 "(query (unwind $rows row) (merge (path (node t (labels Trader) (props (tin (. row tin)))))) (set (set-merge t (. row props))))"},
	{"MATCH (s:Seizure)<-[:LINKED_TO*1..3]-(t:Trader) WHERE s.date >= date('2024-01-01') RETURN t.tin, count(DISTINCT s) AS n ORDER BY n DESC LIMIT 10",
	 "(query (match (pattern (path (node s (labels Seizure)) (rel <- (types LINKED_TO) (varlen 1 3)) (node t (labels Trader)))) (where (>= (. s date) (call date \"2024-01-01\")))) (return (. t tin) (as (call count distinct s) n) (order (desc n)) (limit 10)))"},
	{"RETURN 1 /* ) */ + 2",
	 "(query (return (+ 1 2)))"},
	{"MATCH (n) WHERE n.x IN $xs AND NOT n.y IS NULL RETURN n",
	 "(query (match (pattern (path (node n))) (where (and (in (. n x) $xs) (not (is-null (. n y)))))) (return n))"},
	{"RETURN 1 XOR 2",
	 "(query (return (xor 1 2)))"},
	{"RETURN ñandú, 名前, straße",
	 "(query (return ñandú 名前 straße))"},
	{"MATCH (n)\nWHERE n.x > 1\nRETURN n\n",
	 "(query (match (pattern (path (node n))) (where (> (. n x) 1))) (return n))"},
	{"RETURN 1 AS a UNION ALL MATCH (n) RETURN n.x AS a",
	 "(union-all (query (return (as 1 a))) (query (match (pattern (path (node n)))) (return (as (. n x) a))))"},
	{"RETURN count(*) AS c, collect(n.x) AS xs, avg(n.y)",
	 "(query (return (as (call count *) c) (as (call collect (. n x)) xs) (call avg (. n y))))"},
	{"MATCH (n) RETURN n ORDER BY n.x SKIP 0",
	 "(query (match (pattern (path (node n)))) (return n (order (asc (. n x))) (skip 0)))"},
	{"CREATE (n:L {list: [1, 2], map: {a: null}})",
	 "(query (create (pattern (path (node n (labels L) (props (list (list 1 2)) (map (map (a null)))))))))"},
	{"MATCH (n) SET n.x = CASE WHEN n.y THEN 1 END",
	 "(query (match (pattern (path (node n)))) (set (set-prop (. n x) (case (when (. n y) 1)))))"},
	{"MATCH (n {id: $id})-[:R]->(m {id: 2}) RETURN m",
	 "(query (match (pattern (path (node n (props (id $id))) (rel -> (types R)) (node m (props (id 2)))))) (return m))"},
	{"MATCH (n) WHERE n:A OR n:B RETURN n",
	 "(query (match (pattern (path (node n))) (where (or (has-labels n A) (has-labels n B)))) (return n))"},
	{"RETURN 1=1, 1<>2, 1<2, 1>2, 1<=2, 1>=2",
	 "(query (return (= 1 1) (<> 1 2) (< 1 2) (> 1 2) (<= 1 2) (>= 1 2)))"},
	{"RETURN x[0..-1], x[$a..$b]",
	 "(query (return (slice x 0 -1) (slice x $a $b)))"},
	{"MATCH (c:Case)<-[:CONCERNS]-(r:Report)-[:MENTIONS]->(p:Person)-[:DIRECTOR_OF]->(t:Trader) RETURN c, collect(DISTINCT p) AS persons",
	 "(query (match (pattern (path (node c (labels Case)) (rel <- (types CONCERNS)) (node r (labels Report)) (rel -> (types MENTIONS)) (node p (labels Person)) (rel -> (types DIRECTOR_OF)) (node t (labels Trader))))) (return c (as (call collect distinct p) persons)))"},
	{"RETURN date.truncate('month', d), duration.between(a, b)",
	 "(query (return (call date.truncate \"month\" d) (call duration.between a b)))"},
	{"MATCH (n) RETURN n LIMIT toInteger($n)",
	 "(query (match (pattern (path (node n)))) (return n (limit (call toInteger $n))))"},
	{"RETURN 'a' + 'b' AS s, \"x\\\\y\"",
	 "(query (return (as (+ \"a\" \"b\") s) \"x\\\\y\"))"},
	{"RETURN [x IN range(0, 10) WHERE x % 2 = 0 | x ^ 2] AS evens",
	 "(query (return (as (list-comp x (call range 0 10) (where (= (% x 2) 0)) (proj (^ x 2))) evens)))"},
	{"MATCH (n) WHERE n.x<-1 RETURN n",
	 "(query (match (pattern (path (node n))) (where (< (. n x) -1))) (return n))"},
	{"RETURN 1 +　2",
	 "(query (return (+ 1 2)))"},
	{"RETURN [x IN l WHERE x:A | x]",
	 "(query (return (list-comp x l (where (has-labels x A)) (proj x))))"},
	{"MATCH (n) RETURN n.x AS `weird col`",
	 "(query (match (pattern (path (node n)))) (return (as (. n x) `weird col`)))"},
	{"CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey",
	 "(query (call-proc db.propertyKeys (args) (yield propertyKey)) (return propertyKey))"},
	{"MATCH (n:Trader) WHERE n.tin STARTS WITH 'GB' AND n.risk >= 0.5 RETURN n.tin ORDER BY n.risk DESC",
	 "(query (match (pattern (path (node n (labels Trader)))) (where (and (starts-with (. n tin) \"GB\") (>= (. n risk) 0.5)))) (return (. n tin) (order (desc (. n risk)))))"},
	{"AS OF 42 RETURN 1 AS x UNION RETURN 2 AS x",
	 "(as-of 42 (union (query (return (as 1 x))) (query (return (as 2 x)))))"},
	{"MATCH (a:Person)-[:DIRECTOR_OF]->(t:Trader)<-[:DIRECTOR_OF]-(b:Person) WHERE a <> b RETURN a, b, t",
	 "(query (match (pattern (path (node a (labels Person)) (rel -> (types DIRECTOR_OF)) (node t (labels Trader)) (rel <- (types DIRECTOR_OF)) (node b (labels Person)))) (where (<> a b))) (return a b t))"},
	{"MATCH (s:Seizure) RETURN s.commodity, date.truncate('month', s.date) AS month, sum(s.value) AS total ORDER BY month",
	 "(query (match (pattern (path (node s (labels Seizure))))) (return (. s commodity) (as (call date.truncate \"month\" (. s date)) month) (as (call sum (. s value)) total) (order (asc month))))"},
	{"MATCH (n) RETURN n SKIP 5 LIMIT 5",
	 "(query (match (pattern (path (node n)))) (return n (skip 5) (limit 5)))"},
};

Test(parser, constructs)
{
	size_t n = sizeof ok_cases / sizeof *ok_cases, bad = 0;
	cr_assert_geq(n, 120);
	for (size_t i = 0; i < n; i++) {
		dn_parse_error err;
		int rc;
		char *got = dump_of(ok_cases[i].q, 0, &err, &rc);
		if (!got) {
			cr_expect_fail("case %zu: %s\n  failed: %d:%d %s", i, ok_cases[i].q, err.line,
			               err.column, err.message);
			bad++;
			continue;
		}
		if (strcmp(got, ok_cases[i].want)) {
			cr_expect_fail("case %zu: %s\n  want %s\n  got  %s", i, ok_cases[i].q,
			               ok_cases[i].want, got);
			bad++;
		}
		free(got);
	}
	cr_log_info("parser constructs: %zu cases, %zu failed", n, bad);
}

/* ------------------------------------------------------------------ */
/* Precedence                                                          */
/* ------------------------------------------------------------------ */

static const struct {
	const char *expr;
	const char *want;
} prec_cases[] = {
	{"1 + 2 * 3", "(+ 1 (* 2 3))"},
	{"(1 + 2) * 3", "(* (+ 1 2) 3)"},
	{"1 * 2 + 3", "(+ (* 1 2) 3)"},
	{"2 ^ 3 ^ 2", "(^ (^ 2 3) 2)"},
	{"2 * 3 ^ 2", "(* 2 (^ 3 2))"},
	{"-2 ^ 2", "(^ -2 2)"},
	{"-x ^ 2", "(^ (neg x) 2)"},
	{"1 - 2 - 3", "(- (- 1 2) 3)"},
	{"8 / 4 / 2", "(/ (/ 8 4) 2)"},
	{"1 + 2 % 3", "(+ 1 (% 2 3))"},
	{"a OR b AND c", "(or a (and b c))"},
	{"a AND b OR c", "(or (and a b) c)"},
	{"a XOR b OR c", "(or (xor a b) c)"},
	{"a OR b XOR c", "(or a (xor b c))"},
	{"a AND b XOR c", "(xor (and a b) c)"},
	{"NOT a AND b", "(and (not a) b)"},
	{"NOT a = b", "(not (= a b))"},
	{"NOT NOT a", "(not (not a))"},
	{"a = b AND c <> d", "(and (= a b) (<> c d))"},
	{"a < b < c", "(and (< a b) (< b c))"},
	{"a < b <= c > d", "(and (and (< a b) (<= b c)) (> c d))"},
	{"a = b = c", "(and (= a b) (= b c))"},
	{"a = b IS NULL", "(= a (is-null b))"},
	{"a + b IS NULL", "(is-null (+ a b))"},
	{"a IS NULL AND b IS NOT NULL", "(and (is-null a) (is-not-null b))"},
	{"a + b IN c", "(in (+ a b) c)"},
	{"a IN b = c", "(= (in a b) c)"},
	{"a IN b IN c", "(in (in a b) c)"},
	{"a STARTS WITH b + c", "(starts-with a (+ b c))"},
	{"x =~ 'a' + 'b'", "(=~ x (+ \"a\" \"b\"))"},
	{"a CONTAINS b = true", "(= (contains a b) true)"},
	{"-a.b", "(neg (. a b))"},
	{"-a[0]", "(neg (index a 0))"},
	{"n.a:B", "(has-labels (. n a) B)"},
	{"a:B AND c", "(and (has-labels a B) c)"},
	{"NOT n:L", "(not (has-labels n L))"},
	{"a.b[1].c", "(. (index (. a b) 1) c)"},
	{"1 + -1 * 2", "(+ 1 (* -1 2))"},
	{"a OR NOT b AND c", "(or a (and (not b) c))"},
	{"1 < 2 = true", "(and (< 1 2) (= 2 true))"},
};

Test(parser, precedence)
{
	for (size_t i = 0; i < sizeof prec_cases / sizeof *prec_cases; i++) {
		char q[256], want[256];
		snprintf(q, sizeof q, "RETURN %s", prec_cases[i].expr);
		snprintf(want, sizeof want, "(query (return %s))", prec_cases[i].want);
		int rc;
		dn_parse_error err;
		char *got = dump_of(q, 0, &err, &rc);
		cr_expect(got != NULL, "%s failed: %s", q, err.message);
		if (got)
			cr_expect_str_eq(got, want, "%s", q);
		free(got);
	}
}

/* A chained comparison shares its middle operand between the two
 * comparisons and is marked. */
Test(parser, chained_comparison_shares_operand)
{
	dn_parse_result *res = parse_ok("RETURN a < b <= c");
	dn_ast *ret = res->root->u.stmt.body->u.query.clauses.item[0];
	dn_ast *and = ret->u.proj.items.item[0]->u.item.expr;
	cr_assert_eq(and->kind, DN_AST_BINOP);
	cr_assert_eq(and->op, DN_OP_AND);
	cr_assert(and->flags & DN_AST_F_CHAINED);
	cr_assert_eq(and->u.bin.l->u.bin.r, and->u.bin.r->u.bin.l);
	dn_parse_free(res);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

#define SYN DN_ESYNTAX
#define NSUP DN_ENOTSUP

static const struct {
	const char *q;
	int code;
	int line, column;
	const char *tck; /* expected TCK code, NULL to skip the check */
	const char *msg; /* substring of the message */
} err_cases[] = {
	{"MATCH (n RETURN n", SYN, 1, 10, "UnexpectedSyntax", "expected ')' but found 'RETURN'"},
	{"MATCH (n) RETRUN n", SYN, 1, 11, "UnexpectedSyntax", "expected a clause"},
	{"RETURN", SYN, 1, 7, "UnexpectedSyntax", "expected an expression but found end of input"},
	{"", SYN, 1, 1, "UnexpectedSyntax", "found end of input"},
	{"  // only a comment\n", SYN, 2, 1, NULL, "expected a clause"},
	{"RETURN 9223372036854775808", SYN, 1, 8, "IntegerOverflow", "out of range"},
	{"RETURN -9223372036854775809", SYN, 1, 8, "IntegerOverflow", "-9223372036854775809"},
	{"RETURN 0x8000000000000000", SYN, 1, 8, "IntegerOverflow", NULL},
	{"RETURN -0x8000000000000001", SYN, 1, 8, "IntegerOverflow", NULL},
	{"RETURN 0o1000000000000000000000", SYN, 1, 8, "IntegerOverflow", NULL},
	{"RETURN 123456789012345678901234567890", SYN, 1, 8, "IntegerOverflow", NULL},
	{"RETURN 0x", SYN, 1, 8, "InvalidNumberLiteral", "'0x'"},
	{"RETURN 9223372h54775808", SYN, 1, 8, "InvalidNumberLiteral", NULL},
	{"RETURN 0x1A2b3j4D5E6f7", SYN, 1, 8, "InvalidNumberLiteral", NULL},
	{"RETURN 0o8", SYN, 1, 8, "InvalidNumberLiteral", NULL},
	{"RETURN 0123", SYN, 1, 8, "InvalidNumberLiteral", NULL},
	{"RETURN 1.5x", SYN, 1, 8, "InvalidNumberLiteral", NULL},
	{"RETURN {1B2c3e67: 1}", SYN, 1, 9, "UnexpectedSyntax", "expected a property key"},
	{"RETURN 1.34E999", SYN, 1, 8, "FloatingPointOverflow", NULL},
	{"RETURN -1.34E999", SYN, 1, 8, "FloatingPointOverflow", NULL},
	{"RETURN '\\uH'", SYN, 1, 9, "InvalidUnicodeLiteral", "'\\uH'"},
	{"RETURN '\\uD800'", SYN, 1, 9, "InvalidUnicodeLiteral", "not a Unicode scalar value"},
	{"RETURN '\\U00110000'", SYN, 1, 9, "InvalidUnicodeLiteral", NULL},
	{"RETURN 'ab\\q'", SYN, 1, 11, "UnexpectedSyntax", "invalid escape sequence '\\q'"},
	{"RETURN 'abc", SYN, 1, 8, "UnexpectedSyntax", "unterminated string"},
	{"RETURN \"abc\\\"", SYN, 1, 8, "UnexpectedSyntax", "unterminated string"},
	{"RETURN 42 \xe2\x80\x94 41", SYN, 1, 11, "InvalidUnicodeCharacter", "U+2014"},
	{"RETURN 'caf\xc3\xa9' + \xc2\xa7", SYN, 1, 17, "InvalidUnicodeCharacter", "U+00A7"},
	{"RETURN '\xff'", SYN, 1, 9, "InvalidUnicodeCharacter", "UTF-8"},
	{"RETURN 9223372#54775808", SYN, 1, 15, "UnexpectedSyntax", "unexpected character '#'"},
	{"RETURN a != b", SYN, 1, 10, "UnexpectedSyntax", "write '<>'"},
	{"MATCH (n)\nWHERE n.x >\nRETURN n", SYN, 3, 1, "UnexpectedSyntax", "expected an expression but found 'RETURN'"},
	{"RETURN 'x',\n\t  y z", SYN, 2, 6, "UnexpectedSyntax", "found 'z'"},
	{"RETURN {1: 2}", SYN, 1, 9, "UnexpectedSyntax", "expected a property key but found '1'"},
	{"RETURN {a: 1 b: 2}", SYN, 1, 14, "UnexpectedSyntax", "expected ',' or '}' but found 'b'"},
	{"RETURN {k1.k: 1}", SYN, 1, 11, "UnexpectedSyntax", "expected ':'"},
	{"RETURN {, }", SYN, 1, 9, "UnexpectedSyntax", NULL},
	{"RETURN {[]} AS literal", SYN, 1, 9, "UnexpectedSyntax", NULL},
	{"RETURN [1, 2", SYN, 1, 13, "UnexpectedSyntax", "expected ',' or ']' but found end of input"},
	{"RETURN [, ]", SYN, 1, 9, "UnexpectedSyntax", "expected an expression but found ','"},
	{"RETURN [[[]] AS literal", SYN, 1, 14, "UnexpectedSyntax", NULL},
	{"RETURN [[','[]',']] AS literal", SYN, 1, 14, "UnexpectedSyntax", NULL},
	{"MATCH (match) RETURN 1", SYN, 1, 8, "UnexpectedSyntax", "reserved word"},
	{"UNWIND [1] AS return RETURN 1", SYN, 1, 15, "UnexpectedSyntax", "reserved word"},
	{"FOREACH (x IN [1] | CREATE (n))", NSUP, 1, 1, "", "not supported: FOREACH"},
	{"LOAD CSV FROM 'f' AS row RETURN row", NSUP, 1, 1, "", "not supported: LOAD CSV"},
	{"CALL { MATCH (n) RETURN n } RETURN 1", NSUP, 1, 1, "", "CALL { } subqueries"},
	{"USE db MATCH (n) RETURN n", NSUP, 1, 1, "", "USE"},
	{"MATCH (n) WHERE EXISTS { MATCH (n)-->(m) SET m.x = 1 } RETURN n", SYN, 1, 42, "InvalidClauseComposition",
	 "only reads"},
	{"MATCH (n) WHERE EXISTS { (n)-->() RETURN n", SYN, 1, 35, "UnexpectedSyntax", "expected '}'"},
	{"MATCH (n) RETURN COUNT { (n)-->() }", NSUP, 1, 18, "", "COUNT { } subqueries"},
	{"MATCH ((a)-->(b)){1,3} RETURN a", NSUP, 1, 7, "", "quantified path patterns"},
	{"MATCH (a)-->+(b) RETURN a", NSUP, 1, 10, "", "quantified path patterns"},
	{"MATCH (a)-[:R]->{2}(b) RETURN a", NSUP, 1, 10, "", "quantified path patterns"},
	{"MATCH (n:A|B) RETURN n", NSUP, 1, 11, "", "label expressions"},
	{"MATCH (n:A&B) RETURN n", NSUP, 1, 11, "", "label expressions"},
	{"MATCH (n:!A) RETURN n", NSUP, 1, 9, "", "label expressions"},
	{"MATCH (n IS A) RETURN n", NSUP, 1, 10, "", "IS label expressions"},
	{"MATCH (n WHERE n.x > 1) RETURN n", NSUP, 1, 10, "", "WHERE inside a node pattern"},
	{"MATCH (a)-[r WHERE r.x]->(b) RETURN a", NSUP, 1, 14, "", "WHERE inside a relationship pattern"},
	{"MATCH SHORTEST 1 (a)-->(b) RETURN a", NSUP, 1, 7, "", "GQL path selectors"},
	{"MATCH ANY SHORTEST (a)-->(b) RETURN a", NSUP, 1, 7, "", "GQL path selectors"},
	{"CREATE INDEX ON :Trader(tin)", NSUP, 1, 14, "", "old index syntax"},
	{"CREATE TEXT INDEX FOR (n:A) ON (n.k)", NSUP, 1, 8, "", "TEXT indexes"},
	{"CREATE INDEX FOR ()-[r:T]-() ON (r.k)", NSUP, 1, 18, "", "relationship indexes"},
	{"CREATE DATABASE foo", NSUP, 1, 1, "", "CREATE DATABASE"},
	{"SHOW DATABASES", NSUP, 1, 1, "", "SHOW DATABASES"},
	{"DROP DATABASE foo", NSUP, 1, 1, "", "DROP DATABASE"},
	{"SHOW INDEXES YIELD name", NSUP, 1, 14, "", "YIELD or WHERE after SHOW"},
	{"CREATE CONSTRAINT FOR (n:A) REQUIRE n.k IS NOT NULL", NSUP, 1, 41, "", "IS UNIQUE"},
	{"CREATE CONSTRAINT ON (n:A) ASSERT n.k IS UNIQUE", NSUP, 1, 19, "", "old constraint syntax"},
	{"RETURN filter(x IN l WHERE x)", NSUP, 1, 8, "", "filter()"},
	{"RETURN extract(x IN l | x)", NSUP, 1, 8, "", "extract()"},
	{"RETURN shortestPath((a)-->(b))", NSUP, 1, 8, "", "outside MATCH"},
	{"MATCH (n) USING INDEX n:A(k) RETURN n", NSUP, 1, 11, "", "USING hints"},
	{"RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a", SYN, 1, 35, "InvalidClauseComposition", "cannot be mixed"},
	{"RETURN 1 AS a UNION ALL RETURN 2 AS a UNION RETURN 3 AS a", SYN, 1, 39, "InvalidClauseComposition", NULL},
	{"RETURN 1 MATCH (n) RETURN n", SYN, 1, 10, "UnexpectedSyntax", "after RETURN"},
	{"MATCH (n) RETURN n; MATCH (m) RETURN m", SYN, 1, 21, "UnexpectedSyntax", "one statement at a time"},
	{"MATCH (n) RETURN n UNION", SYN, 1, 25, "UnexpectedSyntax", "expected a clause"},
	{"EXPLAIN CREATE INDEX FOR (n:A) ON (n.k)", SYN, 1, 1, "UnexpectedSyntax", "EXPLAIN applies to queries"},
	{"AS OF 1 SHOW INDEXES", SYN, 1, 1, "UnexpectedSyntax", "AS OF applies to queries"},
	{"AS 1 MATCH (n) RETURN n", SYN, 1, 4, "UnexpectedSyntax", "expected OF"},
	{"EXPLAIN PROFILE MATCH (n) RETURN n", SYN, 1, 9, "UnexpectedSyntax", "found 'PROFILE'"},
	{"MATCH (n) CREATE INDEX FOR (n:A) ON (n.k)", SYN, 1, 11, "InvalidClauseComposition", "statement of its own"},
	{"MATCH (n) RETURN (n)-->()", SYN, 1, 18, "UnexpectedSyntax", "a pattern can only be a predicate"},
	{"MATCH (n) WITH (n)-[]->() AS x RETURN x", SYN, 1, 16, "UnexpectedSyntax", "predicate"},
	{"MATCH (a), (b), (c) RETURN size(()--(a))", SYN, 1, 33, "UnexpectedSyntax", "predicate"},
	{"MATCH (n) SET n.prop = head(nodes(head((n)-[:REL]->()))).foo", SYN, 1, 40, "UnexpectedSyntax", "predicate"},
	{"CALL p() YIELD * RETURN x", SYN, 1, 1, "UnexpectedSyntax", "YIELD *"},
	{"MATCH (a)-[:T*-2]->(b) RETURN a", SYN, 1, 15, "InvalidRelationshipPattern", NULL},
	{"MATCH (a)-[:T..]->(b) RETURN a", SYN, 1, 14, "InvalidRelationshipPattern", NULL},
	{"MATCH (a)-[:T*1..2..3]->(b) RETURN a", SYN, 1, 19, "InvalidRelationshipPattern", NULL},
	{"MATCH (a)-[*1.5]->(b) RETURN a", SYN, 1, 13, "InvalidRelationshipPattern", NULL},
	{"MATCH (a)-[*99999999999999999999]->(b) RETURN a", SYN, 1, 13, "IntegerOverflow", NULL},
	{"MATCH (a)-[r:A:B]->(b) RETURN r", SYN, 1, 15, "UnexpectedSyntax", "one type"},
	{"MATCH (a)-[r->(b) RETURN a", SYN, 1, 13, "UnexpectedSyntax", "expected ']' but found '-'"},
	{"MATCH (a)-[r]>(b) RETURN a", SYN, 1, 14, "UnexpectedSyntax", "expected '-' but found '>'"},
	{"MATCH (a)-[r]-(b RETURN a", SYN, 1, 18, "UnexpectedSyntax", "expected ')'"},
	{"MATCH (n) MERGE (a), (b)", SYN, 1, 20, "UnexpectedSyntax", "found ','"},
	{"RETURN /* unterminated", SYN, 1, 8, "UnexpectedSyntax", "unterminated comment"},
	{"RETURN $", SYN, 1, 8, "UnexpectedSyntax", "parameter name"},
	{"RETURN `abc", SYN, 1, 8, "UnexpectedSyntax", "unterminated quoted name"},
	{"MATCH (n) SET n", SYN, 1, 16, "UnexpectedSyntax", "'=', '+=' or ':'"},
	{"MATCH (n) SET 1 = 2", SYN, 1, 15, "UnexpectedSyntax", "to SET"},
	{"MATCH (n) REMOVE n", SYN, 1, 19, "UnexpectedSyntax", "after the variable"},
	{"MATCH (n) REMOVE n.x = 1", SYN, 1, 22, "UnexpectedSyntax", "expected a clause"},
	{"WITH 1 AS x ORDER x RETURN x", SYN, 1, 19, "UnexpectedSyntax", "expected BY but found 'x'"},
	{"RETURN CASE WHEN 1 THEN 2", SYN, 1, 26, "UnexpectedSyntax", "expected END"},
	{"RETURN CASE x END", SYN, 1, 15, "UnexpectedSyntax", "expected WHEN"},
	{"RETURN a.", SYN, 1, 10, "UnexpectedSyntax", "property key after '.'"},
	{"RETURN a IS 1", SYN, 1, 13, "UnexpectedSyntax", "NULL or NOT NULL"},
	{"RETURN 1 AS", SYN, 1, 12, "UnexpectedSyntax", "expected a variable name"},
	{"UNWIND [1] x RETURN x", SYN, 1, 12, "UnexpectedSyntax", "expected AS"},
	{"MATCH (n) WHERE RETURN n", SYN, 1, 17, "UnexpectedSyntax", "found 'RETURN'"},
	{"RETURN count(*", SYN, 1, 15, "UnexpectedSyntax", "expected ')'"},
	{"RETURN f(1 2)", SYN, 1, 12, "UnexpectedSyntax", "expected ',' or ')'"},
	{"RETURN all(x IN [1] WHERE)", SYN, 1, 26, "UnexpectedSyntax", "found ')'"},
	{"MERGE (n) ON DELETE SET n.x = 1", SYN, 1, 14, "UnexpectedSyntax", "CREATE or MATCH after ON"},
	{"RETURN 1 STARTS 'a'", SYN, 1, 17, "UnexpectedSyntax", "expected WITH but found the string 'a'"},
	{"OPTIONAL (n) RETURN n", SYN, 1, 10, "UnexpectedSyntax", "expected MATCH"},
	{"DETACH n", SYN, 1, 8, "UnexpectedSyntax", "expected DELETE"},
	{"MATCH (n) RETURN n ORDER BY n.x ASC DESC", SYN, 1, 37, "UnexpectedSyntax", NULL},
	{"RETURN 1 +", SYN, 1, 11, "UnexpectedSyntax", "found end of input"},
	{"MATCH (n)-[*]->(m) RETURN n\n  UNION ALL\n  RETURN 1 +", SYN, 3, 13, "UnexpectedSyntax", NULL},
};

Test(parser, errors)
{
	size_t n = sizeof err_cases / sizeof *err_cases;
	for (size_t i = 0; i < n; i++) {
		dn_parse_error err;
		int rc;
		char *got = dump_of(err_cases[i].q, 0, &err, &rc);
		if (got) {
			cr_expect_fail("case %zu: %s parsed as %s", i, err_cases[i].q, got);
			free(got);
			continue;
		}
		const char *q = err_cases[i].q;
		cr_expect_eq(rc, err_cases[i].code, "%s: code %d, want %d (%s)", q, rc,
		             err_cases[i].code, err.message);
		cr_expect_eq(err.code, rc, "%s", q);
		cr_expect_eq(err.line, err_cases[i].line, "%s: line %d, want %d (%s)", q, err.line,
		             err_cases[i].line, err.message);
		cr_expect_eq(err.column, err_cases[i].column, "%s: column %d, want %d (%s)", q,
		             err.column, err_cases[i].column, err.message);
		if (err_cases[i].tck)
			cr_expect_str_eq(err.tck_code, err_cases[i].tck, "%s: %s", q, err.message);
		if (err_cases[i].msg)
			cr_expect(strstr(err.message, err_cases[i].msg) != NULL,
			          "%s: message \"%s\" lacks \"%s\"", q, err.message, err_cases[i].msg);
		cr_expect(err.offset <= strlen(q), "%s", q);
	}
	cr_log_info("parser errors: %zu cases", n);
}

/* Errors from later stages keep the first one (dn_parse_error_set). */
Test(parser, first_error_wins)
{
	dn_parse_error err;
	memset(&err, 0, sizeof err);
	const char *t = "MATCH (n)\nRETURN m";
	int rc = dn_parse_error_set(&err, t, strlen(t), DN_ESEMANTIC, 17, 1, "UndefinedVariable",
	                            "variable `%s` not defined", "m");
	cr_assert_eq(rc, DN_ESEMANTIC);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(err.column, 8);
	rc = dn_parse_error_set(&err, t, strlen(t), DN_ESYNTAX, 0, 1, NULL, "later");
	cr_assert_eq(rc, DN_ESEMANTIC);
	cr_assert_str_eq(err.message, "variable `m` not defined");
	cr_assert_str_eq(err.tck_code, "UndefinedVariable");
}

/* Nesting and operator chains are bounded, so that no input exhausts the
 * stack here or in the stages that walk the tree. */
Test(parser, depth_limits)
{
	size_t n = 5000;
	char *q = malloc(8 + 2 * n + 1);
	strcpy(q, "RETURN ");
	for (size_t i = 0; i < n; i++)
		strcat(q, "[");
	for (size_t i = 0; i < n; i++)
		strcat(q, "]");
	dn_parse_error err;
	int rc;
	char *got = dump_of(q, 0, &err, &rc);
	cr_assert_null(got);
	cr_assert_eq(rc, DN_ELIMIT, "%d %s", rc, err.message);
	free(q);

	/* 40 levels of lists and maps (the TCK's deepest) are fine. */
	char deep[256] = "RETURN ";
	for (int i = 0; i < 40; i++)
		strcat(deep, "[");
	for (int i = 0; i < 40; i++)
		strcat(deep, "]");
	got = dump_of(deep, 0, &err, &rc);
	cr_assert_not_null(got, "%s", err.message);
	free(got);

	/* A long flat chain: fine up to the tree limit, then DN_ELIMIT. */
	size_t terms = 500;
	q = malloc(16 + terms * 8);
	strcpy(q, "RETURN 1");
	for (size_t i = 0; i < terms; i++)
		strcat(q, " OR x");
	got = dump_of(q, 0, &err, &rc);
	cr_assert_not_null(got, "%s", err.message);
	free(got);
	free(q);
	terms = 5000;
	q = malloc(16 + terms * 8);
	strcpy(q, "RETURN 1");
	for (size_t i = 0; i < terms; i++)
		strcat(q, " + x");
	got = dump_of(q, 0, &err, &rc);
	cr_assert_null(got);
	cr_assert_eq(rc, DN_ELIMIT);
	free(q);
	q = malloc(16 + terms * 4);
	strcpy(q, "RETURN x");
	for (size_t i = 0; i < terms; i++)
		strcat(q, ".a");
	got = dump_of(q, 0, &err, &rc);
	cr_assert_null(got);
	cr_assert_eq(rc, DN_ELIMIT);
	free(q);
}

/* ------------------------------------------------------------------ */
/* Spans                                                               */
/* ------------------------------------------------------------------ */

Test(parser, spans)
{
	char *got = dump_of("MATCH (n:L)-[r]->(m) RETURN n.x AS y", DN_AST_DUMP_SPANS, NULL, NULL);
	cr_assert_str_eq(got,
	                 "(query@0:36 (match@0:20 (pattern@6:14 (path@6:14 (node@6:5 n@7:1 "
	                 "(labels L@9:1)) (rel@11:6 -> r@13:1) (node@17:3 m@18:1)))) "
	                 "(return@21:15 (as@28:8 (.@28:3 n@28:1 x@30:1) y@35:1)))");
	free(got);
	got = dump_of("RETURN -1, (2), a < b < c", DN_AST_DUMP_SPANS, NULL, NULL);
	cr_assert_str_eq(got, "(query@0:25 (return@0:25 -1@7:2 2@11:3 (and@16:9 (<@16:5 a@16:1 "
	                      "b@20:1) (<@20:5 b@20:1 c@24:1))))");
	free(got);
}

/* The text of an unaliased item's expression is its column name. */
Test(parser, column_names_from_spans)
{
	const char *q = "RETURN count( * ), (a+b), n.name, `x`, 'lit' AS l";
	const char *want[] = {"count( * )", "(a+b)", "n.name", "`x`", "'lit'"};
	dn_parse_result *res = parse_ok(q);
	dn_ast *ret = res->root->u.stmt.body->u.query.clauses.item[0];
	cr_assert_eq(ret->u.proj.items.n, 5);
	for (int i = 0; i < 5; i++) {
		dn_ast *e = ret->u.proj.items.item[i]->u.item.expr;
		cr_expect_eq(strlen(want[i]), e->len, "%s", want[i]);
		cr_expect(!strncmp(res->text + e->off, want[i], e->len), "%s", want[i]);
	}
	dn_parse_free(res);
}

static int count_kind(dn_ast *n, dn_ast *parent, void *ctx)
{
	(void)parent;
	int *c = ctx;
	if (n->kind == DN_AST_VAR)
		(*c)++;
	return 0;
}

Test(parser, walk)
{
	dn_parse_result *res = parse_ok("MATCH (a)-[r]->(b) WHERE a.x = b.x RETURN a, [x IN b.l | x]");
	int vars = 0;
	cr_assert_eq(dn_ast_walk(res->root, count_kind, &vars), 0);
	/* a r b (pattern), a b (where), a (return), x b x (comprehension) */
	cr_assert_eq(vars, 9);
	dn_parse_free(res);
}

/* ------------------------------------------------------------------ */
/* Caret rendering                                                     */
/* ------------------------------------------------------------------ */

Test(parser, caret)
{
	char buf[512];
	size_t n = dn_error_format_caret("MATCH (n) RETRUN n", 10, 6, buf, sizeof buf);
	cr_assert_str_eq(buf, "MATCH (n) RETRUN n\n          ^^^^^^\n");
	cr_assert_eq(n, strlen(buf));

	dn_error_format_caret("MATCH (n)\nWHERE n.x >\nRETURN n", 22, 6, buf, sizeof buf);
	cr_assert_str_eq(buf, "RETURN n\n^^^^^^\n");

	dn_error_format_caret("\tRETURN x y", 10, 1, buf, sizeof buf);
	cr_assert_str_eq(buf, "\tRETURN x y\n\t         ^\n");

	dn_error_format_caret("RETURN", 6, 0, buf, sizeof buf);
	cr_assert_str_eq(buf, "RETURN\n      ^\n");

	/* Columns count characters, not bytes. */
	dn_error_format_caret("RETURN 'caf\xc3\xa9' x", 14, 1, buf, sizeof buf);
	cr_assert_str_eq(buf, "RETURN 'caf\xc3\xa9' x\n             ^\n");

	/* A span past the end of its line stops there. */
	dn_error_format_caret("RETURN 'a\nb'", 7, 5, buf, sizeof buf);
	cr_assert_str_eq(buf, "RETURN 'a\n       ^^\n");

	/* Truncation behaves like snprintf. */
	char small[8];
	n = dn_error_format_caret("MATCH (n) RETRUN n", 10, 6, small, sizeof small);
	cr_assert_eq(n, strlen("MATCH (n) RETRUN n\n          ^^^^^^\n"));
	cr_assert_str_eq(small, "MATCH (");

	/* A long line is shown as a window around the span. */
	char line[400];
	memset(line, 'a', 300);
	memcpy(line + 250, "BAD", 3);
	line[300] = '\0';
	n = dn_error_format_caret(line, 250, 3, buf, sizeof buf);
	cr_assert_lt(n, 250);
	char *nl = strchr(buf, '\n');
	cr_assert_not_null(nl);
	char *bad = strstr(buf, "BAD");
	cr_assert_not_null(bad);
	cr_assert(!strncmp(buf, "...", 3));
	cr_assert_eq(nl[1 + (bad - buf)], '^');
	cr_assert_eq(nl[1 + (bad - buf) + 2], '^');
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

Test(lexer, keyword_table_sorted)
{
	for (int k = 1; k + 1 < DN_KW_COUNT_; k++)
		cr_assert_lt(strcmp(dn_lex_keyword_name(k), dn_lex_keyword_name(k + 1)), 0, "%s %s",
		             dn_lex_keyword_name(k), dn_lex_keyword_name(k + 1));
	cr_assert(dn_lex_keyword_reserved(DN_KW_MATCH));
	cr_assert(!dn_lex_keyword_reserved(DN_KW_COUNT));
}

static void lex_kinds(const char *q, const int *want, size_t n)
{
	dn_arena a = {0};
	dn_lexer lx;
	dn_lex_init(&lx, q, strlen(q), &a);
	for (size_t i = 0; i < n; i++) {
		dn_token t;
		cr_assert_eq(dn_lex_next(&lx, &t), 0);
		cr_assert_eq(t.kind, want[i], "%s: token %zu is %s, want %s", q, i,
		             dn_lex_kind_name(t.kind), dn_lex_kind_name(want[i]));
	}
	dn_arena_free(&a);
}

Test(lexer, tokens)
{
	static const int k1[] = {DN_TOK_LPAREN, DN_TOK_IDENT, DN_TOK_RPAREN, DN_TOK_LT, DN_TOK_MINUS,
	                         DN_TOK_LBRACKET, DN_TOK_COLON, DN_TOK_IDENT, DN_TOK_STAR, DN_TOK_INT,
	                         DN_TOK_DOTDOT, DN_TOK_INT, DN_TOK_RBRACKET, DN_TOK_MINUS,
	                         DN_TOK_LPAREN, DN_TOK_RPAREN, DN_TOK_EOF};
	lex_kinds("(a)<-[:R*1..2]-()", k1, sizeof k1 / sizeof *k1);
	static const int k2[] = {DN_TOK_NE, DN_TOK_LE, DN_TOK_GE, DN_TOK_REGEX, DN_TOK_PLUSEQ,
	                         DN_TOK_BANGEQ, DN_TOK_PARAM, DN_TOK_PARAM, DN_TOK_FLOAT,
	                         DN_TOK_FLOAT, DN_TOK_BADNUM, DN_TOK_STRING, DN_TOK_EOF};
	lex_kinds("<> <= >= =~ += != $p $`q r` .5 1e3 1e 'x'", k2, sizeof k2 / sizeof *k2);
	static const int k3[] = {DN_TOK_INT, DN_TOK_DOT, DN_TOK_IDENT, DN_TOK_ERROR};
	lex_kinds("1 /* c */ . // x\n e5 ?", k3, sizeof k3 / sizeof *k3);
}

Test(lexer, values)
{
	dn_arena a = {0};
	dn_lexer lx;
	dn_token t;
	const char *q = "0x7fffffffffffffff 0o777 18446744073709551616 `a``b` 'x\\u00e9\\t' MaTcH";
	dn_lex_init(&lx, q, strlen(q), &a);
	dn_lex_next(&lx, &t);
	cr_assert_eq(t.v.u, (uint64_t)INT64_MAX);
	dn_lex_next(&lx, &t);
	cr_assert_eq(t.v.u, 511);
	dn_lex_next(&lx, &t);
	cr_assert(t.flags & DN_TOKF_OVERFLOW);
	dn_lex_next(&lx, &t);
	cr_assert_eq(t.kind, DN_TOK_IDENT);
	cr_assert(t.flags & DN_TOKF_QUOTED);
	cr_assert_eq(t.kw, 0);
	cr_assert_str_eq(t.v.str.s, "a`b");
	dn_lex_next(&lx, &t);
	cr_assert_str_eq(t.v.str.s, "x\xc3\xa9\t");
	cr_assert_eq(t.v.str.n, 4);
	dn_lex_next(&lx, &t);
	cr_assert_eq(t.kw, DN_KW_MATCH);
	dn_arena_free(&a);

	/* A NUL byte inside a string is data. */
	dn_parse_result *res = NULL;
	cr_assert_eq(dn_parse("RETURN 'a\0b'", 12, &res, NULL), 0);
	dn_ast *s = res->root->u.stmt.body->u.query.clauses.item[0]->u.proj.items.item[0]->u.item.expr;
	cr_assert_eq(s->kind, DN_AST_STRING);
	cr_assert_eq(s->u.name.len, 3);
	cr_assert_eq(memcmp(s->u.name.s, "a\0b", 3), 0);
	dn_parse_free(res);
}

Test(lexer, split)
{
	size_t n;
	const char *s = "RETURN ';'; MATCH (n) RETURN n";
	cr_assert_eq(dn_lex_split(s, strlen(s), &n), 0);
	cr_assert_eq(n, 11);
	s = "RETURN 1 // ;\n /* ; */ `;`; x";
	cr_assert_eq(dn_lex_split(s, strlen(s), &n), 0);
	cr_assert_eq(n, 27);
	s = "RETURN 1";
	cr_assert_eq(dn_lex_split(s, strlen(s), &n), 0);
	cr_assert_eq(n, strlen(s));
}

Test(lexer, plain_names)
{
	cr_assert(dn_lex_is_plain_name("abc_1", 5, false));
	cr_assert(!dn_lex_is_plain_name("1abc", 4, false));
	cr_assert(!dn_lex_is_plain_name("a b", 3, false));
	cr_assert(!dn_lex_is_plain_name("match", 5, false));
	cr_assert(dn_lex_is_plain_name("match", 5, true));
	cr_assert(dn_lex_is_plain_name("count", 5, false));
	cr_assert(dn_lex_is_plain_name("stra\xc3\x9f" "e", 7, false));
	cr_assert(!dn_lex_is_plain_name("", 0, true));
}

/* ------------------------------------------------------------------ */
/* Allocation failure                                                  */
/* ------------------------------------------------------------------ */

Test(parser, allocation_failure)
{
	const char *q = "MATCH (a:A {k: [1, 2, {x: 'y'}]})-[r:R*1..3]->(b) "
	                "WHERE all(x IN a.l WHERE x > 1) AND (a)-->(b) "
	                "WITH a, collect(DISTINCT b) AS bs ORDER BY a.k "
	                "RETURN a{.*, n: size(bs)}, [x IN bs | x.name], CASE WHEN a.x THEN 1 END";
	char *want = dump_of(q, 0, NULL, NULL);
	cr_assert_not_null(want);
	int failures = 0;
	for (long n = 0;; n++) {
		dn_fault_alloc_after(n);
		dn_parse_result *res = NULL;
		dn_parse_error err;
		int rc = dn_parse(q, strlen(q), &res, &err);
		dn_fault_alloc_after(-1);
		if (rc == 0) {
			dn_buf b = {0};
			cr_assert_eq(dn_ast_dump(res->root, &b, 0), 0);
			cr_assert_str_eq((const char *)b.p, want);
			dn_buf_free(&b);
			dn_parse_free(res);
			break;
		}
		cr_assert_eq(rc, DN_ENOMEM, "after %ld allocations: %d %s", n, rc, err.message);
		cr_assert_eq(err.code, DN_ENOMEM);
		cr_assert_null(res);
		failures++;
		cr_assert_lt(n, 10000);
	}
	cr_assert_gt(failures, 0);
	free(want);
}

/* ------------------------------------------------------------------ */
/* The openCypher TCK                                                  */
/* ------------------------------------------------------------------ */

#define TCK_MAX_CODES 64

typedef struct tck_stats {
	int files, queries;
	int ok_total, ok_parsed, ok_notsup, ok_failed;
	int syn_total, syn_rejected, syn_same_code, syn_notsup;
	int ncodes;
	struct {
		char code[48];
		int total, rejected;
	} codes[TCK_MAX_CODES];
} tck_stats;

typedef struct span_check {
	const dn_parse_result *res;
	int bad;
} span_check;

static int tck_check_span(dn_ast *n, dn_ast *parent, void *ctx)
{
	span_check *c = ctx;
	if ((size_t)n->off + n->len > c->res->len || n->off < parent->off ||
	    n->off + n->len > parent->off + parent->len) {
		c->bad++;
		return 1;
	}
	return 0;
}

/* One TCK query: the main query of a scenario (setup queries are not the
 * parser's business here). */
static void tck_run_one(void *ctx, const tck_query *tq)
{
	tck_stats *st = ctx;
	if (tq->setup)
		return;
	const char *file = tq->file, *q = tq->text;
	int line = tq->line;
	bool syn = tq->err_kind && !strcmp(tq->err_kind, "SyntaxError") && tq->err_phase &&
	           !strcmp(tq->err_phase, "compile time");
	dn_parse_result *res = NULL;
	dn_parse_error err;
	int rc = dn_parse(q, strlen(q), &res, &err);
	st->queries++;
	if (res) {
		span_check sc = {res, 0};
		dn_ast_walk(res->root, tck_check_span, &sc);
		cr_expect_eq(sc.bad, 0, "%s:%d: a span lies outside its parent's in\n%s", file, line, q);
		dn_parse_free(res);
	}
	if (!syn) {
		st->ok_total++;
		if (rc == 0)
			st->ok_parsed++;
		else if (rc == DN_ENOTSUP)
			st->ok_notsup++;
		else {
			st->ok_failed++;
			cr_expect_fail("%s:%d: %d:%d %s\n%s", file, line, err.line, err.column,
			               err.message, q);
		}
		return;
	}
	const char *code = tq->err_code ? tq->err_code : "";
	int ci;
	for (ci = 0; ci < st->ncodes && strcmp(st->codes[ci].code, code); ci++)
		;
	if (ci == st->ncodes && ci < TCK_MAX_CODES) {
		snprintf(st->codes[ci].code, sizeof st->codes[ci].code, "%s", code);
		st->ncodes++;
	}
	st->syn_total++;
	if (ci < TCK_MAX_CODES)
		st->codes[ci].total++;
	if (rc == DN_ESYNTAX) {
		st->syn_rejected++;
		if (ci < TCK_MAX_CODES)
			st->codes[ci].rejected++;
		if (!strcmp(err.tck_code, code))
			st->syn_same_code++;
	} else if (rc == DN_ENOTSUP) {
		st->syn_notsup++;
	}
}

Test(parser, tck, .timeout = 300)
{
	char dir[PATH_MAX];
	if (!tck_queries_find(dir, sizeof dir))
		cr_skip_test("TCK not found (set DN_TCK_DIR)");
	static tck_stats st;
	memset(&st, 0, sizeof st);
	st.files = tck_queries_each(dir, tck_run_one, &st);
	cr_assert_gt(st.files, 100, "only %d feature files under %s", st.files, dir);
	printf("TCK %s: %d feature files, %d queries\n", dir, st.files, st.queries);
	printf("TCK queries expected to run: %d: %d parsed, %d refused as not supported, "
	       "%d failed\n", st.ok_total, st.ok_parsed, st.ok_notsup, st.ok_failed);
	printf("TCK queries expected to fail with a SyntaxError at compile time: %d: %d rejected "
	       "by the parser (%d with the TCK's code), %d refused as not supported, %d left to "
	       "the resolver\n", st.syn_total, st.syn_rejected, st.syn_same_code, st.syn_notsup,
	       st.syn_total - st.syn_rejected - st.syn_notsup);
	for (int i = 0; i < st.ncodes; i++)
		printf("  %-34s %3d of %3d rejected\n", st.codes[i].code, st.codes[i].rejected,
		       st.codes[i].total);
	fflush(stdout);
	cr_assert_eq(st.ok_failed, 0);
	cr_assert_gt(st.ok_parsed, 3000);
}
