/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * index.c — property indexes on (label, key), optionally unique: their
 * definitions in `schema`, their entries in `pidx` (index id, order-
 * preserving value encoding → node ids), maintenance on every node store,
 * uniqueness checks before anything is written, and range seeks. Seeks that
 * cannot be decided from the key bytes alone (exclusive bounds, long
 * strings cut to a prefix, integers beyond 2^53) re-check the stored value.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "iter.h"
#include "keys.h"

void dn_index_defs_free(dn_txn *t)
{
	for (size_t i = 0; i < t->nidx; i++)
		free(t->idx[i].name);
	free(t->idx);
	t->idx = NULL;
	t->nidx = 0;
	t->idx_loaded = false;
}

/* schema value: label u32, key u32, flags u32, name bytes */
int dn_index_load(dn_txn *t)
{
	if (t->idx_loaded)
		return 0;
	dn_index_defs_free(t);
	MDB_cursor *c;
	MDB_val k, v;
	int rc = mdb_cursor_open(t->txn, t->db->dbi[DBI_SCHEMA], &c);
	if (rc)
		return dn_error_lmdb(t->db, rc, "schema");
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 4 || v.mv_size < 12) {
			mdb_cursor_close(c);
			return dn_error(t->db, DN_ECORRUPT, "schema entry malformed");
		}
		dn_index_def *d = dn_realloc(t->idx, (t->nidx + 1) * sizeof *d);
		if (!d) {
			mdb_cursor_close(c);
			return dn_error(t->db, DN_ENOMEM, "out of memory");
		}
		t->idx = d;
		d = &t->idx[t->nidx];
		const uint8_t *p = v.mv_data;
		d->id = dn_key_get_u32(k.mv_data);
		d->label = dn_key_get_u32(p);
		d->key = dn_key_get_u32(p + 4);
		d->flags = dn_key_get_u32(p + 8);
		d->name = dn_strndup((const char *)p + 12, v.mv_size - 12);
		if (!d->name) {
			mdb_cursor_close(c);
			return dn_error(t->db, DN_ENOMEM, "out of memory");
		}
		t->nidx++;
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "schema");
	t->idx_loaded = true;
	return 0;
}

/* The index entry key of a record for d, or 0 when it has none. */
static size_t entry_key(const dn_index_def *d, const dn_rec *r, uint8_t *key)
{
	if (!r || !dn_rec_has_label(r, d->label))
		return 0;
	const dn_value *v = dn_rec_prop(r, d->key);
	if (!v)
		return 0;
	dn_key_put_u32(key, d->id);
	return 4 + dn_key_put_value(key + 4, DN_KEY_VALUE_MAX, v);
}

static int describe_value(const dn_value *v, char *buf, size_t cap)
{
	switch (v->type) {
	case DN_STRING: return snprintf(buf, cap, "'%.*s'", (int)(v->len > 60 ? 60 : v->len), v->u.s);
	case DN_INT: return snprintf(buf, cap, "%lld", (long long)v->u.i);
	case DN_FLOAT: return snprintf(buf, cap, "%g", v->u.f);
	default: return snprintf(buf, cap, "a %s value", dn_type_name(v->type));
	}
}

/* Fails with DN_ECONSTRAINT when a unique index already holds r's value for
 * another node. */
static int unique_probe(dn_txn *t, const dn_index_def *d, dn_id id, const dn_rec *r)
{
	uint8_t key[DN_KEY_VALUE_MAX + 8];
	size_t kl = entry_key(d, r, key);
	if (!kl)
		return 0;
	const dn_value *val = dn_rec_prop(r, d->key);
	bool exact = dn_key_value_exact(val);
	MDB_cursor *c = dn_txn_cursor(t, DBI_PIDX);
	MDB_val k = {kl, key}, v;
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	int rc = mdb_cursor_get(c, &k, &v, MDB_SET);
	for (; rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
		dn_id other = dn_key_get_u64(v.mv_data);
		if (other == id)
			continue;
		if (!exact) {
			dn_rec o;
			bool found;
			uint8_t ok[8];
			MDB_val ov;
			dn_key_put_u64(ok, other);
			if (dn_get(t, DBI_NODES, ok, 8, &ov) || dn_rec_decode(ov.mv_data, ov.mv_size, &t->arena, &o))
				continue;
			found = true;
			const dn_value *w = dn_rec_prop(&o, d->key);
			if (!found || !w || !dn_value_equal(w, val))
				continue;
		}
		const char *label, *keyname;
		char desc[128];
		dn_tok_name_ref(t, DN_TOKEN_LABEL, d->label, &label, NULL);
		dn_tok_name_ref(t, DN_TOKEN_KEY, d->key, &keyname, NULL);
		describe_value(val, desc, sizeof desc);
		return dn_error(t->db, DN_ECONSTRAINT,
		                "node %llu already has :%s(%s) = %s, which index %s requires to be unique",
		                (unsigned long long)other, label, keyname, desc, d->name);
	}
	if (rc != MDB_NOTFOUND)
		return dn_error_lmdb(t->db, rc, "unique check");
	return 0;
}

