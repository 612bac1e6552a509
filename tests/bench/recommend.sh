#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `avcsnoop recommend` on large audit logs: does reading scale linearly with the log? A benchmark,
# not a test: it prints figures and asserts nothing (issue 8: "recommend reads audit logs in
# linear time").
#
# Logs of 10k, 100k and 1M lines (BENCH_RECOMMEND_LINES) are generated: 3 lines in 5 are AVC
# denials (name_connect on tcp_socket), the others SYSCALL, PROCTITLE and USER_ACCT records.
# The denials fall on lines/20 distinct findings (50,000 at 1M lines), each distinct in every
# field: source domain and comm, target port type (both taken from the policy), dest port. They
# come in a shuffled order and each recurs about 12 times.
#
# Each log is run through
#   read        recommend --policy MISSING: it reads and merges the whole log, then stops where
#               it opens the policy (it opens it only after reading, when a finding needs it);
#               the fastest of three runs when one takes under 10 s
#   recommend   recommend --policy P, text to /dev/null      (P: Debian's refpolicy, policy.33)
#   recommend-j recommend --policy P -j, JSON to /dev/null
# and the table gives wall time, CPU time (user + system: steadier than wall time on a shared
# machine), lines per wall second, peak RSS, and the ratio of the wall and CPU times to those of
# the log ten times smaller: about 10 for linear time, about 100 for quadratic.
#
# A run is stopped after BENCH_RECOMMEND_TIMEOUT seconds (default 300); a run that would take at
# least 10 times a smaller one that already needed more than a tenth of the timeout is not
# started. Both are shown as such, with the ratio as a lower bound.
#
#   BENCH_RECOMMEND_LINES    sizes to run (default "10000 100000 1000000")
#   BENCH_RECOMMEND_TIMEOUT  seconds per run (default 300)
#   BENCH_RECOMMEND_PHASES   any of "read recommend recommend-j" (default all three)
#   BENCH_RECOMMEND_POLICY   the policy (default /etc/selinux/default/policy/policy.33)
set -euo pipefail
cd "$(dirname "$0")/../.."
AVC=./avcsnoop
SIZES=${BENCH_RECOMMEND_LINES:-"10000 100000 1000000"}
TIMEOUT=${BENCH_RECOMMEND_TIMEOUT:-300}
PHASES=${BENCH_RECOMMEND_PHASES:-"read recommend recommend-j"}
POLICY=${BENCH_RECOMMEND_POLICY:-/etc/selinux/default/policy/policy.33}
STRIDE=7919 # a prime: (i * STRIDE) % D visits every finding, shuffled, when D is not a multiple

die() {
	echo "bench: recommend: $*" >&2
	exit 1
}
for n in $SIZES; do
	if ! [[ $n =~ ^[1-9][0-9]*$ ]] || [ "$n" -lt 20 ]; then
		die "BENCH_RECOMMEND_LINES: '$n' is not a number of lines >= 20"
	fi
	[ $((n / 20 % STRIDE)) -ne 0 ] || die "BENCH_RECOMMEND_LINES: $n lines: $((n / 20)) findings is a multiple of $STRIDE"
done
[[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "BENCH_RECOMMEND_TIMEOUT: '$TIMEOUT' is not a number of seconds"
for p in $PHASES; do
	case $p in
	read | recommend | recommend-j) ;;
	*) die "BENCH_RECOMMEND_PHASES: unknown phase '$p' (read, recommend, recommend-j)" ;;
	esac
done
[ -x "$AVC" ] || die "$AVC is missing (run make)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
# Debian packages, as run.sh installs bpftrace: only as root, and a failure is named
install_pkg() {
	[ "$(id -u)" -eq 0 ] || return 0
	echo "bench: recommend: installing $1" >&2
	apt-get install -y -qq --no-install-recommends "$1" >/dev/null 2>&1 || true
}
if [ ! -r "$POLICY" ] && [ "$POLICY" = /etc/selinux/default/policy/policy.33 ]; then
	install_pkg selinux-policy-default # compiles policy.33 in its postinst (~40 s)
fi
[ -r "$POLICY" ] || die "no policy at $POLICY (apt-get install selinux-policy-default)"
command -v seinfo >/dev/null || install_pkg setools
command -v seinfo >/dev/null || die "seinfo is missing (apt-get install setools)"

