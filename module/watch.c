// SPDX-License-Identifier: GPL-2.0
/*
 * Subscriptions: who watches which process, and getting events to them.
 *
 * Probes (hooks.c) find the watchers of an mm in ps_mm_hash and copy each
 * event into the per-CPU rings of every subscription that wants it. The
 * first event in an empty ring (or a ring half full) raises an irq_work,
 * which queues the subscription's worker: a probe may run inside the
 * scheduler or under page-table locks, where even a wake-up is forbidden.
 * The worker sends the events, merged in sequence order, unicast to the
 * subscriber. When the socket is full the batch waits and the rings fill;
 * only a full ring drops, and drops are counted by type at the moment they
 * happen, so that for every type occurred = delivered + dropped once the
 * rings are empty.
 *
 * Ending a subscription (unwatch, every target gone, socket closed, module
 * unloaded) is done by its worker: unlink it from every mm, wait a grace
 * period so no probe still holds it, send what is left and a WATCH_END,
 * and free it.
 */

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "hooks.h"
#include "netlink.h"
#include "ptscope.h"
#include "target.h"
#include "walk.h"
#include "watch.h"

static unsigned int buffer_events = 4096;
module_param(buffer_events, uint, 0644);
MODULE_PARM_DESC(buffer_events, "Events buffered per CPU per subscription, by default (rounded up to a power of two)");

static unsigned int max_subscriptions = 64;
module_param(max_subscriptions, uint, 0644);
MODULE_PARM_DESC(max_subscriptions, "Most subscriptions at once, all users together");

static unsigned int max_targets = 1024;
module_param(max_targets, uint, 0644);
MODULE_PARM_DESC(max_targets, "Most processes one subscription follows (children included)");

/* Events per message: 24 KiB, an order-3 allocation at most. */
#define BATCH		256
/* Batches per worker run before it yields to other work. */
#define RUN_BATCHES	32
/*
 * How long a closing subscription waits for its reader to make room in
 * the socket: counted from the last message it took, so a slow reader
 * still gets everything.
 */
#define END_WAIT	(5 * HZ)
/* WATCH_END's attributes: the final counts and the reason. */
#define END_PAYLOAD	(nla_total_size(sizeof(struct ptscope_counts)) + nla_total_size(1))
/* What a WATCH_END message takes of a socket's receive buffer. */
static unsigned int end_truesize;

DEFINE_SPINLOCK(ps_lock);
static DEFINE_HASHTABLE(ps_mm_hash, 8);
static DEFINE_HASHTABLE(ps_pid_hash, 8);
static LIST_HEAD(ps_subs);
static LIST_HEAD(ps_attach_list);
static LIST_HEAD(ps_detach_list);
static unsigned int nr_subs;
static struct ptscope_counts ps_totals;	/* of subscriptions freed */

static DEFINE_MUTEX(ps_mutex);		/* subscribing against unloading */
static bool ps_unloading;
static DECLARE_WAIT_QUEUE_HEAD(ps_subs_gone);
static struct workqueue_struct *ps_wq;
static void notifier_work_fn(struct work_struct *w);
static DECLARE_WORK(notifier_work, notifier_work_fn);

static atomic_long_t nr_targets_live, nr_mmws, nr_notifiers;

static u32 kind_of(u8 type)
{
	switch (type) {
	case PTSCOPE_EV_FAULT:		return PTSCOPE_EVK_FAULT;
	case PTSCOPE_EV_TLB_FLUSH:
	case PTSCOPE_EV_TLB_SHOOTDOWN:	return PTSCOPE_EVK_TLB;
	case PTSCOPE_EV_SWAP_OUT:
	case PTSCOPE_EV_SWAP_IN:	return PTSCOPE_EVK_SWAP;
	case PTSCOPE_EV_INVALIDATE:	return PTSCOPE_EVK_UNMAP;
	default:			return PTSCOPE_EVK_PROCESS;
	}
}

/* ---- address spaces ---- */

struct ps_mmw *ps_mmw_find(struct mm_struct *mm)
{
	struct ps_mmw *mmw;

	hash_for_each_possible_rcu(ps_mm_hash, mmw, node, (unsigned long)mm)
		if (mmw->mm == mm)
			return mmw;
	return NULL;
}

static void mmw_update_kinds(struct ps_mmw *mmw)
{
	struct ps_link *l;
	u32 kinds = 0;

	list_for_each_entry(l, &mmw->targets, node)
		kinds |= l->t->sub->mask | PTSCOPE_EVK_PROCESS;
	WRITE_ONCE(mmw->kinds, kinds);
}

/* Under ps_lock. @spare, if given, is used instead of allocating. */
static struct ps_mmw *mmw_get_locked(struct mm_struct *mm, struct ps_mmw **spare)
{
	struct ps_mmw *mmw = ps_mmw_find(mm);

	if (mmw)
		return mmw;
	if (spare && *spare) {
		mmw = *spare;
		*spare = NULL;
	} else {
		mmw = kzalloc(sizeof(*mmw), GFP_ATOMIC);
		if (!mmw)
			return NULL;
	}
	mmgrab(mm);
	mmw->mm = mm;
	INIT_LIST_HEAD(&mmw->targets);
	hash_add_rcu(ps_mm_hash, &mmw->node, (unsigned long)mm);
	/* The notifier needs the mmap lock: the worker attaches it. */
	list_add_tail(&mmw->attach_node, &ps_attach_list);
	atomic_long_inc(&nr_mmws);
	queue_work(ps_wq, &notifier_work);
	return mmw;
}

/* @t->link must be unlinked: a fresh one, or one never linked. */
static void target_link_locked(struct ps_target *t, struct ps_mmw *mmw)
{
	t->mmw = mmw;
	list_add_tail_rcu(&t->link->node, &mmw->targets);
	mmw->nr_targets++;
	mmw_update_kinds(mmw);
}

