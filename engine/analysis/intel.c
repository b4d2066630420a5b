/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * intel.c — the intelligence procedures: risk propagated from known
 * offenders (personalised PageRank with decay, each score explained by the
 * walks from seeds that carried most of it), key players (the k nodes whose
 * removal fragments the network most, greedily by largest component and by
 * distance-weighted fragmentation, beside the top-k by betweenness and by
 * degree, each with its curve) and time slices (the network and a metric
 * per valid-time window).
 *
 *   CALL algo.risk({seeds:[...], decay:0.85, paths:3}) YIELD node, score, paths
 *   CALL algo.keyplayer({k:5}) YIELD strategy, step, node, largest_component, fragmentation
 *   CALL algo.timeslice({from:date('2004-01-01'), to:date('2005-01-01'), step_days:90}) YIELD *
 */
#include <math.h>
#include <stdlib.h>

#include "analysis.h"

/* --- risk ------------------------------------------------------------------- */

typedef struct risk_expl {
	double share;      /* probability of the walk */
	dn_value path;     /* DN_PATH */
} risk_expl;

/* Builds the seed list: `seeds` and the members of `seed_labels`. */
static int risk_seeds(an_ctx *c, igraph_vector_t *reset, size_t *nseeds)
{
	an_proj *p = &c->proj;
	int rc = an_cfg_mark(c, "seeds", reset);
	const dn_value *lab = an_cfg(c, "seed_labels");
	const dn_value *li = lab ? (lab->type == DN_LIST ? lab->u.list : lab) : NULL;
	size_t nl = lab ? (lab->type == DN_LIST ? lab->len : 1) : 0;
	for (size_t i = 0; !rc && i < nl; i++) {
		char name[256];
		dn_iter *it;
		dn_id id;
		snprintf(name, sizeof name, "%.*s", (int)li[i].len, li[i].u.s);
		if ((rc = dn_nodes_by_label(c->txn, name, &it)))
			break;
		while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
			igraph_integer_t v = an_vertex(p, id);
			if (v >= 0)
				VECTOR(*reset)[v] = 1;
		}
		dn_iter_free(it);
		rc = rc == DN_DONE ? 0 : rc;
	}
	*nseeds = 0;
	for (igraph_integer_t v = 0; v < p->n; v++)
		*nseeds += VECTOR(*reset)[v] > 0;
	if (!rc && !*nseeds)
		rc = dn_error(c->db, DN_EINVAL, "%s: no seed: give 'seeds' (nodes) or 'seed_labels' with nodes in the projection",
		              c->name);
	return rc;
}

/* A {path, share} map. */
static int expl_map(an_ctx *c, risk_expl *e, dn_value *out)
{
	dn_value *kv = dn_calloc(4, sizeof *kv);
	int err = 0;
	if (!kv)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	kv[0] = dn_value_string("path", &err);
	kv[1] = e->path;
	e->path = dn_value_null();
	kv[2] = dn_value_string("share", &err);
	kv[3] = dn_value_float(e->share);
	*out = (dn_value){.type = DN_MAP, .owned = 1, .len = 2};
	out->u.list = kv;
	return err ? dn_error(c->db, DN_ENOMEM, "out of memory") : 0;
}

/*
 * The explanation: a walk seed -> ... -> v carries risk in proportion to the
 * product over its hops of decay * w(hop) / strength(tail). For every seed
 * the most probable walk to each node is a shortest path under the cost
 * -ln(decay * w / strength); each node keeps the `k` best over all seeds.
 */
