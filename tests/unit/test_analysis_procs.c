/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_analysis_procs.c — the algo.* procedures on small graphs whose
 * answers are worked out by hand in the comments: structure, paths,
 * time-respecting paths, link prediction, risk, key players, time slices,
 * the projection's filters (labels, types, direction, window, grade, node
 * list, clearances, as-of), write-back, and an igraph error coming back as
 * a dragnet error. Every call checks that igraph's finally stack is empty.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* --- helpers ------------------------------------------------------------------- */


static dn_value str(const char *s)
{
	return dn_value_string(s, NULL);
}

static dn_value node(dn_id id)
{
	dn_value v = {.type = DN_NODE};
	v.u.i = (int64_t)id;
	return v;
}

static const dn_value *cell(const dn_result *r, size_t row, const char *column)
{
	long c = dn_result_column_index(r, column);
	cr_assert_geq(c, 0, "no column %s", column);
	const dn_value *v = dn_result_cell(r, row, (size_t)c);
	cr_assert_not_null(v);
	return v;
}

static double num(const dn_value *v)
{
	cr_assert(v->type == DN_INT || v->type == DN_FLOAT, "not a number: %s", dn_type_name(v->type));
	return v->type == DN_INT ? (double)v->u.i : v->u.f;
}

/* The value of column for node id (NULL when no row has that node). */
static const dn_value *of(const dn_result *r, dn_id id, const char *column)
{
	for (size_t i = 0; i < dn_result_row_count(r); i++) {
		const dn_value *n = cell(r, i, "node");
		if (n->type == DN_NODE && (dn_id)n->u.i == id)
			return cell(r, i, column);
	}
	return NULL;
}

static double num_of(const dn_result *r, dn_id id, const char *column)
{
	const dn_value *v = of(r, id, column);
	cr_assert_not_null(v, "no row for node %llu", (unsigned long long)id);
	return num(v);
}

/*
 * The barbell: triangle A-B-C, bridge C-D, triangle D-E-F, and G alone;
 * stored A->B, B->C, C->A, C->D, D->E, E->F, D->F (KNOWS), A->G (OTHER,
 * valid only in 2001, graded E5, marked POLICE). All Person except G
 * (Vessel).
 */
enum { A, B, C, D, E, F, G, NB };
typedef struct barbell {
	dn_db *db;
	dn_id n[NB];
	dn_id cd;     /* the bridge */
	dn_id ag;     /* the OTHER edge */
} barbell;

static void barbell_make(barbell *b)
{
	b->db = tu_open(tu_fresh_dir("barbell"), NULL);
	dn_txn *t = tu_begin(b->db, 0);
	const char *person[] = {"Person"}, *vessel[] = {"Vessel"};
	for (int i = 0; i < NB; i++) {
		dn_prop p = {"name", dn_value_stringn_ref(&"ABCDEFG"[i], 1)};
		TU_OK(b->db, dn_node_create(t, i == G ? vessel : person, 1, &p, 1, NULL, &b->n[i]));
	}
	static const int es[][2] = {{A, B}, {B, C}, {C, A}, {C, D}, {D, E}, {E, F}, {D, F}};
	dn_meta good = dn_meta_none();
	good.reliability = 'A';
	good.credibility = 1;
	for (size_t i = 0; i < sizeof es / sizeof *es; i++) {
		dn_id e;
		dn_prop w = {"w", dn_value_float(1.0 + (double)i)};
		TU_OK(b->db, dn_edge_create(t, b->n[es[i][0]], b->n[es[i][1]], "KNOWS", &w, 1, &good, &e));
		if (es[i][0] == C && es[i][1] == D)
			b->cd = e;
	}
	dn_meta m = dn_meta_none();
	int32_t day;
	TU_OK(b->db, dn_date_from_ymd(2001, 1, 1, &day));
	m.valid_from = (int64_t)day * 86400000LL;
	m.valid_to = m.valid_from + 365LL * 86400000LL;
	m.reliability = 'E';
	m.credibility = 5;
	m.marking = "POLICE";
	TU_OK(b->db, dn_edge_create(t, b->n[A], b->n[G], "OTHER", NULL, 0, &m, &b->ag));
	tu_commit(t);
}

