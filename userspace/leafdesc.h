/* SPDX-License-Identifier: GPL-2.0 */
/* What a non-present leaf says, in words and in JSON. */
#ifndef PTSCOPE_LEAFDESC_H
#define PTSCOPE_LEAFDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "reply.h"

#define PS_LEAF_MAX_FLAGS 8

/* Names of the PTSCOPE_LEAF_F_* bits in @flags ("swapcache", "uffd-wp"...). */
size_t ps_leaf_flag_names(uint32_t flags, const char **names, size_t max);

/* 1, 0, or -1 when the module could not tell. */
int ps_leaf_in_swap_cache(uint32_t flags, bool cache_known);

/*
 * "to /dev/zram0 at slot 1234 (swap type 0), still in the swap cache";
 * @area NULL when the module could not name it.
 */
void ps_swap_words(char *buf, size_t len, unsigned int type, uint64_t offset,
		   uint32_t flags, const struct ps_swap_area *area,
		   bool cache_known);

/* "swap": {"type", "offset", "area", "in_swap_cache", "shmem"} */
void ps_swap_json(struct ps_json *j, unsigned int type, uint64_t offset,
		  uint32_t flags, const struct ps_swap_area *area,
		  bool cache_known);

/* "leaf_flags": [...] */
void ps_leaf_flags_json(struct ps_json *j, uint32_t flags);

#endif
