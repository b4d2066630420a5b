/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_resolve.c — unit suite for the third stage of the query pipeline,
 * query/resolve.c: a table of queries that must fail with a semantic error
 * (TCK code, line, column), a table of valid queries that must resolve,
 * the slots and kinds written into the tree, the error through
 * dn_stmt_prepare, allocation failure, and a property test over the
 * openCypher TCK (../shared/data/tck from the project root, or
 * $DN_TCK_DIR): no query a scenario runs (setup or main) without expecting
 * a compile-time error may be rejected by the resolver.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "parser.h"
#include "resolve.h"
#include "tck_queries.h"
#include "testutil.h"

/* Parses q (which must parse) and resolves it; returns the resolver's
 * code with *err filled, and the parse in *out when out is not NULL. */
static int resolve_q(const char *q, dn_parse_error *err, dn_parse_result **out,
                     dn_resolve_info *info)
{
	dn_parse_result *res = NULL;
	memset(err, 0, sizeof *err);
	int rc = dn_parse(q, strlen(q), &res, err);
	cr_assert_eq(rc, 0, "%s: parse failed: %s", q, err->message);
	rc = dn_resolve(res, info, err);
	if (out)
		*out = res;
	else
		dn_parse_free(res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static const struct {
	const char *q;
	const char *tck;
	int line, column;
} err_cases[] = {
	/* scopes */
	{"MATCH ()\nRETURN foo", "UndefinedVariable", 2, 8},
	{"MATCH (s)\nWHERE s.name = undefinedVariable\n  AND s.age = 10\nRETURN s",
	 "UndefinedVariable", 2, 16},
	{"RETURN {k1: k2} AS literal", "UndefinedVariable", 1, 13},
	{"CREATE (b {name: missing})\nRETURN b", "UndefinedVariable", 1, 18},
	{"MATCH (a)\nDELETE x", "UndefinedVariable", 2, 8},
	{"MERGE (n)\n  ON CREATE SET x.num = 1", "UndefinedVariable", 2, 17},
	{"CALL db.labels()\nRETURN out", "UndefinedVariable", 2, 8},
	{"WITH 1 AS a, 'b' AS b, 3 AS c\nWITH a, b\nWITH a\n  ORDER BY a, c\nRETURN a",
	 "UndefinedVariable", 4, 15},
	{"MATCH (n) WHERE (n)-[r]->(a) RETURN n", "UndefinedVariable", 1, 22},
	{"MATCH (a) RETURN [x IN [1] | y]", "UndefinedVariable", 1, 30},
	{"MATCH (a) WITH a.x AS x RETURN a", "UndefinedVariable", 1, 32},
	{"MATCH (me)--(you)\nRETURN count(you.age) AS agg\nORDER BY me.age + count(you.age)",
	 "UndefinedVariable", 3, 10},
	{"RETURN 1 AS a\nUNION\nRETURN 2 AS b", "DifferentColumnsInUnion", 3, 1},
	{"MATCH ()\nRETURN *", "NoVariablesInScope", 2, 1},
	/* rebinding */
	{"MATCH (a)\nCREATE (a)", "VariableAlreadyBound", 2, 9},
	{"CREATE (n:Foo)-[:T1]->(),\n       (n:Bar)-[:T2]->()", "VariableAlreadyBound", 2, 9},
	{"MATCH ()-[r]->()\nCREATE ()-[r]->()", "VariableAlreadyBound", 2, 12},
	{"MATCH (a)-[r]->(b)\nMERGE (a)-[r]->(b)", "VariableAlreadyBound", 2, 12},
	{"CREATE (a:Foo)\nMERGE (a)-[r:KNOWS]->(a:Bar)", "VariableAlreadyBound", 2, 23},
	{"MATCH p = (p)-[]-()\nRETURN p", "VariableAlreadyBound", 1, 7},
	{"WITH 123 AS p\nMATCH p = ()-[]-()\nRETURN p", "VariableAlreadyBound", 2, 7},
	{"WITH 'Hi' AS label\nCALL db.labels() YIELD label\nRETURN *", "VariableAlreadyBound",
	 2, 24},
	{"CALL db.labels(null) YIELD a, b AS a\nRETURN a", "VariableAlreadyBound", 1, 36},
	{"UNWIND [1] AS x UNWIND [2] AS x RETURN x", "VariableAlreadyBound", 1, 31},
	{"MATCH (a)-[r]->()-[r]->(a)\nRETURN r", "RelationshipUniquenessViolation", 1, 20},
	/* kinds */
	{"MATCH ()-[r]-()\nMATCH (r)\nRETURN r", "VariableTypeConflict", 2, 8},
	{"MATCH (r)-[r]-()\nRETURN r", "VariableTypeConflict", 1, 12},
	{"MATCH r = ()-[]-(), (r)\nRETURN r", "VariableTypeConflict", 1, 22},
	{"WITH true AS n\nMATCH (n)\nRETURN n", "VariableTypeConflict", 2, 8},
	{"WITH [10] AS r\nMATCH ()-[r]-()\nRETURN r", "VariableTypeConflict", 2, 11},
	{"MATCH (n)\nWITH [n] AS users\nMATCH (users)-->(messages)\nRETURN messages",
	 "VariableTypeConflict", 3, 8},
	/* projections */
	{"WITH 1 AS a, 2 AS a\nRETURN a", "ColumnNameConflict", 1, 14},
	{"RETURN 1 AS a, 2 AS a", "ColumnNameConflict", 1, 16},
	{"MATCH (a)\nWITH a, count(*)\nRETURN a", "NoExpressionAlias", 2, 9},
	{"MATCH (n) RETURN n SKIP n.count", "NonConstantExpression", 1, 25},
	{"MATCH (n)\nRETURN n\n  LIMIT -1", "NegativeIntegerArgument", 3, 9},
	{"MATCH (n)\nRETURN n\n  LIMIT 1.7", "InvalidArgumentType", 3, 9},
	{"MATCH (n) RETURN n SKIP 'a'", "InvalidArgumentType", 1, 25},
	/* aggregation */
	{"MATCH (a)\nWHERE count(a) > 10\nRETURN a", "InvalidAggregation", 2, 7},
	{"MATCH (n)\nRETURN [x IN [1, 2, 3] | count(*)]", "InvalidAggregation", 2, 26},
	{"MATCH (n)\nWITH n.num1 AS foo\n  ORDER BY max(n.num2)\nRETURN foo AS foo",
	 "InvalidAggregation", 3, 12},
	{"MATCH (n)\nCALL db.labels(count(n)) YIELD label\nRETURN label",
	 "InvalidAggregation", 2, 16},
	{"MATCH (n) SET n.x = count(*)", "InvalidAggregation", 1, 21},
	{"RETURN count(count(*))", "NestedAggregation", 1, 14},
	{"RETURN count(rand())", "NonConstantExpression", 1, 14},
	{"MATCH (me)--(you)\nRETURN me.age + count(you.age)", "AmbiguousAggregationExpression",
	 2, 8},
	{"MATCH (me)--(you)\nRETURN me.age + you.age, me.age + you.age + count(*)",
	 "AmbiguousAggregationExpression", 2, 26},
	{"MATCH (me)--(you)\nWITH me.age + you.age, count(*) AS cnt\n"
	 "ORDER BY me.age + you.age + count(*)\nRETURN *",
	 "AmbiguousAggregationExpression", 3, 10},
	/* functions */
	{"MATCH (a)\nRETURN foo(a)", "UnknownFunction", 2, 8},
	{"RETURN toUpper('a', 'b')", "InvalidNumberOfArguments", 1, 8},
	{"RETURN count()", "InvalidNumberOfArguments", 1, 8},
	{"RETURN labels()", "InvalidNumberOfArguments", 1, 8},
	{"MATCH (r)\nRETURN type(r)", "InvalidArgumentType", 2, 13},
	{"RETURN properties('Cypher')", "InvalidArgumentType", 1, 19},
	{"MATCH (n)\nRETURN length(n)", "InvalidArgumentType", 2, 15},
	{"MATCH p = (a)-[*]->(b)\nRETURN size(p)", "InvalidArgumentType", 2, 13},
	/* literal types */
	{"RETURN 123 AND true", "InvalidArgumentType", 1, 8},
	{"RETURN NOT []", "InvalidArgumentType", 1, 12},
	{"RETURN 1 IN 'foo'", "InvalidArgumentType", 1, 13},
	{"RETURN none(x IN ['Clara'] WHERE x % 2 = 0) AS result", "InvalidArgumentType", 1, 34},
	{"MATCH (n) WHERE (n) RETURN n", "InvalidArgumentType", 1, 17},
	{"MATCH (n)\nMATCH r = (n)-[*]->()\nWHERE r.name = 'apa'\nRETURN r",
	 "InvalidArgumentType", 3, 7},
	{"WITH 123 AS nonMap\nRETURN nonMap.num", "InvalidArgumentType", 2, 8},
	{"WITH [123, true] AS x\nRETURN x.num", "InvalidArgumentType", 2, 8},
	{"MATCH p = (a)\nRETURN labels(p) AS l", "InvalidArgumentType", 2, 15},
	{"MATCH (p:Person)\nRETURN p.name AS name\nSKIP 1.5", "InvalidArgumentType", 3, 6},
	{"MATCH (a)\nRETURN DISTINCT a.name\n  ORDER BY a.age", "UndefinedVariable", 3, 12},
	{"MATCH (a:A)\nWITH a, a.num + a.num2 AS sum\nWITH a.num2 % 3 AS mod, min(sum) AS min\n"
	 "  ORDER BY sum(sum)\n  LIMIT 2\nRETURN mod, min", "UndefinedVariable", 4, 16},
	{"AS OF 1.5 MATCH (n) RETURN n", "InvalidArgumentType", 1, 7},
	{"AS OF n MATCH (n) RETURN n", "NonConstantExpression", 1, 7},
	/* updating clauses */
	{"MATCH ()\nDELETE 1 + 1", "InvalidArgumentType", 2, 8},
	{"MATCH (n)\nDELETE n:Person", "InvalidDelete", 2, 8},
	{"CREATE ()-->()", "NoSingleRelationshipType", 1, 10},
	{"CREATE ()-[:A|:B]->()", "NoSingleRelationshipType", 1, 10},
	{"MATCH (a), (b)\nMERGE (a)-[NO_COLON]->(b)", "NoSingleRelationshipType", 2, 10},
	{"CREATE (a)-[:FOO]-(b)", "RequiresDirectedRelationship", 1, 11},
	{"CREATE (a)<-[:FOO]->(b)", "RequiresDirectedRelationship", 1, 11},
	{"CREATE ()-[:FOO*2]->()", "CreatingVarLength", 1, 10},
	{"MATCH (n $param)\nRETURN n", "InvalidParameterUse", 1, 10},
	{"MERGE (a)\nMERGE (b)\nMERGE (a)-[r:FOO $param]->(b)\nRETURN r", "InvalidParameterUse",
	 3, 18},
};

Test(resolve, errors)
{
	for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
		const char *q = err_cases[i].q;
		dn_parse_error err;
		int rc = resolve_q(q, &err, NULL, NULL);
		cr_expect_eq(rc, DN_ESEMANTIC, "%s: rc %d", q, rc);
		cr_expect_eq(err.code, DN_ESEMANTIC, "%s", q);
		cr_expect_str_eq(err.tck_code, err_cases[i].tck, "%s: %s", q, err.message);
		cr_expect_eq(err.line, err_cases[i].line, "%s: line %d:%d %s", q, err.line, err.column,
		             err.message);
		cr_expect_eq(err.column, err_cases[i].column, "%s: column %d:%d %s", q, err.line,
		             err.column, err.message);
		cr_expect_gt(strlen(err.message), 0, "%s", q);
	}
}

/* ------------------------------------------------------------------ */
/* Valid queries                                                       */
/* ------------------------------------------------------------------ */

static const char *const ok_cases[] = {
	"RETURN 1",
	"MATCH (a)-[r]->(b) RETURN a, r, b",
	"MATCH (a)-->(b)-->(a) RETURN a",
	"MATCH (a) MATCH (a)-[r]->(b) MATCH ()-[r]->() RETURN r",
	"MATCH (a)-[r*]->(b) RETURN r",
	"MATCH p = (a)-->(b) RETURN nodes(p), relationships(p), length(p)",
	"OPTIONAL MATCH (a) RETURN a",
	"MATCH (a) WITH a, count(*) AS c RETURN a, c",
	"MATCH (a) WITH DISTINCT a.x AS x WHERE a.y = 1 RETURN x",
	"MATCH (a) WITH a.x AS x, collect(a) AS xs WHERE x > 1 RETURN x, size(xs)",
	"MATCH (a) RETURN a.name, count(*) ORDER BY a.name",
	"MATCH (a) RETURN a.name AS n, count(*) AS c ORDER BY c DESC, n SKIP 1 LIMIT 2",
	"MATCH (a) RETURN DISTINCT a.name ORDER BY a.name",
	"MATCH (a) RETURN a ORDER BY a.x",
	"MATCH (a) WITH a ORDER BY a.x LIMIT 1 RETURN a",
	"MATCH (a) RETURN a.x AS x ORDER BY a.y",
	"MATCH (a) RETURN a, count(*) ORDER BY count(*)",
	"MATCH (a)-->(b) WITH a, b, [a] + collect(b) + [b] AS l RETURN l",
	"MATCH (a)<--(c) RETURN a.name, {foo: a.name = 'A', kids: collect(c.name)}",
	"MATCH (a) RETURN a, a.x + count(*)",
	"MATCH (a) RETURN count(*) * 10, sum(a.x) / count(*)",
	"MATCH (a) RETURN size(collect(a))",
	"UNWIND [1, 2] AS x RETURN x",
	"UNWIND [1, 2] AS x WITH x WHERE x > 1 RETURN *",
	"WITH 1 AS a, 'x' AS b RETURN *",
	"RETURN [x IN [1, 2] WHERE x > 1 | x * 2] AS l",
	"RETURN reduce(acc = 0, x IN [1, 2] | acc + x) AS s",
	"RETURN all(x IN [1, 2] WHERE x > 0), any(x IN [] WHERE x), none(x IN [1] WHERE x = 2)",
	"MATCH (a) RETURN [(a)-->(b) | b.name] AS names",
	"MATCH (a) WHERE (a)-->() RETURN a",
	"MATCH (a) WHERE NOT (a)-[:R]->() AND exists(a.x) RETURN a",
	"MATCH (a) RETURN a {.name, .*, k: 1}",
	"CREATE (a:A {x: 1})-[:R {y: 2}]->(b:B) RETURN a, b",
	"CREATE (root), (root)-[:LINK]->(root)",
	"CREATE (root) CREATE (root)-[:LINK]->(root)",
	"CREATE (n $props) RETURN n",
	"MATCH (a), (b) MERGE (a)-[:R]-(b)",
	"MERGE (a:A {x: 1}) ON CREATE SET a.y = 2 ON MATCH SET a += {z: 3} RETURN a",
	"MATCH (a) SET a:B, a.x = 1 REMOVE a:C, a.y",
	"MATCH (a) DETACH DELETE a",
	"MATCH p = ()-->() DELETE p",
	"MATCH (a) WITH collect(a) AS l UNWIND l AS n DELETE n",
	"MATCH (a) RETURN a SKIP $s LIMIT toInteger(ceil(1.7))",
	"MATCH (a) RETURN id(a), labels(a), properties(a), keys(a)",
	"MATCH ()-[r]->() RETURN type(r), startNode(r), endNode(r)",
	"RETURN date.truncate('month', date('2020-01-05')), rand(), timestamp()",
	"RETURN 1 AS a UNION RETURN 2 AS a",
	"RETURN 1 AS a, 2 AS b UNION ALL RETURN 3 AS a, 4 AS b",
	"CALL db.labels() YIELD label RETURN label",
	"CALL db.labels() YIELD label AS l WHERE l <> 'x' RETURN l",
	"CALL db.labels",
	"WITH null AS n MATCH (n) RETURN n",
	"MATCH (n) WITH n.x AS n MATCH (n) RETURN n",
	"AS OF 42 MATCH (n) RETURN n",
	"RETURN 'a' + 'b', [1] + 2, 1 + 2.0, -1, NOT true, 1 IN [1], null AND true",
	"MATCH (n) WITH n RETURN n.x ORDER BY n.x",
	"CREATE INDEX FOR (n:L) ON (n.x)",
};

Test(resolve, valid)
{
	for (size_t i = 0; i < sizeof ok_cases / sizeof ok_cases[0]; i++) {
		dn_parse_error err;
		int rc = resolve_q(ok_cases[i], &err, NULL, NULL);
		cr_expect_eq(rc, 0, "%s -> %d:%d %s %s", ok_cases[i], err.line, err.column,
		             err.tck_code, err.message);
	}
}

/* The first error of the pipeline wins: an error already in err stays. */
Test(resolve, first_error_wins)
{
	dn_parse_result *res = NULL;
	dn_parse_error err;
	const char *q = "RETURN foo";
	cr_assert_eq(dn_parse(q, strlen(q), &res, &err), 0);
	dn_parse_error_set(&err, q, strlen(q), DN_ESEMANTIC, 0, 6, "Earlier", "earlier");
	cr_assert_eq(dn_resolve(res, NULL, &err), DN_ESEMANTIC);
	cr_assert_str_eq(err.tck_code, "Earlier");
	cr_assert_str_eq(err.message, "earlier");
	dn_parse_free(res);
}

/* ------------------------------------------------------------------ */
/* Slots and kinds                                                     */
/* ------------------------------------------------------------------ */

typedef struct var_seen {
	int n;
	struct {
		const char *name;
		int slot, kind;
	} v[32];
} var_seen;

static int collect_vars(dn_ast *n, dn_ast *parent, void *ctx)
{
	(void)parent;
	var_seen *s = ctx;
	if (n->kind == DN_AST_VAR && s->n < 32) {
		s->v[s->n].name = n->u.name.s;
		s->v[s->n].slot = n->u.name.slot;
		s->v[s->n].kind = n->u.name.vkind;
		s->n++;
	}
	return 0;
}

Test(resolve, slots_and_kinds)
{
	dn_parse_error err;
	dn_parse_result *res;
	dn_resolve_info info;
	const char *q = "MATCH p = (a)-[r]->(b), (a)-[s*]->()\n"
	                "WITH a, r, p, s, 1 AS one, count(*) AS c\n"
	                "RETURN a, one, [x IN [1] | x] AS l";
	cr_assert_eq(resolve_q(q, &err, &res, &info), 0, "%s", err.message);
	var_seen s = {0};
	dn_ast_walk(res->root, collect_vars, &s);
	/* in source order: p a r b a s | a r p s one c | a one x x l */
	cr_assert_eq(s.n, 17);
	const struct {
		const char *name;
		int kind;
	} want[] = {
		{"p", DN_VAR_PATH}, {"a", DN_VAR_NODE}, {"r", DN_VAR_REL},   {"b", DN_VAR_NODE},
		{"a", DN_VAR_NODE}, {"s", DN_VAR_VALUE}, {"a", DN_VAR_NODE}, {"r", DN_VAR_REL},
		{"p", DN_VAR_PATH}, {"s", DN_VAR_VALUE}, {"one", DN_VAR_VALUE},
		{"c", DN_VAR_UNKNOWN}, {"a", DN_VAR_NODE}, {"one", DN_VAR_VALUE},
		{"x", DN_VAR_VALUE}, {"x", DN_VAR_VALUE}, {"l", DN_VAR_UNKNOWN},
	};
	for (int i = 0; i < 17; i++) {
		cr_expect_str_eq(s.v[i].name, want[i].name, "var %d", i);
		cr_expect_eq(s.v[i].kind, want[i].kind, "var %d (%s): kind %s", i, s.v[i].name,
		             dn_var_kind_name(s.v[i].kind));
		cr_expect(s.v[i].slot >= 0 && (uint32_t)s.v[i].slot < info.nslots, "var %d", i);
	}
	/* p, a, r, b are slots 0..3 in binding order (nodes and relationships
	 * first, the path last); the second a is the same variable. */
	cr_expect_eq(s.v[1].slot, 0);
	cr_expect_eq(s.v[2].slot, 1);
	cr_expect_eq(s.v[3].slot, 2);
	cr_expect_eq(s.v[0].slot, 3);
	cr_expect_eq(s.v[4].slot, s.v[1].slot);
	/* WITH projects into new slots (5..10); its uses read the old ones. */
	cr_expect_eq(s.v[6].slot, s.v[1].slot);
	cr_expect_eq(s.v[10].slot, 9);  /* one, bound by WITH */
	cr_expect_eq(s.v[12].slot, 5);  /* a after WITH: the first item's slot */
	cr_expect_eq(s.v[13].slot, 9);  /* one used in RETURN */
	cr_expect_eq(s.v[14].slot, 11); /* x, local to the comprehension */
	cr_expect_eq(s.v[15].slot, 11);
	cr_expect_eq(s.v[16].slot, 14); /* l, the third column of RETURN */
	/* every projection item has a slot; RETURN's are new */
	dn_ast_list *cl = &res->root->u.stmt.body->u.query.clauses;
	dn_ast *with = cl->item[1], *ret = cl->item[2];
	for (uint32_t i = 0; i < with->u.proj.items.n; i++)
		cr_expect_eq(with->u.proj.items.item[i]->u.item.slot, 5 + (int)i);
	cr_expect_eq(ret->u.proj.items.item[0]->u.item.slot, 12);
	cr_expect_eq(info.nslots, 15u);
	dn_parse_free(res);
}

/* ORDER BY after an aggregation: an expression equal to a projected one
 * stands for its column and is flagged. */
Test(resolve, order_by_column)
{
	dn_parse_error err;
	dn_parse_result *res;
	const char *q = "MATCH (a) RETURN a.name, count(*) ORDER BY a.name, count(*) + 1";
	cr_assert_eq(resolve_q(q, &err, &res, NULL), 0, "%s", err.message);
	dn_ast *ret = res->root->u.stmt.body->u.query.clauses.item[1];
	dn_ast *o0 = ret->u.proj.order.item[0]->u.sort.expr;
	dn_ast *o1 = ret->u.proj.order.item[1]->u.sort.expr;
	cr_expect(o0->flags & DN_AST_F_COLUMN);
	cr_expect(!(o1->flags & DN_AST_F_COLUMN));
	cr_expect(o1->u.bin.l->flags & DN_AST_F_COLUMN);
	dn_parse_free(res);
}

/* ------------------------------------------------------------------ */
/* Through the public API                                              */
/* ------------------------------------------------------------------ */

Test(resolve, stmt_prepare)
{
	dn_db *db = tu_open(tu_fresh_dir("resolve_prepare"), NULL);
	dn_stmt *st = NULL;
	dn_query_error err;
	const char *q = "MATCH (n)\nRETURN m";
	int rc = dn_stmt_prepare(db, q, strlen(q), &st, &err);
	cr_assert_eq(rc, DN_ESEMANTIC);
	cr_assert_null(st);
	cr_assert_str_eq(err.tck_code, "UndefinedVariable");
	cr_assert_eq(err.line, 2);
	cr_assert_eq(err.column, 8);
	cr_assert_eq(err.length, 1);
	q = "MATCH (n) RETURN n";
	cr_assert_eq(dn_stmt_prepare(db, q, strlen(q), &st, &err), 0, "%s", err.message);
	dn_stmt_free(st);
	dn_close(db);
}

/* Every allocation may fail: the resolver then returns DN_ENOMEM (or
 * succeeds), never crashes or leaks (run under ASan). */
Test(resolve, alloc_failure)
{
	const char *q = "MATCH (a)-[r]->(b) WITH a, count(*) AS c, collect(b) AS bs\n"
	                "UNWIND bs AS x RETURN a, count(x) AS n ORDER BY a.name, count(x) + 1\n"
	                "LIMIT 3 UNION RETURN 1 AS a, 2 AS n";
	bool done = false;
	for (long n = 0; n < 1000 && !done; n++) {
		dn_parse_result *res = NULL;
		dn_parse_error err;
		cr_assert_eq(dn_parse(q, strlen(q), &res, &err), 0, "%s", err.message);
		dn_fault_alloc_after(n);
		int rc = dn_resolve(res, NULL, &err);
		dn_fault_alloc_after(-1);
		cr_assert(rc == 0 || rc == DN_ENOMEM, "after %ld: %d %s", n, rc, err.message);
		done = rc == 0;
		dn_parse_free(res);
	}
	cr_assert(done);
}

/* ------------------------------------------------------------------ */
/* The openCypher TCK                                                  */
/* ------------------------------------------------------------------ */

typedef struct tck_stats {
	int files, run_total, run_parsed, run_rejected;
	int err_total, err_parsed, err_caught, err_same_code;
} tck_stats;

/* One TCK query, setup or main, with the error the scenario expects. */
static void tck_run_one(void *ctx, const tck_query *tq)
{
	tck_stats *st = ctx;
	const char *file = tq->file, *q = tq->text;
	int line = tq->line;
	bool ce = tq->err_phase && !strcmp(tq->err_phase, "compile time");
	dn_parse_result *res = NULL;
	dn_parse_error err;
	memset(&err, 0, sizeof err);
	int rc = dn_parse(q, strlen(q), &res, &err);
	if (rc == 0)
		rc = dn_resolve(res, NULL, &err);
	dn_parse_free(res);
	if (!ce) {
		st->run_total++;
		if (err.code == 0 || err.code == DN_ESYNTAX || err.code == DN_ENOTSUP)
			st->run_parsed += err.code == 0;
		/* a procedure the scenario declares ("there exists a procedure")
		 * is not one of dragnet's: the TCK runner skips those scenarios */
		if (err.code == DN_ESEMANTIC && !(tq->declares_procedure && !strcmp(err.tck_code, "ProcedureNotFound"))) {
			st->run_rejected++;
			cr_expect_fail("%s:%d: rejected %d:%d %s %s\n%s", file, line, err.line,
			               err.column, err.tck_code, err.message, q);
		}
		return;
	}
	const char *code = tq->err_code ? tq->err_code : "";
	st->err_total++;
	if (err.code == DN_ESEMANTIC) {
		st->err_caught++;
		st->err_same_code += !strcmp(err.tck_code, code);
	} else if (err.code == 0) {
		st->err_parsed++;
	}
}

Test(resolve, tck, .timeout = 300)
{
	char dir[PATH_MAX];
	if (!tck_queries_find(dir, sizeof dir))
		cr_skip_test("TCK not found (set DN_TCK_DIR)");
	static tck_stats st;
	memset(&st, 0, sizeof st);
	st.files = tck_queries_each(dir, tck_run_one, &st);
	cr_assert_gt(st.files, 100, "only %d feature files under %s", st.files, dir);
	printf("TCK queries expected to run (setup and main): %d: %d resolved, %d rejected by "
	       "the resolver\n", st.run_total, st.run_parsed, st.run_rejected);
	printf("TCK queries expected to fail at compile time: %d: %d caught by the resolver "
	       "(%d with the TCK's code), %d accepted\n", st.err_total, st.err_caught,
	       st.err_same_code, st.err_parsed);
	fflush(stdout);
	cr_assert_eq(st.run_rejected, 0);
	cr_assert_gt(st.run_parsed, 3500);
	cr_assert_gt(st.err_same_code, 450);
}
