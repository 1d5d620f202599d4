// SPDX-License-Identifier: GPL-2.0
/*
 * Where events come from.
 *
 * Stable interfaces only: tracepoints, software perf events and the mmu
 * notifier. No kprobe, so nothing patches ftrace call sites in the fault
 * path while it runs:
 *
 *   fault       exceptions:page_fault_user/kernel as it enters (address,
 *               error code, the entry before) and the PAGE_FAULTS_MIN/MAJ
 *               perf events as mm_account_fault() counts it (the entry
 *               after); see "faults" below.
 *   tlb         tlb:tlb_flush: a local flush of a watched mm, after the
 *               IPIs its CPU sent for it, and on the CPUs that received
 *               them, that they flushed; the range is the one the mmu
 *               notifier was just told of (see local_flush()).
 *   swap, unmap an mmu_notifier on each watched mm: every invalidation with
 *               its kind; after a CLEAR, entries that became swap entries
 *               are swap-outs. Swap-ins are faults that found a swap entry.
 *   process     sched:sched_process_exec/fork/exit.
 *
 * Every probe first asks whether the mm is watched (one hash lookup) and
 * returns if not.
 */

#include <linux/cpuhotplug.h>
#include <linux/hash.h>
#include <linux/perf_event.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/binfmts.h>
#include <linux/compat.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>
#include <asm/tlbflush.h>
#include <asm/trap_pf.h>
#include "compat.h"
#include "hooks.h"
#include "walk.h"
#include "watch.h"

/* ---- why: the context a flush or invalidation happens in ---- */

static u8 reason_of_syscall(long nr)
{
	switch (nr) {
	case __NR_munmap:		return PTSCOPE_WHY_MUNMAP;
	case __NR_mprotect:
	case __NR_pkey_mprotect:	return PTSCOPE_WHY_MPROTECT;
	case __NR_madvise:
	case __NR_process_madvise:	return PTSCOPE_WHY_MADVISE;
	case __NR_mremap:		return PTSCOPE_WHY_MREMAP;
	case __NR_brk:			return PTSCOPE_WHY_BRK;
	case __NR_mmap:			return PTSCOPE_WHY_MMAP;
	case __NR_fork:
	case __NR_vfork:
	case __NR_clone:
	case __NR_clone3:		return PTSCOPE_WHY_FORK;
	case __NR_execve:
	case __NR_execveat:		return PTSCOPE_WHY_EXEC;
	case __NR_exit:
	case __NR_exit_group:		return PTSCOPE_WHY_EXIT;
	case __NR_move_pages:
	case __NR_migrate_pages:
	case __NR_mbind:		return PTSCOPE_WHY_MIGRATION;
	}
	return PTSCOPE_WHY_SYSCALL;
}

static u8 reason(void)
{
	struct task_struct *t = current;
	long nr;

	if (t->flags & PF_KSWAPD)
		return PTSCOPE_WHY_RECLAIM;
	if (t->flags & PF_KTHREAD) {
		if (!strncmp(t->comm, "khugepaged", 10))
			return PTSCOPE_WHY_KHUGEPAGED;
		if (!strncmp(t->comm, "kcompactd", 9))
			return PTSCOPE_WHY_COMPACTION;
		return PTSCOPE_WHY_KERNEL;
	}
	/*
	 * The system call says most (MADV_PAGEOUT reclaims, but asked to);
	 * entry code sets orig_ax to -1 for exceptions, so faults read < 0.
	 */
	nr = syscall_get_nr(t, task_pt_regs(t));
	if (nr >= 0 && !in_compat_syscall() &&
	    reason_of_syscall(nr) != PTSCOPE_WHY_SYSCALL)
		return reason_of_syscall(nr);
	if (t->flags & PF_MEMALLOC)		/* direct reclaim */
		return PTSCOPE_WHY_RECLAIM;
	if (t->flags & PF_EXITING)
		return PTSCOPE_WHY_EXIT;
	return nr < 0 ? PTSCOPE_WHY_FAULT : PTSCOPE_WHY_SYSCALL;
}

static void event_init(struct ptscope_event *ev, u8 type)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->time_ns = ktime_get_mono_fast_ns();
	ev->cpu = raw_smp_processor_id();
}

/* ---- faults ---- */

