/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_storage.c — storage-engine benchmark: bulk load of a synthetic graph
 * (uniform and power-law endpoints) through the public API in one write
 * transaction, then 1-hop / 2-hop expansions, label scans, node lookups and
 * unique-index seeks in read transactions, each set beside the raw LMDB
 * floor measured in the same run on the same machine (liblmdb used directly
 * on 16-byte keys / 8-byte values, as in ../shared/bench/peers/lmdb_bench.c).
 * It prints figures and ratios (a table, or JSON lines with --json) and
 * never passes or fails: targets are reported as met / not met.
 *
 *   bench_storage [--size small|large] [--nodes N] [--edges M]
 *                 [--graphs uniform|powerlaw|both] [--zipf S] [--seed X]
 *                 [--reps R] [--map-size BYTES] [--tmpdir DIR] [--json]
 *                 [--keep] [--no-adj-floor]
 */
#include <errno.h>
#include <ftw.h>
#include <lmdb.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "dragnet.h"
#include "bench_util.h"

/* --- options ------------------------------------------------------------ */

static struct {
	uint64_t nodes, edges;
	const char *size;
	bool uniform, powerlaw;
	double zipf;
	uint64_t seed;
	int reps;
	size_t map_size;
	const char *tmpdir;
	bool json, keep, adj_floor;
} opt = {100000, 1000000, "small", true, true, 0.8, 42, 3, 0, NULL, false, false, true};

/* Time budget of one repeated measurement, in seconds (after its minimum
 * number of repetitions). */
#define BUDGET_S 4.0

/* --- small helpers ------------------------------------------------------ */

/* The checksum every timed loop feeds, printed at the end so that no loop
 * can be optimised away. */
static uint64_t g_sum;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t mix(uint64_t z) /* splitmix64 finalizer: a bijection on u64 */
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void) /* xorshift64* */
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double rnd01(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t rnd_below(uint64_t n)
{
	return rnd() % n;
}

#define CK_MDB(call)                                                                    \
	do {                                                                                \
		int ck_rc_ = (call);                                                            \
		if (ck_rc_)                                                                     \
			die("%s:%d %s: %s", __FILE__, __LINE__, #call, mdb_strerror(ck_rc_));       \
	} while (0)

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long long file_size(const char *dir, const char *name)
{
	char p[4400];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) ? -1 : (long long)st.st_size;
}

static long long file_alloc(const char *dir, const char *name)
{
	char p[4400];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) ? -1 : (long long)st.st_blocks * 512;
}

/* Peak resident set of the process in KiB: ru_maxrss (whole life) and
 * VmHWM (since the last reset_hwm()). */
static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static long status_kib(const char *field)
{
	char line[256];
	long v = -1;
	size_t fl = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, field, fl) && line[fl] == ':') {
			v = strtol(line + fl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static bool reset_hwm(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (!f)
		return false;
	bool ok = fputs("5", f) >= 0;
	return fclose(f) == 0 && ok;
}

/* --- figures ------------------------------------------------------------ */

enum { TGT_NONE, TGT_MIN_RATE, TGT_MAX_RATIO, TGT_LOAD };

typedef struct fig {
	char graph[12];
	char name[40];     /* machine name (JSON "figure") */
	char what[64];     /* readable description */
	double value;      /* main figure */
	char unit[16];
	double per_op;     /* NAN when none */
	char per_op_unit[20];
	double ratio;      /* dragnet ÷ floor as a slowdown (≥1 = slower); NAN when none */
	char floor[24];    /* name of the floor figure */
	char target[24];
	int met;           /* 1 met, 0 not met, -1 no target */
	char note[96];
} fig;

static fig figs[200];
static size_t nfigs;

static fig *fig_add(const char *graph, const char *name, const char *what, double value, const char *unit)
{
	if (nfigs == sizeof figs / sizeof figs[0])
		die("too many figures");
	fig *f = &figs[nfigs++];
	memset(f, 0, sizeof *f);
	snprintf(f->graph, sizeof f->graph, "%s", graph);
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->what, sizeof f->what, "%s", what);
	snprintf(f->unit, sizeof f->unit, "%s", unit);
	f->value = value;
	f->per_op = NAN;
	f->ratio = NAN;
	f->met = -1;
	fprintf(stderr, "  %-9s %-44s %14.6g %s\n", graph, what, value, unit);
	return f;
}

static void fig_per_op(fig *f, double v, const char *unit)
{
	f->per_op = v;
	snprintf(f->per_op_unit, sizeof f->per_op_unit, "%s", unit);
}

static void fig_note(fig *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fig_note(fig *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->note, sizeof f->note, fmt, ap);
	va_end(ap);
}

/* Ratio as a slowdown against a floor: for rates floor/value, for times
 * value/floor. */
static void fig_ratio(fig *f, const char *floor_name, double ratio)
{
	snprintf(f->floor, sizeof f->floor, "%s", floor_name);
	f->ratio = ratio;
}

static void fig_target(fig *f, const char *target, bool met)
{
	snprintf(f->target, sizeof f->target, "%s", target);
	f->met = met;
}

static const char *num(double v, char *buf, size_t cap)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else if (fabs(v) >= 1e6)
		snprintf(buf, cap, "%.2fM", v / 1e6);
	else if (fabs(v) >= 1e4)
		snprintf(buf, cap, "%.1fk", v / 1e3);
	else if (fabs(v) >= 100)
		snprintf(buf, cap, "%.0f", v);
	else if (fabs(v) >= 1)
		snprintf(buf, cap, "%.2f", v);
	else
		snprintf(buf, cap, "%.3g", v);
	return buf;
}

static void json_str(const char *key, const char *s, bool comma)
{
	printf("\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	printf("\"%s", comma ? "," : "");
}

static void json_num(const char *key, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		printf("\"%s\":null%s", key, comma ? "," : "");
	else
		printf("\"%s\":%.6g%s", key, v, comma ? "," : "");
}

static void print_json(void)
{
	for (size_t i = 0; i < nfigs; i++) {
		fig *f = &figs[i];
		putchar('{');
		json_str("figure", f->name, true);
		json_str("graph", f->graph, true);
		json_str("what", f->what, true);
		json_num("value", f->value, true);
		json_str("unit", f->unit, true);
		json_num("per_op", f->per_op, true);
		json_str("per_op_unit", f->per_op_unit, true);
		json_str("floor", f->floor, true);
		json_num("ratio_to_floor", f->ratio, true);
		json_str("target", f->target, true);
		printf("\"met\":%s,", f->met < 0 ? "null" : f->met ? "true" : "false");
		json_str("note", f->note, false);
		printf("}\n");
	}
}

