/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tck_runner.c — unit suite for the openCypher TCK runner's own
 * logic: Gherkin parsing with Background and Scenario Outline expansion,
 * step classification, the TCK value notation (parsing, rendering,
 * comparison, conversion to parameters) and row matching in and out of
 * order; a case run end to end on a real database, element rendering and
 * the side-effect diff; and the whole TCK's cells through the notation.
 */
#include <criterion/criterion.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tck.h"

/* Parses text, which must succeed. */
static tv parse_ok(const char *text)
{
	tv v;
	const char *err = NULL;
	int rc = tv_parse(text, &v, &err);
	cr_assert_eq(rc, 0, "%s: %s", text, err ? err : "");
	return v;
}

static bool same(const char *a, const char *b)
{
	tv x = parse_ok(a), y = parse_ok(b);
	bool eq = tv_cmp(&x, &y) == 0;
	tv_free(&x);
	tv_free(&y);
	return eq;
}

Test(tck_value, parses_mixed_list)
{
	tv v = parse_ok("[1, 2.0, 'a', null, {k: [true]}]");
	cr_assert_eq(v.kind, TV_LIST);
	cr_assert_eq(v.n, 5);
	cr_assert_eq(v.items[0].kind, TV_INT);
	cr_assert_eq(v.items[0].i, 1);
	cr_assert_eq(v.items[1].kind, TV_FLOAT);
	cr_assert_float_eq(v.items[1].f, 2.0, 0);
	cr_assert_eq(v.items[2].kind, TV_STRING);
	cr_assert_str_eq(v.items[2].s, "a");
	cr_assert_eq(v.items[3].kind, TV_NULL);
	cr_assert_eq(v.items[4].kind, TV_MAP);
	cr_assert_eq(v.items[4].n, 1);
	cr_assert_str_eq(v.items[4].keys[0], "k");
	cr_assert_eq(v.items[4].items[0].kind, TV_LIST);
	cr_assert_eq(v.items[4].items[0].n, 1);
	cr_assert_eq(v.items[4].items[0].items[0].kind, TV_BOOL);
	cr_assert(v.items[4].items[0].items[0].b);

	/* and as a parameter value for dragnet */
	dn_value d;
	cr_assert_eq(tv_to_dn(&v, &d), 0);
	cr_assert_eq(d.type, DN_LIST);
	cr_assert_eq(d.len, 5);
	cr_assert_eq(d.u.list[0].type, DN_INT);
	cr_assert_eq(d.u.list[0].u.i, 1);
	cr_assert_eq(d.u.list[1].type, DN_FLOAT);
	cr_assert_eq(d.u.list[2].type, DN_STRING);
	cr_assert_eq(d.u.list[2].len, 1);
	cr_assert_eq(memcmp(d.u.list[2].u.s, "a", 1), 0);
	cr_assert_eq(d.u.list[3].type, DN_NULL);
	const dn_value *m = &d.u.list[4];
	cr_assert_eq(m->type, DN_MAP);
	cr_assert_eq(m->len, 1);
	cr_assert_eq(m->u.list[0].type, DN_STRING);
	cr_assert_eq(memcmp(m->u.list[0].u.s, "k", 1), 0);
	cr_assert_eq(m->u.list[1].type, DN_LIST);
	cr_assert_eq(m->u.list[1].u.list[0].type, DN_BOOL);
	cr_assert(m->u.list[1].u.list[0].u.b);

	/* and back again, with no transaction needed for plain values */
	tv back;
	cr_assert_eq(tv_from_dn(NULL, &d, &back), 0);
	cr_assert_eq(tv_cmp(&v, &back), 0);
	tv_free(&back);
	dn_value_free(&d);
	tv_free(&v);
}

Test(tck_value, scalars_and_strings)
{
	tv v = parse_ok("'it\\'s \\u00e9'");
	cr_assert_str_eq(v.s, "it's \xc3\xa9");
	tv_free(&v);
	v = parse_ok("-9223372036854775808");
	cr_assert_eq(v.kind, TV_INT);
	cr_assert_eq(v.i, INT64_MIN);
	tv_free(&v);
	v = parse_ok("-1.5e3");
	cr_assert_eq(v.kind, TV_FLOAT);
	cr_assert_float_eq(v.f, -1500.0, 0);
	tv_free(&v);
	v = parse_ok("NaN");
	cr_assert(isnan(v.f));
	tv_free(&v);
	v = parse_ok("-Infinity");
	cr_assert(isinf(v.f) && v.f < 0);
	tv_free(&v);

	const char *bad[] = {"[1, 2", "{a 1}", "'open", "1 2", "(:A", "<(:A)-[:T]-(:B)>", ""};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		const char *err = NULL;
		cr_assert_neq(tv_parse(bad[k], &v, &err), 0, "%s parsed", bad[k]);
		cr_assert_not_null(err);
	}
}

