#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The SELinux VM suite: for each lab (AVC_LAB, default every lab in tests/vm/labs, oldest
# first) builds (or reuses) it, runs every scenario of tests/vm/guest in one boot, and counts
# each assertion as a test. Each lab ends with "vm LAB (KERNEL, POLICY): N passed, N failed", the last
# line is the total "vm: N passed, N failed" (tests/run-all.sh parses it). A lab that cannot be
# built, a VM that does not boot or does not finish counts as a failure, with the serial
# console shown by lab.sh: never a skip.
# Usage: [AVC_LAB=NAME] tests/vm/suite.sh [NN...]   (scenario numbers, default all)
# Results: build/vm/results-LAB/. AVC_LAB_JOBS: how many labs boot at once (default: the
# number of cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
SUITE=vm HARNESS_CORE_ONLY=1
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

if [ -n "${AVC_LAB:-}" ]; then
	labs=("$AVC_LAB")
else
	# The Debian labs by default; rhel10 (RHEL 10's targeted policy) runs with AVC_LAB=rhel10
	# until its whole run is green and fits CI's time beside them (issue 19)
	mapfile -t labs < <(tests/vm/lab.sh labs | grep '^debian')
fi
[ ${#labs[@]} -gt 0 ] || { bad "labs" "no lab in tests/vm/labs"; finish; }

# One lab: runs the scenarios, prints its counts and leaves "PASSED FAILED LINE" in $2.
run_lab() {
	local lab=$1 out=$2 results start rc passed failed kernel policy na suffix
	shift 2
	results=build/vm/results-$lab
	rm -rf -- "$results"
	start=$SECONDS
	rc=0
	echo "vm: === lab $lab"
	AVC_LAB=$lab AVC_LAB_RESULTS=$PWD/$results AVC_LAB_TIMEOUT=${AVC_LAB_TIMEOUT:-2400} \
		tests/vm/lab.sh run tests/vm/guest/all.sh "$@" || rc=$?

	passed=0
	failed=0
	if [ -f "$results/results.txt" ]; then
		passed=$(grep -c '^PASS ' "$results/results.txt" || true)
		failed=$(grep -c '^FAIL ' "$results/results.txt" || true)
	fi
	if [ "$rc" -eq 125 ]; then
		echo "vm $lab: the lab VM did not boot or did not finish (serial console above): 1 failure"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		echo "vm $lab: the lab or the scenarios failed (exit $rc) without a failed assertion: 1 failure"
		failed=$((failed + 1))
	fi
	if [ -f "$results/results.txt" ] && [ "$failed" -gt 0 ]; then
		echo
		echo "vm $lab: failed assertions:"
		grep '^FAIL ' "$results/results.txt" | sed 's/^/  /' || true
	fi
	# the kernel the guest itself reported (lab-job: "guest up: kernel RELEASE, ...")
	kernel=$(sed -n 's/^lab: guest up: kernel \([^ ,]*\),.*/\1/p' "$results/output.log" 2>/dev/null |
		head -n 1)
	# and the policy it ran (all.sh: "# SELinux Enforcing, policy NAME, ..."): default on the
	# Debian labs (refpolicy), targeted on rhel10
	policy=$(sed -n 's/^# SELinux [A-Za-z]*, policy \([A-Za-z0-9_-]*\),.*/\1/p' \
		"$results/output.log" 2>/dev/null | head -n 1)
	na=$(grep -c '^N/A ' "$results/results.txt" 2>/dev/null || true)
	suffix=""
	[ "${na:-0}" -gt 0 ] && suffix=", $na not applicable (reasons in the output above)"
	echo "vm $lab: suite took $((SECONDS - start)) s; avcsnoop JSON and logs in $results/"
	printf '%s %s vm %s (%s%s): %s passed, %s failed%s\n' "$passed" "$failed" "$lab" \
		"${kernel:-did not boot}" "${policy:+, $policy}" "$passed" "$failed" "$suffix" >"$out"
}

# The timeout guards against a hung VM only (a wedged kernel is caught at once): one debian13
# run took 1679 s with both labs and other builds sharing 2 cores.
# Each lab's VM is one emulated vCPU: with 2 or more cores the labs run side by side (their
# layers are still built one at a time, under the cache lock), each output line prefixed with
# its lab. AVC_LAB_JOBS=1 runs them one after the other.
jobs=${AVC_LAB_JOBS:-$(nproc)}
case "$jobs" in '' | *[!0-9]* | 0) echo "vm: AVC_LAB_JOBS must be a positive number"; exit 2 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
start=$SECONDS
pids=()
for lab in "${labs[@]}"; do
	if [ "$jobs" -gt 1 ] && [ ${#labs[@]} -gt 1 ]; then
		run_lab "$lab" "$tmp/$lab" "$@" 2>&1 | sed -u "s/^/[$lab] /" &
		pids+=($!)
		# running jobs at most
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
	else
		run_lab "$lab" "$tmp/$lab" "$@"
	fi
done
for p in "${pids[@]}"; do wait "$p" || true; done

total_passed=0
total_failed=0
echo
for lab in "${labs[@]}"; do
	if [ -s "$tmp/$lab" ]; then
		read -r p f line <"$tmp/$lab"
	else
		p=0 f=1 line="vm $lab: no result (the suite died): 1 failure"
	fi
	echo "$line"
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
done
echo "vm: all labs took $((SECONDS - start)) s"
# the labs' assertions, counted by each lab from its results.txt
pass=$total_passed fail=$total_failed
finish
