# Shared by every tests/*.bats file. The suite runs as root inside the VM
# (tests/vm/run), with ptscope.ko loaded by the runner.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PTSCOPE=${PTSCOPE:-$REPO/userspace/ptscope}
PROGS=$REPO/tests/progs
MODULE=${PTSCOPE_MODULE:-$REPO/ptscope.ko}
# Binaries an unprivileged user can run whatever the checkout's modes.
BIN=/tmp/ptscope-test-bin

# jq 1.6 compiles its builtins at every start: 172 million instructions
# (callgrind), most of a second under TCG, and the suite runs it thousands
# of times. gojq answers the same filters in a seventh of the time. Only the
# tests' own checks go through it: the commands the documents show
# (140, 150) run in their own shells, with jq.
if command -v gojq >/dev/null; then
	jq() { gojq "$@"; }
fi

require_module() {
	if [ ! -d /sys/module/ptscope ]; then
		echo "ptscope.ko is not loaded: run the suite through tests/vm/run" >&2
		return 1
	fi
	quiet_hooks
}

# object NAME: one of `ptscope stat`'s live-object counters.
object() {
	"$PTSCOPE" --json stat | jq -er ".objects.$1"
}

# object_is NAME VALUE: whether that counter is VALUE now.
object_is() {
	[ "$(object "$1")" = "$2" ]
}

