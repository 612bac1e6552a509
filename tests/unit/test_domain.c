// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --domain: names, type matching with aliases, and the decisions on learnt SIDs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "policy.h"
#include "test.h"

struct policy *test_open_cil(const char *name, char *path, size_t pathsz);

TEST(domain_names_checked_on_the_command_line)
{
	struct domain_filter df = { 0 };
	char name[16];
	int i;

	CHECK_INT(domain_add(&df, "httpd_t"), 0);
	CHECK_INT(domain_add(&df, ""), -EINVAL);
	CHECK_INT(domain_add(&df, "httpd_t;rm"), -EINVAL);
	CHECK_INT(domain_add(&df, "a:b"), -EINVAL);
	CHECK_INT(domain_add(&df, "bad\ntype"), -EINVAL);
	CHECK_INT(df.ntypes, 1);
	for (i = 1; i < DOMAIN_MAX_TYPES; i++) {
		snprintf(name, sizeof(name), "t%d_t", i);
		CHECK_INT(domain_add(&df, name), 0);
	}
	CHECK_INT(domain_add(&df, "one_too_many_t"), -EINVAL);
	CHECK_INT(df.ntypes, DOMAIN_MAX_TYPES);
}

TEST(domain_aliases_resolve_attributes_and_unknown_names_refused)
{
	char path[256];
	struct policy *p = test_open_cil("bool_gate", path, sizeof(path));
	struct domain_filter df = { 0 }, bad = { 0 }, attr = { 0 };
	char type[64];

	CHECK(p);
	/* web_var_run_t is an alias of web_runtime_t: a context always names the primary */
	CHECK_INT(domain_add(&df, "web_var_run_t"), 0);
	CHECK_INT(domain_add(&df, "web_t"), 0);
	CHECK_INT(domain_resolve(&df, p), 0);
	CHECK_STR(df.types[0], "web_runtime_t");
	CHECK_STR(df.given[0], "web_var_run_t");
	CHECK_INT(
		domain_match_context(&df, "system_u:system_r:web_runtime_t:s0", type, sizeof(type)),
		DOMAIN_SID_WANTED);
	CHECK_STR(type, "web_runtime_t");
	CHECK_INT(domain_match_context(&df, "system_u:system_r:web_t:s0", type, sizeof(type)),
		  DOMAIN_SID_WANTED);
	CHECK_INT(domain_match_context(&df, "system_u:system_r:kernel_t:s0", type, sizeof(type)),
		  DOMAIN_SID_UNWANTED);
	/* a type that only starts like a wanted one is another type */
	CHECK_INT(domain_match_context(&df, "system_u:system_r:web_tx:s0", type, sizeof(type)),
		  DOMAIN_SID_UNWANTED);
	/* no context (the task had gone) or a malformed one: not decided */
	CHECK_INT(domain_match_context(&df, "", type, sizeof(type)), DOMAIN_SID_UNSEEN);
	CHECK_INT(domain_match_context(&df, "kernel", type, sizeof(type)), DOMAIN_SID_UNSEEN);
	CHECK_INT(domain_match_context(&df, NULL, type, sizeof(type)), DOMAIN_SID_UNSEEN);

	CHECK_INT(domain_add(&bad, "nosuch_t"), 0);
	CHECK_INT(domain_resolve(&bad, p), -EINVAL);
	CHECK_INT(domain_add(&attr, "port_type"), 0);
	CHECK_INT(domain_resolve(&attr, p), -EINVAL);
	policy_close(p);
}

TEST(domain_sid_table_remembers_answers_and_counts_when_full)
{
	struct domain_filter df = { 0 };
	const char *type;
	__u32 sid;

	CHECK_INT(domain_add(&df, "httpd_t"), 0);
	CHECK_INT(domain_init(&df), 0);
	CHECK_INT(domain_sid_state(&df, 101, &type), DOMAIN_SID_UNSEEN);
	CHECK_INT(domain_sid_set(&df, 101, DOMAIN_SID_WANTED, "httpd_t"), 0);
	CHECK_INT(domain_sid_set(&df, 96, DOMAIN_SID_UNWANTED, "initrc_t"), 0);
	CHECK_INT(domain_sid_state(&df, 101, &type), DOMAIN_SID_WANTED);
	CHECK_STR(type, "httpd_t");
	CHECK_INT(domain_sid_state(&df, 96, &type), DOMAIN_SID_UNWANTED);
	CHECK_STR(type, "");
	/* SID 0 is never a SID: never stored, never answered */
	CHECK_INT(domain_sid_set(&df, 0, DOMAIN_SID_WANTED, "httpd_t"), -ENOSPC);
	CHECK_INT(domain_sid_state(&df, 0, NULL), DOMAIN_SID_UNSEEN);
	for (sid = 1000; df.nsids < AVC_DOMAIN_SIDS; sid++)
		CHECK_INT(domain_sid_set(&df, sid, DOMAIN_SID_UNWANTED, ""), 0);
	CHECK_INT(domain_sid_set(&df, sid, DOMAIN_SID_UNWANTED, ""), -ENOSPC);
	CHECK(df.sids_full >= 1);
	/* an answer already there can still change */
	CHECK_INT(domain_sid_set(&df, 101, DOMAIN_SID_UNWANTED, ""), 0);
	domain_free(&df);
}

