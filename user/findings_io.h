/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Findings as JSON lines, the format of `avcsnoop trace --export` and `avcsnoop trace -j`:
 *   {"type":"finding","comm":"nginx","pid":169,"family":"inet","daddr":"127.0.0.1",
 *    "dport":3000,"path":"","dest":"127.0.0.1:3000","verdict":"selinux_denied",
 *    "errno":"EACCES","hidden":false,"permissive":false,"count":3,"first_seen":1700000000.1,
 *    "last_seen":1700000002.5,"selinux":{"scontext":"...","tcontext":"...",
 *    "tclass":"tcp_socket","perms":["name_connect"],"source_type":"httpd_t",
 *    "target_type":"ntop_port_t"},"counts":{"total":3,"audited":2,"hidden":1,
 *    "permissive":0,"other":0},"dests":["127.0.0.1:3000","[::1]:3000"],"dests_unlisted":0,
 *    "processes":[{"comm":"nginx","pid":169}],"processes_unlisted":0}
 * ("hidden_by":"dontaudit"|"audit_off" when known). One line per finding: per access.
 * Event lines ("type":"connect") carry the same fields. "dest", "source_type" and
 * "target_type" are derived and ignored when reading; unknown keys are skipped.
 * Numbers (limits in finding.h): pid 0..2^32-1, dport 0..65535 and count 0..2^53-1 are plain
 * integers (no sign, fraction or exponent); first_seen and last_seen are unix seconds from 0
 * (unknown) to 253402300799 (end of year 9999); errno is a name or E1..E4095. The reader
 * refuses anything else; the writer writes a count above the limit as the limit, and a time
 * or errno it cannot represent as 0 (unknown).
 */
#ifndef AVC_FINDINGS_IO_H
#define AVC_FINDINGS_IO_H

#include <stddef.h>

#include "finding.h"
#include "json.h"
#include "record.h"

/* ---- the connect schema: a trace record a line, written here, read by finding_read_json
 * below as the finding it stands for ----
 */
/* One record as {"type":"connect",...} and a newline */
void print_json(struct json *j, const struct conn_record *r);
/* The record's "selinux" object (nothing when it has none), for every writer of records. */
void record_write_selinux_json(struct json *j, const struct conn_record *r);
/* "127.0.0.1:3000", "[::1]:3000", "/run/x.sock", "@name" — unescaped, may be cut to len; for a
 * bind, the local address asked for ("0.0.0.0:8081")
 */
void record_dest(const struct conn_record *r, char *buf, size_t len);

/* ---- the finding schema ---- */
/* One finding as one JSON object followed by a newline. */
void finding_write_json(struct json *j, const struct finding *f);
/* The same in two halves, so that a caller can add members (advice_write_compact) between. */
void finding_json_begin(struct json *j, const struct finding *f);
void finding_json_end(struct json *j);
/* What a finding was seen with: "counts" {total, audited, hidden, permissive, other},
 * "dests" [...], "dests_unlisted", "processes" [{comm, pid}], "processes_unlisted".
 */
void finding_write_seen_json(struct json *j, const struct finding *f);
/* The "selinux" object of every record that has one (trace events, watch rows, findings,
 * advice, verify), written by selinux_json_write() alone: scontext, tcontext, tclass,
 * perms, source_type and target_type (derived), then what applies: object, audited,
 * permissive, derived (attempts and rows), hidden_by, audited_from.
 */
struct selinux_json {
	const char *scontext, *tcontext, *tclass;
	const char *object; /* "" or NULL when unknown */
	const char *perms[FINDING_MAX_PERMS];
	int nperms;
	bool have_flags; /* audited, permissive and derived apply */
	bool audited, permissive, derived;
	const char *hidden_by;	  /* NULL, "dontaudit", "audit_off" */
	const char *audited_from; /* NULL, "policy" */
};
void selinux_json_write(struct json *j, const char *key, const struct selinux_json *s);
/* The "selinux" object of a finding (null when it has no SELinux names). */
void finding_write_selinux_json(struct json *j, const char *key, const struct finding *f);
/* "127.0.0.1:3000", "[::1]:3000", ":3000" (port only), "/run/app.sock", or "" */
void finding_dest(const struct finding *f, char *out, size_t outsz);
/* "dest": finding_dest's text, or null when only a port is known (an audit record's dest=) */
void finding_dest_write_json(struct json *j, const struct finding *f);
/* "errno": its name (EACCES), null for none; "errno_code": the number (0 for none). The one
 * writer of both, for every record type.
 */
void errno_write_json(struct json *j, int err);

enum findings_read_result {
	FINDING_READ_OTHER = 0, /* a valid JSON object whose "type" is not finding/connect */
	FINDING_READ_OK = 1,
	/* {"type":"uncounted","count":N}: N attempts the exporter could not count (export.h);
	 * out->count holds N
	 */
	FINDING_READ_UNCOUNTED = 2,
};
/*
 * Strict JSON (RFC 8259) for one object in line[0..len). Returns FINDING_READ_OK,
 * FINDING_READ_OTHER, or -EINVAL with "byte N: what was wrong" in err.
 */
int finding_read_json(const char *line, size_t len, struct finding *out, char *err, size_t errsz);

#endif
