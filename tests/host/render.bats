#!/usr/bin/env bats
# Runs on the machine itself (scripts/check), not in the VM: Chromium takes
# minutes to start under emulation and a second here. PTSCOPE_MAP_HTML is a
# page `ptscope map --html` made in the VM for a live process.

load ../helpers

# Not the VM: this machine's kernel log is not ours to judge.
teardown() {
	:
}

@test "the map of a live process renders in headless Chromium as a picture, not a blank page" {
	local png=$BATS_TEST_TMPDIR/map.png present empty
	command -v chromium >/dev/null || skip "chromium is not installed (scripts/deps installs it)"
	[ -s "${PTSCOPE_MAP_HTML:-}" ]
	grep -q '<svg' "$PTSCOPE_MAP_HTML"
	present=$(legend_color "$PTSCOPE_MAP_HTML" "present 4 KiB")
	empty=$(legend_color "$PTSCOPE_MAP_HTML" "never populated")
	[ -n "$present" ] && [ -n "$empty" ]
	"$PROGS/render-map" "$PTSCOPE_MAP_HTML" "$png"
	run "$PROGS/pngcolors" "$png" "$present" "$empty"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(awk '$3 == "colors" { print $4 }' <<<"$output")" -gt 16 ]
	# The legend's swatches are 14x14 pixels; the bands must add far more.
	[ "$(awk -v c="$present" '$1 == c { print $2 }' <<<"$output")" -gt 2000 ]
}
