// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The relabel and port universe (moved from policy.c): what relabelling a port takes from
 * and gives to every domain (policy_port_relabel_cost, policy_port_type_change_cost), the
 * port types a domain may connect to (policy_connectable_ports, policy_port_types,
 * policy_types_allowing), on the TE rule index of policy_cost.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <selinux/selinux.h>
#include <sepol/booleans.h>
#include <sepol/context_record.h>
#include <sepol/debug.h>
#include <sepol/handle.h>
#include <sepol/policydb.h>
#include <sepol/policydb/conditional.h>
#include <sepol/policydb/ebitmap.h>
#include <sepol/policydb/policydb.h>
#include <sepol/policydb/services.h>
#include <sepol/policydb/sidtab.h>
#include <sepol/port_record.h>
#include <sepol/ports.h>

#include "policy.h"
#include "policy_internal.h"
#include "policy_relabel.h"
#include "verdict.h"

/*
 * The source types of the allow rules in force (unconditional, or conditional and enabled)
 * that give a permission in perms on tclass to a target covering type_a or type_b: the only
 * domains whose decision on either type can differ.
 */
static int relabel_sources(const struct policy *p, uint32_t tclass, uint32_t perms, uint32_t type_a,
			   uint32_t type_b, struct u32_vec *out)
{
	const policydb_t *db = pdb(p);
	const struct te_index *ix = p->te;
	struct u32_vec members = { 0 };
	size_t r, i;
	int ret = 0;

	for (r = 0; r < ix->nrows && !ret; r++) {
		const struct te_row *row = &ix->rows[r];

		if (!(row->specified & AVTAB_ALLOWED) || row->tclass != tclass ||
		    !(row->data & perms) ||
		    (row->node && !(row->node->key.specified & AVTAB_ENABLED)))
			continue;
		if (!ebitmap_get_bit(&db->type_attr_map[type_a - 1], row->target - 1u) &&
		    !ebitmap_get_bit(&db->type_attr_map[type_b - 1], row->target - 1u))
			continue;
		ret = rule_types(db, row->source, &members);
		for (i = 0; !ret && i < members.n; i++)
			ret = u32_vec_push(out, members.v[i]);
	}
	free(members.v);
	if (ret || !out->n)
		return ret;
	qsort(out->v, out->n, sizeof(*out->v), cmp_u32);
	for (r = 1, i = 1; r < out->n; r++)
		if (out->v[r] != out->v[i - 1])
			out->v[i++] = out->v[r];
	out->n = i;
	return 0;
}

/* A domain that loses a permission by a relabel, before it is ranked among the others. */
struct loss {
	uint32_t type;
	bool connect, bind;
	size_t aff; /* common prefix with the old port type's name (redis_t, redis_port_t) */
};

static size_t name_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a && b && a[n] && a[n] == b[n])
		n++;
	return n;
}

/* The losers worth naming first: those that lose name_bind (the port's own servers), then
 * those named like the port's type, then by name.
 */
static const struct policy *loss_policy;

static int cmp_loss(const void *x, const void *y)
{
	const struct loss *a = x, *b = y;

	if (a->bind != b->bind)
		return a->bind ? -1 : 1;
	if (a->aff != b->aff)
		return a->aff > b->aff ? -1 : 1;
	return strcmp(type_name(loss_policy, a->type), type_name(loss_policy, b->type));
}

