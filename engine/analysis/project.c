/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * project.c — the projection: turns the part of the graph a procedure's
 * config selects (labels, edge types, direction, valid-time window, minimum
 * grade, weight property, node list) into an igraph_t with an id map. Nodes
 * come from the label index or the node table, sorted by id (vertex i is
 * the i-th smallest id); edges come from one pass over the `adj` chunks
 * (or a seek per node for a small node set), not from a query per edge.
 * Restricted and as-of transactions read through dn_edges_of, which hides
 * what the reader may not see. Edge records are read only when a weight,
 * a time, a window or a grade needs them.
 */
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis.h"
#include "keys.h"

/* The filters of one projection. */
typedef struct popts {
	bool has_at, has_window;
	int64_t at, from, to;     /* valid_at, or the window [from, to) */
	char min_rel;             /* 'A'..'F' or 0 */
	uint8_t min_cred;         /* 1..6 or 0 */
	uint32_t *types;          /* edge type tokens (NULL = all) */
	size_t ntypes;
	bool weight;
	uint32_t wkey;            /* weight property token (0 = unknown key) */
	bool wkey_known;
	char wname[128];
	bool has_default;
	double wdefault;
	bool time;
	uint32_t tkey;
	bool tkey_known;
	const char *tname;
	int dir;                  /* 0 out, 1 in, 2 both */
} popts;

/* Growable arrays of the edges found. */
typedef struct pedges {
	igraph_integer_t *ends; /* 2 per edge */
	dn_id *ids;
	double *w, *tm;
	size_t n, cap;
} pedges;

static int grow_ids(an_ctx *c, dn_id **a, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 1024;
	while (nc < need)
		nc *= 2;
	dn_id *p = dn_realloc(*a, nc * sizeof *p);
	if (!p)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	*a = p;
	*cap = nc;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	dn_id x = *(const dn_id *)a, y = *(const dn_id *)b;
	return x < y ? -1 : x > y;
}

