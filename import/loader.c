/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loader.c — the writing half of every importer (loader.h): one write
 * transaction (or one per batch), ID spaces that map external ids to node
 * ids, idempotent node and relationship writes, the rejects file, progress
 * and the summary.
 *
 * ID spaces. A stored space keeps each node's external id in a property and
 * finds it again through a unique index "import_id_<space>" on (space label,
 * key); a bounded in-memory cache in front of the index saves most seeks
 * during a load. A space whose ids are not stored (bare :ID) keeps its map in
 * memory for the duration of the import only.
 */
#include "loader.h"

#include "adjcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Entries of a stored space's cache before it is emptied (flat memory). */
#define LD_CACHE_MAX (1u << 20)
#define LD_PROGRESS_EVERY 65536
/* Edges the adjacency cache holds before it starts over (16 B each). */
#define LD_ADJC_BUDGET (4u << 20)

/* An open-addressing map from id text to node id. Keys of up to
 * LD_INLINE bytes (the numeric ids of most exports) live in the slot, so a
 * look-up touches one cache line; longer ones live in `keys`. */
#define LD_INLINE 16
typedef struct ld_map {
	struct ld_slot {
		uint64_t hash;
		dn_id node; /* 0 = empty slot */
		uint32_t len;
		union {
			size_t off;
			char in[LD_INLINE];
		} k;
	} *slots;
	size_t cap, count;
	char *keys;
	size_t klen, kcap;
} ld_map;

typedef struct ld_space {
	char *name;
	char *key;    /* property the ids are stored in, NULL = not stored */
	bool stored;
	/* A stored space that this import created empty, whose every node is
	 * in the map: a miss there needs no index seek. */
	bool complete;
	ld_map map;   /* the whole space (not stored) or a cache (stored) */
} ld_space;

struct dn_loader {
	dn_db *db;
	dn_txn *txn;
	unsigned txn_flags;
	dn_import_opts opts;
	dn_import_summary *sum;
	dn_import_summary own_sum;
	ld_space *spaces;
	size_t nspaces;
	dn_id first_new;   /* nodes with ids >= this were created by this import */
	uint64_t batch_rows;
	uint64_t done_bytes, total_bytes;
	FILE *rejects;
	char rejects_path[4096];
	dn_adjcache *adjc; /* start nodes' sorted out-edges (second loads) */
	/* a row's labels and properties with the space's label and key added */
	const char **labs;
	size_t labs_cap;
	dn_prop *props;
	size_t props_cap;
};

/* ------------------------------------------------------------------ */
/* The id map                                                          */
/* ------------------------------------------------------------------ */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, then a finaliser */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static void map_clear(ld_map *m)
{
	free(m->slots);
	free(m->keys);
	memset(m, 0, sizeof *m);
}

static struct ld_slot *map_find(ld_map *m, uint64_t h, const char *s, size_t n)
{
	size_t i;
	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct ld_slot *sl = &m->slots[i];
		if (!sl->node)
			return sl;
		if (sl->hash == h && sl->len == n &&
		    memcmp(n <= LD_INLINE ? sl->k.in : m->keys + sl->k.off, s, n) == 0)
			return sl;
	}
}

