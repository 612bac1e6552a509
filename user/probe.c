// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "probe.h"

static const char *const fn_names[FN_MAX] = {
	[FN_AVC_HAS_PERM] = "avc_has_perm",
	[FN_SELINUX_INODE_PERMISSION] = "selinux_inode_permission",
	[FN_SECURITY_SOCKET_CONNECT] = "security_socket_connect",
	[FN_STATUS_SETENFORCE] = "selinux_status_update_setenforce",
	[FN_STATUS_POLICYLOAD] = "selinux_status_update_policyload",
};

const char *probe_fn_name(enum probe_fn fn)
{
	return fn < FN_MAX ? fn_names[fn] : "?";
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void find_cgroup2(char *out, size_t len)
{
	FILE *f = setmntent("/proc/self/mounts", "r");
	struct mntent *m;

	out[0] = '\0';
	if (!f)
		return;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(out, len, "%s", m->mnt_dir);
			break;
		}
	endmntent(f);
}

/*
 * Load and attach "return 0" as fexit on fn. This is the only reliable test: some kernels
 * (this project's hosts) refuse every trampoline program with EPERM, and 6.1's x86
 * trampoline takes at most 6 arguments (ENOTSUPP at attach).
 */
static int try_fexit(int btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT,
		    .attach_btf_id = (__u32)btf_id);
	int prog_fd, link_fd;

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "avc_probe", "GPL", insns, 2, &opts);
	if (prog_fd < 0)
		return -errno;
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FEXIT, NULL);
	if (link_fd < 0) {
		int err = -errno;

		close(prog_fd);
		return err;
	}
	close(link_fd);
	close(prog_fd);
	return 0;
}

static int func_nargs(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, (__u32)id);

	if (!t)
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t);
}

/* Is the first parameter of function id a pointer to struct selinux_state? (gone in 6.4) */
static bool first_arg_is_state(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, (__u32)id);
	const struct btf_param *p;

	t = t ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t) || btf_vlen(t) < 1)
		return false;
	p = btf_params(t);
	t = btf__type_by_id(btf, p[0].type);
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_struct(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "selinux_state");
}

/*
 * AVCSNOOP_DISABLE=name[,name...] makes avcsnoop behave as on a kernel without those hooks
 * (function names of enum probe_fn, or selinux_audited, inet_sock_set_state,
 * cgroup_task_storage): the way to see, and test, what each fallback costs.
 */
