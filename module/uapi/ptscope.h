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
 * PTSCOPE_CMD_WATCH (doit): subscribe this socket to live events
 *   request:  PTSCOPE_A_PID      u32, repeated: 1..PTSCOPE_WATCH_MAX_PIDS
 *                                processes (all their threads, present and
 *                                future), with walking's access rules
 *             PTSCOPE_A_EVENT_MASK  u32, optional: PTSCOPE_EVK_* (default all)
 *             PTSCOPE_A_WATCH_FLAGS u32, optional: PTSCOPE_WATCH_F_*
 *             PTSCOPE_A_BUFFER   u32, optional: events per CPU buffered for
 *                                this subscription (default: the module's
 *                                buffer_events parameter)
 *   reply:    PTSCOPE_A_BUFFER (as rounded), PTSCOPE_A_FRAMES_HIDDEN
 *   One subscription per socket. Events then arrive on the socket, unicast,
 *   as PTSCOPE_CMD_EVENTS messages:
 *             PTSCOPE_A_EVENTS   binary: struct ptscope_event[], in seq order
 *             PTSCOPE_A_COUNTS   binary: struct ptscope_counts, cumulative
 *   and, last, one PTSCOPE_CMD_WATCH_END message with PTSCOPE_A_COUNTS (final:
 *   occurred = delivered + dropped, per type) and PTSCOPE_A_END_REASON.
 *   Probes never block: events wait in per-CPU buffers and are sent from
 *   process context; a full buffer drops (and counts) new events, a full
 *   socket makes them wait. The subscription ends when every watched
 *   process has exited (after an EXIT event each), on PTSCOPE_CMD_UNWATCH,
 *   when the socket closes, or when the module is unloaded. Events (even
 *   WATCH_END) may come before the reply; a reply that cannot be queued
 *   (the socket is full: ENOBUFS) withdraws the subscription.
 *
 * PTSCOPE_CMD_UNWATCH (doit): end this socket's subscription; the events
 *   still buffered and the WATCH_END message follow.
 *
 * PTSCOPE_CMD_STAT (doit)
 *   reply:    PTSCOPE_A_VERSION, PTSCOPE_A_KERNEL, PTSCOPE_A_PAGING_LEVELS,
 *             PTSCOPE_A_HOOK nests (PTSCOPE_HOOK_A_*: event kind, what is
 *             hooked, whether it is attached), PTSCOPE_A_BUFFER (default),
 *             PTSCOPE_A_OBJECTS (nest of u64 PTSCOPE_OBJ_A_*: live objects),
 *             PTSCOPE_A_COUNTS (all subscriptions, since load), and one
 *             PTSCOPE_A_SUB nest per subscription (PTSCOPE_SUB_A_*; the pids
 *             only for the caller's own and to CAP_SYS_ADMIN).
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
	PTSCOPE_CMD_WATCH,
	PTSCOPE_CMD_UNWATCH,
	PTSCOPE_CMD_EVENTS,		/* kernel to client */
	PTSCOPE_CMD_WATCH_END,		/* kernel to client */
	PTSCOPE_CMD_STAT,

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
	PTSCOPE_A_EVENT_MASK,		/* u32: PTSCOPE_EVK_* */
	PTSCOPE_A_WATCH_FLAGS,		/* u32: PTSCOPE_WATCH_F_* */
	PTSCOPE_A_BUFFER,		/* u32: events per CPU */
	PTSCOPE_A_EVENTS,		/* binary: struct ptscope_event[] */
	PTSCOPE_A_COUNTS,		/* binary: struct ptscope_counts */
	PTSCOPE_A_END_REASON,		/* u8: enum ptscope_end_reason */
	PTSCOPE_A_KERNEL,		/* string: uname -r */
	PTSCOPE_A_HOOK,			/* nest: PTSCOPE_HOOK_A_* */
	PTSCOPE_A_OBJECTS,		/* nest: PTSCOPE_OBJ_A_* */
	PTSCOPE_A_SUB,			/* nest: PTSCOPE_SUB_A_* */

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

/* One hook of PTSCOPE_CMD_STAT. */
enum ptscope_hook_attr {
	PTSCOPE_HOOK_A_UNSPEC,
	PTSCOPE_HOOK_A_KINDS,		/* u32: PTSCOPE_EVK_* it feeds */
	PTSCOPE_HOOK_A_NAME,		/* string: e.g. "kretprobe:handle_mm_fault" */
	PTSCOPE_HOOK_A_ACTIVE,		/* flag: attached now */
	PTSCOPE_HOOK_A_MISSED,		/* u32: hits the kernel could not hand us */

	__PTSCOPE_HOOK_A_MAX
};

#define PTSCOPE_HOOK_A_MAX (__PTSCOPE_HOOK_A_MAX - 1)

/* Live objects (PTSCOPE_CMD_STAT): all zero once nothing is watched. */
enum ptscope_obj_attr {
	PTSCOPE_OBJ_A_UNSPEC,
	PTSCOPE_OBJ_A_PAD,
	PTSCOPE_OBJ_A_SUBS,		/* u64: subscriptions */
	PTSCOPE_OBJ_A_TARGETS,		/* u64: watched processes */
	PTSCOPE_OBJ_A_MMS,		/* u64: watched address spaces */
	PTSCOPE_OBJ_A_NOTIFIERS,	/* u64: mmu notifiers attached */
	PTSCOPE_OBJ_A_REQUESTS,		/* u64: walk/dump requests in flight */
	PTSCOPE_OBJ_A_USERS,		/* u64: users holding any of the above */

	__PTSCOPE_OBJ_A_MAX
};

#define PTSCOPE_OBJ_A_MAX (__PTSCOPE_OBJ_A_MAX - 1)

/* One subscription (PTSCOPE_CMD_STAT). */
enum ptscope_sub_attr {
	PTSCOPE_SUB_A_UNSPEC,
	PTSCOPE_SUB_A_PAD,
	PTSCOPE_SUB_A_PORTID,		/* u32: the subscriber's netlink port */
	PTSCOPE_SUB_A_PID,		/* u32, repeated: watched processes */
	PTSCOPE_SUB_A_EVENT_MASK,	/* u32 */
	PTSCOPE_SUB_A_BUFFER,		/* u32: events per CPU */
	PTSCOPE_SUB_A_BUFFERED,		/* u32: events waiting now, all CPUs */
	PTSCOPE_SUB_A_COUNTS,		/* binary: struct ptscope_counts */

	__PTSCOPE_SUB_A_MAX
};

#define PTSCOPE_SUB_A_MAX (__PTSCOPE_SUB_A_MAX - 1)

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
 * contiguity ends: contiguity is what Rowhammer attacks look for.
 * @frame is the first page's frame number when present (0 when frames are
 * hidden), its swap offset when swapped out, and the migration target's
 * frame for a migration entry; the next page's is
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

