/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_graph.c — unit tests of nodes, edges, labels, properties, metadata,
 * iteration, counts and clearances through the public API.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static dn_db *db;

static void setup(void)
{
	db = tu_open(tu_fresh_dir("graph"), NULL);
}

static void teardown(void)
{
	dn_close(db);
}

TestSuite(graph, .init = setup, .fini = teardown);

static dn_id mk_node(dn_txn *t, const char *label, const char *key, dn_value v)
{
	dn_id id;
	const char *labels[] = {label};
	dn_prop p = {key, v};
	TU_OK(db, dn_node_create(t, labels, label ? 1 : 0, &p, key ? 1 : 0, NULL, &id));
	return id;
}

static uint64_t count_iter(dn_iter *it)
{
	uint64_t n = 0;
	dn_id id;
	int rc;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		n++;
	cr_assert_eq(rc, DN_DONE, "iterator ended with %s: %s", dn_strerror(rc), dn_errmsg(db));
	dn_iter_free(it);
	return n;
}

Test(graph, create_and_get_node)
{
	dn_txn *t = tu_begin(db, 0);
	const char *labels[] = {"Trader", "Company", "Trader"};
	dn_prop props[] = {
		{"tin", dn_value_stringn_ref("GB123", 5)},
		{"turnover", dn_value_int(1500000)},
		{"risk", dn_value_float(0.75)},
		{"gone", dn_value_null()},
		{"tin", dn_value_stringn_ref("GB999", 5)}, /* last one wins */
	};
	dn_meta m = dn_meta_none();
	m.source = "tax registry";
	m.record = "registry.csv:12";
	m.reliability = 'B';
	m.credibility = 2;
	m.valid_from = 1700000000000;
	m.marking = " TAX-CONFIDENTIAL , CUSTOMS";
	dn_id id;
	TU_OK(db, dn_node_create(t, labels, 3, props, 5, &m, &id));
	cr_assert_neq(id, 0);
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	dn_node *n;
	TU_OK(db, dn_node_get(t, id, &n));
	cr_assert_eq(n->id, id);
	cr_assert_eq(n->nlabels, 2);
	cr_assert_str_eq(n->labels[0], "Company");
	cr_assert_str_eq(n->labels[1], "Trader");
	cr_assert(dn_node_has_label(n, "Trader"));
	cr_assert_not(dn_node_has_label(n, "Person"));
	cr_assert_eq(n->nprops, 3);
	const dn_value *tin = dn_node_prop(n, "tin");
	cr_assert_not_null(tin);
	cr_assert_eq(tin->type, DN_STRING);
	cr_assert_eq(tin->len, 5);
	cr_assert_eq(memcmp(tin->u.s, "GB999", 5), 0);
	cr_assert_eq(dn_node_prop(n, "turnover")->u.i, 1500000);
	cr_assert_float_eq(dn_node_prop(n, "risk")->u.f, 0.75, 1e-12);
	cr_assert_null(dn_node_prop(n, "gone"));
	cr_assert_str_eq(n->meta.source, "tax registry");
	cr_assert_str_eq(n->meta.record, "registry.csv:12");
	cr_assert_eq(n->meta.reliability, 'B');
	cr_assert_eq(n->meta.credibility, 2);
	cr_assert_eq(n->meta.valid_from, 1700000000000);
	cr_assert_eq(n->meta.valid_to, DN_TIME_UNSET);
	cr_assert_str_eq(n->meta.marking, "CUSTOMS,TAX-CONFIDENTIAL");
	cr_assert_eq(n->created_pos, 1);
	cr_assert_eq(n->version_pos, 1);
	dn_node_free(n);
	cr_assert_eq(dn_node_get(t, id + 100, &n), DN_ENOTFOUND);
	cr_assert_null(n);
	dn_txn_abort(t);
}

Test(graph, bad_arguments)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id id;
	const char *empty[] = {""};
	cr_assert_eq(dn_node_create(t, empty, 1, NULL, 0, NULL, &id), DN_EINVAL);
	cr_assert_str_neq(dn_errmsg(db), "");
	dn_meta m = dn_meta_none();
	m.reliability = 'G';
	cr_assert_eq(dn_node_create(t, NULL, 0, NULL, 0, &m, &id), DN_EINVAL);
	m.reliability = 'A';
	m.credibility = 7;
	cr_assert_eq(dn_node_create(t, NULL, 0, NULL, 0, &m, &id), DN_EINVAL);
	m.credibility = 1;
	m.valid_from = 10;
	m.valid_to = 5;
	cr_assert_eq(dn_node_create(t, NULL, 0, NULL, 0, &m, &id), DN_EINVAL);
	cr_assert_eq(dn_edge_create(t, 1, 2, "X", NULL, 0, NULL, &id), DN_ENOTFOUND);
	/* the failed calls left nothing behind, the transaction goes on */
	id = mk_node(t, "A", NULL, dn_value_null());
	cr_assert_eq(dn_edge_create(t, id, id + 5, "X", NULL, 0, NULL, &id), DN_ENOTFOUND);
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 1);
	cr_assert_eq(dn_node_create(t, NULL, 0, NULL, 0, NULL, &id), DN_EREADONLY);
	dn_txn_abort(t);
}

