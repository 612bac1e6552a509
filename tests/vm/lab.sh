#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The SELinux labs: a Debian release's own kernel with SELinux enforcing, its refpolicy and a
# real nginx in httpd_t, under qemu. Our own kernel has no SELinux (shared/VM-NOTES.md).
# AVC_LAB chooses the lab: debian12 (6.1, the default) or debian13 (6.12); see labs/.
#
#   tests/vm/lab.sh build              build or reuse the cached layers
#   tests/vm/lab.sh run SCRIPT [ARGS]  boot, run SCRIPT in the guest (root, initrc_t), power off;
#                                      exit status = the script's; results in build/vm/results/
#   tests/vm/lab.sh shell              boot to an interactive root shell on the serial console
#   tests/vm/lab.sh info               print the cache paths and keys
#   tests/vm/lab.sh labs               print the lab names, oldest first
#   tests/vm/lab.sh clean              remove the cache
#
# Layers, each cached under $AVC_LAB_CACHE (default /var/cache/avcsnoop-lab) by a hash of its
# inputs: rootfs (lib/rootfs.sh, labs/NAME.sh's suite and packages), kernel (apt package
# version), initramfs (its files, the lab's modules, the kernel), image
# (lib/image.sh, label.c, image/, the rootfs key). Environment: AVC_LAB, AVC_LAB_TIMEOUT
# (seconds, default 1200), AVC_LAB_MEM (MB, default 1024), AVC_LAB_SMP (vCPUs, default 1),
# AVC_LAB_ACCEL (default: tcg; "kvm" only if a probe shows it boots), AVC_LAB_QUIET=1 (boot
# with "quiet": less in the serial console log), AVC_LAB_RESULTS (default build/vm/results).
# Exit status of run: the script's; 125 when the VM did not boot or finish (serial log shown).
set -euo pipefail

# shellcheck source=lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/rootfs.sh
. "$LAB_DIR/lib/rootfs.sh"
# shellcheck source=lib/kernel.sh
. "$LAB_DIR/lib/kernel.sh"
# shellcheck source=lib/initramfs.sh
. "$LAB_DIR/lib/initramfs.sh"
# shellcheck source=lib/image.sh
. "$LAB_DIR/lib/image.sh"

VM_FAILED=125
RESULTS_DIR=${AVC_LAB_RESULTS:-$REPO_DIR/build/vm/results}

usage() {
	sed -n '4,23p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
}

lock_cache() {
	mkdir -p "$LAB_CACHE" || die "cannot create the cache dir $LAB_CACHE (set AVC_LAB_CACHE)"
	exec 9>"$LAB_CACHE/.lock"
	if ! flock -n 9; then
		log "waiting for another lab build to finish (lock $LAB_CACHE/.lock)"
		flock 9
	fi
}

