/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_index.c — property indexes: creation over existing data, unique
 * constraints, maintenance on updates and deletes, equality and range
 * seeks checked against a brute-force scan, and seeks as of the past.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static dn_db *db;

static void setup(void)
{
	db = tu_open(tu_fresh_dir("index"), NULL);
}

static void teardown(void)
{
	dn_close(db);
}

TestSuite(index, .init = setup, .fini = teardown);

static dn_id trader(dn_txn *t, const char *tin, int64_t turnover)
{
	const char *l = "Trader";
	dn_prop p[2] = {{"tin", dn_value_stringn_ref(tin, strlen(tin))}, {"turnover", dn_value_int(turnover)}};
	dn_id id;
	TU_OK(db, dn_node_create(t, &l, 1, p, 2, NULL, &id));
	return id;
}

static size_t seek_ids(dn_txn *t, const char *key, const dn_value *lo, const dn_value *hi, unsigned fl,
                       dn_id *out, size_t cap)
{
	dn_iter *it;
	dn_id id;
	size_t n = 0;
	int rc;
	TU_OK(db, dn_index_seek(t, "Trader", key, lo, hi, fl, &it));
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		if (n < cap)
			out[n++] = id;
	cr_assert_eq(rc, DN_DONE, "%s: %s", dn_strerror(rc), dn_errmsg(db));
	dn_iter_free(it);
	return n;
}

Test(index, unique_tin)
{
	dn_txn *t = tu_begin(db, 0);
	dn_id a = trader(t, "GB1", 10);
	trader(t, "GB2", 20);
	TU_OK(db, dn_index_create(t, NULL, "Trader", "tin", DN_INDEX_UNIQUE));
	cr_assert_eq(dn_index_create(t, "other", "Trader", "tin", 0), DN_EEXISTS);
	tu_commit(t);

	t = tu_begin(db, 0);
	const char *l = "Trader";
	dn_prop p = {"tin", dn_value_stringn_ref("GB1", 3)};
	dn_id id;
	cr_assert_eq(dn_node_create(t, &l, 1, &p, 1, NULL, &id), DN_ECONSTRAINT);
	char want[64];
	snprintf(want, sizeof want, "node %llu", (unsigned long long)a);
	cr_assert(strstr(dn_errmsg(db), want) != NULL, "message: %s", dn_errmsg(db));
	/* the failed create left nothing; a different label does not clash */
	const char *pl = "Person";
	TU_OK(db, dn_node_create(t, &pl, 1, &p, 1, NULL, &id));
	/* adding the label later does clash */
	cr_assert_eq(dn_node_add_label(t, id, "Trader"), DN_ECONSTRAINT);
	/* changing a's tin frees GB1 */
	dn_value v = dn_value_stringn_ref("GB9", 3);
	TU_OK(db, dn_node_set_prop(t, a, "tin", &v));
	TU_OK(db, dn_node_add_label(t, id, "Trader"));
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	dn_id got[8];
	dn_value k = dn_value_stringn_ref("GB1", 3);
	cr_assert_eq(seek_ids(t, "tin", &k, &k, 0, got, 8), 1);
	cr_assert_eq(got[0], id);
	k = dn_value_stringn_ref("GB9", 3);
	cr_assert_eq(seek_ids(t, "tin", &k, &k, 0, got, 8), 1);
	cr_assert_eq(got[0], a);
	uint64_t problems;
	TU_OK(db, dn_check(t, NULL, NULL, &problems));
	cr_assert_eq(problems, 0);
	dn_index_info *list;
	size_t n;
	TU_OK(db, dn_index_list(t, &list, &n));
	cr_assert_eq(n, 1);
	cr_assert_str_eq(list[0].name, "idx_Trader_tin");
	cr_assert_str_eq(list[0].label, "Trader");
	cr_assert_str_eq(list[0].key, "tin");
	cr_assert_eq(list[0].flags, DN_INDEX_UNIQUE);
	cr_assert_eq(list[0].entries, 3);
	dn_index_list_free(list, n);
	dn_txn_abort(t);
}

Test(index, unique_fails_on_existing_duplicates)
{
	dn_txn *t = tu_begin(db, 0);
	trader(t, "DUP", 1);
	trader(t, "DUP", 2);
	cr_assert_eq(dn_index_create(t, NULL, "Trader", "tin", DN_INDEX_UNIQUE), DN_ECONSTRAINT);
	/* a failed create leaves no index behind */
	dn_index_info *list;
	size_t n;
	TU_OK(db, dn_index_list(t, &list, &n));
	cr_assert_eq(n, 0);
	dn_index_list_free(list, n);
	TU_OK(db, dn_index_create(t, NULL, "Trader", "tin", 0));
	tu_commit(t);
}

