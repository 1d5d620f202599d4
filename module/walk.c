// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker.
 *
 * mm/pagewalk.c is not exported and pte_offset_map() became an unexported
 * out-of-line function in 6.5, so ptscope walks by hand, by the rules the
 * kernel's own walker keeps:
 *
 *  - Only inside a VMA found under mmap_read_lock(). Outside VMAs, munmap()
 *    frees tables after downgrading its lock to read, so nothing there may
 *    be dereferenced.
 *  - Each entry is read once into a local; every decision is made on that
 *    copy and the next table is reached from it, never by re-reading.
 *  - All of it under rcu_read_lock(): since 6.6 PTE tables can be freed
 *    under RCU without the mmap lock (khugepaged, pte_free_defer()), and
 *    6.14 reclaims empty ones the same way. After reading the PTE the PMD
 *    is read again; if it changed, the table we read may be stale and the
 *    walk is retried.
 *
 * Folded levels (p4d with 4-level paging) are walked like the kernel walks
 * them and then merged into the level above, named as Linux names them.
 */

#include <linux/pagemap.h>
#include <linux/log2.h>
#include "compat.h"
#include "leaf.h"
#include "walk.h"

#define PTSCOPE_WALK_RETRIES	8

unsigned int ptscope_paging_levels(void)
{
	return 2 + (PTRS_PER_P4D > 1) + (PTRS_PER_PUD > 1) + (PTRS_PER_PMD > 1);
}

/* TASK_SIZE_MAX follows the paging mode chosen at boot (47 or 56 bits). */
bool ptscope_user_addr_ok(unsigned long va)
{
	return va < TASK_SIZE_MAX;
}

unsigned int ptscope_level_shift(unsigned int id)
{
	switch (id) {
	case PTSCOPE_LEVEL_PGD:	return PGDIR_SHIFT;
	case PTSCOPE_LEVEL_P4D:	return P4D_SHIFT;
	case PTSCOPE_LEVEL_PUD:	return PUD_SHIFT;
	case PTSCOPE_LEVEL_PMD:	return PMD_SHIFT;
	default:		return PAGE_SHIFT;
	}
}

unsigned long ptscope_level_ptrs(unsigned int id)
{
	switch (id) {
	case PTSCOPE_LEVEL_PGD:	return PTRS_PER_PGD;
	case PTSCOPE_LEVEL_P4D:	return PTRS_PER_P4D;
	case PTSCOPE_LEVEL_PUD:	return PTRS_PER_PUD;
	case PTSCOPE_LEVEL_PMD:	return PTRS_PER_PMD;
	default:		return PTRS_PER_PTE;
	}
}

bool ptscope_level_folded(unsigned int id)
{
	return id != PTSCOPE_LEVEL_PGD && id != PTSCOPE_LEVEL_PTE &&
	       ptscope_level_ptrs(id) == 1;
}

static void record(struct ptscope_walk *w, unsigned int id, u64 val,
		   const void *entryp, u8 kind)
{
	struct ptscope_step *l;
	unsigned long ptrs;

	if (w->leaf_only)
		return;
	l = &w->level[w->nr_levels++];
	ptrs = ptscope_level_ptrs(id);

	l->id = id;
	l->entry = val;
	l->entry_phys = __pa(entryp);
	l->kind = kind;
	l->shift = ptscope_level_shift(id);
	l->bits = ilog2(ptrs);
	l->index = (w->va >> l->shift) & (ptrs - 1);
}

/* The walk ends at this level, at an entry of @kind. */
static int stop(struct ptscope_walk *w, unsigned int id, u64 val,
		const void *entryp, u8 kind)
{
	record(w, id, val, entryp, kind);
	switch (kind) {
	case PTSCOPE_ENTRY_NONE:
		w->state = PTSCOPE_STATE_NONE;
		break;
	case PTSCOPE_ENTRY_BAD:
		w->state = PTSCOPE_STATE_BAD;
		break;
	default:
		ptscope_leaf_decode(val, id, kind, &w->leaf);
		w->state = w->leaf.state;
		/* Migration and poison entries name a frame too. */
		if (ptscope_state_has_pfn(w->state)) {
			w->page_shift = ptscope_level_shift(id);
			w->pfn = w->leaf.frame +
				 ((w->va & ((1UL << w->page_shift) - 1)) >> PAGE_SHIFT);
		}
	}
	return 0;
}

