// SPDX-License-Identifier: GPL-2.0
/*
 * The pictures of `ptscope map`, fed runs built by hand: the right
 * character in the right cell, bands where the VMAs are, and SVG/HTML that
 * an XML parser accepts whatever a VMA is called.
 */
#include <stdlib.h>
#include <string.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/picture.h"
#include "tap.h"

#define KiB	1024ULL
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define PG	(4 * KiB)

/* ---- building an address space ---- */

#define MAX_VMAS	16
#define MAX_RUNS	64

struct space {
	struct ps_vma vmas[MAX_VMAS];
	struct ptscope_run runs[MAX_RUNS];
	size_t first[MAX_VMAS + 1];
	struct ps_map_data d;
};

static void begin(struct space *s)
{
	memset(s, 0, sizeof(*s));
	s->d.vmas = s->vmas;
	s->d.runs = s->runs;
	s->d.first_run = s->first;
	s->d.pid = 42;
	s->d.paging_levels = 5;
}

static void vma(struct space *s, uint64_t start, uint64_t size, uint32_t flags,
		const char *name)
{
	struct ps_vma *v = &s->vmas[s->d.nvmas];

	v->start = start;
	v->end = start + size;
	v->flags = flags;
	snprintf(v->name, sizeof(v->name), "%s", name);
	s->first[s->d.nvmas] = s->d.nruns;
	s->d.nvmas++;
	s->first[s->d.nvmas] = s->d.nruns;
}

static void run(struct space *s, uint64_t start, uint32_t pages, unsigned int state,
		unsigned int shift)
{
	struct ptscope_run *r = &s->runs[s->d.nruns++];

	memset(r, 0, sizeof(*r));
	r->start = start;
	r->pages = pages;
	r->state = (uint8_t)state;
	r->page_shift = (uint8_t)shift;
	r->level = shift == 30 ? PTSCOPE_LEVEL_PUD : shift == 21 ? PTSCOPE_LEVEL_PMD :
		   PTSCOPE_LEVEL_PTE;
	s->first[s->d.nvmas] = s->d.nruns;
}

#define RW	(PTSCOPE_VMA_F_READ | PTSCOPE_VMA_F_WRITE)

#define A_HALF	0x10000000ULL
#define A_THP	0x40000000ULL
#define A_SWAP	0x50000000ULL
#define A_ODD	0x50010000ULL	/* right after the swap VMA: no gap */
#define A_1G	0x80000000ULL

static const char odd_name[] = "we&ird<name>\"'x";

/*
 * half:  64 pages, the first 32 present
 * thp:   4 MiB, its first 2 MiB one PMD leaf
 * swap:  16 pages: 4 present, 4 swapped, 8 never touched
 * odd:   8 pages: 1 protnone, 1 migration, a name that needs escaping
 * huge:  1 GiB, one PUD leaf
 */
static void sample(struct space *s)
{
	begin(s);
	vma(s, A_HALF, 64 * PG, RW, "[anon]");
	run(s, A_HALF, 32, PTSCOPE_STATE_PRESENT, 12);
	vma(s, A_THP, 4 * MiB, RW | PTSCOPE_VMA_F_HUGEPAGE, "[anon]");
	run(s, A_THP, 1, PTSCOPE_STATE_PRESENT, 21);
	vma(s, A_SWAP, 16 * PG, RW, "[heap]");
	run(s, A_SWAP, 4, PTSCOPE_STATE_PRESENT, 12);
	run(s, A_SWAP + 4 * PG, 4, PTSCOPE_STATE_SWAP, 12);
	vma(s, A_ODD, 8 * PG, 0, odd_name);
	run(s, A_ODD, 1, PTSCOPE_STATE_PROTNONE, 12);
	run(s, A_ODD + PG, 1, PTSCOPE_STATE_MIGRATION, 12);
	vma(s, A_1G, GiB, RW | PTSCOPE_VMA_F_HUGETLB, "/anon_hugepage (deleted)");
	run(s, A_1G, 1, PTSCOPE_STATE_PRESENT, 30);
}

/* ---- capturing output ---- */

typedef int (*drawer)(FILE *f, const struct ps_map_data *d, unsigned int width);

