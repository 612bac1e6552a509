/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One row of `avcsnoop watch`: the in-kernel counters of one (comm, destination, verdict,
 * errno), merged over cgroups, with the names enrich gives its last attempt.
 */
#ifndef AVC_WATCH_H
#define AVC_WATCH_H

#include <stdbool.h>

#include "avcsnoop.h"
#include "event.h"
#include "metrics.h"

struct watch_row {
	struct agg_key key; /* a merged row keeps one of its cgroups' ids */
	struct agg_val val; /* counts, sums and histograms summed over the merged entries */
	struct avc_sel_names names;
	bool has_names;
	unsigned int ncgroups;
	unsigned long long delta; /* attempts since the previous report */
	/* named: record_from_counter + enrich (the refined verdict is rec.verdict) */
	struct conn_record rec;
	char port_type[64];
};

/* Display order, by the refined verdict: hidden SELinux denials first, then other SELinux
 * (permissive would-denies included), other failures, the rest; by count within each.
 */
int watch_row_rank(const struct watch_row *r);
int watch_row_cmp(const void *a, const void *b);
/* The Prometheus series of a named row. */
void watch_row_series(const struct watch_row *r, struct prom_series *s);

#endif
