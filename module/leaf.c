// SPDX-License-Identifier: GPL-2.0
/*
 * What a page-table entry is, and what a leaf says: shared by the
 * single-address walker and the range walker, so both agree.
 *
 * Non-present leaves are decoded with the kernel's own swapops helpers,
 * which know each architecture's layout (x86 stores swap offsets inverted
 * against L1TF), named through compat.h, which maps them to 6.19's
 * softleaf_* API.
 */

#include <linux/hugetlb.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/swap.h>
#include <linux/xarray.h>
#include "compat.h"
#include "leaf.h"
#include "swaps.h"

/*
 * hugetlb entries are ptes at whatever level the page size puts them, and
 * are tested with the pte helpers (see huge_ptep_get()), PROT_NONE included.
 */
static unsigned int hugetlb_shift(struct vm_area_struct *vma)
{
	if (!vma || !is_vm_hugetlb_page(vma))	/* NULL: probes, no hugetlb */
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

static u16 marker_flags(unsigned long marker)
{
	u16 flags = 0;

	if (marker & PTE_MARKER_UFFD_WP)
		flags |= PTSCOPE_LEAF_F_UFFD_WP;
	if (marker & PTSCOPE_PTE_MARKER_POISONED)
		flags |= PTSCOPE_LEAF_F_POISONED;
	if (marker & PTSCOPE_PTE_MARKER_GUARD)
		flags |= PTSCOPE_LEAF_F_GUARD;
	return flags;
}

static void decode_swap(ptscope_softleaf_t e, struct ptscope_leaf *leaf)
{
	leaf->state = PTSCOPE_STATE_SWAP;
	leaf->swap_type = ptscope_sl_type(e);
	leaf->frame = ptscope_sl_offset(e);
	switch (ptscope_swap_cached(leaf->swap_type, leaf->frame)) {
	case 1:
		leaf->flags |= PTSCOPE_LEAF_F_SWAPCACHE;
		break;
	case -1:
		leaf->flags |= PTSCOPE_LEAF_F_SWAPCACHE_UNKNOWN;
		break;
	}
}

/*
 * Every level is read with the PTE helpers: hugetlb entries are PTEs
 * whatever their level, and x86 gives PMD swap (THP migration) entries the
 * PTE's layout (__pmd_to_swp_entry() is __pte_to_swp_entry()).
 */
static void decode_nonpresent(u64 val, struct ptscope_leaf *leaf)
{
	ptscope_softleaf_t e = ptscope_softleaf_from_pte(__pte(val));

	/* Only the flag bits below the type/offset fields are flags. */
	leaf->bits = val & ((1U << (_PAGE_BIT_PROTNONE + 1)) - 1);
	leaf->frame = 0;
	if (ptscope_sl_is_swap(e)) {
		decode_swap(e, leaf);
	} else if (ptscope_sl_is_migration(e)) {
		leaf->state = PTSCOPE_STATE_MIGRATION;
		leaf->frame = ptscope_sl_pfn(e);
		if (ptscope_sl_is_migration_write(e))
			leaf->flags |= PTSCOPE_LEAF_F_WRITE;
		else if (ptscope_sl_is_migration_excl(e))
			leaf->flags |= PTSCOPE_LEAF_F_EXCLUSIVE;
	} else if (ptscope_sl_is_device_private(e)) {
		leaf->state = PTSCOPE_STATE_DEVICE;
		leaf->frame = ptscope_sl_pfn(e);
		if (ptscope_sl_is_device_write(e))
			leaf->flags |= PTSCOPE_LEAF_F_WRITE;
	} else if (ptscope_sl_is_device_exclusive(e)) {
		leaf->state = PTSCOPE_STATE_DEVICE;
		leaf->frame = ptscope_sl_pfn(e);
		leaf->flags |= PTSCOPE_LEAF_F_EXCLUSIVE;
	} else if (ptscope_sl_is_hwpoison(e)) {
		leaf->state = PTSCOPE_STATE_HWPOISON;
		leaf->frame = ptscope_sl_pfn(e);
	} else if (ptscope_sl_is_marker(e)) {
		leaf->state = PTSCOPE_STATE_MARKER;
		leaf->flags |= marker_flags(ptscope_sl_marker(e));
	} else if (ptscope_sl_is_swapin_error(e)) {
		leaf->state = PTSCOPE_STATE_MARKER;
		leaf->flags |= PTSCOPE_LEAF_F_POISONED;
	} else {
		leaf->state = PTSCOPE_STATE_NONPRESENT;
	}
}

/**
 * ptscope_shmem_swap - the next swapped-out page of a shmem object
 * @vma: a VMA mapping the object (see ptscope_vma_shmem())
 * @index: in: first page index to look at; out: the one found
 * @last: last page index to look at
 * @leaf: its swap entry, decoded, with PTSCOPE_LEAF_F_SHMEM
 *
 * A shmem page that is swapped out leaves the page table empty: its swap
 * entry is in the object's page cache, where pagemap never looks. Returns
 * false if none in [@index, @last].
 */
bool ptscope_shmem_swap(struct vm_area_struct *vma, pgoff_t *index,
			pgoff_t last, struct ptscope_leaf *leaf)
{
	XA_STATE(xas, &vma->vm_file->f_mapping->i_pages, *index);
	bool found = false;
	void *entry;

	rcu_read_lock();
	xas_for_each(&xas, entry, last) {
		if (xas_retry(&xas, entry) || !xa_is_value(entry))
			continue;
		memset(leaf, 0, sizeof(*leaf));
		decode_swap(ptscope_sl_from_radix(entry), leaf);
		leaf->flags |= PTSCOPE_LEAF_F_SHMEM;
		*index = xas.xa_index;
		found = true;
		break;
	}
	rcu_read_unlock();
	return found;
}

/* Does @vma map a shmem object, whose swapped pages only it knows of? */
bool ptscope_vma_shmem(struct vm_area_struct *vma)
{
	return vma->vm_file && shmem_mapping(vma->vm_file->f_mapping);
}

/**
 * ptscope_leaf_decode - what a leaf entry says
 * @val: the entry
 * @level: enum ptscope_level it was read at
 * @kind: its kind, PTSCOPE_ENTRY_LEAF or PTSCOPE_ENTRY_NONPRESENT
 * @leaf: the decoded state, frame (or swap offset) and flag bits
 *
 * Called under rcu_read_lock(), held since @val was read: see
 * ptscope_swap_cached().
 */
void ptscope_leaf_decode(u64 val, unsigned int level, u8 kind,
			 struct ptscope_leaf *leaf)
{
	leaf->swap_type = 0;
	leaf->flags = 0;
	if (kind == PTSCOPE_ENTRY_NONPRESENT) {
		decode_nonpresent(val, leaf);
		return;
	}
	leaf->state = entry_protnone(val) ? PTSCOPE_STATE_PROTNONE :
					    PTSCOPE_STATE_PRESENT;
	leaf->frame = leaf_pfn(val, level);
	leaf->bits = pack_bits(val, level);
}
