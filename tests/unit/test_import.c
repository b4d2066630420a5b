/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_import.c — unit suite for the loaders (import/import_csv.c,
 * import/import_jsonl.c, import/loader.c, import/typed.c): every column
 * kind of the typed-CSV header, ID spaces, idempotent re-loads, updates,
 * errors with file:line and column, abort (nothing written), skip (rejects
 * file), batches, the comma-joined header-file form, JSON Lines with
 * temporal values and metadata.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../import/typed.h"
#include "testutil.h"

static dn_db *db;
static char dir[4096];

static void setup(void)
{
	const char *d = tu_fresh_dir("import");
	snprintf(dir, sizeof dir, "%s", d);
	db = tu_open(dir, NULL);
}

static void teardown(void)
{
	dn_close(db);
	tu_rmtree(dir);
}

TestSuite(import, .init = setup, .fini = teardown);

/* Writes content to DIR/name (next to the database files); returns the
 * path in static storage (one of 8 rotating buffers). */
static const char *put_file(const char *name, const char *content)
{
	static char bufs[8][4200];
	static int k;
	char *p = bufs[k++ % 8];
	snprintf(p, 4200, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s", p);
	fputs(content, f);
	fclose(f);
	return p;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int import1(bool rels, const char *labels, const char *path,
                   const dn_import_opts *o, dn_import_summary *s)
{
	const char *files[] = {path};
	dn_import_source src = {rels, labels, files, 1};
	return dn_import_csv(db, &src, 1, o, s);
}

/* The node of a stored ID space (through the import's unique index). */
static dn_id find(const char *label, const char *key, const char *val)
{
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_iter *it = NULL;
	dn_value v = dn_value_stringn_ref(val, strlen(val));
	dn_id id = 0;
	TU_OK(db, dn_index_seek(t, label, key, &v, &v, 0, &it));
	if (dn_iter_next(it, &id) != DN_ROW)
		id = 0;
	dn_iter_free(it);
	dn_txn_abort(t);
	return id;
}

static dn_node *get_node(dn_id id)
{
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_node *n = NULL;
	TU_OK(db, dn_node_get(t, id, &n));
	dn_txn_abort(t);
	return n;
}

static uint64_t count(bool edges)
{
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n = 0;
	TU_OK(db, edges ? dn_count_edges(t, &n) : dn_count_nodes(t, &n));
	dn_txn_abort(t);
	return n;
}

static const char all_kinds[] =
	"tin:ID(Trader),name,n:int,big:long,f:float,d:double,ok:boolean,born:date,"
	"seen:datetime,wait:duration,tags:string[],nums:int[],skip:IGNORE,:LABEL,"
	":SOURCE,:RECORD,:GRADE,:VALID_FROM,:VALID_TO,:MARKING\n"
	"DE1,\"Acme, \"\"GmbH\"\"\",42,-9223372036854775808,1.5,2e3,TRUE,2019-04-01,"
	"2020-01-02T03:04:05.006Z,P1Y2M3DT4H5M6.5S,a;b;c,1;2,zzz,Company;Shell,"
	"tax-registry,tax.csv:2,B2,2019-01-01,2021-06-30T12:00:00Z,LES\n"
	"DE2,Beta,,,,,,,,,,,,,,,,,,\n";

Test(import, all_column_kinds)
{
	dn_import_summary s;
	TU_OK(db, import1(false, "Party", put_file("t.csv", all_kinds), NULL, &s));
	cr_assert_eq(s.rows, 2);
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.unkeyed_nodes, 0);

	dn_id id = find("Trader", "tin", "DE1");
	cr_assert_neq(id, 0);
	dn_node *n = get_node(id);
	cr_assert(dn_node_has_label(n, "Party"));
	cr_assert(dn_node_has_label(n, "Trader"), "the ID space is a label");
	cr_assert(dn_node_has_label(n, "Company"));
	cr_assert(dn_node_has_label(n, "Shell"));
	cr_assert_eq(n->nlabels, 4);
	cr_assert_str_eq(dn_node_prop(n, "name")->u.s, "Acme, \"GmbH\"");
	cr_assert_eq(dn_node_prop(n, "n")->type, DN_INT);
	cr_assert_eq(dn_node_prop(n, "n")->u.i, 42);
	cr_assert_eq(dn_node_prop(n, "big")->u.i, INT64_MIN);
	cr_assert_eq(dn_node_prop(n, "f")->type, DN_FLOAT);
	cr_assert_float_eq(dn_node_prop(n, "f")->u.f, 1.5, 1e-12);
	cr_assert_float_eq(dn_node_prop(n, "d")->u.f, 2000.0, 1e-12);
	cr_assert_eq(dn_node_prop(n, "ok")->type, DN_BOOL);
	cr_assert(dn_node_prop(n, "ok")->u.b);
	int32_t day;
	dn_date_from_ymd(2019, 4, 1, &day);
	cr_assert_eq(dn_node_prop(n, "born")->type, DN_DATE);
	cr_assert_eq(dn_node_prop(n, "born")->u.date, day);
	dn_date_from_ymd(2020, 1, 2, &day);
	cr_assert_eq(dn_node_prop(n, "seen")->u.datetime,
	             (int64_t)day * 86400000 + 3 * 3600000 + 4 * 60000 + 5006);
	const dn_value *w = dn_node_prop(n, "wait");
	cr_assert_eq(w->type, DN_DURATION);
	cr_assert_eq(w->u.dur.months, 14);
	cr_assert_eq(w->u.dur.days, 3);
	cr_assert_eq(w->u.dur.nanos, (4 * 3600 + 5 * 60) * 1000000000LL + 6500000000LL);
	const dn_value *tags = dn_node_prop(n, "tags");
	cr_assert_eq(tags->type, DN_LIST);
	cr_assert_eq(tags->len, 3);
	cr_assert_str_eq(tags->u.list[2].u.s, "c");
	const dn_value *nums = dn_node_prop(n, "nums");
	cr_assert_eq(nums->len, 2);
	cr_assert_eq(nums->u.list[1].type, DN_INT);
	cr_assert_eq(nums->u.list[1].u.i, 2);
	cr_assert_null(dn_node_prop(n, "skip"), ":IGNORE columns are not stored");
	cr_assert_str_eq(dn_node_prop(n, "tin")->u.s, "DE1", "name:ID keeps the ID as a property");
	cr_assert_str_eq(n->meta.source, "tax-registry");
	cr_assert_str_eq(n->meta.record, "tax.csv:2");
	cr_assert_eq(n->meta.reliability, 'B');
	cr_assert_eq(n->meta.credibility, 2);
	dn_date_from_ymd(2019, 1, 1, &day);
	cr_assert_eq(n->meta.valid_from, (int64_t)day * 86400000);
	dn_date_from_ymd(2021, 6, 30, &day);
	cr_assert_eq(n->meta.valid_to, (int64_t)day * 86400000 + 12 * 3600000);
	cr_assert_str_eq(n->meta.marking, "LES");
	dn_node_free(n);

	/* Empty cells leave properties and metadata absent. */
	n = get_node(find("Trader", "tin", "DE2"));
	cr_assert_eq(n->nprops, 2, "name and tin only, got %zu", n->nprops);
	cr_assert_eq(n->meta.reliability, 0);
	cr_assert_eq(n->meta.valid_from, DN_TIME_UNSET);
	dn_node_free(n);
}

Test(import, second_load_changes_nothing)
{
	const char *nodes = put_file("n.csv", all_kinds);
	const char *rels = put_file("r.csv", ":START_ID(Trader),:END_ID(Trader),:TYPE,share:float\n"
	                                      "DE1,DE2,OWNS,0.5\nDE2,DE1,SUPPLIES,\n");
	dn_import_summary s;
	TU_OK(db, import1(false, NULL, nodes, NULL, &s));
	TU_OK(db, import1(true, NULL, rels, NULL, &s));
	cr_assert_eq(s.rels_created, 2);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t pos = dn_txn_position(t);
	dn_txn_abort(t);

	TU_OK(db, import1(false, NULL, nodes, NULL, &s));
	cr_assert_eq(s.nodes_created, 0);
	cr_assert_eq(s.nodes_present, 2);
	cr_assert_eq(s.nodes_updated, 0);
	TU_OK(db, import1(true, NULL, rels, NULL, &s));
	cr_assert_eq(s.rels_created, 0);
	cr_assert_eq(s.rels_present, 2);
	cr_assert_eq(count(false), 2);
	cr_assert_eq(count(true), 2);
	t = tu_begin(db, DN_TXN_RDONLY);
	cr_assert_eq(dn_txn_position(t), pos, "nothing was committed");
	dn_txn_abort(t);

	/* A relationship that differs in a property is a new one. */
	TU_OK(db, import1(true, NULL, put_file("r2.csv", ":START_ID(Trader),:END_ID(Trader),"
	                                       ":TYPE,share:float\nDE1,DE2,OWNS,0.75\n"), NULL, &s));
	cr_assert_eq(s.rels_created, 1);
	cr_assert_eq(count(true), 3);
}

Test(import, changed_row_updates_the_node)
{
	dn_import_summary s;
	TU_OK(db, import1(false, "P", put_file("a.csv", "id:ID(P),name,age:int\np1,Ann,30\np2,Bob,40\n"), NULL, &s));
	TU_OK(db, import1(false, "P:Suspect", put_file("b.csv", "id:ID(P),name,age:int\np1,Ann,31\np2,Bob,40\n"), NULL, &s));
	cr_assert_eq(s.nodes_created, 0);
	cr_assert_eq(s.nodes_updated, 2, "p1's age and both nodes' new label");
	dn_node *n = get_node(find("P", "id", "p1"));
	cr_assert_eq(dn_node_prop(n, "age")->u.i, 31);
	cr_assert(dn_node_has_label(n, "Suspect"));
	dn_node_free(n);
	cr_assert_eq(count(false), 2);
}

Test(import, bad_date_aborts_with_file_line_and_column)
{
	const char *p = put_file("bad.csv", "id:ID(P),born:date\np1,2001-02-03\np2,2024-02-31\n");
	int rc = import1(false, NULL, p, NULL, NULL);
	cr_assert_eq(rc, DN_ESYNTAX);
	char want[4400];
	snprintf(want, sizeof want, "%s:3: column 'born': '2024-02-31' is not a valid date", p);
	cr_assert(strstr(dn_errmsg(db), want) != NULL, "%s", dn_errmsg(db));
	cr_assert_eq(count(false), 0, "abort keeps nothing");
	/* nor the ID space's index */
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_index_info *list;
	size_t n;
	TU_OK(db, dn_index_list(t, &list, &n));
	cr_assert_eq(n, 0);
	dn_index_list_free(list, n);
	dn_txn_abort(t);
}

Test(import, type_errors_name_the_column)
{
	static const struct {
		const char *header, *cell, *why;
	} cases[] = {
		{"n:int", "12x", "is not a valid integer"},
		{"n:int", "9223372036854775808", "is not a valid integer"},
		{"f:float", "1,5", "is not a valid number"},
		{"b:boolean", "yes", "is not a valid boolean"},
		{"t:datetime", "2020-13-01T00:00", "is not a valid datetime"},
		{"w:duration", "1 day", "is not a valid duration"},
		{"xs:int[]", "1;two", "has item 2 'two', which is not a valid integer"},
		{":GRADE", "G7", "is not a valid grade"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char content[256], want[512];
		snprintf(content, sizeof content, "id:ID(X),%s\nok,\nx1,\"%s\"\n", cases[i].header, cases[i].cell);
		const char *p = put_file("e.csv", content);
		int rc = import1(false, NULL, p, NULL, NULL);
		cr_assert_eq(rc, DN_ESYNTAX, "case %zu", i);
		snprintf(want, sizeof want, "e.csv:3: column '%s': '%s' %s",
		         cases[i].header[0] == ':' ? cases[i].header : strtok(strcpy(content, cases[i].header), ":"),
		         cases[i].cell, cases[i].why);
		cr_assert(strstr(dn_errmsg(db), want) != NULL, "case %zu: %s\nwant: %s", i, dn_errmsg(db), want);
	}
	cr_assert_eq(count(false), 0);
}

Test(import, header_errors)
{
	static const struct {
		bool rels;
		const char *content, *why;
	} cases[] = {
		{false, "a:ID(X),b:ID(Y)\n", "a second ID column"},
		{false, "a:ID(X),b:colour\n", "unknown type"},
		{false, "a:ID(X),:TYPE\n", "a relationship column in a node file"},
		{false, "a:ID(X,b\n", "an ID space is written (Name)"},
		{false, "a:ID(X),:int\n", "needs a name"},
		{true, ":START_ID(X),:TYPE\n", "needs a :START_ID and an :END_ID"},
		{true, ":START_ID(X),:END_ID(X)\n", "no :TYPE column"},
		{false, "", "no header line"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = import1(cases[i].rels, NULL, put_file("h.csv", cases[i].content), NULL, NULL);
		cr_assert_eq(rc, DN_ESYNTAX, "case %zu: %d %s", i, rc, dn_errmsg(db));
		cr_assert(strstr(dn_errmsg(db), cases[i].why) != NULL, "case %zu: %s", i, dn_errmsg(db));
	}
}

Test(import, unknown_id_in_relationship)
{
	TU_OK(db, import1(false, NULL, put_file("n.csv", "id:ID(P)\np1\n"), NULL, NULL));
	int rc = import1(true, "KNOWS", put_file("r.csv", ":START_ID(P),:END_ID(P)\np1,p1\np1,p9\n"), NULL, NULL);
	cr_assert_eq(rc, DN_ENOTFOUND);
	cr_assert(strstr(dn_errmsg(db), "r.csv:3: column ':END_ID(P)': 'p9' is not the ID of a node in the ID space 'P'"),
	          "%s", dn_errmsg(db));
	cr_assert_eq(count(true), 0);
	rc = import1(true, "KNOWS", put_file("r.csv", ":START_ID(Q),:END_ID(P)\np1,p1\n"), NULL, NULL);
	cr_assert_eq(rc, DN_ENOTFOUND);
	cr_assert(strstr(dn_errmsg(db), "unknown ID space 'Q'"), "%s", dn_errmsg(db));
}

Test(import, skip_writes_rejects)
{
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary s;
	char rej[4200];
	snprintf(rej, sizeof rej, "%s/rejects.csv", dir);
	o.on_error = DN_IMPORT_SKIP;
	o.rejects_path = rej;
	TU_OK(db, import1(false, NULL, put_file("s.csv", "id:ID(P),n:int\np1,1\np2,x\np3,3,extra\np4,4\n"), &o, &s));
	cr_assert_eq(s.rows, 4);
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.rejected, 2);
	cr_assert_str_eq(s.rejects_path, rej);
	cr_assert_eq(count(false), 2);
	char *text = slurp(rej);
	cr_assert(strstr(text, "file,line,reason,record\n") == text, "%s", text);
	cr_assert(strstr(text, ",3,\"") && strstr(text, "column 'n': 'x' is not a valid integer"), "%s", text);
	cr_assert(strstr(text, ",4,\"") && strstr(text, "3 fields, but the header has 2"), "%s", text);
	cr_assert(strstr(text, "\"\"p3\"\",\"\"3\"\",\"\"extra\"\""), "the record is kept: %s", text);
	free(text);
}

Test(import, skip_continues_after_invalid_utf8)
{
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary s;
	o.on_error = DN_IMPORT_SKIP;
	TU_OK(db, import1(false, NULL, put_file("u.csv", "id:ID(P),name\np1,ok\np2,b\xff" "d\np3,ok\n"), &o, &s));
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.rejected, 1);
	char def[4200];
	snprintf(def, sizeof def, "%s.rejects.csv", dir);
	cr_assert_str_eq(s.rejects_path, def, "the default is next to the database");
	char *text = slurp(def);
	cr_assert(strstr(text, "u.csv:3:5: invalid UTF-8 (byte 0xFF)"), "%s", text);
	free(text);
	remove(def);
}

Test(import, batches_keep_what_was_committed)
{
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary s;
	o.batch = 2;
	int rc = import1(false, NULL, put_file("b.csv", "id:ID(P),n:int\np1,1\np2,2\np3,3\np4,4\np5,five\n"), &o, &s);
	cr_assert_eq(rc, DN_ESYNTAX);
	cr_assert_eq(s.batches, 2);
	cr_assert_eq(count(false), 4, "two batches of two rows were committed");
}

Test(import, header_file_and_parts)
{
	const char *h = put_file("h.csv", "id:ID(P),name\n");
	const char *p1 = put_file("p1.csv", "p1,Ann\np2,Bob\n");
	const char *p2 = put_file("p2.csv", "p3,Cy\n");
	const char *files[] = {h, p1, p2};
	dn_import_source src = {false, "Person", files, 3};
	dn_import_summary s;
	TU_OK(db, dn_import_csv(db, &src, 1, NULL, &s));
	cr_assert_eq(s.nodes_created, 3);
	dn_node *n = get_node(find("P", "id", "p3"));
	cr_assert_str_eq(dn_node_prop(n, "name")->u.s, "Cy");
	cr_assert(dn_node_has_label(n, "Person"));
	dn_node_free(n);
}

Test(import, relationships_before_nodes_in_the_list)
{
	const char *nf[] = {put_file("n.csv", "id:ID(P)\na\nb\n")};
	const char *rf[] = {put_file("r.csv", ":START_ID(P),:END_ID(P),since:date\na,b,2020-01-01\n")};
	dn_import_source src[2] = {{true, "KNOWS", rf, 1}, {false, NULL, nf, 1}};
	dn_import_summary s;
	TU_OK(db, dn_import_csv(db, src, 2, NULL, &s));
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.rels_created, 1);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_type(t, "KNOWS", &n));
	cr_assert_eq(n, 1);
	dn_txn_abort(t);
}

