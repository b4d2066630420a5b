/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.c — the byte layout of node and edge records (the values of the
 * `nodes`, `edges` and `history` sub-databases) and of stored property
 * values. Records are compact (varints, interned tokens) and self-describing
 * enough for `check` to validate; docs/STORAGE.md shows the layout:
 *
 *   u8 kind (1 node, 2 edge) | varint version_pos | varint created_pos
 *   edge only: varint type | varint src | varint dst
 *   meta: u8 flags, then per flag: source (varint len, bytes), record
 *         (varint len, bytes), grading (u8 reliability, u8 credibility),
 *         valid_from (zigzag), valid_to (zigzag), marks (varint n, ids)
 *   node only: varint nlabels, label ids ascending (varint)
 *   varint nprops, then per property (keys ascending): varint key, value
 *
 * A value is u8 type then: BOOL u8 | INT zigzag | FLOAT 8 bytes little-
 * endian | STRING varint len, bytes | DATE zigzag | DATETIME zigzag |
 * DURATION 3 zigzags | LIST varint n, values | LOCALTIME and LOCALDATETIME
 * zigzag ms, varint ns | TIME zigzag ms, varint ns, zigzag offset. A
 * DATETIME with nanoseconds, an offset or a zone is written with the type
 * byte REC_DATETIME_X: zigzag ms, varint ns, zigzag offset, varint len and
 * bytes of the zone name (len 0: none); a plain one keeps the short form.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The type byte of a DATETIME with more than milliseconds (not a dn_type). */
#define REC_DATETIME_X 0x40

enum {
	META_SOURCE = 1,
	META_RECORD = 2,
	META_GRADE = 4,
	META_VFROM = 8,
	META_VTO = 16,
	META_MARKS = 32,
};

size_t dn_varint_get_long(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	const uint8_t *s = p;
	while (p < end && shift < 64) {
		uint8_t c = *p++;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return (size_t)(p - s);
		}
		shift += 7;
	}
	return 0;
}

int dn_value_encode(dn_buf *b, const dn_value *v)
{
	bool dtx = v->type == DN_DATETIME && (v->u.tm_ns || v->u.tm_offset || v->u.tm_zone);
	int rc = dn_buf_put_u8(b, dtx ? REC_DATETIME_X : v->type);
	if (rc)
		return rc;
	switch (v->type) {
	case DN_NULL: return 0;
	case DN_BOOL: return dn_buf_put_u8(b, v->u.b ? 1 : 0);
	case DN_INT: return dn_buf_put_varint(b, dn_zigzag(v->u.i));
	case DN_FLOAT: {
		uint64_t bits;
		uint8_t le[8];
		memcpy(&bits, &v->u.f, 8);
		for (int i = 0; i < 8; i++)
			le[i] = (uint8_t)(bits >> (8 * i));
		return dn_buf_put(b, le, 8);
	}
	case DN_STRING:
		if ((rc = dn_buf_put_varint(b, v->len)))
			return rc;
		return dn_buf_put(b, v->u.s, v->len);
	case DN_DATE: return dn_buf_put_varint(b, dn_zigzag(v->u.date));
	case DN_DATETIME:
		if (!dtx)
			return dn_buf_put_varint(b, dn_zigzag(v->u.datetime));
		/* FALLTHROUGH */
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME:
		if ((rc = dn_buf_put_varint(b, dn_zigzag(v->u.datetime))) ||
		    (rc = dn_buf_put_varint(b, (uint64_t)v->u.tm_ns)))
			return rc;
		if (v->type == DN_TIME || v->type == DN_DATETIME)
			rc = dn_buf_put_varint(b, dn_zigzag(v->u.tm_offset));
		if (!rc && v->type == DN_DATETIME) {
			const char *z = v->u.tm_zone ? dn_tz_name(v->u.tm_zone) : NULL;
			size_t zl = z ? strlen(z) : 0;
			if (!(rc = dn_buf_put_varint(b, zl)) && zl)
				rc = dn_buf_put(b, z, zl);
		}
		return rc;
	case DN_DURATION:
		if ((rc = dn_buf_put_varint(b, dn_zigzag(v->u.dur.months))) ||
		    (rc = dn_buf_put_varint(b, dn_zigzag(v->u.dur.days))))
			return rc;
		return dn_buf_put_varint(b, dn_zigzag(v->u.dur.nanos));
	case DN_LIST:
		if ((rc = dn_buf_put_varint(b, v->len)))
			return rc;
		for (uint32_t i = 0; i < v->len; i++)
			if ((rc = dn_value_encode(b, &v->u.list[i])))
				return rc;
		return 0;
	default: return DN_EINVAL;
	}
}

