#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench: connect() storms to a closed loopback port and to a listener, throughput with a
# tracer attached vs no tracing, measured side by side in one run. Rounds interleave the
# configurations (A B C ... C B A) so drift on a noisy machine hits them alike; the figure is
# the ratio of medians. A benchmark, not a test: it asserts nothing.
#
# Configurations (BENCH_CONFIGS to choose):
#   none           no tracing
#   watch          avcsnoop watch -c avc-bench (in-kernel counters)
#   watch-nomatch  avcsnoop watch -c nomatch: the cost to processes avcsnoop does not trace
#   trace          avcsnoop trace -c avc-bench (ring buffer, no wakeup per event)
#   trace-json     the same with JSON output
#   bpftrace       bpftrace counting connects by comm (Debian's bpftrace; skipped if missing)
#   audit          an audit rule on connect (auditctl -S connect; skipped if auditd can't run)
# Then: time from start to the first counted event, watch's RSS (VmHWM), kernel map memory.
# Then the policy's cost engine on refpolicy, first call vs cached (build/bench-policy,
# tests/bench/policy_cost.c; BENCH_POLICY=0 leaves it out).
# Last, tests/bench/recommend.sh: `avcsnoop recommend` on 10k to 1M-line audit logs, to see
# whether reading scales linearly (BENCH_RECOMMEND=0 leaves it out; its own knobs are there).
# Then tests/bench/policies.sh: recommend and preflight on refpolicy vs the RHEL targeted
# policies, side by side (BENCH_POLICY=0 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/../.."
AVC=./avcsnoop
CONN=build/tests/host/connector
ROUNDS=${BENCH_ROUNDS:-6}
SECS=${BENCH_SECONDS:-1}
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
if pgrep -f '^qemu-system' >/dev/null; then
	echo "bench: the lab VM (qemu) is running: its load would distort the figures" >&2
	[ "${BENCH_FORCE:-}" = 1 ] || exit 1
fi
W=$(mktemp -d)
AUDIT_STARTED=
cleanup() {
	kill $(jobs -p) 2>/dev/null || true
	auditctl -d always,exit -F arch=b64 -S connect -k avcsnoop-bench >/dev/null 2>&1 || true
	[ -n "$AUDIT_STARTED" ] && { auditctl -e 0 >/dev/null 2>&1; kill "$AUDIT_STARTED" 2>/dev/null; } || true
	rm -rf "$W"
}
trap cleanup EXIT

CONFIGS=${BENCH_CONFIGS:-"none watch watch-nomatch trace bpftrace audit"}
have() {
	case $1 in
	bpftrace)
		command -v bpftrace >/dev/null && return 0
		echo "bench: installing bpftrace (Debian package)" >&2
		apt-get install -y bpftrace >/dev/null 2>&1 && return 0
		echo "bench: bpftrace row skipped: bpftrace is not installed and apt-get failed" >&2
		return 1 ;;
	audit)
		if ! command -v auditctl >/dev/null; then
			apt-get install -y auditd >/dev/null 2>&1 || {
				echo "bench: audit row skipped: auditd is not installed and apt-get failed" >&2
				return 1
			}
		fi
		if ! pgrep -x auditd >/dev/null; then
			auditd -n -s disable >/dev/null 2>&1 &
			AUDIT_STARTED=$!
			sleep 1
			if ! kill -0 "$AUDIT_STARTED" 2>/dev/null; then
				AUDIT_STARTED=
				echo "bench: audit row skipped: auditd does not run here (no audit support in this kernel or container?)" >&2
				return 1
			fi
		fi
		auditctl -e 1 >/dev/null 2>&1 || { echo "bench: audit row skipped: auditctl -e 1 failed" >&2; return 1; }
		return 0 ;;
	esac
	return 0
}
configs=
for c in $CONFIGS; do have "$c" && configs="$configs $c"; done
CONFIGS=${configs# }

# storm TARGET: prints connects/s
storm() {
	case $1 in
	closed) $CONN --comm avc-bench --closed --seconds "$SECS" tcp4:127.0.0.1:0 ;;
	listen) $CONN --comm avc-bench --listen --seconds "$SECS" tcp4:127.0.0.1:0 ;;
	esac | awk '/^rate / { r = $2 } /^cpurate / { c = $2 } END { print r, c }'
}

