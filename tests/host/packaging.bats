#!/usr/bin/env bats
# Packaging, on the build machine (no module is loaded): one version
# everywhere, dkms builds the module from a clean copy of the tree, the
# man page and the completion know every option, make install honours
# PREFIX and DESTDIR, and the client's exit codes and messages.

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
PTSCOPE=$REPO/userspace/ptscope
VERSION=$(cat "$REPO/VERSION")
MAN=$REPO/docs/ptscope.8
COMPLETION=$REPO/completion/ptscope

setup_file() {
	[ -x "$REPO/userspace/ptscope" ] || make -s -C "$REPO/userspace" >&2
}

# The commands `ptscope help` lists.
commands() {
	"$PTSCOPE" help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' |
		grep -vx help
}

# Every long option in `ptscope help CMD`.
help_options() {
	"$PTSCOPE" help "$1" | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

# Every long option the client's option tables hold, from the source.
source_options() {
	grep -ohE '\{ *"[a-z][a-z-]*", *(no|required|optional)_argument' "$REPO"/userspace/*.c \
		"$REPO"/userspace/*.h | sed -E 's/\{ *"([^"]*)".*/--\1/' | sort -u
}

# complete WORDS...: what the completion offers for the last word.
complete_words() {
	bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_ptscope ptscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}

@test "dkms.conf, the man page and the client carry the VERSION file's version" {
	grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$REPO/dkms.conf"
	make -s -C "$REPO" dkms-check
	grep -q "^\.TH PTSCOPE 8 .* \"ptscope $VERSION\"" "$MAN"
	run "$PTSCOPE" --version
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ptscope $VERSION" ]
	# This machine has no module loaded: --version says so, loads nothing.
	[ "${lines[1]}" = "module not loaded" ]
}

@test "dkms.conf names the module, its place, and the kernels it builds for" {
	# shellcheck disable=SC1091
	. "$REPO/dkms.conf"
	[ "$PACKAGE_NAME" = ptscope ]
	[ "${BUILT_MODULE_NAME[0]}" = ptscope ]
	[ "${DEST_MODULE_LOCATION[0]}" = /updates/dkms ]
	[ "$AUTOINSTALL" = yes ]
	[ "$BUILD_EXCLUSIVE_KERNEL_MIN" = 6.1 ]
	local k
	for k in 6.1.0-56-amd64 6.1.192 6.6.47 6.12.107-amd64 6.19 7.0.1 7.2.13 10.1; do
		[[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] || { echo "$k refused" >&2; return 1; }
	done
	for k in 5.4.286 5.19.0 6.0.19-amd64 4.19.0; do
		! [[ $k =~ $BUILD_EXCLUSIVE_KERNEL ]] || { echo "$k accepted" >&2; return 1; }
	done
	for k in CONFIG_KPROBES CONFIG_KRETPROBES CONFIG_MMU_NOTIFIER CONFIG_TRACEPOINTS; do
		[[ " $BUILD_EXCLUSIVE_CONFIG " == *" $k "* ]]
	done
}

@test "dkms builds the module from a clean copy of the tree, touching nothing outside it" {
	command -v dkms || skip "dkms is not installed (scripts/deps installs it)"
	local kver tmp ko
	kver=$("$REPO/scripts/kver")
	[ -f "/usr/src/linux-headers-$kver/Makefile" ] || skip "no headers for $kver"
	tmp=$BATS_TEST_TMPDIR
	mkdir -p "$tmp/tree" "$tmp/src" "$tmp/dkms"
	# What git tracks or would track, as it is now: no build products.
	git -C "$REPO" ls-files -z --cached --others --exclude-standard |
		(cd "$REPO" && tar cf - --null -T - 2>/dev/null) | tar xf - -C "$tmp/tree"
	make -s -C "$tmp/tree" dkms-source DKMS_SRC="$tmp/src/ptscope-$VERSION"
	[ ! -e "$tmp/src/ptscope-$VERSION/Makefile" ]
	# dkms keeps its signing key in /var/lib/dkms: a private tmpfs there.
	local private=(unshare --mount sh -c 'mount -t tmpfs tmpfs /var/lib/dkms && exec "$0" "$@"')
	"${private[@]}" true 2>/dev/null || private=()
	run "${private[@]}" dkms add --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" "ptscope/$VERSION"
	echo "$output"
	[ "$status" -eq 0 ]
	run "${private[@]}" dkms build --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" \
		"ptscope/$VERSION" -k "$kver" --kernelsourcedir "/usr/src/linux-headers-$kver"
	echo "$output"
	[ "$status" -eq 0 ]
	ko=$(find "$tmp/dkms/ptscope/$VERSION/$kver" -name 'ptscope.ko*' | head -n 1)
	[ -n "$ko" ]
	[ "$(modinfo -F version "$ko")" = "$VERSION" ]
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]
	modinfo -F alias "$ko" | grep -qx 'net-pf-16-proto-16-family-ptscope'
	[ ! -e "/var/lib/dkms/ptscope" ]
}

@test "the man page renders without a warning" {
	command -v man || skip "man is not installed"
	run bash -c 'MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null' _ "$MAN"
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "$output"; return 1; }
}