/* --- structure --------------------------------------------------------------------- */

Test(procs, structure_of_the_barbell)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	dn_value knows = tu_map(1, "types", tu_list(1, str("KNOWS")));

	dn_result *r = tu_analyze(t, "algo.articulation", &knows);
	cr_assert_eq(dn_result_row_count(r), 2);
	cr_assert_eq((dn_id)cell(r, 0, "node")->u.i, b.n[C]);
	cr_assert_eq((dn_id)cell(r, 1, "node")->u.i, b.n[D]);
	dn_result_free(r);

	r = tu_analyze(t, "algo.bridges", &knows);
	cr_assert_eq(dn_result_row_count(r), 1);
	cr_assert_eq(cell(r, 0, "rel")->type, DN_REL);
	cr_assert_eq((dn_id)cell(r, 0, "rel")->u.i, b.cd);
	cr_assert_eq((dn_id)cell(r, 0, "source")->u.i, b.n[C]);
	cr_assert_eq((dn_id)cell(r, 0, "target")->u.i, b.n[D]);
	dn_result_free(r);

	r = tu_analyze(t, "algo.cliques", &knows);
	cr_assert_eq(dn_result_row_count(r), 2);
	const dn_value *cl = cell(r, 0, "clique");
	cr_assert_eq(cl->type, DN_LIST);
	cr_assert_eq(cl->len, 3);
	cr_assert_eq((dn_id)cl->u.list[0].u.i, b.n[A]);
	cr_assert_eq((dn_id)cell(r, 1, "clique")->u.list[2].u.i, b.n[F]);
	dn_result_free(r);
	/* from size 2 the bridge C-D is a maximal clique too; the limit keeps
	 * the biggest */
	dn_value two = tu_map(2, "types", tu_list(1, str("KNOWS")), "min_size", dn_value_int(2));
	r = tu_analyze(t, "algo.cliques", &two);
	cr_assert_eq(dn_result_row_count(r), 3);
	cr_assert_eq(num(cell(r, 2, "size")), 2);
	dn_result_free(r);
	dn_value_free(&two);
	two = tu_map(3, "types", tu_list(1, str("KNOWS")), "min_size", dn_value_int(2), "limit", dn_value_int(2));
	r = tu_analyze(t, "algo.cliques", &two);
	cr_assert_eq(dn_result_row_count(r), 2);
	cr_assert_eq(num(cell(r, 1, "size")), 3);
	dn_result_free(r);
	dn_value_free(&two);

	r = tu_analyze(t, "algo.triangles", &knows);
	for (int i = A; i <= F; i++)
		cr_assert_eq(num_of(r, b.n[i], "triangles"), 1);
	cr_assert_eq(num_of(r, b.n[G], "triangles"), 0);
	dn_result_free(r);

	/* C's neighbours A, B, D share one link: 2 / (3 * 2) both ways */
	r = tu_analyze(t, "algo.lcc", &knows);
	cr_assert_float_eq(num_of(r, b.n[A], "coefficient"), 1.0, 1e-12);
	cr_assert_float_eq(num_of(r, b.n[C], "coefficient"), 1.0 / 3, 1e-12);
	cr_assert_float_eq(num_of(r, b.n[G], "coefficient"), 0.0, 1e-12);
	dn_result_free(r);

	r = tu_analyze(t, "algo.kcore", &knows);
	cr_assert_eq(num_of(r, b.n[E], "coreness"), 2);
	cr_assert_eq(num_of(r, b.n[G], "coreness"), 0);
	dn_result_free(r);

	/* strong components: the directed cycle A->B->C->A, the rest alone */
	r = tu_analyze(t, "algo.scc", &knows);
	cr_assert_eq(num_of(r, b.n[B], "component"), (double)b.n[A]);
	cr_assert_eq(num_of(r, b.n[C], "component"), (double)b.n[A]);
	cr_assert_eq(num_of(r, b.n[E], "component"), (double)b.n[E]);
	dn_result_free(r);

	/* edge betweenness of the bridge, undirected: 3 * 3 pairs cross it */
	dn_value cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "mode", str("edges"), "direction", str("both"));
	r = tu_analyze(t, "algo.betweenness", &cfg);
	cr_assert_eq(dn_result_column_count(r), 4);
	for (size_t i = 0; i < dn_result_row_count(r); i++)
		if ((dn_id)cell(r, i, "rel")->u.i == b.cd)
			cr_assert_float_eq(num(cell(r, i, "score")), 9.0, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* betweenness over paths of at most 2 hops: C lies on A-C-D and B-C-D
	 * only; A lies on none */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "cutoff", dn_value_int(2), "direction", str("both"));
	r = tu_analyze(t, "algo.betweenness", &cfg);
	cr_assert_float_eq(num_of(r, b.n[C], "score"), 2.0, 1e-12);
	cr_assert_float_eq(num_of(r, b.n[A], "score"), 0.0, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_value_free(&knows);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

/* --- the projection's filters --------------------------------------------------------- */

Test(procs, projection_filters)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	dn_value cfg;
	dn_result *r;

	/* all types, out: A has B and G */
	r = tu_analyze(t, "algo.degree", NULL);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 2);
	cr_assert_eq(dn_result_row_count(r), NB);
	dn_result_free(r);
	/* in: A has C */
	cfg = tu_map(1, "direction", str("in"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 1);
	cr_assert_eq(num_of(r, b.n[G], "degree"), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* labels: no Vessel, so no A->G */
	cfg = tu_map(2, "labels", tu_list(1, str("Person")), "direction", str("both"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(dn_result_row_count(r), 6);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 2);
	cr_assert_null(of(r, b.n[G], "degree"));
	dn_result_free(r);
	dn_value_free(&cfg);
	/* the A->G edge is valid in 2001 only */
	int32_t d2001, d1999;
	dn_date_from_ymd(2001, 6, 1, &d2001);
	dn_date_from_ymd(1999, 6, 1, &d1999);
	cfg = tu_map(1, "valid_at", dn_value_date(d2001));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 2);
	dn_result_free(r);
	dn_value_free(&cfg);
	cfg = tu_map(1, "valid_at", dn_value_date(d1999));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	cfg = tu_map(2, "valid_from", dn_value_date(d1999), "valid_to", dn_value_date(d2001));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 2, "the window overlaps 2001");
	dn_result_free(r);
	dn_value_free(&cfg);
	/* grade: A->G is E5, the KNOWS edges A1; ungraded nodes stay */
	cfg = tu_map(1, "min_grade", str("B2"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(dn_result_row_count(r), NB);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	cfg = tu_map(1, "min_grade", str("E"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 2);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* a node list: A, B, C only; C->A and B->C and A->B stay */
	cfg = tu_map(2, "nodes", tu_list(3, node(b.n[A]), node(b.n[B]), node(b.n[C])), "direction", str("both"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(dn_result_row_count(r), 3);
	cr_assert_eq(num_of(r, b.n[C], "degree"), 2);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* weights: strength of D both ways = w(C->D) 4 + w(D->E) 5 + w(D->F) 7 */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "weight", str("w"), "direction", str("both"));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_float_eq(num_of(r, b.n[D], "degree"), 16.0, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* default_weight for the OTHER edge without w */
	cfg = tu_map(2, "weight", str("w"), "default_weight", dn_value_float(0.5));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_float_eq(num_of(r, b.n[A], "degree"), 1.5, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);

	/* a reader not cleared for POLICE does not see A->G */
	const char *customs[] = {"CUSTOMS"};
	dn_txn_opts o = {.clearances = customs, .n_clearances = 1};
	TU_OK(b.db, dn_txn_begin(b.db, DN_TXN_RDONLY, &o, &t));
	r = tu_analyze(t, "algo.degree", NULL);
	cr_assert_eq(num_of(r, b.n[A], "degree"), 1);
	cr_assert_eq(num_of(r, b.n[B], "degree"), 1);
	dn_result_free(r);
	dn_txn_abort(t);

	/* as of the load, before a new edge E->A */
	uint64_t pos;
	t = tu_begin(b.db, DN_TXN_RDONLY);
	pos = dn_txn_position(t);
	dn_txn_abort(t);
	t = tu_begin(b.db, 0);
	dn_id e;
	TU_OK(b.db, dn_edge_create(t, b.n[E], b.n[A], "KNOWS", NULL, 0, NULL, &e));
	tu_commit(t);
	dn_txn_opts asof = {.as_of_pos = pos};
	TU_OK(b.db, dn_txn_begin(b.db, DN_TXN_RDONLY, &asof, &t));
	r = tu_analyze(t, "algo.degree", NULL);
	cr_assert_eq(num_of(r, b.n[E], "degree"), 1);
	dn_result_free(r);
	dn_txn_abort(t);
	t = tu_begin(b.db, DN_TXN_RDONLY);
	r = tu_analyze(t, "algo.degree", NULL);
	cr_assert_eq(num_of(r, b.n[E], "degree"), 2);
	dn_result_free(r);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

/* --- paths ----------------------------------------------------------------------------- */

Test(procs, paths)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	/* A to F: A->B? no: A -> ... stored A->B->C->D->F; both ways A-C-D-F */
	dn_value cfg = tu_map(4, "types", tu_list(1, str("KNOWS")), "source", node(b.n[A]), "target", node(b.n[F]),
	                      "direction", str("both"));
	dn_result *r = tu_analyze(t, "algo.shortest", &cfg);
	cr_assert_eq(dn_result_row_count(r), 1);
	const dn_value *p = cell(r, 0, "path");
	cr_assert_eq(p->type, DN_PATH);
	cr_assert_eq(p->len, 7);
	cr_assert_eq((dn_id)p->u.list[0].u.i, b.n[A]);
	cr_assert_eq((dn_id)p->u.list[2].u.i, b.n[C]);
	cr_assert_eq(p->u.list[3].type, DN_REL);
	cr_assert_eq((dn_id)p->u.list[3].u.i, b.cd);
	cr_assert_eq((dn_id)p->u.list[6].u.i, b.n[F]);
	cr_assert_eq(num(cell(r, 0, "length")), 3);
	dn_result_free(r);
	dn_value_free(&cfg);

	/* out-edges only: A->B->C->D->F (4 hops, or A->B->C->D->E->F is longer) */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "source", node(b.n[A]), "target", node(b.n[F]));
	r = tu_analyze(t, "algo.shortest", &cfg);
	cr_assert_eq(num(cell(r, 0, "length")), 4);
	dn_result_free(r);
	/* weighted: w A->B 1, B->C 2, C->D 4, D->F 7 = 14; via E: 4+5+6 = 15 from C */
	dn_value_free(&cfg);
	cfg = tu_map(4, "types", tu_list(1, str("KNOWS")), "source", node(b.n[A]), "target", node(b.n[F]), "weight",
	             str("w"));
	r = tu_analyze(t, "algo.shortest", &cfg);
	cr_assert_float_eq(num(cell(r, 0, "cost")), 14.0, 1e-12);
	dn_result_free(r);
	r = tu_analyze(t, "algo.allshortest", &cfg);
	cr_assert_eq(dn_result_row_count(r), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* no path to G over KNOWS: no row */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "source", node(b.n[A]), "target", node(b.n[G]));
	r = tu_analyze(t, "algo.shortest", &cfg);
	cr_assert_eq(dn_result_row_count(r), 0);
	dn_result_free(r);
	dn_value_free(&cfg);

	/* all shortest, undirected, B to D: only via C; E to A: E-D-C-A only */
	cfg = tu_map(3, "source", node(b.n[D]), "target", node(b.n[A]), "direction", str("both"));
	r = tu_analyze(t, "algo.allshortest", &cfg);
	cr_assert_eq(dn_result_row_count(r), 1);
	dn_result_free(r);
	dn_value_free(&cfg);

	/* k-hop from A: B, C, G at 1 (both ways), D at 2 */
	cfg = tu_map(2, "source", node(b.n[A]), "k", dn_value_int(2));
	r = tu_analyze(t, "algo.khop", &cfg);
	cr_assert_eq(dn_result_row_count(r), 5);
	cr_assert_eq(num_of(r, b.n[A], "depth"), 0);
	cr_assert_eq(num_of(r, b.n[G], "depth"), 1);
	cr_assert_eq(num_of(r, b.n[D], "depth"), 2);
	cr_assert_null(of(r, b.n[E], "depth"));
	dn_result_free(r);
	dn_value_free(&cfg);

	/* bfs over out-edges from D: E 1, F 1 */
	cfg = tu_map(1, "source", dn_value_int((int64_t)b.n[D]));
	r = tu_analyze(t, "algo.bfs", &cfg);
	cr_assert_eq(dn_result_row_count(r), 3);
	cr_assert_eq(num_of(r, b.n[F], "depth"), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

/*
 * Calls with dates: X1->X2 on day 1, X2->X3 on day 3, X1->X3 on day 5,
 * X2->X4 on day 0 (before anyone reached X2), X3->X5 on day 3 (same day
 * as the hop into X3: allowed, no earlier).
 */
Test(procs, time_respecting_paths)
{
	dn_db *db = tu_open(tu_fresh_dir("timepath"), NULL);
	dn_txn *t = tu_begin(db, 0);
	dn_id x[6], e;
	const char *lab[] = {"Person"};
	for (int i = 1; i <= 5; i++)
		TU_OK(db, dn_node_create(t, lab, 1, NULL, 0, NULL, &x[i]));
	static const int hops[][3] = {{1, 2, 1}, {2, 3, 3}, {1, 3, 5}, {2, 4, 0}, {3, 5, 3}};
	int32_t day0;
	dn_date_from_ymd(2004, 3, 1, &day0);
	for (int i = 0; i < 5; i++) {
		dn_prop p = {"date", dn_value_date(day0 + hops[i][2])};
		TU_OK(db, dn_edge_create(t, x[hops[i][0]], x[hops[i][1]], "CALLED", &p, 1, NULL, &e));
	}
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(2, "source", node(x[1]), "time", str("date"));
	dn_result *r = tu_analyze(t, "algo.timepath", &cfg);
	cr_assert_eq(dn_result_row_count(r), 3, "X2, X3, X5 (X4's call came too early)");
	cr_assert_eq(of(r, x[3], "arrival")->type, DN_DATE);
	cr_assert_eq(of(r, x[3], "arrival")->u.date, day0 + 3, "via X2 on day 3, not directly on day 5");
	cr_assert_eq(num_of(r, x[3], "hops"), 2);
	cr_assert_eq(of(r, x[5], "arrival")->u.date, day0 + 3);
	cr_assert_eq(num_of(r, x[5], "hops"), 3);
	const dn_value *p = of(r, x[5], "path");
	cr_assert_eq(p->type, DN_PATH);
	cr_assert_eq(p->len, 7);
	cr_assert_eq((dn_id)p->u.list[0].u.i, x[1]);
	cr_assert_eq((dn_id)p->u.list[6].u.i, x[5]);
	cr_assert_null(of(r, x[4], "arrival"));
	dn_result_free(r);
	dn_value_free(&cfg);
	/* starting on day 2: X1's day-1 call is too early; X3 directly on day 5 */
	cfg = tu_map(3, "source", node(x[1]), "time", str("date"), "start", dn_value_date(day0 + 2));
	r = tu_analyze(t, "algo.timepath", &cfg);
	cr_assert_eq(dn_result_row_count(r), 1);
	cr_assert_eq(of(r, x[3], "arrival")->u.date, day0 + 5);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(db);
}

/* --- link prediction, risk, key players, time slices ---------------------------------------- */

Test(procs, link_prediction)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	/* A's non-neighbours over KNOWS with a common neighbour: D (via C) */
	dn_value cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "node", node(b.n[A]));
	dn_result *r = tu_analyze(t, "algo.linkpred", &cfg);
	cr_assert_eq(dn_result_row_count(r), 1);
	cr_assert_eq((dn_id)cell(r, 0, "other")->u.i, b.n[D]);
	cr_assert_eq(num(cell(r, 0, "score")), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* Jaccard A-D: {B,C} and {C,E,F} share 1 of 4 */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "node", node(b.n[A]), "method", str("jaccard"));
	r = tu_analyze(t, "algo.linkpred", &cfg);
	cr_assert_float_eq(num(cell(r, 0, "score")), 0.25, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* Adamic-Adar A-D: C has degree 3 */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "node", node(b.n[A]), "method", str("adamic_adar"));
	r = tu_analyze(t, "algo.linkpred", &cfg);
	cr_assert_float_eq(num(cell(r, 0, "score")), 1 / log(3.0), 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* top pairs: A-D, B-D, C-E, C-F, each 1; ordered by ids */
	cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "top", dn_value_int(10));
	r = tu_analyze(t, "algo.linkpred", &cfg);
	cr_assert_eq(dn_result_row_count(r), 4);
	cr_assert_eq((dn_id)cell(r, 0, "node")->u.i, b.n[A]);
	cr_assert_eq((dn_id)cell(r, 3, "other")->u.i, b.n[F]);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

Test(procs, risk_from_seeds_with_paths)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "seeds", tu_list(1, node(b.n[A])));
	dn_result *r = tu_analyze(t, "algo.risk", &cfg);
	cr_assert_eq(dn_result_row_count(r), 6, "everyone the walk reaches (not G)");
	cr_assert_eq((dn_id)cell(r, 0, "node")->u.i, b.n[A], "the seed first");
	for (size_t i = 1; i < dn_result_row_count(r); i++)
		cr_assert_geq(num(cell(r, i - 1, "score")), num(cell(r, i, "score")));
	/* risk falls with distance: C (1 hop) > D (2) > F (3) */
	cr_assert_gt(num_of(r, b.n[C], "score"), num_of(r, b.n[D], "score"));
	cr_assert_gt(num_of(r, b.n[D], "score"), num_of(r, b.n[F], "score"));
	/* D's risk came along A - C - D */
	const dn_value *ps = of(r, b.n[D], "paths");
	cr_assert_eq(ps->type, DN_LIST);
	cr_assert_eq(ps->len, 1, "one seed, one best path");
	const dn_value *m = &ps->u.list[0];
	cr_assert_eq(m->type, DN_MAP);
	const dn_value *path = &m->u.list[1];
	cr_assert_eq(path->type, DN_PATH);
	cr_assert_eq(path->len, 5);
	cr_assert_eq((dn_id)path->u.list[0].u.i, b.n[A]);
	cr_assert_eq((dn_id)path->u.list[2].u.i, b.n[C]);
	cr_assert_eq((dn_id)path->u.list[4].u.i, b.n[D]);
	/* share of the walk A-C-D: 0.85/2 * 0.85/3 */
	cr_assert_float_eq(num(&m->u.list[3]), 0.85 / 2 * 0.85 / 3, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	/* seeding by label: every Person */
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "seed_labels", tu_list(1, str("Person")), "top", dn_value_int(2));
	r = tu_analyze(t, "algo.risk", &cfg);
	cr_assert_eq(dn_result_row_count(r), 2);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

Test(procs, key_players)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "k", dn_value_int(1));
	dn_result *r = tu_analyze(t, "algo.keyplayer", &cfg);
	cr_assert_eq(dn_result_row_count(r), 8, "4 strategies, steps 0 and 1");
	/*
	 * Intact: sum of 1/d over unordered pairs = 6 (triangle edges) + 1
	 * (C-D) + 4 * 1/2 + 4 * 1/3 = 31/3; ordered 62/3 over 7 * 6 pairs.
	 */
	cr_assert_str_eq(cell(r, 0, "strategy")->u.s, "greedy_lcc");
	cr_assert_eq(cell(r, 0, "node")->type, DN_NULL);
	cr_assert_eq(num(cell(r, 0, "largest_component")), 6);
	cr_assert_float_eq(num(cell(r, 0, "fragmentation")), 1 - (62.0 / 3) / 42, 1e-12);
	/* removing C (or D) leaves a largest component of 3 */
	cr_assert_eq((dn_id)cell(r, 1, "node")->u.i, b.n[C]);
	cr_assert_eq(num(cell(r, 1, "largest_component")), 3);
	/* every strategy picks C: the top betweenness and (first) top degree */
	for (size_t i = 1; i < 8; i += 2)
		cr_assert_eq((dn_id)cell(r, i, "node")->u.i, b.n[C], "row %zu", i);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

Test(procs, time_slices)
{
	dn_db *db = tu_open(tu_fresh_dir("slices"), NULL);
	dn_txn *t = tu_begin(db, 0);
	dn_id n[4], e;
	for (int i = 0; i < 4; i++)
		TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &n[i]));
	int32_t jan, feb, mar;
	dn_date_from_ymd(2004, 1, 1, &jan);
	dn_date_from_ymd(2004, 1, 31, &feb);
	dn_date_from_ymd(2004, 3, 1, &mar);
	/* January: 0-1, 1-2; February: 2-3 */
	dn_meta m = dn_meta_none();
	m.valid_from = (int64_t)jan * 86400000LL;
	m.valid_to = (int64_t)(jan + 20) * 86400000LL;
	TU_OK(db, dn_edge_create(t, n[0], n[1], "MET", NULL, 0, &m, &e));
	TU_OK(db, dn_edge_create(t, n[1], n[2], "MET", NULL, 0, &m, &e));
	m.valid_from = (int64_t)(feb + 5) * 86400000LL;
	m.valid_to = (int64_t)(feb + 10) * 86400000LL;
	TU_OK(db, dn_edge_create(t, n[2], n[3], "MET", NULL, 0, &m, &e));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(3, "from", dn_value_date(jan), "to", dn_value_date(mar), "step_days", dn_value_int(30));
	dn_result *r = tu_analyze(t, "algo.timeslice", &cfg);
	cr_assert_eq(dn_result_row_count(r), 2);
	cr_assert_eq(cell(r, 0, "window_from")->type, DN_DATE);
	cr_assert_eq(cell(r, 0, "window_from")->u.date, jan);
	cr_assert_eq(cell(r, 1, "window_from")->u.date, jan + 30);
	cr_assert_eq(cell(r, 1, "window_to")->u.date, mar);
	cr_assert_eq(num(cell(r, 0, "nodes")), 3);
	cr_assert_eq(num(cell(r, 0, "edges")), 2);
	cr_assert_eq(num(cell(r, 0, "largest_component")), 3);
	cr_assert_eq((dn_id)cell(r, 0, "top_node")->u.i, n[1], "the middle of 0-1-2");
	cr_assert_eq(num(cell(r, 1, "nodes")), 2);
	cr_assert_eq(num(cell(r, 1, "edges")), 1);
	cr_assert_float_eq(num(cell(r, 1, "density")), 1.0, 1e-12);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(db);
}

/* --- write-back and igraph errors ---------------------------------------------------------- */

Test(procs, write_stores_a_property)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, 0);
	dn_value cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "direction", str("both"), "write", str("deg"));
	dn_result *r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(dn_result_row_count(r), NB, "rows are returned as well");
	dn_result_free(r);
	dn_value_free(&cfg);
	cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "write", str("community"));
	r = tu_analyze(t, "algo.wcc", &cfg);
	dn_result_free(r);
	dn_value_free(&cfg);
	tu_commit(t);
	t = tu_begin(b.db, DN_TXN_RDONLY);
	dn_node *n;
	TU_OK(b.db, dn_node_get(t, b.n[C], &n));
	cr_assert_eq(dn_node_prop(n, "deg")->u.i, 3);
	cr_assert_eq(dn_node_prop(n, "community")->type, DN_INT);
	cr_assert_eq((dn_id)dn_node_prop(n, "community")->u.i, b.n[A]);
	dn_node_free(n);
	dn_txn_abort(t);

	/* a write that fails halfway (a unique index on Person.deg: A and B
	 * both have degree 2) leaves nothing written, and the transaction
	 * goes on */
	t = tu_begin(b.db, 0);
	TU_OK(b.db, dn_index_create(t, NULL, "Person", "deg2", DN_INDEX_UNIQUE));
	cfg = tu_map(3, "types", tu_list(1, str("KNOWS")), "direction", str("both"), "write", str("deg2"));
	r = NULL;
	cr_assert_eq(dn_analyze(t, "algo.degree", &cfg, &r), DN_ECONSTRAINT, "%s", dn_errmsg(b.db));
	cr_assert(strstr(dn_errmsg(b.db), "nothing written"), "%s", dn_errmsg(b.db));
	cr_assert_null(r);
	dn_value_free(&cfg);
	TU_OK(b.db, dn_node_get(t, b.n[A], &n));
	cr_assert_null(dn_node_prop(n, "deg2"), "A's degree was written before B's failed");
	dn_node_free(n);
	dn_value v = dn_value_int(7);
	TU_OK(b.db, dn_node_set_prop(t, b.n[G], "deg2", &v));
	tu_commit(t);

	/* the projection sees the transaction's own new relationships */
	t = tu_begin(b.db, 0);
	dn_id ge;
	TU_OK(b.db, dn_edge_create(t, b.n[G], b.n[F], "KNOWS", NULL, 0, NULL, &ge));
	cfg = tu_map(1, "types", tu_list(1, str("KNOWS")));
	r = tu_analyze(t, "algo.degree", &cfg);
	cr_assert_eq(num_of(r, b.n[G], "degree"), 1);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);

	/* a procedure without a per-node result cannot write */
	t = tu_begin(b.db, 0);
	cfg = tu_map(1, "write", str("x"));
	cr_assert_eq(dn_analyze(t, "algo.bridges", &cfg, &r), DN_EINVAL);
	cr_assert(strstr(dn_errmsg(b.db), "unknown config key 'write'"), "%s", dn_errmsg(b.db));
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

