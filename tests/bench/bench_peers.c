/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_peers.c — the peer workloads of ../shared/bench/peers/README.md
 * (LDBC SNB sf0.1 knows 1- to 3-hop counts, shortest path, top-10 comment
 * creators; SNAP wiki-Vote and ego-Twitter 1- and 2-hop counts) run through
 * dragnet's query language, beside Kuzu's figures measured in the same run
 * (tests/bench/peers.sh runs Kuzu's step first; this program reads its
 * JSON files). Each graph is loaded into a fresh database through the C
 * API in one write transaction (DN_OPEN_NOSYNC: no fsync at commit, as a
 * bulk load may); the query texts are kuzu_bench.js's, except the shortest
 * path, written in dragnet's syntax.
 *
 * Latency, as the peers define it: read transaction begin, prepare, execute,
 * fetch every row (the texts carry literals: nothing to bind), free, end;
 * 2 untimed warm-ups, then --reps timed runs; median [min-max] of the wall
 * time, and the median CPU time beside it (the machine is shared: wall
 * time includes waiting for a core). Each query runs in a child process
 * that a timer kills when one run exceeds --timeout seconds (wall), so that
 * a pathological plan is reported, not waited for. Every answer is checked
 * against params.json (and the 1-hop rows against the edge list); a wrong,
 * failed or stopped query prints FAIL and the exit status is 1 (2 when the
 * benchmark itself could not run).
 *
 *   bench_peers [--data DIR] [--ldbc DIR] [--results DIR] [--graphs LIST]
 *               [--reps N] [--timeout S] [--budget S] [--tmpdir DIR] [--keep]
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dragnet.h"
#include "bench_util.h"

#define MAX_REPS 200
#define MAX_QUERIES 16

static struct {
	const char *data, *ldbc, *results, *tmpdir, *graphs;
	int reps;
	double timeout, budget;
	bool keep;
} opt = {"/tmp/peersbench/data", "/tmp/peers/node_modules/kuzu/kuzu-source/dataset/ldbc-sf01",
         "/tmp/peersbench/results", NULL, "ldbc,wiki-Vote,twitter", 20, 5.0, 60.0, false};

/* --- helpers ------------------------------------------------------------ */

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

static int cmp_double(const void *a, const void *b);

