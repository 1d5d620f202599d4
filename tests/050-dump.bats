#!/usr/bin/env bats
# ptscope dump and maps against the kernel's other witnesses: pagemap page
# by page, smaps_rollup for residency, VmPTE for the page tables.

load helpers

setup_file() {
	target_suite --no-1g
}

# jq cannot read hex; user addresses and frames fit a double exactly.
JQ_HEX='def hex: ltrimstr("0x") | explode | reduce .[] as $c (0; . * 16 +
	(if $c >= 97 then $c - 87 elif $c >= 65 then $c - 55 else $c - 48 end));'

# runs_to_pages FILE: ptscope dump --json runs as "VA P PFN" / "VA S TYPE OFF".
runs_to_pages() {
	jq -r "$JQ_HEX"'
		select(.type == "run") |
		(.page_size / 4096) as $sub |
		if .state == "present" or .state == "protnone" then
			range(0; .pages * $sub) as $i |
			"\((.start | hex) + $i * 4096) P \(.pfn + $i)"
		elif .state == "swap" then
			range(0; .pages) as $i |
			"\((.start | hex) + $i * 4096) S \(.swap.type) \((.swap.offset | hex) + $i)"
		else empty end' "$1"
}

@test "dump runs cover exactly the pages pagemap reports, frame for frame" {
	local out=$BATS_TEST_TMPDIR
	timeout 120 "$PTSCOPE" --json dump "$T_PID" >"$out/dump.json"
	"$PROGS/oracle" --pages "$T_PID" >"$out/oracle"
	grep -v ' F$' "$out/oracle" | sort -n >"$out/pagemap"
	# Pages of VM_PFNMAP VMAs ([vvar]): ptscope sees them, pagemap cannot.
	runs_to_pages "$out/dump.json" |
		awk 'NR == FNR { if ($2 == "F") blind[$1] = 1; next } !($1 in blind)' \
			"$out/oracle" - | sort -n >"$out/ptscope"
	[ "$(wc -l <"$out/pagemap")" -gt 100 ]
	diff "$out/pagemap" "$out/ptscope"
	# The THP and hugetlb regions came as 2 MiB runs, not 512 small ones.
	[ "$(jq -s '[.[] | select(.type == "run" and .page_size == 2097152)] | length' "$out/dump.json")" -ge 1 ]
}

@test "dump runs do not overlap and come in address order" {
	local out=$BATS_TEST_TMPDIR/dump.json
	timeout 120 "$PTSCOPE" --json dump --holes "$T_PID" >"$out"
	jq -se "$JQ_HEX"'
		[.[] | select(.type == "run") | [(.start | hex), (.end | hex)]] as $r |
		all(range(1; $r | length); $r[. - 1][1] <= $r[.][0])' "$out"
	# A run is whole pages of its size.
	jq -se "$JQ_HEX"'all(.[] | select(.type == "run");
		((.end | hex) - (.start | hex)) == .pages * .page_size)' "$out"
}

@test "holes are runs of state none only with --holes, where pagemap has nothing" {
	local va out=$BATS_TEST_TMPDIR
	addr va "$T_OUT" untouched
	run_cli 0 --json dump "$T_PID" "$va"
	[ "$(jq -s '[.[] | select(.type == "run")] | length' <<<"$output")" = 0 ]
	run_cli 0 --json dump --holes "$T_PID" "$va"
	[ "$(jq -r 'select(.type == "run") | .state' <<<"$output")" = none ]
	[ "$(oracle "$T_PID" "$va" present)" = 0 ]
}

@test "maps totals equal smaps_rollup's Rss and AnonHugePages" {
	local rss ahp
	run_cli 0 --json maps "$T_PID"
	rss=$(awk '/^Rss:/ { print $2 }' "/proc/$T_PID/smaps_rollup")
	ahp=$(awk '/^AnonHugePages:/ { print $2 }' "/proc/$T_PID/smaps_rollup")
	[ "$(jq -r 'select(.type == "summary") | .rss / 1024' <<<"$output")" = "$rss" ]
	[ "$(jq -r 'select(.type == "summary") | .anon_huge / 1024' <<<"$output")" = "$ahp" ]
	# One row per VMA of /proc/PID/maps (the vsyscall page is no VMA).
	[ "$(jq -s '[.[] | select(has("perms"))] | length' <<<"$output")" = \
	  "$(grep -vc '\[vsyscall\]' "/proc/$T_PID/maps")" ]
}