TPID=
start_cfg() {
	local ready='have:'
	case $1 in
	none) return 0 ;;
	watch) "$AVC" watch -c avc-bench 3600 >/dev/null 2>"$W/err" & ;;
	watch-nomatch) "$AVC" watch -c nomatch 3600 >/dev/null 2>"$W/err" & ;;
	trace) "$AVC" trace --all >/dev/null 2>"$W/err" & ;;
	trace-json) "$AVC" trace --all -j >/dev/null 2>"$W/err" & ;;
	bpftrace)
		bpftrace -e 'tracepoint:syscalls:sys_enter_connect { @[comm] = count(); }' >"$W/err" 2>&1 &
		ready='Attaching' ;;
	audit)
		auditctl -a always,exit -F arch=b64 -S connect -k avcsnoop-bench >/dev/null
		return 0 ;;
	esac
	TPID=$!
	for _ in $(seq 200); do
		grep -q "$ready" "$W/err" 2>/dev/null && { sleep 0.2; return 0; }
		sleep 0.05
	done
	echo "bench: $1 did not start: $(cat "$W/err")" >&2
	exit 1
}
stop_cfg() {
	case $1 in
	none) ;;
	audit) auditctl -d always,exit -F arch=b64 -S connect -k avcsnoop-bench >/dev/null ;;
	*) kill -INT "$TPID" && wait "$TPID" || true ;;
	esac
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Paired rounds: each configuration runs right next to its own baseline, in alternating
# order, so the slow drift of a shared machine cancels out of each ratio.
for target in closed listen; do
	for r in $(seq "$ROUNDS"); do
		for c in $CONFIGS; do
			[ "$c" = none ] && continue
			if [ $((r % 2)) -eq 1 ]; then
				read -r b bc <<<"$(storm "$target")"
				start_cfg "$c"; read -r v vc <<<"$(storm "$target")"; stop_cfg "$c"
			else
				start_cfg "$c"; read -r v vc <<<"$(storm "$target")"; stop_cfg "$c"
				read -r b bc <<<"$(storm "$target")"
			fi
			echo "$b" >>"$W/$target-none"
			echo "$v" >>"$W/$target-$c"
			echo "$v / $b" | bc -l >>"$W/$target-$c.ratio"
			echo "$vc / $bc" | bc -l >>"$W/$target-$c.cpuratio"
		done
	done
done

# ---- exact in-kernel cost: kernel.bpf_stats_enabled counts each program's runs and time ----
# avcsnoop beside bpftrace (Debian's), rounds alternating in order (A B C ... then C B A), the
# programs of each tracer found by the BPF fds it holds (other tracers on the machine don't count).
BPFTRACE_HIST='tracepoint:syscalls:sys_enter_connect { @start[tid] = nsecs; }
tracepoint:syscalls:sys_exit_connect /@start[tid]/ {
	@lat[comm, args->ret] = hist(nsecs - @start[tid]); delete(@start[tid]); }'