Test(graph, update_labels_and_props)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id id = mk_node(t, "Person", "name", dn_value_stringn_ref("Ana", 3));
	tu_commit(t);
	t = tu_begin(db, 0);
	dn_value v = dn_value_int(42);
	TU_OK(db, dn_node_set_prop(t, id, "age", &v));
	v = dn_value_stringn_ref("Ana Lima", 8);
	TU_OK(db, dn_node_set_prop(t, id, "name", &v));
	TU_OK(db, dn_node_add_label(t, id, "Suspect"));
	TU_OK(db, dn_node_add_label(t, id, "Suspect"));
	TU_OK(db, dn_node_remove_label(t, id, "Person"));
	TU_OK(db, dn_node_remove_label(t, id, "Nonexistent"));
	TU_OK(db, dn_node_remove_prop(t, id, "nothing"));
	v = dn_value_null();
	TU_OK(db, dn_node_set_prop(t, id, "age", &v));
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	dn_node *n;
	TU_OK(db, dn_node_get(t, id, &n));
	cr_assert_eq(n->nlabels, 1);
	cr_assert_str_eq(n->labels[0], "Suspect");
	cr_assert_eq(n->nprops, 1);
	cr_assert_eq(memcmp(dn_node_prop(n, "name")->u.s, "Ana Lima", 8), 0);
	cr_assert_eq(n->created_pos, 1);
	cr_assert_eq(n->version_pos, 2);
	dn_node_free(n);
	uint64_t c;
	TU_OK(db, dn_count_label(t, "Person", &c));
	cr_assert_eq(c, 0);
	TU_OK(db, dn_count_label(t, "Suspect", &c));
	cr_assert_eq(c, 1);
	dn_txn_abort(t);
}

Test(graph, list_values_round_trip)
{
	dn_txn *t = tu_begin(db, 0);
	dn_value items[3] = {dn_value_stringn_ref("a\0b", 3), dn_value_int(-7), dn_value_date(19000)};
	dn_value inner = dn_value_list(items, 3, NULL);
	dn_value outer_items[2] = {inner, dn_value_duration(14, 3, 5000000000LL)};
	dn_value outer = dn_value_list(outer_items, 2, NULL);
	dn_prop p = {"aliases", outer};
	dn_id id;
	TU_OK(db, dn_node_create(t, NULL, 0, &p, 1, NULL, &id));
	dn_node *n;
	TU_OK(db, dn_node_get(t, id, &n));
	const dn_value *got = dn_node_prop(n, "aliases");
	cr_assert(dn_value_equal(got, &outer));
	cr_assert_eq(got->u.list[0].u.list[0].len, 3);
	dn_node_free(n);
	dn_value_free(&outer);
	dn_value_free(&inner);
	tu_commit(t);
}

Test(graph, edges_and_adjacency)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a = mk_node(t, "Trader", NULL, dn_value_null());
	dn_id b = mk_node(t, "Person", NULL, dn_value_null());
	dn_id c = mk_node(t, "Address", NULL, dn_value_null());
	dn_id e1, e2, e3, loop;
	dn_prop role = {"role", dn_value_stringn_ref("director", 8)};
	TU_OK(db, dn_edge_create(t, b, a, "DIRECTOR_OF", &role, 1, NULL, &e1));
	TU_OK(db, dn_edge_create(t, a, c, "REGISTERED_AT", NULL, 0, NULL, &e2));
	TU_OK(db, dn_edge_create(t, b, c, "REGISTERED_AT", NULL, 0, NULL, &e3));
	TU_OK(db, dn_edge_create(t, a, a, "SAME_AS", NULL, 0, NULL, &loop));
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	dn_edge *e;
	TU_OK(db, dn_edge_get(t, e1, &e));
	cr_assert_eq(e->src, b);
	cr_assert_eq(e->dst, a);
	cr_assert_str_eq(e->type, "DIRECTOR_OF");
	cr_assert_eq(memcmp(dn_edge_prop(e, "role")->u.s, "director", 8), 0);
	dn_edge_free(e);

	uint64_t n;
	TU_OK(db, dn_degree(t, a, DN_OUT, NULL, &n));
	cr_assert_eq(n, 2); /* REGISTERED_AT + loop */
	TU_OK(db, dn_degree(t, a, DN_IN, NULL, &n));
	cr_assert_eq(n, 2); /* DIRECTOR_OF + loop */
	TU_OK(db, dn_degree(t, a, DN_BOTH, NULL, &n));
	cr_assert_eq(n, 3); /* the loop once */
	TU_OK(db, dn_degree(t, c, DN_IN, "REGISTERED_AT", &n));
	cr_assert_eq(n, 2);
	TU_OK(db, dn_degree(t, c, DN_IN, "NOPE", &n));
	cr_assert_eq(n, 0);

	dn_iter *it;
	dn_adj adj;
	int rc, seen = 0;
	TU_OK(db, dn_edges_of(t, a, DN_BOTH, NULL, &it));
	while ((rc = dn_iter_next_adj(it, &adj)) == DN_ROW) {
		seen++;
		if (adj.edge == e1) {
			cr_assert_eq(adj.dir, DN_IN);
			cr_assert_eq(adj.nbr, b);
		} else if (adj.edge == e2) {
			cr_assert_eq(adj.dir, DN_OUT);
			cr_assert_eq(adj.nbr, c);
		} else {
			cr_assert_eq(adj.edge, loop);
			cr_assert_eq(adj.nbr, a);
		}
	}
	cr_assert_eq(rc, DN_DONE);
	cr_assert_eq(seen, 3);
	dn_iter_free(it);

	TU_OK(db, dn_edges_of(t, c, DN_IN, "REGISTERED_AT", &it));
	cr_assert_eq(count_iter(it), 2);
	TU_OK(db, dn_edges_of(t, c, DN_OUT, NULL, &it));
	cr_assert_eq(count_iter(it), 0);
	cr_assert_eq(dn_edges_of(t, 999, DN_OUT, NULL, &it), DN_ENOTFOUND);

	TU_OK(db, dn_count_edges(t, &n));
	cr_assert_eq(n, 4);
	TU_OK(db, dn_count_type(t, "REGISTERED_AT", &n));
	cr_assert_eq(n, 2);
	TU_OK(db, dn_edges_all(t, &it));
	cr_assert_eq(count_iter(it), 4);
	dn_txn_abort(t);
}

