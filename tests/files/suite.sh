#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What avcsnoop (root) leaves on disk for others to read, against what another user plants:
# - exports and the Prometheus textfile, written into a sticky world-writable directory and
#   into a directory owned by another user, where that user planted symlinks to root-owned
#   canaries and files at the old and likely temporary names and at the target itself: the
#   canaries do not change, nothing planted changes, no temporary file is left, the targets
#   are regular files owned by root with mode 0600 (exports) or 0644 (textfile) and valid;
# - pinned maps of another layout or ABI version are refused by name, without a crash;
#   --unpin acts only on a bpffs and only on avcsnoop's pins; a real pin, dump, unpin works;
# - a closed stdout (| head -1) ends trace and watch as SIGINT does: export and stats written.
# Needs root, BTF and the user nobody; a missing piece is a skip naming it.
set -u
cd "$(dirname "$0")/../.."
SUITE=files
. tests/lib/common.sh
PINBASE=/sys/fs/bpf/avcsnoop-files-test-$$
suite_cleanup() {
	[ -n "${bg_pid:-}" ] && kill -INT "$bg_pid" 2>/dev/null
	[ -d "$PINBASE/real" ] && "$AVC" watch --unpin "$PINBASE/real" 2>/dev/null
	rm -rf "$PINBASE"
}
preflight

# fp FILE: what must not change about a file: inode, size, mtime (ns), owner, mode, content
fp() { echo "$(stat -c '%i %s %y %U:%G %a' -- "$1") $(sha256sum <"$1" | cut -d' ' -f1)"; }
# snap DIR TARGET...: every entry of DIR but the targets: name, owner, mode, size, type,
# symlink target, mtime; an extra entry (a temporary file left behind) shows up too
snap() {
	local dir=$1
	shift
	find "$dir" -mindepth 1 -printf '%P %u:%g %m %s %y %l %T@\n' |
		awk -v skip="$*" 'BEGIN { n = split(skip, a, " "); for (i = 1; i <= n; i++) s[a[i]] = 1 }
			!($1 in s)' | sort
}
# kind FILE: "regular file root 600" (a symlink is not a regular file here)
kind() {
	local k=other
	[ -L "$1" ] && k=symlink
	[ -f "$1" ] && [ ! -L "$1" ] && k="regular file"
	echo "$k $(stat -c '%U %a' -- "$1" 2>&1)"
}
jqe() { jq -e "$@" >/dev/null; }
# prom_valid FILE: every sample line is NAME{LABELS} VALUE or NAME VALUE, comments are # HELP/TYPE
prom_valid() {
	[ -s "$1" ] && ! grep -vE '^(# (HELP|TYPE) [a-z_]+ .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eE]+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \+Inf)$' "$1"
}

NOBODY_GID=$(id -g nobody 2>/dev/null)
as_nobody() { setpriv --reuid=nobody --regid="$NOBODY_GID" --clear-groups "$@"; }

# ---- safe files: a sticky world-writable directory, another user's plants ----
if [ -z "$NOBODY_GID" ] || ! command -v setpriv >/dev/null; then
	skipped "safe files: planted by another user" "no user nobody or no setpriv (util-linux)"
