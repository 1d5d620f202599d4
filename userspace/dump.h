/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DUMP requests: a whole address space (or a range of it) as runs, VMA by
 * VMA, then the walk's accounting.
 */
#ifndef PTSCOPE_DUMP_H
#define PTSCOPE_DUMP_H

#include <stdint.h>
#include "../module/uapi/ptscope.h"
#include "nl.h"
#include "reply.h"

struct ps_dump_opts {
	uint64_t start, end;		/* end 0: to the top of user space */
	uint32_t flags;			/* PTSCOPE_DUMP_F_* */
	const char *vma_name;		/* NULL: every VMA */
};

struct ps_dump_stats {
	uint64_t tables[PTSCOPE_NR_LEVELS];	/* table pages met, per level */
	uint64_t pages, runs, entries, walk_ns;
	unsigned int va_bits;
	unsigned int paging_levels;
};

/*
 * Callbacks, each optional; a non-zero return stops the dump. @vma is
 * called once per VMA, before its runs; @run for each run, in address
 * order; @stats once, at the end.
 */
struct ps_dump_cb {
	int (*vma)(const struct ps_vma *v, void *arg);
	int (*run)(const struct ps_vma *v, const struct ptscope_run *r, void *arg);
	int (*stats)(const struct ps_dump_stats *s, void *arg);
	void *arg;
};

/* Returns 0 or a negative errno (already printed). */
int ps_dump(struct ps_nl *nl, int pid, const struct ps_dump_opts *o,
	    const struct ps_dump_cb *cb);

/* Connect, dump, disconnect: a command's whole conversation; PS_EXIT_*. */
int ps_dump_command(int pid, const struct ps_dump_opts *o,
		    const struct ps_dump_cb *cb);

/* The run's leaf entry with its frame field zero: what flags are read from. */
uint64_t ps_run_flag_entry(const struct ptscope_run *r);
/* Flag names of a present or PROT_NONE run; returns the count. */
size_t ps_run_flags(const struct ptscope_run *r, const char **names, size_t max);
/* First byte past the run. */
uint64_t ps_run_end(const struct ptscope_run *r);

#endif
