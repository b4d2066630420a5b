/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_robust.c — robustness suite for the engine as a whole: the memory
 * map growing from a tiny initial size (and the journal replay behind it),
 * crash safety against SIGKILL at any moment of a write, snapshot
 * consistency of readers in other threads and processes, writers in two
 * processes, refusal of damaged or foreign files, and allocation-failure
 * injection. Every test that writes ends with dn_check reporting no
 * problem. Forked children report through pipes and exit codes only.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dragnet.h"
#include "internal.h" /* dn_fault_alloc_after */
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

#define PAYLOAD_LEN 100
#define KIB ((size_t)1024)

/* A tiny map: every test that uses it forces the map to grow many times. */
static const dn_open_opts tiny_map = {DN_OPEN_NOSYNC, 64 * 1024, 0};
static const dn_open_opts nosync = {DN_OPEN_NOSYNC, 0, 0};

/* tu_fresh_dir returns static storage; keep a private copy. */
static void fresh_path(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s", tu_fresh_dir(name));
}

/* The 100-byte payload of item i: deterministic and distinct per i. */
static void payload(char buf[PAYLOAD_LEN + 1], uint64_t i)
{
	int n = snprintf(buf, PAYLOAD_LEN + 1, "payload-%012llu-", (unsigned long long)i);
	for (size_t k = (size_t)n; k < PAYLOAD_LEN; k++)
		buf[k] = (char)('a' + (i * 31 + k * 7) % 26);
	buf[PAYLOAD_LEN] = '\0';
}

static dn_value str_ref(const char *s)
{
	return dn_value_stringn_ref(s, strlen(s));
}

static bool value_is_str(const dn_value *v, const char *s, size_t len)
{
	return v && v->type == DN_STRING && v->len == len && memcmp(v->u.s, s, len) == 0;
}

static bool value_is_int(const dn_value *v, int64_t i)
{
	return v && v->type == DN_INT && v->u.i == i;
}

static long long file_size(const char *dir, const char *name)
{
	char p[4200];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

static void sleep_ms(double ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6)};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* dn_check report callback: counts lines and prints the first ones. */
static void check_report(void *ctx, const char *problem)
{
	uint64_t *seen = ctx;
	if (++*seen <= 20)
		fprintf(stderr, "dn_check: %s\n", problem);
}

/* Runs dn_check in a read transaction of db; returns the problem count. */
static uint64_t check_problems(dn_db *db)
{
	uint64_t seen = 0, problems = UINT64_MAX;
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	int rc = dn_check(t, check_report, &seen, &problems);
	dn_txn_abort(t);
	cr_assert_eq(rc, 0, "dn_check -> %s: %s", dn_strerror(rc), dn_errmsg(db));
	cr_assert_eq(seen, problems, "dn_check reported %llu lines but counted %llu",
	             (unsigned long long)seen, (unsigned long long)problems);
	return problems;
}

static void assert_check_clean(dn_db *db)
{
	uint64_t p = check_problems(db);
	cr_assert_eq(p, 0, "dn_check found %llu problem(s) (the first ones are on stderr)",
	             (unsigned long long)p);
}

/* Opens path, checks it, closes it. */
static void assert_path_clean(const char *path, const dn_open_opts *o)
{
	dn_db *db = tu_open(path, o);
	assert_check_clean(db);
	dn_close(db);
}

static uint64_t n_nodes(dn_db *db, dn_txn *t)
{
	uint64_t n = UINT64_MAX;
	TU_OK(db, dn_count_nodes(t, &n));
	return n;
}

static uint64_t n_edges(dn_db *db, dn_txn *t)
{
	uint64_t n = UINT64_MAX;
	TU_OK(db, dn_count_edges(t, &n));
	return n;
}

static uint64_t n_label(dn_db *db, dn_txn *t, const char *label)
{
	uint64_t n = UINT64_MAX;
	TU_OK(db, dn_count_label(t, label, &n));
	return n;
}

static uint64_t n_type(dn_db *db, dn_txn *t, const char *type)
{
	uint64_t n = UINT64_MAX;
	TU_OK(db, dn_count_type(t, type, &n));
	return n;
}

/* Number of ids an iterator yields (and frees it). */
static uint64_t drain(dn_db *db, dn_iter *it)
{
	dn_id id;
	uint64_t n = 0;
	int rc;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		n++;
	dn_iter_free(it);
	cr_assert_eq(rc, DN_DONE, "iteration ended with %d (%s): %s", rc, dn_strerror(rc), dn_errmsg(db));
	return n;
}

static uint64_t scan_nodes(dn_db *db, dn_txn *t)
{
	dn_iter *it;
	TU_OK(db, dn_nodes_all(t, &it));
	return drain(db, it);
}

static uint64_t scan_edges(dn_db *db, dn_txn *t)
{
	dn_iter *it;
	TU_OK(db, dn_edges_all(t, &it));
	return drain(db, it);
}

/* Writes one byte to a pipe; false on failure. */
static bool send_byte(int fd, char c)
{
	for (;;) {
		ssize_t w = write(fd, &c, 1);
		if (w == 1)
			return true;
		if (w < 0 && errno == EINTR)
			continue;
		return false;
	}
}

/* Reads one byte from a pipe: 1 with *c, 0 at end of file, -1 on error. */
static int recv_byte(int fd, char *c)
{
	for (;;) {
		ssize_t r = read(fd, c, 1);
		if (r >= 0)
			return (int)r;
		if (errno != EINTR)
			return -1;
	}
}

/* First call of every forked child: it dies with the test process, so
 * that a failed assertion in the parent never leaves it running. */
static void child_init(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(99);
}

/* Describes a wait status for assertion messages. */
static const char *describe_status(int st, char *buf, size_t cap)
{
	if (WIFEXITED(st))
		snprintf(buf, cap, "exited with code %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, cap, "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(buf, cap, "status 0x%x", st);
	return buf;
}

/* Expects byte `want` from the child; on anything else reaps the child and
 * fails with its exit status. */
static void expect_from_child(int fd, pid_t pid, char want, const char *what)
{
	char c = 0, sbuf[128];
	int r = recv_byte(fd, &c);
	if (r == 1 && c == want)
		return;
	int st = 0;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	cr_assert_fail("waiting for %s: got %s from the child, which %s", what,
	               r == 1 ? "an unexpected byte" : "end of file", describe_status(st, sbuf, sizeof sbuf));
}

/* ------------------------------------------------------------------ */
/* 1. Map growth from a 64 KiB initial map                             */
/* ------------------------------------------------------------------ */

#define G_NODES 50000
#define G_EDGES 100000
#define S_TXNS 200
#define S_PER_TXN 500

static dn_id g_node[S_TXNS * S_PER_TXN];
static dn_id g_edge[G_EDGES];

/* Edge j of the big graph joins these two nodes (of the first n). */
static size_t g_src(size_t j, size_t n)
{
	return j % n;
}

static size_t g_dst(size_t j, size_t n)
{
	return (j * 7919 + 13) % n;
}

static void create_person(dn_db *db, dn_txn *t, uint64_t i, dn_id *id)
{
	char pl[PAYLOAD_LEN + 1];
	const char *labels[] = {"Person"};
	payload(pl, i);
	dn_prop props[] = {
		{"name", dn_value_stringn_ref(pl, PAYLOAD_LEN)},
		{"i", dn_value_int((int64_t)i)},
	};
	TU_OK(db, dn_node_create(t, labels, 1, props, 2, NULL, id));
}

static void verify_person(dn_db *db, dn_txn *t, dn_id id, uint64_t i)
{
	char pl[PAYLOAD_LEN + 1];
	dn_node *n;
	payload(pl, i);
	TU_OK(db, dn_node_get(t, id, &n));
	cr_assert(dn_node_has_label(n, "Person"), "node %llu (#%llu) lost its label", (unsigned long long)id,
	          (unsigned long long)i);
	cr_assert(value_is_str(dn_node_prop(n, "name"), pl, PAYLOAD_LEN), "node %llu (#%llu): wrong name",
	          (unsigned long long)id, (unsigned long long)i);
	cr_assert(value_is_int(dn_node_prop(n, "i"), (int64_t)i), "node %llu (#%llu): wrong i",
	          (unsigned long long)id, (unsigned long long)i);
	cr_assert_eq(n->nprops, 2);
	dn_node_free(n);
}

static void create_knows(dn_db *db, dn_txn *t, size_t j, size_t nnodes, dn_id *id)
{
	dn_prop p = {"w", dn_value_int((int64_t)j)};
	TU_OK(db, dn_edge_create(t, g_node[g_src(j, nnodes)], g_node[g_dst(j, nnodes)], "KNOWS", &p, 1, NULL, id));
}

static void verify_knows(dn_db *db, dn_txn *t, dn_id id, size_t j, size_t nnodes)
{
	dn_edge *e;
	TU_OK(db, dn_edge_get(t, id, &e));
	cr_assert_eq(e->src, g_node[g_src(j, nnodes)], "edge %llu: wrong start", (unsigned long long)id);
	cr_assert_eq(e->dst, g_node[g_dst(j, nnodes)], "edge %llu: wrong end", (unsigned long long)id);
	cr_assert_str_eq(e->type, "KNOWS");
	cr_assert(value_is_int(dn_edge_prop(e, "w"), (int64_t)j), "edge %llu: wrong w", (unsigned long long)id);
	dn_edge_free(e);
}

Test(map_growth, one_big_transaction, .timeout = 300)
{
	char path[4096];
	fresh_path(path, sizeof path, "grow-one");
	dn_db *db = tu_open(path, &tiny_map);
	dn_txn *t = tu_begin(db, 0);
	for (size_t i = 0; i < G_NODES; i++)
		create_person(db, t, i, &g_node[i]);
	for (size_t j = 0; j < G_EDGES; j++)
		create_knows(db, t, j, G_NODES, &g_edge[j]);
	tu_commit(t);
	dn_close(db);

	db = tu_open(path, &tiny_map);
	t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_txn_position(t), 1);
	cr_assert_eq(n_nodes(db, t), G_NODES);
	cr_assert_eq(n_edges(db, t), G_EDGES);
	cr_assert_eq(n_label(db, t, "Person"), G_NODES);
	cr_assert_eq(n_type(db, t, "KNOWS"), G_EDGES);
	cr_assert_eq(scan_nodes(db, t), G_NODES);
	cr_assert_eq(scan_edges(db, t), G_EDGES);
	for (size_t i = 0; i < G_NODES; i += 997)
		verify_person(db, t, g_node[i], i);
	verify_person(db, t, g_node[G_NODES - 1], G_NODES - 1);
	for (size_t j = 0; j < G_EDGES; j += 1999)
		verify_knows(db, t, g_edge[j], j, G_NODES);
	verify_knows(db, t, g_edge[G_EDGES - 1], G_EDGES - 1, G_NODES);
	dn_txn_abort(t);
	long long sz = file_size(path, "data.mdb");
	cr_assert_gt(sz, (long long)(64 * KIB * 64), "data.mdb is only %lld bytes: did the test write at all?", sz);
	assert_check_clean(db);
	dn_close(db);
}

