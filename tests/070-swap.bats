#!/usr/bin/env bats
# Swapped-out pages, as pagemap reports them: swap type and offset.

load helpers

setup_file() {
	target_suite --no-1g
}

@test "MADV_PAGEOUT: every page is reported swapped, with pagemap's type and offset" {
	local va i page
	addr va "$T_OUT" swapped
	for ((i = 0; i < 64; i++)); do
		page=$((va + i * 4096))
		[ "$(oracle "$T_PID" "$page" swapped)" = 1 ] ||
			skip "the kernel kept page $i resident (pagemap says not swapped)"
	done
	run_cli 0 --json walk "$T_PID" $(for ((i = 0; i < 64; i++)); do echo $((va + i * 4096)); done)
	[ "${#lines[@]}" = 64 ]
	for ((i = 0; i < 64; i++)); do
		page=$((va + i * 4096))
		read -r type off < <("$PROGS/oracle" --pages "$T_PID" |
			awk -v va="$page" '$1 == va && $2 == "S" { print $3, $4 }')
		[ "$(jq -r .state <<<"${lines[i]}")" = swap ]
		[ "$(jq -r .present <<<"${lines[i]}")" = false ]
		[ "$(jq -r .swap.type <<<"${lines[i]}")" = "$type" ]
		[ "$(jq -r .swap.offset <<<"${lines[i]}")" = "$(printf '0x%x' "$off")" ]
	done
}

@test "a dump shows the swapped pages as swap runs, slot for slot" {
	local va
	addr va "$T_OUT" swapped
	[ "$(oracle "$T_PID" "$va" swapped)" = 1 ] || skip "the kernel kept the page resident"
	run_cli 0 --json dump "$T_PID" "$va" "$(printf '0x%x' $((va + 64 * 4096)))"
	[ "$(jq -s '[.[] | select(.type == "run" and .state == "swap") | .pages] | add' <<<"$output")" = 64 ]
	run_cli 0 --json maps "$T_PID"
	[ "$(jq -s '[.[] | select(has("perms")) | .swap] | add' <<<"$output")" -ge $((64 * 4096)) ]
}

@test "touching swapped pages brings them back, at the frames pagemap shows" {
	local va pfn
	addr va "$T_OUT" swapped
	[ "$(oracle "$T_PID" "$va" swapped)" = 1 ] || skip "the kernel kept the page resident"
	# Reading the page through /proc/PID/mem faults it in for the target.
	dd if="/proc/$T_PID/mem" of=/dev/null bs=4096 count=1 skip=$((va / 4096)) 2>/dev/null
	[ "$(oracle "$T_PID" "$va" present)" = 1 ]
	pfn=$(oracle "$T_PID" "$va" pfn)
	run_cli 0 --json walk "$T_PID" "$va"
	[ "$(jq -r .state <<<"$output")" = present ]
	[ "$(jq -r .pfn <<<"$output")" = "$pfn" ]
}

@test "walk says where a swapped page went, in words" {
	local va type off
	addr va "$T_OUT" swapped
	va=$((va + 4096))
	[ "$(oracle "$T_PID" "$va" swapped)" = 1 ] || skip "the kernel kept the page resident"
	read -r type off < <("$PROGS/oracle" --pages "$T_PID" |
		awk -v va="$va" '$1 == va && $2 == "S" { print $3, $4 }')
	run_cli 0 walk "$T_PID" "$va"
	[[ "$output" == *"swapped out: to swap area $type, slot $(printf '0x%x' "$off")"* ]]
}