static int walk_pte(struct ptscope_walk *w, pmd_t *pmdp, pmd_t pmd)
{
	pte_t *ptep = pte_offset_kernel(&pmd, w->va);
	pte_t pte = ptep_get(ptep);

	/* The table we read from must still be the one the PMD names. */
	if (!pmd_same(pmd, ptscope_pmdp_get(pmdp)))
		return -EAGAIN;
	return stop(w, PTSCOPE_LEVEL_PTE, pte_val(pte), ptep,
		    ptscope_pte_kind(pte));
}

static int walk_pmd(struct ptscope_walk *w, struct vm_area_struct *vma,
		    pud_t *pudp, pud_t pud)
{
	pmd_t *pmdp = pmd_offset(&pud, w->va);
	pmd_t pmd;
	u8 kind;

	if ((void *)pmdp == (void *)&pud)	/* folded: same entry */
		pmdp = (pmd_t *)pudp;
	pmd = ptscope_pmdp_get(pmdp);
	kind = ptscope_pmd_kind(vma, pmd);
	if (kind != PTSCOPE_ENTRY_TABLE)
		return stop(w, PTSCOPE_LEVEL_PMD, pmd_val(pmd), pmdp, kind);
	record(w, PTSCOPE_LEVEL_PMD, pmd_val(pmd), pmdp, kind);
	return walk_pte(w, pmdp, pmd);
}

static int walk_pud(struct ptscope_walk *w, struct vm_area_struct *vma,
		    p4d_t *p4dp, p4d_t p4d)
{
	pud_t *pudp = pud_offset(&p4d, w->va);
	pud_t pud;
	u8 kind;

	if ((void *)pudp == (void *)&p4d)
		pudp = (pud_t *)p4dp;
	pud = ptscope_pudp_get(pudp);
	kind = ptscope_pud_kind(vma, pud);
	if (kind != PTSCOPE_ENTRY_TABLE)
		return stop(w, PTSCOPE_LEVEL_PUD, pud_val(pud), pudp, kind);
	record(w, PTSCOPE_LEVEL_PUD, pud_val(pud), pudp, kind);
	return walk_pmd(w, vma, pudp, pud);
}

static int walk_p4d(struct ptscope_walk *w, struct vm_area_struct *vma,
		    pgd_t *pgdp, pgd_t pgd)
{
	p4d_t *p4dp = p4d_offset(&pgd, w->va);
	p4d_t p4d;

	if ((void *)p4dp == (void *)&pgd)	/* 4-level paging */
		p4dp = (p4d_t *)pgdp;
	p4d = ptscope_p4dp_get(p4dp);

	if (p4d_none(p4d))
		return stop(w, PTSCOPE_LEVEL_P4D, p4d_val(p4d), p4dp,
			    PTSCOPE_ENTRY_NONE);
	if (p4d_bad(p4d))
		return stop(w, PTSCOPE_LEVEL_P4D, p4d_val(p4d), p4dp,
			    PTSCOPE_ENTRY_BAD);
	record(w, PTSCOPE_LEVEL_P4D, p4d_val(p4d), p4dp, PTSCOPE_ENTRY_TABLE);
	return walk_pud(w, vma, p4dp, p4d);
}

static int walk_once(struct ptscope_walk *w, struct mm_struct *mm,
		     struct vm_area_struct *vma)
{
	pgd_t *pgdp = ptscope_user_pgdp(pgd_offset(mm, w->va));
	pgd_t pgd = ptscope_pgdp_get(pgdp);

	w->nr_levels = 0;
	w->page_shift = 0;
	w->pfn = 0;
	memset(&w->leaf, 0, sizeof(w->leaf));
	if (!w->leaf_only)
		w->root_phys = __pa(ptscope_user_pgdp(mm->pgd));

	if (pgd_none(pgd))
		return stop(w, PTSCOPE_LEVEL_PGD, pgd_val(pgd), pgdp,
			    PTSCOPE_ENTRY_NONE);
	if (pgd_bad(pgd))
		return stop(w, PTSCOPE_LEVEL_PGD, pgd_val(pgd), pgdp,
			    PTSCOPE_ENTRY_BAD);
	record(w, PTSCOPE_LEVEL_PGD, pgd_val(pgd), pgdp, PTSCOPE_ENTRY_TABLE);
	return walk_p4d(w, vma, pgdp, pgd);
}

/*
 * A folded level repeats the entry above it, and only its own helpers test
 * the entry for real (the upper one's pXd_none() is constant 0). Keep the
 * upper level's name and index, the lower one's verdict.
 */
