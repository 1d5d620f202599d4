// SPDX-License-Identifier: GPL-2.0
/*
 * What a page-table entry is, and what a leaf says: shared by the
 * single-address walker and the range walker, so both agree.
 *
 * Non-present leaves are decoded with the kernel's own swapops helpers,
 * which know each architecture's layout (x86 stores swap offsets inverted
 * against L1TF). 6.19 replaced them with the softleaf_* API, not yet here.
 */

#include <linux/hugetlb.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include "compat.h"
#include "leaf.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#error "ptscope: 6.19's softleaf API is not supported yet"
#endif

/*
 * hugetlb entries are ptes at whatever level the page size puts them, and
 * are tested with the pte helpers (see huge_ptep_get()), PROT_NONE included.
 */
static unsigned int hugetlb_shift(struct vm_area_struct *vma)
{
	if (!is_vm_hugetlb_page(vma))
		return 0;
	return __ffs(vma_kernel_pagesize(vma));
}

static u8 hugetlb_kind(u64 val)
{
	pte_t pte = __pte(val);

	if (pte_none(pte))
		return PTSCOPE_ENTRY_NONE;
	return pte_present(pte) ? PTSCOPE_ENTRY_LEAF : PTSCOPE_ENTRY_NONPRESENT;
}

u8 ptscope_pud_kind(struct vm_area_struct *vma, pud_t pud)
{
	if (hugetlb_shift(vma) == PUD_SHIFT)
		return hugetlb_kind(pud_val(pud));
	if (pud_none(pud))
		return PTSCOPE_ENTRY_NONE;
	if (!pud_present(pud))
		return PTSCOPE_ENTRY_NONPRESENT;
	if (pud_leaf(pud))		/* device-dax and friends */
		return PTSCOPE_ENTRY_LEAF;
	return pud_bad(pud) ? PTSCOPE_ENTRY_BAD : PTSCOPE_ENTRY_TABLE;
}

u8 ptscope_pmd_kind(struct vm_area_struct *vma, pmd_t pmd)
{
	if (hugetlb_shift(vma) == PMD_SHIFT)
		return hugetlb_kind(pmd_val(pmd));
	if (pmd_none(pmd))
		return PTSCOPE_ENTRY_NONE;
	if (!pmd_present(pmd))		/* THP migration entry */
		return PTSCOPE_ENTRY_NONPRESENT;
	if (pmd_leaf(pmd))		/* THP, PROT_NONE THP, devmap */
		return PTSCOPE_ENTRY_LEAF;
	return pmd_bad(pmd) ? PTSCOPE_ENTRY_BAD : PTSCOPE_ENTRY_TABLE;
}

u8 ptscope_pte_kind(pte_t pte)
{
	if (pte_none(pte))
		return PTSCOPE_ENTRY_NONE;
	return pte_present(pte) ? PTSCOPE_ENTRY_LEAF : PTSCOPE_ENTRY_NONPRESENT;
}

/*
 * PROT_NONE and NUMA-hinting leaves have the hardware present bit clear but
 * still map a frame. x86 marks them with _PAGE_PROTNONE, a bit that swap and
 * migration entries never have set (see the swap layout in pgtable_64.h).
 */
static bool entry_protnone(u64 val)
{
	return (val & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

bool ptscope_state_has_pfn(u8 state)
{
	return state == PTSCOPE_STATE_PRESENT ||
	       state == PTSCOPE_STATE_PROTNONE ||
	       state == PTSCOPE_STATE_MIGRATION ||
	       state == PTSCOPE_STATE_HWPOISON ||
	       state == PTSCOPE_STATE_DEVICE;
}

static unsigned long leaf_pfn(u64 val, unsigned int level)
{
	switch (level) {
	case PTSCOPE_LEVEL_PUD:	return pud_pfn(__pud(val));
	case PTSCOPE_LEVEL_PMD:	return pmd_pfn(__pmd(val));
	default:		return pte_pfn(__pte(val));
	}
}

/* See struct ptscope_run: bits 11..0, 63..52, and bit 12 of large leaves. */
static u32 pack_bits(u64 val, unsigned int level)
{
	u32 bits = (val & 0xfff) | ((val >> 52) << 12);

	if (level != PTSCOPE_LEVEL_PTE && (val & _PAGE_PAT_LARGE))
		bits |= 1U << 24;
	return bits;
}

static void decode_nonpresent(u64 val, struct ptscope_leaf *leaf)
{
	swp_entry_t e = pte_to_swp_entry(__pte(val));

	/* Only the flag bits below the type/offset fields are flags. */
	leaf->bits = val & ((1U << (_PAGE_BIT_PROTNONE + 1)) - 1);
	if (!non_swap_entry(e)) {
		leaf->state = PTSCOPE_STATE_SWAP;
		leaf->swap_type = swp_type(e);
		leaf->frame = swp_offset(e);
	} else if (is_migration_entry(e)) {
		leaf->state = PTSCOPE_STATE_MIGRATION;
		leaf->frame = swp_offset_pfn(e);
	} else if (is_device_private_entry(e) || is_device_exclusive_entry(e)) {
		leaf->state = PTSCOPE_STATE_DEVICE;
		leaf->frame = swp_offset_pfn(e);
	} else if (is_hwpoison_entry(e)) {
		leaf->state = PTSCOPE_STATE_HWPOISON;
		leaf->frame = swp_offset_pfn(e);
	} else if (is_pte_marker_entry(e)) {
		leaf->state = PTSCOPE_STATE_MARKER;
		leaf->frame = swp_offset(e);
	} else {
		leaf->state = PTSCOPE_STATE_NONPRESENT;
		leaf->frame = 0;
	}
}

/**
 * ptscope_leaf_decode - what a leaf entry says
 * @val: the entry
 * @level: enum ptscope_level it was read at
 * @kind: its kind, PTSCOPE_ENTRY_LEAF or PTSCOPE_ENTRY_NONPRESENT
 * @leaf: the decoded state, frame (or swap offset) and flag bits
 */
void ptscope_leaf_decode(u64 val, unsigned int level, u8 kind,
			 struct ptscope_leaf *leaf)
{
	leaf->swap_type = 0;
	if (kind == PTSCOPE_ENTRY_NONPRESENT) {
		decode_nonpresent(val, leaf);
		return;
	}
	leaf->state = entry_protnone(val) ? PTSCOPE_STATE_PROTNONE :
					    PTSCOPE_STATE_PRESENT;
	leaf->frame = leaf_pfn(val, level);
	leaf->bits = pack_bits(val, level);
}
