#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs the scenarios in one boot, in order (NN-*.sh), or those named: all.sh [10 40 ...].
# Order matters only for speed: each scenario restores the booleans and enforcing mode it
# changed, and the permissive one reloads the policy to start from a fresh AVC.
set -uo pipefail
cd "$(dirname "$0")"
LAB_OUT=${LAB_OUT:-/mnt/host/out}
mkdir -p "$LAB_OUT"
: >"$LAB_OUT/results.txt"
scripts=()
if [ $# -eq 0 ]; then
	scripts=([0-9][0-9]-*.sh)
else
	for n in "$@"; do
		m=("$n"-*.sh)
		[ -f "${m[0]}" ] || { echo "all.sh: no scenario $n-*.sh"; exit 2; }
		scripts+=("${m[0]}")
	done
fi
echo "# SELinux $(getenforce), policy $(sestatus | awk -F: '/Loaded policy name/ {gsub(/ /,"",$2); print $2}'), avcsnoop: $(command -v avcsnoop || echo missing)"
for s in "${scripts[@]}"; do
	start=$SECONDS
	fails_before=$(grep -c '^FAIL ' "$LAB_OUT/results.txt")
	bash "$s"
	rc=$?
	echo "# $s: exit $rc, $((SECONDS - start)) s"
	# A scenario that died before reporting a failure of its own (errexit, a crash) must not
	# pass silently: what it did not get to assert is a failure.
	if [ "$rc" -ne 0 ] && [ "$(grep -c '^FAIL ' "$LAB_OUT/results.txt")" -eq "$fails_before" ]; then
		echo "FAIL $s: exited $rc before finishing its assertions" | tee -a "$LAB_OUT/results.txt"
	fi
done
passed=$(grep -c '^PASS ' "$LAB_OUT/results.txt")
failed=$(grep -c '^FAIL ' "$LAB_OUT/results.txt")
echo
echo "all scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
