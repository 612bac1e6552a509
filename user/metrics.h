/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Watch mode's counters as a node_exporter textfile (Prometheus text exposition format 0.0.4):
 *   avcsnoop_connect_attempts_total{comm,dest,verdict,errno,unit,container}     counter
 *   avcsnoop_connect_duration_seconds{comm,dest,verdict,errno,unit,container}   histogram
 *   avcsnoop_traced_attempts_total, avcsnoop_counter_overflow_total, avcsnoop_counter_entries,
 *   avcsnoop_counter_max_entries
 */
#ifndef AVC_METRICS_H
#define AVC_METRICS_H

#include <stddef.h>
#include <stdio.h>

#include "attrib.h"
#include "avcsnoop.h"

/* node_exporter reads the textfile as its own user: world-readable, root-writable. */
#define PROM_FILE_MODE 0644

/* One labelled series: raw strings (escaped when written). */
struct prom_series {
	char comm[AVC_COMM_LEN + 1];
	char dest[512];
	const char *verdict; /* verdict_name() */
	const char *op;	     /* op_name(): "connect", "bind"; NULL is "connect" */
	char errno_name[16];
	char unit[ATTRIB_UNIT_LEN];	  /* "" when unknown: the label is then "" */
	char container[ATTRIB_LABEL_LEN]; /* id, "rootless:<id>", "" when not in a container */
	unsigned long long count;
	unsigned long long sum_ns;
	__u32 hist[AVC_HIST_SLOTS];
};

struct prom_totals {
	unsigned long long attempts;   /* STAT_ATTEMPTS: connects that passed the filters */
	unsigned long long overflow;   /* STAT_AGG_OVERFLOW */
	unsigned long long over_quota; /* STAT_AGG_QUOTA */
	unsigned long long entries;    /* counter table entries in use */
	unsigned long long max_entries;
	unsigned long long write_errors; /* reports whose files could not be written (ENOSPC) */
};

/*
 * Label values are written reversibly, in two layers, so that distinct strings always give
 * distinct label values (two series never share a label set by accident):
 *
 *   1. The label value: printable ASCII (0x20-0x7e) other than the backslash stands for
 *      itself; every other byte, the backslash included, becomes the four characters \xNN
 *      (lower-case hex). A backslash is \x5c, byte 0x01 is \x01, and the four characters
 *      "\x01" are \x5cx01. Every backslash in a value starts such an escape, so a consumer
 *      decodes it unambiguously; the value is ASCII and holds no newline.
 *   2. The exposition format's own escaping of that value: \ -> \\, " -> \" (and newline ->
 *      \n, which step 1 leaves no occasion for).
 *
 * In the file, byte 0x01 is then \\x01, the text "\x01" is \\x5cx01, a backslash is \\x5c and
 * a double quote is \". PROM_LABEL_SIZE(n) bytes hold the escape of any n-byte string.
 */
#define PROM_LABEL_SIZE(n) (5 * (n) + 1)

/* Returns 0, or -ENOSPC when dst is too small: dst then holds the whole escapes that fit,
 * NUL-terminated, a prefix that must not be written as a label (it could name another string).
 */
int prom_escape_label(char *dst, size_t dstsz, const char *src);

/* Merge the series whose labels are equal, adding their counts, sums and histograms, so the
 * exposition never repeats a series: distinct counter keys can carry the same labels (a unix
 * path's bytes after its NUL; an abstract name's inner NUL, shown as '@'). Sorts s by its
 * labels; returns the number of series left.
 */
size_t prom_merge_series(struct prom_series *s, size_t n);

void prom_write(FILE *f, const struct prom_series *s, size_t n, const struct prom_totals *t);

#endif
