// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrib.h"
#include "json.h"
#include "log.h"

/* ---- the parser: one pure function ---- */

/* systemd's unit name alphabet (unit_name_is_valid): ASCII letters, digits, ":-_.\@" */
static bool unit_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == ':' || c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t sl = strlen(suffix);

	return n > sl && !memcmp(s + n - sl, suffix, sl);
}

/* NAME + suffix, NAME not empty, every byte in the unit alphabet, short enough to keep */
static bool valid_unit(const char *s, size_t n, const char *suffix)
{
	size_t i;

	if (n >= ATTRIB_UNIT_LEN || !ends_with(s, n, suffix))
		return false;
	for (i = 0; i < n; i++)
		if (!unit_char((unsigned char)s[i]))
			return false;
	return true;
}

static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != ATTRIB_CONTAINER_LEN - 1)
		return false;
	for (i = 0; i < n; i++)
		if (!lower_hex(s[i]))
			return false;
	return true;
}

/* 8-4-4-4-12 hex digits separated by sep ('-', or '_' in systemd slice names) */
static bool is_pod_uid(const char *s, size_t n, char sep)
{
	size_t i;

	if (n != ATTRIB_POD_UID_LEN - 1)
		return false;
	for (i = 0; i < n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != sep : !lower_hex(s[i]))
			return false;
	}
	return true;
}

static void copy_uid(char *dst, const char *s)
{
	size_t i;

	for (i = 0; i < ATTRIB_POD_UID_LEN - 1; i++)
		dst[i] = s[i] == '_' ? '-' : s[i];
	dst[i] = '\0';
}