W=$(mktemp -d "${TMPDIR:-/tmp}/avcsnoop-bench-recommend.XXXXXX")
trap 'rm -rf "$W"' EXIT

# real names from the policy, so that every record is one the recommender can work on
seinfo -x -a domain "$POLICY" | awk 'NR > 1 && $1 ~ /_t$/ { print $1 }' | sort >"$W/domains"
seinfo -x -a port_type "$POLICY" | awk 'NR > 1 && $1 ~ /_t$/ { print $1 }' | sort >"$W/porttypes"
nd=$(wc -l <"$W/domains") nt=$(wc -l <"$W/porttypes")
if [ "$nd" -eq 0 ] || [ "$nt" -eq 0 ]; then
	die "seinfo lists no domains or port types in $POLICY"
fi

# gen LINES DISTINCT > LOG
gen() {
	awk -v lines="$1" -v distinct="$2" -v stride="$STRIDE" -v dfile="$W/domains" -v tfile="$W/porttypes" '
	BEGIN {
		while ((getline l < dfile) > 0) dom[nd++] = l
		while ((getline l < tfile) > 0) typ[nt++] = l
		t0 = 1700000000
		for (i = 0; i < lines; i++) {
			ts = sprintf("%d.%03d:%d", t0 + int(i / 1000), i % 1000, 1000 + i)
			if (i % 5 < 3) {
				# finding k: port type k % nt, domain (k / nt) % nd, port 1024 + k
				k = (avc++ * stride) % distinct
				d = dom[int(k / nt) % nd]
				comm = substr(d, 1, length(d) - 2)
				printf "type=AVC msg=audit(%s): avc:  denied  { name_connect } for  pid=%d comm=\"%s\" dest=%d scontext=system_u:system_r:%s:s0 tcontext=system_u:object_r:%s:s0 tclass=tcp_socket permissive=0\n",
					ts, 1000 + k % 30000, substr(comm, 1, 15), 1024 + k % 64000, d, typ[k % nt]
			} else if (i % 5 == 3) {
				printf "type=SYSCALL msg=audit(%s): arch=c000003e syscall=42 success=no exit=-13 a0=3 a1=7ffd2b1c6a40 a2=10 a3=0 items=0 ppid=1 pid=%d auid=4294967295 uid=33 gid=33 euid=33 suid=33 fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 comm=\"nginx\" exe=\"/usr/sbin/nginx\" subj=system_u:system_r:httpd_t:s0 key=(null)\n",
					ts, 1000 + i % 30000
			} else if (i % 10 == 4) {
				printf "type=PROCTITLE msg=audit(%s): proctitle=6E67696E783A20776F726B65722070726F63657373\n", ts
			} else {
				printf "type=USER_ACCT msg=audit(%s): pid=%d uid=0 auid=4294967295 ses=4294967295 subj=system_u:system_r:crond_t:s0-s0:c0.c1023 msg=\x27op=PAM:accounting grantors=pam_permit acct=\"root\" exe=\"/usr/sbin/cron\" hostname=? addr=? terminal=cron res=success\x27\n",
					ts, 2000 + i % 30000
			}
		}
	}'
}

# run PHASE LOG: one measured run; sets wall cpu rss status
run() {
	local args=(recommend) rc=0
	case $1 in
	read) args+=(--policy "$W/no-such-policy") ;;
	recommend) args+=(--policy "$POLICY") ;;
	recommend-j) args+=(--policy "$POLICY" -j) ;;
	esac
	/usr/bin/time -f '%e %U %S %M' -o "$W/time" timeout "$TIMEOUT" "$AVC" "${args[@]}" "$2" \
		>/dev/null 2>"$W/err" || rc=$?
	read -r wall usr sys rss < <(tail -1 "$W/time")
	cpu=$(echo "$usr + $sys" | bc -l)
	status=ok
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		status=timeout
	elif [ "$1" = read ] && [ "$rc" != 1 ]; then
		# it must have stopped at the missing policy, after the input
		status="exit $rc"
	elif [ "$1" != read ] && [ "$rc" != 0 ]; then
		status="exit $rc"
	fi
	if [ "$status" != ok ] && [ "$status" != timeout ]; then
		echo "bench: recommend: $1 on $(basename "$2") ended with $status:" >&2
		head -3 "$W/err" >&2
	fi
}