static int risk_paths(an_ctx *c, const igraph_vector_t *reset, double decay, int64_t k, const igraph_integer_t *rows,
                      size_t nrows, risk_expl *ex, size_t *nex)
{
	an_proj *p = &c->proj;
	igraph_t wg; /* the walk graph: directed, an undirected edge both ways */
	igraph_vector_t cost, str;
	igraph_vector_int_t parents, inbound, ends;
	igraph_integer_t per = p->directed ? 1 : 2, nw = per * p->m;
	bool wg_ok = false;
	int rc = an_ig(c, igraph_vector_init(&cost, nw));
	if (rc)
		return rc;
	if ((rc = an_ig(c, igraph_vector_init(&str, 0)))) {
		igraph_vector_destroy(&cost);
		return rc;
	}
	if ((rc = an_ig(c, igraph_vector_int_init(&parents, 0)))) {
		igraph_vector_destroy(&cost);
		igraph_vector_destroy(&str);
		return rc;
	}
	if ((rc = an_ig(c, igraph_vector_int_init(&inbound, 0))))
		goto out;
	if ((rc = an_ig(c, igraph_vector_int_init(&ends, 2 * nw))))
		goto out_in;
	if ((rc = an_ig(c, igraph_strength(&p->g, &str, igraph_vss_all(), an_mode(p), true, an_weights(p)))))
		goto out_ends;
	for (igraph_integer_t e = 0; e < p->m; e++) {
		double w = p->weighted ? VECTOR(p->weights)[e] : 1;
		for (igraph_integer_t d = 0; d < per; d++) {
			igraph_integer_t tail = p->ends[2 * e + d], head = p->ends[2 * e + 1 - d], kk = per * e + d;
			double s = VECTOR(str)[tail];
			VECTOR(ends)[2 * kk] = tail;
			VECTOR(ends)[2 * kk + 1] = head;
			VECTOR(cost)[kk] = w > 0 && s > 0 ? -log(decay * w / s) : INFINITY;
		}
	}
	if ((rc = an_ig(c, igraph_create(&wg, &ends, p->n, true))))
		goto out_ends;
	wg_ok = true;
	igraph_integer_t *vs = dn_malloc(((size_t)p->n + 1) * sizeof *vs), *es = dn_malloc(((size_t)p->n + 1) * sizeof *es);
	if (!vs || !es)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	for (igraph_integer_t sd = 0; !rc && sd < p->n; sd++) {
		if (VECTOR(*reset)[sd] <= 0)
			continue;
		rc = an_ig(c, igraph_get_shortest_paths_dijkstra(&wg, NULL, NULL, sd, igraph_vss_all(), &cost, IGRAPH_OUT,
		                                                 &parents, &inbound));
		for (size_t r = 0; !rc && r < nrows; r++) {
			igraph_integer_t v = rows[r];
			if (v != sd && VECTOR(parents)[v] < 0)
				continue; /* not reached from this seed */
			size_t len = 0;
			double lp = 0;
			vs[0] = v;
			for (igraph_integer_t x = v; x != sd && len < (size_t)p->n;) {
				igraph_integer_t e = VECTOR(inbound)[x];
				lp += VECTOR(cost)[e];
				es[len] = e / per;
				x = VECTOR(parents)[x];
				vs[++len] = x;
			}
			double share = exp(-lp);
			risk_expl *mine = ex + r * (size_t)k;
			size_t *cnt = nex + r;
			if (*cnt == (size_t)k && share <= mine[k - 1].share)
				continue;
			/* the path runs seed -> v: reverse */
			for (size_t a = 0, b = len; a < b; a++, b--) {
				igraph_integer_t t = vs[a];
				vs[a] = vs[b];
				vs[b] = t;
			}
			for (size_t a = 0, b = len ? len - 1 : 0; len && a < b; a++, b--) {
				igraph_integer_t t = es[a];
				es[a] = es[b];
				es[b] = t;
			}
			size_t i = *cnt < (size_t)k ? (*cnt)++ : (size_t)k - 1;
			dn_value_free(&mine[i].path);
			while (i > 0 && share > mine[i - 1].share) {
				mine[i] = mine[i - 1];
				i--;
			}
			mine[i].share = share;
			mine[i].path = dn_value_null();
			rc = an_path_value(c, vs, len + 1, es, &mine[i].path);
		}
	}
	free(vs);
	free(es);
	if (wg_ok)
		igraph_destroy(&wg);
out_ends:
	igraph_vector_int_destroy(&ends);
out_in:
	igraph_vector_int_destroy(&inbound);
out:
	igraph_vector_int_destroy(&parents);
	igraph_vector_destroy(&cost);
	igraph_vector_destroy(&str);
	return rc;
}

static int cmp_score(const void *a, const void *b, void *ctx)
{
	const double *s = ctx;
	igraph_integer_t x = *(const igraph_integer_t *)a, y = *(const igraph_integer_t *)b;
	if (s[x] != s[y])
		return s[x] > s[y] ? -1 : 1;
	return (x > y) - (x < y);
}

