/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge.c — the entry point of network analysis: dn_analyze finds the
 * procedure, checks its config against the registry, installs igraph's
 * error and warning handlers for the length of the call (no igraph error
 * aborts; each becomes a dragnet error with igraph's reason, and the
 * IGRAPH_FINALLY stack is freed), runs the procedure and, with `write`,
 * stores its per-node column as properties, all or nothing. Also the
 * config readers and the result table shared by the procedure files.
 */
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "analysis.h"

/* --- igraph errors ------------------------------------------------------ */

static _Thread_local char ig_reason[512];
static _Thread_local char ig_warning[512];

/* igraph (as Debian builds it) is not thread-safe: its handlers, finally
 * stack and default RNG are process-wide. One analysis runs at a time. */
static pthread_mutex_t ig_lock = PTHREAD_MUTEX_INITIALIZER;
static igraph_rng_t saved_rng; /* the caller's default RNG, under ig_lock */

/* Keeps igraph's reason and frees what igraph registered for cleanup, as
 * igraph_error_handler_printignore does, but without printing. */
static void ig_error_handler(const char *reason, const char *file, int line, igraph_error_t err)
{
	(void)file;
	(void)line;
	(void)err;
	snprintf(ig_reason, sizeof ig_reason, "%s", reason ? reason : "");
	IGRAPH_FINALLY_FREE();
}

/* Warnings (e.g. "eigenvector centrality of a disconnected graph") are not
 * errors: they are kept, not printed on the caller's stderr. */
static void ig_warning_handler(const char *reason, const char *file, int line)
{
	(void)file;
	(void)line;
	snprintf(ig_warning, sizeof ig_warning, "%s", reason ? reason : "");
}

int an_ig(an_ctx *c, igraph_error_t rc)
{
	if (rc == IGRAPH_SUCCESS)
		return 0;
	int code = rc == IGRAPH_ENOMEM ? DN_ENOMEM : DN_ERUNTIME;
	return dn_error(c->db, code, "%s: igraph: %s (%s)", c->name, ig_reason[0] ? ig_reason : "failed",
	                igraph_strerror(rc));
}

int dn_analyze_igraph_stack_size(void)
{
	return IGRAPH_FINALLY_STACK_SIZE();
}

/* --- config -------------------------------------------------------------- */

const dn_value *an_cfg(const an_ctx *c, const char *key)
{
	const dn_value *m = c->config;
	if (!m || m->type != DN_MAP)
		return NULL;
	size_t kl = strlen(key);
	for (uint32_t i = 0; i < m->len; i++) {
		const dn_value *k = &m->u.list[2 * i];
		if (k->type == DN_STRING && k->len == kl && !memcmp(k->u.s, key, kl)) {
			const dn_value *v = &m->u.list[2 * i + 1];
			return v->type == DN_NULL ? NULL : v;
		}
	}
	return NULL;
}

int an_cfg_float(an_ctx *c, const char *key, double def, double lo, double hi, bool open, double *out)
{
	const dn_value *v = an_cfg(c, key);
	*out = def;
	if (!v)
		return 0;
	double f = v->type == DN_INT ? (double)v->u.i : v->type == DN_FLOAT ? v->u.f : NAN;
	bool ok = !isnan(f) && (open ? f > lo && f < hi : f >= lo && f <= hi);
	if (!ok)
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a float in %c%g, %g%c", c->name, key,
		                open ? '(' : '[', lo, hi, open ? ')' : ']');
	*out = f;
	return 0;
}

int an_cfg_int(an_ctx *c, const char *key, int64_t def, int64_t lo, int64_t hi, int64_t *out)
{
	const dn_value *v = an_cfg(c, key);
	*out = def;
	if (!v)
		return 0;
	if (v->type != DN_INT || v->u.i < lo || v->u.i > hi)
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be an integer in [%lld, %lld]", c->name, key,
		                (long long)lo, (long long)hi);
	*out = v->u.i;
	return 0;
}

int an_cfg_bool(an_ctx *c, const char *key, bool def, bool *out)
{
	const dn_value *v = an_cfg(c, key);
	*out = def;
	if (!v)
		return 0;
	if (v->type != DN_BOOL)
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be true or false", c->name, key);
	*out = v->u.b;
	return 0;
}

