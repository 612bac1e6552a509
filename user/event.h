/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Decoding of kernel events into records, and the one place that prints them: text columns
 * and JSON lines, to a FILE * given by the caller.
 */
#ifndef AVC_EVENT_H
#define AVC_EVENT_H

#include <stdbool.h>
#include <stdio.h>

#include "avcsnoop.h"
#include "finding.h"
#include "json.h"
#include "verdict.h"

#define REC_NAME_LEN  64
#define REC_MAX_PERMS 4

/* A decoded, enriched connect attempt. Strings are raw: printers escape them. */
struct conn_record {
	const struct conn_event *ev;
	const struct avc_sel_names *names; /* NULL when the kernel captured none */
	enum avc_verdict verdict;    /* the kernel's, unless user space learned more (permissive) */
	double wall;		     /* unix time of the attempt, seconds */
	char daddr[64];		     /* printable IP address, "" for unix */
	char path[AVC_PATH_LEN + 1]; /* unix name without the abstract NUL; may hold NULs */
	unsigned int path_len;
	bool abstract;
	/* SELinux, when the SELinux path saw a decision (or user space derived one) */
	bool has_selinux;
	char scontext[256];
	char tcontext[256];
	char tclass[REC_NAME_LEN];
	char perms[REC_MAX_PERMS][REC_NAME_LEN];
	int nperms;
	char source_type[REC_NAME_LEN];
	char target_type[REC_NAME_LEN];
	char object[256]; /* the path component a dir/sock_file denial was about, if found */
	bool sel_audited;
	bool sel_permissive;
	bool derived;	       /* names rebuilt in user space (no audit record to take them from) */
	const char *hidden_by; /* "dontaudit", "audit_off", or NULL when unknown / not hidden */
	bool audit_from_policy; /* audited decided from the auditdeny bit (no audit tracepoint) */
	const char *lsms;	/* active LSMs, named for lsm_denied */
};

/* Offset to add to bpf_ktime_get_ns() (CLOCK_MONOTONIC) to get unix time. */
double mono_to_wall_offset(void);
/* size: of the ring-buffer record; a struct conn_event_sel carries names */
void record_decode(struct conn_record *r, const struct conn_event *e, size_t size,
		   double wall_offset);
/*
 * A watch-mode counter (include/avcsnoop.h struct agg_key/agg_val, names from agg_names or
 * NULL) as the event of its last attempt, so that it is decoded and named by the same code
 * as a traced event (record_decode, enrich_record). Returns the size for record_decode.
 */
size_t agg_to_event(const struct agg_key *k, const struct agg_val *v,
		    const struct avc_sel_names *names, struct conn_event_sel *out);
/* "127.0.0.1:3000", "[::1]:3000", "/run/x.sock", "@name" — unescaped, may be cut to len */
void record_dest(const struct conn_record *r, char *buf, size_t len);

/* The finding a record stands for (count 1), for the recommender and exports. */
void record_to_finding(const struct conn_record *r, struct finding *f);

void print_text_header(FILE *f);
void print_text(FILE *f, const struct conn_record *r);
void print_json(struct json *j, const struct conn_record *r);

#endif