/* The relabel of a port of proto from old_td to new_td, counted and its losers ranked. */
static int relabel_count(struct policy *p, enum policy_proto proto, type_datum_t *old_td,
			 type_datum_t *new_td, struct policy_relabel_cost *cost)
{
	sepol_access_vector_t connect = 0, bind = 0;
	sepol_security_id_t old_sid, new_sid;
	sepol_security_class_t tclass;
	struct u32_vec sources = { 0 };
	struct loss *losses = NULL;
	size_t nlosses = 0, i;
	char cls[32];
	int ret;

	snprintf(cost->old_type, sizeof(cost->old_type), "%s", type_name(p, old_td->s.value));
	snprintf(cost->new_type, sizeof(cost->new_type), "%s", type_name(p, new_td->s.value));
	if (old_td->s.value == new_td->s.value)
		return 0;
	activate(p);
	snprintf(cls, sizeof(cls), "%s_socket", proto_name(proto));
	if (sepol_string_to_security_class(cls, &tclass) < 0)
		return 0; /* no such socket class in this policy: no decision uses the label */
	if (sepol_string_to_av_perm(tclass, "name_connect", &connect) < 0)
		connect = 0;
	if (sepol_string_to_av_perm(tclass, "name_bind", &bind) < 0)
		bind = 0;
	if (value_sid(p, old_td->s.value, false, &old_sid) ||
	    value_sid(p, new_td->s.value, false, &new_sid))
		return -ENOENT;
	ret = te_index_build(p);
	if (!ret)
		ret = relabel_sources(p, tclass, connect | bind, old_td->s.value, new_td->s.value,
				      &sources);
	if (!ret && sources.n && !(losses = calloc(sources.n, sizeof(*losses))))
		ret = -ENOMEM;
	/* the port's context is a real one (object_r, like the template): libsepol's whole
	 * decision, as policy_check() gives it
	 */
	for (i = 0; !ret && i < sources.n; i++) {
		struct sepol_av_decision on_old, on_new;
		sepol_access_vector_t gained, lost;
		sepol_security_id_t ssid;
		unsigned int reason;

		if (source_sid(p, sources.v[i], &ssid))
			continue;
		activate(p);
		if (sepol_compute_av_reason(ssid, old_sid, tclass, connect | bind, &on_old,
					    &reason) < 0 ||
		    sepol_compute_av_reason(ssid, new_sid, tclass, connect | bind, &on_new,
					    &reason) < 0)
			continue;
		gained = on_new.allowed & ~on_old.allowed & (connect | bind);
		lost = on_old.allowed & ~on_new.allowed & (connect | bind);
		cost->domains_gaining += gained != 0;
		cost->domains_losing += lost != 0;
		cost->perms_gained += (unsigned long)__builtin_popcount(gained);
		cost->perms_lost += (unsigned long)__builtin_popcount(lost);
		cost->connect_gaining += !!(gained & connect);
		cost->connect_losing += !!(lost & connect);
		cost->bind_gaining += !!(gained & bind);
		cost->bind_losing += !!(lost & bind);
		if (lost)
			losses[nlosses++] = (struct loss){
				.type = sources.v[i],
				.connect = !!(lost & connect),
				.bind = !!(lost & bind),
				.aff = name_prefix(type_name(p, sources.v[i]), cost->old_type),
			};
	}
	loss_policy = p;
	if (nlosses)
		qsort(losses, nlosses, sizeof(*losses), cmp_loss);
	for (i = 0; i < nlosses && i < POLICY_RELABEL_MAX_LOSERS; i++) {
		struct policy_relabel_loss *l = &cost->losers[cost->nlosers++];

		snprintf(l->domain, sizeof(l->domain), "%s", type_name(p, losses[i].type));
		l->name_connect = losses[i].connect;
		l->name_bind = losses[i].bind;
	}
	free(losses);
	free(sources.v);
	return ret;
}

/* A relabel's answer, kept by (protocol, old type, new type): every port of a type and every
 * finding that tries the same new type ask it again.
 */
struct relabel_known {
	int ret;
	struct policy_relabel_cost cost;
};

static int relabel_compare(struct policy *p, enum policy_proto proto, type_datum_t *old_td,
			   type_datum_t *new_td, struct policy_relabel_cost *cost)
{
	uint64_t key = (uint64_t)proto << 40 | (uint64_t)old_td->s.value << 20 | new_td->s.value;
	struct relabel_known *known = memo_get(&p->relabel, key);
	int ret;

	if (known) {
		*cost = known->cost;
		return known->ret;
	}
	ret = relabel_count(p, proto, old_td, new_td, cost);
	if (ret != -ENOMEM && (known = malloc(sizeof(*known)))) {
		known->ret = ret;
		known->cost = *cost;
		if (memo_put(&p->relabel, key, known))
			free(known);
	}
	return ret;
}

int policy_port_relabel_cost(struct policy *p, enum policy_proto proto, unsigned int port,
			     const char *new_type, struct policy_relabel_cost *cost)
{
	type_datum_t *old_td, *new_td;
	struct port_label label;
	int ret;

	memset(cost, 0, sizeof(*cost));
	ret = policy_port_lookup(p, proto, port, &label);
	if (ret)
		return ret;
	old_td = type_lookup(p, label.type);
	new_td = type_lookup(p, new_type);
	if (!old_td || !new_td || new_td->flavor == TYPE_ATTRIB)
		return -ENOENT;
	return relabel_compare(p, proto, old_td, new_td, cost);
}

