// SPDX-License-Identifier: GPL-2.0
/*
 * nlcap: every byte ptscope.ko sends back to one request, as it arrived,
 * for the tests that look for what an unprivileged caller must not get
 * (tests/025-access-matrix.bats).
 *
 *   nlcap OUT info | stat | swaps
 *   nlcap OUT walk PID ADDR...
 *   nlcap OUT dump PID [START END]
 *   nlcap OUT watch PID...
 *
 * Appends each datagram received to the file OUT, whole and unparsed
 * (netlink messages delimit themselves). A watch subscribes to every event
 * kind, children included, says "nlcap: watching" on stderr once the
 * module has accepted, and reads until SIGINT or SIGTERM, which send
 * UNWATCH, and then until the WATCH_END message. Prints "errno=N" (0: no
 * error) on stdout; exits 0 if the kernel answered without an error, 1 if
 * it reported one, 2 if the conversation failed.
 *
 * The family is resolved with libnl; everything after that is plain
 * send() and recv() on the socket, so nothing is decoded before it is
 * written out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/nl.h"
#include "../../userspace/ptscope.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BUF	(1 << 20)

static volatile sig_atomic_t stop;
static unsigned char buf[BUF];

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_msg(struct ps_nl *nl, struct nl_msg *m)
{
	int err = nl_send_auto(nl->sk, m);

	nlmsg_free(m);
	if (err < 0) {
		fprintf(stderr, "nlcap: cannot send: %s\n", nl_geterror(err));
		return -1;
	}
	return 0;
}

/* The request for @cmd from the command line; NULL on a usage error. */
static struct nl_msg *request(struct ps_nl *nl, const char *cmd, int argc,
			      char **argv, int *dump)
{
	struct nl_msg *m = NULL;
	int i;

	*dump = 0;
	if (!strcmp(cmd, "info") && !argc) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_GET_INFO, NLM_F_ACK, 0);
	} else if (!strcmp(cmd, "stat") && !argc) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_STAT, NLM_F_ACK, 0);
	} else if (!strcmp(cmd, "swaps") && !argc) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_SWAP_AREAS, NLM_F_DUMP, 0);
		*dump = 1;
	} else if (!strcmp(cmd, "walk") && argc >= 2) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_WALK, NLM_F_DUMP, (size_t)argc * 16);
		*dump = 1;
		if (m) {
			nla_put_u32(m, PTSCOPE_A_PID, (uint32_t)strtoul(argv[0], NULL, 0));
			for (i = 1; i < argc; i++)
				nla_put_u64(m, PTSCOPE_A_ADDR, strtoull(argv[i], NULL, 0));
		}
	} else if (!strcmp(cmd, "dump") && (argc == 1 || argc == 3)) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_DUMP, NLM_F_DUMP, 64);
		*dump = 1;
		if (m) {
			nla_put_u32(m, PTSCOPE_A_PID, (uint32_t)strtoul(argv[0], NULL, 0));
			if (argc == 3) {
				nla_put_u64(m, PTSCOPE_A_START, strtoull(argv[1], NULL, 0));
				nla_put_u64(m, PTSCOPE_A_END, strtoull(argv[2], NULL, 0));
			}
		}
	} else if (!strcmp(cmd, "watch") && argc >= 1) {
		m = ps_nl_msg(nl, PTSCOPE_CMD_WATCH, NLM_F_ACK, (size_t)argc * 8 + 16);
		if (m) {
			for (i = 0; i < argc; i++)
				nla_put_u32(m, PTSCOPE_A_PID, (uint32_t)strtoul(argv[i], NULL, 0));
			nla_put_u32(m, PTSCOPE_A_EVENT_MASK, PTSCOPE_EVK_ALL);
			nla_put_u32(m, PTSCOPE_A_WATCH_FLAGS, PTSCOPE_WATCH_F_CHILDREN);
		}
	} else {
		fprintf(stderr, "usage: nlcap OUT info|stat|swaps | walk PID ADDR... |"
			" dump PID [START END] | watch PID...\n");
		exit(2);
	}
	if (!m)
		fprintf(stderr, "nlcap: out of memory\n");
	return m;
}

/*
 * What one datagram says: 1 the conversation is over (DONE, an error or
 * the ACK of a non-dump request, or WATCH_END), 0 more to come. The first
 * error's errno goes to *error.
 */
static int look(const unsigned char *p, size_t len, int dump, int watching,
		int *error)
{
	const struct nlmsghdr *h = (const void *)p;
	int over = 0;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_DONE) {
			int e = *(const int *)NLMSG_DATA(h);

			if (e < 0 && !*error)
				*error = -e;
			over = 1;
		} else if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (e->error < 0 && !*error)
				*error = -e->error;
			if (e->error < 0 || (!dump && !watching))
				over = 1;
		} else if (h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN) {
			const struct genlmsghdr *g = NLMSG_DATA(h);

			if (g->cmd == PTSCOPE_CMD_WATCH_END)
				over = 1;
		}
	}
	return over;
}

int main(int argc, char **argv)
{
	int dump, watching, error = 0, out, fd, unwatch_sent = 0;
	struct sigaction sa = { .sa_handler = on_stop };
	int one = 1, rcvbuf = 8 << 20;
	struct nl_msg *m;
	struct ps_nl nl;

	if (argc < 3) {
		request(NULL, "", 0, NULL, &dump);
		return 2;
	}
	watching = !strcmp(argv[2], "watch");
	out = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (out < 0) {
		fprintf(stderr, "nlcap: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (ps_nl_open(&nl))
		return 2;
	fd = nl_socket_get_fd(nl.sk);
	/* Error messages, without a copy of the request in them. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	m = request(&nl, argv[2], argc - 3, argv + 3, &dump);
	if (!m || send_msg(&nl, m))
		return 2;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (watching && stop && !unwatch_sent) {
			m = ps_nl_msg(&nl, PTSCOPE_CMD_UNWATCH, NLM_F_ACK, 0);
			if (!m || send_msg(&nl, m))
				return 2;
			unwatch_sent = 1;
		}
		if (poll(&pfd, 1, 200) < 0) {
			if (errno == EINTR)
				continue;
			perror("nlcap: poll");
			return 2;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("nlcap: recv");
			return 2;
		}
		if ((size_t)n > sizeof(buf)) {
			fprintf(stderr, "nlcap: a datagram of %zd bytes was cut\n", n);
			return 2;
		}
		if (write(out, buf, (size_t)n) != n) {
			perror("nlcap: write");
			return 2;
		}
		if (look(buf, (size_t)n, dump, watching, &error))
			break;
		/* The ACK of WATCH: the subscription stands. */
		if (watching && !unwatch_sent && !error) {
			static int said;

			if (!said++)
				fprintf(stderr, "nlcap: watching\n");
		}
	}
	ps_nl_close(&nl);
	printf("errno=%d\n", error);
	return error ? 1 : 0;
}
