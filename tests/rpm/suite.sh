#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The RPM: `make rpm` builds the SRPM and the binary RPM (rpmbuild from Debian's rpm package),
# rpmlint finds no error in them or the spec (its warnings are shown; a filter of
# avcsnoop.rpmlintrc that matches nothing is an error), the binary RPM holds exactly what the
# spec promises, its version is VERSION's and its binary's, its scriptlets do what the systemd
# macros promise on install, upgrade and erase, and the erase removes the watch unit's pins
# (for real where this host can load BPF), the BuildRequires cover the Makefile's libraries and
# tools by their Fedora names, the SRPM carries the spec and the source (with which
# `rpmbuild -ts` works, as a RHEL user runs it), and broken copies of the spec fail: a file left
# out of %files, no License tag, no %license file. No network; ~15 s of CPU.
set -u
cd "$(dirname "$0")/../.."
SUITE=rpm
# shellcheck source=tests/lib/common.sh
. tests/lib/common.sh

for tool in rpmbuild rpmlint rpm2cpio cpio; do
	if ! command -v "$tool" >/dev/null; then
		skipped "the RPM" "$tool is not installed (scripts/deps.sh test installs rpm and rpmlint)"
		finish
	fi
done

if ! out=$(make --no-print-directory rpm 2>"$W/make.err"); then
	bad "make rpm builds the packages" "$out" "$(cat "$W/make.err")"
	finish
fi
version=$(cat VERSION)
arch=$(rpm --eval '%{_arch}')
srpm=$(tail -n 2 <<<"$out" | head -n 1)
brpm=$(tail -n 1 <<<"$out")
if [ "$srpm" = "build/rpm/avcsnoop-$version-1.src.rpm" ] && [ -f "$srpm" ] &&
	[ "$brpm" = "build/rpm/avcsnoop-$version-1.$arch.rpm" ] && [ -f "$brpm" ]; then
	ok "make rpm builds $srpm and $brpm"
else
	bad "make rpm builds the SRPM and the RPM" "$out"
	finish
fi

# rpmlint, with the project's settings and filters: errors fail, warnings are shown
lint() { packaging/rpm/build.sh --rpmlint "$@" >"$W/rpmlint" 2>&1; }
lint "$srpm" "$brpm" build/rpm/avcsnoop.spec
lrc=$?
grep -E ': [EW]: ' "$W/rpmlint" | sed 's/^/     rpmlint: /'
errors=$(grep -c ': E: ' "$W/rpmlint")
if [ "$errors" -eq 0 ] && [ "$lrc" -eq 0 ]; then
	ok "rpmlint: no error in the SRPM, the RPM and the spec ($(grep -c ': W: ' "$W/rpmlint") warning(s))"
else
	bad "rpmlint: no error" "exit $lrc, $errors error(s)"
fi

# what the binary RPM holds: exactly these, with these modes (build-id links aside)
expected() {
	cat <<-'LIST'
		-rw-r--r-- /usr/lib/systemd/system/avcsnoop-watch.service
		-rwxr-xr-x /usr/sbin/avcsnoop
		drwxr-xr-x /usr/share/avcsnoop
		drwxr-xr-x /usr/share/avcsnoop/prometheus
		-rw-r--r-- /usr/share/avcsnoop/prometheus/avcsnoop-alerts.yml
		drwxr-xr-x /usr/share/doc/avcsnoop
		-rw-r--r-- /usr/share/doc/avcsnoop/README.md
		drwxr-xr-x /usr/share/licenses/avcsnoop
		-rw-r--r-- /usr/share/licenses/avcsnoop/copyright
		-rw-r--r-- /usr/share/man/man8/avcsnoop.8.gz
	LIST
}
# holds_expected RPM: 0 when RPM's files are the expected set (the difference in $W/diff)
holds_expected() {
	rpm -qlpv "$1" | awk '{ print $1, $9 }' | grep -v ' /usr/lib/\.build-id' | sort -k2 >"$W/files"
	expected | diff - "$W/files" >"$W/diff"
}
if holds_expected "$brpm"; then
	ok "the RPM holds exactly the binary, the man page, the unit, the alert rules, README and the license"
else
	bad "the RPM holds exactly the expected files" "$(cat "$W/diff")"