/*
 * A fault is seen twice, with no probe in the fault path's text:
 *
 *   entering   exceptions:page_fault_user/kernel, before the kernel looks
 *              at it: the address, the CPU's error code, and the entry as
 *              it was, kept in a slot of the watched mm for the task;
 *   counted    the PAGE_FAULTS_MIN/MAJ software perf events, which
 *              mm_account_fault() raises when the fault is done, as
 *              minflt/majflt are incremented: the entry as it is now.
 *
 * So the events are exactly the faults /proc/PID/stat counts, less those
 * get_user_pages() takes on the process's behalf (MAP_POPULATE, mlock,
 * ptrace), which raise no perf event. Faults that fail (SIGSEGV, SIGBUS,
 * OOM) are not counted, and not reported.
 *
 * Why not a kretprobe on handle_mm_fault(): attaching and detaching one
 * patches ftrace call sites while other CPUs fault through them, and on
 * 6.1 that returned a faulting task to address 0 (RIP 0, both CPUs).
 */

static bool fault_watched(struct ps_mmw *mmw)
{
	return mmw && (READ_ONCE(mmw->kinds) &
		       (PTSCOPE_EVK_FAULT | PTSCOPE_EVK_SWAP));
}

/*
 * A fault that fails without a signal (a kernel access that returns
 * -EFAULT) leaves its slot held until the task faults again; a task that
 * exits meanwhile, for good. No fault waits this long: such slots are free.
 */
#define SLOT_STALE	(10 * HZ)

/*
 * Slots are probed from one that depends on the task, so that a thread
 * usually finds its own at the first try: the scan runs twice per fault.
 */
static struct ps_fault_slot *slot_at(struct ps_mmw *mmw,
				     struct task_struct *task, unsigned int i)
{
	return &mmw->faults[(hash_ptr(task, PS_FAULT_SLOTS_BITS) + i) &
			    (PS_FAULT_SLOTS - 1)];
}

/*
 * The slot @task holds, or a free one claimed for it; NULL if all busy.
 * A slot the task still holds further along (its fault failed unseen) is
 * left to go stale: slot_find() meets the new one first.
 */
static struct ps_fault_slot *slot_claim(struct ps_mmw *mmw,
					struct task_struct *task)
{
	struct ps_fault_slot *s;
	unsigned int i;

	for (i = 0; i < PS_FAULT_SLOTS; i++) {
		struct task_struct *owner;

		s = slot_at(mmw, task, i);
		owner = READ_ONCE(s->task);
		if (owner == task)
			goto claimed;	/* an earlier fault that failed */
		if (owner)
			continue;
		/*
		 * Fresh before the claim is seen: a slot just claimed with
		 * its last owner's time would look stale, there to be taken.
		 */
		WRITE_ONCE(s->since, jiffies);
		if (!cmpxchg(&s->task, NULL, task))
			goto claimed;
	}
	for (i = 0; i < PS_FAULT_SLOTS; i++) {
		struct task_struct *owner;

		s = &mmw->faults[i];
		owner = READ_ONCE(s->task);
		smp_rmb();	/* the owner's time, as it claimed (cmpxchg) */
		if (time_after(jiffies, READ_ONCE(s->since) + SLOT_STALE) &&
		    cmpxchg(&s->task, owner, task) == owner)
			goto claimed;
	}
	return NULL;
claimed:
	WRITE_ONCE(s->since, jiffies);
	return s;
}

static struct ps_fault_slot *slot_find(struct ps_mmw *mmw,
				       struct task_struct *task)
{
	struct ps_fault_slot *s;
	unsigned int i;

	for (i = 0; i < PS_FAULT_SLOTS; i++) {
		s = slot_at(mmw, task, i);
		if (READ_ONCE(s->task) == task)
			return s;
	}
	return NULL;
}

static void probe_fault_entry(void *data, unsigned long address,
			      struct pt_regs *regs, unsigned long error_code)
{
	struct mm_struct *mm = current->mm;
	struct ps_fault_slot *s;
	struct ps_mmw *mmw;
	struct ptscope_walk w;

	/* Faults the kernel will not handle: no count follows them. */
	if (!mm || address >= TASK_SIZE_MAX || pagefault_disabled() || !in_task())
		return;
	rcu_read_lock();
	mmw = ps_mmw_find(mm);
	if (!fault_watched(mmw))
		goto out;
	s = slot_claim(mmw, current);
	if (!s)
		goto out;	/* the event will say its entry was unseen */
	s->address = address;
	s->error_code = error_code;
	s->before = PTSCOPE_STATE_NONE;
	if (ptscope_peek_leaf(mm, address, &w)) {
		s->before = w.state;
		s->before_pfn = w.pfn;
		s->before_swap_type = w.leaf.swap_type;
		s->before_swap_offset = w.leaf.frame;
		s->before_leaf_flags = w.leaf.flags;
	}
out:
	rcu_read_unlock();
}

