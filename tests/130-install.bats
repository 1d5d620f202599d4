#!/usr/bin/env bats
# Installed like a real tool: `make install` (DESTDIR empty: into the
# guest's root, an overlay whose writes vanish with the VM), then the
# installed client autoloads the module through its generic netlink family
# alias, and the installed bash completion completes. At the end, what was
# installed is removed and ptscope.ko from the tree is loaded again, as
# the rest of the suite expects.

load helpers

PREFIX=/usr/local
KREL=$(uname -r)

setup_file() {
	require_module
	VERSION=$(cat "$REPO/VERSION")
	export VERSION
	# ptscope.ko is the tree's (the runner loads it): install, do not build.
	make -s -C "$REPO" install PREFIX="$PREFIX" >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
		{ cat "$BATS_FILE_TMPDIR/install.log" >&2; return 1; }
}

teardown_file() {
	make -s -C "$REPO" uninstall PREFIX="$PREFIX" >&2 || true
	if [ -d /sys/module/ptscope ] &&
	   [ "$(cat /sys/module/ptscope/version)" = "$(modinfo -F version "$MODULE")" ]; then
		# The installed copy is the tree's: reload the tree's all the same.
		rmmod ptscope || true
	fi
	load_module
}

@test "make install puts the client, the man page, the completion and the module in place" {
	[ -x "$PREFIX/bin/ptscope" ]
	[ -f "$PREFIX/share/man/man8/ptscope.8" ]
	[ -f "$PREFIX/share/bash-completion/completions/ptscope" ]
	[ -f "/lib/modules/$KREL/extra/ptscope.ko" ]
	[ "$(modinfo -F version "/lib/modules/$KREL/extra/ptscope.ko")" = "$VERSION" ]
	# depmod ran: modprobe knows the module and its family alias.
	[ "$(modinfo -F filename ptscope)" = "/lib/modules/$KREL/extra/ptscope.ko" ]
	[ "$(modprobe -R net-pf-16-proto-16-family-ptscope)" = ptscope ]
	[ "$(PATH=$PREFIX/bin:$PATH command -v ptscope)" = "$PREFIX/bin/ptscope" ]
	run env MANPATH="$PREFIX/share/man" man -w ptscope
	[ "$output" = "$PREFIX/share/man/man8/ptscope.8" ]
}

@test "--version names the client's and the loaded module's version" {
	run "$PREFIX/bin/ptscope" --version
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ptscope $VERSION" ]
	[ "${lines[1]}" = "module $VERSION" ]
	[ "$(cat /sys/module/ptscope/version)" = "$VERSION" ]
}

@test "with the module unloaded, the first walk loads it through the family alias" {
	rmmod ptscope
	[ ! -d /sys/module/ptscope ]
	run "$PREFIX/bin/ptscope" --version
	[ "${lines[1]}" = "module not loaded" ]
	# --version did not load it.
	[ ! -d /sys/module/ptscope ]
	run timeout 120 "$PREFIX/bin/ptscope" --json walk $$ stack
	echo "$output"
	[ "$status" -eq 0 ]
	[ -d /sys/module/ptscope ]
	[ "$(jfield "$output" .present)" = true ]
	[ "$(jfield "$output" .vma.name)" = "[stack]" ]
	[ "$(cat /sys/module/ptscope/version)" = "$VERSION" ]
}

@test "ptscope(8)'s first example, sudo modprobe ptscope, loads the installed module" {
	rmmod ptscope
	modprobe ptscope
	[ -d /sys/module/ptscope ]
	[ "$(cat /sys/module/ptscope/version)" = "$VERSION" ]
	[ "$(modinfo -F filename ptscope)" = "/lib/modules/$KREL/extra/ptscope.ko" ]
}

@test "the installed bash completion completes commands and options" {
	run bash -c '
		source "$1"
		complete -p ptscope
		c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		      COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
		      _ptscope ptscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		      echo "${COMPREPLY[*]}"; }
		c ptscope wa
		c ptscope dump --h
		c ptscope watch --events tlb,fa
		c ptscope --json walk $$ he
		c ptscope walk ""
	' _ "$PREFIX/share/bash-completion/completions/ptscope"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "complete -F _ptscope ptscope" ]
	[ "${lines[1]}" = "walk watch" ]
	[ "${lines[2]}" = "--holes --help" ]
	[ "${lines[3]}" = "tlb,fault" ]
	[ "${lines[4]}" = "heap" ]
	# A PID: the processes there are, this shell among them.
	[[ " ${lines[5]} " == *" $$ "* ]]
	[[ " ${lines[5]} " == *" 1 "* ]]
}

@test "make uninstall removes it all, and modprobe no longer finds the module" {
	make -s -C "$REPO" uninstall PREFIX="$PREFIX"
	[ ! -e "$PREFIX/bin/ptscope" ]
	[ ! -e "$PREFIX/share/man/man8/ptscope.8" ]
	[ ! -e "$PREFIX/share/bash-completion/completions/ptscope" ]
	[ ! -e "/lib/modules/$KREL/extra/ptscope.ko" ]
	! modinfo ptscope 2>/dev/null || false
	! modprobe -R net-pf-16-proto-16-family-ptscope 2>/dev/null || false
}
