// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "safe_file.h"

/* Fresh random names tried before giving up: a collision takes 2^64 luck or a flood. */
#define TEMP_TRIES 64
/* The target's name in its temporary file's name is only a hint for a person: cut it. */
#define TEMP_BASE_MAX 200

/* Split path into its directory (copied to dir) and its last component (*base, in path). */
static int split_path(const char *path, char *dir, size_t dirsz, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!*path)
		return -ENOENT;
	if (!slash) {
		snprintf(dir, dirsz, ".");
		*base = path;
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= dirsz)
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = '\0';
		*base = slash + 1;
	}
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, ".."))
		return -EISDIR;
	if (strlen(*base) > NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Open dir one component at a time, none of them followed if it is a symbolic link: a
 * directory in the path that someone swapped for a link (a textfile directory owned by the
 * exporter's user, a parent of it) cannot send root's write elsewhere. Its fd, or -errno with
 * the path up to the component that failed in upto.
 */
static int open_dir_nofollow(const char *dir, char *upto, size_t uptosz)
{
	char buf[PATH_MAX], *comp, *save = NULL;
	struct stat st;
	size_t used = 0;
	int fd, nfd, err;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(dir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	upto[0] = '\0';
	if (dir[0] == '/')
		used = (size_t)snprintf(upto, uptosz, "/");
	for (comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (used < uptosz)
			used += (size_t)snprintf(upto + used, uptosz - used, "%s%s",
						 used && upto[used - 1] != '/' ? "/" : "", comp);
		if (!strcmp(comp, "."))
			continue;
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		err = -errno;
		/* O_DIRECTORY says ENOTDIR for a link: tell a link from a file, as -ELOOP */
		if (nfd < 0 && err == -ENOTDIR && !fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISLNK(st.st_mode))
			err = -ELOOP;
		close(fd);
		if (nfd < 0)
			return err;
		fd = nfd;
	}
	return fd;
}

/*
 * May the entry base be replaced by a regular file? Yes when it is absent, a regular file, or
 * a symlink (replaced, not followed) to a regular file or to nothing. -EISDIR for a directory,
 * -EINVAL for a device, FIFO or socket, or a symlink to one of those.
 */
static int check_target(int dirfd, const char *base)
{
	struct stat st;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	/* stat through a symlink only looks: /dev/stdout must not become a regular file */
	if (S_ISLNK(st.st_mode) && fstatat(dirfd, base, &st, 0))
		return 0;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

/* A new file ".BASE.RANDOM" in dirfd that nobody else has opened; its fd, or -errno. */
static int create_temp(int dirfd, const char *base, char *tmp, size_t len)
{
	unsigned long long rnd;
	int i, fd;

	for (i = 0; i < TEMP_TRIES; i++) {
		if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? -errno : -EIO;
		snprintf(tmp, len, ".%.*s.%016llx", TEMP_BASE_MAX, base, rnd);
		/* 0600 until fchmod: the umask may only narrow it, nobody can open it meanwhile */
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    S_IRUSR | S_IWUSR);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Write fn's content to fd, with mode, durably. Closes fd. 0 or -errno. */
static int write_temp(int fd, mode_t mode, safe_file_fn fn, void *arg)
{
	FILE *f;
	int err;

	if (fchmod(fd, mode)) {
		err = -errno;
		close(fd);
		return err;
	}
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	/* a write that failed inside fn (stdio flushing its buffer: ENOSPC) leaves only the
	 * error flag and errno: errno cleared first names the cause, not a vague EIO
	 */
	errno = 0;
	err = fn(f, arg);
	if (!err && (fflush(f) || ferror(f)))
		err = errno ? -errno : -EIO;
	if (!err && fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int safe_file_write(const char *path, mode_t mode, safe_file_fn fn, void *arg)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1], upto[PATH_MAX];
	const char *base;
	int dirfd, fd, err;

	err = split_path(path, dir, sizeof(dir), &base);
	if (err) {
		if (!*path)
			p_err("an empty file name");
		else
			p_err("%s: %s", path,
			      err == -EISDIR ? "names a directory, not a file" : strerror(-err));
		return err;
	}
	dirfd = open_dir_nofollow(dir, upto, sizeof(upto));
	if (dirfd < 0) {
		err = dirfd;
		if (err == -ELOOP)
			p_err("%s: %s is a symbolic link: refused (name the directory itself)",
			      path, upto);
		else
			p_err("%s: opening its directory %s: %s", path, upto[0] ? upto : dir,
			      strerror(-err));
		return err;
	}
	err = check_target(dirfd, base);
	if (err) {
		if (err == -EISDIR)
			p_err("%s: is a directory: not replaced", path);
		else if (err == -EINVAL)
			p_err("%s: is a device, FIFO or socket, or a symbolic link to one: not "
			      "replaced by a regular file",
			      path);
		else
			p_err("%s: %s", path, strerror(-err));
		goto out;
	}
	fd = create_temp(dirfd, base, tmp, sizeof(tmp));
	if (fd < 0) {
		err = fd;
		p_err("%s: creating a temporary file in %s: %s", path, dir, strerror(-err));
		goto out;
	}
	err = write_temp(fd, mode, fn, arg);
	if (err) {
		p_err("writing %s: %s", path, strerror(-err));
		goto fail;
	}
	if (renameat(dirfd, tmp, dirfd, base)) {
		err = -errno;
		p_err("%s: renaming %s/%s over it: %s", path, dir, tmp, strerror(errno));
		goto fail;
	}
	/* the rename is durable too (best effort: not every filesystem syncs a directory) */
	(void)fsync(dirfd);
	goto out;
fail:
	unlinkat(dirfd, tmp, 0);
out:
	close(dirfd);
	return err;
}

/* Is name what create_temp() names a temporary file of base? */
static bool is_temp_of(const char *name, const char *base)
{
	size_t blen = strnlen(base, TEMP_BASE_MAX), i;

	if (name[0] != '.' || strncmp(name + 1, base, blen) || name[1 + blen] != '.')
		return false;
	name += 2 + blen;
	for (i = 0; i < 16; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[16] == '\0';
}

int safe_file_remove_stale(const char *path)
{
	char dir[PATH_MAX], upto[PATH_MAX];
	const char *base;
	struct dirent *de;
	struct stat st;
	int fd, n = 0, err;
	DIR *d;

	if (split_path(path, dir, sizeof(dir), &base))
		return 0; /* the write names the problem */
	fd = open_dir_nofollow(dir, upto, sizeof(upto));
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd; /* the write names the problem */
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		close(fd);
		return err;
	}
	while ((de = readdir(d))) {
		if (!is_temp_of(de->d_name, base))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != geteuid())
			continue;
		if (!unlinkat(dirfd(d), de->d_name, 0))
			n++;
	}
	closedir(d);
	if (n)
		p_info("%s: removed %d temporary file(s) left by a writer that was killed", path,
		       n);
	return n;
}