static void print_table(void)
{
	char a[32], b[32], c[32];
	const char *last = "";
	printf("%-44s %11s %-9s %11s %-9s %8s  %-16s %s\n", "figure", "value", "unit", "per op", "",
	       "x floor", "target", "met");
	for (size_t i = 0; i < nfigs; i++) {
		fig *f = &figs[i];
		if (strcmp(last, f->graph)) {
			printf("-- %s %.*s\n", f->graph, (int)(100 - strlen(f->graph)),
			       "----------------------------------------------------------------------"
			       "------------------------------");
			last = f->graph;
		}
		snprintf(c, sizeof c, isnan(f->ratio) ? "-" : "%.2fx", f->ratio);
		printf("%-44s %11s %-9s %11s %-9s %8s  %-16s %s%s%s\n", f->what, num(f->value, a, sizeof a),
		       f->unit, num(f->per_op, b, sizeof b), f->per_op_unit, c, f->target[0] ? f->target : "-",
		       f->met < 0 ? "-" : f->met ? "MET" : "NOT MET", f->note[0] ? "   " : "", f->note);
	}
}

/* --- the raw LMDB floor ------------------------------------------------- */

/* Floor figures the dragnet figures are divided by. */
static struct {
	double append_per_s;   /* MDB_APPEND puts/s, 1 txn, commit included */
	double get_ns;         /* random get ns/op (16-byte keys, M keys) */
	double scan_per_s;     /* cursor MDB_NEXT keys/s */
	double get8_ns;        /* random get ns/op, N 8-byte keys, 32-byte values */
} flr;

static void be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* The key of the i-th entry: an (a, b) pair of big-endian u64, like an
 * adjacency entry (same as lmdb_bench.c). */
static void floor_key(unsigned char *k, uint64_t i)
{
	be64(k, i);
	be64(k + 8, mix(i) & 0xffffffffULL);
}

static MDB_env *floor_env(const char *dir, size_t mapsize, unsigned maxdbs)
{
	MDB_env *env;
	rm_tree(dir);
	if (mkdir(dir, 0700))
		die("mkdir %s: %s", dir, strerror(errno));
	CK_MDB(mdb_env_create(&env));
	CK_MDB(mdb_env_set_mapsize(env, mapsize));
	if (maxdbs)
		CK_MDB(mdb_env_set_maxdbs(env, maxdbs));
	/* MDB_NOSYNC, like the dragnet load (DN_OPEN_NOSYNC) */
	CK_MDB(mdb_env_open(env, dir, MDB_NOSYNC, 0600));
	return env;
}

/* Appends n entries of key size 16 (or 8 when k8) and value size vsize. */
static double floor_append(MDB_env *env, MDB_dbi *dbi, uint64_t n, bool k8, size_t vsize)
{
	unsigned char kb[16], vb[64] = {0};
	MDB_val k = {k8 ? 8 : 16, kb}, v = {vsize, vb};
	MDB_txn *txn;
	double t0 = now_s();
	CK_MDB(mdb_txn_begin(env, NULL, 0, &txn));
	CK_MDB(mdb_dbi_open(txn, NULL, 0, dbi));
	for (uint64_t i = 0; i < n; i++) {
		if (k8)
			be64(kb, i + 1);
		else
			floor_key(kb, i);
		memcpy(vb, &i, 8);
		CK_MDB(mdb_put(txn, *dbi, &k, &v, MDB_APPEND));
	}
	CK_MDB(mdb_txn_commit(txn));
	return now_s() - t0;
}

static double floor_gets(MDB_env *env, MDB_dbi dbi, uint64_t n, uint64_t ops, bool k8)
{
	unsigned char kb[16];
	MDB_val k = {k8 ? 8 : 16, kb}, d;
	MDB_txn *txn;
	uint64_t sum = 0, x;
	double t0 = now_s();
	CK_MDB(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t j = rnd_below(n);
		if (k8)
			be64(kb, j + 1);
		else
			floor_key(kb, j);
		CK_MDB(mdb_get(txn, dbi, &k, &d));
		memcpy(&x, d.mv_data, 8);
		sum += x;
	}
	mdb_txn_abort(txn);
	double t = now_s() - t0;
	g_sum += sum;
	return t;
}

static double floor_scan(MDB_env *env, MDB_dbi dbi, uint64_t expect)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, d;
	uint64_t seen = 0, sum = 0, x;
	double t0 = now_s();
	CK_MDB(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
	CK_MDB(mdb_cursor_open(txn, dbi, &cur));
	int rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
	while (rc == 0) {
		memcpy(&x, d.mv_data, 8);
		sum += x;
		seen++;
		rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT);
	}
	if (rc != MDB_NOTFOUND)
		CK_MDB(rc);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	double t = now_s() - t0;
	if (seen != expect)
		die("floor scan saw %llu keys, expected %llu", (unsigned long long)seen,
		    (unsigned long long)expect);
	g_sum += sum;
	return t;
}