static bool disabled_by_env(const char *name)
{
	const char *list = getenv("AVCSNOOP_DISABLE"), *p;
	size_t n = strlen(name);

	for (p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

/* libbpf loads a program calling the helper and reads the verifier's "unknown func". */
static bool helper_available(enum bpf_prog_type type, enum bpf_func_id helper)
{
	return libbpf_probe_bpf_helper(type, helper, NULL) == 1;
}

/* In the complete lines buf[0, len): the address of the first line naming name, 0 if none,
 * -1ULL if that line's address is hidden (all zeros).
 */
static unsigned long long kallsyms_find(const char *buf, size_t len, const char *name)
{
	char pat[130];
	size_t plen = (size_t)snprintf(pat, sizeof(pat), " %s", name);
	const char *p = buf, *end = buf + len, *line;

	if (plen >= sizeof(pat))
		return 0;
	/* " NAME" followed by the line's end (or its module's tab), after "ADDR T" */
	while ((p = memmem(p, (size_t)(end - p), pat, plen)) != NULL) {
		const char *after = p + plen;

		if (after < end && (*after == '\n' || *after == '\t') && p - buf >= 2 &&
		    p[-2] == ' ' && p[-1] != ' ' && p[-1] != '\n') {
			unsigned long long addr;

			line = memrchr(buf, '\n', (size_t)(p - buf));
			line = line ? line + 1 : buf;
			addr = strtoull(line, NULL, 16);
			return addr ? addr : -1ULL;
		}
		p++;
	}
	return 0;
}

/*
 * A line of kallsyms is "ADDR TYPE NAME[\t[MODULE]]". The file (~200k lines) is read in large
 * blocks and the name searched for in them (memmem), and only a matching line is parsed: a
 * sscanf of every line, as libbpf does for a __ksym, costs a tenth of a second on hardware and
 * a second under emulation.
 */
unsigned long long probe_kallsyms(const char *path, const char *name)
{
	char buf[65536];
	size_t have = 0;
	ssize_t got;
	unsigned long long addr = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (!addr && (got = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		const char *last;
		size_t full;

		have += (size_t)got;
		/* whole lines only; the partial last one is kept for the next block */
		last = memrchr(buf, '\n', have);
		if (!last) {
			if (have == sizeof(buf))
				have = 0; /* no line is this long: skip it */
			continue;
		}
		full = (size_t)(last - buf) + 1;
		addr = kallsyms_find(buf, full, name);
		memmove(buf, buf + full, have - full);
		have -= full;
	}
	close(fd);
	return addr;
}

int probe_kernel(struct kernel_features *kf)
{
	struct btf *btf;
	char buf[16];
	int fn;

	memset(kf, 0, sizeof(*kf));
	kf->selinux_enforcing = -1;
	if (geteuid() == 0)
		ensure_fs("/sys/kernel/security", "securityfs");
	read_line("/sys/kernel/security/lsm", kf->lsms, sizeof(kf->lsms));
	read_line("/sys/fs/selinux/enforce", buf, sizeof(buf));
	if (buf[0]) {
		kf->selinux_enabled = true;
		kf->selinux_enforcing = buf[0] == '1';
	}
	find_cgroup2(kf->cgroup2, sizeof(kf->cgroup2));
	if (kf->selinux_enabled) {
		/* the kernel's class map: the SELinux programs name classes and permissions
		 * with it (kallsyms is sorted by address: the pass ends in its rodata)
		 */
		kf->secclass_map_addr = probe_kallsyms("/proc/kallsyms", "secclass_map");
	}

	/*
	 * The attempt in flight lives in task-local storage (bpf/common.bpf.h): tracing programs
	 * have reached it since 5.11; cgroup programs only on later kernels (6.1 and 6.12 refuse:
	 * "unknown func bpf_task_storage_get"; 6.18 allows), elsewhere the cgroup hook notes its
	 * facts by tid.
	 */
	kf->task_storage =
		helper_available(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_storage_get) &&
		helper_available(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_current_task_btf);
	kf->cgroup_task_storage =
		helper_available(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_task_storage_get) &&
		helper_available(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_FUNC_get_current_task_btf);
	if (disabled_by_env("cgroup_task_storage"))
		kf->cgroup_task_storage = false;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return -errno;
	kf->btf = true;
	kf->tp_selinux_audited =
		btf__find_by_name_kind(btf, "btf_trace_selinux_audited", BTF_KIND_TYPEDEF) > 0;
	kf->tp_sock_state =
		btf__find_by_name_kind(btf, "btf_trace_inet_sock_set_state", BTF_KIND_TYPEDEF) > 0;
	if (disabled_by_env("selinux_audited"))
		kf->tp_selinux_audited = false;
	if (disabled_by_env("inet_sock_set_state"))
		kf->tp_sock_state = false;
	for (fn = 0; fn < FN_MAX; fn++) {
		int id = btf__find_by_name_kind(btf, fn_names[fn], BTF_KIND_FUNC);

		if (disabled_by_env(fn_names[fn])) {
			kf->fn_errno[fn] = ECANCELED;
			continue;
		}
		if (id <= 0) {
			kf->fn_errno[fn] = ENOENT;
			continue;
		}
		kf->fn_exists[fn] = true;
		if (fn == FN_AVC_HAS_PERM) {
			/* v6.4 ("selinux: remove the 'state' parameter", Paul Moore) dropped
			 * struct selinux_state * from the AVC API.
			 */
			kf->avc_arg_base = first_arg_is_state(btf, id) ? 1 : 0;
			p_debug("avc_has_perm has %d arguments, ssid is argument %d",
				func_nargs(btf, id), kf->avc_arg_base);
		}
		if (fn == FN_STATUS_SETENFORCE)
			kf->status_arg_base = first_arg_is_state(btf, id) ? 1 : 0;
		kf->fn_errno[fn] = -try_fexit(id);
		kf->fn_attachable[fn] = kf->fn_errno[fn] == 0;
	}
	btf__free(btf);
	return 0;
}

/* Byte offset of member in the struct named sname, or -1. */
static long btf_member_offset(const struct btf *btf, const char *sname, const char *member)
{
	int id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
	const struct btf_member *m;
	int i;

	if (!t)
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return (long)(btf_member_bit_offset(t, (__u32)i) / 8);
	return -1;
}

int probe_domain_sid(struct kernel_features *kf)
{
	long lbs_cred, sid_off;
	unsigned long long addr;
	struct btf *btf;

	kf->domain_sid = false;
	if (!kf->selinux_enabled) {
		snprintf(kf->domain_why, sizeof(kf->domain_why),
			 "SELinux is not active (LSMs: %.150s)",
			 kf->lsms[0] ? kf->lsms : "unknown");
		return -ENOTSUP;
	}
	if (disabled_by_env("selinux_blob_sizes")) {
		snprintf(kf->domain_why, sizeof(kf->domain_why),
			 "selinux_blob_sizes disabled by AVCSNOOP_DISABLE");
		return -ENOTSUP;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		snprintf(kf->domain_why, sizeof(kf->domain_why), "no kernel BTF");
		return -ENOTSUP;
	}
	lbs_cred = btf_member_offset(btf, "lsm_blob_sizes", "lbs_cred");
	/* 6.18 calls SELinux's cred blob cred_security_struct (task_security_struct became
	 * its task blob, without sid); 6.1-6.17 call it task_security_struct
	 */
	sid_off = btf_member_offset(btf, "cred_security_struct", "sid");
	if (sid_off < 0)
		sid_off = btf_member_offset(btf, "task_security_struct", "sid");
	btf__free(btf);
	if (lbs_cred < 0 || sid_off < 0) {
		snprintf(kf->domain_why, sizeof(kf->domain_why), "the kernel's BTF lacks %s",
			 lbs_cred < 0 ? "lsm_blob_sizes.lbs_cred"
				      : "SELinux's cred blob (cred_security_struct.sid)");
		return -ENOTSUP;
	}
	addr = probe_kallsyms("/proc/kallsyms", "selinux_blob_sizes");
	if (!addr || addr == -1ULL) {
		snprintf(
			kf->domain_why, sizeof(kf->domain_why), "%s",
			addr ? "kallsyms hides addresses (kptr_restrict)"
			     : "selinux_blob_sizes is not in /proc/kallsyms (no CONFIG_KALLSYMS_ALL)");
		return -ENOTSUP;
	}
	kf->domain_blob_addr = addr + (unsigned long long)lbs_cred;
	kf->domain_sid_off = (unsigned int)sid_off;
	kf->domain_sid = true;
	kf->domain_why[0] = '\0';
	return 0;
}

void probe_explain_fn(const struct kernel_features *kf, enum probe_fn fn, char *buf, int len)
{
	int err = kf->fn_errno[fn];

	if (kf->fn_attachable[fn])
		snprintf(buf, (size_t)len, "fexit %s", fn_names[fn]);
	else if (err == ECANCELED)
		snprintf(buf, (size_t)len, "%s disabled by AVCSNOOP_DISABLE", fn_names[fn]);
	else if (!kf->fn_exists[fn])
		snprintf(buf, (size_t)len, "%s is not in the kernel's BTF", fn_names[fn]);
	else if (err == EPERM)
		snprintf(buf, (size_t)len, "the kernel refuses fentry/fexit programs (EPERM)");
	else if (err == 524 /* ENOTSUPP */)
		snprintf(buf, (size_t)len,
			 "%s: the trampoline cannot take its arguments (ENOTSUPP)", fn_names[fn]);
	else
		snprintf(buf, (size_t)len, "fexit %s: %s", fn_names[fn], strerror(err));
}

int ensure_fs(const char *path, const char *fstype)
{
	struct statfs st;
	long magic = !strcmp(fstype, "bpf")	     ? 0xcafe4a11L  /* BPF_FS_MAGIC */
		     : !strcmp(fstype, "securityfs") ? 0x73636673L  /* SECURITYFS_MAGIC */
						     : 0x74726163L; /* TRACEFS_MAGIC */

	if (statfs(path, &st) == 0 && (long)st.f_type == magic)
		return 0;
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	if (mount(fstype, path, fstype, 0, NULL))
		return -errno;
	return 0;
}
