/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A set of distinct findings: one entry per (source, destination, class, permission,
 * verdict), with counts and first/last seen merged. Used by `recommend` to advise once per
 * finding and by `trace`/`watch --export`.
 */
#ifndef AVC_FINDING_SET_H
#define AVC_FINDING_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

struct finding_set {
	struct finding *v;
	size_t n, cap;
};

/* Same source (comm, scontext), destination, class, permissions and verdict/flags. */
bool finding_same(const struct finding *a, const struct finding *b);
/* Add f (count 0 counts as 1), merging into an equal finding. 0 or -ENOMEM. */
int finding_set_add(struct finding_set *s, const struct finding *f);
void finding_set_free(struct finding_set *s);

#endif