Test(tck_value, comparison)
{
	cr_assert(same("0.1", "0.1"));
	cr_assert(same("0.30000000000000004", "0.30000000000000004"));
	cr_assert(!same("0.1", "0.2"));
	cr_assert(!same("1", "1.0"), "INTEGER 1 and FLOAT 1.0 differ in the TCK");
	cr_assert(same("NaN", "NaN"));
	cr_assert(same("{b: 2, a: 1}", "{a: 1, b: 2}"), "map key order is irrelevant");
	cr_assert(!same("{a: 1}", "{a: 1, b: null}"));
	cr_assert(same("(:B:A {k: 1})", "(:A:B {k: 1})"), "label order is irrelevant");
	cr_assert(!same("(:A {k: 1})", "(:A {k: 2})"));
	cr_assert(!same("(:A)", "(:B)"));
	cr_assert(same("[:T {k: 'x'}]", "[:T {k: 'x'}]"));
	cr_assert(!same("[:T]", "[:U]"));
	cr_assert(!same("[1, 2]", "[2, 1]"), "list order counts by default");
	cr_assert(same("<(:A)-[:T]->(:B)>", "<(:A)-[:T]->(:B)>"));
	cr_assert(!same("<(:A)-[:T]->(:B)>", "<(:A)<-[:T]-(:B)>"), "direction counts");
	cr_assert(!same("'1'", "1"));
}

Test(tck_value, rendering)
{
	const char *cases[][2] = {
		{"[1, 2.0, 'a', null, {k: [true]}]", "[1, 2.0, 'a', null, {k: [true]}]"},
		{"0.1", "0.1"},
		{"1e20", "1e+20"},
		{"(:B:A {y: 2, x: 1})", "(:A:B {x: 1, y: 2})"},
		{"({k: 1})", "({k: 1})"},
		{"()", "()"},
		{"[:T {k: 1}]", "[:T {k: 1}]"},
		{"<(:A)-[:T]->(:B)<-[:U]-()>", "<(:A)-[:T]->(:B)<-[:U]-()>"},
		{"'it\\'s'", "'it\\'s'"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		tv v = parse_ok(cases[k][0]);
		char *text = tv_to_text(&v);
		cr_assert_str_eq(text, cases[k][1]);
		/* the rendering reads back as the same value */
		tv w = parse_ok(text);
		cr_assert_eq(tv_cmp(&v, &w), 0, "%s", text);
		tv_free(&w);
		free(text);
		tv_free(&v);
	}
}

/* Builds n rows of one column each from cells. */
static tv **rows_of(const char *const *cells, size_t n)
{
	tv **rows = calloc(n, sizeof *rows);
	for (size_t k = 0; k < n; k++) {
		rows[k] = calloc(1, sizeof **rows);
		rows[k][0] = parse_ok(cells[k]);
	}
	return rows;
}

static void rows_free(tv **rows, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		tv_free(&rows[k][0]);
		free(rows[k]);
	}
	free(rows);
}

static bool rows_match(const char *const *exp, const char *const *act, size_t n, unsigned flags)
{
	tv **e = rows_of(exp, n), **a = rows_of(act, n);
	char *why = NULL;
	bool ok = tck_rows_match(e, n, a, n, 1, flags, &why);
	cr_assert_eq(ok, why == NULL);
	free(why);
	rows_free(e, n);
	rows_free(a, n);
	return ok;
}