static int map_grow(ld_map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 1024, bytes = ncap * sizeof(struct ld_slot);
	/* written before it is read: a calloc'd table's pages would first map
	 * the shared zero page, then fault again (and flush TLBs) at the first
	 * write; a large one asks for huge pages */
	struct ld_slot *ns = malloc(bytes);
	if (!ns)
		return DN_ENOMEM;
	if (bytes >= ((size_t)4 << 20))
		dn_advise_huge(ns, bytes);
	memset(ns, 0, bytes);
	for (size_t i = 0; i < m->cap; i++) {
		struct ld_slot *o = &m->slots[i];
		size_t j;
		if (!o->node)
			continue;
		for (j = o->hash & (ncap - 1); ns[j].node; j = (j + 1) & (ncap - 1))
			;
		ns[j] = *o;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

static dn_id map_get(ld_map *m, const char *s, size_t n)
{
	struct ld_slot *sl = map_find(m, hash_bytes(s, n), s, n);
	return sl ? sl->node : 0;
}

static int map_put(ld_map *m, const char *s, size_t n, dn_id node)
{
	uint64_t h = hash_bytes(s, n);
	struct ld_slot *sl;
	if (n > UINT32_MAX)
		return 0; /* not worth remembering */
	if ((m->count + 1) * 2 > m->cap && map_grow(m)) /* load <= 1/2: short probes */
		return DN_ENOMEM;
	sl = map_find(m, h, s, n);
	if (sl->node) {
		sl->node = node;
		return 0;
	}
	*sl = (struct ld_slot){.hash = h, .node = node, .len = (uint32_t)n};
	if (n <= LD_INLINE) {
		memcpy(sl->k.in, s, n);
		m->count++;
		return 0;
	}
	if (m->klen + n > m->kcap) {
		size_t nc = m->kcap ? m->kcap * 2 : 65536;
		char *nk;
		while (nc < m->klen + n)
			nc *= 2;
		if (!(nk = realloc(m->keys, nc))) {
			sl->node = 0;
			return DN_ENOMEM;
		}
		m->keys = nk;
		m->kcap = nc;
	}
	memcpy(m->keys + m->klen, s, n);
	sl->k.off = m->klen;
	m->klen += n;
	m->count++;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Begin / end / batches                                               */
/* ------------------------------------------------------------------ */

dn_import_opts dn_import_opts_default(void)
{
	dn_import_opts o;
	memset(&o, 0, sizeof o);
	o.delimiter = ',';
	o.array_delimiter = ';';
	o.quote = '"';
	o.meta = dn_meta_none();
	return o;
}

static int txn_begin(dn_loader *ld)
{
	dn_txn_opts to = {.principal = ld->opts.principal};
	return dn_txn_begin(ld->db, ld->txn_flags, &to, &ld->txn);
}

int dn_loader_begin(dn_db *db, const dn_import_opts *opts,
                    dn_import_summary *summary, uint64_t total_bytes,
                    dn_loader **out)
{
	return dn_loader_begin_ex(db, opts, summary, total_bytes, 0, out);
}

int dn_loader_begin_ex(dn_db *db, const dn_import_opts *opts, dn_import_summary *summary, uint64_t total_bytes,
                       unsigned txn_flags, dn_loader **out)
{
	dn_loader *ld = calloc(1, sizeof *ld);
	int rc;
	*out = NULL;
	if (!ld)
		return dn_error(db, DN_ENOMEM, "import: out of memory");
	ld->db = db;
	ld->txn_flags = txn_flags;
	ld->opts = opts ? *opts : dn_import_opts_default();
	if (!ld->opts.delimiter)
		ld->opts.delimiter = ',';
	if (!ld->opts.array_delimiter)
		ld->opts.array_delimiter = ';';
	if (!ld->opts.quote)
		ld->opts.quote = '"';
	ld->sum = summary ? summary : &ld->own_sum;
	memset(ld->sum, 0, sizeof *ld->sum);
	ld->first_new = UINT64_MAX;
	ld->total_bytes = total_bytes;
	if (ld->opts.on_error != DN_IMPORT_ABORT && ld->opts.on_error != DN_IMPORT_SKIP) {
		free(ld);
		return dn_error(db, DN_EINVAL, "import: on_error must be abort or skip");
	}
	if (ld->opts.rejects_path)
		snprintf(ld->rejects_path, sizeof ld->rejects_path, "%s", ld->opts.rejects_path);
	else
		snprintf(ld->rejects_path, sizeof ld->rejects_path, "%s.rejects.csv",
		         dn_db_path(db));
	if ((rc = txn_begin(ld))) {
		free(ld);
		return rc;
	}
	*out = ld;
	return 0;
}

int dn_loader_end(dn_loader *ld, bool ok)
{
	int rc = 0;
	if (!ld)
		return 0;
	if (ld->txn) {
		if (ok) {
			rc = dn_txn_commit(ld->txn);
			if (!rc)
				ld->sum->batches++;
		} else {
			dn_txn_abort(ld->txn);
		}
	}
	if (ld->rejects && fclose(ld->rejects) && !rc && ok)
		rc = dn_error(ld->db, DN_EIO, "%s: %s", ld->rejects_path, strerror(errno));
	for (size_t i = 0; i < ld->nspaces; i++) {
		free(ld->spaces[i].name);
		free(ld->spaces[i].key);
		map_clear(&ld->spaces[i].map);
	}
	free(ld->spaces);
	dn_adjcache_free(ld->adjc);
	free(ld->labs);
	free(ld->props);
	free(ld);
	return rc;
}

dn_db *dn_loader_db(const dn_loader *ld)
{
	return ld->db;
}

dn_txn *dn_loader_txn(const dn_loader *ld)
{
	return ld->txn;
}

const dn_import_opts *dn_loader_opts(const dn_loader *ld)
{
	return &ld->opts;
}

static void report_progress(dn_loader *ld, const char *file, uint64_t bytes)
{
	dn_import_progress p = {ld->sum->rows, ld->done_bytes + bytes,
	                        ld->total_bytes, file};
	if (ld->opts.progress)
		ld->opts.progress(ld->opts.progress_ctx, &p);
}

int dn_loader_row_done(dn_loader *ld, const char *file, uint64_t bytes)
{
	int rc;
	ld->sum->rows++;
	if (ld->opts.progress && ld->sum->rows % LD_PROGRESS_EVERY == 0)
		report_progress(ld, file, bytes);
	if (!ld->opts.batch || ++ld->batch_rows < ld->opts.batch)
		return 0;
	ld->batch_rows = 0;
	rc = dn_txn_commit(ld->txn);
	ld->txn = NULL;
	if (rc)
		return rc;
	ld->sum->batches++;
	return txn_begin(ld);
}

void dn_loader_input_done(dn_loader *ld, const char *file, uint64_t bytes)
{
	ld->done_bytes += bytes;
	report_progress(ld, file, 0);
}

uint64_t dn_loader_file_size(const char *path)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	return (uint64_t)st.st_size;
}

/* ------------------------------------------------------------------ */
/* ID spaces                                                           */
/* ------------------------------------------------------------------ */

static void index_name(char *buf, size_t cap, const char *space)
{
	snprintf(buf, cap, "import_id_%s", space);
}

/* The key of a stored space from an earlier import (or, with any_unique,
 * of the one unique index on its label), or NULL. Owned. */
static int stored_key(dn_loader *ld, const char *space, bool any_unique, char **key)
{
	dn_index_info *list = NULL;
	size_t n = 0;
	char name[512];
	int rc;
	*key = NULL;
	index_name(name, sizeof name, space);
	if ((rc = dn_index_list(ld->txn, &list, &n)))
		return rc;
	/* The import's own index, else the one unique index on the label (a
	 * constraint the user created before loading). */
	size_t found = n, uniques = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(list[i].label, space) != 0)
			continue;
		if (strcmp(list[i].name, name) == 0) {
			found = i;
			uniques = 1;
			break;
		}
		if (any_unique && (list[i].flags & DN_INDEX_UNIQUE)) {
			found = i;
			uniques++;
		}
	}
	if (found < n && uniques == 1 && !(*key = strdup(list[found].key)))
		rc = dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	dn_index_list_free(list, n);
	return rc;
}