Test(map_growth, many_small_transactions, .timeout = 300)
{
	char path[4096];
	fresh_path(path, sizeof path, "grow-many");
	dn_db *db = tu_open(path, &tiny_map);
	size_t nn = 0, ne = 0;
	for (size_t x = 0; x < S_TXNS; x++) {
		dn_txn *t = tu_begin(db, 0);
		for (size_t k = 0; k < S_PER_TXN; k++, nn++)
			create_person(db, t, nn, &g_node[nn]);
		/* edges among everything so far, so they cross transactions */
		for (size_t k = 0; k < S_PER_TXN / 2; k++, ne++)
			create_knows(db, t, ne, nn, &g_edge[ne]);
		tu_commit(t);
	}
	dn_close(db);

	db = tu_open(path, &tiny_map);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_txn_position(t), S_TXNS);
	cr_assert_eq(n_nodes(db, t), nn);
	cr_assert_eq(n_edges(db, t), ne);
	cr_assert_eq(n_label(db, t, "Person"), nn);
	cr_assert_eq(n_type(db, t, "KNOWS"), ne);
	cr_assert_eq(scan_nodes(db, t), nn);
	cr_assert_eq(scan_edges(db, t), ne);
	for (size_t i = 0; i < nn; i += 1009)
		verify_person(db, t, g_node[i], i);
	verify_person(db, t, g_node[nn - 1], nn - 1);
	/* edge j was created when (j / (S_PER_TXN/2) + 1) * S_PER_TXN nodes existed */
	for (size_t j = 0; j < ne; j += 503)
		verify_knows(db, t, g_edge[j], j, (j / (S_PER_TXN / 2) + 1) * S_PER_TXN);
	dn_txn_abort(t);
	cr_assert_gt(file_size(path, "data.mdb"), (long long)(64 * KIB * 64));
	assert_check_clean(db);
	dn_close(db);
}

/* ------------------------------------------------------------------ */
/* 2. Crash safety: SIGKILL in the middle of a write                   */
/* ------------------------------------------------------------------ */

enum { CR_BATCHES = 5, CR_PER_BATCH = 400, CR_BIG = 200000, CR_BIG_SMALL = 20000 };

/* The writer child. It reports on `up`: 'c' after each committed batch,
 * 'B' once the big transaction has written 1000 nodes, 'D' after the big
 * transaction committed (only with commit_big). With down >= 0 it waits
 * for a 'g' from the parent after the first batch. No Criterion here: the
 * outcome is the exit status (or the parent's SIGKILL). */
__attribute__((noreturn)) static void crash_child(const char *path, int up, int down, int big,
                                                  bool commit_big)
{
	dn_db *db;
	dn_txn *t;
	dn_id id;
	char pl[PAYLOAD_LEN + 1];
	const char *labels[] = {"Batch"};
	if (dn_open(path, NULL, &db)) /* synchronous commits */
		_exit(10);
	for (int b = 0; b < CR_BATCHES; b++) {
		if (dn_txn_begin(db, 0, NULL, &t))
			_exit(11);
		for (int j = 0; j < CR_PER_BATCH; j++) {
			dn_prop p[] = {{"batch", dn_value_int(b)}, {"seq", dn_value_int(j)}};
			if (dn_node_create(t, labels, 1, p, 2, NULL, &id))
				_exit(12);
		}
		if (dn_txn_commit(t))
			_exit(13);
		if (!send_byte(up, 'c'))
			_exit(14);
		if (b == 0 && down >= 0) {
			char c;
			if (recv_byte(down, &c) != 1 || c != 'g')
				_exit(15);
		}
	}
	if (dn_txn_begin(db, 0, NULL, &t))
		_exit(16);
	for (int j = 0; j < big; j++) {
		payload(pl, (uint64_t)j);
		dn_prop p[] = {{"batch", dn_value_int(-1)}, {"pad", dn_value_stringn_ref(pl, PAYLOAD_LEN)}};
		if (dn_node_create(t, labels, 1, p, 2, NULL, &id))
			_exit(17);
		if (j == 1000 && !send_byte(up, 'B'))
			_exit(18);
	}
	if (commit_big) {
		if (dn_txn_commit(t))
			_exit(19);
		if (!send_byte(up, 'D'))
			_exit(20);
	}
	for (;;)
		pause();
}

/* Counts the nodes of each batch (counts[0..CR_BATCHES)), of the big
 * transaction (*big) and anything else (*other) visible to t. */
static void count_batches(dn_db *db, dn_txn *t, uint64_t *counts, uint64_t *big, uint64_t *other)
{
	dn_iter *it;
	dn_id id;
	int rc;
	memset(counts, 0, CR_BATCHES * sizeof *counts);
	*big = *other = 0;
	TU_OK(db, dn_nodes_all(t, &it));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		dn_node *n;
		TU_OK(db, dn_node_get(t, id, &n));
		const dn_value *v = dn_node_prop(n, "batch");
		if (v && v->type == DN_INT && v->u.i >= 0 && v->u.i < CR_BATCHES)
			counts[v->u.i]++;
		else if (value_is_int(v, -1))
			(*big)++;
		else
			(*other)++;
		dn_node_free(n);
	}
	dn_iter_free(it);
	cr_assert_eq(rc, DN_DONE);
}

/* Asserts the state after the crash: every batch complete, `extra` nodes
 * of no batch, and the big transaction absent or (big_may_exist) complete.
 * Returns the number of its nodes found. */
static uint64_t verify_after_crash(dn_db *db, uint64_t big_total, bool big_may_exist, uint64_t extra)
{
	uint64_t counts[CR_BATCHES], big, other;
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	count_batches(db, t, counts, &big, &other);
	for (int b = 0; b < CR_BATCHES; b++)
		cr_assert_eq(counts[b], CR_PER_BATCH, "batch %d has %llu of its %d nodes", b,
		             (unsigned long long)counts[b], CR_PER_BATCH);
	cr_assert_eq(other, extra, "%llu nodes belong to no batch", (unsigned long long)other);
	if (big_may_exist)
		cr_assert(big == 0 || big == big_total,
		          "the killed transaction is half there: %llu of %llu nodes", (unsigned long long)big,
		          (unsigned long long)big_total);
	else
		cr_assert_eq(big, 0, "%llu nodes of the uncommitted transaction survived", (unsigned long long)big);
	uint64_t want = (uint64_t)CR_BATCHES * CR_PER_BATCH + big + extra;
	cr_assert_eq(n_nodes(db, t), want);
	cr_assert_eq(scan_nodes(db, t), want);
	cr_assert_eq(n_label(db, t, "Batch"), want - extra);
	cr_assert_eq(dn_txn_position(t), (uint64_t)CR_BATCHES + (big ? 1 : 0) + (extra ? 1 : 0));
	dn_txn_abort(t);
	return big;
}

/* Kills the child, reaps it and asserts it died of the SIGKILL (and not of
 * an error of its own before). */
static void kill_child(pid_t pid)
{
	int st = 0;
	char sbuf[128];
	kill(pid, SIGKILL);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the writer child %s before the kill",
	          describe_status(st, sbuf, sizeof sbuf));
}

Test(crash, sigkill_during_big_transaction, .timeout = 120)
{
	char path[4096];
	int up[2], down[2];
	fresh_path(path, sizeof path, "crash");
	cr_assert_eq(pipe(up), 0);
	cr_assert_eq(pipe(down), 0);
	pid_t parent = getpid(), pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		child_init(parent);
		close(up[0]);
		close(down[1]);
		crash_child(path, up[1], down[0], CR_BIG, false);
	}
	close(up[1]);
	close(down[0]);
	expect_from_child(up[0], pid, 'c', "the first commit");
	/* A handle of this process stays open across the crash, so the lock
	 * file is not reset and the dead writer's mutex must be recovered. */
	dn_db *db = tu_open(path, NULL);
	cr_assert(send_byte(down[1], 'g'));
	for (int b = 1; b < CR_BATCHES; b++)
		expect_from_child(up[0], pid, 'c', "a batch commit");
	expect_from_child(up[0], pid, 'B', "the big transaction to start");
	sleep_ms(50);
	kill_child(pid);
	close(up[0]);
	close(down[1]);

	verify_after_crash(db, CR_BIG, false, 0);
	/* the surviving handle can still write */
	dn_txn *t = tu_begin(db, 0);
	dn_id id;
	dn_prop p = {"after", dn_value_bool(true)};
	TU_OK(db, dn_node_create(t, NULL, 0, &p, 1, NULL, &id));
	tu_commit(t);
	verify_after_crash(db, CR_BIG, false, 1);
	dn_close(db);

	db = tu_open(path, NULL);
	verify_after_crash(db, CR_BIG, false, 1);
	assert_check_clean(db);
	dn_close(db);
}

/* Kills the writer at moments spread around its commit of a big
 * transaction: whatever the moment, the transaction is all there or not
 * at all, and there when the child had reported the commit. */
Test(crash, sigkill_at_any_moment, .timeout = 300)
{
	static const double frac[] = {-1, 0.2, 0.6, 0.9, 0.97, 1.0, 1.02, 1.05, 1.2};
	double span = 0;
	int committed = 0, lost = 0;
	for (size_t r = 0; r < sizeof frac / sizeof frac[0]; r++) {
		char path[4096], name[32];
		int up[2];
		snprintf(name, sizeof name, "crash-any-%zu", r);
		fresh_path(path, sizeof path, name);
		cr_assert_eq(pipe(up), 0);
		pid_t parent = getpid(), pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			child_init(parent);
			close(up[0]);
			crash_child(path, up[1], -1, CR_BIG_SMALL, true);
		}
		close(up[1]);
		for (int b = 0; b < CR_BATCHES; b++)
			expect_from_child(up[0], pid, 'c', "a batch commit");
		expect_from_child(up[0], pid, 'B', "the big transaction to start");
		double t0 = now_ms();
		bool saw_done = false;
		if (frac[r] < 0) {
			/* first round: learn how long the big transaction takes */
			expect_from_child(up[0], pid, 'D', "the big commit");
			span = now_ms() - t0;
			saw_done = true;
		} else {
			sleep_ms(span * frac[r]);
		}
		kill_child(pid);
		char c;
		fcntl(up[0], F_SETFL, O_NONBLOCK);
		while (read(up[0], &c, 1) == 1)
			saw_done |= c == 'D';
		close(up[0]);

		dn_db *db = tu_open(path, NULL);
		uint64_t big = verify_after_crash(db, CR_BIG_SMALL, true, 0);
		if (saw_done)
			cr_assert_eq(big, CR_BIG_SMALL, "round %zu: the commit was reported, but its nodes are gone", r);
		assert_check_clean(db);
		dn_close(db);
		big ? committed++ : lost++;
	}
	fprintf(stderr, "crash.sigkill_at_any_moment: big transaction %.0f ms; %d rounds kept it, %d lost it\n",
	        span, committed, lost);
}

