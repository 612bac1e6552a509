// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Tighten: which grants an access uses now, and the narrowest plan without the broad ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advice_out.h"
#include "escape.h"
#include "findings_io.h"
#include "policy_cost.h"
#include "tighten.h"
#include "util.h"
#include "verdict.h"

#define MAX_PORT_TYPES 1024

/* ---- the accesses ---- */

static bool is_allowed_access(const struct finding *f)
{
	return (f->verdict == VERDICT_ALLOWED || f->verdict == VERDICT_IN_PROGRESS) &&
	       !finding_is_selinux(f);
}

/* The access of f in r (the same finding key), or NULL. */
static struct tighten_access *find_access(struct tighten_result *r, const struct finding *f)
{
	char a[FINDING_KEY_LEN], b[FINDING_KEY_LEN];
	size_t i;

	if (finding_key(f, a, sizeof(a)) < 0)
		return NULL;
	for (i = 0; i < r->nacc; i++)
		if (finding_key(r->acc[i].f, b, sizeof(b)) >= 0 && !strcmp(a, b))
			return &r->acc[i];
	return NULL;
}

static void note_proc(struct tighten_result *r, const char *comm)
{
	int i;

	if (!comm[0])
		return;
	for (i = 0; i < r->nprocs; i++)
		if (!strcmp(r->procs[i], comm))
			return;
	if (r->nprocs < TIGHTEN_MAX_PROCS)
		text_set(r->procs[r->nprocs++], FINDING_NAME_LEN, "%s", comm);
	else
		r->procs_more = true;
}

/* Take f as an access of r when it is an allowed one the policy can name; counted otherwise. */
static int add_access(struct policy *p, struct tighten_result *r, const struct finding *f,
		      bool predicted)
{
	struct tighten_access *a;
	char raw[POLICY_NAME_LEN];
	const char *perms[FINDING_MAX_PERMS];
	struct policy_query q;
	struct policy_decision d;
	int i;

	if (!is_allowed_access(f)) {
		r->failures++;
		return 0;
	}
	if (!f->scontext[0] || !f->tcontext[0] || !f->tclass[0] || !f->nperms) {
		r->no_names++;
		return 0;
	}
	a = find_access(r, f);
	if (a) {
		a->observed |= !predicted;
		a->predicted |= predicted;
		goto seen;
	}
	if (r->nacc >= TIGHTEN_MAX_ACCESSES) {
		r->overflow++;
		return 0;
	}
	a = &r->acc[r->nacc];
	memset(a, 0, sizeof(*a));
	a->f = f;
	a->step = -1;
	if (context_type(f->scontext, raw, sizeof(raw)) ||
	    policy_type_primary(p, raw, a->stype, sizeof(a->stype)) ||
	    context_type(f->tcontext, raw, sizeof(raw)) ||
	    policy_type_primary(p, raw, a->ttype, sizeof(a->ttype))) {
		r->no_names++;
		return 0;
	}
	text_set(a->target, sizeof(a->target), "%s", f->tcontext);
	a->port = f->dport && f->nperms == 1 && !policy_proto_of_class(f->tclass, &a->proto) &&
		  (!strcmp(f->perms[0], "name_connect") || !strcmp(f->perms[0], "name_bind"));
	if (a->port) {
		struct port_label pl;

		/* the port's label now decides (a relabel since it was seen counts) */
		if (policy_port_lookup(p, a->proto, f->dport, &pl)) {
			r->no_names++;
			return 0;
		}
		text_set(a->ttype, sizeof(a->ttype), "%s", pl.type);
		text_set(a->target, sizeof(a->target), "%s", pl.type);
	}
	for (i = 0; i < f->nperms; i++)
		perms[i] = f->perms[i];
	q = (struct policy_query){ f->scontext, a->target, f->tclass, perms, f->nperms };
	if (policy_check(p, &q, &d) || !d.allowed) {
		r->denied_now++;
		return 0;
	}
	a->observed = !predicted;
	a->predicted = predicted;
	r->nacc++;
seen:
	if (predicted)
		return 0;
	a->count += f->counts.total ? f->counts.total : f->count;
	r->attempts += f->counts.total ? f->counts.total : f->count;
	if (f->first_seen > 0 && (!a->first_seen || f->first_seen < a->first_seen))
		a->first_seen = f->first_seen;
	if (f->last_seen > a->last_seen)
		a->last_seen = f->last_seen;
	if (f->first_seen > 0 && (!r->first_seen || f->first_seen < r->first_seen))
		r->first_seen = f->first_seen;
	if (f->last_seen > r->last_seen)
		r->last_seen = f->last_seen;
	for (i = 0; i < f->nprocs; i++)
		note_proc(r, f->procs[i].comm);
	if (!f->nprocs)
		note_proc(r, f->comm);
	return 0;
}

/* ---- the plan's what-if state: booleans in the policy, relabels and module rules here ---- */

/* The target type of access a with the plan's steps 0..nsteps applied. */
static const char *target_under_plan(const struct tighten_result *r, const struct tighten_access *a,
				     int nsteps)
{
	const char *t = a->target;
	int i;

	for (i = 0; i < nsteps; i++) {
		const struct tighten_step *s = &r->steps[i];
		const struct tighten_access *b = &r->acc[s->access];

		if (s->fix.kind == FIX_PORT_RELABEL && a->port && b->port && b->proto == a->proto &&
		    b->f->dport == a->f->dport)
			t = s->fix.type;
	}
	return t;
}

/* Whether a local module step of the plan (0..nsteps) grants a exactly: the rule of an access
 * it was written for has a's source, target, class and permissions.
 */