Test(graph, delete_and_detach_delete)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a = mk_node(t, "T", NULL, dn_value_null());
	dn_id b = mk_node(t, "T", NULL, dn_value_null());
	dn_id e;
	TU_OK(db, dn_edge_create(t, a, b, "R", NULL, 0, NULL, &e));
	TU_OK(db, dn_edge_create(t, b, a, "R", NULL, 0, NULL, &e));
	tu_commit(t);

	t = tu_begin(db, 0);
	cr_assert_eq(dn_node_delete(t, a), DN_ECONSTRAINT);
	cr_assert(strstr(dn_errmsg(db), "relationships") != NULL);
	TU_OK(db, dn_node_detach_delete(t, a));
	cr_assert_not(dn_node_exists(t, a));
	cr_assert(dn_node_exists(t, b));
	uint64_t n;
	TU_OK(db, dn_count_edges(t, &n));
	cr_assert_eq(n, 0);
	TU_OK(db, dn_degree(t, b, DN_BOTH, NULL, &n));
	cr_assert_eq(n, 0);
	TU_OK(db, dn_node_delete(t, b));
	cr_assert_eq(dn_node_delete(t, b), DN_ENOTFOUND);
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 0);
	TU_OK(db, dn_count_label(t, "T", &n));
	cr_assert_eq(n, 0);
	TU_OK(db, dn_count_type(t, "R", &n));
	cr_assert_eq(n, 0);
	uint64_t problems;
	TU_OK(db, dn_check(t, NULL, NULL, &problems));
	cr_assert_eq(problems, 0);
	dn_txn_abort(t);
}

Test(graph, label_scan_many)
{
	dn_txn *t = tu_begin(db, 0);
	for (int i = 0; i < 5000; i++)
		mk_node(t, i % 3 == 0 ? "Seizure" : "Declaration", "n", dn_value_int(i));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_iter *it;
	TU_OK(db, dn_nodes_by_label(t, "Seizure", &it));
	dn_id id, prev = 0;
	uint64_t k = 0;
	int rc;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		cr_assert_gt(id, prev);
		prev = id;
		k++;
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	cr_assert_eq(k, 1667);
	uint64_t c;
	TU_OK(db, dn_count_label(t, "Seizure", &c));
	cr_assert_eq(c, 1667);
	TU_OK(db, dn_nodes_by_label(t, "Unknown", &it));
	cr_assert_eq(count_iter(it), 0);
	TU_OK(db, dn_nodes_all(t, &it));
	cr_assert_eq(count_iter(it), 5000);
	dn_txn_abort(t);
}

Test(graph, clearances_hide_everywhere)
{
	dn_txn *t = tu_begin(db, 0);
	dn_meta secret = dn_meta_none();
	secret.marking = "POLICE";
	const char *trader[] = {"Trader"};
	dn_id open1, open2, hidden, e_open, e_hidden, e_to_hidden;
	TU_OK(db, dn_node_create(t, trader, 1, NULL, 0, NULL, &open1));
	TU_OK(db, dn_node_create(t, trader, 1, NULL, 0, NULL, &open2));
	TU_OK(db, dn_node_create(t, trader, 1, NULL, 0, &secret, &hidden));
	TU_OK(db, dn_edge_create(t, open1, open2, "LINK", NULL, 0, NULL, &e_open));
	TU_OK(db, dn_edge_create(t, open1, open2, "LINK", NULL, 0, &secret, &e_hidden));
	TU_OK(db, dn_edge_create(t, open1, hidden, "LINK", NULL, 0, NULL, &e_to_hidden));
	tu_commit(t);

	const char *customs[] = {"CUSTOMS"};
	dn_txn_opts o = {0};
	o.clearances = customs;
	o.n_clearances = 1;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	cr_assert(dn_txn_is_restricted(t));
	uint64_t n;
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 2);
	TU_OK(db, dn_count_label(t, "Trader", &n));
	cr_assert_eq(n, 2);
	TU_OK(db, dn_count_edges(t, &n));
	cr_assert_eq(n, 1);
	TU_OK(db, dn_count_type(t, "LINK", &n));
	cr_assert_eq(n, 1);
	TU_OK(db, dn_degree(t, open1, DN_OUT, NULL, &n));
	cr_assert_eq(n, 1);
	dn_node *node;
	cr_assert_eq(dn_node_get(t, hidden, &node), DN_ENOTFOUND);
	cr_assert_not(dn_node_exists(t, hidden));
	cr_assert_not(dn_edge_exists(t, e_hidden));
	dn_iter *it;
	dn_adj a;
	TU_OK(db, dn_edges_of(t, open1, DN_BOTH, NULL, &it));
	cr_assert_eq(dn_iter_next_adj(it, &a), DN_ROW);
	cr_assert_eq(a.edge, e_open);
	cr_assert_eq(dn_iter_next_adj(it, &a), DN_DONE);
	dn_iter_free(it);
	dn_stats *s;
	TU_OK(db, dn_stats_get(t, &s));
	cr_assert_eq(s->nodes, 2);
	cr_assert_eq(s->edges, 1);
	dn_stats_free(s);
	dn_txn_abort(t);

	/* cleared for POLICE: sees everything */
	const char *both[] = {"CUSTOMS", "POLICE"};
	o.clearances = both;
	o.n_clearances = 2;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 3);
	TU_OK(db, dn_count_edges(t, &n));
	cr_assert_eq(n, 3);
	dn_txn_abort(t);
	(void)e_to_hidden;
}

