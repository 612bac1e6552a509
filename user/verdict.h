/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Names for the verdict vocabulary of include/avcsnoop.h and for errno values. */
#ifndef AVC_VERDICT_H
#define AVC_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "avcsnoop.h"

/* A verdict not known (yet): a preflight row the policy cannot predict, an unreadable name.
 * verdict_name() says "unknown"; it is never a kernel verdict and never counted in a map.
 */
#define VERDICT_UNKNOWN VERDICT_MAX

/* Stable machine name used in JSON, metrics and findings: "selinux_denied". */
const char *verdict_name(enum avc_verdict v);
/* Short column text for trace output: "SELINUX-DENIED". */
const char *verdict_column(enum avc_verdict v);
/* A sentence for humans: "denied by SELinux". */
const char *verdict_text(enum avc_verdict v);
/* Parse a machine name; returns VERDICT_MAX when unknown. */
enum avc_verdict verdict_from_name(const char *name);
/* True for the verdicts that mean SELinux stopped, or would have stopped, the attempt. */
int verdict_is_selinux(enum avc_verdict v);
/* True when the attempt did not connect (anything but allowed and in progress). */
int verdict_is_failure(enum avc_verdict v);

/*
 * The one refine step. classify_attempt() (include/avcsnoop.h) decides in-kernel from kernel
 * facts; user space knows a little more, gathered by enrich (user/enrich.c) and handed here.
 * Every output (trace text/JSON and -f, watch keys, sort, marks and labels, exports,
 * recommend) reads the verdict this returns, never the kernel's.
 *   allowed/in_progress + policy_would_deny   -> selinux_permissive: SELinux (or the domain)
 *                                                is permissive, and the kernel audits only
 *                                                the first would-deny, then caches the grant
 *   selinux_hidden + auditdeny set + no hook  -> selinux_denied: without the selinux_audited
 *                                                hook nothing in-kernel saw the record; the
 *                                                policy says one was emitted
 *   selinux_hidden + auditdeny known          -> hidden_by "audit_off" (bit set: audit was
 *                                                disabled or filtered) or "dontaudit"
 */
struct verdict_facts {
	bool policy_would_deny; /* the policy in force denies this allowed connect */
	bool auditdeny_known;	/* the policy's auditdeny bit for the denial was read... */
	bool auditdeny;		/* ... and is set */
	bool audit_hook;	/* the kernel's selinux_audited hook was attached */
};

struct refined_verdict {
	enum avc_verdict verdict;
	const char *hidden_by;	/* "dontaudit", "audit_off" or NULL (static strings) */
	bool audited_by_policy; /* selinux_denied because the auditdeny bit says so */
};

struct refined_verdict refine_verdict(enum avc_verdict kernel, const struct verdict_facts *facts);

/*
 * The verdict trace would report for an access the policy denies, predicted before it happens
 * (preflight): the kernel verdict classify_attempt() would give, refined by refine_verdict()
 * with the policy's auditdeny bit as the fact, so a prediction says the words trace says.
 *   permissive     SELinux or the domain is permissive: the attempt succeeds
 *   unaudited      av_denied_unaudited() of the denial
 */
struct refined_verdict verdict_predict_denial(bool permissive, bool unaudited);

/*
 * The one "denied but not audited" test. The kernel writes an AVC record for the denied
 * permissions that are in the auditdeny vector (security/selinux/avc.c: avc_audit_required),
 * so a denial none of whose denied bits is in it leaves no record: a dontaudit rule cleared
 * them. False when nothing is denied.
 */
bool av_denied_unaudited(uint32_t requested, uint32_t allowed, uint32_t auditdeny);

/* The static string for a hidden_by name read from a file ("dontaudit", "audit_off"): the
 * strings refine_verdict() hands out, so they compare as pointers too. NULL when unknown.
 */
const char *hidden_by_from_name(const char *name);

/* "EACCES" for 13, "E123" for unknown values, "0" for 0. Returns a static or buf. */
const char *errno_name(int err, char *buf, unsigned long bufsz);
/* Inverse of errno_name for the names it knows; -1 when unknown. */
int errno_from_name(const char *name);

/* "connect", "bind" (enum avc_op); op_from_name: -1 if unknown. */
const char *op_name(unsigned int op);
int op_from_name(const char *name);
/* "inet", "inet6", "unix"; "other" for any other family. family_from_name: 0 if unknown. */
const char *family_name(unsigned int family);
unsigned int family_from_name(const char *name);

#endif
