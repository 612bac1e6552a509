# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 2: the lab's Debian kernel, the linux-image-$LAB_KERNEL_SERIES.*-amd64 that the suite's
# linux-image-amd64 depends on (the suite and its security updates), fetched with apt-get
# download and unpacked. The host's apt
# knows only its own suite: each lab's suite has its own apt lists in $LAB_CACHE/apt-SUITE/
# (fetched once; the kernel stays the one they name until they are removed). Cached in
# $LAB_CACHE/kernel-PKG_VERSION/.

# Runs apt-get or apt-cache ($1) on the lab suite's own lists.
lab_apt() {
	local tool=$1 d="$LAB_CACHE/apt-$LAB_SUITE"
	shift
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
		-o Dir::State="$d/state" -o Dir::State::status="$d/status" -o Dir::Cache="$d/cache" \
		-o APT::Architecture=amd64 -o Debug::NoLocking=1 "$@"
}

_kernel_lists() {
	local d="$LAB_CACHE/apt-$LAB_SUITE"
	[ -f "$d/.lab-complete" ] && return 0
	need_cmds apt-get apt-cache
	mkdir -p "$d/state/lists/partial" "$d/cache/archives/partial" ||
		die "cannot create $d (set AVC_LAB_CACHE)"
	: >"$d/status"
	# kernel fixes go to the security suite first
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$LAB_MIRROR" "$LAB_SUITE" "$LAB_MIRROR-security" "$LAB_SUITE-security" >"$d/sources.list"
	log "kernel: fetching the apt lists of $LAB_SUITE (once)"
	lab_apt apt-get update -qq >&2 || die "apt-get update for $LAB_SUITE failed"
	touch "$d/.lab-complete"
}

kernel_package() {
	local pkg
	_kernel_lists
	pkg=$(lab_apt apt-cache depends linux-image-amd64 2>/dev/null |
		awk -v s="$LAB_KERNEL_SERIES" '$1 == "Depends:" && index($2, "linux-image-" s ".") == 1 {
			print $2; exit }')
	[ -n "$pkg" ] ||
		die "cannot resolve $LAB_SUITE's linux-image-amd64 to a linux-image-$LAB_KERNEL_SERIES.*-amd64 package"
	printf '%s' "$pkg"
}

kernel_dir() {
	local pkg ver
	pkg=$(kernel_package)
	ver=$(lab_apt apt-cache show --no-all-versions "$pkg" 2>/dev/null | awk '/^Version:/ {print $2}')
	[ -n "$ver" ] || die "no version for $pkg in the apt lists of $LAB_SUITE"
	printf '%s/kernel-%s_%s' "$LAB_CACHE" "$pkg" "$ver"
}

build_kernel() {
	local dir tmp pkg release mods
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
	log "kernel: downloading $pkg from $LAB_SUITE (~70-110 MB)"
	# apt-get download as root warns that _apt cannot write here; the download still works.
	(cd "$tmp/deb" && lab_apt apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' >&2) ||
		die "apt-get download $pkg failed (if the archive dropped it: rm -r $LAB_CACHE/apt-$LAB_SUITE, then retry)"
	dpkg-deb -x "$tmp"/deb/*.deb "$tmp/x" || die "dpkg-deb -x failed"
	# bookworm ships /lib/modules, trixie (merged /usr) /usr/lib/modules
	mods=$tmp/x/lib/modules
	[ -d "$mods" ] || mods=$tmp/x/usr/lib/modules
	release=$(ls -1 "$mods" 2>/dev/null | head -n 1)
	[ -n "$release" ] && [ -f "$tmp/x/boot/vmlinuz-$release" ] ||
		die "unexpected layout in $pkg: no boot/vmlinuz-RELEASE and modules/RELEASE"
	mv "$tmp/x/boot/vmlinuz-$release" "$tmp/vmlinuz"
	mv "$mods/$release" "$tmp/modules"
	printf '%s\n' "$release" >"$tmp/release"
	rm -rf -- "$tmp/deb" "$tmp/x"
	touch "$tmp/.lab-complete"
	mv -- "$tmp" "$dir"
	prune_cache "kernel-linux-image-$LAB_KERNEL_SERIES.*" 2
	log "kernel: $release ready"
}
