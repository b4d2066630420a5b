/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_analysis.c — the cost of analysing the graph where it is stored:
 * building the igraph projection from the database (algo.project) against
 * igraph_create from an in-memory edge array of the same graph, and
 * PageRank, weak components and Louvain end to end through dn_analyze
 * (projection + algorithm + result rows) against igraph alone (create +
 * algorithm), side by side in one run, medians of --reps runs. It prints
 * figures and ratios and never passes or fails.
 *
 *   bench_analysis [--edges FILE] [--nodes N --m M] [--reps R] [--tmpdir DIR]
 *                  [--project-only]
 *
 * FILE is a "src dst" edge list with vertex ids 0..n-1 (default
 * /tmp/peersbench/data/twitter.el, SNAP ego-Twitter as prepared by
 * ../shared/bench/peers/01_prep_data.py); without it a power-law graph of
 * N nodes and M edges is generated (default 81306 / 2420766, the same size).
 *
 * This benchmark includes igraph.h for the baseline: it is a benchmark, not
 * the product (in the library only engine/analysis/ includes igraph).
 */
#include <igraph.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dragnet.h"

#define MAXREPS 20

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof *t, cmp_d);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void die(dn_db *db, int rc, const char *what)
{
	fprintf(stderr, "bench_analysis: %s: %s: %s\n", what, dn_strerror(rc), dn_errmsg(db));
	exit(1);
}

/* Power-law endpoints: vertex floor(n * u^2) for uniform u. */
static void generate(igraph_integer_t n, igraph_integer_t m, igraph_vector_int_t *ev)
{
	uint64_t x = 42;
	igraph_vector_int_resize(ev, 2 * m);
	for (igraph_integer_t i = 0; i < 2 * m; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double u = (double)(x >> 11) / 9007199254740992.0;
		VECTOR(*ev)[i] = (igraph_integer_t)((double)n * u * u);
	}
}

static dn_result *analyze(dn_txn *t, const char *proc, const dn_value *cfg)
{
	dn_result *r = NULL;
	int rc = dn_analyze(t, proc, cfg, &r);
	if (rc)
		die(dn_txn_db(t), rc, proc);
	return r;
}

static dn_value config1(const char *key, dn_value v)
{
	dn_value *kv = calloc(2, sizeof *kv);
	kv[0] = dn_value_string(key, NULL);
	kv[1] = v;
	dn_value m = {.type = DN_MAP, .owned = 1, .len = 1};
	m.u.list = kv;
	return m;
}