static void target_unlink_mm_locked(struct ps_target *t)
{
	struct ps_mmw *mmw = t->mmw;

	if (!mmw)
		return;
	list_del_rcu(&t->link->node);
	kfree_rcu(t->link, rcu);
	t->link = NULL;
	t->mmw = NULL;
	mmw_update_kinds(mmw);
	if (--mmw->nr_targets)
		return;
	hash_del_rcu(&mmw->node);
	/* Off the attach list if still on it, onto the detach list. */
	list_del(&mmw->attach_node);
	list_add_tail(&mmw->attach_node, &ps_detach_list);
	queue_work(ps_wq, &notifier_work);
}

/*
 * Attaches notifiers to new mms and frees the mms no longer watched. One
 * work item does both, so an mm is never detached while being attached.
 */
static struct ps_mmw *pop_locked(struct list_head *list)
{
	struct ps_mmw *mmw;

	spin_lock(&ps_lock);
	mmw = list_first_entry_or_null(list, struct ps_mmw, attach_node);
	if (mmw)
		list_del_init(&mmw->attach_node);
	spin_unlock(&ps_lock);
	return mmw;
}

static void notifier_work_fn(struct work_struct *w)
{
	struct ps_mmw *mmw;

	while ((mmw = pop_locked(&ps_attach_list))) {
		struct mmu_notifier *mn = NULL;

		/* Only while the address space lives: exit may be under way. */
		if (mmget_not_zero(mmw->mm)) {
			mn = mmu_notifier_get(&ps_mn_ops, mmw->mm);
			mmput(mmw->mm);
			if (IS_ERR(mn))
				mn = NULL;
		}
		if (mn)
			atomic_long_inc(&nr_notifiers);
		WRITE_ONCE(mmw->mn, mn);
	}
	while ((mmw = pop_locked(&ps_detach_list))) {
		if (mmw->mn) {
			mmu_notifier_put(mmw->mn);
			atomic_long_dec(&nr_notifiers);
		}
		mmdrop(mmw->mm);
		kfree_rcu(mmw, rcu);
		atomic_long_dec(&nr_mmws);
	}
}

/* ---- events ---- */

/* @who did it: NULL for a kernel thread, or a thread not seen doing it. */
static void sub_put_event(struct ps_sub *sub, struct ps_target *t,
			  const struct ptscope_event *src,
			  struct task_struct *who)
{
	struct ptscope_event ev = *src;

	ev.pid = pid_nr_ns(t->pid, sub->pid_ns);
	ev.tid = who ? task_pid_nr_ns(who, sub->pid_ns) : 0;
	if (!sub->frames_visible) {
		ev.pfn = 0;
		ev.old_pfn = 0;
		ev.swap_type = 0;
		ev.swap_offset = 0;
		ev.flags |= PTSCOPE_EV_F_FRAMES_HIDDEN;
	}
	switch (ps_rings_put(&sub->rings, &ev, &sub->seq)) {
	case PS_PUT_HALF:
		WRITE_ONCE(sub->urgent, true);
		fallthrough;
	case PS_PUT_FIRST:
		irq_work_queue(&sub->kick);
		break;
	default:
		break;
	}
}

/* To every subscription watching @mmw that wants @ev's kind. Under RCU. */
void ps_emit(struct ps_mmw *mmw, struct ptscope_event *ev)
{
	struct task_struct *who = current->flags & PF_KTHREAD ? NULL : current;
	u32 kind = kind_of(ev->type);
	struct ps_link *l;

	list_for_each_entry_rcu(l, &mmw->targets, node) {
		struct ps_target *t = l->t;

		if ((READ_ONCE(t->sub->mask) & kind) &&
		    !test_bit(PS_TARGET_EXITED, &t->flags))
			sub_put_event(t->sub, t, ev, who);
	}
}

/*
 * What @t's process did, heard from its own thread or found by the
 * subscribing call (then done before it was watched, by no thread seen).
 */
static struct task_struct *process_doer(struct ps_target *t)
{
	return task_tgid(current) == t->pid ? current : NULL;
}

static void process_event(struct ps_target *t, u8 type, u32 count, u32 flags)
{
	struct ptscope_event ev = {
		.type = type,
		.time_ns = ktime_get_mono_fast_ns(),
		.cpu = raw_smp_processor_id(),
		.count = count,
		.flags = flags,
	};

	/* A child left unwatched is told of whatever kinds were chosen. */
	if ((t->sub->mask & PTSCOPE_EVK_PROCESS) ||
	    (flags & PTSCOPE_EV_F_UNFOLLOWED))
		sub_put_event(t->sub, t, &ev, process_doer(t));
}

static void sub_kick(struct irq_work *w)
{
	struct ps_sub *sub = container_of(w, struct ps_sub, kick);

	if (READ_ONCE(sub->urgent))
		mod_delayed_work(ps_wq, &sub->work, 0);
	else
		queue_delayed_work(ps_wq, &sub->work, 1);
}

/* Under ps_lock. The first reason given is the one reported. */
static void sub_end_locked(struct ps_sub *sub, u8 reason)
{
	if (!sub->ending) {
		sub->ending = true;
		sub->end_reason = reason;
	}
	mod_delayed_work(ps_wq, &sub->work, 0);
}

/* ---- the process: tracepoints, under preemption off ---- */

static bool pid_watched(struct pid *pid)
{
	struct ps_target *t;
	bool found = false;

	rcu_read_lock();
	hash_for_each_possible_rcu(ps_pid_hash, t, pid_node, (unsigned long)pid)
		if (t->pid == pid)
			found = true;
	rcu_read_unlock();
	return found;
}