static void run_floor(void)
{
	char dir[4096 + 64];
	uint64_t m = opt.edges, n = opt.nodes;
	uint64_t gets = m < 2000000 ? m : 2000000;
	double ts[16];
	int reps = opt.reps;
	MDB_env *env = NULL;
	MDB_dbi dbi;
	fig *f;
	size_t mapsize = (size_t)m * 160 + ((size_t)256 << 20);

	fprintf(stderr, "LMDB floor (%s): %llu keys of 16 B / values 8 B\n", mdb_version(NULL, NULL, NULL),
	        (unsigned long long)m);
	snprintf(dir, sizeof dir, "%s/lmdb-floor", g_root);
	for (int r = 0; r < reps; r++) {
		if (env)
			mdb_env_close(env);
		env = floor_env(dir, mapsize, 0);
		ts[r] = floor_append(env, &dbi, m, false, 8);
	}
	flr.append_per_s = (double)m / median(ts, (size_t)reps);
	f = fig_add("lmdb", "lmdb_append", "append puts, MDB_APPEND, 1 txn incl. commit", flr.append_per_s,
	            "puts/s");
	fig_per_op(f, 1e9 / flr.append_per_s, "ns/put");
	fig_note(f, "%llu keys, MDB_NOSYNC, data.mdb %.1f MiB", (unsigned long long)m,
	         (double)file_size(dir, "data.mdb") / 1048576.0);

	for (int r = 0; r < reps; r++)
		ts[r] = floor_gets(env, dbi, m, gets, false);
	flr.get_ns = median(ts, (size_t)reps) * 1e9 / (double)gets;
	f = fig_add("lmdb", "lmdb_get_rand", "random get, 1 read txn (16 B keys)", 1e9 / flr.get_ns, "gets/s");
	fig_per_op(f, flr.get_ns, "ns/get");
	fig_note(f, "%llu gets over %llu keys", (unsigned long long)gets, (unsigned long long)m);

	for (int r = 0; r < reps; r++)
		ts[r] = floor_scan(env, dbi, m);
	flr.scan_per_s = (double)m / median(ts, (size_t)reps);
	f = fig_add("lmdb", "lmdb_scan", "cursor scan MDB_NEXT", flr.scan_per_s, "keys/s");
	fig_per_op(f, 1e9 / flr.scan_per_s, "ns/key");
	mdb_env_close(env);
	rm_tree(dir);

	/* an informational floor closer to a node lookup: N 8-byte keys */
	snprintf(dir, sizeof dir, "%s/lmdb-floor8", g_root);
	env = floor_env(dir, (size_t)n * 200 + ((size_t)64 << 20), 0);
	floor_append(env, &dbi, n, true, 32);
	gets = n < 1000000 ? 1000000 : n;
	for (int r = 0; r < reps; r++)
		ts[r] = floor_gets(env, dbi, n, gets, true);
	flr.get8_ns = median(ts, (size_t)reps) * 1e9 / (double)gets;
	f = fig_add("lmdb", "lmdb_get_rand_n8", "random get (N 8 B keys, 32 B values; info)", 1e9 / flr.get8_ns,
	            "gets/s");
	fig_per_op(f, flr.get8_ns, "ns/get");
	fig_note(f, "%llu keys: the size of the node table", (unsigned long long)n);
	mdb_env_close(env);
	rm_tree(dir);
}

/* --- the synthetic graph ------------------------------------------------ */

static const char *const LABELS[] = {"Trader", "Person", "Company", "Account"};
#define NLABELS 4
static const char *const TYPES[] = {"TRANSFER", "KNOWS", "OWNS"};
#define NTYPES 3

typedef struct graph {
	const char *name;
	uint32_t *src, *dst; /* endpoint node indices 0..N-1, one pair per edge */
	uint32_t *deg;       /* undirected degree (a self-loop counts once) */
	dn_id *ids;          /* node index → id */
	dn_id max_id;
	char dir[4096 + 64];
	dn_db *db;
} graph;

static unsigned label_of(uint64_t i)
{
	return (unsigned)(mix(i ^ opt.seed) % NLABELS);
}

/* A unique integer per node, scattered over [0, 2^53): multiplication by
 * an odd constant is a bijection modulo 2^53. */
static int64_t uid_of(uint64_t i)
{
	return (int64_t)(((i + 1) * 0x9E3779B97F4A7C15ULL) & ((1ULL << 53) - 1));
}

/* A Zipf-like rank in [0, n): the continuous power law x^-s on [1, n+1)
 * sampled by its inverse CDF, floored. */
static uint32_t zipf_rank(uint64_t n, double s)
{
	double u = rnd01(), x;
	if (fabs(s - 1.0) < 1e-9)
		x = exp(u * log((double)n + 1));
	else {
		double a = 1.0 - s, top = pow((double)n + 1, a);
		x = pow(u * (top - 1.0) + 1.0, 1.0 / a);
	}
	uint64_t r = (uint64_t)x - 1;
	return (uint32_t)(r >= n ? n - 1 : r);
}

static void graph_generate(graph *g, bool powerlaw)
{
	uint64_t n = opt.nodes, m = opt.edges;
	uint32_t *perm = NULL;
	g->name = powerlaw ? "powerlaw" : "uniform";
	g->src = xmalloc(m * sizeof *g->src);
	g->dst = xmalloc(m * sizeof *g->dst);
	g->deg = xcalloc(n, sizeof *g->deg);
	g->ids = xcalloc(n, sizeof *g->ids);
	if (powerlaw) {
		/* ranks map to node indices through a random permutation, so that
		 * hubs are spread over the id space */
		perm = xmalloc(n * sizeof *perm);
		for (uint64_t i = 0; i < n; i++)
			perm[i] = (uint32_t)i;
		for (uint64_t i = n - 1; i > 0; i--) {
			uint64_t j = rnd_below(i + 1);
			uint32_t t = perm[i];
			perm[i] = perm[j];
			perm[j] = t;
		}
	}
	for (uint64_t e = 0; e < m; e++) {
		uint32_t s, d;
		if (powerlaw) {
			s = perm[zipf_rank(n, opt.zipf)];
			d = perm[zipf_rank(n, opt.zipf)];
		} else {
			s = (uint32_t)rnd_below(n);
			d = (uint32_t)rnd_below(n);
		}
		g->src[e] = s;
		g->dst[e] = d;
		g->deg[s]++;
		if (d != s)
			g->deg[d]++;
	}
	free(perm);
}

static void graph_free(graph *g)
{
	free(g->src);
	free(g->dst);
	free(g->deg);
	free(g->ids);
	memset(g, 0, sizeof *g);
}

/* --- bulk load ---------------------------------------------------------- */

/* One load of the graph into a fresh database, left open in g->db: the
 * seconds of the node loop, the edge loop and the commit, and VmHWM. */
static void load_once(graph *g, double *t_nodes, double *t_edges, double *t_commit, long *hwm, bool *hwm_ok)
{
	uint64_t n = opt.nodes, m = opt.edges;
	dn_open_opts o = {DN_OPEN_NOSYNC, opt.map_size, 0};
	dn_txn *t;
	if (g->db) {
		dn_close(g->db);
		g->db = NULL;
		rm_tree(g->dir);
	}
	*hwm_ok = reset_hwm();
	CK_DN(NULL, dn_open(g->dir, &o, &g->db));
	dn_db *db = g->db;
	CK_DN(db, dn_txn_begin(db, 0, NULL, &t));
	double t1 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		const char *labels[1] = {LABELS[label_of(i)]};
		dn_prop p = {"uid", dn_value_int(uid_of(i))};
		CK_DN(db, dn_node_create(t, labels, 1, &p, 1, NULL, &g->ids[i]));
	}
	double t2 = now_s();
	for (uint64_t e = 0; e < m; e++) {
		dn_id id;
		CK_DN(db, dn_edge_create(t, g->ids[g->src[e]], g->ids[g->dst[e]], TYPES[mix(e) % NTYPES], NULL, 0,
		                         NULL, &id));
		g_sum += id;
	}
	double t3 = now_s();
	CK_DN(db, dn_txn_commit(t));
	double t4 = now_s();
	*t_nodes = t2 - t1;
	*t_edges = t3 - t2;
	*t_commit = t4 - t3;
	*hwm = status_kib("VmHWM");
}

