#!/usr/bin/env bats
# The access matrix, tried the way an unprivileged user would try it: for
# walk, dump and watch, one test per cell of caller (root, same user,
# another user, inside a user or pid namespace) against target
# (non-dumpable, setuid, in another user or pid namespace).
#
# The oracle of every cell is /proc/PID/pagemap, read in the same test by
# the same caller (tests/progs/probe runs both, with the same credentials
# and namespaces): ptscope answers exactly when pagemap opens and reads,
# and shows frames exactly when pagemap shows PFNs, which is exactly when
# the caller has CAP_SYS_ADMIN in the initial user namespace. Each cell
# also says what its definition predicts, so a cell that is not set up as
# it claims fails too.
#
# Then the leak tests: everything an unprivileged user can get from walk,
# dump, maps, explain, map, watch, stat and swaps, as the client prints it
# and as raw netlink bytes, searched for the frames, swap offsets,
# physical addresses, table addresses and raw entries root sees, and for
# kernel addresses.

load helpers

NOBODY=65534
OTHER=4242
NOBODY_CREDS=(setpriv --reuid="$NOBODY" --regid="$NOBODY" --clear-groups
	--inh-caps=-all --bounding-set=-all)
OTHER_CREDS=(setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups
	--inh-caps=-all --bounding-set=-all)
SUID_TARGET=/usr/local/bin/ptscope-suid-target

setup_file() {
	require_module
	install_bins
	install -m 0755 "$PROGS/probe" "$PROGS/nlcap" "$PROGS/leakscan" "$PROGS/sigpoke" "$BIN/"
	INIT_USERNS=$(readlink /proc/self/ns/user)
	export INIT_USERNS

	spawn ROOTT "$BIN/target" --no-1g
	spawn MINE "${NOBODY_CREDS[@]}" "$BIN/target" --no-1g
	spawn SEALED "${NOBODY_CREDS[@]}" "$BIN/target" --no-1g --nondumpable
	# A setuid-root copy of the target, run by nobody: euid 0, and
	# non-dumpable from its exec (fs.suid_dumpable is 0).
	if ! findmnt -no OPTIONS -T /usr/local/bin | grep -qw nosuid; then
		install -m 4755 -o root "$BIN/target" "$SUID_TARGET"
		spawn SUID "${NOBODY_CREDS[@]}" "$SUID_TARGET" --no-1g
	fi
	# A user namespace of nobody's (nobody is root in it), holding a
	# target and a non-dumpable target.
	if "${NOBODY_CREDS[@]}" unshare --user --map-root-user true 2>/dev/null; then
		spawn USERNS "${NOBODY_CREDS[@]}" unshare --user --map-root-user \
			"$BIN/target" --no-1g
		spawn USERNS_SEALED "${NOBODY_CREDS[@]}" \
			nsenter --user --preserve-credentials --target "$USERNS_PID" \
			"$BIN/target" --no-1g --nondumpable
	fi
	# nobody's target as pid 1 of a pid namespace of its own; its pid
	# here is the child of unshare.
	spawn PIDNS unshare --pid --fork --mount-proc "${NOBODY_CREDS[@]}" \
		"$BIN/target" --no-1g
	PIDNS_INNER=$PIDNS_PID
	PIDNS_PID=$(pgrep -P "$PIDNS_LAUNCHER")
	echo "$PIDNS_PID" >>"$BATS_FILE_TMPDIR/pids"
	export ROOTT_PID ROOTT_OUT MINE_PID MINE_OUT SEALED_PID SEALED_OUT \
		SUID_PID SUID_OUT USERNS_PID USERNS_OUT USERNS_SEALED_PID \
		USERNS_SEALED_OUT PIDNS_PID PIDNS_OUT PIDNS_INNER
}

teardown_file() {
	stop_targets
	rm -f "$SUID_TARGET"
}

teardown() {
	[ -z "${WATCHERS:-}" ] || kill -9 $WATCHERS 2>/dev/null || true
	[ -z "${SUID_DUMPABLE_WAS:-}" ] || sysctl -qw fs.suid_dumpable="$SUID_DUMPABLE_WAS"
	rm -f /usr/local/bin/ptscope-suid-true
	[ -z "${CELL:-}" ] || rm -rf "$CELL"
	check_dmesg
}

# ---- the matrix ----

# caller NAME: CALLER, the words that run a command as that caller.
caller() {
	case $1 in
	root)		CALLER=() ;;
	nobody)		CALLER=("${NOBODY_CREDS[@]}") ;;
	other)		CALLER=("${OTHER_CREDS[@]}") ;;
	# nobody as root of a user namespace of its own
	new-userns)	CALLER=("${NOBODY_CREDS[@]}" unshare --user --map-root-user) ;;
	# nobody as root of the user namespace USERNS runs in
	target-userns)	CALLER=("${NOBODY_CREDS[@]}" nsenter --user --preserve-credentials
				--target "$USERNS_PID") ;;
	# in a pid namespace with its own /proc, as root or as nobody
	pidns-root)	CALLER=(unshare --pid --fork --mount-proc) ;;
	pidns-nobody)	CALLER=(unshare --pid --fork --mount-proc "${NOBODY_CREDS[@]}") ;;
	# in a pid namespace that still sees the parent's /proc
	pidns-noproc)	CALLER=(unshare --pid --fork) ;;
	*)		echo "no caller $1" >&2; return 1 ;;
	esac
}