igraph_integer_t an_vertex(const an_proj *p, dn_id id)
{
	if (p->dense) {
		if (id >= p->dense_len)
			return -1;
		return p->dense[id];
	}
	size_t lo = 0, hi = (size_t)p->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->nodes[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (size_t)p->n && p->nodes[lo] == id ? (igraph_integer_t)lo : -1;
}

igraph_neimode_t an_mode(const an_proj *p)
{
	return p->directed ? IGRAPH_OUT : IGRAPH_ALL;
}

void an_proj_free(an_proj *p)
{
	if (p->built)
		igraph_destroy(&p->g);
	free(p->nodes);
	free(p->edges);
	free(p->ends);
	free(p->dense);
	free(p->wbuf);
	free(p->etime);
	memset(p, 0, sizeof *p);
}

/* --- options -------------------------------------------------------------- */

static int cfg_time(an_ctx *c, const char *key, bool *has, int64_t *ms)
{
	const dn_value *v = an_cfg(c, key);
	*has = v != NULL;
	if (v && an_value_time(v, ms))
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a date, a datetime or milliseconds", c->name, key);
	return 0;
}

/* "B2" (reliability A..F, then credibility 1..6; either may be left out). */
static int parse_grade(an_ctx *c, popts *o)
{
	char g[8];
	bool present;
	int rc = an_cfg_string(c, "min_grade", g, sizeof g, &present);
	if (rc || !present)
		return rc;
	const char *p = g;
	if (*p >= 'A' && *p <= 'F')
		o->min_rel = *p++;
	else if (*p >= 'a' && *p <= 'f')
		o->min_rel = (char)(*p++ - 'a' + 'A');
	if (*p >= '1' && *p <= '6')
		o->min_cred = (uint8_t)(*p++ - '0');
	if (*p || (!o->min_rel && !o->min_cred))
		return dn_error(c->db, DN_EINVAL,
		                "%s: 'min_grade' must be a grade such as 'B2' (reliability A-F, credibility 1-6), not '%s'",
		                c->name, g);
	return 0;
}

static int parse_opts(an_ctx *c, popts *o)
{
	static const char *const dirs[] = {"out", "in", "both", NULL};
	unsigned fl = c->proc->flags;
	int rc = an_cfg_choice(c, "direction", dirs, (fl & AN_DIR_BOTH) ? 2 : 0, &o->dir);
	if (rc)
		return rc;
	if (fl & AN_UNDIRECTED)
		o->dir = 2;
	bool has_from, has_to;
	if ((rc = cfg_time(c, "valid_at", &o->has_at, &o->at)) || (rc = cfg_time(c, "valid_from", &has_from, &o->from)) ||
	    (rc = cfg_time(c, "valid_to", &has_to, &o->to)) || (rc = parse_grade(c, o)))
		return rc;
	o->has_window = has_from || has_to;
	if (c->win_override) {
		has_from = has_to = o->has_window = true;
		o->from = c->win_from;
		o->to = c->win_to;
	}
	if (!has_from)
		o->from = INT64_MIN;
	if (!has_to)
		o->to = INT64_MAX;
	if (o->has_window && o->from >= o->to)
		return dn_error(c->db, DN_EINVAL, "%s: 'valid_from' must come before 'valid_to'", c->name);
	if ((rc = an_cfg_string(c, "weight", o->wname, sizeof o->wname, &o->weight)))
		return rc;
	if ((rc = an_cfg_float(c, "default_weight", 0, -INFINITY, INFINITY, false, &o->wdefault)))
		return rc;
	o->has_default = an_cfg(c, "default_weight") != NULL;
	if (o->weight) {
		int r = dn_tok_lookup(c->txn, DN_TOKEN_KEY, o->wname, strlen(o->wname), &o->wkey);
		if (r && r != DN_ENOTFOUND)
			return r;
		o->wkey_known = r == 0;
	}
	if (o->time) {
		int r = dn_tok_lookup(c->txn, DN_TOKEN_KEY, o->tname, strlen(o->tname), &o->tkey);
		if (r && r != DN_ENOTFOUND)
			return r;
		o->tkey_known = r == 0;
	}
	/* edge types */
	const dn_value *t = an_cfg(c, "types");
	if (t) {
		const dn_value *it = t->type == DN_LIST ? t->u.list : t;
		size_t n = t->type == DN_LIST ? t->len : 1;
		if (!n)
			return dn_error(c->db, DN_EINVAL, "%s: 'types' is an empty list", c->name);
		if (!(o->types = dn_calloc(n, sizeof *o->types)))
			return dn_error(c->db, DN_ENOMEM, "out of memory");
		for (size_t i = 0; i < n; i++) {
			int r = dn_tok_lookup(c->txn, DN_TOKEN_TYPE, it[i].u.s, it[i].len, &o->types[o->ntypes]);
			if (r == DN_ENOTFOUND)
				continue; /* no edge has it: nothing to project for it */
			if (r)
				return r;
			o->ntypes++;
		}
		if (!o->ntypes)
			return dn_error(c->db, DN_EINVAL, "%s: empty projection: no relationship has the type(s) given in 'types'",
			                c->name);
	}
	return 0;
}

static bool meta_ok(const popts *o, const dn_rec *r)
{
	if (o->has_at && ((r->valid_from != DN_TIME_UNSET && r->valid_from > o->at) ||
	                  (r->valid_to != DN_TIME_UNSET && r->valid_to <= o->at)))
		return false;
	if (o->has_window && ((r->valid_from != DN_TIME_UNSET && r->valid_from >= o->to) ||
	                      (r->valid_to != DN_TIME_UNSET && r->valid_to <= o->from)))
		return false;
	if (o->min_rel && (!r->reliability || r->reliability > o->min_rel))
		return false;
	if (o->min_cred && (!r->credibility || r->credibility > o->min_cred))
		return false;
	return true;
}

/* Nodes are entities rather than assertions: they are held to the window
 * and the grade only where they carry a valid time or a grade. */
static bool node_meta_ok(const popts *o, const dn_rec *r)
{
	dn_rec x = *r;
	if (!x.reliability)
		x.reliability = 'A';
	if (!x.credibility)
		x.credibility = 1;
	return meta_ok(o, &x);
}

static bool meta_filtered(const popts *o)
{
	return o->has_at || o->has_window || o->min_rel || o->min_cred;
}

/* --- nodes ------------------------------------------------------------------ */

static int collect_iter(an_ctx *c, dn_iter *it, dn_id **ids, size_t *n, size_t *cap)
{
	dn_id id;
	int rc;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW) {
		if ((rc = grow_ids(c, ids, cap, *n + 1)))
			break;
		(*ids)[(*n)++] = id;
	}
	dn_iter_free(it);
	return rc == DN_DONE ? 0 : rc;
}

/* The node set: the list given, the members of the labels, or all nodes;
 * sorted, unique, filtered by window and grade. */
