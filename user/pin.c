// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pinned state of watch --pin (user/pin.h), moved out of loader.c unchanged. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "avcsnoop.h"
#include "log.h"
#include "pin.h"
#include "probe.h"

int pin_dir_prepare(const char *dir)
{
	struct statfs st;
	int err;

	if (!strncmp(dir, "/sys/fs/bpf/", 12) || !strcmp(dir, "/sys/fs/bpf")) {
		err = ensure_fs("/sys/fs/bpf", "bpf");
		if (err) {
			p_err("--pin %s: mounting a bpf filesystem on /sys/fs/bpf: %s", dir,
			      strerror(-err));
			return err;
		}
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		err = -errno;
		p_err("--pin %s: %s", dir, strerror(errno));
		return err;
	}
	if (statfs(dir, &st)) {
		err = -errno;
		p_err("--pin %s: %s", dir, strerror(errno));
		return err;
	}
	if (st.f_type != BPF_FS_MAGIC) {
		p_err("--pin %s: not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf, and pin "
		      "below it)",
		      dir);
		return -EINVAL;
	}
	return 0;
}

enum { PIN_ABI, PIN_AGG, PIN_AGG_NAMES, PIN_STATS, PIN_N };

static const struct pin_spec pin_specs[PIN_N] = {
	[PIN_ABI] = { "abi", "avc_abi", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32), 1 },
	[PIN_AGG] = { "agg", "agg", BPF_MAP_TYPE_HASH, sizeof(struct agg_key),
		      sizeof(struct agg_val), 0 },
	[PIN_AGG_NAMES] = { "agg_names", "agg_names", BPF_MAP_TYPE_HASH, sizeof(struct agg_key),
			    sizeof(struct avc_sel_names), 0 },
	[PIN_STATS] = { "stats", "stats", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64),
			STAT_MAX },
};

const struct pin_spec *pin_spec_of(const char *file)
{
	int i;

	for (i = 0; i < PIN_N; i++)
		if (!strcmp(file, pin_specs[i].file))
			return &pin_specs[i];
	return NULL;
}

static void why_add(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Append one difference to why, "; "-separated. */
static void why_add(char *why, size_t len, const char *fmt, ...)
{
	size_t n = strlen(why);
	va_list ap;

	if (n && n + 2 < len) {
		memcpy(why + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(why + n, len - n, fmt, ap);
	va_end(ap);
}

static const char *map_type_str(__u32 type, char *buf, size_t len)
{
	const char *s = libbpf_bpf_map_type_str((enum bpf_map_type)type);

	if (s)
		return s;
	snprintf(buf, len, "type %u", type);
	return buf;
}

int pin_spec_check(const struct pin_spec *s, const struct bpf_map_info *info, bool layout,
		   char *why, size_t len)
{
	char found[32], want[32];

	why[0] = '\0';
	if (strncmp(info->name, s->name, sizeof(info->name)))
		why_add(why, len, "named '%.*s', expected '%s'", (int)sizeof(info->name),
			info->name, s->name);
	if (info->type != s->type)
		why_add(why, len, "type %s, expected %s",
			map_type_str(info->type, found, sizeof(found)),
			map_type_str(s->type, want, sizeof(want)));
	if (layout && info->key_size != s->key_size)
		why_add(why, len, "key size %u, expected %u", info->key_size, s->key_size);
	if (layout && info->value_size != s->value_size)
		why_add(why, len, "value size %u, expected %u", info->value_size, s->value_size);
	if (layout && s->max_entries && info->max_entries != s->max_entries)
		why_add(why, len, "%u entries, expected %u", info->max_entries, s->max_entries);
	return why[0] ? -EPROTO : 0;
}

/*
 * The kind of BPF object behind fd, from its anon inode's name: "bpf-map", "bpf-link" or
 * "bpf-prog" (links were "bpf_link" before Linux 6.x: '_' reads as '-').
 */
static int bpf_fd_kind(int fd, char *kind, size_t len)
{
	char link[64], target[64];
	ssize_t n;
	char *c;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(kind, len, "%s", strncmp(target, "anon_inode:", 11) ? target : target + 11);
	for (c = kind; *c; c++)
		if (*c == '_')
			*c = '-';
	return 0;
}

/* fd's info if it is a map; -EPROTO with why filled if it is another kind of object. */
static int map_info_of(int fd, struct bpf_map_info *info, char *why, size_t len)
{
	__u32 info_len = sizeof(*info);
	char kind[64];
	int err;

	err = bpf_fd_kind(fd, kind, sizeof(kind));
	if (err) {
		snprintf(why, len, "reading what it is: %s", strerror(-err));
		return err;
	}
	if (strcmp(kind, "bpf-map")) {
		snprintf(why, len, "a pinned %s, not a map", kind);
		return -EPROTO;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &info_len)) {
		err = -errno;
		snprintf(why, len, "reading its layout: %s", strerror(errno));
		return err;
	}
	return 0;
}

/*
 * Open the map pinned as dir/s->file, checked against s: its fd; -ENOENT when there is none
 * (not reported); or -errno after a message naming the pin, what was expected and found.
 */
static int pin_open_map(const char *dir, const struct pin_spec *s)
{
	char path[PATH_MAX], why[256];
	struct bpf_map_info info;
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, s->file);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		if (err != -ENOENT)
			p_err("%s: not a pinned BPF object (%s)", path, strerror(errno));
		return err;
	}
	err = map_info_of(fd, &info, why, sizeof(why));
	if (!err)
		err = pin_spec_check(s, &info, true, why, sizeof(why));
	if (err) {
		p_err("%s: not avcsnoop's %s map of pin ABI version %d: %s (remove it, or pin "
		      "elsewhere)",
		      path, s->name, AVC_ABI_VERSION, why);
		close(fd);
		return err;
	}
	return fd;
}