/* Event kinds a subscription chooses (PTSCOPE_A_EVENT_MASK). */
#define PTSCOPE_EVK_FAULT	(1U << 0)	/* FAULT */
#define PTSCOPE_EVK_TLB		(1U << 1)	/* TLB_FLUSH, TLB_SHOOTDOWN */
#define PTSCOPE_EVK_SWAP	(1U << 2)	/* SWAP_OUT, SWAP_IN */
#define PTSCOPE_EVK_UNMAP	(1U << 3)	/* INVALIDATE */
#define PTSCOPE_EVK_PROCESS	(1U << 4)	/* EXEC, FORK, EXIT */
#define PTSCOPE_EVK_ALL		((1U << 5) - 1)

#define PTSCOPE_WATCH_F_CHILDREN (1U << 0)	/* also the children forked later */
#define PTSCOPE_WATCH_F_ALL	((1U << 1) - 1)

#define PTSCOPE_WATCH_MAX_PIDS	64
#define PTSCOPE_BUFFER_MIN	16
#define PTSCOPE_BUFFER_MAX	(1U << 20)

enum ptscope_event_type {
	PTSCOPE_EV_NONE,
	PTSCOPE_EV_FAULT,		/* handle_mm_fault() ran for va */
	PTSCOPE_EV_TLB_FLUSH,		/* [va, end) flushed from the TLBs */
	PTSCOPE_EV_TLB_SHOOTDOWN,	/* this cpu was interrupted to flush */
	PTSCOPE_EV_SWAP_OUT,		/* va's page was written to swap */
	PTSCOPE_EV_SWAP_IN,		/* va's page was read back from swap */
	PTSCOPE_EV_INVALIDATE,		/* [va, end) unmapped or protected */
	PTSCOPE_EV_EXEC,		/* the process exec()ed a new program */
	PTSCOPE_EV_FORK,		/* a child (count = its pid) is watched too */
	PTSCOPE_EV_EXIT,		/* the process exited: nothing more from it */

