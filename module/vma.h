/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_VMA_H
#define _PTSCOPE_VMA_H

#include <linux/mm_types.h>

struct ptscope_vma {
	unsigned long start, end, pgoff;
	u32 flags;		/* PTSCOPE_VMA_F_* */
	u8 kind;		/* enum ptscope_vma_kind */
	const char *name;	/* a static string, or inside the caller's buffer */
};

void ptscope_vma_describe(struct vm_area_struct *vma, char *buf, size_t len,
			  struct ptscope_vma *out);

#endif /* _PTSCOPE_VMA_H */
