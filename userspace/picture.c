// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures of an address space: terminal, SVG, HTML. See picture.h.
 *
 * All three share one idea: a VMA is cut into cells (a cell per terminal
 * character, or per pixel at most), and a cell shows the class that covers
 * most of its bytes (or, with any_page, the rarest class in it). SVG draws
 * each cell at the position of its address, merging neighbours of one
 * class, so the size of the output follows the picture, not the number of
 * runs.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "picture.h"
#include "term.h"

#define PAGE_SIZE	4096ULL

const struct ps_pic_legend ps_pic_legend[PS_PIC_NR] = {
	[PS_PIC_NONE]		= { '.', "never populated",		"#e4e4e4" },
	[PS_PIC_4K]		= { '#', "present 4 KiB",		"#2e7d32" },
	[PS_PIC_2M]		= { 'H', "present 2 MiB",		"#1565c0" },
	[PS_PIC_1G]		= { 'G', "present 1 GiB",		"#6a1b9a" },
	[PS_PIC_SWAP]		= { 'S', "swapped",			"#f9a825" },
	[PS_PIC_PROTNONE]	= { 'p', "protnone",			"#ec407a" },
	[PS_PIC_OTHER]		= { 'm', "migration, other not present", "#d84315" },
};

/* Longer words for the HTML legend. */
static const char *const class_meaning[PS_PIC_NR] = {
	[PS_PIC_NONE]	  = "never touched: no page, nothing in the tables (the band's background)",
	[PS_PIC_4K]	  = "mapped by a PTE to a 4 KiB frame",
	[PS_PIC_2M]	  = "mapped by a PMD leaf to a 2 MiB frame (transparent huge page or hugetlb)",
	[PS_PIC_1G]	  = "mapped by a PUD leaf to a 1 GiB frame (hugetlb)",
	[PS_PIC_SWAP]	  = "written out to swap: the entry holds the swap slot",
	[PS_PIC_PROTNONE] = "has a frame, but the MMU may not use it (PROT_NONE or NUMA hinting)",
	[PS_PIC_OTHER]	  = "not present for another reason: migration, hwpoison, marker, device",
};

unsigned int ps_pic_class(const struct ptscope_run *r)
{
	switch (r->state) {
	case PTSCOPE_STATE_NO_VMA:
	case PTSCOPE_STATE_NONE:
		return PS_PIC_NONE;
	case PTSCOPE_STATE_PRESENT:
		if (r->page_shift >= 30)
			return PS_PIC_1G;
		return r->page_shift >= 21 ? PS_PIC_2M : PS_PIC_4K;
	case PTSCOPE_STATE_SWAP:
		return PS_PIC_SWAP;
	case PTSCOPE_STATE_PROTNONE:
		return PS_PIC_PROTNONE;
	default:
		return PS_PIC_OTHER;
	}
}

/* The run's bytes inside VMA @v: 0 when it lies outside (it should not). */
static uint64_t run_span(const struct ptscope_run *r, const struct ps_vma *v,
			 uint64_t *start)
{
	unsigned int shift = r->page_shift < 12 ? 12 : r->page_shift;
	uint64_t s = r->start, e;

	/* pages << shift cannot overflow for a run inside user space. */
	e = shift < 64 ? s + ((uint64_t)r->pages << shift) : UINT64_MAX;
	if (e < s)
		e = UINT64_MAX;
	if (s < v->start)
		s = v->start;
	if (e > v->end)
		e = v->end;
	*start = s;
	return e > s ? e - s : 0;
}

void ps_pic_vma_bytes(const struct ps_map_data *d, size_t i,
		      uint64_t bytes[PS_PIC_NR])
{
	const struct ps_vma *v = &d->vmas[i];
	uint64_t covered = 0, size = v->end - v->start, s, n;
	size_t r;

	memset(bytes, 0, PS_PIC_NR * sizeof(bytes[0]));
	for (r = d->first_run[i]; r < d->first_run[i + 1]; r++) {
		n = run_span(&d->runs[r], v, &s);
		bytes[ps_pic_class(&d->runs[r])] += n;
		covered += n;
	}
	bytes[PS_PIC_NONE] += covered < size ? size - covered : 0;
}

