#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench: connect() storms to a closed loopback port (and to a listener), throughput with
# avcsnoop attached vs no tracing, measured side by side in one run. Rounds interleave the
# configurations (A B B A ...) so drift on a noisy machine hits them alike; the figure is the
# ratio of medians. A benchmark, not a test: it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
AVC=./avcsnoop
CONN=build/tests/host/connector
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECONDS:-2}
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
W=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$W"' EXIT

# storm TARGET-MODE: prints connects/s
storm() {
	case $1 in
	closed) $CONN --comm avc-bench --closed --seconds "$SECS" tcp4:127.0.0.1:0 ;;
	listen) $CONN --comm avc-bench --listen --seconds "$SECS" tcp4:127.0.0.1:0 ;;
	esac | sed -n 's/^rate //p'
}

# with CONFIG: start the tracer configuration, wait until attached
start_cfg() {
	case $1 in
	none) return 0 ;;
	trace) "$AVC" trace --all >/dev/null 2>"$W/err" & ;;
	trace-json) "$AVC" trace --all -j >/dev/null 2>"$W/err" & ;;
	esac
	TPID=$!
	for _ in $(seq 100); do
		grep -q 'have:' "$W/err" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "bench: $1 did not start: $(cat "$W/err")" >&2
	exit 1
}
stop_cfg() {
	[ "$1" = none ] && return 0
	kill -INT "$TPID" && wait "$TPID" || true
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

CONFIGS=${BENCH_CONFIGS:-"none trace trace-json"}
for target in closed listen; do
	for r in $(seq "$ROUNDS"); do
		order=$CONFIGS
		# reverse the order every other round
		[ $((r % 2)) -eq 0 ] && order=$(tr ' ' '\n' <<<"$CONFIGS" | tac | tr '\n' ' ')
		for c in $order; do
			start_cfg "$c"
			storm "$target" >>"$W/$target-$c"
			stop_cfg "$c"
		done
	done
done

printf '\nconnect() storm, %s rounds x %ss, %s cores, kernel %s\n' "$ROUNDS" "$SECS" "$(nproc)" "$(uname -r)"
printf '%-12s %-12s %14s %8s\n' target config "connects/s" ratio
for target in closed listen; do
	base=$(median <"$W/$target-none")
	for c in $CONFIGS; do
		m=$(median <"$W/$target-$c")
		printf '%-12s %-12s %14.0f %8.3f\n' "$target" "$c" "$m" "$(echo "$m / $base" | bc -l)"
	done
done
