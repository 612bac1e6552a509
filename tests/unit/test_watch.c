// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Watch mode's pure logic: histogram slots and their printing, Prometheus bounds and escaping,
 * the naming of a counter key, findings export (JSON with advice, AVC) read back. Label values
 * are checked against a decoder written here from the mapping documented in metrics.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "advice_out.h"
#include "auditlog.h"
#include "event.h"
#include "export.h"
#include "findings_io.h"
#include "hist.h"
#include "metrics.h"
#include "recommend.h"
#include "test.h"
#include "verdict.h"

TEST(watch_hist_slot_math)
{
	unsigned long long lo, hi;
	unsigned int i;

	CHECK_INT(hist_slot(0), 0);
	CHECK_INT(hist_slot(1999), 0); /* 1 us */
	CHECK_INT(hist_slot(2000), 1); /* 2 us */
	CHECK_INT(hist_slot(3999), 1);
	CHECK_INT(hist_slot(4000), 2);
	CHECK_INT(hist_slot(1000000), 9);	 /* 1 ms = 1000 us: 512 <= 1000 < 1024 */
	CHECK_INT(hist_slot(1000000000ULL), 19); /* 1 s: 2^19 <= 1e6 us < 2^20 */
	CHECK_INT(hist_slot(~0ULL), AVC_HIST_SLOTS - 1);
	/* every slot's bounds agree with hist_slot at both ends */
	for (i = 0; i < AVC_HIST_SLOTS - 1; i++) {
		hist_slot_bounds(i, &lo, &hi);
		CHECK_INT(hist_slot(lo * 1000), i);
		CHECK_INT(hist_slot(hi * 1000 + 999), i);
		CHECK_INT(hist_slot((hi + 1) * 1000), i + 1);
	}
	hist_slot_bounds(AVC_HIST_SLOTS - 1, &lo, &hi);
	CHECK(hi == ~0ULL);
}

TEST(watch_hist_print_bcc_style)
{
	__u32 slots[AVC_HIST_SLOTS] = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	slots[1] = 10;
	slots[3] = 5;
	hist_print_log2(f, slots, AVC_HIST_SLOTS, "usecs");
	fclose(f);
	CHECK_CONTAINS(buf, "     usecs               : count    distribution\n");
	CHECK_CONTAINS(
		buf,
		"         0 -> 1          : 0        |                                        |\n");
	CHECK_CONTAINS(
		buf,
		"         2 -> 3          : 10       |****************************************|\n");
	CHECK_CONTAINS(
		buf,
		"         8 -> 15         : 5        |********************                    |\n");
	CHECK(!strstr(buf, "16 -> 31")); /* stops at the last non-empty slot */
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	memset(slots, 0, sizeof(slots));
	hist_print_log2(f, slots, AVC_HIST_SLOTS, "usecs");
	fclose(f);
	CHECK_INT(len, 0);
	free(buf);
}

TEST(watch_prometheus_le_bounds)
{
	char le[32];

	CHECK_INT(hist_le_seconds(0, le, sizeof(le)), 0);
	CHECK_STR(le, "2e-06");
	CHECK_INT(hist_le_seconds(1, le, sizeof(le)), 0);
	CHECK_STR(le, "4e-06");
	CHECK_INT(hist_le_seconds(9, le, sizeof(le)), 0);
	CHECK_STR(le, "0.001024");
	CHECK_INT(hist_le_seconds(19, le, sizeof(le)), 0);
	CHECK_STR(le, "1.048576");
	CHECK(hist_le_seconds(AVC_HIST_SLOTS - 1, le, sizeof(le)) != 0); /* only +Inf */
}

