// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "../module/uapi/ptscope.h"
#include "cli.h"
#include "leafdesc.h"
#include "swaps.h"
#include "term.h"
#include "walk_text.h"
#include "x86.h"

void ps_print_heading(const struct ps_walk *w, const struct ps_opts *o,
		      const char *spec)
{
	const struct ps_style *s = ps_style(o->color);
	char hex[32], perms[5];

	snprintf(hex, sizeof(hex), "0x%" PRIx64, w->va);
	printf("%sprocess%s %u  %saddress%s 0x%016" PRIx64, s->bold, s->reset,
	       w->pid, s->bold, s->reset, w->va);
	if (spec && strcmp(spec, hex) != 0)
		printf(" (%s)", spec);
	printf("  %s%u-level paging%s\n", s->dim, w->paging_levels, s->reset);
	if (w->has_vma) {
		ps_vma_perms(w->vma.flags, perms);
		printf("%svma%s     %" PRIx64 "-%" PRIx64 " %s %s\n", s->bold,
		       s->reset, w->vma.start, w->vma.end, perms, w->vma.name);
	}
}

/* " 0x1234" (with @what before it) when the frame may be shown. */
static const char *frame_words(const struct ps_walk *w, char *buf, size_t len,
			       const char *what)
{
	if (!w->has_pfn)
		return "";
	snprintf(buf, len, "%s 0x%" PRIx64, what, w->pfn);
	return buf;
}

static void print_swap(const struct ps_walk *w, const struct ps_style *s)
{
	char words[4400];
	int cached = ps_leaf_in_swap_cache(w->leaf_flags, ps_swaps_cache_known());

	if (!w->has_swap) {
		printf("  %sswapped out%s\n", s->yellow, s->reset);
		return;
	}
	ps_swap_words(words, sizeof(words), w->swap_type, w->swap_offset,
		      w->leaf_flags, ps_swaps_lookup(w->swap_type),
		      ps_swaps_cache_known());
	printf("  %sswapped out%s %s\n", s->yellow, s->reset, words);
	if (w->leaf_flags & PTSCOPE_LEAF_F_SHMEM)
		printf("  the page table entry is empty: the swap entry is kept by the shared memory object (shmem), where /proc/PID/pagemap does not look\n");
	printf("  %s\n", cached > 0 ?
	       "the next access maps the cached copy back without I/O (a minor fault)" :
	       "the next access is a major fault that reads it back");
}

static void print_marker(const struct ps_walk *w, const struct ps_style *s,
			 const char *at)
{
	printf("  %smarker:%s the %s holds a PTE marker, no page:", s->yellow,
	       s->reset, at);
	if (w->leaf_flags & PTSCOPE_LEAF_F_UFFD_WP)
		printf(" userfaultfd write-protect (kept while the page is not mapped; a write is reported to the monitor);");
	if (w->leaf_flags & PTSCOPE_LEAF_F_POISONED)
		printf(" poisoned (its data was lost, e.g. a swap-in I/O error; an access raises SIGBUS);");
	if (w->leaf_flags & PTSCOPE_LEAF_F_GUARD)
		printf(" guard (MADV_GUARD_INSTALL; an access raises SIGSEGV);");
	putchar('\n');
}

void ps_print_outcome(const struct ps_walk *w, const struct ps_opts *o)
{
	const struct ps_style *s = ps_style(o->color);
	char buf[64];
	const struct ps_level *leaf = ps_walk_leaf(w);
	const char *at = leaf ? ps_level_name(leaf->id) : "top";

	switch (w->state) {
	case PTSCOPE_STATE_NO_VMA:
		printf("  %snot mapped:%s no VMA contains this address; an access would fault (SIGSEGV)\n",
		       s->red, s->reset);
		break;
	case PTSCOPE_STATE_NONE:
		if (leaf && leaf->id == PTSCOPE_LEVEL_PTE)
			printf("  %snot present:%s the pte is empty: this page was never touched, or was freed\n",
			       s->yellow, s->reset);
		else
			printf("  %snot present:%s the %s entry is empty: no %s table exists for this part of the address space\n",
			       s->yellow, s->reset, at,
			       leaf ? ps_level_next_name(leaf->id, w->paging_levels) : "?");
		break;
	case PTSCOPE_STATE_PROTNONE:
		printf("  %sPROT_NONE:%s mapped to a frame, but every access faults (PROT_NONE or NUMA hinting)\n",
		       s->yellow, s->reset);
		break;
	case PTSCOPE_STATE_SWAP:
		print_swap(w, s);
		break;
	case PTSCOPE_STATE_MIGRATION:
		printf("  %sbeing migrated:%s the %s holds a migration entry%s; %s access is restored after, and an access waits for it\n",
		       s->yellow, s->reset, at, frame_words(w, buf, sizeof(buf), " to frame"),
		       w->leaf_flags & PTSCOPE_LEAF_F_WRITE ? "write" :
		       w->leaf_flags & PTSCOPE_LEAF_F_EXCLUSIVE ? "read-exclusive" : "read");
		break;
	case PTSCOPE_STATE_HWPOISON:
		printf("  %spoisoned:%s the frame%s failed (memory failure) and was taken away; an access raises SIGBUS\n",
		       s->red, s->reset, frame_words(w, buf, sizeof(buf), ""));
		break;
	case PTSCOPE_STATE_MARKER:
		print_marker(w, s, at);
		break;
	case PTSCOPE_STATE_DEVICE:
		printf("  %sdevice memory:%s %s%s; the CPU cannot reach it until it is migrated back\n",
		       s->yellow, s->reset,
		       w->leaf_flags & PTSCOPE_LEAF_F_EXCLUSIVE ?
		       "a device holds exclusive access to the page" :
		       "the page lives in device-private memory",
		       frame_words(w, buf, sizeof(buf), " at frame"));
		break;
	case PTSCOPE_STATE_NONPRESENT:
		printf("  %snot present:%s the %s holds a non-present entry this kernel's helpers do not name\n",
		       s->yellow, s->reset, at);
		break;
	case PTSCOPE_STATE_BAD:
		printf("  %scorrupt:%s the %s entry is not a valid table entry; the walk stopped\n",
		       s->red, s->reset, at);
		break;
	default:
		break;
	}
}

size_t ps_walk_flags(const struct ps_walk *w, const char **names, size_t max)
{
	const struct ps_level *leaf = ps_walk_leaf(w);

	if (!ps_walk_mapped(w) || !leaf)
		return 0;
	return ps_x86_flags(leaf->entry, leaf->id, true, names, max);
}
