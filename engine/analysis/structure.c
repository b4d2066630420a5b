/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * structure.c — the shape of a network: weak and strong components, k-core,
 * articulation points, bridges, maximal cliques, triangles and local
 * clustering (the LDBC Graphalytics definition, which for an undirected
 * projection is the ordinary one).
 *
 *   CALL algo.project({types:['OWNS']}) YIELD nodes, relationships, directed
 *   CALL algo.wcc({}) YIELD node, component
 *   CALL algo.scc({}) YIELD node, component
 *   CALL algo.kcore({k:2}) YIELD node, coreness
 *   CALL algo.articulation({}) YIELD node
 *   CALL algo.bridges({}) YIELD rel, source, target
 *   CALL algo.cliques({min_size:3}) YIELD clique, size
 *   CALL algo.triangles({}) YIELD node, triangles
 *   CALL algo.lcc({}) YIELD node, coefficient
 */
#include <stdlib.h>

#include "analysis.h"

int an_project_size(an_ctx *c)
{
	const char *cols[] = {"nodes", "relationships", "directed"};
	int rc = an_project(c, NULL);
	if (!rc)
		rc = an_res_columns(c, 3, cols);
	dn_value *row = rc ? NULL : an_res_row(c);
	if (!row)
		return rc ? rc : DN_ENOMEM;
	row[0] = dn_value_int(c->proj.n);
	row[1] = dn_value_int(c->proj.m);
	row[2] = dn_value_bool(c->proj.directed);
	return 0;
}

static int components(an_ctx *c, igraph_connectedness_t mode)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	igraph_vector_int_t memb;
	if ((rc = an_ig(c, igraph_vector_int_init(&memb, 0))))
		return rc;
	return an_membership_done(c, "component", &memb,
	                          igraph_connected_components(&c->proj.g, &memb, NULL, NULL, mode));
}

int an_wcc(an_ctx *c)
{
	return components(c, IGRAPH_WEAK);
}

int an_scc(an_ctx *c)
{
	return components(c, IGRAPH_STRONG);
}

int an_kcore(an_ctx *c)
{
	int64_t k;
	int rc = an_cfg_int(c, "k", 0, 0, INT32_MAX, &k);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_int_t core;
	if ((rc = an_ig(c, igraph_vector_int_init(&core, 0))))
		return rc;
	rc = an_ig(c, igraph_coreness(&p->g, &core, IGRAPH_ALL));
	const char *cols[] = {"node", "coreness"};
	if (!rc)
		rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t i = 0; !rc && i < p->n; i++) {
		if (VECTOR(core)[i] < k)
			continue;
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[i]);
		row[1] = dn_value_int(VECTOR(core)[i]);
	}
	igraph_vector_int_destroy(&core);
	return rc;
}

int an_articulation(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	igraph_vector_int_t pts;
	if ((rc = an_ig(c, igraph_vector_int_init(&pts, 0))))
		return rc;
	rc = an_ig(c, igraph_articulation_points(&c->proj.g, &pts));
	if (!rc)
		igraph_vector_int_sort(&pts);
	const char *cols[] = {"node"};
	if (!rc)
		rc = an_res_columns(c, 1, cols);
	for (igraph_integer_t i = 0; !rc && i < igraph_vector_int_size(&pts); i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(c->proj.nodes[VECTOR(pts)[i]]);
	}
	igraph_vector_int_destroy(&pts);
	return rc;
}

int an_bridges(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_int_t br;
	if ((rc = an_ig(c, igraph_vector_int_init(&br, 0))))
		return rc;
	rc = an_ig(c, igraph_bridges(&p->g, &br));
	if (!rc)
		igraph_vector_int_sort(&br);
	const char *cols[] = {"rel", "source", "target"};
	if (!rc)
		rc = an_res_columns(c, 3, cols);
	for (igraph_integer_t i = 0; !rc && i < igraph_vector_int_size(&br); i++) {
		igraph_integer_t e = VECTOR(br)[i];
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_rel(p->edges[e]);
		row[1] = an_node(p->nodes[p->ends[2 * e]]);
		row[2] = an_node(p->nodes[p->ends[2 * e + 1]]);
	}
	igraph_vector_int_destroy(&br);
	return rc;
}

/* Bigger cliques first, then by their (sorted) vertices. */
static int cmp_clique(const void *a, const void *b)
{
	const igraph_vector_int_t *x = a, *y = b;
	igraph_integer_t nx = igraph_vector_int_size(x), ny = igraph_vector_int_size(y);
	if (nx != ny)
		return nx > ny ? -1 : 1;
	for (igraph_integer_t i = 0; i < nx; i++)
		if (VECTOR(*x)[i] != VECTOR(*y)[i])
			return VECTOR(*x)[i] < VECTOR(*y)[i] ? -1 : 1;
	return 0;
}

