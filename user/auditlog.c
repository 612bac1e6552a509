// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditlog.h"

struct cursor {
	const char *s;
	size_t len, pos;
};

static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void skip_spaces(struct cursor *c)
{
	while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t'))
		c->pos++;
}

static const char *find(const struct cursor *c, size_t from, const char *needle)
{
	if (from > c->len)
		return NULL;
	return memmem(c->s + from, c->len - from, needle, strlen(needle));
}

int auditlog_line_is_avc(const char *line, size_t len)
{
	struct cursor c = { line, len, 0 };

	return find(&c, 0, "avc:") || find(&c, 0, "type=AVC") || find(&c, 0, "type=1400");
}

/* a host name as syslog and auditd's node= print it: one token */
#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"

/* Does the cursor's text at pos start with word? Advances past it when it does. */
static bool take(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if (c->len - c->pos < n || memcmp(c->s + c->pos, word, n))
		return false;
	c->pos += n;
	return true;
}

/* One token of the characters in set (at least one); advances past it. */
static bool take_span(struct cursor *c, const char *set)
{
	size_t k = c->pos;

	while (c->pos < c->len && c->s[c->pos] && strchr(set, c->s[c->pos]))
		c->pos++;
	return c->pos > k;
}

/* "audit(STAMP)" then " : " or ": " then "avc:" (the header the kernel writes). */
static bool take_stamp_avc(struct cursor *c)
{
	if (!take(c, "audit(") || !take_span(c, "0123456789.:/ eE+-") || !take(c, ")"))
		return false;
	skip_spaces(c);
	if (!take(c, ":"))
		return false;
	skip_spaces(c);
	return c->len - c->pos >= 4 && !memcmp(c->s + c->pos, "avc:", 4);
}

/* "[   12.345678] " as dmesg and the kernel's printk time print it (optional) */
static void skip_printk_time(struct cursor *c)
{
	size_t at = c->pos;

	if (take(c, "[")) {
		skip_spaces(c);
		if (take_span(c, "0123456789.") && take(c, "]")) {
			skip_spaces(c);
			return;
		}
	}
	c->pos = at;
}

/* The kernel's printk body: "audit: type=1400 audit(...): avc:" ("audit: " optional, as
 * older kernels printed it). Record start (the "type=") or -1.
 */
static long printk_body(struct cursor *c)
{
	long start;

	skip_printk_time(c);
	take(c, "audit: ");
	start = (long)c->pos;
	if (!take(c, "type=1400 "))
		return -1;
	skip_spaces(c);
	return take_stamp_avc(c) ? start : -1;
}

static bool is_month(const struct cursor *c)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	size_t i;

	if (c->len - c->pos < 4 || c->s[c->pos + 3] != ' ')
		return false;
	for (i = 0; i < 36; i += 3)
		if (!memcmp(c->s + c->pos, months + i, 3))
			return true;
	return false;
}

/*
 * A syslog or journal prefix written by the logging daemon, not by the sender: a time
 * ("Nov 14 22:13:20[.123456]", "2023-11-14T22:13:20[.123][+01:00|Z]", "1700000000.123456"
 * or "[   12.345678]") and a host name, then the sender "kernel:" and a space. Any user can
 * send a syslog line (logger) with any text after its own tag; only the kernel's tag is
 * the kernel's position.
 */
static bool take_syslog_prefix(struct cursor *c)
{
	if (is_month(c)) {
		c->pos += 4;
		skip_spaces(c);
		if (!take_span(c, "0123456789") || !take(c, " ") || !take_span(c, "0123456789:."))
			return false;
	} else if (c->pos < c->len && c->s[c->pos] == '[') {
		skip_printk_time(c);
		c->pos--; /* the space after the bracket is the separator below */
	} else if (!take_span(c, "0123456789-T:.+Z")) {
		return false;
	}
	if (!take(c, " "))
		return false;
	/* the host name: one token */
	if (!take_span(c, HOST_CHARS))
		return false;
	return take(c, " kernel: ");
}

