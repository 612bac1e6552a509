// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Runs every registered unit test (or those whose name contains argv[1]). */
#include <stdlib.h>

#include "test.h"

static struct test_case *tests;
const char *test_data_dir = "tests";
bool test_skipped;

void test_register(struct test_case *tc)
{
	tc->next = tests;
	tests = tc;
}

int main(int argc, char **argv)
{
	struct test_case *tc, *rev = NULL;
	int passed = 0, failed = 0, skipped = 0;

	if (getenv("AVC_TESTS_DIR"))
		test_data_dir = getenv("AVC_TESTS_DIR");
	/* constructors ran in link order, reversed: restore it */
	while (tests) {
		tc = tests;
		tests = tc->next;
		tc->next = rev;
		rev = tc;
	}
	for (tc = rev; tc; tc = tc->next) {
		bool f = false;

		if (argc > 1 && !strstr(tc->name, argv[1]))
			continue;
		test_skipped = false;
		tc->fn(&f);
		printf("%s %s\n", f ? "FAIL" : test_skipped ? "skip" : "ok  ", tc->name);
		if (f)
			failed++;
		else if (test_skipped)
			skipped++;
		else
			passed++;
	}
	printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
