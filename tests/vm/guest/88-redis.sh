#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 20 in the lab: advice that breaks nothing else. A confined Redis (Debian's
# redis-server, started from this script in initrc_t: the policy's own transition on its
# executable's label gives its domain) on 127.0.0.1:6379 and nginx proxying to it (its stream
# module: Redis speaks RESP, not HTTP; "200" here is Redis's +PONG through nginx). nginx's
# connect is denied; avcsnoop's first fix is applied verbatim; then a PING through nginx gets
# PONG *and* Redis still restarts and binds its port: the fix took nothing from Redis.
# Every name (the domains, the port's type, the boolean or module) comes from the policy or
# from avcsnoop's advice, never from this script.
# Then: three local-module fixes for three accesses, written as printed and installed together,
# are all in force at the end (one module name per access: none replaces another).
. "$(dirname "$0")/lib.sh"

REDIS_PORT=6379
FRONT_PORT=46379 # nginx's stream listener: inside ip_local_port_range (32768-60999), where the
# kernel checks no name_bind
REDIS_PID=""
MODULES=()
redis_stop() {
	if [ -n "$REDIS_PID" ]; then
		kill "$REDIS_PID" 2>/dev/null || true
		wait "$REDIS_PID" 2>/dev/null || true
		REDIS_PID=""
	fi
	lab_wait 10 sh -c "! ss -Hltn 'sport = :$REDIS_PORT' | grep -q ." || true
}
cleanup() {
	lab_cleanup
	redis_stop
	# the modules installed below (and the first fix, if its Undo failed)
	lab_policy_restore || true
	[ -z "${RELABELLED_EXE:-}" ] || restorecon "$RELABELLED_EXE" || true
}
trap cleanup EXIT

lab_scenario redis "nginx -> a confined Redis on $REDIS_PORT: the first fix breaks nothing"
if ! command -v redis-server >/dev/null || [ ! -e /usr/lib/nginx/modules/ngx_stream_module.so ]; then
	lab_na "nginx proxying to a confined Redis" \
		"this lab has no redis-server or no nginx stream module (tests/vm/labs/$(. /etc/os-release && echo "debian$VERSION_ID").sh LAB_PACKAGES)"
	exit 0
fi
# what the policy says Redis runs as and what its port is
redis_cmd=$(command -v redis-server)
redis_exe=$(readlink -f "$redis_cmd")
redis_exec_type=$(stat -c %C "$redis_exe" | cut -d: -f3)
# The label the policy's file_contexts give the command's own path as a regular file: a
# distribution that ships the program there gets it (RHEL: /usr/bin/redis-server is the
# binary). Debian ships a symlink to another name, which a policy written for Debian labels
# too, but one written for RHEL does not: then the binary is labelled as the policy labels
# redis-server, as it is where that policy comes from (restored at exit).
fc_type=$(matchpathcon -m file -n "$redis_cmd" 2>/dev/null | cut -d: -f3)
RELABELLED_EXE=""
if [ -n "$fc_type" ] && [ "$redis_exe" != "$redis_cmd" ] && [ "$fc_type" != "$redis_exec_type" ]; then
	lab_say "# $redis_cmd is a symlink to $redis_exe ($redis_exec_type); this policy labels $redis_cmd $fc_type: chcon -t $fc_type $redis_exe"
	chcon -t "$fc_type" "$redis_exe" && RELABELLED_EXE=$redis_exe
	redis_exec_type=$(stat -c %C "$redis_exe" | cut -d: -f3)
fi
port_type=$(lab_pq seinfo --portcon "$REDIS_PORT" 2>/dev/null |
	awk -v p="$REDIS_PORT" '$1 == "portcon" && $2 == "tcp" && $3 == p { split($4, c, ":"); print c[3] }')
lab_say "# redis-server is $redis_exec_type; tcp/$REDIS_PORT is ${port_type:-?}"