TEST(watch_prometheus_escape_and_histogram)
{
	struct prom_series s = { .verdict = "refused", .count = 6, .sum_ns = 30000 };
	struct prom_totals t = { .attempts = 6, .entries = 1, .max_entries = 10 };
	char out[128], *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_INT(prom_escape_label(out, sizeof(out), "a\\b\"c\nd\x01\xff"), 0);
	CHECK_STR(out, "a\\\\x5cb\\\"c\\\\x0ad\\\\x01\\\\xff");
	/* too small: an escape is never cut in half, and the prefix is an error */
	CHECK_INT(prom_escape_label(out, 7, "ab\\cd"), -ENOSPC);
	CHECK_STR(out, "ab");
	CHECK_INT(prom_escape_label(out, 8, "ab\\cd"), -ENOSPC);
	CHECK_STR(out, "ab\\\\x5c");
	CHECK_INT(prom_escape_label(out, 10, "ab\\cd"), 0);
	CHECK_STR(out, "ab\\\\x5ccd");
	strcpy(s.comm, "ng\"x");
	strcpy(s.dest, "127.0.0.1:3000");
	strcpy(s.errno_name, "ECONNREFUSED");
	s.hist[1] = 4;
	s.hist[3] = 1;
	s.hist[AVC_HIST_SLOTS - 1] = 1;
	f = open_memstream(&buf, &len);
	prom_write(f, &s, 1, &t);
	fclose(f);
	CHECK_CONTAINS(buf, "# TYPE avcsnoop_connect_attempts_total counter\n");
	CHECK_CONTAINS(
		buf,
		"avcsnoop_connect_attempts_total{comm=\"ng\\\"x\",dest=\"127.0.0.1:3000\","
		"verdict=\"refused\",errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\"} 6\n");
	CHECK_CONTAINS(buf, "# TYPE avcsnoop_connect_duration_seconds histogram\n");
	CHECK_CONTAINS(buf, ",le=\"2e-06\"} 0\n");
	CHECK_CONTAINS(buf, ",le=\"4e-06\"} 4\n"); /* cumulative */
	CHECK_CONTAINS(buf, ",le=\"1.6e-05\"} 5\n");
	CHECK_CONTAINS(buf, ",le=\"+Inf\"} 6\n"); /* the open-ended slot only here */
	CHECK_CONTAINS(
		buf,
		"avcsnoop_connect_duration_seconds_sum{comm=\"ng\\\"x\",dest=\"127.0.0.1:3000\","
		"verdict=\"refused\",errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\"} 0.000030000\n");
	CHECK_CONTAINS(
		buf,
		"avcsnoop_connect_duration_seconds_count{comm=\"ng\\\"x\",dest=\"127.0.0.1:3000\","
		"verdict=\"refused\",errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\"} 6\n");
	CHECK_CONTAINS(buf, "avcsnoop_counter_max_entries 10\n");
	free(buf);
}

static int lower_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * The reader's side of metrics.h's mapping, written from its documentation: undo the exposition
 * format's escapes (\\, \", \n), then each \xNN of the label value. Strict: -EINVAL for
 * anything prom_escape_label never writes (an unescaped quote or newline, another escape, a
 * backslash in the value not starting \xNN, an escape of a byte that stands for itself, a raw
 * byte that does not), so that decoding is the exact inverse of encoding.
 */
static int prom_unescape_label(char *dst, size_t dstsz, const char *src)
{
	char value[PROM_LABEL_SIZE(512)];
	size_t n = 0, i;
	unsigned int byte;
	const char *c;
	int hi, lo;

	for (c = src; *c; c++) {
		if (n + 1 >= sizeof(value) || *c == '"' || *c == '\n')
			return -EINVAL;
		if (*c == '\\') {
			c++;
			if (*c == '\\' || *c == '"')
				value[n++] = *c;
			else if (*c == 'n')
				value[n++] = '\n';
			else
				return -EINVAL;
			continue;
		}
		value[n++] = *c;
	}
	value[n] = '\0';
	for (i = 0, n = 0; value[i]; i++) {
		unsigned char v = (unsigned char)value[i];

		if (n + 1 >= dstsz)
			return -EINVAL;
		if (v != '\\') {
			if (v < 0x20 || v >= 0x7f)
				return -EINVAL;
			dst[n++] = (char)v;
			continue;
		}
		hi = lower_hex(value[i + 1] == 'x' ? value[i + 2] : 0);
		lo = hi < 0 ? -1 : lower_hex(value[i + 3]);
		if (lo < 0)
			return -EINVAL;
		byte = (unsigned int)(hi * 16 + lo);
		if (!byte || (byte >= 0x20 && byte < 0x7f && byte != '\\'))
			return -EINVAL; /* not the canonical form */
		dst[n++] = (char)byte;
		i += 3;
	}
	dst[n] = '\0';
	return 0;
}