fi
ids=$(rpm -qlpv "$brpm" | awk '$1 ~ /^l/ && $9 ~ /^\/usr\/lib\/\.build-id\// { print $11 }')
[ "$ids" = ../../../../usr/sbin/avcsnoop ] && ok "one build-id link, to /usr/sbin/avcsnoop" ||
	bad "one build-id link, to the binary" "$ids"

# the version: one source
mkdir -p "$W/root"
(cd "$W/root" && rpm2cpio "$OLDPWD/$brpm" | cpio -idm --quiet)
pv=$(rpm -qp --qf '%{VERSION}' "$brpm")
bv=$("$W/root/usr/sbin/avcsnoop" --version)
[ -x ./avcsnoop ] || make --no-print-directory avcsnoop >/dev/null 2>&1
tv=$(./avcsnoop --version 2>&1)
if [ "$pv" = "$version" ] && [ "$bv" = "avcsnoop $version" ] && [ "$tv" = "avcsnoop $version" ]; then
	ok "version: the RPM carries $pv, its binary and ./avcsnoop say '$bv', VERSION says $version"
else
	bad "version: one source" "RPM $pv, its binary '$bv', ./avcsnoop '$tv', VERSION $version"
fi
cl=$(rpm -qp --changelog "$brpm" | head -n 1)
[[ $cl == *" - $version-1" ]] && ok "the changelog's entry is $version-1" || bad "the changelog names $version-1" "$cl"

# the files are the project's
zcat "$W/root/usr/share/man/man8/avcsnoop.8.gz" | cmp -s - build/avcsnoop.8 &&
	ok "the man page is build/avcsnoop.8 (docs/avcsnoop.8 with the version)" ||
	bad "the man page is build/avcsnoop.8"
zcat "$W/root/usr/share/man/man8/avcsnoop.8.gz" | grep -qF "\"avcsnoop $version\" \"System Administration\"" &&
	ok "the man page says version $version" || bad "the man page's version is not $version"
cmp -s "$W/root/usr/lib/systemd/system/avcsnoop-watch.service" packaging/avcsnoop-watch.service &&
	cmp -s "$W/root/usr/share/avcsnoop/prometheus/avcsnoop-alerts.yml" packaging/avcsnoop-alerts.yml &&
	ok "the unit and the alert rules are packaging/'s" || bad "the unit and the alert rules are packaging/'s"
# execstart UNIT: its ExecStart, continuation lines joined (a sh -c choosing the filter)
execstart() { sed -n '/^ExecStart=/,/[^\\]$/p' "$1" | tr -d '\\\n\t'; }
exe=$(execstart "$W/root/usr/lib/systemd/system/avcsnoop-watch.service" | grep -o 'exec [^ ]*' | sort -u | cut -d' ' -f2 | tr '\n' ' ')
[ "$exe" = "/usr/sbin/avcsnoop " ] && [ -x "$W/root/usr/sbin/avcsnoop" ] && ok "the unit runs /usr/sbin/avcsnoop, which the RPM holds" ||
	bad "the unit runs the packaged binary" "ExecStart runs: $exe"

# the scriptlets are the systemd macros' shell (not a macro left unexpanded), about the unit
rpm -qp --scripts "$brpm" >"$W/scripts"
# scriptlet NAME: the body of the RPM's scriptlet NAME (postinstall, preuninstall, ...)
scriptlet() { awk -v s="$1" '/scriptlet \(using/ { on = ($1 == s); next } on' "$W/scripts"; }
for s in postinstall preuninstall postuninstall; do
	body=$(scriptlet "$s")
	if grep -q 'avcsnoop-watch.service' <<<"$body" && ! grep -q '%' <<<"$body" &&
		sh -n -c "$body" 2>/dev/null; then
		ok "the $s scriptlet is shell about avcsnoop-watch.service"
	else
		bad "the $s scriptlet" "$body"
	fi
done

# What they do, run with rpm's argument ($1: packages left after the operation): systemctl and
# avcsnoop are stand-ins that log their arguments, the pin directory a temporary one. The
# directory the erase unpins is the one the unit pins in.
pin=$(execstart packaging/avcsnoop-watch.service | sed -n 's/.* --pin \([^ ]*\).*/\1/p')
if [ -n "$pin" ] && grep -q "avcsnoop watch --unpin $pin " <<<"$(scriptlet preuninstall) "; then
	ok "the erase unpins $pin, where the unit pins"