cmd_build() {
	local kdir
	need_cmds qemu-system-x86_64 mke2fs cpio
	lock_cache
	# Left behind by an interrupted build (we hold the lock: nobody else is building).
	rm -rf -- "$LAB_CACHE"/initrd.?????? "$LAB_CACHE"/initrd.??????.index* \
		"$LAB_CACHE"/image.?????? "$LAB_CACHE"/*.tmp
	build_rootfs
	kdir=$(kernel_dir)
	build_kernel "$kdir"
	build_initramfs "$kdir"
	build_image
	flock -u 9
	log "build: lab $LAB_NAME ready in $(elapsed)"
}

# Sets KERNEL, INITRD and IMAGE to the cached layers (building any that are missing).
resolve_layers() {
	local kdir
	cmd_build
	kdir=$(kernel_dir)
	KERNEL="$kdir/vmlinuz"
	INITRD=$(initramfs_path "$kdir")
	IMAGE=$(image_path)
	for f in "$KERNEL" "$INITRD" "$IMAGE"; do
		[ -f "$f" ] || die "layer missing after build: $f"
	done
}

# qemu's acceleration: TCG unless AVC_LAB_ACCEL=kvm (here /dev/kvm is a nested-PVM device
# that only boots PVM guests: -cpu host aborts, other models hang).
accel_args() {
	case "${AVC_LAB_ACCEL:-tcg}" in
	tcg) printf '%s\n' -accel tcg,thread=multi -cpu "${AVC_LAB_CPU:-max}" ;;
	kvm) printf '%s\n' -accel kvm -cpu host ;;
	*) die "AVC_LAB_ACCEL must be tcg or kvm" ;;
	esac
}

kernel_cmdline() {
	# The whole boot log goes to the serial console file: it is what a boot failure shows.
	local loglevel=""
	[ "${AVC_LAB_QUIET:-0}" = 1 ] && loglevel=quiet
	# lsm= is needed: Debian's default LSM is AppArmor.
	printf 'console=ttyS0 lsm=lockdown,capability,yama,selinux,bpf selinux=1 enforcing=1 '
	printf 'panic=-1 %s' "$loglevel"
}

# Boots the VM with $1 as the 9p share; serial console to $2 (or the terminal when $2 is "-").
boot_vm() {
	local share=$1 console=$2 serial accel
	mapfile -t accel < <(accel_args)
	if [ "$console" = "-" ]; then
		serial=(-serial mon:stdio)
	else
		serial=(-serial "file:$console")
	fi
	# One vCPU by default: with two, multi-threaded TCG once left a vCPU spinning on the int3
	# of a half-patched fexit call site (soft lockup at avc_has_perm+0x0 while a trampoline
	# was detached): cross-vCPU code patching is unreliable under emulation, not on hardware.
	qemu-system-x86_64 "${accel[@]}" -smp "${AVC_LAB_SMP:-1}" -m "${AVC_LAB_MEM:-1024}" \
		-nodefaults -no-reboot -display none -vga none \
		-kernel "$KERNEL" -initrd "$INITRD" -append "$(kernel_cmdline)" \
		-drive "file=$IMAGE,format=raw,if=virtio,snapshot=on" \
		-virtfs "local,path=$share,mount_tag=host,security_model=none" \
		"${serial[@]}"
}

# Prepares a 9p share dir for one boot: avcsnoop, the guest scripts, the job.
make_share() {
	local share=$1
	shift
	mkdir -p "$share/out" "$share/bin"
	cp -r "$LAB_DIR/guest" "$share/guest"
	# the one test harness (counting, reporting), sourced by guest/lib.sh
	cp "$REPO_DIR/tests/lib/common.sh" "$share/guest/common.sh"
	if [ -f "$REPO_DIR/avcsnoop" ]; then
		# A copy, taken now: a rebuild on the host during the run does not disturb the guest.
		cp "$REPO_DIR/avcsnoop" "$share/bin/avcsnoop.tmp" &&
			mv "$share/bin/avcsnoop.tmp" "$share/bin/avcsnoop" ||
			log "warning: could not copy ./avcsnoop (mid-rebuild?)"
	else
		log "warning: $REPO_DIR/avcsnoop does not exist: the guest has no avcsnoop"
	fi
	# The Debian package of this build (make deb), installed in the guest with dpkg; only when
	# it is not older than ./avcsnoop (else the copy above is what the guest runs).
	local deb
	deb="$REPO_DIR/build/deb/avcsnoop_$(cat "$REPO_DIR/VERSION" 2>/dev/null)_amd64.deb"
	if [ -f "$deb" ] && ! [ "$REPO_DIR/avcsnoop" -nt "$deb" ]; then
		cp "$deb" "$share/bin/avcsnoop.deb"
	elif [ -f "$REPO_DIR/avcsnoop" ]; then
		log "note: no build/deb package as new as ./avcsnoop (make deb): the guest gets the binary"
	fi
	# the host tests' workload tool (io_uring connects, ...): same Debian 12 userland
	if [ -f "$REPO_DIR/build/tests/host/connector" ]; then
		cp "$REPO_DIR/build/tests/host/connector" "$share/bin/connector"
	fi
}

# Writes the job: runs SCRIPT (a file on the host) with ARGS inside the guest.
write_job() {
	local share=$1 script=$2
	shift 2
	local abs guestdir guest_path
	abs=$(realpath -e -- "$script") || die "no such script: $script"
	guestdir=$(realpath "$LAB_DIR/guest")
	if [[ $abs == "$guestdir"/* ]]; then
		guest_path="/mnt/host/guest/${abs#"$guestdir"/}"
	else
		cp -- "$abs" "$share/job-script"
		guest_path=/mnt/host/job-script
	fi
	{
		printf '# generated by tests/vm/lab.sh run\n'
		printf 'export LAB_REPO_SCRIPT=%q\n' "${abs#"$REPO_DIR"/}"
		# the lab's name, and why its kernel-only scenarios are not run (labs/NAME.sh)
		printf 'export LAB_NAME=%q LAB_KERNEL_NA=%q\n' "$LAB_NAME" "${LAB_KERNEL_NA:-}"
		printf 'bash %q' "$guest_path"
		[ $# -gt 0 ] && printf ' %q' "$@"
		printf '\n'
	} >"$share/job.sh"
}

show_console_tail() {
	local console=$1
	log "---- serial console (last 60 lines of $console) ----"
	if [ -s "$console" ]; then
		tail -n 60 "$console" | sed 's/^/  | /' >&2
	else
		log "(the serial console is empty: the kernel did not start?)"
	fi
	log "---- end of serial console ----"
}

cmd_run() {
	[ $# -ge 1 ] || die "usage: lab.sh run SCRIPT [ARGS...]"
	local script=$1 rundir share console qemu_pid rc start timeout
	shift
	[ -f "$script" ] || die "no such script: $script"
	resolve_layers

	mkdir -p "$REPO_DIR/build/vm"
	rundir=$(mktemp -d "$REPO_DIR/build/vm/run.XXXXXX")
	share="$rundir/share"
	console="$rundir/console.log"
	make_share "$share"
	write_job "$share" "$script" "$@"

	timeout=${AVC_LAB_TIMEOUT:-1200}
	start=$SECONDS
	log "booting the lab $LAB_NAME ($(cat "${KERNEL%/*}/release"); qemu ${AVC_LAB_ACCEL:-tcg}; ~15 s to the guest under TCG), timeout ${timeout}s"
	boot_vm "$share" "$console" </dev/null &
	qemu_pid=$!
	# The kill guard: never leave a qemu behind, whatever happens to this script.
	trap 'kill "$qemu_pid" 2>/dev/null || true' EXIT
	trap 'kill "$qemu_pid" 2>/dev/null; rm -rf -- "$rundir"; exit 130' INT TERM
	(
		# Stream the guest job's output as it is written to the share.
		while [ ! -e "$share/out/output.log" ] && kill -0 "$qemu_pid" 2>/dev/null; do
			sleep 0.2
		done
		[ -e "$share/out/output.log" ] && tail -n +1 -s 0.3 --pid="$qemu_pid" -f \
			"$share/out/output.log"
	) &
	local tail_pid=$!
	local timed_out=0 wedged=""
	while kill -0 "$qemu_pid" 2>/dev/null; do
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			timed_out=1
			log "timeout after ${timeout}s: killing qemu"
			kill "$qemu_pid" 2>/dev/null || true
			break
		fi
		# a wedged guest never recovers: fail now rather than at the timeout
		wedged=$(grep -a -m 1 -E 'BUG: soft lockup|Kernel panic|rcu_sched detected stalls' \
			"$console" 2>/dev/null || true)
		if [ -n "$wedged" ]; then
			timed_out=1
			log "the guest kernel is wedged (${wedged#*] }): killing qemu"
			kill "$qemu_pid" 2>/dev/null || true
			break
		fi
		sleep 0.5
	done
	rc=0
	wait "$qemu_pid" || rc=$?
	wait "$tail_pid" 2>/dev/null || true
	trap - EXIT INT TERM

	rm -rf -- "$RESULTS_DIR"
	cp -r "$share/out" "$RESULTS_DIR"
	cp "$console" "$RESULTS_DIR/console.log" 2>/dev/null || true
	rm -rf -- "$rundir"

	if [ "$timed_out" -eq 1 ] || [ ! -f "$RESULTS_DIR/rc" ]; then
		if [ -n "$wedged" ]; then
			log "FAILED: the guest kernel reported: ${wedged#*] }"
		elif [ "$timed_out" -eq 1 ]; then
			log "FAILED: the VM timed out after ${timeout}s"
		else
			log "FAILED: the VM stopped (qemu exit $rc) before the job finished"
		fi
		show_console_tail "$RESULTS_DIR/console.log"
		return "$VM_FAILED"
	fi
	rc=$(cat "$RESULTS_DIR/rc")
	log "VM finished in $((SECONDS - start))s; job exit status $rc; results in ${RESULTS_DIR#"$REPO_DIR"/}/"
	return "$rc"
}

cmd_shell() {
	local share
	resolve_layers
	share=$(mktemp -d "${TMPDIR:-/tmp}/avc-lab-shell.XXXXXX")
	make_share "$share"
	printf 'exec setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1\n' >"$share/job.sh"
	log "booting to a root shell in initrc_t on the serial console; 'exit' powers off, C-a x quits qemu"
	boot_vm "$share" - || true
	rm -rf -- "$share"
}

cmd_info() {
	local kdir
	kdir=$(kernel_dir)
	printf 'lab:       %s (%s, kernel %s)\n' "$LAB_NAME" "$LAB_SUITE" "$LAB_KERNEL_SERIES"
	printf 'cache:     %s\n' "$LAB_CACHE"
	printf 'rootfs:    %s\n' "$(rootfs_dir)"
	printf 'kernel:    %s\n' "$kdir"
	printf 'initramfs: %s\n' "$(initramfs_path "$kdir")"
	printf 'image:     %s\n' "$(image_path)"
	printf 'cmdline:   %s\n' "$(kernel_cmdline)"
}

cmd_clean() {
	lock_cache
	log "removing $LAB_CACHE"
	rm -rf -- "${LAB_CACHE:?}"/rootfs-* "$LAB_CACHE"/kernel-* "$LAB_CACHE"/initrd-* \
		"$LAB_CACHE"/image-* "$LAB_CACHE"/apt-*
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
build) cmd_build "$@" ;;
run) cmd_run "$@" ;;
shell) cmd_shell "$@" ;;
info) cmd_info "$@" ;;
labs) lab_names ;;
clean) cmd_clean "$@" ;;
-h | --help | help) usage ;;
*)
	log "unknown command: $cmd"
	usage
	;;
esac
