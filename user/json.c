// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "escape.h"
#include <time.h>

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void json_put_escaped(FILE *f, const char *s, size_t len)
{
	char buf[1024];
	size_t done = 0;

	/* escape in slices so long values are never truncated */
	while (done < len) {
		size_t slice = len - done < 128 ? len - done : 128;

		escape_buf(buf, sizeof(buf), s + done, slice, ESC_JSON, 1);
		fputs(buf, f);
		done += slice;
	}
}

static void json_prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		fputc('"', j->f);
		json_put_escaped(j->f, key, strlen(key));
		fputs("\":", j->f);
	}
}

static void json_push(struct json *j, const char *key, char open)
{
	json_prefix(j, key);
	fputc(open, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void json_pop(struct json *j, char close)
{
	fputc(close, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j, const char *key)
{
	json_push(j, key, '{');
}

void json_obj_end(struct json *j)
{
	json_pop(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	json_push(j, key, '[');
}

void json_arr_end(struct json *j)
{
	json_pop(j, ']');
}

void json_strn(struct json *j, const char *key, const char *val, size_t len)
{
	json_prefix(j, key);
	fputc('"', j->f);
	json_put_escaped(j->f, val, len);
	fputc('"', j->f);
}

void json_str(struct json *j, const char *key, const char *val)
{
	if (!val) {
		json_null(j, key);
		return;
	}
	json_strn(j, key, val, strlen(val));
}

void json_int(struct json *j, const char *key, long long val)
{
	json_prefix(j, key);
	fprintf(j->f, "%lld", val);
}

void json_uint(struct json *j, const char *key, unsigned long long val)
{
	json_prefix(j, key);
	fprintf(j->f, "%llu", val);
}

void json_double(struct json *j, const char *key, double val, int decimals)
{
	json_prefix(j, key);
	fprintf(j->f, "%.*f", decimals, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_prefix(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->f);
}

void json_line_end(struct json *j)
{
	fputc('\n', j->f);
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_time(struct json *j, const char *key, double wall)
{
	/* every time of every record in one format, the findings files' own: seconds since
	 * 1970-01-01 UTC with microseconds (jq: .time | todate); avcsnoop(8), FIELDS
	 */
	json_double(j, key, wall, 6);
}
