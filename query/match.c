/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match.c — MATCH and OPTIONAL MATCH for the executor (exec.c,
 * exec_int.h): a depth-first matcher that walks each planned path
 * (plan.h) from its start candidates, binding nodes and relationships
 * slot by slot, with relationship uniqueness, WHERE parts tested as soon
 * as they can be (the simple ones on the property alone), variable-length
 * hops enumerated or (under DISTINCT) searched breadth-first, and
 * shortestPath / allShortestPaths searched from both ends. Its counting
 * form is match_count.c; patterns inside expressions, EXISTS { } and
 * MERGE are match_expr.c; what they share, match_int.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_int.h"
#include "value_ops.h"

/* --- MATCH ------------------------------------------------------------------------ */




#define M_LMEMO 4096

static int m_node(matcher *m, uint32_t p, uint32_t i, dn_id node);
static int m_var_bfs(matcher *m, uint32_t p, uint32_t i, dn_id start);

static bool m_used(const matcher *m, dn_id e)
{
	for (size_t i = 0; i < m->nused; i++)
		if (m->used[i] == e)
			return true;
	return false;
}

static int m_push(dn_id **a, size_t *n, size_t *cap, dn_id v)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		dn_id *p = realloc(*a, c * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		*a = p;
		*cap = c;
	}
	(*a)[(*n)++] = v;
	return 0;
}

/* Do the element's property map's entries all equal the entity's? */
static int m_props_ok(matcher *m, const dn_ast *props, const dn_prop *have, size_t nhave, bool *ok)
{
	*ok = true;
	if (!props)
		return 0;
	dn_value want;
	int rc = dn_x_eval_at(m->x, m->row, props, &want);
	if (rc)
		return rc;
	for (uint32_t i = 0; *ok && want.type == DN_MAP && i < want.len; i++) {
		const dn_value *k = &want.u.list[2 * i];
		const dn_value *v = NULL;
		for (size_t j = 0; j < nhave && !v; j++)
			if (strlen(have[j].key) == k->len && !memcmp(have[j].key, k->u.s, k->len))
				v = &have[j].value;
		dn_value eq = v ? dn_cy_equals(v, &want.u.list[2 * i + 1]) : dn_value_bool(false);
		*ok = eq.type == DN_BOOL && eq.u.b;
	}
	dn_value_free(&want);
	return 0;
}

int dn_m_node_ok(matcher *m, const dn_ast *np, dn_id id, bool *ok)
{
	*ok = true;
	if (!np->u.node.labels.n && !np->u.node.props)
		return 0;
	int rc = 0;
	if (!np->u.node.props) {
		/* labels only (the common case): one record read, no copies */
		const char *names[8];
		uint32_t n = np->u.node.labels.n;
		for (uint32_t l = 0; l < n && l < 8; l++)
			names[l] = np->u.node.labels.item[l]->u.name.s;
		if (m->lmemo_on && !m->lmemo && ++m->nlabel_tests > M_LMEMO)
			m->lmemo = calloc(M_LMEMO, sizeof *m->lmemo); /* none: no memo */
		struct m_label_memo *e =
		    m->lmemo ? &m->lmemo[(size_t)((id * 0x9E3779B97F4A7C15ull) >> 40) & (M_LMEMO - 1)] : NULL;
		if (e && e->np == np && e->id == id) {
			*ok = e->ok;
			return 0;
		}
		if (n <= 8) {
			rc = dn_node_has_labels(m->x->txn, id, names, n, ok);
			if (rc == DN_ENOTFOUND)
				*ok = false;
			if (e && (!rc || rc == DN_ENOTFOUND))
				*e = (struct m_label_memo){np, id, *ok};
			return rc == DN_ENOTFOUND ? 0 : rc ? dn_x_engine_fail(m->x, np, rc) : 0;
		}
	}
	dn_node *n;
	rc = dn_node_get(m->x->txn, id, &n);
	if (rc == DN_ENOTFOUND) {
		*ok = false;
		return 0;
	}
	if (rc)
		return dn_x_engine_fail(m->x, np, rc);
	for (uint32_t l = 0; *ok && l < np->u.node.labels.n; l++)
		*ok = dn_node_has_label(n, np->u.node.labels.item[l]->u.name.s);
	if (*ok)
		rc = m_props_ok(m, np->u.node.props, n->props, n->nprops, ok);
	dn_node_free(n);
	return rc;
}

static int m_rel_ok(matcher *m, const dn_ast *rp, dn_id id, bool *ok)
{
	*ok = true;
	if (!rp->u.rel.props)
		return 0;
	dn_edge *e;
	int rc = dn_edge_get(m->x->txn, id, &e);
	if (rc)
		return dn_x_engine_fail(m->x, rp, rc);
	rc = m_props_ok(m, rp->u.rel.props, e->props, e->nprops, ok);
	dn_edge_free(e);
	return rc;
}

/* Binds slot to v unless it is bound; *was tells the caller what to undo.
 * When bound, *ok says whether the value agrees. */
static void m_bind(matcher *m, int32_t slot, dn_value v, bool *was, bool *ok)
{
	*was = m->bound[slot];
	*ok = true;
	if (*was) {
		dn_value eq = dn_cy_equals(&m->row[slot], &v);
		*ok = eq.type == DN_BOOL && eq.u.b;
		dn_value_free(&v);
		return;
	}
	m->row[slot] = v;
	m->bound[slot] = true;
}

static void m_unbind(matcher *m, int32_t slot, bool was)
{
	if (was)
		return;
	dn_value_free(&m->row[slot]);
	m->row[slot] = dn_value_null();
	m->bound[slot] = false;
}


int dn_m_dir(const dn_ast *rp)
{
	return rp->u.rel.dir == DN_DIR_OUT ? DN_OUT : rp->u.rel.dir == DN_DIR_IN ? DN_IN : DN_BOTH;
}

/* Calls fn for each adjacency entry of node that fits the relationship
 * pattern's direction and types and is not used yet. */
typedef int (*m_adj_fn)(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st);

/* Whether type alternative t of a relationship pattern repeats an earlier
 * one ([:T|:T] names a type twice: once is enough). */
bool dn_m_type_again(const dn_ast *rp, uint32_t t)
{
	for (uint32_t u = 0; u < t; u++)
		if (!strcmp(rp->u.rel.types.item[u]->u.name.s, rp->u.rel.types.item[t]->u.name.s))
			return true;
	return false;
}

/* Calls fn for each adjacency entry of node along dir that fits the
 * relationship pattern's types and is not used yet. direct: fn opens no
 * iterator of its own (the breadth-first searches), so it is called while
 * reading; otherwise the entries are collected first. */