static int add_space(dn_loader *ld, const char *name, const char *key, bool stored)
{
	ld_space *ns = realloc(ld->spaces, (ld->nspaces + 1) * sizeof *ns);
	if (!ns)
		return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	ld->spaces = ns;
	ns = &ld->spaces[ld->nspaces];
	memset(ns, 0, sizeof *ns);
	ns->name = strdup(name);
	ns->key = key ? strdup(key) : NULL;
	ns->stored = stored;
	if (!ns->name || (key && !ns->key)) {
		free(ns->name);
		free(ns->key);
		return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	}
	ld->nspaces++;
	return 0;
}

static int space_index(const dn_loader *ld, const char *name)
{
	for (size_t i = 0; i < ld->nspaces; i++)
		if (strcmp(ld->spaces[i].name, name) == 0)
			return (int)i;
	return -1;
}

int dn_loader_space(dn_loader *ld, const char *name, const char *key, int *space)
{
	int i = space_index(ld, name);
	char *old = NULL;
	bool empty = false;
	int rc;
	if (i >= 0) {
		const ld_space *s = &ld->spaces[i];
		if ((s->key == NULL) != (key == NULL) || (key && strcmp(s->key, key)))
			return dn_error(ld->db, DN_ECONSTRAINT,
			                "ID space '%s' is keyed by %s%s%s here and by %s%s%s "
			                "in an earlier input", name, key ? "'" : "",
			                key ? key : "nothing stored", key ? "'" : "",
			                s->key ? "'" : "", s->key ? s->key : "nothing stored",
			                s->key ? "'" : "");
		*space = i;
		return 0;
	}
	if (key && *name) {
		char iname[512];
		if ((rc = stored_key(ld, name, false, &old)))
			return rc;
		if (old && strcmp(old, key)) {
			rc = dn_error(ld->db, DN_ECONSTRAINT,
			              "ID space '%s' was stored by an earlier import with the "
			              "key '%s', not '%s'", name, old, key);
			free(old);
			return rc;
		}
		if (!old) {
			uint64_t had = 1;
			index_name(iname, sizeof iname, name);
			rc = dn_index_create(ld->txn, iname, name, key, DN_INDEX_UNIQUE);
			if (rc && rc != DN_EEXISTS)
				return rc;
			if (!rc && (rc = dn_count_label(ld->txn, name, &had)))
				return rc;
			empty = had == 0;
		}
		free(old);
	}
	if ((rc = add_space(ld, name, key, key && *name)))
		return rc;
	*space = (int)ld->nspaces - 1;
	ld->spaces[*space].complete = empty;
	return 0;
}

