#!/usr/bin/env bats
# The module comes and goes cleanly.

load helpers

setup() {
	require_module
}

teardown() {
	load_module
	check_dmesg
}

@test "rmmod with no client works, and the client then says the module is missing" {
	rmmod ptscope
	[ ! -d /sys/module/ptscope ]
	run_cli 1 walk $$ stack
	[[ "$output" == *'ptscope: module not loaded: run `sudo modprobe ptscope`'* ]]
	[[ "$output" == *"sudo modprobe ptscope"* ]]
	insmod "$MODULE"
	run_cli 0 walk $$ stack
}

@test "loading and unloading 50 times leaves no warning" {
	local i
	for i in $(seq 50); do
		rmmod ptscope
		insmod "$MODULE"
	done
	run_cli 0 --json walk $$ stack
	[ "$(jfield "$output" .present)" = true ]
}

@test "the max_addrs parameter is checked and takes effect" {
	[ "$(cat /sys/module/ptscope/parameters/max_addrs)" = 1024 ]
	! sh -c 'echo 0 > /sys/module/ptscope/parameters/max_addrs' || false
	! sh -c 'echo 20000 > /sys/module/ptscope/parameters/max_addrs' || false
	echo 3 >/sys/module/ptscope/parameters/max_addrs
	run_cli 0 --json walk $$ stack stack stack stack stack stack stack
	[ "${#lines[@]}" = 7 ]
	echo 1024 >/sys/module/ptscope/parameters/max_addrs
}