int policy_port_type_change_cost(struct policy *p, enum policy_proto proto, const char *old_type,
				 const char *new_type, struct policy_relabel_cost *cost)
{
	type_datum_t *old_td = type_lookup(p, old_type), *new_td = type_lookup(p, new_type);

	memset(cost, 0, sizeof(*cost));
	if (!old_td || !new_td || old_td->flavor == TYPE_ATTRIB || new_td->flavor == TYPE_ATTRIB)
		return -ENOENT;
	return relabel_compare(p, proto, old_td, new_td, cost);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The candidate port types: members of port_type when the policy has it, else the portcon
 * types and the default port type.
 */
static int type_list_add(struct u32_vec *l, uint32_t value)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == value)
			return 0;
	return u32_vec_push(l, value);
}

static int port_universe_read(struct policy *p, struct u32_vec *l)
{
	type_datum_t *attr = type_lookup(p, "port_type");
	ebitmap_node_t *en;
	unsigned int bit;

	if (attr && attr->flavor == TYPE_ATTRIB) {
		ebitmap_for_each_positive_bit(&pdb(p)->attr_type_map[attr->s.value - 1], en, bit)
		{
			if (type_list_add(l, bit + 1))
				return -ENOMEM;
		}
		return 0;
	}
	/* no port_type attribute (small policies): the types portcon uses, and the default */
	for (ocontext_t *c = pdb(p)->ocontexts[OCON_PORT]; c; c = c->next)
		if (type_list_add(l, c->context[0].type))
			return -ENOMEM;
	for (ocontext_t *c = pdb(p)->ocontexts[OCON_ISID]; c; c = c->next)
		if (c->sid[0] == ISID_PORT && type_list_add(l, c->context[0].type))
			return -ENOMEM;
	return 0;
}

/* The universe, read once per policy (no boolean changes it), as a copy in l. */
static int port_universe(struct policy *p, struct u32_vec *l)
{
	size_t i;

	if (!p->universe_read) {
		struct u32_vec u = { 0 };
		int ret = port_universe_read(p, &u);

		if (ret) {
			free(u.v);
			return ret;
		}
		p->universe = u;
		p->universe_read = true;
	}
	for (i = 0; i < p->universe.n; i++)
		if (u32_vec_push(l, p->universe.v[i]))
			return -ENOMEM;
	return 0;
}

/* The port types a source may name_connect with a boolean set (idx -1: as they are), in the
 * universe's order. libsepol decides each type whose TE rules give name_connect and whose
 * constraints could take it away; a type the TE rules refuse it is refused, one they give it
 * and no constraint names is allowed (te_allowed(), te_constrained()).
 */
struct connectable {
	int universe;
	size_t n;
	uint32_t types[];
};

static struct connectable *connectable_compute(struct policy *p, const char *source, int idx,
					       bool value)
{
	static const char *const perms[] = { "name_connect" };
	struct policy_query q = { source, NULL, "tcp_socket", perms, 1 };
	struct connectable *c = NULL;
	struct u32_vec l = { 0 };
	uint32_t stype = 0, *te = NULL;
	bool cur = false, asked;
	sepol_security_id_t ssid = 0;
	sepol_security_class_t tclass = 0;
	sepol_access_vector_t av = 0, allowed;
	int filter = 1;
	size_t i;

	if (port_universe(p, &l))
		goto out;
	c = malloc(sizeof(*c) + l.n * sizeof(c->types[0]));
	if (!c)
		goto out;
	c->universe = (int)l.n;
	c->n = 0;
	/* policy_check()'s question, its source asked once: when it fails (an unknown source,
	 * no tcp_socket), it fails for every type
	 */
	asked = !query_source(p, &q, &ssid, &tclass, &av);
	/* libsepol is asked only about the types whose allow rules give name_connect */
	if (asked && l.n && !subject_type_value(p, source, &stype) &&
	    (te = malloc(l.n * sizeof(*te))))
		filter = te_allowed(p, stype, tclass, l.v, l.n, idx, value, te);
	if (filter < 0) {
		free(c);
		c = NULL;
		goto out;
	}
	if (idx >= 0) {
		cur = pdb(p)->bool_val_to_struct[idx]->state;
		bool_set_idx(p, idx, value);
	}
	for (i = 0; asked && i < l.n; i++) {
		const char *tname = type_name(p, l.v[i]);
		sepol_security_id_t tsid;
		struct sepol_av_decision avd;
		unsigned int reason;

		if (!filter && (te[i] & av) != av)
			continue;
		if (!tname || value_sid(p, l.v[i], false, &tsid))
			continue;
		/* what the TE rules allow and no constraint names, libsepol allows */
		if (!filter && !(av & te_constrained(p, tclass))) {
			c->types[c->n++] = l.v[i];
			continue;
		}
		if (idx >= 0) {
			if (flipped_allowed(p, idx, value, ssid, tsid, tclass, &allowed))
				continue;
		} else {
			activate(p);
			if (sepol_compute_av_reason(ssid, tsid, tclass, av, &avd, &reason) < 0)
				continue;
			allowed = avd.allowed;
		}
		if (av & ~allowed)
			continue;
		c->types[c->n++] = l.v[i];
	}
	if (idx >= 0)
		bool_set_idx(p, idx, cur);
out:
	free(te);
	free(l.v);
	return c;
}

