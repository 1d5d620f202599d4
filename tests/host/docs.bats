#!/usr/bin/env bats
# Docs that cannot rot: every command README.md, docs/*.md, ptscope(8),
# bench/README.md and tests/vm/README.md show (tests/doc-commands finds
# them; docs/labs/ is tests/140-labs.bats's) is run by some test. Each
# `ptscope` command is run by tests/150-docs.bats, which reads the same
# list in the VM; every other command is in the table below, with the file
# that runs it and the words in that file that do, or with why nothing can.
# Runs on the build machine (scripts/check), no module needed.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DOCS=$REPO/tests/doc-commands
PTSCOPE=$REPO/userspace/ptscope

# A command as a document shows it; under it, indented, either
# "FILE: WORDS" (FILE runs it; WORDS are in FILE where it does) or
# "not run: WHY".
table() {
	cat <<'EOF'
make demo
	tests/150-docs.bats: "$REPO/scripts/demo"
make check
	not run: it is the test suite itself (scripts/check), which runs everything here
make
	Makefile: $(MAKE) client progs
sudo make load
	tests/150-docs.bats: make -s -C "$REPO" -o module load
make && sudo make install
	tests/130-install.bats: make -s -C "$REPO" install PREFIX="$PREFIX"
sudo make install
	tests/130-install.bats: make -s -C "$REPO" install PREFIX="$PREFIX"
make install
	tests/130-install.bats: make -s -C "$REPO" install PREFIX="$PREFIX"
sudo make dkms-install
	tests/host/packaging.bats: make -s -C "$repo" dkms-install
make dkms-install
	tests/host/packaging.bats: make -s -C "$repo" dkms-install
make uninstall
	tests/130-install.bats: make -s -C "$REPO" uninstall PREFIX="$PREFIX"
make dkms-uninstall
	tests/host/packaging.bats: make -s -C "$repo" dkms-uninstall
man ptscope
	tests/130-install.bats: man -w ptscope
man -l docs/ptscope.8
	tests/host/packaging.bats: man --warnings -l "$1"
sudo modprobe ptscope
	tests/130-install.bats: modprobe ptscope
insmod ptscope.ko selftest=1
	tests/080-nonpresent.bats: insmod "$MODULE" selftest=1
dd if=/proc/PID/pagemap bs=8 skip=$((ADDR / 4096)) count=1 status=none | od -An -v -t x8
	tests/150-docs.bats: doc_other 'dd if=/proc/PID/pagemap'
tests/vm/run -- bats tests/
	scripts/check: tests/vm/run "${vm[@]}" -- bats --tap
tests/vm/run --levels 4 -- bats tests/
	scripts/check: --levels "$levels" --swap 256M
tests/vm/run --no-module -- uname -r
	scripts/check: tests/vm/run --quiet --no-module -- uname -r 2>
tests/vm/run --shell
	not run: interactive, it attaches the guest's console to the terminal
tests/vm/run --shell --no-module
	not run: interactive, it attaches the guest's console to the terminal
make check-debug
	not run: hours on 2 CPUs (a kernel to build, the suite under KASAN and lockdep at two paging levels); CI leaves it out
make check-debug DEBUG_LEVELS=4
	not run: two hours on 2 CPUs (the suite, the NUMA tests and the stress test under KASAN and lockdep); CI leaves it out
make check-debug DEBUG_LEVELS=4 DEBUG_PARTS=stress
	not run: half an hour on 2 CPUs (ten minutes of stress under KASAN and lockdep, after the boot); CI leaves it out
make debug-kernel
	not run: builds a kernel, longer than the rest of make check
make fuzz
	not run: a million messages per paging level, an hour in all; make check runs tests/100-fuzz.bats with 50,000
make stress
	not run: ten minutes per paging level; make check runs tests/stress/run for two minutes per level
scripts/check-debug --print-config
	tests/host/debug-kernel.bats: "$REPO/scripts/check-debug" --print-config
make modules_install INSTALL_MOD_PATH=DIR
	scripts/check-debug: modules_install
make bench
	not run: minutes per paging level under TCG in two 6 GiB guests, and it installs perf and bpftrace; tests/150-docs.bats runs bench/run and bench/watchbench briefly
bench/vm --levels 5
	not run: make bench's runner, minutes in a 6 GiB guest
bench/vm --levels "4 5"
	not run: make bench's runner, minutes in two 6 GiB guests
bench/vm --bench watch
	not run: make bench's runner, about ten minutes per paging level
bench/vm --bench watch -- --reps 3
	not run: make bench's runner, about ten minutes per paging level
bench/vm --levels 4 --bench watch -- --reps 3
	not run: make bench's runner, about ten minutes
bench/vm --cmdline ""
	not run: make bench's runner with the guest's own clock choice, minutes in two 6 GiB guests
tests/vm/run --levels L --mem 6144 -q -- bench/run --csv -
	not run: what bench/vm runs for make bench, a minute per level in a 6 GiB guest
tests/vm/run --mem 6144 -- bench/run
	not run: the whole dump series, a minute in a 6 GiB guest; tests/150-docs.bats runs bench/run --only
tests/vm/run --mem 6144 -- bench/run --only shuffled:256 --reps 3
	tests/150-docs.bats: doc_other 'tests/vm/run --mem 6144 -- bench/run --only'
tests/vm/run --timeout 3600 -- bench/watchbench --reps 3
	not run: six observers, two thread counts, 512 MiB each: many minutes; tests/150-docs.bats runs bench/watchbench with 16 MiB
bench/dumpbench MODE SIZE_MIB
	tests/150-docs.bats: doc_other 'tests/vm/run --mem 6144 -- bench/run --only'
bench/faultbench [-t THREADS] [-m MIB] [--wait]
	tests/150-docs.bats: bench/watchbench --reps 1 --mib 16
bench/watchraw PID
	tests/150-docs.bats: --modes "ptscope ptscope-raw other-watched"
EOF
}