void ps_pic_total_bytes(const struct ps_map_data *d, uint64_t bytes[PS_PIC_NR])
{
	uint64_t one[PS_PIC_NR];
	size_t i, c;

	memset(bytes, 0, PS_PIC_NR * sizeof(bytes[0]));
	for (i = 0; i < d->nvmas; i++) {
		ps_pic_vma_bytes(d, i, one);
		for (c = 0; c < PS_PIC_NR; c++)
			bytes[c] += one[c];
	}
}

/*
 * Majority: ties go to the later class, so a half-present cell says
 * present. Any page: the later classes are the rarer, more telling ones.
 */
static unsigned char cell_class(const uint64_t bytes[PS_PIC_NR], bool any_page)
{
	unsigned int c, best = PS_PIC_NONE;

	for (c = 1; c < PS_PIC_NR; c++)
		if (bytes[c] && (any_page || bytes[c] >= bytes[best]))
			best = c;
	return (unsigned char)best;
}

size_t ps_pic_cells(const struct ps_map_data *d, size_t i, size_t max,
		    uint64_t *slice, unsigned char *cls)
{
	const struct ps_vma *v = &d->vmas[i];
	uint64_t size = v->end - v->start;
	/* Rounded up without adding: a VMA may end near 2^64. */
	uint64_t pages = size / PAGE_SIZE + (size % PAGE_SIZE != 0);
	uint64_t per;
	uint64_t (*bytes)[PS_PIC_NR];
	size_t n, c, r;

	*slice = 0;
	if (!max || !size)
		return 0;
	per = pages / max + (pages % max != 0);
	*slice = per * PAGE_SIZE;
	n = (size_t)(size / *slice + (size % *slice != 0));
	bytes = calloc(n, sizeof(*bytes));
	if (!bytes)
		return 0;

	for (r = d->first_run[i]; r < d->first_run[i + 1]; r++) {
		unsigned int k = ps_pic_class(&d->runs[r]);
		uint64_t s, left = run_span(&d->runs[r], v, &s);

		c = (size_t)((s - v->start) / *slice);
		while (left && c < n) {
			uint64_t cell_end = v->start + (c + 1) * *slice;
			uint64_t take = cell_end - s < left ? cell_end - s : left;

			bytes[c][k] += take;
			s += take;
			left -= take;
			c++;
		}
	}
	for (c = 0; c < n; c++) {
		uint64_t len = c + 1 < n ? *slice : size - c * *slice;
		uint64_t covered = 0;
		unsigned int k;

		for (k = 0; k < PS_PIC_NR; k++)
			covered += bytes[c][k];
		if (covered < len)
			bytes[c][PS_PIC_NONE] += len - covered;
		cls[c] = cell_class(bytes[c], d->any_page);
	}
	free(bytes);
	return n;
}

/* Present first, the background last. */
static const unsigned int legend_order[PS_PIC_NR] = {
	PS_PIC_4K, PS_PIC_2M, PS_PIC_1G, PS_PIC_SWAP, PS_PIC_PROTNONE,
	PS_PIC_OTHER, PS_PIC_NONE,
};

/* How to read a cell, for the legends. */
static const char *cell_rule(const struct ps_map_data *d)
{
	return d->any_page ?
		"shows the rarest state of any page in it, so no populated page is lost" :
		"shows what most of its bytes are";
}

static void fmt_size(char *buf, size_t len, uint64_t bytes)
{
	ps_fmt_size(buf, len, bytes);
}

/* Appends to a string that may get cut; it is for people, not parsers. */
static void __attribute__((format(printf, 4, 5)))
append(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = (size_t)w < len - *n ? *n + (size_t)w : len - 1;
}

