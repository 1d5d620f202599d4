// SPDX-License-Identifier: GPL-2.0
/*
 * The range walker behind DUMP: a VMA's tables visited once, in address
 * order, condensed into runs.
 *
 * It keeps the single-address walker's rules (see walk.c): only inside a
 * VMA, under mmap_read_lock(); each entry read once and decided on the
 * copy; PTE tables read under rcu_read_lock(). Empty entries are skipped
 * at the level where they are empty, so a hole of terabytes costs one entry.
 *
 * A batch ends when its run buffer is full or its entry budget spent; the
 * caller then drops the mmap lock, sends, and resumes at the returned
 * address with a fresh find_vma(). Runs are closed at batch ends; the
 * client joins runs that continue each other.
 */

#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "compat.h"
#include "dump.h"
#include "leaf.h"
#include "walk.h"

struct walker {
	struct ptscope_dump_walk *w;
	struct vm_area_struct *vma;
	unsigned long stop;		/* first address not taken */
	bool shmem;			/* swapped pages hide in the object */
};

static bool continues(const struct ptscope_run *r, unsigned long addr,
		      const struct ptscope_run *n, bool hide)
{
	u64 step;

	if (!r->pages || r->state != n->state ||
	    r->page_shift != n->page_shift || r->level != n->level ||
	    r->bits != n->bits ||
	    r->flags != n->flags ||
	    r->start + ((u64)r->pages << r->page_shift) != addr ||
	    (u64)r->pages + n->pages > U32_MAX)
		return false;
	if (n->state == PTSCOPE_STATE_NONE || n->state == PTSCOPE_STATE_BAD)
		return true;
	/* Hidden frames must not leak where physical contiguity ends. */
	if (hide && ptscope_state_located(n->state))
		return true;
	if (r->swap_type != n->swap_type)
		return false;
	step = n->state == PTSCOPE_STATE_SWAP ? 1 :
	       1ULL << (n->page_shift - PAGE_SHIFT);
	return r->frame + r->pages * step == n->frame;
}

/* Nothing continues the current run by the fast path (see pte_range()). */
static inline void no_expectation(struct ptscope_dump_walk *w)
{
	w->expect_mask = 0;
	w->expect = 1;
}

/*
 * After a present 4 KiB page, the next one continues its run if it is the
 * same entry one frame further on (or, with frames hidden, the same entry
 * but for its frame).
 */
static void expect_next(struct ptscope_dump_walk *w, u64 val)
{
	if (w->hide_frames) {
		w->expect_mask = ~(u64)PTE_PFN_MASK;
		w->expect = val & w->expect_mask;
	} else if ((val & PTE_PFN_MASK) != PTE_PFN_MASK) {
		w->expect_mask = ~0ULL;
		w->expect = val + PAGE_SIZE;
	} else {
		no_expectation(w);	/* the next frame would carry out */
	}
}

void ptscope_dump_flush(struct ptscope_dump_walk *w)
{
	if (!w->cur.pages)
		return;
	if (w->hide_frames && ptscope_state_located(w->cur.state)) {
		w->cur.frame = 0;
		w->cur.swap_type = 0;
	}
	w->buf[w->nbuf++] = w->cur;
	w->runs++;
	w->cur.pages = 0;
}

/*
 * Take @n (starting at n->start) into the current run or a new one. Room
 * for one more run is always kept, so ptscope_dump_flush() cannot fail.
 */
static int add(struct walker *k, const struct ptscope_run *n)
{
	struct ptscope_dump_walk *w = k->w;

	no_expectation(w);
	w->pages += (u64)n->pages << (n->page_shift - PAGE_SHIFT);
	if (w->count_only)
		return 0;
	if (continues(&w->cur, n->start, n, w->hide_frames)) {
		w->cur.pages += n->pages;
		return 0;
	}
	if (w->cur.pages && w->nbuf + 2 > w->cap) {
		w->pages -= (u64)n->pages << (n->page_shift - PAGE_SHIFT);
		k->stop = n->start;
		return 1;
	}
	ptscope_dump_flush(w);
	w->cur = *n;
	return 0;
}

