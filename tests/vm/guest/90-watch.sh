#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario w: avcsnoop watch counts nginx's denials in-kernel, hidden ones included.
#   3 requests with the default policy  -> 3 x selinux_denied (audited)  to 127.0.0.1:3000
#   2 requests with a dontaudit on  -> 2 x selinux_hidden (dontaudit) to 127.0.0.1:3000
# The final report (SIGINT) must hold exactly those counts, named (ntop_port_t, name_connect),
# the hidden row ranked first; its --export --format avc feeds avcsnoop recommend.
. "$(dirname "$0")/lib.sh"
WATCH_PID=""
restore() {
	[ -z "$WATCH_PID" ] || kill -INT "$WATCH_PID" 2>/dev/null || true
	lab_cleanup
	lab_hide_off || true
}
trap restore EXIT
lab_scenario w "watch mode: counts of denied and hidden denials"
lab_setup lab_hide_init
lab_setup lab_bool "$LAB_HIDE" 0
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000

OUT=$LAB_OUT/w-watch.json
AVCLOG=$LAB_OUT/w-export.avc
"$LAB_AVCSNOOP" watch -j -c nginx --export "$AVCLOG" --format avc 1 >"$OUT" 2>"$OUT.err" &
WATCH_PID=$!
lab_setup lab_wait 60 grep -q '^avcsnoop: have:' "$OUT.err"
sleep 1 # TCG: let the links settle
get() { curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT/" || true; }
codes=""
for _ in 1 2 3; do codes="$codes $(get)"; done
lab_setup lab_bool "$LAB_HIDE" 1
for _ in 1 2; do codes="$codes $(get)"; done
lab_say "# HTTP statuses:$codes"
sleep 1.5
kill -INT "$WATCH_PID"
lab_wait 20 sh -c "! kill -0 $WATCH_PID" || kill -KILL "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
head -n 5 "$OUT.err" | sed 's/^/# avcsnoop stderr: /' || true
# the final report: the rows after the last watch_interval line
tac "$OUT" | sed '/"type":"watch_interval"/q' | tac >"$OUT.last"
sed 's/^/# json: /' "$OUT.last" | head -n 10 || true
total() { jq -s "map(select(.type==\"watch\" and .dport==3000 and .verdict==\"$1\") | .total) | add // 0" "$OUT.last"; }
check_eq "all 5 requests answered 502" "$codes" " 502 502 502 502 502"
check_eq "3 requests with the default policy: selinux_denied total 3" "$(total selinux_denied)" 3
check_eq "2 requests with $LAB_HIDE=1: selinux_hidden total 2" "$(total selinux_hidden)" 2
check_eq "the hidden row ranks first" \
	"$(jq -r -s 'map(select(.type=="watch")) | .[0].verdict' "$OUT.last")" selinux_hidden
check_eq "hidden row named: ntop_port_t, name_connect, hidden_by dontaudit" \
	"$(jq -r -s 'map(select(.type=="watch" and .verdict=="selinux_hidden")) | .[0] | "\(.selinux.target_type) \(.selinux.perms[0]) \(.selinux.hidden_by)"' "$OUT.last")" \
	"ntop_port_t name_connect dontaudit"
check_eq "denied row named: httpd_t -> ntop_port_t" \
	"$(jq -r -s 'map(select(.type=="watch" and .verdict=="selinux_denied")) | .[0] | "\(.selinux.source_type) \(.selinux.target_type)"' "$OUT.last")" \
	"httpd_t ntop_port_t"
sed 's/^/# avc: /' "$AVCLOG" 2>/dev/null || true
# one finding per access (issue 9): the audited and the hidden copies are one record
check_eq "--format avc: one record per access (its audited and hidden copies are one finding)" \
	"$(grep -c '^type=AVC msg=audit(.*avc:  denied  { name_connect } for .*tclass=tcp_socket permissive=0$' "$AVCLOG" 2>/dev/null)" 1
if "$LAB_AVCSNOOP" recommend "$AVCLOG" >"$LAB_OUT/w-recommend.txt" 2>&1; then
	lab_pass "avcsnoop recommend reads the AVC export"
else
	lab_fail "avcsnoop recommend reads the AVC export" "$(head -n 20 "$LAB_OUT/w-recommend.txt")"
fi
if command -v audit2allow >/dev/null; then
	check_contains "audit2allow reads the AVC export" "$(audit2allow -i "$AVCLOG" 2>&1)" \
		"allow httpd_t ntop_port_t:tcp_socket name_connect;"
fi
lab_summary
