// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * From kernel facts to names. The kernel gives context strings only when the denial was
 * audited; for hidden denials and for path-walk denials the names are rebuilt here:
 *   source context   the task's /proc/PID/attr/current
 *   target context   the policy's port label (libsepol, live policy: local changes count),
 *                    or the label of the path component the kernel named by inode
 *   hidden why       the kernel's auditdeny bit for that access (security_compute_av_flags):
 *                    cleared = a dontaudit rule; set = audit was disabled or filtered
 *   permissive       each allowed TCP connect is checked against the kernel's access vector
 *                    while SELinux (or the domain) is permissive: the kernel itself only
 *                    audits the first would-deny, then its AVC cache grants the rest
 */
#include <arpa/inet.h>
#include <errno.h>
#include <selinux/selinux.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "enrich.h"
#include "json.h"
#include "log.h"
#include "policy.h"
#include "verdict.h"

#define PERM_CACHE 64
/* cgroups whose unit and container are remembered (about 400 bytes each) */
#define ENRICH_CGROUP_CACHE 1024

/* One answer of the kernel: may scon name_connect (or name_bind) to tcon? */
struct perm_cache_entry {
	char scon[128];
	char tcon[128];
	enum avc_op op; /* name_connect or name_bind */
	bool denied;
	bool permissive_domain;
};

struct enricher {
	char lsms[256];
	bool selinux;  /* SELinux active here: live lookups make sense */
	bool audit_tp; /* selinux_audited is traced: "no record seen" means hidden */
	const char *policy_path;
	struct policy
		*pol; /* opened on first need (at once, and after each load, when following) */
	bool pol_failed;
	unsigned long
		pol_seqno; /* following: the load sequence number pol was read at; 0 unknown */
	struct perm_cache_entry cache[PERM_CACHE];
	int ncache;
	int enforcing; /* from the status page, read again whenever it changes */
	/* following SELinux's state (user/selstate.h): off with --policy FILE */
	bool following;
	struct sel_status_source src;
	struct sel_status status;
	struct cgroup_cache *cgroups; /* cgroup id -> unit and container; NULL without cgroup2 */
};

void lsms_that_deny(const char *lsm_list, bool selinux_enabled, char *out, size_t len)
{
	char copy[256], *tok, *save = NULL;
	size_t n = 0;

	out[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", lsm_list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "capability") || !strcmp(tok, "lockdown") || !strcmp(tok, "yama"))
			continue;
		if (!strcmp(tok, "selinux") && !selinux_enabled)
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "", tok);
	}
}

struct enricher *enricher_new(const struct kernel_features *kf, const char *policy_path)
{
	struct enricher *enr = calloc(1, sizeof(*enr));

	if (!enr)
		return NULL;
	lsms_that_deny(kf->lsms, kf->selinux_enabled, enr->lsms, sizeof(enr->lsms));
	enr->selinux = kf->selinux_enabled;
	enr->audit_tp = kf->tp_selinux_audited;
	enr->policy_path = policy_path;
	enr->enforcing = kf->selinux_enforcing;
	enr->cgroups = cgroup_cache_new(kf->cgroup2, ENRICH_CGROUP_CACHE);
	/* the live policy is followed through the status page; a policy file stays as it is */
	if (enr->selinux && !policy_path && !sel_status_live(&enr->src))
		enricher_follow_source(enr, &enr->src);
	return enr;
}

void enricher_follow_source(struct enricher *enr, const struct sel_status_source *src)
{
	enr->src = *src;
	enr->following = !enr->src.read(enr->src.ctx, &enr->status);
	if (enr->following && enr->status.enforcing >= 0)
		enr->enforcing = enr->status.enforcing;
	/* the policy of this moment, before anything changes it: it judges the attempts that
	 * are still queued when the kernel has moved on (judge_av)
	 */
	if (enr->following)
		enricher_policy(enr);
}

/* Everything derived from the policy in force goes: the policy itself (read again on next
 * use; the recommender's analyses key on the new one's policy_state()), the kernel's answers
 * cached for would-deny checks.
 */
static void drop_policy(struct enricher *enr)
{
	if (enr->pol)
		policy_close(enr->pol);
	enr->pol = NULL;
	enr->pol_failed = false;
	enr->ncache = 0;
}

