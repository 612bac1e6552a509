/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF lifecycle, in one place: probe → open → configure (rodata, map sizes, which
 * programs load) → load → attach → (run) → destroy. Programs are grouped by skeleton handle
 * (loader.c prog_roles; the names below are the programs' names, for reading):
 *   avc_connect_*  syscall tracepoints (required)
 *   avc_sock_*     tp_btf/inet_sock_set_state: outcomes of non-blocking connects
 *   avc_cgroup_*   cgroup/connect4|6 at the cgroup2 root: tells LSM from cgroup denials
 *   avc_sel_*      the SELinux decision path (fexit/tp_btf), only with SELinux active
 *   avc_lsm_*      fentry/fexit security_socket_connect: the final LSM verdict
 */
#ifndef AVC_LOADER_H
#define AVC_LOADER_H

#include <stdbool.h>
#include <stdio.h>

#include "avcsnoop.h"
#include "probe.h"

struct avcsnoop_bpf;
struct domain_filter;
struct bpf_link;

enum prog_group { GRP_CONNECT, GRP_SOCK, GRP_CGROUP, GRP_SEL, GRP_LSM, GRP_MAX };

struct loader_opts {
	struct avc_config cfg;	    /* filters and mode; self_tgid and avc_arg_base are set here */
	const char *cgroup_path;    /* --cgroup PATH, or NULL */
	unsigned int ringbuf_bytes; /* power of two ≥ page size; 0 = default */
	bool no_selinux;	    /* don't attach the SELinux path even when possible */
	unsigned int max_entries;   /* watch: size of the counter table; 0 = default (10240) */
	bool failed_only;	    /* trace -f: the kernel may drop successes where it can */
	struct domain_filter *domain; /* --domain (user/domain.h): NULL or no types = none */
};

/* The watch-mode maps, from a running loader or from a pin directory. */
struct agg_maps {
	int agg_fd;
	int names_fd;
	int stats_fd;
	bool owned; /* opened from pins: agg_maps_close() closes them */
};

#define LOADER_MAX_LINKS 24

struct loader {
	struct avcsnoop_bpf *skel;
	struct kernel_features kf;
	bool group_on[GRP_MAX];
	char group_why[GRP_MAX][160]; /* why a group is off */
	char partial[512];	      /* programs left out of an enabled group, and the cost */
	struct bpf_link *links[LOADER_MAX_LINKS];
	const char *link_prog[LOADER_MAX_LINKS]; /* the program of each link, for pin names */
	int nlinks;
	int fds[LOADER_MAX_LINKS];	       /* perf event and link fds of syscall tracepoints */
	const char *fd_prog[LOADER_MAX_LINKS]; /* the program of each link fd, NULL for pfds */
	int nfds;
	bool pinned;		  /* links are pinned: loader_stop() must leave them attached */
	__u8 mode;		  /* enum avc_mode, from the options */
	bool sel_changes_in_ring; /* SELinux state changes arrive in the events ring */
	char domain_line[256];	  /* --domain: where it is filtered, for the capability line */
};

/* Returns 0 or -errno after printing a message that names the problem. */
int loader_start(struct loader *ld, const struct loader_opts *o);
void loader_stop(struct loader *ld);
/* One line: what this kernel gives us and what it lacks, and why. */
void loader_describe(const struct loader *ld, FILE *f);
/* Sum the per-CPU counters of enum avc_stat. */
int loader_read_stats(const struct loader *ld, unsigned long long out[STAT_MAX]);
int loader_ringbuf_fd(const struct loader *ld);
/* Do SELinux's state changes arrive in the events ring, in order with the attempts
 * (struct sel_change_event)? Otherwise the status page is the only source.
 */
bool loader_sel_changes_in_ring(const struct loader *ld);
/* How the cgroup hook's facts reach the attempt: "task_storage", "by_tid" (kernels whose
 * cgroup programs cannot call bpf_task_storage_get: a hash by thread id), or "none" (the
 * hook is not loaded).
 */
const char *loader_cgroup_facts(const struct loader *ld);

/* The maps of a started loader (not owned). */
void loader_agg_maps(const struct loader *ld, struct agg_maps *m);
/* Sum the per-CPU counters of a stats map. */
int read_stats_fd(int stats_fd, unsigned long long out[STAT_MAX]);

#endif
