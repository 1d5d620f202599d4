#!/usr/bin/env bats
# What an unprivileged user is told about hidden frames. Who may walk,
# dump and watch what, cell by cell against pagemap, is
# 025-access-matrix.bats.

load helpers

NOBODY=65534

setup_file() {
	require_module
	install_bins
	start_target MINE --as "$NOBODY" --no-1g
	export MINE_PID MINE_OUT
}

# as_nobody ARGS...: ptscope as uid/gid 65534, no capabilities.
as_nobody() {
	run timeout 60 setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=-all --bounding-set=-all "$BIN/ptscope" "$@"
}

@test "an unprivileged user's explain says the frames are hidden" {
	local va
	addr va "$MINE_OUT" anon4k
	as_nobody explain "$MINE_PID" "$va"
	[ "$status" -eq 0 ]
	[[ "$output" == *"physical address hidden: needs CAP_SYS_ADMIN"* ]]
	[[ "$output" == *"page frame (hidden)"* ]]
	! grep -E 'at physical 0x' <<<"$output" || false
}

@test "the module's info reply tells an unprivileged caller that frames are hidden" {
	local va
	addr va "$MINE_OUT" stack
	as_nobody walk "$MINE_PID" "$va"
	[ "$status" -eq 0 ]
	[[ "$output" == *"pfn, phys hidden"* ]]
}
