// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <linux/genetlink.h>
#include "reply.h"
#include "watchreply.h"

static struct nla_policy hook_policy[PTSCOPE_HOOK_A_MAX + 1] = {
	[PTSCOPE_HOOK_A_KINDS]	= { .type = NLA_U32 },
	[PTSCOPE_HOOK_A_NAME]	= { .type = NLA_STRING },
	[PTSCOPE_HOOK_A_ACTIVE]	= { .type = NLA_FLAG },
	[PTSCOPE_HOOK_A_MISSED]	= { .type = NLA_U32 },
};

static struct nla_policy obj_policy[PTSCOPE_OBJ_A_MAX + 1] = {
	[PTSCOPE_OBJ_A_SUBS]		= { .type = NLA_U64 },
	[PTSCOPE_OBJ_A_TARGETS]		= { .type = NLA_U64 },
	[PTSCOPE_OBJ_A_MMS]		= { .type = NLA_U64 },
	[PTSCOPE_OBJ_A_NOTIFIERS]	= { .type = NLA_U64 },
	[PTSCOPE_OBJ_A_REQUESTS]	= { .type = NLA_U64 },
	[PTSCOPE_OBJ_A_USERS]		= { .type = NLA_U64 },
};

static struct nla_policy sub_policy[PTSCOPE_SUB_A_MAX + 1] = {
	[PTSCOPE_SUB_A_PORTID]		= { .type = NLA_U32 },
	[PTSCOPE_SUB_A_PID]		= { .type = NLA_U32 },
	[PTSCOPE_SUB_A_EVENT_MASK]	= { .type = NLA_U32 },
	[PTSCOPE_SUB_A_BUFFER]		= { .type = NLA_U32 },
	[PTSCOPE_SUB_A_BUFFERED]	= { .type = NLA_U32 },
	[PTSCOPE_SUB_A_COUNTS]		= { .type = NLA_UNSPEC },
};

static struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
	[CTRL_ATTR_FAMILY_ID]	= { .type = NLA_U16 },
};

int ps_msg_cmd(struct nlmsghdr *nlh)
{
	if (!genlmsg_valid_hdr(nlh, 0))
		return -1;
	return ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
}

bool ps_family_removed(struct nlmsghdr *nlh, int family)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if (nlh->nlmsg_type != GENL_ID_CTRL || ps_msg_cmd(nlh) != CTRL_CMD_DELFAMILY ||
	    genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy) ||
	    !tb[CTRL_ATTR_FAMILY_ID])
		return false;
	return nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]) == family;
}

/* The struct is a fixed layout: a size that differs is another ABI. */
static int get_counts(struct nlattr *a, struct ptscope_counts *c, const char **why)
{
	if (nla_len(a) != (int)sizeof(*c)) {
		*why = "event counts of the wrong size (another module version?)";
		return -1;
	}
	memcpy(c, nla_data(a), sizeof(*c));
	return 0;
}

int ps_parse_watch_reply(struct nlmsghdr *nlh, struct ps_watch_reply *r,
			 const char **why)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];

	memset(r, 0, sizeof(*r));
	if (ps_parse_attrs(nlh, tb, why))
		return -1;
	if (!tb[PTSCOPE_A_BUFFER]) {
		*why = "no buffer size in the answer to WATCH";
		return -1;
	}
	r->buffer = nla_get_u32(tb[PTSCOPE_A_BUFFER]);
	r->frames_hidden = nla_get_flag(tb[PTSCOPE_A_FRAMES_HIDDEN]);
	return 0;
}

int ps_parse_events(struct nlmsghdr *nlh, bool end, struct ps_events_msg *m,
		    const char **why)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];

	memset(m, 0, sizeof(*m));
	if (ps_parse_attrs(nlh, tb, why))
		return -1;
	if (tb[PTSCOPE_A_EVENTS]) {
		int len = nla_len(tb[PTSCOPE_A_EVENTS]);

		if (len % sizeof(struct ptscope_event)) {
			*why = "events are not a whole number of struct ptscope_event";
			return -1;
		}
		m->events = nla_data(tb[PTSCOPE_A_EVENTS]);
		m->nr = (size_t)len / sizeof(struct ptscope_event);
	}
	if (tb[PTSCOPE_A_COUNTS]) {
		if (get_counts(tb[PTSCOPE_A_COUNTS], &m->counts, why))
			return -1;
		m->has_counts = true;
	}
	if (tb[PTSCOPE_A_END_REASON]) {
		m->end_reason = nla_get_u8(tb[PTSCOPE_A_END_REASON]);
		m->has_end = true;
	}
	if (end && (!m->has_counts || !m->has_end)) {
		*why = "the end of the subscription without final counts or a reason";
		return -1;
	}
	return 0;
}

void ps_events_get(const struct ps_events_msg *m, size_t i, struct ptscope_event *e)
{
	memcpy(e, (const char *)m->events + i * sizeof(*e), sizeof(*e));
}

static int parse_hook(struct nlattr *nest, struct ps_hook *h, const char **why)
{
	struct nlattr *tb[PTSCOPE_HOOK_A_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_HOOK_A_MAX, nest, hook_policy) ||
	    !tb[PTSCOPE_HOOK_A_KINDS] || !tb[PTSCOPE_HOOK_A_NAME]) {
		*why = "malformed hook";
		return -1;
	}
	h->kinds = nla_get_u32(tb[PTSCOPE_HOOK_A_KINDS]);
	nla_strlcpy(h->name, tb[PTSCOPE_HOOK_A_NAME], sizeof(h->name));
	h->active = nla_get_flag(tb[PTSCOPE_HOOK_A_ACTIVE]);
	h->missed = tb[PTSCOPE_HOOK_A_MISSED] ? nla_get_u32(tb[PTSCOPE_HOOK_A_MISSED]) : 0;
	return 0;
}

