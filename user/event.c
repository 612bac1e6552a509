// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "event.h"
#include "policy.h"
#include "verdict.h"

double mono_to_wall_offset(void)
{
	struct timespec mono, wall;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &wall);
	return (double)(wall.tv_sec - mono.tv_sec) + (double)(wall.tv_nsec - mono.tv_nsec) / 1e9;
}

void record_decode(struct conn_record *r, const struct conn_event *e, size_t size,
		   double wall_offset)
{
	static const struct avc_sel_names none;
	const struct avc_sel_names *n = &none;

	memset(r, 0, sizeof(*r));
	r->ev = e;
	if (size >= sizeof(struct conn_event_sel)) {
		n = &((const struct conn_event_sel *)e)->names;
		r->names = n;
	}
	r->verdict = e->verdict < VERDICT_MAX ? (enum avc_verdict)e->verdict : VERDICT_ERROR;
	r->sel_audited = e->flags & AF_SEL_AUDITED;
	r->sel_permissive = e->flags & AF_SEL_PERMISSIVE;
	r->wall = (double)e->ts_ns / 1e9 + wall_offset;
	if (e->family == AVC_AF_INET)
		inet_ntop(AF_INET, e->addr, r->daddr, sizeof(r->daddr));
	else if (e->family == AVC_AF_INET6)
		inet_ntop(AF_INET6, e->addr, r->daddr, sizeof(r->daddr));
	else if (e->family == AVC_AF_UNIX && e->addrlen > 2) {
		unsigned int len = e->addrlen - 2u;

		if (len > AVC_PATH_LEN)
			len = AVC_PATH_LEN;
		if (e->flags & AF_ABSTRACT) {
			/* abstract: the name is every byte after the leading NUL */
			r->abstract = true;
			r->path_len = len ? len - 1 : 0;
			memcpy(r->path, e->path + 1, r->path_len);
		} else {
			r->path_len = (unsigned int)strnlen(e->path, len);
			memcpy(r->path, e->path, r->path_len);
		}
	}
	if (e->flags & (AF_SEL_DENIED | AF_SEL_PERMISSIVE)) {
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

size_t agg_to_event(const struct agg_key *k, const struct agg_val *v,
		    const struct avc_sel_names *names, struct conn_event_sel *out)
{
	struct conn_event *e = &out->ev;

	memset(out, 0, sizeof(*out));
	e->ts_ns = v->last_ns;
	e->duration_ns = v->count ? v->sum_ns / v->count : 0;
	e->cgroup_id = k->cgroup_id;
	e->pid = e->tid = v->pid;
	e->err = k->err;
	e->ret = k->err ? -(int)k->err : 0;
	e->flags = v->flags;
	e->verdict = k->verdict;
	e->family = k->family;
	e->port = k->port;
	memcpy(e->addr, k->addr, sizeof(e->addr));
	memcpy(e->comm, k->comm, sizeof(e->comm));
	e->sel = v->sel;
	if (k->family == AVC_AF_UNIX) {
		size_t len;

		memcpy(e->path, k->path, sizeof(k->path));
		if (k->path[0]) {
			len = strnlen(k->path, sizeof(k->path));
			e->flags &= ~(__u32)AF_ABSTRACT;
		} else {
			/* abstract: the key keeps no length; the name ends at its last non-NUL */
			for (len = sizeof(k->path); len > 1 && !k->path[len - 1]; len--)
				;
			e->flags |= AF_ABSTRACT;
		}
		e->addrlen = (__u16)(2 + len);
	}
	if (names) {
		out->names = *names;
		return sizeof(*out);
	}
	return sizeof(*e);
}

void record_dest(const struct conn_record *r, char *buf, size_t len)
{
	const struct conn_event *e = r->ev;

	switch (e->family) {
	case AVC_AF_INET:
		snprintf(buf, len, "%s:%u", r->daddr, e->port);
		break;
	case AVC_AF_INET6:
		snprintf(buf, len, "[%s]:%u", r->daddr, e->port);
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
		snprintf(buf, len, "family %u", e->family);
	}
}

void record_to_finding(const struct conn_record *r, struct finding *f)
{
	const struct conn_event *e = r->ev;
	int i;

	memset(f, 0, sizeof(*f));
	f->origin = ORIGIN_TRACE;
	snprintf(f->comm, sizeof(f->comm), "%.*s", AVC_COMM_LEN, e->comm);
	f->pid = e->pid;
	snprintf(f->scontext, sizeof(f->scontext), "%s", r->scontext);
	snprintf(f->tcontext, sizeof(f->tcontext), "%s", r->tcontext);
	snprintf(f->tclass, sizeof(f->tclass), "%s", r->tclass);
	for (i = 0; i < r->nperms && i < FINDING_MAX_PERMS; i++)
		snprintf(f->perms[i], sizeof(f->perms[i]), "%s", r->perms[i]);
	f->nperms = i;
	f->family = e->family;
	snprintf(f->daddr, sizeof(f->daddr), "%s", r->daddr);
	f->dport = e->port;
	if (e->family == AVC_AF_UNIX)
		record_dest(r, f->path, sizeof(f->path));
	f->verdict = r->verdict;
	f->err = e->err;
	f->hidden = r->verdict == VERDICT_SELINUX_HIDDEN;
	f->permissive = r->sel_permissive;
	f->count = 1;
	f->first_seen = f->last_seen = r->wall;
}

static void format_time(double wall, char *buf, size_t len, bool iso)
{
	time_t secs = (time_t)wall;
	struct tm tm;
	char base[32];

	gmtime_r(&secs, &tm);
	if (iso) {
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, len, "%s.%06ldZ", base, (long)((wall - (double)secs) * 1e6));
	} else {
		localtime_r(&secs, &tm);
		strftime(base, sizeof(base), "%H:%M:%S", &tm);
		snprintf(buf, len, "%s.%03ld", base, (long)((wall - (double)secs) * 1e3));
	}
}

void print_text_header(FILE *f)
{
	fprintf(f, "%-12s %-7s %-16s %-28s %-18s %-12s %9s  %s\n", "TIME", "PID", "COMM", "DEST",
		"RESULT", "ERRNO", "LAT(us)", "DETAIL");
}

static void text_detail(const struct conn_record *r, char *buf, size_t len)
{
	const struct conn_event *e = r->ev;
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
			 (e->flags & AF_CGROUP_ERR) ? "cgroup BPF program"
						    : "after the LSMs: cgroup program or firewall");
		break;
	default:
		if (e->flags & AF_ASYNC)
			snprintf(buf, len, "async outcome");
	}
}