int enricher_status_peek(struct enricher *enr, struct sel_status *now)
{
	if (!enr || !enr->following || enr->src.updated(enr->src.ctx) <= 0)
		return 0;
	return enr->src.read(enr->src.ctx, now) ? 0 : 1;
}

/* The one place a new state is taken: the record of what changed, and what goes with it. */
static int take_state(struct enricher *enr, const struct sel_status *now, struct sel_change *chg)
{
	struct timespec ts;

	memset(chg, 0, sizeof(*chg));
	chg->before = enr->status;
	chg->after = *now;
	chg->enforcing_changed = now->enforcing != enr->status.enforcing;
	chg->policy_loaded = now->policyload != enr->status.policyload;
	if (!chg->enforcing_changed && !chg->policy_loaded)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	chg->wall = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	enr->status = *now;
	if (now->enforcing >= 0)
		enr->enforcing = now->enforcing;
	/* enforcing mode is read live (enforcing_now) and the policy did not change with it:
	 * reading the policy again (a second under emulation) would only delay the events of
	 * the moment; a policy load or boolean commit drops everything derived from the policy
	 */
	if (chg->policy_loaded) {
		bool had = enr->pol != NULL;

		drop_policy(enr);
		/* read the new one now, while it is the one in force (see judge_av) */
		if (had)
			enricher_policy(enr);
	}
	return 1;
}

int enricher_follow_to(struct enricher *enr, const struct sel_status *now, struct sel_change *chg)
{
	if (!enr || !enr->following)
		return 0;
	return take_state(enr, now, chg);
}

int enricher_follow(struct enricher *enr, struct sel_change *chg)
{
	struct sel_status now;

	if (!enricher_status_peek(enr, &now))
		return 0;
	return take_state(enr, &now, chg);
}

int enricher_follow_kernel(struct enricher *enr, unsigned int kind, unsigned long value,
			   double wall, struct sel_change *chg)
{
	struct sel_status now;

	if (!enr || !enr->following)
		return 0;
	now = enr->status;
	if (kind == AVC_SEL_SETENFORCE)
		now.enforcing = value ? 1 : 0;
	else if (kind == AVC_SEL_POLICYLOAD)
		now.policyload = value;
	else
		return 0;
	if (!take_state(enr, &now, chg))
		return 0;
	chg->in_order = true;
	chg->wall = wall;
	return 1;
}