/* ------------------------------------------------------------------ */
/* 3. Concurrent readers                                               */
/* ------------------------------------------------------------------ */

enum { CC_TXNS = 100, CC_PER = 10 };

/* Checks one read snapshot of db: counts agree with scans, nodes and edges
 * come in steps of CC_PER and in step with each other. Returns 0 and the
 * node count, or a code with a message (no Criterion: runs in threads and
 * child processes). */
static int snap_check(dn_db *db, uint64_t *nodes, char *msg, size_t cap)
{
	dn_txn *t;
	dn_iter *it;
	dn_id id, last = 0;
	uint64_t n, e, l, ty, sn = 0, se = 0;
	int rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &t);
	if (rc) {
		snprintf(msg, cap, "begin: %s: %s", dn_strerror(rc), dn_errmsg(db));
		return 1;
	}
#define SNAP_FAIL(code, ...)                                                                       \
	do {                                                                                           \
		snprintf(msg, cap, __VA_ARGS__);                                                           \
		dn_txn_abort(t);                                                                           \
		return (code);                                                                             \
	} while (0)
	if ((rc = dn_count_nodes(t, &n)) || (rc = dn_count_edges(t, &e)) ||
	    (rc = dn_count_label(t, "Snap", &l)) || (rc = dn_count_type(t, "LINK", &ty)))
		SNAP_FAIL(2, "count: %s: %s", dn_strerror(rc), dn_errmsg(db));
	if ((rc = dn_nodes_all(t, &it)))
		SNAP_FAIL(3, "nodes_all: %s", dn_strerror(rc));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		sn++;
	dn_iter_free(it);
	if (rc != DN_DONE)
		SNAP_FAIL(3, "node scan: %s", dn_strerror(rc));
	if ((rc = dn_edges_all(t, &it)))
		SNAP_FAIL(4, "edges_all: %s", dn_strerror(rc));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		se++;
		last = id;
	}
	dn_iter_free(it);
	if (rc != DN_DONE)
		SNAP_FAIL(4, "edge scan: %s", dn_strerror(rc));
	if (sn != n)
		SNAP_FAIL(5, "count_nodes %llu but the scan yields %llu", (unsigned long long)n, (unsigned long long)sn);
	if (se != e)
		SNAP_FAIL(6, "count_edges %llu but the scan yields %llu", (unsigned long long)e, (unsigned long long)se);
	if (n % CC_PER)
		SNAP_FAIL(7, "torn snapshot: %llu nodes", (unsigned long long)n);
	if (e != n)
		SNAP_FAIL(8, "torn snapshot: %llu nodes but %llu edges", (unsigned long long)n, (unsigned long long)e);
	if (l != n || ty != e)
		SNAP_FAIL(9, "label count %llu / type count %llu disagree with %llu", (unsigned long long)l,
		          (unsigned long long)ty, (unsigned long long)n);
	if (last) {
		dn_edge *ed;
		if ((rc = dn_edge_get(t, last, &ed)))
			SNAP_FAIL(10, "edge %llu: %s", (unsigned long long)last, dn_strerror(rc));
		bool ok = dn_node_exists(t, ed->src) && dn_node_exists(t, ed->dst);
		dn_edge_free(ed);
		if (!ok)
			SNAP_FAIL(11, "edge %llu has an endpoint outside the snapshot", (unsigned long long)last);
	}
#undef SNAP_FAIL
	dn_txn_abort(t);
	*nodes = n;
	return 0;
}

/* The writer: CC_TXNS transactions of CC_PER nodes and CC_PER edges (a
 * ring over the new nodes). Returns 0 or a code with a message. */
static int cc_write(dn_db *db, char *msg, size_t cap)
{
	const char *labels[] = {"Snap"};
	for (int x = 0; x < CC_TXNS; x++) {
		dn_txn *t;
		dn_id ids[CC_PER], eid;
		int rc = dn_txn_begin(db, 0, NULL, &t);
		if (rc) {
			snprintf(msg, cap, "txn %d: begin: %s: %s", x, dn_strerror(rc), dn_errmsg(db));
			return 1;
		}
		for (int k = 0; k < CC_PER && !rc; k++) {
			dn_prop p[] = {{"txn", dn_value_int(x)}, {"k", dn_value_int(k)}};
			rc = dn_node_create(t, labels, 1, p, 2, NULL, &ids[k]);
		}
		for (int k = 0; k < CC_PER && !rc; k++)
			rc = dn_edge_create(t, ids[k], ids[(k + 1) % CC_PER], "LINK", NULL, 0, NULL, &eid);
		if (rc) {
			snprintf(msg, cap, "txn %d: write: %s: %s", x, dn_strerror(rc), dn_errmsg(db));
			dn_txn_abort(t);
			return 2;
		}
		if ((rc = dn_txn_commit(t))) {
			snprintf(msg, cap, "txn %d: commit: %s: %s", x, dn_strerror(rc), dn_errmsg(db));
			return 3;
		}
	}
	return 0;
}

typedef struct cc_thread {
	dn_db *db;
	atomic_bool *done;
	int code;
	unsigned long rounds;
	char msg[512];
} cc_thread;

static void *cc_reader_main(void *arg)
{
	cc_thread *r = arg;
	uint64_t n = 0, prev = 0;
	bool last = false;
	do {
		last = atomic_load(r->done);
		if ((r->code = snap_check(r->db, &n, r->msg, sizeof r->msg)))
			return NULL;
		if (n < prev) {
			snprintf(r->msg, sizeof r->msg, "snapshots went back in time: %llu then %llu nodes",
			         (unsigned long long)prev, (unsigned long long)n);
			r->code = 20;
			return NULL;
		}
		prev = n;
		r->rounds++;
	} while (!last);
	/* the writer had finished before this last snapshot began */
	if (n != (uint64_t)CC_TXNS * CC_PER) {
		snprintf(r->msg, sizeof r->msg, "final snapshot has %llu nodes", (unsigned long long)n);
		r->code = 21;
	}
	return NULL;
}

static void *cc_writer_main(void *arg)
{
	cc_thread *w = arg;
	w->code = cc_write(w->db, w->msg, sizeof w->msg);
	return NULL;
}

static void run_reader_threads(const dn_open_opts *o, const char *name)
{
	char path[4096];
	atomic_bool done = false;
	pthread_t rt[2], wt;
	cc_thread rs[2], ws;
	fresh_path(path, sizeof path, name);
	dn_db *db = tu_open(path, o);
	memset(rs, 0, sizeof rs);
	memset(&ws, 0, sizeof ws);
	ws.db = db;
	for (int i = 0; i < 2; i++) {
		rs[i].db = db;
		rs[i].done = &done;
		cr_assert_eq(pthread_create(&rt[i], NULL, cc_reader_main, &rs[i]), 0);
	}
	cr_assert_eq(pthread_create(&wt, NULL, cc_writer_main, &ws), 0);
	pthread_join(wt, NULL);
	atomic_store(&done, true);
	for (int i = 0; i < 2; i++)
		pthread_join(rt[i], NULL);
	cr_assert_eq(ws.code, 0, "writer: %s", ws.msg);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(rs[i].code, 0, "reader %d (after %lu snapshots): %s", i, rs[i].rounds, rs[i].msg);
	fprintf(stderr, "concurrent.%s: readers took %lu and %lu snapshots\n", name, rs[0].rounds, rs[1].rounds);
	assert_check_clean(db);
	dn_close(db);
}

Test(concurrent, reader_threads, .timeout = 120)
{
	run_reader_threads(&nosync, "threads");
}

/* The same while the writer must grow the map: growth needs every read
 * transaction of the process to end, and readers keep starting new ones. */
Test(concurrent, reader_threads_growing_map, .timeout = 120)
{
	run_reader_threads(&tiny_map, "threads-grow");
}

/* The reader child: its own handle, snapshots until the parent says stop;
 * the outcome is its exit status (0 = every snapshot consistent). */
__attribute__((noreturn)) static void cc_reader_child(const char *path, const dn_open_opts *o, int up, int stop)
{
	dn_db *db;
	char msg[512], c;
	uint64_t n = 0, prev = 0;
	unsigned long rounds = 0;
	if (dn_open(path, o, &db)) {
		fprintf(stderr, "reader child: open: %s\n", dn_errmsg(NULL));
		_exit(40);
	}
	if (!send_byte(up, 'r'))
		_exit(41);
	fcntl(stop, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(stop, &c, 1);
		int rc = snap_check(db, &n, msg, sizeof msg);
		if (rc) {
			fprintf(stderr, "reader child, snapshot %lu: %s\n", rounds, msg);
			_exit(rc);
		}
		if (n < prev) {
			fprintf(stderr, "reader child: snapshots went back in time: %llu then %llu\n",
			        (unsigned long long)prev, (unsigned long long)n);
			_exit(42);
		}
		prev = n;
		rounds++;
		if (r == 1)
			break;
		if (r == 0)
			_exit(43); /* the parent went away without saying stop */
	}
	if (n != (uint64_t)CC_TXNS * CC_PER) {
		fprintf(stderr, "reader child: final snapshot has %llu nodes\n", (unsigned long long)n);
		_exit(44);
	}
	fprintf(stderr, "reader child: %lu snapshots\n", rounds);
	dn_close(db);
	_exit(0);
}

static void run_reader_process(const dn_open_opts *o, const char *name)
{
	char path[4096], msg[512], sbuf[128];
	int up[2], stop[2], st = 0;
	fresh_path(path, sizeof path, name);
	dn_close(tu_open(path, o)); /* create it, then let go before forking */
	cr_assert_eq(pipe(up), 0);
	cr_assert_eq(pipe(stop), 0);
	pid_t parent = getpid(), pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		child_init(parent);
		close(up[0]);
		close(stop[1]);
		cc_reader_child(path, o, up[1], stop[0]);
	}
	close(up[1]);
	close(stop[0]);
	expect_from_child(up[0], pid, 'r', "the reader to open the database");
	dn_db *db = tu_open(path, o);
	int rc = cc_write(db, msg, sizeof msg);
	send_byte(stop[1], 's');
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	close(up[0]);
	close(stop[1]);
	cr_assert_eq(rc, 0, "writer: %s", msg);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader child %s (codes: 5-11 snapshot checks, "
	          "42 went back in time, 44 wrong final count; details on stderr)",
	          describe_status(st, sbuf, sizeof sbuf));
	assert_check_clean(db);
	dn_close(db);
}

Test(concurrent, reader_process, .timeout = 120)
{
	run_reader_process(&nosync, "proc");
}

