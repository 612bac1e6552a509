// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>

#include "findings_io.h"
#include "test.h"

static int rd(const char *s, struct finding *f, char *err)
{
	return finding_read_json(s, strlen(s), f, err, 256);
}

TEST(findings_round_trip)
{
	struct finding in, out;
	char *buf = NULL, err[256];
	size_t len = 0;
	struct json j;
	FILE *mem;

	memset(&in, 0, sizeof(in));
	snprintf(in.comm, sizeof(in.comm), "ngi\"nx\n");
	in.pid = 4242;
	in.family = AVC_AF_INET6;
	snprintf(in.daddr, sizeof(in.daddr), "::1");
	in.dport = 3000;
	snprintf(in.scontext, sizeof(in.scontext), "system_u:system_r:httpd_t:s0");
	snprintf(in.tcontext, sizeof(in.tcontext), "system_u:object_r:ntop_port_t:s0");
	snprintf(in.tclass, sizeof(in.tclass), "tcp_socket");
	snprintf(in.perms[0], sizeof(in.perms[0]), "name_connect");
	snprintf(in.perms[1], sizeof(in.perms[1]), "write");
	in.nperms = 2;
	in.verdict = VERDICT_SELINUX_HIDDEN;
	in.err = EACCES;
	in.hidden = true;
	in.count = 17;
	in.first_seen = 1700000000.25;
	in.last_seen = 1700000009.5;
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	finding_write_json(&j, &in);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"type\":\"finding\"");
	CHECK_CONTAINS(buf, "\"dest\":\"[::1]:3000\"");
	CHECK_CONTAINS(buf, "\"source_type\":\"httpd_t\"");
	CHECK_CONTAINS(buf, "\"target_type\":\"ntop_port_t\"");
	CHECK_CONTAINS(buf, "\"verdict\":\"selinux_hidden\"");
	CHECK_CONTAINS(buf, "\"errno\":\"EACCES\"");
	CHECK_INT(rd(buf, &out, err), FINDING_READ_OK);
	CHECK_STR(out.comm, in.comm);
	CHECK_INT(out.pid, 4242);
	CHECK_INT(out.family, AVC_AF_INET6);
	CHECK_STR(out.daddr, "::1");
	CHECK_INT(out.dport, 3000);
	CHECK_STR(out.scontext, in.scontext);
	CHECK_STR(out.tcontext, in.tcontext);
	CHECK_STR(out.tclass, "tcp_socket");
	CHECK_INT(out.nperms, 2);
	CHECK_STR(out.perms[1], "write");
	CHECK_INT(out.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK_INT(out.err, EACCES);
	CHECK(out.hidden && !out.permissive);
	CHECK_INT(out.count, 17);
	CHECK(out.first_seen == in.first_seen && out.last_seen == in.last_seen);
	free(buf);
}

TEST(findings_accepts_connect_events_and_unknown_keys)
{
	struct finding f;
	char err[256];

	CHECK_INT(rd(" {\"type\":\"connect\",\"ts\":1.5,\"extra\":{\"a\":[1,2,{\"b\":null}]},"
		     "\"comm\":\"nginx\",\"family\":\"unix\",\"path\":\"\\u0000abstract\","
		     "\"verdict\":\"refused\",\"errno\":\"ECONNREFUSED\",\"selinux\":null} ",
		     &f, err),
		  FINDING_READ_OK);
	CHECK_STR(f.comm, "nginx");
	CHECK_INT(f.family, AVC_AF_UNIX);
	CHECK_STR(f.path, "@abstract");
	CHECK_INT(f.verdict, VERDICT_REFUSED);
	CHECK_INT(f.err, ECONNREFUSED);
	CHECK_INT(f.count, 1);
	CHECK_INT(rd("{\"type\":\"summary\",\"n\":3}", &f, err), FINDING_READ_OTHER);
	CHECK_INT(rd("{\"type\":\"finding\",\"verdict\":\"error\",\"errno\":\"E200\","
		     "\"comm\":\"caf\\u00e9\\u20ac\"}",
		     &f, err),
		  FINDING_READ_OK);
	CHECK_INT(f.err, 200);
	/* \u00XX is the byte XX (how user/escape.c writes raw bytes); above, UTF-8 */
	CHECK_STR(f.comm, "caf\xe9\xe2\x82\xac");
}

TEST(findings_malformed_lines_are_errors)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"type\":\"finding\"",
		"{\"type\":\"finding\",}",
		"{\"type\":\"finding\",\"verdict\":\"selinux_denied\"} x",
		"{\"type\":\"finding\",\"verdict\":\"no_such_verdict\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"pid\":-1}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"dport\":70000}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"dport\":1.5}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"hidden\":\"yes\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"comm\":\"a\\x\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"comm\":\"a\\ud800\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"comm\":\"a\tb\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"family\":\"ipx\"}",
		"{\"verdict\":\"refused\"}",
		"{\"type\":\"finding\"}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"x\":01}",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"x\":tru}",
		"[1,2]",
		"{\"type\":\"finding\",\"verdict\":\"refused\",\"selinux\":{\"perms\":[\"a\",]}}",
	};
	struct finding f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (rd(bad[i], &f, err) != -EINVAL) {
			FAIL_AT("accepted: %s", bad[i]);
			return;
		}
		if (strncmp(err, "byte ", 5)) {
			FAIL_AT("no position in error for %s: %s", bad[i], err);
			return;
		}
	}
}

TEST(findings_deep_nesting_and_long_strings)
{
	size_t n = 100000, i;
	char *s = malloc(n * 2 + 128), err[256];
	struct finding f;

	CHECK(s);
	i = (size_t)sprintf(s, "{\"type\":\"finding\",\"verdict\":\"refused\",\"x\":");
	memset(s + i, '[', n);
	memset(s + i + n, ']', n);
	strcpy(s + i + 2 * n, "}");
	CHECK_INT(rd(s, &f, err), -EINVAL);
	CHECK_CONTAINS(err, "nested");
	/* a comm longer than the field: refused with a reason, not cut */
	i = (size_t)sprintf(s, "{\"type\":\"finding\",\"verdict\":\"refused\",\"comm\":\"");
	memset(s + i, 'a', n);
	strcpy(s + i + n, "\"}");
	CHECK_INT(rd(s, &f, err), -EINVAL);
	CHECK_CONTAINS(err, "longer than");
	free(s);
}
