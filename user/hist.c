// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "hist.h"

void hist_slot_bounds(unsigned int slot, unsigned long long *lo, unsigned long long *hi)
{
	if (slot == 0) {
		*lo = 0;
		*hi = 1;
	} else {
		*lo = 1ULL << slot;
		*hi = (1ULL << (slot + 1)) - 1;
	}
	if (slot >= AVC_HIST_SLOTS - 1)
		*hi = ~0ULL;
}

static void print_stars(FILE *f, unsigned long long val, unsigned long long max, int width)
{
	int n = max ? (int)(val * (unsigned long long)width / max) : 0, i;

	for (i = 0; i < width; i++)
		fputc(i < n ? '*' : ' ', f);
}

void hist_print_log2(FILE *f, const __u32 *slots, unsigned int n, const char *unit)
{
	unsigned long long max = 0, lo, hi;
	unsigned int i, last = 0;
	bool any = false;

	for (i = 0; i < n; i++) {
		if (slots[i]) {
			last = i;
			any = true;
		}
		if (slots[i] > max)
			max = slots[i];
	}
	if (!any)
		return;
	fprintf(f, "%*s%-*s : count    distribution\n", 5, "", 19, unit);
	for (i = 0; i <= last; i++) {
		hist_slot_bounds(i, &lo, &hi);
		if (hi == ~0ULL)
			fprintf(f, "%*llu -> %-*s : %-8u |", 10, lo, 10, "inf", slots[i]);
		else
			fprintf(f, "%*llu -> %-*llu : %-8u |", 10, lo, 10, hi, slots[i]);
		print_stars(f, slots[i], max, 40);
		fputs("|\n", f);
	}
}

int hist_le_seconds(unsigned int slot, char *buf, size_t len)
{
	if (slot >= AVC_HIST_SLOTS - 1)
		return -ERANGE;
	snprintf(buf, len, "%.9g", ldexp(1e-6, (int)slot + 1));
	return 0;
}
