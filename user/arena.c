// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

struct arena_block {
	struct arena_block *next; /* the block filled before this one */
	size_t size;		  /* bytes of data */
	size_t used;		  /* bytes of data handed out */
	alignas(max_align_t) char data[];
};

#define BLOCK_HEADER offsetof(struct arena_block, data)

static size_t arena_cap(const struct arena *ar)
{
	return ar->cap ? ar->cap : ARENA_DEFAULT_CAP;
}

void arena_init(struct arena *ar, size_t cap)
{
	memset(ar, 0, sizeof(*ar));
	ar->cap = cap;
}

static void *refuse(struct arena *ar)
{
	ar->overflow = true;
	return NULL;
}

/* size bytes at an offset aligned to align, from the head block or a new one. */
static void *carve(struct arena *ar, size_t size, size_t align)
{
	struct arena_block *b = ar->head;
	size_t off, need, room;

	if (b) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off <= b->size && size <= b->size - off) {
			b->used = off + size;
			return b->data + off;
		}
	}
	/* a new block: the usual size, or what this one allocation needs, or what the cap
	 * leaves
	 */
	room = ar->held < arena_cap(ar) ? arena_cap(ar) - ar->held : 0;
	if (size > SIZE_MAX - BLOCK_HEADER || size + BLOCK_HEADER > room)
		return refuse(ar);
	need = size + BLOCK_HEADER < ARENA_BLOCK_SIZE ? ARENA_BLOCK_SIZE : size + BLOCK_HEADER;
	if (need > room)
		need = room;
	b = malloc(need);
	if (!b)
		return refuse(ar);
	b->size = need - BLOCK_HEADER;
	b->used = size;
	b->next = ar->head;
	ar->head = b;
	ar->held += need;
	return b->data;
}

void *arena_alloc(struct arena *ar, size_t size)
{
	void *p = carve(ar, size, alignof(max_align_t));

	if (p)
		memset(p, 0, size);
	return p;
}

void *arena_grow(struct arena *ar, void *p, size_t old, size_t size)
{
	struct arena_block *b = ar->head;
	uintptr_t at = (uintptr_t)p;
	char *q;

	/* compared as numbers: p may be text from elsewhere (a literal), never in a block */
	if (p && b && at >= (uintptr_t)b->data && at + old == (uintptr_t)(b->data + b->used) &&
	    size >= old && size - old <= b->size - b->used) {
		b->used += size - old;
		return p;
	}
	q = carve(ar, size, 1);
	if (q && p)
		memcpy(q, p, old < size ? old : size);
	return q;
}

const char *arena_strdup(struct arena *ar, const char *s)
{
	size_t len = strlen(s);
	char *p = carve(ar, len + 1, 1);

	if (!p)
		return "";
	memcpy(p, s, len + 1);
	return p;
}

const char *arena_vprintf(struct arena *ar, const char *fmt, va_list ap)
{
	va_list aq;
	char *p;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || !(p = carve(ar, (size_t)n + 1, 1))) {
		ar->overflow = true;
		return "";
	}
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

const char *arena_printf(struct arena *ar, const char *fmt, ...)
{
	const char *s;
	va_list ap;

	va_start(ap, fmt);
	s = arena_vprintf(ar, fmt, ap);
	va_end(ap);
	return s;
}

int arena_appendf(struct arena *ar, const char **s, const char *fmt, ...)
{
	size_t len = strlen(*s);
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ar->overflow = true;
		return -ENOSPC;
	}
	/* *s may be program text ("" or a literal): grow copies it then */
	p = arena_grow(ar, (void *)(uintptr_t)*s, len + 1, len + (size_t)n + 1);
	if (!p)
		return -ENOSPC;
	va_start(ap, fmt);
	vsnprintf(p + len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*s = p;
	return 0;
}

size_t arena_used(const struct arena *ar)
{
	const struct arena_block *b;
	size_t n = 0;

	for (b = ar->head; b; b = b->next)
		n += b->used;
	return n;
}

void arena_reset(struct arena *ar)
{
	struct arena_block *keep = ar->head, *b, *next;

	if (keep) {
		/* the newest block stays: the one a result of the same kind fits in */
		for (b = keep->next; b; b = next) {
			next = b->next;
			free(b);
		}
		keep->next = NULL;
		keep->used = 0;
		ar->held = keep->size + BLOCK_HEADER;
	}
	ar->overflow = false;
}

void arena_release(struct arena *ar)
{
	struct arena_block *b, *next;

	for (b = ar->head; b; b = next) {
		next = b->next;
		free(b);
	}
	ar->head = NULL;
	ar->held = 0;
	ar->overflow = false;
}
