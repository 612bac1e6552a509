# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared by the host-side suites (host, watch, files, adversarial, deb, alerts): counting and
# reporting, the preflight that turns a missing capability into a named skip, avcsnoop started
# in the background until it is attached, and the cgroup program that refuses ports 4242/4243.
# Source it after setting SUITE (the name on the closing line) from the repository root.
# A suite may define suite_cleanup, run by finish before the closing line.

AVC=./avcsnoop
CONN=build/tests/host/connector
DENY_OBJ=build/tests/host/deny_connect.bpf.o
DENY_BIND_OBJ=build/tests/host/deny_bind.bpf.o
pass=0 fail=0 skip=0
avc_pid= CG= PIN= BPIN=
W=$(mktemp -d "/tmp/avcsnoop-$SUITE.XXXXXX")

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "     $l"; done; }
skipped() { skip=$((skip + 1)); echo "skip $1: $2"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name" "${DETAIL:-}"; fi; DETAIL=; }

# finish: clean up and print the closing line "SUITE: N passed, N failed, N skipped"
finish() {
	[ -n "$avc_pid" ] && kill -INT "$avc_pid" 2>/dev/null && wait "$avc_pid" 2>/dev/null
	declare -F suite_cleanup >/dev/null && suite_cleanup
	deny_cgroup_remove
	rm -rf "$W"
	echo "$SUITE: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit $?
}

# preflight: root, BTF and the built artefacts; anything missing ends the suite, named
preflight() {
	if [ "$(id -u)" -ne 0 ]; then
		skipped "all $SUITE tests" "not root (loading BPF needs CAP_BPF/CAP_SYS_ADMIN)"
		finish
	fi
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		skipped "all $SUITE tests" "no kernel BTF at /sys/kernel/btf/vmlinux"
		finish
	fi
	local f
	for f in "$AVC" "$CONN" "$DENY_OBJ" "$DENY_BIND_OBJ"; do
		[ -e "$f" ] || { bad "build" "$f is missing (run make test)"; finish; }
	done
}

# start_avc OUT ARGS...: avcsnoop ARGS in the background (stdout OUT, stderr OUT.err), until
# it says it is attached (or reuses pinned state)
start_avc() {
	local out=$1
	shift
	"$AVC" "$@" >"$out" 2>"$out.err" &
	avc_pid=$!
	for _ in $(seq 100); do
		grep -qE '^avcsnoop: (have:|reusing)' "$out.err" 2>/dev/null && return 0
		kill -0 "$avc_pid" 2>/dev/null || break
		sleep 0.1
	done
	bad "avcsnoop starts ($*)" "$(cat "$out.err")"
	kill -KILL "$avc_pid" 2>/dev/null # never leave a tracer behind
	avc_pid=
	return 1
}

# stop_avc: SIGINT, wait; returns avcsnoop's exit status
stop_avc() {
	[ -n "$avc_pid" ] || return 0
	kill -INT "$avc_pid"
	wait "$avc_pid"
	local rc=$?
	avc_pid=
	return $rc
}

# deny_cgroup_create: a child cgroup (path in CG) whose connect4 program refuses port 4242
# with EACCES and 4243 with EPERM. Returns 1 when there is no cgroup v2 mount.
deny_cgroup_create() {
	local cg2
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$cg2" ] || return 1
	CG=$cg2/avcsnoop-$SUITE-$$
	PIN=/sys/fs/bpf/avcsnoop-$SUITE-deny-$$
	mkdir -p "$CG"
	bpftool prog load "$DENY_OBJ" "$PIN" type cgroup/connect4 &&
		bpftool cgroup attach "$CG" connect4 pinned "$PIN" multi
}

# deny_bind_cgroup_create: the same for bind4 and bind6 (tests/host/deny_bind.bpf.c), in the
# child cgroup CG (deny_cgroup_create's, or a new one). Returns 1 without cgroup v2.
deny_bind_cgroup_create() {
	local cg2
	cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$cg2" ] || return 1
	CG=${CG:-$cg2/avcsnoop-$SUITE-$$}
	BPIN=/sys/fs/bpf/avcsnoop-$SUITE-denybind-$$
	mkdir -p "$CG"
	bpftool prog loadall "$DENY_BIND_OBJ" "$BPIN" &&
		bpftool cgroup attach "$CG" bind4 pinned "$BPIN/deny_bind4" multi &&
		bpftool cgroup attach "$CG" bind6 pinned "$BPIN/deny_bind6" multi
}

deny_cgroup_remove() {
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		[ -n "$PIN" ] && bpftool cgroup detach "$CG" connect4 pinned "$PIN" 2>/dev/null
		if [ -n "${BPIN:-}" ]; then
			bpftool cgroup detach "$CG" bind4 pinned "$BPIN/deny_bind4" 2>/dev/null
			bpftool cgroup detach "$CG" bind6 pinned "$BPIN/deny_bind6" 2>/dev/null
		fi
		rmdir "$CG" 2>/dev/null
	fi
	[ -n "$PIN" ] && rm -f "$PIN"
	[ -n "${BPIN:-}" ] && rm -rf "$BPIN"
	CG= PIN= BPIN=
}
