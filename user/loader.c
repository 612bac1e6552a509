// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "avcsnoop.h" /* before the skeleton, which names its structs */
#include "avcsnoop.skel.h"
#include "domain.h"
#include "loader.h"
#include "log.h"

static const char *const group_what[GRP_MAX] = {
	[GRP_CONNECT] = "connect and bind paths",
	[GRP_SOCK] = "async outcomes",
	[GRP_CGROUP] = "LSM/cgroup split",
	[GRP_SEL] = "SELinux path",
	[GRP_LSM] = "LSM verdict",
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * Every program of the skeleton, by handle: its group, and for those that need one
 * particular trampoline target beyond their group's needs, that target (FN_MAX with a
 * `loses` text: the selinux_audited tracepoint) and what is lost without it. A program the
 * object has and this table lacks is an error at open, never a silent default.
 */
struct prog_role {
	struct bpf_program *prog;
	enum prog_group group;
	int fn; /* enum probe_fn, FN_MAX = the selinux_audited tracepoint, -1 = nothing more */
	const char *loses;
	bool trace_only; /* writes to the events ring: not loaded by watch */
};

#define MAX_PROGS 20

static size_t prog_roles(const struct avcsnoop_bpf *skel, struct prog_role r[MAX_PROGS])
{
	const struct prog_role all[] = {
		{ skel->progs.avc_connect_enter, GRP_CONNECT, -1, NULL },
		{ skel->progs.avc_connect_exit, GRP_CONNECT, -1, NULL },
		{ skel->progs.avc_sock_state, GRP_SOCK, -1, NULL },
		{ skel->progs.avc_cgroup_connect4, GRP_CGROUP, -1, NULL },
		{ skel->progs.avc_cgroup_connect6, GRP_CGROUP, -1, NULL },
		{ skel->progs.avc_bind_enter, GRP_CONNECT, -1, NULL },
		{ skel->progs.avc_bind_exit, GRP_CONNECT, -1, NULL },
		{ skel->progs.avc_cgroup_bind4, GRP_CGROUP, -1, NULL },
		{ skel->progs.avc_cgroup_bind6, GRP_CGROUP, -1, NULL },
		{ skel->progs.avc_sel_audited, GRP_SEL, FN_MAX,
		  "audit records seen in-kernel: audited vs hidden is decided "
		  "from the policy's auditdeny bit" },
		{ skel->progs.avc_sel_has_perm, GRP_SEL, FN_AVC_HAS_PERM,
		  "TCP and connectto decisions" },
		{ skel->progs.avc_sel_inode, GRP_SEL, FN_SELINUX_INODE_PERMISSION,
		  "unix path-walk denials (dir search, sock_file write)" },
		{ skel->progs.avc_lsm_connect_enter, GRP_LSM, FN_SECURITY_SOCKET_CONNECT,
		  "connects outside the syscall" },
		{ skel->progs.avc_lsm_connect_exit, GRP_LSM, FN_SECURITY_SOCKET_CONNECT,
		  "the final LSM verdict" },
		{ skel->progs.avc_sel_setenforce, GRP_SEL, FN_STATUS_SETENFORCE,
		  "setenforce in event order (the status page, per poll)", true },
		{ skel->progs.avc_sel_policyload, GRP_SEL, FN_STATUS_POLICYLOAD,
		  "policy loads in event order (the status page, per poll)", true },
		/* --domain: loaded only when the kernel filters by SID (domain_decide) */
		{ skel->progs.avc_domain_iter, GRP_CONNECT, -1, NULL },
	};

	_Static_assert(sizeof(all) / sizeof(all[0]) <= MAX_PROGS, "raise MAX_PROGS");
	memcpy(r, all, sizeof(all));
	return sizeof(all) / sizeof(all[0]);
}

static const struct prog_role *role_of(const struct prog_role *r, size_t n,
				       const struct bpf_program *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].prog == p)
			return &r[i];
	return NULL;
}

