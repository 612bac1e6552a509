// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "findings_io.h"
#include "json_read.h"
#include "verdict.h"

/* ---- the connect schema: one trace record a line (read below as the finding it stands for) ---- */

void record_dest(const struct conn_record *r, char *buf, size_t len)
{
	switch (r->family) {
	case AVC_AF_INET:
		snprintf(buf, len, "%s:%u", r->daddr, r->dport);
		break;
	case AVC_AF_INET6:
		snprintf(buf, len, "[%s]:%u", r->daddr, r->dport);
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
	char dest[4 * AVC_PATH_LEN];

	json_obj_begin(j, NULL);
	/* an attempt record: "connect" or "bind", as "op" (the same schema for both) */
	json_str(j, "type", op_name(r->op));
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
		json_uint(j, "dport", r->dport);
	} else if (r->family == AVC_AF_UNIX) {
		json_strn(j, "path", r->path, r->path_len);
		json_bool(j, "abstract", r->abstract);
	}
	record_dest(r, dest, sizeof(dest));
	json_str(j, "dest", dest);
	json_int(j, "ret", r->ret);
	errno_write_json(j, r->err);
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

/* ---- the finding schema ---- */

void finding_dest(const struct finding *f, char *out, size_t outsz)
{
	if (f->family == AVC_AF_UNIX || (!f->dport && f->path[0]))
		snprintf(out, outsz, "%s", f->path);
	else if (f->family == AVC_AF_INET6 && f->daddr[0])
		snprintf(out, outsz, "[%s]:%u", f->daddr, f->dport);
	else if (f->dport || f->daddr[0])
		snprintf(out, outsz, "%s:%u", f->daddr, f->dport);
	else
		out[0] = '\0';
}

void errno_write_json(struct json *j, int err)
{
	char buf[16];

	if (err < 0)
		err = -err;
	if (err)
		json_str(j, "errno", errno_name(err, buf, sizeof(buf)));
	else
		json_null(j, "errno");
	json_int(j, "errno_code", err);
}

void finding_dest_write_json(struct json *j, const struct finding *f)
{
	char dest[FINDING_CTX_LEN + 16];

	/* an audit record names the port alone (dest=3000): no address to show */
	if (f->family != AVC_AF_UNIX && !f->daddr[0] && !f->path[0]) {
		json_null(j, "dest");
		return;
	}
	finding_dest(f, dest, sizeof(dest));
	json_str(j, "dest", dest);
}

void selinux_json_write(struct json *j, const char *key, const struct selinux_json *s)
{
	char type[FINDING_CTX_LEN];
	int i;

	json_obj_begin(j, key);
	json_str(j, "scontext", s->scontext);
	json_str(j, "tcontext", s->tcontext);
	json_str(j, "tclass", s->tclass);
	json_arr_begin(j, "perms");
	for (i = 0; i < s->nperms; i++)
		json_str(j, NULL, s->perms[i]);
	json_arr_end(j);
	json_str(j, "source_type", context_type(s->scontext, type, sizeof(type)) ? "" : type);
	json_str(j, "target_type", context_type(s->tcontext, type, sizeof(type)) ? "" : type);
	if (s->object && s->object[0])
		json_str(j, "object", s->object);
	if (s->have_flags) {
		json_bool(j, "audited", s->audited);
		json_bool(j, "permissive", s->permissive);
		json_bool(j, "derived", s->derived);
	}
	if (s->hidden_by)
		json_str(j, "hidden_by", s->hidden_by);
	if (s->audited_from)
		json_str(j, "audited_from", s->audited_from);
	json_obj_end(j);
}

void finding_write_selinux_json(struct json *j, const char *key, const struct finding *f)
{
	struct selinux_json s = { f->scontext, f->tcontext, f->tclass, f->object };
	int i;

	if (!f->scontext[0] && !f->tcontext[0] && !f->tclass[0] && !f->nperms) {
		json_null(j, key);
		return;
	}
	for (i = 0; i < f->nperms && i < FINDING_MAX_PERMS; i++)
		s.perms[s.nperms++] = f->perms[i];
	selinux_json_write(j, key, &s);
}

void finding_write_json(struct json *j, const struct finding *f)
{
	finding_json_begin(j, f);
	finding_json_end(j);
}

/* A time as written: out-of-range values (NaN, inf, negative, after year 9999) become 0, the
 * "unknown" the reader accepts, rather than a number it would refuse.
 */
static double time_to_write(double t)
{
	return t > 0 && finding_time_valid(t) ? t : 0;
}

/* a count beyond what the reader accepts is written as that maximum: "at least" */
static uint64_t count_to_write(uint64_t n)
{
	return n < FINDING_COUNT_MAX ? n : FINDING_COUNT_MAX;
}

void finding_json_begin(struct json *j, const struct finding *f)
{
	const char *fam = f->family ? family_name(f->family) : NULL;
	/* a kernel errno is 1..4095 (negated or not); anything else is not one: "0", unknown */
	int err = f->err >= -FINDING_ERRNO_MAX && f->err <= FINDING_ERRNO_MAX ? f->err : 0;

	json_obj_begin(j, NULL);
	json_str(j, "type", "finding");
	json_str(j, "op", op_name(f->op));
	json_str(j, "comm", f->comm);
	json_uint(j, "pid", f->pid);
	attrib_write_json(j, &f->attrib);
	if (fam)
		json_str(j, "family", fam);
	else
		json_null(j, "family");
	json_str(j, "daddr", f->daddr);
	json_uint(j, "dport", f->dport);
	json_str(j, "path", f->path);
	finding_dest_write_json(j, f);
	json_str(j, "verdict", verdict_name(f->verdict));
	errno_write_json(j, err);
	json_bool(j, "hidden", f->hidden);
	json_bool(j, "permissive", f->permissive);
	json_uint(j, "count", count_to_write(f->count));
	if (f->hidden_by)
		json_str(j, "hidden_by", f->hidden_by);
	json_double(j, "first_seen", time_to_write(f->first_seen), 6);
	json_double(j, "last_seen", time_to_write(f->last_seen), 6);
	finding_write_selinux_json(j, "selinux", f);
	finding_write_seen_json(j, f);
}

void finding_write_seen_json(struct json *j, const struct finding *f)
{
	int i;

	json_obj_begin(j, "counts");
	json_uint(j, "total", f->counts.total);
	json_uint(j, "audited", f->counts.audited);
	json_uint(j, "hidden", f->counts.hidden);
	json_uint(j, "permissive", f->counts.permissive);
	json_uint(j, "other", f->counts.other);
	json_obj_end(j);
	json_arr_begin(j, "dests");
	for (i = 0; i < f->ndests; i++)
		json_str(j, NULL, f->dests[i]);
	json_arr_end(j);
	json_uint(j, "dests_unlisted", f->dests_unlisted);
	json_arr_begin(j, "processes");
	for (i = 0; i < f->nprocs; i++) {
		json_obj_begin(j, NULL);
		json_str(j, "comm", f->procs[i].comm);
		json_uint(j, "pid", f->procs[i].pid);
		attrib_write_json(j, &f->procs[i].attrib);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_uint(j, "processes_unlisted", f->procs_unlisted);
}

void finding_json_end(struct json *j)
{
	json_obj_end(j);
	json_line_end(j);
}

/* "EACCES", "0", or "E<n>" for a number without a name: n in 1..FINDING_ERRNO_MAX */
static int errno_read(const char *name)
{
	int e = errno_from_name(name);
	size_t i;

	if (e >= 0 || name[0] != 'E' || name[1] < '1' || name[1] > '9')
		return e;
	for (i = 1, e = 0; name[i]; i++) {
		if (name[i] < '0' || name[i] > '9' || i > 4)
			return -1;
		e = e * 10 + (name[i] - '0');
	}
	return e <= FINDING_ERRNO_MAX ? e : -1;
}

static /* first_seen, last_seen: unix seconds, finite, 0 (unknown) up to the end of year 9999 */
	int
	jr_time(struct jr *r, const char *key, double *val)
{
	size_t start;
	double d;

	*val = 0;
	if (jr_peek(r) != '-' && (jr_peek(r) < '0' || jr_peek(r) > '9'))
		return jr_fail(r, "%s: expected a number", key);
	start = r->pos;
	if (jr_number(r, &d))
		return -EINVAL;
	if (!finding_time_valid(d))
		return jr_fail_at(r, start, "%s out of range (unix seconds): 0..%.0f", key,
				  FINDING_TIME_MAX);
	*val = d;
	return 0;
}

static int read_count_member(struct jr *r, const char *key, void *arg)
{
	struct finding_counts *c = arg;
	uint64_t *field = !strcmp(key, "total")	       ? &c->total
			  : !strcmp(key, "audited")    ? &c->audited
			  : !strcmp(key, "hidden")     ? &c->hidden
			  : !strcmp(key, "permissive") ? &c->permissive
			  : !strcmp(key, "other")      ? &c->other
						       : NULL;

	if (!field)
		return jr_skip(r, 3);
	return jr_uint(r, key, FINDING_COUNT_MAX, field);
}

static int read_dest(struct jr *r, void *arg)
{
	struct finding *f = arg;

	if (f->ndests >= FINDING_MAX_DESTS)
		return jr_fail(r, "more than %d dests", FINDING_MAX_DESTS);
	return jr_string(r, f->dests[f->ndests++], FINDING_DEST_LEN);
}

/* unit, user_unit, container, runtime, pod_uid, rootless: validated as the cgroup parser would;
 * any other key is skipped (depth: the nesting, for jr_skip)
 */
static int read_attrib_member(struct jr *r, const char *key, struct attribution *a, int depth)
{
	char val[ATTRIB_UNIT_LEN], why[160];
	size_t at;
	int ret;

	if (!strcmp(key, "rootless"))
		return jr_bool(r, &a->rootless);
	if (strcmp(key, "unit") && strcmp(key, "user_unit") && strcmp(key, "container") &&
	    strcmp(key, "runtime") && strcmp(key, "pod_uid"))
		return jr_skip(r, depth);
	jr_peek(r);
	at = r->pos;
	if (jr_string(r, val, sizeof(val)))
		return -EINVAL;
	ret = attrib_set(a, key, val, why, sizeof(why));
	return ret < 0 ? jr_fail_at(r, at, "%s", why) : 0;
}

static int read_proc_member(struct jr *r, const char *key, void *arg)
{
	struct finding_proc *p = arg;
	uint64_t u;

	if (!strcmp(key, "comm"))
		return jr_string(r, p->comm, sizeof(p->comm));
	if (!strcmp(key, "pid")) {
		if (jr_uint(r, "pid", UINT32_MAX, &u))
			return -EINVAL;
		p->pid = (uint32_t)u;
		return 0;
	}
	return read_attrib_member(r, key, &p->attrib, 3);
}

static int read_proc(struct jr *r, void *arg)
{
	struct finding *f = arg;

	if (f->nprocs >= FINDING_MAX_PROCS)
		return jr_fail(r, "more than %d processes", FINDING_MAX_PROCS);
	return jr_object(r, read_proc_member, &f->procs[f->nprocs++]);
}

/* Counts must add up: a finding that says 3 attempts but lists 5 was edited or broken. */
static int check_counts(struct jr *r, const struct finding *f)
{
	const struct finding_counts *c = &f->counts;

	if (!c->total)
		return 0;
	if (c->audited + c->hidden + c->permissive + c->other != c->total)
		return jr_fail(r, "\"counts\" do not add up to their total");
	if (f->count && f->count != c->total)
		return jr_fail(r, "\"count\" %llu differs from \"counts\".total %llu",
			       (unsigned long long)f->count, (unsigned long long)c->total);
	return 0;
}

/* "dontaudit" or "audit_off", kept as the static strings the rest of avcsnoop uses */
static int read_hidden_by(struct jr *r, struct finding *f)
{
	char val[16];

	if (jr_string(r, val, sizeof(val)))
		return -EINVAL;
	f->hidden_by = hidden_by_from_name(val);
	if (!f->hidden_by)
		return jr_fail(r, "unknown hidden_by \"%s\"", val);
	return 0;
}

static int read_perm(struct jr *r, void *arg)
{
	struct finding *f = arg;

	if (f->nperms >= FINDING_MAX_PERMS)
		return jr_fail(r, "more than %d perms", FINDING_MAX_PERMS);
	if (jr_string(r, f->perms[f->nperms], sizeof(f->perms[0])))
		return -EINVAL;
	f->nperms++;
	return 0;
}

static int read_selinux_member(struct jr *r, const char *key, void *arg)
{
	struct finding *f = arg;

	if (!strcmp(key, "scontext"))
		return jr_opt_string(r, f->scontext, sizeof(f->scontext));
	if (!strcmp(key, "tcontext"))
		return jr_opt_string(r, f->tcontext, sizeof(f->tcontext));
	if (!strcmp(key, "tclass"))
		return jr_opt_string(r, f->tclass, sizeof(f->tclass));
	if (!strcmp(key, "hidden_by"))
		return read_hidden_by(r, f);
	if (!strcmp(key, "object"))
		return jr_opt_string(r, f->object, sizeof(f->object));
	if (!strcmp(key, "perms")) {
		f->nperms = 0;
		return jr_array(r, read_perm, f);
	}
	return jr_skip(r, 2); /* source_type, target_type: derived */
}

static int read_selinux(struct jr *r, struct finding *f)
{
	if (jr_null(r))
		return 0;
	return jr_object(r, read_selinux_member, f);
}

/* A finding (or connect record) being read: the members that must be there are noted. */
struct finding_reader {
	struct finding *f;
	char type[32];
	bool have_type, have_verdict;
};

/* One top-level member's reader; at is where its value starts, for errors about it */
typedef int (*member_reader)(struct jr *r, const char *key, size_t at, struct finding_reader *fr);

static int m_type(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	fr->have_type = !jr_string(r, fr->type, sizeof(fr->type));
	return fr->have_type ? 0 : -EINVAL;
}

static int m_op(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	char sval[64];
	int op;

	(void)key;
	if (jr_string(r, sval, sizeof(sval)))
		return -EINVAL;
	op = op_from_name(sval);
	if (op < 0)
		return jr_fail_at(r, at, "unknown op \"%s\" (connect or bind)", sval);
	fr->f->op = (enum avc_op)op;
	return 0;
}

static int m_family(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	char sval[64];

	(void)key;
	if (jr_opt_string(r, sval, sizeof(sval)))
		return -EINVAL;
	if (!sval[0])
		return 0;
	fr->f->family = (uint16_t)family_from_name(sval);
	if (!fr->f->family)
		return jr_fail_at(r, at, "unknown family \"%s\"", sval);
	return 0;
}

static int m_verdict(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	char sval[64];

	(void)key;
	if (jr_string(r, sval, sizeof(sval)))
		return -EINVAL;
	fr->have_verdict = true;
	fr->f->verdict = verdict_from_name(sval);
	if (fr->f->verdict == VERDICT_MAX)
		return jr_fail_at(r, at, "unknown verdict \"%s\"", sval);
	return 0;
}

static int m_errno(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	char sval[64];

	(void)key;
	/* null: no error (older files wrote "0") */
	if (jr_opt_string(r, sval, sizeof(sval)))
		return -EINVAL;
	if (!sval[0]) {
		fr->f->err = 0;
		return 0;
	}
	fr->f->err = errno_read(sval);
	if (fr->f->err < 0)
		return jr_fail_at(r, at, "unknown errno \"%s\" (a name, or E1..E%d)", sval,
				  FINDING_ERRNO_MAX);
	return 0;
}

/* Integers: pid, dport, count, dests_unlisted, processes_unlisted */
static int m_uint(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	struct finding *f = fr->f;
	uint64_t u;

	(void)at;
	if (!strcmp(key, "pid")) {
		if (jr_uint(r, key, UINT32_MAX, &u))
			return -EINVAL;
		f->pid = (uint32_t)u;
	} else if (!strcmp(key, "dport")) {
		if (jr_uint(r, key, UINT16_MAX, &u))
			return -EINVAL;
		f->dport = (uint16_t)u;
	} else if (!strcmp(key, "count")) {
		return jr_uint(r, key, FINDING_COUNT_MAX, &f->count);
	} else if (!strcmp(key, "dests_unlisted")) {
		return jr_uint(r, key, FINDING_COUNT_MAX, &f->dests_unlisted);
	} else {
		return jr_uint(r, key, FINDING_COUNT_MAX, &f->procs_unlisted);
	}
	return 0;
}

/* Strings or null: comm, daddr, path */
static int m_string(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	struct finding *f = fr->f;

	(void)at;
	if (!strcmp(key, "comm"))
		return jr_opt_string(r, f->comm, sizeof(f->comm));
	if (!strcmp(key, "daddr"))
		return jr_opt_string(r, f->daddr, sizeof(f->daddr));
	return jr_opt_string(r, f->path, sizeof(f->path));
}

static int m_flag(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)at;
	return jr_bool(r, !strcmp(key, "hidden") ? &fr->f->hidden : &fr->f->permissive);
}

static int m_time(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)at;
	return jr_time(r, key, !strcmp(key, "first_seen") ? &fr->f->first_seen : &fr->f->last_seen);
}

