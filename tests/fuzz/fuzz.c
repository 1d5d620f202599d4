// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel, the clock and /proc as the fuzz input says: see fuzz.h.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include "../../userspace/nl.h"
#include "../../userspace/ptscope.h"
#include "fuzz.h"

/*
 * More requests than any command makes for one input: a client that goes
 * on asking whatever the answers are would never end on a real kernel.
 */
#define MAX_REQUESTS	64
/* Waits without a deadline on a socket that stays silent: a hang. */
#define MAX_IDLE_WAITS	64
#define START_NS	1000000000000ULL

static struct {
	const uint8_t *p;
	size_t n;
	uint32_t last_seq;
	unsigned int requests, idle_waits, maps_reads;
	uint64_t now_ns;
	int swap_lines;
	bool verbose;
} fz = { .now_ns = START_NS, .swap_lines = 1 };

void fz_begin(const uint8_t *data, size_t size)
{
	fz.p = data;
	fz.n = size;
}

uint8_t fz_byte(void)
{
	if (!fz.n)
		return 0;
	fz.n--;
	return *fz.p++;
}

void fz_set_swap_lines(int n)
{
	fz.swap_lines = n;
}

void fz_end(void)
{
	fz.p = NULL;
	fz.n = 0;
	fz.last_seq = 0;
	fz.requests = fz.idle_waits = fz.maps_reads = 0;
	fz.now_ns = START_NS;
	fz.swap_lines = 1;
}

/* Messages go nowhere; the last sequence number is what answers refer to. */
static int fz_send(struct nl_sock *sk, struct nl_msg *msg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);

	(void)sk;
	fz.last_seq = h->nlmsg_seq;
	if (++fz.requests > MAX_REQUESTS) {
		fprintf(stderr, "fuzz: the client sent more than %d requests: it would "
			"never stop asking\n", MAX_REQUESTS);
		abort();
	}
	return (int)h->nlmsg_len;
}

/* One datagram of the input, as recvmsg() would return it. */
static int fz_recv(struct nl_sock *sk, struct sockaddr_nl *who, unsigned char **buf,
		   struct ucred **creds)
{
	struct nlmsghdr *h;
	size_t len;
	int rem;

	(void)sk;
	(void)creds;
	memset(who, 0, sizeof(*who));
	who->nl_family = AF_NETLINK;
	if (fz.n < 2) {
		fz.n = 0;
		return -NLE_AGAIN;
	}
	len = (size_t)fz.p[0] | (size_t)fz.p[1] << 8;
	fz.p += 2;
	fz.n -= 2;
	if (!len)
		return -NLE_NOMEM;
	if (len > fz.n)
		len = fz.n;
	if (!len)
		return -NLE_AGAIN;
	*buf = malloc(len);
	if (!*buf)
		return -NLE_NOMEM;
	memcpy(*buf, fz.p, len);
	fz.p += len;
	fz.n -= len;
	rem = (int)len;
	for (h = (struct nlmsghdr *)*buf; nlmsg_ok(h, rem); h = nlmsg_next(h, &rem)) {
		h->nlmsg_seq += fz.last_seq;
		/* An error ACK names its request by the header it quotes. */
		if (h->nlmsg_type == NLMSG_ERROR &&
		    h->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nlmsgerr))
			((struct nlmsgerr *)NLMSG_DATA(h))->msg.nlmsg_seq += fz.last_seq;
	}
	return (int)len;
}

int __wrap_ps_nl_open(struct ps_nl *nl);
int __wrap_ps_nl_open(struct ps_nl *nl)
{
	struct nl_cb *cb;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -1;
	cb = nl_socket_get_cb(nl->sk);
	nl_cb_overwrite_send(cb, fz_send);
	nl_cb_overwrite_recv(cb, fz_recv);
	nl_cb_put(cb);
	nl->family = FZ_FAMILY;
	return 0;
}

void __wrap_ps_nl_close(struct ps_nl *nl);
void __wrap_ps_nl_close(struct ps_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* ---- seams.syms: libc and libnl as the client's objects see them ---- */

struct nl_cb *fz_nl_cb_alloc(enum nl_cb_kind kind);
struct nl_cb *fz_nl_cb_alloc(enum nl_cb_kind kind)
{
	struct nl_cb *cb = nl_cb_alloc(kind);

	if (cb)
		nl_cb_overwrite_recv(cb, fz_recv);
	return cb;
}

int fz_nl_socket_set_nonblocking(const struct nl_sock *sk);
int fz_nl_socket_set_nonblocking(const struct nl_sock *sk)
{
	(void)sk;
	return 0;
}

int fz_clock_gettime(clockid_t clk, struct timespec *ts);
int fz_clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (clk != CLOCK_MONOTONIC)
		return clock_gettime(clk, ts);
	fz.now_ns += 1000;
	ts->tv_sec = (time_t)(fz.now_ns / 1000000000ULL);
	ts->tv_nsec = (long)(fz.now_ns % 1000000000ULL);
	return 0;
}

