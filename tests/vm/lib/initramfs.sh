# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 3: a tiny initramfs: static busybox, the modules that reach the root disk and the 9p
# share, and image/initramfs-init. It mounts the labelled ext4 disk and switch_roots into
# image/stage1 (cpio carries no xattrs, so the real root must be the disk).
# The modules are the lab's LAB_MODULES (labs/NAME.sh), loaded in that order; the dependencies
# each names are added before it.
# Cached as $LAB_CACHE/initrd-KEY.gz, KEY = this file + the init + the module list + the
# kernel + busybox.

initramfs_path() {
	local kdir=$1 bb
	bb=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || echo none)
	printf '%s/initrd-%s.gz' "$LAB_CACHE" \
		"$(key_of "$LAB_DIR/lib/initramfs.sh" "$LAB_DIR/image/initramfs-init" -- \
			"${kdir##*/}" "$bb" "${LAB_MODULES[@]}")"
}

# Appends module $1 and, first, its dependencies to the global ordered list. The package
# ships no modules.dep (its postinst runs depmod, and the host may have no kmod): the
# dependencies come from each module's .modinfo "depends=" string.
_initramfs_add_module() {
	local name=$1 moddir=$2 rel deps dep
	rel=$(awk -v n="$name" '$1 == n { print $2; exit }' "$_initramfs_index")
	[ -n "$rel" ] || die "module $name not found under $moddir (built in? see LAB_MODULES in $LAB_DEF)"
	case " ${_initramfs_list[*]} " in *" $rel "*) return 0 ;; esac
	deps=$(_initramfs_modinfo_depends "$moddir/$rel")
	for dep in ${deps//,/ }; do
		_initramfs_add_module "${dep//-/_}" "$moddir"
	done
	_initramfs_list+=("$rel")
}

# readelf needs a file it can seek: a compressed module is read from a decompressed copy.
_initramfs_modinfo_depends() {
	local ko=$1 plain=$_initramfs_index.ko info
	case "$ko" in
	*.ko) plain=$ko ;;
	*.ko.xz) xz -dc "$ko" >"$plain" || die "xz -d $ko failed" ;;
	*.ko.zst) zstd -qdc "$ko" >"$plain" || die "zstd -d $ko failed" ;;
	*) die "unsupported module compression: $ko" ;;
	esac
	info=$(readelf -p .modinfo "$plain" 2>/dev/null) || die "readelf -p .modinfo $ko failed"
	sed -n 's/.*\]  *depends=//p' <<<"$info" | head -n 1
}

build_initramfs() {
	local kdir=$1 out tmp m rel base
	out=$(initramfs_path "$kdir")
	if [ -f "$out" ]; then
		log "initramfs: cached ($out)"
		return 0
	fi
	need_cmds cpio gzip readelf
	[ -x /bin/busybox ] && /bin/busybox --list | grep -qx switch_root ||
		die "no static busybox with switch_root at /bin/busybox (apt-get install busybox-static)"
	ldd /bin/busybox >/dev/null 2>&1 && die "/bin/busybox is dynamically linked: install busybox-static"
	tmp=$(mktemp -d "$LAB_CACHE/initrd.XXXXXX")
	mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
	cp /bin/busybox "$tmp/bin/busybox"
	cp "$LAB_DIR/image/initramfs-init" "$tmp/init"
	chmod 755 "$tmp/init"
	_initramfs_list=()
	_initramfs_index="$tmp.index"
	(cd "$kdir/modules" && find kernel -name '*.ko*' | awk '{ b = $0; sub(".*/", "", b);
		sub("\\.ko.*$", "", b); gsub("-", "_", b); print b, $0 }') >"$_initramfs_index"
	for m in "${LAB_MODULES[@]}"; do
		_initramfs_add_module "$m" "$kdir/modules"
	done
	: >"$tmp/modules"
	for rel in "${_initramfs_list[@]}"; do
		base=${rel##*/}
		case "$base" in
		*.ko) cp "$kdir/modules/$rel" "$tmp/lib/modules/$base" ;;
		*.ko.xz) xz -dc "$kdir/modules/$rel" >"$tmp/lib/modules/${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$kdir/modules/$rel" >"$tmp/lib/modules/${base%.zst}" ;;
		*) die "unknown module format: $rel" ;;
		esac
		base=${base%%.ko*}
		printf '%s\n' "$base.ko" >>"$tmp/modules"
	done
	(cd "$tmp" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 |
		gzip -9 >"$out.tmp") || die "cpio of the initramfs failed"
	mv -- "$out.tmp" "$out"
	rm -rf -- "$tmp" "$_initramfs_index" "$_initramfs_index.ko"
	prune_cache 'initrd-*.gz' 4 # two per lab
	log "initramfs: ${#_initramfs_list[@]} modules, $(du -h "$out" | cut -f1)"
}