static size_t get_zz(const uint8_t *p, const uint8_t *end, int64_t *v)
{
	uint64_t u;
	size_t n = dn_varint_get(p, end, &u);
	*v = dn_unzigzag(u);
	return n;
}

/* Decodes one value; strings borrow from p, lists are allocated in a.
 * Returns bytes consumed or 0 when malformed. */
size_t dn_value_decode(const uint8_t *p, const uint8_t *end, dn_arena *a, dn_value *v)
{
	const uint8_t *s = p;
	size_t n;
	int64_t x;
	uint64_t u;
	if (p >= end)
		return 0;
	memset(v, 0, sizeof *v);
	v->type = *p++;
	switch (v->type) {
	case DN_NULL: break;
	case DN_BOOL:
		if (p >= end)
			return 0;
		v->u.b = *p++ != 0;
		break;
	case DN_INT:
		if (!(n = get_zz(p, end, &v->u.i)))
			return 0;
		p += n;
		break;
	case DN_FLOAT: {
		if (end - p < 8)
			return 0;
		uint64_t bits = 0;
		for (int i = 0; i < 8; i++)
			bits |= (uint64_t)p[i] << (8 * i);
		memcpy(&v->u.f, &bits, 8);
		p += 8;
		break;
	}
	case DN_STRING:
		if (!(n = dn_varint_get(p, end, &u)) || u > (uint64_t)(end - p - (ptrdiff_t)n))
			return 0;
		p += n;
		v->u.s = (const char *)p;
		v->len = (uint32_t)u;
		p += u;
		break;
	case DN_DATE:
		if (!(n = get_zz(p, end, &x)))
			return 0;
		v->u.date = (int32_t)x;
		p += n;
		break;
	case DN_DATETIME:
		if (!(n = get_zz(p, end, &v->u.datetime)))
			return 0;
		p += n;
		break;
	case REC_DATETIME_X:
	case DN_LOCALTIME:
	case DN_TIME:
	case DN_LOCALDATETIME:
		if (!(n = get_zz(p, end, &v->u.datetime)))
			return 0;
		p += n;
		if (!(n = dn_varint_get(p, end, &u)) || u >= 1000000)
			return 0;
		p += n;
		v->u.tm_ns = (int32_t)u;
		if (v->type == DN_TIME || v->type == REC_DATETIME_X) {
			if (!(n = get_zz(p, end, &x)) || x < -86400 || x > 86400)
				return 0;
			p += n;
			v->u.tm_offset = (int32_t)x;
		}
		if (v->type == REC_DATETIME_X) {
			v->type = DN_DATETIME;
			if (!(n = dn_varint_get(p, end, &u)) || u > (uint64_t)(end - p - (ptrdiff_t)n))
				return 0;
			p += n;
			/* A zone this machine does not know keeps its offset. */
			if (u && dn_tz_find((const char *)p, (size_t)u, &v->u.tm_zone) != 0)
				v->u.tm_zone = 0;
			p += u;
		}
		break;
	case DN_DURATION:
		if (!(n = get_zz(p, end, &v->u.dur.months)))
			return 0;
		p += n;
		if (!(n = get_zz(p, end, &v->u.dur.days)))
			return 0;
		p += n;
		if (!(n = get_zz(p, end, &v->u.dur.nanos)))
			return 0;
		p += n;
		break;
	case DN_LIST:
		if (!(n = dn_varint_get(p, end, &u)) || u > (uint64_t)(end - p))
			return 0;
		p += n;
		v->len = (uint32_t)u;
		if (u) {
			dn_value *items = dn_arena_alloc(a, u * sizeof *items);
			if (!items)
				return 0;
			for (uint64_t i = 0; i < u; i++) {
				if (!(n = dn_value_decode(p, end, a, &items[i])))
					return 0;
				p += n;
			}
			v->u.list = items;
		}
		break;
	default: return 0;
	}
	return (size_t)(p - s);
}

