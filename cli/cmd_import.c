/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_import.c — `dragnet import`: loads typed CSV (neo4j-admin headers) or
 * JSON Lines into a database through dn_import_csv / dn_import_jsonl. It
 * parses neo4j-admin's argument shape (--nodes[=Labels] FILE... and
 * --relationships[=TYPE] FILE..., FILE possibly "header.csv,part1.csv"),
 * shows a progress line when stderr is a terminal and prints a summary.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dragnet_mapping.h"

static const char import_usage[] =
	"Usage: dragnet import DB [options] --nodes[=Label1:Label2] FILE...\n"
	"                         [--relationships[=TYPE] FILE...]\n"
	"       dragnet import DB [options] --jsonl FILE...\n"
	"       dragnet import DB [options] --map MAPPING.json FILE...\n"
	"\n"
	"Load typed CSV files (neo4j-admin header convention: name:ID(Space),\n"
	":LABEL, :START_ID(Space), :END_ID(Space), :TYPE, x:int, x:date,\n"
	"x:string[], :IGNORE, and the metadata columns :SOURCE, :RECORD, :GRADE,\n"
	":VALID_FROM, :VALID_TO, :MARKING) or JSON Lines into the database DB\n"
	"(created if missing). Node files load before relationship files. Each\n"
	"FILE has its own header; FILE may be a comma-joined list read as one\n"
	"file whose header is the first line (header.csv,part1.csv,part2.csv).\n"
	"\"-\" reads standard input. See docs/IMPORT_EXPORT.md.\n"
	"\n"
	"The import is one transaction: on an error nothing is written. Loading\n"
	"the same files again changes nothing: nodes are found again by their ID\n"
	"in their ID space, identical relationships are not created twice.\n"
	"\n"
	"Options:\n"
	"  --nodes[=LABELS] FILE...   node files; LABELS (A:B) go on every node\n"
	"  --relationships[=TYPE] FILE...  relationship files; TYPE for rows\n"
	"                             without a :TYPE value\n"
	"  --jsonl FILE...            JSON Lines files (nodes and relationships)\n"
	"  --map MAPPING.json FILE... flat CSV files, each row turned into nodes\n"
	"                             and edges by the mapping (docs/IMPORT_EXPORT.md,\n"
	"                             \"Mapping files\"; examples/mappings/)\n"
	"  --delimiter C              field delimiter (default ','; TAB or \\t for tab)\n"
	"  --array-delimiter C        array item and label delimiter (default ';')\n"
	"  --quote C                  quote character (default '\"')\n"
	"  --on-error abort|skip      abort (default): stop at the first bad row\n"
	"                             and keep nothing; skip: write bad rows with\n"
	"                             their reason to the rejects file, load the rest\n"
	"  --rejects FILE             the rejects file (default DB.rejects.csv)\n"
	"  --batch N                  commit every N rows (a failure keeps the\n"
	"                             batches committed before it)\n"
	"  --keep-ids                 store bare :ID values (and JSON ids) in _id,\n"
	"                             so that a second load finds those nodes again\n"
	"  --source S, --record R     provenance for every row without its own\n"
	"  --grade G                  grading, e.g. B2 (reliability A-F,\n"
	"                             credibility 1-6)\n"
	"  --valid-from T, --valid-to T  valid time (ISO-8601 date or datetime)\n"
	"  --marking M                handling caveats, comma-separated\n"
	"  -q, --quiet                no progress line\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Examples:\n"
	"  dragnet import customs.db --nodes=Trader traders.csv \\\n"
	"      --relationships=DECLARED declared.csv --source tax-registry --grade B2\n"
	"  dragnet import customs.db --nodes=Person header.csv,part1.csv,part2.csv\n"
	"  dragnet import customs.db --jsonl export.jsonl\n"
	"  dragnet import customs.db --map declarations.json declarations.csv\n";

typedef struct import_args {
	const char *db;
	dn_import_source *sources;
	size_t nsources;
	const char **jsonl;
	size_t njsonl;
	const char *map;     /* --map: the mapping file; its CSVs in jsonl */
	char **split; /* comma-split copies, freed at the end */
	size_t nsplit;
	dn_import_opts opts;
	bool quiet;
} import_args;

/* ------------------------------------------------------------------ */
/* Arguments                                                           */
/* ------------------------------------------------------------------ */