/* [addr, end) has no tables or entries below the level we are at. */
static int plain_hole(struct walker *k, unsigned long addr, unsigned long end,
		      u8 state)
{
	struct ptscope_run n = {
		.state = state, .page_shift = PAGE_SHIFT,
		.level = PTSCOPE_LEVEL_PTE,
	};

	if (!k->w->holes && state == PTSCOPE_STATE_NONE) {
		/* Not reported, but no run continues across it. */
		no_expectation(k->w);
		if (!k->w->count_only && k->w->cur.pages) {
			if (k->w->nbuf + 2 > k->w->cap) {
				k->stop = addr;
				return 1;
			}
			ptscope_dump_flush(k->w);
		}
		return 0;
	}
	while (addr < end) {
		u64 pages = min_t(u64, (end - addr) >> PAGE_SHIFT, U32_MAX / 2);

		n.start = addr;
		n.pages = pages;
		if (add(k, &n))
			return 1;
		addr += pages << PAGE_SHIFT;
	}
	return 0;
}

/* The one-page run of a leaf at @level holding @addr. */
static struct ptscope_run leaf_run(const struct ptscope_leaf *leaf,
				   unsigned long addr, unsigned int level)
{
	unsigned int shift = ptscope_level_shift(level);

	return (struct ptscope_run) {
		/* Whole pages, even if the range starts inside one. */
		.start = addr & ~((1UL << shift) - 1),
		.frame = leaf->frame, .pages = 1, .bits = leaf->bits,
		.state = leaf->state, .page_shift = shift, .level = level,
		.swap_type = leaf->swap_type, .flags = leaf->flags,
	};
}

/* In a shmem VMA an empty entry may stand for a page swapped out. */
static int shmem_hole(struct walker *k, unsigned long addr, unsigned long end)
{
	struct vm_area_struct *vma = k->vma;
	pgoff_t index = linear_page_index(vma, addr);
	pgoff_t last = linear_page_index(vma, end - 1);
	struct ptscope_leaf leaf;

	while (index <= last && ptscope_shmem_swap(vma, &index, last, &leaf)) {
		unsigned long va = vma->vm_start +
				   ((index - vma->vm_pgoff) << PAGE_SHIFT);
		struct ptscope_run n = leaf_run(&leaf, va, PTSCOPE_LEVEL_PTE);

		if (va > addr && plain_hole(k, addr, va, PTSCOPE_STATE_NONE))
			return 1;
		if (add(k, &n)) {
			k->stop = va;
			return 1;
		}
		addr = va + PAGE_SIZE;
		index++;
	}
	return addr < end ? plain_hole(k, addr, end, PTSCOPE_STATE_NONE) : 0;
}

static int hole(struct walker *k, unsigned long addr, unsigned long end,
		u8 state)
{
	if (k->shmem && state == PTSCOPE_STATE_NONE)
		return shmem_hole(k, addr, end);
	return plain_hole(k, addr, end, state);
}

static int leaf_at(struct walker *k, unsigned long addr, unsigned int level,
		   u64 val, u8 kind)
{
	struct ptscope_leaf leaf;
	struct ptscope_run n;

	ptscope_leaf_decode(val, level, kind, &leaf);
	n = leaf_run(&leaf, addr, level);
	if (add(k, &n)) {
		k->stop = addr;
		return 1;
	}
	if (level == PTSCOPE_LEVEL_PTE && leaf.state == PTSCOPE_STATE_PRESENT)
		expect_next(k->w, val);
	return 0;
}

/* Count each table page once; they are met in address order. */
static void count_table(struct ptscope_dump_walk *w, unsigned int level,
			const void *entryp)
{
	unsigned long table = (unsigned long)entryp & PAGE_MASK;

	if (ptscope_level_folded(level) || w->last_table[level] == table)
		return;
	w->last_table[level] = table;
	w->tables[level]++;
}

/*
 * One entry of any level, but for descending into a table: returns what the
 * walk returns (0 go on, 1 stop), or -1 when the entry is a table.
 */