int dn_rec_encode(const dn_rec *r, dn_buf *b)
{
	int rc = 0;
	uint8_t flags = 0;
	b->len = 0;
	if (r->source)
		flags |= META_SOURCE;
	if (r->record)
		flags |= META_RECORD;
	if (r->reliability || r->credibility)
		flags |= META_GRADE;
	if (r->valid_from != DN_TIME_UNSET)
		flags |= META_VFROM;
	if (r->valid_to != DN_TIME_UNSET)
		flags |= META_VTO;
	if (r->nmarks)
		flags |= META_MARKS;
	if ((rc = dn_buf_put_u8(b, r->kind)) || (rc = dn_buf_put_varint(b, r->version_pos)) ||
	    (rc = dn_buf_put_varint(b, r->created_pos)))
		return rc;
	if (r->kind == DN_REC_EDGE &&
	    ((rc = dn_buf_put_varint(b, r->type)) || (rc = dn_buf_put_varint(b, r->src)) ||
	     (rc = dn_buf_put_varint(b, r->dst))))
		return rc;
	if ((rc = dn_buf_put_u8(b, flags)))
		return rc;
	if ((flags & META_SOURCE) &&
	    ((rc = dn_buf_put_varint(b, r->source_len)) || (rc = dn_buf_put(b, r->source, r->source_len))))
		return rc;
	if ((flags & META_RECORD) &&
	    ((rc = dn_buf_put_varint(b, r->record_len)) || (rc = dn_buf_put(b, r->record, r->record_len))))
		return rc;
	if ((flags & META_GRADE) &&
	    ((rc = dn_buf_put_u8(b, (uint8_t)r->reliability)) || (rc = dn_buf_put_u8(b, r->credibility))))
		return rc;
	if ((flags & META_VFROM) && (rc = dn_buf_put_varint(b, dn_zigzag(r->valid_from))))
		return rc;
	if ((flags & META_VTO) && (rc = dn_buf_put_varint(b, dn_zigzag(r->valid_to))))
		return rc;
	if (flags & META_MARKS) {
		if ((rc = dn_buf_put_varint(b, r->nmarks)))
			return rc;
		for (uint32_t i = 0; i < r->nmarks; i++)
			if ((rc = dn_buf_put_varint(b, r->marks[i])))
				return rc;
	}
	if (r->kind == DN_REC_NODE) {
		if ((rc = dn_buf_put_varint(b, r->nlabels)))
			return rc;
		for (uint32_t i = 0; i < r->nlabels; i++)
			if ((rc = dn_buf_put_varint(b, r->labels[i])))
				return rc;
	}
	if ((rc = dn_buf_put_varint(b, r->nprops)))
		return rc;
	for (uint32_t i = 0; i < r->nprops; i++) {
		if ((rc = dn_buf_put_varint(b, r->props[i].key)) || (rc = dn_value_encode(b, &r->props[i].v)))
			return rc;
	}
	return 0;
}

#define GETV(var)                                          \
	do {                                                   \
		uint64_t tmp_;                                     \
		size_t n_ = dn_varint_get(p, end, &tmp_);          \
		if (!n_)                                           \
			return DN_ECORRUPT;                            \
		p += n_;                                           \
		var = tmp_;                                        \
	} while (0)

static int rec_decode(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r, bool head);

/* Decodes a record; strings borrow from p[0..len), arrays come from a. */
int dn_rec_decode(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r)
{
	return rec_decode(p, len, a, r, false);
}

int dn_rec_decode_head(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r)
{
	return rec_decode(p, len, a, r, true);
}

int dn_rec_find(const dn_rec *r, uint32_t key, dn_arena *a, const dn_value **v, dn_value *tmp)
{
	*v = NULL;
	if (!r->lazy) {
		*v = dn_rec_prop(r, key);
		return 0;
	}
	const uint8_t *p = r->praw, *end = r->pend;
	uint64_t n, k;
	GETV(n);
	for (uint64_t i = 0; i < n; i++) {
		GETV(k);
		size_t used = dn_value_decode(p, end, a, tmp);
		if (!used)
			return DN_ECORRUPT;
		p += used;
		if (k >= key) {
			if (k == key)
				*v = tmp;
			break;
		}
	}
	return 0;
}

