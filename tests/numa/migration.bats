#!/usr/bin/env bats
# A page caught while it migrates between NUMA nodes. Needs two nodes:
# scripts/check runs this file with tests/vm/run --numa 2.

load ../helpers

setup_file() {
	require_module
	install_bins
}

@test "a page caught mid-migration is a migration entry, writable, at a real frame" {
	local va i caught pfn
	start_target M --prog nonpresent migrate
	addr va "$M_OUT" migrate
	# One request walks the same address many times; the target moves its
	# pages between nodes meanwhile, so some walks land in the copy.
	for ((i = 0; i < 200; i++)); do
		run_cli 0 --json walk "$M_PID" $(printf "$va %.0s" $(seq 1024))
		caught=$(jq -c 'select(.state == "migration")' <<<"$output" | head -1)
		[ -n "$caught" ] && break
	done
	[ -n "$caught" ] || skip "no walk landed in a migration in 200 x 1024 tries"
	[ "$(jfield "$caught" .present)" = false ]
	# The pages were written: they come back writable.
	jfield "$caught" '.leaf_flags | index("write")'
	# A migration entry points at the page being copied: a real frame.
	pfn=$(jfield "$caught" .pfn)
	[ "$pfn" -gt 0 ]
	[ "$pfn" -lt "$(awk '$1 == "spanned" { n = $2 } $1 == "start_pfn:" && $2 + n > m { m = $2 + n }
			   END { print m }' /proc/zoneinfo)" ]
	[ "$(jfield "$caught" '.levels[-1].kind')" = nonpresent ]
	[[ "$(jfield "$caught" '.levels[-1].level')" == p[mt][de] ]]
	# A THP migrates whole: its entry is at the pmd and names the head
	# frame (the offset bits of the entry are not mistaken for frame bits).
	if [ "$(jfield "$caught" '.levels[-1].level')" = pmd ]; then
		[ "$(jfield "$caught" .page_size)" = 2097152 ]
		[ $((pfn % 512)) = 0 ]
	fi
}