int an_cfg_string(an_ctx *c, const char *key, char *buf, size_t cap, bool *present)
{
	const dn_value *v = an_cfg(c, key);
	*present = false;
	buf[0] = '\0';
	if (!v)
		return 0;
	if (v->type != DN_STRING || v->len == 0 || v->len >= cap || memchr(v->u.s, 0, v->len))
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a non-empty string", c->name, key);
	memcpy(buf, v->u.s, v->len);
	buf[v->len] = '\0';
	*present = true;
	return 0;
}

int an_cfg_choice(an_ctx *c, const char *key, const char *const *choices, int def, int *out)
{
	char buf[64], list[256] = "";
	bool present;
	*out = def;
	int rc = an_cfg_string(c, key, buf, sizeof buf, &present);
	if (rc || !present)
		return rc;
	for (int i = 0; choices[i]; i++) {
		if (!strcasecmp(buf, choices[i])) {
			*out = i;
			return 0;
		}
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, "%s'%s'", i ? ", " : "", choices[i]);
	}
	return dn_error(c->db, DN_EINVAL, "%s: '%s' must be one of %s, not '%s'", c->name, key, list, buf);
}

static bool node_like(const dn_value *v)
{
	return (v->type == DN_NODE || v->type == DN_INT) && v->u.i > 0;
}

int an_cfg_node(an_ctx *c, const char *key, bool required, dn_id *id, igraph_integer_t *vertex)
{
	const dn_value *v = an_cfg(c, key);
	*id = 0;
	if (vertex)
		*vertex = -1;
	if (!v) {
		if (required)
			return dn_error(c->db, DN_EINVAL, "%s: '%s' is required (a node or node id)", c->name, key);
		return 0;
	}
	if (!node_like(v))
		return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a node or a node id", c->name, key);
	*id = (dn_id)v->u.i;
	if (!dn_node_exists(c->txn, *id))
		return dn_error(c->db, DN_ENOTFOUND, "%s: '%s': node %llu not found", c->name, key,
		                (unsigned long long)*id);
	if (vertex && (*vertex = an_vertex(&c->proj, *id)) < 0)
		return dn_error(c->db, DN_EINVAL, "%s: '%s': node %llu is not in the projection", c->name, key,
		                (unsigned long long)*id);
	return 0;
}

int an_cfg_nodes(an_ctx *c, const char *key, dn_id **ids, size_t *n)
{
	const dn_value *v = an_cfg(c, key);
	*ids = NULL;
	*n = 0;
	if (!v)
		return 0;
	const dn_value *items = v->type == DN_LIST ? v->u.list : v;
	size_t cnt = v->type == DN_LIST ? v->len : 1;
	*ids = dn_calloc(cnt ? cnt : 1, sizeof **ids);
	if (!*ids)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		if (!node_like(&items[i])) {
			free(*ids);
			*ids = NULL;
			return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a list of nodes or node ids (item %zu is a %s)",
			                c->name, key, i + 1, dn_type_name(items[i].type));
		}
		(*ids)[i] = (dn_id)items[i].u.i;
	}
	*n = cnt;
	return 0;
}

int an_cfg_mark(an_ctx *c, const char *key, igraph_vector_t *mark)
{
	dn_id *ids;
	size_t n;
	int rc = an_cfg_nodes(c, key, &ids, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		igraph_integer_t v = an_vertex(&c->proj, ids[i]);
		if (v < 0)
			rc = dn_error(c->db, DN_EINVAL, "%s: '%s': node %llu is not in the projection", c->name, key,
			              (unsigned long long)ids[i]);
		else
			VECTOR(*mark)[v] = 1;
	}
	free(ids);
	return rc;
}

int an_value_time(const dn_value *v, int64_t *ms)
{
	switch (v->type) {
	case DN_DATETIME: *ms = v->u.datetime; return 0;
	case DN_DATE: *ms = (int64_t)v->u.date * 86400000LL; return 0;
	case DN_INT: *ms = v->u.i; return 0;
	default: return DN_EINVAL;
	}
}

