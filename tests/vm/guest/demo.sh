#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make demo, inside the lab: nginx's classic "502 Bad Gateway" to 127.0.0.1:3000 with a
# healthy backend, caught live by avcsnoop; then the same denial hidden from the audit log by
# a dontaudit rule (the policy's own under its boolean, or a local CIL module's where the policy
# has none: lib.sh lab_hide_init), which only avcsnoop still shows; then avcsnoop's top
# recommendation for this policy is applied and the 502 becomes a 200. Every name printed is
# the running policy's (refpolicy on the Debian labs, targeted on rhel10).
. "$(dirname "$0")/lib.sh"
restore() {
	lab_cleanup
	lab_hide_off 2>/dev/null || true
	setsebool httpd_can_network_connect 0 2>/dev/null || true
}
trap restore EXIT

step() {
	echo
	echo "---- $*"
	sleep 0.5
}

request() {
	local size mark status
	size=$(stat -c %s "$LAB_NGINX_ERRLOG" 2>/dev/null || echo 0)
	mark=$(lab_kmsg_mark)
	status=$(curl -s -o /dev/null -m 20 -w '%{http_code}' "http://127.0.0.1:$LAB_NGINX_PORT/" || true)
	sleep 1 # avcsnoop prints within 100 ms; let its line land before ours
	echo "\$ curl http://127.0.0.1/   ->  HTTP $status"
	echo "nginx error.log:"
	tail -c +"$((size + 1))" "$LAB_NGINX_ERRLOG" | sed 's/ while connecting.*//; s/^/    /'
	echo "kernel audit log (what audit2why/setroubleshoot can see):"
	lab_kmsg_since "$mark" | grep -E 'avc: ' | sed 's/^/    /' | grep . || echo "    (nothing)"
}

echo "SELinux: $(getenforce), policy $(awk -F= '/^SELINUXTYPE=/ {print $2}' /etc/selinux/config)"
lab_hide_init || echo "(no dontaudit rule to hide a denial with: step 2 will show it audited)"
step "a backend on 127.0.0.1:3000, and nginx (httpd_t) proxying to it"
lab_backend_start tcp 127.0.0.1 3000
lab_nginx_start http://127.0.0.1:3000
echo "\$ curl http://127.0.0.1:3000/ (the backend itself) -> HTTP $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:3000/)"

step "avcsnoop trace --recommend -c nginx (live; advice once per distinct finding)"
FINDINGS=/tmp/demo-findings.json
avcsnoop trace -j -q -c nginx >"$FINDINGS" 2>/dev/null &
FINDINGS_PID=$!
if ! lab_trace_start - --recommend -c nginx; then
	echo "avcsnoop could not start: see above (was ./avcsnoop built?)"
fi

step "1. the classic 502: SELinux denies httpd_t name_connect to port 3000 ($(lab_port_type 3000))"
request

step "2. setsebool $LAB_HIDE 1: a dontaudit rule now hides this denial from the audit log"
setsebool "$LAB_HIDE" 1
request
echo "(still 502, nothing in the audit log: avcsnoop's line above is the only witness)"
setsebool "$LAB_HIDE" 0

step "3. applying avcsnoop's top recommendation for this policy"
sleep 0.5
kill -INT "$FINDINGS_PID" 2>/dev/null
wait "$FINDINGS_PID" 2>/dev/null
top=$(avcsnoop recommend -j "$FINDINGS" 2>/dev/null | jq -c 'select(.type == "advice") | .fixes | map(select(.rank != null)) | .[0] // empty' | head -n 1)
echo "top fix ($(jq -r .kind <<<"$top")):"
jq -r '.commands[]' <<<"$top" | sed 's/^/    # /'
echo "(semanage and setsebool -P rebuild the policy store: ~20 s each under software emulation)"
(cd "$(mktemp -d)" && jq -j '.commands | map(. + "\n") | add' <<<"$top" >apply.sh && bash -e apply.sh) \
	>/tmp/demo-apply.log 2>&1 || { echo "applying it failed:"; cat /tmp/demo-apply.log; }

step "4. avcsnoop recommend --verify: would the finding be allowed now? (no traffic needed)"
avcsnoop recommend --verify "$FINDINGS" 2>/dev/null | sed 's/^/    /'

step "5. the same request again"
request

step "stopping avcsnoop (SIGINT)"
lab_trace_stop
echo
echo "demo done. Try it yourself: make vmshell (root shell in the lab), then: avcsnoop trace -c nginx"
