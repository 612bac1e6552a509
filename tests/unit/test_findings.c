// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "finding_set.h"
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

/* a finding line with one extra member "key":value (value as written) */
static int rd_member(const char *member, struct finding *f, char *err)
{
	char line[512];

	snprintf(line, sizeof(line), "{\"type\":\"finding\",\"verdict\":\"refused\",%s}", member);
	return rd(line, f, err);
}

TEST(findings_numbers_at_their_limits_are_read_exactly)
{
	struct finding f;
	char err[256];

	CHECK_INT(
		rd_member("\"pid\":4294967295,\"dport\":65535,\"count\":9007199254740991", &f, err),
		FINDING_READ_OK);
	CHECK(f.pid == UINT32_MAX && f.dport == UINT16_MAX && f.count == FINDING_COUNT_MAX);
	CHECK_INT(rd_member("\"pid\":0,\"dport\":0,\"count\":0,\"first_seen\":0,\"last_seen\":0",
			    &f, err),
		  FINDING_READ_OK);
	CHECK(!f.pid && !f.dport && !f.count && f.first_seen == 0 && f.last_seen == 0);
	CHECK_INT(rd_member("\"first_seen\":253402300799,\"last_seen\":2.53402300799E11", &f, err),
		  FINDING_READ_OK);
	CHECK(f.first_seen == FINDING_TIME_MAX && f.last_seen == FINDING_TIME_MAX);
	CHECK_INT(rd_member("\"first_seen\":1e-400,\"errno\":\"E4095\"", &f, err), FINDING_READ_OK);
	CHECK(f.first_seen == 0 && f.err == FINDING_ERRNO_MAX);
}

TEST(findings_out_of_range_numbers_are_refused_where_they_start)
{
	static const struct {
		const char *member, *why;
	} bad[] = {
		{ "\"pid\":4294967296", "pid out of range: 0..4294967295" },
		{ "\"pid\":-0", "pid out of range" },
		{ "\"pid\":18446744073709551617", "pid out of range" },
		{ "\"dport\":65536", "dport out of range: 0..65535" },
		{ "\"count\":9007199254740992", "count out of range: 0..9007199254740991" },
		{ "\"count\":18446744073709551615", "count out of range" },
		{ "\"count\":1e3", "count must be an integer" },
		{ "\"count\":3.0", "count must be an integer" },
		{ "\"count\":12345678901234567890123456789012345678901234567890123456789012345",
		  "number longer than 63 bytes" },
		{ "\"first_seen\":1.5E201000",
		  "first_seen out of range (unix seconds): 0..253402300799" },
		{ "\"first_seen\":-1E400", "first_seen out of range" },
		{ "\"last_seen\":-0.5", "last_seen out of range" },
		{ "\"last_seen\":253402300799.5", "last_seen out of range" },
		{ "\"last_seen\":\"1700000000\"", "last_seen: expected a number" },
		{ "\"errno\":\"E4096\"", "unknown errno \"E4096\" (a name, or E1..E4095)" },
		{ "\"errno\":\"E4294967298\"", "unknown errno" },
		{ "\"errno\":\"E1x\"", "unknown errno" },
		{ "\"errno\":\"E0\"", "unknown errno" },
	};
	/* 1-based position of the member in rd_member's line; the error names its value's */
	const size_t member_at = sizeof("{\"type\":\"finding\",\"verdict\":\"refused\",");
	struct finding f;
	char err[256], want[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *colon = strchr(bad[i].member, ':');

		err[0] = '\0';
		if (rd_member(bad[i].member, &f, err) != -EINVAL) {
			FAIL_AT("accepted: %s", bad[i].member);
			return;
		}
		snprintf(want, sizeof(want),
			 "byte %zu: ", member_at + (size_t)(colon - bad[i].member) + 1);
		if (strncmp(err, want, strlen(want)) || !strstr(err, bad[i].why)) {
			FAIL_AT("%s: error \"%s\", expected \"%s%s...\"", bad[i].member, err, want,
				bad[i].why);
			return;
		}
	}
}

