#!/usr/bin/env bats
# Per-user limits: what one user may hold at once (requests in flight,
# subscriptions, event buffers), refused past the module parameter with a
# message naming it, counted in `ptscope stat`, and given back at the end.

load helpers

NOBODY=65534
PARAMS=/sys/module/ptscope/parameters

setup_file() {
	require_module
	install_bins
	start_target MINE --as "$NOBODY" --no-1g
	export MINE_PID
}

setup() {
	saved=()
	for p in max_user_requests max_user_subscriptions max_user_buffer; do
		saved+=("$p=$(cat "$PARAMS/$p")")
	done
}

teardown() {
	local kv
	for kv in "${saved[@]}"; do
		echo "${kv#*=}" >"$PARAMS/${kv%%=*}"
	done
	kill_watchers
	check_dmesg
}

nobody() {
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

# as_nobody ARGS...: run ptscope as nobody, for bats' $status and $output.
as_nobody() {
	run timeout 30 setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=-all --bounding-set=-all "$BIN/ptscope" "$@"
}

# watcher N ARGS...: `ptscope watch ARGS` as nobody in the background,
# returning once it is subscribed.
watcher() {
	local n=$1
	shift
	# Not through nobody(): $! must be the client, not a subshell.
	setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups \
		--inh-caps=-all --bounding-set=-all \
		"$BIN/ptscope" watch "$@" >/dev/null 2>"$BATS_TEST_TMPDIR/w$n.err" &
	echo $! >>"$BATS_TEST_TMPDIR/watchers"
	wait_line "$BATS_TEST_TMPDIR/w$n.err" '^ptscope: watching'
}

kill_watchers() {
	[ -f "$BATS_TEST_TMPDIR/watchers" ] || return 0
	xargs -r kill <"$BATS_TEST_TMPDIR/watchers" 2>/dev/null || true
	rm -f "$BATS_TEST_TMPDIR/watchers"
	# The module lets go of them from its worker: wait for it.
	eventually object_is subscriptions 0 || true
}

@test "requests in flight: the user's limit refuses one more, others are not affected, all given back" {
	echo 3 >"$PARAMS/max_user_requests"
	[ "$(object requests)" = 0 ]
	mkfifo "$BATS_TEST_TMPDIR/go"
	nobody "$BIN/holder" 3 <"$BATS_TEST_TMPDIR/go" >"$BATS_TEST_TMPDIR/h.out" \
		2>"$BATS_TEST_TMPDIR/h.err" &
	local hpid=$!
	exec 4>"$BATS_TEST_TMPDIR/go"
	wait_line "$BATS_TEST_TMPDIR/h.out" '^held' || true
	cat "$BATS_TEST_TMPDIR/h.out" "$BATS_TEST_TMPDIR/h.err"
	grep -qx 'held 3, one more: errno=87' "$BATS_TEST_TMPDIR/h.out"
	grep -qx 'ptscope: kernel reports: too many requests in flight for this user (module parameter max_user_requests)' \
		"$BATS_TEST_TMPDIR/h.err"
	[ "$(object requests)" = 3 ]
	[ "$(object users)" = 1 ]
	# Root is another user: not refused while nobody is at the limit.
	run_cli 0 --json dump "$MINE_PID"
	exec 4>&-
	wait "$hpid"
	eventually object_is requests 0
	[ "$(object users)" = 0 ]
	# Below the limit again: nobody may ask.
	nobody "$BIN/ptscope" --json dump "$MINE_PID" >/dev/null
}

@test "subscriptions: the user's limit refuses one more with a clear error; root may still watch" {
	echo 2 >"$PARAMS/max_user_subscriptions"
	watcher 1 "$MINE_PID"
	watcher 2 "$MINE_PID"
	[ "$(object subscriptions)" = 2 ]
	[ "$(object users)" = 1 ]
	as_nobody watch "$MINE_PID" --count 1
	[ "$status" -ne 0 ]
	[[ "$output" == *"ptscope: kernel reports: too many subscriptions for this user (module parameter max_user_subscriptions)"* ]]
	[ "$(object subscriptions)" = 2 ]
	# A process of root's own, watched by root: another user's quota.
	run_cli 0 run --events process -- /bin/true
	kill_watchers
	[ "$(object subscriptions)" = 0 ]
	[ "$(object users)" = 0 ]
}

@test "event buffers: the user's per-CPU total is a limit; a too-large buffer is refused before it is allocated" {
	echo 8192 >"$PARAMS/max_user_buffer"
	as_nobody watch "$MINE_PID" --buffer 16384
	[ "$status" -ne 0 ]
	[[ "$output" == *"ptscope: kernel reports: event buffers too large for this user: ask for a smaller --buffer, or end other watches (module parameter max_user_buffer)"* ]]
	watcher 1 "$MINE_PID" --buffer 8192
	as_nobody watch "$MINE_PID" --buffer 16
	[ "$status" -ne 0 ]
	[[ "$output" == *"(module parameter max_user_buffer)"* ]]
	kill_watchers
	[ "$(object users)" = 0 ]
	# Given back: the same buffer fits again.
	watcher 2 "$MINE_PID" --buffer 8192
}

@test "the limits are module parameters with their defaults" {
	[ "$(cat "$PARAMS/max_user_requests")" = 64 ]
	[ "$(cat "$PARAMS/max_user_subscriptions")" = 16 ]
	[ "$(cat "$PARAMS/max_user_buffer")" = 131072 ]
	modinfo -p "$MODULE" | grep -q '^max_user_buffer:'
}