int an_risk(an_ctx *c)
{
	double decay;
	int64_t k, top;
	size_t nseeds;
	igraph_vector_t reset, pr;
	int rc = an_cfg_float(c, "decay", 0.85, 0, 1, true, &decay);
	if (!rc)
		rc = an_cfg_int(c, "paths", 3, 0, 100, &k);
	if (!rc)
		rc = an_cfg_int(c, "top", 0, 0, INT32_MAX, &top);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	if ((rc = an_ig(c, igraph_vector_init(&reset, p->n))))
		return rc;
	if ((rc = an_ig(c, igraph_vector_init(&pr, 0)))) {
		igraph_vector_destroy(&reset);
		return rc;
	}
	igraph_integer_t *rows = NULL;
	risk_expl *ex = NULL;
	size_t *nex = NULL, nrows = 0;
	if ((rc = risk_seeds(c, &reset, &nseeds)))
		goto out;
	if ((rc = an_ig(c, igraph_personalized_pagerank(&p->g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(),
	                                                p->directed, decay, &reset, an_weights(p), NULL))))
		goto out;
	rows = dn_malloc(((size_t)p->n + 1) * sizeof *rows);
	if (!rows) {
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
		goto out;
	}
	for (igraph_integer_t v = 0; v < p->n; v++)
		if (VECTOR(pr)[v] > 1e-15)
			rows[nrows++] = v;
	qsort_r(rows, nrows, sizeof *rows, cmp_score, VECTOR(pr));
	if (top && (size_t)top < nrows)
		nrows = (size_t)top;
	ex = dn_calloc(nrows * (size_t)k + 1, sizeof *ex);
	nex = dn_calloc(nrows + 1, sizeof *nex);
	if (!ex || !nex) {
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
		goto out;
	}
	if (k && (rc = risk_paths(c, &reset, decay, k, rows, nrows, ex, nex)))
		goto out;
	const char *cols[] = {"node", "score", "paths"};
	if ((rc = an_res_columns(c, 3, cols)))
		goto out;
	for (size_t r = 0; !rc && r < nrows; r++) {
		dn_value *row = an_res_row(c);
		dn_value *items = row ? dn_calloc(nex[r] + 1, sizeof *items) : NULL;
		if (!items) {
			rc = dn_error(c->db, DN_ENOMEM, "out of memory");
			break;
		}
		row[0] = an_node(p->nodes[rows[r]]);
		row[1] = dn_value_float(VECTOR(pr)[rows[r]]);
		row[2] = (dn_value){.type = DN_LIST, .owned = 1, .len = (uint32_t)nex[r]};
		row[2].u.list = items;
		for (size_t i = 0; !rc && i < nex[r]; i++)
			rc = expl_map(c, &ex[r * (size_t)k + i], &items[i]);
	}
out:
	for (size_t i = 0; ex && i < nrows * (size_t)k; i++)
		dn_value_free(&ex[i].path);
	free(ex);
	free(nex);
	free(rows);
	igraph_vector_destroy(&reset);
	igraph_vector_destroy(&pr);
	return rc;
}

/* --- key players -------------------------------------------------------------- */

typedef struct kp {
	igraph_adjlist_t al;
	igraph_integer_t n;
	bool *gone;
	igraph_integer_t *queue, *dist, *comp;
} kp;

/* The size of the largest component of the remaining graph. */
static igraph_integer_t kp_lcc(kp *g)
{
	igraph_integer_t best = 0;
	for (igraph_integer_t v = 0; v < g->n; v++)
		g->comp[v] = g->gone[v] ? 1 : 0;
	for (igraph_integer_t s = 0; s < g->n; s++) {
		if (g->comp[s])
			continue;
		igraph_integer_t head = 0, tail = 0;
		g->queue[tail++] = s;
		g->comp[s] = 1;
		while (head < tail) {
			igraph_vector_int_t *nb = igraph_adjlist_get(&g->al, g->queue[head++]);
			for (igraph_integer_t j = 0; j < igraph_vector_int_size(nb); j++) {
				igraph_integer_t w = VECTOR(*nb)[j];
				if (!g->comp[w]) {
					g->comp[w] = 1;
					g->queue[tail++] = w;
				}
			}
		}
		if (tail > best)
			best = tail;
	}
	return best;
}

/* Borgatti's distance-weighted fragmentation of the remaining graph:
 * 1 - sum over ordered pairs of 1/d(i,j) / (r (r-1)), r the nodes left. */