static int add_source(const dn_cli_cmd *cmd, import_args *a, bool rels,
                      const char *labels, const char *arg)
{
	dn_import_source *ns = realloc(a->sources, (a->nsources + 1) * sizeof *ns);
	char *copy = strdup(arg), **nsplit;
	const char **files = NULL;
	size_t n = 0;
	if (!ns || !copy) {
		free(copy);
		if (ns)
			a->sources = ns;
		return dn_cli_fail(cmd, "out of memory");
	}
	a->sources = ns;
	nsplit = realloc(a->split, (a->nsplit + 2) * sizeof *nsplit);
	if (!nsplit) {
		free(copy);
		return dn_cli_fail(cmd, "out of memory");
	}
	a->split = nsplit;
	a->split[a->nsplit++] = copy;
	for (char *p = strtok(copy, ","); p; p = strtok(NULL, ",")) {
		const char **nf = realloc(files, (n + 1) * sizeof *nf);
		if (!nf) {
			free(files);
			return dn_cli_fail(cmd, "out of memory");
		}
		files = nf;
		files[n++] = p;
	}
	if (!n)
		return dn_cli_usage_error(cmd, "an empty file name");
	a->split[a->nsplit++] = (char *)files;
	ns[a->nsources++] = (dn_import_source){rels, labels, files, n};
	return DN_CLI_CONTINUE;
}

/* One character option: "x", "\t", "TAB". */
static int char_opt(const dn_cli_cmd *cmd, const char *name, const char *v, char *out)
{
	if (strcmp(v, "\\t") == 0 || strcasecmp(v, "TAB") == 0)
		*out = '\t';
	else if (strlen(v) == 1)
		*out = v[0];
	else
		return dn_cli_usage_error(cmd, "--%s takes one character, not '%s'", name, v);
	return DN_CLI_CONTINUE;
}

static int time_opt(const dn_cli_cmd *cmd, const char *name, const char *v, int64_t *out)
{
	if (dn_datetime_parse(v, strlen(v), out))
		return dn_cli_usage_error(cmd, "--%s: '%s' is not an ISO-8601 date or datetime", name, v);
	return DN_CLI_CONTINUE;
}

/* An option's value: "--name=value" or the next argument. */
static const char *opt_value(const dn_cli_cmd *cmd, int argc, char **argv, int *i,
                             const char *eq, const char *name)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		dn_cli_usage_error(cmd, "--%s needs a value", name);
		return NULL;
	}
	return argv[++*i];
}

static int parse_value_opt(const dn_cli_cmd *cmd, import_args *a, const char *name,
                           const char *v)
{
	dn_import_opts *o = &a->opts;
	if (strcmp(name, "delimiter") == 0)
		return char_opt(cmd, name, v, &o->delimiter);
	if (strcmp(name, "array-delimiter") == 0)
		return char_opt(cmd, name, v, &o->array_delimiter);
	if (strcmp(name, "quote") == 0)
		return char_opt(cmd, name, v, &o->quote);
	if (strcmp(name, "on-error") == 0) {
		if (strcmp(v, "abort") == 0)
			o->on_error = DN_IMPORT_ABORT;
		else if (strcmp(v, "skip") == 0)
			o->on_error = DN_IMPORT_SKIP;
		else
			return dn_cli_usage_error(cmd, "--on-error is abort or skip, not '%s'", v);
		return DN_CLI_CONTINUE;
	}
	if (strcmp(name, "batch") == 0) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(v, &end, 10);
		if (*end || !*v || errno || n == 0 || v[0] == '-')
			return dn_cli_usage_error(cmd, "--batch takes a positive number of rows, not '%s'", v);
		o->batch = n;
		return DN_CLI_CONTINUE;
	}
	if (strcmp(name, "grade") == 0) {
		if (dn_import_parse_grade(v, strlen(v), &o->meta.reliability, &o->meta.credibility))
			return dn_cli_usage_error(cmd, "--grade: '%s' is not a grade such as B2 "
			                          "(reliability A-F, credibility 1-6)", v);
		return DN_CLI_CONTINUE;
	}
	if (strcmp(name, "valid-from") == 0)
		return time_opt(cmd, name, v, &o->meta.valid_from);
	if (strcmp(name, "valid-to") == 0)
		return time_opt(cmd, name, v, &o->meta.valid_to);
	if (strcmp(name, "rejects") == 0)
		o->rejects_path = v;
	else if (strcmp(name, "source") == 0)
		o->meta.source = v;
	else if (strcmp(name, "record") == 0)
		o->meta.record = v;
	else if (strcmp(name, "marking") == 0)
		o->meta.marking = v;
	else
		return dn_cli_usage_error(cmd, "unknown option --%s", name);
	return DN_CLI_CONTINUE;
}

