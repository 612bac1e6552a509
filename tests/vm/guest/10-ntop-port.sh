#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario a: nginx -> 127.0.0.1:3000. In refpolicy 3000 is ntop_port_t, and httpd_t may not
# name_connect to it: 502, an audited AVC, avcsnoop says selinux_denied with the names.
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario a "nginx -> 127.0.0.1:3000 (ntop_port_t): denied name_connect"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
lab_request a-ntop-port
lab_expect_tcp_denied 127.0.0.1 3000 "$(lab_port_type 3000)"
lab_summary
