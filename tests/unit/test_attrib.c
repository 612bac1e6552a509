// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Attribution (user/attrib.c): the cgroup path parser on real layouts and on hostile names
 * (anyone with a delegated subtree names cgroups), the bounded cache, the JSON writer and
 * the findings reader's validation of what it reads back.
 */
#include <errno.h>
#include <stdlib.h>

#include "attrib.h"
#include "finding_set.h"
#include "findings_io.h"
#include "json.h"
#include "test.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID  "1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718"
#define UID_ "1f2e3d4c_5b6a_7980_a1b2_c3d4e5f60718"

TEST(attrib_systemd_units)
{
	struct attribution a;

	attrib_parse("/system.slice/nginx.service", &a);
	CHECK_STR(a.unit, "nginx.service");
	CHECK_STR(a.user_unit, "");
	CHECK_STR(a.container, "");
	CHECK(!a.runtime);
	CHECK(attrib_present(&a));
	/* a unit's own sub-cgroups (nginx's workers in a delegated unit) stay the unit's */
	attrib_parse("/system.slice/nginx.service/worker/x.service", &a);
	CHECK_STR(a.unit, "nginx.service");
	CHECK_STR(a.user_unit, "");
	attrib_parse("/system.slice/system-getty.slice/getty@tty1.service", &a);
	CHECK_STR(a.unit, "getty@tty1.service");
	attrib_parse("/user.slice/user-1000.slice/session-3.scope", &a);
	CHECK_STR(a.unit, "session-3.scope");
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope", &a);
	CHECK_STR(a.unit, "user@1000.service");
	CHECK_STR(a.user_unit, "x.scope");
	attrib_parse("user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome.service",
		     &a);
	CHECK_STR(a.unit, "user@1000.service");
	CHECK_STR(a.user_unit, "app-gnome.service");
	attrib_parse("/init.scope", &a);
	CHECK_STR(a.unit, "init.scope");
	attrib_parse("/", &a);
	CHECK(!attrib_present(&a));
	attrib_parse("", &a);
	CHECK(!attrib_present(&a));
	/* not systemd's: no unit */
	attrib_parse("/avcsnoop-host-123", &a);
	CHECK(!attrib_present(&a));
}

TEST(attrib_container_runtimes)
{
	struct attribution a;

	attrib_parse("/system.slice/docker-" ID64 ".scope", &a);
	CHECK_STR(a.unit, "docker-" ID64 ".scope");
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "docker");
	attrib_parse("/machine.slice/libpod-" ID64 ".scope/container", &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "podman");
	/* conmon's scope is not the container */
	attrib_parse("/machine.slice/libpod-conmon-" ID64 ".scope", &a);
	CHECK_STR(a.container, "");
	CHECK_STR(a.unit, "libpod-conmon-" ID64 ".scope");
	attrib_parse("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
		     ".slice/cri-containerd-" ID64 ".scope",
		     &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "containerd");
	CHECK_STR(a.pod_uid, UID);
	CHECK_STR(a.unit, "cri-containerd-" ID64 ".scope");
	attrib_parse("/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID64 ".scope", &a);
	CHECK_STR(a.runtime, "cri-o");
	CHECK_STR(a.pod_uid, UID);
	attrib_parse("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
		     ".slice",
		     &a);
	CHECK_STR(a.pod_uid, UID);
	CHECK_STR(a.container, "");
	/* the cgroupfs drivers' layout */
	attrib_parse("/docker/" ID64, &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "docker");
	CHECK_STR(a.unit, "");
	attrib_parse("/kubepods/burstable/pod" UID "/" ID64, &a);
	CHECK_STR(a.pod_uid, UID);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "kubernetes");
	/* a bare 64-hex name elsewhere is nobody's container */
	attrib_parse("/system.slice/x.service/" ID64, &a);
	CHECK_STR(a.container, "");
}

