/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_mapping.c — the mapping-import target of issue 4: a 10-column
 * declaration file whose rows each make about 4 nodes (declaration,
 * trader, broker, vessel, port) and 4 edges with MERGE, loaded through
 * dn_import_mapping. Generates the CSV (repeatable, seed fixed) and the
 * mapping in a temporary directory, loads it once into an empty database
 * and once more (the idempotent re-load), and prints rows/s and peak RSS
 * (VmHWM, which counts the pages of data.mdb the process touched, and
 * RssAnon after the load: the heap) for each size given. Not a test: it prints figures.
 *
 *     bench_mapping [--once] [--batch N] [ROWS...]   (default: 100000 1000000)
 *
 * --once skips the second load (for profiling the first).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dragnet.h"
#include "dragnet_mapping.h"

static const char bm_mapping[] =
	"{\"name\":\"bench-declarations\",\"csv\":{\"delimiter\":\";\"},\n"
	" \"nodes\":[\n"
	"  {\"id\":\"d\",\"labels\":[\"Declaration\"],\"key\":[\"number\"],\"properties\":{\n"
	"    \"number\":{\"column\":\"decl_no\",\"transform\":[\"trim\"]},\n"
	"    \"date\":{\"column\":\"decl_date\",\"transform\":[{\"date\":\"DD/MM/YYYY\"}]},\n"
	"    \"value\":{\"column\":\"value\",\"transform\":[{\"number\":{\"decimal\":\",\"}}]},\n"
	"    \"kg\":{\"column\":\"kg\",\"transform\":[{\"number\":{\"decimal\":\",\"}}]}}},\n"
	"  {\"id\":\"t\",\"labels\":[\"Trader\"],\"key\":[\"tin\"],\"properties\":{\n"
	"    \"tin\":{\"column\":\"trader_tin\",\"transform\":[{\"tin\":{\"country\":\"DE\"}}]},\n"
	"    \"name\":{\"column\":\"trader_name\",\"transform\":[\"trim\"]}}},\n"
	"  {\"id\":\"b\",\"labels\":[\"Broker\"],\"key\":[\"id\"],\"properties\":{\n"
	"    \"id\":{\"column\":\"broker\",\"transform\":[\"trim\",\"upper\"]}}},\n"
	"  {\"id\":\"v\",\"labels\":[\"Vessel\"],\"key\":[\"imo\"],\"properties\":{\n"
	"    \"imo\":\"vessel_imo\"}},\n"
	"  {\"id\":\"p\",\"labels\":[\"Port\"],\"key\":[\"locode\"],\"properties\":{\n"
	"    \"locode\":{\"column\":\"port\",\"transform\":[\"upper\"]}}}],\n"
	" \"edges\":[\n"
	"  {\"type\":\"DECLARED\",\"from\":\"t\",\"to\":\"d\"},\n"
	"  {\"type\":\"LODGED\",\"from\":\"b\",\"to\":\"d\"},\n"
	"  {\"type\":\"CARRIED_BY\",\"from\":\"d\",\"to\":\"v\"},\n"
	"  {\"type\":\"DISCHARGED_AT\",\"from\":\"d\",\"to\":\"p\"}]}\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the process (user + system): the figure to compare on a
 * shared machine, where wall time moves with other jobs. */
static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long status_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static void reset_hwm(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static uint64_t rng_state = 42;

static uint64_t rnd(uint64_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % n;
}

/* 10 columns; traders, brokers, vessels and ports repeat across rows. */
static int gen_csv(const char *path, uint64_t rows)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs("decl_no;decl_date;trader_tin;trader_name;broker;vessel_imo;port;value;kg;status\n", f);
	for (uint64_t i = 0; i < rows; i++) {
		uint64_t t = rnd(rows / 10 + 1);
		fprintf(f, "24DE%08" PRIu64 ";%02d/%02d/2024;DE %03" PRIu64 " %06" PRIu64
		        ";Trader %" PRIu64 " GmbH ;brk-%03" PRIu64 ";9%06" PRIu64 ";deham%02" PRIu64
		        ";%" PRIu64 ",%02" PRIu64 ";%" PRIu64 ";CLEARED\n",
		        i, (int)rnd(28) + 1, (int)rnd(12) + 1, t / 1000000, t % 1000000, t,
		        rnd(500), rnd(2000), rnd(60), rnd(1000000), rnd(100), rnd(20000));
	}
	return fclose(f);
}

