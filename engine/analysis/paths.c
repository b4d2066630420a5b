/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * paths.c — how things connect: breadth-first depths and Dijkstra costs
 * from a source (the Graphalytics BFS and SSSP), one or all shortest paths
 * between two nodes, the k-hop neighbourhood, and time-respecting paths
 * whose hops follow each other in time (each hop's time no earlier than
 * the previous one's), by earliest arrival.
 *
 *   CALL algo.bfs({source:$s}) YIELD node, depth
 *   CALL algo.sssp({source:$s, weight:'cost'}) YIELD node, distance
 *   CALL algo.shortest({source:$a, target:$b}) YIELD path, length, cost
 *   CALL algo.allshortest({source:$a, target:$b}) YIELD path, length, cost
 *   CALL algo.khop({source:[$a], k:2}) YIELD node, depth
 *   CALL algo.timepath({source:$a, time:'date'}) YIELD node, arrival, hops, path
 */
#include <math.h>
#include <stdlib.h>

#include "analysis.h"

/* Rows (node, value) for the finite entries of a 1 x n distance matrix. */
static int distance_rows(an_ctx *c, const char *col, const igraph_matrix_t *d, bool as_int)
{
	const char *cols[] = {"node", col};
	int rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t v = 0; !rc && v < c->proj.n; v++) {
		double x = MATRIX(*d, 0, v);
		if (!isfinite(x))
			continue; /* unreachable */
		dn_value *row = an_res_row(c);
		if (!row)
			return DN_ENOMEM;
		row[0] = an_node(c->proj.nodes[v]);
		row[1] = as_int ? dn_value_int((int64_t)x) : dn_value_float(x);
	}
	return rc;
}

static int from_source(an_ctx *c, bool weighted)
{
	igraph_integer_t src;
	dn_id id;
	int rc = an_project(c, NULL);
	if (!rc)
		rc = an_cfg_node(c, "source", true, &id, &src);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_matrix_t d;
	if ((rc = an_ig(c, igraph_matrix_init(&d, 0, 0))))
		return rc;
	if (weighted)
		rc = an_ig(c, igraph_distances_dijkstra(&p->g, &d, igraph_vss_1(src), igraph_vss_all(), an_weights(p), an_mode(p)));
	else
		rc = an_ig(c, igraph_distances(&p->g, &d, igraph_vss_1(src), igraph_vss_all(), an_mode(p)));
	if (!rc)
		rc = distance_rows(c, weighted ? "distance" : "depth", &d, !weighted);
	igraph_matrix_destroy(&d);
	return rc;
}

int an_bfs(an_ctx *c)
{
	return from_source(c, false);
}

int an_sssp(an_ctx *c)
{
	return from_source(c, true);
}

/* Adds a row (path, length, cost) for a vertex and edge sequence. */
static int path_row(an_ctx *c, const igraph_vector_int_t *vs, const igraph_vector_int_t *es)
{
	an_proj *p = &c->proj;
	igraph_integer_t ne = igraph_vector_int_size(es);
	double cost = 0;
	for (igraph_integer_t i = 0; i < ne; i++)
		cost += p->weighted ? VECTOR(p->weights)[VECTOR(*es)[i]] : 1;
	dn_value *row = an_res_row(c);
	if (!row)
		return DN_ENOMEM;
	row[1] = dn_value_int(ne);
	row[2] = dn_value_float(cost);
	return an_path_value(c, VECTOR(*vs), (size_t)igraph_vector_int_size(vs), VECTOR(*es), &row[0]);
}

static const char *const path_cols[] = {"path", "length", "cost"};

static int two_ends(an_ctx *c, igraph_integer_t *s, igraph_integer_t *t)
{
	dn_id id;
	int rc = an_project(c, NULL);
	if (!rc)
		rc = an_cfg_node(c, "source", true, &id, s);
	if (!rc)
		rc = an_cfg_node(c, "target", true, &id, t);
	if (!rc)
		rc = an_res_columns(c, 3, path_cols);
	return rc;
}

