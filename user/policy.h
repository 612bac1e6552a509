/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Questions asked of the SELinux policy in force: port labels, booleans, access decisions,
 * dontaudit, type aliases. Everything is answered by libsepol (and libselinux for the live
 * state) on a binary policy: the live one (/sys/fs/selinux/policy) or a file, so it works
 * offline on a machine without SELinux.
 *
 * libsepol's access computation (sepol_compute_av_reason*) works on one process-wide
 * "current" policydb and sidtab; every function here makes its policy current first, so
 * several struct policy may coexist, but the module is not thread-safe.
 */
#ifndef AVC_POLICY_H
#define AVC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"

#define POLICY_LIVE_PATH NULL /* pass to policy_open() for the policy in force */

struct policy;

/*
 * Open a binary policy file, or the live policy when path is NULL (then booleans take their
 * live values from selinuxfs, and semanage's local port file is consulted). On failure returns
 * -errno and leaves a sentence in err: "no such file", "not a binary SELinux policy", "policy
 * version 35 is newer than this libsepol supports (15-33)", ...
 */
int policy_open(struct policy **out, const char *path, char *err, size_t errsz);
void policy_close(struct policy *p);
const char *policy_path(const struct policy *p);
bool policy_is_live(const struct policy *p);
/* Changes whenever a boolean of p changes (policy_bool_set): a cache of answers derived from
 * p is valid while it stays the same.
 */
unsigned long policy_state(const struct policy *p);
unsigned int policy_version(const struct policy *p);

/* ---- types ---- */
/* Resolve a type or alias to its primary name (httpd_var_run_t -> httpd_runtime_t). 0 or
 * -ENOENT; attributes resolve to themselves.
 */
int policy_type_primary(const struct policy *p, const char *name, char *out, size_t outsz);
/* Whether name is an attribute (not a type) in this policy. */
bool policy_type_is_attr(const struct policy *p, const char *name);
/* The aliases of a type, comma separated ("" when none). Returns how many. */
int policy_type_aliases(const struct policy *p, const char *type, char *out, size_t outsz);
/* Whether type has attribute attr (false when either is unknown). */
bool policy_type_has_attr(const struct policy *p, const char *type, const char *attr);

/* ---- classes and permissions (names resolved in this policy, no numbers) ---- */
int policy_class_value(const struct policy *p, const char *tclass, uint16_t *value);
int policy_perm_mask(const struct policy *p, const char *tclass, const char *perm, uint32_t *av);

/* ---- ports ---- */
struct port_label {
	char type[POLICY_NAME_LEN];
	char context[256];	/* the whole label, "system_u:object_r:ntop_port_t:s0" */
	unsigned int low, high; /* the portcon range that matched; 0,0 = the default (isid) */
};
/* The label the kernel gives proto/port: the first matching portcon (as compiled, local
 * semanage changes included), else the "port" initial SID.
 */
int policy_port_lookup(struct policy *p, enum policy_proto proto, unsigned int port,
		       struct port_label *out);
/* The ports labelled type as text ("80, 443, 8008-8009"); returns the number of ranges. */
int policy_port_ranges(struct policy *p, enum policy_proto proto, const char *type, char *out,
		       size_t outsz);
/* semanage's local port customisations: the file (ports.local) to read. The live policy
 * defaults to /var/lib/selinux/<SELINUXTYPE>/active/ports.local; NULL turns it off.
 */
void policy_set_local_ports_file(struct policy *p, const char *path);
/* 1 when a local (semanage) record is exactly proto/port (low == high == port), with its
 * type in type; 0 when none; -errno when the file can't be read (-ENOENT: no local state).
 */
int policy_port_local(const struct policy *p, enum policy_proto proto, unsigned int port,
		      char *type, size_t typesz);

/* ---- booleans ---- */
int policy_bool_count(const struct policy *p);
const char *policy_bool_name(const struct policy *p, int idx);
/* 0/1, or -ENOENT */
int policy_bool_get(const struct policy *p, const char *name);
/* Changes the in-memory policy only (for what-if questions and tests). */
int policy_bool_set(struct policy *p, const char *name, bool value);

/* ---- access ---- */
/* One question: may source do perms on target:tclass? source and target are contexts
 * ("system_u:system_r:httpd_t:s0") or bare types ("httpd_t", aliases accepted).
 */
struct policy_query {
	const char *source;
	const char *target;
	const char *tclass;
	const char *const *perms;
	int nperms;
};

/* Why access was denied (libsepol's SEPOL_COMPUTEAV_* bits). */
enum policy_reason {
	POLICY_REASON_TE = 1,
	POLICY_REASON_CONSTRAINT = 2,
	POLICY_REASON_RBAC = 4,
	POLICY_REASON_BOUNDS = 8,
};

struct policy_decision {
	bool allowed;		/* every requested permission allowed */
	bool dontaudit;		/* some denied permission is not in auditdeny: no AVC record */
	uint32_t denied;	/* denied permission bits */
	unsigned int reason;	/* enum policy_reason bits that denied it */
	char denied_perms[256]; /* names of the denied bits, space separated */
};

int policy_check(struct policy *p, const struct policy_query *q, struct policy_decision *d);

/* What flipping one boolean alone does to a query (the audit2why method). */
struct policy_bool_effect {
	char name[POLICY_NAME_LEN];
	bool value;   /* the value to set (the opposite of the current one) */
	bool allows;  /* the request becomes allowed */
	bool hides;   /* still denied, and now dontaudit'd (audit log silent) */
	bool reveals; /* still denied, and no longer dontaudit'd */
};
/* Flips each boolean alone, records those with an effect into out (at most max), restores
 * every boolean. Returns the number recorded or -errno.
 */
int policy_bool_sweep(struct policy *p, const struct policy_query *q,
		      struct policy_bool_effect *out, int max);

/* ---- domains and nodes (for predictions before anything runs) ---- */
/* The type a process of type source gets when it executes a file of type exec_type: the
 * type_transition rule for class process, else source itself (no transition). 0 or -ENOENT.
 */
int policy_exec_transition(struct policy *p, const char *source, const char *exec_type, char *out,
			   size_t outsz);
/* Whether type is a permissive domain (typepermissive / semanage permissive). */
bool policy_type_permissive(const struct policy *p, const char *type);
/* The label the kernel gives an IP address for node_bind (nodecon, else the "node" initial
 * SID). family is AF_INET or AF_INET6, addr 4 or 16 bytes in network order. 0, or
 * -ENOENT when the policy has neither.
 */
int policy_node_lookup(struct policy *p, int family, const void *addr, char *type, size_t typesz);

/* The store a policy file belongs to, by the layout of /etc/selinux/TYPE:
 * ROOT/policy/policy.N -> ROOT (no trailing slash). False when the path has another shape.
 */
bool policy_file_root(const char *policy_file, char *out, size_t outsz);

#endif
