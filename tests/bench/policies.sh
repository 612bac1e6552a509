#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The advice on the bigger policies (issue 20): `avcsnoop recommend` on 500 distinct accesses
# and `avcsnoop preflight` on a 200-socket nginx configuration, on Debian's refpolicy and on
# the RHEL 9 and RHEL 10 targeted policies (about 4 times its rules; scripts/targeted.sh
# unpacks them from ../shared/targeted), side by side with the ratio to refpolicy. A
# benchmark, not a test: it prints figures and asserts nothing. The aim is under 2x.
#
# Each policy gets inputs of the same shape from its own names (seinfo), never a list here:
#   recommend  500 AVC denials, each a distinct access: name_connect from a domain of the
#              policy to a port type of the policy (domain i % D, port type i % T, port
#              1024 + i), text output to /dev/null
#   preflight  200 sockets for nginx's domain (the one /usr/sbin/nginx runs as in that
#              policy, as preflight decides it): 100 listen and 100 proxy_pass on the ports
#              of 100 port types (each one's first portcon)
# The figure is the median of BENCH_POLICY_RUNS runs (default 3) of wall and CPU time.
#
#   BENCH_POLICY_RUNS   runs per figure (default 3)
#   BENCH_POLICIES      any of "refpolicy rhel9 rhel10" (default all three; refpolicy first:
#                       it is what the others are compared to)
set -euo pipefail
cd "$(dirname "$0")/../.."
AVC=./avcsnoop
RUNS=${BENCH_POLICY_RUNS:-3}
POLICIES=${BENCH_POLICIES:-"refpolicy rhel9 rhel10"}
REFPOL=${AVC_REFPOLICY:-/etc/selinux/default/policy/policy.33}

die() {
	echo "bench: policies: $*" >&2
	exit 1
}
[[ $RUNS =~ ^[1-9][0-9]?$ ]] || die "BENCH_POLICY_RUNS: '$RUNS' is not a number of runs (1-99)"
[ -x "$AVC" ] || die "$AVC is missing (run make)"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v seinfo >/dev/null || die "seinfo is missing (apt-get install setools)"

W=$(mktemp -d "${TMPDIR:-/tmp}/avcsnoop-bench-policies.XXXXXX")
trap 'rm -rf "$W"' EXIT

policy_file() { # NAME -> the binary policy, or "" with the reason on stderr
	case $1 in
	refpolicy) [ -r "$REFPOL" ] && echo "$REFPOL" || echo "$REFPOL missing (apt-get install selinux-policy-default)" >&2 ;;
	rhel9 | rhel10) scripts/targeted.sh "$1" --policy || true ;;
	*) echo "unknown policy '$1' (refpolicy, rhel9, rhel10)" >&2 ;;
	esac
}

# inputs NAME POLICY: writes $W/NAME.log and $W/NAME.conf; sets dom (nginx's domain)
inputs() {
	local name=$1 pol=$2
	seinfo -x -a domain "$pol" | awk 'NR > 1 && $1 ~ /_t$/ { print $1 }' | sort >"$W/$name.domains"
	seinfo -x -a port_type "$pol" | awk 'NR > 1 && $1 ~ /_t$/ { print $1 }' | sort >"$W/$name.porttypes"
	[ -s "$W/$name.domains" ] && [ -s "$W/$name.porttypes" ] || return 1
	awk -v dfile="$W/$name.domains" -v tfile="$W/$name.porttypes" '
	BEGIN {
		while ((getline l < dfile) > 0) dom[nd++] = l
		while ((getline l < tfile) > 0) typ[nt++] = l
		for (i = 0; i < 500; i++) {
			d = dom[i % nd]
			printf "type=AVC msg=audit(1700000000.%03d:%d): avc:  denied  { name_connect } for  pid=%d comm=\"%s\" dest=%d scontext=system_u:system_r:%s:s0 tcontext=system_u:object_r:%s:s0 tclass=tcp_socket permissive=0\n",
				i % 1000, 1000 + i, 1000 + i, substr(d, 1, 15), 1024 + i, d, typ[i % nt]
		}
	}' >"$W/$name.log"
	# the port of each port type: its first portcon (tcp or udp, a single port or a range's
	# first), 100 of them
	seinfo "$pol" --portcon |
		awk '$1 == "portcon" && ($2 == "tcp" || $2 == "udp") { split($3, r, "-"); split($4, c, ":"); if (!(c[3] in seen) && r[1] > 0) { seen[c[3]] = 1; print r[1] } }' |
		head -n 100 >"$W/$name.ports"
	[ "$(wc -l <"$W/$name.ports")" -ge 50 ] || return 1
	awk '
	{ port[n++] = $1 }
	END {
		print "http {"
		for (i = 0; i < 100; i++)
			printf " server { listen 127.0.0.1:%d; location / { proxy_pass http://127.0.0.1:%d; } }\n", port[i % n], port[(i + 1) % n]
		print "}"
	}' "$W/$name.ports" >"$W/$name.conf"
	# nginx's domain as preflight decides it (file_contexts beside the policy, type_transition)
	echo 'events {}' >"$W/empty.conf"
	dom=$("$AVC" preflight --policy "$pol" "$W/empty.conf" 2>/dev/null | sed -n '1s/^nginx runs as \([^:]*\):.*/\1/p')
	[ -n "$dom" ] || dom=unknown
}

