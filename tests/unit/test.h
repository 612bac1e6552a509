/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A tiny unit-test harness. TEST(name) registers a function; CHECK* macros report the failing
 * expression with file:line and make the test fail (and return) without aborting the run.
 */
#ifndef AVC_TEST_H
#define AVC_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(bool *failed);
	struct test_case *next;
};

void test_register(struct test_case *tc);

#define TEST(tname)                                                          \
	static void test_##tname(bool *failed__);                            \
	static struct test_case tc_##tname = { #tname, test_##tname, NULL }; \
	__attribute__((constructor)) static void reg_##tname(void)           \
	{                                                                    \
		test_register(&tc_##tname);                                  \
	}                                                                    \
	static void test_##tname(bool *failed__)

#define FAIL_AT(...)                                                \
	do {                                                        \
		fprintf(stderr, "    %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                       \
		fputc('\n', stderr);                                \
		*failed__ = true;                                   \
	} while (0)

/*
 * SKIP(fmt, ...): the test cannot run on this machine (a missing policy file, say); the reason
 * is printed and the test counted as skipped, never as passed (tests/run-all.sh fails CI on a
 * skip). An error from the code under test is a failure, never a skip.
 */
extern bool test_skipped;

#define SKIP(...)                     \
	do {                          \
		printf("    skip: "); \
		printf(__VA_ARGS__);  \
		putchar('\n');        \
		test_skipped = true;  \
		return;               \
	} while (0)

#define CHECK(cond)                                         \
	do {                                                \
		if (!(cond)) {                              \
			FAIL_AT("CHECK(%s) failed", #cond); \
			return;                             \
		}                                           \
	} while (0)

#define CHECK_INT(a, b)                                                               \
	do {                                                                          \
		long long a__ = (long long)(a), b__ = (long long)(b);                 \
		if (a__ != b__) {                                                     \
			FAIL_AT("%s == %lld, expected %s == %lld", #a, a__, #b, b__); \
			return;                                                       \
		}                                                                     \
	} while (0)

#define CHECK_STR(a, b)                                                                    \
	do {                                                                               \
		const char *a__ = (a), *b__ = (b);                                         \
		if (!a__ || !b__ || strcmp(a__, b__)) {                                    \
			FAIL_AT("%s == \"%s\", expected \"%s\"", #a, a__ ? a__ : "(null)", \
				b__ ? b__ : "(null)");                                     \
			return;                                                            \
		}                                                                          \
	} while (0)

#define CHECK_CONTAINS(hay, needle)                                           \
	do {                                                                  \
		const char *h__ = (hay), *n__ = (needle);                     \
		if (!h__ || !strstr(h__, n__)) {                              \
			FAIL_AT("%s does not contain \"%s\":\n%s", #hay, n__, \
				h__ ? h__ : "(null)");                        \
			return;                                               \
		}                                                             \
	} while (0)

/* Directory of test data (tests/), set by the runner from argv or AVC_TESTS_DIR. */
extern const char *test_data_dir;

#endif
