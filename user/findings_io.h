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
 */
#ifndef AVC_FINDINGS_IO_H
#define AVC_FINDINGS_IO_H

#include <stddef.h>

#include "finding.h"
#include "json.h"

/* One finding as one JSON object followed by a newline. */
void finding_write_json(struct json *j, const struct finding *f);
/* The same in two halves, so that a caller can add members (advice_write_compact) between. */
void finding_json_begin(struct json *j, const struct finding *f);
void finding_json_end(struct json *j);
/* What a finding was seen with: "counts" {total, audited, hidden, permissive, other},
 * "dests" [...], "dests_unlisted", "processes" [{comm, pid}], "processes_unlisted".
 */
void finding_write_seen_json(struct json *j, const struct finding *f);
/* The "selinux" object alone (used inside other records, e.g. advice). */
void finding_write_selinux_json(struct json *j, const char *key, const struct finding *f);
/* "127.0.0.1:3000", "[::1]:3000", ":3000" (port only), "/run/app.sock", or "" */
void finding_dest(const struct finding *f, char *out, size_t outsz);

enum findings_read_result {
	FINDING_READ_OTHER = 0, /* a valid JSON object whose "type" is not finding/connect */
	FINDING_READ_OK = 1,
};
/*
 * Strict JSON (RFC 8259) for one object in line[0..len). Returns FINDING_READ_OK,
 * FINDING_READ_OTHER, or -EINVAL with "byte N: what was wrong" in err.
 */
int finding_read_json(const char *line, size_t len, struct finding *out, char *err, size_t errsz);

#endif
