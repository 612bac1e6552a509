/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Watch mode's counters as a node_exporter textfile (Prometheus text exposition format 0.0.4):
 *   avcsnoop_connect_attempts_total{comm,dest,verdict,errno}     counter
 *   avcsnoop_connect_duration_seconds{comm,dest,verdict,errno}   histogram (log2 buckets)
 *   avcsnoop_traced_attempts_total, avcsnoop_counter_overflow_total, avcsnoop_counter_entries,
 *   avcsnoop_counter_max_entries
 */
#ifndef AVC_METRICS_H
#define AVC_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "avcsnoop.h"

/* node_exporter reads the textfile as its own user: world-readable, root-writable. */
#define PROM_FILE_MODE 0644

/* One labelled series: raw strings (escaped when written). */
struct prom_series {
	char comm[AVC_COMM_LEN + 1];
	char dest[512];
	const char *verdict; /* verdict_name() */
	char errno_name[16];
	unsigned long long count;
	unsigned long long sum_ns;
	__u32 hist[AVC_HIST_SLOTS];
};

struct prom_totals {
	unsigned long long attempts; /* STAT_ATTEMPTS: connects that passed the filters */
	unsigned long long overflow; /* STAT_AGG_OVERFLOW */
	unsigned long long entries;  /* counter table entries in use */
	unsigned long long max_entries;
};

/* A label value per the exposition format: \ → \\, " → \", newline → \n; other control
 * bytes and bytes ≥ 0x7f become the text \xNN (its backslash escaped), so the file stays
 * ASCII. Always NUL-terminated; returns the length.
 */
size_t prom_escape_label(char *dst, size_t dstsz, const char *src);

void prom_write(FILE *f, const struct prom_series *s, size_t n, const struct prom_totals *t);

#endif
