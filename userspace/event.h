/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live events in words and in JSON: the names of types, outcomes, reasons
 * and kinds, one event as a line, drops, and per-type counts. Pure: no
 * socket, so unit tests check the exact output.
 */
#ifndef PTSCOPE_EVENT_H
#define PTSCOPE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../module/uapi/ptscope.h"
#include "json.h"
#include "swaps.h"

/* "fault", "tlb_flush", ...; "unknown" beyond what this client knows. */
const char *ps_event_type_name(unsigned int type);
const char *ps_fault_outcome_name(unsigned int outcome);	/* "minor", "cow" */
const char *ps_reason_name(unsigned int reason);		/* "mprotect" */
const char *ps_invalidate_kind_name(unsigned int kind);	/* "protection_vma" */

/*
 * Event kinds as users write them: "fault,tlb,swap,unmap,process,all".
 * Returns 0, or -1 with the word that is none of them copied to @bad.
 */
int ps_evk_parse(const char *list, uint32_t *mask, char *bad, size_t badlen);
/* The names of the kinds in @mask; returns the count (at most 5). */
size_t ps_evk_names(uint32_t mask, const char **names, size_t max);
/* "fault,tlb,swap"; "none" for 0. */
void ps_evk_list(uint32_t mask, char *buf, size_t len);

struct ps_event_fmt {
	uint64_t t0_ns;			/* CLOCK_MONOTONIC that times count from */
	bool color;
	const struct ps_swaps *swaps;	/* to name swap areas by; NULL: types only */
};

/*
 * One line: seconds since t0, cpu, pid/tid, type, then what the type says,
 * e.g. "  0.001234 cpu1     1234/1235    fault         0x7f3a12345000 write
 * user   none -> present 4 KiB pfn 0x1a2b3 rw-  minor".
 */
void ps_event_text(FILE *f, const struct ptscope_event *e, const struct ps_event_fmt *fmt);
/* One JSON object per line; 64-bit addresses and frames as hex strings. */
void ps_event_json(FILE *f, const struct ptscope_event *e, const struct ps_event_fmt *fmt);

/*
 * If any type dropped more events in @now than in @before, one line saying
 * how many more, per type: "dropped: 12 fault, 3 tlb_flush (...)" or
 * {"type":"drops","dropped":{"fault":12,...}}. Returns whether it printed.
 */
bool ps_drops_print(FILE *f, const struct ptscope_counts *now,
		    const struct ptscope_counts *before, bool json, bool color);
uint64_t ps_counts_total(const __u64 v[PTSCOPE_EV_NR]);

/*
 * "occurred":{...},"delivered":{...},"dropped":{...} into the object open
 * in @j, each naming the types that occurred at all.
 */
void ps_counts_json(struct ps_json *j, const struct ptscope_counts *c);
/* A table of the types that occurred, each line led by @indent; or "no events". */
void ps_counts_text(FILE *f, const struct ptscope_counts *c, const char *indent,
		    bool color);

#endif