static u8 fault_outcome(const struct ps_fault_slot *s,
			const struct ptscope_walk *after, bool major)
{
	if (s && (s->before == PTSCOPE_STATE_PRESENT ||
		  s->before == PTSCOPE_STATE_PROTNONE) &&
	    after->state == PTSCOPE_STATE_PRESENT) {
		if (after->pfn != s->before_pfn)
			return (s->error_code & X86_PF_WRITE) ?
				PTSCOPE_FAULT_COW : PTSCOPE_FAULT_MINOR;
		return PTSCOPE_FAULT_PROTECTION;
	}
	return major ? PTSCOPE_FAULT_MAJOR : PTSCOPE_FAULT_MINOR;
}

/*
 * @failed: the signal a failed fault raised (SIGSEGV, SIGBUS), or 0 for
 * one the kernel counted.
 */
static void fault_event(struct ps_mmw *mmw, struct mm_struct *mm,
			unsigned long address, bool major, bool user, int failed)
{
	struct ptscope_walk w;
	struct ps_fault_slot *s;
	struct ptscope_event ev;

	s = slot_find(mmw, current);
	if (s && (s->address ^ address) >= PAGE_SIZE) {
		WRITE_ONCE(s->task, NULL);	/* stale: its fault failed */
		s = NULL;
	}
	if (!ptscope_peek_leaf(mm, address, &w))
		w.state = PTSCOPE_STATE_NONE;
	if (s && s->before == PTSCOPE_STATE_NO_VMA)
		w.state = PTSCOPE_STATE_NO_VMA;		/* and still is */

	event_init(&ev, PTSCOPE_EV_FAULT);
	ev.va = address;
	ev.flags = (failed ? 0 : PTSCOPE_EV_F_COUNTED) |
		   (major ? PTSCOPE_EV_F_MAJOR : 0) |
		   (user ? PTSCOPE_EV_F_USER : 0);
	if (failed)
		ev.outcome = failed == SIGBUS ? PTSCOPE_FAULT_SIGBUS :
						PTSCOPE_FAULT_SIGSEGV;
	else
		ev.outcome = fault_outcome(s, &w, major);
	ev.after = w.state;
	ev.pfn = ptscope_state_has_pfn(w.state) ? w.pfn : 0;
	ev.page_shift = w.page_shift;
	ev.bits = w.leaf.bits;
	if (s) {
		ev.flags |= PTSCOPE_EV_F_ERROR_CODE |
			    (s->error_code & X86_PF_WRITE ? PTSCOPE_EV_F_WRITE : 0) |
			    (s->error_code & X86_PF_INSTR ? PTSCOPE_EV_F_EXEC : 0);
		ev.error_code = s->error_code;
		ev.before = s->before;
		ev.old_pfn = ptscope_state_has_pfn(s->before) ? s->before_pfn : 0;
		if (s->before == PTSCOPE_STATE_SWAP) {
			ev.swap_type = s->before_swap_type;
			ev.swap_offset = s->before_swap_offset;
		}
	} else {
		ev.flags |= PTSCOPE_EV_F_ENTRY_UNSEEN;
	}
	ps_emit(mmw, &ev);
	if (s && !failed && s->before == PTSCOPE_STATE_SWAP &&
	    w.state == PTSCOPE_STATE_PRESENT) {
		ev.type = PTSCOPE_EV_SWAP_IN;
		if (s->before_leaf_flags & PTSCOPE_LEAF_F_SWAPCACHE)
			ev.flags |= PTSCOPE_EV_F_SWAPCACHE;
		ps_emit(mmw, &ev);
	}
	if (s)
		WRITE_ONCE(s->task, NULL);
}

/* The perf overflow handler: in the faulting task, preemption off. */
static void fault_counted(struct perf_event *event,
			  struct perf_sample_data *data, struct pt_regs *regs)
{
	struct mm_struct *mm = current->mm;
	struct ps_mmw *mmw;

	if (!mm)
		return;
	rcu_read_lock();
	mmw = ps_mmw_find(mm);
	if (fault_watched(mmw))
		fault_event(mmw, mm, data->addr,
			    event->attr.config == PERF_COUNT_SW_PAGE_FAULTS_MAJ,
			    user_mode(regs), 0);
	rcu_read_unlock();
}

/*
 * A fault that fails is not counted; the arch handler sends the task
 * SIGSEGV or SIGBUS for it, at its address, under the siglock. Only a
 * fault seen entering is reported so: a signal alone may be anyone's.
 */
static void probe_signal(void *data, int sig, struct kernel_siginfo *info,
			 struct task_struct *task, int group, int result)
{
	struct mm_struct *mm = current->mm;
	unsigned long address;
	struct ps_mmw *mmw;

