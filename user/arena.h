/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * An arena: the variable-size text and records of one result (an advice, a tighten plan)
 * carved out of a few blocks the result owns, and given back together by one call. Nothing
 * in it is freed alone, and nothing moves: a pointer into it stays valid until the reset.
 *
 * Bounded: the blocks it holds never exceed its cap. An allocation past the cap is refused
 * (NULL, or "" for the text helpers) and the arena remembers it (overflow) until the next
 * reset, so its owner refuses the whole result instead of handing out a cut one.
 *
 * A zeroed struct arena is an empty arena with the default cap.
 */
#ifndef AVC_ARENA_H
#define AVC_ARENA_H

#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>

#define ARENA_BLOCK_SIZE  8192	    /* a block, unless one allocation needs more or the cap less */
#define ARENA_DEFAULT_CAP (1 << 20) /* bytes of blocks held, when the owner set no cap */

struct arena_block;

struct arena {
	struct arena_block *head; /* allocations come from here; older blocks behind it */
	size_t held;		  /* bytes of blocks held (headers included) */
	size_t cap;		  /* most bytes held; 0: ARENA_DEFAULT_CAP */
	bool overflow;		  /* an allocation was refused since the last reset */
};

/* An empty arena holding at most cap bytes (0: ARENA_DEFAULT_CAP). */
void arena_init(struct arena *ar, size_t cap);
/* size bytes aligned for any object, zeroed; NULL (and overflow) past the cap. */
void *arena_alloc(struct arena *ar, size_t size);
/*
 * p's allocation of old bytes made size bytes: in place when it is the block's last one,
 * else a new allocation holding p's old bytes (p stays as it was). p NULL: a new one.
 * NULL (and overflow) past the cap. For byte strings (no alignment beyond 1).
 */
void *arena_grow(struct arena *ar, void *p, size_t old, size_t size);
/* A copy of s; "" (and overflow) past the cap. Never NULL. */
const char *arena_strdup(struct arena *ar, const char *s);
/* Formatted text, whole; "" (and overflow) past the cap. Never NULL. */
const char *arena_printf(struct arena *ar, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *arena_vprintf(struct arena *ar, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* *s followed by the formatted text (in place when *s is the last allocation). 0, or
 * -ENOSPC past the cap: then *s is left as it was and overflow is set.
 */
int arena_appendf(struct arena *ar, const char **s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Bytes handed out since the last reset (alignment included). */
size_t arena_used(const struct arena *ar);
/* Everything given back but one block, kept for reuse; overflow cleared; the cap kept. */
void arena_reset(struct arena *ar);
/* Every block freed: an empty arena again (the cap kept). */
void arena_release(struct arena *ar);

#endif