static int parse_args(const dn_cli_cmd *cmd, int argc, char **argv, import_args *a)
{
	int mode = 0; /* 0 none, 1 nodes, 2 relationships, 3 jsonl */
	const char *labels = NULL;
	int st;
	a->opts = dn_import_opts_default();
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(cmd->usage, stdout);
			return DN_CLI_OK;
		}
		if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
			a->quiet = true;
			continue;
		}
		if (strncmp(arg, "--", 2) == 0 && arg[2]) {
			const char *name = arg + 2, *eq = strchr(name, '=');
			char nbuf[64];
			size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
			const char *v;
			snprintf(nbuf, sizeof nbuf, "%.*s", (int)(nlen < 63 ? nlen : 63), name);
			if (strcmp(nbuf, "nodes") == 0 || strcmp(nbuf, "relationships") == 0) {
				mode = nbuf[0] == 'n' ? 1 : 2;
				labels = eq ? eq + 1 : NULL;
				continue;
			}
			if (strcmp(nbuf, "jsonl") == 0) {
				if (eq)
					return dn_cli_usage_error(cmd, "--jsonl takes files after it, not =");
				if (a->map)
					return dn_cli_usage_error(cmd, "--map loads in its own import, "
					                          "without --jsonl or a second --map");
				mode = 3;
				continue;
			}
			if (strcmp(nbuf, "map") == 0) {
				if (mode == 3 || a->map)
					return dn_cli_usage_error(cmd, "--map loads in its own import, "
					                          "without --jsonl or a second --map");
				if (!(a->map = opt_value(cmd, argc, argv, &i, eq, nbuf)))
					return DN_CLI_USAGE;
				mode = 3;
				continue;
			}
			if (strcmp(nbuf, "keep-ids") == 0) {
				a->opts.keep_ids = true;
				continue;
			}
			if (!(v = opt_value(cmd, argc, argv, &i, eq, nbuf)))
				return DN_CLI_USAGE;
			if ((st = parse_value_opt(cmd, a, nbuf, v)) != DN_CLI_CONTINUE)
				return st;
			continue;
		}
		if (arg[0] == '-' && arg[1])
			return dn_cli_usage_error(cmd, "unknown option %s", arg);
		if (!a->db && mode == 0) {
			a->db = arg;
		} else if (mode == 0) {
			return dn_cli_usage_error(cmd, "'%s': say what it is with --nodes, "
			                          "--relationships or --jsonl before it", arg);
		} else if (mode == 3) {
			const char **nj = realloc(a->jsonl, (a->njsonl + 1) * sizeof *nj);
			if (!nj)
				return dn_cli_fail(cmd, "out of memory");
			a->jsonl = nj;
			a->jsonl[a->njsonl++] = arg;
		} else if ((st = add_source(cmd, a, mode == 2, labels, arg)) != DN_CLI_CONTINUE) {
			return st;
		}
	}
	if (!a->db)
		return dn_cli_usage_error(cmd, "missing DB");
	if (a->map && (a->nsources || !a->njsonl))
		return dn_cli_usage_error(cmd, "--map MAPPING.json takes the CSV files after "
		                          "it, and loads in its own import");
	if (!a->nsources && !a->njsonl)
		return dn_cli_usage_error(cmd, "nothing to import: give --nodes FILE, "
		                          "--relationships FILE or --jsonl FILE");
	if (a->nsources && a->njsonl)
		return dn_cli_usage_error(cmd, "CSV and JSON Lines load in separate imports");
	return DN_CLI_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* Progress and summary                                                */
/* ------------------------------------------------------------------ */