# target NAME: PID, VA (16 written pages) and POKE (an untouched page, a
# different one each time) of a target; "spawn": the probe starts one as
# the caller, in the caller's namespaces.
target() {
	local out n
	if [ "$1" = spawn ]; then
		PID=spawn VA=- POKE=-
		return
	fi
	local pidvar=${1}_PID outvar=${1}_OUT
	[ -n "${!pidvar:-}" ] || skip "no $1 target: $(skip_reason "$1")"
	PID=${!pidvar}
	out=${!outvar}
	VA=$(awk '$1 == "anon4k" { print $2 }' "$out")
	n=$(cat "$BATS_FILE_TMPDIR/$1.pokes" 2>/dev/null || echo 0)
	echo $((n + 1)) >"$BATS_FILE_TMPDIR/$1.pokes"
	POKE=$(printf '0x%x' $(($(awk '$1 == "untouched" { print $2 }' "$out") + n * 4096)))
}

skip_reason() {
	case $1 in
	SUID)		echo "/usr/local/bin is mounted nosuid" ;;
	USERNS*)	echo "unprivileged user namespaces are disabled (Debian: sysctl kernel.unprivileged_userns_clone=1)" ;;
	*)		echo "it did not start" ;;
	esac
}

# The command of each column, for tests/progs/probe.
command_of() {
	case $1 in
	walk)	CMD=("$BIN/ptscope" --json walk %PID% %VA%) ;;
	dump)	CMD=("$BIN/ptscope" --json dump %PID% %VA% %END%) ;;
	watch)	CMD=("$BIN/ptscope" --json watch %PID% --events fault --count 1) ;;
	esac
}

# cell COMMAND CALLER TARGET EXPECT: one cell, checked. EXPECT is what the
# cell's definition predicts: frames (allowed, frames shown), hidden
# (allowed, frames hidden) or refused.
cell() {
	local cmd=$1 who=$2 tgt=$3 want=$4
	caller "$who"
	target "$tgt"
	command_of "$cmd"
	CELL=$(mktemp -d /tmp/ptscope-cell.XXXXXX)
	chmod 0777 "$CELL"
	local poke=-
	[ "$cmd" = watch ] && poke=$POKE
	"${CALLER[@]}" "$BIN/probe" "$CELL" "$PID" "$VA" "$poke" -- "${CMD[@]}"
	echo "# cell: $cmd by $who of $tgt, expecting $want" >&2
	grep . "$CELL"/{facts,pagemap,sysadmin,status,err,poked} >&2 || true
	head -c 2000 "$CELL/out" >&2
	check_cell "$cmd" "$want"
}

# The pfn of pagemap entry HEX, 0 if none shown.
pm_pfn() {
	echo $((0x$1 & ((1 << 55) - 1)))
}

check_cell() {
	local cmd=$1 want=$2 verdict status sysadmin
	verdict=$(head -1 "$CELL/pagemap")
	status=$(cat "$CELL/status")
	sysadmin=$(cat "$CELL/sysadmin")
	PID=$(awk '$1 == "pid" { print $2 }' "$CELL/facts")
	VA=$(awk '$1 == "va" { print $2 }' "$CELL/facts")

	# The cell is what it says it is.
	case $want in
	refused)	[[ "$verdict" == refused* ]] ;;
	frames|hidden)	[ "$verdict" = ok ] ;;
	esac

	if [[ "$verdict" == refused* ]]; then
		# pagemap refused this caller: so does ptscope, saying why.
		[ "$status" -eq 1 ]
		grep -q '^ptscope: kernel reports: ' "$CELL/err"
		[ "$(cat "$CELL/poked")" = no ]
		! grep -q '"pfn":[0-9]' "$CELL/out" || false
		return 0
	fi
	[ "$status" -eq 0 ]

	# Frames: pagemap shows PFNs to this caller exactly when it has
	# CAP_SYS_ADMIN, and then for every one of the 16 present pages.
	local pfns=() e shown=0
	while read -r e; do
		[ $((0x$e >> 63 & 1)) -eq 1 ]	# present
		pfns+=("$(pm_pfn "$e")")
		[ "${pfns[-1]}" -eq 0 ] || shown=$((shown + 1))
	done < <(tail -n +2 "$CELL/pagemap")
	[ "${#pfns[@]}" -eq 16 ]
	[ "$shown" -eq 0 ] || [ "$shown" -eq 16 ]
	local visible=$((shown > 0))
	[ "$visible" -eq "$sysadmin" ]
	case $want in
	frames)	[ "$visible" -eq 1 ] ;;
	hidden)	[ "$visible" -eq 0 ] ;;
	esac

	"check_$cmd" "$visible" "${pfns[@]}"
}

# check_walk VISIBLE PFN...: the walk of the first page.
check_walk() {
	local visible=$1 out e
	shift
	out=$(cat "$CELL/out")
	[ "$(jfield "$out" .present)" = true ]
	[ "$(jfield "$out" '.levels | length')" = "$(expected_levels)" ]
	# Flags are not secret: they are there either way.
	jfield "$out" '.flags | index("RW")'
	if [ "$visible" -eq 1 ]; then
		[ "$(jfield "$out" .frames_hidden)" = false ]
		[ "$(jfield "$out" .pfn)" -eq "$1" ]
		[ $(($(jfield "$out" .phys))) -eq $(($1 << 12 | VA & 0xfff)) ]
		[ "$(jq '[.levels[] | select(has("entry_phys"))] | length' <<<"$out")" = "$(expected_levels)" ]
		return 0
	fi
	[ "$(jfield "$out" .frames_hidden)" = true ]
	[ "$(jq -r .pfn <<<"$out")" = null ]
	[ "$(jq -r .phys <<<"$out")" = null ]
	# No entry carries frame bits 51..12, and no table address is given.
	for e in $(jq -r '.levels[].entry' <<<"$out"); do
		[ $((e & 0x000ffffffffff000)) -eq 0 ]
	done
	[ "$(jq '[.levels[] | select(has("entry_phys"))] | length' <<<"$out")" = 0 ]
}

