/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Escaping of every string that comes from the kernel or a file before it is printed. */
#ifndef AVC_ESCAPE_H
#define AVC_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

enum esc_style {
	ESC_TEXT, /* C-like: \n \t \\ \xNN for control bytes, bytes >= 0x7f and '"' */
	ESC_JSON, /* inside a JSON string: \" \\ \n \uXXXX; bytes >= 0x80 become \u00XX */
	ESC_TERM, /* the program's own text whose untrusted parts were escaped (ESC_TEXT) when it
		   * was built: only control bytes (but \n, \t) and DEL become \xNN, a safety net;
		   * UTF-8, quotes and backslashes stay */
};

/*
 * Escape src[0..len) (stopping early at a NUL unless keep_nul) into dst of size dstsz,
 * always NUL-terminated. Output that does not fit ends in "..." so truncation is visible.
 * Returns the length written (without the NUL).
 */
size_t escape_buf(char *dst, size_t dstsz, const char *src, size_t len, enum esc_style style,
		  int keep_nul);

/* Convenience for a NUL-terminated string. */
size_t escape_str(char *dst, size_t dstsz, const char *src, enum esc_style style);

/* Write s to out with ESC_TERM escaping, however long it is. */
void fputs_safe(const char *s, FILE *out);

#endif