Test(procs, igraph_error_becomes_dragnet_error)
{
	barbell b;
	barbell_make(&b);
	dn_txn *t = tu_begin(b.db, DN_TXN_RDONLY);
	/* an empty seed list: igraph refuses a reset vector of zeros */
	dn_value cfg = tu_map(1, "seeds", tu_list(0));
	dn_result *r = NULL;
	int rc = dn_analyze(t, "algo.pagerank", &cfg, &r);
	cr_assert_eq(rc, DN_ERUNTIME, "%d: %s", rc, dn_errmsg(b.db));
	cr_assert(strstr(dn_errmsg(b.db), "algo.pagerank: igraph:"), "%s", dn_errmsg(b.db));
	cr_assert_null(r);
	cr_assert_eq(dn_analyze_igraph_stack_size(), 0);
	dn_value_free(&cfg);
	/* and the next call works */
	r = tu_analyze(t, "algo.pagerank", NULL);
	dn_result_free(r);
	dn_txn_abort(t);
	tu_close_rm(b.db);
}

/* --- config values from command-line text ------------------------------------------------- */

Test(procs, config_values_from_text)
{
	dn_value v;
	char err[200];
	TU_OK(NULL, dn_analyze_arg("algo.pagerank", "damping", "0.9", &v, err, sizeof err));
	cr_assert_eq(v.type, DN_FLOAT);
	cr_assert_float_eq(v.u.f, 0.9, 1e-15);
	TU_OK(NULL, dn_analyze_arg("pagerank", "seeds", "3,5,8", &v, err, sizeof err));
	cr_assert_eq(v.type, DN_LIST);
	cr_assert_eq(v.len, 3);
	cr_assert_eq(v.u.list[2].u.i, 8);
	dn_value_free(&v);
	TU_OK(NULL, dn_analyze_arg("algo.degree", "types", "OWNS,DIRECTOR_OF", &v, err, sizeof err));
	cr_assert_eq(v.len, 2);
	cr_assert_eq(v.u.list[1].len, 11);
	dn_value_free(&v);
	TU_OK(NULL, dn_analyze_arg("algo.degree", "valid_at", "2004-03-11", &v, err, sizeof err));
	cr_assert_eq(v.type, DN_DATE);
	TU_OK(NULL, dn_analyze_arg("algo.betweenness", "normalized", "true", &v, err, sizeof err));
	cr_assert(v.type == DN_BOOL && v.u.b);
	cr_assert_eq(dn_analyze_arg("algo.pagerank", "damping", "high", &v, err, sizeof err), DN_EINVAL);
	cr_assert_str_eq(err, "'damping' must be a float");
	cr_assert_eq(dn_analyze_arg("algo.pagerank", "seeds", "3,x", &v, err, sizeof err), DN_EINVAL);
	cr_assert_eq(dn_analyze_arg("algo.pagerank", "dampin", "1", &v, err, sizeof err), DN_ENOTFOUND);
	cr_assert_str_eq(err, "unknown config key 'dampin' for algo.pagerank");
	cr_assert_eq(dn_analyze_arg("algo.nope", "x", "1", &v, err, sizeof err), DN_ENOTFOUND);
}
