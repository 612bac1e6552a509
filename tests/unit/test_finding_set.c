// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A finding is an access: what merges, what does not, and what a full set does. */
#include <errno.h>
#include <stdlib.h>

#include "finding_set.h"
#include "findings_io.h"
#include "test.h"

static void tcp(struct finding *f, const char *comm, uint32_t pid, int family, const char *addr,
		unsigned int port, const char *ttype, enum avc_verdict v)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->comm, sizeof(f->comm), "%s", comm);
	f->pid = pid;
	f->family = (uint16_t)family;
	snprintf(f->daddr, sizeof(f->daddr), "%s", addr);
	f->dport = (uint16_t)port;
	f->verdict = v;
	f->err = v == VERDICT_SELINUX_PERMISSIVE ? 0 : EACCES;
	f->hidden = v == VERDICT_SELINUX_HIDDEN;
	f->permissive = v == VERDICT_SELINUX_PERMISSIVE;
	snprintf(f->scontext, sizeof(f->scontext), "system_u:system_r:httpd_t:s0");
	snprintf(f->tcontext, sizeof(f->tcontext), "system_u:object_r:%s:s0", ttype);
	snprintf(f->tclass, sizeof(f->tclass), "tcp_socket");
	snprintf(f->perms[0], sizeof(f->perms[0]), "name_connect");
	f->nperms = 1;
	f->count = 1;
}

TEST(finding_is_the_access_not_the_address)
{
	struct finding_set s = { 0 };
	struct finding f, *got = NULL;

	tcp(&f, "nginx", 10, AVC_AF_INET, "127.0.0.1", 3000, "ntop_port_t", VERDICT_SELINUX_DENIED);
	f.first_seen = 5;
	f.last_seen = 5;
	CHECK_INT(finding_set_add(&s, &f, &got), 1);
	/* the same access over IPv6, hidden, by another process */
	tcp(&f, "nginx", 11, AVC_AF_INET6, "::1", 3000, "ntop_port_t", VERDICT_SELINUX_HIDDEN);
	f.hidden_by = "dontaudit";
	f.first_seen = 3;
	f.last_seen = 9;
	CHECK_INT(finding_set_add(&s, &f, &got), 0);
	/* and permissive */
	tcp(&f, "php-fpm", 12, AVC_AF_INET, "127.0.0.1", 3000, "ntop_port_t",
	    VERDICT_SELINUX_PERMISSIVE);
	CHECK_INT(finding_set_add(&s, &f, NULL), 0);
	CHECK_INT(s.n, 1);
	got = &s.v[0];
	CHECK_INT(got->counts.total, 3);
	CHECK_INT(got->counts.audited, 1);
	CHECK_INT(got->counts.hidden, 1);
	CHECK_INT(got->counts.permissive, 1);
	CHECK_INT(got->count, 3);
	CHECK_INT(got->verdict, VERDICT_SELINUX_DENIED); /* audited stands for it */
	CHECK(got->hidden && got->permissive);
	CHECK_STR(got->hidden_by, "dontaudit");
	CHECK_INT(got->ndests, 2);
	CHECK_STR(got->dests[0], "127.0.0.1:3000");
	CHECK_STR(got->dests[1], "[::1]:3000");
	CHECK_INT(got->nprocs, 3);
	CHECK_STR(got->procs[2].comm, "php-fpm");
	CHECK(got->first_seen == 3 && got->last_seen == 9);
	/* another port is another access (the fix is the port's label) */
	tcp(&f, "nginx", 10, AVC_AF_INET, "127.0.0.1", 3001, "ntop_port_t", VERDICT_SELINUX_DENIED);
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	/* another target type, or permission, too */
	tcp(&f, "nginx", 10, AVC_AF_INET, "127.0.0.1", 3000, "http_port_t", VERDICT_SELINUX_DENIED);
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	CHECK_INT(s.n, 3);
	finding_set_free(&s);
}

TEST(finding_unix_keyed_by_the_directory_the_fix_labels)
{
	struct finding_set s = { 0 };
	struct finding f;

	tcp(&f, "nginx", 10, AVC_AF_UNIX, "", 0, "initrc_runtime_t", VERDICT_SELINUX_DENIED);
	snprintf(f.tclass, sizeof(f.tclass), "dir");
	snprintf(f.perms[0], sizeof(f.perms[0]), "search");
	snprintf(f.path, sizeof(f.path), "/run/backend/app.sock");
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	snprintf(f.path, sizeof(f.path), "/run/backend/other.sock");
	CHECK_INT(finding_set_add(&s, &f, NULL), 0);
	snprintf(f.path, sizeof(f.path), "/run/elsewhere/app.sock");
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	CHECK_INT(s.v[0].ndests, 2);
	finding_set_free(&s);
}

