// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Policy queries against small CIL policies compiled by secilc at test time. */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sepol/policydb.h>

#include "policy.h"
#include "policy_cost.h"
#include "policy_relabel.h"
#include "test.h"

/*
 * Compile tests/policy/base.cil + tests/policy/NAME.cil into build/tests/policy/NAME.policy
 * (once per run) and open it. Shared with test_recommend.c.
 */
struct policy *test_open_cil(const char *name, char *path, size_t pathsz)
{
	char cmd[1024], err[512];
	struct policy *p = NULL;

	snprintf(path, pathsz, "build/tests/policy/%s.unit.policy", name);
	snprintf(
		cmd, sizeof(cmd),
		"mkdir -p build/tests/policy && secilc -M true -o %s -f /dev/null %s/policy/base.cil "
		"%s/policy/%s.cil",
		path, test_data_dir, test_data_dir, name);
	if (system(cmd) != 0) {
		fprintf(stderr, "    secilc failed: %s\n", cmd);
		return NULL;
	}
	if (policy_open(&p, path, err, sizeof(err))) {
		fprintf(stderr, "    policy_open: %s\n", err);
		return NULL;
	}
	return p;
}

static const char *const name_connect[] = { "name_connect" };

TEST(policy_port_range_and_specific_override)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct port_label pl;

	CHECK(p);
	CHECK_INT(policy_port_lookup(p, PROTO_TCP, 3001, &pl), 0);
	CHECK_STR(pl.type, "app_port_t");
	CHECK_INT(pl.low, 3000);
	CHECK_INT(pl.high, 3010);
	CHECK_STR(pl.context, "system_u:object_r:app_port_t:s0");
	/* 3005 lies in 3000-3010 but has its own entry: the specific one wins */
	CHECK_INT(policy_port_lookup(p, PROTO_TCP, 3005, &pl), 0);
	CHECK_STR(pl.type, "cache_port_t");
	CHECK_INT(policy_port_lookup(p, PROTO_TCP, 80, &pl), 0);
	CHECK_STR(pl.type, "web_port_t");
	/* no portcon: the "port" initial SID */
	CHECK_INT(policy_port_lookup(p, PROTO_TCP, 999, &pl), 0);
	CHECK_STR(pl.type, "port_t");
	CHECK_INT(policy_port_lookup(p, PROTO_UDP, 3001, &pl), 0);
	CHECK_STR(pl.type, "port_t");
	CHECK_INT(policy_port_lookup(p, PROTO_TCP, 70000, &pl), -EINVAL);
	policy_close(p);
}

TEST(policy_port_ranges_listed)
{
	char path[256], buf[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));

	CHECK(p);
	CHECK_INT(policy_port_ranges(p, PROTO_TCP, "app_port_t", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "3000-3010");
	policy_close(p);
}

TEST(policy_local_ports_file)
{
	char path[256], type[64];
	const char *local = "build/tests/policy/ports.local.unit";
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	FILE *f;

	CHECK(p);
	CHECK_INT(policy_port_local(p, PROTO_TCP, 3001, type, sizeof(type)), -ENOENT);
	f = fopen(local, "w");
	CHECK(f);
	fprintf(f, "portcon tcp 3001 system_u:object_r:web_port_t:s0\n"
		   "portcon udp 53 system_u:object_r:app_port_t:s0\n");
	fclose(f);
	policy_set_local_ports_file(p, local);
	CHECK_INT(policy_port_local(p, PROTO_TCP, 3001, type, sizeof(type)), 1);
	CHECK_STR(type, "web_port_t");
	CHECK_INT(policy_port_local(p, PROTO_TCP, 3002, type, sizeof(type)), 0);
	CHECK_INT(policy_port_local(p, PROTO_TCP, 53, type, sizeof(type)), 0);
	policy_close(p);
	unlink(local);
}

TEST(policy_type_alias_both_ways)
{
	char path[256], buf[128];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	static const char *const search[] = { "search" };
	struct policy_query q = { "web_t", "web_var_run_t", "dir", search, 1 };
	struct policy_decision d;

	CHECK(p);
	CHECK_INT(policy_type_primary(p, "web_var_run_t", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "web_runtime_t");
	CHECK_INT(policy_type_primary(p, "web_runtime_t", buf, sizeof(buf)), 0);
	CHECK_STR(buf, "web_runtime_t");
	CHECK_INT(policy_type_aliases(p, "web_runtime_t", buf, sizeof(buf)), 1);
	CHECK_STR(buf, "web_var_run_t");
	CHECK_INT(policy_type_primary(p, "no_such_t", buf, sizeof(buf)), -ENOENT);
	/* an alias is accepted in queries */
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(d.allowed);
	policy_close(p);
}

TEST(policy_boolean_gated_allow)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct policy_query q = { "system_u:system_r:web_t:s0", "system_u:object_r:cache_port_t:s0",
				  "tcp_socket", name_connect, 1 };
	struct policy_decision d;

	CHECK(p);
	CHECK_INT(policy_bool_get(p, "web_relay"), 0);
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(!d.allowed);
	CHECK(d.reason & POLICY_REASON_TE);
	CHECK_STR(d.denied_perms, "name_connect");
	CHECK_INT(policy_bool_set(p, "web_relay", true), 0);
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(d.allowed);
	CHECK_INT(policy_bool_set(p, "web_relay", false), 0);
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(!d.allowed);
	CHECK_INT(policy_bool_set(p, "no_such_bool", true), -ENOENT);
	policy_close(p);
}

