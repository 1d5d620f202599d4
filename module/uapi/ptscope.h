/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ptscope: inspect the page tables of a live process over generic netlink.
 *
 * Family "ptscope", version PTSCOPE_GENL_VERSION. The module registers the
 * family alias, so resolving the family name autoloads ptscope.ko.
 *
 * Access rules are those of /proc/PID/pagemap: the caller needs what opening
 * that file needs (PTRACE_MODE_READ_FSCREDS, LSM hooks included). Frame
 * numbers, physical addresses and the frame bits of raw entries are only
 * given to callers with CAP_SYS_ADMIN in the initial user namespace (checked
 * on both the socket opener and the sender); everyone else gets
 * PTSCOPE_A_FRAMES_HIDDEN and the frame bits of every entry cleared.
 *
 * Errors come back as a netlink error with an extended-ack message naming
 * the offending attribute where there is one. A refused dump request is
 * answered by an error ACK (6.5+) or, on older kernels, by an NLMSG_DONE
 * carrying the errno and the message (without the attribute offset).
 *
 * PTSCOPE_CMD_GET_INFO (doit)
 *   request:  nothing
 *   reply:    PTSCOPE_A_VERSION, PTSCOPE_A_PAGING_LEVELS, PTSCOPE_A_PAGE_SHIFT,
 *             PTSCOPE_A_MAX_ADDRS, PTSCOPE_A_FRAMES_HIDDEN (flag, if so),
 *             PTSCOPE_A_FEATURES
 *
 * PTSCOPE_CMD_WALK (dump: NLM_F_DUMP is required)
 *   request:  PTSCOPE_A_PID      u32, in the caller's pid namespace
 *             PTSCOPE_A_ADDR     u64, repeated: 1..max_addrs of them, answered
 *                                in this order (not a nest: a nest's u16
 *                                length caps it at 5461 addresses)
 *   reply:    one message per address, in request order:
 *             PTSCOPE_A_PID, PTSCOPE_A_VA, PTSCOPE_A_PAGING_LEVELS,
 *             PTSCOPE_A_STATE (enum ptscope_state),
 *             PTSCOPE_A_LEVELS   nest of PTSCOPE_A_LEVEL nests
 *                                (struct of PTSCOPE_LEVEL_A_*), top down, ending
 *                                at the leaf or at the first entry that does
 *                                not lead further; folded levels are omitted,
 *                                so there are PAGING_LEVELS of them at most,
 *             PTSCOPE_A_PAGE_SHIFT  log2 of the leaf's size, when there is a leaf,
 *             PTSCOPE_A_PFN, PTSCOPE_A_PHYS  the 4 KiB frame and physical
 *                                address of VA itself (privileged, present),
 *             PTSCOPE_A_ROOT_PHYS   physical address of the top table (privileged),
 *             PTSCOPE_A_SWAP_TYPE, PTSCOPE_A_SWAP_OFFSET  when swapped out,
 *             PTSCOPE_A_LEAF_FLAGS  PTSCOPE_LEAF_F_*, when there are any,
 *             PTSCOPE_A_FRAMES_HIDDEN  flag, when frames are withheld,
 *             PTSCOPE_A_VMA      nest of PTSCOPE_VMA_A_*, absent when no VMA
 *                                contains VA (state PTSCOPE_STATE_NO_VMA).
 *   Tables are only walked inside VMAs, as the kernel's own walker does:
 *   outside them the kernel may be freeing tables under a read-held mmap lock.
 *
 * PTSCOPE_CMD_DUMP (dump: NLM_F_DUMP is required)
 *   request:  PTSCOPE_A_PID      u32
 *             PTSCOPE_A_START, PTSCOPE_A_END  u64, optional: [START, END)
 *                                (default: the whole user address space)
 *             PTSCOPE_A_DUMP_FLAGS  u32, optional: PTSCOPE_DUMP_F_*
 *             PTSCOPE_A_VMA_NAME string, optional: only VMAs of this name
 *   reply:    messages in address order, each with PTSCOPE_A_PID and
 *             PTSCOPE_A_VMA (the VMA the runs belong to) and
 *             PTSCOPE_A_RUNS     binary: an array of struct ptscope_run,
 *                                maximal stretches of pages whose leaf
 *                                entries share state, size and bits and
 *                                whose frames (or swap offsets) follow on;
 *             then one last message with PTSCOPE_A_STATS (nest of
 *             PTSCOPE_STATS_A_*): table pages met per level and walk costs.
 *   Runs are packed structs, not nests: a dump of a large process carries
 *   hundreds of thousands, and a nest per run would triple the bytes.
 *   The mmap lock is taken per reply skb; between them the process may
 *   change, and each run is true as of the moment it was read.
 *
 * PTSCOPE_CMD_SWAP_AREAS (dump)
 *   request:  nothing
 *   reply:    one message per active swap area, in type order, each with a
 *             PTSCOPE_A_SWAP_AREA nest. A swap entry's type names its area:
 *             /proc/swaps cannot, as it skips free slots. Resolved when asked;
 *             a type is only reused once swapoff has taken every entry of
 *             that type out of every page table and shmem object, so a
 *             client that asks before and after a walk and gets the same
 *             area (same dev and ino) for a type has that walk's answer.
 *             Paths are in the caller's mount namespace, whose /proc/swaps
 *             must be procfs's. The same facts as /proc/swaps: no privilege.
 *
 * 64-bit values are NLA_U64 padded with PTSCOPE_A_PAD.
 */
