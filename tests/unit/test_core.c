// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Unit tests of the tracer's pure logic: verdicts, escaping, JSON, decoding, printing. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "enrich.h"
#include "escape.h"
#include "event.h"
#include "json.h"
#include "policy.h"
#include "test.h"
#include "util.h"
#include "verdict.h"

/* Capture what a printer writes to a FILE *. */
struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	return c->f;
}

static const char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->buf;
}

TEST(errno_values_match_libc)
{
	CHECK_INT(AVC_EPERM, EPERM);
	CHECK_INT(AVC_EACCES, EACCES);
	CHECK_INT(AVC_EINPROGRESS, EINPROGRESS);
	CHECK_INT(AVC_ECONNREFUSED, ECONNREFUSED);
	CHECK_INT(AVC_ETIMEDOUT, ETIMEDOUT);
	CHECK_INT(AVC_ECONNABORTED, ECONNABORTED);
	CHECK_INT(AVC_EADDRINUSE, EADDRINUSE);
	CHECK_INT(AVC_AF_INET, AF_INET);
	CHECK_INT(AVC_AF_INET6, AF_INET6);
	CHECK_INT(AVC_AF_UNIX, AF_UNIX);
}

TEST(classify_plain_outcomes)
{
	CHECK_INT(classify_attempt(0, 0, AVC_AF_INET, 0, AVC_OP_CONNECT), VERDICT_ALLOWED);
	CHECK_INT(classify_attempt(EINPROGRESS, 0, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_IN_PROGRESS);
	CHECK_INT(classify_attempt(ECONNREFUSED, 0, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_REFUSED);
	CHECK_INT(classify_attempt(ETIMEDOUT, AF_ASYNC, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_TIMED_OUT);
	CHECK_INT(classify_attempt(ENETUNREACH, 0, AVC_AF_INET, 0, AVC_OP_CONNECT), VERDICT_ERROR);
	CHECK_INT(classify_attempt(ENOENT, 0, AVC_AF_UNIX, 0, AVC_OP_CONNECT), VERDICT_ERROR);
}

TEST(classify_selinux)
{
	CHECK_INT(classify_attempt(EACCES, AF_SEL_DENIED | AF_SEL_AUDITED, AVC_AF_INET, 0,
				   AVC_OP_CONNECT),
		  VERDICT_SELINUX_DENIED);
	CHECK_INT(classify_attempt(EACCES, AF_SEL_DENIED, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_SELINUX_HIDDEN);
	/* a unix denial on a directory: EACCES from the path walk */
	CHECK_INT(classify_attempt(EACCES, AF_SEL_DENIED | AF_SEL_INODE, AVC_AF_UNIX, 0,
				   AVC_OP_CONNECT),
		  VERDICT_SELINUX_HIDDEN);
	CHECK_INT(classify_attempt(0, AF_SEL_PERMISSIVE | AF_SEL_AUDITED, AVC_AF_INET, 0,
				   AVC_OP_CONNECT),
		  VERDICT_SELINUX_PERMISSIVE);
	CHECK_INT(classify_attempt(EINPROGRESS, AF_SEL_PERMISSIVE, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_SELINUX_PERMISSIVE);
	/* permissive, but the backend was down: the refusal is what the user sees */
	CHECK_INT(classify_attempt(ECONNREFUSED, AF_SEL_PERMISSIVE, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_REFUSED);
	/* a denial recorded but the call succeeded: not a SELinux failure */
	CHECK_INT(classify_attempt(0, AF_SEL_DENIED, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_ALLOWED);
}

TEST(classify_lsm_and_cgroup)
{
	/* no cgroup hook ran: an LSM stopped it before */
	CHECK_INT(classify_attempt(EACCES, 0, AVC_AF_INET, 0, AVC_OP_CONNECT), VERDICT_LSM_DENIED);
	CHECK_INT(classify_attempt(EPERM, 0, AVC_AF_INET6, 0, AVC_OP_CONNECT), VERDICT_LSM_DENIED);
	/* the cgroup hook ran, so every LSM had allowed it */
	CHECK_INT(classify_attempt(EPERM, AF_CGROUP_HOOK, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_CGROUP_DENIED);
	CHECK_INT(classify_attempt(EACCES, AF_CGROUP_HOOK | AF_CGROUP_ERR, AVC_AF_INET, 0,
				   AVC_OP_CONNECT),
		  VERDICT_CGROUP_DENIED);
	/* fexit security_socket_connect saw the LSM verdict */
	CHECK_INT(classify_attempt(EACCES, AF_LSM_SEEN, AVC_AF_INET, -EACCES, AVC_OP_CONNECT),
		  VERDICT_LSM_DENIED);
	CHECK_INT(classify_attempt(EACCES, AF_LSM_SEEN, AVC_AF_UNIX, 0, AVC_OP_CONNECT),
		  VERDICT_ERROR);
	/* unix EACCES without LSM evidence may be file modes */
	CHECK_INT(classify_attempt(EACCES, 0, AVC_AF_UNIX, 0, AVC_OP_CONNECT), VERDICT_ERROR);
}

TEST(classify_bind)
{
	/* name_bind / node_bind denials take the SELinux verdicts like connect's */
	CHECK_INT(classify_attempt(EACCES, AF_SEL_DENIED | AF_SEL_AUDITED, AVC_AF_INET, 0,
				   AVC_OP_BIND),
		  VERDICT_SELINUX_DENIED);
	CHECK_INT(classify_attempt(EACCES, AF_SEL_DENIED, AVC_AF_INET6, 0, AVC_OP_BIND),
		  VERDICT_SELINUX_HIDDEN);
	CHECK_INT(classify_attempt(0, AF_SEL_PERMISSIVE, AVC_AF_INET, 0, AVC_OP_BIND),
		  VERDICT_SELINUX_PERMISSIVE);
	/* a cgroup bind program refused */
	CHECK_INT(classify_attempt(EPERM, AF_CGROUP_HOOK | AF_CGROUP_ERR, AVC_AF_INET, 0,
				   AVC_OP_BIND),
		  VERDICT_CGROUP_DENIED);
	/* the hook ran and nothing refused: a low port without CAP_NET_BIND_SERVICE */
	CHECK_INT(classify_attempt(EACCES, AF_CGROUP_HOOK, AVC_AF_INET, 0, AVC_OP_BIND),
		  VERDICT_ERROR);
	/* the same facts for connect: after the LSMs, the firewall */
	CHECK_INT(classify_attempt(EACCES, AF_CGROUP_HOOK, AVC_AF_INET, 0, AVC_OP_CONNECT),
		  VERDICT_CGROUP_DENIED);
	/* no hook: an LSM refused before it */
	CHECK_INT(classify_attempt(EACCES, 0, AVC_AF_INET, 0, AVC_OP_BIND), VERDICT_LSM_DENIED);
	CHECK_INT(classify_attempt(EADDRINUSE, AF_CGROUP_HOOK, AVC_AF_INET, 0, AVC_OP_BIND),
		  VERDICT_ERROR);
	CHECK_INT(classify_attempt(0, AF_CGROUP_HOOK, AVC_AF_INET6, 0, AVC_OP_BIND),
		  VERDICT_ALLOWED);
}

TEST(verdict_names_round_trip)
{
	int v;

	for (v = 0; v < VERDICT_MAX; v++) {
		CHECK_INT(verdict_from_name(verdict_name((enum avc_verdict)v)), v);
		CHECK(strlen(verdict_text((enum avc_verdict)v)) > 0);
	}
	CHECK_INT(verdict_from_name("nonsense"), VERDICT_MAX);
	CHECK(verdict_is_selinux(VERDICT_SELINUX_HIDDEN));
	CHECK(!verdict_is_selinux(VERDICT_LSM_DENIED));
	CHECK(verdict_is_failure(VERDICT_REFUSED));
	CHECK(!verdict_is_failure(VERDICT_ALLOWED));
}

TEST(errno_names)
{
	char buf[16];

	CHECK_STR(errno_name(13, buf, sizeof(buf)), "EACCES");
	CHECK_STR(errno_name(-111, buf, sizeof(buf)), "ECONNREFUSED");
	CHECK_STR(errno_name(0, buf, sizeof(buf)), "0");
	CHECK_STR(errno_name(4000, buf, sizeof(buf)), "E4000");
	CHECK_INT(errno_from_name("ETIMEDOUT"), ETIMEDOUT);
	CHECK_INT(errno_from_name("EBOGUS"), -1);
}

TEST(escape_text_and_json)
{
	char out[64];

	escape_str(out, sizeof(out), "ng\x01inx\n\"q\"\\", ESC_TEXT);
	CHECK_STR(out, "ng\\x01inx\\n\\\"q\\\"\\\\");
	escape_str(out, sizeof(out), "ng\x01inx\n\xff", ESC_JSON);
	CHECK_STR(out, "ng\\u0001inx\\n\\u00ff");
	escape_str(out, sizeof(out), "\x7f", ESC_TEXT);
	CHECK_STR(out, "\\x7f");
	/* NULs: stop, or keep (abstract socket names) */
	escape_buf(out, sizeof(out), "a\0b", 3, ESC_TEXT, 0);
	CHECK_STR(out, "a");
	escape_buf(out, sizeof(out), "a\0b", 3, ESC_JSON, 1);
	CHECK_STR(out, "a\\u0000b");
}

TEST(escape_truncation_is_visible)
{
	char out[12];
	size_t n;

	n = escape_str(out, sizeof(out), "abcdefghijklmnopqrstuvwxyz", ESC_TEXT);
	CHECK(n < sizeof(out));
	CHECK(strlen(out) == n);
	CHECK_STR(out + n - 3, "...");
	/* an escape sequence is never cut in half */
	n = escape_str(out, sizeof(out), "abcdef\x01\x02\x03", ESC_TEXT);
	CHECK_CONTAINS(out, "...");
	CHECK(!strstr(out, "\\x0..."));
}

TEST(json_writer_nesting_and_escaping)
{
	struct capture c;
	struct json j;

	json_init(&j, cap_open(&c));
	json_obj_begin(&j, NULL);
	json_str(&j, "a", "x\"y");
	json_arr_begin(&j, "list");
	json_int(&j, NULL, -3);
	json_str(&j, NULL, "\n");
	json_arr_end(&j);
	json_obj_begin(&j, "o");
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_obj_end(&j);
	json_double(&j, "d", 1.25, 2);
	json_obj_end(&j);
	json_line_end(&j);
	json_obj_begin(&j, NULL);
	json_uint(&j, "u", 18446744073709551615ULL);
	json_obj_end(&j);
	json_line_end(&j);
	CHECK_STR(cap_close(&c),
		  "{\"a\":\"x\\\"y\",\"list\":[-3,\"\\n\"],\"o\":{\"t\":true,\"n\":null},"
		  "\"d\":1.25}\n{\"u\":18446744073709551615}\n");
	free(c.buf);
}

static void make_event(struct conn_event *e, int family)
{
	memset(e, 0, sizeof(*e));
	e->ts_ns = 1000000000ULL;
	e->duration_ns = 12345;
	e->pid = 42;
	e->tid = 43;
	e->uid = 33;
	e->family = (__u16)family;
	strcpy(e->comm, "nginx");
}

TEST(decode_and_print_inet_selinux_event)
{
	struct conn_event_sel es;
	struct conn_event e;
	struct conn_record r;
	struct capture c;
	struct json j;
	const char *out;

	make_event(&e, AVC_AF_INET);
	inet_pton(AF_INET, "127.0.0.1", e.addr);
	e.port = 3000;
	e.ret = -13;
	e.err = 13;
	e.flags = AF_SEL_DENIED | AF_SEL_AUDITED;
	e.verdict = VERDICT_SELINUX_DENIED;
	memset(&es, 0, sizeof(es));
	es.ev = e;
	strcpy(es.names.scontext, "system_u:system_r:httpd_t:s0");
	strcpy(es.names.tcontext, "system_u:object_r:ntop_port_t:s0");
	strcpy(es.names.tclass, "tcp_socket");
	record_from_event(&r, &es.ev, sizeof(es), 0);
	strcpy(r.perms[0], "name_connect");
	r.nperms = 1;
	CHECK_STR(r.daddr, "127.0.0.1");
	CHECK_STR(r.source_type, "httpd_t");
	CHECK_STR(r.target_type, "ntop_port_t");

	json_init(&j, cap_open(&c));
	print_json(&j, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, "\"verdict\":\"selinux_denied\"");
	CHECK_CONTAINS(out, "\"dest\":\"127.0.0.1:3000\"");
	CHECK_CONTAINS(out, "\"errno\":\"EACCES\"");
	CHECK_CONTAINS(out, "\"selinux\":{\"scontext\":\"system_u:system_r:httpd_t:s0\"");
	CHECK_CONTAINS(out, "\"perms\":[\"name_connect\"]");
	CHECK_CONTAINS(out, "\"audited\":true");
	CHECK_CONTAINS(out, "\"duration_us\":12.3");
	free(c.buf);

	cap_open(&c);
	print_text(c.f, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, "SELINUX-DENIED");
	CHECK_CONTAINS(out, "{ name_connect } httpd_t -> ntop_port_t:tcp_socket");
	free(c.buf);
}

TEST(decode_and_print_bind_event)
{
	struct conn_event e;
	struct conn_record r;
	struct finding f;
	struct capture c;
	struct json j;
	const char *out;

	make_event(&e, AVC_AF_INET);
	inet_pton(AF_INET, "127.0.0.1", e.addr);
	e.port = 8081;
	e.ret = -98;
	e.err = 98;
	e.op = AVC_OP_BIND;
	e.verdict = VERDICT_ERROR;
	record_from_event(&r, &e, sizeof(e), 0);
	CHECK_INT(r.op, AVC_OP_BIND);
	json_init(&j, cap_open(&c));
	print_json(&j, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, "{\"type\":\"connect\",\"op\":\"bind\",");
	CHECK_CONTAINS(out, "\"dest\":\"127.0.0.1:8081\"");
	CHECK_CONTAINS(out, "\"errno\":\"EADDRINUSE\",\"verdict\":\"error\"");
	free(c.buf);
	cap_open(&c);
	print_text(c.f, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, " nginx            bind    127.0.0.1:8081 ");
	free(c.buf);
	record_to_finding(&r, &f);
	CHECK_INT(f.op, AVC_OP_BIND);
	/* an op the kernel never writes reads as connect, never out of the names' table */
	e.op = 7;
	record_from_event(&r, &e, sizeof(e), 0);
	CHECK_INT(r.op, AVC_OP_CONNECT);
}

TEST(decode_inet6_and_hidden_detail)
{
	struct conn_event e;
	struct conn_record r;
	struct capture c;
	const char *out;
	char dest[64];

	make_event(&e, AVC_AF_INET6);
	inet_pton(AF_INET6, "::1", e.addr);
	e.port = 3000;
	e.err = 13;
	e.flags = AF_SEL_DENIED;
	e.verdict = VERDICT_SELINUX_HIDDEN;
	record_from_event(&r, &e, sizeof(e), 0);
	record_dest(&r, dest, sizeof(dest));
	CHECK_STR(dest, "[::1]:3000");
	CHECK(r.has_selinux);
	cap_open(&c);
	print_text(c.f, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, "SELINUX-HIDDEN");
	CHECK_CONTAINS(out, "dontaudit");
	free(c.buf);
}

TEST(decode_unix_paths)
{
	struct conn_event_unix e;
	struct conn_record r;
	struct capture c;
	struct json j;
	const char *out;
	char dest[64];

	make_event(&e.ev, AVC_AF_UNIX);
	strcpy(e.path, "/run/backend/app.sock");
	e.ev.addrlen = (__u16)(2 + strlen(e.path) + 1);
	record_from_event(&r, &e.ev, sizeof(e), 0);
	CHECK(!r.abstract);
	CHECK_INT(r.path_len, strlen("/run/backend/app.sock"));
	record_dest(&r, dest, sizeof(dest));
	CHECK_STR(dest, "/run/backend/app.sock");
	/* a record of the common size carries no path: none is read beyond it */
	record_from_event(&r, &e.ev, sizeof(e.ev), 0);
	CHECK_INT(r.path_len, 0);

	/* abstract: leading NUL, length from addrlen, may contain NULs and control bytes */
	make_event(&e.ev, AVC_AF_UNIX);
	memcpy(e.path, "\0ab\0c\n", 6);
	e.ev.addrlen = 2 + 6;
	e.ev.flags = AF_ABSTRACT;
	record_from_event(&r, &e.ev, sizeof(e), 0);
	CHECK(r.abstract);
	CHECK_INT(r.path_len, 5);
	json_init(&j, cap_open(&c));
	print_json(&j, &r);
	out = cap_close(&c);
	CHECK_CONTAINS(out, "\"path\":\"ab\\u0000c\\n\"");
	CHECK_CONTAINS(out, "\"abstract\":true");
	CHECK_CONTAINS(out, "\"dest\":\"@ab@c\\n\"");
	free(c.buf);
}

TEST(text_output_escapes_comm_and_path)
{
	struct conn_event_unix e;
	struct conn_record r;
	struct capture c;
	const char *out;

	make_event(&e.ev, AVC_AF_UNIX);
	strcpy(e.ev.comm, "evil\x1b[2J");
	strcpy(e.path, "/tmp/\x07x");
	e.ev.addrlen = (__u16)(2 + strlen(e.path) + 1);
	e.ev.err = ENOENT;
	e.ev.verdict = VERDICT_ERROR;
	record_from_event(&r, &e.ev, sizeof(e), 0);
	cap_open(&c);
	print_text(c.f, &r);
	out = cap_close(&c);
	CHECK(!strchr(out, '\x1b'));
	CHECK(!strchr(out, '\x07'));
	CHECK_CONTAINS(out, "evil\\x1b[2J");
	CHECK_CONTAINS(out, "/tmp/\\x07x");
	CHECK_CONTAINS(out, "ENOENT");
	free(c.buf);
}

TEST(lsm_list_names_only_deniers)
{
	char out[128];

	lsms_that_deny("lockdown,capability,landlock,bpf", false, out, sizeof(out));
	CHECK_STR(out, "landlock,bpf");
	lsms_that_deny("lockdown,capability,yama,selinux,bpf", false, out, sizeof(out));
	CHECK_STR(out, "bpf");
	lsms_that_deny("lockdown,capability,yama,selinux,bpf", true, out, sizeof(out));
	CHECK_STR(out, "selinux,bpf");
}

TEST(number_parsing_rejects_bad_values)
{
	unsigned long v;
	double d;

	CHECK_INT(parse_ulong("42", "-p", 1, 100, &v), 0);
	CHECK_INT(v, 42);
	CHECK(parse_ulong("abc", "-p", 1, 100, &v) < 0);
	CHECK(parse_ulong("", "-p", 1, 100, &v) < 0);
	CHECK(parse_ulong("-1", "-p", 1, 100, &v) < 0);
	CHECK(parse_ulong("12x", "-p", 1, 100, &v) < 0);
	CHECK(parse_ulong("0", "-p", 1, 100, &v) < 0);
	CHECK(parse_ulong("99999999999999999999999", "-p", 1, 100, &v) < 0);
	CHECK_INT(parse_seconds("0.5", "-d", &d), 0);
	CHECK(d == 0.5);
	CHECK(parse_seconds("nan", "-d", &d) < 0);
	CHECK(parse_seconds("-3", "-d", &d) < 0);
}

TEST(context_type_of_a_context)
{
	char t[64];

	CHECK_INT(context_type("system_u:system_r:httpd_t:s0", t, sizeof(t)), 0);
	CHECK_STR(t, "httpd_t");
	/* MLS ranges contain ':' themselves */
	CHECK_INT(context_type("u:r:t:s0-s0:c0.c1023", t, sizeof(t)), 0);
	CHECK_STR(t, "t");
	CHECK_INT(context_type("u:r:t", t, sizeof(t)), 0);
	CHECK_STR(t, "t");
	CHECK(context_type("garbage", t, sizeof(t)) < 0);
	CHECK(context_type("u:r:", t, sizeof(t)) < 0);
}

TEST(escape_terminal_keeps_commands_pasteable)
{
	char out[128];
	struct capture c;

	/* quotes, backslashes, newlines, tabs and UTF-8 stay; control bytes and DEL do not */
	escape_str(out, sizeof(out), "semanage fcontext -a '/run/a b'\n\t\"x\\y\"", ESC_TERM);
	CHECK_STR(out, "semanage fcontext -a '/run/a b'\n\t\"x\\y\"");
	escape_str(out, sizeof(out), "\x1b[2Jev\x07il\x7f \xe2\x80\x94", ESC_TERM);
	CHECK_STR(out, "\\x1b[2Jev\\x07il\\x7f \xe2\x80\x94");
	/* fputs_safe writes arbitrarily long text without truncation */
	cap_open(&c);
	memset(out, 'a', sizeof(out) - 1);
	out[sizeof(out) - 1] = '\0';
	fputs_safe(out, c.f);
	fputs_safe(out, c.f);
	CHECK_INT(strlen(cap_close(&c)), 2 * (sizeof(out) - 1));
	free(c.buf);
}

/* The one refine step: what user space adds to the kernel's verdict, and nothing else. */
TEST(refine_verdict_adds_only_what_user_space_knows)
{
	struct verdict_facts none = { 0 }, would_deny = { .policy_would_deny = true };
	struct verdict_facts dontaudit = { .auditdeny_known = true, .audit_hook = true };
	struct verdict_facts audit_off = { .auditdeny_known = true,
					   .auditdeny = true,
					   .audit_hook = true };
	struct verdict_facts no_hook = { .auditdeny_known = true, .auditdeny = true };
	struct refined_verdict r;
	int v;

	/* without facts every verdict stays the kernel's */
	for (v = 0; v < VERDICT_MAX; v++) {
		r = refine_verdict((enum avc_verdict)v, &none);
		CHECK_INT(r.verdict, v);
		CHECK(!r.hidden_by && !r.audited_by_policy);
	}
	CHECK_INT(refine_verdict(VERDICT_ALLOWED, &would_deny).verdict, VERDICT_SELINUX_PERMISSIVE);
	CHECK_INT(refine_verdict(VERDICT_IN_PROGRESS, &would_deny).verdict,
		  VERDICT_SELINUX_PERMISSIVE);
	/* a failure stays a failure whatever the policy says of a success */
	CHECK_INT(refine_verdict(VERDICT_REFUSED, &would_deny).verdict, VERDICT_REFUSED);
	CHECK_INT(refine_verdict(VERDICT_SELINUX_DENIED, &would_deny).verdict,
		  VERDICT_SELINUX_DENIED);
	r = refine_verdict(VERDICT_SELINUX_HIDDEN, &dontaudit);
	CHECK_INT(r.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK_STR(r.hidden_by, "dontaudit");
	r = refine_verdict(VERDICT_SELINUX_HIDDEN, &audit_off);
	CHECK_INT(r.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK_STR(r.hidden_by, "audit_off");
	r = refine_verdict(VERDICT_SELINUX_HIDDEN, &no_hook);
	CHECK_INT(r.verdict, VERDICT_SELINUX_DENIED);
	CHECK(r.audited_by_policy && !r.hidden_by);
	/* auditdeny facts never touch a verdict that is not hidden */
	CHECK_INT(refine_verdict(VERDICT_LSM_DENIED, &no_hook).verdict, VERDICT_LSM_DENIED);
}

/* preflight's prediction is trace's word for the same policy facts */
TEST(verdict_predict_denial_says_what_trace_says)
{
	struct refined_verdict r;

	r = verdict_predict_denial(false, false);
	CHECK_INT(r.verdict, VERDICT_SELINUX_DENIED);
	CHECK(!r.hidden_by);
	r = verdict_predict_denial(false, true);
	CHECK_INT(r.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK_STR(r.hidden_by, "dontaudit");
	r = verdict_predict_denial(true, false);
	CHECK_INT(r.verdict, VERDICT_SELINUX_PERMISSIVE);
	CHECK(!r.hidden_by);
	CHECK_INT(verdict_predict_denial(true, true).verdict, VERDICT_SELINUX_PERMISSIVE);
	CHECK_STR(verdict_name(VERDICT_UNKNOWN), "unknown");
}

TEST(av_denied_unaudited_is_the_kernels_audit_rule)
{
	/* requested 0b011, allowed 0b001: bit 0b010 denied */
	CHECK(!av_denied_unaudited(3, 1, 2)); /* its auditdeny bit set: audited */
	CHECK(av_denied_unaudited(3, 1, 1));  /* cleared: dontaudit */
	CHECK(!av_denied_unaudited(3, 3, 0)); /* nothing denied: nothing hidden */
	CHECK(!av_denied_unaudited(7, 1, 4)); /* one of two denied bits audited: a record */
	CHECK(av_denied_unaudited(7, 1, 1));  /* none of them */
	CHECK_STR(hidden_by_from_name("dontaudit"), "dontaudit");
	CHECK_STR(hidden_by_from_name("audit_off"), "audit_off");
	CHECK(!hidden_by_from_name("dontaudit "));
}

TEST(finding_hidden_is_derived_from_verdict_then_counts)
{
	struct finding f = { .verdict = VERDICT_SELINUX_HIDDEN, .hidden_by = "dontaudit" };

	finding_derive_hidden(&f);
	CHECK(f.hidden && !f.permissive);
	CHECK_STR(f.hidden_by, "dontaudit");
	/* hidden_by without a hidden attempt is dropped */
	f = (struct finding){ .verdict = VERDICT_SELINUX_DENIED, .hidden_by = "audit_off" };
	finding_derive_hidden(&f);
	CHECK(!f.hidden && !f.hidden_by);
	/* once counted, the buckets decide */
	f = (struct finding){ .verdict = VERDICT_SELINUX_DENIED, .hidden_by = "dontaudit" };
	f.counts.total = 3;
	f.counts.audited = 1;
	f.counts.hidden = 1;
	f.counts.permissive = 1;
	finding_derive_hidden(&f);
	CHECK(f.hidden && f.permissive);
	CHECK_STR(f.hidden_by, "dontaudit");
	f.hidden = true;
	f.counts.hidden = 0;
	f.counts.audited = 2;
	finding_derive_hidden(&f);
	CHECK(!f.hidden && !f.hidden_by);
}