else
	chmod 0711 "$W" # nobody may reach the directories below, not list $W
	S=$W/sticky
	mkdir "$S" && chmod 1777 "$S"
	CAN=$W/canary CAN2=$W/canary2
	printf 'root-owned canary %s\n' $$ >"$CAN"
	printf 'root-owned canary 2 %s\n' $$ >"$CAN2"
	chmod 0644 "$CAN" "$CAN2"
	fp_can=$(fp "$CAN") fp_can2=$(fp "$CAN2")
	EXP=$S/findings.json PROM=$S/avcsnoop.prom TEXP=$S/trace.json
	# the old writer's temporary names (TARGET.tmp): a symlink to the canary for the
	# exports (it was truncated through it), a file mode 0666 for the textfile (it kept
	# nobody as its owner); files at the other likely neighbours; a symlink AT the trace
	# export's target
	as_nobody sh -c '
		can=$1 can2=$2
		shift 2
		ln -s "$can" "$1.tmp"
		: >"$2.tmp" && chmod 666 "$2.tmp"
		ln -s "$can" "$3.tmp"
		for t in "$@"; do
			for n in "${t%/*}/.${t##*/}.tmp" "$t.new" "$t~"; do
				: >"$n" && chmod 666 "$n"
			done
		done
		ln -s "$can2" "$3"' sh "$CAN" "$CAN2" "$EXP" "$PROM" "$TEXP"
	n=$(find "$S" -mindepth 1 -user nobody | wc -l)
	DETAIL="$(ls -la "$S")"
	check "setup: nobody planted 13 entries in the sticky directory" [ "$n" = 13 ]
	snap_before=$(snap "$S" findings.json avcsnoop.prom trace.json)

	start_avc "$W/w.json" watch -j --export "$EXP" --prometheus "$PROM" -c avc-files 0.3 || finish
	$CONN --comm avc-files --count 5 --closed tcp4:127.0.0.1:0 >/dev/null
	sleep 0.8
	stop_avc || bad "watch --export --prometheus exits 0" "$(cat "$W/w.json.err")"
	start_avc "$W/t.json" trace -j -c avc-files --export "$TEXP" || finish
	$CONN --comm avc-files --count 3 --closed tcp4:127.0.0.1:0 >/dev/null
	sleep 0.3
	stop_avc || bad "trace --export exits 0" "$(cat "$W/t.json.err")"

	DETAIL="before: $fp_can, after: $(fp "$CAN")"
	check "sticky dir: the canary behind the planted TARGET.tmp symlinks is unchanged" \
		[ "$(fp "$CAN")" = "$fp_can" ]
	DETAIL="before: $fp_can2, after: $(fp "$CAN2")"
	check "sticky dir: a symlink at the target is replaced, not followed (canary unchanged)" \
		[ "$(fp "$CAN2")" = "$fp_can2" ]
	DETAIL="$(diff <(echo "$snap_before") <(snap "$S" findings.json avcsnoop.prom trace.json))"
	check "sticky dir: every planted entry is as it was; no temporary file is left" \
		[ -z "$DETAIL" ]
	DETAIL="watch --export: $(kind "$EXP"); trace --export: $(kind "$TEXP")"
	check "sticky dir: exports are regular files, root's, mode 0600" \
		[ "$(kind "$EXP")" = "regular file root 600" -a "$(kind "$TEXP")" = "regular file root 600" ]
	DETAIL="$(kind "$PROM")"
	check "sticky dir: the Prometheus textfile is a regular file, root's, mode 0644" \
		[ "$(kind "$PROM")" = "regular file root 644" ]
	DETAIL="$(cat "$EXP" 2>&1)"
	check "sticky dir: watch --export holds the finding (5 refused)" \
		jqe -s 'length==1 and .[0].count==5 and .[0].verdict=="refused" and .[0].comm=="avc-files"' "$EXP"
	DETAIL="$(cat "$TEXP" 2>&1)"
	check "sticky dir: trace --export holds the finding (3 refused)" \
		jqe -s 'length==1 and .[0].count==3 and .[0].verdict=="refused"' "$TEXP"
	DETAIL="$(cat "$PROM" 2>&1)"
	check "sticky dir: the textfile is valid and counts the 5 refused attempts" eval \
		'prom_valid "$PROM" && grep -qE "^avcsnoop_connect_attempts_total\{comm=\"avc-files\",.*verdict=\"refused\".*\} 5$" "$PROM"'

	# ---- a directory owned by another user (a textfile directory owned by the exporter) ----
	O=$W/nobodys
	CAN3=$W/canary3
	printf 'root-owned canary 3 %s\n' $$ >"$CAN3"
	fp_can3=$(fp "$CAN3")
	mkdir "$O" && chown nobody:"$NOBODY_GID" "$O" && chmod 0755 "$O"
	as_nobody sh -c 'for t in findings.json avcsnoop.prom; do ln -s "$1" "$2/$t.tmp"; done
		ln -s "$1" "$2/avcsnoop.prom"' sh "$CAN3" "$O"
	snap_before=$(snap "$O" findings.json avcsnoop.prom)
	out=$("$AVC" watch -q --export "$O/findings.json" --prometheus "$O/avcsnoop.prom" -c avc-files 0.2 2 2>&1)
	rc=$?
	DETAIL="rc=$rc $out"
	check "another user's directory: watch writes both files, exit 0" [ "$rc" = 0 ]
	DETAIL="before: $fp_can3, after: $(fp "$CAN3")"
	check "another user's directory: the canary behind the planted symlinks is unchanged" \
		[ "$(fp "$CAN3")" = "$fp_can3" ]
	DETAIL="$(diff <(echo "$snap_before") <(snap "$O" findings.json avcsnoop.prom))"
	check "another user's directory: planted entries as they were; no temporary file left" \
		[ -z "$DETAIL" ]
	DETAIL="export: $(kind "$O/findings.json"), textfile: $(kind "$O/avcsnoop.prom")"
	check "another user's directory: root's files, 0600 export, 0644 textfile" eval \
		'[ "$(kind "$O/findings.json")" = "regular file root 600" ] && [ "$(kind "$O/avcsnoop.prom")" = "regular file root 644" ] && prom_valid "$O/avcsnoop.prom"'

	# ---- a directory in the path swapped for a symlink (issue 23): refused, nothing written
	# where it points, whether the link is the textfile directory or a parent of it ----
	R=$W/rootonly
	mkdir -m 0700 "$R"
	as_nobody sh -c 'mkdir "$1/sub" && ln -s "$2" "$1/textfile" && ln -s "$1/sub" "$1/parent"' sh "$O" "$R"
	out=$("$AVC" watch -q --prometheus "$O/textfile/avcsnoop.prom" -c avc-files 0.1 1 2>&1); rc=$?
	DETAIL="rc=$rc $out; $(ls -A "$R")"
	check "a symlinked textfile directory: refused, named, nothing written where it points" eval \
		'[ $rc = 1 ] && grep -q "$O/textfile is a symbolic link: refused" <<<"$out" && [ -z "$(ls -A "$R")" ]'
	mkdir "$O/sub/d" 2>/dev/null || as_nobody mkdir "$O/sub/d"
	out=$("$AVC" watch -q --export "$O/parent/d/findings.json" -c avc-files 0.1 1 2>&1); rc=$?
	DETAIL="rc=$rc $out"
	check "a symlink in a parent of the export's directory: refused, named" eval \
		'[ $rc = 1 ] && grep -q "$O/parent is a symbolic link: refused" <<<"$out" && [ ! -e "$O/sub/d/findings.json" ]'