/* The load, repeated --reps times into a fresh database each time (the
 * last one stays for the figures that follow): each time is the median of
 * the repetitions, so that one run slowed by a neighbour on a shared
 * machine does not decide the figure, as for the LMDB floor it is
 * measured against. Right before each load the floor's append is run
 * once more, and the ratio the target is judged by is the median of
 * these pairs: a neighbour that slows the machine for a minute slows both
 * sides of a pair. */
static void bench_load(graph *g)
{
	uint64_t n = opt.nodes, m = opt.edges;
	int reps = opt.reps;
	double tn[16], te[16], tc[16], ti[16], pair[16];
	char fdir[4096 + 64];
	size_t fmap = (size_t)m * 160 + ((size_t)256 << 20);
	long hwm = 0;
	bool hwm_ok = true;
	fig *f;
	char gen_note[64];
	double gen_mib = (double)(m * 8 + n * 12) / 1048576.0;

	snprintf(g->dir, sizeof g->dir, "%s/db-%s", g_root, g->name);
	snprintf(gen_note, sizeof gen_note, "incl. %.0f MiB of generated endpoints", gen_mib);
	g->db = NULL;
	snprintf(fdir, sizeof fdir, "%s/lmdb-floor-pair", g_root);
	for (int r = 0; r < reps; r++) {
		long h;
		bool ok;
		MDB_dbi dbi;
		malloc_trim(0); /* both sides of a pair start from a cold heap */
		MDB_env *env = floor_env(fdir, fmap, 0);
		double fa = floor_append(env, &dbi, m, false, 8);
		mdb_env_close(env);
		rm_tree(fdir);
		malloc_trim(0);
		load_once(g, &tn[r], &te[r], &tc[r], &h, &ok);
		ti[r] = te[r] + tc[r];
		pair[r] = ti[r] / fa; /* m edges against m appends */
		if (h > hwm)
			hwm = h;
		hwm_ok = hwm_ok && ok;
	}
	long rss = maxrss_kib();
	double t_nodes = median(tn, (size_t)reps), t_edges = median(te, (size_t)reps);
	double t_commit = median(tc, (size_t)reps), t_incl = median(ti, (size_t)reps);
	double paired = median(pair, (size_t)reps);

	g->max_id = 0;
	for (uint64_t i = 0; i < n; i++)
		if (g->ids[i] > g->max_id)
			g->max_id = g->ids[i];

	double edges_incl = (double)m / t_incl;
	f = fig_add(g->name, "load_nodes", "bulk load: nodes (label + int prop)", (double)n / t_nodes, "nodes/s");
	fig_per_op(f, t_nodes * 1e9 / (double)n, "ns/node");
	fig_ratio(f, "lmdb_append", flr.append_per_s / ((double)n / t_nodes));
	fig_note(f, "DN_OPEN_NOSYNC; one write txn for nodes+edges; median of %d loads", reps);
	f = fig_add(g->name, "load_edges", "bulk load: edges (loop only)", (double)m / t_edges, "edges/s");
	fig_per_op(f, t_edges * 1e9 / (double)m, "ns/edge");
	f = fig_add(g->name, "load_commit", "bulk load: commit", t_commit, "s");
	f = fig_add(g->name, "load_edges_incl_commit", "bulk load: edges incl. commit", edges_incl, "edges/s");
	fig_per_op(f, 1e9 / edges_incl, "ns/edge");
	fig_ratio(f, "lmdb_append", paired);
	fig_target(f, ">=1.5M/s & <=3x", edges_incl >= 1.5e6 && paired <= 3.0);
	fig_note(f, "median of %d loads; x floor: of %d load/append pairs (%.2fx the first floor)", reps, reps,
	         flr.append_per_s / edges_incl);
	f = fig_add(g->name, "load_total", "bulk load: nodes+edges+commit", t_nodes + t_edges + t_commit, "s");
	fig_note(f, "%.0f (nodes+edges)/s", (double)(n + m) / (t_nodes + t_edges + t_commit));
	f = fig_add(g->name, "load_vmhwm", "peak RSS during load (VmHWM)", (double)hwm / 1024.0, "MiB");
	fig_note(f, hwm_ok ? "VmHWM reset before each load, the highest; %s" : "VmHWM NOT reset (clear_refs failed); %s",
	         gen_note);
	f = fig_add(g->name, "load_maxrss", "peak RSS of the process (ru_maxrss)", (double)rss / 1024.0, "MiB");
	fig_note(f, "whole process so far; %s", gen_note);
	f = fig_add(g->name, "data_mdb", "data.mdb size", (double)file_size(g->dir, "data.mdb") / 1048576.0,
	            "MiB");
	fig_per_op(f, (double)file_size(g->dir, "data.mdb") / (double)m, "B/edge");
	fig_note(f, "allocated %.1f MiB", (double)file_alloc(g->dir, "data.mdb") / 1048576.0);
}

/* --- expansion ---------------------------------------------------------- */

typedef struct expander {
	uint32_t *mark; /* by node id: stamp of the last expansion that saw it */
	uint32_t stamp;
	dn_id *frontier;
	size_t nfront;
} expander;

/* Distinct neighbours within `hops` (1 or 2) of start over DN_BOTH,
 * start excluded. *scanned receives the adjacency entries read. */
static uint64_t expand(graph *g, dn_txn *t, expander *x, dn_id start, int hops, uint64_t *scanned)
{
	uint64_t distinct = 0, seen = 0;
	dn_iter *it;
	dn_adj a;
	int rc;
	if (++x->stamp == 0) {
		memset(x->mark, 0, (g->max_id + 1) * sizeof *x->mark);
		x->stamp = 1;
	}
	x->mark[start] = x->stamp;
	x->nfront = 0;
	CK_DN(g->db, dn_edges_of(t, start, DN_BOTH, NULL, &it));
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
		seen++;
		if (x->mark[a.nbr] != x->stamp) {
			x->mark[a.nbr] = x->stamp;
			x->frontier[x->nfront++] = a.nbr;
			distinct++;
		}
	}
	CK_DN(g->db, rc);
	dn_iter_free(it);
	for (size_t i = 0; hops > 1 && i < x->nfront; i++) {
		CK_DN(g->db, dn_edges_of(t, x->frontier[i], DN_BOTH, NULL, &it));
		while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
			seen++;
			if (x->mark[a.nbr] != x->stamp) {
				x->mark[a.nbr] = x->stamp;
				distinct++;
			}
		}
		CK_DN(g->db, rc);
		dn_iter_free(it);
	}
	*scanned = seen;
	return distinct;
}

