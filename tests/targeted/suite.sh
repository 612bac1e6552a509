#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The RHEL "targeted" policies offline (../shared/targeted: RHEL 9 and RHEL 10 era builds, as
# scripts/targeted.sh unpacks them): `avcsnoop recommend --policy`, `recommend --verify` and
# `preflight` against each binary policy, for nginx (httpd_t) reaching 3000, 8080, 5432, 11211
# and 6379. What the answers must be is asked of setools on the same file, never written here:
# the port's type as `seinfo --portcon` gives it, the booleans that let httpd_t name_connect it
# as `sesearch -A` finds them, whether it is allowed at all from the unconditional rules (asked
# of setools, the library behind both, in one process: facts.py). So the suite
# holds on whichever targeted build it is given and proves the advice is the policy's own.
# AVCSNOOP=PATH drives another build. Last line: "targeted: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.."

SUITE=targeted
# shellcheck source=../lib/common.sh
. tests/lib/common.sh
AVC=${AVCSNOOP:-./avcsnoop}
PORTS=(3000 8080 5432 11211 6379)

[ -x "$AVC" ] || { bad "$AVC is an executable (make)"; finish; }
for c in jq seinfo sesearch; do
	command -v "$c" >/dev/null || { bad "$c is installed (scripts/deps.sh)"; finish; }
done

# avc PORT TYPE: one audit.log record of nginx (httpd_t) denied name_connect to PORT of TYPE
avc() {
	printf 'type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=169 comm="nginx" dest=%s scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:%s:s0 tclass=tcp_socket permissive=0\n' \
		"$1" "$2"
}

# The policy's answers, from setools with the policy loaded once (facts.py; $F/POLICY.json)
# port_type POLICY PORT: the narrowest tcp portcon holding PORT (seinfo --portcon)
port_type() { jq -r --arg p "$2" '.ports[$p] // ""' "$(facts "$1")"; }

# bools POLICY TYPE: the conditions under which httpd_t is allowed name_connect on TYPE (rules
# through attributes included), sorted, one a line; a compound condition is printed whole and
# will not match a single boolean fix
bools() { jq -r --arg t "$2" '.connect[$t].booleans[]?' "$(facts "$1")"; }

# direct_bools POLICY TYPE: those whose rule names TYPE itself, not an attribute of it (sesearch
# for a type facts.py was not asked about)
direct_bools() {
	if jq -e --arg t "$2" '.connect | has($t)' "$(facts "$1")" >/dev/null; then
		jq -r --arg t "$2" '.connect[$t].direct[]' "$(facts "$1")"
	else
		sesearch -A -s httpd_t -t "$2" -c tcp_socket -p name_connect "$1" |
			awk -v t="$2" '$3 == t ":tcp_socket" && /\]:True$/ { print $(NF - 1) }' | sort -u
	fi
}

# unconditional POLICY TYPE: httpd_t may name_connect TYPE without a boolean
unconditional() { jq -e --arg t "$2" '.connect[$t].unconditional' "$(facts "$1")" >/dev/null; }

conditional_only() { ! unconditional "$@"; }

facts() { printf '%s/facts-%s.json' "$W" "$(printf '%s' "$1" | sha256sum | cut -c1-12)"; }

