// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family: policies, requests and replies.
 *
 * A WALK is a dump so that any number of answers streams back in messages
 * filled to the socket buffer. Everything a request can get wrong is checked
 * in .start, in the sender's context, before any answer; .dumpit then only
 * walks.
 *
 * The dump holds the target mm by mm_count only, so a client that stops
 * reading cannot keep a dead process's memory alive; each batch takes
 * mm_users for as long as it walks, and a process that exits meanwhile ends
 * the dump with -ESRCH.
 */

#include <linux/limits.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "compat.h"
#include "dump.h"
#include "limits.h"
#include "netlink.h"
#include "ptscope.h"
#include "swaps.h"
#include "target.h"
#include "vma.h"
#include "walk.h"
#include "watch.h"

static struct netlink_range_validation buffer_range = {
	.min = PTSCOPE_BUFFER_MIN,
	.max = PTSCOPE_BUFFER_MAX,
};

static const struct nla_policy ptscope_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID]		= { .type = NLA_U32 },
	[PTSCOPE_A_ADDR]	= { .type = NLA_U64 },
	[PTSCOPE_A_START]	= { .type = NLA_U64 },
	[PTSCOPE_A_END]		= { .type = NLA_U64 },
	[PTSCOPE_A_DUMP_FLAGS]	= NLA_POLICY_MASK(NLA_U32, PTSCOPE_DUMP_F_ALL),
	[PTSCOPE_A_VMA_NAME]	= { .type = NLA_NUL_STRING, .len = PATH_MAX - 1 },
	[PTSCOPE_A_EVENT_MASK]	= NLA_POLICY_MASK(NLA_U32, PTSCOPE_EVK_ALL),
	[PTSCOPE_A_WATCH_FLAGS]	= NLA_POLICY_MASK(NLA_U32, PTSCOPE_WATCH_F_ALL),
	[PTSCOPE_A_BUFFER]	= NLA_POLICY_FULL_RANGE(NLA_U32, &buffer_range),
};

/*
 * A refused dump request. Before 6.5 the extack of ->start() never reached
 * the caller (only a dump's DONE message carried one), so the verdict is
 * kept and given by the first ->dumpit() call instead; it is still decided
 * in ->start(), in the sender's context. Returns what ->start() returns.
 */
struct refusal {
	int err;
	const char *msg;
};

static int refuse(struct netlink_callback *cb, const struct netlink_ext_ack *ext,
		  int err, struct refusal *keep)
{
	if (cb->extack) {
		ptscope_extack_copy(cb->extack, ext);
		return err;
	}
	keep->err = err;
	keep->msg = ext->_msg;
	return 0;
}

/* The first ->dumpit() of a refused request. */
static int refused(struct netlink_callback *cb, const struct refusal *r)
{
	if (cb->extack)
		cb->extack->_msg = r->msg;
	return r->err;
}

/* One message of a multi-part dump reply, to the requester. */
static void *put_dump_header(struct sk_buff *skb, struct netlink_callback *cb,
			     u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &ptscope_family, NLM_F_MULTI, cmd);
}

struct walk_dump {
	struct ptscope_target target;
	char *path;		/* PATH_MAX bytes for VMA names */
	struct refusal refusal;
	struct ps_held held;
	u32 nr, next;
	unsigned long addrs[];
};

static u32 features(void)
{
	return PTSCOPE_FEAT_SWAP_AREAS |
	       (ptscope_swap_cache_known() ? PTSCOPE_FEAT_SWAP_CACHE : 0);
}