/* "27 VMAs, 5-level paging" */
static void fmt_shape(char *buf, size_t len, const struct ps_map_data *d)
{
	size_t n = 0;

	buf[0] = 0;
	append(buf, len, &n, "%zu VMA%s", d->nvmas, d->nvmas == 1 ? "" : "s");
	if (d->paging_levels)
		append(buf, len, &n, ", %u-level paging", d->paging_levels);
}

/* "resident 6.1 MiB (2 MiB in 4 KiB pages, ...); swapped 0 B" */
static void fmt_totals(char *buf, size_t len, const struct ps_map_data *d)
{
	static const unsigned int parts[] = {
		PS_PIC_4K, PS_PIC_2M, PS_PIC_1G, PS_PIC_PROTNONE,
	};
	static const char *const part_names[] = {
		"in 4 KiB pages", "in 2 MiB pages", "in 1 GiB pages", "protnone",
	};
	uint64_t tot[PS_PIC_NR], resident = 0;
	char sz[32];
	size_t i, n = 0;
	bool first = true;

	buf[0] = 0;
	ps_pic_total_bytes(d, tot);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		resident += tot[parts[i]];
	fmt_size(sz, sizeof(sz), resident);
	append(buf, len, &n, "resident %s", sz);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!tot[parts[i]])
			continue;
		fmt_size(sz, sizeof(sz), tot[parts[i]]);
		append(buf, len, &n, "%s%s %s", first ? " (" : ", ", sz, part_names[i]);
		first = false;
	}
	if (!first)
		append(buf, len, &n, ")");
	fmt_size(sz, sizeof(sz), tot[PS_PIC_SWAP]);
	append(buf, len, &n, "; swapped %s", sz);
	if (tot[PS_PIC_OTHER]) {
		fmt_size(sz, sizeof(sz), tot[PS_PIC_OTHER]);
		append(buf, len, &n, "; migration/other %s", sz);
	}
}

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at @p (an XML Char), 0 if invalid. */
static size_t utf8_char(const unsigned char *p)
{
	uint32_t cp;
	size_t n, i;

	if (p[0] < 0xc2)
		return 0;
	n = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : p[0] < 0xf5 ? 4 : 0;
	if (!n)
		return 0;
	cp = p[0] & (0xff >> (n + 1));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past Unicode, and XML's two non-chars. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

#define NAME_COLS_MAX	40

/* ---- terminal ---- */

/* Display columns of a UTF-8 string: one per code point. */
static size_t text_cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Past the first @n characters of UTF-8 @p. */
static const unsigned char *skip_chars(const unsigned char *p, size_t n)
{
	while (n-- && *p) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
	}
	return p;
}

/*
 * @name in exactly @cols columns: padded, or cut keeping its end (the
 * file name says more than the directories). Control characters (C0, DEL,
 * C1) and broken UTF-8 are shown as '?', so a name cannot drive the
 * terminal.
 */
static void put_name(FILE *f, const char *name, size_t cols)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t have = text_cols(name), n;

	if (have > cols) {
		fputs("...", f);
		p = skip_chars(p, have - (cols - 3));
		have = cols;
	}
	while (*p) {
		n = *p >= 0x80 ? utf8_char(p) : 1;
		if (!n || *p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] < 0xa0))
			fputc('?', f);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fprintf(f, "%*s", (int)(cols - have), "");
}

static const char *cell_color(const struct ps_style *s, unsigned int c)
{
	switch (c) {
	case PS_PIC_4K:		return s->green;
	case PS_PIC_2M:		return s->cyan;
	case PS_PIC_1G:		return s->magenta;
	case PS_PIC_SWAP:	return s->yellow;
	case PS_PIC_PROTNONE:	return s->blue;
	case PS_PIC_OTHER:	return s->red;
	default:		return s->dim;
	}
}

static void put_cells(FILE *f, const unsigned char *cls, size_t n,
		      const struct ps_style *s)
{
	size_t i;
	int cur = -1;

	fputc('|', f);
	for (i = 0; i < n; i++) {
		/* One escape per stretch of a colour, not per cell. */
		if (cls[i] != cur && *s->reset) {
			fputs(s->reset, f);
			fputs(cell_color(s, cls[i]), f);
		}
		cur = cls[i];
		fputc(ps_pic_legend[cls[i]].cell, f);
	}
	if (*s->reset)
		fputs(s->reset, f);
	fputs("|\n", f);
}

