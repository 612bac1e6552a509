/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A finding is one access: for SELinux, (source type, target type, class, permission set,
 * and the port or the directory the fix depends on); for any other failure, (verdict,
 * errno, port or path). Every attempt, event, counter row, audit record or findings line
 * that is the same access merges into one finding: the destinations and processes seen are
 * listed inside it, with counts by verdict and first/last seen. A success is never a
 * finding. The first observation's details (comm, pid, contexts, address) stay in the
 * top-level fields: the recommender reads those. Strings are raw: escape when printing.
 */
#ifndef AVC_FINDING_H
#define AVC_FINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "attrib.h"
#include "avcsnoop.h"

#define FINDING_CTX_LEN	  256
#define FINDING_NAME_LEN  64
#define FINDING_MAX_PERMS 8
#define FINDING_MAX_DESTS 4 /* destinations listed in a finding; the rest are counted */
#define FINDING_MAX_PROCS 4 /* processes listed; the rest are counted */
#define FINDING_DEST_LEN  112

struct finding_proc {
	char comm[FINDING_NAME_LEN];
	uint32_t pid;
	struct attribution attrib; /* its unit and container */
};

/* Attempts of one finding, by verdict. total = sum of the buckets. */
struct finding_counts {
	uint64_t total;
	uint64_t audited;    /* selinux_denied: an AVC record exists */
	uint64_t hidden;     /* selinux_hidden: no AVC record */
	uint64_t permissive; /* selinux_permissive: would be denied in enforcing mode */
	uint64_t other;	     /* every other failure verdict */
};

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
	enum avc_op op; /* connect() or bind(); an AVC record's: bind for name_bind/node_bind */
	bool predicted; /* preflight's: counts are directives of a configuration, no process */
	/* who */
	char comm[FINDING_NAME_LEN];
	uint32_t pid;
	struct attribution attrib;	/* the first observation's unit and container */
	char scontext[FINDING_CTX_LEN]; /* "system_u:system_r:httpd_t:s0"; "" when unknown */
	char tcontext[FINDING_CTX_LEN];
	char tclass[FINDING_NAME_LEN]; /* "tcp_socket", "dir", "sock_file", "unix_stream_socket" */
	char perms[FINDING_MAX_PERMS][FINDING_NAME_LEN]; /* "name_connect", ... */
	int nperms;
	/* where */
	uint16_t family;	      /* AVC_AF_INET, AVC_AF_INET6, AVC_AF_UNIX, 0 when unknown */
	char daddr[64];		      /* printable address, "" for unix or unknown */
	uint16_t dport;		      /* 0 when unknown */
	char path[FINDING_CTX_LEN];   /* unix socket path, or the audited path/name= of a dir */
	char object[FINDING_CTX_LEN]; /* the traced path of the object a file-class denial was
				       * about (the denied directory), "" when unknown */
	/* what happened */
	enum avc_verdict verdict;
	int err;	       /* positive errno, 0 when unknown or success */
	bool hidden;	       /* denied, but no audit record: dontaudit or audit suppressed */
	bool permissive;       /* would have been denied: SELinux (or the domain) is permissive */
	const char *hidden_by; /* "dontaudit", "audit_off", or NULL (static strings) */
	uint64_t count;	       /* = counts.total once in a finding_set */
	struct finding_counts counts;
	double first_seen; /* unix time, seconds; 0 when unknown */
	double last_seen;
	/* what the access was seen with */
	char dests[FINDING_MAX_DESTS][FINDING_DEST_LEN]; /* "127.0.0.1:3000", "[::1]:3000" */
	int ndests;
	uint64_t dests_unlisted; /* attempts to destinations beyond the list */
	struct finding_proc procs[FINDING_MAX_PROCS];
	int nprocs;
	uint64_t procs_unlisted;
	/* trace --recommend: the SELinux state its advice was given in (advice again after a
	 * policy change when the access is seen again)
	 */
	unsigned long advised_state;
};

/*
 * The one place "hidden" is derived. A finding's hidden and permissive say that some of its
 * attempts were denied without an AVC record, or would have been denied; hidden_by says why
 * and is kept only while hidden. Once counted (counts.total), the buckets decide; before, the
 * verdict does, or a flag a reader found set. Every constructor and reader ends with it:
 * record_to_finding (user/event.c), finding_read_json (user/findings_io.c), preflight's check
 * (user/preflight.c) and finding_normalize (user/finding_set.c).
 */
static inline void finding_derive_hidden(struct finding *f)
{
	if (f->counts.total) {
		f->hidden = f->counts.hidden > 0;
		f->permissive = f->counts.permissive > 0;
	} else {
		f->hidden = f->hidden || f->verdict == VERDICT_SELINUX_HIDDEN;
		f->permissive = f->permissive || f->verdict == VERDICT_SELINUX_PERMISSIVE;
	}
	if (!f->hidden)
		f->hidden_by = NULL;
}

/* A first_seen/last_seen value: finite, in 0..FINDING_TIME_MAX (false for NaN and inf) */
static inline bool finding_time_valid(double t)
{
	return t >= 0 && t <= FINDING_TIME_MAX;
}

#endif