static int get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptscope_family, 0,
				PTSCOPE_CMD_GET_INFO);
	if (!hdr)
		goto nospace;
	if (nla_put_string(msg, PTSCOPE_A_VERSION, PTSCOPE_VERSION) ||
	    nla_put_u8(msg, PTSCOPE_A_PAGING_LEVELS, ptscope_paging_levels()) ||
	    nla_put_u8(msg, PTSCOPE_A_PAGE_SHIFT, PAGE_SHIFT) ||
	    nla_put_u32(msg, PTSCOPE_A_MAX_ADDRS, READ_ONCE(ptscope_max_addrs)) ||
	    nla_put_u32(msg, PTSCOPE_A_FEATURES, features()) ||
	    (!ptscope_frames_visible(skb) &&
	     nla_put_flag(msg, PTSCOPE_A_FRAMES_HIDDEN)))
		goto nospace;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int put_level(struct sk_buff *skb, const struct ptscope_step *l,
		     bool visible)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_LEVEL);
	u64 entry = visible ? l->entry : ptscope_hide_frame(l);

	if (!nest ||
	    nla_put_u8(skb, PTSCOPE_LEVEL_A_ID, l->id) ||
	    nla_put_u32(skb, PTSCOPE_LEVEL_A_INDEX, l->index) ||
	    nla_put_u8(skb, PTSCOPE_LEVEL_A_SHIFT, l->shift) ||
	    nla_put_u8(skb, PTSCOPE_LEVEL_A_BITS, l->bits) ||
	    nla_put_u64_64bit(skb, PTSCOPE_LEVEL_A_ENTRY, entry,
			      PTSCOPE_LEVEL_A_PAD) ||
	    nla_put_u8(skb, PTSCOPE_LEVEL_A_KIND, l->kind) ||
	    (visible && nla_put_u64_64bit(skb, PTSCOPE_LEVEL_A_ENTRY_PHYS,
					  l->entry_phys, PTSCOPE_LEVEL_A_PAD)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_vma(struct sk_buff *skb, const struct ptscope_vma *v)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_VMA);

	if (!nest ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_START, v->start,
			      PTSCOPE_VMA_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_END, v->end,
			      PTSCOPE_VMA_A_PAD) ||
	    nla_put_u32(skb, PTSCOPE_VMA_A_FLAGS, v->flags) ||
	    nla_put_u64_64bit(skb, PTSCOPE_VMA_A_PGOFF, v->pgoff,
			      PTSCOPE_VMA_A_PAD) ||
	    nla_put_u8(skb, PTSCOPE_VMA_A_KIND, v->kind) ||
	    nla_put_string(skb, PTSCOPE_VMA_A_NAME, v->name))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_walk(struct sk_buff *skb, const struct ptscope_target *t,
		    const struct ptscope_walk *w, const struct ptscope_vma *v)
{
	bool mapped = ptscope_state_has_pfn(w->state);
	struct nlattr *levels;
	unsigned int i;

	if (nla_put_u32(skb, PTSCOPE_A_PID, t->pid) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VA, w->va, PTSCOPE_A_PAD) ||
	    nla_put_u8(skb, PTSCOPE_A_PAGING_LEVELS, ptscope_paging_levels()) ||
	    nla_put_u8(skb, PTSCOPE_A_STATE, w->state))
		return -EMSGSIZE;
	if (w->page_shift &&
	    nla_put_u8(skb, PTSCOPE_A_PAGE_SHIFT, w->page_shift))
		return -EMSGSIZE;
	if (!t->frames_visible) {
		if (nla_put_flag(skb, PTSCOPE_A_FRAMES_HIDDEN))
			return -EMSGSIZE;
	} else {
		if (nla_put_u64_64bit(skb, PTSCOPE_A_ROOT_PHYS, w->root_phys,
				      PTSCOPE_A_PAD))
			return -EMSGSIZE;
		if (mapped &&
		    (nla_put_u64_64bit(skb, PTSCOPE_A_PFN, w->pfn,
				       PTSCOPE_A_PAD) ||
		     nla_put_u64_64bit(skb, PTSCOPE_A_PHYS,
				       PFN_PHYS(w->pfn) | offset_in_page(w->va),
				       PTSCOPE_A_PAD)))
			return -EMSGSIZE;
	}

	if (w->state == PTSCOPE_STATE_SWAP && t->frames_visible &&
	    (nla_put_u8(skb, PTSCOPE_A_SWAP_TYPE, w->leaf.swap_type) ||
	     nla_put_u64_64bit(skb, PTSCOPE_A_SWAP_OFFSET, w->leaf.frame,
			       PTSCOPE_A_PAD)))
		return -EMSGSIZE;
	if (w->leaf.flags &&
	    nla_put_u32(skb, PTSCOPE_A_LEAF_FLAGS, w->leaf.flags))
		return -EMSGSIZE;

	levels = nla_nest_start(skb, PTSCOPE_A_LEVELS);
	if (!levels)
		return -EMSGSIZE;
	for (i = 0; i < w->nr_levels; i++)
		if (put_level(skb, &w->level[i], t->frames_visible))
			return -EMSGSIZE;
	nla_nest_end(skb, levels);

	return v ? put_vma(skb, v) : 0;
}

