/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The ABI between avcsnoop's BPF programs and its user space: configuration, events,
 * counters and the one verdict vocabulary. Fixed-width __u* types only, so the header
 * compiles both against vmlinux.h (BPF) and against <linux/types.h> (user space).
 */
#ifndef AVCSNOOP_H
#define AVCSNOOP_H

#ifndef __VMLINUX_H__
#include <linux/types.h> /* user space; BPF code gets the __u* types from vmlinux.h */
#endif

#define AVC_COMM_LEN  16
#define AVC_PATH_LEN  108 /* sizeof(((struct sockaddr_un *)0)->sun_path) */
#define AVC_CTX_LEN   128 /* SELinux context strings captured from the audit tracepoint */
#define AVC_CLASS_LEN 32
#define AVC_MAX_COMMS 8
#define AVC_MAX_PORTS 8

/*
 * errno values used in BPF code, which has no <errno.h>. They are the generic Linux values
 * (asm-generic/errno*.h), which x86 and arm64 share; tests/unit checks them against libc.
 */
#define AVC_EPERM	 1
#define AVC_EACCES	 13
#define AVC_EINPROGRESS	 115
#define AVC_ECONNREFUSED 111
#define AVC_ETIMEDOUT	 110
#define AVC_ECONNABORTED 103
#define AVC_ECONNRESET	 104
#define AVC_EADDRINUSE	 98

#define AVC_AF_UNIX  1
#define AVC_AF_INET  2
#define AVC_AF_INET6 10

/* The system call an attempt is: the same facts and verdicts serve both. Append only. */
enum avc_op {
	AVC_OP_CONNECT = 0, /* connect(): SELinux name_connect, connectto, unix path walk */
	AVC_OP_BIND = 1,    /* bind() of an inet socket: SELinux name_bind, node_bind */
	AVC_OP_MAX,
};

/* What avcsnoop concludes about one connect() or bind() attempt. Append only: JSON and metrics use
 * the names in user/verdict.c, pinned maps from older runs use the numbers.
 */
enum avc_verdict {
	VERDICT_ALLOWED = 0,	    /* connected (or connect() returned 0) */
	VERDICT_IN_PROGRESS,	    /* EINPROGRESS and the outcome was not seen (yet) */
	VERDICT_REFUSED,	    /* ECONNREFUSED: nothing listening */
	VERDICT_TIMED_OUT,	    /* ETIMEDOUT */
	VERDICT_SELINUX_DENIED,	    /* SELinux denied, and the denial was audited */
	VERDICT_SELINUX_HIDDEN,	    /* SELinux denied, no audit record (dontaudit or audit off) */
	VERDICT_SELINUX_PERMISSIVE, /* allowed only because SELinux is permissive */
	VERDICT_LSM_DENIED,	    /* EACCES/EPERM decided by an LSM other than SELinux */
	VERDICT_CGROUP_DENIED,	    /* EACCES/EPERM after the LSMs: a cgroup program or firewall */
	VERDICT_ERROR,		    /* any other errno */
	VERDICT_MAX,
};

/* Facts gathered in-kernel during one attempt; classify_attempt() turns them into a verdict. */
enum avc_attempt_flag {
	AF_CGROUP_HOOK = 1U << 0,    /* our cgroup connect/bind hook ran: the LSMs allowed */
	AF_CGROUP_ERR = 1U << 1,     /* ... and a cgroup program before it had set an error */
	AF_SEL_DENIED = 1U << 2,     /* avc_has_perm (or inode/unix hook) returned -EACCES */
	AF_SEL_AUDITED = 1U << 3,    /* selinux_audited fired for that denial */
	AF_SEL_PERMISSIVE = 1U << 4, /* selinux_audited: denied bits set but result 0 */
	AF_LSM_SEEN = 1U << 5,	     /* fexit security_socket_connect ran: lsm_err is valid */
	AF_ASYNC = 1U << 6, /* outcome taken from the TCP state machine after EINPROGRESS */
	/* 1U << 7: unused (was AF_SEL_SEEN, set and never read); pinned counters may have it */
	AF_ABSTRACT = 1U << 8,	  /* unix destination is in the abstract namespace */
	AF_SEL_INODE = 1U << 9,	  /* the SELinux denial was on a path component (inode) */
	AF_NO_SYSCALL = 1U << 10, /* seen only at security_socket_connect (io_uring, kernel) */
};

/* The attempt's final errno (positive, 0 on success) and its flags decide the verdict.
 * Shared by the BPF side (watch mode counts by verdict in-kernel) and user space.
 */
