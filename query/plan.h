/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.h — the MATCH planner: for each path of a MATCH pattern it chooses
 * where the walk starts and how it expands, from what the database knows
 * without reading data (counts per label and type, indexes and their
 * sizes, which variables an earlier clause bound):
 *
 *   - the start: a bound variable, else the most selective of a unique
 *     index seek, an index equality or range seek (from the pattern's
 *     property map or from WHERE conjuncts such as `n.tin = $tin` or
 *     `n.value > 1000`), the smallest label's scan, or every node;
 *   - the direction: a path is walked from whichever end starts cheaper
 *     (its copy reversed, so the matcher always walks left to right;
 *     paths and relationship lists are turned back when bound); a single
 *     hop between two scans starts at the end with a WHERE conjunct of
 *     its own when that scan is no larger than the expansion reaching it
 *     (`(c:Comment)-->(p:Person) WHERE c.date >= $d` scans Comments);
 *   - variable-length expansion: when nothing downstream can tell walks to
 *     the same end node apart (the relationship and path are unnamed and
 *     the next projection is DISTINCT, or aggregates only with DISTINCT,
 *     min or max), `-[*..k]-` becomes a breadth-first search that reaches
 *     each end node once, instead of enumerating every walk.
 *
 *   - filters: WHERE is split at AND and each part is tested as soon as
 *     the walk has bound every pattern variable it reads, so
 *     `WHERE c.date >= $d` prunes a comment before its creator is
 *     expanded, not after.
 *
 * The plan also carries the estimates EXPLAIN prints and the counters
 * PROFILE fills in.
 */
#ifndef DN_PLAN_H
#define DN_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "dragnet.h"

typedef enum dn_start_kind {
	DN_START_BOUND,  /* the first node's variable is bound already */
	DN_START_SEEK,   /* an index seek on (label, key) */
	DN_START_LABEL,  /* the nodes of one label */
	DN_START_ALL,    /* every node */
	DN_START_SHORTEST, /* shortestPath: between bound ends */
} dn_start_kind;

typedef struct dn_path_plan {
	const dn_ast *path;   /* the path as walked: the original or a reversed copy */
	bool reversed;        /* walked right to left */
	int start;            /* dn_start_kind */
	const char *label;    /* SEEK and LABEL */
	const char *key;      /* SEEK */
	const dn_ast *lo, *hi; /* SEEK: the bounds' expressions (lo == hi: equality) */
	unsigned range_flags; /* DN_RANGE_* */
	bool unique;          /* SEEK through a unique index */
	bool bfs;             /* the variable-length hop expands breadth-first */
	double est_start;     /* estimated start nodes per input row */
	double *est_hop;      /* per relationship: estimated rows after it */
	uint64_t *rows;       /* PROFILE: bindings reached per element */
	bool *all_labeled;    /* per node element: every node the reader sees
	                         carries its labels (label counts equal the node
	                         count), so testing them is moot */
	dn_ast *copy;         /* storage of a reversed copy */
} dn_path_plan;

/* A conjunct of WHERE and where the matcher tests it: right after the
 * walk binds the last pattern variable it reads (path p, element i), or
 * when a whole match is found (at_emit). */
typedef struct dn_plan_filter {
	const dn_ast *expr;
	uint32_t p, i;
	bool at_emit;
} dn_plan_filter;

typedef struct dn_match_plan {
	uint32_t n;
	dn_path_plan *paths;
	dn_ast_list list; /* paths[i].path, for the matcher */
	dn_plan_filter *filters; /* WHERE split at AND, pushed down the walk */
	size_t nfilters;
} dn_match_plan;

enum dn_plan_flags {
	DN_PLAN_DISTINCT_OK = 1u << 0, /* the rows feed only duplicate-insensitive consumers */
	DN_PLAN_ESTIMATES = 1u << 1,   /* fill in est_hop, for EXPLAIN and PROFILE */
};

/*
 * Plans the paths of a pattern (a MATCH's, with its WHERE; a MERGE's or a
 * pattern predicate's, where NULL) given which slots are bound before it
 * (`bound`, `width` slots: the resolver's record width) and flags
 * (DN_PLAN_*). Cheap when
 * a path starts at a bound variable: counts and the index list are read
 * only when a choice needs them. Returns 0 or DN_ENOMEM and the engine's
 * codes.
 */
int dn_plan_paths(dn_txn *txn, const dn_ast_list *paths, const dn_ast *where, const bool *bound, size_t width,
                  unsigned flags, dn_match_plan *out);
void dn_plan_match_free(dn_match_plan *p);

/* One line of EXPLAIN for each step of a path plan: calls line(ctx, depth,
 * operator, details, estimate, rows) for the start and every hop. */
typedef void (*dn_plan_line_fn)(void *ctx, const char *op, const char *details, double est, uint64_t rows);
void dn_plan_describe(const dn_path_plan *pp, const char *text, dn_plan_line_fn line, void *ctx);

#endif /* DN_PLAN_H */