Test(import, bare_ids_and_keep_ids)
{
	dn_import_summary s;
	const char *nodes = put_file("n.csv", ":ID,name\n1,Ann\n2,Bob\n");
	const char *rels = put_file("r.csv", ":START_ID,:END_ID\n1,2\n");
	const char *nf[] = {nodes}, *rf[] = {rels};
	dn_import_source src[2] = {{false, NULL, nf, 1}, {true, "KNOWS", rf, 1}};
	TU_OK(db, dn_import_csv(db, src, 2, NULL, &s));
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.rels_created, 1);
	cr_assert_eq(s.unkeyed_nodes, 2, "bare :ID stores nothing");
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_iter *it;
	dn_id id;
	TU_OK(db, dn_nodes_all(t, &it));
	while (dn_iter_next(it, &id) == DN_ROW) {
		dn_node *n = NULL;
		TU_OK(db, dn_node_get(t, id, &n));
		cr_assert_eq(n->nprops, 1, "only name");
		cr_assert_eq(n->nlabels, 0);
		dn_node_free(n);
	}
	dn_iter_free(it);
	dn_txn_abort(t);

	/* With keep_ids and a space, the ids are stored and found again. */
	dn_import_opts o = dn_import_opts_default();
	o.keep_ids = true;
	const char *kn = put_file("k.csv", ":ID(Q),name\nq1,Ann\n");
	TU_OK(db, import1(false, NULL, kn, &o, &s));
	cr_assert_eq(s.unkeyed_nodes, 0);
	cr_assert_neq(find("Q", "_id", "q1"), 0);
	TU_OK(db, import1(false, NULL, kn, &o, &s));
	cr_assert_eq(s.nodes_present, 1);
	cr_assert_eq(count(false), 3);
}