ratio() { # NOW BEFORE -> NOW/BEFORE, or - when there is nothing to compare
	if [ -z "$2" ] || [ "$(echo "$2 > 0" | bc -l)" != 1 ]; then
		echo -
		return
	fi
	printf '%.1f' "$(echo "$1 / $2" | bc -l)"
}

declare -A prev_wall prev_cpu prev_status
rows=()
t_gen=0
for n in $SIZES; do
	d=$((n / 20))
	log=$W/audit-$n.log
	t=$(date +%s%N)
	gen "$n" "$d" >"$log"
	t_gen=$((($(date +%s%N) - t) / 1000000))
	mb=$(($(stat -c %s "$log") / 1048576))
	for p in $PHASES; do
		pw=${prev_wall[$p]:-} pc=${prev_cpu[$p]:-} ps=${prev_status[$p]:-}
		if [ "$ps" = timeout ] || { [ -n "$pw" ] && [ "$(echo "$pw * 10 > $TIMEOUT" | bc -l)" = 1 ]; }; then
			# at least linear: 10x the lines take at least 10x the smaller run
			rows+=("$(printf '%-12s %8s %9s %6s  %s' "$p" "$n" "$d" "$mb" \
				"not run: >= $(printf '%.0f' "$(echo "${pw:-$TIMEOUT} * 10" | bc -l)") s expected (10x the $((n / 10))-line run), over the ${TIMEOUT} s limit")")
			prev_status[$p]=timeout prev_wall[$p]=$(echo "${pw:-$TIMEOUT} * 10" | bc -l)
			prev_cpu[$p]=
			continue
		fi
		run "$p" "$log"
		if [ "$p" = read ] && [ "$status" = ok ]; then
			# short: the fastest of three, so that process start-up noise does not make the ratio
			best=("$wall" "$cpu" "$rss")
			for _ in 1 2; do
				[ "$(echo "$wall < 10" | bc -l)" = 1 ] || break
				run "$p" "$log"
				[ "$status" = ok ] && [ "$(echo "$wall < ${best[0]}" | bc -l)" = 1 ] &&
					best=("$wall" "$cpu" "$rss")
			done
			wall=${best[0]} cpu=${best[1]} rss=${best[2]} status=ok
		fi
		if [ "$status" = timeout ]; then
			rows+=("$(printf '%-12s %8s %9s %6s %9s %9s %10s %9s %8s %8s  %s' "$p" "$n" "$d" "$mb" \
				">$TIMEOUT" "$cpu" "<$(printf '%.0f' "$(echo "$n / $TIMEOUT" | bc -l)")" "$rss" \
				">$(ratio "$TIMEOUT" "$pw")" "-" "stopped at the time limit")")
			prev_status[$p]=timeout prev_wall[$p]=$TIMEOUT prev_cpu[$p]=
			continue
		fi
		lps=$(printf '%.0f' "$(echo "$n / ($wall + 0.005)" | bc -l)")
		note=
		[ "$status" = ok ] || note=$status
		rows+=("$(printf '%-12s %8s %9s %6s %9.2f %9.2f %10s %9s %8s %8s  %s' "$p" "$n" "$d" "$mb" \
			"$wall" "$cpu" "$lps" "$rss" "$(ratio "$wall" "$pw")" "$(ratio "$cpu" "$pc")" "$note")")
		prev_status[$p]=$status prev_wall[$p]=$wall prev_cpu[$p]=$cpu
	done
	rm -f "$log"
done

printf '\navcsnoop recommend on generated audit logs (3 lines in 5 AVC denials, lines/20 distinct\n'
printf 'findings; policy %s; %s cores, load %s)\n' "$POLICY" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
printf '%-12s %8s %9s %6s %9s %9s %10s %9s %8s %8s\n' phase lines distinct MiB "wall s" "cpu s" \
	"lines/s" "RSS KiB" "x wall" "x cpu"
printf '%s\n' "${rows[@]}" | sed 's/ *$//'
printf '(x wall, x cpu: time over that of the log 10 times smaller; linear ~10, quadratic ~100.\n'
printf ' read: parse and merge only (a missing policy stops it after the input); recommend: also\n'
printf ' the advice for every distinct finding. Time limit %s s per run. Last log generated in %s ms.)\n' \
	"$TIMEOUT" "$t_gen"