Test(tck_rows, order)
{
	const char *exp[] = {"1", "'two'"};
	const char *act[] = {"'two'", "1"};
	cr_assert(rows_match(exp, act, 2, 0), "any order");
	cr_assert(!rows_match(exp, act, 2, RES_ORDERED), "in order");
	cr_assert(rows_match(exp, exp, 2, RES_ORDERED));

	const char *le[] = {"[1, 2, [3, 4]]"};
	const char *la[] = {"[[4, 3], 2, 1]"};
	cr_assert(!rows_match(le, la, 1, 0), "list order kept unless asked");
	cr_assert(rows_match(le, la, 1, RES_IGNORE_LIST_ORDER));
	cr_assert(rows_match(le, la, 1, RES_IGNORE_LIST_ORDER | RES_ORDERED));

	/* a bag: duplicates count */
	const char *de[] = {"1", "1", "2"};
	const char *da[] = {"1", "2", "2"};
	cr_assert(!rows_match(de, da, 3, 0));

	/* row count mismatch gives a reason */
	tv **e = rows_of(exp, 2), **a = rows_of(exp, 1);
	char *why = NULL;
	cr_assert(!tck_rows_match(e, 2, a, 1, 1, 0, &why));
	cr_assert_not_null(why);
	cr_assert(strstr(why, "expected 2 rows, got 1"), "%s", why);
	free(why);
	rows_free(e, 2);
	rows_free(a, 1);
}

static const char feature_text[] =
	"#\n"
	"# a comment\n"
	"Feature: Sample\n"
	"\n"
	"  Background:\n"
	"    Given an empty graph\n"
	"\n"
	"  Scenario: [1] Plain\n"
	"    And having executed:\n"
	"      \"\"\"\n"
	"      CREATE (:A {id: 0})\n"
	"        <-[:T]-(:B)\n"
	"      \"\"\"\n"
	"    And parameters are:\n"
	"      | p | [1, 2] |\n"
	"    When executing query:\n"
	"      \"\"\"\n"
	"      MATCH (a) RETURN a.id\n"
	"      \"\"\"\n"
	"    Then the result should be, in order (ignoring element order for lists):\n"
	"      | a.id |\n"
	"      | 0    |\n"
	"    And the side effects should be:\n"
	"      | +nodes | 1 |\n"
	"\n"
	"  @ignore\n"
	"  Scenario Outline: [2] Outline <x>\n"
	"    When executing query:\n"
	"      \"\"\"\n"
	"      RETURN <x> AS v\n"
	"      \"\"\"\n"
	"    Then a SyntaxError should be raised at compile time: <code>\n"
	"    And no side effects\n"
	"\n"
	"    Examples:\n"
	"      | x   | code              |\n"
	"      | 1 + | UnexpectedSyntax  |\n"
	"      | 'a' | InvalidArgumentType |\n"
	"\n"
	"    Examples:\n"
	"      | x | code |\n"
	"      | 3 | Other |\n"
	"\n"
	"  Scenario: [3] Odd\n"
	"    Given the binary-tree-1 graph\n"
	"    And there exists a procedure test.my.proc() :: ():\n"
	"      | a |\n"
	"    When something else happens\n"
	"    Then the result should be empty\n";

