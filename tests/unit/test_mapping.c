/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_mapping.c — the value transforms of mapping files (trim, case,
 * names, TINs, phones, numbers, dates, split, regex, map) on good, messy
 * and bad input, and the mapping compiler's messages (JSON paths). The
 * expected values are worked out by hand from the documented rules.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../../import/mapping.h"
#include "testutil.h"

/* Runs the transform chain given as JSON text on input; returns the
 * result code, the value in *out (valid until the next call) and the
 * message in err. */
static mt_scratch sc;
static mt_chain chain;
static char err[512];

static int run(const char *spec, const char *input, dn_value *out)
{
	json_error_t je;
	json_t *j = json_loads(spec, JSON_DECODE_ANY, &je);
	int rc;
	cr_assert(j != NULL, "bad test spec %s: %s", spec, je.text);
	mt_chain_free(&chain);
	err[0] = '\0';
	rc = mt_chain_compile(j, "t", &chain, err, sizeof err);
	json_decref(j);
	if (rc)
		return rc;
	return mt_chain_eval(&chain, input, strlen(input), &sc, out, err, sizeof err);
}

/* The chain's text result, or "<null>" / "<error>". */
static const char *text(const char *spec, const char *input)
{
	static char buf[512];
	dn_value v;
	int rc = run(spec, input, &v);
	if (rc)
		return "<error>";
	if (v.type == DN_NULL)
		return "<null>";
	cr_assert_eq(v.type, DN_STRING, "%s on '%s' gave type %d", spec, input, v.type);
	snprintf(buf, sizeof buf, "%.*s", (int)v.len, v.u.s);
	return buf;
}

static void fini(void)
{
	mt_chain_free(&chain);
	mt_scratch_free(&sc);
}

TestSuite(mapping, .fini = fini);

Test(mapping, trim_and_case)
{
	cr_assert_str_eq(text("\"trim\"", "  Nordhafen \t"), "Nordhafen");
	/* U+00A0 no-break space is whitespace too */
	cr_assert_str_eq(text("\"trim\"", "\xc2\xa0x\xc2\xa0"), "x");
	cr_assert_str_eq(text("\"trim\"", "   "), "<null>");
	cr_assert_str_eq(text("\"collapse\"", "  José \t  RAMÍREZ\xc2\xa0 Ortega "), "José RAMÍREZ Ortega");
	cr_assert_str_eq(text("[\"trim\", \"upper\"]", " çavuş "), "ÇAVUŞ");
	cr_assert_str_eq(text("\"upper\"", "één"), "ÉÉN");
	cr_assert_str_eq(text("\"lower\"", "ÖZTÜRK"), "öztürk");
	cr_assert_str_eq(text("\"title\"", "nORDHAFEN handels-gmbh o'brien"), "Nordhafen Handels-Gmbh O'brien");
}

Test(mapping, name_normalisation)
{
	/* case-folded, punctuation dropped, whitespace collapsed */
	cr_assert_str_eq(text("\"name\"", "  ACME   Trading, Ltd. "), "acme trading ltd");
	cr_assert_str_eq(text("\"name\"", "Smith-Jones"), "smith jones");
	/* NFKC: the ligature and the full-width letters become plain */
	cr_assert_str_eq(text("\"name\"", "ﬁrst ＡＢＣ"), "first abc");
	/* ß folds to ss; accents stay unless asked */
	cr_assert_str_eq(text("\"name\"", "Weiß Café"), "weiss café");
	cr_assert_str_eq(text("{\"name\": {\"strip_accents\": true}}", "Weiß Café Ołowiany"), "weiss cafe ołowiany");
}

Test(mapping, tin)
{
	cr_assert_str_eq(text("\"tin\"", "de 123.456-789"), "DE123456789");
	cr_assert_str_eq(text("{\"tin\": {\"country\": \"DE\"}}", "123 456 789"), "DE123456789");
	/* a value that has its country keeps it */
	cr_assert_str_eq(text("{\"tin\": {\"country\": \"DE\"}}", "nl 8123.45.678.B01"), "NL812345678B01");
	cr_assert_eq(run("\"tin\"", "DE12#34", &(dn_value){0}), DN_ETYPE);
	cr_assert(strstr(err, "'DE12#34' is not a tax number") != NULL, "%s", err);
	cr_assert_eq(run("{\"tin\": {\"country\": \"DEU\"}}", "1", &(dn_value){0}), DN_ESYNTAX);
}

