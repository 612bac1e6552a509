// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Tighten (issue 21) on the CIL test policies tests/policy/tighten.cil (a catch-all boolean,
 * narrow ones, another service's boolean) and tighten_catchall.cil (the catch-all as an
 * unconditional rule, as a pasted module leaves it). What each step must be is asked of
 * recommend() with the broad grant off, not written here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "advice_out.h"
#include "finding_set.h"
#include "recommend.h"
#include "test.h"
#include "tighten.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

static struct advice adv; /* reused: recommend() resets its arena */

static void allowed(struct finding *f, unsigned int port, const char *ttype, const char *tclass,
		    const char *perm)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "web");
	snprintf(f->scontext, sizeof(f->scontext), "system_u:system_r:web_t:s0");
	snprintf(f->tcontext, sizeof(f->tcontext), "system_u:object_r:%s:s0", ttype);
	snprintf(f->tclass, sizeof(f->tclass), "%s", tclass);
	snprintf(f->perms[0], sizeof(f->perms[0]), "%s", perm);
	f->nperms = 1;
	f->family = port ? AVC_AF_INET : AVC_AF_UNIX;
	if (port)
		snprintf(f->daddr, sizeof(f->daddr), "127.0.0.1");
	else
		snprintf(f->path, sizeof(f->path), "/etc/keys/app.sock");
	f->dport = (uint16_t)port;
	f->verdict = VERDICT_ALLOWED;
	f->count = f->counts.total = 4;
	f->first_seen = 1700000000.0;
	f->last_seen = 1700604800.0; /* a week later */
}

static int add_port(struct finding_set *s, unsigned int port, const char *ttype)
{
	struct finding f;

	allowed(&f, port, ttype, "tcp_socket", "name_connect");
	return finding_set_add(s, &f, NULL);
}

/* The access of r on port (and perm), or NULL */
static const struct tighten_access *access_on(const struct tighten_result *r, unsigned int port,
					      const char *perm)
{
	size_t k;

	for (k = 0; k < r->nacc; k++)
		if (r->acc[k].f->dport == port && !strcmp(r->acc[k].f->perms[0], perm))
			return &r->acc[k];
	return NULL;
}

static const struct fix *step_of(const struct tighten_result *r, const struct tighten_access *a)
{
	return a && a->step >= 0 && a->step < r->nsteps ? &r->steps[a->step].fix : NULL;
}

/* recommend()'s first fix for the access as a denial, with boolean off (then restored) */
static const struct fix *recommend_first(struct policy *p, unsigned int port, const char *ttype,
					 const char *boolean, enum fix_kind kind)
{
	struct finding f;
	int i, was = policy_bool_get(p, boolean);

	allowed(&f, port, ttype, "tcp_socket", "name_connect");
	f.verdict = VERDICT_SELINUX_DENIED;
	f.err = EACCES;
	policy_bool_set(p, boolean, false);
	i = recommend(p, &f, &adv);
	policy_bool_set(p, boolean, was == 1);
	if (i)
		return NULL;
	for (i = 0; i < adv.nfixes; i++)
		if (adv.fixes[i]->kind == kind)
			return adv.fixes[i];
	return NULL;
}

static char *text_of(const struct tighten_result *r, bool json)
{
	static char *buf;
	size_t len;
	FILE *out;

	free(buf);
	buf = NULL;
	out = open_memstream(&buf, &len);
	if (!out)
		return NULL;
	if (json) {
		struct json j;

		json_init(&j, out);
		tighten_write_json(&j, r);
	} else {
		tighten_print_text(out, r);
	}
	fclose(out);
	return buf;
}

static bool has_cmd(const struct fix *fx, const char *line)
{
	char buf[8192];
	int k;

	for (k = 0; fx && k < fx->ncmds; k++)
		if (command_shell_line(fx->cmds[k], buf, sizeof(buf)) >= 0 && !strcmp(buf, line))
			return true;
	return false;
}