Test(import, file_options_and_column_override)
{
	dn_import_opts o = dn_import_opts_default();
	o.meta.source = "partner-list";
	o.meta.reliability = 'C';
	o.meta.credibility = 3;
	o.meta.marking = "PERSONAL";
	TU_OK(db, dn_datetime_parse("2024-01-01", 10, &o.meta.valid_from));
	TU_OK(db, import1(false, NULL, put_file("m.csv", "id:ID(P),:SOURCE,:GRADE\np1,,\np2,own-source,A1\n"), &o, NULL));
	dn_node *n = get_node(find("P", "id", "p1"));
	cr_assert_str_eq(n->meta.source, "partner-list");
	cr_assert_eq(n->meta.reliability, 'C');
	cr_assert_eq(n->meta.credibility, 3);
	cr_assert_str_eq(n->meta.marking, "PERSONAL");
	cr_assert_eq(n->meta.valid_from, o.meta.valid_from);
	dn_node_free(n);
	n = get_node(find("P", "id", "p2"));
	cr_assert_str_eq(n->meta.source, "own-source");
	cr_assert_eq(n->meta.reliability, 'A');
	cr_assert_eq(n->meta.credibility, 1);
	cr_assert_str_eq(n->meta.marking, "PERSONAL");
	dn_node_free(n);
}