static int cmp_deg_desc(const void *a, const void *b, void *ctx)
{
	const uint32_t *deg = ctx;
	uint32_t x = deg[*(const uint32_t *)a], y = deg[*(const uint32_t *)b];
	return x > y ? -1 : x < y;
}

static void bench_expand_set(graph *g, expander *x, const char *name, const char *what, const dn_id *starts,
                             size_t nstarts, int hops, size_t min_reps, size_t max_reps)
{
	dn_txn *t;
	double *times = xmalloc(max_reps * sizeof *times);
	uint64_t total_scanned = 0, total_distinct = 0;
	double total_t = 0, budget_end;
	size_t reps = 0;
	fig *f;

	CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
	/* one untimed warm-up */
	{
		uint64_t sc;
		g_sum += expand(g, t, x, starts[0], hops, &sc);
	}
	budget_end = now_s() + BUDGET_S;
	while (reps < max_reps && (reps < min_reps || now_s() < budget_end)) {
		uint64_t sc;
		dn_id s = starts[reps % nstarts];
		double t0 = now_s();
		uint64_t d = expand(g, t, x, s, hops, &sc);
		double dt = now_s() - t0;
		times[reps++] = dt;
		total_t += dt;
		total_scanned += sc;
		total_distinct += d;
		g_sum += d + sc;
	}
	CK_DN(g->db, dn_txn_commit(t));
	double rate = (double)total_scanned / total_t;
	f = fig_add(g->name, name, what, rate, "nbrs/s");
	fig_per_op(f, median(times, reps) * 1e6, "us/expand");
	fig_ratio(f, "lmdb_scan", flr.scan_per_s / rate);
	fig_target(f, ">=20M nbrs/s", rate >= 20e6);
	fig_note(f, "%zu expansions; mean %.0f entries read, %.0f distinct", reps,
	         (double)total_scanned / (double)reps, (double)total_distinct / (double)reps);
	free(times);
}

static void bench_expand(graph *g)
{
	uint64_t n = opt.nodes;
	expander x = {0};
	size_t nrand = 4096, nhub = 3;
	dn_id *rand_starts = xmalloc(nrand * sizeof *rand_starts), hubs[3];
	uint32_t *order = xmalloc(n * sizeof *order);
	dn_txn *t;
	fig *f;

	x.mark = xcalloc(g->max_id + 1, sizeof *x.mark);
	x.frontier = xmalloc((g->max_id + 1) * sizeof *x.frontier);
	for (size_t i = 0; i < nrand; i++)
		rand_starts[i] = g->ids[rnd_below(n)];
	for (uint64_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, n, sizeof *order, cmp_deg_desc, g->deg);
	for (size_t i = 0; i < nhub; i++)
		hubs[i] = g->ids[order[i]];

	/* cross-check the generator's degrees against the engine's */
	CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
	for (size_t i = 0; i < nhub; i++) {
		uint64_t d, sc;
		CK_DN(g->db, dn_degree(t, hubs[i], DN_BOTH, NULL, &d));
		expand(g, t, &x, hubs[i], 1, &sc);
		if (d != g->deg[order[i]] || sc != d)
			die("%s: node %llu: degree %llu, adjacency %llu, generated %u", g->name,
			    (unsigned long long)hubs[i], (unsigned long long)d, (unsigned long long)sc,
			    g->deg[order[i]]);
	}
	CK_DN(g->db, dn_txn_commit(t));
	fprintf(stderr, "  %s: top degrees %u, %u, %u; mean degree %.1f\n", g->name, g->deg[order[0]],
	        g->deg[order[1]], g->deg[order[2]], 2.0 * (double)opt.edges / (double)n);

	bench_expand_set(g, &x, "hop1_random", "1-hop distinct nbrs, random start", rand_starts, nrand, 1, 50,
	                 nrand);
	bench_expand_set(g, &x, "hop2_random", "2-hop distinct nbrs, random start", rand_starts, nrand, 2, 10,
	                 2000);
	bench_expand_set(g, &x, "hop1_hub", "1-hop distinct nbrs, top-3 degree start", hubs, nhub, 1, 9, 300);
	bench_expand_set(g, &x, "hop2_hub", "2-hop distinct nbrs, top-3 degree start", hubs, nhub, 2, 3, 30);
	f = figs + nfigs - 1;
	{
		char prev[sizeof f->note];
		memcpy(prev, f->note, sizeof prev);
		fig_note(f, "%s; top degree %u", prev, g->deg[order[0]]);
	}

	/* the fixed cost a query pays per read transaction */
	{
		size_t k = 20000;
		double t0 = now_s();
		for (size_t i = 0; i < k; i++) {
			uint64_t c;
			CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
			CK_DN(g->db, dn_count_nodes(t, &c));
			g_sum += c;
			CK_DN(g->db, dn_txn_commit(t));
		}
		double dt = now_s() - t0;
		f = fig_add(g->name, "read_txn", "read txn begin + count + commit", (double)k / dt, "txns/s");
		fig_per_op(f, dt * 1e6 / (double)k, "us/txn");
	}
	free(order);
	free(rand_starts);
	free(x.mark);
	free(x.frontier);
}

/* --- label scans, lookups, index ---------------------------------------- */

static void bench_labels(graph *g)
{
	double ts[16];
	uint64_t total = 0;
	fig *f;
	for (int r = 0; r < opt.reps; r++) {
		dn_txn *t;
		uint64_t seen = 0;
		CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
		double t0 = now_s();
		for (int l = 0; l < NLABELS; l++) {
			dn_iter *it;
			dn_id id;
			int rc;
			CK_DN(g->db, dn_nodes_by_label(t, LABELS[l], &it));
			while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
				g_sum += id;
				seen++;
			}
			CK_DN(g->db, rc);
			dn_iter_free(it);
		}
		ts[r] = now_s() - t0;
		CK_DN(g->db, dn_txn_commit(t));
		if (seen != opt.nodes)
			die("label scan saw %llu nodes, expected %llu", (unsigned long long)seen,
			    (unsigned long long)opt.nodes);
		total = seen;
	}
	double rate = (double)total / median(ts, (size_t)opt.reps);
	f = fig_add(g->name, "label_scan", "label scan (dn_nodes_by_label, 4 labels)", rate, "ids/s");
	fig_per_op(f, 1e9 / rate, "ns/id");
	fig_ratio(f, "lmdb_scan", flr.scan_per_s / rate);
}

