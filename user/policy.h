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

/* How much flipping boolean to value newly grants source: counted from the policy by
 * recomputing access for every (target type, class) that a rule of this boolean could touch.
 * Source only: policy_bool_cost() counts what the flip does to every domain.
 */
struct policy_breadth {
	unsigned long perms;   /* newly allowed (target type, class, permission) triples */
	unsigned long targets; /* distinct (target type, class) pairs that gain something */
};
int policy_bool_breadth(struct policy *p, const char *source, const char *boolean, bool value,
			struct policy_breadth *out);

/*
 * What setting one boolean alone to value would change across the WHOLE policy, every other
 * boolean staying as it is now.
 *
 * Unit: a "permission" is one (source type, target type, class, permission) of the type
 * enforcement decision: the union of the allow rules in force and the intersection of the
 * dontaudit (auditdeny) rules over every (source attribute, target attribute) pair, as the
 * kernel and libsepol compute it. Rules written on attributes therefore count once per
 * primary type each attribute holds; aliases are not counted apart. A permission the flip
 * switches a rule for, but that another rule in force still allows, counts nowhere. Only the
 * (source, target, class) named by the conditional rules the flip switches are looked at.
 * Constraints are not applied: booleans do not switch them, and without real users, roles
 * and levels they would deny what the kernel allows (see te_index in policy.c).
 * "Domains" are distinct source types.
 *
 * Computed once per (boolean, value) and cached in struct policy, with the breakdown by
 * source type; the cache is dropped when policy_bool_set() changes a boolean. Refpolicy
 * (3,936 types, 104,000 allow rules): the first call builds an index of the rules (~10 ms of
 * CPU, once per policy); a broad boolean (allow_ypbind, 190,000 (source, target, class) to
 * look at) takes ~30 ms, a targeted one under 1 ms; cached calls ~10 us.
 */
struct policy_bool_cost {
	bool flips; /* value differs from the boolean's current value; false: every count is 0 */

	/* allow: permissions allowed after the flip and denied before */
	unsigned long granted;		     /* over every source type */
	unsigned long granted_source;	     /* of which to `source` */
	unsigned long granted_others;	     /* granted - granted_source */
	unsigned long domains_granted;	     /* source types gaining at least one permission */
	unsigned long other_domains_granted; /* of those, types other than `source` */

	/* allow: permissions allowed before the flip and denied after (rules in the other
	 * branch of an if/else, or under a negated expression such as "!b")
	 */
	unsigned long revoked;		     /* over every source type */
	unsigned long revoked_source;	     /* of which from `source` */
	unsigned long revoked_others;	     /* revoked - revoked_source */
	unsigned long domains_revoked;	     /* source types losing at least one permission */
	unsigned long other_domains_revoked; /* of those, types other than `source` */

	/* dontaudit: permissions denied after the flip whose denials stop (hidden) or start
	 * (revealed) being written to the audit log
	 */
	unsigned long hidden;
	unsigned long revealed;

	/* rules switched, as the binary policy's conditional avtab stores them (one entry per
	 * (source, target, class) key as compiled: attributes kept or expanded by the compiler)
	 */
	unsigned long allow_rules_on, allow_rules_off;
	unsigned long dontaudit_rules_on, dontaudit_rules_off;

	/* source types with any change: granted, revoked, hidden or revealed */
	unsigned long domains;
};
/* source: a type, an alias or a context, or NULL (then the *_source fields are 0 and the
 * other_* fields count every type). Returns 0, or -ENOENT for an unknown boolean or source
 * type (-EINVAL for an attribute or a malformed context), -ENOMEM.
 */
int policy_bool_cost(struct policy *p, const char *boolean, bool value, const char *source,
		     struct policy_bool_cost *cost);

/*
 * What relabelling proto/port from its current type (policy_port_lookup(): portcon, else the
 * "port" initial SID) to new_type would change, with the current booleans, for the two
 * permissions a port's label decides on the socket class of proto (tcp_socket, udp_socket,
 * sctp_socket, dccp_socket): name_connect (absent for udp) and name_bind. A domain (source
 * type) gains a permission when it is allowed on new_type and not on the old type, and
 * loses it in the opposite case. The decision is libsepol's whole one (sepol_compute_av, as
 * policy_check()), constraints included: the port's context is a real object context. Only
 * the types named as source by an allow rule in force on either type are asked (refpolicy:
 * ~5 ms of CPU a call).
 */
#define POLICY_RELABEL_MAX_LOSERS 8
struct policy_relabel_loss {
	char domain[POLICY_NAME_LEN];
	bool name_connect, name_bind; /* what it loses */
};
struct policy_relabel_cost {
	char old_type[POLICY_NAME_LEN]; /* the port's type now (primary name) */
	char new_type[POLICY_NAME_LEN]; /* new_type as a primary name */
	unsigned long domains_gaining;	/* source types gaining name_connect or name_bind */
	unsigned long domains_losing;	/* source types losing either (a type may do both) */
	unsigned long perms_gained;	/* (source type, permission) pairs gained */
	unsigned long perms_lost;	/* (source type, permission) pairs lost */
	/* source types gaining and losing name_connect, and name_bind */
	unsigned long connect_gaining, connect_losing;
	unsigned long bind_gaining, bind_losing;
	/* the losing domains (domains_losing in all), the port's own servers first: those that
	 * lose name_bind, then those named like the old type, then by name; at most
	 * POLICY_RELABEL_MAX_LOSERS
	 */
	struct policy_relabel_loss losers[POLICY_RELABEL_MAX_LOSERS];
	int nlosers;
};
/* 0 (all counts 0 when new_type is the current type), -EINVAL (port > 65535), -ENOENT
 * (new_type is not a type, or is an attribute; no label for the port), -ENOMEM.
 */
int policy_port_relabel_cost(struct policy *p, enum policy_proto proto, unsigned int port,
			     const char *new_type, struct policy_relabel_cost *cost);
/* The same for a port of proto labelled old_type that is now new_type (--verify: what an
 * applied relabel took away). -ENOENT for an unknown type or an attribute.
 */
int policy_port_type_change_cost(struct policy *p, enum policy_proto proto, const char *old_type,
				 const char *new_type, struct policy_relabel_cost *cost);

/* Port types (members of attribute port_type, else the types used by portcon) that source
 * may name_connect over tcp_socket, with the current booleans plus optionally one boolean
 * set to value. Names go to names[0..max), primary names, sorted. Returns the total count
 * (may exceed max) or -errno. *universe (optional) receives the number of port types.
 */
int policy_connectable_ports(struct policy *p, const char *source, const char *boolean, bool value,
			     char (*names)[POLICY_NAME_LEN], int max, int *universe);

/* The port types (as for policy_connectable_ports), sorted; returns the total count. */
int policy_port_types(struct policy *p, char (*names)[POLICY_NAME_LEN], int max);

/* Types of the policy for which every query (source, T, class_i, perms_i) is allowed with
 * the current booleans. Fills names (sorted, primary), returns the total count or -errno.
 */
struct policy_need {
	const char *tclass;
	const char *const *perms;
	int nperms;
};
int policy_types_allowing(struct policy *p, const char *source, const struct policy_need *needs,
			  int nneeds, char (*names)[POLICY_NAME_LEN], int max);

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

#endif
