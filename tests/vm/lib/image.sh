# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Layer 4: the boot disk. A copy of the rootfs plus tests/vm/image/ (the boot stages), SELinux
# labels written by label.c inside a chroot (setfiles refuses to run on a host without
# SELinux), then mke2fs -d, which copies the security.selinux xattrs into the ext4 image.
# Cached as $LAB_CACHE/image-NAME-KEY.ext4, KEY = the rootfs key + this file + label.c + image/
# (+ the sha256 of the targeted policy archive when the lab sets LAB_TARGETED).
# A few seconds to rebuild: this is the only layer that changes when our boot files do.

IMAGE_SIZE=1536M

# The targeted policy's root (scripts/targeted.sh unpacks it after checking its sha256).
_image_targeted_root() {
	local rel
	rel=$("$REPO_DIR/scripts/targeted.sh" "$LAB_TARGETED") ||
		die "the targeted policy $LAB_TARGETED is not available (shared/targeted, see above)"
	printf '%s/%s\n' "$REPO_DIR" "$rel"
}

image_path() {
	local policy=""
	# the archive's sha256 (the stamp scripts/targeted.sh leaves after checking it)
	if [ -n "$LAB_TARGETED" ]; then
		policy=$(_image_targeted_root) || exit 1
		policy="$LAB_TARGETED $(cat "$policy/.sha256")" || die "no sha256 stamp for $LAB_TARGETED"
	fi
	printf '%s/image-%s-%s.ext4' "$LAB_CACHE" "$LAB_NAME" \
		"$(key_of "$LAB_DIR/lib/image.sh" "$LAB_DIR/label.c" "$LAB_DIR/image" \
			"$LAB_DIR/guest/avc_lab_hide.cil" -- "$(rootfs_key)" \
			"$policy")"
}

# Installs the targeted policy (binary policy, contexts, file_contexts, semanage store) into
# the image tree $1 and makes it the configured one; the refpolicy of the rootfs stays beside it.
_image_install_targeted() {
	local stage=$1 root
	root=$(_image_targeted_root)
	log "image: SELINUXTYPE=targeted from $LAB_TARGETED ($root)"
	cp -a "$root/etc/selinux/targeted" "$stage/etc/selinux/" &&
		mkdir -p "$stage/var/lib/selinux" &&
		cp -a "$root/var/lib/selinux/targeted" "$stage/var/lib/selinux/" ||
		die "copying the targeted policy into the image failed"
	sed -i 's/^SELINUXTYPE=.*/SELINUXTYPE=targeted/' "$stage/etc/selinux/config"
	grep -qx 'SELINUXTYPE=targeted' "$stage/etc/selinux/config" ||
		die "could not set SELINUXTYPE=targeted in the image"
	# Targeted has no dontaudit rule hiding httpd_t's name_connect: the lab's own module
	# (guest/avc_lab_hide.cil, its boolean off) is installed here by the guest's own semodule,
	# once (seconds natively), not by lib.sh lab_hide_init in every boot (40 s under
	# emulation). It writes the policy in the guest tools' version (policy.34); the archive's
	# older file goes, so that one file is the policy, as after a semodule in the guest.
	local pol pdir=$stage/etc/selinux/targeted/policy
	install -m 0644 "$LAB_DIR/guest/avc_lab_hide.cil" "$stage/tmp/avc_lab_hide.cil" &&
		chroot "$stage" semodule -n -i /tmp/avc_lab_hide.cil ||
		die "semodule -i avc_lab_hide.cil failed in the image"
	rm -f "$stage/tmp/avc_lab_hide.cil"
	pol=$(find "$pdir" -maxdepth 1 -name 'policy.[0-9]*' -printf '%f\n' | sort -t. -k2,2n | tail -n 1)
	[ -n "$pol" ] || die "no binary policy in the image after semodule"
	find "$pdir" -maxdepth 1 -name 'policy.[0-9]*' ! -name "$pol" -delete
	# The .bin files were compiled by another libselinux (Debian 12's): the guest's own
	# sefcontext_compile rewrites them in the format it reads.
	local fc
	for fc in "$stage"/etc/selinux/targeted/contexts/files/file_contexts{,.homedirs,.local}; do
		[ -f "$fc" ] || continue
		chroot "$stage" sefcontext_compile "${fc#"$stage"}" ||
			die "sefcontext_compile ${fc#"$stage"} failed in the image"
	done
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
	[ -z "$LAB_TARGETED" ] || _image_install_targeted "$stage"
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
