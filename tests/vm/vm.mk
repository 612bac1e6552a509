# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The SELinux lab (tests/vm): included by the top Makefile.
#   make vmtest   packages, avcsnoop, then every VM scenario on every lab (tests/vm/suite.sh)
#   make demo     the newcomer's one command: nginx's classic 502 caught live by avcsnoop
#   make vmshell  a root shell (initrc_t) in the lab, on the serial console
# AVC_LAB=debian12|debian13|rhel10 chooses one lab (vmtest: all three by default; demo: the newest).
# The labs' layers are cached in $(AVC_LAB_CACHE) (default /var/cache/avcsnoop-lab).

# the newest Debian lab (tests/vm/labs, version order), unless AVC_LAB names one (rhel10: the
# same demo on RHEL 10's targeted policy, its commands the RHEL user's)
DEMO_LAB = $${AVC_LAB:-$$(tests/vm/lab.sh labs | grep '^debian' | tail -n 1)}

.PHONY: vmbuild vmshell

vmbuild:
	$(Q)./scripts/deps.sh build
	$(Q)./scripts/deps.sh vm
	$(Q)tests/vm/lab.sh build

vmtest:
	$(Q)./scripts/deps.sh build
	$(Q)./scripts/deps.sh vm
	$(Q)$(MAKE) --no-print-directory all deb $(OUTPUT)/tests/host/connector
	$(Q)tests/vm/suite.sh

demo:
	@echo "demo: [1/4] checking packages (installs what is missing)"
	$(Q)./scripts/deps.sh build
	$(Q)./scripts/deps.sh vm
	@echo "demo: [2/4] building avcsnoop"
	$(Q)$(MAKE) --no-print-directory all
	@lab=$(DEMO_LAB); echo "demo: [3/4] building the SELinux lab $$lab: $$(sed -n 's/^# Lab [a-z0-9]*: //p' tests/vm/labs/$$lab.sh 2>/dev/null)"
	@echo "demo:       (first time ~2 minutes, then cached in $${AVC_LAB_CACHE:-/var/cache/avcsnoop-lab})"
	$(Q)AVC_LAB=$(DEMO_LAB) tests/vm/lab.sh build
	@echo "demo: [4/4] booting the lab (software emulation, ~15 s) and running the demo inside"
	$(Q)AVC_LAB=$(DEMO_LAB) tests/vm/lab.sh run tests/vm/guest/demo.sh

vmshell:
	$(Q)tests/vm/lab.sh shell
