#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The code stays formatted (.clang-format) and lint-clean (cppcheck, clang-tidy's analyzer).
set -u
cd "$(dirname "$0")/../.."
SUITE=style HARNESS_CORE_ONLY=1
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh
for target in format-check lint; do
	if out=$(make --no-print-directory -j"$(nproc)" "$target" 2>&1); then
		ok "make $target"
	else
		bad "make $target" "$(grep -E 'error|warning' <<<"$out")"
	fi
done
finish