Test(tck_gherkin, parses_and_expands)
{
	tck_cases cs = {0};
	char err[256] = "";
	cr_assert_eq(tck_parse_feature(feature_text, "features/x/Sample.feature", &cs, err, sizeof err), 0,
	             "%s", err);
	cr_assert_eq(cs.n, 5, "1 scenario + 3 outline rows + 1 scenario, got %zu", cs.n);

	const tck_case *c = &cs.v[0];
	cr_assert_str_eq(c->feature, "features/x/Sample.feature");
	cr_assert_str_eq(c->name, "[1] Plain");
	cr_assert_eq(c->line, 8);
	cr_assert(!c->ignored);
	cr_assert_eq(c->nsteps, 6, "background step first");
	cr_assert_eq(c->steps[0].kind, ST_EMPTY_GRAPH);
	cr_assert_eq(c->steps[1].kind, ST_EXECUTED);
	cr_assert_str_eq(c->steps[1].doc, "CREATE (:A {id: 0})\n  <-[:T]-(:B)");
	cr_assert_eq(c->steps[2].kind, ST_PARAMS);
	cr_assert_eq(c->steps[2].table.n, 1);
	cr_assert_str_eq(c->steps[2].table.rows[0].cells[0], "p");
	cr_assert_str_eq(c->steps[2].table.rows[0].cells[1], "[1, 2]");
	cr_assert_eq(c->steps[3].kind, ST_QUERY);
	cr_assert_str_eq(c->steps[3].doc, "MATCH (a) RETURN a.id");
	cr_assert_eq(c->steps[4].kind, ST_RESULT);
	cr_assert_eq(c->steps[4].flags, RES_ORDERED | RES_IGNORE_LIST_ORDER);
	cr_assert_eq(c->steps[4].table.n, 2);
	cr_assert_str_eq(c->steps[4].table.rows[0].cells[0], "a.id");
	cr_assert_eq(c->steps[5].kind, ST_SIDE_EFFECTS);

	const char *xs[] = {"1 +", "'a'", "3"};
	const char *codes[] = {"UnexpectedSyntax", "InvalidArgumentType", "Other"};
	for (size_t k = 0; k < 3; k++) {
		c = &cs.v[1 + k];
		char name[64], query[64];
		snprintf(name, sizeof name, "[2] Outline <x> (example %zu)", k + 1);
		snprintf(query, sizeof query, "RETURN %s AS v", xs[k]);
		cr_assert_str_eq(c->name, name);
		cr_assert(c->ignored);
		cr_assert_eq(c->nsteps, 4);
		cr_assert_str_eq(c->steps[1].doc, query);
		cr_assert_eq(c->steps[2].kind, ST_ERROR);
		cr_assert_str_eq(c->steps[2].err_kind, "SyntaxError");
		cr_assert_str_eq(c->steps[2].err_phase, "compile time");
		cr_assert_str_eq(c->steps[2].arg, codes[k]);
		cr_assert_eq(c->steps[3].kind, ST_NO_SIDE_EFFECTS);
	}

	c = &cs.v[4];
	cr_assert(!c->ignored);
	cr_assert_eq(c->steps[1].kind, ST_NAMED_GRAPH);
	cr_assert_str_eq(c->steps[1].arg, "binary-tree-1");
	cr_assert_eq(c->steps[2].kind, ST_PROCEDURE);
	cr_assert_eq(c->steps[3].kind, ST_UNKNOWN);
	cr_assert_eq(c->steps[4].kind, ST_RESULT_EMPTY);

	/* skip reasons, in step order */
	tck_env env = {.graphs_dir = "/nonexistent", .tmp_dir = "/nonexistent"};
	char why[256];
	cr_assert_str_eq(tck_skip_reason(&cs.v[1], &env, why, sizeof why), "tagged @ignore");
	const char *r = tck_skip_reason(&cs.v[4], &env, why, sizeof why);
	cr_assert_str_eq(r, "named graph missing: binary-tree-1");
	cr_assert_null(tck_skip_reason(&cs.v[0], &env, why, sizeof why));
	tck_cases_free(&cs);
}

Test(tck_gherkin, malformed)
{
	tck_cases cs = {0};
	char err[256] = "";
	cr_assert_neq(tck_parse_feature("Feature: x\n  Scenario: a\n    When executing query:\n"
	                                "      \"\"\"\n      RETURN 1\n",
	                                "f", &cs, err, sizeof err),
	              0);
	cr_assert(strstr(err, "unterminated docstring"), "%s", err);
	tck_cases_free(&cs);
	cr_assert_neq(tck_parse_feature("Feature: x\n  Scenario: a\n    Whatever\n", "f", &cs, err,
	                                sizeof err),
	              0);
	cr_assert(strstr(err, "unexpected line"), "%s", err);
	tck_cases_free(&cs);
}

/* Runs a case end to end on a real database: a syntax error the parser
 * reports with the right TCK code passes; a wrong code fails with both. */