setup_file() {
	[ -x "$PTSCOPE" ] || make -s -C "$REPO/userspace" >&2
	"$DOCS" >"$BATS_FILE_TMPDIR/commands"
}

# entry COMMAND: the table's line under COMMAND.
entry() {
	table | awk -v c="$1" 'want { print; exit } $0 == c { want = 1 }' | sed 's/^\t//'
}

@test "the docs show commands: the extraction finds the README's, the man page's, the samples" {
	local f
	for f in README.md docs/ptscope.8 docs/security.md bench/README.md tests/vm/README.md; do
		grep -q "^$f:" "$BATS_FILE_TMPDIR/commands" || { echo "no command found in $f" >&2; return 1; }
	done
	[ "$(grep -c '^README.md:' "$BATS_FILE_TMPDIR/commands")" -ge 20 ]
	[ "$(grep -c '^docs/ptscope.8:' "$BATS_FILE_TMPDIR/commands")" -ge 7 ]
	# The samples of explain, walk, maps and watch.
	[ "$(awk -F'\t' '$1 ~ /^README.md:/ && $5 != "-"' "$BATS_FILE_TMPDIR/commands" | wc -l)" -ge 4 ]
	! grep -q '^docs/labs/' "$BATS_FILE_TMPDIR/commands" || false
}

@test "every ptscope command the docs show is one tests/150-docs.bats runs, with placeholders it fills" {
	local where kind cmd run sample sub bad=()
	while IFS=$'\t' read -r where kind cmd run sample; do
		[ "$kind" = ptscope ] || continue
		sub=$(awk '{ for (i = 2; i <= NF; i++) if ($i !~ /^-/) { print $i; exit } }' <<<"$run")
		grep -qF "@test \"docs: ptscope $sub:" "$REPO/tests/150-docs.bats" ||
			bad+=("$where: $cmd (no test of ptscope $sub in tests/150-docs.bats)")
		# Placeholders the test does not fill: words in capitals, <...>.
		if sed 's/@[A-Z]\+//g' <<<"$run" | grep -Eq '(^| )([A-Z][A-Z_-]+|<[^>]*>)( |$)'; then
			bad+=("$where: $cmd (a placeholder tests/150-docs.bats does not fill: $run)")
		fi
	done <"$BATS_FILE_TMPDIR/commands"
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; return 1; }
}

@test "every ptscope command the docs show is one the client accepts (no usage error)" {
	local where kind cmd run sample bad=() dir=$BATS_TEST_TMPDIR/cwd
	mkdir -p "$dir"
	while IFS=$'\t' read -r where kind cmd run sample; do
		[ "$kind" = ptscope ] || continue
		run=${run//@PID/1}
		run=${run//@ADDR/stack}
		run=${run//@HEX/0x1000}
		run=${run//@START/1000}
		run=${run//@END/2000}
		run=${run//@CMD/true}
		run=${run//@SUID//bin/true}
		# No module here: the command is parsed, then fails to reach it (1).
		run bash -c "cd '$dir' && PATH='$REPO/userspace':\$PATH timeout 10 $run" </dev/null
		[ "$status" -ne 2 ] || bad+=("$where: $cmd: $output")
	done <"$BATS_FILE_TMPDIR/commands"
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; return 1; }
}

@test "every other command the docs show is run by the test the table names, or says why not" {
	local where kind cmd e file words bad=()
	while IFS=$'\t' read -r where kind cmd _; do
		[ "$kind" = other ] || continue
		e=$(entry "$cmd")
		case $e in
		"not run: "?*) ;;
		?*": "?*)
			file=${e%%: *}
			words=${e#*: }
			[ -f "$REPO/$file" ] || { bad+=("$where: $cmd: no file $file"); continue; }
			grep -qF -- "$words" "$REPO/$file" ||
				bad+=("$where: $cmd: $file does not contain: $words")
			;;
		*) bad+=("$where: $cmd: not in tests/host/docs.bats's table: which test runs it?") ;;
		esac
	done <"$BATS_FILE_TMPDIR/commands"
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; return 1; }
}

@test "every make target the docs show exists" {
	local targets cmd t bad=()
	targets=$(make -C "$REPO" -pRrq -f Makefile 2>/dev/null |
		awk -F: '/^[a-zA-Z0-9_.-]+:/ { print $1 }' | sort -u)
	while IFS=$'\t' read -r _ kind cmd _ _; do
		[ "$kind" = other ] || continue
		for t in $(sed 's/^sudo //' <<<"$cmd" |
			awk '$1 == "make" { for (i = 2; i <= NF; i++) if ($i !~ /[=-]/ || $i ~ /^[a-z]+-[a-z]+$/) print $i }'); do
			# kbuild's own, in the kernel's tree.
			[ "$t" = modules_install ] && continue
			grep -qx -- "$t" <<<"$targets" || bad+=("$cmd: no target $t")
		done
	done <"$BATS_FILE_TMPDIR/commands"
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; return 1; }
	grep -qx demo <<<"$targets"
}
