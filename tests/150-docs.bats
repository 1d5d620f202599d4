#!/usr/bin/env bats
# The documentation's commands, run. tests/doc-commands lists every command
# README.md, docs/*.md, ptscope(8), bench/README.md and tests/vm/README.md
# show; this file runs each `ptscope` command among them, its placeholders
# filled with a live process (PID, 145, 1234: tests/progs/target, or for
# watch a tests/progs/faulter that this file makes fault and swap; ADDR:
# stack, as in README.md's sample; an address literal: one of its stack;
# START END: its heap, as /proc/PID/maps prints them; COMMAND: true;
# SETUID-PROGRAM: a setuid copy of true), and checks the exit status,
# that the output has the shape of the sample the document prints next to
# the command, and that the same command with --json prints every key
# README.md and ptscope(8) list. The other commands the docs show that can
# run in this VM run here too (the README's "On a real machine" block,
# make demo's script, docs/security.md's pagemap read, the bench README's
# short runs). tests/host/docs.bats checks that each command the docs show
# is run by this file or by the test its table names.

load helpers

DOCS=$REPO/tests/doc-commands

setup_file() {
	target_suite
	# The docs' sudo, for root: runs the command.
	mkdir -p "$BATS_FILE_TMPDIR/bin"
	printf '#!/bin/sh\nexec "$@"\n' >"$BATS_FILE_TMPDIR/bin/sudo"
	chmod +x "$BATS_FILE_TMPDIR/bin/sudo"
	"$DOCS" >"$BATS_FILE_TMPDIR/commands"
}

teardown() {
	[ -z "${WATCH_PID:-}" ] || kill -9 "$WATCH_PID" 2>/dev/null || true
	rm -f /usr/local/bin/ptscope-doc-suid
	load_module
	check_dmesg
}

# The commands the docs show of one ptscope command: "WHERE<TAB>TEMPLATE<TAB>SAMPLE".
templates() {
	awk -F'\t' -v c="$1" '$2 == "ptscope" {
		n = split($4, w, " "); sub_ = ""
		for (i = 2; i <= n; i++) if (w[i] !~ /^-/) { sub_ = w[i]; break }
		if (sub_ == c) print $1 "\t" $4 "\t" $5 }' "$BATS_FILE_TMPDIR/commands"
}

# maps_field PID NAME FIELD: a field (1 the range) of the first /proc/PID/maps line of NAME.
maps_line() {
	awk -v n="$2" '$6 == n { print; exit }' "/proc/$1/maps"
}

