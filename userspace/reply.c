// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include "../module/uapi/ptscope.h"
#include "reply.h"

static struct nla_policy top_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_VERSION]		= { .type = NLA_STRING, .maxlen = 64 },
	[PTSCOPE_A_PID]			= { .type = NLA_U32 },
	[PTSCOPE_A_VA]			= { .type = NLA_U64 },
	[PTSCOPE_A_PAGING_LEVELS]	= { .type = NLA_U8 },
	[PTSCOPE_A_PAGE_SHIFT]		= { .type = NLA_U8 },
	[PTSCOPE_A_MAX_ADDRS]		= { .type = NLA_U32 },
	[PTSCOPE_A_FRAMES_HIDDEN]	= { .type = NLA_FLAG },
	[PTSCOPE_A_STATE]		= { .type = NLA_U8 },
	[PTSCOPE_A_LEVELS]		= { .type = NLA_NESTED },
	[PTSCOPE_A_PFN]			= { .type = NLA_U64 },
	[PTSCOPE_A_PHYS]		= { .type = NLA_U64 },
	[PTSCOPE_A_ROOT_PHYS]		= { .type = NLA_U64 },
	[PTSCOPE_A_VMA]			= { .type = NLA_NESTED },
	[PTSCOPE_A_SWAP_TYPE]		= { .type = NLA_U8 },
	[PTSCOPE_A_SWAP_OFFSET]		= { .type = NLA_U64 },
	[PTSCOPE_A_LEAF_FLAGS]		= { .type = NLA_U32 },
	[PTSCOPE_A_FEATURES]		= { .type = NLA_U32 },
	[PTSCOPE_A_SWAP_AREA]		= { .type = NLA_NESTED },
	[PTSCOPE_A_EVENT_MASK]		= { .type = NLA_U32 },
	[PTSCOPE_A_WATCH_FLAGS]		= { .type = NLA_U32 },
	[PTSCOPE_A_BUFFER]		= { .type = NLA_U32 },
	/* Binary structs: their exact sizes are checked where they are read. */
	[PTSCOPE_A_EVENTS]		= { .type = NLA_UNSPEC },
	[PTSCOPE_A_COUNTS]		= { .type = NLA_UNSPEC },
	[PTSCOPE_A_END_REASON]		= { .type = NLA_U8 },
	[PTSCOPE_A_KERNEL]		= { .type = NLA_STRING },
	[PTSCOPE_A_HOOK]		= { .type = NLA_NESTED },
	[PTSCOPE_A_OBJECTS]		= { .type = NLA_NESTED },
	[PTSCOPE_A_SUB]			= { .type = NLA_NESTED },
};

static struct nla_policy swap_policy[PTSCOPE_SWAP_A_MAX + 1] = {
	[PTSCOPE_SWAP_A_TYPE]		= { .type = NLA_U8 },
	[PTSCOPE_SWAP_A_PATH]		= { .type = NLA_STRING },
	[PTSCOPE_SWAP_A_PRIO]		= { .type = NLA_U32 },
	[PTSCOPE_SWAP_A_SIZE_KIB]	= { .type = NLA_U64 },
	[PTSCOPE_SWAP_A_DEV]		= { .type = NLA_U32 },
	[PTSCOPE_SWAP_A_INO]		= { .type = NLA_U64 },
	[PTSCOPE_SWAP_A_BDEV]		= { .type = NLA_FLAG },
};

static struct nla_policy level_policy[PTSCOPE_LEVEL_A_MAX + 1] = {
	[PTSCOPE_LEVEL_A_ID]		= { .type = NLA_U8 },
	[PTSCOPE_LEVEL_A_INDEX]		= { .type = NLA_U32 },
	[PTSCOPE_LEVEL_A_SHIFT]		= { .type = NLA_U8 },
	[PTSCOPE_LEVEL_A_BITS]		= { .type = NLA_U8 },
	[PTSCOPE_LEVEL_A_ENTRY]		= { .type = NLA_U64 },
	[PTSCOPE_LEVEL_A_KIND]		= { .type = NLA_U8 },
	[PTSCOPE_LEVEL_A_ENTRY_PHYS]	= { .type = NLA_U64 },
};