Test(graph, edge_props_and_meta_update)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a = mk_node(t, NULL, NULL, dn_value_null());
	dn_id e;
	TU_OK(db, dn_edge_create(t, a, a, "R", NULL, 0, NULL, &e));
	tu_commit(t);
	t = tu_begin(db, 0);
	dn_value v = dn_value_float(2.5);
	TU_OK(db, dn_edge_set_prop(t, e, "weight", &v));
	dn_meta m = dn_meta_none();
	m.reliability = 'C';
	m.credibility = 3;
	m.valid_to = 99;
	TU_OK(db, dn_edge_set_meta(t, e, &m));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_edge *ed;
	TU_OK(db, dn_edge_get(t, e, &ed));
	cr_assert_float_eq(dn_edge_prop(ed, "weight")->u.f, 2.5, 0);
	cr_assert_eq(ed->meta.reliability, 'C');
	cr_assert_eq(ed->meta.credibility, 3);
	cr_assert_eq(ed->meta.valid_to, 99);
	cr_assert_eq(ed->src, a);
	cr_assert_eq(ed->version_pos, 2);
	cr_assert_eq(ed->created_pos, 1);
	dn_edge_free(ed);
	dn_txn_abort(t);
}

Test(graph, tokens_listed)
{
	dn_txn *t = tu_begin(db, 0);
	mk_node(t, "Trader", "tin", dn_value_int(1));
	mk_node(t, "Person", "passport", dn_value_int(1));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	char **names;
	size_t n;
	TU_OK(db, dn_token_list(t, DN_TOKEN_LABEL, &names, &n));
	cr_assert_eq(n, 2);
	cr_assert_str_eq(names[0], "Trader");
	cr_assert_str_eq(names[1], "Person");
	dn_strings_free(names, n);
	uint32_t id;
	TU_OK(db, dn_token_id(t, DN_TOKEN_KEY, "passport", &id));
	char *name;
	TU_OK(db, dn_token_name(t, DN_TOKEN_KEY, id, &name));
	cr_assert_str_eq(name, "passport");
	free(name);
	cr_assert_eq(dn_token_id(t, DN_TOKEN_KEY, "nope", &id), DN_ENOTFOUND);
	dn_txn_abort(t);
}

Test(graph, aborted_transaction_leaves_nothing)
{
	dn_txn *t = tu_begin(db, 0);
	mk_node(t, "Ghost", "x", dn_value_int(1));
	dn_txn_abort(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 0);
	cr_assert_eq(dn_txn_position(t), 0);
	dn_txn_abort(t);
	/* the id is not burnt: the next node gets id 1 */
	t = tu_begin(db, 0);
	cr_assert_eq(mk_node(t, "Real", NULL, dn_value_null()), 1);
	tu_commit(t);
}

/* A hub's adjacency spans many chunks: built by a bulk transaction, by
 * single-edge transactions landing inside existing chunks, and by a second
 * bulk; then edges are deleted at every position, chunk heads included. */
static void hub_adjacency_scenario(void);

Test(graph, hub_adjacency_chunks)
{
	hub_adjacency_scenario();
}

/* The same with the new-edge buffer spilling a sorted run every 64
 * entries, so that flushes merge many runs. */
Test(graph, hub_adjacency_chunks_from_runs)
{
	size_t saved = dn_adj_run_entries;
	dn_adj_run_entries = 64;
	hub_adjacency_scenario();
	dn_adj_run_entries = saved;
}

