// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include "../module/uapi/ptscope.h"
#include "leafdesc.h"

static const char *const flag_names[] = {
	"swapcache", "shmem", "write", "exclusive", "uffd-wp", "poisoned",
	"guard",
};

size_t ps_leaf_flag_names(uint32_t flags, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]) && n < max; i++)
		if (flags & (1U << i))
			names[n++] = flag_names[i];
	return n;
}

int ps_leaf_in_swap_cache(uint32_t flags, bool cache_known)
{
	if (!cache_known || (flags & PTSCOPE_LEAF_F_SWAPCACHE_UNKNOWN))
		return -1;
	return !!(flags & PTSCOPE_LEAF_F_SWAPCACHE);
}

void ps_swap_words(char *buf, size_t len, unsigned int type, uint64_t offset,
		   uint32_t flags, const struct ps_swap_area *area,
		   bool cache_known)
{
	static const char *const cache[] = {
		[0] = ", no longer in the swap cache",
		[1] = ", still in the swap cache",
		[2] = "",
	};
	int c = ps_leaf_in_swap_cache(flags, cache_known);
	char where[4200];

	if (area && area->path[0])
		snprintf(where, sizeof(where), "%s", area->path);
	else
		snprintf(where, sizeof(where), "swap area %u", type);
	snprintf(buf, len, "to %s at slot %" PRIu64 " (swap type %u, offset 0x%" PRIx64 ")%s",
		 where, offset, type, offset, cache[c < 0 ? 2 : c]);
}

void ps_swap_json(struct ps_json *j, unsigned int type, uint64_t offset,
		  uint32_t flags, const struct ps_swap_area *area,
		  bool cache_known)
{
	int c = ps_leaf_in_swap_cache(flags, cache_known);

	ps_json_obj(j, "swap");
	ps_json_u64(j, "type", type);
	ps_json_hex(j, "offset", offset);
	if (area && area->path[0])
		ps_json_str(j, "area", area->path);
	else
		ps_json_null(j, "area");
	if (c < 0)
		ps_json_null(j, "in_swap_cache");
	else
		ps_json_bool(j, "in_swap_cache", c);
	ps_json_bool(j, "shmem", flags & PTSCOPE_LEAF_F_SHMEM);
	ps_json_obj_end(j);
}

void ps_leaf_flags_json(struct ps_json *j, uint32_t flags)
{
	const char *names[PS_LEAF_MAX_FLAGS];
	size_t i, n = ps_leaf_flag_names(flags, names, PS_LEAF_MAX_FLAGS);

	ps_json_arr(j, "leaf_flags");
	for (i = 0; i < n; i++)
		ps_json_str(j, NULL, names[i]);
	ps_json_arr_end(j);
}