static bool module_grants(const struct tighten_result *r, const struct tighten_access *a,
			  const char *target, int nsteps)
{
	size_t j;
	int k;

	for (j = 0; j < r->nacc; j++) {
		const struct tighten_access *b = &r->acc[j];
		bool all = true;

		if (b->step < 0 || b->step >= nsteps || r->steps[b->step].fix.kind != FIX_MODULE ||
		    strcmp(b->stype, a->stype) || strcmp(b->f->tclass, a->f->tclass) ||
		    strcmp(target_under_plan(r, b, nsteps), target))
			continue;
		for (k = 0; k < a->f->nperms && all; k++) {
			int m;

			all = false;
			for (m = 0; m < b->f->nperms; m++)
				all |= !strcmp(a->f->perms[k], b->f->perms[m]);
		}
		if (all)
			return true;
	}
	return false;
}

/* Is a allowed by the policy as it is in memory, plus steps 0..nsteps? */
static bool allowed_under_plan(struct policy *p, const struct tighten_result *r,
			       const struct tighten_access *a, int nsteps, char *why, size_t whysz)
{
	const char *perms[FINDING_MAX_PERMS], *target = target_under_plan(r, a, nsteps);
	struct policy_decision d;
	struct policy_query q;
	int i, ret;

	for (i = 0; i < a->f->nperms; i++)
		perms[i] = a->f->perms[i];
	q = (struct policy_query){ a->f->scontext, target, a->f->tclass, perms, a->f->nperms };
	ret = policy_check(p, &q, &d);
	if (!ret && d.allowed) {
		if (why)
			text_set(why, whysz, "allowed on %s", target);
		return true;
	}
	if (module_grants(r, a, target, nsteps)) {
		if (why)
			text_set(why, whysz, "allowed on %s by the local module of the plan",
				 target);
		return true;
	}
	if (why) {
		if (ret)
			text_set(why, whysz, "the policy cannot evaluate it on %s (%s)", target,
				 strerror(-ret));
		else
			text_set(why, whysz, "denied on %s (%s)", target, d.denied_perms);
	}
	return false;
}

/* ---- what grants an access now ---- */

static void add_grant(struct tighten_access *a, enum tighten_grant_kind kind, const char *name)
{
	if (a->ngrants >= TIGHTEN_MAX_GRANTS)
		return;
	a->grants[a->ngrants].kind = kind;
	text_set(a->grants[a->ngrants].name, POLICY_NAME_LEN, "%s", name);
	a->ngrants++;
}

/* Booleans on whose conditional rules the access depends (each turned off alone denies it),
 * a local port label, else unconditional rules.
 */
static void find_grants(struct policy *p, struct tighten_result *r, struct tighten_access *a)
{
	char local[POLICY_NAME_LEN];
	int i, n = policy_bool_count(p);
	bool by_bool = false;

	for (i = 0; i < n; i++) {
		const char *name = policy_bool_name(p, i);

		/* a rule under "!b" granting while b is off is not looked for: booleans that
		 * grant are on
		 */
		if (policy_bool_get(p, name) != 1)
			continue;
		policy_bool_set(p, name, false);
		if (!allowed_under_plan(p, r, a, 0, NULL, 0)) {
			add_grant(a, GRANT_BOOLEAN, name);
			by_bool = true;
		}
		policy_bool_set(p, name, true);
	}
	if (a->port && policy_port_local(p, a->proto, a->f->dport, local, sizeof(local)) == 1)
		add_grant(a, GRANT_LOCAL_PORT, local);
	if (!by_bool)
		add_grant(a, GRANT_RULES, "base policy or a module");
}

/* ---- the broad grants ---- */

static bool removed(const struct tighten_result *r, const char *boolean)
{
	int i;

	for (i = 0; i < r->nremovals; i++)
		if (!strcmp(r->removals[i].boolean, boolean))
			return true;
	return false;
}

/* Does turning boolean off (the removals so far off too) deny an access of stype it allowed? */
static bool grants_an_access(struct policy *p, struct tighten_result *r, const char *stype,
			     const char *boolean)
{
	bool denies = false;
	size_t k;

	for (k = 0; k < r->nacc && !denies; k++) {
		struct tighten_access *a = &r->acc[k];

		/* allowed with it on (a removal before may have cut it already), denied off */
		if (strcmp(a->stype, stype) || !allowed_under_plan(p, r, a, 0, NULL, 0))
			continue;
		policy_bool_set(p, boolean, false);
		denies = !allowed_under_plan(p, r, a, 0, NULL, 0);
		policy_bool_set(p, boolean, true);
	}
	return denies;
}

/*
 * The booleans to take back: on, opening port types to a source type seen (turned off, it may
 * connect to fewer), ranked broad by recommend for it, and either a catch-all (with it on the
 * source reaches every port type, without it not: httpd_can_network_connect) or another
 * service's boolean some access of the source really uses (nis_enabled for an unreserved
 * port). Another service's boolean nothing seen uses is left alone: it is on for that service
 * (kerberos_enabled on RHEL), and taking it back would break it. Each removal is judged with
 * the ones before it off, so one hidden behind another (both grant the port) is found too.
 * Every boolean is as it was on return.
 */
