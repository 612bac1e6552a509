#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 8 in the lab: hostile names, on a real SELinux system. Is avcsnoop's advice safe to
# paste as root when the socket path or the process name was chosen by an attacker?
#
#   h1  nginx proxies to a unix socket in a /run directory whose name holds regex and shell
#       metacharacters, quotes, $(...), backticks, !!, a newline + EOF + a fake Do block, a
#       tab, ESC, a bidi override and a byte 0xff (nginx takes it as a quoted word; '$' comes
#       from a geo variable). The directory is the backend's (refpolicy: initrc_runtime_t,
#       denied dir search; targeted lets httpd_t search every directory, so there the
#       socket, var_t, is denied sock_file write): 502.
#   h2  not nginx: a process (httpd_t, as www-data) names itself through /proc/self/comm
#       (\nEOF\n. ./q #, -$(touch pwA), ...) and connects to a socket in /run/.* .
#   h3  the path of issue 8's example, /run/a.b(x)*[y]$(touch /tmp/pwned)/s.sock: three
#       directories, and the one denied (refpolicy) is the first, not the socket's parent.
#
# What the kernel denies first is asked of the policy (deny_of: sesearch on the labels of
# each directory of the path, then of the socket), never assumed: the checks follow that
# object, its class and its type.
#
# Each: `avcsnoop trace -j` catches the denial; `avcsnoop recommend` (-j and text, live
# policy) advises; hostile.py pastes every fix's JSON "commands" and the text's Do block into
# bash (history expansion on, as nobody, PATH = stubs that record their argv) and checks that
# exactly the JSON "argv" ran, that nothing else ran or was written (canaries: /tmp/pwned,
# ./pwA..., the decoy ./q), that a module file holds exactly the intended rule, and that the
# fcontext SPEC matches the directory and below and none of its near neighbours through
# libselinux's own matcher. h1 and h3 then apply the top fcontext fix for real: the directory
# gets the new type, no other label under /run changes, the live file_contexts answer
# changes for that tree only, and nginx must get past the directory search.
. "$(dirname "$0")/lib.sh"