@test "maps counts the same page-table pages as the kernel's VmPTE" {
	local vmpte
	run_cli 0 --json maps "$T_PID"
	vmpte=$(awk '/^VmPTE:/ { print $2 }' "/proc/$T_PID/status")
	# VmPTE (mm->pgtables_bytes) counts pud, pmd and pte tables, and the
	# PTE table each anonymous THP keeps deposited for its split.
	[ "$(jq -r 'select(.type == "summary") |
		(.tables.pud + .tables.pmd + .tables.pte + .thp_deposited) * 4' <<<"$output")" = "$vmpte" ]
	[ "$(jq -r 'select(.type == "summary") | .thp_deposited' <<<"$output")" -ge 1 ]
}

@test "a fresh 1 GiB region of 4 KiB pages needs 512 PTE pages" {
	local va end out
	start_target BIG --no-1g --big 1024
	addr va "$BIG_OUT" big
	end=$(printf '0x%x' $((va + (1 << 30))))
	run_cli 0 --json dump "$BIG_PID" "$va" "$end"
	out=$(jq -c 'select(.type == "summary")' <<<"$output")
	[ "$(jq -r .tables.pte <<<"$out")" = 512 ]
	[ "$(jq -r .pages <<<"$out")" = 262144 ]
	run_cli 0 --json maps "$BIG_PID"
	[ "$(jq -r 'select(.type == "summary") | .tables.pte' <<<"$output")" -ge 512 ]
}

@test "the human dump names each VMA and its runs" {
	local va
	addr va "$T_OUT" anon4k
	run_cli 0 dump "$T_PID" "$va" "$(printf '0x%x' $((va + 16 * 4096)))"
	grep -E '^[0-9a-f]+-[0-9a-f]+ rw-p +64 KiB  \[anon\]$' <<<"$output"
	grep -E '^  [0-9a-f]+-[0-9a-f]+ +(4|8|12|16|[0-9.]+) KiB  present +4 KiB  pfn 0x[0-9a-f]+ +P RW US A D' <<<"$output"
	[[ "$output" == *"runs: present 64 KiB"* ]]
}

@test "maps for people: a row per VMA, totals and page-table cost" {
	run_cli 0 maps "$T_PID"
	[[ "$output" == *"address range perms"* ]]
	[[ "$output" == *"[heap]"* ]]
	[[ "$output" == *"resident "*" as /proc/PID/smaps counts Rss"* ]]
	grep -E '^page tables  pgd 1( +p4d 1)?  pud [0-9]+  pmd [0-9]+  pte [0-9]+  = [0-9]+ pages' <<<"$output"
	[[ "$output" == *"a flat table (one 8-byte entry per 4 KiB page) would take"* ]]
}

@test "an unprivileged dump of one's own process has no frames, and runs ignore contiguity" {
	local out=$BATS_TEST_TMPDIR/nobody.json
	start_target MINE --as 65534 --no-1g
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$BIN/ptscope" --json dump "$MINE_PID" >"$out"
	[ "$(jq -s '[.[] | select(.type == "run")] | length' "$out")" -gt 5 ]
	[ "$(jq -s '[.[] | select(.type == "run" and .pfn != null)] | length' "$out")" = 0 ]
	# The 16 written pages of anon4k are one run, whatever their frames.
	local va
	addr va "$MINE_OUT" anon4k
	[ "$(jq -r "$JQ_HEX"'select(.type == "run" and (.start | hex) == '"$((va))"') | .pages' "$out")" = 16 ]
}

@test "two dumps of the same process at once both succeed with the same runs" {
	local out=$BATS_TEST_TMPDIR
	timeout 120 "$PTSCOPE" --json dump "$T_PID" >"$out/a" &
	timeout 120 "$PTSCOPE" --json dump "$T_PID" >"$out/b"
	wait $!
	[ -s "$out/a" ]
	diff <(grep '"run"' "$out/a") <(grep '"run"' "$out/b")
}

@test "dumps of a process that keeps changing, then exits, end cleanly" {
	local i ok=0 gone=0
	start_target CHURN --no-1g --churn
	for i in $(seq 20); do
		run timeout 60 "$PTSCOPE" --json dump "$CHURN_PID"
		[ "$status" -eq 0 ] && ok=$((ok + 1))
		[ "$status" -eq 0 ] || [[ "$output" == *"kernel reports: "* ]]
		[ "$i" = 10 ] && kill -9 "$CHURN_PID"
		[ "$status" -ne 0 ] && gone=$((gone + 1))
	done
	[ "$ok" -ge 5 ]
	[ "$gone" -ge 5 ]
}

@test "an unaligned range is read as the whole pages it touches, across a table boundary" {
	# The walk steps a page at a time: bounds inside pages once ran it
	# off the end of a PTE table (an oops, found by nlfuzz).
	local va pages
	start_target SMALL --no-1g --big 4
	addr va "$SMALL_OUT" big
	run_cli 0 --json dump "$SMALL_PID" "$(printf '0x%x' $((va + 0x123)))" \
		"$(printf '0x%x' $((va + (2 << 20) + 0x4567)))"
	pages=$(jq -r 'select(.type == "summary") | .pages' <<<"$output")
	# [va, va + 2 MiB + 5 pages): 517 pages, all written.
	[ "$pages" = 517 ]
	[ "$(jq -r 'select(.type == "run") | .start' <<<"$output" | head -1)" = "$(printf '0x%x' "$va")" ]
	# START alone, unaligned: its page, and only that one.
	run_cli 0 --json dump "$SMALL_PID" "$(printf '0x%x' $((va + (2 << 20) - 1)))"
	[ "$(jq -r 'select(.type == "summary") | .pages' <<<"$output")" = 1 ]
}

@test "a range that is empty or beyond user space is refused" {
	run_cli 1 dump "$T_PID" 0x2000 0x1000
	[[ "$output" == *"kernel reports: empty range: start is not below end"* ]]
	run_cli 1 dump "$T_PID" 0x1000 0xffff800000000000
	[[ "$output" == *"kernel reports: the range ends beyond user space"* ]]
}

@test "--vma dumps only the VMAs of that name" {
	run_cli 0 --json dump --vma '[heap]' "$T_PID"
	[ "$(jq -s '[.[] | select(.type == "run")] | length' <<<"$output")" -ge 1 ]
	[ "$(jq -s '[.[] | select(.type == "run" and .vma != "[heap]")] | length' <<<"$output")" = 0 ]
	run_cli 0 --json dump --vma '/no/such/file' "$T_PID"
	[ "$(jq -s '[.[] | select(.type == "run")] | length' <<<"$output")" = 0 ]
}