static double clock_s(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void loadavg(char *buf, size_t cap)
{
	FILE *f = fopen("/proc/loadavg", "r");
	buf[0] = 0;
	if (f) {
		if (fgets(buf, (int)cap, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

/* --- input files -------------------------------------------------------- */

/* A growable array of int64 tuples of `width` fields. */
typedef struct {
	int64_t *v;
	size_t n, cap, width;
} tuples;

static void tuples_push(tuples *t, const int64_t *row)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->v = xrealloc(t->v, t->cap * t->width * sizeof *t->v);
	}
	memcpy(t->v + t->n * t->width, row, t->width * sizeof *row);
	t->n++;
}

/* Reads the first `width` integer fields of every line of `path` split on
 * `delim`. Lines that do not start with a digit or '-' are headers (some
 * LDBC files have one, some not) and are skipped; anything else malformed
 * stops the program with the file and line. */
static tuples read_ints(const char *path, char delim, size_t width)
{
	tuples t = {.width = width};
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		if (!(line[0] == '-' || (line[0] >= '0' && line[0] <= '9')))
			continue;
		int64_t row[4];
		char *p = line;
		for (size_t i = 0; i < width; i++) {
			char *end;
			errno = 0;
			row[i] = strtoll(p, &end, 10);
			if (end == p || errno || (*end != delim && *end != '\n' && *end != '\r' && *end))
				die("%s:%lu: field %zu is not an integer", path, lineno, i + 1);
			if (i + 1 < width && *end != delim)
				die("%s:%lu: %zu fields expected", path, lineno, width);
			p = end + 1;
		}
		tuples_push(&t, row);
	}
	free(line);
	fclose(f);
	return t;
}

/* External id -> dn_id, a sorted array searched by bisection. */
typedef struct {
	int64_t key;
	dn_id id;
} idpair;

typedef struct {
	idpair *v;
	size_t n;
} idmap;

static int cmp_idpair(const void *a, const void *b)
{
	return cmp_i64(&((const idpair *)a)->key, &((const idpair *)b)->key);
}

static dn_id idmap_get(const idmap *m, int64_t key, const char *what)
{
	idpair k = {.key = key};
	const idpair *p = bsearch(&k, m->v, m->n, sizeof *m->v, cmp_idpair);
	if (!p)
		die("%s %lld is not a loaded node", what, (long long)key);
	return p->id;
}

/* Creates one node per row of `rows` with `label` and integer properties
 * keys[i] = rows[i]; returns the map from the first column to dn_id. */
static idmap create_nodes(dn_db *db, dn_txn *t, const char *label, const char *const *keys,
                          const tuples *rows)
{
	idmap m = {.v = xrealloc(NULL, rows->n * sizeof(idpair)), .n = rows->n};
	for (size_t r = 0; r < rows->n; r++) {
		dn_prop p[4];
		for (size_t i = 0; i < rows->width; i++)
			p[i] = (dn_prop){keys[i], dn_value_int(rows->v[r * rows->width + i])};
		m.v[r].key = rows->v[r * rows->width];
		CK_DN(db, dn_node_create(t, &label, 1, p, rows->width, NULL, &m.v[r].id));
	}
	qsort(m.v, m.n, sizeof *m.v, cmp_idpair);
	for (size_t i = 1; i < m.n; i++)
		if (m.v[i].key == m.v[i - 1].key)
			die("%s id %lld appears twice", label, (long long)m.v[i].key);
	return m;
}

static void create_edges(dn_db *db, dn_txn *t, const char *type, const tuples *e, const idmap *src,
                         const idmap *dst)
{
	for (size_t r = 0; r < e->n; r++) {
		dn_id id;
		CK_DN(db, dn_edge_create(t, idmap_get(src, e->v[2 * r], type), idmap_get(dst, e->v[2 * r + 1], type),
		                         type, NULL, 0, NULL, &id));
	}
}

/* --- queries ------------------------------------------------------------ */

enum check { CK_COUNT, CK_ROWS, CK_TOP10 };

typedef struct {
	char name[40];     /* kuzu_bench.js's name */
	char label[96];    /* what the table shows */
	char text[400];
	const char *kuzu_forms[2]; /* names in Kuzu's JSON whose best is compared */
	double target;     /* required Kuzu/dragnet ratio */
	enum check check;
	int64_t expect;    /* CK_COUNT: the count */
	int64_t *rows;     /* CK_ROWS: sorted single-column rows; CK_TOP10: 10 x (id, n) */
	size_t nrows;
} query;

/* What a child reports for one query. */
typedef struct {
	int status; /* 0 ok, 1 wrong answer, 2 error */
	int n;      /* timed runs */
	double ms[MAX_REPS];
	double cpu[MAX_REPS]; /* CPU time of the same runs (the machine is shared) */
	char note[300]; /* the answer, or what was wrong */
} qres;

typedef struct {
	int64_t *v;
	size_t n, cap, ncol;
	bool nonint;
} rowbuf;

/* One run: read transaction, prepare, execute, fetch every row into rb.
 * Returns 0, or -1 with a message in err. */
static int run_once(dn_db *db, const char *text, rowbuf *rb, char *err, size_t cap)
{
	dn_txn *t;
	dn_stmt *s;
	dn_query_error qe;
	int rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &t);
	if (rc) {
		snprintf(err, cap, "read txn: %s", dn_errmsg(db));
		return -1;
	}
	if (dn_stmt_prepare(db, text, strlen(text), &s, &qe)) {
		snprintf(err, cap, "prepare: line %d column %d: %s", qe.line, qe.column, qe.message);
		dn_txn_abort(t);
		return -1;
	}
	if (dn_stmt_execute(s, t)) {
		snprintf(err, cap, "execute: %s", dn_stmt_error(s)->message);
		dn_stmt_free(s);
		dn_txn_abort(t);
		return -1;
	}
	rb->n = 0;
	rb->ncol = dn_stmt_column_count(s);
	rb->nonint = false;
	while ((rc = dn_stmt_step(s)) == DN_ROW) {
		for (size_t c = 0; c < rb->ncol; c++) {
			const dn_value *v = dn_stmt_column(s, c);
			if (rb->n == rb->cap) {
				rb->cap = rb->cap ? rb->cap * 2 : 256;
				rb->v = xrealloc(rb->v, rb->cap * sizeof *rb->v);
			}
			if (v->type != DN_INT)
				rb->nonint = true;
			rb->v[rb->n++] = v->type == DN_INT ? v->u.i : INT64_MIN;
		}
	}
	if (rc != DN_DONE)
		snprintf(err, cap, "step: %s", dn_stmt_error(s)->message);
	dn_stmt_free(s);
	dn_txn_abort(t);
	return rc == DN_DONE ? 0 : -1;
}

/* Checks rb against q; writes the answer (or what is wrong) into note.
 * Returns true when right. */
static bool check_rows(const query *q, rowbuf *rb, char *note, size_t cap)
{
	size_t nr = rb->ncol ? rb->n / rb->ncol : 0;
	if (rb->nonint) {
		snprintf(note, cap, "a column is not an integer");
		return false;
	}
	switch (q->check) {
	case CK_COUNT:
		if (rb->ncol != 1 || nr != 1) {
			snprintf(note, cap, "%zu rows x %zu columns, expected one count", nr, rb->ncol);
			return false;
		}
		if (rb->v[0] != q->expect) {
			snprintf(note, cap, "%lld, expected %lld", (long long)rb->v[0], (long long)q->expect);
			return false;
		}
		snprintf(note, cap, "%lld", (long long)rb->v[0]);
		return true;
	case CK_ROWS:
		snprintf(note, cap, "%zu rows", nr);
		if (rb->ncol != 1 || nr != q->nrows)
			return false;
		qsort(rb->v, nr, sizeof *rb->v, cmp_i64);
		if (memcmp(rb->v, q->rows, nr * sizeof *rb->v)) {
			snprintf(note, cap, "%zu rows, not the neighbours' ids", nr);
			return false;
		}
		return true;
	case CK_TOP10:
		if (rb->ncol != 2 || nr != q->nrows) {
			snprintf(note, cap, "%zu rows x %zu columns, expected 10 x 2", nr, rb->ncol);
			return false;
		}
		snprintf(note, cap, "top: %lld (%lld)", (long long)rb->v[0], (long long)rb->v[1]);
		for (size_t i = 0; i < 2 * nr; i++)
			if (rb->v[i] != q->rows[i]) {
				snprintf(note, cap, "row %zu is (%lld, %lld), expected (%lld, %lld)", i / 2 + 1,
				         (long long)rb->v[i & ~(size_t)1], (long long)rb->v[i | 1],
				         (long long)q->rows[i & ~(size_t)1], (long long)q->rows[i | 1]);
				return false;
			}
		return true;
	}
	return false;
}

static void arm_timer(double s)
{
	struct itimerval it = {{0, 0}, {(time_t)s, (suseconds_t)((s - floor(s)) * 1e6)}};
	setitimer(ITIMER_REAL, &it, NULL);
}

/* The child's side: opens the database, 2 warm-ups, then up to opt.reps
 * timed runs (fewer, but at least 3, once opt.budget seconds are spent).
 * One run longer than opt.timeout ends the child by SIGALRM. */
static void child_run(const char *dbdir, const query *q, int wfd)
{
	static qres r;
	rowbuf rb = {0};
	dn_db *db;
	dn_open_opts o = {.flags = DN_OPEN_RDONLY};
	memset(&r, 0, sizeof r);
	if (dn_open(dbdir, &o, &db)) {
		r.status = 2;
		snprintf(r.note, sizeof r.note, "open: %s", dn_errmsg(NULL));
	}
	double spent = 0;
	bool wrong = false; /* a wrong answer is reported, its timings kept */
	for (int i = 0; r.status == 0 && i < 2 + opt.reps; i++) {
		if (i >= 5 && spent > opt.budget)
			break;
		arm_timer(opt.timeout);
		double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		int rc = run_once(db, q->text, &rb, r.note, sizeof r.note);
		double t1 = now_s(), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		arm_timer(0);
		if (rc) {
			r.status = 2;
			break;
		}
		if (i >= 2) {
			r.cpu[r.n] = (c1 - c0) * 1e3;
			r.ms[r.n++] = (t1 - t0) * 1e3;
			spent += t1 - t0;
		}
		if (!wrong && !check_rows(q, &rb, r.note, sizeof r.note))
			wrong = true;
	}
	if (wrong && r.status == 0)
		r.status = 1;
	if (r.status != 2)
		dn_close(db);
	if (write(wfd, &r, sizeof r) != (ssize_t)sizeof r)
		_exit(3);
	_exit(0);
}

/* Runs q in a child and collects its report; a child killed by its timer
 * is reported as a timeout. */
static void measure(const char *dbdir, const query *q, qres *r)
{
	int fd[2];
	fflush(stdout);
	fflush(stderr);
	if (pipe(fd))
		die("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		child_run(dbdir, q, fd[1]);
	}
	close(fd[1]);
	size_t got = 0;
	while (got < sizeof *r) {
		ssize_t k = read(fd[0], (char *)r + got, sizeof *r - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd[0]);
	int st = 0;
	struct rusage ru = {0};
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	if (got == sizeof *r)
		return;
	memset(r, 0, sizeof *r);
	r->status = 3;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(r->note, sizeof r->note, "TIMEOUT: a run took over %g s (wall), stopped; the process had used %.1f s CPU",
		         opt.timeout, (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		                          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	else
		snprintf(r->note, sizeof r->note, "the query's process died (status 0x%x)", (unsigned)st);
}

/* --- Kuzu's figures ----------------------------------------------------- */

/* The best (lowest) median among q's Kuzu forms in the two thread
 * settings; false when there is none. form gets which one it was. */
static bool kuzu_best(json_t *const k[2], const query *q, double *best, char *form, size_t cap,
                      bool *correct)
{
	bool found = false;
	for (int th = 0; th < 2; th++) {
		json_t *qs = k[th] ? json_object_get(k[th], "queries") : NULL;
		for (int f = 0; f < 2 && q->kuzu_forms[f]; f++) {
			json_t *e = json_object_get(qs, q->kuzu_forms[f]);
			json_t *m = json_object_get(e, "median_ms");
			if (!json_is_number(m))
				continue;
			double v = json_number_value(m);
			if (!found || v < *best) {
				found = true;
				*best = v;
				*correct = json_is_true(json_object_get(e, "correct"));
				snprintf(form, cap, "%s%s", !q->kuzu_forms[1] ? "" : f ? "SHORTEST, " : "walk, ",
				         th ? "1 thread" : "2 threads");
			}
		}
	}
	return found;
}

static json_t *kuzu_file(const char *graph, int th)
{
	char p[4400];
	snprintf(p, sizeof p, "%s/kuzu_query_%s_t%d.json", opt.results, graph, th);
	return json_load_file(p, 0, NULL);
}

/* --- graphs ------------------------------------------------------------- */

typedef struct {
	const char *name;
	char what[200];
	char dir[4200];
	query q[MAX_QUERIES];
	size_t nq;
} graph;

static query *add_query(graph *g, const char *name, double target, enum check ck, const char *k1,
                        const char *k2)
{
	query *q = &g->q[g->nq++];
	memset(q, 0, sizeof *q);
	snprintf(q->name, sizeof q->name, "%.39s", name);
	q->target = target;
	q->check = ck;
	q->kuzu_forms[0] = k1;
	q->kuzu_forms[1] = k2;
	return q;
}

static int64_t jint(json_t *root, const char *path)
{
	json_t *v = root;
	char buf[200], *save = NULL;
	snprintf(buf, sizeof buf, "%s", path);
	for (char *tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save))
		v = json_object_get(v, tok);
	if (!json_is_integer(v))
		die("params.json: %s is missing or not an integer", path);
	return json_integer_value(v);
}

static void open_load(graph *g, dn_db **db, dn_txn **t)
{
	dn_open_opts o = {.flags = DN_OPEN_NOSYNC};
	snprintf(g->dir, sizeof g->dir, "%s/%s", g_root, g->name);
	CK_DN(NULL, dn_open(g->dir, &o, db));
	CK_DN(*db, dn_txn_begin(*db, 0, NULL, t));
}

static void close_load(graph *g, dn_db *db, dn_txn *t, double t0, double c0, uint64_t nodes, uint64_t edges)
{
	CK_DN(db, dn_txn_commit(t));
	double s = now_s() - t0, cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	dn_close(db);
	char p[4400];
	struct stat st;
	snprintf(p, sizeof p, "%s/data.mdb", g->dir);
	long long bytes = stat(p, &st) ? -1 : (long long)st.st_blocks * 512;
	printf("load %s: %llu nodes, %llu edges in %.2f s wall / %.2f s CPU incl. commit (%.0f (nodes+edges)/s wall), "
	       "one write txn, DN_OPEN_NOSYNC; data.mdb %.1f MiB allocated\n",
	       g->name, (unsigned long long)nodes, (unsigned long long)edges, s, cpu, (double)(nodes + edges) / s,
	       (double)bytes / 1048576.0);
}

/* Sorted ids of the knows-neighbours of `who` (either direction; one row
 * per edge, as the 1-hop query returns them). */
static int64_t *neighbours(const tuples *knows, int64_t who, size_t *n)
{
	int64_t *v = NULL;
	*n = 0;
	for (size_t i = 0; i < knows->n; i++) {
		int64_t s = knows->v[2 * i], d = knows->v[2 * i + 1];
		if (s != who && d != who)
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = s == who ? d : s;
	}
	qsort(v, *n, sizeof *v, cmp_i64);
	return v;
}

static void setup_ldbc(graph *g, json_t *P)
{
	char p[4400];
	dn_db *db;
	dn_txn *t;
	snprintf(p, sizeof p, "%s/Person.csv", opt.ldbc);
	tuples persons = read_ints(p, '|', 1);
	snprintf(p, sizeof p, "%s/ldbc_knows.csv", opt.data);
	tuples knows = read_ints(p, ',', 2);
	snprintf(p, sizeof p, "%s/Comment.csv", opt.ldbc);
	tuples comments = read_ints(p, '|', 2);
	tuples creator = {.width = 2};
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof p, "%s/Comment_hasCreator_Person%s.csv", opt.ldbc, i ? "_1" : "");
		tuples part = read_ints(p, '|', 2);
		for (size_t r = 0; r < part.n; r++)
			tuples_push(&creator, part.v + 2 * r);
		free(part.v);
	}
	open_load(g, &db, &t);
	double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	static const char *const pkeys[] = {"id"}, *const ckeys[] = {"id", "creationDate"};
	idmap pm = create_nodes(db, t, "Person", pkeys, &persons);
	create_edges(db, t, "knows", &knows, &pm, &pm);
	idmap cm = create_nodes(db, t, "Comment", ckeys, &comments);
	create_edges(db, t, "Comment_hasCreator", &creator, &cm, &pm);
	CK_DN(db, dn_index_create(t, NULL, "Person", "id", DN_INDEX_UNIQUE));
	close_load(g, db, t, t0, c0, persons.n + comments.n, knows.n + creator.n);
	snprintf(g->what, sizeof g->what,
	         "LDBC SNB sf0.1: %zu Persons, %zu knows (queried undirected), %zu Comments, %zu hasCreator",
	         persons.n, knows.n, comments.n, creator.n);

	static const char *const who[] = {"median", "hub"};
	for (int w = 0; w < 2; w++) {
		char base[80], n1[100], n2[100], n3[100];
		int64_t id = jint(P, w ? "ldbc.people.hub.id" : "ldbc.people.median.id");
		snprintf(base, sizeof base, "ldbc.people.%s.", who[w]);
		snprintf(n1, sizeof n1, "%shop1", base);
		snprintf(n2, sizeof n2, "%shop2", base);
		snprintf(n3, sizeof n3, "%shop3", base);
		static char names[2][3][2][40];
		for (int k = 0; k < 3; k++) {
			snprintf(names[w][k][0], 40, "%s_%dhop_%s", (const char *[]){"a", "b", "c"}[k], k + 1, who[w]);
			snprintf(names[w][k][1], 40, "%.35s_bfs", names[w][k][0]);
		}
		query *q = add_query(g, names[w][0][0], 3, CK_ROWS, names[w][0][0], NULL);
		snprintf(q->label, sizeof q->label, "(a) 1-hop knows, %s Person (rows)", who[w]);
		snprintf(q->text, sizeof q->text, "MATCH (p:Person {id: %lld})-[:knows]-(f:Person) RETURN f.id",
		         (long long)id);
		q->rows = neighbours(&knows, id, &q->nrows);
		if ((int64_t)q->nrows != jint(P, n1))
			die("ldbc_knows.csv gives %zu neighbours of %lld, params.json %lld", q->nrows, (long long)id,
			    (long long)jint(P, n1));
		for (int k = 2; k <= 3; k++) {
			q = add_query(g, names[w][k - 1][0], 3, CK_COUNT, names[w][k - 1][0], names[w][k - 1][1]);
			snprintf(q->label, sizeof q->label, "(%c) <=%d-hop distinct count, %s Person", 'a' + k - 1, k,
			         who[w]);
			snprintf(q->text, sizeof q->text,
			         "MATCH (p:Person {id: %lld})-[:knows*1..%d]-(f:Person) WHERE f.id <> %lld "
			         "RETURN count(DISTINCT f) AS c",
			         (long long)id, k, (long long)id);
			q->expect = jint(P, k == 2 ? n2 : n3);
		}
	}
	query *q = add_query(g, "d_shortest_path", 3, CK_COUNT, "d_shortest_path", NULL);
	snprintf(q->label, sizeof q->label, "(d) shortest path length (knows, <=10)");
	snprintf(q->text, sizeof q->text,
	         "MATCH (a:Person {id: %lld}), (b:Person {id: %lld}) "
	         "MATCH p = shortestPath((a)-[:knows*1..10]-(b)) RETURN length(p)",
	         (long long)jint(P, "ldbc.sp.src"), (long long)jint(P, "ldbc.sp.dst"));
	q->expect = jint(P, "ldbc.sp.length");
	q = add_query(g, "e_top10_comment_creators_2012", 1, CK_TOP10, "e_top10_comment_creators_2012", NULL);
	snprintf(q->label, sizeof q->label, "(e) top-10 Persons by #Comments created >=2012");
	snprintf(q->text, sizeof q->text,
	         "MATCH (c:Comment)-[:Comment_hasCreator]->(p:Person) WHERE c.creationDate >= %lld "
	         "RETURN p.id AS id, count(*) AS n ORDER BY n DESC, id LIMIT 10",
	         (long long)jint(P, "ldbc.comment_filter_min_creationDate"));
	json_t *top = json_object_get(json_object_get(P, "ldbc"), "top10_comments_2012");
	q->nrows = json_array_size(top);
	q->rows = xrealloc(NULL, 2 * q->nrows * sizeof *q->rows);
	for (size_t i = 0; i < q->nrows; i++)
		for (size_t j = 0; j < 2; j++)
			q->rows[2 * i + j] = json_integer_value(json_array_get(json_array_get(top, i), j));
	free(persons.v);
	free(knows.v);
	free(comments.v);
	free(creator.v);
	free(pm.v);
	free(cm.v);
}

/* wiki-Vote (nodes/id/edges) and twitter (account/ID/follows): kuzu's
 * names, duplicate edge rows kept. */
static void setup_snap(graph *g, json_t *P)
{
	bool tw = !strcmp(g->name, "twitter");
	const char *N = tw ? "account" : "nodes", *R = tw ? "follows" : "edges", *key = tw ? "ID" : "id";
	char p[4400], path[200];
	dn_db *db;
	dn_txn *t;
	snprintf(p, sizeof p, "%s/%s.ids", opt.data, g->name);
	tuples nodes = read_ints(p, ',', 1);
	snprintf(p, sizeof p, "%s/%s.csv", opt.data, g->name);
	tuples edges = read_ints(p, ',', 2);
	open_load(g, &db, &t);
	double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	idmap m = create_nodes(db, t, N, &key, &nodes);
	create_edges(db, t, R, &edges, &m, &m);
	CK_DN(db, dn_index_create(t, NULL, N, key, DN_INDEX_UNIQUE));
	close_load(g, db, t, t0, c0, nodes.n, edges.n);
	snprintf(g->what, sizeof g->what, "SNAP %s: %zu nodes, %zu edge rows, directed", g->name, nodes.n, edges.n);
	snprintf(path, sizeof path, "%s.hub.id", g->name);
	long long hub = (long long)jint(P, path);
	query *q = add_query(g, "s_1hop_out_hub", 3, CK_COUNT, "s_1hop_out_hub", NULL);
	snprintf(q->label, sizeof q->label, "1-hop out distinct count, hub %lld", hub);
	snprintf(q->text, sizeof q->text, "MATCH (a:%s {%s: %lld})-[:%s]->(b:%s) RETURN count(DISTINCT b) AS c", N,
	         key, hub, R, N);
	snprintf(path, sizeof path, "%s.hub.hop1", g->name);
	q->expect = jint(P, path);
	q = add_query(g, "s_2hop_out_hub", 3, CK_COUNT, "s_2hop_out_hub", "s_2hop_out_hub_bfs");
	snprintf(q->label, sizeof q->label, "<=2-hop out distinct count, hub %lld", hub);
	snprintf(q->text, sizeof q->text,
	         "MATCH (a:%s {%s: %lld})-[:%s*1..2]->(b:%s) WHERE b.%s <> %lld RETURN count(DISTINCT b) AS c", N, key,
	         hub, R, N, key, hub);
	snprintf(path, sizeof path, "%s.hub.hop2", g->name);
	q->expect = jint(P, path);
	free(nodes.v);
	free(edges.v);
	free(m.v);
}

/* --- report ------------------------------------------------------------- */

static int report(graph *g, const qres *res)
{
	json_t *k[2] = {kuzu_file(g->name, 0), kuzu_file(g->name, 1)};
	int failures = 0;
	printf("\n### %s\n", g->what);
	if (!k[0] && !k[1])
		printf("(no Kuzu figures: %s/kuzu_query_%s_t{0,1}.json absent; dragnet's figures only)\n", opt.results,
		       g->name);
	printf("| query | dragnet answer | dragnet ms, median [min–max] (n) | dragnet CPU ms | Kuzu best ms (form) "
	       "| Kuzu ÷ dragnet | target | verdict |\n|---|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < g->nq; i++) {
		const query *q = &g->q[i];
		qres r = res[i];
		char dn[120] = "-", cpu[32] = "-", ku[160] = "-", ratio[32] = "-", verdict[400], form[64];
		double best = 0;
		bool kc = true, have = kuzu_best(k, q, &best, form, sizeof form, &kc);
		if ((r.status == 0 || r.status == 1) && r.n > 0) {
			double med = median(r.ms, r.n);
			snprintf(dn, sizeof dn, "%.3f [%.3f–%.3f] (%d)", med, r.ms[0], r.ms[r.n - 1], r.n);
			snprintf(cpu, sizeof cpu, "%.3f", median(r.cpu, r.n));
			if (have)
				snprintf(ratio, sizeof ratio, "%.2f×", best / med);
			if (r.status == 1)
				snprintf(verdict, sizeof verdict, "**FAIL** (wrong answer: %s)", r.note);
			else if (!have)
				snprintf(verdict, sizeof verdict, "no Kuzu figure");
			else
				snprintf(verdict, sizeof verdict, "%s", best / med >= q->target ? "met" : "**missed**");
		} else {
			snprintf(verdict, sizeof verdict, "**%s** %s", r.status == 2 ? "FAIL (error)" : "FAIL", r.note);
		}
		if (have)
			snprintf(ku, sizeof ku, "%.3f (%s%s)", best, form, kc ? "" : ", Kuzu's answer WRONG");
		failures += r.status != 0;
		printf("| %s | %s | %s | %s | %s | %s | ≥ %g× | %s |\n", q->label, r.status <= 1 ? r.note : "-", dn, cpu,
		       ku, ratio, q->target, verdict);
	}
	printf("\nQuery texts (the same as Kuzu's%s):\n",
	       strcmp(g->name, "ldbc") ? ""
	                               : " except (d), which Kuzu writes `MATCH p = (a:Person {id: ...})-[:knows* "
	                                 "SHORTEST 1..10]-(b:Person {id: ...}) RETURN length(p) AS len`");
	for (size_t i = 0; i < g->nq; i++)
		printf("- %s: `%s`\n", g->q[i].name, g->q[i].text);
	json_decref(k[0]);
	json_decref(k[1]);
	return failures;
}

/* --- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: bench_peers [--data DIR] [--ldbc DIR] [--results DIR] [--graphs LIST]\n"
	           "                   [--reps N] [--timeout S] [--budget S] [--tmpdir DIR] [--keep]\n"
	           "  --data     prepared edge lists and params.json (default %s)\n"
	           "  --ldbc     LDBC SNB sf0.1 CSVs (default %s)\n"
	           "  --results  Kuzu's kuzu_query_<graph>_t{0,1}.json (default %s)\n"
	           "  --graphs   comma-separated among ldbc,wiki-Vote,twitter (default all)\n"
	           "  --reps     timed runs per query after 2 warm-ups (default 20, at most %d)\n"
	           "  --timeout  seconds (wall) one run may take before the query is stopped (default 5)\n"
	           "  --budget   seconds of timed runs per query before stopping early, keeping >= 3 (default 60)\n",
	        opt.data, opt.ldbc, opt.results, MAX_REPS);
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!strcmp(a, "--keep")) {
			opt.keep = true;
			continue;
		}
		if (i + 1 >= argc) {
			usage(stderr);
			die("%s needs a value", a);
		}
		const char *v = argv[++i];
		char *end;
		if (!strcmp(a, "--data"))
			opt.data = v;
		else if (!strcmp(a, "--ldbc"))
			opt.ldbc = v;
		else if (!strcmp(a, "--results"))
			opt.results = v;
		else if (!strcmp(a, "--graphs"))
			opt.graphs = v;
		else if (!strcmp(a, "--tmpdir"))
			opt.tmpdir = v;
		else if (!strcmp(a, "--reps")) {
			opt.reps = (int)strtol(v, &end, 10);
			if (*end || opt.reps < 1 || opt.reps > MAX_REPS)
				die("--reps: '%s' is not a number from 1 to %d", v, MAX_REPS);
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "--budget")) {
			double d = strtod(v, &end);
			if (*end || !(d > 0))
				die("%s: '%s' is not a positive number of seconds", a, v);
			*(a[2] == 't' ? &opt.timeout : &opt.budget) = d;
		} else {
			usage(stderr);
			die("unknown option '%s'", a);
		}
	}
}

int main(int argc, char **argv)
{
	g_prog = "bench_peers";
	g_die_status = 2;
	parse_args(argc, argv);
	g_keep = opt.keep;
	char p[4400], la0[128], la1[128];
	snprintf(p, sizeof p, "%s/params.json", opt.data);
	json_error_t je;
	json_t *P = json_load_file(p, 0, &je);
	if (!P)
		die("%s:%d:%d: %s", p, je.line, je.column, je.text);
	const char *tmp = opt.tmpdir ? opt.tmpdir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(g_root, sizeof g_root, "%s/dragnet-bench-peers-XXXXXX", tmp);
	if (!mkdtemp(g_root))
		die("mkdtemp %s: %s", g_root, strerror(errno));
	time_t now = time(NULL);
	char when[64];
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	loadavg(la0, sizeof la0);
	printf("bench_peers %s; /proc/loadavg at start: %s\n", when, la0);
	printf("latency: read txn + prepare + execute + fetch all rows; 2 warm-ups, then up to %d timed runs "
	       "(fewer past %g s); a run over %g s is stopped\n",
	       opt.reps, opt.budget, opt.timeout);
	int failures = 0;
	static const char *const names[] = {"ldbc", "wiki-Vote", "twitter"};
	for (int gi = 0; gi < 3; gi++) {
		size_t nl = strlen(names[gi]);
		const char *s = strstr(opt.graphs, names[gi]);
		if (!s || (s != opt.graphs && s[-1] != ',') || (s[nl] && s[nl] != ','))
			continue;
		static graph g;
		static qres res[MAX_QUERIES];
		memset(&g, 0, sizeof g);
		g.name = names[gi];
		if (gi == 0)
			setup_ldbc(&g, P);
		else
			setup_snap(&g, P);
		for (size_t i = 0; i < g.nq; i++) {
			measure(g.dir, &g.q[i], &res[i]);
			fprintf(stderr, "  %s %s: %s\n", g.name, g.q[i].name, res[i].status ? res[i].note : "ok");
		}
		failures += report(&g, res);
		for (size_t i = 0; i < g.nq; i++)
			free(g.q[i].rows);
		if (!opt.keep)
			rm_tree(g.dir);
	}
	loadavg(la1, sizeof la1);
	printf("\n/proc/loadavg at end: %s\n", la1);
	if (failures)
		printf("FAIL: %d quer%s wrong, failed or stopped\n", failures, failures == 1 ? "y" : "ies");
	json_decref(P);
	if (!opt.keep)
		rm_tree(g_root);
	else
		printf("databases kept under %s\n", g_root);
	return failures ? 1 : 0;
}