static inline __u16 classify_attempt(__s32 err, __u32 flags, __u16 family, __s32 lsm_err, __u8 op)
{
	if (err != 0 && err != AVC_EINPROGRESS && (flags & AF_SEL_DENIED))
		return (flags & AF_SEL_AUDITED) ? VERDICT_SELINUX_DENIED : VERDICT_SELINUX_HIDDEN;
	if (flags & AF_SEL_PERMISSIVE) {
		if (err == 0 || err == AVC_EINPROGRESS)
			return VERDICT_SELINUX_PERMISSIVE;
	}
	switch (err) {
	case 0:
		return VERDICT_ALLOWED;
	case AVC_EINPROGRESS:
		return VERDICT_IN_PROGRESS;
	case AVC_ECONNREFUSED:
		return VERDICT_REFUSED;
	case AVC_ETIMEDOUT:
		return VERDICT_TIMED_OUT;
	case AVC_EACCES:
	case AVC_EPERM:
		/* The cgroup sock_addr hook runs after security_socket_connect(): reaching it
		 * means every LSM had allowed the attempt.
		 */
		if (flags & AF_CGROUP_ERR)
			return VERDICT_CGROUP_DENIED;
		/* bind(): after the cgroup hook, inet_bind() refuses a port below
		 * ip_unprivileged_port_start without CAP_NET_BIND_SERVICE: no program refused
		 */
		if ((flags & AF_CGROUP_HOOK) && op == AVC_OP_BIND)
			return VERDICT_ERROR;
		if (flags & AF_CGROUP_HOOK)
			return VERDICT_CGROUP_DENIED;
		if (flags & AF_LSM_SEEN)
			return lsm_err ? VERDICT_LSM_DENIED : VERDICT_ERROR;
		/* No cgroup hook for unix sockets before 6.7: EACCES there may be file modes. */
		if (family == AVC_AF_INET || family == AVC_AF_INET6)
			return VERDICT_LSM_DENIED;
		return VERDICT_ERROR;
	default:
		return VERDICT_ERROR;
	}
}

enum avc_mode {
	MODE_TRACE = 0, /* one ring-buffer event per attempt */
	MODE_WATCH = 1, /* in-kernel counters only */
};

/* Read-only configuration, filled by the loader before load so the verifier prunes
 * disabled filters. Every filter runs before any map work.
 */
struct avc_config {
	__u32 self_tgid;    /* never trace avcsnoop itself */
	__u32 target_tgid;  /* -p: 0 = any */
	__u8 filter_cgroup; /* --cgroup: the cgroup array map holds the target */
	__u8 trace_all;	    /* --all: no comm filter */
	__u8 failed_only;   /* --failed: only attempts whose verdict is not allowed/in progress */
	__u8 follow_async;  /* follow EINPROGRESS to its outcome via inet_sock_set_state */
	__u8 mode;	    /* enum avc_mode */
	__u8 ncomms;
	__u8 nports;
	__u8 avc_arg_base; /* index of ssid in avc_has_perm(): 1 with struct selinux_state * (<6.4) */
	__u8 status_arg_base; /* the same for selinux_status_update_*(): the new value's index */
	__u32 ringbuf_bytes;  /* size of the events ring: wake the reader when half full */
	__u16 ports[AVC_MAX_PORTS];		 /* --port: host byte order */
	char comms[AVC_MAX_COMMS][AVC_COMM_LEN]; /* -c: exact task comm */
	/* --domain (bpf/domain.bpf.h): 1 = the kernel reads each connecting task's SELinux SID
	 * and looks it up in the domain_sids map (enum avc_domain_answer); 0 = no domain
	 * filter in the kernel (none asked, or user space filters: user/domain.c)
	 */
	__u8 domain_filter;
	__u8 domain_pad[3];
	__u32 domain_sid_off;	/* offset of sid in SELinux's cred blob (user/probe.c, BTF) */
	__u64 domain_blob_addr; /* &selinux_blob_sizes.lbs_cred, from /proc/kallsyms */
	__u64 path_seed;	/* per run, random: unix paths in counter keys are hashed with it */
	/* 1 where cgroup programs cannot reach task-local storage (6.1, 6.12; user/probe.c): the
	 * syscall entries also note the thread in map cgroup_tids for the cgroup hook
	 */
	__u8 cgroup_by_tid;
	__u8 cgroup_pad[3];
	/* watch: new counter entries one cgroup group may make (0: no limit), so that no one
	 * process can fill the table and blind it for the others. A group is the task's cgroup
	 * at level AVC_QUOTA_LEVEL (system.slice/nginx.service, user.slice/user-1000.slice,
	 * machine.slice/x.scope), or its own cgroup when it sits higher.
	 */
	__u32 agg_quota;
	__u32 agg_pad;
	/* The kernel's class map (secclass_map, from /proc/kallsyms; user/probe.c): the names
	 * of a denial's class and permission in the kernel's numbering. 0 when absent or hidden:
	 * user space names them then.
	 */
	__u64 secclass_map_addr;
};

