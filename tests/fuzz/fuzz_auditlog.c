// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* libFuzzer target: one AVC line of any bytes. A finding must have what it promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auditlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct finding f;
	char err[256];
	int ret;

	ret = auditlog_parse_line((const char *)data, size, &f, err, sizeof(err));
	if (ret < 0 && !err[0])
		abort(); /* an error without a reason */
	if (ret == AUDITLOG_FINDING) {
		if (!f.scontext[0] || !f.tcontext[0] || !f.tclass[0] || f.nperms < 1 ||
		    f.nperms > FINDING_MAX_PERMS)
			abort();
		if (strnlen(f.comm, sizeof(f.comm)) == sizeof(f.comm) ||
		    strnlen(f.path, sizeof(f.path)) == sizeof(f.path))
			abort();
		/* a time the findings reader would refuse (audit(1e999:1)) is unknown: 0 */
		if (!finding_time_valid(f.first_seen) || !finding_time_valid(f.last_seen))
			abort();
	}
	return 0;
}
