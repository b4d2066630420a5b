/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match_count.c — the counting form of a MATCH (MatchCount in EXPLAIN;
 * op_match.c decides when it applies): a one-hop pattern, or a
 * breadth-first search, whose rows only a count per end node needs. The
 * start candidates are collected from their iterator, their adjacency
 * read through readers into a table of ends (on threads, each in a twin
 * read transaction, when the start's tests need no evaluator), and each
 * end is tested once. docs/QUERY.md, "Counting matches".
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "match_int.h"

/* --- the counting form ----------------------------------------------------------------- */

size_t dn_x_count_par_min = 8192;
int dn_x_count_threads;

static size_t count_hash(dn_id id)
{
	return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 17);
}

/* The entry of end in ct (a free slot when it has none). */
static size_t *count_slot(const count_table *ct, dn_id end)
{
	size_t mask = ct->nslots - 1, h = count_hash(end) & mask;
	for (; ct->slots[h]; h = (h + 1) & mask)
		if (ct->cnt[ct->slots[h] - 1].end == end)
			break;
	return &ct->slots[h];
}

/* n more matches reaching end; e is the first of them (end, start, rel,
 * where it was found). */
static int count_add(count_table *ct, const dn_x_count *e, uint64_t n)
{
	dn_id end = e->end;
	if ((ct->ncnt + 1) * 2 > ct->nslots) {
		size_t ns = ct->nslots ? 2 * ct->nslots : 1024;
		size_t *sl = calloc(ns, sizeof *sl);
		if (!sl)
			return DN_ENOMEM;
		free(ct->slots);
		ct->slots = sl;
		ct->nslots = ns;
		for (size_t k = 0; k < ct->ncnt; k++)
			*count_slot(ct, ct->cnt[k].end) = k + 1;
	}
	size_t *slot = count_slot(ct, end);
	if (*slot) {
		dn_x_count *c = &ct->cnt[*slot - 1];
		c->n += n;
		if (e->at < c->at || (e->at == c->at && e->seq < c->seq)) { /* found earlier */
			c->start = e->start;
			c->rel = e->rel;
			c->at = e->at;
			c->seq = e->seq;
		}
		return 0;
	}
	if (ct->ncnt == ct->capcnt) {
		size_t cap = ct->capcnt ? 2 * ct->capcnt : 256;
		dn_x_count *c = realloc(ct->cnt, cap * sizeof *c);
		if (!c)
			return DN_ENOMEM;
		ct->cnt = c;
		ct->capcnt = cap;
	}
	ct->cnt[ct->ncnt] = *e;
	ct->cnt[ct->ncnt].n = n;
	*slot = ++ct->ncnt;
	return 0;
}

static void count_clear(count_table *ct)
{
	ct->ncnt = 0;
	if (ct->slots)
		memset(ct->slots, 0, ct->nslots * sizeof *ct->slots);
}

/* The relationship pattern's readers, one per type it names (or one for
 * every type), in a transaction: a hop's adjacency, start after start. */

void dn_m_readers_close(m_readers *cr)
{
	for (size_t k = 0; k < cr->n; k++)
		dn_adj_reader_close(cr->r[k]);
	cr->n = 0;
}

/* 0, the engine's code, or M_EVAL: more types than readers. */
int dn_m_readers_open(dn_txn *txn, const dn_ast *rp, m_readers *cr)
{
	uint32_t nt = rp->u.rel.types.n;
	cr->n = 0;
	for (uint32_t t = 0; t < (nt ? nt : 1); t++) {
		if (dn_m_type_again(rp, t))
			continue;
		if (cr->n == sizeof cr->r / sizeof *cr->r) {
			dn_m_readers_close(cr);
			return M_EVAL;
		}
		int rc = dn_adj_reader_open(txn, (dn_dir)dn_m_dir(rp), nt ? rp->u.rel.types.item[t]->u.name.s : NULL,
		                            &cr->r[cr->n]);
		if (rc) {
			dn_m_readers_close(cr);
			return rc;
		}
		cr->n++;
	}
	return 0;
}

typedef struct count_hop_ctx {
	count_table *ct;
	dn_x_count e;
} count_hop_ctx;

static int count_hop_one(void *ctx, const dn_adj *a)
{
	count_hop_ctx *h = ctx;
	h->e.end = a->nbr;
	h->e.rel = a->edge;
	int rc = count_add(h->ct, &h->e, 1);
	h->e.seq++;
	return rc;
}

