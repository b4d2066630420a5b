/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * centrality.c — who matters: degree, betweenness (nodes and relationships),
 * closeness, harmonic, eigenvector and PageRank (igraph's exact PRPACK one,
 * personalised with seeds, and LDBC Graphalytics' fixed-iteration variant).
 *
 *   CALL algo.degree({direction:'both'}) YIELD node, degree
 *   CALL algo.betweenness({mode:'edges'}) YIELD rel, source, target, score
 *   CALL algo.closeness({}) YIELD node, score, reachable
 *   CALL algo.harmonic({}) YIELD node, score
 *   CALL algo.eigenvector({}) YIELD node, score
 *   CALL algo.pagerank({damping:0.85, seeds:[...]}) YIELD node, score
 */
#include <math.h>
#include <stdlib.h>

#include "analysis.h"

int an_degree(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	if (p->weighted) {
		igraph_vector_t s;
		if ((rc = an_ig(c, igraph_vector_init(&s, 0))))
			return rc;
		return an_floats_done(c, "degree", &s,
		                      igraph_strength(&p->g, &s, igraph_vss_all(), an_mode(p), true, &p->weights));
	}
	igraph_vector_int_t d;
	if ((rc = an_ig(c, igraph_vector_int_init(&d, 0))))
		return rc;
	rc = an_ig(c, igraph_degree(&p->g, &d, igraph_vss_all(), an_mode(p), true));
	if (!rc)
		rc = an_res_node_ints(c, "degree", &d);
	igraph_vector_int_destroy(&d);
	return rc;
}

/* Rows (rel, source, target, score) for a per-edge vector. */
static int edge_rows(an_ctx *c, const igraph_vector_t *v)
{
	const char *cols[] = {"rel", "source", "target", "score"};
	an_proj *p = &c->proj;
	int rc = an_res_columns(c, 4, cols);
	for (igraph_integer_t e = 0; !rc && e < p->m; e++) {
		dn_value *row = an_res_row(c);
		if (!row)
			return DN_ENOMEM;
		row[0] = an_rel(p->edges[e]);
		row[1] = an_node(p->nodes[p->ends[2 * e]]);
		row[2] = an_node(p->nodes[p->ends[2 * e + 1]]);
		row[3] = dn_value_float(VECTOR(*v)[e]);
	}
	return rc;
}

/* The keys of the path-based centralities, then the projection. */
static int path_opts(an_ctx *c, bool norm_default, bool *norm, double *cutoff)
{
	int rc = an_cfg_bool(c, "normalized", norm_default, norm);
	if (!rc)
		rc = an_cfg_float(c, "cutoff", -1, 0, INFINITY, false, cutoff);
	if (!rc)
		rc = an_project(c, NULL);
	return rc;
}

int an_betweenness(an_ctx *c)
{
	static const char *const modes[] = {"nodes", "edges", NULL};
	int mode;
	bool norm;
	double cutoff;
	int rc = an_cfg_choice(c, "mode", modes, 0, &mode);
	if (!rc)
		rc = path_opts(c, false, &norm, &cutoff);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_t b;
	if ((rc = an_ig(c, igraph_vector_init(&b, 0))))
		return rc;
	if (mode == 0)
		rc = an_ig(c, igraph_betweenness_cutoff(&p->g, &b, igraph_vss_all(), true, an_weights(p), cutoff));
	else
		rc = an_ig(c, igraph_edge_betweenness_cutoff(&p->g, &b, true, an_weights(p), cutoff));
	if (!rc && norm) {
		double n = (double)p->n, pairs = mode == 0 ? (n - 1) * (n - 2) : n * (n - 1);
		if (!p->directed)
			pairs /= 2;
		for (igraph_integer_t i = 0; pairs > 0 && i < igraph_vector_size(&b); i++)
			VECTOR(b)[i] /= pairs;
	}
	if (!rc)
		rc = mode == 0 ? an_res_node_floats(c, "score", &b) : edge_rows(c, &b);
	igraph_vector_destroy(&b);
	return rc;
}

int an_closeness(an_ctx *c)
{
	bool norm;
	double cutoff;
	int rc = path_opts(c, true, &norm, &cutoff);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_t s;
	igraph_vector_int_t reach;
	if ((rc = an_ig(c, igraph_vector_init(&s, 0))))
		return rc;
	if ((rc = an_ig(c, igraph_vector_int_init(&reach, 0)))) {
		igraph_vector_destroy(&s);
		return rc;
	}
	rc = an_ig(c, igraph_closeness_cutoff(&p->g, &s, &reach, NULL, igraph_vss_all(), an_mode(p), an_weights(p), norm,
	                                      cutoff));
	const char *cols[] = {"node", "score", "reachable"};
	if (!rc)
		rc = an_res_columns(c, 3, cols);
	for (igraph_integer_t i = 0; !rc && i < p->n; i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[i]);
		/* a node that reaches nobody has no closeness (igraph: NaN) */
		row[1] = isnan(VECTOR(s)[i]) ? dn_value_null() : dn_value_float(VECTOR(s)[i]);
		row[2] = dn_value_int(VECTOR(reach)[i]);
	}
	igraph_vector_destroy(&s);
	igraph_vector_int_destroy(&reach);
	return rc;
}

