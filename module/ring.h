/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_RING_H
#define _PTSCOPE_RING_H

#include <linux/percpu.h>
#include <linux/spinlock.h>
#include "uapi/ptscope.h"

/*
 * One subscription's events on one CPU. Probes on that CPU write with
 * interrupts off, so a probe in an interrupt cannot nest inside one in a
 * task; the lock is for the one reader, the delivery worker, which is
 * never run twice at once for one subscription.
 */
struct ps_ring {
	raw_spinlock_t lock;
	u32 head;		/* next slot written, free-running */
	u32 tail;		/* next slot read */
	u32 snap, pos;		/* the reader's own: see ps_rings_take() */
	struct ptscope_event *ev;
	u64 occurred[PTSCOPE_EV_NR];
	u64 dropped[PTSCOPE_EV_NR];
};

struct ps_rings {
	struct ps_ring __percpu *cpu;
	u32 size;		/* events per CPU, a power of two */
};

/* What ps_rings_put() tells the producer about waking the reader. */
enum ps_put {
	PS_PUT_QUIET,		/* queued behind others: the reader knows */
	PS_PUT_FIRST,		/* the ring was empty: wake the reader soon */
	PS_PUT_HALF,		/* the ring just reached half: wake it now */
	PS_PUT_DROPPED,		/* the ring was full: counted, not queued */
};

int ps_rings_init(struct ps_rings *r, u32 size);
void ps_rings_free(struct ps_rings *r);
enum ps_put ps_rings_put(struct ps_rings *r, struct ptscope_event *ev,
			 atomic64_t *seq);
u32 ps_rings_take(struct ps_rings *r, struct ptscope_event *out, u32 max,
		  atomic64_t *seq);
u32 ps_rings_used(struct ps_rings *r);
void ps_rings_counts(struct ps_rings *r, struct ptscope_counts *c);

#endif /* _PTSCOPE_RING_H */
