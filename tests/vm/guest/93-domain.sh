#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario dm: --domain httpd_t traces every task running as httpd_t and nothing else.
#   nginx (httpd_t) and curl-httpd, a copy of curl labelled httpd_exec_t that initrc_t's
#   type_transition puts in httpd_t, both connect to 127.0.0.1:3000 (denied, ntop_port_t);
#   plain curl (initrc_t) connects there too and must not be traced.
# trace starts before nginx, so the httpd_t SID is learnt from the kernel's report of an
# unknown SID; watch starts before nginx's restart, so nginx's start-up attempts are made
# before the SID is learnt: reported as not counted, never silently lost. Without kernel support
# (AVCSNOOP_DISABLE=selinux_blob_sizes) trace filters in user space and watch refuses.
. "$(dirname "$0")/lib.sh"
WATCH_PID=""
restore() {
	[ -z "$WATCH_PID" ] || kill -INT "$WATCH_PID" 2>/dev/null || true
	lab_cleanup
}
trap restore EXIT
lab_scenario dm "--domain httpd_t: nginx and another httpd_t process traced, initrc_t's curl not"
CURL_HTTPD=/usr/local/bin/curl-httpd
cp /usr/bin/curl "$CURL_HTTPD"
chcon -t httpd_exec_t "$CURL_HTTPD"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_nginx_stop
get() { curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT/" || true; }
# curl-httpd prints its own context (it reads /proc/self/attr/current), then connects
curl_httpd() { "$CURL_HTTPD" -s -m 5 -o /dev/null http://127.0.0.1:3000/ || true; }
CURL_HTTPD_CON=$("$CURL_HTTPD" -s file:///proc/self/attr/current | tr -d '\0' || true)
check_contains "curl-httpd runs in httpd_t (type_transition from initrc_t)" "$CURL_HTTPD_CON" ":httpd_t:"
lab_say "# curl-httpd context: $CURL_HTTPD_CON; this script: $(cat /proc/self/attr/current | tr -d '\0')"

# ---- trace ----
LAB_TRACE=$LAB_OUT/dm-trace.json
lab_setup lab_trace_start "$LAB_TRACE" -j --domain httpd_t
lab_setup lab_nginx_start http://127.0.0.1:3000
codes="$(get) $(get)"
curl_httpd
curl_httpd
curl -s -o /dev/null -m 5 http://127.0.0.1:3000/ || true
sleep 0.5
lab_trace_stop
lab_say "# HTTP statuses: $codes"
head -n 3 "$LAB_TRACE.err" | sed 's/^/# avcsnoop stderr: /' || true
jq -c 'select((.type=="connect" or .type=="bind")) | {comm,pid,domain,dest,verdict}' "$LAB_TRACE" 2>/dev/null | sed 's/^/# json: /' | head -n 12 || true
grep '"type":"stats"' "$LAB_TRACE" | sed 's/^/# stats: /' || true
check_contains "capability line: the domain filter runs in the kernel" \
	"$(cat "$LAB_TRACE.err")" "domain httpd_t: filtered in the kernel (task SIDs)"
check_trace "nginx's 2 connects to 127.0.0.1:3000 traced, domain httpd_t, selinux_denied" \
	'map(select((.type=="connect" or .type=="bind") and .comm=="nginx" and .dport==3000 and .domain=="httpd_t" and .verdict=="selinux_denied")) | length == 2'
check_trace "curl-httpd's 2 connects to 127.0.0.1:3000 traced, domain httpd_t, selinux_denied" \
	'map(select((.type=="connect" or .type=="bind") and .comm=="curl-httpd" and .dport==3000 and .domain=="httpd_t" and .verdict=="selinux_denied")) | length == 2'
check_trace "nothing of another domain: no connect by curl (initrc_t), every event httpd_t" \
	'map(select((.type=="connect" or .type=="bind"))) | (map(select(.comm=="curl")) | length == 0) and all(.domain == "httpd_t")'
check_trace "initrc_t's connects dropped in the kernel (stats.domain_dropped_kernel >= 5)" \
	'map(select(.type=="stats"))[0] | .domain_in_kernel == true and .domain_dropped_kernel >= 5'
# nginx's first process binds its listen socket and exits once it has forked the daemon: its
# attempts may be read after it is gone, when its attr/current cannot be read any more. They
# are dropped and counted (domain_unresolved), never shown as another domain's nor lost unsaid
check_trace "the httpd_t SID was learnt from the kernel's report (nginx started after trace)" \
	'map(select(.type=="stats"))[0] | .domain_unknown_sids_reported >= 1 and .domain_sids_known >= 1'
TRACE_UNRESOLVED=$(jq -s 'map(select(.type=="stats"))[0].domain_unresolved // 0' "$LAB_TRACE")
lab_say "# trace: attempts of tasks gone before their SID could be read (dropped, counted): $TRACE_UNRESOLVED"

# ---- watch ----
lab_nginx_stop
OUT=$LAB_OUT/dm-watch.json
"$LAB_AVCSNOOP" watch -j --domain httpd_t 1 >"$OUT" 2>"$OUT.err" &
WATCH_PID=$!
lab_setup lab_wait 60 grep -q '^avcsnoop: have:' "$OUT.err"
sleep 1
lab_setup lab_nginx_start http://127.0.0.1:3000
# nginx's start-up attempts (its listen bind, the nscd socket) are of a SID watch has not seen:
# reported, learnt, not counted. Requests wait until a report says so (under emulation with
# both labs running, learning can take longer than nginx's start)
lab_wait 60 sh -c "grep '\"type\":\"watch_interval\"' '$OUT' | grep -q '\"domain_uncounted\":[1-9]'" ||
	lab_say "# watch reported no uncounted start-up attempt within 60 s"
sleep 1.2
codes="$(get) $(get) $(get)"
curl_httpd
curl_httpd
curl -s -o /dev/null -m 5 http://127.0.0.1:3000/ || true
sleep 1.5
kill -INT "$WATCH_PID"
lab_wait 20 sh -c "! kill -0 $WATCH_PID" || kill -KILL "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
lab_say "# HTTP statuses: $codes"
head -n 3 "$OUT.err" | sed 's/^/# avcsnoop stderr: /' || true
tac "$OUT" | sed '/"type":"watch_interval"/q' | tac >"$OUT.last"
sed 's/^/# json: /' "$OUT.last" | head -n 8 || true
total() { jq -s "map(select(.type==\"watch\" and .comm==\"$1\" and .dport==3000) | .total) | add // 0" "$OUT.last"; }
uncounted=$(jq -s 'map(select(.type=="watch_interval"))[0].domain_uncounted // -1' "$OUT.last")
check_contains "watch: capability line: the domain filter runs in the kernel" \
	"$(cat "$OUT.err")" "domain httpd_t: filtered in the kernel (task SIDs)"
check_eq "watch: nginx's 3 attempts to 127.0.0.1:3000 counted" "$(total nginx)" 3
# nginx's start-up attempts (its listen bind, the nscd socket: everything but the requests'
# connects to :3000) come before its SID is learnt: not counted, and said so. The trace run
# above saw every one of them: counted + not counted here must be that many (no silent loss)
check_match "watch: attempts made before the SID was learnt are reported (domain_uncounted >= 1)" \
	"$uncounted" '^[1-9][0-9]*$'
nscd_watch=$(jq -s 'map(select(.type=="watch" and .comm=="nginx" and (.op=="bind" or .dport!=3000)) | .total) | add // 0' "$OUT.last")
nscd_trace=$(jq -s 'map(select((.type=="connect" or .type=="bind") and .comm=="nginx" and (.op=="bind" or .dport!=3000))) | length' "$LAB_OUT/dm-trace.json")
# ... with those trace could not place (nginx's first process, gone): counted there, not shown
nscd_trace=$((nscd_trace + TRACE_UNRESOLVED))
check_eq "watch: nginx's start-up attempts: counted ($nscd_watch) + not counted ($uncounted) = those trace saw or counted as unresolved" \
	"$((nscd_watch + uncounted))" "$nscd_trace"
check_eq "watch: curl-httpd's 2 attempts counted" "$(total curl-httpd)" 2
check_eq "watch: no row of another domain (curl in initrc_t)" \
	"$(jq -s 'map(select(.type=="watch" and (.comm=="curl" or .domain!="httpd_t"))) | length' "$OUT.last")" 0
check_eq "watch: initrc_t's attempts dropped in the kernel, nothing lost or unresolved" \
	"$(jq -r -s 'map(select(.type=="watch_interval"))[0] | "\(.domain_dropped >= 3) \(.domain_unresolved) \(.domain_lost_ringbuf_full)"' "$OUT.last")" \
	"true 0 0"

# ---- without kernel support ----
LAB_TRACE=$LAB_OUT/dm-trace-user.json
export AVCSNOOP_DISABLE=selinux_blob_sizes
lab_setup lab_trace_start "$LAB_TRACE" -j --domain httpd_t
get >/dev/null
curl -s -o /dev/null -m 5 http://127.0.0.1:3000/ || true
sleep 0.5
lab_trace_stop
check_contains "fallback: the capability line says user space, and why" \
	"$(cat "$LAB_TRACE.err")" "domain httpd_t: filtered in user space, per event (the kernel cannot: selinux_blob_sizes disabled by AVCSNOOP_DISABLE)"
check_trace "fallback: nginx traced (domain httpd_t), curl (initrc_t) not" \
	'map(select((.type=="connect" or .type=="bind"))) | (map(select(.comm=="nginx" and .domain=="httpd_t")) | length >= 1) and (map(select(.comm=="curl")) | length == 0)'
wrc=0
werr=$("$LAB_AVCSNOOP" watch --domain httpd_t 1 1 2>&1 >/dev/null) || wrc=$?
check_eq "fallback: watch --domain refuses, exit 1" "$wrc" 1
check_contains "fallback: watch names why" "$werr" "watch --domain httpd_t: the kernel cannot read task SIDs here (selinux_blob_sizes disabled by AVCSNOOP_DISABLE)"
unset AVCSNOOP_DISABLE
rm -f "$CURL_HTTPD"
lab_summary
