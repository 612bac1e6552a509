#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 14 in the lab: one `avcsnoop trace` and one `avcsnoop watch` keep running while the
# administrator changes SELinux: setenforce 0 -> requests -> a runtime boolean -> a request ->
# setenforce 1 -> a port relabel with a dontaudit rule on -> a request -> a local module that
# allows the access -> a request. Each verdict, each target type, the policy_change records and
# watch's target must follow the policy in force at that moment. Its port record and module are
# put back at exit (lab_policy_restore).
. "$(dirname "$0")/lib.sh"
restore() {
	[ -n "${WATCH_PID:-}" ] && kill -INT "$WATCH_PID" 2>/dev/null
	lab_cleanup
	setsebool httpd_can_network_connect 0 || true
	lab_hide_off || true
	setenforce 1 || true
	# the port record and the module added below: the store as saved
	lab_policy_restore || true
}
trap restore EXIT
lab_scenario p "the policy changes while avcsnoop runs"
lab_setup lab_hide_init

# the state this scenario starts from: 95-recommend (which runs before it) applies its fixes
# for real: booleans off again (runtime, instant) and port 3000 back to the policy's label
lab_connect_bools_off
if semanage port -l -C | awk '$1 ~ /_port_t$/ && $2 == "tcp"' | grep -qw 3000; then
	semanage port -d -p tcp 3000
fi
lab_setup lab_policy_save
lab_say "# port 3000 is $(lab_pq seinfo --portcon 3000 2>/dev/null | grep -o '[a-z_]*_port_t' | head -1)"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_setup load_policy # a fresh AVC: the first permissive would-deny is the kernel's own

