// SPDX-License-Identifier: GPL-2.0
/*
 * Describe a VMA the way /proc/PID/maps names it, so ptscope's answers can
 * be read side by side with maps and smaps.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/err.h>
#include "uapi/ptscope.h"
#include "vma.h"

static u32 vma_flags(const struct vm_area_struct *vma)
{
	static const struct {
		unsigned long vm;
		u32 flag;
	} map[] = {
		{ VM_READ,	PTSCOPE_VMA_F_READ },
		{ VM_WRITE,	PTSCOPE_VMA_F_WRITE },
		{ VM_EXEC,	PTSCOPE_VMA_F_EXEC },
		{ VM_MAYSHARE,	PTSCOPE_VMA_F_SHARED },
		{ VM_HUGETLB,	PTSCOPE_VMA_F_HUGETLB },
		{ VM_LOCKED,	PTSCOPE_VMA_F_LOCKED },
		{ VM_PFNMAP,	PTSCOPE_VMA_F_PFNMAP },
		{ VM_IO,	PTSCOPE_VMA_F_IO },
		{ VM_HUGEPAGE,	PTSCOPE_VMA_F_HUGEPAGE },
		{ VM_NOHUGEPAGE, PTSCOPE_VMA_F_NOHUGEPAGE },
		{ VM_GROWSDOWN,	PTSCOPE_VMA_F_GROWSDOWN },
	};
	u32 flags = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (vma->vm_flags & map[i].vm)
			flags |= map[i].flag;
	return flags;
}

/* The same tests, in the same order, as show_map_vma() in fs/proc. */
static const char *vma_name(struct vm_area_struct *vma, char *buf, size_t len,
			    u8 *kind)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma->vm_file) {
		char *p = d_path(&vma->vm_file->f_path, buf, len);

		*kind = PTSCOPE_VMA_FILE;
		return IS_ERR(p) ? "[path too long]" : p;
	}
	*kind = PTSCOPE_VMA_SPECIAL;
	if (vma->vm_ops && vma->vm_ops->name) {
		const char *name = vma->vm_ops->name(vma);

		if (name)
			return name;
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		*kind = PTSCOPE_VMA_HEAP;
		return "[heap]";
	}
	if (vma->vm_start <= mm->start_stack &&
	    vma->vm_end >= mm->start_stack) {
		*kind = PTSCOPE_VMA_STACK;
		return "[stack]";
	}
	*kind = PTSCOPE_VMA_ANON;
	return "[anon]";
}

/**
 * ptscope_vma_describe - range, permissions and name of a VMA
 * @vma: the VMA, its mm read-locked by the caller
 * @buf: room for a file path
 * @len: size of @buf
 * @out: the description; out->name may point into @buf
 */
void ptscope_vma_describe(struct vm_area_struct *vma, char *buf, size_t len,
			  struct ptscope_vma *out)
{
	out->start = vma->vm_start;
	out->end = vma->vm_end;
	out->pgoff = vma->vm_pgoff;
	out->flags = vma_flags(vma);
	out->name = vma_name(vma, buf, len, &out->kind);
}