Test(tck_case, syntax_error_end_to_end)
{
	static const char text[] =
		"Feature: E\n"
		"  Scenario Outline: s\n"
		"    Given any graph\n"
		"    When executing query:\n"
		"      \"\"\"\n"
		"      RETURN 9223372036854775808 AS a\n"
		"      \"\"\"\n"
		"    Then a SyntaxError should be raised at compile time: <code>\n"
		"    Examples:\n"
		"      | code |\n"
		"      | IntegerOverflow |\n"
		"      | NoSuchCode |\n";
	tck_cases cs = {0};
	char err[256] = "";
	cr_assert_eq(tck_parse_feature(text, "f", &cs, err, sizeof err), 0, "%s", err);
	cr_assert_eq(cs.n, 2);
	const char *tmp = getenv("TMPDIR");
	tck_env env = {.graphs_dir = "/nonexistent", .tmp_dir = tmp && *tmp ? tmp : "/tmp"};
	char why[600];
	int failk = 0;

	/* the expected code, whatever the parser does today, must agree with
	 * the parser's own answer for the query */
	dn_query_error qe;
	dn_stmt *st = NULL;
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tck-unit-%ld", env.tmp_dir, (long)getpid());
	dn_db *db = NULL;
	dn_open_opts opts = {.flags = DN_OPEN_NOSYNC, .map_size = 8u << 20};
	cr_assert_eq(dn_open(dir, &opts, &db), 0, "%s", dn_errmsg(NULL));
	const char *q = "RETURN 9223372036854775808 AS a";
	int rc = dn_stmt_prepare(db, q, strlen(q), &st, &qe);
	dn_stmt_free(st);
	dn_close(db);
	tck_rmtree(dir);

	tck_outcome o = tck_run_case(&cs.v[0], &env, why, sizeof why, &failk);
	cr_assert_neq(rc, 0, "the parser must reject an integer overflow");
	if (!strcmp(qe.tck_code, "IntegerOverflow"))
		cr_assert_eq(o, OUT_PASS, "%s", why);
	else
		cr_assert_eq(o, OUT_FAIL);
	o = tck_run_case(&cs.v[1], &env, why, sizeof why, &failk);
	cr_assert_eq(o, OUT_FAIL);
	cr_assert(strstr(why, "NoSuchCode"), "%s", why);
	cr_assert(strstr(why, "compile time"), "%s", why);
	tck_cases_free(&cs);
}

/* Every feature file of the TCK ($DN_TCK_FEATURES, set by meson) parses,
 * and every expected cell and parameter value of every case parses in the
 * TCK notation and reads back the same from its rendering. */
static size_t all_cells_failures, all_cells_checked;
static char all_cells_first[512];

static int check_feature(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t n = strlen(path);
	if (type != FTW_F || n < 8 || strcmp(path + n - 8, ".feature"))
		return 0;
	char *text = tck_read_file(path);
	cr_assert_not_null(text, "%s", path);
	tck_cases cs = {0};
	char err[512];
	cr_assert_eq(tck_parse_feature(text, path, &cs, err, sizeof err), 0, "%s", err);
	free(text);
	for (size_t k = 0; k < cs.n; k++) {
		const tck_case *c = &cs.v[k];
		for (size_t s = 0; s < c->nsteps; s++) {
			const tck_step *st2 = &c->steps[s];
			size_t from = st2->kind == ST_RESULT ? 1 : 0;
			size_t col = st2->kind == ST_PARAMS ? 1 : 0;
			if (st2->kind != ST_RESULT && st2->kind != ST_PARAMS)
				continue;
			for (size_t r = from; r < st2->table.n; r++) {
				for (size_t x = col; x < st2->table.rows[r].n; x++) {
					const char *cell = st2->table.rows[r].cells[x];
					tv v;
					const char *perr = NULL;
					if (tv_parse(cell, &v, &perr)) {
						if (!all_cells_failures++)
							snprintf(all_cells_first, sizeof all_cells_first, "%s:%d: %s: %s",
							         path, st2->line, cell, perr);
						continue;
					}
					all_cells_checked++;
					char *again = tv_to_text(&v);
					tv w;
					cr_assert_eq(tv_parse(again, &w, &perr), 0, "%s -> %s", cell, again);
					cr_assert_eq(tv_cmp(&v, &w), 0, "%s -> %s", cell, again);
					tv_free(&w);
					free(again);
					tv_free(&v);
				}
			}
		}
	}
	tck_cases_free(&cs);
	return 0;
}

Test(tck_gherkin, whole_tck_notation)
{
	const char *dir = getenv("DN_TCK_FEATURES");
	struct stat st;
	if (!dir || stat(dir, &st))
		cr_skip_test("DN_TCK_FEATURES not set or missing");
	cr_assert_eq(nftw(dir, check_feature, 16, FTW_PHYS), 0);
	cr_assert_gt(all_cells_checked, 5000, "only %zu cells seen", all_cells_checked);
	cr_assert_eq(all_cells_failures, 0, "%zu cells do not parse; first: %s", all_cells_failures,
	             all_cells_first);
}

/* Result values that name graph elements are read back in the transaction
 * and rendered as the TCK writes them; the graph diff counts side effects
 * the TCK way (distinct label names, property triples). */
