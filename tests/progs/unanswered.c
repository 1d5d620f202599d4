// SPDX-License-Identifier: GPL-2.0
/*
 * A WATCH the kernel cannot answer: this socket's receive queue is made
 * full first (GET_INFO requests whose replies are never read, with the
 * smallest receive buffer the kernel allows), so the WATCH's reply is
 * dropped and the socket gets ENOBUFS instead. The caller never learns
 * that the subscription was made, so it must not stand: once the queue
 * is read, a second WATCH on the same socket succeeds (a standing one
 * would make it fail with EBUSY).
 *
 * Prints what it saw ("first: unanswered", "second: subscribed" or the
 * kernel's error) and exits 0 if the second WATCH succeeded, 1 if it was
 * refused, 2 if the first WATCH was answered after all (no test) or the
 * conversation failed.
 *
 *   unanswered PID
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/nl.h"

/* Replies enough to overflow the smallest buffer many times over. */
#define FILLERS	64

static int send_raw(struct ps_nl *nl, struct nl_msg *m)
{
	int err = -NLE_NOMEM;

	/*
	 * A sequence number of our own: libnl's would run ahead of the one
	 * it expects next, as their answers are never read through it.
	 */
	if (m) {
		nlmsg_hdr(m)->nlmsg_seq = 1;
		err = nl_send_auto(nl->sk, m);
	}

	nlmsg_free(m);
	if (err < 0)
		fprintf(stderr, "unanswered: sending: %s\n", nl_geterror(err));
	return err < 0 ? err : 0;
}

static int count(struct nl_msg *msg, void *arg)
{
	(void)msg;
	++*(int *)arg;
	return 0;
}

static struct nl_msg *watch_msg(const struct ps_nl *nl, uint32_t pid)
{
	struct nl_msg *m = ps_nl_msg(nl, PTSCOPE_CMD_WATCH, 0, 64);

	if (m)
		nla_put_u32(m, PTSCOPE_A_PID, pid);
	return m;
}

/*
 * Reads everything queued. Returns how many WATCH replies were among it,
 * and sets *overrun if the kernel said it dropped something.
 */
static int drain(struct ps_nl *nl, int *overrun)
{
	int watch_replies = 0;

	for (;;) {
		struct sockaddr_nl from;
		unsigned char *buf = NULL;
		struct nlmsghdr *h;
		int n = nl_recv(nl->sk, &from, &buf, NULL);

		if (n == -NLE_AGAIN || n == 0) {
			free(buf);
			return watch_replies;
		}
		if (n == -NLE_NOMEM) {		/* ENOBUFS */
			*overrun = 1;
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "unanswered: receiving: %s\n", nl_geterror(n));
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, n); h = nlmsg_next(h, &n)) {
			const struct genlmsghdr *g = nlmsg_data(h);

			if (h->nlmsg_type == nl->family && g->cmd == PTSCOPE_CMD_WATCH)
				watch_replies++;
		}
		free(buf);
	}
}

int main(int argc, char **argv)
{
	uint32_t pid = argc > 1 ? (uint32_t)atoi(argv[1]) : 0;
	int one = 1, overrun = 0, answered, replies = 0, i, err;
	struct ps_nl nl;

	if (!pid) {
		fprintf(stderr, "usage: unanswered PID\n");
		return 2;
	}
	if (ps_nl_open(&nl))
		return 2;
	/* The kernel raises it to its minimum (SOCK_MIN_RCVBUF). */
	if (setsockopt(nl_socket_get_fd(nl.sk), SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)) ||
	    nl_socket_set_nonblocking(nl.sk)) {
		perror("unanswered: socket options");
		return 2;
	}
	for (i = 0; i < FILLERS; i++)
		if (send_raw(&nl, ps_nl_msg(&nl, PTSCOPE_CMD_GET_INFO, 0, 0)))
			return 2;
	if (send_raw(&nl, watch_msg(&nl, pid)))
		return 2;

	answered = drain(&nl, &overrun);
	if (answered < 0)
		return 2;
	if (answered || !overrun) {
		printf("first: answered (the queue was not full: no test)\n");
		return 2;
	}
	printf("first: unanswered\n");

	/* ps_nl_transact() waits for its answer. */
	if (fcntl(nl_socket_get_fd(nl.sk), F_SETFL, 0)) {
		perror("unanswered: fcntl");
		return 2;
	}
	err = ps_nl_transact(&nl, watch_msg(&nl, pid), count, &replies, NULL);
	if (err) {
		printf("second: %s\n", strerror(-err));
		return 1;
	}
	printf("second: subscribed (%d reply)\n", replies);
	ps_nl_close(&nl);
	return 0;
}
