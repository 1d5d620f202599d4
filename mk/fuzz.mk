# SPDX-License-Identifier: GPL-2.0
#
# The module's netlink interface under the structure-aware fuzzer
# (tests/progs/nlfuzz, tests/100-fuzz.bats), at full length, in the VM:
#
#   make fuzz       FUZZ_COUNT messages (a million) as root and a quarter
#                   as an unprivileged user, at 4-level paging and at
#                   5-level with page-table isolation; TAP
#
# FUZZ_SEED picks the inputs (the same seed sends the same messages);
# FUZZ_VM_TIMEOUT bounds each VM run in seconds. `make check` runs the
# same file with a small count.

FUZZ_COUNT ?= 1000000
FUZZ_SEED ?= 1
FUZZ_VM_TIMEOUT ?= 21600

fuzz: deps
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) client progs
	@failed=0; \
	for levels in 4 5; do \
		cmdline=; [ $$levels = 5 ] && cmdline=pti=on; \
		echo "== nlfuzz, $(FUZZ_COUNT) messages, $$levels-level paging$${cmdline:+, $$cmdline}"; \
		tests/vm/run --levels $$levels --cmdline "$$cmdline" --swap 256M \
			--timeout $(FUZZ_VM_TIMEOUT) -- \
			env PTSCOPE_FUZZ_COUNT=$(FUZZ_COUNT) PTSCOPE_FUZZ_SEED=$(FUZZ_SEED) \
			bats --tap tests/100-fuzz.bats || failed=1; \
	done; \
	exit $$failed

.PHONY: fuzz
