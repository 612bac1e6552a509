// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>

#include "auditlog.h"
#include "test.h"

static int parse(const char *line, struct finding *f, char *err)
{
	return auditlog_parse_line(line, strlen(line), f, err, 256);
}

TEST(auditlog_audit_log_line)
{
	struct finding f;
	char err[256];

	CHECK_INT(parse("type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } "
			"for  pid=169 comm=\"nginx\" dest=3000 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.comm, "nginx");
	CHECK_INT(f.pid, 169);
	CHECK_INT(f.dport, 3000);
	CHECK_STR(f.scontext, "system_u:system_r:httpd_t:s0");
	CHECK_STR(f.tcontext, "system_u:object_r:ntop_port_t:s0");
	CHECK_STR(f.tclass, "tcp_socket");
	CHECK_INT(f.nperms, 1);
	CHECK_STR(f.perms[0], "name_connect");
	CHECK_INT(f.verdict, VERDICT_SELINUX_DENIED);
	CHECK_INT(f.err, EACCES);
	CHECK_INT(f.family, AVC_AF_INET);
	CHECK(!f.permissive);
	CHECK(f.first_seen > 1700000000.1 && f.first_seen < 1700000000.2);
	CHECK_INT(f.origin, ORIGIN_AUDIT);
}

TEST(auditlog_kernel_printk_and_kmsg_prefixes)
{
	static const char *const lines[] = {
		"[   12.345678] audit: type=1400 audit(1700000000.500:7): avc:  denied  { "
		"name_connect } for  pid=5 comm=\"nginx\" dest=8080 "
		"scontext=system_u:system_r:httpd_t:s0 "
		"tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0",
		"6,1234,5678901,-;audit: type=1400 audit(1700000000.500:7): avc:  denied  { "
		"name_connect } for  pid=5 comm=\"nginx\" dest=8080 "
		"scontext=system_u:system_r:httpd_t:s0 "
		"tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0",
		"node=web1 type=AVC msg=audit(1700000000.500:7): avc:  denied  { name_connect } for  "
		"pid=5 comm=\"nginx\" dest=8080 scontext=system_u:system_r:httpd_t:s0 "
		"tcontext=system_u:object_r:http_cache_port_t:s0 tclass=tcp_socket permissive=0",
	};
	struct finding f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CHECK_INT(parse(lines[i], &f, err), AUDITLOG_FINDING);
		CHECK_INT(f.dport, 8080);
		CHECK_STR(f.tcontext, "system_u:object_r:http_cache_port_t:s0");
	}
}

TEST(auditlog_ausearch_interpreted)
{
	struct finding f;
	char err[256];

	CHECK_INT(parse("type=AVC msg=audit(11/14/2023 22:13:20.123:456) : avc:  denied  { "
			"name_connect } for  pid=169 comm=nginx dest=3000 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.comm, "nginx");
	CHECK(f.first_seen > 1690000000);
}

/* a time the findings reader would refuse is "unknown" (0), the record still a finding */
TEST(auditlog_out_of_range_time_is_unknown)
{
	static const char *const stamps[] = { "1.5E201000:1", "1e999:1", "253402300800.5:1",
					      "12/31/99999 23:59:59.000:1" };
	char line[512], err[256];
	struct finding f;
	size_t i;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		snprintf(line, sizeof(line),
			 "type=AVC msg=audit(%s): avc:  denied  { name_connect } for  pid=1 "
			 "comm=\"a\" dest=1 scontext=u:r:a_t:s0 tcontext=u:object_r:b_t:s0 "
			 "tclass=tcp_socket permissive=0",
			 stamps[i]);
		CHECK_INT(parse(line, &f, err), AUDITLOG_FINDING);
		if (f.first_seen != 0 || f.last_seen != 0) {
			FAIL_AT("audit(%s): first_seen %g", stamps[i], f.first_seen);
			return;
		}
	}
	CHECK_INT(parse("type=AVC msg=audit(253402300799.000:1): avc:  denied  { name_connect } "
			"for  pid=1 comm=\"a\" dest=1 scontext=u:r:a_t:s0 "
			"tcontext=u:object_r:b_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK(f.first_seen == FINDING_TIME_MAX);
}

TEST(auditlog_hex_comm_and_permissive)
{
	struct finding f;
	char err[256];

	CHECK_INT(parse("type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 "
			"comm=6E67696E78 dest=3000 scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=1",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.comm, "nginx");
	CHECK(f.permissive);
	CHECK_INT(f.verdict, VERDICT_SELINUX_PERMISSIVE);
	/* a comm with a space is hex-encoded by the kernel */
	CHECK_INT(parse("type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 "
			"comm=6D7920617070 dest=3000 scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.comm, "my app");
}

TEST(auditlog_dir_and_sock_file_fields)
{
	struct finding f;
	char err[256];

	CHECK_INT(parse("type=AVC msg=audit(1700000000.1:2): avc:  denied  { search write } for  "
			"pid=9 comm=\"nginx\" name=\"backend\" dev=\"tmpfs\" ino=123 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:initrc_runtime_t:s0 tclass=dir permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.nperms, 2);
	CHECK_STR(f.perms[0], "search");
	CHECK_STR(f.perms[1], "write");
	CHECK_STR(f.path, "backend");
	CHECK_INT(f.family, AVC_AF_UNIX);
	CHECK_INT(parse("type=AVC msg=audit(1700000000.1:2): avc:  denied  { connectto } for  "
			"pid=9 comm=\"nginx\" path=\"/run/backend/app.sock\" "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:system_r:unconfined_t:s0 tclass=unix_stream_socket "
			"permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.path, "/run/backend/app.sock");
	CHECK_INT(parse("type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 "
			"comm=\"x\" saddr=::1 src=1 daddr=::1 dest=443 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:http_port_t:s0 tclass=tcp_socket",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.daddr, "::1");
	CHECK_INT(f.family, AVC_AF_INET6);
}

TEST(auditlog_ignores_other_records)
{
	struct finding f;
	char err[256];

	CHECK_INT(parse("type=SYSCALL msg=audit(1.0:1): arch=c000003e syscall=42 success=no", &f,
			err),
		  AUDITLOG_IGNORED);
	CHECK_INT(parse("----", &f, err), AUDITLOG_IGNORED);
	CHECK_INT(parse("type=AVC msg=audit(1.0:1): avc:  granted  { name_connect } for pid=1", &f,
			err),
		  AUDITLOG_IGNORED);
}

TEST(auditlog_malformed_records_are_errors)
{
	static const char *const bad[] = {
		/* truncated in the permission list */
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_con",
		/* truncated before tcontext */
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 comm=\"n\" "
		"scontext=system_u:system_r:httpd_t:s0",
		/* unterminated quote */
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 comm=\"ngi",
		/* no tclass */
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=1 "
		"scontext=a:b:c:s0 tcontext=a:b:c:s0",
		/* not a number */
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for  pid=x "
		"scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=tcp_socket",
		"type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for dest=99999 "
		"scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=tcp_socket",
		/* neither denied nor granted */
		"type=AVC msg=audit(1.0:1): avc:  whatever",
		"type=AVC msg=audit(1.0:1): avc:  denied  { } for scontext=a:b:c tcontext=a:b:c "
		"tclass=x",
		"type=AVC msg=audit(1.0:1): no avc here",
	};
	struct finding f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (parse(bad[i], &f, err) != -EINVAL) {
			FAIL_AT("accepted: %s", bad[i]);
			return;
		}
		CHECK(err[0] != '\0');
	}
}

TEST(auditlog_binary_junk_and_huge_lines)
{
	char line[] = "type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for pid=1 "
		      "scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=tcp_socket";
	size_t big = 1 << 20, i;
	struct finding f;
	char err[256], *huge;

	/* a NUL inside the record */
	line[40] = '\0';
	CHECK_INT(auditlog_parse_line(line, sizeof(line) - 1, &f, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "NUL");
	/* a comm of a megabyte: refused, not truncated silently */
	huge = malloc(big + 256);
	CHECK(huge);
	i = (size_t)sprintf(huge, "type=AVC msg=audit(1.0:1): avc:  denied  { name_connect } for "
				  "pid=1 comm=\"");
	memset(huge + i, 'a', big);
	strcpy(huge + i + big, "\" scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=tcp_socket");
	CHECK_INT(auditlog_parse_line(huge, strlen(huge), &f, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "comm");
	/* random bytes around "avc:" */
	for (i = 0; i < big; i++)
		huge[i] = (char)(1 + (i * 7919) % 255);
	memcpy(huge + 100, "avc:  denied  {", 15);
	CHECK(auditlog_parse_line(huge, big, &f, err, sizeof(err)) != AUDITLOG_FINDING);
	free(huge);
}

/* issue 23: a record is trusted where audit.log or the kernel writes it, nowhere else */
#define AVC_BODY                                                                               \
	"avc:  denied  { read } for  pid=5 comm=\"nginx\" name=\"shadow\" dev=\"sda1\" ino=3 " \
	"scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:shadow_t:s0 "        \
	"tclass=file permissive=0"

TEST(auditlog_kernel_position_accepted)
{
	static const char *const lines[] = {
		"type=AVC msg=audit(1700000000.500:7): " AVC_BODY,
		"node=web-1.example type=AVC msg=audit(1700000000.500:7): " AVC_BODY,
		"Nov 14 22:13:20 web1 kernel: audit: type=1400 audit(1700000000.500:7): " AVC_BODY,
		"Nov  4 22:13:20 web1 kernel: [   12.345678] audit: type=1400 "
		"audit(1700000000.500:7): " AVC_BODY,
		"2023-11-14T22:13:20.123456+01:00 web1 kernel: audit: type=1400 "
		"audit(1700000000.500:7): " AVC_BODY,
		"Nov 14 22:13:20 web1 kernel: type=1400 audit(1700000000.500:7): " AVC_BODY,
		"1700000000.123456 web1 kernel: audit: type=1400 audit(1700000000.500:7): " AVC_BODY,
	};
	struct finding f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CHECK_INT(parse(lines[i], &f, err), AUDITLOG_FINDING);
		CHECK_STR(f.tcontext, "system_u:object_r:shadow_t:s0");
		CHECK(f.first_seen > 1700000000.4 && f.first_seen < 1700000000.6);
	}
}

TEST(auditlog_forged_lines_not_kernel)
{
	static const char *const lines[] = {
		/* logger -t nginx 'audit: type=1400 ...': the sender's tag is not "kernel" */
		"Nov 14 22:13:20 web1 nginx: audit: type=1400 audit(1700000000.500:7): " AVC_BODY,
		"Nov 14 22:13:20 web1 mallory[4242]: kernel: audit: type=1400 "
		"audit(1700000000.500:7): " AVC_BODY,
		/* "avc:" anywhere else in a line */
		"Nov 14 22:13:20 web1 nginx: " AVC_BODY,
		"hello type=AVC msg=audit(1700000000.500:7): " AVC_BODY,
		"Nov 14 22:13:20 web1 kernel: some driver says audit(1.0:1): " AVC_BODY,
		/* a userspace object manager's record */
		"type=USER_AVC msg=audit(1700000000.500:7): pid=1 uid=0 msg='" AVC_BODY "'",
		/* the kernel's tag with a host name that is not one token */
		"Nov 14 22:13:20 web1 x y kernel: audit: type=1400 audit(1700000000.500:7): " AVC_BODY,
	};
	struct finding f;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK_INT(parse(lines[i], &f, err), AUDITLOG_NOT_KERNEL);
	/* an audit.log record cut in its header is an error, not a skip */
	CHECK_INT(parse("type=AVC msg=audit(1700000000.500:7", &f, err), -EINVAL);
	CHECK_CONTAINS(err, "truncated");
}
