# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Lab debian12: Debian 12 (bookworm), kernel 6.1, refpolicy 2.20230103, nginx 1.22.
# A lab definition: what lib/*.sh build for AVC_LAB=debian12 (sourced, not executed). Its values
# are part of the cache keys of the layers they describe.

LAB_SUITE=bookworm
# linux-image-amd64's dependency that names this kernel series
LAB_KERNEL_SERIES=6.1
# the initramfs's modules, in load order, for the virtio disk, ext4 and the 9p share
LAB_MODULES=(
	virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk
	crc16 mbcache jbd2 crc32c_generic ext4
	netfs fscache 9pnet 9pnet_virtio 9p
	unix_diag
)
# mount/kmod/cpio/netbase/iproute2/procps: boot and tools (netbase: semanage port needs
# /etc/protocols); the SELinux userland and Debian's refpolicy; nginx and what the scenarios
# use (curl, python3 backends, jq); avcsnoop's run-time libraries.
LAB_PACKAGES=(
	mount kmod cpio netbase iproute2 procps curl python3 jq
	nginx
	selinux-policy-default selinux-utils policycoreutils policycoreutils-python-utils setools
	auditd
	libbpf1 libelf1 zlib1g libselinux1 libsepol2
)
