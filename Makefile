# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# bpf/*.bpf.c --clang--> build/bpf/*.bpf.o --bpftool gen object--> build/avcsnoop.bpf.o
#   --bpftool gen skeleton--> build/avcsnoop.skel.h ; user/*.c --> build/libavc.a --> avcsnoop
# Every C and BPF object writes a dependency file (-MMD -MP), so a header change rebuilds
# exactly what includes it.

OUTPUT ?= build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
# vmlinux.h is generated from the build host's BTF; CO-RE relocates against the running
# kernel's BTF at load time (README: "Why vmlinux.h is generated").
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS ?= -O2 -g
# full RELRO, as Debian's hardening flags ask (lintian: hardening-no-bindnow)
LDFLAGS ?= -Wl,-z,relro -Wl,-z,now
# The one source of the version: `avcsnoop --version` and the Debian package both read it.
VERSION := $(shell cat VERSION)
WARN := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
ALL_CFLAGS := $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Iinclude -Iuser -I$(OUTPUT) -MMD -MP \
	-DAVCSNOOP_VERSION='"$(VERSION)"'
# libsepol.a, not .so: evaluating access on a policy file (sepol_set_policydb, evaluate_conds)
# is only in the static archive, as for audit2why (user/policy.c).
LDLIBS := -lbpf -lelf -lz -lselinux -l:libsepol.a -lm
BPF_CFLAGS := -O2 -g -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -I$(OUTPUT) -Wall \
	-Wno-unused-function -Werror=implicit-function-declaration -MMD -MP

