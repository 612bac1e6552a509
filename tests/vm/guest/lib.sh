# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Guest-side library for lab scenarios (sourced by tests/vm/guest/*.sh; runs in the VM as root
# in initrc_t). See tests/vm/README.md for the API. Every check appends one line to
# $LAB_OUT/results.txt ("PASS|FAIL <scenario>: <what>"), which tests/vm/suite.sh counts.
set -euo pipefail

LAB_OUT=${LAB_OUT:-/mnt/host/out}
LAB_GUEST=${LAB_GUEST:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LAB_RESULTS=$LAB_OUT/results.txt
LAB_NGINX_CONF=/etc/nginx/avc-lab.conf
LAB_NGINX_ERRLOG=/var/log/nginx/error.log
LAB_NGINX_PORT=80 # must be http_port_t: binding e.g. :81 is denied (reserved_port_t)
LAB_AVCSNOOP=${LAB_AVCSNOOP:-$(command -v avcsnoop || true)}
LAB_SCENARIO=${LAB_SCENARIO:-setup}
mkdir -p "$LAB_OUT"
# The counting and reporting are the one harness of every suite (tests/lib/common.sh; lab.sh puts
# a copy beside this file in the VM): each check is also recorded in results.txt, named
# "SCENARIO: WHAT" (HARNESS_LABEL, set by lab_scenario).
HARNESS_CORE_ONLY=1 HARNESS_RECORD=$LAB_RESULTS
HARNESS_LABEL=$LAB_SCENARIO
if [ -f "$LAB_GUEST/common.sh" ]; then
	# shellcheck source=../../lib/common.sh
	. "$LAB_GUEST/common.sh"
else
	. "$LAB_GUEST/../../lib/common.sh"
fi

# ---- reporting ----------------------------------------------------------------------------

lab_say() { printf '%s\n' "$*"; }

# lab_scenario ID TITLE: names the checks that follow ("a", "8080 -> http_cache_port_t").
lab_scenario() {
	LAB_SCENARIO=$1
	HARNESS_LABEL=$1
	lab_say ""
	lab_say "=== scenario $1: $2"
}

lab_pass() { ok "$1"; }

# lab_fail WHAT [DETAIL]: DETAIL (what was seen) goes to the output, indented.
lab_fail() { bad "$1" "${2:-}"; }

# lab_na WHAT REASON: WHAT does not apply to this lab (its kernel or policy), and why: a proven
# difference, not an assumption. Neither a pass nor a failure: suite.sh counts it apart.
lab_na() {
	echo "N/A  $HARNESS_LABEL: $1: $2"
	harness_record N/A "$HARNESS_LABEL: $1: $2"
}

# lab_kernel_only: the scenario (named by lab_scenario) proves the kernel, not the policy; on a
# lab that boots another lab's kernel (LAB_KERNEL_NA, from labs/NAME.sh via lab.sh) it is one
# N/A line with that reason and the script ends. Call it right after lab_scenario.
lab_kernel_only() {
	[ -n "${LAB_KERNEL_NA:-}" ] || return 0
	lab_na "the whole scenario (it tests the kernel, not the policy)" "$LAB_KERNEL_NA"
	# called before any setup: nothing for the scenario's EXIT trap to undo (94's would fail
	# removing cgroups it never made)
	trap - EXIT
	exit 0
}

# check WHAT CMD...: passes when CMD succeeds (tests/lib/common.sh: its output shown on failure)

check_eq() {
	local what=$1 got=$2 want=$3
	if [ "$got" = "$want" ]; then
		lab_pass "$what"
	else
		lab_fail "$what" "want: $want"$'\n'"got:  $got"
	fi
}

# check_contains WHAT TEXT NEEDLE: NEEDLE is a fixed string.
check_contains() {
	local what=$1 text=$2 needle=$3
	if grep -qF -- "$needle" <<<"$text"; then
		lab_pass "$what"
	else
		lab_fail "$what" "missing: $needle"$'\n'"in: ${text:-(nothing)}"
	fi
}

# check_match WHAT TEXT REGEX: some line of TEXT matches the extended REGEX.
check_match() {
	local what=$1 text=$2 regex=$3
	if grep -qE -- "$regex" <<<"$text"; then
		lab_pass "$what"
	else
		lab_fail "$what" "no line matches: $regex"$'\n'"in: ${text:-(nothing)}"
	fi
}

# check_absent WHAT TEXT REGEX: no line of TEXT matches the extended REGEX.
check_absent() {
	local what=$1 text=$2 regex=$3
	if grep -qE -- "$regex" <<<"$text"; then
		lab_fail "$what" "unexpected: $(grep -E -- "$regex" <<<"$text")"
	else
		lab_pass "$what"
	fi
}

# check_event WHAT JQ_EXPR: the selected avcsnoop event (lab_event) makes JQ_EXPR true.
check_event() {
	local what=$1 expr=$2
	if [ -z "${LAB_EVENT:-}" ]; then
		lab_fail "avcsnoop: $what" "no matching avcsnoop event: $LAB_EVENT_WHY"
	elif jq -e "$expr" >/dev/null 2>&1 <<<"$LAB_EVENT"; then
		lab_pass "avcsnoop: $what"
	else
		lab_fail "avcsnoop: $what" "jq: $expr"$'\n'"event: $LAB_EVENT"
	fi
}

# check_events WHAT JQ_EXPR [WHAT JQ_EXPR ...]: check_event for each pair, in one jq (each jq
# start costs a few tenths of a second under emulation). An expression is true as jq -e takes
# it (its last output neither false nor null); one that fails to run is false.
check_events() {
	local prog="" whats=() exprs=() i res=()
	while [ $# -ge 2 ]; do
		whats+=("$1")
		exprs+=("$2")
		prog+="${prog:+, }(try ([$2] | last | . != false and . != null) catch false)"
		shift 2
	done
	if [ -n "${LAB_EVENT:-}" ]; then
		mapfile -t res <<<"$(jq -c "$prog" 2>/dev/null <<<"$LAB_EVENT")"
	fi
	for i in "${!whats[@]}"; do
		if [ -z "${LAB_EVENT:-}" ]; then
			lab_fail "avcsnoop: ${whats[i]}" "no matching avcsnoop event: $LAB_EVENT_WHY"
		elif [ "${res[i]:-}" = true ]; then
			lab_pass "avcsnoop: ${whats[i]}"
		else
			lab_fail "avcsnoop: ${whats[i]}" "jq: ${exprs[i]}"$'\n'"event: $LAB_EVENT"
		fi
	done
}

# check_trace WHAT JQ_EXPR: JQ_EXPR is true of the whole avcsnoop output, slurped as an array.
check_trace() {
	local what=$1 expr=$2
	if [ ! -s "$LAB_TRACE" ]; then
		lab_fail "avcsnoop: $what" "avcsnoop wrote nothing: $(head -c 300 "$LAB_TRACE.err" 2>/dev/null)"
	elif lab_trace_objects | jq -e -s "$expr" >/dev/null 2>&1; then
		lab_pass "avcsnoop: $what"
	else
		lab_fail "avcsnoop: $what" "jq -s: $expr"$'\n'"output: $(head -c 800 "$LAB_TRACE")"
	fi
}

# lab_setup CMD...: a step the checks depend on; when it fails, records a FAIL and ends the
# scenario script (its EXIT trap cleans up).
lab_setup() {
	if ! "$@"; then
		lab_fail "setup: $*"
		exit 1
	fi
}

# lab_summary: prints the counts of this script; exit status 1 when anything failed.
lab_summary() {
	lab_say ""
	rm -f "$HARNESS_OUT"
	SUITE=$(basename "$0") harness_result
}

# ---- waiting ------------------------------------------------------------------------------

# lab_wait SECONDS CMD...: retries CMD every 0.2 s until it succeeds or the time is up.
lab_wait() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# ---- SELinux state ------------------------------------------------------------------------

# lab_policy_file: the binary policy file the loaded policy came from, the newest version in
# /etc/selinux/SELINUXTYPE/policy/: semodule, semanage and setsebool -P write it, then load it;
# load_policy reads it. It differs from /sys/fs/selinux/policy only in the booleans' runtime
# values (setsebool without -P writes no file).
lab_policy_file() {
	local type
	type=$(sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config)
	find /etc/selinux/"$type"/policy -maxdepth 1 -name 'policy.[0-9]*' 2>/dev/null |
		sort -t. -k2,2n | tail -n 1
}

# lab_pq sesearch|seinfo ARGS...: the setools tool's answer about the loaded policy, read from
# its file (lab_policy_file) and remembered for the boot by that file and ARGS. Under
# emulation one sesearch on targeted takes ~20 s (it walks all 380k rules) and many scenarios
# ask the same question of the same rules; a new question goes to pq.py's server, which runs
# the tool's own script on the policy it loaded once (a few seconds). setools prints no
# boolean's runtime value (a conditional rule says which branch it is in, [ bool ]:True), so a
# runtime setsebool changes no answer; whatever changes rules or labels writes a new file,
# hence a new key.
LAB_PQ_DIR=/run/avc-lab-pq
# lab_pq_server: pq.py's server on $LAB_PQ_DIR/pq.sock, started once per boot (in its own
# session: a scenario's clean-up does not end it).
lab_pq_server() {
	[ -S "$LAB_PQ_DIR/pq.sock" ] && return 0
	[ -d "$LAB_PQ_DIR" ] || mkdir -m 0700 "$LAB_PQ_DIR"
	setsid python3 "$LAB_GUEST/pq.py" serve "$LAB_PQ_DIR/pq.sock" </dev/null \
		>>"$LAB_PQ_DIR/serve.log" 2>&1 &
	lab_wait 60 test -S "$LAB_PQ_DIR/pq.sock"
}
LAB_POLICY_FILE=""
lab_pq() {
	local tool=$1 file key rc=0
	shift
	[ -n "$LAB_POLICY_FILE" ] || LAB_POLICY_FILE=$(lab_policy_file)
	file=$LAB_POLICY_FILE
	if [ -z "$file" ]; then
		echo "lab_pq: no binary policy file under /etc/selinux (SELINUXTYPE)" >&2
		return 2
	fi
	# the file as written: its writers (libsemanage, lab_policy_restore) always make a new
	# file (a new inode); pq.py's server itself keys what it loads by the content's sha256
	key=$(printf '%s\0' "$file" "$(stat -c '%i %s %.9Y' -- "$file")" "$tool" "$@" |
		sha256sum | cut -c1-40)
	if [ ! -f "$LAB_PQ_DIR/$key.rc" ]; then
		[ -d "$LAB_PQ_DIR" ] || mkdir -m 0700 "$LAB_PQ_DIR"
		# asked of pq.py's server (the tool's own script, the policy loaded once); the tool
		# itself when the server cannot answer
		if lab_pq_server; then
			python3 "$LAB_GUEST/pq.py" ask "$LAB_PQ_DIR/pq.sock" "$file" "$tool" "$@" \
				>"$LAB_PQ_DIR/$key.out" 2>"$LAB_PQ_DIR/$key.err" || rc=$?
		else
			rc=125
		fi
		if [ "$rc" -eq 125 ]; then
			rc=0
			"$tool" "$file" "$@" >"$LAB_PQ_DIR/$key.out" 2>"$LAB_PQ_DIR/$key.err" || rc=$?
		fi
		echo "$rc" >"$LAB_PQ_DIR/$key.rc"
	fi
	[ ! -s "$LAB_PQ_DIR/$key.err" ] || cat -- "$LAB_PQ_DIR/$key.err" >&2
	[ ! -s "$LAB_PQ_DIR/$key.out" ] || cat -- "$LAB_PQ_DIR/$key.out"
	read -r rc <"$LAB_PQ_DIR/$key.rc"
	return "$rc"
}

# lab_policy_save / lab_policy_restore: a scenario that applies fixes for real (semodule,
# semanage, setsebool -P) saves the policy store and the installed policy first, and its EXIT
# trap puts them back and loads that policy: one copy and one load_policy instead of undoing
# each fix by another policy rebuild (35-45 s each under emulation, on refpolicy as on
# targeted). The booleans' runtime values come back too; file labels a fix's restorecon changed
# are the scenario's to restore (its own trees). An Undo the tool prints is still run where
# the scenario asserts it.
LAB_POLICY_SAVED=/run/avc-lab-policy.saved
lab_policy_save() {
	local type
	type=$(sed -n 's/^SELINUXTYPE=//p' /etc/selinux/config)
	[ -n "$type" ] || { lab_say "# lab_policy_save: no SELINUXTYPE in /etc/selinux/config"; return 1; }
	rm -rf -- "$LAB_POLICY_SAVED"
	mkdir -m 0700 "$LAB_POLICY_SAVED"
	cp -a "/var/lib/selinux/$type" "$LAB_POLICY_SAVED/store" &&
		cp -a "/etc/selinux/$type" "$LAB_POLICY_SAVED/etc" &&
		getsebool -a >"$LAB_POLICY_SAVED/booleans" &&
		printf '%s\n' "$type" >"$LAB_POLICY_SAVED/type"
}
lab_policy_restore() {
	local type line bools=() rc=0
	[ -f "$LAB_POLICY_SAVED/type" ] || return 0
	type=$(cat "$LAB_POLICY_SAVED/type")
	# unchanged since the save (a scenario that stopped early): nothing to load
	if ! cmp -s "$(lab_policy_file)" "$LAB_POLICY_SAVED/etc/policy/$(basename "$(lab_policy_file)")" ||
		! diff -rq "/var/lib/selinux/$type" "$LAB_POLICY_SAVED/store" >/dev/null 2>&1; then
		find "/var/lib/selinux/$type" "/etc/selinux/$type" -mindepth 1 -delete &&
			cp -a "$LAB_POLICY_SAVED/store/." "/var/lib/selinux/$type/" &&
			cp -a "$LAB_POLICY_SAVED/etc/." "/etc/selinux/$type/" &&
			restorecon -R "/var/lib/selinux/$type" "/etc/selinux/$type" &&
			load_policy || rc=1
	fi
	# the kernel keeps runtime boolean values across a load: put back those that differ
	# (no process substitution: the lab's /dev has no /dev/fd)
	while IFS= read -r line; do
		[ -z "$line" ] || bools+=("$line")
	done <<<"$(getsebool -a | awk 'NR == FNR { saved[$1] = $3; next }
		($1 in saved) && saved[$1] != $3 { print $1 "=" (saved[$1] == "on" ? 1 : 0) }' \
		"$LAB_POLICY_SAVED/booleans" -)"
	[ ${#bools[@]} -eq 0 ] || setsebool "${bools[@]}" || rc=1
	rm -rf -- "$LAB_POLICY_SAVED"
	lab_say "# policy store and booleans put back as saved (exit $rc)"
	return "$rc"
}

# lab_argv_run DIR JSON: runs one command avcsnoop printed ({"argv": [...], "stdout": FILE})
# in DIR, as printed; but `semodule -i FILE`/`-r NAME` and `setsebool -P NAME VALUE` each
# rebuild the whole policy (40 s and 6 s under emulation): their arguments are kept for
# lab_argv_flush, which runs them as one semodule and one setsebool -P transaction (the same
# modules and booleans; a wrong name fails it as it would fail alone).
LAB_DEFER_SEMODULE=()
LAB_DEFER_BOOLS=()
lab_argv_run() {
	local dir=$1 cmd=$2 out argv=() i ok
	out=$(jq -r '.stdout // empty' <<<"$cmd")
	mapfile -t argv <<<"$(jq -r '.argv[]' <<<"$cmd")"
	if [ -z "$out" ] && [ "${argv[0]}" = semodule ] && [ $((${#argv[@]} % 2)) = 1 ]; then
		ok=1
		for ((i = 1; i < ${#argv[@]}; i += 2)); do
			[[ ${argv[i]} == -[ir] ]] || ok=0
		done
		if [ "$ok" = 1 ]; then
			for ((i = 1; i < ${#argv[@]}; i += 2)); do
				if [ "${argv[i]}" = -i ] && [[ ${argv[i + 1]} != /* ]]; then
					LAB_DEFER_SEMODULE+=(-i "$dir/${argv[i + 1]}")
				else
					LAB_DEFER_SEMODULE+=("${argv[i]}" "${argv[i + 1]}")
				fi
			done
			return 0
		fi
	fi
	if [ -z "$out" ] && [ ${#argv[@]} = 4 ] && [ "${argv[0]} ${argv[1]}" = "setsebool -P" ]; then
		LAB_DEFER_BOOLS+=("${argv[2]}=${argv[3]}")
		return 0
	fi
	if [ -n "$out" ]; then
		(cd "$dir" && "${argv[@]}" >"$out")
	else
		(cd "$dir" && "${argv[@]}")
	fi
}
# lab_argv_flush [semodule|setsebool]: the kept semodule and setsebool -P arguments (or those
# of one tool), one command each; 0 when they ran (or there was nothing to run).
lab_argv_flush() {
	local rc=0 only=${1:-}
	if [ "$only" != setsebool ] && [ ${#LAB_DEFER_SEMODULE[@]} -gt 0 ]; then
		lab_say "# semodule ${LAB_DEFER_SEMODULE[*]}"
		semodule "${LAB_DEFER_SEMODULE[@]}" || rc=1
		LAB_DEFER_SEMODULE=()
	fi
	if [ "$only" != semodule ] && [ ${#LAB_DEFER_BOOLS[@]} -gt 0 ]; then
		lab_say "# setsebool -P ${LAB_DEFER_BOOLS[*]}"
		setsebool -P "${LAB_DEFER_BOOLS[@]}" || rc=1
		LAB_DEFER_BOOLS=()
	fi
	return "$rc"
}

# lab_bool NAME 0|1: runtime boolean change (no -P: instant, no policy rebuild).
lab_bool() {
	setsebool "$1" "$2" || { lab_say "setsebool $1 $2 failed"; return 1; }
	lab_say "# setsebool $1 $2 -> $(getsebool "$1")"
}

# lab_hide_init: sets LAB_HIDE to the boolean that turns on a dontaudit rule hiding httpd_t's
# name_connect to any port type, as the loaded policy says (sesearch on the attribute
# port_type itself). Refpolicy has one (nsswitch_domain's, under its NIS boolean); targeted has
# none: the targeted labs' image carries the same rule for httpd_t in the lab's own CIL module
# (avc_lab_hide.cil, under a boolean of its own, off; lib/image.sh), and a policy without either
# gets the module here, once per boot (semodule -i is slow under emulation, setsebool is not).
LAB_HIDE=""
LAB_HIDE_MODULE=avc_lab_hide
lab_hide_find() {
	# the lab's own module (in the image, or installed earlier in this boot): its boolean
	if getsebool avc_lab_hide_connect >/dev/null 2>&1; then
		echo avc_lab_hide_connect
		return 0
	fi
	lab_pq sesearch --dontaudit -s httpd_t -t port_type -dt -c tcp_socket -p name_connect 2>/dev/null |
		sed -n 's/.*\[ \([a-z0-9_]*\) \]:True$/\1/p' | head -n 1
}
lab_hide_init() {
	LAB_HIDE=$(lab_hide_find)
	if [ -z "$LAB_HIDE" ]; then
		lab_say "# no dontaudit rule hides httpd_t's name_connect in this policy: semodule -i $LAB_HIDE_MODULE.cil"
		local dir # a copy in /tmp: semodule may not read the 9p share
		dir=$(mktemp -d)
		cp "$LAB_GUEST/$LAB_HIDE_MODULE.cil" "$dir/" &&
			semodule -i "$dir/$LAB_HIDE_MODULE.cil" || { rm -rf -- "$dir"; return 1; }
		rm -rf -- "$dir"
		LAB_HIDE=$(lab_hide_find)
	fi
	[ -n "$LAB_HIDE" ] || { lab_say "no boolean turns on a dontaudit rule for httpd_t"; return 1; }
	lab_say "# the boolean that hides httpd_t's name_connect denials: $LAB_HIDE"
}

# lab_hide_off: the hiding boolean back off (for EXIT traps; nothing when never found).
lab_hide_off() { [ -z "$LAB_HIDE" ] || setsebool "$LAB_HIDE" 0; }

# lab_connect_bools_off: every boolean under which the loaded policy lets httpd_t name_connect
# (sesearch's conditional rules), and the hiding one, off at runtime: the state a scenario that
# follows 95-recommend's real fixes starts from, whatever the policy names its booleans.
lab_connect_bools_off() {
	local b on=()
	for b in $(lab_pq sesearch -A -s httpd_t -c tcp_socket -p name_connect 2>/dev/null |
		sed -n 's/.*\[ \(.*\) \]:True$/\1/p' | tr -c 'a-z0-9_\n' '\n' | sort -u) $(lab_hide_find); do
		[ "$(getsebool "$b" 2>/dev/null | awk '{print $NF}')" = on ] && on+=("$b=0")
	done
	[ ${#on[@]} -eq 0 ] || setsebool "${on[@]}"
	lab_say "# booleans turned off:${on[*]/#/ }"
}

# lab_port_type PORT: the type the loaded policy gives tcp PORT (seinfo: the narrowest portcon
# holding it; local semanage records are in the loaded policy too). Names come from here, never
# from a list per distribution.
lab_port_type() {
	lab_pq seinfo --portcon "$1" 2>/dev/null | awk '$1 == "portcon" && $2 == "tcp" {
		n = split($3, r, "-"); lo = r[1]; hi = (n > 1) ? r[2] : r[1]
		split($4, c, ":")
		if (best == "" || hi - lo < width) { best = c[3]; width = hi - lo }
	} END { print best }'
}

lab_domain_of() { ps -o label= -p "$1" 2>/dev/null | awk '{print $1}'; }

# ---- backend ------------------------------------------------------------------------------

LAB_BACKEND_PID=""

# lab_backend_start tcp HOST PORT | unix PATH: a python3 HTTP server answering 200, in
# initrc_t like this script. Waits until it answers.
lab_backend_start() {
	lab_backend_stop
	local kind=$1 probe
	case "$kind" in
	tcp)
		python3 "$LAB_GUEST/backend.py" tcp "$2" "$3" >>"$LAB_OUT/backend.log" 2>&1 &
		if [[ $2 == *:* ]]; then probe=(curl -sf -o /dev/null "http://[$2]:$3/"); else
			probe=(curl -sf -o /dev/null "http://$2:$3/"); fi
		;;
	unix)
		mkdir -p "$(dirname "$2")"
		rm -f "$2"
		python3 "$LAB_GUEST/backend.py" unix "$2" >>"$LAB_OUT/backend.log" 2>&1 &
		probe=(curl -sf -o /dev/null --unix-socket "$2" http://backend/)
		;;
	*)
		lab_say "lab_backend_start: unknown kind $kind"
		return 1
		;;
	esac
	LAB_BACKEND_PID=$!
	if ! lab_wait 20 "${probe[@]}"; then
		lab_say "backend ${*} did not come up; backend.log:"
		tail -n 5 "$LAB_OUT/backend.log" || true
		return 1
	fi
	lab_say "# backend up: $* (pid $LAB_BACKEND_PID, $(lab_domain_of "$LAB_BACKEND_PID"))"
}

lab_backend_stop() {
	if [ -n "$LAB_BACKEND_PID" ]; then
		kill "$LAB_BACKEND_PID" 2>/dev/null || true
		wait "$LAB_BACKEND_PID" 2>/dev/null || true
		LAB_BACKEND_PID=""
	fi
}

# ---- nginx --------------------------------------------------------------------------------

LAB_NGINX_WORKER=""

# lab_nginx_start UPSTREAM: nginx (httpd_t, one worker) on 127.0.0.1:80 proxying / to
# UPSTREAM, as written after proxy_pass: http://127.0.0.1:3000, http://[::1]:3000,
# http://unix:/run/backend/app.sock:/ (or one quoted nginx word). Sets LAB_NGINX_WORKER.
# LAB_NGINX_HTTP_EXTRA: more directives for the http block (e.g. a geo variable).
LAB_NGINX_HTTP_EXTRA=""
lab_nginx_start() {
	local upstream=$1
	lab_nginx_stop
	cat >"$LAB_NGINX_CONF" <<-EOF
		# written by tests/vm/guest/lib.sh
		user www-data;
		worker_processes 1;
		pid /run/nginx.pid;
		error_log $LAB_NGINX_ERRLOG;
		events { worker_connections 64; }
		http {
		    access_log /var/log/nginx/access.log;
		    $LAB_NGINX_HTTP_EXTRA
		    server {
		        listen 127.0.0.1:$LAB_NGINX_PORT;
		        location / {
		            proxy_pass $upstream;
		            proxy_connect_timeout 5s;
		            proxy_next_upstream off;
		        }
		    }
		}
	EOF
	if ! nginx -t -q -c "$LAB_NGINX_CONF"; then
		lab_say "nginx -t failed for upstream $upstream"
		return 1
	fi
	nginx -c "$LAB_NGINX_CONF" || { lab_say "nginx failed to start"; tail -n 5 "$LAB_NGINX_ERRLOG"; return 1; }
	lab_wait 20 pgrep -f 'nginx: worker' || { lab_say "no nginx worker"; return 1; }
	LAB_NGINX_WORKER=$(pgrep -f 'nginx: worker' | head -n 1)
	lab_say "# nginx -> $upstream (worker pid $LAB_NGINX_WORKER, $(lab_domain_of "$LAB_NGINX_WORKER"))"
}

lab_nginx_stop() {
	local pid
	if [ -f /run/nginx.pid ] && pid=$(cat /run/nginx.pid 2>/dev/null) && [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
	fi
	pkill -x nginx 2>/dev/null || true
	lab_wait 10 sh -c '! pgrep -x nginx' || pkill -9 -x nginx || true
	LAB_NGINX_WORKER=""
}

# ---- the kernel log -----------------------------------------------------------------------

# /dev/kmsg, not dmesg: dmesg runs in the confined dmesg_t. Records are marked by sequence.
lab_kmsg_mark() { python3 "$LAB_GUEST/kmsg.py" mark; }
lab_kmsg_since() { python3 "$LAB_GUEST/kmsg.py" since "$1"; }

# ---- avcsnoop -----------------------------------------------------------------------------

LAB_TRACE_PID=""

# lab_trace_start FILE [ARGS...]: avcsnoop trace ARGS (default: -j -c nginx) in the
# background, stdout to FILE, stderr to FILE.err; waits until its BPF links are attached.
# FILE "-": live, on this script's own stdout and stderr (the demo).
# Returns 1 (and says why in FILE.err) when avcsnoop is missing or does not start.
lab_trace_start() {
	local file=$1 err
	shift
	local args=("$@")
	[ ${#args[@]} -gt 0 ] || args=(-j -c nginx)
	LAB_TRACE_PID=""
	err=/dev/stderr
	[ "$file" = - ] || { : >"$file"; err="$file.err"; }
	if [ -z "$LAB_AVCSNOOP" ] || [ ! -x "$LAB_AVCSNOOP" ]; then
		echo "avcsnoop binary missing in the guest (./avcsnoop was not built?)" >>"$err"
		return 1
	fi
	if [ "$file" = - ]; then
		"$LAB_AVCSNOOP" trace "${args[@]}" &
	else
		"$LAB_AVCSNOOP" trace "${args[@]}" >"$file" 2>"$err" &
	fi
	LAB_TRACE_PID=$!
	# Ready = its "avcsnoop: have: ..." line on stderr, which trace prints once every program
	# is attached and the ring buffer is read; without it (-q, or stderr not a file here): at
	# least one BPF link, and the count unchanged for a second (TCG is slow).
	local deadline=$((SECONDS + 60)) links last=-1 stable=0
	while [ "$SECONDS" -lt "$deadline" ]; do
		if ! kill -0 "$LAB_TRACE_PID" 2>/dev/null; then
			wait "$LAB_TRACE_PID" 2>/dev/null || echo "(avcsnoop exited with status $?)" >>"$err"
			LAB_TRACE_PID=""
			return 1
		fi
		if [ "$file" != - ] && grep -q '^avcsnoop: have:' "$err" 2>/dev/null; then
			return 0
		fi
		links=$(find "/proc/$LAB_TRACE_PID/fd" -lname 'anon_inode:bpf_link' 2>/dev/null | wc -l)
		if [ "$links" -gt 0 ] && [ "$links" -eq "$last" ]; then
			stable=$((stable + 1))
			[ "$stable" -ge 4 ] && return 0
		else
			stable=0
		fi
		last=$links
		sleep 0.25
	done
	echo "(avcsnoop not ready after 60 s: $last BPF links)" >>"$err"
	return 0
}

# lab_trace_stop: SIGINT, as a user would (trace reads what is left in its ring buffer before
# it exits); waits up to 15 s, then SIGKILL.
lab_trace_stop() {
	[ -n "$LAB_TRACE_PID" ] || return 0
	kill -INT "$LAB_TRACE_PID" 2>/dev/null || true
	if ! lab_wait 15 sh -c "! kill -0 $LAB_TRACE_PID"; then
		kill -KILL "$LAB_TRACE_PID" 2>/dev/null || true
	fi
	wait "$LAB_TRACE_PID" 2>/dev/null || true
	LAB_TRACE_PID=""
}

# ---- one request through nginx, with every witness recorded -------------------------------

# lab_request NAME [URL_PATH]: with avcsnoop tracing nginx, curl the front once. Sets
#   LAB_STATUS   HTTP status from curl (000 when nginx did not answer)
#   LAB_ERRLOG   lines nginx added to its error log
#   LAB_KMSG     kernel log records added meanwhile; LAB_AVC: the AVC lines among them
#   LAB_TRACE    avcsnoop's JSON output file ($LAB_OUT/NAME.json; stderr in NAME.json.err)
lab_request() {
	local name=$1 path=${2:-/} mark size
	LAB_TRACE="$LAB_OUT/$name.json"
	LAB_EVENT=""
	LAB_EVENT_WHY=""
	size=$(stat -c %s "$LAB_NGINX_ERRLOG" 2>/dev/null || echo 0)
	mark=$(lab_kmsg_mark)
	lab_trace_start "$LAB_TRACE" || true
	LAB_STATUS=$(curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT$path" || true)
	sleep 0.3
	lab_trace_stop
	LAB_ERRLOG=$(tail -c +"$((size + 1))" "$LAB_NGINX_ERRLOG" 2>/dev/null || true)
	LAB_KMSG=$(lab_kmsg_since "$mark")
	LAB_AVC=$(grep -E 'avc: +(denied|granted)' <<<"$LAB_KMSG" || true)
	lab_say "# GET $path -> $LAB_STATUS"
	[ -z "$LAB_ERRLOG" ] || printf '%s\n' "$LAB_ERRLOG" | sed 's/^/# error.log: /' || true
	[ -z "$LAB_AVC" ] || printf '%s\n' "$LAB_AVC" | sed 's/^/# kmsg: /' || true
	lab_say "# avcsnoop: $(wc -l <"$LAB_TRACE") line(s) in $(basename "$LAB_TRACE")"
	if [ -s "$LAB_TRACE.err" ]; then
		head -n 15 "$LAB_TRACE.err" | sed 's/^/# avcsnoop stderr: /' || true
	fi
	head -n 10 "$LAB_TRACE" | sed 's/^/# json: /' || true
}

# lab_trace_objects: the JSON objects in LAB_TRACE, one per line (anything else is dropped, so
# one stray line does not hide the rest; the json: lines in the output show it).
lab_trace_objects() {
	jq -R -c 'fromjson? | objects' "$LAB_TRACE" 2>/dev/null || true
}

# lab_event JQ_SELECT: LAB_EVENT = the first connect event (op connect: a bind() is not one)
# in LAB_TRACE matching JQ_SELECT
# (e.g. '.comm == "nginx"'), preferring one with a final verdict over "in_progress";
# LAB_EVENT_WHY says why there is none. Select loosely and assert the rest with check_event.
lab_event() {
	local select=$1
	LAB_EVENT=""
	if [ ! -s "$LAB_TRACE" ]; then
		LAB_EVENT_WHY="avcsnoop wrote nothing ($(head -c 300 "$LAB_TRACE.err" 2>/dev/null))"
		return 0
	fi
	LAB_EVENT=$(lab_trace_objects | jq -c -s "map(select((.type == \"connect\" or .type == \"bind\") and .op != \"bind\") |
		select($select)) | (map(select(.verdict != \"in_progress\")) + .) | .[0] // empty" \
		2>/dev/null) || true
	if [ -z "$LAB_EVENT" ]; then
		LAB_EVENT_WHY="no connect event with $select among: $(head -c 600 "$LAB_TRACE")"
	fi
}

# lab_cleanup: stop what a scenario started (safe to call twice).
lab_cleanup() {
	lab_trace_stop || true
	lab_nginx_stop || true
	lab_backend_stop || true
}

# ---- assertions shared by the TCP denial scenarios ----------------------------------------

# lab_expect_tcp_denied ADDR PORT TARGET_TYPE: ground truth and avcsnoop for nginx's connect to
# ADDR:PORT denied name_connect (audited, enforcing), after lab_request.
lab_expect_tcp_denied() {
	local addr=$1 port=$2 ttype=$3 shown family=inet
	shown=$addr
	if [[ $addr == *:* ]]; then
		shown="[$addr]"
		family=inet6
	fi
	check_eq "HTTP status 502" "$LAB_STATUS" 502
	check_contains "error.log: connect() to $shown:$port failed (13: Permission denied)" \
		"$LAB_ERRLOG" "connect() to $shown:$port failed (13: Permission denied)"
	check_match "kmsg: AVC denied { name_connect } dest=$port httpd_t -> $ttype tcp_socket permissive=0" \
		"$LAB_AVC" "avc: +denied +\{ name_connect \} .*dest=$port .*scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:$ttype:s0 tclass=tcp_socket permissive=0"
	lab_event '.comm == "nginx"'
	check_events "verdict selinux_denied" '.verdict == "selinux_denied"' \
		"pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER" \
		"family $family, daddr $addr, dport $port" \
		".family == \"$family\" and .daddr == \"$addr\" and .dport == $port" \
		"selinux.perms contains name_connect" 'any(.selinux.perms[]?; . == "name_connect")' \
		"selinux.tclass tcp_socket" '.selinux.tclass == "tcp_socket"' \
		"selinux.source_type httpd_t" '.selinux.source_type == "httpd_t"' \
		"selinux.target_type $ttype" ".selinux.target_type == \"$ttype\"" \
		"selinux.audited true, permissive false" \
		'.selinux.audited == true and .selinux.permissive == false'
}
