/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small strict JSON reader (RFC 8259) for one line: the reading half of user/json.h. Every
 * function returns 0 or -EINVAL, and the first (innermost) error goes to r->err as
 * "byte N: what was wrong". Strings are read as bytes: \u0000 only as the first byte (an
 * abstract unix name, read as '@'), \u0080-\u00ff as single bytes (what user/json.c writes
 * for bytes >= 0x80), other code points as UTF-8.
 */
#ifndef AVC_JSON_READ_H
#define AVC_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jr {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errsz;
};

int jr_fail(struct jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, reporting byte `at` (where a bad value starts) */
int jr_fail_at(struct jr *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The next byte after white space, or -1 at the end */
int jr_peek(struct jr *r);
int jr_expect(struct jr *r, char ch);
/* A string into out (NULL to skip it) */
int jr_string(struct jr *r, char *out, size_t outsz);
/* A string or null (read as "") */
int jr_opt_string(struct jr *r, char *out, size_t outsz);
/* A number (val may be NULL); finite only */
int jr_number(struct jr *r, double *val);
/* A plain non-negative integer (no sign, fraction or exponent) in 0..max; key names it */
int jr_uint(struct jr *r, const char *key, uint64_t max, uint64_t *val);
int jr_bool(struct jr *r, bool *val);
/* Consumes a null and says so, or leaves the input as it was */
bool jr_null(struct jr *r);
/* Any value, nested at most JR_MAX_DEPTH deep (depth: the current nesting) */
int jr_skip(struct jr *r, int depth);
/* '[' element (',' element)* ']', each element read by fn */
int jr_array(struct jr *r, int (*fn)(struct jr *r, void *arg), void *arg);
/* '{' "key": value (',' ...)* '}', each member read by fn */
int jr_object(struct jr *r, int (*fn)(struct jr *r, const char *key, void *arg), void *arg);

#endif
