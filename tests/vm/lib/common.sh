# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared helpers for tests/vm/lab.sh and its layer scripts (sourced, not executed).

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${AVC_LAB_CACHE:-/var/cache/avcsnoop-lab}
LAB_START=$SECONDS
# The mirror of every lab (mmdebstrap's default; the kernel comes from it too).
LAB_MIRROR=http://deb.debian.org/debian

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }

# The labs are tests/vm/labs/NAME.sh, oldest first (version order of their names).
lab_names() {
	local f
	for f in "$LAB_DIR"/labs/*.sh; do
		f=${f##*/}
		printf '%s\n' "${f%.sh}"
	done | sort -V
}

# AVC_LAB chooses one (default debian12, the first lab); its definition (LAB_SUITE,
# LAB_KERNEL_SERIES, LAB_PACKAGES) is read here and keys its layers.
LAB_NAME=${AVC_LAB:-debian12}
case "$LAB_NAME" in
'' | *[!a-z0-9]*) die "AVC_LAB=$LAB_NAME: a lab name is lower-case letters and digits ($(lab_names | tr '\n' ' '))" ;;
esac
LAB_DEF=$LAB_DIR/labs/$LAB_NAME.sh
[ -f "$LAB_DEF" ] || die "AVC_LAB=$LAB_NAME: no such lab (tests/vm/labs has: $(lab_names | tr '\n' ' '))"
# LAB_TARGETED (optional): the RHEL targeted policy (scripts/targeted.sh NAME) the image boots
# with instead of the suite's refpolicy. LAB_ROOTFS (optional): the lab whose rootfs layer this
# one shares (same suite and packages).
LAB_TARGETED=""
LAB_ROOTFS=""
# LAB_KERNEL_NA (optional): why the scenarios that test only the kernel (lib.sh lab_kernel_only)
# are not applicable here, when another lab boots the same kernel.
LAB_KERNEL_NA=""
# shellcheck source=labs/debian12.sh
. "$LAB_DEF"

# Elapsed seconds since lab.sh started, for progress lines.
elapsed() { printf '%ds' "$((SECONDS - LAB_START))"; }

# Prints a short hash of the arguments' contents, so a key can mix files and values:
# key_of FILE|DIR... -- "string"... Files are named relative to tests/vm, never by absolute
# path: two clones of the repo on one machine must share the cache.
key_of() {
	local literal=0 arg
	{
		for arg in "$@"; do
			if [ "$arg" = "--" ]; then
				literal=1
			elif [ "$literal" -eq 1 ]; then
				printf '%s\n' "$arg"
			else
				[ -e "$arg" ] || die "key input $arg does not exist"
				if [ -d "$arg" ]; then
					(cd "$arg" && find . -type f -print0 | LC_ALL=C sort -z |
						xargs -0 sha256sum)
				else
					printf '%s\n' "${arg#"$LAB_DIR"/}"
					cat "$arg"
				fi
			fi
		done
	} | sha256sum | cut -c1-16
}

# Runs "$@" with its output prefixed, so long steps show progress: prefix_run LABEL CMD...
prefix_run() {
	local label=$1
	shift
	"$@" 2>&1 | while IFS= read -r line; do
		printf 'lab: [%s %s] %s\n' "$label" "$(elapsed)" "$line" >&2
	done
	return "${PIPESTATUS[0]}"
}

# Keeps the newest $2 entries matching glob $1 in the cache, removes the rest.
prune_cache() {
	local pattern=$1 keep=$2 old
	# shellcheck disable=SC2086 # the pattern is meant to glob
	old=$(ls -1dt $LAB_CACHE/$pattern 2>/dev/null | tail -n +"$((keep + 1))") || true
	if [ -n "$old" ]; then
		while IFS= read -r entry; do
			log "pruning old cache entry $entry"
			rm -rf -- "$entry"
		done <<<"$old"
	fi
}

need_root() {
	[ "$(id -u)" -eq 0 ] || die "$1 needs root (mmdebstrap --mode=root, chroot, xattrs)"
}

need_cmds() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ ${#missing[@]} -eq 0 ] ||
		die "missing host commands: ${missing[*]} (run: scripts/deps.sh vm)"
}