static int m_each_adj_dir(matcher *m, uint32_t p, uint32_t i, dn_id node, int dir, bool direct, m_adj_fn fn,
                          void *st)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	uint32_t nt = rp->u.rel.types.n;
	for (uint32_t t = 0; t < (nt ? nt : 1); t++) {
		dn_iter *it;
		if (dn_m_type_again(rp, t))
			continue;
		dn_adj a;
		int rc = dn_edges_of(m->x->txn, node, (dn_dir)dir, nt ? rp->u.rel.types.item[t]->u.name.s : NULL, &it);
		if (rc == DN_ENOTFOUND)
			continue; /* no such type (or node): the next alternative */
		if (rc)
			return dn_x_engine_fail(m->x, rp, rc);
		if (direct) {
			while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW)
				if (!m_used(m, a.edge) && (rc = fn(m, p, i, &a, st)))
					break;
			dn_iter_free(it);
			if (rc != DN_DONE)
				return rc;
			continue;
		}
		/* collect first: the callback may open iterators of its own */
		dn_adj *list = NULL;
		size_t n = 0, cap = 0;
		while ((rc = dn_iter_next_adj(it, &a)) == DN_ROW) {
			if (m_used(m, a.edge))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				dn_adj *q = realloc(list, cap * sizeof *q);
				if (!q) {
					rc = DN_ENOMEM;
					break;
				}
				list = q;
			}
			list[n++] = a;
		}
		dn_iter_free(it);
		if (rc == DN_DONE)
			rc = 0;
		for (size_t k = 0; !rc && k < n; k++)
			rc = fn(m, p, i, &list[k], st);
		free(list);
		if (rc)
			return rc;
	}
	return 0;
}

/* Whether relationship pattern i of path p has a property map (whose test
 * reads the relationship, so adjacency must be collected first). */
static bool rp_props(const matcher *m, uint32_t p, uint32_t i)
{
	return m->paths->item[p]->u.path.elems.item[i]->u.rel.props != NULL;
}

static int m_each_adj(matcher *m, uint32_t p, uint32_t i, dn_id node, m_adj_fn fn, void *st)
{
	return m_each_adj_dir(m, p, i, node, dn_m_dir(m->paths->item[p]->u.path.elems.item[i]), false, fn, st);
}

/* A single-hop relationship. */
static int m_hop(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok, was = false;
	int rc;
	(void)st;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	if (rp->u.rel.var) {
		m_bind(m, rp->u.rel.var->u.name.slot, dn_x_entity(a->edge, DN_REL), &was, &ok);
		if (!ok)
			return 0;
	}
	if (!(rc = m_push(&m->used, &m->nused, &m->capused, a->edge)) &&
	    !(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->edge))) {
		rc = m_node(m, p, i + 1, a->nbr);
		m->nwalk--;
	}
	m->nused--;
	if (rp->u.rel.var)
		m_unbind(m, rp->u.rel.var->u.name.slot, was);
	return rc;
}

/* A variable-length relationship: depth-first from node, binding the
 * relationship variable to the list of relationships walked. */
typedef struct m_var_state {
	int64_t depth, min, max;
	dn_id start;
} m_var_state;

static int m_var_step(matcher *m, uint32_t p, uint32_t i, dn_id node, m_var_state *vs);

static int m_var_adj(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	m_var_state *vs = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	/* the walk records each hop: the relationship and the node reached */
	if ((rc = m_push(&m->used, &m->nused, &m->capused, a->edge)))
		return rc;
	if (!(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->edge)) &&
	    !(rc = m_push(&m->walk, &m->nwalk, &m->capwalk, a->nbr))) {
		vs->depth++;
		rc = m_var_step(m, p, i, a->nbr, vs);
		vs->depth--;
	}
	m->nwalk -= m->nwalk >= 2 ? 2 : m->nwalk;
	m->nused--;
	return rc;
}

static int m_var_step(matcher *m, uint32_t p, uint32_t i, dn_id node, m_var_state *vs)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	int rc = 0;
	if (vs->depth >= vs->min) {
		/* the relationships of this walk are the last `depth` used ones */
		bool was = false, ok = true;
		if (rp->u.rel.var) {
			dn_value *items = calloc(vs->depth ? (size_t)vs->depth : 1, sizeof *items);
			int err = items ? 0 : DN_ENOMEM;
			/* a path walked backwards lists its relationships backwards */
			bool back = m->plan->paths[p].reversed;
			for (int64_t k = 0; items && k < vs->depth; k++)
				items[back ? vs->depth - 1 - k : k] =
					dn_x_entity(m->used[m->nused - (size_t)vs->depth + (size_t)k], DN_REL);
			dn_value list = err ? dn_value_null() : dn_value_list(items, (size_t)vs->depth, &err);
			free(items);
			if (err)
				return err;
			m_bind(m, rp->u.rel.var->u.name.slot, list, &was, &ok);
		}
		if (ok) {
			/* the end node is in the walk already (or is the start, at
			 * depth 0): m_node adds it again, so take it off meanwhile */
			size_t mark = m->nwalk;
			m->nwalk--;
			rc = m_node(m, p, i + 1, node);
			m->nwalk = mark;
		}
		if (rp->u.rel.var)
			m_unbind(m, rp->u.rel.var->u.name.slot, was);
		if (rc)
			return rc;
	}
	if (vs->max >= 0 && vs->depth >= vs->max)
		return 0;
	return m_each_adj(m, p, i, node, m_var_adj, vs);
}

static int m_node(matcher *m, uint32_t p, uint32_t i, dn_id node)
{
	const dn_ast *path = m->paths->item[p];
	const dn_ast *np = path->u.path.elems.item[i];
	bool ok = true, was = false;
	int rc;
	bool trusted = (i == 0 && m->prechecked) || (m->plan->paths[p].all_labeled[i] && !np->u.node.props);
	if (!trusted && ((rc = dn_m_node_ok(m, np, node, &ok)) || !ok))
		return rc;
	if (np->u.node.var) {
		m_bind(m, np->u.node.var->u.name.slot, dn_x_entity(node, DN_NODE), &was, &ok);
		if (!ok)
			return 0;
	}
	if ((rc = m_push(&m->walk, &m->nwalk, &m->capwalk, node)))
		goto out;
	m->plan->paths[p].rows[i]++;
	if (i + 1 < path->u.path.elems.n) {
		/* the WHERE parts whose variables are bound now */
		bool keep;
		if ((rc = dn_m_filter(m, false, p, i, &keep)) || !keep) {
			m->nwalk--;
			goto out;
		}
	}
	if (i + 1 == path->u.path.elems.n) {
		bool pwas = false;
		if (path->u.path.var) {
			dn_value *items = calloc(m->nwalk ? m->nwalk : 1, sizeof *items);
			int err = items ? 0 : DN_ENOMEM;
			size_t k = 0;
			/* the walk of this path begins where the path began; a
			 * path walked backwards is turned around */
			bool back = m->plan->paths[p].reversed;
			size_t len = m->nwalk - m->walk_start[p];
			for (size_t w = m->walk_start[p]; items && w < m->nwalk; w++, k++)
				items[back ? len - 1 - k : k] = dn_x_entity(m->walk[w], (k % 2) ? DN_REL : DN_NODE);
			dn_value v = err ? dn_value_null() : dn_value_list(items, k, &err);
			free(items);
			if (!err)
				v.type = DN_PATH;
			if (err) {
				rc = err;
				m->nwalk--;
				goto out;
			}
			m_bind(m, path->u.path.var->u.name.slot, v, &pwas, &ok);
		}
		bool keep;
		if (!(rc = dn_m_filter(m, false, p, i, &keep)) && keep)
			rc = dn_m_paths(m, p + 1);
		if (path->u.path.var)
			m_unbind(m, path->u.path.var->u.name.slot, pwas);
	} else {
		const dn_ast *rp = path->u.path.elems.item[i + 1];
		if (m->plan->paths[p].bfs) {
			rc = m_var_bfs(m, p, i + 1, node);
		} else if (!rp->u.rel.varlen) {
			rc = m_each_adj(m, p, i + 1, node, m_hop, NULL);
		} else {
			m_var_state vs = {0, rp->u.rel.min < 0 ? 1 : rp->u.rel.min, rp->u.rel.max, node};
			rc = m_var_step(m, p, i + 1, node, &vs);
		}
	}
	m->nwalk--;
out:
	if (np->u.node.var)
		m_unbind(m, np->u.node.var->u.name.slot, was);
	return rc;
}