/* Whether v fits a registry type name. */
static bool type_fits(const char *type, const dn_value *v)
{
	if (v->type == DN_NULL)
		return true;
	if (!strcmp(type, "float"))
		return v->type == DN_FLOAT || v->type == DN_INT;
	if (!strcmp(type, "int"))
		return v->type == DN_INT;
	if (!strcmp(type, "bool"))
		return v->type == DN_BOOL;
	if (!strcmp(type, "string"))
		return v->type == DN_STRING;
	if (!strcmp(type, "node"))
		return v->type == DN_NODE || v->type == DN_INT;
	if (!strcmp(type, "time"))
		return v->type == DN_DATE || v->type == DN_DATETIME || v->type == DN_INT;
	if (!strcmp(type, "list<node>") || !strcmp(type, "list<string>")) {
		bool str = type[5] == 's';
		const dn_value *it = v->type == DN_LIST ? v->u.list : v;
		size_t n = v->type == DN_LIST ? v->len : 1;
		for (size_t i = 0; i < n; i++)
			if (str ? it[i].type != DN_STRING : !(it[i].type == DN_NODE || it[i].type == DN_INT))
				return false;
		return true;
	}
	if (!strcmp(type, "list"))
		return v->type == DN_LIST;
	return true;
}

/* Every key of the config must be one the procedure takes, of its type. */
static int check_config(an_ctx *c)
{
	const dn_value *m = c->config;
	const dn_proc_info *in = &c->proc->info;
	if (!m || m->type == DN_NULL)
		return 0;
	if (m->type != DN_MAP)
		return dn_error(c->db, DN_EINVAL, "%s: the config must be a map, not a %s", c->name, dn_type_name(m->type));
	for (uint32_t i = 0; i < m->len; i++) {
		const dn_value *k = &m->u.list[2 * i], *v = &m->u.list[2 * i + 1];
		size_t j;
		for (j = 0; j < in->nkeys; j++)
			if (k->type == DN_STRING && strlen(in->keys[j].name) == k->len &&
			    !memcmp(in->keys[j].name, k->u.s, k->len))
				break;
		if (j == in->nkeys) {
			char keys[400] = "";
			for (size_t q = 0; q < in->nkeys; q++) {
				size_t l = strlen(keys);
				snprintf(keys + l, sizeof keys - l, "%s%s", q ? ", " : "", in->keys[q].name);
			}
			return dn_error(c->db, DN_EINVAL, "unknown config key '%.*s' for %s (it takes: %s)",
			                k->type == DN_STRING ? (int)k->len : 1, k->type == DN_STRING ? k->u.s : "?",
			                c->name, keys);
		}
		if (!type_fits(in->keys[j].type, v))
			return dn_error(c->db, DN_EINVAL, "%s: '%s' must be a %s, not a %s", c->name, in->keys[j].name,
			                in->keys[j].type, dn_type_name(v->type));
	}
	return 0;
}

/* --- results ------------------------------------------------------------- */

static dn_result *res_new(void)
{
	return dn_calloc(1, sizeof(dn_result));
}

int an_res_columns(an_ctx *c, size_t n, const char *const *names)
{
	dn_result *r = c->res;
	r->cols = dn_calloc(n, sizeof *r->cols);
	if (!r->cols)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	r->ncols = n;
	for (size_t i = 0; i < n; i++)
		if (!(r->cols[i] = dn_strdup(names[i])))
			return dn_error(c->db, DN_ENOMEM, "out of memory");
	return 0;
}

dn_value *an_res_row(an_ctx *c)
{
	dn_result *r = c->res;
	if (r->nrows == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		dn_value *p = dn_realloc(r->cells, cap * r->ncols * sizeof *p);
		if (!p) {
			dn_error(c->db, DN_ENOMEM, "out of memory");
			return NULL;
		}
		r->cells = p;
		r->cap = cap;
	}
	dn_value *row = r->cells + r->nrows * r->ncols;
	memset(row, 0, r->ncols * sizeof *row);
	r->nrows++;
	return row;
}

int an_node_list(an_ctx *c, const igraph_integer_t *vs, size_t n, dn_value *out)
{
	dn_value *items = dn_calloc(n ? n : 1, sizeof *items);
	if (!items)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		items[i] = an_node(c->proj.nodes[vs[i]]);
	*out = (dn_value){.type = DN_LIST, .owned = 1, .len = (uint32_t)n};
	out->u.list = items;
	return 0;
}

