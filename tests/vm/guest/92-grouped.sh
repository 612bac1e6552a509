#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 9 in the lab: one finding per access. nginx is denied three upstreams (3000 by IPv4
# and IPv6, audited and then hidden by dontaudit; redis 6379; an unreserved port), while
# unrelated processes are traced too (curl to a missing unix socket: ENOENT; curl to nginx:
# allowed). `avcsnoop trace -a -j` is piped into `avcsnoop recommend`: the summary comes
# first, SELinux findings before the others, hidden ones marked, one If/Then/Do block per
# access, successes skipped and counted.
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	lab_hide_off || true
}
trap restore EXIT
lab_scenario g "grouped findings: three denied upstreams + unrelated processes"
lab_setup lab_hide_init

write_conf() {
	lab_nginx_stop
	cat >"$LAB_NGINX_CONF" <<-CONF
		user www-data;
		worker_processes 1;
		pid /run/nginx.pid;
		error_log $LAB_NGINX_ERRLOG;
		events { worker_connections 64; }
		http {
		    access_log /var/log/nginx/access.log;
		    proxy_connect_timeout 5s;
		    proxy_next_upstream off;
		    server {
		        listen 127.0.0.1:$LAB_NGINX_PORT;
		        location /ntop4 { proxy_pass http://127.0.0.1:3000; }
		        location /ntop6 { proxy_pass http://[::1]:3000; }
		        location /redis { proxy_pass http://127.0.0.1:6379; }
		        location /free { proxy_pass http://127.0.0.1:23456; }
		        location /ok { return 200 "ok\n"; }
		    }
		}
	CONF
	nginx -t -q -c "$LAB_NGINX_CONF" && nginx -c "$LAB_NGINX_CONF" &&
		lab_wait 20 pgrep -f 'nginx: worker'
}
lab_setup write_conf
lab_say "# port types: 3000 $(lab_pq seinfo --portcon 3000 2>/dev/null | grep -o '[a-z_]*_port_t' | head -1), 6379 $(lab_pq seinfo --portcon 6379 2>/dev/null | grep -o '[a-z_]*_port_t' | head -1), 23456 $(lab_pq seinfo --portcon 23456 2>/dev/null | grep -o '[a-z_]*_port_t' | head -1)"

T=$LAB_OUT/g-trace.json
lab_setup lab_trace_start "$T" -a -j
get() { curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT$1" || true; }
s4=$(get /ntop4)
s6=$(get /ntop6)
sr=$(get /redis)
sf=$(get /free)
ok=$(get /ok)
# the same access again, now hidden by a dontaudit rule
lab_bool "$LAB_HIDE" 1
sh=$(get /ntop4)
# avcsnoop judges an event with the SELinux state it knows when it reads it (hidden_by comes
# from the policy's auditdeny bit): turn the boolean back only once the event is read
lab_wait 120 bash -c "jq -e -s 'any(.[]; (.type == \"connect\" or .type == \"bind\") and .comm == \"nginx\" and .verdict == \"selinux_hidden\")' '$T' >/dev/null" ||
	lab_say "# trace had not printed the hidden denial within 120 s"
lab_bool "$LAB_HIDE" 0
# an unrelated failure: a missing unix socket
curl -s -o /dev/null -m 5 --unix-socket /run/avc-lab-missing.sock http://x/ || true
lab_trace_stop
lab_say "# statuses: ntop4 $s4, ntop6 $s6, redis $sr, free $sf, ok $ok, hidden $sh"
check_eq "every denied upstream answers 502" "$s4 $s6 $sr $sf $sh" "502 502 502 502 502"

R=$LAB_OUT/g-recommend.txt
avcsnoop recommend "$T" >"$R" 2>"$R.err" || true
lab_say "# recommend (first 12 lines):"
head -n 12 "$R" | sed 's/^/#   /' || true
sed 's/^/# stderr: /' "$R.err" || true
RJ=$LAB_OUT/g-recommend.json
avcsnoop recommend -j "$T" >"$RJ" 2>/dev/null || true

n_ntop=$(jq -s '[.[] | select(.type == "advice" and .target_type == "ntop_port_t")] | length' "$RJ")
check_eq "-j: one advice object for httpd_t -> ntop_port_t (v4, v6, audited, hidden)" "$n_ntop" 1
check "the ntop finding lists 127.0.0.1:3000 and [::1]:3000, audited and hidden counts" \
	jq -e -s '[.[] | select(.type == "advice" and .target_type == "ntop_port_t")][0].finding |
		(.dests | index("127.0.0.1:3000") != null and index("[::1]:3000") != null) and
		.counts.audited >= 2 and .counts.hidden >= 1 and .hidden_by == "dontaudit"' "$RJ"
for t in redis_port_t unreserved_port_t; do
	check_eq "-j: one advice object for httpd_t -> $t" \
		"$(jq -s "[.[] | select(.type == \"advice\" and .target_type == \"$t\")] | length" "$RJ")" 1
done
check "-j: no advice for a success (the allowed requests to nginx)" \
	jq -e -s '[.[] | select(.type == "advice" and .finding.verdict == "allowed")] | length == 0' "$RJ"
nadv=$(jq -s '[.[] | select(.type == "advice")] | length' "$RJ")
nblocks=$(grep -c '^=== [0-9]*/[0-9]*: ' "$R" || true)
check_eq "text: one If/Then/Do block per finding ($nadv findings)" "$nblocks" "$nadv"
check_match "text: the summary comes first" "$(head -n 1 "$R")" '^[0-9]+ findings?: [0-9]+ SELinux'
# summary lines: every SELinux access before the first non-SELinux failure, hidden marked
summary=$(sed -n '/^ *[0-9]*\. /p' "$R")
first_other=$(grep -n 'failed (ENOENT)' <<<"$summary" | head -n 1 | cut -d: -f1)
last_selinux=$(grep -n 'httpd_t -> ' <<<"$summary" | tail -n 1 | cut -d: -f1)
check "text: SELinux findings ($last_selinux) before the ENOENT of curl ($first_other)" \
	test -n "$first_other" -a -n "$last_selinux" -a "${last_selinux:-0}" -lt "${first_other:-0}"
check_match "text: the ntop finding is marked hidden (!!) and has its top fix" "$(grep -A1 'ntop_port_t' <<<"$summary" | head -n 2)" \
	'!! httpd_t -> ntop_port_t:tcp_socket \{ name_connect \}.*HIDDEN \(dontaudit\).*'$'\n''.*top fix [a-z_]+: '
check "stderr: successes skipped and counted" grep -qE '[1-9][0-9]* success\(es\) skipped' "$R.err"
nver=$(avcsnoop recommend --verify "$T" 2>/dev/null | grep -c '^DENIED\|^ALLOWED\|^UNKNOWN' || true)
check_eq "--verify: one line per finding" "$nver" "$nadv"
lab_summary
