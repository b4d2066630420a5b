/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * analysis.h — private declarations of the analysis bridge (engine/analysis):
 * the call context a procedure runs in, the projection of the graph into an
 * igraph_t with its id map, config readers, the result table builder and the
 * procedure functions of each family file. Only the files of this directory
 * include it, and so only they see igraph.h.
 */
#ifndef DN_ANALYSIS_H
#define DN_ANALYSIS_H

#include <igraph.h>

#include "internal.h"

/* The result table (dragnet_analysis.h). */
struct dn_result {
	size_t ncols;
	char **cols;
	size_t nrows, cap;
	dn_value *cells; /* nrows * ncols, row-major, owned */
};

/* The projection: vertex i of g is node nodes[i] (ascending ids), igraph
 * edge e is dragnet edge edges[e]. */
typedef struct an_proj {
	igraph_t g;
	bool built;
	bool directed;
	igraph_integer_t n, m;
	dn_id *nodes;
	dn_id *edges;
	/* the ends of edge e as projected: ends[2e] -> ends[2e+1] (igraph
	 * reorders the ends of undirected edges; this keeps them) */
	igraph_integer_t *ends;
	/* id → vertex: dense table when ids are compact, else binary search */
	int32_t *dense;
	dn_id dense_len;
	bool weighted;
	igraph_vector_t weights; /* when weighted: a view of wbuf */
	double *wbuf;
	double *etime;           /* per edge, when a time property was asked for */
	uint8_t time_type;       /* dn_type of the first time value seen */
} an_proj;

/* Projection requirements of a procedure. */
enum {
	AN_UNDIRECTED = 1u << 0, /* always an undirected graph */
	AN_NONNEG = 1u << 1,     /* weights must be >= 0 */
	AN_POSITIVE = 1u << 2,   /* weights must be > 0 */
	AN_NO_WEIGHT = 1u << 3,  /* the procedure takes no weight */
	AN_DIR_BOTH = 1u << 4,   /* default direction 'both' instead of 'out' */
};

typedef struct an_proc an_proc;

/* One call of dn_analyze. */
typedef struct an_ctx {
	dn_txn *txn;
	dn_db *db;
	const an_proc *proc;
	const char *name;      /* "algo.pagerank" */
	const dn_value *config; /* DN_MAP or NULL */
	dn_result *res;
	an_proj proj;
	/* set by procedures that project several times (algo.timeslice) */
	bool allow_empty;          /* an empty projection is not an error */
	bool win_override;         /* use [win_from, win_to) as the window */
	int64_t win_from, win_to;
	uint8_t time_like;         /* dn_type of the window bounds given */
} an_ctx;

struct an_proc {
	dn_proc_info info;
	int (*run)(an_ctx *c);
	unsigned flags; /* AN_* projection requirements */
};

/* registry.c */
const an_proc *an_proc_find(const char *name);

/* bridge.c: igraph errors, config, results */
/* Turns an igraph return code into a dragnet error naming the procedure
 * and igraph's reason (0 stays 0). */
int an_ig(an_ctx *c, igraph_error_t rc);
/* The value of config key `key`, or NULL when absent or null. */
const dn_value *an_cfg(const an_ctx *c, const char *key);
int an_cfg_float(an_ctx *c, const char *key, double def, double lo, double hi, bool open, double *out);
int an_cfg_int(an_ctx *c, const char *key, int64_t def, int64_t lo, int64_t hi, int64_t *out);
int an_cfg_bool(an_ctx *c, const char *key, bool def, bool *out);
/* A string key that must be one of choices (NULL-terminated list); *out
 * is the index of the choice (def when absent). */
int an_cfg_choice(an_ctx *c, const char *key, const char *const *choices, int def, int *out);
/* A string key copied into buf (NUL-terminated); *present says if given. */
int an_cfg_string(an_ctx *c, const char *key, char *buf, size_t cap, bool *present);
/* A node given as a DN_NODE or an integer id (DN_ENOTFOUND when it does not
 * exist or is invisible); with vertex, also its vertex in the projection
 * (DN_EINVAL when the node is not projected). */
int an_cfg_node(an_ctx *c, const char *key, bool required, dn_id *id, igraph_integer_t *vertex);
/* A list of nodes (DN_NODE or integer ids), or a single one; owned array. */
int an_cfg_nodes(an_ctx *c, const char *key, dn_id **ids, size_t *n);
/* Sets mark[v] = 1 for the vertex of every node listed under key
 * (DN_EINVAL for a node outside the projection). */
