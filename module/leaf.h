/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_LEAF_H
#define _PTSCOPE_LEAF_H

#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include "uapi/ptscope.h"

/* What an entry is, by the kernel's own tests: enum ptscope_entry_kind. */
u8 ptscope_pud_kind(struct vm_area_struct *vma, pud_t pud);
u8 ptscope_pmd_kind(struct vm_area_struct *vma, pmd_t pmd);
u8 ptscope_pte_kind(pte_t pte);

/* A leaf entry (kind LEAF or NONPRESENT), decoded. */
struct ptscope_leaf {
	u64 frame;	/* pfn, swap offset, or migration/poison pfn */
	u32 bits;	/* packed as struct ptscope_run's bits */
	u16 flags;	/* PTSCOPE_LEAF_F_* */
	u8 state;	/* enum ptscope_state */
	u8 swap_type;
};

void ptscope_leaf_decode(u64 val, unsigned int level, u8 kind,
			 struct ptscope_leaf *leaf);
bool ptscope_state_has_pfn(u8 state);

/* A frame, or a place in swap: what the unprivileged are not told. */
static inline bool ptscope_state_located(u8 state)
{
	return ptscope_state_has_pfn(state) || state == PTSCOPE_STATE_SWAP;
}

bool ptscope_vma_shmem(struct vm_area_struct *vma);
bool ptscope_shmem_swap(struct vm_area_struct *vma, pgoff_t *index,
			pgoff_t last, struct ptscope_leaf *leaf);

#endif /* _PTSCOPE_LEAF_H */
