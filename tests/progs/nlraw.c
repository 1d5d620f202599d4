// SPDX-License-Identifier: GPL-2.0
/*
 * Send ptscope.ko requests that the client never would: missing, mistyped,
 * oversized and truncated. Prints the kernel's verdict the way the client
 * does ("ptscope: kernel reports: ...") and exits 0 if the kernel refused
 * the request, 1 if it accepted it, 2 if the conversation failed.
 *
 *   nlraw CASE [PID]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/nl.h"
#include "../../userspace/ptscope.h"

static int replies;

static int count(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	replies++;
	return 0;
}

static void addrs(struct nl_msg *m, unsigned int n, uint64_t va)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		nla_put_u64(m, PTSCOPE_A_ADDR, va);
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	uint32_t pid = argc > 2 ? (uint32_t)atoi(argv[2]) : 1;
	uint64_t va = argc > 3 ? strtoull(argv[3], NULL, 0) : 0x400000;
	int cmd = PTSCOPE_CMD_WALK, flags = NLM_F_DUMP;
	struct nl_msg *m;
	struct ps_nl nl;
	int err;

	if (ps_nl_open(&nl))
		return 2;
	if (!strcmp(c, "unknown-cmd"))
		cmd = 200;
	if (!strcmp(c, "walk-doit"))
		flags = NLM_F_ACK;
	m = ps_nl_msg(&nl, cmd, flags, 200000);
	if (!m)
		return 2;

	if (!strcmp(c, "no-pid")) {
		addrs(m, 1, va);
	} else if (!strcmp(c, "no-addrs")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
	} else if (!strcmp(c, "pid-u8")) {
		nla_put_u8(m, PTSCOPE_A_PID, 1);
		addrs(m, 1, va);
	} else if (!strcmp(c, "pid-string")) {
		nla_put_string(m, PTSCOPE_A_PID, "1234");
		addrs(m, 1, va);
	} else if (!strcmp(c, "addr-nested")) {
		struct nlattr *nest;

		nla_put_u32(m, PTSCOPE_A_PID, pid);
		nest = nla_nest_start(m, PTSCOPE_A_ADDR);
		nla_put_u64(m, PTSCOPE_A_ADDR, va);
		nla_nest_end(m, nest);
	} else if (!strcmp(c, "addr-u32")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		nla_put_u32(m, PTSCOPE_A_ADDR, 0x1000);
	} else if (!strcmp(c, "reply-attr")) {
		/* An attribute only replies carry. */
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		addrs(m, 1, va);
		nla_put_u64(m, PTSCOPE_A_PFN, 1);
	} else if (!strcmp(c, "unknown-attr")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		addrs(m, 1, va);
		nla_put_u32(m, 250, 1);
	} else if (!strcmp(c, "many-addrs")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		addrs(m, 10000, va);
	} else if (!strcmp(c, "truncated")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		addrs(m, 4, va);
		nlmsg_hdr(m)->nlmsg_len -= 6;
	} else if (!strcmp(c, "walk") || !strcmp(c, "walk-doit") ||
		   !strcmp(c, "unknown-cmd")) {
		nla_put_u32(m, PTSCOPE_A_PID, pid);
		addrs(m, 1, va);
	} else {
		fprintf(stderr, "usage: nlraw CASE [PID [ADDR]]\n");
		return 2;
	}

	err = ps_nl_transact(&nl, m, count, NULL, NULL);
	ps_nl_close(&nl);
	printf("errno=%d replies=%d\n", -err, replies);
	return err ? 0 : 1;
}