# maps.bpf.c defines what the others declare extern: libbpf 1.1's linker resolves extern maps
# only when the definition comes first.
BPF_SRCS := bpf/maps.bpf.c $(filter-out bpf/maps.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
LIB_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
LIB_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(LIB_SRCS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/unit/%.o,$(UNIT_SRCS))
HOSTHELP_SRCS := $(wildcard tests/host/*.c)
HOSTHELP_BINS := $(patsubst tests/host/%.c,$(OUTPUT)/tests/host/%,$(HOSTHELP_SRCS))
TEST_BPF_SRCS := $(wildcard tests/host/*.bpf.c)
TEST_BPF_OBJS := $(patsubst tests/host/%.bpf.c,$(OUTPUT)/tests/host/%.bpf.o,$(TEST_BPF_SRCS))
HOSTHELP_BINS := $(filter-out %.bpf,$(HOSTHELP_BINS))

Q := $(if $(V),,@)
msg = $(if $(V),,@printf '  %-8s %s\n' "$(1)" "$(2)";)

.PHONY: all deps run demo test unit hosttest policytest vmtest bench bench-recommend bench-policy fuzz clean format format-check lint install deb
all: avcsnoop $(OUTPUT)/avcsnoop.8

deps:
	@./scripts/deps.sh build

$(OUTPUT) $(OUTPUT)/bpf $(OUTPUT)/user $(OUTPUT)/tests/unit $(OUTPUT)/tests/host:
	$(Q)mkdir -p $@

$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)test -r $(VMLINUX_BTF) || { echo "no BTF at $(VMLINUX_BTF): set VMLINUX_BTF=FILE" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(OUTPUT)/bpf/%.bpf.o: bpf/%.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/avcsnoop.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/avcsnoop.skel.h: $(OUTPUT)/avcsnoop.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name avcsnoop_bpf > $@.tmp && mv $@.tmp $@

# Every user object may include the skeleton, so it must exist first (order-only).
$(OUTPUT)/user/%.o: user/%.c | $(OUTPUT)/user $(OUTPUT)/avcsnoop.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# the version is compiled into main.c only
$(OUTPUT)/user/main.o: VERSION

$(OUTPUT)/libavc.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

avcsnoop: $(OUTPUT)/user/main.o $(OUTPUT)/libavc.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- tests ----
$(OUTPUT)/tests/unit/%.o: tests/unit/%.c | $(OUTPUT)/tests/unit $(OUTPUT)/avcsnoop.skel.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -c $< -o $@

$(OUTPUT)/unit-tests: $(UNIT_OBJS) $(OUTPUT)/libavc.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/tests/host/%: tests/host/%.c | $(OUTPUT)/tests/host
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< -lbpf

$(OUTPUT)/tests/host/%.bpf.o: tests/host/%.bpf.c $(OUTPUT)/vmlinux.h | $(OUTPUT)/tests/host
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# A test program that runs the connect path's own code (bpf/common.bpf.h) against the maps
# of bpf/maps.bpf.c: linked and given a skeleton like avcsnoop's.
$(OUTPUT)/tests/host/selstr_leak.linked.o: $(OUTPUT)/bpf/maps.bpf.o $(OUTPUT)/tests/host/selstr_leak.bpf.o
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/tests/host/selstr_leak.skel.h: $(OUTPUT)/tests/host/selstr_leak.linked.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name selstr_leak_bpf > $@.tmp && mv $@.tmp $@

$(OUTPUT)/tests/host/selstr_leak: $(OUTPUT)/tests/host/selstr_leak.skel.h

unit: $(OUTPUT)/unit-tests
	$(Q)$(OUTPUT)/unit-tests

# one suite at a time (make test runs them all through tests/run-all.sh)
hosttest: avcsnoop $(HOSTHELP_BINS) $(TEST_BPF_OBJS)
	$(Q)tests/host/suite.sh

policytest: avcsnoop $(OUTPUT)/unit-tests
	$(Q)tests/policy/suite.sh

test:
	$(Q)./scripts/deps.sh all
	$(Q)$(MAKE) --no-print-directory all deb $(OUTPUT)/unit-tests $(HOSTHELP_BINS) $(TEST_BPF_OBJS) \
		$(POLICY_BINS)
	$(Q)tests/run-all.sh

run: deps
	$(Q)$(MAKE) --no-print-directory all
	./avcsnoop trace $(ARGS)

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(HOSTHELP_BINS) $(OUTPUT)/bench-policy
	$(Q)tests/bench/run.sh

# only the second part of make bench: recommend on 10k-1M-line audit logs (no root needed)
bench-recommend: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/bench/recommend.sh

# only the policy part of make bench: recommend (500 accesses) and preflight (200 sockets) on
# refpolicy and the RHEL 9/10 targeted policies, with the ratios (no root needed)
.PHONY: bench-policies
bench-policies: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/bench/policies.sh

# The man page as installed: docs/avcsnoop.8 with the version of VERSION (never typed twice)
$(OUTPUT)/avcsnoop.8: docs/avcsnoop.8 VERSION | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sed 's/@VERSION@/$(VERSION)/g' docs/avcsnoop.8 > $@.tmp && mv $@.tmp $@

PREFIX ?= /usr/local
install: avcsnoop $(OUTPUT)/avcsnoop.8
	install -D -m 0755 avcsnoop $(DESTDIR)$(PREFIX)/sbin/avcsnoop
	install -D -m 0644 $(OUTPUT)/avcsnoop.8 $(DESTDIR)$(PREFIX)/share/man/man8/avcsnoop.8

# The Debian package (packaging/deb/build.sh): /usr/sbin/avcsnoop, the man page, the systemd
# unit and the Prometheus alerting rules; tests/deb checks it with lintian.
deb: avcsnoop $(OUTPUT)/avcsnoop.8
	$(call msg,DEB,$(OUTPUT)/deb)
	$(Q)MAN_PAGE=$(OUTPUT)/avcsnoop.8 packaging/deb/build.sh avcsnoop $(OUTPUT)/deb

# The RPM for RHEL-family hosts (packaging/rpm/build.sh): a tarball of the tracked files with
# the spec made from packaging/rpm/avcsnoop.spec.in and VERSION, then rpmbuild -ba in a private
# %_topdir under build/rpm (the build, %check's unit tests, the packages), then rpmlint with
# packaging/rpm/rpmlint.toml and avcsnoop.rpmlintrc: build/rpm/avcsnoop-VERSION-1.src.rpm and
# .ARCH.rpm. On Debian (its `rpm` package) the spec's BuildRequires are not installed RPMs, so
# rpmbuild runs with --nodeps there: scripts/deps.sh's Debian packages provide the same tools
# and libraries. tests/rpm checks the result.
.PHONY: rpm
rpm:
	$(call msg,RPM,$(OUTPUT)/rpm)
	$(Q)packaging/rpm/build.sh $(OUTPUT)/rpm

clean:
	rm -rf $(OUTPUT) avcsnoop

FORMAT_SRCS = $(wildcard bpf/*.c bpf/*.h include/*.h user/*.c user/*.h tests/unit/*.c \
	tests/unit/*.h tests/host/*.c tests/fuzz/*.c tests/vm/*.c)
format:
	clang-format -i $(FORMAT_SRCS)

# fails when a file is not formatted as .clang-format says
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# clang-tidy's checks are in .clang-tidy. loader.c includes bpftool's skeleton, whose error
# path frees through bpf_object__destroy_skeleton() in libbpf, which the analyzer cannot see
# (a false "potential leak"): that one check is off for that one file.
# cppcheck: readdir() is reentrant on one DIR * (readdir_r() is deprecated); libbpf's
# iteration macros need its headers.
# The BPF side: the same analyzer, for the BPF target with the BPF build's flags plus -Wextra,
# and its headers (common.bpf.h) checked too; vmlinux.h stays out of the header filter.
TIDY_FLAGS = -- $(filter-out -MMD -MP,$(ALL_CFLAGS))
BPF_TIDY_FLAGS = -- $(filter-out -MMD -MP -g,$(BPF_CFLAGS)) -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers
# One target per file: `make -j lint` (tests/style) checks them on every core.
LINT_DEPS = $(OUTPUT)/avcsnoop.skel.h $(OUTPUT)/vmlinux.h
lint: lint-cppcheck $(addprefix lint-tidy/,$(LIB_SRCS) user/main.c) \
	$(addprefix lint-tidy-bpf/,$(BPF_SRCS) $(TEST_BPF_SRCS))
lint-cppcheck: $(LINT_DEPS)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --library=posix -D__x86_64__ -Iinclude -Iuser -I$(OUTPUT) \
		-I/usr/include/bpf --suppress=missingIncludeSystem --suppress=unknownMacro \
		--suppress=readdirCalled user tests/unit tests/host/selstr_leak.c
lint-tidy/user/loader.c: $(LINT_DEPS)
	clang-tidy --quiet --checks=-clang-analyzer-unix.Malloc user/loader.c $(TIDY_FLAGS)
lint-tidy/%: $(LINT_DEPS)
	clang-tidy --quiet $* $(TIDY_FLAGS)
lint-tidy-bpf/%: $(LINT_DEPS)
	clang-tidy --quiet --header-filter='(include|bpf)/.*\.h$$' $* $(BPF_TIDY_FLAGS)
.PHONY: lint lint-cppcheck

-include $(wildcard tests/*/*.mk)
-include $(wildcard $(OUTPUT)/bpf/*.d $(OUTPUT)/user/*.d $(OUTPUT)/tests/*/*.d)

# make bench's policy part: the cost engine's time on refpolicy, first call vs cached (issue 24:
# timings belong to benchmarks, not to unit tests)
$(OUTPUT)/bench-policy: tests/bench/policy_cost.c $(OUTPUT)/libavc.a | $(OUTPUT)
	$(call msg,LD,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

bench-policy: $(OUTPUT)/bench-policy
	$(Q)$(OUTPUT)/bench-policy