/* "7f3a2c000000-7f3a2c021000" as /proc/PID/maps prints it. */
static int fmt_range(char *buf, size_t len, const struct ps_vma *v)
{
	return snprintf(buf, len, "%08" PRIx64 "-%08" PRIx64, v->start, v->end);
}

static void text_legend(FILE *f, const struct ps_map_data *d, unsigned int width,
			const struct ps_style *s)
{
	size_t col = 2, w, i;
	unsigned int k;

	fprintf(f, "\n  %slegend%s\n  ", s->bold, s->reset);
	for (i = 0; i < PS_PIC_NR; i++) {
		k = legend_order[i];
		w = 3 + 2 + strlen(ps_pic_legend[k].name);
		if (col > 2 && col + w > 80) {
			fputs("\n  ", f);
			col = 2;
		}
		fprintf(f, "%s%s%c%s %s", col > 2 ? "   " : "", cell_color(s, k),
			ps_pic_legend[k].cell, s->reset, ps_pic_legend[k].name);
		col += w;
	}
	fprintf(f, "\n  Each row is one VMA, in address order, cut into at most %u cells of\n"
		   "  whole 4 KiB pages; gaps between VMAs are not drawn.\n"
		   "  A cell %s.\n", width, cell_rule(d));
}

int ps_map_print_text(FILE *f, const struct ps_map_data *d, unsigned int width,
		      bool color)
{
	const struct ps_style *s = ps_style(color);
	size_t i, range_cols = 17, name_cols = 4, n;
	unsigned char *cls;
	char buf[1024], sz[32];
	uint64_t slice;

	cls = malloc(width ? width : 1);
	if (!cls)
		return -1;
	for (i = 0; i < d->nvmas; i++) {
		size_t r = (size_t)fmt_range(buf, sizeof(buf), &d->vmas[i]);
		size_t nc = text_cols(d->vmas[i].name);

		range_cols = r > range_cols ? r : range_cols;
		name_cols = nc > name_cols ? nc : name_cols;
	}
	if (name_cols > NAME_COLS_MAX)
		name_cols = NAME_COLS_MAX;

	fmt_shape(buf, sizeof(buf), d);
	fprintf(f, "%sprocess %d%s: %s\n", s->bold, d->pid, s->reset, buf);
	fmt_totals(buf, sizeof(buf), d);
	fprintf(f, "%s\n\n", buf);
	fprintf(f, "  %s%-*s %-4s %10s  %-*s  %s%s\n", s->bold, (int)range_cols,
		"range", "perm", "size", (int)name_cols, "name", "pages", s->reset);
	for (i = 0; i < d->nvmas; i++) {
		const struct ps_vma *v = &d->vmas[i];
		char perms[5];

		n = ps_pic_cells(d, i, width, &slice, cls);
		if (!n && v->end > v->start) {
			free(cls);
			return -1;
		}
		fmt_range(buf, sizeof(buf), v);
		ps_vma_perms(v->flags, perms);
		fmt_size(sz, sizeof(sz), v->end - v->start);
		fprintf(f, "  %-*s %s %10s  ", (int)range_cols, buf, perms, sz);
		put_name(f, v->name, name_cols);
		fputs("  ", f);
		put_cells(f, cls, n, s);
	}
	free(cls);
	text_legend(f, d, width, s);
	return ferror(f) ? -1 : 0;
}

/* ---- XML ---- */

