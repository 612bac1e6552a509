// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The bind path: every bind() of an inet socket by a traced task. The facts and the verdict
 * are the connect path's (an attempt in the thread's storage, classify_attempt()):
 *
 *   sys_enter_bind   filters (pid, comm, cgroup, port, --domain), then opens an attempt for
 *                    the thread
 *   security_socket_bind   (SELinux: name_bind on the port's type, node_bind on the
 *                    address's node type) is seen by selinux.bpf.c's avc_has_perm hook,
 *                    which records any denial inside an open attempt
 *   cgroup/bind4|6   runs after every LSM allowed (connect.bpf.c, the connect hook's code)
 *   sys_exit_bind    bind() returned: the attempt completes (bind has no async outcome)
 *
 * Unix sockets are left out: their bind() creates a file and no port or node decides it.
 */
#include "common.bpf.h"
#include "domain.bpf.h"

SEC("tracepoint/syscalls/sys_enter_bind")
int avc_bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const char *comm = task_wanted(task, false);
	struct cgroup_facts d = {};
	struct attempt *a;
	__u64 ts;

	if (!comm)
		return 0;
	/* read at entry: unix binds are left out, and --port filters here */
	read_user_dest((__u64)ctx->args[1], &d);
	if (d.family != AVC_AF_INET && d.family != AVC_AF_INET6)
		return 0;
	if (!port_wanted(d.family, d.port))
		return 0;
	ts = bpf_ktime_get_ns();
	if (!domain_wanted(task, ts))
		return 0;

	stat_inc(STAT_ATTEMPTS);
	a = open_attempt(task);
	if (!a)
		return 0;
	a->ts_ns = ts;
	a->op = AVC_OP_BIND;
	a->uaddr = (__u64)ctx->args[1];
	a->addrlen = (__u16)ctx->args[2];
	set_dest(a, &d);
	__builtin_memcpy(a->comm, comm, sizeof(a->comm));
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int avc_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct attempt *a = exit_attempt(AVC_OP_BIND);

	if (a) /* bind has no async outcome */
		finish_attempt(a, (__s32)ctx->ret);
	return 0;
}