/* Counts the ends of start node id (start candidate at) into ct: 0 or the
 * engine's code. */
static int count_hop(m_readers *cr, dn_id id, uint64_t at, count_table *ct)
{
	count_hop_ctx h = {ct, {0, id, 0, 1, at, 0}};
	int rc = 0;
	for (size_t k = 0; !rc && k < cr->n; k++)
		rc = dn_adj_reader_each(cr->r[k], id, count_hop_one, &h);
	return rc;
}

/* Tests end node id against the far node pattern fp and the WHERE parts
 * placed at it. */
static int count_end_ok(dn_x_match *r, const dn_ast *fp, bool trusted, dn_id id, bool *ok)
{
	matcher *m = &r->m;
	int rc = 0;
	*ok = true;
	if (!trusted && ((rc = dn_m_node_ok(m, fp, id, ok)) || !*ok))
		return rc;
	if (!fp->u.node.var)
		return 0;
	int32_t s = fp->u.node.var->u.name.slot;
	m->row[s] = dn_x_entity(id, DN_NODE);
	m->bound[s] = true;
	rc = dn_m_filter(m, false, 0, 2, ok);
	m->row[s] = dn_value_null();
	m->bound[s] = false;
	return rc;
}

/*
 * One thread's share of the start nodes, when the start's tests need no
 * evaluator (its labels, and WHERE parts of the simple form on its
 * properties): the start candidates are cut in blocks dealt to the
 * threads in turn (the work of a block varies with what its filters keep,
 * so no thread gets one long stretch) and each thread reads its blocks in
 * a transaction of its own on the same snapshot
 * (dn_txn_begin_twin) into a table of its own. The tables are merged and
 * the ends put back in the order of their first match, which is the
 * order one thread gives.
 */
typedef struct count_share {
	dn_txn *txn;
	const dn_id *ids;       /* every start candidate */
	size_t n;
	size_t block;           /* candidates in a block */
	size_t first, stride;   /* its blocks: first, first + stride, ... */
	const dn_ast *rp;
	const char *const *labels; /* NULL: the start nodes fit their pattern */
	uint32_t nlabels;
	const m_fast *const *tests;
	size_t ntests;
	count_table ct;
	uint64_t starts; /* the ones with the labels */
	int rc;          /* 0, the engine's code, or M_EVAL: a test needs the evaluator */
	char msg[256];   /* the engine's message of rc (kept per thread) */
	pthread_t thread;
} count_share;

static void *count_share_run(void *arg)
{
	count_share *c = arg;
	m_readers cr;
	dn_prop_reader *prd[16] = {NULL};
	int rc = dn_m_readers_open(c->txn, c->rp, &cr);
	for (size_t f = 0; !rc && f < c->ntests; f++)
		rc = dn_prop_reader_open(c->txn, c->tests[f]->key, c->tests[f]->klen, &prd[f]);
	for (size_t k = 0, end = 0; !rc; k++) {
		if (k == end) {
			k = c->first * c->block;
			c->first += c->stride;
			if (k >= c->n)
				break;
			end = k + c->block < c->n ? k + c->block : c->n;
		}
		dn_id id = c->ids[k];
		bool ok = true;
		if (c->labels && (rc = dn_node_has_labels(c->txn, id, c->labels, c->nlabels, &ok)) == DN_ENOTFOUND)
			rc = 0, ok = false;
		if (rc || !ok)
			continue;
		c->starts++;
		dn_value v = dn_x_entity(id, DN_NODE);
		for (size_t f = 0; ok && !rc && f < c->ntests; f++)
			if (dn_m_fast_test(c->txn, prd[f], c->tests[f], &v, &ok))
				rc = M_EVAL;
		if (!rc && ok)
			rc = count_hop(&cr, id, k, &c->ct);
	}
	dn_m_readers_close(&cr);
	for (size_t f = 0; f < c->ntests; f++)
		dn_prop_reader_close(prd[f]);
	c->rc = rc;
	if (rc && rc != M_EVAL)
		snprintf(c->msg, sizeof c->msg, "%s", dn_errmsg(dn_txn_db(c->txn)));
	return NULL;
}