	if ((sig != SIGSEGV && sig != SIGBUS) || task != current || !mm ||
	    info == SEND_SIG_NOINFO || info == SEND_SIG_PRIV ||
	    info->si_code <= 0)
		return;
	address = (unsigned long)info->si_addr;
	rcu_read_lock();
	mmw = ps_mmw_find(mm);
	if (fault_watched(mmw)) {
		struct ps_fault_slot *s = slot_find(mmw, current);

		if (s && !((s->address ^ address) & PAGE_MASK)) {
			/* The one thing the tables could not tell. */
			if (sig == SIGSEGV && info->si_code == SEGV_MAPERR)
				s->before = PTSCOPE_STATE_NO_VMA;
			fault_event(mmw, mm, s->address, false,
				    s->error_code & X86_PF_USER, sig);
		}
	}
	rcu_read_unlock();
}

/*
 * One counter per CPU and kind, system-wide, with a period of one: every
 * count calls fault_counted().
 *
 * Making or releasing a software perf event takes cpus_read_lock() (for
 * its static key), which a CPU hotplug callback must not: bringing a CPU
 * up or down holds that lock for writing while the callbacks run, and the
 * callback would wait on it for ever (lockdep: recursive cpu_hotplug_lock).
 * So the hotplug state only marks the CPU and queues fault_sync_work,
 * which brings the counters in line once the operation is over: one per
 * online CPU, a fresh one for a CPU that came back (perf detached the old
 * one when it went). Until then, faults on a CPU just brought up are not
 * seen; a subscription made afterwards waits for the work.
 */
static const u64 fault_counters[] = {
	PERF_COUNT_SW_PAGE_FAULTS_MIN, PERF_COUNT_SW_PAGE_FAULTS_MAJ,
};

static DEFINE_PER_CPU(struct perf_event *, fault_perf[ARRAY_SIZE(fault_counters)]);
static int fault_cpuhp_state = -1;
static DEFINE_MUTEX(fault_perf_mutex);	/* not hooks_mutex: detach() waits for the work */
static bool fault_counting;		/* under fault_perf_mutex */
static struct cpumask fault_renew;	/* CPUs that went down or came up */

static void fault_perf_release(unsigned int cpu)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_counters); i++) {
		struct perf_event **e = per_cpu_ptr(&fault_perf[i], cpu);

		if (*e)
			perf_event_release_kernel(*e);
		*e = NULL;
	}
}

static int fault_perf_create(unsigned int cpu)
{
	struct perf_event_attr attr = {
		.type		= PERF_TYPE_SOFTWARE,
		.size		= sizeof(attr),
		.sample_period	= 1,
		.pinned		= 1,
	};
	struct perf_event *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fault_counters); i++) {
		if (*per_cpu_ptr(&fault_perf[i], cpu))
			continue;
		attr.config = fault_counters[i];
		e = perf_event_create_kernel_counter(&attr, cpu, NULL,
						     fault_counted, NULL);
		if (IS_ERR(e)) {
			fault_perf_release(cpu);
			return PTR_ERR(e);
		}
		*per_cpu_ptr(&fault_perf[i], cpu) = e;
	}
	return 0;
}

/*
 * Under fault_perf_mutex, not cpus_read_lock(): a CPU's state may change
 * meanwhile, and its hotplug callback then queues the work again.
 */
static int fault_counters_sync(void)
{
	unsigned int cpu;
	int err = 0;

	for_each_possible_cpu(cpu) {
		int ret = 0;

		if (cpumask_test_and_clear_cpu(cpu, &fault_renew) ||
		    !fault_counting)
			fault_perf_release(cpu);
		if (fault_counting && cpu_online(cpu))
			ret = fault_perf_create(cpu);
		/* ENODEV: it went down meanwhile. */
		if (ret && ret != -ENODEV && !err)
			err = ret;
	}
	return err;
}

static void fault_sync_fn(struct work_struct *w)
{
	int err;

	mutex_lock(&fault_perf_mutex);
	err = fault_counters_sync();
	mutex_unlock(&fault_perf_mutex);
	if (err)
		pr_warn_ratelimited("cannot count page faults on a CPU brought up: %d\n",
				    err);
}

static DECLARE_WORK(fault_sync_work, fault_sync_fn);

static int fault_cpu_changed(unsigned int cpu)
{
	cpumask_set_cpu(cpu, &fault_renew);
	queue_work(system_unbound_wq, &fault_sync_work);
	return 0;
}

static int fault_counters_attach(void)
{
	int ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "ptscope:faults",
					    fault_cpu_changed, fault_cpu_changed);

	if (ret < 0)
		return ret;
	fault_cpuhp_state = ret;
	mutex_lock(&fault_perf_mutex);
	fault_counting = true;
	ret = fault_counters_sync();
	mutex_unlock(&fault_perf_mutex);
	return ret;
}

