#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The Debian package: `make deb` builds it, lintian finds no error in it (its warnings are
# shown), it holds what the README promises at the paths the unit and the README name, and
# the version it carries is the one its binary prints. A package lintian must refuse (no
# copyright file) shows that this check can fail.
set -u
cd "$(dirname "$0")/../.."
SUITE=deb
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

for tool in dpkg-deb dpkg-shlibdeps lintian; do
	if ! command -v "$tool" >/dev/null; then
		skipped "the Debian package" "$tool is not installed (scripts/deps.sh test installs dpkg-dev and lintian)"
		finish
	fi
done

if ! out=$(make --no-print-directory deb 2>&1); then
	bad "make deb builds the package" "$out"
	finish
fi
version=$(cat VERSION)
deb=$(tail -n 1 <<<"$out")
if [ "$deb" = "build/deb/avcsnoop_${version}_$(dpkg --print-architecture).deb" ] && [ -f "$deb" ]; then
	ok "make deb builds $deb"
else
	bad "make deb builds the package" "$out"
	finish
fi

# lintian: errors fail, warnings and the rest are shown
lintian -I --pedantic "$deb" >"$W/lintian" 2>&1
lrc=$?
grep -v '^running with root privileges' "$W/lintian" | sed 's/^/     lintian: /'
errors=$(grep -c '^E: ' "$W/lintian")
if [ "$errors" -eq 0 ] && [ "$lrc" -eq 0 ]; then
	ok "lintian: no error ($(grep -c '^W: ' "$W/lintian") warning(s))"
else
	bad "lintian: no error" "exit $lrc, $errors error(s)"
fi
nw=$(grep -c '^W: ' "$W/lintian")
DETAIL="$(grep '^W: ' "$W/lintian")"
check "lintian: no warning either (maintainer scripts included)" [ "$nw" = 0 ]

# what it holds
dpkg-deb -c "$deb" | awk '{ print $1, $6 }' >"$W/contents"
for want in "-rwxr-xr-x ./usr/sbin/avcsnoop" "-rw-r--r-- ./usr/share/man/man8/avcsnoop.8.gz" \
	"-rw-r--r-- ./lib/systemd/system/avcsnoop-watch.service" \
	"-rw-r--r-- ./usr/share/avcsnoop/prometheus/avcsnoop-alerts.yml" \
	"-rw-r--r-- ./usr/share/doc/avcsnoop/copyright" "-rw-r--r-- ./usr/share/doc/avcsnoop/changelog.gz"; do
	if grep -qxF -- "$want" "$W/contents"; then ok "holds ${want#* }"; else bad "holds ${want#* }" "$(cat "$W/contents")"; fi
done
n=$(grep -cvE '^d' "$W/contents")
[ "$n" -eq 7 ] && ok "holds nothing else (7 files with the lintian overrides)" || bad "holds nothing else" "$(grep -vE '^d' "$W/contents")"

# the version: one source
dpkg-deb -x "$deb" "$W/root"
pv=$(dpkg-deb -f "$deb" Version)
bv=$("$W/root/usr/sbin/avcsnoop" --version)
if [ "$pv" = "$version" ] && [ "$bv" = "avcsnoop $version" ]; then
	ok "version: the package carries $pv, its binary says '$bv', VERSION says $version"
else
	bad "version: one source" "package $pv, binary '$bv', VERSION $version"
fi
cl=$(zcat "$W/root/usr/share/doc/avcsnoop/changelog.gz" | head -n 1)
[[ $cl == "avcsnoop ($version) "* ]] && ok "changelog names $version" || bad "changelog names $version" "$cl"

# the unit starts the packaged binary, and the files it names are the package's
# ExecStart chooses the filter (a sh -c): every command it can run is the packaged binary
U=$W/root/lib/systemd/system/avcsnoop-watch.service
exe=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$U" | grep -o 'exec [^ ]*' | sort -u | cut -d' ' -f2 | tr '\n' ' ')
[ "$exe" = "/usr/sbin/avcsnoop " ] && [ -x "$W/root/usr/sbin/avcsnoop" ] && ok "the unit runs /usr/sbin/avcsnoop, which the package holds" ||
	bad "the unit runs the packaged binary" "ExecStart runs: $exe"
# the filter: the domain where SELinux is on, system.slice's nginx elsewhere; never -c alone
xs=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$U" | tr -d '\\\n\t')
DETAIL="$xs"
check "the unit filters by --domain httpd_t under SELinux, else nginx in system.slice (not by name alone)" eval \
	'grep -q "if \[ -e /sys/fs/selinux/enforce \]; then *exec /usr/sbin/avcsnoop watch -q --domain httpd_t " <<<"$xs" && grep -q "else exec /usr/sbin/avcsnoop watch -q --pin /sys/fs/bpf/avcsnoop *-c nginx --cgroup /sys/fs/cgroup/system.slice " <<<"$xs"'
# the shell script it runs is valid sh, both branches
script=$(sed -n "s/^ExecStart=\/bin\/sh -c '\(.*\)'\$/\1/p" <<<"$xs")
DETAIL="$script"
check "the unit's sh -c script parses" eval '[ -n "$script" ] && sh -n -c "$script"'
zcat "$W/root/usr/share/man/man8/avcsnoop.8.gz" | cmp -s - build/avcsnoop.8 && ok "the man page is build/avcsnoop.8 (docs/avcsnoop.8 with the version)" || bad "the man page is build/avcsnoop.8"
zcat "$W/root/usr/share/man/man8/avcsnoop.8.gz" | grep -qF "\"avcsnoop $(cat VERSION)\" \"System Administration\"" && ok "the man page says version $(cat VERSION)" || bad "the man page's version is not VERSION's"