/* Under ps_lock: @t's process is gone; the last one gone ends the watch. */
static void target_exited_locked(struct ps_target *t)
{
	struct ptscope_event exit_ev = {
		.type = PTSCOPE_EV_EXIT,
		.time_ns = ktime_get_mono_fast_ns(),
		.cpu = raw_smp_processor_id(),
	};
	struct ps_sub *sub = t->sub;

	if (test_and_set_bit(PS_TARGET_EXITED, &t->flags))
		return;
	atomic_long_dec(&nr_targets_live);
	/* Whatever kinds were chosen: a watcher is always told. */
	sub_put_event(sub, t, &exit_ev, process_doer(t));
	sub->reap = true;
	if (!--sub->nr_live)
		sub_end_locked(sub, PTSCOPE_END_EXITED);
	else
		mod_delayed_work(ps_wq, &sub->work, 0);
}

void ps_target_exit(struct task_struct *task)
{
	struct pid *pid = task_tgid(task);
	struct ps_target *t;

	if (!pid_watched(pid))
		return;
	spin_lock(&ps_lock);
	hash_for_each_possible(ps_pid_hash, t, pid_node, (unsigned long)pid)
		if (t->pid == pid)
			target_exited_locked(t);
	spin_unlock(&ps_lock);
}

/*
 * Under ps_lock, for a target just added: a process whose last thread
 * left before the target was hashed had its exit tracepoint unheard.
 */
static void target_check_alive_locked(struct ps_target *t)
{
	struct task_struct *task;
	bool gone;

	rcu_read_lock();
	task = pid_task(t->pid, PIDTYPE_TGID);
	gone = !task || !atomic_read(&task->signal->live);
	rcu_read_unlock();
	if (gone)
		target_exited_locked(t);
}

/*
 * After an exec: would pagemap still let the subscriber in? Its ids
 * against the new program's, as ptrace_may_access() compares them for
 * PTRACE_MODE_READ_FSCREDS. A setuid program changes them even when
 * fs.suid_dumpable=1 leaves it dumpable. The LSMs, asked at subscribe
 * time, cannot be asked again here (atomic context, and their hook is not
 * exported): this errs only towards stopping.
 */
static bool sub_may_follow(const struct ps_sub *sub, struct task_struct *task,
			   bool dumpable)
{
	const struct cred *c = sub->cred, *tc;
	bool same;

	if (sub->may_ptrace)
		return true;
	rcu_read_lock();
	tc = __task_cred(task);
	same = uid_eq(c->fsuid, tc->euid) && uid_eq(c->fsuid, tc->suid) &&
	       uid_eq(c->fsuid, tc->uid) && gid_eq(c->fsgid, tc->egid) &&
	       gid_eq(c->fsgid, tc->sgid) && gid_eq(c->fsgid, tc->gid);
	rcu_read_unlock();
	return dumpable && same;
}

/*
 * @task's process now runs in @mm, the program it exec'd: each of its
 * targets follows it there, if its subscriber may still look. Heard twice
 * (watch_exec_missed() and the tracepoint) it is followed once: an exec
 * event only when a target moves.
 */
static void target_exec(struct task_struct *task, struct mm_struct *mm,
			bool dumpable)
{
	struct pid *pid = task_tgid(task);
	struct ps_target *t;

	if (!pid_watched(pid))
		return;
	spin_lock(&ps_lock);
	/* An mm a later exec has replaced: that exec's tracepoint follows. */
	if (READ_ONCE(task->mm) != mm)
		goto out;
	hash_for_each_possible(ps_pid_hash, t, pid_node, (unsigned long)pid) {
		struct ps_sub *sub = t->sub;
		struct ps_link *link = NULL;
		struct ps_mmw *mmw;

		if (t->pid != pid || test_bit(PS_TARGET_EXITED, &t->flags) ||
		    sub->ending)
			continue;
		/* A setuid program: pagemap would now refuse this subscriber. */
		if (!sub_may_follow(sub, task, dumpable)) {
			target_unlink_mm_locked(t);
			sub_end_locked(sub, PTSCOPE_END_ACCESS);
			continue;
		}
		if (t->mmw && t->mmw->mm == mm)
			continue;
		/* The link first: an mmw made for no target would stay. */
		link = kzalloc(sizeof(*link), GFP_ATOMIC);
		mmw = link ? mmw_get_locked(mm, NULL) : NULL;
		if (!mmw) {
			kfree(link);
			pr_warn_ratelimited("out of memory following an exec\n");
			target_unlink_mm_locked(t);
			sub_end_locked(sub, PTSCOPE_END_EXITED);
			continue;
		}
		target_unlink_mm_locked(t);
		link->t = t;
		t->link = link;
		target_link_locked(t, mmw);
		process_event(t, PTSCOPE_EV_EXEC, 0, 0);
	}
out:
	spin_unlock(&ps_lock);
}

void ps_target_exec(struct task_struct *task, bool dumpable)
{
	target_exec(task, task->mm, dumpable);
}

static struct ps_target *target_alloc(struct ps_sub *sub, struct pid *pid,
				      gfp_t gfp)
{
	struct ps_target *t = kzalloc(sizeof(*t), gfp);

	if (t)
		t->link = kzalloc(sizeof(*t->link), gfp);
	if (!t || !t->link) {
		kfree(t);
		return NULL;
	}
	t->sub = sub;
	t->pid = get_pid(pid);
	t->link->t = t;
	return t;
}

/* A target no probe can reach: unlinked, or never linked. */
static void target_free(struct ps_target *t)
{
	put_pid(t->pid);
	kfree(t->link);		/* NULL once unlinked: its own grace period */
	kfree(t);
}

