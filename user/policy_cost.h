/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What a boolean costs (user/policy_cost.c): for one domain, and over the whole policy on an
 * index of its AV rules. The policy itself is opened and queried through policy.h.
 */
#ifndef AVC_POLICY_COST_H
#define AVC_POLICY_COST_H

#include <stdbool.h>

#include "policy.h"

/* How much flipping boolean to value newly grants source: counted from the policy over every
 * (target type, class) that a rule of this boolean could touch, libsepol's decision after
 * the flip on what the TE rules gain (asked only where a constraint could take the gain
 * away; with typebounds, libsepol's decision each way for every pair). Source only:
 * policy_bool_cost() counts what the flip does to every domain. Kept per (source type,
 * boolean, value) until a boolean changes.
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

#endif