int an_cliques(an_ctx *c)
{
	int64_t lo, hi, limit;
	int rc = an_cfg_int(c, "min_size", 3, 1, INT32_MAX, &lo);
	if (!rc)
		rc = an_cfg_int(c, "limit", 10000, 1, INT32_MAX, &limit);
	if (!rc)
		rc = an_cfg_int(c, "max_size", 0, 0, INT32_MAX, &hi);
	if (!rc && hi && hi < lo)
		rc = dn_error(c->db, DN_EINVAL, "%s: 'max_size' is smaller than 'min_size'", c->name);
	if (!rc)
		rc = an_project(c, NULL);
	if (rc)
		return rc;
	igraph_vector_int_list_t cl;
	if ((rc = an_ig(c, igraph_vector_int_list_init(&cl, 0))))
		return rc;
	rc = an_ig(c, igraph_maximal_cliques(&c->proj.g, &cl, lo, hi));
	igraph_integer_t n = igraph_vector_int_list_size(&cl);
	for (igraph_integer_t i = 0; !rc && i < n; i++)
		igraph_vector_int_sort(igraph_vector_int_list_get_ptr(&cl, i));
	if (!rc && n)
		qsort(igraph_vector_int_list_get_ptr(&cl, 0), (size_t)n, sizeof(igraph_vector_int_t), cmp_clique);
	const char *cols[] = {"clique", "size"};
	if (!rc)
		rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t i = 0; !rc && i < n && i < limit; i++) {
		igraph_vector_int_t *v = igraph_vector_int_list_get_ptr(&cl, i);
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		rc = an_node_list(c, VECTOR(*v), (size_t)igraph_vector_int_size(v), &row[0]);
		row[1] = dn_value_int(igraph_vector_int_size(v));
	}
	igraph_vector_int_list_destroy(&cl);
	return rc;
}

int an_triangles(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_t t;
	if ((rc = an_ig(c, igraph_vector_init(&t, 0))))
		return rc;
	rc = an_ig(c, igraph_adjacent_triangles(&p->g, &t, igraph_vss_all()));
	const char *cols[] = {"node", "triangles"};
	if (!rc)
		rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t i = 0; !rc && i < p->n; i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[i]);
		row[1] = dn_value_int((int64_t)VECTOR(t)[i]);
	}
	igraph_vector_destroy(&t);
	return rc;
}

/*
 * Local clustering, as LDBC Graphalytics defines it: N(v) is the set of in-
 * and out-neighbours of v (v excluded); LCC(v) = |{(u,w) in E : u,w in N(v)}|
 * / (|N(v)| (|N(v)|-1)), 0 when |N(v)| < 2. Undirected edges count both
 * ways, which makes it the ordinary coefficient. Parallel edges count once.
 */
int an_lcc(an_ctx *c)
{
	int rc = an_project(c, NULL);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_adjlist_t all, out;
	igraph_vector_t res;
	igraph_integer_t *mark = dn_calloc((size_t)p->n, sizeof *mark);
	if (!mark)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	if ((rc = an_ig(c, igraph_adjlist_init(&p->g, &all, IGRAPH_ALL, IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE)))) {
		free(mark);
		return rc;
	}
	if ((rc = an_ig(c, igraph_adjlist_init(&p->g, &out, IGRAPH_OUT, IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE)))) {
		igraph_adjlist_destroy(&all);
		free(mark);
		return rc;
	}
	if (!(rc = an_ig(c, igraph_vector_init(&res, p->n)))) {
		for (igraph_integer_t v = 0; v < p->n; v++) {
			igraph_vector_int_t *nv = igraph_adjlist_get(&all, v);
			igraph_integer_t k = igraph_vector_int_size(nv);
			if (k < 2)
				continue;
			for (igraph_integer_t i = 0; i < k; i++)
				mark[VECTOR(*nv)[i]] = v + 1;
			double links = 0;
			for (igraph_integer_t i = 0; i < k; i++) {
				igraph_vector_int_t *nu = igraph_adjlist_get(&out, VECTOR(*nv)[i]);
				for (igraph_integer_t j = 0; j < igraph_vector_int_size(nu); j++)
					if (mark[VECTOR(*nu)[j]] == v + 1)
						links++;
			}
			VECTOR(res)[v] = links / ((double)k * (double)(k - 1));
		}
		rc = an_res_node_floats(c, "coefficient", &res);
		igraph_vector_destroy(&res);
	}
	igraph_adjlist_destroy(&all);
	igraph_adjlist_destroy(&out);
	free(mark);
	return rc;
}
