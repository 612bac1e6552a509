// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "metrics.h"

int prom_escape_label(char *dst, size_t dstsz, const char *src)
{
	const unsigned char *c;
	size_t n = 0;

	if (!dstsz)
		return -ENOSPC;
	for (c = (const unsigned char *)src; *c; c++) {
		char piece[8];
		size_t plen;

		/* layer 1 gives \xNN, layer 2 doubles its backslash: \\xNN in the file */
		if (*c == '\\' || *c < 0x20 || *c >= 0x7f)
			plen = (size_t)snprintf(piece, sizeof(piece), "\\\\x%02x", *c);
		else if (*c == '"')
			plen = (size_t)snprintf(piece, sizeof(piece), "\\\"");
		else
			plen = (size_t)snprintf(piece, sizeof(piece), "%c", *c);
		if (n + plen >= dstsz) {
			dst[n] = '\0'; /* never cut an escape in half */
			return -ENOSPC;
		}
		memcpy(dst + n, piece, plen);
		n += plen;
	}
	dst[n] = '\0';
	return 0;
}

static int series_cmp(const void *a, const void *b)
{
	const struct prom_series *x = a, *y = b;
	int d;

	d = strcmp(x->comm, y->comm);
	if (!d)
		d = strcmp(x->dest, y->dest);
	if (!d)
		d = strcmp(x->verdict, y->verdict);
	if (!d)
		d = strcmp(x->errno_name, y->errno_name);
	if (!d)
		d = strcmp(x->op ? x->op : "connect", y->op ? y->op : "connect");
	if (!d)
		d = strcmp(x->unit, y->unit);
	if (!d)
		d = strcmp(x->container, y->container);
	return d;
}

size_t prom_merge_series(struct prom_series *s, size_t n)
{
	size_t i, m, slot;

	if (n < 2)
		return n;
	qsort(s, n, sizeof(*s), series_cmp);
	for (i = 1, m = 1; i < n; i++) {
		struct prom_series *into = &s[m - 1];

		if (series_cmp(into, &s[i])) {
			if (m != i)
				s[m] = s[i];
			m++;
			continue;
		}
		into->count += s[i].count;
		into->sum_ns += s[i].sum_ns;
		for (slot = 0; slot < AVC_HIST_SLOTS; slot++)
			into->hist[slot] += s[i].hist[slot];
	}
	return m;
}

static void labels(FILE *f, const struct prom_series *s, const char *le)
{
	char comm[PROM_LABEL_SIZE(sizeof(s->comm))], dest[PROM_LABEL_SIZE(sizeof(s->dest))];
	char unit[PROM_LABEL_SIZE(sizeof(s->unit))];

	/* sized for any string the fields hold: cannot fail. A container id is 64 hex digits
	 * (user/attrib.c accepts nothing else): nothing to escape.
	 */
	prom_escape_label(comm, sizeof(comm), s->comm);
	prom_escape_label(dest, sizeof(dest), s->dest);
	prom_escape_label(unit, sizeof(unit), s->unit);
	fprintf(f,
		"{comm=\"%s\",dest=\"%s\",verdict=\"%s\",errno=\"%s\",op=\"%s\",unit=\"%s\","
		"container=\"%s\"",
		comm, dest, s->verdict, s->errno_name, s->op ? s->op : "connect", unit,
		s->container);
	if (le)
		fprintf(f, ",le=\"%s\"", le);
	fputc('}', f);
}

void prom_write(FILE *f, const struct prom_series *s, size_t n, const struct prom_totals *t)
{
	unsigned long long cum;
	char le[32];
	size_t i;
	unsigned int slot;

	fputs("# HELP avcsnoop_connect_attempts_total connect() and bind() attempts by process, "
	      "destination (bind: the local address), verdict, errno, op, systemd unit and "
	      "container.\n# TYPE avcsnoop_connect_attempts_total counter\n",
	      f);
	for (i = 0; i < n; i++) {
		fputs("avcsnoop_connect_attempts_total", f);
		labels(f, &s[i], NULL);
		fprintf(f, " %llu\n", s[i].count);
	}
	fputs("# HELP avcsnoop_connect_duration_seconds connect() and bind() latency, from the "
	      "syscall to its outcome.\n# TYPE avcsnoop_connect_duration_seconds histogram\n",
	      f);
	for (i = 0; i < n; i++) {
		cum = 0;
		for (slot = 0; slot < AVC_HIST_SLOTS; slot++) {
			cum += s[i].hist[slot];
			if (hist_le_seconds(slot, le, sizeof(le)))
				continue; /* the open-ended slot: only in +Inf */
			fputs("avcsnoop_connect_duration_seconds_bucket", f);
			labels(f, &s[i], le);
			fprintf(f, " %llu\n", cum);
		}
		/* +Inf and _count from the same slots, so they agree even while counting */
		fputs("avcsnoop_connect_duration_seconds_bucket", f);
		labels(f, &s[i], "+Inf");
		fprintf(f, " %llu\n", cum);
		fputs("avcsnoop_connect_duration_seconds_sum", f);
		labels(f, &s[i], NULL);
		fprintf(f, " %.9f\n", (double)s[i].sum_ns / 1e9);
		fputs("avcsnoop_connect_duration_seconds_count", f);
		labels(f, &s[i], NULL);
		fprintf(f, " %llu\n", cum);
	}
	fprintf(f,
		"# HELP avcsnoop_traced_attempts_total connect() and bind() calls that passed avcsnoop's "
		"filters.\n# TYPE avcsnoop_traced_attempts_total counter\n"
		"avcsnoop_traced_attempts_total %llu\n"
		"# HELP avcsnoop_counter_overflow_total attempts not counted: the counter table was "
		"full.\n# TYPE avcsnoop_counter_overflow_total counter\n"
		"avcsnoop_counter_overflow_total %llu\n"
		"# HELP avcsnoop_counter_over_quota_total attempts not counted: their cgroup group "
		"(a service, a user's slice, a container) used its share of the counter table.\n"
		"# TYPE avcsnoop_counter_over_quota_total counter\n"
		"avcsnoop_counter_over_quota_total %llu\n"
		"# HELP avcsnoop_counter_entries entries in use in the counter table.\n"
		"# TYPE avcsnoop_counter_entries gauge\navcsnoop_counter_entries %llu\n"
		"# HELP avcsnoop_counter_max_entries size of the counter table (--max-entries).\n"
		"# TYPE avcsnoop_counter_max_entries gauge\navcsnoop_counter_max_entries %llu\n"
		"# HELP avcsnoop_write_errors_total reports whose files could not be written (a "
		"full disk); counting went on.\n# TYPE avcsnoop_write_errors_total counter\n"
		"avcsnoop_write_errors_total %llu\n",
		t->attempts, t->overflow, t->over_quota, t->entries, t->max_entries,
		t->write_errors);
}
