/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_export.c — unit tests of export (include/dragnet_export.h): graphs
 * built through the C API with every value type, labels, metadata and
 * XML/quote-hostile strings, exported in each format and checked against
 * what was stored (JSON Lines parsed back with jansson); the query
 * subgraph; clearances; atomic output; the canonical dump.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "testutil.h"

static dn_db *db;
static char dir[4096]; /* a scratch directory for files */

static void setup(void)
{
	const char *path = tu_fresh_dir("export");
	db = tu_open(path, NULL);
	snprintf(dir, sizeof dir, "%s-files", path);
	tu_rmtree(dir);
	cr_assert_eq(mkdir(dir, 0700), 0);
}

static void teardown(void)
{
	dn_close(db);
	tu_rmtree(dir);
}

TestSuite(export, .init = setup, .fini = teardown);

/* The hostile string: XML and CSV metacharacters, quotes, a backslash, a
 * line break, a tab and non-ASCII text. */
#define HOSTILE "<a & b> \"q\" 'x', \\ line1\nline2\tZo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac"

/* Ids of the standard graph. */
static dn_id n_trader, n_person, n_plain, e_owns;

/* Builds: a Trader:Company with every value type and full metadata, a
 * Person with the hostile name, an unlabelled node, and an OWNS edge. */
static void build_graph(void)
{
	dn_txn *t = tu_begin(db, 0);
	const char *tl[] = {"Trader", "Company"}, *pl[] = {"Person"};
	int32_t day;
	int64_t ms;
	int err = 0;
	TU_OK(db, dn_date_from_ymd(2019, 4, 1, &day));
	TU_OK(db, dn_datetime_parse("2024-01-02T03:04:05.678Z", 24, &ms));
	dn_value aliases = tu_list(2, dn_value_string("ACME", &err), dn_value_string("A.C.M.E.", &err));
	/* the temporal types beyond date, datetime and duration, a zoned
	 * datetime with nanoseconds among them */
	dn_value opens, cutoff, loaded, zoned;
	TU_OK(db, dn_temporal_parse(DN_LOCALTIME, "08:30:15.000000250", 18, &opens));
	TU_OK(db, dn_temporal_parse(DN_TIME, "17:45+01:00", 11, &cutoff));
	TU_OK(db, dn_temporal_parse(DN_LOCALDATETIME, "2023-12-31T23:59:59.5", 21, &loaded));
	TU_OK(db, dn_temporal_parse(DN_DATETIME, "2015-07-21T21:40:32.142000007+02:00[Europe/Stockholm]", 53, &zoned));
	dn_value nums = tu_list(3, dn_value_int(1), dn_value_int(-2), dn_value_int(3));
	dn_prop props[] = {
		{"tin", dn_value_stringn_ref("DE123", 5)},
		{"turnover", dn_value_float(1.5e6)},
		{"ratio", dn_value_float(0.1)},
		{"employees", dn_value_int(-42)},
		{"active", dn_value_bool(true)},
		{"registered", dn_value_date(day)},
		{"seen", dn_value_datetime(ms)},
		{"term", dn_value_duration(14, 3, 3600LL * 1000000000LL)},
		{"aliases", aliases},
		{"nums", nums},
		{"empty", dn_value_stringn_ref("", 0)},
		{"opens", opens},
		{"cutoff", cutoff},
		{"loaded", loaded},
		{"zoned", zoned},
	};
	dn_meta m = dn_meta_none();
	m.source = "tax-registry";
	m.record = "tax.csv:18";
	m.reliability = 'B';
	m.credibility = 2;
	m.valid_from = ms;
	m.marking = "CUSTOMS";
	TU_OK(db, dn_node_create(t, tl, 2, props, sizeof props / sizeof props[0], &m, &n_trader));
	dn_prop pp[] = {{"name", dn_value_stringn_ref(HOSTILE, strlen(HOSTILE))}};
	TU_OK(db, dn_node_create(t, pl, 1, pp, 1, NULL, &n_person));
	TU_OK(db, dn_node_create(t, NULL, 0, NULL, 0, NULL, &n_plain));
	dn_prop ep[] = {{"role", dn_value_stringn_ref("director", 8)}, {"share", dn_value_float(0.25)}};
	dn_meta em = dn_meta_none();
	em.reliability = 'C';
	TU_OK(db, dn_edge_create(t, n_person, n_trader, "OWNS", ep, 2, &em, &e_owns));
	tu_commit(t);
	dn_value_free(&aliases);
	dn_value_free(&nums);
}

