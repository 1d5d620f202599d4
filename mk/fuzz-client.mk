# SPDX-License-Identifier: GPL-2.0
#
# libFuzzer targets for the client's decoding of kernel replies
# (tests/fuzz/README.md): clang with -fsanitize=fuzzer,address,undefined.
#
#   make fuzz-client        each target for FUZZ_TIME seconds (600), new
#                           inputs kept in build/fuzz/found/TARGET
#   make fuzz-client-check  the regression run: every corpus input, then
#                           FUZZ_SHORT_TIME seconds (30) each; TAP
#   make fuzz-client-build  just the targets, in build/fuzz/
#
# The client's own objects are built again, instrumented, from userspace/
# (all but main.c and err.c); what they call outside the process is
# renamed to the targets' stand-ins: libc and libnl functions by objcopy
# (tests/fuzz/seams.syms), the socket's opening by --wrap.

FUZZ_CLIENT_CC ?= clang
FUZZ_CLIENT_OBJCOPY ?= objcopy
FUZZ_CLIENT_DIR := build/fuzz
FUZZ_CLIENT_TARGETS := client watch
FUZZ_CLIENT_BINS := $(addprefix $(FUZZ_CLIENT_DIR)/,$(FUZZ_CLIENT_TARGETS))

FUZZ_CLIENT_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CLIENT_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_CLIENT_SAN) \
	-fsanitize=fuzzer-no-link -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	-DPTSCOPE_VERSION='"$(shell cat VERSION)"' \
	$(shell pkg-config --cflags libnl-genl-3.0)
FUZZ_CLIENT_LIBS := $(shell pkg-config --libs libnl-genl-3.0) -lm
FUZZ_CLIENT_LDFLAGS := -fsanitize=fuzzer $(FUZZ_CLIENT_SAN) \
	-Wl,--wrap=ps_nl_open -Wl,--wrap=ps_nl_close

FUZZ_CLIENT_SRCS := $(filter-out userspace/main.c userspace/err.c,$(wildcard userspace/*.c))
FUZZ_CLIENT_OBJS := $(patsubst userspace/%.c,$(FUZZ_CLIENT_DIR)/obj/%.o,$(FUZZ_CLIENT_SRCS))
FUZZ_CLIENT_COMMON := $(FUZZ_CLIENT_DIR)/obj/fz-fuzz.o $(FUZZ_CLIENT_DIR)/obj/fz-nlshim.o

fuzz-client-build: $(FUZZ_CLIENT_BINS)

fuzz-client: fuzz-client-build
	tests/fuzz/run --long

fuzz-client-check: fuzz-client-build
	tests/fuzz/run --short

# Instrumented, then its calls out of the process renamed.
$(FUZZ_CLIENT_DIR)/obj/%.o: userspace/%.c $(wildcard userspace/*.h) \
		module/uapi/ptscope.h tests/fuzz/seams.syms
	@mkdir -p $(@D)
	$(FUZZ_CLIENT_CC) $(FUZZ_CLIENT_CFLAGS) -c -o $@.raw $<
	$(FUZZ_CLIENT_OBJCOPY) --redefine-syms=tests/fuzz/seams.syms $@.raw $@
	rm -f $@.raw

# libnl's accessors are LGPL code of another style: only the sanitizers.
$(FUZZ_CLIENT_DIR)/obj/fz-nlshim.o: tests/fuzz/nlshim.c
	@mkdir -p $(@D)
	$(FUZZ_CLIENT_CC) -g -O1 -fno-omit-frame-pointer $(FUZZ_CLIENT_SAN) \
		-fsanitize=fuzzer-no-link $(shell pkg-config --cflags libnl-genl-3.0) \
		-c -o $@ $<

$(FUZZ_CLIENT_DIR)/obj/fz-%.o: tests/fuzz/%.c tests/fuzz/fuzz.h $(wildcard userspace/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CLIENT_CC) $(FUZZ_CLIENT_CFLAGS) -c -o $@ $<

$(FUZZ_CLIENT_BINS): $(FUZZ_CLIENT_DIR)/%: $(FUZZ_CLIENT_DIR)/obj/fz-%.o $(FUZZ_CLIENT_COMMON) \
		$(FUZZ_CLIENT_OBJS)
	$(FUZZ_CLIENT_CC) $(FUZZ_CLIENT_LDFLAGS) -o $@.tmp $^ $(FUZZ_CLIENT_LIBS) && mv -f $@.tmp $@

fuzz-client-clean:
	rm -rf $(FUZZ_CLIENT_DIR)/obj $(FUZZ_CLIENT_BINS)

.PHONY: fuzz-client fuzz-client-check fuzz-client-build fuzz-client-clean
