/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Decoding of kernel events into records, and the one place that prints them: text columns
 * and JSON lines, to a FILE * given by the caller.
 */
#ifndef AVC_EVENT_H
#define AVC_EVENT_H

#include <stdbool.h>
#include <stdio.h>

#include "attrib.h"
#include "avcsnoop.h"
#include "finding.h"
#include "findings_io.h"
#include "json.h"
#include "record.h"
#include "verdict.h"

/* Offset to add to bpf_ktime_get_ns() (CLOCK_MONOTONIC) to get unix time. */
double mono_to_wall_offset(void);
/* A ring-buffer event; size tells whether it is a struct conn_event_sel (with names). */
void record_from_event(struct conn_record *r, const struct conn_event *e, size_t size,
		       double wall_offset);
/* A watch counter row (include/avcsnoop.h agg_key/agg_val; names from agg_names or NULL):
 * its last attempt's process and SELinux decision, its mean latency, its count.
 */
void record_from_counter(struct conn_record *r, const struct agg_key *k, const struct agg_val *v,
			 const struct avc_sel_names *names, double wall_offset);

/* The finding a record stands for (count 1), for the recommender and exports. */
void record_to_finding(const struct conn_record *r, struct finding *f);

void print_text_header(FILE *f);
void print_text(FILE *f, const struct conn_record *r);
struct sel_change;
/* A change of SELinux's state while tracing: {"type":"policy_change",...} or one text line. */
void sel_change_write_json(struct json *j, const struct sel_change *c);
void sel_change_print_text(FILE *f, const struct sel_change *c);

#endif