static void hub_adjacency_scenario(void)
{
	enum { SPOKES = 1200 };
	static dn_id spoke[SPOKES], edge[SPOKES + 3];
	static bool alive[SPOKES + 3];
	dn_txn *t = tu_begin(db, 0);
	dn_id hub = mk_node(t, "Hub", NULL, dn_value_null());
	for (int i = 0; i < SPOKES; i++)
		spoke[i] = mk_node(t, "Spoke", NULL, dn_value_null());
	tu_commit(t);
	/* a permutation so that neighbours arrive out of order */
	int order[SPOKES];
	for (int i = 0; i < SPOKES; i++)
		order[i] = (int)(((uint64_t)i * 7919) % SPOKES);
	int k = 0;
	t = tu_begin(db, 0);
	for (; k < 500; k++)
		TU_OK(db, dn_edge_create(t, hub, spoke[order[k]], "LINK", NULL, 0, NULL, &edge[order[k]]));
	tu_commit(t);
	for (; k < 800; k++) { /* one edge per transaction: the in-chunk path */
		t = tu_begin(db, 0);
		TU_OK(db, dn_edge_create(t, hub, spoke[order[k]], "LINK", NULL, 0, NULL, &edge[order[k]]));
		tu_commit(t);
	}
	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t pos_800 = dn_txn_position(t);
	dn_txn_abort(t);
	t = tu_begin(db, 0);
	for (; k < SPOKES; k++)
		TU_OK(db, dn_edge_create(t, hub, spoke[order[k]], "LINK", NULL, 0, NULL, &edge[order[k]]));
	for (int i = 0; i < 3; i++)
		TU_OK(db, dn_edge_create(t, hub, hub, "LINK", NULL, 0, NULL, &edge[SPOKES + i]));
	tu_commit(t);
	for (int i = 0; i < SPOKES + 3; i++)
		alive[i] = true;
	t = tu_begin(db, 0);
	for (int i = 0; i < SPOKES; i += 7) {
		TU_OK(db, dn_edge_delete(t, edge[i]));
		alive[i] = false;
	}
	TU_OK(db, dn_edge_delete(t, edge[SPOKES + 1]));
	alive[SPOKES + 1] = false;
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t want_out = 0, n;
	for (int i = 0; i < SPOKES + 3; i++)
		want_out += alive[i];
	TU_OK(db, dn_degree(t, hub, DN_OUT, "LINK", &n));
	cr_assert_eq(n, want_out);
	TU_OK(db, dn_degree(t, hub, DN_BOTH, NULL, &n));
	cr_assert_eq(n, want_out, "self-loops must count once: %llu vs %llu", (unsigned long long)n,
	             (unsigned long long)want_out);
	TU_OK(db, dn_degree(t, hub, DN_IN, NULL, &n));
	cr_assert_eq(n, 2); /* the two surviving self-loops */
	dn_iter *it;
	dn_adj a;
	int rc;
	uint64_t seen = 0;
	TU_OK(db, dn_edges_of(t, hub, DN_OUT, NULL, &it));
	dn_id prev_nbr = 0;
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
		int idx = a.nbr == hub ? -1 : (int)(a.nbr - spoke[0]);
		cr_assert_geq(a.nbr, prev_nbr, "adjacency out of neighbour order");
		prev_nbr = a.nbr;
		if (idx >= 0) {
			cr_assert(alive[idx], "deleted edge to spoke %d still listed", idx);
			cr_assert_eq(a.edge, edge[idx]);
		}
		seen++;
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	cr_assert_eq(seen, want_out);
	uint64_t problems;
	TU_OK(db, dn_check(t, NULL, NULL, &problems));
	cr_assert_eq(problems, 0);
	dn_txn_abort(t);

	/* as of the 800th edge: exactly the first 800 spokes */
	dn_txn_opts o = {0};
	o.as_of_pos = pos_800;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	TU_OK(db, dn_edges_of(t, hub, DN_OUT, NULL, &it));
	seen = 0;
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW)
		seen++;
	dn_iter_free(it);
	cr_assert_eq(seen, 800);
	dn_txn_abort(t);
}

/* Index sizes, seeks and the query language hide marked nodes as well: no
 * count may betray them (SHOW INDEXES prints the entries). */
Test(graph, clearances_hide_index_counts_and_query_answers)
{
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_index_create(t, NULL, "Trader", "tin", DN_INDEX_UNIQUE));
	dn_meta secret = dn_meta_none();
	secret.marking = "POLICE";
	const char *trader[] = {"Trader"};
	const char *tins[] = {"T1", "T2", "T3"};
	for (int i = 0; i < 3; i++) {
		dn_prop p = {"tin", dn_value_stringn_ref(tins[i], 2)};
		dn_id id;
		TU_OK(db, dn_node_create(t, trader, 1, &p, 1, i == 2 ? &secret : NULL, &id));
	}
	tu_commit(t);
	const char *customs[] = {"CUSTOMS"};
	dn_txn_opts o = {0};
	o.clearances = customs;
	o.n_clearances = 1;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	dn_index_info *ix;
	size_t n;
	TU_OK(db, dn_index_list(t, &ix, &n));
	cr_assert_eq(n, 1);
	cr_expect_eq(ix[0].entries, 2, "a restricted reader sees %llu index entries, not 2",
	             (unsigned long long)ix[0].entries);
	dn_index_list_free(ix, n);
	/* through the language: an index seek and a count */
	const char *qs[] = {"MATCH (t:Trader {tin: 'T3'}) RETURN count(t)", "MATCH (t:Trader) RETURN count(t)"};
	const int64_t want[] = {0, 2};
	for (int i = 0; i < 2; i++) {
		dn_stmt *s;
		dn_query_error qe;
		TU_OK(db, dn_stmt_prepare(db, qs[i], strlen(qs[i]), &s, &qe));
		TU_OK(db, dn_stmt_execute(s, t));
		cr_assert_eq(dn_stmt_step(s), DN_ROW);
		cr_expect_eq(dn_stmt_column(s, 0)->u.i, want[i], "%s", qs[i]);
		dn_stmt_free(s);
	}
	dn_txn_abort(t);
}