unsigned long long enricher_status_cost_ns(struct enricher *enr, int n)
{
	struct timespec a, b;
	struct sel_status st;
	int i;

	if (!enr || !enr->following || n <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		enr->src.read(enr->src.ctx, &st);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (unsigned long long)((b.tv_sec - a.tv_sec) * 1000000000LL +
				    (b.tv_nsec - a.tv_nsec)) /
	       (unsigned long long)n;
}

bool enricher_following(const struct enricher *enr)
{
	return enr && enr->following;
}

void enricher_cgroup_stats(const struct enricher *enr, struct cgroup_cache_stats *st)
{
	cgroup_cache_get_stats(enr ? enr->cgroups : NULL, st);
}

void enricher_write_cgroup_stats(struct json *j, const struct enricher *enr)
{
	struct cgroup_cache_stats cs;

	enricher_cgroup_stats(enr, &cs);
	json_uint(j, "cgroups_unresolved", cs.failures);
	json_uint(j, "cgroup_cache_evictions", cs.evictions);
}

unsigned long enricher_policy_seqno(const struct enricher *enr)
{
	return enr && enr->following ? enr->status.policyload : 0;
}

void enricher_free(struct enricher *enr)
{
	if (!enr)
		return;
	if (enr->pol)
		policy_close(enr->pol);
	cgroup_cache_free(enr->cgroups);
	free(enr);
}

struct policy *enricher_policy(struct enricher *enr)
{
	struct sel_status before, after;
	bool have_before = false;
	char err[512];

	if (enr->pol || enr->pol_failed)
		return enr->pol;
	if (!enr->selinux && !enr->policy_path && !enr->following) {
		enr->pol_failed = true;
		return NULL;
	}
	if (enr->following && !enr->src.read(enr->src.ctx, &before))
		have_before = true;
	if (policy_open(&enr->pol,
			enr->following ? enr->src.policy_path(enr->src.ctx) : enr->policy_path, err,
			sizeof(err))) {
		p_warn("cannot read the SELinux policy (%s): port types of hidden denials will be "
		       "missing",
		       err);
		enr->pol_failed = true;
		enr->pol = NULL;
	}
	/* the file is the policy of one load number only if none happened while reading it */
	enr->pol_seqno = 0;
	if (enr->pol && have_before && !enr->src.read(enr->src.ctx, &after) &&
	    after.policyload == before.policyload)
		enr->pol_seqno = before.policyload;
	return enr->pol;
}

static void add_perm(struct conn_record *r, const char *perm)
{
	int i;

	if (!perm[0] || r->nperms >= REC_MAX_PERMS)
		return;
	for (i = 0; i < r->nperms; i++)
		if (!strcmp(r->perms[i], perm))
			return;
	snprintf(r->perms[r->nperms++], REC_NAME_LEN, "%s", perm);
}

/* The class and permission selinux_inode_permission checked, from the inode's mode and the
 * MAY_* mask: the kernel's inode_mode_to_security_class() and file_mask_to_av() choices for
 * the objects a unix connect walks (directories searched, the socket file written).
 */
static void inode_class_perm(struct conn_record *r, const struct avc_decision *d)
{
	static const struct {
		unsigned int mode;
		const char *tclass;
	} classes[] = {
		{ S_IFDIR, "dir" },	 { S_IFSOCK, "sock_file" }, { S_IFREG, "file" },
		{ S_IFLNK, "lnk_file" }, { S_IFIFO, "fifo_file" },
	};
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (classes[i].mode == d->imode && !r->tclass[0])
			snprintf(r->tclass, sizeof(r->tclass), "%s", classes[i].tclass);
	if (r->nperms)
		return;
	if (d->imode == S_IFDIR && (d->requested & 1 /* MAY_EXEC */))
		add_perm(r, "search");
	else if (d->requested & 2 /* MAY_WRITE */)
		add_perm(r, "write");
	else if (d->requested & 4 /* MAY_READ */)
		add_perm(r, "read");
	else if (d->requested & 1)
		add_perm(r, "execute");
}

/* The path component of the unix destination whose inode the kernel named. */
static void inode_object(struct conn_record *r, const struct avc_decision *d)
{
	char prefix[AVC_PATH_LEN + 1];
	unsigned int i;
	struct stat st;

	if (r->abstract || !r->path_len || r->path[0] != '/')
		return;
	/* the kernel's s_dev is MKDEV(major, minor) with a 20-bit minor */
	for (i = 1; i <= r->path_len; i++) {
		if (i < r->path_len && r->path[i] != '/')
			continue;
		memcpy(prefix, r->path, i);
		prefix[i] = '\0';
		if (i == 1)
			strcpy(prefix, "/");
		if (stat(prefix, &st))
			continue;
		if (st.st_ino == d->ino && major(st.st_dev) == (unsigned int)(d->dev >> 20) &&
		    minor(st.st_dev) == (unsigned int)(d->dev & 0xfffff)) {
			snprintf(r->object, sizeof(r->object), "%s", prefix);
			return;
		}
	}
	/* the root directory is component 0: "/" was tried with i == 1 only for "/x" paths */
}

void proc_task_context(__u32 pid, __u32 tid, char *out, size_t len)
{
	char path[64], *con = NULL;
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/task/%u/attr/current", pid, tid ? tid : pid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(out, (int)len, f))
			out[strcspn(out, "\n")] = '\0';
		fclose(f);
		return;
	}
	if (getpidcon((pid_t)pid, &con) == 0) {
		snprintf(out, len, "%s", con);
		freecon(con);
	}
}

static void task_context(const struct conn_record *r, char *out, size_t len)
{
	/* a counter row keeps no thread: the process's main thread stands for it */
	proc_task_context(r->pid, r->tid, out, len);
}