static void fault_counters_detach(void)
{
	if (fault_cpuhp_state < 0)
		return;
	cpuhp_remove_state_nocalls(fault_cpuhp_state);
	fault_cpuhp_state = -1;
	cancel_work_sync(&fault_sync_work);
	mutex_lock(&fault_perf_mutex);
	fault_counting = false;
	fault_counters_sync();
	mutex_unlock(&fault_perf_mutex);
}

/* A CPU brought up before a subscription counts that subscription's faults. */
static void fault_counters_settle(void)
{
	flush_work(&fault_sync_work);
}

/* ---- TLB flushes ---- */

/*
 * Not a probe on flush_tlb_mm_range(): text_poke() calls it, with a
 * temporary mm loaded, to patch kernel text, and a kprobe there crashed
 * the kernel while ftrace or a jump label was being patched (tests/090).
 * The tlb:tlb_flush tracepoint sees the same flushes: on the flushing CPU
 * (a local flush of its loaded mm, after the IPIs it sent for it) and on
 * every CPU the IPIs reached. It does not name the range; the range comes
 * from the mmu notifier's invalidation of the watched mm just before, on
 * this CPU (munmap, mprotect, madvise, COW, migration, reclaim all
 * invalidate first); a flush with none is reported with its range unknown.
 */
struct flush_stash {
	struct mm_struct *mm;
	unsigned long start, end;
	u8 tables[2];		/* above start and end - 1, when invalidated */
	/*
	 * This CPU sent IPIs for a flush, from @ipi_task before its
	 * @ipi_switches-th context switch. flush_tlb_mm_range() flushes
	 * locally, if at all, in the same preemption-off section: a local
	 * flush by another task, or after a switch, is not that flush's.
	 * Nor is one of an mm no other CPU has loaded: the mark names no mm,
	 * and the same task may have sent IPIs for another process's
	 * (reclaim, process_madvise()) just before flushing its own.
	 */
	bool ipi;
	struct task_struct *ipi_task;
	unsigned long ipi_switches;
};

static DEFINE_PER_CPU(struct flush_stash, flush_stash);

/*
 * How many tables a walk of @va goes through: fewer after the flush than
 * at the invalidation means free_pgtables() took some away in between,
 * the page-table pages the flush is for (mmu_gather's freed_tables).
 */
static u8 tables_above(struct mm_struct *mm, unsigned long va)
{
	struct ptscope_walk w;
	unsigned int i;
	u8 n = 0;

	if (!ptscope_peek(mm, NULL, va, &w))
		return 0;
	for (i = 0; i < w.nr_levels; i++)
		n += w.level[i].kind == PTSCOPE_ENTRY_TABLE;
	return n;
}

static void stash_range(struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	u8 above_start = tables_above(mm, start);
	u8 above_end = tables_above(mm, end - PAGE_SIZE);
	struct flush_stash *f = get_cpu_ptr(&flush_stash);

	f->mm = mm;
	f->start = start;
	f->end = end;
	f->tables[0] = above_start;
	f->tables[1] = above_end;
	put_cpu_ptr(&flush_stash);
}

/* A local flush of @mm, this CPU's loaded mm, with IRQs off. */
static void local_flush(struct mm_struct *mm)
{
	struct flush_stash *f = this_cpu_ptr(&flush_stash);
	int cpu = smp_processor_id();
	struct ptscope_event ev;
	struct ps_mmw *mmw;

	rcu_read_lock();
	mmw = ps_mmw_find(mm);
	if (!mmw || !(READ_ONCE(mmw->kinds) & PTSCOPE_EVK_TLB))
		goto out;
	event_init(&ev, PTSCOPE_EV_TLB_FLUSH);
	if (f->mm == mm) {
		ev.va = f->start;
		ev.end = f->end;
		ev.page_shift = PAGE_SHIFT;
		if (tables_above(mm, f->start) < f->tables[0] ||
		    tables_above(mm, f->end - PAGE_SIZE) < f->tables[1])
			ev.flags |= PTSCOPE_EV_F_FREED_TABLES;
		f->mm = NULL;		/* one flush per invalidation */
	} else {
		ev.flags |= PTSCOPE_EV_F_RANGE_UNKNOWN;
	}
	ev.reason = reason();
	ev.count = cpumask_weight(mm_cpumask(mm)) -
		   cpumask_test_cpu(cpu, mm_cpumask(mm));
	if (f->ipi && ev.count && f->ipi_task == current &&
	    f->ipi_switches == current->nvcsw + current->nivcsw)
		ev.flags |= PTSCOPE_EV_F_IPI;
	if (!(current->flags & PF_KTHREAD) && current->mm != mm)
		ev.flags |= PTSCOPE_EV_F_REMOTE;
	ps_emit(mmw, &ev);
out:
	rcu_read_unlock();
	f->ipi = false;
}