/* --- bulk adjacency against a model -------------------------------------- */

typedef struct model_adj {
	dn_id node, nbr, edge;
	int dir, type;
} model_adj;

static int cmp_model(const void *a, const void *b)
{
	const model_adj *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir - y->dir;
	if (x->type != y->type)
		return x->type - y->type;
	if (x->nbr != y->nbr)
		return x->nbr < y->nbr ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

typedef struct adj_list {
	dn_adj a[16384];
	size_t n;
} adj_list;

static int adj_collect(void *ctx, const dn_adj *a)
{
	adj_list *l = ctx;
	cr_assert_lt(l->n, 16384);
	l->a[l->n++] = *a;
	return 0;
}

/* What reader r gives for node is what dn_edges_of gives. */
static void reader_matches_iterator(dn_txn *t, dn_adj_reader *r, dn_id node, dn_dir dir, const char *type)
{
	static adj_list got;
	got.n = 0;
	TU_OK(db, dn_adj_reader_each(r, node, adj_collect, &got));
	dn_iter *it;
	dn_adj a;
	size_t j = 0;
	int rc;
	TU_OK(db, dn_edges_of(t, node, dir, type, &it));
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
		cr_assert_lt(j, got.n, "node %llu dir %d type %s: the reader gave %zu entries, fewer",
		             (unsigned long long)node, dir, type ? type : "*", got.n);
		cr_assert(got.a[j].nbr == a.nbr && got.a[j].edge == a.edge && got.a[j].type == a.type &&
		              got.a[j].dir == a.dir,
		          "node %llu dir %d type %s: entry %zu differs", (unsigned long long)node, dir, type ? type : "*", j);
		j++;
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	cr_assert_eq(j, got.n, "node %llu dir %d type %s: the reader gave %zu entries, the iterator %zu",
	             (unsigned long long)node, dir, type ? type : "*", got.n, j);
}

/* Node i's group (dir, type ty), read through dn_edges_of, must be the
 * model's entries m[lo..hi) of that direction and type, in order, and its
 * degree their number. */
static void check_group(dn_txn *t, const model_adj *m, size_t lo, size_t hi, dn_id node, size_t i, int dir, int ty)
{
	static const char *types[] = {"A", "B", "C", "D"};
	size_t j = lo, n = 0;
	dn_iter *it;
	dn_adj a;
	int rc;
	TU_OK(db, dn_edges_of(t, node, (dn_dir)dir, types[ty], &it));
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
		while (j < hi && (m[j].dir != dir || m[j].type != ty))
			j++;
		cr_assert_lt(j, hi, "node %zu dir %d type %d: more entries than the model's", i, dir, ty);
		cr_assert_eq(a.nbr, m[j].nbr, "node %zu dir %d type %d entry %zu", i, dir, ty, n);
		cr_assert_eq(a.edge, m[j].edge, "node %zu dir %d type %d entry %zu", i, dir, ty, n);
		j++;
		n++;
	}
	cr_assert_eq(rc, DN_DONE);
	dn_iter_free(it);
	while (j < hi && (m[j].dir != dir || m[j].type != ty))
		j++;
	cr_assert_eq(j, hi, "node %zu dir %d type %d: %zu entries, fewer than the model's", i, dir, ty, n);
	uint64_t deg;
	TU_OK(db, dn_degree(t, node, (dn_dir)dir, types[ty], &deg));
	cr_assert_eq(deg, n);
}

/* One transaction of random edges (a hub, parallel edges, self loops, four
 * types) over nodes; afterwards each node's adjacency, read per direction
 * and type, must be exactly the model's entries in (neighbour, edge)
 * order, and each degree their number. run_entries sets how often the
 * new-edge buffer is sorted and spilled, so that the buffer's sort takes
 * each of its paths (groups counted into place in one or several
 * buckets, or a radix sort when the nodes of a run are spread wide). */