/* Answer one address; -EMSGSIZE means "no room left in this skb". */
static int walk_one(struct sk_buff *skb, struct netlink_callback *cb,
		    struct walk_dump *st, unsigned long va)
{
	struct mm_struct *mm = st->target.mm;
	struct vm_area_struct *vma = find_vma(mm, va);
	struct ptscope_vma v;
	struct ptscope_walk w;
	void *hdr;
	int err;

	if (vma && vma->vm_start <= va) {
		err = ptscope_walk_va(vma, va, &w);
		if (err) {
			NL_SET_ERR_MSG(cb->extack,
				       "the page tables kept changing during the walk; try again");
			return err;
		}
		ptscope_vma_describe(vma, st->path, PATH_MAX, &v);
	} else {
		vma = NULL;
		memset(&w, 0, sizeof(w));
		w.va = va;
		w.state = PTSCOPE_STATE_NO_VMA;
		w.root_phys = __pa(ptscope_user_pgdp(mm->pgd));
	}

	hdr = put_dump_header(skb, cb, PTSCOPE_CMD_WALK);
	if (!hdr)
		return -EMSGSIZE;
	if (put_walk(skb, &st->target, &w, vma ? &v : NULL)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct walk_dump *st = (struct walk_dump *)cb->args[0];
	struct mm_struct *mm = st->target.mm;
	int err = 0;

	if (st->refusal.err)
		return refused(cb, &st->refusal);
	if (st->next >= st->nr)
		return 0;
	if (!mmget_not_zero(mm)) {
		NL_SET_ERR_MSG(cb->extack, "the process exited during the walk");
		return -ESRCH;
	}
	if (mmap_read_lock_killable(mm)) {
		mmput(mm);
		return -EINTR;
	}
	for (; st->next < st->nr; st->next++) {
		err = walk_one(skb, cb, st, st->addrs[st->next]);
		if (err)
			break;
	}
	mmap_read_unlock(mm);
	mmput(mm);

	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* PTSCOPE_A_ADDR repeats at the top level: the policy checked each one. */
static bool is_addr(const struct nlattr *a)
{
	return nla_type(a) == PTSCOPE_A_ADDR;
}

static int walk_check_addrs(const struct nlmsghdr *nlh,
			    struct netlink_ext_ack *extack, u32 *nr)
{
	u32 max = READ_ONCE(ptscope_max_addrs);
	const struct nlattr *a;
	int rem;

	*nr = 0;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (!is_addr(a))
			continue;
		if (++*nr > max) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "too many addresses in one request (module parameter max_addrs)");
			return -E2BIG;
		}
		if (!ptscope_user_addr_ok(nla_get_u64(a))) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "not a user-space address: kernel half or non-canonical");
			return -EINVAL;
		}
	}
	if (!*nr) {
		NL_SET_ERR_MSG(extack, "missing PTSCOPE_A_ADDR: which addresses?");
		return -EINVAL;
	}
	return 0;
}

