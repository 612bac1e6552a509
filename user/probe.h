/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel compatibility, decided once at start from the running kernel: which hooks exist,
 * which program types the kernel accepts here, and the argument layout of SELinux functions.
 * Every kernel-version difference avcsnoop cares about is probed and explained here.
 */
#ifndef AVC_PROBE_H
#define AVC_PROBE_H

#include <limits.h>
#include <stdbool.h>

/* Trampoline targets (fentry/fexit) avcsnoop may use. */
enum probe_fn {
	FN_AVC_HAS_PERM = 0,
	FN_SELINUX_INODE_PERMISSION,
	FN_SECURITY_SOCKET_CONNECT,
	FN_STATUS_SETENFORCE, /* selinux_status_update_setenforce: state changes in event order */
	FN_STATUS_POLICYLOAD, /* selinux_status_update_policyload */
	FN_MAX,
};

struct kernel_features {
	bool btf;		  /* /sys/kernel/btf/vmlinux readable */
	char lsms[256];		  /* /sys/kernel/security/lsm, "" when unknown */
	bool selinux_enabled;	  /* SELinux is an active LSM with a policy loaded */
	int selinux_enforcing;	  /* 1, 0, or -1 when not enabled */
	bool tp_selinux_audited;  /* tracepoint selinux:selinux_audited exists */
	bool tp_sock_state;	  /* tracepoint sock:inet_sock_set_state exists */
	char cgroup2[PATH_MAX];	  /* cgroup v2 mount point, "" when none */
	bool task_storage;	  /* tracing programs reach task-local storage (the attempt) */
	bool cgroup_task_storage; /* ... and cgroup programs too (6.18 yes; 6.1, 6.12 no) */
	int avc_arg_base;	  /* avc_has_perm(): index of ssid, 1 before 6.4 (selinux_state) */
	int status_arg_base;	  /* selinux_status_update_*(): index of the new value, likewise */
	bool fn_exists[FN_MAX];	  /* function present in BTF */
	bool fn_attachable[FN_MAX]; /* a trivial fexit program loaded and attached */
	int fn_errno[FN_MAX];	    /* why not, when !fn_attachable */
	/* --domain in the kernel (probe_domain_sid): can BPF read a task's SELinux SID? */
	bool domain_sid;
	unsigned long long domain_blob_addr; /* &selinux_blob_sizes.lbs_cred */
	unsigned int domain_sid_off;	     /* offset of sid in SELinux's cred blob */
	char domain_why[192];		     /* why not, when !domain_sid */
	/* the kernel's class map, from /proc/kallsyms when SELinux is active: 0 absent, -1ULL
	 * hidden (kptr_restrict)
	 */
	unsigned long long secclass_map_addr;
};

/* Fill kf; returns 0, or -errno when BTF cannot be read at all. */
int probe_kernel(struct kernel_features *kf);
const char *probe_fn_name(enum probe_fn fn);
/* "SELinux path: unavailable, the kernel refuses fentry/fexit programs (EPERM)" etc. */
void probe_explain_fn(const struct kernel_features *kf, enum probe_fn fn, char *buf, int len);

/*
 * Can the kernel filter --domain by SID? SELinux active, its blob sizes in kallsyms and the
 * layout of lsm_blob_sizes and of SELinux's cred blob in BTF. Fills kf->domain_*; 0 when it
 * can, -ENOTSUP with kf->domain_why naming what is missing. Reads /proc/kallsyms and the
 * kernel's BTF: call it only when --domain is asked for.
 */
int probe_domain_sid(struct kernel_features *kf);

/*
 * The address of name in kallsyms (/proc/kallsyms, or a file of that format), in a pass that
 * ends where it is found: 0 when absent, -1ULL when the file hides addresses (kptr_restrict:
 * all zero). The first of several same names wins.
 */
unsigned long long probe_kallsyms(const char *path, const char *name);

/* Mount tracefs/bpffs where they are missing (root only). Returns 0 or -errno. */
int ensure_fs(const char *path, const char *fstype);

#endif