/* Under ps_lock: the target joins its subscription, watching @mmw. */
static void target_add_locked(struct ps_target *t, struct ps_mmw *mmw)
{
	list_add_tail(&t->sub_node, &t->sub->targets);
	hash_add_rcu(ps_pid_hash, &t->pid_node, (unsigned long)t->pid);
	t->sub->nr_live++;
	atomic_long_inc(&nr_targets_live);
	target_link_locked(t, mmw);
}

void ps_target_fork(struct task_struct *parent, struct task_struct *child)
{
	struct pid *pid = task_tgid(parent);
	struct ps_target *t;

	if (!pid_watched(pid) || !child->mm)
		return;
	spin_lock(&ps_lock);
	hash_for_each_possible(ps_pid_hash, t, pid_node, (unsigned long)pid) {
		struct ps_sub *sub = t->sub;
		struct ps_target *nt;
		struct ps_mmw *mmw;
		u32 child_nr;

		if (t->pid != pid || test_bit(PS_TARGET_EXITED, &t->flags) ||
		    !(sub->flags & PTSCOPE_WATCH_F_CHILDREN) || sub->ending)
			continue;
		child_nr = pid_nr_ns(task_tgid(child), sub->pid_ns);
		nt = sub->nr_live < READ_ONCE(max_targets) ?
		     target_alloc(sub, task_tgid(child), GFP_ATOMIC) : NULL;
		mmw = nt ? mmw_get_locked(child->mm, NULL) : NULL;
		/* At the limit or out of memory: told of, never left unsaid. */
		if (!mmw) {
			if (nt)
				target_free(nt);
			process_event(t, PTSCOPE_EV_FORK, child_nr,
				      PTSCOPE_EV_F_UNFOLLOWED);
			continue;
		}
		target_add_locked(nt, mmw);
		process_event(t, PTSCOPE_EV_FORK, child_nr, 0);
	}
	spin_unlock(&ps_lock);
}

/* ---- delivery: the worker ---- */

static void sub_counts(struct ps_sub *sub, struct ptscope_counts *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	ps_rings_counts(&sub->rings, c);
	for (i = 0; i < PTSCOPE_EV_NR; i++) {
		c->delivered[i] = sub->delivered[i];
		c->dropped[i] += sub->lost[i];
	}
}

/*
 * A subscription ending while its socket stays full: what is still
 * buffered will never be sent, and is counted with the drops.
 */
static void sub_abandon(struct ps_sub *sub)
{
	u32 i;

	do {
		for (i = 0; i < sub->batch_n; i++)
			sub->lost[sub->batch[i].type]++;
		sub->batch_n = ps_rings_take(&sub->rings, sub->batch, BATCH,
					     &sub->seq);
	} while (sub->batch_n);
}

static bool sock_gone(struct ps_sub *sub)
{
	return sock_flag(sub->sk, SOCK_DEAD);
}

/*
 * The batches leave room in the reader's receive buffer for the end of
 * the watch, with its counts: a reader that stops reading still learns,
 * once it reads again, that the watch ended and what it lost. Netlink
 * queues a message only if all of it fits within rcvbuf (older kernels:
 * if the queue is within rcvbuf, however large the message), so the room
 * is a whole WATCH_END.
 */
static bool sock_would_fill(struct ps_sub *sub, const struct sk_buff *skb)
{
	const struct sock *sk = sub->sk;

	return atomic_read(&sk->sk_rmem_alloc) + skb->truesize + end_truesize >
	       READ_ONCE(sk->sk_rcvbuf);
}

/* The reader took a message: an ending subscription waits on for it. */
static void sub_progress(struct ps_sub *sub)
{
	if (sub->unlinked)
		sub->end_deadline = jiffies +
				    (READ_ONCE(ps_unloading) ? 0 : END_WAIT);
}