Test(index, ranges_match_brute_force)
{
	enum { N = 3000 };
	static int64_t val[N + 1];
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_index_create(t, "turn", "Trader", "turnover", 0));
	uint64_t s = 12345;
	for (int i = 1; i <= N; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		int64_t v = (int64_t)(s >> 40) % 2000 - 1000;
		char tin[32];
		snprintf(tin, sizeof tin, "T%d", i);
		dn_id id = trader(t, tin, v);
		cr_assert_eq(id, (dn_id)i);
		val[i] = v;
	}
	/* a float among the integers, equal to an integer value */
	dn_value f = dn_value_float(5.0);
	TU_OK(db, dn_node_set_prop(t, 1, "turnover", &f));
	val[1] = 5;
	tu_commit(t);

	t = tu_begin(db, DN_TXN_RDONLY);
	static dn_id got[N];
	int64_t bounds[][2] = {{-1000, 999}, {5, 5}, {-3, 17}, {900, 2000}, {-5000, -990}, {0, 0}};
	for (size_t b = 0; b < sizeof bounds / sizeof bounds[0]; b++) {
		for (unsigned fl = 0; fl < 4; fl++) {
			dn_value lo = dn_value_int(bounds[b][0]), hi = dn_value_int(bounds[b][1]);
			size_t n = seek_ids(t, "turnover", &lo, &hi, fl, got, N);
			size_t want = 0;
			for (int i = 1; i <= N; i++) {
				bool ok = val[i] >= bounds[b][0] && val[i] <= bounds[b][1];
				if ((fl & DN_RANGE_LO_EXCL) && val[i] == bounds[b][0])
					ok = false;
				if ((fl & DN_RANGE_HI_EXCL) && val[i] == bounds[b][1])
					ok = false;
				want += ok;
			}
			cr_assert_eq(n, want, "range [%lld,%lld] flags %u: %zu vs %zu", (long long)bounds[b][0],
			             (long long)bounds[b][1], fl, n, want);
			for (size_t i = 1; i < n; i++) {
				int64_t a = val[got[i - 1]], c = val[got[i]];
				cr_assert_leq(a, c, "seek results out of value order");
			}
		}
	}
	/* open-ended */
	dn_value lo = dn_value_int(990);
	size_t n = seek_ids(t, "turnover", &lo, NULL, 0, got, N);
	size_t want = 0;
	for (int i = 1; i <= N; i++)
		want += val[i] >= 990;
	cr_assert_eq(n, want);
	dn_value hi = dn_value_float(-990.5);
	n = seek_ids(t, "turnover", NULL, &hi, 0, got, N);
	want = 0;
	for (int i = 1; i <= N; i++)
		want += val[i] <= -991;
	cr_assert_eq(n, want);
	/* string ranges on the tin index do not exist */
	dn_iter *it;
	cr_assert_eq(dn_index_seek(t, "Trader", "tin", NULL, NULL, 0, &it), DN_ENOTFOUND);
	cr_assert_eq(dn_index_seek(t, "Trader", "turnover", &lo, &f, 0, &it), 0);
	dn_iter_free(it);
	dn_value sv = dn_value_stringn_ref("x", 1);
	cr_assert_eq(dn_index_seek(t, "Trader", "turnover", &lo, &sv, 0, &it), DN_ETYPE);
	dn_txn_abort(t);
}

Test(index, long_strings_and_past)
{
	char big1[400], big2[400];
	memset(big1, 'a', sizeof big1 - 1);
	big1[sizeof big1 - 1] = '\0';
	memcpy(big2, big1, sizeof big2);
	big2[300] = 'b'; /* differs after the indexed prefix */
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_index_create(t, NULL, "Trader", "tin", DN_INDEX_UNIQUE));
	dn_id a = trader(t, big1, 1);
	dn_id b = trader(t, big2, 2);
	tu_commit(t);
	t = tu_begin(db, 0);
	const char *l = "Trader";
	dn_prop p = {"tin", dn_value_stringn_ref(big1, strlen(big1))};
	dn_id id;
	cr_assert_eq(dn_node_create(t, &l, 1, &p, 1, NULL, &id), DN_ECONSTRAINT);
	TU_OK(db, dn_node_delete(t, a));
	tu_commit(t); /* position 2 */
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_id got[4];
	dn_value k = dn_value_stringn_ref(big2, strlen(big2));
	cr_assert_eq(seek_ids(t, "tin", &k, &k, 0, got, 4), 1);
	cr_assert_eq(got[0], b);
	k = dn_value_stringn_ref(big1, strlen(big1));
	cr_assert_eq(seek_ids(t, "tin", &k, &k, 0, got, 4), 0);
	dn_txn_abort(t);
	dn_txn_opts o = {0};
	o.as_of_pos = 1;
	TU_OK(db, dn_txn_begin(db, DN_TXN_RDONLY, &o, &t));
	cr_assert_eq(seek_ids(t, "tin", &k, &k, 0, got, 4), 1);
	cr_assert_eq(got[0], a);
	dn_txn_abort(t);
	t = tu_begin(db, 0);
	TU_OK(db, dn_index_drop(t, "idx_Trader_tin"));
	cr_assert_eq(dn_index_drop(t, "idx_Trader_tin"), DN_ENOTFOUND);
	tu_commit(t);
	t = tu_begin(db, DN_TXN_RDONLY);
	dn_iter *it;
	cr_assert_eq(dn_index_seek(t, "Trader", "tin", &k, &k, 0, &it), DN_ENOTFOUND);
	uint64_t problems;
	TU_OK(db, dn_check(t, NULL, NULL, &problems));
	cr_assert_eq(problems, 0);
	dn_txn_abort(t);
}
