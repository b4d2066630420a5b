/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_import.c — typed-CSV bulk import figures: rows/s and peak RSS of
 * dn_import_csv on SNAP ego-Twitter (the peers' input, when
 * /tmp/peersbench/data/twitter.{csv,ids} exist; otherwise a generated graph
 * of the same size and skew), the time of a second, idempotent load, and
 * peak RSS at a given number of generated rows (run it at 1M and at 10M to
 * see that memory stays flat), and the whole LDBC SNB sf0.1 as Kuzu's
 * COPY FROM loads it (its CSV files already use the typed header
 * convention, with '|' between fields). Beside each figure it prints Kuzu's
 * import of the same input when the peers' results are there
 * (/tmp/peersbench/results/kuzu_import_<graph>.jsonl: run
 * ../shared/bench/peers/10_kuzu.sh, or tests/bench/peers.sh, first, in the
 * same session). See docs/PERFORMANCE.md.
 *
 *   bench_import twitter [WORKDIR]
 *   bench_import ldbc [DATASET_DIR]
 *   bench_import rows N [WORKDIR]
 *
 * BENCH_BATCH=N commits every N rows; BENCH_ONCE=1 skips the second
 * twitter load. Peak RSS counts the LMDB map's file pages that the load
 * touched as well as the heap; the end-of-load split shows which is which.
 *
 * Input files are written (untimed) to WORKDIR (default /tmp/dnbench-import).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dragnet.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (user + system): the steadier figure on a
 * shared machine. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double last_cpu;

static long peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

/* The process's resident anonymous memory (heap, LMDB's dirty pages) and
 * resident file pages (the LMDB map as read), from /proc/self/status. */
static void rss_split(long *anon_mib, long *file_mib)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	*anon_mib = *file_mib = -1;
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		long kb;
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			*anon_mib = kb / 1024;
		else if (sscanf(line, "RssFile: %ld kB", &kb) == 1)
			*file_mib = kb / 1024;
	}
	fclose(f);
}

static long end_anon = -1, end_file = -1, peak_anon = 0;

/* Progress callback (every 64k rows): samples the anonymous RSS, the
 * memory the load itself holds, apart from the map's file pages. */
