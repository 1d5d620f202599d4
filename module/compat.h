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

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define PTSCOPE_GENL_RESV_START_OP	.resv_start_op = __PTSCOPE_CMD_MAX,
#else
#define PTSCOPE_GENL_RESV_START_OP
#endif

#endif /* _PTSCOPE_COMPAT_H */
