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
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$W/root/lib/systemd/system/avcsnoop-watch.service")
[ "$exe" = /usr/sbin/avcsnoop ] && [ -x "$W/root$exe" ] && ok "the unit runs $exe, which the package holds" ||
	bad "the unit runs the packaged binary" "ExecStart=$exe"
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
finish