# redis_start: Redis as the policy runs it from a service script (initrc_t -> its domain)
redis_start() {
	redis_stop
	# as the redis user, as its service would (setpriv execs: the pid stays Redis's)
	setpriv --reuid=redis --regid=redis --init-groups \
		redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize no --save '' \
		--appendonly no --dir /var/lib/redis --logfile '' >/dev/null 2>&1 </dev/null &
	REDIS_PID=$!
	lab_wait 30 sh -c "redis-cli -p $REDIS_PORT ping | grep -qx PONG"
}
mark=$(lab_kmsg_mark)
lab_setup lab_policy_save
lab_setup redis_start
redis_domain=$(lab_domain_of "$REDIS_PID" | cut -d: -f3)
# the domain the policy gives a service script executing redis-server (type_transition)
self=$(id -Z | cut -d: -f3)
want_domain=$(lab_pq sesearch -T -s "$self" -t "$redis_exec_type" -c process 2>/dev/null |
	awk '$1 == "type_transition" { sub(/;$/, "", $NF); print $NF; exit }')
lab_say "# Redis pid $REDIS_PID runs as $redis_domain; the policy's transition: $self -> ${want_domain:-none}"
if [ -z "$want_domain" ] || lab_pq seinfo -x -a unconfined_domain_type 2>/dev/null |
	awk '{ print $1 }' | grep -qx "$want_domain"; then
	lab_na "a confined Redis" "the policy gives redis-server ($redis_exec_type) no confined domain of its own from $self ('${want_domain:-no type_transition}')"
	exit 0
fi
check_eq "Redis runs confined in the policy's domain for its executable" "$redis_domain" "$want_domain"
check "Redis binds tcp/$REDIS_PORT (${port_type:-?}) in its domain" \
	sh -c "ss -Hltn 'sport = :$REDIS_PORT' | grep -q ."

# nginx: a stream proxy from FRONT_PORT to Redis
nginx_stream_start() {
	lab_nginx_stop
	cat >"$LAB_NGINX_CONF" <<-EOF
		# written by tests/vm/guest/88-redis.sh
		load_module /usr/lib/nginx/modules/ngx_stream_module.so;
		user www-data;
		worker_processes 1;
		pid /run/nginx.pid;
		error_log $LAB_NGINX_ERRLOG;
		events { worker_connections 64; }
		stream {
		    server {
		        listen 127.0.0.1:$FRONT_PORT;
		        proxy_pass 127.0.0.1:$REDIS_PORT;
		        proxy_connect_timeout 5s;
		    }
		}
	EOF
	nginx -t -q -c "$LAB_NGINX_CONF" || return 1
	nginx -c "$LAB_NGINX_CONF" || return 1
	lab_wait 20 pgrep -f 'nginx: worker' || return 1
	LAB_NGINX_WORKER=$(pgrep -f 'nginx: worker' | head -n 1)
	NGINX_DOMAIN=$(lab_domain_of "$LAB_NGINX_WORKER" | cut -d: -f3)
	lab_say "# nginx stream :$FRONT_PORT -> :$REDIS_PORT (worker $LAB_NGINX_WORKER, $NGINX_DOMAIN)"
}
lab_setup nginx_stream_start

# ping NAME: PING Redis through nginx with avcsnoop tracing; REPLY is what came back
ping_through_nginx() {
	LAB_TRACE="$LAB_OUT/$1.json"
	lab_trace_start "$LAB_TRACE" || true
	REPLY=$(timeout 20 redis-cli -p "$FRONT_PORT" ping 2>&1 || true)
	sleep 0.3
	lab_trace_stop
	lab_say "# PING through nginx -> $REPLY"
}
cmark=$(lab_kmsg_mark)
ping_through_nginx redis-before
check "before any fix: PING through nginx does not reach Redis" test "$REPLY" != PONG
# the kernel's own record of it: its port is dest=, and recommend reads it from there
crec=$(lab_kmsg_since "$cmark" | grep -E 'avc: +denied +\{ name_connect \}' | head -n 1 || true)
lab_say "# kmsg: $crec"
# (no process substitution here: the lab's /dev has no /dev/fd)
cadv=$(avcsnoop recommend -j <<<"$crec" 2>/dev/null || true)
check "recommend reads the kernel's name_connect record: dest $REDIS_PORT, ${port_type:-?}" \
	jq -e -s --argjson p "$REDIS_PORT" --arg t "${port_type:-?}" 'map(select(.type == "advice"))[0].finding | .dport == $p and .selinux.target_type == $t' <<<"$cadv"
