// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "verdict.h"

static const struct {
	const char *name;
	const char *column;
	const char *text;
} verdicts[VERDICT_MAX] = {
	[VERDICT_ALLOWED] = { "allowed", "OK", "allowed" },
	[VERDICT_IN_PROGRESS] = { "in_progress", "INPROGRESS", "in progress, outcome not seen" },
	[VERDICT_REFUSED] = { "refused", "REFUSED", "refused: nothing listening" },
	[VERDICT_TIMED_OUT] = { "timed_out", "TIMEOUT", "timed out" },
	[VERDICT_SELINUX_DENIED] = { "selinux_denied", "SELINUX-DENIED", "denied by SELinux" },
	[VERDICT_SELINUX_HIDDEN] = { "selinux_hidden", "SELINUX-HIDDEN",
				     "denied by SELinux, hidden from audit (no AVC record)" },
	[VERDICT_SELINUX_PERMISSIVE] = { "selinux_permissive", "SELINUX-PERMISSIVE",
					 "allowed only because SELinux is permissive" },
	[VERDICT_LSM_DENIED] = { "lsm_denied", "LSM-DENIED",
				 "denied by an LSM other than SELinux" },
	[VERDICT_CGROUP_DENIED] = { "cgroup_denied", "CGROUP-DENIED",
				    "denied by a cgroup BPF program or the firewall" },
	[VERDICT_ERROR] = { "error", "ERROR", "failed" },
};

const char *verdict_name(enum avc_verdict v)
{
	return v < VERDICT_MAX ? verdicts[v].name : "unknown";
}

const char *verdict_column(enum avc_verdict v)
{
	return v < VERDICT_MAX ? verdicts[v].column : "UNKNOWN";
}

const char *verdict_text(enum avc_verdict v)
{
	return v < VERDICT_MAX ? verdicts[v].text : "unknown verdict";
}

enum avc_verdict verdict_from_name(const char *name)
{
	int v;

	for (v = 0; v < VERDICT_MAX; v++)
		if (!strcmp(verdicts[v].name, name))
			return (enum avc_verdict)v;
	return VERDICT_MAX;
}

int verdict_is_selinux(enum avc_verdict v)
{
	return v == VERDICT_SELINUX_DENIED || v == VERDICT_SELINUX_HIDDEN ||
	       v == VERDICT_SELINUX_PERMISSIVE;
}

int verdict_is_failure(enum avc_verdict v)
{
	return v != VERDICT_ALLOWED && v != VERDICT_IN_PROGRESS &&
	       v != VERDICT_SELINUX_PERMISSIVE && v < VERDICT_MAX;
}

struct refined_verdict refine_verdict(enum avc_verdict kernel, const struct verdict_facts *facts)
{
	struct refined_verdict r = { .verdict = kernel };

	switch (kernel) {
	case VERDICT_ALLOWED:
	case VERDICT_IN_PROGRESS:
		if (facts->policy_would_deny)
			r.verdict = VERDICT_SELINUX_PERMISSIVE;
		break;
	case VERDICT_SELINUX_HIDDEN:
		if (!facts->auditdeny_known)
			break;
		if (facts->auditdeny && !facts->audit_hook) {
			r.verdict = VERDICT_SELINUX_DENIED;
			r.audited_by_policy = true;
		} else {
			r.hidden_by =
				hidden_by_from_name(facts->auditdeny ? "audit_off" : "dontaudit");
		}
		break;
	default:
		break;
	}
	return r;
}

struct refined_verdict verdict_predict_denial(bool permissive, bool unaudited)
{
	/* what classify_attempt() sees: a permissive denial succeeds; an enforcing one fails
	 * with EACCES, audited or not (the selinux_audited hook is what tells them apart)
	 */
	enum avc_verdict kernel = permissive  ? VERDICT_ALLOWED
				  : unaudited ? VERDICT_SELINUX_HIDDEN
					      : VERDICT_SELINUX_DENIED;
	struct verdict_facts facts = {
		.policy_would_deny = true,
		.auditdeny_known = true,
		.auditdeny = !unaudited,
		.audit_hook = true,
	};

	return refine_verdict(kernel, &facts);
}

bool av_denied_unaudited(uint32_t requested, uint32_t allowed, uint32_t auditdeny)
{
	uint32_t denied = requested & ~allowed;

	return denied && !(denied & auditdeny);
}

const char *hidden_by_from_name(const char *name)
{
	static const char *const names[] = { "dontaudit", "audit_off" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return names[i];
	return NULL;
}

/* a one-line initializer, not a block */
/* clang-format off */
#define E(x) { x, #x }
/* clang-format on */
static const struct {
	int err;
	const char *name;
} errnos[] = {
	E(EPERM),	E(ENOENT),	    E(EINTR),	     E(EAGAIN),	    E(EACCES),
	E(EFAULT),	E(EINVAL),	    E(ENOTDIR),	     E(EBADF),	    E(ENOTSOCK),
	E(EADDRINUSE),	E(EADDRNOTAVAIL),   E(EAFNOSUPPORT), E(EALREADY),   E(EISCONN),
	E(ENETUNREACH), E(EHOSTUNREACH),    E(ECONNREFUSED), E(ETIMEDOUT),  E(EINPROGRESS),
	E(ECONNRESET),	E(ECONNABORTED),    E(ENETDOWN),     E(EPROTOTYPE), E(ENOMEM),
	E(ENOBUFS),	E(EPROTONOSUPPORT), E(EOPNOTSUPP),   E(ELOOP),	    E(ENAMETOOLONG),
};
#undef E

const char *errno_name(int err, char *buf, unsigned long bufsz)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (!err)
		return "0";
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	snprintf(buf, bufsz, "E%d", err);
	return buf;
}

int errno_from_name(const char *name)
{
	size_t i;

	if (!strcmp(name, "0"))
		return 0;
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].err;
	return -1;
}

const char *op_name(unsigned int op)
{
	switch (op) {
	case AVC_OP_CONNECT:
		return "connect";
	case AVC_OP_BIND:
		return "bind";
	default:
		return "unknown";
	}
}

int op_from_name(const char *name)
{
	if (!strcmp(name, "connect"))
		return AVC_OP_CONNECT;
	if (!strcmp(name, "bind"))
		return AVC_OP_BIND;
	return -1;
}

const char *family_name(unsigned int family)
{
	switch (family) {
	case AVC_AF_INET:
		return "inet";
	case AVC_AF_INET6:
		return "inet6";
	case AVC_AF_UNIX:
		return "unix";
	default:
		return "other";
	}
}

unsigned int family_from_name(const char *name)
{
	if (!strcmp(name, "inet"))
		return AVC_AF_INET;
	if (!strcmp(name, "inet6"))
		return AVC_AF_INET6;
	if (!strcmp(name, "unix"))
		return AVC_AF_UNIX;
	return 0;
}