int main(int argc, char **argv)
{
	const char *file = "/tmp/peersbench/data/twitter.el", *tmp = "/tmp";
	igraph_integer_t n = 81306, m = 2420766;
	int reps = 5;
	bool file_given = false, project_only = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--edges") && i + 1 < argc)
			file = argv[++i], file_given = true;
		else if (!strcmp(argv[i], "--nodes") && i + 1 < argc)
			n = atoll(argv[++i]), file = NULL;
		else if (!strcmp(argv[i], "--m") && i + 1 < argc)
			m = atoll(argv[++i]), file = NULL;
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--project-only"))
			project_only = true;
		else if (!strcmp(argv[i], "--tmpdir") && i + 1 < argc)
			tmp = argv[++i];
		else {
			fprintf(stderr, "usage: bench_analysis [--edges FILE] [--nodes N --m M] [--reps R] [--tmpdir DIR] "
			                "[--project-only]\n");
			return 2;
		}
	}
	if (reps < 1 || reps > MAXREPS)
		reps = reps < 1 ? 1 : MAXREPS;

	/* the edge array */
	igraph_vector_int_t ev;
	igraph_vector_int_init(&ev, 0);
	FILE *f = file ? fopen(file, "r") : NULL;
	if (!f && file_given) {
		perror(file);
		return 1;
	}
	const char *source = f ? file : "generated power-law graph";
	if (f) {
		long long a, b, max = -1;
		while (fscanf(f, "%lld %lld", &a, &b) == 2) {
			igraph_vector_int_push_back(&ev, a);
			igraph_vector_int_push_back(&ev, b);
			max = a > max ? a : max;
			max = b > max ? b : max;
		}
		fclose(f);
		n = (igraph_integer_t)(max + 1);
		m = igraph_vector_int_size(&ev) / 2;
	} else {
		generate(n, m, &ev);
	}
	printf("graph: %s: %lld nodes, %lld edges (directed)\n", source, (long long)n, (long long)m);

	/* the same graph in a database: node i is the i-th created */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/bench_analysis-%ld", tmp, (long)getpid());
	dn_db *db;
	dn_txn *t;
	int rc = dn_open(dir, &(dn_open_opts){.flags = DN_OPEN_NOSYNC}, &db);
	if (rc)
		die(NULL, rc, "open");
	double t0 = now_ms();
	if ((rc = dn_txn_begin(db, 0, NULL, &t)))
		die(db, rc, "begin");
	dn_id *ids = malloc((size_t)n * sizeof *ids), eid;
	const char *lab[] = {"User"};
	for (igraph_integer_t i = 0; i < n; i++)
		if ((rc = dn_node_create(t, lab, 1, NULL, 0, NULL, &ids[i])))
			die(db, rc, "node");
	for (igraph_integer_t e = 0; e < m; e++)
		if ((rc = dn_edge_create(t, ids[VECTOR(ev)[2 * e]], ids[VECTOR(ev)[2 * e + 1]], "FOLLOWS", NULL, 0, NULL, &eid)))
			die(db, rc, "edge");
	if ((rc = dn_txn_commit(t)))
		die(db, rc, "commit");
	printf("load into dragnet: %.0f ms (not part of the comparison)\n\n", now_ms() - t0);
	free(ids);

	/* the same array sorted by (source, target): the order the projection
	 * hands to igraph_create, which makes igraph's own sort cheaper */
	igraph_vector_int_t sorted;
	igraph_vector_int_init(&sorted, 2 * m);
	{
		uint64_t *keys = malloc((size_t)m * sizeof *keys);
		for (igraph_integer_t e = 0; e < m; e++)
			keys[e] = (uint64_t)VECTOR(ev)[2 * e] << 32 | (uint64_t)VECTOR(ev)[2 * e + 1];
		qsort(keys, (size_t)m, sizeof *keys, cmp_u64);
		for (igraph_integer_t e = 0; e < m; e++) {
			VECTOR(sorted)[2 * e] = (igraph_integer_t)(keys[e] >> 32);
			VECTOR(sorted)[2 * e + 1] = (igraph_integer_t)(keys[e] & 0xffffffffu);
		}
		free(keys);
	}

	double tc[MAXREPS], ts[MAXREPS], tp[MAXREPS], ipr[MAXREPS], dpr[MAXREPS], iwcc[MAXREPS], dwcc[MAXREPS], ilv[MAXREPS],
	    dlv[MAXREPS];
	dn_value seed = config1("seed", dn_value_int(1));
	igraph_integer_t ncomp = 0, nlv = 0;
	size_t rows_pr = 0, rows_lv = 0;
	for (int r = 0; r < reps; r++) {
		igraph_t g;
		igraph_vector_t pr;
		igraph_vector_int_t memb;
		igraph_vector_init(&pr, 0);
		igraph_vector_int_init(&memb, 0);
		if ((rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &t)))
			die(db, rc, "begin");

		/* projection vs igraph_create */
		t0 = now_ms();
		igraph_create(&g, &ev, n, true);
		tc[r] = now_ms() - t0;
		igraph_destroy(&g);
		t0 = now_ms();
		igraph_create(&g, &sorted, n, true);
		ts[r] = now_ms() - t0;
		igraph_destroy(&g);
		t0 = now_ms();
		dn_result *res = analyze(t, "algo.project", NULL);
		tp[r] = now_ms() - t0;
		if (dn_result_cell(res, 0, 1)->u.i != m) {
			fprintf(stderr, "projection has %lld edges, expected %lld\n", (long long)dn_result_cell(res, 0, 1)->u.i,
			        (long long)m);
			return 1;
		}
		dn_result_free(res);
		if (project_only) {
			dn_txn_abort(t);
			igraph_vector_destroy(&pr);
			igraph_vector_int_destroy(&memb);
			continue;
		}

		/* PageRank */
		t0 = now_ms();
		igraph_create(&g, &ev, n, true);
		igraph_pagerank(&g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(), true, 0.85, NULL, NULL);
		ipr[r] = now_ms() - t0;
		/* weak components */
		t0 = now_ms();
		igraph_destroy(&g);
		igraph_create(&g, &ev, n, true);
		igraph_connected_components(&g, &memb, NULL, &ncomp, IGRAPH_WEAK);
		iwcc[r] = now_ms() - t0;
		igraph_destroy(&g);
		/* Louvain on the undirected graph (parallel edges kept, as the projection keeps them) */
		t0 = now_ms();
		igraph_create(&g, &ev, n, false);
		igraph_rng_seed(igraph_rng_default(), 1);
		igraph_community_multilevel(&g, NULL, 1.0, &memb, NULL, NULL);
		ilv[r] = now_ms() - t0;
		nlv = igraph_vector_int_max(&memb) + 1;
		igraph_destroy(&g);

		t0 = now_ms();
		res = analyze(t, "algo.pagerank", NULL);
		dpr[r] = now_ms() - t0;
		rows_pr = dn_result_row_count(res);
		dn_result_free(res);
		t0 = now_ms();
		res = analyze(t, "algo.wcc", NULL);
		dwcc[r] = now_ms() - t0;
		dn_result_free(res);
		t0 = now_ms();
		res = analyze(t, "algo.louvain", &seed);
		dlv[r] = now_ms() - t0;
		rows_lv = dn_result_row_count(res);
		dn_result_free(res);

		dn_txn_abort(t);
		igraph_vector_destroy(&pr);
		igraph_vector_int_destroy(&memb);
	}
	struct {
		const char *name;
		double *ig, *dn;
		double target;
	} rowsv[] = {
		{"projection vs igraph_create", tc, tp, 1.5},
		{"projection vs create (sorted)", ts, tp, 0},
		{"PageRank end to end", ipr, dpr, 1.3},
		{"weak components end to end", iwcc, dwcc, 1.3},
		{"Louvain end to end", ilv, dlv, 1.3},
	};
	printf("%-30s %12s %12s %8s %8s\n", "median of runs (ms)", "igraph", "dragnet", "ratio", "target");
	for (size_t i = 0; i < (project_only ? 2 : sizeof rowsv / sizeof *rowsv); i++) {
		double a = median(rowsv[i].ig, reps), b = median(rowsv[i].dn, reps);
		if (rowsv[i].target > 0)
			printf("%-30s %12.1f %12.1f %7.2fx %6.1fx %s\n", rowsv[i].name, a, b, b / a, rowsv[i].target,
			       b / a <= rowsv[i].target ? "met" : "NOT met");
		else
			printf("%-30s %12.1f %12.1f %7.2fx %7s (for reference)\n", rowsv[i].name, a, b, b / a, "-");
	}
	printf("\nruns: %d; rows: pagerank %zu, louvain %zu; igraph: %lld weak components, %lld Louvain communities\n",
	       reps, rows_pr, rows_lv, (long long)ncomp, (long long)nlv);
	dn_value_free(&seed);
	igraph_vector_int_destroy(&ev);
	igraph_vector_int_destroy(&sorted);
	dn_close(db);
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return 0;
}
