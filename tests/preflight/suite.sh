#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# `avcsnoop preflight` as a user runs it (issue 22), on the refpolicy (policy.33 and its
# file_contexts) as httpd_t:
# - exit status: 0 clean, 3 a denial, 4 nothing denied but a socket unknown (a CI gate must
#   not pass an unknown); --help says so;
# - --prefix and --root: a Debian tree copied elsewhere (absolute includes under the root);
# - -j: an error is a JSON object on stdout too, naming FILE:LINE;
# - DNS: off by default (a silent resolver in a private network namespace receives nothing,
#   the name is judged by its port); --resolve=SECS bounds every look-up together;
# - hostile files: an include glob over symbolic link loops stops at its bound, quickly; an
#   include of a FIFO is refused, not waited on; an include path over the limit is an error;
#   variable names with C1 bytes reach the terminal escaped;
# - the differential test against Debian's nginx (tests/preflight/differential.sh) on the
#   corpus of tests/preflight/corpus/.
# Needs the refpolicy at /etc/selinux/default; unshare and python3 for the DNS tests.
# Last line: "preflight: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."
SUITE=preflight
. tests/lib/common.sh
AVC=${PREFLIGHT_AVC:-./avcsnoop}
POL=/etc/selinux/default/policy/policy.33
FC=/etc/selinux/default/contexts/files/file_contexts
[ -x "$AVC" ] || { bad "build" "$AVC is missing (run make)"; finish; }
if [ ! -r "$POL" ] || [ ! -r "$FC" ]; then
	skipped "all preflight tests" "no refpolicy at $POL"
	finish
fi
# expect NAME: ok when the last command (a chain of conditions) succeeded
expect() { if [ $? -eq 0 ]; then ok "$1"; else bad "$1" "${DETAIL:-}"; fi; DETAIL=; }
jqe() { jq -e "$@" >/dev/null; }
pf() { timeout 60 "$AVC" preflight -P "$POL" --domain httpd_t --file-contexts "$FC" "$@"; }

# ---- exit status ----
printf 'http { server { listen 127.0.0.1:80; } }\n' >"$W/clean.conf"
printf 'http { upstream u { server 127.0.0.1:3000; } }\n' >"$W/denied.conf"
printf 'http { server { listen 127.0.0.1:8080;\n location / { proxy_pass http://$backend; } } }\n' \
	>"$W/unknown.conf"
pf "$W/clean.conf" >"$W/out" 2>&1
check "exit 0 when every socket is allowed" [ $? -eq 0 ]
pf "$W/denied.conf" >"$W/out" 2>&1
check "exit 3 when a socket would be denied" [ $? -eq 3 ]
pf "$W/unknown.conf" >"$W/out" 2>&1
rc=$?
DETAIL="rc=$rc $(tail -3 "$W/out")"
[ $rc -eq 4 ] && grep -q 'decided at run time: the address comes from \$backend' "$W/out"
expect "exit 4 when nothing is denied but a socket stays unknown"
"$AVC" preflight --help >"$W/help" 2>&1
check "--help documents exit 4" grep -q '4 nothing denied but some' "$W/help"

"$AVC" preflight --resolve=601 "$W/clean.conf" >"$W/out" 2>&1
rc=$?
DETAIL="rc=$rc $(cat "$W/out")"
[ $rc -eq 2 ] && [ "$(wc -l <"$W/out")" -eq 1 ] && grep -q "'601' is over 600 seconds" "$W/out"
expect "--resolve=601: bad usage, one message naming the value"