# check_dump VISIBLE PFN...: the 16 pages as runs.
check_dump() {
	local visible=$1 runs
	shift
	local pfns=("$@")
	runs=$(jq -c 'select(.type == "run")' "$CELL/out")
	# The runs cover the 16 pages exactly.
	[ "$(jq -s 'map(.pages) | add' <<<"$runs")" -eq 16 ]
	[ $(($(jq -r .start <<<"$runs" | head -1))) -eq $((VA)) ]
	jq -e 'select(.type == "summary")' "$CELL/out" >/dev/null
	if [ "$visible" -eq 0 ]; then
		# No frame, and no run ends where physical contiguity does:
		# 16 pages written alike are one run.
		[ "$(jq -r .pfn <<<"$runs" | sort -u)" = null ]
		[ -n "$runs" ]
		[ "$(wc -l <<<"$runs")" -eq 1 ]
		return 0
	fi
	# Each page's frame is pagemap's, and runs end exactly where
	# pagemap's frames stop following on.
	local i=0 j start pages pfn breaks=0
	while read -r start pages pfn; do
		[ $(((start - VA) / 4096)) -eq "$i" ]
		for ((j = 0; j < pages; j++)); do
			[ $((pfn + j)) -eq "${pfns[i]}" ]
			i=$((i + 1))
		done
	done < <(jq -r '"\(.start) \(.pages) \(.pfn)"' <<<"$runs")
	[ "$i" -eq 16 ]
	for ((j = 1; j < 16; j++)); do
		[ "${pfns[j]}" -eq $((pfns[j - 1] + 1)) ] || breaks=$((breaks + 1))
	done
	[ "$(wc -l <<<"$runs")" -eq $((breaks + 1)) ]
}

# check_watch VISIBLE PFN...: the one fault the target made when the probe
# asked it to write to its untouched page.
check_watch() {
	local visible=$1 ev poke
	[ "$(cat "$CELL/poked")" = ok ]
	poke=$(awk '$1 == "poke" { print $2 }' "$CELL/facts")
	ev=$(jq -c 'select(.type == "fault")' "$CELL/out")
	[ -n "$ev" ]
	[ "$(wc -l <<<"$ev")" -eq 1 ]
	[ $(($(jfield "$ev" .va))) -eq $((poke)) ]
	[ "$(jfield "$ev" .after)" = present ]
	[ "$(jfield "$ev" .pid)" -eq "$PID" ]
	if [ "$visible" -eq 1 ]; then
		[ "$(sed -n 1p "$CELL/pagemap_poke")" = ok ]
		# Events give frames in hex.
		[ $(($(jfield "$ev" .pfn))) -eq "$(pm_pfn "$(sed -n 2p "$CELL/pagemap_poke")")" ]
		[ $(($(jfield "$ev" .pfn))) -ne 0 ]
	else
		[ "$(jq -r .pfn <<<"$ev")" = null ]
		[ "$(jq -r .old_pfn <<<"$ev")" = null ]
	fi
}

# A caller in a new pid namespace that still has its parent's /proc: the
# pid it names (its target's, in its namespace) is another process there,
# so pagemap cannot be asked about its target, and the module refuses
# rather than check the wrong process.
noproc_cell() {
	local cmd=$1
	caller pidns-noproc
	command_of "$cmd"
	CELL=$(mktemp -d /tmp/ptscope-cell.XXXXXX)
	chmod 0777 "$CELL"
	"${CALLER[@]}" "$BIN/probe" "$CELL" spawn - - -- "${CMD[@]}"
	grep . "$CELL"/{facts,pagemap,status,err} >&2 || true
	# The witness: this /proc shows something else (or nothing) under
	# the target's pid, so its pagemap is not the target's.
	[ "$(awk '$1 == "comm" { print $2 }' "$CELL/facts")" != target ]
	[ "$(cat "$CELL/status")" -eq 1 ]
	grep -q "kernel reports: cannot check access: the caller's /proc shows another process under this pid" "$CELL/err"
	! grep -q '"pfn":[0-9]' "$CELL/out" || false
}

# A caller in a pid namespace naming a pid that exists only outside it:
# its own /proc has no such entry, and ptscope finds no such process.
outside_cell() {
	cell "$1" pidns-root MINE refused
	[ "$(awk '$1 == "comm" { print $2 }' "$CELL/facts")" = - ]
	grep -q 'No such file or directory' "$CELL/pagemap"
	grep -q 'kernel reports: no such process' "$CELL/err"
}

@test "walk: root, its own process: frames" { cell walk root ROOTT frames; }
@test "dump: root, its own process: frames" { cell dump root ROOTT frames; }
@test "watch: root, its own process: frames" { cell watch root ROOTT frames; }

@test "walk: root, another user's process: frames" { cell walk root MINE frames; }
@test "dump: root, another user's process: frames" { cell dump root MINE frames; }
@test "watch: root, another user's process: frames" { cell watch root MINE frames; }

