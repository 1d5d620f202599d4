#!/usr/bin/env bats
# Who may walk what: the rules of /proc/PID/pagemap, tried as an
# unprivileged user would try them.

load helpers

NOBODY=65534

setup_file() {
	require_module
	install_bins
	start_target ROOT --no-1g
	start_target MINE --as "$NOBODY" --no-1g
	start_target SEALED --as "$NOBODY" --no-1g --nondumpable
	export ROOT_PID ROOT_OUT MINE_PID MINE_OUT SEALED_PID SEALED_OUT
}

# as_nobody ARGS...: ptscope as uid/gid 65534, no capabilities.
as_nobody() {
	run timeout 60 setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=-all --bounding-set=-all "$BIN/ptscope" "$@"
}

@test "an unprivileged user walks their own process, with frames hidden" {
	local va
	addr va "$MINE_OUT" anon4k
	as_nobody --json walk "$MINE_PID" "$va"
	[ "$status" -eq 0 ]
	[ "$(jfield "$output" .present)" = true ]
	[ "$(jfield "$output" .frames_hidden)" = true ]
	[ "$(jq -r .pfn <<<"$output")" = null ]
	[ "$(jq -r .phys <<<"$output")" = null ]
	[ "$(jfield "$output" '.levels | length')" = "$(expected_levels)" ]
	# No entry carries frame bits 51..12, and no table address is given.
	for e in $(jq -r '.levels[].entry' <<<"$output"); do
		[ $(( e & 0x000ffffffffff000 )) -eq 0 ]
	done
	[ "$(jq '[.levels[] | select(has("entry_phys"))] | length' <<<"$output")" = 0 ]
	# Flags are still there: they are not secret.
	jfield "$output" '.flags | index("RW")'
}

@test "an unprivileged user's explain says the frames are hidden" {
	local va
	addr va "$MINE_OUT" anon4k
	as_nobody explain "$MINE_PID" "$va"
	[ "$status" -eq 0 ]
	[[ "$output" == *"physical address hidden: needs CAP_SYS_ADMIN"* ]]
	[[ "$output" == *"page frame (hidden)"* ]]
	! grep -E 'at physical 0x' <<<"$output"
}

@test "an unprivileged user may not walk root's process" {
	local va
	addr va "$ROOT_OUT" anon4k
	as_nobody --json walk "$ROOT_PID" "$va"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ptscope: kernel reports: not permitted: needs the same rights as reading /proc/PID/pagemap"* ]]
	! grep -q '"pfn"' <<<"$output"
}

@test "an unprivileged user may not walk their own non-dumpable process" {
	local va
	addr va "$SEALED_OUT" anon4k
	# The independent witness: pagemap itself refuses this user.
	run setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups cat "/proc/$SEALED_PID/pagemap"
	[ "$status" -ne 0 ]
	as_nobody --json walk "$SEALED_PID" "$va"
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel reports: not permitted"* ]]
}

@test "root walks a non-dumpable process of another user and sees frames" {
	local va pfn
	addr va "$SEALED_OUT" anon4k
	run_cli 0 --json walk "$SEALED_PID" "$va"
	pfn=$(oracle "$SEALED_PID" "$va" pfn)
	[ "$(jfield "$output" .pfn)" = "$pfn" ]
	[ "$(jfield "$output" .frames_hidden)" = false ]
}

@test "the module's info reply tells an unprivileged caller that frames are hidden" {
	local va
	addr va "$MINE_OUT" stack
	as_nobody walk "$MINE_PID" "$va"
	[ "$status" -eq 0 ]
	[[ "$output" == *"pfn, phys hidden"* ]]
}
