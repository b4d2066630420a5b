/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_analysis.c — the network-analysis procedures (dn_analyze) against
 * references nobody here wrote: the LDBC Graphalytics expected outputs
 * (BFS, SSSP, WCC, PageRank, CDLP, LCC on every graph in
 * ../shared/data/graphalytics/graphs) and igraph itself on the criminal
 * networks of ../shared/data/networks; plus determinism with a seed, bad
 * input, write-back, restricted readers, and igraph's finally stack being
 * empty after every call.
 *
 * This test includes igraph.h to compute the reference values directly on
 * the same edge lists: it is a test, not the product (in the library only
 * engine/analysis/ includes igraph).
 */
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "value_ops.h"

/* --- helpers ----------------------------------------------------------------- */

static const char *data_dir(void)
{
	const char *d = getenv("DN_DATA_DIR");
	return d && *d ? d : "../shared/data";
}


/* Runs a procedure that must fail with code, its message containing want. */
static void run_fail(dn_txn *txn, const char *proc, const dn_value *cfg, int code, const char *want)
{
	dn_result *r = (dn_result *)1;
	int rc = dn_analyze(txn, proc, cfg, &r);
	const char *msg = dn_errmsg(dn_txn_db(txn));
	cr_assert_eq(rc, code, "%s -> %d (%s), wanted %s: %s", proc, rc, dn_strerror(rc), dn_strerror(code), msg);
	cr_assert_null(r);
	cr_assert(strstr(msg, want), "%s: message '%s' lacks '%s'", proc, msg, want);
	cr_assert_eq(dn_analyze_igraph_stack_size(), 0, "igraph finally stack not empty after failed %s", proc);
}

static dn_value str(const char *s)
{
	return dn_value_string(s, NULL);
}

/* The column index of name, failing the test when absent. */
static size_t col(const dn_result *r, const char *name)
{
	long i = dn_result_column_index(r, name);
	cr_assert_geq(i, 0, "no column %s", name);
	return (size_t)i;
}

static double num(const dn_value *v)
{
	cr_assert(v->type == DN_INT || v->type == DN_FLOAT, "not a number: %s", dn_type_name(v->type));
	return v->type == DN_INT ? (double)v->u.i : v->u.f;
}

static bool close_rel(double a, double b, double tol)
{
	if (isinf(a) || isinf(b))
		return a == b;
	return fabs(a - b) <= tol * fmax(1e-12, fmax(fabs(a), fabs(b))) || fabs(a - b) < 1e-12;
}

/* A loaded graph: node ids per vertex index (vertex i = i-th name). */
typedef struct tgraph {
	dn_db *db;
	size_t n, m;
	dn_id *ids;
	long *gid;          /* Graphalytics vertex ids (graphalytics graphs) */
	long *src, *dst;    /* edges by vertex index */
	double *w;
	bool directed, weighted;
} tgraph;

static long vertex_of(const tgraph *g, dn_id id)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->ids[i] == id)
			return (long)i;
	cr_assert_fail("node %llu is not a vertex", (unsigned long long)id);
	return -1;
}

/* Creates the nodes (label V, property gid) in vertex order and the edges
 * (type E, property weight) in one write transaction. */
static void tg_store(tgraph *g, const char *name)
{
	g->db = tu_open(tu_fresh_dir(name), &(dn_open_opts){.flags = DN_OPEN_NOSYNC});
	dn_txn *t = tu_begin(g->db, 0);
	const char *lab[] = {"V"};
	g->ids = calloc(g->n + 1, sizeof *g->ids);
	for (size_t i = 0; i < g->n; i++) {
		dn_prop p = {"gid", dn_value_int(g->gid ? g->gid[i] : (long)i)};
		TU_OK(g->db, dn_node_create(t, lab, 1, &p, 1, NULL, &g->ids[i]));
	}
	for (size_t e = 0; e < g->m; e++) {
		dn_prop p = {"weight", dn_value_float(g->w ? g->w[e] : 1.0)};
		dn_id id;
		TU_OK(g->db, dn_edge_create(t, g->ids[g->src[e]], g->ids[g->dst[e]], "E", &p, 1, NULL, &id));
	}
	tu_commit(t);
}

