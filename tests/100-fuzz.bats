#!/usr/bin/env bats
# The netlink interface under a structure-aware fuzzer (tests/progs/nlfuzz):
# well-formed, malformed, truncated and mutated requests, out-of-range
# values, subscriptions opened and dropped, sockets closed mid-dump. Every
# message that must be answered is, every answer is one the kernel may
# give, the kernel log stays clean, and once the fuzzer has gone the module
# is still loaded and holds nothing.
#
# PTSCOPE_FUZZ_COUNT: messages as root (the unprivileged run sends a
# quarter); `make fuzz` sends a million. PTSCOPE_FUZZ_SEED: the seed.

load helpers

# About a minute in all under TCG (2 vCPUs): see the throughput in
# tests/progs/nlfuzz.c's header.
COUNT=${PTSCOPE_FUZZ_COUNT:-50000}
SEED=${PTSCOPE_FUZZ_SEED:-1}

setup_file() {
	require_module
	install_bins
	install -m 0755 "$PROGS/nlfuzz" "$BIN/"
}

# Generous: the run is bounded by COUNT; this only catches a hang.
fuzz_timeout() {
	echo $((600 + $1 / 20))
}

# fuzz [--as USER] COUNT SEED: run the fuzzer; SUMMARY is its last line.
fuzz() {
	local prefix=()
	if [ "$1" = --as ]; then
		prefix=(setpriv --reuid="$2" --regid="$2" --clear-groups)
		shift 2
	fi
	run timeout "$(fuzz_timeout "$1")" "${prefix[@]}" "$BIN/nlfuzz" --count "$1" --seed "$2"
	SUMMARY=$(grep '^nlfuzz: seed' <<<"$output" | tail -1)
	echo "$SUMMARY"
	# In the TAP stream too: what a passing run sent and got.
	echo "# $SUMMARY" >&3
	if [ "$status" -ne 0 ]; then
		# The fuzzer's reports: what it sent and what came back.
		echo "$output" | head -200 >&2
		echo "nlfuzz exited with status $status" >&2
		return 1
	fi
	[ -n "$SUMMARY" ]
}

# counter NAME: the number before NAME in the summary (e.g. "no answer").
counter() {
	grep -oE "$1 [0-9]+" <<<"$SUMMARY" | tail -1 | awk '{ print $NF }'
}

# The fuzzer must have reached the kernel: answers of every kind.
assert_exercised() {
	[ "$(counter 'no answer')" -eq 0 ]
	[ "$(counter wrong)" -eq 0 ]
	[ "$(counter impossible)" -eq 0 ]
	[ "$(counter replies)" -gt 0 ]
	[ "$(counter dones)" -gt 0 ]
	[ "$(counter acks)" -gt 0 ]
	[ "$(counter 'checked ok')" -gt 0 ]
	[ "$(counter refused)" -gt 0 ]
	[ "$(counter subscriptions)" -gt 0 ]
	[ "$(counter events)" -gt 0 ]
}

# The module is loaded and, with the fuzzer's sockets closed, every live
# object `ptscope stat` counts is back at zero (subscriptions, targets,
# address spaces, notifiers, requests, users: some are freed by a worker
# or after an RCU grace period, so give it a few seconds).
module_idle() {
	"$PTSCOPE" --json stat | jq -e '.objects | length > 0 and all(.[]; . == 0)' >/dev/null
}

assert_idle() {
	[ -d /sys/module/ptscope ]
	eventually module_idle && return 0
	echo "the module still holds objects after the fuzzer exited:" >&2
	"$PTSCOPE" --json stat | jq .objects >&2
	return 1
}

@test "fuzzing as root: every message answered as it must be, nothing left behind" {
	fuzz "$COUNT" "$SEED"
	assert_exercised
	check_dmesg
	assert_idle
}

@test "fuzzing as an unprivileged user: the same, and frames stay hidden" {
	fuzz --as 65534 $((COUNT / 4)) $((SEED + 1))
	assert_exercised
	[[ "$SUMMARY" == *"unprivileged"* ]]
	check_dmesg
	assert_idle
}

@test "the fuzzer's checks can fail: a wrong verdict and a missing answer are reported" {
	# --self-test declares a walk of pid 0 walkable and a message that is
	# not a request answerable: both must be reported, and the exit be 1.
	run timeout 120 "$BIN/nlfuzz" --self-test
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"FAILED"*"pid 0 declared walkable"* ]]
	[[ "$output" == *"no answer 1 wrong 1 impossible 0"* ]]
}