static char *draw(drawer fn, const struct ps_map_data *d, unsigned int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int err = fn(f, d, width);

	fclose(f);
	if (err) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int text_plain(FILE *f, const struct ps_map_data *d, unsigned int width)
{
	return ps_map_print_text(f, d, width, false);
}

static int text_color(FILE *f, const struct ps_map_data *d, unsigned int width)
{
	return ps_map_print_text(f, d, width, true);
}

/* The cells of the row that starts with @start's range, into @cells. */
static int row_cells(const char *out, uint64_t start, char *cells, size_t len)
{
	char key[64];
	const char *line, *eol, *a, *b;

	snprintf(key, sizeof(key), "  %08llx-", (unsigned long long)start);
	line = strstr(out, key);
	if (!line)
		return -1;
	eol = strchr(line, '\n');
	if (!eol)
		return -1;
	/* The last |...| of the line: names may hold '|', cells do not. */
	b = eol - 1;
	if (*b != '|')
		return -1;
	for (a = b - 1; a > line && *a != '|'; a--)
		;
	if (*a != '|' || (size_t)(b - a) > len)
		return -1;
	memcpy(cells, a + 1, (size_t)(b - a - 1));
	cells[b - a - 1] = 0;
	return 0;
}

/* Where the cells of @start's row begin. */
static long bar_column(const char *out, uint64_t start)
{
	char key[64];
	const char *line, *bar;

	snprintf(key, sizeof(key), "  %08llx-", (unsigned long long)start);
	line = strstr(out, key);
	bar = line ? strchr(line, '|') : NULL;
	return bar ? bar - line : -1;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

static char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = 0;
	return buf;
}

/* ---- a small XML well-formedness check ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':' || c == '.';
}

static const char *entity(const char *p)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	size_t i;

	for (i = 0; i < 5; i++)
		if (!strncmp(p, named[i], strlen(named[i])))
			return p + strlen(named[i]);
	if (!strncmp(p, "&#x", 3)) {
		for (p += 3; strchr("0123456789abcdefABCDEF", *p) && *p; p++)
			;
		return *p == ';' ? p + 1 : NULL;
	}
	return NULL;
}

static bool utf8_valid(const unsigned char *p)
{
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;

		if (n < 0 || (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r'))
			return false;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* Tags balanced, attributes quoted, '&' only in entities, one root. */
static bool xml_ok(const char *p, char *why, size_t whylen)
{
	char stack[32][32];
	int depth = 0, roots = 0;

#define BAD(...) do { snprintf(why, whylen, __VA_ARGS__); return false; } while (0)
	if (!utf8_valid((const unsigned char *)p))
		BAD("not UTF-8, or a control character");
	while (*p) {
		if (*p == '&') {
			if (!(p = entity(p)))
				BAD("bare &");
			continue;
		}
		if (*p == '>')
			BAD("bare >");
		if (*p != '<') {
			if (!depth && *p != '\n' && *p != ' ')
				BAD("text outside the root: %.20s", p);
			p++;
			continue;
		}
		if (!strncmp(p, "<?", 2) || !strncmp(p, "<!--", 4) || !strncmp(p, "<!DOCTYPE", 9)) {
			const char *end = strstr(p, p[1] == '?' ? "?>" : p[2] == '-' ? "-->" : ">");

			if (!end || depth)
				BAD("bad declaration");
			p = strchr(end, '>') + 1;
			continue;
		}
		if (p[1] == '/') {
			size_t n = 0;

			for (p += 2; name_char(p[n]); n++)
				;
			if (!depth || strlen(stack[depth - 1]) != n || strncmp(stack[depth - 1], p, n) != 0)
				BAD("</%.*s> closes <%s>", (int)n, p, depth ? stack[depth - 1] : "");
			depth--;
			p += n;
			if (*p++ != '>')
				BAD("bad end tag");
			continue;
		}
		{
			size_t n = 0;

			for (p++; name_char(p[n]); n++)
				;
			if (!n || n >= sizeof(stack[0]) || depth == 32)
				BAD("bad tag name");
			if (!depth && roots++)
				BAD("two roots");
			memcpy(stack[depth], p, n);
			stack[depth][n] = 0;
			p += n;
			for (;;) {
				char q;

				while (*p == ' ' || *p == '\n')
					p++;
				if (*p == '>' || !strncmp(p, "/>", 2))
					break;
				for (n = 0; name_char(p[n]); n++)
					;
				if (!n || p[n] != '=' || (p[n + 1] != '"' && p[n + 1] != '\''))
					BAD("bad attribute in <%s>: %.20s", stack[depth], p);
				q = p[n + 1];
				for (p += n + 2; *p != q; ) {
					if (!*p || *p == '<')
						BAD("bad attribute value in <%s>", stack[depth]);
					if (*p == '&' && !(p = entity(p)))
						BAD("bare & in an attribute");
					else if (*p != '&' && *p != q)
						p++;
				}
				p++;
			}
			if (*p == '>') {
				depth++;
				p++;
			} else {
				p += 2;
			}
		}
	}
	if (depth)
		BAD("<%s> not closed", stack[depth - 1]);
	if (roots != 1)
		BAD("no root");
	return true;
#undef BAD
}

/* ---- terminal ---- */

static void test_text_cells(void)
{
	struct space s;
	char cells[256], want[256], *out;

	sample(&s);
	out = draw(text_plain, &s.d, 64);
	ok(out != NULL, "terminal picture drawn");
	if (!out)
		return;

	ok(!row_cells(out, A_HALF, cells, sizeof(cells)) &&
	   !strncmp(cells, repeat(want, '#', 32), 32) &&
	   !strcmp(cells + 32, repeat(want, '.', 32)),
	   "half-present VMA: 32 '#' then 32 '.' (%s)", cells);
	ok(!row_cells(out, A_THP, cells, sizeof(cells)) &&
	   !strncmp(cells, repeat(want, 'H', 32), 32) &&
	   !strcmp(cells + 32, repeat(want, '.', 32)),
	   "THP VMA: the 2 MiB leaf fills the first half with 'H' (%s)", cells);
	ok(!row_cells(out, A_SWAP, cells, sizeof(cells)) &&
	   !strcmp(cells, "####SSSS........"),
	   "swapped run: 'S' in cells 4-7 of a 16-page VMA (%s)", cells);
	ok(!row_cells(out, A_ODD, cells, sizeof(cells)) && !strcmp(cells, "pm......"),
	   "protnone 'p', migration 'm' (%s)", cells);
	ok(!row_cells(out, A_1G, cells, sizeof(cells)) &&
	   !strcmp(cells, repeat(want, 'G', 64)), "1 GiB leaf: all 'G' (%s)", cells);
	ok(count(out, "|\n") == 5, "one row per VMA");
	ok(strstr(out, "# present 4 KiB") && strstr(out, "H present 2 MiB") &&
	   strstr(out, "G present 1 GiB") && strstr(out, "S swapped") &&
	   strstr(out, "p protnone") && strstr(out, "m migration") &&
	   strstr(out, ". never populated"), "the legend names every character");
	ok(strstr(out, "process 42") && strstr(out, "5 VMAs") &&
	   strstr(out, "5-level paging"), "a title with pid, VMA count, paging mode");
	ok(strstr(out, "resident 1.0 GiB") && strstr(out, "144 KiB in 4 KiB pages") &&
	   strstr(out, "2 MiB in 2 MiB pages") && strstr(out, "swapped 16 KiB"),
	   "resident totals by page size, and swap");
	ok(!strchr(out, '\033'), "no escape sequences without colour");
	ok(strstr(out, "we&ird<name>\"'x"), "names as they are on the terminal");
	free(out);

	out = draw(text_color, &s.d, 64);
	ok(out && strstr(out, "\033[32m#"), "colour when asked for");
	free(out);
}

static void test_text_scaling(void)
{
	struct space s;
	char cells[256], *out;

	sample(&s);
	out = draw(text_plain, &s.d, 8);
	ok(out && !row_cells(out, A_SWAP, cells, sizeof(cells)) && !strcmp(cells, "##SS...."),
	   "width 8: 2 pages a cell (%s)", cells);
	free(out);
	out = draw(text_plain, &s.d, 4);
	ok(out && !row_cells(out, A_SWAP, cells, sizeof(cells)) && !strcmp(cells, "#S.."),
	   "width 4: 4 pages a cell (%s)", cells);
	free(out);

	/* 3 pages present, 1 swapped, 1 cell: the majority, or the rarest. */
	begin(&s);
	vma(&s, A_HALF, 4 * PG, RW, "[anon]");
	run(&s, A_HALF, 3, PTSCOPE_STATE_PRESENT, 12);
	run(&s, A_HALF + 3 * PG, 1, PTSCOPE_STATE_SWAP, 12);
	out = draw(text_plain, &s.d, 1);
	ok(out && !row_cells(out, A_HALF, cells, sizeof(cells)) && !strcmp(cells, "#"),
	   "a mixed cell shows its majority (%s)", cells);
	free(out);
	s.d.any_page = true;
	out = draw(text_plain, &s.d, 1);
	ok(out && !row_cells(out, A_HALF, cells, sizeof(cells)) && !strcmp(cells, "S"),
	   "--all: a mixed cell shows its rarest state (%s)", cells);
	free(out);

	/* One present page in a big VMA: gone by majority, kept by any page. */
	begin(&s);
	vma(&s, A_THP, 64 * MiB, RW, "[anon]");
	run(&s, A_THP + 32 * MiB, 1, PTSCOPE_STATE_PRESENT, 12);
	out = draw(text_plain, &s.d, 64);
	ok(out && !row_cells(out, A_THP, cells, sizeof(cells)) && !strchr(cells, '#'),
	   "a lone page in 64 MiB is lost in the majority");
	free(out);
	s.d.any_page = true;
	out = draw(text_plain, &s.d, 64);
	ok(out && !row_cells(out, A_THP, cells, sizeof(cells)) && cells[32] == '#' &&
	   count(cells, "#") == 1, "--all: the lone page shows, in the middle (%s)", cells);
	free(out);

	/* Half and half: a tie says present. */
	begin(&s);
	vma(&s, A_HALF, 2 * PG, RW, "[anon]");
	run(&s, A_HALF + PG, 1, PTSCOPE_STATE_PRESENT, 12);
	out = draw(text_plain, &s.d, 1);
	ok(out && !row_cells(out, A_HALF, cells, sizeof(cells)) && !strcmp(cells, "#"),
	   "a tie between present and never populated says present (%s)", cells);
	free(out);
}

static void test_text_names(void)
{
	struct space s;
	char cells[256], longname[200], *out;

	begin(&s);
	memset(longname, 'd', sizeof(longname) - 1);
	longname[0] = '/';
	memcpy(longname + sizeof(longname) - 12, "/libfoo.so", sizeof("/libfoo.so"));
	vma(&s, A_HALF, PG, RW, longname);
	vma(&s, A_THP, PG, RW, "esc\033[2Jape");
	vma(&s, A_SWAP, PG, RW, "c1\xc2\x9b" "2J bad\xff caf\xc3\xa9");
	out = draw(text_plain, &s.d, 64);
	ok(out && strstr(out, "  ...ddd") && strstr(out, "ddd/libfoo.so  |.|"),
	   "a long name keeps its end");
	ok(out && bar_column(out, A_HALF) > 0 && bar_column(out, A_HALF) == bar_column(out, A_THP),
	   "rows aligned whatever the names");
	ok(out && !strchr(out, '\033') && strstr(out, "esc?[2Jape"),
	   "control characters in a name cannot reach the terminal");
	ok(out && strstr(out, "c1?2J bad? caf\xc3\xa9  "),
	   "nor C1 controls or broken UTF-8; good UTF-8 passes, one column a character");
	ok(out && !row_cells(out, A_THP, cells, sizeof(cells)) && !strcmp(cells, "."),
	   "a VMA without runs is never populated");
	free(out);
}

/* ---- SVG and HTML ---- */

static void test_svg(void)
{
	struct space s;
	char why[256] = "", needle[128], *out, *p;
	unsigned int c;
	double w = 0;

	sample(&s);
	out = draw(ps_map_print_svg, &s.d, PS_MAP_SVG_WIDTH);
	ok(out != NULL, "SVG drawn");
	if (!out)
		return;
	ok(xml_ok(out, why, sizeof(why)), "SVG is well-formed XML (%s)", why);
	ok(!strncmp(out, "<?xml", 5) && strstr(out, "<svg xmlns=\"http://www.w3.org/2000/svg\""),
	   "a standalone SVG document");
	ok(count(out, "<g class=\"band\"") == 5, "one band per VMA");
	ok(count(out, "<g class=\"gap\"") == 3, "a separator for each gap, none between touching VMAs");
	ok(strstr(out, ">gap 767.8 MiB<") != NULL, "gaps labelled with their size");
	ok(strstr(out, "we&amp;ird&lt;name&gt;&quot;&apos;x") && !strstr(out, "ird<name>"),
	   "names escaped");
	for (c = 0; c < PS_PIC_NR; c++) {
		snprintf(needle, sizeof(needle), ">%s</text>", ps_pic_legend[c].name);
		ok(strstr(out, needle) != NULL, "legend entry: %s", ps_pic_legend[c].name);
	}
	ok(strstr(out, "ptscope map: process 42") && strstr(out, "resident 1.0 GiB"),
	   "a title with pid and resident total");
	ok(strstr(out, "fill=\"url(#ps-swap)\"") && strstr(out, "<pattern id=\"ps-swap\""),
	   "swapped pages hatched");
	ok(strstr(out, "1 px = 1 MiB") && strstr(out, "1 page = 64.0 px") &&
	   strstr(out, "1 px = 4 KiB"), "per-band scale notes");

	/* The THP leaf fills the first half of its band. */
	snprintf(needle, sizeof(needle), "<rect class=\"c%u\" x=\"%u.00\"", (unsigned int)PS_PIC_2M, 16u);
	p = strstr(out, needle);
	ok(p && sscanf(strstr(p, "width=") + 7, "%lf", &w) == 1 && w == PS_MAP_SVG_WIDTH / 2,
	   "a 2 MiB leaf drawn over half a 4 MiB band (width %.2f)", w);
	free(out);

	/* Bytes no XML parser accepts, and UTF-8 that it must keep. */
	begin(&s);
	vma(&s, A_HALF, PG, RW, "bad\xff\x01 caf\xc3\xa9 \xe0\x80\x80");
	out = draw(ps_map_print_svg, &s.d, PS_MAP_SVG_MIN_WIDTH);
	ok(out && xml_ok(out, why, sizeof(why)), "broken UTF-8 and control bytes: still XML (%s)",
	   why);
	ok(out && strstr(out, "bad&#xfffd;&#xfffd; caf\xc3\xa9 &#xfffd;&#xfffd;&#xfffd;"),
	   "replaced by U+FFFD, valid UTF-8 kept");
	free(out);

	/* No VMA at all: still a picture. */
	begin(&s);
	out = draw(ps_map_print_svg, &s.d, PS_MAP_SVG_WIDTH);
	ok(out && xml_ok(out, why, sizeof(why)) && !strstr(out, "class=\"band\""),
	   "an empty address space draws an empty picture (%s)", why);
	free(out);
}

static void test_html(void)
{
	struct space s;
	char why[256] = "", *out;

	sample(&s);
	out = draw(ps_map_print_html, &s.d, PS_MAP_SVG_WIDTH);
	ok(out != NULL, "HTML drawn");
	if (!out)
		return;
	ok(!strncmp(out, "<!DOCTYPE html>", 15), "an HTML5 page");
	ok(xml_ok(out, why, sizeof(why)), "the page is well-formed XML too (%s)", why);
	ok(count(out, "<svg ") == 1 && count(out, "<g class=\"band\"") == 5,
	   "the SVG inline, one band per VMA");
	ok(count(out, "<tr><td><a href=\"#vma-") == 5, "a table row per VMA");
	ok(count(out, "<span class=\"sw c") == PS_PIC_NR, "a legend entry per class");
	ok(!strstr(out, "http://") || !strstr(out, "src="), "no external resources");
	ok(!strstr(out, "<script"), "no script");
	ok(strstr(out, "<td>we&amp;ird&lt;name&gt;&quot;&apos;x</td>") != NULL,
	   "names escaped in the table");
	free(out);
}

int main(void)
{
	test_text_cells();
	test_text_scaling();
	test_text_names();
	test_svg();
	test_html();
	return tap_done();
}