void ps_xml_escape(FILE *f, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;
	size_t n;

	while (*p) {
		switch (*p) {
		case '&':  fputs("&amp;", f);  break;
		case '<':  fputs("&lt;", f);   break;
		case '>':  fputs("&gt;", f);   break;
		case '"':  fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if (*p >= 0x20 && *p < 0x7f) {
				fputc(*p, f);
			} else if (*p >= 0x80 && (n = utf8_char(p))) {
				fwrite(p, 1, n, f);
				p += n;
				continue;
			} else {
				/* Control bytes and broken UTF-8 are not XML. */
				fputs("&#xfffd;", f);
			}
		}
		p++;
	}
}

/* ---- SVG ---- */

#define SVG_MARGIN	16u
#define SVG_CHAR_W	7.3	/* DejaVu Sans Mono at 12 px, a little generous */
#define SVG_LABEL_H	16u
#define SVG_BAND_H	18u
#define SVG_VMA_GAP	10u
#define SVG_SEP_H	18u
#define SVG_LEGEND_ROW	20u

struct svg_layout {
	unsigned int width;		/* band width */
	unsigned int legend_rows;
	unsigned int legend_top, bands_top, height;
};

static const char *svg_fill(unsigned int c)
{
	return c == PS_PIC_SWAP ? "url(#ps-swap)" : ps_pic_legend[c].color;
}

static unsigned int legend_item_w(unsigned int c)
{
	return 14 + 6 + (unsigned int)(strlen(ps_pic_legend[c].name) * SVG_CHAR_W) + 22;
}

/*
 * Legend items flowed into rows of @width; drawn when @f is given (the
 * layout calls it without, to know the height). Returns the row count.
 */
static unsigned int legend_flow(unsigned int width, FILE *f, unsigned int top)
{
	unsigned int x = 0, row = 0, i, c, w;

	for (i = 0; i < PS_PIC_NR; i++) {
		c = legend_order[i];
		w = legend_item_w(c);
		if (x && x + w > width) {
			x = 0;
			row++;
		}
		if (f) {
			unsigned int y = top + row * SVG_LEGEND_ROW;

			fprintf(f, "<g class=\"legend-item\"><rect x=\"%u\" y=\"%u\" width=\"14\" "
				"height=\"14\" fill=\"%s\" stroke=\"#777\" stroke-width=\"0.5\"/>"
				"<text x=\"%u\" y=\"%u\">%s</text></g>\n",
				SVG_MARGIN + x, y, svg_fill(c), SVG_MARGIN + x + 20, y + 11,
				ps_pic_legend[c].name);
		}
		x += w;
	}
	return row + 1;
}

static bool gap_before(const struct ps_map_data *d, size_t i)
{
	return i && d->vmas[i].start > d->vmas[i - 1].end;
}

static void svg_layout(const struct ps_map_data *d, unsigned int width,
		       struct svg_layout *l)
{
	size_t i;
	unsigned int y;

	l->width = width;
	l->legend_top = 64;
	l->legend_rows = legend_flow(width, NULL, 0);
	l->bands_top = l->legend_top + l->legend_rows * SVG_LEGEND_ROW + 12;
	y = l->bands_top;
	for (i = 0; i < d->nvmas; i++)
		y += (gap_before(d, i) ? SVG_SEP_H : 0) + SVG_LABEL_H + SVG_BAND_H +
		     SVG_VMA_GAP;
	l->height = y + SVG_MARGIN;
}

static void svg_defs(FILE *f)
{
	/* Swapped pages get a hatch as well as a colour: still readable in grey. */
	fprintf(f, "<defs>\n<pattern id=\"ps-swap\" width=\"6\" height=\"6\" "
		   "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		   "<rect width=\"6\" height=\"6\" fill=\"%s\"/>"
		   "<rect width=\"2\" height=\"6\" fill=\"#6d4c00\"/></pattern>\n"
		   "</defs>\n", ps_pic_legend[PS_PIC_SWAP].color);
	fputs("<style>\n"
	      "text { font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; fill: #222; white-space: pre; }\n"
	      "text.title { font-size: 18px; font-weight: bold; }\n"
	      "text.note, g.gap text { fill: #666; }\n"
	      "</style>\n", f);
}