/* Exports into memory; returns the text (owned) and the result code. */
static char *export_mem(dn_export_format f, const char *query, const dn_txn_opts *to, int *rc,
                        dn_export_stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	cr_assert_not_null(m);
	dn_export_opts o = {.format = f, .query = query, .out = m};
	*rc = dn_export(db, to, &o, st);
	fclose(m);
	return buf;
}

static char *export_ok(dn_export_format f, const char *query, const dn_txn_opts *to,
                       dn_export_stats *st)
{
	int rc;
	char *s = export_mem(f, query, to, &rc, st);
	cr_assert_eq(rc, 0, "export -> %s: %s", dn_strerror(rc), dn_errmsg(db));
	return s;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The JSON object on the line of the JSONL text whose "id" and "type"
 * match; the caller json_decref's it. */
static json_t *jsonl_find(const char *text, const char *type, dn_id id)
{
	char want[32];
	snprintf(want, sizeof want, "%llu", (unsigned long long)id);
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		cr_assert_not_null(nl, "the last line has no line end");
		json_error_t e;
		json_t *o = json_loadb(p, (size_t)(nl - p), 0, &e);
		cr_assert_not_null(o, "not JSON: %.*s (%s)", (int)(nl - p), p, e.text);
		if (!strcmp(json_string_value(json_object_get(o, "type")), type) &&
		    !strcmp(json_string_value(json_object_get(o, "id")), want))
			return o;
		json_decref(o);
		p = nl + 1;
	}
	cr_assert_fail("no %s with id %s", type, want);
	return NULL;
}

Test(export, jsonl_follows_the_contract)
{
	build_graph();
	dn_export_stats st;
	char *s = export_ok(DN_EXPORT_JSONL, NULL, NULL, &st);
	cr_assert_eq(st.nodes, 3);
	cr_assert_eq(st.edges, 1);

	json_t *n = jsonl_find(s, "node", n_trader);
	json_t *p = json_object_get(n, "properties");
	json_t *labels = json_object_get(n, "labels");
	cr_assert_eq(json_array_size(labels), 2);
	cr_assert_str_eq(json_string_value(json_array_get(labels, 0)), "Company");
	cr_assert_str_eq(json_string_value(json_array_get(labels, 1)), "Trader");
	cr_assert_str_eq(json_string_value(json_object_get(p, "tin")), "DE123");
	cr_assert(json_is_real(json_object_get(p, "turnover")), "1.5E6 must stay a float");
	cr_assert_float_eq(json_real_value(json_object_get(p, "turnover")), 1.5e6, 0);
	cr_assert_float_eq(json_real_value(json_object_get(p, "ratio")), 0.1, 0);
	cr_assert_eq(json_integer_value(json_object_get(p, "employees")), -42);
	cr_assert(json_is_true(json_object_get(p, "active")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "registered"), "$date")),
	                 "2019-04-01");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "seen"), "$datetime")),
	                 "2024-01-02T03:04:05.678Z");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(p, "term"), "$duration")),
	                 "P1Y2M3DT1H");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "aliases"), 1)),
	                 "A.C.M.E.");
	cr_assert_eq(json_integer_value(json_array_get(json_object_get(p, "nums"), 1)), -2);
	cr_assert_str_eq(json_string_value(json_object_get(p, "empty")), "");
	json_t *m = json_object_get(n, "meta");
	cr_assert_str_eq(json_string_value(json_object_get(m, "source")), "tax-registry");
	cr_assert_str_eq(json_string_value(json_object_get(m, "record")), "tax.csv:18");
	cr_assert_str_eq(json_string_value(json_object_get(m, "reliability")), "B");
	cr_assert_eq(json_integer_value(json_object_get(m, "credibility")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(m, "valid_from")), "2024-01-02T03:04:05.678Z");
	cr_assert_null(json_object_get(m, "valid_to"));
	cr_assert_str_eq(json_string_value(json_object_get(m, "marking")), "CUSTOMS");
	json_decref(n);

	n = jsonl_find(s, "node", n_person);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(n, "properties"), "name")),
	                 HOSTILE);
	json_decref(n);

	json_t *e = jsonl_find(s, "relationship", e_owns);
	cr_assert_str_eq(json_string_value(json_object_get(e, "label")), "OWNS");
	char want[32];
	snprintf(want, sizeof want, "%llu", (unsigned long long)n_person);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "start"), "id")), want);
	snprintf(want, sizeof want, "%llu", (unsigned long long)n_trader);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "end"), "id")), want);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(e, "meta"), "reliability")),
	                 "C");
	json_decref(e);
	/* nodes come before the relationships that use them */
	cr_assert_lt(strstr(s, "\"type\":\"node\",\"id\":\"3\"") - s,
	             strstr(s, "\"type\":\"relationship\"") - s);
	free(s);
}