Test(import, delimiter_quote_and_array_delimiter)
{
	dn_import_opts o = dn_import_opts_default();
	o.delimiter = '\t';
	o.quote = '\'';
	o.array_delimiter = '|';
	TU_OK(db, import1(false, NULL, put_file("t.tsv", "id:ID(P)\tnames:string[]\r\n"
	                                        "p1\t'a|b, c'\r\n"), &o, NULL));
	dn_node *n = get_node(find("P", "id", "p1"));
	const dn_value *v = dn_node_prop(n, "names");
	cr_assert_eq(v->len, 2);
	cr_assert_str_eq(v->u.list[1].u.s, "b, c");
	dn_node_free(n);
}

Test(import, grade_parser)
{
	char r;
	uint8_t c;
	cr_assert_eq(dn_import_parse_grade("B2", 2, &r, &c), 0);
	cr_assert_eq(r, 'B');
	cr_assert_eq(c, 2);
	cr_assert_eq(dn_import_parse_grade("f", 1, &r, &c), 0);
	cr_assert_eq(r, 'F');
	cr_assert_eq(c, 0);
	cr_assert_eq(dn_import_parse_grade("6", 1, &r, &c), 0);
	cr_assert_eq(c, 6);
	cr_assert_eq(dn_import_parse_grade("G1", 2, &r, &c), DN_EINVAL);
	cr_assert_eq(dn_import_parse_grade("A7", 2, &r, &c), DN_EINVAL);
	cr_assert_eq(dn_import_parse_grade("", 0, &r, &c), DN_EINVAL);
	cr_assert_eq(dn_import_parse_grade("B22", 3, &r, &c), DN_EINVAL);
}