static void sample_anon(void *ctx, const dn_import_progress *p)
{
	long anon, file;
	(void)ctx;
	(void)p;
	rss_split(&anon, &file);
	if (anon > peak_anon)
		peak_anon = anon;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void rm_db(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

/* Writes nodes.csv and edges.csv from the peers' twitter files. */
static int convert_twitter(const char *ids, const char *csv, const char *nodes,
                           const char *edges, uint64_t *nn, uint64_t *ne)
{
	FILE *in = fopen(ids, "r"), *out;
	char line[256];
	if (!in || !(out = fopen(nodes, "w")))
		return -1;
	fputs("uid:ID(User)\n", out);
	*nn = 0;
	while (fgets(line, sizeof line, in)) {
		fputs(line, out);
		++*nn;
	}
	fclose(in);
	fclose(out);
	if (!(in = fopen(csv, "r")) || !(out = fopen(edges, "w")))
		return -1;
	fputs(":START_ID(User),:END_ID(User)\n", out);
	*ne = 0;
	if (!fgets(line, sizeof line, in)) /* src,dst header */
		return -1;
	while (fgets(line, sizeof line, in)) {
		fputs(line, out);
		++*ne;
	}
	fclose(in);
	fclose(out);
	return 0;
}

/* A graph of nn nodes and ne edges whose ends follow a skewed (squared
 * uniform) distribution, like a social graph's hubs. With props, nodes get
 * typed columns and edges a date, as a customs file would. */
static int generate(const char *nodes, const char *edges, uint64_t nn, uint64_t ne,
                    bool props)
{
	FILE *f = fopen(nodes, "w");
	if (!f)
		return -1;
	fputs(props ? "uid:ID(User),name,score:float,since:date\n" : "uid:ID(User)\n", f);
	for (uint64_t i = 0; i < nn; i++) {
		if (props)
			fprintf(f, "%llu,user %llu,%.2f,20%02d-%02d-%02d\n", (unsigned long long)(1000 + i * 7),
			        (unsigned long long)i, (double)(i % 1000) / 7.0, (int)(i % 25),
			        (int)(i % 12) + 1, (int)(i % 28) + 1);
		else
			fprintf(f, "%llu\n", (unsigned long long)(1000 + i * 7));
	}
	fclose(f);
	if (!(f = fopen(edges, "w")))
		return -1;
	fputs(props ? ":START_ID(User),:END_ID(User),since:date\n" : ":START_ID(User),:END_ID(User)\n", f);
	for (uint64_t i = 0; i < ne; i++) {
		double a = (double)(xorshift() % 1000000) / 1e6, b = (double)(xorshift() % 1000000) / 1e6;
		uint64_t s = (uint64_t)(a * a * (double)nn), d = (uint64_t)(b * (double)nn);
		if (props)
			fprintf(f, "%llu,%llu,2024-%02d-%02d\n", (unsigned long long)(1000 + s * 7),
			        (unsigned long long)(1000 + d * 7), (int)(i % 12) + 1, (int)(i % 28) + 1);
		else
			fprintf(f, "%llu,%llu\n", (unsigned long long)(1000 + s * 7),
			        (unsigned long long)(1000 + d * 7));
	}
	fclose(f);
	return 0;
}

static void report(const char *what, const dn_import_summary *s, double secs)
{
	printf("%-28s %10llu rows %8.2f s %10.0f rows/s (CPU %.2f s, %.0f rows/s)  nodes +%llu =%llu  rels +%llu =%llu\n"
	       "%-28s peak RSS %ld MiB (process, map pages included), peak anonymous %ld MiB "
	       "(sampled every 64k rows), at the end: anon %ld, file %ld MiB\n",
	       what, (unsigned long long)s->rows, secs, (double)s->rows / secs, last_cpu, (double)s->rows / last_cpu,
	       (unsigned long long)s->nodes_created, (unsigned long long)s->nodes_present,
	       (unsigned long long)s->rels_created, (unsigned long long)s->rels_present,
	       "", peak_rss_mib(), peak_anon, end_anon, end_file);
}

static int run_sources(const char *dbdir, const dn_import_source *src, size_t nsrc, char delimiter,
                       dn_import_summary *sum, double *secs)
{
	dn_db *db = NULL;
	dn_import_opts o = dn_import_opts_default();
	double t0;
	int rc = dn_open(dbdir, NULL, &db);
	if (rc) {
		fprintf(stderr, "open %s: %s\n", dbdir, dn_errmsg(NULL));
		return rc;
	}
	t0 = now_s();
	double c0 = cpu_s();
	if (getenv("BENCH_BATCH"))
		o.batch = strtoull(getenv("BENCH_BATCH"), NULL, 10);
	o.delimiter = delimiter;
	o.progress = sample_anon;
	peak_anon = 0;
	rc = dn_import_csv(db, src, nsrc, &o, sum);
	*secs = now_s() - t0;
	last_cpu = cpu_s() - c0;
	rss_split(&end_anon, &end_file);
	if (rc)
		fprintf(stderr, "import: %s\n", dn_errmsg(db));
	dn_close(db);
	return rc;
}

static int run_import(const char *dbdir, const char *nodes, const char *edges,
                      dn_import_summary *sum, double *secs)
{
	const char *nf[] = {nodes}, *ef[] = {edges};
	dn_import_source src[2] = {{false, "User", nf, 1}, {true, "FOLLOWS", ef, 1}};
	return run_sources(dbdir, src, 2, 0, sum, secs);
}

/* Kuzu's import of graph in this session (the peers' results file): the
 * median of import_total_ms and of the process's peak RSS over its runs.
 * False when there is none. */
static bool kuzu_import(const char *graph, double *ms, double *rss_mib)
{
	char path[256], line[16384];
	double t[64], r[64];
	size_t n = 0;
	snprintf(path, sizeof path, "/tmp/peersbench/results/kuzu_import_%s.jsonl", graph);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	while (n < 64 && fgets(line, sizeof line, f)) {
		const char *a = strstr(line, "\"import_total_ms\": "), *b = strstr(line, "\"proc_maxrss_kb\": ");
		if (!a)
			continue;
		t[n] = strtod(a + strlen("\"import_total_ms\": "), NULL);
		r[n] = b ? strtod(b + strlen("\"proc_maxrss_kb\": "), NULL) / 1024.0 : 0;
		n++;
	}
	fclose(f);
	if (!n)
		return false;
	for (size_t i = 1; i < n; i++) /* insertion sort: a handful of runs */
		for (size_t j = i; j > 0 && t[j] < t[j - 1]; j--) {
			double x = t[j], y = r[j];
			t[j] = t[j - 1], r[j] = r[j - 1];
			t[j - 1] = x, r[j - 1] = y;
		}
	*ms = t[n / 2];
	*rss_mib = r[n / 2];
	return true;
}

static void report_kuzu(const char *graph, const dn_import_summary *s, double secs)
{
	double ms, rss;
	if (!kuzu_import(graph, &ms, &rss)) {
		printf("%-28s (no Kuzu import figures in /tmp/peersbench/results for %s)\n", "", graph);
		return;
	}
	printf("%-28s Kuzu COPY FROM, same input, this session: %.2f s, %.0f rows/s, peak RSS %.0f MiB; "
	       "Kuzu time / dragnet time = %.2f\n",
	       "", ms / 1000.0, (double)s->rows / (ms / 1000.0), rss, ms / 1000.0 / secs);
}

/* LDBC SNB sf0.1 as the peers' Kuzu loads it: one source per COPY of
 * copy.cypher, in its order (node tables first there); a file without a
 * header line continues the previous COPY of the same table. */
#define LDBC_MAX 64
static int run_ldbc(const char *dir, const char *dbdir)
{
	char path[4200], line[4200];
	static char names[LDBC_MAX][128], files[LDBC_MAX][2][4200];
	static const char *flist[LDBC_MAX][2];
	dn_import_source src[LDBC_MAX];
	size_t n = 0;
	snprintf(path, sizeof path, "%s/copy.cypher", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot read (run ../shared/bench/peers/00_setup.sh, or name the dataset "
		        "directory)\n", path);
		return 1;
	}
	while (fgets(line, sizeof line, f)) {
		char table[128], file[1024], head[4096];
		if (sscanf(line, "COPY %127s FROM \"%1023[^\"]\"", table, file) != 2)
			continue;
		const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		char full[4200];
		snprintf(full, sizeof full, "%s/%s", dir, base);
		FILE *h = fopen(full, "r");
		if (!h || !fgets(head, sizeof head, h)) {
			fprintf(stderr, "%s: cannot read\n", full);
			if (h)
				fclose(h);
			fclose(f);
			return 1;
		}
		fclose(h);
		bool rel = strstr(head, ":START_ID") != NULL, node = strstr(head, ":ID(") != NULL;
		if (!rel && !node) { /* headerless: the second part of the previous COPY */
			if (!n || strcmp(names[n - 1], table) || src[n - 1].nfiles != 1) {
				fprintf(stderr, "%s: no header and no earlier part\n", full);
				fclose(f);
				return 1;
			}
			snprintf(files[n - 1][1], sizeof files[n - 1][1], "%s", full);
			flist[n - 1][1] = files[n - 1][1];
			src[n - 1].nfiles = 2;
			continue;
		}
		if (n == LDBC_MAX) {
			fclose(f);
			return 1;
		}
		snprintf(names[n], sizeof names[n], "%s", table);
		snprintf(files[n][0], sizeof files[n][0], "%s", full);
		flist[n][0] = files[n][0];
		src[n] = (dn_import_source){rel, names[n], flist[n], 1};
		n++;
	}
	fclose(f);
	dn_import_summary sum;
	double secs;
	printf("LDBC SNB sf0.1 from %s: %zu sources\n", dir, n);
	if (run_sources(dbdir, src, n, '|', &sum, &secs))
		return 1;
	report("load (1 txn)", &sum, secs);
	report_kuzu("ldbc", &sum, secs);
	return 0;
}

int main(int argc, char **argv)
{
	const char *work = "/tmp/dnbench-import";
	char nodes[4200], edges[4200], dbdir[4200];
	dn_import_summary sum;
	double secs;
	bool twitter;
	uint64_t nn, ne;

	if (argc >= 2 && !strcmp(argv[1], "ldbc")) {
		int rc;
		mkdir(work, 0700);
		snprintf(dbdir, sizeof dbdir, "%s/db-ldbc", work);
		rm_db(dbdir);
		rc = run_ldbc(argc > 2 ? argv[2] : "/tmp/peers/node_modules/kuzu/kuzu-source/dataset/ldbc-sf01", dbdir);
		rm_db(dbdir);
		return rc;
	}
	if (argc < 2 || (strcmp(argv[1], "twitter") && (strcmp(argv[1], "rows") || argc < 3))) {
		fprintf(stderr, "usage: bench_import twitter [WORKDIR] | ldbc [DATASET_DIR] | rows N [WORKDIR]\n");
		return 2;
	}
	twitter = strcmp(argv[1], "twitter") == 0;
	if (argc > (twitter ? 2 : 3) && argv[twitter ? 2 : 3])
		work = argv[twitter ? 2 : 3];
	mkdir(work, 0700);
	snprintf(nodes, sizeof nodes, "%s/nodes.csv", work);
	snprintf(edges, sizeof edges, "%s/edges.csv", work);
	snprintf(dbdir, sizeof dbdir, "%s/db", work);
	rm_db(dbdir);

	if (twitter) {
		const char *ids = "/tmp/peersbench/data/twitter.ids";
		const char *csv = "/tmp/peersbench/data/twitter.csv";
		if (access(ids, R_OK) == 0 && access(csv, R_OK) == 0) {
			if (convert_twitter(ids, csv, nodes, edges, &nn, &ne))
				return 1;
			printf("SNAP ego-Twitter from /tmp/peersbench/data: %llu nodes, %llu edge rows\n",
			       (unsigned long long)nn, (unsigned long long)ne);
		} else {
			nn = 81306;
			ne = 2420766;
			if (generate(nodes, edges, nn, ne, false))
				return 1;
			printf("generated graph of ego-Twitter's size (peers' data not found): "
			       "%llu nodes, %llu edge rows\n", (unsigned long long)nn, (unsigned long long)ne);
		}
		if (run_import(dbdir, nodes, edges, &sum, &secs))
			return 1;
		report("first load", &sum, secs);
		report_kuzu("twitter", &sum, secs);
		if (getenv("BENCH_ONCE"))
			return 0;
		if (run_import(dbdir, nodes, edges, &sum, &secs))
			return 1;
		report("second load (idempotent)", &sum, secs);
	} else {
		ne = strtoull(argv[2], NULL, 10);
		nn = ne / 10 ? ne / 10 : 1;
		if (generate(nodes, edges, nn, ne, true))
			return 1;
		printf("generated: %llu nodes (id, name, float, date), %llu edge rows (date)\n",
		       (unsigned long long)nn, (unsigned long long)ne);
		if (run_import(dbdir, nodes, edges, &sum, &secs))
			return 1;
		report(getenv("BENCH_BATCH") ? "load (batches)" : "load (1 txn)", &sum, secs);
	}
	rm_db(dbdir);
	return 0;
}
