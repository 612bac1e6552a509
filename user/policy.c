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
#include "policy_internal.h"
#include "verdict.h"

/* Every state of every policy opened in this process has its own number: a policy freed and
 * another allocated at the same address never share one.
 */
static unsigned long policy_states;

policydb_t *pdb(const struct policy *p)
{
	return &p->spdb->p;
}

/* libsepol's access computation uses one current policydb: make it ours. */
void activate(const struct policy *p)
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

void policy_close(struct policy *p)
{
	if (!p)
		return;
	cost_cache_drop(p);
	memo_clear(&p->ctx_sids);
	free(p->ports);
	free(p->universe.v);
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

type_datum_t *type_lookup(const struct policy *p, const char *name)
{
	return hashtab_search(pdb(p)->p_types.table, name);
}

const char *type_name(const struct policy *p, uint32_t value)
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

/* The SID of a bare type (its primary name) with the template user, role and level, or a
 * user and role that fit: made once per type and kept by value_sid().
 */
static int make_type_sid(struct policy *p, const char *type, bool subject, sepol_security_id_t *sid)
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

int type_sid(struct policy *p, const char *type, bool subject, sepol_security_id_t *sid)
{
	type_datum_t *td = type_lookup(p, type);

	if (!td || td->flavor == TYPE_ATTRIB)
		return -ENOENT;
	/* an alias names its primary type's value: the same context, the same SID */
	return value_sid(p, td->s.value, subject, sid);
}

/* A context as written, asked of libsepol once: the answer (a SID, or that the policy
 * rejects it) is kept by the string.
 */
struct ctx_sid {
	sepol_security_id_t sid;
	char ctx[]; /* the string it answers for (the key is its hash) */
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int context_sid(struct policy *p, const char *ctx, sepol_security_id_t *sid)
{
	uint64_t key = str_hash(ctx);
	struct ctx_sid *known = memo_get(&p->ctx_sids, key);
	size_t len;

	if (known && !strcmp(known->ctx, ctx)) {
		*sid = known->sid;
		return 0;
	}
	*sid = 0;
	if (try_sid(ctx, sid))
		return -EINVAL;
	len = strlen(ctx) + 1;
	known = malloc(sizeof(*known) + len);
	if (known) {
		known->sid = *sid;
		memcpy(known->ctx, ctx, len);
		if (memo_put(&p->ctx_sids, key, known))
			free(known);
	}
	return 0;
}

/* A context is used as written; when the policy rejects it (another distribution's user or
 * role), its type alone is used with a valid user and role.
 */
static int name_sid(struct policy *p, const char *name, bool subject, sepol_security_id_t *sid)
{
	char type[POLICY_NAME_LEN];

	if (!strchr(name, ':'))
		return type_sid(p, name, subject, sid);
	if (!context_sid(p, name, sid))
		return 0;
	if (context_type(name, type, sizeof(type)))
		return -EINVAL;
	return type_sid(p, type, subject, sid);
}

#define SID_NONE ((sepol_security_id_t)-1) /* cached: no valid context for this type */

int value_sid(struct policy *p, uint32_t value, bool subject, sepol_security_id_t *sid)
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
	ret = make_type_sid(p, name, subject, sid);
	*slot = ret ? SID_NONE : *sid;
	return ret;
}

/* A source type no role may hold (a file type in an associate rule) still has a decision:
 * ask with its object context.
 */
int source_sid(struct policy *p, uint32_t value, sepol_security_id_t *sid)
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
	int proto;
	const char *type;
	char *out;
	size_t outsz;
	int n;
};

/* One portcon, kept as policy_port_lookup() reports it. */
static int port_read_cb(const sepol_port_t *rec, void *arg)
{
	struct policy *p = arg;
	struct port_entry *e, *v;
	sepol_context_t *con = sepol_port_get_con(rec);
	const char *type = con ? sepol_context_get_type(con) : NULL;
	char *str = NULL;

	if (!type)
		return 0; /* never a match */
	v = realloc(p->ports, (p->nports + 1) * sizeof(*v));
	if (!v)
		return -1;
	p->ports = v;
	e = &v[p->nports++];
	memset(e, 0, sizeof(*e));
	e->proto = sepol_port_get_proto(rec);
	e->low = (unsigned int)sepol_port_get_low(rec);
	e->high = (unsigned int)sepol_port_get_high(rec);
	snprintf(e->type, sizeof(e->type), "%s", type);
	if (sepol_context_to_string(p->handle, con, &str) >= 0) {
		snprintf(e->context, sizeof(e->context), "%s", str);
		free(str);
	}
	return 0;
}

/* The portcons in the policy's order, read once (the policy's ports never change). */
static int ports_read(struct policy *p)
{
	if (p->ports_read)
		return 0;
	if (sepol_port_iterate(p->handle, p->spdb, port_read_cb, p) < 0) {
		free(p->ports);
		p->ports = NULL;
		p->nports = 0;
		return -EIO;
	}
	p->ports_read = true;
	return 0;
}

int policy_port_lookup(struct policy *p, enum policy_proto proto, unsigned int port,
		       struct port_label *out)
{
	int sproto = sepol_proto(proto);
	char ctx[sizeof(out->context)];
	size_t i;