/* ------------------------------------------------------------------ */
/* JSON Lines                                                          */
/* ------------------------------------------------------------------ */

static const char jsonl[] =
	"{\"type\":\"node\",\"id\":\"42\",\"labels\":[\"Trader\"],\"properties\":{\"tin\":\"DE123\","
	"\"turnover\":1.5E6,\"n\":3,\"registered\":{\"$date\":\"2019-04-01\"},\"aliases\":[\"A\",\"B\"],"
	"\"gone\":null},\"meta\":{\"source\":\"tax-registry\",\"record\":\"tax.csv:18\","
	"\"reliability\":\"B\",\"credibility\":2,\"valid_from\":\"2019-04-01T00:00:00.000Z\","
	"\"valid_to\":null,\"marking\":\"LES\"}}\n"
	"\r\n"
	"{\"type\":\"node\",\"id\":43,\"labels\":[],\"properties\":{\"seen\":{\"$datetime\":\"2020-01-02T03:04:05.000Z\"},"
	"\"wait\":{\"$duration\":\"P1DT2H\"}}}\r\n"
	"{\"type\":\"relationship\",\"id\":\"7\",\"label\":\"DECLARED\",\"start\":{\"id\":\"42\"},"
	"\"end\":{\"id\":43},\"properties\":{\"role\":\"importer\"},\"meta\":{}}\n";

static int import_jl(const char *path, const dn_import_opts *o, dn_import_summary *s)
{
	const char *files[] = {path};
	return dn_import_jsonl(db, files, 1, o, s);
}

Test(import, jsonl_nodes_relationships_values_meta)
{
	dn_import_summary s;
	TU_OK(db, import_jl(put_file("g.jsonl", jsonl), NULL, &s));
	cr_assert_eq(s.rows, 3);
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.rels_created, 1);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	dn_iter *it;
	dn_id eid;
	dn_edge *e = NULL;
	TU_OK(db, dn_edges_all(t, &it));
	cr_assert_eq(dn_iter_next(it, &eid), DN_ROW);
	dn_iter_free(it);
	TU_OK(db, dn_edge_get(t, eid, &e));
	cr_assert_str_eq(e->type, "DECLARED");
	cr_assert_str_eq(dn_edge_prop(e, "role")->u.s, "importer");
	dn_node *a = NULL, *b = NULL;
	TU_OK(db, dn_node_get(t, e->src, &a));
	TU_OK(db, dn_node_get(t, e->dst, &b));
	cr_assert_str_eq(dn_node_prop(a, "tin")->u.s, "DE123");
	cr_assert_eq(dn_node_prop(a, "turnover")->type, DN_FLOAT);
	cr_assert_eq(dn_node_prop(a, "n")->type, DN_INT);
	int32_t day;
	dn_date_from_ymd(2019, 4, 1, &day);
	cr_assert_eq(dn_node_prop(a, "registered")->type, DN_DATE);
	cr_assert_eq(dn_node_prop(a, "registered")->u.date, day);
	cr_assert_eq(dn_node_prop(a, "aliases")->len, 2);
	cr_assert_null(dn_node_prop(a, "gone"));
	cr_assert_null(dn_node_prop(a, "_id"), "ids are not stored without keep_ids");
	cr_assert_str_eq(a->meta.source, "tax-registry");
	cr_assert_eq(a->meta.reliability, 'B');
	cr_assert_eq(a->meta.credibility, 2);
	cr_assert_eq(a->meta.valid_from, (int64_t)day * 86400000);
	cr_assert_eq(a->meta.valid_to, DN_TIME_UNSET);
	cr_assert_str_eq(a->meta.marking, "LES");
	cr_assert_eq(dn_node_prop(b, "seen")->type, DN_DATETIME);
	cr_assert_eq(dn_node_prop(b, "wait")->u.dur.days, 1);
	cr_assert_eq(dn_node_prop(b, "wait")->u.dur.nanos, 2 * 3600 * 1000000000LL);
	dn_node_free(a);
	dn_node_free(b);
	dn_edge_free(e);
	dn_txn_abort(t);
	cr_assert_eq(s.unkeyed_nodes, 2);
}

