// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advice_out.h"
#include "export.h"
#include "findings_io.h"
#include "json.h"
#include "log.h"
#include "recommend.h"
#include "safe_file.h"
#include "verdict.h"

int export_format_parse(const char *s, enum export_format *out)
{
	if (!strcmp(s, "json"))
		*out = EXPORT_JSON;
	else if (!strcmp(s, "avc"))
		*out = EXPORT_AVC;
	else
		return -EINVAL;
	return 0;
}

/* An audit field value as the kernel writes it: "quoted" when plain, HEX when it holds a
 * quote, a space, a control byte or a byte above 0x7e (audit_log_untrustedstring()).
 */
static void audit_value(FILE *f, const char *key, const char *val)
{
	const unsigned char *c;
	bool hex = false;

	for (c = (const unsigned char *)val; *c; c++)
		if (*c == '"' || *c < 0x21 || *c > 0x7e)
			hex = true;
	fprintf(f, " %s=", key);
	if (!hex) {
		fprintf(f, "\"%s\"", val);
		return;
	}
	for (c = (const unsigned char *)val; *c; c++)
		fprintf(f, "%02X", *c);
}

/* Contexts and class are identifiers: refuse anything that would break the record. */
static bool plain_word(const char *s)
{
	const unsigned char *c;

	if (!*s)
		return false;
	for (c = (const unsigned char *)s; *c; c++)
		if (*c < 0x21 || *c > 0x7e || *c == '"' || *c == '{' || *c == '}' || *c == '=')
			return false;
	return true;
}

int finding_write_avc(FILE *f, const struct finding *fi, unsigned long serial)
{
	double secs = fi->last_seen > 0 ? fi->last_seen : fi->first_seen;
	long long whole = (long long)secs;
	int i;

	if (!verdict_is_selinux(fi->verdict) || !fi->nperms || !plain_word(fi->scontext) ||
	    !plain_word(fi->tcontext) || !plain_word(fi->tclass))
		return -EINVAL;
	for (i = 0; i < fi->nperms; i++)
		if (!plain_word(fi->perms[i]))
			return -EINVAL;
	fprintf(f, "type=AVC msg=audit(%lld.%03d:%lu): avc:  denied  {", whole,
		(int)((secs - (double)whole) * 1000), serial);
	for (i = 0; i < fi->nperms; i++)
		fprintf(f, " %s", fi->perms[i]);
	fprintf(f, " } for  pid=%u", fi->pid);
	audit_value(f, "comm", fi->comm);
	if (fi->family == AVC_AF_UNIX && fi->path[0])
		audit_value(f, "path", fi->path);
	else if (fi->dport)
		fprintf(f, " dest=%u", fi->dport);
	fprintf(f, " scontext=%s tcontext=%s tclass=%s permissive=%d\n", fi->scontext, fi->tcontext,
		fi->tclass, fi->verdict == VERDICT_SELINUX_PERMISSIVE || fi->permissive);
	return 0;
}

void export_write(FILE *f, enum export_format fmt, const struct finding_set *s, struct policy *pol,
		  unsigned long seqno, unsigned long *skipped)
{
	struct advice *a = NULL;
	struct json j;
	size_t i;

	*skipped = 0;
	json_init(&j, f);
	for (i = 0; i < s->n; i++) {
		const struct finding *fi = &s->v[i];

		if (fmt == EXPORT_AVC) {
			if (finding_write_avc(f, fi, (unsigned long)i + 1))
				(*skipped)++;
			continue;
		}
		if (pol && verdict_is_selinux(fi->verdict)) {
			if (!a)
				a = calloc(1, sizeof(*a));
			if (a && recommend(pol, fi, a) == 0) {
				a->policy_seqno = seqno;
				finding_write_json_advice(&j, fi, a);
				continue;
			}
		}
		finding_write_json(&j, fi);
	}
	if (a)
		advice_free(a);
	free(a);
	if (!s->uncounted && !s->overflow)
		return;
	if (fmt == EXPORT_AVC) {
		fprintf(f,
			"# avcsnoop: %llu attempt(s) not counted (the counter table was full), %llu "
			"of findings not kept: the records above are not all there was\n",
			(unsigned long long)s->uncounted, (unsigned long long)s->overflow);
		return;
	}
	json_obj_begin(&j, NULL);
	json_str(&j, "type", "uncounted");
	json_uint(&j, "count", s->uncounted);
	json_uint(&j, "findings_not_kept", s->overflow);
	json_obj_end(&j);
	json_line_end(&j);
}

struct export_args {
	enum export_format fmt;
	const struct finding_set *s;
	struct policy *pol;
	unsigned long seqno;
	unsigned long skipped;
};

static int export_cb(FILE *f, void *arg)
{
	struct export_args *ea = arg;

	export_write(f, ea->fmt, ea->s, ea->pol, ea->seqno, &ea->skipped);
	return 0;
}

int export_write_file(const char *path, enum export_format fmt, const struct finding_set *s,
		      struct policy *pol, unsigned long seqno)
{
	struct export_args ea = { .fmt = fmt, .s = s, .pol = pol, .seqno = seqno };
	int err = safe_file_write(path, EXPORT_FILE_MODE, export_cb, &ea);

	if (!err && ea.skipped)
		p_debug("%s: %lu finding(s) not written: AVC records express only SELinux "
			"decisions with known contexts",
			path, ea.skipped);
	return err;
}