/* The same with a tiny map, so that the child must adopt the map size the
 * writer process grew (MDB_MAP_RESIZED). */
Test(concurrent, reader_process_growing_map, .timeout = 120)
{
	run_reader_process(&tiny_map, "proc-grow");
}

/* A second writer process: small transactions of CC_PER "Other" nodes
 * until told to stop; writes the number it committed (8 bytes) on `up`
 * before exiting 0. With go >= 0 it waits for a 'g' before writing. */
__attribute__((noreturn)) static void cc_writer_child(const char *path, const dn_open_opts *o, int up, int go,
                                                      int stop)
{
	dn_db *db;
	char c;
	uint64_t commits = 0;
	const char *labels[] = {"Other"};
	if (dn_open(path, o, &db)) {
		fprintf(stderr, "writer child: open: %s\n", dn_errmsg(NULL));
		_exit(50);
	}
	if (!send_byte(up, 'r'))
		_exit(51);
	if (go >= 0 && (recv_byte(go, &c) != 1 || c != 'g'))
		_exit(54);
	fcntl(stop, F_SETFL, O_NONBLOCK);
	for (;;) {
		ssize_t r = read(stop, &c, 1);
		if (r == 1)
			break;
		if (r == 0)
			_exit(55); /* the parent went away without saying stop */
		dn_txn *t;
		dn_id id;
		int rc = dn_txn_begin(db, 0, NULL, &t);
		for (int k = 0; k < CC_PER && !rc; k++) {
			dn_prop p = {"n", dn_value_int((int64_t)commits)};
			rc = dn_node_create(t, labels, 1, &p, 1, NULL, &id);
		}
		if (!rc)
			rc = dn_txn_commit(t);
		else if (t)
			dn_txn_abort(t);
		if (rc) {
			fprintf(stderr, "writer child, transaction %llu: %s: %s\n", (unsigned long long)commits,
			        dn_strerror(rc), dn_errmsg(db));
			_exit(52);
		}
		commits++;
	}
	dn_close(db);
	if (write(up, &commits, sizeof commits) != (ssize_t)sizeof commits)
		_exit(53);
	_exit(0);
}

typedef struct cc_other {
	pid_t pid;
	int up, go, stop;
} cc_other;

/* Starts the other writer on path; with handshake it waits for cc_go. */
static cc_other cc_other_start(const char *path, bool handshake)
{
	int up[2], go[2], stop[2];
	cc_other w;
	cr_assert_eq(pipe(up), 0);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(stop), 0);
	pid_t parent = getpid();
	w.pid = fork();
	cr_assert_geq(w.pid, 0);
	if (w.pid == 0) {
		child_init(parent);
		close(up[0]);
		close(go[1]);
		close(stop[1]);
		cc_writer_child(path, &tiny_map, up[1], handshake ? go[0] : -1, stop[0]);
	}
	close(up[1]);
	close(go[0]);
	close(stop[0]);
	w.up = up[0];
	w.go = go[1];
	w.stop = stop[1];
	expect_from_child(w.up, w.pid, 'r', "the other writer to open the database");
	return w;
}

/* Stops the other writer; asserts it succeeded and returns its commits. */
static uint64_t cc_other_stop(cc_other *w)
{
	char sbuf[128];
	uint64_t commits = 0;
	int st = 0;
	send_byte(w->stop, 's');
	cr_assert_eq(waitpid(w->pid, &st, 0), w->pid);
	bool got = read(w->up, &commits, sizeof commits) == (ssize_t)sizeof commits;
	close(w->up);
	close(w->go);
	close(w->stop);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0 && got, "the other writer %s (details on stderr)",
	          describe_status(st, sbuf, sizeof sbuf));
	return commits;
}

/* Two processes write to one database whose map starts tiny: the big
 * transaction of this one regrows the map many times while the other
 * commits small ones. "A second writer waits": both must succeed, and the
 * other's commits must not land inside the big transaction. */
Test(concurrent, writer_processes_growing_map, .timeout = 120)
{
	char path[4096], msg[1024];
	fresh_path(path, sizeof path, "two-writers");
	dn_close(tu_open(path, &tiny_map));
	cc_other w = cc_other_start(path, true);
	dn_db *db = tu_open(path, &tiny_map);
	cr_assert(send_byte(w.go, 'g'));
	dn_txn *t = tu_begin(db, 0);
	int rc = 0;
	size_t i;
	for (i = 0; i < G_NODES / 2 && !rc; i++) {
		char pl[PAYLOAD_LEN + 1];
		const char *labels[] = {"Mine"};
		payload(pl, i);
		dn_prop p = {"pad", dn_value_stringn_ref(pl, PAYLOAD_LEN)};
		rc = dn_node_create(t, labels, 1, &p, 1, NULL, &g_node[i]);
	}
	snprintf(msg, sizeof msg, "%s", dn_errmsg(db));
	if (!rc) {
		rc = dn_txn_commit(t);
		snprintf(msg, sizeof msg, "commit: %s", dn_errmsg(db));
	} else {
		dn_txn_abort(t);
	}
	uint64_t other = cc_other_stop(&w);
	cr_assert_eq(rc, 0, "the big transaction failed at node %zu with %d (%s): %s", i, rc, dn_strerror(rc), msg);
	fprintf(stderr, "concurrent.two-writers: the other writer committed %llu transactions\n",
	        (unsigned long long)other);
	t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(n_label(db, t, "Mine"), G_NODES / 2);
	cr_assert_eq(n_label(db, t, "Other"), other * CC_PER);
	cr_assert_eq(n_nodes(db, t), G_NODES / 2 + other * CC_PER);
	cr_assert_eq(dn_txn_position(t), other + 1);
	for (size_t k = 0; k < G_NODES / 2; k += 1013) {
		char pl[PAYLOAD_LEN + 1];
		dn_node *n;
		payload(pl, k);
		TU_OK(db, dn_node_get(t, g_node[k], &n));
		cr_assert(value_is_str(dn_node_prop(n, "pad"), pl, PAYLOAD_LEN), "node %zu", k);
		dn_node_free(n);
	}
	dn_txn_abort(t);
	assert_check_clean(db);
	dn_close(db);
}

/* Opening a database while another process grows it: the data can
 * outgrow the map size dn_open picked between LMDB's open and the first
 * transaction. Every open must succeed and see whole transactions. */
Test(concurrent, open_while_other_process_grows_map, .timeout = 120)
{
	char path[4096];
	fresh_path(path, sizeof path, "open-growing");
	dn_close(tu_open(path, &tiny_map));
	cc_other w = cc_other_start(path, false);
	for (int k = 0; k < 300; k++) {
		dn_db *db = NULL;
		int rc = dn_open(path, &tiny_map, &db);
		if (rc) {
			cc_other_stop(&w);
			cr_assert_fail("open %d while the other process writes -> %d (%s): %s", k, rc, dn_strerror(rc),
			               dn_errmsg(NULL));
		}
		dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
		cr_assert_eq(n_label(db, t, "Other") % CC_PER, 0);
		dn_txn_abort(t);
		dn_close(db);
	}
	uint64_t other = cc_other_stop(&w);
	dn_db *db = tu_open(path, &tiny_map);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(n_label(db, t, "Other"), other * CC_PER);
	dn_txn_abort(t);
	assert_check_clean(db);
	dn_close(db);
}

/* ------------------------------------------------------------------ */
/* 4. Bad files                                                        */
/* ------------------------------------------------------------------ */

/* dn_open(path) fails with `want` under every flag combination that can
 * open an existing database, leaves *out NULL and gives a message. */
static void expect_open_fails(const char *path, int want)
{
	static const unsigned flag_sets[] = {0, DN_OPEN_RDONLY, DN_OPEN_NOCREATE, DN_OPEN_NOSYNC};
	static char sentinel;
	for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
		dn_open_opts o = {flag_sets[i], 0, 0};
		dn_db *db = (dn_db *)(void *)&sentinel;
		int rc = dn_open(path, &o, &db);
		if (rc == 0)
			dn_close(db);
		cr_assert_eq(rc, want, "dn_open(%s, flags %u) -> %d (%s), expected %s: %s", path, flag_sets[i], rc,
		             dn_strerror(rc), dn_strerror(want), dn_errmsg(NULL));
		cr_assert_null(db, "dn_open failed but left *out set (flags %u)", flag_sets[i]);
		const char *m = dn_errmsg(NULL);
		cr_assert(m && *m, "dn_open(%s, flags %u) failed without a message", path, flag_sets[i]);
	}
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(p, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
}

/* Reads a whole file into a malloc'd buffer. */
static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *p = malloc((size_t)sz + 1);
	cr_assert_not_null(p);
	cr_assert_eq(fread(p, 1, (size_t)sz, f), (size_t)sz);
	fclose(f);
	*n = (size_t)sz;
	return p;
}

static void make_dir(const char *path)
{
	cr_assert_eq(mkdir(path, 0700), 0, "mkdir %s: %s", path, strerror(errno));
}

Test(bad_files, random_bytes)
{
	char dir[4096], file[4200];
	static uint8_t junk[100 * 1024];
	uint64_t x = 0x9E3779B97F4A7C15ull;
	fresh_path(dir, sizeof dir, "bad-random");
	make_dir(dir);
	for (size_t i = 0; i < sizeof junk; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		junk[i] = (uint8_t)x;
	}
	snprintf(file, sizeof file, "%s/data.mdb", dir);
	write_file(file, junk, sizeof junk);
	expect_open_fails(dir, DN_ENOTDB);
	/* and nothing was written into it */
	size_t n;
	uint8_t *back = read_file(file, &n);
	cr_assert(n == sizeof junk && !memcmp(back, junk, n), "the failed open modified data.mdb");
	free(back);
}

Test(bad_files, small_text_file)
{
	char dir[4096], file[4200];
	static const char text[] = "this is not a database, just a note\n";
	fresh_path(dir, sizeof dir, "bad-text");
	make_dir(dir);
	snprintf(file, sizeof file, "%s/data.mdb", dir);
	write_file(file, text, sizeof text - 1);
	expect_open_fails(dir, DN_ENOTDB);
}

Test(bad_files, large_text_file)
{
	char dir[4096], file[4200];
	static char text[40 * 1024];
	fresh_path(dir, sizeof dir, "bad-bigtext");
	make_dir(dir);
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	snprintf(file, sizeof file, "%s/data.mdb", dir);
	write_file(file, text, sizeof text);
	expect_open_fails(dir, DN_ENOTDB);
}

