// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "avcsnoop.h" /* before the skeleton, which names its structs */
#include "avcsnoop.skel.h"
#include "loader.h"
#include "log.h"

static const struct {
	const char *prefix;
	const char *what;
} groups[GRP_MAX] = {
	[GRP_CONNECT] = { "avc_connect_", "connect path" },
	[GRP_SOCK] = { "avc_sock_", "async outcomes" },
	[GRP_CGROUP] = { "avc_cgroup_", "LSM/cgroup split" },
	[GRP_SEL] = { "avc_sel_", "SELinux path" },
	[GRP_LSM] = { "avc_lsm_", "LSM verdict" },
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!log_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static enum prog_group prog_group_of(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	int g;

	for (g = 0; g < GRP_MAX; g++)
		if (!strncmp(name, groups[g].prefix, strlen(groups[g].prefix)))
			return (enum prog_group)g;
	return GRP_CONNECT;
}

/* Programs that need one particular trampoline target, beyond their group's needs. */
static const struct {
	const char *prog;
	enum probe_fn fn;
	const char *loses; /* what is lost without it */
} prog_needs[] = {
	/* FN_MAX: the selinux_audited tracepoint, not a function */
	{ "avc_sel_audited", FN_MAX,
	  "audit records seen in-kernel: audited vs hidden is decided "
	  "from the policy's auditdeny bit" },
	{ "avc_sel_has_perm", FN_AVC_HAS_PERM, "TCP and connectto decisions" },
	{ "avc_sel_inode", FN_SELINUX_INODE_PERMISSION,
	  "unix path-walk denials (dir search, "
	  "sock_file write)" },
	{ "avc_lsm_connect_enter", FN_SECURITY_SOCKET_CONNECT, "connects outside the syscall" },
	{ "avc_lsm_connect_exit", FN_SECURITY_SOCKET_CONNECT, "the final LSM verdict" },
};

/* Should this program load? Records in ld->partial what a missing target costs. */
static bool prog_wanted(struct loader *ld, const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	size_t i, n;

	if (!ld->group_on[prog_group_of(p)])
		return false;
	for (i = 0; i < sizeof(prog_needs) / sizeof(prog_needs[0]); i++) {
		if (strcmp(name, prog_needs[i].prog))
			continue;
		if (prog_needs[i].fn == FN_MAX ? ld->kf.tp_selinux_audited
					       : ld->kf.fn_attachable[prog_needs[i].fn])
			continue;
		n = strlen(ld->partial);
		if (prog_needs[i].fn == FN_MAX)
			snprintf(ld->partial + n, sizeof(ld->partial) - n,
				 "%s%s (no selinux_audited tracepoint)", n ? ", " : "",
				 prog_needs[i].loses);
		else
			snprintf(ld->partial + n, sizeof(ld->partial) - n, "%s%s (%s: %s)",
				 n ? ", " : "", prog_needs[i].loses,
				 probe_fn_name(prog_needs[i].fn),
				 ld->kf.fn_errno[prog_needs[i].fn] == ECANCELED
					 ? "disabled by AVCSNOOP_DISABLE"
					 : strerror(ld->kf.fn_errno[prog_needs[i].fn]));
		return false;
	}
	return true;
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
	struct bpf_program *prog;
	int err, cg_fd;

	err = attach_tracepoint(ld, skel->progs.avc_connect_enter, "syscalls", "sys_enter_connect");
	if (!err)
		err = attach_tracepoint(ld, skel->progs.avc_connect_exit, "syscalls",
					"sys_exit_connect");
	if (err)
		return err;

	if (ld->group_on[GRP_CGROUP]) {
		cg_fd = open(ld->kf.cgroup2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg_fd < 0)
			return -errno;
		err = add_link(ld,
			       bpf_program__attach_cgroup(skel->progs.avc_cgroup_connect4, cg_fd),
			       skel->progs.avc_cgroup_connect4);
		if (!err)
			err = add_link(
				ld,
				bpf_program__attach_cgroup(skel->progs.avc_cgroup_connect6, cg_fd),
				skel->progs.avc_cgroup_connect6);
		close(cg_fd);
		if (err)
			return err;
	}
	/* Everything else (tp_btf, fentry/fexit) attaches from its SEC() name. */
	bpf_object__for_each_program (prog, skel->obj) {
		enum prog_group g = prog_group_of(prog);

		if (g == GRP_CONNECT || g == GRP_CGROUP || !bpf_program__autoload(prog))
			continue;
		err = add_link(ld, bpf_program__attach(prog), prog);
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
	struct bpf_program *prog;
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
	err = ensure_fs("/sys/kernel/tracing", "tracefs");
	if (err && tracepoint_id("syscalls", "sys_enter_connect") < 0) {
		p_err("tracefs is not mounted at /sys/kernel/tracing and mounting it failed: %s",
		      strerror(-err));
		return err;
	}
	choose_groups(ld, o);

	ld->skel = avcsnoop_bpf__open();
	if (!ld->skel) {
		err = -errno;
		p_err("opening the BPF object: %s", strerror(errno));
		return err;
	}
	*(struct avc_config *)&ld->skel->rodata->cfg = o->cfg;
	ld->skel->rodata->cfg.self_tgid = (__u32)getpid();
	ld->skel->rodata->cfg.avc_arg_base = (__u8)ld->kf.avc_arg_base;
	ld->skel->rodata->cfg.filter_cgroup = o->cgroup_path != NULL;
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

	bpf_object__for_each_program (prog, ld->skel->obj)
		bpf_program__set_autoload(prog, prog_wanted(ld, prog));

	err = avcsnoop_bpf__load(ld->skel);
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
			fprintf(f, "%s %s", sep, groups[g].what);
			sep = ",";
		}
	fputs("; lacks:", f);
	sep = "";
	for (g = 0; g < GRP_MAX; g++)
		if (!ld->group_on[g]) {
			fprintf(f, "%s %s (%s)", sep, groups[g].what, ld->group_why[g]);
			sep = ",";
		}
	if (!*sep)
		fputs(" nothing", f);
	if (ld->partial[0])
		fprintf(f, "; partly lacks: %s", ld->partial);
	fputc('\n', f);
}

int loader_read_stats(const struct loader *ld, unsigned long long out[STAT_MAX])
{
	return read_stats_fd(bpf_map__fd(ld->skel->maps.stats), out);
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

#define BPF_FS_MAGIC_ 0xcafe4a11L

int pin_dir_prepare(const char *dir)
{
	struct statfs st;
	int err;

	if (!strncmp(dir, "/sys/fs/bpf/", 12) || !strcmp(dir, "/sys/fs/bpf")) {
		err = ensure_fs("/sys/fs/bpf", "bpf");
		if (err) {
			p_err("--pin %s: mounting a bpf filesystem on /sys/fs/bpf: %s", dir,
			      strerror(-err));
			return err;
		}
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		p_err("--pin %s: %s", dir, strerror(errno));
		return err;
	}
	if (statfs(dir, &st)) {
		err = -errno;
		p_err("--pin %s: %s", dir, strerror(errno));
		return err;
	}
	if ((long)st.f_type != BPF_FS_MAGIC_) {
		p_err("--pin %s: not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf, and pin "
		      "below it)",
		      dir);
		return -EINVAL;
	}
	return 0;
}

static const char *const pinned_maps[PIN_MAPS_N] = { "agg", "agg_names", "stats" };

static int pin_one(int fd, const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		p_err("pinning %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

int loader_pin(struct loader *ld, const char *dir)
{
	struct agg_maps m;
	int fds[PIN_MAPS_N], i, err;
	char name[64];

	loader_agg_maps(ld, &m);
	fds[0] = m.agg_fd;
	fds[1] = m.names_fd;
	fds[2] = m.stats_fd;
	/* links first: a directory with maps but no links would look like stopped counting */
	for (i = 0; i < ld->nfds; i++) {
		if (!ld->fd_prog[i])
			continue;
		snprintf(name, sizeof(name), "link_%s", ld->fd_prog[i]);
		err = pin_one(ld->fds[i], dir, name);
		if (err)
			goto fail;
	}
	for (i = 0; i < ld->nlinks; i++) {
		snprintf(name, sizeof(name), "link_%s", ld->link_prog[i]);
		err = pin_one(bpf_link__fd(ld->links[i]), dir, name);
		if (err)
			goto fail;
	}
	for (i = 0; i < PIN_MAPS_N; i++) {
		err = pin_one(fds[i], dir, pinned_maps[i]);
		if (err)
			goto fail;
	}
	ld->pinned = true;
	return 0;
fail:
	loader_unpin(dir);
	return err;
}

void loader_agg_maps(const struct loader *ld, struct agg_maps *m)
{
	m->agg_fd = bpf_map__fd(ld->skel->maps.agg);
	m->names_fd = bpf_map__fd(ld->skel->maps.agg_names);
	m->stats_fd = bpf_map__fd(ld->skel->maps.stats);
	m->owned = false;
}

int pinned_open(const char *dir, struct agg_maps *m, int *nlinks)
{
	int *fds[PIN_MAPS_N] = { &m->agg_fd, &m->names_fd, &m->stats_fd };
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int i, err;

	m->agg_fd = m->names_fd = m->stats_fd = -1;
	m->owned = true;
	for (i = 0; i < PIN_MAPS_N; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pinned_maps[i]);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			err = -errno;
			agg_maps_close(m);
			return err;
		}
	}
	*nlinks = 0;
	d = opendir(dir);
	if (d) {
		while ((de = readdir(d)))
			*nlinks += !strncmp(de->d_name, "link_", 5);
		closedir(d);
	}
	return 0;
}

void agg_maps_close(struct agg_maps *m)
{
	if (!m->owned)
		return;
	if (m->agg_fd >= 0)
		close(m->agg_fd);
	if (m->names_fd >= 0)
		close(m->names_fd);
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	m->agg_fd = m->names_fd = m->stats_fd = -1;
}

int loader_unpin(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	int i, err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		err = -errno;
		p_err("--unpin %s: %s", dir, strerror(errno));
		return err;
	}
	/* only what avcsnoop pins there: never empty a directory someone else uses */
	while ((de = readdir(d))) {
		bool ours = !strncmp(de->d_name, "link_", 5);

		for (i = 0; i < PIN_MAPS_N; i++)
			ours |= !strcmp(de->d_name, pinned_maps[i]);
		if (!ours)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && !err) {
			err = -errno;
			p_err("removing %s: %s", path, strerror(errno));
		}
	}
	closedir(d);
	if (!err && rmdir(dir) && errno != ENOTEMPTY) {
		err = -errno;
		p_err("removing %s: %s", dir, strerror(errno));
	}
	return err;
}