int dn_index_check_unique(dn_txn *t, dn_id id, const dn_rec *old, const dn_rec *neu)
{
	int rc = dn_index_load(t);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->nidx; i++) {
		const dn_index_def *d = &t->idx[i];
		if (!(d->flags & DN_INDEX_UNIQUE))
			continue;
		uint8_t a[DN_KEY_VALUE_MAX + 8], b[DN_KEY_VALUE_MAX + 8];
		size_t al = entry_key(d, old, a), bl = entry_key(d, neu, b);
		if (!bl || (al == bl && !memcmp(a, b, al)))
			continue;
		if ((rc = unique_probe(t, d, id, neu)))
			return rc;
	}
	return 0;
}

int dn_index_update(dn_txn *t, dn_id id, const dn_rec *old, const dn_rec *neu)
{
	int rc = dn_index_load(t);
	if (rc)
		return rc;
	uint8_t val[8];
	dn_key_put_u64(val, id);
	for (size_t i = 0; i < t->nidx; i++) {
		const dn_index_def *d = &t->idx[i];
		uint8_t a[DN_KEY_VALUE_MAX + 8], b[DN_KEY_VALUE_MAX + 8];
		size_t al = entry_key(d, old, a), bl = entry_key(d, neu, b);
		if (al == bl && !memcmp(a, b, al))
			continue;
		if (al && (rc = dn_del(t, DBI_PIDX, a, al, val, 8)))
			return rc;
		if (bl && (rc = dn_put(t, DBI_PIDX, b, bl, val, 8, 0)))
			return rc;
	}
	return 0;
}

/* Writes a definition and fills it from the current nodes of its label. */
int dn_index_create_raw(dn_txn *t, const dn_index_def *def)
{
	uint8_t k[4];
	dn_buf b = {0};
	int rc;
	size_t nlen = strlen(def->name);
	if ((rc = dn_buf_reserve(&b, 12 + nlen)))
		return rc;
	dn_key_put_u32(b.p, def->label);
	dn_key_put_u32(b.p + 4, def->key);
	dn_key_put_u32(b.p + 8, def->flags);
	memcpy(b.p + 12, def->name, nlen);
	b.len = 12 + nlen;
	rc = dn_journal_add(t, DN_J_INDEX_CREATE, 0, def->id, b.p, b.len);
	dn_key_put_u32(k, def->id);
	if (!rc)
		rc = dn_put(t, DBI_SCHEMA, k, 4, b.p, b.len, MDB_NOOVERWRITE);
	dn_buf_free(&b);
	if (rc)
		return rc;
	t->idx_loaded = false;
	if ((rc = dn_index_load(t)))
		return rc;
	const dn_index_def *d = NULL;
	for (size_t i = 0; i < t->nidx; i++)
		if (t->idx[i].id == def->id)
			d = &t->idx[i];
	if (!d)
		return dn_error(t->db, DN_ECORRUPT, "index vanished");
	/* fill: every current node with the label */
	dn_scan s = {0};
	const uint8_t *p;
	uint8_t lk[4];
	if ((rc = dn_scan_open(t, &s, DBI_LABELS, 8)))
		return rc;
	dn_key_put_u32(lk, d->label);
	memcpy(s.prefix, lk, 4);
	s.exact = true;
	s.exact_len = 4;
	dn_scan_seek(&s, lk, 4, 4);
	while ((rc = dn_scan_next(t, &s, &p)) == DN_ROW) {
		dn_id id = dn_key_get_u64(p);
		uint8_t nk[8], ek[DN_KEY_VALUE_MAX + 8];
		MDB_val v;
		dn_rec r;
		dn_key_put_u64(nk, id);
		dn_arena_reset(&t->arena);
		if ((rc = dn_get(t, DBI_NODES, nk, 8, &v)))
			break;
		if ((rc = dn_rec_decode(v.mv_data, v.mv_size, &t->arena, &r)))
			break;
		size_t el = entry_key(d, &r, ek);
		if (!el)
			continue;
		if ((d->flags & DN_INDEX_UNIQUE) && (rc = unique_probe(t, d, id, &r)))
			break;
		uint8_t val[8];
		dn_key_put_u64(val, id);
		if ((rc = dn_put(t, DBI_PIDX, ek, el, val, 8, 0)))
			break;
	}
	dn_scan_close(&s);
	if (rc != DN_DONE)
		return rc;
	char detail[600];
	snprintf(detail, sizeof detail, "create index %s", d->name);
	return dn_log_append(t, DN_LOG_SCHEMA, 0, detail);
}

