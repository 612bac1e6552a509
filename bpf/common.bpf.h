/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State shared by avcsnoop's BPF objects, which bpftool links into one: maps.bpf.c defines
 * the maps and the configuration once; this header only declares them (extern) and holds
 * the helpers every path shares.
 */
#ifndef AVC_COMMON_BPF_H
#define AVC_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "avcsnoop.h"

/* One connect() or bind() in flight on a thread: what later hooks add facts to. */
struct attempt {
	__u64 ts_ns;
	__u64 uaddr; /* user pointer to the sockaddr */
	__u64 sk;    /* struct sock *, once inet_sock_set_state saw SYN_SENT */
	__u64 pid_tgid;
	__u64 cgroup_id;
	__u64 quota_id; /* the cgroup group whose share of the counter table a new row uses */
	__u32 uid;
	__u32 flags; /* enum avc_attempt_flag */
	__s32 lsm_err;
	__u16 family;
	__u16 port;
	__u16 addrlen;
	__u8 early;	 /* the TCP outcome arrived before connect() returned EINPROGRESS */
	__u8 dest_known; /* family, port and addr are filled (see read_user_dest()) */
	__s32 early_err;
	__u8 audit_seen;  /* selinux_audited fired since the last SELinux hook consumed it */
	__u8 has_strings; /* a selstr entry exists for this attempt: free it when it ends */
	__u8 op;	  /* enum avc_op: 0 (connect) for a zeroed attempt */
	__u8 active;	  /* the thread is in this connect() or bind(): storage outlives attempts */
	__u32 audit_denied;
	__s32 audit_result;
	__u8 addr[16];
	char comm[AVC_COMM_LEN] __attribute__((aligned(8))); /* comm_wanted() reads it as __u64s */
	struct avc_decision sel;
};

/* Context strings from selinux_audited, keyed per attempt (they are rare and large). */
struct sel_key {
	__u64 ts_ns;
	__u32 tid;
	__u32 pad;
};

/* Defined in maps.bpf.c, like every map below. */
extern const volatile struct avc_config cfg;

/*
 * Attempts open in inflight + stored in pending. While it is 0, which is the common state
 * when the traced processes are not mid-connect, every hook but the entry filter returns
 * after one load instead of a lookup that would miss (the cost to untraced processes). It
 * is only raised for an attempt really opened or stored and lowered for one really closed or
 * deleted, so it never under-counts; an LRU eviction leaves it high, which costs lookups,
 * never events.
 */
extern __u64 avc_active;

/*
 * The attempt of a thread in its connect() or bind() syscall, in the thread's own local
 * storage: a lookup follows a pointer from the task instead of hashing a tid, and opening an
 * attempt writes in place instead of inserting (measured: make bench). One entry per traced
 * thread that ever connected, freed by the kernel when the thread exits; `active` says
 * whether the thread is in the syscall now.
 */
struct inflight_map {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct attempt);
};
extern struct inflight_map inflight SEC(".maps");

/* What the cgroup connect/bind hook learns: it ran (the LSMs allowed), an earlier cgroup
 * program's error, and the destination as the cgroup programs leave it.
 */
struct cgroup_facts {
	__u32 flags; /* AF_CGROUP_HOOK, AF_CGROUP_ERR */
	__u16 family;
	__u16 port;
	__u8 addr[16];
};

/*
 * tid -> the cgroup hook's facts, for kernels whose cgroup programs cannot call
 * bpf_task_storage_get (6.1, 6.12: cfg.cgroup_by_tid, user/probe.c). Written only there: the
 * syscall entry adds the thread, the hook fills its entry, the syscall exit takes it.
 */
struct cgroup_tids_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct cgroup_facts);
};
extern struct cgroup_tids_map cgroup_tids SEC(".maps");

/*
 * Context strings from selinux_audited and the class map, per attempt (rare and large).
 * complete_attempt() frees an attempt's entry on every path; LRU so that an attempt that
 * never completes (evicted from pending) cannot hold a slot for the rest of the run.
 */
