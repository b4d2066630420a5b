/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * registry.c — the table of algo.* procedures: name, summary, the config
 * keys each takes (with type and help), the columns it yields, the column
 * `write` stores, the function that runs it and its projection needs. The
 * bridge checks configs against it; the query language's CALL and
 * `dragnet analyze --help` read it through dn_analyze_procs.
 */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis.h"

/* Keys shared by every procedure that projects the graph. */
#define PROJ_KEYS                                                                                     \
	{"labels", "list<string>", "node labels to include (default: all nodes)"},                        \
	{"types", "list<string>", "relationship types to include (default: all)"},                        \
	{"direction", "string", "'out' (as stored), 'in' (reversed) or 'both' (undirected)"},             \
	{"valid_at", "time", "only elements valid at this time"},                                         \
	{"valid_from", "time", "only elements valid at some time in [valid_from, valid_to)"},             \
	{"valid_to", "time", "end of the valid-time window (exclusive)"},                                 \
	{"min_grade", "string", "only elements graded at least this well, e.g. 'B2'"},                    \
	{"nodes", "list<node>", "only these nodes (e.g. a query's result)"}
#define WEIGHT_KEYS                                                                                   \
	{"weight", "string", "relationship property used as weight"},                                     \
	{"default_weight", "float", "weight of relationships without the property (default: error)"}
#define WRITE_KEY {"write", "string", "also store the result as this node property"}

#define KEYS(...) (const dn_proc_key[]){__VA_ARGS__}, sizeof((const dn_proc_key[]){__VA_ARGS__}) / sizeof(dn_proc_key)
#define COLS(...) (const char *const[]){__VA_ARGS__}, sizeof((const char *const[]){__VA_ARGS__}) / sizeof(char *)