static void merge_folded(struct ptscope_walk *w)
{
	unsigned int i, n = 0;

	for (i = 0; i < w->nr_levels; i++) {
		struct ptscope_step *l = &w->level[i];

		if (n && ptscope_level_folded(l->id)) {
			w->level[n - 1].entry = l->entry;
			w->level[n - 1].kind = l->kind;
			continue;
		}
		w->level[n++] = *l;
	}
	w->nr_levels = n;
}

/**
 * ptscope_walk_va - translate one address of @vma's mm, level by level
 * @vma: the VMA containing @va
 * @va: the user virtual address
 * @w: filled with the entries met, the outcome and the frame
 *
 * The caller holds mmap_read_lock() of vma->vm_mm, which keeps @vma and the
 * upper tables of its range in place. Returns 0, or -EAGAIN if the tables
 * kept changing under the walk.
 */
int ptscope_walk_va(struct vm_area_struct *vma, unsigned long va,
		    struct ptscope_walk *w)
{
	unsigned int tries = 0;
	int ret;

	mmap_assert_locked(vma->vm_mm);
	w->va = va;
	w->leaf_only = false;
	do {
		rcu_read_lock();
		ret = walk_once(w, vma->vm_mm, vma);
		rcu_read_unlock();
	} while (ret == -EAGAIN && ++tries < PTSCOPE_WALK_RETRIES);

	if (ret)
		return ret;
	merge_folded(w);
	if (w->state == PTSCOPE_STATE_NONE && ptscope_vma_shmem(vma)) {
		pgoff_t index = linear_page_index(vma, va);

		if (ptscope_shmem_swap(vma, &index, index, &w->leaf))
			w->state = w->leaf.state;
	}
	return 0;
}

/*
 * For atomic context and without the mmap lock: with interrupts off no
 * table can be freed under the walk, as GUP-fast relies on (x86 frees
 * tables by IPI or RCU; from 6.6 PTE tables by RCU alone).
 */
static bool peek(struct mm_struct *mm, struct vm_area_struct *vma,
		 unsigned long va, struct ptscope_walk *w)
{
	unsigned int tries = 0;
	unsigned long flags;
	int ret;

	w->va = va;
	local_irq_save(flags);
	rcu_read_lock();
	do {
		ret = walk_once(w, mm, vma);
	} while (ret == -EAGAIN && ++tries < PTSCOPE_WALK_RETRIES);
	rcu_read_unlock();
	local_irq_restore(flags);
	return !ret;
}

/**
 * ptscope_peek - one address's walk, for probes
 * @mm: the address space, pinned by the caller
 * @vma: the VMA of @va if the caller holds its lock (for hugetlb), or NULL
 * @va: the user virtual address
 * @w: filled as by ptscope_walk_va(), without folded levels merged
 *
 * Callable in atomic context, without the mmap lock. Returns false if the
 * tables kept changing.
 */
bool ptscope_peek(struct mm_struct *mm, struct vm_area_struct *vma,
		  unsigned long va, struct ptscope_walk *w)
{
	w->leaf_only = false;
	return peek(mm, vma, va, w);
}

/*
 * ptscope_peek() for the fault path, which wants only the leaf: nothing
 * recorded of the levels above it (w->level[], w->root_phys unset).
 */
bool ptscope_peek_leaf(struct mm_struct *mm, unsigned long va,
		       struct ptscope_walk *w)
{
	w->leaf_only = true;
	return peek(mm, NULL, va, w);
}

/*
 * What pagemap hides from the unprivileged: the frame, and where a page
 * was swapped to, since the same field of a non-present entry holds a
 * frame for migration and device entries. Huge leaves keep their PAT bit
 * (bit 12), which is not part of their frame; non-present entries keep
 * bits 8..0, their flags (x86 keeps the type and the inverted offset
 * above them).
 */
u64 ptscope_hide_frame(const struct ptscope_step *l)
{
	u64 mask = PTE_PFN_MASK;

	if (l->kind == PTSCOPE_ENTRY_NONPRESENT)
		mask = ~(u64)0x1ff;
	else if (l->kind == PTSCOPE_ENTRY_LEAF && l->id == PTSCOPE_LEVEL_PMD)
		mask = PHYSICAL_PMD_PAGE_MASK;
	else if (l->kind == PTSCOPE_ENTRY_LEAF && l->id == PTSCOPE_LEVEL_PUD)
		mask = PHYSICAL_PUD_PAGE_MASK;
	return l->entry & ~mask;
}
