/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_WALK_H
#define _PTSCOPE_WALK_H

#include <linux/mm_types.h>
#include "leaf.h"
#include "uapi/ptscope.h"

struct ptscope_step {
	u64 entry;		/* raw value as read */
	phys_addr_t entry_phys;	/* where the entry lives */
	u32 index;
	u8 id;			/* enum ptscope_level */
	u8 kind;		/* enum ptscope_entry_kind */
	u8 shift;		/* lowest VA bit of the index */
	u8 bits;		/* width of the index */
};

struct ptscope_walk {
	unsigned long va;
	struct ptscope_step level[PTSCOPE_NR_LEVELS];
	unsigned int nr_levels;
	u8 state;		/* enum ptscope_state */
	u8 page_shift;		/* size of the leaf, 0 without one */
	unsigned long pfn;	/* 4 KiB frame holding va, if mapped */
	struct ptscope_leaf leaf;	/* the leaf, decoded (state >= PRESENT) */
	phys_addr_t root_phys;	/* the top table (what CR3 points to) */
	bool leaf_only;		/* level[] and root_phys left unfilled */
};

unsigned int ptscope_paging_levels(void);
unsigned int ptscope_level_shift(unsigned int id);
unsigned long ptscope_level_ptrs(unsigned int id);
bool ptscope_level_folded(unsigned int id);
bool ptscope_user_addr_ok(unsigned long va);
int ptscope_walk_va(struct vm_area_struct *vma, unsigned long va,
		    struct ptscope_walk *w);
bool ptscope_peek(struct mm_struct *mm, struct vm_area_struct *vma,
		  unsigned long va, struct ptscope_walk *w);
bool ptscope_peek_leaf(struct mm_struct *mm, unsigned long va,
		       struct ptscope_walk *w);
u64 ptscope_hide_frame(const struct ptscope_step *l);

#endif /* _PTSCOPE_WALK_H */