/* The encoding of s, checked to be plain ASCII, quote- and newline-free, and to decode to s. */
static bool label_round_trips(const char *s, char *enc, size_t encsz)
{
	char dec[512];
	const char *c;

	if (prom_escape_label(enc, encsz, s))
		return false;
	for (c = enc; *c; c++)
		if (*c < 0x20 || *c >= 0x7f || *c == '\n' ||
		    (*c == '"' && (c == enc || c[-1] != '\\')))
			return false;
	return !prom_unescape_label(dec, sizeof(dec), enc) && !strcmp(dec, s);
}

TEST(watch_prometheus_labels_are_reversible)
{
	static const char *const hostile[] = {
		"\x01",
		"\\x01",
		"\\\\x01",
		"\\",
		"\\x5c",
		"\\\\",
		"\"",
		"\\\"",
		"\\\\\"",
		"\n",
		"\\n",
		"\\\n",
		"\r\n",
		"a\"b\\c\nd",
		"\nEOF\n. ./q #",
		"$(id)`id`'x'",
		"-Hhost",
		"\xe2\x80\x94",
		"\\xe2\\x80\\x94",
		"\x7f\x80\xff",
		"}{comm=\"x\"} 1\n",
		"x\",dest=\"y",
		"@a@b",
		"/run/a.b(/.*)?",
	};
	char enc[PROM_LABEL_SIZE(64)], enc2[PROM_LABEL_SIZE(64)], dec[64], s[3] = { 0 };
	size_t i, j;

	/* the collisions of the old mapping, now distinct */
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "\x01"), 0);
	CHECK_STR(enc, "\\\\x01");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "\\x01"), 0);
	CHECK_STR(enc, "\\\\x5cx01");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "\\"), 0);
	CHECK_STR(enc, "\\\\x5c");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "\\x5c"), 0);
	CHECK_STR(enc, "\\\\x5cx5c");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "\"q\""), 0);
	CHECK_STR(enc, "\\\"q\\\"");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "a\nb"), 0);
	CHECK_STR(enc, "a\\\\x0ab");
	CHECK_INT(prom_escape_label(enc, sizeof(enc), "a\\nb"), 0);
	CHECK_STR(enc, "a\\\\x5cnb");

	/* the decoder is strict: what the writer never writes is refused */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "a\"b"), -EINVAL);
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "a\\tb"), -EINVAL);
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "a\\\\b"), -EINVAL);  /* value: a\b */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "\\\\x41"), -EINVAL); /* 'A' escaped */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "\\\\x0"), -EINVAL);  /* cut short */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "\\\\x0A"), -EINVAL); /* upper case */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "\\\\x00"), -EINVAL); /* no NUL */
	CHECK_INT(prom_unescape_label(dec, sizeof(dec), "\\\\x5cx01"), 0);
	CHECK_STR(dec, "\\x01");

	/* hostile strings: each decodes back, and no two share an encoding */
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		if (!label_round_trips(hostile[i], enc, sizeof(enc)))
			FAIL_AT("\"%s\" (#%zu) does not round-trip: \"%s\"", hostile[i], i, enc);
		for (j = 0; j < i; j++) {
			CHECK(strcmp(hostile[i], hostile[j]));
			prom_escape_label(enc2, sizeof(enc2), hostile[j]);
			if (!strcmp(enc, enc2))
				FAIL_AT("#%zu and #%zu share the label \"%s\"", i, j, enc);
		}
	}
	/* every string of one and two bytes round-trips, so none two share an encoding */
	for (i = 1; i < 256; i++) {
		s[0] = (char)i;
		for (j = 0; j < 256; j++) {
			s[1] = (char)j;
			if (!label_round_trips(s, enc, sizeof(enc))) {
				FAIL_AT("bytes 0x%02zx 0x%02zx do not round-trip: \"%s\"", i, j,
					enc);
				return;
			}
		}
	}
}

