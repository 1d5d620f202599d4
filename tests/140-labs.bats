#!/usr/bin/env bats
# docs/labs: every lab's commands, run exactly as the lab prints them, and
# every observation it states, checked against the kernel's own accounts
# (pagemap and smaps through tests/progs/oracle, /proc/PID/stat,
# /proc/vmstat, /proc/interrupts).
#
# A lab is a markdown file. Its ```sh blocks are the student's commands,
# in order. After a block, an HTML comment
#     <!-- check
#     ...bash...
#     -->
# (invisible when the markdown is rendered) holds the assertions about what
# that block showed: $OUT is the file with its output (stdout and stderr),
# and the variables its commands set ($P, $R, ...) are still there. The
# whole lab runs as one bash script under `set -e`, so a command that fails,
# or an assertion that does not hold, fails the lab. The Chinese twin under
# docs/labs/zh/ must have the very same ```sh blocks.

load helpers

LABS=$REPO/docs/labs

setup_file() {
	require_module
	make -s -C "$REPO/tests/progs" oracle >/dev/null 2>&1 || true
	[ -x "$PROGS/oracle" ]
}

# lab_script FILE: the bash script of a lab: its sh blocks, each run with its
# output saved in $OUT and shown, and its check comments.
lab_script() {
	cat <<'EOF'
set -eEu
set -o pipefail
exec 3>&2
trap 'echo "FAILED: line $LINENO: $BASH_COMMAND" >&3; [ -z "${OUT:-}" ] || sed "s/^/| /" "$OUT" >&3' ERR
# Helpers for the checks (never in a student's sh block).
say() { echo "check: $*" >&2; }
fail() { echo "FAILED: $*" >&2; exit 1; }
# pfn_of PID ADDR: the frame pagemap gives, as 0xHEX (0x0 if none).
pfn_of() { printf '0x%x' "$(oracle_field "$1" "$2" pfn)"; }
oracle_field() { "$PROGS/oracle" "$1" "$2" | tr ' ' '\n' | awk -F= -v k="$3" '$1 == k { print $2 }'; }
# stat_field PID N: field N of /proc/PID/stat (10 minflt, 12 majflt).
stat_field() { sed 's/.*) //' "/proc/$1/stat" | awk -v n=$(($2 - 2)) '{ print $n }'; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# wpfn PID ADDR: the frame `ptscope walk --json` gives, as 0xHEX.
wpfn() { printf '0x%x' "$(wj "$1" "$2" .pfn)"; }
# wj PID ADDR FILTER: jq FILTER on `ptscope --json walk PID ADDR`.
wj() { ptscope --json walk "$1" "$2" | jq -er "$3"; }
# events FILE TYPE: the event lines of one type in a `ptscope watch` text output.
events() { awk -v t="$2" '$4 == t' "$1"; }
# in_range LO HI: lines whose 5th field (an address) is in [LO, HI).
in_range() { while read -r l; do a=$(awk '{ print $5 }' <<<"$l"); a=${a%%-*}; (( a >= $1 && a < $2 )) && echo "$l"; done; true; }
levels=$(if grep -qw la57 /proc/cpuinfo; then echo 5; else echo 4; fi)
trap 'for j in $(jobs -p); do kill -9 $j 2>/dev/null || true; done' EXIT
N=0
EOF
	awk '
	/^```sh$/ { inblk = 1; n++; print "N=" n "; OUT=$LABTMP/out." n; echo_block = ""; print "{"; next }
	inblk && /^```$/ { inblk = 0; print "} >\"$OUT\" 2>&1 </dev/null"; print "echo \"----- block " n "\"; cat \"$OUT\""; next }
	inblk { print; next }
	/^<!-- check$/ { inchk = 1; next }
	inchk && /^-->$/ { inchk = 0; next }
	inchk { print; next }
	' "$1"
}

# sh_blocks FILE: the lab's commands, block by block.
sh_blocks() {
	awk '/^```sh$/ { inblk = 1; print "-----"; next } inblk && /^```$/ { inblk = 0; next } inblk' "$1"
}

# run_lab NAME: run docs/labs/NAME.md as a student would, in a fresh
# directory that has the checkout's docs/ and userspace/.
run_lab() {
	local dir=$BATS_TEST_TMPDIR/student
	mkdir -p "$dir"
	ln -s "$REPO/docs" "$dir/docs"
	ln -s "$REPO/userspace" "$dir/userspace"
	lab_script "$LABS/$1.md" >"$BATS_TEST_TMPDIR/lab.sh"
	grep -q '^{' "$BATS_TEST_TMPDIR/lab.sh"
	cd "$dir"
	LABTMP=$BATS_TEST_TMPDIR PROGS=$PROGS PATH=$REPO/userspace:$PATH \
		run timeout 900 bash "$BATS_TEST_TMPDIR/lab.sh"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "lab 1: two processes, one virtual address, two frames" {
	run_lab 01-virtual-addresses
}

@test "lab 2: anatomy of a translation, 4- or 5-level" {
	run_lab 02-translation
}

@test "lab 3: demand paging, one minor fault per first touch" {
	run_lab 03-demand-paging
}

@test "lab 4: copy-on-write after fork" {
	run_lab 04-copy-on-write
}

@test "lab 5: TLB flushes and shootdowns" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
	run_lab 05-tlb
}

@test "lab 6: swap out and in" {
	[ -n "$(tail -n +2 /proc/swaps)" ] || skip "no swap (tests/vm/run --swap 256M)"
	run_lab 06-swap
}

@test "lab 7: huge pages" {
	run_lab 07-huge-pages
}

@test "lab 8: the cost of page tables" {
	run_lab 08-table-cost
}

@test "lab 9: the user memory layout" {
	run_lab 09-layout
}

@test "lab 10: segmentation and paging" {
	[ "$(uname -m)" = x86_64 ] || skip "segment registers are x86-64's"
	run_lab 10-segmentation
}

@test "every lab has a Chinese twin with the same commands, and the index lists both" {
	local f n=0
	for f in "$LABS"/[0-9]*.md; do
		n=$((n + 1))
		[ -f "$LABS/zh/$(basename "$f")" ] || { echo "no zh/$(basename "$f")"; return 1; }
		diff <(sh_blocks "$f") <(sh_blocks "$LABS/zh/$(basename "$f")")
		[ -n "$(sh_blocks "$f")" ]
		grep -q "$(basename "$f")" "$LABS/README.md"
		grep -q "$(basename "$f")" "$LABS/zh/README.md"
	done
	[ "$n" -eq 10 ]
}
