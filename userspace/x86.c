// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "../module/uapi/ptscope.h"
#include "x86.h"

#define BIT(n)		(1ULL << (n))
#define PHYS_MASK	(((1ULL << 52) - 1) & ~0xfffULL)	/* bits 51..12 */

static const char *const level_names[] = { "pgd", "p4d", "pud", "pmd", "pte" };

const char *ps_level_name(unsigned int level)
{
	return level < PTSCOPE_NR_LEVELS ? level_names[level] : "?";
}

const char *ps_level_next_name(unsigned int level, unsigned int paging_levels)
{
	if (level == PTSCOPE_LEVEL_PGD && paging_levels < 5)
		return "pud";
	return level + 1 < PTSCOPE_NR_LEVELS ? level_names[level + 1] : "page";
}

int ps_x86_geometry(unsigned int paging_levels, struct ps_geometry *g)
{
	unsigned int i, id = PTSCOPE_LEVEL_PGD;

	if (paging_levels != 4 && paging_levels != 5)
		return -1;
	g->nr = paging_levels;
	g->va_bits = 12 + 9 * paging_levels;
	for (i = 0; i < g->nr; i++, id++) {
		if (id == PTSCOPE_LEVEL_P4D && paging_levels == 4)
			id++;
		g->level[i] = id;
		g->shift[i] = 12 + 9 * (g->nr - 1 - i);
		g->bits[i] = 9;
	}
	return 0;
}

bool ps_x86_present(uint64_t entry)
{
	return entry & BIT(0);
}

bool ps_x86_protnone(uint64_t entry)
{
	return (entry & (BIT(0) | BIT(8))) == BIT(8);
}

bool ps_x86_is_large(uint64_t entry, unsigned int level)
{
	return (level == PTSCOPE_LEVEL_PMD || level == PTSCOPE_LEVEL_PUD) &&
	       (entry & BIT(7));
}

uint64_t ps_x86_target(uint64_t entry, unsigned int level, bool leaf)
{
	uint64_t mask = PHYS_MASK;

	/* L1TF: the kernel stores non-present frames inverted. */
	if (!ps_x86_present(entry) && entry)
		entry = ~entry;
	if (leaf && level == PTSCOPE_LEVEL_PMD)
		mask &= ~((1ULL << 21) - 1);
	else if (leaf && level == PTSCOPE_LEVEL_PUD)
		mask &= ~((1ULL << 30) - 1);
	return entry & mask;
}

unsigned int ps_x86_pkey(uint64_t entry)
{
	return (entry >> 59) & 0xf;
}

struct flag {
	unsigned int bit;
	const char *name;
	const char *meaning;
};

static const struct flag flags[] = {
	{ 0,  "P",	"present: the MMU may use this entry" },
	{ 1,  "RW",	"writable (if clear: read-only, writes fault)" },
	{ 2,  "US",	"user: reachable from user mode (ring 3)" },
	{ 3,  "PWT",	"page write-through caching" },
	{ 4,  "PCD",	"page cache disabled" },
	{ 5,  "A",	"accessed: the CPU has used this entry since A was cleared" },
	{ 6,  "D",	"dirty: the page was written since D was cleared" },
	{ 7,  "PS",	"page size: this entry maps a large page, not a table" },
	{ 7,  "PAT",	"page attribute table index bit (4 KiB page)" },
	{ 8,  "G",	"global: kept in the TLB across address-space switches" },
	{ 8,  "PROTNONE", "PROT_NONE or NUMA hinting: mapped, but every access faults" },
	{ 9,  "SPECIAL", "special mapping: no struct page refcounting (Linux)" },
	{ 10, "UFFD_WP", "userfaultfd write-protected (Linux)" },
	{ 11, "SOFT_DIRTY", "soft-dirty: written since clear_refs (Linux)" },
	{ 12, "PAT",	"page attribute table index bit (large page)" },
	{ 57, "SAVED_DIRTY", "dirty, saved while write-protected (Linux 6.6+)" },
	{ 58, "DEVMAP",	"device memory mapping (Linux)" },
	{ 63, "NX",	"no execute: instruction fetches fault" },
};

size_t ps_x86_flags(uint64_t entry, unsigned int level, bool leaf,
		    const char **names, size_t max)
{
	bool large = leaf && level != PTSCOPE_LEVEL_PTE;
	bool present = ps_x86_present(entry);
	size_t i, n = 0;

	if (!present && !ps_x86_protnone(entry))
		return 0;
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]) && n < max; i++) {
		const struct flag *f = &flags[i];

		if (!(entry & BIT(f->bit)))
			continue;
		/* Bit 7 is PAT in a 4 KiB PTE, PS above it. */
		if (f->bit == 7 && !strcmp(f->name, "PAT") != (level == PTSCOPE_LEVEL_PTE))
			continue;
		/* Bit 8 is G when present, PROTNONE when not. */
		if (f->bit == 8 && !strcmp(f->name, "G") != present)
			continue;
		/* Bit 12 is PAT only in large leaves; else it is frame. */
		if (f->bit == 12 && !large)
			continue;
		/* Software bits only mean something in leaves. */
		if (f->bit >= 9 && f->bit <= 11 && !leaf)
			continue;
		if ((f->bit == 57 || f->bit == 58) && !leaf)
			continue;
		names[n++] = f->name;
	}
	return n;
}

const char *ps_x86_flag_meaning(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(flags[i].name, name))
			return flags[i].meaning;
	return NULL;
}