Test(export, jsonl_refuses_nan)
{
	dn_txn *t = tu_begin(db, 0);
	dn_prop p = {"x", dn_value_float(0.0 / 0.0)};
	dn_id id;
	TU_OK(db, dn_node_create(t, NULL, 0, &p, 1, NULL, &id));
	tu_commit(t);
	int rc;
	free(export_mem(DN_EXPORT_JSONL, NULL, NULL, &rc, NULL));
	cr_assert_eq(rc, DN_EINVAL);
	cr_assert(strstr(dn_errmsg(db), "NaN"), "message: %s", dn_errmsg(db));
	/* the canonical dump holds it all the same */
	char *s = export_ok(DN_EXPORT_CANONICAL, NULL, NULL, NULL);
	cr_assert(strstr(s, "{\"$float\":\"NaN\"}"), "%s", s);
	free(s);
}

Test(export, graphml_declares_typed_keys_and_escapes)
{
	build_graph();
	char *s = export_ok(DN_EXPORT_GRAPHML, NULL, NULL, NULL);
	cr_assert(strstr(s, "attr.name=\"tin\" attr.type=\"string\""), "%s", s);
	cr_assert(strstr(s, "attr.name=\"employees\" attr.type=\"long\""));
	cr_assert(strstr(s, "attr.name=\"turnover\" attr.type=\"double\""));
	cr_assert(strstr(s, "attr.name=\"active\" attr.type=\"boolean\""));
	cr_assert(strstr(s, "attr.name=\"meta.marking\" attr.type=\"string\""));
	cr_assert(strstr(s, "attr.name=\"meta.credibility\" attr.type=\"int\""));
	cr_assert(strstr(s, ">:Company:Trader</data>"));
	cr_assert(strstr(s, "&lt;a &amp; b&gt; &quot;q&quot; &apos;x&apos;, \\ line1&#10;line2&#9;Zo\xc3\xab "
	                    "\xe6\x9d\xb1\xe4\xba\xac</data>"),
	          "%s", s);
	cr_assert_null(strstr(s, "<a & b>"));
	free(s);
}

Test(export, gexf_declares_attributes_and_escapes)
{
	build_graph();
	char *s = export_ok(DN_EXPORT_GEXF, NULL, NULL, NULL);
	cr_assert(strstr(s, "<gexf xmlns=\"http://www.gexf.net/1.2draft\" version=\"1.2\">"));
	cr_assert(strstr(s, "title=\"employees\" type=\"long\""), "%s", s);
	cr_assert(strstr(s, "label=\"OWNS\""));
	cr_assert(strstr(s, "value=\"&lt;a &amp; b&gt; &quot;q&quot; &apos;x&apos;, \\ line1&#10;"));
	free(s);
}

