#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario g: httpd_can_network_connect=1 and nothing listening on 3000: 502 with ECONNREFUSED.
# Not SELinux's doing, and avcsnoop must not blame it.
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	setsebool httpd_can_network_connect 0 || true
}
trap restore EXIT
lab_scenario g "backend down (boolean on): refused, not SELinux"
lab_kernel_only
lab_setup lab_bool httpd_can_network_connect 1
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_request g-refused
check_eq "HTTP status 502" "$LAB_STATUS" 502
# nginx words a refused connect without the address ("connect() failed"), unlike EACCES.
check_match "error.log: connect() failed (111: Connection refused), upstream 127.0.0.1:3000" \
	"$LAB_ERRLOG" 'connect\(\) failed \(111: Connection refused\) .*upstream: "http://127\.0\.0\.1:3000/"'

check_absent "kmsg: no AVC" "$LAB_KMSG" 'avc: +(denied|granted)'
lab_event '.comm == "nginx"'
check_event "verdict refused" '.verdict == "refused"'
check_event "pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER"
check_event "daddr 127.0.0.1, dport 3000" '.daddr == "127.0.0.1" and .dport == 3000'
check_trace "no event has a selinux_* verdict" \
	'map(select((.verdict // "") | startswith("selinux_"))) | length == 0'
lab_summary