int an_shortest(an_ctx *c)
{
	igraph_integer_t s, t;
	int rc = two_ends(c, &s, &t);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_int_t vs, es;
	if ((rc = an_ig(c, igraph_vector_int_init(&vs, 0))))
		return rc;
	if ((rc = an_ig(c, igraph_vector_int_init(&es, 0)))) {
		igraph_vector_int_destroy(&vs);
		return rc;
	}
	if (p->weighted)
		rc = an_ig(c, igraph_get_shortest_path_dijkstra(&p->g, &vs, &es, s, t, &p->weights, an_mode(p)));
	else
		rc = an_ig(c, igraph_get_shortest_path(&p->g, &vs, &es, s, t, an_mode(p)));
	/* no path: no row */
	if (!rc && igraph_vector_int_size(&vs) > 0)
		rc = path_row(c, &vs, &es);
	igraph_vector_int_destroy(&vs);
	igraph_vector_int_destroy(&es);
	return rc;
}

/* Paths in lexicographic order of their vertices (igraph's order depends
 * on its internals). */
static int cmp_path(const void *a, const void *b, void *ctx)
{
	igraph_vector_int_list_t *l = ctx;
	igraph_vector_int_t *x = igraph_vector_int_list_get_ptr(l, *(const igraph_integer_t *)a);
	igraph_vector_int_t *y = igraph_vector_int_list_get_ptr(l, *(const igraph_integer_t *)b);
	igraph_integer_t nx = igraph_vector_int_size(x), ny = igraph_vector_int_size(y);
	for (igraph_integer_t i = 0; i < nx && i < ny; i++)
		if (VECTOR(*x)[i] != VECTOR(*y)[i])
			return VECTOR(*x)[i] < VECTOR(*y)[i] ? -1 : 1;
	return (nx > ny) - (nx < ny);
}

int an_allshortest(an_ctx *c)
{
	igraph_integer_t s, t;
	int64_t limit;
	int rc = an_cfg_int(c, "limit", 100, 1, INT32_MAX, &limit);
	if (!rc)
		rc = two_ends(c, &s, &t);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_vector_int_list_t vl, el;
	if ((rc = an_ig(c, igraph_vector_int_list_init(&vl, 0))))
		return rc;
	if ((rc = an_ig(c, igraph_vector_int_list_init(&el, 0)))) {
		igraph_vector_int_list_destroy(&vl);
		return rc;
	}
	if (p->weighted)
		rc = an_ig(c, igraph_get_all_shortest_paths_dijkstra(&p->g, &vl, &el, NULL, s, igraph_vss_1(t), &p->weights,
		                                                     an_mode(p)));
	else
		rc = an_ig(c, igraph_get_all_shortest_paths(&p->g, &vl, &el, NULL, s, igraph_vss_1(t), an_mode(p)));
	igraph_integer_t n = rc ? 0 : igraph_vector_int_list_size(&vl);
	igraph_integer_t *order = dn_calloc((size_t)n + 1, sizeof *order);
	if (!order && !rc)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	for (igraph_integer_t i = 0; !rc && i < n; i++)
		order[i] = i;
	if (!rc)
		qsort_r(order, (size_t)n, sizeof *order, cmp_path, &vl);
	for (igraph_integer_t i = 0; !rc && i < n && i < limit; i++)
		rc = path_row(c, igraph_vector_int_list_get_ptr(&vl, order[i]), igraph_vector_int_list_get_ptr(&el, order[i]));
	free(order);
	igraph_vector_int_list_destroy(&vl);
	igraph_vector_int_list_destroy(&el);
	return rc;
}

