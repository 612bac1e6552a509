// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Whole-policy breadth: what a boolean flip or a port relabel changes for every domain, on
 * tests/policy/breadth.cil and on Debian's refpolicy when it is installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

TEST(breadth_nis_like_costs_more_than_targeted)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	struct policy_bool_cost nis, cache;
	struct policy_breadth own;

	CHECK(p);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "web_t", &nis), 0);
	CHECK_INT(policy_bool_cost(p, "web_cache", true, "web_t", &cache), 0);
	CHECK(nis.flips && cache.flips);
	/* portmap name_connect for 7 (mail_t has it), port_t name_bind for 7 (web_t has it) */
	CHECK_INT(nis.granted, 14);
	CHECK_INT(nis.granted_source, 1);
	CHECK_INT(nis.granted_others, 13);
	CHECK_INT(nis.domains_granted, 8);
	CHECK_INT(nis.other_domains_granted, 7);
	CHECK_INT(nis.revoked, 0);
	CHECK_INT(cache.granted, 2);
	CHECK_INT(cache.granted_source, 2);
	CHECK_INT(cache.granted_others, 0);
	CHECK_INT(cache.domains_granted, 1);
	CHECK_INT(cache.other_domains_granted, 0);
	/* for web_t alone the NIS-like boolean is the narrower one; over the policy, far wider */
	CHECK(nis.granted_source < cache.granted_source);
	CHECK(nis.granted >= 5 * cache.granted);
	/* the source-only measure agrees on web_t's share */
	CHECK_INT(policy_bool_breadth(p, "web_t", "nis_like", true, &own), 0);
	CHECK_INT(own.perms, nis.granted_source);
	CHECK_INT(policy_bool_breadth(p, "web_t", "web_cache", true, &own), 0);
	CHECK_INT(own.perms, cache.granted_source);
	/*
	 * The dontaudit over port_type (6 types) hides name_connect wherever it stays denied:
	 * web_t 3 (web, db and now portmap allowed), mail_t 4, cron_t 2, five others 5 each.
	 */
	CHECK(nis.dontaudit_rules_on >= 1);
	CHECK_INT(nis.hidden, 34);
	CHECK_INT(nis.revealed, 0);
	CHECK_INT(nis.domains, 8);
	CHECK_INT(cache.dontaudit_rules_on, 0);
	CHECK_INT(cache.hidden, 0);
	CHECK_INT(cache.allow_rules_on, 1);
	/* nothing was left flipped */
	CHECK_INT(policy_bool_get(p, "nis_like"), 0);
	CHECK_INT(policy_bool_get(p, "web_cache"), 0);
	policy_close(p);
}

TEST(breadth_else_branch_revokes_and_reveals)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	struct policy_bool_cost c;

	CHECK(p);
	/* web_lockdown on: its false branch (two allows) goes, its true branch (a dontaudit)
	 * comes: web_t's db_port_t name_connect is revoked and hidden, cron_t's revoked
	 */
	CHECK_INT(policy_bool_cost(p, "web_lockdown", true, "web_t", &c), 0);
	CHECK_INT(c.granted, 0);
	CHECK_INT(c.revoked, 2);
	CHECK_INT(c.revoked_source, 1);
	CHECK_INT(c.revoked_others, 1);
	CHECK_INT(c.domains_revoked, 2);
	CHECK_INT(c.other_domains_revoked, 1);
	CHECK_INT(c.allow_rules_off, 2);
	CHECK_INT(c.dontaudit_rules_on, 1);
	CHECK_INT(c.hidden, 1);
	CHECK_INT(c.domains, 2);
	/* asking for the value it has changes nothing */
	CHECK_INT(policy_bool_cost(p, "web_lockdown", false, "web_t", &c), 0);
	CHECK(!c.flips);
	CHECK_INT(c.granted + c.revoked + c.hidden + c.revealed + c.domains, 0);
	/*
	 * nis_like on, then off again: its 14 permissions are revoked, and name_connect denials
	 * on port_type come back to the log: web_t 4, mail_t 4, cron_t 3, five others 6 each.
	 */
	CHECK_INT(policy_bool_set(p, "nis_like", true), 0);
	CHECK_INT(policy_bool_cost(p, "nis_like", false, NULL, &c), 0);
	CHECK_INT(c.revoked, 14);
	CHECK_INT(c.domains_revoked, 8);
	CHECK_INT(c.other_domains_revoked, 8); /* no source: every domain is another */
	CHECK_INT(c.revoked_source, 0);
	CHECK(c.dontaudit_rules_off >= 1);
	CHECK_INT(c.revealed, 41);
	CHECK_INT(c.hidden, 0);
	policy_close(p);
}