/* Looks at filter k: whether it has the simple form. */
int dn_m_fast_prepare(matcher *m, size_t k, m_fast *fs)
{
	const dn_ast *e = m->plan->filters[k].expr;
	fs->state = 2;
	if (e->kind != DN_AST_BINOP || e->op < DN_OP_EQ || e->op > DN_OP_GE)
		return 0;
	const dn_ast *l = e->u.bin.l, *r = e->u.bin.r;
	dn_ast_op op = e->op;
	if (l->kind != DN_AST_PROP) { /* `5 < n.x` is `n.x > 5` */
		const dn_ast *t = l;
		l = r;
		r = t;
		op = op == DN_OP_LT ? DN_OP_GT : op == DN_OP_GT ? DN_OP_LT : op == DN_OP_LE ? DN_OP_GE
		   : op == DN_OP_GE ? DN_OP_LE : op;
	}
	if (l->kind != DN_AST_PROP || l->u.prop.expr->kind != DN_AST_VAR || l->u.prop.expr->u.name.slot < 0)
		return 0;
	if (r->kind != DN_AST_INT && r->kind != DN_AST_FLOAT && r->kind != DN_AST_STRING && r->kind != DN_AST_BOOL &&
	    r->kind != DN_AST_PARAM)
		return 0;
	int rc = dn_x_eval_at(m->x, m->row, r, &fs->c);
	if (rc)
		return rc;
	fs->slot = l->u.prop.expr->u.name.slot;
	fs->key = l->u.prop.key->u.name.s;
	fs->klen = l->u.prop.key->u.name.len;
	fs->op = op;
	fs->state = 1;
	return 0;
}

void dn_m_fast_free(matcher *m)
{
	for (size_t k = 0; m->fast && k < m->plan->nfilters; k++) {
		dn_value_free(&m->fast[k].c);
		dn_prop_reader_close(m->fast[k].rd);
	}
	free(m->fast);
	m->fast = NULL;
}

/* Tests a simple filter on v (its variable's value) in txn: 1 when the
 * evaluator must (*keep untouched). Reads nothing of the matcher: the
 * counting form's threads call it. */
int dn_m_fast_test(dn_txn *txn, dn_prop_reader *rd, const m_fast *fs, const dn_value *v, bool *keep)
{
	dn_value own = dn_value_null();
	const dn_value *have = &own;
	if (v->type == DN_NODE && rd) {
		if (dn_prop_reader_get(rd, (dn_id)v->u.i, &have))
			return 1;
		if (!have)
			have = &own;
	} else if ((v->type != DN_NODE && v->type != DN_REL) ||
	           (v->type == DN_NODE ? dn_node_prop_get : dn_edge_prop_get)(txn, (dn_id)v->u.i, fs->key, fs->klen, &own)) {
		return 1;
	}
	if (have->type == DN_INT && fs->c.type == DN_INT) { /* the common case, without the general order */
		int64_t a = have->u.i, b = fs->c.u.i;
		switch (fs->op) {
		case DN_OP_EQ: *keep = a == b; break;
		case DN_OP_NE: *keep = a != b; break;
		case DN_OP_LT: *keep = a < b; break;
		case DN_OP_LE: *keep = a <= b; break;
		case DN_OP_GT: *keep = a > b; break;
		default: *keep = a >= b; break;
		}
		return 0;
	}
	dn_value t;
	switch (fs->op) {
	case DN_OP_EQ: t = dn_cy_equals(have, &fs->c); break;
	case DN_OP_NE:
		t = dn_cy_equals(have, &fs->c);
		t.u.b = !t.u.b; /* null stays null */
		break;
	case DN_OP_LT: t = dn_cy_compare(DN_CY_LT, have, &fs->c); break;
	case DN_OP_LE: t = dn_cy_compare(DN_CY_LE, have, &fs->c); break;
	case DN_OP_GT: t = dn_cy_compare(DN_CY_GT, have, &fs->c); break;
	default: t = dn_cy_compare(DN_CY_GE, have, &fs->c); break;
	}
	*keep = t.type == DN_BOOL && t.u.b;
	dn_value_free(&own);
	return 0;
}

static int m_fast_test(matcher *m, m_fast *fs, bool *keep)
{
	/* a MATCH's own filters read through a property reader once they
	 * test many nodes (a search's ends and a scan's nodes come in id
	 * order; a lookup's one node is not worth opening one); a pattern
	 * inside an expression, matched anew for each row, does not keep one */
	if (!fs->rd && m->readers && m->row[fs->slot].type == DN_NODE && ++fs->tests > 16 &&
	    dn_prop_reader_open(m->x->txn, fs->key, fs->klen, &fs->rd))
		fs->rd = NULL;
	return dn_m_fast_test(m->x->txn, fs->rd, fs, &m->row[fs->slot], keep);
}

/* Tests the WHERE parts the plan placed at (p, i), or those left for a
 * whole match (at_emit): *keep false when one of them fails. */
int dn_m_filter(matcher *m, bool at_emit, uint32_t p, uint32_t i, bool *keep)
{
	*keep = true;
	if (!m->fast && m->plan->nfilters && !(m->fast = calloc(m->plan->nfilters, sizeof *m->fast)))
		return DN_ENOMEM;
	for (size_t k = 0; *keep && k < m->plan->nfilters; k++) {
		const dn_plan_filter *f = &m->plan->filters[k];
		if (f->at_emit != at_emit || (!at_emit && (f->p != p || f->i != i)))
			continue;
		m_fast *fs = &m->fast[k];
		int rc = fs->state ? 0 : dn_m_fast_prepare(m, k, fs);
		if (rc)
			return rc;
		if (fs->state == 1 && !m_fast_test(m, fs, keep))
			continue;
		m->x->bound = m->bound;
		dn_eval_env env = dn_x_env_of(m->x, m->row);
		rc = dn_eval_pred(&env, f->expr, keep);
		if (rc)
			return rc;
	}
	return 0;
}

static int m_emit(matcher *m)
{
	bool keep;
	int rc = dn_m_filter(m, true, 0, 0, &keep);
	if (rc || !keep)
		return rc;
	dn_value *o = dn_x_rows_add(m->out);
	if (!o)
		return DN_ENOMEM;
	m->emitted++;
	return dn_x_row_copy(o, m->row, m->out->width);
}

