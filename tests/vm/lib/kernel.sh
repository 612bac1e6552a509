# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 2: Debian 12's 6.1 kernel, the linux-image-6.1.*-amd64 that linux-image-amd64 depends
# on, fetched with apt-get download and unpacked. Cached in $LAB_CACHE/kernel-PKG_VERSION/.

kernel_package() {
	local pkg
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-6\.1/ {print $2; exit}')
	if [ -z "$pkg" ]; then
		log "kernel: apt lists have no linux-image-amd64; running apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-6\.1/ {print $2; exit}')
	fi
	[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a linux-image-6.1.*-amd64 package"
	printf '%s' "$pkg"
}

kernel_dir() {
	local pkg ver
	pkg=$(kernel_package)
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | awk '/^Version:/ {print $2}')
	[ -n "$ver" ] || die "no version for $pkg in the apt lists"
	printf '%s/kernel-%s_%s' "$LAB_CACHE" "$pkg" "$ver"
}

build_kernel() {
	local dir tmp pkg release
	dir=$1
	if [ -f "$dir/.lab-complete" ]; then
		log "kernel: cached ($dir)"
		return 0
	fi
	need_cmds apt-get dpkg-deb
	pkg=$(kernel_package)
	tmp="$dir.tmp"
	rm -rf -- "$tmp"
	mkdir -p "$tmp/deb" "$tmp/x"
	log "kernel: downloading $pkg (~70 MB)"
	# apt-get download as root warns that _apt cannot write here; the download still works.
	(cd "$tmp/deb" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' >&2) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$tmp"/deb/*.deb "$tmp/x" || die "dpkg-deb -x failed"
	release=$(ls -1 "$tmp/x/lib/modules" | head -n 1)
	[ -n "$release" ] && [ -f "$tmp/x/boot/vmlinuz-$release" ] ||
		die "unexpected layout in $pkg: no boot/vmlinuz-RELEASE"
	mv "$tmp/x/boot/vmlinuz-$release" "$tmp/vmlinuz"
	mv "$tmp/x/lib/modules/$release" "$tmp/modules"
	printf '%s\n' "$release" >"$tmp/release"
	rm -rf -- "$tmp/deb" "$tmp/x"
	touch "$tmp/.lab-complete"
	mv -- "$tmp" "$dir"
	prune_cache 'kernel-*' 2
	log "kernel: $release ready"
}