static int walk_start(struct netlink_callback *cb)
{
	struct nlattr **tb = ptscope_dump_attrs(cb);
	struct netlink_ext_ack ext = {};
	const struct nlattr *a;
	struct walk_dump *st;
	u32 nr, i = 0;
	int rem, err;

	err = walk_check_addrs(cb->nlh, &ext, &nr);
	st = kvzalloc(struct_size(st, addrs, err ? 0 : nr), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	if (err)
		goto refuse;

	err = ps_hold(&st->held, PS_RES_REQUESTS, 1, &ext);
	if (err)
		goto refuse;
	st->path = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (!st->path) {
		err = -ENOMEM;
		goto free;
	}
	nlmsg_for_each_attr(a, cb->nlh, GENL_HDRLEN, rem)
		if (is_addr(a))
			st->addrs[i++] = nla_get_u64(a);
	st->nr = nr;

	err = ptscope_target_get(cb->skb, tb[PTSCOPE_A_PID], &ext, &st->target);
	if (err)
		goto refuse;

	/* One answer with a PATH_MAX file name must fit in one skb. */
	cb->min_dump_alloc = PATH_MAX + 1024;
	cb->args[0] = (long)st;
	return 0;

refuse:
	err = refuse(cb, &ext, err, &st->refusal);
	if (!err) {
		cb->args[0] = (long)st;
		return 0;
	}
free:
	ps_release(&st->held);
	kfree(st->path);
	kvfree(st);
	return err;
}

static int walk_done(struct netlink_callback *cb)
{
	struct walk_dump *st = (struct walk_dump *)cb->args[0];

	if (st) {
		ptscope_target_put(&st->target);
		ps_release(&st->held);
		kfree(st->path);
		kvfree(st);
	}
	return 0;
}

/*
 * DUMP: the whole address space (or [start, end) of it) as runs. Each reply
 * skb is one batch under one mmap_read_lock(); see dump.c.
 */
/* Runs in one batch at most: one attribute, whose length is a u16. */
#define DUMP_BUF_RUNS	((U16_MAX - NLA_HDRLEN) / sizeof(struct ptscope_run))
#define DUMP_BUDGET	(1U << 18)	/* entries read in one batch at most */

struct dump_state {
	struct ptscope_target target;
	struct ptscope_dump_walk walk;
	char *path;
	char *vma_name;			/* filter, or NULL */
	unsigned long addr, end;
	struct refusal refusal;
	struct ps_held held;
	bool finished;
};

static int dump_put_stats(struct sk_buff *skb, struct netlink_callback *cb,
			  struct dump_state *st)
{
	const struct ptscope_dump_walk *w = &st->walk;
	struct nlattr *stats, *tables;
	unsigned int i;
	void *hdr;

	hdr = put_dump_header(skb, cb, PTSCOPE_CMD_DUMP);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_A_PID, st->target.pid) ||
	    nla_put_u8(skb, PTSCOPE_A_PAGING_LEVELS, ptscope_paging_levels()))
		goto cancel;
	stats = nla_nest_start(skb, PTSCOPE_A_STATS);
	if (!stats)
		goto cancel;
	tables = nla_nest_start(skb, PTSCOPE_STATS_A_TABLES);
	if (!tables)
		goto cancel;
	for (i = 0; i < PTSCOPE_NR_LEVELS; i++)
		if (nla_put_u64_64bit(skb, i + 1, w->tables[i], 0))
			goto cancel;
	nla_nest_end(skb, tables);
	if (nla_put_u64_64bit(skb, PTSCOPE_STATS_A_PAGES, w->pages,
			      PTSCOPE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_STATS_A_RUNS, w->runs,
			      PTSCOPE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_STATS_A_ENTRIES, w->entries,
			      PTSCOPE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_STATS_A_WALK_NS, w->walk_ns,
			      PTSCOPE_STATS_A_PAD) ||
	    nla_put_u8(skb, PTSCOPE_STATS_A_VA_BITS, ilog2(TASK_SIZE_MAX) + 1))
		goto cancel;
	nla_nest_end(skb, stats);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int dump_put_runs(struct sk_buff *skb, struct netlink_callback *cb,
			 struct dump_state *st, const struct ptscope_vma *v)
{
	const struct ptscope_dump_walk *w = &st->walk;
	void *hdr;

