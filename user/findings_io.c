// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings_io.h"
#include "policy.h"
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

void finding_write_selinux_json(struct json *j, const char *key, const struct finding *f)
{
	char type[FINDING_CTX_LEN];
	int i;

	if (!f->scontext[0] && !f->tcontext[0] && !f->tclass[0] && !f->nperms) {
		json_null(j, key);
		return;
	}
	json_obj_begin(j, key);
	json_str(j, "scontext", f->scontext);
	json_str(j, "tcontext", f->tcontext);
	json_str(j, "tclass", f->tclass);
	json_arr_begin(j, "perms");
	for (i = 0; i < f->nperms && i < FINDING_MAX_PERMS; i++)
		json_str(j, NULL, f->perms[i]);
	json_arr_end(j);
	json_str(j, "source_type", context_type(f->scontext, type, sizeof(type)) ? "" : type);
	json_str(j, "target_type", context_type(f->tcontext, type, sizeof(type)) ? "" : type);
	json_obj_end(j);
}

void finding_write_json(struct json *j, const struct finding *f)
{
	finding_json_begin(j, f);
	finding_json_end(j);
}

void finding_json_begin(struct json *j, const struct finding *f)
{
	const char *fam = f->family ? family_name(f->family) : NULL;
	char dest[FINDING_CTX_LEN + 16], ebuf[16];

	json_obj_begin(j, NULL);
	json_str(j, "type", "finding");
	json_str(j, "comm", f->comm);
	json_uint(j, "pid", f->pid);
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
	json_str(j, "errno", errno_name(f->err, ebuf, sizeof(ebuf)));
	json_bool(j, "hidden", f->hidden);
	json_bool(j, "permissive", f->permissive);
	json_uint(j, "count", f->count);
	if (f->hidden_by)
		json_str(j, "hidden_by", f->hidden_by);
	json_double(j, "first_seen", f->first_seen, 6);
	json_double(j, "last_seen", f->last_seen, 6);
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

/* ---- a small strict JSON reader ---- */

#define JR_MAX_DEPTH 32

struct jr {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errsz;
};

static int jr_fail(struct jr *r, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (r->err[0])
		return -EINVAL; /* keep the first, innermost error */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errsz, "byte %zu: %s", r->pos + 1, what);
	return -EINVAL;
}

static void jr_ws(struct jr *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
				   r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
		r->pos++;
}