int dn_loader_space_find(dn_loader *ld, const char *name, int *space)
{
	char *key = NULL;
	int rc, i;
	if (!name || !*name) {
		if (ld->nspaces == 1) {
			*space = 0;
			return 0;
		}
		return dn_error(ld->db, DN_ENOTFOUND,
		                ld->nspaces ? "several ID spaces are in use: name one, as "
		                              ":START_ID(Space)"
		                            : "no ID space is known: import nodes with an "
		                              ":ID column first");
	}
	if ((i = space_index(ld, name)) >= 0) {
		*space = i;
		return 0;
	}
	if ((rc = stored_key(ld, name, true, &key)))
		return rc;
	if (!key)
		return dn_error(ld->db, DN_ENOTFOUND,
		                "unknown ID space '%s': no node input of this import and "
		                "no earlier import defines it", name);
	rc = add_space(ld, name, key, true);
	free(key);
	if (!rc)
		*space = (int)ld->nspaces - 1;
	return rc;
}

const char *dn_loader_space_name(const dn_loader *ld, int space)
{
	return ld->spaces[space].name;
}

bool dn_loader_space_in_memory(const dn_loader *ld, int space)
{
	const ld_space *s = &ld->spaces[space];
	return !s->stored || s->complete;
}

int dn_loader_lookup_memory(const dn_loader *ld, int space, const char *id, size_t idlen, dn_id *out)
{
	/* map_get reads the map and writes nothing */
	dn_id n = map_get((ld_map *)&ld->spaces[space].map, id, idlen);
	*out = n;
	return n ? 0 : DN_ENOTFOUND;
}