static void port_context(struct enricher *enr, const struct conn_record *r, char *out, size_t len)
{
	struct policy *pol = enricher_policy(enr);
	struct port_label pl;

	out[0] = '\0';
	if (!pol || policy_port_lookup(pol, PROTO_TCP, r->dport, &pl))
		return;
	/* port labels are object contexts: system_u:object_r:TYPE[:s0] */
	snprintf(out, len, "system_u:object_r:%s%s", pl.type,
		 is_selinux_mls_enabled() > 0 ? ":s0" : "");
}

/* The node label of a bind's address (node_bind's target), as the policy gives it. */
static void node_context(struct enricher *enr, const struct conn_record *r, char *out, size_t len)
{
	struct policy *pol = enricher_policy(enr);
	unsigned char addr[16];
	char type[POLICY_NAME_LEN];
	int af = r->family == AVC_AF_INET ? AF_INET : AF_INET6;

	out[0] = '\0';
	if (!pol || inet_pton(af, r->daddr, addr) != 1 ||
	    policy_node_lookup(pol, af, addr, type, sizeof(type)))
		return;
	snprintf(out, len, "system_u:object_r:%s%s", type,
		 is_selinux_mls_enabled() > 0 ? ":s0" : "");
}

/* Does the kernel check name_bind for this bind? Only for a port outside
 * ip_local_port_range (selinux_socket_bind); port 0 asks for an ephemeral one.
 */
static bool bind_checks_port(unsigned int port)
{
	unsigned int low = 0, high = 0;
	FILE *f;

	if (!port)
		return false;
	if (port < 1024)
		return true;
	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	if (!f)
		return true;
	if (fscanf(f, "%u %u", &low, &high) != 2)
		low = high = 0;
	fclose(f);
	return port < low || port > high;
}

void enrich_allowed_names(struct enricher *enr, struct conn_record *r)
{
	const char *perm = r->op == AVC_OP_BIND ? "name_bind" : "name_connect";

	if (!enr || r->scontext[0] || (r->family != AVC_AF_INET && r->family != AVC_AF_INET6) ||
	    (r->verdict != VERDICT_ALLOWED && r->verdict != VERDICT_IN_PROGRESS))
		return;
	/* a bind inside ip_local_port_range is not checked against the port's label */
	if (r->op == AVC_OP_BIND && !bind_checks_port(r->dport))
		return;
	task_context(r, r->scontext, sizeof(r->scontext));
	port_context(enr, r, r->tcontext, sizeof(r->tcontext));
	if (!r->scontext[0] || !r->tcontext[0]) {
		r->scontext[0] = r->tcontext[0] = '\0';
		return;
	}
	/* a connect's socket type is not recorded: asked as TCP, as permissive_would_deny does */
	snprintf(r->tclass, sizeof(r->tclass), "tcp_socket");
	add_perm(r, perm);
	r->derived = true;
	if (context_type(r->scontext, r->source_type, sizeof(r->source_type)))
		r->source_type[0] = '\0';
	if (context_type(r->tcontext, r->target_type, sizeof(r->target_type)))
		r->target_type[0] = '\0';
}

void enrich_port_type(struct enricher *enr, const struct conn_record *r, char *out, size_t len)
{
	struct policy *pol;
	struct port_label pl;

	out[0] = '\0';
	if (!enr || (r->family != AVC_AF_INET && r->family != AVC_AF_INET6))
		return;
	pol = enricher_policy(enr);
	if (pol && !policy_port_lookup(pol, PROTO_TCP, r->dport, &pl))
		snprintf(out, len, "%s", pl.type);
}

/* Ask the kernel (live) about one access; 0 when it could answer. */
static int kernel_av(const char *scon, const char *tcon, const char *tclass, const char *perm,
		     bool *denied, bool *audited, bool *permissive_domain, unsigned long *seqno)
{
	security_class_t cls = string_to_security_class(tclass);
	struct av_decision avd;
	access_vector_t bit;

	if (!cls)
		return -ENOENT;
	bit = string_to_av_perm(cls, perm);
	if (!bit)
		return -ENOENT;
	if (security_compute_av_flags(scon, tcon, cls, bit, &avd))
		return errno ? -errno : -EIO; /* never 0 with the outputs unset */
	*denied = (avd.allowed & bit) != bit;
	*audited = !av_denied_unaudited(bit, avd.allowed, avd.auditdeny);
	*permissive_domain = avd.flags & SELINUX_AVD_FLAGS_PERMISSIVE;
	if (seqno)
		*seqno = avd.seqno;
	return 0;
}

