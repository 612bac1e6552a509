/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The relabel and port universe (user/policy_relabel.c): what relabelling a port takes from
 * and gives to every domain, and the port types a domain may reach.
 */
#ifndef AVC_POLICY_RELABEL_H
#define AVC_POLICY_RELABEL_H

#include <stdbool.h>

#include "policy.h"

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
 * For a bare type, kept per (source type, boolean, value) until a boolean changes.
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

#endif
