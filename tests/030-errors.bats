#!/usr/bin/env bats
# Bad input gets a clear error from the kernel and a non-zero exit, and the
# kernel stays quiet (panic_on_warn would end the run otherwise).

load helpers

setup_file() {
	target_suite --no-1g
}

nlraw() {
	run timeout 60 "$PROGS/nlraw" "$@"
}

@test "an unknown pid: no such process" {
	local pid=4194000
	while [ -e "/proc/$pid" ]; do pid=$((pid + 1)); done
	run_cli 1 walk "$pid" 0x1000
	[[ "$output" == *"kernel reports: no such process"* ]]
}

@test "pid 0: the client refuses it, and so does the kernel" {
	run_cli 2 walk 0 0x1000
	[[ "$output" == *"'0' is not a process id"* ]]
	nlraw walk 0
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel reports: not a process id"* ]]
	[[ "$output" == *"errno=22"* ]]
}

@test "a kernel thread has no address space to walk" {
	[ "$(cat /proc/2/comm)" = kthreadd ]
	run_cli 1 walk 2 0x1000
	[[ "$output" == *"kernel reports: a kernel thread has no user address space"* ]]
}

# The child of a parent that does not reap it (in ZPID) is a zombie.
zombie() {
	ZPID=$(cat "$BATS_TEST_TMPDIR/z" 2>/dev/null) &&
		[ "$(awk '{ print $3 }' "/proc/$ZPID/stat" 2>/dev/null)" = Z ]
}

@test "a zombie has no address space to walk" {
	( sleep 0.1 & echo $! >"$BATS_TEST_TMPDIR/z"; exec sleep 30 ) 3>&- &
	local parent=$!
	eventually zombie
	run_cli 1 walk "$ZPID" 0x1000
	kill "$parent"
	[[ "$output" == *"kernel reports: the process is a zombie"* ]]
}

@test "address 0 is not mapped: exit status 3 and a message" {
	run_cli 3 walk "$T_PID" 0
	[[ "$output" == *"not mapped: no VMA contains this address"* ]]
	[[ "$output" == *"0 (0x0) is not mapped in process $T_PID"* ]]
}

# Kernels from 6.5 also name the blamed attribute, which the client then
# prints as "(address 0x...)"; 6.1 sends the message alone.
@test "a non-canonical address is refused by the kernel" {
	run_cli 1 walk "$T_PID" 0xdead000000000000
	[[ "$output" == *"kernel reports: not a user-space address: kernel half or non-canonical"* ]]
}

@test "a kernel address is refused by the kernel" {
	run_cli 1 --json walk "$T_PID" 0x1000 0xffffffff81000000
	[[ "$output" == *"kernel reports: not a user-space address"* ]]
	# The whole request is refused: nothing half-answered.
	! grep -q '"va"' <<<"$output" || false
}

@test "the top of the 4-level user range is refused only with 4-level paging" {
	if [ "$(expected_levels)" = 4 ]; then
		run_cli 1 walk "$T_PID" 0x800000000000
		[[ "$output" == *"not a user-space address"* ]]
	else
		run_cli 3 walk "$T_PID" 0x800000000000
		[[ "$output" == *"not mapped"* ]]
	fi
}

@test "10,000 addresses in one raw request exceed the module's limit" {
	nlraw many-addrs "$T_PID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel reports: too many addresses in one request (module parameter max_addrs)"* ]]
	[[ "$output" == *"errno=7"* ]]
}

@test "malformed raw requests are each refused with a reason" {
	local c
	for c in no-pid no-addrs pid-u8 pid-string addr-nested addr-u32 \
		reply-attr unknown-attr truncated; do
		nlraw "$c" "$T_PID"
		echo "$c: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"ptscope: kernel reports: "* ]]
		[[ "$output" != *"errno=0"* ]]
	done
}

@test "a request for an unknown command, or WALK without a dump, is refused" {
	nlraw unknown-cmd "$T_PID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"errno=95"* ]]
	nlraw walk-doit "$T_PID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"errno=95"* ]]
}

@test "a well-formed raw request is answered, so the refusals above mean something" {
	local va
	addr va "$T_OUT" anon4k
	nlraw walk "$T_PID" "$va"
	[ "$status" -eq 1 ]
	[[ "$output" == *"errno=0 replies=1"* ]]
}

@test "usage errors exit 2 with a hint" {
	run_cli 2 walk
	[[ "$output" == *"usage: ptscope walk"* ]]
	run_cli 2 frobnicate
	[[ "$output" == *"no command 'frobnicate'"* ]]
	run_cli 1 walk "$T_PID" nosuchlib
	[[ "$output" == *"'nosuchlib' is neither a number"* ]]
}