Test(mapping, phone)
{
	const char *de = "{\"phone\": {\"country\": \"49\"}}";
	cr_assert_str_eq(text(de, "040 3344 5500"), "+494033445500");
	cr_assert_str_eq(text(de, "+49 (0)421 77 88 99"), "+49421778899");
	cr_assert_str_eq(text(de, "0049 40 3344-5500"), "+494033445500");
	cr_assert_str_eq(text(de, "+33 1 23 45 67 89"), "+33123456789");
	cr_assert_str_eq(text(de, "069/123456"), "+4969123456");
	cr_assert_eq(run(de, "12 34", &(dn_value){0}), DN_ETYPE);
	cr_assert(strstr(err, "'12 34' is not a phone number") != NULL, "%s", err);
	cr_assert_eq(run(de, "040 CALL ME", &(dn_value){0}), DN_ETYPE);
	/* the country is required and must be digits */
	cr_assert_eq(run("\"phone\"", "1", &(dn_value){0}), DN_ESYNTAX);
	cr_assert_eq(run("{\"phone\": {\"country\": \"DE\"}}", "1", &(dn_value){0}), DN_ESYNTAX);
}

Test(mapping, numbers)
{
	dn_value v;
	const char *eu = "{\"number\": {\"decimal\": \",\", \"thousands\": \".\"}}";
	cr_assert_eq(run(eu, "48.250,75", &v), 0);
	cr_assert_eq(v.type, DN_FLOAT);
	cr_assert_float_eq(v.u.f, 48250.75, 1e-9);
	cr_assert_eq(run(eu, "-1.234.567", &v), 0);
	cr_assert_float_eq(v.u.f, -1234567.0, 1e-9);
	cr_assert_eq(run(eu, "0,5", &v), 0);
	cr_assert_float_eq(v.u.f, 0.5, 1e-12);
	/* a misplaced thousands separator, two decimal marks, letters */
	cr_assert_eq(run(eu, "48.25,75", &v), DN_ETYPE);
	cr_assert(strstr(err, "'48.25,75' is not a number (decimal ',', thousands '.')") != NULL, "%s", err);
	cr_assert_eq(run(eu, "1,2,3", &v), DN_ETYPE);
	cr_assert_eq(run(eu, "12 EUR", &v), DN_ETYPE);
	cr_assert_eq(run("\"number\"", "1,234.5", &v), 0);
	cr_assert_float_eq(v.u.f, 1234.5, 1e-9);
	cr_assert_eq(run("\"int\"", "-42", &v), 0);
	cr_assert_eq(v.type, DN_INT);
	cr_assert_eq(v.u.i, -42);
	cr_assert_eq(run("\"int\"", "4.2", &v), DN_ETYPE);
	cr_assert_eq(run("\"int\"", "99999999999999999999", &v), DN_ETYPE);
	cr_assert_eq(run("\"float\"", "2.5e3", &v), 0);
	cr_assert_float_eq(v.u.f, 2500.0, 1e-9);
	cr_assert_eq(run("[\"trim\", \"float\"]", "  ", &v), 0);
	cr_assert_eq(v.type, DN_NULL);
}

Test(mapping, booleans)
{
	dn_value v;
	cr_assert_eq(run("\"bool\"", "Yes", &v), 0);
	cr_assert(v.type == DN_BOOL && v.u.b);
	cr_assert_eq(run("\"bool\"", "n", &v), 0);
	cr_assert(v.type == DN_BOOL && !v.u.b);
	cr_assert_eq(run("\"bool\"", "maybe", &v), DN_ETYPE);
}