Test(bad_files, truncated_database, .timeout = 120)
{
	char dir[4096], file[4200];
	fresh_path(dir, sizeof dir, "bad-trunc");
	dn_db *db = tu_open(dir, &nosync);
	dn_txn *t = tu_begin(db, 0);
	for (size_t i = 0; i < 20000; i++)
		create_person(db, t, i, &g_node[i]);
	tu_commit(t);
	dn_close(db);
	snprintf(file, sizeof file, "%s/data.mdb", dir);
	long long size = file_size(dir, "data.mdb");
	cr_assert_gt(size, 1024 * 1024, "the database is only %lld bytes", size);
	/* each cut shortens the previous one: one page, half, all but the
	 * two meta pages */
	const long long cuts[] = {size - 4096, size / 2, 8192};
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		cr_assert_eq(truncate(file, cuts[i]), 0, "truncate: %s", strerror(errno));
		expect_open_fails(dir, DN_ENOTDB);
		cr_assert_eq(file_size(dir, "data.mdb"), cuts[i], "the failed open changed the file size");
	}
}

/* Creates a plain LMDB environment at dir holding main-database key
 * `key` (with MDB_CREATE'd sub-database `subdb` if not NULL). */
static void make_raw_lmdb(const char *dir, const char *key, const char *subdb, const char *subkey)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 4), 0);
	cr_assert_eq(mdb_env_open(env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	if (key) {
		cr_assert_eq(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
		MDB_val k = {strlen(key), (void *)key}, v = {5, "hello"};
		cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	if (subdb) {
		cr_assert_eq(mdb_dbi_open(txn, subdb, MDB_CREATE, &dbi), 0);
		MDB_val k = {strlen(subkey), (void *)subkey}, v = {5, "world"};
		cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	}
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

/* The number of entries in the main database of a plain LMDB env. */
static size_t raw_main_entries(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_stat st;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 4), 0);
	cr_assert_eq(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
	cr_assert_eq(mdb_stat(txn, dbi, &st), 0);
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return st.ms_entries;
}

Test(bad_files, foreign_lmdb_environment)
{
	char dir[4096];
	fresh_path(dir, sizeof dir, "bad-lmdb");
	make_dir(dir);
	make_raw_lmdb(dir, "some-application-key", NULL, NULL);
	expect_open_fails(dir, DN_ENOTDB);
	cr_assert_eq(raw_main_entries(dir), 1, "the failed open wrote into a foreign environment");
}

/* A foreign environment whose main database has a plain key named "meta". */
Test(bad_files, foreign_lmdb_with_meta_key)
{
	char dir[4096];
	fresh_path(dir, sizeof dir, "bad-lmdb-meta");
	make_dir(dir);
	make_raw_lmdb(dir, "meta", NULL, NULL);
	expect_open_fails(dir, DN_ENOTDB);
	cr_assert_eq(raw_main_entries(dir), 1);
}

/* A foreign environment with a "meta" sub-database that has no magic. */
Test(bad_files, foreign_lmdb_with_meta_subdb)
{
	char dir[4096];
	fresh_path(dir, sizeof dir, "bad-lmdb-subdb");
	make_dir(dir);
	make_raw_lmdb(dir, NULL, "meta", "colour");
	expect_open_fails(dir, DN_ENOTDB);
	cr_assert_eq(raw_main_entries(dir), 1);
}

Test(bad_files, path_is_a_regular_file)
{
	char path[4096];
	fresh_path(path, sizeof path, "bad-regular");
	write_file(path, "x", 1);
	expect_open_fails(path, DN_ENOTDB);
}

Test(bad_files, missing_path)
{
	static const unsigned flag_sets[] = {DN_OPEN_NOCREATE, DN_OPEN_RDONLY, DN_OPEN_RDONLY | DN_OPEN_NOCREATE};
	char path[4096], sub[4200];
	struct stat st;
	fresh_path(path, sizeof path, "missing");
	/* a missing directory, and an existing empty one */
	make_dir(path);
	snprintf(sub, sizeof sub, "%s/nowhere", path);
	for (int pass = 0; pass < 2; pass++) {
		const char *p = pass ? path : sub;
		for (size_t i = 0; i < sizeof flag_sets / sizeof flag_sets[0]; i++) {
			dn_open_opts o = {flag_sets[i], 0, 0};
			dn_db *db = NULL;
			int rc = dn_open(p, &o, &db);
			if (rc == 0)
				dn_close(db);
			cr_assert_eq(rc, DN_ENOTFOUND, "dn_open(%s, flags %u) -> %d (%s): %s", p, flag_sets[i], rc,
			             dn_strerror(rc), dn_errmsg(NULL));
			cr_assert_null(db);
			cr_assert(*dn_errmsg(NULL), "no message for a missing database");
		}
	}
	cr_assert_neq(stat(sub, &st), 0, "a failed open created %s", sub);
	cr_assert_eq(file_size(path, "data.mdb"), -1, "a failed open created data.mdb");
}

/* Sets the meta "format" value of a dragnet database through raw LMDB. */
static void set_format(const char *dir, uint32_t fmt)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint8_t be[4] = {(uint8_t)(fmt >> 24), (uint8_t)(fmt >> 16), (uint8_t)(fmt >> 8), (uint8_t)fmt};
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 32), 0);
	cr_assert_eq(mdb_env_open(env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	MDB_val k = {6, "format"}, v;
	cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0, "no format key in meta");
	cr_assert_eq(v.mv_size, 4);
	v = (MDB_val){4, be};
	cr_assert_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

Test(bad_files, newer_format_version)
{
	char dir[4096];
	static const uint32_t formats[] = {DN_FORMAT_VERSION + 1, 99, 0xFFFFFFFFu};
	fresh_path(dir, sizeof dir, "bad-format");
	dn_db *db = tu_open(dir, NULL);
	dn_txn *t = tu_begin(db, 0);
	dn_id id;
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &id));
	tu_commit(t);
	dn_close(db);
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		set_format(dir, formats[i]);
		expect_open_fails(dir, DN_EVERSION);
	}
	/* and back to the real version, it opens with its data */
	set_format(dir, DN_FORMAT_VERSION);
	db = tu_open(dir, NULL);
	t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(n_nodes(db, t), 1);
	dn_txn_abort(t);
	dn_close(db);
}

Test(bad_files, new_files_are_private)
{
	char dir[4096];
	static const char *files[] = {"data.mdb", "lock.mdb"};
	fresh_path(dir, sizeof dir, "mode");
	mode_t old = umask(0); /* so that only dragnet decides the mode */
	dn_db *db = NULL;
	int rc = dn_open(dir, NULL, &db);
	umask(old);
	cr_assert_eq(rc, 0, "dn_open: %s", dn_errmsg(NULL));
	dn_close(db);
	for (size_t i = 0; i < 2; i++) {
		char p[4200];
		struct stat st;
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		cr_assert_eq(stat(p, &st), 0, "%s: %s", p, strerror(errno));
		cr_assert_eq(st.st_mode & 0777, 0600, "%s has mode %03o", files[i], (unsigned)(st.st_mode & 0777));
	}
}

/* ------------------------------------------------------------------ */
/* 5. Allocation-failure injection                                     */
/* ------------------------------------------------------------------ */

enum { FI_STEPS = 7, FI_MAX = 5000 };

typedef struct fi_ids {
	dn_id n[3], e[2];
} fi_ids;

static const char *const fi_note = "a note long enough to need its own allocation somewhere, "
                                   "if anything copies it: 0123456789abcdef";

/* One step of the sequence under test; returns the call's code. */
static int fi_step(dn_txn *t, int k, fi_ids *ids)
{
	switch (k) {
	case 0: {
		const char *labels[] = {"Person", "Suspect"};
		dn_prop p[] = {{"name", str_ref("alice")}, {"age", dn_value_int(41)}, {"note", str_ref(fi_note)}};
		dn_meta m = dn_meta_none();
		m.source = "interview 7";
		m.reliability = 'B';
		m.credibility = 2;
		return dn_node_create(t, labels, 2, p, 3, &m, &ids->n[0]);
	}
	case 1: {
		const char *labels[] = {"Person"};
		dn_prop p[] = {{"name", str_ref("bob")}, {"age", dn_value_int(35)}};
		return dn_node_create(t, labels, 1, p, 2, NULL, &ids->n[1]);
	}
	case 2: {
		const char *labels[] = {"Company"};
		dn_prop p[] = {{"name", str_ref("acme")}};
		dn_meta m = dn_meta_none();
		m.marking = "TAX,PERSONAL";
		return dn_node_create(t, labels, 1, p, 1, &m, &ids->n[2]);
	}
	case 3: {
		dn_prop p = {"since", dn_value_int(2001)};
		return dn_edge_create(t, ids->n[0], ids->n[1], "KNOWS", &p, 1, NULL, &ids->e[0]);
	}
	case 4: {
		dn_prop p = {"role", str_ref("cfo")};
		return dn_edge_create(t, ids->n[1], ids->n[2], "WORKS_AT", &p, 1, NULL, &ids->e[1]);
	}
	case 5: {
		dn_value v = dn_value_int(42);
		return dn_node_set_prop(t, ids->n[0], "age", &v);
	}
	case 6: return dn_index_create(t, NULL, "Person", "name", DN_INDEX_UNIQUE);
	default: return DN_EINVAL;
	}
}

/* The base database the sequence runs on: 4 persons, 2 KNOWS edges. */
static void fi_make_base(const char *path)
{
	const char *labels[] = {"Person"};
	dn_id ids[4], e;
	char name[16];
	tu_rmtree(path);
	dn_db *db = tu_open(path, &nosync);
	dn_txn *t = tu_begin(db, 0);
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "base%d", i);
		dn_prop p = {"name", str_ref(name)};
		TU_OK(db, dn_node_create(t, labels, 1, &p, 1, NULL, &ids[i]));
	}
	TU_OK(db, dn_edge_create(t, ids[0], ids[1], "KNOWS", NULL, 0, NULL, &e));
	TU_OK(db, dn_edge_create(t, ids[2], ids[3], "KNOWS", NULL, 0, NULL, &e));
	tu_commit(t);
	dn_close(db);
}

static bool token_exists(dn_db *db, dn_txn *t, dn_token_kind kind, const char *name)
{
	uint32_t id;
	int rc = dn_token_id(t, kind, name, &id);
	cr_assert(rc == 0 || rc == DN_ENOTFOUND, "dn_token_id(%s) -> %s: %s", name, dn_strerror(rc), dn_errmsg(db));
	return rc == 0;
}

/* Asserts the database holds the base plus the whole sequence (applied)
 * or the base alone. */
