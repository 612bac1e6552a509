#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario f: a unix-socket upstream under /run/backend/, created by a backend in initrc_t, so
# the directory is initrc_runtime_t. The first denial is the directory search (not the
# socket). avcsnoop must name the same class, permission and target type as the kernel's AVC.
. "$(dirname "$0")/lib.sh"
trap lab_cleanup EXIT
lab_scenario f "unix-socket upstream /run/backend/app.sock: denied on the path"
sock=/run/backend/app.sock
lab_setup lab_backend_start unix "$sock"
lab_say "# $(ls -Zd /run/backend "$sock" | tr '\n' ' ')"
lab_setup lab_nginx_start "http://unix:$sock:/"
lab_request f-unix-socket
check_eq "HTTP status 502" "$LAB_STATUS" 502
check_contains "error.log: connect() to unix:$sock failed (13: Permission denied)" \
	"$LAB_ERRLOG" "connect() to unix:$sock failed (13: Permission denied)"
check_match "kmsg: AVC denied (dir search | sock_file write | unix_stream_socket connectto) for httpd_t" \
	"$LAB_AVC" 'avc: +denied +\{ (search|write|connectto) \} .*scontext=system_u:system_r:httpd_t:s0 .*tclass=(dir|sock_file|unix_stream_socket) permissive=0'
# What the kernel denied first: avcsnoop must report exactly that.
avc=$(grep -E 'avc: +denied' <<<"$LAB_AVC" | head -n 1 || true)
perm=$(sed -nE 's/.*\{ ([a-z_]+) \}.*/\1/p' <<<"$avc")
tclass=$(sed -nE 's/.*tclass=([a-z_]+).*/\1/p' <<<"$avc")
ttype=$(sed -nE 's/.*tcontext=[^:]+:[^:]+:([^:]+):.*/\1/p' <<<"$avc")
lab_say "# kernel's first denial: perm=${perm:-?} tclass=${tclass:-?} target type=${ttype:-?}"
lab_event '.comm == "nginx"'
check_event "verdict selinux_denied" '.verdict == "selinux_denied"'
check_event "pid is the nginx worker ($LAB_NGINX_WORKER)" ".pid == $LAB_NGINX_WORKER"
check_event "family unix, path $sock" ".family == \"unix\" and .path == \"$sock\""
check_event "selinux.tclass ${tclass:-?} (as the AVC)" ".selinux.tclass == \"$tclass\""
check_event "selinux.perms contains ${perm:-?} (as the AVC)" "any(.selinux.perms[]?; . == \"$perm\")"
check_event "selinux.target_type ${ttype:-?} (as the AVC)" ".selinux.target_type == \"$ttype\""
check_event "selinux.source_type httpd_t" '.selinux.source_type == "httpd_t"'
lab_summary
