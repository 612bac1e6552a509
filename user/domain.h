/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --domain TYPE (trace and watch): only tasks whose SELinux domain is TYPE. Every decision
 * about a task's domain is made here:
 *   the names   each TYPE is resolved through the policy (aliases to their primary type; an
 *               attribute or an unknown name is refused); a task's context always names the
 *               primary type, so a task matches when its context's type is one of them
 *   the kernel  (where user/probe.c finds it can read SIDs) drops attempts of SIDs known to
 *               be other domains' (map domain_sids) and reports unknown SIDs through the
 *               events ring; domain_learn() pairs the SID of every running task (task
 *               iterator, two passes that must agree) with its /proc/PID/task/TID/attr/current
 *               and writes the answers into the map: at start, before the programs attach,
 *               and whenever an unknown SID is reported
 *   user space  trace drops the events of attempts whose SID turned out another domain's
 *               (or whose domain could not be read: the task had gone), and without kernel
 *               support reads each event's task context itself (the capability line says so)
 */
#ifndef AVC_DOMAIN_H
#define AVC_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "avcsnoop.h"

#define DOMAIN_MAX_TYPES 8
#define DOMAIN_TYPE_LEN	 128
#define DOMAIN_PENDING	 4096 /* reported attempts whose trace event has not arrived yet */

struct policy;
struct bpf_link;
struct bpf_program;

/* What is known of one SID. */
enum domain_state {
	DOMAIN_SID_UNSEEN = 0,
	DOMAIN_SID_WANTED,
	DOMAIN_SID_UNWANTED,
};

struct domain_sid_slot {
	__u32 sid; /* 0: empty slot (SID 0 is never valid) */
	__u8 state;
	char type[64]; /* the domain, for the events ("" when unwanted) */
};

struct domain_pending_slot {
	__u64 ts_ns; /* 0: empty */
	__u32 tid;
	__u32 sid;
};

struct domain_filter {
	int ntypes;
	char types[DOMAIN_MAX_TYPES][DOMAIN_TYPE_LEN]; /* primary type names once resolved */
	char given[DOMAIN_MAX_TYPES][DOMAIN_TYPE_LEN]; /* as on the command line */
	bool kernel;		      /* the kernel filters by SID (else user space per event) */
	char why_user[192];	      /* why not in the kernel */
	int sids_fd, stats_fd;	      /* maps domain_sids and domain_stats */
	struct bpf_link *iter;	      /* the task iterator's link */
	struct domain_sid_slot *sids; /* AVC_DOMAIN_SIDS * 2 slots, open addressing */
	size_t nsids;
	struct domain_pending_slot *pending; /* DOMAIN_PENDING slots */
	/* SIDs a learning pass could not place, and when: not tried again for 100 ms, so a
	 * storm of attempts by short-lived tasks of a new context costs one pass per 100 ms
	 */
	struct {
		__u32 sid;
		__u64 when_ns;
	} tried[16];
	unsigned int ntried;
	/* user-space counts */
	unsigned long long dropped;	     /* trace events of other domains dropped here */
	unsigned long long unresolved;	     /* attempts whose domain could not be read */
	unsigned long long pending_lost;     /* a report overwritten before its event came */
	unsigned long long learn_passes;     /* task iterator passes */
	unsigned long long uncounted_wanted; /* watch: attempts of a --domain SID before learnt */
	unsigned long long sids_full;	     /* the SID map had no room */
};

/* A --domain argument: a type name (letters, digits, '_', '.', '-'), at most 8. 0 or
 * -EINVAL after a message naming it.
 */
int domain_add(struct domain_filter *df, const char *arg);
/* After parsing: the tables, and the names checked against the policy (policy_file, else
 * the live one where SELinux is active). 0; -EINVAL after a message for a bad name.
 */
int domain_prepare(struct domain_filter *df, const char *policy_file);
/*
 * Resolve the names against policy (NULL: no policy at hand, names kept as given). 0, or
 * -EINVAL after a message: a name the policy does not know, or an attribute.
 */
int domain_resolve(struct domain_filter *df, struct policy *pol);
/* Is a task with this context in one of the domains? *type gets the context's type. */
enum domain_state domain_match_context(const struct domain_filter *df, const char *context,
				       char *type, size_t typesz);

/* The SID table (what user space learnt; the kernel's map mirrors it). */
enum domain_state domain_sid_state(const struct domain_filter *df, __u32 sid, const char **type);
/* Record an answer; -ENOSPC when the table is full. */
int domain_sid_set(struct domain_filter *df, __u32 sid, enum domain_state st, const char *type);

/* Reported attempts (tid, ts_ns) → SID, until trace's event of that attempt arrives. */
void domain_pending_put(struct domain_filter *df, __u32 tid, __u64 ts_ns, __u32 sid);
bool domain_pending_take(struct domain_filter *df, __u32 tid, __u64 ts_ns, __u32 *sid);

/* Allocate the tables (0 or -ENOMEM); domain_free releases them and the iterator link. */
int domain_init(struct domain_filter *df);
void domain_free(struct domain_filter *df);

/* Kernel mode: the maps and the iterator of a loaded skeleton; learns the SIDs in use.
 * 0 or -errno after a message.
 */
int domain_attach(struct domain_filter *df, int sids_fd, int stats_fd,
		  struct bpf_program *iter_prog);
/* Learn the SIDs of every running task not known yet. 0 or -errno. */
int domain_learn(struct domain_filter *df);
/* A struct domain_sid_event from the ring. */
void domain_on_sid_event(struct domain_filter *df, const struct domain_sid_event *e);
/*
 * Should trace show this event? Kernel mode: the attempt's reported SID decides (an attempt
 * not reported was of a SID the kernel knew as wanted); user-space mode: the task's context
 * now. *type gets the domain ("" when not known).
 */
bool domain_keep_event(struct domain_filter *df, const struct conn_event *e, char *type,
		       size_t typesz);
/* Sum the kernel's per-CPU counters (enum avc_domain_stat); zeros in user-space mode. */
void domain_read_stats(const struct domain_filter *df, unsigned long long out[DSTAT_MAX]);
/* "httpd_t" or "httpd_t, unconfined_t", for messages. */
void domain_list(const struct domain_filter *df, char *out, size_t len);

#endif
