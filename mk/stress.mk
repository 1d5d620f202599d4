# SPDX-License-Identifier: GPL-2.0
#
# The stress test for longer than the suite gives it (tests/120-stress.bats
# runs it for two minutes): tests/stress/run in the VM, with zram swap,
# 4-level paging, then 5-level with page-table isolation.
#
#   make stress                         10 minutes each, 16 clients
#   make stress STRESS_DURATION=1800 STRESS_CLIENTS=24
#
# Each run prints its summary, the failing commands and TAP; the target
# fails if either run does (a kernel warning fails the VM run as well).
# Single-threaded TCG: see tests/vm/run's PTSCOPE_VM_ACCEL.

STRESS_DURATION ?= 600
STRESS_CLIENTS ?= 16

stress: deps
	$(MAKE) module KDIR=$(VM_KDIR)
	$(MAKE) client progs
	@status=0; \
	for levels in 4 5; do \
		cmdline=; [ $$levels = 5 ] && cmdline=pti=on; \
		echo "== stress, $$levels-level paging$${cmdline:+, $$cmdline}"; \
		PTSCOPE_VM_ACCEL=tcg-single tests/vm/run --levels $$levels --swap 256M --cmdline "$$cmdline" \
			--timeout $$(($(STRESS_DURATION) + 900)) -- \
			tests/stress/run --duration $(STRESS_DURATION) \
			--clients $(STRESS_CLIENTS) || status=1; \
	done; \
	exit $$status

.PHONY: stress