static int visit(struct walker *k, unsigned int level, u8 kind, u64 val,
		 unsigned long addr, unsigned long next)
{
	switch (kind) {
	case PTSCOPE_ENTRY_NONE:
		return hole(k, addr, next, PTSCOPE_STATE_NONE);
	case PTSCOPE_ENTRY_BAD:
		return hole(k, addr, next, PTSCOPE_STATE_BAD);
	case PTSCOPE_ENTRY_TABLE:
		return -1;
	default:
		return leaf_at(k, addr, level, val, kind);
	}
}

/* Upper levels have no leaves of their own (x86: no 512 GiB pages). */
#define upper_kind(none, bad) \
	((none) ? PTSCOPE_ENTRY_NONE : (bad) ? PTSCOPE_ENTRY_BAD : PTSCOPE_ENTRY_TABLE)

/* Out of entry budget: stop before @addr, to be resumed there. */
static inline bool spent(struct walker *k, unsigned long addr)
{
	k->w->entries++;
	if (k->w->budget && !--k->w->budget) {
		k->stop = addr;
		return true;
	}
	return false;
}

/*
 * The hot loop: most entries either continue the current run or are empty
 * and unreported, and are taken without a call; everything else goes
 * through visit().
 */
static int pte_range(struct walker *k, pmd_t pmd, unsigned long addr,
		     unsigned long end)
{
	struct ptscope_dump_walk *w = k->w;
	pte_t *ptep;
	int ret = 0;

	rcu_read_lock();
	ptep = pte_offset_kernel(&pmd, addr);
	count_table(w, PTSCOPE_LEVEL_PTE, ptep);
	for (; addr != end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get(ptep);
		u64 val = pte_val(pte);

		if (spent(k, addr)) {
			ret = 1;
			break;
		}
		if (w->count_only) {
			w->pages += !pte_none(pte);
			continue;
		}
		if ((val & w->expect_mask) == w->expect && w->cur.pages &&
		    w->cur.pages < U32_MAX) {
			w->cur.pages++;
			w->pages++;
			if (w->expect_mask == ~0ULL)
				w->expect += PAGE_SIZE;
			continue;
		}
		if (w->expect_mask == ~0ULL && w->cur.pages &&
		    !((val ^ w->expect) & ~(u64)PTE_PFN_MASK)) {
			/* Same entry but for a frame elsewhere: a new run like it. */
			if (w->nbuf + 2 > w->cap) {
				k->stop = addr;
				ret = 1;
				break;
			}
			ptscope_dump_flush(w);
			w->cur.start = addr;
			w->cur.pages = 1;
			w->cur.frame = (val & PTE_PFN_MASK) >> PAGE_SHIFT;
			w->pages++;
			expect_next(w, val);
			continue;
		}
		if (!val && !w->holes && !w->cur.pages) {
			/*
			 * The rest of an empty stretch in one scan: a sparse
			 * process's tables are mostly zeros, and reading them
			 * a word at a time keeps its cost with its pages.
			 */
			unsigned long left = (end - addr) >> PAGE_SHIFT;
			char *next = memchr_inv(ptep, 0, left * sizeof(*ptep));
			unsigned long skip = next ? (next - (char *)ptep) / sizeof(*ptep) :
					     left;

			/* It was empty when read, even if it no longer is. */
			skip = max(skip, 1UL);
			if (k->shmem) {
				ret = shmem_hole(k, addr, addr + (skip << PAGE_SHIFT));
				if (ret)
					break;
			}
			w->entries += skip - 1;
			addr += (skip - 1) << PAGE_SHIFT;
			ptep += skip - 1;
			continue;
		}
		ret = visit(k, PTSCOPE_LEVEL_PTE, ptscope_pte_kind(pte), val,
			    addr, addr + PAGE_SIZE);
		if (ret)
			break;
	}
	rcu_read_unlock();
	return ret;
}