/* dir/abi must hold this avcsnoop's AVC_ABI_VERSION. 0 or -errno after a message. */
static int pin_abi_check(const char *dir)
{
	__u32 key = 0, version = 0;
	int fd, err = 0;

	fd = pin_open_map(dir, &pin_specs[PIN_ABI]);
	if (fd == -ENOENT) {
		p_err("%s/%s: missing: the maps under %s were not pinned by an avcsnoop of pin ABI "
		      "version %d (an older avcsnoop, or another tool); 'avcsnoop watch --unpin %s' "
		      "removes avcsnoop's pins",
		      dir, pin_specs[PIN_ABI].file, dir, AVC_ABI_VERSION, dir);
		return -EPROTO;
	}
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, &version)) {
		err = -errno;
		p_err("%s/%s: reading the pin ABI version: %s", dir, pin_specs[PIN_ABI].file,
		      strerror(errno));
	} else if (version != AVC_ABI_VERSION) {
		p_err("%s/%s: the counters under %s were pinned with pin ABI version %u, this "
		      "avcsnoop reads version %d; 'avcsnoop watch --unpin %s' stops them",
		      dir, pin_specs[PIN_ABI].file, dir, version, AVC_ABI_VERSION, dir);
		err = -EPROTO;
	}
	close(fd);
	return err;
}

/* DIR/abi's content: a one-entry array holding AVC_ABI_VERSION, frozen. fd or -errno. */
static int abi_map_create(void)
{
	const struct pin_spec *s = &pin_specs[PIN_ABI];
	__u32 key = 0, version = AVC_ABI_VERSION;
	int fd, err;

	fd = bpf_map_create((enum bpf_map_type)s->type, s->name, s->key_size, s->value_size,
			    s->max_entries, NULL);
	if (fd < 0) {
		err = -errno;
		p_err("creating the pin ABI map: %s", strerror(errno));
		return err;
	}
	if (bpf_map_update_elem(fd, &key, &version, BPF_ANY) || bpf_map_freeze(fd)) {
		err = -errno;
		p_err("writing the pin ABI map: %s", strerror(errno));
		close(fd);
		return err;
	}
	return fd;
}

static int pin_one(int fd, const char *dir, const char *name)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (bpf_obj_pin(fd, path)) {
		err = -errno;
		p_err("pinning %s: %s", path, strerror(errno));
		return err;
	}
	return 0;
}

struct pin_item {
	int fd;
	char name[64];
};

