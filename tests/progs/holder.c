// SPDX-License-Identifier: GPL-2.0
/*
 * Hold N walk requests in flight, one per socket, never reading their
 * answers; then make one more request and wait for it. Prints that last
 * request's verdict the way the client does and "held N", then waits for
 * a line (or EOF) on stdin before closing everything, so a test can look
 * at the module meanwhile.
 *
 *   holder N
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/nl.h"

/* Enough answers that they cannot fit in the socket's first skb. */
#define ADDRS	1024

static struct nl_msg *walk_request(const struct ps_nl *nl)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct nl_msg *m = ps_nl_msg(nl, PTSCOPE_CMD_WALK, NLM_F_DUMP, 16 * ADDRS + 64);
	unsigned int i;

	if (!m)
		return NULL;
	page[0] = 1;
	nla_put_u32(m, PTSCOPE_A_PID, (uint32_t)getpid());
	for (i = 0; i < ADDRS; i++)
		nla_put_u64(m, PTSCOPE_A_ADDR, (uintptr_t)page);
	return m;
}

static int ignore(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	struct ps_nl *held = calloc(n > 0 ? n : 1, sizeof(*held));
	struct ps_nl last;
	struct nl_msg *m;
	char line[16];
	int i, err;

	if (n < 0 || !held) {
		fprintf(stderr, "usage: holder N\n");
		free(held);
		return 2;
	}
	/* Exits with the sockets open: the kernel closes them, as it must. */
	for (i = 0; i < n; i++) {
		m = ps_nl_open(&held[i]) ? NULL : walk_request(&held[i]);
		if (!m || nl_send_auto(held[i].sk, m) < 0)
			goto fail;
		nlmsg_free(m);
	}
	if (ps_nl_open(&last))
		goto fail;
	m = walk_request(&last);
	if (!m)
		goto fail;
	err = ps_nl_transact(&last, m, ignore, NULL, NULL);
	ps_nl_close(&last);
	printf("held %d, one more: errno=%d\n", n, -err);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	for (i = 0; i < n; i++)
		ps_nl_close(&held[i]);
	free(held);
	return 0;
fail:
	free(held);
	return 2;
}
