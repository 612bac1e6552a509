/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What makes a finding (user/finding.h) one access, and a set of them: hashed (O(1) add),
 * capped (FINDING_SET_DEFAULT_MAX unless set; what does not fit is counted, never silently
 * lost), in insertion order. Trace, watch, export, recommend and verify all key findings
 * here, so the same access is the same finding everywhere.
 */
#ifndef AVC_FINDING_SET_H
#define AVC_FINDING_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "finding.h"

#define FINDING_SET_DEFAULT_MAX 4096 /* ~4.5 KiB each (attribution: 1.9): ~18 MiB at most */
#define FINDING_KEY_LEN		1024

struct finding_set {
	struct finding *v; /* the findings, in the order they were first seen */
	size_t n, cap;
	size_t max;	   /* most findings kept; 0 = FINDING_SET_DEFAULT_MAX */
	uint64_t overflow; /* attempts of new findings not kept: the set was full */
	/* attempts the source could not count at all (watch's counter table was full): their
	 * findings are unknown; the export carries the number (export.h) for recommend to say
	 */
	uint64_t uncounted;
	/* open addressing: slot -> 1 + index into v (0 = empty); hashes[i] belongs to v[i] */
	uint32_t *slots;
	size_t nslots;
	uint64_t *hashes;
	char **keys;
};

/* Classes whose objects are files (their labels come from the file system). */
bool finding_is_file_class(const char *tclass);
/* True when f is about SELinux: its verdict, or hidden/permissive facts. */
bool finding_is_selinux(const struct finding *f);
/* The directory a file-context fix would relabel for f: the denied directory the tracer
 * found by its inode, else the socket's parent for a traced unix socket (the denial may be
 * on the directory or the socket), the audited path for a record that names one. "" when f
 * has no such path. Raw bytes; callers escape.
 */
void finding_fix_dir(const struct finding *f, char *out, size_t outsz);
/* f's identity as text (fields separated by 0x1f). -ENOSPC when it does not fit. */
int finding_key(const struct finding *f, char *out, size_t outsz);
/* Fill f's counts, destination and process lists from its own fields when they are empty
 * (a single attempt, an audit record, a trace event). Idempotent.
 */
void finding_normalize(struct finding *f);
/* Merge what b saw into a (the same access): counts, first/last seen, lists, facts. */
void finding_merge(struct finding *a, const struct finding *b);

/*
 * Add f: 1 when it is a new finding (*where set when not NULL), 0 when it merged into one
 * already there, -ENOSPC when the set is full (s->overflow counts f's attempts), -ENOMEM.
 */
int finding_set_add(struct finding_set *s, const struct finding *f, struct finding **where);
void finding_set_free(struct finding_set *s);

#endif