int dn_index_drop_raw(dn_txn *t, uint32_t idx_id)
{
	uint8_t k[4];
	MDB_val key, v;
	int rc;
	char detail[600] = "drop index";
	if ((rc = dn_index_load(t)))
		return rc;
	for (size_t i = 0; i < t->nidx; i++)
		if (t->idx[i].id == idx_id)
			snprintf(detail, sizeof detail, "drop index %s", t->idx[i].name);
	if ((rc = dn_journal_add(t, DN_J_INDEX_DROP, 0, idx_id, NULL, 0)))
		return rc;
	dn_key_put_u32(k, idx_id);
	if ((rc = dn_del(t, DBI_SCHEMA, k, 4, NULL, 0)))
		return rc;
	MDB_cursor *c = dn_txn_cursor(t, DBI_PIDX);
	if (!c)
		return dn_error(t->db, DN_EIO, "cursor");
	key = (MDB_val){4, k};
	rc = mdb_cursor_get(c, &key, &v, MDB_SET_RANGE);
	while (rc == 0 && key.mv_size >= 4 && !memcmp(key.mv_data, k, 4)) {
		if ((rc = mdb_cursor_del(c, MDB_NODUPDATA)))
			break;
		dn_txn_wrote(t, DBI_PIDX);
		rc = mdb_cursor_get(c, &key, &v, MDB_GET_CURRENT);
	}
	if (rc && rc != MDB_NOTFOUND && rc != EINVAL)
		return dn_error_lmdb(t->db, rc, "drop index");
	t->idx_loaded = false;
	return dn_log_append(t, DN_LOG_SCHEMA, 0, detail);
}

static int find_def(dn_txn *t, const char *label, const char *key, const dn_index_def **out)
{
	uint32_t l, k;
	int rc;
	*out = NULL;
	if ((rc = dn_index_load(t)))
		return rc;
	if ((rc = dn_tok_lookup(t, DN_TOKEN_LABEL, label, strlen(label), &l)) ||
	    (rc = dn_tok_lookup(t, DN_TOKEN_KEY, key, strlen(key), &k)))
		return rc == DN_ENOTFOUND ? 0 : rc;
	for (size_t i = 0; i < t->nidx; i++)
		if (t->idx[i].label == l && t->idx[i].key == k)
			*out = &t->idx[i];
	return 0;
}

int dn_index_find(dn_txn *t, const char *label, const char *key, unsigned *flags)
{
	const dn_index_def *d;
	int rc = dn_txn_check_usable(t);
	if (rc || (rc = find_def(t, label, key, &d)))
		return rc;
	if (!d)
		return DN_ENOTFOUND;
	if (flags)
		*flags = d->flags;
	return 0;
}

static int do_index_create(dn_txn *t, const char *name, const char *label, const char *key, unsigned flags)
{
	const dn_index_def *d;
	char defname[512];
	int rc;
	if (!label || !*label || !key || !*key)
		return dn_error(t->db, DN_EINVAL, "an index needs a label and a property key");
	if (flags & ~(unsigned)DN_INDEX_UNIQUE)
		return dn_error(t->db, DN_EINVAL, "unknown index flags");
	if (!name || !*name) {
		snprintf(defname, sizeof defname, "idx_%s_%s", label, key);
		name = defname;
	}
	if (strlen(name) > 400)
		return dn_error(t->db, DN_ETOOBIG, "index name too long");
	if ((rc = find_def(t, label, key, &d)))
		return rc;
	if (d)
		return dn_error(t->db, DN_EEXISTS, "an index on :%s(%s) already exists: %s", label, key, d->name);
	for (size_t i = 0; i < t->nidx; i++)
		if (!strcmp(t->idx[i].name, name))
			return dn_error(t->db, DN_EEXISTS, "an index named %s already exists", name);
	dn_index_def def = {0};
	def.flags = flags;
	def.name = (char *)name;
	def.id = 1;
	for (size_t i = 0; i < t->nidx; i++)
		if (t->idx[i].id >= def.id)
			def.id = t->idx[i].id + 1;
	if ((rc = dn_tok_intern(t, DN_TOKEN_LABEL, label, strlen(label), &def.label)) ||
	    (rc = dn_tok_intern(t, DN_TOKEN_KEY, key, strlen(key), &def.key)))
		return rc;
	return dn_index_create_raw(t, &def);
}

