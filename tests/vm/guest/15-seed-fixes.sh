#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario s: the classic 502 (nginx -> 127.0.0.1:3000) and the fix every how-to gives first,
# `semanage port -a -t http_port_t -p tcp 3000` (the type nginx's own :80 has, read from the
# policy). Whether that relabel alone lets httpd_t connect is the policy's business, not the
# how-to's: refpolicy and targeted both let httpd_t name_connect http_port_t only under a
# boolean. The lab asks sesearch what the relabel alone should do, checks that avcsnoop's
# --verify predicts the same and that the kernel then does it, and proves what does let nginx
# through: the boolean avcsnoop recommends next (one sesearch names for that type), then 200.
# Everything is undone at the end (the local port record, the boolean).
. "$(dirname "$0")/lib.sh"
RELABELLED=0
FIXBOOL=""
restore() {
	lab_cleanup
	[ -z "$FIXBOOL" ] || setsebool "$FIXBOOL" 0 || true
	lab_policy_restore || true
}
trap restore EXIT
lab_scenario s "the how-to's fix for the 502 on 3000: semanage port -a -t http_port_t, and what it still needs"

HT=$(lab_port_type 80)
T3000=$(lab_port_type 3000)
lab_say "# tcp 80 (nginx's listen) is $HT, tcp 3000 is $T3000"
check "seinfo names the types of tcp 80 and 3000" test -n "$HT" -a -n "$T3000"
# sesearch: rules letting httpd_t name_connect HT with no boolean, and the booleans naming HT
uncond=$(lab_pq sesearch -A -s httpd_t -t "$HT" -c tcp_socket -p name_connect | grep -v '\]:' || true)
direct=$(lab_pq sesearch -A -s httpd_t -t "$HT" -dt -c tcp_socket -p name_connect |
	sed -n 's/.*\[ \([a-z0-9_]*\) \]:True$/\1/p' | sort -u)
alone=denied
[ -n "$uncond" ] && alone=allowed
lab_say "# sesearch: relabelled $HT alone, 3000 would be $alone; booleans naming $HT: $(echo $direct)"

lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_request s-before
BEFORE=$LAB_TRACE
check_eq "before: HTTP status 502" "$LAB_STATUS" 502
lab_event '.comm == "nginx"'
check_event "before: selinux_denied on $T3000" \
	".verdict == \"selinux_denied\" and .selinux.target_type == \"$T3000\""
# avcsnoop's own relabel fixes do not pretend a relabel is enough where the policy says not:
# each carries a boolean whose rule names its new type, unless sesearch finds that type reached
# without one
avcsnoop recommend -j "$BEFORE" >"$LAB_OUT/s-before.advice.json" 2>"$LAB_OUT/s-before.advice.err" || true
bad_relabels=""
nrel=0
while IFS=$'\t' read -r nt nb; do
	[ -n "$nt" ] || continue
	nrel=$((nrel + 1))
	if lab_pq sesearch -A -s httpd_t -t "$nt" -c tcp_socket -p name_connect | grep -qv '\]:'; then
		continue
	fi
	lab_pq sesearch -A -s httpd_t -t "$nt" -dt -c tcp_socket -p name_connect |
		grep -qF "[ $nb ]:True" || bad_relabels+=" $nt+${nb:-no boolean}"
done <<<"$(jq -r 'select(.type == "advice") | .fixes[] | select(.kind == "port_relabel") |
	[.new_type, (.boolean // "")] | @tsv' "$LAB_OUT/s-before.advice.json")"
lab_say "# recommend offers $nrel port relabel(s); $(jq -r 'select(.type == "advice") | .fixes[] | select(.kind == "port_relabel") | .commands | join(" && ")' "$LAB_OUT/s-before.advice.json" | head -n 3 | tr '\n' ';')"
check "recommend offers a port relabel for 3000" test "$nrel" -ge 1
check_eq "every port relabel recommend offers carries a boolean naming its new type (sesearch)" \
	"$bad_relabels" ""

# the how-to's command (-a; -m where 3000 has a record of its own, which -a refuses)
lab_setup lab_policy_save
if semanage port -a -t "$HT" -p tcp 3000 2>"$LAB_OUT/s-semanage.err" ||
	semanage port -m -t "$HT" -p tcp 3000 2>>"$LAB_OUT/s-semanage.err"; then
	RELABELLED=1
fi
check_eq "semanage port -a (or -m) -t $HT -p tcp 3000 worked" "$RELABELLED" 1
check_eq "tcp 3000 is now $HT (seinfo)" "$(lab_port_type 3000)" "$HT"
rc=0
avcsnoop recommend --verify -j "$BEFORE" >"$LAB_OUT/s-verify1.json" 2>&1 || rc=$?
lab_say "# --verify after the relabel alone: exit $rc: $(head -c 300 "$LAB_OUT/s-verify1.json")"
predicted=denied
[ "$rc" = 0 ] && predicted=allowed
check_eq "--verify after the relabel alone predicts what sesearch says ($alone)" "$predicted" "$alone"
lab_request s-relabelled
if [ "$alone" = denied ]; then
	check_eq "relabel alone: still HTTP 502, as predicted" "$LAB_STATUS" 502
	check_match "relabel alone: the kernel denies name_connect to $HT now" "$LAB_AVC" \
		"avc: +denied +\\{ name_connect \\} .*dest=3000 .*tcontext=system_u:object_r:$HT:s0 tclass=tcp_socket"
	lab_event '.comm == "nginx"'
	check_event "relabel alone: selinux_denied on $HT" \
		".verdict == \"selinux_denied\" and .selinux.target_type == \"$HT\""
	# what does let it through: the next top fix, a boolean naming HT in this policy
	avcsnoop recommend -j "$LAB_TRACE" >"$LAB_OUT/s-after.advice.json" 2>"$LAB_OUT/s-after.advice.err" || true
	top=$(jq -c 'select(.type == "advice") | .fixes | map(select(.rank != null)) | .[0] // empty' "$LAB_OUT/s-after.advice.json" | head -n 1)
	FIXBOOL=$(jq -r 'select(.kind == "boolean") | .boolean // empty' <<<"${top:-null}" 2>/dev/null)
	lab_say "# top fix now: $(jq -r '.commands | join(" ; ")' <<<"${top:-null}" 2>/dev/null)"
	check "the top fix for $HT is a boolean sesearch names for $HT (${FIXBOOL:-none})" \
		grep -qxF -- "${FIXBOOL:-none}" <<<"$direct"
	if [ -n "$FIXBOOL" ]; then
		# the fix says setsebool -P; runtime here (the same rule, no policy rebuild)
		lab_bool "$FIXBOOL" 1
		rc=0
		avcsnoop recommend --verify -j "$LAB_TRACE" >"$LAB_OUT/s-verify2.json" 2>&1 || rc=$?
		check_eq "--verify with $FIXBOOL on: allowed (exit 0)" "$rc" 0
		lab_request s-fixed
		check_eq "relabel + $FIXBOOL: HTTP 200" "$LAB_STATUS" 200
		check_absent "relabel + $FIXBOOL: no AVC" "$LAB_AVC" 'avc: +denied'
	fi
else
	check_eq "relabel alone: HTTP 200, as predicted" "$LAB_STATUS" 200
fi
lab_summary
