/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * customs_case.c — the worked example of dragnet's public C API, and the
 * project's end-to-end job until the importer and the query language exist.
 * It builds a small cocaine-in-bananas case (traders, directors, a broker, a
 * driver, declarations, vessels, ports, two seizures, an intelligence
 * report, a case file) in transactions by distinct principals, changes it
 * the way a later company-registry update would, and then runs an analyst's
 * investigation over it: index seek, adjacency, shared directors, addresses
 * and phones, a 2-hop network, markings, as-of reads and the audit log,
 * finishing with statistics and an integrity check.
 *
 * Usage: customs_case DB_DIR [--force]
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dragnet.h"

/* ------------------------------------------------------------------ */
/* Errors: every API call is checked; a failure ends the program.      */
/* ------------------------------------------------------------------ */

/* The one database this program works on; dn_errmsg() reads its message. */
static dn_db *case_db;

/* Prints "customs_case: <what>: <dn_errmsg(db)>" and exits 1. */
static _Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	fputs("customs_case: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", dn_errmsg(case_db));
	exit(1);
}

/* For failures that are not dragnet's (allocation, a bad constant). */
static _Noreturn void fatal(const char *what)
{
	fprintf(stderr, "customs_case: %s\n", what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		fatal("out of memory");
	return q;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		fatal("out of memory");
	return d;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define MS_PER_DAY 86400000LL

/* ------------------------------------------------------------------ */
/* Building values, properties and metadata                            */
/* ------------------------------------------------------------------ */

/* A borrowed string value over a literal (no copy, nothing to free). */
static dn_value S(const char *s)
{
	return dn_value_stringn_ref(s, strlen(s));
}

static int32_t day_of(const char *iso)
{
	int32_t d;
	if (dn_date_parse(iso, strlen(iso), &d) != 0)
		fatal("bad date constant");
	return d;
}

static dn_value D(const char *iso)
{
	return dn_value_date(day_of(iso));
}

/* Valid time is in UTC milliseconds; the case's facts are known by day. */
static int64_t ms_of(const char *iso)
{
	return iso ? day_of(iso) * MS_PER_DAY : DN_TIME_UNSET;
}

/* A property list as two arguments (array, count), built in place:
 * PROPS({"name", S("Acme")}, {"tin", S("GB1")}). */
#define PROPS(...) (const dn_prop[]){__VA_ARGS__}, \
	sizeof((const dn_prop[]){__VA_ARGS__}) / sizeof(dn_prop)
#define NOPROPS NULL, 0

/* Provenance and grading: grade is "B2" (reliability A-F, credibility 1-6). */
static dn_meta M(const char *source, const char *record, const char *grade, const char *marking)
{
	dn_meta m = dn_meta_none();
	m.source = source;
	m.record = record;
	m.reliability = grade[0];
	m.credibility = (uint8_t)(grade[1] - '0');
	m.marking = marking;
	return m;
}

/* The same metadata with a valid time [from, to); NULL for an open end. */
static dn_meta VALID(dn_meta m, const char *from, const char *to)
{
	m.valid_from = ms_of(from);
	m.valid_to = ms_of(to);
	return m;
}

/* ------------------------------------------------------------------ */
/* Loading: one write transaction per source, counted for the summary  */
/* ------------------------------------------------------------------ */

typedef struct load {
	dn_txn *txn;
	const char *principal;
	const char *what;
	unsigned nodes, edges, indexes;
} load;

static void load_begin(load *l, const char *principal, const char *what)
{
	dn_txn_opts o = {.principal = principal};
	memset(l, 0, sizeof *l);
	l->principal = principal;
	l->what = what;
	if (dn_txn_begin(case_db, 0, &o, &l->txn) != 0)
		die("begin transaction for %s", principal);
}

/* Commits and prints one line of the load summary. */
static void load_commit(load *l)
{
	uint64_t pos = dn_txn_position(l->txn) + 1;
	if (dn_txn_commit(l->txn) != 0)
		die("commit %s", l->what);
	if (l->indexes)
		printf("  %-4llu %-14s %-46s %u unique indexes\n", (unsigned long long)pos, l->principal,
		       l->what, l->indexes);
	else
		printf("  %-4llu %-14s %-46s %2u node%s, %2u edge%s\n", (unsigned long long)pos,
		       l->principal, l->what, l->nodes, l->nodes == 1 ? "" : "s", l->edges,
		       l->edges == 1 ? "" : "s");
}

static dn_id node(load *l, const char *label, const dn_prop *props, size_t nprops, dn_meta m)
{
	dn_id id;
	if (dn_node_create(l->txn, &label, 1, props, nprops, &m, &id) != 0)
		die("create %s node", label);
	l->nodes++;
	return id;
}

static dn_id edge(load *l, dn_id src, const char *type, dn_id dst, const dn_prop *props,
                  size_t nprops, dn_meta m)
{
	dn_id id;
	if (dn_edge_create(l->txn, src, dst, type, props, nprops, &m, &id) != 0)
		die("create %s edge", type);
	l->edges++;
	return id;
}

/* The ids the loader needs across transactions. The investigation does not
 * use them: it starts from a seizure reference, as an analyst would. */
typedef struct case_ids {
	dn_id greenleaf, tropico, northgate, harbourside, kestrel, marlow, costa_verde;
	dn_id whitlow, pike, villacis, delaney, nowak;
	dn_id ipswich, colchester, kestrel_yard;
	dn_id phone_whitlow, phone_nowak, phone_villacis;
	dn_id pacific_harvest, nordic_tern, container, truck;
	dn_id guayaquil, rotterdam, felixstowe;
	dn_id entry_mar, entry_oct, entry_nov;
	dn_id seizure_fxt, seizure_nov;
	dn_id report, opcase;
	dn_id whitlow_director_greenleaf;
} case_ids;

static void create_indexes(void)
{
	static const char *const keys[][2] = {
		{"Trader", "tin"}, {"Person", "passport"}, {"Seizure", "ref"},
		{"Declaration", "ref"}, {"Conveyance", "imo"},
	};
	load l;
	load_begin(&l, "steward.data", "schema: keys of Trader, Person, Seizure, ...");
	for (size_t i = 0; i < NELEM(keys); i++) {
		if (dn_index_create(l.txn, NULL, keys[i][0], keys[i][1], DN_INDEX_UNIQUE) != 0)
			die("create index %s.%s", keys[i][0], keys[i][1]);
		l.indexes++;
	}
	load_commit(&l);
}

/* The tax and company registries: who the traders are, who runs them,
 * where they are registered. */
static void load_registries(case_ids *c)
{
	const char *co = "company registry", *tax = "tax registry";
	load l;
	load_begin(&l, "loader.tax", "tax and company registries");

	c->greenleaf = node(&l, "Trader",
	    PROPS({"name", S("Greenleaf Fresh Imports Ltd")}, {"tin", S("GB284716350000")},
	          {"country", S("GB")}, {"incorporated", D("2021-05-24")},
	          {"activity", S("46310 wholesale of fruit and vegetables")}),
	    VALID(M(co, "companies-2024-02.csv:14", "B2", NULL), "2021-05-24", NULL));
	c->tropico = node(&l, "Trader",
	    PROPS({"name", S("Tropico Wholesale Ltd")}, {"tin", S("GB519043872000")},
	          {"country", S("GB")}, {"incorporated", D("2022-01-06")},
	          {"activity", S("46310 wholesale of fruit and vegetables")}),
	    VALID(M(co, "companies-2024-02.csv:15", "B2", NULL), "2022-01-06", NULL));
	c->northgate = node(&l, "Trader",
	    PROPS({"name", S("Northgate Produce Distribution Ltd")}, {"tin", S("GB731205946000")},
	          {"country", S("GB")}, {"incorporated", D("2009-11-02")},
	          {"activity", S("46310 wholesale of fruit and vegetables")}),
	    VALID(M(co, "companies-2024-02.csv:31", "B2", NULL), "2009-11-02", NULL));
	c->harbourside = node(&l, "Trader",
	    PROPS({"name", S("Harbourside Customs Clearance Ltd")}, {"tin", S("GB402918375000")},
	          {"country", S("GB")}, {"incorporated", D("2015-04-20")},
	          {"activity", S("52290 customs brokerage")}),
	    VALID(M(co, "companies-2024-02.csv:52", "B2", NULL), "2015-04-20", NULL));
	c->kestrel = node(&l, "Trader",
	    PROPS({"name", S("Kestrel Logistics Ltd")}, {"tin", S("GB665120489000")},
	          {"country", S("GB")}, {"incorporated", D("2017-08-15")},
	          {"activity", S("49410 freight transport by road")}),
	    VALID(M(co, "companies-2024-02.csv:60", "B2", NULL), "2017-08-15", NULL));
	/* Known only from the tax registry: turnover is tax-confidential, so the
	 * whole record carries the marking. */
	c->marlow = node(&l, "Trader",
	    PROPS({"name", S("Marlow Fruit Traders Ltd")}, {"tin", S("GB847362019000")},
	          {"country", S("GB")}, {"vat_status", S("registered")},
	          {"turnover", dn_value_float(2150000.0)}, {"turnover_year", dn_value_int(2023)}),
	    VALID(M(tax, "vat-registry-2024Q1.csv:803", "A2", "TAX-CONFIDENTIAL"), "2019-03-01", NULL));

	c->whitlow = node(&l, "Person",
	    PROPS({"name", S("Mark Whitlow")}, {"passport", S("553018274")},
	          {"nationality", S("GB")}, {"born", D("1978-09-14")}),
	    M(co, "officers-2024-02.csv:40", "B2", "PERSONAL"));
	c->pike = node(&l, "Person",
	    PROPS({"name", S("Sandra Pike")}, {"passport", S("538271604")},
	          {"nationality", S("GB")}, {"born", D("1969-02-03")}),
	    M(co, "officers-2024-02.csv:77", "B2", NULL));

	c->ipswich = node(&l, "Address",
	    PROPS({"text", S("Suite 5, 118 Harbour Street, Ipswich IP4 1AB")},
	          {"postcode", S("IP4 1AB")}, {"country", S("GB")}, {"kind", S("virtual office")}),
	    M(co, "companies-2024-02.csv:14", "B2", NULL));
	c->colchester = node(&l, "Address",
	    PROPS({"text", S("Unit 12, Northgate Business Park, Colchester CO4 9QR")},
	          {"postcode", S("CO4 9QR")}, {"country", S("GB")}),
	    M(co, "companies-2024-02.csv:31", "B2", NULL));
	c->kestrel_yard = node(&l, "Address",
	    PROPS({"text", S("Kestrel Yard, Felixstowe Road, Ipswich IP3 8TQ")},
	          {"postcode", S("IP3 8TQ")}, {"country", S("GB")}),
	    M(co, "companies-2024-02.csv:60", "B2", NULL));
	c->phone_whitlow = node(&l, "Phone", PROPS({"number", S("+447700900123")}),
	    M(tax, "vat-registry-2024Q1.csv:611", "A2", NULL));

	c->whitlow_director_greenleaf = edge(&l, c->whitlow, "DIRECTOR_OF", c->greenleaf, NOPROPS,
	    VALID(M(co, "officers-2024-02.csv:40", "B2", NULL), "2021-05-24", NULL));
	edge(&l, c->whitlow, "DIRECTOR_OF", c->tropico, NOPROPS,
	    VALID(M(co, "officers-2024-02.csv:41", "B2", NULL), "2022-01-06", NULL));
	edge(&l, c->whitlow, "DIRECTOR_OF", c->marlow, NOPROPS,
	    VALID(M(tax, "vat-registry-2024Q1.csv:803", "A2", "TAX-CONFIDENTIAL"), "2019-03-01", NULL));
	edge(&l, c->whitlow, "OWNS", c->tropico, PROPS({"share", dn_value_float(0.75)}),
	    VALID(M(co, "psc-2024-02.csv:9", "B2", NULL), "2022-01-06", NULL));
	edge(&l, c->pike, "DIRECTOR_OF", c->northgate, NOPROPS,
	    VALID(M(co, "officers-2024-02.csv:77", "B2", NULL), "2009-11-02", NULL));
	edge(&l, c->greenleaf, "REGISTERED_AT", c->ipswich, NOPROPS,
	    VALID(M(co, "companies-2024-02.csv:14", "B2", NULL), "2021-05-24", NULL));
	edge(&l, c->tropico, "REGISTERED_AT", c->ipswich, NOPROPS,
	    VALID(M(co, "companies-2024-02.csv:15", "B2", NULL), "2022-01-06", NULL));
	edge(&l, c->northgate, "REGISTERED_AT", c->colchester, NOPROPS,
	    VALID(M(co, "companies-2024-02.csv:31", "B2", NULL), "2009-11-02", NULL));
	edge(&l, c->kestrel, "REGISTERED_AT", c->kestrel_yard, NOPROPS,
	    VALID(M(co, "companies-2024-02.csv:60", "B2", NULL), "2017-08-15", NULL));
	edge(&l, c->whitlow, "USES_PHONE", c->phone_whitlow, NOPROPS,
	    M(tax, "vat-registry-2024Q1.csv:611", "A2", "PERSONAL"));
	load_commit(&l);
}

/* CHIEF import declarations and the seizure database: what moved, how, and
 * what was found in it. */
static void load_declarations_and_seizures(case_ids *c)
{
	const char *chief = "CHIEF declarations", *sdb = "seizure database";
	load l;
	load_begin(&l, "loader.chief", "CHIEF declarations and seizure database");

	c->guayaquil = node(&l, "Location",
	    PROPS({"locode", S("ECGYE")}, {"name", S("Guayaquil")}, {"country", S("EC")}),
	    M(chief, "unlocode-2023-2.csv:ECGYE", "A1", NULL));
	c->rotterdam = node(&l, "Location",
	    PROPS({"locode", S("NLRTM")}, {"name", S("Rotterdam")}, {"country", S("NL")}),
	    M(chief, "unlocode-2023-2.csv:NLRTM", "A1", NULL));
	c->felixstowe = node(&l, "Location",
	    PROPS({"locode", S("GBFXT")}, {"name", S("Felixstowe")}, {"country", S("GB")}),
	    M(chief, "unlocode-2023-2.csv:GBFXT", "A1", NULL));

	c->pacific_harvest = node(&l, "Conveyance",
	    PROPS({"kind", S("vessel")}, {"name", S("MV Pacific Harvest")}, {"imo", S("9734525")},
	          {"flag", S("PA")}),
	    M(chief, "chief-imports-2024-03.csv:2291", "B2", NULL));
	c->nordic_tern = node(&l, "Conveyance",
	    PROPS({"kind", S("vessel")}, {"name", S("MV Nordic Tern")}, {"imo", S("9310587")},
	          {"flag", S("MT")}),
	    M(chief, "chief-imports-2024-03.csv:2291", "B2", NULL));
	c->container = node(&l, "Conveyance",
	    PROPS({"kind", S("container")}, {"container", S("PHLU7261930")},
	          {"type", S("40ft reefer")}),
	    M(chief, "chief-imports-2024-03.csv:2291", "B2", "CUSTOMS"));
	c->truck = node(&l, "Conveyance",
	    PROPS({"kind", S("truck")}, {"plate", S("PN19 XKD")}, {"make", S("DAF XF")}),
	    M(sdb, "seizures.csv:311", "A1", "CUSTOMS"));

	c->entry_mar = node(&l, "Declaration",
	    PROPS({"ref", S("24GB3F7K2M9A1B2C30")}, {"date", D("2024-03-12")},
	          {"hs_code", S("080390")}, {"goods", S("fresh bananas, 1,320 boxes")},
	          {"declared_value", dn_value_float(18450.0)}, {"currency", S("GBP")},
	          {"origin", S("EC")}, {"regime", S("IM 4000 home use")},
	          {"consignor", S("Costa Verde Exportadora S.A.")}),
	    M(chief, "chief-imports-2024-03.csv:2291", "B2", "CUSTOMS"));
	c->entry_oct = node(&l, "Declaration",
	    PROPS({"ref", S("23GB8H2D4L6P0Q7R51")}, {"date", D("2023-10-02")},
	          {"hs_code", S("080390")}, {"goods", S("fresh bananas, 1,280 boxes")},
	          {"declared_value", dn_value_float(17920.0)}, {"currency", S("GBP")},
	          {"origin", S("EC")}, {"regime", S("IM 4000 home use")},
	          {"consignor", S("Costa Verde Exportadora S.A.")}),
	    M(chief, "chief-imports-2023-10.csv:118", "B2", "CUSTOMS"));
	c->entry_nov = node(&l, "Declaration",
	    PROPS({"ref", S("23GB5N1T9V3W8X2Y64")}, {"date", D("2023-11-17")},
	          {"hs_code", S("080390")}, {"goods", S("fresh bananas, 1,300 boxes")},
	          {"declared_value", dn_value_float(18100.0)}, {"currency", S("GBP")},
	          {"origin", S("EC")}, {"regime", S("IM 4000 home use")},
	          {"consignor", S("Costa Verde Exportadora S.A.")}),
	    M(chief, "chief-imports-2023-11.csv:1740", "B2", "CUSTOMS"));

	c->seizure_fxt = node(&l, "Seizure",
	    PROPS({"ref", S("SZ-2024-FXT-0311")}, {"date", D("2024-03-14")},
	          {"commodity", S("cocaine")}, {"hs_code", S("293972")},
	          {"quantity", dn_value_float(412.5)}, {"unit", S("kg")},
	          {"value", dn_value_float(16500000.0)}, {"currency", S("GBP")},
	          {"concealment", S("banana boxes, false bottoms")},
	          {"detection", S("X-ray scan, then physical search")}, {"place", S("GBFXT")}),
	    M(sdb, "seizures.csv:311", "A1", "CUSTOMS"));
	c->seizure_nov = node(&l, "Seizure",
	    PROPS({"ref", S("SZ-2023-FXT-1187")}, {"date", D("2023-11-20")},
	          {"commodity", S("cocaine")}, {"hs_code", S("293972")},
	          {"quantity", dn_value_float(38.0)}, {"unit", S("kg")},
	          {"value", dn_value_float(1520000.0)}, {"currency", S("GBP")},
	          {"concealment", S("holdalls behind the container doors (rip-on/rip-off)")},
	          {"detection", S("detector dog")}, {"place", S("GBFXT")}),
	    M(sdb, "seizures.csv:287", "A1", "CUSTOMS"));

	c->delaney = node(&l, "Person",
	    PROPS({"name", S("Aaron Delaney")}, {"passport", S("PX4471902")},
	          {"nationality", S("IE")}, {"born", D("1985-06-30")},
	          {"occupation", S("customs broker")}),
	    M(sdb, "seizures.csv:311", "A1", NULL));
	c->nowak = node(&l, "Person",
	    PROPS({"name", S("Tomasz Nowak")}, {"passport", S("EA5938214")},
	          {"nationality", S("PL")}, {"born", D("1990-01-22")},
	          {"occupation", S("HGV driver")}),
	    M(sdb, "seizures.csv:311", "A1", "PERSONAL"));
	c->phone_nowak = node(&l, "Phone", PROPS({"number", S("+447700900456")}),
	    M(sdb, "seizures.csv:311", "A1", "PERSONAL"));

	/* The March entry: importer, consignee, two vessels (transhipped at
	 * Rotterdam), the container, and the route. */
	dn_id e = c->entry_mar;
	const char *rec = "chief-imports-2024-03.csv:2291";
	edge(&l, c->greenleaf, "DECLARED", e, PROPS({"as", S("importer")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, c->northgate, "CONSIGNEE_ON", e, NOPROPS, M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "CARRIED_BY", c->pacific_harvest, PROPS({"leg", S("ECGYE-NLRTM")}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "CARRIED_BY", c->nordic_tern, PROPS({"leg", S("NLRTM-GBFXT")}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "CARRIED_BY", c->container, NOPROPS, M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "DEPARTED", c->guayaquil, PROPS({"date", D("2024-02-16")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "ARRIVED", c->rotterdam,
	    PROPS({"date", D("2024-03-05")}, {"transhipment", dn_value_bool(true)}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "DEPARTED", c->rotterdam,
	    PROPS({"date", D("2024-03-09")}, {"transhipment", dn_value_bool(true)}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "ARRIVED", c->felixstowe, PROPS({"date", D("2024-03-11")}), M(chief, rec, "B2", "CUSTOMS"));

	/* October 2023: the same importer and consignee, cleared without
	 * examination. */
	e = c->entry_oct;
	rec = "chief-imports-2023-10.csv:118";
	edge(&l, c->greenleaf, "DECLARED", e, PROPS({"as", S("importer")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, c->northgate, "CONSIGNEE_ON", e, NOPROPS, M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "CARRIED_BY", c->pacific_harvest, PROPS({"leg", S("ECGYE-GBFXT")}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "DEPARTED", c->guayaquil, PROPS({"date", D("2023-09-12")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "ARRIVED", c->felixstowe, PROPS({"date", D("2023-10-01")}), M(chief, rec, "B2", "CUSTOMS"));

	/* November 2023: Tropico's entry, in which the first seizure was made. */
	e = c->entry_nov;
	rec = "chief-imports-2023-11.csv:1740";
	edge(&l, c->tropico, "DECLARED", e, PROPS({"as", S("importer")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "CARRIED_BY", c->pacific_harvest, PROPS({"leg", S("ECGYE-GBFXT")}),
	    M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "DEPARTED", c->guayaquil, PROPS({"date", D("2023-10-27")}), M(chief, rec, "B2", "CUSTOMS"));
	edge(&l, e, "ARRIVED", c->felixstowe, PROPS({"date", D("2023-11-16")}), M(chief, rec, "B2", "CUSTOMS"));

	rec = "seizures.csv:311";
	edge(&l, c->seizure_fxt, "SEIZED_IN", c->entry_mar, NOPROPS, M(sdb, rec, "A1", "CUSTOMS"));
	edge(&l, c->seizure_fxt, "SEIZED_IN", c->container, NOPROPS, M(sdb, rec, "A1", "CUSTOMS"));
	edge(&l, c->greenleaf, "INVOLVED_IN", c->seizure_fxt, PROPS({"role", S("importer")}),
	    M(sdb, rec, "A1", "CUSTOMS"));
	edge(&l, c->northgate, "INVOLVED_IN", c->seizure_fxt,
	    PROPS({"role", S("consignee (no evidence of knowledge)")}), M(sdb, rec, "B3", "CUSTOMS"));
	edge(&l, c->delaney, "INVOLVED_IN", c->seizure_fxt, PROPS({"role", S("broker who lodged the entry")}),
	    M(sdb, rec, "A1", "CUSTOMS"));
	edge(&l, c->nowak, "INVOLVED_IN", c->seizure_fxt, PROPS({"role", S("driver booked to collect")}),
	    M(sdb, rec, "A1", "CUSTOMS,PERSONAL"));
	edge(&l, c->seizure_nov, "SEIZED_IN", c->entry_nov, NOPROPS, M(sdb, "seizures.csv:287", "A1", "CUSTOMS"));
	edge(&l, c->tropico, "INVOLVED_IN", c->seizure_nov, PROPS({"role", S("importer")}),
	    M(sdb, "seizures.csv:287", "A1", "CUSTOMS"));

	edge(&l, c->delaney, "EMPLOYED_BY", c->harbourside, NOPROPS,
	    VALID(M(sdb, rec, "A2", NULL), "2016-02-01", NULL));
	edge(&l, c->nowak, "EMPLOYED_BY", c->kestrel, NOPROPS,
	    VALID(M(sdb, rec, "A2", "PERSONAL"), "2022-07-01", NULL));
	/* The broker's mobile, taken at interview, is the number Whitlow gave
	 * the tax registry: only combining the two sources shows it. */
	edge(&l, c->delaney, "USES_PHONE", c->phone_whitlow, NOPROPS, M(sdb, rec, "A1", "PERSONAL"));
	edge(&l, c->nowak, "USES_PHONE", c->phone_nowak, NOPROPS, M(sdb, rec, "A1", "PERSONAL"));
	edge(&l, c->kestrel, "OWNS", c->truck, NOPROPS, M(sdb, rec, "A2", "CUSTOMS"));
	load_commit(&l);
}

/* The analyst's own additions: a police intelligence report, what the
 * informant said, and the case file that ties the seizures together.
 * PART_OF (Seizure/Report -> Case) is this example's own edge type; the
 * schema is open and DESIGN's vocabulary has none for case membership. */
static void load_intelligence(case_ids *c)
{
	const char *humint = "informant HUMINT-17", *rec = "HUMINT-17/2024/006";
	load l;
	load_begin(&l, "analyst.ana", "intelligence report and case file");

	c->villacis = node(&l, "Person",
	    PROPS({"name", S("Jorge Villacís")}, {"passport", S("A4729310")},
	          {"nationality", S("EC")}, {"born", D("1974-11-05")}),
	    M(humint, rec, "C3", "PERSONAL"));
	c->costa_verde = node(&l, "Trader",
	    PROPS({"name", S("Costa Verde Exportadora S.A.")}, {"tin", S("EC0992345678001")},
	          {"country", S("EC")}),
	    M("CHIEF declarations", "chief-imports-2024-03.csv:2291", "B2", NULL));
	c->phone_villacis = node(&l, "Phone", PROPS({"number", S("+593991234567")}),
	    M(humint, rec, "C3", "PERSONAL"));
	c->report = node(&l, "Report",
	    PROPS({"ref", S("INT-2024-0042")}, {"date", D("2024-03-20")},
	          {"title", S("Whitlow arranges collection of Guayaquil fruit containers")},
	          {"summary", S("HUMINT-17 states that Whitlow pays Villacís per container and "
	                        "that a Kestrel truck is booked for each collection.")}),
	    M(humint, rec, "C3", "POLICE"));
	c->opcase = node(&l, "Case",
	    PROPS({"ref", S("CASE-2024-0117")}, {"name", S("Operation Cavendish")},
	          {"opened", D("2024-03-15")}, {"status", S("open")}, {"lead", S("analyst.ana")}),
	    M("case management", "CASE-2024-0117", "A1", "CUSTOMS"));

	edge(&l, c->report, "MENTIONS", c->whitlow, NOPROPS, M(humint, rec, "C3", "POLICE"));
	edge(&l, c->report, "MENTIONS", c->villacis, NOPROPS, M(humint, rec, "C3", "POLICE"));
	edge(&l, c->report, "MENTIONS", c->truck, NOPROPS, M(humint, rec, "C3", "POLICE"));
	edge(&l, c->whitlow, "ASSOCIATE_OF", c->villacis, NOPROPS,
	    VALID(M(humint, rec, "C3", "PERSONAL"), "2023-06-01", NULL));
	edge(&l, c->villacis, "OWNS", c->costa_verde, PROPS({"share", dn_value_float(1.0)}),
	    M(humint, rec, "C3", "PERSONAL"));
	edge(&l, c->villacis, "USES_PHONE", c->phone_villacis, NOPROPS, M(humint, rec, "C3", "PERSONAL"));
	const char *cm = "case management", *cref = "CASE-2024-0117";
	edge(&l, c->seizure_fxt, "PART_OF", c->opcase, NOPROPS, M(cm, cref, "A1", "CUSTOMS"));
	edge(&l, c->seizure_nov, "PART_OF", c->opcase, NOPROPS, M(cm, cref, "A1", "CUSTOMS"));
	edge(&l, c->report, "PART_OF", c->opcase, NOPROPS, M(cm, cref, "A1", "POLICE"));
	load_commit(&l);
}

/* Three weeks after the seizure the company registry reports that the
 * importer has renamed itself and that Whitlow resigned in favour of a
 * straw man at the same virtual office. The old directorship is not
 * deleted: its valid time is closed, so both "who was director when" and
 * "what did we know before the update" stay answerable. */
static void apply_registry_update(case_ids *c)
{
	const char *co = "company registry";
	dn_value name = S("Evergreen Produce Trading Ltd");
	dn_meta ended = VALID(M(co, "officers-2024-04.csv:12", "B2", NULL), "2021-05-24", "2024-04-02");
	load l;
	load_begin(&l, "loader.tax", "company registry update (April 2024)");

	if (dn_node_set_prop(l.txn, c->greenleaf, "name", &name) != 0)
		die("rename trader %llu", (unsigned long long)c->greenleaf);
	if (dn_edge_set_meta(l.txn, c->whitlow_director_greenleaf, &ended) != 0)
		die("end directorship %llu", (unsigned long long)c->whitlow_director_greenleaf);
	dn_id reilly = node(&l, "Person",
	    PROPS({"name", S("Kevin Reilly")}, {"passport", S("548102937")},
	          {"nationality", S("GB")}, {"born", D("1991-12-07")}),
	    M(co, "officers-2024-04.csv:13", "B2", "PERSONAL"));
	edge(&l, reilly, "DIRECTOR_OF", c->greenleaf, NOPROPS,
	    VALID(M(co, "officers-2024-04.csv:13", "B2", NULL), "2024-04-02", NULL));
	edge(&l, reilly, "REGISTERED_AT", c->ipswich, PROPS({"as", S("service address")}),
	    VALID(M(co, "officers-2024-04.csv:13", "B2", "PERSONAL"), "2024-04-02", NULL));
	load_commit(&l);
}

/* ------------------------------------------------------------------ */
/* Reading helpers                                                     */
/* ------------------------------------------------------------------ */

static dn_txn *reader(const char *const *clearances, size_t n, uint64_t as_of_pos)
{
	dn_txn_opts o = {.principal = "analyst.ana", .as_of_pos = as_of_pos,
	                 .clearances = clearances, .n_clearances = n};
	dn_txn *t;
	if (dn_txn_begin(case_db, DN_TXN_RDONLY, &o, &t) != 0)
		die("begin read transaction");
	return t;
}

static void reader_end(dn_txn *t)
{
	if (dn_txn_commit(t) != 0)
		die("end read transaction");
}

static dn_node *get_node(dn_txn *t, dn_id id)
{
	dn_node *n;
	if (dn_node_get(t, id, &n) != 0)
		die("read node %llu", (unsigned long long)id);
	return n;
}

static dn_edge *get_edge(dn_txn *t, dn_id id)
{
	dn_edge *e;
	if (dn_edge_get(t, id, &e) != 0)
		die("read edge %llu", (unsigned long long)id);
	return e;
}

/* Any value as text into buf (strings are length-counted, hence %.*s). */
static const char *fmt_value(const dn_value *v, char *buf, size_t cap)
{
	if (!v) {
		snprintf(buf, cap, "-");
		return buf;
	}
	switch (v->type) {
	case DN_BOOL: snprintf(buf, cap, "%s", v->u.b ? "yes" : "no"); break;
	case DN_INT: snprintf(buf, cap, "%lld", (long long)v->u.i); break;
	case DN_FLOAT: snprintf(buf, cap, "%.15g", v->u.f); break;
	case DN_STRING: snprintf(buf, cap, "%.*s", (int)v->len, v->u.s); break;
	case DN_DATE: dn_date_format(v->u.date, buf, cap); break;
	case DN_DATETIME: dn_datetime_format(v->u.datetime, buf, cap); break;
	default: snprintf(buf, cap, "(%s)", dn_type_name(v->type)); break;
	}
	return buf;
}

/* A property of a node as text ("-" when absent); buf holds the result. */
static const char *np(const dn_node *n, const char *key, char *buf, size_t cap)
{
	return fmt_value(dn_node_prop(n, key), buf, cap);
}

static const char *ep(const dn_edge *e, const char *key, char *buf, size_t cap)
{
	return fmt_value(dn_edge_prop(e, key), buf, cap);
}

/* Money with thousands separators: 16500000 -> "16,500,000". */
static const char *fmt_money(const dn_value *v, char *buf, size_t cap)
{
	char digits[32], out[48];
	size_t n, j = 0;
	if (!v || (v->type != DN_FLOAT && v->type != DN_INT))
		return fmt_value(v, buf, cap);
	snprintf(digits, sizeof digits, "%.0f", v->type == DN_INT ? (double)v->u.i : v->u.f);
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	snprintf(buf, cap, "%s", out);
	return buf;
}

/* "[B2, company registry]", with the marking when there is one. */
static const char *fmt_grade(const dn_meta *m, char *buf, size_t cap)
{
	char g[8] = "--";
	if (m->reliability)
		snprintf(g, sizeof g, "%c%u", m->reliability, (unsigned)m->credibility);
	if (m->marking && *m->marking)
		snprintf(buf, cap, "[%s, %s; %s]", g, m->source ? m->source : "no source", m->marking);
	else
		snprintf(buf, cap, "[%s, %s]", g, m->source ? m->source : "no source");
	return buf;
}

static const char *fmt_ms_date(int64_t ms, char *buf, size_t cap)
{
	int64_t d = ms / MS_PER_DAY;
	if (ms % MS_PER_DAY < 0)
		d--;
	dn_date_format((int32_t)d, buf, cap);
	return buf;
}

/* Valid time as "since 2021-05-24", "2021-05-24 to 2024-04-02" or "". */
static const char *fmt_valid(const dn_meta *m, char *buf, size_t cap)
{
	char a[16], b[16];
	if (m->valid_from == DN_TIME_UNSET && m->valid_to == DN_TIME_UNSET)
		snprintf(buf, cap, "%s", "");
	else if (m->valid_to == DN_TIME_UNSET)
		snprintf(buf, cap, "since %s", fmt_ms_date(m->valid_from, a, sizeof a));
	else if (m->valid_from == DN_TIME_UNSET)
		snprintf(buf, cap, "until %s", fmt_ms_date(m->valid_to, b, sizeof b));
	else
		snprintf(buf, cap, "%s to %s", fmt_ms_date(m->valid_from, a, sizeof a),
		         fmt_ms_date(m->valid_to, b, sizeof b));
	return buf;
}

/* The name an analyst knows a node by: its name, else its key. */
static const char *title(const dn_node *n, char *buf, size_t cap)
{
	static const char *const keys[] = {"name", "ref", "number", "container", "plate", "text"};
	for (size_t i = 0; i < NELEM(keys); i++)
		if (dn_node_prop(n, keys[i]))
			return np(n, keys[i], buf, cap);
	snprintf(buf, cap, "#%llu", (unsigned long long)n->id);
	return buf;
}

static const char *label_of(const dn_node *n)
{
	return n->nlabels ? n->labels[0] : "(no label)";
}

/* A node's label and title in one string, read through transaction t. */
static const char *describe(dn_txn *t, dn_id id, char *buf, size_t cap)
{
	char tb[160];
	dn_node *n = get_node(t, id);
	snprintf(buf, cap, "%s %s", label_of(n), title(n, tb, sizeof tb));
	dn_node_free(n);
	return buf;
}

/* The adjacency of a node, collected (the case is small). */
typedef struct adjv {
	dn_adj *v;
	size_t n, cap;
} adjv;

static void adj_collect(dn_txn *t, dn_id node_id, dn_dir dir, const char *type, adjv *out)
{
	dn_iter *it;
	dn_adj a;
	int rc;
	out->n = 0;
	if (dn_edges_of(t, node_id, dir, type, &it) != 0)
		die("edges of node %llu", (unsigned long long)node_id);
	while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 16;
			out->v = xrealloc(out->v, out->cap * sizeof *out->v);
		}
		out->v[out->n++] = a;
	}
	if (rc != DN_DONE)
		die("iterate edges of node %llu", (unsigned long long)node_id);
	dn_iter_free(it);
}

/* ------------------------------------------------------------------ */
/* Aligned tables                                                      */
/* ------------------------------------------------------------------ */

#define TABLE_MAXCOLS 6

typedef struct table {
	size_t ncols, nrows, cap;
	char **cells; /* nrows * ncols owned strings; row 0 is the header */
} table;

static void table_row(table *tb, ...)
{
	va_list ap;
	if (tb->nrows == tb->cap) {
		tb->cap = tb->cap ? 2 * tb->cap : 8;
		tb->cells = xrealloc(tb->cells, tb->cap * tb->ncols * sizeof *tb->cells);
	}
	va_start(ap, tb);
	for (size_t i = 0; i < tb->ncols; i++)
		tb->cells[tb->nrows * tb->ncols + i] = xstrdup(va_arg(ap, const char *));
	va_end(ap);
	tb->nrows++;
}

/* Display width of UTF-8 text: code points, enough for Latin names. */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Prints the header, a rule and the rows, columns padded; frees the table. */
static void table_print(table *tb)
{
	size_t width[TABLE_MAXCOLS] = {0};
	for (size_t r = 0; r < tb->nrows; r++)
		for (size_t c = 0; c < tb->ncols; c++) {
			size_t w = text_width(tb->cells[r * tb->ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < tb->nrows; r++) {
		if (r == 1) { /* the rule under the header */
			fputs("   ", stdout);
			for (size_t c = 0; c < tb->ncols; c++) {
				for (size_t k = 0; k < width[c]; k++)
					putchar('-');
				fputs(c + 1 < tb->ncols ? "  " : "\n", stdout);
			}
		}
		/* pad up to the last non-empty cell only: no trailing blanks */
		size_t last = 0;
		for (size_t c = 0; c < tb->ncols; c++)
			if (*tb->cells[r * tb->ncols + c])
				last = c;
		fputs("   ", stdout);
		for (size_t c = 0; c <= last; c++) {
			const char *s = tb->cells[r * tb->ncols + c];
			fputs(s, stdout);
			if (c < last)
				for (size_t k = text_width(s); k < width[c] + 2; k++)
					putchar(' ');
		}
		putchar('\n');
	}
	for (size_t i = 0; i < tb->nrows * tb->ncols; i++)
		free(tb->cells[i]);
	free(tb->cells);
	memset(tb, 0, sizeof *tb);
}

static void heading(const char *s)
{
	printf("\n== %s ==\n", s);
}

/* ------------------------------------------------------------------ */
/* The investigation                                                   */
/* ------------------------------------------------------------------ */

/* What step a. finds and the later steps start from. */
typedef struct findings {
	dn_id seizure, entry, trader;
} findings;

typedef struct stop {
	int32_t date;
	const char *event;
	dn_id place;
	bool tranship;
} stop;

static int stop_cmp(const void *a, const void *b)
{
	const stop *x = a, *y = b;
	return (x->date > y->date) - (x->date < y->date);
}

/* a. From a seizure reference to the entry, the importer, the vessels and
 *    the route. */
static void investigate_seizure(dn_txn *t, const char *ref, findings *f)
{
	char b1[160], b2[160], b3[160], b4[160], b5[160];
	dn_value key = S(ref);
	dn_iter *it;
	dn_node *s, *d;
	adjv av = {0};
	int rc;

	heading("a. The seizure, its entry, importer, conveyances and route");
	if (dn_index_seek(t, "Seizure", "ref", &key, &key, 0, &it) != 0)
		die("seek Seizure.ref = %s", ref);
	rc = dn_iter_next(it, &f->seizure);
	if (rc == DN_DONE)
		fatal("seizure reference not found");
	if (rc != DN_ROW)
		die("seek Seizure.ref = %s", ref);
	dn_iter_free(it);

	s = get_node(t, f->seizure);
	printf("Seizure %s, found by index seek on Seizure.ref  %s\n", ref,
	       fmt_grade(&s->meta, b1, sizeof b1));
	table tb = {.ncols = 2};
	table_row(&tb, "field", "value");
	table_row(&tb, "date", np(s, "date", b1, sizeof b1));
	snprintf(b3, sizeof b3, "%s (HS %s)", np(s, "commodity", b1, sizeof b1), np(s, "hs_code", b2, sizeof b2));
	table_row(&tb, "commodity", b3);
	snprintf(b3, sizeof b3, "%s %s", np(s, "quantity", b1, sizeof b1), np(s, "unit", b2, sizeof b2));
	table_row(&tb, "quantity", b3);
	snprintf(b3, sizeof b3, "%s %s (estimated)", np(s, "currency", b1, sizeof b1),
	         fmt_money(dn_node_prop(s, "value"), b2, sizeof b2));
	table_row(&tb, "value", b3);
	table_row(&tb, "concealment", np(s, "concealment", b1, sizeof b1));
	table_row(&tb, "detection", np(s, "detection", b1, sizeof b1));
	table_row(&tb, "place", np(s, "place", b1, sizeof b1));
	table_print(&tb);
	dn_node_free(s);

	/* SEIZED_IN: the declaration (and the container) it was found in. */
	adj_collect(t, f->seizure, DN_OUT, "SEIZED_IN", &av);
	printf("SEIZED_IN:");
	for (size_t i = 0; i < av.n; i++) {
		dn_node *n = get_node(t, av.v[i].nbr);
		if (dn_node_has_label(n, "Declaration"))
			f->entry = n->id;
		printf("%s %s %s", i ? "," : "", label_of(n), title(n, b1, sizeof b1));
		dn_node_free(n);
	}
	putchar('\n');
	if (!f->entry)
		fatal("the seizure has no declaration");

	d = get_node(t, f->entry);
	printf("\nDeclaration %s  %s\n", np(d, "ref", b1, sizeof b1), fmt_grade(&d->meta, b2, sizeof b2));
	tb = (table){.ncols = 2};
	table_row(&tb, "field", "value");
	table_row(&tb, "date", np(d, "date", b1, sizeof b1));
	snprintf(b3, sizeof b3, "%s (HS %s)", np(d, "goods", b1, sizeof b1), np(d, "hs_code", b2, sizeof b2));
	table_row(&tb, "goods", b3);
	snprintf(b3, sizeof b3, "%s %s", np(d, "currency", b1, sizeof b1),
	         fmt_money(dn_node_prop(d, "declared_value"), b2, sizeof b2));
	table_row(&tb, "declared value", b3);
	table_row(&tb, "origin", np(d, "origin", b1, sizeof b1));
	table_row(&tb, "consignor", np(d, "consignor", b1, sizeof b1));
	table_row(&tb, "regime", np(d, "regime", b1, sizeof b1));
	table_print(&tb);
	dn_node_free(d);

	/* DECLARED and CONSIGNEE_ON in-edges: who lodged it, who receives. */
	printf("\nTraders on the entry (DECLARED / CONSIGNEE_ON in-edges):\n");
	tb = (table){.ncols = 4};
	table_row(&tb, "as", "trader", "TIN", "grading");
	static const char *const trader_types[] = {"DECLARED", "CONSIGNEE_ON"};
	for (size_t k = 0; k < NELEM(trader_types); k++) {
		adj_collect(t, f->entry, DN_IN, trader_types[k], &av);
		for (size_t i = 0; i < av.n; i++) {
			dn_node *n = get_node(t, av.v[i].nbr);
			dn_edge *e = get_edge(t, av.v[i].edge);
			if (k == 0 && !f->trader)
				f->trader = n->id;
			table_row(&tb, k == 0 ? "declarant" : "consignee", title(n, b1, sizeof b1),
			          np(n, "tin", b2, sizeof b2), fmt_grade(&e->meta, b3, sizeof b3));
			dn_node_free(n);
			dn_edge_free(e);
		}
	}
	table_print(&tb);
	if (!f->trader)
		fatal("the entry has no declarant");

	/* CARRIED_BY: vessels and the container. */
	printf("\nConveyances (CARRIED_BY):\n");
	tb = (table){.ncols = 4};
	table_row(&tb, "kind", "conveyance", "id", "leg");
	adj_collect(t, f->entry, DN_OUT, "CARRIED_BY", &av);
	for (size_t i = 0; i < av.n; i++) {
		dn_node *n = get_node(t, av.v[i].nbr);
		dn_edge *e = get_edge(t, av.v[i].edge);
		if (dn_node_prop(n, "imo"))
			snprintf(b4, sizeof b4, "IMO %s, flag %s", np(n, "imo", b1, sizeof b1), np(n, "flag", b2, sizeof b2));
		else
			snprintf(b4, sizeof b4, "%s", np(n, "type", b1, sizeof b1));
		table_row(&tb, np(n, "kind", b3, sizeof b3), title(n, b5, sizeof b5), b4,
		          dn_edge_prop(e, "leg") ? ep(e, "leg", b1, sizeof b1) : "");
		dn_node_free(n);
		dn_edge_free(e);
	}
	table_print(&tb);

	/* DEPARTED / ARRIVED, ordered by date: the route. */
	stop stops[16];
	size_t nstops = 0;
	static const char *const legs[] = {"DEPARTED", "ARRIVED"};
	for (size_t k = 0; k < NELEM(legs); k++) {
		adj_collect(t, f->entry, DN_OUT, legs[k], &av);
		for (size_t i = 0; i < av.n && nstops < NELEM(stops); i++) {
			dn_edge *e = get_edge(t, av.v[i].edge);
			const dn_value *dt = dn_edge_prop(e, "date"), *ts = dn_edge_prop(e, "transhipment");
			stops[nstops++] = (stop){dt && dt->type == DN_DATE ? dt->u.date : 0,
			                         k == 0 ? "departed" : "arrived", av.v[i].nbr,
			                         ts && ts->type == DN_BOOL && ts->u.b};
			dn_edge_free(e);
		}
	}
	qsort(stops, nstops, sizeof *stops, stop_cmp);
	printf("\nRoute (DEPARTED / ARRIVED by date):\n");
	tb = (table){.ncols = 4};
	table_row(&tb, "date", "event", "port", "note");
	for (size_t i = 0; i < nstops; i++) {
		dn_node *n = get_node(t, stops[i].place);
		dn_date_format(stops[i].date, b1, sizeof b1);
		snprintf(b4, sizeof b4, "%s %s, %s", np(n, "locode", b2, sizeof b2), np(n, "name", b3, sizeof b3),
		         np(n, "country", b5, sizeof b5));
		table_row(&tb, b1, stops[i].event, b4, stops[i].tranship ? "transhipment" : "");
		dn_node_free(n);
	}
	table_print(&tb);

	/* INVOLVED_IN: everyone the seizure record names, with their role. */
	printf("\nInvolved in the seizure (INVOLVED_IN, with role):\n");
	tb = (table){.ncols = 3};
	table_row(&tb, "who", "role", "grading");
	adj_collect(t, f->seizure, DN_IN, "INVOLVED_IN", &av);
	for (size_t i = 0; i < av.n; i++) {
		dn_edge *e = get_edge(t, av.v[i].edge);
		table_row(&tb, describe(t, av.v[i].nbr, b1, sizeof b1), ep(e, "role", b2, sizeof b2),
		          fmt_grade(&e->meta, b3, sizeof b3));
		dn_edge_free(e);
	}
	table_print(&tb);
	free(av.v);
}

/* The seizures a trader was involved in, as "SZ-..., SZ-..." (or ""). */
static const char *seizures_of(dn_txn *t, dn_id trader, char *buf, size_t cap)
{
	adjv av = {0};
	char tb[64];
	buf[0] = '\0';
	adj_collect(t, trader, DN_OUT, "INVOLVED_IN", &av);
	for (size_t i = 0; i < av.n; i++) {
		dn_node *n = get_node(t, av.v[i].nbr);
		size_t len = strlen(buf);
		snprintf(buf + len, cap - len, "%s%s", len ? ", " : "", title(n, tb, sizeof tb));
		dn_node_free(n);
	}
	free(av.v);
	return buf;
}

/* b. Shared directors, shared address, shared phones. */
static void investigate_links(dn_txn *t, const findings *f)
{
	char b1[160], b2[160], b3[160], b4[160], tname[160];
	adjv dirs = {0}, other = {0}, av = {0};
	dn_node *tr = get_node(t, f->trader);
	title(tr, tname, sizeof tname);
	dn_node_free(tr);

	heading("b. Who is behind the importer");
	printf("Directors of %s (DIRECTOR_OF in-edges, with valid time):\n", tname);
	table tb = {.ncols = 4};
	table_row(&tb, "director", "passport", "valid", "grading");
	adj_collect(t, f->trader, DN_IN, "DIRECTOR_OF", &dirs);
	for (size_t i = 0; i < dirs.n; i++) {
		dn_node *p = get_node(t, dirs.v[i].nbr);
		dn_edge *e = get_edge(t, dirs.v[i].edge);
		table_row(&tb, title(p, b1, sizeof b1), np(p, "passport", b2, sizeof b2),
		          fmt_valid(&e->meta, b3, sizeof b3), fmt_grade(&e->meta, b4, sizeof b4));
		dn_node_free(p);
		dn_edge_free(e);
	}
	table_print(&tb);

	printf("\nOther companies those directors run (shared directors = suspects):\n");
	tb = (table){.ncols = 5};
	table_row(&tb, "director", "also director of", "valid", "seizures", "grading");
	size_t nsuspects = 0;
	for (size_t i = 0; i < dirs.n; i++) {
		adj_collect(t, dirs.v[i].nbr, DN_OUT, "DIRECTOR_OF", &other);
		for (size_t j = 0; j < other.n; j++) {
			if (other.v[j].nbr == f->trader)
				continue;
			dn_node *p = get_node(t, dirs.v[i].nbr), *o = get_node(t, other.v[j].nbr);
			dn_edge *e = get_edge(t, other.v[j].edge);
			char sz[160];
			seizures_of(t, o->id, sz, sizeof sz);
			table_row(&tb, title(p, b1, sizeof b1), title(o, b2, sizeof b2),
			          fmt_valid(&e->meta, b3, sizeof b3), *sz ? sz : "none",
			          fmt_grade(&e->meta, b4, sizeof b4));
			nsuspects++;
			dn_node_free(p);
			dn_node_free(o);
			dn_edge_free(e);
		}
	}
	table_print(&tb);
	if (!nsuspects)
		printf("   (none)\n");

	printf("\nSharing the importer's registered address (REGISTERED_AT):\n");
	tb = (table){.ncols = 4};
	table_row(&tb, "address", "also registered there", "valid", "grading");
	adj_collect(t, f->trader, DN_OUT, "REGISTERED_AT", &av);
	for (size_t i = 0; i < av.n; i++) {
		dn_node *a = get_node(t, av.v[i].nbr);
		adj_collect(t, a->id, DN_IN, "REGISTERED_AT", &other);
		for (size_t j = 0; j < other.n; j++) {
			if (other.v[j].nbr == f->trader)
				continue;
			dn_edge *e = get_edge(t, other.v[j].edge);
			char what[160];
			describe(t, other.v[j].nbr, what, sizeof what);
			if (dn_edge_prop(e, "as")) {
				size_t len = strlen(what);
				snprintf(what + len, sizeof what - len, " (%s)", ep(e, "as", b4, sizeof b4));
			}
			table_row(&tb, title(a, b1, sizeof b1), what, fmt_valid(&e->meta, b2, sizeof b2),
			          fmt_grade(&e->meta, b3, sizeof b3));
			dn_edge_free(e);
		}
		dn_node_free(a);
	}
	table_print(&tb);

	/* Phones used by more than one person: a label scan and a degree. */
	printf("\nPhones used by more than one person (USES_PHONE):\n");
	tb = (table){.ncols = 4};
	table_row(&tb, "phone", "used by", "occupation", "grading");
	dn_iter *it;
	dn_id ph;
	int rc;
	if (dn_nodes_by_label(t, "Phone", &it) != 0)
		die("scan Phone nodes");
	while ((rc = dn_iter_next(it, &ph)) == DN_ROW) {
		uint64_t users;
		if (dn_degree(t, ph, DN_IN, "USES_PHONE", &users) != 0)
			die("degree of phone %llu", (unsigned long long)ph);
		if (users < 2)
			continue;
		dn_node *pn = get_node(t, ph);
		adj_collect(t, ph, DN_IN, "USES_PHONE", &av);
		for (size_t i = 0; i < av.n; i++) {
			dn_node *p = get_node(t, av.v[i].nbr);
			dn_edge *e = get_edge(t, av.v[i].edge);
			adj_collect(t, p->id, DN_OUT, "DIRECTOR_OF", &other);
			if (dn_node_prop(p, "occupation"))
				np(p, "occupation", b3, sizeof b3);
			else
				snprintf(b3, sizeof b3, other.n ? "company director" : "-");
			table_row(&tb, i == 0 ? title(pn, b1, sizeof b1) : "", title(p, b2, sizeof b2), b3,
			          fmt_grade(&e->meta, b4, sizeof b4));
			dn_node_free(p);
			dn_edge_free(e);
		}
		dn_node_free(pn);
	}
	if (rc != DN_DONE)
		die("scan Phone nodes");
	dn_iter_free(it);
	table_print(&tb);
	free(dirs.v);
	free(other.v);
	free(av.v);
}

/* A set of node ids with their distance; linear search is plenty here. */
typedef struct reach {
	dn_id *id;
	int *hop;
	size_t n, cap;
} reach;

static bool reach_has(const reach *r, dn_id id)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->id[i] == id)
			return true;
	return false;
}

static void reach_add(reach *r, dn_id id, int hop)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 32;
		r->id = xrealloc(r->id, r->cap * sizeof *r->id);
		r->hop = xrealloc(r->hop, r->cap * sizeof *r->hop);
	}
	r->id[r->n] = id;
	r->hop[r->n++] = hop;
}

/* Breadth-first expansion over edges of every type and direction that
 * transaction t can see; r receives start (hop 0) and every node within
 * `hops`. */
static void expand(dn_txn *t, dn_id start, int hops, reach *r)
{
	adjv av = {0};
	r->n = 0;
	reach_add(r, start, 0);
	for (size_t i = 0; i < r->n; i++) {
		if (r->hop[i] == hops)
			continue;
		adj_collect(t, r->id[i], DN_BOTH, NULL, &av);
		for (size_t j = 0; j < av.n; j++)
			if (!reach_has(r, av.v[j].nbr))
				reach_add(r, av.v[j].nbr, r->hop[i] + 1);
	}
	free(av.v);
}

/* c. The 2-hop neighbourhood of the importer. */
static void investigate_network(dn_txn *t, const findings *f)
{
	static const char *const labels[] = {"Trader", "Person", "Declaration", "Seizure", "Conveyance",
	                                     "Location", "Address", "Phone", "Report", "Case"};
	size_t per_label[NELEM(labels)][3] = {{0}};
	char b1[160], nums[3][16];
	reach r = {0};

	heading("c. The importer's 2-hop network (all edge types, both directions)");
	expand(t, f->trader, 2, &r);
	for (size_t i = 1; i < r.n; i++) {
		dn_node *n = get_node(t, r.id[i]);
		for (size_t k = 0; k < NELEM(labels); k++)
			if (dn_node_has_label(n, labels[k]))
				per_label[k][r.hop[i]]++;
		dn_node_free(n);
	}
	table tb = {.ncols = 4};
	table_row(&tb, "label", "1 hop", "2 hops", "total");
	size_t tot[3] = {0};
	for (size_t k = 0; k < NELEM(labels); k++) {
		size_t a = per_label[k][1], b = per_label[k][2];
		if (!a && !b)
			continue;
		snprintf(nums[0], sizeof nums[0], "%zu", a);
		snprintf(nums[1], sizeof nums[1], "%zu", b);
		snprintf(nums[2], sizeof nums[2], "%zu", a + b);
		table_row(&tb, labels[k], nums[0], nums[1], nums[2]);
		tot[1] += a;
		tot[2] += b;
	}
	snprintf(nums[0], sizeof nums[0], "%zu", tot[1]);
	snprintf(nums[1], sizeof nums[1], "%zu", tot[2]);
	snprintf(nums[2], sizeof nums[2], "%zu", tot[1] + tot[2]);
	table_row(&tb, "all", nums[0], nums[1], nums[2]);
	table_print(&tb);
	dn_node *tr = get_node(t, f->trader);
	printf("%zu nodes lie within two hops of %s.\n", r.n - 1, title(tr, b1, sizeof b1));
	dn_node_free(tr);
	free(r.id);
	free(r.hop);
}

/* True when every caveat of a comma-separated marking is in cl[0..n). */
static bool cleared_for(const char *marking, const char *const *cl, size_t n)
{
	while (marking && *marking) {
		size_t len = strcspn(marking, ",");
		bool ok = false;
		for (size_t k = 0; k < n; k++)
			ok |= strlen(cl[k]) == len && strncmp(cl[k], marking, len) == 0;
		if (!ok)
			return false;
		marking += len + (marking[len] == ',');
	}
	return true;
}

static const char *name_of(dn_txn *t, dn_id id, char *buf, size_t cap)
{
	dn_node *n = get_node(t, id);
	title(n, buf, cap);
	dn_node_free(n);
	return buf;
}

/* d. The same database through a reader cleared only for CUSTOMS and
 *    PERSONAL: what it counts, and what it cannot see at all. */
static void investigate_markings(dn_txn *all, const findings *f)
{
	static const char *const cleared[] = {"CUSTOMS", "PERSONAL"};
	char b1[360], b2[160], b3[160], n1[24], n2[24];
	uint64_t nodes[2], edges[2];
	reach r[2] = {{0}, {0}};
	dn_txn *lim = reader(cleared, NELEM(cleared), 0);
	dn_txn *tx[2] = {all, lim};
	dn_iter *it;
	dn_id id;
	int rc;

	heading("d. Handling markings: an unrestricted reader vs. one cleared for CUSTOMS, PERSONAL");
	for (int k = 0; k < 2; k++) {
		if (dn_count_nodes(tx[k], &nodes[k]) != 0 || dn_count_edges(tx[k], &edges[k]) != 0)
			die("count nodes and edges");
		expand(tx[k], f->trader, 2, &r[k]);
	}
	table tb = {.ncols = 3};
	table_row(&tb, "", "unrestricted", "CUSTOMS,PERSONAL");
	snprintf(n1, sizeof n1, "%llu", (unsigned long long)nodes[0]);
	snprintf(n2, sizeof n2, "%llu", (unsigned long long)nodes[1]);
	table_row(&tb, "nodes", n1, n2);
	snprintf(n1, sizeof n1, "%llu", (unsigned long long)edges[0]);
	snprintf(n2, sizeof n2, "%llu", (unsigned long long)edges[1]);
	table_row(&tb, "edges", n1, n2);
	snprintf(n1, sizeof n1, "%zu", r[0].n - 1);
	snprintf(n2, sizeof n2, "%zu", r[1].n - 1);
	table_row(&tb, "importer's 2-hop network", n1, n2);
	table_print(&tb);

	printf("\nInvisible to the CUSTOMS,PERSONAL reader, in every lookup, scan and count:\n");
	tb = (table){.ncols = 3};
	table_row(&tb, "element", "marking", "why");
	if (dn_nodes_all(all, &it) != 0)
		die("scan nodes");
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		if (dn_node_exists(lim, id))
			continue;
		dn_node *n = get_node(all, id);
		snprintf(b1, sizeof b1, "%s %s", label_of(n), title(n, b2, sizeof b2));
		table_row(&tb, b1, n->meta.marking ? n->meta.marking : "", "marking not cleared");
		dn_node_free(n);
	}
	if (rc != DN_DONE)
		die("scan nodes");
	dn_iter_free(it);
	if (dn_edges_all(all, &it) != 0)
		die("scan edges");
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		if (dn_edge_exists(lim, id))
			continue;
		dn_edge *e = get_edge(all, id);
		snprintf(b1, sizeof b1, "%s -[%s]-> %s", name_of(all, e->src, b2, sizeof b2), e->type,
		         name_of(all, e->dst, b3, sizeof b3));
		table_row(&tb, b1, e->meta.marking ? e->meta.marking : "",
		          cleared_for(e->meta.marking, cleared, NELEM(cleared)) ? "an end is invisible"
		                                                                : "marking not cleared");
		dn_edge_free(e);
	}
	if (rc != DN_DONE)
		die("scan edges");
	dn_iter_free(it);
	table_print(&tb);

	/* A direct read by id fails as if the report did not exist. */
	if (dn_nodes_by_label(all, "Report", &it) != 0)
		die("scan Report nodes");
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		dn_node *n;
		int grc = dn_node_get(lim, id, &n);
		if (grc == 0) {
			dn_node_free(n);
			fatal("a POLICE report is visible to a reader not cleared for it");
		}
		if (grc != DN_ENOTFOUND)
			die("read report %llu", (unsigned long long)id);
		printf("dn_node_get(report %llu) for the CUSTOMS,PERSONAL reader: \"%s\".\n",
		       (unsigned long long)id, dn_strerror(grc));
	}
	if (rc != DN_DONE)
		die("scan Report nodes");
	dn_iter_free(it);
	reader_end(lim);
	for (int k = 0; k < 2; k++) {
		free(r[k].id);
		free(r[k].hop);
	}
}

/* One view of the importer for e.: its name and its directors. */
static uint64_t show_trader_at(dn_txn *t, dn_id trader, const char *when)
{
	char b1[160], b2[160], b3[160], b4[32];
	adjv av = {0};
	dn_node *n = get_node(t, trader);
	uint64_t version = n->version_pos;

	printf("%s, the importer is \"%s\" (this version recorded at position %llu, created at %llu).\n",
	       when, title(n, b1, sizeof b1), (unsigned long long)n->version_pos,
	       (unsigned long long)n->created_pos);
	dn_node_free(n);
	table tb = {.ncols = 4};
	table_row(&tb, "director", "valid", "recorded at", "grading");
	adj_collect(t, trader, DN_IN, "DIRECTOR_OF", &av);
	for (size_t i = 0; i < av.n; i++) {
		dn_edge *e = get_edge(t, av.v[i].edge);
		snprintf(b4, sizeof b4, "position %llu", (unsigned long long)e->version_pos);
		table_row(&tb, name_of(t, av.v[i].nbr, b1, sizeof b1), fmt_valid(&e->meta, b2, sizeof b2), b4,
		          fmt_grade(&e->meta, b3, sizeof b3));
		dn_edge_free(e);
	}
	table_print(&tb);
	free(av.v);
	return version;
}

static const char *log_op_name(unsigned op)
{
	static const char *const names[] = {
		[DN_LOG_NODE_CREATE] = "node created", [DN_LOG_NODE_UPDATE] = "node updated",
		[DN_LOG_NODE_DELETE] = "node deleted", [DN_LOG_EDGE_CREATE] = "edge created",
		[DN_LOG_EDGE_UPDATE] = "edge updated", [DN_LOG_EDGE_DELETE] = "edge deleted",
		[DN_LOG_NODE_PURGE] = "node purged",   [DN_LOG_EDGE_PURGE] = "edge purged",
		[DN_LOG_SCHEMA] = "schema",
	};
	return op < NELEM(names) && names[op] ? names[op] : "?";
}

/* e. What we knew before the registry update, what we know now, and the
 *    log entry of the update. The position comes from the importer's own
 *    version: the one just before it is the state before the change. */
static void investigate_history(const findings *f)
{
	char b1[360], b2[160], b3[160], when[64];
	dn_txn *now = reader(NULL, 0, 0);
	dn_node *n = get_node(now, f->trader);
	uint64_t changed = n->version_pos;
	dn_node_free(n);

	heading("e. As of the position before the registry update, and now");
	dn_txn *then = reader(NULL, 0, changed - 1);
	snprintf(when, sizeof when, "As of position %llu", (unsigned long long)(changed - 1));
	show_trader_at(then, f->trader, when);
	reader_end(then);
	putchar('\n');
	snprintf(when, sizeof when, "Now (position %llu)", (unsigned long long)dn_txn_position(now));
	show_trader_at(now, f->trader, when);

	dn_log_entry *e;
	if (dn_log_get(now, changed, &e) != 0)
		die("read log entry %llu", (unsigned long long)changed);
	dn_datetime_format(e->time_ms, b1, sizeof b1);
	printf("\nLog entry %llu: committed %s by principal \"%s\", %zu changes:\n",
	       (unsigned long long)e->pos, b1, e->principal, e->nchanges);
	table tb = {.ncols = 2};
	table_row(&tb, "change", "element");
	for (size_t i = 0; i < e->nchanges; i++) {
		const struct dn_log_change *ch = &e->changes[i];
		bool is_node = ch->op == DN_LOG_NODE_CREATE || ch->op == DN_LOG_NODE_UPDATE ||
		               ch->op == DN_LOG_NODE_DELETE || ch->op == DN_LOG_NODE_PURGE;
		if (ch->op == DN_LOG_SCHEMA)
			snprintf(b1, sizeof b1, "-");
		else if (is_node && dn_node_exists(now, ch->id))
			describe(now, ch->id, b1, sizeof b1);
		else if (!is_node && dn_edge_exists(now, ch->id)) {
			dn_edge *ed = get_edge(now, ch->id);
			snprintf(b1, sizeof b1, "%s -[%s]-> %s", name_of(now, ed->src, b2, sizeof b2), ed->type,
			         name_of(now, ed->dst, b3, sizeof b3));
			dn_edge_free(ed);
		} else
			snprintf(b1, sizeof b1, "%s %llu (gone)", is_node ? "node" : "edge", (unsigned long long)ch->id);
		if (ch->detail) {
			size_t len = strlen(b1);
			snprintf(b1 + len, sizeof b1 - len, " (%s)", ch->detail);
		}
		table_row(&tb, log_op_name(ch->op), b1);
	}
	table_print(&tb);
	dn_log_entry_free(e);
	reader_end(now);
}

/* f. How well-founded the picture is: every link by grading and source,
 *    and the links that rest on an uncorroborated source (C or worse, or
 *    credibility 3 or worse). Facts above carry their grading too. */
typedef struct grade_count {
	char grade[8];
	char source[64];
	unsigned n;
} grade_count;

static int grade_count_cmp(const void *a, const void *b)
{
	const grade_count *x = a, *y = b;
	int c = strcmp(x->grade, y->grade);
	return c ? c : strcmp(x->source, y->source);
}

static void investigate_grading(void)
{
	grade_count gc[32];
	size_t ngc = 0;
	char b1[360], b2[160], b3[160], num[16];
	dn_txn *t = reader(NULL, 0, 0);
	table weak = {.ncols = 2};
	dn_iter *it;
	dn_id id;
	int rc;

	heading("f. How well-founded: every link by grading and source");
	table_row(&weak, "link", "grading");
	if (dn_edges_all(t, &it) != 0)
		die("scan edges");
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		dn_edge *e = get_edge(t, id);
		char g[8] = "--";
		size_t i;
		if (e->meta.reliability)
			snprintf(g, sizeof g, "%c%u", e->meta.reliability, (unsigned)e->meta.credibility);
		for (i = 0; i < ngc; i++)
			if (!strcmp(gc[i].grade, g) && !strcmp(gc[i].source, e->meta.source ? e->meta.source : "-"))
				break;
		if (i == ngc && ngc < NELEM(gc)) {
			snprintf(gc[i].grade, sizeof gc[i].grade, "%s", g);
			snprintf(gc[i].source, sizeof gc[i].source, "%s", e->meta.source ? e->meta.source : "-");
			gc[ngc++].n = 0;
		}
		if (i < ngc)
			gc[i].n++;
		if (e->meta.reliability >= 'C' || e->meta.credibility >= 3) {
			snprintf(b1, sizeof b1, "%s -[%s]-> %s", name_of(t, e->src, b2, sizeof b2), e->type,
			         name_of(t, e->dst, b3, sizeof b3));
			table_row(&weak, b1, fmt_grade(&e->meta, b2, sizeof b2));
		}
		dn_edge_free(e);
	}
	if (rc != DN_DONE)
		die("scan edges");
	dn_iter_free(it);
	qsort(gc, ngc, sizeof *gc, grade_count_cmp);
	table tb = {.ncols = 3};
	table_row(&tb, "grading", "source", "links");
	for (size_t i = 0; i < ngc; i++) {
		snprintf(num, sizeof num, "%u", gc[i].n);
		table_row(&tb, gc[i].grade, gc[i].source, num);
	}
	table_print(&tb);
	printf("\nLinks that need corroboration (reliability C or worse, or credibility 3 or worse):\n");
	table_print(&weak);
	reader_end(t);
}

static void check_report(void *ctx, const char *problem)
{
	(void)ctx;
	printf("   problem: %s\n", problem);
}

/* g. Statistics and the integrity check. */
static void final_statistics(void)
{
	char n1[24], n2[24];
	dn_stats *s;
	uint64_t problems;
	dn_txn *t = reader(NULL, 0, 0);

	heading("g. Statistics and integrity");
	if (dn_stats_get(t, &s) != 0)
		die("read statistics");
	printf("%llu nodes, %llu edges, log position %llu, data.mdb %llu KiB (map %llu MiB), format %u.\n",
	       (unsigned long long)s->nodes, (unsigned long long)s->edges,
	       (unsigned long long)s->log_position, (unsigned long long)(s->file_bytes / 1024),
	       (unsigned long long)(s->map_bytes >> 20), (unsigned)s->format_version);
	table tb = {.ncols = 4};
	table_row(&tb, "label", "nodes", "edge type", "edges");
	for (size_t i = 0; i < s->nlabels || i < s->ntypes; i++) {
		n1[0] = n2[0] = '\0';
		if (i < s->nlabels)
			snprintf(n1, sizeof n1, "%llu", (unsigned long long)s->labels[i].count);
		if (i < s->ntypes)
			snprintf(n2, sizeof n2, "%llu", (unsigned long long)s->types[i].count);
		table_row(&tb, i < s->nlabels ? s->labels[i].name : "", n1,
		          i < s->ntypes ? s->types[i].name : "", n2);
	}
	table_print(&tb);
	dn_stats_free(s);

	if (dn_check(t, check_report, NULL, &problems) != 0)
		die("integrity check");
	printf("\nIntegrity check: %llu problems.\n", (unsigned long long)problems);
	reader_end(t);
	if (problems)
		exit(1);
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

/* Refuses an existing database unless --force; --force removes dragnet's
 * two files (data.mdb, lock.mdb) and then the directory if that left it
 * empty. It never deletes anything else: a mistyped DB_DIR must not cost
 * the user a directory tree. */
static void prepare_dir(const char *dir, bool force)
{
	static const char *const files[] = {"data.mdb", "lock.mdb"};
	char path[4096];
	struct stat st;

	if ((size_t)snprintf(path, sizeof path, "%s/data.mdb", dir) >= sizeof path)
		fatal("DB_DIR is too long");
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return; /* nothing there yet; dn_open reports the rest */
		fprintf(stderr, "customs_case: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!force) {
		fprintf(stderr, "customs_case: %s already exists (use --force to replace it)\n", path);
		exit(1);
	}
	for (size_t i = 0; i < NELEM(files); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (unlink(path) != 0 && errno != ENOENT) {
			fprintf(stderr, "customs_case: remove %s: %s\n", path, strerror(errno));
			exit(1);
		}
	}
	if (rmdir(dir) != 0 && errno != ENOTEMPTY && errno != EEXIST) {
		fprintf(stderr, "customs_case: remove %s: %s\n", dir, strerror(errno));
		exit(1);
	}
}

static int usage(FILE *out, int status)
{
	fputs("usage: customs_case DB_DIR [--force]\n"
	      "Builds a small customs case in a new dragnet database at DB_DIR and runs an\n"
	      "investigation over it. --force replaces an existing database there.\n",
	      out);
	return status;
}

int main(int argc, char **argv)
{
	const char *dir = NULL;
	bool force = false;
	case_ids c = {0};
	findings f = {0};

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		else if (argv[i][0] == '-' || dir)
			return usage(stderr, 2);
		else
			dir = argv[i];
	}
	if (!dir)
		return usage(stderr, 2);
	prepare_dir(dir, force);
	if (dn_open(dir, NULL, &case_db) != 0) {
		fprintf(stderr, "customs_case: open %s: %s\n", dir, dn_errmsg(NULL));
		return 1;
	}

	printf("dragnet %s: customs case example, database %s\n", DN_VERSION_STRING, dn_db_path(case_db));
	heading("Loading the case, one transaction per source");
	printf("  %-4s %-14s %-46s %s\n", "pos", "principal", "what", "created");
	printf("  %-4s %-14s %-46s %s\n", "---", "---------", "----", "-------");
	create_indexes();
	load_registries(&c);
	load_declarations_and_seizures(&c);
	load_intelligence(&c);
	apply_registry_update(&c);

	dn_txn *t = reader(NULL, 0, 0);
	investigate_seizure(t, "SZ-2024-FXT-0311", &f);
	investigate_links(t, &f);
	investigate_network(t, &f);
	investigate_markings(t, &f);
	reader_end(t);
	investigate_history(&f);
	investigate_grading();
	final_statistics();
	dn_close(case_db);
	return 0;
}