static const an_proc procs[] = {
	/* centrality */
	{{"algo.degree", "degree (or weighted strength) of each node",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY), COLS("node", "degree"), "degree"},
	 an_degree, 0},
	{{"algo.betweenness", "betweenness centrality of nodes, or of relationships with mode:'edges'",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"mode", "string", "'nodes' (default) or 'edges'"},
	       {"normalized", "bool", "divide by the number of node pairs (default false)"},
	       {"cutoff", "float", "only paths up to this length (hops or weight): faster on large graphs"}),
	  COLS("node", "rel", "source", "target", "score"), "score"},
	 an_betweenness, AN_POSITIVE},
	{{"algo.closeness", "closeness centrality (over the nodes each node reaches)",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"normalized", "bool", "multiply by reached-1 (default true)"},
	       {"cutoff", "float", "only paths up to this length (hops or weight): faster on large graphs"}),
	  COLS("node", "score", "reachable"), "score"},
	 an_closeness, AN_POSITIVE},
	{{"algo.harmonic", "harmonic centrality: sum of 1/distance to every other node",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"normalized", "bool", "divide by n-1 (default false)"},
	       {"cutoff", "float", "only paths up to this length (hops or weight): faster on large graphs"}),
	  COLS("node", "score"), "score"},
	 an_harmonic, AN_POSITIVE},
	{{"algo.eigenvector", "eigenvector centrality (scaled to a maximum of 1)",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY), COLS("node", "score"), "score"},
	 an_eigenvector, AN_NONNEG | AN_DIR_BOTH},
	{{"algo.pagerank", "PageRank, personalised with seeds; variant:'graphalytics' is LDBC's fixed-iteration one",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"damping", "float", "damping factor in (0,1), default 0.85"},
	       {"seeds", "list<node>", "personalised PageRank: restart at these nodes"},
	       {"variant", "string", "'igraph' (default, exact) or 'graphalytics'"},
	       {"iterations", "int", "iterations of the graphalytics variant (default 20)"}),
	  COLS("node", "score"), "score"},
	 an_pagerank, AN_NONNEG},
	/* structure */
	{{"algo.project", "the size of a projection: check labels, types and filters before a costly procedure",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS), COLS("nodes", "relationships", "directed"), NULL},
	 an_project_size, 0},
	{{"algo.wcc", "weakly connected components (component = its smallest node id)",
	  KEYS(PROJ_KEYS, WRITE_KEY), COLS("node", "component"), "component"},
	 an_wcc, AN_NO_WEIGHT},
	{{"algo.scc", "strongly connected components (component = its smallest node id)",
	  KEYS(PROJ_KEYS, WRITE_KEY), COLS("node", "component"), "component"},
	 an_scc, AN_NO_WEIGHT},
	{{"algo.kcore", "coreness (k-core number) of each node",
	  KEYS(PROJ_KEYS, WRITE_KEY, {"k", "int", "only nodes in the k-core (coreness >= k)"}),
	  COLS("node", "coreness"), "coreness"},
	 an_kcore, AN_NO_WEIGHT | AN_DIR_BOTH},
	{{"algo.articulation", "articulation points: nodes whose removal disconnects their component",
	  KEYS(PROJ_KEYS), COLS("node"), NULL},
	 an_articulation, AN_NO_WEIGHT | AN_UNDIRECTED},
	{{"algo.bridges", "bridges: relationships whose removal disconnects their component",
	  KEYS(PROJ_KEYS), COLS("rel", "source", "target"), NULL},
	 an_bridges, AN_NO_WEIGHT | AN_UNDIRECTED},
	{{"algo.cliques", "maximal cliques",
	  KEYS(PROJ_KEYS, {"min_size", "int", "smallest clique reported (default 3)"},
	       {"max_size", "int", "largest clique reported (default: no limit)"},
	       {"limit", "int", "at most this many rows, the biggest cliques first (default 10000)"}),
	  COLS("clique", "size"), NULL},
	 an_cliques, AN_NO_WEIGHT | AN_UNDIRECTED},
	{{"algo.triangles", "number of triangles through each node",
	  KEYS(PROJ_KEYS, WRITE_KEY), COLS("node", "triangles"), "triangles"},
	 an_triangles, AN_NO_WEIGHT | AN_UNDIRECTED},
	{{"algo.lcc", "local clustering coefficient (Graphalytics definition for directed projections)",
	  KEYS(PROJ_KEYS, WRITE_KEY), COLS("node", "coefficient"), "coefficient"},
	 an_lcc, AN_NO_WEIGHT | AN_DIR_BOTH},
	/* communities */
	{{"algo.louvain", "Louvain communities (multilevel modularity)",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"resolution", "float", "resolution, default 1"},
	       {"seed", "int", "random seed (default 1): same seed, same result"}),
	  COLS("node", "community"), "community"},
	 an_louvain, AN_UNDIRECTED | AN_NONNEG},
	{{"algo.leiden", "Leiden communities (modularity, or CPM with objective:'cpm')",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"resolution", "float", "resolution, default 1"},
	       {"beta", "float", "randomness of refinement, default 0.01"},
	       {"iterations", "int", "iterations (default 2; negative: until stable)"},
	       {"objective", "string", "'modularity' (default) or 'cpm'"},
	       {"seed", "int", "random seed (default 1): same seed, same result"}),
	  COLS("node", "community"), "community"},
	 an_leiden, AN_UNDIRECTED | AN_NONNEG},
	{{"algo.labelprop", "label propagation communities; variant:'graphalytics' is LDBC's deterministic CDLP",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"seed", "int", "random seed (default 1): same seed, same result"},
	       {"variant", "string", "'igraph' (default) or 'graphalytics'"},
	       {"iterations", "int", "iterations of the graphalytics variant (default 10)"}),
	  COLS("node", "community"), "community"},
	 an_labelprop, AN_NONNEG | AN_DIR_BOTH},
	/* paths */
	{{"algo.bfs", "breadth-first search: hops from a source to every node it reaches",
	  KEYS(PROJ_KEYS, WRITE_KEY, {"source", "node", "start node (required)"}), COLS("node", "depth"), "depth"},
	 an_bfs, AN_NO_WEIGHT},
	{{"algo.sssp", "single-source shortest path costs (Dijkstra) to every node reached",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"source", "node", "start node (required)"}),
	  COLS("node", "distance"), "distance"},
	 an_sssp, AN_NONNEG},
	{{"algo.shortest", "one shortest path (by hops, or by weight) between two nodes",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, {"source", "node", "start node (required)"},
	       {"target", "node", "end node (required)"}),
	  COLS("path", "length", "cost"), NULL},
	 an_shortest, AN_NONNEG},
	{{"algo.allshortest", "every shortest path between two nodes",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, {"source", "node", "start node (required)"},
	       {"target", "node", "end node (required)"}, {"limit", "int", "at most this many paths (default 100)"}),
	  COLS("path", "length", "cost"), NULL},
	 an_allshortest, AN_NONNEG},
	{{"algo.khop", "the k-hop neighbourhood of one or more nodes",
	  KEYS(PROJ_KEYS, {"source", "list<node>", "start node(s) (required)"}, {"k", "int", "hops, default 2"}),
	  COLS("node", "depth"), NULL},
	 an_khop, AN_NO_WEIGHT | AN_DIR_BOTH},
	{{"algo.timepath", "earliest-arrival time-respecting paths: each hop no earlier than the previous",
	  KEYS(PROJ_KEYS, {"source", "node", "start node (required)"}, {"target", "node", "only the path to this node"},
	       {"time", "string", "relationship property holding the time of each hop (required)"},
	       {"start", "time", "earliest time of the first hop"}),
	  COLS("node", "arrival", "hops", "path"), NULL},
	 an_timepath, AN_NO_WEIGHT},
	/* link prediction */
	{{"algo.linkpred", "link prediction: common neighbours, Jaccard or Adamic-Adar, for a node or the top pairs",
	  KEYS(PROJ_KEYS, {"method", "string", "'common' (default), 'jaccard' or 'adamic_adar'"},
	       {"node", "node", "score the pairs of this node only"}, {"top", "int", "best pairs returned (default 10)"}),
	  COLS("node", "other", "score"), NULL},
	 an_linkpred, AN_NO_WEIGHT | AN_UNDIRECTED},
	/* intelligence */
	{{"algo.risk", "risk propagated from seed nodes (personalised PageRank with decay), with the paths that carried it",
	  KEYS(PROJ_KEYS, WEIGHT_KEYS, WRITE_KEY, {"seeds", "list<node>", "seed nodes (e.g. a query's offenders)"},
	       {"seed_labels", "list<string>", "seed every node with these labels"},
	       {"decay", "float", "share of risk passed on per hop, in (0,1), default 0.85"},
	       {"paths", "int", "explaining paths per node (default 3)"},
	       {"top", "int", "rows returned, highest scores first (default: all with a score)"}),
	  COLS("node", "score", "paths"), "score"},
	 an_risk, AN_NONNEG | AN_DIR_BOTH},
	{{"algo.keyplayer", "key players: k nodes whose removal fragments the network most, with the curve",
	  KEYS(PROJ_KEYS, {"k", "int", "nodes to remove (default 5)"},
	       {"strategy", "string", "'all' (default), 'greedy_lcc', 'greedy_fragmentation', 'betweenness', 'degree'"},
	       {"candidates", "int", "greedy steps try the best this many by degree (default 200)"}),
	  COLS("strategy", "step", "node", "largest_component", "fragmentation"), NULL},
	 an_keyplayer, AN_NO_WEIGHT | AN_UNDIRECTED},
	{{"algo.timeslice", "a network summary and a metric per valid-time window",
	  KEYS(PROJ_KEYS, {"from", "time", "start of the first window (required)"},
	       {"to", "time", "end of the last window (required)"},
	       {"step_days", "int", "window length in days (default 30)"},
	       {"metric", "string", "'degree' (default), 'pagerank' or 'betweenness': its top node per window"}),
	  COLS("window_from", "window_to", "nodes", "edges", "components", "largest_component", "density", "top_node",
	       "top_score"),
	  NULL},
	 an_timeslice, AN_NO_WEIGHT | AN_DIR_BOTH},
};

