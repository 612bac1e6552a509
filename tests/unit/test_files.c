// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The safe file writer (user/safe_file.c) against what another user can plant beside its
 * target, and the closed-stdout check that ends trace and watch (user/util.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_file.h"
#include "test.h"
#include "util.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory for one test, its path in buf. */
static bool tmp_dir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/avcsnoop-unit-files.XXXXXX");
	return mkdtemp(buf) != NULL;
}

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static bool put_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return false;
	fputs(content, f);
	return fclose(f) == 0;
}

/* The whole of a small file, or "" */
static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "re");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Entries in dir besides . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static int write_text(FILE *f, void *arg)
{
	fputs(arg, f);
	return 0;
}

/* Writes half its content, then fails as a full disk would. */
static int write_then_fail(FILE *f, void *arg)
{
	fputs("half", f);
	return -ENOSPC;
}

TEST(safe_file_mode_is_what_was_asked_whatever_the_umask)
{
	char dir[64], f1[96], f2[96];
	struct stat st;
	mode_t old = umask(0077);
	int e1, e2;

	CHECK(tmp_dir(dir, sizeof(dir)));
	path_in(f1, sizeof(f1), dir, "m.prom");
	path_in(f2, sizeof(f2), dir, "findings.json");
	e1 = safe_file_write(f1, 0644, write_text, "metrics\n");
	umask(0);
	e2 = safe_file_write(f2, 0600, write_text, "{}\n");
	umask(old);
	CHECK_INT(e1, 0);
	CHECK_INT(e2, 0);
	CHECK(stat(f1, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0644);
	CHECK(stat(f2, &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	CHECK_STR(slurp(f1), "metrics\n");
	CHECK_STR(slurp(f2), "{}\n");
	CHECK_INT(count_entries(dir), 2); /* no temporary file left */
	rm_tree(dir);
}

TEST(safe_file_replaces_a_symlink_at_the_target_without_following_it)
{
	char dir[64], canary[96], target[96], planted[96], got[96];
	struct stat st;
	ssize_t n;

	CHECK(tmp_dir(dir, sizeof(dir)));
	path_in(canary, sizeof(canary), dir, "canary");
	path_in(target, sizeof(target), dir, "F");
	path_in(planted, sizeof(planted), dir, "F.tmp");
	CHECK(put_file(canary, "precious\n"));
	CHECK(symlink(canary, target) == 0);
	CHECK(symlink(canary, planted) == 0); /* the old writer's predictable temporary name */
	CHECK_INT(safe_file_write(target, 0600, write_text, "new\n"), 0);
	CHECK_STR(slurp(canary), "precious\n");
	CHECK(lstat(target, &st) == 0 && S_ISREG(st.st_mode));
	CHECK_STR(slurp(target), "new\n");
	n = readlink(planted, got, sizeof(got) - 1);
	CHECK(n > 0);
	got[n] = '\0';
	CHECK_STR(got, canary); /* left as it was */
	CHECK_INT(count_entries(dir), 3);
	rm_tree(dir);
}

TEST(safe_file_replaces_a_hard_link_without_writing_through_it)
{
	char dir[64], canary[96], target[96];

	CHECK(tmp_dir(dir, sizeof(dir)));
	path_in(canary, sizeof(canary), dir, "canary");
	path_in(target, sizeof(target), dir, "F");
	CHECK(put_file(canary, "precious\n"));
	CHECK(link(canary, target) == 0);
	CHECK_INT(safe_file_write(target, 0600, write_text, "new\n"), 0);
	CHECK_STR(slurp(canary), "precious\n");
	CHECK_STR(slurp(target), "new\n");
	rm_tree(dir);
}

TEST(safe_file_failure_leaves_the_target_and_no_temporary_file)
{
	char dir[64], target[96];

	CHECK(tmp_dir(dir, sizeof(dir)));
	path_in(target, sizeof(target), dir, "F");
	CHECK(put_file(target, "old\n"));
	CHECK_INT(safe_file_write(target, 0600, write_then_fail, NULL), -ENOSPC);
	CHECK_STR(slurp(target), "old\n");
	CHECK_INT(count_entries(dir), 1);
	rm_tree(dir);
}

TEST(safe_file_refuses_targets_that_are_not_regular_files)
{
	char dir[64], sub[96], fifo[96], devlink[96], got[96], missing[128];
	ssize_t n;

	CHECK(tmp_dir(dir, sizeof(dir)));
	path_in(sub, sizeof(sub), dir, "sub");
	path_in(fifo, sizeof(fifo), dir, "fifo");
	path_in(devlink, sizeof(devlink), dir, "stdout");
	CHECK(mkdir(sub, 0700) == 0);
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(symlink("/dev/null", devlink) == 0);
	CHECK_INT(safe_file_write(sub, 0600, write_text, "x"), -EISDIR);
	CHECK_INT(safe_file_write(fifo, 0600, write_text, "x"), -EINVAL);
	/* `--export /dev/stdout` must not turn /dev/stdout into a regular file */
	CHECK_INT(safe_file_write(devlink, 0600, write_text, "x"), -EINVAL);
	n = readlink(devlink, got, sizeof(got) - 1);
	CHECK(n > 0);
	got[n] = '\0';
	CHECK_STR(got, "/dev/null");
	CHECK_INT(count_entries(dir), 3);
	snprintf(missing, sizeof(missing), "%s/no/such/F", dir);
	CHECK_INT(safe_file_write(missing, 0600, write_text, "x"), -ENOENT);
	CHECK_INT(safe_file_write("", 0600, write_text, "x"), -ENOENT);
	snprintf(missing, sizeof(missing), "%s/", dir);
	CHECK_INT(safe_file_write(missing, 0600, write_text, "x"), -EISDIR);
	rm_tree(dir);
}

TEST(output_closed_only_when_the_reader_has_gone)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fds[2];
	FILE *w, *file;
	bool open_pipe, gone_unflushed, gone_idle, regular;

	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	CHECK(pipe(fds) == 0);
	w = fdopen(fds[1], "w");
	CHECK(w != NULL);
	fputs("line\n", w);
	open_pipe = output_closed(w);
	close(fds[0]);
	fputs("more\n", w);
	gone_unflushed = output_closed(w); /* EPIPE from the flush */
	gone_idle = output_closed(w);	   /* nothing left to flush: POLLERR */
	fclose(w);
	file = tmpfile();
	CHECK(file != NULL);
	fputs("x\n", file);
	regular = output_closed(file);
	fclose(file);
	sigaction(SIGPIPE, &old, NULL);
	CHECK(!open_pipe);
	CHECK(gone_unflushed);
	CHECK(gone_idle);
	CHECK(!regular);
}