Test(import, jsonl_keep_ids_second_load_changes_nothing)
{
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary s;
	const char *p = put_file("k.jsonl",
		"{\"type\":\"node\",\"id\":\"a\",\"labels\":[\"P\"],\"properties\":{\"name\":\"Ann\"}}\n"
		"{\"type\":\"node\",\"id\":\"b\",\"labels\":[\"P\"],\"properties\":{\"name\":\"Bob\"}}\n"
		"{\"type\":\"relationship\",\"label\":\"KNOWS\",\"start\":{\"id\":\"a\"},\"end\":{\"id\":\"b\"}}\n");
	o.keep_ids = true;
	TU_OK(db, import_jl(p, &o, &s));
	cr_assert_eq(s.nodes_created, 2);
	TU_OK(db, import_jl(p, &o, &s));
	cr_assert_eq(s.nodes_created, 0);
	cr_assert_eq(s.nodes_present, 2);
	cr_assert_eq(s.rels_present, 1);
	cr_assert_eq(count(false), 2);
	cr_assert_eq(count(true), 1);
}

Test(import, jsonl_errors_name_file_and_line)
{
	static const struct {
		const char *line, *why;
	} cases[] = {
		{"{\"type\":\"node\",", "invalid JSON"},
		{"[1,2]", "must be a JSON object"},
		{"{\"type\":\"edge\"}", "\"type\" must be \"node\" or \"relationship\""},
		{"{\"type\":\"node\",\"properties\":{\"d\":{\"$date\":\"2024-02-31\"}}}",
		 "property 'd': {\"$date\": \"2024-02-31\"} is not a valid date"},
		{"{\"type\":\"node\",\"properties\":{\"m\":{\"a\":1}}}", "an object is not a property value"},
		{"{\"type\":\"node\",\"meta\":{\"credibility\":9}}", "credibility"},
		{"{\"type\":\"relationship\",\"label\":\"X\",\"start\":{\"id\":\"nope\"},\"end\":{\"id\":\"a\"}}",
		 "start.id 'nope' names no node"},
		{"{\"type\":\"relationship\",\"start\":{\"id\":\"a\"},\"end\":{\"id\":\"a\"}}", "needs \"label\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char content[512];
		snprintf(content, sizeof content, "{\"type\":\"node\",\"id\":\"a\"}\n\n%s\n", cases[i].line);
		const char *p = put_file("e.jsonl", content);
		int rc = import_jl(p, NULL, NULL);
		cr_assert_neq(rc, 0, "case %zu", i);
		cr_assert(strstr(dn_errmsg(db), "e.jsonl:3: ") != NULL, "case %zu: %s", i, dn_errmsg(db));
		cr_assert(strstr(dn_errmsg(db), cases[i].why) != NULL, "case %zu: %s", i, dn_errmsg(db));
	}
	cr_assert_eq(count(false), 0);
}

/* A start node with many edges goes through the loader's adjacency cache:
 * a second load finds every edge, a new edge joins the cache at once. */
Test(import, hub_second_load_through_the_cache)
{
	char nodes[4096] = "id:ID(P)\nhub\n", rels[8192] = ":START_ID(P),:END_ID(P),w:int\n";
	dn_import_summary s;
	for (int i = 0; i < 40; i++) {
		char line[64];
		snprintf(line, sizeof line, "t%d\n", i);
		strcat(nodes, line);
		snprintf(line, sizeof line, "hub,t%d,%d\n", (i * 17) % 40, i);
		strcat(rels, line);
	}
	const char *n = put_file("n.csv", nodes), *r = put_file("r.csv", rels);
	TU_OK(db, import1(false, NULL, n, NULL, &s));
	TU_OK(db, import1(true, "LINK", r, NULL, &s));
	cr_assert_eq(s.rels_created, 40);
	TU_OK(db, import1(true, "LINK", r, NULL, &s));
	cr_assert_eq(s.rels_created, 0);
	cr_assert_eq(s.rels_present, 40);
	TU_OK(db, import1(true, "LINK", put_file("r2.csv", ":START_ID(P),:END_ID(P),w:int\n"
	                                         "hub,t1,99\nhub,t1,99\nhub,t1,1\nhub,t2,2\n"), NULL, &s));
	/* The first file linked hub to t1 with w=33 (33*17 % 40 == 1) and to
	 * t2 with w=26: all four rows differ from it, the second row repeats
	 * the first, which the cache now holds. */
	cr_assert_eq(s.rels_created, 3);
	cr_assert_eq(s.rels_present, 1);
	cr_assert_eq(count(true), 43);
}

/* Relationships can load on their own against nodes that another tool
 * created, when a unique index on the space's label names the key. */
Test(import, relationships_against_a_user_unique_index)
{
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_index_create(t, "person_pid", "Person", "pid", DN_INDEX_UNIQUE));
	for (int i = 0; i < 2; i++) {
		const char *label = "Person";
		dn_prop p = {"pid", dn_value_stringn_ref(i ? "p2" : "p1", 2)};
		dn_id id;
		TU_OK(db, dn_node_create(t, &label, 1, &p, 1, NULL, &id));
	}
	tu_commit(t);
	dn_import_summary s;
	TU_OK(db, import1(true, "KNOWS", put_file("r.csv", ":START_ID(Person),:END_ID(Person)\np1,p2\n"), NULL, &s));
	cr_assert_eq(s.rels_created, 1);
	cr_assert_eq(count(true), 1);
}

/* Duplicate IDs in one file of a new space: the second row finds the first
 * node (in the loader's map, without an index seek) and updates it. */
Test(import, duplicate_id_in_a_new_space)
{
	dn_import_summary s;
	TU_OK(db, import1(false, NULL, put_file("d.csv", "id:ID(P),n:int\np1,1\np2,2\np1,3\n"), NULL, &s));
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.nodes_updated, 1);
	dn_node *n = get_node(find("P", "id", "p1"));
	cr_assert_eq(dn_node_prop(n, "n")->u.i, 3);
	dn_node_free(n);
}