TEST(finding_non_selinux_keyed_by_verdict_and_port)
{
	struct finding_set s = { 0 };
	struct finding f;

	tcp(&f, "nginx", 10, AVC_AF_INET, "127.0.0.1", 9999, "x_t", VERDICT_REFUSED);
	f.scontext[0] = f.tcontext[0] = f.tclass[0] = '\0';
	f.nperms = 0;
	f.err = ECONNREFUSED;
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	snprintf(f.daddr, sizeof(f.daddr), "::1");
	f.family = AVC_AF_INET6;
	snprintf(f.comm, sizeof(f.comm), "curl");
	CHECK_INT(finding_set_add(&s, &f, NULL), 0);
	f.verdict = VERDICT_TIMED_OUT;
	f.err = ETIMEDOUT;
	CHECK_INT(finding_set_add(&s, &f, NULL), 1);
	CHECK_INT(s.v[0].counts.other, 2);
	CHECK_INT(s.v[0].nprocs, 2);
	finding_set_free(&s);
}

TEST(finding_set_full_counts_what_it_drops)
{
	struct finding_set s = { .max = 100 };
	struct finding f;
	unsigned int port;

	for (port = 1000; port < 1300; port++) {
		tcp(&f, "flood", port, AVC_AF_INET, "127.0.0.1", port, "x_port_t",
		    VERDICT_SELINUX_DENIED);
		f.count = 2;
		CHECK_INT(finding_set_add(&s, &f, NULL), port < 1100 ? 1 : -ENOSPC);
	}
	CHECK_INT(s.n, 100);
	CHECK_INT(s.overflow, 400);
	/* a finding already kept still merges when full */
	tcp(&f, "flood", 1, AVC_AF_INET, "127.0.0.1", 1000, "x_port_t", VERDICT_SELINUX_DENIED);
	CHECK_INT(finding_set_add(&s, &f, NULL), 0);
	CHECK_INT(s.v[0].count, 3);
	finding_set_free(&s);
}

TEST(finding_lists_are_bounded)
{
	struct finding_set s = { 0 };
	struct finding f;
	unsigned int i;

	for (i = 0; i < 20; i++) {
		tcp(&f, "nginx", 100 + i, AVC_AF_INET, "127.0.0.1", 3000, "ntop_port_t",
		    VERDICT_SELINUX_DENIED);
		snprintf(f.daddr, sizeof(f.daddr), "127.0.0.%u", i + 1);
		CHECK(finding_set_add(&s, &f, NULL) >= 0);
	}
	CHECK_INT(s.n, 1);
	CHECK_INT(s.v[0].ndests, FINDING_MAX_DESTS);
	CHECK_INT(s.v[0].dests_unlisted, 20 - FINDING_MAX_DESTS);
	CHECK_INT(s.v[0].nprocs, FINDING_MAX_PROCS);
	CHECK_INT(s.v[0].procs_unlisted, 20 - FINDING_MAX_PROCS);
	finding_set_free(&s);
}

TEST(finding_grouped_round_trip)
{
	struct finding_set s = { 0 }, back = { 0 };
	struct finding f, r;
	char *buf = NULL, err[256];
	size_t len = 0;
	struct json j;
	FILE *mem;

	tcp(&f, "nginx", 10, AVC_AF_INET, "127.0.0.1", 3000, "ntop_port_t", VERDICT_SELINUX_DENIED);
	finding_set_add(&s, &f, NULL);
	tcp(&f, "nginx", 11, AVC_AF_INET6, "::1", 3000, "ntop_port_t", VERDICT_SELINUX_HIDDEN);
	f.hidden_by = "dontaudit";
	finding_set_add(&s, &f, NULL);
	mem = open_memstream(&buf, &len);
	CHECK(mem);
	json_init(&j, mem);
	finding_write_json(&j, &s.v[0]);
	fclose(mem);
	CHECK_INT(finding_read_json(buf, len - 1, &r, err, sizeof(err)), FINDING_READ_OK);
	CHECK_INT(finding_set_add(&back, &r, NULL), 1);
	/* read back twice: counts add up, lists do not repeat */
	CHECK_INT(finding_set_add(&back, &r, NULL), 0);
	CHECK_INT(back.v[0].counts.total, 4);
	CHECK_INT(back.v[0].counts.hidden, 2);
	CHECK_INT(back.v[0].ndests, 2);
	CHECK_INT(back.v[0].nprocs, 2);
	CHECK_STR(back.v[0].hidden_by, "dontaudit");
	free(buf);
	/* counts that do not add up are refused */
	{
		const char *bad = "{\"type\":\"finding\",\"verdict\":\"selinux_denied\","
				  "\"count\":3,\"counts\":{\"total\":3,\"audited\":1}}";

		CHECK_INT(finding_read_json(bad, strlen(bad), &r, err, sizeof(err)), -EINVAL);
	}
	CHECK_CONTAINS(err, "do not add up");
	finding_set_free(&s);
	finding_set_free(&back);
}