/* httpd_can_network_connect's case: the catch-all on, 3000 and 5432 seen */
TEST(tighten_catchall_boolean_gives_the_narrow_plan)
{
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;
	const struct tighten_access *app, *db;
	const struct fix *want_db, *fx;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	CHECK_INT(add_port(&seen, 3000, "app_port_t"), 1);
	CHECK_INT(add_port(&seen, 5432, "db_port_t"), 1);
	/* recommend's answer for 5432 with the catch-all off: the narrow boolean */
	want_db = recommend_first(p, 5432, "db_port_t", "web_connect_any", FIX_BOOLEAN);
	CHECK(want_db && !strcmp(want_db->boolean, "web_db") && want_db->bool_value);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	CHECK_INT(tighten_exit_status(r), 3);
	CHECK_INT(r->nremovals, 1);
	CHECK_STR(r->removals[0].boolean, "web_connect_any");
	CHECK(has_cmd(&r->removals[0].fix, "setsebool -P web_connect_any 0"));
	CHECK(r->closes_source > 0);
	CHECK_INT(r->nacc, 2);
	db = access_on(r, 5432, "name_connect");
	app = access_on(r, 3000, "name_connect");
	CHECK(db && app);
	/* what grants each now: the catch-all's conditional rules */
	CHECK_INT(db->ngrants, 1);
	CHECK_INT(db->grants[0].kind, GRANT_BOOLEAN);
	CHECK_STR(db->grants[0].name, "web_connect_any");
	fx = step_of(r, db);
	CHECK(fx && fx->kind == FIX_BOOLEAN);
	CHECK_STR(fx->boolean, want_db->boolean);
	/* 3000: a relabel would take the port from app_t (its server): the exact rule instead */
	fx = step_of(r, app);
	CHECK(fx && fx->kind == FIX_MODULE);
	CHECK(has_cmd(fx, "semodule -i tighten-web_t.cil"));
	CHECK_CONTAINS(text_of(r, false), "'(allow web_t app_port_t (tcp_socket (name_connect)))'");
	CHECK(db->kept && app->kept);
	CHECK_INT(r->broken, 0);
	/* the policy's booleans are as they were */
	CHECK_INT(policy_bool_get(p, "web_connect_any"), 1);
	CHECK_INT(policy_bool_get(p, "web_db"), 0);
	CHECK_CONTAINS(text_of(r, false), "then turn 'web_connect_any' off; this closes");
	CHECK_CONTAINS(text_of(r, true), "\"argv\":[\"setsebool\",\"-P\",\"web_db\",\"1\"]");
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* nis_enabled/allow_ypbind's case: another service's boolean keeps an unreserved port */
TEST(tighten_nis_boolean_on_unreserved_port_is_relabelled)
{
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;
	const struct fix *fx, *want;
	int i;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "nis_like", true), 0);
	CHECK_INT(add_port(&seen, 23456, "unres_port_t"), 1);
	want = recommend_first(p, 23456, "unres_port_t", "nis_like", FIX_PORT_RELABEL);
	CHECK(want && want->nbreaks_total == 0);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	CHECK_INT(r->nremovals, 1);
	CHECK_STR(r->removals[0].boolean, "nis_like");
	fx = step_of(r, access_on(r, 23456, "name_connect"));
	CHECK(fx && fx->kind == FIX_PORT_RELABEL);
	CHECK_STR(fx->type, want->type);
	CHECK(r->acc[0].kept);
	/* never the catch-all instead: recommend ranks it first for a port of mail_t's */
	for (i = 0; i < r->nsteps; i++)
		CHECK(strcmp(r->steps[i].fix.boolean, "web_connect_any"));
	tighten_free(r);
	finding_set_free(&seen);
	CHECK_INT(add_port(&seen, 40001, "peer_port_t"), 1);
	want = recommend_first(p, 40001, "peer_port_t", "nis_like", FIX_BOOLEAN);
	CHECK(want && !strcmp(want->boolean, "web_connect_any"));
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	fx = step_of(r, access_on(r, 40001, "name_connect"));
	CHECK(fx && fx->kind == FIX_MODULE);
	for (i = 0; i < r->nsteps; i++)
		CHECK(strcmp(r->steps[i].fix.boolean, "web_connect_any"));
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* Another service's boolean nothing seen uses stays on: it is on for that service */
TEST(tighten_foreign_boolean_no_access_uses_stays)
{
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "nis_like", true), 0);
	CHECK_INT(policy_bool_set(p, "web_db", true), 0);
	CHECK_INT(add_port(&seen, 5432, "db_port_t"), 1);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_NOTHING);
	CHECK_INT(r->nremovals, 0);
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