int loader_pin(struct loader *ld, const char *dir)
{
	struct pin_item items[2 * LOADER_MAX_LINKS + PIN_N];
	char path[PATH_MAX];
	struct agg_maps m;
	int n = 0, i, err = 0, abi_fd;

	abi_fd = abi_map_create();
	if (abi_fd < 0)
		return abi_fd;
	loader_agg_maps(ld, &m);
	/* links first: a directory with maps but no links would look like stopped counting */
	for (i = 0; i < ld->nfds; i++) {
		if (!ld->fd_prog[i])
			continue;
		items[n].fd = ld->fds[i];
		snprintf(items[n++].name, sizeof(items[0].name), "link_%s", ld->fd_prog[i]);
	}
	for (i = 0; i < ld->nlinks; i++) {
		items[n].fd = bpf_link__fd(ld->links[i]);
		snprintf(items[n++].name, sizeof(items[0].name), "link_%s", ld->link_prog[i]);
	}
	items[n].fd = abi_fd;
	snprintf(items[n++].name, sizeof(items[0].name), "%s", pin_specs[PIN_ABI].file);
	items[n].fd = m.agg_fd;
	snprintf(items[n++].name, sizeof(items[0].name), "%s", pin_specs[PIN_AGG].file);
	items[n].fd = m.names_fd;
	snprintf(items[n++].name, sizeof(items[0].name), "%s", pin_specs[PIN_AGG_NAMES].file);
	items[n].fd = m.stats_fd;
	snprintf(items[n++].name, sizeof(items[0].name), "%s", pin_specs[PIN_STATS].file);

	for (i = 0; i < n; i++) {
		err = pin_one(items[i].fd, dir, items[i].name);
		if (err)
			break;
	}
	if (err) {
		/* take back exactly what this call pinned: dir may hold what others pinned */
		while (i-- > 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, items[i].name);
			unlink(path);
		}
	} else {
		ld->pinned = true;
	}
	close(abi_fd);
	return err;
}

int pinned_open(const char *dir, struct agg_maps *m, int *nlinks)
{
	static const int which[] = { PIN_AGG, PIN_AGG_NAMES, PIN_STATS };
	int *fds[] = { &m->agg_fd, &m->names_fd, &m->stats_fd };
	char path[PATH_MAX];
	struct dirent *de;
	struct statfs fs;
	struct stat st;
	size_t i;
	int err;
	DIR *d;

	m->agg_fd = m->names_fd = m->stats_fd = -1;
	m->owned = true;
	snprintf(path, sizeof(path), "%s/%s", dir, pin_specs[PIN_AGG].file);
	if (lstat(path, &st) && errno == ENOENT)
		return -ENOENT;
	if (statfs(dir, &fs) || fs.f_type != BPF_FS_MAGIC) {
		p_err("%s: not a directory on a bpf filesystem: nothing avcsnoop pins is there",
		      dir);
		return -EINVAL;
	}
	/* the version first: it explains a layout difference better than the layout does */
	err = pin_abi_check(dir);
	if (err)
		return err;
	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		*fds[i] = pin_open_map(dir, &pin_specs[which[i]]);
		if (*fds[i] < 0) {
			err = *fds[i] == -ENOENT ? -EPROTO : *fds[i];
			if (*fds[i] == -ENOENT)
				p_err("%s/%s: missing (a partial pin directory)", dir,
				      pin_specs[which[i]].file);
			*fds[i] = -1;
			agg_maps_close(m);
			return err;
		}
	}
	*nlinks = 0;
	d = opendir(dir);
	if (d) {
		while ((de = readdir(d)))
			*nlinks += !strncmp(de->d_name, "link_", 5);
		closedir(d);
	}
	return 0;
}

void agg_maps_close(struct agg_maps *m)
{
	if (!m->owned)
		return;
	if (m->agg_fd >= 0)
		close(m->agg_fd);
	if (m->names_fd >= 0)
		close(m->names_fd);
	if (m->stats_fd >= 0)
		close(m->stats_fd);
	m->agg_fd = m->names_fd = m->stats_fd = -1;
}

/* A link pinned by avcsnoop holds one of its avc_ programs. 0, or -EPROTO with why. */
static int link_is_ours(int fd, char *why, size_t len)
{
	struct bpf_link_info link;
	struct bpf_prog_info prog;
	__u32 info_len = sizeof(link);
	int prog_fd, err;

	memset(&link, 0, sizeof(link));
	if (bpf_obj_get_info_by_fd(fd, &link, &info_len)) {
		snprintf(why, len, "reading the link: %s", strerror(errno));
		return -EPROTO;
	}
	prog_fd = bpf_prog_get_fd_by_id(link.prog_id);
	if (prog_fd < 0) {
		snprintf(why, len, "reading the link's program: %s", strerror(errno));
		return -EPROTO;
	}
	memset(&prog, 0, sizeof(prog));
	info_len = sizeof(prog);
	err = bpf_obj_get_info_by_fd(prog_fd, &prog, &info_len) ? -errno : 0;
	close(prog_fd);
	if (err) {
		snprintf(why, len, "reading the link's program: %s", strerror(-err));
		return -EPROTO;
	}
	if (strncmp(prog.name, "avc_", 4)) {
		snprintf(why, len, "a link to the program '%.*s', not to one of avcsnoop's avc_*",
			 (int)sizeof(prog.name), prog.name);
		return -EPROTO;
	}
	return 0;
}