T=$LAB_OUT/p-trace.json
W=$LAB_OUT/p-watch.json
lab_setup lab_trace_start "$T" -a -j --recommend
avcsnoop watch -j -c nginx 1 >"$W" 2>"$W.err" &
WATCH_PID=$!
# A verdict is judged with the state avcsnoop knows when it reads the event: while watch loads
# its programs (seconds of CPU under emulation) trace's events wait, and would be judged after
# the next change. Start the changes once watch reports.
lab_wait 120 grep -q '"type":"watch_interval"' "$W" || lab_say "# watch did not report within 120 s"
get() { curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT/" || true; }
step() { lab_say "# $*"; sleep 1.5; } # let watch report between phases
# seen N: wait until trace has printed N of nginx's connects to :3000. The changes below do
# not wait for trace (but once, see s3): it computes advice on its event path (seconds under
# emulation) and falls behind, yet each attempt must be judged with the state of its own time
# (the kernel writes each change into the events ring; queued attempts are judged on the
# policy read at their time). The end waits, so that trace has read everything before it stops.
seen() {
	lab_wait 120 bash -c "[ \$(jq -s '[.[] | select((.type == \"connect\" or .type == \"bind\") and .comm == \"nginx\" and .dport == 3000)] | length' '$T' 2>/dev/null || echo 0) -ge $1 ]" ||
		lab_say "# trace had not printed $1 connects within 120 s"
}

setenforce 0
step "setenforce 0 -> $(getenforce)"
s1=$(get)
s2=$(get)
lab_bool httpd_can_network_connect 1
step "runtime boolean on"
s3=$(get)
# the one wait: the boolean is turned off right after s3, and the policy with it on is read
# when trace reads that change; a reader two changes behind judges s3 on a later policy (and
# says so: judged_on_seqno). One change behind (every other step here) is judged exactly.
seen 3
lab_bool httpd_can_network_connect 0
setenforce 1
step "setenforce 1, boolean off -> $(getenforce)"
semanage port -a -t memcache_port_t -p tcp 3000
lab_bool "$LAB_HIDE" 1
step "port 3000 relabelled: $(lab_pq seinfo --portcon 3000 2>/dev/null | grep -o '[a-z_]*_port_t' | head -1); semanage port -l: $(semanage port -l | awk '$1 == "memcache_port_t"' | head -1)"
s4=$(get)
M=$(mktemp -d)
printf '%s\n' '(allow httpd_t memcache_port_t (tcp_socket (name_connect)))' >"$M/avc-lab-p.cil"
semodule -i "$M/avc-lab-p.cil"
step "local module loaded"
s5=$(get)
step "done"
seen 5
kill -INT "$WATCH_PID" 2>/dev/null
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=
lab_trace_stop
lab_say "# statuses: $s1 $s2 $s3 $s4 $s5"
check_eq "HTTP statuses: permissive 200 200, boolean 200, relabelled+hidden 502, module 200" \
	"$s1 $s2 $s3 $s4 $s5" "200 200 200 502 200"

ev() { jq -c -s '[.[] | select((.type == "connect" or .type == "bind") and .comm == "nginx" and .dport == 3000)]' "$T"; }
verdicts=$(ev | jq -r 'map(.verdict) | join(" ")')
lab_say "# nginx -> :3000 verdicts in order: $verdicts"
ev | jq -c '.[] | {time, verdict, ret, selinux}' | sed 's/^/# event: /' || true
jq -c 'select(.type == "policy_change")' "$T" | sed 's/^/# change: /' || true
check_eq "verdicts follow the state: permissive x2 (the second derived), allowed, hidden, allowed" \
	"$verdicts" "selinux_permissive selinux_permissive allowed selinux_hidden allowed"
check "the second permissive would-deny is derived in user space (no AVC record)" \
	jq -e -s '[.[] | select((.type == "connect" or .type == "bind") and .comm == "nginx" and .dport == 3000)][1].selinux.derived == true' "$T"
check "the hidden denial after the relabel names the new type (memcache_port_t), hidden by dontaudit" \
	jq -e -s '[.[] | select((.type == "connect" or .type == "bind") and .comm == "nginx" and .dport == 3000)][3].selinux | .target_type == "memcache_port_t" and .hidden_by == "dontaudit"' "$T"
changes=$(jq -c -s '[.[] | select(.type == "policy_change")]' "$T")
lab_say "# policy_change records: $(jq -c 'map({policy_loaded, seqno, mode})' <<<"$changes")"
check "trace: a policy_change to permissive, and one back to enforcing" \
	jq -e 'any(.[]; .mode == "permissive" and .previous_mode == "enforcing") and any(.[]; .mode == "enforcing" and .previous_mode == "permissive")' <<<"$changes"
check "trace: every change came in order from the kernel (the events ring), none noticed late" \
	jq -e 'length > 0 and all(.[]; .source == "kernel")' <<<"$changes"
stats=$(jq -c 'select(.type == "stats")' "$T" | tail -1)
lab_say "# trace stats: $stats"
lab_say "# status page reads: $(jq -r '"\(.status_reads) reads, \(.status_read_ns) ns each (TCG)"' <<<"$stats"), changes from $(jq -r .changes_from <<<"$stats")"
check "trace: changes came from the kernel; the status page is only a per-poll backstop" \
	jq -e '.changes_from == "kernel" and .status_reads > 0' <<<"$stats"
late=$(jq -c -s '[.[] | select((.type == "connect" or .type == "bind") and .judged_on_seqno != null)] | length' "$T")
lab_say "# attempts judged on a later policy than their own (reader two changes behind): $late"
check "trace: policy loads (boolean commits, semanage, semodule) are records with rising seqno" \
	jq -e '[.[] | select(.policy_loaded)] | length >= 4 and (map(.seqno) | . == sort)' <<<"$changes"
check "trace --recommend: the relabelled access is advised on the new policy, never to the label it has" \
	jq -e -s '[.[] | select(.type == "advice" and .target_type == "memcache_port_t")] | length >= 1 and all(.[]; (.policy_seqno // 0) > 0 and ([.fixes[] | .new_type // ""] | index("memcache_port_t") == null))' "$T"
check "watch: its report says the policy changed" \
	jq -e -s 'any(.[]; .type == "policy_change" and .policy_loaded)' "$W"
check "watch: the hidden row names the port's new type" \
	jq -e -s 'any(.[]; .type == "watch" and .verdict == "selinux_hidden" and .dport == 3000 and .selinux.target_type == "memcache_port_t")' "$W"
lab_summary
