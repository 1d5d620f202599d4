#!/usr/bin/env bats
# Load and faults: tests/stress/run for a bounded time. Sixteen clients
# walk, dump and watch processes that map, protect, remap and unmap
# memory, make, split and collapse THPs, fork, exec and exit, while reclaim
# swaps them out and the module is unloaded and loaded again. `make
# stress` runs the same for ten minutes at both paging levels.

load helpers

setup_file() {
	require_module
}

teardown() {
	[ -d /sys/module/ptscope ] || insmod "$MODULE"
	check_dmesg
}

@test "sixteen clients against churning, swapping processes while the module reloads: clean ends, counts that add up, nothing left behind" {
	# scripts/check runs it in a VM of its own (single-threaded TCG).
	[ "${PTSCOPE_STRESS_HERE:-}" = 1 ] || skip "run alone: PTSCOPE_VM_ACCEL=tcg-single PTSCOPE_STRESS_HERE=1 tests/vm/run --swap 256M -- bats tests/120-stress.bats"
	grep -q '^/' /proc/swaps || skip "no swap in this VM (tests/vm/run --swap 256M)"
	run timeout 900 "$REPO/tests/stress/run" --clients 16 \
		--duration "${PTSCOPE_STRESS_DURATION:-120}"
	# The numbers, in the TAP stream even when it passes.
	grep '^#' <<<"$output" | grep -v '^# FAILED\|^#   ' >&3 || true
	echo "$output"
	[ "$status" -eq 0 ]
}
