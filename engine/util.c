/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util.c — small building blocks the engine shares: a growable byte buffer
 * with varint writers, a pwrite that finishes what it starts, and a bump
 * arena for per-call scratch memory that is dropped in one go when the
 * call ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <unistd.h>

#include "internal.h"

/* The slow path of dn_buf_reserve: at least doubles the capacity. */
int dn_buf_grow(dn_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	uint8_t *p = dn_realloc(b->p, cap);
	if (!p)
		return DN_ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

void dn_advise_huge(void *p, size_t len)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + len) & ~(huge - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE); /* advice: no error if refused */
}

int dn_buf_reserve_big(dn_buf *b, size_t cap)
{
	if (b->cap >= cap)
		return 0;
	uint8_t *p = dn_realloc(b->p, cap);
	if (!p)
		return DN_ENOMEM;
	dn_advise_huge(p + b->len, cap - b->len); /* the pages past the old length are untouched yet */
	b->p = p;
	b->cap = cap;
	return 0;
}

void dn_buf_free(dn_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

struct dn_arena_blk {
	dn_arena_blk *next;
	size_t used, cap;
	_Alignas(16) uint8_t data[];
};

void *dn_arena_alloc(dn_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	dn_arena_blk *b = a->head;
	if (!b || b->used + n > b->cap) {
		size_t cap = n > 16384 ? n : 16384;
		b = dn_malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

/* Keeps the newest block for reuse, frees the rest. */
void dn_arena_reset(dn_arena *a)
{
	dn_arena_blk *b = a->head;
	if (!b)
		return;
	dn_arena_blk *rest = b->next;
	b->next = NULL;
	b->used = 0;
	while (rest) {
		dn_arena_blk *n = rest->next;
		free(rest);
		rest = n;
	}
}

void dn_arena_free(dn_arena *a)
{
	dn_arena_blk *b = a->head;
	while (b) {
		dn_arena_blk *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
}

/* --- allocation, with fault injection for tests ----------------------- */

static _Atomic long alloc_countdown = -1;

void dn_fault_alloc_after(long n)
{
	alloc_countdown = n;
}

static bool alloc_fails(void)
{
	long n = alloc_countdown;
	if (n < 0)
		return false;
	if (n == 0)
		return true;
	alloc_countdown = n - 1;
	return false;
}

void *dn_malloc(size_t n)
{
	return alloc_fails() ? NULL : malloc(n);
}

void *dn_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : calloc(n, size);
}

void *dn_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : realloc(p, n);
}

char *dn_strdup(const char *s)
{
	return alloc_fails() ? NULL : strdup(s);
}

char *dn_strndup(const char *s, size_t n)
{
	return alloc_fails() ? NULL : strndup(s, n);
}

int dn_pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}
