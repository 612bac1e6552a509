#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 10 in the lab: `avcsnoop preflight` reads an nginx configuration of several servers
# (upstreams on ports of three types, an upstream of two servers one of them `localhost`, a unix
# socket upstream, a memcached_pass, a listen on a port httpd_t may not bind) and predicts every
# socket's verdict before nginx runs. Then what really happens, traced with `avcsnoop trace -a
# -j`: nginx with the bad listen does not start and trace shows the bind denial; without it,
# each location is requested and each (directive, address) must have the verdict predicted.
# Then preflight's top fixes are applied from its JSON argv, preflight predicts every socket
# allowed (exit 0), nginx starts with the whole configuration and every location answers 200.
# Everything it changes in the policy store is undone at the end (99 starts from the policy).
# preflight runs with --resolve: the localhost upstream becomes its addresses, each compared with
# what trace sees (without it a host name is one row judged by its port, no DNS asked).
. "$(dirname "$0")/lib.sh"

CONF=/etc/nginx/avc-preflight.conf
SOCKDIR=/run/pf-backend
SOCK=$SOCKDIR/app.sock
BACKENDS=()

restore() {
	local pid
	lab_cleanup
	for pid in "${BACKENDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	# the fixes applied for real (ports, fcontext, modules, setsebool -P): the store as saved
	lab_policy_restore || true
	rm -rf "$SOCKDIR"
}
trap restore EXIT
lab_setup lab_policy_save

lab_scenario pf "preflight: predictions before nginx runs = what trace then sees; its fixes make every location 200"

# The state this starts from: 95 (before it) turns booleans on for real; runtime values back
# to the policy's (instant), the persistent ones are what 95 left.
lab_connect_bools_off

# ---- backends: every upstream answers, so a refused connect cannot pass for a verdict ----
backend() { # KIND ARGS...: started in the background, in initrc_t like this script
	python3 "$LAB_GUEST/backend.py" "$@" >>"$LAB_OUT/backend.log" 2>&1 &
	BACKENDS+=($!)
}
mkdir -p "$SOCKDIR"
backend tcp 127.0.0.1 10001 # http_cache_port_t
backend tcp 127.0.0.1 3001  # ntop_port_t
backend tcp ::1 3001
backend memcached 127.0.0.1 11211 # memcache_port_t
backend unix "$SOCK"
lab_setup lab_wait 30 curl -sf -o /dev/null http://127.0.0.1:10001/
lab_setup lab_wait 30 curl -sf -o /dev/null http://127.0.0.1:3001/
lab_setup lab_wait 30 curl -sf -o /dev/null 'http://[::1]:3001/'
lab_setup lab_wait 30 curl -sf -o /dev/null --unix-socket "$SOCK" http://backend/
mc_ok() { # the memcached backend finds the key nginx will ask for
	local line
	exec 3<>/dev/tcp/127.0.0.1/11211 || return 1
	printf 'get k\r\n' >&3
	read -r -t 5 line <&3 || true
	exec 3<&-
	[[ $line == VALUE* ]]
}
lab_setup lab_wait 30 mc_ok
lab_say "# $(ls -Zd "$SOCKDIR" "$SOCK" | tr '\n' ' ')"
lab_say "# localhost is $(python3 -c 'import socket; print(" ".join(sorted({a[4][0] for a in socket.getaddrinfo("localhost", 3001, type=socket.SOCK_STREAM)})))')"