#define NPROCS (sizeof procs / sizeof procs[0])

const an_proc *an_proc_find(const char *name)
{
	const char *n = name;
	if (!strncasecmp(n, "algo.", 5))
		n += 5;
	for (size_t i = 0; i < NPROCS; i++)
		if (!strcasecmp(procs[i].info.name + 5, n))
			return &procs[i];
	return NULL;
}

/* The infos, contiguous, in the order of procs (filled on first use). */
static dn_proc_info infos[NPROCS];

static void infos_fill(void)
{
	for (size_t i = 0; i < NPROCS; i++)
		infos[i] = procs[i].info;
}

const dn_proc_info *dn_analyze_procs(size_t *n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, infos_fill);
	*n = NPROCS;
	return infos;
}

const dn_proc_info *dn_analyze_proc(const char *name)
{
	size_t n;
	const an_proc *p = an_proc_find(name);
	const dn_proc_info *all = dn_analyze_procs(&n);
	return p ? &all[p - procs] : NULL;
}

/* --- config values from text ------------------------------------------------ */

static int arg_fail(char *err, size_t cap, int code, const char *fmt, const char *a, const char *b)
{
	if (err && cap)
		snprintf(err, cap, fmt, a, b);
	return code;
}

/* One scalar of a type from text[0..len). */
static int arg_scalar(const char *type, const char *text, size_t len, dn_value *out)
{
	char buf[128], *end;
	if (len >= sizeof buf)
		return DN_EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	errno = 0;
	if (!strcmp(type, "int") || !strcmp(type, "node")) {
		long long v = strtoll(buf, &end, 10);
		if (!len || *end || errno || (type[0] == 'n' && v <= 0))
			return DN_EINVAL;
		*out = dn_value_int(v);
	} else if (!strcmp(type, "float")) {
		double v = strtod(buf, &end);
		if (!len || *end || errno)
			return DN_EINVAL;
		*out = dn_value_float(v);
	} else if (!strcmp(type, "bool")) {
		if (strcasecmp(buf, "true") && strcasecmp(buf, "false"))
			return DN_EINVAL;
		*out = dn_value_bool(!strcasecmp(buf, "true"));
	} else if (!strcmp(type, "time")) {
		int32_t days;
		int64_t ms;
		long long v = strtoll(buf, &end, 10);
		if (len && !*end && !errno)
			*out = dn_value_int(v);
		else if (!dn_date_parse(buf, len, &days))
			*out = dn_value_date(days);
		else if (!dn_datetime_parse(buf, len, &ms))
			*out = dn_value_datetime(ms);
		else
			return DN_EINVAL;
	} else {
		int e = 0;
		*out = dn_value_stringn(text, len, &e);
		return e;
	}
	return 0;
}