/* user@1000.service: the per-user manager, whose units are the user's */
static bool is_user_manager(const char *s, size_t n)
{
	size_t i = 5;

	if (n < 14 || memcmp(s, "user@", 5) || !ends_with(s, n, ".service"))
		return false;
	for (; i < n - 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static const struct {
	const char *prefix;
	const char *runtime;
} scope_runtimes[] = {
	{ "docker-", "docker" },
	{ "libpod-", "podman" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
};

/* RUNTIME-<64 hex>.scope (libpod-conmon-<id>.scope and the like are not containers) */
static const char *container_scope(const char *s, size_t n, const char **id)
{
	size_t i, pl;

	if (!ends_with(s, n, ".scope"))
		return NULL;
	for (i = 0; i < sizeof(scope_runtimes) / sizeof(scope_runtimes[0]); i++) {
		pl = strlen(scope_runtimes[i].prefix);
		if (n == pl + 64 + 6 && !memcmp(s, scope_runtimes[i].prefix, pl) &&
		    is_hex64(s + pl, 64)) {
			*id = s + pl;
			return scope_runtimes[i].runtime;
		}
	}
	return NULL;
}

/* kubepods[-QOS]-pod<uid with '_'>.slice (systemd driver) */
static const char *pod_slice(const char *s, size_t n)
{
	const size_t tail = 4 + 36 + 6; /* "-pod" uid ".slice" */

	if (n < 8 + tail || memcmp(s, "kubepods", 8) || !ends_with(s, n, ".slice"))
		return NULL;
	if (memcmp(s + n - tail, "-pod", 4) || !is_pod_uid(s + n - 42, 36, '_'))
		return NULL;
	return s + n - 42;
}

static bool comp_is(const char *s, size_t n, const char *name)
{
	return n == strlen(name) && !memcmp(s, name, n);
}

/*
 * Where a container's cgroup may be, by who made the cgroups above it:
 *   - a system container: RUNTIME-<id>.scope right under /system.slice or /machine.slice,
 *     or /docker/<id> (cgroupfs driver), where only root creates cgroups;
 *   - a Kubernetes container: right below a pod (/kubepods.slice[/kubepods-QOS.slice]/
 *     kubepods[-QOS]-pod<uid>.slice/RUNTIME-<id>.scope, /kubepods[/QOS]/pod<uid>/<id>);
 *   - a rootless container: RUNTIME-<id>.scope under a user manager
 *     (/user.slice/user-N.slice/user@N.service/[slices/]), marked rootless: the user made
 *     it, and it is never the system container of the same id.
 * Anywhere else (a service's own subtree, inside another container) a name that looks like a
 * container is nobody's. A pod UID is taken only from the kubepods hierarchy's pod level,
 * above the container, never from below one.
 */
void attrib_parse(const char *path, struct attribution *a)
{
	enum { LOOK_UNIT, LOOK_USER_UNIT, UNITS_DONE } state = LOOK_UNIT;
	enum {
		TOP_NONE,
		TOP_SYSTEM,
		TOP_KUBE_SD,
		TOP_KUBE_FS,
		TOP_DOCKER_FS,
		TOP_USER
	} top = TOP_NONE;
	/* depth of the pod level (0: none), of user@N.service (0: none); the chain below the
	 * user manager is of slices only so far
	 */
	size_t depth = 0, pod_depth = 0, mgr_depth = 0;
	bool user_slices = true;
	const char *p = path, *comp, *id;
	size_t n;

	memset(a, 0, sizeof(*a));
	for (; *p; depth++) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		n = strcspn(p, "/");
		p += n;
		if (n > NAME_MAX)
			break; /* no kernel name is this long: not a cgroup path */
		if (state != UNITS_DONE) {
			char *dst = state == LOOK_UNIT ? a->unit : a->user_unit;

			if (valid_unit(comp, n, ".slice")) {
				/* slices group units: look further down */
			} else if (valid_unit(comp, n, ".service") ||
				   valid_unit(comp, n, ".scope")) {
				memcpy(dst, comp, n);
				dst[n] = '\0';
				state = state == LOOK_UNIT && is_user_manager(comp, n)
						? LOOK_USER_UNIT
						: UNITS_DONE;
			} else {
				/* not a unit name: what lies below is not the manager's */
				state = UNITS_DONE;
			}
		}
		if (depth == 0) {
			if (comp_is(comp, n, "system.slice") || comp_is(comp, n, "machine.slice"))
				top = TOP_SYSTEM;
			else if (comp_is(comp, n, "kubepods.slice"))
				top = TOP_KUBE_SD;
			else if (comp_is(comp, n, "kubepods"))
				top = TOP_KUBE_FS;
			else if (comp_is(comp, n, "docker"))
				top = TOP_DOCKER_FS;
			else if (comp_is(comp, n, "user.slice"))
				top = TOP_USER;
			continue;
		}
		if (top == TOP_USER && !mgr_depth) {
			if (depth == 2 && is_user_manager(comp, n))
				mgr_depth = depth;
			else if (depth >= 2)
				top = TOP_NONE; /* not a user manager's subtree */
			continue;
		}
		if (a->container[0])
			continue; /* the outermost container wins; nothing below names a pod */
		/* the pod level: depth 1 (guaranteed) or 2 (below the QoS class) */
		if (!a->pod_uid[0] && (depth == 1 || depth == 2)) {
			const char *uid = NULL;

			if (top == TOP_KUBE_SD)
				uid = pod_slice(comp, n);
			else if (top == TOP_KUBE_FS && n == 39 && !memcmp(comp, "pod", 3) &&
				 is_pod_uid(comp + 3, 36, '-'))
				uid = comp + 3;
			if (uid) {
				copy_uid(a->pod_uid, uid);
				pod_depth = depth;
				continue;
			}
		}
		id = NULL;
		{
			const char *rt = container_scope(comp, n, &id);
			bool system = depth == 1 && top == TOP_SYSTEM;
			bool in_pod = pod_depth && depth == pod_depth + 1;
			bool rootless = mgr_depth && user_slices;

			if (rt && !(system || (in_pod && top == TOP_KUBE_SD) || rootless))
				rt = NULL;
			if (!rt && is_hex64(comp, n)) {
				/* cgroupfs drivers: /docker/<id>, /kubepods/[QOS/]pod<uid>/<id> */
				if (depth == 1 && top == TOP_DOCKER_FS)
					rt = "docker";
				else if (in_pod && top == TOP_KUBE_FS)
					rt = "kubernetes";
				id = comp;
			}
			if (rt) {
				memcpy(a->container, id, 64);
				a->container[64] = '\0';
				a->runtime = rt;
				a->rootless = rootless && !system && !in_pod;
				continue;
			}
		}
		if (mgr_depth && !valid_unit(comp, n, ".slice"))
			user_slices = false;
	}
	/* a pod without a container is still the pod's (its pause process, a sandbox) */
}

void attrib_short(const struct attribution *a, char *buf, size_t len)
{
	if (a->container[0])
		snprintf(buf, len, "%s%s:%.12s", a->rootless ? "rootless:" : "",
			 a->runtime ? a->runtime : "container", a->container);
	else if (a->unit[0])
		snprintf(buf, len, "%s", a->unit);
	else if (a->pod_uid[0])
		snprintf(buf, len, "pod:%s", a->pod_uid);
	else
		snprintf(buf, len, "-");
}

void attrib_write_json(struct json *j, const struct attribution *a)
{
	if (a->unit[0])
		json_str(j, "unit", a->unit);
	if (a->user_unit[0])
		json_str(j, "user_unit", a->user_unit);
	if (a->container[0]) {
		json_str(j, "container", a->container);
		if (a->runtime)
			json_str(j, "runtime", a->runtime);
		if (a->rootless)
			json_bool(j, "rootless", true);
	}
	if (a->pod_uid[0])
		json_str(j, "pod_uid", a->pod_uid);
}

int attrib_set(struct attribution *a, const char *key, const char *val, char *why, size_t len)
{
	size_t n = strlen(val), i;

	if (!strcmp(key, "unit") || !strcmp(key, "user_unit")) {
		if (!valid_unit(val, n, ".service") && !valid_unit(val, n, ".scope")) {
			snprintf(why, len,
				 "\"%s\" is not a unit name (NAME.service or NAME.scope, "
				 "letters, digits and :-_.\\@, under %d bytes)",
				 key, ATTRIB_UNIT_LEN);
			return -EINVAL;
		}
		memcpy(!strcmp(key, "unit") ? a->unit : a->user_unit, val, n + 1);
		return 0;
	}
	if (!strcmp(key, "container")) {
		if (!is_hex64(val, n)) {
			snprintf(why, len, "\"container\" is not 64 lower-case hex digits");
			return -EINVAL;
		}
		memcpy(a->container, val, n + 1);
		return 0;
	}
	if (!strcmp(key, "pod_uid")) {
		if (!is_pod_uid(val, n, '-')) {
			snprintf(why, len, "\"pod_uid\" is not a UID (8-4-4-4-12 hex digits)");
			return -EINVAL;
		}
		memcpy(a->pod_uid, val, n + 1);
		return 0;
	}
	if (strcmp(key, "runtime"))
		return 1;
	a->runtime = NULL;
	for (i = 0; i < sizeof(scope_runtimes) / sizeof(scope_runtimes[0]); i++)
		if (!strcmp(val, scope_runtimes[i].runtime))
			a->runtime = scope_runtimes[i].runtime;
	if (!strcmp(val, "kubernetes"))
		a->runtime = "kubernetes";
	if (!a->runtime) {
		snprintf(why, len,
			 "\"runtime\" is not docker, podman, containerd, cri-o or "
			 "kubernetes");
		return -EINVAL;
	}
	return 0;
}

void attrib_container_label(const struct attribution *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", a->container[0] && a->rootless ? "rootless:" : "", a->container);
}

/* ---- cgroup id -> attribution, cached ---- */

#define FILEID_KERNFS 0xfe /* include/linux/exportfs.h: a kernfs node id as file handle */

struct cc_entry {
	__u64 id;
	unsigned long long used; /* tick of the last lookup: the smallest is evicted */
	int next;		 /* chain in the bucket, -1 at the end */
	struct attribution a;
};

struct cgroup_cache {
	cgroup_path_fn path_of;
	void *ctx;
	int mount_fd; /* -1 with another source */
	char mount[PATH_MAX];
	size_t mount_len;
	unsigned int cap, n, nbuckets;
	int *heads;
	struct cc_entry *e;
	unsigned long long tick;
	struct cgroup_cache_stats st;
};

static int handle_path(void *ctx, __u64 id, char *out, size_t len);

struct cgroup_cache *cgroup_cache_new_source(cgroup_path_fn path_of, void *ctx, unsigned int cap)
{
	struct cgroup_cache *c;
	unsigned int i;

	if (!cap)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->path_of = path_of;
	c->ctx = ctx ? ctx : c;
	c->mount_fd = -1;
	c->cap = cap;
	for (c->nbuckets = 1; c->nbuckets < cap; c->nbuckets <<= 1)
		;
	c->heads = malloc(c->nbuckets * sizeof(*c->heads));
	c->e = calloc(cap, sizeof(*c->e));
	if (!c->heads || !c->e) {
		cgroup_cache_free(c);
		return NULL;
	}
	for (i = 0; i < c->nbuckets; i++)
		c->heads[i] = -1;
	return c;
}

struct cgroup_cache *cgroup_cache_new(const char *cgroup2_mount, unsigned int cap)
{
	struct cgroup_cache *c;

	if (!cgroup2_mount || !cgroup2_mount[0])
		return NULL;
	c = cgroup_cache_new_source(handle_path, NULL, cap);
	if (!c)
		return NULL;
	snprintf(c->mount, sizeof(c->mount), "%s", cgroup2_mount);
	c->mount_len = strlen(c->mount);
	while (c->mount_len > 1 && c->mount[c->mount_len - 1] == '/')
		c->mount[--c->mount_len] = '\0';
	c->mount_fd = open(c->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->mount_fd < 0) {
		p_debug("cgroup attribution off: %s: %s", c->mount, strerror(errno));
		cgroup_cache_free(c);
		return NULL;
	}
	return c;
}

void cgroup_cache_free(struct cgroup_cache *c)
{
	if (!c)
		return;
	if (c->mount_fd >= 0)
		close(c->mount_fd);
	free(c->heads);
	free(c->e);
	free(c);
}

static unsigned int bucket(const struct cgroup_cache *c, __u64 id)
{
	return (unsigned int)((id * 0x9e3779b97f4a7c15ULL) >> 32) & (c->nbuckets - 1);
}

/* The cgroup's path below the mount ("/system.slice/x.service"), or -errno. */
static int handle_path(void *ctx, __u64 id, char *out, size_t len)
{
	struct cgroup_cache *c = ctx;
	struct {
		struct file_handle fh;
		__u64 id;
	} h;
	char link[64], target[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(h.id);
	h.fh.handle_type = FILEID_KERNFS;
	h.id = id;
	fd = open_by_handle_at(c->mount_fd, &h.fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno; /* ESTALE: the cgroup is gone */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	target[n] = '\0';
	if (strncmp(target, c->mount, c->mount_len) ||
	    (target[c->mount_len] && target[c->mount_len] != '/'))
		return -EXDEV; /* not below the mount we opened (another namespace) */
	snprintf(out, len, "%s", target[c->mount_len] ? target + c->mount_len : "/");
	return 0;
}

static struct cc_entry *evict_one(struct cgroup_cache *c)
{
	unsigned int i, victim = 0;
	int *link;

	for (i = 1; i < c->n; i++)
		if (c->e[i].used < c->e[victim].used)
			victim = i;
	for (link = &c->heads[bucket(c, c->e[victim].id)]; *link != -1; link = &c->e[*link].next)
		if (*link == (int)victim) {
			*link = c->e[victim].next;
			break;
		}
	c->st.evictions++;
	return &c->e[victim];
}

void cgroup_cache_lookup(struct cgroup_cache *c, __u64 cgroup_id, struct attribution *a)
{
	char path[PATH_MAX];
	struct cc_entry *e;
	unsigned int b;
	int i, err;

	memset(a, 0, sizeof(*a));
	if (!c || !cgroup_id)
		return;
	c->st.lookups++;
	b = bucket(c, cgroup_id);
	for (i = c->heads[b]; i != -1; i = c->e[i].next)
		if (c->e[i].id == cgroup_id) {
			c->e[i].used = ++c->tick;
			*a = c->e[i].a;
			return;
		}
	c->st.misses++;
	err = c->path_of(c->ctx, cgroup_id, path, sizeof(path));
	if (err) {
		c->st.failures++;
		p_debug("cgroup %llu: no path (%s)", (unsigned long long)cgroup_id, strerror(-err));
		/* gone (ESTALE) stays gone: ids are never reused; anything else may pass */
		if (err != -ESTALE && err != -ENOENT)
			return;
	} else {
		attrib_parse(path, a);
	}
	e = c->n < c->cap ? &c->e[c->n++] : evict_one(c);
	e->id = cgroup_id;
	e->used = ++c->tick;
	e->a = *a;
	e->next = c->heads[b];
	c->heads[b] = (int)(e - c->e);
}

void cgroup_cache_get_stats(const struct cgroup_cache *c, struct cgroup_cache_stats *st)
{
	if (c)
		*st = c->st;
	else
		memset(st, 0, sizeof(*st));
}