int an_khop(an_ctx *c)
{
	int64_t k;
	dn_id *src = NULL;
	size_t ns = 0;
	int rc = an_cfg_int(c, "k", 2, 0, INT32_MAX, &k);
	if (!rc && !an_cfg(c, "source"))
		rc = dn_error(c->db, DN_EINVAL, "%s: 'source' is required (a node or a list of nodes)", c->name);
	if (!rc)
		rc = an_project(c, NULL);
	if (!rc)
		rc = an_cfg_nodes(c, "source", &src, &ns);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	igraph_integer_t *depth = dn_malloc((size_t)p->n * sizeof *depth), *queue = dn_malloc((size_t)p->n * sizeof *queue);
	igraph_adjlist_t al;
	bool al_ok = false;
	size_t head = 0, tail = 0;
	if (!depth || !queue)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	if (!rc && !(rc = an_ig(c, igraph_adjlist_init(&p->g, &al, an_mode(p), IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE))))
		al_ok = true;
	for (igraph_integer_t v = 0; !rc && v < p->n; v++)
		depth[v] = -1;
	for (size_t i = 0; !rc && i < ns; i++) {
		igraph_integer_t v = an_vertex(p, src[i]);
		if (v < 0)
			rc = dn_error(c->db, DN_EINVAL, "%s: source node %llu is not in the projection", c->name,
			              (unsigned long long)src[i]);
		else if (depth[v] < 0) {
			depth[v] = 0;
			queue[tail++] = v;
		}
	}
	while (!rc && head < tail) {
		igraph_integer_t u = queue[head++];
		if (depth[u] >= k)
			continue;
		igraph_vector_int_t *nb = igraph_adjlist_get(&al, u);
		for (igraph_integer_t j = 0; j < igraph_vector_int_size(nb); j++) {
			igraph_integer_t w = VECTOR(*nb)[j];
			if (depth[w] < 0) {
				depth[w] = depth[u] + 1;
				queue[tail++] = w;
			}
		}
	}
	const char *cols[] = {"node", "depth"};
	if (!rc)
		rc = an_res_columns(c, 2, cols);
	for (size_t i = 0; !rc && i < tail; i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[queue[i]]);
		row[1] = dn_value_int(depth[queue[i]]);
	}
	if (al_ok)
		igraph_adjlist_destroy(&al);
	free(depth);
	free(queue);
	free(src);
	return rc;
}

/* --- time-respecting paths --------------------------------------------------- */

static int cmp_time(const void *a, const void *b, void *ctx)
{
	const double *tm = ctx;
	double x = tm[*(const igraph_integer_t *)a], y = tm[*(const igraph_integer_t *)b];
	if (x != y)
		return x < y ? -1 : 1;
	return (*(const igraph_integer_t *)a > *(const igraph_integer_t *)b) -
	       (*(const igraph_integer_t *)a < *(const igraph_integer_t *)b);
}

/* A time as the property held it (dates back to dates). */
static dn_value time_value(uint8_t type, double t)
{
	switch (type) {
	case DN_DATE: return dn_value_date((int32_t)floor(t / 86400000.0));
	case DN_DATETIME: return dn_value_datetime((int64_t)t);
	case DN_INT: return dn_value_int((int64_t)t);
	default: return dn_value_float(t);
	}
}

/* Relaxes one hop u -> v at time t; true when v improved. */
static bool relax(double *arr, igraph_integer_t *pred, igraph_integer_t *hops, igraph_integer_t u, igraph_integer_t v,
                  igraph_integer_t e, double t)
{
	if (arr[u] <= t && t < arr[v]) {
		arr[v] = t;
		pred[v] = e;
		hops[v] = hops[u] + 1;
		return true;
	}
	return false;
}

/*
 * Earliest arrival: edges in time order; a hop u -> v at time t is usable
 * when u was reached at or before t. Hops sharing a time are relaxed until
 * nothing changes, so chains within one instant are found too.
 */
