#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario e: setsebool httpd_can_network_connect 1: httpd_t may connect to any port: 200, no
# AVC, avcsnoop says allowed.
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	setsebool httpd_can_network_connect 0 || true
}
trap restore EXIT
lab_scenario e "httpd_can_network_connect=1: allowed"
lab_setup lab_bool httpd_can_network_connect 1
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_request e-allowed
check_eq "HTTP status 200" "$LAB_STATUS" 200
check_absent "error.log: no failed connect()" "$LAB_ERRLOG" 'connect\(\) .*failed'
check_absent "kmsg: no AVC" "$LAB_KMSG" 'avc: +(denied|granted)'
lab_event '.comm == "nginx"'
check_event "verdict allowed" '.verdict == "allowed"'
check_event "pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER"
check_event "daddr 127.0.0.1, dport 3000" '.daddr == "127.0.0.1" and .dport == 3000'
lab_summary