Test(export, dot_quotes_and_escapes)
{
	build_graph();
	char *s = export_ok(DN_EXPORT_DOT, NULL, NULL, NULL);
	char want[128];
	snprintf(want, sizeof want, "\"n%llu\" -> \"n%llu\" [id=\"e%llu\", label=\"OWNS\"",
	         (unsigned long long)n_person, (unsigned long long)n_trader,
	         (unsigned long long)e_owns);
	cr_assert(strstr(s, want), "%s", s);
	cr_assert(strstr(s, "\"<a & b> \\\"q\\\" 'x', \\\\ line1\\nline2 Zo"), "%s", s);
	cr_assert(strstr(s, "\"meta.reliability\"=\"B\""));
	free(s);
}

Test(export, cytoscape_elements)
{
	build_graph();
	char *s = export_ok(DN_EXPORT_CYTOSCAPE, NULL, NULL, NULL);
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);
	cr_assert_not_null(j, "not JSON: %s", e.text);
	json_t *el = json_object_get(j, "elements");
	cr_assert_eq(json_array_size(json_object_get(el, "nodes")), 3);
	cr_assert_eq(json_array_size(json_object_get(el, "edges")), 1);
	json_t *ed = json_object_get(json_array_get(json_object_get(el, "edges"), 0), "data");
	char want[32];
	snprintf(want, sizeof want, "n%llu", (unsigned long long)n_person);
	cr_assert_str_eq(json_string_value(json_object_get(ed, "source")), want);
	cr_assert_str_eq(json_string_value(json_object_get(ed, "type")), "OWNS");
	cr_assert_float_eq(json_real_value(json_object_get(ed, "share")), 0.25, 0);
	json_decref(j);
	free(s);
}

/* The whole of a file in the scratch directory's export subdirectory. */
static char *csv_file(const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/csv/%s", dir, name);
	return slurp(path);
}

Test(export, csv_typed_headers)
{
	build_graph();
	char path[4200];
	snprintf(path, sizeof path, "%s/csv", dir);
	dn_export_opts o = {.format = DN_EXPORT_CSV, .path = path};
	dn_export_stats st;
	TU_OK(db, dn_export(db, NULL, &o, &st));
	cr_assert_eq(st.files, 4);

	char *t = csv_file("nodes_Company_Trader.csv");
	char want[1024];
	snprintf(want, sizeof want,
	         ":ID,:LABEL,active:boolean,aliases:string[],cutoff:time,employees:int,empty:string,"
	         "loaded:localdatetime,nums:int[],opens:localtime,ratio:float,registered:date,"
	         "seen:datetime,term:duration,tin:string,turnover:float,zoned:datetime,"
	         ":SOURCE,:RECORD,:GRADE,:VALID_FROM,:MARKING\n"
	         "%llu,Company;Trader,true,\"ACME;A.C.M.E.\",17:45+01:00,-42,\"\",2023-12-31T23:59:59.5,"
	         "1;-2;3,08:30:15.00000025,0.1,2019-04-01,"
	         "2024-01-02T03:04:05.678Z,P1Y2M3DT1H,\"DE123\",1500000.0,"
	         "2015-07-21T21:40:32.142000007+02:00[Europe/Stockholm],\"tax-registry\","
	         "\"tax.csv:18\",B2,2024-01-02T03:04:05.678Z,\"CUSTOMS\"\n",
	         (unsigned long long)n_trader);
	cr_assert_str_eq(t, want);
	free(t);

	t = csv_file("nodes_Person.csv");
	snprintf(want, sizeof want,
	         ":ID,:LABEL,name:string\n%llu,Person,\"<a & b> \"\"q\"\" 'x', \\ line1\nline2\tZo\xc3\xab "
	         "\xe6\x9d\xb1\xe4\xba\xac\"\n",
	         (unsigned long long)n_person);
	cr_assert_str_eq(t, want);
	free(t);

	t = csv_file("nodes.csv");
	snprintf(want, sizeof want, ":ID,:LABEL\n%llu,\n", (unsigned long long)n_plain);
	cr_assert_str_eq(t, want);
	free(t);

	t = csv_file("rels_OWNS.csv");
	snprintf(want, sizeof want,
	         ":START_ID,:END_ID,:TYPE,role:string,share:float,:GRADE\n%llu,%llu,OWNS,\"director\",0.25,C\n",
	         (unsigned long long)n_person, (unsigned long long)n_trader);
	cr_assert_str_eq(t, want);
	free(t);
}

