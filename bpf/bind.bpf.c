// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The bind path: every bind() of an inet socket by a traced task. The facts and the verdict
 * are the connect path's (an attempt in inflight, classify_attempt()):
 *
 *   sys_enter_bind   filters (pid, comm, cgroup, port, --domain), then opens an attempt for
 *                    the tid
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
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct sockaddr_in6 sin6 = {}; /* the larger of the two: sockaddr_in is its prefix */
	struct attempt a = {};

	if (!task_wanted(tgid, a.comm))
		return 0;

	a.uaddr = (__u64)ctx->args[1];
	a.addrlen = (__u16)ctx->args[2];
	/* a sockaddr_in may end at the end of a page: then read only its 16 bytes */
	if (bpf_probe_read_user(&sin6, sizeof(sin6), (void *)a.uaddr) &&
	    bpf_probe_read_user(&sin6, sizeof(struct sockaddr_in), (void *)a.uaddr))
		return 0;
	a.family = sin6.sin6_family;
	if (a.family == AVC_AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&sin6;

		__builtin_memcpy(a.addr, &sin->sin_addr, 4);
	} else if (a.family == AVC_AF_INET6) {
		__builtin_memcpy(a.addr, &sin6.sin6_addr, 16);
	} else {
		return 0;
	}
	a.port = bpf_ntohs(sin6.sin6_port);
	if (!port_wanted(a.family, a.port))
		return 0;
	a.ts_ns = bpf_ktime_get_ns();
	if (!domain_wanted(pid_tgid, a.ts_ns))
		return 0;

	stat_inc(STAT_ATTEMPTS);
	a.op = AVC_OP_BIND;
	a.pid_tgid = pid_tgid;
	if (track_add(&inflight, &tid, &a))
		stat_inc(STAT_INFLIGHT_FULL);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int avc_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 ret = (__s32)ctx->ret;
	struct attempt *a;

	if (nothing_in_flight())
		return 0;
	a = bpf_map_lookup_elem(&inflight, &tid);
	if (!a || a->op != AVC_OP_BIND)
		return 0;
	a->uid = (__u32)bpf_get_current_uid_gid();
	a->cgroup_id = bpf_get_current_cgroup_id();
	complete_attempt(a, ret, ret < 0 ? -ret : 0, true);
	track_del(&inflight, &tid);
	return 0;
}
