/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_util.h — what the benchmark programs share: removing their scratch
 * tree and stopping with a message. Each program includes it once, sets
 * g_prog, fills g_root (its scratch directory, removed by die unless g_keep)
 * and uses CK_DN around dragnet calls that must not fail.
 */
#ifndef DN_BENCH_UTIL_H
#define DN_BENCH_UTIL_H

#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static const char *g_prog = "bench";
static char g_root[4096];
static bool g_keep;
static int g_die_status = 1;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes path and everything below it (nothing when path is ""). */
static void rm_tree(const char *path)
{
	if (path[0])
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Prints "<g_prog>: <message>", removes g_root unless g_keep, exits with
 * g_die_status. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", g_prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	if (!g_keep)
		rm_tree(g_root);
	exit(g_die_status);
}

#define CK_DN(db, call)                                                                 \
	do {                                                                                \
		int ck_rc_ = (call);                                                            \
		if (ck_rc_ < 0)                                                                 \
			die("%s:%d %s: %s (%s)", __FILE__, __LINE__, #call, dn_strerror(ck_rc_),    \
			    dn_errmsg(db));                                                         \
	} while (0)

#endif
