// SPDX-License-Identifier: GPL-2.0
/* What a non-present leaf says, in words: the sentences the issue asks for. */
#include <stdio.h>
#include <string.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/leafdesc.h"
#include "tap.h"

int main(void)
{
	struct ps_swap_area zram = { .type = 1, .path = "/dev/zram0" };
	const char *names[PS_LEAF_MAX_FLAGS];
	char buf[4400];
	size_t n;

	ps_swap_words(buf, sizeof(buf), 1, 1234, PTSCOPE_LEAF_F_SWAPCACHE, &zram, true);
	ok(!strcmp(buf, "to /dev/zram0 at slot 1234 (swap type 1, offset 0x4d2), still in the swap cache"),
	   "swapped, cached, area named: %s", buf);
	ps_swap_words(buf, sizeof(buf), 1, 1234, 0, NULL, true);
	ok(!strcmp(buf, "to swap area 1 at slot 1234 (swap type 1, offset 0x4d2), no longer in the swap cache"),
	   "area unknown, not cached: %s", buf);
	ps_swap_words(buf, sizeof(buf), 1, 1234, PTSCOPE_LEAF_F_SWAPCACHE_UNKNOWN, &zram, true);
	ok(!strstr(buf, "swap cache"), "cache state unknown: nothing said: %s", buf);

	ok(ps_leaf_in_swap_cache(PTSCOPE_LEAF_F_SWAPCACHE, false) == -1,
	   "a module that cannot tell: unknown, whatever the bit");
	ok(ps_leaf_in_swap_cache(0, true) == 0, "known and clear: not cached");

	n = ps_leaf_flag_names(PTSCOPE_LEAF_F_SHMEM | PTSCOPE_LEAF_F_UFFD_WP |
			       PTSCOPE_LEAF_F_GUARD, names, PS_LEAF_MAX_FLAGS);
	ok(n == 3 && !strcmp(names[0], "shmem") && !strcmp(names[1], "uffd-wp") &&
	   !strcmp(names[2], "guard"), "flag names in bit order");
	n = ps_leaf_flag_names(PTSCOPE_LEAF_F_SWAPCACHE_UNKNOWN, names, PS_LEAF_MAX_FLAGS);
	ok(n == 0, "the unknown-cache bit is not a flag of the entry");
	return tap_done();
}
