/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_history.c — the log, history and as-of reads: a random sequence of
 * creates, updates and deletes, one transaction each; after every commit
 * the visible graph is dumped canonically; afterwards each past position is
 * read as of that position and must give the same dump. Also as-of by time,
 * purge, and the log entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static dn_db *db;

static void setup(void)
{
	db = tu_open(tu_fresh_dir("history"), NULL);
}

static void teardown(void)
{
	dn_close(db);
}

TestSuite(history, .init = setup, .fini = teardown);

typedef struct sbuf {
	char *p;
	size_t len, cap;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[1024];
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = (b->len + (size_t)n + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, tmp, (size_t)n + 1);
	b->len += (size_t)n;
}

static void dump_value(sbuf *b, const dn_value *v)
{
	switch (v->type) {
	case DN_INT: sb_printf(b, "%lld", (long long)v->u.i); break;
	case DN_STRING: sb_printf(b, "'%.*s'", (int)v->len, v->u.s); break;
	case DN_BOOL: sb_printf(b, v->u.b ? "true" : "false"); break;
	default: sb_printf(b, "<%d>", v->type); break;
	}
}

static const char *label_names[] = {"Trader", "Person", "Seizure", "Case"};

static int cmp_adj(const void *a, const void *b)
{
	const dn_adj *x = a, *y = b;
	if (x->edge != y->edge)
		return x->edge < y->edge ? -1 : 1;
	return (int)x->dir - (int)y->dir;
}

