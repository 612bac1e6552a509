#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario k: the one binary built on the CI host, on this lab's kernel (CO-RE): what it says it
# has (the capability line), how it reads avc_has_perm's arguments (6.1 passes struct
# selinux_state * first, 6.4 dropped it: Documented in shared/KERNEL-NOTES.md), and the BPF
# links it holds, by kind, as the kernel reports them (/proc/PID/fdinfo).
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario k "capabilities on kernel $(uname -r)"
lab_kernel_only
T=$LAB_OUT/k-trace.json
lab_setup lab_trace_start "$T" -a -j -v
links=""
for fd in /proc/"$LAB_TRACE_PID"/fd/*; do
	[ "$(readlink "$fd")" = anon_inode:bpf_link ] || continue
	links+="$(awk '$1 == "link_type:" { print $2 }' "/proc/$LAB_TRACE_PID/fdinfo/${fd##*/}") "
done
lab_trace_stop
links=$(tr ' ' '\n' <<<"$links" | grep . | sort | uniq -c | awk '{ printf "%s %s, ", $2, $1 }')
lab_say "# BPF links: ${links%, }"
have=$(grep -m 1 '^avcsnoop: have:' "$T.err" || true)
lab_say "# ${have:-no capability line}"
check_eq "the capability line: every program group, nothing lacking" "$have" \
	"avcsnoop: have: connect and bind paths, async outcomes, LSM/cgroup split, SELinux path, LSM verdict; lacks: nothing"
# four syscall tracepoints (perf links: connect and bind, enter and exit), tp_btf
# inet_sock_set_state and selinux_audited, cgroup connect4/6 and bind4/6, fexit avc_has_perm
# and selinux_inode_permission, fentry+fexit security_socket_connect, fentry on the two
# status-page updates (trace's in-order SELinux changes)
check_eq "BPF links: 4 cgroup, 4 perf (syscall tracepoints), 2 raw_tracepoint (tp_btf), 6 tracing (fentry/fexit)" \
	"${links%, }" "cgroup 4, perf 4, raw_tracepoint 2, tracing 6"
read -r major minor _ <<<"$(uname -r | tr '.-' '  ')"
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 4 ]; }; then
	want="avc_has_perm has 5 arguments, ssid is argument 0"
else
	want="avc_has_perm has 6 arguments, ssid is argument 1"
fi
check_contains "kernel $major.$minor: $want (probed from its BTF)" "$(cat "$T.err")" "$want"
# The attempt in flight lives in task-local storage; the cgroup programs of 6.1 and 6.12
# cannot call bpf_task_storage_get (6.18's can: the host suite), so there the cgroup hook hands
# its facts over by thread id (user/probe.c).
facts=$(jq -r 'select(.type=="stats") | .cgroup_hook_facts' "$T")
lab_say "# the cgroup hook's facts: $facts"
if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -le 12 ]; }; then
	want=by_tid
else
	want=task_storage
fi
check_eq "kernel $major.$minor: the cgroup hook's facts: $want (stats)" "$facts" "$want"
lab_summary