static struct nla_policy vma_policy[PTSCOPE_VMA_A_MAX + 1] = {
	[PTSCOPE_VMA_A_START]	= { .type = NLA_U64 },
	[PTSCOPE_VMA_A_END]	= { .type = NLA_U64 },
	[PTSCOPE_VMA_A_FLAGS]	= { .type = NLA_U32 },
	[PTSCOPE_VMA_A_PGOFF]	= { .type = NLA_U64 },
	[PTSCOPE_VMA_A_KIND]	= { .type = NLA_U8 },
	[PTSCOPE_VMA_A_NAME]	= { .type = NLA_STRING },
};

int ps_parse_attrs(struct nlmsghdr *nlh, struct nlattr **tb, const char **why)
{
	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, top_policy)) {
		*why = "malformed attributes";
		return -1;
	}
	return 0;
}

int ps_parse_info(struct nlmsghdr *nlh, struct ps_info *info, const char **why)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (ps_parse_attrs(nlh, tb, why))
		return -1;
	if (!tb[PTSCOPE_A_VERSION] || !tb[PTSCOPE_A_PAGING_LEVELS] ||
	    !tb[PTSCOPE_A_PAGE_SHIFT] || !tb[PTSCOPE_A_MAX_ADDRS]) {
		*why = "incomplete module information";
		return -1;
	}
	nla_strlcpy(info->version, tb[PTSCOPE_A_VERSION], sizeof(info->version));
	info->paging_levels = nla_get_u8(tb[PTSCOPE_A_PAGING_LEVELS]);
	info->page_shift = nla_get_u8(tb[PTSCOPE_A_PAGE_SHIFT]);
	info->max_addrs = nla_get_u32(tb[PTSCOPE_A_MAX_ADDRS]);
	info->frames_hidden = nla_get_flag(tb[PTSCOPE_A_FRAMES_HIDDEN]);
	if (tb[PTSCOPE_A_FEATURES])
		info->features = nla_get_u32(tb[PTSCOPE_A_FEATURES]);
	/* Requests take 1..max_addrs addresses: with none, a walk never ends. */
	if (!info->max_addrs) {
		*why = "module information out of range";
		return -1;
	}
	return 0;
}

int ps_parse_swap_area(struct nlmsghdr *nlh, struct ps_swap_area *a,
		       const char **why)
{
	struct nlattr *top[PTSCOPE_A_MAX + 1], *tb[PTSCOPE_SWAP_A_MAX + 1];

	memset(a, 0, sizeof(*a));
	if (ps_parse_attrs(nlh, top, why))
		return -1;
	if (!top[PTSCOPE_A_SWAP_AREA] ||
	    nla_parse_nested(tb, PTSCOPE_SWAP_A_MAX, top[PTSCOPE_A_SWAP_AREA],
			     swap_policy)) {
		*why = "malformed swap area";
		return -1;
	}
	if (!tb[PTSCOPE_SWAP_A_TYPE] || !tb[PTSCOPE_SWAP_A_PRIO] ||
	    !tb[PTSCOPE_SWAP_A_SIZE_KIB] || !tb[PTSCOPE_SWAP_A_DEV] ||
	    !tb[PTSCOPE_SWAP_A_INO]) {
		*why = "incomplete swap area";
		return -1;
	}
	a->type = nla_get_u8(tb[PTSCOPE_SWAP_A_TYPE]);
	if (tb[PTSCOPE_SWAP_A_PATH])
		nla_strlcpy(a->path, tb[PTSCOPE_SWAP_A_PATH], sizeof(a->path));
	a->prio = (int32_t)nla_get_u32(tb[PTSCOPE_SWAP_A_PRIO]);
	a->size_kib = nla_get_u64(tb[PTSCOPE_SWAP_A_SIZE_KIB]);
	a->dev = nla_get_u32(tb[PTSCOPE_SWAP_A_DEV]);
	a->ino = nla_get_u64(tb[PTSCOPE_SWAP_A_INO]);
	a->bdev = nla_get_flag(tb[PTSCOPE_SWAP_A_BDEV]);
	return 0;
}

