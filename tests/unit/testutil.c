/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the Criterion unit suites (see testutil.h). */
#include "testutil.h"
#include "value_ops.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p);
}

void tu_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The directories this process made, removed when it exits (each test
 * runs in a process of its own), so that runs leave no databases behind. */
static char *made[64];
static unsigned nmade;
static pid_t made_by;

__attribute__((destructor)) static void remove_made(void)
{
	if (made_by != getpid() || getenv("DN_TEST_KEEP"))
		return;
	for (unsigned i = 0; i < nmade; i++) {
		tu_rmtree(made[i]);
		free(made[i]);
	}
	nmade = 0;
}

const char *tu_fresh_dir(const char *name)
{
	static char buf[4096];
	static unsigned seq;
	const char *base = getenv("DN_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	snprintf(buf, sizeof buf, "%s/tdb-%ld-%u-%s", base, (long)getpid(), seq++, name);
	tu_rmtree(buf);
	if (made_by != getpid()) { /* a forked child: its parent's list is not its own */
		nmade = 0;
		made_by = getpid();
	}
	if (nmade < sizeof made / sizeof *made && (made[nmade] = strdup(buf)))
		nmade++;
	return buf;
}

dn_db *tu_open(const char *path, const dn_open_opts *opts)
{
	dn_db *db = NULL;
	int rc = dn_open(path, opts, &db);
	cr_assert_eq(rc, 0, "dn_open(%s) -> %s: %s", path, dn_strerror(rc), dn_errmsg(NULL));
	return db;
}

dn_txn *tu_begin(dn_db *db, unsigned flags)
{
	dn_txn *txn = NULL;
	int rc = dn_txn_begin(db, flags, NULL, &txn);
	cr_assert_eq(rc, 0, "dn_txn_begin -> %s: %s", dn_strerror(rc), dn_errmsg(db));
	return txn;
}

void tu_commit(dn_txn *txn)
{
	dn_db *db = dn_txn_db(txn);
	int rc = dn_txn_commit(txn);
	cr_assert_eq(rc, 0, "dn_txn_commit -> %s: %s", dn_strerror(rc), dn_errmsg(db));
}

dn_value tu_list(int n, ...)
{
	dn_value items[32], out;
	va_list ap;
	cr_assert(n <= 32);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		items[i] = va_arg(ap, dn_value);
	va_end(ap);
	out = dn_value_list(items, (size_t)n, NULL);
	for (int i = 0; i < n; i++)
		dn_value_free(&items[i]);
	return out;
}

dn_value tu_map(int n, ...)
{
	const char *keys[16];
	dn_value vals[16], out;
	va_list ap;
	cr_assert(n <= 16);
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		keys[i] = va_arg(ap, const char *);
		vals[i] = va_arg(ap, dn_value);
	}
	va_end(ap);
	cr_assert_eq(dn_cy_map_build(keys, vals, (size_t)n, &out), 0);
	for (int i = 0; i < n; i++)
		dn_value_free(&vals[i]);
	return out;
}

dn_result *tu_analyze(dn_txn *txn, const char *proc, const dn_value *cfg)
{
	dn_result *r = NULL;
	int rc = dn_analyze(txn, proc, cfg, &r);
	cr_assert_eq(rc, 0, "%s -> %s: %s", proc, dn_strerror(rc), dn_errmsg(dn_txn_db(txn)));
	cr_assert_eq(dn_analyze_igraph_stack_size(), 0, "igraph finally stack not empty after %s", proc);
	return r;
}

void tu_close_rm(dn_db *db)
{
	char *path = strdup(dn_db_path(db));
	dn_close(db);
	tu_rmtree(path);
	free(path);
}
