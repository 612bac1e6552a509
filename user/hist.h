/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The log2 latency histograms of watch mode (include/avcsnoop.h: hist_slot()): slot bounds,
 * bcc-style text and the Prometheus bucket bounds, in one place.
 */
#ifndef AVC_HIST_H
#define AVC_HIST_H

#include <stddef.h>
#include <stdio.h>

#include "avcsnoop.h"

/* Whole microseconds a slot holds, both inclusive: slot 0 is 0..1, slot i (i ≥ 1) is
 * 2^i..2^(i+1)-1; the last slot is open-ended (*hi = ~0ULL).
 */
void hist_slot_bounds(unsigned int slot, unsigned long long *lo, unsigned long long *hi);

/*
 * bcc's print_log2_hist layout:
 *      usecs               : count    distribution
 *          0 -> 1          : 0        |                                        |
 *          2 -> 3          : 12       |****************************************|
 * Rows from slot 0 to the last non-empty one; nothing when every slot is empty.
 */
void hist_print_log2(FILE *f, const __u32 *slots, unsigned int n, const char *unit);

/* The Prometheus "le" of a slot, in seconds: the slot's exclusive upper bound 2^(i+1) us
 * ("2e-06", "4e-06", ...). The last slot has none: it only counts in "+Inf". Returns 0, or
 * -ERANGE for the last slot.
 */
int hist_le_seconds(unsigned int slot, char *buf, size_t len);

#endif