	hdr = put_dump_header(skb, cb, PTSCOPE_CMD_DUMP);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_A_PID, st->target.pid) ||
	    put_vma(skb, v) ||
	    (w->nbuf && nla_put(skb, PTSCOPE_A_RUNS,
				w->nbuf * sizeof(struct ptscope_run), w->buf))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Runs that fit in what is left of @skb, after a message's other parts. */
static u32 dump_room(const struct sk_buff *skb, const struct ptscope_vma *v)
{
	int room = skb_tailroom(skb) - NLMSG_HDRLEN - GENL_HDRLEN - 256 -
		   nla_total_size(strlen(v->name) + 1);

	if (room < (int)(2 * sizeof(struct ptscope_run)))
		return 0;
	return min_t(u32, room / sizeof(struct ptscope_run), DUMP_BUF_RUNS);
}

static bool dump_wanted(const struct dump_state *st, const struct ptscope_vma *v)
{
	return !st->vma_name || !strcmp(st->vma_name, v->name);
}

/* One batch: VMAs from st->addr on, until the skb or the budget is spent. */
static int dump_batch(struct sk_buff *skb, struct netlink_callback *cb,
		      struct dump_state *st)
{
	struct mm_struct *mm = st->target.mm;
	struct ptscope_dump_walk *w = &st->walk;
	struct vm_area_struct *vma;
	struct ptscope_vma v;

	w->budget = DUMP_BUDGET;
	while (st->addr < st->end) {
		unsigned long end, next;

		vma = find_vma(mm, st->addr);
		if (!vma || vma->vm_start >= st->end) {
			st->addr = st->end;
			break;
		}
		st->addr = max(st->addr, vma->vm_start);
		end = min(vma->vm_end, st->end);
		ptscope_vma_describe(vma, st->path, PATH_MAX, &v);
		if (!dump_wanted(st, &v)) {
			st->addr = end;
			continue;
		}

		w->cap = dump_room(skb, &v);
		if (!w->cap || !w->budget)
			break;
		w->nbuf = 0;
		next = ptscope_dump_range(w, vma, st->addr, end);
		ptscope_dump_flush(w);
		if (dump_put_runs(skb, cb, st, &v)) {
			/* Cannot happen by dump_room(); retry in a new skb. */
			w->runs -= w->nbuf;
			break;
		}
		st->addr = next;
		if (next != end)
			break;
	}
	return 0;
}

static int dump_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_state *st = (struct dump_state *)cb->args[0];
	struct mm_struct *mm = st->target.mm;

	if (st->refusal.err)
		return refused(cb, &st->refusal);
	if (st->finished)
		return 0;
	if (st->addr < st->end) {
		if (!mmget_not_zero(mm)) {
			NL_SET_ERR_MSG(cb->extack, "the process exited during the dump");
			return -ESRCH;
		}
		if (mmap_read_lock_killable(mm)) {
			mmput(mm);
			return -EINTR;
		}
		dump_batch(skb, cb, st);
		mmap_read_unlock(mm);
		mmput(mm);
		if (!skb->len && st->addr < st->end) {
			/* An empty skb would end the dump: never silently. */
			NL_SET_ERR_MSG(cb->extack, "a reply does not fit in a netlink message");
			return -EMSGSIZE;
		}
	}
	if (st->addr >= st->end && !dump_put_stats(skb, cb, st))
		st->finished = true;
	return skb->len;
}

