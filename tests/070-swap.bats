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
	# One oracle run and one jq for all 64 (one per page is minutes
	# under TCG); walk answers in the order asked.
	local pages=$BATS_TEST_TMPDIR/pages type off state present wtype woff
	"$PROGS/oracle" --pages "$T_PID" >"$pages"
	i=0
	while read -r state present wtype woff; do
		page=$((va + i * 4096))
		read -r type off < <(awk -v va="$page" '$1 == va && $2 == "S" { print $3, $4 }' "$pages")
		[ -n "$type" ]
		[ "$state" = swap ]
		[ "$present" = false ]
		[ "$wtype" = "$type" ]
		[ "$woff" = "$(printf '0x%x' "$off")" ]
		i=$((i + 1))
	done < <(printf '%s\n' "${lines[@]}" | jq -r '"\(.state) \(.present) \(.swap.type) \(.swap.offset)"')
	[ "$i" -eq 64 ]
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
	[[ "$output" == *"swapped out to $(swap_path "$type") at slot $off (swap type $type, offset $(printf '0x%x' "$off"))"* ]]
}

# The path /proc/swaps gives the area of swap type $1, counted the only way
# /proc/swaps allows (its Nth line), which is right while no slot is free.
swap_path() {
	awk -v n=$(($1 + 2)) 'NR == n { print $1 }' /proc/swaps
}

@test "the swap area is named: the zram device, its type, dev and inode as stat sees them" {
	local va
	addr va "$T_OUT" swapped
	va=$((va + 2 * 4096))
	[ "$(oracle "$T_PID" "$va" swapped)" = 1 ] || skip "the kernel kept the page resident"
	run_cli 0 --json walk "$T_PID" "$va"
	area=$(jfield "$output" .swap.area)
	[[ "$area" == /dev/zram* ]]
	[ "$area" = "$(swap_path "$(jfield "$output" .swap.type)")" ]
	run_cli 0 --json swaps
	[ "$(jq -r --arg a "$area" 'select(.area == $a) | "\(.dev) \(.ino)"' <<<"$output")" = \
	  "$(stat -c '%d %i' "$area")" ]
	[ "$(jq -r --arg a "$area" 'select(.area == $a) | .size_kib' <<<"$output")" = \
	  "$(awk -v a="$area" '$1 == a { print $3 }' /proc/swaps)" ]
}

@test "in_swap_cache: a page another process swapped back in is still in the swap cache, as mincore says" {
	local out va n cached i want
	start_target C --prog nonpresent swapcache 16
	addr va "$C_OUT" swapcache
	n=$(awk '$1 == "pages" { print $2 }' "$C_OUT")
	cached=$(awk '$1 == "mincore" { print $2 }' "$C_OUT")
	[ "${#cached}" = "$n" ]
	# The child read the first half back in; those at least are cached.
	[ "${cached:0:$((n / 2))}" = "$(printf '1%.0s' $(seq $((n / 2))))" ]
	run_cli 0 --json walk "$C_PID" $(for ((i = 0; i < n; i++)); do echo $((va + i * 4096)); done)
	for ((i = 0; i < n; i++)); do
		[ "$(jq -r .state <<<"${lines[i]}")" = swap ]
		want=false
		[ "${cached:i:1}" = 1 ] && want=true
		[ "$(jq -r .swap.in_swap_cache <<<"${lines[i]}")" = "$want" ]
	done
	run_cli 0 walk "$C_PID" "$va"
	[[ "$output" == *", still in the swap cache"* ]]
	[[ "$output" == *"without I/O (a minor fault)"* ]]
	run_cli 0 --json dump "$C_PID" "$va" "$(printf '0x%x' $((va + n * 4096)))"
	[ "$(jq -s '[.[] | select(.type == "run" and .swap.in_swap_cache) | .pages] | add' <<<"$output")" = \
	  "$(tr -cd 1 <<<"$cached" | wc -c)" ]
}

@test "swapped shmem, which pagemap cannot see: ptscope finds every page smaps counts" {
	local name va n kb
	for name in shmem memfd; do
		start_target S --prog nonpresent "$name" 64
		addr va "$S_OUT" "$name"
		n=$(awk '$1 == "pages" { print $2 }' "$S_OUT")
		kb=$(awk -v va="$(printf '%x' "$va")" '
			$1 ~ /^[0-9a-f]+-/ { split($1, r, "-"); inside = (r[1] == va) }
			inside && $1 == "Swap:" { print $2 }' "/proc/$S_PID/smaps")
		[ "$kb" -gt 0 ] || skip "the kernel kept the shmem pages resident"
		# pagemap shows an empty entry: nothing says the page is in swap.
		[ "$(oracle "$S_PID" "$va" swapped)" = 0 ]
		run_cli 0 --json dump "$S_PID" "$va" "$(printf '0x%x' $((va + n * 4096)))"
		[ "$(jq -s '[.[] | select(.type == "run" and .state == "swap" and .swap.shmem) | .pages] | add' <<<"$output")" = $((kb / 4)) ]
		jq -se '[.[] | select(.type == "run" and .state == "swap")][0].swap.area | startswith("/dev/zram")' <<<"$output"
		run_cli 0 --json walk "$S_PID" $(for ((i = 0; i < n; i++)); do echo $((va + i * 4096)); done)
		[ "$(jq -s '[.[] | select(.state == "swap" and .swap.shmem)] | length' <<<"$output")" = $((kb / 4)) ]
		run_cli 0 walk "$S_PID" "$(jq -rs '[.[] | select(.state == "swap")][0].va' <<<"$output")"
		[[ "$output" == *"kept by the shared memory object"* ]]
		kill -9 "$S_PID"
		wait "$S_PID" 2>/dev/null || true
	done
}