else
	bad "the erase unpins the unit's --pin directory ($pin)" "$(scriptlet preuninstall)"
fi
mkdir -p "$W/bin" "$W/pins"
printf '#!/bin/sh\necho "systemctl $*" >>"%s"\n' "$W/calls" >"$W/bin/systemctl"
printf '#!/bin/sh\necho "avcsnoop $*" >>"%s"\nexit "${AVC_STUB_RC:-0}"\n' "$W/calls" >"$W/bin/avcsnoop"
chmod +x "$W/bin/systemctl" "$W/bin/avcsnoop"
# run_scriptlet NAME ARG [AVCSNOOP [PINDIR]]: its exit status; the calls in $W/calls, stderr in $W/err
run_scriptlet() {
	local body
	body=$(scriptlet "$1" | sed -e "s#/usr/sbin/avcsnoop#${3:-$W/bin/avcsnoop}#g" \
		-e "s#$pin#${4:-$W/pins}#g")
	: >"$W/calls"
	PATH="$W/bin:$PATH" sh -c "$body" "$1" "$2" 2>"$W/err"
}
# expect_calls NAME ARG WHAT CALLS...: the scriptlet NAME with ARG exits 0 and makes exactly CALLS
expect_calls() {
	local name=$1 arg=$2 what=$3 rc
	shift 3
	run_scriptlet "$name" "$arg"
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$(cat "$W/calls")" = "$(printf '%s\n' "$@")" ]; then
		ok "$name $arg ($what): ${*:-nothing}"
	else
		bad "$name $arg ($what): ${*:-nothing}" "exit $rc, calls: $(cat "$W/calls")"
	fi
}
expect_calls postinstall 1 "first install" "systemctl --no-reload preset avcsnoop-watch.service"
expect_calls postinstall 2 "upgrade"
expect_calls preuninstall 0 "erase" "systemctl --no-reload disable --now avcsnoop-watch.service" \
	"avcsnoop watch --unpin $W/pins"
expect_calls preuninstall 1 "upgrade: the pins stay"
expect_calls postuninstall 1 "upgrade" "systemctl try-restart avcsnoop-watch.service"
expect_calls postuninstall 0 "erase"
rmdir "$W/pins"
expect_calls preuninstall 0 "erase, nothing pinned" \
	"systemctl --no-reload disable --now avcsnoop-watch.service"
mkdir "$W/pins"
# an unpin that fails (the packaged binary's own --unpin: not a bpffs) is shown, the erase goes on
if run_scriptlet preuninstall 0 "$W/root/usr/sbin/avcsnoop" &&
	grep -q -- "--unpin $W/pins: not a directory on a bpf filesystem" "$W/err" && [ -d "$W/pins" ]; then
	ok "erase: the packaged binary's --unpin refuses a non-bpffs directory, shown, and the erase goes on"
else
	bad "erase with an --unpin that fails" "exit $?: $(cat "$W/err")"
fi

# The erase for real, where this host can load BPF (root, BTF, a bpffs): the packaged binary
# runs as the unit runs it (watch --pin), stops and leaves its pins (the programs keep counting),
# and the erase scriptlet removes them. Under the host suites' lock: it loads BPF programs.
PINDIR=/sys/fs/bpf/avcsnoop-rpm-test-$$
suite_cleanup() { [ -d "$PINDIR" ] && "$W/root/usr/sbin/avcsnoop" watch --unpin "$PINDIR" 2>/dev/null; }
if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ] ||
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	skipped "erase removes real pins" "needs root, /sys/kernel/btf/vmlinux and a bpffs on /sys/fs/bpf"
elif ! exec {lockfd}>/tmp/avcsnoop-host.lock || ! flock -w 120 "$lockfd"; then
	skipped "erase removes real pins" "the host suites' lock (/tmp/avcsnoop-host.lock) stayed busy for 2 minutes"
