/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One access: who (comm, pid, unit and container), where (family, address, port), what
 * happened (verdict, errno) and, for SELinux, the decision (contexts, class, permissions, the
 * object, why it was hidden). A trace record (struct conn_record, user/event.h) and a finding
 * (struct finding, user/finding.h) both carry one, with the same limits, so a record becomes a
 * finding by one assignment. Strings are raw: escape when printing.
 *
 * ACCESS_EMBED puts the members in an embedding struct twice over, as the kernel's
 * struct_group() does: by their own names (r->comm) and together as `access` (r->access), one
 * struct access that can be copied or passed whole.
 */
#ifndef AVC_ACCESS_H
#define AVC_ACCESS_H

#include <stdint.h>

#include "attrib.h"
#include "avcsnoop.h"

#define ACCESS_NAME_LEN	 64  /* comm, class, permission, type names */
#define ACCESS_CTX_LEN	 256 /* a context, an object path */
#define ACCESS_MAX_PERMS 8

#define ACCESS_MEMBERS                                                                             \
	enum avc_op op; /* connect() or bind(); an AVC record's: bind for name_bind/node_bind */   \
	/* who */                                                                                  \
	char comm[ACCESS_NAME_LEN];                                                                \
	uint32_t pid;                                                                              \
	struct attribution attrib; /* unit and container */                                        \
	/* where */                                                                                \
	uint16_t family; /* AVC_AF_INET, AVC_AF_INET6, AVC_AF_UNIX, 0 when unknown */              \
	char daddr[64];	 /* printable address, "" for unix or unknown */                           \
	uint16_t dport;	 /* connect: the destination's port; bind: the local port asked for */     \
	/* what happened */                                                                        \
	enum avc_verdict verdict;                                                                  \
	int err; /* positive errno, 0 when unknown or success */                                   \
	/* SELinux's decision, "" when unknown */                                                  \
	char scontext[ACCESS_CTX_LEN]; /* "system_u:system_r:httpd_t:s0" */                        \
	char tcontext[ACCESS_CTX_LEN];                                                             \
	char tclass[ACCESS_NAME_LEN];		       /* "tcp_socket", "dir", "sock_file", ... */ \
	char perms[ACCESS_MAX_PERMS][ACCESS_NAME_LEN]; /* "name_connect", ... */                   \
	int nperms;                                                                                \
	char object[ACCESS_CTX_LEN]; /* the path of the object a file-class denial was about */    \
	const char *hidden_by;	     /* "dontaudit", "audit_off", or NULL (static strings) */

struct access {
	ACCESS_MEMBERS
};

#define ACCESS_EMBED                   \
	union {                        \
		struct {               \
			ACCESS_MEMBERS \
		};                     \
		struct access access;  \
	}

#endif
