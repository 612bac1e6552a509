/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Following SELinux while avcsnoop runs: the kernel's status page (libselinux
 * selinux_status_open) says, for the cost of a few reads of shared memory, whether enforcing
 * mode or the policy changed. Every policy load (semodule, semanage, setsebool -P) and every
 * runtime boolean commit bumps its policyload sequence number: then the policy is read again
 * and everything derived from the old one is dropped (the enricher's caches, the
 * recommender's analyses, keyed on policy_state()).
 *
 * The source of the status is an interface, so that tests swap CIL policies under a fake one.
 */
#ifndef AVC_SELSTATE_H
#define AVC_SELSTATE_H

#include <stdbool.h>

struct sel_status {
	int enforcing;		  /* 1, 0; -1 unknown */
	unsigned long policyload; /* policy loads and boolean commits so far */
	int deny_unknown;	  /* 1, 0; -1 unknown */
};

struct sel_status_source {
	/* 1 when the status may have changed since the last call, 0 when not, -errno */
	int (*updated)(void *ctx);
	int (*read)(void *ctx, struct sel_status *out);
	/* the binary policy to read after a policy load: NULL for the live one */
	const char *(*policy_path)(void *ctx);
	void *ctx;
};

/* The kernel's status page. 0, or -errno when SELinux is not active here. */
int sel_status_live(struct sel_status_source *src);
void sel_status_live_close(void);

/* What changed between two states, for the policy_change record. */
struct sel_change {
	struct sel_status before, after;
	bool enforcing_changed;
	bool policy_loaded;
	bool in_order; /* told by the kernel in the events ring (else noticed on the status page) */
	double wall;   /* unix time it happened (in_order) or was noticed */
};

#endif