struct selstr_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct sel_key);
	__type(value, struct avc_sel_names);
};
extern struct selstr_map selstr SEC(".maps");

struct stats_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
};
extern struct stats_map stats SEC(".maps");

struct events_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the loader */
};
extern struct events_map events SEC(".maps");

/* struct sock * → an attempt whose connect() returned EINPROGRESS */
struct pending_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct attempt);
};
extern struct pending_map pending SEC(".maps");

/* --cgroup: slot 0 holds the target cgroup (descendants match too) */
struct cgroup_filter_map {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};
extern struct cgroup_filter_map cgroup_filter SEC(".maps");

/* watch mode: counters by (cgroup, comm, destination, verdict, errno); full = counted, never
 * silently evicted. Sized by the loader (--max-entries).
 */
struct agg_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct agg_key);
	__type(value, struct agg_val);
};
extern struct agg_map agg SEC(".maps");

/* watch mode: counter entries made per cgroup group (cfg.agg_quota) */
struct agg_quota_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, AVC_QUOTA_GROUPS);
	__type(key, __u64);
	__type(value, __u32);
};
extern struct agg_quota_map agg_quota SEC(".maps");

/* watch mode: the kernel's names for SELinux decisions of an agg entry (rare, large) */
struct agg_names_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct agg_key);
	__type(value, struct avc_sel_names);
};
extern struct agg_names_map agg_names SEC(".maps");

/*
 * Sockets whose connect was opened at security_socket_connect. io_uring re-issues
 * __sys_connect_file() on the same socket after EINPROGRESS (io_connect's in_progress retry):
 * that second pass through the LSM hook is the same attempt, not a new one.
 */
struct nosys_socks_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
};
extern struct nosys_socks_map nosys_socks SEC(".maps");

static __always_inline bool nothing_in_flight(void)
{
	return !*(volatile __u64 *)&avc_active;
}

static __always_inline int track_add(void *map, const void *key, const void *val)
{
	int err = bpf_map_update_elem(map, key, val, BPF_ANY);

	if (!err)
		__sync_fetch_and_add(&avc_active, 1);
	return err;
}

static __always_inline void track_del(void *map, const void *key)
{
	if (!bpf_map_delete_elem(map, key))
		__sync_fetch_and_add(&avc_active, -1);
}

/* The attempt's cgroup and the group of it that counter-table shares go by (cfg.agg_quota). */
static __always_inline void note_cgroup(struct attempt *a)
{
	a->cgroup_id = bpf_get_current_cgroup_id();
	a->quota_id = bpf_get_current_ancestor_cgroup_id(AVC_QUOTA_LEVEL);
	if (!a->quota_id)
		a->quota_id = a->cgroup_id;
}

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		(*v)++;
}

/* Shared by the connect path and the LSM hook (connects that bypass the syscall). */
static __always_inline bool comm_wanted(const char comm[AVC_COMM_LEN])
{
	/* volatile: rodata is only known after load; a plain pointer lets clang fold the
	 * loads to the zero initializer.
	 */
	const volatile __u64 *want;
	const __u64 *have = (const __u64 *)comm;
	int i;

	if (cfg.trace_all || !cfg.ncomms)
		return true;
#pragma unroll
	for (i = 0; i < AVC_MAX_COMMS; i++) {
		if (i >= cfg.ncomms)
			break;
		want = (const volatile __u64 *)cfg.comms[i];
		if (want[0] == have[0] && want[1] == have[1])
			return true;
	}
	return false;
}

/*
 * -p, -c, --cgroup, and never avcsnoop itself: is the current task traced? The one filter of
 * the syscall entries (connect and bind) and the LSM hook (connects that bypass the syscall),
 * cheapest checks first: the ids, then the name, then the cgroup (a walk up the hierarchy).
 * Ids and name are read in place from the task (no helper copies them); the kernel keeps
 * comm zero-padded (strscpy_pad since 4.19), which comm_wanted()'s 16-byte compare relies
 * on. Returns the name the attempt records, the thread's or with leader the process's
 * (io_uring workers are named iou-wrk-N), or NULL.
 */
