#!/usr/bin/env bats
# ptscope walk against the kernel's other witnesses: /proc/PID/pagemap for
# frames and presence, /proc/PID/smaps for page sizes, /proc/PID/maps and
# /proc/PID/stat for VMAs and layout anchors.

load helpers

setup_file() {
	target_suite
}

# walk_json NAME: sets VA and JSON for the target's mapping NAME.
walk_json() {
	addr VA "$T_OUT" "$1"
	run_cli 0 --json walk "$T_PID" "$VA"
	JSON=$output
}

# The frame ptscope reports is the one pagemap reports, and phys follows.
same_frame_as_pagemap() {
	local pfn
	[ "$(oracle "$T_PID" "$VA" present)" = 1 ]
	pfn=$(oracle "$T_PID" "$VA" pfn)
	[ "$pfn" -gt 0 ]
	[ "$(jfield "$JSON" .pfn)" = "$pfn" ]
	[ "$(jfield "$JSON" .phys)" = "$(printf '0x%x' $((pfn * 4096 + (VA & 4095))))" ]
	[ "$(jfield "$JSON" .present)" = true ]
}

levels_are() {
	[ "$(jfield "$JSON" '[.levels[].level] | join(",")')" = "$1" ]
}

full_path() {
	if [ "$(expected_levels)" = 5 ]; then echo "pgd,p4d,pud,pmd,pte"; else echo "pgd,pud,pmd,pte"; fi
}

@test "the paging mode ptscope reports is the one the CPU flags show" {
	walk_json anon4k
	[ "$(jfield "$JSON" .paging_levels)" = "$(expected_levels)" ]
	if [ -n "${PTSCOPE_EXPECT_LEVELS:-}" ]; then
		[ "$(jfield "$JSON" .paging_levels)" = "$PTSCOPE_EXPECT_LEVELS" ]
	fi
}

@test "written anonymous 4 KiB pages: same frame as pagemap, one entry per level" {
	walk_json anon4k
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .page_size)" = 4096 ]
	[ "$(oracle "$T_PID" "$VA" kernel_page_kb)" = 4 ]
	levels_are "$(full_path)"
	[ "$(jfield "$JSON" '.levels | length')" = "$(expected_levels)" ]
	[ "$(jfield "$JSON" .state)" = present ]
	jfield "$JSON" '.flags | index("P") and index("RW") and index("US") and index("D")'
	walk_json anon4k_last
	same_frame_as_pagemap
}

@test "each level's index is the address's bits at that level's shift" {
	local shifts i idx
	walk_json anon4k
	if [ "$(expected_levels)" = 5 ]; then shifts=(48 39 30 21 12); else shifts=(39 30 21 12); fi
	for i in "${!shifts[@]}"; do
		idx=$(( (VA >> shifts[i]) & 511 ))
		[ "$(jfield "$JSON" ".levels[$i].index")" = "$idx" ]
	done
}

@test "a read-only file mapping: same frame as pagemap, named by its file" {
	walk_json file_ro
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .vma.perms)" = "r--p" ]
	[[ "$(jfield "$JSON" .vma.name)" == /tmp/ptscope-target-*"(deleted)" ]]
	jfield "$JSON" '.flags | index("RW") | not'
}

@test "a THP-backed 2 MiB region: a pmd leaf, same frame as pagemap" {
	walk_json thp
	[ "$(oracle "$T_PID" "$VA" anon_huge_kb)" -ge 2048 ] ||
		skip "the kernel did not back the region with a THP (smaps AnonHugePages is 0)"
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .page_size)" = 2097152 ]
	levels_are "$(full_path | sed 's/,pte$//')"
	jfield "$JSON" '.flags | index("PS")'
}

@test "a hugetlb 2 MiB page: a pmd leaf, the size smaps reports" {
	walk_json huge2m
	same_frame_as_pagemap
	[ "$(oracle "$T_PID" "$VA" kernel_page_kb)" = 2048 ]
	[ "$(jfield "$JSON" .page_size)" = 2097152 ]
	levels_are "$(full_path | sed 's/,pte$//')"
}

@test "a hugetlb 1 GiB page: a pud leaf, the size smaps reports" {
	walk_json huge1g
	same_frame_as_pagemap
	[ "$(oracle "$T_PID" "$VA" kernel_page_kb)" = 1048576 ]
	[ "$(jfield "$JSON" .page_size)" = 1073741824 ]
	levels_are "$(full_path | sed 's/,pmd,pte$//')"
}

