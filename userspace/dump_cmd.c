// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope dump`: the runs of an address space, VMA by VMA; or one JSON
 * object per run.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "addr.h"
#include "dump.h"
#include "json.h"
#include "leafdesc.h"
#include "swaps.h"
#include "ptscope.h"
#include "request.h"
#include "term.h"
#include "x86.h"

struct dump_print {
	const struct ps_opts *o;
	uint64_t pages[PTSCOPE_STATE_DEVICE + 1];	/* 4 KiB pages per state */
	size_t runs;
};

/* Flag names of a run, from its leaf entry's non-frame bits. */
size_t ps_run_flags(const struct ptscope_run *r, const char **names, size_t max)
{
	if (r->state != PTSCOPE_STATE_PRESENT && r->state != PTSCOPE_STATE_PROTNONE)
		return 0;
	return ps_x86_flags(ps_run_flag_entry(r), r->level, true, names, max);
}

static void run_json(const struct ps_vma *v, const struct ptscope_run *r)
{
	const char *flags[PS_X86_MAX_FLAGS];
	size_t i, n = ps_run_flags(r, flags, PS_X86_MAX_FLAGS);
	bool pfn = r->state == PTSCOPE_STATE_PRESENT || r->state == PTSCOPE_STATE_PROTNONE ||
		   r->state == PTSCOPE_STATE_MIGRATION || r->state == PTSCOPE_STATE_HWPOISON ||
		   r->state == PTSCOPE_STATE_DEVICE;
	struct ps_json j;

	ps_json_begin(&j, stdout);
	ps_json_str(&j, "type", "run");
	ps_json_hex(&j, "start", r->start);
	ps_json_hex(&j, "end", ps_run_end(r));
	ps_json_str(&j, "state", ps_state_name(r->state));
	ps_json_u64(&j, "page_size", 1ULL << r->page_shift);
	ps_json_u64(&j, "pages", r->pages);
	ps_json_str(&j, "level", ps_level_name(r->level));
	if (pfn && r->frame)
		ps_json_u64(&j, "pfn", r->frame);
	else
		ps_json_null(&j, "pfn");
	/* Offset 0 is every area's header: 0 means hidden, as in pagemap. */
	if (r->state == PTSCOPE_STATE_SWAP && r->frame)
		ps_swap_json(&j, r->swap_type, r->frame, r->flags,
			     ps_swaps_lookup(r->swap_type), ps_swaps_cache_known());
	else
		ps_json_null(&j, "swap");
	ps_leaf_flags_json(&j, r->flags);
	ps_json_arr(&j, "flags");
	for (i = 0; i < n; i++)
		ps_json_str(&j, NULL, flags[i]);
	ps_json_arr_end(&j);
	ps_json_str(&j, "vma", v->name);
	ps_json_end(&j);
}

static int on_vma(const struct ps_vma *v, void *arg)
{
	struct dump_print *p = arg;
	const struct ps_style *s = ps_style(p->o->color);
	char perms[5], size[32];

	if (p->o->json)
		return 0;
	ps_vma_perms(v->flags, perms);
	ps_fmt_size(size, sizeof(size), v->end - v->start);
	printf("%s%012" PRIx64 "-%012" PRIx64 " %s %9s  %s%s\n", s->bold, v->start,
	       v->end, perms, size, v->name, s->reset);
	return 0;
}

/* "swap zram0:0x1a2", or "swap 0:0x1a2" when the area has no name. */
static void swap_where(char *buf, size_t len, const struct ptscope_run *r)
{
	const struct ps_swap_area *a = ps_swaps_lookup(r->swap_type);
	const char *name = a && a->path[0] ? strrchr(a->path, '/') : NULL;

	if (!r->frame)
		snprintf(buf, len, "swap (where: hidden)");
	else if (name)
		snprintf(buf, len, "swap %.23s:0x%" PRIx64, name + 1, (uint64_t)r->frame);
	else
		snprintf(buf, len, "swap %u:0x%" PRIx64, r->swap_type, (uint64_t)r->frame);
}