Test(mapping, dates)
{
	dn_value v;
	int32_t d;
	cr_assert_eq(run("{\"date\": \"DD/MM/YYYY\"}", "29/02/2024", &v), 0);
	cr_assert_eq(v.type, DN_DATE);
	dn_date_from_ymd(2024, 2, 29, &d);
	cr_assert_eq(v.u.date, d);
	cr_assert_eq(run("{\"date\": \"DD/MM/YYYY\"}", "31/02/2024", &v), DN_ETYPE);
	cr_assert_str_eq(err, "'31/02/2024' is not a valid date for format DD/MM/YYYY");
	cr_assert_eq(run("{\"date\": \"DD/MM/YYYY\"}", "2024-02-01", &v), DN_ETYPE);
	cr_assert_eq(run("{\"date\": \"DD/MM/YYYY\"}", "01/02/2024x", &v), DN_ETYPE);
	cr_assert_eq(run("{\"date\": \"D.M.YY\"}", "3.1.24", &v), 0);
	dn_date_from_ymd(2024, 1, 3, &d);
	cr_assert_eq(v.u.date, d);
	cr_assert_eq(run("{\"date\": \"DD-MMM-YYYY\"}", "07-mar-1999", &v), 0);
	dn_date_from_ymd(1999, 3, 7, &d);
	cr_assert_eq(v.u.date, d);
	cr_assert_eq(run("{\"datetime\": \"YYYY-MM-DD HH:mm\"}", "2024-01-03 14:05", &v), 0);
	cr_assert_eq(v.type, DN_DATETIME);
	dn_date_from_ymd(2024, 1, 3, &d);
	cr_assert_eq(v.u.datetime, (int64_t)d * 86400000 + 14 * 3600000 + 5 * 60000);
	cr_assert_eq(run("{\"datetime\": \"YYYY-MM-DD HH:mm\"}", "2024-01-03 24:05", &v), DN_ETYPE);
	cr_assert_str_eq(err, "'2024-01-03 24:05' is not a valid datetime for format YYYY-MM-DD HH:mm");
	/* a format without a year is a mapping error */
	cr_assert_eq(run("{\"date\": \"DD/MM\"}", "01/02", &v), DN_ESYNTAX);
	cr_assert_eq(run("\"date\"", "01/02/2024", &v), DN_ESYNTAX);
}

Test(mapping, split_lists)
{
	dn_value v;
	cr_assert_eq(run("{\"split\": \"|\"}", " a | b ||c ", &v), 0);
	cr_assert_eq(v.type, DN_LIST);
	cr_assert_eq(v.len, 3);
	cr_assert(v.u.list[0].len == 1 && memcmp(v.u.list[0].u.s, "a", 1) == 0);
	cr_assert(v.u.list[2].len == 1 && memcmp(v.u.list[2].u.s, "c", 1) == 0);
	cr_assert_eq(run("[\"upper\", {\"split\": \";\"}]", "de;fr", &v), 0);
	cr_assert(v.len == 2 && memcmp(v.u.list[1].u.s, "FR", 2) == 0);
	cr_assert_eq(run("\"split\"", " ; ", &v), 0);
	cr_assert_eq(v.type, DN_NULL);
}

Test(mapping, regex_replace_map)
{
	cr_assert_str_eq(text("{\"regex\": \"([0-9]{4})\\\\.?([0-9]{2})\"}", "HS 8471.30 laptops"), "8471");
	cr_assert_str_eq(text("{\"regex\": \"[A-Z]{2}[0-9]+\"}", "ref DE123 x"), "DE123");
	cr_assert_str_eq(text("{\"regex\": \"[0-9]+\"}", "none"), "<null>");
	cr_assert_str_eq(text("{\"replace\": {\"pattern\": \"\\\\.\", \"with\": \"\"}}", "8471.30.00"), "84713000");
	cr_assert_str_eq(text("{\"map\": {\"values\": {\"Y\": \"registered\", \"N\": \"not registered\"}}}", "Y"),
	                 "registered");
	cr_assert_str_eq(text("{\"map\": {\"Y\": \"registered\"}}", "Q"), "Q");
	cr_assert_eq(run("{\"map\": {\"values\": {\"Y\": \"x\"}, \"keep\": false}}", "Q", &(dn_value){0}), DN_ETYPE);
	cr_assert_eq(run("{\"regex\": \"(\"}", "x", &(dn_value){0}), DN_ESYNTAX);
	/* repetitions of repetitions would blow up glibc's regcomp */
	cr_assert_eq(run("{\"regex\": \"^[0-9]+++\"}", "x", &(dn_value){0}), DN_ESYNTAX);
	cr_assert(strstr(err, "a repetition of a repetition") != NULL, "%s", err);
	cr_assert_eq(run("{\"regex\": \"(a*)*b\"}", "x", &(dn_value){0}), DN_ESYNTAX);
	cr_assert_eq(run("{\"regex\": \"(ab){2,3}{4}\"}", "x", &(dn_value){0}), DN_ESYNTAX);
	cr_assert_eq(run("{\"regex\": \"a{1,5000}\"}", "x", &(dn_value){0}), DN_ESYNTAX);
	cr_assert_str_eq(text("{\"regex\": \"[0-9]{2,4}\"}", "ab12345"), "1234");
	/* quantifier characters in brackets or escaped are literal */
	cr_assert_str_eq(text("{\"regex\": \"[+*]+\"}", "a+*b"), "+*");
	cr_assert_str_eq(text("{\"regex\": \"a\\\\++\"}", "xa++"), "a++");
}