@test "never-touched anonymous memory is not present, at the level that is empty" {
	local n last
	walk_json untouched
	[ "$(oracle "$T_PID" "$VA" present)" = 0 ]
	[ "$(jfield "$JSON" .present)" = false ]
	[ "$(jfield "$JSON" .state)" = none ]
	[ "$(jfield "$JSON" .pfn)" = null ]
	[ "$(jfield "$JSON" .page_size)" = null ]
	n=$(jfield "$JSON" '.levels | length')
	last=$((n - 1))
	[ "$(jfield "$JSON" ".levels[$last].entry")" = 0x0 ]
	[ "$(jfield "$JSON" ".levels[$last].kind")" = none ]
	for ((i = 0; i < last; i++)); do
		[ "$(jfield "$JSON" ".levels[$i].kind")" = table ]
	done
	[ "$(jfield "$JSON" .vma.name)" = "[anon]" ]
}

@test "a PROT_NONE page keeps its frame: same as pagemap, PROTNONE not P" {
	walk_json protnone
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .state)" = protnone ]
	[ "$(jfield "$JSON" .vma.perms)" = "---p" ]
	jfield "$JSON" '.flags | index("PROTNONE")'
	jfield "$JSON" '.flags | index("P") | not'
}

@test "the stack, text, data, bss and heap: same frames as pagemap, named as in maps" {
	walk_json stack
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .vma.name)" = "[stack]" ]
	walk_json text
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .vma.perms)" = "r-xp" ]
	[ "$(jfield "$JSON" .vma.name)" = "$BIN/target" ]
	jfield "$JSON" '.flags | index("NX") | not'
	walk_json data
	same_frame_as_pagemap
	walk_json bss
	same_frame_as_pagemap
	walk_json heap
	same_frame_as_pagemap
	[ "$(jfield "$JSON" .vma.name)" = "[heap]" ]
}