#ifndef _UAPI_PTSCOPE_H
#define _UAPI_PTSCOPE_H

#include <linux/types.h>

#define PTSCOPE_GENL_NAME	"ptscope"
#define PTSCOPE_GENL_VERSION	1

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_GET_INFO,
	PTSCOPE_CMD_WALK,
	PTSCOPE_CMD_DUMP,
	PTSCOPE_CMD_SWAP_AREAS,

	__PTSCOPE_CMD_MAX
};
#define PTSCOPE_CMD_MAX (__PTSCOPE_CMD_MAX - 1)

enum ptscope_attr {
	PTSCOPE_A_UNSPEC,
	PTSCOPE_A_PAD,
	PTSCOPE_A_VERSION,		/* string: module version */
	PTSCOPE_A_PID,			/* u32 */
	PTSCOPE_A_ADDR,			/* u64, repeated */
	PTSCOPE_A_VA,			/* u64 */
	PTSCOPE_A_PAGING_LEVELS,	/* u8: 4 or 5 on x86-64 */
	PTSCOPE_A_PAGE_SHIFT,		/* u8 */
	PTSCOPE_A_MAX_ADDRS,		/* u32 */
	PTSCOPE_A_FRAMES_HIDDEN,	/* flag */
	PTSCOPE_A_STATE,		/* u8: enum ptscope_state */
	PTSCOPE_A_LEVELS,		/* nest: PTSCOPE_A_LEVEL... */
	PTSCOPE_A_LEVEL,		/* nest: PTSCOPE_LEVEL_A_* */
	PTSCOPE_A_PFN,			/* u64 */
	PTSCOPE_A_PHYS,			/* u64 */
	PTSCOPE_A_ROOT_PHYS,		/* u64 */
	PTSCOPE_A_VMA,			/* nest: PTSCOPE_VMA_A_* */
	PTSCOPE_A_START,		/* u64 */
	PTSCOPE_A_END,			/* u64, exclusive */
	PTSCOPE_A_DUMP_FLAGS,		/* u32: PTSCOPE_DUMP_F_* */
	PTSCOPE_A_VMA_NAME,		/* string */
	PTSCOPE_A_RUNS,			/* binary: struct ptscope_run[] */
	PTSCOPE_A_STATS,		/* nest: PTSCOPE_STATS_A_* */
	PTSCOPE_A_SWAP_TYPE,		/* u8: swap area index of a swapped page */
	PTSCOPE_A_SWAP_OFFSET,		/* u64: slot in that area */
	PTSCOPE_A_LEAF_FLAGS,		/* u32: PTSCOPE_LEAF_F_* */
	PTSCOPE_A_FEATURES,		/* u32: PTSCOPE_FEAT_* */
	PTSCOPE_A_SWAP_AREA,		/* nest: PTSCOPE_SWAP_A_* */

	__PTSCOPE_A_MAX
};
#define PTSCOPE_A_MAX (__PTSCOPE_A_MAX - 1)

/* One table entry on the way down. */
enum ptscope_level_attr {
	PTSCOPE_LEVEL_A_UNSPEC,
	PTSCOPE_LEVEL_A_PAD,
	PTSCOPE_LEVEL_A_ID,		/* u8: enum ptscope_level */
	PTSCOPE_LEVEL_A_INDEX,		/* u32: index of the entry in its table */
	PTSCOPE_LEVEL_A_SHIFT,		/* u8: lowest VA bit of the index */
	PTSCOPE_LEVEL_A_BITS,		/* u8: width of the index in bits */
	PTSCOPE_LEVEL_A_ENTRY,		/* u64: raw entry (frame bits cleared if hidden) */
	PTSCOPE_LEVEL_A_KIND,		/* u8: enum ptscope_entry_kind */
	PTSCOPE_LEVEL_A_ENTRY_PHYS,	/* u64: physical address of the entry (privileged) */

