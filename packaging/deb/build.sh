#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Build the Debian package from a built avcsnoop (`make deb` runs this).
# Usage: packaging/deb/build.sh BINARY OUTDIR   -> OUTDIR/avcsnoop_VERSION_ARCH.deb
# The version is the one in VERSION, the file the Makefile compiles into `avcsnoop --version`.
set -eu
cd "$(dirname "$0")/../.."
bin=$1
out=$2
version=$(cat VERSION)
arch=$(dpkg --print-architecture)
stage=$out/stage
rm -rf "$stage" "$out/shlibs"
mkdir -p "$stage/DEBIAN" "$out/shlibs/debian"

# the files
install -D -m 0755 "$bin" "$stage/usr/sbin/avcsnoop"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$stage/usr/sbin/avcsnoop"
got=$("$stage/usr/sbin/avcsnoop" --version)
if [ "$got" != "avcsnoop $version" ]; then
	echo "build.sh: $bin says '$got', VERSION says $version: rebuild it (make avcsnoop)" >&2
	exit 1
fi
# the generated page (make build/avcsnoop.8): docs/avcsnoop.8 with VERSION's version
man=${MAN_PAGE:-build/avcsnoop.8}
if [ ! -r "$man" ] || grep -q '@VERSION@' "$man"; then
	echo "build.sh: $man missing or not generated: run make $man" >&2
	exit 1
fi
install -D -m 0644 "$man" "$stage/usr/share/man/man8/avcsnoop.8"
gzip -9n "$stage/usr/share/man/man8/avcsnoop.8"
install -D -m 0644 packaging/avcsnoop-watch.service \
	"$stage/lib/systemd/system/avcsnoop-watch.service"
install -D -m 0644 packaging/avcsnoop-alerts.yml \
	"$stage/usr/share/avcsnoop/prometheus/avcsnoop-alerts.yml"
install -D -m 0644 packaging/deb/copyright "$stage/usr/share/doc/avcsnoop/copyright"
install -D -m 0644 packaging/deb/lintian-overrides "$stage/usr/share/lintian/overrides/avcsnoop"
# a native package's changelog, written from VERSION; dated by the commit that set it
when=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct -- VERSION 2>/dev/null || true)}
[ -n "$when" ] || when=$(date +%s)
{
	echo "avcsnoop ($version) unstable; urgency=medium"
	echo
	echo "  * avcsnoop $version, built by make deb from the project's repository."
	echo
	echo " -- avcsnoop developers <dev@avcsnoop.invalid>  $(LC_ALL=C date -u -R -d "@$when")"
} >"$stage/usr/share/doc/avcsnoop/changelog"
gzip -9n "$stage/usr/share/doc/avcsnoop/changelog"

# the control data: shared library dependencies as dpkg-shlibdeps finds them
printf 'Source: avcsnoop\n\nPackage: avcsnoop\nArchitecture: any\n' >"$out/shlibs/debian/control"
depends=$(cd "$out/shlibs" && dpkg-shlibdeps -O "$(realpath "../stage/usr/sbin/avcsnoop")" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "build.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -k -s --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	-e "s/@DEPENDS@/$depends/" packaging/deb/control.in >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
	xargs -0 md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
# maintainer scripts: stop, disable and unpin before removal; daemon-reload after changes
for script in prerm postinst postrm; do
	install -m 0755 "packaging/deb/$script" "$stage/DEBIAN/$script"
done
find "$stage" -type d -exec chmod 0755 {} +
deb=$out/avcsnoop_${version}_$arch.deb
# written beside it and renamed: a reader (the lab copying it into a guest) never sees half
tmp=$(mktemp "$out/.avcsnoop.deb.XXXXXX")
if ! SOURCE_DATE_EPOCH=$when dpkg-deb --root-owner-group -Zxz --build "$stage" "$tmp" >/dev/null; then
	rm -f -- "$tmp"
	exit 1
fi
chmod 0644 "$tmp"
mv -f -- "$tmp" "$deb"
echo "$deb"
