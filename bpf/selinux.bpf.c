// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The SELinux decision path and the final LSM verdict, for attempts opened by the connect
 * path (connect.bpf.c). Nothing here records anything outside a traced task's attempt.
 *
 *   fexit avc_has_perm              every AVC check: TCP name_connect/connect, unix connectto
 *   tp_btf selinux_audited          fires inside avc_audit only when a record is emitted: a
 *                                   denial without it was hidden (dontaudit, or audit off);
 *                                   carries the context strings; result 0 = permissive
 *   fexit selinux_inode_permission  unix path walk: dir search, sock_file write (it calls
 *                                   avc_has_perm_noaudit, which 6.1 cannot trace: 7 args)
 *   fentry/fexit security_socket_connect
 *                                   the LSM stack's verdict; also opens attempts for connects
 *                                   that never pass the syscall (io_uring)
 *
 * These need trampolines (fentry/fexit). The loader only loads them where a probe showed the
 * kernel accepts them and SELinux is active.
 */
#include "common.bpf.h"
#include "domain.bpf.h"

#define S_IFMT_	  00170000
#define MAY_MASK_ 0x7f /* MAY_NOT_BLOCK (0x80) and above are hints, not permissions */

/* The kernel's own class map, indexed by the kernel's class numbers (which differ from the
 * policy's), is at cfg.secclass_map_addr: user space reads its address from kallsyms once
 * (libbpf would parse the whole file for a __ksym at every start). 0 when absent from
 * kallsyms or hidden: names then come from user space.
 */

/*
 * Names of class tclass and of the lowest bit of perms, from the kernel's class map: an
 * array of struct security_class_mapping { name; perms[] }, whose size and field offsets
 * come from the running kernel's BTF (CO-RE), not from this build's layout.
 */
static __always_inline void class_perm_names(struct avc_sel_names *s, __u16 tclass, __u32 perms,
					     bool want_class)
{
	__u64 base = cfg.secclass_map_addr, entry, ptr = 0;
	__u32 sz = bpf_core_type_size(struct security_class_mapping);
	__u32 name_off = bpf_core_field_offset(struct security_class_mapping, name);
	__u32 perms_off = bpf_core_field_offset(struct security_class_mapping, perms);
	int bit;

	if (!base || !tclass || !sz)
		return;
	entry = base + (__u64)(tclass - 1) * sz;
	if (want_class && !s->tclass[0] &&
	    !bpf_probe_read_kernel(&ptr, sizeof(ptr), (void *)(entry + name_off)) && ptr)
		bpf_probe_read_kernel_str(s->tclass, sizeof(s->tclass), (void *)ptr);
	for (bit = 0; bit < 32; bit++)
		if (perms & (1U << bit))
			break;
	if (bit >= 32)
		return;
	ptr = 0;
	/* perms[] holds const char *: the element size is the pointer size on every kernel */
	if (!bpf_probe_read_kernel(
		    &ptr, sizeof(ptr),
		    (void *)(entry + perms_off + (__u64)bit * sizeof(const char *))) &&
	    ptr)
		bpf_probe_read_kernel_str(s->perm, sizeof(s->perm), (void *)ptr);
}

SEC("tp_btf/selinux_audited")
int BPF_PROG(avc_sel_audited, struct selinux_audit_data *sad, char *scontext, char *tcontext,
	     const char *tclass)
{
	struct attempt *a = current_attempt();
	struct avc_sel_names *s;
	__u32 denied;

	if (!a)
		return 0;
	denied = BPF_CORE_READ(sad, denied);
	if (!denied)
		return 0; /* an auditallow record: granted */
	a->audit_seen = 1;
	a->audit_denied = denied;
	a->audit_result = BPF_CORE_READ(sad, result);
	if (a->flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE))
		return 0; /* the first decision is the one reported */
	if (a->audit_result == 0) {
		/* denied bits but granted: permissive (global or per domain) */
		a->flags |= AF_SEL_PERMISSIVE | AF_SEL_AUDITED;
		a->sel.requested = BPF_CORE_READ(sad, requested);
		a->sel.denied = denied;
	}
	s = attempt_strings(a);
	if (!s)
		return 0;
	bpf_probe_read_kernel_str(s->scontext, sizeof(s->scontext), scontext);
	bpf_probe_read_kernel_str(s->tcontext, sizeof(s->tcontext), tcontext);
	bpf_probe_read_kernel_str(s->tclass, sizeof(s->tclass), tclass);
	class_perm_names(s, BPF_CORE_READ(sad, tclass), denied, false);
	return 0;
}

