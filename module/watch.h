/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_WATCH_H
#define _PTSCOPE_WATCH_H

#include <linux/hashtable.h>
#include <linux/irq_work.h>
#include <linux/mm_types.h>
#include <linux/mmu_notifier.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "limits.h"
#include "ring.h"

/*
 * Who watches what.
 *
 * A subscription (ps_sub) belongs to one netlink socket and watches one or
 * more processes (ps_target, by thread-group pid). A target watches the
 * address space (ps_mmw) its process runs in now: exec moves it to a new
 * one. Probes find the watchers of an address space by looking its
 * mm_struct up in a hash, under RCU; everything they reach from there is
 * freed only after a grace period. Changes are made under ps_lock, a
 * spinlock, because exec and fork change them from tracepoints.
 */
struct ps_sub;

/*
 * A fault seen entering (the exceptions tracepoint) and not yet counted
 * (the perf event): what its entry was before. Keyed by the faulting task,
 * which has one fault in flight at most and may sleep, and wake on another
 * CPU, in between.
 */
struct ps_fault_slot {
	struct task_struct *task;	/* claimed by cmpxchg; NULL: free */
	unsigned long since;		/* jiffies when claimed */
	unsigned long address;
	u32 error_code;
	u8 before;			/* enum ptscope_state */
	u8 before_swap_type;
	u16 before_leaf_flags;
	u64 before_pfn;
	u64 before_swap_offset;
};

#define PS_FAULT_SLOTS_BITS	5
#define PS_FAULT_SLOTS	(1 << PS_FAULT_SLOTS_BITS)

struct ps_mmw {
	struct hlist_node node;		/* ps_mm_hash */
	struct mm_struct *mm;		/* mmgrab()ed */
	struct list_head targets;	/* ps_link.node, RCU */
	struct mmu_notifier *mn;	/* attached by the worker */
	struct list_head attach_node;	/* waiting for a notifier */
	unsigned int nr_targets;
	u32 kinds;			/* PTSCOPE_EVK_* of all watchers */
	struct rcu_head rcu;
	struct ps_fault_slot faults[PS_FAULT_SLOTS];
};

/*
 * A target's place in its address space's list. exec moves a target to
 * another list while probes may be walking the old one: a node moved
 * without a grace period would lead them into the new list, whose head is
 * no target. So a move unlinks one link, frees it after a grace period,
 * and links a new one.
 */
struct ps_link {
	struct list_head node;		/* ps_mmw.targets, RCU */
	struct ps_target *t;
	struct rcu_head rcu;
};

struct ps_target {
	struct ps_sub *sub;
	struct pid *pid;		/* the thread group's */
	struct ps_mmw *mmw;
	struct ps_link *link;		/* in mmw->targets, or ready to be */
	struct list_head sub_node;	/* ps_sub.targets */
	struct hlist_node pid_node;	/* ps_pid_hash, RCU */
	unsigned long flags;		/* PS_TARGET_* bits */
	struct rcu_head rcu;
};

#define PS_TARGET_EXITED	0

struct ps_sub {
	struct list_head node;		/* ps_subs */
	struct net *net;
	struct sock *sk;		/* the subscriber's socket, held */
	u32 portid;
	u32 mask;			/* PTSCOPE_EVK_* */
	u32 flags;			/* PTSCOPE_WATCH_F_* */
	bool frames_visible;
	bool may_ptrace;		/* may follow into non-dumpable programs */
	const struct cred *cred;	/* the subscriber's, for exec's re-check */
	struct pid_namespace *pid_ns;
	struct ps_held held, held_buffer;	/* the user's, limits.c */

	struct list_head targets;	/* ps_target.sub_node, under ps_lock */
	unsigned int nr_live;		/* targets that have not exited */

	struct ps_rings rings;
	atomic64_t seq;
	struct irq_work kick;
	bool urgent;
	struct delayed_work work;

	/* The worker's own. */
	struct ptscope_event *batch;
	u32 batch_n;
	u64 delivered[PTSCOPE_EV_NR];
	u64 lost[PTSCOPE_EV_NR];	/* never sent: the socket stayed full */
	unsigned long end_deadline;
	bool unlinked;

	/* Under ps_lock. */
	bool ending;
	bool gone;			/* the socket is closed */
	u8 end_reason;
	bool reap;			/* exited targets to free */
};

extern spinlock_t ps_lock;

/* Probes: under rcu_read_lock() or with preemption off. */
struct ps_mmw *ps_mmw_find(struct mm_struct *mm);
void ps_emit(struct ps_mmw *mmw, struct ptscope_event *ev);
void ps_target_exec(struct task_struct *task, bool dumpable);
void ps_target_fork(struct task_struct *parent, struct task_struct *child);
void ps_target_exit(struct task_struct *task);

/* Netlink. */
int ptscope_watch_doit(struct sk_buff *skb, struct genl_info *info);
int ptscope_unwatch_doit(struct sk_buff *skb, struct genl_info *info);
int ptscope_stat_doit(struct sk_buff *skb, struct genl_info *info);

int ptscope_watch_init(void);
void ptscope_watch_exit(void);

#endif /* _PTSCOPE_WATCH_H */