int an_path_value(an_ctx *c, const igraph_integer_t *vs, size_t nv, const igraph_integer_t *es, dn_value *out)
{
	size_t len = nv ? 2 * nv - 1 : 0;
	dn_value *items = dn_calloc(len ? len : 1, sizeof *items);
	if (!items)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	for (size_t i = 0; i < nv; i++) {
		items[2 * i] = an_node(c->proj.nodes[vs[i]]);
		if (i + 1 < nv)
			items[2 * i + 1] = an_rel(c->proj.edges[es[i]]);
	}
	*out = (dn_value){.type = DN_PATH, .owned = 1, .len = (uint32_t)len};
	out->u.list = items;
	return 0;
}

/* Rows (node, value) for every vertex, from floats f or integers iv. */
static int node_rows(an_ctx *c, const char *col, const igraph_real_t *f, const igraph_integer_t *iv)
{
	const char *cols[] = {"node", col};
	int rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t i = 0; !rc && i < c->proj.n; i++) {
		dn_value *row = an_res_row(c);
		if (!row)
			return DN_ENOMEM;
		row[0] = an_node(c->proj.nodes[i]);
		row[1] = f ? dn_value_float(f[i]) : dn_value_int(iv[i]);
	}
	return rc;
}

int an_res_node_floats(an_ctx *c, const char *col, const igraph_vector_t *v)
{
	return node_rows(c, col, VECTOR(*v), NULL);
}

int an_res_node_ints(an_ctx *c, const char *col, const igraph_vector_int_t *v)
{
	return node_rows(c, col, NULL, VECTOR(*v));
}

int an_floats_done(an_ctx *c, const char *col, igraph_vector_t *v, igraph_error_t igrc)
{
	int rc = an_ig(c, igrc);
	if (!rc)
		rc = an_res_node_floats(c, col, v);
	igraph_vector_destroy(v);
	return rc;
}

int an_membership_done(an_ctx *c, const char *col, igraph_vector_int_t *v, igraph_error_t igrc)
{
	int rc = an_ig(c, igrc);
	if (!rc)
		rc = an_res_membership(c, col, v);
	igraph_vector_int_destroy(v);
	return rc;
}

int an_res_membership(an_ctx *c, const char *col, const igraph_vector_int_t *membership)
{
	igraph_integer_t n = c->proj.n, groups = 0;
	for (igraph_integer_t i = 0; i < n; i++)
		if (VECTOR(*membership)[i] + 1 > groups)
			groups = VECTOR(*membership)[i] + 1;
	dn_id *first = dn_calloc((size_t)groups + 1, sizeof *first);
	if (!first)
		return dn_error(c->db, DN_ENOMEM, "out of memory");
	/* vertices are in ascending id order: the first seen is the smallest */
	for (igraph_integer_t i = 0; i < n; i++) {
		igraph_integer_t g = VECTOR(*membership)[i];
		if (g >= 0 && !first[g])
			first[g] = c->proj.nodes[i];
	}
	const char *cols[] = {"node", col};
	int rc = an_res_columns(c, 2, cols);
	for (igraph_integer_t i = 0; !rc && i < n; i++) {
		dn_value *row = an_res_row(c);
		if (!row) {
			rc = DN_ENOMEM;
			break;
		}
		igraph_integer_t g = VECTOR(*membership)[i];
		row[0] = an_node(c->proj.nodes[i]);
		row[1] = g >= 0 ? dn_value_int((int64_t)first[g]) : dn_value_null();
	}
	free(first);
	return rc;
}

size_t dn_result_column_count(const dn_result *r)
{
	return r ? r->ncols : 0;
}

const char *dn_result_column_name(const dn_result *r, size_t col)
{
	return r && col < r->ncols ? r->cols[col] : NULL;
}

long dn_result_column_index(const dn_result *r, const char *name)
{
	for (size_t i = 0; r && name && i < r->ncols; i++)
		if (!strcmp(r->cols[i], name))
			return (long)i;
	return -1;
}

size_t dn_result_row_count(const dn_result *r)
{
	return r ? r->nrows : 0;
}

const dn_value *dn_result_cell(const dn_result *r, size_t row, size_t col)
{
	if (!r || row >= r->nrows || col >= r->ncols)
		return NULL;
	return &r->cells[row * r->ncols + col];
}