TEST(attrib_hostile_names)
{
	struct attribution a;
	char longname[300], path[400];

	/* bytes outside the unit alphabet: not a unit, and nothing below it is one */
	attrib_parse("/system.slice/evil\n.service", &a);
	CHECK(!attrib_present(&a));
	attrib_parse("/system.slice/a b.service/nginx.service", &a);
	CHECK(!attrib_present(&a));
	attrib_parse("/system.slice/\x1b[31mred.service", &a);
	CHECK(!attrib_present(&a));
	attrib_parse("/system.slice/.service", &a);
	CHECK_STR(a.unit, "");
	/* ids: exactly 64 lower-case hex digits */
	attrib_parse("/system.slice/docker-" ID64 "0.scope", &a);
	CHECK_STR(a.container, "");
	attrib_parse("/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef"
		     "0123456789abcdef.scope",
		     &a);
	CHECK_STR(a.container, "");
	attrib_parse("/system.slice/docker-g123456789abcdef0123456789abcdef0123456789abcdef"
		     "0123456789abcdef.scope",
		     &a);
	CHECK_STR(a.container, "");
	attrib_parse("/docker/" ID64 "\n", &a);
	CHECK_STR(a.container, "");
	/* pod UIDs: 8-4-4-4-12 hex, '_' for '-' in a slice name */
	attrib_parse("/kubepods.slice/kubepods-pod1f2e3d4c_5b6a_7980_a1b2_c3d4e5f6071.slice", &a);
	CHECK_STR(a.pod_uid, "");
	attrib_parse("/kubepods.slice/kubepods-pod" UID ".slice", &a);
	CHECK_STR(a.pod_uid, "");
	attrib_parse("/kubepods.slice/xkubepods-pod" UID_ ".slice", &a);
	CHECK_STR(a.pod_uid, "");
	/* the outermost container wins: a name made inside a container cannot replace it */
	attrib_parse("/system.slice/docker-" ID64 ".scope/system.slice/docker-"
		     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.scope",
		     &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.unit, "docker-" ID64 ".scope");
	/* a delegated user manager's subtree names only the user unit */
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/evil\x01.service", &a);
	CHECK_STR(a.unit, "user@1000.service");
	CHECK_STR(a.user_unit, "");
	attrib_parse("/user.slice/user-1000.slice/user@1000x.service/x.scope", &a);
	CHECK_STR(a.unit, "user@1000x.service");
	CHECK_STR(a.user_unit, "");
	/* bounded: a valid but long unit name is not kept (nor cut), a longer component ends
	 * the parse
	 */
	memset(longname, 'a', sizeof(longname));
	snprintf(path, sizeof(path), "/system.slice/%.*s.service", ATTRIB_UNIT_LEN, longname);
	attrib_parse(path, &a);
	CHECK_STR(a.unit, "");
	snprintf(path, sizeof(path), "/%.*s/docker/" ID64, 256, longname);
	attrib_parse(path, &a);
	CHECK(!attrib_present(&a));
	snprintf(path, sizeof(path), "/system.slice/%.*s.service", ATTRIB_UNIT_LEN - 9, longname);
	attrib_parse(path, &a);
	CHECK_INT(strlen(a.unit), ATTRIB_UNIT_LEN - 1);
}

TEST(attrib_short_cell)
{
	struct attribution a;
	char buf[ATTRIB_UNIT_LEN];

	attrib_parse("/system.slice/docker-" ID64 ".scope", &a);
	attrib_short(&a, buf, sizeof(buf));
	CHECK_STR(buf, "docker:0123456789ab");
	attrib_parse("/system.slice/nginx.service", &a);
	attrib_short(&a, buf, sizeof(buf));
	CHECK_STR(buf, "nginx.service");
	attrib_parse("/", &a);
	attrib_short(&a, buf, sizeof(buf));
	CHECK_STR(buf, "-");
}

/* a fake cgroup tree: id N is "/system.slice/uN.service", ids >= 1000 are gone, 999 fails */
static int fake_calls;
static int fake_path(void *ctx, __u64 id, char *out, size_t len)
{
	fake_calls++;
	if (id == 999)
		return -EMFILE;
	if (id >= 1000)
		return -ESTALE;
	snprintf(out, len, "/system.slice/u%llu.service", (unsigned long long)id);
	return 0;
}