Test(export, csv_splits_conflicting_types_and_refuses_what_it_cannot_hold)
{
	dn_txn *t = tu_begin(db, 0);
	const char *l[] = {"Trader"};
	dn_id a, b;
	dn_prop pa = {"value", dn_value_int(5)}, pb = {"value", dn_value_stringn_ref("five", 4)};
	TU_OK(db, dn_node_create(t, l, 1, &pa, 1, NULL, &a));
	TU_OK(db, dn_node_create(t, l, 1, &pb, 1, NULL, &b));
	tu_commit(t);
	char path[4200];
	snprintf(path, sizeof path, "%s/csv", dir);
	dn_export_opts o = {.format = DN_EXPORT_CSV, .path = path};
	dn_export_stats st;
	TU_OK(db, dn_export(db, NULL, &o, &st));
	cr_assert_eq(st.files, 2);
	char *s = csv_file("nodes_Trader.csv");
	cr_assert(strstr(s, "value:int\n"), "%s", s);
	free(s);
	s = csv_file("nodes_Trader_2.csv");
	cr_assert(strstr(s, "value:string\n"), "%s", s);
	free(s);

	/* a list item holding the array delimiter: refused, nothing written */
	int err = 0;
	dn_value bad = tu_list(1, dn_value_string("a;b", &err));
	t = tu_begin(db, 0);
	TU_OK(db, dn_node_set_prop(t, a, "aliases", &bad));
	tu_commit(t);
	dn_value_free(&bad);
	snprintf(path, sizeof path, "%s/csv2", dir);
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_EINVAL);
	cr_assert(strstr(dn_errmsg(db), "'aliases'") && strstr(dn_errmsg(db), "--array-delimiter"),
	          "message: %s", dn_errmsg(db));
	struct stat sb;
	cr_assert_neq(stat(path, &sb), 0, "a failed export left %s", path);
	/* another delimiter works */
	o.array_delimiter = '|';
	TU_OK(db, dn_export(db, NULL, &o, NULL));
	cr_assert_eq(stat(path, &sb), 0);
}

Test(export, csv_needs_a_new_directory)
{
	build_graph();
	char path[4200];
	snprintf(path, sizeof path, "%s/taken", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	dn_export_opts o = {.format = DN_EXPORT_CSV, .path = path};
	TU_OK(db, dn_export(db, NULL, &o, NULL)); /* empty: fine */
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_EEXISTS);
	o.path = NULL;
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_EINVAL);
}

/* Counts the entries of the scratch directory. */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

Test(export, a_failed_file_export_leaves_nothing)
{
	dn_txn *t = tu_begin(db, 0);
	dn_prop p = {"x", dn_value_float(1.0 / 0.0)};
	dn_id id;
	TU_OK(db, dn_node_create(t, NULL, 0, &p, 1, NULL, &id));
	tu_commit(t);
	char path[4200];
	snprintf(path, sizeof path, "%s/out.jsonl", dir);
	dn_export_opts o = {.format = DN_EXPORT_JSONL, .path = path};
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_EINVAL);
	cr_assert_eq(dir_entries(), 0, "a temporary file was left behind");
	o.format = DN_EXPORT_GRAPHML;
	TU_OK(db, dn_export(db, NULL, &o, NULL));
	cr_assert_eq(dir_entries(), 1);
	char *s = slurp(path);
	cr_assert(strstr(s, ">Infinity</data>"), "%s", s);
	free(s);
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
}

/* A chain a->b->c, an isolated d; returns the ids. */
static void build_chain(dn_id id[4], dn_id rel[2])
{
	dn_txn *t = tu_begin(db, 0);
	const char *l[] = {"P"};
	const char *names[] = {"a", "b", "c", "d"};
	for (int i = 0; i < 4; i++) {
		dn_prop p = {"n", dn_value_stringn_ref(names[i], 1)};
		TU_OK(db, dn_node_create(t, l, 1, &p, 1, NULL, &id[i]));
	}
	TU_OK(db, dn_edge_create(t, id[0], id[1], "K", NULL, 0, NULL, &rel[0]));
	TU_OK(db, dn_edge_create(t, id[1], id[2], "K", NULL, 0, NULL, &rel[1]));
	tu_commit(t);
}

