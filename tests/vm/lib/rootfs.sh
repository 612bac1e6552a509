# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 1: the Debian 12 rootfs (mmdebstrap). Cached in $LAB_CACHE/rootfs-KEY/, KEY = hash of
# this file, so changing the package list or the mmdebstrap options rebuilds it (~50-80 s).

ROOTFS_SUITE=bookworm
# mount/kmod/cpio/netbase/iproute2/procps: boot and tools (netbase: semanage port needs
# /etc/protocols); the SELinux userland and Debian's refpolicy; nginx and what the scenarios
# use (curl, python3 backends, jq); avcsnoop's run-time libraries.
ROOTFS_PACKAGES=(
	mount kmod cpio netbase iproute2 procps curl python3 jq
	nginx
	selinux-policy-default selinux-utils policycoreutils policycoreutils-python-utils setools
	auditd
	libbpf1 libelf1 zlib1g libselinux1 libsepol2
)

rootfs_key() {
	key_of "$LAB_DIR/lib/rootfs.sh"
}

rootfs_dir() {
	printf '%s/rootfs-%s' "$LAB_CACHE" "$(rootfs_key)"
}

build_rootfs() {
	local dir tmp include
	dir=$(rootfs_dir)
	if [ -f "$dir/.lab-complete" ]; then
		log "rootfs: cached ($dir)"
		return 0
	fi
	need_root "building the rootfs"
	need_cmds mmdebstrap
	tmp="$dir.tmp"
	rm -rf -- "$tmp"
	include=$(
		IFS=,
		printf '%s' "${ROOTFS_PACKAGES[*]}"
	)
	log "rootfs: building Debian $ROOTFS_SUITE with mmdebstrap (~80 s; the policy build dominates)"
	# essential + --include gives a ~225 MB tree; docs, man pages and locales are dropped.
	prefix_run rootfs mmdebstrap --variant=essential --mode=root \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--include="$include" "$ROOTFS_SUITE" "$tmp" ||
		die "mmdebstrap failed (see the lines above)"
	[ -f "$tmp/etc/selinux/default/policy/policy.33" ] ||
		die "rootfs has no compiled policy (/etc/selinux/default/policy/policy.33)"
	touch "$tmp/.lab-complete"
	mv -- "$tmp" "$dir"
	prune_cache 'rootfs-*' 2
	log "rootfs: done ($(du -sh "$dir" | cut -f1))"
}