Test(mapping, chain_errors)
{
	cr_assert_eq(run("\"nope\"", "x", &(dn_value){0}), DN_ESYNTAX);
	cr_assert_str_eq(err, "t: unknown transform 'nope'");
	/* a typed step ends the chain */
	cr_assert_eq(run("[\"int\", \"trim\"]", "1", &(dn_value){0}), DN_ESYNTAX);
	cr_assert(strstr(err, "t[1]: 'trim' cannot follow 'int'") != NULL, "%s", err);
	cr_assert_eq(run("[{\"date\": \"YYYY\", \"x\": 1}]", "1", &(dn_value){0}), DN_ESYNTAX);
}

/* The mapping compiler names the JSON path of each mistake. */
static int parse(const char *text_, char *msg)
{
	dn_mapping *m = NULL;
	int rc = dn_mapping_parse(text_, strlen(text_), "m.json", &m, msg, 512);
	dn_mapping_free(m);
	return rc;
}

Test(mapping, mapping_errors)
{
	char msg[512];
	cr_assert_eq(parse("{\"nodes\": [{\"id\": \"t\", \"labels\": [\"T\"], \"key\": [\"tin\"], "
	                   "\"properties\": {\"name\": \"n\"}}]}", msg), DN_ESYNTAX);
	cr_assert_str_eq(msg, "m.json: nodes[0].key[0]: 'tin' is not a property of this template");
	cr_assert_eq(parse("{\"nodes\": [{\"id\": \"t\", \"labels\": [\"T\"], \"key\": \"a\", "
	                   "\"properties\": {\"a\": \"a\"}}], \"edges\": [{\"type\": \"X\", "
	                   "\"from\": \"t\", \"to\": \"u\"}]}", msg), DN_ESYNTAX);
	cr_assert_str_eq(msg, "m.json: edges[0].to: no node template has the id 'u'");
	cr_assert_eq(parse("{\"nodes\": [{\"id\": \"t\", \"labels\": [\"T\"], \"key\": \"a\", "
	                   "\"properties\": {\"a\": {\"column\": \"a\", \"transform\": [\"int\"]}}}]}", msg),
	             DN_ESYNTAX);
	cr_assert(strstr(msg, "m.json: nodes[0].key: 'a' is a key, and keys are text") == msg, "%s", msg);
	cr_assert_eq(parse("{\"nodes\": [{\"id\": \"t\", \"labels\": [\"T\"], \"key\": \"a\", "
	                   "\"properties\": {\"a\": {\"column\": \"a\", \"transform\": [\"upperr\"]}}}]}", msg),
	             DN_ESYNTAX);
	cr_assert_str_eq(msg, "m.json: nodes[0].properties.a.transform[0]: unknown transform 'upperr'");
	cr_assert_eq(parse("{\"nodes\": [], \"colour\": 1}", msg), DN_ESYNTAX);
	cr_assert(strstr(msg, "unknown member 'colour'") != NULL, "%s", msg);
	cr_assert_eq(parse("{\"nodes\": [{\"id\": \"a\", \"labels\": \"T\", \"key\": \"x\", \"properties\": "
	                   "{\"x\": \"x\"}}, {\"id\": \"b\", \"labels\": \"T\", \"key\": \"y\", "
	                   "\"properties\": {\"y\": \"y\"}}]}", msg), DN_ESYNTAX);
	cr_assert(strstr(msg, "m.json: nodes[1].key: another template keys 'T' nodes") == msg, "%s", msg);
	cr_assert_eq(parse("{\"csv\": {\"encoding\": \"latin1\"}, \"nodes\": []}", msg), DN_ESYNTAX);
	cr_assert(strstr(msg, "csv.encoding: only UTF-8") != NULL, "%s", msg);
	cr_assert_eq(parse("{\"nodes\": [}", msg), DN_ESYNTAX);
	cr_assert(strncmp(msg, "m.json:1:", 9) == 0, "%s", msg);
	/* a good one */
	cr_assert_eq(parse("{\"name\": \"x\", \"csv\": {\"delimiter\": \";\"}, \"nodes\": [{\"id\": \"a\", "
	                   "\"labels\": [\"T\"], \"key\": [\"x\"], \"properties\": {\"x\": \"x\", "
	                   "\"k\": {\"value\": 3}}}], \"skip_rows\": [{\"column\": \"s\", \"equals\": "
	                   "\"VOID\"}]}", msg), 0);
}

