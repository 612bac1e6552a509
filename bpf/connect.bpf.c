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
	struct cgroup_facts d = {};
	struct attempt *a;
	__u64 ts;

	if (!comm)
		return 0;
	/* The destination comes later from the kernel's copy (the cgroup or LSM hook), or from
	 * the caller's memory at exit; --port must read it now.
	 */
	if (cfg.nports) {
		read_user_dest((__u64)ctx->args[1], &d);
		if (!port_wanted(d.family, d.port))
			return 0;
	}
	ts = bpf_ktime_get_ns();
	if (!domain_wanted(task, ts))
		return 0;
	stat_inc(STAT_ATTEMPTS);
	a = open_attempt(task);
	if (!a)
		return 0;
	a->ts_ns = ts;
	a->uaddr = (__u64)ctx->args[1];
	a->addrlen = (__u16)ctx->args[2];
	__builtin_memcpy(a->comm, comm, sizeof(a->comm));
	if (cfg.nports)
		set_dest(a, &d);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int avc_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__s32 ret = (__s32)ctx->ret;
	struct attempt *a = exit_attempt(AVC_OP_CONNECT);

	if (!a)
		return 0;
	need_dest(a);

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
	finish_attempt(a, ret);
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
 * the programs of descendant cgroups): a helper call that finds no storage for untraced
 * tasks. Always allows. Notes that the LSMs allowed, an earlier cgroup program's error, and
 * the destination from the kernel's copy as the cgroup programs leave it (where TCP connects
 * or the socket binds): the attempt then needs no read of the caller's memory. Into the
 * thread's attempt, or where cgroup programs cannot reach task storage (cfg.cgroup_by_tid)
 * its cgroup_tids entry.
 */
static __always_inline int cgroup_hook(struct bpf_sock_addr *ctx, bool v6)
{
	struct cgroup_facts f = { .flags = AF_CGROUP_HOOK };
	struct cgroup_facts *by_tid = NULL;
	struct attempt *a = NULL;
	__u32 tid;

	if (cfg.cgroup_by_tid) {
		if (nothing_in_flight())
			return 1;
		tid = (__u32)bpf_get_current_pid_tgid();
		by_tid = bpf_map_lookup_elem(&cgroup_tids, &tid);
		if (!by_tid)
			return 1;
	} else {
		a = current_attempt();
		if (!a)
			return 1;
	}
	if (bpf_get_retval() < 0)
		f.flags |= AF_CGROUP_ERR;
	f.port = bpf_ntohs((__u16)ctx->user_port);
	if (v6) {
		f.family = AVC_AF_INET6;
		((__u32 *)f.addr)[0] = ctx->user_ip6[0];
		((__u32 *)f.addr)[1] = ctx->user_ip6[1];
		((__u32 *)f.addr)[2] = ctx->user_ip6[2];
		((__u32 *)f.addr)[3] = ctx->user_ip6[3];
	} else {
		f.family = AVC_AF_INET;
		((__u32 *)f.addr)[0] = ctx->user_ip4;
	}
	if (by_tid)
		*by_tid = f;
	else if (a)
		apply_cgroup_facts(a, &f);
	return 1;
}

SEC("cgroup/connect4")
int avc_cgroup_connect4(struct bpf_sock_addr *ctx)
{
	return cgroup_hook(ctx, false);
}

SEC("cgroup/connect6")
int avc_cgroup_connect6(struct bpf_sock_addr *ctx)
{
	return cgroup_hook(ctx, true);
}

/* bind() of a traced task (bind.bpf.c): the same split, after the LSMs' security_socket_bind */
SEC("cgroup/bind4")
int avc_cgroup_bind4(struct bpf_sock_addr *ctx)
{
	return cgroup_hook(ctx, false);
}

SEC("cgroup/bind6")
int avc_cgroup_bind6(struct bpf_sock_addr *ctx)
{
	return cgroup_hook(ctx, true);
}
