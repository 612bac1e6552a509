// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Following SELinux while running: CIL policies swapped under a fake status source. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "enrich.h"
#include "event.h"
#include "recommend.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

struct fake_status {
	struct sel_status st;
	int updated;
	const char *path;
};

static int fake_updated(void *ctx)
{
	struct fake_status *f = ctx;
	int u = f->updated;

	f->updated = 0;
	return u;
}

static int fake_read(void *ctx, struct sel_status *out)
{
	*out = ((struct fake_status *)ctx)->st;
	return 0;
}

static const char *fake_policy(void *ctx)
{
	return ((struct fake_status *)ctx)->path;
}

/* bool_gate.cil with one boolean's default turned on, compiled next to the other test
 * policies (build/tests/policy/bool_gate_BOOLEAN.unit.policy)
 */
static int gate_with(const char *boolean, char *path, size_t sz)
{
	char cmd[1024];

	snprintf(path, sz, "build/tests/policy/bool_gate_%s.unit.policy", boolean);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p build/tests/policy && sed 's/(boolean %s false)/(boolean %s true)/' "
		 "%s/policy/bool_gate.cil > build/tests/policy/bool_gate_%s.cil && "
		 "secilc -M true -o %s -f /dev/null %s/policy/base.cil "
		 "build/tests/policy/bool_gate_%s.cil",
		 boolean, boolean, test_data_dir, boolean, path, test_data_dir, boolean);
	return system(cmd);
}

static void tcp_record(struct conn_record *r, unsigned int port)
{
	memset(r, 0, sizeof(*r));
	r->family = AVC_AF_INET;
	r->dport = (__u16)port;
	r->kernel_verdict = r->verdict = VERDICT_REFUSED;
}

static void cache_finding(struct finding *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "web");
	snprintf(f->scontext, sizeof(f->scontext), "system_u:system_r:web_t:s0");
	snprintf(f->tcontext, sizeof(f->tcontext), "system_u:object_r:cache_port_t:s0");
	snprintf(f->tclass, sizeof(f->tclass), "tcp_socket");
	snprintf(f->perms[0], sizeof(f->perms[0]), "name_connect");
	f->nperms = 1;
	f->family = AVC_AF_INET;
	snprintf(f->daddr, sizeof(f->daddr), "127.0.0.1");
	f->dport = 3005;
	f->verdict = VERDICT_SELINUX_DENIED;
	f->err = EACCES;
	f->count = 1;
}

static struct advice adv;

TEST(selstate_policy_load_is_followed)
{
	struct kernel_features kf = { 0 };
	char gate[256], ranking[256], relay[256];
	struct policy *p1 = test_open_cil("bool_gate", gate, sizeof(gate));
	struct policy *p2 = test_open_cil("ranking", ranking, sizeof(ranking));
	struct fake_status fs = { .st = { .enforcing = 1, .policyload = 1 }, .path = gate };
	struct sel_status_source src = { fake_updated, fake_read, fake_policy, &fs };
	struct enricher *enr = enricher_new(&kf, NULL);
	struct conn_record r;
	struct sel_change chg;
	struct finding f;
	char type[64];
	int i;

	CHECK(p1 && p2 && enr);
	policy_close(p1);
	policy_close(p2);
	CHECK_INT(gate_with("web_relay", relay, sizeof(relay)), 0);
	enricher_follow_source(enr, &src);
	tcp_record(&r, 3001);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "app_port_t");
	CHECK_INT(enricher_policy_seqno(enr), 1);
	/* nothing changed: no record, the same policy */
	CHECK_INT(enricher_follow(enr, &chg), 0);
	/* a policy load (semanage port, semodule): names come from the new policy at once */
	fs.st.policyload = 2;
	fs.path = ranking;
	fs.updated = 1;
	CHECK_INT(enricher_follow(enr, &chg), 1);
	CHECK(chg.policy_loaded && !chg.enforcing_changed);
	CHECK_INT(chg.before.policyload, 1);
	CHECK_INT(chg.after.policyload, 2);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "port_t");
	CHECK_INT(enricher_policy_seqno(enr), 2);
	/* setenforce 0: seen at once, no policy load */
	fs.st.enforcing = 0;
	fs.updated = 1;
	CHECK_INT(enricher_follow(enr, &chg), 1);
	CHECK(chg.enforcing_changed && !chg.policy_loaded);
	CHECK_INT(chg.after.enforcing, 0);
	/* advice follows a boolean commit: web_relay was the fix; once on, nothing to do */
	fs.path = gate;
	fs.st.policyload = 3;
	fs.updated = 1;
	CHECK_INT(enricher_follow(enr, &chg), 1);
	cache_finding(&f);
	CHECK_INT(recommend(enricher_policy(enr), &f, &adv), 0);
	CHECK(adv.nfixes > 0);
	for (i = 0; i < adv.nfixes && adv.fixes[i]->kind != FIX_BOOLEAN; i++)
		;
	CHECK(i < adv.nfixes);
	CHECK_STR(adv.fixes[i]->boolean, "web_relay");
	fs.path = relay;
	fs.st.policyload = 4;
	fs.updated = 1;
	CHECK_INT(enricher_follow(enr, &chg), 1);
	CHECK_INT(recommend(enricher_policy(enr), &f, &adv), 0);
	/* never the boolean that is already on: the policy now allows it */
	CHECK_INT(adv.nfixes, 1);
	CHECK_INT(adv.fixes[0]->kind, FIX_NOTE);
	CHECK_CONTAINS(adv.fixes[0]->then_text, "nothing is left to do");
	enricher_free(enr);
}

