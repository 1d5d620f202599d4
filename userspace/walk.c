// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope walk`: the translation of each address, one line per level, in
 * the manner of crash's vtop; or one JSON object per address.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "../module/uapi/ptscope.h"
#include "cli.h"
#include "json.h"
#include "leafdesc.h"
#include "swaps.h"
#include "term.h"
#include "walk_text.h"
#include "x86.h"

static const char *const kind_names[] = {
	[PTSCOPE_ENTRY_NONE]		= "none",
	[PTSCOPE_ENTRY_TABLE]		= "table",
	[PTSCOPE_ENTRY_LEAF]		= "leaf",
	[PTSCOPE_ENTRY_NONPRESENT]	= "nonpresent",
	[PTSCOPE_ENTRY_BAD]		= "bad",
};

static const char *const vma_kinds[] = {
	[PTSCOPE_VMA_ANON]	= "anon",
	[PTSCOPE_VMA_FILE]	= "file",
	[PTSCOPE_VMA_HEAP]	= "heap",
	[PTSCOPE_VMA_STACK]	= "stack",
	[PTSCOPE_VMA_SPECIAL]	= "special",
};

void ps_walk_print_json(const struct ps_walk *w)
{
	const char *flags[PS_X86_MAX_FLAGS];
	size_t i, nflags = ps_walk_flags(w, flags, PS_X86_MAX_FLAGS);
	struct ps_json j;

	ps_json_begin(&j, stdout);
	ps_json_u64(&j, "pid", w->pid);
	ps_json_hex(&j, "va", w->va);
	ps_json_u64(&j, "paging_levels", w->paging_levels);
	ps_json_str(&j, "state", ps_state_name(w->state));
	ps_json_bool(&j, "present", ps_walk_mapped(w));
	if (w->page_shift)
		ps_json_u64(&j, "page_size", 1ULL << w->page_shift);
	else
		ps_json_null(&j, "page_size");
	if (w->has_pfn) {
		ps_json_u64(&j, "pfn", w->pfn);
		ps_json_hex(&j, "phys", w->phys);
	} else {
		ps_json_null(&j, "pfn");
		ps_json_null(&j, "phys");
	}
	ps_json_bool(&j, "frames_hidden", w->frames_hidden);
	ps_json_arr(&j, "levels");
	for (i = 0; i < w->nr_levels; i++) {
		const struct ps_level *l = &w->level[i];

		ps_json_obj(&j, NULL);
		ps_json_str(&j, "level", ps_level_name(l->id));
		ps_json_u64(&j, "index", l->index);
		ps_json_hex(&j, "entry", l->entry);
		ps_json_str(&j, "kind", kind_names[l->kind]);
		if (l->has_phys)
			ps_json_hex(&j, "entry_phys", l->entry_phys);
		ps_json_obj_end(&j);
	}
	ps_json_arr_end(&j);
	ps_json_arr(&j, "flags");
	for (i = 0; i < nflags; i++)
		ps_json_str(&j, NULL, flags[i]);
	ps_json_arr_end(&j);
	if (ps_walk_mapped(w))
		ps_json_u64(&j, "pkey", ps_x86_pkey(ps_walk_leaf(w)->entry));
	if (w->has_vma) {
		char perms[5];

		ps_vma_perms(w->vma.flags, perms);
		ps_json_obj(&j, "vma");
		ps_json_hex(&j, "start", w->vma.start);
		ps_json_hex(&j, "end", w->vma.end);
		ps_json_str(&j, "perms", perms);
		ps_json_str(&j, "name", w->vma.name);
		ps_json_str(&j, "kind", vma_kinds[w->vma.kind]);
		ps_json_obj_end(&j);
	} else {
		ps_json_null(&j, "vma");
	}
	if (w->has_swap)
		ps_swap_json(&j, w->swap_type, w->swap_offset, w->leaf_flags,
			     ps_swaps_lookup(w->swap_type), ps_swaps_cache_known());
	else
		ps_json_null(&j, "swap");
	ps_leaf_flags_json(&j, w->leaf_flags);
	ps_json_end(&j);
}

static void print_text(const struct ps_walk *w, const struct ps_opts *o,
		       const char *spec)
{
	const struct ps_style *s = ps_style(o->color);
	char size[32];
	size_t i;

	ps_print_heading(w, o, spec);
	if (w->state == PTSCOPE_STATE_NO_VMA) {
		ps_print_outcome(w, o);
		return;
	}

	printf("\n  %s%-5s  %5s  %-18s  %s%s\n", s->bold, "level", "index",
	       "entry", "flags", s->reset);
	for (i = 0; i < w->nr_levels; i++) {
		const struct ps_level *l = &w->level[i];
		bool leaf = l->kind == PTSCOPE_ENTRY_LEAF;
		const char *flags[PS_X86_MAX_FLAGS];
		size_t f, n = ps_x86_flags(l->entry, l->id, leaf, flags,
					   PS_X86_MAX_FLAGS);

		printf("  %s%-5s%s  %5u  0x%016" PRIx64 " ", s->cyan,
		       ps_level_name(l->id), s->reset, l->index, l->entry);
		for (f = 0; f < n; f++)
			printf(" %s", flags[f]);
		if (leaf && ps_x86_pkey(l->entry))
			printf(" PKEY=%u", ps_x86_pkey(l->entry));
		if (l->kind == PTSCOPE_ENTRY_NONE)
			printf(" %s(empty)%s", s->yellow, s->reset);
		else if (l->kind == PTSCOPE_ENTRY_NONPRESENT)
			printf(" %s(not present)%s", s->yellow, s->reset);
		else if (l->kind == PTSCOPE_ENTRY_BAD)
			printf(" %s(bad)%s", s->red, s->reset);
		putchar('\n');
	}
	putchar('\n');
	if (ps_walk_mapped(w)) {
		ps_fmt_size(size, sizeof(size), 1ULL << w->page_shift);
		printf("  %spage%s %s", s->bold, s->reset, size);
		if (w->has_pfn)
			printf("   %spfn%s 0x%" PRIx64 "   %sphys%s 0x%" PRIx64 "\n",
			       s->bold, s->reset, w->pfn, s->bold, s->reset, w->phys);
		else
			printf("   %spfn, phys hidden%s (need CAP_SYS_ADMIN, as for /proc/PID/pagemap)\n",
			       s->dim, s->reset);
	}
	ps_print_outcome(w, o);
}

static void print_walk(const struct ps_walk *w, const struct ps_opts *o,
		       const char *spec, bool first)
{
	if (o->json) {
		ps_walk_print_json(w);
		return;
	}
	if (!first)
		putchar('\n');
	print_text(w, o, spec);
}

static int run_walk(const struct ps_opts *o, int argc, char **argv)
{
	return ps_walk_command(&ps_cmd_walk, o, argc, argv, print_walk);
}

const struct ps_command ps_cmd_walk = {
	.name = "walk",
	.args = "[--json] PID ADDR...",
	.summary = "translate addresses level by level, like crash's vtop",
	.help =
	"Walks the real page tables of process PID for each ADDR and prints,\n"
	"per level, the index into that table, the raw entry and its flags;\n"
	"then the page size, frame number and physical address.\n"
	"\n"
	"  -j, --json   one JSON object per address per line\n",
	.run = run_walk,
};