TEST(watch_prometheus_distinct_comms_distinct_series)
{
	struct prom_series s[4] = { 0 };
	struct prom_totals t = { .attempts = 15 };
	char *buf = NULL;
	size_t len = 0, n;
	FILE *f;
	int i;

	for (i = 0; i < 4; i++) {
		strcpy(s[i].dest, "127.0.0.1:3000");
		s[i].verdict = "refused";
		strcpy(s[i].errno_name, "ECONNREFUSED");
		s[i].count = (unsigned long long)i + 1;
		s[i].sum_ns = 1000;
		s[i].hist[0] = i + 1;
	}
	strcpy(s[0].comm, "p\x01");
	strcpy(s[1].comm, "p\\x01");
	strcpy(s[2].comm, "p\x01"); /* same labels as s[0]: one series of 1 + 3 */
	strcpy(s[3].comm, "p\\x5cx01");
	n = prom_merge_series(s, 4);
	CHECK_INT(n, 3);
	f = open_memstream(&buf, &len);
	prom_write(f, s, n, &t);
	fclose(f);
	CHECK_CONTAINS(
		buf,
		"avcsnoop_connect_attempts_total{comm=\"p\\\\x01\",dest=\"127.0.0.1:3000\","
		"verdict=\"refused\",errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\"} 4\n");
	CHECK_CONTAINS(buf, "avcsnoop_connect_attempts_total{comm=\"p\\\\x5cx01\",dest=");
	CHECK_CONTAINS(buf, "avcsnoop_connect_attempts_total{comm=\"p\\\\x5cx5cx01\",dest=");
	CHECK_CONTAINS(
		buf,
		"_bucket{comm=\"p\\\\x01\",dest=\"127.0.0.1:3000\",verdict=\"refused\","
		"errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\",le=\"2e-06\"} 4\n");
	CHECK_CONTAINS(
		buf,
		"_sum{comm=\"p\\\\x01\",dest=\"127.0.0.1:3000\",verdict=\"refused\","
		"errno=\"ECONNREFUSED\",op=\"connect\",unit=\"\",container=\"\"} 0.000002000\n");
	free(buf);
}

TEST(watch_counter_row_is_a_record)
{
	struct agg_key k = { .family = AVC_AF_UNIX, .verdict = VERDICT_REFUSED, .err = 111 };
	struct agg_val v = { .count = 4, .sum_ns = 8000, .pid = 77, .last_ns = 5000000000ULL };
	struct conn_record r;
	char dest[128];

	strcpy(k.comm, "nginx");
	memcpy(v.path, "\0app.sock", 9); /* abstract */
	record_from_counter(&r, &k, &v, NULL, 0);
	record_dest(&r, dest, sizeof(dest));
	CHECK_STR(dest, "@app.sock");
	CHECK_INT(r.duration_ns, 2000); /* the mean */
	CHECK_INT(r.pid, 77);
	CHECK_INT(r.count, 4);
	CHECK(!r.has_ret); /* a row keeps no syscall return: none is made up */
	CHECK_INT(r.tid, 0);
	CHECK_INT(r.verdict, VERDICT_REFUSED);
	CHECK(r.wall == 5.0);
	memset(v.path, 0, sizeof(v.path));
	strcpy(v.path, "/run/app.sock");
	record_from_counter(&r, &k, &v, NULL, 0);
	record_dest(&r, dest, sizeof(dest));
	CHECK_STR(dest, "/run/app.sock");
	CHECK(!r.abstract);
}

