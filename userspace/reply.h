/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel replies, parsed and checked into plain structs. Everything the
 * kernel sends passes through here (the live-event messages through
 * watchreply.c, on top of ps_parse_attrs), so nothing else reads attributes.
 */
#ifndef PTSCOPE_REPLY_H
#define PTSCOPE_REPLY_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/msg.h>

struct ps_info {
	char version[64];
	unsigned int paging_levels, page_shift, max_addrs;
	uint32_t features;		/* PTSCOPE_FEAT_* */
	bool frames_hidden;
};

struct ps_level {
	unsigned int id, kind, shift, bits;
	uint32_t index;
	uint64_t entry;
	bool has_phys;
	uint64_t entry_phys;
};

struct ps_vma {
	uint64_t start, end, pgoff;
	uint32_t flags;
	unsigned int kind;
	char name[4096];
};

struct ps_walk {
	uint32_t pid;
	uint64_t va;
	unsigned int paging_levels, state, page_shift;
	bool frames_hidden;
	bool has_pfn, has_root;
	uint64_t pfn, phys, root_phys;
	unsigned int nr_levels;
	struct ps_level level[5];
	bool has_vma;
	struct ps_vma vma;
	bool has_swap;
	unsigned int swap_type;
	uint64_t swap_offset;
	uint32_t leaf_flags;		/* PTSCOPE_LEAF_F_* */
};

struct ps_swap_area {
	unsigned int type;
	char path[4096];		/* "" if the kernel could not name it */
	int prio;
	uint64_t size_kib, ino;
	uint32_t dev;
	bool bdev;
};

/* 0, or -1 if the message is not a well-formed reply (reason in @why). */
/* The top-level attributes of any ptscope message, checked by one policy. */
int ps_parse_attrs(struct nlmsghdr *nlh, struct nlattr **tb, const char **why);
int ps_parse_info(struct nlmsghdr *nlh, struct ps_info *info, const char **why);
int ps_parse_vma(struct nlattr *nest, struct ps_vma *v, const char **why);
int ps_parse_walk(struct nlmsghdr *nlh, struct ps_walk *w, const char **why);
int ps_parse_swap_area(struct nlmsghdr *nlh, struct ps_swap_area *a,
		       const char **why);

const char *ps_state_name(unsigned int state);	/* "present", "none", ... */
void ps_vma_perms(uint32_t flags, char perms[5]);	/* "rw-p" */

#endif
