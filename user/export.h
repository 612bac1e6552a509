/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --export FILE for trace and watch: the distinct findings, either as findings JSON lines
 * (user/findings_io.h, with the recommender's advice when a policy is at hand) or, with
 * --format avc, as AVC records that audit2allow, audit2why and `avcsnoop recommend` read.
 * The file is replaced whole by user/safe_file.c: a reader never sees half a file, and nothing
 * planted beside it is followed.
 */
#ifndef AVC_EXPORT_H
#define AVC_EXPORT_H

#include <stdio.h>

#include "finding_set.h"
#include "policy.h"

enum export_format {
	EXPORT_JSON = 0, /* findings JSON lines */
	EXPORT_AVC,	 /* type=AVC msg=audit(...): avc:  denied  { perm } for ... */
};

/* "json" or "avc"; -EINVAL otherwise. */
int export_format_parse(const char *s, enum export_format *out);

/*
 * One AVC record for an SELinux finding (denied, hidden or permissive) whose contexts,
 * class and permissions are known; -EINVAL (nothing written) for any other finding.
 * Hidden denials are written as the denial the kernel would have logged without dontaudit.
 */
int finding_write_avc(FILE *f, const struct finding *fi, unsigned long serial);

/* Every finding of s to f; *skipped counts findings AVC format cannot express. Then, when the
 * source could not count everything (s->uncounted) or the set was full (s->overflow), one
 * line saying so: {"type":"uncounted","count":N,"findings_not_kept":M} in JSON, a comment
 * "# avcsnoop: N attempt(s) not counted ..." in AVC format (audit tools skip it).
 */
/* seqno: the SELinux policyload sequence number pol stands for (0: not followed), written
 * with each recommendation as "policy_seqno".
 */
void export_write(FILE *f, enum export_format fmt, const struct finding_set *s, struct policy *pol,
		  unsigned long seqno, unsigned long *skipped);

/* Findings are for root to act on: only root reads or edits the export. */
#define EXPORT_FILE_MODE 0600

/* export_write into path through safe_file_write() (user/safe_file.h), mode EXPORT_FILE_MODE. */
int export_write_file(const char *path, enum export_format fmt, const struct finding_set *s,
		      struct policy *pol, unsigned long seqno);

#endif