static int jr_peek(struct jr *r)
{
	jr_ws(r);
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static int jr_expect(struct jr *r, char ch)
{
	if (jr_peek(r) != (unsigned char)ch)
		return jr_fail(r, "expected '%c'", ch);
	r->pos++;
	return 0;
}

static int jr_hex4(struct jr *r, unsigned int *cp)
{
	unsigned int v = 0;
	int i;

	*cp = 0;
	if (r->len - r->pos < 4)
		return jr_fail(r, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char ch = r->s[r->pos++];

		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (unsigned int)(ch - 'A' + 10);
		else
			return jr_fail(r, "bad hex digit in \\u escape");
	}
	*cp = v;
	return 0;
}

static int jr_put(struct jr *r, char *out, size_t outsz, size_t *n, const char *bytes, size_t nb)
{
	if (!out) /* skipping */
		return 0;
	if (*n + nb >= outsz)
		return jr_fail(r, "string longer than %zu bytes", outsz - 1);
	memcpy(out + *n, bytes, nb);
	*n += nb;
	return 0;
}

/* A string into out (NUL-terminated; NULL to skip). A NUL (\u0000) is refused except as the
 * first byte, where it marks an abstract unix name and becomes '@'. \u0080-\u00ff are single
 * bytes (see below); higher code points become UTF-8.
 */
static int jr_string(struct jr *r, char *out, size_t outsz)
{
	size_t n = 0;

	if (jr_expect(r, '"'))
		return -EINVAL;
	while (1) {
		unsigned char ch;
		char enc[4];

		if (r->pos >= r->len)
			return jr_fail(r, "unterminated string");
		ch = (unsigned char)r->s[r->pos++];
		if (ch == '"')
			break;
		if (ch < 0x20)
			return jr_fail(r, "control byte %#x inside a string", ch);
		if (ch != '\\') {
			if (jr_put(r, out, outsz, &n, (char *)&ch, 1))
				return -EINVAL;
			continue;
		}
		if (r->pos >= r->len)
			return jr_fail(r, "unterminated escape");
		ch = (unsigned char)r->s[r->pos++];
		switch (ch) {
		case '"':
		case '\\':
		case '/':
			enc[0] = (char)ch;
			break;
		case 'b':
			enc[0] = '\b';
			break;
		case 'f':
			enc[0] = '\f';
			break;
		case 'n':
			enc[0] = '\n';
			break;
		case 'r':
			enc[0] = '\r';
			break;
		case 't':
			enc[0] = '\t';
			break;
		case 'u': {
			unsigned int cp, lo;
			size_t nb;

			if (jr_hex4(r, &cp))
				return -EINVAL;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->len - r->pos < 6 || r->s[r->pos] != '\\' ||
				    r->s[r->pos + 1] != 'u')
					return jr_fail(r, "lone UTF-16 surrogate");
				r->pos += 2;
				if (jr_hex4(r, &lo))
					return -EINVAL;
				if (lo < 0xdc00 || lo > 0xdfff)
					return jr_fail(r, "bad UTF-16 surrogate pair");
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return jr_fail(r, "lone UTF-16 surrogate");
			}
			if (cp == 0) {
				if (n)
					return jr_fail(r, "NUL inside a string");
				cp = '@';
			}
			if (cp < 0x100) {
				/* user/escape.c writes every byte >= 0x80 as \u00XX (kernel strings
				 * need not be UTF-8): read it back as that byte, so our own lines
				 * round-trip exactly
				 */
				enc[0] = (char)cp;
				nb = 1;
			} else if (cp < 0x800) {
				enc[0] = (char)(0xc0 | cp >> 6);
				enc[1] = (char)(0x80 | (cp & 0x3f));
				nb = 2;
			} else if (cp < 0x10000) {
				enc[0] = (char)(0xe0 | cp >> 12);
				enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
				enc[2] = (char)(0x80 | (cp & 0x3f));
				nb = 3;
			} else {
				enc[0] = (char)(0xf0 | cp >> 18);
				enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
				enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
				enc[3] = (char)(0x80 | (cp & 0x3f));
				nb = 4;
			}
			if (jr_put(r, out, outsz, &n, enc, nb))
				return -EINVAL;
			continue;
		}
		default:
			return jr_fail(r, "bad escape \\%c", ch);
		}
		if (jr_put(r, out, outsz, &n, enc, 1))
			return -EINVAL;
	}
	if (out)
		out[n] = '\0';
	return 0;
}

static int jr_number(struct jr *r, double *val)
{
	size_t start, digits;
	char buf[64];

	if (val)
		*val = 0; /* NULL: skip the number */
	jr_ws(r);
	start = r->pos;
	if (r->pos < r->len && r->s[r->pos] == '-')
		r->pos++;
	if (r->pos < r->len && r->s[r->pos] == '0') {
		r->pos++;
	} else {
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "expected a value");
	}
	if (r->pos < r->len && r->s[r->pos] == '.') {
		r->pos++;
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "digits expected after '.'");
	}
	if (r->pos < r->len && (r->s[r->pos] == 'e' || r->s[r->pos] == 'E')) {
		r->pos++;
		if (r->pos < r->len && (r->s[r->pos] == '+' || r->s[r->pos] == '-'))
			r->pos++;
		for (digits = 0; r->pos < r->len && r->s[r->pos] >= '0' && r->s[r->pos] <= '9';
		     digits++)
			r->pos++;
		if (!digits)
			return jr_fail(r, "digits expected in exponent");
	}
	if (r->pos - start >= sizeof(buf))
		return jr_fail(r, "number too long");
	memcpy(buf, r->s + start, r->pos - start);
	buf[r->pos - start] = '\0';
	if (val)
		*val = strtod(buf, NULL);
	return 0;
}

static int jr_literal(struct jr *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n))
		return jr_fail(r, "expected a value");
	r->pos += n;
	return 0;
}