TEST(breadth_cache_follows_the_other_booleans)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	static const char *const name_connect[] = { "name_connect" };
	struct policy_query q = { "web_t", "app_port_t", "tcp_socket", name_connect, 1 };
	struct policy_bool_effect e[8];
	struct policy_bool_cost c;

	CHECK(p);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "web_t", &c), 0);
	CHECK_INT(c.granted_source, 1);
	/* what-if questions that restore every boolean keep the cached answer valid */
	CHECK(policy_bool_sweep(p, &q, e, 8) >= 0);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "web_t", &c), 0);
	CHECK_INT(c.granted_source, 1);
	CHECK_INT(c.granted, 14);
	/* (nis_like && nis_extra): with nis_extra on, nis_like also opens app_port_t to web_t */
	CHECK_INT(policy_bool_set(p, "nis_extra", true), 0);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "web_t", &c), 0);
	CHECK_INT(c.granted_source, 2);
	CHECK_INT(c.granted, 15);
	CHECK_INT(c.hidden, 33);
	CHECK_INT(policy_bool_set(p, "nis_extra", false), 0);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "web_t", &c), 0);
	CHECK_INT(c.granted_source, 1);
	CHECK_INT(c.granted, 14);
	policy_close(p);
}

TEST(breadth_bool_cost_errors)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	struct policy_bool_cost c;

	CHECK(p);
	CHECK_INT(policy_bool_cost(p, "no_such_bool", true, "web_t", &c), -ENOENT);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "no_such_t", &c), -ENOENT);
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "nsswitch_domain", &c), -EINVAL);
	/* a context names its type */
	CHECK_INT(policy_bool_cost(p, "nis_like", true, "system_u:system_r:mail_t:s0", &c), 0);
	CHECK_INT(c.granted_source, 1);
	CHECK_INT(c.other_domains_granted, 7);
	policy_close(p);
}