/*
 * One access, judged with the policy of the attempt's time. The kernel answers when its
 * policy is still the one of that time (the usual case: nothing changed since). When the
 * reader fell behind a change (the events ring still holds attempts from before it), the
 * policy read at the attempt's time answers (libsepol, the same computation); when even that
 * one is gone (two changes behind), the kernel answers and r->judged_seqno says on what.
 */
static int judge_av(struct enricher *enr, struct conn_record *r, const char *scon, const char *tcon,
		    const char *tclass, const char *perm, bool *denied, bool *audited,
		    bool *permissive_domain, bool *exact)
{
	struct policy_decision d;
	struct sel_status now;
	struct policy *pol;
	char stype[REC_NAME_LEN];
	struct policy_query q = { scon, tcon, tclass, &perm, 1 };

	*exact = true;
	if (!enr->following || enr->src.read(enr->src.ctx, &now))
		return kernel_av(scon, tcon, tclass, perm, denied, audited, permissive_domain,
				 NULL);
	if (now.policyload == enr->status.policyload) {
		unsigned long used = 0;
		int err = kernel_av(scon, tcon, tclass, perm, denied, audited, permissive_domain,
				    &used);

		/* The status page counts a load or boolean commit only once the new policy is in
		 * force and the old one's readers are gone (synchronize_rcu: long under emulation):
		 * meanwhile the kernel already answers with the new one. Its answer names the
		 * policy it used; another than the attempt's is judged as below.
		 */
		if (err || used == enr->status.policyload)
			return err;
		now.policyload = used;
	}
	pol = enricher_policy(enr);
	if (pol && enr->pol_seqno == enr->status.policyload && !policy_check(pol, &q, &d) &&
	    !context_type(scon, stype, sizeof(stype))) {
		*denied = !d.allowed;
		*audited = !d.dontaudit;
		*permissive_domain = policy_type_permissive(pol, stype);
		p_debug("judged on the policy of seqno %lu (the kernel is at %lu): %s -> %s %s",
			enr->pol_seqno, now.policyload, scon, tcon, perm);
		return 0;
	}
	*exact = false;
	r->judged_seqno = now.policyload;
	return kernel_av(scon, tcon, tclass, perm, denied, audited, permissive_domain, NULL);
}

/* Enforcing mode as of the last enricher_follow() (every event): changes show at once. */
static bool enforcing_now(struct enricher *enr)
{
	if (!enr->following)
		enr->enforcing = security_getenforce();
	return enr->enforcing == 1;
}

/*
 * An allowed TCP connect while SELinux (or the domain) is permissive: would enforcing mode
 * have denied name_connect? The answer is cached per (source, port context). When it would,
 * the names of the access are filled in for the refined verdict.
 */
static bool permissive_would_deny(struct enricher *enr, struct conn_record *r)
{
	const char *perm = r->op == AVC_OP_BIND ? "name_bind" : "name_connect";
	char scon[128], tcon[128];
	struct perm_cache_entry *c = NULL, fresh;
	bool audited, exact;
	int i;

	if (!enr->selinux || (r->family != AVC_AF_INET && r->family != AVC_AF_INET6))
		return false;
	if (r->kernel_verdict != VERDICT_ALLOWED && r->kernel_verdict != VERDICT_IN_PROGRESS)
		return false;
	/* a bind's socket type is not recorded: asked as TCP, the common case (listen) */
	if (r->op == AVC_OP_BIND && !bind_checks_port(r->dport))
		return false;
	task_context(r, scon, sizeof(scon));
	port_context(enr, r, tcon, sizeof(tcon));
	if (!scon[0] || !tcon[0])
		return false;
	for (i = 0; i < enr->ncache; i++)
		if (!strcmp(enr->cache[i].scon, scon) && !strcmp(enr->cache[i].tcon, tcon) &&
		    enr->cache[i].op == r->op)
			c = &enr->cache[i];
	if (!c) {
		memset(&fresh, 0, sizeof(fresh));
		fresh.op = r->op;
		if (judge_av(enr, r, scon, tcon, "tcp_socket", perm, &fresh.denied, &audited,
			     &fresh.permissive_domain, &exact)) {
			/* no answer is not "allowed" for the next attempts: asked again then */
			fresh.denied = false;
			exact = false;
		}
		c = &fresh;
		/* cached only when it is the answer of the policy in force */
		if (exact && !r->judged_seqno) {
			c = &enr->cache[enr->ncache < PERM_CACHE ? enr->ncache++ : 0];
			*c = fresh;
			snprintf(c->scon, sizeof(c->scon), "%s", scon);
			snprintf(c->tcon, sizeof(c->tcon), "%s", tcon);
		}
	}
	p_debug("would-deny check: %s -> %s: denied %d, permissive domain %d, enforcing %d", scon,
		tcon, c->denied, c->permissive_domain, enr->enforcing);
	if (!c->denied || (enforcing_now(enr) && !c->permissive_domain))
		return false;
	r->has_selinux = true;
	r->sel_permissive = true;
	snprintf(r->scontext, sizeof(r->scontext), "%s", scon);
	snprintf(r->tcontext, sizeof(r->tcontext), "%s", tcon);
	snprintf(r->tclass, sizeof(r->tclass), "tcp_socket");
	add_perm(r, perm);
	r->derived = true;
	return true;
}