/* Should this program load? Records in ld->partial what a missing target costs. */
static bool prog_wanted(struct loader *ld, const struct prog_role *r)
{
	size_t n;

	if (!ld->group_on[r->group] || (r->trace_only && ld->mode != MODE_TRACE))
		return false;
	if (r->fn < 0 ||
	    (r->fn == FN_MAX ? ld->kf.tp_selinux_audited : ld->kf.fn_attachable[r->fn]))
		return true;
	n = strlen(ld->partial);
	if (r->fn == FN_MAX)
		snprintf(ld->partial + n, sizeof(ld->partial) - n,
			 "%s%s (no selinux_audited tracepoint)", n ? ", " : "", r->loses);
	else
		snprintf(ld->partial + n, sizeof(ld->partial) - n, "%s%s (%s: %s)", n ? ", " : "",
			 r->loses, probe_fn_name((enum probe_fn)r->fn),
			 ld->kf.fn_errno[r->fn] == ECANCELED ? "disabled by AVCSNOOP_DISABLE"
							     : strerror(ld->kf.fn_errno[r->fn]));
	return false;
}

static void group_off(struct loader *ld, enum prog_group g, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void group_off(struct loader *ld, enum prog_group g, const char *fmt, ...)
{
	va_list ap;

	ld->group_on[g] = false;
	va_start(ap, fmt);
	vsnprintf(ld->group_why[g], sizeof(ld->group_why[g]), fmt, ap);
	va_end(ap);
}

/* Decide from the probes which program groups this kernel can run. */
static void choose_groups(struct loader *ld, const struct loader_opts *o)
{
	const struct kernel_features *kf = &ld->kf;
	char why[160];
	int fn;

	for (fn = 0; fn < GRP_MAX; fn++)
		ld->group_on[fn] = true;
	if (!kf->tp_sock_state)
		group_off(ld, GRP_SOCK, "no inet_sock_set_state tracepoint");
	if (!kf->cgroup2[0])
		group_off(ld, GRP_CGROUP, "no cgroup v2 mount");

	if (o->no_selinux)
		group_off(ld, GRP_SEL, "disabled by --no-selinux");
	else if (!kf->selinux_enabled)
		group_off(ld, GRP_SEL, "SELinux is not active (LSMs: %s)",
			  kf->lsms[0] ? kf->lsms : "unknown");
	else if (!kf->fn_attachable[FN_AVC_HAS_PERM]) {
		probe_explain_fn(kf, FN_AVC_HAS_PERM, why, sizeof(why));
		group_off(ld, GRP_SEL, "%s", why);
	}
	if (!kf->fn_attachable[FN_SECURITY_SOCKET_CONNECT]) {
		probe_explain_fn(kf, FN_SECURITY_SOCKET_CONNECT, why, sizeof(why));
		group_off(ld, GRP_LSM, "%s", why);
	}
}

/*
 * --domain: in the kernel where it can read task SIDs (user/probe.c probe_domain_sid), else
 * per event in user space (trace) or not at all (watch, which counts in the kernel).
 */
static int domain_decide(struct loader *ld, const struct loader_opts *o)
{
	struct domain_filter *df = o->domain;
	char list[256];

	domain_list(df, list, sizeof(list));
	if (!ld->kf.selinux_enabled) {
		p_err("--domain %s: SELinux is not active on this kernel (LSMs: %s): no task has a "
		      "domain to match",
		      list, ld->kf.lsms[0] ? ld->kf.lsms : "unknown");
		return -ENOTSUP;
	}
	df->kernel = !probe_domain_sid(&ld->kf);
	if (df->kernel) {
		snprintf(ld->domain_line, sizeof(ld->domain_line),
			 "domain %.200s: filtered in the kernel (task SIDs)", list);
		return 0;
	}
	snprintf(df->why_user, sizeof(df->why_user), "%s", ld->kf.domain_why);
	if (o->cfg.mode == MODE_WATCH) {
		p_err("watch --domain %s: the kernel cannot read task SIDs here (%s), and watch "
		      "counts in the kernel; trace --domain filters in user space",
		      list, ld->kf.domain_why);
		return -ENOTSUP;
	}
	snprintf(ld->domain_line, sizeof(ld->domain_line),
		 "domain %.60s: filtered in user space, per event (the kernel cannot: %.120s)",
		 list, ld->kf.domain_why);
	return 0;
}

/* The tracepoint's id under tracefs (or the old debugfs location). */
static int tracepoint_id(const char *category, const char *name)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		FILE *f;
		int id;

		snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[i], category, name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%d", &id) != 1)
			id = -EINVAL;
		fclose(f);
		return id;
	}
	return -ENOENT;
}

/*
 * Attach a classic tracepoint through a perf event opened enabled and a BPF link, never
 * PERF_EVENT_IOC_ENABLE: SELinux refuses that ioctl (perf_event { write }) to domains such
 * as initrc_t, which libbpf's attach would need.
 */
