#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs every test suite, each of which ends with "NAME: N passed, N failed[, N skipped]",
# and prints the total. Under CI (CI=true) a skipped test is a failure: CI must prove it all.
set -u
cd "$(dirname "$0")/.."

suites=(
	"unit build/unit-tests"
)
for s in tests/*/suite.sh; do
	[ -x "$s" ] && suites+=("$(basename "$(dirname "$s")") $s")
done
# The SELinux labs are the slowest (tens of minutes under emulation, one core per VM): they
# start first, in the background (building their layers when nothing is cached), with one VM
# at a time while the quick suites run beside them (one process at a time: each has a core;
# two VMs beside them made both slower than running them in turn), then every core; the
# labs' output is shown after the quick suites have spoken. AVC_LAB_BACKGROUND=0 runs them
# last, in the foreground.
ordered=()
for s in "${suites[@]}"; do [[ $s == vm\ * ]] || ordered+=("$s"); done
for s in "${suites[@]}"; do [[ $s == vm\ * ]] && ordered+=("$s"); done
vm_pid="" vm_log=build/vm/suite.log
if [ "${AVC_LAB_BACKGROUND:-1}" = 1 ] && [[ " ${ordered[*]} " == *" vm "* ]]; then
	mkdir -p build/vm
	echo 1 >build/vm/slots
	AVC_LAB_JOBS_FILE=$PWD/build/vm/slots tests/vm/suite.sh >"$vm_log" 2>&1 &
	vm_pid=$!
	echo "=== suite vm: started in the background ($vm_log); its output follows the quick suites"
fi

tp=0 tf=0 ts=0 bad=()
for s in "${ordered[@]}"; do
	name=${s%% *}
	cmd=${s#* }
	echo "=== suite $name: $cmd"
	log=$(mktemp)
	if [ "$name" = vm ] && [ -n "$vm_pid" ]; then
		rm -f build/vm/slots # the quick suites are done: every slot to the labs
		rc=0
		wait "$vm_pid" || rc=$?
		tee "$log" <"$vm_log"
	else
		$cmd 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	fi
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	if [ -z "$line" ]; then
		echo "=== suite $name: no result line (exit $rc)"
		bad+=("$name(no result)")
		tf=$((tf + 1))
		continue
	fi
	p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	k=0
	[[ $line == *skipped* ]] && k=$(sed -E 's/.* ([0-9]+) skipped.*/\1/' <<<"$line")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + k))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		bad+=("$name(exit $rc)")
		tf=$((tf + 1))
	fi
	[ "$f" -gt 0 ] && bad+=("$name")
done

echo
[ ${#bad[@]} -gt 0 ] && echo "failing suites: ${bad[*]}"
if [ "${CI:-}" = true ] && [ "$ts" -gt 0 ]; then
	echo "CI: $ts skipped test(s) count as failures"
	tf=$((tf + ts))
fi
if [ "$ts" -gt 0 ]; then
	echo "total: $tp passed, $tf failed, $ts skipped"
else
	echo "total: $tp passed, $tf failed"
fi
[ "$tf" -eq 0 ]