/* Opens the iterator over path p's start candidates the plan chose; *it
 * stays NULL when no node can match (an index seek for null). */
static int m_start(matcher *m, uint32_t p, dn_iter **it)
{
	const dn_path_plan *pp = &m->plan->paths[p];
	const dn_ast *np = pp->path->u.path.elems.item[0];
	int rc = 0;
	*it = NULL;
	m->prechecked = false;
	if (pp->start == DN_START_SEEK) {
		dn_value lo = dn_value_null(), hi = dn_value_null();
		if (pp->lo && (rc = dn_x_eval_at(m->x, m->row, pp->lo, &lo)))
			return rc;
		if (pp->hi && pp->hi != pp->lo && (rc = dn_x_eval_at(m->x, m->row, pp->hi, &hi))) {
			dn_value_free(&lo);
			return rc;
		}
		const dn_value *l = pp->lo ? &lo : NULL, *h = pp->hi == pp->lo ? l : pp->hi ? &hi : NULL;
		bool null = (l && l->type == DN_NULL) || (h && h->type == DN_NULL);
		bool seekable = (!l || l->type <= DN_DURATION) && (!h || h->type <= DN_DURATION);
		if (!null && seekable)
			rc = dn_index_seek(m->x->txn, pp->label, pp->key, l, h, pp->range_flags, it);
		/* an equality seek on the pattern's only label and only property
		 * finds exactly the nodes that fit it (floats excepted: NaN) */
		const dn_ast *props = np->u.node.props;
		m->prechecked = !rc && l == h && l && l->type != DN_FLOAT && np->u.node.labels.n == 1 &&
		                !strcmp(np->u.node.labels.item[0]->u.name.s, pp->label) &&
		                (!props || (props->kind == DN_AST_MAP && props->u.map.entries.n == 1 &&
		                            props->u.map.entries.item[0]->u.entry.value == pp->lo));
		dn_value_free(&lo);
		dn_value_free(&hi);
		if (null)
			return 0; /* `n.key = null` and `n.key > null` hold for no node */
		if (rc && rc != DN_ENOTFOUND)
			return dn_x_engine_fail(m->x, np, rc);
		if (*it)
			return 0;
		/* a list or map value: the label's scan, filtered as usual */
		rc = dn_nodes_by_label(m->x->txn, pp->label, it);
	} else if (pp->start == DN_START_LABEL) {
		rc = dn_nodes_by_label(m->x->txn, pp->label, it);
		m->prechecked = np->u.node.labels.n == 1 && !np->u.node.props;
	} else {
		rc = dn_nodes_all(m->x->txn, it);
	}
	if (rc == DN_ENOTFOUND) {
		*it = NULL;
		return 0;
	}
	return rc ? dn_x_engine_fail(m->x, np, rc) : 0;
}


/*
 * shortestPath((a)-[r:T*min..max]-(b)) and allShortestPaths(...): a
 * breadth-first search from a's node to b's (both must be bound by an
 * earlier clause or pattern), following the relationship pattern's
 * direction and types. Each node remembers every predecessor at its
 * depth, so allShortestPaths can enumerate all paths of the least length.
 */
typedef struct bfs_node {
	dn_id id;
	uint32_t depth;
	size_t first_parent; /* index into parents, or SIZE_MAX */
	dn_id tree_edge;     /* the relationship it was first reached over (0: the start) */
	dn_id branch;        /* variable-length search: the first relationship on
	                        its tree path (0 at the start) */
} bfs_node;

typedef struct bfs_parent {
	size_t from;   /* index of the predecessor in nodes */
	dn_id edge;
	size_t next;   /* next parent of the same node, or SIZE_MAX */
} bfs_parent;

typedef struct bfs {
	bfs_node *nodes;
	size_t n, cap;
	size_t *slots; /* open addressing: node index + 1 */
	size_t nslots;
	bfs_parent *parents;
	size_t np, capp;
	uint64_t *bits; /* the ids reached, below BFS_BITS_MAX: a test without probing */
	size_t nbits;
	bool no_slots;  /* a directed search for ends: the bits answer every
	                   question until an id above them comes (slots then) */
} bfs;

#define BFS_BITS_MAX (UINT64_C(1) << 28) /* 32 MiB of bits at most */

/* Whether id was reached: 1 yes, 0 no, -1 not known from the bits. */
static int bfs_bit(const bfs *b, dn_id id)
{
	if (id >= BFS_BITS_MAX)
		return -1;
	return id < b->nbits && (b->bits[id >> 6] >> (id & 63) & 1);
}

static size_t bfs_find(const bfs *b, dn_id id)
{
	for (size_t h = (id * 0x9E3779B97F4A7C15ull) & (b->nslots - 1); b->slots[h]; h = (h + 1) & (b->nslots - 1))
		if (b->nodes[b->slots[h] - 1].id == id)
			return b->slots[h] - 1;
	return SIZE_MAX;
}