/* A denial (-EACCES) from a SELinux hook: the first one is kept; audited if the tracepoint
 * fired during this hook.
 */
static __always_inline void record_denial(struct attempt *a, __u16 tclass, __u32 requested)
{
	struct avc_sel_names *s;
	bool audited = a->audit_seen;

	a->audit_seen = 0;
	if (a->flags & AF_SEL_DENIED)
		return;
	a->flags |= AF_SEL_DENIED | (audited ? AF_SEL_AUDITED : 0);
	a->sel.requested = requested;
	a->sel.denied = audited ? a->audit_denied : requested;
	if (tclass) {
		s = attempt_strings(a);
		if (s)
			class_perm_names(s, tclass, a->sel.denied, true);
	}
}

SEC("fexit/avc_has_perm")
int avc_sel_has_perm(__u64 *ctx)
{
	struct attempt *a = current_attempt();
	__u64 tclass = 0, requested = 0, ret = 0;
	__u32 base = cfg.avc_arg_base;

	if (!a)
		return 0;
	bpf_get_func_ret(ctx, &ret);
	if ((int)ret != -AVC_EACCES) {
		a->audit_seen = 0;
		return 0;
	}
	/* ([state,] ssid, tsid, tclass, requested): v6.4 dropped the struct selinux_state *
	 * first argument, base is 1 before it; the SIDs are named by selinux_audited's strings
	 */
	bpf_get_func_arg(ctx, base + 2, &tclass);
	bpf_get_func_arg(ctx, base + 3, &requested);
	record_denial(a, (__u16)tclass, (__u32)requested);
	return 0;
}

SEC("fexit/selinux_inode_permission")
int BPF_PROG(avc_sel_inode, struct inode *inode, int mask, int ret)
{
	struct attempt *a = current_attempt();

	if (!a)
		return 0;
	if (ret == -AVC_EACCES)
		need_dest(a); /* the LSM hook, where it runs, had it from the kernel's copy */
	if (a->dest_known && a->family != AVC_AF_UNIX)
		return 0;
	if (ret != -AVC_EACCES) {
		a->audit_seen = 0;
		return 0;
	}
	if (a->flags & AF_SEL_DENIED)
		return 0;
	/* Class and permission follow from the inode's mode and the MAY_* mask (user space
	 * names them); SIDs are not at hand here.
	 */
	record_denial(a, 0, (__u32)mask & MAY_MASK_);
	a->flags |= AF_SEL_INODE;
	a->sel.imode = BPF_CORE_READ(inode, i_mode) & S_IFMT_;
	a->sel.ino = (__u32)BPF_CORE_READ(inode, i_ino);
	a->sel.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	return 0;
}

/* The destination from the kernel's copy of the caller's sockaddr. */
static __always_inline void kernel_dest(struct sockaddr *address, struct cgroup_facts *d)
{
	d->family = BPF_CORE_READ(address, sa_family);
	if (d->family == AVC_AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)address;

		d->port = bpf_ntohs(BPF_CORE_READ(sin, sin_port));
		bpf_probe_read_kernel(d->addr, 4, &sin->sin_addr);
	} else if (d->family == AVC_AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)address;

		d->port = bpf_ntohs(BPF_CORE_READ(sin6, sin6_port));
		bpf_probe_read_kernel(d->addr, 16, &sin6->sin6_addr);
	}
}

