#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario h: nginx -> [::1]:3000: scenario a over IPv6 (family inet6, daddr ::1).
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario h "nginx -> [::1]:3000 (ntop_port_t over IPv6): denied name_connect"
lab_setup lab_backend_start tcp ::1 3000
lab_setup lab_nginx_start 'http://[::1]:3000'
lab_request h-ipv6
lab_expect_tcp_denied ::1 3000 "$(lab_port_type 3000)"
lab_summary
