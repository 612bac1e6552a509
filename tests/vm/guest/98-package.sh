#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Scenario pkg (issue 23): removing the package takes down what its service left. The lab
# installed avcsnoop from its .deb (tests/vm/image/avc-lab); watch --pin leaves programs
# attached under /sys/fs/bpf/avcsnoop, as avcsnoop-watch.service does; `dpkg -r` must leave no
# pin, no avcsnoop program in the kernel and no unit file. The package is installed again
# after, for the scenarios that follow.
. "$(dirname "$0")/lib.sh"
DEB=${LAB_SHARE:-/mnt/host}/bin/avcsnoop.deb
PD=/sys/fs/bpf/avcsnoop
restore() {
	lab_cleanup
	[ -d "$PD" ] && command -v avcsnoop >/dev/null && avcsnoop watch --unpin "$PD" 2>/dev/null
	dpkg -s avcsnoop >/dev/null 2>&1 || dpkg -i "$DEB" >/dev/null 2>&1
	true
}
trap restore EXIT
lab_scenario pkg "dpkg -r leaves no pin, no program, no unit"
# the kernel's programs named avc_*: BPF_PROG_GET_NEXT_ID, GET_FD_BY_ID, OBJ_GET_INFO_BY_FD
avc_progs() {
	python3 - <<'PY'
import ctypes, os, struct
libc = ctypes.CDLL(None, use_errno=True)
NR_BPF = 321  # x86_64
def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    r = libc.syscall(NR_BPF, cmd, buf, 128)
    return r, buf.raw
n, pid = 0, 0
while True:
    r, raw = bpf(11, struct.pack("<III", pid, 0, 0))  # BPF_PROG_GET_NEXT_ID
    if r < 0:
        break
    pid = struct.unpack_from("<I", raw, 4)[0]
    fd, _ = bpf(13, struct.pack("<III", pid, 0, 0))  # BPF_PROG_GET_FD_BY_ID
    if fd < 0:
        continue
    info = ctypes.create_string_buffer(256)
    r, _ = bpf(15, struct.pack("<IIQ", fd, 256, ctypes.addressof(info)))  # OBJ_GET_INFO_BY_FD
    os.close(fd)
    if r == 0 and info.raw[64:80].split(b"\0")[0].startswith(b"avc_"):
        n += 1
print(n)
PY
}
# The kernel frees a program some time after its last reference goes: bpffs drops an unlinked
# pin's inode after an RCU grace period and puts the link from a workqueue, so a count taken at
# once may still see programs on their way out (seen on 6.12 under TCG). Count until the number
# reaches $1 (or, without $1, until two reads agree), for at most 20 s, and say how long it took.
avc_progs_settled() {
	local n prev=x i=0
	while :; do
		n=$(avc_progs)
		if [ -n "${1:-}" ]; then
			[ "$n" -le "$1" ] && break
		else
			[ "$n" = "$prev" ] && break
		fi
		[ $i -ge 80 ] && break
		prev=$n i=$((i + 1))
		sleep 0.25
	done
	lab_say "# avc_* programs: $n after $i wait(s) of 0.25 s" >&2
	echo "$n"
}
# installed: unpacked and configured (a postinst that could not run leaves it half-configured)
status=$(dpkg-query -W -f '${Status}' avcsnoop 2>/dev/null || true)
if [ ! -f "$DEB" ] || [ "$status" != "install ok installed" ]; then
	why="avcsnoop was not installed from a .deb in this run (make deb first)"
	# dpkg runs maintainer scripts in dpkg_script_t (setexecfilecon's fallback): a policy
	# without that type (RHEL's targeted: rpm_script_t instead) makes dpkg refuse to run them
	# in enforcing mode, so no .deb with a postinst or prerm installs or removes there
	if [ -f "$DEB" ] && ! lab_pq seinfo -t dpkg_script_t 2>/dev/null | grep -qw dpkg_script_t; then
		why="this policy has no dpkg_script_t (seinfo), the domain dpkg runs maintainer scripts in: dpkg cannot run the package's postinst or prerm in enforcing mode (package status: ${status:-none}), so the lab runs the bare binary; the prerm's clean-up is proven on the Debian labs, the RPM's on the host (tests/rpm)"
	fi
	lab_na "package removal" "$why"
	lab_summary
	exit 0
fi
before=$(avc_progs_settled)
lab_setup avcsnoop watch -q --pin "$PD" 0.2 1 >/dev/null
during=$(avc_progs)
lab_say "# avc_* programs: $before before, $during with $PD pinned"
check "watch --pin left its pins and programs (the state the package must clean up)" \
	test -e "$PD/stats" -a "$during" -gt "$before"
rc=0
dpkg -r avcsnoop >"$LAB_OUT/pkg-dpkg-r.log" 2>&1 || rc=$?
after=$(avc_progs_settled "$before")
check_eq "dpkg -r avcsnoop: exit 0" "$rc" 0
check "dpkg -r: no pin directory left" test ! -e "$PD"
check_eq "dpkg -r: no avc_* program left in the kernel" "$after" "$before"
check "dpkg -r: no unit file, no binary" test ! -e /lib/systemd/system/avcsnoop-watch.service -a ! -e /usr/sbin/avcsnoop
dpkg -i "$DEB" >"$LAB_OUT/pkg-dpkg-i.log" 2>&1 || true
check "dpkg -i again (for the scenarios that follow)" test -x /usr/sbin/avcsnoop
lab_summary