/*
 * A syscall attempt gets its destination here, from the kernel's copy (before any SELinux
 * hook needs the family). Connects that never pass sys_enter_connect (io_uring, in-kernel
 * users) start here.
 */
SEC("fentry/security_socket_connect")
int BPF_PROG(avc_lsm_connect_enter, struct socket *sock, struct sockaddr *address, int addrlen)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup_facts d = {};
	struct attempt *a = current_attempt();
	const char *comm;
	__u8 one = 1;
	__u64 sk, ts;

	if (a) { /* the syscall path already opened it */
		if (!a->dest_known) {
			kernel_dest(address, &d);
			set_dest(a, &d);
		}
		return 0;
	}
	comm = task_wanted(task, true);
	if (!comm)
		return 0;
	kernel_dest(address, &d);
	if (d.family != AVC_AF_INET && d.family != AVC_AF_INET6)
		return 0; /* unix paths are read from user memory by the syscall path only */
	if (!port_wanted(d.family, d.port))
		return 0;
	sk = (__u64)BPF_CORE_READ(sock, sk);
	if (bpf_map_lookup_elem(&nosys_socks, &sk))
		return 0;
	ts = bpf_ktime_get_ns();
	if (!domain_wanted(task, ts))
		return 0;
	bpf_map_update_elem(&nosys_socks, &sk, &one, BPF_ANY);
	stat_inc(STAT_ATTEMPTS);
	a = open_attempt(task);
	if (!a)
		return 0;
	a->ts_ns = ts;
	a->addrlen = (__u16)addrlen;
	a->uid = (__u32)bpf_get_current_uid_gid();
	note_cgroup(a);
	a->flags = AF_NO_SYSCALL;
	set_dest(a, &d);
	__builtin_memcpy(a->comm, comm, sizeof(a->comm));
	return 0;
}

SEC("fexit/security_socket_connect")
int BPF_PROG(avc_lsm_connect_exit, struct socket *sock, struct sockaddr *address, int addrlen,
	     int ret)
{
	struct attempt *a = current_attempt();
	__u64 sk;

	if (!a)
		return 0;
	a->flags |= AF_LSM_SEEN;
	a->lsm_err = ret;
	if (!(a->flags & AF_NO_SYSCALL))
		return 0;
	/* No syscall exit will close this attempt: an LSM refusal ends it here, otherwise
	 * the TCP state machine reports the outcome (pending, keyed by the socket).
	 */
	sk = (__u64)BPF_CORE_READ(sock, sk);
	if (ret == 0 && sk && track_add(&pending, &sk, a) == 0) {
		close_attempt(a);
		return 0;
	}
	complete_attempt(a, ret, ret < 0 ? -ret : AVC_EINPROGRESS, true);
	close_attempt(a);
	return 0;
}

/*
 * SELinux's state changes, in event order: the kernel updates its status page (what
 * libselinux's selinux_status_*() read) through these two functions on every setenforce and
 * on every policy load or boolean commit. A record in the events ring between the attempts
 * before and after lets user space judge each attempt with the state of its time. Rare: no
 * cost on the connect path. (v6.4 dropped the struct selinux_state * first argument.)
 */
static __always_inline void sel_change(__u64 *ctx, __u32 kind)
{
	struct sel_change_event *e;
	__u64 value = 0;

	if (cfg.mode != MODE_TRACE)
		return;
	bpf_get_func_arg(ctx, cfg.status_arg_base, &value);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(STAT_RB_DROPS);
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->kind = kind;
	e->value = (__u32)value;
	bpf_ringbuf_submit(e, 0);
}

SEC("fentry/selinux_status_update_setenforce")
int avc_sel_setenforce(__u64 *ctx)
{
	sel_change(ctx, AVC_SEL_SETENFORCE);
	return 0;
}

SEC("fentry/selinux_status_update_policyload")
int avc_sel_policyload(__u64 *ctx)
{
	sel_change(ctx, AVC_SEL_POLICYLOAD);
	return 0;
}