TEST(selstate_change_records)
{
	struct sel_change c = { .before = { 1, 7, 0 }, .after = { 0, 8, 0 }, .wall = 1.5 };
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *mem;

	c.enforcing_changed = c.policy_loaded = true;
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	sel_change_write_json(&j, &c);
	sel_change_print_text(mem, &c);
	fclose(mem);
	CHECK_CONTAINS(buf, "{\"type\":\"policy_change\",\"time\":1.500000,"
			    "\"policy_loaded\":true,\"seqno\":8,\"previous_seqno\":7,"
			    "\"mode\":\"permissive\",\"previous_mode\":\"enforcing\"");
	CHECK_CONTAINS(buf,
		       "-- SELinux changed: policy loaded or booleans committed (seqno 7 -> 8)");
	CHECK_CONTAINS(buf, "enforcing -> permissive");
	free(buf);
}

/*
 * Changes told in the events ring keep event order: the reader lags (the status page is
 * already ahead), yet an attempt read before the change record is named with the policy of
 * its time and one after it with the new one; the page's catch-up does not repeat a change
 * the ring carried, and catches one the ring lost.
 */
TEST(selstate_kernel_records_keep_event_order)
{
	struct kernel_features kf = { 0 };
	char gate[256], ranking[256];
	struct policy *p1 = test_open_cil("bool_gate", gate, sizeof(gate));
	struct policy *p2 = test_open_cil("ranking", ranking, sizeof(ranking));
	struct fake_status fs = { .st = { .enforcing = 1, .policyload = 1 }, .path = gate };
	struct sel_status_source src = { fake_updated, fake_read, fake_policy, &fs };
	struct enricher *enr = enricher_new(&kf, NULL);
	struct sel_status now;
	struct conn_record r;
	struct sel_change chg;
	char type[64];

	CHECK(p1 && p2 && enr);
	policy_close(p1);
	policy_close(p2);
	enricher_follow_source(enr, &src);
	tcp_record(&r, 3001);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "app_port_t");
	/* the kernel loaded policy 2 and the page says so, but the reader is behind: the
	 * attempt still queued before the change record is judged with policy 1
	 */
	fs.st.policyload = 2;
	fs.path = ranking;
	fs.updated = 1;
	CHECK_INT(enricher_status_peek(enr, &now), 1);
	CHECK_INT(now.policyload, 2);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "app_port_t");
	CHECK_INT(enricher_follow_kernel(enr, AVC_SEL_POLICYLOAD, 2, 42.5, &chg), 1);
	CHECK(chg.in_order && chg.policy_loaded && !chg.enforcing_changed);
	CHECK(chg.wall == 42.5);
	CHECK_INT(chg.before.policyload, 1);
	CHECK_INT(enricher_policy_seqno(enr), 2);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "port_t");
	/* the page's catch-up after the drain: the ring carried it, nothing more to say */
	CHECK_INT(enricher_follow_to(enr, &now, &chg), 0);
	/* a record the ring lost (full): the page catches it, marked as noticed late */
	fs.st.policyload = 3;
	fs.path = gate;
	fs.updated = 1;
	CHECK_INT(enricher_status_peek(enr, &now), 1);
	CHECK_INT(enricher_follow_to(enr, &now, &chg), 1);
	CHECK(!chg.in_order && chg.policy_loaded);
	enrich_port_type(enr, &r, type, sizeof(type));
	CHECK_STR(type, "app_port_t");
	/* setenforce in order; the same value again, or a kind this build does not know,
	 * is no change
	 */
	CHECK_INT(enricher_follow_kernel(enr, AVC_SEL_SETENFORCE, 0, 43.0, &chg), 1);
	CHECK(chg.enforcing_changed && !chg.policy_loaded && chg.after.enforcing == 0);
	CHECK_INT(enricher_follow_kernel(enr, AVC_SEL_SETENFORCE, 0, 43.5, &chg), 0);
	CHECK_INT(enricher_follow_kernel(enr, 99, 7, 44.0, &chg), 0);
	CHECK_INT(enricher_policy_seqno(enr), 3);
	enricher_free(enr);
}