/*
 * Every CPU calls this often (TLB_FLUSH_ON_TASK_SWITCH, from inside the
 * scheduler): it must stay this small, and may only write its rings.
 */
static void probe_tlb_flush(void *data, int why, unsigned long pages)
{
	struct mm_struct *mm;
	struct ptscope_event ev;
	struct ps_mmw *mmw;

	if (why == TLB_REMOTE_SEND_IPI) {
		this_cpu_write(flush_stash.ipi, true);
		this_cpu_write(flush_stash.ipi_task, current);
		this_cpu_write(flush_stash.ipi_switches,
			       current->nvcsw + current->nivcsw);
		return;
	}
	/* In flush_tlb_func(): the mm it flushed is this CPU's loaded one. */
	mm = current->active_mm;
	if (why == TLB_LOCAL_MM_SHOOTDOWN) {
		local_flush(mm);
		return;
	}
	if (why != TLB_REMOTE_SHOOTDOWN)
		return;
	/* In the IPI handler: the mm whose entries this CPU just dropped. */
	rcu_read_lock();
	mmw = ps_mmw_find(mm);
	if (mmw && (READ_ONCE(mmw->kinds) & PTSCOPE_EVK_TLB)) {
		event_init(&ev, PTSCOPE_EV_TLB_SHOOTDOWN);
		ev.count = pages == TLB_FLUSH_ALL ? U32_MAX :
			   min_t(unsigned long, pages, U32_MAX - 1);
		ps_emit(mmw, &ev);
	}
	rcu_read_unlock();
}

/* ---- swap-out and invalidations: the mmu_notifier ---- */

static u8 invalidate_kind(const struct mmu_notifier_range *range)
{
	switch (range->event) {
	case MMU_NOTIFY_UNMAP:		  return PTSCOPE_INV_UNMAP;
	case MMU_NOTIFY_CLEAR:		  return PTSCOPE_INV_CLEAR;
	case MMU_NOTIFY_PROTECTION_VMA:	  return PTSCOPE_INV_PROTECTION_VMA;
	case MMU_NOTIFY_PROTECTION_PAGE:  return PTSCOPE_INV_PROTECTION_PAGE;
	case MMU_NOTIFY_SOFT_DIRTY:	  return PTSCOPE_INV_SOFT_DIRTY;
	case MMU_NOTIFY_RELEASE:	  return PTSCOPE_INV_RELEASE;
#ifdef PTSCOPE_HAVE_MMU_NOTIFY_MIGRATE
	case MMU_NOTIFY_MIGRATE:	  return PTSCOPE_INV_MIGRATE;
#endif
#ifdef PTSCOPE_HAVE_MMU_NOTIFY_EXCLUSIVE
	case MMU_NOTIFY_EXCLUSIVE:	  return PTSCOPE_INV_EXCLUSIVE;
#endif
	}
	return PTSCOPE_INV_OTHER;
}

static int mn_start(struct mmu_notifier *mn,
		    const struct mmu_notifier_range *range)
{
	struct ptscope_event ev;
	struct ps_mmw *mmw;
	u32 kinds;

	rcu_read_lock();
	mmw = ps_mmw_find(mn->mm);
	kinds = mmw ? READ_ONCE(mmw->kinds) : 0;
	if (kinds & PTSCOPE_EVK_TLB)
		stash_range(mn->mm, range->start, range->end);
	if (kinds & PTSCOPE_EVK_UNMAP) {
		event_init(&ev, PTSCOPE_EV_INVALIDATE);
		ev.va = range->start;
		ev.end = range->end;
		ev.outcome = invalidate_kind(range);
		ev.reason = reason();
		ps_emit(mmw, &ev);
	}
	rcu_read_unlock();
	return 0;
}

/*
 * Reclaim unmaps one folio per CLEAR (try_to_unmap_one()): a swap-out is
 * an entry that is a swap entry once the range is done. Larger CLEARs are
 * zaps (MADV_DONTNEED), which leave nothing behind, and are not walked.
 */
#define SWAP_OUT_MAX_PAGES	(PMD_SIZE >> PAGE_SHIFT)