int dn_loader_lookup(dn_loader *ld, int space, const char *id, size_t idlen,
                     dn_id *out)
{
	ld_space *s = &ld->spaces[space];
	dn_value v;
	dn_iter *it = NULL;
	dn_id n;
	int rc = dn_loader_lookup_memory(ld, space, id, idlen, out);
	if (rc != DN_ENOTFOUND || dn_loader_space_in_memory(ld, space))
		return rc;
	v = dn_value_stringn_ref(id, idlen);
	if ((rc = dn_index_seek(ld->txn, s->name, s->key, &v, &v, 0, &it)))
		return rc;
	rc = dn_iter_next(it, &n);
	dn_iter_free(it);
	if (rc == DN_DONE)
		return DN_ENOTFOUND;
	if (rc != DN_ROW)
		return rc;
	*out = n;
	return dn_loader_remember(ld, space, id, idlen, n);
}

/* ------------------------------------------------------------------ */
/* Nodes and relationships                                             */
/* ------------------------------------------------------------------ */

static bool meta_given(const dn_meta *m)
{
	return m->source || m->record || m->reliability || m->credibility ||
	       m->valid_from != DN_TIME_UNSET || m->valid_to != DN_TIME_UNSET ||
	       (m->marking && *m->marking);
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !*a)
		return !b || !*b;
	return b && strcmp(a, b) == 0;
}

dn_meta dn_loader_meta_merge(const dn_meta *base, const dn_meta *row)
{
	dn_meta m = *base;
	if (!row)
		return m;
	if (row->source)
		m.source = row->source;
	if (row->record)
		m.record = row->record;
	if (row->reliability)
		m.reliability = row->reliability;
	if (row->credibility)
		m.credibility = row->credibility;
	if (row->valid_from != DN_TIME_UNSET)
		m.valid_from = row->valid_from;
	if (row->valid_to != DN_TIME_UNSET)
		m.valid_to = row->valid_to;
	if (row->marking && *row->marking)
		m.marking = row->marking;
	return m;
}

/* Whether applying `m` over `cur` changes nothing. */
static bool meta_same(const dn_meta *cur, const dn_meta *m)
{
	dn_meta merged = dn_loader_meta_merge(cur, m);
	return str_eq(merged.source, cur->source) && str_eq(merged.record, cur->record) &&
	       merged.reliability == cur->reliability &&
	       merged.credibility == cur->credibility &&
	       merged.valid_from == cur->valid_from && merged.valid_to == cur->valid_to &&
	       str_eq(merged.marking, cur->marking);
}

/* Brings an existing node up to the row: labels, properties, metadata. */
static int update_node(dn_loader *ld, dn_id id, const char *const *labels,
                       size_t nlabels, const dn_prop *props, size_t nprops,
                       const dn_meta *meta)
{
	dn_node *n = NULL;
	bool changed = false;
	int rc = dn_node_get(ld->txn, id, &n);
	if (rc)
		return rc;
	for (size_t i = 0; i < nlabels && !rc; i++)
		if (!dn_node_has_label(n, labels[i])) {
			rc = dn_node_add_label(ld->txn, id, labels[i]);
			changed = true;
		}
	for (size_t i = 0; i < nprops && !rc; i++) {
		const dn_value *cur;
		if (props[i].value.type == DN_NULL)
			continue;
		cur = dn_node_prop(n, props[i].key);
		if (cur && cur->type == props[i].value.type &&
		    dn_value_equal(cur, &props[i].value))
			continue;
		rc = dn_node_set_prop(ld->txn, id, props[i].key, &props[i].value);
		changed = true;
	}
	if (!rc && meta && !meta_same(&n->meta, meta)) {
		dn_meta m = dn_loader_meta_merge(&n->meta, meta);
		rc = dn_node_set_meta(ld->txn, id, &m);
		changed = true;
	}
	dn_node_free(n);
	if (!rc) {
		if (changed)
			ld->sum->nodes_updated++;
		else
			ld->sum->nodes_present++;
	}
	return rc;
}

