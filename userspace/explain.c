// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope explain`: the textbook picture of multi-level paging, drawn
 * from a real process. The address is cut into its index fields and page
 * offset, then each table is visited the way the MMU visits it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "../module/uapi/ptscope.h"
#include "cli.h"
#include "term.h"
#include "walk_text.h"
#include "x86.h"

#define MAX_FIELDS 7

struct field {
	char bits[16], name[24], binary[72], value[32];
	int width;
};

static void binary(char *out, uint64_t v, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < nbits; i++)
		out[i] = (v >> (nbits - 1 - i)) & 1 ? '1' : '0';
	out[nbits] = 0;
}

static void set_field(struct field *f, unsigned int hi, unsigned int lo,
		      const char *name, uint64_t va, bool hex)
{
	unsigned int n = hi - lo + 1;
	uint64_t v = (va >> lo) & (n == 64 ? ~0ULL : (1ULL << n) - 1);
	int w;

	snprintf(f->bits, sizeof(f->bits), "%u..%u", hi, lo);
	snprintf(f->name, sizeof(f->name), "%s", name);
	binary(f->binary, v, n);
	snprintf(f->value, sizeof(f->value), hex ? "0x%" PRIx64 : "%" PRIu64, v);
	f->width = (int)strlen(f->binary);
	w = (int)strlen(f->name);
	f->width = w > f->width ? w : f->width;
	w = (int)strlen(f->value);
	f->width = w > f->width ? w : f->width;
}

static void print_split(const struct ps_walk *w, const struct ps_opts *o)
{
	const struct ps_style *s = ps_style(o->color);
	unsigned int i, nf = 0, offset_bits = w->page_shift ? w->page_shift : 12;
	struct field f[MAX_FIELDS];
	struct ps_geometry g;
	char pagesz[32];

	if (ps_x86_geometry(w->paging_levels, &g))
		return;
	ps_fmt_size(pagesz, sizeof(pagesz), 1ULL << offset_bits);

	set_field(&f[nf], 63, g.va_bits, "sign", w->va, true);
	snprintf(f[nf].value, sizeof(f[nf].value), "=bit %u", g.va_bits - 1);
	nf++;
	for (i = 0; i < g.nr && g.shift[i] >= offset_bits; i++)
		set_field(&f[nf++], g.shift[i] + g.bits[i] - 1, g.shift[i],
			  ps_level_name(g.level[i]), w->va, false);
	set_field(&f[nf++], offset_bits - 1, 0, "offset", w->va, true);

	printf("\n%sThe address, as the MMU cuts it%s (%u-bit virtual addresses, %u levels of 512-entry tables, %s page):\n\n",
	       s->bold, s->reset, g.va_bits, g.nr, pagesz);
	printf("  %-7s", "bits");
	for (i = 0; i < nf; i++)
		printf("  %-*s", i + 1 < nf ? f[i].width : 0, f[i].bits);
	printf("\n  %-7s", "field");
	for (i = 0; i < nf; i++)
		printf("  %s%-*s%s", s->cyan, i + 1 < nf ? f[i].width : 0, f[i].name, s->reset);
	printf("\n  %-7s", "binary");
	for (i = 0; i < nf; i++)
		printf("  %-*s", i + 1 < nf ? f[i].width : 0, f[i].binary);
	printf("\n  %-7s", "value");
	for (i = 0; i < nf; i++)
		printf("  %-*s", i + 1 < nf ? f[i].width : 0, f[i].value);
	printf("\n\n  Bits 63..%u only repeat bit %u (a \"canonical\" address); each %s field\n"
	       "  picks one of 512 entries in one table; the offset picks the byte in the page.\n",
	       g.va_bits, g.va_bits - 1, "9-bit");
}

static void entry_words(const struct ps_level *l, bool leaf, char *buf, size_t len)
{
	uint64_t e = l->entry;

	if (ps_x86_protnone(e) && leaf) {
		snprintf(buf, len, "PROT_NONE: not present for the MMU, but maps a frame");
		return;
	}
	snprintf(buf, len, "%s, %s, %s, %s%s%s",
		 e & 1 ? "present" : "not present",
		 e & 4 ? "user" : "kernel only",
		 e & 2 ? "writable" : "read-only",
		 e & (1ULL << 63) ? "no-execute" : "executable",
		 e & (1 << 5) ? ", accessed" : "",
		 leaf && (e & (1 << 6)) ? ", dirty" : "");
}