static void mn_end(struct mmu_notifier *mn,
		   const struct mmu_notifier_range *range)
{
	struct ptscope_event ev;
	struct ptscope_walk w;
	struct ps_mmw *mmw;
	unsigned long va;

	if (range->event != MMU_NOTIFY_CLEAR ||
	    (range->end - range->start) >> PAGE_SHIFT > SWAP_OUT_MAX_PAGES)
		return;
	rcu_read_lock();
	mmw = ps_mmw_find(mn->mm);
	if (!mmw || !(READ_ONCE(mmw->kinds) & PTSCOPE_EVK_SWAP))
		goto out;
	for (va = range->start; va < range->end; va += PAGE_SIZE) {
		if (!ptscope_peek_leaf(mn->mm, va, &w) ||
		    w.state != PTSCOPE_STATE_SWAP)
			continue;
		event_init(&ev, PTSCOPE_EV_SWAP_OUT);
		ev.va = va;
		ev.swap_type = w.leaf.swap_type;
		ev.swap_offset = w.leaf.frame;
		ev.reason = reason();
		if (w.leaf.flags & PTSCOPE_LEAF_F_SWAPCACHE)
			ev.flags |= PTSCOPE_EV_F_SWAPCACHE;
		ps_emit(mmw, &ev);
	}
out:
	rcu_read_unlock();
}

static struct mmu_notifier *mn_alloc(struct mm_struct *mm)
{
	struct mmu_notifier *mn = kzalloc(sizeof(*mn), GFP_KERNEL);

	return mn ? mn : ERR_PTR(-ENOMEM);
}

static void mn_free(struct mmu_notifier *mn)
{
	kfree(mn);
}

const struct mmu_notifier_ops ps_mn_ops = {
	.invalidate_range_start	= mn_start,
	.invalidate_range_end	= mn_end,
	.alloc_notifier		= mn_alloc,
	.free_notifier		= mn_free,
};

/* ---- the process: exec, fork, exit ---- */

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	ps_target_exec(p, get_dumpable(p->mm) == SUID_DUMP_USER);
}

static void probe_fork(void *data, struct task_struct *parent,
		       struct task_struct *child)
{
	if (thread_group_leader(child))
		ps_target_fork(parent, child);
}

static void probe_exit(void *data, struct task_struct *p)
{
	/* Only when the last thread of the group goes. */
	if (!atomic_read(&p->signal->live))
		ps_target_exit(p);
}

/* ---- attaching ---- */

struct tp_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
	u32 kinds;
	bool active;
};

static struct tp_hook tp_hooks[] = {
	{ "page_fault_user", probe_fault_entry, NULL, PTSCOPE_EVK_FAULT | PTSCOPE_EVK_SWAP },
	{ "page_fault_kernel", probe_fault_entry, NULL, PTSCOPE_EVK_FAULT | PTSCOPE_EVK_SWAP },
	{ "signal_generate", probe_signal, NULL, PTSCOPE_EVK_FAULT },
	{ "tlb_flush", probe_tlb_flush, NULL, PTSCOPE_EVK_TLB },
	{ "sched_process_exec", probe_exec, NULL, PTSCOPE_EVK_PROCESS },
	{ "sched_process_fork", probe_fork, NULL, PTSCOPE_EVK_PROCESS },
	{ "sched_process_exit", probe_exit, NULL, PTSCOPE_EVK_PROCESS },
};

static DEFINE_MUTEX(hooks_mutex);
static unsigned int hooks_users;

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tp_hooks); i++)
		if (!strcmp(tp->name, tp_hooks[i].name))
			tp_hooks[i].tp = tp;
}

static void detach(void)
{
	size_t i;

	fault_counters_detach();
	for (i = 0; i < ARRAY_SIZE(tp_hooks); i++) {
		if (tp_hooks[i].active)
			tracepoint_probe_unregister(tp_hooks[i].tp,
						    tp_hooks[i].probe, NULL);
		tp_hooks[i].active = false;
	}
	/* No probe of ours runs, or will, once this returns. */
	tracepoint_synchronize_unregister();
}

static int attach(struct netlink_ext_ack *extack)
{
	size_t i;
	int err;

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(tp_hooks); i++) {
		if (!tp_hooks[i].tp)
			continue;
		err = tracepoint_probe_register(tp_hooks[i].tp,
						tp_hooks[i].probe, NULL);
		if (err)
			pr_warn("cannot attach to tracepoint %s: %d\n",
				tp_hooks[i].name, err);
		tp_hooks[i].active = !err;
	}
	err = fault_counters_attach();
	if (err) {
		pr_warn("cannot count page faults with perf events: %d\n", err);
		NL_SET_ERR_MSG(extack,
			       "cannot count page faults (software perf events unavailable)");
		detach();
	}
	return err;
}

