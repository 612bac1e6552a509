// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policy queries on libsepol. libsepol.so exports only the record API; the access
 * computation on a policy of our choosing (sepol_set_policydb, policydb_load_isids,
 * evaluate_conds) lives in libsepol.a, which avcsnoop links statically as audit2why does.
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
#include "verdict.h"

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
};

/* Every state of every policy opened in this process has its own number: a policy freed and
 * another allocated at the same address never share one.
 */
static unsigned long policy_states;

static policydb_t *pdb(const struct policy *p)
{
	return &p->spdb->p;
}

/* libsepol's access computation uses one current policydb: make it ours. */
static void activate(const struct policy *p)
{
	sepol_set_policydb(&p->spdb->p);
	sepol_set_sidtab((sidtab_t *)&p->sidtab);
}

static void sepol_msg(void *arg, sepol_handle_t *h, const char *fmt, ...)
{
	struct policy *p = arg;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->libmsg, sizeof(p->libmsg), fmt, ap);
	va_end(ap);
}

/* Split "u:r:t[:level]" into its parts; level may be "". */
static int split_context(const char *ctx, char *u, char *r, char *level, size_t sz)
{
	const char *c1 = strchr(ctx, ':'), *c2, *c3;

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return -EINVAL;
	c3 = strchr(c2 + 1, ':');
	if ((size_t)(c1 - ctx) >= sz || (size_t)(c2 - c1 - 1) >= sz)
		return -EINVAL;
	snprintf(u, sz, "%.*s", (int)(c1 - ctx), ctx);
	snprintf(r, sz, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	snprintf(level, sz, "%s", c3 ? c3 + 1 : "");
	return 0;
}

/*
 * Binary policies keep initial SIDs by number only; the numbers are kernel ABI
 * (security/selinux/include/initial_sid_to_string.h), and policies list them in that order.
 */
#define ISID_KERNEL 1
#define ISID_PORT   9

static const char *isid_context(struct policy *p, uint32_t isid, char *buf, size_t sz)
{
	ocontext_t *c;

	for (c = pdb(p)->ocontexts[OCON_ISID]; c; c = c->next) {
		char *ctx = NULL;
		size_t len;

		if (c->sid[0] != isid)
			continue;
		activate(p);
		if (sepol_sid_to_context(c->sid[0], &ctx, &len) < 0)
			return NULL;
		snprintf(buf, sz, "%s", ctx);
		free(ctx);
		return buf;
	}
	return NULL;
}

/* The kernel's own context gives a valid user, role and (low) level for bare types. */
static void pick_templates(struct policy *p)
{
	char ctx[512];

	snprintf(p->subj_user, sizeof(p->subj_user), "system_u");
	snprintf(p->subj_role, sizeof(p->subj_role), "system_r");
	p->level[0] = '\0';
	if (isid_context(p, ISID_KERNEL, ctx, sizeof(ctx)))
		split_context(ctx, p->subj_user, p->subj_role, p->level, POLICY_NAME_LEN);
	snprintf(p->obj_user, sizeof(p->obj_user), "%s", p->subj_user);
	/* object_r is built into every policy and valid with every type */
	snprintf(p->obj_role, sizeof(p->obj_role), "object_r");
	if (strchr(p->level, '-'))
		*strchr(p->level, '-') = '\0';
}

static int apply_live_booleans(struct policy *p)
{
	char **names = NULL;
	int i, n = 0;

	if (security_get_boolean_names(&names, &n) < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		int v = security_get_boolean_active(names[i]);

		if (v >= 0)
			policy_bool_set(p, names[i], v);
		free(names[i]);
	}
	free(names);
	return 0;
}

static int read_header(FILE *f, const char *path, unsigned int *version, char *err, size_t errsz)
{
	uint32_t w[2], ver;
	char str[32];
	size_t len;

	if (fread(w, sizeof(uint32_t), 2, f) != 2) {
		snprintf(err, errsz, "%s: too short to be a binary SELinux policy", path);
		return -EINVAL;
	}
	if (le32toh(w[0]) != POLICYDB_MAGIC) {
		snprintf(err, errsz,
			 "%s: not a binary SELinux policy (magic %#x; a CIL or .te source must "
			 "be compiled first, e.g. with secilc)",
			 path, le32toh(w[0]));
		return -EINVAL;
	}
	len = le32toh(w[1]);
	if (len >= sizeof(str) || fread(str, 1, len, f) != len ||
	    fread(&ver, sizeof(ver), 1, f) != 1) {
		snprintf(err, errsz, "%s: truncated policy header", path);
		return -EINVAL;
	}
	str[len] = '\0';
	if (strcmp(str, POLICYDB_STRING)) {
		snprintf(err, errsz, "%s: a \"%s\" policy, not an SELinux kernel policy", path,
			 str);
		return -EINVAL;
	}
	*version = le32toh(ver);
	/* e.g. Debian 13's on-disk policy.34 and Debian 12's libsepol (15-33): the kernel
	 * loads such a file in a version it has (33) and gives that out as its live policy
	 */
	if (*version > (unsigned int)sepol_policy_kern_vers_max()) {
		snprintf(err, errsz,
			 "%s: policy version %u: the libsepol avcsnoop was built with reads "
			 "versions %d-%d only. Use the live policy instead (run without "
			 "--policy: /sys/fs/selinux/policy, which the kernel writes in a version "
			 "it loaded), or rebuild avcsnoop against a libsepol that reads version %u",
			 path, *version, sepol_policy_kern_vers_min(), sepol_policy_kern_vers_max(),
			 *version);
		return -EPROTONOSUPPORT;
	}
	if (*version < (unsigned int)sepol_policy_kern_vers_min()) {
		snprintf(err, errsz,
			 "%s: policy version %u: the libsepol avcsnoop was built with reads "
			 "versions %d-%d only",
			 path, *version, sepol_policy_kern_vers_min(),
			 sepol_policy_kern_vers_max());
		return -EPROTONOSUPPORT;
	}
	rewind(f);
	return 0;
}

int policy_open(struct policy **out, const char *path, char *err, size_t errsz)
{
	sepol_policy_file_t *pf = NULL;
	struct policy *p;
	FILE *f = NULL;
	int ret;

	*out = NULL;
	err[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	p->state = ++policy_states;
	if (!path) {
		if (is_selinux_enabled() <= 0) {
			snprintf(err, errsz,
				 "SELinux is not enabled here: name a policy file with --policy "
				 "(e.g. /etc/selinux/default/policy/policy.33)");
			ret = -ENOENT;
			goto fail;
		}
		p->live = true;
		snprintf(p->path, sizeof(p->path), "/sys/fs/selinux/policy");
	} else {
		snprintf(p->path, sizeof(p->path), "%s", path);
	}
	f = fopen(p->path, "re");
	if (!f) {
		ret = -errno;
		snprintf(err, errsz, "cannot open policy %s: %s", p->path, strerror(errno));
		goto fail;
	}
	ret = read_header(f, p->path, &p->version, err, errsz);
	if (ret)
		goto fail;

	/* services.c reports through the default handle: keep it quiet, errors come back here */
	sepol_debug(0);
	p->handle = sepol_handle_create();
	if (!p->handle || sepol_policy_file_create(&pf) || sepol_policydb_create(&p->spdb)) {
		snprintf(err, errsz, "out of memory");
		ret = -ENOMEM;
		goto fail;
	}
	sepol_msg_set_callback(p->handle, sepol_msg, p);
	sepol_policy_file_set_fp(pf, f);
	sepol_policy_file_set_handle(pf, p->handle);
	if (sepol_policydb_read(p->spdb, pf) < 0) {
		snprintf(err, errsz, "libsepol could not read %s: %s", p->path,
			 p->libmsg[0] ? p->libmsg : "invalid policy");
		ret = -EINVAL;
		goto fail;
	}
	sepol_policy_file_free(pf);
	pf = NULL;
	fclose(f);
	f = NULL;

	/* policydb_load_isids() initialises the sidtab itself (a sepol_sidtab_init() before it
	 * would leak the first table); on failure policy_close() frees what it filled
	 */
	activate(p);
	if (policydb_load_isids(pdb(p), &p->sidtab) < 0) {
		snprintf(err, errsz, "%s: bad initial SIDs or out of memory", p->path);
		ret = -EINVAL;
		goto fail;
	}
	evaluate_conds(pdb(p));
	pick_templates(p);
	if (p->live) {
		char *type = NULL;

		if (apply_live_booleans(p))
			snprintf(p->libmsg, sizeof(p->libmsg), "live booleans unreadable");
		if (selinux_getpolicytype(&type) == 0) {
			snprintf(p->local_ports, sizeof(p->local_ports),
				 "/var/lib/selinux/%s/active/ports.local", type);
			free(type);
		}
	}
	*out = p;
	return 0;
fail:
	if (pf)
		sepol_policy_file_free(pf);
	if (f)
		fclose(f);
	policy_close(p);
	return ret;
}

static void cost_cache_drop(struct policy *p);
static void te_index_free(struct te_index *ix);

void policy_close(struct policy *p)
{
	if (!p)
		return;
	cost_cache_drop(p);
	free(p->type_sids);
	te_index_free(p->te);
	if (p->spdb) {
		/* the sidtab must be emptied before the policydb it points into */
		sepol_sidtab_destroy(&p->sidtab);
		sepol_policydb_free(p->spdb);
	}
	if (p->handle)
		sepol_handle_destroy(p->handle);
	free(p);
}

const char *policy_path(const struct policy *p)
{
	return p->path;
}

unsigned long policy_state(const struct policy *p)
{
	return p->state;
}

bool policy_is_live(const struct policy *p)
{
	return p->live;
}

unsigned int policy_version(const struct policy *p)
{
	return p->version;
}

/* ---- types ---- */

static type_datum_t *type_lookup(const struct policy *p, const char *name)
{
	return hashtab_search(pdb(p)->p_types.table, name);
}

static const char *type_name(const struct policy *p, uint32_t value)
{
	if (!value || value > pdb(p)->p_types.nprim)
		return NULL;
	return pdb(p)->p_type_val_to_name[value - 1];
}

int policy_type_primary(const struct policy *p, const char *name, char *out, size_t outsz)
{
	type_datum_t *td = type_lookup(p, name);
	const char *primary;

	if (!td || !(primary = type_name(p, td->s.value)))
		return -ENOENT;
	snprintf(out, outsz, "%s", primary);
	return 0;
}

bool policy_type_is_attr(const struct policy *p, const char *name)
{
	type_datum_t *td = type_lookup(p, name);

	return td && td->flavor == TYPE_ATTRIB;
}

struct alias_walk {
	uint32_t value;
	const char *primary;
	char *out;
	size_t outsz;
	int n;
};

static int alias_cb(hashtab_key_t key, hashtab_datum_t datum, void *arg)
{
	type_datum_t *td = datum;
	struct alias_walk *w = arg;
	size_t used = strlen(w->out);

	if (td->s.value != w->value || td->flavor == TYPE_ATTRIB || !strcmp(key, w->primary))
		return 0;
	snprintf(w->out + used, w->outsz - used, "%s%s", w->n ? "," : "", (char *)key);
	w->n++;
	return 0;
}

int policy_type_aliases(const struct policy *p, const char *type, char *out, size_t outsz)
{
	type_datum_t *td = type_lookup(p, type);
	struct alias_walk w = { .out = out, .outsz = outsz };

	out[0] = '\0';
	if (!td)
		return -ENOENT;
	w.value = td->s.value;
	w.primary = type_name(p, td->s.value);
	hashtab_map(pdb(p)->p_types.table, alias_cb, &w);
	return w.n;
}

bool policy_type_has_attr(const struct policy *p, const char *type, const char *attr)
{
	type_datum_t *t = type_lookup(p, type), *a = type_lookup(p, attr);

	if (!t || !a || !pdb(p)->type_attr_map)
		return false;
	return ebitmap_get_bit(&pdb(p)->type_attr_map[t->s.value - 1], a->s.value - 1);
}

/* ---- classes and permissions ---- */

int policy_class_value(const struct policy *p, const char *tclass, uint16_t *value)
{
	sepol_security_class_t c;

	activate(p);
	if (sepol_string_to_security_class(tclass, &c) < 0)
		return -ENOENT;
	*value = c;
	return 0;
}

int policy_perm_mask(const struct policy *p, const char *tclass, const char *perm, uint32_t *av)
{
	sepol_security_class_t c;
	sepol_access_vector_t v;

	activate(p);
	if (sepol_string_to_security_class(tclass, &c) < 0 || sepol_string_to_av_perm(c, perm, &v))
		return -ENOENT;
	*av = v;
	return 0;
}

/* ---- SIDs for contexts and bare types ---- */

static int try_sid(const char *ctx, sepol_security_id_t *sid)
{
	return sepol_context_to_sid(ctx, strlen(ctx) + 1, sid) < 0 ? -EINVAL : 0;
}

static int type_sid(struct policy *p, const char *type, bool subject, sepol_security_id_t *sid)
{
	char ctx[512];
	const char *lvl = p->level[0] ? ":" : "";
	policydb_t *db = pdb(p);
	type_datum_t *td = type_lookup(p, type);
	uint32_t r, u;

	if (!td || td->flavor == TYPE_ATTRIB)
		return -ENOENT;
	snprintf(ctx, sizeof(ctx), "%s:%s:%s%s%s", subject ? p->subj_user : p->obj_user,
		 subject ? p->subj_role : p->obj_role, type, lvl, p->level);
	if (!try_sid(ctx, sid))
		return 0;
	/* a subject type not associated with the template role: find a role and user that fit */
	for (r = 0; subject && r < db->p_roles.nprim; r++) {
		role_datum_t *role = db->role_val_to_struct[r];

		if (!role || !ebitmap_get_bit(&role->types.types, td->s.value - 1))
			continue;
		for (u = 0; u < db->p_users.nprim; u++) {
			user_datum_t *user = db->user_val_to_struct[u];

			if (!user || !ebitmap_get_bit(&user->roles.roles, r))
				continue;
			snprintf(ctx, sizeof(ctx), "%s:%s:%s%s%s", db->p_user_val_to_name[u],
				 db->p_role_val_to_name[r], type, lvl, p->level);
			if (!try_sid(ctx, sid))
				return 0;
		}
	}
	return -EINVAL;
}

/* A context is used as written; when the policy rejects it (another distribution's user or
 * role), its type alone is used with a valid user and role.
 */
static int name_sid(struct policy *p, const char *name, bool subject, sepol_security_id_t *sid)
{
	char type[POLICY_NAME_LEN];

	if (!strchr(name, ':'))
		return type_sid(p, name, subject, sid);
	if (!try_sid(name, sid))
		return 0;
	if (context_type(name, type, sizeof(type)))
		return -EINVAL;
	return type_sid(p, type, subject, sid);
}

#define SID_NONE ((sepol_security_id_t)-1) /* cached: no valid context for this type */

static int value_sid(struct policy *p, uint32_t value, bool subject, sepol_security_id_t *sid)
{
	uint32_t ntypes = pdb(p)->p_types.nprim;
	const char *name = type_name(p, value);
	sepol_security_id_t *slot;
	int ret;

	if (!name)
		return -ENOENT;
	if (!p->type_sids) {
		p->type_sids = calloc(2 * (size_t)ntypes, sizeof(*p->type_sids));
		if (!p->type_sids)
			return -ENOMEM;
	}
	slot = &p->type_sids[2 * (size_t)(value - 1) + subject];
	if (*slot == SID_NONE)
		return -EINVAL;
	if (*slot) {
		*sid = *slot;
		return 0;
	}
	ret = type_sid(p, name, subject, sid);
	*slot = ret ? SID_NONE : *sid;
	return ret;
}

/* A source type no role may hold (a file type in an associate rule) still has a decision:
 * ask with its object context.
 */
static int source_sid(struct policy *p, uint32_t value, sepol_security_id_t *sid)
{
	return value_sid(p, value, true, sid) && value_sid(p, value, false, sid) ? -ENOENT : 0;
}

/* ---- ports ---- */

static int sepol_proto(enum policy_proto proto)
{
	switch (proto) {
	case PROTO_UDP:
		return SEPOL_PROTO_UDP;
	case PROTO_SCTP:
		return SEPOL_PROTO_SCTP;
	case PROTO_DCCP:
		return SEPOL_PROTO_DCCP;
	case PROTO_TCP:
	default:
		return SEPOL_PROTO_TCP;
	}
}

struct port_walk {
	sepol_handle_t *handle;
	int proto;
	unsigned int port; /* lookup */
	const char *type;  /* ranges */
	struct port_label *label;
	char *out;
	size_t outsz;
	int n;
};

static int port_lookup_cb(const sepol_port_t *rec, void *arg)
{
	struct port_walk *w = arg;
	sepol_context_t *con;
	const char *type;

	if (sepol_port_get_proto(rec) != w->proto)
		return 0;
	if (w->port < (unsigned int)sepol_port_get_low(rec) ||
	    w->port > (unsigned int)sepol_port_get_high(rec))
		return 0;
	con = sepol_port_get_con(rec);
	type = con ? sepol_context_get_type(con) : NULL;
	if (!type)
		return 0;
	snprintf(w->label->type, sizeof(w->label->type), "%s", type);
	{
		char *str = NULL;

		if (sepol_context_to_string(w->handle, con, &str) >= 0) {
			snprintf(w->label->context, sizeof(w->label->context), "%s", str);
			free(str);
		}
	}
	w->label->low = sepol_port_get_low(rec);
	w->label->high = sepol_port_get_high(rec);
	w->n = 1;
	return 1; /* the kernel takes the first match in this order */
}

int policy_port_lookup(struct policy *p, enum policy_proto proto, unsigned int port,
		       struct port_label *out)
{
	struct port_walk w = {
		.handle = p->handle, .proto = sepol_proto(proto), .port = port, .label = out
	};
	char ctx[sizeof(out->context)];

	memset(out, 0, sizeof(*out));
	if (port > 65535)
		return -EINVAL;
	if (sepol_port_iterate(p->handle, p->spdb, port_lookup_cb, &w) < 0)
		return -EIO;
	if (w.n)
		return 0;
	activate(p);
	if (!isid_context(p, ISID_PORT, ctx, sizeof(ctx)) ||
	    context_type(ctx, out->type, sizeof(out->type)))
		return -ENOENT;
	snprintf(out->context, sizeof(out->context), "%s", ctx);
	return 0;
}

static int port_ranges_cb(const sepol_port_t *rec, void *arg)
{
	struct port_walk *w = arg;
	sepol_context_t *con = sepol_port_get_con(rec);
	const char *type = con ? sepol_context_get_type(con) : NULL;
	size_t used = strlen(w->out);
	int lo = sepol_port_get_low(rec), hi = sepol_port_get_high(rec);

	if (sepol_port_get_proto(rec) != w->proto || !type || strcmp(type, w->type))
		return 0;
	if (lo == hi)
		snprintf(w->out + used, w->outsz - used, "%s%d", w->n ? ", " : "", lo);
	else
		snprintf(w->out + used, w->outsz - used, "%s%d-%d", w->n ? ", " : "", lo, hi);
	w->n++;
	return 0;
}

int policy_port_ranges(struct policy *p, enum policy_proto proto, const char *type, char *out,
		       size_t outsz)
{
	char primary[POLICY_NAME_LEN];
	struct port_walk w = { .proto = sepol_proto(proto), .out = out, .outsz = outsz };

	out[0] = '\0';
	w.type = policy_type_primary(p, type, primary, sizeof(primary)) ? type : primary;
	if (sepol_port_iterate(p->handle, p->spdb, port_ranges_cb, &w) < 0)
		return -EIO;
	return w.n;
}

void policy_set_local_ports_file(struct policy *p, const char *path)
{
	snprintf(p->local_ports, sizeof(p->local_ports), "%s", path ? path : "");
}

/* ports.local, as libsemanage writes it: "portcon tcp 3000 system_u:object_r:T:s0" */
int policy_port_local(const struct policy *p, enum policy_proto proto, unsigned int port,
		      char *type, size_t typesz)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	if (!p->local_ports[0])
		return -ENOENT;
	f = fopen(p->local_ports, "re");
	if (!f)
		return -errno;
	while (!found && getline(&line, &cap, f) > 0) {
		char kw[16], pr[16], range[32], ctx[512];
		unsigned int lo, hi;

		if (sscanf(line, "%15s %15s %31s %511s", kw, pr, range, ctx) != 4 ||
		    strcmp(kw, "portcon") || strcmp(pr, proto_name(proto)))
			continue;
		if (sscanf(range, "%u-%u", &lo, &hi) != 2) {
			if (sscanf(range, "%u", &lo) != 1)
				continue;
			hi = lo;
		}
		if (lo == port && hi == port && !context_type(ctx, type, typesz))
			found = 1;
	}
	free(line);
	fclose(f);
	return found;
}

/* ---- booleans ---- */

int policy_bool_count(const struct policy *p)
{
	return (int)pdb(p)->p_bools.nprim;
}

const char *policy_bool_name(const struct policy *p, int idx)
{
	if (idx < 0 || idx >= policy_bool_count(p))
		return NULL;
	return pdb(p)->p_bool_val_to_name[idx];
}

static int bool_index(const struct policy *p, const char *name)
{
	cond_bool_datum_t *b = hashtab_search(pdb(p)->p_bools.table, name);

	return b ? (int)b->s.value - 1 : -ENOENT;
}

int policy_bool_get(const struct policy *p, const char *name)
{
	int idx = bool_index(p, name);

	return idx < 0 ? idx : !!pdb(p)->bool_val_to_struct[idx]->state;
}

static void bool_set_idx(struct policy *p, int idx, bool value)
{
	pdb(p)->bool_val_to_struct[idx]->state = value;
	evaluate_conds(pdb(p));
}

int policy_bool_set(struct policy *p, const char *name, bool value)
{
	sepol_bool_key_t *key = NULL;
	sepol_bool_t *rec = NULL;
	int ret = -ENOMEM;

	if (bool_index(p, name) < 0)
		return -ENOENT;
	/* the record API evaluates every conditional after the change */
	if (sepol_bool_key_create(p->handle, name, &key) < 0 ||
	    sepol_bool_create(p->handle, &rec) < 0 || sepol_bool_set_name(p->handle, rec, name) < 0)
		goto out;
	sepol_bool_set_value(rec, value);
	if (policy_bool_get(p, name) != value) {
		cost_cache_drop(p); /* every cost depends on the other booleans */
		p->state = ++policy_states;
	}
	ret = sepol_bool_set(p->handle, p->spdb, key, rec) < 0 ? -EINVAL : 0;
out:
	sepol_bool_key_free(key);
	sepol_bool_free(rec);
	return ret;
}

/* ---- access ---- */

struct prepared {
	sepol_security_id_t ssid, tsid;
	sepol_security_class_t tclass;
	sepol_access_vector_t requested;
};

static int prepare(struct policy *p, const struct policy_query *q, struct prepared *pq)
{
	int i;

	activate(p);
	if (name_sid(p, q->source, true, &pq->ssid) || name_sid(p, q->target, false, &pq->tsid))
		return -ENOENT;
	if (sepol_string_to_security_class(q->tclass, &pq->tclass) < 0)
		return -EINVAL;
	pq->requested = 0;
	for (i = 0; i < q->nperms; i++) {
		sepol_access_vector_t v;

		if (sepol_string_to_av_perm(pq->tclass, q->perms[i], &v) < 0)
			return -EINVAL;
		pq->requested |= v;
	}
	return pq->requested ? 0 : -EINVAL;
}

static int decide(struct policy *p, const struct prepared *pq, struct sepol_av_decision *avd,
		  unsigned int *reason)
{
	activate(p);
	memset(avd, 0, sizeof(*avd));
	return sepol_compute_av_reason(pq->ssid, pq->tsid, pq->tclass, pq->requested, avd, reason) <
			       0
		       ? -EINVAL
		       : 0;
}

int policy_check(struct policy *p, const struct policy_query *q, struct policy_decision *d)
{
	struct sepol_av_decision avd;
	struct prepared pq;
	unsigned int reason = 0;
	int i, ret;

	memset(d, 0, sizeof(*d));
	ret = prepare(p, q, &pq);
	if (ret)
		return ret;
	ret = decide(p, &pq, &avd, &reason);
	if (ret)
		return ret;
	d->denied = pq.requested & ~avd.allowed;
	d->allowed = !d->denied;
	d->reason = 0;
	if (d->denied) {
		d->reason |= reason & SEPOL_COMPUTEAV_TE ? POLICY_REASON_TE : 0;
		d->reason |= reason & SEPOL_COMPUTEAV_CONS ? POLICY_REASON_CONSTRAINT : 0;
		d->reason |= reason & SEPOL_COMPUTEAV_RBAC ? POLICY_REASON_RBAC : 0;
		d->reason |= reason & SEPOL_COMPUTEAV_BOUNDS ? POLICY_REASON_BOUNDS : 0;
	}
	d->dontaudit = av_denied_unaudited(pq.requested, avd.allowed, avd.auditdeny);
	for (i = 0; i < q->nperms; i++) {
		sepol_access_vector_t v;
		size_t used = strlen(d->denied_perms);

		if (!sepol_string_to_av_perm(pq.tclass, q->perms[i], &v) && (v & d->denied))
			snprintf(d->denied_perms + used, sizeof(d->denied_perms) - used, "%s%s",
				 used ? " " : "", q->perms[i]);
	}
	return 0;
}

int policy_bool_sweep(struct policy *p, const struct policy_query *q,
		      struct policy_bool_effect *out, int max)
{
	struct sepol_av_decision avd;
	struct prepared pq;
	unsigned int reason;
	bool hidden_now;
	int i, n = 0, ret;

	ret = prepare(p, q, &pq);
	if (ret)
		return ret;
	ret = decide(p, &pq, &avd, &reason);
	if (ret)
		return ret;
	hidden_now = av_denied_unaudited(pq.requested, avd.allowed, avd.auditdeny);
	for (i = 0; i < policy_bool_count(p); i++) {
		bool cur = pdb(p)->bool_val_to_struct[i]->state;
		struct policy_bool_effect e = { .value = !cur };
		sepol_access_vector_t denied;

		bool_set_idx(p, i, !cur);
		ret = decide(p, &pq, &avd, &reason);
		bool_set_idx(p, i, cur);
		if (ret)
			return ret;
		denied = pq.requested & ~avd.allowed;
		e.allows = !denied;
		if (denied) {
			bool hidden = av_denied_unaudited(pq.requested, avd.allowed, avd.auditdeny);

			e.hides = hidden && !hidden_now;
			e.reveals = !hidden && hidden_now;
		}
		if (!e.allows && !e.hides && !e.reveals)
			continue;
		snprintf(e.name, sizeof(e.name), "%s", policy_bool_name(p, i));
		if (n < max)
			out[n] = e;
		n++;
	}
	return n < max ? n : max;
}

/* cond_expr_t has a member named "bool", which <stdbool.h> turns into a keyword */
#pragma push_macro("bool")
#undef bool
static int expr_uses_bool(const cond_expr_t *e, uint32_t value)
{
	for (; e; e = e->next)
		if (e->expr_type == COND_BOOL && e->bool == value)
			return 1;
	return 0;
}
#pragma pop_macro("bool")

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A growable array of 32-bit values. */
struct u32_vec {
	uint32_t *v;
	size_t n, cap;
};

/* Room for one more element of size elem in *v (n used, *cap allocated): 0 or -ENOMEM. */
static int vec_reserve(void **v, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int u32_vec_push(struct u32_vec *vec, uint32_t value)
{
	if (vec_reserve((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = value;
	return 0;
}

static int pair_add(struct u32_vec *s, uint32_t type, uint32_t tclass)
{
	return u32_vec_push(s, type << 16 | (tclass & 0xffff)); /* (type << 16) | class */
}

/* Every (target type, class) that an allow rule under boolean idx could open for stype. */
static int bool_rule_pairs(struct policy *p, uint32_t stype, int idx, struct u32_vec *s)
{
	policydb_t *db = pdb(p);
	cond_node_t *node;
	size_t i, j;

	for (node = db->cond_list; node; node = node->next) {
		cond_av_list_t *lists[2] = { node->true_list, node->false_list }, *l;
		int k;

		if (!expr_uses_bool(node->expr, (uint32_t)idx + 1))
			continue;
		for (k = 0; k < 2; k++) {
			for (l = lists[k]; l; l = l->next) {
				avtab_key_t *key = &l->node->key;
				type_datum_t *tt;
				ebitmap_node_t *en;
				unsigned int bit;

				if (!(key->specified & AVTAB_ALLOWED) ||
				    !ebitmap_get_bit(&db->type_attr_map[stype - 1],
						     key->source_type - 1))
					continue;
				tt = db->type_val_to_struct[key->target_type - 1];
				if (!tt || tt->flavor != TYPE_ATTRIB) {
					if (pair_add(s, key->target_type, key->target_class))
						return -ENOMEM;
					continue;
				}
				ebitmap_for_each_positive_bit(
					&db->attr_type_map[key->target_type - 1], en, bit)
				{
					if (pair_add(s, bit + 1, key->target_class))
						return -ENOMEM;
				}
			}
		}
	}
	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u32);
	for (i = 1, j = 1; i < s->n; i++)
		if (s->v[i] != s->v[j - 1])
			s->v[j++] = s->v[i];
	s->n = j;
	return 0;
}

int policy_bool_breadth(struct policy *p, const char *source, const char *boolean, bool value,
			struct policy_breadth *out)
{
	char stype[POLICY_NAME_LEN];
	struct u32_vec s = { 0 };
	sepol_security_id_t ssid;
	sepol_access_vector_t *before = NULL;
	type_datum_t *td;
	int idx = bool_index(p, boolean), ret = 0;
	bool cur;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (idx < 0)
		return -ENOENT;
	if (strchr(source, ':') ? context_type(source, stype, sizeof(stype))
				: snprintf(stype, sizeof(stype), "%s", source) < 0)
		return -EINVAL;
	td = type_lookup(p, stype);
	activate(p);
	if (!td || type_sid(p, stype, true, &ssid))
		return -ENOENT;
	cur = pdb(p)->bool_val_to_struct[idx]->state;
	if (cur == value)
		return 0;
	ret = bool_rule_pairs(p, td->s.value, idx, &s);
	if (ret || !s.n)
		goto out;
	before = calloc(s.n, sizeof(*before));
	if (!before) {
		ret = -ENOMEM;
		goto out;
	}
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1)
			bool_set_idx(p, idx, value);
		for (i = 0; i < s.n; i++) {
			struct sepol_av_decision avd;
			sepol_security_id_t tsid;
			unsigned int reason;
			sepol_access_vector_t gained;

			if (value_sid(p, s.v[i] >> 16, false, &tsid))
				continue;
			activate(p);
			if (sepol_compute_av_reason(ssid, tsid, s.v[i] & 0xffff, ~0U, &avd,
						    &reason) < 0)
				continue;
			if (pass == 0) {
				before[i] = avd.allowed;
				continue;
			}
			gained = avd.allowed & ~before[i];
			if (gained) {
				out->perms += (unsigned long)__builtin_popcount(gained);
				out->targets++;
			}
		}
	}
	bool_set_idx(p, idx, cur);
out:
	free(before);
	free(s.v);
	return ret;
}

/* ---- whole-policy cost of a boolean, and of a port relabel ---- */

/* A growable array of 64-bit values. */
struct u64_vec {
	uint64_t *v;
	size_t n, cap;
};

static int u64_vec_push(struct u64_vec *vec, uint64_t value)
{
	if (vec_reserve((void **)&vec->v, vec->n, &vec->cap, sizeof(*vec->v)))
		return -ENOMEM;
	vec->v[vec->n++] = value;
	return 0;
}

/* Sorts keys of at most 48 bits and drops duplicates: LSD radix, three 16-bit digits (a broad
 * boolean covers ~200,000 triples; qsort took 30 ms of CPU on them).
 */
static int u64_vec_sort_unique(struct u64_vec *vec)
{
	uint64_t *tmp, *from = vec->v, *to, *swap;
	size_t *count, i, j;
	unsigned int shift;

	if (vec->n < 2)
		return 0;
	tmp = malloc(vec->n * sizeof(*tmp));
	count = malloc(65536 * sizeof(*count));
	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -ENOMEM;
	}
	to = tmp;
	for (shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < vec->n; i++)
			count[(from[i] >> shift) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			size_t c = count[i];

			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < vec->n; i++)
			to[count[(from[i] >> shift) & 0xffff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* after three passes the sorted keys are in tmp (from): copy back without duplicates */
	for (i = 1, j = 1, vec->v[0] = from[0]; i < vec->n; i++)
		if (from[i] != vec->v[j - 1])
			vec->v[j++] = from[i];
	vec->n = j;
	free(tmp);
	free(count);
	return 0;
}

/* (source type, class, target type) as a sortable key: sorted, the triples of one source
 * are together, and within them those of one class. Types and classes are 16-bit in avtab.
 */
static uint64_t triple_key(uint32_t stype, uint32_t ttype, uint32_t tclass)
{
	return (uint64_t)(stype & 0xffff) << 32 | (uint64_t)(tclass & 0xffff) << 16 |
	       (ttype & 0xffff);
}

static uint32_t triple_source(uint64_t key)
{
	return (uint32_t)(key >> 32);
}

static uint32_t triple_class(uint64_t key)
{
	return (uint32_t)(key >> 16) & 0xffff;
}

static uint32_t triple_target(uint64_t key)
{
	return (uint32_t)key & 0xffff;
}

/* The set bits of an ebitmap, plus one (type values), a 64-bit node at a time: libsepol's
 * ebitmap_for_each_positive_bit tests every bit below highbit.
 */
static int ebitmap_values(const ebitmap_t *e, struct u32_vec *out)
{
	const ebitmap_node_t *n;

	for (n = e->node; n; n = n->next) {
		uint64_t map = n->map;

		while (map) {
			if (u32_vec_push(out, n->startbit + (uint32_t)__builtin_ctzll(map) + 1))
				return -ENOMEM;
			map &= map - 1;
		}
	}
	return 0;
}

/* The primary types a rule's type field covers: the type itself, or an attribute's members
 * (attr_type_map, as the kernel applies the avtab).
 */
static int rule_types(const policydb_t *db, uint32_t value, struct u32_vec *out)
{
	type_datum_t *td = db->type_val_to_struct[value - 1];

	out->n = 0;
	if (!td || td->flavor != TYPE_ATTRIB)
		return u32_vec_push(out, value);
	return ebitmap_values(&db->attr_type_map[value - 1], out);
}

/* Every (source type, target type, class) an avtab rule covers. */
static int rule_triples(const policydb_t *db, const avtab_key_t *key, struct u32_vec *src,
			struct u32_vec *tgt, struct u64_vec *out)
{
	size_t i, j;

	if (rule_types(db, key->source_type, src) || rule_types(db, key->target_type, tgt))
		return -ENOMEM;
	for (i = 0; i < src->n; i++)
		for (j = 0; j < tgt->n; j++)
			if (u64_vec_push(out, triple_key(src->v[i], tgt->v[j], key->target_class)))
				return -ENOMEM;
	return 0;
}

static const class_datum_t *class_datum(const policydb_t *db, uint32_t tclass)
{
	return tclass && tclass <= db->p_classes.nprim ? db->class_val_to_struct[tclass - 1] : NULL;
}

/* The permission bits a class defines (its own and its common's). */
static uint32_t class_perm_mask(const policydb_t *db, uint32_t tclass)
{
	const class_datum_t *cd = class_datum(db, tclass);

	if (!cd)
		return 0;
	return cd->permissions.nprim >= 32 ? ~0U : (1U << cd->permissions.nprim) - 1;
}

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
struct te_row {
	avtab_ptr_t node; /* a conditional rule's avtab node, whose AVTAB_ENABLED bit is live;
			   * NULL: unconditional
			   */
	uint32_t data;	  /* the permissions, or for AVTAB_AUDITDENY the auditdeny vector */
	uint16_t source, tclass, target, specified;
};

struct te_index {
	struct te_row *rows; /* sorted by (source, tclass) */
	size_t nrows;
	uint32_t *row_start;  /* [ntypes + 2]: rows of source v are row_start[v]..row_start[v+1] */
	uint32_t *attr_start; /* [ntypes + 1]: attributes of type v (type_attr_map, v included) */
	uint32_t *attrs;      /* ... are attrs[attr_start[v-1]..attr_start[v]), as values */
};

static void te_index_free(struct te_index *ix)
{
	if (!ix)
		return;
	free(ix->rows);
	free(ix->row_start);
	free(ix->attr_start);
	free(ix->attrs);
	free(ix);
}

/* Counts (rows NULL) or copies the AV rules of an avtab. */
static void te_rows_collect(const avtab_t *tab, bool cond, struct te_row *rows, size_t *n)
{
	uint32_t slot;
	avtab_ptr_t node;

	for (slot = 0; tab->htable && slot < tab->nslot; slot++) {
		for (node = tab->htable[slot]; node; node = node->next) {
			uint16_t spec = node->key.specified & (AVTAB_ALLOWED | AVTAB_AUDITDENY);

			if (!spec)
				continue;
			if (rows)
				rows[*n] = (struct te_row){
					.node = cond ? node : NULL,
					.data = node->datum.data,
					.source = node->key.source_type,
					.tclass = node->key.target_class,
					.target = node->key.target_type,
					.specified = spec,
				};
			(*n)++;
		}
	}
}

/*
 * A stable counting sort of rows into out by class (by_class) or by source, whose values are
 * 1..keys. Leaves in start[k] the first row of key k, and in start[keys + 1] the row count.
 */
static void te_rows_sort(const struct te_row *in, struct te_row *out, size_t n, size_t keys,
			 bool by_class, uint32_t *start)
{
	size_t i;

	memset(start, 0, (keys + 2) * sizeof(*start));
	for (i = 0; i < n; i++)
		start[by_class ? in[i].tclass : in[i].source]++;
	for (i = 1; i <= keys + 1; i++)
		start[i] += start[i - 1];
	/* start[k] is now the end of key k: filling backwards leaves its beginning, stably */
	for (i = n; i-- > 0;)
		out[--start[by_class ? in[i].tclass : in[i].source]] = in[i];
}

static int te_index_build(struct policy *p)
{
	policydb_t *db = pdb(p);
	uint32_t ntypes = db->p_types.nprim, v;
	struct u32_vec attrs = { 0 };
	struct te_index *ix;
	struct te_row *tmp = NULL;
	uint32_t *start = NULL;
	size_t n = 0;

	if (p->te)
		return 0;
	ix = calloc(1, sizeof(*ix));
	if (!ix)
		return -ENOMEM;
	te_rows_collect(&db->te_avtab, false, NULL, &n);
	te_rows_collect(&db->te_cond_avtab, true, NULL, &n);
	ix->rows = malloc((n ? n : 1) * sizeof(*ix->rows));
	tmp = malloc((n ? n : 1) * sizeof(*tmp));
	start = malloc(((size_t)(ntypes > db->p_classes.nprim ? ntypes : db->p_classes.nprim) + 2) *
		       sizeof(*start));
	ix->row_start = malloc(((size_t)ntypes + 2) * sizeof(*ix->row_start));
	ix->attr_start = malloc(((size_t)ntypes + 1) * sizeof(*ix->attr_start));
	if (!ix->rows || !tmp || !start || !ix->row_start || !ix->attr_start)
		goto nomem;
	ix->nrows = 0;
	te_rows_collect(&db->te_avtab, false, ix->rows, &ix->nrows);
	te_rows_collect(&db->te_cond_avtab, true, ix->rows, &ix->nrows);
	/* by class, then stably by source: sorted by (source, class) */
	te_rows_sort(ix->rows, tmp, ix->nrows, db->p_classes.nprim, true, start);
	te_rows_sort(tmp, ix->rows, ix->nrows, ntypes, false, start);
	memcpy(ix->row_start, start, ((size_t)ntypes + 2) * sizeof(*start));
	for (v = 1; v <= ntypes; v++) {
		ix->attr_start[v - 1] = (uint32_t)attrs.n;
		if (ebitmap_values(&db->type_attr_map[v - 1], &attrs))
			goto nomem;
	}
	ix->attr_start[ntypes] = (uint32_t)attrs.n;
	ix->attrs = attrs.v;
	free(tmp);
	free(start);
	p->te = ix;
	return 0;
nomem:
	free(attrs.v);
	free(tmp);
	free(start);
	te_index_free(ix);
	return -ENOMEM;
}

/* What one flip changes for one source type. */
struct source_delta {
	uint32_t type;
	uint32_t granted, revoked, hidden, revealed;
};

struct bool_cost_entry {
	bool valid;
	struct policy_bool_cost totals; /* as for source NULL */
	struct source_delta *sources;	/* sorted by type; only types with a change */
	size_t nsources;
};

static void cost_cache_drop(struct policy *p)
{
	size_t i, n;

	if (!p->cost_cache)
		return;
	n = 2 * (size_t)pdb(p)->p_bools.nprim;
	for (i = 0; i < n; i++)
		free(p->cost_cache[i].sources);
	free(p->cost_cache);
	p->cost_cache = NULL;
}

/* A growable array of avtab nodes. */
struct node_vec {
	avtab_ptr_t *v;
	size_t n, cap;
};

static int node_vec_push(struct node_vec *vec, avtab_ptr_t node)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 64;
		avtab_ptr_t *nv = realloc(vec->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		vec->v = nv;
		vec->cap = cap;
	}
	vec->v[vec->n++] = node;
	return 0;
}

static int cmp_node(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)(*(const avtab_ptr_t *)a);
	uintptr_t y = (uintptr_t)(*(const avtab_ptr_t *)b);

	return x < y ? -1 : x > y;
}

/* The conditional rules one flip switches (sorted by node address) and what they cover. */
struct flip {
	struct node_vec on, off;
	struct u64_vec triples; /* sorted, unique */
};

static void flip_free(struct flip *f)
{
	free(f->on.v);
	free(f->off.v);
	free(f->triples.v);
}

static int flip_list(const policydb_t *db, const cond_av_list_t *list, struct node_vec *nodes,
		     unsigned long *allow_rules, unsigned long *dontaudit_rules,
		     struct u32_vec *src, struct u32_vec *tgt, struct u64_vec *triples)
{
	const cond_av_list_t *l;

	for (l = list; l; l = l->next) {
		uint32_t spec = l->node->key.specified;

		if (!(spec & (AVTAB_ALLOWED | AVTAB_AUDITDENY)))
			continue;
		*allow_rules += !!(spec & AVTAB_ALLOWED);
		*dontaudit_rules += !!(spec & AVTAB_AUDITDENY);
		if (node_vec_push(nodes, l->node) ||
		    rule_triples(db, &l->node->key, src, tgt, triples))
			return -ENOMEM;
	}
	return 0;
}

/*
 * The conditional rules that setting boolean idx to value switches: both lists of every
 * conditional whose expression changes value (the other booleans as they are). Counts them
 * into totals.
 */
static int flip_collect(struct policy *p, int idx, bool value, struct policy_bool_cost *totals,
			struct flip *f)
{
	policydb_t *db = pdb(p);
	cond_bool_datum_t *b = db->bool_val_to_struct[idx];
	struct u32_vec src = { 0 }, tgt = { 0 };
	int cur = b->state, ret = 0;
	cond_node_t *node;

	for (node = db->cond_list; node && !ret; node = node->next) {
		int before, after;

		if (!expr_uses_bool(node->expr, (uint32_t)idx + 1))
			continue;
		b->state = cur;
		before = cond_evaluate_expr(db, node->expr);
		b->state = value;
		after = cond_evaluate_expr(db, node->expr);
		/* -1: a malformed expression, which the kernel treats as false */
		if ((before > 0) == (after > 0))
			continue;
		ret = flip_list(db, after > 0 ? node->true_list : node->false_list, &f->on,
				&totals->allow_rules_on, &totals->dontaudit_rules_on, &src, &tgt,
				&f->triples);
		if (!ret)
			ret = flip_list(db, after > 0 ? node->false_list : node->true_list, &f->off,
					&totals->allow_rules_off, &totals->dontaudit_rules_off,
					&src, &tgt, &f->triples);
	}
	b->state = cur;
	free(src.v);
	free(tgt.v);
	if (!ret)
		ret = u64_vec_sort_unique(&f->triples);
	if (ret)
		return ret;
	if (f->on.n)
		qsort(f->on.v, f->on.n, sizeof(*f->on.v), cmp_node);
	if (f->off.n)
		qsort(f->off.v, f->off.n, sizeof(*f->off.v), cmp_node);
	return 0;
}

/* The TE decision for one triple before and after the flip. */
struct te_flip_av {
	uint32_t allowed_before, allowed_after;
	uint32_t auditdeny_before, auditdeny_after;
};

/* Whether a rule applies before the flip, after it, or both. */
static void te_row_apply(const struct flip *f, const struct te_row *r, struct te_flip_av *av)
{
	bool before = true, after = true;

	if (r->node) {
		if (f->on.n && bsearch(&r->node, f->on.v, f->on.n, sizeof(*f->on.v), cmp_node))
			before = false;
		else if (f->off.n &&
			 bsearch(&r->node, f->off.v, f->off.n, sizeof(*f->off.v), cmp_node))
			after = false;
		else if (!(r->node->key.specified & AVTAB_ENABLED))
			return;
	}
	if (r->specified & AVTAB_ALLOWED) {
		av->allowed_before |= before ? r->data : 0;
		av->allowed_after |= after ? r->data : 0;
	} else {
		av->auditdeny_before &= before ? r->data : ~0U;
		av->auditdeny_after &= after ? r->data : ~0U;
	}
}

/* Scratch space for te_group(): which slots of the group each target attribute reaches. */
struct te_scratch {
	int32_t *attr_head; /* [ntypes]: first link of attribute value v at [v - 1]; -1: none */
	struct te_link {
		int32_t slot, next;
	} * links;
	size_t nlinks, cap;
};

/*
 * The TE decisions before and after the flip for keys[0..n), which share one source type and
 * class: the rules of each (source attribute, class) are read once, and each reaches the
 * group's targets through the target attributes they hold.
 */
static int te_group(const struct policy *p, const struct flip *f, const uint64_t *keys, size_t n,
		    struct te_flip_av *av, struct te_scratch *sc)
{
	const struct te_index *ix = p->te;
	uint32_t stype = triple_source(keys[0]), tclass = triple_class(keys[0]);
	size_t i, a, r;

	sc->nlinks = 0;
	for (i = 0; i < n; i++) {
		uint32_t t = triple_target(keys[i]);

		av[i] = (struct te_flip_av){ .auditdeny_before = ~0U, .auditdeny_after = ~0U };
		for (a = ix->attr_start[t - 1]; a < ix->attr_start[t]; a++) {
			if (sc->nlinks == sc->cap) {
				size_t ncap = sc->cap ? sc->cap * 2 : 1024;
				struct te_link *nl = realloc(sc->links, ncap * sizeof(*nl));

				if (!nl)
					return -ENOMEM;
				sc->links = nl;
				sc->cap = ncap;
			}
			sc->links[sc->nlinks].slot = (int32_t)i;
			sc->links[sc->nlinks].next = sc->attr_head[ix->attrs[a] - 1];
			sc->attr_head[ix->attrs[a] - 1] = (int32_t)sc->nlinks++;
		}
	}
	if (!sc->links)
		return 0; /* the targets hold no type at all: nothing can reach them */
	for (a = ix->attr_start[stype - 1]; a < ix->attr_start[stype]; a++) {
		uint32_t sattr = ix->attrs[a];
		size_t lo = ix->row_start[sattr], hi = ix->row_start[sattr + 1];

		/* the first row of (sattr, tclass) */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ix->rows[mid].tclass < tclass)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (r = lo; r < ix->row_start[sattr + 1] && ix->rows[r].tclass == tclass; r++) {
			const struct te_row *row = &ix->rows[r];
			int32_t l;

			for (l = sc->attr_head[row->target - 1]; l >= 0 && (size_t)l < sc->nlinks;
			     l = sc->links[l].next) {
				size_t slot = (size_t)sc->links[l].slot;

				if (slot < n)
					te_row_apply(f, row, &av[slot]);
			}
		}
	}
	/* leave attr_head all -1 for the next group */
	for (i = 0; i < n; i++) {
		uint32_t t = triple_target(keys[i]);

		for (a = ix->attr_start[t - 1]; a < ix->attr_start[t]; a++)
			sc->attr_head[ix->attrs[a] - 1] = -1;
	}
	return 0;
}