static void find_broad(struct policy *p, struct tighten_result *r)
{
	static char names[MAX_PORT_TYPES][POLICY_NAME_LEN];
	int nb = policy_bool_count(p), i, found = -1;
	size_t k, m;

	while (found && r->nremovals < TIGHTEN_MAX_REMOVALS) {
		found = 0;
		for (k = 0; k < r->nacc && r->nremovals < TIGHTEN_MAX_REMOVALS; k++) {
			const char *stype = r->acc[k].stype;
			int now, universe = 0;

			for (m = 0; m < k; m++)
				if (!strcmp(r->acc[m].stype, stype))
					break;
			if (m < k)
				continue; /* this source type was looked at */
			now = policy_connectable_ports(p, stype, NULL, false, names, MAX_PORT_TYPES,
						       &universe);
			if (now <= 0)
				continue;
			for (i = 0; i < nb && r->nremovals < TIGHTEN_MAX_REMOVALS; i++) {
				const char *name = policy_bool_name(p, i);
				int without;
				bool catchall;

				if (policy_bool_get(p, name) != 1 || removed(r, name))
					continue;
				without = policy_connectable_ports(p, stype, name, false, names,
								   MAX_PORT_TYPES, NULL);
				if (without < 0 || without >= now ||
				    !recommend_bool_is_broad(p, stype, name))
					continue;
				catchall = now >= universe && without < universe;
				if (!catchall && !grants_an_access(p, r, stype, name))
					continue;
				text_set(r->removals[r->nremovals].boolean, POLICY_NAME_LEN, "%s",
					 name);
				text_set(r->removals[r->nremovals].stype, POLICY_NAME_LEN, "%s",
					 stype);
				r->nremovals++;
				policy_bool_set(p, name, false);
				found++;
				now = without;
			}
		}
	}
	/* remove_broad turns them off again, in this order, measuring each */
	for (i = 0; i < r->nremovals; i++)
		policy_bool_set(p, r->removals[i].boolean, true);
}

/* Turn every broad boolean off in memory, measuring what each takes back in turn. */
static void remove_broad(struct policy *p, struct tighten_result *r)
{
	struct arena *ar = &r->arena;
	int i;

	for (i = 0; i < r->nremovals; i++) {
		struct tighten_removal *rm = &r->removals[i];
		struct policy_bool_cost c;
		struct command *cmd;

		if (!policy_bool_cost(p, rm->boolean, false, rm->stype, &c)) {
			rm->closes_source = c.revoked_source;
			rm->closes = c.revoked;
			rm->domains = c.domains_revoked;
		}
		r->closes_source += rm->closes_source;
		policy_bool_set(p, rm->boolean, false);
		fix_init(&rm->fix);
		rm->fix.kind = FIX_BOOLEAN;
		rm->fix.confidence = CONFIDENCE_HIGH;
		rm->fix.boolean = arena_strdup(ar, rm->boolean);
		rm->fix.bool_value = false;
		rm->fix.if_text =
			arena_printf(ar,
				     "If you want %s to keep only what it was seen or predicted "
				     "to use",
				     rm->stype);
		rm->fix.then_text = arena_printf(
			ar, "Then turn the '%s' boolean off, after the steps above.", rm->boolean);
		rm->fix.grant = arena_printf(
			ar, "takes back %lu permission(s) from %s and %lu from %lu other domain(s)",
			rm->closes_source, rm->stype, rm->closes - rm->closes_source,
			rm->domains ? rm->domains - (rm->closes_source ? 1 : 0) : 0);
		rm->fix.why = arena_printf(
			ar,
			"recommend ranks turning '%s' on as a broad fix for %s (it opens port "
			"types beyond what %s needs, or reaches other domains)",
			rm->boolean, rm->stype, rm->stype);
		cmd = fix_add_cmd(ar, &rm->fix, "setsebool");
		if (cmd) {
			command_arg(cmd, "-P");
			command_arg(cmd, rm->boolean);
			command_arg(cmd, "0");
		}
	}
}

/* ---- the replacements: recommend's own ranking ---- */

/* A fix tighten may take for an access: not a note, not a boolean recommend ranks broad for
 * the source (a removed one or another), not undoing a step already taken, not taking a
 * permission from another domain (recommend's breaks).
 */
static bool acceptable(struct policy *p, const struct tighten_result *r,
		       const struct tighten_access *a, const struct fix *fx)
{
	int i;

	if (fx->kind != FIX_BOOLEAN && fx->kind != FIX_PORT_RELABEL && fx->kind != FIX_MODULE)
		return false;
	if (fx->nbreaks || fx->nbreaks_total)
		return false;
	if (fx->boolean[0]) {
		if (removed(r, fx->boolean) && fx->bool_value)
			return false;
		/* one broad grant for another (allow_ypbind for httpd_can_network_connect) */
		if (fx->bool_value && recommend_bool_is_broad(p, a->stype, fx->boolean))
			return false;
		for (i = 0; i < r->nsteps; i++)
			if (!strcmp(r->steps[i].fix.boolean, fx->boolean) &&
			    r->steps[i].fix.bool_value != fx->bool_value)
				return false;
	}
	return true;
}

static void apply_step(struct policy *p, const struct fix *fx)
{
	if (fx->boolean[0])
		policy_bool_set(p, fx->boolean, fx->bool_value);
	/* a relabel and a module are applied where the checks look: target_under_plan and
	 * module_grants
	 */
}

/* The access as the denial recommend is asked about: the broad grants are off now. */
static void as_denied(const struct tighten_access *a, struct finding *f)
{
	*f = *a->f;
	f->verdict = VERDICT_SELINUX_DENIED;
	f->err = EACCES;
	f->hidden = f->permissive = false;
	f->hidden_by = NULL;
	memset(&f->counts, 0, sizeof(f->counts));
	f->count = a->count ? a->count : 1;
	f->counts.total = f->counts.audited = f->count;
	if (a->port)
		text_set(f->tcontext, sizeof(f->tcontext), "system_u:object_r:%s:s0", a->ttype);
}