TEST(policy_audit2why_sweep_and_breadth)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct policy_query q = { "web_t", "cache_port_t", "tcp_socket", name_connect, 1 };
	struct policy_bool_effect e[8];
	struct policy_breadth relay, any;
	bool saw_relay = false, saw_any = false;
	int n, i;

	CHECK(p);
	n = policy_bool_sweep(p, &q, e, 8);
	CHECK(n >= 2);
	for (i = 0; i < n; i++) {
		if (!strcmp(e[i].name, "web_relay"))
			saw_relay = e[i].allows && e[i].value;
		if (!strcmp(e[i].name, "web_connect_any"))
			saw_any = e[i].allows && e[i].value;
	}
	CHECK(saw_relay);
	CHECK(saw_any);
	/* the sweep restored every boolean */
	CHECK_INT(policy_bool_get(p, "web_relay"), 0);
	CHECK_INT(policy_bool_get(p, "web_connect_any"), 0);
	/* app_port_t: only the broad one */
	q.target = "app_port_t";
	n = policy_bool_sweep(p, &q, e, 8);
	for (i = 0; i < n; i++)
		CHECK(strcmp(e[i].name, "web_relay") || !e[i].allows);
	/* narrow: 2 (cache, web ports); broad: every port type for name_connect + packets */
	CHECK_INT(policy_bool_breadth(p, "web_t", "web_relay", true, &relay), 0);
	CHECK_INT(policy_bool_breadth(p, "web_t", "web_connect_any", true, &any), 0);
	CHECK_INT(relay.perms, 2);
	CHECK(any.perms > relay.perms);
	/* six port types (port_t + five) x (tcp_socket name_connect, packet send recv) */
	CHECK_INT(any.targets, 12);
	CHECK_INT(any.perms, 18);
	policy_close(p);
}

TEST(policy_conditional_dontaudit)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct policy_query q = { "web_t", "app_port_t", "tcp_socket", name_connect, 1 };
	struct policy_bool_effect e[8];
	struct policy_decision d;
	bool hides = false;
	int n, i;

	CHECK(p);
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(!d.allowed);
	CHECK(!d.dontaudit);
	n = policy_bool_sweep(p, &q, e, 8);
	for (i = 0; i < n; i++)
		if (!strcmp(e[i].name, "web_quiet"))
			hides = e[i].hides && !e[i].allows;
	CHECK(hides);
	CHECK_INT(policy_bool_set(p, "web_quiet", true), 0);
	CHECK_INT(policy_check(p, &q, &d), 0);
	CHECK(!d.allowed);
	CHECK(d.dontaudit);
	/* and now the sweep says flipping it back reveals the denial */
	n = policy_bool_sweep(p, &q, e, 8);
	hides = false;
	for (i = 0; i < n; i++)
		if (!strcmp(e[i].name, "web_quiet"))
			hides = e[i].reveals;
	CHECK(hides);
	policy_close(p);
}

TEST(policy_connectable_ports)
{
	char path[256], names[16][POLICY_NAME_LEN];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	int universe = 0;

	CHECK(p);
	CHECK_INT(policy_connectable_ports(p, "web_t", NULL, false, names, 16, &universe), 0);
	CHECK_INT(universe, 6);
	CHECK_INT(policy_connectable_ports(p, "web_t", "web_relay", true, names, 16, NULL), 2);
	CHECK_STR(names[0], "cache_port_t");
	CHECK_STR(names[1], "web_port_t");
	CHECK_INT(policy_connectable_ports(p, "web_t", "web_connect_any", true, names, 16, NULL),
		  6);
	CHECK_INT(policy_bool_get(p, "web_connect_any"), 0);
	policy_close(p);
}

