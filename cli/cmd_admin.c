/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_admin.c — the administration commands of the `dragnet` tool: `init`
 * creates a database, `stats` shows what one holds (as a table or as JSON),
 * `check` runs the engine's integrity check. stats and check open the
 * database read-only and never write to it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* init                                                                */
/* ------------------------------------------------------------------ */

static const char admin_init_usage[] =
	"Usage: dragnet init DB\n"
	"\n"
	"Create a new, empty database in the directory DB (created with mode\n"
	"0700 if it does not exist; the database files get mode 0600). Fails if\n"
	"DB already holds a database (DB/data.mdb exists).\n"
	"\n"
	"Options:\n"
	"  -h, --help  show this help\n"
	"\n"
	"Example:\n"
	"  dragnet init customs.db\n";

static int admin_init_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	dn_cli_args args;
	struct stat st;
	char *data_path;
	dn_db *db;
	int status;

	status = dn_cli_parse(cmd, argc, argv, NULL, 0, &args);
	if (status != DN_CLI_CONTINUE)
		return status;

	if (asprintf(&data_path, "%s/data.mdb", args.db) < 0)
		return dn_cli_fail(cmd, "out of memory");
	/* The check and the open are not atomic: two `init` racing on one
	 * path both open the same new database, which is harmless. */
	if (stat(data_path, &st) == 0) {
		free(data_path);
		return dn_cli_fail(cmd, "%s already contains a database", args.db);
	}
	free(data_path);

	/* dn_open creates the directory (mode 0700) when it is missing. */
	status = dn_cli_open(cmd, args.db, 0, &db);
	if (status != DN_CLI_OK)
		return status;
	dn_close(db);
	printf("created database %s (format %d)\n", args.db, DN_FORMAT_VERSION);
	return DN_CLI_OK;
}

const dn_cli_cmd dn_cli_cmd_init = {
	.name = "init",
	.summary = "create a new, empty database",
	.usage = admin_init_usage,
	.run = admin_init_run,
};

/* ------------------------------------------------------------------ */
/* Shared by stats and check                                           */
/* ------------------------------------------------------------------ */

/* Opens the database read-only and begins a read transaction. Returns
 * DN_CLI_OK with both, or DN_CLI_FAIL (reported) with both NULL. */
static int admin_open_read(const dn_cli_cmd *cmd, const char *path,
                           dn_db **db, dn_txn **txn)
{
	int status, rc;

	*txn = NULL;
	status = dn_cli_open(cmd, path, DN_OPEN_RDONLY, db);
	if (status != DN_CLI_OK)
		return status;
	rc = dn_txn_begin(*db, DN_TXN_RDONLY, NULL, txn);
	if (rc != 0) {
		status = dn_cli_fail_db(cmd, *db, rc, path);
		*txn = NULL;
		dn_close(*db);
		*db = NULL;
		return status;
	}
	return DN_CLI_OK;
}

/* ------------------------------------------------------------------ */
/* stats                                                               */
/* ------------------------------------------------------------------ */

static const char admin_stats_usage[] =
	"Usage: dragnet stats DB [--json]\n"
	"\n"
	"Show what the database DB holds: the number of nodes and edges, the\n"
	"number of nodes of each label and of edges of each type, the log\n"
	"position (the last committed write), the size of the data file and of\n"
	"the memory map, and the format version. DB is opened read-only.\n"
	"\n"
	"Options:\n"
	"  --json      print one JSON object instead of a table:\n"
	"              {\"nodes\":N,\"edges\":M,\"log_position\":P,\"file_bytes\":B,\n"
	"               \"map_bytes\":X,\"format_version\":1,\n"
	"               \"labels\":{\"Trader\":3,...},\"types\":{\"DIRECTOR_OF\":2,...}}\n"
	"  -h, --help  show this help\n"
	"\n"
	"Example:\n"
	"  dragnet stats customs.db\n"
	"  dragnet stats customs.db --json\n";

