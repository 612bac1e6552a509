// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "event.h"
#include "finding_set.h"
#include "findings_io.h"
#include "policy.h"
#include "selstate.h"
#include "verdict.h"

double mono_to_wall_offset(void)
{
	struct timespec mono, wall;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	return (double)(wall.tv_sec - mono.tv_sec) + (double)(wall.tv_nsec - mono.tv_nsec) / 1e9;
}

/* What both constructors share: the address, the unix name, the kernel's names. */
static void decode_common(struct conn_record *r, const __u8 addr[16], const char *path,
			  unsigned int path_bytes, double wall_offset, __u64 ts_ns)
{
	r->verdict = r->kernel_verdict;
	r->sel_audited = r->flags & AF_SEL_AUDITED;
	r->sel_permissive = r->flags & AF_SEL_PERMISSIVE;
	r->wall = (double)ts_ns / 1e9 + wall_offset;
	if (r->family == AVC_AF_INET)
		inet_ntop(AF_INET, addr, r->daddr, sizeof(r->daddr));
	else if (r->family == AVC_AF_INET6)
		inet_ntop(AF_INET6, addr, r->daddr, sizeof(r->daddr));
	else if (r->family == AVC_AF_UNIX && path_bytes) {
		if (path_bytes > AVC_PATH_LEN)
			path_bytes = AVC_PATH_LEN;
		if (r->flags & AF_ABSTRACT) {
			/* abstract: the name is every byte after the leading NUL */
			r->abstract = true;
			r->path_len = path_bytes - 1;
			memcpy(r->path, path + 1, r->path_len);
		} else {
			r->path_len = (unsigned int)strnlen(path, path_bytes);
			memcpy(r->path, path, r->path_len);
		}
	}
	if (r->flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE)) {
		const struct avc_sel_names *n = &r->names;

		r->has_selinux = true;
		snprintf(r->scontext, sizeof(r->scontext), "%.*s", AVC_CTX_LEN, n->scontext);
		snprintf(r->tcontext, sizeof(r->tcontext), "%.*s", AVC_CTX_LEN, n->tcontext);
		snprintf(r->tclass, sizeof(r->tclass), "%.*s", AVC_CLASS_LEN, n->tclass);
		if (context_type(r->scontext, r->source_type, sizeof(r->source_type)))
			r->source_type[0] = '\0';
		if (context_type(r->tcontext, r->target_type, sizeof(r->target_type)))
			r->target_type[0] = '\0';
	}
}

void record_from_event(struct conn_record *r, const struct conn_event *e, size_t size,
		       double wall_offset)
{
	static const char no_path[AVC_PATH_LEN];
	const char *path = no_path;

	memset(r, 0, sizeof(*r));
	r->cgroup_id = e->cgroup_id;
	r->pid = e->pid;
	r->tid = e->tid;
	r->uid = e->uid;
	r->has_ret = true;
	r->ret = e->ret;
	r->err = e->err;
	r->lsm_err = e->lsm_err;
	r->flags = e->flags;
	r->family = e->family;
	r->port = e->port;
	r->op = e->op < AVC_OP_MAX ? (enum avc_op)e->op : AVC_OP_CONNECT;
	memcpy(r->comm, e->comm, AVC_COMM_LEN);
	r->duration_ns = e->duration_ns;
	r->count = 1;
	r->sel = e->sel;
	/* the three record kinds begin alike; path sits at the same offset in the larger two */
	_Static_assert(offsetof(struct conn_event_unix, path) ==
			       offsetof(struct conn_event_sel, path),
		       "path at different offsets");
	if (size >= sizeof(struct conn_event_sel)) {
		r->names = ((const struct conn_event_sel *)e)->names;
		r->has_names = true;
	}
	if (size >= sizeof(struct conn_event_unix))
		path = ((const struct conn_event_unix *)e)->path;
	r->kernel_verdict = e->verdict < VERDICT_MAX ? (enum avc_verdict)e->verdict : VERDICT_ERROR;
	decode_common(r, e->addr, path, e->addrlen > 2 ? e->addrlen - 2u : 0, wall_offset,
		      e->ts_ns);
}