	__PTSCOPE_LEVEL_A_MAX
};
#define PTSCOPE_LEVEL_A_MAX (__PTSCOPE_LEVEL_A_MAX - 1)

/* The VMA that contains the address. */
enum ptscope_vma_attr {
	PTSCOPE_VMA_A_UNSPEC,
	PTSCOPE_VMA_A_PAD,
	PTSCOPE_VMA_A_START,		/* u64 */
	PTSCOPE_VMA_A_END,		/* u64, exclusive */
	PTSCOPE_VMA_A_FLAGS,		/* u32: PTSCOPE_VMA_F_* */
	PTSCOPE_VMA_A_PGOFF,		/* u64: offset into the file, in pages */
	PTSCOPE_VMA_A_KIND,		/* u8: enum ptscope_vma_kind */
	PTSCOPE_VMA_A_NAME,		/* string: path or [heap], [stack], [vdso]... */

	__PTSCOPE_VMA_A_MAX
};
#define PTSCOPE_VMA_A_MAX (__PTSCOPE_VMA_A_MAX - 1)

/* An active swap area (PTSCOPE_CMD_SWAP_AREAS). */
enum ptscope_swap_attr {
	PTSCOPE_SWAP_A_UNSPEC,
	PTSCOPE_SWAP_A_PAD,
	PTSCOPE_SWAP_A_TYPE,		/* u8: the type swap entries carry */
	PTSCOPE_SWAP_A_PATH,		/* string: as /proc/swaps names it */
	PTSCOPE_SWAP_A_PRIO,		/* s32 */
	PTSCOPE_SWAP_A_SIZE_KIB,	/* u64 */
	PTSCOPE_SWAP_A_DEV,		/* u32: st_dev of PATH (new_encode_dev) */
	PTSCOPE_SWAP_A_INO,		/* u64: st_ino of PATH */
	PTSCOPE_SWAP_A_BDEV,		/* flag: a block device, not a file */

	__PTSCOPE_SWAP_A_MAX
};
#define PTSCOPE_SWAP_A_MAX (__PTSCOPE_SWAP_A_MAX - 1)

/* Walk accounting, in the last message of a dump. */
enum ptscope_stats_attr {
	PTSCOPE_STATS_A_UNSPEC,
	PTSCOPE_STATS_A_PAD,
	PTSCOPE_STATS_A_TABLES,		/* nest: u64 per level, type = enum ptscope_level + 1 */
	PTSCOPE_STATS_A_PAGES,		/* u64: pages (of any size) described by runs */
	PTSCOPE_STATS_A_RUNS,		/* u64 */
	PTSCOPE_STATS_A_ENTRIES,	/* u64: table entries read */
	PTSCOPE_STATS_A_WALK_NS,	/* u64: time spent walking, without sending */
	PTSCOPE_STATS_A_VA_BITS,	/* u8: width of the user address space */

	__PTSCOPE_STATS_A_MAX
};
#define PTSCOPE_STATS_A_MAX (__PTSCOPE_STATS_A_MAX - 1)

/* What this module can tell on this kernel (GET_INFO). */
#define PTSCOPE_FEAT_SWAP_AREAS	(1U << 0)	/* PTSCOPE_CMD_SWAP_AREAS exists */
#define PTSCOPE_FEAT_SWAP_CACHE	(1U << 1)	/* PTSCOPE_LEAF_F_SWAPCACHE is known */

/*
 * What a non-present leaf says beyond its state. For SWAP: SWAPCACHE, the
 * data is still in the swap cache (a swap-in costs no I/O); SHMEM, the
 * entry is held by the shared memory object (shmem, tmpfs, MAP_SHARED
 * anonymous), whose page-table entry is empty. For MIGRATION: WRITE or
 * EXCLUSIVE (read-exclusive) access is restored afterwards, else read.
 * For DEVICE: WRITE for a writable device-private page, EXCLUSIVE for
 * device-exclusive access. For MARKER: which marks it carries.
 */
#define PTSCOPE_LEAF_F_SWAPCACHE	(1U << 0)
#define PTSCOPE_LEAF_F_SHMEM		(1U << 1)
#define PTSCOPE_LEAF_F_WRITE		(1U << 2)
#define PTSCOPE_LEAF_F_EXCLUSIVE	(1U << 3)
#define PTSCOPE_LEAF_F_UFFD_WP		(1U << 4)
#define PTSCOPE_LEAF_F_POISONED		(1U << 5)	/* e.g. swap-in I/O error */
#define PTSCOPE_LEAF_F_GUARD		(1U << 6)	/* MADV_GUARD_INSTALL */
#define PTSCOPE_LEAF_F_SWAPCACHE_UNKNOWN (1U << 7)	/* this kernel cannot tell */