/* The words of a module's comment line ("; avcsnoop: httpd_t name_connect x:tcp_socket") */
static const char *rule_words(const char *comment)
{
	static const char lead[] = "; avcsnoop: ";

	return strncmp(comment, lead, sizeof(lead) - 1) ? comment : comment + sizeof(lead) - 1;
}

/* Try one more comment line and rule on the module's printf; false when they do not fit. */
static bool module_cmd_add(struct command *cmd, const char *comment, const char *rule)
{
	struct command c = *cmd;

	if (c.argc + 2 > COMMAND_MAX_ARGS || command_arg(&c, comment) || command_arg(&c, rule) ||
	    c.overflow)
		return false;
	*cmd = c;
	return true;
}

/*
 * Access k kept by the exact rule (and its comment line, names the policy knows): added to the
 * plan's local module for the source, or a new one. The module is tighten's own
 * (tighten-SOURCE.cil), never recommend's my-COMM.cil: that name may already hold rules
 * pasted before, which loading a module of the same name would drop. One module per source
 * while its printf holds the rules, then tighten-SOURCE-2.cil, ... 0 or -ENOSPC.
 */
static int add_module_rule(struct tighten_result *r, int k, const char *comment, const char *rule)
{
	struct tighten_access *a = &r->acc[k];
	struct arena *ar = &r->arena;
	struct tighten_step *st;
	struct command *cmd;
	char file[COMMAND_FILE_LEN];
	int i, n = 1;

	for (i = 0; i < r->nsteps; i++) {
		st = &r->steps[i];
		if (st->fix.kind != FIX_MODULE || strcmp(r->acc[st->access].stype, a->stype))
			continue;
		n++;
		if (module_cmd_add(st->fix.cmds[0], comment, rule)) {
			st->fix.then_text =
				"Then add a local policy module with exactly these rules:";
			arena_appendf(ar, &st->fix.grant, "; %s", rule_words(comment));
			a->step = i;
			return 0;
		}
	}
	if (r->nsteps >= TIGHTEN_MAX_STEPS)
		return -ENOSPC;
	if (n == 1)
		text_set(file, sizeof(file), "tighten-%s.cil", a->stype);
	else
		text_set(file, sizeof(file), "tighten-%s-%d.cil", a->stype, n);
	st = &r->steps[r->nsteps];
	memset(st, 0, sizeof(*st));
	st->access = k;
	fix_init(&st->fix);
	st->fix.kind = FIX_MODULE;
	st->fix.confidence = CONFIDENCE_MEDIUM;
	st->fix.if_text = arena_printf(
		ar, "If %s should keep exactly the accesses it was seen or predicted to make",
		a->stype);
	st->fix.then_text = "Then add a local policy module with exactly this rule:";
	st->fix.grant = arena_strdup(ar, rule_words(comment));
	st->fix.why = arena_printf(
		ar,
		"no boolean or label keeps it without a broad grant or breaking another "
		"domain; exact, but local policy you must keep (module name %s: a module of "
		"the same name would be replaced)",
		file);
	cmd = fix_add_cmd(ar, &st->fix, "printf");
	if (!cmd || command_arg(cmd, "%s\\n") || !module_cmd_add(cmd, comment, rule) ||
	    command_set_stdout(cmd, file))
		return -ENOSPC;
	cmd = fix_add_cmd(ar, &st->fix, "semodule");
	if (!cmd)
		return -ENOSPC;
	command_arg(cmd, "-i");
	command_arg(cmd, file);
	a->step = r->nsteps++;
	return 0;
}

static int replace(struct policy *p, struct tighten_result *r, struct advice *adv)
{
	size_t k;
	int i, ret;

	for (k = 0; k < r->nacc; k++) {
		struct tighten_access *a = &r->acc[k];
		struct finding f;

		if (allowed_under_plan(p, r, a, r->nsteps, NULL, 0))
			continue;
		as_denied(a, &f);
		ret = recommend(p, &f, adv);
		if (ret)
			return ret;
		for (i = 0; i < adv->nfixes; i++)
			if (acceptable(p, r, a, adv->fixes[i]))
				break;
		if (i == adv->nfixes || r->nsteps >= TIGHTEN_MAX_STEPS) {
			r->unfixable++;
			continue;
		}
		if (adv->fixes[i]->kind == FIX_MODULE) {
			const struct fix *fx = adv->fixes[i];

			/* recommend's exact rule, into tighten's one module for the source */
			if (fx->ncmds < 1 || command_argv(fx->cmds[0], 3) == NULL ||
			    add_module_rule(r, (int)k, command_argv(fx->cmds[0], 2),
					    command_argv(fx->cmds[0], 3)))
				r->unfixable++;
			continue;
		}
		/* the step outlives this advice: its texts and commands go to the plan's arena */
		if (fix_copy(&r->arena, &r->steps[r->nsteps].fix, adv->fixes[i]))
			return -ENOSPC;
		r->steps[r->nsteps].access = (int)k;
		a->step = r->nsteps++;
		apply_step(p, adv->fixes[i]);
	}
	return 0;
}

/* ---- the proof ---- */

static void prove(struct policy *p, struct tighten_result *r)
{
	size_t k;

	for (k = 0; k < r->nacc; k++) {
		struct tighten_access *a = &r->acc[k];

		if (r->catchall_stype[0] && a->port && !strcmp(a->stype, r->catchall_stype)) {
			/* the catch-all goes: only the plan's module may keep it */
			a->kept =
				module_grants(r, a, target_under_plan(r, a, r->nsteps), r->nsteps);
			text_set(a->proof, sizeof(a->proof), "%s by the local module of the plan",
				 a->kept ? "allowed" : "not granted");
		} else {
			a->kept =
				allowed_under_plan(p, r, a, r->nsteps, a->proof, sizeof(a->proof));
		}
		if (!a->kept)
			r->broken++;
	}
}