/* The sorted node and edge ids a JSONL export holds, as text. */
static void jsonl_ids(const char *s, char *nodes, char *edges, size_t cap)
{
	nodes[0] = edges[0] = '\0';
	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		json_t *o = json_loadb(p, (size_t)(nl - p), 0, NULL);
		cr_assert_not_null(o);
		bool node = !strcmp(json_string_value(json_object_get(o, "type")), "node");
		char *out = node ? nodes : edges;
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s", len ? "," : "",
		         json_string_value(json_object_get(o, "id")));
		json_decref(o);
		p = nl + 1;
	}
}

Test(export, query_exports_exactly_the_subgraph)
{
	dn_id id[4], rel[2];
	char nodes[256], edges[256], want[256];
	build_chain(id, rel);
	dn_export_stats st;

	/* a relationship brings its endpoints, nothing else */
	char *s = export_ok(DN_EXPORT_JSONL, "MATCH (:P {n: 'b'})-[r:K]->() RETURN r", NULL, &st);
	jsonl_ids(s, nodes, edges, sizeof nodes);
	snprintf(want, sizeof want, "%llu,%llu", (unsigned long long)id[1], (unsigned long long)id[2]);
	cr_assert_str_eq(nodes, want);
	snprintf(want, sizeof want, "%llu", (unsigned long long)rel[1]);
	cr_assert_str_eq(edges, want);
	cr_assert_eq(st.nodes, 2);
	cr_assert_eq(st.edges, 1);
	free(s);

	/* a path, and nodes inside a list inside a map */
	s = export_ok(DN_EXPORT_JSONL,
	              "MATCH p = (:P {n: 'a'})-[:K*2]->(:P {n: 'c'}) MATCH (d:P {n: 'd'}) "
	              "RETURN p, {xs: [d]} AS m",
	              NULL, &st);
	jsonl_ids(s, nodes, edges, sizeof nodes);
	snprintf(want, sizeof want, "%llu,%llu,%llu,%llu", (unsigned long long)id[0],
	         (unsigned long long)id[1], (unsigned long long)id[2], (unsigned long long)id[3]);
	cr_assert_str_eq(nodes, want);
	snprintf(want, sizeof want, "%llu,%llu", (unsigned long long)rel[0], (unsigned long long)rel[1]);
	cr_assert_str_eq(edges, want);
	free(s);

	/* scalars only: an empty subgraph */
	s = export_ok(DN_EXPORT_JSONL, "MATCH (n:P) RETURN n.n", NULL, &st);
	cr_assert_str_eq(s, "");
	cr_assert_eq(st.nodes, 0);
	free(s);
}

Test(export, query_errors)
{
	dn_query_error qe;
	char *buf = NULL;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	dn_export_opts o = {.format = DN_EXPORT_JSONL, .query = "MATCH (n RETURN n", .out = m,
	                    .query_error = &qe};
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_ESYNTAX);
	cr_assert_eq(qe.code, DN_ESYNTAX);
	cr_assert_eq(qe.column, 10);
	o.query = "CREATE (n)";
	cr_assert_eq(dn_export(db, NULL, &o, NULL), DN_EINVAL);
	cr_assert(strstr(dn_errmsg(db), "read-only"), "%s", dn_errmsg(db));
	/* parameters are bound */
	dn_id id[4], rel[2];
	build_chain(id, rel);
	dn_export_param p = {"n", dn_value_stringn_ref("d", 1)};
	o.query = "MATCH (x:P {n: $n}) RETURN x";
	o.params = &p;
	o.nparams = 1;
	dn_export_stats st;
	TU_OK(db, dn_export(db, NULL, &o, &st));
	cr_assert_eq(st.nodes, 1);
	fclose(m);
	free(buf);
}

