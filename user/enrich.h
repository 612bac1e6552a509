/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Enrichment: turn what the kernel recorded into names a person can act on (which LSMs
 * could have denied, SELinux types, permission names) before any output.
 */
#ifndef AVC_ENRICH_H
#define AVC_ENRICH_H

#include "event.h"
#include "probe.h"
#include "selstate.h"

struct enricher;

/* policy_path: a binary policy file, or NULL for the live policy when SELinux is active */
struct enricher *enricher_new(const struct kernel_features *kf, const char *policy_path);
void enricher_free(struct enricher *enr);
void enrich_record(struct enricher *enr, struct conn_record *r);
/* The SELinux type labelling a TCP record's destination port ("http_port_t"), from the
 * policy; "" when there is no policy or the record is not TCP/IP.
 */
void enrich_port_type(struct enricher *enr, const struct conn_record *r, char *out, size_t len);
/* trace/watch --allowed: the names of an allowed TCP/IP connect or bind (the process's
 * context, the port's label, tcp_socket, name_connect or name_bind), derived as a permissive
 * would-deny's are, for a finding per allowed access. Nothing when a name is unknown (no
 * SELinux here) or the record is not an allowed TCP/IP connect or a checked bind.
 */
void enrich_allowed_names(struct enricher *enr, struct conn_record *r);
/* The policy the enricher reads (opened on first use), or NULL when there is none. */
struct policy *enricher_policy(struct enricher *enr);

/* Follow SELinux through src instead of the kernel's status page (tests swap policies). */
void enricher_follow_source(struct enricher *enr, const struct sel_status_source *src);
/* Has enforcing mode or the policy changed? Cheap (a read of the status page): call it per
 * event and per poll. 1 with *chg filled when it has (the policy and every answer derived
 * from it were dropped, to be read again on next use), 0 when not or when not following.
 */
int enricher_follow(struct enricher *enr, struct sel_change *chg);
/*
 * The same in two steps, for a reader that also gets changes in order from the events ring:
 * peek at the status page (1 with *now when it may have changed), drain the ring (whose
 * change records go through enricher_follow_kernel), then enricher_follow_to(now): a change
 * the ring did not carry (a lost record) is caught up there; one it carried is not repeated.
 */
int enricher_status_peek(struct enricher *enr, struct sel_status *now);
int enricher_follow_to(struct enricher *enr, const struct sel_status *now, struct sel_change *chg);
/* A change record from the events ring (struct sel_change_event), at unix time wall. */
int enricher_follow_kernel(struct enricher *enr, unsigned int kind, unsigned long value,
			   double wall, struct sel_change *chg);
/* What one read of the status source costs, in ns: n reads timed together (none is
 * consumed: a change stays for the next check). 0 when not following.
 */
unsigned long long enricher_status_cost_ns(struct enricher *enr, int n);
/* Is SELinux's state followed (the live policy, a status source)? */
bool enricher_following(const struct enricher *enr);
/* The policyload sequence number the current answers come from (0 when not following). */
unsigned long enricher_policy_seqno(const struct enricher *enr);

/* A task's SELinux context from /proc/PID/task/TID/attr/current (tid 0: the process's main
 * thread; else libselinux's getpidcon), "" when it cannot be read (the task is gone).
 */
void proc_task_context(__u32 pid, __u32 tid, char *out, size_t len);
/* How the cgroup id -> unit/container cache fared (all 0 without a cgroup2 mount). */
void enricher_cgroup_stats(const struct enricher *enr, struct cgroup_cache_stats *st);
/* Its members "cgroups_unresolved" (ids whose path could not be read: gone, or no right to
 * open it) and "cgroup_cache_evictions", for watch_interval and trace's stats lines.
 */
struct json;
void enricher_write_cgroup_stats(struct json *j, const struct enricher *enr);

/* The LSMs from a /sys/kernel/security/lsm list that can refuse a connect(), comma-joined:
 * capability, lockdown and yama never do; selinux only when it is enforcing a policy.
 */
void lsms_that_deny(const char *lsm_list, bool selinux_enabled, char *out, size_t len);

#endif
