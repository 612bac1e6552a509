#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install the Debian packages avcsnoop needs; quiet and idempotent when all are there.
# Usage: scripts/deps.sh [build|vm|all]   (default: build; `make test` asks for all)
set -eu

build_pkgs="make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libselinux1-dev \
libsepol-dev pkg-config"
test_pkgs="secilc setools jq iproute2 selinux-policy-default libclang-rt-14-dev bc \
policycoreutils-python-utils python3 clang-format clang-tidy cppcheck \
dpkg-dev lintian prometheus"
test_pkgs="$test_pkgs rpm rpm2cpio cpio rpmlint" # make rpm (rpmbuild) and tests/rpm
# the lab labels its image with tests/vm/label.c (gcc, libselinux) and installs avcsnoop's
# .deb in the guest (make deb: dpkg-dev); xz: Debian 13's kernel modules; the keyring signs
# every lab suite's apt lists (bookworm's has trixie's keys)
vm_pkgs="qemu-system-x86 mmdebstrap busybox-static e2fsprogs cpio xz-utils gcc libselinux1-dev \
dpkg-dev debian-archive-keyring"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs" ;;
vm) want="$vm_pkgs" ;;
all) want="$build_pkgs $test_pkgs $vm_pkgs" ;;
*) echo "usage: $0 [build|test|vm|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "avcsnoop: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
echo "avcsnoop: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# selinux-policy-default compiles policy.33 in its postinst (~40 s): harmless without SELinux.
apt-get install -y -qq --no-install-recommends $missing >/dev/null
