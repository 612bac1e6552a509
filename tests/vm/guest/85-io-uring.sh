#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario j: connects that never pass connect(2). io_uring's IORING_OP_CONNECT reaches
# security_socket_connect() without the syscall tracepoints; avcsnoop's fentry there opens the
# attempt and the TCP state machine gives its outcome. io_uring re-issues the connect on the
# same socket after EINPROGRESS: that must stay one attempt.
# (httpd_t may not create an io_uring in this refpolicy: anon_inode { create } is denied, so
# the workload runs in the job's own domain.)
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario j "io_uring connects (no connect syscall)"
lab_kernel_only
if [ ! -x /mnt/host/bin/connector ]; then
	lab_fail "setup: build/tests/host/connector was not shared (make vmtest builds it)"
	lab_summary
	exit 1
fi
CONN=/mnt/host/bin/connector
lab_setup lab_backend_start tcp 127.0.0.1 3000

out=$LAB_OUT/j-io-uring.json
lab_trace_start "$out" -j -c avc-uring || true
"$CONN" --comm avc-uring --io-uring tcp4:127.0.0.1:3000 >"$LAB_OUT/j-listen.txt" 2>&1 || true
"$CONN" --comm avc-uring --io-uring --closed tcp4:127.0.0.1:0 >"$LAB_OUT/j-closed.txt" 2>&1 || true
sleep 0.3
lab_trace_stop
lab_say "# connector: $(cat "$LAB_OUT/j-listen.txt" "$LAB_OUT/j-closed.txt" | tr '\n' ' ')"
lab_say "# avcsnoop: $(head -c 900 "$out")"
check_contains "ground truth: io_uring connect to the backend succeeded" \
	"$(cat "$LAB_OUT/j-listen.txt")" "ret=0 errno=0"
check_contains "ground truth: io_uring connect to a closed port was refused" \
	"$(cat "$LAB_OUT/j-closed.txt")" "errno=ECONNREFUSED"
LAB_TRACE=$out
for f in listen closed; do
	pid=$(sed -n 's/^pid //p' "$LAB_OUT/j-$f.txt")
	# --closed binds a port first: that bind() is traced too, and is no connect
	n=$(lab_trace_objects | jq -s "map(select((.type == \"connect\" or .type == \"bind\") and .op == \"connect\" and .pid == ${pid:-0})) | length")
	check_eq "$f: exactly one event for one io_uring connect" "$n" 1
done
pid=$(sed -n 's/^pid //p' "$LAB_OUT/j-listen.txt")
lab_event ".pid == ${pid:-0}"
check_event "listener: verdict allowed, 127.0.0.1:3000, seen without a connect syscall" \
	'.verdict == "allowed" and .daddr == "127.0.0.1" and .dport == 3000 and .syscall == false'
pid=$(sed -n 's/^pid //p' "$LAB_OUT/j-closed.txt")
lab_event ".pid == ${pid:-0}"
check_event "closed port: verdict refused" '.verdict == "refused" and .errno == "ECONNREFUSED"'
lab_summary