/* A canonical text of everything a reader can see. */
static char *dump(dn_txn *t)
{
	sbuf b = {0};
	dn_iter *it;
	dn_id id;
	int rc;
	uint64_t n;
	TU_OK(db, dn_count_nodes(t, &n));
	sb_printf(&b, "nodes=%llu\n", (unsigned long long)n);
	TU_OK(db, dn_count_edges(t, &n));
	sb_printf(&b, "edges=%llu\n", (unsigned long long)n);
	TU_OK(db, dn_nodes_all(t, &it));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		dn_node *node;
		TU_OK(db, dn_node_get(t, id, &node));
		sb_printf(&b, "N%llu", (unsigned long long)id);
		for (size_t i = 0; i < node->nlabels; i++)
			sb_printf(&b, ":%s", node->labels[i]);
		for (size_t i = 0; i < node->nprops; i++) {
			sb_printf(&b, " %s=", node->props[i].key);
			dump_value(&b, &node->props[i].value);
		}
		sb_printf(&b, " mark=%s v=%llu\n", node->meta.marking ? node->meta.marking : "",
		          (unsigned long long)node->version_pos);
		dn_node_free(node);
		/* adjacency, both directions */
		dn_iter *ai;
		dn_adj adj[256];
		size_t na = 0;
		TU_OK(db, dn_edges_of(t, id, DN_BOTH, NULL, &ai));
		while ((rc = dn_iter_next_adj(ai, &adj[na])) == DN_ROW && na < 255)
			na++;
		cr_assert_eq(rc, DN_DONE);
		dn_iter_free(ai);
		qsort(adj, na, sizeof *adj, cmp_adj);
		for (size_t i = 0; i < na; i++)
			sb_printf(&b, "  %s e%llu n%llu t%u\n", adj[i].dir == DN_OUT ? "out" : "in",
			          (unsigned long long)adj[i].edge, (unsigned long long)adj[i].nbr, adj[i].type);
		uint64_t deg;
		TU_OK(db, dn_degree(t, id, DN_BOTH, NULL, &deg));
		cr_assert_eq(deg, na, "degree %llu vs %zu adjacency entries", (unsigned long long)deg, na);
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	TU_OK(db, dn_edges_all(t, &it));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		dn_edge *e;
		TU_OK(db, dn_edge_get(t, id, &e));
		sb_printf(&b, "E%llu %llu-%s->%llu", (unsigned long long)id, (unsigned long long)e->src, e->type,
		          (unsigned long long)e->dst);
		for (size_t i = 0; i < e->nprops; i++) {
			sb_printf(&b, " %s=", e->props[i].key);
			dump_value(&b, &e->props[i].value);
		}
		sb_printf(&b, "\n");
		dn_edge_free(e);
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	for (size_t l = 0; l < 4; l++) {
		uint64_t cnt, k = 0;
		TU_OK(db, dn_nodes_by_label(t, label_names[l], &it));
		while ((rc = dn_iter_next(it, &id)) == DN_ROW)
			k++;
		dn_iter_free(it);
		TU_OK(db, dn_count_label(t, label_names[l], &cnt));
		cr_assert_eq(cnt, k);
		sb_printf(&b, "label %s: %llu\n", label_names[l], (unsigned long long)k);
	}
	return b.p;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

/* Picks a random existing node (or 0 if none). */
static dn_id pick_node(dn_txn *t)
{
	dn_iter *it;
	dn_id ids[4096], id;
	size_t n = 0;
	TU_OK(db, dn_nodes_all(t, &it));
	while (n < 4096 && dn_iter_next(it, &id) == DN_ROW)
		ids[n++] = id;
	dn_iter_free(it);
	return n ? ids[rnd(n)] : 0;
}

static dn_id pick_edge(dn_txn *t)
{
	dn_iter *it;
	dn_id ids[4096], id;
	size_t n = 0;
	TU_OK(db, dn_edges_all(t, &it));
	while (n < 4096 && dn_iter_next(it, &id) == DN_ROW)
		ids[n++] = id;
	dn_iter_free(it);
	return n ? ids[rnd(n)] : 0;
}

/* One random change; several in some transactions. */
static void random_op(dn_txn *t)
{
	dn_id a = pick_node(t), b = pick_node(t), e = pick_edge(t), id;
	const char *label = label_names[rnd(4)];
	dn_value v = dn_value_int((int64_t)rnd(1000));
	switch (rnd(10)) {
	case 0:
	case 1: {
		dn_prop p = {"k", v};
		TU_OK(db, dn_node_create(t, &label, 1, &p, 1, NULL, &id));
		break;
	}
	case 2:
	case 3:
		if (a && b)
			TU_OK(db, dn_edge_create(t, a, b, rnd(2) ? "LINK" : "OWNS", NULL, 0, NULL, &id));
		break;
	case 4:
		if (a)
			TU_OK(db, dn_node_set_prop(t, a, rnd(2) ? "k" : "j", &v));
		break;
	case 5:
		if (a)
			TU_OK(db, dn_node_add_label(t, a, label));
		break;
	case 6:
		if (a)
			TU_OK(db, dn_node_remove_label(t, a, label));
		break;
	case 7:
		if (a)
			TU_OK(db, dn_node_detach_delete(t, a));
		break;
	case 8:
		if (e)
			TU_OK(db, dn_edge_delete(t, e));
		break;
	case 9:
		if (e)
			TU_OK(db, dn_edge_set_prop(t, e, "w", &v));
		break;
	}
}

Test(history, as_of_every_position_matches_what_was_seen)
{
	enum { STEPS = 150 };
	char *seen[STEPS + 1];
	uint64_t pos_of[STEPS + 1];
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	seen[0] = dump(t);
	pos_of[0] = dn_txn_position(t);
	dn_txn_abort(t);
	cr_assert_eq(pos_of[0], 0);
	int steps = 0;
	for (int s = 1; s <= STEPS; s++) {
		t = tu_begin(db, 0);
		int ops = 1 + (int)rnd(3);
		for (int k = 0; k < ops; k++)
			random_op(t);
		tu_commit(t);
		t = tu_begin(db, DN_TXN_RDONLY);
		seen[s] = dump(t);
		pos_of[s] = dn_txn_position(t);
		dn_txn_abort(t);
		steps = s;
	}
	cr_assert_gt(pos_of[steps], 100, "too few transactions changed anything");
	for (int s = 0; s <= steps; s++) {
		dn_txn_opts o = {0};
		o.as_of_pos = pos_of[s];
		if (!o.as_of_pos)
			continue; /* position 0 cannot be asked for (0 means now) */
		TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
		cr_assert_eq(dn_txn_position(t), pos_of[s]);
		char *now = dump(t);
		cr_assert_str_eq(now, seen[s], "as of position %llu", (unsigned long long)pos_of[s]);
		free(now);
		uint64_t problems;
		dn_txn_abort(t);
		if (s == steps) {
			t = tu_begin(db, DN_TXN_RDONLY);
			TU_OK(db, dn_check(t, NULL, NULL, &problems));
			cr_assert_eq(problems, 0);
			dn_txn_abort(t);
		}
	}
	for (int s = 0; s <= steps; s++)
		free(seen[s]);
}

Test(history, as_of_time_and_bad_positions)
{
	dn_txn *t = tu_begin(db, 0);
	const char *l = "Case";
	dn_id id;
	dn_prop p = {"status", dn_value_stringn_ref("open", 4)};
	TU_OK(db, dn_node_create(t, &l, 1, &p, 1, NULL, &id));
	tu_commit(t);
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t between = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	nanosleep(&ts, NULL);
	t = tu_begin(db, 0);
	dn_value closed = dn_value_stringn_ref("closed", 6);
	TU_OK(db, dn_node_set_prop(t, id, "status", &closed));
	tu_commit(t);

	dn_txn_opts o = {0};
	o.as_of_time_ms = between;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	cr_assert_eq(dn_txn_position(t), 1);
	dn_node *n;
	TU_OK(db, dn_node_get(t, id, &n));
	cr_assert_eq(memcmp(dn_node_prop(n, "status")->u.s, "open", 4), 0);
	dn_node_free(n);
	uint64_t pos;
	TU_OK(db, dn_log_position_at(t, between, &pos));
	cr_assert_eq(pos, 1);
	dn_txn_abort(t);

	o.as_of_time_ms = 1000; /* 1970: before anything */
	cr_assert_eq(dn_txn_begin(db, DN_TXN_RDONLY, &o, &t), DN_ENOTFOUND);
	o.as_of_time_ms = 0;
	o.as_of_pos = 7;
	cr_assert_eq(dn_txn_begin(db, DN_TXN_RDONLY, &o, &t), DN_ENOTFOUND);
	cr_assert(strstr(dn_errmsg(db), "future") != NULL);
	o.as_of_pos = 1;
	cr_assert_eq(dn_txn_begin(db, 0, &o, &t), DN_EINVAL);
}

/* A twin sees what its read transaction sees (the snapshot, and the past
 * of an as-of one), and is refused once a writer has moved on. */
Test(history, a_twin_reads_the_same_snapshot)
{
	const char *l = "Case";
	dn_id id;
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_node_create(t, &l, 1, NULL, 0, NULL, &id));
	tu_commit(t);
	dn_txn *r = tu_begin(db, DN_TXN_RDONLY), *asof, *twin;
	dn_txn_opts o = {.as_of_pos = 1};
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &asof));
	t = tu_begin(db, 0);
	TU_OK(db, dn_node_create(t, &l, 1, NULL, 0, NULL, &id));
	tu_commit(t);
	uint64_t n;
	/* r began before the second node: its twin cannot be had now */
	cr_assert_eq(dn_txn_begin_twin(r, &twin), DN_EBUSY);
	dn_txn_abort(r);
	r = tu_begin(db, DN_TXN_RDONLY);
	TU_OK(db, dn_txn_begin_twin(r, &twin));
	TU_OK(db, dn_count_nodes(twin, &n));
	cr_assert_eq(n, 2);
	dn_txn_abort(twin);
	dn_txn_abort(asof);
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &asof));
	TU_OK(db, dn_txn_begin_twin(asof, &twin));
	TU_OK(db, dn_count_nodes(twin, &n));
	cr_assert_eq(n, 1, "an as-of transaction's twin sees %llu nodes at position 1", (unsigned long long)n);
	cr_assert_eq(dn_txn_position(twin), 1);
	dn_txn_abort(twin);
	dn_txn_abort(asof);
	dn_txn_abort(r);
	t = tu_begin(db, 0);
	cr_assert_eq(dn_txn_begin_twin(t, &twin), DN_EINVAL); /* a writer has none */
	dn_txn_abort(t);
}

