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
	struct task_struct *task = bpf_get_current_task_btf();
	const char *comm = task_wanted(task, false);
	__u16 family, port = 0;
	struct attempt *a;
	__u64 uaddr, ts;
	/* the head of a sockaddr_in: all of it for IPv4; for a unix socket, path bytes */
	struct {
		__u16 family;
		__be16 port;
		__u8 addr4[4];
	} head = {};

	if (!comm)
		return 0;
	uaddr = (__u64)ctx->args[1];
	if (bpf_probe_read_user(&head, sizeof(head), (void *)uaddr) &&
	    bpf_probe_read_user(&head, 4, (void *)uaddr)) /* a short sockaddr at a page end */
		head.family = 0;
	family = head.family;
	/* only inet addresses have a port: for a unix socket these bytes are the path's */
	if (family == AVC_AF_INET || family == AVC_AF_INET6)
		port = bpf_ntohs(head.port);
	if (!port_wanted(family, port))
		return 0;
	ts = bpf_ktime_get_ns();
	if (!domain_wanted(bpf_get_current_pid_tgid(), ts))
		return 0;

	stat_inc(STAT_ATTEMPTS);
	a = open_attempt(task);
	if (!a)
		return 0;
	a->ts_ns = ts;
	a->uaddr = uaddr;
	a->addrlen = (__u16)ctx->args[2];
	a->family = family;
	a->port = port;
	if (family == AVC_AF_INET)
		__builtin_memcpy(a->addr, head.addr4, 4);
	__builtin_memcpy(a->comm, comm, sizeof(a->comm));
	return 0;
}

/* Task context only: an IPv6 destination as the caller passed it (IPv4's came with the head). */
static __always_inline void read_inet6_dest(struct attempt *a)
{
	if (a->family == AVC_AF_INET6) {
		struct sockaddr_in6 sin6 = {};

		bpf_probe_read_user(&sin6, sizeof(sin6), (void *)a->uaddr);
		__builtin_memcpy(a->addr, &sin6.sin6_addr, 16);
	}
}

SEC("tracepoint/syscalls/sys_exit_connect")
int avc_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__s32 ret = (__s32)ctx->ret;
	struct attempt *a = current_attempt();

	if (!a || a->op != AVC_OP_CONNECT)
		return 0;
	if (cfg.mode != MODE_WATCH) /* counters are not kept by uid */
		a->uid = (__u32)bpf_get_current_uid_gid();
	a->cgroup_id = bpf_get_current_cgroup_id();
	read_inet6_dest(a);
	take_cgroup_facts(a);

	if (ret == -AVC_EINPROGRESS && a->early) {
		a->flags |= AF_ASYNC;
		complete_attempt(a, ret, a->early_err, true);
		close_attempt(a);
		return 0;
	}
	if (ret == -AVC_EINPROGRESS && cfg.follow_async && a->sk) {
		__u64 sk = a->sk;

		if (track_add(&pending, &sk, a) == 0) {
			close_attempt(a);
			return 0;
		}
		stat_inc(STAT_PENDING_FULL);
	}
	complete_attempt(a, ret, ret < 0 ? -ret : 0, true);
	close_attempt(a);
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
	/* On loopback the RST/SYN-ACK is processed from the socket backlog by release_sock(),
	 * inside connect(), after it decided on EINPROGRESS: keep the outcome for sys_exit.
	 * Matching sk guards against unrelated softirq context. Checked first: it is the
	 * cheaper lookup, and a socket still in its connect() has no pending entry yet.
	 */
	a = current_attempt();
	if (a && a->sk == key) {
		a->early = 1;
		a->early_err = err;
		return 0;
	}
	a = bpf_map_lookup_elem(&pending, &key);
	if (!a)
		return 0;
	a->flags |= AF_ASYNC;
	complete_attempt(a, -AVC_EINPROGRESS, err, false);
	track_del(&pending, &key);
	return 0;
}

/*
 * Runs for every connect4/6 and bind4/6 on the machine (attached at the cgroup root, after
 * the programs of descendant cgroups): one load for untraced tasks while nothing is in
 * flight. Always allows. The facts go to the thread's attempt, or where cgroup programs
 * cannot reach task storage (cfg.cgroup_by_tid) to its cgroup_tids entry.
 */
static __always_inline int cgroup_hook(void)
{
	__u32 facts = AF_CGROUP_HOOK, *by_tid, tid;
	struct attempt *a;

	if (nothing_in_flight())
		return 1;
	if (bpf_get_retval() < 0)
		facts |= AF_CGROUP_ERR;
	if (cfg.cgroup_by_tid) {
		tid = (__u32)bpf_get_current_pid_tgid();
		by_tid = bpf_map_lookup_elem(&cgroup_tids, &tid);
		if (by_tid)
			*by_tid |= facts;
		return 1;
	}
	a = current_attempt();
	if (a)
		a->flags |= facts;
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