@test "walk: same user: allowed, frames hidden" { cell walk nobody MINE hidden; }
@test "dump: same user: allowed, frames hidden" { cell dump nobody MINE hidden; }
@test "watch: same user: allowed, frames hidden" { cell watch nobody MINE hidden; }

@test "walk: another user, root's process: refused" {
	cell walk nobody ROOTT refused
	grep -q 'kernel reports: not permitted: needs the same rights as reading /proc/PID/pagemap' "$CELL/err"
}
@test "dump: another user, root's process: refused" { cell dump nobody ROOTT refused; }
@test "watch: another user, root's process: refused" { cell watch nobody ROOTT refused; }

@test "walk: another unprivileged user: refused" { cell walk other MINE refused; }
@test "dump: another unprivileged user: refused" { cell dump other MINE refused; }
@test "watch: another unprivileged user: refused" { cell watch other MINE refused; }

@test "walk: a setuid program, by the user who ran it: refused" { cell walk nobody SUID refused; }
@test "dump: a setuid program, by the user who ran it: refused" { cell dump nobody SUID refused; }
@test "watch: a setuid program, by the user who ran it: refused" { cell watch nobody SUID refused; }

@test "walk: a setuid program, by root: frames" { cell walk root SUID frames; }
@test "dump: a setuid program, by root: frames" { cell dump root SUID frames; }
@test "watch: a setuid program, by root: frames" { cell watch root SUID frames; }

@test "walk: PR_SET_DUMPABLE 0, same user: refused" {
	cell walk nobody SEALED refused
	grep -q 'kernel reports: not permitted' "$CELL/err"
}
@test "dump: PR_SET_DUMPABLE 0, same user: refused" { cell dump nobody SEALED refused; }
@test "watch: PR_SET_DUMPABLE 0, same user: refused" { cell watch nobody SEALED refused; }

@test "walk: PR_SET_DUMPABLE 0, root: frames" { cell walk root SEALED frames; }
@test "dump: PR_SET_DUMPABLE 0, root: frames" { cell dump root SEALED frames; }
@test "watch: PR_SET_DUMPABLE 0, root: frames" { cell watch root SEALED frames; }

@test "walk: target in a user namespace, by its owner: frames hidden" { cell walk nobody USERNS hidden; }
@test "dump: target in a user namespace, by its owner: frames hidden" { cell dump nobody USERNS hidden; }
@test "watch: target in a user namespace, by its owner: frames hidden" { cell watch nobody USERNS hidden; }

@test "walk: target in a user namespace, by another user: refused" { cell walk other USERNS refused; }
@test "dump: target in a user namespace, by another user: refused" { cell dump other USERNS refused; }
@test "watch: target in a user namespace, by another user: refused" { cell watch other USERNS refused; }

@test "walk: target in a user namespace, by root: frames" { cell walk root USERNS frames; }
@test "dump: target in a user namespace, by root: frames" { cell dump root USERNS frames; }
@test "watch: target in a user namespace, by root: frames" { cell watch root USERNS frames; }

# Non-dumpable, but in a namespace its owner holds CAP_SYS_PTRACE in: the
# kernel's ptrace check lets the owner in, frames still hidden.
@test "walk: non-dumpable target in a user namespace, by the namespace's owner: frames hidden" {
	cell walk nobody USERNS_SEALED hidden
}
@test "dump: non-dumpable target in a user namespace, by the namespace's owner: frames hidden" {
	cell dump nobody USERNS_SEALED hidden
}
@test "watch: non-dumpable target in a user namespace, by the namespace's owner: frames hidden" {
	cell watch nobody USERNS_SEALED hidden
}

@test "walk: caller root in the target's user namespace: frames hidden" { cell walk target-userns USERNS hidden; }
@test "dump: caller root in the target's user namespace: frames hidden" { cell dump target-userns USERNS hidden; }
@test "watch: caller root in the target's user namespace: frames hidden" { cell watch target-userns USERNS hidden; }

@test "walk: caller root in the target's user namespace, non-dumpable target: frames hidden" {
	cell walk target-userns USERNS_SEALED hidden
}
@test "dump: caller root in the target's user namespace, non-dumpable target: frames hidden" {
	cell dump target-userns USERNS_SEALED hidden
}
@test "watch: caller root in the target's user namespace, non-dumpable target: frames hidden" {
	cell watch target-userns USERNS_SEALED hidden
}

# Root of a user namespace of its own, the caller has no rights over its
# own processes outside it (the capability check crosses namespaces).
@test "walk: caller root of a new user namespace, its own process outside: refused" { cell walk new-userns MINE refused; }
@test "dump: caller root of a new user namespace, its own process outside: refused" { cell dump new-userns MINE refused; }
@test "watch: caller root of a new user namespace, its own process outside: refused" { cell watch new-userns MINE refused; }

@test "walk: target in another pid namespace, by root: frames" { cell walk root PIDNS frames; }
@test "dump: target in another pid namespace, by root: frames" { cell dump root PIDNS frames; }
@test "watch: target in another pid namespace, by root: frames" { cell watch root PIDNS frames; }

@test "walk: target in another pid namespace, same user: frames hidden" { cell walk nobody PIDNS hidden; }
@test "dump: target in another pid namespace, same user: frames hidden" { cell dump nobody PIDNS hidden; }
@test "watch: target in another pid namespace, same user: frames hidden" { cell watch nobody PIDNS hidden; }

@test "walk: target in another pid namespace, another user: refused" { cell walk other PIDNS refused; }
@test "dump: target in another pid namespace, another user: refused" { cell dump other PIDNS refused; }
@test "watch: target in another pid namespace, another user: refused" { cell watch other PIDNS refused; }