	PTSCOPE_EV_NR
};

/* Fault outcome (struct ptscope_event.outcome of a FAULT). */
enum ptscope_fault_outcome {
	PTSCOPE_FAULT_MINOR,		/* mapped without I/O */
	PTSCOPE_FAULT_MAJOR,		/* mapped after I/O (the kernel counts it major) */
	PTSCOPE_FAULT_COW,		/* a shared frame was copied to a new one */
	PTSCOPE_FAULT_PROTECTION,	/* a present entry's rights changed in place */
	/*
	 * RETRY, OOM and ERROR are not reported since faults are seen as the
	 * kernel counts them (a retried fault once, major) or by the signal a
	 * failed one raises; kept so that the numbering stays.
	 */
	PTSCOPE_FAULT_RETRY,		/* gave up the lock to wait; retried */
	PTSCOPE_FAULT_SIGSEGV,
	PTSCOPE_FAULT_SIGBUS,
	PTSCOPE_FAULT_OOM,
	PTSCOPE_FAULT_ERROR,		/* another VM_FAULT_ERROR */
};

/* Why a TLB flush or an invalidation happened, as far as can be known. */
enum ptscope_reason {
	PTSCOPE_WHY_UNKNOWN,
	PTSCOPE_WHY_MUNMAP,
	PTSCOPE_WHY_MPROTECT,
	PTSCOPE_WHY_MADVISE,
	PTSCOPE_WHY_MREMAP,
	PTSCOPE_WHY_BRK,
	PTSCOPE_WHY_MMAP,		/* MAP_FIXED over a mapping */
	PTSCOPE_WHY_FORK,		/* COW set-up write-protects the parent */
	PTSCOPE_WHY_EXEC,
	PTSCOPE_WHY_EXIT,
	PTSCOPE_WHY_MIGRATION,		/* move_pages, mbind, migrate_pages */
	PTSCOPE_WHY_FAULT,		/* during a fault: COW, NUMA hinting */
	PTSCOPE_WHY_RECLAIM,		/* kswapd or direct reclaim */
	PTSCOPE_WHY_COMPACTION,
	PTSCOPE_WHY_KHUGEPAGED,
	PTSCOPE_WHY_KERNEL,		/* another kernel thread */
	PTSCOPE_WHY_SYSCALL,		/* another system call */
};

/* What an invalidation does (INVALIDATE's outcome; mmu_notifier's event). */
enum ptscope_invalidate_kind {
	PTSCOPE_INV_UNMAP,		/* the range is unmapped */
	PTSCOPE_INV_CLEAR,		/* entries cleared: reclaim, zap, COW */
	PTSCOPE_INV_PROTECTION_VMA,	/* mprotect */
	PTSCOPE_INV_PROTECTION_PAGE,	/* write-protect pages (dirty tracking) */
	PTSCOPE_INV_SOFT_DIRTY,
	PTSCOPE_INV_RELEASE,		/* the address space is torn down */
	PTSCOPE_INV_MIGRATE,
	PTSCOPE_INV_EXCLUSIVE,
	PTSCOPE_INV_OTHER,
};

enum ptscope_end_reason {
	PTSCOPE_END_UNWATCH,		/* the client asked */
	PTSCOPE_END_EXITED,		/* every watched process exited */
	PTSCOPE_END_UNLOAD,		/* the module is being unloaded */
	/* a watched process exec()ed a program the subscriber may not look into */
	PTSCOPE_END_ACCESS,
};