# fill TEMPLATE PID: the command with its placeholders replaced.
fill() {
	local cmd=$1 pid=$2 stack heap addr
	stack=$(maps_line "$pid" '[stack]' | cut -d' ' -f1)
	heap=$(maps_line "$pid" '[heap]' | cut -d' ' -f1)
	addr=$(printf '0x%x' $((0x${stack#*-} - 16)))
	cmd=${cmd//@PID/$pid}
	cmd=${cmd//@ADDR/stack}
	cmd=${cmd//@HEX/$addr}
	cmd=${cmd//@START/${heap%-*}}
	cmd=${cmd//@END/${heap#*-}}
	cmd=${cmd//@CMD/true}
	cmd=${cmd//@SUID//usr/local/bin/ptscope-doc-suid}
	echo "$cmd"
}

# faulter: a fresh tests/progs/faulter, F_PID; fdo WORD: have it do WORD.
faulter() {
	FIFO=$BATS_TEST_TMPDIR/fifo.$RANDOM
	mkfifo "$FIFO"
	start_target F --prog faulter "$FIFO"
	FN=0
}

fdo() {
	FN=$((FN + 1))
	echo "$FN $*" >"$FIFO"
	wait_line "$F_OUT" "^ok $FN\$"
}

# doc_cmd WHERE TEMPLATE [--json]: run one of the docs' ptscope commands
# (with --json after ptscope if asked) in a directory of its own, as the
# docs' reader would at a terminal: stdout and stderr in $OUT. A watch
# follows a faulter that maps a page, writes it, pages it out and reads it
# back, and gets Ctrl-C unless it stops by itself.
doc_cmd() {
	local where=$1 template=$2 json=${3:-} pid=$T_PID cmd status=0
	[ -z "$json" ] || template="ptscope --json ${template#ptscope }"
	OUT=$BATS_TEST_TMPDIR/out.$((++NCMD))
	mkdir -p "$OUT.d"
	case $template in
	*" watch "*)
		faulter
		pid=$F_PID ;;
	esac
	cmd=$(fill "$template" "$pid")
	echo "# $where: $cmd" >&3
	if [[ $template != *" watch "* ]]; then
		(cd "$OUT.d" && PATH=$REPO/userspace:$PATH timeout 120 bash -c "$cmd") >"$OUT" 2>&1 ||
			status=$?
	else
		(cd "$OUT.d" && PATH=$REPO/userspace:$PATH exec timeout 120 bash -c "exec $cmd") \
			>"$OUT" 2>&1 &
		WATCH_PID=$!
		wait_line "$OUT" '^ptscope: watching'
		fdo map 1
		fdo touch
		fdo pageout
		fdo read
		[[ $template == *" --duration "* || $template == *" --count "* ]] ||
			kill -INT "$WATCH_PID"
		wait "$WATCH_PID" || status=$?
		WATCH_PID=
		kill -9 "$F_PID"
	fi
	if [ "$status" -ne 0 ]; then
		echo "$where: \`$cmd\` exited with $status" >&2
		cat "$OUT" >&2
		return 1
	fi
}

# sample_shape SAMPLE: the output ($OUT) has the shape of the docs' sample.
sample_shape() {
	[ "$1" = - ] && return 0
	"$DOCS" --match "$1" --levels "$(expected_levels)" <"$OUT" ||
		{ echo "the output of the command of $1 differs from the sample there" >&2; return 1; }
}

# json_keys COMMAND: every key the docs list for COMMAND's JSON is in $OUT
# (a key of an object only where that object is there; one of an event
# type only where such events are), and every key in $OUT is one the docs
# list (of an object, where the docs list that object's keys).
json_keys() {
	local key types missing=() doc extra json=$OUT.json
	# What is not ptscope's own note on stderr ("ptscope: watching ...").
	grep -v '^ptscope: ' "$OUT" >"$json" || true
	jq -se . "$json" >/dev/null || { echo "not JSON lines:" >&2; cat "$OUT" >&2; return 1; }
	doc=$("$DOCS" --json-keys "$1")
	while read -r key; do
		types=
		if [[ $key == *:* ]]; then
			types=${key%%:*}
			key=${key#*:}
		fi
		jq -se --arg types "$types" --arg key "$key" '
			[.[] | select(type == "object")
			     | select($types == "" or (.type as $t | $types | split("|") | index($t)))]
			| ($key | split(".")) as $p
			| if ($p | length) == 1 then [.[]]
			  else [.[] | .[$p[0] | rtrimstr("[]")]
			        | if ($p[0] | endswith("[]")) then (arrays | .[]) else . end
			        | objects]
			  end
			| length == 0 or any(.[]; has($p[-1]))' "$json" >/dev/null ||
			missing+=("${types:+$types:}$key")
	done <<<"$doc"
	extra=$(jq -sr --arg doc "$doc" '
		($doc | split("\n") | map(sub("^[^:]*:"; "") | select(. != ""))) as $d
		| [$d[] | select(contains(".") | not)] as $top
		| [$d[] | select(contains(".")) | split(".")[0]] as $parents
		| [.[] | objects
		   | (keys[] | select(. as $k | $top | index($k) | not)),
		     (. as $o | $parents | unique[] as $p
		      | $o[$p | rtrimstr("[]")]
		      | if ($p | endswith("[]")) then (arrays | .[]) else . end | objects
		      | keys[] | select(($p + "." + .) as $k | $d | index($k) | not)
		      | $p + "." + .)]
		| unique | join(" ")' "$json")
	[ ${#missing[@]} -eq 0 ] && [ -z "$extra" ] || {
		[ ${#missing[@]} -eq 0 ] ||
			echo "the docs list JSON keys of ptscope $1 that its output lacks: ${missing[*]}" >&2
		[ -z "$extra" ] ||
			echo "ptscope $1 prints JSON keys that README.md and ptscope(8) do not list: $extra" >&2
		cat "$OUT" >&2
		return 1
	}
}

# doc_commands COMMAND: run every one of the docs' `ptscope COMMAND`s,
# compare each with its sample, and check its JSON keys.
doc_commands() {
	local where template sample n=0
	while IFS=$'\t' read -r where template sample; do
		n=$((n + 1))
		doc_cmd "$where" "$template"
		sample_shape "$sample"
		[[ " $template " == *" --json "* ]] || check_"$1"
		[ "$1" != map ] || continue
		[[ " $template " == *" --json "* ]] || doc_cmd "$where" "$template" --json
		json_keys "$1"
	done < <(templates "$1")
	[ "$n" -gt 0 ] || { echo "the docs show no ptscope $1" >&2; return 1; }
}

# check_COMMAND: what each command's output must have besides the sample's shape.
check_explain() {
	grep -q '^The walk (each table is one 4 KiB page' "$OUT"
	grep -q '^  physical address = page 0x' "$OUT"
}

check_walk() {
	grep -q '^  level  index  entry  *flags$' "$OUT"
}

check_maps() {
	grep -q '^page tables ' "$OUT"
}

check_dump() {
	grep -Eq '^[0-9]+ runs?: ' "$OUT"
}

check_swaps() {
	grep -Eq '^type +kind +size +priority +dev/ino +area$' "$OUT"
}

check_map() {
	case $template in
	*"--html "*)
		local f=${template#*--html }
		f=$OUT.d/${f%% *}
		grep -q '<svg' "$f"
		grep -q '</html>' "$f" ;;
	*) [ "$(wc -l <"$OUT")" -gt 5 ] ;;
	esac
}

check_stat() {
	grep -q '^hooks:$' "$OUT"
	grep -q '^subscriptions:$' "$OUT"
}

check_watch() {
	grep -q '^ptscope: watching pid ' "$OUT"
	grep -q '^events:$' "$OUT"
	grep -q '^fault ' "$OUT"
}

check_run() {
	grep -q '^events:$' "$OUT"
}

@test "every ptscope command the docs show is one this file runs" {
	local c unknown=()
	for c in $(awk -F'\t' '$2 == "ptscope" {
		n = split($4, w, " ")
		for (i = 2; i <= n; i++) if (w[i] !~ /^-/) { print w[i]; break } }' \
		"$BATS_FILE_TMPDIR/commands" | sort -u); do
		grep -qF "@test \"docs: ptscope $c:" "$BATS_TEST_FILENAME" || unknown+=("$c")
	done
	[ ${#unknown[@]} -eq 0 ] || { echo "no test here runs the docs' ptscope ${unknown[*]}" >&2; return 1; }
	[ "$(wc -l <"$BATS_FILE_TMPDIR/commands")" -gt 20 ]
}

@test "docs: ptscope explain: the textbook picture, as README.md shows it" {
	doc_commands explain
}

@test "docs: ptscope walk: one line per level, as README.md shows it" {
	doc_commands walk
}

@test "docs: ptscope maps: one row per VMA and the tables' cost, as README.md shows it" {
	doc_commands maps
}

@test "docs: ptscope dump: the whole process, from START, from START to END, one VMA" {
	doc_commands dump
}

@test "docs: ptscope swaps: the swap areas and their types" {
	doc_commands swaps
}

@test "docs: ptscope map: the terminal picture, the HTML page" {
	doc_commands map
}

@test "docs: ptscope watch: until Ctrl-C or --duration, the events README.md shows, the summary" {
	doc_commands watch
}

@test "docs: ptscope run: a command, and a setuid program as root" {
	install -m 4755 /bin/true /usr/local/bin/ptscope-doc-suid
	doc_commands run
}

@test "docs: ptscope stat: hooks, objects, counts, subscriptions" {
	doc_commands stat
}

# doc_other PREFIX: the first command the docs show that begins with PREFIX
# (not a ptscope command), as a test runs it.
doc_other() {
	awk -F'\t' -v p="$1" '$2 == "other" && index($3, p) == 1 { print $4; exit }' \
		"$BATS_FILE_TMPDIR/commands" | grep .
}

@test "README.md, On a real machine: sudo make load loads the module make built" {
	rmmod ptscope
	# make itself (the module, the client, the helpers) is what make check
	# runs before this suite: here the module is not rebuilt.
	run env PATH="$BATS_FILE_TMPDIR/bin:$PATH" make -s -C "$REPO" -o module load
	echo "$output"
	[ "$status" -eq 0 ]
	[ -d /sys/module/ptscope ]
	[ "$(cat /sys/module/ptscope/version)" = "$(modinfo -F version "$MODULE")" ]
}

@test "make demo: the demo's script explains a live process" {
	run timeout 300 "$REPO/scripts/demo"
	echo "$output"
	[ "$status" -eq 0 ]
	local what
	for what in "ptscope explain [0-9]* code" "ptscope explain [0-9]* heap" \
		"ptscope explain [0-9]* stack" "ptscope walk [0-9]* stack heap code" \
		"ptscope --json walk [0-9]* stack"; do
		grep -q "^### $what" <<<"$output" || { echo "no ### $what" >&2; return 1; }
	done
	grep -q '^  physical address = page 0x' <<<"$output"
}

@test "docs/security.md: reading one pagemap entry by hand gives the frame ptscope gives" {
	local cmd va pfn entry
	cmd=$(doc_other 'dd if=/proc/PID/pagemap')
	addr va "$T_OUT" anon4k
	cmd=${cmd//PID/$T_PID}
	cmd=${cmd//ADDR/$va}
	run bash -c "$cmd"
	echo "$cmd: $output"
	[ "$status" -eq 0 ]
	[[ $output =~ ^\ *([0-9a-f]{16})$ ]]
	entry=0x${BASH_REMATCH[1]}
	# Bit 63 present, bits 0-54 the frame.
	[ $((entry >> 63 & 1)) -eq 1 ]
	pfn=$("$PTSCOPE" --json walk "$T_PID" "$va" | jq -er .pfn)
	[ $((entry & ((1 << 55) - 1))) -eq "$pfn" ]
}

# bench_header FILE LINE-PATTERN: the range of the first line of FILE matching
# the pattern (a results table's header, as the README shows it).
bench_header() {
	local n
	n=$(grep -n -m1 -- "$2" "$REPO/$1" | cut -d: -f1)
	[ -n "$n" ] || { echo "no $2 in $1" >&2; return 1; }
	echo "$1:$n-$((n + ${3:-0}))"
}

@test "bench/README.md: bench/run by hand, as the README shows it, prints the README's table" {
	[ -x "$REPO/bench/dumpbench" ] || skip "bench/ is not built (make -C bench)"
	local cmd
	cmd=$(doc_other 'tests/vm/run --mem 6144 -- bench/run --only')
	cmd=${cmd#* -- }
	OUT=$BATS_TEST_TMPDIR/bench.out
	(cd "$REPO" && timeout 600 bash -c "$cmd") >"$OUT" 2>&1 || { cat "$OUT"; return 1; }
	cat "$OUT"
	"$DOCS" --match "$(bench_header bench/README.md '^mode  *MiB populated')" <"$OUT"
	grep -q '^shuffled  *256 ' "$OUT"
}

@test "bench/README.md: bench/watchbench, briefly (the README's run takes minutes), prints the README's table" {
	[ -x "$REPO/bench/faultbench" ] && [ -x "$REPO/bench/watchraw" ] ||
		skip "bench/ is not built (make -C bench)"
	OUT=$BATS_TEST_TMPDIR/watchbench.out
	# Limits well inside the timeout: a stuck step says which it was.
	(cd "$REPO" && PTSCOPE_WATCHBENCH_READY_LIMIT=120 PTSCOPE_WATCHBENCH_END_LIMIT=120 \
		timeout 600 bench/watchbench --reps 1 --mib 16 --threads 1 \
		--modes "ptscope ptscope-raw other-watched" --csv /dev/null) >"$OUT" 2>&1 ||
		{ cat "$OUT"; return 1; }
	cat "$OUT"
	"$DOCS" --match "$(bench_header bench/README.md '^threads mode  *median' 1)" <"$OUT"
	grep -Eq '^ +1 ptscope +[0-9.]+ .* ok$' "$OUT"
}