@test "walk: caller root in a pid namespace, a pid of its namespace: frames" { cell walk pidns-root spawn frames; }
@test "dump: caller root in a pid namespace, a pid of its namespace: frames" { cell dump pidns-root spawn frames; }
@test "watch: caller root in a pid namespace, a pid of its namespace: frames" { cell watch pidns-root spawn frames; }

@test "walk: caller in a pid namespace, a pid of its namespace: frames hidden" { cell walk pidns-nobody spawn hidden; }
@test "dump: caller in a pid namespace, a pid of its namespace: frames hidden" { cell dump pidns-nobody spawn hidden; }
@test "watch: caller in a pid namespace, a pid of its namespace: frames hidden" { cell watch pidns-nobody spawn hidden; }

@test "walk: caller in a pid namespace, a pid that exists only outside it: no such process" { outside_cell walk; }
@test "dump: caller in a pid namespace, a pid that exists only outside it: no such process" { outside_cell dump; }
@test "watch: caller in a pid namespace, a pid that exists only outside it: no such process" { outside_cell watch; }

@test "walk: caller in a pid namespace with its parent's /proc: refused, not guessed" { noproc_cell walk; }
@test "dump: caller in a pid namespace with its parent's /proc: refused, not guessed" { noproc_cell dump; }
@test "watch: caller in a pid namespace with its parent's /proc: refused, not guessed" { noproc_cell watch; }

# ---- what an unprivileged user gets: searched for secrets ----

# pm_entries PID ADDR N: N pagemap entries from ADDR as root reads them,
# one hex word a line.
pm_entries() {
	dd if="/proc/$1/pagemap" bs=8 skip=$(($2 / 4096)) count="$3" status=none |
		od -An -v -t x8 -w8 | tr -d ' '
}

# min_swap_offset PID ADDR N: the smallest swap offset of N pages, as
# root's pagemap shows them; 0 if one of them is not in swap.
min_swap_offset() {
	local e min=
	while read -r e; do
		[ $((0x$e >> 62 & 1)) -eq 1 ] || { echo 0; return; }
		e=$((0x$e >> 5 & ((1 << 50) - 1)))
		[ -n "$min" ] && [ "$min" -le "$e" ] || min=$e
	done < <(pm_entries "$1" "$2" "$3")
	echo "${min:-0}"
}

# A faulter of nobody's, driven through a fifo anyone may write.
start_faulter() {
	FIFO=$(mktemp -u /tmp/ptscope-fifo.XXXXXX)
	mkfifo -m 0666 "$FIFO"
	spawn F "${NOBODY_CREDS[@]}" "$BIN/faulter" "$FIFO"
	FN=0
}

# The addresses of every kind of mapping the target printed, and all 16
# pages of anon4k.
target_addrs() {
	local a
	ADDRS=()
	for a in text data bss heap stack anon4k file_ro thp huge2m untouched protnone swapped; do
		ADDRS+=("$(awk -v k="$a" '$1 == k && $2 != "fail" { print $2 }' "$1")")
	done
	a=$(awk '$1 == "anon4k" { print $2 }' "$1")
	for i in $(seq 1 15); do
		ADDRS+=("$(printf '0x%x' $((a + i * 4096)))")
	done
}

# secret KIND VALUE NOTE: one line of leakscan's secrets.
secret() {
	echo "$1 $(printf '0x%x' "$2") $3" >>"$SECRETS.all"
}

# walk_secrets JSON: what root's `ptscope --json walk` shows and nobody
# must not see: frames and physical addresses of pages, of tables and of
# entries, and raw entries with their frame bits.
walk_secrets() {
	local va pfn phys level kind entry ephys frame
	while IFS=$'\t' read -r va pfn phys; do
		[ "$pfn" -ne 0 ] || continue
		secret pfn "$pfn" "page of $va"
		secret phys "$phys" "byte $va"
		secret phys $((pfn << 12)) "page of $va"
	done < <(jq -r '[.va, (.pfn // 0), (.phys // "0x0")] | @tsv' "$1")
	while IFS=$'\t' read -r va level kind entry ephys; do
		secret phys "$ephys" "$level entry of $va"
		secret phys $((ephys & ~0xfff)) "$level table of $va"
		secret pfn $((ephys >> 12)) "$level table of $va"
		frame=$((entry & 0x000ffffffffff000))
		if [ "$frame" -ne 0 ] && [ "$kind" != nonpresent ]; then
			secret entry "$entry" "$level entry of $va"
			secret phys "$frame" "what the $level entry of $va points at"
			secret pfn $((frame >> 12)) "what the $level entry of $va points at"
		fi
	done < <(jq -r '.va as $va | .levels[] | [$va, .level, .kind, .entry, .entry_phys] | @tsv' "$1")
}

# pagemap_secrets PID ADDR N NOTE: the frames, or swap offsets, of N pages
# as root's pagemap shows them (pagemap hides both from the unprivileged).
pagemap_secrets() {
	local e i=0 pfn
	while read -r e; do
		pfn=$(pm_pfn "$e")
		if [ $((0x$e >> 62 & 1)) -eq 1 ]; then
			secret swap $((0x$e >> 5 & ((1 << 50) - 1))) "$4 page $i, swapped"
		elif [ "$pfn" -ne 0 ]; then
			secret pfn "$pfn" "$4 page $i"
			secret phys $((pfn << 12)) "$4 page $i"
		fi
		i=$((i + 1))
	done < <(pm_entries "$1" "$2" "$3")
}