advice="$LAB_OUT/redis.advice.json"
avcsnoop recommend -j "$LAB_TRACE" >"$advice" 2>"$advice.err" || true
top=$(jq -c 'select(.type == "advice") | .fixes | map(select(.rank != null)) | .[0] // empty' "$advice" | head -n 1)
lab_say "# top fix: $(jq -r '.kind + ": " + (.commands | join(" ; "))' <<<"$top" 2>/dev/null)"
check "avcsnoop saw nginx's denied connect to $REDIS_PORT and recommends a fix" test -n "$top"
check "the first fix breaks nothing (no domain loses a permission)" \
	jq -e '.breaks == null or (.breaks | length) == 0' <<<"$top"
check "a relabel of $REDIS_PORT, if advised, names $redis_domain's loss and ranks after the first" \
	jq -e --arg d "$redis_domain" 'select(.type == "advice") | [.fixes[] | select(.kind == "port_relabel")] | all((.rank // 99) > 1 and ((.breaks // []) | map(.domain) | index($d) != null))' "$advice"
rc=0
(cd "$(mktemp -d)" && jq -j '.commands | map(. + "\n") | add' <<<"$top" >apply.sh && bash -e apply.sh) \
	>"$LAB_OUT/redis.apply.log" 2>&1 || rc=$?
check_eq "the first fix's commands ran (exit 0)" "$rc" 0
ping_through_nginx redis-after
check_eq "after the first fix: PING through nginx gets Redis's PONG" "$REPLY" PONG
# the fix must not have taken Redis's own port from it: restart it, it binds again
lab_setup redis_stop
check "Redis restarts after the fix and answers on $REDIS_PORT" redis_start
check "the restarted Redis binds tcp/$REDIS_PORT in $redis_domain" \
	sh -c "ss -Hltn 'sport = :$REDIS_PORT' | grep -q . && [ \"\$(ps -o label= -p \$0 | cut -d: -f3)\" = \"\$1\" ]" "$REDIS_PID" "$redis_domain"
ping_through_nginx redis-restarted
check_eq "and nginx still reaches the restarted Redis" "$REPLY" PONG
check_absent "no name_bind/node_bind denial for $redis_domain since Redis first started" \
	"$(lab_kmsg_since "$mark")" "avc: +denied +\{ (name_bind|node_bind) \} .*scontext=[^ ]*:$redis_domain:"
# undo the first fix with its own Undo argv (a boolean, a module, ...), so that later
# scenarios meet the policy as it was
undos=$(jq -c '.undo[]?.argv' <<<"$top")
while IFS= read -r argv; do
	[ -n "$argv" ] || continue
	undo_cmd=()
	while IFS= read -r a; do undo_cmd+=("$a"); done <<<"$(jq -r '.[]' <<<"$argv")"
	"${undo_cmd[@]}" >>"$LAB_OUT/redis.undo.log" 2>&1 || true
done <<<"$undos"
check "the first fix undone by its Undo commands: nginx's connect to $REDIS_PORT denied again" \
	bash -c '! avcsnoop recommend --verify <<<"$1" >/dev/null 2>&1' _ "$crec"
lab_cleanup
redis_stop

lab_scenario bind-record "the kernel's name_bind record: the port is src=, and recommend reads it"
# nginx asked to listen on Redis's port (Redis stopped): the policy lets only Redis bind it
bmark=$(lab_kmsg_mark)
sed "s/listen 127.0.0.1:$FRONT_PORT;/listen 127.0.0.1:$REDIS_PORT;/; s/proxy_pass 127.0.0.1:$REDIS_PORT;/proxy_pass 127.0.0.1:1;/" \
	"$LAB_NGINX_CONF" >"$LAB_NGINX_CONF.bind"
rc=0
nginx -c "$LAB_NGINX_CONF.bind" >/dev/null 2>&1 || rc=$?
lab_nginx_stop
brec=$(lab_kmsg_since "$bmark" | grep -E 'avc: +denied +\{ name_bind \}' | head -n 1 || true)
lab_say "# nginx exit $rc; kmsg: $brec"
check_match "kmsg: nginx's bind to $REDIS_PORT denied name_bind, the port written src=$REDIS_PORT" \
	"$brec" "avc: +denied +\\{ name_bind \\} .* src=$REDIS_PORT .*tclass=tcp_socket"