static void bulk_adjacency_against_model(size_t run_entries, size_t nnodes, size_t nedges)
{
	static const char *types[] = {"A", "B", "C", "D"};
	size_t saved = dn_adj_run_entries;
	dn_adj_run_entries = run_entries;
	dn_id *ids = malloc(nnodes * sizeof *ids);
	model_adj *m = malloc(2 * nedges * sizeof *m);
	cr_assert(ids && m);
	dn_txn *t = tu_begin(db, 0);
	for (size_t i = 0; i < nnodes; i++)
		ids[i] = mk_node(t, "N", NULL, dn_value_null());
	uint64_t s = 0x9E3779B97F4A7C15ull;
	size_t nm = 0;
	for (size_t e = 0; e < nedges; e++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		size_t a = (s & 7) == 0 ? 0 : (size_t)(s >> 8) % nnodes; /* node 0 is a hub */
		size_t b = (s & 63) == 1 ? a : (size_t)(s >> 32) % nnodes;
		int ty = (int)((s >> 3) & 3);
		dn_id eid;
		TU_OK(db, dn_edge_create(t, ids[a], ids[b], types[ty], NULL, 0, NULL, &eid));
		m[nm++] = (model_adj){ids[a], ids[b], eid, DN_OUT, ty};
		m[nm++] = (model_adj){ids[b], ids[a], eid, DN_IN, ty};
	}
	tu_commit(t);
	dn_adj_run_entries = saved;
	qsort(m, nm, sizeof *m, cmp_model);

	/* read back in id order (an adjacency cursor steps from one node's
	 * groups to the next), backwards and in a scattered order (it
	 * searches), each group of a node in turn and then every other one */
	size_t *first = malloc((nnodes + 1) * sizeof *first);
	cr_assert(first);
	size_t k = 0;
	for (size_t i = 0; i < nnodes; i++) {
		first[i] = k;
		while (k < nm && m[k].node == ids[i])
			k++;
	}
	first[nnodes] = k;
	t = tu_begin(db, DN_TXN_RDONLY);
	for (int order = 0; order < 3; order++)
		for (size_t step = 0; step < nnodes; step++) {
			size_t i = order == 0 ? step : order == 1 ? nnodes - 1 - step : (step * 7919) % nnodes;
			for (int g = 0; g < 8; g++)
				if (order < 2 || (g + i) % 2 == 0)
					check_group(t, m, first[i], first[i + 1], ids[i], i, DN_OUT + g / 4, g % 4);
		}
	cr_assert_eq(k, nm, "the model has entries of nodes the loop did not visit");
	/* the adjacency readers give what dn_edges_of gives, in every
	 * direction (a self-loop once both ways), of each type and of all,
	 * nodes taken in order, backwards and scattered */
	static const char *rtypes[] = {"A", "B", "C", "D", NULL};
	for (int order = 0; order < 3; order++) {
		dn_adj_reader *rd[3][5];
		for (int d = 0; d < 3; d++)
			for (int ty = 0; ty < 5; ty++)
				TU_OK(db, dn_adj_reader_open(t, (dn_dir)(DN_OUT + d), rtypes[ty], &rd[d][ty]));
		for (size_t step = 0; step < nnodes; step++) {
			size_t i = order == 0 ? step : order == 1 ? nnodes - 1 - step : (step * 7919) % nnodes;
			for (int d = 0; d < 3; d++)
				for (int ty = 0; ty < 5; ty++)
					reader_matches_iterator(t, rd[d][ty], ids[i], (dn_dir)(DN_OUT + d), rtypes[ty]);
		}
		for (int d = 0; d < 3; d++)
			for (int ty = 0; ty < 5; ty++)
				dn_adj_reader_close(rd[d][ty]);
	}
	dn_txn_abort(t);
	free(first);
	free(m);
	free(ids);
}

Test(graph, bulk_adjacency_one_run)
{
	bulk_adjacency_against_model((size_t)1 << 20, 2000, 30000); /* several buckets of groups */
}

Test(graph, bulk_adjacency_small_runs)
{
	bulk_adjacency_against_model(4096, 400, 30000); /* groups counted per run, runs merged */
}

Test(graph, bulk_adjacency_wide_runs)
{
	bulk_adjacency_against_model(256, 3000, 20000); /* runs too short to count groups: radix sort */
}

/* The same merges comparing the four fields, as a flush does when some id
 * is too large to pack (entries are compared as two words otherwise). */
Test(graph, bulk_adjacency_runs_merged_unpacked)
{
	dn_adj_merge_packed = false;
	bulk_adjacency_against_model(4096, 400, 30000);
	bulk_adjacency_against_model(256, 3000, 20000);
	dn_adj_merge_packed = true;
}

/* Records read in ascending id order, one after another and with gaps,
 * across deleted nodes: each read finds its own node (the cursor steps
 * there) or none for a deleted one, and reads in between (a label test)
 * move the cursor without misleading the next read. */
Test(graph, records_read_in_order_with_gaps)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id ids[600];
	for (int i = 0; i < 600; i++)
		ids[i] = mk_node(t, "R", "i", dn_value_int(i));
	for (int i = 0; i < 600; i += 3)
		TU_OK(db, dn_node_delete(t, ids[i]));
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	for (int stride = 1; stride <= 11; stride++)
		for (int i = stride % 4; i < 600; i += stride) {
			dn_value v;
			int rc = dn_node_prop_get(t, ids[i], "i", 1, &v);
			if (i % 3 == 0) {
				cr_assert_eq(rc, DN_ENOTFOUND, "deleted node %d (stride %d) read", i, stride);
				continue;
			}
			cr_assert_eq(rc, 0, "node %d (stride %d): %s", i, stride, dn_errmsg(db));
			cr_assert_eq(v.type, DN_INT);
			cr_assert_eq(v.u.i, i, "node %d (stride %d) read as %lld", i, stride, (long long)v.u.i);
			if (i % 7 == 0) { /* another read moves the records' cursor */
				bool ok;
				int j = 599 - i;
				cr_assert_eq(dn_node_has_labels(t, ids[j], (const char *[]){"R"}, 1, &ok),
				             j % 3 ? 0 : DN_ENOTFOUND, "node %d", j);
			}
		}
	dn_txn_abort(t);
}

