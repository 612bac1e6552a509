// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The recommender's rules, each against the CIL test policy (tests/policy/bool_gate.cil). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "recommend.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

static void port_finding(struct finding *f, unsigned int port, const char *ttype)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "web");
	snprintf(f->scontext, sizeof(f->scontext), "system_u:system_r:web_t:s0");
	snprintf(f->tcontext, sizeof(f->tcontext), "system_u:object_r:%s:s0", ttype);
	snprintf(f->tclass, sizeof(f->tclass), "tcp_socket");
	snprintf(f->perms[0], sizeof(f->perms[0]), "name_connect");
	f->nperms = 1;
	f->family = AVC_AF_INET;
	snprintf(f->daddr, sizeof(f->daddr), "127.0.0.1");
	f->dport = (uint16_t)port;
	f->verdict = VERDICT_SELINUX_DENIED;
	f->err = EACCES;
	f->count = 1;
}

static const struct fix *first_of(const struct advice *a, enum fix_kind kind)
{
	int i;

	for (i = 0; i < a->nfixes; i++)
		if (a->fixes[i].kind == kind)
			return &a->fixes[i];
	return NULL;
}

/* No advice may ever switch SELinux off or make a domain permissive. */
static bool never_off(const struct advice *a)
{
	int i, k;

	for (i = 0; i < a->nfixes; i++)
		for (k = 0; k < a->fixes[i].ncmds; k++)
			if (strstr(a->fixes[i].cmds[k], "setenforce") ||
			    strstr(a->fixes[i].cmds[k], "permissive"))
				return false;
	return true;
}

static struct advice adv; /* large: keep it off the stack */

TEST(recommend_narrowest_boolean_first)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	int i, nbool = 0;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_BOOLEAN);
	CHECK(fx);
	CHECK_STR(fx->boolean, "web_relay");
	CHECK_STR(fx->cmds[0], "setsebool -P web_relay 1");
	CHECK_INT(fx->breadth, 2);
	for (i = 0; i < adv.nfixes; i++) {
		if (adv.fixes[i].kind != FIX_BOOLEAN)
			continue;
		nbool++;
		if (!strcmp(adv.fixes[i].boolean, "web_connect_any"))
			CHECK_CONTAINS(adv.fixes[i].grant, "every TCP port");
	}
	CHECK_INT(nbool, 3);
	/* targeted booleans by measured breadth: web_relay (2) before web_relay_db (3), and the
	 * catch-all after both
	 */
	for (i = 0; i < adv.nfixes && adv.fixes[i].kind != FIX_BOOLEAN; i++)
		;
	CHECK(i + 2 < adv.nfixes);
	CHECK_STR(adv.fixes[i].boolean, "web_relay");
	CHECK_STR(adv.fixes[i + 1].boolean, "web_relay_db");
	CHECK_INT(adv.fixes[i + 1].breadth, 3);
	/* the targeted boolean ranks before everything else that changes policy */
	for (i = 0; i < adv.nfixes && adv.fixes[i].kind != FIX_BOOLEAN; i++)
		CHECK(adv.fixes[i].kind <= FIX_NOTE);
	CHECK(never_off(&adv));
	policy_close(p);
}

TEST(recommend_port_relabel_with_the_boolean_it_needs)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(fx->type, "web_port_t");
	CHECK_INT(fx->ncmds, 2);
	CHECK_STR(fx->cmds[0], "semanage port -a -t web_port_t -p tcp 3001");
	/* web_port_t is reachable only with web_relay: the relabel alone would not work */
	CHECK_STR(fx->cmds[1], "setsebool -P web_relay 1");
	/* only the catch-all boolean allows app_port_t itself: it ranks after the relabel */
	CHECK(adv.fixes[0].kind == FIX_PORT_RELABEL);
	CHECK(first_of(&adv, FIX_BOOLEAN));
	CHECK_STR(first_of(&adv, FIX_BOOLEAN)->boolean, "web_connect_any");
	CHECK(never_off(&adv));
	policy_close(p);
}

TEST(recommend_port_relabel_uses_m_for_local_label)
{
	char path[256];
	const char *local = "build/tests/policy/ports.local.recommend";
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;
	FILE *lf;

	CHECK(p);
	lf = fopen(local, "w");
	CHECK(lf);
	fprintf(lf, "portcon tcp 3001 system_u:object_r:app_port_t:s0\n");
	fclose(lf);
	policy_set_local_ports_file(p, local);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_PORT_RELABEL);
	CHECK(fx);
	CHECK_STR(fx->cmds[0], "semanage port -m -t web_port_t -p tcp 3001");
	unlink(local);
	policy_close(p);
}

TEST(recommend_unix_socket_fcontext)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	port_finding(&f, 0, "other_runtime_t");
	f.family = AVC_AF_UNIX;
	f.daddr[0] = '\0';
	snprintf(f.tclass, sizeof(f.tclass), "dir");
	snprintf(f.perms[0], sizeof(f.perms[0]), "search");
	snprintf(f.path, sizeof(f.path), "/run/back end/app.sock");
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = first_of(&adv, FIX_FCONTEXT);
	CHECK(fx);
	/* the policy's runtime type for web_t (pidfile), printed by its primary name */
	CHECK_STR(fx->type, "web_runtime_t");
	CHECK_STR(fx->cmds[0], "semanage fcontext -a -t web_runtime_t '/run/back end(/.*)?'");
	CHECK_STR(fx->cmds[1], "restorecon -Rv '/run/back end'");
	CHECK_CONTAINS(fx->then_text, "web_var_run_t");
	CHECK(never_off(&adv));
	policy_close(p);
}