# ---- --prefix and --root ----
R=$W/copied
mkdir -p "$R/etc/nginx/conf.d" "$R/etc/nginx/sites-enabled"
printf 'types { text/html html; }\n' >"$R/etc/nginx/mime.types"
cat >"$R/etc/nginx/nginx.conf" <<'EOF'
user www-data;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	include /etc/nginx/conf.d/*.conf;
	include sites-enabled/*;
}
EOF
printf 'upstream app { server 127.0.0.1:3000; }\n' >"$R/etc/nginx/conf.d/app.conf"
printf 'server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }\n' \
	>"$R/etc/nginx/sites-enabled/default"
pf -j --root "$R" /etc/nginx/nginx.conf >"$W/out" 2>&1
rc=$?
DETAIL="rc=$rc $(head -c 600 "$W/out")"
[ $rc -eq 3 ] &&
	grep -q "\"file\":\"$R/etc/nginx/conf.d/app.conf\",\"line\":1,\"directive\":\"server\"" "$W/out" &&
	grep -q "\"file\":\"$R/etc/nginx/sites-enabled/default\"" "$W/out"
expect "--root: absolute includes read under the root"
# (a main file of its own: without --root, /etc/nginx/mime.types would be this host's)
printf 'events { }\nhttp {\n\tinclude conf.d/*.conf;\n\tinclude sites-enabled/*;\n}\n' \
	>"$R/etc/nginx/prefix.conf"
pf -j --prefix "$R/etc/nginx" prefix.conf >"$W/out" 2>&1
rc=$?
DETAIL="rc=$rc $(head -c 300 "$W/out")"
[ $rc -eq 3 ] && grep -q "\"file\":\"$R/etc/nginx/sites-enabled/default\"" "$W/out"
expect "--prefix: a relative CONF under the prefix, its includes relative to it"

# ---- JSON errors ----
printf 'http {\n server { listen 80 }\n' >"$W/bad.conf"
pf -j "$W/bad.conf" >"$W/out" 2>"$W/err"
rc=$?
DETAIL="rc=$rc out=$(cat "$W/out") err=$(cat "$W/err")"
[ $rc -eq 1 ] && [ -s "$W/out" ] &&
	jq -e --arg f "$W/bad.conf" '.type == "error" and (.message | startswith($f + ":"))' \
		"$W/out" >/dev/null
expect "-j: a configuration error is a JSON object naming FILE:LINE, exit 1"
pf -j --domain no_such_domain_t "$W/clean.conf" >"$W/out" 2>/dev/null
[ -s "$W/out" ] && jqe '.type == "error"' "$W/out"
expect "-j: a bad domain is a JSON error too"

# ---- DNS ----
printf 'http { server { listen 127.0.0.1:8080;\n location / { proxy_pass https://app.example.invalid/; }\n location /b { proxy_pass http://b.example.invalid:3000/; }\n location /c { proxy_pass http://c.example.invalid:8080/; } } }\n' \
	>"$W/names.conf"
if ! command -v unshare >/dev/null || ! command -v python3 >/dev/null; then
	skipped "DNS off by default; --resolve deadline" "no unshare or python3"
else
	# a resolver that counts the queries it gets and never answers
	cat >"$W/silent_dns.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
n = 0
open(sys.argv[1], "w").write("0\n")
while True:
    s.recvfrom(4096)
    n += 1
    open(sys.argv[1], "w").write("%d\n" % n)
EOF
	printf 'nameserver 127.0.0.1\noptions timeout:10 attempts:3\n' >"$W/resolv.conf"
	sandbox() {
		unshare -n -m bash -c '
			ip link set lo up
			mount --bind "$1" /etc/resolv.conf
			python3 "$2" "$3" & dns=$!
			for _ in $(seq 50); do [ -s "$3" ] && break; sleep 0.1; done
			shift 3
			start=$(date +%s.%N)
			"$@"
			echo "rc=$? secs=$(echo "$(date +%s.%N) - $start" | bc)" >&2
			kill $dns' sandbox "$W/resolv.conf" "$W/silent_dns.py" "$W/queries" "$@"
	}
	sandbox "$AVC" preflight -P "$POL" --domain httpd_t -j "$W/names.conf" >"$W/out" 2>"$W/err"
	DETAIL="queries=$(cat "$W/queries" 2>&1) $(tail -2 "$W/err") $(head -c 400 "$W/out")"
	[ "$(cat "$W/queries" 2>/dev/null)" = 0 ] && grep -q 'rc=3 ' "$W/err" &&
		jq -se '[.[] | select(.type == "preflight" and .family == "name")] |
			map("\(.host):\(.port) \(.target_type)") | sort ==
			["app.example.invalid:443 http_port_t", "b.example.invalid:3000 ntop_port_t",
			 "c.example.invalid:8080 http_cache_port_t"]' "$W/out" >/dev/null
	expect "DNS off by default: nothing sent to the resolver, names judged by port"
	rm -f "$W/queries"
	# without the deadline: 3 names x 3 attempts x 10 s
	sandbox "$AVC" preflight -P "$POL" --domain httpd_t -j --resolve=2 "$W/names.conf" >"$W/out" \
		2>"$W/err"
	secs=$(sed -n 's/.* secs=//p' "$W/err")
	DETAIL="queries=$(cat "$W/queries" 2>&1) $(tail -2 "$W/err") $(grep -m1 invalid "$W/out" | head -c 600)"
	[ "$(cat "$W/queries" 2>/dev/null || echo 0)" -gt 0 ] &&
		awk -v s="$secs" 'BEGIN { exit !(s < 8) }' &&
		[ "$(jq -s '[.[] | select(.type == "preflight" and .family == "name")] | length' \
			"$W/out")" = 3 ]
	expect "--resolve=2: three silent look-ups end within one deadline (${secs}s), judged by port"
fi

# ---- hostile files ----
# symbolic link loops under a glob: glob(3) would walk 8^6 names; the walk stops at its bound
L=$W/loops
mkdir -p "$L"
for i in 1 2 3 4 5 6 7 8; do ln -s . "$L/l$i"; done
printf 'http { include %s/*/*/*/*/*/*/*.conf; }\n' "$L" >"$W/loops.conf"
start=$(date +%s)
pf "$W/loops.conf" >"$W/out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
DETAIL="rc=$rc secs=$secs $(tail -2 "$W/out")"
[ $rc -eq 1 ] && [ $secs -lt 20 ] &&
	grep -q "loops.conf:1: include \".*\": the pattern reads more than" "$W/out"
expect "an include glob over symlink loops stops at its bound, an error naming FILE:LINE"
mkfifo "$W/fifo.conf"
printf 'http { include %s; }\n' "$W/fifo.conf" >"$W/incfifo.conf"
start=$(date +%s)
pf "$W/incfifo.conf" >"$W/out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
DETAIL="rc=$rc secs=$secs $(tail -2 "$W/out")"
[ $rc -eq 1 ] && [ $secs -lt 10 ] &&
	grep -q "incfifo.conf:1: include \".*fifo.conf\": not a regular file" "$W/out"
expect "an include of a FIFO is refused at once"
long=$(printf 'd%.0s' $(seq 600))
printf 'http {\ninclude %s/%s.conf; }\n' "$W" "$long" >"$W/longinc.conf"
pf "$W/longinc.conf" >"$W/out" 2>&1
rc=$?
DETAIL="rc=$rc $(tail -2 "$W/out")"
[ $rc -eq 1 ] && [ -s "$W/out" ] &&
	grep -q "longinc.conf:2: include \".*\": a path longer than" "$W/out"
expect "an include path over the limit is an error, not another file"
printf 'http { server { listen 127.0.0.1:8080;\n location / { proxy_pass http://${\xc2\x9b2J\x1b]0;x}; } } }\n' \
	>"$W/c1.conf"
pf "$W/c1.conf" >"$W/out" 2>&1
DETAIL="$(grep -a 'run time' "$W/out" | od -c | head -5)"
grep -q 'the address comes from \${\\xc2\\x9b2J\\x1b' "$W/out" &&
	! LC_ALL=C grep -aq "$(printf '\xc2\x9b')" "$W/out" &&
	! LC_ALL=C grep -aq "$(printf '\x1b')" "$W/out"
expect "variable names reach the terminal escaped (no raw C1 or ESC byte)"

# ---- the differential test against nginx ----
if [ -x /usr/sbin/nginx ]; then
	AVC=$AVC tests/preflight/differential.sh >"$W/diff" 2>&1
	rc=$?
	sed 's/^/     /' "$W/diff" | grep -v '^     ok ' | tail -40
	DETAIL="$(tail -1 "$W/diff")"
	check "differential: $(tail -1 "$W/diff")" [ $rc -eq 0 ]
else
	skipped "differential test against nginx" "no /usr/sbin/nginx (apt-get install nginx)"
fi

finish