static void tg_free(tgraph *g)
{
	tu_close_rm(g->db);
	free(g->ids);
	free(g->gid);
	free(g->src);
	free(g->dst);
	free(g->w);
}

/* --- LDBC Graphalytics --------------------------------------------------------- */

#define GA_DIR "graphalytics/graphs"

/* The value of `graph.NAME.key` in NAME.properties ("" when absent). */
static void ga_prop(const char *name, const char *key, char *out, size_t cap)
{
	char path[1024], line[1024], want[256];
	snprintf(path, sizeof path, "%s/%s/%s.properties", data_dir(), GA_DIR, name);
	snprintf(want, sizeof want, "graph.%s.%s", name, key);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	out[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		char *p = line;
		while (*p == ' ')
			p++;
		size_t wl = strlen(want);
		if (strncmp(p, want, wl) || (p[wl] != ' ' && p[wl] != '='))
			continue;
		p = strchr(p, '=');
		if (!p)
			continue;
		p++;
		while (*p == ' ')
			p++;
		snprintf(out, cap, "%s", p);
		out[strcspn(out, "\r\n ")] = '\0';
	}
	fclose(f);
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long ga_index(const tgraph *g, long gid)
{
	long *p = bsearch(&gid, g->gid, g->n, sizeof *g->gid, cmp_long);
	cr_assert_not_null(p, "vertex %ld not in .v", gid);
	return p - g->gid;
}

static void ga_load(tgraph *g, const char *name)
{
	char path[1024], line[256], buf[64];
	size_t cap = 64;
	memset(g, 0, sizeof *g);
	ga_prop(name, "directed", buf, sizeof buf);
	g->directed = !strcmp(buf, "true");
	ga_prop(name, "edge-properties.names", buf, sizeof buf);
	g->weighted = !strcmp(buf, "weight");
	snprintf(path, sizeof path, "%s/%s/%s.v", data_dir(), GA_DIR, name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	g->gid = malloc(cap * sizeof *g->gid);
	while (fgets(line, sizeof line, f)) {
		long v;
		if (sscanf(line, "%ld", &v) != 1)
			continue;
		if (g->n == cap)
			g->gid = realloc(g->gid, (cap *= 2) * sizeof *g->gid);
		g->gid[g->n++] = v;
	}
	fclose(f);
	/* sorted: dragnet ids then follow Graphalytics ids, which CDLP's
	 * smallest-label rule and WCC's labels depend on */
	qsort(g->gid, g->n, sizeof *g->gid, cmp_long);
	snprintf(path, sizeof path, "%s/%s/%s.e", data_dir(), GA_DIR, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	cap = 64;
	g->src = malloc(cap * sizeof *g->src);
	g->dst = malloc(cap * sizeof *g->dst);
	g->w = malloc(cap * sizeof *g->w);
	while (fgets(line, sizeof line, f)) {
		long a, b;
		double w = 1;
		int k = sscanf(line, "%ld %ld %lf", &a, &b, &w);
		if (k < 2)
			continue;
		if (g->m == cap) {
			cap *= 2;
			g->src = realloc(g->src, cap * sizeof *g->src);
			g->dst = realloc(g->dst, cap * sizeof *g->dst);
			g->w = realloc(g->w, cap * sizeof *g->w);
		}
		g->src[g->m] = ga_index(g, a);
		g->dst[g->m] = ga_index(g, b);
		g->w[g->m] = w;
		g->m++;
	}
	fclose(f);
	tg_store(g, name);
}

/* Expected output NAME-ALG: value text per Graphalytics vertex id, indexed
 * like g->gid. Returns false when the file does not exist. */
static bool ga_expected(const tgraph *g, const char *name, const char *alg, char (*vals)[40])
{
	char path[1024], line[256];
	snprintf(path, sizeof path, "%s/%s/%s-%s", data_dir(), GA_DIR, name, alg);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t seen = 0;
	while (fgets(line, sizeof line, f)) {
		long v;
		char val[40];
		if (sscanf(line, "%ld %39s", &v, val) != 2)
			continue;
		snprintf(vals[ga_index(g, v)], 40, "%s", val);
		seen++;
	}
	fclose(f);
	cr_assert_eq(seen, g->n, "%s-%s: %zu values for %zu vertices", name, alg, seen, g->n);
	return true;
}

/* The result as one value per vertex (NULL where the result has no row). */
static const dn_value **by_vertex(const tgraph *g, const dn_result *r, const char *column)
{
	const dn_value **out = calloc(g->n + 1, sizeof *out);
	size_t nc = col(r, "node"), vc = col(r, column);
	for (size_t i = 0; i < dn_result_row_count(r); i++) {
		const dn_value *n = dn_result_cell(r, i, nc);
		cr_assert_eq(n->type, DN_NODE);
		long v = vertex_of(g, (dn_id)n->u.i);
		cr_assert_null(out[v], "two rows for one node");
		out[v] = dn_result_cell(r, i, vc);
	}
	return out;
}

static dn_value ga_config(const tgraph *g, int nextra, ...)
{
	const char *keys[8];
	dn_value vals[8], out;
	va_list ap;
	int n = 0;
	keys[n] = "direction";
	vals[n++] = str(g->directed ? "out" : "both");
	va_start(ap, nextra);
	for (int i = 0; i < nextra; i++) {
		keys[n] = va_arg(ap, const char *);
		vals[n++] = va_arg(ap, dn_value);
	}
	va_end(ap);
	cr_assert_eq(dn_cy_map_build(keys, vals, (size_t)n, &out), 0);
	for (int i = 0; i < n; i++)
		dn_value_free(&vals[i]);
	return out;
}

/* Runs one Graphalytics algorithm on graph `name` if it has an expected
 * output for it; returns whether it did. */
static bool ga_check(tgraph *g, const char *name, const char *alg)
{
	char (*exp)[40] = calloc(g->n, sizeof *exp);
	char buf[64];
	if (!ga_expected(g, name, alg, exp)) {
		free(exp);
		return false;
	}
	dn_txn *t = tu_begin(g->db, DN_TXN_RDONLY);
	dn_value cfg;
	const char *proc, *column;
	if (!strcmp(alg, "BFS")) {
		ga_prop(name, "bfs.source-vertex", buf, sizeof buf);
		cfg = ga_config(g, 1, "source", dn_value_int((int64_t)g->ids[ga_index(g, atol(buf))]));
		proc = "algo.bfs";
		column = "depth";
	} else if (!strcmp(alg, "SSSP")) {
		ga_prop(name, "sssp.source-vertex", buf, sizeof buf);
		cfg = ga_config(g, 2, "source", dn_value_int((int64_t)g->ids[ga_index(g, atol(buf))]), "weight", str("weight"));
		proc = "algo.sssp";
		column = "distance";
	} else if (!strcmp(alg, "PR")) {
		char it[64];
		ga_prop(name, "pr.damping-factor", buf, sizeof buf);
		ga_prop(name, "pr.num-iterations", it, sizeof it);
		cfg = ga_config(g, 3, "variant", str("graphalytics"), "damping", dn_value_float(atof(buf)), "iterations",
		                dn_value_int(atol(it)));
		proc = "algo.pagerank";
		column = "score";
	} else if (!strcmp(alg, "CDLP")) {
		ga_prop(name, "cdlp.max-iterations", buf, sizeof buf);
		cfg = ga_config(g, 2, "variant", str("graphalytics"), "iterations", dn_value_int(atol(buf)));
		proc = "algo.labelprop";
		column = "community";
	} else if (!strcmp(alg, "LCC")) {
		cfg = ga_config(g, 0);
		proc = "algo.lcc";
		column = "coefficient";
	} else {
		cfg = ga_config(g, 0);
		proc = "algo.wcc";
		column = "component";
	}
	dn_result *r = tu_analyze(t, proc, &cfg);
	const dn_value **got = by_vertex(g, r, column);
	for (size_t v = 0; v < g->n; v++) {
		const char *e = exp[v];
		const dn_value *x = got[v];
		if (!strcmp(alg, "BFS")) {
			long long want = atoll(e);
			long long have = x ? x->u.i : 9223372036854775807LL;
			cr_assert_eq(have, want, "%s BFS vertex %ld: %lld, expected %lld", name, g->gid[v], have, want);
		} else if (!strcmp(alg, "SSSP")) {
			double want = !strcmp(e, "infinity") || !strcmp(e, "Infinity") ? INFINITY : atof(e);
			double have = x ? num(x) : INFINITY;
			cr_assert(close_rel(have, want, 1e-4), "%s SSSP vertex %ld: %g, expected %g", name, g->gid[v], have, want);
		} else if (!strcmp(alg, "PR") || !strcmp(alg, "LCC")) {
			cr_assert_not_null(x);
			cr_assert(close_rel(num(x), atof(e), 1e-4), "%s %s vertex %ld: %.10g, expected %s", name, alg, g->gid[v],
			          num(x), e);
		} else if (!strcmp(alg, "CDLP")) {
			cr_assert_not_null(x);
			long have = g->gid[vertex_of(g, (dn_id)x->u.i)];
			cr_assert_eq(have, atol(e), "%s CDLP vertex %ld: %ld, expected %s", name, g->gid[v], have, e);
		} else {
			/* WCC: the same partition (same label <=> same expected label) */
			cr_assert_not_null(x);
			for (size_t u = 0; u < v; u++)
				cr_assert_eq(got[u]->u.i == x->u.i, !strcmp(exp[u], e), "%s WCC vertices %ld and %ld", name,
				             g->gid[u], g->gid[v]);
		}
	}
	free(got);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	free(exp);
	return true;
}

Test(analysis, graphalytics_every_graph)
{
	static const char *const graphs[] = {
		"example-directed", "example-undirected", "test-bfs-directed", "test-bfs-undirected",
		"test-cdlp-directed", "test-cdlp-undirected", "test-lcc-directed", "test-lcc-undirected",
		"test-pr-directed", "test-pr-undirected", "test-sssp-directed", "test-sssp-undirected",
		"test-wcc-directed", "test-wcc-undirected",
	};
	static const char *const algs[] = {"BFS", "SSSP", "WCC", "PR", "CDLP", "LCC"};
	int checked = 0;
	for (size_t i = 0; i < sizeof graphs / sizeof *graphs; i++) {
		tgraph g;
		ga_load(&g, graphs[i]);
		for (size_t a = 0; a < sizeof algs / sizeof *algs; a++)
			checked += ga_check(&g, graphs[i], algs[a]);
		tg_free(&g);
	}
	/* 6 algorithms on the 2 example graphs, 1 on each of the 12 others */
	cr_assert_eq(checked, 24, "%d expected outputs checked", checked);
}

/* --- criminal networks against igraph ----------------------------------------------- */

/* Reads an edge list: '#' lines and a header line skipped; fields split
 * by commas or blanks; the first two are the ends (names or numbers),
 * vertices numbered in order of first appearance. */
static void net_load(tgraph *g, const char *file, bool directed)
{
	char path[1024], line[1024];
	char **names = NULL;
	size_t cap = 0, ecap = 0;
	memset(g, 0, sizeof *g);
	g->directed = directed;
	snprintf(path, sizeof path, "%s/networks/%s", data_dir(), file);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	bool first = true, weighted = false;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (first && (strstr(line, "source") || strstr(line, "from"))) {
			/* a CSV whose last column is "weight" (names may hold blanks) */
			const char *lc = strrchr(line, ',');
			weighted = lc && !strncmp(lc + 1, "weight", 6);
			first = false;
			continue;
		}
		first = false;
		double w = weighted ? atof(strrchr(line, ',') + 1) : 1;
		char *save, *a = strtok_r(line, ", \t\r\n", &save), *b = strtok_r(NULL, ", \t\r\n", &save);
		if (!a || !b)
			continue;
		long ends[2];
		const char *ab[2] = {a, b};
		for (int k = 0; k < 2; k++) {
			size_t i;
			for (i = 0; i < g->n && strcmp(names[i], ab[k]); i++)
				;
			if (i == g->n) {
				if (g->n == cap)
					names = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
				names[g->n++] = strdup(ab[k]);
			}
			ends[k] = (long)i;
		}
		if (g->m == ecap) {
			ecap = ecap ? 2 * ecap : 64;
			g->src = realloc(g->src, ecap * sizeof *g->src);
			g->dst = realloc(g->dst, ecap * sizeof *g->dst);
			g->w = realloc(g->w, ecap * sizeof *g->w);
		}
		g->src[g->m] = ends[0];
		g->dst[g->m] = ends[1];
		g->w[g->m] = w;
		g->m++;
	}
	fclose(f);
	for (size_t i = 0; i < g->n; i++)
		free(names[i]);
	free(names);
	cr_assert_gt(g->m, 0, "%s: no edges", file);
	g->weighted = weighted;
	tg_store(g, "net");
}

static void ig_graph(const tgraph *g, igraph_t *ig)
{
	igraph_vector_int_t ev;
	cr_assert_eq(igraph_vector_int_init(&ev, (igraph_integer_t)(2 * g->m)), IGRAPH_SUCCESS);
	for (size_t e = 0; e < g->m; e++) {
		VECTOR(ev)[2 * e] = g->src[e];
		VECTOR(ev)[2 * e + 1] = g->dst[e];
	}
	cr_assert_eq(igraph_create(ig, &ev, (igraph_integer_t)g->n, g->directed), IGRAPH_SUCCESS);
	igraph_vector_int_destroy(&ev);
}

/* Compares a node column with a reference vector (NaN <=> null). */
static void cmp_vector(const tgraph *g, const char *what, const dn_result *r, const char *column, const igraph_vector_t *ref)
{
	const dn_value **got = by_vertex(g, r, column);
	for (size_t v = 0; v < g->n; v++) {
		double want = VECTOR(*ref)[v];
		cr_assert_not_null(got[v], "%s: no row for vertex %zu", what, v);
		if (isnan(want)) {
			cr_assert_eq(got[v]->type, DN_NULL, "%s vertex %zu: expected null", what, v);
			continue;
		}
		cr_assert(close_rel(num(got[v]), want, 1e-9), "%s vertex %zu: %.12g, igraph %.12g", what, v, num(got[v]), want);
	}
	free(got);
}

static int lcc_checked;      /* networks simple enough for igraph's LCC */
static int weighted_checked; /* networks with weights */

static void net_check(const char *file, bool directed)
{
	tgraph g;
	igraph_t ig;
	igraph_vector_t ref;
	igraph_vector_int_t iref;
	net_load(&g, file, directed);
	ig_graph(&g, &ig);
	igraph_vector_init(&ref, 0);
	igraph_vector_int_init(&iref, 0);
	dn_txn *t = tu_begin(g.db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(1, "direction", str(directed ? "out" : "both"));
	igraph_neimode_t mode = directed ? IGRAPH_OUT : IGRAPH_ALL;

	dn_result *r = tu_analyze(t, "algo.degree", &cfg);
	igraph_degree(&ig, &iref, igraph_vss_all(), mode, true);
	igraph_vector_resize(&ref, (igraph_integer_t)g.n);
	for (size_t v = 0; v < g.n; v++)
		VECTOR(ref)[v] = (double)VECTOR(iref)[v];
	cmp_vector(&g, file, r, "degree", &ref);
	dn_result_free(r);

	r = tu_analyze(t, "algo.betweenness", &cfg);
	igraph_betweenness(&ig, &ref, igraph_vss_all(), true, NULL);
	cmp_vector(&g, file, r, "score", &ref);
	dn_result_free(r);

	r = tu_analyze(t, "algo.closeness", &cfg);
	igraph_closeness(&ig, &ref, NULL, NULL, igraph_vss_all(), mode, NULL, true);
	cmp_vector(&g, file, r, "score", &ref);
	dn_result_free(r);

	r = tu_analyze(t, "algo.pagerank", &cfg);
	igraph_pagerank(&ig, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, NULL, igraph_vss_all(), directed, 0.85, NULL, NULL);
	cmp_vector(&g, file, r, "score", &ref);
	dn_result_free(r);

	r = tu_analyze(t, "algo.kcore", &cfg);
	igraph_coreness(&ig, &iref, IGRAPH_ALL);
	igraph_vector_resize(&ref, (igraph_integer_t)g.n);
	for (size_t v = 0; v < g.n; v++)
		VECTOR(ref)[v] = (double)VECTOR(iref)[v];
	cmp_vector(&g, file, r, "coreness", &ref);
	dn_result_free(r);

	r = tu_analyze(t, "algo.harmonic", &cfg);
	igraph_harmonic_centrality(&ig, &ref, igraph_vss_all(), mode, NULL, false);
	cmp_vector(&g, file, r, "score", &ref);
	dn_result_free(r);

	/* local clustering: igraph's needs a simple undirected graph */
	igraph_bool_t simple = false;
	igraph_is_simple(&ig, &simple);
	if (!directed && simple) {
		r = tu_analyze(t, "algo.lcc", &cfg);
		igraph_transitivity_local_undirected(&ig, &ref, igraph_vss_all(), IGRAPH_TRANSITIVITY_ZERO);
		cmp_vector(&g, file, r, "coefficient", &ref);
		dn_result_free(r);
		lcc_checked++;
	}

	/* weighted: strength, PageRank and betweenness (weights as distances) */
	if (g.weighted) {
		igraph_vector_t w;
		igraph_vector_view(&w, g.w, (igraph_integer_t)g.m);
		dn_value wcfg = tu_map(2, "direction", str(directed ? "out" : "both"), "weight", str("weight"));
		r = tu_analyze(t, "algo.degree", &wcfg);
		igraph_strength(&ig, &ref, igraph_vss_all(), mode, true, &w);
		cmp_vector(&g, file, r, "degree", &ref);
		dn_result_free(r);
		r = tu_analyze(t, "algo.pagerank", &wcfg);
		igraph_pagerank(&ig, IGRAPH_PAGERANK_ALGO_PRPACK, &ref, NULL, igraph_vss_all(), directed, 0.85, &w, NULL);
		cmp_vector(&g, file, r, "score", &ref);
		dn_result_free(r);
		r = tu_analyze(t, "algo.betweenness", &wcfg);
		igraph_betweenness(&ig, &ref, igraph_vss_all(), true, &w);
		cmp_vector(&g, file, r, "score", &ref);
		dn_result_free(r);
		dn_value_free(&wcfg);
		weighted_checked++;
	}

	/* components: the same partition */
	r = tu_analyze(t, "algo.wcc", &cfg);
	igraph_connected_components(&ig, &iref, NULL, NULL, IGRAPH_WEAK);
	const dn_value **got = by_vertex(&g, r, "component");
	for (size_t v = 0; v < g.n; v++)
		for (size_t u = 0; u < v; u++)
			cr_assert_eq(got[u]->u.i == got[v]->u.i, VECTOR(iref)[u] == VECTOR(iref)[v], "%s wcc %zu/%zu", file, u, v);
	free(got);
	dn_result_free(r);

	dn_value_free(&cfg);
	dn_txn_abort(t);
	igraph_vector_destroy(&ref);
	igraph_vector_int_destroy(&iref);
	igraph_destroy(&ig);
	tg_free(&g);
}

Test(analysis, networks_match_igraph)
{
	static const struct {
		const char *file;
		bool directed;
	} nets[] = {
		{"florentine-families/florentine_marriage_edges.csv", false},
		{"9-11-hijackers-krebs/terrorists.net", false},
		{"9-11-hijackers-krebs/Hijackers_911__9_11_HIJACKERS_ASSOCIATES.edges.csv", false},
		{"hartford-drug-users/hartford_drug.edgelist", true},
		{"hartford-drug-users/hartford_drug.edgelist", false},
		{"caviar/df-undirected/Caviar__CAVIAR_FULL.edges.csv", false},
		{"madrid-train-bombing/Madrid_bombing_v2.edges.csv", false},
		{"noordin-top/Noordin_top__NOORDINTOP_OPERATIONS.edges.csv", false},
		{"drug-trafficking-misc/Drugnet.edges.csv", false},
		{"drug-trafficking-misc/Siren.edges.csv", false},
		{"drug-trafficking-misc/CielNet.edges.csv", false},
	};
	for (size_t i = 0; i < sizeof nets / sizeof *nets; i++)
		net_check(nets[i].file, nets[i].directed);
	cr_assert_geq(lcc_checked, 5, "only %d networks had their LCC compared", lcc_checked);
	cr_assert_geq(weighted_checked, 3, "only %d weighted networks", weighted_checked);
}

Test(analysis, florentine_medici_betweenness)
{
	/* the textbook value: Medici 47.5 (Padgett & Ansell) */
	tgraph g;
	net_load(&g, "florentine-families/florentine_marriage_edges.csv", false);
	dn_txn *t = tu_begin(g.db, DN_TXN_RDONLY);
	dn_value cfg = tu_map(1, "direction", str("both"));
	dn_result *r = tu_analyze(t, "algo.betweenness", &cfg);
	double best = 0;
	for (size_t i = 0; i < dn_result_row_count(r); i++)
		best = fmax(best, num(dn_result_cell(r, i, col(r, "score"))));
	cr_assert(close_rel(best, 47.5, 1e-9), "max betweenness %g", best);
	dn_result_free(r);
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tg_free(&g);
}

/* --- determinism ----------------------------------------------------------------------- */

static bool same_result(const dn_result *a, const dn_result *b)
{
	if (dn_result_row_count(a) != dn_result_row_count(b) || dn_result_column_count(a) != dn_result_column_count(b))
		return false;
	for (size_t i = 0; i < dn_result_row_count(a); i++)
		for (size_t j = 0; j < dn_result_column_count(a); j++)
			if (dn_value_compare(dn_result_cell(a, i, j), dn_result_cell(b, i, j)))
				return false;
	return true;
}

Test(analysis, communities_deterministic_with_seed)
{
	tgraph g;
	net_load(&g, "caviar/df-undirected/Caviar__CAVIAR_FULL.edges.csv", false);
	dn_txn *t = tu_begin(g.db, DN_TXN_RDONLY);
	static const char *const procs[] = {"algo.louvain", "algo.leiden", "algo.labelprop"};
	for (size_t p = 0; p < 3; p++) {
		dn_value cfg = tu_map(1, "seed", dn_value_int(42));
		dn_result *a = tu_analyze(t, procs[p], &cfg);
		/* the caller's igraph RNG is used in between, and the call leaves
		 * its stream alone */
		igraph_rng_seed(igraph_rng_default(), 7);
		igraph_real_t x1 = igraph_rng_get_unif01(igraph_rng_default());
		igraph_real_t x2 = igraph_rng_get_unif01(igraph_rng_default());
		igraph_rng_seed(igraph_rng_default(), 7);
		cr_assert_eq(igraph_rng_get_unif01(igraph_rng_default()), x1);
		dn_result *b = tu_analyze(t, procs[p], &cfg);
		cr_assert_eq(igraph_rng_get_unif01(igraph_rng_default()), x2, "%s moved the caller's RNG", procs[p]);
		cr_assert(same_result(a, b), "%s differs between two runs with seed 42", procs[p]);
		cr_assert_eq(dn_result_row_count(a), g.n);
		/* communities are labelled by a member node */
		size_t cc = col(a, "community");
		for (size_t i = 0; i < dn_result_row_count(a); i++)
			vertex_of(&g, (dn_id)dn_result_cell(a, i, cc)->u.i);
		dn_result_free(a);
		dn_result_free(b);
		dn_value_free(&cfg);
	}
	dn_txn_abort(t);
	tg_free(&g);
}

/* --- bad input ------------------------------------------------------------------------- */

/* a -> b -> c, plus d alone; edge weights 1, -2 */
static dn_db *small_db(dn_id *ids)
{
	dn_db *db = tu_open(tu_fresh_dir("small"), NULL);
	dn_txn *t = tu_begin(db, 0);
	const char *lab[] = {"Person"};
	for (int i = 0; i < 4; i++)
		TU_OK(db, dn_node_create(t, lab, 1, NULL, 0, NULL, &ids[i]));
	dn_prop w1 = {"w", dn_value_int(1)}, w2 = {"w", dn_value_float(-2)};
	dn_id e;
	TU_OK(db, dn_edge_create(t, ids[0], ids[1], "KNOWS", &w1, 1, NULL, &e));
	TU_OK(db, dn_edge_create(t, ids[1], ids[2], "KNOWS", &w2, 1, NULL, &e));
	TU_OK(db, dn_edge_create(t, ids[2], ids[3], "OTHER", NULL, 0, NULL, &e));
	tu_commit(t);
	return db;
}

Test(analysis, bad_input)
{
	dn_id ids[4];
	dn_db *db = small_db(ids);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_value cfg;

	run_fail(t, "algo.nope", NULL, DN_ENOTFOUND, "unknown procedure 'algo.nope'");
	cfg = tu_map(1, "dampin", dn_value_float(0.5));
	run_fail(t, "algo.pagerank", &cfg, DN_EINVAL, "unknown config key 'dampin' for algo.pagerank");
	dn_value_free(&cfg);
	cfg = tu_map(1, "damping", dn_value_float(1.5));
	run_fail(t, "algo.pagerank", &cfg, DN_EINVAL, "'damping' must be a float in (0, 1)");
	dn_value_free(&cfg);
	cfg = tu_map(1, "damping", str("high"));
	run_fail(t, "algo.pagerank", &cfg, DN_EINVAL, "'damping' must be a float, not a STRING");
	dn_value_free(&cfg);
	cfg = tu_map(1, "labels", tu_list(1, str("Vessel")));
	run_fail(t, "algo.degree", &cfg, DN_EINVAL, "empty projection");
	dn_value_free(&cfg);
	cfg = tu_map(1, "types", tu_list(1, str("NO_SUCH_TYPE")));
	run_fail(t, "algo.wcc", &cfg, DN_EINVAL, "empty projection");
	dn_value_free(&cfg);
	/* the OTHER edge has no w */
	cfg = tu_map(1, "weight", str("w"));
	run_fail(t, "algo.degree", &cfg, DN_EINVAL, "weight property 'w' missing on edge");
	dn_value_free(&cfg);
	cfg = tu_map(3, "weight", str("w"), "types", tu_list(1, str("KNOWS")), "source", dn_value_int((int64_t)ids[0]));
	run_fail(t, "algo.sssp", &cfg, DN_EINVAL, "negative weight -2 on edge");
	dn_value_free(&cfg);
	cfg = tu_map(1, "direction", str("sideways"));
	run_fail(t, "algo.degree", &cfg, DN_EINVAL, "'direction' must be one of 'out', 'in', 'both'");
	dn_value_free(&cfg);
	run_fail(t, "algo.bfs", NULL, DN_EINVAL, "'source' is required");
	cfg = tu_map(1, "source", dn_value_int(999));
	run_fail(t, "algo.bfs", &cfg, DN_ENOTFOUND, "node 999 not found");
	dn_value_free(&cfg);
	cfg = tu_map(1, "write", str("deg"));
	run_fail(t, "algo.degree", &cfg, DN_EREADONLY, "'write' needs a write transaction");
	dn_value_free(&cfg);
	cfg = tu_map(1, "min_grade", str("Z9"));
	run_fail(t, "algo.degree", &cfg, DN_EINVAL, "'min_grade' must be a grade");
	dn_value_free(&cfg);
	cfg = tu_map(1, "weight", str("w"));
	run_fail(t, "algo.wcc", &cfg, DN_EINVAL, "unknown config key 'weight' for algo.wcc");
	dn_value_free(&cfg);
	dn_value notmap = dn_value_int(3);
	run_fail(t, "algo.degree", &notmap, DN_EINVAL, "the config must be a map");
	/* an igraph error comes back as a dragnet error with igraph's reason */
	cfg = tu_map(2, "types", tu_list(1, str("KNOWS")), "weight", str("w"));
	run_fail(t, "algo.pagerank", &cfg, DN_EINVAL, "negative weight -2");
	dn_value_free(&cfg);
	dn_txn_abort(t);
	tu_close_rm(db);
}

/* --- registry ---------------------------------------------------------------------------- */

Test(analysis, registry_lists_procedures)
{
	size_t n;
	const dn_proc_info *p = dn_analyze_procs(&n);
	cr_assert_geq(n, 27);
	for (size_t i = 0; i < n; i++) {
		cr_assert(!strncmp(p[i].name, "algo.", 5));
		cr_assert_gt(p[i].ncolumns, 0);
		cr_assert_eq(dn_analyze_proc(p[i].name), &p[i], "%s", p[i].name);
		for (size_t k = 0; k < p[i].nkeys; k++)
			cr_assert_not_null(p[i].keys[k].help);
	}
	cr_assert_not_null(dn_analyze_proc("PageRank"));
	cr_assert_null(dn_analyze_proc("algo.nothing"));
}