Test(history, log_records_principal_and_changes)
{
	dn_txn_opts o = {0};
	o.principal = "analyst.ana";
	dn_txn *t;
	TU_OK(db, dn_txn_begin(db, 0, &o, &t));
	dn_id a, b, e;
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &a));
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &b));
	TU_OK(db, dn_edge_create(t, a, b, "R", NULL, 0, NULL, &e));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_log_entry *le;
	TU_OK(db, dn_log_get(t, 1, &le));
	cr_assert_str_eq(le->principal, "analyst.ana");
	/* the two node creates are one run of consecutive ids */
	cr_assert_eq(le->nchanges, 2);
	cr_assert_eq(le->changes[0].op, DN_LOG_NODE_CREATE);
	cr_assert_eq(le->changes[0].id, a);
	cr_assert_eq(le->changes[0].count, 2);
	cr_assert_eq(b, a + 1);
	cr_assert_eq(le->changes[1].op, DN_LOG_EDGE_CREATE);
	cr_assert_eq(le->changes[1].id, e);
	cr_assert_eq(le->changes[1].count, 1);
	cr_assert_gt(le->time_ms, 1700000000000);
	dn_log_entry_free(le);
	cr_assert_eq(dn_log_get(t, 2, &le), DN_ENOTFOUND);
	dn_txn_abort(t);
}

