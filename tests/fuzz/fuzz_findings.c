// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer target: one findings JSON line. What is read must write back and read the same. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finding f, g;
	char err[256], *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *mem;
	int ret;

	ret = finding_read_json((const char *)data, size, &f, err, sizeof(err));
	if (ret < 0 && strncmp(err, "byte ", 5))
		abort(); /* every error names its position */
	if (ret != FINDING_READ_OK)
		return 0;
	mem = open_memstream(&buf, &len);
	if (!mem)
		return 0;
	json_init(&j, mem);
	finding_write_json(&j, &f);
	fclose(mem);
	ret = finding_read_json(buf, len, &g, err, sizeof(err));
	/* contexts without a selinux object are written as null: both sides then agree */
	if (ret != FINDING_READ_OK || !same(&f, &g)) {
		fprintf(stderr, "round trip failed (%d %s): %s\n", ret, err, buf);
		abort();
	}
	free(buf);
	return 0;
}
