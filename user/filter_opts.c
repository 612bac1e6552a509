// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "domain.h"
#include "filter_opts.h"
#include "log.h"
#include "util.h"

int filter_opt(int opt, const char *arg, struct loader_opts *lo)
{
	unsigned long v;

	switch (opt) {
	case 'c':
		if (lo->cfg.ncomms >= AVC_MAX_COMMS) {
			p_err("-c: at most %d process names", AVC_MAX_COMMS);
			return -EINVAL;
		}
		if (!*arg || strlen(arg) >= AVC_COMM_LEN) {
			p_err("-c: a process name has 1 to %d characters (the kernel's comm)",
			      AVC_COMM_LEN - 1);
			return -EINVAL;
		}
		strncpy(lo->cfg.comms[lo->cfg.ncomms++], arg, AVC_COMM_LEN - 1);
		return 1;
	case 'p':
		if (parse_ulong(arg, "-p", 1, 4194304, &v))
			return -EINVAL;
		lo->cfg.target_tgid = (__u32)v;
		return 1;
	case FOPT_CGROUP:
		lo->cgroup_path = arg;
		return 1;
	case FOPT_PORT:
		if (lo->cfg.nports >= AVC_MAX_PORTS) {
			p_err("--port: at most %d ports", AVC_MAX_PORTS);
			return -EINVAL;
		}
		if (parse_ulong(arg, "--port", 1, 65535, &v))
			return -EINVAL;
		lo->cfg.ports[lo->cfg.nports++] = (__u16)v;
		return 1;
	case 'a':
		lo->cfg.trace_all = 1;
		return 1;
	case FOPT_DOMAIN:
		if (!lo->domain)
			return 0;
		return domain_add(lo->domain, arg) ? -EINVAL : 1;
	default:
		return 0;
	}
}

bool filter_given(const struct loader_opts *lo)
{
	return lo->cfg.ncomms || lo->cfg.trace_all || lo->cfg.target_tgid || lo->cgroup_path ||
	       lo->cfg.nports || domain_given(lo);
}

bool domain_given(const struct loader_opts *lo)
{
	return lo->domain && lo->domain->ntypes;
}

void filter_finish(struct loader_opts *lo)
{
	if (!lo->cfg.ncomms && !lo->cfg.trace_all && !lo->cfg.target_tgid && !lo->cgroup_path &&
	    !domain_given(lo))
		strcpy(lo->cfg.comms[lo->cfg.ncomms++], "nginx");
	if (lo->cfg.target_tgid || lo->cgroup_path || domain_given(lo))
		lo->cfg.trace_all = lo->cfg.ncomms == 0;
}