static uint64_t bm_batch; /* --batch: commit every N rows (0: one transaction) */
static int bm_passes = 2;  /* --once: 1 */

static int run(const char *dir, uint64_t rows)
{
	dn_import_opts io = dn_import_opts_default();
	char csv[512], map[512], dbp[512], cmd[1100];
	const char *files[1];
	dn_open_opts oo = {.flags = DN_OPEN_NOSYNC};
	dn_import_summary sum;
	dn_mapping_stats st;
	dn_db *db = NULL;
	FILE *f;
	int rc;

	snprintf(csv, sizeof csv, "%s/decl_%" PRIu64 ".csv", dir, rows);
	snprintf(map, sizeof map, "%s/decl.json", dir);
	snprintf(dbp, sizeof dbp, "%s/db_%" PRIu64, dir, rows);
	if (!(f = fopen(map, "w")) || fputs(bm_mapping, f) < 0 || fclose(f))
		return -1;
	if (gen_csv(csv, rows))
		return -1;
	files[0] = csv;
	if ((rc = dn_open(dbp, &oo, &db))) {
		fprintf(stderr, "open: %s\n", dn_errmsg(NULL));
		return rc;
	}
	for (int pass = 0; pass < bm_passes; pass++) {
		double t0, t1, c0, c1;
		reset_hwm();
		t0 = now_s();
		c0 = cpu_s();
		io.batch = bm_batch;
		rc = dn_import_mapping(db, map, files, 1, &io, &sum, &st);
		t1 = now_s();
		c1 = cpu_s();
		if (rc) {
			fprintf(stderr, "import: %s\n", dn_errmsg(db));
			break;
		}
		printf("%-8s %9" PRIu64 " rows  %7.2f s  %8.0f rows/s  cpu %7.2f s  %8.0f rows/cpu-s  VmHWM %6.1f MiB  "
		       "RssAnon %6.1f MiB  nodes +%" PRIu64 " =%" PRIu64 "  edges +%" PRIu64 " =%" PRIu64 "\n",
		       pass ? "reload" : "load", sum.rows, t1 - t0, (double)sum.rows / (t1 - t0),
		       c1 - c0, (double)sum.rows / (c1 - c0),
		       (double)status_kib("VmHWM") / 1024.0, (double)status_kib("RssAnon") / 1024.0,
		       sum.nodes_created,
		       sum.nodes_present + sum.nodes_updated, sum.rels_created, sum.rels_present);
		fflush(stdout);
	}
	dn_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dbp, csv);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dbp);
	return rc;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench_mapping_XXXXXX";
	uint64_t sizes[8] = {100000, 1000000};
	int nsizes = 2, rc = 0;

	int first = 1;
	if (argc > first && strcmp(argv[first], "--once") == 0) {
		bm_passes = 1;
		first++;
	}
	if (argc > first + 1 && strcmp(argv[first], "--batch") == 0) {
		bm_batch = strtoull(argv[first + 1], NULL, 10);
		first += 2;
	}
	if (argc > first) {
		nsizes = 0;
		for (int i = first; i < argc && nsizes < 8; i++)
			sizes[nsizes++] = strtoull(argv[i], NULL, 10);
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("mapping import: 10 columns, 5 node templates (4 merged per row on repeat), "
	       "4 edges per row, %s, DN_OPEN_NOSYNC\n", bm_batch ? "batches" : "one transaction");
	for (int i = 0; i < nsizes && !rc; i++)
		rc = run(dir, sizes[i]);
	{
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc ? 1 : 0;
}