for name in rhel9 rhel10; do
	if ! root=$(scripts/targeted.sh "$name" 2>"$W/targeted.err"); then
		# the archives are the project's own (shared/targeted): missing is a failure
		bad "$name: scripts/targeted.sh unpacks the policy" "$(cat "$W/targeted.err")"
		continue
	fi
	pol=$root/etc/selinux/targeted/policy/policy.33
	fc=$root/etc/selinux/targeted/contexts/files/file_contexts
	[ -r "$pol" ] || { bad "$name: $pol exists"; continue; }
	echo "--- $name: $pol"
	if ! tests/targeted/facts.py "$pol" "${PORTS[@]}" >"$(facts "$pol")" 2>"$W/facts.err"; then
		bad "$name: setools reads the policy (facts.py)" "$(tail -n 3 "$W/facts.err")"
		continue
	fi

	# The nginx configuration preflight reads: one upstream per port, nginx on :80.
	conf=$W/$name-nginx.conf
	{
		printf 'events {}\nhttp {\n  server {\n    listen 127.0.0.1:80;\n'
		for port in "${PORTS[@]}"; do
			if [ "$port" = 11211 ]; then
				printf '    location /p%s { memcached_pass 127.0.0.1:%s; }\n' "$port" "$port"
			else
				printf '    location /p%s { proxy_pass http://127.0.0.1:%s; }\n' "$port" "$port"
			fi
		done
		printf '  }\n}\n'
	} >"$conf"
	pre_rc=0
	"$AVC" preflight -j --policy "$pol" --file-contexts "$fc" "$conf" >"$W/$name-pre.json" \
		2>"$W/$name-pre.err" || pre_rc=$?
	DETAIL="exit $pre_rc: $(head -c 300 "$W/$name-pre.err")"
	check "$name: preflight exits 3 (something would be denied)" test "$pre_rc" -eq 3
	DETAIL=$(jq -c 'select(.type == "preflight" and .directive == "listen")' "$W/$name-pre.json")
	if jq -e --arg t "$(port_type "$pol" 80)" '.bind[$t].unconditional' "$(facts "$pol")" \
		>/dev/null; then want=allowed; else want=selinux_denied; fi
	check "$name: preflight: listen :80 $want (sesearch name_bind on $(port_type "$pol" 80))" \
		jq -e --arg v "$want" -s 'any(.[]; .type == "preflight" and .directive == "listen"
			and .verdict == $v)' "$W/$name-pre.json"
	DETAIL=$(jq -c -s 'map(select(.type == "preflight") | .domain) | unique' "$W/$name-pre.json")
	check "$name: preflight: nginx's domain from the policy is httpd_t" \
		jq -e -s 'map(select(.type == "preflight") | .domain) | unique == ["httpd_t"]' \
		"$W/$name-pre.json"

	for port in "${PORTS[@]}"; do
		type=$(port_type "$pol" "$port")
		if [ -z "$type" ]; then
			bad "$name: seinfo --portcon $port names a type"
			continue
		fi
		expect=$(bools "$pol" "$type")
		direct=$(direct_bools "$pol" "$type")
		echo "     tcp $port: $type; sesearch booleans: $(echo $expect)" # one line

		# --verify re-derives the target from the port and says whether it is allowed now
		vrc=0
		vj=$(avc "$port" port_t | "$AVC" recommend -j --verify --policy "$pol" 2>&1) || vrc=$?
		vj=$(jq -c 'select(.type == "verify")' <<<"$vj" 2>/dev/null || echo "$vj") # not the summary
		DETAIL=$vj
		check "$name: --verify: tcp $port is $type (seinfo)" \
			jq -e --arg t "$type" '.target == $t' <<<"$vj"
		if unconditional "$pol" "$type"; then want_rc=0 want=true; else want_rc=3 want=false; fi
		DETAIL="exit $vrc: $vj"
		check "$name: --verify: $port allowed=$want as sesearch's unconditional rules say" \
			test "$vrc" -eq "$want_rc" -a "$(jq -r .allowed <<<"$vj" 2>/dev/null)" = "$want"

		# recommend: the boolean fixes are exactly sesearch's booleans
		adv=$(avc "$port" "$type" | "$AVC" recommend -j --policy "$pol" 2>&1 | jq -c 'select(.type == "advice")')
		got=$(jq -r '.fixes[] | select(.kind == "boolean") | .boolean' <<<"$adv" 2>/dev/null |
			sort -u)
		DETAIL="avcsnoop: $(echo $got); sesearch: $(echo $expect)"
		check "$name: recommend $port ($type): the boolean fixes are sesearch's" \
			test -n "$expect" -a "$got" = "$expect"

		# the first fix is a boolean whose rule names the type itself when there is one, else
		# one of sesearch's booleans (through an attribute) or a relabel to a type httpd_t
		# reaches through a boolean naming it
		top=$(jq -c '.fixes[0] | {kind, boolean, new_type}' <<<"$adv" 2>/dev/null)
		tb=$(jq -r '.fixes[0].boolean // ""' <<<"$adv" 2>/dev/null)
		DETAIL="first fix: $top; booleans naming $type: $(echo $direct)"
		if [ -n "$direct" ]; then
			check "$name: recommend $port: the first fix is a boolean naming $type ($tb)" \
				grep -qxF -- "$tb" <<<"$direct"
		else
			nt=$(jq -r '.fixes[0].new_type // ""' <<<"$adv" 2>/dev/null)
			if [ -n "$nt" ]; then
				check "$name: recommend $port: no boolean names $type: first a relabel to $nt under $tb" \
					grep -qxF -- "$tb" < <(direct_bools "$pol" "$nt")
			else
				# the exact module before the catch-all booleans sesearch names (every port)
				check "$name: recommend $port: no boolean names $type: first the exact module, then sesearch's booleans" \
					jq -e '.fixes[0].kind == "local_module" and ([.fixes[] | select(.kind == "boolean")] | length > 0)' <<<"$adv"
			fi
		fi

		# preflight predicts the same: denied on seinfo's type, its advice first the same fix
		DETAIL=$(jq -c --argjson p "$port" 'select(.type == "preflight" and .port == $p)' \
			"$W/$name-pre.json")
		check "$name: preflight: $port denied on $type" \
			jq -e -s --argjson p "$port" --arg t "$type" 'any(.[]; .type == "preflight" and
				.port == $p and .target_type == $t and .verdict == "selinux_denied")' \
			"$W/$name-pre.json"
		ptop=$(jq -c -s --arg t "$type" 'map(select(.type == "advice" and .target_type == $t))
			| .[0].fixes[0] | {kind, boolean, new_type}' "$W/$name-pre.json")
		DETAIL="preflight: $ptop; recommend: $top"
		check "$name: preflight's first fix for $port is recommend's" test "$ptop" = "$top"
	done

	# On targeted, the classic "semanage port -a -t http_port_t -p tcp 3000" alone leaves it
	# denied: --verify with 3000 as http_port_t agrees with sesearch that only booleans allow it.
	ht=$(port_type "$pol" 80)
	vrc=0
	vj=$(avc 3000 "$ht" | "$AVC" recommend -j --verify --policy "$pol" 2>&1) || vrc=$?
	if unconditional "$pol" "$ht"; then want_rc=0; else want_rc=3; fi
	DETAIL="exit $vrc: $vj"
	check "$name: 3000 relabelled $ht (80's type) alone: --verify exits $want_rc as sesearch says" \
		test "$vrc" -eq "$want_rc"
	DETAIL=$(jq -c --arg t "$ht" '.connect[$t]' "$(facts "$pol")")
	check "$name: sesearch: httpd_t reaches $ht only through booleans" \
		conditional_only "$pol" "$ht"

	# a boolean avcsnoop names exists in this policy (RHEL 9 has no httpd_can_network_redis)
	adv=$(avc 6379 "$(port_type "$pol" 6379)" | "$AVC" recommend -j --policy "$pol" 2>&1)
	missing=""
	for b in $(jq -r '.fixes[] | .boolean // empty' <<<"$adv" | sort -u); do
		jq -e --arg b "$b" '.booleans | index($b)' "$(facts "$pol")" >/dev/null || missing+=" $b"
	done
	DETAIL="not in seinfo -b:$missing"
	check "$name: every boolean named for 6379 is one seinfo lists" test -z "$missing"

	# a unix socket under /run: semanage fcontext refuses a spec under a path that
	# file_contexts.subs_dist makes an alias ("/run /var/run" on targeted), so the spec the fix
	# gives must start under none of the policy's aliases, and restorecon gets the real path
	subs=$root/etc/selinux/targeted/contexts/files/file_contexts.subs_dist
	sock='{"type":"connect","op":"connect","pid":300,"tid":300,"comm":"nginx","family":"unix","path":"/run/backend/app.sock","dest":"/run/backend/app.sock","ret":-13,"errno":"EACCES","verdict":"selinux_denied","selinux":{"scontext":"system_u:system_r:httpd_t:s0","tcontext":"system_u:object_r:var_t:s0","tclass":"sock_file","perms":["write"],"source_type":"httpd_t","target_type":"var_t","object":"/run/backend/app.sock","audited":true,"permissive":false}}'
	fj=$("$AVC" recommend -j --policy "$pol" <<<"$sock" 2>/dev/null |
		jq -c '.fixes[] | select(.kind == "fcontext_relabel") | .argv' | head -n 1)
	spec=$(jq -r '.[0].argv[-1] // ""' <<<"${fj:-null}" 2>/dev/null)
	under=$(awk -v s="$spec" '$1 ~ /^\// && (index(s, $1 "/") == 1 || s == $1) { print $1 }' "$subs")
	DETAIL="fix: $fj; aliases it starts under: $under"
	check "$name: unix socket: the fcontext spec ($spec) starts under no alias of file_contexts.subs_dist" \
		test -n "$spec" -a -z "$under"
	check "$name: unix socket: restorecon gets the real directory /run/backend" \
		test "$(jq -r '.[1].argv[-1] // ""' <<<"${fj:-null}" 2>/dev/null)" = /run/backend
done

finish