static int bfs_add(bfs *b, dn_id id, uint32_t depth, size_t *idx)
{
	if (b->no_slots && id >= BFS_BITS_MAX)
		b->no_slots = false; /* the slots are built for every node below */
	if (!b->no_slots && (b->n + 1) * 2 > b->nslots) {
		size_t ns = b->nslots ? b->nslots : 1024;
		while ((b->n + 1) * 2 > ns)
			ns *= 2;
		size_t *sl = calloc(ns, sizeof *sl);
		if (!sl)
			return DN_ENOMEM;
		for (size_t i = 0; i < b->n; i++) {
			size_t h = (b->nodes[i].id * 0x9E3779B97F4A7C15ull) & (ns - 1);
			while (sl[h])
				h = (h + 1) & (ns - 1);
			sl[h] = i + 1;
		}
		free(b->slots);
		b->slots = sl;
		b->nslots = ns;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		bfs_node *p = realloc(b->nodes, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		b->nodes = p;
		b->cap = cap;
	}
	if (id < BFS_BITS_MAX) {
		if (id >= b->nbits) {
			size_t nb = b->nbits ? b->nbits : 4096;
			while (nb <= id)
				nb *= 2;
			uint64_t *w = realloc(b->bits, nb / 8);
			if (!w)
				return DN_ENOMEM;
			memset(w + b->nbits / 64, 0, (nb - b->nbits) / 8);
			b->bits = w;
			b->nbits = nb;
		}
		b->bits[id >> 6] |= UINT64_C(1) << (id & 63);
	}
	b->nodes[b->n] = (bfs_node){id, depth, SIZE_MAX, 0, 0};
	if (!b->no_slots) {
		size_t h = (id * 0x9E3779B97F4A7C15ull) & (b->nslots - 1);
		while (b->slots[h])
			h = (h + 1) & (b->nslots - 1);
		b->slots[h] = b->n + 1;
	}
	*idx = b->n++;
	return 0;
}

static int bfs_parent_add(bfs *b, size_t node, size_t from, dn_id edge)
{
	if (b->np == b->capp) {
		size_t cap = b->capp ? b->capp * 2 : 256;
		bfs_parent *p = realloc(b->parents, cap * sizeof *p);
		if (!p)
			return DN_ENOMEM;
		b->parents = p;
		b->capp = cap;
	}
	b->parents[b->np] = (bfs_parent){from, edge, b->nodes[node].first_parent};
	b->nodes[node].first_parent = b->np++;
	return 0;
}

static void bfs_free(bfs *b)
{
	free(b->nodes);
	free(b->slots);
	free(b->parents);
	free(b->bits);
}

/*
 * A variable-length hop whose walks nothing downstream can tell apart
 * (plan.h): a breadth-first search from start that reaches each end node
 * once. Every node at distance 1..max is the end of a shortest path, which
 * repeats no relationship. The start itself ends a walk of length >= 1 only
 * when a closed trail of length <= max passes through it: with a directed
 * hop, an edge back into start from a node at depth d (length d + 1); with
 * an undirected one, an edge that is not a tree edge between two different
 * branches of the search tree, or back into start other than the tree edge
 * that reached its end (length d(u) + d(v) + 1; the search's branches make
 * this exact).
 */
typedef struct bfs_level {
	bfs *b;
	size_t from; /* the node being expanded: its index in b */
	dn_id start;
	bool undirected, closes; /* closes: a closed trail through start fits */
	int64_t max;
} bfs_level;

/* The relationship that reached node index k of b first (0 at start). */
static dn_id bfs_tree_edge(const bfs *b, size_t k)
{
	return b->nodes[k].tree_edge;
}

static int bfs_expand(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	bfs_level *lv = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	bfs *b = lv->b;
	uint32_t depth = b->nodes[lv->from].depth;
	dn_id branch = b->nodes[lv->from].branch, tree_edge = bfs_tree_edge(b, lv->from);
	int known = bfs_bit(b, a->nbr);
	if (known == 1 && (lv->closes || (!lv->undirected && a->nbr != lv->start)))
		return 0; /* reached before, and nothing more to learn from it */
	size_t at = known == 0 ? SIZE_MAX : a->nbr == lv->start ? 0 : bfs_find(b, a->nbr); /* the start is first */
	if (at == SIZE_MAX) {
		if ((rc = bfs_add(b, a->nbr, depth + 1, &at)))
			return rc;
		b->nodes[at].branch = lv->from == 0 ? a->edge : branch;
		b->nodes[at].tree_edge = a->edge; /* its predecessors are not needed: only its ends are */
		return 0;
	}
	if (lv->closes)
		return 0;
	int64_t len = (int64_t)depth + 1;
	if (a->nbr == lv->start) {
		/* back into start; undirected, not along the edge that came out */
		lv->closes = len <= lv->max && (!lv->undirected || a->edge != tree_edge);
	} else if (lv->undirected && b->nodes[at].branch != branch && a->edge != bfs_tree_edge(b, at) &&
	           a->edge != tree_edge) {
		lv->closes = len + (int64_t)b->nodes[at].depth <= lv->max;
	}
	return 0;
}


static int cmp_id(const void *a, const void *b)
{
	dn_id x = *(const dn_id *)a, y = *(const dn_id *)b;
	return (x > y) - (x < y);
}

/* Sorts n records of size bytes (a multiple of 8) by the dn_id each
 * starts with: an LSD radix sort a byte a pass, skipping the bytes every
 * id shares (ids are small: most high bytes are zero); qsort for a few.
 * A breadth-first search sorts each level and its ends. */
static int sort_by_id(void *base, size_t n, size_t size)
{
	if (n < 64) {
		qsort(base, n, size, cmp_id);
		return 0;
	}
	uint8_t *a = base, *b = malloc(n * size);
	if (!b)
		return DN_ENOMEM;
	uint8_t *src = a, *dst = b;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((*(const dn_id *)(src + i * size) >> shift) & 0xFF) + 1]++;
		if (count[((*(const dn_id *)src >> shift) & 0xFF) + 1] == n)
			continue; /* every id has this byte */
		for (int c = 0; c < 256; c++)
			count[c + 1] += count[c];
		for (size_t i = 0; i < n; i++) {
			const uint8_t *r = src + i * size;
			memcpy(dst + count[(*(const dn_id *)r >> shift) & 0xFF]++ * size, r, size);
		}
		uint8_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * size);
	free(b);
	return 0;
}

/*
 * Hands the end nodes ends[pos..n) on to the rest of the pattern (rc: an
 * error before, passed through). A first hop of the MATCH operator's first
 * path stops when the operator has the rows it asked for, keeping the
 * ends left for the next call (M_SUSPEND); ends is then the matcher's.
 */
static int m_bfs_emit(matcher *m, uint32_t p, uint32_t i, dn_id *ends, size_t n, size_t pos, int rc)
{
	bool keep = m->resumable && p == 0 && i == 1;
	for (; !rc && pos < n; pos++) {
		if (keep && m->out->n >= m->want) {
			m->ends = ends;
			m->nends = n;
			m->endpos = pos;
			m->suspended = true;
			return M_SUSPEND;
		}
		rc = m_node(m, p, i + 1, ends[pos]);
	}
	if (ends == m->ends)
		m->ends = NULL;
	free(ends);
	return rc == M_SUSPEND ? DN_EINVAL : rc; /* a deeper hop never suspends */
}

/* Whether matching node element i of path p reads the node's record (a
 * label test, a property map, a WHERE part placed there). */
static bool m_end_reads(const matcher *m, uint32_t p, uint32_t i)
{
	const dn_ast *np = m->paths->item[p]->u.path.elems.item[i];
	if (np->u.node.props || (np->u.node.labels.n && !m->plan->paths[p].all_labeled[i]))
		return true;
	for (size_t k = 0; k < m->plan->nfilters; k++)
		if (!m->plan->filters[k].at_emit && m->plan->filters[k].p == p && m->plan->filters[k].i == i)
			return true;
	return false;
}

typedef struct bfs_read {
	matcher *m;
	uint32_t p, i;
	bfs_level *lv;
} bfs_read;

static int bfs_read_one(void *ctx, const dn_adj *a)
{
	bfs_read *r = ctx;
	return m_used(r->m, a->edge) ? 0 : bfs_expand(r->m, r->p, r->i, a, r->lv);
}

/* The breadth-first search of relationship pattern (p, i) from start:
 * *ends, the end nodes, the start first when a closed trail passes it (or
 * the bounds allow 0 hops), the others in id order when sorted (so that
 * their records are read in key order, page after page). */
