#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario attr: who is connecting, on an SELinux host. nginx (httpd_t) is moved into cgroups
# named as systemd and a Kubernetes node name them; its denied connect to 127.0.0.1:3000 must
# carry the unit, and then the container, runtime and pod UID, resolved by avcsnoop (running
# in initrc_t, as the lab's jobs do) from the event's cgroup id.
. "$(dirname "$0")/lib.sh"
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
ID=$(printf 'a1%.0s' {1..32})
POD_UID=1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718
SVC=$CG2/system.slice/nginx.service
POD=$CG2/kubepods.slice/kubepods-burstable-pod${POD_UID//-/_}.slice
CTR=$POD/cri-containerd-$ID.scope
restore() {
	lab_cleanup
	# emptied by nginx's exit; the parents only when this scenario made them
	rmdir "$CTR" "$POD" "$SVC" 2>/dev/null
	rmdir "$CG2/kubepods.slice" "$CG2/system.slice" 2>/dev/null
	true
}
trap restore EXIT
lab_scenario attr "nginx's denial attributed to its unit, then to a CRI container and pod"
lab_kernel_only
[ -n "$CG2" ] || { lab_fail "setup: no cgroup v2 mount"; lab_summary; exit 1; }
lab_setup mkdir -p "$SVC" "$CTR"
lab_setup lab_backend_start tcp 127.0.0.1 3000
lab_setup lab_nginx_start http://127.0.0.1:3000
# lab_move DIR: nginx's master and worker into the cgroup DIR
lab_move() {
	local pid
	for pid in $(pgrep -x nginx); do echo "$pid" >"$1/cgroup.procs" || return 1; done
	lab_say "# nginx in ${1#"$CG2"}: $(cut -d: -f3 "/proc/$LAB_NGINX_WORKER/cgroup" | tr '\n' ' ')"
}

lab_setup lab_move "$SVC"
lab_request attr-unit
lab_event '.comm == "nginx"'
check_event "verdict selinux_denied (the SELinux path is unchanged)" '.verdict == "selinux_denied"'
check_event "unit nginx.service" '.unit == "nginx.service"'
check_event "no container" '(has("container") | not) and (has("pod_uid") | not)'

lab_setup lab_move "$CTR"
lab_request attr-container
lab_event '.comm == "nginx"'
check_event "verdict selinux_denied" '.verdict == "selinux_denied"'
check_event "container $ID, runtime containerd" ".container == \"$ID\" and .runtime == \"containerd\""
check_event "pod_uid $POD_UID" ".pod_uid == \"$POD_UID\""
check_event "unit cri-containerd-ID.scope" ".unit == \"cri-containerd-$ID.scope\""
check_trace "every cgroup resolved (stats line)" 'map(select(.type == "stats")) | .[0].cgroups_unresolved == 0'
lab_summary
