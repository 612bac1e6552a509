// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The connect path: every connect() of a traced task, from syscall entry to its outcome.
 *
 *   sys_enter_connect   filters (pid, comm, cgroup, port), then opens an attempt for the tid
 *   cgroup/connect4|6   runs after every LSM allowed the attempt: records that, and whether a
 *                       cgroup program before it already set an error (bpf_get_retval)
 *   inet_sock_set_state SYN_SENT ties the attempt to its socket; for EINPROGRESS the final
 *                       outcome (established, refused, timed out) arrives here later
 *   sys_exit_connect    the syscall's verdict; the attempt completes unless it is in progress
 *
 * Facts gathered on the way (this file and selinux.bpf.c) go through classify_attempt()
 * (include/avcsnoop.h) to a verdict. Events leave through a ring buffer without a wakeup per
 * event: user space polls it (a wakeup per event cost 40 % of connect throughput).
 */
#define AVC_OWNER
#include "common.bpf.h"

#define TCP_ESTABLISHED_ 1
#define TCP_SYN_SENT_ 2
#define TCP_CLOSE_ 7

const volatile struct avc_config cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the loader */
} events SEC(".maps");

/* struct sock * → an attempt whose connect() returned EINPROGRESS */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct attempt);
} pending SEC(".maps");

/* --cgroup: slot 0 holds the target cgroup (descendants match too) */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

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

SEC("tracepoint/syscalls/sys_enter_connect")
int avc_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct attempt a = {};
	struct {
		__u16 family;
		__be16 port;
	} head = {};

	if (tgid == cfg.self_tgid)
		return 0;
	if (cfg.target_tgid && tgid != cfg.target_tgid)
		return 0;
	bpf_get_current_comm(a.comm, sizeof(a.comm));
	if (!comm_wanted(a.comm))
		return 0;
	if (cfg.filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return 0;

	a.uaddr = (__u64)ctx->args[1];
	a.addrlen = (__u16)ctx->args[2];
	if (bpf_probe_read_user(&head, sizeof(head), (void *)a.uaddr))
		head.family = 0;
	a.family = head.family;
	a.port = bpf_ntohs(head.port);
	if (!port_wanted(a.family, a.port))
		return 0;

	stat_inc(STAT_ATTEMPTS);
	a.ts_ns = bpf_ktime_get_ns();
	a.pid_tgid = pid_tgid;
	if (bpf_map_update_elem(&inflight, &tid, &a, BPF_ANY))
		stat_inc(STAT_INFLIGHT_FULL);
	return 0;
}

/* Task context only: the destination as the caller passed it. */
static __always_inline void read_inet_dest(struct attempt *a)
{
	if (a->family == AVC_AF_INET) {
		struct sockaddr_in sin = {};

		bpf_probe_read_user(&sin, sizeof(sin), (void *)a->uaddr);
		__builtin_memcpy(a->addr, &sin.sin_addr, 4);
	} else if (a->family == AVC_AF_INET6) {
		struct sockaddr_in6 sin6 = {};

		bpf_probe_read_user(&sin6, sizeof(sin6), (void *)a->uaddr);
		__builtin_memcpy(a->addr, &sin6.sin6_addr, 16);
	}
}

static __always_inline void fill_selinux(struct conn_event *e, const struct attempt *a)
{
	struct sel_key key = { .ts_ns = a->ts_ns, .tid = (__u32)a->pid_tgid };
	struct sel_strings *s;

	e->sel = a->sel;
	if (!(a->flags & (AF_SEL_AUDITED | AF_SEL_PERMISSIVE)))
		return;
	s = bpf_map_lookup_elem(&selstr, &key);
	if (!s)
		return;
	__builtin_memcpy(e->scontext, s->scontext, sizeof(e->scontext));
	__builtin_memcpy(e->tcontext, s->tcontext, sizeof(e->tcontext));
	__builtin_memcpy(e->tclass, s->tclass, sizeof(e->tclass));
	bpf_map_delete_elem(&selstr, &key);
}

/*
 * The attempt is over: classify it and report it. in_task is false in softirq context
 * (async TCP outcomes), where user memory must not be read.
 */