static int count_cmp_first(const void *a, const void *b)
{
	const dn_x_count *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* How many threads count the start candidates (1: this one alone). */
static size_t count_threads(size_t n)
{
	long cpus = dn_x_count_threads > 0 ? dn_x_count_threads : sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = n / (dn_x_count_par_min ? dn_x_count_par_min : 1);
	if (cpus < 1)
		cpus = 1;
	if (k > (size_t)cpus)
		k = (size_t)cpus;
	return k > 8 ? 8 : k ? k : 1;
}

/* Counts r->starts on several threads into r->ct: 0, M_EVAL when a share
 * met what only the evaluator can decide (the caller counts alone then),
 * or an error. */
static int count_parallel(dn_x_match *r, size_t nthreads, const dn_ast *np, const dn_ast *rp, bool trusted)
{
	matcher *m = &r->m;
	const char *names[8];
	const m_fast *tests[16];
	size_t ntests = 0;
	uint32_t nl = np->u.node.labels.n;
	if (m->plan->paths[0].bfs || (!trusted && (np->u.node.props || nl > 8)))
		return M_EVAL; /* (a search: one thread) */
	for (uint32_t l = 0; l < nl && l < 8; l++)
		names[l] = np->u.node.labels.item[l]->u.name.s;
	int32_t ss = np->u.node.var ? np->u.node.var->u.name.slot : -1;
	for (size_t k = 0; k < m->plan->nfilters; k++) {
		const dn_plan_filter *f = &m->plan->filters[k];
		if (f->at_emit || f->p != 0 || f->i != 0)
			continue;
		int rc = m->fast[k].state ? 0 : dn_m_fast_prepare(m, k, &m->fast[k]);
		if (rc)
			return rc;
		if (m->fast[k].state != 1 || m->fast[k].slot != ss || ntests == 16)
			return M_EVAL;
		tests[ntests++] = &m->fast[k];
	}
	count_share *sh = calloc(nthreads, sizeof *sh);
	if (!sh)
		return DN_ENOMEM;
	size_t made = 0;
	int rc = 0;
	for (; made < nthreads; made++) {
		count_share *c = &sh[made];
		c->txn = m->x->txn;
		if (made && (rc = dn_txn_begin_twin(m->x->txn, &c->txn))) {
			rc = rc == DN_EBUSY ? M_EVAL : rc; /* no twin: one thread then */
			break;
		}
		c->ids = r->starts;
		c->n = r->nstarts;
		c->first = made;
		c->stride = nthreads;
		c->block = r->nstarts / (8 * nthreads); /* eight blocks a thread at least, */
		c->block = c->block < 1 ? 1 : c->block > 1024 ? 1024 : c->block; /* of at most 1024 */
		c->rp = rp;
		c->labels = trusted ? NULL : names;
		c->nlabels = nl;
		c->tests = tests;
		c->ntests = ntests;
		if (made && pthread_create(&c->thread, NULL, count_share_run, c)) {
			dn_txn_abort(c->txn);
			rc = M_EVAL;
			break;
		}
	}
	if (!rc)
		count_share_run(&sh[0]);
	for (size_t k = 1; k < made; k++) {
		pthread_join(sh[k].thread, NULL);
		dn_txn_abort(sh[k].txn);
	}
	for (size_t k = 0; !rc && k < nthreads; k++)
		if ((rc = sh[k].rc) && rc != M_EVAL)
			rc = dn_x_fail(m->x, r->c, rc, "%s", sh[k].msg[0] ? sh[k].msg : dn_strerror(rc));
	count_clear(&r->ct);
	for (size_t k = 0; !rc && k < nthreads; k++) {
		m->plan->paths[0].rows[0] += sh[k].starts;
		for (size_t e = 0; !rc && e < sh[k].ct.ncnt; e++) {
			const dn_x_count *c = &sh[k].ct.cnt[e];
			rc = count_add(&r->ct, c, c->n);
		}
	}
	if (!rc) /* the order of first match (the map is rebuilt by the next count) */
		qsort(r->ct.cnt, r->ct.ncnt, sizeof *r->ct.cnt, count_cmp_first);
	for (size_t k = 0; k < nthreads; k++) {
		free(sh[k].ct.cnt);
		free(sh[k].ct.slots);
	}
	free(sh);
	return rc;
}

/* Counts r->starts on this thread, with the matcher's own tests. */
static int count_alone(dn_x_match *r, const dn_ast *np, const dn_ast *rp, bool trusted)
{
	matcher *m = &r->m;
	int32_t ss = np->u.node.var ? np->u.node.var->u.name.slot : -1;
	m_readers cr;
	int rc = dn_m_readers_open(m->x->txn, rp, &cr);
	if (rc)
		return dn_x_engine_fail(m->x, rp, rc);
	count_clear(&r->ct);
	for (size_t k = 0; k < r->nstarts; k++) {
		dn_id id = r->starts[k];
		bool ok = true;
		if (!trusted && (rc = dn_m_node_ok(m, np, id, &ok)))
			break;
		if (!ok)
			continue;
		m->plan->paths[0].rows[0]++;
		if (ss >= 0) {
			m->row[ss] = dn_x_entity(id, DN_NODE);
			m->bound[ss] = true;
		}
		if ((rc = dn_m_filter(m, false, 0, 0, &ok)))
			break;
		if (ok && m->plan->paths[0].bfs) { /* a breadth-first search: each end once a start */
			dn_id *ends;
			size_t ne;
			if ((rc = dn_m_bfs_ends(m, 0, 1, id, true, &ends, &ne)))
				break;
			dn_x_count e = {0, id, 0, 1, k, 0};
			if (r->nstarts == 1 && ne > r->ct.capcnt) { /* one start: its ends are distinct, no map */
				dn_x_count *c = realloc(r->ct.cnt, ne * sizeof *c);
				if (!c)
					rc = DN_ENOMEM;
				else
					r->ct.cnt = c, r->ct.capcnt = ne;
			}
			for (size_t j = 0; !rc && j < ne; j++) {
				e.end = ends[j];
				e.seq = j;
				if (r->nstarts == 1)
					r->ct.cnt[r->ct.ncnt++] = e;
				else
					rc = count_add(&r->ct, &e, 1);
			}
			free(ends);
		} else if (ok && (rc = count_hop(&cr, id, k, &r->ct))) {
			rc = dn_x_engine_fail(m->x, rp, rc);
		}
		if (rc)
			break;
	}
	dn_m_readers_close(&cr);
	if (ss >= 0) {
		m->row[ss] = dn_value_null();
		m->bound[ss] = false;
	}
	return rc;
}

int dn_x_match_count(dn_x_match *r, const dn_value *row, const dn_x_count **ends, size_t *n)
{
	matcher *m = &r->m;
	dn_path_plan *pp = &m->plan->paths[0];
	const dn_ast *np = pp->path->u.path.elems.item[0], *rp = pp->path->u.path.elems.item[1],
	             *fp = pp->path->u.path.elems.item[2];
	*ends = NULL;
	*n = 0;
	int rc = dn_x_match_row(r, row); /* the row, and the start's iterator */
	r->active = false;
	if (rc)
		return rc;
	if (!m->fast && m->plan->nfilters && !(m->fast = calloc(m->plan->nfilters, sizeof *m->fast)))
		return DN_ENOMEM;
	/* the start candidates, then their ends */
	r->nstarts = 0;
	for (size_t got = 0; r->it; r->nstarts += got) {
		if (r->capstarts - r->nstarts < 4096) {
			size_t cap = 2 * r->capstarts + 4096;
			dn_id *st = realloc(r->starts, cap * sizeof *st);
			if (!st)
				return DN_ENOMEM;
			r->starts = st;
			r->capstarts = cap;
		}
		if ((rc = dn_iter_next_many(r->it, r->starts + r->nstarts, 4096, &got)) != DN_ROW)
			break;
	}
	if (r->it && rc != DN_DONE)
		return dn_x_engine_fail(m->x, r->c, rc);
	dn_iter_free(r->it);
	r->it = NULL;
	bool trusted = r->top_prechecked || (pp->all_labeled[0] && !np->u.node.props);
	size_t nthreads = count_threads(r->nstarts);
	rc = nthreads > 1 ? count_parallel(r, nthreads, np, rp, trusted) : M_EVAL;
	if (rc == M_EVAL)
		rc = count_alone(r, np, rp, trusted);
	if (rc)
		return rc;
	/* the ends: their labels and WHERE parts, once each */
	bool ftrusted = pp->all_labeled[2] && !fp->u.node.props;
	size_t keep = 0;
	for (size_t k = 0; k < r->ct.ncnt; k++) {
		bool ok;
		if ((rc = count_end_ok(r, fp, ftrusted, r->ct.cnt[k].end, &ok)))
			return rc;
		if (ok) {
			pp->rows[2] += r->ct.cnt[k].n;
			r->ct.cnt[keep++] = r->ct.cnt[k];
		}
	}
	*ends = r->ct.cnt;
	*n = keep;
	return 0;
}