TEST(policy_class_and_perm_names)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	uint32_t a, b;
	uint16_t c;

	CHECK(p);
	CHECK_INT(policy_class_value(p, "tcp_socket", &c), 0);
	CHECK_INT(policy_perm_mask(p, "tcp_socket", "name_connect", &a), 0);
	CHECK_INT(policy_perm_mask(p, "tcp_socket", "name_bind", &b), 0);
	CHECK(a && b && a != b);
	CHECK_INT(policy_class_value(p, "no_such_class", &c), -ENOENT);
	CHECK_INT(policy_perm_mask(p, "tcp_socket", "no_such_perm", &a), -ENOENT);
	policy_close(p);
}

TEST(policy_open_errors_are_sentences)
{
	char path[256], err[512], trunc[] = "build/tests/policy/truncated.unit.policy";
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct policy *q = NULL;
	char buf[4096];
	FILE *in, *out;
	size_t n;

	CHECK(p);
	policy_close(p);
	CHECK_INT(policy_open(&q, "/nonexistent/policy.33", err, sizeof(err)), -ENOENT);
	CHECK(!q);
	CHECK_CONTAINS(err, "cannot open");
	snprintf(buf, sizeof(buf), "%s/policy/base.cil", test_data_dir);
	CHECK(policy_open(&q, buf, err, sizeof(err)) < 0);
	CHECK_CONTAINS(err, "not a binary SELinux policy");
	/* a policy cut short: libsepol must say so, not crash */
	in = fopen(path, "r");
	out = fopen(trunc, "w");
	CHECK(in && out);
	n = fread(buf, 1, sizeof(buf), in);
	fwrite(buf, 1, n / 2, out);
	fclose(in);
	fclose(out);
	CHECK(policy_open(&q, trunc, err, sizeof(err)) < 0);
	CHECK(!q);
	CHECK(err[0] != '\0');
	unlink(trunc);
}

/* The header of a binary policy as libsepol documents it (policydb.h): the magic, the length
 * of the identifier "SE Linux", the identifier, the version; the rest is not read.
 */
static bool write_policy_header(const char *path, unsigned int version)
{
	const unsigned char ident[] = "SE Linux";
	const uint32_t w[2] = { htole32(0xf97cff8c), htole32(sizeof(ident) - 1) };
	const uint32_t v = htole32(version), body[4] = { 0 };
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(w, sizeof(w), 1, f) == 1 && fwrite(ident, sizeof(ident) - 1, 1, f) == 1 &&
	     fwrite(&v, sizeof(v), 1, f) == 1 && fwrite(body, sizeof(body), 1, f) == 1;
	return fclose(f) == 0 && ok;
}

/* Issue 11: Debian 13's on-disk policy.34 and Debian 12's libsepol (15-33). */
TEST(policy_open_version_beyond_libsepol_names_versions_and_alternatives)
{
	const char *path = "build/tests/policy/version.unit.policy";
	int min = sepol_policy_kern_vers_min(), max = sepol_policy_kern_vers_max();
	unsigned int newer[2] = { (unsigned int)max + 1, 34 };
	char err[512], want[128];
	struct policy *q = NULL;
	int i;

	CHECK(mkdir("build/tests/policy", 0755) == 0 || errno == EEXIST);
	for (i = 0; i < 2; i++) {
		if (newer[i] <= (unsigned int)max) /* a libsepol that reads 34 has no such case */
			continue;
		CHECK(write_policy_header(path, newer[i]));
		CHECK_INT(policy_open(&q, path, err, sizeof(err)), -EPROTONOSUPPORT);
		CHECK(!q);
		snprintf(want, sizeof(want),
			 "%s: policy version %u: the libsepol avcsnoop was built with", path,
			 newer[i]);
		CHECK_CONTAINS(err, want);
		snprintf(want, sizeof(want), "reads versions %d-%d only. Use", min, max);
		CHECK_CONTAINS(err, want);
		CHECK_CONTAINS(err, "the live policy instead (run without --policy: "
				    "/sys/fs/selinux/policy");
		snprintf(want, sizeof(want), "against a libsepol that reads version %u", newer[i]);
		CHECK_CONTAINS(err, want);
	}
	CHECK(write_policy_header(path, (unsigned int)min - 1));
	CHECK_INT(policy_open(&q, path, err, sizeof(err)), -EPROTONOSUPPORT);
	snprintf(
		want, sizeof(want),
		"policy version %d: the libsepol avcsnoop was built with reads versions %d-%d only",
		min - 1, min, max);
	CHECK_CONTAINS(err, want);
	CHECK(!strstr(err, "rebuild"));
	/* the control: the same header with a version it reads gets past the header, and the
	 * empty body is libsepol's to refuse
	 */
	CHECK(write_policy_header(path, (unsigned int)max));
	CHECK(policy_open(&q, path, err, sizeof(err)) < 0);
	CHECK(!strstr(err, "policy version"));
	CHECK_CONTAINS(err, "libsepol could not read");
	unlink(path);
}