static __always_inline void complete(struct attempt *a, __s32 ret, __s32 err, bool in_task)
{
	struct conn_event *e;
	__u16 verdict;

	verdict = classify_attempt(err, a->flags, a->family, a->lsm_err);
	if (cfg.failed_only && (verdict == VERDICT_ALLOWED || verdict == VERDICT_IN_PROGRESS)) {
		stat_inc(STAT_FILTERED);
		return;
	}

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(STAT_RB_DROPS);
		return;
	}
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
	__builtin_memcpy(e->addr, a->addr, sizeof(e->addr));
	__builtin_memcpy(e->comm, a->comm, sizeof(e->comm));
	e->path[0] = 0;
	if (in_task && a->family == AVC_AF_UNIX && a->addrlen > 2) {
		__u32 len = a->addrlen - 2;

		if (len > AVC_PATH_LEN)
			len = AVC_PATH_LEN;
		bpf_probe_read_user(e->path, len & 127, (void *)(a->uaddr + 2));
		if (e->path[0] == 0)
			e->flags |= AF_ABSTRACT;
	}
	e->scontext[0] = e->tcontext[0] = e->tclass[0] = 0;
	fill_selinux(e, a);

	/* Wake the reader only when the buffer is half full, never per event. */
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 2)
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	stat_inc(STAT_EVENTS);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int avc_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct attempt *a = bpf_map_lookup_elem(&inflight, &tid);
	__s32 ret = (__s32)ctx->ret;

	if (!a)
		return 0;
	a->uid = (__u32)bpf_get_current_uid_gid();
	a->cgroup_id = bpf_get_current_cgroup_id();
	read_inet_dest(a);

	if (ret == -AVC_EINPROGRESS && a->early) {
		a->flags |= AF_ASYNC;
		complete(a, ret, a->early_err, true);
		bpf_map_delete_elem(&inflight, &tid);
		return 0;
	}
	if (ret == -AVC_EINPROGRESS && cfg.follow_async && a->sk) {
		__u64 sk = a->sk;

		if (bpf_map_update_elem(&pending, &sk, a, BPF_ANY) == 0) {
			bpf_map_delete_elem(&inflight, &tid);
			return 0;
		}
		stat_inc(STAT_PENDING_FULL);
	}
	complete(a, ret, ret < 0 ? -ret : 0, true);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(avc_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct attempt *a;
	__u64 key = (__u64)sk;
	__s32 err;

	if (newstate == TCP_SYN_SENT_) {
		/* tcp_v4/v6_connect, in the connecting task */
		a = current_attempt();
		if (a)
			a->sk = key;
		return 0;
	}
	if (oldstate != TCP_SYN_SENT_)
		return 0;
	if (newstate == TCP_ESTABLISHED_) {
		err = 0;
	} else {
		/* tcp_reset()/tcp_write_err() set sk_err before tcp_done() moves to CLOSE; a
		 * close() by the application while still connecting leaves it 0.
		 */
		err = BPF_CORE_READ(sk, sk_err);
		if (!err)
			err = AVC_ECONNABORTED;
	}
	a = bpf_map_lookup_elem(&pending, &key);
	if (!a) {
		/* On loopback the RST/SYN-ACK is processed from the socket backlog by
		 * release_sock(), inside connect(), after it decided on EINPROGRESS: keep the
		 * outcome for sys_exit. Matching sk guards against unrelated softirq context.
		 */
		a = current_attempt();
		if (a && a->sk == key) {
			a->early = 1;
			a->early_err = err;
		}
		return 0;
	}
	a->flags |= AF_ASYNC;
	complete(a, -AVC_EINPROGRESS, err, false);
	bpf_map_delete_elem(&pending, &key);
	return 0;
}

/*
 * Runs for every connect4/6 on the machine (attached at the cgroup root, after the programs
 * of descendant cgroups): one hash lookup for untraced tasks. Always allows.
 */
static __always_inline int cgroup_hook(void)
{
	struct attempt *a = current_attempt();
	int retval;

	if (!a)
		return 1;
	a->flags |= AF_CGROUP_HOOK;
	retval = bpf_get_retval();
	if (retval < 0) {
		a->flags |= AF_CGROUP_ERR;
		a->cgroup_err = retval;
	}
	return 1;
}

SEC("cgroup/connect4")
int avc_cgroup_connect4(struct bpf_sock_addr *ctx)
{
	return cgroup_hook();
}

SEC("cgroup/connect6")
int avc_cgroup_connect6(struct bpf_sock_addr *ctx)
{
	return cgroup_hook();
}
