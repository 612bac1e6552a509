/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one way avcsnoop writes a file: findings exports and the Prometheus textfile. avcsnoop
 * runs as root, and what it writes is read later as trusted (by `avcsnoop recommend`, by
 * node_exporter), often in a directory other users can write to (/tmp, a textfile directory
 * owned by the exporter's user). Nothing found there is trusted:
 *
 *   - the content goes to a new file with a random name beside the target, created with
 *     O_CREAT|O_EXCL|O_NOFOLLOW: a symlink or a file planted at any name is never opened,
 *     never truncated, never written through;
 *   - its mode is set with fchmod (the umask neither widens nor narrows it), then it is
 *     written, flushed, fsync'ed and renamed over the target: a reader sees the old file or
 *     the whole new one; a symlink at the target is replaced, never followed;
 *   - on any failure the temporary file is removed and the target is left as it was.
 *
 * The directory part of the path is opened one component at a time with O_NOFOLLOW: a
 * symbolic link anywhere in it is refused, named (a textfile directory owned by the
 * exporter's user, or a parent of it, swapped for a link cannot redirect root's write); the
 * last component is never followed. A target that is a directory, a device, a FIFO or a socket (or a symlink
 * to one, such as /dev/stdout) is refused, not replaced.
 */
#ifndef AVC_SAFE_FILE_H
#define AVC_SAFE_FILE_H

#include <stdio.h>
#include <sys/types.h>

/* fn(f, arg) writes the content and returns 0 or -errno. */
typedef int (*safe_file_fn)(FILE *f, void *arg);

/*
 * Replace path with what fn writes, with the given mode, as described above. 0, or -errno after
 * printing a message that names path and the reason.
 */
int safe_file_write(const char *path, mode_t mode, safe_file_fn fn, void *arg);

/*
 * Remove the temporary files a killed writer of path left: ".BASE.<16 hex digits>" beside
 * it, regular, with one link, owned by this user (nothing another user made is touched).
 * Called at start, before the first write: a writer killed mid-write (SIGKILL, a crash, a
 * power cut) cannot remove its own. The number removed (said on stderr when any), or -errno.
 */
int safe_file_remove_stale(const char *path);

#endif