/* ------------------------------------------------------------------ */
/* Loading through dn_import_mapping                                  */
/* ------------------------------------------------------------------ */

static void fresh(char *dir, size_t cap, const char *name)
{
	snprintf(dir, cap, "%s", tu_fresh_dir(name));
	cr_assert_eq(mkdir(dir, 0700), 0, "mkdir %s", dir);
}

static void write_file(const char *dir, const char *name, const char *text, char *path,
                       size_t cap)
{
	FILE *f;
	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "w");
	cr_assert(f != NULL);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static uint64_t count_of(dn_db *db, const char *label_or_type, bool edges)
{
	dn_txn *t = tu_begin(db, DN_TXN_RDONLY);
	uint64_t n = 0;
	if (!label_or_type)
		TU_OK(db, edges ? dn_count_edges(t, &n) : dn_count_nodes(t, &n));
	else
		TU_OK(db, edges ? dn_count_type(t, label_or_type, &n) : dn_count_label(t, label_or_type, &n));
	dn_txn_abort(t);
	return n;
}

/* Composite keys, 'when', undirected edges listed both ways, a skipped row
 * and the counts of a second load. */
Test(mapping, load_merge_and_reload)
{
	char dir[2048];
	char map[4200], csv[4200], dbp[4200];
	const char *files[1];
	dn_import_summary sum;
	dn_mapping_stats st;
	dn_db *db;

	fresh(dir, sizeof dir, "mapping_load");
	write_file(dir, "m.json",
	           "{\"name\": \"t\", \"skip_rows\": [{\"column\": \"s\", \"equals\": \"VOID\"}],"
	           " \"nodes\": ["
	           "  {\"id\": \"a\", \"labels\": [\"P\"], \"key\": [\"n\", \"d\"], \"properties\": {"
	           "    \"n\": {\"column\": \"a\", \"transform\": [\"name\"]}, \"d\": \"ad\"}},"
	           "  {\"id\": \"b\", \"labels\": [\"P\"], \"key\": [\"n\", \"d\"], \"properties\": {"
	           "    \"n\": {\"column\": \"b\", \"transform\": [\"name\"]}, \"d\": \"bd\"}},"
	           "  {\"id\": \"c\", \"labels\": [\"C\"], \"key\": \"n\", \"when\": {\"column\": \"bd\","
	           "    \"empty\": true}, \"properties\": {\"n\": {\"column\": \"b\", \"transform\": [\"name\"]}}}],"
	           " \"edges\": [{\"type\": \"K\", \"from\": \"a\", \"to\": \"b\", \"undirected\": true},"
	           "            {\"type\": \"O\", \"from\": \"a\", \"to\": \"c\"}]}",
	           map, sizeof map);
	/* Ann/Bob listed both ways (one K edge), "ANN " is Ann, Acme is a
	 * company (no date), the VOID row is skipped */
	write_file(dir, "x.csv",
	           "a,ad,b,bd,s\n"
	           "Ann,1980,Bob,1975,\n"
	           "Bob,1975,\"ANN \",1980,\n"
	           "Ann,1980,Acme Ltd.,,\n"
	           "Zed,1990,Bob,1975,VOID\n"
	           "Ann,1981,Bob,1975,\n",
	           csv, sizeof csv);
	files[0] = csv;
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	db = tu_open(dbp, NULL);
	TU_OK(db, dn_import_mapping(db, map, files, 1, NULL, &sum, &st));
	/* persons (Ann,1980) (Bob,1975) (Ann,1981); the company Acme Ltd */
	cr_assert_eq(count_of(db, "P", false), 3);
	cr_assert_eq(count_of(db, "C", false), 1);
	/* K: Ann80-Bob, Ann81-Bob; O: Ann80-Acme */
	cr_assert_eq(count_of(db, "K", true), 2);
	cr_assert_eq(count_of(db, "O", true), 1);
	cr_assert_eq(st.rows_skipped, 1);
	cr_assert_eq(sum.rows, 5);
	cr_assert_eq(sum.nodes_created, 4);
	cr_assert_eq(sum.rels_created, 3);
	/* a second load finds everything */
	TU_OK(db, dn_import_mapping(db, map, files, 1, NULL, &sum, &st));
	cr_assert_eq(sum.nodes_created, 0);
	cr_assert_eq(sum.nodes_updated, 0);
	cr_assert_eq(sum.rels_created, 0);
	cr_assert_eq(sum.rels_present, 4); /* the K tie listed twice is found twice */
	cr_assert_eq(count_of(db, NULL, false), 4);
	dn_close(db);
	tu_rmtree(dir);
}