static int collect_nodes(an_ctx *c, const popts *o, dn_id **ids, size_t *n)
{
	size_t cap = 0;
	int rc;
	dn_iter *it;
	const dn_value *lab = an_cfg(c, "labels");
	const dn_value *li = lab ? (lab->type == DN_LIST ? lab->u.list : lab) : NULL;
	size_t nl = lab ? (lab->type == DN_LIST ? lab->len : 1) : 0;
	*ids = NULL;
	*n = 0;
	if (an_cfg(c, "nodes")) {
		if ((rc = an_cfg_nodes(c, "nodes", ids, n)))
			return rc;
		for (size_t i = 0; i < *n; i++)
			if (!dn_node_exists(c->txn, (*ids)[i]))
				return dn_error(c->db, DN_ENOTFOUND, "%s: 'nodes': node %llu not found", c->name,
				                (unsigned long long)(*ids)[i]);
	} else if (lab) {
		for (size_t i = 0; i < nl; i++) {
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)li[i].len, li[i].u.s);
			if ((rc = dn_nodes_by_label(c->txn, name, &it)) || (rc = collect_iter(c, it, ids, n, &cap)))
				return rc;
		}
		lab = NULL; /* the label filter is applied */
	} else if ((rc = dn_nodes_all(c->txn, &it)) || (rc = collect_iter(c, it, ids, n, &cap))) {
		return rc;
	}
	if (*n)
		qsort(*ids, *n, sizeof **ids, cmp_id);
	size_t w = 0;
	uint32_t ltok[16];
	size_t nlt = 0;
	for (size_t i = 0; lab && i < nl && nlt < 16; i++)
		if (dn_tok_lookup(c->txn, DN_TOKEN_LABEL, li[i].u.s, li[i].len, &ltok[nlt]) == 0)
			nlt++;
	for (size_t i = 0; i < *n; i++) {
		if (w && (*ids)[w - 1] == (*ids)[i])
			continue;
		if (lab || meta_filtered(o)) {
			dn_rec r;
			bool found, keep = false;
			dn_arena_reset(&c->txn->arena);
			if ((rc = dn_node_read(c->txn, (*ids)[i], &r, &found)))
				return rc;
			for (size_t k = 0; found && lab && k < nlt; k++)
				keep |= dn_rec_has_label(&r, ltok[k]);
			if (!found || (lab && !keep) || !node_meta_ok(o, &r))
				continue;
		}
		(*ids)[w++] = (*ids)[i];
	}
	*n = w;
	return 0;
}

/* --- edges ------------------------------------------------------------------ */

static bool type_ok(const popts *o, uint32_t type)
{
	if (!o->types)
		return true;
	for (size_t i = 0; i < o->ntypes; i++)
		if (o->types[i] == type)
			return true;
	return false;
}

/* A numeric value of an edge property: weights and times. */
static int num_of(const dn_value *v, double *out, uint8_t *type)
{
	switch (v->type) {
	case DN_INT: *out = (double)v->u.i; break;
	case DN_FLOAT: *out = v->u.f; break;
	case DN_DATE: *out = (double)v->u.date * 86400000.0; break;
	case DN_DATETIME: *out = (double)v->u.datetime; break;
	default: return DN_ETYPE;
	}
	if (type)
		*type = v->type;
	return 0;
}

/* Makes room for cap edges; weights and times only when asked for. */
static int pedges_grow(an_ctx *c, const popts *o, pedges *pe, size_t cap)
{
	igraph_integer_t *e = dn_realloc(pe->ends, 2 * cap * sizeof *e);
	if (e)
		pe->ends = e;
	dn_id *ids = e ? dn_realloc(pe->ids, cap * sizeof *ids) : NULL;
	if (ids)
		pe->ids = ids;
	double *w = ids && o->weight ? dn_realloc(pe->w, cap * sizeof *w) : NULL;
	if (w)
		pe->w = w;
	double *tm = ids && o->time ? dn_realloc(pe->tm, cap * sizeof *tm) : NULL;
	if (tm)
		pe->tm = tm;
	if (!ids || (o->weight && !w) || (o->time && !tm))
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	pe->cap = cap;
	return 0;
}

/* Adds edge `edge` from vertex s to vertex d, reading its record when a
 * filter, weight or time needs it. */
