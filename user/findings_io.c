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
	char dest[FINDING_CTX_LEN + 16], ebuf[16];
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
	finding_dest(f, dest, sizeof(dest));
	json_str(j, "dest", dest);
	json_str(j, "verdict", verdict_name(f->verdict));
	json_str(j, "errno", errno_name(err, ebuf, sizeof(ebuf)));
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

/* unit, user_unit, container, runtime, pod_uid: validated as the cgroup parser would;
 * any other key is skipped (depth: the nesting, for jr_skip)
 */
static int read_attrib_member(struct jr *r, const char *key, struct attribution *a, int depth)
{
	char val[ATTRIB_UNIT_LEN], why[160];
	size_t at;
	int ret;

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

static int read_selinux(struct jr *r, struct finding *f)
{
	char key[256];

	if (jr_null(r))
		return 0;
	if (jr_expect(r, '{'))
		return -EINVAL;
	if (jr_peek(r) == '}') {
		r->pos++;
		return 0;
	}
	while (1) {
		int ret;

		if (jr_peek(r) != '"')
			return jr_fail(r, "expected a key");
		if (jr_string(r, key, sizeof(key)) || jr_expect(r, ':'))
			return -EINVAL;
		if (!strcmp(key, "scontext")) {
			ret = jr_opt_string(r, f->scontext, sizeof(f->scontext));
		} else if (!strcmp(key, "tcontext")) {
			ret = jr_opt_string(r, f->tcontext, sizeof(f->tcontext));
		} else if (!strcmp(key, "tclass")) {
			ret = jr_opt_string(r, f->tclass, sizeof(f->tclass));
		} else if (!strcmp(key, "hidden_by")) {
			ret = read_hidden_by(r, f);
		} else if (!strcmp(key, "object")) {
			ret = jr_opt_string(r, f->object, sizeof(f->object));
		} else if (!strcmp(key, "perms")) {
			ret = jr_expect(r, '[');
			f->nperms = 0;
			if (!ret && jr_peek(r) == ']') {
				r->pos++;
			} else {
				while (!ret) {
					if (f->nperms >= FINDING_MAX_PERMS)
						return jr_fail(r, "more than %d perms",
							       FINDING_MAX_PERMS);
					ret = jr_string(r, f->perms[f->nperms],
							sizeof(f->perms[0]));
					if (ret)
						break;
					f->nperms++;
					if (jr_peek(r) == ',') {
						r->pos++;
						continue;
					}
					ret = jr_expect(r, ']');
					break;
				}
			}
		} else {
			ret = jr_skip(r, 2); /* source_type, target_type: derived */
		}
		if (ret)
			return -EINVAL;
		if (jr_peek(r) == ',') {
			r->pos++;
			continue;
		}
		return jr_expect(r, '}');
	}
}

int finding_read_json(const char *line, size_t len, struct finding *out, char *err, size_t errsz)
{
	struct jr r = { line, len, 0, err, errsz };
	char key[256] = "", type[32] = "", sval[64] = "";
	bool have_type = false, have_verdict = false;

	err[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->origin = ORIGIN_TRACE;
	out->count = 1;
	if (jr_expect(&r, '{'))
		return -EINVAL;
	if (jr_peek(&r) == '}')
		r.pos++;
	else
		while (1) {
			size_t at; /* where the value starts, for errors about it */
			uint64_t u;
			int ret = 0;

			if (jr_peek(&r) != '"')
				return jr_fail(&r, "expected a key");
			if (jr_string(&r, key, sizeof(key)) || jr_expect(&r, ':'))
				return -EINVAL;
			jr_peek(&r); /* skips white space: at is where the value starts */
			at = r.pos;
			if (!strcmp(key, "type")) {
				ret = jr_string(&r, type, sizeof(type));
				have_type = !ret;
			} else if (!strcmp(key, "op")) {
				int op;

				ret = jr_string(&r, sval, sizeof(sval));
				op = ret ? 0 : op_from_name(sval);
				if (op < 0)
					return jr_fail_at(&r, at,
							  "unknown op \"%s\" (connect or bind)",
							  sval);
				out->op = (enum avc_op)op;
			} else if (!strcmp(key, "comm")) {
				ret = jr_opt_string(&r, out->comm, sizeof(out->comm));
			} else if (!strcmp(key, "pid")) {
				ret = jr_uint(&r, key, UINT32_MAX, &u);
				out->pid = (uint32_t)u;
			} else if (!strcmp(key, "family")) {
				ret = jr_opt_string(&r, sval, sizeof(sval));
				if (!ret && sval[0]) {
					out->family = (uint16_t)family_from_name(sval);
					if (!out->family)
						return jr_fail_at(&r, at, "unknown family \"%s\"",
								  sval);
				}
			} else if (!strcmp(key, "daddr")) {
				ret = jr_opt_string(&r, out->daddr, sizeof(out->daddr));
			} else if (!strcmp(key, "dport")) {
				ret = jr_uint(&r, key, UINT16_MAX, &u);
				out->dport = (uint16_t)u;
			} else if (!strcmp(key, "path")) {
				ret = jr_opt_string(&r, out->path, sizeof(out->path));
			} else if (!strcmp(key, "verdict")) {
				ret = jr_string(&r, sval, sizeof(sval));
				have_verdict = !ret;
				if (!ret) {
					out->verdict = verdict_from_name(sval);
					if (out->verdict == VERDICT_MAX)
						return jr_fail_at(&r, at, "unknown verdict \"%s\"",
								  sval);
				}
			} else if (!strcmp(key, "errno")) {
				ret = jr_string(&r, sval, sizeof(sval));
				if (!ret) {
					out->err = errno_read(sval);
					if (out->err < 0)
						return jr_fail_at(
							&r, at,
							"unknown errno \"%s\" (a name, or E1..E%d)",
							sval, FINDING_ERRNO_MAX);
				}
			} else if (!strcmp(key, "hidden")) {
				ret = jr_bool(&r, &out->hidden);
			} else if (!strcmp(key, "permissive")) {
				ret = jr_bool(&r, &out->permissive);
			} else if (!strcmp(key, "count")) {
				ret = jr_uint(&r, key, FINDING_COUNT_MAX, &u);
				out->count = u;
			} else if (!strcmp(key, "first_seen")) {
				ret = jr_time(&r, key, &out->first_seen);
			} else if (!strcmp(key, "last_seen")) {
				ret = jr_time(&r, key, &out->last_seen);
			} else if (!strcmp(key, "selinux")) {
				ret = read_selinux(&r, out);
			} else if (!strcmp(key, "counts")) {
				ret = jr_object(&r, read_count_member, &out->counts);
			} else if (!strcmp(key, "dests")) {
				out->ndests = 0;
				ret = jr_array(&r, read_dest, out);
			} else if (!strcmp(key, "dests_unlisted")) {
				ret = jr_uint(&r, key, FINDING_COUNT_MAX, &out->dests_unlisted);
			} else if (!strcmp(key, "processes")) {
				out->nprocs = 0;
				ret = jr_array(&r, read_proc, out);
			} else if (!strcmp(key, "processes_unlisted")) {
				ret = jr_uint(&r, key, FINDING_COUNT_MAX, &out->procs_unlisted);
			} else if (!strcmp(key, "hidden_by")) {
				ret = read_hidden_by(&r, out);
			} else {
				ret = read_attrib_member(&r, key, &out->attrib, 1);
			}
			if (ret)
				return -EINVAL;
			if (jr_peek(&r) == ',') {
				r.pos++;
				continue;
			}
			if (jr_expect(&r, '}'))
				return -EINVAL;
			break;
		}
	if (jr_peek(&r) != -1)
		return jr_fail(&r, "trailing data after the object");
	if (!have_type)
		return jr_fail(&r, "no \"type\" member");
	if (strcmp(type, "finding") && strcmp(type, "connect"))
		return FINDING_READ_OTHER;
	if (!have_verdict)
		return jr_fail(&r, "no \"verdict\" member");
	if (check_counts(&r, out))
		return -EINVAL;
	finding_derive_hidden(out);
	return FINDING_READ_OK;
}