/* The band's cells, neighbours of one class merged into one rectangle. */
static void svg_cells(FILE *f, const struct ps_vma *v, const unsigned char *cls,
		      size_t n, uint64_t slice, unsigned int width, unsigned int y)
{
	double size = (double)(v->end - v->start), x0, x1;
	size_t a, b;

	for (a = 0; a < n; a = b) {
		for (b = a + 1; b < n && cls[b] == cls[a]; b++)
			;
		if (cls[a] == PS_PIC_NONE)
			continue;	/* the background says it */
		x0 = (double)a * (double)slice / size * width;
		x1 = b == n ? width : (double)b * (double)slice / size * width;
		fprintf(f, "<rect class=\"c%u\" x=\"%.2f\" y=\"%u\" width=\"%.2f\" "
			"height=\"%u\" fill=\"%s\"/>\n", cls[a], SVG_MARGIN + x0, y,
			x1 - x0, SVG_BAND_H, svg_fill(cls[a]));
	}
}

/* "1 px = 64 KiB", or "1 page = 12.5 px" when pages are wider than a pixel. */
static void fmt_scale(char *buf, size_t len, uint64_t size, unsigned int width)
{
	char sz[32];

	if (size / width >= PAGE_SIZE) {
		fmt_size(sz, sizeof(sz), size / width);
		snprintf(buf, len, "1 px = %s", sz);
	} else {
		snprintf(buf, len, "1 page = %.1f px",
			 (double)PAGE_SIZE * width / (double)size);
	}
}

/* How many characters of name fit on the label line. */
static size_t svg_name_room(unsigned int width, size_t used)
{
	size_t all = (size_t)(width / SVG_CHAR_W);

	return all > used + 12 ? all - used : 12;
}

static void svg_label_name(FILE *f, const char *name, size_t room)
{
	size_t have = text_cols(name);
	const unsigned char *p = (const unsigned char *)name;

	if (have > room) {
		fputs("...", f);
		p = skip_chars(p, have - (room - 3));
	}
	ps_xml_escape(f, (const char *)p);
}

static int svg_band(FILE *f, const struct ps_map_data *d, size_t i,
		    unsigned int width, unsigned int *y, unsigned char *cls)
{
	const struct ps_vma *v = &d->vmas[i];
	uint64_t bytes[PS_PIC_NR], slice, resident;
	char range[64], perms[5], sz[32], res[32], scale[64], note[128];
	size_t n, used;

	if (gap_before(d, i)) {
		fmt_size(sz, sizeof(sz), v->start - d->vmas[i - 1].end);
		fprintf(f, "<g class=\"gap\"><line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" "
			"stroke=\"#aaa\" stroke-dasharray=\"4 3\"/>"
			"<text x=\"%u\" y=\"%u\">gap %s</text></g>\n",
			SVG_MARGIN + 110, *y + 8, SVG_MARGIN + width, *y + 8,
			SVG_MARGIN, *y + 12, sz);
		*y += SVG_SEP_H;
	}
	n = ps_pic_cells(d, i, width, &slice, cls);
	if (!n && v->end > v->start)
		return -1;
	ps_pic_vma_bytes(d, i, bytes);
	resident = bytes[PS_PIC_4K] + bytes[PS_PIC_2M] + bytes[PS_PIC_1G] +
		   bytes[PS_PIC_PROTNONE];
	fmt_range(range, sizeof(range), v);
	ps_vma_perms(v->flags, perms);
	fmt_size(sz, sizeof(sz), v->end - v->start);
	fmt_size(res, sizeof(res), resident);
	fmt_scale(scale, sizeof(scale), v->end - v->start, width);
	snprintf(note, sizeof(note), "resident %s, %s", res, scale);

	fprintf(f, "<g class=\"band\" id=\"vma-%zu\">\n<title>", i);
	fprintf(f, "%s %s %s ", range, perms, sz);
	ps_xml_escape(f, v->name);
	fprintf(f, "</title>\n<text x=\"%u\" y=\"%u\">%s %s %10s  ", SVG_MARGIN,
		*y + 12, range, perms, sz);
	/* The note sits at the right end of the same line: leave it room. */
	used = strlen(range) + 1 + 4 + 1 + 10 + 2 + strlen(note) + 3;
	svg_label_name(f, v->name, svg_name_room(width, used));
	fprintf(f, "</text>\n<text class=\"note\" x=\"%u\" y=\"%u\" "
		"text-anchor=\"end\">%s</text>\n", SVG_MARGIN + width, *y + 12, note);
	*y += SVG_LABEL_H;
	fprintf(f, "<rect class=\"bg\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" "
		"fill=\"%s\"/>\n", SVG_MARGIN, *y, width, SVG_BAND_H,
		ps_pic_legend[PS_PIC_NONE].color);
	svg_cells(f, v, cls, n, slice, width, *y);
	fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"none\" "
		"stroke=\"#888\" stroke-width=\"0.5\"/>\n</g>\n", SVG_MARGIN, *y,
		width, SVG_BAND_H);
	*y += SVG_BAND_H + SVG_VMA_GAP;
	return 0;
}