BPFTRACE_COUNT='tracepoint:syscalls:sys_enter_connect { @[comm] = count(); }'
STATS_ROUNDS=${BENCH_STATS_ROUNDS:-3}
stats_cfgs="watch watch-untraced trace"
command -v bpftrace >/dev/null && stats_cfgs="$stats_cfgs bpftrace-hist bpftrace-count"
stats_was=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
sysctl -q -w kernel.bpf_stats_enabled=1 2>/dev/null || true
# stats_round CONFIG: appends "ns-per-connect per-program-detail" to $W/stats-CONFIG
stats_round() {
	local ready=
	: >"$W/err"
	case $1 in
	watch) "$AVC" watch -c avc-bench 3600 >/dev/null 2>"$W/err" & ready='have:' ;;
	watch-untraced) "$AVC" watch -c nomatch 3600 >/dev/null 2>"$W/err" & ready='have:' ;;
	trace) "$AVC" trace -c avc-bench >/dev/null 2>"$W/err" & ready='have:' ;;
	bpftrace-hist) bpftrace -e "$BPFTRACE_HIST" >"$W/err" 2>&1 & ready='Attaching' ;;
	bpftrace-count) bpftrace -e "$BPFTRACE_COUNT" >"$W/err" 2>&1 & ready='Attaching' ;;
	esac
	TPID=$!
	for _ in $(seq 200); do grep -q "$ready" "$W/err" 2>/dev/null && break; sleep 0.05; done
	sleep 0.5
	n=$($CONN --comm avc-bench --closed --seconds 2 tcp4:127.0.0.1:0 | sed -n 's/^attempts //p')
	# the tracer's programs: the prog_id of each BPF fd it holds
	ids=$(cat /proc/"$TPID"/fdinfo/* 2>/dev/null | awk '/^prog_id:/ { print $2 }' | sort -u |
		jq -s -c .)
	bpftool prog show -j 2>/dev/null | jq -r --argjson n "$n" --argjson ids "$ids" \
		'[.[] | select(.id as $i | $ids | index($i)) | select(.run_cnt > 0)] |
		 "\((map(.run_time_ns) | add // 0) / $n | floor) " +
		 (map("\(.name | sub("^avc_"; "")) \(.run_time_ns / $n | floor)") | join(", "))' \
		>>"$W/stats-$1"
	kill -INT "$TPID"; wait "$TPID" || true
}
for r in $(seq "$STATS_ROUNDS"); do
	order=$stats_cfgs
	[ $((r % 2)) -eq 0 ] && order=$(echo "$stats_cfgs" | tr ' ' '\n' | tac | tr '\n' ' ')
	for c in $order; do stats_round "$c"; done
done
sysctl -q -w kernel.bpf_stats_enabled="$stats_was" 2>/dev/null || true
stat_med() { cut -d' ' -f1 "$W/stats-$1" | median; }
stat_row() {
	local c=$1 what=$2 ref=${3:-} ratio=
	[ -s "$W/stats-$c" ] || return 0
	[ -n "$ref" ] && [ -s "$W/stats-$ref" ] && ratio=$(echo "$(stat_med "$c") / $(stat_med "$ref")" | bc -l)
	printf '  %-16s %-38s %6.0f %6s-%-6s %8s  %s\n' "$c" "$what" "$(stat_med "$c")" \
		"$(cut -d' ' -f1 "$W/stats-$c" | sort -n | head -1)" \
		"$(cut -d' ' -f1 "$W/stats-$c" | sort -n | tail -1)" \
		"${ratio:+$(printf '%.2f x %s' "$ratio" "$ref")}" \
		"$(sort -n "$W/stats-$c" | sed -n "$(( ($(wc -l <"$W/stats-$c") + 1) / 2 ))p" | cut -d' ' -f2-)"
}

# ---- start to first counted event: a storm runs; watch reports every 10 ms ----
$CONN --comm avc-bench --closed --seconds 30 tcp4:127.0.0.1:0 >/dev/null &
SPID=$!
sleep 0.3
firsts=()
for _ in $(seq 5); do
	t0=$(date +%s%N)
	"$AVC" watch -j -q -c avc-bench 0.01 >"$W/first.json" 2>/dev/null &
	WPID=$!
	t1=
	for _ in $(seq 500); do
		if grep -q '"type":"watch"' "$W/first.json" 2>/dev/null; then t1=$(date +%s%N); break; fi
		sleep 0.002
	done
	kill -INT "$WPID"; wait "$WPID" || true
	[ -n "$t1" ] && firsts+=($(((t1 - t0) / 1000000)))
done
# ---- RSS and kernel map memory of a watch that has counted a storm ----
"$AVC" watch -q -c avc-bench 0.5 >/dev/null 2>&1 &
WPID=$!
sleep 3
rss=$(awk '/^VmHWM/ { print $2 }' /proc/$WPID/status)
rss_now=$(awk '/^VmRSS/ { print $2 }' /proc/$WPID/status)
maps_kb=0
for fd in /proc/$WPID/fd/*; do
	if grep -q '^map_type' "/proc/$WPID/fdinfo/${fd##*/}" 2>/dev/null; then
		m=$(awk '/^memlock/ { print $2 }' "/proc/$WPID/fdinfo/${fd##*/}")
		maps_kb=$((maps_kb + m / 1024))
	fi
done
kill -INT "$WPID"; wait "$WPID" || true
kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null || true

printf '\nconnect() storm, %s paired rounds x %ss, %s cores (%s), kernel %s\n' "$ROUNDS" "$SECS" "$(nproc)" \
	"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" "$(uname -r)"
printf '%-8s %-14s %12s %8s %13s %9s %13s\n' target config "connects/s" ratio "min-max" \
	"cpu ratio" "min-max"
