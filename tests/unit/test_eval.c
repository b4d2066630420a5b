/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_eval.c — the expression evaluator: each case parses `RETURN expr`,
 * evaluates the item against a few variables and parameters (and a small
 * graph for the graph functions), and compares the result's Cypher text
 * with the expected one; error cases check the code, the TCK code and the
 * column of the failing expression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "parser.h"
#include "testutil.h"

typedef struct env_ctx {
	const char *names[8];
	dn_value values[8];
	size_t n;
} env_ctx;

static const dn_value *lookup(void *ctx, const dn_ast *var)
{
	env_ctx *c = ctx;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->names[i]) == var->u.name.len && !memcmp(c->names[i], var->u.name.s, var->u.name.len))
			return &c->values[i];
	return NULL;
}

static const dn_value *param(void *ctx, const char *name, size_t len)
{
	env_ctx *c = ctx;
	for (size_t i = 0; i < c->n; i++)
		if (c->names[i][0] == '$' && strlen(c->names[i] + 1) == len && !memcmp(c->names[i] + 1, name, len))
			return &c->values[i];
	return NULL;
}

/* Renders a value compactly for comparisons. */
static void render(const dn_value *v, char *buf, size_t cap)
{
	size_t n = strlen(buf);
	char *p = buf + n;
	size_t left = cap - n;
	switch (v->type) {
	case DN_NULL: snprintf(p, left, "null"); break;
	case DN_BOOL: snprintf(p, left, v->u.b ? "true" : "false"); break;
	case DN_INT: snprintf(p, left, "%lld", (long long)v->u.i); break;
	case DN_FLOAT: snprintf(p, left, "%g", v->u.f); break;
	case DN_STRING: snprintf(p, left, "'%.*s'", (int)v->len, v->u.s); break;
	case DN_NODE: snprintf(p, left, "node%lld", (long long)v->u.i); break;
	case DN_REL: snprintf(p, left, "rel%lld", (long long)v->u.i); break;
	case DN_LIST:
		snprintf(p, left, "[");
		for (uint32_t i = 0; i < v->len; i++) {
			if (i)
				strncat(buf, ", ", cap - strlen(buf) - 1);
			render(&v->u.list[i], buf, cap);
		}
		strncat(buf, "]", cap - strlen(buf) - 1);
		break;
	case DN_MAP:
		snprintf(p, left, "{");
		for (uint32_t i = 0; i < v->len; i++) {
			size_t m = strlen(buf);
			snprintf(buf + m, cap - m, "%s%.*s: ", i ? ", " : "", (int)v->u.list[2 * i].len,
			         v->u.list[2 * i].u.s);
			render(&v->u.list[2 * i + 1], buf, cap);
		}
		strncat(buf, "}", cap - strlen(buf) - 1);
		break;
	default: snprintf(p, left, "<%s>", dn_type_name(v->type)); break;
	}
}

static env_ctx ctx;
static dn_db *db;
static dn_txn *txn;

static void setup(void)
{
	db = tu_open(tu_fresh_dir("eval"), NULL);
	txn = tu_begin(db, 0);
	const char *labels[] = {"Trader", "Company"};
	dn_prop props[] = {{"name", dn_value_stringn_ref("Northwind", 9)}, {"tin", dn_value_int(42)}};
	dn_id a, b, e;
	TU_OK(db, dn_node_create(txn, labels, 2, props, 2, NULL, &a));
	TU_OK(db, dn_node_create(txn, labels, 1, NULL, 0, NULL, &b));
	dn_prop ep = {"since", dn_value_int(2019)};
	TU_OK(db, dn_edge_create(txn, a, b, "OWNS", &ep, 1, NULL, &e));
	memset(&ctx, 0, sizeof ctx);
	ctx.names[0] = "x";
	ctx.values[0] = dn_value_int(5);
	ctx.names[1] = "s";
	ctx.values[1] = dn_value_stringn_ref("customs", 7);
	ctx.names[2] = "n";
	ctx.values[2] = dn_value_int((int64_t)a);
	ctx.values[2].type = DN_NODE;
	ctx.names[3] = "r";
	ctx.values[3] = dn_value_int((int64_t)e);
	ctx.values[3].type = DN_REL;
	ctx.names[4] = "$p";
	ctx.values[4] = dn_value_int(7);
	ctx.n = 5;
}

static void teardown(void)
{
	dn_txn_abort(txn);
	dn_close(db);
}

TestSuite(eval, .init = setup, .fini = teardown);

/* Evaluates the one item of `RETURN expr`; returns the code and renders
 * the value (or leaves *err filled). */
static int run(const char *expr, char *buf, size_t cap, dn_query_error *err)
{
	char q[512];
	dn_parse_result *res;
	snprintf(q, sizeof q, "RETURN %s", expr);
	memset(err, 0, sizeof *err);
	int rc = dn_parse(q, strlen(q), &res, err);
	cr_assert_eq(rc, 0, "parse of %s failed: %s", q, err->message);
	const dn_ast *ret = res->root->u.stmt.body->u.query.clauses.item[0];
	const dn_ast *item = ret->u.proj.items.item[0]->u.item.expr;
	dn_eval_env env = {txn, lookup, param, NULL, NULL, &ctx, err, res->text, res->len};
	dn_value v;
	buf[0] = '\0';
	rc = dn_eval(&env, item, &v);
	if (!rc)
		render(&v, buf, cap);
	dn_value_free(&v);
	dn_parse_free(res);
	return rc;
}

