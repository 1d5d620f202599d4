// SPDX-License-Identifier: GPL-2.0
/*
 * Reply parsing: well-formed answers come through whole; malformed ones are
 * refused, never half-read. Messages are built with libnl as the kernel
 * builds them.
 */
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/reply.h"
#include "tap.h"

enum { GOOD, NO_STATE, BAD_LEVEL_ID, TOO_MANY_LEVELS, BAD_VMA, SHORT_U64, BAD_STRING,
       NO_LEVEL };

static struct nl_msg *walk_msg(int variant, unsigned int nlevels)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlattr *levels, *l, *v;
	unsigned int i;

	genlmsg_put(m, 0, 0, 16, 0, 0, PTSCOPE_CMD_WALK, 1);
	nla_put_u32(m, PTSCOPE_A_PID, 42);
	if (variant == SHORT_U64)
		nla_put_u32(m, PTSCOPE_A_VA, 0x1000);
	else
		nla_put_u64(m, PTSCOPE_A_VA, 0x7ffd5e2c1a38ULL);
	nla_put_u8(m, PTSCOPE_A_PAGING_LEVELS, 4);
	if (variant != NO_STATE)
		nla_put_u8(m, PTSCOPE_A_STATE, PTSCOPE_STATE_PRESENT);
	nla_put_u8(m, PTSCOPE_A_PAGE_SHIFT, 12);
	nla_put_u64(m, PTSCOPE_A_PFN, 0x10a5f2);
	nla_put_u64(m, PTSCOPE_A_PHYS, 0x10a5f2a38ULL);
	levels = nla_nest_start(m, PTSCOPE_A_LEVELS);
	if (variant == NO_LEVEL)	/* libnl drops an empty nest: not empty */
		nla_put_flag(m, PTSCOPE_A_PAD);
	for (i = 0; i < nlevels; i++) {
		l = nla_nest_start(m, PTSCOPE_A_LEVEL);
		nla_put_u8(m, PTSCOPE_LEVEL_A_ID, variant == BAD_LEVEL_ID ? 9 :
			   (i ? i + 1 : 0));
		nla_put_u32(m, PTSCOPE_LEVEL_A_INDEX, 100 + i);
		nla_put_u8(m, PTSCOPE_LEVEL_A_SHIFT, 39 - 9 * i);
		nla_put_u8(m, PTSCOPE_LEVEL_A_BITS, 9);
		nla_put_u64(m, PTSCOPE_LEVEL_A_ENTRY, 0x8000000100000067ULL + i);
		nla_put_u8(m, PTSCOPE_LEVEL_A_KIND, i == nlevels - 1 ?
			   PTSCOPE_ENTRY_LEAF : PTSCOPE_ENTRY_TABLE);
		nla_nest_end(m, l);
	}
	nla_nest_end(m, levels);
	v = nla_nest_start(m, PTSCOPE_A_VMA);
	nla_put_u64(m, PTSCOPE_VMA_A_START, 0x7ffd5e2a2000ULL);
	nla_put_u64(m, PTSCOPE_VMA_A_END, variant == BAD_VMA ? 0x1000 : 0x7ffd5e2c3000ULL);
	nla_put_u32(m, PTSCOPE_VMA_A_FLAGS, PTSCOPE_VMA_F_READ | PTSCOPE_VMA_F_WRITE);
	nla_put_u8(m, PTSCOPE_VMA_A_KIND, PTSCOPE_VMA_STACK);
	if (variant == BAD_STRING)
		nla_put(m, PTSCOPE_VMA_A_NAME, 7, "[stack]");	/* no NUL */
	else
		nla_put_string(m, PTSCOPE_VMA_A_NAME, "[stack]");
	nla_nest_end(m, v);
	return m;
}

static int parse(int variant, unsigned int nlevels, struct ps_walk *w, const char **why)
{
	struct nl_msg *m = walk_msg(variant, nlevels);
	int r = ps_parse_walk(nlmsg_hdr(m), w, why);

	nlmsg_free(m);
	return r;
}

int main(void)
{
	static struct ps_walk w;
	const char *why = "";
	char perms[5];

	ok(!parse(GOOD, 4, &w, &why), "a well-formed walk parses (%s)", why);
	ok(w.pid == 42 && w.va == 0x7ffd5e2c1a38ULL && w.paging_levels == 4 &&
	   w.state == PTSCOPE_STATE_PRESENT && w.page_shift == 12 && w.has_pfn &&
	   w.pfn == 0x10a5f2 && w.phys == 0x10a5f2a38ULL, "top-level values survive");
	ok(w.nr_levels == 4 && w.level[0].id == PTSCOPE_LEVEL_PGD &&
	   w.level[1].id == PTSCOPE_LEVEL_PUD && w.level[3].index == 103 &&
	   w.level[3].kind == PTSCOPE_ENTRY_LEAF && w.level[2].entry == 0x8000000100000069ULL,
	   "levels survive in order");
	ok(w.has_vma && w.vma.start == 0x7ffd5e2a2000ULL && !strcmp(w.vma.name, "[stack]") &&
	   w.vma.kind == PTSCOPE_VMA_STACK, "the VMA survives");
	ps_vma_perms(w.vma.flags, perms);
	ok(!strcmp(perms, "rw-p"), "VMA flags read as rw-p");

	ok(parse(NO_STATE, 4, &w, &why) && strstr(why, "incomplete"), "a walk without state is refused");
	ok(parse(BAD_LEVEL_ID, 4, &w, &why), "a level id beyond pte is refused");
	ok(parse(TOO_MANY_LEVELS, 5, &w, &why) && strstr(why, "more levels"),
	   "more levels than the paging mode has is refused");
	ok(parse(BAD_VMA, 4, &w, &why), "a VMA ending before it starts is refused");
	ok(parse(SHORT_U64, 4, &w, &why), "a 4-byte value where 8 are due is refused");
	ok(parse(BAD_STRING, 4, &w, &why), "a name without its NUL is refused");
	ok(parse(NO_LEVEL, 0, &w, &why) && strstr(why, "without the entry"),
	   "a present page without the levels that map it is refused");
	ok(!strcmp(ps_state_name(PTSCOPE_STATE_PROTNONE), "protnone") &&
	   !strcmp(ps_state_name(200), "?"), "state names, and unknown ones");
	return tap_done();
}
