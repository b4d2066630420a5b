/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match_int.h — the matcher's insides, shared by match.c (MATCH, the
 * breadth-first searches, shortest paths), match_count.c (the counting
 * form of a MATCH, on threads) and match_expr.c (patterns inside
 * expressions, EXISTS { }, MERGE). Nothing else includes it.
 */
#ifndef DN_MATCH_INT_H
#define DN_MATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exec_int.h"

/*
 * MATCH enumerates, for each input row, every way the pattern's paths can
 * be laid on the graph: a path starts at a bound node, or at each node of
 * its first label (or every node), and follows adjacency element by
 * element; variable-length relationships walk depth-first. Within one
 * MATCH a relationship is used at most once (Cypher's uniqueness).
 */
typedef struct matcher {
	exec *x;
	const dn_ast *where; /* MATCH's WHERE, or NULL */
	const dn_ast_list *paths;
	dn_value *row;   /* the working row */
	bool *bound;     /* the working bound flags */
	rows *out;
	dn_id *used;     /* edges used by the current match */
	size_t nused, capused;
	dn_id *walk;     /* the current path: node, rel, node, ... ids */
	size_t nwalk, capwalk;
	size_t emitted;
	size_t *walk_start; /* per path: where its walk begins */
	dn_match_plan *plan;
	bool prechecked; /* the start candidates are known to fit the first node pattern */
	/* MATCH's operator: label tests remembered per (node pattern, node),
	 * direct-mapped (no write happens while a MATCH runs: the writes are
	 * eager operators, done before it starts or after it ends) */
	struct m_label_memo {
		const dn_ast *np;
		dn_id id;
		bool ok;
	} *lmemo;
	bool lmemo_on;      /* allowed: allocated after M_LMEMO tests */
	size_t nlabel_tests;
	/* MATCH's operator: a breadth-first first hop hands its end nodes on
	 * a batch at a time. Once out holds `want` rows it keeps the ends left
	 * and unwinds with M_SUSPEND; the operator later walks the same start
	 * again with `resuming` set, which picks up the ends where they were */
	bool resumable, resuming, suspended;
	size_t want;
	dn_id *ends;
	size_t nends, endpos;
	struct m_fast *fast; /* per plan filter: its simple form, if it has one */
	bool readers;        /* the simple forms may keep property readers */
} matcher;

/*
 * A WHERE part of the form `v.key OP constant` (OP a comparison, the
 * constant a literal or a parameter, either side) is tested on the one
 * property's value, without the evaluator: the constant is evaluated once
 * per MATCH. Anything unusual (v not an entity, a read that fails) goes to
 * the evaluator, which gives the same answer or the error.
 */
typedef struct m_fast {
	int state;      /* 0: not looked at yet, 1: simple, 2: the evaluator */
	int32_t slot;   /* v's */
	const char *key;
	size_t klen;
	dn_ast_op op;   /* with the property on the left */
	dn_value c;     /* the constant */
	dn_prop_reader *rd; /* the matcher's reader of the key, once opened */
	uint32_t tests;     /* nodes tested without it so far */
} m_fast;

/* Not an error, not DN_ROW or DN_DONE: the matcher stopped with rows to go. */
#define M_SUSPEND 99

/* The adjacency readers of a relationship pattern (the counting form's,
 * below; a breadth-first search's too). */
typedef struct m_readers {
	dn_adj_reader *r[16];
	size_t n;
} m_readers;
/* A count that only the evaluator (or one thread) can do; too many types
 * for the readers. */
#define M_EVAL 98

/* The counting form: the ends in order of first reach, and an open
 * addressing map end id -> index + 1. */
typedef struct count_table {
	dn_x_count *cnt;
	size_t ncnt, capcnt;
	size_t *slots, nslots;
} count_table;

struct dn_x_match {
	matcher m;
	const dn_ast *c;
	dn_iter *it;         /* the first path's start candidates, while open */
	bool top_prechecked; /* they fit the first node pattern */
	bool top_whole;      /* the row's first path starts at one node */
	dn_id top_id;        /* else the candidate being matched */
	bool active;         /* a row is being matched */
	bool *before;        /* the slots bound before the MATCH */
	count_table ct; /* the counting form's ends */
	dn_id *starts;  /* and its start candidates */
	size_t nstarts, capstarts;
};

/* match.c: the matcher's entry and the steps the counting form and the
 * patterns inside expressions share with it */
/* Matches paths p.. of m from the working row, emitting into m->out. */
int dn_m_paths(matcher *m, uint32_t p);
/* Frees the simple forms of m's filters (and their readers). */
void dn_m_fast_free(matcher *m);
/* Whether node id fits node pattern np (labels, property map). */
int dn_m_node_ok(matcher *m, const dn_ast *np, dn_id id, bool *ok);
/* The WHERE parts the plan placed at (p, i), or left for a whole match
 * (at_emit): *keep false when one fails. */
int dn_m_filter(matcher *m, bool at_emit, uint32_t p, uint32_t i, bool *keep);
/* Looks at plan filter k: whether it has the simple form (fs->state 1). */
int dn_m_fast_prepare(matcher *m, size_t k, m_fast *fs);
/* Tests a simple filter on v in txn (through rd when not NULL): 1 when
 * the evaluator must. Reads nothing of the matcher (threads call it). */
int dn_m_fast_test(dn_txn *txn, dn_prop_reader *rd, const m_fast *fs, const dn_value *v, bool *keep);
/* A relationship pattern's direction (DN_OUT, DN_IN, DN_BOTH). */
int dn_m_dir(const dn_ast *rp);
/* Whether type alternative t repeats an earlier one. */
bool dn_m_type_again(const dn_ast *rp, uint32_t t);
/* The breadth-first search of relationship pattern (p, i) from start: its
 * end nodes (sorted by id after the start when sorted). */
int dn_m_bfs_ends(matcher *m, uint32_t p, uint32_t i, dn_id start, bool sorted, dn_id **ends, size_t *nends);

/* match_count.c: the relationship pattern's adjacency readers, one per
 * type it names (M_EVAL: more types than readers) */
int dn_m_readers_open(dn_txn *txn, const dn_ast *rp, m_readers *cr);
void dn_m_readers_close(m_readers *cr);

#endif /* DN_MATCH_INT_H */