	memset(out, 0, sizeof(*out));
	if (port > 65535)
		return -EINVAL;
	if (ports_read(p))
		return -EIO;
	/* the kernel takes the first match in this order */
	for (i = 0; i < p->nports; i++) {
		const struct port_entry *e = &p->ports[i];

		if (e->proto != sproto || port < e->low || port > e->high)
			continue;
		snprintf(out->type, sizeof(out->type), "%s", e->type);
		snprintf(out->context, sizeof(out->context), "%s", e->context);
		out->low = e->low;
		out->high = e->high;
		return 0;
	}
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

int bool_index(const struct policy *p, const char *name)
{
	cond_bool_datum_t *b = hashtab_search(pdb(p)->p_bools.table, name);

	return b ? (int)b->s.value - 1 : -ENOENT;
}

int policy_bool_get(const struct policy *p, const char *name)
{
	int idx = bool_index(p, name);

	return idx < 0 ? idx : !!pdb(p)->bool_val_to_struct[idx]->state;
}

void bool_set_idx(struct policy *p, int idx, bool value)
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

int query_source(struct policy *p, const struct policy_query *q, sepol_security_id_t *ssid,
		 sepol_security_class_t *tclass, sepol_access_vector_t *requested)
{
	int i;

	activate(p);
	if (name_sid(p, q->source, true, ssid))
		return -ENOENT;
	if (sepol_string_to_security_class(q->tclass, tclass) < 0)
		return -EINVAL;
	*requested = 0;
	for (i = 0; i < q->nperms; i++) {
		sepol_access_vector_t v;

		if (sepol_string_to_av_perm(*tclass, q->perms[i], &v) < 0)
			return -EINVAL;
		*requested |= v;
	}
	return *requested ? 0 : -EINVAL;
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

/* A type, an alias or a context's type, as a primary type value. */
int subject_type_value(const struct policy *p, const char *name, uint32_t *value)
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

/* cond_expr_t has a member named "bool", which <stdbool.h> turns into a keyword */
#pragma push_macro("bool")
#undef bool
static uint32_t expr_bool_value(const cond_expr_t *e)
{
	return e->bool;
}
#pragma pop_macro("bool")

/* Does a rule of the list apply to (stype, ttype, tclass): its source covers stype (the type
 * or an attribute of it), its target ttype?
 */
static bool cond_list_applies(policydb_t *db, const cond_av_list_t *l, uint32_t stype,
			      uint32_t ttype, uint16_t tclass)
{
	for (; l; l = l->next) {
		const avtab_key_t *k = &l->node->key;

		if (k->target_class != tclass)
			continue;
		if ((k->source_type == stype ||
		     ebitmap_get_bit(&db->type_attr_map[stype - 1], k->source_type - 1)) &&
		    (k->target_type == ttype ||
		     ebitmap_get_bit(&db->type_attr_map[ttype - 1], k->target_type - 1)))
			return true;
	}
	return false;
}

/*
 * The booleans whose flip can change the decision on (stype, ttype, tclass): those read by a
 * conditional that holds a rule for them (may[i] for boolean value i + 1). Flipping any other
 * costs a whole evaluate_conds and a decision each way for nothing, for every boolean of the
 * policy on every access: the larger policies (RHEL's targeted: 348 booleans, 393
 * conditionals) pay it most. One pass over the conditionals.
 */
static void bools_that_may_decide(policydb_t *db, uint32_t stype, uint32_t ttype, uint16_t tclass,
				  bool *may)
{
	const cond_node_t *node;
	const cond_expr_t *e;

	for (node = db->cond_list; node; node = node->next) {
		if (!cond_list_applies(db, node->true_list, stype, ttype, tclass) &&
		    !cond_list_applies(db, node->false_list, stype, ttype, tclass))
			continue;
		for (e = node->expr; e; e = e->next)
			if (e->expr_type == COND_BOOL && expr_bool_value(e) >= 1 &&
			    expr_bool_value(e) <= db->p_bools.nprim)
				may[expr_bool_value(e) - 1] = true;
	}
}

int policy_bool_sweep(struct policy *p, const struct policy_query *q,
		      struct policy_bool_effect *out, int max)
{
	struct sepol_av_decision avd;
	uint32_t stype = 0, ttype = 0;
	struct prepared pq;
	unsigned int reason;
	bool hidden_now, *may = NULL;
	int i, n = 0, ret;

	ret = prepare(p, q, &pq);
	if (ret)
		return ret;
	ret = decide(p, &pq, &avd, &reason);
	if (ret)
		return ret;
	hidden_now = av_denied_unaudited(pq.requested, avd.allowed, avd.auditdeny);
	/* the types the decision is about: without them, every boolean is flipped */
	if (!subject_type_value(p, q->source, &stype) &&
	    !subject_type_value(p, q->target, &ttype) && stype && ttype &&
	    stype <= pdb(p)->p_types.nprim && ttype <= pdb(p)->p_types.nprim) {
		may = calloc((size_t)pdb(p)->p_bools.nprim + 1, sizeof(*may));
		if (!may)
			return -ENOMEM;
		bools_that_may_decide(pdb(p), stype, ttype, pq.tclass, may);
	}
	for (i = 0; i < policy_bool_count(p); i++) {
		bool cur = pdb(p)->bool_val_to_struct[i]->state;
		struct policy_bool_effect e = { .value = !cur };
		sepol_access_vector_t denied;

		if (may && !may[i])
			continue;
		bool_set_idx(p, i, !cur);
		ret = decide(p, &pq, &avd, &reason);
		bool_set_idx(p, i, cur);
		if (ret) {
			free(may);
			return ret;
		}
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
	free(may);
	return n < max ? n : max;
}

bool policy_file_root(const char *policy_file, char *out, size_t outsz)
{
	char dir[1024], *slash;

	out[0] = '\0';
	if ((size_t)snprintf(dir, sizeof(dir), "%s", policy_file) >= sizeof(dir))
		return false;
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	slash = strrchr(dir, '/');
	if (!slash || strcmp(slash, "/policy"))
		return false;
	*slash = '\0';
	return (size_t)snprintf(out, outsz, "%s", dir) < outsz;
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