/* The <svg> element; @standalone adds what a file on its own needs. */
static int svg_element(FILE *f, const struct ps_map_data *d, unsigned int width,
		       bool standalone)
{
	struct svg_layout l;
	unsigned char *cls;
	char shape[128], totals[512];
	unsigned int y;
	size_t i;

	cls = malloc(width);
	if (!cls)
		return -1;
	svg_layout(d, width, &l);
	fmt_shape(shape, sizeof(shape), d);
	fmt_totals(totals, sizeof(totals), d);
	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		"viewBox=\"0 0 %u %u\">\n", width + 2 * SVG_MARGIN, l.height,
		width + 2 * SVG_MARGIN, l.height);
	fprintf(f, "<title>ptscope map: process %d</title>\n", d->pid);
	svg_defs(f);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(f, "<text class=\"title\" x=\"%u\" y=\"30\">ptscope map: process %d"
		"<tspan class=\"note\" font-size=\"12\" font-weight=\"normal\">  %s</tspan>"
		"</text>\n", SVG_MARGIN, d->pid, shape);
	if (d->any_page)
		fprintf(f, "<text class=\"note\" x=\"%u\" y=\"30\" text-anchor=\"end\">"
			"a pixel shows the rarest state in it</text>\n", SVG_MARGIN + width);
	fprintf(f, "<text class=\"summary\" x=\"%u\" y=\"50\">%s</text>\n",
		SVG_MARGIN, totals);
	fputs("<g class=\"legend\">\n", f);
	legend_flow(width, f, l.legend_top);
	fputs("</g>\n", f);
	y = l.bands_top;
	for (i = 0; i < d->nvmas; i++) {
		if (svg_band(f, d, i, width, &y, cls)) {
			free(cls);
			return -1;
		}
	}
	fputs("</svg>\n", f);
	free(cls);
	return 0;
}

int ps_map_print_svg(FILE *f, const struct ps_map_data *d, unsigned int width)
{
	if (svg_element(f, d, width, true))
		return -1;
	return ferror(f) ? -1 : 0;
}

/* ---- HTML ---- */

static void html_legend(FILE *f)
{
	unsigned int c;

	fputs("<h2>Legend</h2>\n<table class=\"legend\">\n", f);
	for (c = 0; c < PS_PIC_NR; c++) {
		unsigned int k = legend_order[c];

		fprintf(f, "<tr><td><span class=\"sw c%u\"></span></td><td>%s</td>"
			"<td><code>%c</code></td><td>%s</td></tr>\n", k,
			ps_pic_legend[k].name, ps_pic_legend[k].cell, class_meaning[k]);
	}
	fputs("</table>\n", f);
}

