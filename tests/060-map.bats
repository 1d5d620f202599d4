#!/usr/bin/env bats
# ptscope map: pictures of a live process, checked against the kernel's
# other witnesses: /proc/PID/maps for the VMAs, /proc/PID/pagemap (through
# tests/progs/oracle) for the pages; and the SVG/HTML against an XML parser
# and a browser.

load helpers

setup_file() {
	target_suite
}

# The VMA ranges as /proc/PID/maps prints them. [vsyscall] is left out: it
# is the kernel's gate page, in no process's VMA tree, so a walk of the
# process's VMAs (ptscope's dump among them) never meets it.
maps_ranges() {
	awk '$6 != "[vsyscall]" { print $1 }' "/proc/$1/maps"
}

# The ranges of the rows of the terminal picture in $output.
picture_ranges() {
	awk '/^  [0-9a-f]+-[0-9a-f]+ / { print $1 }' <<<"$output"
}

# cells RANGE: the cells of that VMA's row in $output (between the last
# two '|': a name may hold a '|', the cells never do).
cells() {
	awk -v r="$1" '$1 == r' <<<"$output" | sed -n 's/.*|\([^|]*\)|$/\1/p'
}

# vma_of ADDR: the range of the target's VMA that holds ADDR.
vma_of() {
	local r s e
	while read -r r; do
		s=$((16#${r%-*}))
		e=$((16#${r#*-}))
		if (($1 >= s && $1 < e)); then
			echo "$r"
			return 0
		fi
	done < <(maps_ranges "$T_PID")
	echo "no VMA holds $1" >&2
	return 1
}

vma_pages() {
	echo $(((16#${1#*-} - 16#${1%-*}) / 4096))
}

# pagemap_cells RANGE: what the cells of a VMA of at most 64 pages must
# be, a cell per page: '#' present, 'S' swapped, '.' neither.
pagemap_cells() {
	local s=$((16#${1%-*})) e=$((16#${1#*-})) va addrs=()
	for ((va = s; va < e; va += 4096)); do
		addrs+=("$(printf '0x%x' "$va")")
	done
	"$PROGS/oracle" "$T_PID" "${addrs[@]}" |
		awk '{ c = "."; if ($2 == "present=1") c = "#"; else if ($3 == "swapped=1") c = "S"
		       printf "%s", c } END { print "" }'
}

# xml_bands FILE: the range of each band of the SVG picture in FILE, read
# by an XML parser (which fails on anything that is not well-formed).
xml_bands() {
	python3 - "$1" <<'EOF'
import sys
import xml.dom.minidom

doc = xml.dom.minidom.parse(sys.argv[1])
for g in doc.getElementsByTagName("g"):
    if g.getAttribute("class") == "band":
        print(g.getElementsByTagName("title")[0].firstChild.data.split()[0])
EOF
}

@test "map: a row per VMA of /proc/PID/maps, in order, and the legend" {
	run_cli 0 map "$T_PID"
	diff <(maps_ranges "$T_PID") <(picture_ranges)
	[[ "$output" == "process $T_PID: "*" VMAs, $(expected_levels)-level paging"* ]]
	[[ "$output" == *"resident "*"swapped "* ]]
	[[ "$output" == *"legend"* ]]
	for entry in "# present 4 KiB" "H present 2 MiB" "G present 1 GiB" "S swapped" \
		     "p protnone" "m migration" ". never populated"; do
		[[ "$output" == *"$entry"* ]]
	done
	[[ "$output" != *$'\033['* ]]
}

@test "map: written anonymous pages are '#', the untouched VMA only '.', as pagemap says" {
	local range c
	addr VA "$T_OUT" anon4k
	run_cli 0 map "$T_PID"
	range=$(vma_of "$VA")
	c=$(cells "$range")
	[[ "$c" == *"#"* ]]
	if [ "$(vma_pages "$range")" -le 64 ]; then
		# A cell per page: the picture is pagemap's, page for page.
		[ "$c" = "$(pagemap_cells "$range")" ]
	fi

	addr VA "$T_OUT" untouched
	range=$(vma_of "$VA")
	c=$(cells "$range")
	[[ "$c" =~ ^\.+$ ]]
	[ "${#c}" -eq "$(( $(vma_pages "$range") < 64 ? $(vma_pages "$range") : 64 ))" ]
}

@test "map: hugetlb pages are 'H' and 'G', a PROT_NONE page 'p'" {
	local range
	run_cli 0 map "$T_PID"
	addr VA "$T_OUT" huge2m
	range=$(vma_of "$VA")
	[[ "$(cells "$range")" =~ ^H+$ ]]
	addr VA "$T_OUT" protnone
	[[ "$(cells "$(vma_of "$VA")")" =~ ^p+$ ]]
	addr VA "$T_OUT" huge1g
	[[ "$(cells "$(vma_of "$VA")")" =~ ^G+$ ]]
}

@test "map: a THP-backed region shows 'H' inside its VMA" {
	addr VA "$T_OUT" thp
	[ "$(oracle "$T_PID" "$VA" anon_huge_kb)" -ge 2048 ] ||
		skip "the kernel did not back the region with a THP (smaps AnonHugePages is 0)"
	run_cli 0 map --all "$T_PID"
	[[ "$(cells "$(vma_of "$VA")")" == *H* ]]
}

@test "map --width: rows of at most N cells" {
	local range
	run_cli 0 map --width 16 "$T_PID"
	addr VA "$T_OUT" untouched
	range=$(vma_of "$VA")
	[ "$(cells "$range")" = "................" ]
	diff <(maps_ranges "$T_PID") <(picture_ranges)
	run_cli 2 map --width 3 "$T_PID"
	[[ "$output" == *"--width"* ]]
}

@test "map --svg: well-formed XML, a band per VMA of /proc/PID/maps" {
	local f=$BATS_TEST_TMPDIR/map.svg
	run_cli 0 map --svg "$f" "$T_PID"
	[ -z "$output" ]
	python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' "$f"
	diff <(maps_ranges "$T_PID") <(xml_bands "$f")
	grep -q "ptscope map: process $T_PID" "$f"
	for entry in "present 4 KiB" "present 2 MiB" "present 1 GiB" swapped protnone \
		     "never populated"; do
		grep -q ">$entry</text>" "$f"
	done
	# To standard output as well.
	run_cli 0 map --svg - "$T_PID"
	[[ "$output" == "<?xml"* ]]
}

@test "map --html: a self-contained page with the picture and a table of VMAs" {
	local f=$BATS_TEST_TMPDIR/map.html n
	run_cli 0 map --html "$f" "$T_PID"
	[ "$(head -c 15 "$f")" = "<!DOCTYPE html>" ]
	n=$(maps_ranges "$T_PID" | wc -l)
	# The page is XHTML-clean, so the XML parser reads it as well.
	diff <(maps_ranges "$T_PID") <(xml_bands "$f")
	[ "$(grep -c '^<tr><td><a href="#vma-' "$f")" -eq "$n" ]
	[ "$(grep -c '<svg ' "$f")" -eq 1 ]
	if grep -Eq '<script|<link|<img|src=|url\((https?:|//)' "$f"; then
		echo "the page loads something from elsewhere" >&2
		return 1
	fi
}

@test "map: usage errors" {
	run_cli 2 map
	run_cli 2 map --svg a.svg --html a.html "$T_PID"
	run_cli 2 --json map "$T_PID"
	run_cli 2 map --width x "$T_PID"
	run_cli 1 map --svg /nonexistent/dir/map.svg "$T_PID"
	[[ "$output" == *"cannot write /nonexistent/dir/map.svg"* ]]
	# A full disk: an error, and the device is left alone.
	run_cli 1 map --html /dev/full "$T_PID"
	[[ "$output" == *"cannot write /dev/full: No space left on device"* ]]
	[ -c /dev/full ]
}

# legend_color FILE NAME: the colour (RRGGBB) of the SVG legend's swatch
# for NAME in the picture in FILE.