static int parse_level(struct nlattr *nest, struct ps_level *l, const char **why)
{
	struct nlattr *tb[PTSCOPE_LEVEL_A_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_LEVEL_A_MAX, nest, level_policy)) {
		*why = "malformed level";
		return -1;
	}
	if (!tb[PTSCOPE_LEVEL_A_ID] || !tb[PTSCOPE_LEVEL_A_INDEX] ||
	    !tb[PTSCOPE_LEVEL_A_SHIFT] || !tb[PTSCOPE_LEVEL_A_BITS] ||
	    !tb[PTSCOPE_LEVEL_A_ENTRY] || !tb[PTSCOPE_LEVEL_A_KIND]) {
		*why = "incomplete level";
		return -1;
	}
	l->id = nla_get_u8(tb[PTSCOPE_LEVEL_A_ID]);
	l->index = nla_get_u32(tb[PTSCOPE_LEVEL_A_INDEX]);
	l->shift = nla_get_u8(tb[PTSCOPE_LEVEL_A_SHIFT]);
	l->bits = nla_get_u8(tb[PTSCOPE_LEVEL_A_BITS]);
	l->entry = nla_get_u64(tb[PTSCOPE_LEVEL_A_ENTRY]);
	l->kind = nla_get_u8(tb[PTSCOPE_LEVEL_A_KIND]);
	l->has_phys = tb[PTSCOPE_LEVEL_A_ENTRY_PHYS];
	if (l->has_phys)
		l->entry_phys = nla_get_u64(tb[PTSCOPE_LEVEL_A_ENTRY_PHYS]);
	if (l->id >= PTSCOPE_NR_LEVELS || l->kind > PTSCOPE_ENTRY_BAD ||
	    l->shift >= 64 || l->bits > 16 || l->shift + l->bits > 64) {
		*why = "level out of range";
		return -1;
	}
	return 0;
}

int ps_parse_vma(struct nlattr *nest, struct ps_vma *v, const char **why)
{
	struct nlattr *tb[PTSCOPE_VMA_A_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_VMA_A_MAX, nest, vma_policy)) {
		*why = "malformed VMA";
		return -1;
	}
	if (!tb[PTSCOPE_VMA_A_START] || !tb[PTSCOPE_VMA_A_END] ||
	    !tb[PTSCOPE_VMA_A_FLAGS] || !tb[PTSCOPE_VMA_A_KIND] ||
	    !tb[PTSCOPE_VMA_A_NAME]) {
		*why = "incomplete VMA";
		return -1;
	}
	v->start = nla_get_u64(tb[PTSCOPE_VMA_A_START]);
	v->end = nla_get_u64(tb[PTSCOPE_VMA_A_END]);
	v->flags = nla_get_u32(tb[PTSCOPE_VMA_A_FLAGS]);
	v->pgoff = tb[PTSCOPE_VMA_A_PGOFF] ? nla_get_u64(tb[PTSCOPE_VMA_A_PGOFF]) : 0;
	v->kind = nla_get_u8(tb[PTSCOPE_VMA_A_KIND]);
	nla_strlcpy(v->name, tb[PTSCOPE_VMA_A_NAME], sizeof(v->name));
	if (v->start >= v->end || v->kind > PTSCOPE_VMA_SPECIAL) {
		*why = "VMA out of range";
		return -1;
	}
	return 0;
}