static int attach_tracepoint(struct loader *ld, struct bpf_program *prog, const char *category,
			     const char *name)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.sample_period = 1,
		.wakeup_events = 1,
	};
	int id, pfd, lfd;

	id = tracepoint_id(category, name);
	if (id < 0) {
		p_err("tracepoint %s/%s not found under tracefs: %s", category, name,
		      strerror(-id));
		return id;
	}
	attr.config = (__u64)id;
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (pfd < 0) {
		int err = -errno;

		p_err("perf_event_open(%s/%s): %s%s", category, name, strerror(errno),
		      errno == EACCES ? " (is this process's SELinux domain allowed perf_event "
					"{ open }? run avcsnoop from unconfined_t)"
				      : "");
		return err;
	}
	lfd = bpf_link_create(bpf_program__fd(prog), pfd, BPF_PERF_EVENT, NULL);
	if (lfd < 0) {
		int err = -errno;

		p_err("attaching %s to %s/%s: %s", bpf_program__name(prog), category, name,
		      strerror(errno));
		close(pfd);
		return err;
	}
	ld->fd_prog[ld->nfds] = NULL;
	ld->fds[ld->nfds++] = pfd;
	ld->fd_prog[ld->nfds] = bpf_program__name(prog);
	ld->fds[ld->nfds++] = lfd;
	return 0;
}

static int add_link(struct loader *ld, struct bpf_link *link, const struct bpf_program *prog)
{
	if (!link) {
		int err = -errno;

		p_err("attaching %s: %s", bpf_program__name(prog), strerror(errno));
		return err;
	}
	if (ld->nlinks >= LOADER_MAX_LINKS) {
		bpf_link__destroy(link);
		return -E2BIG;
	}
	ld->link_prog[ld->nlinks] = bpf_program__name(prog);
	ld->links[ld->nlinks++] = link;
	return 0;
}

static int attach_all(struct loader *ld)
{
	struct avcsnoop_bpf *skel = ld->skel;
	struct prog_role roles[MAX_PROGS];
	size_t i, n;
	int err, cg_fd;

	err = attach_tracepoint(ld, skel->progs.avc_connect_enter, "syscalls", "sys_enter_connect");
	if (!err)
		err = attach_tracepoint(ld, skel->progs.avc_connect_exit, "syscalls",
					"sys_exit_connect");
	if (!err)
		err = attach_tracepoint(ld, skel->progs.avc_bind_enter, "syscalls",
					"sys_enter_bind");
	if (!err)
		err = attach_tracepoint(ld, skel->progs.avc_bind_exit, "syscalls", "sys_exit_bind");
	if (err)
		return err;

	n = prog_roles(skel, roles);
	if (ld->group_on[GRP_CGROUP]) {
		cg_fd = open(ld->kf.cgroup2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg_fd < 0)
			return -errno;
		for (i = 0; i < n && !err; i++)
			if (roles[i].group == GRP_CGROUP)
				err = add_link(ld, bpf_program__attach_cgroup(roles[i].prog, cg_fd),
					       roles[i].prog);
		close(cg_fd);
		if (err)
			return err;
	}
	/* Everything else (tp_btf, fentry/fexit) attaches from its SEC() name. */
	for (i = 0; i < n; i++) {
		if (roles[i].group == GRP_CONNECT || roles[i].group == GRP_CGROUP ||
		    !bpf_program__autoload(roles[i].prog))
			continue;
		err = add_link(ld, bpf_program__attach(roles[i].prog), roles[i].prog);
		if (err)
			return err;
	}
	return 0;
}

static int set_cgroup_filter(struct loader *ld, const char *path)
{
	__u32 key = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		p_err("--cgroup %s: %s", path, strerror(errno));
		return err;
	}
	if (bpf_map_update_elem(bpf_map__fd(ld->skel->maps.cgroup_filter), &key, &fd, BPF_ANY)) {
		err = -errno;
		p_err("--cgroup %s: not a cgroup v2 directory? (%s)", path, strerror(errno));
	}
	close(fd);
	return err;
}

