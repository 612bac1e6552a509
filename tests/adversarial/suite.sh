#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Adversarial suite (issue 8): is the advice safe to paste as root when every name is hostile?
#
# Live: an unprivileged user (a throwaway uid, through setpriv) names processes and unix
# sockets with newlines, quotes, $(...), backticks, EOF, regex metacharacters, a leading -,
# bytes >= 0x80, and 0x01 next to the text \x01, then connects from a cgroup whose BPF program
# denies port 4242. `trace --recommend` (text and JSON), `watch --export --prometheus` and
# `recommend` on both exports run on it. Crafted: findings JSON lines and audit records carrying the same
# kind of names go through `recommend --policy` on the CIL test policy, for the SELinux fixes
# (local module, semanage fcontext, setsebool).
#
# Every Do block is pasted into bash as that uid, in a scratch directory, with PATH holding
# only recording stubs of the admin tools: what ran must equal the fix's JSON "argv", nothing else
# may run or be written, a module must hold exactly the intended rule, and an fcontext spec,
# given to libselinux's own matcher, must match the directory and below and none of its near
# neighbours. The checks are in tests/adversarial/advice_check.py.
# Last line: "adversarial: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
SUITE=adversarial
. tests/lib/common.sh
CHECK=tests/adversarial/advice_check.py
tracer_pids=()
suite_cleanup() {
	local p
	for p in "${tracer_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	# AVC_ADV_KEEP=DIR: keep the outputs and Do block runs for a look after a failure
	[ -n "${AVC_ADV_KEEP:-}" ] && rm -rf "$AVC_ADV_KEEP" && cp -r "$W" "$AVC_ADV_KEEP"
}
preflight
for t in python3 secilc setpriv; do
	command -v $t >/dev/null || { bad "$t is installed (make deps)"; finish; }
done
# a uid of its own (no passwd entry): whatever it writes is this suite's doing
for U in $(seq 61000 61999); do
	getent passwd "$U" >/dev/null || getent group "$U" >/dev/null || break
done

# check ARGS...: run the Python checks, count their ok/FAIL lines
pycheck() {
	local out=$W/pycheck.out line rc
	python3 "$CHECK" "$@" >"$out" 2>&1
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok   "*) pass=$((pass + 1)) ;;
		"FAIL "*) fail=$((fail + 1)) ;;
		esac
		echo "$line"
	done <"$out"
	if [ "$rc" -gt 1 ]; then
		bad "advice_check.py $1 ran to the end (exit $rc)"
	fi
}
as_hostile() { setpriv --reuid="$U" --regid="$U" --clear-groups "$@"; }
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | tr a-f A-F; }

chmod 711 "$W"
STUBS=$W/stubs # the admin tools, each a recorder; nothing else is on PATH
python3 "$CHECK" stubs "$STUBS" semanage setsebool semodule restorecon ls ss grep systemctl nft \
	journalctl bpftool ausearch audit2allow audit2why sealert cat getenforce sestatus seinfo \
	sesearch chcon matchpathcon avcsnoop printf echo touch sh curl wget rm id
C=$W/canary # where an injected command would leave its mark (the uid may write)
RUNS=$W/runs
mkdir -m 1777 "$C"
mkdir -m 711 "$RUNS"
# advise NAME TEXT JSON [advice_check options]: the assertion set on one text/JSON pair
advise() {
	local name=$1 text=$2 json=$3 work
	shift 3
	work=$(mktemp -d "$RUNS/XXXXXX")
	chmod 711 "$work"
	pycheck advice --name="$name" --text="$text" --json="$json" --work="$work" \
		--stubs="$STUBS" --canary="$C" --uid="$U" "$@"
}

# ==== live: hostile names from an unprivileged user, traced ====
# comm is 15 bytes at most; relative canaries land in the Do block's scratch directory.
# shellcheck disable=SC2016,SC1003 # the names are literal on purpose
COMMS=($'\nEOF\n. ./q #' '-Hh0st' '$(touch pwA)' '`touch pwB`' "'; touch pwC #" '"; touch pwD #'
	$'caf\xc3\xa9\xff\x80' $'avc\x01' 'avc\x01' 'a.b(x)*[y]' 'x!!y;!-1' '~root{a,b}$HOME'
	$'tab\t\r\x1b[2J')