else
	AVC=$W/root/usr/sbin/avcsnoop
	if start_avc "$W/pin.out" watch --pin "$PINDIR" 60; then
		stop_avc
		links=$(for f in "$PINDIR"/*; do
			bpftool link show pinned "$f" 2>/dev/null | sed -n 's/^\([0-9]*\): .*/\1/p'
		done)
		if [ -n "$links" ] && run_scriptlet preuninstall 0 "$AVC" "$PINDIR" && [ ! -e "$PINDIR" ]; then
			left=
			for id in $links; do
				bpftool link show id "$id" >/dev/null 2>&1 && left="$left $id"
			done
			# shellcheck disable=SC2086 # the ids on one line
			[ -z "$left" ] && ok "erase: the packaged binary's pins are gone, its links detached (ids $(echo $links))" ||
				bad "erase detaches the pinned links" "left:$left"
		else
			bad "erase removes the pins watch --pin left" "links: $links" "$(cat "$W/err")" \
				"$(ls "$PINDIR" 2>&1)"
		fi
	fi
	AVC=./avcsnoop
	flock -u "$lockfd"
fi

# dependencies: the shared libraries found in the binary; libsepol is linked in statically
rpm -qpR "$brpm" >"$W/requires"
if grep -q '^libbpf\.so\.1()' "$W/requires" && grep -q '^libselinux\.so\.1()' "$W/requires" &&
	! grep -q libsepol "$W/requires"; then
	ok "requires libbpf.so.1 and libselinux.so.1, not libsepol (linked in)"
else
	bad "the RPM's requirements" "$(cat "$W/requires")"
fi

# the build's needs as Fedora/RHEL name their packages: every library the Makefile links
# (LDLIBS) and every tool it runs, in the SRPM's BuildRequires
rpm -qpR "$srpm" | awk '{ print $1 }' >"$W/buildrequires"
declare -A fedora=([-lbpf]=libbpf-devel [-lelf]=elfutils-libelf-devel [-lz]=zlib-devel
	[-lselinux]=libselinux-devel [-l:libsepol.a]=libsepol-static [-lm]=glibc-devel)
missing=
for lib in $(sed -n 's/^LDLIBS := //p' Makefile); do
	want=${fedora[$lib]:-}
	if [ -z "$want" ]; then
		missing="$missing $lib(no Fedora package known to this test: add it to the spec and here)"
	elif [ "$want" != glibc-devel ] && ! grep -qx -- "$want" "$W/buildrequires"; then
		missing="$missing $lib($want)"
	fi
done
for want in make gcc clang bpftool libsepol-devel secilc systemd-rpm-macros; do
	grep -qx -- "$want" "$W/buildrequires" || missing="$missing $want"
done
[ -z "$missing" ] && ok "BuildRequires: every library of LDLIBS and every tool, by its Fedora name" ||
	bad "BuildRequires cover the build" "missing:$missing" "have: $(tr '\n' ' ' <"$W/buildrequires")"
meta=$(rpm -qp --qf '%{LICENSE}|%{RELEASE}|%{ARCH}|[%{SUGGESTS} ]' "$brpm")
want_meta="GPL-2.0-only OR BSD-2-Clause|1|$arch|libselinux-utils policycoreutils policycoreutils-python-utils "
[ "$meta" = "$want_meta" ] && ok "metadata: $meta" || bad "metadata" "got  $meta" "want $want_meta"

# the SRPM: the spec and the source tarball, from which the spec can build again
rpm -qlp "$srpm" >"$W/srpm-files"
if [ "$(cat "$W/srpm-files")" = "$(printf 'avcsnoop-%s.tar.gz\navcsnoop.spec' "$version")" ]; then
	ok "the SRPM holds avcsnoop.spec and avcsnoop-$version.tar.gz"
else
	bad "the SRPM holds the spec and the source" "$(cat "$W/srpm-files")"
fi
mkdir -p "$W/srpm"
(cd "$W/srpm" && rpm2cpio "$OLDPWD/$srpm" | cpio -idm --quiet)
if grep -qx "Version: *$version" "$W/srpm/avcsnoop.spec" && ! grep -q '@[A-Z_]*@' "$W/srpm/avcsnoop.spec"; then
	ok "the SRPM's spec says Version: $version, no placeholder left"