static int dump_done(struct netlink_callback *cb)
{
	struct dump_state *st = (struct dump_state *)cb->args[0];

	if (st) {
		ptscope_target_put(&st->target);
		ps_release(&st->held);
		kfree(st->path);
		kfree(st->vma_name);
		kvfree(st->walk.buf);
		kfree(st);
	}
	return 0;
}

static int dump_check_range(struct nlattr **tb, struct netlink_ext_ack *extack,
			    struct dump_state *st)
{
	st->addr = 0;
	st->end = TASK_SIZE_MAX;
	if (tb[PTSCOPE_A_START])
		st->addr = nla_get_u64(tb[PTSCOPE_A_START]);
	if (tb[PTSCOPE_A_END])
		st->end = nla_get_u64(tb[PTSCOPE_A_END]);
	if (st->end > TASK_SIZE_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTSCOPE_A_END],
				    "the range ends beyond user space");
		return -EINVAL;
	}
	if (st->addr >= st->end) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTSCOPE_A_START],
				    "empty range: start is not below end");
		return -EINVAL;
	}
	/*
	 * Whole pages, as pagemap reads them: the walk steps a page at a
	 * time and stops on equality, so an unaligned bound would run it
	 * off the end of a table. TASK_SIZE_MAX is page aligned: no
	 * overflow.
	 */
	st->addr = round_down(st->addr, PAGE_SIZE);
	st->end = PAGE_ALIGN(st->end);
	return 0;
}

static int dump_start(struct netlink_callback *cb)
{
	struct nlattr **tb = ptscope_dump_attrs(cb);
	struct netlink_ext_ack ext = {};
	struct dump_state *st;
	u32 flags = 0;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	cb->args[0] = (long)st;

	err = dump_check_range(tb, &ext, st);
	if (!err)
		err = ps_hold(&st->held, PS_RES_REQUESTS, 1, &ext);
	if (err)
		goto refuse;
	if (tb[PTSCOPE_A_DUMP_FLAGS])
		flags = nla_get_u32(tb[PTSCOPE_A_DUMP_FLAGS]);
	st->walk.holes = flags & PTSCOPE_DUMP_F_HOLES;
	st->walk.count_only = flags & PTSCOPE_DUMP_F_COUNT;

	err = -ENOMEM;
	st->path = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	st->walk.buf = kvmalloc_array(DUMP_BUF_RUNS, sizeof(struct ptscope_run),
				      GFP_KERNEL_ACCOUNT);
	if (tb[PTSCOPE_A_VMA_NAME])
		st->vma_name = nla_strdup(tb[PTSCOPE_A_VMA_NAME], GFP_KERNEL_ACCOUNT);
	if (!st->path || !st->walk.buf ||
	    (tb[PTSCOPE_A_VMA_NAME] && !st->vma_name))
		goto fail;

	err = ptscope_target_get(cb->skb, tb[PTSCOPE_A_PID], &ext, &st->target);
	if (err)
		goto refuse;
	st->walk.hide_frames = !st->target.frames_visible;
	/* Room for a PATH_MAX name and a useful number of runs per skb. */
	cb->min_dump_alloc = PATH_MAX + 8192;
	return 0;

refuse:
	err = refuse(cb, &ext, err, &st->refusal);
	if (!err)
		return 0;
fail:
	dump_done(cb);
	cb->args[0] = 0;
	return err;
}

struct swaps_dump {
	struct refusal refusal;
	struct ps_held held;
	int nr, next;
	struct ptscope_swap_area area[MAX_SWAPFILES];
};

static int swaps_done(struct netlink_callback *cb)
{
	struct swaps_dump *st = (struct swaps_dump *)cb->args[0];

	if (st) {
		ptscope_swap_areas_free(st->area, st->nr);
		ps_release(&st->held);
	}
	kfree(st);
	return 0;
}