int policy_connectable_ports(struct policy *p, const char *source, const char *boolean, bool value,
			     char (*names)[POLICY_NAME_LEN], int max, int *universe)
{
	struct connectable *c = NULL;
	uint32_t stype = 0;
	uint64_t key = 0;
	int idx = -1, n;
	size_t i;

	if (boolean) {
		idx = bool_index(p, boolean);
		if (idx < 0)
			return -ENOENT;
	}
	/* a bare type is asked as its own SID, the same for an alias: kept by type; a context
	 * is asked as written, each time
	 */
	if (!strchr(source, ':') && !subject_type_value(p, source, &stype)) {
		key = (uint64_t)stype << 32 | (uint64_t)(idx + 1) << 1 | (boolean && value);
		c = memo_get(&p->connectable, key);
	}
	if (!c) {
		c = connectable_compute(p, source, idx, value);
		if (!c)
			return -ENOMEM;
		if (stype && memo_put(&p->connectable, key, c))
			stype = 0; /* not kept: freed below */
	}
	if (universe)
		*universe = c->universe;
	n = (int)c->n;
	for (i = 0; i < c->n && (int)i < max; i++)
		snprintf(names[i], POLICY_NAME_LEN, "%s", type_name(p, c->types[i]));
	if (!stype)
		free(c);
	qsort(names, (size_t)(n < max ? n : max), POLICY_NAME_LEN, cmp_name);
	return n;
}

int policy_port_types(struct policy *p, char (*names)[POLICY_NAME_LEN], int max)
{
	struct u32_vec l = { 0 };
	int n = 0, ret;
	size_t i;

	ret = port_universe(p, &l);
	for (i = 0; !ret && i < l.n; i++) {
		const char *tname = type_name(p, l.v[i]);

		if (!tname)
			continue;
		if (n < max)
			snprintf(names[n], POLICY_NAME_LEN, "%s", tname);
		n++;
	}
	free(l.v);
	if (ret)
		return ret;
	qsort(names, (size_t)(n < max ? n : max), POLICY_NAME_LEN, cmp_name);
	return n;
}

int policy_types_allowing(struct policy *p, const char *source, const struct policy_need *needs,
			  int nneeds, char (*names)[POLICY_NAME_LEN], int max)
{
	policydb_t *db = pdb(p);
	uint32_t v;
	int n = 0, k;

	for (v = 1; v <= db->p_types.nprim; v++) {
		type_datum_t *td = db->type_val_to_struct[v - 1];
		const char *tname = type_name(p, v);
		bool ok = true;

		if (!td || td->flavor == TYPE_ATTRIB || !tname)
			continue;
		for (k = 0; ok && k < nneeds; k++) {
			struct policy_query q = { source, tname, needs[k].tclass, needs[k].perms,
						  needs[k].nperms };
			struct policy_decision d;

			ok = !policy_check(p, &q, &d) && d.allowed;
		}
		if (!ok)
			continue;
		if (n < max)
			snprintf(names[n], POLICY_NAME_LEN, "%s", tname);
		n++;
	}
	qsort(names, (size_t)(n < max ? n : max), POLICY_NAME_LEN, cmp_name);
	return n;
}
