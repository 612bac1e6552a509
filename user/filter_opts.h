/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The process/destination filters shared by trace and watch (-c, -p, --cgroup, --port, --domain, -a):
 * parsed once, here, into the loader's options.
 */
#ifndef AVC_FILTER_OPTS_H
#define AVC_FILTER_OPTS_H

#include "loader.h"

enum { FOPT_CGROUP = 0x1000, FOPT_PORT, FOPT_DOMAIN };

#define FILTER_SHORTOPTS "c:p:a"
#define FILTER_LONGOPTS                                                                    \
	{ "comm", required_argument, NULL, 'c' }, { "pid", required_argument, NULL, 'p' }, \
		{ "cgroup", required_argument, NULL, FOPT_CGROUP },                        \
		{ "port", required_argument, NULL, FOPT_PORT },                            \
		{ "domain", required_argument, NULL, FOPT_DOMAIN },                        \
	{                                                                                  \
		"all", no_argument, NULL, 'a'                                              \
	}

#define FILTER_USAGE                                                                              \
	"  -c, --comm COMM       trace tasks named COMM (repeatable, up to 8; default: nginx)\n"  \
	"  -p, --pid PID         trace only this process\n"                                       \
	"      --cgroup PATH     trace only tasks in this cgroup v2 directory (and below)\n"      \
	"      --port PORT       only TCP/UDP destinations with this port (repeatable)\n"         \
	"      --domain TYPE     only tasks whose SELinux domain is TYPE (repeatable, up to 8;\n" \
	"                        httpd_t covers nginx, httpd and php-fpm); in the kernel where\n" \
	"                        it can read SIDs, else in user space (the first line says)\n"    \
	"  -a, --all             trace every process (no comm filter)\n"

/* 1: opt was a filter option and is stored; 0: not a filter option; -EINVAL: bad value
 * (the message names it).
 */
int filter_opt(int opt, const char *arg, struct loader_opts *lo);
/* After parsing: nginx by default; -p/--cgroup alone trace every comm. */
void filter_finish(struct loader_opts *lo);
/* True when any filter option was given. */
bool filter_given(const struct loader_opts *lo);
/* True when --domain was given. */
bool domain_given(const struct loader_opts *lo);

#endif