/* A bad value aborts the whole load by default; with skip, the bad row is
 * rejected whole (nothing of it written) and the rest loads. */
Test(mapping, bad_rows)
{
	char dir[2048];
	char map[4200], csv[4200], dbp[4200], rej[4200];
	const char *files[1];
	dn_import_opts o = dn_import_opts_default();
	dn_import_summary sum;
	dn_db *db;

	fresh(dir, sizeof dir, "mapping_bad");
	write_file(dir, "m.json",
	           "{\"nodes\": [{\"id\": \"t\", \"labels\": [\"T\"], \"key\": \"k\", \"properties\": {"
	           "  \"k\": \"k\", \"d\": {\"column\": \"d\", \"transform\": [{\"date\": \"DD/MM/YYYY\"}]}}},"
	           " {\"id\": \"u\", \"labels\": [\"U\"], \"key\": \"k\", \"properties\": {\"k\": \"u\"}}],"
	           " \"edges\": [{\"type\": \"E\", \"from\": \"t\", \"to\": \"u\"}]}",
	           map, sizeof map);
	write_file(dir, "x.csv", "k,u,d\nA,X,01/02/2024\nB,Y,31/02/2024\nC,Z,\n", csv, sizeof csv);
	files[0] = csv;
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	db = tu_open(dbp, NULL);
	cr_assert_eq(dn_import_mapping(db, map, files, 1, NULL, &sum, NULL), DN_ETYPE);
	cr_assert(strstr(dn_errmsg(db), "x.csv:3:5: column 'd': '31/02/2024' is not a valid date "
	                               "for format DD/MM/YYYY") != NULL, "%s", dn_errmsg(db));
	cr_assert_eq(count_of(db, NULL, false), 0);
	snprintf(rej, sizeof rej, "%s/rej.csv", dir);
	o.on_error = DN_IMPORT_SKIP;
	o.rejects_path = rej;
	TU_OK(db, dn_import_mapping(db, map, files, 1, &o, &sum, NULL));
	cr_assert_eq(sum.rejected, 1);
	/* A and C with their U nodes; nothing of row B (not even Y) */
	cr_assert_eq(count_of(db, "T", false), 2);
	cr_assert_eq(count_of(db, "U", false), 2);
	cr_assert_eq(count_of(db, "E", true), 2);
	dn_close(db);
	tu_rmtree(dir);
}

/* The node of label with key = value (through the import's unique index). */
static dn_node *node_by_key(dn_db *db, dn_txn *t, const char *label, const char *key,
                            const char *value)
{
	dn_value v = dn_value_stringn_ref(value, strlen(value));
	dn_iter *it = NULL;
	dn_node *n = NULL;
	dn_id id = 0;
	TU_OK(db, dn_index_seek(t, label, key, &v, &v, 0, &it));
	cr_assert_eq(dn_iter_next(it, &id), DN_ROW, "no %s with %s = %s", label, key, value);
	dn_iter_free(it);
	TU_OK(db, dn_node_get(t, id, &n));
	return n;
}

/* Provenance: source = the mapping's name, record = file:line of the row
 * that created the element, grade and valid time from columns, marking
 * constant; a node seen again keeps its first record. */
