#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The code stays formatted (.clang-format) and lint-clean (cppcheck, clang-tidy's analyzer).
set -u
cd "$(dirname "$0")/../.."
pass=0 fail=0
for target in format-check lint; do
	if out=$(make --no-print-directory "$target" 2>&1); then
		pass=$((pass + 1))
		echo "ok   make $target"
	else
		fail=$((fail + 1))
		echo "FAIL make $target"
		grep -E 'error|warning' <<<"$out" | head -n 20 | sed 's/^/     /'
	fi
done
echo "style: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