int dn_loader_node(dn_loader *ld, int space, const char *id, size_t idlen,
                   const char *const *labels, size_t nlabels,
                   const dn_prop *props, size_t nprops, const dn_meta *meta,
                   dn_id *out)
{
	ld_space *s = space >= 0 ? &ld->spaces[space] : NULL;
	const char **labs = (const char **)labels;
	dn_prop *ps = (dn_prop *)props;
	dn_meta m = dn_loader_meta_merge(&ld->opts.meta, meta);
	size_t nl = nlabels, np = nprops;
	dn_id n = 0;
	int rc;

	if (s && id) {
		rc = dn_loader_lookup(ld, space, id, idlen, &n);
		if (rc && rc != DN_ENOTFOUND)
			return rc;
	}
	/* The space's label and key property join the row's own. */
	if (s && s->stored && id) {
		bool have = false;
		for (size_t i = 0; i < nlabels; i++)
			have |= strcmp(labels[i], s->name) == 0;
		if (!have) {
			if (nlabels + 1 > ld->labs_cap) {
				const char **nb = realloc(ld->labs, (nlabels + 8) * sizeof *nb);
				if (!nb)
					return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
				ld->labs = nb;
				ld->labs_cap = nlabels + 8;
			}
			memcpy(ld->labs, labels, nlabels * sizeof *labels);
			ld->labs[nl++] = s->name;
			labs = ld->labs;
		}
	}
	if (s && s->key && id) {
		if (nprops + 1 > ld->props_cap) {
			dn_prop *nb = realloc(ld->props, (nprops + 8) * sizeof *nb);
			if (!nb)
				return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
			ld->props = nb;
			ld->props_cap = nprops + 8;
		}
		memcpy(ld->props, props, nprops * sizeof *props);
		ld->props[np++] = (dn_prop){s->key, dn_value_stringn_ref(id, idlen)};
		ps = ld->props;
	}
	if (n) {
		*out = n;
		return update_node(ld, n, labs, nl, ps, np, meta_given(&m) ? &m : NULL);
	}
	if ((rc = dn_node_create(ld->txn, labs, nl, ps, np, &m, &n)))
		return rc;
	if (ld->first_new == UINT64_MAX)
		ld->first_new = n;
	ld->sum->nodes_created++;
	if (!s || !id || !s->stored)
		ld->sum->unkeyed_nodes++;
	if (s && id && (rc = dn_loader_remember(ld, space, id, idlen, n)))
		return rc;
	*out = n;
	return 0;
}

int dn_loader_remember(dn_loader *ld, int space, const char *id, size_t idlen,
                       dn_id node)
{
	ld_space *s = &ld->spaces[space];
	if ((s->stored && s->map.count >= LD_CACHE_MAX) || idlen > UINT32_MAX) {
		map_clear(&s->map);
		s->complete = false;
	}
	if (map_put(&s->map, id, idlen, node))
		return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	return 0;
}

static bool props_equal(const dn_edge *e, const dn_prop *props, size_t nprops)
{
	size_t given = 0;
	for (size_t i = 0; i < nprops; i++) {
		const dn_value *cur;
		if (props[i].value.type == DN_NULL)
			continue;
		given++;
		cur = dn_edge_prop(e, props[i].key);
		if (!cur || cur->type != props[i].value.type ||
		    !dn_value_equal(cur, &props[i].value))
			return false;
	}
	return given == e->nprops;
}

