#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario c: a dontaudit rule on httpd_t's name_connect, turned on at runtime: refpolicy's
#   dontaudit nsswitch_domain port_type:tcp_socket name_connect   (its NIS boolean)
# or, on a policy without one (targeted), the same rule from a local CIL module (lib.sh
# lab_hide_init asks sesearch which). Still denied (502, EACCES), but nothing in the kernel
# log. avcsnoop must call it selinux_hidden (denied, no audit record).
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	lab_hide_off || true
}
trap restore EXIT
lab_scenario c "a dontaudit rule on: the denial is dontaudit'ed (hidden)"
lab_setup lab_hide_init
lab_setup lab_bool "$LAB_HIDE" 1
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_request c-dontaudit
check_eq "HTTP status 502" "$LAB_STATUS" 502
check_contains "error.log: connect() to 127.0.0.1:3000 failed (13: Permission denied)" \
	"$LAB_ERRLOG" "connect() to 127.0.0.1:3000 failed (13: Permission denied)"
check_absent "kmsg: no AVC at all" "$LAB_KMSG" 'avc: +(denied|granted)'
lab_event '.comm == "nginx"'
check_event "verdict selinux_hidden" '.verdict == "selinux_hidden"'
check_event "pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER"
check_event "daddr 127.0.0.1, dport 3000" '.daddr == "127.0.0.1" and .dport == 3000'
check_event "selinux.perms contains name_connect" 'any(.selinux.perms[]?; . == "name_connect")'
check_event "selinux.tclass tcp_socket" '.selinux.tclass == "tcp_socket"'
check_event "selinux.source_type httpd_t" '.selinux.source_type == "httpd_t"'
check_event "selinux.target_type ntop_port_t" '.selinux.target_type == "ntop_port_t"'
check_event "selinux.audited false" '.selinux.audited == false'
lab_summary
