# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The one shell test harness. Its first part, counting and reporting, is sourced by every shell
# suite (tests/*/suite.sh) and by the lab's guest scenarios (tests/vm/guest/lib.sh, which gets a
# copy in the VM); the second part serves the host-side suites (host, watch, files, adversarial,
# deb, alerts, sanitize, policy): the preflight that turns a missing capability into a named
# skip, avcsnoop started in the background until it is attached, and the cgroup program that
# refuses ports 4242/4243.
# Source it after setting SUITE (the name on the closing line) from the repository root; with
# HARNESS_CORE_ONLY=1 only the first part is defined (the lab's guest, which has no build).
# A suite may define suite_cleanup, run by finish before the closing line.

# ---- counting and reporting -----------------------------------------------------------------

pass=0 fail=0 skip=0
# HARNESS_RECORD=FILE: every verdict is also appended to FILE as "PASS|FAIL|SKIP NAME", so a
# caller can count across several scripts (the lab's results.txt, counted by tests/vm/suite.sh).
HARNESS_RECORD=${HARNESS_RECORD:-}
# HARNESS_LABEL=TEXT: names are shown and recorded as "TEXT: NAME" (the lab's scenario).
HARNESS_LABEL=${HARNESS_LABEL:-}
# A command's output under check is kept here and shown only when the check fails.
HARNESS_OUT=$(mktemp "/tmp/avcsnoop-harness.XXXXXX")

harness_record() {
	[ -z "$HARNESS_RECORD" ] || printf '%s %s\n' "$1" "$2" >>"$HARNESS_RECORD"
	return 0
}

ok() {
	local n=${HARNESS_LABEL:+$HARNESS_LABEL: }$1
	pass=$((pass + 1))
	echo "ok   $n"
	harness_record PASS "$n"
}

# bad NAME [DETAIL...]: each DETAIL (what was seen) is shown under it, 20 lines at most.
bad() {
	local d n=${HARNESS_LABEL:+$HARNESS_LABEL: }$1
	fail=$((fail + 1))
	echo "FAIL $n"
	harness_record FAIL "$n"
	shift
	for d in "$@"; do
		[ -z "$d" ] || printf '%s\n' "$d" | head -n 20 | sed 's/^/     /' || true
	done
	return 0
}

skipped() {
	local n=${HARNESS_LABEL:+$HARNESS_LABEL: }$1
	skip=$((skip + 1))
	echo "skip $n: $2"
	harness_record SKIP "$n: $2"
}

# check NAME CMD...: passes when CMD succeeds. CMD runs in this shell (it may set DETAIL or
# other variables); its output is shown only when it fails, after DETAIL if that was set.
check() {
	local name=$1
	shift
	if "$@" >"$HARNESS_OUT" 2>&1; then
		ok "$name"
	else
		bad "$name" "${DETAIL:-}" "$(cat "$HARNESS_OUT")"
	fi
	DETAIL=
	return 0
}

# harness_result: the closing line "SUITE: N passed, N failed, N skipped"; fails when a check
# failed (a skip is not a failure here: tests/run-all.sh makes it one under CI)
harness_result() {
	echo "$SUITE: $pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
}

# finish: the cleanups (the host part's tracer stopped, suite_cleanup, the host part's cgroups and
# files), the closing line, and exit (non-zero when a check failed)
finish() {
	declare -F host_stop >/dev/null && host_stop
	declare -F suite_cleanup >/dev/null && suite_cleanup
	declare -F host_cleanup >/dev/null && host_cleanup
	rm -f "$HARNESS_OUT"
	harness_result
	exit $?
}

[ "${HARNESS_CORE_ONLY:-}" = 1 ] && return 0

# ---- host-side suites -----------------------------------------------------------------------

AVC=./avcsnoop
CONN=build/tests/host/connector
DENY_OBJ=build/tests/host/deny_connect.bpf.o
DENY_BIND_OBJ=build/tests/host/deny_bind.bpf.o
avc_pid= CG= PIN= BPIN=
W=$(mktemp -d "/tmp/avcsnoop-$SUITE.XXXXXX")

# host_stop, host_cleanup (run by finish): the tracer stopped; the test cgroup, pins and W removed
host_stop() {
	[ -n "$avc_pid" ] && kill -INT "$avc_pid" 2>/dev/null && wait "$avc_pid" 2>/dev/null
	return 0
}
host_cleanup() {
	deny_cgroup_remove
	rm -rf "$W"
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