static int m_selinux(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	return read_selinux(r, fr->f);
}

static int m_counts(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	return jr_object(r, read_count_member, &fr->f->counts);
}

static int m_dests(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	fr->f->ndests = 0;
	return jr_array(r, read_dest, fr->f);
}

static int m_processes(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	fr->f->nprocs = 0;
	return jr_array(r, read_proc, fr->f);
}

static int m_hidden_by(struct jr *r, const char *key, size_t at, struct finding_reader *fr)
{
	(void)key, (void)at;
	return read_hidden_by(r, fr->f);
}

/* The members of the finding and connect schemas; any other key is an attribution member
 * (unit, container, ...) or skipped
 */
static const struct {
	const char *key;
	member_reader read;
} finding_members[] = {
	{ "type", m_type },
	{ "op", m_op },
	{ "comm", m_string },
	{ "pid", m_uint },
	{ "family", m_family },
	{ "daddr", m_string },
	{ "dport", m_uint },
	{ "path", m_string },
	{ "verdict", m_verdict },
	{ "errno", m_errno },
	{ "hidden", m_flag },
	{ "permissive", m_flag },
	{ "count", m_uint },
	{ "first_seen", m_time },
	{ "last_seen", m_time },
	{ "selinux", m_selinux },
	{ "counts", m_counts },
	{ "dests", m_dests },
	{ "dests_unlisted", m_uint },
	{ "processes", m_processes },
	{ "processes_unlisted", m_uint },
	{ "hidden_by", m_hidden_by },
};

