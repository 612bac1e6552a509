# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Policy tests: small CIL policies compiled by secilc; tests/policy/suite.sh drives
# `avcsnoop recommend` with them and with Debian's refpolicy.
POLICY_CILS := $(filter-out tests/policy/base.cil,$(wildcard tests/policy/*.cil))
POLICY_BINS := $(patsubst tests/policy/%.cil,$(OUTPUT)/tests/policy/%.policy,$(POLICY_CILS))

$(OUTPUT)/tests/policy:
	$(Q)mkdir -p $@

# every test policy is the shared base plus its own rules
$(OUTPUT)/tests/policy/%.policy: tests/policy/%.cil tests/policy/base.cil | $(OUTPUT)/tests/policy
	$(call msg,SECILC,$@)
	$(Q)secilc -M true -o $@ -f /dev/null tests/policy/base.cil $<

.PHONY: policy-tests
policy-tests: $(POLICY_BINS) avcsnoop