static int swaps_start(struct netlink_callback *cb)
{
	struct netlink_ext_ack ext = {};
	struct swaps_dump *st;
	int err;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	cb->args[0] = (long)st;
	err = ps_hold(&st->held, PS_RES_REQUESTS, 1, &ext);
	if (!err) {
		err = ptscope_swap_areas(st->area);
		if (err >= 0) {
			st->nr = err;
			return 0;
		}
		if (err == -ENOMEM)
			NL_SET_ERR_MSG(&ext, "out of memory");
		else
			NL_SET_ERR_MSG(&ext,
				       "swap areas are named through /proc/swaps, and /proc/swaps in your mount namespace is missing or not procfs's");
	}
	err = refuse(cb, &ext, err, &st->refusal);
	if (err) {
		/* A failed ->start() gets no ->done(). */
		swaps_done(cb);
		cb->args[0] = 0;
	}
	return err;
}

static int put_swap_area(struct sk_buff *skb, const struct ptscope_swap_area *a)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_SWAP_AREA);

	if (!nest ||
	    nla_put_u8(skb, PTSCOPE_SWAP_A_TYPE, a->type) ||
	    (a->path && nla_put_string(skb, PTSCOPE_SWAP_A_PATH, a->path)) ||
	    nla_put_s32(skb, PTSCOPE_SWAP_A_PRIO, a->prio) ||
	    nla_put_u64_64bit(skb, PTSCOPE_SWAP_A_SIZE_KIB, a->size_kib,
			      PTSCOPE_SWAP_A_PAD) ||
	    nla_put_u32(skb, PTSCOPE_SWAP_A_DEV, a->dev) ||
	    nla_put_u64_64bit(skb, PTSCOPE_SWAP_A_INO, a->ino,
			      PTSCOPE_SWAP_A_PAD) ||
	    (a->is_bdev && nla_put_flag(skb, PTSCOPE_SWAP_A_BDEV)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int swaps_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct swaps_dump *st = (struct swaps_dump *)cb->args[0];

	if (st->refusal.err)
		return refused(cb, &st->refusal);
	for (; st->next < st->nr; st->next++) {
		void *hdr = put_dump_header(skb, cb, PTSCOPE_CMD_SWAP_AREAS);

		if (!hdr)
			break;
		if (put_swap_area(skb, &st->area[st->next])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
}

static const struct genl_ops ptscope_ops[] = {
	{
		.cmd	= PTSCOPE_CMD_GET_INFO,
		.doit	= get_info,
	},
	{
		.cmd	= PTSCOPE_CMD_WALK,
		.start	= walk_start,
		.dumpit	= walk_dumpit,
		.done	= walk_done,
	},
	{
		.cmd	= PTSCOPE_CMD_DUMP,
		.start	= dump_start,
		.dumpit	= dump_dumpit,
		.done	= dump_done,
	},
	{
		.cmd	= PTSCOPE_CMD_SWAP_AREAS,
		.start	= swaps_start,
		.dumpit	= swaps_dumpit,
		.done	= swaps_done,
	},
	{
		.cmd	= PTSCOPE_CMD_WATCH,
		.doit	= ptscope_watch_doit,
	},
	{
		.cmd	= PTSCOPE_CMD_UNWATCH,
		.doit	= ptscope_unwatch_doit,
	},
	{
		.cmd	= PTSCOPE_CMD_STAT,
		.doit	= ptscope_stat_doit,
	},
};

struct genl_family ptscope_family = {
	.name		= PTSCOPE_GENL_NAME,
	.version	= PTSCOPE_GENL_VERSION,
	.maxattr	= PTSCOPE_A_MAX,
	.policy		= ptscope_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= ptscope_ops,
	.n_ops		= ARRAY_SIZE(ptscope_ops),
	PTSCOPE_GENL_RESV_START_OP
};

int ptscope_genl_init(void)
{
	return genl_register_family(&ptscope_family);
}

void ptscope_genl_exit(void)
{
	genl_unregister_family(&ptscope_family);
}