TEST(breadth_relabel_gains_and_losses)
{
	char path[256];
	struct policy *p = test_open_cil("breadth", path, sizeof(path));
	struct policy_relabel_cost r;

	CHECK(p);
	/*
	 * 3000 app_port_t -> web_port_t: web_t gains name_connect, dns_t name_bind; mail_t loses
	 * name_connect, cron_t name_bind (it may name_connect to both).
	 */
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "web_port_t", &r), 0);
	CHECK_STR(r.old_type, "app_port_t");
	CHECK_STR(r.new_type, "web_port_t");
	CHECK_INT(r.domains_gaining, 2);
	CHECK_INT(r.domains_losing, 2);
	CHECK_INT(r.perms_gained, 2);
	CHECK_INT(r.perms_lost, 2);
	CHECK_INT(r.connect_gaining, 1);
	CHECK_INT(r.connect_losing, 1);
	CHECK_INT(r.bind_gaining, 1);
	CHECK_INT(r.bind_losing, 1);
	/* the losers, named: the port's own server (name_bind) first, then its clients */
	CHECK_INT(r.nlosers, 2);
	CHECK_STR(r.losers[0].domain, "cron_t");
	CHECK(r.losers[0].name_bind);
	CHECK(!r.losers[0].name_connect); /* it may name_connect web_port_t too */
	CHECK_STR(r.losers[1].domain, "mail_t");
	CHECK(r.losers[1].name_connect && !r.losers[1].name_bind);
	/* the same from the types alone (--verify after a relabel) */
	CHECK_INT(policy_port_type_change_cost(p, PROTO_TCP, "app_port_t", "web_port_t", &r), 0);
	CHECK_INT(r.domains_losing, 2);
	CHECK_INT(r.nlosers, 2);
	CHECK_STR(r.losers[0].domain, "cron_t");
	CHECK_INT(policy_port_type_change_cost(p, PROTO_TCP, "port_type", "web_port_t", &r),
		  -ENOENT);
	/* cache_port_t is reachable only through web_cache: the current booleans decide */
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "cache_port_t", &r), 0);
	CHECK_INT(r.domains_gaining, 0);
	CHECK_INT(r.domains_losing, 2);
	CHECK_INT(r.perms_lost, 3);
	CHECK_INT(r.nlosers, 2);
	CHECK_STR(r.losers[0].domain, "cron_t"); /* it loses both */
	CHECK(r.losers[0].name_bind && r.losers[0].name_connect);
	CHECK_INT(policy_bool_set(p, "web_cache", true), 0);
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "cache_port_t", &r), 0);
	CHECK_INT(r.domains_gaining, 1);
	CHECK_INT(r.perms_gained, 2);
	CHECK_INT(r.connect_gaining, 1);
	CHECK_INT(r.bind_gaining, 1);
	/* 999 has no portcon (port_t): web_t gains name_connect and loses name_bind */
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 999, "web_port_t", &r), 0);
	CHECK_STR(r.old_type, "port_t");
	CHECK_INT(r.domains_gaining, 3);
	CHECK_INT(r.domains_losing, 1);
	CHECK_INT(r.bind_losing, 1);
	/* no change, and errors */
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "app_port_t", &r), 0);
	CHECK_STR(r.old_type, "app_port_t");
	CHECK_INT(r.domains_gaining + r.domains_losing + r.perms_gained + r.perms_lost, 0);
	CHECK_INT(r.nlosers, 0);
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "no_such_t", &r), -ENOENT);
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "port_type", &r), -ENOENT);
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 70000, "web_port_t", &r), -EINVAL);
	policy_close(p);
}

/* ---- Debian's refpolicy ---- */

static double clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall and CPU time of a call: on a busy machine the CPU time is the one to compare. */
struct stopwatch {
	double wall, cpu;
};

static struct stopwatch stopwatch_start(void)
{
	return (struct stopwatch){ clock_ms(CLOCK_MONOTONIC), clock_ms(CLOCK_PROCESS_CPUTIME_ID) };
}

static struct stopwatch stopwatch_read(struct stopwatch start)
{
	return (struct stopwatch){ clock_ms(CLOCK_MONOTONIC) - start.wall,
				   clock_ms(CLOCK_PROCESS_CPUTIME_ID) - start.cpu };
}

static const char *refpolicy_path(void)
{
	const char *path = getenv("AVC_REFPOLICY");

	return path ? path : "/etc/selinux/default/policy/policy.33";
}

/* Opens refpolicy, or says why the test is skipped and returns NULL. */
static struct policy *open_refpolicy(void)
{
	struct policy *p = NULL;
	char err[512];

	if (access(refpolicy_path(), R_OK)) {
		printf("    skip: %s missing (apt-get install selinux-policy-default)\n",
		       refpolicy_path());
		return NULL;
	}
	if (policy_open(&p, refpolicy_path(), err, sizeof(err))) {
		printf("    skip: %s\n", err);
		return NULL;
	}
	return p;
}

struct measured {
	const char *boolean;
	struct policy_bool_cost cost;
	struct stopwatch first, cached;
};