/* Node and edge creates interleaved (a mapping import makes a few of each
 * per row) stay one run each, nodes before edges; another change closes
 * the runs and keeps its place after them. */
Test(history, log_runs_of_interleaved_creates)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id n[6], e[5];
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &n[0]));
	for (int i = 1; i < 6; i++) {
		TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &n[i]));
		TU_OK(db, dn_edge_create(t, n[i - 1], n[i], "R", NULL, 0, NULL, &e[i - 1]));
	}
	dn_value v = dn_value_int(1);
	TU_OK(db, dn_node_set_prop(t, n[0], "k", &v));
	dn_id last;
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &last));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_log_entry *le;
	TU_OK(db, dn_log_get(t, 1, &le));
	cr_assert_eq(le->nchanges, 4);
	cr_assert_eq(le->changes[0].op, DN_LOG_NODE_CREATE);
	cr_assert_eq(le->changes[0].id, n[0]);
	cr_assert_eq(le->changes[0].count, 6);
	cr_assert_eq(le->changes[1].op, DN_LOG_EDGE_CREATE);
	cr_assert_eq(le->changes[1].id, e[0]);
	cr_assert_eq(le->changes[1].count, 5);
	cr_assert_neq(le->changes[2].op, DN_LOG_NODE_CREATE);
	cr_assert_eq(le->changes[2].id, n[0]);
	cr_assert_eq(le->changes[3].op, DN_LOG_NODE_CREATE);
	cr_assert_eq(le->changes[3].id, last);
	dn_log_entry_free(le);
	dn_txn_abort(t);
}

Test(history, purge_removes_all_versions)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a, b, keep, e1, e2;
	dn_prop p = {"name", dn_value_stringn_ref("Secret Person", 13)};
	TU_OK(db, dn_node_create(t, NULL, 0, &p, 1, NULL, &a));
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &b));
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &keep));
	TU_OK(db, dn_edge_create(t, a, b, "R", NULL, 0, NULL, &e1));
	TU_OK(db, dn_edge_create(t, b, keep, "R", NULL, 0, NULL, &e2));
	tu_commit(t); /* pos 1 */
	t = tu_begin(db, 0);
	dn_value v = dn_value_stringn_ref("Secret P.", 9);
	TU_OK(db, dn_node_set_prop(t, a, "name", &v));
	TU_OK(db, dn_edge_delete(t, e1));
	tu_commit(t); /* pos 2 */
	t = tu_begin(db, 0);
	cr_assert_eq(dn_node_purge(t, a, NULL), DN_EINVAL);
	TU_OK(db, dn_node_purge(t, a, "retention: case closed 2019"));
	cr_assert_eq(dn_node_purge(t, 999, "x"), DN_ENOTFOUND);
	tu_commit(t); /* pos 3 */

	for (uint64_t pos = 1; pos <= 3; pos++) {
		dn_txn_opts o = {0};
		o.as_of_pos = pos;
		TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
		cr_assert_not(dn_node_exists(t, a), "purged node visible as of %llu", (unsigned long long)pos);
		cr_assert_not(dn_edge_exists(t, e1));
		cr_assert(dn_node_exists(t, b));
		cr_assert(dn_edge_exists(t, e2));
		uint64_t deg;
		TU_OK(db, dn_degree(t, b, DN_BOTH, NULL, &deg));
		dn_iter *it;
		dn_adj adj;
		uint64_t k = 0;
		TU_OK(db, dn_edges_of(t, b, DN_BOTH, NULL, &it));
		while (dn_iter_next_adj(it, &adj) == DN_ROW) {
			cr_assert_eq(adj.edge, e2);
			k++;
		}
		dn_iter_free(it);
		cr_assert_eq(k, 1);
		dn_txn_abort(t);
	}
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_log_entry *le;
	TU_OK(db, dn_log_get(t, 3, &le));
	int found = 0;
	for (size_t i = 0; i < le->nchanges; i++)
		if (le->changes[i].op == DN_LOG_NODE_PURGE && le->changes[i].id == a) {
			cr_assert_str_eq(le->changes[i].detail, "retention: case closed 2019");
			found = 1;
		}
	cr_assert(found);
	dn_log_entry_free(le);
	uint64_t problems;
	TU_OK(db, dn_check(t, NULL, NULL, &problems));
	cr_assert_eq(problems, 0);
	dn_txn_abort(t);
}

