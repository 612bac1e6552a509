/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * AVC records as audit tools print them, turned into findings: audit.log lines
 * ("type=AVC msg=audit(...): avc:  denied  { name_connect } for ..."), `ausearch -m avc --raw`
 * and `ausearch -i` output, and the kernel's printk form ("audit: type=1400 audit(...): avc:
 * ...", with a dmesg or /dev/kmsg prefix). Hex-encoded values (comm=6E67696E78) are decoded.
 */
#ifndef AVC_AUDITLOG_H
#define AVC_AUDITLOG_H

#include <stddef.h>

#include "finding.h"

enum auditlog_result {
	AUDITLOG_IGNORED = 0, /* not an AVC denial: another record type, a "granted" AVC, blank */
	AUDITLOG_FINDING = 1, /* *out holds the denial (permissive=1 ones included) */
	/* mentions an AVC but is not a record at the audit.log or the kernel's position (a
	 * USER_AVC, or a syslog line from a user imitating one): skipped, to be counted
	 */
	AUDITLOG_NOT_KERNEL = 2,
};

/*
 * Parse one line of len bytes (no NUL needed; embedded NULs are an error). Returns
 * AUDITLOG_FINDING, AUDITLOG_IGNORED, or -EINVAL for an AVC record that is malformed
 * (truncated, a required field missing or too long, binary junk) with a reason in err.
 */
int auditlog_parse_line(const char *line, size_t len, struct finding *out, char *err, size_t errsz);

/* True when the line claims to be an AVC record (worth an error when it does not parse). */
int auditlog_line_is_avc(const char *line, size_t len);

/*
 * Where the AVC record of line starts ("type=..."), when it is in the audit.log/ausearch form
 * ("[node=N ]type=AVC msg=audit(...): avc:") or the kernel's printk form ("audit: type=1400
 * audit(...): avc:" as dmesg, /dev/kmsg, or a syslog/journal line from "kernel:" print it);
 * -2 when the line starts as an audit.log AVC record but its header is cut or malformed; -1 for
 * any other line.
 */
long auditlog_record_start(const char *line, size_t len);

#endif