DIRS=('a.b(x)*[y]' '.*' $'x\nEOF\n(allow httpd_t shadow_t (file (read open)))'
	$'a\nDo\n    touch pwG\n#' '$(touch pwH)' '`touch pwI`' "q'uo\"te" $'caf\xc3\xa9\xff'
	$'c\x01' 'c\x01' '-rf' 'back\' '~root')
ABSTRACT=('-Hfoo' $'\nEOF\n. ./q #')
H=$W/h # the hostile user's directory for its sockets
X=$W/x # a sticky world-writable directory holding the export targets
mkdir -m 1777 "$H" "$X"
victim=$W/victim
echo "root's file" >"$victim"
chmod 644 "$victim"
victim_before=$(stat -c '%s %Y %a %U' "$victim")
# the hostile user plants a symlink at a temp name, a file of its own at another, and a
# symlink at a target itself
as_hostile ln -s "$victim" "$X/export.json.tmp"
as_hostile sh -c 'umask 0; : >"$1"' _ "$X/metrics.prom.tmp"
as_hostile ln -s "$victim" "$X/texport.json"

live=0
if ! deny_cgroup_create; then
	skipped "live hostile names" "no cgroup v2 mount, or the cgroup program did not attach"
else
	# start_tracer OUT ARGS...: avcsnoop in the background until it is attached
	start_tracer() {
		local out=$1
		shift
		"$AVC" "$@" >"$out" 2>"$out.err" &
		tracer_pids+=($!)
		for _ in $(seq 100); do
			grep -qE '^avcsnoop: have:' "$out.err" 2>/dev/null && return 0
			kill -0 "$!" 2>/dev/null || break
			sleep 0.1
		done
		bad "avcsnoop starts ($*)" "$(cat "$out.err")"
		return 1
	}
	T1=$W/trace.txt T2=$W/trace.json WT=$W/watch.txt
	start_tracer "$T1" trace --recommend --cgroup "$CG" &&
		start_tracer "$T2" trace -j --recommend --cgroup "$CG" --export "$X/texport.json" &&
		start_tracer "$WT" watch --cgroup "$CG" --export "$X/export.json" \
			--prometheus "$X/metrics.prom" 0.3 || finish

	# in_cgroup CMD...: CMD as the unprivileged uid, inside the denying cgroup
	in_cgroup() {
		sh -c 'echo $$ >"$1/cgroup.procs" && u=$2 && shift 2 && exec setpriv --reuid="$u" --regid="$u" --clear-groups "$@"' \
			_ "$CG" "$U" "$@" >>"$W/connector.out" 2>&1
	}
	hostile() { in_cgroup "$CONN" "$@"; }
	untrusted=() seen=()
	for i in "${!COMMS[@]}"; do
		comm=${COMMS[$i]} sock=$H/${DIRS[$i]}/s
		as_hostile mkdir -p -- "$H/${DIRS[$i]}"
		hostile --comm "$comm" tcp4:127.0.0.1:4242     # cgroup_denied: systemctl show COMM
		hostile --comm "$comm" --closed "unix:$sock" # refused: ls -lZ PATH, ss
		untrusted+=(--untrusted="$comm" --untrusted="$sock")
		seen+=(--comm="$comm" --dest=127.0.0.1:4242 --comm="$comm" --dest="$sock")
	done
	for a in "${ABSTRACT[@]}"; do
		hostile --comm "${COMMS[0]}" --closed "abstract:$a"
		untrusted+=(--untrusted="$a" --untrusted="@$a")
		seen+=(--comm="${COMMS[0]}" --dest="@$a")
	done
	# one destination, five connects that pass the whole sockaddr_un with different bytes
	# after the path's NUL (as glibc's nscd client does): still one destination
	PADDED=$H/padded/s
	as_hostile mkdir "$H/padded"
	hostile --comm avc-padmk --closed "unix:$PADDED"
	cp "$CHECK" "$W/advice_check.py"
	in_cgroup /usr/bin/python3 "$W/advice_check.py" connect-padded --path="$PADDED" \
		--comm=avc-padded --count=5
	sleep 0.8
	for p in "${tracer_pids[@]}"; do kill -INT "$p"; done
	rc=0
	for p in "${tracer_pids[@]}"; do wait "$p" || rc=$?; done
	tracer_pids=()
	DETAIL="exit $rc; $(cat "$T1.err" "$T2.err" "$WT.err")"
	check "trace --recommend (text, JSON) and watch --export --prometheus exit 0" [ "$rc" = 0 ]
	deny_cgroup_remove
	live=1

	pycheck events "$T2" --name="the tracer saw every hostile comm and socket path intact" "${seen[@]}"
	advise "trace --recommend" "$T1" "$T2" "${untrusted[@]}" \
		--want-kind=not_selinux
	pycheck text "$WT" --name="watch table" "${untrusted[@]}"
	for e in "export:watch --export" "texport:trace --export"; do
		f=${e%%:*}
		"$AVC" recommend "$X/$f.json" >"$W/rec-$f.txt" 2>"$W/rec-$f.err"
		"$AVC" recommend -j "$X/$f.json" >"$W/rec-$f.json" 2>>"$W/rec-$f.err"
		advise "recommend on ${e#*:}" "$W/rec-$f.txt" "$W/rec-$f.json" "${untrusted[@]}" \
			--want-kind=not_selinux
	done
	prom_comms=()
	for c in "${COMMS[@]}"; do prom_comms+=(--comm="$c"); done
	pycheck prom "$X/metrics.prom" --dest=127.0.0.1:4242 "${prom_comms[@]}"
	rows=$(grep -F "avcsnoop_connect_attempts_total{comm=\"avc-padded\",dest=\"$PADDED\"," "$X/metrics.prom")
	DETAIL="$rows"
	check "bytes after a unix path's NUL do not make a new destination (one series, 5 attempts)" \
		[ "$(wc -l <<<"$rows")" = 1 -a "${rows##* }" = 5 ]

	# ---- files: only the targets changed ----
	DETAIL="victim: before $victim_before, now $(stat -c '%s %Y %a %U' "$victim"): $(head -c 200 "$victim")"
	check "a symlink planted at a temp name or at the target changes nothing it points to" \
		[ "$(stat -c '%s %Y %a %U' "$victim")" = "$victim_before" ]
	got=$(cd "$X" && stat -c '%n %F %u %a' * | sort)
	want=$(printf '%s\n' "export.json regular file 0 600" \
		"export.json.tmp symbolic link $U 777" "metrics.prom regular file 0 644" \
		"metrics.prom.tmp regular empty file $U 666" "texport.json regular file 0 600" | sort)
	DETAIL="in $X: $(tr '\n' ';' <<<"$got") wanted: $(tr '\n' ';' <<<"$want")"
	check "targets: root's regular files (exports 0600, Prometheus 0644); planted files untouched; no temp left" \
		[ "$got" = "$want" ]
fi

echo "     (live part done at ${SECONDS}s)"

# ==== crafted: hostile comm and paths through recommend --policy on the CIL test policy ====
POL=$W/bool_gate.policy
CILS=(--cil=tests/policy/base.cil --cil=tests/policy/bool_gate.cil)
if ! secilc -M true -o "$POL" -f /dev/null tests/policy/base.cil tests/policy/bool_gate.cil \
	2>"$W/secilc.err"; then
	bad "the CIL test policy compiles" "$(cat "$W/secilc.err")"
	finish
fi
R_DIR='(allow web_t other_runtime_t (dir (search)))'
R_PORT='(allow web_t cache_port_t (tcp_socket (name_connect)))'
R_CONN='(allow web_t kernel_t (unix_stream_socket (connectto)))'
n=0
# crafted NAME INPUT-LINE [advice_check options]: recommend --policy, text and JSON
crafted() {
	local name=$1 in=$2
	shift 2
	n=$((n + 1))
	printf '%s\n' "$in" >"$W/k$n.in"
	"$AVC" recommend --policy "$POL" "$W/k$n.in" >"$W/k$n.txt" 2>"$W/k$n.err"
	"$AVC" recommend -j --policy "$POL" "$W/k$n.in" >"$W/k$n.json" 2>>"$W/k$n.err"
	"$AVC" recommend --verify --policy "$POL" "$W/k$n.in" >>"$W/verify.txt" 2>>"$W/k$n.err"
	advise "$name" "$W/k$n.txt" "$W/k$n.json" "${CILS[@]}" "$@"
	local a
	for a in "$@"; do [[ $a == --untrusted=* ]] && crafted_untrusted+=("$a"); done
}
crafted_untrusted=()
finding() { python3 "$CHECK" finding "$@"; }
# dir_case NAME COMM SOCKET-PATH DIR [options]: a tracer finding, search denied on the socket's
# directory: fcontext relabel of DIR (web_runtime_t) and a local module
dir_case() {
	local name=$1 comm=$2 path=$3 dir=$4
	shift 4
	crafted "$name" "$(finding --comm="$comm" --path="$path")" --untrusted="$comm" \
		--untrusted="$path" --want-kind=fcontext_relabel --want-kind=local_module \
		--rule="$R_DIR" --dir="$dir" "$@"
}
audit_dir() { # COMM NAME: an audit record, search denied on the directory /run/NAME
	printf 'type=AVC msg=audit(1700000000.5:7): avc:  denied  { search } for  pid=7 comm=%s name=%s dev="tmpfs" ino=9 scontext=system_u:system_r:web_t:s0 tcontext=system_u:object_r:other_runtime_t:s0 tclass=dir permissive=0' \
		"$(hex "$1")" "$(hex "$2")"
}
audit_port() { # COMM: name_connect to 3005 (cache_port_t)
	printf 'type=AVC msg=audit(1700000000.5:8): avc:  denied  { name_connect } for  pid=8 comm=%s dest=3005 scontext=system_u:system_r:web_t:s0 tcontext=system_u:object_r:cache_port_t:s0 tclass=tcp_socket permissive=0' \
		"$(hex "$1")"
}
audit_connectto() { # COMM PATH
	printf 'type=AVC msg=audit(1700000000.5:9): avc:  denied  { connectto } for  pid=9 comm=%s path=%s scontext=system_u:system_r:web_t:s0 tcontext=system_u:system_r:kernel_t:s0 tclass=unix_stream_socket permissive=0' \
		"$(hex "$1")" "$(hex "$2")"
}
ALLOW=$'\nEOF\n(allow httpd_t shadow_t (file (read open)))'

dir_case "regex metacharacters in the directory" nginx '/run/a.b(x)*[y]/s.sock' '/run/a.b(x)*[y]' \
	--not-match='/run/a.by' --not-match='/run/a.bxxy' --not-match='/run/aXb(x)*[y]/s.sock'
dir_case "a directory named .*" nginx '/run/.*/s.sock' '/run/.*' \
	--not-match=/run/nginx --not-match=/run/nginx/s.sock --not-match=/run/.x
dir_case "a component .* below a dotted directory" nginx '/run/a.b/.*/s.sock' '/run/a.b/.*' \
	--not-match=/run/a.b/x --not-match=/run/aXb/.x
dir_case "heredoc end and a rule after a newline in the socket name; comm ends a heredoc" \
	$'\nEOF\n. ./q #' "/run/x/s.sock$ALLOW" /run/x
dir_case "newlines, EOF and a rule in the directory; comm -Hh0st" -Hh0st \
	$'/run/x\nEOF\n(allow web_t shadow_t (file (read open)))\n/s.sock' \
	$'/run/x\nEOF\n(allow web_t shadow_t (file (read open)))\n' --not-match=/run/x
dir_case "\$(...) in comm and directory" "\$(touch $C/pwned1)" "/run/\$(touch $C/pwned2)/s.sock" \
	"/run/\$(touch $C/pwned2)"
dir_case "backticks in comm and directory" "\`touch $C/pwned3\`" "/run/\`touch $C/pwned4\`/s.sock" \
	"/run/\`touch $C/pwned4\`"
dir_case "single and double quotes, printf conversions" "it's \"q\" %s%n" "/run/it's \"q\"/s.sock" \
	"/run/it's \"q\""
dir_case "a backslash ending the directory; comm ~root{a,b}\$HOME" '~root{a,b}$HOME' '/run/b\/s.sock' \
	'/run/b\' --not-match=/run/b --not-match='/run/b\\'
dir_case "tab, CR and an escape sequence" $'tab\t\r\x1b[2J' $'/run/t\tb\rc\x1b[2J/s.sock' \
	$'/run/t\tb\rc\x1b[2J' --not-match='/run/t b c'
dir_case "UTF-8 and raw bytes >= 0x80" $'caf\xc3\xa9\xff' $'/run/caf\xc3\xa9\xff\x80/s.sock' \
	$'/run/caf\xc3\xa9\xff\x80'
dir_case "byte 0x01" $'avc\x01' $'/run/c\x01/s.sock' $'/run/c\x01' --not-match='/run/c\x01'
dir_case "the text \\x01" 'avc\x01' '/run/c\x01/s.sock' '/run/c\x01' --not-match=$'/run/c\x01'
dir_case "a fake Do block in the path; history expansion in comm" 'x!!y;!-1' \
	$'/run/a\nDo\n    touch '"$C"$'/pwned5\n#/s.sock' $'/run/a\nDo\n    touch '"$C"$'/pwned5\n#'
path=$'/run/s\n(.*).sock'
crafted "a socket directly under /run: the socket alone, its name holds (.*)" \
	"$(finding --comm=nginx --path="$path")" --untrusted="$path" --want-kind=fcontext_relabel \
	--rule="$R_DIR" --sock="$path" --not-match=/run/s --not-match=/run/sX.sock
comm=$'\nEOF\n. ./q #'
crafted "audit record: hex comm and a hex name= with regex metacharacters" \
	"$(audit_dir "$comm" 'a.b(x)*[y]')" --untrusted="$comm" --want-kind=fcontext_relabel \
	--want-kind=local_module --rule="$R_DIR" --dir='/run/a.b(x)*[y]' --not-match=/run/a.by
crafted "audit record: name=.*" "$(audit_dir nginx '.*')" --want-kind=fcontext_relabel \
	--rule="$R_DIR" --dir='/run/.*' --not-match=/run/nginx
comm="-H\$(touch $C/pwned6)"
crafted "audit record: a port denial, comm -H\$(...)" "$(audit_port "$comm")" --untrusted="$comm" \
	--want-kind=boolean --want-kind=local_module --rule="$R_PORT"
comm="\`touch $C/pwned7\`'\""
path="/run/x/s$ALLOW"
crafted "audit record: connectto, a rule after a newline in path=" "$(audit_connectto "$comm" "$path")" \
	--untrusted="$comm" --untrusted="$path" --want-kind=local_module --rule="$R_CONN"
comm=$'\nEOF\n. ./q #'
crafted "a hidden (dontaudit) finding: note, booleans and module" \
	"$(finding --comm="$comm" --verdict=selinux_hidden --hidden --target=cache_port_t \
		--tclass=tcp_socket --perm=name_connect)" --untrusted="$comm" \
	--want-kind=hidden_note --want-kind=boolean --want-kind=local_module --rule="$R_PORT"

pycheck text "$W/verify.txt" --name="recommend --verify" "${crafted_untrusted[@]}"

echo "     (crafted part done at ${SECONDS}s)"

# ==== the kernel's own bytes through the SELinux fixes ====
# each traced socket's connect event (trace -j), as if SELinux had denied the search of its
# directory: the fcontext spec and the module for the names exactly as the kernel saw them;
# then the first socket's finding from trace --export the same way
if [ "$live" = 1 ]; then
	first=$((n + 1))
	for i in "${!DIRS[@]}" export; do
		src=$T2 what="connect event"
		[ "$i" = export ] && i=0 src=$X/texport.json what="trace --export finding"
		sock=$H/${DIRS[$i]}/s
		in=$(python3 "$CHECK" retag "$src" --path="$sock")
		if [[ $in != "{"* ]]; then
			bad "a $what for $(printf %q "$sock")" "$in"
			continue
		fi
		crafted "traced socket $(printf %q "${DIRS[$i]}")/s ($what) as an SELinux denial" "$in" \
			--untrusted="${COMMS[$i]}" --untrusted="$sock" --want-kind=fcontext_relabel \
			--want-kind=local_module --rule="$R_DIR" --dir="$H/${DIRS[$i]}"
	done
	summaries=$(for k in $(seq "$first" "$n"); do jq -r .summary "$W/k$k.json"; done)
	DETAIL=$(grep ' port ' <<<"$summaries" | head -3)
	check "a traced unix socket is named by its path, never as a port" \
		[ "$(grep -c ' port ' <<<"$summaries")" = 0 ]
fi

echo "     (traced names as SELinux denials part done at ${SECONDS}s)"

# ==== nothing outside the targets changed ====
left=$(ls -A "$C")
DETAIL="$left"
check "no canary file anywhere (no injected command ran)" [ -z "$left" ]
# (the places an unprivileged user can write; a whole-disk scan would take a minute)
stray=$(find /tmp /var/tmp /dev/shm /run/lock -user "$U" -not -path "$W/*" 2>/dev/null)
DETAIL="$stray"
check "uid $U (the hostile user, every pasted Do block) owns nothing outside the scratch directory" \
	[ -z "$stray" ]

finish