/* Runs a one-column query in txn and returns its rows joined by ','. */
static void query_col(dn_txn *txn, const char *text, char *out, size_t cap, int *rc_out)
{
	dn_stmt *s = NULL;
	dn_query_error qe;
	cr_assert_eq(dn_stmt_prepare(db, text, strlen(text), &s, &qe), 0, "%s: %s", text, qe.message);
	out[0] = '\0';
	int rc = dn_stmt_execute(s, txn);
	*rc_out = rc;
	while (!rc && dn_stmt_step(s) == DN_ROW) {
		const dn_value *v = dn_stmt_column(s, 0);
		size_t len = strlen(out);
		if (v->type == DN_NODE) {
			/* read the node through the statement's transaction: the past */
			dn_node *n = NULL;
			cr_assert_eq(dn_node_get(dn_stmt_txn(s), (dn_id)v->u.i, &n), 0);
			const dn_value *name = dn_node_prop(n, "name");
			snprintf(out + len, cap - len, "%s%s", len ? "," : "", name ? name->u.s : "?");
			dn_node_free(n);
		} else {
			snprintf(out + len, cap - len, "%s%lld", len ? "," : "", (long long)v->u.i);
		}
	}
	dn_stmt_free(s);
}

Test(history, as_of_in_queries)
{
	/* three commits: create a, create b, rename a and delete b */
	dn_txn *t = tu_begin(db, 0);
	dn_id a, b;
	dn_prop pa = {"name", dn_value_stringn_ref("a1", 2)}, pb = {"name", dn_value_stringn_ref("b", 1)};
	const char *lab = "P";
	TU_OK(db, dn_node_create(t, &lab, 1, &pa, 1, NULL, &a));
	tu_commit(t);
	uint64_t p1 = dn_txn_position(t = tu_begin(db, DN_TXN_RDONLY));
	dn_txn_abort(t);
	t = tu_begin(db, 0);
	TU_OK(db, dn_node_create(t, &lab, 1, &pb, 1, NULL, &b));
	tu_commit(t);
	t = tu_begin(db, 0);
	dn_value a2 = dn_value_stringn_ref("a2", 2);
	TU_OK(db, dn_node_set_prop(t, a, "name", &a2));
	TU_OK(db, dn_node_delete(t, b));
	tu_commit(t);

	char out[256];
	int rc;
	dn_txn *r = tu_begin(db, DN_TXN_RDONLY);
	query_col(r, "MATCH (n:P) RETURN n ORDER BY n.name", out, sizeof out, &rc);
	cr_expect_str_eq(out, "a2");
	char q[128];
	snprintf(q, sizeof q, "AS OF %llu MATCH (n:P) RETURN n ORDER BY n.name", (unsigned long long)p1 + 1);
	query_col(r, q, out, sizeof out, &rc);
	cr_expect_eq(rc, 0);
	cr_expect_str_eq(out, "a1,b", "as of the second commit: a as it was, and b");
	snprintf(q, sizeof q, "AS OF %llu MATCH (n:P) RETURN count(n)", (unsigned long long)p1);
	query_col(r, q, out, sizeof out, &rc);
	cr_expect_str_eq(out, "1");
	/* a time before anything was committed, a write, and a bad value */
	query_col(r, "AS OF datetime('2001-01-01T00:00:00Z') MATCH (n) RETURN count(n)", out, sizeof out, &rc);
	cr_expect_eq(rc, DN_ENOTFOUND);
	query_col(r, "AS OF 1 CREATE (n:P) RETURN n", out, sizeof out, &rc);
	cr_expect_eq(rc, DN_ESEMANTIC);
	query_col(r, "AS OF 'yesterday' MATCH (n) RETURN n", out, sizeof out, &rc);
	cr_expect_eq(rc, DN_ETYPE);
	dn_txn_abort(r);
}
