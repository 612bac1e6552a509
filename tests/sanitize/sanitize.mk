# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The sanitizer build: every user/*.c, the unit tests and the fuzz targets compiled with
# AddressSanitizer (LeakSanitizer included) and UndefinedBehaviorSanitizer into SAN_OUTPUT, with
# its own BPF skeleton and its own binary, SAN_OUTPUT/avcsnoop: ./avcsnoop and build/ are not
# touched. tests/sanitize/suite.sh (run by `make test`) builds it with `make san-build` and runs
# the unit tests, the fuzz smoke and the policy suite on it.
SAN_OUTPUT ?= build-san
SAN_CC ?= clang
SAN_CFLAGS ?= -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

# the binary of a build that is not the default one lives inside its build directory
$(SAN_OUTPUT)/avcsnoop: $(SAN_OUTPUT)/user/main.o $(SAN_OUTPUT)/libavc.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: san-build clean-san
san-build:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_OUTPUT) CC=$(SAN_CC) CFLAGS="$(SAN_CFLAGS)" \
		$(SAN_OUTPUT)/avcsnoop $(SAN_OUTPUT)/unit-tests fuzz-build

clean: clean-san
clean-san:
	rm -rf $(SAN_OUTPUT)
