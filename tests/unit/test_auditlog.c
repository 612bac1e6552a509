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

/* A "[" with no printk time after it is no syslog prefix: the cursor never steps back past
 * the line's start (found by fuzz_auditlog; the sanitize suite runs this under UBSan).
 */
TEST(auditlog_bracket_without_time_is_no_prefix)
{
	static const char *const lines[] = { "[avc:\n", "[", "[ ] host kernel: avc:",
					     "[x] h kernel: audit: type=1400" };
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		CHECK(auditlog_record_start(lines[i], strlen(lines[i])) < 0);
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

/*
 * The socket fields as the kernel writes them (security/lsm_audit.c, LSM_AUDIT_DATA_NET):
 * the address being checked is saddr=/src= for bind (name_bind, node_bind: a wildcard
 * address is left out) and daddr=/dest= for connect; a record about an existing socket writes
 * the socket's laddr=/lport= and faddr=/fport=; packet checks add netif=; an AF_UNIX socket's
 * address is path= (hex, starting with its NUL byte, for an abstract one).
 */
TEST(auditlog_socket_fields_as_the_kernel_writes_them)
{
	struct finding f;
	char err[256];

	/* bind() to 0.0.0.0:8081: name_bind, the port as src= (nginx's "bind() ... (13)") */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.001:501): avc:  denied  { name_bind } for  "
			"pid=2201 comm=\"nginx\" src=8081 scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket "
			"permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 8081);
	CHECK_STR(f.daddr, "");
	CHECK_INT(f.family, AVC_AF_INET);
	/* bind() to a given address: saddr= too; node_bind on udp (QUIC) */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.002:502): avc:  denied  { node_bind } for  "
			"pid=2201 comm=\"nginx\" saddr=10.0.0.5 src=443 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:node_t:s0 tclass=udp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 443);
	CHECK_STR(f.daddr, "10.0.0.5");
	CHECK_STR(f.tclass, "udp_socket");
	CHECK_INT(parse("type=AVC msg=audit(1700000001.003:503): avc:  denied  { name_bind } for  "
			"pid=2201 comm=\"nginx\" saddr=::1 src=8081 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:transproxy_port_t:s0 tclass=tcp_socket "
			"permissive=1",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 8081);
	CHECK_STR(f.daddr, "::1");
	CHECK_INT(f.family, AVC_AF_INET6);
	/* connect(): dest= only; the src= of a bind never lands in a connect's port */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.004:504): avc:  denied  { name_connect } "
			"for  pid=2201 comm=\"nginx\" dest=6379 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:redis_port_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 6379);
	/* an existing socket: laddr/lport are the local end, faddr/fport the peer */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.005:505): avc:  denied  { write } for  "
			"pid=2201 comm=\"nginx\" laddr=127.0.0.1 lport=41234 faddr=127.0.0.1 "
			"fport=6379 scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:system_r:redis_t:s0 tclass=tcp_socket permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 6379);
	CHECK_STR(f.daddr, "127.0.0.1");
	/* a packet check: both ends and the interface */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.006:506): avc:  denied  { recv } for  "
			"saddr=192.0.2.1 src=5353 daddr=192.0.2.2 dest=22 netif=eth0 "
			"scontext=system_u:system_r:sshd_t:s0 "
			"tcontext=system_u:object_r:unlabeled_t:s0 tclass=packet permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_INT(f.dport, 22);
	CHECK_STR(f.daddr, "192.0.2.2");
	/* an interface name too long for one is a malformed record */
	CHECK_INT(parse("type=AVC msg=audit(1.0:1): avc:  denied  { recv } for  "
			"netif=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
			"scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=packet",
			&f, err),
		  -EINVAL);
	CHECK_CONTAINS(err, "netif");
	/* a unix socket by path, and an abstract one (hex with its leading NUL) */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.007:507): avc:  denied  { connectto } for  "
			"pid=2201 comm=\"nginx\" path=\"/run/redis/redis.sock\" "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:system_r:redis_t:s0 tclass=unix_stream_socket "
			"permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.path, "/run/redis/redis.sock");
	CHECK_INT(f.family, AVC_AF_UNIX);
	CHECK_INT(parse("type=AVC msg=audit(1700000001.008:508): avc:  denied  { connectto } for  "
			"pid=2201 comm=\"nginx\" path=00726564697300 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:system_r:redis_t:s0 tclass=unix_stream_socket "
			"permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.path, "@redis");
	/* a file-class record: name= (the last component) with dev= and ino= */
	CHECK_INT(parse("type=AVC msg=audit(1700000001.009:509): avc:  denied  { search } for  "
			"pid=2201 comm=\"nginx\" name=\"redis\" dev=\"tmpfs\" ino=1234 "
			"scontext=system_u:system_r:httpd_t:s0 "
			"tcontext=system_u:object_r:redis_var_run_t:s0 tclass=dir permissive=0",
			&f, err),
		  AUDITLOG_FINDING);
	CHECK_STR(f.path, "redis");
	CHECK_INT(f.dport, 0);
}

/* Records of other types are no AVCs, whatever their text holds: AVC_PATH (the path of the
 * AVC before it), SYSCALL, PROCTITLE are ignored, and their type is named for the count.
 */
TEST(auditlog_avc_path_and_other_types_are_not_avcs)
{
	static const char *const other[] = {
		"type=AVC_PATH msg=audit(1162850331.422:978):  path=\"/usr/lib/samba/vfs\"",
		"type=AVC_PATH msg=audit(1162850331.422:978):  path=\"/tmp/avc: denied { x }\"",
		"node=web1 type=SYSCALL msg=audit(1.0:1): arch=c000003e syscall=49 success=no "
		"exit=-13 comm=\"nginx\"",
		"type=PROCTITLE msg=audit(1.0:1): proctitle=6E67696E78",
		"audit: type=1402 audit(1.0:1): path=\"/x\"",
	};
	struct finding f;
	char err[256], type[16];
	size_t i;

	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		if (parse(other[i], &f, err) != AUDITLOG_IGNORED)
			FAIL_AT("not ignored: %s (%s)", other[i], err);
		CHECK(!auditlog_line_is_avc(other[i], strlen(other[i])));
	}
	CHECK_INT(auditlog_record_type(other[0], strlen(other[0]), type, sizeof(type)), 1);
	CHECK_STR(type, "AVC_PATH");
	CHECK_INT(auditlog_record_type(other[2], strlen(other[2]), type, sizeof(type)), 1);
	CHECK_STR(type, "SYSCALL");
	CHECK_INT(auditlog_record_type(other[4], strlen(other[4]), type, sizeof(type)), 1);
	CHECK_STR(type, "1402");
	CHECK_INT(auditlog_record_type("type=A\x1b[2J", 10, type, sizeof(type)), 1);
	CHECK_STR(type, "A??2J");
	CHECK_INT(auditlog_record_type("----", 4, type, sizeof(type)), 0);
	/* AVC and its printk number stay AVCs */
	CHECK(auditlog_line_is_avc("type=AVC msg=audit(1.0:1): avc:  denied", 39));
	CHECK(auditlog_line_is_avc("audit: type=1400 audit(1.0:1): avc:  denied", 43));
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