static void check(const char *expr, const char *want)
{
	char got[1024];
	dn_query_error err;
	int rc = run(expr, got, sizeof got, &err);
	cr_assert_eq(rc, 0, "%s -> %s: %s", expr, dn_strerror(rc), err.message);
	cr_assert_str_eq(got, want, "%s", expr);
}

static void check_error(const char *expr, int code, const char *tck, int column)
{
	char got[1024];
	dn_query_error err;
	int rc = run(expr, got, sizeof got, &err);
	cr_assert_eq(rc, code, "%s -> %d (%s), want %d", expr, rc, err.message, code);
	cr_assert_str_eq(err.tck_code, tck, "%s: %s", expr, err.message);
	cr_assert_eq(err.column, column, "%s: column %d, want %d", expr, err.column, column);
}

Test(eval, literals_and_arithmetic)
{
	check("1 + 2 * 3", "7");
	check("(1 + 2) * 3", "9");
	check("x * 2 - 1", "9");
	check("$p + x", "12");
	check("-x", "-5");
	check("7 / 2", "3");
	check("7.0 / 2", "3.5");
	check("2 ^ 10", "1024");
	check("'a' + 'b'", "'ab'");
	check("[1, 2] + 3", "[1, 2, 3]");
	check("null + 1", "null");
}

Test(eval, logic_and_comparison)
{
	check("true AND null", "null");
	check("false AND null", "false");
	check("true OR null", "true");
	check("NOT null", "null");
	check("true XOR true", "false");
	check("1 < 2 < 3", "true");
	check("1 = 1.0", "true");
	check("1 <> null", "null");
	check("'a' < 1", "null");
	check("x IS NULL", "false");
}

Test(eval, strings_lists_maps)
{
	check("s STARTS WITH 'cus'", "true");
	check("s CONTAINS 'tom'", "true");
	check("2 IN [1, 2, 3]", "true");
	check("4 IN [1, null]", "null");
	check("[1, 2, 3][-1]", "3");
	check("[1, 2, 3, 4][1..3]", "[2, 3]");
	check("{b: 2, a: 1}", "{a: 1, b: 2}");
	check("{a: {b: x}}.a.b", "5");
	check("size([1, 2, 3])", "3");
	check("toUpper(s)", "'CUSTOMS'");
	check("coalesce(null, x)", "5");
	check("tail([1, 2, 3])", "[2, 3]");
	check("tail([])", "[]");
	check("s =~ 'cus.*'", "true");
	check("s =~ 'tom'", "false");
	check("'GB123' =~ 'GB[0-9]{3}'", "true");
	check("null =~ 'x'", "null");
}

Test(eval, case_and_comprehensions)
{
	check("CASE x WHEN 5 THEN 'five' ELSE 'other' END", "'five'");
	check("CASE WHEN x > 9 THEN 'big' END", "null");
	check("[i IN range(1, 5) WHERE i % 2 = 1 | i * 10]", "[10, 30, 50]");
	check("[i IN [1, 2] | [j IN [i, x] | j]]", "[[1, 5], [2, 5]]");
	check("all(i IN [1, 2] WHERE i > 0)", "true");
	check("any(i IN [1, null] WHERE i > 1)", "null");
	check("none(i IN [] WHERE i > 0)", "true");
	check("single(i IN [1, 2, 3] WHERE i = 2)", "true");
	check("reduce(acc = 0, i IN [1, 2, 3] | acc + i * x)", "30");
	check("[i IN null | i]", "null");
}

Test(eval, graph_values)
{
	check("n.name", "'Northwind'");
	check("n['tin']", "42");
	check("n.missing", "null");
	check("labels(n)", "['Company', 'Trader']");
	check("n:Trader", "true");
	check("n:Trader:Person", "false");
	check("type(r)", "'OWNS'");
	check("r.since", "2019");
	check("id(startNode(r)) = id(n)", "true");
	check("keys(n)", "['name', 'tin']");
	check("properties(r)", "{since: 2019}");
	check("n{.name, answer: 42}", "{answer: 42, name: 'Northwind'}");
	check("exists(n.tin)", "true");
}

Test(eval, errors_name_the_expression)
{
	check_error("1 + nope", DN_ESEMANTIC, "UndefinedVariable", 12);
	check_error("x / 0", DN_ERUNTIME, "DivisionByZero", 8);
	check_error("nofunc(1)", DN_ENOTSUP, "", 8);
	check_error("count(x)", DN_ESEMANTIC, "InvalidAggregation", 8);
	check_error("$absent", DN_ESEMANTIC, "ParameterMissing", 8);
	check_error("'a' - 1", DN_ETYPE, "InvalidArgumentType", 8);
	check_error("9223372036854775807 + 1", DN_ERUNTIME, "IntegerOverflow", 8);
	check_error("labels(1)", DN_ETYPE, "InvalidArgumentValue", 8);
}
