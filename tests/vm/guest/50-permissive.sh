#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario d: setenforce 0: the connect succeeds (200) and the kernel logs one AVC with
# permissive=1. Only the first would-deny after the AVC is reset is audited in-kernel (later
# ones hit the AVC cache's grant), so the policy is reloaded first to start from a fresh AVC.
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	setenforce 1 || true
}
trap restore EXIT
lab_scenario d "setenforce 0: allowed only because SELinux is permissive"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_setup load_policy
lab_setup setenforce 0
lab_say "# setenforce 0 -> $(getenforce)"
lab_request d-permissive
check_eq "HTTP status 200" "$LAB_STATUS" 200
check_match "kmsg: AVC denied { name_connect } ntop_port_t permissive=1" "$LAB_AVC" \
	'avc: +denied +\{ name_connect \} .*scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=1'
lab_event '.comm == "nginx"'
check_event "verdict selinux_permissive" '.verdict == "selinux_permissive"'
check_event "pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER"
check_event "daddr 127.0.0.1, dport 3000" '.daddr == "127.0.0.1" and .dport == 3000'
check_event "selinux.perms contains name_connect" 'any(.selinux.perms[]?; . == "name_connect")'
check_event "selinux.target_type ntop_port_t" '.selinux.target_type == "ntop_port_t"'
check_event "selinux.permissive true" '.selinux.permissive == true'
check_event "audited: the kernel's own record (not derived)" '.selinux.audited == true and .selinux.derived == false'

# The AVC now caches the grant: the kernel audits nothing more, yet each later connect is
# still a would-deny. avcsnoop checks each allowed connect against the kernel's access vector
# (security_compute_av_flags) while SELinux is permissive, and must keep reporting them.
lab_request d-permissive-again
check_eq "second request: HTTP status 200" "$LAB_STATUS" 200
check_absent "second request: no AVC in kmsg (the AVC cache grants it)" "$LAB_AVC" 'avc: +denied'
lab_event '.comm == "nginx"'
check_event "second request: verdict selinux_permissive (derived in user space)" \
	'.verdict == "selinux_permissive" and .selinux.derived == true and .selinux.audited == false'
check_event "second request: selinux.perms name_connect, target ntop_port_t" \
	'any(.selinux.perms[]?; . == "name_connect") and .selinux.target_type == "ntop_port_t"'

# trace -f (failures only) must still show the would-deny: the kernel saw a success, only
# the refined verdict says otherwise, so the filter runs after refine_verdict().
F=$LAB_OUT/d-failed-only.json
lab_setup lab_trace_start "$F" -j -f -c nginx
st=$(curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT/" || true)
lab_trace_stop
check_eq "trace -f request: HTTP status 200" "$st" 200
check "trace -f shows the permissive would-deny (selinux_permissive, ntop_port_t)" \
	jq -e -s '[.[] | select((.type == "connect" or .type == "bind") and .comm == "nginx" and .verdict == "selinux_permissive" and .selinux.target_type == "ntop_port_t")] | length >= 1' "$F"
check "trace -f shows no plain success" \
	jq -e -s '[.[] | select((.type == "connect" or .type == "bind") and .verdict == "allowed")] | length == 0' "$F"

# Enforcing again: the would-deny check must not mislabel a plain allowed connect.
lab_setup setenforce 1
lab_bool httpd_can_network_connect 1
lab_request d-enforcing-allowed
lab_bool httpd_can_network_connect 0
check_eq "enforcing, boolean on: HTTP status 200" "$LAB_STATUS" 200
lab_event '.comm == "nginx"'
check_event "enforcing, boolean on: verdict allowed (not permissive)" '.verdict == "allowed"'
lab_summary
