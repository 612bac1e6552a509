/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --domain TYPE in the kernel: the connecting task's SELinux SID against what user space
 * learnt of each SID (map domain_sids, enum avc_domain_answer; user/domain.c). SIDs are
 * the kernel's numbers for contexts and cannot be turned into names here: an attempt of a
 * SID in no entry is reported through the events ring (struct domain_sid_event) and user
 * space answers in the map. The task iterator (domain.bpf.c) gives every running task's SID
 * before the programs attach, so the map starts with the SIDs in use.
 */
#ifndef AVC_DOMAIN_BPF_H
#define AVC_DOMAIN_BPF_H

#include "common.bpf.h"

struct domain_sids_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AVC_DOMAIN_SIDS);
	__type(key, __u32);  /* SID */
	__type(value, __u8); /* enum avc_domain_answer */
};
extern struct domain_sids_map domain_sids SEC(".maps");

struct domain_stats_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DSTAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
};
extern struct domain_stats_map domain_stats SEC(".maps");

/*
 * The task's SELinux SID (its cred's, the one access checks use), 0 when unreadable. The LSM
 * framework rewrites each LSM's blob sizes into offsets at boot: SELinux's part of
 * cred->security starts at selinux_blob_sizes.lbs_cred (selinux_cred()). Where that is and
 * where sid sits in the blob are found by user/probe.c (kallsyms, BTF), one place for the
 * kernel differences (6.18 renamed the blob's type).
 */
static __always_inline __u32 task_sid(struct task_struct *task)
{
	const char *blob;
	__u32 sid = 0;
	int off = 0;

	if (!cfg.domain_blob_addr ||
	    bpf_probe_read_kernel(&off, sizeof(off), (const void *)cfg.domain_blob_addr))
		return 0;
	blob = BPF_CORE_READ(task, cred, security);
	if (!blob || off < 0 || off > 4096)
		return 0;
	if (bpf_probe_read_kernel(&sid, sizeof(sid), blob + off + cfg.domain_sid_off))
		return 0;
	return sid;
}

static __always_inline void domain_stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&domain_stats, &which);

	if (v)
		(*v)++;
}

/*
 * Is the current task in a --domain type? Known SIDs are answered by the map. An unknown
 * SID is reported (tid and ts_ns name the attempt); trace passes the attempt and user space
 * drops it if the SID turns out to be another domain's; watch, which has no per-attempt
 * user step, does not count it (counted in DSTAT_UNCOUNTED, shown in every report).
 */
static __always_inline bool domain_wanted(struct task_struct *task, __u64 ts_ns)
{
	struct domain_sid_event *e;
	__u8 *answer;
	__u32 sid;

	if (!cfg.domain_filter)
		return true;
	sid = task_sid(task);
	answer = bpf_map_lookup_elem(&domain_sids, &sid);
	if (answer) {
		if (*answer == DOMAIN_WANTED)
			return true;
		domain_stat_inc(DSTAT_DROPPED);
		return false;
	}
	domain_stat_inc(DSTAT_UNKNOWN);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		/* user space could not learn it nor drop the attempt: drop it here, counted */
		domain_stat_inc(DSTAT_RING_FULL);
		return false;
	}
	e->ts_ns = ts_ns;
	e->pid = task->tgid;
	e->tid = task->pid;
	e->sid = sid;
	e->mode = cfg.mode;
	bpf_ringbuf_submit(e, submit_flags());
	if (cfg.mode == MODE_WATCH) {
		domain_stat_inc(DSTAT_UNCOUNTED);
		return false;
	}
	return true;
}

#endif /* AVC_DOMAIN_BPF_H */