static int send_batch(struct ps_sub *sub)
{
	size_t bytes = sub->batch_n * sizeof(*sub->batch);
	struct ptscope_counts c;
	struct sk_buff *skb;
	struct nlattr *nla;
	void *hdr;
	u32 i;
	int err;

	sub_counts(sub, &c);
	for (i = 0; i < sub->batch_n; i++)
		c.delivered[sub->batch[i].type]++;

	skb = genlmsg_new(nla_total_size(bytes) + nla_total_size(sizeof(c)),
			  GFP_KERNEL);
	if (!skb)
		return -EAGAIN;		/* try again shortly */
	hdr = genlmsg_put(skb, 0, 0, &ptscope_family, 0, PTSCOPE_CMD_EVENTS);
	nla = hdr ? nla_reserve(skb, PTSCOPE_A_EVENTS, bytes) : NULL;
	if (!nla || nla_put(skb, PTSCOPE_A_COUNTS, sizeof(c), &c)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	memcpy(nla_data(nla), sub->batch, bytes);
	genlmsg_end(skb, hdr);

	if (sock_gone(sub)) {
		nlmsg_free(skb);
		return -ECONNREFUSED;
	}
	if (sock_would_fill(sub, skb)) {
		nlmsg_free(skb);
		return -EAGAIN;
	}
	err = genlmsg_unicast(sub->net, skb, sub->portid);
	if (err)
		return err;
	for (i = 0; i < sub->batch_n; i++)
		sub->delivered[sub->batch[i].type]++;
	sub->batch_n = 0;
	sub_progress(sub);
	return 0;
}

/* 0: rings empty; -EAGAIN: socket full; -EINPROGRESS: more to do. */
static int deliver(struct ps_sub *sub)
{
	int i, err;

	for (i = 0; i < RUN_BATCHES; i++) {
		if (!sub->batch_n) {
			WRITE_ONCE(sub->urgent, false);
			sub->batch_n = ps_rings_take(&sub->rings, sub->batch,
						     BATCH, &sub->seq);
			if (!sub->batch_n)
				return 0;
		}
		err = send_batch(sub);
		if (err)
			return err;
	}
	return -EINPROGRESS;
}

static int send_end(struct ps_sub *sub)
{
	struct ptscope_counts c;
	struct sk_buff *skb;
	void *hdr;

	sub_counts(sub, &c);
	skb = genlmsg_new(END_PAYLOAD, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &ptscope_family, 0, PTSCOPE_CMD_WATCH_END);
	if (!hdr || nla_put(skb, PTSCOPE_A_COUNTS, sizeof(c), &c) ||
	    nla_put_u8(skb, PTSCOPE_A_END_REASON, sub->end_reason)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	if (sock_gone(sub)) {
		nlmsg_free(skb);
		return -ECONNREFUSED;
	}
	return genlmsg_unicast(sub->net, skb, sub->portid);
}

static void target_free_rcu(struct rcu_head *rcu)
{
	target_free(container_of(rcu, struct ps_target, rcu));
}

/* Under ps_lock: out of every list a probe could find it through. */
static void target_unlink_locked(struct ps_target *t)
{
	target_unlink_mm_locked(t);
	hash_del_rcu(&t->pid_node);
	list_del(&t->sub_node);
	if (!test_and_set_bit(PS_TARGET_EXITED, &t->flags)) {
		atomic_long_dec(&nr_targets_live);
		t->sub->nr_live--;
	}
}

/* Frees the targets that exited (all of them, if @all). */
static void reap_targets(struct ps_sub *sub, bool all)
{
	struct ps_target *t, *next;
	LIST_HEAD(dead);

	spin_lock(&ps_lock);
	list_for_each_entry_safe(t, next, &sub->targets, sub_node) {
		if (!all && !test_bit(PS_TARGET_EXITED, &t->flags))
			continue;
		target_unlink_locked(t);
		list_add(&t->sub_node, &dead);
	}
	spin_unlock(&ps_lock);
	list_for_each_entry_safe(t, next, &dead, sub_node)
		call_rcu(&t->rcu, target_free_rcu);
}

static void counts_add(struct ptscope_counts *to, const struct ptscope_counts *c)
{
	int i;

	for (i = 0; i < PTSCOPE_EV_NR; i++) {
		to->occurred[i] += c->occurred[i];
		to->delivered[i] += c->delivered[i];
		to->dropped[i] += c->dropped[i];
	}
}

/* Releases what sub_alloc() took: alone for one never published. */
static void sub_discard(struct ps_sub *sub)
{
	put_cred(sub->cred);
	ps_release(&sub->held);
	ps_release(&sub->held_buffer);
	ps_rings_free(&sub->rings);
	kvfree(sub->batch);
	sock_put(sub->sk);
	put_net(sub->net);
	put_pid_ns(sub->pid_ns);
	kfree(sub);
}

/* From the subscription's own work, which it frees. */
static void sub_free(struct ps_sub *sub)
{
	struct ptscope_counts c;

	/*
	 * Out of the list first: the socket's release notifier finds
	 * subscriptions there and queues their work. Then nothing can.
	 */
	spin_lock(&ps_lock);
	list_del(&sub->node);
	nr_subs--;
	spin_unlock(&ps_lock);
	cancel_delayed_work(&sub->work);

	sub_counts(sub, &c);
	spin_lock(&ps_lock);
	counts_add(&ps_totals, &c);
	spin_unlock(&ps_lock);

	sub_discard(sub);
	ps_hooks_put();
	wake_up_all(&ps_subs_gone);
}

static void sub_work(struct work_struct *w)
{
	struct ps_sub *sub = container_of(to_delayed_work(w), struct ps_sub, work);
	bool ending, gone, reap;
	int err;

	spin_lock(&ps_lock);
	ending = sub->ending;
	gone = sub->gone;
	reap = sub->reap;
	sub->reap = false;
	spin_unlock(&ps_lock);

	if (ending && !sub->unlinked) {
		reap_targets(sub, true);
		/* No probe holds the subscription after this... */
		synchronize_rcu();
		/* ...nor a wake-up it raised. */
		irq_work_sync(&sub->kick);
		sub->unlinked = true;
		sub_progress(sub);
	} else if (reap) {
		reap_targets(sub, false);
	}

	if (!gone) {
		err = deliver(sub);
		if (err == -EINPROGRESS ||
		    (err == -EAGAIN && (!ending || time_before(jiffies, sub->end_deadline)))) {
			queue_delayed_work(ps_wq, &sub->work, err == -EAGAIN);
			return;
		}
		if (err && err != -EAGAIN)
			gone = true;
		else if (err)
			sub_abandon(sub);
	}
	if (!ending)
		return;
	if (!gone) {
		err = send_end(sub);
		if ((err == -EAGAIN || err == -ENOMEM) &&
		    time_before(jiffies, sub->end_deadline)) {
			queue_delayed_work(ps_wq, &sub->work, 1);
			return;
		}
	} else {
		/* No reader left: what it did not get counts as dropped. */
		sub_abandon(sub);
	}
	sub_free(sub);
}

/* ---- netlink ---- */

static struct ps_sub *find_sub_locked(struct net *net, u32 portid)
{
	struct ps_sub *sub;

	list_for_each_entry(sub, &ps_subs, node)
		if (sub->portid == portid && net_eq(sub->net, net) && !sub->ending)
			return sub;
	return NULL;
}

static unsigned int count_pids(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	unsigned int n = 0;
	int rem;

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem)
		n += nla_type(a) == PTSCOPE_A_PID;
	return n;
}

static struct ps_sub *sub_alloc(struct sk_buff *skb, struct genl_info *info,
				u32 size)
{
	struct nlattr **tb = info->attrs;
	struct ps_sub *sub = kzalloc(sizeof(*sub), GFP_KERNEL_ACCOUNT);
	int err;

	if (!sub)
		return ERR_PTR(-ENOMEM);
	/* Counted before allocated: past a limit, nothing big is tried. */
	err = ps_hold(&sub->held, PS_RES_SUBSCRIPTIONS, 1, info->extack);
	if (!err)
		err = ps_hold(&sub->held_buffer, PS_RES_BUFFER, size, info->extack);
	if (!err) {
		sub->batch = kvmalloc_array(BATCH, sizeof(*sub->batch),
					    GFP_KERNEL_ACCOUNT);
		err = sub->batch ? ps_rings_init(&sub->rings, size) : -ENOMEM;
	}
	if (err) {
		ps_release(&sub->held);
		ps_release(&sub->held_buffer);
		ps_rings_free(&sub->rings);
		kvfree(sub->batch);
		kfree(sub);
		return ERR_PTR(err);
	}
	sub->mask = tb[PTSCOPE_A_EVENT_MASK] ?
		    nla_get_u32(tb[PTSCOPE_A_EVENT_MASK]) : PTSCOPE_EVK_ALL;
	sub->flags = tb[PTSCOPE_A_WATCH_FLAGS] ?
		     nla_get_u32(tb[PTSCOPE_A_WATCH_FLAGS]) : 0;
	sub->net = get_net(genl_info_net(info));
	sub->sk = NETLINK_CB(skb).sk;
	sock_hold(sub->sk);
	sub->portid = info->snd_portid;
	sub->frames_visible = ptscope_frames_visible(skb);
	sub->may_ptrace = netlink_capable(skb, CAP_SYS_PTRACE);
	sub->cred = get_current_cred();
	sub->pid_ns = get_pid_ns(task_active_pid_ns(current));
	INIT_LIST_HEAD(&sub->targets);
	init_irq_work(&sub->kick, sub_kick);
	INIT_DELAYED_WORK(&sub->work, sub_work);
	return sub;
}

struct new_target {
	struct ps_target *t;
	struct ptscope_target tg;	/* the checked mm */
	struct pid *pid;
	struct ps_mmw *spare;
};

/* Resolves and checks each PTSCOPE_A_PID, with the access rules of walking. */
static int resolve_targets(struct sk_buff *skb, struct genl_info *info,
			   struct ps_sub *sub, struct new_target *nt,
			   unsigned int *nr)
{
	const struct nlattr *a;
	int rem, err;

	*nr = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		struct new_target *n = &nt[*nr];
		struct task_struct *task;
		unsigned int i;
		struct pid *pid;

		if (nla_type(a) != PTSCOPE_A_PID)
			continue;
		err = ptscope_target_get(skb, a, info->extack, &n->tg);
		if (err)
			return err;
		pid = find_get_pid(nla_get_u32(a));
		task = get_pid_task(pid, PIDTYPE_PID);
		put_pid(pid);
		if (!task || READ_ONCE(task->mm) != n->tg.mm) {
			if (task)
				put_task_struct(task);
			ptscope_target_put(&n->tg);
			NL_SET_ERR_MSG_ATTR(info->extack, a, "the process is gone");
			return -ESRCH;
		}
		n->t = target_alloc(sub, task_tgid(task), GFP_KERNEL_ACCOUNT);
		n->pid = get_pid(task_tgid(task));
		put_task_struct(task);
		n->spare = kzalloc(sizeof(*n->spare), GFP_KERNEL_ACCOUNT);
		++*nr;
		if (!n->t || !n->spare)
			return -ENOMEM;
		for (i = 0; i + 1 < *nr; i++) {
			if (nt[i].t->pid == n->t->pid) {
				NL_SET_ERR_MSG_ATTR(info->extack, a,
						    "this process is named twice (threads of one process count as one)");
				return -EINVAL;
			}
		}
	}
	return 0;
}