int loader_start(struct loader *ld, const struct loader_opts *o)
{
	struct prog_role roles[MAX_PROGS];
	struct bpf_program *prog;
	size_t nroles;
	int err;

	memset(ld, 0, sizeof(*ld));
	libbpf_set_print(libbpf_print);
	if (geteuid() != 0) {
		p_err("tracing needs root (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN for the cgroup hook)");
		return -EPERM;
	}
	err = probe_kernel(&ld->kf);
	if (err) {
		p_err("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux: %s): avcsnoop needs a "
		      "kernel built with CONFIG_DEBUG_INFO_BTF=y",
		      strerror(-err));
		return err;
	}
	if (!ld->kf.task_storage) {
		p_err("this kernel does not give tracing programs task-local storage "
		      "(bpf_task_storage_get, Linux 5.11): avcsnoop keeps each connect() there");
		return -EOPNOTSUPP;
	}
	err = ensure_fs("/sys/kernel/tracing", "tracefs");
	if (err && tracepoint_id("syscalls", "sys_enter_connect") < 0) {
		p_err("tracefs is not mounted at /sys/kernel/tracing and mounting it failed: %s",
		      strerror(-err));
		return err;
	}
	choose_groups(ld, o);
	ld->mode = o->cfg.mode;
	if (o->domain && o->domain->ntypes) {
		err = domain_decide(ld, o);
		if (err)
			return err;
	}

	ld->skel = avcsnoop_bpf__open();
	if (!ld->skel) {
		err = -errno;
		p_err("opening the BPF object: %s", strerror(errno));
		return err;
	}
	*(struct avc_config *)&ld->skel->rodata->cfg = o->cfg;
	ld->skel->rodata->cfg.self_tgid = (__u32)getpid();
	ld->skel->rodata->cfg.avc_arg_base = (__u8)ld->kf.avc_arg_base;
	ld->skel->rodata->cfg.status_arg_base = (__u8)ld->kf.status_arg_base;
	ld->skel->rodata->cfg.filter_cgroup = o->cgroup_path != NULL;
	ld->skel->rodata->cfg.cgroup_by_tid = !ld->kf.cgroup_task_storage;
	if (ld->kf.secclass_map_addr != -1ULL)
		ld->skel->rodata->cfg.secclass_map_addr = ld->kf.secclass_map_addr;
	if (getrandom(&ld->skel->rodata->cfg.path_seed, sizeof(ld->skel->rodata->cfg.path_seed),
		      0) != (ssize_t)sizeof(ld->skel->rodata->cfg.path_seed)) {
		err = -errno;
		p_err("getrandom (the seed of unix path hashes in counter keys): %s",
		      strerror(errno));
		goto fail;
	}
	if (o->domain && o->domain->kernel) {
		ld->skel->rodata->cfg.domain_filter = 1;
		ld->skel->rodata->cfg.domain_blob_addr = ld->kf.domain_blob_addr;
		ld->skel->rodata->cfg.domain_sid_off = ld->kf.domain_sid_off;
	}
	if (!ld->group_on[GRP_SOCK])
		ld->skel->rodata->cfg.follow_async = 0;
	/* --failed is decided on the refined verdict (user/verdict.h refine_verdict): where
	 * SELinux is active, a connect the kernel saw succeed may be a permissive would-deny
	 * that only user space can tell, so the kernel may drop successes only without it
	 */
	ld->skel->rodata->cfg.failed_only = o->failed_only && !ld->kf.selinux_enabled;
	if (o->ringbuf_bytes)
		bpf_map__set_max_entries(ld->skel->maps.events, o->ringbuf_bytes);
	if (o->cfg.mode == MODE_WATCH)
		bpf_map__set_max_entries(ld->skel->maps.events, (__u32)getpagesize());
	ld->skel->rodata->cfg.ringbuf_bytes = bpf_map__max_entries(ld->skel->maps.events);
	if (o->cfg.mode != MODE_WATCH) {
		/* trace mode never counts: keep the tables minimal */
		bpf_map__set_max_entries(ld->skel->maps.agg, 1);
		bpf_map__set_max_entries(ld->skel->maps.agg_names, 1);
	} else if (o->max_entries) {
		bpf_map__set_max_entries(ld->skel->maps.agg, o->max_entries);
	}

	nroles = prog_roles(ld->skel, roles);
	bpf_object__for_each_program (prog, ld->skel->obj) {
		const struct prog_role *r = role_of(roles, nroles, prog);

		if (!r) {
			p_err("BPF program %s has no role in the loader (user/loader.c prog_roles)",
			      bpf_program__name(prog));
			err = -EINVAL;
			goto fail;
		}
		bpf_program__set_autoload(prog, prog_wanted(ld, r));
	}
	bpf_program__set_autoload(ld->skel->progs.avc_domain_iter, o->domain && o->domain->kernel);

	err = avcsnoop_bpf__load(ld->skel);
	ld->sel_changes_in_ring = !err &&
				  bpf_program__autoload(ld->skel->progs.avc_sel_setenforce) &&
				  bpf_program__autoload(ld->skel->progs.avc_sel_policyload);
	if (err) {
		p_err("loading the BPF programs: %s (run with -v for the verifier's log)",
		      strerror(-err));
		goto fail;
	}
	if (o->cgroup_path) {
		err = set_cgroup_filter(ld, o->cgroup_path);
		if (err)
			goto fail;
	}
	/* the SIDs of the running tasks are known before the first attempt is seen */
	if (o->domain && o->domain->kernel) {
		err = domain_attach(o->domain, bpf_map__fd(ld->skel->maps.domain_sids),
				    bpf_map__fd(ld->skel->maps.domain_stats),
				    ld->skel->progs.avc_domain_iter);
		if (err)
			goto fail;
	}
	err = attach_all(ld);
	if (err)
		goto fail;
	/* Parsing the kernel's BTF (probes, CO-RE) peaks at several MiB, all freed by now:
	 * give it back, a tracer left running for hours should not keep it.
	 */
	malloc_trim(0);
	return 0;
fail:
	loader_stop(ld);
	return err ? err : -EINVAL;
}