@test "the man page documents every command and every long option the client accepts" {
	local cmd opt missing=()
	for cmd in $(commands); do
		grep -q "^\.SS \"$cmd" "$MAN" || missing+=("command $cmd")
		for opt in $(help_options "$cmd"); do
			grep -qF -- "\\-\\-${opt#--}" "$MAN" || missing+=("$cmd $opt")
		done
	done
	for opt in $(source_options) $("$PTSCOPE" --help | grep -oE -- '--[a-z][a-z-]*'); do
		grep -qF -- "\\-\\-${opt#--}" "$MAN" || missing+=("$opt")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'not in ptscope.8: %s\n' "${missing[@]}"; return 1; }
	[ "$(commands | wc -l)" -ge 9 ]
}

@test "every option in the client's tables is in some command's help" {
	local all missing=() opt cmd
	all=$( { for cmd in $(commands); do help_options "$cmd"; done
		"$PTSCOPE" --help | grep -oE -- '--[a-z][a-z-]*'; } | sort -u)
	for opt in $(source_options); do
		case $opt in --help | --version | --colour) continue ;; esac
		grep -qx -- "$opt" <<<"$all" || missing+=("$opt")
	done
	[ ${#missing[@]} -eq 0 ] || { printf 'in no help text: %s\n' "${missing[@]}"; return 1; }
}

@test "the bash completion offers every command and each command's options" {
	local cmd want got
	got=$(complete_words ptscope "" | sort)
	want=$( { commands; echo help; } | sort)
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
	for cmd in $(commands); do
		want=$( { help_options "$cmd"; echo --help; } | sort -u)
		got=$(complete_words ptscope "$cmd" -- | sort -u)
		[ "$got" = "$want" ] || { echo "$cmd:"; diff <(echo "$want") <(echo "$got"); return 1; }
	done
	[ "$(complete_words ptscope --js)" = --json ]
	[ "$(complete_words ptscope watch --events fault,sw)" = fault,swap ]
	[ "$(complete_words ptscope walk 1 sta)" = stack ]
	complete_words ptscope help w | grep -qx watch
}

@test "make install and uninstall honour PREFIX and DESTDIR" {
	local d=$BATS_TEST_TMPDIR/root
	make -s -C "$REPO" install-client DESTDIR="$d" PREFIX=/opt/ps
	[ -x "$d/opt/ps/bin/ptscope" ]
	cmp "$d/opt/ps/bin/ptscope" "$PTSCOPE"
	cmp "$d/opt/ps/share/man/man8/ptscope.8" "$MAN"
	cmp "$d/opt/ps/share/bash-completion/completions/ptscope" "$COMPLETION"
	[ "$(stat -c %a "$d/opt/ps/share/man/man8/ptscope.8")" = 644 ]
	make -s -C "$REPO" uninstall-client DESTDIR="$d" PREFIX=/opt/ps
	[ -z "$(find "$d" -type f)" ]
	make -s -C "$REPO" install-client DESTDIR="$d"
	[ -x "$d/usr/local/bin/ptscope" ]
	[ -f "$d/usr/local/share/man/man8/ptscope.8" ]
}

@test "exit status: 2 for usage errors, 0 for help, 1 when the module is missing" {
	run "$PTSCOPE" nosuchcommand
	[ "$status" -eq 2 ]
	run "$PTSCOPE" --color=sometimes help
	[ "$status" -eq 2 ]
	run "$PTSCOPE"
	[ "$status" -eq 2 ]
	run "$PTSCOPE" walk
	[ "$status" -eq 2 ]
	run "$PTSCOPE" walk notapid stack
	[ "$status" -eq 2 ]
	run "$PTSCOPE" watch --count nope 1
	[ "$status" -eq 2 ]
	local cmd
	for cmd in $(commands); do
		run "$PTSCOPE" help "$cmd"
		[ "$status" -eq 0 ]
		[[ ${lines[0]} == "usage: ptscope $cmd"* ]]
		run "$PTSCOPE" "$cmd" --help
		[ "$status" -eq 0 ]
	done
	[ -d /sys/module/ptscope ] && skip "a ptscope module is loaded on this machine"
	run "$PTSCOPE" walk $$ stack
	[ "$status" -eq 1 ]
	[[ $output == *'ptscope: module not loaded: run `sudo modprobe ptscope`'* ]]
}

@test "make dkms-install and dkms-uninstall, into trees of their own" {
	command -v dkms || skip "dkms is not installed (scripts/deps installs it)"
	unshare --mount true 2>/dev/null || skip "no mount namespace for a private /lib/modules"
	local kver t
	kver=$("$REPO/scripts/kver")
	[ -f "/usr/src/linux-headers-$kver/Makefile" ] || skip "no headers for $kver"
	t=$BATS_TEST_TMPDIR
	mkdir -p "$t/src" "$t/dkms" "$t/lm/$kver"
	ln -s "/usr/src/linux-headers-$kver" "$t/lm/$kver/build"
	# dkms's key and depmod's /lib/modules/KVER are this test's own.
	run unshare --mount bash -c '
		set -e
		t=$1 kver=$2 repo=$3
		mount -t tmpfs tmpfs /var/lib/dkms
		mkdir -p "/lib/modules/$kver"
		mount --bind "$t/lm/$kver" "/lib/modules/$kver"
		d="dkms --sourcetree $t/src --dkmstree $t/dkms --installtree $t/lm"
		make -s -C "$repo" dkms-install DKMS="$d" DKMS_SRC="$t/src/ptscope-$4" DKMS_KVER="$kver"
		echo "installed: $(modinfo -k "$kver" -F filename ptscope)"
		echo "version: $(modinfo -k "$kver" -F version ptscope)"
		# Again over itself: an upgrade in place.
		make -s -C "$repo" dkms-install DKMS="$d" DKMS_SRC="$t/src/ptscope-$4" DKMS_KVER="$kver"
		make -s -C "$repo" dkms-uninstall DKMS="$d" DKMS_SRC="$t/src/ptscope-$4"
		modinfo -k "$kver" ptscope >/dev/null 2>&1 || echo "uninstalled"
	' _ "$t" "$kver" "$REPO" "$VERSION"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"installed: /lib/modules/$kver/updates/dkms/ptscope.ko"* ]]
	[[ $output == *"version: $VERSION"* ]]
	[[ $output == *uninstalled* ]]
	[ ! -e "$t/src/ptscope-$VERSION" ]
	[ -z "$(find "$t/lm" -name 'ptscope.ko*')" ]
}