static __always_inline const char *task_wanted(const struct task_struct *task, bool leader)
{
	__u32 tgid = task->tgid;
	const char *comm;

	if (tgid == cfg.self_tgid)
		return NULL;
	if (cfg.target_tgid && tgid != cfg.target_tgid)
		return NULL;
	comm = leader ? task->group_leader->comm : task->comm;
	if (!comm_wanted(comm))
		return NULL;
	if (cfg.filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return NULL;
	return comm;
}

static __always_inline bool port_wanted(__u16 family, __u16 port)
{
	int i;

	if (!cfg.nports)
		return true;
	if (family != AVC_AF_INET && family != AVC_AF_INET6)
		return false;
#pragma unroll
	for (i = 0; i < AVC_MAX_PORTS; i++) {
		if (i >= cfg.nports)
			break;
		if (cfg.ports[i] == port)
			return true;
	}
	return false;
}

/* The attempt the current thread is making, or NULL when it is in no traced connect/bind. */
static __always_inline struct attempt *current_attempt(void)
{
	struct attempt *a;

	if (nothing_in_flight())
		return NULL;
	a = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	return a && a->active ? a : NULL;
}

/*
 * A new attempt for the current thread, its fields zeroed, or NULL (counted) when the kernel
 * had no memory for the thread's storage. Opened only once the filters passed.
 */
static __always_inline struct attempt *open_attempt(struct task_struct *task)
{
	struct attempt *a =
		bpf_task_storage_get(&inflight, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	struct cgroup_facts none = {};
	__u32 tid = task->pid;

	if (!a) {
		stat_inc(STAT_INFLIGHT_FULL);
		return NULL;
	}
	if (!a->active)
		__sync_fetch_and_add(&avc_active, 1);
	__builtin_memset(a, 0, sizeof(*a));
	a->active = 1;
	a->pid_tgid = (__u64)task->tgid << 32 | tid;
	if (cfg.cgroup_by_tid)
		bpf_map_update_elem(&cgroup_tids, &tid, &none, BPF_ANY);
	return a;
}

static __always_inline void set_dest(struct attempt *a, const struct cgroup_facts *d)
{
	a->family = d->family;
	a->port = d->port;
	__builtin_memcpy(a->addr, d->addr, sizeof(a->addr));
	a->dest_known = 1;
}

/* The cgroup hook's facts into the attempt: its destination is the one TCP is sent to. */
static __always_inline void apply_cgroup_facts(struct attempt *a, const struct cgroup_facts *f)
{
	a->flags |= f->flags;
	if (f->flags & AF_CGROUP_HOOK)
		set_dest(a, f);
}

/* Before classifying: what the cgroup hook noted by tid (cfg.cgroup_by_tid kernels). */
static __always_inline void take_cgroup_facts(struct attempt *a)
{
	__u32 tid = (__u32)a->pid_tgid;
	struct cgroup_facts *f;

	if (!cfg.cgroup_by_tid)
		return;
	f = bpf_map_lookup_elem(&cgroup_tids, &tid);
	if (f)
		apply_cgroup_facts(a, f);
}

/*
 * Task context only: the destination as the caller passed it, from its memory. Reading user
 * memory is the dearest step of an attempt (measured: make bench), so it is done only where
 * no hook had the destination from the kernel's own copy: with --port (the entry filters on
 * it), or at the syscall exit of an attempt that never reached the cgroup hook nor the LSM
 * hook (refused by an LSM where trampolines are refused, unix sockets there, errors).
 */
static __always_inline void read_user_dest(__u64 uaddr, struct cgroup_facts *d)
{
	struct sockaddr_in6 sin6 = {}; /* the largest inet sockaddr; sockaddr_in is its prefix */
	void *u = (void *)uaddr;

	/* a short sockaddr may end at a page end: then read what it can hold */
	if (bpf_probe_read_user(&sin6, sizeof(sin6), u) &&
	    bpf_probe_read_user(&sin6, sizeof(struct sockaddr_in), u) &&
	    bpf_probe_read_user(&sin6, 4, u))
		sin6.sin6_family = 0;
	d->family = sin6.sin6_family;
	/* only inet addresses have a port: for a unix socket these bytes are the path's */
	if (d->family == AVC_AF_INET) {
		d->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(d->addr, &((struct sockaddr_in *)&sin6)->sin_addr, 4);
	} else if (d->family == AVC_AF_INET6) {
		d->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(d->addr, &sin6.sin6_addr, 16);
	}
}

/* At the syscall exit: the destination if no hook gave it (read_user_dest()). */
static __always_inline void need_dest(struct attempt *a)
{
	struct cgroup_facts d = {};

	if (a->dest_known)
		return;
	read_user_dest(a->uaddr, &d);
	set_dest(a, &d);
}

/* The thread's syscall is over (reported, or moved to pending). */
static __always_inline void close_attempt(struct attempt *a)
{
	__u32 tid = (__u32)a->pid_tgid;

	if (!a->active)
		return;
	a->active = 0;
	__sync_fetch_and_add(&avc_active, -1);
	if (cfg.cgroup_by_tid)
		bpf_map_delete_elem(&cgroup_tids, &tid);
}

static __always_inline void fill_event(struct conn_event *e, const struct attempt *a, __s32 ret,
				       __s32 err, __u16 verdict, bool in_task)
{
	e->ts_ns = a->ts_ns;
	e->duration_ns = bpf_ktime_get_ns() - a->ts_ns;
	e->cgroup_id = a->cgroup_id;
	e->pid = a->pid_tgid >> 32;
	e->tid = (__u32)a->pid_tgid;
	e->uid = a->uid;
	e->ret = ret;
	e->err = err;
	e->lsm_err = a->lsm_err;
	e->flags = a->flags;
	e->verdict = verdict;
	e->family = a->family;
	e->port = a->port;
	e->addrlen = a->addrlen;
	e->op = a->op;
	__builtin_memcpy(e->addr, a->addr, sizeof(e->addr));
	__builtin_memcpy(e->comm, a->comm, sizeof(e->comm));
	e->sel = a->sel;
}

/* A unix destination's path, after the common part of its event (task context only). */
static __always_inline void fill_path(struct conn_event *e, char path[AVC_PATH_LEN],
				      const struct attempt *a, bool in_task)
{
	__u32 len = a->addrlen - 2;

	path[0] = 0;
	if (!in_task || a->family != AVC_AF_UNIX || a->addrlen <= 2)
		return;
	if (len > AVC_PATH_LEN)
		len = AVC_PATH_LEN;
	bpf_probe_read_user(path, len & 127, (void *)(a->uaddr + 2));
	if (path[0] == 0)
		e->flags |= AF_ABSTRACT;
}

/* Wake the reader only when the ring is half full, never per event. */
static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > cfg.ringbuf_bytes / 2
		       ? BPF_RB_FORCE_WAKEUP
		       : BPF_RB_NO_WAKEUP;
}

static __always_inline struct sel_key attempt_sel_key(const struct attempt *a)
{
	struct sel_key key = { .ts_ns = a->ts_ns, .tid = (__u32)a->pid_tgid };

	return key;
}

/* The attempt's SELinux names, created on first use by the SELinux path. */
static __always_inline struct avc_sel_names *attempt_strings(struct attempt *a)
{
	struct sel_key key = attempt_sel_key(a);
	static const struct avc_sel_names zero;
	struct avc_sel_names *s;

	if (a->has_strings) {
		s = bpf_map_lookup_elem(&selstr, &key);
		if (s)
			return s;
	}
	if (bpf_map_update_elem(&selstr, &key, &zero, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&selstr, &key))
		return NULL;
	a->has_strings = 1;
	return bpf_map_lookup_elem(&selstr, &key);
}

/* The names captured for this attempt, if any (read only when it is reported). */
static __always_inline struct avc_sel_names *attempt_names(const struct attempt *a)
{
	struct sel_key key = attempt_sel_key(a);

	return a->has_strings ? bpf_map_lookup_elem(&selstr, &key) : NULL;
}

/* Every way an attempt ends goes through here: its names die with it, whether or not the
 * ring buffer or the counter table had room for the report.
 */
static __always_inline void free_attempt_strings(struct attempt *a)
{
	struct sel_key key = attempt_sel_key(a);

	if (!a->has_strings)
		return;
	bpf_map_delete_elem(&selstr, &key);
	a->has_strings = 0;
}

/*
 * The path of a unix destination as a counter keeps it (the first AVC_KEY_PATH_LEN bytes,
 * zero-filled beyond), and its seeded FNV-1a hash for the key. Task context only.
 */
static __always_inline __u64 key_path(const struct attempt *a, char path[AVC_KEY_PATH_LEN])
{
	__u64 h = 0xcbf29ce484222325ULL ^ cfg.path_seed;
	__u32 len = a->addrlen - 2;
	int i;

	if (len > AVC_KEY_PATH_LEN)
		len = AVC_KEY_PATH_LEN;
	/* a path name ends at its NUL: whatever the caller left after it (glibc passes the
	 * whole sockaddr_un) must not make one destination many keys; an abstract name (leading
	 * NUL) is every byte addrlen covers
	 */
	if (bpf_probe_read_user_str(path, len & (AVC_KEY_PATH_LEN * 2 - 1),
				    (void *)(a->uaddr + 2)) == 1)
		bpf_probe_read_user(path, len & (AVC_KEY_PATH_LEN * 2 - 1), (void *)(a->uaddr + 2));
#pragma unroll
	for (i = 0; i < AVC_KEY_PATH_LEN; i++) {
		h ^= (__u8)path[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static __always_inline void count_attempt(struct attempt *a, __s32 err, __u16 verdict, bool in_task)
{
	__u64 now = bpf_ktime_get_ns(), dur = now - a->ts_ns;
	char path[AVC_KEY_PATH_LEN];
	struct agg_key k = {
		.cgroup_id = a->cgroup_id,
		.family = a->family,
		.port = a->port,
		.verdict = verdict,
		.err = (__u16)err,
		.op = a->op,
	};
	bool have_path = in_task && a->family == AVC_AF_UNIX && a->addrlen > 2;
	struct agg_val *v;
	__u32 slot;

	__builtin_memcpy(k.comm, a->comm, sizeof(k.comm));
	__builtin_memcpy(k.addr, a->addr, sizeof(k.addr));
	if (have_path) {
		__builtin_memset(path, 0, sizeof(path));
		k.path_hash = key_path(a, path);
	}
	v = bpf_map_lookup_elem(&agg, &k);
	if (!v) {
		struct agg_val init = { .first_ns = now };
		__u32 *used = NULL, zero = 0;

		if (cfg.agg_quota) {
			/* the group's share first: a full share is its own count, not overflow */
			used = bpf_map_lookup_elem(&agg_quota, &a->quota_id);
			if (!used) {
				bpf_map_update_elem(&agg_quota, &a->quota_id, &zero, BPF_NOEXIST);
				used = bpf_map_lookup_elem(&agg_quota, &a->quota_id);
			}
			if (!used || *used >= cfg.agg_quota) {
				stat_inc(STAT_AGG_QUOTA);
				return;
			}
		}
		if (have_path)
			__builtin_memcpy(init.path, path, sizeof(init.path));
		if (bpf_map_update_elem(&agg, &k, &init, BPF_NOEXIST)) {
			if (!bpf_map_lookup_elem(&agg, &k)) {
				stat_inc(STAT_AGG_OVERFLOW);
				return;
			}
		} else if (used) {
			__sync_fetch_and_add(used, 1);
		}
		v = bpf_map_lookup_elem(&agg, &k);
		if (!v)
			return;
	}
	__sync_fetch_and_add(&v->count, 1);
	__sync_fetch_and_add(&v->sum_ns, dur);
	slot = hist_slot(dur);
	if (slot < AVC_HIST_SLOTS)
		__sync_fetch_and_add(&v->hist[slot], 1);
	v->last_ns = now;
	v->pid = a->pid_tgid >> 32;
	v->flags |= a->flags;
	if (a->flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE)) {
		struct avc_sel_names *names = attempt_names(a);

		v->sel = a->sel;
		if (names)
			bpf_map_update_elem(&agg_names, &k, names, BPF_ANY);
	}
}

/*
 * The attempt is over: classify it and report it. in_task is false in softirq context
 * (async TCP outcomes), where user memory must not be read.
 */
static __always_inline void report_attempt(struct attempt *a, __s32 ret, __s32 err, __u16 verdict,
					   bool in_task)
{
	if (a->flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE)) {
		struct conn_event_sel *es = bpf_ringbuf_reserve(&events, sizeof(*es), 0);
		struct avc_sel_names *names;

		if (!es) {
			stat_inc(STAT_RB_DROPS);
			return;
		}
		fill_event(&es->ev, a, ret, err, verdict, in_task);
		fill_path(&es->ev, es->path, a, in_task);
		names = attempt_names(a);
		if (names)
			__builtin_memcpy(&es->names, names, sizeof(es->names));
		else
			__builtin_memset(&es->names, 0, sizeof(es->names));
		bpf_ringbuf_submit(es, submit_flags());
	} else if (a->family == AVC_AF_UNIX) {
		struct conn_event_unix *eu = bpf_ringbuf_reserve(&events, sizeof(*eu), 0);

		if (!eu) {
			stat_inc(STAT_RB_DROPS);
			return;
		}
		fill_event(&eu->ev, a, ret, err, verdict, in_task);
		fill_path(&eu->ev, eu->path, a, in_task);
		bpf_ringbuf_submit(eu, submit_flags());
	} else {
		struct conn_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

		if (!e) {
			stat_inc(STAT_RB_DROPS);
			return;
		}
		fill_event(e, a, ret, err, verdict, in_task);
		bpf_ringbuf_submit(e, submit_flags());
	}
	stat_inc(STAT_EVENTS);
}

/*
 * The attempt is over: classify it and report it. in_task is false in softirq context
 * (async TCP outcomes), where user memory must not be read.
 */
static __always_inline void complete_attempt(struct attempt *a, __s32 ret, __s32 err, bool in_task)
{
	__u16 verdict = classify_attempt(err, a->flags, a->family, a->lsm_err, a->op);

	if (cfg.mode == MODE_WATCH)
		count_attempt(a, err, verdict, in_task);
	else if (cfg.failed_only && (verdict == VERDICT_ALLOWED || verdict == VERDICT_IN_PROGRESS))
		stat_inc(STAT_FILTERED);
	else
		report_attempt(a, ret, err, verdict, in_task);
	free_attempt_strings(a);
}

/*
 * sys_exit of connect() or bind(): the thread's open attempt of op with the facts only the exit
 * has (uid, cgroup, the cgroup hook's facts by tid), or NULL when this syscall was not traced.
 */
static __always_inline struct attempt *exit_attempt(__u8 op)
{
	struct attempt *a = current_attempt();

	if (!a || a->op != op)
		return NULL;
	if (cfg.mode != MODE_WATCH) /* counters are not kept by uid */
		a->uid = (__u32)bpf_get_current_uid_gid();
	note_cgroup(a);
	take_cgroup_facts(a);
	return a;
}

/* The syscall returned ret and that is its outcome: report the attempt and close it. */
static __always_inline void finish_attempt(struct attempt *a, __s32 ret)
{
	complete_attempt(a, ret, ret < 0 ? -ret : 0, true);
	close_attempt(a);
}

#endif /* AVC_COMMON_BPF_H */