static int add_edge(an_ctx *c, const popts *o, pedges *pe, igraph_integer_t s, igraph_integer_t d, dn_id edge)
{
	double w = 1, tm = 0;
	int rc;
	if (o->weight || o->time || meta_filtered(o)) {
		dn_rec r;
		bool found;
		dn_arena_reset(&c->txn->arena);
		if ((rc = dn_edge_read(c->txn, edge, &r, &found)))
			return rc;
		if (!found || !meta_ok(o, &r))
			return 0;
		if (o->weight) {
			const dn_value *v = o->wkey_known ? dn_rec_prop(&r, o->wkey) : NULL;
			if (!v && o->has_default)
				w = o->wdefault;
			else if (!v)
				return dn_error(c->db, DN_EINVAL,
				                "%s: weight property '%s' missing on edge %llu (give 'default_weight' to use a value "
				                "for edges without it)", c->name, o->wname, (unsigned long long)edge);
			else if (num_of(v, &w, NULL) || v->type == DN_DATE || v->type == DN_DATETIME || isnan(w))
				return dn_error(c->db, DN_EINVAL, "%s: weight property '%s' of edge %llu is a %s, not a number",
				                c->name, o->wname, (unsigned long long)edge, dn_type_name(v->type));
			unsigned fl = c->proc->flags;
			if (((fl & AN_NONNEG) && w < 0) || ((fl & AN_POSITIVE) && w <= 0))
				return dn_error(c->db, DN_EINVAL, "%s: negative%s weight %g on edge %llu ('%s'): %s needs %s weights",
				                c->name, w < 0 ? "" : " or zero", w, (unsigned long long)edge, o->wname, c->name,
				                (fl & AN_POSITIVE) ? "positive" : "non-negative");
		}
		if (o->time) {
			const dn_value *v = o->tkey_known ? dn_rec_prop(&r, o->tkey) : NULL;
			if (!v)
				return 0; /* an edge without a time cannot be part of a timed path */
			uint8_t ty;
			if (num_of(v, &tm, &ty))
				return dn_error(c->db, DN_EINVAL, "%s: time property '%s' of edge %llu is a %s, not a date, datetime or number",
				                c->name, o->tname, (unsigned long long)edge, dn_type_name(v->type));
			if (!c->proj.time_type)
				c->proj.time_type = ty;
		}
	}
	if (pe->n == pe->cap && (rc = pedges_grow(c, o, pe, pe->cap ? pe->cap * 2 : 4096)))
		return rc;
	if (o->dir == 1) {
		igraph_integer_t x = s;
		s = d;
		d = x;
	}
	pe->ends[2 * pe->n] = s;
	pe->ends[2 * pe->n + 1] = d;
	pe->ids[pe->n] = edge;
	if (o->weight)
		pe->w[pe->n] = w;
	if (o->time)
		pe->tm[pe->n] = tm;
	pe->n++;
	return 0;
}

/* Reads the OUT chunks of `adj` from the cursor's position: all of them
 * (one pass over the table, when node is 0) or those of one node. */
static int scan_chunks(an_ctx *c, const popts *o, pedges *pe, MDB_cursor *cur, dn_id node)
{
	MDB_val k, v;
	uint8_t start[9];
	int mrc;
	if (node) {
		dn_key_put_u64(start, node);
		start[8] = DN_OUT;
		k = (MDB_val){sizeof start, start};
		mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	} else {
		mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	}
	for (; mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *kp = k.mv_data;
		if (k.mv_size < DN_ADJ_KEY_LEN)
			return dn_error(c->db, DN_ECORRUPT, "adjacency key of wrong size");
		if (node && memcmp(kp, start, 9))
			break;
		if (kp[8] != DN_OUT || !type_ok(o, dn_key_get_u32(kp + 9)))
			continue;
		igraph_integer_t s = an_vertex(&c->proj, dn_key_get_u64(kp));
		if (s < 0)
			continue;
		if (v.mv_size % DN_ADJ_VAL_LEN)
			return dn_error(c->db, DN_ECORRUPT, "adjacency chunk of wrong size");
		/* the chunk points into the map; nothing is written meanwhile */
		const uint8_t *p = v.mv_data, *end = p + v.mv_size;
		for (; p < end; p += DN_ADJ_VAL_LEN) {
			igraph_integer_t d = an_vertex(&c->proj, dn_key_get_u64(p));
			if (d < 0)
				continue;
			int rc = add_edge(c, o, pe, s, d, dn_key_get_u64(p + 8));
			if (rc)
				return rc;
		}
	}
	if (mrc && mrc != MDB_NOTFOUND)
		return dn_error_lmdb(c->db, mrc, "adjacency scan");
	return 0;
}