static void fi_verify(const char *path, bool applied, const fi_ids *ids, long n)
{
	uint64_t a = applied ? 1 : 0;
	dn_db *db = tu_open(path, &nosync);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_txn_position(t), 1 + a, "n=%ld: log position", n);
	cr_assert_eq(n_nodes(db, t), 4 + 3 * a, "n=%ld: node count", n);
	cr_assert_eq(n_edges(db, t), 2 + 2 * a, "n=%ld: edge count", n);
	cr_assert_eq(scan_nodes(db, t), 4 + 3 * a, "n=%ld: node scan", n);
	cr_assert_eq(scan_edges(db, t), 2 + 2 * a, "n=%ld: edge scan", n);
	cr_assert_eq(n_label(db, t, "Person"), 4 + 2 * a, "n=%ld: Person count", n);
	cr_assert_eq(n_label(db, t, "Suspect"), a, "n=%ld: Suspect count", n);
	cr_assert_eq(n_label(db, t, "Company"), a, "n=%ld: Company count", n);
	cr_assert_eq(n_type(db, t, "KNOWS"), 2 + a, "n=%ld: KNOWS count", n);
	cr_assert_eq(n_type(db, t, "WORKS_AT"), a, "n=%ld: WORKS_AT count", n);
	dn_index_info *idx;
	size_t nidx;
	TU_OK(db, dn_index_list(t, &idx, &nidx));
	cr_assert_eq(nidx, a, "n=%ld: %zu indexes", n, nidx);
	if (applied) {
		cr_assert_str_eq(idx[0].name, "idx_Person_name");
		cr_assert_eq(idx[0].flags, DN_INDEX_UNIQUE);
		cr_assert_eq(idx[0].entries, 6, "n=%ld: index has %llu entries", n, (unsigned long long)idx[0].entries);
	}
	dn_index_list_free(idx, nidx);
	if (!applied) {
		/* tokens of an abandoned transaction are not kept either */
		cr_assert(!token_exists(db, t, DN_TOKEN_LABEL, "Suspect"), "n=%ld", n);
		cr_assert(!token_exists(db, t, DN_TOKEN_LABEL, "Company"), "n=%ld", n);
		cr_assert(!token_exists(db, t, DN_TOKEN_TYPE, "WORKS_AT"), "n=%ld", n);
		cr_assert(!token_exists(db, t, DN_TOKEN_KEY, "age"), "n=%ld", n);
		cr_assert(!token_exists(db, t, DN_TOKEN_MARKING, "TAX"), "n=%ld", n);
	} else {
		dn_node *nd;
		dn_edge *ed;
		TU_OK(db, dn_node_get(t, ids->n[0], &nd));
		cr_assert(dn_node_has_label(nd, "Person") && dn_node_has_label(nd, "Suspect") && nd->nlabels == 2,
		          "n=%ld: alice's labels", n);
		cr_assert(value_is_str(dn_node_prop(nd, "name"), "alice", 5), "n=%ld: alice's name", n);
		cr_assert(value_is_int(dn_node_prop(nd, "age"), 42), "n=%ld: alice's age", n);
		cr_assert(value_is_str(dn_node_prop(nd, "note"), fi_note, strlen(fi_note)), "n=%ld: alice's note", n);
		cr_assert_eq(nd->nprops, 3, "n=%ld: alice has %zu props", n, nd->nprops);
		cr_assert(nd->meta.source && !strcmp(nd->meta.source, "interview 7"), "n=%ld: alice's source", n);
		cr_assert_eq(nd->meta.reliability, 'B');
		cr_assert_eq(nd->meta.credibility, 2);
		dn_node_free(nd);
		TU_OK(db, dn_node_get(t, ids->n[1], &nd));
		cr_assert(value_is_str(dn_node_prop(nd, "name"), "bob", 3), "n=%ld: bob's name", n);
		cr_assert(value_is_int(dn_node_prop(nd, "age"), 35), "n=%ld: bob's age", n);
		cr_assert_eq(nd->nlabels, 1, "n=%ld: bob's labels", n);
		dn_node_free(nd);
		TU_OK(db, dn_node_get(t, ids->n[2], &nd));
		cr_assert(dn_node_has_label(nd, "Company"), "n=%ld: acme's label", n);
		cr_assert(value_is_str(dn_node_prop(nd, "name"), "acme", 4), "n=%ld: acme's name", n);
		cr_assert(nd->meta.marking && !strcmp(nd->meta.marking, "PERSONAL,TAX"), "n=%ld: acme's marking '%s'", n,
		          nd->meta.marking ? nd->meta.marking : "(null)");
		dn_node_free(nd);
		TU_OK(db, dn_edge_get(t, ids->e[0], &ed));
		cr_assert(ed->src == ids->n[0] && ed->dst == ids->n[1] && !strcmp(ed->type, "KNOWS"), "n=%ld: edge 0", n);
		cr_assert(value_is_int(dn_edge_prop(ed, "since"), 2001), "n=%ld: edge 0 since", n);
		dn_edge_free(ed);
		TU_OK(db, dn_edge_get(t, ids->e[1], &ed));
		cr_assert(ed->src == ids->n[1] && ed->dst == ids->n[2] && !strcmp(ed->type, "WORKS_AT"), "n=%ld: edge 1", n);
		cr_assert(value_is_str(dn_edge_prop(ed, "role"), "cfo", 3), "n=%ld: edge 1 role", n);
		dn_edge_free(ed);
		dn_iter *it;
		dn_id id;
		dn_value bob = str_ref("bob");
		TU_OK(db, dn_index_seek(t, "Person", "name", &bob, &bob, 0, &it));
		cr_assert_eq(dn_iter_next(it, &id), DN_ROW, "n=%ld: the index does not find bob", n);
		cr_assert_eq(id, ids->n[1]);
		cr_assert_eq(dn_iter_next(it, &id), DN_DONE);
		dn_iter_free(it);
	}
	dn_txn_abort(t);
	assert_check_clean(db);
	dn_close(db);
}

enum fi_mode {
	FI_ABORT,        /* stop at the first failure and abort */
	FI_RETRY,        /* after a failure, retry the call without injection and go on */
	FI_THROUGH_COMMIT, /* the injection stays on through the commit */
};

static void fi_run(enum fi_mode mode, const char *name)
{
	char path[4096];
	long n;
	int failures = 0, recovered = 0, poisoned = 0, commit_failures = 0;
	fresh_path(path, sizeof path, name);
	fi_make_base(path);
	for (n = 0; n < FI_MAX; n++) {
		fi_ids ids;
		int failed_at = -1, rc = 0, crc = -1;
		bool committed = false;
		memset(&ids, 0, sizeof ids);
		dn_db *db = tu_open(path, &nosync);
		dn_txn *t = tu_begin(db, 0);
		dn_fault_alloc_after(n);
		for (int k = 0; k < FI_STEPS; k++) {
			if ((rc = fi_step(t, k, &ids))) {
				failed_at = k;
				break;
			}
		}
		if (mode != FI_THROUGH_COMMIT || failed_at >= 0)
			dn_fault_alloc_after(-1);
		if (failed_at >= 0) {
			failures++;
			cr_assert(rc == DN_ENOMEM || rc == DN_ETXN, "n=%ld: step %d -> %d (%s): %s", n, failed_at, rc,
			          dn_strerror(rc), dn_errmsg(db));
		}
		if (failed_at >= 0 && mode == FI_RETRY) {
			/* the failed call left no trace, or poisoned the transaction */
			rc = fi_step(t, failed_at, &ids);
			if (rc == DN_ETXN) {
				poisoned++;
				dn_txn_abort(t);
			} else {
				cr_assert_eq(rc, 0, "n=%ld: step %d retried -> %s: %s", n, failed_at, dn_strerror(rc),
				             dn_errmsg(db));
				for (int k = failed_at + 1; k < FI_STEPS; k++)
					cr_assert_eq(rc = fi_step(t, k, &ids), 0, "n=%ld: step %d after the retry -> %s: %s", n, k,
					             dn_strerror(rc), dn_errmsg(db));
				crc = dn_txn_commit(t);
				cr_assert_eq(crc, 0, "n=%ld: commit after the retry -> %s: %s", n, dn_strerror(crc), dn_errmsg(db));
				committed = true;
				recovered++;
			}
		} else if (failed_at >= 0) {
			dn_txn_abort(t);
		} else {
			crc = dn_txn_commit(t);
			dn_fault_alloc_after(-1);
			if (crc) {
				commit_failures++;
				cr_assert(crc == DN_ENOMEM || crc == DN_ETXN, "n=%ld: commit -> %d (%s): %s", n, crc,
				          dn_strerror(crc), dn_errmsg(db));
			}
			committed = crc == 0;
		}
		dn_close(db);
		fi_verify(path, committed, &ids, n);
		if (committed && failed_at < 0)
			break; /* n is past every allocation of the sequence */
		if (committed)
			fi_make_base(path); /* start the next round from the base again */
	}
	dn_fault_alloc_after(-1);
	cr_assert_lt(n, FI_MAX, "the sequence never succeeded within %d allocations", FI_MAX);
	cr_assert_gt(failures, 0, "no injected failure was ever seen: is injection working?");
	fprintf(stderr, "fault.%s: %ld allocations; %d failed runs (%d recovered, %d poisoned, %d at commit)\n",
	        name, n, failures + commit_failures, recovered, poisoned, commit_failures);
}

Test(fault, alloc_failure_then_abort, .timeout = 300)
{
	fi_run(FI_ABORT, "fi-abort");
}

/* A failed call must leave no trace: retried without injection, the
 * transaction goes on and commits exactly the sequence. */
Test(fault, alloc_failure_then_retry, .timeout = 300)
{
	fi_run(FI_RETRY, "fi-retry");
}

Test(fault, alloc_failure_during_commit, .timeout = 300)
{
	fi_run(FI_THROUGH_COMMIT, "fi-commit");
}

/* The same with the new-edge buffer spilled as a run every two entries:
 * the commit merges runs in a thread of its own, where allocations fail
 * too, and what it hands over must be written whole or not at all. */
Test(fault, alloc_failure_during_commit_with_runs, .timeout = 300)
{
	size_t saved = dn_adj_run_entries;
	dn_adj_run_entries = 2;
	fi_run(FI_THROUGH_COMMIT, "fi-commit-runs");
	dn_adj_run_entries = saved;
}

/* Read paths and dn_open under allocation failure: DN_ENOMEM, never a
 * crash or a leak. */