/* A property reader gives what dn_node_prop_get gives, nodes taken in
 * order with gaps, backwards and across deleted ones, in a read
 * transaction (its own cursor) and in a write transaction (through
 * dn_node_prop_get), for a key some nodes lack and one none has. */
Test(graph, a_property_reader_reads_what_a_get_reads)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id ids[500];
	for (int i = 0; i < 500; i++)
		ids[i] = i % 5 == 4 ? mk_node(t, "P", "other", dn_value_int(i)) : mk_node(t, "P", "v", dn_value_int(i));
	for (int i = 0; i < 500; i += 7)
		TU_OK(db, dn_node_delete(t, ids[i]));
	tu_commit(t);
	for (int w = 0; w < 2; w++) {
		t = tu_begin(db, w ? 0 : DN_TXN_RDONLY);
		dn_prop_reader *r, *none;
		TU_OK(db, dn_prop_reader_open(t, "v", 1, &r));
		TU_OK(db, dn_prop_reader_open(t, "nokey", 5, &none));
		for (int stride = 1; stride <= 10; stride += 3)
			for (int back = 0; back < 2; back++)
				for (int s = 0; s < 500; s += stride) {
					int i = back ? 499 - s : s;
					const dn_value *v;
					dn_value want;
					int rc = dn_prop_reader_get(r, ids[i], &v), wrc = dn_node_prop_get(t, ids[i], "v", 1, &want);
					cr_assert_eq(rc, wrc, "node %d (stride %d%s): %d, get %d", i, stride, back ? ", backwards" : "",
					             rc, wrc);
					cr_assert_eq(rc, i % 7 ? 0 : DN_ENOTFOUND, "node %d", i);
					if (rc)
						continue;
					if (i % 5 == 4) {
						cr_assert_null(v, "node %d has no v", i);
					} else {
						cr_assert(v && v->type == DN_INT && v->u.i == i, "node %d read wrong", i);
						cr_assert_eq(want.u.i, i);
					}
					cr_assert_eq(dn_prop_reader_get(none, ids[i], &v), 0);
					cr_assert_null(v);
				}
		dn_prop_reader_close(r);
		dn_prop_reader_close(none);
		dn_txn_abort(t);
	}
}

/* A relationship deleted in a write transaction is still known, as it was,
 * to that transaction (a query's type(r) after DELETE r), and to no other;
 * one not deleted is not found that way. */
Test(graph, a_deleted_relationship_is_known_to_its_transaction)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a = mk_node(t, "X", NULL, dn_value_null()), b = mk_node(t, "X", NULL, dn_value_null()), e1, e2;
	TU_OK(db, dn_edge_create(t, a, b, "PAYS", NULL, 0, NULL, &e1));
	TU_OK(db, dn_edge_create(t, b, a, "OWES", NULL, 0, NULL, &e2));
	tu_commit(t);
	t = tu_begin(db, 0);
	TU_OK(db, dn_edge_delete(t, e1));
	dn_edge *ed;
	cr_assert_eq(dn_edge_get(t, e1, &ed), DN_ENOTFOUND);
	TU_OK(db, dn_edge_get_deleted(t, e1, &ed));
	cr_assert_str_eq(ed->type, "PAYS");
	cr_assert(ed->src == a && ed->dst == b && ed->id == e1);
	dn_edge_free(ed);
	cr_assert_eq(dn_edge_get_deleted(t, e2, &ed), DN_ENOTFOUND, "e2 was not deleted");
	tu_commit(t);
	t = tu_begin(db, 0);
	cr_assert_eq(dn_edge_get_deleted(t, e1, &ed), DN_ENOTFOUND, "deleted by another transaction");
	dn_txn_abort(t);
}

/* Ids taken many at a time are the ids taken one at a time: a label over
 * several pages of its index, in small and large takes, and all nodes. */
Test(graph, ids_many_at_a_time)
{
	dn_txn *t = tu_begin(db, 0);
	for (int i = 0; i < 5000; i++)
		mk_node(t, i % 3 ? "M" : "Other", NULL, dn_value_null());
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	static const size_t caps[] = {1, 7, 500, 4096};
	for (int all = 0; all < 2; all++)
		for (size_t c = 0; c < 4; c++) {
			dn_iter *one, *many;
			if (all) {
				TU_OK(db, dn_nodes_all(t, &one));
				TU_OK(db, dn_nodes_all(t, &many));
			} else {
				TU_OK(db, dn_nodes_by_label(t, "M", &one));
				TU_OK(db, dn_nodes_by_label(t, "M", &many));
			}
			dn_id buf[4096], id;
			size_t n = 0, total = 0;
			int rc;
			while ((rc = dn_iter_next_many(many, buf, caps[c], &n)) == DN_ROW) {
				cr_assert(n > 0 && n <= caps[c]);
				for (size_t k = 0; k < n; k++, total++) {
					cr_assert_eq(dn_iter_next(one, &id), DN_ROW);
					cr_assert_eq(buf[k], id, "id %zu (take of %zu)", total, caps[c]);
				}
			}
			cr_assert_eq(rc, DN_DONE);
			cr_assert_eq(dn_iter_next(one, &id), DN_DONE, "fewer ids many at a time (%zu)", total);
			cr_assert_eq(total, all ? 5000 : 3333);
			dn_iter_free(one);
			dn_iter_free(many);
		}
	dn_txn_abort(t);
}