/* Readable while there is input; then every wait times out at once. */
int fz_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	     const sigset_t *mask);
int fz_ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
	     const sigset_t *mask)
{
	nfds_t i;

	(void)mask;
	if (fz.n >= 2) {
		for (i = 0; i < nfds; i++)
			fds[i].revents = fds[i].events & POLLIN;
		return 1;
	}
	if (!timeout) {
		if (++fz.idle_waits > MAX_IDLE_WAITS) {
			fprintf(stderr, "fuzz: the client waits without a deadline on a "
				"socket that has nothing more: it would hang\n");
			abort();
		}
		return 0;
	}
	fz.now_ns += (uint64_t)timeout->tv_sec * 1000000000ULL +
		     (uint64_t)timeout->tv_nsec + 1;
	return 0;
}

static const char swaps_none[] =
	"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
static const char swaps_one[] =
	"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	"/dev/zram0                              partition\t262140\t\t1024\t\t100\n";

/*
 * A process's maps, changing between reads as a process does: the heap
 * grows, a mapping splits, one appears, so that the summary follows VMAs.
 */
static const char *const maps_texts[] = {
	"00400000-00401000 r-xp 00000000 fe:01 1234                               /usr/bin/target\n"
	"00600000-00601000 rw-p 00000000 fe:01 1234                               /usr/bin/target\n"
	"01000000-01021000 rw-p 00000000 00:00 0                                  [heap]\n"
	"7f0000000000-7f0000200000 rw-p 00000000 00:00 0 \n"
	"7f0000400000-7f0000410000 r--p 00000000 fe:01 99                         /tmp/file with spaces\n"
	"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n",

	"00400000-00401000 r-xp 00000000 fe:01 1234                               /usr/bin/target\n"
	"00600000-00601000 rw-p 00000000 fe:01 1234                               /usr/bin/target\n"
	"01000000-01042000 rw-p 00000000 00:00 0                                  [heap]\n"
	"7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
	"7f0000100000-7f0000200000 r--p 00000000 00:00 0 \n"
	"7f0000400000-7f0000410000 r--p 00000000 fe:01 99                         /tmp/file with spaces\n"
	"7fffffe00000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n",

	"55d0c0000000-55d0c0001000 r-xp 00000000 fe:01 77                         /usr/bin/other\n"
	"7f1234500000-7f1234700000 rw-p 00000000 00:00 0 \n"
	"garbage\n"
	"7fffffffe000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]",

	"",
};

FILE *fz_fopen(const char *path, const char *mode);
FILE *fz_fopen(const char *path, const char *mode)
{
	const char *text;
	unsigned int pid;
	int end = 0;

	(void)mode;
	if (!strcmp(path, "/proc/swaps")) {
		text = fz.swap_lines > 1 ? swaps_one : swaps_none;
	} else if (sscanf(path, "/proc/%u/maps%n", &pid, &end) == 1 && end &&
		   !path[end]) {
		text = maps_texts[(pid + fz.maps_reads++) %
				  (sizeof(maps_texts) / sizeof(maps_texts[0]))];
	} else {
		errno = ENOENT;
		return NULL;
	}
	/* An empty buffer is not one fmemopen() takes in every libc. */
	return *text ? fmemopen((void *)text, strlen(text), "r") : fopen("/dev/null", "r");
}

/* ---- what the client prints ---- */

/* Formatted all the same (printf's checks see every argument), then dropped. */
void ps_err(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (fz.verbose)
		fprintf(stderr, "ptscope: %s\n", buf);
}

/* main.c is not linked: the targets build command lines that are right. */
int ps_usage(const struct ps_command *c)
{
	fprintf(stderr, "fuzz: the target gave `%s` a bad command line\n", c->name);
	abort();
}

int ps_help(const struct ps_command *c)
{
	return ps_usage(c);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz.verbose = getenv("FUZZ_VERBOSE") != NULL;
	/* Output is formatted in full, then dropped, unless asked for. */
	if (!getenv("FUZZ_STDOUT") && !freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}
