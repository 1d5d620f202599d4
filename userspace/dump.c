// SPDX-License-Identifier: GPL-2.0
/*
 * DUMP requests. The kernel ends runs where its reply batches end; here
 * runs that continue each other are joined again, so callers see maximal
 * runs whatever the batch size was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include "dump.h"
#include "ptscope.h"
#include "request.h"
#include "swaps.h"

uint64_t ps_run_flag_entry(const struct ptscope_run *r)
{
	uint64_t e = (r->bits & 0xfff) | ((uint64_t)((r->bits >> 12) & 0xfff) << 52);

	if (r->bits & (1U << 24))
		e |= 1ULL << 12;
	return e;
}

uint64_t ps_run_end(const struct ptscope_run *r)
{
	return r->start + ((uint64_t)r->pages << r->page_shift);
}

struct dump_ctx {
	const struct ps_dump_cb *cb;
	struct ps_vma vma;		/* the VMA of the pending run */
	struct ps_vma msg_vma;		/* the one the current message names */
	bool have_vma;
	struct ptscope_run cur;		/* pending; pages 0: none */
	bool hidden;
	bool got_stats;
};

static bool joins(const struct ptscope_run *a, const struct ptscope_run *b,
		  bool hidden)
{
	uint64_t step;

	if (!a->pages || a->state != b->state || a->page_shift != b->page_shift ||
	    a->level != b->level || a->swap_type != b->swap_type ||
	    a->bits != b->bits || a->flags != b->flags || ps_run_end(a) != b->start ||
	    (uint64_t)a->pages + b->pages > UINT32_MAX)
		return false;
	if (b->state == PTSCOPE_STATE_NONE || b->state == PTSCOPE_STATE_BAD ||
	    (hidden && b->frame == 0 && a->frame == 0))
		return true;
	step = b->state == PTSCOPE_STATE_SWAP ? 1 : 1ULL << (b->page_shift - 12);
	return a->frame + a->pages * step == b->frame;
}

static int flush(struct dump_ctx *c)
{
	int err = 0;

	if (c->cur.pages && c->cb->run)
		err = c->cb->run(&c->vma, &c->cur, c->cb->arg);
	c->cur.pages = 0;
	return err;
}

/* A message for the VMA @v: a new VMA flushes the run of the last one. */
static int enter_vma(struct dump_ctx *c, const struct ps_vma *v)
{
	int err;

	if (c->have_vma && c->vma.start == v->start && c->vma.end == v->end)
		return 0;
	err = flush(c);
	if (err)
		return err;
	c->vma = *v;
	c->have_vma = true;
	return c->cb->vma ? c->cb->vma(v, c->cb->arg) : 0;
}

static int on_run(struct dump_ctx *c, const struct ptscope_run *r)
{
	const struct ps_vma *v = &c->vma;

	/* Whole inside the VMA, without computing an end that may wrap. */
	if (r->page_shift < 12 || r->page_shift > 40 || r->pages == 0 ||
	    r->level >= PTSCOPE_NR_LEVELS || r->start < v->start || r->start >= v->end ||
	    r->pages > (v->end - r->start) >> r->page_shift) {
		ps_err("unexpected answer from the module: a run outside its VMA");
		return -EPROTO;
	}
	if (joins(&c->cur, r, c->hidden)) {
		c->cur.pages += r->pages;
		return 0;
	}
	if (c->cur.pages) {
		int err = flush(c);

		if (err)
			return err;
	}
	c->cur = *r;
	return 0;
}

static struct nla_policy stats_policy[PTSCOPE_STATS_A_MAX + 1] = {
	[PTSCOPE_STATS_A_TABLES]	= { .type = NLA_NESTED },
	[PTSCOPE_STATS_A_PAGES]		= { .type = NLA_U64 },
	[PTSCOPE_STATS_A_RUNS]		= { .type = NLA_U64 },
	[PTSCOPE_STATS_A_ENTRIES]	= { .type = NLA_U64 },
	[PTSCOPE_STATS_A_WALK_NS]	= { .type = NLA_U64 },
	[PTSCOPE_STATS_A_VA_BITS]	= { .type = NLA_U8 },
};

static int on_stats(struct dump_ctx *c, struct nlattr *nest, unsigned int levels)
{
	struct nlattr *tb[PTSCOPE_STATS_A_MAX + 1], *t;
	struct ps_dump_stats s = { .paging_levels = levels };
	int rem, err;

	if ((err = flush(c)))
		return err;
	if (nla_parse_nested(tb, PTSCOPE_STATS_A_MAX, nest, stats_policy) ||
	    !tb[PTSCOPE_STATS_A_TABLES] || !tb[PTSCOPE_STATS_A_PAGES]) {
		ps_err("unexpected answer from the module: malformed statistics");
		return -EPROTO;
	}
	nla_for_each_nested(t, tb[PTSCOPE_STATS_A_TABLES], rem) {
		int lvl = nla_type(t) - 1;

		if (lvl >= 0 && lvl < PTSCOPE_NR_LEVELS && nla_len(t) == 8)
			s.tables[lvl] = nla_get_u64(t);
	}
	s.pages = nla_get_u64(tb[PTSCOPE_STATS_A_PAGES]);
	if (tb[PTSCOPE_STATS_A_RUNS])
		s.runs = nla_get_u64(tb[PTSCOPE_STATS_A_RUNS]);
	if (tb[PTSCOPE_STATS_A_ENTRIES])
		s.entries = nla_get_u64(tb[PTSCOPE_STATS_A_ENTRIES]);
	if (tb[PTSCOPE_STATS_A_WALK_NS])
		s.walk_ns = nla_get_u64(tb[PTSCOPE_STATS_A_WALK_NS]);
	if (tb[PTSCOPE_STATS_A_VA_BITS])
		s.va_bits = nla_get_u8(tb[PTSCOPE_STATS_A_VA_BITS]);
	if (s.va_bits > 64) {
		ps_err("unexpected answer from the module: a %u-bit address space", s.va_bits);
		return -EPROTO;
	}
	c->got_stats = true;
	return c->cb->stats ? c->cb->stats(&s, c->cb->arg) : 0;
}

