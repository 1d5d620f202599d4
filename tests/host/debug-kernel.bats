#!/usr/bin/env bats
# make check-debug's kernel, on the build machine: the options it asks
# for (scripts/check-debug --print-config; the build itself verifies
# them again after olddefconfig).

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup_file() {
	"$REPO/scripts/check-debug" --print-config >"$BATS_FILE_TMPDIR/config"
}

# has OPTION=VALUE...: each line is in the config fragment.
has() {
	local want
	for want in "$@"; do
		grep -qx "CONFIG_$want" "$BATS_FILE_TMPDIR/config" ||
			{ echo "no CONFIG_$want in --print-config" >&2; return 1; }
	done
}

@test "the debug kernel gets KASAN (generic, inline), lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, no debug info" {
	has KASAN=y KASAN_GENERIC=y KASAN_INLINE=y PROVE_LOCKING=y DEBUG_ATOMIC_SLEEP=y \
		DEBUG_KMEMLEAK=y UBSAN=y UBSAN_BOUNDS=y DEBUG_INFO_NONE=y
}

@test "the debug kernel builds in what the VM's initramfs would load, and has what the suite uses" {
	# tests/vm/run's initramfs_modules, and zram for --swap.
	has VIRTIO_PCI=y NET_9P_VIRTIO=y 9P_FS=y OVERLAY_FS=y VIRTIO_CONSOLE=y ZRAM=y ZSMALLOC=y
	has X86_5LEVEL=y NUMA=y MIGRATION=y HUGETLBFS=y TRANSPARENT_HUGEPAGE=y MEM_SOFT_DIRTY=y \
		USERFAULTFD=y MEMORY_FAILURE=y KPROBES=y TRACEPOINTS=y MMU_NOTIFIER=y \
		PAGE_TABLE_ISOLATION=y MODULE_UNLOAD=y KALLSYMS_ALL=y MEMCG=y USER_NS=y PID_NS=y
	# Nothing the VM needs is a module.
	! grep -E '^CONFIG_[A-Z0-9_]+=m$' "$BATS_FILE_TMPDIR/config" || false
}