static double kp_frag(kp *g)
{
	double sum = 0;
	igraph_integer_t r = 0;
	for (igraph_integer_t s = 0; s < g->n; s++) {
		if (g->gone[s])
			continue;
		r++;
		for (igraph_integer_t v = 0; v < g->n; v++)
			g->dist[v] = -1;
		igraph_integer_t head = 0, tail = 0;
		g->queue[tail++] = s;
		g->dist[s] = 0;
		while (head < tail) {
			igraph_integer_t u = g->queue[head++];
			if (u != s)
				sum += 1.0 / (double)g->dist[u];
			igraph_vector_int_t *nb = igraph_adjlist_get(&g->al, u);
			for (igraph_integer_t j = 0; j < igraph_vector_int_size(nb); j++) {
				igraph_integer_t w = VECTOR(*nb)[j];
				if (!g->gone[w] && g->dist[w] < 0) {
					g->dist[w] = g->dist[u] + 1;
					g->queue[tail++] = w;
				}
			}
		}
	}
	return r < 2 ? 1.0 : 1.0 - sum / ((double)r * (double)(r - 1));
}

static int kp_row(an_ctx *c, const char *strategy, int64_t step, igraph_integer_t v, kp *g)
{
	dn_value *row = an_res_row(c);
	int err = 0;
	if (!row)
		return DN_ENOMEM;
	row[0] = dn_value_string(strategy, &err);
	row[1] = dn_value_int(step);
	row[2] = v >= 0 ? an_node(c->proj.nodes[v]) : dn_value_null();
	row[3] = dn_value_int(kp_lcc(g));
	row[4] = dn_value_float(kp_frag(g));
	return err ? dn_error(c->db, DN_ENOMEM, "out of memory") : 0;
}

/* Greedy removal: each step removes the candidate that leaves the smallest
 * largest component (by_frag false) or the highest fragmentation. */
static int kp_greedy(an_ctx *c, kp *g, const char *name, bool by_frag, int64_t k, const igraph_integer_t *cand,
                     size_t ncand)
{
	memset(g->gone, 0, (size_t)g->n * sizeof *g->gone);
	int rc = kp_row(c, name, 0, -1, g);
	for (int64_t step = 1; !rc && step <= k; step++) {
		igraph_integer_t pick = -1;
		double best = 0;
		for (size_t i = 0; i < ncand; i++) {
			igraph_integer_t v = cand[i];
			if (g->gone[v])
				continue;
			g->gone[v] = true;
			double val = by_frag ? kp_frag(g) : -(double)kp_lcc(g);
			g->gone[v] = false;
			if (pick < 0 || val > best) {
				pick = v;
				best = val;
			}
		}
		if (pick < 0)
			break;
		g->gone[pick] = true;
		rc = kp_row(c, name, step, pick, g);
	}
	return rc;
}

/* Removal in a fixed order (the top-k of a centrality). */
static int kp_fixed(an_ctx *c, kp *g, const char *name, int64_t k, const igraph_integer_t *order)
{
	memset(g->gone, 0, (size_t)g->n * sizeof *g->gone);
	int rc = kp_row(c, name, 0, -1, g);
	for (int64_t step = 1; !rc && step <= k && step <= g->n; step++) {
		g->gone[order[step - 1]] = true;
		rc = kp_row(c, name, step, order[step - 1], g);
	}
	return rc;
}

/* Vertices by a score, highest first, ties by id. */
static int by_score(an_ctx *c, const igraph_vector_t *s, igraph_integer_t *order)
{
	for (igraph_integer_t v = 0; v < c->proj.n; v++)
		order[v] = v;
	qsort_r(order, (size_t)c->proj.n, sizeof *order, cmp_score, VECTOR(*s));
	return 0;
}

/* Greedy fragmentation costs O(k * candidates * n * m): refused past this. */
#define KP_FRAG_MAX_NODES 3000

