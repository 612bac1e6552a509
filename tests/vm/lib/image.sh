# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 4: the boot disk. A copy of the rootfs plus tests/vm/image/ (the boot stages), SELinux
# labels written by label.c inside a chroot (setfiles refuses to run on a host without
# SELinux), then mke2fs -d, which copies the security.selinux xattrs into the ext4 image.
# Cached as $LAB_CACHE/image-NAME-KEY.ext4, KEY = the rootfs key + this file + label.c + image/.
# A few seconds to rebuild: this is the only layer that changes when our boot files do.

IMAGE_SIZE=1536M

image_path() {
	printf '%s/image-%s-%s.ext4' "$LAB_CACHE" "$LAB_NAME" \
		"$(key_of "$LAB_DIR/lib/image.sh" "$LAB_DIR/label.c" "$LAB_DIR/image" -- "$(rootfs_key)")"
}

build_image() {
	local rootfs out stage
	rootfs=$(rootfs_dir)
	out=$(image_path)
	if [ -f "$out" ]; then
		log "image: cached ($out)"
		return 0
	fi
	need_root "building the image"
	need_cmds gcc mke2fs chroot
	[ -f /usr/include/selinux/label.h ] ||
		die "libselinux1-dev is missing (label.c needs it): apt-get install libselinux1-dev"
	log "image: copying the rootfs, adding the boot stages"
	stage=$(mktemp -d "$LAB_CACHE/image.XXXXXX")
	cp -a "$rootfs/." "$stage/"
	rm -f "$stage/.lab-complete"

	install -D -m 755 "$LAB_DIR/image/stage1" "$stage/usr/lib/avc-lab/stage1"
	# /usr/sbin/init is init_exec_t in refpolicy: stage1 execs it to enter init_t.
	install -D -m 755 "$LAB_DIR/image/init" "$stage/usr/sbin/init"
	# /etc/init.d/* is initrc_exec_t: init_t runs it and the job runs in initrc_t.
	install -D -m 755 "$LAB_DIR/image/avc-lab" "$stage/etc/init.d/avc-lab"
	mkdir -p "$stage/mnt/host" "$stage/sys/fs/selinux" "$stage/usr/local/bin"
	printf 'avc-lab\n' >"$stage/etc/hostname"
	printf '127.0.0.1\tlocalhost avc-lab\n::1\tlocalhost ip6-localhost\n' >"$stage/etc/hosts"
	# Debian ships permissive; the lab is enforcing (the kernel command line says so too).
	sed -i 's/^SELINUX=.*/SELINUX=enforcing/' "$stage/etc/selinux/config"
	grep -qx 'SELINUX=enforcing' "$stage/etc/selinux/config" ||
		die "could not set SELINUX=enforcing in the image"
	# The distribution's default site would listen on :80 too; scenarios bring their own.
	rm -f "$stage/etc/nginx/sites-enabled/default"

	log "image: labelling (label.c in a chroot of the rootfs)"
	gcc -O2 -Wall -Wextra -o "$stage/avc-lab-label" "$LAB_DIR/label.c" -lselinux ||
		die "compiling label.c failed"
	chroot "$stage" /avc-lab-label -x /avc-lab-label -x /proc -x /sys / ||
		die "labelling the image failed"
	rm -f "$stage/avc-lab-label"

	log "image: mke2fs -d (ext4, $IMAGE_SIZE sparse)"
	rm -f "$out.tmp"
	mke2fs -q -F -t ext4 -L avc-lab -E root_owner=0:0 -d "$stage" "$out.tmp" "$IMAGE_SIZE" ||
		die "mke2fs failed"
	mv -- "$out.tmp" "$out"
	rm -rf -- "$stage"
	prune_cache "image-$LAB_NAME-*.ext4" 2
	log "image: ready ($out)"
}
