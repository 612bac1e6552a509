#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario i: a kernel without the selinux_audited tracepoint (simulated: AVCSNOOP_DISABLE).
# avcsnoop must say what it lost and fall back to the policy's auditdeny bit (the kernel's
# security_compute_av_flags): an audited denial is still selinux_denied, a dontaudit'd one
# still selinux_hidden.
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	lab_hide_off || true
}
trap restore EXIT
export AVCSNOOP_DISABLE=selinux_audited
lab_scenario i "fallback without the selinux_audited tracepoint"
lab_kernel_only
lab_setup lab_hide_init
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000

lab_request i-audited
check_eq "HTTP status 502" "$LAB_STATUS" 502
check_match "kmsg: the denial was audited" "$LAB_AVC" 'avc: +denied +\{ name_connect \}'
check_match "avcsnoop says what it lost" "$(cat "$LAB_TRACE.err")" \
	'partly lacks: audit records seen in-kernel.*\(no selinux_audited tracepoint\)'
lab_event '.comm == "nginx"'
check_event "verdict selinux_denied, decided from the policy" \
	'.verdict == "selinux_denied" and .selinux.audited == true and .selinux.audited_from == "policy"'
check_event "names rebuilt: httpd_t -> ntop_port_t name_connect" \
	'.selinux.source_type == "httpd_t" and .selinux.target_type == "ntop_port_t" and any(.selinux.perms[]?; . == "name_connect")'

lab_bool "$LAB_HIDE" 1
lab_request i-hidden
lab_bool "$LAB_HIDE" 0
check_eq "$LAB_HIDE=1: HTTP status 502" "$LAB_STATUS" 502
check_absent "$LAB_HIDE=1: no AVC in kmsg" "$LAB_AVC" 'avc: +denied'
lab_event '.comm == "nginx"'
check_event "$LAB_HIDE=1: verdict selinux_hidden, hidden_by dontaudit" \
	'.verdict == "selinux_hidden" and .selinux.hidden_by == "dontaudit"'
lab_summary