# The secrets, once each, less the frame numbers and swap offsets below
# 4096: pids, counts and indices are numbers of that size too.
finish_secrets() {
	local kind value note dropped=0
	declare -A seen=()
	: >"$SECRETS"
	while read -r kind value note; do
		[ -z "${seen[$kind$value]:-}" ] || continue
		seen[$kind$value]=1
		if [ "$kind" = pfn ] || [ "$kind" = swap ] && [ $((value)) -lt 4096 ]; then
			dropped=$((dropped + 1))
			continue
		fi
		echo "$kind $value $note" >>"$SECRETS"
	done <"$SECRETS.all"
	echo "# $dropped frame numbers and swap offsets below 4096 left out" >&2
}

# nobody_says FILE ARGS...: ptscope as nobody; its stdout and stderr into
# FILE in $LEAK; it must succeed.
nobody_says() {
	local f=$1
	shift
	"${NOBODY_CREDS[@]}" timeout 120 "$BIN/ptscope" "$@" >"$LEAK/$f" 2>&1 ||
		{ echo "ptscope $* as nobody: exit $?" >&2; cat "$LEAK/$f" >&2; return 1; }
	TEXTS+=("$LEAK/$f")
}

# nobody_captures FILE ARGS...: nlcap as nobody, the raw replies into FILE.
nobody_captures() {
	local f=$1
	shift
	"${NOBODY_CREDS[@]}" timeout 120 "$BIN/nlcap" "$LEAK/$f" "$@" >/dev/null
	RAWS+=("$LEAK/$f")
}

# A watcher of F's, as nobody, in the background: text, JSON or raw.
nobody_watches() {
	local f=$1
	shift
	"${NOBODY_CREDS[@]}" "$@" >"$LEAK/$f" 2>"$LEAK/$f.err" &
	WATCHERS="${WATCHERS:-} $!"
	wait_line "$LEAK/$f.err" watching
}

