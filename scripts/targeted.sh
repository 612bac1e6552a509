#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The RHEL/Fedora "targeted" policies of ../shared/targeted (README there), unpacked once into
# build/targeted/NAME/ after their sha256 is checked against SHA256SUMS. Prints the root it
# unpacked into; the binary policy is ROOT/etc/selinux/targeted/policy/policy.33.
# Usage: scripts/targeted.sh rhel9|rhel10 [--policy]   (--policy: print the policy file instead)
# Exit 1 with the reason when the archive is missing or its sum differs.
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:-}
case "$name" in
rhel9 | rhel10) ;;
*) echo "usage: $0 rhel9|rhel10 [--policy]" >&2; exit 2 ;;
esac
shared=${AVC_SHARED:-../shared}/targeted
archive=$shared/$name-targeted.tar.xz
root=build/targeted/$name
stamp=$root/.sha256

[ -r "$archive" ] || { echo "targeted: $archive is missing (AVC_SHARED names shared/)" >&2; exit 1; }
want=$(awk -v f="$name-targeted.tar.xz" '$2 == f { print $1 }' "$shared/SHA256SUMS")
[ -n "$want" ] || { echo "targeted: no sum for $name in $shared/SHA256SUMS" >&2; exit 1; }

# make test runs its callers side by side (the labs' image build, the policy and targeted
# suites): one unpacks, under a lock, into a new directory renamed into place; the others wait
mkdir -p build/targeted
exec 8>"build/targeted/.$name.lock"
flock 8
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
	have=$(sha256sum "$archive" | cut -d' ' -f1)
	[ "$have" = "$want" ] || { echo "targeted: $archive: sha256 $have, SHA256SUMS says $want" >&2; exit 1; }
	tmp=$(mktemp -d "build/targeted/.$name.XXXXXX")
	chmod 755 "$tmp"
	tar -C "$tmp" -xJf "$archive"
	echo "$want" >"$tmp/.sha256"
	rm -rf -- "$root"
	mv -- "$tmp" "$root"
fi
flock -u 8
if [ "${2:-}" = --policy ]; then
	echo "$root/etc/selinux/targeted/policy/policy.33"
else
	echo "$root"
fi