badv=$(avcsnoop recommend -j <<<"$brec" 2>/dev/null || true)
check "recommend reads the port of the kernel's name_bind record ($REDIS_PORT), not a bare module" \
	jq -e -s --argjson p "$REDIS_PORT" 'map(select(.type == "advice"))[0] | .finding.dport == $p and ([.fixes[] | select(.kind == "port_relabel")] | length >= 1)' <<<"$badv"

lab_scenario modules "three module fixes, installed together, all in force"
# three accesses nginx's domain is denied: name_connect to three port types of the policy that
# it may not reach now (avcsnoop recommend --verify says which), their modules applied in turn
dom=$NGINX_DOMAIN
avc_line() { # PORT TYPE
	printf 'type=AVC msg=audit(1700000000.1:%s): avc:  denied  { name_connect } for  pid=1 comm="nginx" dest=%s scontext=system_u:system_r:%s:s0 tcontext=system_u:object_r:%s:s0 tclass=tcp_socket permissive=0\n' \
		"$1" "$1" "$dom" "$2"
}
picked=()
lab_pq seinfo --portcon 2>/dev/null | awk '$1 == "portcon" { print $2, $3, $4 }' |
	grep -v 'reserved_port_t\|unreserved_port_t' | sort -u -k3,3 | head -n 60 >"$LAB_OUT/portcons.txt" || true
while read -r proto range ctx; do
	[ "$proto" = tcp ] || continue
	t=$(cut -d: -f3 <<<"$ctx")
	p=${range%%-*}
	if ! avcsnoop recommend --verify <<<"$(avc_line "$p" "$t")" >/dev/null 2>&1; then
		picked+=("$p:$t")
	fi
	[ ${#picked[@]} -lt 3 ] || break
done <"$LAB_OUT/portcons.txt"
lab_say "# $dom denied name_connect to: ${picked[*]}"
check_eq "three denied accesses found in the policy" "${#picked[@]}" 3
# Each module's commands as printed, but the semodule -i of all three in one transaction: the
# same three modules in the store (a shared name would leave two), one policy rebuild instead
# of three (40 s each under emulation).
mdir=$(mktemp -d)
install_args=()
for pt in "${picked[@]}"; do
	adv=$(avcsnoop recommend -j <<<"$(avc_line "${pt%%:*}" "${pt#*:}")" 2>/dev/null)
	mod=$(jq -c 'select(.type == "advice") | .fixes[] | select(.kind == "local_module")' <<<"$adv" | head -n 1)
	name=$(jq -r '.commands[-1]' <<<"$mod" | awk '{ print $NF }')
	MODULES+=("${name%.cil}")
	rc=0
	# every command but the last (it writes the module file), run as printed
	(cd "$mdir" && jq -j '.commands[:-1] | map(. + "\n") | add // ""' <<<"$mod" >"apply-$pt.sh" &&
		bash -e "apply-$pt.sh") >>"$LAB_OUT/modules.apply.log" 2>&1 || rc=$?
	check_eq "module $name for $pt written by its printed commands" "$rc" 0
	# the last: semodule -i FILE, as its argv says
	check "module $name for $pt: its last command is semodule -i $name" \
		jq -e --arg f "$name" '.argv[-1].argv == ["semodule", "-i", $f]' <<<"$mod"
	install_args+=(-i "$name")
done
rc=0
(cd "$mdir" && semodule "${install_args[@]}") >>"$LAB_OUT/modules.apply.log" 2>&1 || rc=$?
lab_say "# semodule ${install_args[*]}: exit $rc"
check_eq "the three modules installed (one semodule transaction)" "$rc" 0
rm -rf -- "$mdir"
check_eq "three distinct module names" "$(printf '%s\n' "${MODULES[@]}" | sort -u | wc -l)" 3
for pt in "${picked[@]}"; do
	check "after all three: $dom -> ${pt#*:} (${pt%%:*}) allowed by the live policy" \
		avcsnoop recommend --verify <<<"$(avc_line "${pt%%:*}" "${pt#*:}")"
done
lab_summary
