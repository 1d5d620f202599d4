/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything that depends on the kernel version lives here, so the rest of
 * the module is written against one API. Where a feature can be tested by a
 * macro it is; stable trees backport, so version checks are a last resort.
 */
#ifndef _PTSCOPE_COMPAT_H
#define _PTSCOPE_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <net/genetlink.h>

#ifndef _LINUX_MMAP_LOCK_H		/* <linux/mmap_lock.h>: 5.8, 5.4.y */
static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_sem);
}

static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	return down_read_killable(&mm->mmap_sem);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_sem);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
static inline pte_t ptep_get(pte_t *ptep)
{
	return READ_ONCE(*ptep);
}
#endif

/* pmdp_get() and friends are 6.2+/6.8+; a plain once-read is what they do. */
#define ptscope_pgdp_get(p)	READ_ONCE(*(p))
#define ptscope_p4dp_get(p)	READ_ONCE(*(p))
#define ptscope_pudp_get(p)	READ_ONCE(*(p))
#define ptscope_pmdp_get(p)	READ_ONCE(*(p))

/*
 * With page-table isolation the MMU runs user code on a copy of the top
 * table, whose user entries lack the NX bit the kernel's copy carries; the
 * tables below are shared. Report what user mode uses.
 */
static inline pgd_t *ptscope_user_pgdp(pgd_t *pgdp)
{
#ifdef CONFIG_PAGE_TABLE_ISOLATION
	if (boot_cpu_has(X86_FEATURE_PTI))
		return kernel_to_user_pgdp(pgdp);
#endif
	return pgdp;
}

#ifndef pmd_leaf			/* 5.6 */
#define pmd_leaf(pmd)		pmd_large(pmd)
#define pud_leaf(pud)		pud_large(pud)
#endif

/* 6.2 moved a dump's parsed attributes into an embedded genl_info. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ptscope_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define ptscope_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * Only the message and the blamed attribute: 6.2+ formatted messages point
 * into the extack itself, and ptscope uses none.
 */
static inline void ptscope_extack_copy(struct netlink_ext_ack *dst,
				       const struct netlink_ext_ack *src)
{
	dst->_msg = src->_msg;
	dst->bad_attr = src->bad_attr;
}

/*
 * Non-present leaf entries. Up to 6.18 the swapops helpers read them as
 * swp_entry_t; 6.19 renamed the type softleaf_t and the tests softleaf_*.
 * Either way the layout (x86 inverts swap offsets against L1TF) is the
 * kernel's business, never ours.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 19, 0)
#include <linux/swap.h>
#include <linux/swapops.h>

typedef swp_entry_t ptscope_softleaf_t;
#define ptscope_softleaf_from_pte(pte)	pte_to_swp_entry(pte)
#define ptscope_sl_is_swap(e)		(!non_swap_entry(e))
#define ptscope_sl_is_migration(e)	is_migration_entry(e)
#define ptscope_sl_is_migration_write(e) is_writable_migration_entry(e)
#define ptscope_sl_is_migration_excl(e)	is_readable_exclusive_migration_entry(e)
#define ptscope_sl_is_device_private(e)	is_device_private_entry(e)
#define ptscope_sl_is_device_write(e)	is_writable_device_private_entry(e)
#define ptscope_sl_is_device_exclusive(e) is_device_exclusive_entry(e)
#define ptscope_sl_is_hwpoison(e)	is_hwpoison_entry(e)
#define ptscope_sl_is_marker(e)		is_pte_marker_entry(e)
#define ptscope_sl_marker(e)		pte_marker_get(e)
#define ptscope_sl_pfn(e)		swp_offset_pfn(e)
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/* 5.19-6.1: a failed swap-in left an entry of its own type, not a marker. */
#define ptscope_sl_is_swapin_error(e)	is_swapin_error_entry(e)
#else
#define ptscope_sl_is_swapin_error(e)	false
#endif
#else
#include <linux/leafops.h>

typedef softleaf_t ptscope_softleaf_t;
#define ptscope_softleaf_from_pte(pte)	softleaf_from_pte(pte)
#define ptscope_sl_is_swap(e)		softleaf_is_swap(e)
#define ptscope_sl_is_migration(e)	softleaf_is_migration(e)
#define ptscope_sl_is_migration_write(e) softleaf_is_migration_write(e)
#define ptscope_sl_is_migration_excl(e)	softleaf_is_migration_read_exclusive(e)
#define ptscope_sl_is_device_private(e)	softleaf_is_device_private(e)
#define ptscope_sl_is_device_write(e)	softleaf_is_device_private_write(e)
#define ptscope_sl_is_device_exclusive(e) softleaf_is_device_exclusive(e)
#define ptscope_sl_is_hwpoison(e)	softleaf_is_hwpoison(e)
#define ptscope_sl_is_marker(e)		softleaf_is_marker(e)
#define ptscope_sl_marker(e)		softleaf_to_marker(e)
#define ptscope_sl_pfn(e)		softleaf_to_pfn(e)
#define ptscope_sl_is_swapin_error(e)	false
#endif
/* softleaf_t is swp_entry_t by another name: the same accessors serve. */
#define ptscope_sl_type(e)		swp_type(e)
#define ptscope_sl_offset(e)		swp_offset(e)
#define ptscope_sl_from_radix(x)	radix_to_swp_entry(x)

/* What a marker says; names came and went (see kernel-compat notes). */
#ifdef PTE_MARKER_POISONED		/* 6.6 */
#define PTSCOPE_PTE_MARKER_POISONED	PTE_MARKER_POISONED
#elif defined(PTE_MARKER_SWAPIN_ERROR)	/* 6.2 */
#define PTSCOPE_PTE_MARKER_POISONED	PTE_MARKER_SWAPIN_ERROR
#else
#define PTSCOPE_PTE_MARKER_POISONED	0
#endif
#ifdef PTE_MARKER_GUARD			/* 6.13 */
#define PTSCOPE_PTE_MARKER_GUARD	PTE_MARKER_GUARD
#else
#define PTSCOPE_PTE_MARKER_GUARD	0
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define PTSCOPE_GENL_RESV_START_OP	.resv_start_op = __PTSCOPE_CMD_MAX,
#else
#define PTSCOPE_GENL_RESV_START_OP
#endif

/* Hooks (hooks.c). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 9, 0)
#define PTSCOPE_HAVE_MMU_NOTIFY_MIGRATE
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 14, 0)
#define PTSCOPE_HAVE_MMU_NOTIFY_EXCLUSIVE
#endif
/* The fault finished and dropped the lock itself (5.17). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
#define PTSCOPE_VM_FAULT_COMPLETED	VM_FAULT_COMPLETED
#else
#define PTSCOPE_VM_FAULT_COMPLETED	0
#endif

#endif /* _PTSCOPE_COMPAT_H */