static int collect_edges(an_ctx *c, const popts *o, pedges *pe)
{
	dn_txn *t = c->txn;
	int rc;
	an_proj *p = &c->proj;
	if (!t->as_of && !t->restricted) {
		uint64_t total;
		MDB_cursor *cur;
		if (dn_adj_pending(t) && (rc = dn_adj_sync(t)))
			return rc;
		if ((rc = dn_count_nodes(t, &total)))
			return rc;
		if ((rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_ADJ], &cur)))
			return dn_error_lmdb(c->db, rc, "cursor");
		if ((uint64_t)p->n * 8 >= total) {
			uint64_t m;
			/* one pass: at most every edge of the database */
			if (!(rc = dn_count_edges(t, &m)) && m > pe->cap)
				rc = pedges_grow(c, o, pe, (size_t)m);
			if (!rc)
				rc = scan_chunks(c, o, pe, cur, 0);
		} else {
			for (igraph_integer_t i = 0; !rc && i < p->n; i++)
				rc = scan_chunks(c, o, pe, cur, p->nodes[i]);
		}
		mdb_cursor_close(cur);
		return rc;
	}
	/* restricted or as-of: through the read path that hides elements */
	for (igraph_integer_t i = 0; i < p->n; i++) {
		dn_iter *it;
		dn_adj a;
		if ((rc = dn_edges_of(t, p->nodes[i], DN_OUT, NULL, &it)))
			return rc;
		while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
			if (!type_ok(o, a.type))
				continue;
			igraph_integer_t d = an_vertex(p, a.nbr);
			if (d >= 0 && (rc = add_edge(c, o, pe, i, d, a.edge)))
				break;
		}
		dn_iter_free(it);
		if (rc != DN_DONE)
			return rc;
	}
	return 0;
}

/* --- the projection --------------------------------------------------------- */

int an_project(an_ctx *c, const char *time_key)
{
	popts o = {0};
	pedges pe = {0};
	size_t n;
	an_proj *p = &c->proj;
	o.time = time_key != NULL;
	o.tname = time_key;
	int rc = parse_opts(c, &o);
	if (!rc)
		rc = collect_nodes(c, &o, &p->nodes, &n);
	if (rc)
		goto out;
	if (!n && c->allow_empty) {
		rc = an_ig(c, igraph_empty(&p->g, 0, o.dir != 2));
		p->built = rc == 0;
		goto out;
	}
	if (!n) {
		rc = dn_error(c->db, DN_EINVAL, "%s: empty projection: no node matches the labels, nodes, window and grade given",
		              c->name);
		goto out;
	}
	p->n = (igraph_integer_t)n;
	p->directed = o.dir != 2;
	dn_id maxid = p->nodes[n - 1];
	if (maxid < 4 * (dn_id)n + 1024) {
		p->dense_len = maxid + 1;
		if (!(p->dense = dn_malloc((size_t)p->dense_len * sizeof *p->dense))) {
			rc = dn_error(c->db, DN_ENOMEM, "out of memory");
			goto out;
		}
		memset(p->dense, 0xff, (size_t)p->dense_len * sizeof *p->dense);
		for (size_t i = 0; i < n; i++)
			p->dense[p->nodes[i]] = (int32_t)i;
	}
	if ((rc = collect_edges(c, &o, &pe)))
		goto out;
	p->m = (igraph_integer_t)pe.n;
	igraph_vector_int_t ev;
	igraph_vector_int_view(&ev, pe.ends ? pe.ends : (igraph_integer_t *)&p->n, 2 * (igraph_integer_t)pe.n);
	if ((rc = an_ig(c, igraph_create(&p->g, &ev, p->n, p->directed))))
		goto out;
	p->built = true;
	p->edges = pe.ids;
	pe.ids = NULL;
	p->ends = pe.ends;
	pe.ends = NULL;
	if (o.weight) {
		p->weighted = true;
		p->wbuf = pe.w ? pe.w : dn_calloc(1, sizeof *p->wbuf);
		pe.w = NULL;
		if (!p->wbuf) {
			rc = dn_error(c->db, DN_ENOMEM, "out of memory");
			goto out;
		}
		igraph_vector_view(&p->weights, p->wbuf, p->m);
	}
	if (o.time) {
		p->etime = pe.tm;
		pe.tm = NULL;
	}
out:
	free(o.types);
	free(pe.ends);
	free(pe.ids);
	free(pe.w);
	free(pe.tm);
	return rc;
}