static int jr_skip(struct jr *r, int depth)
{
	int ch = jr_peek(r);

	if (depth > JR_MAX_DEPTH)
		return jr_fail(r, "nested deeper than %d", JR_MAX_DEPTH);
	switch (ch) {
	case '"':
		return jr_string(r, NULL, 0);
	case 't':
		return jr_literal(r, "true");
	case 'f':
		return jr_literal(r, "false");
	case 'n':
		return jr_literal(r, "null");
	case '{':
	case '[': {
		char close = ch == '{' ? '}' : ']';

		r->pos++;
		if (jr_peek(r) == close) {
			r->pos++;
			return 0;
		}
		while (1) {
			if (ch == '{' && (jr_string(r, NULL, 0) || jr_expect(r, ':')))
				return -EINVAL;
			if (jr_skip(r, depth + 1))
				return -EINVAL;
			if (jr_peek(r) == ',') {
				r->pos++;
				continue;
			}
			return jr_expect(r, close);
		}
	}
	default:
		return jr_number(r, NULL);
	}
}

static int jr_bool(struct jr *r, bool *val)
{
	int ch = jr_peek(r);

	if (ch == 't' && !jr_literal(r, "true")) {
		*val = true;
		return 0;
	}
	if (ch == 'f' && !jr_literal(r, "false")) {
		*val = false;
		return 0;
	}
	return jr_fail(r, "expected true or false");
}

static int jr_uint(struct jr *r, double max, uint64_t *val)
{
	double d;

	*val = 0;
	if (jr_peek(r) != '-' && (jr_peek(r) < '0' || jr_peek(r) > '9'))
		return jr_fail(r, "expected a number");
	if (jr_number(r, &d))
		return -EINVAL;
	if (d < 0 || d > max || floor(d) != d)
		return jr_fail(r, "number out of range (0..%.0f, integer)", max);
	*val = (uint64_t)d;
	return 0;
}

static bool jr_null(struct jr *r)
{
	if (jr_peek(r) == 'n' && !jr_literal(r, "null"))
		return true;
	return false;
}

/* A string member, or null for "". */
static int jr_opt_string(struct jr *r, char *out, size_t outsz)
{
	if (jr_null(r)) {
		out[0] = '\0';
		return 0;
	}
	return jr_string(r, out, outsz);
}

/* '[' element (',' element)* ']', each element read by fn. */
static int jr_array(struct jr *r, int (*fn)(struct jr *r, void *arg), void *arg)
{
	if (jr_expect(r, '['))
		return -EINVAL;
	if (jr_peek(r) == ']') {
		r->pos++;
		return 0;
	}
	while (1) {
		if (fn(r, arg))
			return -EINVAL;
		if (jr_peek(r) == ',') {
			r->pos++;
			continue;
		}
		return jr_expect(r, ']');
	}
}

/* '{' "key": value (',' ...)* '}', each member read by fn. */
static int jr_object(struct jr *r, int (*fn)(struct jr *r, const char *key, void *arg), void *arg)
{
	char key[64];

	if (jr_expect(r, '{'))
		return -EINVAL;
	if (jr_peek(r) == '}') {
		r->pos++;
		return 0;
	}
	while (1) {
		if (jr_peek(r) != '"')
			return jr_fail(r, "expected a key");
		if (jr_string(r, key, sizeof(key)) || jr_expect(r, ':') || fn(r, key, arg))
			return -EINVAL;
		if (jr_peek(r) == ',') {
			r->pos++;
			continue;
		}
		return jr_expect(r, '}');
	}
}

#define COUNT_MAX 9007199254740992.0 /* 2^53: exact in a double, as JSON readers hold it */

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
	return jr_uint(r, COUNT_MAX, field);
}

static int read_dest(struct jr *r, void *arg)
{
	struct finding *f = arg;

	if (f->ndests >= FINDING_MAX_DESTS)
		return jr_fail(r, "more than %d dests", FINDING_MAX_DESTS);
	return jr_string(r, f->dests[f->ndests++], FINDING_DEST_LEN);
}