fi

# ---- pins: layout and version checks; --unpin only avcsnoop's pins on a bpffs ----
mkdir -p "$PINBASE"
REAL=$PINBASE/real
start_avc "$W/pin.out" watch --pin "$REAL" -c avc-fpin 60 || finish
$CONN --comm avc-fpin --count 7 --closed tcp4:127.0.0.1:4998 >/dev/null
sleep 0.2
stop_avc || bad "watch --pin exits 0" "$(cat "$W/pin.out.err")"
out=$("$AVC" dump -j "$REAL" 2>&1)
rc=$?
n=$(jq -s 'map(select(.type=="watch" and .dport==4998)) | .[0].total' <<<"$out" 2>/dev/null)
DETAIL="rc=$rc $out"
check "real pins: watch --pin, then dump reads them (7 refused)" [ "$rc" = 0 -a "$n" = 7 ]
# the layout of this build's pins, as the kernel reports it, for the foreign look-alikes
sizes() { bpftool -j map show pinned "$REAL/$1" | jq -r '"\(.bytes_key) \(.bytes_value) \(.max_entries)"'; }
read -r KEY AGGV _ < <(sizes agg)
read -r _ NAMESV _ < <(sizes agg_names)
read -r _ STATV STATN < <(sizes stats)
ABI=$(sed -n 's/^#define AVC_ABI_VERSION[[:space:]]*\([0-9]*\).*/\1/p' include/avcsnoop.h)
le32() { echo "$(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))"; }
DETAIL="agg key $KEY value $AGGV, agg_names value $NAMESV, stats value $STATV entries $STATN, ABI $ABI"
check "real pins: layout read back" [ -n "$KEY" -a -n "$AGGV" -a -n "$NAMESV" -a -n "$STATN" -a -n "$ABI" ]

