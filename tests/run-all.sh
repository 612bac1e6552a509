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
# The SELinux lab is the slowest: run it last, after the quick suites have spoken.
ordered=()
for s in "${suites[@]}"; do [[ $s == vm\ * ]] || ordered+=("$s"); done
for s in "${suites[@]}"; do [[ $s == vm\ * ]] && ordered+=("$s"); done

# The labs' layers (Debian root filesystems, kernels, images; minutes when nothing is cached) are
# built in the background while the quick suites run: the vm suite then finds them (lab.sh
# waits on the cache lock for a build under way). A build that failed here fails again there,
# shown in full. AVC_LAB_PREBUILD=0 builds them in the vm suite instead.
prebuild_pid=""
if [ "${AVC_LAB_PREBUILD:-1}" = 1 ] && [[ " ${ordered[*]} " == *" vm "* ]] && [ -x tests/vm/suite.sh ]; then
	mkdir -p build/vm
	tests/vm/suite.sh --build >build/vm/prebuild.log 2>&1 &
	prebuild_pid=$!
	echo "=== the labs' layers: building in the background (build/vm/prebuild.log)"
fi

tp=0 tf=0 ts=0 bad=()
# account NAME RC LOG: the suite's result line in LOG added to the totals
account() {
	local name=$1 rc=$2 log=$3 line p f k
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "=== suite $name: no result line (exit $rc)"
		bad+=("$name(no result)")
		tf=$((tf + 1))
		return
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
}

# The second lane: suites that only read files and run avcsnoop's offline commands (no BPF,
# no cgroup, no pin, no make on build/'s shared targets: make test builds those first) run one
# after another beside the others (this machine has two cores, and the quick suites mostly use
# one); their output is shown when the first lane is done. The timing-sensitive suites (host,
# watch) stay in the first lane, watch last. AVC_TEST_LANES=1 runs every suite in one lane.
lane2=" sanitize policy targeted preflight "
[ "${AVC_TEST_LANES:-2}" = 1 ] && lane2=""
logs=$(mktemp -d)
trap 'rm -rf -- "$logs"' EXIT
lane2_pid=""
if [ -n "${lane2// /}" ]; then
	(
		for s in "${ordered[@]}"; do
			name=${s%% *}
			[[ $lane2 == *" $name "* ]] || continue
			started=$SECONDS
			${s#* } >"$logs/$name.log" 2>&1
			echo "$? $((SECONDS - started))" >"$logs/$name.rc"
		done
	) &
	lane2_pid=$!
	echo "=== suites in a second lane, beside the others:$lane2"
fi

# lane2_finish: waits for the second lane, shows and counts its suites
lane2_finish() {
	local l rc took
	[ -n "$lane2_pid" ] || return 0
	wait "$lane2_pid" || true
	lane2_pid=""
	for l in "${ordered[@]}"; do
		l=${l%% *}
		[[ $lane2 == *" $l "* ]] || continue
		rc=125 took=0
		[ -f "$logs/$l.rc" ] && read -r rc took <"$logs/$l.rc"
		echo "=== suite $l (second lane)"
		cat "$logs/$l.log" 2>/dev/null
		echo "=== suite $l: $took s"
		account "$l" "$rc" "$logs/$l.log"
	done
}

for s in "${ordered[@]}"; do
	name=${s%% *}
	cmd=${s#* }
	[[ $lane2 == *" $name "* ]] && continue
	[ "$name" != vm ] || lane2_finish
	if [ "$name" = vm ] && [ -n "$prebuild_pid" ]; then
		rc=0
		wait "$prebuild_pid" || rc=$?
		echo "=== the labs' layers: background build exit $rc (build/vm/prebuild.log, last lines:)"
		tail -n 5 build/vm/prebuild.log | sed 's/^/    /'
	fi
	echo "=== suite $name: $cmd"
	log=$logs/$name.log
	started=$SECONDS
	$cmd 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "=== suite $name: $((SECONDS - started)) s"
	account "$name" "$rc" "$log"
done
lane2_finish

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
