/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.h — what EXPLAIN and PROFILE return: one row per operator, in
 * the order the executor runs them, children indented under their clause:
 * operator, details, estimated rows and, for PROFILE, the rows each
 * operator produced and the time its clause took.
 */
#ifndef DN_EXPLAIN_H
#define DN_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec.h"

typedef struct dn_prof dn_prof;

/* A new collector; profile adds the rows and time columns. NULL: no memory. */
dn_prof *dn_prof_new(bool profile);
void dn_prof_free(dn_prof *p);
bool dn_prof_is_profile(const dn_prof *p);
/* The number of lines so far: a clause's children are added while it runs,
 * the clause's own line afterwards, inserted at the mark taken before. */
size_t dn_prof_mark(const dn_prof *p);
/* Adds a line at position at (dn_prof_mark's value, or the end when at is
 * SIZE_MAX), at depth (0: a clause; 1: one of its steps). rows and ms are
 * ignored by EXPLAIN; ms < 0 leaves the time empty. Returns 0 or DN_ENOMEM. */
int dn_prof_line(dn_prof *p, size_t at, int depth, const char *op, const char *details, double est,
                 uint64_t rows, double ms);
/* The running estimate of rows flowing between clauses. */
double dn_prof_estimate(const dn_prof *p);
void dn_prof_set_estimate(dn_prof *p, double est);
/* Moves the lines into a result table. Returns 0 or DN_ENOMEM. */
int dn_prof_result(dn_prof *p, dn_exec_result *out);

#endif /* DN_EXPLAIN_H */