int ps_parse_walk(struct nlmsghdr *nlh, struct ps_walk *w, const char **why)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1], *l;
	int rem;

	memset(w, 0, sizeof(*w));
	if (ps_parse_attrs(nlh, tb, why))
		return -1;
	if (!tb[PTSCOPE_A_PID] || !tb[PTSCOPE_A_VA] ||
	    !tb[PTSCOPE_A_PAGING_LEVELS] || !tb[PTSCOPE_A_STATE] ||
	    !tb[PTSCOPE_A_LEVELS]) {
		*why = "incomplete walk";
		return -1;
	}
	w->pid = nla_get_u32(tb[PTSCOPE_A_PID]);
	w->va = nla_get_u64(tb[PTSCOPE_A_VA]);
	w->paging_levels = nla_get_u8(tb[PTSCOPE_A_PAGING_LEVELS]);
	w->state = nla_get_u8(tb[PTSCOPE_A_STATE]);
	if (tb[PTSCOPE_A_PAGE_SHIFT])
		w->page_shift = nla_get_u8(tb[PTSCOPE_A_PAGE_SHIFT]);
	w->frames_hidden = nla_get_flag(tb[PTSCOPE_A_FRAMES_HIDDEN]);
	w->has_pfn = tb[PTSCOPE_A_PFN] && tb[PTSCOPE_A_PHYS];
	if (w->has_pfn) {
		w->pfn = nla_get_u64(tb[PTSCOPE_A_PFN]);
		w->phys = nla_get_u64(tb[PTSCOPE_A_PHYS]);
	}
	w->has_swap = tb[PTSCOPE_A_SWAP_TYPE] && tb[PTSCOPE_A_SWAP_OFFSET];
	if (w->has_swap) {
		w->swap_type = nla_get_u8(tb[PTSCOPE_A_SWAP_TYPE]);
		w->swap_offset = nla_get_u64(tb[PTSCOPE_A_SWAP_OFFSET]);
	}
	if (tb[PTSCOPE_A_LEAF_FLAGS])
		w->leaf_flags = nla_get_u32(tb[PTSCOPE_A_LEAF_FLAGS]);
	w->has_root = tb[PTSCOPE_A_ROOT_PHYS];
	if (w->has_root)
		w->root_phys = nla_get_u64(tb[PTSCOPE_A_ROOT_PHYS]);
	if (w->paging_levels < 2 || w->paging_levels > 5 ||
	    w->state > PTSCOPE_STATE_DEVICE ||
	    (w->page_shift && (w->page_shift < 12 || w->page_shift > 40))) {
		*why = "walk out of range";
		return -1;
	}

	nla_for_each_nested(l, tb[PTSCOPE_A_LEVELS], rem) {
		if (nla_type(l) != PTSCOPE_A_LEVEL)
			continue;
		if (w->nr_levels == w->paging_levels) {
			*why = "more levels than the paging mode has";
			return -1;
		}
		if (parse_level(l, &w->level[w->nr_levels++], why))
			return -1;
	}
	/* What maps a page is the last level: the printers read the leaf there. */
	if ((w->state == PTSCOPE_STATE_PRESENT || w->state == PTSCOPE_STATE_PROTNONE) &&
	    !w->nr_levels) {
		*why = "a mapped page without the entry that maps it";
		return -1;
	}
	w->has_vma = tb[PTSCOPE_A_VMA];
	if (w->has_vma && ps_parse_vma(tb[PTSCOPE_A_VMA], &w->vma, why))
		return -1;
	return 0;
}

const char *ps_state_name(unsigned int state)
{
	static const char *const names[] = {
		[PTSCOPE_STATE_NO_VMA]		= "unmapped",
		[PTSCOPE_STATE_NONE]		= "none",
		[PTSCOPE_STATE_PRESENT]		= "present",
		[PTSCOPE_STATE_PROTNONE]	= "protnone",
		[PTSCOPE_STATE_NONPRESENT]	= "nonpresent",
		[PTSCOPE_STATE_BAD]		= "bad",
		[PTSCOPE_STATE_SWAP]		= "swap",
		[PTSCOPE_STATE_MIGRATION]	= "migration",
		[PTSCOPE_STATE_HWPOISON]	= "hwpoison",
		[PTSCOPE_STATE_MARKER]		= "marker",
		[PTSCOPE_STATE_DEVICE]		= "device",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

void ps_vma_perms(uint32_t flags, char perms[5])
{
	perms[0] = flags & PTSCOPE_VMA_F_READ ? 'r' : '-';
	perms[1] = flags & PTSCOPE_VMA_F_WRITE ? 'w' : '-';
	perms[2] = flags & PTSCOPE_VMA_F_EXEC ? 'x' : '-';
	perms[3] = flags & PTSCOPE_VMA_F_SHARED ? 's' : 'p';
	perms[4] = 0;
}