void record_from_counter(struct conn_record *r, const struct agg_key *k, const struct agg_val *v,
			 const struct avc_sel_names *names, double wall_offset)
{
	unsigned int len = 0;

	memset(r, 0, sizeof(*r));
	r->cgroup_id = k->cgroup_id;
	r->pid = v->pid;
	r->err = k->err;
	r->flags = v->flags;
	r->family = k->family;
	r->port = k->port;
	r->op = k->op < AVC_OP_MAX ? (enum avc_op)k->op : AVC_OP_CONNECT;
	memcpy(r->comm, k->comm, AVC_COMM_LEN);
	r->duration_ns = v->count ? v->sum_ns / v->count : 0;
	r->count = v->count;
	r->sel = v->sel;
	if (names) {
		r->names = *names;
		r->has_names = true;
	}
	r->kernel_verdict = k->verdict < VERDICT_MAX ? (enum avc_verdict)k->verdict : VERDICT_ERROR;
	if (k->family == AVC_AF_UNIX) {
		/* the counter keeps the first bytes of sun_path and no length: an abstract name
		 * (leading NUL) ends at its last non-NUL byte
		 */
		if (v->path[0]) {
			len = (unsigned int)strnlen(v->path, sizeof(v->path));
			r->flags &= ~(__u32)AF_ABSTRACT;
		} else {
			for (len = sizeof(v->path); len > 1 && !v->path[len - 1]; len--)
				;
			r->flags |= AF_ABSTRACT;
		}
	}
	decode_common(r, k->addr, v->path, len, wall_offset, v->last_ns);
}

void record_dest(const struct conn_record *r, char *buf, size_t len)
{
	switch (r->family) {
	case AVC_AF_INET:
		snprintf(buf, len, "%s:%u", r->daddr, r->port);
		break;
	case AVC_AF_INET6:
		snprintf(buf, len, "[%s]:%u", r->daddr, r->port);
		break;
	case AVC_AF_UNIX:
		/* raw bytes: callers escape; NULs inside abstract names become '@' here */
		if (len) {
			size_t i, n = 0;

			if (r->abstract && n + 1 < len)
				buf[n++] = '@';
			for (i = 0; i < r->path_len && n + 1 < len; i++)
				buf[n++] = r->path[i] ? r->path[i] : '@';
			buf[n] = '\0';
		}
		break;
	default:
		snprintf(buf, len, "family %u", r->family);
	}
}

void record_to_finding(const struct conn_record *r, struct finding *f)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->origin = ORIGIN_TRACE;
	f->op = r->op;
	snprintf(f->comm, sizeof(f->comm), "%s", r->comm);
	f->pid = r->pid;
	snprintf(f->scontext, sizeof(f->scontext), "%s", r->scontext);
	snprintf(f->tcontext, sizeof(f->tcontext), "%s", r->tcontext);
	snprintf(f->tclass, sizeof(f->tclass), "%s", r->tclass);
	for (i = 0; i < r->nperms && i < FINDING_MAX_PERMS; i++)
		snprintf(f->perms[i], sizeof(f->perms[i]), "%s", r->perms[i]);
	f->nperms = i;
	snprintf(f->object, sizeof(f->object), "%s", r->object);
	f->family = r->family;
	snprintf(f->daddr, sizeof(f->daddr), "%s", r->daddr);
	f->dport = r->port;
	if (r->family == AVC_AF_UNIX)
		record_dest(r, f->path, sizeof(f->path));
	f->verdict = r->verdict;
	f->err = r->err;
	f->hidden_by = r->hidden_by; /* kept only if hidden: finding_normalize derives it */
	f->count = r->count ? r->count : 1;
	f->attrib = r->attrib;
	f->first_seen = f->last_seen = r->wall;
	finding_normalize(f);
}

/* The local time of day of a text line: "22:26:33.324" */
static void format_time(double wall, char *buf, size_t len)
{
	time_t secs = (time_t)wall;
	struct tm tm;
	char base[16];

	localtime_r(&secs, &tm);
	strftime(base, sizeof(base), "%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ld", base, (long)((wall - (double)secs) * 1e3));
}

void print_text_header(FILE *f)
{
	fprintf(f, "%-12s %-7s %-16s %-7s %-28s %-18s %-12s %9s  %-24s %s\n", "TIME", "PID", "COMM",
		"OP", "DEST", "RESULT", "ERRNO", "LAT(us)", "UNIT/CONTAINER", "DETAIL");
}