void enrich_record(struct enricher *enr, struct conn_record *r)
{
	struct verdict_facts facts = { .audit_hook = enr && enr->audit_tp };
	bool denied = false, audited = false, permissive_domain = false, exact;
	struct refined_verdict rv;

	if (!enr)
		return;
	r->lsms = enr->lsms;
	r->policy_seqno = enr->following ? enr->status.policyload : 0;
	cgroup_cache_lookup(enr->cgroups, r->cgroup_id, &r->attrib);
	if (!r->has_selinux) {
		facts.policy_would_deny = permissive_would_deny(enr, r);
		goto refine;
	}
	if (r->has_names && r->names.perm[0])
		add_perm(r, r->names.perm);
	if (r->flags & AF_SEL_INODE) {
		inode_class_perm(r, &r->sel);
		inode_object(r, &r->sel);
	}
	if (!r->scontext[0]) {
		task_context(r, r->scontext, sizeof(r->scontext));
		r->derived = true;
	}
	if (!r->tcontext[0]) {
		char *con = NULL;

		r->derived = true;
		if (r->object[0] && getfilecon_raw(r->object, &con) > 0) {
			snprintf(r->tcontext, sizeof(r->tcontext), "%s", con);
			freecon(con);
		} else if ((r->family == AVC_AF_INET || r->family == AVC_AF_INET6) && r->nperms &&
			   (!strcmp(r->perms[0], "name_connect") ||
			    !strcmp(r->perms[0], "name_bind"))) {
			port_context(enr, r, r->tcontext, sizeof(r->tcontext));
		} else if ((r->family == AVC_AF_INET || r->family == AVC_AF_INET6) && r->nperms &&
			   !strcmp(r->perms[0], "node_bind")) {
			node_context(enr, r, r->tcontext, sizeof(r->tcontext));
		} else if (r->nperms && !strcmp(r->perms[0], "connect")) {
			/* socket { connect } is checked against the socket's own label */
			snprintf(r->tcontext, sizeof(r->tcontext), "%s", r->scontext);
		}
	}
	if (r->kernel_verdict == VERDICT_SELINUX_HIDDEN && enr->selinux && r->scontext[0] &&
	    r->tcontext[0] && r->tclass[0] && r->nperms &&
	    judge_av(enr, r, r->scontext, r->tcontext, r->tclass, r->perms[0], &denied, &audited,
		     &permissive_domain, &exact) == 0) {
		facts.auditdeny_known = true;
		facts.auditdeny = audited;
	}
refine:
	rv = refine_verdict(r->kernel_verdict, &facts);
	r->verdict = rv.verdict;
	r->hidden_by = rv.hidden_by;
	if (rv.audited_by_policy)
		r->sel_audited = r->audit_from_policy = true;
	if (context_type(r->scontext, r->source_type, sizeof(r->source_type)))
		r->source_type[0] = '\0';
	if (context_type(r->tcontext, r->target_type, sizeof(r->target_type)))
		r->target_type[0] = '\0';
}
