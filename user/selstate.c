// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <selinux/avc.h>
#include <selinux/selinux.h>

#include "log.h"
#include "selstate.h"

static bool live_open;

static int live_updated(void *ctx)
{
	(void)ctx;
	return selinux_status_updated();
}

static int live_read(void *ctx, struct sel_status *out)
{
	int load;

	(void)ctx;
	out->enforcing = selinux_status_getenforce();
	load = selinux_status_policyload();
	out->policyload = load < 0 ? 0 : (unsigned long)load;
	out->deny_unknown = selinux_status_deny_unknown();
	return out->enforcing < 0 ? -EIO : 0;
}

static const char *live_policy(void *ctx)
{
	(void)ctx;
	return NULL;
}

/* libselinux reports each setenforce and policy load it notices ("uavc: op=setenforce ...")
 * on stderr by default: avcsnoop says it in its own records, so these go to -v only.
 */
static int __attribute__((format(printf, 2, 3))) quiet_log(int type, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p_debug("libselinux (%d): %s", type, msg);
	return 0;
}

int sel_status_live(struct sel_status_source *src)
{
	union selinux_callback cb = { .func_log = quiet_log };

	if (is_selinux_enabled() <= 0)
		return -ENOENT;
	/* fallback 1: where the page cannot be mapped, libselinux follows the netlink channel */
	selinux_set_callback(SELINUX_CB_LOG, cb);
	if (!live_open && selinux_status_open(1) < 0)
		return errno ? -errno : -EIO;
	live_open = true;
	src->updated = live_updated;
	src->read = live_read;
	src->policy_path = live_policy;
	src->ctx = NULL;
	return 0;
}

void sel_status_live_close(void)
{
	if (live_open)
		selinux_status_close();
	live_open = false;
}
