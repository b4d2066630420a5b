/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tck.h — the openCypher TCK runner's internal interface, shared by its
 * modules: tck_value.c (the TCK value notation), tck_gherkin.c (feature
 * files into cases), tck_case.c (running one case on dragnet) and
 * tck_runner.c (the driver); test_tck_runner.c unit-tests the first three.
 * Ownership: every pointer in these structs is owned by the struct and
 * released by its *_free function.
 */
#ifndef DN_TCK_H
#define DN_TCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dragnet.h"

/* ------------------------------------------------------------------ */
/* Helpers (tck_value.c)                                               */
/* ------------------------------------------------------------------ */

/* A growable string. */
typedef struct tck_str {
	char *p;
	size_t len, cap;
} tck_str;

/* Allocation failure in a test harness exits the process (status 2). */
void *tck_xrealloc(void *p, size_t n);
char *tck_xstrndup(const char *s, size_t n);
char *tck_xstrdup(const char *s);
void tck_str_addn(tck_str *b, const char *s, size_t n);
void tck_str_add(tck_str *b, const char *s);
void tck_str_printf(tck_str *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string (owned; "" when empty) and resets b. */
char *tck_str_take(tck_str *b);
const char *tck_skip_ws(const char *p);
bool tck_starts(const char *s, const char *prefix);
/* A whole file as an owned string, or NULL. */
char *tck_read_file(const char *path);

/* ------------------------------------------------------------------ */
/* TCK values (tck_value.c)                                            */
/* ------------------------------------------------------------------ */

typedef enum tv_kind {
	TV_NULL,
	TV_BOOL,
	TV_INT,
	TV_FLOAT,
	TV_STRING,
	TV_LIST,
	TV_MAP,
	TV_NODE,
	TV_REL,
	TV_PATH,
} tv_kind;

/*
 * One value. LIST: n items. MAP: n keys and items, sorted by key. NODE:
 * nlabels labels (sorted) and props (a MAP). REL: s is the type, props,
 * fwd is the direction when inside a path. PATH: n items alternating node,
 * rel, node, ... Every pointer is owned; tv_free releases the tree.
 */
typedef struct tv {
	tv_kind kind;
	bool b;
	bool fwd;
	int64_t i;
	double f;
	char *s;
	size_t n;
	struct tv *items;
	char **keys;
	size_t nlabels;
	char **labels;
	struct tv *props;
} tv;

void tv_free(tv *v);
/* A total order (floats equal within a relative 1e-14, NaN equals NaN);
 * 0 means "the same value" for the TCK. */
int tv_cmp(const tv *a, const tv *b);
/* Sorts every list in the tree ("ignoring element order for lists"). */
void tv_sort_lists(tv *v);
/* Renders in the TCK notation; tv_to_text returns an owned string. */
void tv_render(const tv *v, tck_str *out);
char *tv_to_text(const tv *v);
/* Parses one cell. Returns 0, or -1 with *err (static text). */
int tv_parse(const char *text, tv *out, const char **err);
/* A parameter for dn_stmt_bind (owned): 0, DN_EINVAL, DN_ENOMEM. */
int tv_to_dn(const tv *v, dn_value *out);
/* A result value, reading nodes and edges in txn: 0 or a dn_err. */
int tv_from_dn(dn_txn *txn, const dn_value *v, tv *out);
/* Appends *item to a LIST or PATH, taking it (item is reset). */
void tv_push(tv *list, tv *item);

/* ------------------------------------------------------------------ */
/* Gherkin (tck_gherkin.c)                                             */
/* ------------------------------------------------------------------ */

/* A Gherkin table: rows of trimmed cells. */
typedef struct tck_row {
	size_t n;
	char **cells;
} tck_row;

typedef struct tck_table {
	size_t n;
	tck_row *rows;
} tck_table;

/* What a step does, once classified. */
typedef enum tck_step_kind {
	ST_UNKNOWN,
	ST_EMPTY_GRAPH,
	ST_ANY_GRAPH,
	ST_NAMED_GRAPH,
	ST_EXECUTED,
	ST_PARAMS,
	ST_PROCEDURE,
	ST_QUERY,
	ST_CONTROL_QUERY,
	ST_RESULT,
	ST_RESULT_EMPTY,
	ST_ERROR,
	ST_NO_SIDE_EFFECTS,
	ST_SIDE_EFFECTS,
} tck_step_kind;

/* Result comparison modes. */
enum { RES_ORDERED = 1, RES_IGNORE_LIST_ORDER = 2 };

/* One step: text is the line without its keyword; doc the docstring; the
 * classified fields are filled by tck_classify. */
typedef struct tck_step {
	tck_step_kind kind;
	int line;
	char *text;
	char *doc;
	tck_table table;
	unsigned flags;  /* ST_RESULT: RES_* */
	char *arg;       /* ST_NAMED_GRAPH: name; ST_ERROR: code ("" if none) */
	char *err_kind;  /* ST_ERROR: "SyntaxError" ... */
	char *err_phase; /* ST_ERROR: "compile time", "runtime", "any time" */
} tck_step;

/* One case: a scenario, or one Examples row of an outline, with the
 * Background steps first. */
typedef struct tck_case {
	char *feature; /* "features/clauses/match/Match1.feature" */
	char *name;
	int line;
	bool ignored; /* tagged @ignore */
	size_t nsteps;
	tck_step *steps;
} tck_case;

typedef struct tck_cases {
	size_t n;
	tck_case *v;
} tck_cases;

/* Parses one feature file into expanded cases appended to out; 0, or -1
 * with a message in err for malformed input. */
int tck_parse_feature(const char *text, const char *feature, tck_cases *out, char *err,
                      size_t cap);
void tck_cases_free(tck_cases *cs);

/* ------------------------------------------------------------------ */
/* Running a case (tck_case.c)                                         */
/* ------------------------------------------------------------------ */

/* The graph as sorted sets of strings: node ids, edge ids, label names
 * present, and (element, key, value) property triples. */
typedef struct tck_set {
	size_t n;
	char **v;
} tck_set;

typedef struct tck_snap {
	tck_set nodes, rels, labels, props;
} tck_snap;

/* The outcome of one case. */
typedef enum tck_outcome { OUT_PASS = 0, OUT_FAIL = 1, OUT_SKIP = 2 } tck_outcome;

/* Extra classification of failures, for the report. */
enum { FAILK_OTHER = 0, FAILK_NOTSUP = 1, FAILK_NOCODE = 2 };

/* Where a case runs: named graphs and a scratch directory. */
typedef struct tck_env {
	const char *graphs_dir; /* .../tck/graphs */
	const char *tmp_dir;    /* a directory for the case databases */
	unsigned seq;           /* per-process counter for unique names */
} tck_env;

/* The TCK's side-effect keys, in the order tck_effects counts them. */
extern const char *const tck_effect_names[8];

/* Compares rows (columns in expected order) as a list or a bag; sorts and
 * normalizes both in place. true, or false with a reason in *why (owned). */
bool tck_rows_match(tv **exp, size_t nexp, tv **act, size_t nact, size_t ncols, unsigned flags,
                    char **why);
/* Why a case is skipped without running (procedures, @ignore, unknown
 * step, missing named graph), or NULL. */
const char *tck_skip_reason(const tck_case *c, const tck_env *env, char *buf, size_t cap);
/* Runs one case on a fresh database; a one-line reason in why. */
tck_outcome tck_run_case(const tck_case *c, tck_env *env, char *why, size_t cap, int *failk);
/* The graph as sets, and the side effects between two of them. */
int tck_snapshot(dn_db *db, tck_snap *g);
void tck_snap_free(tck_snap *g);
void tck_effects(const tck_snap *before, const tck_snap *after, uint64_t out[8]);
/* Removes a directory tree (best effort). */
void tck_rmtree(const char *dir);

#endif
