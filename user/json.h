/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A small streaming JSON writer: one object per line (JSON lines), every string escaped. */
#ifndef AVC_JSON_H
#define AVC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
/* key is NULL for array members and for the top-level value */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
/* a byte buffer that may hold NULs (abstract unix names) */
void json_strn(struct json *j, const char *key, const char *val, size_t len);
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_double(struct json *j, const char *key, double val, int decimals);
void json_bool(struct json *j, const char *key, bool val);
/* unix time as ISO 8601 UTC with microseconds: "2026-12-01T22:26:33.324567Z" */
void json_time(struct json *j, const char *key, double wall);
void json_null(struct json *j, const char *key);
/* ends the current top-level value with a newline and flushes nothing */
void json_line_end(struct json *j);

#endif
