/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Who a connecting task is, from its cgroup v2 path: the systemd unit and, for container
 * runtimes, the container id, the runtime and the Kubernetes pod UID.
 *
 *   /system.slice/nginx.service                               unit nginx.service
 *   /user.slice/user-1000.slice/user@1000.service/app.slice/x.scope
 *                                             unit user@1000.service, user_unit x.scope
 *   /system.slice/docker-<64 hex>.scope                       docker, container <id>
 *   /machine.slice/libpod-<64 hex>.scope                      podman
 *   /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid, '_' for '-'>.slice/
 *       cri-containerd-<64 hex>.scope                         containerd, pod_uid <uid>
 *   .../crio-<64 hex>.scope                                   cri-o
 *   /docker/<64 hex>, /kubepods/burstable/pod<uid>/<64 hex>   the cgroupfs drivers' layout
 *   /user.slice/user-1000.slice/user@1000.service/user.slice/docker-<64 hex>.scope
 *                                                             rootless docker (rootless set)
 *
 * Only where the runtime makes them: a container scope right under system.slice or
 * machine.slice, right below a pod of the kubepods hierarchy, or under a user manager
 * (rootless); the pod UID only from the pod level of kubepods, above the container.
 *
 * A cgroup name is chosen by whoever may create cgroups there (delegated subtrees belong to
 * users and containers): the parser accepts only names of systemd's unit alphabet, container
 * ids of exactly 64 lower-case hex digits and pod UIDs of the 8-4-4-4-12 hex form, takes the
 * outermost match (the one the host's manager or runtime made, not one nested inside a
 * container), and keeps every field bounded. Printers still escape what it returns.
 */
#ifndef AVC_ATTRIB_H
#define AVC_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>

#include "avcsnoop.h"

#define ATTRIB_UNIT_LEN	     128 /* unit names up to 127 bytes; longer ones are not reported */
#define ATTRIB_CONTAINER_LEN 65	 /* 64 hex digits */
#define ATTRIB_POD_UID_LEN   37	 /* 8-4-4-4-12 */
/* the Prometheus container label: "rootless:" + id */
#define ATTRIB_LABEL_LEN (ATTRIB_CONTAINER_LEN + 9)

struct attribution {
	char unit[ATTRIB_UNIT_LEN];	 /* the system manager's unit, "" when none */
	char user_unit[ATTRIB_UNIT_LEN]; /* the unit inside user@UID.service, "" when none */
	char container[ATTRIB_CONTAINER_LEN];
	const char *runtime; /* "docker", "podman", "containerd", "cri-o", "kubernetes"; NULL */
	char pod_uid[ATTRIB_POD_UID_LEN];
	/* the container is a user manager's (user@N.service/.../RUNTIME-<id>.scope): made by a
	 * user, never the same as the system container of that id (labels say "rootless:")
	 */
	bool rootless;
};

/* Parse a cgroup v2 path (relative to the cgroup2 mount, "/..." or "..."). Pure; never fails:
 * what cannot be recognised stays empty.
 */
void attrib_parse(const char *path, struct attribution *a);

/* The Prometheus "container" label: the id, "rootless:<id>" for a user's container. */
void attrib_container_label(const struct attribution *a, char *buf, size_t len);

/* Anything to show? */
static inline bool attrib_present(const struct attribution *a)
{
	return a->unit[0] || a->container[0] || a->pod_uid[0];
}

struct json;
/* The members "unit", "user_unit", "container", "runtime", "pod_uid" that are known (absent
 * when not): the one writer of attribution, for every JSON output that carries one.
 */
void attrib_write_json(struct json *j, const struct attribution *a);
/* Set the member `key` from a value read back (findings files are input too): validated as
 * the parser validates cgroup names. 1 when key is not an attribution member, 0 when set,
 * -EINVAL with the reason in why.
 */
int attrib_set(struct attribution *a, const char *key, const char *val, char *why, size_t len);

/* The watch table's UNIT/CONTAINER cell, unescaped: "nginx.service", or "docker:0123456789ab"
 * (runtime and the first 12 digits) for a container; "-" when nothing is known.
 */
void attrib_short(const struct attribution *a, char *buf, size_t len);

/*
 * cgroup id (bpf_get_current_cgroup_id(), the cgroup directory's kernfs id) -> attribution,
 * through open_by_handle_at() on the cgroup2 mount (the id is the kernfs file handle) and the
 * path of the opened directory. Answers are cached, both found and gone (an id is never
 * reused), in a table of at most `cap` entries: the least recently used is evicted and the
 * evictions are counted.
 */
struct cgroup_cache;

struct cgroup_cache_stats {
	unsigned long long lookups, misses, evictions, failures;
};

/* NULL when cgroup2_mount is "" or cannot be opened (no attribution then). */
struct cgroup_cache *cgroup_cache_new(const char *cgroup2_mount, unsigned int cap);
/* The same cache over another source of paths (tests): path_of fills out with the path below
 * the mount and returns 0, or -ESTALE/-ENOENT for a cgroup that is gone (cached as such), or
 * another -errno (not cached).
 */
typedef int (*cgroup_path_fn)(void *ctx, __u64 cgroup_id, char *out, size_t len);
struct cgroup_cache *cgroup_cache_new_source(cgroup_path_fn path_of, void *ctx, unsigned int cap);
void cgroup_cache_free(struct cgroup_cache *c);
/* Fills *a (empty when the cgroup is gone or unreadable); the cache may be NULL. */
void cgroup_cache_lookup(struct cgroup_cache *c, __u64 cgroup_id, struct attribution *a);
void cgroup_cache_get_stats(const struct cgroup_cache *c, struct cgroup_cache_stats *st);

#endif