static void hidden_record(struct conn_record *r)
{
	tcp_record(r, 3005);
	r->has_selinux = true;
	r->kernel_verdict = r->verdict = VERDICT_SELINUX_HIDDEN;
	snprintf(r->scontext, sizeof(r->scontext), "system_u:system_r:web_t:s0");
	snprintf(r->tcontext, sizeof(r->tcontext), "system_u:object_r:cache_port_t:s0");
	snprintf(r->tclass, sizeof(r->tclass), "tcp_socket");
	snprintf(r->perms[0], sizeof(r->perms[0]), "name_connect");
	r->nperms = 1;
}

/*
 * The kernel has moved on while attempts from before are still queued: they are judged with
 * the policy read at their time (why a denial was hidden: web_quiet's dontaudit, turned off
 * since), and when even that one is gone the record says on what it was judged.
 */
TEST(selstate_queued_attempts_judged_on_their_policy)
{
	struct kernel_features kf = { .selinux_enabled = true, .tp_selinux_audited = true };
	char quiet[256], gate[256], ranking[256], *buf = NULL;
	struct policy *p1 = test_open_cil("bool_gate", gate, sizeof(gate));
	struct policy *p2 = test_open_cil("ranking", ranking, sizeof(ranking));
	struct fake_status fs = { .st = { .enforcing = 1, .policyload = 1 } };
	struct sel_status_source src = { fake_updated, fake_read, fake_policy, &fs };
	struct enricher *enr = enricher_new(&kf, NULL);
	struct conn_record r;
	struct sel_change chg;
	size_t len = 0;
	struct json j;
	FILE *mem;

	CHECK(p1 && p2 && enr);
	policy_close(p1);
	policy_close(p2);
	CHECK_INT(gate_with("web_quiet", quiet, sizeof(quiet)), 0);
	fs.path = quiet;
	enricher_follow_source(enr, &src); /* reads policy 1 (web_quiet on) at once */
	/* web_quiet turned off (policy 2): the denial queued from before was hidden by it */
	fs.st.policyload = 2;
	fs.path = gate;
	hidden_record(&r);
	enrich_record(enr, &r);
	CHECK_INT(r.policy_seqno, 1);
	CHECK_INT(r.judged_seqno, 0);
	CHECK_INT(r.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK(r.hidden_by && !strcmp(r.hidden_by, "dontaudit"));
	/* two changes behind: the change record for 2 is read when the kernel is at 3, so the
	 * policy read then is 3's, and an attempt of 2's time says it was judged on 3
	 */
	fs.st.policyload = 3;
	fs.path = ranking;
	CHECK_INT(enricher_follow_kernel(enr, AVC_SEL_POLICYLOAD, 2, 1.0, &chg), 1);
	hidden_record(&r);
	enrich_record(enr, &r);
	CHECK_INT(r.policy_seqno, 2);
	CHECK_INT(r.judged_seqno, 3);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	print_json(&j, &r);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"policy_seqno\":2,\"judged_on_seqno\":3");
	free(buf);
	enricher_free(enr);
}