/* Whether edge eid carries exactly these properties. */
static int edge_matches(dn_loader *ld, dn_id eid, const dn_prop *props,
                        size_t nprops, bool *found)
{
	dn_edge *e = NULL;
	int rc = dn_edge_get(ld->txn, eid, &e);
	if (rc)
		return rc;
	*found = props_equal(e, props, nprops);
	dn_edge_free(e);
	return 0;
}

/* Looks for an edge src -[type]-> dst with exactly these properties
 * among src's out-edges, through the adjacency cache. */
static int edge_exists(dn_loader *ld, dn_id src, dn_id dst, const char *type,
                       const dn_prop *props, size_t nprops, bool *found)
{
	const dn_id *edges;
	size_t n;
	int rc;
	*found = false;
	if (!ld->adjc && !(ld->adjc = dn_adjcache_new(LD_ADJC_BUDGET)))
		return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	rc = dn_adjcache_find(ld->adjc, ld->txn, src, type, dst, &edges, &n);
	if (rc == DN_ENOMEM)
		return dn_error(ld->db, rc, "import: out of memory");
	for (size_t i = 0; !rc && i < n && !*found; i++)
		rc = edge_matches(ld, edges[i], props, nprops, found);
	return rc;
}

int dn_loader_edge(dn_loader *ld, dn_id src, dn_id dst, const char *type,
                   const dn_prop *props, size_t nprops, const dn_meta *meta)
{
	dn_meta m = dn_loader_meta_merge(&ld->opts.meta, meta);
	dn_id e;
	int rc;
	if (src < ld->first_new && dst < ld->first_new) {
		bool found;
		if ((rc = edge_exists(ld, src, dst, type, props, nprops, &found)))
			return rc;
		if (found) {
			ld->sum->rels_present++;
			return 0;
		}
	}
	if ((rc = dn_edge_create(ld->txn, src, dst, type, props, nprops, &m, &e)))
		return rc;
	ld->sum->rels_created++;
	if (ld->adjc && dn_adjcache_add(ld->adjc, src, type, dst, e))
		return dn_error(ld->db, DN_ENOMEM, "import: out of memory");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rejects and metadata helpers                                        */
/* ------------------------------------------------------------------ */

static void csv_cell(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

int dn_loader_reject(dn_loader *ld, int code, const char *file, uint64_t line,
                     const char *msg, const char *record, size_t reclen)
{
	if (ld->opts.on_error != DN_IMPORT_SKIP)
		return dn_error(ld->db, code, "%s", msg);
	if (!ld->rejects) {
		ld->rejects = fopen(ld->rejects_path, "w");
		if (!ld->rejects)
			return dn_error(ld->db, DN_EIO, "rejects file %s: %s",
			                ld->rejects_path, strerror(errno));
		fputs("file,line,reason,record\n", ld->rejects);
		snprintf(ld->sum->rejects_path, sizeof ld->sum->rejects_path, "%s",
		         ld->rejects_path);
	}
	csv_cell(ld->rejects, file, strlen(file));
	fprintf(ld->rejects, ",%llu,", (unsigned long long)line);
	csv_cell(ld->rejects, msg, strlen(msg));
	fputc(',', ld->rejects);
	csv_cell(ld->rejects, record ? record : "", record ? reclen : 0);
	fputc('\n', ld->rejects);
	if (ferror(ld->rejects))
		return dn_error(ld->db, DN_EIO, "rejects file %s: write error",
		                ld->rejects_path);
	ld->sum->rejected++;
	return 0;
}

int dn_import_parse_grade(const char *s, size_t len, char *rel, uint8_t *cred)
{
	size_t i = 0;
	*rel = 0;
	*cred = 0;
	if (i < len && ((s[i] >= 'A' && s[i] <= 'F') || (s[i] >= 'a' && s[i] <= 'f')))
		*rel = (char)(s[i++] & ~0x20);
	if (i < len && s[i] >= '1' && s[i] <= '6')
		*cred = (uint8_t)(s[i++] - '0');
	return i == len && i > 0 ? 0 : DN_EINVAL;
}