static void free_new_targets(struct new_target *nt, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (nt[i].t)
			target_free(nt[i].t);
		kfree(nt[i].spare);
		put_pid(nt[i].pid);
		ptscope_target_put(&nt[i].tg);
	}
}

/*
 * An exec between resolve_targets()'s look at the mm and the hashing of
 * the target went unheard: the tracepoint found the pid not watched. The
 * exec's mm switch is ordered before its tracepoint's look at the hash by
 * the full barrier of mmput() on the old mm (exec_mmap()); the caller's
 * smp_mb() orders the hashing before the look here. So each exec is seen
 * here, or by the tracepoint, or both (target_exec() follows it once).
 */
static void watch_exec_missed(const struct new_target *n)
{
	struct task_struct *task = get_pid_task(n->pid, PIDTYPE_TGID);
	struct mm_struct *mm = task ? get_task_mm(task) : NULL;

	if (mm && mm != n->tg.mm)
		target_exec(task, mm, get_dumpable(mm) == SUID_DUMP_USER);
	if (mm)
		mmput(mm);
	if (task)
		put_task_struct(task);
}

/*
 * Made before the subscription is published: from then on its worker may
 * end and free it at any moment (a target that has already exited).
 */
static struct sk_buff *watch_reply(struct genl_info *info,
				   const struct ps_sub *sub)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;

	if (!msg)
		return NULL;
	hdr = genlmsg_put_reply(msg, info, &ptscope_family, 0, PTSCOPE_CMD_WATCH);
	if (!hdr || nla_put_u32(msg, PTSCOPE_A_BUFFER, sub->rings.size) ||
	    (!sub->frames_visible && nla_put_flag(msg, PTSCOPE_A_FRAMES_HIDDEN))) {
		nlmsg_free(msg);
		return NULL;
	}
	genlmsg_end(msg, hdr);
	return msg;
}