static int rec_decode(const uint8_t *p, size_t len, dn_arena *a, dn_rec *r, bool head)
{
	const uint8_t *end = p + len;
	uint64_t u;
	/* field by field, all but the marks array (read up to nmarks): a
	 * memset of the whole is a string instruction, slow to start, and a
	 * property read decodes a record's head for every node it reads */
	r->kind = 0;
	r->version_pos = r->created_pos = 0;
	r->type = 0;
	r->src = r->dst = 0;
	r->source = r->record = NULL;
	r->source_len = r->record_len = 0;
	r->reliability = 0;
	r->credibility = 0;
	r->nmarks = r->nlabels = r->nprops = 0;
	r->labels = NULL;
	r->props = NULL;
	r->praw = r->pend = NULL;
	r->lazy = false;
	r->valid_from = r->valid_to = DN_TIME_UNSET;
	if (len < 1 || (*p != DN_REC_NODE && *p != DN_REC_EDGE))
		return DN_ECORRUPT;
	r->kind = *p++;
	GETV(r->version_pos);
	GETV(r->created_pos);
	if (r->kind == DN_REC_EDGE) {
		GETV(u);
		r->type = (uint32_t)u;
		GETV(r->src);
		GETV(r->dst);
	}
	if (p >= end)
		return DN_ECORRUPT;
	uint8_t flags = *p++;
	if (flags & META_SOURCE) {
		GETV(u);
		if (u > (uint64_t)(end - p))
			return DN_ECORRUPT;
		r->source = (const char *)p;
		r->source_len = u;
		p += u;
	}
	if (flags & META_RECORD) {
		GETV(u);
		if (u > (uint64_t)(end - p))
			return DN_ECORRUPT;
		r->record = (const char *)p;
		r->record_len = u;
		p += u;
	}
	if (flags & META_GRADE) {
		if (end - p < 2)
			return DN_ECORRUPT;
		r->reliability = (char)p[0];
		r->credibility = p[1];
		p += 2;
	}
	if (flags & META_VFROM) {
		GETV(u);
		r->valid_from = dn_unzigzag(u);
	}
	if (flags & META_VTO) {
		GETV(u);
		r->valid_to = dn_unzigzag(u);
	}
	if (flags & META_MARKS) {
		GETV(u);
		if (u > DN_MAX_MARKS)
			return DN_ECORRUPT;
		r->nmarks = (uint32_t)u;
		for (uint32_t i = 0; i < r->nmarks; i++) {
			GETV(u);
			r->marks[i] = (uint32_t)u;
		}
	}
	if (r->kind == DN_REC_NODE) {
		GETV(u);
		if (u > (uint64_t)(end - p))
			return DN_ECORRUPT;
		r->nlabels = (uint32_t)u;
		r->labels = dn_arena_alloc(a, (u ? u : 1) * sizeof *r->labels);
		if (!r->labels)
			return DN_ENOMEM;
		for (uint32_t i = 0; i < r->nlabels; i++) {
			GETV(u);
			r->labels[i] = (uint32_t)u;
		}
	}
	r->praw = p;
	r->pend = end;
	if (head) {
		r->lazy = true;
		return 0;
	}
	GETV(u);
	if (u > (uint64_t)(end - p))
		return DN_ECORRUPT;
	r->nprops = (uint32_t)u;
	r->props = dn_arena_alloc(a, (u ? u : 1) * sizeof *r->props);
	if (!r->props)
		return DN_ENOMEM;
	for (uint32_t i = 0; i < r->nprops; i++) {
		GETV(u);
		r->props[i].key = (uint32_t)u;
		size_t n = dn_value_decode(p, end, a, &r->props[i].v);
		if (!n)
			return DN_ECORRUPT;
		p += n;
	}
	return p == end ? 0 : DN_ECORRUPT;
}

const dn_value *dn_rec_prop(const dn_rec *r, uint32_t key)
{
	uint32_t lo = 0, hi = r->nprops;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (r->props[mid].key < key)
			lo = mid + 1;
		else if (r->props[mid].key > key)
			hi = mid;
		else
			return &r->props[mid].v;
	}
	return NULL;
}

bool dn_rec_has_label(const dn_rec *r, uint32_t label)
{
	for (uint32_t i = 0; i < r->nlabels; i++)
		if (r->labels[i] == label)
			return true;
	return false;
}
