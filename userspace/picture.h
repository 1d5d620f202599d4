/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pictures of an address space for `ptscope map`: a terminal grid, an SVG
 * and a self-contained HTML page. Pure: they draw what they are given, so
 * unit tests can feed them runs built by hand.
 *
 * The user address space is far too sparse to draw to scale, so each VMA
 * gets a row (a band) of its own, in address order, and is scaled to that
 * row; the gaps between VMAs are only labelled with their size.
 */
#ifndef PTSCOPE_PICTURE_H
#define PTSCOPE_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../module/uapi/ptscope.h"
#include "reply.h"

/*
 * What one address space looks like. The runs of VMA i are
 * runs[first_run[i]] to runs[first_run[i + 1] - 1], in address order;
 * first_run has nvmas + 1 entries. VMAs are in address order too.
 */
struct ps_map_data {
	const struct ps_vma *vmas;
	size_t nvmas;
	const struct ptscope_run *runs;
	size_t nruns;
	const size_t *first_run;
	unsigned int paging_levels;	/* 0: unknown */
	int pid;
	/*
	 * How a cell that mixes states is drawn: false, by what covers most
	 * of its bytes; true, by the most notable state of any page in it,
	 * so that no populated page disappears in a large VMA.
	 */
	bool any_page;
};

/* What a stretch of pages is, as the pictures tell it apart. */
enum ps_pic_class {
	PS_PIC_NONE,		/* never populated (no run covers it) */
	PS_PIC_4K,		/* present, 4 KiB pages */
	PS_PIC_2M,		/* present, 2 MiB leaves (THP, hugetlb) */
	PS_PIC_1G,		/* present, 1 GiB leaves */
	PS_PIC_SWAP,		/* swapped out */
	PS_PIC_PROTNONE,	/* mapped but PROT_NONE / NUMA hinting */
	PS_PIC_OTHER,		/* migration and other non-present entries */

	PS_PIC_NR
};

struct ps_pic_legend {
	char cell;		/* terminal character */
	const char *name;	/* "present 4 KiB" */
	const char *color;	/* SVG/CSS colour */
};
extern const struct ps_pic_legend ps_pic_legend[PS_PIC_NR];

unsigned int ps_pic_class(const struct ptscope_run *r);

/* Bytes of each class in VMA @i (never-populated: what no run covers). */
void ps_pic_vma_bytes(const struct ps_map_data *d, size_t i,
		      uint64_t bytes[PS_PIC_NR]);
/* The same over the whole address space. */
void ps_pic_total_bytes(const struct ps_map_data *d, uint64_t bytes[PS_PIC_NR]);

/*
 * Cut VMA @i into at most @max cells of @*slice bytes each (a whole number
 * of 4 KiB pages; the last cell may be shorter) and give each cell its
 * class, as d->any_page says. Returns the number of cells, 0 when out of
 * memory.
 */
size_t ps_pic_cells(const struct ps_map_data *d, size_t i, size_t max,
		    uint64_t *slice, unsigned char *cls);

/*
 * Terminal picture: one row of at most @width cells per VMA. Colour only
 * when @color. Returns 0, or -1 on a write error or out of memory.
 */
int ps_map_print_text(FILE *f, const struct ps_map_data *d, unsigned int width,
		      bool color);

/* Band width in pixels for the SVG and HTML pictures. */
#define PS_MAP_SVG_WIDTH	1024
#define PS_MAP_SVG_MIN_WIDTH	320
#define PS_MAP_SVG_MAX_WIDTH	8192

/* A standalone SVG document; @width is the band width in pixels. */
int ps_map_print_svg(FILE *f, const struct ps_map_data *d, unsigned int width);
/* An HTML page: summary, legend, the same SVG inline, a table of VMAs. */
int ps_map_print_html(FILE *f, const struct ps_map_data *d, unsigned int width);

/* Text as XML character data or attribute value: escaped, valid UTF-8. */
void ps_xml_escape(FILE *f, const char *s);

#endif