TEST(domain_pending_reports_match_their_attempt_only)
{
	struct domain_filter df = { 0 };
	__u32 sid = 0, i;

	CHECK_INT(domain_init(&df), 0);
	domain_pending_put(&df, 170, 5000, 101);
	CHECK(!domain_pending_take(&df, 170, 5001, &sid)); /* another attempt of the thread */
	CHECK(!domain_pending_take(&df, 171, 5000, &sid));
	CHECK(domain_pending_take(&df, 170, 5000, &sid));
	CHECK_INT(sid, 101);
	CHECK(!domain_pending_take(&df, 170, 5000, &sid)); /* once */
	/* far more reports than slots, none taken: the oldest go, counted */
	for (i = 1; i <= 4 * DOMAIN_PENDING; i++)
		domain_pending_put(&df, i, 1000000 + i, 7);
	CHECK(df.pending_lost > 0);
	CHECK(domain_pending_take(&df, 4 * DOMAIN_PENDING, 1000000 + 4 * DOMAIN_PENDING, &sid));
	CHECK_INT(sid, 7);
	domain_free(&df);
}

TEST(domain_trace_keeps_wanted_drops_others_and_undecided)
{
	struct domain_filter df = { 0 };
	struct domain_sid_event se = { .ts_ns = 1, .pid = 1, .tid = 1, .mode = MODE_TRACE };
	struct conn_event ev = { 0 };
	char type[64];

	CHECK_INT(domain_add(&df, "httpd_t"), 0);
	CHECK_INT(domain_init(&df), 0);
	df.kernel = true; /* no iterator here: nothing new is learnt */
	CHECK_INT(domain_sid_set(&df, 101, DOMAIN_SID_WANTED, "httpd_t"), 0);
	CHECK_INT(domain_sid_set(&df, 96, DOMAIN_SID_UNWANTED, ""), 0);

	/* reported as unknown, learnt as httpd_t by the time its event comes: shown */
	se.sid = 101, se.tid = 10, se.ts_ns = 100;
	domain_on_sid_event(&df, &se);
	ev.tid = 10, ev.ts_ns = 100;
	CHECK(domain_keep_event(&df, &ev, type, sizeof(type)));
	CHECK_STR(type, "httpd_t");
	/* learnt as another domain: dropped, counted */
	se.sid = 96, se.tid = 11, se.ts_ns = 200;
	domain_on_sid_event(&df, &se);
	ev.tid = 11, ev.ts_ns = 200;
	CHECK(!domain_keep_event(&df, &ev, type, sizeof(type)));
	CHECK_INT(df.dropped, 1);
	/* never learnt (the task had gone): dropped, counted apart */
	se.sid = 55, se.tid = 12, se.ts_ns = 300;
	domain_on_sid_event(&df, &se);
	ev.tid = 12, ev.ts_ns = 300;
	CHECK(!domain_keep_event(&df, &ev, type, sizeof(type)));
	CHECK_INT(df.unresolved, 1);
	/* not reported: the kernel knew the SID as wanted */
	ev.tid = 13, ev.ts_ns = 400;
	CHECK(domain_keep_event(&df, &ev, type, sizeof(type)));
	CHECK_STR(type, "httpd_t");
	domain_free(&df);
}

TEST(domain_watch_counts_what_it_could_not_count)
{
	struct domain_filter df = { 0 };
	struct domain_sid_event se = { .pid = 1, .tid = 1, .mode = MODE_WATCH };

	CHECK_INT(domain_add(&df, "httpd_t"), 0);
	CHECK_INT(domain_init(&df), 0);
	df.kernel = true;
	CHECK_INT(domain_sid_set(&df, 101, DOMAIN_SID_WANTED, "httpd_t"), 0);
	CHECK_INT(domain_sid_set(&df, 96, DOMAIN_SID_UNWANTED, ""), 0);
	se.sid = 101;
	domain_on_sid_event(&df, &se); /* reported before the answer reached the kernel */
	se.sid = 96;
	domain_on_sid_event(&df, &se); /* another domain's: not ours to count */
	se.sid = 55;
	domain_on_sid_event(&df, &se); /* could not be learnt */
	CHECK_INT(df.uncounted_wanted, 1);
	CHECK_INT(df.unresolved, 1);
	domain_free(&df);
}