/* "1.5 MiB": bytes in binary units, one decimal above 1 KiB. */
static void admin_format_size(uint64_t bytes, char *buf, size_t cap)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, cap, "%" PRIu64 " B", bytes);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static int admin_json_set_u64(json_t *obj, const char *key, uint64_t v)
{
	/* json_int_t is signed 64 bits; counts never come near its limit. */
	if (v > (uint64_t)INT64_MAX)
		return -1;
	/* json_object_set_new takes the reference even when it fails. */
	return json_object_set_new(obj, key, json_integer((json_int_t)v));
}

/* {"Trader":3,...} from a list of counts, or NULL on allocation failure. */
static json_t *admin_json_counts(const struct dn_count *counts, size_t n)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (admin_json_set_u64(obj, counts[i].name, counts[i].count) != 0) {
			json_decref(obj);
			return NULL;
		}
	}
	return obj;
}

static int admin_stats_json(const dn_cli_cmd *cmd, const dn_stats *s)
{
	json_t *root = json_object();
	int rc;

	if (root == NULL)
		return dn_cli_fail(cmd, "out of memory");
	rc = admin_json_set_u64(root, "nodes", s->nodes);
	if (rc == 0)
		rc = admin_json_set_u64(root, "edges", s->edges);
	if (rc == 0)
		rc = admin_json_set_u64(root, "log_position", s->log_position);
	if (rc == 0)
		rc = admin_json_set_u64(root, "file_bytes", s->file_bytes);
	if (rc == 0)
		rc = admin_json_set_u64(root, "map_bytes", s->map_bytes);
	if (rc == 0)
		rc = admin_json_set_u64(root, "format_version", s->format_version);
	if (rc == 0)
		rc = json_object_set_new(root, "labels",
		                         admin_json_counts(s->labels, s->nlabels));
	if (rc == 0)
		rc = json_object_set_new(root, "types",
		                         admin_json_counts(s->types, s->ntypes));
	if (rc != 0) {
		json_decref(root);
		return dn_cli_fail(cmd, "cannot build the JSON output (out of memory, "
		                   "or a name that is not valid UTF-8)");
	}
	rc = json_dumpf(root, stdout, JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == 0 && fputc('\n', stdout) != EOF)
		return DN_CLI_OK;
	/* main() reports write errors on stdout. */
	return ferror(stdout) ? DN_CLI_FAIL
	                      : dn_cli_fail(cmd, "cannot encode the JSON output");
}

/* Width of the widest name in a list of counts. */
static int admin_name_width(const struct dn_count *counts, size_t n, int width)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(counts[i].name);
		if (len > (size_t)width)
			width = len > 64 ? 64 : (int)len;
	}
	return width;
}

static int admin_count_width(const struct dn_count *counts, size_t n, int width)
{
	for (size_t i = 0; i < n; i++) {
		int len = snprintf(NULL, 0, "%" PRIu64, counts[i].count);
		if (len > width)
			width = len;
	}
	return width;
}

static void admin_stats_counts(const char *title, const struct dn_count *counts,
                               size_t n, int name_w, int count_w)
{
	if (n == 0) {
		printf("%-16s(none)\n", title);
		return;
	}
	printf("%s\n", title);
	for (size_t i = 0; i < n; i++)
		printf("  %-*s  %*" PRIu64 "\n", name_w, counts[i].name, count_w,
		       counts[i].count);
}

static void admin_stats_table(const char *path, const dn_stats *s)
{
	char size[32];
	int name_w, count_w;

	printf("%-16s%s\n", "database:", path);
	printf("%-16s%" PRIu32 "\n", "format version:", s->format_version);
	printf("%-16s%" PRIu64 "\n", "nodes:", s->nodes);
	printf("%-16s%" PRIu64 "\n", "edges:", s->edges);
	printf("%-16s%" PRIu64 "\n", "log position:", s->log_position);
	admin_format_size(s->file_bytes, size, sizeof size);
	printf("%-16s%s (%" PRIu64 " bytes)\n", "file size:", size, s->file_bytes);
	admin_format_size(s->map_bytes, size, sizeof size);
	printf("%-16s%s (%" PRIu64 " bytes)\n", "map size:", size, s->map_bytes);

	/* One column layout for both lists, so that they line up. */
	name_w = admin_name_width(s->labels, s->nlabels, 0);
	name_w = admin_name_width(s->types, s->ntypes, name_w);
	count_w = admin_count_width(s->labels, s->nlabels, 1);
	count_w = admin_count_width(s->types, s->ntypes, count_w);
	admin_stats_counts("labels:", s->labels, s->nlabels, name_w, count_w);
	admin_stats_counts("edge types:", s->types, s->ntypes, name_w, count_w);
}