TEST(findings_writer_never_writes_a_number_the_reader_refuses)
{
	static const double times[] = { INFINITY, -INFINITY, NAN, -1, -0.0, 1e300, 253402300799.5 };
	struct finding in, out;
	char *buf = NULL, err[256];
	size_t len = 0, i;
	struct json j;
	FILE *mem;

	memset(&in, 0, sizeof(in));
	in.verdict = VERDICT_SELINUX_DENIED;
	in.pid = UINT32_MAX;
	in.dport = UINT16_MAX;
	in.count = UINT64_MAX;
	in.err = -FINDING_ERRNO_MAX - 1;
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		in.first_seen = times[i];
		in.last_seen = FINDING_TIME_MAX;
		mem = open_memstream(&buf, &len);
		CHECK(mem);
		json_init(&j, mem);
		finding_write_json(&j, &in);
		fclose(mem);
		CHECK_CONTAINS(buf, "\"count\":9007199254740991,");
		/* no error: null, and its number 0 (never the string "0") */
		CHECK_CONTAINS(buf, "\"errno\":null,\"errno_code\":0,");
		/* unrepresentable times are written as 0, "unknown"; the limit itself is kept */
		CHECK_CONTAINS(buf, "\"first_seen\":0.000000,");
		CHECK_CONTAINS(buf, "\"last_seen\":253402300799.000000,");
		if (rd(buf, &out, err) != FINDING_READ_OK) {
			FAIL_AT("written %s, read back: %s", buf, err);
			free(buf);
			return;
		}
		CHECK(out.count == FINDING_COUNT_MAX && out.pid == UINT32_MAX &&
		      out.dport == UINT16_MAX && out.err == 0);
		CHECK(out.first_seen == 0 && out.last_seen == FINDING_TIME_MAX);
		free(buf);
		buf = NULL;
	}
	/* an errno without a name is written as E<n> and read back as n */
	in.err = FINDING_ERRNO_MAX;
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	finding_write_json(&j, &in);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"errno\":\"E4095\"");
	CHECK_INT(rd(buf, &out, err), FINDING_READ_OK);
	CHECK_INT(out.err, FINDING_ERRNO_MAX);
	free(buf);
}

/* The operation travels with a finding: bind() failures that are not SELinux's (no
 * permission to tell them) stay apart from connect()'s to the same port.
 */
TEST(findings_op_round_trip_and_key)
{
	struct finding in, out, conn;
	char *buf = NULL, err[256], kb[FINDING_KEY_LEN], kc[FINDING_KEY_LEN];
	size_t len = 0;
	struct json j;
	FILE *mem;

	memset(&in, 0, sizeof(in));
	snprintf(in.comm, sizeof(in.comm), "nginx");
	in.family = AVC_AF_INET;
	snprintf(in.daddr, sizeof(in.daddr), "0.0.0.0");
	in.dport = 8081;
	in.verdict = VERDICT_ERROR;
	in.err = EADDRINUSE;
	in.count = 1;
	in.op = AVC_OP_BIND;
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	finding_write_json(&j, &in);
	fclose(mem);
	CHECK_CONTAINS(buf, "\"type\":\"finding\",\"op\":\"bind\"");
	CHECK_INT(rd(buf, &out, err), FINDING_READ_OK);
	CHECK_INT(out.op, AVC_OP_BIND);
	free(buf);
	conn = in;
	conn.op = AVC_OP_CONNECT;
	CHECK(finding_key(&in, kb, sizeof(kb)) > 0);
	CHECK(finding_key(&conn, kc, sizeof(kc)) > 0);
	CHECK(strcmp(kb, kc) != 0);
	/* a line without "op" is a connect (findings files written before bind() was traced) */
	CHECK_INT(rd("{\"type\":\"finding\",\"verdict\":\"refused\",\"errno\":\"ECONNREFUSED\"}",
		     &out, err),
		  FINDING_READ_OK);
	CHECK_INT(out.op, AVC_OP_CONNECT);
	CHECK_INT(rd("{\"type\":\"finding\",\"op\":\"listen\",\"verdict\":\"error\"}", &out, err),
		  -EINVAL);
	CHECK_CONTAINS(err, "unknown op \"listen\" (connect or bind)");
}
