# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for the client's decoding of kernel replies
# (tests/fuzz/README.md): clang with -fsanitize=fuzzer,address,undefined.
#
#   make fuzz-client        each target for FUZZ_TIME seconds (600), new
#                           inputs kept in build/fuzz/found/TARGET
#   make fuzz-client-check  the regression run: every corpus input, then
#                           FUZZ_SHORT_TIME seconds (30) each; TAP
#   make fuzz-client-coverage   which lines of userspace/ the corpus and
#                           what long runs found reach (llvm-cov)
#   make fuzz-client-build  just the targets, in build/fuzz/
#
# The client's own objects are built again, instrumented, from userspace/
# (all but main.c and err.c); what they call outside the process is
# renamed to the targets' stand-ins: libc and libnl functions by objcopy
# (tests/fuzz/seams.syms), the socket's opening by --wrap. The same build,
# with source-based coverage instead of the sanitizers, in build/fuzz/cov/.

FUZZ_CLIENT_CC ?= clang
FUZZ_CLIENT_OBJCOPY ?= objcopy
FUZZ_CLIENT_DIR := build/fuzz
FUZZ_CLIENT_TARGETS := client watch

FUZZ_CLIENT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CLIENT_COV := -fprofile-instr-generate -fcoverage-mapping
FUZZ_CLIENT_CFLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link \
	-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-DPTSCOPE_VERSION='"$(shell cat VERSION)"' \
	$(shell pkg-config --cflags libnl-genl-3.0)
FUZZ_CLIENT_LIBS := $(shell pkg-config --libs libnl-genl-3.0) -lm
FUZZ_CLIENT_LDFLAGS := -fsanitize=fuzzer -Wl,--wrap=ps_nl_open -Wl,--wrap=ps_nl_close
FUZZ_CLIENT_SRCS := $(filter-out userspace/main.c userspace/err.c,$(wildcard userspace/*.c))

# FUZZ_CLIENT_FLAVOUR DIR, INSTRUMENTATION: the targets in DIR.
define FUZZ_CLIENT_FLAVOUR
$(1)/obj/%.o: userspace/%.c $(wildcard userspace/*.h) module/uapi/ptscope.h \
		tests/fuzz/seams.syms
	@mkdir -p $$(@D)
	$(FUZZ_CLIENT_CC) $(2) $(FUZZ_CLIENT_CFLAGS) -c -o $$@.raw $$<
	$(FUZZ_CLIENT_OBJCOPY) --redefine-syms=tests/fuzz/seams.syms $$@.raw $$@
	rm -f $$@.raw

# libnl's accessors are LGPL code of another style: only the instrumentation.
$(1)/obj/fz-nlshim.o: tests/fuzz/nlshim.c
	@mkdir -p $$(@D)
	$(FUZZ_CLIENT_CC) -g -O1 $(2) -fsanitize=fuzzer-no-link \
		$(shell pkg-config --cflags libnl-genl-3.0) -c -o $$@ $$<

$(1)/obj/fz-%.o: tests/fuzz/%.c tests/fuzz/fuzz.h $(wildcard userspace/*.h)
	@mkdir -p $$(@D)
	$(FUZZ_CLIENT_CC) $(2) $(FUZZ_CLIENT_CFLAGS) -c -o $$@ $$<

$(addprefix $(1)/,$(FUZZ_CLIENT_TARGETS)): $(1)/%: $(1)/obj/fz-%.o \
		$(1)/obj/fz-fuzz.o $(1)/obj/fz-nlshim.o \
		$(patsubst userspace/%.c,$(1)/obj/%.o,$(FUZZ_CLIENT_SRCS))
	$(FUZZ_CLIENT_CC) $(2) $(FUZZ_CLIENT_LDFLAGS) -o $$@.tmp $$^ $(FUZZ_CLIENT_LIBS) && \
		mv -f $$@.tmp $$@
endef

$(eval $(call FUZZ_CLIENT_FLAVOUR,$(FUZZ_CLIENT_DIR),$(FUZZ_CLIENT_SAN)))
$(eval $(call FUZZ_CLIENT_FLAVOUR,$(FUZZ_CLIENT_DIR)/cov,$(FUZZ_CLIENT_COV)))

fuzz-client-build: $(addprefix $(FUZZ_CLIENT_DIR)/,$(FUZZ_CLIENT_TARGETS))

fuzz-client: fuzz-client-build
	tests/fuzz/run --long

fuzz-client-check: fuzz-client-build
	tests/fuzz/run --short

fuzz-client-coverage: $(addprefix $(FUZZ_CLIENT_DIR)/cov/,$(FUZZ_CLIENT_TARGETS))
	tests/fuzz/run --coverage

fuzz-client-clean:
	rm -rf $(FUZZ_CLIENT_DIR)/obj $(FUZZ_CLIENT_DIR)/cov \
		$(addprefix $(FUZZ_CLIENT_DIR)/,$(FUZZ_CLIENT_TARGETS))

.PHONY: fuzz-client fuzz-client-check fuzz-client-build fuzz-client-coverage \
	fuzz-client-clean
