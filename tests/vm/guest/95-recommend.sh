#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 4 in the lab: for the 8080, 3000 and unix-socket upstreams, avcsnoop's finding goes to
# `avcsnoop recommend` (live policy); the top fix's commands are applied verbatim; --verify must
# predict that the finding is now allowed before any traffic; then nginx must answer 200.
# A path may hide a second denial behind the first (the next check only runs once the first
# passes): each round handles the denial avcsnoop saw, up to 3 rounds.
# Each applied fix is then taken back by its own Undo argv (last first), so the scenarios
# after this one meet the policy as it was, and every Undo is run for real.
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT

# fix_until_ok NAME: rounds of trace -> recommend -> apply top fix -> verify, until HTTP 200
fix_until_ok() {
	local name=$1 round top kind advice verify rc i undos=()
	for round in 1 2 3; do
		lab_request "$name-round$round"
		if [ "$LAB_STATUS" = 200 ]; then
			break
		fi
		[ "$round" = 1 ] && check_eq "$name: 502 before any fix" "$LAB_STATUS" 502
		advice="$LAB_OUT/$name-round$round.advice.json"
		avcsnoop recommend -j "$LAB_TRACE" >"$advice" 2>"$advice.err" || true
		top=$(jq -c 'select(.type == "advice") | .fixes | map(select(.rank != null)) | .[0] // empty' "$advice" | head -n 1)
		kind=$(jq -r '.kind // empty' <<<"$top")
		lab_say "# round $round: top fix: $kind: $(jq -r '.commands | join(" ; ")' <<<"$top" 2>/dev/null | tr '\n' ' ')"
		check "$name round $round: a fix is recommended" test -n "$kind"
		check "$name round $round: never setenforce or a permissive domain" \
			bash -c "! grep -Eq 'setenforce|semanage permissive' '$advice'"
		[ -n "$kind" ] || return 1
		# apply the commands verbatim, in a scratch directory (a module is written to a file)
		rc=0
		(cd "$(mktemp -d)" && jq -j '.commands | map(. + "\n") | add' <<<"$top" >apply.sh &&
			bash -e apply.sh) >"$LAB_OUT/$name-round$round.apply.log" 2>&1 || rc=$?
		check_eq "$name round $round: the fix's commands ran (exit 0)" "$rc" 0
		undos+=("$(jq -c '.undo // []' <<<"$top")")
		verify="$LAB_OUT/$name-round$round.verify.json"
		rc=0
		avcsnoop recommend --verify -j "$LAB_TRACE" >"$verify" 2>"$verify.err" || rc=$?
		lab_say "# round $round: verify exit $rc: $(head -c 300 "$verify")"
		check_eq "$name round $round: --verify predicts the finding is now allowed (exit 0)" "$rc" 0
	done
	check_eq "$name: HTTP 200 after applying the recommendations" "$LAB_STATUS" 200
	# each fix's Undo, the last applied first, each list in its own order (no process
	# substitution: the lab's /dev has no /dev/fd)
	rc=0
	for ((i = ${#undos[@]} - 1; i >= 0; i--)); do
		while IFS= read -r argv; do
			[ -n "$argv" ] || continue
			local cmd=()
			while IFS= read -r a; do cmd+=("$a"); done <<<"$(jq -r '.[]' <<<"$argv")"
			lab_say "# undo: ${cmd[*]}"
			"${cmd[@]}" >>"$LAB_OUT/$name.undo.log" 2>&1 || rc=$?
		done <<<"$(jq -c '.[].argv' <<<"${undos[i]}")"
	done
	check_eq "$name: every applied fix's Undo commands ran (exit 0)" "$rc" 0
}

lab_scenario r1 "recommend: nginx -> 127.0.0.1:8080 (http_cache_port_t)"
lab_setup lab_backend_start tcp 127.0.0.1 8080
lab_setup lab_nginx_start http://127.0.0.1:8080
fix_until_ok r1-8080
lab_cleanup

lab_scenario r2 "recommend: nginx -> 127.0.0.1:3000 (ntop_port_t)"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
fix_until_ok r2-3000
lab_cleanup

lab_scenario r3 "recommend: nginx -> unix:/run/backend/app.sock"
lab_setup lab_backend_start unix /run/backend/app.sock
lab_setup lab_nginx_start "http://unix:/run/backend/app.sock:/"
fix_until_ok r3-unix
lab_summary
