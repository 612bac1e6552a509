#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The unit tests, the fuzz smoke and the policy suite again, on the ASan+UBSan+LSan build in
# build-san/ (tests/sanitize/sanitize.mk: its own objects, skeleton and binary; ./avcsnoop and
# build/ stay as they are). Each sanitizer report goes to a file (log_path), so a report fails
# its step even when the suite under test only looks at an exit status or swallows stderr.
# Last line: "sanitize: N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
SUITE=sanitize
# shellcheck source=../lib/common.sh
. tests/lib/common.sh
SAN=build-san
REPORTS=$W/reports
CC_SAN=${SAN_CC:-clang}

# no_reports STEP: passes when no report was written; otherwise shows the first lines of the
# first three and clears them all for the next step
no_reports() {
	local f n=0 shown=()
	for f in "$REPORTS"/report.*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		[ "$n" -le 3 ] || continue
		shown+=("== $(basename "$f")" "$(grep -E 'ERROR|SUMMARY|runtime error|^    #[0-4] ' "$f" | head -n 8)")
	done
	rm -f "$REPORTS"/report.*
	if [ "$n" -eq 0 ]; then
		ok "$1: no sanitizer report"
	else
		bad "$1: no sanitizer report ($n reports)" "${shown[@]}"
	fi
}

# run_step NAME RESULT-PREFIX CMD...: CMD passes when it exits 0 and its last line says
# "RESULT-PREFIX: N passed, 0 failed"; then no report may have been written
run_step() {
	local name=$1 prefix=$2 log line rc
	shift 2
	log=$W/$prefix.log
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E "^$prefix: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [[ $line == *" 0 failed"* ]]; then
		ok "$name ($line)"
	else
		bad "$name (exit $rc)" "${line:-no result line}" \
			"$(grep -E '^FAIL|^    ' "$log" | head -n 20)"
	fi
	no_reports "$name"
}

probe=$W/probe
if ! echo 'int main(void) { return 0; }' |
	"$CC_SAN" -fsanitize=address,undefined -x c - -o "$probe" 2>/dev/null; then
	skipped "all sanitize tests" \
		"$CC_SAN cannot link -fsanitize=address,undefined (apt-get install clang libclang-rt-14-dev)"
	finish
fi

t0=$SECONDS
if out=$(make -s --no-print-directory -j"$(nproc)" san-build 2>&1); then
	ok "build $SAN/avcsnoop, $SAN/unit-tests and $SAN/fuzz with ASan+UBSan ($((SECONDS - t0)) s)"
else
	bad "build the sanitizer build" "$(tail -n 20 <<<"$out")"
	finish
fi

mkdir -p "$REPORTS"
# halt on the first error of any kind; leaks are checked at exit (LSan, part of ASan)
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$REPORTS/report"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$REPORTS/report"
export LSAN_OPTIONS="log_path=$REPORTS/report"

# The unit tests write their compiled CIL policies under build/ relative to the working
# directory: run them from a scratch one, so build/ is not touched.
mkdir -p "$W/unit"
run_step "unit tests" unit \
	bash -c 'cd "$1" && AVC_TESTS_DIR="$2/tests" "$2/$3/unit-tests"' _ "$W/unit" "$PWD" "$SAN"
run_step "fuzz smoke" fuzz env FUZZ_OUTPUT="$SAN" tests/fuzz/suite.sh
run_step "policy suite" policy env AVCSNOOP="$SAN/avcsnoop" tests/policy/suite.sh

finish