@test "nothing an unprivileged user gets from any command carries a frame, a swap offset, a physical or table address, or a kernel address" {
	LEAK=$(mktemp -d /tmp/ptscope-leak.XXXXXX)
	chmod 0777 "$LEAK"
	CELL=$LEAK
	SECRETS=$BATS_TEST_TMPDIR/secrets
	: >"$SECRETS.all"
	TEXTS=() RAWS=()
	target_addrs "$MINE_OUT"

	# What root sees of nobody's target: pagemap's frames, and the
	# tables of every translation.
	"$PTSCOPE" --json walk "$MINE_PID" "${ADDRS[@]}" >"$BATS_TEST_TMPDIR/root-walk.json"
	walk_secrets "$BATS_TEST_TMPDIR/root-walk.json"
	local a
	for a in "${ADDRS[@]}"; do
		pagemap_secrets "$MINE_PID" "$a" 1 "target's $a"
	done
	if grep -q zram /proc/swaps; then
		pagemap_secrets "$MINE_PID" "$(awk '$1 == "swapped" { print $2 }' "$MINE_OUT")" 64 \
			"target's swapped region"
	fi
	# ptscope as root and pagemap agree on the frames (else the secrets
	# would be of the wrong kind).
	[ "$(jq -r 'select(.pfn) | .pfn' "$BATS_TEST_TMPDIR/root-walk.json" | sort -n | head -1)" -gt 0 ]

	# Everything nobody can ask about its own target.
	nobody_says walk.txt walk "$MINE_PID" "${ADDRS[@]}"
	nobody_says walk.json --json walk "$MINE_PID" "${ADDRS[@]}"
	nobody_says explain.txt explain "$MINE_PID" "${ADDRS[@]}"
	nobody_says explain.json --json explain "$MINE_PID" "${ADDRS[@]}"
	nobody_says dump.txt dump "$MINE_PID"
	nobody_says dump.json --json dump "$MINE_PID"
	nobody_says dump-holes.json --json dump --holes "$MINE_PID"
	nobody_says maps.txt maps "$MINE_PID"
	nobody_says maps.json --json maps "$MINE_PID"
	nobody_says map.txt --color=always map --all "$MINE_PID"
	nobody_says map-svg.txt map --svg "$LEAK/map.svg" "$MINE_PID"
	TEXTS+=("$LEAK/map.svg")
	nobody_says swaps.txt swaps
	nobody_says swaps.json --json swaps
	nobody_captures info.raw info
	nobody_captures walk.raw walk "$MINE_PID" "${ADDRS[@]}"
	nobody_captures dump.raw dump "$MINE_PID"
	nobody_captures swaps.raw swaps
	# Frames hidden is what was asked about, not a vacuous pass.
	jq -e 'select(.present) | .frames_hidden' "$LEAK/walk.json" >/dev/null

	# Live events of a process of nobody's: faults onto new frames,
	# swap-out and swap-in, a copy-on-write in a child, TLB flushes and
	# invalidations, and the module's stat meanwhile.
	start_faulter
	fdo map 32
	region=$(awk '$1 == "region" { print $2 }' "$F_OUT" | tail -1)
	nobody_watches watch.json "$BIN/ptscope" --json watch "$F_PID" --children
	nobody_watches watch.txt "$BIN/ptscope" watch "$F_PID" --children
	nobody_watches nlcap.out "$BIN/nlcap" "$LEAK/watch.raw" watch "$F_PID"
	fdo touch
	pagemap_secrets "$F_PID" "$region" 32 "faulter's region, written"
	nobody_says stat.txt stat
	nobody_says stat.json --json stat
	nobody_captures stat.raw stat
	if grep -q zram /proc/swaps; then
		# Swap offsets below 4096 are not looked for (finish_secrets),
		# and where the swap allocator puts a page depends on what
		# swapped before; page out again until these are looked for.
		local tries=0
		fdo pageout
		while [ "$(min_swap_offset "$F_PID" "$region" 32)" -lt 4096 ]; do
			tries=$((tries + 1))
			[ "$tries" -lt 64 ] || { echo "swap offsets stay below 4096" >&2; return 1; }
			fdo touch
			fdo pageout
		done
		pagemap_secrets "$F_PID" "$region" 32 "faulter's region, paged out"
		fdo touch
		pagemap_secrets "$F_PID" "$region" 32 "faulter's region, swapped in"
	fi
	fdo fork
	child=$(awk '$1 == "child" { print $2 }' "$F_OUT")
	echo "$child" >>"$BATS_FILE_TMPDIR/pids"
	pagemap_secrets "$child" "$region" 1 "the child's copy"
	fdo mprotect
	fdo munmap
	kill -INT $WATCHERS
	wait $WATCHERS
	WATCHERS=
	TEXTS+=("$LEAK/watch.json" "$LEAK/watch.txt" "$LEAK/watch.json.err" "$LEAK/watch.txt.err")
	RAWS+=("$LEAK/watch.raw")
	# The watch saw what happened, frames withheld.
	[ "$(jq -c 'select(.type == "fault" and .pid == '"$F_PID"')' "$LEAK/watch.json" | wc -l)" -ge 32 ]
	[ "$(jq -c 'select(.type == "fault" and .outcome == "cow")' "$LEAK/watch.json" | wc -l)" -ge 1 ]
	[ "$(jq -c 'select(.pfn != null or .old_pfn != null)' "$LEAK/watch.json" | wc -l)" -eq 0 ]

	finish_secrets
	[ "$(grep -c '^pfn' "$SECRETS")" -ge 40 ]
	[ "$(grep -c '^phys' "$SECRETS")" -ge 40 ]
	[ "$(grep -c '^entry' "$SECRETS")" -ge 10 ]
	! grep -q zram /proc/swaps || [ "$(grep -c '^swap' "$SECRETS")" -ge 32 ]
	run "$BIN/leakscan" "$SECRETS" --text "${TEXTS[@]}" --raw "${RAWS[@]}"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ "$output" == "0 hits in "* ]]

	# The same search finds them in what root gets: the scan can fail.
	"$PTSCOPE" walk "$MINE_PID" "${ADDRS[@]}" >"$BATS_TEST_TMPDIR/root-walk.txt"
	"$BIN/nlcap" "$BATS_TEST_TMPDIR/root-walk.raw" walk "$MINE_PID" "${ADDRS[@]}" >/dev/null
	run "$BIN/leakscan" "$SECRETS" --text "$BATS_TEST_TMPDIR/root-walk.txt"
	[ "$status" -eq 1 ]
	grep -q ': pfn 0x' <<<"$output"
	grep -q ': phys 0x' <<<"$output"
	grep -q ': entry 0x' <<<"$output"
	run "$BIN/leakscan" "$SECRETS" --raw "$BATS_TEST_TMPDIR/root-walk.raw"
	[ "$status" -eq 1 ]
	grep -q 'byte [0-9]*: phys 0x' <<<"$output"
	grep -q 'byte [0-9]*: entry 0x' <<<"$output"
	grep -q 'attribute cmd 2/13: pfn 0x' <<<"$output"
	grep -q 'attribute cmd 2/11/12/8: phys 0x' <<<"$output"
	# The target's swap offsets may be too small for the search above;
	# in a reply's swap attribute, they are found whatever their size.
	if grep -q zram /proc/swaps; then
		grep "^swap .* target's swapped region" "$SECRETS.all" >"$BATS_TEST_TMPDIR/swaps"
		run "$BIN/leakscan" "$BATS_TEST_TMPDIR/swaps" --raw "$BATS_TEST_TMPDIR/root-walk.raw"
		[ "$status" -eq 1 ]
		grep -q 'attribute cmd 2/24: swap 0x' <<<"$output"
	fi
}

