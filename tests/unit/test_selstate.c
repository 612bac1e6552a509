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

/* bool_gate.cil with web_relay on, compiled next to the other test policies */
static int relay_on_policy(char *path, size_t sz)
{
	char cmd[1024];

	snprintf(path, sz, "build/tests/policy/bool_gate_relay.unit.policy");
	snprintf(
		cmd, sizeof(cmd),
		"mkdir -p build/tests/policy && sed 's/(boolean web_relay false)/(boolean web_relay "
		"true)/' %s/policy/bool_gate.cil > build/tests/policy/bool_gate_relay.cil && "
		"secilc -M true -o %s -f /dev/null %s/policy/base.cil "
		"build/tests/policy/bool_gate_relay.cil",
		test_data_dir, path, test_data_dir);
	return system(cmd);
}

static void tcp_record(struct conn_record *r, unsigned int port)
{
	memset(r, 0, sizeof(*r));
	r->family = AVC_AF_INET;
	r->port = (__u16)port;
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
	CHECK_INT(relay_on_policy(relay, sizeof(relay)), 0);
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
	for (i = 0; i < adv.nfixes && adv.fixes[i].kind != FIX_BOOLEAN; i++)
		;
	CHECK(i < adv.nfixes);
	CHECK_STR(adv.fixes[i].boolean, "web_relay");
	fs.path = relay;
	fs.st.policyload = 4;
	fs.updated = 1;
	CHECK_INT(enricher_follow(enr, &chg), 1);
	CHECK_INT(recommend(enricher_policy(enr), &f, &adv), 0);
	/* never the boolean that is already on: the policy now allows it */
	CHECK_INT(adv.nfixes, 1);
	CHECK_INT(adv.fixes[0].kind, FIX_NOTE);
	CHECK_CONTAINS(adv.fixes[0].then_text, "nothing is left to do");
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
	CHECK_CONTAINS(buf, "{\"type\":\"policy_change\",\"time\":\"1970-01-01T00:00:01.500000Z\","
			    "\"policy_loaded\":true,\"seqno\":8,\"previous_seqno\":7,"
			    "\"mode\":\"permissive\",\"previous_mode\":\"enforcing\"");
	CHECK_CONTAINS(buf,
		       "-- SELinux changed: policy loaded or booleans committed (seqno 7 -> 8)");
	CHECK_CONTAINS(buf, "enforcing -> permissive");
	free(buf);
}