for target in closed listen; do
	printf '%-8s %-14s %12.0f %8s %13s %9s\n' "$target" none "$(median <"$W/$target-none")" 1.000 "" 1.000
	for c in $CONFIGS; do
		[ "$c" = none ] && continue
		printf '%-8s %-14s %12.0f %8.3f %6.3f-%.3f %9.3f %6.3f-%.3f\n' "$target" "$c" \
			"$(median <"$W/$target-$c")" "$(median <"$W/$target-$c.ratio")" \
			"$(sort -n "$W/$target-$c.ratio" | head -1)" "$(sort -n "$W/$target-$c.ratio" | tail -1)" \
			"$(median <"$W/$target-$c.cpuratio")" "$(sort -n "$W/$target-$c.cpuratio" | head -1)" \
			"$(sort -n "$W/$target-$c.cpuratio" | tail -1)"
	done
done
printf '(ratio: connects per wall-clock second; cpu ratio: connects per CPU second of the\n'
printf ' storm process, which pays for the BPF programs run in its context. Paired rounds.)\n'
printf '\nin-kernel ns per connect (closed-port storm, kernel.bpf_stats_enabled, %s alternating rounds;\n' "$STATS_ROUNDS"
printf 'each program run also pays the stats clock reads; programs of each tracer by the BPF fds it holds):\n'
printf '  %-16s %-38s %6s %13s %8s  %s\n' config what median min-max ratio "per program (median round)"
stat_row watch "avcsnoop watch, traced process" bpftrace-hist
stat_row watch-untraced "avcsnoop watch, untraced process" bpftrace-count
stat_row trace "avcsnoop trace (ring buffer)" watch
stat_row bpftrace-hist "bpftrace enter/exit + hist by comm,ret"
stat_row bpftrace-count "bpftrace count by comm"
[ -s "$W/stats-bpftrace-hist" ] || printf '  (bpftrace rows skipped: bpftrace is not installed)\n'
printf '  (targets, issue 12: watch <= bpftrace-hist, untraced <= bpftrace-count, trace <= 1.2 x watch)\n'
printf '\nstart to first counted event (watch, 10 ms interval): %s ms (runs: %s)\n' \
	"$(printf '%s\n' "${firsts[@]}" | median)" "${firsts[*]}"
printf 'watch RSS while counting (VmRSS): %s KiB; peak during load (VmHWM): %s KiB\n' "$rss_now" "$rss"
printf 'kernel map memory of watch (sum of memlock over its maps): %s KiB\n' "$maps_kb"

# ---- following SELinux (issue 14): what checking its state costs trace ----
# Changes arrive in the events ring from the kernel (fentry on the status-page updates): no
# check per event; the status page is read once per poll (10 Hz) as a backstop.
"$AVC" trace -j -c avc-bench -d 3 >"$W/follow.json" 2>"$W/follow.err" &
FPID=$!
sleep 1.5
storm closed >/dev/null
wait "$FPID" || true
if jq -e 'select(.type == "stats")' "$W/follow.json" >/dev/null 2>&1; then
	jq -r 'select(.type == "stats") | "\nSELinux state checks (trace, 3 s, a closed-port storm): \(.events) events, \(.status_reads) status page reads (\(.status_read_ns) ns each), changes from \(.changes_from)"' "$W/follow.json"
	if grep -q 'lacks:.*SELinux path' "$W/follow.err"; then
		printf '  (SELinux is not active here: nothing to follow, the reads return at once;\n'
		printf '   lab 99 prints the figure on a real SELinux kernel: "status page reads: ...")\n'
	fi
else
	printf '\nSELinux state checks: trace did not report its stats: %s\n' "$(tail -1 "$W/follow.err")"
fi

# ---- the policy's cost engine (tests/bench/policy_cost.c): first call vs cached ----
if [ "${BENCH_POLICY:-1}" != 0 ]; then
	echo
	build/bench-policy || echo "bench: the policy cost part failed (above)"
fi

# ---- recommend on large audit logs: its own script, its own table ----
if [ "${BENCH_RECOMMEND:-1}" != 0 ]; then
	tests/bench/recommend.sh
fi

# ---- the advice on the bigger policies (issue 20): refpolicy vs the RHEL targeted policies ----
if [ "${BENCH_POLICY:-1}" != 0 ]; then
	tests/bench/policies.sh
fi
