// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include "../module/uapi/ptscope.h"
#include "ptscope.h"
#include "request.h"
#include "swaps.h"

struct info_ctx {
	struct ps_info *info;
	bool got;
};

static int info_reply(struct nl_msg *msg, void *arg)
{
	struct info_ctx *c = arg;
	const char *why;

	if (ps_parse_info(nlmsg_hdr(msg), c->info, &why)) {
		ps_err("unexpected answer from the module: %s", why);
		return -EPROTO;
	}
	c->got = true;
	return 0;
}

int ps_get_info(struct ps_nl *nl, struct ps_info *info)
{
	struct nl_msg *msg = ps_nl_msg(nl, PTSCOPE_CMD_GET_INFO, NLM_F_ACK, 0);
	// cppcheck-suppress ctuuninitvar ; false positive: only the pointer is kept, *info is cleared below
	struct info_ctx c = { info, false };
	int err;

	memset(info, 0, sizeof(*info));
	if (!msg)
		return -ENOMEM;
	err = ps_nl_transact(nl, msg, info_reply, &c, NULL);
	/* An ACK alone is no answer: nothing would say what the module is. */
	if (!err && !c.got) {
		ps_err("the module did not answer with its information");
		err = -EPROTO;
	}
	return err;
}

struct walk_ctx {
	ps_walk_fn fn;
	void *arg;
	size_t got, want;
};

static int walk_reply(struct nl_msg *msg, void *arg)
{
	struct walk_ctx *c = arg;
	struct ps_walk *w = malloc(sizeof(*w));
	const char *why;
	int err;

	if (!w)
		return -ENOMEM;
	if (ps_parse_walk(nlmsg_hdr(msg), w, &why)) {
		ps_err("unexpected answer from the module: %s", why);
		free(w);
		return -EPROTO;
	}
	if (++c->got > c->want) {
		ps_err("unexpected answer from the module: more answers than addresses");
		free(w);
		return -EPROTO;
	}
	err = c->fn(w, c->arg);
	free(w);
	return err;
}

/* Name what the kernel blamed in terms of the request. */
static void walk_context(const struct nlattr *bad, char *buf, size_t len)
{
	switch (nla_type(bad)) {
	case PTSCOPE_A_ADDR:
		if (nla_len(bad) == 8)
			snprintf(buf, len, "address 0x%" PRIx64, nla_get_u64((struct nlattr *)bad));
		break;
	case PTSCOPE_A_PID:
		if (nla_len(bad) == 4)
			snprintf(buf, len, "pid %u", nla_get_u32((struct nlattr *)bad));
		break;
	}
}

int ps_walk_run(struct ps_nl *nl, int pid, const uint64_t *addrs, size_t n,
		ps_walk_fn fn, void *arg)
{
	struct ps_info info;
	size_t done = 0;
	int err;

	err = ps_get_info(nl, &info);
	if (err)
		return err;
	ps_swaps_begin(nl, info.features);
	while (done < n) {
		size_t i, chunk = n - done < info.max_addrs ? n - done : info.max_addrs;
		struct walk_ctx c = { fn, arg, 0, chunk };
		struct nl_msg *msg = ps_nl_msg(nl, PTSCOPE_CMD_WALK, NLM_F_DUMP,
						   16 + chunk * nla_total_size(8));

		if (!msg)
			return -ENOMEM;
		if (nla_put_u32(msg, PTSCOPE_A_PID, (uint32_t)pid)) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		for (i = 0; i < chunk; i++) {
			if (nla_put_u64(msg, PTSCOPE_A_ADDR, addrs[done + i])) {
				nlmsg_free(msg);
				return -ENOMEM;
			}
		}
		err = ps_nl_transact(nl, msg, walk_reply, &c, walk_context);
		if (err)
			return err;
		if (c.got != chunk) {
			ps_err("the module answered %zu of %zu addresses", c.got, chunk);
			return -EPROTO;
		}
		done += chunk;
	}
	return ps_swaps_end(nl);
}

int ps_parse_pid(const char *s, int *pid)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v <= 0 || v > 0x3fffffff) {
		ps_err("'%s' is not a process id", s);
		return -1;
	}
	*pid = (int)v;
	return 0;
}