/* Nodes without an ID column cannot be found again: the summary counts them. */
Test(import, nodes_without_ids_are_counted_as_unkeyed)
{
	dn_import_summary s;
	const char *p = put_file("x.csv", "name\nAnn\nBob\n");
	TU_OK(db, import1(false, "P", p, NULL, &s));
	cr_assert_eq(s.nodes_created, 2);
	cr_assert_eq(s.unkeyed_nodes, 2);
	TU_OK(db, import1(false, "P", p, NULL, &s));
	cr_assert_eq(s.nodes_created, 2, "created again");
	cr_assert_eq(count(false), 4);
}

/* Durations as the engine writes them (export) parse back to the same
 * value, negative components included. */
Test(import, duration_text_round_trip)
{
	static const int64_t cases[][3] = {
		{0, 0, 0},          {14, 3, 14706500000000LL}, {-14, -3, -14706500000000LL},
		{1, -2, 3000000000LL}, {0, 0, 1},            {0, 45, -1},
		{120, 0, 86399999999999LL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[160];
		dn_value v;
		int n = dn_duration_format(cases[i][0], cases[i][1], cases[i][2], buf, sizeof buf);
		cr_assert_eq(dn_duration_parse_iso(buf, (size_t)n, &v), 0, "case %zu: '%s'", i, buf);
		cr_assert_eq(v.u.dur.months, cases[i][0], "case %zu: '%s'", i, buf);
		cr_assert_eq(v.u.dur.days, cases[i][1], "case %zu: '%s'", i, buf);
		cr_assert_eq(v.u.dur.nanos, cases[i][2], "case %zu: '%s'", i, buf);
	}
	dn_value v;
	cr_assert_eq(dn_duration_parse_iso("P2W", 3, &v), 0);
	cr_assert_eq(v.u.dur.days, 14);
	cr_assert_eq(dn_duration_parse_iso("-P1D", 4, &v), 0);
	cr_assert_eq(v.u.dur.days, -1);
	cr_assert_eq(dn_duration_parse_iso("P", 1, &v), DN_ESYNTAX);
	cr_assert_eq(dn_duration_parse_iso("P1.5D", 5, &v), DN_ESYNTAX);
	cr_assert_eq(dn_duration_parse_iso("PT1H2D", 6, &v), DN_ESYNTAX);
	cr_assert_eq(dn_duration_parse_iso("1D", 2, &v), DN_ESYNTAX);
}

/* Wide files: more columns than any fixed scratch the loader might keep. */
Test(import, a_hundred_property_columns)
{
	static char content[8192];
	size_t n = 0;
	n += (size_t)snprintf(content + n, sizeof content - n, "id:ID(W)");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(content + n, sizeof content - n, ",p%d:int", i);
	n += (size_t)snprintf(content + n, sizeof content - n, "\nw1");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(content + n, sizeof content - n, ",%d", i * 3);
	snprintf(content + n, sizeof content - n, "\n");
	TU_OK(db, import1(false, NULL, put_file("w.csv", content), NULL, NULL));
	dn_node *node = get_node(find("W", "id", "w1"));
	cr_assert_eq(node->nprops, 101);
	cr_assert_eq(dn_node_prop(node, "p99")->u.i, 297);
	dn_node_free(node);
}

/* An edge list after its nodes is read by a second thread (import_csv.c,
 * "Relationship rows read by a second thread"): across several batches,
 * with bad records in the middle (an unknown id, a wrong field count),
 * blank lines and empty types (the source's type then), everything is
 * written or rejected exactly as one thread would, in file order; without
 * --on-error skip the first bad record stops the import with its line.
 * Row i (from 0) is on line i + 2 + (i + 1) / 1000: a blank line comes
 * before every row i with i % 1000 == 999. */
static const char *edge_list(size_t n, size_t bad_id, size_t bad_fields)
{
	size_t cap = n * 48 + 256, len = 0;
	char *t = malloc(cap);
	cr_assert_not_null(t);
	len += (size_t)snprintf(t + len, cap - len, ":START_ID(P),:END_ID(P),:TYPE\n");
	for (size_t i = 0; i < n; i++) {
		size_t a = i % 50, b = (i * 7 + 3) % 50;
		if (i == bad_id)
			len += (size_t)snprintf(t + len, cap - len, "p%zu,nobody,R\n", a);
		else if (i == bad_fields)
			len += (size_t)snprintf(t + len, cap - len, "p%zu,p%zu,R,extra\n", a, b);
		else if (i % 1000 == 999)
			len += (size_t)snprintf(t + len, cap - len, "\np%zu,p%zu,\n", a, b);
		else
			len += (size_t)snprintf(t + len, cap - len, "p%zu,p%zu,%s\n", a, b, i % 3 ? "R" : "S");
	}
	const char *path = put_file("pe.csv", t);
	free(t);
	return path;
}

/* Sources: 50 nodes p0..p49, then edge_list(20000, bad_id, bad_fields)
 * with the default type DEFAULT. */
static void edge_sources(dn_import_source *src, const char **nf, const char **ef, size_t bad_id,
                         size_t bad_fields)
{
	char nodes[4096] = "id:ID(P)\n";
	for (int i = 0; i < 50; i++)
		snprintf(nodes + strlen(nodes), sizeof nodes - strlen(nodes), "p%d\n", i);
	nf[0] = put_file("pn.csv", nodes);
	ef[0] = edge_list(20000, bad_id, bad_fields);
	src[0] = (dn_import_source){false, "P", nf, 1};
	src[1] = (dn_import_source){true, "DEFAULT", ef, 1};
}

Test(import, edge_list_read_by_a_second_thread)
{
	const char *nf[1], *ef[1];
	dn_import_source src[2];
	edge_sources(src, nf, ef, 5000, 9001);
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary s;
	char rej[4200];
	snprintf(rej, sizeof rej, "%s/rejects2.csv", dir);
	o.on_error = DN_IMPORT_SKIP;
	o.rejects_path = rej;
	TU_OK(db, dn_import_csv(db, src, 2, &o, &s));
	cr_assert_eq(s.rows, 50 + 20000);
	cr_assert_eq(s.rejected, 2);
	cr_assert_eq(s.rels_created, 19998);
	char *r = slurp(rej);
	const char *p1 = strstr(r, "pe.csv:5007: column ':END_ID(P)': 'nobody' is not the ID of a node");
	const char *p2 = strstr(r, "pe.csv:9012: 4 fields, but the header has 3");
	cr_assert(p1 && p2 && p1 < p2, "both rejects, in file order: %s", r);
	free(r);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_type(t, "DEFAULT", &n));
	cr_assert_eq(n, 20, "rows with an empty type take the source's");
	uint64_t want_s = 0; /* every third row, but for the empty types and the bad rows */
	for (size_t i = 0; i < 20000; i++)
		want_s += i % 3 == 0 && i % 1000 != 999 && i != 5000 && i != 9001;
	TU_OK(db, dn_count_type(t, "S", &n));
	cr_assert_eq(n, want_s);
	dn_txn_abort(t);
}

