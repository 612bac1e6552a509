#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The SELinux VM suite: builds (or reuses) the lab, runs every scenario of tests/vm/guest in one
# boot, and counts each assertion as a test. The last line is "vm: N passed, N failed"
# (tests/run-all.sh parses it). A lab that cannot be built, a VM that does not boot or does not
# finish counts as a failure, with the serial console shown by lab.sh: never a skip.
# Usage: tests/vm/suite.sh [NN...]   (scenario numbers, default all)
set -euo pipefail
cd "$(dirname "$0")/../.."

results=build/vm/results
rm -rf -- "$results"
start=$SECONDS
rc=0
tests/vm/lab.sh run tests/vm/guest/all.sh "$@" || rc=$?

passed=0
failed=0
if [ -f "$results/results.txt" ]; then
	passed=$(grep -c '^PASS ' "$results/results.txt" || true)
	failed=$(grep -c '^FAIL ' "$results/results.txt" || true)
fi
if [ "$rc" -eq 125 ]; then
	echo "vm: the lab VM did not boot or did not finish (serial console above): 1 failure"
	failed=$((failed + 1))
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "vm: the lab or the scenarios failed (exit $rc) without a failed assertion: 1 failure"
	failed=$((failed + 1))
fi
if [ -f "$results/results.txt" ] && [ "$failed" -gt 0 ]; then
	echo
	echo "vm: failed assertions:"
	grep '^FAIL ' "$results/results.txt" | sed 's/^/  /' || true
fi
echo "vm: suite took $((SECONDS - start)) s; avcsnoop JSON and logs in $results/"
echo "vm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