static void text_detail(const struct conn_record *r, char *buf, size_t len)
{
	char esc[3][200];
	size_t n = 0;
	int i;

	buf[0] = '\0';
	switch (r->verdict) {
	case VERDICT_SELINUX_DENIED:
	case VERDICT_SELINUX_HIDDEN:
	case VERDICT_SELINUX_PERMISSIVE:
		n += (size_t)snprintf(buf + n, len - n, "{");
		for (i = 0; i < r->nperms && n < len; i++) {
			escape_str(esc[0], sizeof(esc[0]), r->perms[i], ESC_TEXT);
			n += (size_t)snprintf(buf + n, len - n, " %s", esc[0]);
		}
		escape_str(esc[0], sizeof(esc[0]), r->source_type[0] ? r->source_type : "?",
			   ESC_TEXT);
		escape_str(esc[1], sizeof(esc[1]), r->target_type[0] ? r->target_type : "?",
			   ESC_TEXT);
		escape_str(esc[2], sizeof(esc[2]), r->tclass[0] ? r->tclass : "?", ESC_TEXT);
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, " } %s -> %s:%s", esc[0], esc[1],
					      esc[2]);
		if (r->object[0] && n < len) {
			escape_str(esc[0], sizeof(esc[0]), r->object, ESC_TEXT);
			n += (size_t)snprintf(buf + n, len - n, " on %s", esc[0]);
		}
		if (r->verdict == VERDICT_SELINUX_HIDDEN && n < len)
			snprintf(buf + n, len - n, " (no AVC record: %s)",
				 !r->hidden_by ? "dontaudit or audit off"
				 : !strcmp(r->hidden_by, "dontaudit")
					 ? "a dontaudit rule hides it"
					 : "audit disabled or filtered");
		else if (r->verdict == VERDICT_SELINUX_PERMISSIVE && n < len)
			snprintf(buf + n, len - n, " (would be denied if enforcing)");
		break;
	case VERDICT_LSM_DENIED:
		escape_str(esc[0], sizeof(esc[0]), r->lsms && r->lsms[0] ? r->lsms : "unknown",
			   ESC_TEXT);
		snprintf(buf, len, "LSMs: %s", esc[0]);
		break;
	case VERDICT_CGROUP_DENIED:
		snprintf(buf, len, "%s",
			 (r->flags & AF_CGROUP_ERR) ? "cgroup BPF program"
						    : "after the LSMs: cgroup program or firewall");
		break;
	default:
		if (r->flags & AF_ASYNC)
			snprintf(buf, len, "async outcome");
	}
}

void print_text(FILE *f, const struct conn_record *r)
{
	char when[32], comm[4 * AVC_COMM_LEN + 4], raw[4 * AVC_PATH_LEN], dest[4 * AVC_PATH_LEN];
	char errbuf[16], detail[512], who_raw[ATTRIB_UNIT_LEN], who[4 * ATTRIB_UNIT_LEN];

	format_time(r->wall, when, sizeof(when));
	attrib_short(&r->attrib, who_raw, sizeof(who_raw));
	escape_str(who, sizeof(who), who_raw, ESC_TEXT);
	escape_str(comm, sizeof(comm), r->comm, ESC_TEXT);
	record_dest(r, raw, sizeof(raw));
	escape_str(dest, sizeof(dest), raw, ESC_TEXT);
	text_detail(r, detail, sizeof(detail));
	fprintf(f, "%-12s %-7u %-16s %-7s %-28s %-18s %-12s %9.1f  %-24s %s\n", when, r->pid, comm,
		op_name(r->op), dest, verdict_column(r->verdict),
		errno_name(r->err, errbuf, sizeof(errbuf)), (double)r->duration_ns / 1e3, who,
		detail);
}

void record_write_selinux_json(struct json *j, const struct conn_record *r)
{
	struct selinux_json s = {
		.scontext = r->scontext,
		.tcontext = r->tcontext,
		.tclass = r->tclass,
		.object = r->object,
		.have_flags = true,
		.audited = r->sel_audited,
		.permissive = r->sel_permissive,
		.derived = r->derived,
		.hidden_by = r->hidden_by,
		.audited_from = r->audit_from_policy ? "policy" : NULL,
	};
	int i;

	if (!r->has_selinux)
		return;
	for (i = 0; i < r->nperms && i < REC_MAX_PERMS; i++)
		s.perms[s.nperms++] = r->perms[i];
	selinux_json_write(j, "selinux", &s);
}

