/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * linkpred.c — link prediction: which unlinked pairs share the most
 * neighbours (the new trader two steps from last year's offenders). Scores
 * are common neighbours, Jaccard (common / union) or Adamic-Adar (sum of
 * 1 / ln degree over the common neighbours), for the pairs of one node or
 * the best pairs of the whole projection, on the undirected simple graph.
 *
 *   CALL algo.linkpred({method:'adamic_adar', node:$n, top:10}) YIELD node, other, score
 */
#include <math.h>
#include <stdlib.h>

#include "analysis.h"

typedef struct pair {
	igraph_integer_t u, v;
	double score;
} pair;

/* Better first: higher score, then smaller ids. */
static bool better(const pair *a, const pair *b)
{
	if (a->score != b->score)
		return a->score > b->score;
	if (a->u != b->u)
		return a->u < b->u;
	return a->v < b->v;
}

/* Keeps the `top` best pairs in best[0..*n), ordered. */
static void keep(pair *best, size_t *n, size_t top, pair p)
{
	if (*n == top && !better(&p, &best[*n - 1]))
		return;
	size_t i = *n < top ? (*n)++ : top - 1;
	while (i > 0 && better(&p, &best[i - 1])) {
		best[i] = best[i - 1];
		i--;
	}
	best[i] = p;
}

int an_linkpred(an_ctx *c)
{
	static const char *const methods[] = {"common", "jaccard", "adamic_adar", NULL};
	int method;
	int64_t top;
	igraph_integer_t only = -1;
	dn_id id;
	int rc = an_cfg_choice(c, "method", methods, 0, &method);
	if (!rc)
		rc = an_cfg_int(c, "top", 10, 1, 1000000, &top);
	if (!rc)
		rc = an_project(c, NULL);
	if (!rc && an_cfg(c, "node"))
		rc = an_cfg_node(c, "node", true, &id, &only);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	size_t n = (size_t)p->n;
	igraph_adjlist_t al;
	if ((rc = an_ig(c, igraph_adjlist_init(&p->g, &al, IGRAPH_ALL, IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE))))
		return rc;
	double *acc = dn_calloc(n, sizeof *acc);
	igraph_integer_t *cnt = dn_calloc(n, sizeof *cnt), *touched = dn_malloc(n * sizeof *touched);
	igraph_integer_t *adj = dn_calloc(n, sizeof *adj); /* adj[w] == u+1: w is a neighbour of u */
	pair *best = dn_malloc((size_t)top * sizeof *best);
	size_t nbest = 0;
	if (!acc || !cnt || !touched || !adj || !best)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	for (igraph_integer_t u = only >= 0 ? only : 0; !rc && u < (only >= 0 ? only + 1 : p->n); u++) {
		igraph_vector_int_t *nu = igraph_adjlist_get(&al, u);
		igraph_integer_t du = igraph_vector_int_size(nu);
		size_t nt = 0;
		for (igraph_integer_t i = 0; i < du; i++)
			adj[VECTOR(*nu)[i]] = u + 1;
		for (igraph_integer_t i = 0; i < du; i++) {
			igraph_integer_t z = VECTOR(*nu)[i];
			igraph_vector_int_t *nz = igraph_adjlist_get(&al, z);
			igraph_integer_t dz = igraph_vector_int_size(nz);
			for (igraph_integer_t j = 0; j < dz; j++) {
				igraph_integer_t w = VECTOR(*nz)[j];
				/* each unordered pair once, unless one node is asked for */
				if (w == u || adj[w] == u + 1 || (only < 0 && w < u))
					continue;
				if (!cnt[w])
					touched[nt++] = w;
				cnt[w]++;
				acc[w] += 1.0 / log((double)dz);
			}
		}
		for (size_t i = 0; i < nt; i++) {
			igraph_integer_t w = touched[i];
			double s = method == 0 ? (double)cnt[w]
			         : method == 1 ? (double)cnt[w] / (double)(du + igraph_vector_int_size(igraph_adjlist_get(&al, w)) - cnt[w])
			                       : acc[w];
			keep(best, &nbest, (size_t)top, (pair){u, w, s});
			cnt[w] = 0;
			acc[w] = 0;
		}
	}
	const char *cols[] = {"node", "other", "score"};
	if (!rc)
		rc = an_res_columns(c, 3, cols);
	for (size_t i = 0; !rc && i < nbest; i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[best[i].u]);
		row[1] = an_node(p->nodes[best[i].v]);
		row[2] = method == 0 ? dn_value_int((int64_t)best[i].score) : dn_value_float(best[i].score);
	}
	igraph_adjlist_destroy(&al);
	free(acc);
	free(cnt);
	free(touched);
	free(adj);
	free(best);
	return rc;
}
