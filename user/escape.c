// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "escape.h"

/* The escaped form of one byte; returns its length (at most 6). */
static size_t escape_byte(char out[8], unsigned char c, enum esc_style style)
{
	static const char hex[] = "0123456789abcdef";

	if (style == ESC_TERM) {
		/* bytes >= 0x80 pass: the text's untrusted parts were escaped when it was built,
		 * what is left is the program's own UTF-8
		 */
		if ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t') {
			out[0] = (char)c;
			out[1] = '\0';
			return 1;
		}
		return (size_t)sprintf(out, "\\x%c%c", hex[c >> 4], hex[c & 0xf]);
	}

	switch (c) {
	case '\\':
		return (size_t)sprintf(out, "\\\\");
	case '"':
		return (size_t)sprintf(out, "\\\"");
	case '\n':
		return (size_t)sprintf(out, "\\n");
	case '\t':
		return (size_t)sprintf(out, "\\t");
	case '\r':
		return (size_t)sprintf(out, "\\r");
	default:
		break;
	}
	if (c >= 0x20 && c < 0x7f) {
		out[0] = (char)c;
		out[1] = '\0';
		return 1;
	}
	if (style == ESC_JSON)
		return (size_t)sprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 0xf]);
	return (size_t)sprintf(out, "\\x%c%c", hex[c >> 4], hex[c & 0xf]);
}

size_t escape_buf(char *dst, size_t dstsz, const char *src, size_t len, enum esc_style style,
		  int keep_nul)
{
	size_t n = 0, i;
	char piece[8];

	if (!dstsz)
		return 0;
	for (i = 0; i < len; i++) {
		size_t plen;

		if (!src[i] && !keep_nul)
			break;
		plen = escape_byte(piece, (unsigned char)src[i], style);
		/* keep room for "..." and the NUL */
		if (n + plen + 4 > dstsz) {
			size_t dots = dstsz - 1 - n < 3 ? dstsz - 1 - n : 3;

			memcpy(dst + n, "...", dots);
			n += dots;
			break;
		}
		memcpy(dst + n, piece, plen);
		n += plen;
	}
	dst[n] = '\0';
	return n;
}

size_t escape_str(char *dst, size_t dstsz, const char *src, enum esc_style style)
{
	return escape_buf(dst, dstsz, src, strlen(src), style, 0);
}

void fputs_safe(const char *s, FILE *out)
{
	size_t len = strlen(s), done = 0;
	char buf[1024];

	/* slices of 128 bytes escape to at most 512: never truncated */
	while (done < len) {
		size_t slice = len - done < 128 ? len - done : 128;

		escape_buf(buf, sizeof(buf), s + done, slice, ESC_TERM, 1);
		fputs(buf, out);
		done += slice;
	}
}
