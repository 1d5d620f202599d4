/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 page-table entry layout: what the bits mean, where the frame is.
 * Pure functions, unit-tested against the layouts in the Intel SDM and the
 * kernel's pgtable_types.h.
 */
#ifndef PTSCOPE_X86_H
#define PTSCOPE_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS_X86_MAX_FLAGS	24

/* enum ptscope_level values, for readability outside the uapi header. */
const char *ps_level_name(unsigned int level);
/* Which table an entry at @level points to: "p4d", ..., "page". */
const char *ps_level_next_name(unsigned int level, unsigned int paging_levels);

/* The levels in use and their index fields, for a paging mode. */
struct ps_geometry {
	unsigned int nr;		/* 4 or 5 */
	unsigned int va_bits;		/* 48 or 57 */
	unsigned int level[5];		/* enum ptscope_level, top down */
	unsigned int shift[5];
	unsigned int bits[5];
};
int ps_x86_geometry(unsigned int paging_levels, struct ps_geometry *g);

/* Present in the hardware sense: the MMU uses this entry. */
bool ps_x86_present(uint64_t entry);
/* PROT_NONE / NUMA hinting: not present for the MMU, yet a real mapping. */
bool ps_x86_protnone(uint64_t entry);
/* A leaf at @level (PS set above the PTE level). */
bool ps_x86_is_large(uint64_t entry, unsigned int level);

/*
 * Physical address the entry points to: the next table, or the page for a
 * leaf (PAT bit 12 excluded on large leaves, L1TF inversion undone).
 */
uint64_t ps_x86_target(uint64_t entry, unsigned int level, bool leaf);

/* Names of the flags set in a present or PROT_NONE entry; returns count. */
size_t ps_x86_flags(uint64_t entry, unsigned int level, bool leaf,
		    const char **names, size_t max);
unsigned int ps_x86_pkey(uint64_t entry);

/* A sentence for a flag name, for `explain`. NULL if unknown. */
const char *ps_x86_flag_meaning(const char *name);

#endif