int an_keyplayer(an_ctx *c)
{
	static const char *const strategies[] = {"all", "greedy_lcc", "greedy_fragmentation", "betweenness", "degree", NULL};
	int strategy;
	int64_t k, ncand;
	int rc = an_cfg_int(c, "k", 5, 1, 1000, &k);
	if (!rc)
		rc = an_cfg_choice(c, "strategy", strategies, 0, &strategy);
	if (!rc)
		rc = an_cfg_int(c, "candidates", 200, 1, INT32_MAX, &ncand);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	if (strategy == 2 && p->n > KP_FRAG_MAX_NODES)
		return dn_error(c->db, DN_ELIMIT, "%s: greedy_fragmentation is limited to %d nodes (the projection has %lld); "
		                "narrow it with labels, types or nodes", c->name, KP_FRAG_MAX_NODES, (long long)p->n);
	kp g = {.n = p->n};
	igraph_vector_t deg, btw;
	igraph_integer_t *bydeg = dn_malloc((size_t)p->n * sizeof *bydeg), *bybtw = dn_malloc((size_t)p->n * sizeof *bybtw);
	g.gone = dn_calloc((size_t)p->n, sizeof *g.gone);
	g.queue = dn_malloc((size_t)p->n * sizeof *g.queue);
	g.dist = dn_malloc((size_t)p->n * sizeof *g.dist);
	g.comp = dn_malloc((size_t)p->n * sizeof *g.comp);
	bool al_ok = false, deg_ok = false, btw_ok = false;
	if (!bydeg || !bybtw || !g.gone || !g.queue || !g.dist || !g.comp)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	if (!rc && !(rc = an_ig(c, igraph_adjlist_init(&p->g, &g.al, IGRAPH_ALL, IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE))))
		al_ok = true;
	if (!rc && !(rc = an_ig(c, igraph_vector_init(&deg, 0))))
		deg_ok = true;
	if (!rc && !(rc = an_ig(c, igraph_vector_init(&btw, 0))))
		btw_ok = true;
	if (!rc)
		rc = an_ig(c, igraph_strength(&p->g, &deg, igraph_vss_all(), IGRAPH_ALL, false, NULL));
	if (!rc && (strategy == 0 || strategy == 3))
		rc = an_ig(c, igraph_betweenness(&p->g, &btw, igraph_vss_all(), false, NULL));
	if (!rc)
		rc = by_score(c, &deg, bydeg);
	if (!rc && (strategy == 0 || strategy == 3))
		rc = by_score(c, &btw, bybtw);
	const char *cols[] = {"strategy", "step", "node", "largest_component", "fragmentation"};
	if (!rc)
		rc = an_res_columns(c, 5, cols);
	size_t nc = (size_t)(ncand < p->n ? ncand : p->n);
	if (!rc && (strategy == 0 || strategy == 1))
		rc = kp_greedy(c, &g, "greedy_lcc", false, k, bydeg, nc);
	if (!rc && (strategy == 2 || (strategy == 0 && p->n <= KP_FRAG_MAX_NODES)))
		rc = kp_greedy(c, &g, "greedy_fragmentation", true, k, bydeg, nc);
	if (!rc && (strategy == 0 || strategy == 3))
		rc = kp_fixed(c, &g, "betweenness", k, bybtw);
	if (!rc && (strategy == 0 || strategy == 4))
		rc = kp_fixed(c, &g, "degree", k, bydeg);
	if (al_ok)
		igraph_adjlist_destroy(&g.al);
	if (deg_ok)
		igraph_vector_destroy(&deg);
	if (btw_ok)
		igraph_vector_destroy(&btw);
	free(bydeg);
	free(bybtw);
	free(g.gone);
	free(g.queue);
	free(g.dist);
	free(g.comp);
	return rc;
}

/* --- time slices ---------------------------------------------------------------- */

/* A window bound in the type `from` was given in. */
static dn_value slice_time(const an_ctx *c, int64_t ms)
{
	if (c->time_like == DN_DATE)
		return dn_value_date((int32_t)(ms / 86400000LL));
	if (c->time_like == DN_DATETIME)
		return dn_value_datetime(ms);
	return dn_value_int(ms);
}

/* One window's row: active nodes (with an edge in the window), edges,
 * components and the largest among active nodes, density, top node. */