static int parse_sub(struct nlattr *nest, struct ps_sub *s, const char **why)
{
	struct nlattr *tb[PTSCOPE_SUB_A_MAX + 1], *a;
	int rem;

	if (nla_parse_nested(tb, PTSCOPE_SUB_A_MAX, nest, sub_policy) ||
	    !tb[PTSCOPE_SUB_A_PORTID] || !tb[PTSCOPE_SUB_A_EVENT_MASK]) {
		*why = "malformed subscription";
		return -1;
	}
	s->portid = nla_get_u32(tb[PTSCOPE_SUB_A_PORTID]);
	s->mask = nla_get_u32(tb[PTSCOPE_SUB_A_EVENT_MASK]);
	if (tb[PTSCOPE_SUB_A_BUFFER])
		s->buffer = nla_get_u32(tb[PTSCOPE_SUB_A_BUFFER]);
	if (tb[PTSCOPE_SUB_A_BUFFERED])
		s->buffered = nla_get_u32(tb[PTSCOPE_SUB_A_BUFFERED]);
	if (tb[PTSCOPE_SUB_A_COUNTS]) {
		if (get_counts(tb[PTSCOPE_SUB_A_COUNTS], &s->counts, why))
			return -1;
		s->has_counts = true;
	}
	/* Repeated: the policy checked each one, the table kept only the last. */
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PTSCOPE_SUB_A_PID)
			continue;
		if (s->nr_pids == PTSCOPE_WATCH_MAX_PIDS) {
			*why = "more pids in a subscription than one may watch";
			return -1;
		}
		s->pids[s->nr_pids++] = nla_get_u32(a);
	}
	return 0;
}

static int parse_objects(struct nlattr *nest, struct ps_stat *st, const char **why)
{
	struct nlattr *tb[PTSCOPE_OBJ_A_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_OBJ_A_MAX, nest, obj_policy)) {
		*why = "malformed object counts";
		return -1;
	}
	st->has_objects = true;
	st->subscriptions = tb[PTSCOPE_OBJ_A_SUBS] ? nla_get_u64(tb[PTSCOPE_OBJ_A_SUBS]) : 0;
	st->targets = tb[PTSCOPE_OBJ_A_TARGETS] ? nla_get_u64(tb[PTSCOPE_OBJ_A_TARGETS]) : 0;
	st->mms = tb[PTSCOPE_OBJ_A_MMS] ? nla_get_u64(tb[PTSCOPE_OBJ_A_MMS]) : 0;
	st->notifiers = tb[PTSCOPE_OBJ_A_NOTIFIERS] ?
			nla_get_u64(tb[PTSCOPE_OBJ_A_NOTIFIERS]) : 0;
	st->requests = tb[PTSCOPE_OBJ_A_REQUESTS] ?
		       nla_get_u64(tb[PTSCOPE_OBJ_A_REQUESTS]) : 0;
	st->users = tb[PTSCOPE_OBJ_A_USERS] ? nla_get_u64(tb[PTSCOPE_OBJ_A_USERS]) : 0;
	return 0;
}

int ps_parse_stat(struct nlmsghdr *nlh, struct ps_stat *st, const char **why)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1], *a;
	size_t nh = 0, ns = 0;
	int rem;

	memset(st, 0, sizeof(*st));
	if (ps_parse_attrs(nlh, tb, why))
		return -1;
	if (!tb[PTSCOPE_A_VERSION] || !tb[PTSCOPE_A_PAGING_LEVELS]) {
		*why = "incomplete module statistics";
		return -1;
	}
	nla_strlcpy(st->version, tb[PTSCOPE_A_VERSION], sizeof(st->version));
	if (tb[PTSCOPE_A_KERNEL])
		nla_strlcpy(st->kernel, tb[PTSCOPE_A_KERNEL], sizeof(st->kernel));
	st->paging_levels = nla_get_u8(tb[PTSCOPE_A_PAGING_LEVELS]);
	if (tb[PTSCOPE_A_BUFFER])
		st->buffer = nla_get_u32(tb[PTSCOPE_A_BUFFER]);
	if (tb[PTSCOPE_A_OBJECTS] && parse_objects(tb[PTSCOPE_A_OBJECTS], st, why))
		return -1;
	if (tb[PTSCOPE_A_COUNTS]) {
		if (get_counts(tb[PTSCOPE_A_COUNTS], &st->counts, why))
			return -1;
		st->has_counts = true;
	}

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) == PTSCOPE_A_HOOK)
			nh++;
		else if (nla_type(a) == PTSCOPE_A_SUB)
			ns++;
	}
	st->hooks = calloc(nh ? nh : 1, sizeof(*st->hooks));
	st->subs = calloc(ns ? ns : 1, sizeof(*st->subs));
	if (!st->hooks || !st->subs) {
		*why = "out of memory";
		return -1;
	}
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) == PTSCOPE_A_HOOK &&
		    parse_hook(a, &st->hooks[st->nr_hooks++], why))
			return -1;
		if (nla_type(a) == PTSCOPE_A_SUB &&
		    parse_sub(a, &st->subs[st->nr_subs++], why))
			return -1;
	}
	return 0;
}

void ps_stat_free(struct ps_stat *st)
{
	free(st->hooks);
	free(st->subs);
	st->hooks = NULL;
	st->subs = NULL;
	st->nr_hooks = st->nr_subs = 0;
}
