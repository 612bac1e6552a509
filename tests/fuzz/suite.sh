#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs each libFuzzer target briefly on its committed seed corpus (`make fuzz` runs longer).
# FUZZ_OUTPUT=DIR builds and runs the targets in DIR/fuzz instead of build/fuzz (tests/sanitize).
# Last line: "fuzz: N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
RUNS=${FUZZ_RUNS:-20000}
OUT=${FUZZ_OUTPUT:-build}
SUITE=fuzz HARNESS_CORE_ONLY=1
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/ 2>/dev/null | grep -q 'libclang_rt.fuzzer-x86_64\|libclang_rt.fuzzer-aarch64'; then
	for t in auditlog findings advice nginx_conf; do
		skipped "fuzz_$t" "libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"
	done
	finish
fi
if ! make -s --no-print-directory OUTPUT="$OUT" fuzz-build >/tmp/fuzz-build.$$ 2>&1; then
	bad "make fuzz-build" "$(tail -n 20 /tmp/fuzz-build.$$)"
	rm -f /tmp/fuzz-build.$$
	finish
fi
rm -f /tmp/fuzz-build.$$
for t in auditlog findings advice nginx_conf; do
	work=$(mktemp -d)
	log=$(mktemp)
	# nginx_conf: room for a word over NGX_MAX_TOKEN and blocks past NGX_MAX_DEPTH
	maxlen=4096
	[ "$t" = nginx_conf ] && maxlen=65536
	if "$OUT/fuzz/fuzz_$t" -runs="$RUNS" -max_len="$maxlen" -seed=1 "$work" tests/fuzz/corpus/$t >"$log" 2>&1; then
		ok "fuzz_$t ($RUNS runs: $(grep -o 'cov: [0-9]*' "$log" | tail -n 1))"
	else
		bad "fuzz_$t" "$(grep -E 'ERROR|SUMMARY|round trip|^fuzz_advice:|Test unit written' "$log" | head -n 10)"
	fi
	rm -rf "$work" "$log"
done
finish
