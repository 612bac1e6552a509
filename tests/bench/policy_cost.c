// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * make bench (and make bench-policy): how long the policy's cost engine takes on Debian's
 * refpolicy. The first policy_bool_cost call also builds the TE rule index; each boolean's cost
 * and each port relabel's are then asked twice, the second answered from the cache. Wall and CPU
 * time side by side with the ratio first/cached. A benchmark, not a test: it asserts nothing
 * (the unit tests check the answers, tests/unit/test_breadth.c).
 * Usage: bench-policy [POLICY]   (default AVC_REFPOLICY or /etc/selinux/default/policy/policy.33)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "policy.h"
#include "policy_cost.h"
#include "policy_relabel.h"

static double clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall and CPU time of a call: on a busy machine the CPU time is the one to compare. */
struct stopwatch {
	double wall, cpu;
};

static struct stopwatch stopwatch_start(void)
{
	return (struct stopwatch){ clock_ms(CLOCK_MONOTONIC), clock_ms(CLOCK_PROCESS_CPUTIME_ID) };
}

static struct stopwatch stopwatch_read(struct stopwatch start)
{
	return (struct stopwatch){ clock_ms(CLOCK_MONOTONIC) - start.wall,
				   clock_ms(CLOCK_PROCESS_CPUTIME_ID) - start.cpu };
}

static void row(const char *what, struct stopwatch first, struct stopwatch cached)
{
	printf("  %-44s %9.2f %9.2f %9.3f %9.3f %8.0fx\n", what, first.wall, first.cpu, cached.wall,
	       cached.cpu, cached.cpu > 0 ? first.cpu / cached.cpu : 0.0);
}

int main(int argc, char **argv)
{
	static const char *const booleans[] = {
		"httpd_enable_homedirs",	"allow_ypbind",
		"httpd_can_network_connect",	"httpd_can_network_relay",
		"httpd_can_network_connect_db", "httpd_graceful_shutdown"
	};
	static const char *const types[] = { "unreserved_port_t", "http_port_t",
					     "http_cache_port_t" };
	const char *path = argc > 1 ? argv[1] : getenv("AVC_REFPOLICY");
	struct policy_relabel_cost r;
	struct policy_bool_cost c;
	struct stopwatch t, first;
	struct policy *p = NULL;
	char err[512], what[96];
	size_t i;

	if (!path)
		path = "/etc/selinux/default/policy/policy.33";
	t = stopwatch_start();
	if (policy_open(&p, path, err, sizeof(err))) {
		fprintf(stderr, "bench-policy: %s\n", err);
		return 1;
	}
	t = stopwatch_read(t);
	printf("policy cost engine on %s (opened in %.1f ms, CPU %.1f)\n", path, t.wall, t.cpu);
	printf("  %-44s %9s %9s %9s %9s %9s\n", "call (first: the first row builds the index)",
	       "first ms", "CPU ms", "cached", "CPU", "ratio");
	for (i = 0; i < sizeof(booleans) / sizeof(booleans[0]); i++) {
		t = stopwatch_start();
		if (policy_bool_cost(p, booleans[i], true, "httpd_t", &c))
			goto fail;
		first = stopwatch_read(t);
		t = stopwatch_start();
		if (policy_bool_cost(p, booleans[i], true, "httpd_t", &c))
			goto fail;
		snprintf(what, sizeof(what), "bool_cost %s", booleans[i]);
		row(what, first, stopwatch_read(t));
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		t = stopwatch_start();
		if (policy_port_relabel_cost(p, PROTO_TCP, 3000, types[i], &r))
			goto fail;
		first = stopwatch_read(t);
		t = stopwatch_start();
		if (policy_port_relabel_cost(p, PROTO_TCP, 3000, types[i], &r))
			goto fail;
		snprintf(what, sizeof(what), "relabel tcp 3000 -> %s", types[i]);
		row(what, first, stopwatch_read(t));
	}
	policy_close(p);
	return 0;
fail:
	fprintf(stderr, "bench-policy: a cost query failed on %s\n", path);
	policy_close(p);
	return 1;
}
