/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * community.c — groups in a network: Louvain, Leiden and label propagation
 * (igraph's randomised one, made repeatable by seeding the call's private
 * igraph RNG (bridge.c) from `seed`, and LDBC Graphalytics' deterministic
 * CDLP). Community ids are the smallest node id of each community, except for CDLP whose
 * ids are its labels (node ids too).
 *
 *   CALL algo.louvain({seed:1}) YIELD node, community
 *   CALL algo.leiden({objective:'cpm', resolution:0.1}) YIELD node, community
 *   CALL algo.labelprop({variant:'graphalytics', iterations:10}) YIELD node, community
 */
#include <stdlib.h>

#include "analysis.h"

static int seed_rng(an_ctx *c)
{
	int64_t seed;
	int rc = an_cfg_int(c, "seed", 1, 0, INT64_MAX, &seed);
	if (rc)
		return rc;
	return an_ig(c, igraph_rng_seed(igraph_rng_default(), (igraph_uint_t)seed));
}

int an_louvain(an_ctx *c)
{
	double res;
	int rc = an_cfg_float(c, "resolution", 1, 0, 1e9, false, &res);
	if (!rc)
		rc = an_project(c, NULL);
	if (!rc)
		rc = seed_rng(c);
	if (rc)
		return rc;
	igraph_vector_int_t memb;
	if ((rc = an_ig(c, igraph_vector_int_init(&memb, 0))))
		return rc;
	return an_membership_done(c, "community", &memb,
	                       igraph_community_multilevel(&c->proj.g, an_weights(&c->proj), res, &memb, NULL, NULL));
}

int an_leiden(an_ctx *c)
{
	static const char *const objectives[] = {"modularity", "cpm", NULL};
	double res, beta;
	int64_t iters;
	int obj;
	int rc = an_cfg_float(c, "resolution", 1, 0, 1e9, false, &res);
	if (!rc)
		rc = an_cfg_float(c, "beta", 0.01, 0, 1e9, true, &beta);
	if (!rc)
		rc = an_cfg_int(c, "iterations", 2, -1, 1000000, &iters);
	if (!rc)
		rc = an_cfg_choice(c, "objective", objectives, 0, &obj);
	if (!rc)
		rc = an_project(c, NULL);
	if (!rc)
		rc = seed_rng(c);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_int_t memb;
	igraph_vector_t strength;
	if ((rc = an_ig(c, igraph_vector_int_init(&memb, 0))))
		return rc;
	if ((rc = an_ig(c, igraph_vector_init(&strength, 0)))) {
		igraph_vector_int_destroy(&memb);
		return rc;
	}
	igraph_error_t igrc = IGRAPH_SUCCESS;
	if (obj == 0) {
		/* modularity: node weights are the strengths, resolution / 2m */
		igrc = igraph_strength(&p->g, &strength, igraph_vss_all(), IGRAPH_ALL, true, an_weights(p));
		double total = igrc ? 0 : igraph_vector_sum(&strength);
		res = total > 0 ? res / total : res;
	}
	if (!igrc)
		igrc = igraph_community_leiden(&p->g, an_weights(p), obj == 0 ? &strength : NULL, res, beta, false,
		                               iters, &memb, NULL, NULL);
	igraph_vector_destroy(&strength);
	return an_membership_done(c, "community", &memb, igrc);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * LDBC Graphalytics CDLP: L0(v) = v; synchronously, each node takes the
 * label most frequent among its neighbours (in- and out-neighbours counted
 * separately in a directed projection, so a reciprocal neighbour counts
 * twice), ties to the smallest label; a node without neighbours keeps its
 * label. Labels are node ids.
 */
static int cdlp(an_ctx *c, int64_t iters)
{
	an_proj *p = &c->proj;
	size_t n = (size_t)p->n;
	igraph_adjlist_t al;
	int rc = an_ig(c, igraph_adjlist_init(&p->g, &al, IGRAPH_ALL, IGRAPH_LOOPS_ONCE, IGRAPH_MULTIPLE));
	if (rc)
		return rc;
	uint64_t *lab = dn_calloc(n, sizeof *lab), *next = dn_calloc(n, sizeof *next);
	uint64_t *buf = dn_calloc(2 * (size_t)p->m + 1, sizeof *buf);
	if (!lab || !next || !buf)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	for (size_t v = 0; !rc && v < n; v++)
		lab[v] = p->nodes[v];
	for (int64_t it = 0; !rc && it < iters; it++) {
		for (size_t v = 0; v < n; v++) {
			igraph_vector_int_t *nb = igraph_adjlist_get(&al, (igraph_integer_t)v);
			size_t k = (size_t)igraph_vector_int_size(nb);
			if (!k) {
				next[v] = lab[v];
				continue;
			}
			for (size_t i = 0; i < k; i++)
				buf[i] = lab[VECTOR(*nb)[i]];
			qsort(buf, k, sizeof *buf, cmp_u64);
			uint64_t best = buf[0];
			size_t bestn = 0;
			for (size_t i = 0; i < k;) {
				size_t j = i;
				while (j < k && buf[j] == buf[i])
					j++;
				if (j - i > bestn) { /* ascending: the first of a tie wins */
					bestn = j - i;
					best = buf[i];
				}
				i = j;
			}
			next[v] = best;
		}
		uint64_t *x = lab;
		lab = next;
		next = x;
	}
	const char *cols[] = {"node", "community"};
	if (!rc)
		rc = an_res_columns(c, 2, cols);
	for (size_t v = 0; !rc && v < n; v++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[v]);
		row[1] = dn_value_int((int64_t)lab[v]);
	}
	free(lab);
	free(next);
	free(buf);
	igraph_adjlist_destroy(&al);
	return rc;
}

int an_labelprop(an_ctx *c)
{
	static const char *const variants[] = {"igraph", "graphalytics", NULL};
	int variant;
	int64_t iters;
	int rc = an_cfg_choice(c, "variant", variants, 0, &variant);
	if (!rc)
		rc = an_cfg_int(c, "iterations", 10, 0, 1000000, &iters);
	if (!rc && variant == 1 && (an_cfg(c, "weight") || an_cfg(c, "seed")))
		rc = dn_error(c->db, DN_EINVAL, "%s: the graphalytics variant is deterministic and unweighted: no 'seed' or 'weight'",
		              c->name);
	if (!rc && variant == 0 && an_cfg(c, "iterations"))
		rc = dn_error(c->db, DN_EINVAL, "%s: 'iterations' applies to variant:'graphalytics' only", c->name);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	if (variant == 1)
		return cdlp(c, iters);
	if ((rc = seed_rng(c)))
		return rc;
	igraph_vector_int_t memb;
	if ((rc = an_ig(c, igraph_vector_int_init(&memb, 0))))
		return rc;
	return an_membership_done(c, "community", &memb,
	                       igraph_community_label_propagation(&c->proj.g, &memb, an_mode(&c->proj),
	                                                          an_weights(&c->proj), NULL, NULL));
}