/*
 * Attaching and detaching patch kernel text (ftrace call sites, static
 * calls) on a live system, each time with a grace period or two. The hooks
 * are therefore kept for a while after the last subscription ends, so that
 * watch after watch (a lab, a test suite, a script) patches once; an idle
 * module detaches and unwatched processes go back to paying nothing.
 */
/*
 * By default they stay until the module is unloaded. Patching the fault
 * path while other CPUs run it is what the kernel does for every static
 * key, but under QEMU's multi-threaded TCG a detach in the middle of a
 * fault storm left both vCPUs looping on the int3 of perf's static key in
 * handle_mm_fault() (tests/vm/run, PTSCOPE_VM_ACCEL): patch as rarely as
 * possible, and let whoever wants unwatched processes to pay nothing say
 * how soon.
 */
#define LINGER_UNTIL_UNLOAD	UINT_MAX
static unsigned int hooks_linger_ms = LINGER_UNTIL_UNLOAD;
module_param(hooks_linger_ms, uint, 0644);
MODULE_PARM_DESC(hooks_linger_ms, "How long the hooks stay attached after the last subscription ends (ms; 4294967295: until unload)");

static bool attached;

static void linger_fn(struct work_struct *w)
{
	mutex_lock(&hooks_mutex);
	if (attached && !hooks_users) {
		detach();
		attached = false;
	}
	mutex_unlock(&hooks_mutex);
}

static DECLARE_DELAYED_WORK(linger_work, linger_fn);

int ps_hooks_get(struct netlink_ext_ack *extack)
{
	int err = 0;

	mutex_lock(&hooks_mutex);
	if (!attached) {
		err = attach(extack);
		attached = !err;
	}
	if (!err)
		hooks_users++;
	mutex_unlock(&hooks_mutex);
	if (!err)
		fault_counters_settle();
	return err;
}

void ps_hooks_put(void)
{
	mutex_lock(&hooks_mutex);
	if (!--hooks_users && READ_ONCE(hooks_linger_ms) != LINGER_UNTIL_UNLOAD)
		mod_delayed_work(system_wq, &linger_work,
				 msecs_to_jiffies(READ_ONCE(hooks_linger_ms)));
	mutex_unlock(&hooks_mutex);
}

int ps_hooks_put_stat(struct sk_buff *skb)
{
	struct nlattr *nest;
	size_t i;
	int err = 0;

	mutex_lock(&hooks_mutex);
	nest = nla_nest_start(skb, PTSCOPE_A_HOOK);
	err = !nest ||
	      nla_put_u32(skb, PTSCOPE_HOOK_A_KINDS,
			  PTSCOPE_EVK_FAULT | PTSCOPE_EVK_SWAP) ||
	      nla_put_string(skb, PTSCOPE_HOOK_A_NAME,
			     "perf:page-faults-min,page-faults-maj") ||
	      (fault_cpuhp_state >= 0 &&
	       nla_put_flag(skb, PTSCOPE_HOOK_A_ACTIVE));
	if (!err)
		nla_nest_end(skb, nest);
	for (i = 0; !err && i < ARRAY_SIZE(tp_hooks); i++) {
		char name[64];

		snprintf(name, sizeof(name), "tracepoint:%s", tp_hooks[i].name);
		nest = nla_nest_start(skb, PTSCOPE_A_HOOK);
		err = !nest ||
		      nla_put_u32(skb, PTSCOPE_HOOK_A_KINDS, tp_hooks[i].kinds) ||
		      nla_put_string(skb, PTSCOPE_HOOK_A_NAME, name) ||
		      (tp_hooks[i].active &&
		       nla_put_flag(skb, PTSCOPE_HOOK_A_ACTIVE));
		if (!err)
			nla_nest_end(skb, nest);
	}
	if (!err) {
		nest = nla_nest_start(skb, PTSCOPE_A_HOOK);
		err = !nest ||
		      nla_put_u32(skb, PTSCOPE_HOOK_A_KINDS,
				  PTSCOPE_EVK_SWAP | PTSCOPE_EVK_UNMAP) ||
		      nla_put_string(skb, PTSCOPE_HOOK_A_NAME, "mmu_notifier") ||
		      (hooks_users && nla_put_flag(skb, PTSCOPE_HOOK_A_ACTIVE));
		if (!err)
			nla_nest_end(skb, nest);
	}
	mutex_unlock(&hooks_mutex);
	return err ? -EMSGSIZE : 0;
}

/* After the last subscription is gone: nothing takes the hooks again. */
void ps_hooks_exit(void)
{
	cancel_delayed_work_sync(&linger_work);
	mutex_lock(&hooks_mutex);
	if (attached)
		detach();
	attached = false;
	mutex_unlock(&hooks_mutex);
}