TEST(tighten_nothing_broad_on_is_nothing_to_tighten)
{
	const struct tighten_access *a;
	struct finding f;
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_db", true), 0);
	CHECK_INT(add_port(&seen, 5432, "db_port_t"), 1);
	allowed(&f, 9000, "listen_port_t", "tcp_socket", "name_bind");
	CHECK_INT(finding_set_add(&seen, &f, NULL), 1);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_NOTHING);
	CHECK_INT(tighten_exit_status(r), 0);
	CHECK_INT(r->nacc, 2);
	CHECK_INT(r->nsteps, 0);
	CHECK_CONTAINS(text_of(r, false), "Nothing to tighten");
	CHECK(!strstr(text_of(r, false), "would be cut"));
	CHECK_CONTAINS(text_of(r, true), "\"outcome\":\"nothing\"");
	/* web_db grants 5432: named, though not broad */
	a = access_on(r, 5432, "name_connect");
	CHECK(a && a->ngrants == 1);
	CHECK_STR(a->grants[0].name, "web_db");
	a = access_on(r, 9000, "name_bind");
	CHECK(a && a->ngrants == 1);
	CHECK_INT(a->grants[0].kind, GRANT_RULES);
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* The catch-all as a pasted module: an unconditional rule on port_type */
TEST(tighten_catchall_module_becomes_a_narrower_module)
{
	char path[256], line[8192];
	struct policy *p = test_open_cil("tighten_catchall", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;
	const struct fix *fx;

	CHECK(p);
	CHECK_INT(add_port(&seen, 3000, "app_port_t"), 1);
	CHECK_INT(add_port(&seen, 5432, "db_port_t"), 1);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	CHECK_INT(tighten_exit_status(r), 3);
	CHECK_INT(r->nremovals, 0);
	CHECK_STR(r->catchall_stype, "web_t");
	/* one module holds both exact rules */
	CHECK_INT(r->nsteps, 1);
	fx = &r->steps[0].fix;
	CHECK_INT(fx->kind, FIX_MODULE);
	CHECK(command_shell_line(fx->cmds[0], line, sizeof(line)) >= 0);
	CHECK_STR(line, "printf '%s\\n' '; avcsnoop: web_t name_connect app_port_t:tcp_socket' "
			"'(allow web_t app_port_t (tcp_socket (name_connect)))' '; avcsnoop: web_t "
			"name_connect db_port_t:tcp_socket' '(allow web_t db_port_t (tcp_socket "
			"(name_connect)))' > tighten-web_t.cil");
	CHECK(access_on(r, 3000, "name_connect")->kept && access_on(r, 5432, "name_connect")->kept);
	/* then the catch-all, by hand: its module's name is not in the policy */
	CHECK(has_cmd(&r->catchall,
		      "sesearch -A -s web_t -t port_type -c tcp_socket -p name_connect"));
	CHECK_CONTAINS(text_of(r, false), "remove the catch-all of web_t");
	CHECK_CONTAINS(text_of(r, true), "\"by_hand\":true");
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* A broad grant on, but an access no acceptable fix keeps: refused, the access named */
TEST(tighten_refuses_a_plan_that_breaks_an_access)
{
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;
	const struct tighten_access *key;
	struct finding f;
	char *txt;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	CHECK_INT(add_port(&seen, 5432, "db_port_t"), 1);
	allowed(&f, 0, "tls_key_t", "dir", "search");
	CHECK_INT(finding_set_add(&seen, &f, NULL), 1);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_REFUSED);
	CHECK_INT(tighten_exit_status(r), 4);
	CHECK_INT(r->broken, 1);
	key = access_on(r, 0, "search");
	CHECK(key && !key->kept);
	CHECK(access_on(r, 5432, "name_connect")->kept);
	txt = text_of(r, false);
	CHECK_CONTAINS(txt, "plan refused, 1 access(es) would break");
	CHECK_CONTAINS(txt, "Refused: with these changes applied");
	CHECK_CONTAINS(txt, "web_t search tls_key_t (dir): denied on");
	CHECK_CONTAINS(txt, "Apply nothing of it");
	CHECK_CONTAINS(text_of(r, true), "\"outcome\":\"refused\"");
	CHECK_INT(policy_bool_get(p, "web_connect_any"), 1);
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* Two accesses needing a module: one module with both rules (two files of one module name
 * would replace each other when loaded)
 */
TEST(tighten_module_rules_share_one_module)
{
	char path[256], line[8192];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 };
	struct tighten_result *r = NULL;
	const struct tighten_access *a, *b;
	struct finding f;
	int i, modules = 0;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	CHECK_INT(add_port(&seen, 3000, "app_port_t"), 1);
	/* relabelling 40001 would take it from mail_t: a module too */
	CHECK_INT(add_port(&seen, 40001, "peer_port_t"), 1);
	/* web_t binds 9000 and connects to it: a relabel keeps both (web_port_t) */
	CHECK_INT(add_port(&seen, 9000, "listen_port_t"), 1);
	allowed(&f, 9000, "listen_port_t", "tcp_socket", "name_bind");
	CHECK_INT(finding_set_add(&seen, &f, NULL), 1);
	CHECK_INT(tighten(p, &seen, NULL, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	a = access_on(r, 3000, "name_connect");
	b = access_on(r, 40001, "name_connect");
	CHECK(a && b && a->step >= 0 && a->step == b->step);
	for (i = 0; i < r->nsteps; i++)
		modules += r->steps[i].fix.kind == FIX_MODULE;
	CHECK_INT(modules, 1);
	CHECK(command_shell_line(step_of(r, a)->cmds[0], line, sizeof(line)) >= 0);
	CHECK_CONTAINS(line, "'(allow web_t app_port_t (tcp_socket (name_connect)))'");
	CHECK_CONTAINS(line, "'(allow web_t peer_port_t (tcp_socket (name_connect)))'");
	/* the relabel of 9000 applies to its bind too, proved on the new label */
	a = access_on(r, 9000, "name_bind");
	CHECK(a && a->kept && a->step < 0);
	CHECK_CONTAINS(a->proof, "allowed on web_port_t");
	tighten_free(r);
	finding_set_free(&seen);
	policy_close(p);
}

/* Coverage: over which period, which processes, what is predicted, what would be cut */
TEST(tighten_says_what_it_saw)
{
	char path[256];
	struct policy *p = test_open_cil("tighten", path, sizeof(path));
	struct finding_set seen = { 0 }, pred = { 0 };
	struct tighten_result *r = NULL;
	struct finding f;
	char *txt;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	allowed(&f, 5432, "db_port_t", "tcp_socket", "name_connect");
	snprintf(f.comm, sizeof(f.comm), "web\x1b[2J");
	CHECK_INT(finding_set_add(&seen, &f, NULL), 1);
	/* the configuration also names 8080, never seen */
	allowed(&f, 8080, "cache_port_t", "tcp_socket", "name_connect");
	f.count = f.counts.total = 0;
	f.first_seen = f.last_seen = 0;
	CHECK_INT(finding_set_add(&pred, &f, NULL), 1);
	CHECK_INT(tighten(p, &seen, &pred, &r), 0);
	CHECK_INT(r->outcome, TIGHTEN_PLAN);
	CHECK_INT(r->nobserved, 1);
	CHECK_INT(r->npredicted, 1);
	CHECK(access_on(r, 8080, "name_connect")->predicted);
	CHECK(!access_on(r, 8080, "name_connect")->observed);
	CHECK(access_on(r, 8080, "name_connect")->kept);
	txt = text_of(r, false);
	CHECK_CONTAINS(txt, "Coverage: 1 access(es) observed (4 attempt(s)) from 2023-11-14 "
			    "22:13:20Z to 2023-11-21 22:13:20Z by web\\x1b[2J; 1 predicted from "
			    "the configuration.");
	CHECK_CONTAINS(txt, "(a nightly job, a failover upstream) would be cut by this plan");
	CHECK_CONTAINS(txt, "not seen; predicted by the configuration");
	CHECK(!strchr(txt, '\x1b'));
	CHECK_CONTAINS(
		text_of(r, true),
		"\"first_seen\":1700000000.000000,\"last_seen\":1700604800.000000,\"processes\":[");
	tighten_free(r);
	finding_set_free(&seen);
	finding_set_free(&pred);
	policy_close(p);
}