typedef struct progress_state {
	double start, last;
	bool shown;
} progress_state;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_progress(void *ctx, const dn_import_progress *p)
{
	progress_state *ps = ctx;
	double t = now_s(), el = t - ps->start;
	char left[32] = "";
	if (t - ps->last < 0.25)
		return;
	ps->last = t;
	ps->shown = true;
	if (p->total_bytes && p->bytes && el > 0.5) {
		double rem = el * (double)(p->total_bytes - p->bytes) / (double)p->bytes;
		snprintf(left, sizeof left, ", %d:%02d left", (int)rem / 60, (int)rem % 60);
	}
	if (p->total_bytes)
		fprintf(stderr, "\r\033[K%" PRIu64 " rows, %.0f rows/s, %.0f%%%s",
		        p->rows, el > 0 ? (double)p->rows / el : 0.0,
		        100.0 * (double)p->bytes / (double)p->total_bytes, left);
	else
		fprintf(stderr, "\r\033[K%" PRIu64 " rows, %.0f rows/s", p->rows,
		        el > 0 ? (double)p->rows / el : 0.0);
	fflush(stderr);
}

static void print_summary(const dn_import_summary *s, double secs, bool ok)
{
	printf("%s%" PRIu64 " rows in %.2f s (%.0f rows/s): %" PRIu64 " nodes created, %" PRIu64
	       " already present, %" PRIu64 " updated; %" PRIu64
	       " relationships created, %" PRIu64 " already present",
	       ok ? "imported " : "read ", s->rows, secs, secs > 0 ? (double)s->rows / secs : 0.0,
	       s->nodes_created, s->nodes_present, s->nodes_updated, s->rels_created,
	       s->rels_present);
	if (s->rejected)
		printf("; %" PRIu64 " rows rejected (see %s)", s->rejected, s->rejects_path);
	printf("\n");
	if (ok && !s->nodes_created && !s->nodes_updated && !s->rels_created)
		printf("nothing changed: everything was already in the database\n");
	if (s->unkeyed_nodes)
		printf("note: %" PRIu64 " nodes have no stored ID (no ID column, or a "
		       "bare :ID or JSON id without --keep-ids); loading the same input "
		       "again would create them again\n", s->unkeyed_nodes);
}

/* ------------------------------------------------------------------ */
/* The command                                                         */
/* ------------------------------------------------------------------ */

static void args_free(import_args *a)
{
	for (size_t i = 0; i < a->nsplit; i++)
		free(a->split[i]);
	free(a->split);
	free(a->sources);
	free(a->jsonl);
}

static int import_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	import_args a;
	progress_state ps = {0};
	dn_import_summary sum;
	dn_mapping_stats mst = {0};
	dn_db *db = NULL;
	int st, rc;

	memset(&a, 0, sizeof a);
	st = parse_args(cmd, argc, argv, &a);
	if (st != DN_CLI_CONTINUE) {
		args_free(&a);
		return st;
	}
	if ((st = dn_cli_open(cmd, a.db, 0, &db)) != DN_CLI_OK) {
		args_free(&a);
		return st;
	}
	ps.start = ps.last = now_s();
	if (!a.quiet && isatty(STDERR_FILENO)) {
		a.opts.progress = on_progress;
		a.opts.progress_ctx = &ps;
	}
	if (a.map)
		rc = dn_import_mapping(db, a.map, a.jsonl, a.njsonl, &a.opts, &sum, &mst);
	else if (a.njsonl)
		rc = dn_import_jsonl(db, a.jsonl, a.njsonl, &a.opts, &sum);
	else
		rc = dn_import_csv(db, a.sources, a.nsources, &a.opts, &sum);
	if (ps.shown)
		fprintf(stderr, "\r\033[K");
	if (rc) {
		st = dn_cli_fail_db(cmd, db, rc, NULL);
		if (a.opts.batch && sum.batches)
			fprintf(stderr, "dragnet: import: %" PRIu64 " batches committed before "
			        "the error were kept (%" PRIu64 " rows read)\n", sum.batches, sum.rows);
		else
			fprintf(stderr, "dragnet: import: nothing was imported\n");
	} else {
		print_summary(&sum, now_s() - ps.start, true);
		if (mst.rows_skipped || mst.nodes_skipped || mst.edges_skipped)
			printf("skipped: %" PRIu64 " rows (skip_rows), %" PRIu64 " nodes (empty key or "
			       "'when'), %" PRIu64 " edges (an end left out, or 'when')\n", mst.rows_skipped,
			       mst.nodes_skipped, mst.edges_skipped);
		st = DN_CLI_OK;
	}
	dn_close(db);
	args_free(&a);
	return st;
}

const dn_cli_cmd dn_cli_cmd_import = {
	.name = "import",
	.summary = "load typed CSV, JSON Lines, or flat CSV through a mapping file",
	.usage = import_usage,
	.run = import_run,
};