static int on_run(const struct ps_vma *v, const struct ptscope_run *r, void *arg)
{
	struct dump_print *p = arg;
	const struct ps_style *s = ps_style(p->o->color);
	const char *flags[PS_X86_MAX_FLAGS];
	char size[32], page[32], where[48] = "";
	size_t i, n;

	p->runs++;
	if (r->state < sizeof(p->pages) / sizeof(p->pages[0]))
		p->pages[r->state] += (uint64_t)r->pages << (r->page_shift - 12);
	if (p->o->json) {
		run_json(v, r);
		return 0;
	}
	ps_fmt_size(size, sizeof(size), ps_run_end(r) - r->start);
	ps_fmt_size(page, sizeof(page), 1ULL << r->page_shift);
	if (r->state == PTSCOPE_STATE_SWAP)
		swap_where(where, sizeof(where), r);
	else if (r->frame)
		snprintf(where, sizeof(where), "pfn 0x%" PRIx64, (uint64_t)r->frame);
	printf("  %012" PRIx64 "-%012" PRIx64 " %9s  %s%-10s%s %7s  %-22s", (uint64_t)r->start,
	       ps_run_end(r), size,
	       r->state == PTSCOPE_STATE_PRESENT ? s->green : s->yellow,
	       ps_state_name(r->state), s->reset, page, where);
	n = ps_run_flags(r, flags, PS_X86_MAX_FLAGS);
	for (i = 0; i < n; i++)
		printf(" %s", flags[i]);
	n = ps_leaf_flag_names(r->flags, flags, PS_X86_MAX_FLAGS);
	for (i = 0; i < n; i++)
		printf(" %s", flags[i]);
	putchar('\n');
	return 0;
}

static int on_stats(const struct ps_dump_stats *st, void *arg)
{
	struct dump_print *p = arg;
	char b[32];
	int i;

	if (p->o->json) {
		struct ps_json j;

		ps_json_begin(&j, stdout);
		ps_json_str(&j, "type", "summary");
		ps_json_obj(&j, "tables");
		for (i = 0; i < PTSCOPE_NR_LEVELS; i++)
			if (st->tables[i])
				ps_json_u64(&j, ps_level_name((unsigned int)i), st->tables[i]);
		ps_json_obj_end(&j);
		ps_json_u64(&j, "runs", p->runs);
		ps_json_u64(&j, "pages", st->pages);
		ps_json_u64(&j, "entries", st->entries);
		ps_json_u64(&j, "walk_ns", st->walk_ns);
		ps_json_end(&j);
		return 0;
	}
	printf("\n%zu runs:", p->runs);
	for (i = 0; i <= PTSCOPE_STATE_DEVICE; i++) {
		if (!p->pages[i])
			continue;
		ps_fmt_size(b, sizeof(b), p->pages[i] * 4096);
		printf(" %s %s,", ps_state_name((unsigned int)i), b);
	}
	printf(" %" PRIu64 " table entries read in %.3f ms\n", st->entries,
	       st->walk_ns / 1e6);
	return 0;
}

static int run_dump(const struct ps_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "holes", no_argument, NULL, 'H' },
		{ "vma", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ps_opts opts = *o;
	struct dump_print p = { .o = &opts };
	struct ps_dump_cb cb = { on_vma, on_run, on_stats, &p };
	struct ps_dump_opts d = { 0 };
	int c, pid;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jHv:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 'H':
			d.flags |= PTSCOPE_DUMP_F_HOLES;
			break;
		case 'v':
			d.vma_name = optarg;
			break;
		case 'h':
			return ps_help(&ps_cmd_dump);
		default:
			return ps_usage(&ps_cmd_dump);
		}
	}
	if (argc - optind < 1 || argc - optind > 3)
		return ps_usage(&ps_cmd_dump);
	if (ps_parse_pid(argv[optind], &pid))
		return PS_EXIT_USAGE;
	if (argc - optind >= 2) {
		char why[512];

		if (ps_addr_resolve(pid, argv[optind + 1], &d.start, why, sizeof(why)) ||
		    (argc - optind == 3 &&
		     ps_addr_resolve(pid, argv[optind + 2], &d.end, why, sizeof(why)))) {
			ps_err("%s", why);
			return PS_EXIT_FAIL;
		}
		if (argc - optind == 2)	/* the page holding START */
			d.end = (d.start | 4095) + 1;
	}
	return ps_dump_command(pid, &d, &cb);
}

const struct ps_command ps_cmd_dump = {
	.name = "dump",
	.args = "[--json] [--holes] [--vma NAME] PID [START [END]]",
	.summary = "every mapped page as runs, VMA by VMA",
	.help =
	"Walks the page tables of process PID once (or [START, END) of them)\n"
	"and prints runs: stretches of pages with the same state, page size and\n"
	"flags whose frames (or swap slots) follow on. A range is read as the\n"
	"whole pages it touches; with START alone, the page holding START.\n"
	"\n"
	"  -j, --json     one JSON object per run per line\n"
	"  -H, --holes    also runs of never-populated pages (state none)\n"
	"  -v, --vma NAME only VMAs of this name ([heap], a file path)\n",
	.run = run_dump,
};
