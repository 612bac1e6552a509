/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A finding: one distinct (source, destination, class, permission, verdict) seen by the
 * tracer, exported by watch/trace, or read back from an audit log. It is what the
 * recommender consumes. Strings are raw (unescaped); escape them when printing.
 */
#ifndef AVC_FINDING_H
#define AVC_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "avcsnoop.h"

#define FINDING_CTX_LEN	  256
#define FINDING_NAME_LEN  64
#define FINDING_MAX_PERMS 8

/*
 * Bounds of the numeric fields. The JSON reader (user/findings_io.c) refuses values outside
 * them and the writers never produce one: count stays within RFC 8259's interoperable
 * integers (exact in an IEEE double, so jq and JavaScript read it unchanged), errno within the
 * kernel's MAX_ERRNO, times between the epoch and the end of year 9999.
 */
#define FINDING_COUNT_MAX 9007199254740991ULL /* 2^53 - 1 */
#define FINDING_ERRNO_MAX 4095
#define FINDING_TIME_MAX  253402300799.0 /* 9999-12-31T23:59:59Z */

enum finding_origin {
	ORIGIN_TRACE = 0, /* an avcsnoop event or export line */
	ORIGIN_AUDIT,	  /* an AVC record from an audit log or the kernel log */
};

struct finding {
	enum finding_origin origin;
	/* who */
	char comm[FINDING_NAME_LEN];
	uint32_t pid;
	char scontext[FINDING_CTX_LEN]; /* "system_u:system_r:httpd_t:s0"; "" when unknown */
	char tcontext[FINDING_CTX_LEN];
	char tclass[FINDING_NAME_LEN]; /* "tcp_socket", "dir", "sock_file", "unix_stream_socket" */
	char perms[FINDING_MAX_PERMS][FINDING_NAME_LEN]; /* "name_connect", ... */
	int nperms;
	/* where */
	uint16_t family;	    /* AVC_AF_INET, AVC_AF_INET6, AVC_AF_UNIX, 0 when unknown */
	char daddr[64];		    /* printable address, "" for unix or unknown */
	uint16_t dport;		    /* 0 when unknown */
	char path[FINDING_CTX_LEN]; /* unix socket path, or the audited path/name= of a dir */
	/* what happened */
	enum avc_verdict verdict;
	int err;	 /* positive errno, 0 when unknown or success */
	bool hidden;	 /* denied, but no audit record: dontaudit or audit suppressed */
	bool permissive; /* would have been denied: SELinux (or the domain) is permissive */
	uint64_t count;
	double first_seen; /* unix time, seconds; 0 when unknown */
	double last_seen;
};

/* A first_seen/last_seen value: finite, in 0..FINDING_TIME_MAX (false for NaN and inf) */
static inline bool finding_time_valid(double t)
{
	return t >= 0 && t <= FINDING_TIME_MAX;
}

#endif