void print_text(FILE *f, const struct conn_record *r)
{
	const struct conn_event *e = r->ev;
	char when[32], comm[4 * AVC_COMM_LEN + 4], raw[4 * AVC_PATH_LEN], dest[4 * AVC_PATH_LEN];
	char errbuf[16], detail[512];

	format_time(r->wall, when, sizeof(when), false);
	escape_buf(comm, sizeof(comm), e->comm, AVC_COMM_LEN, ESC_TEXT, 0);
	record_dest(r, raw, sizeof(raw));
	escape_str(dest, sizeof(dest), raw, ESC_TEXT);
	text_detail(r, detail, sizeof(detail));
	fprintf(f, "%-12s %-7u %-16s %-28s %-18s %-12s %9.1f  %s\n", when, e->pid, comm, dest,
		verdict_column(r->verdict), errno_name(e->err, errbuf, sizeof(errbuf)),
		(double)e->duration_ns / 1e3, detail);
}

void print_json(struct json *j, const struct conn_record *r)
{
	const struct conn_event *e = r->ev;
	char when[40], dest[4 * AVC_PATH_LEN], errbuf[16];
	int i;

	format_time(r->wall, when, sizeof(when), true);
	json_obj_begin(j, NULL);
	json_str(j, "type", "connect");
	json_str(j, "time", when);
	json_uint(j, "pid", e->pid);
	json_uint(j, "tid", e->tid);
	json_strn(j, "comm", e->comm, strnlen(e->comm, AVC_COMM_LEN));
	json_uint(j, "uid", e->uid);
	json_uint(j, "cgroup_id", e->cgroup_id);
	json_str(j, "family", family_name(e->family));
	if (e->family == AVC_AF_INET || e->family == AVC_AF_INET6) {
		json_str(j, "daddr", r->daddr);
		json_uint(j, "dport", e->port);
	} else if (e->family == AVC_AF_UNIX) {
		json_strn(j, "path", r->path, r->path_len);
		json_bool(j, "abstract", r->abstract);
	}
	record_dest(r, dest, sizeof(dest));
	json_str(j, "dest", dest);
	json_int(j, "ret", e->ret);
	json_str(j, "errno", errno_name(e->err, errbuf, sizeof(errbuf)));
	json_str(j, "verdict", verdict_name(r->verdict));
	json_double(j, "duration_us", (double)e->duration_ns / 1e3, 1);
	json_bool(j, "async", e->flags & AF_ASYNC);
	/* false: seen only at security_socket_connect (io_uring): ret is not a syscall's */
	json_bool(j, "syscall", !(e->flags & AF_NO_SYSCALL));
	if (r->verdict == VERDICT_LSM_DENIED)
		json_str(j, "lsms", r->lsms ? r->lsms : "");
	if (r->verdict == VERDICT_CGROUP_DENIED)
		json_bool(j, "cgroup_program", e->flags & AF_CGROUP_ERR);
	if (r->has_selinux) {
		json_obj_begin(j, "selinux");
		json_str(j, "scontext", r->scontext);
		json_str(j, "tcontext", r->tcontext);
		json_str(j, "tclass", r->tclass);
		json_arr_begin(j, "perms");
		for (i = 0; i < r->nperms; i++)
			json_str(j, NULL, r->perms[i]);
		json_arr_end(j);
		json_str(j, "source_type", r->source_type);
		json_str(j, "target_type", r->target_type);
		if (r->object[0])
			json_str(j, "object", r->object);
		json_bool(j, "audited", r->sel_audited);
		json_bool(j, "permissive", r->sel_permissive);
		json_bool(j, "derived", r->derived);
		if (r->hidden_by)
			json_str(j, "hidden_by", r->hidden_by);
		if (r->audit_from_policy)
			json_str(j, "audited_from", "policy");
		json_obj_end(j);
	}
	json_obj_end(j);
	json_line_end(j);
}