int dn_m_bfs_ends(matcher *m, uint32_t p, uint32_t i, dn_id start, bool sorted, dn_id **ends, size_t *nends)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	int64_t min = rp->u.rel.min < 0 ? 1 : rp->u.rel.min, max = rp->u.rel.max;
	if (!rp->u.rel.varlen)
		min = max = 1; /* a single hop, each end node once */
	*ends = NULL;
	*nends = 0;
	bfs b = {0};
	size_t idx;
	bfs_level lv = {&b, 0, start, dn_m_dir(rp) == DN_BOTH, false, max < 0 ? INT64_MAX : max};
	b.no_slots = !lv.undirected; /* directed, its bits tell all it asks (bfs_expand) */
	int rc = bfs_add(&b, start, 0, &idx);
	/* level by level: the nodes of depth d are nodes[lo..hi), expanded in
	 * id order, so that each adjacency seek lands near the last one (the
	 * engine steps forward instead of searching) */
	struct bfs_order {
		dn_id id;
		size_t k;
	} *order = NULL;
	size_t cap = 0;
	/* the relationship's adjacency through readers (unless its property
	 * map must be read: then entries are collected first) */
	m_readers cr = {.n = 0};
	bool direct = !rp_props(m, p, i);
	if (!rc && direct && (rc = dn_m_readers_open(m->x->txn, rp, &cr)) == M_EVAL)
		rc = 0, direct = false;
	else if (rc && direct)
		rc = dn_x_engine_fail(m->x, rp, rc);
	for (size_t lo = 0, hi = b.n; !rc && lo < hi; lo = hi, hi = b.n) {
		if (max >= 0 && (int64_t)b.nodes[lo].depth >= max)
			break;
		if (hi - lo > cap) {
			cap = 2 * (hi - lo);
			struct bfs_order *o = realloc(order, cap * sizeof *o);
			if (!o) {
				rc = DN_ENOMEM;
				break;
			}
			order = o;
		}
		for (size_t k = lo; k < hi; k++)
			order[k - lo] = (struct bfs_order){b.nodes[k].id, k};
		rc = sort_by_id(order, hi - lo, sizeof *order);
		for (size_t j = 0; !rc && j < hi - lo; j++) {
			lv.from = order[j].k;
			if (direct) {
				bfs_read rd = {m, p, i, &lv};
				for (size_t t = 0; !rc && t < cr.n; t++)
					if ((rc = dn_adj_reader_each(cr.r[t], order[j].id, bfs_read_one, &rd)) && rc != DN_ENOMEM)
						rc = dn_x_engine_fail(m->x, rp, rc); /* (bfs_expand fails for memory only) */
			} else {
				rc = m_each_adj_dir(m, p, i, order[j].id, dn_m_dir(rp), false, bfs_expand, &lv);
			}
		}
	}
	free(order);
	dn_m_readers_close(&cr);
	dn_id *e = NULL;
	size_t n = 0;
	if (!rc && !(e = malloc((b.n ? b.n : 1) * sizeof *e)))
		rc = DN_ENOMEM;
	if (!rc && (min == 0 || lv.closes))
		e[n++] = start;
	size_t first = n;
	for (size_t k = 1; !rc && k < b.n; k++)
		e[n++] = b.nodes[k].id;
	if (!rc && sorted)
		rc = sort_by_id(e + first, n - first, sizeof *e);
	bfs_free(&b);
	if (rc) {
		free(e);
		return rc;
	}
	*ends = e;
	*nends = n;
	return 0;
}

static int m_var_bfs(matcher *m, uint32_t p, uint32_t i, dn_id start)
{
	if (m->resuming && m->ends && p == 0 && i == 1) {
		/* the same start again: the ends left by the last call */
		size_t mark = m->nwalk;
		m->nwalk--;
		m->resuming = false;
		int rc = m_bfs_emit(m, p, i, m->ends, m->nends, m->endpos, 0);
		m->nwalk = mark;
		return rc;
	}
	dn_id *ends;
	size_t nends;
	int rc = dn_m_bfs_ends(m, p, i, start, m_end_reads(m, p, i + 1), &ends, &nends);
	/* the walk holds the start node: m_node adds each end node again (the
	 * rows' order is free: only duplicate-insensitive consumers follow a
	 * breadth-first hop) */
	size_t mark = m->nwalk;
	m->nwalk--;
	rc = m_bfs_emit(m, p, i, ends, nends, 0, rc);
	m->nwalk = mark;
	return rc;
}

typedef struct bfs_walk {
	matcher *m;
	uint32_t p;
	bfs *b;        /* the search from the start */
	bfs *back;     /* the search from the end (bidirectional), or NULL */
	size_t meet;   /* bidirectional: where the two met, in b */
	dn_id *edges;  /* the path being built: len relationships */
	dn_id *nodes;  /* and len + 1 nodes */
	uint32_t len;
	bool all;
	bool done;
} bfs_walk;

static int bfs_bind(bfs_walk *w);

/* Bidirectional: goes on from node index `at` of the backward search,
 * position k of the path, along its parents to the end. */
static int bfs_emit_back(bfs_walk *w, size_t at, uint32_t k)
{
	int rc = 0;
	w->nodes[k] = w->back->nodes[at].id;
	if (k == w->len)
		return bfs_bind(w);
	for (size_t pi = w->back->nodes[at].first_parent; !rc && !w->done && pi != SIZE_MAX;
	     pi = w->back->parents[pi].next) {
		w->edges[k] = w->back->parents[pi].edge;
		rc = bfs_emit_back(w, w->back->parents[pi].from, k + 1);
	}
	return rc;
}

/* Emits the path whose k-th node is node index `at` of the search from
 * the start, walking its parents back to position 0. */
static int bfs_emit(bfs_walk *w, size_t at, uint32_t k)
{
	int rc = 0;
	w->nodes[k] = w->b->nodes[at].id;
	if (k == 0) {
		if (!w->back)
			return bfs_bind(w);
		/* the first half is built: the second from the meeting node */
		uint32_t mid = w->b->nodes[w->meet].depth;
		return bfs_emit_back(w, bfs_find(w->back, w->b->nodes[w->meet].id), mid);
	}
	for (size_t pi = w->b->nodes[at].first_parent; !rc && !w->done && pi != SIZE_MAX; pi = w->b->parents[pi].next) {
		w->edges[k - 1] = w->b->parents[pi].edge;
		rc = bfs_emit(w, w->b->parents[pi].from, k - 1);
	}
	return rc;
}

/* Binds the relationship list and the path of a complete walk, then goes on. */
static int bfs_bind(bfs_walk *w)
{
	matcher *m = w->m;
	const dn_ast *path = m->paths->item[w->p];
	const dn_ast *rp = path->u.path.elems.item[1];
	int rc = 0;
	{
		/* bind the relationship list and the path, then go on */
		bool rwas = false, pwas = false, ok = true;
		dn_value *items = calloc(2 * w->len + 1, sizeof *items);
		if (!items)
			return DN_ENOMEM;
		int err = 0;
		if (rp->u.rel.var) {
			for (uint32_t i = 0; i < w->len; i++)
				items[i] = dn_x_entity(w->edges[i], DN_REL);
			dn_value list = dn_value_list(items, w->len, &err);
			if (!err)
				m_bind(m, rp->u.rel.var->u.name.slot, list, &rwas, &ok);
		}
		if (!err && ok && path->u.path.var) {
			for (uint32_t i = 0; i <= w->len; i++) {
				items[2 * i] = dn_x_entity(w->nodes[i], DN_NODE);
				if (i < w->len)
					items[2 * i + 1] = dn_x_entity(w->edges[i], DN_REL);
			}
			dn_value pv = dn_value_list(items, 2 * w->len + 1, &err);
			if (!err) {
				pv.type = DN_PATH;
				m_bind(m, path->u.path.var->u.name.slot, pv, &pwas, &ok);
			}
		}
		free(items);
		if (err)
			return err;
		if (ok)
			rc = dn_m_paths(m, w->p + 1);
		if (path->u.path.var)
			m_unbind(m, path->u.path.var->u.name.slot, pwas);
		if (rp->u.rel.var)
			m_unbind(m, rp->u.rel.var->u.name.slot, rwas);
		if (!w->all)
			w->done = true;
		return rc;
	}
}