# the check can fail: the same package without its copyright file is refused
cp -a build/deb/stage "$W/broken"
rm "$W/broken/usr/share/doc/avcsnoop/copyright"
sed -i '/usr\/share\/doc\/avcsnoop\/copyright/d' "$W/broken/DEBIAN/md5sums"
dpkg-deb --root-owner-group --build "$W/broken" "$W/broken.deb" >/dev/null
lintian "$W/broken.deb" >"$W/lintian-broken" 2>&1
brc=$?
if [ "$brc" -ne 0 ] && grep -q '^E: avcsnoop: no-copyright-file' "$W/lintian-broken"; then
	ok "lintian refuses a package without a copyright file (the check can fail)"
else
	bad "lintian refuses a broken package" "exit $brc: $(cat "$W/lintian-broken")"
fi
# ---- maintainer scripts (issue 23): prerm stops, disables and unpins; postinst reloads ----
mkdir "$W/ctrl"
dpkg-deb -e "$deb" "$W/ctrl"
for sc in prerm postinst postrm; do
	if [ -x "$W/ctrl/$sc" ] && head -1 "$W/ctrl/$sc" | grep -q '^#!/bin/sh' && sh -n "$W/ctrl/$sc"; then
		ok "DEBIAN/$sc: an executable sh script"
	else
		bad "DEBIAN/$sc: an executable sh script" "$(ls -l "$W/ctrl" 2>&1)"
	fi
done
grep -q 'avcsnoop watch --unpin "$PINDIR"' "$W/ctrl/prerm" && grep -q '^PINDIR=/sys/fs/bpf/avcsnoop$' "$W/ctrl/prerm" &&
	grep -q 'deb-systemd-invoke stop avcsnoop-watch.service' "$W/ctrl/prerm" &&
	grep -q 'deb-systemd-helper disable avcsnoop-watch.service' "$W/ctrl/prerm" &&
	ok "prerm: stops, disables, and runs avcsnoop watch --unpin /sys/fs/bpf/avcsnoop" ||
	bad "prerm: stop, disable, unpin" "$(cat "$W/ctrl/prerm")"
grep -q 'systemctl --system daemon-reload' "$W/ctrl/postinst" && ok "postinst: daemon-reload" ||
	bad "postinst: daemon-reload" "$(cat "$W/ctrl/postinst")"
# prerm run for real (the packaged binary on PATH) against the unit's pin directory, which a
# running watch --pin fills: afterwards no pin and no program of it is left
PD=/sys/fs/bpf/avcsnoop
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	skipped "prerm removes the pins" "needs root and BTF"
elif [ -e "$PD" ]; then
	skipped "prerm removes the pins" "$PD exists (a real avcsnoop-watch here): not touched"
else
	before=$(sleep 0.3; bpftool prog show 2>/dev/null | grep -c avc_connect_enter || true)
	"$W/root/usr/sbin/avcsnoop" watch -q --pin "$PD" 0.1 1 >/dev/null 2>"$W/pin.err"
	during=$(sleep 0.3; bpftool prog show 2>/dev/null | grep -c avc_connect_enter || true)
	PATH="$W/root/usr/sbin:$PATH" sh "$W/ctrl/prerm" upgrade >"$W/prerm.out" 2>&1
	prc=$?
	after=$(sleep 0.3; bpftool prog show 2>/dev/null | grep -c avc_connect_enter || true)
	DETAIL="rc=$prc; avc_connect_enter links: $before before, $during pinned, $after after; $(cat "$W/pin.err" "$W/prerm.out")"
	check "prerm upgrade: the pins of $PD removed, their programs detached, exit 0" \
		eval '[ $prc = 0 ] && [ ! -e "$PD" ] && [ "$during" -gt "$before" ] && [ "$after" = "$before" ]'
	[ -e "$PD" ] && "$AVC" watch --unpin "$PD" 2>/dev/null
fi

# ---- the unit's sandbox: systemd-analyze security --offline, 2.5 ("OK") or less ----
score() { systemd-analyze security --offline=yes "$1" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p'; }
if ! systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
	skipped "the unit's exposure score" "systemd-analyze has no security --offline (systemd < 250)"
else
	sc=$(score "$W/root/lib/systemd/system/avcsnoop-watch.service")
	DETAIL="score '$sc'"
	check "systemd-analyze security: the unit scores 2.5 or less ($sc)" awk -v s="$sc" 'BEGIN { exit !(s != "" && s <= 2.5) }'
	# the check can fail: the same unit without its sandbox lines scores above
	mkdir "$W/loose"
	awk '/^# Sandbox/ { skip = 1 } /^\[Install\]/ { skip = 0 } !skip' "$W/root/lib/systemd/system/avcsnoop-watch.service" \
		>"$W/loose/avcsnoop-watch.service"
	sl=$(score "$W/loose/avcsnoop-watch.service")
	DETAIL="score '$sl'"
	check "systemd-analyze security: the unit without its sandbox scores above 2.5 ($sl; the check can fail)" awk -v s="$sl" 'BEGIN { exit !(s > 2.5) }'
	echo "     figure: exposure $sc with the sandbox, $sl without"
fi
finish