int dn_index_create(dn_txn *t, const char *name, const char *label, const char *key, unsigned flags)
{
	DN_WRITE_CALL(t, do_index_create(t, name, label, key, flags));
}

static int do_index_drop(dn_txn *t, const char *name)
{
	int rc = dn_index_load(t);
	if (rc)
		return rc;
	for (size_t i = 0; name && i < t->nidx; i++)
		if (!strcmp(t->idx[i].name, name))
			return dn_index_drop_raw(t, t->idx[i].id);
	return dn_error(t->db, DN_ENOTFOUND, "no index named %s", name ? name : "(null)");
}

int dn_index_drop(dn_txn *t, const char *name)
{
	DN_WRITE_CALL(t, do_index_drop(t, name));
}

void dn_index_list_free(dn_index_info *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].label);
		free(list[i].key);
	}
	free(list);
}

int dn_index_list(dn_txn *t, dn_index_info **out, size_t *n)
{
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	*n = 0;
	if (rc || (rc = dn_index_load(t)))
		return rc;
	dn_index_info *l = dn_calloc(t->nidx ? t->nidx : 1, sizeof *l);
	if (!l)
		return dn_error(t->db, DN_ENOMEM, "out of memory");
	for (size_t i = 0; i < t->nidx; i++) {
		const dn_index_def *d = &t->idx[i];
		const char *label, *key;
		if ((rc = dn_tok_name_ref(t, DN_TOKEN_LABEL, d->label, &label, NULL)) ||
		    (rc = dn_tok_name_ref(t, DN_TOKEN_KEY, d->key, &key, NULL)))
			break;
		l[i].name = dn_strdup(d->name);
		l[i].label = dn_strdup(label);
		l[i].key = dn_strdup(key);
		l[i].flags = d->flags;
		if (!l[i].name || !l[i].label || !l[i].key) {
			rc = dn_error(t->db, DN_ENOMEM, "out of memory");
			break;
		}
		/* entries: count of the index's key range; a restricted reader
		 * counts only the nodes it may see (a count must not betray
		 * marked nodes) */
		uint8_t k[4];
		MDB_val key4 = {4, k}, v;
		MDB_cursor *c = dn_txn_cursor(t, DBI_PIDX);
		dn_key_put_u32(k, d->id);
		int r2 = mdb_cursor_get(c, &key4, &v, MDB_SET_RANGE);
		while (r2 == 0 && key4.mv_size >= 4 && !memcmp(key4.mv_data, k, 4)) {
			size_t cnt;
			if (t->restricted) {
				dn_rec r;
				bool found = false;
				dn_arena_reset(&t->arena);
				if ((rc = dn_node_read(t, dn_key_get_u64(v.mv_data), &r, &found)))
					break;
				l[i].entries += found;
				r2 = mdb_cursor_get(c, &key4, &v, MDB_NEXT);
				continue;
			}
			if (mdb_cursor_count(c, &cnt) == 0)
				l[i].entries += cnt;
			r2 = mdb_cursor_get(c, &key4, &v, MDB_NEXT_NODUP);
		}
		if (rc)
			break;
	}
	if (rc) {
		dn_index_list_free(l, t->nidx);
		return rc;
	}
	*out = l;
	*n = t->nidx;
	return 0;
}

/* --- seeks ------------------------------------------------------------ */

static int type_class(int type)
{
	return type == DN_FLOAT ? DN_INT : type;
}

bool dn_index_value_in_range(dn_iter *it, const dn_rec *r)
{
	const dn_value *v = dn_rec_prop(r, it->key);
	if (!v)
		return false;
	if (it->type_class >= 0 && type_class(v->type) != it->type_class)
		return false;
	if (it->has_lo) {
		int c = dn_value_compare(v, &it->lo);
		if (c < 0 || (c == 0 && (it->range_flags & DN_RANGE_LO_EXCL)))
			return false;
	}
	if (it->has_hi) {
		int c = dn_value_compare(v, &it->hi);
		if (c > 0 || (c == 0 && (it->range_flags & DN_RANGE_HI_EXCL)))
			return false;
	}
	return true;
}