int an_harmonic(an_ctx *c)
{
	bool norm;
	double cutoff;
	int rc = path_opts(c, false, &norm, &cutoff);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_t s;
	if ((rc = an_ig(c, igraph_vector_init(&s, 0))))
		return rc;
	return an_floats_done(c, "score", &s,
	                      igraph_harmonic_centrality_cutoff(&p->g, &s, igraph_vss_all(), an_mode(p), an_weights(p),
	                                                        norm, cutoff));
}

int an_eigenvector(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_t s;
	igraph_real_t value;
	igraph_arpack_options_t opts;
	igraph_arpack_options_init(&opts);
	if ((rc = an_ig(c, igraph_vector_init(&s, 0))))
		return rc;
	return an_floats_done(c, "score", &s,
	                      igraph_eigenvector_centrality(&p->g, &s, &value, p->directed, true, an_weights(p), &opts));
}

/*
 * LDBC Graphalytics PageRank: PR0 = 1/n; each of `iters` rounds
 * PR(v) = (1-d)/n + d * sum_{u->v} PR(u)/outdeg(u) + d/n * sum_{dangling w} PR(w),
 * with no convergence test. An undirected projection walks each edge both
 * ways.
 */
static int pagerank_graphalytics(an_ctx *c, double d, int64_t iters, igraph_vector_t *pr)
{
	an_proj *p = &c->proj;
	size_t n = (size_t)p->n;
	double *next = dn_calloc(n, sizeof *next), *outdeg = dn_calloc(n, sizeof *outdeg);
	int rc = next && outdeg ? an_ig(c, igraph_vector_resize(pr, p->n)) : dn_error(c->db, DN_ENOMEM, "out of memory");
	for (igraph_integer_t e = 0; !rc && e < p->m; e++) {
		outdeg[IGRAPH_FROM(&p->g, e)] += 1;
		if (!p->directed)
			outdeg[IGRAPH_TO(&p->g, e)] += 1;
	}
	for (size_t v = 0; !rc && v < n; v++)
		VECTOR(*pr)[v] = 1.0 / (double)n;
	for (int64_t it = 0; !rc && it < iters; it++) {
		double dangling = 0;
		for (size_t v = 0; v < n; v++) {
			if (outdeg[v] == 0)
				dangling += VECTOR(*pr)[v];
			next[v] = 0;
		}
		for (igraph_integer_t e = 0; e < p->m; e++) {
			igraph_integer_t f = IGRAPH_FROM(&p->g, e), t = IGRAPH_TO(&p->g, e);
			next[t] += VECTOR(*pr)[f] / outdeg[f];
			if (!p->directed)
				next[f] += VECTOR(*pr)[t] / outdeg[t];
		}
		double base = (1 - d) / (double)n + d * dangling / (double)n;
		for (size_t v = 0; v < n; v++)
			VECTOR(*pr)[v] = base + d * next[v];
	}
	free(next);
	free(outdeg);
	return rc;
}

int an_pagerank(an_ctx *c)
{
	static const char *const variants[] = {"igraph", "graphalytics", NULL};
	double damping;
	int64_t iters;
	int variant;
	igraph_vector_t pr, reset;
	bool has_reset = false;
	int rc = an_cfg_float(c, "damping", 0.85, 0, 1, true, &damping);
	if (!rc)
		rc = an_cfg_choice(c, "variant", variants, 0, &variant);
	if (!rc)
		rc = an_cfg_int(c, "iterations", 20, 0, 1000000, &iters);
	if (!rc && variant == 1 && (an_cfg(c, "seeds") || an_cfg(c, "weight")))
		rc = dn_error(c->db, DN_EINVAL, "%s: the graphalytics variant takes neither 'seeds' nor 'weight'", c->name);
	if (!rc && variant == 0 && an_cfg(c, "iterations"))
		rc = dn_error(c->db, DN_EINVAL, "%s: 'iterations' applies to variant:'graphalytics' only (igraph's PageRank is exact)",
		              c->name);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	if ((rc = an_ig(c, igraph_vector_init(&pr, 0))))
		return rc;
	if (an_cfg(c, "seeds")) {
		rc = an_ig(c, igraph_vector_init(&reset, p->n));
		has_reset = !rc;
		if (!rc)
			rc = an_cfg_mark(c, "seeds", &reset);
	}
	if (!rc && variant == 1)
		rc = pagerank_graphalytics(c, damping, iters, &pr);
	else if (!rc && has_reset)
		rc = an_ig(c, igraph_personalized_pagerank(&p->g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(),
		                                           p->directed, damping, &reset, an_weights(p), NULL));
	else if (!rc)
		rc = an_ig(c, igraph_pagerank(&p->g, IGRAPH_PAGERANK_ALGO_PRPACK, &pr, NULL, igraph_vss_all(), p->directed,
		                              damping, an_weights(p), NULL));
	if (!rc)
		rc = an_res_node_floats(c, "score", &pr);
	if (has_reset)
		igraph_vector_destroy(&reset);
	igraph_vector_destroy(&pr);
	return rc;
}