long auditlog_record_start(const char *line, size_t len)
{
	struct cursor c = { line, len, 0 };
	long start;

	/* audit.log and ausearch: "[node=NAME ]type=AVC msg=audit(...): avc:" */
	if (take(&c, "node=")) {
		if (!take_span(&c, HOST_CHARS))
			return -1;
		skip_spaces(&c);
	}
	start = (long)c.pos;
	if (take(&c, "type=AVC msg=") || take(&c, "type=1400 msg="))
		return take_stamp_avc(&c) ? start : -2;
	/* /dev/kmsg: "PRIO,SEQ,USEC,FLAGS;" */
	c.pos = 0;
	if (take_span(&c, "0123456789,-c+") && take(&c, ";")) {
		start = printk_body(&c);
		if (start >= 0)
			return start;
	}
	/* dmesg: the body itself, after its time */
	c.pos = 0;
	start = printk_body(&c);
	if (start >= 0)
		return start;
	c.pos = 0;
	if (take_syslog_prefix(&c))
		return printk_body(&c);
	return -1;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * The audit subsystem prints untrusted strings quoted, or hex-encoded (unquoted) when they
 * hold spaces, quotes or control bytes. `ausearch -i` prints them decoded and unquoted; a
 * value is taken as hex only when it is all hex digits of even length.
 */
static int copy_value(const char *v, size_t vlen, bool quoted, char *out, size_t outsz)
{
	size_t i;

	if (!quoted && vlen >= 2 && vlen % 2 == 0) {
		bool hex = true;

		for (i = 0; i < vlen && hex; i++)
			hex = hexval((unsigned char)v[i]) >= 0;
		if (hex) {
			if (vlen / 2 >= outsz)
				return -ENAMETOOLONG;
			for (i = 0; i < vlen / 2; i++) {
				int hi = hexval((unsigned char)v[2 * i]);
				int lo = hexval((unsigned char)v[2 * i + 1]);
				int b = hi < 0 || lo < 0 ? 0 : hi << 4 | lo;

				if (!b)
					break;
				out[i] = (char)b;
			}
			out[i] = '\0';
			return 0;
		}
	}
	if (vlen >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return 0;
}

/*
 * "msg=audit(1700000000.123:456)" or, from ausearch -i, "audit(11/14/2023 22:13:20.123:456)".
 * 0 (unknown) when missing, unreadable or out of range (finding_time_valid), as a findings
 * line with that time would be refused.
 */
static double parse_stamp(const struct cursor *c, size_t end)
{
	const char *a = find(c, 0, "audit("), *close;
	double frac = 0, secs;
	char buf[64];
	struct tm tm;
	char *rest;
	time_t t;

	if (!a || (size_t)(a - c->s) >= end)
		return 0;
	a += 6;
	close = memchr(a, ')', (size_t)(c->s + c->len - a));
	if (!close || close - a >= (long)sizeof(buf))
		return 0;
	memcpy(buf, a, (size_t)(close - a));
	buf[close - a] = '\0';
	if (isdigit((unsigned char)buf[0]) && !strchr(buf, '/')) {
		secs = strtod(buf, NULL);
		return finding_time_valid(secs) ? secs : 0;
	}
	memset(&tm, 0, sizeof(tm));
	rest = strptime(buf, "%m/%d/%Y %H:%M:%S", &tm);
	if (!rest)
		return 0;
	if (*rest == '.')
		frac = strtod(rest, NULL);
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1)
		return 0;
	secs = (double)t + (frac < 1 ? frac : 0);
	return finding_time_valid(secs) ? secs : 0;
}

struct field {
	const char *key;
	size_t klen;
	const char *val;
	size_t vlen;
	bool quoted;
};

/* One key=value; returns 0, 1 at the end of the line, -EINVAL when truncated. */
static int next_field(struct cursor *c, struct field *f)
{
	size_t k;

	skip_spaces(c);
	if (c->pos >= c->len || c->s[c->pos] == '\n' || c->s[c->pos] == '\r')
		return 1;
	k = c->pos;
	while (c->pos < c->len && c->s[c->pos] != '=' && c->s[c->pos] != ' ')
		c->pos++;
	f->key = c->s + k;
	f->klen = c->pos - k;
	if (c->pos >= c->len || c->s[c->pos] != '=') {
		/* a bare word ("for", a trailing "msg='...'" piece): no value */
		f->val = NULL;
		f->vlen = 0;
		return 0;
	}
	c->pos++;
	if (c->pos < c->len && c->s[c->pos] == '"') {
		const char *q = memchr(c->s + c->pos + 1, '"', c->len - c->pos - 1);

		if (!q)
			return -EINVAL;
		f->val = c->s + c->pos + 1;
		f->vlen = (size_t)(q - f->val);
		f->quoted = true;
		c->pos = (size_t)(q - c->s) + 1;
		return 0;
	}
	k = c->pos;
	while (c->pos < c->len && c->s[c->pos] != ' ' && c->s[c->pos] != '\n' &&
	       c->s[c->pos] != '\r')
		c->pos++;
	f->val = c->s + k;
	f->vlen = c->pos - k;
	f->quoted = false;
	return 0;
}

static bool key_is(const struct field *f, const char *key)
{
	return f->klen == strlen(key) && !memcmp(f->key, key, f->klen);
}

static int parse_uint(const struct field *f, unsigned long max, unsigned long *out)
{
	char buf[24];
	char *end;

	*out = 0;
	if (!f->vlen || f->vlen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, f->val, f->vlen);
	buf[f->vlen] = '\0';
	if (!isdigit((unsigned char)buf[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoul(buf, &end, 10);
	return (*end || errno || *out > max) ? -EINVAL : 0;
}

static void set_family(struct finding *out)
{
	const char *c = out->tclass;

	if (!strcmp(c, "tcp_socket") || !strcmp(c, "udp_socket") || !strcmp(c, "sctp_socket") ||
	    !strcmp(c, "rawip_socket") || !strcmp(c, "dccp_socket"))
		out->family = strchr(out->daddr, ':') ? AVC_AF_INET6 : AVC_AF_INET;
	else if (!strncmp(c, "unix_", 5) || !strcmp(c, "sock_file") || !strcmp(c, "dir"))
		out->family = AVC_AF_UNIX;
}

int auditlog_parse_line(const char *line, size_t len, struct finding *out, char *err, size_t errsz)
{
	struct cursor c = { line, len, 0 };
	const char *avc, *close;
	char name[FINDING_CTX_LEN] = "", path[FINDING_CTX_LEN] = "";
	bool have_s = false, have_t = false, have_c = false;
	struct field f;
	long start;
	int ret;

	err[0] = '\0';
	if (!auditlog_line_is_avc(line, len))
		return AUDITLOG_IGNORED;
	/* only a record where audit.log or the kernel puts it: text anywhere else is anyone's */
	start = auditlog_record_start(line, len);
	if (start == -2)
		return fail(err, errsz,
			    "AVC record without \"audit(TIME:SERIAL): avc:\" (truncated?)");
	if (start < 0)
		return AUDITLOG_NOT_KERNEL;
	line += start;
	len -= (size_t)start;
	c = (struct cursor){ line, len, 0 };
	if (memchr(line, '\0', len))
		return fail(err, errsz, "binary data (a NUL byte) inside an AVC record");
	avc = find(&c, 0, "avc:");
	if (!avc)
		return fail(err, errsz, "AVC record without \"avc:\" (truncated?)");
	memset(out, 0, sizeof(*out));
	out->origin = ORIGIN_AUDIT;
	out->count = 1;
	out->first_seen = out->last_seen = parse_stamp(&c, (size_t)(avc - line));

	c.pos = (size_t)(avc - line) + 4;
	skip_spaces(&c);
	if (c.len - c.pos >= 7 && !memcmp(c.s + c.pos, "granted", 7))
		return AUDITLOG_IGNORED; /* auditallow: not a denial */
	if (c.len - c.pos < 6 || memcmp(c.s + c.pos, "denied", 6))
		return fail(err, errsz, "expected \"denied\" after \"avc:\"");
	c.pos += 6;
	skip_spaces(&c);
	if (c.pos >= c.len || c.s[c.pos] != '{')
		return fail(err, errsz, "expected \"{ permissions }\" after \"denied\"");
	close = memchr(c.s + c.pos, '}', c.len - c.pos);
	if (!close)
		return fail(err, errsz, "truncated: no \"}\" closing the permission list");
	c.pos++;
	while (1) {
		size_t k;

		skip_spaces(&c);
		if (c.s + c.pos >= close)
			break;
		k = c.pos;
		while (c.s + c.pos < close && c.s[c.pos] != ' ')
			c.pos++;
		if (out->nperms >= FINDING_MAX_PERMS)
			return fail(err, errsz, "more than %d permissions in one record",
				    FINDING_MAX_PERMS);
		if (c.pos - k >= FINDING_NAME_LEN)
			return fail(err, errsz, "permission name too long");
		memcpy(out->perms[out->nperms], c.s + k, c.pos - k);
		out->perms[out->nperms][c.pos - k] = '\0';
		out->nperms++;
	}
	if (!out->nperms)
		return fail(err, errsz, "empty permission list");
	c.pos = (size_t)(close - line) + 1;

	while ((ret = next_field(&c, &f)) == 0) {
		unsigned long v;
		int r = 0;

		if (!f.val)
			continue;
		if (key_is(&f, "scontext") || key_is(&f, "srawcon")) {
			r = copy_value(f.val, f.vlen, true, out->scontext, sizeof(out->scontext));
			have_s = !r && f.vlen;
		} else if (key_is(&f, "tcontext") || key_is(&f, "trawcon")) {
			r = copy_value(f.val, f.vlen, true, out->tcontext, sizeof(out->tcontext));
			have_t = !r && f.vlen;
		} else if (key_is(&f, "tclass")) {
			r = copy_value(f.val, f.vlen, true, out->tclass, sizeof(out->tclass));
			have_c = !r && f.vlen;
		} else if (key_is(&f, "comm")) {
			r = copy_value(f.val, f.vlen, f.quoted, out->comm, sizeof(out->comm));
		} else if (key_is(&f, "name")) {
			r = copy_value(f.val, f.vlen, f.quoted, name, sizeof(name));
		} else if (key_is(&f, "path")) {
			r = copy_value(f.val, f.vlen, f.quoted, path, sizeof(path));
		} else if (key_is(&f, "daddr") || key_is(&f, "faddr")) {
			r = copy_value(f.val, f.vlen, true, out->daddr, sizeof(out->daddr));
		} else if (key_is(&f, "pid")) {
			r = parse_uint(&f, UINT32_MAX, &v);
			out->pid = (uint32_t)v;
		} else if (key_is(&f, "dest") || key_is(&f, "fport")) {
			r = parse_uint(&f, 65535, &v);
			out->dport = (uint16_t)v;
		} else if (key_is(&f, "permissive")) {
			r = parse_uint(&f, 1, &v);
			out->permissive = v == 1;
		}
		if (r)
			return fail(err, errsz, "bad value for %.*s= (%s)", (int)f.klen, f.key,
				    r == -ENAMETOOLONG ? "too long" : "not a number in range");
	}
	if (ret < 0)
		return fail(err, errsz, "truncated: unterminated quoted value");
	if (!have_s || !have_t || !have_c)
		return fail(err, errsz, "truncated or incomplete AVC record: missing %s",
			    !have_s   ? "scontext"
			    : !have_t ? "tcontext"
				      : "tclass");
	/* path= is absolute (unix connectto); name= is the last component (dir, sock_file) */
	snprintf(out->path, sizeof(out->path), "%s", path[0] ? path : name);
	set_family(out);
	if (out->permissive) {
		out->verdict = VERDICT_SELINUX_PERMISSIVE;
		out->err = 0;
	} else {
		out->verdict = VERDICT_SELINUX_DENIED;
		out->err = EACCES;
	}
	return AUDITLOG_FINDING;
}