Test(mapping, provenance)
{
	char dir[2048], map[4200], csv[4200], dbp[4200];
	const char *files[1];
	dn_db *db;
	dn_txn *t;
	dn_node *n;
	dn_iter *it = NULL;
	dn_adj adj;
	dn_edge *e = NULL;
	int32_t day;

	fresh(dir, sizeof dir, "mapping_meta");
	write_file(dir, "m.json",
	           "{\"name\": \"seizure-records\", \"meta\": {\"grade\": {\"column\": \"g\"},"
	           " \"marking\": \"LES\", \"valid_from\": {\"column\": \"d\", \"transform\":"
	           " [{\"date\": \"DD.MM.YYYY\"}]}},"
	           " \"nodes\": [{\"id\": \"s\", \"labels\": \"Seizure\", \"key\": \"ref\","
	           "   \"properties\": {\"ref\": \"ref\"}},"
	           "  {\"id\": \"p\", \"labels\": \"Place\", \"key\": \"name\", \"properties\": {\"name\": \"place\"}}],"
	           " \"edges\": [{\"type\": \"AT\", \"from\": \"s\", \"to\": \"p\"}]}",
	           map, sizeof map);
	write_file(dir, "s.csv", "ref,place,g,d\nS1,Hamburg,B2,04.01.2024\nS2,Hamburg,c3,09.01.2024\n",
	           csv, sizeof csv);
	files[0] = csv;
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	db = tu_open(dbp, NULL);
	TU_OK(db, dn_import_mapping(db, map, files, 1, NULL, NULL, NULL));
	t = tu_begin(db, DN_TXN_RDONLY);
	n = node_by_key(db, t, "Seizure", "ref", "S2");
	cr_assert_str_eq(n->meta.source, "seizure-records");
	cr_assert(strstr(n->meta.record, "s.csv:3") != NULL, "%s", n->meta.record);
	cr_assert_eq(n->meta.reliability, 'C');
	cr_assert_eq(n->meta.credibility, 3);
	cr_assert_str_eq(n->meta.marking, "LES");
	dn_date_from_ymd(2024, 1, 9, &day);
	cr_assert_eq(n->meta.valid_from, (int64_t)day * 86400000);
	cr_assert_eq(n->meta.valid_to, DN_TIME_UNSET);
	dn_node_free(n);
	/* Hamburg was created by line 2 and keeps that record */
	n = node_by_key(db, t, "Place", "name", "Hamburg");
	cr_assert(strstr(n->meta.record, "s.csv:2") != NULL, "%s", n->meta.record);
	cr_assert_eq(n->meta.reliability, 'B');
	/* the edge of line 3 has line 3's record */
	TU_OK(db, dn_edges_of(t, n->id, DN_IN, "AT", &it));
	cr_assert_eq(dn_iter_next_adj(it, &adj), DN_ROW);
	TU_OK(db, dn_edge_get(t, adj.edge, &e));
	cr_assert_str_eq(e->meta.source, "seizure-records");
	cr_assert(strstr(e->meta.record, "s.csv:") != NULL);
	dn_edge_free(e);
	dn_iter_free(it);
	dn_node_free(n);
	dn_txn_abort(t);
	dn_close(db);
	tu_rmtree(dir);
}

/* Defaults for empty cells and for optional columns a file lacks; both go
 * through the transforms. */
Test(mapping, defaults_and_optional_columns)
{
	char dir[2048], map[4200], csv[4200], dbp[4200];
	const char *files[1];
	dn_db *db;
	dn_txn *t;
	dn_node *n;

	fresh(dir, sizeof dir, "mapping_default");
	write_file(dir, "m.json",
	           "{\"nodes\": [{\"id\": \"x\", \"labels\": \"X\", \"key\": \"k\", \"properties\": {"
	           " \"k\": \"k\", \"c\": {\"column\": \"c\", \"default\": \"7\", \"transform\": [\"int\"]},"
	           " \"kind\": {\"column\": \"kind\", \"optional\": true, \"default\": \"unknown\","
	           "   \"transform\": [\"upper\"]},"
	           " \"note\": {\"column\": \"note\", \"optional\": true}}}]}",
	           map, sizeof map);
	write_file(dir, "x.csv", "k,c\nA,\nB,3\n", csv, sizeof csv);
	files[0] = csv;
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	db = tu_open(dbp, NULL);
	TU_OK(db, dn_import_mapping(db, map, files, 1, NULL, NULL, NULL));
	t = tu_begin(db, DN_TXN_RDONLY);
	n = node_by_key(db, t, "X", "k", "A");
	cr_assert(dn_node_prop(n, "c") && dn_node_prop(n, "c")->type == DN_INT &&
	          dn_node_prop(n, "c")->u.i == 7);
	cr_assert(dn_node_prop(n, "kind") && dn_node_prop(n, "kind")->len == 7 &&
	          memcmp(dn_node_prop(n, "kind")->u.s, "UNKNOWN", 7) == 0);
	cr_assert_null(dn_node_prop(n, "note"));
	dn_node_free(n);
	n = node_by_key(db, t, "X", "k", "B");
	cr_assert_eq(dn_node_prop(n, "c")->u.i, 3);
	dn_node_free(n);
	dn_txn_abort(t);
	dn_close(db);
	tu_rmtree(dir);
}