static void print_steps(const struct ps_walk *w, const struct ps_opts *o)
{
	const struct ps_style *s = ps_style(o->color);
	char words[160], size[32];
	unsigned int i;

	printf("\n%sThe walk%s (each table is one 4 KiB page holding 512 entries of 8 bytes):\n\n",
	       s->bold, s->reset);
	if (w->has_root)
		printf("  CR3 -> %s table at physical 0x%" PRIx64 "\n",
		       w->nr_levels ? ps_level_name(w->level[0].id) : "pgd", w->root_phys);
	else
		printf("  CR3 -> %s table %s(physical address hidden: needs CAP_SYS_ADMIN)%s\n",
		       w->nr_levels ? ps_level_name(w->level[0].id) : "pgd", s->dim, s->reset);

	for (i = 0; i < w->nr_levels; i++) {
		const struct ps_level *l = &w->level[i];
		bool leaf = l->kind == PTSCOPE_ENTRY_LEAF;
		uint64_t target = ps_x86_target(l->entry, l->id, leaf);

		printf("  %u. %s%s[%u]%s = 0x%016" PRIx64, i + 1, s->cyan,
		       ps_level_name(l->id), l->index, s->reset, l->entry);
		if (l->kind == PTSCOPE_ENTRY_NONE) {
			printf("   %sempty%s\n", s->yellow, s->reset);
			continue;
		}
		if (l->kind == PTSCOPE_ENTRY_BAD || l->kind == PTSCOPE_ENTRY_NONPRESENT) {
			printf("   %s%s%s\n", s->yellow,
			       l->kind == PTSCOPE_ENTRY_BAD ? "corrupt" : "not present (holds other data)",
			       s->reset);
			continue;
		}
		entry_words(l, leaf, words, sizeof(words));
		printf("   %s\n", words);
		if (!leaf) {
			const char *next = ps_level_next_name(l->id, w->paging_levels);

			if (w->frames_hidden)
				printf("       -> %s table %s(address hidden)%s\n", next, s->dim, s->reset);
			else
				printf("       -> %s table at physical 0x%" PRIx64 " (entry bits 51..12)\n",
				       next, target);
			continue;
		}
		ps_fmt_size(size, sizeof(size), 1ULL << w->page_shift);
		if (l->id != PTSCOPE_LEVEL_PTE)
			printf("       PS is set: this entry maps a %s page directly, no lower table\n", size);
		if (w->frames_hidden)
			printf("       -> %s page %s(frame hidden)%s\n", size, s->dim, s->reset);
		else
			printf("       -> %s page at physical 0x%" PRIx64 " (frame 0x%" PRIx64 ")\n",
			       size, target, target >> 12);
		printf("\n  The MMU combines every level's permissions: the page is writable,\n"
		       "  user-accessible or executable only if every entry on the way allows it.\n");
	}
}

static void print_result(const struct ps_walk *w, const struct ps_opts *o)
{
	const struct ps_style *s = ps_style(o->color);
	uint64_t off = w->va & ((1ULL << w->page_shift) - 1);

	putchar('\n');
	if (!ps_walk_mapped(w)) {
		ps_print_outcome(w, o);
		return;
	}
	if (w->state == PTSCOPE_STATE_PROTNONE)
		ps_print_outcome(w, o);
	if (!w->has_pfn) {
		printf("  %sphysical address%s = page frame (hidden) + offset 0x%" PRIx64 "\n",
		       s->bold, s->reset, off);
		return;
	}
	printf("  %sphysical address%s = page 0x%" PRIx64 " + offset 0x%" PRIx64 " = %s0x%" PRIx64 "%s\n",
	       s->bold, s->reset, w->phys - off, off, s->green, w->phys, s->reset);
}

static void print_explain(const struct ps_walk *w, const struct ps_opts *o,
			  const char *spec, bool first)
{
	if (o->json) {
		/* The same facts as walk --json: explain is a way of reading them. */
		ps_walk_print_json(w);
		return;
	}
	if (!first)
		printf("\n----\n\n");
	ps_print_heading(w, o, spec);
	print_split(w, o);
	if (w->state != PTSCOPE_STATE_NO_VMA)
		print_steps(w, o);
	print_result(w, o);
}

static int run_explain(const struct ps_opts *o, int argc, char **argv)
{
	return ps_walk_command(&ps_cmd_explain, o, argc, argv, print_explain);
}

const struct ps_command ps_cmd_explain = {
	.name = "explain",
	.args = "[--json] PID ADDR...",
	.summary = "the textbook picture of a translation, from a real process",
	.help =
	"Cuts ADDR into its page-table indices and page offset, then follows\n"
	"process PID's real tables from CR3 down to the page, saying at each\n"
	"level which entry is used, what it says, and where it leads.\n"
	"\n"
	"  -j, --json   the same facts as `walk --json`\n",
	.run = run_explain,
};
