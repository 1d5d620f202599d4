#!/usr/bin/env bats
# Non-present entries that are neither empty nor swap: uffd-wp markers,
# hardware poison, PROT_NONE, and the decoders for the ones a test cannot
# provoke at will (migration, device), checked against the kernel's own
# constructors.

load helpers

setup_file() {
	require_module
	install_bins
}

# walk_json NAME PID: $JSON, the walk of PID at the address NAME in $OUT.
walk_json() {
	local va
	addr va "$OUT" "$1"
	run_cli 0 --json walk "$2" "$va"
	JSON=$output
	VA=$va
}

@test "uffd-wp: a zapped write-protected shmem page is a marker; pagemap agrees it is write-protected" {
	start_target U --prog nonpresent uffdwp
	OUT=$U_OUT
	walk_json marker "$U_PID"
	[ "$(jfield "$JSON" .state)" = marker ]
	[ "$(jfield "$JSON" .present)" = false ]
	jfield "$JSON" '.leaf_flags | index("uffd-wp")'
	[ "$(oracle "$U_PID" "$VA" uffd_wp)" = 1 ]
	[ "$(oracle "$U_PID" "$VA" present)" = 0 ]
	run_cli 0 walk "$U_PID" "$VA"
	[[ "$output" == *"marker:"*"userfaultfd write-protect"* ]]
	run_cli 0 --json dump "$U_PID" "$VA" "$(printf '0x%x' $((VA + 4096)))"
	[ "$(jq -r 'select(.type == "run") | "\(.state) \(.leaf_flags | join(","))"' <<<"$output")" = "marker uffd-wp" ]

	# The pages still mapped carry the write-protect bit in the PTE itself.
	for name in uffdwp uffdwp_anon; do
		walk_json "$name" "$U_PID"
		[ "$(jfield "$JSON" .state)" = present ]
		jfield "$JSON" '.flags | index("UFFD_WP")'
		[ "$(oracle "$U_PID" "$VA" uffd_wp)" = 1 ]
	done
}

@test "MADV_HWPOISON: the page is reported poisoned, at the frame it had" {
	start_target H --prog nonpresent hwpoison
	OUT=$H_OUT
	walk_json hwpoison "$H_PID"
	[ "$(jfield "$JSON" .state)" = hwpoison ]
	[ "$(jfield "$JSON" .pfn)" = "$(awk '$1 == "pfn" { print $2 }' "$H_OUT")" ]
	run_cli 0 walk "$H_PID" "$VA"
	[[ "$output" == *"poisoned:"*"SIGBUS"* ]]
	run_cli 0 --json dump "$H_PID" "$VA" "$(printf '0x%x' $((VA + 4096)))"
	[ "$(jq -r 'select(.type == "run") | "\(.state) \(.pfn)"' <<<"$output")" = \
	  "hwpoison $(awk '$1 == "pfn" { print $2 }' "$H_OUT")" ]
}

@test "mprotect(PROT_NONE) on resident pages: protnone runs at the frames they had" {
	local pfns
	start_target N --prog nonpresent protnone
	OUT=$N_OUT
	addr VA "$N_OUT" protnone
	pfns=$(awk '$1 == "pfns" { $1 = ""; print substr($0, 2) }' "$N_OUT")
	run_cli 0 --json dump "$N_PID" "$VA" "$(printf '0x%x' $((VA + 8 * 4096)))"
	[ "$(jq -r 'select(.type == "run") | .state' <<<"$output" | sort -u)" = protnone ]
	[ "$(jq -r 'select(.type == "run") | range(.pages) as $i | .pfn + $i' <<<"$output" | xargs)" = "$pfns" ]
}

@test "the decoders agree with the kernel's own constructors (migration, device, markers, poison)" {
	rmmod ptscope
	run insmod "$MODULE" selftest=1
	insmod "$MODULE" 2>/dev/null || true
	[ "$status" = 0 ]
	dmesg | grep -E 'ptscope: selftest: [0-9]+ passed, 0 failed'
	! dmesg | grep 'ptscope: selftest: FAIL' || false
}
