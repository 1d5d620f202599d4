// SPDX-License-Identifier: GPL-2.0
/*
 * watchraw: subscribe to a process's fault events and only count them, for
 * bench/watchbench's ptscope-raw mode (see README.md): the module's and the
 * socket's share of what `ptscope watch` costs, without the client's
 * decoding, summary and JSON.
 *
 *   watchraw [-b EVENTS_PER_CPU] PID
 *
 * Sends PTSCOPE_CMD_WATCH (the PID, fault events only), says
 * "ptscope: watching pid PID (raw)" on stderr once the module has accepted,
 * then recv()s the socket into a 64 KiB buffer and counts the events of the
 * EVENTS messages, until WATCH_END: when the process has exited, or after
 * SIGINT or SIGTERM (which send UNWATCH). Then one line on stdout, shaped as
 * ptscope --json's summary:
 *
 *   {"type":"summary","occurred":{"fault":N},"delivered":{"fault":N},
 *    "dropped":{"fault":N},"received":N,"end_reason":N}
 *
 * (on one line), where occurred, delivered and dropped are the module's
 * final counts and received the fault events that arrived.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include "../module/uapi/ptscope.h"
#include "../userspace/nl.h"
#include "../userspace/ptscope.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define BUF	(64 * 1024)
#define RCVBUF	(8 << 20)	/* as ptscope watch */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int send_cmd(struct ps_nl *nl, int cmd, uint32_t pid, uint32_t buffer, uint32_t *seq)
{
	struct nl_msg *msg = ps_nl_msg(nl, cmd, 0, 3 * nla_total_size(4));
	int err = !msg;

	if (!err && cmd == PTSCOPE_CMD_WATCH) {
		err = nla_put_u32(msg, PTSCOPE_A_PID, pid) ||
		      nla_put_u32(msg, PTSCOPE_A_EVENT_MASK, PTSCOPE_EVK_FAULT) ||
		      (buffer && nla_put_u32(msg, PTSCOPE_A_BUFFER, buffer));
	}
	if (err) {
		nlmsg_free(msg);
		ps_err("out of memory");
		return -1;
	}
	err = nl_send_auto(nl->sk, msg);	/* adds NLM_F_ACK */
	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (err < 0) {
		ps_err("cannot send the request: %s", nl_geterror(err));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART */
	struct ptscope_counts counts;
	uint64_t received = 0;
	uint32_t pid, buffer = 0, watch_seq = 0, unwatch_seq = 0;
	bool accepted = false, ended = false, unwatch_sent = false;
	int end_reason = -1, size = RCVBUF, one = 1, fd, c;
	struct ps_nl nl;
	/* For the process's life: no early return has it to free. */
	static char buf[BUF] __attribute__((aligned(NLMSG_ALIGNTO)));

	while ((c = getopt(argc, argv, "b:")) != -1) {
		if (c != 'b')
			goto usage;
		buffer = (uint32_t)strtoul(optarg, NULL, 10);
	}
	if (optind + 1 != argc) {
usage:
		fprintf(stderr, "usage: watchraw [-b EVENTS_PER_CPU] PID\n");
		return 2;
	}
	pid = (uint32_t)strtoul(argv[optind], NULL, 10);
	memset(&counts, 0, sizeof(counts));
	if (ps_nl_open(&nl))
		return 1;
	fd = nl_socket_get_fd(nl.sk);
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	nl_socket_set_buffer_size(nl.sk, RCVBUF, 1 << 20);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (send_cmd(&nl, PTSCOPE_CMD_WATCH, pid, buffer, &watch_seq))
		return 1;
	while (!ended) {
		ssize_t n;
		struct nlmsghdr *h;
		int len;

		if (stop && accepted && !unwatch_sent) {
			if (send_cmd(&nl, PTSCOPE_CMD_UNWATCH, 0, 0, &unwatch_seq))
				return 1;
			unwatch_sent = true;
		}
		n = recv(fd, buf, BUF, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ps_err("recv: %s", strerror(errno));
			return 1;
		}
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g = NLMSG_DATA(h);
			struct nlattr *a;
			int rem;

			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				/* UNWATCH may cross the subscription's own end. */
				if (e->error && h->nlmsg_seq == unwatch_seq)
					continue;
				if (e->error) {
					ps_err("kernel reports: %s", strerror(-e->error));
					return 1;
				}
				if (h->nlmsg_seq == watch_seq && !accepted) {
					accepted = true;
					fprintf(stderr, "ptscope: watching pid %" PRIu32 " (raw)\n", pid);
					fflush(stderr);
				}
				continue;
			}
			if (h->nlmsg_type != nl.family)
				continue;
			nla_for_each_attr(a, (struct nlattr *)((char *)g + GENL_HDRLEN),
					  (int)(h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN), rem) {
				if (nla_type(a) == PTSCOPE_A_EVENTS) {
					const struct ptscope_event *ev = nla_data(a);
					size_t i, nr = (size_t)nla_len(a) / sizeof(*ev);

					for (i = 0; i < nr; i++)
						received += ev[i].type == PTSCOPE_EV_FAULT;
				} else if (nla_type(a) == PTSCOPE_A_COUNTS &&
					   (size_t)nla_len(a) >= sizeof(counts)) {
					memcpy(&counts, nla_data(a), sizeof(counts));
				} else if (nla_type(a) == PTSCOPE_A_END_REASON) {
					end_reason = nla_get_u8(a);
				}
			}
			if (g->cmd == PTSCOPE_CMD_WATCH_END)
				ended = true;
		}
	}
	printf("{\"type\":\"summary\",\"occurred\":{\"fault\":%" PRIu64 "},"
	       "\"delivered\":{\"fault\":%" PRIu64 "},\"dropped\":{\"fault\":%" PRIu64 "},"
	       "\"received\":%" PRIu64 ",\"end_reason\":%d}\n",
	       (uint64_t)counts.occurred[PTSCOPE_EV_FAULT],
	       (uint64_t)counts.delivered[PTSCOPE_EV_FAULT],
	       (uint64_t)counts.dropped[PTSCOPE_EV_FAULT], received, end_reason);
	ps_nl_close(&nl);
	return 0;
}
