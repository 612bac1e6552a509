# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 1: the lab's rootfs (mmdebstrap of $LAB_SUITE with $LAB_PACKAGES, from labs/NAME.sh).
# Cached in $LAB_CACHE/rootfs-NAME-KEY/, KEY = hash of this file (the mmdebstrap options), the
# mirror, the suite and the package list: changing one rebuilds it (~70-80 s). NAME is the lab's
# own, or LAB_ROOTFS when its definition borrows another lab's rootfs (rhel10: debian13's, the
# same suite and packages, so one build serves both).

rootfs_key() {
	key_of "$LAB_DIR/lib/rootfs.sh" -- "$LAB_MIRROR" "$LAB_SUITE" "${LAB_PACKAGES[@]}"
}

rootfs_dir() {
	printf '%s/rootfs-%s-%s' "$LAB_CACHE" "${LAB_ROOTFS:-$LAB_NAME}" "$(rootfs_key)"
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
		printf '%s' "${LAB_PACKAGES[*]}"
	)
	log "rootfs: building Debian $LAB_SUITE with mmdebstrap (~80 s; the policy build dominates)"
	# essential + --include gives a ~200 MB tree; docs, man pages and locales are dropped.
	prefix_run rootfs mmdebstrap --variant=essential --mode=root \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--dpkgopt='path-exclude=/usr/share/info/*' \
		--include="$include" "$LAB_SUITE" "$tmp" "$LAB_MIRROR" ||
		die "mmdebstrap failed (see the lines above)"
	# the version of the policy file is the suite's own (bookworm 33, trixie 34)
	compgen -G "$tmp/etc/selinux/default/policy/policy.[0-9]*" >/dev/null ||
		die "rootfs has no compiled policy (/etc/selinux/default/policy/policy.N)"
	touch "$tmp/.lab-complete"
	mv -- "$tmp" "$dir"
	prune_cache "rootfs-${LAB_ROOTFS:-$LAB_NAME}-*" 2
	log "rootfs: done ($(du -sh "$dir" | cut -f1))"
}