int an_cfg_mark(an_ctx *c, const char *key, igraph_vector_t *mark);
/* A time given as DATETIME, DATE (midnight UTC) or integer milliseconds. */
int an_value_time(const dn_value *v, int64_t *ms);

/* Result building: columns first, then rows (each a zeroed row of DN_NULL
 * cells the caller fills with owned values). */
int an_res_columns(an_ctx *c, size_t n, const char *const *names);
dn_value *an_res_row(an_ctx *c);
static inline dn_value an_node(dn_id id)
{
	dn_value v = {.type = DN_NODE};
	v.u.i = (int64_t)id;
	return v;
}
static inline dn_value an_rel(dn_id id)
{
	dn_value v = {.type = DN_REL};
	v.u.i = (int64_t)id;
	return v;
}
/* A DN_PATH value of vertices vs[0..nv) joined by edges es[0..nv-1). */
int an_path_value(an_ctx *c, const igraph_integer_t *vs, size_t nv, const igraph_integer_t *es,
                  dn_value *out);
/* A DN_LIST of n DN_NODE values for vertices vs. */
int an_node_list(an_ctx *c, const igraph_integer_t *vs, size_t n, dn_value *out);
/* Rows (node, value) for a per-vertex float vector (column names given). */
int an_res_node_floats(an_ctx *c, const char *col, const igraph_vector_t *v);
/* Rows (node, value) for a per-vertex integer vector. */
int an_res_node_ints(an_ctx *c, const char *col, const igraph_vector_int_t *v);
/* Rows (node, id) where id is the smallest node id of each vertex's group
 * in membership (a stable, order-free community/component id). */
int an_res_membership(an_ctx *c, const char *col, const igraph_vector_int_t *membership);
/* The common ending of a procedure: converts igraph's return code igrc,
 * makes the rows of vector v (per-vertex floats, or a membership) and
 * destroys v. */
int an_floats_done(an_ctx *c, const char *col, igraph_vector_t *v, igraph_error_t igrc);
int an_membership_done(an_ctx *c, const char *col, igraph_vector_int_t *v, igraph_error_t igrc);

/* project.c */
/* Builds c->proj from the projection keys of the config (labels, types,
 * direction, valid_at/valid_from/valid_to, min_grade, weight,
 * default_weight, nodes) and the procedure's flags. time_key, when not
 * NULL, is the name of an edge property every edge must carry as a time
 * (kept in proj.etime). Empty projections are an error. */
int an_project(an_ctx *c, const char *time_key);
void an_proj_free(an_proj *p);
/* The vertex of node id, or -1. */
igraph_integer_t an_vertex(const an_proj *p, dn_id id);
/* The igraph neighbour mode of the projection's direction (OUT for
 * directed graphs, ALL for undirected ones). */
igraph_neimode_t an_mode(const an_proj *p);
/* The weights vector or NULL. */
static inline const igraph_vector_t *an_weights(const an_proj *p)
{
	return p->weighted ? &p->weights : NULL;
}

/* The procedures, one function each, by family file. */
/* centrality.c */
int an_degree(an_ctx *c);
int an_betweenness(an_ctx *c);
int an_closeness(an_ctx *c);
int an_harmonic(an_ctx *c);
int an_eigenvector(an_ctx *c);
int an_pagerank(an_ctx *c);
/* structure.c */
int an_project_size(an_ctx *c);
int an_wcc(an_ctx *c);
int an_scc(an_ctx *c);
int an_kcore(an_ctx *c);
int an_articulation(an_ctx *c);
int an_bridges(an_ctx *c);
int an_cliques(an_ctx *c);
int an_triangles(an_ctx *c);
int an_lcc(an_ctx *c);
/* community.c */
int an_louvain(an_ctx *c);
int an_leiden(an_ctx *c);
int an_labelprop(an_ctx *c);
/* paths.c */
int an_bfs(an_ctx *c);
int an_sssp(an_ctx *c);
int an_shortest(an_ctx *c);
int an_allshortest(an_ctx *c);
int an_khop(an_ctx *c);
int an_timepath(an_ctx *c);
/* linkpred.c */
int an_linkpred(an_ctx *c);
/* intel.c */
int an_risk(an_ctx *c);
int an_keyplayer(an_ctx *c);
int an_timeslice(an_ctx *c);

#endif
