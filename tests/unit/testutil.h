/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the Criterion unit suites: fresh database directories
 * under the build tree, and open/begin shorthands that fail the test on
 * error with dragnet's message. */
#ifndef DN_TESTUTIL_H
#define DN_TESTUTIL_H

#include <criterion/criterion.h>

#include "dragnet.h"

/* A fresh, empty directory path for a database (removed first if it
 * exists), unique per call within the process. Returned string is static
 * storage of the helper (valid until the next call). */
const char *tu_fresh_dir(const char *name);
/* Removes a directory tree (best effort). */
void tu_rmtree(const char *path);
/* Opens a database with opts (may be NULL); fails the test on error. */
dn_db *tu_open(const char *path, const dn_open_opts *opts);
/* Begins a transaction; fails the test on error. */
dn_txn *tu_begin(dn_db *db, unsigned flags);
/* Commits; fails the test on error. */
void tu_commit(dn_txn *txn);

/* Owned values for expectations: tu_list(n, v1, ..., vn) and
 * tu_map(n, "k1", v1, ..., "kn", vn) take (and free) the item values they
 * are given; at most 32 items, 16 entries. */
dn_value tu_list(int n, ...);
dn_value tu_map(int n, ...);

/* Closes a database and removes its directory. */
void tu_close_rm(dn_db *db);
/* Runs analysis procedure proc (dn_analyze), failing the test on error
 * or when igraph's finally stack is not empty afterwards. */
dn_result *tu_analyze(dn_txn *txn, const char *proc, const dn_value *cfg);

/* Asserts that an expression returns 0, printing dn_errmsg on failure. */
#define TU_OK(db, expr)                                                        \
	do {                                                                       \
		int tu_rc_ = (expr);                                                   \
		cr_assert_eq(tu_rc_, 0, "%s -> %d (%s): %s", #expr, tu_rc_,            \
		             dn_strerror(tu_rc_), dn_errmsg(db));                      \
	} while (0)

#endif
