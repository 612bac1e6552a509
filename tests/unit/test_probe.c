// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The kallsyms reader of user/probe.c (the class map's and SELinux's blob sizes' addresses),
 * on files written as the kernel writes /proc/kallsyms.
 */
#include <stdlib.h>
#include <unistd.h>

#include "probe.h"
#include "test.h"

/* A temporary file holding text; its path in buf (removed by the caller). */
static bool kallsyms_file(char *buf, size_t len, const char *text)
{
	FILE *f;
	int fd;

	snprintf(buf, len, "/tmp/avcsnoop-unit-kallsyms.XXXXXX");
	fd = mkstemp(buf);
	if (fd < 0)
		return false;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return false;
	}
	fputs(text, f);
	return fclose(f) == 0;
}

/* The two names avcsnoop asks for: a[0] the class map's address, a[1] the blob sizes'. */
static void find_both(const char *path, unsigned long long a[2])
{
	a[0] = probe_kallsyms(path, "secclass_map");
	a[1] = probe_kallsyms(path, "selinux_blob_sizes");
}

TEST(kallsyms_finds_each_name_by_exact_match_first_one_wins)
{
	char path[64];
	unsigned long long a[2] = { 7, 7 };

	CHECK(kallsyms_file(path, sizeof(path),
			    "ffffffff81000000 T _stext\n"
			    "ffffffff82000010 r secclass_map_size\n"
			    "ffffffff82000020 r xsecclass_map\n"
			    "ffffffff82000040 d selinux_blob_sizes\n"
			    "ffffffff82000080 r secclass_map\n"
			    "ffffffffc0000000 t secclass_map\t[a_module]\n"));
	find_both(path, a);
	unlink(path);
	CHECK(a[0] == 0xffffffff82000080ULL);
	CHECK(a[1] == 0xffffffff82000040ULL);
}

TEST(kallsyms_absent_name_is_zero_and_hidden_addresses_are_all_ones)
{
	char path[64];
	unsigned long long a[2] = { 7, 7 };

	/* kptr_restrict: every address printed as zeros */
	CHECK(kallsyms_file(path, sizeof(path),
			    "0000000000000000 T _stext\n"
			    "0000000000000000 r secclass_map\n"));
	find_both(path, a);
	unlink(path);
	CHECK(a[0] == ~0ULL);
	CHECK(a[1] == 0);
}

TEST(kallsyms_module_symbols_and_odd_lines_do_not_confuse_it)
{
	char path[64], text[2048];
	unsigned long long a[2] = { 7, 7 };
	int n;

	/* a module's symbol of the same name, a malformed line, a 511-byte name (6.1+) */
	n = snprintf(text, sizeof(text),
		     "garbage without fields\n"
		     "ffffffffc0001000 t selinux_blob_sizes\t[mod]\n"
		     "ffffffff81000000 T %0511d\n"
		     "ffffffff83000000 r secclass_map\n",
		     0);
	CHECK(n > 0 && (size_t)n < sizeof(text));
	CHECK(kallsyms_file(path, sizeof(path), text));
	find_both(path, a);
	unlink(path);
	CHECK(a[0] == 0xffffffff83000000ULL);
	CHECK(a[1] == 0xffffffffc0001000ULL);
}

TEST(kallsyms_missing_file_leaves_every_address_zero)
{
	unsigned long long a[2] = { 7, 7 };

	find_both("/nonexistent/kallsyms", a);
	CHECK(a[0] == 0 && a[1] == 0);
}

/* A file read in 64 KiB blocks: a name's line straddles the first block's end (offset 65536),
 * another is in a later block.
 */
TEST(kallsyms_names_across_read_blocks)
{
	char path[64];
	unsigned long long a[2] = { 7, 7 };
	long off = 0;
	FILE *f;
	int fd, i;

	snprintf(path, sizeof(path), "/tmp/avcsnoop-unit-kallsyms.XXXXXX");
	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	CHECK(f != NULL);
	for (i = 0; i < 1560; i++) /* 42 bytes each: 65520 */
		off += fprintf(f, "ffffffff81%06x T filler_symbol_%08d\n", i, i);
	off += fprintf(f, "0 T y\n"); /* 65526: the next line crosses 65536 */
	fprintf(f, "ffffffff82000040 d selinux_blob_sizes\n");
	for (i = 0; i < 100000; i++)
		fprintf(f, "ffffffff83%06x r more_%08d\n", i, i);
	fprintf(f, "ffffffff84000080 r secclass_map\n");
	fclose(f);
	find_both(path, a);
	unlink(path);
	CHECK(off == 65526);
	CHECK(a[0] == 0xffffffff84000080ULL);
	CHECK(a[1] == 0xffffffff82000040ULL);
}