static int read_proc_member(struct jr *r, const char *key, void *arg)
{
	struct finding_proc *p = arg;
	uint64_t u;

	if (!strcmp(key, "comm"))
		return jr_string(r, p->comm, sizeof(p->comm));
	if (!strcmp(key, "pid")) {
		if (jr_uint(r, UINT32_MAX, &u))
			return -EINVAL;
		p->pid = (uint32_t)u;
		return 0;
	}
	return jr_skip(r, 3);
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
	if (!strcmp(val, "dontaudit"))
		f->hidden_by = "dontaudit";
	else if (!strcmp(val, "audit_off"))
		f->hidden_by = "audit_off";
	else
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
			uint64_t u;
			int ret = 0;

			if (jr_peek(&r) != '"')
				return jr_fail(&r, "expected a key");
			if (jr_string(&r, key, sizeof(key)) || jr_expect(&r, ':'))
				return -EINVAL;
			if (!strcmp(key, "type")) {
				ret = jr_string(&r, type, sizeof(type));
				have_type = !ret;
			} else if (!strcmp(key, "comm")) {
				ret = jr_opt_string(&r, out->comm, sizeof(out->comm));
			} else if (!strcmp(key, "pid")) {
				ret = jr_uint(&r, UINT32_MAX, &u);
				out->pid = (uint32_t)u;
			} else if (!strcmp(key, "family")) {
				ret = jr_opt_string(&r, sval, sizeof(sval));
				if (!ret && sval[0]) {
					out->family = (uint16_t)family_from_name(sval);
					if (!out->family)
						return jr_fail(&r, "unknown family \"%s\"", sval);
				}
			} else if (!strcmp(key, "daddr")) {
				ret = jr_opt_string(&r, out->daddr, sizeof(out->daddr));
			} else if (!strcmp(key, "dport")) {
				ret = jr_uint(&r, 65535, &u);
				out->dport = (uint16_t)u;
			} else if (!strcmp(key, "path")) {
				ret = jr_opt_string(&r, out->path, sizeof(out->path));
			} else if (!strcmp(key, "verdict")) {
				ret = jr_string(&r, sval, sizeof(sval));
				have_verdict = !ret;
				if (!ret) {
					out->verdict = verdict_from_name(sval);
					if (out->verdict == VERDICT_MAX)
						return jr_fail(&r, "unknown verdict \"%s\"", sval);
				}
			} else if (!strcmp(key, "errno")) {
				ret = jr_string(&r, sval, sizeof(sval));
				if (!ret) {
					int e = errno_from_name(sval);

					if (e < 0 && sval[0] == 'E' && sval[1] >= '1' &&
					    sval[1] <= '9')
						e = atoi(sval + 1);
					if (e < 0)
						return jr_fail(&r, "unknown errno \"%s\"", sval);
					out->err = e;
				}
			} else if (!strcmp(key, "hidden")) {
				ret = jr_bool(&r, &out->hidden);
			} else if (!strcmp(key, "permissive")) {
				ret = jr_bool(&r, &out->permissive);
			} else if (!strcmp(key, "count")) {
				ret = jr_uint(&r, 9007199254740992.0, &u);
				out->count = u;
			} else if (!strcmp(key, "first_seen") || !strcmp(key, "last_seen")) {
				double d = 0;

				if (jr_peek(&r) == '-' ||
				    (jr_peek(&r) >= '0' && jr_peek(&r) <= '9'))
					ret = jr_number(&r, &d);
				else
					ret = jr_fail(&r, "expected a number");
				if (!ret)
					*(key[0] == 'f' ? &out->first_seen : &out->last_seen) = d;
			} else if (!strcmp(key, "selinux")) {
				ret = read_selinux(&r, out);
			} else if (!strcmp(key, "counts")) {
				ret = jr_object(&r, read_count_member, &out->counts);
			} else if (!strcmp(key, "dests")) {
				out->ndests = 0;
				ret = jr_array(&r, read_dest, out);
			} else if (!strcmp(key, "dests_unlisted")) {
				ret = jr_uint(&r, COUNT_MAX, &out->dests_unlisted);
			} else if (!strcmp(key, "processes")) {
				out->nprocs = 0;
				ret = jr_array(&r, read_proc, out);
			} else if (!strcmp(key, "processes_unlisted")) {
				ret = jr_uint(&r, COUNT_MAX, &out->procs_unlisted);
			} else if (!strcmp(key, "hidden_by")) {
				ret = read_hidden_by(&r, out);
			} else {
				ret = jr_skip(&r, 1);
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
	if (out->verdict == VERDICT_SELINUX_HIDDEN)
		out->hidden = true;
	if (check_counts(&r, out))
		return -EINVAL;
	return FINDING_READ_OK;
}
