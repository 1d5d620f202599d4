// SPDX-License-Identifier: GPL-2.0
/*
 * The leaf decoder against the kernel's own constructors, at load time
 * (selftest=1). Migration and device entries are hard to catch live, so
 * each kind of entry is built here by the helpers the kernel uses to write
 * it, and must decode to what was built. A failure fails the load.
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "compat.h"
#include "leaf.h"
#include "selftest.h"

static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "Check the entry decoder against the kernel's constructors at load");

struct tally {
	unsigned int passed, failed, skipped;
};

static void expect(struct tally *t, const char *what, u64 val, unsigned int level,
		   u8 kind, u8 state, u64 frame, u16 flags, u16 flags_mask)
{
	struct ptscope_leaf leaf;
	u8 got_kind = level == PTSCOPE_LEVEL_PTE ? ptscope_pte_kind(__pte(val)) :
						   kind;

	rcu_read_lock();
	ptscope_leaf_decode(val, level, got_kind, &leaf);
	rcu_read_unlock();
	if (got_kind == kind && leaf.state == state && leaf.frame == frame &&
	    (leaf.flags & flags_mask) == flags) {
		t->passed++;
		return;
	}
	t->failed++;
	pr_err("selftest: FAIL %s: entry %#llx: kind %u state %u frame %#llx flags %#x, wanted %u %u %#llx %#x\n",
	       what, val, got_kind, leaf.state, leaf.frame, leaf.flags, kind,
	       state, frame, flags);
}

#define PTE_NP(t, what, pte, state, frame, flags, mask)			\
	expect(t, what, pte_val(pte), PTSCOPE_LEVEL_PTE,		\
	       PTSCOPE_ENTRY_NONPRESENT, state, frame, flags, mask)

static void check_swap(struct tally *t)
{
	pte_t pte = swp_entry_to_pte(swp_entry(3, 0x12345));
	u16 cache = PTSCOPE_LEAF_F_SWAPCACHE;

	/* Type 3 is not an active area here: whether it is cached is unknown. */
	PTE_NP(t, "swap", pte, PTSCOPE_STATE_SWAP, 0x12345, 0, cache);
	PTE_NP(t, "swap, uffd-wp and soft-dirty bits",
	       pte_swp_mksoft_dirty(pte_swp_mkuffd_wp(pte)),
	       PTSCOPE_STATE_SWAP, 0x12345, 0, cache);
}

static void check_migration(struct tally *t, unsigned long pfn)
{
	const u16 rw = PTSCOPE_LEAF_F_WRITE | PTSCOPE_LEAF_F_EXCLUSIVE;
	swp_entry_t w = make_writable_migration_entry(pfn);

	PTE_NP(t, "migration read", swp_entry_to_pte(make_readable_migration_entry(pfn)),
	       PTSCOPE_STATE_MIGRATION, pfn, 0, rw);
	PTE_NP(t, "migration write", swp_entry_to_pte(w),
	       PTSCOPE_STATE_MIGRATION, pfn, PTSCOPE_LEAF_F_WRITE, rw);
	PTE_NP(t, "migration read-exclusive",
	       swp_entry_to_pte(make_readable_exclusive_migration_entry(pfn)),
	       PTSCOPE_STATE_MIGRATION, pfn, PTSCOPE_LEAF_F_EXCLUSIVE, rw);
#ifdef CONFIG_ARCH_ENABLE_THP_MIGRATION
	expect(t, "THP migration (pmd)", pmd_val(swp_entry_to_pmd(w)),
	       PTSCOPE_LEVEL_PMD, PTSCOPE_ENTRY_NONPRESENT,
	       PTSCOPE_STATE_MIGRATION, pfn, PTSCOPE_LEAF_F_WRITE, rw);
#else
	t->skipped++;
#endif
}

static void check_device(struct tally *t, unsigned long pfn)
{
	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE)) {
		t->skipped += 3;	/* no such entries on this kernel */
		return;
	}
	PTE_NP(t, "device private read",
	       swp_entry_to_pte(make_readable_device_private_entry(pfn)),
	       PTSCOPE_STATE_DEVICE, pfn, 0, PTSCOPE_LEAF_F_WRITE);
	PTE_NP(t, "device private write",
	       swp_entry_to_pte(make_writable_device_private_entry(pfn)),
	       PTSCOPE_STATE_DEVICE, pfn, PTSCOPE_LEAF_F_WRITE, PTSCOPE_LEAF_F_WRITE);
	PTE_NP(t, "device exclusive",
	       swp_entry_to_pte(make_readable_device_exclusive_entry(pfn)),
	       PTSCOPE_STATE_DEVICE, pfn, PTSCOPE_LEAF_F_EXCLUSIVE,
	       PTSCOPE_LEAF_F_EXCLUSIVE);
}

static void check_markers(struct tally *t, struct page *page)
{
	PTE_NP(t, "uffd-wp marker", make_pte_marker(PTE_MARKER_UFFD_WP),
	       PTSCOPE_STATE_MARKER, 0, PTSCOPE_LEAF_F_UFFD_WP, 0xffff);
#if PTSCOPE_PTE_MARKER_POISONED
	PTE_NP(t, "poisoned marker", make_pte_marker(PTSCOPE_PTE_MARKER_POISONED),
	       PTSCOPE_STATE_MARKER, 0, PTSCOPE_LEAF_F_POISONED, 0xffff);
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	PTE_NP(t, "swap-in error", swp_entry_to_pte(make_swapin_error_entry(page)),
	       PTSCOPE_STATE_MARKER, 0, PTSCOPE_LEAF_F_POISONED, 0xffff);
#endif
#ifdef CONFIG_MEMORY_FAILURE
	/* memory_failure() builds it from a locked page, and it checks. */
	if (trylock_page(page)) {
		PTE_NP(t, "hwpoison", swp_entry_to_pte(make_hwpoison_entry(page)),
		       PTSCOPE_STATE_HWPOISON, page_to_pfn(page), 0, 0xffff);
		unlock_page(page);
	} else {
		t->skipped++;
	}
#else
	t->skipped++;
#endif
}

static void check_protnone(struct tally *t, unsigned long pfn)
{
	expect(t, "PROT_NONE pte", pte_val(pfn_pte(pfn, PAGE_NONE)),
	       PTSCOPE_LEVEL_PTE, PTSCOPE_ENTRY_LEAF, PTSCOPE_STATE_PROTNONE,
	       pfn, 0, 0);
	pfn &= ~((1UL << (PMD_SHIFT - PAGE_SHIFT)) - 1);
	expect(t, "PROT_NONE pmd", pmd_val(pmd_mkhuge(pfn_pmd(pfn, PAGE_NONE))),
	       PTSCOPE_LEVEL_PMD, PTSCOPE_ENTRY_LEAF, PTSCOPE_STATE_PROTNONE,
	       pfn, 0, 0);
}

/* 0, or -EINVAL if the decoder disagrees with the kernel. */
int ptscope_selftest(void)
{
	struct tally t = {};
	struct page *page;
	unsigned long pfn;

	if (!selftest)
		return 0;
	/* A real frame, as the entries the kernel builds point to one. */
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	pfn = page_to_pfn(page);
	check_swap(&t);
	check_migration(&t, pfn);
	check_device(&t, pfn);
	check_markers(&t, page);
	check_protnone(&t, pfn);
	__free_page(page);
	pr_info("selftest: %u passed, %u failed, %u skipped\n", t.passed,
		t.failed, t.skipped);
	return t.failed ? -EINVAL : 0;
}
