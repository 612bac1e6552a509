# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Lab debian13: Debian 13 (trixie), kernel 6.12, refpolicy 2.20250213, nginx 1.26.
# A lab definition: what lib/*.sh build for AVC_LAB=debian13 (sourced, not executed). Its values
# are part of the cache keys of the layers they describe.

LAB_SUITE=trixie
LAB_KERNEL_SERIES=6.12
# the initramfs's modules, in load order (xz-compressed in the package: lib/initramfs.sh
# decompresses them); virtio, virtio_pci are built in, fscache is part of netfs since 6.8
LAB_MODULES=(
	virtio_blk crc32c_generic jbd2 crc16 mbcache ext4
	netfs 9pnet 9pnet_virtio 9p
	unix_diag
)
# as debian12's; libelf1 became libelf1t64 (the 64-bit time_t transition); Redis (redis_t) and
# nginx's stream module for scenario 88 (nginx proxying to Redis)
LAB_PACKAGES=(
	mount kmod cpio netbase iproute2 procps curl python3 jq
	nginx
	libnginx-mod-stream redis-server
	selinux-policy-default selinux-utils policycoreutils policycoreutils-python-utils setools
	auditd
	libbpf1 libelf1t64 zlib1g libselinux1 libsepol2
)
