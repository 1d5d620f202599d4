// SPDX-License-Identifier: GPL-2.0
/* Entry decoding against the x86-64 layouts (SDM vol. 3 4.5, pgtable_types.h). */
#include <string.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/x86.h"
#include "tap.h"

static int has(const char **names, size_t n, const char *want)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], want))
			return 1;
	return 0;
}

static size_t flags(unsigned long long e, unsigned int level, int leaf, const char **names)
{
	return ps_x86_flags(e, level, leaf, names, PS_X86_MAX_FLAGS);
}

int main(void)
{
	const char *n[PS_X86_MAX_FLAGS];
	struct ps_geometry g;
	size_t c;

	/* A typical user 4 KiB PTE: P RW US A D, NX, soft-dirty, frame 0x10a5f2. */
	c = flags(0x800000010a5f2867ULL, PTSCOPE_LEVEL_PTE, 1, n);
	ok(c == 7 && has(n, c, "P") && has(n, c, "RW") && has(n, c, "US") &&
	   has(n, c, "A") && has(n, c, "D") && has(n, c, "NX") && has(n, c, "SOFT_DIRTY"),
	   "user PTE 0x800000010a5f2867 decodes to P RW US A D SOFT_DIRTY NX");
	ok(ps_x86_target(0x800000010a5f2867ULL, PTSCOPE_LEVEL_PTE, 1) == 0x10a5f2000ULL,
	   "its frame is bits 51..12");

	/* Bit 7 is PAT in a PTE and PS in a PMD. */
	c = flags(0x80000000000000e5ULL, PTSCOPE_LEVEL_PTE, 1, n);
	ok(has(n, c, "PAT") && !has(n, c, "PS"), "bit 7 of a PTE is PAT");
	c = flags(0x80000001000000e7ULL, PTSCOPE_LEVEL_PMD, 1, n);
	ok(has(n, c, "PS") && !has(n, c, "PAT"), "bit 7 of a PMD leaf is PS");

	/* Large leaves: bit 12 is PAT, not frame. */
	c = flags(0x00000001002010e7ULL, PTSCOPE_LEVEL_PMD, 1, n);
	ok(has(n, c, "PAT"), "bit 12 of a 2 MiB leaf is PAT");
	ok(ps_x86_target(0x00000001002010e7ULL, PTSCOPE_LEVEL_PMD, 1) == 0x100200000ULL,
	   "a 2 MiB leaf's frame is bits 51..21");
	ok(ps_x86_target(0x00000001400010e7ULL, PTSCOPE_LEVEL_PUD, 1) == 0x140000000ULL,
	   "a 1 GiB leaf's frame is bits 51..30");
	ok(ps_x86_target(0x0000000102345067ULL, PTSCOPE_LEVEL_PMD, 0) == 0x102345000ULL,
	   "a table entry points at bits 51..12");
	ok(ps_x86_is_large(0xe7, PTSCOPE_LEVEL_PMD) && !ps_x86_is_large(0xe7, PTSCOPE_LEVEL_PTE),
	   "PS marks large pages only above the PTE level");

	/* G when present; PROTNONE when not. */
	c = flags(0x0000000001000163ULL, PTSCOPE_LEVEL_PTE, 1, n);
	ok(has(n, c, "G") && !has(n, c, "PROTNONE"), "bit 8 of a present entry is G");
	/* PROT_NONE: present clear, bit 8 set, frame stored inverted (L1TF). */
	{
		unsigned long long frame = 0x10a5f2000ULL;
		unsigned long long e = (~frame & 0x000ffffffffff000ULL) | 0x100 | 0x60 |
				       (1ULL << 63);

		c = flags(e, PTSCOPE_LEVEL_PTE, 1, n);
		ok(ps_x86_protnone(e) && has(n, c, "PROTNONE") && !has(n, c, "P"),
		   "a PROT_NONE PTE is PROTNONE, not present");
		ok(ps_x86_target(e, PTSCOPE_LEVEL_PTE, 1) == frame,
		   "a PROT_NONE PTE's inverted frame is undone");
	}
	ok(flags(0x3e00ULL, PTSCOPE_LEVEL_PTE, 1, n) == 0,
	   "a swap entry (present and PROTNONE clear) has no hardware flags");
	ok(flags(0, PTSCOPE_LEVEL_PTE, 1, n) == 0, "an empty entry has no flags");

	/* Software bits mean nothing in tables. */
	c = flags(0x0000000102345e67ULL, PTSCOPE_LEVEL_PMD, 0, n);
	ok(!has(n, c, "SPECIAL") && !has(n, c, "SOFT_DIRTY") && !has(n, c, "UFFD_WP"),
	   "software bits are not decoded in table entries");
	c = flags(0x0000000001000e67ULL, PTSCOPE_LEVEL_PTE, 1, n);
	ok(has(n, c, "SPECIAL") && has(n, c, "UFFD_WP") && has(n, c, "SOFT_DIRTY"),
	   "bits 9, 10, 11 of a PTE are SPECIAL, UFFD_WP, SOFT_DIRTY");
	ok(ps_x86_pkey(0x7800000000000067ULL) == 15 && ps_x86_pkey(0x0800000000000067ULL) == 1,
	   "protection key is bits 62..59");

	/* Geometry of both paging modes. */
	ok(!ps_x86_geometry(4, &g) && g.nr == 4 && g.va_bits == 48 &&
	   g.level[0] == PTSCOPE_LEVEL_PGD && g.shift[0] == 39 &&
	   g.level[1] == PTSCOPE_LEVEL_PUD && g.shift[3] == 12,
	   "4-level: pgd at bit 39, then pud, pmd, pte at bit 12");
	ok(!ps_x86_geometry(5, &g) && g.nr == 5 && g.va_bits == 57 &&
	   g.shift[0] == 48 && g.level[1] == PTSCOPE_LEVEL_P4D && g.shift[1] == 39,
	   "5-level: pgd at bit 48, p4d at bit 39");
	ok(ps_x86_geometry(3, &g) < 0, "3-level paging is not x86-64");
	ok(!strcmp(ps_level_next_name(PTSCOPE_LEVEL_PGD, 4), "pud") &&
	   !strcmp(ps_level_next_name(PTSCOPE_LEVEL_PGD, 5), "p4d") &&
	   !strcmp(ps_level_next_name(PTSCOPE_LEVEL_PTE, 5), "page"),
	   "the table below pgd is pud with 4 levels, p4d with 5");
	return tap_done();
}
