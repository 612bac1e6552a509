#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Build the source and binary RPMs with rpmbuild (`make rpm` runs this).
# Usage: packaging/rpm/build.sh OUTDIR
#   -> OUTDIR/avcsnoop-VERSION.tar.gz (the tracked files of this tree, with avcsnoop.spec),
#      OUTDIR/avcsnoop.spec, OUTDIR/avcsnoop-VERSION-1.src.rpm, OUTDIR/avcsnoop-VERSION-1.ARCH.rpm
# The last two lines printed are the SRPM's and the binary RPM's paths; rpmlint (when installed)
# checks both and the spec with packaging/rpm/rpmlint.toml and avcsnoop.rpmlintrc, and any
# error fails the build.
#
# rpmbuild runs in a private %_topdir (OUTDIR/topdir): nothing in ~/rpmbuild is read or written;
# the built tree stays in OUTDIR/topdir/BUILD (--noclean) until the next build.
# It builds from the tarball, so what is packaged is what a RHEL user's `rpmbuild -ta` gets.
# On Debian (Debian's `rpm` package) no BuildRequires is an installed RPM: the build passes
# --nodeps there and the Debian packages of scripts/deps.sh stand in for them, and the
# systemd scriptlet macros come from packaging/rpm/macros.local-build when rpm has none.
set -eu
cd "$(dirname "$0")/../.."

# rpmbuild_here ARGS...: rpmbuild in OUTDIR's private %_topdir, writing the packages to OUTDIR
rpmbuild_here() {
	set -- --define "_topdir $top" --define "_srcrpmdir $out" --define "_rpmdir $out" \
		--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" "$@"
	[ ! -e /etc/debian_version ] || set -- --nodeps "$@"
	[ -n "$(rpm --eval '%{?systemd_post:yes}')" ] ||
		set -- --load "$PWD/packaging/rpm/macros.local-build" "$@"
	rpmbuild "$@"
}

# rpmlint_here ARGS...: rpmlint with the project's settings and filters (one place for make rpm
# and tests/rpm)
rpmlint_here() {
	rpmlint -c packaging/rpm/rpmlint.toml -r packaging/rpm/avcsnoop.rpmlintrc "$@"
}
if [ "${1:-}" = --rpmlint ]; then
	shift
	rpmlint_here "$@"
	exit
fi

# `build.sh --rpmbuild OUTDIR ARGS...`: rpmbuild ARGS with the settings of a build in OUTDIR
# (tests/rpm rebuilds broken copies of the spec in the tree the last build left there)
if [ "${1:-}" = --rpmbuild ]; then
	out=$(realpath "${2:?usage: $0 --rpmbuild OUTDIR ARGS...}")
	top=$out/topdir
	shift 2
	rpmbuild_here "$@"
	exit
fi

out=${1:?usage: $0 OUTDIR}
name=avcsnoop
version=$(cat VERSION)
# an RPM version may not hold '-' (it separates the release) nor spaces
case $version in
'' | *[!0-9A-Za-z.+~^_]*)
	echo "build.sh: VERSION '$version' is not a valid RPM version" >&2
	exit 1
	;;
esac
for tool in rpmbuild git tar gzip; do
	command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (scripts/deps.sh test)" >&2; exit 1; }
done
git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "build.sh: not a git checkout: the tarball is made of the tracked files" >&2; exit 1; }

# the changelog entry is dated by the commit that set VERSION, as the Debian package's
when=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct -- VERSION 2>/dev/null || true)}
[ -n "$when" ] || when=$(date +%s)
export SOURCE_DATE_EPOCH=$when

mkdir -p "$out"
out=$(realpath "$out")
top=$out/topdir
src=$out/src/$name-$version
rm -rf "$top" "$out/src" "$out"/*.rpm "$out"/$name-*.tar.gz
mkdir -p "$top/SOURCES" "$top/SPECS" "$top/BUILD" "$top/BUILDROOT" "$src"

sed -e "s/@VERSION@/$version/g" \
	-e "s/@CHANGELOG_DATE@/$(LC_ALL=C date -u -d "@$when" '+%a %b %d %Y')/" \
	packaging/rpm/avcsnoop.spec.in >"$out/$name.spec"

# the source: every tracked file as it is in the work tree (uncommitted edits included, as
# make deb builds them), plus the generated spec at the top for `rpmbuild -ta`
git ls-files -z | xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	xargs -0 cp -P --parents -t "$src"
cp "$out/$name.spec" "$src/$name.spec"
tarball=$top/SOURCES/$name-$version.tar.gz
tar -C "$out/src" --sort=name --mtime="@$when" --owner=0 --group=0 --numeric-owner \
	-cf - "$name-$version" | gzip -9n >"$tarball"
cp "$tarball" "$out/"
cp "$out/$name.spec" "$top/SPECS/"

if ! rpmbuild_here -ba --noclean "$top/SPECS/$name.spec" >"$out/rpmbuild.log" 2>&1; then
	tail -n 40 "$out/rpmbuild.log" >&2
	echo "build.sh: rpmbuild failed (whole log: $out/rpmbuild.log)" >&2
	exit 1
fi
srpm=$(sed -n 's/^Wrote: \(.*\.src\.rpm\)$/\1/p' "$out/rpmbuild.log")
rpm=$(sed -n 's/^Wrote: \(.*\.rpm\)$/\1/p' "$out/rpmbuild.log" | grep -v '\.src\.rpm$')
[ -f "$srpm" ] && [ -f "$rpm" ] ||
	{ echo "build.sh: rpmbuild wrote no SRPM or no RPM (log: $out/rpmbuild.log)" >&2; exit 1; }
# rpmlint with the project's settings and filters: an error fails the build
if command -v rpmlint >/dev/null; then
	lrc=0
	rpmlint_here "$srpm" "$rpm" "$out/$name.spec" >"$out/rpmlint.log" 2>&1 ||
		lrc=$?
	if [ "$lrc" -ne 0 ] || grep -q ': E: ' "$out/rpmlint.log"; then
		cat "$out/rpmlint.log" >&2
		echo "build.sh: rpmlint found errors (exit $lrc)" >&2
		exit 1
	fi
	grep -E ': W: |checked;' "$out/rpmlint.log" | sed 's/^/rpmlint: /' >&2
else
	echo "build.sh: rpmlint is not installed: the RPMs are not checked (scripts/deps.sh test)" >&2
fi
realpath --relative-to=. "$srpm"
realpath --relative-to=. "$rpm"