static void delta_add(const policydb_t *db, uint64_t key, const struct te_flip_av *av,
		      struct source_delta *d)
{
	uint32_t mask = class_perm_mask(db, triple_class(key));
	uint32_t denied_after = ~av->allowed_after & mask;

	d->granted += (uint32_t)__builtin_popcount(av->allowed_after & ~av->allowed_before & mask);
	d->revoked += (uint32_t)__builtin_popcount(av->allowed_before & ~av->allowed_after & mask);
	/* a cleared auditdeny bit is a dontaudit'd permission */
	d->hidden += (uint32_t)__builtin_popcount(av->auditdeny_before & ~av->auditdeny_after &
						  denied_after);
	d->revealed += (uint32_t)__builtin_popcount(~av->auditdeny_before & av->auditdeny_after &
						    denied_after);
}

static void totals_add(struct policy_bool_cost *t, const struct source_delta *d)
{
	t->granted += d->granted;
	t->revoked += d->revoked;
	t->hidden += d->hidden;
	t->revealed += d->revealed;
	t->domains_granted += d->granted > 0;
	t->domains_revoked += d->revoked > 0;
	t->domains++;
}

static int bool_cost_compute(struct policy *p, int idx, bool value, struct bool_cost_entry *e)
{
	size_t ntypes = pdb(p)->p_types.nprim, i, start, nsrc = 0;
	struct te_scratch sc = { 0 };
	struct te_flip_av *av = NULL;
	struct flip f = { 0 };
	int ret;

	memset(e, 0, sizeof(*e));
	e->totals.flips = true;
	ret = te_index_build(p);
	if (!ret)
		ret = flip_collect(p, idx, value, &e->totals, &f);
	if (ret || !f.triples.n)
		goto out;
	av = calloc(f.triples.n, sizeof(*av));
	sc.attr_head = malloc(ntypes * sizeof(*sc.attr_head));
	/* at most one delta per source type */
	e->sources = calloc(f.triples.n, sizeof(*e->sources));
	if (!av || !sc.attr_head || !e->sources) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ntypes; i++)
		sc.attr_head[i] = -1;
	for (start = 0; start < f.triples.n && !ret; start = i) {
		uint64_t group = f.triples.v[start] >> 16; /* source and class */

		for (i = start; i < f.triples.n && f.triples.v[i] >> 16 == group; i++)
			;
		ret = te_group(p, &f, &f.triples.v[start], i - start, &av[start], &sc);
	}
	if (ret)
		goto out;
	for (i = 0; i < f.triples.n; i++) {
		uint32_t stype = triple_source(f.triples.v[i]);

		if (!nsrc || e->sources[nsrc - 1].type != stype)
			e->sources[nsrc++] = (struct source_delta){ .type = stype };
		delta_add(pdb(p), f.triples.v[i], &av[i], &e->sources[nsrc - 1]);
	}
	/* keep the types that changed */
	for (i = 0; i < nsrc; i++) {
		const struct source_delta *d = &e->sources[i];

		if (!d->granted && !d->revoked && !d->hidden && !d->revealed)
			continue;
		totals_add(&e->totals, d);
		e->sources[e->nsources++] = *d;
	}
	/* the cache keeps only the types that changed */
	if (e->nsources) {
		struct source_delta *kept = realloc(e->sources, e->nsources * sizeof(*e->sources));

		e->sources = kept ? kept : e->sources;
	} else {
		free(e->sources);
		e->sources = NULL;
	}
