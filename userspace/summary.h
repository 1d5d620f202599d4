/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a watch adds up to: events per type, faults per VMA and the most
 * faulted pages. Pure: VMAs come in as the text of /proc/PID/maps, read by
 * the caller, so unit tests feed their own.
 *
 * A fault is charged to the VMA that holds it in the last maps of its
 * process. One no maps holds yet waits, per page, for the next maps of
 * that process (a mapping made after the last read); what is still
 * waiting when the process exec()s, or at the end, is "[unknown]".
 */
#ifndef PTSCOPE_SUMMARY_H
#define PTSCOPE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "../module/uapi/ptscope.h"

#define PS_SUMMARY_TOP		10	/* rows of each ranking */
#define PS_SUMMARY_MAX_PAGES	(1U << 20)	/* distinct pages ranked */

struct ps_summary;

struct ps_summary *ps_summary_new(void);
void ps_summary_free(struct ps_summary *s);

/*
 * The VMAs of @pid now, as /proc/@pid/maps lists them. A VMA that overlaps
 * one of the last maps under the same name (a heap or stack that grew, one
 * half of a split) goes on counting as that one. Returns 0, -1 out of memory.
 */
int ps_summary_maps(struct ps_summary *s, uint32_t pid, const char *text);
/* @pid exec()ed: its address space, and the VMAs known of it, are gone. */
void ps_summary_exec(struct ps_summary *s, uint32_t pid);
/* Count a fault; false when no known VMA holds @va (fresh maps would help). */
bool ps_summary_fault(struct ps_summary *s, uint32_t pid, uint64_t va, bool major);
/* The final counts of the subscription. */
void ps_summary_counts(struct ps_summary *s, const struct ptscope_counts *c);

/* A blank line, then the tables. */
void ps_summary_text(struct ps_summary *s, FILE *f, bool color);
/* {"type":"summary",...} on one line. */
void ps_summary_json(struct ps_summary *s, FILE *f);

#endif
