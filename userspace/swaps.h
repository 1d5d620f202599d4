/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which swap area a swap type is, as the module resolves it, kept for the
 * length of one walk or dump and checked again at its end.
 */
#ifndef PTSCOPE_SWAPS_H
#define PTSCOPE_SWAPS_H

#include <stdbool.h>
#include <stdint.h>
#include "nl.h"
#include "reply.h"

#define PS_MAX_SWAP_AREAS 32

struct ps_swaps {
	unsigned int n;
	struct ps_swap_area area[PS_MAX_SWAP_AREAS];
};

/* The active areas, in type order; 0 or a negative errno (printed). */
int ps_swaps_query(struct ps_nl *nl, struct ps_swaps *s);

/*
 * Around a walk or dump: begin resolves the areas (if the module can and
 * there is any swap at all); lookups during it name a type's area and
 * remember that it was named; end asks again and fails, saying so, if an
 * area named during the walk is not the one there now. Without begin, or
 * when the module cannot name areas, lookups return NULL.
 */
void ps_swaps_begin(struct ps_nl *nl, uint32_t features);
const struct ps_swap_area *ps_swaps_lookup(unsigned int type);
int ps_swaps_end(struct ps_nl *nl);
/* Whether the module knows which swapped pages are in the swap cache. */
bool ps_swaps_cache_known(void);

#endif