/* Random bytes (valid UTF-8 or not, digits, separators) through every
 * transform: each run either gives a value or DN_ETYPE with a message,
 * never anything else. */
Test(mapping, random_input)
{
	static const char *const specs[] = {
		"\"trim\"", "\"collapse\"", "\"upper\"", "\"title\"", "{\"name\": {\"strip_accents\": true}}",
		"{\"tin\": {\"country\": \"DE\"}}", "{\"phone\": {\"country\": \"49\"}}",
		"{\"regex\": \"([0-9]+)\"}", "{\"replace\": {\"pattern\": \"[ .]*\", \"with\": \"-\"}}",
		"{\"map\": {\"values\": {\"a\": \"b\"}, \"keep\": false}}", "\"int\"", "\"float\"",
		"{\"number\": {\"decimal\": \",\"}}", "\"bool\"", "{\"date\": \"D.M.YYYY\"}",
		"{\"datetime\": \"YYYY-MM-DD HH:mm:ss.SSS\"}", "{\"split\": \",\"}",
	};
	static const char alphabet[] = "0123456789 .,-+/:()aZ\t\xc3\xa9\xff\xe2\x80";
	uint64_t x = 12345;
	char in[40];

	for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
		for (int k = 0; k < 2000; k++) {
			size_t n;
			dn_value v;
			int rc;
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			n = x % sizeof in;
			for (size_t i = 0; i < n; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				in[i] = alphabet[x % (sizeof alphabet - 1)];
			}
			in[n] = '\0';
			rc = run(specs[s], in, &v);
			cr_assert(rc == 0 || rc == DN_ETYPE, "%s on '%s' -> %d", specs[s], in, rc);
			if (rc == DN_ETYPE)
				cr_assert(err[0] != '\0', "%s on '%s': no message", specs[s], in);
		}
	}
}

/* Two templates of one row that make the same edge between nodes the row
 * creates: one edge (the second template finds the first's). */
Test(mapping, same_edge_twice_in_a_row)
{
	char dir[2048], map[4200], csv[4200], dbp[4200];
	const char *files[1];
	dn_import_summary sum;
	dn_db *db;

	fresh(dir, sizeof dir, "mapping_twice");
	write_file(dir, "m.json",
	           "{\"nodes\": [{\"id\": \"a\", \"labels\": \"N\", \"key\": \"k\", \"properties\": {\"k\": \"a\"}},"
	           "  {\"id\": \"b\", \"labels\": \"N\", \"key\": \"k\", \"properties\": {\"k\": \"b\"}}],"
	           " \"edges\": [{\"type\": \"T\", \"from\": \"a\", \"to\": \"b\"},"
	           "  {\"type\": \"T\", \"from\": \"a\", \"to\": \"b\"},"
	           "  {\"type\": \"U\", \"from\": \"a\", \"to\": \"b\", \"undirected\": true},"
	           "  {\"type\": \"U\", \"from\": \"b\", \"to\": \"a\", \"undirected\": true},"
	           "  {\"type\": \"T\", \"from\": \"b\", \"to\": \"a\"}]}",
	           map, sizeof map);
	write_file(dir, "x.csv", "a,b\nP,Q\n", csv, sizeof csv);
	files[0] = csv;
	snprintf(dbp, sizeof dbp, "%s/db", dir);
	db = tu_open(dbp, NULL);
	TU_OK(db, dn_import_mapping(db, map, files, 1, NULL, &sum, NULL));
	/* T: P->Q once, Q->P (another direction); U: once */
	cr_assert_eq(count_of(db, "T", true), 2);
	cr_assert_eq(count_of(db, "U", true), 1);
	cr_assert_eq(sum.rels_created, 3);
	cr_assert_eq(sum.rels_present, 2);
	dn_close(db);
	tu_rmtree(dir);
}