void print_json(struct json *j, const struct conn_record *r)
{
	char dest[4 * AVC_PATH_LEN], errbuf[16];

	json_obj_begin(j, NULL);
	/* "connect" names the record's schema (every attempt, bind() too); "op" the call */
	json_str(j, "type", "connect");
	json_str(j, "op", op_name(r->op));
	json_time(j, "time", r->wall);
	json_uint(j, "pid", r->pid);
	json_uint(j, "tid", r->tid);
	json_str(j, "comm", r->comm);
	json_uint(j, "uid", r->uid);
	json_uint(j, "cgroup_id", r->cgroup_id);
	if (r->domain[0])
		json_str(j, "domain", r->domain);
	attrib_write_json(j, &r->attrib);
	json_str(j, "family", family_name(r->family));
	if (r->family == AVC_AF_INET || r->family == AVC_AF_INET6) {
		json_str(j, "daddr", r->daddr);
		json_uint(j, "dport", r->port);
	} else if (r->family == AVC_AF_UNIX) {
		json_strn(j, "path", r->path, r->path_len);
		json_bool(j, "abstract", r->abstract);
	}
	record_dest(r, dest, sizeof(dest));
	json_str(j, "dest", dest);
	json_int(j, "ret", r->ret);
	json_str(j, "errno", errno_name(r->err, errbuf, sizeof(errbuf)));
	json_str(j, "verdict", verdict_name(r->verdict));
	json_double(j, "duration_us", (double)r->duration_ns / 1e3, 1);
	json_bool(j, "async", r->flags & AF_ASYNC);
	/* false: seen only at security_socket_connect (io_uring): ret is not a syscall's */
	json_bool(j, "syscall", !(r->flags & AF_NO_SYSCALL));
	if (r->verdict == VERDICT_LSM_DENIED)
		json_str(j, "lsms", r->lsms ? r->lsms : "");
	if (r->verdict == VERDICT_CGROUP_DENIED)
		json_bool(j, "cgroup_program", r->flags & AF_CGROUP_ERR);
	if (r->policy_seqno)
		json_uint(j, "policy_seqno", r->policy_seqno);
	/* what user space added was judged on a later policy: the reader fell behind */
	if (r->judged_seqno)
		json_uint(j, "judged_on_seqno", r->judged_seqno);
	record_write_selinux_json(j, r);
	json_obj_end(j);
	json_line_end(j);
}

static const char *mode_name(int enforcing)
{
	return enforcing == 1 ? "enforcing" : enforcing == 0 ? "permissive" : "unknown";
}

void sel_change_write_json(struct json *j, const struct sel_change *c)
{
	json_obj_begin(j, NULL);
	json_str(j, "type", "policy_change");
	json_time(j, "time", c->wall);
	json_bool(j, "policy_loaded", c->policy_loaded);
	json_uint(j, "seqno", c->after.policyload);
	json_uint(j, "previous_seqno", c->before.policyload);
	json_str(j, "mode", mode_name(c->after.enforcing));
	json_str(j, "previous_mode", mode_name(c->before.enforcing));
	json_int(j, "deny_unknown", c->after.deny_unknown);
	/* "kernel": in the events ring, between the attempts before and after it; "status_page":
	 * noticed when read, attempts read just before may postdate it
	 */
	json_str(j, "source", c->in_order ? "kernel" : "status_page");
	json_obj_end(j);
	json_line_end(j);
}

void sel_change_print_text(FILE *f, const struct sel_change *c)
{
	char when[32];

	format_time(c->wall, when, sizeof(when));
	fprintf(f, "%-12s -- SELinux changed:", when);
	if (c->policy_loaded)
		fprintf(f,
			" policy loaded or booleans committed (seqno %lu -> %lu): names, verdicts "
			"and advice now come from it;",
			c->before.policyload, c->after.policyload);
	if (c->enforcing_changed)
		fprintf(f, " %s -> %s;", mode_name(c->before.enforcing),
			mode_name(c->after.enforcing));
	fputc('\n', f);
}
