/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside the policy module, shared by its three files and by nothing else: policy.c (opening
 * and queries), policy_cost.c (the TE rule index and the booleans' costs) and
 * policy_relabel.c (the relabel and port universe). struct policy and the helpers they share.
 */
#ifndef AVC_POLICY_INTERNAL_H
#define AVC_POLICY_INTERNAL_H

#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h" /* POLICY_NAME_LEN */

struct policy_query;

/* A growable array of 32-bit values. */
struct u32_vec {
	uint32_t *v;
	size_t n, cap;
};

/*
 * A bounded map from a 64-bit key to a value of its own (malloc'd, freed with the map): what
 * a query answered once, asked again by the next finding. Open addressing; when it holds
 * MEMO_MAX entries it is emptied and starts over, so memory stays bounded whatever the input.
 */
struct memo_slot {
	uint64_t key;
	void *val; /* NULL: empty */
};
struct memo {
	struct memo_slot *slots;
	size_t cap, n;
};

/* The portcon entries in the policy's order, as sepol_port_iterate() gives them: read once
 * (each walk through libsepol's record API builds and frees a record for every portcon).
 */
struct port_entry {
	int proto; /* SEPOL_PROTO_* */
	unsigned int low, high;
	char type[POLICY_NAME_LEN];
	char context[256];
};

struct policy {
	sepol_handle_t *handle;
	sepol_policydb_t *spdb;
	sidtab_t sidtab;
	bool live;
	unsigned int version;
	char path[512];
	char local_ports[512];
	char libmsg[256]; /* last libsepol message, for error reports */
	/* user:role and level used to turn a bare type into a valid context */
	char subj_user[POLICY_NAME_LEN], subj_role[POLICY_NAME_LEN];
	char obj_user[POLICY_NAME_LEN], obj_role[POLICY_NAME_LEN];
	char level[POLICY_NAME_LEN]; /* "" when the policy has no MLS */
	/* SIDs of bare types, made on first use: [2 * (value - 1) + subject], 0 = not made yet.
	 * libsepol's sidtab finds a context by a linear scan, so a sweep over thousands of types
	 * must not ask it twice.
	 */
	sepol_security_id_t *type_sids;
	/* policy_bool_cost() results, [2 * boolean index + value], valid until a boolean changes */
	struct bool_cost_entry *cost_cache;
	/* the AV rules by (source, class), for policy_bool_cost(); built on first use */
	struct te_index *te;
	/* new whenever a boolean changes: what callers derive from answers keys on it */
	unsigned long state;
	/* contexts as written -> SID (libsepol's sidtab finds a context by a linear scan) */
	struct memo ctx_sids;
	/* answers that hold while the booleans stay as they are, dropped with cost_cache:
	 * policy_bool_breadth() by (source type, boolean, value), policy_connectable_ports() by
	 * (source type, boolean, value), a port relabel's cost by (protocol, old type, new type)
	 */
	struct memo breadth, connectable, relabel;
	/* libsepol's allowed vector with one boolean flipped, by (SIDs, class, boolean, value):
	 * a breadth and the connectable port types of the same flip ask the same pairs
	 */
	struct memo flipped;
	/* the portcons, read on first use; ports_read: nports is valid */
	struct port_entry *ports;
	size_t nports;
	bool ports_read;
	/* the port types (port_type's members, or portcon's types), read on first use */
	struct u32_vec universe;
	bool universe_read;
};

#define ISID_KERNEL 1
#define ISID_PORT   9

struct te_row {
	avtab_ptr_t node; /* a conditional rule's avtab node, whose AVTAB_ENABLED bit is live;
			   * NULL: unconditional
			   */
	uint32_t data;	  /* the permissions, or for AVTAB_AUDITDENY the auditdeny vector */
	uint16_t source, tclass, target, specified;
};

/*
 * The AV rules of the policy (te_avtab and te_cond_avtab) by (source, class), and every
 * type's attributes as a list; built once per policy, on first use (refpolicy: ~10 ms).
 *
 * The decision a boolean changes is the type enforcement one: the OR of the allow rules and
 * the AND of the dontaudit (auditdeny) rules over every (source attribute, target attribute)
 * pair, as libsepol's context_struct_compute_av and the kernel compute it. sepol_compute_av
 * does that for one (source, target, class) at a time; a broad boolean (refpolicy's
 * allow_ypbind dontaudits 235 port types for 374 domains) covers ~190,000 triples, which took
 * 2 s of CPU that way. With the rules of a (source attribute, class) at hand, one pass serves
 * every target of a group (~30 ms). Constraints are left out on purpose: they do not depend
 * on booleans, and with the made-up contexts sepol_compute_av needs for bare types they deny
 * what the kernel allows (a user domain creating its own socket: u1 == u2 fails between
 * staff_u and the template object's system_u; a transition to a domain in object_r).
 */
struct te_index {
	struct te_row *rows; /* sorted by (source, tclass) */
	size_t nrows;
	uint32_t *row_start;  /* [ntypes + 2]: rows of source v are row_start[v]..row_start[v+1] */
	uint32_t *attr_start; /* [ntypes + 1]: attributes of type v (type_attr_map, v included) */
	uint32_t *attrs;      /* ... are attrs[attr_start[v-1]..attr_start[v]), as values */
	bool bounded;	      /* a type has typebounds: its decisions depend on its parent's */
	/* [class - 1]: the permissions a constraint of the class names (every one for process,
	 * whose transitions the RBAC rules decide too): the only ones libsepol's decision can
	 * take from what the TE rules allow, when no type has typebounds
	 */
	uint32_t *constrained;
};

/* policy.c */
policydb_t *pdb(const struct policy *p);
void activate(const struct policy *p);
type_datum_t *type_lookup(const struct policy *p, const char *name);
const char *type_name(const struct policy *p, uint32_t value);
int type_sid(struct policy *p, const char *type, bool subject, sepol_security_id_t *sid);
int value_sid(struct policy *p, uint32_t value, bool subject, sepol_security_id_t *sid);
int source_sid(struct policy *p, uint32_t value, sepol_security_id_t *sid);
int bool_index(const struct policy *p, const char *name);
/* A type, an alias or a context's type, as a primary type value (not an attribute). */
int subject_type_value(const struct policy *p, const char *name, uint32_t *value);
/* policy_check()'s question without its target: q's source SID, class and permissions. */
int query_source(struct policy *p, const struct policy_query *q, sepol_security_id_t *ssid,
		 sepol_security_class_t *tclass, sepol_access_vector_t *requested);
void bool_set_idx(struct policy *p, int idx, bool value);

/* policy_cost.c */
void *memo_get(const struct memo *m, uint64_t key);
/* Keeps val, replacing (and freeing) an older value of key: 0; -ENOMEM when it could not
 * (val is still the caller's).
 */
int memo_put(struct memo *m, uint64_t key, void *val);
void memo_clear(struct memo *m);
int cmp_u32(const void *a, const void *b);
int u32_vec_push(struct u32_vec *vec, uint32_t value);
int rule_types(const policydb_t *db, uint32_t value, struct u32_vec *out);
void te_index_free(struct te_index *ix);
int te_index_build(struct policy *p);
void cost_cache_drop(struct policy *p);
/* libsepol's allowed vector for (ssid, tsid, tclass) with boolean idx set to value, which the
 * caller has done (the vector does not depend on the permissions asked): kept while the
 * booleans stay as they are. 0, or -EINVAL when libsepol fails.
 */
int flipped_allowed(struct policy *p, int idx, bool value, sepol_security_id_t ssid,
		    sepol_security_id_t tsid, sepol_security_class_t tclass,
		    sepol_access_vector_t *allowed);
/*
 * The type enforcement decision alone (the allow rules in force, from the index) on
 * (stype, targets[i], tclass) with boolean idx set to value (idx -1: the booleans as they
 * are), into allowed[i]; ask it with the booleans as they are. libsepol's decision never
 * allows more (constraints, RBAC and typebounds only take away): a permission it lacks is
 * denied. 0; 1 when the index cannot tell (an undefined conditional, a value out of range);
 * -ENOMEM.
 */
int te_allowed(struct policy *p, uint32_t stype, uint32_t tclass, const uint32_t *targets, size_t n,
	       int idx, bool value, uint32_t *allowed);
/*
 * The permissions of tclass that libsepol's decision may take from what the TE rules allow:
 * those its constraints (MLS ones included) name, every one for the process class (RBAC) and
 * for every class when a type has typebounds. A permission outside them that the TE rules
 * allow, libsepol allows: no decision needs asking for it. Needs the index (te_index_build).
 */
uint32_t te_constrained(const struct policy *p, uint32_t tclass);

#endif
