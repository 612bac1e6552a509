#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What a reader is told agrees with the binary (issue 25): the man page's version and FIELDS
# (every JSON member every writer in user/ emits), the exit codes and option letters of every
# subcommand, the words for empty input, and README.md's generated blocks (readme_blocks.py).
# No root, no BPF: every check stops before a program is loaded.
# Last line: "docs: N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
make -s --no-print-directory avcsnoop build/avcsnoop.8 >/dev/null || {
	echo "docs: 0 passed, 1 failed"
	exit 1
}
AVC=${AVCSNOOP:-./avcsnoop}
CMDS="trace watch dump recommend preflight tighten"
pass=0 fail=0 skip=0
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 15 | sed 's/^/     /'
	return 0
}
check() {
	local name=$1
	shift
	if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

# ---- the man page: generated with VERSION's version, the one --version prints ----
version=$(cat VERSION)
check "man page: .TH says avcsnoop $version (build/avcsnoop.8 from VERSION)" \
	grep -qF "\"avcsnoop $version\"" build/avcsnoop.8
check "man page: no @VERSION@ left" bash -c '! grep -q @VERSION@ build/avcsnoop.8'
check "--version says $version" bash -c '[ "$("$1" --version)" = "avcsnoop $2" ]' _ "$AVC" "$version"
if command -v man >/dev/null; then
	check "man page renders without warnings" \
		bash -c '! LC_ALL=C.UTF-8 MANWIDTH=100 man --warnings -l build/avcsnoop.8 2>&1 >/dev/null | grep .'
fi

# ---- FIELDS: every member name a writer emits is documented, every record type has its part ----
python3 - build/avcsnoop.8 user/*.c >"$W/fields" <<'EOF'
import re, sys
man = open(sys.argv[1]).read()
m = re.search(r"^\.SH FIELDS$(.*?)^\.SH ", man, re.S | re.M)
if not m:
    print("no FIELDS section"); sys.exit(1)
fields = m.group(1)
words = set(re.findall(r"[A-Za-z0-9_]+", fields.replace("\\fB", " ").replace("\\fR", " ")))
headings = " ".join(re.findall(r'^\.SS "(.*)"$', fields, re.M))
keys, types = {}, set()
# a member key is the first string argument after the json writer: json_str(j, "key", ...),
# selinux_json_write(j, "selinux", ...), advice_write_compact(j, "recommendation", ...)
call = re.compile(r'\b(\w*(?:json|compact)\w*)\(\s*[^,()"]+,\s*"([A-Za-z0-9_]+)"')
for path in sys.argv[2:]:
    src = open(path).read()
    for c in call.finditer(src):
        keys.setdefault(c.group(2), path)
    for t in re.finditer(r'json_str\(\s*[^,()]+,\s*"type",\s*"([a-z_]+)"', src):
        types.add(t.group(1))
types |= {"connect", "bind"}  # print_json's type is the op's name
missing = sorted(k for k in keys if k not in words)
untyped = sorted(t for t in types if not re.search(r"\b%s\b" % t, headings))
for k in missing:
    print("member %s (written in %s) is not in FIELDS" % (k, keys[k]))
for t in untyped:
    print('record type %s has no .SS "type: ..." heading in FIELDS' % t)
print("%d members, %d record types checked" % (len(keys), len(types)))
sys.exit(1 if missing or untyped else 0)
EOF
rc=$?
if [ $rc = 0 ]; then ok "FIELDS documents every JSON member and record type ($(tail -n 1 "$W/fields"))"; else bad "FIELDS documents every JSON member and record type" "$(cat "$W/fields")"; fi
check "trace --help points to the man page's FIELDS" bash -c '"$1" trace --help | grep -q "man avcsnoop, FIELDS"' _ "$AVC"
check "man EXIT STATUS: 0, 1, 2, 3 each named" \
	bash -c 'sed -n "/^\.SH EXIT STATUS/,/^\.SH /p" build/avcsnoop.8 | grep -c "^\.B [0123]$" | grep -qx 4'

# ---- usage errors: one line and a pointer to --help, exit 2, in every subcommand ----
for c in $CMDS; do
	"$AVC" "$c" --no-such-option >"$W/out" 2>"$W/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$W/out" ] && [ "$(wc -l <"$W/err")" = 2 ] &&
		grep -qx "Try 'avcsnoop $c --help' for the options." "$W/err"; then
		ok "$c --no-such-option: exit 2, the error and one line pointing to --help"
	else
		bad "$c --no-such-option: exit 2, the error and one line pointing to --help" \
			"exit $rc; stdout $(wc -l <"$W/out") lines; stderr: $(cat "$W/err")"
	fi
done
# a bad value is usage too (2), in each command that takes one
for args in "trace -d abc" "watch 0" "dump --format xml /x" "recommend --max-findings x" \
	"preflight -P" "tighten"; do
	# shellcheck disable=SC2086
	"$AVC" $args </dev/null >/dev/null 2>"$W/err"
	rc=$?
	if [ $rc = 2 ]; then ok "avcsnoop $args: exit 2"; else bad "avcsnoop $args: exit 2" "exit $rc: $(cat "$W/err")"; fi
done

# ---- the same short letter means the same long option in every subcommand ----
for c in $CMDS; do
	"$AVC" "$c" --help | grep -oE '^ +-[A-Za-z], --[a-z-]+' | sed "s/^ */$c /"
done >"$W/letters"
conflicts=$(awk '{ l = $2; sub(",", "", l); if ((l in seen) && seen[l] != $3) print l ": " seen[l] " (" who[l] ") and " $3 " (" $1 ")"; seen[l] = $3; who[l] = $1 }' "$W/letters")
if [ -z "$conflicts" ] && [ "$(wc -l <"$W/letters")" -gt 10 ]; then
	ok "no short option with two meanings ($(wc -l <"$W/letters") letters in $CMDS)"
else
	bad "no short option with two meanings" "$conflicts"
fi
check "-P is --policy in every command that reads a policy" \
	bash -c 'for c in trace watch dump recommend preflight tighten; do "$1" "$c" --help | grep -q "^  -P, --policy" || { echo "$c"; exit 1; }; done' _ "$AVC"

# ---- paths are checked before the work starts: exit 1, the path named ----
for args in "recommend --policy /nonexistent/p" "recommend --ports-local /nonexistent/p" \
	"trace --export /nonexistent/dir/f.json" "trace -P /nonexistent/p" \
	"watch --prometheus /nonexistent/dir/a.prom" "watch --export /nonexistent/dir/f.json" \
	"watch -P /nonexistent/p" "dump --export /nonexistent/dir/f /sys/fs/bpf/none"; do
	# shellcheck disable=SC2086
	timeout 10 "$AVC" $args </dev/zero >/dev/null 2>"$W/err"
	rc=$?
	path=$(grep -o '/nonexistent[^ ]*' <<<"$args" | head -n 1)
	if [ $rc = 1 ] && grep -qF "$path" "$W/err"; then
		ok "avcsnoop $args: exit 1 at once, the path named"
	else
		bad "avcsnoop $args: exit 1 at once, the path named" "exit $rc: $(cat "$W/err")"
	fi
done

# ---- empty input: a word on what it means and what to run ----
for input in "" "<no matches>"; do
	out=$(printf '%s\n' "$input" | "$AVC" recommend 2>&1)
	rc=$?
	if [ $rc = 0 ] && grep -q "^No denials in the input" <<<"$out" && grep -q dontaudit <<<"$out" &&
		grep -q "avcsnoop trace --recommend" <<<"$out" && grep -q "semodule -DB" <<<"$out"; then
		ok "recommend on '$input': no denials, a dontaudit may hide one, trace --recommend, semodule -DB"
	else
		bad "recommend on '$input': no denials, a dontaudit may hide one, trace --recommend, semodule -DB" "exit $rc: $out"
	fi
done

# ---- counts read as English: "1 attempt", "1 finding", never "1 attempts" or "(s)" there ----
refused='{"type":"finding","comm":"nginx","family":"inet","daddr":"127.0.0.1","dport":3000,"verdict":"refused","errno":"ECONNREFUSED","count":1}'
out=$("$AVC" recommend <<<"$refused" 2>&1)
if grep -q "^1 finding: 0 SELinux, 1 other failure (" <<<"$out" && grep -q "; 1 attempt; " <<<"$out" &&
	! grep -qE "(^|[^0-9])1 [a-z]+s\b[^(]" <<<"$(head -n 2 <<<"$out")"; then
	ok "recommend's summary says 1 finding, 1 attempt"
else
	bad "recommend's summary says 1 finding, 1 attempt" "$(head -n 3 <<<"$out")"
fi

# ---- README.md's generated blocks are what the binary prints ----
if grep -q '^<!-- generated' README.md; then
	check "README.md: every generated block matches the binary" \
		python3 tests/docs/readme_blocks.py --avcsnoop "$AVC" README.md
else
	skip=$((skip + 1))
	echo "skip README.md has no generated blocks yet (markers: tests/docs/readme_blocks.py)"
fi
# the checker itself: a stale block fails, the same block regenerated passes
cat >"$W/t.md" <<'EOF'
Intro.
<!-- generated: recommend tests/docs/ntop.avc -->
```
$ avcsnoop recommend tests/docs/ntop.avc
an old output
```
<!-- generated-help: dump -->
```
```
EOF
check "readme_blocks.py: a stale block is found" \
	bash -c '! python3 tests/docs/readme_blocks.py --avcsnoop "$1" "$2"' _ "$AVC" "$W/t.md"
python3 tests/docs/readme_blocks.py --update --avcsnoop "$AVC" "$W/t.md" >/dev/null
check "readme_blocks.py --update: the block is the binary's, the prompt kept, and then passes" \
	bash -c 'grep -q "^\$ avcsnoop recommend tests/docs/ntop.avc$" "$2" && grep -q "^Usage: avcsnoop dump" "$2" && python3 tests/docs/readme_blocks.py --avcsnoop "$1" "$2"' _ "$AVC" "$W/t.md"

echo "docs: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
