# SPDX-License-Identifier: GPL-2.0
#
# The suite under a debug kernel (scripts/check-debug): Debian's
# linux-source for the release the VM boots, built once (cached in
# ~/.cache/ptscope/debug-kernel/) with KASAN, lockdep, DEBUG_ATOMIC_SLEEP,
# kmemleak and UBSAN, ptscope.ko built against it in build/debug-module.
#
#   make check-debug       the bats suite, the NUMA tests and DEBUG_STRESS
#                          seconds of tests/stress/run, at each of
#                          DEBUG_LEVELS; TAP, "N passed, N failed"; what a
#                          checker reported in build/debug-findings.txt
#   make check-debug DEBUG_LEVELS=4 DEBUG_PARTS=stress
#                          one level, one part (suite, numa, stress, or a
#                          comma-separated list)
#   make debug-kernel      just build the kernel (nice -n 19)
#
# Hours on 2 CPUs (README.md, "Under a debug kernel"); CI leaves it out.

DEBUG_LEVELS ?= 4 5
DEBUG_STRESS ?= 600
DEBUG_PARTS ?= suite,numa,stress

check-debug: deps
	$(MAKE) client progs
	scripts/check-debug --levels "$(DEBUG_LEVELS)" --stress-duration $(DEBUG_STRESS) \
		--only "$(DEBUG_PARTS)"

debug-kernel:
	scripts/check-debug --build

.PHONY: check-debug debug-kernel