#define AVC_QUOTA_LEVEL	 2
#define AVC_QUOTA_GROUPS 4096 /* cgroup groups with entries; more count as over quota */

/* One SELinux decision taken inside a traced attempt (the first denial wins). Class and
 * context names travel as strings (struct avc_sel_names): SIDs and the kernel's class index
 * mean nothing to user space, and leaving them out keeps every event and counter smaller.
 */
struct avc_decision {
	__u32 requested;
	__u32 denied;
	__u32 ino;   /* AF_SEL_INODE: inode number and the kernel dev_t of its filesystem */
	__u16 imode; /* AF_SEL_INODE: the inode's i_mode; requested holds the MAY_* mask */
	__u16 pad;
	__u64 dev;
};

/* One finished attempt, kernel → user through the ring buffer (trace mode): this, or a
 * struct conn_event_unix or conn_event_sel beginning with it.
 */
struct conn_event {
	__u64 ts_ns;	   /* bpf_ktime_get_ns() at syscall entry */
	__u64 duration_ns; /* entry to outcome (the async outcome when AF_ASYNC) */
	__u64 cgroup_id;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;     /* connect()'s return value */
	__s32 err;     /* the attempt's final errno, positive; 0 = connected */
	__s32 lsm_err; /* security_socket_connect()'s verdict, when AF_LSM_SEEN */
	__u32 flags;   /* enum avc_attempt_flag */
	__u16 verdict; /* enum avc_verdict */
	__u16 family;
	__u16 port;    /* host byte order */
	__u16 addrlen; /* as passed to connect() or bind() */
	__u8 op;       /* enum avc_op */
	__u8 pad[3];
	__u8 addr[16]; /* IPv4 in the first 4 bytes, or IPv6 */
	char comm[AVC_COMM_LEN];
	struct avc_decision sel;
};

/*
 * A unix destination's event carries its path after the common part (the record's size
 * tells): inet events, the common case, do not copy 108 bytes they never use.
 */
struct conn_event_unix {
	struct conn_event ev;
	char path[AVC_PATH_LEN]; /* sun_path; abstract names start with NUL, length from addrlen */
};

/*
 * A change of SELinux's state, written into the events ring (trace mode) by the kernel's
 * own status-page updates (selinux_status_update_setenforce/_policyload): it sits between
 * the attempts that happened before and after it, so user space judges each attempt with
 * the state of its time however late it reads them. Told apart from attempts by its size.
 */
enum avc_sel_change_kind {
	AVC_SEL_SETENFORCE = 1, /* value: the new enforcing mode (0/1) */
	AVC_SEL_POLICYLOAD = 2, /* value: the policy's new sequence number (loads, booleans) */
};

struct sel_change_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() */
	__u32 kind;  /* enum avc_sel_change_kind */
	__u32 value;
};

/* Names captured in-kernel for a SELinux decision. An event whose attempt had one is a
 * struct conn_event_sel (the record's size tells); the common case stays small.
 */
struct avc_sel_names {
	char scontext[AVC_CTX_LEN]; /* from selinux_audited, when audited */
	char tcontext[AVC_CTX_LEN];
	char tclass[AVC_CLASS_LEN]; /* from selinux_audited, or the kernel's class map */
	char perm[AVC_CLASS_LEN];   /* the first denied permission, from the kernel's class map */
};

struct conn_event_sel {
	struct conn_event ev;
	char path[AVC_PATH_LEN]; /* as in struct conn_event_unix; empty for inet */
	struct avc_sel_names names;
};

/*
 * --domain TYPE, filtered in the kernel: domain_sids maps a SID to what user space learnt of
 * it. An attempt of a SID in no entry passes (trace) or is not counted (watch), and the
 * kernel tells user space through the events ring (struct domain_sid_event) so that it
 * learns the SID's domain (user/domain.c) and answers in the map.
 */
enum avc_domain_answer {
	DOMAIN_UNWANTED = 0, /* another domain: dropped in the kernel */
	DOMAIN_WANTED = 1,   /* one of the --domain types */
};

#define AVC_DOMAIN_SIDS 4096 /* entries of domain_sids: SIDs are contexts in use (hundreds) */