Test(export, restricted_reader_sees_no_marked_element_in_any_format)
{
	dn_txn *t = tu_begin(db, 0);
	const char *l[] = {"Person"};
	dn_meta secret = dn_meta_none();
	secret.marking = "PERSONAL";
	dn_id open1, open2, hidden, e1;
	dn_prop p1 = {"name", dn_value_stringn_ref("visible-one", 11)};
	dn_prop p2 = {"name", dn_value_stringn_ref("visible-two", 11)};
	dn_prop ph = {"name", dn_value_stringn_ref("SECRET-NAME", 11)};
	dn_prop pe = {"why", dn_value_stringn_ref("SECRET-LINK", 11)};
	TU_OK(db, dn_node_create(t, l, 1, &p1, 1, NULL, &open1));
	TU_OK(db, dn_node_create(t, l, 1, &p2, 1, NULL, &open2));
	TU_OK(db, dn_node_create(t, l, 1, &ph, 1, &secret, &hidden));
	TU_OK(db, dn_edge_create(t, open1, open2, "KNOWS", NULL, 0, NULL, &e1));
	TU_OK(db, dn_edge_create(t, open1, hidden, "KNOWS", NULL, 0, NULL, &e1));
	TU_OK(db, dn_edge_create(t, open1, open2, "KNOWS", &pe, 1, &secret, &e1));
	tu_commit(t);

	const char *customs[] = {"CUSTOMS"};
	dn_txn_opts to = {.clearances = customs, .n_clearances = 1};
	dn_export_format fmts[] = {DN_EXPORT_JSONL, DN_EXPORT_GRAPHML, DN_EXPORT_GEXF, DN_EXPORT_DOT,
	                           DN_EXPORT_CYTOSCAPE, DN_EXPORT_CANONICAL};
	const char *queries[] = {NULL, "MATCH p = (a)-[*]-(b) RETURN p, a, b"};
	for (size_t q = 0; q < 2; q++)
		for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
			dn_export_stats st;
			char *s = export_ok(fmts[i], queries[q], &to, &st);
			cr_assert_null(strstr(s, "SECRET"), "%s shows a marked element:\n%s",
			               dn_export_format_name(fmts[i]), s);
			cr_assert_null(strstr(s, "PERSONAL"));
			cr_assert_eq(st.nodes, 2, "%s: %llu nodes", dn_export_format_name(fmts[i]),
			             (unsigned long long)st.nodes);
			cr_assert_eq(st.edges, 1);
			free(s);
			/* the unrestricted reader sees them: the test can fail */
			s = export_ok(fmts[i], queries[q], NULL, &st);
			cr_assert(strstr(s, "SECRET-NAME") && strstr(s, "SECRET-LINK"));
			cr_assert_eq(st.nodes, 3);
			cr_assert_eq(st.edges, 3);
			free(s);
		}
	/* and csv */
	char path[4200];
	snprintf(path, sizeof path, "%s/csv", dir);
	dn_export_opts o = {.format = DN_EXPORT_CSV, .path = path};
	TU_OK(db, dn_export(db, &to, &o, NULL));
	char *s = csv_file("nodes_Person.csv");
	cr_assert_null(strstr(s, "SECRET"));
	cr_assert(strstr(s, "visible-two"));
	free(s);
	s = csv_file("rels_KNOWS.csv");
	cr_assert_null(strstr(s, "SECRET"));
	free(s);
}

/* Builds the same small graph in a new database in the given order. */
static dn_db *build_twin(const char *name, bool reversed, const char *city)
{
	dn_db *d = tu_open(tu_fresh_dir(name), NULL);
	dn_txn *t = tu_begin(d, 0);
	const char *l[] = {"Trader"}, *l2[] = {"Address"};
	dn_prop pt = {"tin", dn_value_stringn_ref("GB1", 3)};
	dn_prop pa = {"city", dn_value_stringn_ref(city, strlen(city))};
	dn_meta m = dn_meta_none();
	m.source = "registry";
	dn_id a, b, e;
	if (reversed) {
		TU_OK(d, dn_node_create(t, NULL, 0, NULL, 0, NULL, &e));
		TU_OK(d, dn_node_create(t, l2, 1, &pa, 1, NULL, &b));
		TU_OK(d, dn_node_create(t, l, 1, &pt, 1, &m, &a));
	} else {
		TU_OK(d, dn_node_create(t, l, 1, &pt, 1, &m, &a));
		TU_OK(d, dn_node_create(t, l2, 1, &pa, 1, NULL, &b));
		TU_OK(d, dn_node_create(t, NULL, 0, NULL, 0, NULL, &e));
	}
	TU_OK(d, dn_edge_create(t, a, b, "REGISTERED_AT", NULL, 0, NULL, &e));
	tu_commit(t);
	return d;
}