static void bench_lookup(graph *g)
{
	uint64_t n = opt.nodes;
	size_t ops = 1000000, get_ops = 500000;
	dn_id *keys = xmalloc(ops * sizeof *keys);
	double ts[16];
	fig *f;
	for (size_t i = 0; i < ops; i++)
		keys[i] = g->ids[rnd_below(n)];

	for (int r = 0; r < opt.reps; r++) {
		dn_txn *t;
		uint64_t hits = 0;
		CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
		double t0 = now_s();
		for (size_t i = 0; i < ops; i++)
			hits += dn_node_exists(t, keys[i]);
		ts[r] = now_s() - t0;
		CK_DN(g->db, dn_txn_commit(t));
		if (hits != ops)
			die("dn_node_exists missed %llu nodes", (unsigned long long)(ops - hits));
		g_sum += hits;
	}
	double ns = median(ts, (size_t)opt.reps) * 1e9 / (double)ops;
	f = fig_add(g->name, "node_exists", "node lookup dn_node_exists (random id)", 1e9 / ns, "ops/s");
	fig_per_op(f, ns, "ns/op");
	fig_ratio(f, "lmdb_get_rand", ns / flr.get_ns);
	fig_target(f, "<=2x floor", ns / flr.get_ns <= 2.0);
	fig_note(f, "%.2fx the N-key 8 B floor", ns / flr.get8_ns);

	for (int r = 0; r < opt.reps; r++) {
		dn_txn *t;
		CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
		double t0 = now_s();
		for (size_t i = 0; i < get_ops; i++) {
			dn_node *node;
			CK_DN(g->db, dn_node_get(t, keys[i], &node));
			const dn_value *v = dn_node_prop(node, "uid");
			g_sum += node->nlabels + (uint64_t)(v ? v->u.i : 0);
			dn_node_free(node);
		}
		ts[r] = now_s() - t0;
		CK_DN(g->db, dn_txn_commit(t));
	}
	ns = median(ts, (size_t)opt.reps) * 1e9 / (double)get_ops;
	f = fig_add(g->name, "node_get", "node read dn_node_get + free (random id)", 1e9 / ns, "ops/s");
	fig_per_op(f, ns, "ns/op");
	fig_ratio(f, "lmdb_get_rand", ns / flr.get_ns);
	fig_target(f, "<=2x floor", ns / flr.get_ns <= 2.0);
	fig_note(f, "%.2fx the N-key 8 B floor", ns / flr.get8_ns);
	free(keys);
}

/* One unique index on uid per label, so that the index entries cover all N
 * nodes (one sub-database, N entries); seeks go to the node's label. */
static void bench_index(graph *g)
{
	uint64_t n = opt.nodes;
	size_t ops = 500000;
	uint64_t *pick = xmalloc(ops * sizeof *pick);
	double ts[16];
	dn_txn *t;
	fig *f;

	double t0 = now_s();
	CK_DN(g->db, dn_txn_begin(g->db, 0, NULL, &t));
	for (int l = 0; l < NLABELS; l++)
		CK_DN(g->db, dn_index_create(t, NULL, LABELS[l], "uid", DN_INDEX_UNIQUE));
	CK_DN(g->db, dn_txn_commit(t));
	double dt = now_s() - t0;
	f = fig_add(g->name, "index_create", "unique index create, 4 labels x uid + commit", (double)n / dt,
	            "entries/s");
	fig_per_op(f, dt * 1e9 / (double)n, "ns/entry");
	fig_note(f, "%llu entries in all", (unsigned long long)n);

	for (size_t i = 0; i < ops; i++)
		pick[i] = rnd_below(n);
	for (int r = 0; r < opt.reps; r++) {
		CK_DN(g->db, dn_txn_begin(g->db, DN_TXN_RDONLY, NULL, &t));
		t0 = now_s();
		for (size_t i = 0; i < ops; i++) {
			dn_value v = dn_value_int(uid_of(pick[i]));
			dn_iter *it;
			dn_id id = 0;
			CK_DN(g->db, dn_index_seek(t, LABELS[label_of(pick[i])], "uid", &v, &v, 0, &it));
			if (dn_iter_next(it, &id) != DN_ROW || id != g->ids[pick[i]])
				die("index seek for uid %lld found %llu, expected %llu", (long long)v.u.i,
				    (unsigned long long)id, (unsigned long long)g->ids[pick[i]]);
			g_sum += id;
			dn_iter_free(it);
		}
		ts[r] = now_s() - t0;
		CK_DN(g->db, dn_txn_commit(t));
	}
	double ns = median(ts, (size_t)opt.reps) * 1e9 / (double)ops;
	f = fig_add(g->name, "index_seek", "unique index equality seek (int key)", 1e9 / ns, "ops/s");
	fig_per_op(f, ns, "ns/op");
	fig_ratio(f, "lmdb_get_rand", ns / flr.get_ns);
	fig_target(f, "<=2x floor", ns / flr.get_ns <= 2.0);
	fig_note(f, "%llu entries; reads the one id; %.2fx N-key floor", (unsigned long long)n,
	         ns / flr.get8_ns);
	free(pick);
}

/* --- the adjacency layout in raw LMDB (informational floors) ------------ */

/* One adjacency entry in the plain DUPSORT layout (dragnet's first one):
 * key (node u64, dir u8, type u32), value (nbr u64, edge u64), all
 * big-endian, in a DUPSORT|DUPFIXED sub-database. Packed so that memcmp
 * over 29 bytes orders by key, then value. */
typedef struct adj_ent {
	unsigned char b[32];
} adj_ent;

static void adj_ent_make(adj_ent *a, uint64_t node, unsigned dir, uint32_t type, uint64_t nbr, uint64_t edge)
{
	be64(a->b, node);
	a->b[8] = (unsigned char)dir;
	a->b[9] = (unsigned char)(type >> 24);
	a->b[10] = (unsigned char)(type >> 16);
	a->b[11] = (unsigned char)(type >> 8);
	a->b[12] = (unsigned char)type;
	be64(a->b + 13, nbr);
	be64(a->b + 21, edge);
}

static int cmp_adj_val(const void *a, const void *b)
{
	return memcmp(((const adj_ent *)a)->b + 13, ((const adj_ent *)b)->b + 13, 16);
}

static MDB_dbi adj_dbi(MDB_txn *txn)
{
	MDB_dbi dbi;
	CK_MDB(mdb_dbi_open(txn, "adj", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &dbi));
	return dbi;
}