Test(import, edge_list_second_thread_stops_at_the_first_bad_record)
{
	const char *nf[1], *ef[1];
	dn_import_source src[2];
	edge_sources(src, nf, ef, 12345, 17000);
	dn_import_summary s;
	cr_assert_eq(dn_import_csv(db, src, 2, NULL, &s), DN_ENOTFOUND);
	cr_assert(strstr(dn_errmsg(db), "pe.csv:12359: column ':END_ID(P)': 'nobody'"), "%s", dn_errmsg(db));
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_edges(t, &n));
	cr_assert_eq(n, 0, "all or nothing");
	dn_txn_abort(t);
}

/* Writes a large file DIR/name from a generator of lines. */
static const char *put_lines(const char *name, const char *header, int n, const char *fmt, int mod)
{
	static char p[4200];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s", p);
	fprintf(f, "%s\n", header);
	for (int i = 0; i < n; i++)
		fprintf(f, fmt, i, (i * 7919) % mod);
	fclose(f);
	return p;
}

/*
 * A one-transaction import from files runs without the replay journal; a
 * map far too small for it fills up, and the import runs again with the
 * journal on the grown map: everything is there once, nothing twice.
 */
Test(import, a_full_map_redoes_the_import_with_the_journal)
{
	dn_close(db);
	tu_rmtree(dir);
	dn_open_opts oo = {0};
	oo.map_size = (size_t)1 << 20; /* 1 MiB: a few thousand rows fill it */
	db = tu_open(dir, &oo);
	char nodes[4200], rels[4200];
	snprintf(nodes, sizeof nodes, "%s", put_lines("n.csv", "id:ID(P),v:int", 20000, "%d,%d\n", 1000));
	snprintf(rels, sizeof rels, "%s", put_lines("r.csv", ":START_ID(P),:END_ID(P)", 20000, "%d,%d\n", 20000));
	const char *nf[] = {nodes}, *rf[] = {rels};
	dn_import_source src[2] = {{false, "P", nf, 1}, {true, "LINK", rf, 1}};
	dn_import_summary s;
	TU_OK(db, dn_import_csv(db, src, 2, NULL, &s));
	cr_expect_eq(s.nodes_created, 20000);
	cr_expect_eq(s.rels_created, 20000);
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n, e;
	TU_OK(db, dn_count_nodes(t, &n));
	TU_OK(db, dn_count_edges(t, &e));
	cr_expect_eq(n, 20000);
	cr_expect_eq(e, 20000);
	dn_stats *st;
	TU_OK(db, dn_stats_get(t, &st));
	cr_expect_gt(st->map_bytes, oo.map_size, "the map did not grow: the test did not fill it");
	dn_stats_free(st);
	dn_txn_abort(t);
}

/* Without a journal, a write call that fails makes the transaction
 * unusable, and nothing of it is committed. */
Test(import, a_transaction_without_a_journal_is_spent_by_a_failure)
{
	dn_txn *t = tu_begin(db, 0);
	TU_OK(db, dn_index_create(t, NULL, "Q", "k", DN_INDEX_UNIQUE));
	tu_commit(t);
	const char *q = "Q";
	dn_prop p = {"k", dn_value_int(1)};
	dn_id id;
	TU_OK(db, dn_txn_begin(db, DN_TXN_NO_JOURNAL, NULL, &t));
	TU_OK(db, dn_node_create(t, &q, 1, &p, 1, NULL, &id));
	cr_assert_eq(dn_node_create(t, &q, 1, &p, 1, NULL, &id), DN_ECONSTRAINT);
	cr_assert_eq(dn_node_create(t, &q, 1, NULL, 0, NULL, &id), DN_ETXN);
	cr_assert_eq(dn_txn_commit(t), DN_ETXN);
	t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n;
	TU_OK(db, dn_count_nodes(t, &n));
	cr_assert_eq(n, 0, "%llu nodes of a spent transaction were committed", (unsigned long long)n);
	dn_txn_abort(t);
}