/* Distinct port types the accesses of stype use */
static int kept_port_types(const struct tighten_result *r, const char *stype)
{
	size_t j, m;
	int n = 0;

	for (j = 0; j < r->nacc; j++) {
		if (!r->acc[j].port || strcmp(r->acc[j].stype, stype))
			continue;
		for (m = 0; m < j; m++)
			if (r->acc[m].port && !strcmp(r->acc[m].stype, stype) &&
			    !strcmp(r->acc[m].ttype, r->acc[j].ttype))
				break;
		n += m == j;
	}
	return n;
}

/*
 * A catch-all no boolean grants: the source still reaches every port type with the broad
 * booleans off, by an unconditional rule on port_type (a local module's, as pasted from the
 * internet, or the base policy's). No boolean takes it back: the plan is a module with the
 * exact rule of every port access of the source, then the catch-all's module removed by
 * hand (a binary policy does not say which module a rule came from; sesearch shows the rule
 * and semodule -l the modules). Its accesses are proved by the narrower module alone.
 */
static void find_unconditional(struct policy *p, struct tighten_result *r)
{
	static char names[MAX_PORT_TYPES][POLICY_NAME_LEN];
	struct arena *ar = &r->arena;
	int universe = 0, n;
	size_t k, j;

	for (k = 0; k < r->nacc && !r->unconditional[0]; k++) {
		const char *stype = r->acc[k].stype;
		struct command *cmd;
		struct fix *fx = &r->catchall;

		n = policy_connectable_ports(p, stype, NULL, false, names, MAX_PORT_TYPES,
					     &universe);
		if (n <= 0 || n < universe)
			continue;
		text_set(r->unconditional, sizeof(r->unconditional),
			 "%s may connect to every port type (%d) by unconditional rules (a local "
			 "module, or the base policy): no boolean takes that back",
			 stype, universe);
		text_set(r->catchall_stype, sizeof(r->catchall_stype), "%s", stype);
		for (j = 0; j < r->nacc; j++) {
			struct tighten_access *a = &r->acc[j];
			char comment[4 * POLICY_NAME_LEN + FINDING_MAX_PERMS * FINDING_NAME_LEN];
			char rule[4 * POLICY_NAME_LEN + FINDING_MAX_PERMS * FINDING_NAME_LEN];
			char perms[FINDING_MAX_PERMS * FINDING_NAME_LEN] = "";
			int i;

			if (!a->port || a->step >= 0 || strcmp(a->stype, stype))
				continue;
			/* names the policy knows: the types were looked up, the class and
			 * permissions were allowed by it
			 */
			for (i = 0; i < a->f->nperms; i++)
				text_cat(perms, sizeof(perms), "%s%s", i ? " " : "",
					 a->f->perms[i]);
			text_set(comment, sizeof(comment), "; avcsnoop: %s %s %s:%s", stype, perms,
				 a->ttype, a->f->tclass);
			text_set(rule, sizeof(rule), "(allow %s %s (%s (%s)))", stype, a->ttype,
				 a->f->tclass, perms);
			if (add_module_rule(r, (int)j, comment, rule))
				r->unfixable++;
		}
		fix_init(fx);
		fx->kind = FIX_MODULE;
		fx->confidence = CONFIDENCE_MEDIUM;
		fx->if_text = arena_printf(
			ar, "If %s should keep only what it was seen or predicted to use", stype);
		fx->then_text = "Then find the module holding the catch-all rule on port_type and "
				"remove it (semodule -r ITS_NAME), after the steps above; sesearch "
				"shows the rule, semodule -l the modules.";
		fx->grant = arena_printf(
			ar, "takes back name_connect on every port type (%d) but the %d kept",
			universe, kept_port_types(r, stype));
		fx->why = "a rule on port_type opens every port, including those of services added "
			  "later; the policy file does not say which module it came from";
		cmd = fix_add_cmd(ar, fx, "sesearch");
		if (cmd) {
			command_arg(cmd, "-A");
			command_arg(cmd, "-s");
			command_arg(cmd, stype);
			command_arg(cmd, "-t");
			command_arg(cmd, "port_type");
			command_arg(cmd, "-c");
			command_arg(cmd, "tcp_socket");
			command_arg(cmd, "-p");
			command_arg(cmd, "name_connect");
		}
		cmd = fix_add_cmd(ar, fx, "semodule");
		if (cmd)
			command_arg(cmd, "-l");
	}
}

