/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `avcsnoop preflight`: every socket nginx's configuration asks for (user/nginx_conf.h),
 * each (directive, address) checked against the policy in force before nginx runs, as
 * `recommend --verify` checks a finding (policy_check), and the same ranked advice as
 * recommend for every access that would be denied (one finding per access).
 */
#ifndef AVC_PREFLIGHT_H
#define AVC_PREFLIGHT_H

#include <stdbool.h>
#include <stdio.h>

#define PREFLIGHT_EXIT_DENIED 3

#define PREFLIGHT_NGINX_BIN "/usr/sbin/nginx"

struct preflight_opts {
	const char *conf;	   /* the main configuration file */
	const char *policy;	   /* a binary policy, NULL = the policy in force */
	const char *domain;	   /* --domain, NULL = from the policy */
	const char *file_contexts; /* NULL = the policy's own (see preflight_domain) */
	bool json;
};

/* Runs the whole preflight, writing to out (errors go to stderr). Returns the exit status:
 * 0 every access allowed (or unknown), 1 error, 3 anything would be denied.
 */
int preflight_run(const struct preflight_opts *o, FILE *out);

/* For tighten: every access the configuration o->conf asks for, checked on pol (not closed),
 * into out as predicted findings: allowed ones (verdict allowed) and denied ones alike.
 * domain receives nginx's domain as decided. 0, or -errno (the message is printed).
 */
struct policy;
struct finding_set;
int preflight_predict(const struct preflight_opts *o, struct policy *pol, struct finding_set *out,
		      char *domain, size_t domainsz);

/* `avcsnoop preflight`: wired into user/main.c's subcommand table. */
int cmd_preflight(int argc, char **argv);

#endif
