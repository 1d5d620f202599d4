// SPDX-License-Identifier: GPL-2.0
/*
 * A swap entry carries a type, the index of its area in the kernel's table.
 * /proc/swaps cannot translate it (it skips free slots), so the module
 * does. A type is only reused after swapoff has taken every entry of that
 * type out of every page table, so an area named the same before and after
 * a walk is the area of every entry of that type the walk met.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include "../module/uapi/ptscope.h"
#include "ptscope.h"
#include "swaps.h"

static int area_reply(struct nl_msg *msg, void *arg)
{
	struct ps_swaps *s = arg;
	const char *why;

	if (s->n == PS_MAX_SWAP_AREAS) {
		ps_err("unexpected answer from the module: more swap areas than a kernel has");
		return -EPROTO;
	}
	if (ps_parse_swap_area(nlmsg_hdr(msg), &s->area[s->n], &why)) {
		ps_err("unexpected answer from the module: %s", why);
		return -EPROTO;
	}
	s->n++;
	return 0;
}

int ps_swaps_query(struct ps_nl *nl, struct ps_swaps *s)
{
	struct nl_msg *msg = ps_nl_msg(nl, PTSCOPE_CMD_SWAP_AREAS, NLM_F_DUMP, 0);

	s->n = 0;
	if (!msg)
		return -ENOMEM;
	return ps_nl_transact(nl, msg, area_reply, s, NULL);
}

static struct {
	bool active, cache_known;
	struct ps_swaps before;
	bool named[256];
} walk;

/* Is any swap area active? Saves a request when there is none. */
static bool any_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return true;	/* let the module say what it can */
	while (n < 2 && fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n > 1;
}

void ps_swaps_begin(struct ps_nl *nl, uint32_t features)
{
	memset(&walk.named, 0, sizeof(walk.named));
	walk.cache_known = features & PTSCOPE_FEAT_SWAP_CACHE;
	/* Asking also shows the module each area's swap map (cache state). */
	walk.active = (features & PTSCOPE_FEAT_SWAP_AREAS) && any_swap() &&
		      !ps_swaps_query(nl, &walk.before);
}

bool ps_swaps_cache_known(void)
{
	return walk.cache_known;
}

static const struct ps_swap_area *find(const struct ps_swaps *s,
				       unsigned int type)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (s->area[i].type == type)
			return &s->area[i];
	return NULL;
}

const struct ps_swap_area *ps_swaps_lookup(unsigned int type)
{
	const struct ps_swap_area *a;

	if (!walk.active || type >= sizeof(walk.named))
		return NULL;
	a = find(&walk.before, type);
	if (a)
		walk.named[type] = true;
	return a;
}

static bool same_area(const struct ps_swap_area *a, const struct ps_swap_area *b)
{
	return a && b && a->dev == b->dev && a->ino == b->ino &&
	       !strcmp(a->path, b->path);
}

int ps_swaps_end(struct ps_nl *nl)
{
	static struct ps_swaps after;
	unsigned int t;
	bool any = false;
	int err;

	if (!walk.active)
		return 0;
	walk.active = false;
	for (t = 0; t < sizeof(walk.named); t++)
		any |= walk.named[t];
	if (!any)
		return 0;
	err = ps_swaps_query(nl, &after);
	if (err)
		return err;
	for (t = 0; t < sizeof(walk.named); t++) {
		const struct ps_swap_area *a = find(&walk.before, t);

		if (walk.named[t] && !same_area(a, find(&after, t))) {
			ps_err("swap areas changed during the walk (swapoff/swapon): swap type %u may not be %s; run it again",
			       t, a->path);
			return -EAGAIN;
		}
	}
	return 0;
}