TEST(attrib_cache_bounded_lru)
{
	struct cgroup_cache *c = cgroup_cache_new_source(fake_path, NULL, 4);
	struct cgroup_cache_stats st;
	struct attribution a;
	__u64 id;

	CHECK(c);
	fake_calls = 0;
	for (id = 1; id <= 4; id++)
		cgroup_cache_lookup(c, id, &a);
	CHECK_STR(a.unit, "u4.service");
	cgroup_cache_lookup(c, 1, &a); /* a hit: 1 is now the most recent */
	CHECK_STR(a.unit, "u1.service");
	CHECK_INT(fake_calls, 4);
	cgroup_cache_lookup(c, 5, &a); /* full: evicts 2, the least recently used */
	CHECK_INT(fake_calls, 5);
	cgroup_cache_lookup(c, 1, &a);
	cgroup_cache_lookup(c, 3, &a);
	cgroup_cache_lookup(c, 4, &a);
	CHECK_INT(fake_calls, 5);
	cgroup_cache_lookup(c, 2, &a); /* evicted: asked again */
	CHECK_STR(a.unit, "u2.service");
	CHECK_INT(fake_calls, 6);
	/* gone: remembered as gone; another error: asked again next time */
	cgroup_cache_lookup(c, 1000, &a);
	CHECK(!attrib_present(&a));
	cgroup_cache_lookup(c, 1000, &a);
	CHECK_INT(fake_calls, 7);
	cgroup_cache_lookup(c, 999, &a);
	cgroup_cache_lookup(c, 999, &a);
	CHECK_INT(fake_calls, 9);
	cgroup_cache_get_stats(c, &st);
	CHECK_INT(st.evictions, 3); /* 5, 2 and 1000 each took a slot from a full table */
	CHECK_INT(st.failures, 3);
	CHECK_INT(st.lookups, 14);
	/* many more ids than slots: memory stays at 4 entries, every eviction counted */
	for (id = 10; id < 510; id++)
		cgroup_cache_lookup(c, id, &a);
	cgroup_cache_get_stats(c, &st);
	CHECK_INT(st.evictions, 503);
	cgroup_cache_free(c);
	cgroup_cache_lookup(NULL, 1, &a); /* no cgroup2 mount: nothing, no crash */
	CHECK(!attrib_present(&a));
}

