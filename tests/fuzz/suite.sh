#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Runs each libFuzzer target briefly on its committed seed corpus (`make fuzz` runs longer).
# FUZZ_OUTPUT=DIR builds and runs the targets in DIR/fuzz instead of build/fuzz (tests/sanitize).
# Last line: "fuzz: N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
RUNS=${FUZZ_RUNS:-20000}
OUT=${FUZZ_OUTPUT:-build}
pass=0 fail=0 skip=0

if ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/ 2>/dev/null | grep -q 'libclang_rt.fuzzer-x86_64\|libclang_rt.fuzzer-aarch64'; then
	echo "skip fuzz: libFuzzer runtime missing (apt-get install libclang-rt-14-dev)"
	echo "fuzz: 0 passed, 0 failed, 4 skipped"
	exit 0
fi
if ! make -s --no-print-directory OUTPUT="$OUT" fuzz-build >/tmp/fuzz-build.$$ 2>&1; then
	cat /tmp/fuzz-build.$$
	rm -f /tmp/fuzz-build.$$
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi
rm -f /tmp/fuzz-build.$$
for t in auditlog findings advice nginx_conf; do
	work=$(mktemp -d)
	log=$(mktemp)
	# nginx_conf: room for a word over NGX_MAX_TOKEN and blocks past NGX_MAX_DEPTH
	maxlen=4096
	[ "$t" = nginx_conf ] && maxlen=65536
	if "$OUT/fuzz/fuzz_$t" -runs="$RUNS" -max_len="$maxlen" -seed=1 "$work" tests/fuzz/corpus/$t >"$log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   fuzz_$t ($RUNS runs: $(grep -o 'cov: [0-9]*' "$log" | tail -n 1))"
	else
		fail=$((fail + 1))
		echo "FAIL fuzz_$t"
		grep -E 'ERROR|SUMMARY|round trip|^fuzz_advice:|Test unit written' "$log" | head -n 10 | sed 's/^/    /'
	fi
	rm -rf "$work" "$log"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