int dn_analyze_arg(const char *proc, const char *key, const char *text, dn_value *out, char *err, size_t cap)
{
	const an_proc *p = an_proc_find(proc);
	*out = dn_value_null();
	if (!p)
		return arg_fail(err, cap, DN_ENOTFOUND, "unknown procedure '%s'%s", proc, "");
	const dn_proc_key *k = NULL;
	for (size_t i = 0; i < p->info.nkeys; i++)
		if (!strcmp(p->info.keys[i].name, key))
			k = &p->info.keys[i];
	if (!k)
		return arg_fail(err, cap, DN_ENOTFOUND, "unknown config key '%s' for %s", key, p->info.name);
	if (strncmp(k->type, "list<", 5)) {
		int rc = arg_scalar(k->type, text, strlen(text), out);
		if (rc == DN_EINVAL)
			return arg_fail(err, cap, rc, "'%s' must be a %s", key, k->type);
		return rc;
	}
	const char *item = !strcmp(k->type, "list<node>") ? "node" : "string";
	size_t n = 1;
	for (const char *q = text; *q; q++)
		n += *q == ',';
	dn_value *items = calloc(n, sizeof *items);
	if (!items)
		return arg_fail(err, cap, DN_ENOMEM, "out of memory%s%s", "", "");
	int rc = 0;
	size_t i = 0;
	for (const char *q = text; !rc && i < n; i++) {
		size_t len = strcspn(q, ",");
		rc = arg_scalar(item, q, len, &items[i]);
		q += len + (q[len] == ',');
	}
	if (!rc)
		*out = dn_value_list(items, i, &rc);
	for (size_t j = 0; j < i; j++)
		dn_value_free(&items[j]);
	free(items);
	if (rc == DN_EINVAL)
		return arg_fail(err, cap, rc, "'%s' must be a comma-separated %s", key, k->type);
	return rc;
}