# mk_pins DIR [FILE=TYPE:KEY:VALUE:ENTRIES:NAME | FILE=none]...: avcsnoop's four maps with
# this build's layout made by bpftool (not by avcsnoop), with the given ones replaced
mk_pins() {
	local dir=$1 f type k v n name
	shift
	declare -A spec=([abi]="array:4:4:1:avc_abi" [agg]="hash:$KEY:$AGGV:64:agg"
		[agg_names]="hash:$KEY:$NAMESV:64:agg_names" [stats]="percpu_array:4:$STATV:$STATN:stats")
	for f in "$@"; do spec[${f%%=*}]=${f#*=}; done
	mkdir -p "$dir" || return 1
	for f in "${!spec[@]}"; do
		[ "${spec[$f]}" = none ] && continue
		IFS=: read -r type k v n name <<<"${spec[$f]}"
		bpftool map create "$dir/$f" type "$type" key "$k" value "$v" entries "$n" name "$name" || return 1
	done
	# shellcheck disable=SC2046 # le32 prints four byte arguments
	[ "${spec[abi]}" = none ] || bpftool map update pinned "$dir/abi" key 0 0 0 0 value $(le32 "${ABI_VAL:-$ABI}")
}
# dump_refuses NAME DIR PATTERN: dump exits 1 (no crash) with a message matching PATTERN, and
# leaves the pins in place
dump_refuses() {
	local dir=$2 pat=$3 before out rc
	before=$(ls "$dir")
	out=$("$AVC" dump "$dir" 2>&1)
	rc=$?
	DETAIL="rc=$rc $out"
	check "$1" eval '[ $rc = 1 ] && grep -qE -- "$pat" <<<"$out" && [ "$(ls "$dir")" = "$before" ]'
}

mk_pins "$PINBASE/good" && out=$("$AVC" dump -j "$PINBASE/good" 2>"$W/good.err")
rc=$?
DETAIL="rc=$rc $out $(cat "$W/good.err")"
check "pins: look-alikes of the right layout and version are read (the check is no blanket refusal)" \
	eval '[ $rc = 0 ] && jq -e -s "map(select(.type==\"watch_interval\")) | length == 1" <<<"$out" >/dev/null'
mkdir -p "$PINBASE/x" && bpftool map create "$PINBASE/x/agg" type hash key 4096 value 8 entries 4 name agg
dump_refuses "pins: the issue's foreign agg (4096-byte key) alone: no version mark, named" \
	"$PINBASE/x" "$PINBASE/x/abi: missing"
mk_pins "$PINBASE/key" agg=hash:4096:8:4:agg
dump_refuses "pins: agg with a 4096-byte key: refused, key and value size named" \
	"$PINBASE/key" "$PINBASE/key/agg: .*key size 4096, expected $KEY; value size 8, expected $AGGV"
mk_pins "$PINBASE/value" agg=hash:$KEY:8:4:agg
dump_refuses "pins: agg with a wrong value size: refused, named" \
	"$PINBASE/value" "$PINBASE/value/agg: .*value size 8, expected $AGGV"
mk_pins "$PINBASE/type" agg=lru_hash:$KEY:$AGGV:4:agg
dump_refuses "pins: agg of the wrong type: refused, named" \
	"$PINBASE/type" "$PINBASE/type/agg: .*type lru_hash, expected hash"
mk_pins "$PINBASE/stats" stats=percpu_array:4:16:$STATN:stats
dump_refuses "pins: stats with a 16-byte per-CPU value: refused, named" \
	"$PINBASE/stats" "$PINBASE/stats/stats: .*value size 16, expected $STATV"
ABI_VAL=$((ABI + 1)) mk_pins "$PINBASE/version"
dump_refuses "pins: another ABI version: refused, both versions named" \
	"$PINBASE/version" "pinned with pin ABI version $((ABI + 1)), this avcsnoop reads version $ABI"
before=$(ls "$PINBASE/key")
out=$("$AVC" watch --pin "$PINBASE/key" 0.2 1 2>&1)
rc=$?
DETAIL="rc=$rc $out; now: $(ls "$PINBASE/key" | tr '\n' ' ')"
check "pins: watch --pin on the foreign agg refuses it too, pins nothing" \
	eval '[ $rc = 1 ] && grep -q "key size 4096" <<<"$out" && [ "$(ls "$PINBASE/key")" = "$before" ]'

# --unpin
P=$W/plain
mkdir "$P" && touch "$P/agg" "$P/agg_names" "$P/stats" "$P/abi" "$P/link_x"
out=$("$AVC" watch --unpin "$P" 2>&1)
rc=$?
DETAIL="rc=$rc $out; left: $(ls "$P" | tr '\n' ' ')"
check "--unpin on an ordinary directory: refused (not a bpffs), every file survives" eval \
	'[ $rc = 1 ] && grep -q "not a directory on a bpf filesystem" <<<"$out" && [ "$(ls "$P" | wc -l)" = 5 ]'
ln -s "$REAL" "$W/pinlink"
out=$("$AVC" watch --unpin "$W/pinlink" 2>&1)
rc=$?
DETAIL="rc=$rc $out"
check "--unpin through a symlink: refused, the pins survive" eval \
	'[ $rc = 1 ] && [ -e "$REAL/agg" ]'
mk_pins "$PINBASE/foreign" agg=hash:$KEY:$AGGV:64:notours &&
	bpftool map create "$PINBASE/foreign/link_x" type array key 4 value 4 entries 1 name other
out=$("$AVC" watch --unpin "$PINBASE/foreign" 2>&1)
rc=$?
DETAIL="rc=$rc $out; left: $(ls "$PINBASE/foreign" | tr '\n' ' ')"
check "--unpin on a bpffs with another tool's agg and link_x: refused, names both, removes nothing" eval \
	'[ $rc = 1 ] && grep -q "agg is not avcsnoop.s: named .notours., expected .agg." <<<"$out" && grep -q "link_x is not avcsnoop.s: a pinned bpf-map, not a link" <<<"$out" && [ "$(ls "$PINBASE/foreign" | wc -l)" = 5 ]'
out=$("$AVC" watch --unpin "$PINBASE/version" 2>&1)
rc=$?
DETAIL="rc=$rc $out"
check "--unpin removes avcsnoop's pins of another ABI version" eval '[ $rc = 0 ] && [ ! -e "$PINBASE/version" ]'
link_id=$(bpftool -j link show pinned "$REAL/link_avc_connect_enter" 2>/dev/null | jq .id)
out=$("$AVC" watch --unpin "$REAL" 2>&1)
rc=$?
DETAIL="rc=$rc $out; link $link_id: $(bpftool link show id "$link_id" 2>&1)"
check "real pins: --unpin removes them and detaches (the pinned link is gone)" eval \
	'[ $rc = 0 ] && [ ! -e "$REAL" ] && [ -n "$link_id" ] && ! bpftool link show id "$link_id" >/dev/null 2>&1'

# ---- a closed stdout ends trace and watch as SIGINT does ----
# connect from a loop in the background while the command under test runs
connect_loop() {
	while :; do
		$CONN --comm avc-fpipe --closed tcp4:127.0.0.1:0 >/dev/null 2>&1
		sleep 0.05
	done
}
F=$W/pipe-trace.json
connect_loop &
bg_pid=$!
timeout -s INT 30 "$AVC" trace -a --export "$F" -d 3 2>"$W/pipe1.err" | head -1 >"$W/pipe1.out"
rc=${PIPESTATUS[0]}
kill "$bg_pid" 2>/dev/null
wait "$bg_pid" 2>/dev/null
bg_pid=
DETAIL="rc=$rc (141: killed by SIGPIPE); $(cat "$W/pipe1.err")"
check "trace -a --export F -d 3 | head -1: exits 0, not killed by SIGPIPE" [ "$rc" = 0 ]
DETAIL="$(kind "$F"); $(head -c 600 "$F" 2>&1)"
check "trace | head -1: F is written (root, 0600), valid JSON lines" eval \
	'[ "$(kind "$F")" = "regular file root 600" ] && jq -e -s "all(.[]; type==\"object\" and has(\"verdict\"))" "$F" >/dev/null'
DETAIL="$(cat "$W/pipe1.err")"
check "trace | head -1: the stats line is printed on stderr" \
	grep -qE '^avcsnoop: [0-9]+ attempts?, [0-9]+ events?, [0-9]+ lost' "$W/pipe1.err"

# with a finding: the first event line goes to head, which exits; trace stops long before -d
F=$W/pipe-trace2.json
start=$(date +%s.%N)
(
	timeout -s INT 30 "$AVC" trace -j -c avc-fpipe --export "$F" -d 20 2>"$W/pipe2.err" | head -1 >"$W/pipe2.out"
	echo "${PIPESTATUS[0]}" >"$W/pipe2.rc"
) &
bg_pid=$!
for _ in $(seq 100); do
	grep -q '^avcsnoop: have:' "$W/pipe2.err" 2>/dev/null && break
	sleep 0.1
done
$CONN --comm avc-fpipe --count 3 --closed tcp4:127.0.0.1:0 >/dev/null
wait "$bg_pid"
bg_pid=
took=$(echo "$(date +%s.%N) - $start" | bc)
rc=$(cat "$W/pipe2.rc")
DETAIL="rc=$rc after ${took}s; $(cat "$W/pipe2.err")"
check "trace -j --export F -d 20 | head -1: ends when head exits (well before -d), exit 0" \
	eval '[ "$rc" = 0 ] && [ "$(echo "$took < 15" | bc)" = 1 ]'
DETAIL="out: $(cat "$W/pipe2.out"); F: $(cat "$F" 2>&1)"
check "trace | head -1: head got one event; F holds all 3 refused attempts" eval \
	'jq -e "select((.type==\"connect\" or .type==\"bind\"))" "$W/pipe2.out" >/dev/null && jq -e -s "length==1 and .[0].count==3 and .[0].verdict==\"refused\"" "$F" >/dev/null'
DETAIL="$(cat "$W/pipe2.err")"
# the connector's --closed bind()s a port first: traced too, one attempt and one event more
check "trace | head -1: the stats line counts the 3 connects and the bind" \
	grep -qE '^avcsnoop: 4 attempts, 4 events, 0 lost' "$W/pipe2.err"

# watch: the first report's first line goes to head; watch notices at once, writes a final
# report (export and textfile) and exits 0, with no COUNT and a long INTERVAL
F=$W/pipe-watch.json PR=$W/pipe-watch.prom
start=$(date +%s.%N)
(
	timeout -s INT 60 "$AVC" watch -j --export "$F" --prometheus "$PR" -c avc-fpipe 1 2>"$W/pipe3.err" | head -1 >"$W/pipe3.out"
	echo "${PIPESTATUS[0]}" >"$W/pipe3.rc"
) &
bg_pid=$!
for _ in $(seq 100); do
	grep -q '^avcsnoop: have:' "$W/pipe3.err" 2>/dev/null && break
	sleep 0.1
done
$CONN --comm avc-fpipe --count 4 --closed tcp4:127.0.0.1:0 >/dev/null
wait "$bg_pid"
bg_pid=
took=$(echo "$(date +%s.%N) - $start" | bc)
rc=$(cat "$W/pipe3.rc")
DETAIL="rc=$rc after ${took}s; $(cat "$W/pipe3.err")"
check "watch -j --export F --prometheus P 1 | head -1: ends by itself, exit 0" \
	eval '[ "$rc" = 0 ] && [ "$(echo "$took < 30" | bc)" = 1 ]'
DETAIL="out: $(cat "$W/pipe3.out"); F: $(cat "$F" 2>&1)"
check "watch | head -1: F holds the 4 refused attempts; P is valid and counts them" eval \
	'jq -e -s "length==1 and .[0].count==4 and .[0].verdict==\"refused\"" "$F" >/dev/null && prom_valid "$PR" && grep -qE "^avcsnoop_connect_attempts_total\{comm=\"avc-fpipe\",.*\} 4$" "$PR"'

finish