static void html_vma_row(FILE *f, const struct ps_map_data *d, size_t i)
{
	static const unsigned int cols[] = {
		PS_PIC_4K, PS_PIC_2M, PS_PIC_1G, PS_PIC_SWAP, PS_PIC_PROTNONE,
		PS_PIC_OTHER,
	};
	const struct ps_vma *v = &d->vmas[i];
	uint64_t bytes[PS_PIC_NR], resident;
	char range[64], perms[5], sz[32];
	size_t c;

	ps_pic_vma_bytes(d, i, bytes);
	resident = bytes[PS_PIC_4K] + bytes[PS_PIC_2M] + bytes[PS_PIC_1G] +
		   bytes[PS_PIC_PROTNONE];
	fmt_range(range, sizeof(range), v);
	ps_vma_perms(v->flags, perms);
	fprintf(f, "<tr><td><a href=\"#vma-%zu\">%zu</a></td><td><code>%s</code></td>"
		"<td><code>%s</code></td>", i, i, range, perms);
	fmt_size(sz, sizeof(sz), v->end - v->start);
	fprintf(f, "<td class=\"n\">%s</td>", sz);
	fmt_size(sz, sizeof(sz), resident);
	fprintf(f, "<td class=\"n\">%s</td>", sz);
	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		if (bytes[cols[c]])
			fmt_size(sz, sizeof(sz), bytes[cols[c]]);
		else
			sz[0] = 0;
		fprintf(f, "<td class=\"n\">%s</td>", sz);
	}
	fputs("<td>", f);
	ps_xml_escape(f, v->name);
	fputs("</td></tr>\n", f);
}

static void html_style(FILE *f)
{
	unsigned int c;

	fputs("<style>\n"
	      "body { font-family: 'DejaVu Sans', sans-serif; margin: 1.5em; color: #222; }\n"
	      "table { border-collapse: collapse; }\n"
	      "td, th { padding: 2px 8px; text-align: left; border-bottom: 1px solid #ddd; }\n"
	      "td.n { text-align: right; font-family: 'DejaVu Sans Mono', monospace; }\n"
	      ".sw { display: inline-block; width: 14px; height: 14px; border: 1px solid #777; }\n"
	      ".pic { overflow-x: auto; }\n", f);
	for (c = 0; c < PS_PIC_NR; c++)
		fprintf(f, ".sw.c%u { background: %s; }\n", c, ps_pic_legend[c].color);
	fprintf(f, ".sw.c%u { background: repeating-linear-gradient(45deg, #6d4c00 0 2px, "
		   "%s 2px 6px); }\n", (unsigned int)PS_PIC_SWAP, ps_pic_legend[PS_PIC_SWAP].color);
	fputs("</style>\n", f);
}

int ps_map_print_html(FILE *f, const struct ps_map_data *d, unsigned int width)
{
	char shape[128], totals[512];
	size_t i;

	fmt_shape(shape, sizeof(shape), d);
	fmt_totals(totals, sizeof(totals), d);
	/* Well-formed XML as well as HTML, so the same checks read both. */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n", f);
	fprintf(f, "<title>ptscope map: process %d</title>\n", d->pid);
	html_style(f);
	fprintf(f, "</head>\n<body>\n<h1>ptscope map: process %d</h1>\n<p>%s; %s</p>\n",
		d->pid, shape, totals);
	html_legend(f);
	fprintf(f, "<h2>Address space</h2>\n<p>One band per VMA, in address order, each "
		   "scaled to the width of the band; the gaps between VMAs are only "
		   "labelled with their size. A pixel %s.</p>\n<div class=\"pic\">\n",
		cell_rule(d));
	if (svg_element(f, d, width, false))
		return -1;
	fputs("</div>\n<h2>VMAs</h2>\n<table class=\"vmas\">\n<thead><tr><th>#</th>"
	      "<th>range</th><th>perms</th><th>size</th><th>resident</th>"
	      "<th>4 KiB</th><th>2 MiB</th><th>1 GiB</th><th>swapped</th>"
	      "<th>protnone</th><th>other</th><th>name</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < d->nvmas; i++)
		html_vma_row(f, d, i);
	fputs("</tbody>\n</table>\n</body>\n</html>\n", f);
	return ferror(f) ? -1 : 0;
}
