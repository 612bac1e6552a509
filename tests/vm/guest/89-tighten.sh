#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 21 in the lab: the broad fix already pasted (httpd_can_network_connect on), nginx
# proxying /app/ to 127.0.0.1:3000 and /db/ to 127.0.0.1:5432. watch exports the allowed
# accesses for a while (--export --allowed, rewritten every report); `avcsnoop tighten` reads
# them and nginx's configuration and prints a plan; the plan's argv commands (-j) are run as
# they are; then every location must still answer 200 and the broad boolean must be off, and
# tighten on the same export must find nothing left to tighten.
# Which fix keeps which port is the live policy's answer (tighten asks recommend): the checks
# compare tighten's steps with `avcsnoop recommend`'s own first fix, not with names from here.
. "$(dirname "$0")/lib.sh"
WATCH_PID="" DB_PID="" MODDIR=""
restore() {
	[ -z "$WATCH_PID" ] || kill -INT "$WATCH_PID" 2>/dev/null || true
	[ -z "$DB_PID" ] || kill "$DB_PID" 2>/dev/null || true
	lab_cleanup
	# the plan's changes (modules, port records, setsebool -P), undone for the scenarios after
	# this one: the store as it was saved
	lab_policy_restore || true
	setsebool httpd_can_network_connect=0 httpd_can_network_connect_db=0 \
		httpd_can_network_relay=0 || true
}
trap restore EXIT
lab_scenario t "tighten: httpd_can_network_connect on, nginx uses 3000 and 5432 only"
lab_setup lab_policy_save