/* Per-CPU counters of the domain filter (map domain_stats), summed by user space. */
enum avc_domain_stat {
	DSTAT_DROPPED = 0, /* attempts of a SID known to be of another domain */
	DSTAT_UNKNOWN,	   /* attempts of a SID not known yet (reported through the ring) */
	DSTAT_UNCOUNTED,   /* watch: of those, not counted (its domain was not learnt yet) */
	DSTAT_RING_FULL,   /* the report of an unknown SID did not fit: attempt dropped */
	DSTAT_MAX,
};

/* An attempt of an unknown SID (24 bytes: told apart from the other records by its size).
 * (tid, ts_ns) is the attempt's own: trace's event of that attempt carries the same.
 */
struct domain_sid_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 sid;
	__u32 mode; /* enum avc_mode of the program that saw it */
};

/* What the task iterator (avc_domain_iter) writes per task: user space pairs each SID with
 * the task's /proc/PID/task/TID/attr/current.
 */
struct domain_task_rec {
	__u32 pid;
	__u32 tid;
	__u32 sid;
	__u32 pad;
};

/*
 * The version of what `watch --pin` leaves on a bpffs: the layouts of struct agg_key,
 * struct agg_val and struct avc_sel_names (the agg and agg_names maps), enum avc_stat (the
 * stats map) and the numbers of enum avc_verdict. Bump it with any change to them: it is
 * pinned beside the maps (DIR/abi), and avcsnoop reads pinned counters only of its own
 * version (user/loader.c; tests/unit/test_pin.c records the sizes of this version).
 */
/* 2: agg_key.op (bind()); 3: unix paths hashed in agg_key; 4: STAT_AGG_QUOTA in stats */
#define AVC_ABI_VERSION 4

/*
 * Watch mode: in-kernel counters, one entry per (cgroup, comm, op, destination, verdict,
 * errno). A unix destination is keyed by a hash of its path (seeded per run: a hostile
 * process cannot aim a collision), its bytes kept in the value: the key stays small enough
 * for the stack, and hashing or comparing it costs little on every connect.
 */
#define AVC_HIST_SLOTS	 32 /* log2 buckets of connect() latency in microseconds */
#define AVC_KEY_PATH_LEN 64 /* unix destinations are counted by their first 64 bytes */

struct agg_key {
	__u64 cgroup_id;
	__u64 path_hash; /* unix: seeded hash of agg_val.path; 0 for inet */
	char comm[AVC_COMM_LEN];
	__u16 family;
	__u16 port;
	__u16 verdict;
	__u16 err;
	__u8 addr[16];
	__u8 op; /* enum avc_op */
	__u8 pad[7];
};

struct agg_val {
	__u64 count;
	__u64 first_ns; /* bpf_ktime_get_ns() of the first and last attempt */
	__u64 last_ns;
	__u64 sum_ns;		     /* total latency, for the mean */
	__u32 flags;		     /* OR of the attempts' enum avc_attempt_flag */
	__u32 pid;		     /* the last attempt's process */
	struct avc_decision sel;     /* the last SELinux decision, for naming */
	__u32 hist[AVC_HIST_SLOTS];  /* slot i: latency in [2^i, 2^(i+1)) us; slot 0 also < 1 us */
	char path[AVC_KEY_PATH_LEN]; /* unix: sun_path (abstract: leading NUL), set at creation */
};

/* log2 histogram slot of a latency: shared by the BPF side and the tests of its math. */
static inline __u32 hist_slot(__u64 duration_ns)
{
	__u64 us = duration_ns / 1000;
	__u32 slot = 0;

	while (us > 1 && slot < AVC_HIST_SLOTS - 1) {
		us >>= 1;
		slot++;
	}
	return slot;
}

/* Per-CPU counters, summed by user space. */
enum avc_stat {
	STAT_ATTEMPTS = 0,  /* connect() and bind() entries that passed the filters */
	STAT_EVENTS,	    /* events written to the ring buffer */
	STAT_RB_DROPS,	    /* ring buffer full: event lost */
	STAT_INFLIGHT_FULL, /* no memory for a thread's attempt (task storage): attempt lost */
	STAT_PENDING_FULL,  /* EINPROGRESS table full: reported as in progress */
	STAT_FILTERED,	    /* finished attempts skipped by --failed */
	STAT_AGG_OVERFLOW,  /* watch mode: counter table full */
	STAT_AGG_QUOTA,	    /* watch mode: the attempt's cgroup group used its share of the table */
	STAT_MAX,
};

#endif /* AVCSNOOP_H */