/*
 * The reply could not be queued (the reader's socket is full): the caller
 * is told the request failed, so the subscription must not stand either.
 * Under ps_mutex, which every subscription is made under: a subscription
 * at @sub's address in the list is this one, not a later one.
 */
static void watch_unanswered(struct ps_sub *sub)
{
	struct ps_sub *s;

	spin_lock(&ps_lock);
	list_for_each_entry(s, &ps_subs, node) {
		if (s == sub) {
			sub->gone = true;
			sub_end_locked(sub, PTSCOPE_END_UNWATCH);
			break;
		}
	}
	spin_unlock(&ps_lock);
}

int ptscope_watch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *buf = info->attrs[PTSCOPE_A_BUFFER];
	u32 size = buf ? nla_get_u32(buf) : READ_ONCE(buffer_events);
	unsigned int i, nr, npids = count_pids(info->nlhdr);
	struct new_target *nt = NULL;
	struct sk_buff *reply = NULL;
	struct ps_target *t;
	struct ps_sub *sub;
	int err;

	if (!npids) {
		NL_SET_ERR_MSG(info->extack, "missing PTSCOPE_A_PID: which process?");
		return -EINVAL;
	}
	if (info->attrs[PTSCOPE_A_EVENT_MASK] &&
	    !nla_get_u32(info->attrs[PTSCOPE_A_EVENT_MASK])) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_EVENT_MASK],
				    "no event kinds chosen");
		return -EINVAL;
	}
	if (npids > PTSCOPE_WATCH_MAX_PIDS) {
		NL_SET_ERR_MSG(info->extack, "too many processes in one subscription");
		return -E2BIG;
	}
	size = roundup_pow_of_two(clamp_t(u32, size, PTSCOPE_BUFFER_MIN,
					  PTSCOPE_BUFFER_MAX));

	mutex_lock(&ps_mutex);
	err = -ESHUTDOWN;
	if (ps_unloading) {
		NL_SET_ERR_MSG(info->extack, "the module is being unloaded");
		goto unlock;
	}
	spin_lock(&ps_lock);
	err = find_sub_locked(genl_info_net(info), info->snd_portid) ? -EBUSY :
	      nr_subs >= READ_ONCE(max_subscriptions) ? -ENOSPC : 0;
	spin_unlock(&ps_lock);
	if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack,
			       "this socket already has a subscription: open another socket");
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(info->extack,
			       "too many subscriptions at once (module parameter max_subscriptions)");
	if (err)
		goto unlock;

	sub = sub_alloc(skb, info, size);
	if (IS_ERR(sub)) {
		err = PTR_ERR(sub);
		goto unlock;
	}
	err = -ENOMEM;
	reply = watch_reply(info, sub);
	nt = kcalloc(npids, sizeof(*nt), GFP_KERNEL);
	if (!nt || !reply)
		goto fail;
	err = resolve_targets(skb, info, sub, nt, &nr);
	if (err)
		goto fail;
	err = ps_hooks_get(info->extack);
	if (err)
		goto fail;

	spin_lock(&ps_lock);
	for (i = 0; i < nr; i++) {
		struct ps_mmw *mmw = mmw_get_locked(nt[i].tg.mm, &nt[i].spare);

		target_add_locked(nt[i].t, mmw);
		nt[i].t = NULL;
	}
	list_add_tail(&sub->node, &ps_subs);
	nr_subs++;
	list_for_each_entry(t, &sub->targets, sub_node)
		target_check_alive_locked(t);
	spin_unlock(&ps_lock);
	smp_mb();	/* the hashing above, before each look at an mm */
	for (i = 0; i < nr; i++)
		watch_exec_missed(&nt[i]);
	/* Notifiers attached before the reply: the client may act at once. */
	flush_work(&notifier_work);
	free_new_targets(nt, nr);
	kfree(nt);
	err = genlmsg_reply(reply, info);
	if (err)
		watch_unanswered(sub);
	mutex_unlock(&ps_mutex);
	return err;

fail:
	if (nt)
		free_new_targets(nt, nr);
	kfree(nt);
	nlmsg_free(reply);
	sub_discard(sub);
unlock:
	mutex_unlock(&ps_mutex);
	return err;
}

int ptscope_unwatch_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ps_sub *sub;

	spin_lock(&ps_lock);
	sub = find_sub_locked(genl_info_net(info), info->snd_portid);
	if (sub)
		sub_end_locked(sub, PTSCOPE_END_UNWATCH);
	spin_unlock(&ps_lock);
	if (!sub) {
		NL_SET_ERR_MSG(info->extack, "this socket watches nothing");
		return -ENOENT;
	}
	return 0;
}

static int put_counts(struct sk_buff *msg, int type, const struct ptscope_counts *c)
{
	return nla_put(msg, type, sizeof(*c), c);
}

