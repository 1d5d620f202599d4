#!/usr/bin/env bats
# What an unprivileged user's walk says of a page caught mid-migration.
# A migration entry holds the frame being copied where a swap entry holds
# its offset, which is why pagemap gives neither to a reader without
# CAP_SYS_ADMIN. Needs two nodes: scripts/check runs this directory with
# tests/vm/run --numa 2.

load ../helpers

NOBODY=65534

setup_file() {
	require_module
	install_bins
}

# x86 keeps a non-present entry's offset, here the frame, inverted in
# bits 9 to 58: an unprivileged caller gets only bits 8..0 of such an
# entry (walk.c, ptscope_hide_frame).
@test "a migration entry caught by an unprivileged walk keeps no bit of its frame in the raw entry" {
	local va i caught entry
	start_target M --as "$NOBODY" --prog nonpresent migrate
	addr va "$M_OUT" migrate
	for ((i = 0; i < 200; i++)); do
		run timeout 120 setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
			--inh-caps=-all --bounding-set=-all \
			"$BIN/ptscope" --json walk "$M_PID" $(printf "$va %.0s" $(seq 1024))
		[ "$status" -eq 0 ]
		caught=$(jq -c 'select(.state == "migration")' <<<"$output" | head -1)
		[ -n "$caught" ] && break
	done
	[ -n "$caught" ] || skip "no walk landed in a migration in 200 x 1024 tries"
	echo "$caught" >&2
	# The frame itself is withheld...
	[ "$(jfield "$caught" .frames_hidden)" = true ]
	[ "$(jq -r .pfn <<<"$caught")" = null ]
	# ...and so must be every bit of the entry that encodes it.
	entry=$(jfield "$caught" '.levels[-1].entry')
	[ $((entry & 0x07fffffffffffe00)) -eq 0 ]
}