HC=$LAB_GUEST/hostile.py
# lab_allows TYPE CLASS PERM: the policy gives httpd_t PERM on TYPE:CLASS without a boolean
lab_allows() {
	lab_pq sesearch -A -s httpd_t -t "$1" -c "$2" -p "$3" 2>/dev/null | grep -qv '\]:'
}
# deny_of SOCK: the first access connect() to SOCK needs that the policy does not give httpd_t
# (search on each directory from / down, then write on the socket file), by the labels on
# disk: DEN_OBJ (its path), DEN_CLASS, DEN_PERM, DEN_TYPE, and DEN_TREE, the directory a
# relabel fix must cover (the denied directory, or the denied socket's own). 1 if none.
deny_of() {
	local p="" rest=${1#/} t
	while [[ $rest == */* ]]; do
		p+=/${rest%%/*}
		rest=${rest#*/}
		t=$(stat -c %C -- "$p" | cut -d: -f3)
		if ! lab_allows "$t" dir search; then
			DEN_OBJ=$p DEN_CLASS=dir DEN_PERM=search DEN_TYPE=$t DEN_TREE=$p
			den_args
			return 0
		fi
	done
	t=$(stat -c %C -- "$1" | cut -d: -f3)
	if ! lab_allows "$t" sock_file write; then
		DEN_OBJ=$1 DEN_CLASS=sock_file DEN_PERM=write DEN_TYPE=$t DEN_TREE=${1%/*}
		den_args
		return 0
	fi
	return 1
}
# DEN_ARGS: hostile.py events' options for the denial
den_args() {
	DEN_ARGS=(--object "$DEN_OBJ" --tclass "$DEN_CLASS" --perm "$DEN_PERM" --type "$DEN_TYPE")
}
# the rule a local module for the denial holds
den_rule() { echo "(allow httpd_t $DEN_TYPE ($DEN_CLASS ($DEN_PERM)))"; }
PY=/usr/local/sbin/avc-lab-hostile-python # a python3 labelled httpd_exec_t: runs in httpd_t
W=$(mktemp -d /tmp/avc-hostile.XXXXXX)
chmod 755 "$W"
FCSPECS=() # fcontext specs added for real: removed at exit
DECOYS=()  # NUL-separated lists of the decoy directories made: removed at exit

# h1: 96 bytes with /s.sock (sun_path holds 107); no '/' (one directory) and no ':' (nginx's
# unix: URL ends the path there)
D1=$'/run/-a.b(x)*[y]{2}^+?|\\ $(touch pwA)`touch pwB`\'"!!;&<>~#\nEOF\nDo\n    touch pwC\n\t\x1b[2J\xe2\x80\xae\xff'
D2='/run/.*'
COMMS=($'\nEOF\n. ./q #' '-$(touch pwA)' $'`touch pwB`\'\xff' $'\x1b[2J\xe2\x80\xae!!~')
D3='/run/a.b(x)*[y]$(touch /tmp/pwned)'
D3_TOP='/run/a.b(x)*[y]$(touch ' # what httpd_t is denied: the first directory under /run

hostile_cleanup() {
	local s
	lab_cleanup
	# the fcontext specs added for real (FCSPECS): the store as it was saved
	lab_policy_restore || lab_say "# could not put back the policy store (${#FCSPECS[@]} fcontext specs added)"
	for s in "${DECOYS[@]}"; do
		xargs -0 -r rm -rf -- <"$s" || true
	done
	rm -rf -- "$D1" "$D2" "$D3_TOP" "$PY"
	cp -r "$W" "$LAB_OUT/hostile-work" 2>/dev/null || true
	rm -rf -- "$W"
}
trap hostile_cleanup EXIT
lab_setup lab_policy_save

# pycheck ARGS...: hostile.py's "ok"/"FAIL" lines (and their detail lines) become results
pycheck() {
	local out=$W/pycheck.out rc=0 line pending="" detail=""
	python3 "$HC" "$@" >"$out" 2>&1 || rc=$?
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"ok   "* | "FAIL "*)
			pyflush
			pending=$line
			detail=""
			;;
		*) detail+="${line#     }"$'\n' ;;
		esac
	done <"$out"
	pyflush
	if [ "$rc" -gt 1 ]; then
		lab_fail "hostile.py $1 ran to the end (exit $rc)" "$(tail -n 20 "$out")"
	fi
}
pyflush() {
	case $pending in
	"ok   "*)
		lab_pass "${pending#ok   }"
		[ -z "$detail" ] || printf '%s' "$detail" | sed 's/^/# /'
		;;
	"FAIL "*) lab_fail "${pending#FAIL }" "${detail%$'\n'}" ;;
	esac
	pending=""
}

# den_say: what deny_of found
den_say() {
	lab_say "# the policy denies httpd_t first: $DEN_CLASS $DEN_PERM on $(printf '%q' "$DEN_OBJ") ($DEN_TYPE; sesearch: no rule without a boolean)"
}

# hostile_nginx ID DIR: the backend listens on DIR/s.sock (made by initrc_t), nginx proxies
# to it; one traced request: 502, the access deny_of names denied. 1 (and an N/A) when the
# policy denies httpd_t nothing on the way.
hostile_nginx() {
	local id=$1 dir=$2 sock=$2/s.sock
	lab_setup lab_backend_start unix "$sock"
	if ! deny_of "$sock"; then
		lab_na "$id" "the policy lets httpd_t reach $(printf '%q' "$sock") (every directory's search, the socket's write: sesearch)"
		return 1
	fi
	den_say
	LAB_NGINX_HTTP_EXTRA='geo $dollar { default "$"; }'
	lab_setup lab_nginx_start "$(python3 "$HC" nginx-quote "http://unix:$sock:/")"
	lab_request "$id-hostile"
	check_eq "HTTP status 502" "$LAB_STATUS" 502
	check_contains "error.log: connect() to unix:... failed (13: Permission denied)" \
		"$LAB_ERRLOG" "failed (13: Permission denied) while connecting to upstream"
	check_match "kmsg: AVC denied { $DEN_PERM } nginx httpd_t -> $DEN_TYPE $DEN_CLASS" "$LAB_AVC" \
		'avc: +denied +\{ '"$DEN_PERM"' \} .*comm="nginx" .*scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:'"$DEN_TYPE"':s0 tclass='"$DEN_CLASS"' permissive=0'
	printf '%s\n' "$LAB_KMSG" >"$W/$id.kmsg"
}

# advise ID TRACE [hostile.py advice options]: recommend -j and text (live policy) on TRACE,
# then hostile.py's paste checks
advise() {
	local id=$1 trace=$2 rc work
	shift 2
	rc=0
	avcsnoop recommend -j "$trace" >"$LAB_OUT/$id.advice.json" 2>"$LAB_OUT/$id.advice.json.err" || rc=$?
	check_eq "avcsnoop recommend -j exits 0" "$rc" 0
	rc=0
	avcsnoop recommend "$trace" >"$LAB_OUT/$id.advice.txt" 2>"$LAB_OUT/$id.advice.txt.err" || rc=$?
	check_eq "avcsnoop recommend (text) exits 0" "$rc" 0
	lab_say "# $(grep -c '^Do$' "$LAB_OUT/$id.advice.txt" || true) Do block(s); the first:"
	sed -n '/^Do$/,/^$/p' "$LAB_OUT/$id.advice.txt" | head -n 4 | sed 's/^/# /' || true
	work=$W/$id-paste
	mkdir -m 755 "$work"
	pycheck advice --name advice --trace "$trace" --text "$LAB_OUT/$id.advice.txt" \
		--json "$LAB_OUT/$id.advice.json" --work "$work" --canary /tmp/pwned --rule "$(den_rule)" \
		--want-kind fcontext_relabel --want-kind local_module "$@"
}

# real_fix ID DIR TRACE: apply the top fcontext fix of ID's advice for real, as the
# administrator would (root, the real tools), with decoy directories named like the fix's tree
# (DEN_TREE) next to it; then: DIR has the new type, no other label under /run changed, a later
# restorecon -R /run would change nothing new, the live file_contexts changed for that tree
# only, --verify; nginx must now get past the denied object (DEN_*), as --verify predicted
real_fix() {
	local id=$1 dir=$2 trace=$3 json="$LAB_OUT/$1.advice.json" fx type spec rc
	local scratch got predicted actual tree=$DEN_TREE sock_t base n0
	fx=$(jq -c 'select(.type == "advice") | .fixes[] | select(.kind == "fcontext_relabel")' \
		"$json" | head -n 1)
	check_eq "the top fix (rank 1) is fcontext_relabel" \
		"$(jq -r 'select(.type == "advice") | .fixes[0].kind' "$json" | head -n 1)" fcontext_relabel
	if [ -z "$fx" ]; then
		lab_fail "an fcontext fix to apply"
		return 0
	fi
	type=$(jq -r '.new_type' <<<"$fx")
	spec=$(jq -r '.argv[] | select(.argv[0] == "semanage") | .argv[-1]' <<<"$fx")
	# the tree the fix labels: the directory the kernel denied, which may be an ancestor of
	# the socket's own directory, or the denied socket's directory; restorecon's argument
	# must be exactly it (bytes >= 0x80 are \u00XX in avcsnoop's JSON)
	check "the fix's restorecon acts on the tree of what the kernel denied (its glob metacharacters escaped)" python3 -c '
import json, os, sys
fx = json.loads(sys.argv[1])
arg = [c["argv"][-1] for c in fx["argv"] if c["argv"][0] == "restorecon"][0].encode("latin-1")
# restorecon globs its arguments: every metacharacter comes escaped with a backslash
path, i = bytearray(), 0
while i < len(arg):
    if arg[i:i + 1] == b"\\":
        i += 1
    elif arg[i:i + 1] in (b"*", b"?", b"[", b"]", b"{", b"}", b"~"):
        sys.exit(2)
    path += arg[i:i + 1]
    i += 1
sys.exit(bytes(path) != os.fsencode(sys.argv[2]))' "$fx" "$tree"
	lab_say "# applying for real: $(jq -r '.commands | join(" ; ")' <<<"$fx")"
	DECOYS+=("$W/$id.decoys")
	pycheck decoys "$W/$id.decoys" --dir "$tree"
	sock_t=$(stat -c %C -- "$dir/s.sock" | cut -d: -f3)
	python3 "$HC" labels /run "$W/$id.labels.before"
	python3 "$HC" lookup "$W/$id.lookup.before" --dir "$tree"
	restorecon -Rnv /run >"$W/$id.restorecon-n.before" 2>&1 || true
	rm -f /tmp/pwned
	scratch=$W/$id-apply
	mkdir "$scratch"
	jq -j '.commands | map(. + "\n") | add' <<<"$fx" >"$scratch.sh"
	FCSPECS+=("$spec")
	rc=0
	(cd "$scratch" && bash -e "$scratch.sh") >"$LAB_OUT/$id.apply.log" 2>&1 || rc=$?
	sed 's/^/# apply: /' "$LAB_OUT/$id.apply.log" | cat -v | head -n 8 || true
	check_eq "the fix's commands ran for real (bash -e, exit 0)" "$rc" 0
	check_eq "no file appeared where they ran" "$(find "$scratch" -mindepth 1 -printf x | wc -c)" 0
	check "no canary /tmp/pwned" test ! -e /tmp/pwned
	got=$(ls -Zd -- "$dir" | head -n 1 | awk '{print $1}' | cut -d: -f3)
	check_eq "ls -Zd: the hostile directory is now $type" "$got" "$type"
	got=$(ls -Z -- "$dir/s.sock" | head -n 1 | awk '{print $1}' | cut -d: -f3)
	check_eq "ls -Z: the socket is now $type" "$got" "$type"
	python3 "$HC" labels /run "$W/$id.labels.after"
	pycheck labels-diff "$W/$id.labels.before" "$W/$id.labels.after" --name "real fix" \
		--dir "$tree"
	restorecon -Rnv /run >"$W/$id.restorecon-n.after" 2>&1 || true
	got=$(grep -vxF -f "$W/$id.restorecon-n.before" "$W/$id.restorecon-n.after" || true)
	check_eq "a later restorecon -R /run would relabel nothing new (restorecon -Rnv /run)" "$got" ""
	# the control: the same command does see a label the file_contexts disagree with (one
	# line more naming the old type than it printed after the fix: the policy may disagree
	# with other labels under /run already)
	base=$(grep -c "from system_u:object_r:$sock_t:s0 " "$W/$id.restorecon-n.after" || true)
	chcon -t "$sock_t" -- "$dir/s.sock"
	n0=$(restorecon -Rnv /run 2>&1 | grep -c "from system_u:object_r:$sock_t:s0 " || true)
	restorecon -- "$dir/s.sock"
	check_eq "control: restorecon -Rnv /run does report the socket put back to $sock_t" \
		"$((n0 - base))" 1
	python3 "$HC" lookup "$W/$id.lookup.after" --dir "$tree"
	pycheck lookup-diff "$W/$id.lookup.before" "$W/$id.lookup.after" --name "real fix" \
		--dir "$tree" --type "$type"
	rc=0
	avcsnoop recommend --verify -j "$trace" >"$LAB_OUT/$id.verify.json" 2>"$LAB_OUT/$id.verify.err" || rc=$?
	lab_say "# verify (exit $rc): $(head -c 500 "$LAB_OUT/$id.verify.json")"
	check_eq "recommend --verify predicts the finding is now allowed (exit 0)" "$rc" 0
	predicted=denied
	[ "$rc" = 0 ] && predicted=allowed
	# the proof: nginx again
	lab_request "$id-after-fix"
	check_absent "after the fix: no AVC denies nginx $DEN_PERM on an $DEN_TYPE $DEN_CLASS" \
		"$LAB_AVC" 'denied +\{ '"$DEN_PERM"' \} .*comm="nginx" .*tcontext=system_u:object_r:'"$DEN_TYPE"':s0 tclass='"$DEN_CLASS"
	lab_event '.comm == "nginx"'
	check_event "after the fix: nginx gets past $(printf '%q' "$DEN_OBJ") (a 200 or the next denial)" \
		'.verdict == "allowed" or ((.selinux.tclass // "") + ":" + (.selinux.target_type // "") != "'"$DEN_CLASS:$DEN_TYPE"'")'
	lab_say "# after the fix: HTTP $LAB_STATUS; avcsnoop: $(jq -c '{verdict, selinux: (.selinux // {} | {tclass, perms, target_type, object})}' <<<"${LAB_EVENT:-null}" 2>/dev/null || true)"
	actual=allowed
	if grep -qE 'denied +\{ '"$DEN_PERM"' \} .*comm="nginx" .*tcontext=system_u:object_r:'"$DEN_TYPE"':s0 tclass='"$DEN_CLASS" <<<"$LAB_AVC"; then
		actual=denied
	fi
	check_eq "--verify's prediction for the $DEN_CLASS $DEN_PERM is what the kernel then did" \
		"$actual" "$predicted"
}

# ==== h1: nginx, one hostile directory ====
lab_scenario h1 "nginx -> a unix socket in a hostile /run directory"
rm -f /tmp/pwned
if hostile_nginx h1 "$D1"; then
	H1_TRACE=$LAB_TRACE
	pycheck events "$H1_TRACE" --name nginx --comm nginx --path "$D1/s.sock" "${DEN_ARGS[@]}" \
		--kmsg "$W/h1.kmsg"
	advise h1 "$H1_TRACE" --path "$D1/s.sock" --comm nginx --untrusted "$D1/s.sock" \
		--not-match /run/aXb --not-match /run/nginx.pid --not-match /run/backend/app.sock
	real_fix h1 "$D1" "$H1_TRACE"
fi
lab_cleanup

# ==== h2: hostile process names (comm), not nginx ====
lab_scenario h2 "processes named by an unprivileged user connect to /run/.*/s.sock"
S2=$D2/s.sock
lab_setup lab_backend_start unix "$S2"
H2=1
if deny_of "$S2"; then
	den_say
else
	H2=0
	lab_na h2 "the policy lets httpd_t reach $S2 (every directory's search, the socket's write: sesearch)"
fi
[ "$H2" = 0 ] || {
cp -- "$(readlink -f /usr/bin/python3)" "$PY"
chcon -t httpd_exec_t "$PY"
lab_say "# $(ls -Z "$PY")"
CLIENT='
import os, socket, sys
with open("/proc/self/comm", "wb") as f:
    f.write(os.fsencode(sys.argv[1]))
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
try:
    s.connect(os.fsencode(sys.argv[2]))
    print("connected")
except OSError as e:
    print("errno %d" % e.errno)
'
LAB_TRACE=$LAB_OUT/h2-comm.json
mark=$(lab_kmsg_mark)
lab_setup lab_trace_start "$LAB_TRACE" -a -f -j
for c in "${COMMS[@]}"; do
	# exec of an httpd_exec_t file from initrc_t: httpd_t; uid 33 (www-data) by number
	out=$(setpriv --reuid=33 --regid=33 --clear-groups "$PY" -c "$CLIENT" "$c" "$S2" 2>&1 | cat) || true
	lab_say "# client $(printf '%q' "$c") (httpd_t, uid 33): ${out:-no output}"
done
lab_trace_stop
lab_kmsg_since "$mark" >"$W/h2.kmsg"
grep -E 'avc: +denied' "$W/h2.kmsg" | sed 's/^/# kmsg: /' | head -n 8 || true
untrusted=()
comms=()
for i in "${!COMMS[@]}"; do
	pycheck events "$LAB_TRACE" --name "comm $((i + 1))" --comm="${COMMS[$i]}" --path "$S2" \
		"${DEN_ARGS[@]}" --kmsg "$W/h2.kmsg"
	untrusted+=(--untrusted="${COMMS[$i]}")
	comms+=(--comm="${COMMS[$i]}")
done
advise h2 "$LAB_TRACE" --path "$S2" "${comms[@]}" "${untrusted[@]}" --untrusted "$S2"
}
lab_cleanup

# ==== h3: the path of issue 8's example: the denied directory is not the socket's parent ====
lab_scenario h3 "nginx -> /run/a.b(x)*[y]\$(touch /tmp/pwned)/s.sock (nested directories)"
rm -f /tmp/pwned
if hostile_nginx h3 "$D3"; then
	H3_TRACE=$LAB_TRACE
	lab_say "# $(ls -Zd -- "$D3_TOP" "$D3_TOP/tmp" "$D3" | tr '\n' ' ')"
	pycheck events "$H3_TRACE" --name nginx --comm nginx --path "$D3/s.sock" "${DEN_ARGS[@]}" \
		--kmsg "$W/h3.kmsg"
	advise h3 "$H3_TRACE" --path "$D3/s.sock" --comm nginx --untrusted "$D3/s.sock"
	real_fix h3 "$D3" "$H3_TRACE"
fi
check "no canary /tmp/pwned at the end" test ! -e /tmp/pwned
lab_summary