Test(tck_case, elements_and_side_effects)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tck-unit-el-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
	dn_db *db = NULL;
	dn_open_opts opts = {.flags = DN_OPEN_NOSYNC, .map_size = 8u << 20};
	cr_assert_eq(dn_open(dir, &opts, &db), 0, "%s", dn_errmsg(NULL));

	tck_snap before, after;
	cr_assert_eq(tck_snapshot(db, &before), 0);

	dn_txn *txn = NULL;
	cr_assert_eq(dn_txn_begin(db, 0, NULL, &txn), 0);
	const char *la[] = {"B", "A"}, *lb[] = {"A"};
	dn_prop pa[] = {{"k", dn_value_int(1)}, {"name", dn_value_stringn_ref("x", 1)}};
	dn_prop pr[] = {{"w", dn_value_float(0.5)}};
	dn_id a, b, r;
	cr_assert_eq(dn_node_create(txn, la, 2, pa, 2, NULL, &a), 0);
	cr_assert_eq(dn_node_create(txn, lb, 1, NULL, 0, NULL, &b), 0);
	cr_assert_eq(dn_edge_create(txn, a, b, "T", pr, 1, NULL, &r), 0);

	dn_value vn = {.type = DN_NODE, .u.i = (int64_t)a};
	dn_value vr = {.type = DN_REL, .u.i = (int64_t)r};
	dn_value steps_fwd[] = {vn, vr, {.type = DN_NODE, .u.i = (int64_t)b}};
	dn_value steps_back[] = {{.type = DN_NODE, .u.i = (int64_t)b}, vr, vn};
	dn_value pf = {.type = DN_PATH, .len = 3, .u.list = steps_fwd};
	dn_value pb = {.type = DN_PATH, .len = 3, .u.list = steps_back};
	struct {
		const dn_value *v;
		const char *want;
	} cases[] = {
		{&vn, "(:A:B {k: 1, name: 'x'})"},
		{&vr, "[:T {w: 0.5}]"},
		{&pf, "<(:A:B {k: 1, name: 'x'})-[:T {w: 0.5}]->(:A)>"},
		{&pb, "<(:A)<-[:T {w: 0.5}]-(:A:B {k: 1, name: 'x'})>"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		tv got;
		cr_assert_eq(tv_from_dn(txn, cases[k].v, &got), 0);
		tv want = parse_ok(cases[k].want);
		char *text = tv_to_text(&got);
		cr_assert_eq(tv_cmp(&got, &want), 0, "got %s, want %s", text, cases[k].want);
		free(text);
		tv_free(&got);
		tv_free(&want);
	}
	dn_value missing = {.type = DN_NODE, .u.i = 999};
	tv none;
	cr_assert_neq(tv_from_dn(txn, &missing, &none), 0);
	tv_free(&none);
	cr_assert_eq(dn_txn_commit(txn), 0);

	cr_assert_eq(tck_snapshot(db, &after), 0);
	uint64_t eff[8];
	tck_effects(&before, &after, eff);
	/* +nodes 2, +relationships 1, +labels 2 (A and B, not 3), +properties 3 */
	uint64_t want1[8] = {2, 0, 1, 0, 2, 0, 3, 0};
	for (size_t e = 0; e < 8; e++)
		cr_assert_eq(eff[e], want1[e], "%s: %llu", tck_effect_names[e], (unsigned long long)eff[e]);
	tck_snap_free(&before);

	/* SET a.k = 2 and REMOVE b:A, DELETE r: +properties 1, -properties 2
	 * (the old k and r's w), -relationships 1, no label gone (a keeps A) */
	before = after;
	cr_assert_eq(dn_txn_begin(db, 0, NULL, &txn), 0);
	dn_value two = dn_value_int(2);
	cr_assert_eq(dn_node_set_prop(txn, a, "k", &two), 0);
	cr_assert_eq(dn_node_remove_label(txn, b, "A"), 0);
	cr_assert_eq(dn_edge_delete(txn, r), 0);
	cr_assert_eq(dn_txn_commit(txn), 0);
	cr_assert_eq(tck_snapshot(db, &after), 0);
	tck_effects(&before, &after, eff);
	uint64_t want2[8] = {0, 0, 0, 1, 0, 0, 1, 2};
	for (size_t e = 0; e < 8; e++)
		cr_assert_eq(eff[e], want2[e], "%s: %llu", tck_effect_names[e], (unsigned long long)eff[e]);
	tck_snap_free(&before);
	tck_snap_free(&after);
	dn_close(db);
	tck_rmtree(dir);
}
