#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The differential test of `avcsnoop preflight` against nginx itself (tests only, never the
# product), over tests/preflight/corpus/: configurations written for this test after reading
# public applications' documented setups (each file says which construct it stands for).
#
# For each one, Debian's nginx checks and dumps it (`nginx -t`, `nginx -T`) in a sandbox: a
# private network namespace (loopback only, so nothing leaves the host and only /etc/hosts
# names resolve), a private mount namespace with an empty /run (unix listeners and pid files
# land there), its own prefix (-p) with dummy certificates made here, errors on stderr (-e).
# Then:
# - what nginx accepts, preflight accepts (not exit 1), and what nginx refuses (corpus/bad/),
#   preflight refuses naming FILE:LINE;
# - the socket directives of nginx's dump (tests/preflight/nginx_dump_sockets.py: listens,
#   upstream servers not down, passes not naming an upstream, auth_http, OCSP responders,
#   syslog targets) equal preflight's rows: the same (file, line, directive) for every
#   connect; every listen row is a listen of the dump, and the listens of the dump (with the
#   implicit *:80 of a server without one) are all accounted for by the rows and their
#   "shared" counts.
# Prints "ok NAME" / "FAIL NAME" per configuration, then "differential: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
AVC=${AVC:-./avcsnoop}
NGINX=${NGINX:-/usr/sbin/nginx}
POL=/etc/selinux/default/policy/policy.33
FC=/etc/selinux/default/contexts/files/file_contexts
pass=0 fail=0
W=$(mktemp -d /tmp/avcsnoop-differential.XXXXXX)
trap 'rm -rf "$W"' EXIT

mkdir -p "$W/c" "$W/p/logs" "$W/run"
cp -r tests/preflight/corpus/. "$W/c/"
mkdir -p "$W/c/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=corpus.test \
	-keyout "$W/c/certs/site.key" -out "$W/c/certs/site.crt" >/dev/null 2>&1 || {
	echo "FAIL dummy certificate (openssl)"
	exit 1
}

# sandboxed MODE CONF: nginx -t or -T in its private namespaces
sandboxed() {
	unshare -n -m bash -c 'ip link set lo up 2>/dev/null; mount --bind "$1" /run &&
		exec "$2" "$3" -q -e stderr -p "$4/" -c "$5"' sandbox \
		"$W/run" "$NGINX" "$1" "$W/p" "$2"
}

check_one() {
	local name=$1 conf=$2 rc
	if ! sandboxed -t "$conf" 2>"$W/nginx.err"; then
		fail=$((fail + 1))
		echo "FAIL $name: nginx refuses it: $(head -c 300 "$W/nginx.err")"
		return
	fi
	sandboxed -T "$conf" >"$W/dump" 2>/dev/null
	"$AVC" preflight -j -P "$POL" --domain httpd_t --file-contexts "$FC" "$conf" >"$W/pf" 2>"$W/pf.err"
	rc=$?
	if [ $rc -eq 1 ] || [ $rc -eq 2 ]; then
		fail=$((fail + 1))
		echo "FAIL $name: nginx accepts it, preflight exits $rc: $(head -c 300 "$W/pf.err")"
		return
	fi
	python3 tests/preflight/nginx_dump_sockets.py "$W/dump" >"$W/want" || {
		fail=$((fail + 1))
		echo "FAIL $name: reading nginx's dump"
		return
	}
	# preflight's rows in the same shape
	jq -sc '[.[] | select(.type == "preflight")] |
		{connect: ([.[] | select(.access == "connect") | [.file, .line, .directive]]
			| unique),
		 listen: ([.[] | select(.access == "bind") | [.file, .line]] | unique),
		 sockets: ([.[] | select(.access == "bind") | 1 + (.shared // 0)] | add // 0)}' \
		"$W/pf" >"$W/got"
	if jq -en --slurpfile w "$W/want" --slurpfile g "$W/got" \
		'($w[0].connect | unique) == $g[0].connect and
		 ($g[0].listen - $w[0].listen) == [] and
		 ($w[0].listen | length) == $g[0].sockets' >/dev/null; then
		pass=$((pass + 1))
		echo "ok   $name ($(jq -r '"\(.connect | length) connects, \(.listen | length) listens"' "$W/want"))"
	else
		fail=$((fail + 1))
		echo "FAIL $name: nginx's socket directives differ from preflight's rows"
		echo "     nginx -T:  $(cat "$W/want")"
		echo "     preflight: $(cat "$W/got")"
	fi
}

for conf in "$W/c"/*.conf "$W/c"/*/nginx.conf; do
	[ -e "$conf" ] || continue
	case $conf in "$W/c/bad/"*) continue ;; esac
	check_one "$(basename "$(dirname "$conf")")/$(basename "$conf")" "$conf"
done

# what nginx refuses, preflight refuses with FILE:LINE
for conf in "$W/c"/bad/*.conf; do
	[ -e "$conf" ] || continue
	name=bad/$(basename "$conf")
	if sandboxed -t "$conf" 2>/dev/null; then
		fail=$((fail + 1))
		echo "FAIL $name: nginx accepts it (not a refusal case)"
		continue
	fi
	"$AVC" preflight -P "$POL" --domain httpd_t "$conf" >/dev/null 2>"$W/pf.err"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "$conf:[0-9]" "$W/pf.err"; then
		pass=$((pass + 1))
		echo "ok   $name (both refuse: $(head -c 120 "$W/pf.err"))"
	else
		fail=$((fail + 1))
		echo "FAIL $name: nginx refuses it, preflight exits $rc: $(head -c 300 "$W/pf.err")"
	fi
done
echo "differential: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