static int pmd_range(struct walker *k, pud_t *pudp, pud_t pud,
		     unsigned long addr, unsigned long end)
{
	pmd_t *pmdp = pmd_offset(&pud, addr);
	unsigned long next;
	int ret;

	if ((void *)pmdp == (void *)&pud)	/* folded: same entry */
		pmdp = (pmd_t *)pudp;
	count_table(k->w, PTSCOPE_LEVEL_PMD, pmdp);
	do {
		pmd_t pmd = ptscope_pmdp_get(pmdp);
		u8 kind = ptscope_pmd_kind(k->vma, pmd);

		next = pmd_addr_end(addr, end);
		if (spent(k, addr))
			return 1;
		ret = visit(k, PTSCOPE_LEVEL_PMD, kind, pmd_val(pmd), addr, next);
		if (ret < 0)
			ret = pte_range(k, pmd, addr, next);
		if (ret)
			return ret;
		cond_resched();
	} while (pmdp++, addr = next, addr != end);
	return 0;
}

static int pud_range(struct walker *k, p4d_t *p4dp, p4d_t p4d,
		     unsigned long addr, unsigned long end)
{
	pud_t *pudp = pud_offset(&p4d, addr);
	unsigned long next;
	int ret;

	if ((void *)pudp == (void *)&p4d)
		pudp = (pud_t *)p4dp;
	count_table(k->w, PTSCOPE_LEVEL_PUD, pudp);
	do {
		pud_t pud = ptscope_pudp_get(pudp);
		u8 kind = ptscope_pud_kind(k->vma, pud);

		next = pud_addr_end(addr, end);
		if (spent(k, addr))
			return 1;
		ret = visit(k, PTSCOPE_LEVEL_PUD, kind, pud_val(pud), addr, next);
		if (ret < 0)
			ret = pmd_range(k, pudp, pud, addr, next);
		if (ret)
			return ret;
	} while (pudp++, addr = next, addr != end);
	return 0;
}

static int p4d_range(struct walker *k, pgd_t *pgdp, pgd_t pgd,
		     unsigned long addr, unsigned long end)
{
	p4d_t *p4dp = p4d_offset(&pgd, addr);
	unsigned long next;
	int ret;

	if ((void *)p4dp == (void *)&pgd)	/* 4-level paging */
		p4dp = (p4d_t *)pgdp;
	count_table(k->w, PTSCOPE_LEVEL_P4D, p4dp);
	do {
		p4d_t p4d = ptscope_p4dp_get(p4dp);

		next = p4d_addr_end(addr, end);
		if (spent(k, addr))
			return 1;
		ret = visit(k, PTSCOPE_LEVEL_P4D,
			    upper_kind(p4d_none(p4d), p4d_bad(p4d)), 0, addr, next);
		if (ret < 0)
			ret = pud_range(k, p4dp, p4d, addr, next);
		if (ret)
			return ret;
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

/**
 * ptscope_dump_range - condense [addr, end) of @vma into runs
 * @w: the walk state; runs go to w->buf
 * @vma: the VMA holding the range, its mm read-locked by the caller
 * @addr: first address
 * @end: end of the range, at most vma->vm_end
 *
 * Returns @end when done, or the first address not yet described when the
 * batch is full. The run in progress stays in w->cur until
 * ptscope_dump_flush().
 */
unsigned long ptscope_dump_range(struct ptscope_dump_walk *w,
				 struct vm_area_struct *vma,
				 unsigned long addr, unsigned long end)
{
	struct walker k = {
		.w = w, .vma = vma, .stop = end,
		.shmem = !w->count_only && ptscope_vma_shmem(vma),
	};
	pgd_t *pgdp = ptscope_user_pgdp(pgd_offset(vma->vm_mm, addr));
	u64 t0 = ktime_get_ns();
	unsigned long next;
	int ret;

	mmap_assert_locked(vma->vm_mm);
	w->tables[PTSCOPE_LEVEL_PGD] = 1;
	no_expectation(w);
	do {
		pgd_t pgd = ptscope_pgdp_get(pgdp);

		next = pgd_addr_end(addr, end);
		if (spent(&k, addr))
			break;
		ret = visit(&k, PTSCOPE_LEVEL_PGD,
			    upper_kind(pgd_none(pgd), pgd_bad(pgd)), 0, addr, next);
		if (ret < 0)
			ret = p4d_range(&k, pgdp, pgd, addr, next);
		if (ret)
			break;
	} while (pgdp++, addr = next, addr != end);

	w->walk_ns += ktime_get_ns() - t0;
	return k.stop;
}