out:
	free(sc.attr_head);
	free(sc.links);
	free(av);
	flip_free(&f);
	if (ret) {
		free(e->sources);
		e->sources = NULL;
		e->nsources = 0;
		return ret;
	}
	e->valid = true;
	return 0;
}

static int cmp_delta_type(const void *key, const void *elem)
{
	uint32_t t = *(const uint32_t *)key, u = ((const struct source_delta *)elem)->type;

	return t < u ? -1 : t > u;
}

/* A type, an alias or a context's type, as a primary type value. */
static int subject_type_value(const struct policy *p, const char *name, uint32_t *value)
{
	char type[POLICY_NAME_LEN];
	type_datum_t *td;

	if (strchr(name, ':') ? context_type(name, type, sizeof(type))
			      : (size_t)snprintf(type, sizeof(type), "%s", name) >= sizeof(type))
		return -EINVAL;
	td = type_lookup(p, type);
	if (!td)
		return -ENOENT;
	if (td->flavor == TYPE_ATTRIB)
		return -EINVAL;
	*value = td->s.value;
	return 0;
}

int policy_bool_cost(struct policy *p, const char *boolean, bool value, const char *source,
		     struct policy_bool_cost *cost)
{
	int idx = bool_index(p, boolean), ret;
	const struct source_delta *d = NULL;
	struct bool_cost_entry *e;
	uint32_t stype = 0;