@test "the VMA ptscope reports is the line of /proc/PID/maps that holds the address" {
	local start end
	walk_json anon4k
	while read -r range _; do
		start=$((16#${range%-*}))
		end=$((16#${range#*-}))
		if ((VA >= start && VA < end)); then break; fi
	done <"/proc/$T_PID/maps"
	[ "$(jfield "$JSON" .vma.start)" = "$(printf '0x%x' "$start")" ]
	[ "$(jfield "$JSON" .vma.end)" = "$(printf '0x%x' "$end")" ]
}

@test "an address outside every VMA is reported unmapped, exit status 3" {
	addr VA "$T_OUT" unmapped
	run_cli 3 --json walk "$T_PID" "$VA"
	JSON=$(head -n 1 <<<"$output")
	[ "$(jfield "$JSON" .state)" = unmapped ]
	[ "$(jq -r .vma <<<"$JSON")" = null ]
	[ "$(jq -r '.levels | length' <<<"$JSON")" = 0 ]
	[[ "$output" == *"is not mapped in process $T_PID"* ]]
}

@test "several addresses in one call come back in order, one JSON object each" {
	local a b c
	addr a "$T_OUT" anon4k
	addr b "$T_OUT" stack
	addr c "$T_OUT" text
	run_cli 0 --json walk "$T_PID" "$a" "$b" "$c"
	[ "${#lines[@]}" = 3 ]
	[ "$(jfield "${lines[0]}" .va)" = "$a" ]
	[ "$(jfield "${lines[1]}" .va)" = "$b" ]
	[ "$(jfield "${lines[2]}" .va)" = "$c" ]
}

@test "10,000 addresses in one command are answered in order, across requests" {
	local base args=() out=$BATS_TEST_TMPDIR/out
	addr base "$T_OUT" anon4k
	for ((i = 0; i < 10000; i++)); do args+=($((base + (i % 16) * 4096))); done
	# Not `run`: splitting 10,000 lines into $lines is slow under emulation.
	timeout 120 "$PTSCOPE" --json walk "$T_PID" "${args[@]}" >"$out"
	[ "$(wc -l <"$out")" = 10000 ]
	[ "$(grep -c '"state":"present"' "$out")" = 10000 ]
	[ "$(tail -n 1 "$out" | jq -r .va)" = "$(printf '0x%x' $((base + 15 * 4096)))" ]
	[ "$(sed -n 1024p "$out" | jq -r .va)" = "$(printf '0x%x' $((base + 1023 % 16 * 4096)))" ]
	[ "$(sed -n 1025p "$out" | jq -r .va)" = "$(printf '0x%x' $((base + 1024 % 16 * 4096)))" ]
}

@test "symbolic addresses resolve to what /proc/PID/stat and maps say" {
	local stat_stack stat_brk vdso libc
	read -r -a f <<<"$(sed 's/.*) //' "/proc/$T_PID/stat")"
	# proc(5) field N is f[N-3] once the name is cut off.
	stat_stack=${f[28 - 3]}
	stat_brk=${f[47 - 3]}
	run_cli 0 --json walk "$T_PID" stack heap '[vdso]' libc 'stack+0x10'
	[ "$(jfield "${lines[0]}" .va)" = "$(printf '0x%x' "$stat_stack")" ]
	[ "$(jfield "${lines[1]}" .va)" = "$(printf '0x%x' "$stat_brk")" ]
	[ "$(jfield "${lines[0]}" .vma.name)" = "[stack]" ]
	[ "$(jfield "${lines[1]}" .vma.name)" = "[heap]" ]
	vdso=$(awk '$6 == "[vdso]" { split($1, r, "-"); print "0x" r[1]; exit }' "/proc/$T_PID/maps")
	[ "$(jfield "${lines[2]}" .va)" = "$vdso" ]
	libc=$(awk '$6 ~ /\/libc[.-]/ { split($1, r, "-"); print "0x" r[1]; exit }' "/proc/$T_PID/maps")
	[ "$(jfield "${lines[3]}" .va)" = "$libc" ]
	[ "$(jfield "${lines[4]}" .va)" = "$(printf '0x%x' $((stat_stack + 16)))" ]
}

@test "walk prints a level table, the page size and the pagemap frame for people" {
	local pfn
	addr VA "$T_OUT" anon4k
	pfn=$(oracle "$T_PID" "$VA" pfn)
	run_cli 0 walk "$T_PID" "$VA"
	[[ "$output" == *"level  index  entry"* ]]
	[[ "$output" == *"pfn $(printf '0x%x' "$pfn")"* ]]
	[[ "$output" == *"page 4 KiB"* ]]
	grep -E '^  pte +[0-9]+  0x[0-9a-f]{16}  P RW US' <<<"$output"
	[[ "$output" != *$'\033['* ]]
}

@test "explain cuts the address into indices and ends at the pagemap frame" {
	local pfn phys idx
	addr VA "$T_OUT" anon4k_last
	pfn=$(oracle "$T_PID" "$VA" pfn)
	phys=$(printf '0x%x' $((pfn * 4096 + (VA & 4095))))
	run_cli 0 explain "$T_PID" "$VA"
	[[ "$output" == *"physical address = page $(printf '0x%x' $((pfn * 4096))) + offset $(printf '0x%x' $((VA & 4095))) = $phys"* ]]
	idx=$(( (VA >> 12) & 511 ))
	[[ "$output" == *"pte[$idx]"* ]]
	grep -E "^  value +=bit $(( $(expected_levels) * 9 + 11 ))" <<<"$output"
	[[ "$output" == *"CR3 -> pgd table at physical 0x"* ]]
}

@test "explain on a 1 GiB page says the pud entry maps the page directly" {
	addr VA "$T_OUT" huge1g
	run_cli 0 explain "$T_PID" "$VA"
	[[ "$output" == *"PS is set: this entry maps a 1 GiB page directly"* ]]
	grep -E '^  field +sign +pgd( +p4d)? +pud +offset *$' <<<"$output"
}

@test "colour only when asked on a pipe, never with NO_COLOR" {
	addr VA "$T_OUT" anon4k
	run_cli 0 --color=always walk "$T_PID" "$VA"
	[[ "$output" == *$'\033['* ]]
	NO_COLOR=1 run timeout 60 "$PTSCOPE" --color=always walk "$T_PID" "$VA"
	[ "$status" -eq 0 ]
	[[ "$output" != *$'\033['* ]]
}

@test "the demo explains a live process's code, heap and stack" {
	run timeout 300 "$REPO/scripts/demo"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^### ptscope explain' <<<"$output")" = 3 ]
	[ "$(grep -c 'physical address = page 0x' <<<"$output")" = 3 ]
	[[ "$output" == *'"state":"present"'* ]]
}

@test "with page-table isolation, the top level is the copy user mode runs on" {
	grep -qw pti /proc/cpuinfo || skip "page-table isolation is off (boot with pti=on)"
	walk_json text
	# The kernel's copy of a user pgd entry carries NX under PTI; the user
	# copy, which CR3 holds while this code runs, must not, or no user
	# code could execute.
	[ $(( $(jfield "$JSON" '.levels[0].entry') >> 63 )) -eq 0 ]
	jfield "$JSON" '.flags | index("NX") | not'
	same_frame_as_pagemap
}