/* The two adjacency entries of every edge, straight into a DUPSORT
 * sub-database: (a) put in the order the edges come (what a per-edge write
 * path costs), and (b) sorted first (counting sort by key, then by value
 * within a key) and written with MDB_APPEND / MDB_APPENDDUP, sort time
 * included (what a sort-based bulk path costs). Informational: they bound
 * what any adjacency layout on LMDB pays for the same entries. */
static void bench_adj_floor(graph *g)
{
	uint64_t n = opt.nodes, m = opt.edges, nk = n * 2 * NTYPES;
	char dir[4096 + 64];
	size_t mapsize = (size_t)m * 400 + ((size_t)256 << 20);
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	fig *f;
	adj_ent a;

	snprintf(dir, sizeof dir, "%s/lmdb-adj", g_root);
	env = floor_env(dir, mapsize, 4);

	double t0 = now_s();
	CK_MDB(mdb_txn_begin(env, NULL, 0, &txn));
	dbi = adj_dbi(txn);
	for (uint64_t e = 0; e < m; e++) {
		uint64_t s = (uint64_t)g->src[e] + 1, d = (uint64_t)g->dst[e] + 1;
		uint32_t ty = (uint32_t)(mix(e) % NTYPES) + 1;
		for (int k = 0; k < 2; k++) {
			adj_ent_make(&a, k ? d : s, k ? DN_IN : DN_OUT, ty, k ? s : d, e + 1);
			MDB_val key = {13, a.b}, val = {16, a.b + 13};
			CK_MDB(mdb_put(txn, dbi, &key, &val, 0));
		}
	}
	CK_MDB(mdb_txn_commit(txn));
	double t_rand = now_s() - t0;
	long long size_rand = file_size(dir, "data.mdb");
	mdb_env_close(env);
	rm_tree(dir);
	f = fig_add(g->name, "lmdb_adj_random", "raw LMDB DUPSORT adj: 2 puts/edge, in order", (double)m / t_rand,
	            "edges/s");
	fig_per_op(f, t_rand * 1e9 / (double)m, "ns/edge");
	fig_note(f, "info floor of the per-edge path; data.mdb %.0f MiB", (double)size_rand / 1048576.0);

	/* sorted: counting sort by key (node, dir, type), then by value */
	t0 = now_s();
	uint32_t *cnt = xcalloc(nk + 1, sizeof *cnt);
	adj_ent *ents = xmalloc(2 * m * sizeof *ents);
	for (uint64_t e = 0; e < m; e++) {
		uint64_t ty = mix(e) % NTYPES;
		cnt[(uint64_t)g->src[e] * 2 * NTYPES + ty + 1]++;
		cnt[(uint64_t)g->dst[e] * 2 * NTYPES + NTYPES + ty + 1]++;
	}
	for (uint64_t k = 0; k < nk; k++)
		cnt[k + 1] += cnt[k];
	for (uint64_t e = 0; e < m; e++) {
		uint64_t s = (uint64_t)g->src[e], d = (uint64_t)g->dst[e], ty = mix(e) % NTYPES;
		adj_ent_make(&ents[cnt[s * 2 * NTYPES + ty]++], s + 1, DN_OUT, (uint32_t)ty + 1, d + 1, e + 1);
		adj_ent_make(&ents[cnt[d * 2 * NTYPES + NTYPES + ty]++], d + 1, DN_IN, (uint32_t)ty + 1, s + 1, e + 1);
	}
	/* cnt[k] is now the end of bucket k; sort each bucket by value */
	for (uint64_t k = 0, lo = 0; k < nk; k++) {
		uint64_t hi = cnt[k];
		if (hi - lo > 1)
			qsort(ents + lo, hi - lo, sizeof *ents, cmp_adj_val);
		lo = hi;
	}
	free(cnt);
	double t_sort = now_s() - t0;

	env = floor_env(dir, mapsize, 4);
	t0 = now_s();
	CK_MDB(mdb_txn_begin(env, NULL, 0, &txn));
	dbi = adj_dbi(txn);
	MDB_cursor *cur;
	CK_MDB(mdb_cursor_open(txn, dbi, &cur));
	for (uint64_t i = 0; i < 2 * m; i++) {
		MDB_val key = {13, ents[i].b}, val = {16, ents[i].b + 13};
		bool same = i && !memcmp(ents[i].b, ents[i - 1].b, 13);
		CK_MDB(mdb_cursor_put(cur, &key, &val, same ? MDB_APPENDDUP : MDB_APPEND));
	}
	mdb_cursor_close(cur);
	CK_MDB(mdb_txn_commit(txn));
	double t_put = now_s() - t0;
	long long size_sorted = file_size(dir, "data.mdb");
	mdb_env_close(env);
	rm_tree(dir);
	free(ents);
	f = fig_add(g->name, "lmdb_adj_sorted", "raw LMDB DUPSORT adj: sorted, APPEND(DUP)",
	            (double)m / (t_sort + t_put), "edges/s");
	fig_per_op(f, (t_sort + t_put) * 1e9 / (double)m, "ns/edge");
	fig_note(f, "info; sort %.2f s + puts %.2f s; data.mdb %.0f MiB", t_sort, t_put,
	         (double)size_sorted / 1048576.0);
}

