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
#include "common.bpf.h"
#include "domain.bpf.h"

#define TCP_ESTABLISHED_ 1
#define TCP_SYN_SENT_	 2
#define TCP_CLOSE_	 7

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

	if (!task_wanted(tgid, a.comm))
		return 0;

	a.uaddr = (__u64)ctx->args[1];
	a.addrlen = (__u16)ctx->args[2];
	if (bpf_probe_read_user(&head, sizeof(head), (void *)a.uaddr))
		head.family = 0;
	a.family = head.family;
	/* only inet addresses have a port: for a unix socket these bytes are the path's */
	if (a.family == AVC_AF_INET || a.family == AVC_AF_INET6)
		a.port = bpf_ntohs(head.port);
	if (!port_wanted(a.family, a.port))
		return 0;
	a.ts_ns = bpf_ktime_get_ns();
	if (!domain_wanted(pid_tgid, a.ts_ns))
		return 0;

	stat_inc(STAT_ATTEMPTS);
	a.pid_tgid = pid_tgid;
	if (track_add(&inflight, &tid, &a))
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

SEC("tracepoint/syscalls/sys_exit_connect")
int avc_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 ret = (__s32)ctx->ret;
	struct attempt *a;

	if (nothing_in_flight())
		return 0;
	a = bpf_map_lookup_elem(&inflight, &tid);
	if (!a)
		return 0;
	a->uid = (__u32)bpf_get_current_uid_gid();
	a->cgroup_id = bpf_get_current_cgroup_id();
	read_inet_dest(a);

	if (ret == -AVC_EINPROGRESS && a->early) {
		a->flags |= AF_ASYNC;
		complete_attempt(a, ret, a->early_err, true);
		track_del(&inflight, &tid);
		return 0;
	}
	if (ret == -AVC_EINPROGRESS && cfg.follow_async && a->sk) {
		__u64 sk = a->sk;

		if (track_add(&pending, &sk, a) == 0) {
			track_del(&inflight, &tid);
			return 0;
		}
		stat_inc(STAT_PENDING_FULL);
	}
	complete_attempt(a, ret, ret < 0 ? -ret : 0, true);
	track_del(&inflight, &tid);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(avc_sock_state, const struct sock *sk, const int oldstate, const int newstate)
{
	struct attempt *a;
	__u64 key = (__u64)sk;
	__s32 err;

	if (nothing_in_flight())
		return 0;
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
	complete_attempt(a, -AVC_EINPROGRESS, err, false);
	track_del(&pending, &key);
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
	if (retval < 0)
		a->flags |= AF_CGROUP_ERR;
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

/* bind() of a traced task (bind.bpf.c): the same split, after the LSMs' security_socket_bind */
SEC("cgroup/bind4")
int avc_cgroup_bind4(struct bpf_sock_addr *ctx)
{
	return cgroup_hook();
}

SEC("cgroup/bind6")
int avc_cgroup_bind6(struct bpf_sock_addr *ctx)
{
	return cgroup_hook();
}
