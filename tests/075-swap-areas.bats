#!/usr/bin/env bats
# A swap type names its area even after swapoff left a free slot, where the
# Nth line of /proc/swaps is no longer type N. Changes the machine's swap
# areas, and puts them back.

load helpers

setup_file() {
	require_module
	install_bins
}

teardown_file() {
	local dev
	stop_targets
	dev=$(cat "$BATS_FILE_TMPDIR/zram" 2>/dev/null) || return 0
	grep -q '^/dev/zram0 ' /proc/swaps || swapon /dev/zram0
	swapoff "/dev/zram$dev" 2>/dev/null || true
	echo "$dev" >/sys/class/zram-control/hot_remove
}

@test "after a swapoff frees type 0, swap type and area still match, where /proc/swaps' order does not" {
	local dev va type off
	grep -q '^/dev/zram0 ' /proc/swaps || skip "no zram swap (tests/vm/run --swap SIZE)"
	[ -w /sys/class/zram-control/hot_add ] || skip "no zram-control to add a second device"
	dev=$(cat /sys/class/zram-control/hot_add)
	echo "$dev" >"$BATS_FILE_TMPDIR/zram"
	echo 64M >"/sys/block/zram$dev/disksize"
	mkswap "/dev/zram$dev" >/dev/null
	swapon -p 100 "/dev/zram$dev"
	swapoff /dev/zram0

	# Now the first (only) area /proc/swaps lists is not type 0.
	[ "$(awk 'NR == 2 { print $1 }' /proc/swaps)" = "/dev/zram$dev" ]
	start_target R --no-1g
	addr va "$R_OUT" swapped
	[ "$(oracle "$R_PID" "$va" swapped)" = 1 ] || skip "the kernel kept the page resident"
	read -r type off < <("$PROGS/oracle" --pages "$R_PID" |
		awk -v va="$va" '$1 == va && $2 == "S" { print $3, $4 }')
	[ "$type" != 0 ]

	run_cli 0 --json walk "$R_PID" "$va"
	[ "$(jfield "$output" .swap.type)" = "$type" ]
	[ "$(jfield "$output" .swap.area)" = "/dev/zram$dev" ]
	run_cli 0 --json swaps
	[ "$(jq -r "select(.type == $type) | .area" <<<"$output")" = "/dev/zram$dev" ]
	[ "$(jq -s 'map(select(.type == 0)) | length' <<<"$output")" = 0 ]
	run_cli 0 walk "$R_PID" "$va"
	[[ "$output" == *"swapped out to /dev/zram$dev at slot $off (swap type $type,"* ]]
	run_cli 0 swaps
	[[ "$output" == *"/dev/zram$dev"* ]]
}
