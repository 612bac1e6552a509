#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario b: nginx -> 127.0.0.1:8080, which refpolicy labels http_cache_port_t (allowed only
# with httpd_can_network_relay): 502, denied name_connect.
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario b "nginx -> 127.0.0.1:8080 (http_cache_port_t): denied name_connect"
lab_setup lab_backend_start tcp 127.0.0.1 8080
lab_setup lab_nginx_start http://127.0.0.1:8080
lab_request b-http-cache-port
lab_expect_tcp_denied 127.0.0.1 8080 "$(lab_port_type 8080)"
lab_summary