static char *canonical_of(dn_db *d)
{
	char *buf = NULL;
	size_t len;
	FILE *m = open_memstream(&buf, &len);
	dn_export_opts o = {.format = DN_EXPORT_CANONICAL, .out = m};
	TU_OK(d, dn_export(d, NULL, &o, NULL));
	fclose(m);
	return buf;
}

Test(export, canonical_ignores_ids_and_sees_every_difference)
{
	dn_db *a = build_twin("twin-a", false, "Dover"), *b = build_twin("twin-b", true, "Dover");
	dn_db *c = build_twin("twin-c", false, "Calais");
	char *ca = canonical_of(a), *cb = canonical_of(b), *cc = canonical_of(c);
	cr_assert_str_eq(ca, cb);
	cr_assert_str_neq(ca, cc);
	cr_assert_str_eq(ca,
	                 "node {\"labels\":[\"Address\"],\"properties\":{\"city\":\"Dover\"},\"meta\":{}}\n"
	                 "node {\"labels\":[\"Trader\"],\"properties\":{\"tin\":\"GB1\"},\"meta\":{\"source\":\"registry\"}}\n"
	                 "node {\"labels\":[],\"properties\":{},\"meta\":{}}\n"
	                 "edge {\"start\":{\"labels\":[\"Trader\"],\"properties\":{\"tin\":\"GB1\"},\"meta\":{\"source\":\"registry\"}},"
	                 "\"type\":\"REGISTERED_AT\",\"end\":{\"labels\":[\"Address\"],\"properties\":{\"city\":\"Dover\"},\"meta\":{}},"
	                 "\"properties\":{},\"meta\":{}}\n");
	free(ca);
	free(cb);
	free(cc);
	dn_close(a);
	dn_close(b);
	dn_close(c);
}

Test(export, format_names)
{
	dn_export_format f;
	const char *names[] = {"csv", "jsonl", "graphml", "gexf", "dot", "cytoscape", "canonical"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		TU_OK(db, dn_export_format_from_name(names[i], &f));
		cr_assert_str_eq(dn_export_format_name(f), names[i]);
	}
	cr_assert_eq(dn_export_format_from_name("xml", &f), DN_EINVAL);
	cr_assert_null(dn_export_format_name((dn_export_format)99));
}

Test(export, characters_xml_and_json_cannot_carry)
{
	dn_txn *t = tu_begin(db, 0);
	/* a control character, and a byte that is not UTF-8 */
	dn_prop p[] = {{"ctl", dn_value_stringn_ref("a\x01z", 3)}, {"bad", dn_value_stringn_ref("b\xffy", 3)}};
	dn_id id;
	TU_OK(db, dn_node_create(t, NULL, 0, p, 2, NULL, &id));
	tu_commit(t);
	char *s = export_ok(DN_EXPORT_GRAPHML, NULL, NULL, NULL);
	cr_assert(strstr(s, ">a\xef\xbf\xbdz</data>"), "%s", s);
	cr_assert(strstr(s, ">b\xef\xbf\xbdy</data>"), "%s", s);
	free(s);
	s = export_ok(DN_EXPORT_JSONL, NULL, NULL, NULL);
	cr_assert(strstr(s, "\"ctl\":\"a\\u0001z\""), "%s", s);
	cr_assert(strstr(s, "\"bad\":\"b\xef\xbf\xbdy\""), "%s", s);
	free(s);
}