# eventually [-n TRIES] CMD...: whether CMD succeeds within TRIES tries
# (100 by default), 0.1 s apart; for what the module or a process does in
# its own time (a worker ending a subscription, a process exiting).
eventually() {
	local tries=100 i
	if [ "$1" = -n ]; then
		tries=$2
		shift 2
	fi
	for ((i = 1; i < tries; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# exited PID: whether that process is gone (reaped, or never ours).
exited() {
	! kill -0 "$1" 2>/dev/null
}

# where_is PID...: where each thread of each PID is, for a report on a
# process that did not end: state, wchan, CPU time, system call and
# kernel stack, lines starting "#   ".
where_is() {
	local p t
	for p; do
		[ -d "/proc/$p" ] || { echo "#   $p: gone"; continue; }
		for t in /proc/"$p"/task/*; do
			echo "#   ${t#/proc/}: $(awk '/^State/ { print $2, $3 }' "$t/status" 2>/dev/null)" \
				"wchan $(cat "$t/wchan" 2>/dev/null), $(cut -d' ' -f14,15 "$t/stat" 2>/dev/null) utime stime," \
				"syscall $(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
			sed 's/^/#     /' "$t/stack" 2>/dev/null
		done
	done
}

# The module loaded, if a test unloaded it, with its hooks attached.
load_module() {
	[ -d /sys/module/ptscope ] || { insmod "$MODULE" && quiet_hooks; }
}

# The module's hooks attached while nothing else runs, if they are not.
# Attaching (or detaching) them flips static keys and tracepoints in the
# page-fault path, and under QEMU 7.2's multi-threaded TCG a vCPU faulting
# through a site being patched has livelocked for good: soft lockups at a
# jump label in handle_mm_fault(), in tests/090 and tests/095, when a
# background watch attached them while the test's own polls faulted.
# Attached, they stay until unload (hooks_linger_ms), so a test's watches
# patch nothing. `ptscope run` subscribes while its command waits.
quiet_hooks() {
	"$PTSCOPE" --json stat 2>/dev/null |
		jq -e '[.hooks[] | select(.active)] | length > 0' >/dev/null && return 0
	timeout 120 "$PTSCOPE" run --events fault -- /bin/true >/dev/null 2>&1 || true
	# Its subscription ends in the module's worker: gone before a test
	# counts objects.
	eventually object_is subscriptions 0 || true
}

# The paging mode, from something other than ptscope: the kernel clears
# the la57 CPU flag when it does not use 5-level paging.
expected_levels() {
	if grep -qw la57 /proc/cpuinfo; then echo 5; else echo 4; fi
}

install_bins() {
	mkdir -p "$BIN"
	install -m 0755 "$PTSCOPE" "$PROGS/target" "$PROGS/oracle" "$PROGS/nlraw" \
		"$PROGS/nonpresent" "$PROGS/faulter" "$PROGS/churn" "$PROGS/holder" "$BIN/"
}

# run_cli STATUS ARGS...: ptscope with a timeout; checks the exit status.
run_cli() {
	local want=$1
	shift
	run timeout 120 "$PTSCOPE" "$@"
	if [ "$status" -ne "$want" ]; then
		echo "ptscope $*: exit $status, wanted $want" >&2
		echo "$output" >&2
		return 1
	fi
}

# spawn NAME COMMAND...: a target started by COMMAND (whatever wraps it),
# a tests/progs program that prints "pid PID" and "ready" when set up;
# returns once it is ready. Sets NAME_PID (the pid it printed, in its own
# pid namespace), NAME_OUT (its "name address" lines) and NAME_LAUNCHER
# (the pid of COMMAND here).
spawn() {
	local name=$1 out launcher
	shift
	out=$BATS_FILE_TMPDIR/$name.out
	"$@" >"$out" 2>&1 3>&- &
	launcher=$!
	printf -v "${name}_LAUNCHER" %s "$launcher"
	eventually -n 600 ready_or_exited "$out" "$launcher" || true
	grep -q '^ready' "$out" || { cat "$out" >&2; return 1; }
	printf -v "${name}_PID" %s "$(awk '$1 == "pid" { print $2 }' "$out")"
	printf -v "${name}_OUT" %s "$out"
	# The target itself, unless a pid namespace wraps it (then its
	# launcher, and the caller adds the target).
	echo "$launcher" >>"$BATS_FILE_TMPDIR/pids"
}

ready_or_exited() {
	grep -q '^ready' "$1" || exited "$2"
}

# start_target NAME [--as USER] [--prog PROG] [ARGS...]: a tests/progs
# process (target unless PROG says otherwise), as spawn starts it.
start_target() {
	local name=$1 prog=target
	shift
	local prefix=()
	if [ "${1:-}" = --as ]; then
		prefix=(setpriv --reuid="$2" --regid="$2" --clear-groups)
		shift 2
	fi
	if [ "${1:-}" = --prog ]; then
		prog=$2
		shift 2
	fi
	spawn "$name" "${prefix[@]}" "$BIN/$prog" "$@"
}

# fdo WORD [ARG]: have tests/progs/faulter (reading FIFO, printing to
# F_OUT) do something; waits for its answer. (FAULTER_FIFO, FAULTER_OUT:
# another faulter than that.)
fdo() {
	local fifo=${FAULTER_FIFO:-$FIFO} out=${FAULTER_OUT:-$F_OUT}
	FN=$((FN + 1))
	echo "$FN $*" >"$fifo"
	eventually -n 300 answered "$out" "$FN" || true
	grep -q "^ok $FN\$" "$out" && return 0
	cat "$out" >&2
	return 1
}

answered() {
	grep -q -e "^ok $2\$" -e '^error' "$1"
}

# The fixture most files share: the module loaded, the binaries installed
# and a target process T started with ARGS. A file that needs more defines
# its own setup_file.
target_suite() {
	require_module
	install_bins
	start_target T "$@"
	export T_PID T_OUT
}

# Defaults every file gets by loading this one; a file may redefine them.
teardown_file() {
	stop_targets
}

teardown() {
	check_dmesg
}

stop_targets() {
	[ -f "$BATS_FILE_TMPDIR/pids" ] || return 0
	xargs -r kill -9 <"$BATS_FILE_TMPDIR/pids" 2>/dev/null || true
	rm -f "$BATS_FILE_TMPDIR/pids"
}

# wait_line FILE REGEX [SECONDS]: wait (30 s by default) until a line of
# FILE matches REGEX (grep -E); show FILE and fail if none does.
wait_line() {
	eventually -n $((${3:-30} * 10)) grep -Eqs -- "$2" "$1" && return 0
	echo "no line matching $2 in $1:" >&2
	cat "$1" >&2
	return 1
}

# addr VAR OUTFILE NAME: set VAR to the address the target printed for
# NAME; skip with the target's reason if it could not create that mapping.
addr() {
	local line
	line=$(awk -v k="$3" '$1 == k' "$2")
	[ -n "$line" ] || { echo "no $3 in $2" >&2; return 1; }
	case $line in
	*" fail "*) skip "the target could not map $3: ${line#* fail }" ;;
	esac
	printf -v "$1" %s "${line#* }"
}

# oracle PID ADDR FIELD: one field of tests/progs/oracle's answer.
oracle() {
	"$PROGS/oracle" "$1" "$2" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }'
}

# jfield JSON FILTER: jq -r, failing on invalid JSON.
jfield() {
	jq -er "$2" <<<"$1"
}

# The kernel must not have complained during a test (panic_on_warn makes
# a WARN fatal anyway; this also catches BUG/oops text that did not panic).
check_dmesg() {
	if dmesg | grep -E 'WARNING:|BUG:|Oops|general protection' >&2; then
		echo "the kernel log shows a failure" >&2
		return 1
	fi
}

# legend_color PAGE NAME: the fill colour (RRGGBB) of a `ptscope map` legend entry.
legend_color() {
	python3 - "$1" "$2" <<'EOF'
import sys
import xml.dom.minidom

doc = xml.dom.minidom.parse(sys.argv[1])
for g in doc.getElementsByTagName("g"):
    if g.getAttribute("class") == "legend-item" and \
       g.getElementsByTagName("text")[0].firstChild.data == sys.argv[2]:
        print(g.getElementsByTagName("rect")[0].getAttribute("fill").lstrip("#"))
EOF
}
