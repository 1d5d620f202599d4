/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_SWAPS_H
#define _PTSCOPE_SWAPS_H

#include <linux/swap.h>
#include <linux/types.h>

/* An active swap area, as of the request that asked. */
struct ptscope_swap_area {
	char *path;		/* in the caller's mount namespace; NULL if unnamed */
	u64 size_kib;
	u32 dev;		/* st_dev and st_ino of the path, for the client */
	u64 ino;
	s16 prio;
	u8 type;
	bool is_bdev;
};

void ptscope_swaps_init(void);
int ptscope_swap_areas(struct ptscope_swap_area *areas);
void ptscope_swap_areas_free(struct ptscope_swap_area *areas, int nr);
int ptscope_swap_cached(unsigned int type, unsigned long offset);
bool ptscope_swap_cache_known(void);

#endif /* _PTSCOPE_SWAPS_H */