int dn_index_iter_next(dn_iter *it, dn_id *id)
{
	dn_txn *t = it->t;
	const uint8_t *p;
	int rc;
	for (;;) {
		if ((rc = dn_scan_next(t, &it->scan, &p)) != DN_ROW)
			return rc;
		*id = dn_key_get_u64(p);
		if (!it->verify && !t->restricted)
			return DN_ROW;
		dn_rec r;
		bool found;
		dn_arena_reset(&t->arena);
		if ((rc = dn_node_read(t, *id, &r, &found)))
			return rc;
		if (found && (!it->verify || dn_index_value_in_range(it, &r)))
			return DN_ROW;
	}
}

/* Bytes of a bound's encoding used for seeking: numbers use only the tag
 * and the f64 (so that 5 and 5.0 meet), everything else its whole key. */
static size_t bound_key(const dn_value *v, uint8_t *out)
{
	size_t n = dn_key_put_value(out, DN_KEY_VALUE_MAX, v);
	if (v->type == DN_INT || v->type == DN_FLOAT)
		n = 9;
	return n;
}

static bool bound_needs_verify(const dn_value *v)
{
	if (v->type == DN_INT)
		return v->u.i > (1LL << 53) || v->u.i < -(1LL << 53);
	if (v->type == DN_FLOAT) /* large INTs share the prefix of their floor */
		return !(fabs(v->u.f) < 9007199254740992.0);
	if (v->type == DN_STRING)
		return v->len >= DN_KEY_MAX_STR;
	return !dn_key_value_exact(v) || v->type == DN_LIST;
}

int dn_index_seek(dn_txn *t, const char *label, const char *key, const dn_value *lo,
                  const dn_value *hi, unsigned flags, dn_iter **out)
{
	const dn_index_def *d;
	int rc = dn_txn_check_usable(t);
	*out = NULL;
	if (rc)
		return rc;
	if (!label || !key)
		return dn_error(t->db, DN_EINVAL, "index seek needs a label and a key");
	if (lo && hi && type_class(lo->type) != type_class(hi->type))
		return dn_error(t->db, DN_ETYPE, "range bounds of different types (%s and %s)",
		                dn_type_name(lo->type), dn_type_name(hi->type));
	if ((lo && lo->type == DN_NULL) || (hi && hi->type == DN_NULL))
		return dn_error(t->db, DN_EINVAL, "NULL is not a range bound");
	dn_txn_begin_call(t);
	if ((rc = find_def(t, label, key, &d)))
		return rc;
	if (!d)
		return dn_error(t->db, DN_ENOTFOUND, "no index on :%s(%s)", label, key);
	dn_iter *it;
	if ((rc = dn_iter_new(t, IT_INDEX, &it)))
		return rc;
	it->key = d->key;
	it->label = d->label;
	it->range_flags = flags;
	it->type_class = lo ? type_class(lo->type) : hi ? type_class(hi->type) : -1;
	if ((lo && (rc = dn_value_copy(&it->lo, lo))) || (hi && (rc = dn_value_copy(&it->hi, hi)))) {
		dn_iter_free(it);
		return dn_error(t->db, rc, "out of memory");
	}
	it->has_lo = lo != NULL;
	it->has_hi = hi != NULL;
	if (t->as_of) {
		/* the index holds the present: filter the past instead */
		it->kind = IT_ASOF_NODES;
		it->next_id = 1;
		it->has_label = true;
		it->has_range = true;
		*out = it;
		return 0;
	}
	it->kind = IT_INDEX;
	it->verify = (flags & (DN_RANGE_LO_EXCL | DN_RANGE_HI_EXCL)) || (lo && bound_needs_verify(lo)) ||
	             (hi && bound_needs_verify(hi));
	if ((rc = dn_scan_open(t, &it->scan, DBI_PIDX, 8))) {
		dn_iter_free(it);
		return rc;
	}
	dn_scan *s = &it->scan;
	uint8_t start[DN_KEY_VALUE_MAX + 8];
	size_t sl = 4;
	dn_key_put_u32(start, d->id);
	memcpy(s->prefix, start, 4);
	if (lo) {
		sl += bound_key(lo, start + 4);
	} else if (hi) {
		uint8_t tmp[DN_KEY_VALUE_MAX];
		dn_key_put_value(tmp, sizeof tmp, hi);
		start[4] = tmp[0];
		sl = 5;
	}
	if (hi) {
		memcpy(s->end, start, 4);
		s->end_len = 4 + bound_key(hi, s->end + 4);
		s->end_prefix = true;
	} else if (lo) {
		memcpy(s->end, start, 5); /* same type tag */
		s->end_len = 5;
		s->end_prefix = true;
	}
	dn_scan_seek(s, start, sl, 4);
	*out = it;
	return 0;
}