lab_setup lab_bool httpd_can_network_connect 1
lab_setup lab_backend_start tcp 127.0.0.1 3000
python3 "$LAB_GUEST/backend.py" tcp 127.0.0.1 5432 >>"$LAB_OUT/backend.log" 2>&1 &
DB_PID=$!
lab_setup lab_wait 20 curl -sf -o /dev/null http://127.0.0.1:5432/
# two locations: lab_nginx_start proxies one upstream, this conf two
lab_nginx_start_two() {
	lab_nginx_stop
	cat >"$LAB_NGINX_CONF" <<-EOF
		# written by tests/vm/guest/89-tighten.sh
		user www-data;
		worker_processes 1;
		pid /run/nginx.pid;
		error_log $LAB_NGINX_ERRLOG;
		events { worker_connections 64; }
		http {
		    access_log /var/log/nginx/access.log;
		    server {
		        listen 127.0.0.1:$LAB_NGINX_PORT;
		        location /app/ { proxy_pass http://127.0.0.1:3000; proxy_next_upstream off; }
		        location /db/ { proxy_pass http://127.0.0.1:5432; proxy_next_upstream off; }
		    }
		}
	EOF
	nginx -t -q -c "$LAB_NGINX_CONF" && nginx -c "$LAB_NGINX_CONF" &&
		lab_wait 20 pgrep -f 'nginx: worker'
}
lab_setup lab_nginx_start_two
get() { curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT$1" || true; }

E=$LAB_OUT/t-allowed.json
W=$LAB_OUT/t-watch.txt
"$LAB_AVCSNOOP" watch --export "$E" --allowed 2 >"$W" 2>"$W.err" &
WATCH_PID=$!
lab_setup lab_wait 120 grep -q '^avcsnoop: have:' "$W.err"
sleep 1 # TCG: let the links settle
codes=""
for _ in 1 2 3; do
	codes="$codes $(get /app/) $(get /db/)"
	sleep 1
done
lab_say "# HTTP statuses with the broad boolean on:$codes"
check_eq "with httpd_can_network_connect on, every location answers 200" \
	"$codes" " 200 200 200 200 200 200"
# the export is rewritten every report: wait for one holding both accesses
has_both() {
	jq -e -s '[.[] | select(.type == "finding" and .verdict == "allowed") | .dport] |
		(index(3000) != null) and (index(5432) != null)' "$E"
}
lab_wait 60 has_both || lab_say "# the export did not show both accesses within 60 s"
kill -INT "$WATCH_PID"
lab_wait 20 sh -c "! kill -0 $WATCH_PID" || kill -KILL "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null || true
WATCH_PID=""
sed 's/^/# export: /' "$E" | head -n 6 || true
check "watch --export --allowed: one allowed finding per port, with counts and first/last seen" \
	jq -e -s '[.[] | select(.type == "finding" and .verdict == "allowed" and .comm == "nginx")] |
		(map(.dport) | sort == [3000, 5432]) and
		all(.[]; .count >= 3 and .first_seen > 0 and .last_seen >= .first_seen and
			.selinux.scontext != "" and .selinux.perms == ["name_connect"])' "$E"

# the plan, from what was seen and what the configuration names
P=$LAB_OUT/t-plan.json
rc=0
"$LAB_AVCSNOOP" tighten -i "$E" --nginx-conf "$LAB_NGINX_CONF" -j >"$P" 2>"$P.err" || rc=$?
"$LAB_AVCSNOOP" tighten -i "$E" --nginx-conf "$LAB_NGINX_CONF" >"$LAB_OUT/t-plan.txt" 2>&1 || true
sed 's/^/# tighten: /' "$LAB_OUT/t-plan.txt" | head -n 60 || true
check_eq "tighten: a plan (exit 3)" "$rc" 3
check "tighten: the plan turns httpd_can_network_connect off, last" \
	jq -e '.outcome == "plan" and (.steps[-1].argv[0].argv == ["setsebool", "-P", "httpd_can_network_connect", "0"])' "$P"
check "tighten: both ports observed and predicted by the configuration, both kept" \
	jq -e '[.accesses[] | select(.port == 3000 or .port == 5432) | select(.observed and .predicted and .kept)] | length == 2' "$P"
check "tighten: the coverage names the period and nginx" \
	jq -e '.coverage.first_seen > 0 and .coverage.last_seen >= .coverage.first_seen and (.coverage.processes | index("nginx") != null)' "$P"
check_contains "tighten text: an access never seen would be cut" \
	"$(cat "$LAB_OUT/t-plan.txt")" "would be cut by this plan"
# each port's step is recommend's own first fix for that port, asked with the boolean off
for port in 3000 5432; do
	step=$(jq -c --argjson p "$port" '[.accesses[] | select(.port == $p)][0].step as $s |
		.steps[] | select(.step == $s)' "$P")
	ttype=$(jq -r --argjson p "$port" '[.accesses[] | select(.port == $p)][0].target_type' "$P")
	setsebool httpd_can_network_connect 0
	adv=$(jq -c --argjson p "$port" 'select(.type == "finding" and .dport == $p) |
		.verdict = "selinux_denied" | .errno = "EACCES"' "$E" | "$LAB_AVCSNOOP" recommend -j 2>/dev/null || true)
	setsebool httpd_can_network_connect 1
	# recommend's first fix that breaks nothing and does not turn a removed boolean back on
	first=$(jq -c --argjson rm "$(jq -c '[.steps[] | select(.removes_broad) | .boolean]' "$P")" \
		'[.fixes[] | select(.rank != null and .breaks == null and
			((.kind == "boolean" and (.boolean as $b | $rm | index($b) != null)) | not))][0] |
		{kind, argv}' <<<"$adv" 2>/dev/null || true)
	lab_say "# port $port ($ttype): step $(jq -c '{kind, argv}' <<<"$step"); recommend: $first"
	# a module is tighten's own (one for every rule, its own name): the same rule in it
	check "tighten: port $port ($ttype) is kept by recommend's first fix for it" \
		jq -e -n --argjson s "$step" --argjson f "${first:-null}" '$f != null and $s.kind == $f.kind and
			(if $f.kind == "local_module" then ($s.argv[0].argv | index($f.argv[0].argv[3]) != null)
			 else $s.argv == $f.argv end)'
done

# apply the plan's argv, in order, as they are (a module file is written where stdout says)
MODDIR=$(mktemp -d)
cat >"$MODDIR/apply.py" <<-'PY'
	import json, subprocess, sys
	plan = json.load(open(sys.argv[1]))
	for step in plan["steps"]:
	    for cmd in step["argv"]:
	        to = cmd.get("stdout")
	        print("# run:", cmd["argv"], "> " + to if to else "", flush=True)
	        out = open(to, "x") if to else None
	        subprocess.run(cmd["argv"], stdout=out, check=True)
PY
rc=0
(cd "$MODDIR" && python3 apply.py "$P") >"$LAB_OUT/t-apply.log" 2>&1 || rc=$?
sed 's/^/# apply: /' "$LAB_OUT/t-apply.log" | head -n 20 || true
check_eq "the plan's commands ran (exit 0)" "$rc" 0
codes=""
for _ in 1 2; do codes="$codes $(get /app/) $(get /db/)"; done
lab_say "# HTTP statuses after the plan:$codes"
check_eq "after the plan, every location still answers 200" "$codes" " 200 200 200 200"
check_contains "after the plan, httpd_can_network_connect is off" \
	"$(getsebool httpd_can_network_connect)" "--> off"
rc=0
"$LAB_AVCSNOOP" tighten -i "$E" --nginx-conf "$LAB_NGINX_CONF" >"$LAB_OUT/t-after.txt" 2>&1 || rc=$?
head -n 3 "$LAB_OUT/t-after.txt" | sed 's/^/# tighten again: /' || true
check_eq "tighten again: nothing to tighten (exit 0)" "$rc" 0
lab_summary