int an_timepath(an_ctx *c)
{
	char tkey[128];
	bool has_t, has_start;
	int64_t start = 0;
	igraph_integer_t s, target = -1;
	dn_id id;
	int rc = an_cfg_string(c, "time", tkey, sizeof tkey, &has_t);
	if (!rc && !has_t)
		rc = dn_error(c->db, DN_EINVAL, "%s: 'time' is required: the relationship property holding each hop's time",
		              c->name);
	const dn_value *sv = an_cfg(c, "start");
	has_start = sv != NULL;
	if (!rc && sv && an_value_time(sv, &start))
		rc = dn_error(c->db, DN_EINVAL, "%s: 'start' must be a date, a datetime or milliseconds", c->name);
	if (!rc)
		rc = an_project(c, tkey);
	if (!rc)
		rc = an_cfg_node(c, "source", true, &id, &s);
	if (!rc && an_cfg(c, "target"))
		rc = an_cfg_node(c, "target", true, &id, &target);
	if (rc)
		return rc;
	an_proj *p = &c->proj;
	size_t n = (size_t)p->n, m = (size_t)p->m;
	double *arr = dn_malloc(n * sizeof *arr);
	igraph_integer_t *pred = dn_malloc(n * sizeof *pred), *hops = dn_calloc(n, sizeof *hops);
	igraph_integer_t *order = dn_malloc((m + 1) * sizeof *order);
	igraph_integer_t *vs = dn_malloc((n + 1) * sizeof *vs), *es = dn_malloc((n + 1) * sizeof *es);
	if (!arr || !pred || !hops || !order || !vs || !es)
		rc = dn_error(c->db, DN_ENOMEM, "out of memory");
	for (size_t v = 0; !rc && v < n; v++) {
		arr[v] = INFINITY;
		pred[v] = -1;
	}
	if (!rc) {
		arr[s] = has_start ? (double)start : -INFINITY;
		for (size_t e = 0; e < m; e++)
			order[e] = (igraph_integer_t)e;
		qsort_r(order, m, sizeof *order, cmp_time, p->etime);
	}
	for (size_t i = 0; !rc && i < m;) {
		size_t j = i;
		double t = p->etime[order[i]];
		while (j < m && p->etime[order[j]] == t)
			j++;
		bool changed = true;
		while (changed) {
			changed = false;
			for (size_t q = i; q < j; q++) {
				igraph_integer_t e = order[q], a = p->ends[2 * e], b = p->ends[2 * e + 1];
				changed |= relax(arr, pred, hops, a, b, e, t);
				if (!p->directed)
					changed |= relax(arr, pred, hops, b, a, e, t);
			}
		}
		i = j;
	}
	const char *cols[] = {"node", "arrival", "hops", "path"};
	if (!rc)
		rc = an_res_columns(c, 4, cols);
	for (size_t v = 0; !rc && v < n; v++) {
		if ((igraph_integer_t)v == s || pred[v] < 0 || (target >= 0 && (igraph_integer_t)v != target))
			continue;
		/* walk the predecessors back to the source */
		size_t len = 0;
		igraph_integer_t x = (igraph_integer_t)v;
		vs[0] = x;
		while (x != s && len < n) {
			igraph_integer_t e = pred[x];
			es[len] = e;
			/* the hop's other end (the tail of a directed hop) */
			x = p->ends[2 * e] == x ? p->ends[2 * e + 1] : p->ends[2 * e];
			vs[++len] = x;
		}
		for (size_t a = 0, b = len; a < b; a++, b--) {
			igraph_integer_t tv = vs[a];
			vs[a] = vs[b];
			vs[b] = tv;
		}
		for (size_t a = 0, b = len - 1; len && a < b; a++, b--) {
			igraph_integer_t te = es[a];
			es[a] = es[b];
			es[b] = te;
		}
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		row[0] = an_node(p->nodes[v]);
		row[1] = time_value(p->time_type, arr[v]);
		row[2] = dn_value_int(hops[v]);
		rc = an_path_value(c, vs, len + 1, es, &row[3]);
	}
	free(arr);
	free(pred);
	free(hops);
	free(order);
	free(vs);
	free(es);
	return rc;
}
