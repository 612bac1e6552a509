# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# libFuzzer targets: the two parsers, nginx's configuration reader, and the advice (parse -> recommend on a CIL policy ->
# text and JSON, checked for the argv property of issue 8). `make fuzz` runs each for FUZZ_TIME
# seconds; tests/fuzz/suite.sh (run by `make test`) runs each briefly on the committed corpus.
FUZZ_CC ?= clang
FUZZ_TIME ?= 600
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser
# the findings reader and writer alone: the ground floor (context.c), no policy, no libsepol
FUZZ_FINDINGS_SRCS := user/findings_io.c user/json.c user/escape.c user/verdict.c \
	user/context.c user/log.c user/json_read.c user/attrib.c
FUZZ_COMMON := $(FUZZ_FINDINGS_SRCS) user/policy.c user/policy_cost.c user/policy_relabel.c \
	user/recommend.c user/command.c user/arena.c \
	user/finding_set.c user/advice_out.c user/util.c
FUZZ_ADVICE_SRCS := $(FUZZ_COMMON) user/auditlog.c
FUZZ_POLICY := $(OUTPUT)/fuzz/bool_gate.policy
FUZZ_TARGETS := $(OUTPUT)/fuzz/fuzz_auditlog $(OUTPUT)/fuzz/fuzz_findings \
	$(OUTPUT)/fuzz/fuzz_advice $(OUTPUT)/fuzz/fuzz_nginx_conf
FUZZ_NAMES := auditlog findings advice nginx_conf

$(OUTPUT)/fuzz:
	$(Q)mkdir -p $@

$(OUTPUT)/fuzz/fuzz_auditlog: tests/fuzz/fuzz_auditlog.c user/auditlog.c user/auditlog.h \
		user/finding.h | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_auditlog.c user/auditlog.c

$(OUTPUT)/fuzz/fuzz_findings: tests/fuzz/fuzz_findings.c $(FUZZ_FINDINGS_SRCS) user/findings_io.h \
		user/finding.h user/context.h | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_findings.c $(FUZZ_FINDINGS_SRCS)

# the advice target reasons about a real policy: the unit tests' CIL, compiled once
$(FUZZ_POLICY): tests/policy/bool_gate.cil tests/policy/base.cil | $(OUTPUT)/fuzz
	$(call msg,SECILC,$@)
	$(Q)secilc -M true -o $@ -f /dev/null tests/policy/base.cil tests/policy/bool_gate.cil

$(OUTPUT)/fuzz/fuzz_advice: tests/fuzz/fuzz_advice.c $(FUZZ_ADVICE_SRCS) user/recommend.h user/advice_out.h \
		user/command.h user/findings_io.h user/auditlog.h user/finding.h user/policy.h \
		$(FUZZ_POLICY) | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_POLICY='"$(abspath $(FUZZ_POLICY))"' -o $@ \
		tests/fuzz/fuzz_advice.c $(FUZZ_ADVICE_SRCS) -lselinux -l:libsepol.a

$(OUTPUT)/fuzz/fuzz_nginx_conf: tests/fuzz/fuzz_nginx_conf.c user/nginx_conf.c user/nginx_conf.h \
		user/escape.c | $(OUTPUT)/fuzz
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_nginx_conf.c user/nginx_conf.c \
		user/escape.c

.PHONY: fuzz-build
fuzz-build: $(FUZZ_TARGETS)

# new inputs go to build/fuzz/corpus-*, the committed seeds stay as they are
fuzz: $(FUZZ_TARGETS)
	$(Q)for t in $(FUZZ_NAMES); do \
		mkdir -p $(OUTPUT)/fuzz/corpus-$$t; \
		maxlen=4096; [ $$t = nginx_conf ] && maxlen=65536; \
		$(OUTPUT)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=$$maxlen \
			$(OUTPUT)/fuzz/corpus-$$t tests/fuzz/corpus/$$t || exit 1; \
	done
