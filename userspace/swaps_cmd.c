// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope swaps`: /proc/swaps with the one column it lacks, the type that
 * swap entries carry.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include "../module/uapi/ptscope.h"
#include "cli.h"
#include "json.h"
#include "ptscope.h"
#include "request.h"
#include "swaps.h"
#include "term.h"

static void print_area(const struct ps_swap_area *a, const struct ps_opts *o)
{
	const struct ps_style *s = ps_style(o->color);
	char size[32];

	if (o->json) {
		struct ps_json j;

		ps_json_begin(&j, stdout);
		ps_json_u64(&j, "type", a->type);
		if (a->path[0])
			ps_json_str(&j, "area", a->path);
		else
			ps_json_null(&j, "area");
		ps_json_str(&j, "kind", a->bdev ? "partition" : "file");
		ps_json_u64(&j, "size_kib", a->size_kib);
		ps_json_int(&j, "priority", a->prio);
		ps_json_u64(&j, "dev", a->dev);
		ps_json_u64(&j, "ino", a->ino);
		ps_json_end(&j);
		return;
	}
	ps_fmt_size(size, sizeof(size), a->size_kib << 10);
	printf("%s%4u%s  %-9s %9s %8d  %u:%u/%" PRIu64 "  %s\n", s->cyan, a->type,
	       s->reset, a->bdev ? "partition" : "file", size, a->prio,
	       major(a->dev), minor(a->dev), a->ino, a->path[0] ? a->path : "?");
}

static int run_swaps(const struct ps_opts *o, int argc, char **argv)
{
	struct ps_opts opts = *o;
	static struct ps_swaps sw;
	struct ps_info info;
	struct ps_nl nl;
	unsigned int i;
	int c, err;

	c = ps_json_opts(&ps_cmd_swaps, argc, argv, &opts);
	if (c >= 0)
		return c;
	if (argc != optind)
		return ps_usage(&ps_cmd_swaps);
	if (ps_nl_open(&nl))
		return PS_EXIT_FAIL;
	err = ps_get_info(&nl, &info);
	if (!err && !(info.features & PTSCOPE_FEAT_SWAP_AREAS)) {
		ps_err("this kernel does not let ptscope name swap areas: swap entries show their type only");
		err = -1;
	}
	if (!err)
		err = ps_swaps_query(&nl, &sw);
	ps_nl_close(&nl);
	if (err)
		return PS_EXIT_FAIL;
	if (!opts.json)
		printf("%s%4s  %-9s %9s %8s  %-12s %s%s\n", ps_style(opts.color)->bold,
		       "type", "kind", "size", "priority", "dev/ino", "area",
		       ps_style(opts.color)->reset);
	for (i = 0; i < sw.n; i++)
		print_area(&sw.area[i], &opts);
	return PS_EXIT_OK;
}

const struct ps_command ps_cmd_swaps = {
	.name = "swaps",
	.args = "[--json]",
	.summary = "the active swap areas and the type swap entries name them by",
	.help =
	"Lists the active swap areas as /proc/swaps does, with each one's type:\n"
	"the number a swapped-out page's entry carries (ptscope walk and dump\n"
	"show it). /proc/swaps cannot be used for that: it skips the types of\n"
	"areas that were swapped off, so its Nth line need not be type N.\n"
	"\n"
	"  -j, --json   one JSON object per area per line\n",
	.run = run_swaps,
};
