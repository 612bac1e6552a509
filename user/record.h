/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A trace record: one attempt or one watch counter row, made by user/event.c and written as a
 * "connect" line by user/findings_io.c.
 */
#ifndef AVC_RECORD_H
#define AVC_RECORD_H

#include <stdbool.h>

#include "access.h"
#include "attrib.h"
#include "avcsnoop.h"

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

#endif
