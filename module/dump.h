/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_DUMP_H
#define _PTSCOPE_DUMP_H

#include <linux/mm_types.h>
#include "uapi/ptscope.h"

/* The range walker's state: one batch's output and the whole dump's totals. */
struct ptscope_dump_walk {
	bool hide_frames;
	bool holes;
	bool count_only;
	struct ptscope_run *buf;	/* this batch's runs */
	u32 cap, nbuf;
	u64 budget;			/* entries still to read in this batch */
	struct ptscope_run cur;		/* the run being grown; pages 0: none */
	/* The raw PTE that would continue cur: (pte & expect_mask) == expect. */
	u64 expect, expect_mask;

	unsigned long last_table[PTSCOPE_NR_LEVELS];
	u64 tables[PTSCOPE_NR_LEVELS];
	u64 pages, runs, entries, walk_ns;
};

unsigned long ptscope_dump_range(struct ptscope_dump_walk *w,
				 struct vm_area_struct *vma,
				 unsigned long addr, unsigned long end);
void ptscope_dump_flush(struct ptscope_dump_walk *w);

#endif /* _PTSCOPE_DUMP_H */