	memset(cost, 0, sizeof(*cost));
	if (idx < 0)
		return -ENOENT;
	if (source && (ret = subject_type_value(p, source, &stype)))
		return ret;
	if (!!pdb(p)->bool_val_to_struct[idx]->state == value)
		return 0;
	if (!p->cost_cache) {
		p->cost_cache = calloc(2 * (size_t)pdb(p)->p_bools.nprim, sizeof(*p->cost_cache));
		if (!p->cost_cache)
			return -ENOMEM;
	}
	e = &p->cost_cache[2 * (size_t)idx + value];
	if (!e->valid && (ret = bool_cost_compute(p, idx, value, e)))
		return ret;
	*cost = e->totals;
	if (stype && e->nsources)
		d = bsearch(&stype, e->sources, e->nsources, sizeof(*e->sources), cmp_delta_type);
	if (d) {
		cost->granted_source = d->granted;
		cost->revoked_source = d->revoked;
	}
	cost->granted_others = cost->granted - cost->granted_source;
	cost->revoked_others = cost->revoked - cost->revoked_source;
	cost->other_domains_granted = cost->domains_granted - (d && d->granted);
	cost->other_domains_revoked = cost->domains_revoked - (d && d->revoked);
	return 0;
}

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
static int relabel_compare(struct policy *p, enum policy_proto proto, type_datum_t *old_td,
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

static int port_universe(struct policy *p, struct u32_vec *l)
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

int policy_connectable_ports(struct policy *p, const char *source, const char *boolean, bool value,
			     char (*names)[POLICY_NAME_LEN], int max, int *universe)
{
	static const char *const perms[] = { "name_connect" };
	struct u32_vec l = { 0 };
	int idx = -1, n = 0, ret;
	bool cur = false;
	size_t i;

	if (boolean) {
		idx = bool_index(p, boolean);
		if (idx < 0)
			return -ENOENT;
		cur = pdb(p)->bool_val_to_struct[idx]->state;
		bool_set_idx(p, idx, value);
	}
	ret = port_universe(p, &l);
	if (universe)
		*universe = (int)l.n;
	for (i = 0; !ret && i < l.n; i++) {
		const char *tname = type_name(p, l.v[i]);
		struct policy_query q = { source, tname, "tcp_socket", perms, 1 };
		struct policy_decision d;

		if (!tname || policy_check(p, &q, &d) || !d.allowed)
			continue;
		if (n < max)
			snprintf(names[n], POLICY_NAME_LEN, "%s", tname);
		n++;
	}
	if (idx >= 0)
		bool_set_idx(p, idx, cur);
	free(l.v);
	if (ret)
		return ret;
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

/* ---- domains and nodes ---- */

#define ISID_NODE 12 /* kernel ABI, as ISID_PORT */

/* The type of a SID's context. */
static int sid_type(sepol_security_id_t sid, char *out, size_t outsz)
{
	char *ctx = NULL;
	size_t len;
	int r;

	if (sepol_sid_to_context(sid, &ctx, &len) < 0)
		return -ENOENT;
	r = context_type(ctx, out, outsz);
	free(ctx);
	return r ? -ENOENT : 0;
}

int policy_exec_transition(struct policy *p, const char *source, const char *exec_type, char *out,
			   size_t outsz)
{
	sepol_security_id_t ssid, tsid, nsid;
	sepol_security_class_t tclass;

	activate(p);
	if (name_sid(p, source, true, &ssid) || name_sid(p, exec_type, false, &tsid))
		return -ENOENT;
	if (sepol_string_to_security_class("process", &tclass) < 0)
		return -ENOENT;
	if (sepol_transition_sid(ssid, tsid, tclass, &nsid) < 0)
		return -ENOENT;
	return sid_type(nsid, out, outsz);
}

bool policy_type_permissive(const struct policy *p, const char *type)
{
	type_datum_t *td = type_lookup(p, type);

	return td && td->flavor != TYPE_ATTRIB &&
	       ebitmap_get_bit(&pdb(p)->permissive_map, td->s.value);
}

static bool node_match(const ocontext_t *c, int family, const uint32_t *a)
{
	int i;

	if (family == AF_INET)
		return (a[0] & c->u.node.mask) == c->u.node.addr;
	for (i = 0; i < 4; i++)
		if ((a[i] & c->u.node6.mask[i]) != c->u.node6.addr[i])
			return false;
	return true;
}

int policy_node_lookup(struct policy *p, int family, const void *addr, char *type, size_t typesz)
{
	ocontext_t *c;
	uint32_t a[4] = { 0 };
	char ctx[256];

	memcpy(a, addr, family == AF_INET ? 4 : 16);
	/* the kernel takes the first match in the policy's order (most specific first, as
	 * the compilers sort nodecon)
	 */
	for (c = pdb(p)->ocontexts[family == AF_INET ? OCON_NODE : OCON_NODE6]; c; c = c->next) {
		if (!node_match(c, family, a))
			continue;
		snprintf(type, typesz, "%s", pdb(p)->p_type_val_to_name[c->context[0].type - 1]);
		return 0;
	}
	if (!isid_context(p, ISID_NODE, ctx, sizeof(ctx)) || context_type(ctx, type, typesz))
		return -ENOENT;
	return 0;
}