#define PTSCOPE_EV_F_WRITE	(1U << 0)	/* fault: a write access */
#define PTSCOPE_EV_F_EXEC	(1U << 1)	/* fault: an instruction fetch */
#define PTSCOPE_EV_F_USER	(1U << 2)	/* fault: from user mode */
#define PTSCOPE_EV_F_MAJOR	(1U << 3)	/* fault: counted in majflt (else minflt) */
#define PTSCOPE_EV_F_ERROR_CODE	(1U << 4)	/* error_code is the CPU's */
#define PTSCOPE_EV_F_REMOTE	(1U << 5)	/* done by another process (GUP) */
#define PTSCOPE_EV_F_FREED_TABLES (1U << 6)	/* tlb_flush: page-table pages freed */
#define PTSCOPE_EV_F_IPI	(1U << 7)	/* tlb_flush: other CPUs interrupted */
#define PTSCOPE_EV_F_FRAMES_HIDDEN (1U << 8)	/* pfn, old_pfn withheld */
#define PTSCOPE_EV_F_SWAPCACHE	(1U << 9)	/* swap: the data is in the swap cache */
#define PTSCOPE_EV_F_COUNTED	(1U << 10)	/* fault: in minflt or majflt */
#define PTSCOPE_EV_F_RANGE_UNKNOWN (1U << 11)	/* tlb_flush: start and end unknown */
#define PTSCOPE_EV_F_ENTRY_UNSEEN (1U << 12)	/* fault: before, access unknown */
/* fork: the child is not watched (max_targets reached, or out of memory) */
#define PTSCOPE_EV_F_UNFOLLOWED	(1U << 13)

/*
 * One event. Addresses are user virtual addresses of the process; frames
 * are 4 KiB frame numbers of the page holding va, 0 when hidden or none.
 * For a FAULT, before and after are the leaf's enum ptscope_state as the
 * fault entered and once the kernel counted it (minflt, majflt), and
 * page_shift, bits (packed as struct ptscope_run's)
 * describe the leaf after it; for a swap-in the swap fields say where the
 * data came from. A TLB_FLUSH's page_shift is its stride.
 */
struct ptscope_event {
	__u64 seq;		/* per subscription, from 1; gaps are drops */
	__u64 time_ns;		/* CLOCK_MONOTONIC */
	__u64 va;		/* fault, swap: the page; ranges: start */
	__u64 end;		/* ranges: exclusive end (~0: all) */
	__u64 pfn;		/* fault, swap_in: frame after */
	__u64 old_pfn;		/* fault: frame before (COW: the shared one) */
	__u64 swap_offset;
	__u32 pid;		/* process, in the subscriber's pid namespace */
	__u32 tid;		/* thread that did it (0: a kernel thread, or unseen) */
	__u32 flags;		/* PTSCOPE_EV_F_* */
	__u32 error_code;	/* fault: x86 page-fault error code */
	__u32 bits;		/* fault: leaf bits after */
	/* tlb_flush: other CPUs in the mm; shootdown: pages; fork: child's pid */
	__u32 count;
	__u16 cpu;
	__u8 type;		/* enum ptscope_event_type */
	__u8 outcome;		/* fault: outcome; invalidate: kind */
	__u8 reason;		/* tlb_flush, invalidate: enum ptscope_reason */
	__u8 before;		/* fault: enum ptscope_state before */
	__u8 after;		/* fault: enum ptscope_state after */
	__u8 page_shift;
	__u8 swap_type;
	__u8 reserved[7];
};

/*
 * Per event type, since the subscription began: occurred = delivered +
 * dropped + still buffered. Dropped events were never sent: their buffer
 * was full.
 */
struct ptscope_counts {
	__u64 occurred[PTSCOPE_EV_NR];
	__u64 delivered[PTSCOPE_EV_NR];
	__u64 dropped[PTSCOPE_EV_NR];
};

#endif /* _UAPI_PTSCOPE_H */