static int measure(struct policy *p, struct measured *m)
{
	struct stopwatch t = stopwatch_start();
	int ret = policy_bool_cost(p, m->boolean, true, "httpd_t", &m->cost);

	m->first = stopwatch_read(t);
	if (ret)
		return ret;
	t = stopwatch_start();
	ret = policy_bool_cost(p, m->boolean, true, "httpd_t", &m->cost);
	m->cached = stopwatch_read(t);
	printf("    %-28s %3lu domains, %3lu perms to httpd_t, %5lu to %3lu others; dontaudit "
	       "rules %lu on %lu off, %6lu perms hidden %lu revealed; revoked %lu; %.2f ms "
	       "(CPU %.2f), cached %.3f ms\n",
	       m->boolean, m->cost.domains_granted, m->cost.granted_source, m->cost.granted_others,
	       m->cost.other_domains_granted, m->cost.dontaudit_rules_on,
	       m->cost.dontaudit_rules_off, m->cost.hidden, m->cost.revealed, m->cost.revoked,
	       m->first.wall, m->first.cpu, m->cached.wall);
	return ret;
}

TEST(breadth_refpolicy_httpd_booleans)
{
	struct measured m[] = {
		{ .boolean = "allow_ypbind" },
		{ .boolean = "httpd_can_network_connect" },
		{ .boolean = "httpd_can_network_relay" },
		{ .boolean = "httpd_can_network_connect_db" },
		{ .boolean = "httpd_graceful_shutdown" },
	};
	struct policy *p = open_refpolicy();
	struct policy_bool_cost warm;
	struct policy_breadth own;
	struct stopwatch t;
	size_t i;

	if (!p)
		return;
	/* the first call also indexes the policy's rules, once */
	t = stopwatch_start();
	CHECK_INT(policy_bool_cost(p, "httpd_enable_homedirs", true, "httpd_t", &warm), 0);
	t = stopwatch_read(t);
	printf("    first call (httpd_enable_homedirs), with the rule index: %.2f ms (CPU %.2f)\n",
	       t.wall, t.cpu);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		CHECK_INT(measure(p, &m[i]), 0);
		CHECK(m[i].cost.flips);
		/* httpd_t's share is what the source-only count (sepol_compute_av) finds */
		CHECK_INT(policy_bool_breadth(p, "httpd_t", m[i].boolean, true, &own), 0);
		CHECK_INT(own.perms, m[i].cost.granted_source);
		CHECK(m[i].first.cpu < 2000);
	}
	/* allow_ypbind: wider over the policy than all httpd_can_network_connect gives others */
	CHECK(m[0].cost.granted > m[1].cost.granted_others);
	CHECK(m[0].cost.other_domains_granted > 100);
	CHECK(m[0].cost.dontaudit_rules_on > 0 && m[0].cost.hidden > 0);
	/* ... though for httpd_t alone it is the narrower */
	CHECK(m[0].cost.granted_source < m[1].cost.granted_source);
	/* relay is narrower than connect, graceful_shutdown narrower still */
	CHECK(m[2].cost.granted < m[1].cost.granted);
	CHECK(m[4].cost.granted < m[2].cost.granted);
	CHECK_INT(m[2].cost.other_domains_granted, 0);
	policy_close(p);
}

TEST(breadth_refpolicy_relabel_3000)
{
	static const char *const types[] = { "http_port_t", "http_cache_port_t" };
	struct policy *p = open_refpolicy();
	struct policy_relabel_cost r;
	size_t i;

	if (!p)
		return;
	/* the first call also indexes the policy's rules, once */
	CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, "unreserved_port_t", &r), 0);
	for (i = 0; i < 2; i++) {
		struct stopwatch t = stopwatch_start();

		CHECK_INT(policy_port_relabel_cost(p, PROTO_TCP, 3000, types[i], &r), 0);
		t = stopwatch_read(t);
		printf("    tcp 3000 %s -> %s: %lu domains gain (%lu name_connect, %lu name_bind), "
		       "%lu lose (%lu name_connect, %lu name_bind); %lu perms gained, %lu lost; "
		       "%.2f ms (CPU %.2f)\n",
		       r.old_type, r.new_type, r.domains_gaining, r.connect_gaining, r.bind_gaining,
		       r.domains_losing, r.connect_losing, r.bind_losing, r.perms_gained,
		       r.perms_lost, t.wall, t.cpu);
		CHECK_STR(r.old_type, "ntop_port_t");
		CHECK(r.domains_gaining > 0);
		CHECK(r.connect_gaining > 0);
	}
	policy_close(p);
}