# ---- the configuration; line BAD is the server whose listen httpd_t may not bind ----
write_conf() { # BAD_LINE: the text of the bad server's line
	cat >"$CONF" <<-EOF
		user www-data;
		worker_processes 1;
		pid /run/nginx.pid;
		error_log $LAB_NGINX_ERRLOG;
		events { worker_connections 64; }
		http {
		    access_log /var/log/nginx/access.log;
		    upstream ntop { server 127.0.0.1:3001 max_fails=0; server localhost:3001 max_fails=0; }
		    server {
		        listen 127.0.0.1:$LAB_NGINX_PORT;
		        proxy_connect_timeout 5s;
		        proxy_next_upstream off;
		        location /cache { proxy_pass http://127.0.0.1:10001; }
		        location /ntop { proxy_pass http://ntop; }
		        location /mc { set \$memcached_key k; memcached_pass 127.0.0.1:11211; }
		        location /sock { proxy_pass http://unix:$SOCK:/; }
		    }
		    $1
		}
	EOF
}
BAD='server { listen 127.0.0.1:8081; location / { return 200 "alt ok\n"; } }'
write_conf "$BAD"

# ---- 1. the prediction, before nginx ever runs with this configuration ----
PF=$LAB_OUT/pf-predict.json
rc=0
avcsnoop preflight -j --resolve "$CONF" >"$PF" 2>"$PF.err" || rc=$?
lab_say "# preflight exit $rc; $(cat "$PF.err")"
jq -r 'select(.type == "preflight") | "# predicted: \(.line) \(.directive) \(.dest) \(.target_type) \(.verdict) \(.why // "")"' "$PF" || true
check_eq "preflight exit 3: something would be denied" "$rc" 3
rows() { jq -c "select(.type == \"preflight\" and $1)" "$PF"; }
check "preflight: the upstream's localhost server is resolved (a row for it)" \
	test "$(rows '.upstream == "ntop"' | wc -l)" -ge 2
check "preflight: listen 127.0.0.1:8081 predicted denied (name_bind on transproxy_port_t)" \
	test -n "$(rows '.directive == "listen" and .dest == "127.0.0.1:8081" and .verdict == "selinux_denied" and .target_type == "transproxy_port_t" and (.perms | index("name_bind")) != null')"
check "preflight: memcached_pass predicted denied (memcache_port_t)" \
	test -n "$(rows '.directive == "memcached_pass" and .verdict == "selinux_denied" and .target_type == "memcache_port_t"')"
check "preflight: no socket left unknown" test -z "$(rows '.verdict == "unknown"')"

# compare OP TRACE ROWS_SELECT: each predicted row against trace's nginx events of op OP to its
# destination (every event of it must have the predicted verdict, and there must be one):
# preflight predicts in trace's own words (enum avc_verdict), so no translation
compare() {
	local op=$1 trace=$2 sel=$3 row dest line directive want got
	while read -r row; do
		[ -n "$row" ] || continue
		dest=$(jq -r '.dest' <<<"$row")
		line=$(jq -r '.line' <<<"$row")
		directive=$(jq -r '.directive' <<<"$row")
		want=$(jq -r '.verdict' <<<"$row")
		got=$(jq -R -c 'fromjson? | objects' "$trace" | jq -r -s --arg op "$op" --arg d "$dest" \
			'[.[] | select((.type == "connect" or .type == "bind") and .comm == "nginx" and .op == $op and .dest == $d) | .verdict] | unique | join(",")')
		check_eq "line $line $directive $dest: predicted $want, trace sees the same" "$got" "$want"
	done <<<"$(rows "$sel")" # no /dev/fd in the guest: no process substitution
}

# ---- 2. nginx with the bad listen: does not start; trace shows the bind denial ----
lab_nginx_stop
BT=$LAB_OUT/pf-bind.json
lab_setup lab_trace_start "$BT" -a -j
size=$(stat -c %s "$LAB_NGINX_ERRLOG" 2>/dev/null || echo 0)
rc=0
nginx -c "$CONF" || rc=$?
sleep 0.5
lab_trace_stop
errlog=$(tail -c +"$((size + 1))" "$LAB_NGINX_ERRLOG" 2>/dev/null || true)
lab_say "# nginx exit $rc; error.log: $(tail -n 2 <<<"$errlog")"
check "nginx with listen 127.0.0.1:8081 does not start" test "$rc" -ne 0
check_contains "error.log: bind() to 127.0.0.1:8081 failed (13: Permission denied)" \
	"$errlog" "bind() to 127.0.0.1:8081 failed (13: Permission denied)"
LAB_TRACE=$BT
check_trace "nginx's bind to 127.0.0.1:8081: selinux_denied, name_bind on transproxy_port_t, audited" \
	'map(select((.type == "connect" or .type == "bind") and .comm == "nginx" and .op == "bind" and .dest == "127.0.0.1:8081")) | length >= 1 and all(.verdict == "selinux_denied" and .errno == "EACCES" and .selinux.perms == ["name_bind"] and .selinux.target_type == "transproxy_port_t" and .selinux.source_type == "httpd_t" and .selinux.audited)'
compare bind "$BT" '.directive == "listen"'
lab_nginx_stop

# ---- 3. without the bad server: request every location; each (directive, address) ----
write_conf "# (the server with listen 127.0.0.1:8081 left out: nginx could not start)"
CT=$LAB_OUT/pf-connect.json
lab_setup lab_trace_start "$CT" -a -j
lab_setup nginx -c "$CONF"
lab_setup lab_wait 20 pgrep -f 'nginx: worker'
for path in /cache /ntop /ntop /ntop /mc /sock; do
	lab_say "# GET $path -> $(curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT$path" || true)"
done
sleep 0.5
lab_trace_stop
lab_nginx_stop
compare connect "$CT" '.directive != "listen"'
write_conf "$BAD"

# ---- 4. preflight's top fixes, from its JSON argv; then preflight predicts all allowed ----
# Two accesses may share a top fix (the directory search and the sock_file write of one
# socket: the same `semanage fcontext` for its directory): a person runs it once.
apply_top_fixes() { # PREFLIGHT_JSON ROUND
	local json=$1 round=$2 cmd out dir rc=0 n=0 seen=""
	dir=$(mktemp -d)
	while read -r cmd; do
		[ -n "$cmd" ] || continue
		if grep -qxF -- "$cmd" <<<"$seen"; then
			lab_say "# round $round: $(jq -r '.argv | join(" ")' <<<"$cmd"): the same command as above, run once"
			continue
		fi
		seen+=$cmd$'\n'
		out=$(jq -r '.stdout // empty' <<<"$cmd")
		lab_say "# round $round: $(jq -r '.argv | map(@sh) | join(" ")' <<<"$cmd")${out:+ > $out}"
		lab_argv_run "$dir" "$cmd" || rc=$?
		n=$((n + 1))
	done <<<"$(jq -c 'select(.type == "advice") | .fixes | map(select(.rank != null)) | .[0].argv[]?' "$json")"
	# the modules and persistent booleans among them, each kind in one transaction
	lab_argv_flush || rc=$?
	check_eq "round $round: the top fix of each denied access ran ($n command(s), exit 0)" "$rc" 0
}
json=$PF
for round in 1 2 3; do
	apply_top_fixes "$json" "$round"
	json=$LAB_OUT/pf-after-round$round.json
	rc=0
	avcsnoop preflight -j --resolve "$CONF" >"$json" 2>"$json.err" || rc=$?
	jq -r 'select(.type == "preflight" and .verdict != "allowed") | "# still: \(.line) \(.directive) \(.dest) \(.verdict) \(.why // "")"' "$json" || true
	[ "$rc" = 3 ] || break
done
lab_say "# preflight exit $rc after $round round(s) of top fixes"
check_eq "preflight predicts every socket allowed after the top fixes (exit 0)" "$rc" 0
check_eq "one round of top fixes was enough" "$round" 1

# ---- 5. nginx starts with the whole configuration; every location answers 200 ----
ST=$LAB_OUT/pf-start.json
lab_setup lab_trace_start "$ST" -a -j
rc=0
nginx -c "$CONF" || rc=$?
check_eq "nginx starts with listen 127.0.0.1:8081" "$rc" 0
lab_wait 20 pgrep -f 'nginx: worker' || true
for path in /cache /ntop /ntop /ntop /mc /sock; do
	check_eq "GET $path: 200" "$(curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT$path" || true)" 200
done
check_eq "GET 127.0.0.1:8081: 200" "$(curl -s -o /dev/null -m 20 -w '%{http_code}' http://127.0.0.1:8081/ || true)" 200
sleep 0.5
lab_trace_stop
LAB_TRACE=$ST
check_trace "trace: nginx's bind to 127.0.0.1:8081 now allowed" \
	'map(select((.type == "connect" or .type == "bind") and .comm == "nginx" and .op == "bind" and .dest == "127.0.0.1:8081")) | length >= 1 and all(.verdict == "allowed")'
check_trace "trace: no nginx attempt denied" \
	'map(select((.type == "connect" or .type == "bind") and .comm == "nginx" and (.verdict | startswith("selinux_")))) | length == 0'
lab_summary
