#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Issue 4 in the lab: for the 8080, 3000 and unix-socket upstreams, avcsnoop's finding goes to
# `avcsnoop recommend` (live policy); the top fix's commands are applied verbatim; --verify must
# predict that the finding is now allowed before any traffic; then nginx must answer 200.
# A path may hide a second denial behind the first (the next check only runs once the first
# passes): each round handles the denial avcsnoop saw, up to 3 rounds.
# Each applied fix is then taken back by its own Undo argv (last first), so the scenarios
# after this one meet the policy as it was, and every Undo is run for real (the semodule -r
# ones at the end, together: one policy rebuild).
. "$(dirname "$0")/lib.sh"
# (a scenario that stops early still removes the modules it kept for the end)
trap 'lab_cleanup; lab_argv_flush >/dev/null 2>&1 || true' EXIT

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
	# substitution: the lab's /dev has no /dev/fd); a semodule -r is kept for the one
	# transaction at the end of the scenario (lab_argv_run), a setsebool -P runs now
	rc=0
	for ((i = ${#undos[@]} - 1; i >= 0; i--)); do
		while IFS= read -r argv; do
			[ -n "$argv" ] || continue
			lab_say "# undo: $(jq -r '.argv | join(" ")' <<<"$argv")"
			lab_argv_run "$UNDO_DIR" "$argv" >>"$LAB_OUT/$name.undo.log" 2>&1 || rc=$?
		done <<<"$(jq -c '.[]' <<<"${undos[i]}")"
	done
	lab_argv_flush setsebool >>"$LAB_OUT/$name.undo.log" 2>&1 || rc=$?
	check_eq "$name: every applied fix's Undo commands ran (exit 0)" "$rc" 0
}
UNDO_DIR=$(mktemp -d)

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
lab_cleanup
# the module removals the Undos printed (r2's, r3's), in one semodule transaction
rc=0
lab_argv_flush >>"$LAB_OUT/modules.undo.log" 2>&1 || rc=$?
check_eq "the Undos' semodule -r ran (one transaction, exit 0)" "$rc" 0
lab_summary