# measure CMD...: median wall and CPU seconds of RUNS runs into $wall $cpu; $rc of the last
measure() {
	local i walls=() cpus=() w u s
	for ((i = 0; i < RUNS; i++)); do
		rc=0
		/usr/bin/time -f '%e %U %S' -o "$W/time" "$@" >/dev/null 2>"$W/err" || rc=$?
		read -r w u s < <(tail -1 "$W/time")
		walls+=("$w")
		cpus+=("$(echo "$u + $s" | bc -l)")
	done
	wall=$(printf '%s\n' "${walls[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p")
	cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p")
}

ratio() { # NOW BASE
	if [ -z "$2" ] || [ "$(echo "$2 > 0" | bc -l)" != 1 ]; then
		echo -
	else
		printf '%.2f' "$(echo "$1 / $2" | bc -l)"
	fi
}

declare -A base_wall base_cpu
rows=()
for name in $POLICIES; do
	pol=$(policy_file "$name" 2>"$W/why") || true
	if [ -z "$pol" ] || [ ! -r "$pol" ]; then
		rows+=("$(printf '%-10s  skipped: %s' "$name" "$(head -n 1 "$W/why")")")
		continue
	fi
	if ! inputs "$name" "$pol"; then
		rows+=("$(printf '%-10s  skipped: seinfo lists too few domains, port types or portcons' "$name")")
		continue
	fi
	rules=$(seinfo "$pol" | awk '/Allow:/ { print $2; exit }')
	for what in recommend preflight; do
		if [ "$what" = recommend ]; then
			measure "$AVC" recommend --policy "$pol" "$W/$name.log"
			ok=0
			size="500 accesses"
		else
			measure "$AVC" preflight --policy "$pol" "$W/$name.conf"
			ok=3 # some socket would be denied: the point of the run
			size="200 sockets ($dom)"
		fi
		note=
		[ "$rc" = "$ok" ] || [ "$rc" = 0 ] || note="exit $rc: $(head -c 120 "$W/err" | tr '\n' ' ')"
		[ "$name" = refpolicy ] && { base_wall[$what]=$wall base_cpu[$what]=$cpu; }
		rows+=("$(printf '%-10s %-10s %-24s %8s %8.2f %8.2f %10s %10s  %s' "$name" "$what" "$size" \
			"$rules" "$wall" "$cpu" "$(ratio "$wall" "${base_wall[$what]:-}")" \
			"$(ratio "$cpu" "${base_cpu[$what]:-}")" "$note")")
	done
done

printf '\nadvice on the bigger policies (median of %s runs; %s cores, load %s)\n' "$RUNS" "$(nproc)" \
	"$(cut -d' ' -f1 /proc/loadavg)"
printf '%-10s %-10s %-24s %8s %8s %8s %10s %10s\n' policy run input "allow" "wall s" "cpu s" \
	"x ref wall" "x ref cpu"
printf '%s\n' "${rows[@]}" | sed 's/ *$//'
printf '(allow: allow rules of the policy; x ref: time over refpolicy'"'"'s for the same run: the aim\n'
printf ' is under 2 on the targeted policies, about 4 times refpolicy'"'"'s rules)\n'