static void summarize(struct tighten_result *r)
{
	int i;

	if (r->outcome == TIGHTEN_NOTHING) {
		text_set(r->summary, sizeof(r->summary),
			 "Nothing to tighten: no broad boolean grants what %zu access(es) use%s",
			 r->nacc, r->unconditional[0] ? " (but see the note)" : "");
		return;
	}
	text_set(r->summary, sizeof(r->summary), "%s", "");
	for (i = 0; i < r->nremovals; i++)
		text_cat(r->summary, sizeof(r->summary), "%s'%s'", i ? ", " : "",
			 r->removals[i].boolean);
	if (r->nremovals)
		text_cat(r->summary, sizeof(r->summary), " %s on%s",
			 r->nremovals > 1 ? "are" : "is", r->catchall_stype[0] ? ", and " : "");
	if (r->catchall_stype[0])
		text_cat(r->summary, sizeof(r->summary),
			 "%s reaches every port type by an unconditional rule (a local module's "
			 "catch-all on port_type)",
			 r->catchall_stype);
	text_cat(r->summary, sizeof(r->summary), "; %zu access(es) seen or predicted", r->nacc);
	if (r->outcome == TIGHTEN_REFUSED) {
		text_cat(r->summary, sizeof(r->summary),
			 ": plan refused, %d access(es) would break with it (listed below)",
			 r->broken);
		return;
	}
	text_cat(r->summary, sizeof(r->summary), ": %d change(s) keep every one, then ", r->nsteps);
	if (r->nremovals) {
		text_cat(r->summary, sizeof(r->summary), "turn ");
		for (i = 0; i < r->nremovals; i++)
			text_cat(r->summary, sizeof(r->summary), "%s'%s'", i ? ", " : "",
				 r->removals[i].boolean);
		text_cat(r->summary, sizeof(r->summary),
			 " off; this closes %lu permission(s) to %s", r->closes_source,
			 r->removals[0].stype);
	}
	if (r->catchall_stype[0])
		text_cat(r->summary, sizeof(r->summary), "%sremove the module of the catch-all",
			 r->nremovals ? "; then " : "");
}