TEST(attrib_findings_round_trip_and_validation)
{
	struct finding f = { 0 }, back;
	char *buf = NULL, err[256], line[1024];
	size_t len = 0;
	struct json j;
	FILE *out;

	snprintf(f.comm, sizeof(f.comm), "nginx");
	f.pid = 42;
	f.family = AVC_AF_INET;
	snprintf(f.daddr, sizeof(f.daddr), "127.0.0.1");
	f.dport = 3000;
	f.verdict = VERDICT_REFUSED;
	f.err = 111;
	attrib_parse("/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID64 ".scope", &f.attrib);
	finding_normalize(&f);
	out = open_memstream(&buf, &len);
	json_init(&j, out);
	finding_write_json(&j, &f);
	fclose(out);
	CHECK_CONTAINS(buf, "\"unit\":\"crio-" ID64 ".scope\",\"container\":\"" ID64
			    "\",\"runtime\":\"cri-o\",\"pod_uid\":\"" UID "\"");
	/* the process list carries it too */
	CHECK_CONTAINS(buf, "\"processes\":[{\"comm\":\"nginx\",\"pid\":42,\"unit\":\"crio-");
	CHECK_INT(finding_read_json(buf, strlen(buf) - 1, &back, err, sizeof(err)),
		  FINDING_READ_OK);
	CHECK_STR(back.attrib.container, ID64);
	CHECK_STR(back.attrib.runtime, "cri-o");
	CHECK_STR(back.attrib.pod_uid, UID);
	CHECK_STR(back.procs[0].attrib.unit, "crio-" ID64 ".scope");
	free(buf);
	/* what a file claims is checked as a cgroup name would be */
	snprintf(line, sizeof(line),
		 "{\"type\":\"finding\",\"verdict\":\"refused\","
		 "\"container\":\"../etc\"}");
	CHECK_INT(finding_read_json(line, strlen(line), &back, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "\"container\" is not 64 lower-case hex digits");
	snprintf(line, sizeof(line),
		 "{\"type\":\"finding\",\"verdict\":\"refused\",\"unit\":\"a\\nb.service\"}");
	CHECK_INT(finding_read_json(line, strlen(line), &back, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "\"unit\" is not a unit name");
	snprintf(line, sizeof(line),
		 "{\"type\":\"finding\",\"verdict\":\"refused\",\"runtime\":\"lxc\"}");
	CHECK_INT(finding_read_json(line, strlen(line), &back, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "\"runtime\" is not docker");
	snprintf(line, sizeof(line),
		 "{\"type\":\"finding\",\"verdict\":\"refused\",\"processes\":[{\"comm\":\"x\","
		 "\"pid\":1,\"pod_uid\":\"" UID_ "\"}]}");
	CHECK_INT(finding_read_json(line, strlen(line), &back, err, sizeof(err)), -EINVAL);
	CHECK_CONTAINS(err, "\"pod_uid\" is not a UID");
}

/* issue 23: a container only where its runtime makes one; a user's is rootless */
TEST(attrib_containers_only_where_runtimes_make_them)
{
	struct attribution a, sys;
	char label[ATTRIB_LABEL_LEN], cell[ATTRIB_UNIT_LEN];

	/* a user's own cgroup named like docker's: rootless, never the system container */
	attrib_parse("/system.slice/docker-" ID64 ".scope", &sys);
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" ID64
		     ".scope",
		     &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.runtime, "docker");
	CHECK(a.rootless);
	CHECK(!sys.rootless);
	CHECK_STR(a.unit, "user@1000.service");
	CHECK_STR(a.user_unit, "docker-" ID64 ".scope");
	attrib_container_label(&a, label, sizeof(label));
	CHECK_STR(label, "rootless:" ID64);
	attrib_container_label(&sys, label, sizeof(label));
	CHECK_STR(label, ID64);
	attrib_short(&a, cell, sizeof(cell));
	CHECK_STR(cell, "rootless:docker:0123456789ab");
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/app.slice/libpod-" ID64
		     ".scope",
		     &a);
	CHECK_STR(a.runtime, "podman");
	CHECK(a.rootless);
	/* a scope inside a user's service, or beside the manager: nobody's container */
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/x.service/docker-" ID64
		     ".scope",
		     &a);
	CHECK_STR(a.container, "");
	attrib_parse("/user.slice/user-1000.slice/docker-" ID64 ".scope", &a);
	CHECK_STR(a.container, "");
	CHECK(!a.rootless);
	/* a service's delegated subtree cannot make a container: neither driver's form */
	attrib_parse("/system.slice/myapp.service/docker/" ID64, &a);
	CHECK_STR(a.container, "");
	CHECK_STR(a.unit, "myapp.service");
	attrib_parse("/system.slice/myapp.service/docker-" ID64 ".scope", &a);
	CHECK_STR(a.container, "");
	attrib_parse("/x/docker/" ID64, &a);
	CHECK_STR(a.container, "");
	attrib_parse("/system.slice/sub.slice/docker-" ID64 ".scope", &a);
	CHECK_STR(a.container, "");
	/* kubepods only from the root; the container right below its pod */
	attrib_parse("/system.slice/x.service/kubepods.slice/kubepods-pod" UID_
		     ".slice/cri-containerd-" ID64 ".scope",
		     &a);
	CHECK_STR(a.container, "");
	CHECK_STR(a.pod_uid, "");
	attrib_parse("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
		     ".slice/sub.slice/cri-containerd-" ID64 ".scope",
		     &a);
	CHECK_STR(a.container, "");
	CHECK_STR(a.pod_uid, UID);
	attrib_parse("/kubepods.slice/x.slice/y.slice/kubepods-pod" UID_ ".slice", &a);
	CHECK_STR(a.pod_uid, "");
	attrib_parse("/kubepods/burstable/pod" UID "/x/" ID64, &a);
	CHECK_STR(a.container, "");
	/* the pod UID from above a container only, never from below one */
	attrib_parse("/system.slice/docker-" ID64 ".scope/kubepods.slice/kubepods-pod" UID_
		     ".slice",
		     &a);
	CHECK_STR(a.container, ID64);
	CHECK_STR(a.pod_uid, "");
	attrib_parse("/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID64
		     ".scope/kubepods-pod00000000_0000_0000_0000_000000000000.slice",
		     &a);
	CHECK_STR(a.pod_uid, UID);
	attrib_parse("/kubepods/pod" UID "/" ID64 "/pod00000000-0000-0000-0000-000000000000", &a);
	CHECK_STR(a.pod_uid, UID);
	CHECK_STR(a.runtime, "kubernetes");
	CHECK(!a.rootless);
}

TEST(attrib_rootless_round_trip)
{
	struct finding f = { 0 }, back;
	char *buf = NULL, err[256];
	size_t len = 0;
	struct json j;
	FILE *out;

	snprintf(f.comm, sizeof(f.comm), "nginx");
	f.family = AVC_AF_INET;
	snprintf(f.daddr, sizeof(f.daddr), "127.0.0.1");
	f.dport = 3000;
	f.verdict = VERDICT_REFUSED;
	f.err = 111;
	attrib_parse("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" ID64
		     ".scope",
		     &f.attrib);
	finding_normalize(&f);
	out = open_memstream(&buf, &len);
	json_init(&j, out);
	finding_write_json(&j, &f);
	fclose(out);
	CHECK_CONTAINS(buf, "\"runtime\":\"docker\",\"rootless\":true");
	CHECK_INT(finding_read_json(buf, strlen(buf) - 1, &back, err, sizeof(err)),
		  FINDING_READ_OK);
	CHECK(back.attrib.rootless);
	CHECK_STR(back.attrib.container, ID64);
	free(buf);
}