static int admin_stats_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	bool json = false;
	const dn_cli_opt opts[] = {
		{ .name = "json", .flag = &json },
		{ .name = NULL },
	};
	dn_cli_args args;
	dn_stats *stats = NULL;
	dn_db *db;
	dn_txn *txn;
	int status, rc;

	status = dn_cli_parse(cmd, argc, argv, opts, 0, &args);
	if (status != DN_CLI_CONTINUE)
		return status;
	status = admin_open_read(cmd, args.db, &db, &txn);
	if (status != DN_CLI_OK)
		return status;

	rc = dn_stats_get(txn, &stats);
	if (rc != 0) {
		status = dn_cli_fail_db(cmd, db, rc, args.db);
	} else if (json) {
		status = admin_stats_json(cmd, stats);
	} else {
		admin_stats_table(dn_db_path(db), stats);
		status = DN_CLI_OK;
	}
	dn_stats_free(stats);
	dn_txn_abort(txn);
	dn_close(db);
	return status;
}

const dn_cli_cmd dn_cli_cmd_stats = {
	.name = "stats",
	.summary = "show counts, sizes and the format version of a database",
	.usage = admin_stats_usage,
	.run = admin_stats_run,
};

/* ------------------------------------------------------------------ */
/* check                                                               */
/* ------------------------------------------------------------------ */

static const char admin_check_usage[] =
	"Usage: dragnet check DB\n"
	"\n"
	"Verify the integrity of the database DB: that adjacency, label and\n"
	"property indexes, counters, history and records agree. Each problem is\n"
	"printed on stdout as \"problem: ...\", then a summary line: \"ok: N nodes,\n"
	"M edges checked\" or \"N problems found\". DB is opened read-only.\n"
	"Exit status 0 when no problem was found, 1 otherwise.\n"
	"\n"
	"Options:\n"
	"  -h, --help  show this help\n"
	"\n"
	"Example:\n"
	"  dragnet check customs.db\n";

static void admin_check_report(void *ctx, const char *problem)
{
	(void)ctx;
	printf("problem: %s\n", problem != NULL ? problem : "(no description)");
}

static int admin_check_run(const dn_cli_cmd *cmd, int argc, char **argv)
{
	dn_cli_args args;
	uint64_t problems = 0, nodes = 0, edges = 0;
	dn_db *db;
	dn_txn *txn;
	int status, rc;

	status = dn_cli_parse(cmd, argc, argv, NULL, 0, &args);
	if (status != DN_CLI_CONTINUE)
		return status;
	status = admin_open_read(cmd, args.db, &db, &txn);
	if (status != DN_CLI_OK)
		return status;

	rc = dn_check(txn, admin_check_report, NULL, &problems);
	if (rc == 0)
		rc = dn_count_nodes(txn, &nodes);
	if (rc == 0)
		rc = dn_count_edges(txn, &edges);
	if (rc != 0) {
		status = dn_cli_fail_db(cmd, db, rc, args.db);
	} else if (problems == 0) {
		printf("ok: %" PRIu64 " nodes, %" PRIu64 " edges checked\n", nodes, edges);
		status = DN_CLI_OK;
	} else {
		printf("%" PRIu64 " problem%s found\n", problems,
		       problems == 1 ? "" : "s");
		status = DN_CLI_FAIL;
	}
	dn_txn_abort(txn);
	dn_close(db);
	return status;
}

const dn_cli_cmd dn_cli_cmd_check = {
	.name = "check",
	.summary = "verify the integrity of a database",
	.usage = admin_check_usage,
	.run = admin_check_run,
};
