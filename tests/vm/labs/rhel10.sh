# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Lab rhel10: the users' policy. Debian 13's guest and kernel 6.12 (the kernel series RHEL 10
# ships) with SELINUXTYPE=targeted from ../shared/targeted/rhel10-targeted.tar.xz, the RHEL 10
# era selinux-policy built from its public sources (shared/targeted/README.md): binary policy,
# file_contexts and the semanage store, so semanage, setsebool -P and semodule work in the
# guest. The image layer (lib/image.sh) installs it over the rootfs and labels the files from
# its file_contexts; the archive's sha256 is part of that layer's key.
# A lab definition: what lib/*.sh build for AVC_LAB=rhel10 (sourced, not executed).

# shellcheck source=debian13.sh
. "$LAB_DIR/labs/debian13.sh"
# The rootfs is debian13's own layer (same suite and packages: one mmdebstrap serves both labs;
# Debian's refpolicy stays installed beside targeted, its tools depend on a policy package).
LAB_ROOTFS=debian13
# scripts/targeted.sh NAME: the policy the image boots with (none: the suite's own refpolicy)
LAB_TARGETED=rhel10
# Scenarios that prove the kernel and not the policy (capabilities, the fallback without the
# audit tracepoint, refused, io_uring, cgroup attribution) run on debian13's identical kernel:
# here they are N/A with this reason, which keeps three labs inside CI's time.
LAB_KERNEL_NA="same 6.12 kernel as the debian13 lab"