# pagemap tells an unprivileged reader that a page is swapped out (bit 62)
# but not where: the swap type and offset are shown only with
# CAP_SYS_ADMIN, as the frame is (fs/proc/task_mmu.c, pte_to_pagemap_entry:
# "if (pm->show_pfn)"), because a swap entry's offset field holds a frame
# number for migration and device entries. So does ptscope, in walk, dump
# and watch, and in the raw entry (x86 keeps the inverted offset in bits
# 9-58 and the type above it).
@test "like pagemap, the unprivileged are told a page is swapped out, not where: walk, dump and watch" {
	grep -q zram /proc/swaps || skip "no swap in this VM (tests/vm/run --swap SIZE)"
	local va pm out entry leaks=()
	addr va "$MINE_OUT" swapped
	# Root's pagemap: swapped, at a real offset.
	pm=$(pm_entries "$MINE_PID" "$va" 1)
	[ $((0x$pm >> 62 & 1)) -eq 1 ]
	[ $((0x$pm >> 5 & ((1 << 50) - 1))) -ne 0 ]
	# nobody's pagemap of its own process: swapped, nowhere.
	pm=$("${NOBODY_CREDS[@]}" dd if="/proc/$MINE_PID/pagemap" bs=8 skip=$((va / 4096)) count=1 status=none |
		od -An -v -t x8 | tr -d ' ')
	[ $((0x$pm >> 62 & 1)) -eq 1 ]
	[ $((0x$pm & ((1 << 55) - 1))) -eq 0 ]

	out=$("${NOBODY_CREDS[@]}" "$BIN/ptscope" --json walk "$MINE_PID" "$va")
	[ "$(jfield "$out" .state)" = swap ]
	[ $(($(jq -r '.swap.offset // 0' <<<"$out"))) -eq 0 ] ||
		leaks+=("walk: swap offset $(jq -r .swap.offset <<<"$out")")
	entry=$(jq -r '.levels[-1].entry' <<<"$out")
	[ $((entry & ~0x1ff)) -eq 0 ] ||
		leaks+=("walk: the pte $entry keeps type and offset bits")
	out=$("${NOBODY_CREDS[@]}" "$BIN/ptscope" --json dump "$MINE_PID" "$va" $((va + 4096)))
	[ "$(jq -r 'select(.type == "run") | .state' <<<"$out")" = swap ]
	[ $(($(jq -r 'select(.type == "run") | .swap.offset // 0' <<<"$out"))) -eq 0 ] ||
		leaks+=("dump: swap offset $(jq -r 'select(.type == "run") | .swap.offset' <<<"$out")")

	LEAK=$(mktemp -d /tmp/ptscope-leak.XXXXXX)
	chmod 0777 "$LEAK"
	CELL=$LEAK
	start_faulter
	fdo map 4
	fdo touch
	nobody_watches swap.json "$BIN/ptscope" --json watch "$F_PID" --events swap
	fdo pageout
	fdo read
	kill -INT $WATCHERS
	wait $WATCHERS
	WATCHERS=
	[ "$(jq -c 'select(.type == "swap_out")' "$LEAK/swap.json" | wc -l)" -eq 4 ]
	[ "$(jq -c 'select(.type == "swap_out" or .type == "swap_in") | select((.swap.offset // "0x0") != "0x0")' "$LEAK/swap.json" | wc -l)" -eq 0 ] ||
		leaks+=("watch: swap offsets $(jq -r 'select(.swap) | .swap.offset' "$LEAK/swap.json" | sort -u | tr '\n' ' ')")

	printf 'leaks to an unprivileged caller: %s\n' "${leaks[@]}" >&2
	[ "${#leaks[@]}" -eq 0 ]
}

# With fs.suid_dumpable=1 a setuid program stays dumpable, but its
# credentials change: pagemap refuses its invoker (the uids differ), and so
# does a new walk or watch; and a watch already following the process
# stops there, as with fs.suid_dumpable=0 (the exec re-check compares ids).
@test "with fs.suid_dumpable=1, a watch stops at a setuid program that pagemap refuses to show" {
	[ -n "${SUID_PID:-}" ] || skip "/usr/local/bin is mounted nosuid"
	local pm
	SUID_DUMPABLE_WAS=$(sysctl -n fs.suid_dumpable)
	sysctl -qw fs.suid_dumpable=1
	spawn DUMPABLE_SUID "${NOBODY_CREDS[@]}" "$SUID_TARGET" --no-1g
	# The oracle: a setuid program started so is dumpable, yet pagemap
	# refuses the user who ran it; so does a new walk.
	[ "$(awk '$1 == "Uid:" { print $2, $3 }' "/proc/$DUMPABLE_SUID_PID/status")" = "$NOBODY 0" ]
	run "${NOBODY_CREDS[@]}" dd if="/proc/$DUMPABLE_SUID_PID/pagemap" bs=8 count=1 status=none
	pm=$status
	run "${NOBODY_CREDS[@]}" "$BIN/ptscope" walk "$DUMPABLE_SUID_PID" \
		"$(awk '$1 == "anon4k" { print $2 }' "$DUMPABLE_SUID_OUT")"
	[ "$pm" -ne 0 ]
	[ "$status" -eq 1 ]
	[[ "$output" == *"kernel reports: not permitted"* ]]

	# A watch that follows a process of nobody's into the same kind of
	# program should stop there, as it does with fs.suid_dumpable=0
	# (tests/090-watch.bats).
	install -m 4755 -o root /bin/true /usr/local/bin/ptscope-suid-true
	run "${NOBODY_CREDS[@]}" "$BIN/ptscope" run --events process -- /usr/local/bin/ptscope-suid-true
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ "$output" == *"may not look into"* ]]
}

# ---- what docs/security.md shows ----

# Its table of module parameters: every parameter the module has, with
# its default, as `grep . /sys/module/ptscope/parameters/*` prints them.
@test "docs/security.md lists every module parameter with its value as loaded" {
	local doc=$REPO/docs/security.md name value got
	run grep . /sys/module/ptscope/parameters/*
	[ "$status" -eq 0 ]
	got=$output
	[ -n "$got" ]
	while IFS=: read -r name value; do
		name=${name##*/}
		grep -qE "^\| \`$name\` \| \`$value\` \|" "$doc" ||
			{ echo "docs/security.md does not list $name = $value" >&2; return 1; }
	done <<<"$got"
	# ...and nothing the module does not have.
	for name in $(sed -nE 's/^\| `([a-z_]+)` \| `[^`]*` \|.*/\1/p' "$doc"); do
		[ -e "/sys/module/ptscope/parameters/$name" ] ||
			{ echo "docs/security.md lists $name, which the module lacks" >&2; return 1; }
	done
}
