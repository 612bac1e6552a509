# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Policy tests: small CIL policies compiled by secilc, and a recommend driver linked with
# libavc.a (the same code as `avcsnoop recommend`, without the BPF side).
POLICY_CILS := $(filter-out tests/policy/base.cil,$(wildcard tests/policy/*.cil))
POLICY_BINS := $(patsubst tests/policy/%.cil,$(OUTPUT)/tests/policy/%.policy,$(POLICY_CILS))

$(OUTPUT)/tests/policy:
	$(Q)mkdir -p $@

# every test policy is the shared base plus its own rules
$(OUTPUT)/tests/policy/%.policy: tests/policy/%.cil tests/policy/base.cil | $(OUTPUT)/tests/policy
	$(call msg,SECILC,$@)
	$(Q)secilc -M true -o $@ -f /dev/null tests/policy/base.cil $<

$(OUTPUT)/tests/policy/recommend: tests/policy/driver.c $(OUTPUT)/libavc.a | $(OUTPUT)/tests/policy
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: policy-tests
policy-tests: $(POLICY_BINS) $(OUTPUT)/tests/policy/recommend