static int put_sub(struct sk_buff *msg, struct ps_sub *sub, bool show_pids)
{
	struct nlattr *nest = nla_nest_start(msg, PTSCOPE_A_SUB);
	struct ptscope_counts c;
	struct ps_target *t;

	if (!nest)
		return -EMSGSIZE;
	sub_counts(sub, &c);
	if (nla_put_u32(msg, PTSCOPE_SUB_A_PORTID, sub->portid) ||
	    nla_put_u32(msg, PTSCOPE_SUB_A_EVENT_MASK, sub->mask) ||
	    nla_put_u32(msg, PTSCOPE_SUB_A_BUFFER, sub->rings.size) ||
	    nla_put_u32(msg, PTSCOPE_SUB_A_BUFFERED, ps_rings_used(&sub->rings)) ||
	    put_counts(msg, PTSCOPE_SUB_A_COUNTS, &c))
		return -EMSGSIZE;
	if (show_pids) {
		list_for_each_entry(t, &sub->targets, sub_node) {
			pid_t nr = pid_vnr(t->pid);

			if (!test_bit(PS_TARGET_EXITED, &t->flags) && nr &&
			    nla_put_u32(msg, PTSCOPE_SUB_A_PID, nr))
				return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_objects(struct sk_buff *msg)
{
	struct nlattr *nest = nla_nest_start(msg, PTSCOPE_A_OBJECTS);

	if (!nest ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_SUBS, nr_subs, PTSCOPE_OBJ_A_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_TARGETS,
			      atomic_long_read(&nr_targets_live), PTSCOPE_OBJ_A_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_MMS,
			      atomic_long_read(&nr_mmws), PTSCOPE_OBJ_A_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_NOTIFIERS,
			      atomic_long_read(&nr_notifiers), PTSCOPE_OBJ_A_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_REQUESTS,
			      ps_held_total(PS_RES_REQUESTS), PTSCOPE_OBJ_A_PAD) ||
	    nla_put_u64_64bit(msg, PTSCOPE_OBJ_A_USERS,
			      ps_users_charged(), PTSCOPE_OBJ_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int ptscope_stat_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool admin = netlink_capable(skb, CAP_SYS_ADMIN);
	struct sk_buff *msg = genlmsg_new(64 * 1024, GFP_KERNEL);
	struct ptscope_counts all, c;
	struct ps_sub *sub;
	void *hdr;
	int err = -EMSGSIZE;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptscope_family, 0, PTSCOPE_CMD_STAT);
	if (!hdr ||
	    nla_put_string(msg, PTSCOPE_A_VERSION, PTSCOPE_VERSION) ||
	    nla_put_string(msg, PTSCOPE_A_KERNEL, utsname()->release) ||
	    nla_put_u8(msg, PTSCOPE_A_PAGING_LEVELS, ptscope_paging_levels()) ||
	    nla_put_u32(msg, PTSCOPE_A_BUFFER,
			roundup_pow_of_two(clamp_t(u32, READ_ONCE(buffer_events),
						   PTSCOPE_BUFFER_MIN,
						   PTSCOPE_BUFFER_MAX))) ||
	    ps_hooks_put_stat(msg))
		goto fail;

	spin_lock(&ps_lock);
	all = ps_totals;
	err = put_objects(msg);
	list_for_each_entry(sub, &ps_subs, node) {
		bool own = sub->portid == info->snd_portid &&
			   net_eq(sub->net, genl_info_net(info));

		sub_counts(sub, &c);
		counts_add(&all, &c);
		if (!err && (admin || net_eq(sub->net, genl_info_net(info))))
			err = put_sub(msg, sub, admin || own);
	}
	spin_unlock(&ps_lock);
	if (err || put_counts(msg, PTSCOPE_A_COUNTS, &all)) {
		err = -EMSGSIZE;
		goto fail;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
fail:
	nlmsg_free(msg);
	return err;
}

/* A subscriber's socket closed: end its subscription without a word. */
static int netlink_event(struct notifier_block *nb, unsigned long state,
			 void *ptr)
{
	struct netlink_notify *n = ptr;
	struct ps_sub *sub;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	spin_lock(&ps_lock);
	list_for_each_entry(sub, &ps_subs, node) {
		if (sub->portid == n->portid && net_eq(sub->net, n->net)) {
			sub->gone = true;
			sub_end_locked(sub, PTSCOPE_END_UNWATCH);
		}
	}
	spin_unlock(&ps_lock);
	return NOTIFY_DONE;
}

static struct notifier_block netlink_nb = {
	.notifier_call = netlink_event,
};

int ptscope_watch_init(void)
{
	struct sk_buff *skb;
	int err;

	/* The size the allocator gives it, as send_end() will allocate it. */
	skb = genlmsg_new(END_PAYLOAD, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	end_truesize = skb->truesize;
	nlmsg_free(skb);

	ps_wq = alloc_workqueue("ptscope", WQ_UNBOUND, 0);
	if (!ps_wq)
		return -ENOMEM;
	err = netlink_register_notifier(&netlink_nb);
	if (err)
		destroy_workqueue(ps_wq);
	return err;
}

/*
 * Unload: no new subscriptions; every one is told (WATCH_END, reason
 * UNLOAD, if its socket has room) and freed, which detaches the hooks with
 * the last. Then the notifiers' own deferred frees, which call into this
 * module, are waited for.
 */
void ptscope_watch_exit(void)
{
	struct ps_sub *sub;

	mutex_lock(&ps_mutex);
	ps_unloading = true;
	mutex_unlock(&ps_mutex);

	spin_lock(&ps_lock);
	list_for_each_entry(sub, &ps_subs, node)
		sub_end_locked(sub, PTSCOPE_END_UNLOAD);
	spin_unlock(&ps_lock);
	wait_event(ps_subs_gone, ({
		bool empty;

		spin_lock(&ps_lock);
		empty = list_empty(&ps_subs);
		spin_unlock(&ps_lock);
		empty;
	}));
	/*
	 * The last subscription's work may still be in sub_free(), about to
	 * put the hooks and so queue their lingering detach: let it finish
	 * before ps_hooks_exit() cancels that.
	 */
	flush_workqueue(ps_wq);
	flush_work(&notifier_work);
	netlink_unregister_notifier(&netlink_nb);
	ps_hooks_exit();
	destroy_workqueue(ps_wq);
	rcu_barrier();			/* target_free_rcu(), kfree_rcu() */
	mmu_notifier_synchronize();	/* mn_free() */
}
