/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Decoding of kernel events into records, and the one place that prints them: text columns
 * and JSON lines, to a FILE * given by the caller.
 */
#ifndef AVC_EVENT_H
#define AVC_EVENT_H

#include <stdbool.h>
#include <stdio.h>

#include "access.h"
#include "attrib.h"
#include "avcsnoop.h"
#include "finding.h"
#include "json.h"
#include "verdict.h"

#define REC_NAME_LEN  ACCESS_NAME_LEN
#define REC_MAX_PERMS ACCESS_MAX_PERMS

/*
 * One connect attempt, or one watch counter row (all attempts of one key), decoded and then
 * enriched. Two constructors make it, one per source (record_from_event,
 * record_from_counter); nothing after them knows which. Strings are raw: printers escape.
 */
struct conn_record {
	/* the access (user/access.h): r->comm, ..., or r->access whole. verdict is
	 * refine_verdict(kernel_verdict, what user space knows); err the attempt's final errno;
	 * dport the destination's port (bind: the local port asked for); the SELinux members
	 * when has_selinux
	 */
	ACCESS_EMBED;
	/* what the kernel recorded */
	__u64 cgroup_id;
	__u32 tid;	   /* 0 for a counter row: the thread is not kept */
	__u32 uid;	   /* 0 for a counter row */
	bool has_ret;	   /* false for a counter row: the syscall's return is not kept */
	__s32 ret;	   /* connect()'s return value */
	__s32 lsm_err;	   /* security_socket_connect()'s verdict, when AF_LSM_SEEN */
	__u32 flags;	   /* enum avc_attempt_flag (OR of a row's attempts) */
	__u64 duration_ns; /* entry to outcome; a counter row's mean */
	__u64 count;	   /* attempts it stands for: 1 for an event */
	struct avc_decision sel;
	bool has_names; /* the kernel captured names (struct avc_sel_names) */
	struct avc_sel_names names;
	enum avc_verdict kernel_verdict; /* classify_attempt()'s, in-kernel */
	/* decoded */
	double wall;		     /* unix time of the attempt (a row's last), seconds */
	char path[AVC_PATH_LEN + 1]; /* unix name without the abstract NUL; may hold NULs */
	unsigned int path_len;
	bool abstract;
	/* SELinux, when the SELinux path saw a decision (or user space derived one) */
	bool has_selinux;
	char source_type[REC_NAME_LEN];
	char target_type[REC_NAME_LEN];
	bool sel_audited;
	bool sel_permissive;
	bool derived; /* names rebuilt in user space (no audit record to take them from) */
	/* Following SELinux: the policy load sequence number of the attempt's time (as the
	 * events ring told), and, when the facts user space added came from another policy
	 * (the reader was late by more than a change), that policy's number; else 0.
	 */
	unsigned long policy_seqno;
	unsigned long judged_seqno;
	bool audit_from_policy; /* audited decided from the auditdeny bit (no audit tracepoint) */
	const char *lsms;	/* active LSMs, named for lsm_denied */
	char domain[64];	/* --domain: the task's domain (one of the types asked for) */
};

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
/* "127.0.0.1:3000", "[::1]:3000", "/run/x.sock", "@name" — unescaped, may be cut to len; for a
 * bind, the local address asked for ("0.0.0.0:8081")
 */
void record_dest(const struct conn_record *r, char *buf, size_t len);

/* The finding a record stands for (count 1), for the recommender and exports. */
void record_to_finding(const struct conn_record *r, struct finding *f);

void print_text_header(FILE *f);
void print_text(FILE *f, const struct conn_record *r);
void print_json(struct json *j, const struct conn_record *r);
struct sel_change;
/* A change of SELinux's state while tracing: {"type":"policy_change",...} or one text line. */
void sel_change_write_json(struct json *j, const struct sel_change *c);
void sel_change_print_text(FILE *f, const struct sel_change *c);
/* The record's "selinux" object (nothing when it has none), for every writer of records. */
void record_write_selinux_json(struct json *j, const struct conn_record *r);

#endif
