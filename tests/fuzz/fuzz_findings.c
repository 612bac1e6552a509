// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: one findings JSON line. What is read must write back and read the same,
 * and writing that again must give the same bytes (the writer emits nothing the reader
 * refuses or changes: numbers at their limits, times rounded to microseconds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_io.h"

static int same(const struct finding *a, const struct finding *b)
{
	int i;

	if (strcmp(a->comm, b->comm) || strcmp(a->scontext, b->scontext) ||
	    strcmp(a->tcontext, b->tcontext) || strcmp(a->tclass, b->tclass) ||
	    strcmp(a->daddr, b->daddr) || strcmp(a->path, b->path) || a->pid != b->pid ||
	    a->dport != b->dport || a->family != b->family || a->verdict != b->verdict ||
	    a->err != b->err || a->hidden != b->hidden || a->permissive != b->permissive ||
	    a->count != b->count || a->nperms != b->nperms)
		return 0;
	for (i = 0; i < a->nperms; i++)
		if (strcmp(a->perms[i], b->perms[i]))
			return 0;
	return 1;
}

/* f as one JSON line in a malloc'd buffer (NULL when out of memory) */
static char *write_line(const struct finding *f, size_t *len)
{
	char *buf = NULL;
	struct json j;
	FILE *mem;

	*len = 0;
	mem = open_memstream(&buf, len);
	if (!mem)
		return NULL;
	json_init(&j, mem);
	finding_write_json(&j, f);
	if (fclose(mem)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *buf, *again;
	struct finding f, g;
	size_t len, len2;
	int ret;

	ret = finding_read_json((const char *)data, size, &f, err, sizeof(err));
	if (ret < 0 && strncmp(err, "byte ", 5))
		abort(); /* every error names its position */
	if (ret != FINDING_READ_OK)
		return 0;
	if (!finding_time_valid(f.first_seen) || !finding_time_valid(f.last_seen) ||
	    f.count > FINDING_COUNT_MAX || f.err < 0 || f.err > FINDING_ERRNO_MAX)
		abort(); /* the reader let an out-of-range number through */
	buf = write_line(&f, &len);
	if (!buf)
		return 0;
	ret = finding_read_json(buf, len, &g, err, sizeof(err));
	/* contexts without a selinux object are written as null: both sides then agree */
	if (ret != FINDING_READ_OK || !same(&f, &g)) {
		fprintf(stderr, "round trip failed (%d %s): %s\n", ret, err, buf);
		abort();
	}
	again = write_line(&g, &len2);
	if (again && (len2 != len || memcmp(buf, again, len))) {
		fprintf(stderr, "second write differs:\n%s%s", buf, again);
		abort();
	}
	free(again);
	free(buf);
	return 0;
}