/* --- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: bench_storage [options]\n"
	        "  --size small|large   100k nodes / 1M edges (default) or 1M nodes / 10M edges\n"
	        "  --nodes N --edges M  explicit sizes (after --size)\n"
	        "  --graphs G           uniform, powerlaw or both (default both)\n"
	        "  --zipf S             power-law endpoint exponent (default 0.8)\n"
	        "  --seed X             random seed (default 42)\n"
	        "  --reps R             repetitions of fixed-size measurements, median (default 3)\n"
	        "  --map-size BYTES     initial LMDB map size for dragnet (default: engine default)\n"
	        "  --tmpdir DIR         where the temporary directory is made (default $TMPDIR or /tmp)\n"
	        "  --json               one JSON line per figure instead of the table\n"
	        "  --keep               keep the databases (the directory is printed)\n"
	        "  --no-adj-floor       skip the informational raw-LMDB adjacency floors\n");
}

static uint64_t parse_u64(const char *s, const char *flag)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		die("%s: bad number '%s'", flag, s);
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'M')
		v *= 1e6, end++;
	else if (*end == 'G')
		v *= 1e9, end++;
	if (*end)
		die("%s: bad number '%s'", flag, s);
	return (uint64_t)v;
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDV()                                        \
	do {                                               \
		if (!v)                                        \
			die("%s needs a value", a);                \
		i++;                                           \
	} while (0)
		if (!strcmp(a, "--size")) {
			NEEDV();
			if (!strcmp(v, "small")) {
				opt.nodes = 100000;
				opt.edges = 1000000;
			} else if (!strcmp(v, "large")) {
				opt.nodes = 1000000;
				opt.edges = 10000000;
			} else {
				die("--size must be small or large");
			}
			opt.size = v;
		} else if (!strcmp(a, "--nodes")) {
			NEEDV();
			opt.nodes = parse_u64(v, a);
			opt.size = "custom";
		} else if (!strcmp(a, "--edges")) {
			NEEDV();
			opt.edges = parse_u64(v, a);
			opt.size = "custom";
		} else if (!strcmp(a, "--graphs")) {
			NEEDV();
			opt.uniform = !strcmp(v, "uniform") || !strcmp(v, "both");
			opt.powerlaw = !strcmp(v, "powerlaw") || !strcmp(v, "both");
			if (!opt.uniform && !opt.powerlaw)
				die("--graphs must be uniform, powerlaw or both");
		} else if (!strcmp(a, "--zipf")) {
			NEEDV();
			opt.zipf = strtod(v, NULL);
			if (!(opt.zipf > 0 && opt.zipf < 3))
				die("--zipf must be in (0, 3)");
		} else if (!strcmp(a, "--seed")) {
			NEEDV();
			opt.seed = parse_u64(v, a);
		} else if (!strcmp(a, "--reps")) {
			NEEDV();
			opt.reps = atoi(v);
			if (opt.reps < 1 || opt.reps > 15)
				die("--reps must be 1..15");
		} else if (!strcmp(a, "--map-size")) {
			NEEDV();
			opt.map_size = (size_t)parse_u64(v, a);
		} else if (!strcmp(a, "--tmpdir")) {
			NEEDV();
			opt.tmpdir = v;
		} else if (!strcmp(a, "--json")) {
			opt.json = true;
		} else if (!strcmp(a, "--keep")) {
			opt.keep = true;
		} else if (!strcmp(a, "--no-adj-floor")) {
			opt.adj_floor = false;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else {
			usage(stderr);
			die("unknown option %s", a);
		}
#undef NEEDV
	}
	if (opt.nodes < 16 || opt.nodes > UINT32_MAX || opt.edges < 1)
		die("need 16 <= nodes < 2^32 and edges >= 1");
}

static void machine(char *buf, size_t cap)
{
	char line[512], model[256] = "unknown CPU";
	struct utsname u;
	FILE *f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "model name", 10)) {
			char *p = strchr(line, ':');
			if (p) {
				snprintf(model, sizeof model, "%s", p + 2);
				model[strcspn(model, "\n")] = '\0';
			}
			break;
		}
	if (f)
		fclose(f);
	uname(&u);
	long mem = -1;
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "MemTotal:", 9)) {
			mem = strtol(line + 9, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	snprintf(buf, cap, "%s, %ld CPUs, %.1f GiB RAM, %s %s", model, sysconf(_SC_NPROCESSORS_ONLN),
	         (double)mem / 1048576.0, u.sysname, u.release);
}

int main(int argc, char **argv)
{
	char mach[600];
	graph g;
	bool which[2];

	g_prog = "bench_storage";
	parse_args(argc, argv);
	g_keep = opt.keep;
	rng_state ^= mix(opt.seed);
	const char *base = opt.tmpdir ? opt.tmpdir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(g_root, sizeof g_root, "%s/dragnet-bench-XXXXXX", base);
	if (!mkdtemp(g_root)) {
		int e = errno;
		g_root[0] = '\0';
		die("mkdtemp in %s: %s", base, strerror(e));
	}
	machine(mach, sizeof mach);
	fprintf(stderr, "bench_storage: dragnet %s, %s; size %s: %llu nodes, %llu edges; dir %s\n",
	        DN_VERSION_STRING, mdb_version(NULL, NULL, NULL), opt.size, (unsigned long long)opt.nodes,
	        (unsigned long long)opt.edges, g_root);

	run_floor();
	which[0] = opt.uniform;
	which[1] = opt.powerlaw;
	for (int k = 0; k < 2; k++) {
		if (!which[k])
			continue;
		memset(&g, 0, sizeof g);
		fprintf(stderr, "%s graph: generating\n", k ? "power-law" : "uniform");
		graph_generate(&g, k == 1);
		fprintf(stderr, "%s graph: loading\n", g.name);
		bench_load(&g);
		bench_expand(&g);
		bench_labels(&g);
		bench_lookup(&g);
		bench_index(&g);
		dn_close(g.db);
		if (!opt.keep)
			rm_tree(g.dir);
		if (opt.adj_floor)
			bench_adj_floor(&g);
		graph_free(&g);
	}

	if (opt.json) {
		print_json();
		printf("{\"figure\":\"run\",\"dragnet\":\"%s\",\"lmdb\":\"%s\",\"machine\":\"%s\",\"size\":\"%s\","
		       "\"nodes\":%llu,\"edges\":%llu,\"zipf\":%g,\"seed\":%llu,\"reps\":%d,\"load\":\"DN_OPEN_NOSYNC\","
		       "\"checksum\":%llu}\n",
		       DN_VERSION_STRING, mdb_version(NULL, NULL, NULL), mach, opt.size,
		       (unsigned long long)opt.nodes, (unsigned long long)opt.edges, opt.zipf,
		       (unsigned long long)opt.seed, opt.reps, (unsigned long long)g_sum);
	} else {
		printf("dragnet %s storage benchmark — %s\n", DN_VERSION_STRING, mdb_version(NULL, NULL, NULL));
		printf("machine: %s\n", mach);
		printf("size %s: %llu nodes, %llu edges; power-law Zipf s=%g; seed %llu; median of %d reps "
		       "unless noted\n",
		       opt.size, (unsigned long long)opt.nodes, (unsigned long long)opt.edges, opt.zipf,
		       (unsigned long long)opt.seed, opt.reps);
		printf("load: one write txn, dn_open(DN_OPEN_NOSYNC) (no fsync at commit); LMDB floor also "
		       "MDB_NOSYNC\n");
		printf("x floor = slowdown against the raw LMDB figure named in the JSON output "
		       "(rates: floor/value; times: value/floor)\n\n");
		print_table();
		printf("\nchecksum %llu\n", (unsigned long long)g_sum);
	}
	if (opt.keep)
		fprintf(stderr, "kept %s\n", g_root);
	else
		rm_tree(g_root);
	return 0;
}