static int slice_row(an_ctx *c, int metric, int64_t from, int64_t to)
{
	an_proj *p = &c->proj;
	igraph_vector_t score;
	igraph_vector_int_t memb, csize, deg;
	igraph_integer_t ncomp = 0;
	int rc = an_ig(c, igraph_vector_init(&score, 0));
	if (rc)
		return rc;
	if ((rc = an_ig(c, igraph_vector_int_init(&memb, 0)))) {
		igraph_vector_destroy(&score);
		return rc;
	}
	if ((rc = an_ig(c, igraph_vector_int_init(&csize, 0))) == 0) {
		if ((rc = an_ig(c, igraph_vector_int_init(&deg, 0))) == 0) {
			rc = an_ig(c, igraph_degree(&p->g, &deg, igraph_vss_all(), IGRAPH_ALL, true));
			if (!rc)
				rc = an_ig(c, igraph_connected_components(&p->g, &memb, &csize, &ncomp, IGRAPH_WEAK));
			if (!rc && metric == 0)
				rc = an_ig(c, igraph_strength(&p->g, &score, igraph_vss_all(), IGRAPH_ALL, true, NULL));
			else if (!rc && metric == 1 && p->n)
				rc = an_ig(c, igraph_pagerank(&p->g, IGRAPH_PAGERANK_ALGO_PRPACK, &score, NULL, igraph_vss_all(),
				                              false, 0.85, NULL, NULL));
			else if (!rc && metric == 2)
				rc = an_ig(c, igraph_betweenness(&p->g, &score, igraph_vss_all(), false, NULL));
			int64_t active = 0, comps = 0, largest = 0;
			igraph_integer_t top = -1;
			for (igraph_integer_t v = 0; !rc && v < p->n; v++) {
				if (!VECTOR(deg)[v])
					continue;
				active++;
				if (top < 0 || VECTOR(score)[v] > VECTOR(score)[top])
					top = v;
			}
			for (igraph_integer_t i = 0; !rc && i < ncomp; i++) {
				igraph_integer_t sz = VECTOR(csize)[i];
				if (sz < 2)
					continue; /* an isolated node is not part of the active network */
				comps++;
				if (sz > largest)
					largest = sz;
			}
			dn_value *row = rc ? NULL : an_res_row(c);
			if (!rc && !row)
				rc = DN_ENOMEM;
			if (!rc) {
				row[0] = slice_time(c, from);
				row[1] = slice_time(c, to);
				row[2] = dn_value_int(active);
				row[3] = dn_value_int(p->m);
				row[4] = dn_value_int(comps);
				row[5] = dn_value_int(largest);
				row[6] = active > 1 ? dn_value_float(2.0 * (double)p->m / ((double)active * (double)(active - 1)))
				                    : dn_value_float(0);
				row[7] = top >= 0 ? an_node(p->nodes[top]) : dn_value_null();
				row[8] = top >= 0 ? dn_value_float(VECTOR(score)[top]) : dn_value_null();
			}
			igraph_vector_int_destroy(&deg);
		}
		igraph_vector_int_destroy(&csize);
	}
	igraph_vector_int_destroy(&memb);
	igraph_vector_destroy(&score);
	return rc;
}

int an_timeslice(an_ctx *c)
{
	static const char *const metrics[] = {"degree", "pagerank", "betweenness", NULL};
	int metric;
	int64_t from, to, days;
	const dn_value *f = an_cfg(c, "from"), *t = an_cfg(c, "to");
	int rc = an_cfg_choice(c, "metric", metrics, 0, &metric);
	if (!rc)
		rc = an_cfg_int(c, "step_days", 30, 1, 100000, &days);
	if (!rc && (!f || !t || an_value_time(f, &from) || an_value_time(t, &to)))
		rc = dn_error(c->db, DN_EINVAL, "%s: 'from' and 'to' are required (dates, datetimes or milliseconds)", c->name);
	if (!rc && from >= to)
		rc = dn_error(c->db, DN_EINVAL, "%s: 'from' must come before 'to'", c->name);
	if (!rc && an_cfg(c, "valid_from"))
		rc = dn_error(c->db, DN_EINVAL, "%s: use 'from' and 'to', not 'valid_from'/'valid_to'", c->name);
	if (!rc && (to - from) / (days * 86400000LL) > 10000)
		rc = dn_error(c->db, DN_ELIMIT, "%s: more than 10000 windows; use a larger 'step_days'", c->name);
	const char *cols[] = {"window_from", "window_to", "nodes", "edges", "components", "largest_component",
	                      "density", "top_node", "top_score"};
	if (!rc)
		rc = an_res_columns(c, 9, cols);
	c->allow_empty = true;
	c->win_override = true;
	c->time_like = f ? f->type : DN_INT;
	for (int64_t w = from; !rc && w < to; w += days * 86400000LL) {
		c->win_from = w;
		c->win_to = w + days * 86400000LL < to ? w + days * 86400000LL : to;
		an_proj_free(&c->proj);
		if (!(rc = an_project(c, NULL)))
			rc = slice_row(c, metric, c->win_from, c->win_to);
	}
	return rc;
}