typedef struct bfs_step {
	bfs *b;
	size_t from;
	uint32_t depth;
	dn_id target;
	bool found;
} bfs_step;

static int bfs_visit(matcher *m, uint32_t p, uint32_t i, const dn_adj *a, void *st)
{
	bfs_step *bs = st;
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[i];
	bool ok;
	int rc;
	if ((rc = m_rel_ok(m, rp, a->edge, &ok)) || !ok)
		return rc;
	size_t at = bfs_find(bs->b, a->nbr);
	if (at == SIZE_MAX) {
		if ((rc = bfs_add(bs->b, a->nbr, bs->depth + 1, &at)))
			return rc;
	} else if (bs->b->nodes[at].depth != bs->depth + 1) {
		return 0; /* reached earlier by a shorter way */
	}
	if (a->nbr == bs->target)
		bs->found = true;
	return bfs_parent_add(bs->b, at, bs->from, a->edge);
}

/* Expands the level of search b that starts at node index lo (ending at
 * the search's size when called), along dir. */
static int bfs_widen(matcher *m, uint32_t p, bfs *b, size_t lo, int dir, dn_id target, bool *found)
{
	size_t hi = b->n;
	int rc = 0;
	bfs_step st = {b, 0, lo < hi ? b->nodes[lo].depth : 0, target, false};
	for (size_t k = lo; !rc && k < hi; k++) {
		st.from = k;
		rc = m_each_adj_dir(m, p, 1, b->nodes[k].id, dir, !rp_props(m, p, 1), bfs_visit, &st);
	}
	*found = st.found;
	return rc;
}

static int bfs_emit_all(matcher *m, uint32_t p, bfs *b, bfs *back, size_t meet, size_t at, uint32_t len,
                        bool all, bool *done)
{
	const dn_ast *path = m->paths->item[p];
	bfs_walk w = {m, p, b, back, meet, calloc(len + 1, sizeof(dn_id)), calloc(len + 1, sizeof(dn_id)), len,
	              all || path->u.path.shortest == DN_PATH_ALL_SHORTEST, *done};
	int rc = w.edges && w.nodes ? bfs_emit(&w, at, b->nodes[at].depth) : DN_ENOMEM;
	*done = w.done;
	free(w.edges);
	free(w.nodes);
	return rc;
}

/*
 * shortestPath between bound ends with at most one hop minimum: a
 * breadth-first search from both ends at once, always widening the
 * smaller frontier, until they meet. Every shortest path crosses the level
 * just reached at exactly one node, so its walks are the start side's
 * walks to that node joined with the end side's walks from it.
 */
static int m_shortest_both(matcher *m, uint32_t p, dn_id from, dn_id to, int64_t max)
{
	const dn_ast *rp = m->paths->item[p]->u.path.elems.item[1];
	int fdir = dn_m_dir(rp), bdir = fdir == DN_OUT ? DN_IN : fdir == DN_IN ? DN_OUT : fdir;
	bfs f = {0}, b = {0};
	size_t idx, flo = 0, blo = 0;
	int rc = bfs_add(&f, from, 0, &idx);
	if (!rc)
		rc = bfs_add(&b, to, 0, &idx);
	uint32_t fd = 0, bd = 0, best = UINT32_MAX;
	bool fwd = true;
	while (!rc && best == UINT32_MAX && flo < f.n && blo < b.n && (max < 0 || (int64_t)(fd + bd) < max)) {
		/* widen the smaller frontier by one level */
		fwd = f.n - flo <= b.n - blo;
		bfs *s = fwd ? &f : &b, *o = fwd ? &b : &f;
		size_t lo = fwd ? flo : blo, hi = s->n;
		bool hit;
		rc = bfs_widen(m, p, s, lo, fwd ? fdir : bdir, fwd ? to : from, &hit);
		if (fwd) {
			fd++;
			flo = hi;
		} else {
			bd++;
			blo = hi;
		}
		/* a new node the other side has reached joins the two */
		for (size_t k = hi; !rc && k < s->n; k++) {
			size_t at = bfs_find(o, s->nodes[k].id);
			if (at != SIZE_MAX && s->nodes[k].depth + o->nodes[at].depth < best)
				best = s->nodes[k].depth + o->nodes[at].depth;
		}
	}
	bool done = false;
	for (size_t k = 0; !rc && !done && best != UINT32_MAX; k++) {
		/* the meeting nodes lie in the level last reached */
		bfs *s = fwd ? &f : &b, *o = fwd ? &b : &f;
		size_t at = fwd ? flo + k : blo + k;
		if (at >= s->n)
			break;
		size_t oat = bfs_find(o, s->nodes[at].id);
		if (oat == SIZE_MAX || s->nodes[at].depth + o->nodes[oat].depth != best)
			continue;
		size_t fat = fwd ? at : oat;
		rc = bfs_emit_all(m, p, &f, &b, fat, fat, best, false, &done);
	}
	bfs_free(&f);
	bfs_free(&b);
	return rc;
}

static int m_shortest(matcher *m, uint32_t p)
{
	const dn_ast *path = m->paths->item[p];
	const dn_ast_list *el = &path->u.path.elems;
	if (el->n != 3)
		return dn_x_fail(m->x, path, DN_ENOTSUP, "not supported yet: shortestPath over more than one relationship");
	const dn_ast *a = el->item[0], *rp = el->item[1], *bn = el->item[2];
	if (!a->u.node.var || !bn->u.node.var || !m->bound[a->u.node.var->u.name.slot] ||
	    !m->bound[bn->u.node.var->u.name.slot])
		return dn_x_fail(m->x, path, DN_ENOTSUP, "not supported yet: shortestPath needs both ends bound first");
	const dn_value *av = &m->row[a->u.node.var->u.name.slot], *bv = &m->row[bn->u.node.var->u.name.slot];
	if (av->type != DN_NODE || bv->type != DN_NODE)
		return 0; /* a null end: no path */
	int64_t min = rp->u.rel.varlen ? (rp->u.rel.min < 0 ? 1 : rp->u.rel.min) : 1;
	int64_t max = rp->u.rel.varlen ? rp->u.rel.max : 1;
	dn_id from = (dn_id)av->u.i, to = (dn_id)bv->u.i;
	if (from != to && min <= 1)
		return m_shortest_both(m, p, from, to, max);
	/* the same node at both ends, or a minimum length: from the start only */
	bfs b = {0};
	size_t idx;
	int rc = bfs_add(&b, from, 0, &idx);
	bool found = from == to && min == 0;
	uint32_t depth = 0;
	/* level by level; a level is the run of nodes added at that depth */
	size_t level_start = 0;
	while (!rc && !found && (max < 0 || depth < (uint64_t)max)) {
		size_t level_end = b.n;
		if (level_start == level_end)
			break;
		bool hit;
		rc = bfs_widen(m, p, &b, level_start, dn_m_dir(rp), to, &hit);
		depth++;
		level_start = level_end;
		found = hit && depth >= min;
	}
	bool done = false;
	if (!rc && found)
		rc = bfs_emit_all(m, p, &b, NULL, 0, bfs_find(&b, to), depth, false, &done);
	bfs_free(&b);
	return rc;
}