TEST(recommend_local_module_is_last_and_complete)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK(adv.nfixes >= 2);
	fx = &adv.fixes[adv.nfixes - 1];
	CHECK_INT(fx->kind, FIX_MODULE);
	CHECK_CONTAINS(fx->cmds[0], "(allow web_t app_port_t (tcp_socket (name_connect)))");
	CHECK_CONTAINS(fx->cmds[0], "cat > my-web.cil <<'EOF'");
	CHECK_STR(fx->cmds[1], "semodule -i my-web.cil");
	policy_close(p);
}

TEST(recommend_hidden_denial_says_dontaudit)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	const struct fix *fx;
	struct finding f;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_quiet", true), 0);
	port_finding(&f, 3001, "app_port_t");
	f.verdict = VERDICT_SELINUX_HIDDEN;
	f.hidden = true;
	CHECK_INT(recommend(p, &f, &adv), 0);
	fx = &adv.fixes[0];
	CHECK_INT(fx->kind, FIX_HIDDEN_NOTE);
	CHECK_CONTAINS(fx->then_text, "dontaudit");
	CHECK_CONTAINS(fx->then_text, "audit log will stay silent");
	CHECK_CONTAINS(fx->why, "web_quiet=1");
	/* and the fixes still follow */
	CHECK(first_of(&adv, FIX_PORT_RELABEL));
	policy_close(p);
}

TEST(recommend_not_selinux_gets_no_selinux_advice)
{
	static const enum avc_verdict verdicts[] = { VERDICT_REFUSED, VERDICT_LSM_DENIED,
						     VERDICT_CGROUP_DENIED, VERDICT_ERROR,
						     VERDICT_TIMED_OUT };
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	size_t i;
	int k;

	CHECK(p);
	for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		port_finding(&f, 3001, "app_port_t");
		f.verdict = verdicts[i];
		f.err = verdicts[i] == VERDICT_REFUSED ? ECONNREFUSED : EACCES;
		CHECK_INT(recommend(p, &f, &adv), 0);
		CHECK_INT(adv.nfixes, 1);
		CHECK_INT(adv.fixes[0].kind, FIX_NOT_SELINUX);
		for (k = 0; k < adv.fixes[0].ncmds; k++) {
			CHECK(!strstr(adv.fixes[0].cmds[k], "setsebool"));
			CHECK(!strstr(adv.fixes[0].cmds[k], "semanage"));
			CHECK(!strstr(adv.fixes[0].cmds[k], "semodule"));
		}
	}
	/* no policy needed for them */
	CHECK_INT(recommend(NULL, &f, &adv), 0);
	CHECK_INT(adv.fixes[0].kind, FIX_NOT_SELINUX);
	policy_close(p);
}

TEST(recommend_already_allowed_is_a_note)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;

	CHECK(p);
	CHECK_INT(policy_bool_set(p, "web_connect_any", true), 0);
	port_finding(&f, 3001, "app_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	CHECK_INT(adv.nfixes, 1);
	CHECK_INT(adv.fixes[0].kind, FIX_NOTE);
	policy_close(p);
}

TEST(recommend_verify_follows_the_policy)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct verify_result v;
	struct finding f;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(v.checked);
	CHECK(!v.allowed);
	CHECK_INT(policy_bool_set(p, "web_relay", true), 0);
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(v.checked && v.allowed);
	/* the port's label is looked up again: 3001 is app_port_t, still denied */
	port_finding(&f, 3001, "web_port_t");
	CHECK_INT(recommend_verify(p, &f, &v), 0);
	CHECK(!v.allowed);
	CHECK_STR(v.target, "app_port_t");
	policy_close(p);
}

TEST(recommend_json_and_text_output)
{
	char path[256], *buf = NULL;
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct finding f;
	struct json j;
	size_t len = 0;
	FILE *mem;

	CHECK(p);
	port_finding(&f, 3005, "cache_port_t");
	CHECK_INT(recommend(p, &f, &adv), 0);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	advice_write_json(&j, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"type\":\"advice\"");
	CHECK_CONTAINS(buf, "\"kind\":\"boolean\"");
	CHECK_CONTAINS(buf, "\"commands\":[\"setsebool -P web_relay 1\"]");
	CHECK(buf[len - 1] == '\n' && !strchr(buf, '\n')[1]);
	free(buf);
	buf = NULL;
	mem = open_memstream(&buf, &len);
	advice_print_text(mem, &f, &adv);
	fclose(mem);
	CHECK_CONTAINS(buf, "\nIf you want web (web_t)");
	CHECK_CONTAINS(buf, "\nDo\n    setsebool -P web_relay 1\n");
	free(buf);
	policy_close(p);
}

TEST(recommend_shell_quote)
{
	char out[64];

	CHECK_INT(shell_quote(out, sizeof(out), "/run/backend"), 0);
	CHECK_STR(out, "/run/backend");
	CHECK_INT(shell_quote(out, sizeof(out), "/run/a b(/.*)?"), 0);
	CHECK_STR(out, "'/run/a b(/.*)?'");
	CHECK_INT(shell_quote(out, sizeof(out), "it's"), 0);
	CHECK_STR(out, "'it'\\''s'");
	CHECK_INT(shell_quote(out, sizeof(out), ""), 0);
	CHECK_STR(out, "''");
	CHECK_INT(shell_quote(out, sizeof(out), "$(reboot)"), 0);
	CHECK_STR(out, "'$(reboot)'");
	CHECK_INT(shell_quote(out, 4, "a b c"), -ENOSPC);
}
