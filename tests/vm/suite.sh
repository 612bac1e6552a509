#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The SELinux VM suite: for each lab (AVC_LAB, default every lab in tests/vm/labs, oldest
# first) builds (or reuses) it, runs every scenario of tests/vm/guest, and counts each
# assertion as a test. Each lab ends with "vm LAB (KERNEL, POLICY): N passed, N failed", the last
# line is the total "vm: N passed, N failed" (tests/run-all.sh parses it). A lab that cannot be
# built, a VM that does not boot or does not finish counts as a failure, with the serial
# console shown by lab.sh: never a skip.
# Usage: [AVC_LAB=NAME] tests/vm/suite.sh [NN...]   (scenario numbers, default all)
#        tests/vm/suite.sh --build                 (only build every lab's layers)
# Results: build/vm/results-LAB/ (one folder per part, results.txt and output.log of the whole
# lab beside them).
#
# Time: the labs run under emulation (one vCPU each, TCG) and take most of make test. Each lab
# is cut into parts at the scenario numbers of AVC_LAB_SPLIT (default "89 96": 05-88, 89-95,
# 96-99), each part one boot of its own (a boot is ~20 s), and the parts of every lab go through
# AVC_LAB_JOBS slots at once (default: the number of cores + 1), longest first: three labs on
# two cores end together instead of one lab running alone at the end. A scenario restores what it
# changes, so a part starts from the image as the whole run would. With scenario numbers given,
# each lab is one part. AVC_LAB_SPLIT="" runs each lab in one boot.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUITE=vm HARNESS_CORE_ONLY=1
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

if [ -n "${AVC_LAB:-}" ]; then
	labs=("$AVC_LAB")
else
	mapfile -t labs < <(tests/vm/lab.sh labs)
fi
[ ${#labs[@]} -gt 0 ] || { bad "labs" "no lab in tests/vm/labs"; finish; }

if [ "${1:-}" = --build ]; then
	# every lab's layers, one after the other (lab.sh holds the cache lock while it builds)
	rc=0
	for lab in "${labs[@]}"; do
		AVC_LAB=$lab tests/vm/lab.sh build || rc=$?
	done
	exit "$rc"
fi

# One VM more than the cores: a lab VM under TCG idles ~20% of its time (the guest waits on
# sleeps, timers, nginx; measured: 0.76-0.81 CPU-seconds per second with two VMs on two cores),
# and the third uses it.
jobs=${AVC_LAB_JOBS:-$(($(nproc) + 1))}
case "$jobs" in '' | *[!0-9]* | 0) echo "vm: AVC_LAB_JOBS must be a positive number"; exit 2 ;; esac
split=${AVC_LAB_SPLIT-89 96}
for b in $split; do
	case "$b" in [0-9][0-9]) ;; *) echo "vm: AVC_LAB_SPLIT holds scenario numbers (NN), not '$b'"; exit 2 ;; esac
done

