// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One struct access (user/access.h) in a trace record and in a finding, and the connect
 * schema's writer and reader in one module (user/findings_io.c): a record written as a
 * connect line reads back as the very access record_to_finding makes of it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "findings_io.h"
#include "json.h"
#include "test.h"

static void selinux_record(struct conn_record *r, int nperms)
{
	char why[128];
	int i;

	memset(r, 0, sizeof(*r));
	r->op = AVC_OP_CONNECT;
	snprintf(r->comm, sizeof(r->comm), "nginx");
	r->pid = 4242;
	r->tid = 4243;
	r->family = AVC_AF_INET6;
	snprintf(r->daddr, sizeof(r->daddr), "::1");
	r->dport = 3000;
	r->verdict = r->kernel_verdict = VERDICT_SELINUX_DENIED;
	r->err = EACCES;
	r->ret = -EACCES;
	r->has_ret = true;
	r->count = 1;
	r->wall = 1700000000.25;
	r->has_selinux = true;
	r->sel_audited = true;
	snprintf(r->scontext, sizeof(r->scontext), "system_u:system_r:httpd_t:s0");
	snprintf(r->tcontext, sizeof(r->tcontext), "system_u:object_r:ntop_port_t:s0");
	snprintf(r->tclass, sizeof(r->tclass), "tcp_socket");
	for (i = 0; i < nperms; i++)
		snprintf(r->perms[i], sizeof(r->perms[i]), "perm%d", i);
	r->nperms = nperms;
	attrib_set(&r->attrib, "unit", "nginx.service", why, sizeof(why));
}

/* print_json, then finding_read_json: the access of the line is record_to_finding's */
static int round_trip(const struct conn_record *r, struct finding *back, char *line, size_t sz)
{
	char err[256];
	FILE *f = fmemopen(line, sz, "w");
	struct json j;
	size_t len;

	if (!f)
		return -errno;
	json_init(&j, f);
	print_json(&j, r);
	fclose(f);
	len = strlen(line);
	if (!len || line[len - 1] != '\n')
		return -EINVAL;
	return finding_read_json(line, len - 1, back, err, sizeof(err));
}

TEST(access_connect_line_reads_back_as_the_record_finding)
{
	static char line[16384];
	struct conn_record r;
	struct finding want, back;
	int i;

	/* every permission a record holds survives: the record's limit is the finding's */
	selinux_record(&r, ACCESS_MAX_PERMS);
	record_to_finding(&r, &want);
	CHECK_INT(want.nperms, ACCESS_MAX_PERMS);
	CHECK_INT(round_trip(&r, &back, line, sizeof(line)), FINDING_READ_OK);
	CHECK_STR(back.comm, r.comm);
	CHECK_INT(back.pid, r.pid);
	CHECK_INT(back.op, r.op);
	CHECK_INT(back.family, r.family);
	CHECK_STR(back.daddr, r.daddr);
	CHECK_INT(back.dport, r.dport);
	CHECK_INT(back.verdict, r.verdict);
	CHECK_INT(back.err, r.err);
	CHECK_STR(back.scontext, r.scontext);
	CHECK_STR(back.tcontext, r.tcontext);
	CHECK_STR(back.tclass, r.tclass);
	CHECK_INT(back.nperms, r.nperms);
	for (i = 0; i < r.nperms; i++)
		CHECK_STR(back.perms[i], r.perms[i]);
	CHECK_STR(back.attrib.unit, "nginx.service");
	/* and nothing else differs in the access either */
	CHECK(!memcmp(&back.access, &want.access, sizeof(want.access)));
}

TEST(access_record_and_finding_share_the_members)
{
	struct conn_record r;
	struct finding f;

	selinux_record(&r, 2);
	/* r->access is the record's members, not a copy: the names alias it */
	r.access.dport = 8080;
	CHECK_INT(r.dport, 8080);
	snprintf(r.comm, sizeof(r.comm), "worker");
	CHECK_STR(r.access.comm, "worker");
	record_to_finding(&r, &f);
	CHECK_INT(f.dport, 8080);
	CHECK_STR(f.access.comm, "worker");
	CHECK_STR(f.perms[1], "perm1");
}