/*
 * Is dir/name one of avcsnoop's pins? 0 when the name is not one avcsnoop pins, 1 when it is
 * avcsnoop's (a map of the expected name and type, of any version; a link to an avc_
 * program), -EPROTO with why filled when it is named like a pin but is something else.
 */
static int pin_is_ours(int dirfd, const char *dir, const char *name, char *why, size_t len)
{
	const struct pin_spec *s = pin_spec_of(name);
	char path[PATH_MAX], kind[64];
	struct bpf_map_info info;
	struct stat st;
	int fd, err;

	if (!s && strncmp(name, "link_", 5))
		return 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		snprintf(why, len, "%s", strerror(errno));
		return -EPROTO;
	}
	/* bpffs shows pinned objects as regular files; never follow a symlink here */
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s", S_ISLNK(st.st_mode) ? "a symbolic link" : "a directory");
		return -EPROTO;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		snprintf(why, len, "not a pinned BPF object (%s)", strerror(errno));
		return -EPROTO;
	}
	if (s) {
		err = map_info_of(fd, &info, why, len);
		if (!err)
			err = pin_spec_check(s, &info, false, why, len);
	} else {
		err = bpf_fd_kind(fd, kind, sizeof(kind));
		if (!err && strcmp(kind, "bpf-link")) {
			snprintf(why, len, "a pinned %s, not a link", kind);
			err = -EPROTO;
		} else if (!err) {
			err = link_is_ours(fd, why, len);
		} else {
			snprintf(why, len, "reading what it is: %s", strerror(-err));
		}
	}
	close(fd);
	return err ? -EPROTO : 1;
}

int loader_unpin(const char *dir)
{
	struct statfs st;
	struct dirent *de;
	int fd, r, err = 0, ours = 0;
	bool refuse = false;
	char why[256];
	DIR *d;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		p_err("--unpin %s: %s", dir,
		      errno == ELOOP ? "a symbolic link: name the pin directory itself"
				     : strerror(errno));
		return err;
	}
	if (fstatfs(fd, &st)) {
		err = -errno;
		p_err("--unpin %s: %s", dir, strerror(errno));
		close(fd);
		return err;
	}
	if (st.f_type != BPF_FS_MAGIC) {
		p_err("--unpin %s: not a directory on a bpf filesystem, where avcsnoop pins: "
		      "nothing removed",
		      dir);
		close(fd);
		return -EINVAL;
	}
	d = fdopendir(fd);
	if (!d) {
		err = -errno;
		p_err("--unpin %s: %s", dir, strerror(errno));
		close(fd);
		return err;
	}
	/* look at everything named like a pin first: remove nothing unless all of it is ours */
	while ((de = readdir(d))) {
		r = pin_is_ours(dirfd(d), dir, de->d_name, why, sizeof(why));
		if (r < 0) {
			p_err("--unpin %s: %s is not avcsnoop's: %s", dir, de->d_name, why);
			refuse = true;
		}
		ours += r > 0;
	}
	if (refuse) {
		p_err("--unpin %s: nothing removed", dir);
		closedir(d);
		return -EPERM;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (pin_is_ours(dirfd(d), dir, de->d_name, why, sizeof(why)) <= 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) && !err) {
			err = -errno;
			p_err("removing %s/%s: %s", dir, de->d_name, strerror(errno));
		}
	}
	closedir(d);
	if (!err && rmdir(dir)) {
		if (errno != ENOTEMPTY) {
			err = -errno;
			p_err("removing %s: %s", dir, strerror(errno));
		} else if (!ours) {
			p_err("--unpin %s: no avcsnoop pins there", dir);
			err = -ENOENT;
		}
	}
	return err;
}