# The parts: each a list of scenario numbers (all.sh's arguments), from the scenario files.
parts=()
if [ $# -gt 0 ]; then
	parts=("$*")
else
	all=()
	for f in tests/vm/guest/[0-9][0-9]-*.sh; do
		f=${f##*/}
		all+=("${f:0:2}")
	done
	[ ${#all[@]} -gt 0 ] || { bad "scenarios" "no tests/vm/guest/NN-*.sh"; finish; }
	cur=""
	read -ra bounds <<<"$split"
	bi=0
	for n in "${all[@]}"; do
		while [ "$bi" -lt ${#bounds[@]} ] && [ "$((10#$n))" -ge "$((10#${bounds[bi]}))" ]; do
			[ -z "$cur" ] || parts+=("${cur# }")
			cur=""
			bi=$((bi + 1))
		done
		cur+=" $n"
	done
	[ -z "$cur" ] || parts+=("${cur# }")
fi

# One part of one lab: boots, runs its scenarios; its results in build/vm/results-LAB/pK.
run_part() {
	local lab=$1 k=$2 scen=$3 results rc start
	results=build/vm/results-$lab/p$k
	rm -rf -- "$results"
	mkdir -p "$results"
	start=$SECONDS
	rc=0
	echo "vm: === lab $lab, part $k: scenarios $scen"
	# shellcheck disable=SC2086 # the scenario numbers are words
	AVC_LAB=$lab AVC_LAB_RESULTS=$PWD/$results AVC_LAB_TIMEOUT=${AVC_LAB_TIMEOUT:-2400} \
		tests/vm/lab.sh run tests/vm/guest/all.sh $scen || rc=$?
	echo "$rc $((SECONDS - start))" >"$results/exit"
	echo "vm: lab $lab part $k took $((SECONDS - start)) s (exit $rc)"
}

# One lab's line from its parts: prints it, leaves "PASSED FAILED LINE" in $2.
lab_result() {
	local lab=$1 out=$2 dir passed=0 failed=0 k rc took kernel policy na suffix secs=0 p
	dir=build/vm/results-$lab
	: >"$dir/results.txt"
	: >"$dir/output.log"
	for ((k = 1; k <= ${#parts[@]}; k++)); do
		p=$dir/p$k
		cat "$p/results.txt" >>"$dir/results.txt" 2>/dev/null || true
		cat "$p/output.log" >>"$dir/output.log" 2>/dev/null || true
		rc=125 took=0
		[ -f "$p/exit" ] && read -r rc took <"$p/exit"
		secs=$((secs + took))
		if [ "$rc" -eq 125 ]; then
			echo "vm $lab: part $k (${parts[k - 1]}): the lab VM did not boot or did not finish (serial console above): 1 failure"
			failed=$((failed + 1))
		elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$p/results.txt" 2>/dev/null; then
			echo "vm $lab: part $k (${parts[k - 1]}): the lab or the scenarios failed (exit $rc) without a failed assertion: 1 failure"
			failed=$((failed + 1))
		fi
	done
	passed=$(grep -c '^PASS ' "$dir/results.txt" || true)
	failed=$((failed + $(grep -c '^FAIL ' "$dir/results.txt" || true)))
	if [ "$failed" -gt 0 ]; then
		echo
		echo "vm $lab: failed assertions:"
		grep '^FAIL ' "$dir/results.txt" | sed 's/^/  /' || true
	fi
	# the kernel the guest itself reported (lab-job: "guest up: kernel RELEASE, ...")
	kernel=$(sed -n 's/^lab: guest up: kernel \([^ ,]*\),.*/\1/p' "$dir/output.log" | head -n 1)
	# and the policy it ran (all.sh: "# SELinux Enforcing, policy NAME, ..."): default on the
	# Debian labs (refpolicy), targeted on rhel10
	policy=$(sed -n 's/^# SELinux [A-Za-z]*, policy \([A-Za-z0-9_-]*\),.*/\1/p' \
		"$dir/output.log" | head -n 1)
	na=$(grep -c '^N/A ' "$dir/results.txt" || true)
	suffix=""
	[ "${na:-0}" -gt 0 ] && suffix=", $na not applicable (reasons in the output above)"
	echo "vm $lab: ${#parts[@]} part(s), $secs VM-seconds; avcsnoop JSON and logs in $dir/p*/"
	printf '%s %s vm %s (%s%s): %s passed, %s failed%s\n' "$passed" "$failed" "$lab" \
		"${kernel:-did not boot}" "${policy:+, $policy}" "$passed" "$failed" "$suffix" >"$out"
}

# The queue: the middle parts of every lab, then the last, then the first (the measured order
# of their lengths: 89-95 holds 95's module installs and removals, 96-99 the hostile socket and
# preflight's fixes, 05-88 is the shortest), the newest lab first (rhel10's policy is the
# slowest to rebuild): the shortest parts come last, when a slot may be idle.
order=()
nparts=${#parts[@]}
ks=()
for ((k = 2; k < nparts; k++)); do ks+=("$k"); done
[ "$nparts" -lt 2 ] || ks+=("$nparts")
ks+=(1)
for k in "${ks[@]}"; do
	for ((i = ${#labs[@]} - 1; i >= 0; i--)); do order+=("${labs[i]} $k"); done
done

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
start=$SECONDS
pids=()
for job in "${order[@]}"; do
	read -r lab k <<<"$job"
	if [ "$jobs" -gt 1 ] && [ ${#order[@]} -gt 1 ]; then
		run_part "$lab" "$k" "${parts[k - 1]}" 2>&1 | sed -u "s/^/[$lab.$k] /" &
		pids+=($!)
		# running jobs at most
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
	else
		run_part "$lab" "$k" "${parts[k - 1]}"
	fi
done
for p in "${pids[@]}"; do wait "$p" || true; done

total_passed=0
total_failed=0
echo
for lab in "${labs[@]}"; do
	lab_result "$lab" "$tmp/$lab"
done
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
