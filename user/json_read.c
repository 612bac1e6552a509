// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The strict JSON reader (RFC 8259) behind avcsnoop's findings: see user/json_read.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_read.h"

#define JR_MAX_DEPTH 32

static int jr_vfail(struct jr *r, const char *fmt, va_list ap)
{
	char what[160];

	if (r->err[0])
		return -EINVAL; /* keep the first, innermost error */
	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(r->err, r->errsz, "byte %zu: %s", r->pos + 1, what);
	return -EINVAL;
}

int jr_fail(struct jr *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = jr_vfail(r, fmt, ap);
	va_end(ap);
	return ret;
}

/* An error about the value that starts at byte at: a value is judged after it is read. */
int jr_fail_at(struct jr *r, size_t at, const char *fmt, ...)
{
	va_list ap;
	int ret;

	r->pos = at;
	va_start(ap, fmt);
	ret = jr_vfail(r, fmt, ap);
	va_end(ap);
	return ret;
}

static void jr_ws(struct jr *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
				   r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
		r->pos++;
}

int jr_peek(struct jr *r)
{
	jr_ws(r);
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

int jr_expect(struct jr *r, char ch)
{
	if (jr_peek(r) != (unsigned char)ch)
		return jr_fail(r, "expected '%c'", ch);
	r->pos++;
	return 0;
}

static int jr_hex4(struct jr *r, unsigned int *cp)
{
	unsigned int v = 0;
	int i;

	*cp = 0;
	if (r->len - r->pos < 4)
		return jr_fail(r, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char ch = r->s[r->pos++];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned int)(ch - 'A' + 10);
		else
			return jr_fail(r, "bad hex digit in \\u escape");
	}
	*cp = v;
	return 0;
}

static int jr_put(struct jr *r, char *out, size_t outsz, size_t *n, const char *bytes, size_t nb)
{
	if (!out) /* skipping */
		return 0;
	if (*n + nb >= outsz)
		return jr_fail(r, "string longer than %zu bytes", outsz - 1);
	memcpy(out + *n, bytes, nb);
	*n += nb;
	return 0;
}

/* A string into out (NUL-terminated; NULL to skip). A NUL (\u0000) is refused except as the
 * first byte, where it marks an abstract unix name and becomes '@'. \u0080-\u00ff are single
 * bytes (see below); higher code points become UTF-8.
 */
int jr_string(struct jr *r, char *out, size_t outsz)
{
	size_t n = 0;

	if (jr_expect(r, '"'))
		return -EINVAL;
	while (1) {
		unsigned char ch;
		char enc[4];

		if (r->pos >= r->len)
			return jr_fail(r, "unterminated string");
		ch = (unsigned char)r->s[r->pos++];
		if (ch == '"')
			break;
		if (ch < 0x20)
			return jr_fail(r, "control byte %#x inside a string", ch);
		if (ch != '\\') {
			if (jr_put(r, out, outsz, &n, (char *)&ch, 1))
				return -EINVAL;
			continue;
		}
		if (r->pos >= r->len)
			return jr_fail(r, "unterminated escape");
		ch = (unsigned char)r->s[r->pos++];
		switch (ch) {
		case '"':
		case '\\':
		case '/':
			enc[0] = (char)ch;
			break;
		case 'b':
			enc[0] = '\b';
			break;
		case 'f':
			enc[0] = '\f';
			break;
		case 'n':
			enc[0] = '\n';
			break;
		case 'r':
			enc[0] = '\r';
			break;
		case 't':
			enc[0] = '\t';
			break;
		case 'u': {
			unsigned int cp, lo;
			size_t nb;

			if (jr_hex4(r, &cp))
				return -EINVAL;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->len - r->pos < 6 || r->s[r->pos] != '\\' ||
				    r->s[r->pos + 1] != 'u')
					return jr_fail(r, "lone UTF-16 surrogate");
				r->pos += 2;
				if (jr_hex4(r, &lo))
					return -EINVAL;
				if (lo < 0xdc00 || lo > 0xdfff)
					return jr_fail(r, "bad UTF-16 surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return jr_fail(r, "lone UTF-16 surrogate");
			}
			if (cp == 0) {
				if (n)
					return jr_fail(r, "NUL inside a string");
				cp = '@';
			}
			if (cp < 0x100) {
				/* user/escape.c writes every byte >= 0x80 as \u00XX (kernel strings
				 * need not be UTF-8): read it back as that byte, so our own lines
				 * round-trip exactly
				 */
				enc[0] = (char)cp;
				nb = 1;
			} else if (cp < 0x800) {
				enc[0] = (char)(0xc0 | cp >> 6);
				enc[1] = (char)(0x80 | (cp & 0x3f));
				nb = 2;
			} else if (cp < 0x10000) {
				enc[0] = (char)(0xe0 | cp >> 12);
				enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				enc[2] = (char)(0x80 | (cp & 0x3f));
				nb = 3;
			} else {
				enc[0] = (char)(0xf0 | cp >> 18);
				enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
				enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
				enc[3] = (char)(0x80 | (cp & 0x3f));
				nb = 4;
			}
			if (jr_put(r, out, outsz, &n, enc, nb))
				return -EINVAL;
			continue;
		}
		default:
			return jr_fail(r, "bad escape \\%c", ch);
		}
		if (jr_put(r, out, outsz, &n, enc, 1))
			return -EINVAL;
	}
	if (out)
		out[n] = '\0';
	return 0;
}