static struct nla_policy dump_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID]			= { .type = NLA_U32 },
	[PTSCOPE_A_PAGING_LEVELS]	= { .type = NLA_U8 },
	[PTSCOPE_A_VMA]			= { .type = NLA_NESTED },
	[PTSCOPE_A_RUNS]		= { .type = NLA_UNSPEC },
	[PTSCOPE_A_STATS]		= { .type = NLA_NESTED },
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct dump_ctx *c = arg;
	const char *why;
	const char *runs;
	size_t len, i;
	int err;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PTSCOPE_A_MAX, dump_policy)) {
		ps_err("unexpected answer from the module: malformed attributes");
		return -EPROTO;
	}
	if (tb[PTSCOPE_A_STATS])
		return on_stats(c, tb[PTSCOPE_A_STATS],
				tb[PTSCOPE_A_PAGING_LEVELS] ?
				nla_get_u8(tb[PTSCOPE_A_PAGING_LEVELS]) : 0);
	if (!tb[PTSCOPE_A_VMA]) {
		ps_err("unexpected answer from the module: runs without a VMA");
		return -EPROTO;
	}
	if (ps_parse_vma(tb[PTSCOPE_A_VMA], &c->msg_vma, &why)) {
		ps_err("unexpected answer from the module: %s", why);
		return -EPROTO;
	}
	len = tb[PTSCOPE_A_RUNS] ? (size_t)nla_len(tb[PTSCOPE_A_RUNS]) : 0;
	if (len % sizeof(struct ptscope_run)) {
		ps_err("unexpected answer from the module: runs of a size this client does not know");
		return -EPROTO;
	}
	err = enter_vma(c, &c->msg_vma);
	runs = len ? nla_data(tb[PTSCOPE_A_RUNS]) : NULL;
	for (i = 0; !err && i < len / sizeof(struct ptscope_run); i++) {
		struct ptscope_run r;

		/* Attribute data is only 4-byte aligned: copy each run out. */
		memcpy(&r, runs + i * sizeof(r), sizeof(r));
		err = on_run(c, &r);
	}
	return err;
}

static int request(struct ps_nl *nl, struct dump_ctx *c, int pid,
		   const struct ps_dump_opts *o)
{
	struct nl_msg *msg;
	struct ps_info info;
	int err;

	err = ps_get_info(nl, &info);
	if (err)
		return err;
	c->hidden = info.frames_hidden;
	ps_swaps_begin(nl, info.features);
	msg = ps_nl_msg(nl, PTSCOPE_CMD_DUMP, NLM_F_DUMP,
			 o->vma_name ? strlen(o->vma_name) + 64 : 64);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PTSCOPE_A_PID, (uint32_t)pid) ||
	    (o->start && nla_put_u64(msg, PTSCOPE_A_START, o->start)) ||
	    (o->end && nla_put_u64(msg, PTSCOPE_A_END, o->end)) ||
	    (o->flags && nla_put_u32(msg, PTSCOPE_A_DUMP_FLAGS, o->flags)) ||
	    (o->vma_name && nla_put_string(msg, PTSCOPE_A_VMA_NAME, o->vma_name))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = ps_nl_transact(nl, msg, on_reply, c, NULL);
	if (!err)
		err = flush(c);
	if (!err && !c->got_stats) {
		ps_err("the module ended the dump without its statistics");
		err = -EPROTO;
	}
	return err ? err : ps_swaps_end(nl);
}

int ps_dump(struct ps_nl *nl, int pid, const struct ps_dump_opts *o,
	    const struct ps_dump_cb *cb)
{
	/* Two VMAs with PATH_MAX names: on the heap. */
	struct dump_ctx *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->cb = cb;
	err = request(nl, c, pid, o);
	free(c);
	return err;
}

int ps_dump_command(int pid, const struct ps_dump_opts *o,
		    const struct ps_dump_cb *cb)
{
	struct ps_nl nl;
	int err;

	if (ps_nl_open(&nl))
		return PS_EXIT_FAIL;
	err = ps_dump(&nl, pid, o, cb);
	ps_nl_close(&nl);
	return err ? PS_EXIT_FAIL : PS_EXIT_OK;
}