int dn_m_paths(matcher *m, uint32_t p)
{
	if (p == m->paths->n)
		return m_emit(m);
	const dn_ast *path = m->paths->item[p];
	if (path->u.path.shortest != DN_PATH_PLAIN)
		return m_shortest(m, p);
	const dn_ast *np = path->u.path.elems.item[0];
	m->walk_start[p] = m->nwalk;
	if (np->u.node.var && m->bound[np->u.node.var->u.name.slot]) {
		const dn_value *v = &m->row[np->u.node.var->u.name.slot];
		if (v->type == DN_NULL)
			return 0;
		if (v->type != DN_NODE)
			return dn_x_fail(m->x, np->u.node.var, DN_ETYPE, "`%s` is not a node", np->u.node.var->u.name.s);
		return m_node(m, p, 0, (dn_id)v->u.i);
	}
	/* candidates: where the planner starts (plan.h); m_node checks every
	 * label and property and m_emit the WHERE either way */
	dn_iter *it = NULL;
	dn_id id, *cand = NULL;
	size_t n = 0, cap = 0;
	int rc = m_start(m, p, &it);
	if (rc)
		return rc;
	if (!it)
		return 0;
	while ((rc = dn_iter_next(it, &id)) == DN_ROW)
		if ((rc = m_push(&cand, &n, &cap, id)))
			break;
	dn_iter_free(it);
	if (rc == DN_DONE)
		rc = 0;
	for (size_t k = 0; !rc && k < n; k++)
		rc = m_node(m, p, 0, cand[k]);
	m->prechecked = false;
	free(cand);
	return rc;
}

/*
 * A MATCH run row by row for its operator (op_match.c): the first path's
 * start candidates are pulled from their iterator one at a time, so the
 * operator can stop after any candidate and go on later; a path that
 * starts at a bound node (or a shortestPath) is matched whole.
 */

int dn_x_match_new(exec *x, const dn_ast *c, dn_match_plan *plan, const bool *bound, rows *out, dn_x_match **mm)
{
	dn_x_match *r = calloc(1, sizeof *r);
	*mm = r;
	if (!r)
		return DN_ENOMEM;
	size_t w = x->width ? x->width : 1;
	r->c = c;
	r->m.x = x;
	r->m.paths = &plan->list;
	r->m.plan = plan;
	r->m.out = out;
	/* one block: the row, the walk starts, the bound flags twice */
	size_t np = plan->n ? plan->n : 1;
	char *blk = calloc(1, w * sizeof *r->m.row + np * sizeof *r->m.walk_start + 2 * w);
	r->m.row = (dn_value *)blk;
	r->m.walk_start = blk ? (size_t *)(blk + w * sizeof *r->m.row) : NULL;
	r->m.bound = blk ? (bool *)(r->m.walk_start + np) : NULL;
	r->before = blk ? r->m.bound + w : NULL;
	r->m.lmemo_on = true;
	r->m.readers = true;
	r->m.resumable = true;
	r->m.want = DN_X_MATCH_BATCH;
	if (!r->m.walk_start || !r->m.row || !r->m.bound || !r->before)
		return DN_ENOMEM;
	memcpy(r->before, bound, x->width);
	return 0;
}

int dn_x_match_row(dn_x_match *r, const dn_value *row)
{
	matcher *m = &r->m;
	size_t w = m->x->width;
	dn_iter_free(r->it);
	r->it = NULL;
	for (size_t i = 0; i < w; i++)
		dn_value_free(&m->row[i]);
	memcpy(m->bound, r->before, w);
	m->emitted = 0;
	m->nwalk = m->nused = 0;
	free(m->ends);
	m->ends = NULL;
	m->suspended = m->resuming = false;
	int rc = dn_x_row_copy(m->row, row, w);
	r->active = true;
	m->x->bound = m->bound;
	if (rc)
		return rc;
	const dn_ast *path = m->paths->item[0];
	const dn_ast *np = path->u.path.elems.item[0];
	r->top_whole = path->u.path.shortest != DN_PATH_PLAIN || (np->u.node.var && m->bound[np->u.node.var->u.name.slot]);
	if (r->top_whole) { /* one start: matched whole (or until it suspends) */
		r->top_prechecked = false;
		rc = dn_m_paths(m, 0);
		return rc == M_SUSPEND ? 0 : rc;
	}
	m->walk_start[0] = 0;
	rc = m_start(m, 0, &r->it);
	r->top_prechecked = m->prechecked;
	m->prechecked = false;
	return rc;
}

bool dn_x_match_active(const dn_x_match *r)
{
	return r->active;
}

int dn_x_match_more(dn_x_match *r, size_t want)
{
	matcher *m = &r->m;
	int rc = 0;
	dn_id id;
	m->want = want;
	while (m->suspended && m->out->n < want) {
		/* the same start again, to the ends the last call left */
		m->suspended = false;
		m->resuming = true;
		m->plan->paths[0].rows[0]--; /* counted once */
		m->prechecked = r->top_prechecked;
		rc = r->top_whole ? dn_m_paths(m, 0) : m_node(m, 0, 0, r->top_id);
		m->prechecked = m->resuming = false;
		if (rc && rc != M_SUSPEND)
			return rc;
	}
	while (!m->suspended && r->it && m->out->n < want) {
		if ((rc = dn_iter_next(r->it, &id)) == DN_ROW) {
			m->prechecked = r->top_prechecked;
			r->top_id = id;
			rc = m_node(m, 0, 0, id);
			m->prechecked = false;
			if (rc && rc != M_SUSPEND)
				return rc;
		} else {
			dn_iter_free(r->it);
			r->it = NULL;
			if (rc != DN_DONE)
				return dn_x_engine_fail(m->x, r->c, rc);
		}
	}
	if (r->it || m->suspended)
		return DN_ROW;
	if (r->active && !m->emitted && r->c->u.match.optional) {
		/* OPTIONAL MATCH: the row goes on with the pattern's variables null */
		dn_value *o = dn_x_rows_add(m->out);
		if (!o || (rc = dn_x_row_copy(o, m->row, m->x->width)))
			return o ? rc : DN_ENOMEM;
	}
	r->active = false;
	return DN_DONE;
}

void dn_x_match_free(dn_x_match *r)
{
	if (!r)
		return;
	dn_iter_free(r->it);
	for (size_t i = 0; r->m.row && i < r->m.x->width; i++)
		dn_value_free(&r->m.row[i]);
	free(r->m.row); /* and the walk starts and bound flags after it */
	free(r->m.used);
	free(r->m.walk);
	free(r->m.lmemo);
	free(r->m.ends);
	free(r->ct.cnt);
	free(r->ct.slots);
	free(r->starts);
	dn_m_fast_free(&r->m);
	free(r);
}

