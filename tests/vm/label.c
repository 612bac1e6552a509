/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * label: write security.selinux xattrs on a tree from the policy's file_contexts, without
 * SELinux in the running kernel. setfiles/restorecon refuse to work on a host where SELinux
 * is not active, but the lookup itself (selabel_lookup_raw) is pure user space: run this
 * inside a chroot of the guest rootfs so /etc/selinux/config and the file_contexts it reads
 * are the guest's. mke2fs -d then copies the xattrs into the ext4 image.
 *
 * Usage: label [-v] [-x PATH]... [ROOT]   (ROOT defaults to /; -x skips a subtree)
 * Exit 0 when every file that has a context got it, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#define MAX_EXCLUDES 16

static struct selabel_handle *label_handle;
static const char *excludes[MAX_EXCLUDES];
static int nexcludes;
static int verbose;
static unsigned long nlabelled, nunmatched, nfailed;

static int is_excluded(const char *path)
{
	for (int i = 0; i < nexcludes; i++) {
		size_t len = strlen(excludes[i]);

		if (strncmp(path, excludes[i], len) == 0 && (path[len] == '\0' || path[len] == '/'))
			return 1;
	}
	return 0;
}

static int label_one(const char *path, const struct stat *st, int typeflag, struct FTW *ftw)
{
	char *context = NULL;

	(void)ftw;
	if (is_excluded(path))
		return typeflag == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (typeflag == FTW_NS || typeflag == FTW_DNR) {
		fprintf(stderr, "label: cannot read %s\n", path);
		nfailed++;
		return FTW_CONTINUE;
	}
	if (selabel_lookup_raw(label_handle, &context, path, st->st_mode) < 0) {
		if (errno == ENOENT) { /* no file_contexts entry: setfiles leaves these alone too */
			nunmatched++;
			return FTW_CONTINUE;
		}
		fprintf(stderr, "label: lookup %s: %s\n", path, strerror(errno));
		nfailed++;
		return FTW_CONTINUE;
	}
	if (lsetxattr(path, "security.selinux", context, strlen(context) + 1, 0) < 0) {
		fprintf(stderr, "label: setxattr %s (%s): %s\n", path, context, strerror(errno));
		nfailed++;
	} else {
		nlabelled++;
		if (verbose)
			printf("%s\t%s\n", path, context);
	}
	freecon(context);
	return FTW_CONTINUE;
}

int main(int argc, char **argv)
{
	const char *root = "/";
	int opt;

	while ((opt = getopt(argc, argv, "vx:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = 1;
			break;
		case 'x':
			if (nexcludes == MAX_EXCLUDES) {
				fprintf(stderr, "label: at most %d -x options\n", MAX_EXCLUDES);
				return 2;
			}
			excludes[nexcludes++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-v] [-x PATH]... [ROOT]\n", argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		root = argv[optind];

	label_handle = selabel_open(SELABEL_CTX_FILE, NULL, 0);
	if (!label_handle) {
		fprintf(stderr,
			"label: selabel_open(SELABEL_CTX_FILE) failed: %s "
			"(is the policy installed under /etc/selinux?)\n",
			strerror(errno));
		return 1;
	}
	if (nftw(root, label_one, 64, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL) < 0) {
		fprintf(stderr, "label: walking %s: %s\n", root, strerror(errno));
		nfailed++;
	}
	selabel_close(label_handle);
	fprintf(stderr, "label: %lu labelled, %lu without a context, %lu failed\n", nlabelled,
		nunmatched, nfailed);
	return nfailed ? 1 : 0;
}