Test(fault, alloc_failure_on_read_paths, .timeout = 300)
{
	char path[4096];
	fi_ids ids;
	long n;
	int failures = 0;
	fresh_path(path, sizeof path, "fi-read");
	fi_make_base(path);
	{
		dn_db *db = tu_open(path, &nosync);
		dn_txn *t = tu_begin(db, 0);
		for (int k = 0; k < FI_STEPS; k++)
			TU_OK(db, fi_step(t, k, &ids));
		tu_commit(t);
		dn_close(db);
	}
#define FI_READ(call)                                                                              \
	do {                                                                                           \
		int rc_ = (call);                                                                          \
		if (rc_ != 0) {                                                                            \
			ok = false;                                                                            \
			cr_assert_eq(rc_, DN_ENOMEM, "n=%ld: %s -> %d (%s)", n, #call, rc_, dn_strerror(rc_)); \
		}                                                                                          \
	} while (0)
	for (n = 0; n < FI_MAX; n++) {
		dn_db *db = NULL;
		dn_txn *t = NULL;
		bool ok = true;
		dn_fault_alloc_after(n);
		int rc = dn_open(path, &nosync, &db);
		if (rc) {
			dn_fault_alloc_after(-1);
			cr_assert_eq(rc, DN_ENOMEM, "n=%ld: dn_open -> %s", n, dn_strerror(rc));
			cr_assert_null(db);
			failures++;
			continue;
		}
		rc = dn_txn_begin(db, DN_TXN_RDONLY, NULL, &t);
		if (rc) {
			dn_fault_alloc_after(-1);
			cr_assert_eq(rc, DN_ENOMEM, "n=%ld: dn_txn_begin -> %s", n, dn_strerror(rc));
			dn_close(db);
			failures++;
			continue;
		}
		dn_node *nd = NULL;
		FI_READ(dn_node_get(t, ids.n[0], &nd));
		if (nd)
			cr_assert(value_is_str(dn_node_prop(nd, "name"), "alice", 5), "n=%ld", n);
		dn_node_free(nd);
		dn_edge *ed = NULL;
		FI_READ(dn_edge_get(t, ids.e[0], &ed));
		dn_edge_free(ed);
		dn_iter *it = NULL;
		dn_id id;
		dn_adj adj;
		FI_READ(dn_nodes_by_label(t, "Person", &it));
		if (it) {
			while ((rc = dn_iter_next(it, &id)) == DN_ROW)
				;
			if (rc != DN_DONE)
				FI_READ(rc);
			dn_iter_free(it);
			it = NULL;
		}
		FI_READ(dn_edges_of(t, ids.n[1], DN_BOTH, NULL, &it));
		if (it) {
			while ((rc = dn_iter_next_adj(it, &adj)) == DN_ROW)
				;
			if (rc != DN_DONE)
				FI_READ(rc);
			dn_iter_free(it);
			it = NULL;
		}
		dn_value bob = str_ref("bob");
		FI_READ(dn_index_seek(t, "Person", "name", &bob, &bob, 0, &it));
		if (it) {
			while ((rc = dn_iter_next(it, &id)) == DN_ROW)
				;
			if (rc != DN_DONE)
				FI_READ(rc);
			dn_iter_free(it);
			it = NULL;
		}
		dn_index_info *idx = NULL;
		size_t nidx = 0;
		FI_READ(dn_index_list(t, &idx, &nidx));
		dn_index_list_free(idx, nidx);
		char **names = NULL;
		size_t nnames = 0;
		FI_READ(dn_token_list(t, DN_TOKEN_LABEL, &names, &nnames));
		dn_strings_free(names, nnames);
		dn_stats *st = NULL;
		FI_READ(dn_stats_get(t, &st));
		dn_stats_free(st);
		uint64_t problems = 0;
		FI_READ(dn_check(t, NULL, NULL, &problems));
		cr_assert_eq(problems, 0, "n=%ld: dn_check found problems under allocation failure", n);
		dn_fault_alloc_after(-1);
		dn_txn_abort(t);
		dn_close(db);
		if (ok)
			break;
		failures++;
	}
#undef FI_READ
	dn_fault_alloc_after(-1);
	cr_assert_lt(n, FI_MAX);
	cr_assert_gt(failures, 0);
	assert_path_clean(path, &nosync);
}

/* ------------------------------------------------------------------ */
/* 6. Map full in the middle of a transaction: regrow and replay       */
/* ------------------------------------------------------------------ */

enum { MR_BASE = 2000, MR_ITEMS = 30000, MR_GROUP = 500, MR_ATTR = 50 };

static dn_id mr_base[MR_BASE], mr_base_edge[MR_BASE];
static int64_t mr_base_v[MR_BASE];
static bool mr_base_edge_alive[MR_BASE];
static dn_id mr_item[MR_ITEMS], mr_out[MR_ITEMS]; /* mr_out[i]: edge item i -> item i-1 */
static bool mr_item_alive[MR_ITEMS], mr_out_alive[MR_ITEMS], mr_phantom[MR_ITEMS];
static int64_t mr_item_key[MR_ITEMS];

static void mr_item_create(dn_db *db, dn_txn *t, int i)
{
	char pl[PAYLOAD_LEN + 1], group[32], attr[32];
	payload(pl, (uint64_t)i);
	snprintf(group, sizeof group, "Group%d", i / MR_GROUP);
	snprintf(attr, sizeof attr, "attr_%d", i / MR_ATTR); /* a new key every 50 items */
	const char *labels[] = {"Item", group};
	dn_prop p[] = {
		{"key", dn_value_int(i)},
		{"pad", dn_value_stringn_ref(pl, PAYLOAD_LEN)},
		{attr, dn_value_int(i)},
	};
	TU_OK(db, dn_node_create(t, labels, 2, p, 3, NULL, &mr_item[i]));
	mr_item_alive[i] = true;
	mr_item_key[i] = i;
}

/* The big transaction: creates, updates of older and newer records, edge
 * deletions, detach deletions, and calls that fail halfway, on a map that
 * starts at 64 KiB. */
static void mr_big_txn(dn_db *db)
{
	dn_txn *t = tu_begin(db, 0);
	int rc;
	TU_OK(db, dn_index_create(t, "item_key", "Item", "key", DN_INDEX_UNIQUE));
	for (int i = 0; i < MR_ITEMS; i++) {
		char name[64], name2[64];
		mr_item_create(db, t, i);
		if (i % 3 == 0 && i > 0 && mr_item_alive[i - 1]) {
			dn_prop p = {"n", dn_value_int(i)};
			TU_OK(db, dn_edge_create(t, mr_item[i], mr_item[i - 1], "NEXT", &p, 1, NULL, &mr_out[i]));
			mr_out_alive[i] = true;
		}
		if (i % 5 == 0) { /* update a record of the earlier transaction */
			int b = (i / 5) % MR_BASE;
			dn_value v = dn_value_int(1000000 + i);
			TU_OK(db, dn_node_set_prop(t, mr_base[b], "v", &v));
			mr_base_v[b] = 1000000 + i;
		}
		if (i % 7 == 0 && i >= 21 && mr_out_alive[i - 21]) {
			TU_OK(db, dn_edge_delete(t, mr_out[i - 21]));
			mr_out_alive[i - 21] = false;
		}
		if (i % 11 == 0) { /* delete an edge of the earlier transaction */
			int b = (i / 11) % MR_BASE;
			if (mr_base_edge_alive[b]) {
				TU_OK(db, dn_edge_delete(t, mr_base_edge[b]));
				mr_base_edge_alive[b] = false;
			}
		}
		if (i % 13 == 0 && i > 0 && mr_item_alive[i - 1]) { /* index update */
			dn_value v = dn_value_int(-(i - 1));
			TU_OK(db, dn_node_set_prop(t, mr_item[i - 1], "key", &v));
			mr_item_key[i - 1] = -(i - 1);
		}
		if (i % 97 == 0 && i >= 10 && mr_item_alive[i - 10]) {
			int k = i - 10;
			TU_OK(db, dn_node_detach_delete(t, mr_item[k]));
			mr_item_alive[k] = false;
			mr_out_alive[k] = false;     /* k -> k-1 */
			mr_out_alive[k + 1] = false; /* k+1 -> k */
		}
		if (i % 1000 == 500) {
			/* fails after interning new tokens: must leave no trace */
			snprintf(name, sizeof name, "Phantom%d", i / 1000);
			snprintf(name2, sizeof name2, "Ghost%d", i / 1000);
			const char *labels[] = {name, name2};
			char k1[64], k2[64];
			snprintf(k1, sizeof k1, "phantomkey%d", i / 1000);
			snprintf(k2, sizeof k2, "ghostkey%d", i / 1000);
			dn_prop p[] = {{k1, dn_value_int(1)}, {k2, dn_value_int(2)}};
			dn_meta m = dn_meta_none();
			m.reliability = 'Z';
			dn_id id;
			rc = dn_node_create(t, labels, 2, p, 2, &m, &id);
			cr_assert_eq(rc, DN_EINVAL, "i=%d: create with a bad grading -> %s", i, dn_strerror(rc));
			/* a unique-index violation */
			dn_value v = dn_value_int(mr_item_key[i - 2]);
			rc = dn_node_set_prop(t, mr_item[i], "key", &v);
			cr_assert_eq(rc, DN_ECONSTRAINT, "i=%d: duplicate key -> %s", i, dn_strerror(rc));
			/* an edge to a node that does not exist */
			rc = dn_edge_create(t, mr_item[i], 999999999, "GHOSTTYPE", NULL, 0, NULL, &id);
			cr_assert_eq(rc, DN_ENOTFOUND, "i=%d: edge to nowhere -> %s", i, dn_strerror(rc));
		}
		if (i % 1000 == 600) {
			/* the names of the failed call, now used for real */
			snprintf(name, sizeof name, "Phantom%d", i / 1000);
			snprintf(name2, sizeof name2, "phantomkey%d", i / 1000);
			dn_value v = dn_value_int(7);
			TU_OK(db, dn_node_add_label(t, mr_item[i], name));
			TU_OK(db, dn_node_set_prop(t, mr_item[i], name2, &v));
			mr_phantom[i] = true;
		}
	}
	tu_commit(t);
}

static void mr_verify_item(dn_db *db, dn_txn *t, int i)
{
	char pl[PAYLOAD_LEN + 1], group[32], attr[32], name[64];
	dn_node *n;
	payload(pl, (uint64_t)i);
	snprintf(group, sizeof group, "Group%d", i / MR_GROUP);
	snprintf(attr, sizeof attr, "attr_%d", i / MR_ATTR);
	TU_OK(db, dn_node_get(t, mr_item[i], &n));
	cr_assert(dn_node_has_label(n, "Item") && dn_node_has_label(n, group), "item %d: labels", i);
	cr_assert(value_is_int(dn_node_prop(n, "key"), mr_item_key[i]), "item %d: key", i);
	cr_assert(value_is_str(dn_node_prop(n, "pad"), pl, PAYLOAD_LEN), "item %d: pad", i);
	cr_assert(value_is_int(dn_node_prop(n, attr), i), "item %d: %s", i, attr);
	if (mr_phantom[i]) {
		snprintf(name, sizeof name, "Phantom%d", i / 1000);
		cr_assert(dn_node_has_label(n, name), "item %d: label %s is missing", i, name);
		snprintf(name, sizeof name, "phantomkey%d", i / 1000);
		cr_assert(value_is_int(dn_node_prop(n, name), 7), "item %d: %s is missing", i, name);
	}
	cr_assert_eq(n->nlabels, mr_phantom[i] ? 3 : 2, "item %d: %zu labels", i, n->nlabels);
	cr_assert_eq(n->nprops, mr_phantom[i] ? 4 : 3, "item %d: %zu properties", i, n->nprops);
	dn_node_free(n);
}

static void replay_scenario(void)
{
	char path[4096];
	fresh_path(path, sizeof path, "mapfull");
	dn_db *db = tu_open(path, &tiny_map);
	/* the earlier transaction: base nodes in a ring of LINK edges */
	dn_txn *t = tu_begin(db, 0);
	const char *blabels[] = {"Base"};
	for (int b = 0; b < MR_BASE; b++) {
		dn_prop p = {"v", dn_value_int(b)};
		TU_OK(db, dn_node_create(t, blabels, 1, &p, 1, NULL, &mr_base[b]));
		mr_base_v[b] = b;
	}
	for (int b = 0; b < MR_BASE; b++) {
		TU_OK(db, dn_edge_create(t, mr_base[b], mr_base[(b + 1) % MR_BASE], "LINK", NULL, 0, NULL, &mr_base_edge[b]));
		mr_base_edge_alive[b] = true;
	}
	tu_commit(t);
	mr_big_txn(db);
	dn_close(db);

	db = tu_open(path, &tiny_map);
	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t items = 0, outs = 0, links = 0, phantoms[MR_ITEMS / 1000 + 1] = {0};
	for (int i = 0; i < MR_ITEMS; i++) {
		items += mr_item_alive[i];
		outs += mr_out_alive[i];
		if (mr_phantom[i] && mr_item_alive[i])
			phantoms[i / 1000]++;
	}
	for (int b = 0; b < MR_BASE; b++)
		links += mr_base_edge_alive[b];
	cr_assert_eq(dn_txn_position(t), 2);
	cr_assert_eq(n_nodes(db, t), MR_BASE + items);
	cr_assert_eq(n_edges(db, t), links + outs);
	cr_assert_eq(scan_nodes(db, t), MR_BASE + items);
	cr_assert_eq(scan_edges(db, t), links + outs);
	cr_assert_eq(n_label(db, t, "Item"), items);
	cr_assert_eq(n_label(db, t, "Base"), MR_BASE);
	cr_assert_eq(n_type(db, t, "NEXT"), outs);
	cr_assert_eq(n_type(db, t, "LINK"), links);
	for (int b = 0; b < MR_BASE; b++) {
		dn_node *n;
		TU_OK(db, dn_node_get(t, mr_base[b], &n));
		cr_assert(value_is_int(dn_node_prop(n, "v"), mr_base_v[b]), "base %d: v", b);
		dn_node_free(n);
		cr_assert_eq(dn_edge_exists(t, mr_base_edge[b]), mr_base_edge_alive[b], "base edge %d", b);
	}
	for (int i = 0; i < MR_ITEMS; i++) {
		cr_assert_eq(dn_node_exists(t, mr_item[i]), mr_item_alive[i], "item %d exists?", i);
		if (mr_item_alive[i])
			mr_verify_item(db, t, i);
		if (!mr_out[i])
			continue;
		cr_assert_eq(dn_edge_exists(t, mr_out[i]), mr_out_alive[i], "edge of item %d exists?", i);
		if (mr_out_alive[i]) {
			dn_edge *e;
			TU_OK(db, dn_edge_get(t, mr_out[i], &e));
			cr_assert(e->src == mr_item[i] && e->dst == mr_item[i - 1] && !strcmp(e->type, "NEXT"), "edge %d", i);
			cr_assert(value_is_int(dn_edge_prop(e, "n"), i), "edge %d: n", i);
			dn_edge_free(e);
		}
	}
	for (int i = 0; i < MR_ITEMS; i += 101) {
		dn_iter *it;
		dn_id id;
		dn_value v = dn_value_int(mr_item_key[i]);
		TU_OK(db, dn_index_seek(t, "Item", "key", &v, &v, 0, &it));
		int rc = dn_iter_next(it, &id);
		if (mr_item_alive[i]) {
			cr_assert_eq(rc, DN_ROW, "index: key %lld not found", (long long)mr_item_key[i]);
			cr_assert_eq(id, mr_item[i]);
			rc = dn_iter_next(it, &id);
		}
		cr_assert_eq(rc, DN_DONE, "index: stale entry for key %lld", (long long)mr_item_key[i]);
		dn_iter_free(it);
	}
	for (int g = 0; g < MR_ITEMS / 1000; g++) {
		char name[64];
		snprintf(name, sizeof name, "Ghost%d", g);
		cr_assert(!token_exists(db, t, DN_TOKEN_LABEL, name), "label %s of a failed call was kept", name);
		snprintf(name, sizeof name, "ghostkey%d", g);
		cr_assert(!token_exists(db, t, DN_TOKEN_KEY, name), "key %s of a failed call was kept", name);
		snprintf(name, sizeof name, "Phantom%d", g);
		cr_assert_eq(n_label(db, t, name), phantoms[g], "label %s", name);
	}
	cr_assert(!token_exists(db, t, DN_TOKEN_TYPE, "GHOSTTYPE"));
	dn_stats *st;
	TU_OK(db, dn_stats_get(t, &st));
	cr_assert_gt(st->file_bytes, 64 * KIB * 64, "data.mdb is only %llu bytes", (unsigned long long)st->file_bytes);
	cr_assert_geq(st->map_bytes, st->file_bytes);
	dn_stats_free(st);
	dn_txn_abort(t);

	/* as of the earlier transaction, nothing of the big one shows */
	dn_txn_opts asof = {.as_of_pos = 1};
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &asof, &t));
	cr_assert_eq(n_nodes(db, t), MR_BASE);
	cr_assert_eq(n_edges(db, t), MR_BASE);
	for (int b = 0; b < MR_BASE; b += 7) {
		dn_node *n;
		TU_OK(db, dn_node_get(t, mr_base[b], &n));
		cr_assert(value_is_int(dn_node_prop(n, "v"), b), "base %d as of 1: v", b);
		dn_node_free(n);
		cr_assert(dn_edge_exists(t, mr_base_edge[b]), "base edge %d as of 1", b);
	}
	cr_assert(!dn_node_exists(t, mr_item[0]));
	dn_txn_abort(t);
	assert_check_clean(db);
	dn_close(db);
}