#define PTSCOPE_DUMP_F_HOLES	(1U << 0)	/* also runs of never-populated pages */
#define PTSCOPE_DUMP_F_COUNT	(1U << 1)	/* walk and count only: no runs */
#define PTSCOPE_DUMP_F_ALL	((1U << 2) - 1)

/*
 * One run. @bits holds the leaf entry's bits outside the frame field, so
 * the client can name the flags: entry bits 11..0 in 11..0, entry bits
 * 63..52 in 23..12, and a large leaf's PAT bit (12) in 24; for entries
 * that are not present, only bits 8..0 (the rest is type and offset).
 * Without CAP_SYS_ADMIN, frames are 0 and runs do not end where physical
 * contiguity ends: contiguity is what Rowhammer attacks look for. @frame is the first page's frame number when present
 * (0 when frames are hidden), its swap offset when swapped out, and the
 * migration target's frame for a migration entry; the next page's is
 * @frame + (1 << (@page_shift - 12)).
 */
struct ptscope_run {
	__u64 start;
	__u64 frame;
	__u32 pages;
	__u32 bits;
	__u8 state;		/* enum ptscope_state */
	__u8 page_shift;
	__u8 level;		/* enum ptscope_level of the leaf */
	__u8 swap_type;
	__u16 flags;		/* PTSCOPE_LEAF_F_* */
	__u16 reserved;
};

/* Level names follow Linux: with 4-level paging p4d is folded into pgd. */
enum ptscope_level {
	PTSCOPE_LEVEL_PGD,
	PTSCOPE_LEVEL_P4D,
	PTSCOPE_LEVEL_PUD,
	PTSCOPE_LEVEL_PMD,
	PTSCOPE_LEVEL_PTE,

	PTSCOPE_NR_LEVELS
};

enum ptscope_entry_kind {
	PTSCOPE_ENTRY_NONE,		/* empty: nothing below */
	PTSCOPE_ENTRY_TABLE,		/* points to the next table */
	PTSCOPE_ENTRY_LEAF,		/* maps a page (present or PROT_NONE) */
	PTSCOPE_ENTRY_NONPRESENT,	/* leaf slot holding a non-present entry */
	PTSCOPE_ENTRY_BAD,		/* corrupt: the kernel would report it bad */
};

enum ptscope_state {
	PTSCOPE_STATE_NO_VMA,		/* no VMA contains the address */
	PTSCOPE_STATE_NONE,		/* in a VMA, never populated (empty entry) */
	PTSCOPE_STATE_PRESENT,		/* mapped to a frame */
	PTSCOPE_STATE_PROTNONE,		/* mapped, but PROT_NONE / NUMA hinting */
	PTSCOPE_STATE_NONPRESENT,	/* not present, entry holds swap/migration/... */
	PTSCOPE_STATE_BAD,		/* a corrupt table entry stopped the walk */
	PTSCOPE_STATE_SWAP,		/* swapped out: swap type and offset */
	PTSCOPE_STATE_MIGRATION,	/* being migrated: target frame */
	PTSCOPE_STATE_HWPOISON,		/* memory failure: the frame is poisoned */
	PTSCOPE_STATE_MARKER,		/* a PTE marker (uffd-wp, poisoned, guard) */
	PTSCOPE_STATE_DEVICE,		/* device-private or device-exclusive */
};

enum ptscope_vma_kind {
	PTSCOPE_VMA_ANON,
	PTSCOPE_VMA_FILE,
	PTSCOPE_VMA_HEAP,
	PTSCOPE_VMA_STACK,
	PTSCOPE_VMA_SPECIAL,		/* [vdso], [vvar], [vsyscall], ... */
};

#define PTSCOPE_VMA_F_READ	(1U << 0)
#define PTSCOPE_VMA_F_WRITE	(1U << 1)
#define PTSCOPE_VMA_F_EXEC	(1U << 2)
#define PTSCOPE_VMA_F_SHARED	(1U << 3)
#define PTSCOPE_VMA_F_HUGETLB	(1U << 4)
#define PTSCOPE_VMA_F_LOCKED	(1U << 5)
#define PTSCOPE_VMA_F_PFNMAP	(1U << 6)
#define PTSCOPE_VMA_F_IO	(1U << 7)
#define PTSCOPE_VMA_F_HUGEPAGE	(1U << 8)	/* MADV_HUGEPAGE */
#define PTSCOPE_VMA_F_NOHUGEPAGE (1U << 9)	/* MADV_NOHUGEPAGE */
#define PTSCOPE_VMA_F_GROWSDOWN	(1U << 10)
#define PTSCOPE_VMA_F_ALL	((1U << 11) - 1)

#endif /* _UAPI_PTSCOPE_H */
