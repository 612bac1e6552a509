// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "enrich.h"

struct enricher {
	char lsms[256]; /* LSMs that may have refused an attempt */
};

void lsms_that_deny(const char *lsm_list, bool selinux_enabled, char *out, size_t len)
{
	char copy[256], *tok, *save = NULL;
	size_t n = 0;

	out[0] = '\0';
	snprintf(copy, sizeof(copy), "%s", lsm_list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "capability") || !strcmp(tok, "lockdown") || !strcmp(tok, "yama"))
			continue;
		if (!strcmp(tok, "selinux") && !selinux_enabled)
			continue;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", n ? "," : "", tok);
	}
}

struct enricher *enricher_new(const struct kernel_features *kf, const char *policy_path)
{
	struct enricher *enr = calloc(1, sizeof(*enr));

	if (!enr)
		return NULL;
	lsms_that_deny(kf->lsms, kf->selinux_enabled, enr->lsms, sizeof(enr->lsms));
	return enr;
}

void enricher_free(struct enricher *enr)
{
	free(enr);
}

void enrich_record(struct enricher *enr, struct conn_record *r)
{
	if (!enr)
		return;
	r->lsms = enr->lsms;
}