Test(map_full, replay_with_updates_and_deletes, .timeout = 300)
{
	replay_scenario();
}

/* The same with the journal spilled to its file every 4 KiB: replays read
 * the spilled part back, and undone calls cut into it. */
Test(map_full, replay_from_spilled_journal, .timeout = 300)
{
	size_t saved = dn_journal_spill_bytes, saved_run = dn_adj_run_entries;
	dn_journal_spill_bytes = 4096;
	dn_adj_run_entries = 256; /* and adjacency in many sorted runs */
	replay_scenario();
	dn_journal_spill_bytes = saved;
	dn_adj_run_entries = saved_run;
}

/* Reads the meta "format" value through raw LMDB. */
static uint32_t get_format(const char *dir)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 32), 0);
	cr_assert_eq(mdb_env_open(env, dir, MDB_RDONLY, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	MDB_val k = {6, "format"}, v;
	cr_assert_eq(mdb_get(txn, dbi, &k, &v), 0);
	cr_assert_eq(v.mv_size, 4);
	const uint8_t *b = v.mv_data;
	uint32_t f = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return f;
}

/* Puts a format-1 degree counter (one for every group, one-chunk groups
 * included) for (node, OUT, type) through raw LMDB. */
static void put_v1_counter(const char *dir, dn_id node, uint32_t type, uint64_t count)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	uint8_t k[13], v[8];
	for (int i = 0; i < 8; i++) {
		k[i] = (uint8_t)(node >> (56 - 8 * i));
		v[i] = (uint8_t)(count >> (56 - 8 * i));
	}
	k[8] = DN_OUT;
	for (int i = 0; i < 4; i++)
		k[9 + i] = (uint8_t)(type >> (24 - 8 * i));
	cr_assert_eq(mdb_env_create(&env), 0);
	cr_assert_eq(mdb_env_set_maxdbs(env, 32), 0);
	cr_assert_eq(mdb_env_open(env, dir, 0, 0600), 0);
	cr_assert_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	cr_assert_eq(mdb_dbi_open(txn, "deg", 0, &dbi), 0);
	MDB_val key = {sizeof k, k}, val = {sizeof v, v};
	cr_assert_eq(mdb_put(txn, dbi, &key, &val, 0), 0);
	cr_assert_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void count_problem(void *ctx, const char *problem)
{
	fprintf(stderr, "check: %s\n", problem);
	(*(int *)ctx)++;
}

/* A format-1 file (a counter on a one-chunk group) is read as it is, is
 * marked format 2 when opened for writing, and stays right through adds
 * and removes on that group: degrees and dn_check agree. */
Test(bad_files, format_1_counters_stay_right)
{
	char dir[4096];
	fresh_path(dir, sizeof dir, "format-1");
	dn_db *db = tu_open(dir, NULL);
	dn_txn *t = tu_begin(db, 0);
	dn_id a, b, e[3];
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &a));
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &b));
	for (int i = 0; i < 2; i++)
		TU_OK(db, dn_edge_create(t, a, b, "T", NULL, 0, NULL, &e[i]));
	uint32_t ty;
	TU_OK(db, dn_token_id(t, DN_TOKEN_TYPE, "T", &ty));
	tu_commit(t);
	dn_close(db);
	put_v1_counter(dir, a, ty, 2);
	set_format(dir, 1);

	dn_open_opts ro = {DN_OPEN_RDONLY, 0, 0};
	db = tu_open(dir, &ro);
	dn_close(db);
	cr_assert_eq(get_format(dir), 1, "a read-only open changed the format");
	db = tu_open(dir, NULL);
	cr_assert_eq(get_format(dir), DN_FORMAT_VERSION, "a writable open left the old format");

	uint64_t deg, problems = 0;
	int reported = 0;
	t = tu_begin(db, 0);
	TU_OK(db, dn_edge_create(t, a, b, "T", NULL, 0, NULL, &e[2]));
	TU_OK(db, dn_degree(t, a, DN_OUT, "T", &deg));
	cr_assert_eq(deg, 3);
	TU_OK(db, dn_edge_delete(t, e[0]));
	TU_OK(db, dn_degree(t, a, DN_OUT, "T", &deg));
	cr_assert_eq(deg, 2);
	TU_OK(db, dn_degree(t, a, DN_BOTH, NULL, &deg));
	cr_assert_eq(deg, 2);
	/* the check sees this transaction's own changes as consistent too */
	TU_OK(db, dn_check(t, count_problem, &reported, &problems));
	cr_assert_eq(problems, 0);
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	TU_OK(db, dn_degree(t, b, DN_IN, "T", &deg));
	cr_assert_eq(deg, 2);
	TU_OK(db, dn_check(t, count_problem, &reported, &problems));
	cr_assert_eq(problems, 0);
	cr_assert_eq(reported, 0);
	dn_txn_abort(t);
	dn_close(db);
}