void dn_result_free(dn_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		dn_value_free(&r->cells[i]);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	free(r->cells);
	free(r);
}

/* --- write-back ---------------------------------------------------------- */

/* Stores the procedure's write column as property `prop` of the node of
 * each row; on failure the writes made so far are undone. */
static int write_back(an_ctx *c, const char *prop)
{
	dn_result *r = c->res;
	const char *wcol = c->proc->info.write_column;
	long nc = dn_result_column_index(r, "node"), vc = wcol ? dn_result_column_index(r, wcol) : -1;
	if (nc < 0 || vc < 0)
		return dn_error(c->db, DN_EINVAL, "%s: this procedure has no per-node result to write", c->name);
	size_t mark = dn_journal_mark(c->txn);
	int rc = 0;
	for (size_t i = 0; !rc && i < r->nrows; i++) {
		const dn_value *n = dn_result_cell(r, i, (size_t)nc), *v = dn_result_cell(r, i, (size_t)vc);
		if (n->type != DN_NODE || v->type == DN_NULL)
			continue;
		dn_value sv = *v;
		if (sv.type == DN_NODE || sv.type == DN_REL)
			sv = dn_value_int(sv.u.i);
		rc = dn_node_set_prop(c->txn, (dn_id)n->u.i, prop, &sv);
	}
	if (rc) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s: write '%s': %s (nothing written)", c->name, prop, dn_errmsg(c->db));
		int urc = dn_txn_finish_write(c->txn, rc, mark);
		return dn_error(c->db, urc ? urc : rc, "%s", msg);
	}
	return 0;
}

/* --- dn_analyze ----------------------------------------------------------- */

int dn_analyze(dn_txn *txn, const char *proc, const dn_value *config, dn_result **out)
{
	*out = NULL;
	if (!txn || !proc)
		return DN_EINVAL;
	int rc = dn_txn_check_usable(txn);
	if (rc)
		return rc;
	an_ctx c = {.txn = txn, .db = txn->db, .config = config};
	c.proc = an_proc_find(proc);
	if (!c.proc)
		return dn_error(c.db, DN_ENOTFOUND, "unknown procedure '%s' (`dragnet analyze --help` lists them)", proc);
	c.name = c.proc->info.name;
	if ((rc = check_config(&c)))
		return rc;
	char prop[256];
	bool write;
	if ((rc = an_cfg_string(&c, "write", prop, sizeof prop, &write)))
		return rc;
	if (write && txn->rdonly)
		return dn_error(c.db, DN_EREADONLY, "%s: 'write' needs a write transaction", c.name);
	if (!(c.res = res_new()))
		return dn_error(c.db, DN_ENOMEM, "out of memory");

	pthread_mutex_lock(&ig_lock);
	igraph_error_handler_t *old_err = igraph_set_error_handler(ig_error_handler);
	igraph_warning_handler_t *old_warn = igraph_set_warning_handler(ig_warning_handler);
	ig_reason[0] = ig_warning[0] = '\0';
	/* a private random generator, seeded by the procedure (seed_rng), so
	 * that results repeat and the caller's igraph RNG stream is untouched */
	igraph_rng_t rng;
	rc = an_ig(&c, igraph_rng_init(&rng, &igraph_rngtype_pcg32));
	if (!rc) {
		/* igraph 0.10 copies the struct in igraph_rng_set_default: keep a
		 * copy of the caller's (static, so that a version that keeps the
		 * pointer instead still points at live storage) */
		saved_rng = *igraph_rng_default();
		igraph_rng_set_default(&rng);
		if (!(rc = an_ig(&c, igraph_rng_seed(igraph_rng_default(), 1))))
			rc = c.proc->run(&c);
		igraph_rng_set_default(&saved_rng);
		igraph_rng_destroy(&rng);
	}
	an_proj_free(&c.proj);
	igraph_set_error_handler(old_err);
	igraph_set_warning_handler(old_warn);
	pthread_mutex_unlock(&ig_lock);

	if (!rc && write)
		rc = write_back(&c, prop);
	if (rc) {
		dn_result_free(c.res);
		return rc;
	}
	*out = c.res;
	return 0;
}