int jr_number(struct jr *r, double *val)
{
	size_t start, digits;
	char buf[64];

	if (val)
		*val = 0; /* NULL: skip the number */
	jr_ws(r);
	start = r->pos;
	if (r->pos < r->len && r->s[r->pos] == '-')
		r->pos++;
	if (r->pos < r->len && r->s[r->pos] == '0') {
		r->pos++;
	} else {
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "expected a value");
	}
	if (r->pos < r->len && r->s[r->pos] == '.') {
		r->pos++;
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "digits expected after '.'");
	}
	if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
			r->pos++;
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "digits expected in exponent");
	}
	if (r->pos - start >= sizeof(buf)) {
		r->pos = start;
		return jr_fail(r, "number longer than %zu bytes", sizeof(buf) - 1);
	}
	memcpy(buf, r->s + start, r->pos - start);
	buf[r->pos - start] = '\0';
	if (val)
		*val = strtod(buf, NULL);
	return 0;
}

static int jr_literal(struct jr *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n))
		return jr_fail(r, "expected a value");
	r->pos += n;
	return 0;
}

int jr_skip(struct jr *r, int depth)
{
	int ch = jr_peek(r);

	if (depth > JR_MAX_DEPTH)
		return jr_fail(r, "nested deeper than %d", JR_MAX_DEPTH);
	switch (ch) {
	case '"':
		return jr_string(r, NULL, 0);
	case 't':
		return jr_literal(r, "true");
	case 'f':
		return jr_literal(r, "false");
	case 'n':
		return jr_literal(r, "null");
	case '{':
	case '[': {
		char close = ch == '{' ? '}' : ']';

		r->pos++;
		if (jr_peek(r) == close) {
			r->pos++;
			return 0;
		}
		while (1) {
			if (ch == '{' && (jr_string(r, NULL, 0) || jr_expect(r, ':')))
				return -EINVAL;
			if (jr_skip(r, depth + 1))
				return -EINVAL;
			if (jr_peek(r) == ',') {
				r->pos++;
				continue;
			}
			return jr_expect(r, close);
		}
	}
	default:
		return jr_number(r, NULL);
	}
}

int jr_bool(struct jr *r, bool *val)
{
	int ch = jr_peek(r);

	if (ch == 't' && !jr_literal(r, "true")) {
		*val = true;
		return 0;
	}
	if (ch == 'f' && !jr_literal(r, "false")) {
		*val = false;
		return 0;
	}
	return jr_fail(r, "expected true or false");
}

/*
 * An unsigned integer member in 0..max, in the form our writer uses: digits only. A sign, a
 * fraction or an exponent is refused rather than rounded, so what is accepted is exact.
 */
int jr_uint(struct jr *r, const char *key, uint64_t max, uint64_t *val)
{
	uint64_t v = 0;
	bool over = false;
	size_t start, i;

	*val = 0;
	if (jr_peek(r) != '-' && (jr_peek(r) < '0' || jr_peek(r) > '9'))
		return jr_fail(r, "%s: expected a number", key);
	start = r->pos;
	if (jr_number(r, NULL))
		return -EINVAL;
	if (r->s[start] == '-')
		return jr_fail_at(r, start, "%s out of range: 0..%" PRIu64, key, max);
	for (i = start; i < r->pos; i++) {
		unsigned int digit = (unsigned int)(r->s[i] - '0');

		if (digit > 9)
			return jr_fail_at(
				r, start,
				"%s must be an integer (no fraction or exponent): 0..%" PRIu64, key,
				max);
		if (v > (max - digit) / 10)
			over = true;
		else
			v = v * 10 + digit;
	}
	if (over)
		return jr_fail_at(r, start, "%s out of range: 0..%" PRIu64, key, max);
	*val = v;
	return 0;
}

bool jr_null(struct jr *r)
{
	if (jr_peek(r) == 'n' && !jr_literal(r, "null"))
		return true;
	return false;
}

/* A string member, or null for "". */
int jr_opt_string(struct jr *r, char *out, size_t outsz)
{
	if (jr_null(r)) {
		out[0] = '\0';
		return 0;
	}
	return jr_string(r, out, outsz);
}

/* '[' element (',' element)* ']', each element read by fn. */
int jr_array(struct jr *r, int (*fn)(struct jr *r, void *arg), void *arg)
{
	if (jr_expect(r, '['))
		return -EINVAL;
	if (jr_peek(r) == ']') {
		r->pos++;
		return 0;
	}
	while (1) {
		if (fn(r, arg))
			return -EINVAL;
		if (jr_peek(r) == ',') {
			r->pos++;
			continue;
		}
		return jr_expect(r, ']');
	}
}

/* '{' "key": value (',' ...)* '}', each member read by fn. */
int jr_object(struct jr *r, int (*fn)(struct jr *r, const char *key, void *arg), void *arg)
{
	char key[256]; /* unknown members are skipped, not refused for a long name */

	if (jr_expect(r, '{'))
		return -EINVAL;
	if (jr_peek(r) == '}') {
		r->pos++;
		return 0;
	}
	while (1) {
		if (jr_peek(r) != '"')
			return jr_fail(r, "expected a key");
		if (jr_string(r, key, sizeof(key)) || jr_expect(r, ':') || fn(r, key, arg))
			return -EINVAL;
		if (jr_peek(r) == ',') {
			r->pos++;
			continue;
		}
		return jr_expect(r, '}');
	}
}
