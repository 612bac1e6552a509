// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "finding_set.h"

bool finding_same(const struct finding *a, const struct finding *b)
{
	int i;

	if (a->verdict != b->verdict || a->dport != b->dport || a->nperms != b->nperms ||
	    a->hidden != b->hidden || a->permissive != b->permissive || strcmp(a->comm, b->comm) ||
	    strcmp(a->scontext, b->scontext) || strcmp(a->tcontext, b->tcontext) ||
	    strcmp(a->tclass, b->tclass) || strcmp(a->path, b->path) || strcmp(a->daddr, b->daddr))
		return false;
	for (i = 0; i < a->nperms; i++)
		if (strcmp(a->perms[i], b->perms[i]))
			return false;
	return true;
}

int finding_set_add(struct finding_set *s, const struct finding *f)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct finding *e = &s->v[i];

		if (!finding_same(e, f))
			continue;
		e->count += f->count ? f->count : 1;
		if (f->first_seen && (!e->first_seen || f->first_seen < e->first_seen))
			e->first_seen = f->first_seen;
		if (f->last_seen > e->last_seen)
			e->last_seen = f->last_seen;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct finding *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n] = *f;
	if (!s->v[s->n].count)
		s->v[s->n].count = 1;
	s->n++;
	return 0;
}

void finding_set_free(struct finding_set *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