static void selinux_finding(struct finding *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->comm, "nginx");
	f->pid = 169;
	strcpy(f->scontext, "system_u:system_r:httpd_t:s0");
	strcpy(f->tcontext, "system_u:object_r:ntop_port_t:s0");
	strcpy(f->tclass, "tcp_socket");
	strcpy(f->perms[0], "name_connect");
	f->nperms = 1;
	f->family = AVC_AF_INET;
	strcpy(f->daddr, "127.0.0.1");
	f->dport = 3000;
	f->verdict = VERDICT_SELINUX_HIDDEN;
	f->err = 13;
	f->hidden = true;
	f->count = 12;
	f->first_seen = 1700000000.25;
	f->last_seen = 1700000002.5;
}

TEST(watch_export_json_with_advice_reads_back)
{
	struct advice *a = calloc(1, sizeof(*a));
	struct command *cmd;
	struct finding f, back;
	struct fix *fx;
	char *buf = NULL, err[128];
	size_t len = 0;
	struct json j;
	FILE *mf;

	CHECK(a);
	selinux_finding(&f);
	advice_start(a);
	a->summary = "SELinux is preventing nginx";
	fx = arena_alloc(&a->arena, sizeof(*fx));
	CHECK(fx);
	fix_init(fx);
	a->fixes[a->nfixes++] = fx;
	fx->kind = FIX_BOOLEAN;
	fx->then_text = "enable the boolean";
	cmd = fix_add_cmd(&a->arena, fx, "setsebool");
	CHECK(cmd);
	command_arg(cmd, "-P");
	command_arg(cmd, "httpd_can_network_relay");
	command_arg(cmd, "1");
	mf = open_memstream(&buf, &len);
	json_init(&j, mf);
	finding_write_json_advice(&j, &f, a);
	fclose(mf);
	advice_free(a);
	free(a);
	CHECK_CONTAINS(buf, "\"recommendation\":{\"summary\":\"SELinux is preventing nginx\","
			    "\"diagnoses\":[],\"fixes\":[{\"kind\":\"boolean\"");
	CHECK_CONTAINS(buf, "\"commands\":[\"setsebool -P httpd_can_network_relay 1\"]");
	CHECK_INT(finding_read_json(buf, len - 1, &back, err, sizeof(err)), FINDING_READ_OK);
	CHECK_INT(back.count, 12);
	CHECK(back.hidden);
	CHECK_INT(back.verdict, VERDICT_SELINUX_HIDDEN);
	CHECK_STR(back.tcontext, f.tcontext);
	CHECK_STR(back.perms[0], "name_connect");
	CHECK(back.first_seen == f.first_seen && back.last_seen == f.last_seen);
	free(buf);
}

TEST(watch_export_avc_reads_back)
{
	struct finding f, back;
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);

	selinux_finding(&f);
	strcpy(f.comm, "ng inx"); /* a space: hex-encoded as the kernel does */
	CHECK_INT(finding_write_avc(mf, &f, 7), 0);
	f.verdict = VERDICT_REFUSED; /* not an SELinux decision: no record */
	CHECK(finding_write_avc(mf, &f, 8) != 0);
	fclose(mf);
	CHECK_STR(buf,
		  "type=AVC msg=audit(1700000002.500:7): avc:  denied  { name_connect } for  "
		  "pid=169 comm=6E6720696E78 dest=3000 scontext=system_u:system_r:httpd_t:s0 "
		  "tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=0\n");
	CHECK_INT(auditlog_parse_line(buf, len - 1, &back, err, sizeof(err)), AUDITLOG_FINDING);
	CHECK_STR(back.comm, "ng inx");
	CHECK_INT(back.dport, 3000);
	CHECK_INT(back.pid, 169);
	CHECK_STR(back.tclass, "tcp_socket");
	CHECK_INT(back.verdict, VERDICT_SELINUX_DENIED);
	free(buf);
}