int tighten(struct policy *p, const struct finding_set *observed,
	    const struct finding_set *predicted, struct tighten_result **out)
{
	struct tighten_result *r = calloc(1, sizeof(*r));
	struct advice *adv = calloc(1, sizeof(*adv));
	int ret = 0, i;
	size_t k;

	*out = NULL;
	if (!r || !adv || !(r->acc = calloc(TIGHTEN_MAX_ACCESSES, sizeof(*r->acc)))) {
		free(adv);
		tighten_free(r);
		return -ENOMEM;
	}
	text_set(r->policy, sizeof(r->policy), "%s", policy_path(p));
	for (k = 0; observed && k < observed->n; k++)
		add_access(p, r, &observed->v[k], false);
	for (k = 0; predicted && k < predicted->n; k++)
		add_access(p, r, &predicted->v[k], true);
	for (k = 0; k < r->nacc; k++) {
		r->nobserved += r->acc[k].observed;
		r->npredicted += r->acc[k].predicted;
	}
	for (k = 0; k < r->nacc; k++)
		find_grants(p, r, &r->acc[k]);
	find_broad(p, r);
	{
		/* save every boolean: the plan sets some, recommend's analyses flip and restore */
		int nb = policy_bool_count(p);
		char *vals = malloc(nb > 0 ? (size_t)nb : 1);

		if (!vals) {
			ret = -ENOMEM;
			goto out;
		}
		for (i = 0; i < nb; i++)
			vals[i] = (char)policy_bool_get(p, policy_bool_name(p, i));
		remove_broad(p, r);
		ret = replace(p, r, adv);
		if (!ret) {
			find_unconditional(p, r);
			prove(p, r);
		}
		for (i = 0; i < nb; i++)
			if (policy_bool_get(p, policy_bool_name(p, i)) != vals[i])
				policy_bool_set(p, policy_bool_name(p, i), vals[i] == 1);
		free(vals);
	}
	/* a text or command of the plan did not fit: no plan rather than a cut one */
	if (!ret && r->arena.overflow)
		ret = -ENOSPC;
	if (ret)
		goto out;
	r->outcome = !r->nremovals && !r->catchall_stype[0] ? TIGHTEN_NOTHING
		     : r->broken			    ? TIGHTEN_REFUSED
							    : TIGHTEN_PLAN;
	summarize(r);
out:
	if (adv)
		advice_free(adv);
	free(adv);
	if (ret) {
		tighten_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

void tighten_free(struct tighten_result *r)
{
	if (!r)
		return;
	arena_release(&r->arena);
	free(r->acc);
	free(r);
}

int tighten_exit_status(const struct tighten_result *r)
{
	return r->outcome == TIGHTEN_PLAN      ? TIGHTEN_EXIT_PLAN
	       : r->outcome == TIGHTEN_REFUSED ? TIGHTEN_EXIT_REFUSED
					       : 0;
}

/* ---- output ---- */

static const char *grant_kind_name(enum tighten_grant_kind k)
{
	return k == GRANT_BOOLEAN      ? "boolean"
	       : k == GRANT_LOCAL_PORT ? "local_port_label"
				       : "rules";
}

/* "port 3000 (ntop_port_t)" or "ntop_port_t": the names are the policy's */
static void access_words(const struct tighten_access *a, char *out, size_t sz)
{
	char perms[FINDING_MAX_PERMS * FINDING_NAME_LEN * 4] = "", one[FINDING_NAME_LEN * 4];
	int i;

	for (i = 0; i < a->f->nperms; i++) {
		escape_str(one, sizeof(one), a->f->perms[i], ESC_TEXT);
		text_cat(perms, sizeof(perms), "%s%s", i ? " " : "", one);
	}
	escape_str(one, sizeof(one), a->f->tclass, ESC_TEXT);
	if (a->port)
		text_set(out, sz, "%s %s port %u (%s, %s)", a->stype, perms, a->f->dport, a->ttype,
			 one);
	else
		text_set(out, sz, "%s %s %s (%s)", a->stype, perms, a->ttype, one);
}

static void when_text(double t, char *out, size_t sz)
{
	time_t secs = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&secs, &tm)) {
		text_set(out, sz, "unknown");
		return;
	}
	strftime(out, sz, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void grants_text(const struct tighten_access *a, char *out, size_t sz)
{
	int i;

	out[0] = '\0';
	for (i = 0; i < a->ngrants; i++) {
		const struct tighten_grant *g = &a->grants[i];

		if (g->kind == GRANT_BOOLEAN)
			text_cat(out, sz, "%sboolean '%s'", i ? ", " : "", g->name);
		else if (g->kind == GRANT_LOCAL_PORT)
			text_cat(out, sz, "%slocal port label %s (semanage port)", i ? ", " : "",
				 g->name);
		else
			text_cat(out, sz, "%sunconditional rules (%s)", i ? ", " : "", g->name);
	}
}

static void print_fix(FILE *out, const struct fix *fx)
{
	char line[COMMAND_BUF_LEN * 4 + COMMAND_FILE_LEN * 4 + 16];
	int k;

	fprintf(out, "If %s\n", fx->if_text + (strncmp(fx->if_text, "If ", 3) ? 0 : 3));
	fprintf(out, "%s\n", fx->then_text);
	if (fx->grant[0])
		fprintf(out, "  It grants: %s.\n", fx->grant);
	if (fx->why[0])
		fprintf(out, "  Why: %s.\n", fx->why);
	fprintf(out, "Do\n");
	for (k = 0; k < fx->ncmds; k++) {
		if (command_shell_line(fx->cmds[k], line, sizeof(line)) < 0) {
			fprintf(out, "    # (a command too long to print whole was left out)\n");
			continue;
		}
		fprintf(out, "    %s\n", line);
	}
}

static void coverage_text(FILE *out, const struct tighten_result *r)
{
	char a[40], b[40], comm[FINDING_NAME_LEN * 4];
	int i;

	when_text(r->first_seen, a, sizeof(a));
	when_text(r->last_seen, b, sizeof(b));
	fprintf(out, "\nCoverage: %zu access(es) observed (%llu attempt(s)) from %s to %s",
		r->nobserved, (unsigned long long)r->attempts, a, b);
	if (r->nprocs) {
		fprintf(out, " by ");
		for (i = 0; i < r->nprocs; i++) {
			escape_str(comm, sizeof(comm), r->procs[i], ESC_TEXT);
			fprintf(out, "%s%s", i ? ", " : "", comm);
		}
		if (r->procs_more)
			fprintf(out, " and others");
	}
	fprintf(out, "; %zu predicted from the configuration%s.\n", r->npredicted,
		r->npredicted ? "" : " (none given: --nginx-conf)");
	if (r->outcome != TIGHTEN_NOTHING)
		fprintf(out, "  An access never seen in that time and not named by the "
			     "configuration (a nightly job, a failover upstream) would be cut by "
			     "this plan.\n");
	if (r->no_names || r->denied_now || r->failures || r->overflow)
		fprintf(out,
			"  Not considered: %zu without SELinux names (seen where SELinux is off), "
			"%zu denied by the policy now, %zu failure(s) (see avcsnoop recommend), "
			"%zu beyond %d accesses.\n",
			r->no_names, r->denied_now, r->failures, r->overflow, TIGHTEN_MAX_ACCESSES);
}

void tighten_print_text(FILE *out, const struct tighten_result *r)
{
	char words[1024], grants[1024], seen[96], a[40], b[40];
	size_t k;
	int i;

	fprintf(out, "%s.\n", r->summary);
	fprintf(out, "  policy: %s\n", r->policy);
	if (r->unconditional[0])
		fprintf(out, "  note: %s.\n", r->unconditional);
	fprintf(out, "\nAccesses and what grants them now:\n");
	for (k = 0; k < r->nacc; k++) {
		const struct tighten_access *x = &r->acc[k];

		access_words(x, words, sizeof(words));
		grants_text(x, grants, sizeof(grants));
		if (x->observed) {
			when_text(x->first_seen, a, sizeof(a));
			when_text(x->last_seen, b, sizeof(b));
			text_set(seen, sizeof(seen), "seen %llu time(s), %s to %s",
				 (unsigned long long)x->count, a, b);
		} else {
			text_set(seen, sizeof(seen), "not seen");
		}
		fprintf(out, "  %zu. %s: %s; %s%s", k + 1, words, grants, seen,
			x->predicted ? "; predicted by the configuration" : "");
		if (r->outcome != TIGHTEN_NOTHING)
			fprintf(out, "; %s%s",
				x->step >= 0 ? "kept by step "
				: x->kept    ? "kept as is"
					     : "BREAKS: ",
				x->step >= 0 ? ""
				: x->kept    ? ""
					     : x->proof);
		if (x->step >= 0)
			fprintf(out, "%d", x->step + 1);
		fprintf(out, "\n");
	}
	if (r->outcome == TIGHTEN_NOTHING) {
		coverage_text(out, r);
		return;
	}
	for (i = 0; i < r->nsteps; i++) {
		access_words(&r->acc[r->steps[i].access], words, sizeof(words));
		fprintf(out, "\n*****  Step %d: %s, for %s  *****\n", i + 1,
			fix_kind_name(r->steps[i].fix.kind), words);
		print_fix(out, &r->steps[i].fix);
	}
	for (i = 0; i < r->nremovals; i++) {
		fprintf(out, "\n*****  Step %d: turn '%s' off  *****\n", r->nsteps + i + 1,
			r->removals[i].boolean);
		print_fix(out, &r->removals[i].fix);
	}
	if (r->catchall_stype[0]) {
		fprintf(out, "\n*****  Step %d: remove the catch-all of %s  *****\n",
			r->nsteps + r->nremovals + 1, r->catchall_stype);
		print_fix(out, &r->catchall);
	}
	if (r->outcome == TIGHTEN_REFUSED) {
		fprintf(out,
			"\nRefused: with these changes applied to the policy in memory, %d "
			"access(es) would be denied:\n",
			r->broken);
		for (k = 0; k < r->nacc; k++)
			if (!r->acc[k].kept) {
				access_words(&r->acc[k], words, sizeof(words));
				fprintf(out, "  %s: %s\n", words, r->acc[k].proof);
			}
		fprintf(out, "Apply nothing of it; keep the broad grant, or fix what breaks by "
			     "hand and run tighten again.\n");
	} else {
		fprintf(out,
			"\nProof: with every change applied to the policy in memory, all %zu "
			"access(es) stay allowed.\n",
			r->nacc);
	}
	coverage_text(out, r);
}

static const char *outcome_name(enum tighten_outcome o)
{
	return o == TIGHTEN_PLAN ? "plan" : o == TIGHTEN_REFUSED ? "refused" : "nothing";
}

static void fix_write_json(struct json *j, const struct fix *fx)
{
	json_str(j, "kind", fix_kind_name(fx->kind));
	json_str(j, "if", fx->if_text);
	json_str(j, "then", fx->then_text);
	json_str(j, "grant", fx->grant);
	json_str(j, "why", fx->why);
	if (fx->boolean[0]) {
		json_str(j, "boolean", fx->boolean);
		json_bool(j, "value", fx->bool_value);
	}
	if (fx->type[0])
		json_str(j, "type", fx->type);
	fix_commands_write_json(j, fx);
}

void tighten_write_json(struct json *j, const struct tighten_result *r)
{
	size_t k;
	int i, g;

	json_obj_begin(j, NULL);
	json_str(j, "type", "tighten");
	json_str(j, "outcome", outcome_name(r->outcome));
	json_str(j, "summary", r->summary);
	json_str(j, "policy", r->policy);
	json_uint(j, "closes_source", r->closes_source);
	if (r->unconditional[0])
		json_str(j, "note", r->unconditional);
	json_arr_begin(j, "accesses");
	for (k = 0; k < r->nacc; k++) {
		const struct tighten_access *x = &r->acc[k];

		json_obj_begin(j, NULL);
		json_str(j, "source_type", x->stype);
		json_str(j, "target_type", x->ttype);
		json_str(j, "tclass", x->f->tclass);
		json_arr_begin(j, "perms");
		for (i = 0; i < x->f->nperms; i++)
			json_str(j, NULL, x->f->perms[i]);
		json_arr_end(j);
		json_uint(j, "port", x->port ? x->f->dport : 0);
		json_bool(j, "observed", x->observed);
		json_bool(j, "predicted", x->predicted);
		json_uint(j, "count", x->count);
		if (x->first_seen > 0)
			json_double(j, "first_seen", x->first_seen, 6);
		if (x->last_seen > 0)
			json_double(j, "last_seen", x->last_seen, 6);
		json_arr_begin(j, "granted_by");
		for (g = 0; g < x->ngrants; g++) {
			json_obj_begin(j, NULL);
			json_str(j, "kind", grant_kind_name(x->grants[g].kind));
			json_str(j, "name", x->grants[g].name);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_int(j, "step", x->step >= 0 ? x->step + 1 : 0);
		json_bool(j, "kept", r->outcome == TIGHTEN_NOTHING || x->kept);
		json_str(j, "proof", x->proof);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "steps");
	for (i = 0; i < r->nsteps; i++) {
		json_obj_begin(j, NULL);
		json_int(j, "step", i + 1);
		json_int(j, "access", r->steps[i].access + 1);
		fix_write_json(j, &r->steps[i].fix);
		json_obj_end(j);
	}
	for (i = 0; i < r->nremovals; i++) {
		const struct tighten_removal *rm = &r->removals[i];

		json_obj_begin(j, NULL);
		json_int(j, "step", r->nsteps + i + 1);
		json_int(j, "access", 0);
		fix_write_json(j, &rm->fix);
		json_bool(j, "removes_broad", true);
		json_uint(j, "closes_source", rm->closes_source);
		json_uint(j, "closes", rm->closes);
		json_uint(j, "domains", rm->domains);
		json_obj_end(j);
	}
	if (r->catchall_stype[0]) {
		json_obj_begin(j, NULL);
		json_int(j, "step", r->nsteps + r->nremovals + 1);
		json_int(j, "access", 0);
		fix_write_json(j, &r->catchall);
		json_bool(j, "removes_broad", true);
		json_bool(j, "by_hand", true); /* the module's name is not in the policy */
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_begin(j, "proof");
	json_uint(j, "accesses", r->nacc);
	json_uint(j, "broken", (unsigned long long)r->broken);
	json_uint(j, "unfixable", (unsigned long long)r->unfixable);
	json_obj_end(j);
	json_obj_begin(j, "coverage");
	json_uint(j, "observed", r->nobserved);
	json_uint(j, "predicted", r->npredicted);
	json_uint(j, "attempts", r->attempts);
	if (r->first_seen > 0)
		json_double(j, "first_seen", r->first_seen, 6);
	if (r->last_seen > 0)
		json_double(j, "last_seen", r->last_seen, 6);
	json_arr_begin(j, "processes");
	for (i = 0; i < r->nprocs; i++)
		json_str(j, NULL, r->procs[i]);
	json_arr_end(j);
	json_bool(j, "processes_unlisted", r->procs_more);
	json_uint(j, "no_names", r->no_names);
	json_uint(j, "denied_now", r->denied_now);
	json_uint(j, "failures", r->failures);
	json_uint(j, "overflow", r->overflow);
	json_obj_end(j);
	json_obj_end(j);
	json_line_end(j);
}
