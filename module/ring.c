// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU event buffers of a subscription.
 *
 * Probes run in atomic context, often with page-table or rmap locks held:
 * they may not allocate, sleep or wake anyone. They copy the event into
 * their CPU's ring or, when it is full, count it as dropped by type. The
 * sequence number is taken in the same interrupts-off section, so a ring
 * holds increasing numbers and every number is either queued or counted:
 * gaps in what a client receives are exactly the drops.
 */

#include <linux/mm.h>
#include "ring.h"

int ps_rings_init(struct ps_rings *r, u32 size)
{
	int cpu;

	r->size = size;
	r->cpu = alloc_percpu(struct ps_ring);
	if (!r->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);

		raw_spin_lock_init(&ring->lock);
		ring->ev = kvcalloc(size, sizeof(*ring->ev),
				    GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!ring->ev) {
			ps_rings_free(r);
			return -ENOMEM;
		}
	}
	return 0;
}

void ps_rings_free(struct ps_rings *r)
{
	int cpu;

	if (!r->cpu)
		return;
	for_each_possible_cpu(cpu)
		kvfree(per_cpu_ptr(r->cpu, cpu)->ev);
	free_percpu(r->cpu);
	r->cpu = NULL;
}

enum ps_put ps_rings_put(struct ps_rings *r, struct ptscope_event *ev,
			 atomic64_t *seq)
{
	enum ps_put ret = PS_PUT_QUIET;
	struct ps_ring *ring;
	unsigned long flags;
	u32 used;

	local_irq_save(flags);
	ring = this_cpu_ptr(r->cpu);
	raw_spin_lock(&ring->lock);
	ev->seq = atomic64_inc_return(seq);
	ring->occurred[ev->type]++;
	used = ring->head - ring->tail;
	if (used >= r->size) {
		ring->dropped[ev->type]++;
		ret = PS_PUT_DROPPED;
	} else {
		ring->ev[ring->head & (r->size - 1)] = *ev;
		ring->head++;
		if (!used)
			ret = PS_PUT_FIRST;
		else if (used + 1 == r->size / 2)
			ret = PS_PUT_HALF;
	}
	raw_spin_unlock(&ring->lock);
	local_irq_restore(flags);
	return ret;
}

/*
 * Take up to @max events, from every CPU, merged in sequence order. Each
 * ring's filled part is fixed under its lock first; producers only ever
 * write past it, so the merge reads it unlocked and only the final move
 * of each tail needs the lock again.
 *
 * Only numbers up to @seq's value before the rings are fixed are taken:
 * each of them is in its ring by then (numbered and queued under the
 * ring's lock), while a later one may be in a ring fixed after it and
 * missing from one fixed before, and so overtake a smaller one left for
 * the next take. Every message then holds numbers above the last's.
 */
u32 ps_rings_take(struct ps_rings *r, struct ptscope_event *out, u32 max,
		  atomic64_t *seq)
{
	u32 mask = r->size - 1, got = 0;
	unsigned long flags;
	u64 last;
	int cpu;

	last = atomic64_read(seq);
	smp_mb();	/* the number read before any ring is fixed */
	for_each_possible_cpu(cpu) {
		struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);

		raw_spin_lock_irqsave(&ring->lock, flags);
		ring->snap = ring->head;
		ring->pos = ring->tail;
		raw_spin_unlock_irqrestore(&ring->lock, flags);
	}
	while (got < max) {
		struct ps_ring *best = NULL;

		for_each_possible_cpu(cpu) {
			struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);

			if (ring->pos != ring->snap &&
			    (!best || ring->ev[ring->pos & mask].seq <
				      best->ev[best->pos & mask].seq))
				best = ring;
		}
		if (!best || best->ev[best->pos & mask].seq > last)
			break;
		out[got++] = best->ev[best->pos++ & mask];
	}
	for_each_possible_cpu(cpu) {
		struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);

		raw_spin_lock_irqsave(&ring->lock, flags);
		ring->tail = ring->pos;
		raw_spin_unlock_irqrestore(&ring->lock, flags);
	}
	return got;
}

u32 ps_rings_used(struct ps_rings *r)
{
	u32 used = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);

		used += READ_ONCE(ring->head) - READ_ONCE(ring->tail);
	}
	return used;
}

/* Adds this subscription's occurred and dropped counts into @c. */
void ps_rings_counts(struct ps_rings *r, struct ptscope_counts *c)
{
	int cpu, t;

	for_each_possible_cpu(cpu) {
		struct ps_ring *ring = per_cpu_ptr(r->cpu, cpu);
		unsigned long flags;

		raw_spin_lock_irqsave(&ring->lock, flags);
		for (t = 0; t < PTSCOPE_EV_NR; t++) {
			c->occurred[t] += ring->occurred[t];
			c->dropped[t] += ring->dropped[t];
		}
		raw_spin_unlock_irqrestore(&ring->lock, flags);
	}
}
