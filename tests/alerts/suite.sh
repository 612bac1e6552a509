#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The Prometheus alerting rules (packaging/avcsnoop-alerts.yml): promtool checks them and runs
# alerts.test.yml (series that fire and series that must not); a rule bent to alert on the
# wrong verdict makes those tests fail; and every avcsnoop_* metric the rules use is one a
# real `avcsnoop watch --prometheus` run writes.
set -u
cd "$(dirname "$0")/../.."
SUITE=alerts
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
RULES=packaging/avcsnoop-alerts.yml

if ! command -v promtool >/dev/null; then
	skipped "alerting rules" "promtool is not installed (Debian's prometheus package; scripts/deps.sh test)"
	finish
fi
out=$(promtool check rules "$RULES" 2>&1) && ok "promtool check rules: $(grep -o '[0-9]* rules found' <<<"$out")" ||
	bad "promtool check rules" "$out"
out=$(promtool test rules tests/alerts/alerts.test.yml 2>&1) && ok "promtool test rules: each alert fires on its series and not on the others" ||
	bad "promtool test rules" "$out"

# the tests can fail: the hidden-denial alert bent to take refusals too
mkdir -p "$W/a/b"
sed 's/{verdict="selinux_hidden"}\[15m\]/{verdict=~"selinux_hidden|refused"}[15m]/' "$RULES" >"$W/bent.yml"
sed "s|\.\./\.\./packaging/avcsnoop-alerts.yml|$W/bent.yml|" tests/alerts/alerts.test.yml >"$W/a/b/t.yml"
if cmp -s "$RULES" "$W/bent.yml"; then
	bad "a bent rule fails the tests" "the sed did not change the rules: update this test"
elif out=$(promtool test rules "$W/a/b/t.yml" 2>&1); then
	bad "a bent rule fails the tests" "promtool test rules passed with refusals alerting as hidden denials"
else
	ok "a bent rule (refusals alerting as hidden denials) fails the tests"
fi

# metric names: those the rules use against those a real watch run writes
# missing_names USED_FILE EMITTED_FILE: the used avcsnoop_* names that are not emitted
missing_names() { comm -23 <(sort -u "$1") <(sort -u "$2"); }
grep -v '^ *#' "$RULES" | grep -oE '\bavcsnoop_[a-z0-9_]+' | sort -u >"$W/used"
grep -v '^ *#' "$RULES" | grep -oE '\bnode_[a-z0-9_]+' | sort -u >"$W/used-node"
# node_exporter's textfile collector writes node_textfile_mtime_seconds{file} per file
if [ "$(cat "$W/used-node")" = node_textfile_mtime_seconds ]; then
	ok "the only node_exporter metric used is node_textfile_mtime_seconds (textfile collector)"
else
	bad "node_exporter metrics used" "$(tr '\n' ' ' <"$W/used-node")"
fi
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ] || [ ! -x ./avcsnoop ]; then
	skipped "rule metric names are emitted" "a real watch run needs root, kernel BTF and ./avcsnoop (make)"
	finish
fi
if ! out=$(./avcsnoop watch -q -c avc-alerts --prometheus "$W/run.prom" 0.2 1 2>&1); then
	bad "a watch run writes the textfile" "$out"
	finish
fi
# every TYPE line names a metric; a histogram's samples are NAME_bucket, _sum and _count
awk '$1 == "#" && $2 == "TYPE" { print $3; if ($4 == "histogram") { print $3 "_bucket"; print $3 "_sum"; print $3 "_count" } }' \
	"$W/run.prom" | sort -u >"$W/emitted"
n=$(wc -l <"$W/emitted")
missing=$(missing_names "$W/used" "$W/emitted")
if [ -z "$missing" ] && [ "$n" -ge 6 ]; then
	ok "the rules use $(wc -l <"$W/used") avcsnoop metric(s), all among the $n a watch run writes"
else
	bad "rule metric names are emitted" "used but not written: $missing" "written: $(tr '\n' ' ' <"$W/emitted")"
fi
echo avcsnoop_connect_denials_total >"$W/bogus"
[ "$(missing_names "$W/bogus" "$W/emitted")" = avcsnoop_connect_denials_total ] &&
	ok "a name the exporter does not write is caught (avcsnoop_connect_denials_total)" ||
	bad "a made-up name is caught" "$(missing_names "$W/bogus" "$W/emitted")"
finish