else
	bad "the SRPM's spec carries the version" "$(grep -n 'Version\|@' "$W/srpm/avcsnoop.spec")"
fi
tar -tzf "$W/srpm/avcsnoop-$version.tar.gz" >"$W/tarlist"
missing=
for f in avcsnoop.spec VERSION Makefile packaging/rpm/avcsnoop.spec.in docs/avcsnoop.8 \
	tests/unit/main.c user/main.c bpf/maps.bpf.c; do
	grep -qx "avcsnoop-$version/$f" "$W/tarlist" || missing="$missing $f"
done
[ -z "$missing" ] && ok "the tarball holds the tree under avcsnoop-$version/ with its spec" ||
	bad "the tarball holds the tree and the spec" "missing:$missing"
# the RHEL user's path: rpmbuild -ts finds the spec in the tarball alone
if packaging/rpm/build.sh --rpmbuild build/rpm -ts --define "_srcrpmdir $W/ts" \
	"$W/srpm/avcsnoop-$version.tar.gz" >"$W/ts.log" 2>&1 && [ -f "$W/ts/avcsnoop-$version-1.src.rpm" ]; then
	ok "rpmbuild -ts builds the SRPM from the tarball alone"
else
	bad "rpmbuild -ts on the tarball" "$(tail -n 5 "$W/ts.log")"
fi

# the checks can fail: broken copies of the spec, packaged again from the tree make rpm built
# (rpmbuild -bb --short-circuit: %install and the packaging only)
rebuild() { # rebuild NAME SPEC [ARGS...]: 0 when rpmbuild packages it
	local name=$1 spec=$2
	shift 2
	packaging/rpm/build.sh --rpmbuild build/rpm -bb --short-circuit --noclean \
		--define "_rpmdir $W/$name" "$@" "$spec" >"$W/$name.log" 2>&1
}
sed '/avcsnoop-alerts\.yml$/d' build/rpm/avcsnoop.spec >"$W/nofile.spec"
if ! rebuild nofile "$W/nofile.spec" && grep -q 'Installed (but unpackaged) file(s) found' "$W/nofile.log" &&
	grep -q 'avcsnoop-alerts.yml' "$W/nofile.log"; then
	ok "rpmbuild refuses a spec whose %files leaves the alert rules out"
else
	bad "rpmbuild refuses a spec with a file missing from %files" "$(tail -n 5 "$W/nofile.log")"
fi
sed '/^License:/d' build/rpm/avcsnoop.spec >"$W/nolicense.spec"
lint --ignore-unused-rpmlintrc "$W/nolicense.spec"
lrc=$?
if [ "$lrc" -ne 0 ] && grep -q ': E: .*License field must be present' "$W/rpmlint"; then
	ok "rpmlint refuses a spec without a License tag"
else
	bad "rpmlint refuses a spec without License" "exit $lrc: $(cat "$W/rpmlint")"
fi
sed '/^%license /d' build/rpm/avcsnoop.spec >"$W/nolicfile.spec"
# (the build root still holds the license file the full build put there: not an error here, as
# the file list check is what is tested)
if rebuild nolicfile "$W/nolicfile.spec" --define "_unpackaged_files_terminate_build 0"; then
	b=$(ls "$W"/nolicfile/avcsnoop-*.rpm)
	if ! holds_expected "$b" && grep -q '^< .*/usr/share/licenses/avcsnoop/copyright' "$W/diff"; then
		ok "the file list check refuses an RPM without its %license file"
	else
		bad "the file list check refuses an RPM without %license" "$(cat "$W/diff")"
	fi
else
	bad "a spec without %license still packages" "$(tail -n 5 "$W/nolicfile.log")"
fi
# a filter of avcsnoop.rpmlintrc that matches nothing is an error: one that outlives its reason
# fails (here the spec alone, where the packages' filters have nothing to match)
lint build/rpm/avcsnoop.spec
lrc=$?
if [ "$lrc" -ne 0 ] && grep -q ': E: unused-rpmlintrc-filter "E: no-signature"' "$W/rpmlint"; then
	ok "rpmlint reports a filter of avcsnoop.rpmlintrc that matched nothing as an error"
else
	bad "rpmlint refuses an unused filter" "exit $lrc: $(cat "$W/rpmlint")"
fi
finish