static int read_finding_member(struct jr *r, const char *key, void *arg)
{
	struct finding_reader *fr = arg;
	size_t i, at;

	jr_peek(r); /* skips white space: at is where the value starts */
	at = r->pos;
	for (i = 0; i < sizeof(finding_members) / sizeof(finding_members[0]); i++)
		if (!strcmp(key, finding_members[i].key))
			return finding_members[i].read(r, key, at, fr);
	return read_attrib_member(r, key, &fr->f->attrib, 1);
}

int finding_read_json(const char *line, size_t len, struct finding *out, char *err, size_t errsz)
{
	struct jr r = { line, len, 0, err, errsz };
	struct finding_reader fr = { .f = out };

	err[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->origin = ORIGIN_TRACE;
	out->count = 1;
	if (jr_object(&r, read_finding_member, &fr))
		return -EINVAL;
	if (jr_peek(&r) != -1)
		return jr_fail(&r, "trailing data after the object");
	if (!fr.have_type)
		return jr_fail(&r, "no \"type\" member");
	if (!strcmp(fr.type, "uncounted"))
		return FINDING_READ_UNCOUNTED;
	if (strcmp(fr.type, "finding") && strcmp(fr.type, "connect") && strcmp(fr.type, "bind"))
		return FINDING_READ_OTHER;
	if (!fr.have_verdict)
		return jr_fail(&r, "no \"verdict\" member");
	if (check_counts(&r, out))
		return -EINVAL;
	finding_derive_hidden(out);
	return FINDING_READ_OK;
}