void loader_stop(struct loader *ld)
{
	int i;

	for (i = ld->nlinks - 1; i >= 0; i--) {
		/* a pinned link stays attached: only drop our reference */
		if (ld->pinned)
			bpf_link__disconnect(ld->links[i]);
		bpf_link__destroy(ld->links[i]);
	}
	for (i = ld->nfds - 1; i >= 0; i--)
		close(ld->fds[i]);
	ld->nlinks = ld->nfds = 0;
	avcsnoop_bpf__destroy(ld->skel);
	ld->skel = NULL;
}

void loader_describe(const struct loader *ld, FILE *f)
{
	const char *sep = "";
	int g;

	fputs("avcsnoop: have:", f);
	for (g = 0; g < GRP_MAX; g++)
		if (ld->group_on[g]) {
			fprintf(f, "%s %s", sep, group_what[g]);
			sep = ",";
		}
	fputs("; lacks:", f);
	sep = "";
	for (g = 0; g < GRP_MAX; g++)
		if (!ld->group_on[g]) {
			fprintf(f, "%s %s (%s)", sep, group_what[g], ld->group_why[g]);
			sep = ",";
		}
	if (!*sep)
		fputs(" nothing", f);
	if (ld->partial[0])
		fprintf(f, "; partly lacks: %s", ld->partial);
	if (ld->domain_line[0])
		fprintf(f, "; %s", ld->domain_line);
	fputc('\n', f);
}

int loader_read_stats(const struct loader *ld, unsigned long long out[STAT_MAX])
{
	return read_stats_fd(bpf_map__fd(ld->skel->maps.stats), out);
}

bool loader_sel_changes_in_ring(const struct loader *ld)
{
	return ld->sel_changes_in_ring;
}

const char *loader_cgroup_facts(const struct loader *ld)
{
	if (!bpf_program__autoload(ld->skel->progs.avc_cgroup_connect4))
		return "none";
	return ld->skel->rodata->cfg.cgroup_by_tid ? "by_tid" : "task_storage";
}

int loader_ringbuf_fd(const struct loader *ld)
{
	return bpf_map__fd(ld->skel->maps.events);
}

int read_stats_fd(int stats_fd, unsigned long long out[STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 key;
	int cpu;

	if (ncpu <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (key = 0; key < STAT_MAX; key++) {
		out[key] = 0;
		if (bpf_map_lookup_elem(stats_fd, &key, vals))
			continue;
		for (cpu = 0; cpu < ncpu; cpu++)
			out[key] += vals[cpu];
	}
	free(vals);
	return 0;
}

void loader_agg_maps(const struct loader *ld, struct agg_maps *m)
{
	m->agg_fd = bpf_map__fd(ld->skel->maps.agg);
	m->names_fd = bpf_map__fd(ld->skel->maps.agg_names);
	m->stats_fd = bpf_map__fd(ld->skel->maps.stats);
	m->owned = false;
}
