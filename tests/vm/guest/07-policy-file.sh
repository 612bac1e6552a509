#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario v: offline --policy with this release's own policy file. Debian 12 ships policy.33,
# which the libsepol avcsnoop is built with reads; Debian 13 ships policy.34, which the kernel
# loads as 33 and which a libsepol that stops at 33 cannot read: then the error must say so
# (the file's version, the versions it reads, the alternatives) and the live policy it offers
# must work.
. "$(dirname "$0")/lib.sh"
lab_scenario v "avcsnoop recommend --policy on the release's own policy file"
file=$(ls -1 /etc/selinux/default/policy/policy.[0-9]* | tail -n 1)
# the version field of the header: magic, length of "SE Linux", the string, the version
fver=$(od -An -tu4 -j 16 -N 4 "$file" | tr -d ' ')
lab_say "# $file: version $fver; the kernel loaded version $(cat /sys/fs/selinux/policyvers)"
AVC=$LAB_OUT/v.avc
printf 'type=AVC msg=audit(1700000000.123:456): avc:  denied  { name_connect } for  pid=169 comm="nginx" dest=3000 scontext=system_u:system_r:httpd_t:s0 tcontext=system_u:object_r:ntop_port_t:s0 tclass=tcp_socket permissive=0\n' >"$AVC"
rc=0
avcsnoop recommend -j --policy "$file" "$AVC" >"$LAB_OUT/v-file.json" 2>"$LAB_OUT/v-file.err" || rc=$?
err=$(cat "$LAB_OUT/v-file.err")
lab_say "# exit $rc; stderr: ${err:-(nothing)}"
range=$(sed -nE "s/.*policy version $fver: the libsepol avcsnoop was built with reads versions ([0-9]+)-([0-9]+) only.*/\1 \2/p" <<<"$err")
if [ "$rc" -eq 0 ]; then
	check "version $fver is read: the advice names ntop_port_t and a fix" \
		jq -e -s 'any(.[]; .type == "advice" and .target_type == "ntop_port_t" and (.fixes | length) > 0)' "$LAB_OUT/v-file.json"
	check_eq "no error" "$err" ""
else
	check_eq "version $fver is refused: exit 1" "$rc" 1
	check "the error names the file's version $fver and the versions this libsepol reads, which exclude it" \
		test -n "$range" -a "${range#* }" -lt "$fver"
	check_contains "the error offers the live policy" "$err" \
		"Use the live policy instead (run without --policy: /sys/fs/selinux/policy"
	check_contains "the error offers a build against a newer libsepol" "$err" \
		"rebuild avcsnoop against a libsepol that reads version $fver"
	rc=0
	avcsnoop recommend -j --policy /sys/fs/selinux/policy "$AVC" >"$LAB_OUT/v-live.json" 2>"$LAB_OUT/v-live.err" || rc=$?
	check_eq "the alternative offered, the live policy (version $(cat /sys/fs/selinux/policyvers)): exit 0" "$rc" 0
	check "the live policy's advice names ntop_port_t and a fix" \
		jq -e -s 'any(.[]; .type == "advice" and .target_type == "ntop_port_t" and (.fixes | length) > 0)' "$LAB_OUT/v-live.json"
fi
lab_summary
