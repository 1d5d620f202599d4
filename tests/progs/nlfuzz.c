// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a structure-aware fuzzer for ptscope.ko's generic netlink family.
 *
 *   nlfuzz [--seed N] [--count N] [--steps N] [--first N] [--timeout MS]
 *          [--verbose]
 *
 * Each step sends one or more datagrams (well-formed requests, wrong
 * types and lengths, bogus nests, huge repeat counts, out-of-range
 * values, truncated messages, reserved fields set, byte-level mutations
 * of valid messages, several messages in one datagram, subscriptions
 * opened and dropped, sockets closed mid-dump) and reads everything the
 * kernel sends back. Step I draws from its own generator seeded by
 * (seed, I), so `--first I --steps 1` replays it.
 *
 * What the kernel must do with a message is worked out from the bytes
 * actually sent, the way net/netlink and the family's strict policy read
 * them: whether it is answered at all, whether it must be refused (unknown
 * command, dump flag on a doit, an attribute the policy rejects, an
 * address outside user space, pid 0...), whether it must succeed (GET_INFO,
 * STAT, a walk of this process's own addresses: one reply per address, in
 * order). Every message from the kernel is checked: sequence number and
 * port, the request it answers, attribute structure, reserved fields,
 * frames hidden from the unprivileged, event counters.
 *
 * Exit status 0: every message that had to be answered was, nothing
 * impossible was seen and no expectation was broken; 1 otherwise; 2 usage
 * or setup error; 3 the watchdog fired (a step took far too long).
 * The last line of output is the summary.
 *
 * Throughput under TCG (tests/vm/run, 2 vCPUs, kernel 6.1): 750 to 1400
 * messages a second, a little less at 5 levels with page-table isolation;
 * 50,000 messages take about a minute.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include "../../module/uapi/ptscope.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define PAGE		4096ULL
#define PID_MAX_LIMIT	4194304U	/* the kernel's, 64-bit */
#define DGRAM_MAX	(256 * 1024)
#define MAX_REQ		64		/* messages the kernel processes per step */
#define MAX_SOCKS	4		/* the pool; steps may open more */
#define JOURNAL		24		/* lines of a socket's recent past */
#define MAX_SHORT	8		/* short-lived children at once */
#define HIST		4		/* datagrams kept for a report */
#define HIST_BYTES	2048
#define MAX_REPORTS	20
#define BIG_BUFFER	16384		/* events per CPU a pool socket may ask */

/* ---- options and what the run learns about the kernel ---- */

static uint64_t opt_seed = 1, opt_count = 10000, opt_steps, opt_first;
static int opt_verbose, opt_timeout_ms = 10000, opt_stuck = 180;
static bool opt_selftest;

static int family;
static pid_t self_pid, helper_pid, zombie_pid, thread_tid;
static pid_t shorts[MAX_SHORT];
static uint32_t pid_max = 32768;
static bool kthreadd_is_2;
static uint32_t max_addrs = 1024, buffer_default = 4096;
static int levels = 4;
static uint64_t task_size_max = (1ULL << 47) - PAGE;
static bool frames_hidden;		/* GET_INFO said so: unprivileged */
static long ncpus = 1;

/* Memory whose addresses stay valid (and the helper's, a fork of ours). */
static uint8_t *region;			/* 64 pages, written */
static uint8_t *untouched;		/* 16 pages, never touched */
static uint8_t *noaccess;		/* 4 pages, PROT_NONE */
static uint64_t heap_addr, stack_addr;
static int data_word = 1;
static char exe_path[PATH_MAX];

/* ---- counters ---- */

static struct {
	uint64_t steps, datagrams, messages, send_fail, replies, acks, dones;
	uint64_t errors, err_nomsg, events, ev_msgs, watch_ends, subs_made;
	uint64_t no_answer, impossible, wrong, overruns, lost, abandoned;
	uint64_t expect_ok, expect_err, silent;
	uint64_t by_errno[4096];
} st;
static int reports;

/* ---- deterministic randomness: splitmix64, one stream per step ---- */

static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

#define PICK(...) ({ \
	const uint64_t pick_[] = { __VA_ARGS__ }; \
	pick_[below(sizeof(pick_) / sizeof(pick_[0]))]; })

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nlfuzz: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

/* ---- sockets ---- */

struct fsock {
	struct nl_sock *sk;
	int fd;
	uint32_t port;
	bool ext_ack, cap_ack;
	bool big_ok;		/* may hold a subscription with a big buffer */
	int subs_open;		/* WATCH replies minus WATCH_ENDs seen */
	bool mixed;		/* two subscriptions' events may interleave */
	bool overrun;		/* the kernel could not queue something (ENOBUFS) */
	uint64_t overruns;
	uint64_t last_ev_seq;
	uint64_t received[PTSCOPE_EV_NR];
	/*
	 * What this socket saw lately, for a report about its
	 * subscriptions: what the counters were made of.
	 */
	char journal[JOURNAL][96];
	unsigned int journal_n;
};

static struct fsock pool[MAX_SOCKS];

static void __attribute__((format(printf, 2, 3)))
journal(struct fsock *s, const char *fmt, ...);

static void sock_open(struct fsock *s, bool big_ok)
{
	int one = 1, rcv = 8 << 20, snd = 1 << 20;

	memset(s, 0, sizeof(*s));
	s->sk = nl_socket_alloc();
	if (!s->sk || genl_connect(s->sk))
		die("cannot open a generic netlink socket");
	s->fd = nl_socket_get_fd(s->sk);
	s->port = nl_socket_get_local_port(s->sk);
	s->big_ok = big_ok;
	journal(s, "opened, port %u", s->port);
	nl_socket_set_buffer_size(s->sk, 1 << 20, 1 << 20);
	/* Root may have more than rmem_max: fewer overruns from event floods. */
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd));
	nl_socket_disable_msg_peek(s->sk);
	nl_socket_set_msg_buf_size(s->sk, 128 * 1024);
	if (nl_socket_set_nonblocking(s->sk))
		die("cannot make a socket non-blocking");
	s->ext_ack = chance(70);
	s->cap_ack = chance(50);
	if (s->ext_ack)
		setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (s->cap_ack)
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

static void sock_close(struct fsock *s)
{
	if (s->sk)
		nl_socket_free(s->sk);
	s->sk = NULL;
}

/* ---- what a message sent is expected to get ---- */

enum want { W_NONE, W_MAYBE, W_ANSWER };
enum expect { XP_ANY, XP_OK, XP_ERR };

struct req {
	struct fsock *s;
	uint32_t seq, len;
	uint16_t type, flags;
	uint8_t cmd;
	bool ours, dump, doit_reply;
	enum want want;
	enum expect expect;
	int want_errno;		/* XP_ERR: this errno, if not 0 */
	int alt_errno;		/* XP_OK: or this refusal */
	const char *why;	/* of the expectation */
	/* oracles */
	uint32_t nva;		/* WALK: replies wanted, VAs in order */
	uint64_t *va;
	uint32_t pid;		/* WALK, DUMP: the pid replies name */
	uint32_t watch_buffer;	/* WATCH: the buffer the reply must give */
	/* results */
	bool done, abandoned, lost, stats_seen, bad;
	int err;
	uint32_t replies;
	uint32_t dgram;		/* index in the step's history */
	uint64_t overruns;	/* the socket's, when sent */
};

struct step {
	uint64_t index;
	const char *gen;
	struct req req[MAX_REQ];
	int nreq;
	int ndgram;
};

static struct step cur;

/* A line of @s's journal, stamped with the step. */
static void __attribute__((format(printf, 2, 3)))
journal(struct fsock *s, const char *fmt, ...)
{
	char *line = s->journal[s->journal_n++ % JOURNAL];
	int n;
	va_list ap;

	n = snprintf(line, sizeof(s->journal[0]), "step %" PRIu64 ": ", cur.index);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(s->journal[0]) - (size_t)n, fmt, ap);
	va_end(ap);
}

static void journal_print(const struct fsock *s)
{
	unsigned int k = s->journal_n > JOURNAL ? s->journal_n - JOURNAL : 0;

	fprintf(stderr, "  the socket's last %u happenings:\n", s->journal_n - k);
	for (; k < s->journal_n; k++)
		fprintf(stderr, "    %s\n", s->journal[k % JOURNAL]);
}

/* The last datagrams, for reports. */
static struct {
	uint64_t step;
	int sock;
	size_t len;
	uint8_t bytes[HIST_BYTES];
} hist[HIST];
static unsigned int hist_next;

/* For the watchdog: the datagram being sent, hex-encoded when it fires. */
static volatile uint64_t wd_step;
static volatile size_t wd_len;
static uint8_t wd_bytes[HIST_BYTES];

static void hexdump(FILE *f, const uint8_t *p, size_t len, size_t shown)
{
	size_t i, n = len < shown ? len : shown;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x%s", p[i], (i + 1) % 32 == 0 || i + 1 == n ? "\n" : "");
	if (n < len)
		fprintf(f, "... (%zu bytes in all)\n", len);
}

static int sock_id(const struct fsock *s)
{
	return s >= pool && s < pool + MAX_SOCKS ? (int)(s - pool) : -1;
}

static void report_context(void)
{
	unsigned int i;

	fprintf(stderr, "  reproduce: nlfuzz --seed %" PRIu64 " --first %" PRIu64 " --steps 1 --verbose\n",
		opt_seed, cur.index);
	for (i = 0; i < HIST; i++) {
		unsigned int k = (hist_next + i) % HIST;

		if (!hist[k].len)
			continue;
		fprintf(stderr, "  datagram of step %" PRIu64 " on socket %d, %zu bytes:\n",
			hist[k].step, hist[k].sock, hist[k].len);
		hexdump(stderr, hist[k].bytes, hist[k].len, HIST_BYTES);
	}
}

/* Something the kernel must never do. */
static void impossible(const struct fsock *s, const char *fmt, ...)
{
	va_list ap;

	st.impossible++;
	if (++reports > MAX_REPORTS)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "nlfuzz: IMPOSSIBLE in step %" PRIu64 " (%s), socket %d port %u: ",
		cur.index, cur.gen, sock_id(s), s ? s->port : 0);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	report_context();
}

static void describe_req(const struct req *r)
{
	fprintf(stderr, "  request: seq %u len %u type %u flags 0x%x cmd %u; wanted %s%s%s (%s); got %s, error %d, %u replies\n",
		r->seq, r->len, r->type, r->flags, r->cmd,
		r->expect == XP_OK ? "success" : r->expect == XP_ERR ? "a refusal" : "anything",
		r->want_errno ? " " : "", r->want_errno ? strerror(r->want_errno) : "",
		r->why ? r->why : "-", r->done ? "an end" : "no end", r->err, r->replies);
}

static void failure(uint64_t *counter, const struct req *r, const char *fmt, ...)
{
	va_list ap;

	(*counter)++;
	if (++reports > MAX_REPORTS)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "nlfuzz: FAILED in step %" PRIu64 " (%s), socket %d port %u: ",
		cur.index, cur.gen, sock_id(r->s), r->s->port);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	describe_req(r);
	report_context();
}

static void watchdog(int sig)
{
	static const char hex[] = "0123456789abcdef";
	/* Only write() here: snprintf() is not async-signal-safe. */
	char line[128], num[2][24];
	uint64_t v[2] = { wd_step, (uint64_t)opt_stuck };
	const char *part[] = { "nlfuzz: WATCHDOG: step ", NULL, " still running after ", NULL,
			       " s; its datagram:\n" };
	size_t i, k, len = 0, n = wd_len < HIST_BYTES ? wd_len : HIST_BYTES;

	(void)sig;
	for (k = 0; k < 2; k++) {
		char *e = num[k] + sizeof(num[k]) - 1;

		*e = 0;
		do
			*--e = (char)('0' + v[k] % 10);
		while (v[k] /= 10);
		part[2 * k + 1] = e;
	}
	for (k = 0; k < sizeof(part) / sizeof(part[0]); k++)
		for (const char *c = part[k]; *c && len < sizeof(line); c++)
			line[len++] = *c;
	if (write(2, line, len) < 0)
		_exit(3);
	for (i = 0; i < n; i++) {
		char b[3] = { hex[wd_bytes[i] >> 4], hex[wd_bytes[i] & 15],
			      (i + 1) % 32 == 0 || i + 1 == n ? '\n' : 0 };

		if (write(2, b, b[2] ? 3 : 2) < 0)
			break;
	}
	_exit(3);
}

/* ---- processes to look at ---- */

static void child_cleanup(void)
{
	/* Gone with the fuzzer, whatever becomes of it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* Netlink sockets must not outlive the parent's close in a child. */
	if (close_range(3, ~0U, 0))
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
}

/* Faults, TLB flushes and invalidations in a copy of our address space. */
static void helper_main(void)
{
	unsigned int i;

	for (i = 0;; i++) {
		region[(i % 64) * PAGE] = (uint8_t)i;
		if (i % 16 == 15)
			madvise(region + ((i / 16) % 64) * PAGE, PAGE, MADV_DONTNEED);
		if (i % 64 == 63) {
			mprotect(untouched, PAGE, PROT_READ);
			mprotect(untouched, PAGE, PROT_READ | PROT_WRITE);
		}
		usleep(2000);
	}
}

static pid_t spawn(int delay_us, bool do_exec)
{
	pid_t pid = fork();

	if (pid < 0)
		return 0;
	if (!pid) {
		child_cleanup();
		if (delay_us)
			usleep((useconds_t)delay_us);
		if (do_exec)
			execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	return pid;
}

static void reap_shorts(bool all)
{
	for (int i = 0; i < MAX_SHORT; i++)
		if (shorts[i] && waitpid(shorts[i], NULL, all ? 0 : WNOHANG) == shorts[i])
			shorts[i] = 0;
}

/* A child that exits within a few milliseconds, maybe after an exec. */
static uint32_t short_pid(void)
{
	int i;

	reap_shorts(false);
	for (i = 0; i < MAX_SHORT; i++)
		if (!shorts[i])
			break;
	if (i == MAX_SHORT)
		return (uint32_t)shorts[below(MAX_SHORT)];
	shorts[i] = spawn((int)below(5000), chance(10));
	return (uint32_t)shorts[i];
}

static void *thread_main(void *arg)
{
	(void)arg;
	__atomic_store_n(&thread_tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	for (;;)
		pause();
	return NULL;
}

/* ---- value pools ---- */

static uint32_t good_pid(void)
{
	return (uint32_t)PICK(self_pid, self_pid, thread_tid, helper_pid);
}

static uint32_t any_pid(void)
{
	switch (below(16)) {
	case 0: case 1: case 2: return (uint32_t)self_pid;
	case 3: return (uint32_t)thread_tid;
	case 4: case 5: return (uint32_t)helper_pid;
	case 6: return (uint32_t)getppid();
	case 7: return 1;
	case 8: return 2;
	case 9: return (uint32_t)zombie_pid;
	case 10: return short_pid();
	case 11: return 0;
	case 12: return 0xffffffffU;
	case 13: return (uint32_t)PICK(PID_MAX_LIMIT, PID_MAX_LIMIT + 1, PID_MAX_LIMIT - 1,
				       0x7fffffff, 0x80000000U, pid_max, pid_max + 1);
	case 14: return (uint32_t)rnd();
	default: return below(1000);
	}
}

/* An address every walk may name (below 2^47: user space at 4 and 5 levels). */
static uint64_t good_addr(void)
{
	switch (below(12)) {
	case 0: case 1: case 2: return (uint64_t)(uintptr_t)region + below(64) * PAGE + below(4096);
	case 3: return (uint64_t)(uintptr_t)untouched + below(16) * PAGE;
	case 4: return (uint64_t)(uintptr_t)noaccess + below(4) * PAGE;
	case 5: return stack_addr + below(4) * PAGE;
	case 6: return (uint64_t)(uintptr_t)&good_addr;
	case 7: return heap_addr;
	case 8: return (uint64_t)(uintptr_t)&data_word;
	case 9: return PICK(0, 1, 0xfff, 0x1000, 0x400000, (1ULL << 47) - PAGE - 1);
	case 10: return rnd() & ((1ULL << 47) - PAGE - 1);
	default: return (rnd() & ((1ULL << 47) - 1)) & ~(PAGE - 1) & ((1ULL << 47) - PAGE - 1);
	}
}

static uint64_t edge_addr(void)
{
	return PICK((1ULL << 47) - PAGE, (1ULL << 47) - 1, 1ULL << 47,
		    (1ULL << 56) - PAGE - 1, (1ULL << 56) - PAGE, (1ULL << 56) - 1,
		    1ULL << 56, 1ULL << 57, 0x8000000000000000ULL,
		    0xdead000000000000ULL, 0xffff800000000000ULL,
		    0xff00000000000000ULL, 0xffff888000000000ULL,
		    0xffffffff81000000ULL, 0xffffffffff600000ULL, ~0ULL,
		    task_size_max - 1, task_size_max);
}

static uint64_t any_addr(void)
{
	switch (below(10)) {
	case 0: case 1: return edge_addr();
	case 2: return rnd();
	default: return good_addr();
	}
}

static uint32_t any_u32(void)
{
	return (uint32_t)PICK(0, 1, 2, 3, 4, 15, 16, 17, 31, 32, 255, 4096,
			      1U << 20, (1U << 20) + 1, 0x7fffffff, 0x80000000U,
			      0xffffffffU, rnd());
}

/* ---- building messages ---- */

/* nla_for_each_attr(), as lib/nlattr.c walks: @rem may end below zero. */
#define for_each_nla(a, start, rem) \
	for ((a) = (void *)(start); \
	     (rem) >= (int)sizeof(*(a)) && (a)->nla_len >= sizeof(*(a)) && (a)->nla_len <= (rem); \
	     (rem) -= NLA_ALIGN((a)->nla_len), (a) = (void *)((uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))

static const void *msg_attrs(const struct nlmsghdr *h)
{
	return (const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN;
}

static int msg_attrlen(const struct nlmsghdr *h)
{
	return (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
}

struct dgram {
	uint8_t buf[DGRAM_MAX];
	size_t len;
	struct nl_msg *msg;	/* the single message, as libnl built it */
	bool raw;		/* bytes changed since libnl built them */
};

static struct dgram dg, scratch;

static struct nl_msg *msg_new(uint16_t type, uint16_t flags, uint8_t cmd, size_t room)
{
	struct nl_msg *m = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + room + 4096);

	if (!m || !genlmsg_put(m, 0, 0, type, 0, flags, cmd, PTSCOPE_GENL_VERSION))
		die("out of memory");
	return m;
}

static void dg_reset(struct dgram *d)
{
	if (d->msg)
		nlmsg_free(d->msg);
	d->msg = NULL;
	d->len = 0;
	d->raw = false;
}

/* Appends @m's bytes; the first message is kept for nl_send(). */
static void dg_add(struct dgram *d, struct nl_msg *m)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	size_t len = h->nlmsg_len, pad = NLMSG_ALIGN(len) - len;

	if (d->len + len + pad > DGRAM_MAX) {
		nlmsg_free(m);
		return;
	}
	memcpy(d->buf + d->len, h, len);
	memset(d->buf + d->len + len, 0, pad);
	if (!d->len && !d->msg) {
		d->msg = m;
	} else {
		if (d->msg) {
			nlmsg_free(d->msg);
			d->msg = NULL;
		}
		nlmsg_free(m);
		d->raw = true;
	}
	d->len += len + pad;
}

static uint16_t flags_for(uint8_t cmd)
{
	bool dump = cmd == PTSCOPE_CMD_WALK || cmd == PTSCOPE_CMD_DUMP ||
		    cmd == PTSCOPE_CMD_SWAP_AREAS;

	return (uint16_t)(NLM_F_REQUEST | (dump ? NLM_F_DUMP : 0) | (chance(30) ? NLM_F_ACK : 0));
}

static uint16_t any_flags(void)
{
	switch (below(10)) {
	case 0: return NLM_F_REQUEST;
	case 1: return NLM_F_REQUEST | NLM_F_ACK;
	case 2: return NLM_F_REQUEST | NLM_F_DUMP;
	case 3: return NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK;
	case 4: return NLM_F_REQUEST | NLM_F_ROOT;
	case 5: return NLM_F_REQUEST | NLM_F_MATCH | NLM_F_ACK;
	case 6: return NLM_F_REQUEST | NLM_F_ECHO | NLM_F_ATOMIC;
	case 7: return (uint16_t)(NLM_F_REQUEST | (rnd() & 0xfcf8));
	default: return (uint16_t)rnd();
	}
}

static void put_name(struct nl_msg *m)
{
	static char big[PATH_MAX + 64];
	size_t n;

	switch (below(6)) {
	case 0: nla_put_string(m, PTSCOPE_A_VMA_NAME, "[heap]"); break;
	case 1: nla_put_string(m, PTSCOPE_A_VMA_NAME, "[stack]"); break;
	case 2: nla_put_string(m, PTSCOPE_A_VMA_NAME, exe_path); break;
	case 3: nla_put_string(m, PTSCOPE_A_VMA_NAME, "[anon]"); break;
	case 4: nla_put_string(m, PTSCOPE_A_VMA_NAME, "/nonexistent"); break;
	default:
		n = (size_t)PICK(1, PATH_MAX - 2, PATH_MAX - 1, PATH_MAX, PATH_MAX + 1, below(PATH_MAX));
		memset(big, 'a' + (int)below(26), n);
		big[n] = 0;
		nla_put(m, PTSCOPE_A_VMA_NAME, (int)n + 1, big);
	}
}

/* An attribute the policy accepts, with a value from the pools. */
static void put_attr(struct nl_msg *m)
{
	switch (below(10)) {
	case 0: case 1: nla_put_u32(m, PTSCOPE_A_PID, any_pid()); break;
	case 2: case 3: nla_put_u64(m, PTSCOPE_A_ADDR, any_addr()); break;
	case 4: nla_put_u64(m, PTSCOPE_A_START, any_addr()); break;
	case 5: nla_put_u64(m, PTSCOPE_A_END, any_addr()); break;
	case 6: nla_put_u32(m, PTSCOPE_A_DUMP_FLAGS, below(4)); break;
	case 7: put_name(m); break;
	case 8: nla_put_u32(m, PTSCOPE_A_EVENT_MASK, 1 + below(PTSCOPE_EVK_ALL)); break;
	default:
		if (chance(50))
			nla_put_u32(m, PTSCOPE_A_WATCH_FLAGS, below(2));
		else
			nla_put_u32(m, PTSCOPE_A_BUFFER, PTSCOPE_BUFFER_MIN << below(6));
	}
}

static void put_range(struct nl_msg *m)
{
	uint64_t start = good_addr() & ~(PAGE - 1);
	uint64_t span = PICK(PAGE, 1ULL << 21, 1ULL << 30, 1ULL << 40, rnd() & ((1ULL << 46) - 1));

	if (chance(70))
		nla_put_u64(m, PTSCOPE_A_START, start);
	if (chance(70))
		nla_put_u64(m, PTSCOPE_A_END, start + span < (1ULL << 47) - PAGE ?
			    start + span : (1ULL << 47) - PAGE);
}

/* A request as the client would send it. */
static struct nl_msg *valid_msg(void)
{
	uint8_t cmd = (uint8_t)PICK(PTSCOPE_CMD_GET_INFO, PTSCOPE_CMD_STAT,
				    PTSCOPE_CMD_SWAP_AREAS, PTSCOPE_CMD_WALK,
				    PTSCOPE_CMD_WALK, PTSCOPE_CMD_DUMP,
				    PTSCOPE_CMD_DUMP, PTSCOPE_CMD_WATCH,
				    PTSCOPE_CMD_UNWATCH);
	uint32_t i, n;
	struct nl_msg *m;

	n = chance(2) ? 1 + below(max_addrs) : 1 + below(8);
	m = msg_new((uint16_t)family, flags_for(cmd), cmd,
		    cmd == PTSCOPE_CMD_WALK ? n * 12 : 0);
	switch (cmd) {
	case PTSCOPE_CMD_WALK:
		nla_put_u32(m, PTSCOPE_A_PID, good_pid());
		for (i = 0; i < n; i++)
			nla_put_u64(m, PTSCOPE_A_ADDR, good_addr());
		break;
	case PTSCOPE_CMD_DUMP:
		nla_put_u32(m, PTSCOPE_A_PID, good_pid());
		put_range(m);
		if (chance(40))
			nla_put_u32(m, PTSCOPE_A_DUMP_FLAGS, below(4));
		if (chance(20))
			put_name(m);
		break;
	case PTSCOPE_CMD_WATCH:
		nla_put_u32(m, PTSCOPE_A_PID, chance(30) ? short_pid() : good_pid());
		if (chance(20))
			nla_put_u32(m, PTSCOPE_A_PID, short_pid());
		if (chance(50))
			nla_put_u32(m, PTSCOPE_A_EVENT_MASK, 1 + below(PTSCOPE_EVK_ALL));
		if (chance(30))
			nla_put_u32(m, PTSCOPE_A_WATCH_FLAGS, below(2));
		if (chance(40))
			nla_put_u32(m, PTSCOPE_A_BUFFER, (uint32_t)PICK(16, 17, 64, 256, 1000, 4096));
		break;
	default:
		break;
	}
	return m;
}

static uint8_t real_cmd(void)
{
	return (uint8_t)(1 + below(PTSCOPE_CMD_MAX));
}

/* Out-of-range values in well-formed messages. */
static struct nl_msg *range_msg(void)
{
	uint8_t cmd = (uint8_t)PICK(PTSCOPE_CMD_WALK, PTSCOPE_CMD_WALK, PTSCOPE_CMD_DUMP,
				    PTSCOPE_CMD_DUMP, PTSCOPE_CMD_WATCH, PTSCOPE_CMD_UNWATCH,
				    PTSCOPE_CMD_GET_INFO, PTSCOPE_CMD_STAT);
	struct nl_msg *m = msg_new((uint16_t)family, flags_for(cmd), cmd, 512);
	uint32_t i, n;

	if (chance(90))
		nla_put_u32(m, PTSCOPE_A_PID, any_pid());
	switch (cmd) {
	case PTSCOPE_CMD_WALK:
		for (i = 0, n = below(6); i < n; i++)
			nla_put_u64(m, PTSCOPE_A_ADDR, any_addr());
		break;
	case PTSCOPE_CMD_DUMP:
		if (chance(60))
			nla_put_u64(m, PTSCOPE_A_START, any_addr());
		if (chance(60))
			nla_put_u64(m, PTSCOPE_A_END, any_addr());
		if (chance(30))
			nla_put_u32(m, PTSCOPE_A_DUMP_FLAGS, any_u32());
		if (chance(20))
			put_name(m);
		break;
	case PTSCOPE_CMD_WATCH:
		for (i = 0, n = below(3); i < n; i++)
			nla_put_u32(m, PTSCOPE_A_PID, any_pid());
		if (chance(50))
			nla_put_u32(m, PTSCOPE_A_EVENT_MASK, any_u32());
		if (chance(50))
			nla_put_u32(m, PTSCOPE_A_WATCH_FLAGS, any_u32());
		if (chance(50))
			nla_put_u32(m, PTSCOPE_A_BUFFER, chance(5) ? 1U << 20 : any_u32());
		break;
	default:
		for (i = 0, n = below(4); i < n; i++)
			put_attr(m);
	}
	return m;
}

/* Attribute types: those of the policy, those only replies carry, unknown. */
static const uint16_t policy_types[] = {
	PTSCOPE_A_PID, PTSCOPE_A_ADDR, PTSCOPE_A_START, PTSCOPE_A_END,
	PTSCOPE_A_DUMP_FLAGS, PTSCOPE_A_VMA_NAME, PTSCOPE_A_EVENT_MASK,
	PTSCOPE_A_WATCH_FLAGS, PTSCOPE_A_BUFFER,
};

static uint16_t any_type(void)
{
	switch (below(4)) {
	case 0: return policy_types[below(sizeof(policy_types) / sizeof(policy_types[0]))];
	case 1: return (uint16_t)below(PTSCOPE_A_MAX + 1);
	case 2: return (uint16_t)(PTSCOPE_A_MAX + 1 + below(64));
	default: return (uint16_t)rnd();
	}
}

static void put_junk(struct nl_msg *m, uint16_t type, int len)
{
	uint8_t b[512];

	for (int i = 0; i < len; i++)
		b[i] = (uint8_t)rnd();
	nla_put(m, type, len, b);
}

/* Wrong types and lengths for the attributes a command takes. */
static struct nl_msg *types_msg(void)
{
	uint8_t cmd = real_cmd();
	struct nl_msg *m = msg_new((uint16_t)family, flags_for(cmd), cmd, 8192);
	static char s[PATH_MAX + 8];
	uint32_t i, n;
	uint16_t t;
	int len;

	for (i = 0, n = below(3); i < n; i++)
		put_attr(m);
	for (i = 0, n = 1 + below(3); i < n; i++) {
		t = policy_types[below(sizeof(policy_types) / sizeof(policy_types[0]))];
		switch (below(7)) {
		case 0:		/* wrong length */
			len = (int)PICK(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 16, 255);
			put_junk(m, t, len);
			break;
		case 1:		/* an attribute only replies carry */
			t = (uint16_t)(1 + below(PTSCOPE_A_MAX));
			put_junk(m, t, (int)PICK(0, 1, 4, 8, 16));
			break;
		case 2:		/* unknown, or type 0 */
			put_junk(m, chance(20) ? 0 : (uint16_t)(PTSCOPE_A_MAX + 1 + below(0x3fc0)),
				 (int)below(20));
			break;
		case 3:		/* flag bits in the type */
			put_junk(m, (uint16_t)(t | (chance(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER)),
				 t == PTSCOPE_A_ADDR || t == PTSCOPE_A_START || t == PTSCOPE_A_END ? 8 : 4);
			break;
		case 4:		/* strings */
			len = (int)PICK(0, 1, 5, PATH_MAX - 1, PATH_MAX, PATH_MAX + 1);
			memset(s, 'x', (size_t)len);
			if (len && chance(50))
				s[below((uint32_t)len)] = 0;
			nla_put(m, PTSCOPE_A_VMA_NAME, len, s);
			break;
		case 5:		/* masks and ranges */
			t = (uint16_t)PICK(PTSCOPE_A_DUMP_FLAGS, PTSCOPE_A_EVENT_MASK,
					   PTSCOPE_A_WATCH_FLAGS, PTSCOPE_A_BUFFER);
			nla_put_u32(m, t, any_u32());
			break;
		default:	/* a string where a number goes, a number where a string goes */
			if (chance(50))
				nla_put_string(m, t, "1234");
			else
				nla_put_u32(m, PTSCOPE_A_VMA_NAME, 0x41414141);
		}
	}
	return m;
}

static void nest_fill(struct nl_msg *m, int depth)
{
	struct nlattr *n;

	if (depth <= 0) {
		if (chance(70))
			put_attr(m);
		return;
	}
	n = nla_nest_start(m, any_type());
	if (!n)
		return;
	nest_fill(m, depth - 1);
	if (chance(20))
		put_attr(m);
	nla_nest_end_keep_empty(m, n);
}

/* Nests where scalars go, deep nests, empty nests. */
static struct nl_msg *nest_msg(void)
{
	uint8_t cmd = real_cmd();
	struct nl_msg *m = msg_new((uint16_t)family, flags_for(cmd), cmd, 8192);
	struct nlattr *n;

	if (chance(50))
		put_attr(m);
	switch (below(4)) {
	case 0:
		n = nla_nest_start(m, policy_types[below(sizeof(policy_types) / sizeof(policy_types[0]))]);
		for (uint32_t i = below(3); i; i--)
			put_attr(m);
		nla_nest_end_keep_empty(m, n);
		break;
	case 1:
		nest_fill(m, 1 + (int)below(chance(20) ? 500 : 8));
		break;
	case 2:
		n = nla_nest_start(m, (uint16_t)PICK(PTSCOPE_A_LEVELS, PTSCOPE_A_LEVEL, PTSCOPE_A_VMA,
						     PTSCOPE_A_STATS, PTSCOPE_A_SWAP_AREA, PTSCOPE_A_HOOK,
						     PTSCOPE_A_OBJECTS, PTSCOPE_A_SUB));
		put_attr(m);
		nla_nest_end_keep_empty(m, n);
		break;
	default:
		n = nla_nest_start(m, any_type());
		nla_nest_end_keep_empty(m, n);
	}
	if (chance(30))
		put_attr(m);
	return m;
}

/* Huge repeat counts. */
static struct nl_msg *repeat_msg(void)
{
	uint32_t i, n, bad = UINT32_MAX;
	struct nl_msg *m;

	switch (below(3)) {
	case 0:
		n = (uint32_t)PICK(max_addrs, max_addrs + 1, 2 * max_addrs, 5461, 5462,
				   16384, 16385, 17000, 1 + below(17000));
		if (chance(10))
			bad = below(n);
		m = msg_new((uint16_t)family, flags_for(PTSCOPE_CMD_WALK), PTSCOPE_CMD_WALK, n * 12 + 64);
		nla_put_u32(m, PTSCOPE_A_PID, good_pid());
		for (i = 0; i < n; i++)
			nla_put_u64(m, PTSCOPE_A_ADDR, i == bad ? edge_addr() :
				    (uint64_t)(uintptr_t)region + (i % 64) * PAGE + (i & 0xff));
		return m;
	case 1:
		n = (uint32_t)PICK(2, 63, 64, 65, 200, 2000);
		m = msg_new((uint16_t)family, flags_for(PTSCOPE_CMD_WATCH), PTSCOPE_CMD_WATCH, n * 8 + 64);
		for (i = 0; i < n; i++)
			nla_put_u32(m, PTSCOPE_A_PID, chance(50) ? good_pid() : any_pid());
		return m;
	default:
		n = 1 + below(3000);
		m = msg_new((uint16_t)family, flags_for(PTSCOPE_CMD_DUMP), PTSCOPE_CMD_DUMP, n * 12 + 64);
		nla_put_u32(m, PTSCOPE_A_PID, good_pid());
		for (i = 0; i < n; i++)
			nla_put_u64(m, chance(50) ? PTSCOPE_A_START : PTSCOPE_A_END, good_addr());
		return m;
	}
}

static struct nl_msg *any_cmd_msg(void)
{
	uint8_t cmd = (uint8_t)(chance(30) ? below(256) : below(PTSCOPE_CMD_MAX + 4));
	struct nl_msg *m = msg_new((uint16_t)family, any_flags(), cmd, 8192);

	for (uint32_t i = below(5); i; i--)
		put_attr(m);
	return m;
}

/* Headers the family does not own, or that are not requests. */
static struct nl_msg *foreign_msg(void)
{
	struct nl_msg *m = chance(50) ? valid_msg() : range_msg();
	struct nlmsghdr *h = nlmsg_hdr(m);

	switch (below(4)) {
	case 0:		/* never a generic netlink family (ids stop at 1023) */
		h->nlmsg_type = (uint16_t)(1024 + below(0x10000 - 1024));
		break;
	case 1:		/* control messages */
		h->nlmsg_type = (uint16_t)below(NLMSG_MIN_TYPE);
		break;
	case 2:		/* not a request */
		h->nlmsg_flags &= (uint16_t)~NLM_F_REQUEST;
		if (chance(50))
			h->nlmsg_flags |= NLM_F_ACK;
		break;
	default:
		h->nlmsg_type = (uint16_t)PICK(NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN);
		h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	}
	return m;
}

static struct nl_msg *base_msg(void)
{
	switch (below(8)) {
	case 0: case 1: case 2: return valid_msg();
	case 3: case 4: return range_msg();
	case 5: return types_msg();
	case 6: return nest_msg();
	default: return any_cmd_msg();
	}
}

/* ---- byte-level changes ---- */

static struct nlattr *random_attr(uint8_t *msg, size_t len)
{
	struct nlattr *a, *pick = NULL;
	int rem = (int)len - NLMSG_HDRLEN - GENL_HDRLEN, n = 0;

	if (rem <= 0)
		return NULL;
	for_each_nla(a, (struct nlattr *)(msg + NLMSG_HDRLEN + GENL_HDRLEN), rem)
		if (below((uint32_t)++n) == 0)
			pick = a;
	return pick;
}

static void dg_insert(struct dgram *d, size_t pos, const uint8_t *p, size_t n)
{
	if (d->len + n > DGRAM_MAX || pos > d->len)
		return;
	memmove(d->buf + pos + n, d->buf + pos, d->len - pos);
	memcpy(d->buf + pos, p, n);
	d->len += n;
}

static void dg_delete(struct dgram *d, size_t pos, size_t n)
{
	if (pos >= d->len)
		return;
	if (n > d->len - pos)
		n = d->len - pos;
	memmove(d->buf + pos, d->buf + pos + n, d->len - pos - n);
	d->len -= n;
}

static void mutate(struct dgram *d)
{
	struct nlmsghdr *h = (struct nlmsghdr *)d->buf;
	uint32_t k, n = 1 + below(6);
	bool resized = false;
	struct nlattr *a;
	uint8_t b[64];
	size_t pos;

	for (k = 0; k < n && d->len >= NLMSG_HDRLEN; k++) {
		pos = chance(85) && d->len > NLMSG_HDRLEN ?
		      NLMSG_HDRLEN + below((uint32_t)(d->len - NLMSG_HDRLEN)) : below((uint32_t)d->len);
		switch (below(9)) {
		case 0:
			d->buf[pos] ^= (uint8_t)(1 << below(8));
			break;
		case 1:
			d->buf[pos] = (uint8_t)PICK(0, 0xff, 0x7f, 0x80, 1, rnd());
			break;
		case 2:
			if (pos + 4 <= d->len) {
				uint32_t v = any_u32();

				memcpy(d->buf + (pos & ~3UL), &v, 4);
			}
			break;
		case 3:
			for (uint32_t i = 0, m = 1 + below(16); i < m; i++)
				b[i] = (uint8_t)rnd();
			dg_insert(d, pos, b, 1 + below(16));
			resized = true;
			break;
		case 4:
			dg_delete(d, pos, 1 + below(16));
			resized = true;
			break;
		case 5: {	/* splice in bytes of another message */
			struct nl_msg *o = base_msg();
			struct nlmsghdr *oh = nlmsg_hdr(o);
			size_t from = below(oh->nlmsg_len), cnt = 1 + below(64);

			if (from + cnt > oh->nlmsg_len)
				cnt = oh->nlmsg_len - from;
			if (chance(50)) {
				dg_insert(d, pos, (uint8_t *)oh + from, cnt);
				resized = true;
			} else if (pos + cnt <= d->len) {
				memcpy(d->buf + pos, (uint8_t *)oh + from, cnt);
			}
			nlmsg_free(o);
			break;
		}
		case 6:		/* an attribute twice, or swapped with the tail */
			a = random_attr(d->buf, h->nlmsg_len <= d->len ? h->nlmsg_len : d->len);
			if (a && a->nla_len <= 4096) {
				size_t at = (size_t)((uint8_t *)a - d->buf), l = NLA_ALIGN(a->nla_len);
				static uint8_t copy[4096 + 4];

				memcpy(copy, a, l > d->len - at ? d->len - at : l);
				dg_insert(d, chance(50) ? at : d->len, copy, l > d->len - at ? d->len - at : l);
				resized = true;
			}
			break;
		case 7:		/* an attribute's length */
			a = random_attr(d->buf, h->nlmsg_len <= d->len ? h->nlmsg_len : d->len);
			if (a)
				a->nla_len = (uint16_t)PICK(0, 1, 3, 4, a->nla_len - 1, a->nla_len + 1,
							    a->nla_len + 4, 0xffff,
							    d->len - (size_t)((uint8_t *)a - d->buf) + 4);
			break;
		default:	/* an attribute's type */
			a = random_attr(d->buf, h->nlmsg_len <= d->len ? h->nlmsg_len : d->len);
			if (a)
				a->nla_type = chance(50) ? any_type() :
					      (uint16_t)(a->nla_type ^ PICK(NLA_F_NESTED, NLA_F_NET_BYTEORDER, 1, 2));
		}
	}
	if (resized && d->len >= NLMSG_HDRLEN && chance(70))
		h->nlmsg_len = (uint32_t)d->len;
	d->raw = true;
}

/* Truncated messages and lying lengths. */
static void truncate_dg(struct dgram *d)
{
	struct nlmsghdr *h = (struct nlmsghdr *)d->buf;
	struct nlattr *a;
	uint8_t junk[64];

	switch (below(7)) {
	case 0:
		h->nlmsg_len = (uint32_t)(d->len + 1 + below(100));
		break;
	case 1:
		h->nlmsg_len = below(NLMSG_HDRLEN);
		break;
	case 2:
		h->nlmsg_len = NLMSG_HDRLEN + below(GENL_HDRLEN);
		break;
	case 3:
		if (d->len > NLMSG_HDRLEN + GENL_HDRLEN)
			h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN +
				       below((uint32_t)(d->len - NLMSG_HDRLEN - GENL_HDRLEN));
		break;
	case 4:
		a = random_attr(d->buf, d->len);
		if (a)
			a->nla_len = (uint16_t)(d->len - (size_t)((uint8_t *)a - d->buf) +
						(size_t)PICK(1, 4, 8, 0x100, 0xf000));
		break;
	case 5:
		d->len = below((uint32_t)d->len);
		break;
	default:	/* bytes after the message: the kernel reads them as the next one */
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (uint8_t)rnd();
		if (chance(50)) {
			struct nlmsghdr *j = (struct nlmsghdr *)junk;

			j->nlmsg_len = (uint32_t)PICK(0, 8, 16, 20, 24, 64, 65, 1000);
			j->nlmsg_type = (uint16_t)(chance(50) ? family : (int)below(20));
			j->nlmsg_flags = any_flags();
		}
		dg_insert(d, d->len, junk, 1 + below(sizeof(junk)));
	}
	d->raw = true;
}

/* Reserved fields: the genl header's, the version, unused flag bits, the port. */
static void reserved_dg(struct dgram *d)
{
	struct nlmsghdr *h = (struct nlmsghdr *)d->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(d->buf + NLMSG_HDRLEN);

	if (d->len < NLMSG_HDRLEN + GENL_HDRLEN)
		return;
	if (chance(70))
		g->reserved = (uint16_t)(1 + below(0xffff));
	if (chance(40))
		g->version = (uint8_t)rnd();
	if (chance(20))
		g->cmd = (uint8_t)(PTSCOPE_CMD_MAX + 1 + below(0xff - PTSCOPE_CMD_MAX));
	if (chance(30))
		h->nlmsg_flags |= (uint16_t)(rnd() & 0xfc08);
	if (chance(30))
		h->nlmsg_pid = (uint32_t)rnd();
	d->raw = true;
}

/* ---- what the kernel must make of a message: net/netlink and the policy ---- */

enum pol { POL_OK, POL_BAD, POL_UNSURE };

struct parsed {
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];	/* the last of each type */
	uint32_t npid, naddr;
};

static bool nul_string_ok(const struct nlattr *a)
{
	int len = a->nla_len - NLA_HDRLEN;
	const char *p = (const char *)(a + 1);
	int minlen = len < PATH_MAX ? len : PATH_MAX;	/* policy len + 1 */

	if (!minlen || !memchr(p, 0, (size_t)minlen))
		return false;
	if (p[len - 1] == 0)
		len--;
	return len <= PATH_MAX - 1;
}

/* The family's policy, in NL_VALIDATE_STRICT mode (lib/nlattr.c). */
static enum pol check_policy(const uint8_t *attrs, int rem, struct parsed *p)
{
	const struct nlattr *a;
	enum pol res = POL_OK;

	memset(p, 0, sizeof(*p));
	for_each_nla(a, (const struct nlattr *)attrs, rem) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		int len = a->nla_len - NLA_HDRLEN, want = 0;
		uint32_t v32 = 0;

		if (type == 0 || type > PTSCOPE_A_MAX)
			return POL_BAD;		/* unknown attribute type */
		switch (type) {
		case PTSCOPE_A_PID: case PTSCOPE_A_DUMP_FLAGS: case PTSCOPE_A_EVENT_MASK:
		case PTSCOPE_A_WATCH_FLAGS: case PTSCOPE_A_BUFFER:
			want = 4;
			break;
		case PTSCOPE_A_ADDR: case PTSCOPE_A_START: case PTSCOPE_A_END:
			want = 8;
			break;
		case PTSCOPE_A_VMA_NAME:
			want = -1;
			break;
		default:
			return POL_BAD;		/* NLA_UNSPEC: reply-only attributes */
		}
		if (want > 0 && len != want)
			return POL_BAD;
		if (a->nla_type & NLA_F_NESTED)
			return POL_BAD;		/* NLA_F_NESTED where no nest goes */
		if (want < 0 && !nul_string_ok(a))
			return POL_BAD;
		if (want == 4)
			memcpy(&v32, a + 1, 4);
		if ((type == PTSCOPE_A_DUMP_FLAGS && (v32 & ~PTSCOPE_DUMP_F_ALL)) ||
		    (type == PTSCOPE_A_EVENT_MASK && (v32 & ~PTSCOPE_EVK_ALL)) ||
		    (type == PTSCOPE_A_WATCH_FLAGS && (v32 & ~PTSCOPE_WATCH_F_ALL)) ||
		    (type == PTSCOPE_A_BUFFER && (v32 < PTSCOPE_BUFFER_MIN || v32 > PTSCOPE_BUFFER_MAX)))
			return POL_BAD;
		if (a->nla_type & NLA_F_NET_BYTEORDER)
			res = POL_UNSURE;
		p->tb[type] = a;
		p->npid += type == PTSCOPE_A_PID;
		p->naddr += type == PTSCOPE_A_ADDR;
	}
	return rem > 0 ? POL_BAD : res;		/* bytes left over */
}

static uint32_t get32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, a + 1, 4);
	return v;
}

static uint64_t get64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, a + 1, 8);
	return v;
}

enum pidc { PC_UNKNOWN, PC_OK, PC_HELPER, PC_BAD };

/* What target.c will say about a pid, where it is certain. */
static enum pidc pid_class(uint32_t v, int *err)
{
	*err = 0;
	if (v == 0 || v > PID_MAX_LIMIT)
		return *err = EINVAL, PC_BAD;
	if (v == (uint32_t)self_pid || v == (uint32_t)thread_tid)
		return PC_OK;
	if (v == (uint32_t)helper_pid)
		return PC_HELPER;
	if (v == 2 && kthreadd_is_2)
		return *err = EINVAL, PC_BAD;
	if (v == (uint32_t)zombie_pid || v > pid_max)
		return *err = ESRCH, PC_BAD;
	return PC_UNKNOWN;
}

static uint32_t roundup_pow2(uint32_t v)
{
	uint32_t r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

struct dctx {
	bool dump_started;	/* an earlier message of the datagram began a dump */
	bool watch_seen;	/* an earlier message of the datagram was a WATCH */
};

static bool watch_pending(const struct fsock *s)
{
	for (int i = 0; i < cur.nreq; i++) {
		const struct req *r = &cur.req[i];

		if (r->s == s && r->ours && r->cmd == PTSCOPE_CMD_WATCH && !r->dump &&
		    !r->done && !r->abandoned)
			return true;
	}
	return false;
}

static void expect_err(struct req *r, int err, const char *why)
{
	r->expect = XP_ERR;
	r->want_errno = err;
	r->why = why;
}

/* PTSCOPE_A_PID as target.c judges it: true if the request must succeed. */
static bool expect_pid(struct req *r, const struct parsed *p, const char *why)
{
	enum pidc pc;
	int err;

	if (!p->tb[PTSCOPE_A_PID]) {
		expect_err(r, EINVAL, "no pid");
		return false;
	}
	pc = pid_class(get32(p->tb[PTSCOPE_A_PID]), &err);
	if (pc == PC_BAD)
		expect_err(r, err, "a pid that cannot be looked at");
	if (pc == PC_BAD || pc == PC_UNKNOWN)
		return false;
	r->expect = XP_OK;
	r->why = why;
	r->pid = get32(p->tb[PTSCOPE_A_PID]);
	return true;
}

static void predict_walk(struct req *r, const struct nlmsghdr *h, const struct parsed *p)
{
	const struct nlattr *a;
	uint32_t n = 0, k = 0;
	int rem;

	/* walk_check_addrs(): in order, the count first, then the address. */
	rem = msg_attrlen(h);
	for_each_nla(a, msg_attrs(h), rem) {
		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_ADDR)
			continue;
		if (++n > max_addrs)
			return expect_err(r, E2BIG, "more addresses than max_addrs");
		if (get64(a) >= task_size_max)
			return expect_err(r, EINVAL, "an address outside user space");
	}
	if (!n)
		return expect_err(r, EINVAL, "no address");
	if (!expect_pid(r, p, "a walk of our own (or our helper's) addresses"))
		return;
	/* The helper's tables may keep changing under the walk. */
	r->alt_errno = r->pid == (uint32_t)helper_pid ? EAGAIN : 0;
	r->nva = n;
	r->va = malloc(n * sizeof(*r->va));
	if (!r->va)
		die("out of memory");
	rem = msg_attrlen(h);
	for_each_nla(a, msg_attrs(h), rem)
		if ((a->nla_type & NLA_TYPE_MASK) == PTSCOPE_A_ADDR)
			r->va[k++] = get64(a);
}

static void predict_dump(struct req *r, const struct parsed *p)
{
	uint64_t start = p->tb[PTSCOPE_A_START] ? get64(p->tb[PTSCOPE_A_START]) : 0;
	uint64_t end = p->tb[PTSCOPE_A_END] ? get64(p->tb[PTSCOPE_A_END]) : task_size_max;

	if (end > task_size_max)
		return expect_err(r, EINVAL, "a range that ends beyond user space");
	if (start >= end)
		return expect_err(r, EINVAL, "an empty range");
	expect_pid(r, p, "a dump of our own (or our helper's) address space");
}

static void predict_watch(struct req *r, const struct nlmsghdr *h, const struct parsed *p)
{
	const struct nlattr *a;
	uint32_t pids[PTSCOPE_WATCH_MAX_PIDS], n = 0;
	uint32_t buf = p->tb[PTSCOPE_A_BUFFER] ? get32(p->tb[PTSCOPE_A_BUFFER]) : buffer_default;
	int rem, err;

	if (buf < PTSCOPE_BUFFER_MIN)
		buf = PTSCOPE_BUFFER_MIN;
	if (buf > PTSCOPE_BUFFER_MAX)
		buf = PTSCOPE_BUFFER_MAX;
	r->watch_buffer = roundup_pow2(buf);
	if (!p->npid)
		return expect_err(r, EINVAL, "no pid");
	if (p->tb[PTSCOPE_A_EVENT_MASK] && !get32(p->tb[PTSCOPE_A_EVENT_MASK]))
		return expect_err(r, EINVAL, "no event kinds");
	if (p->npid > PTSCOPE_WATCH_MAX_PIDS)
		return expect_err(r, E2BIG, "too many pids");
	/* Then EBUSY, ENOSPC, or one pid refused, or named twice. */
	rem = msg_attrlen(h);
	for_each_nla(a, msg_attrs(h), rem) {
		uint32_t v;

		if ((a->nla_type & NLA_TYPE_MASK) != PTSCOPE_A_PID)
			continue;
		v = get32(a);
		if (v == (uint32_t)thread_tid)
			v = (uint32_t)self_pid;		/* one process */
		if (pid_class(v, &err) == PC_BAD)
			return expect_err(r, 0, "a pid that cannot be watched");
		for (uint32_t i = 0; i < n; i++)
			if (pids[i] == v && pid_class(v, &err) != PC_UNKNOWN)
				return expect_err(r, 0, "a process named twice");
		pids[n++] = v;
	}
}

static void predict(struct req *r, const struct nlmsghdr *h, const struct fsock *s, struct dctx *c)
{
	const struct genlmsghdr *g = (const void *)((const uint8_t *)h + NLMSG_HDRLEN);
	bool ack = h->nlmsg_flags & NLM_F_ACK;
	bool full_dump = (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool doit, dumpit;
	struct parsed p;
	enum pol pol;

	r->len = h->nlmsg_len;
	r->type = h->nlmsg_type;
	r->flags = h->nlmsg_flags;
	r->want = W_ANSWER;
	r->expect = XP_ANY;
	/* netlink_rcv_skb(): only requests, not control messages; ACK if asked. */
	if (!(h->nlmsg_flags & NLM_F_REQUEST) || h->nlmsg_type < NLMSG_MIN_TYPE) {
		r->want = ack ? W_ANSWER : W_NONE;
		r->expect = ack ? XP_OK : XP_ANY;
		r->why = "not a request, or a control message: an ACK if asked, nothing else";
		return;
	}
	if (h->nlmsg_type != family)
		return expect_err(r, ENOENT, "no such family");
	r->ours = true;
	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return expect_err(r, EINVAL, "no room for the genl header");
	r->cmd = g->cmd;
	doit = g->cmd == PTSCOPE_CMD_GET_INFO || g->cmd == PTSCOPE_CMD_WATCH ||
	       g->cmd == PTSCOPE_CMD_UNWATCH || g->cmd == PTSCOPE_CMD_STAT;
	dumpit = g->cmd == PTSCOPE_CMD_WALK || g->cmd == PTSCOPE_CMD_DUMP ||
		 g->cmd == PTSCOPE_CMD_SWAP_AREAS;
	/*
	 * genl_header_check(): commands from resv_start_op (__PTSCOPE_CMD_MAX,
	 * compat.h) on are new enough to be held to a clean header before
	 * the command is even looked up: reserved 0, and no nlmsg_flags but
	 * REQUEST, ACK, ECHO and a whole NLM_F_DUMP (ROOT|MATCH; either bit
	 * alone is ambiguous).
	 */
	if (g->cmd >= __PTSCOPE_CMD_MAX) {
		uint16_t fl = h->nlmsg_flags;

		if (full_dump)
			fl &= (uint16_t)~NLM_F_DUMP;
		if (g->reserved)
			return expect_err(r, EINVAL, "a new command with genlmsghdr.reserved set");
		if (fl & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))
			return expect_err(r, EINVAL, "a new command with reserved nlmsg_flags");
	}
	if (!doit && !dumpit)
		return expect_err(r, EOPNOTSUPP, "no such command");
	if (doit == full_dump)
		return expect_err(r, EOPNOTSUPP, doit ? "NLM_F_DUMP on a doit" : "a dump without NLM_F_DUMP");
	r->dump = dumpit;
	r->doit_reply = doit && g->cmd != PTSCOPE_CMD_UNWATCH;
	if (g->cmd == PTSCOPE_CMD_UNWATCH && !ack)
		r->want = W_MAYBE;	/* success says nothing */
	pol = check_policy((const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN,
			   msg_attrlen(h), &p);
	if (pol == POL_BAD)
		return expect_err(r, 0, "the policy rejects an attribute");
	if (dumpit && c->dump_started) {
		r->why = "a second dump in one datagram: EBUSY if the first goes on";
		return;
	}
	if (pol == POL_UNSURE)
		return;
	switch (g->cmd) {
	case PTSCOPE_CMD_GET_INFO:
	case PTSCOPE_CMD_STAT:
	case PTSCOPE_CMD_SWAP_AREAS:
		r->expect = XP_OK;
		r->why = "a question anyone may ask";
		break;
	case PTSCOPE_CMD_WALK:
		predict_walk(r, h, &p);
		break;
	case PTSCOPE_CMD_DUMP:
		predict_dump(r, &p);
		break;
	case PTSCOPE_CMD_WATCH:
		predict_watch(r, h, &p);
		break;
	case PTSCOPE_CMD_UNWATCH:
		if (s->subs_open == 0 && !s->overrun && !c->watch_seen && !watch_pending(s))
			expect_err(r, ENOENT, "UNWATCH on a socket that watches nothing");
		break;
	}
}

/* ---- receiving ---- */

static struct req *find_req(const struct fsock *s, uint32_t seq)
{
	for (int i = 0; i < cur.nreq; i++)
		if (cur.req[i].s == s && cur.req[i].seq == seq)
			return &cur.req[i];
	return NULL;
}

/* The shapes of reply attributes (module/uapi/ptscope.h). */
enum kind { K_NONE, K_PAD, K_U8, K_U32, K_U64, K_STR, K_FLAG, K_NEST, K_BIN };

struct aspec {
	uint8_t kind;
	const struct aspec *nest;
	int nest_max;
};

static const struct aspec level_spec[PTSCOPE_LEVEL_A_MAX + 1] = {
	[PTSCOPE_LEVEL_A_PAD] = { K_PAD }, [PTSCOPE_LEVEL_A_ID] = { K_U8 },
	[PTSCOPE_LEVEL_A_INDEX] = { K_U32 }, [PTSCOPE_LEVEL_A_SHIFT] = { K_U8 },
	[PTSCOPE_LEVEL_A_BITS] = { K_U8 }, [PTSCOPE_LEVEL_A_ENTRY] = { K_U64 },
	[PTSCOPE_LEVEL_A_KIND] = { K_U8 }, [PTSCOPE_LEVEL_A_ENTRY_PHYS] = { K_U64 },
};
static const struct aspec levels_spec[PTSCOPE_A_LEVEL + 1] = {
	[PTSCOPE_A_LEVEL] = { K_NEST, level_spec, PTSCOPE_LEVEL_A_MAX },
};
static const struct aspec vma_spec[PTSCOPE_VMA_A_MAX + 1] = {
	[PTSCOPE_VMA_A_PAD] = { K_PAD }, [PTSCOPE_VMA_A_START] = { K_U64 },
	[PTSCOPE_VMA_A_END] = { K_U64 }, [PTSCOPE_VMA_A_FLAGS] = { K_U32 },
	[PTSCOPE_VMA_A_PGOFF] = { K_U64 }, [PTSCOPE_VMA_A_KIND] = { K_U8 },
	[PTSCOPE_VMA_A_NAME] = { K_STR },
};
static const struct aspec swap_spec[PTSCOPE_SWAP_A_MAX + 1] = {
	[PTSCOPE_SWAP_A_PAD] = { K_PAD }, [PTSCOPE_SWAP_A_TYPE] = { K_U8 },
	[PTSCOPE_SWAP_A_PATH] = { K_STR }, [PTSCOPE_SWAP_A_PRIO] = { K_U32 },
	[PTSCOPE_SWAP_A_SIZE_KIB] = { K_U64 }, [PTSCOPE_SWAP_A_DEV] = { K_U32 },
	[PTSCOPE_SWAP_A_INO] = { K_U64 }, [PTSCOPE_SWAP_A_BDEV] = { K_FLAG },
};
static const struct aspec hook_spec[PTSCOPE_HOOK_A_MAX + 1] = {
	[PTSCOPE_HOOK_A_KINDS] = { K_U32 }, [PTSCOPE_HOOK_A_NAME] = { K_STR },
	[PTSCOPE_HOOK_A_ACTIVE] = { K_FLAG }, [PTSCOPE_HOOK_A_MISSED] = { K_U32 },
};
/* Every live-object counter is a u64 (filled in by setup()). */
static struct aspec obj_spec[PTSCOPE_OBJ_A_MAX + 1];
static const struct aspec sub_spec[PTSCOPE_SUB_A_MAX + 1] = {
	[PTSCOPE_SUB_A_PAD] = { K_PAD }, [PTSCOPE_SUB_A_PORTID] = { K_U32 },
	[PTSCOPE_SUB_A_PID] = { K_U32 }, [PTSCOPE_SUB_A_EVENT_MASK] = { K_U32 },
	[PTSCOPE_SUB_A_BUFFER] = { K_U32 }, [PTSCOPE_SUB_A_BUFFERED] = { K_U32 },
	[PTSCOPE_SUB_A_COUNTS] = { K_BIN },
};
static const struct aspec tables_spec[PTSCOPE_NR_LEVELS + 1] = {
	[0] = { K_PAD }, [1] = { K_U64 }, [2] = { K_U64 }, [3] = { K_U64 },
	[4] = { K_U64 }, [5] = { K_U64 },
};
static const struct aspec stats_spec[PTSCOPE_STATS_A_MAX + 1] = {
	[PTSCOPE_STATS_A_PAD] = { K_PAD },
	[PTSCOPE_STATS_A_TABLES] = { K_NEST, tables_spec, PTSCOPE_NR_LEVELS },
	[PTSCOPE_STATS_A_PAGES] = { K_U64 }, [PTSCOPE_STATS_A_RUNS] = { K_U64 },
	[PTSCOPE_STATS_A_ENTRIES] = { K_U64 }, [PTSCOPE_STATS_A_WALK_NS] = { K_U64 },
	[PTSCOPE_STATS_A_VA_BITS] = { K_U8 },
};
static const struct aspec top_spec[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PAD] = { K_PAD }, [PTSCOPE_A_VERSION] = { K_STR },
	[PTSCOPE_A_PID] = { K_U32 }, [PTSCOPE_A_VA] = { K_U64 },
	[PTSCOPE_A_PAGING_LEVELS] = { K_U8 }, [PTSCOPE_A_PAGE_SHIFT] = { K_U8 },
	[PTSCOPE_A_MAX_ADDRS] = { K_U32 }, [PTSCOPE_A_FRAMES_HIDDEN] = { K_FLAG },
	[PTSCOPE_A_STATE] = { K_U8 },
	[PTSCOPE_A_LEVELS] = { K_NEST, levels_spec, PTSCOPE_A_LEVEL },
	[PTSCOPE_A_PFN] = { K_U64 }, [PTSCOPE_A_PHYS] = { K_U64 },
	[PTSCOPE_A_ROOT_PHYS] = { K_U64 },
	[PTSCOPE_A_VMA] = { K_NEST, vma_spec, PTSCOPE_VMA_A_MAX },
	[PTSCOPE_A_RUNS] = { K_BIN },
	[PTSCOPE_A_STATS] = { K_NEST, stats_spec, PTSCOPE_STATS_A_MAX },
	[PTSCOPE_A_SWAP_TYPE] = { K_U8 }, [PTSCOPE_A_SWAP_OFFSET] = { K_U64 },
	[PTSCOPE_A_LEAF_FLAGS] = { K_U32 }, [PTSCOPE_A_FEATURES] = { K_U32 },
	[PTSCOPE_A_SWAP_AREA] = { K_NEST, swap_spec, PTSCOPE_SWAP_A_MAX },
	[PTSCOPE_A_BUFFER] = { K_U32 }, [PTSCOPE_A_EVENTS] = { K_BIN },
	[PTSCOPE_A_COUNTS] = { K_BIN }, [PTSCOPE_A_END_REASON] = { K_U8 },
	[PTSCOPE_A_KERNEL] = { K_STR },
	[PTSCOPE_A_HOOK] = { K_NEST, hook_spec, PTSCOPE_HOOK_A_MAX },
	[PTSCOPE_A_OBJECTS] = { K_NEST, obj_spec, PTSCOPE_OBJ_A_MAX },
	[PTSCOPE_A_SUB] = { K_NEST, sub_spec, PTSCOPE_SUB_A_MAX },
};

/* Structure only: every attribute known, of its size, nests recursively. */
static const char *check_attrs(const uint8_t *p, int rem, const struct aspec *spec, int max,
			       int depth)
{
	static const int size[] = { [K_U8] = 1, [K_U32] = 4, [K_U64] = 8 };
	const struct nlattr *a;
	const char *why;

	if (depth > 4)
		return "nests too deep";
	for (a = (const void *)p; rem >= (int)sizeof(*a);
	     rem -= NLA_ALIGN(a->nla_len), a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		int len = a->nla_len - NLA_HDRLEN;
		const struct aspec *k;

		if (a->nla_len < sizeof(*a) || a->nla_len > rem)
			return "an attribute's length runs past its container";
		if (type > max || spec[type].kind == K_NONE)
			return "an attribute of unknown type";
		k = &spec[type];
		switch (k->kind) {
		case K_PAD:
			break;
		case K_U8: case K_U32: case K_U64:
			if (len != size[k->kind])
				return "a number of the wrong size";
			break;
		case K_STR:
			if (len < 1 || ((const char *)(a + 1))[len - 1])
				return "a string without its NUL";
			break;
		case K_FLAG:
			if (len)
				return "a flag with a payload";
			break;
		case K_NEST:
			why = check_attrs((const uint8_t *)(a + 1), len, k->nest, k->nest_max, depth + 1);
			if (why)
				return why;
			break;
		default:
			break;
		}
	}
	return rem > 0 && rem < (int)sizeof(struct nlattr) ? "bytes after the last attribute" : NULL;
}

static const struct nlattr *find_attr(const struct nlmsghdr *h, uint16_t type)
{
	const struct nlattr *a;
	int rem = msg_attrlen(h);

	for_each_nla(a, msg_attrs(h), rem)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

static const struct nlattr *find_nested(const struct nlattr *n, uint16_t type)
{
	const struct nlattr *a;
	int rem = n->nla_len - NLA_HDRLEN;

	for_each_nla(a, (const void *)(n + 1), rem)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* Frames withheld from the unprivileged: no frame attributes, no frame bits. */
static void check_hidden_walk(const struct fsock *s, const struct nlmsghdr *h)
{
	const struct nlattr *levels = find_attr(h, PTSCOPE_A_LEVELS), *l;
	int rem;

	if (!find_attr(h, PTSCOPE_A_FRAMES_HIDDEN))
		impossible(s, "a WALK reply to the unprivileged without FRAMES_HIDDEN");
	if (find_attr(h, PTSCOPE_A_PFN) || find_attr(h, PTSCOPE_A_PHYS) ||
	    find_attr(h, PTSCOPE_A_ROOT_PHYS))
		impossible(s, "a WALK reply gives the unprivileged a frame or physical address");
	if (!levels)
		return;
	rem = levels->nla_len - NLA_HDRLEN;
	for_each_nla(l, (const void *)(levels + 1), rem) {
		const struct nlattr *e = find_nested(l, PTSCOPE_LEVEL_A_ENTRY);
		const struct nlattr *id = find_nested(l, PTSCOPE_LEVEL_A_ID);
		const struct nlattr *kind = find_nested(l, PTSCOPE_LEVEL_A_KIND);
		uint64_t mask = 0x000ffffffffff000ULL;

		if (find_nested(l, PTSCOPE_LEVEL_A_ENTRY_PHYS))
			impossible(s, "a level's physical address given to the unprivileged");
		if (!e || !id || !kind)
			continue;
		if (*(const uint8_t *)(kind + 1) == PTSCOPE_ENTRY_LEAF &&
		    (*(const uint8_t *)(id + 1) == PTSCOPE_LEVEL_PMD ||
		     *(const uint8_t *)(id + 1) == PTSCOPE_LEVEL_PUD))
			mask = 0x000fffffffe00000ULL;
		if (get64(e) & mask)
			impossible(s, "an entry's frame bits given to the unprivileged: 0x%016" PRIx64,
				   get64(e));
	}
}

static void check_runs(const struct fsock *s, const struct nlattr *a)
{
	struct ptscope_run run;
	size_t n = (size_t)(a->nla_len - NLA_HDRLEN);

	if (n % sizeof(run)) {
		impossible(s, "RUNS of %zu bytes: not whole runs", n);
		return;
	}
	for (size_t off = 0; off < n; off += sizeof(run)) {
		memcpy(&run, (const uint8_t *)(a + 1) + off, sizeof(run));
		if (run.reserved)
			impossible(s, "a run's reserved field is 0x%x", run.reserved);
		if (frames_hidden && run.frame &&
		    (run.state == PTSCOPE_STATE_PRESENT || run.state == PTSCOPE_STATE_PROTNONE))
			impossible(s, "a run gives the unprivileged frame 0x%" PRIx64, (uint64_t)run.frame);
	}
}

static void on_reply(struct fsock *s, struct req *r, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = (const void *)((const uint8_t *)h + NLMSG_HDRLEN);
	const struct nlattr *a;
	const char *why;

	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return impossible(s, "a reply without its genl header");
	if (r->done)
		return impossible(s, "a reply (cmd %u) to seq %u after its end", g->cmd, r->seq);
	if (!r->ours || (!r->dump && !r->doit_reply))
		return impossible(s, "a reply (cmd %u) to seq %u, which gets none", g->cmd, r->seq);
	if (g->cmd != r->cmd)
		return impossible(s, "a reply of cmd %u to a request of cmd %u", g->cmd, r->cmd);
	if (g->version != PTSCOPE_GENL_VERSION || g->reserved)
		impossible(s, "a reply's genl header: version %u reserved %u", g->version, g->reserved);
	if (r->dump && !(h->nlmsg_flags & NLM_F_MULTI))
		impossible(s, "a dump's reply without NLM_F_MULTI");
	why = check_attrs((const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN,
			  msg_attrlen(h), top_spec, PTSCOPE_A_MAX, 0);
	if (why)
		return impossible(s, "a reply of cmd %u: %s", g->cmd, why);
	r->replies++;
	st.replies++;

	switch (g->cmd) {
	case PTSCOPE_CMD_GET_INFO:
		a = find_attr(h, PTSCOPE_A_PAGING_LEVELS);
		if (a)
			levels = *(const uint8_t *)(a + 1);
		a = find_attr(h, PTSCOPE_A_MAX_ADDRS);
		if (a)
			max_addrs = get32(a);
		frames_hidden = find_attr(h, PTSCOPE_A_FRAMES_HIDDEN);
		if (!find_attr(h, PTSCOPE_A_VERSION) || !levels || (levels != 4 && levels != 5))
			impossible(s, "GET_INFO without a version or with %d levels", levels);
		break;
	case PTSCOPE_CMD_STAT:
		a = find_attr(h, PTSCOPE_A_BUFFER);
		if (a)
			buffer_default = get32(a);
		if (!find_attr(h, PTSCOPE_A_OBJECTS) || !find_attr(h, PTSCOPE_A_COUNTS))
			impossible(s, "STAT without OBJECTS or COUNTS");
		a = find_attr(h, PTSCOPE_A_COUNTS);
		if (a && a->nla_len - NLA_HDRLEN != sizeof(struct ptscope_counts))
			impossible(s, "STAT's COUNTS of %d bytes", a->nla_len - NLA_HDRLEN);
		break;
	case PTSCOPE_CMD_WATCH:
		s->subs_open++;
		journal(s, "WATCH seq %u answered (open %d)", r->seq, s->subs_open);
		st.subs_made++;
		a = find_attr(h, PTSCOPE_A_BUFFER);
		if (!a)
			impossible(s, "a WATCH reply without BUFFER");
		else if (r->watch_buffer && get32(a) != r->watch_buffer)
			impossible(s, "a WATCH reply with BUFFER %u, not %u", get32(a), r->watch_buffer);
		if (!find_attr(h, PTSCOPE_A_FRAMES_HIDDEN) != !frames_hidden)
			impossible(s, "a WATCH reply's FRAMES_HIDDEN differs from GET_INFO's");
		break;
	case PTSCOPE_CMD_WALK:
		a = find_attr(h, PTSCOPE_A_VA);
		if (!a || !find_attr(h, PTSCOPE_A_STATE) || !find_attr(h, PTSCOPE_A_PID)) {
			impossible(s, "a WALK reply without VA, STATE or PID");
			break;
		}
		if (r->pid && get32(find_attr(h, PTSCOPE_A_PID)) != r->pid)
			impossible(s, "a WALK reply for pid %u, asked %u",
				   get32(find_attr(h, PTSCOPE_A_PID)), r->pid);
		if (r->va && r->replies <= r->nva && get64(a) != r->va[r->replies - 1]) {
			impossible(s, "WALK reply %u is for 0x%" PRIx64 ", asked 0x%" PRIx64,
				   r->replies, get64(a), r->va[r->replies - 1]);
			r->bad = true;
		}
		if (frames_hidden)
			check_hidden_walk(s, h);
		break;
	case PTSCOPE_CMD_DUMP:
		if (r->stats_seen)
			impossible(s, "a DUMP reply after the STATS message");
		if (find_attr(h, PTSCOPE_A_STATS))
			r->stats_seen = true;
		a = find_attr(h, PTSCOPE_A_RUNS);
		if (a)
			check_runs(s, a);
		a = find_attr(h, PTSCOPE_A_PID);
		if (!a)
			impossible(s, "a DUMP reply without PID");
		else if (r->pid && get32(a) != r->pid)
			impossible(s, "a DUMP reply for pid %u, asked %u", get32(a), r->pid);
		break;
	case PTSCOPE_CMD_SWAP_AREAS:
		if (!find_attr(h, PTSCOPE_A_SWAP_AREA))
			impossible(s, "a SWAP_AREAS reply without an area");
		break;
	}
	if (!r->dump && !(r->flags & NLM_F_ACK))
		r->done = true;		/* the reply was the answer */
}

/* What carries extended-ACK attributes (netlink_ack(), netlink_dump_done()). */
enum tlv_in { TLV_ERROR, TLV_ACK, TLV_DONE };

#define NETLINK_MAX_COOKIE_LEN	20	/* include/linux/netlink.h */

/*
 * Extended-ACK attributes as kernel 6.1 writes them: each padded to 4
 * bytes and nothing after the last; MSG and COOKIE on any ACK, OFFS,
 * POLICY, MISS_TYPE and MISS_NEST only on an error (netlink_ack_tlv_fill());
 * an NLMSG_DONE carries MSG alone (netlink_dump_done()).
 */
static void check_tlvs(const struct fsock *s, const struct req *r, const uint8_t *p, int len,
		       enum tlv_in in)
{
	const struct nlattr *a, *n;

	if (len < 0)
		return impossible(s, "extended-ACK attributes past the message's end");
	for (a = (const void *)p; len >= (int)sizeof(*a);
	     len -= NLA_ALIGN(a->nla_len), a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len))) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		int alen = a->nla_len - NLA_HDRLEN, rem;

		if (a->nla_len < sizeof(*a) || a->nla_len > len)
			return impossible(s, "a malformed extended-ACK attribute (type %u, %u bytes of %d)",
					  type, a->nla_len, len);
		if (type == 0 || type > NLMSGERR_ATTR_MAX ||
		    (in == TLV_DONE && type != NLMSGERR_ATTR_MSG) ||
		    (in == TLV_ACK && type != NLMSGERR_ATTR_MSG && type != NLMSGERR_ATTR_COOKIE)) {
			impossible(s, "extended-ACK attribute %u in %s", type,
				   in == TLV_DONE ? "an NLMSG_DONE" : in == TLV_ACK ? "a success ACK" : "an error");
			continue;
		}
		switch (type) {
		case NLMSGERR_ATTR_MSG:
			if (alen < 1 || ((const char *)(a + 1))[alen - 1])
				impossible(s, "an extended-ACK message without its NUL");
			break;
		case NLMSGERR_ATTR_COOKIE:
			if (alen < 1 || alen > NETLINK_MAX_COOKIE_LEN)
				impossible(s, "an extended-ACK cookie of %d bytes", alen);
			break;
		case NLMSGERR_ATTR_OFFS:
		case NLMSGERR_ATTR_MISS_NEST:
			/* Offsets from the request's header, to an attribute in it. */
			if (alen != 4)
				impossible(s, "an extended-ACK offset of %d bytes", alen);
			else if (get32(a) < NLMSG_HDRLEN + GENL_HDRLEN || get32(a) >= r->len)
				impossible(s, "an extended-ACK offset %u outside the request's %u-byte attributes",
					   get32(a), r->len);
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (alen != 4)
				impossible(s, "an extended-ACK missing type of %d bytes", alen);
			break;
		case NLMSGERR_ATTR_POLICY:
			/* A nest of NL_POLICY_TYPE_ATTR_*: well formed, whatever they say. */
			rem = alen;
			for_each_nla(n, a + 1, rem)
				;
			if (rem)
				impossible(s, "an extended-ACK policy nest with %d bytes left over", rem);
			break;
		default:
			break;
		}
	}
	if (len)
		impossible(s, "%d bytes after the extended-ACK attributes", len);
}

static bool has_msg(const uint8_t *p, int len)
{
	const struct nlattr *a;

	for (a = (const void *)p; len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len;
	     len -= NLA_ALIGN(a->nla_len), a = (const void *)((const uint8_t *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			return true;
	return false;
}

static void count_err(int err, bool msg)
{
	st.errors++;
	st.by_errno[-err < 4096 ? -err : 0]++;
	st.err_nomsg += !msg;
}

static void on_error(struct fsock *s, struct req *r, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = (const void *)((const uint8_t *)h + NLMSG_HDRLEN);
	int tlv_off, body = (int)h->nlmsg_len - NLMSG_HDRLEN;

	if (body < (int)sizeof(*e))
		return impossible(s, "an NLMSG_ERROR of %u bytes", h->nlmsg_len);
	if (e->msg.nlmsg_seq != r->seq || e->msg.nlmsg_len != r->len ||
	    e->msg.nlmsg_type != r->type || e->msg.nlmsg_flags != r->flags)
		impossible(s, "an ACK quotes len %u type %u flags 0x%x seq %u; the request was %u %u 0x%x %u",
			   e->msg.nlmsg_len, e->msg.nlmsg_type, e->msg.nlmsg_flags, e->msg.nlmsg_seq,
			   r->len, r->type, r->flags, r->seq);
	if (r->done)
		return impossible(s, "an ACK (error %d) to seq %u after its end", e->error, r->seq);
	if (e->error > 0 || e->error < -4095)
		return impossible(s, "an ACK with error %d", e->error);
	if (r->want == W_NONE)
		impossible(s, "an ACK (error %d) to a message the kernel must ignore", e->error);
	r->done = true;
	r->err = e->error;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && !s->ext_ack)
		impossible(s, "extended-ACK attributes to a socket that did not ask");
	if (!e->error) {
		st.acks++;
		if (!(r->flags & NLM_F_ACK))
			impossible(s, "an ACK nobody asked for");
		if (r->doit_reply && !r->replies)
			impossible(s, "a successful doit (cmd %u) without its reply", r->cmd);
		/* netlink_ack(): a success never quotes the request. */
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			impossible(s, "a success ACK without NLM_F_CAPPED");
		if (h->nlmsg_flags & NLM_F_ACK_TLVS)
			check_tlvs(s, r, (const uint8_t *)(e + 1), body - (int)sizeof(*e), TLV_ACK);
		else if (body != (int)sizeof(*e))
			impossible(s, "a success ACK of %u bytes", h->nlmsg_len);
		return;
	}
	if (r->cmd == PTSCOPE_CMD_WATCH && r->ours)
		journal(s, "WATCH seq %u refused: %d", r->seq, e->error);
	if (r->replies)
		impossible(s, "an error ACK (%d) after %u replies", e->error, r->replies);
	/* The request is quoted unless NETLINK_CAP_ACK, then TLVs if EXT_ACK. */
	if (!(h->nlmsg_flags & NLM_F_CAPPED) == s->cap_ack)
		impossible(s, "NLM_F_CAPPED %s with NETLINK_CAP_ACK %s",
			   h->nlmsg_flags & NLM_F_CAPPED ? "set" : "clear", s->cap_ack ? "on" : "off");
	/* netlink_ack() quotes the payload with nlmsg_append(): padded to 4. */
	tlv_off = (int)sizeof(*e) +
		  (h->nlmsg_flags & NLM_F_CAPPED ? 0 : (int)NLMSG_ALIGN(r->len - NLMSG_HDRLEN));
	if (h->nlmsg_flags & NLM_F_ACK_TLVS)
		check_tlvs(s, r, (const uint8_t *)e + tlv_off, body - tlv_off, TLV_ERROR);
	else if (body != tlv_off)
		impossible(s, "an error ACK of %u bytes for a %u-byte request (%s)",
			   h->nlmsg_len, r->len, s->cap_ack ? "capped" : "quoted");
	count_err(e->error, (h->nlmsg_flags & NLM_F_ACK_TLVS) &&
		  has_msg((const uint8_t *)e + tlv_off, body - tlv_off));
}

static void on_done(struct fsock *s, struct req *r, const struct nlmsghdr *h)
{
	int body = (int)h->nlmsg_len - NLMSG_HDRLEN, err;

	if (!r->dump)
		return impossible(s, "NLMSG_DONE for seq %u, not a dump", r->seq);
	if (r->done)
		return impossible(s, "NLMSG_DONE for seq %u after its end", r->seq);
	if (body < (int)sizeof(int))
		return impossible(s, "NLMSG_DONE without its errno");
	memcpy(&err, (const uint8_t *)h + NLMSG_HDRLEN, sizeof(err));
	if (err > 0 || err < -4095)
		return impossible(s, "NLMSG_DONE with errno %d", err);
	r->done = true;
	r->err = err;
	st.dones++;
	if (!(h->nlmsg_flags & NLM_F_MULTI))
		impossible(s, "NLMSG_DONE without NLM_F_MULTI");
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!s->ext_ack)
			impossible(s, "extended-ACK attributes to a socket that did not ask");
		check_tlvs(s, r, (const uint8_t *)h + NLMSG_HDRLEN + sizeof(int), body - (int)sizeof(int),
			   TLV_DONE);
	} else if (body != (int)sizeof(int)) {
		impossible(s, "NLMSG_DONE of %u bytes", h->nlmsg_len);
	}
	if (err)
		count_err(err, (h->nlmsg_flags & NLM_F_ACK_TLVS) &&
			  has_msg((const uint8_t *)h + NLMSG_HDRLEN + sizeof(int), body - (int)sizeof(int)));
}

static void on_event(struct fsock *s, const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = (const void *)((const uint8_t *)h + NLMSG_HDRLEN);
	const struct nlattr *ev, *cn, *rs;
	struct ptscope_counts c;
	const char *why;
	bool pending = watch_pending(s);

	if (h->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return impossible(s, "an unsolicited message without a genl header");
	if (g->cmd != PTSCOPE_CMD_EVENTS && g->cmd != PTSCOPE_CMD_WATCH_END)
		return impossible(s, "an unsolicited message of cmd %u", g->cmd);
	if (h->nlmsg_pid)
		impossible(s, "an event message with port %u", h->nlmsg_pid);
	why = check_attrs((const uint8_t *)h + NLMSG_HDRLEN + GENL_HDRLEN,
			  msg_attrlen(h), top_spec, PTSCOPE_A_MAX, 0);
	if (why)
		return impossible(s, "an event message: %s", why);
	if (s->subs_open <= 0 && !pending && !s->overrun)
		impossible(s, "%s on a socket that watches nothing",
			   g->cmd == PTSCOPE_CMD_EVENTS ? "EVENTS" : "WATCH_END");
	cn = find_attr(h, PTSCOPE_A_COUNTS);
	if (!cn || cn->nla_len - NLA_HDRLEN != sizeof(c))
		return impossible(s, "an event message without its COUNTS");
	memcpy(&c, cn + 1, sizeof(c));

	if (g->cmd == PTSCOPE_CMD_EVENTS) {
		struct ptscope_event e;
		uint64_t last = 0;
		size_t n;

		ev = find_attr(h, PTSCOPE_A_EVENTS);
		n = ev ? (size_t)(ev->nla_len - NLA_HDRLEN) : 0;
		if (!ev || !n || n % sizeof(e))
			return impossible(s, "EVENTS of %zu bytes", n);
		st.ev_msgs++;
		for (size_t off = 0; off < n; off += sizeof(e)) {
			memcpy(&e, (const uint8_t *)(ev + 1) + off, sizeof(e));
			st.events++;
			if (!e.type || e.type >= PTSCOPE_EV_NR) {
				impossible(s, "an event of type %u", e.type);
				continue;
			}
			s->received[e.type]++;
			last = e.seq;
			for (size_t i = 0; i < sizeof(e.reserved); i++)
				if (e.reserved[i])
					impossible(s, "an event's reserved byte %zu is 0x%x", i, e.reserved[i]);
			if (e.cpu >= ncpus)
				impossible(s, "an event on cpu %u of %ld", e.cpu, ncpus);
			if (frames_hidden && (e.pfn || e.old_pfn || !(e.flags & PTSCOPE_EV_F_FRAMES_HIDDEN)))
				impossible(s, "an event shows the unprivileged frames 0x%" PRIx64 "/0x%" PRIx64,
					   (uint64_t)e.pfn, (uint64_t)e.old_pfn);
			if (!s->mixed) {
				if (e.seq <= s->last_ev_seq)
					impossible(s, "event seq %" PRIu64 " after %" PRIu64,
						   (uint64_t)e.seq, s->last_ev_seq);
				s->last_ev_seq = e.seq;
			}
		}
		journal(s, "EVENTS of %zu, seq ..%" PRIu64 ", fault %" PRIu64 " exit %" PRIu64
			" (open %d%s%s)", n / sizeof(e), last,
			s->received[PTSCOPE_EV_FAULT], s->received[PTSCOPE_EV_EXIT],
			s->subs_open, pending ? ", pending" : "", s->mixed ? ", mixed" : "");
		for (int i = 0; i < PTSCOPE_EV_NR; i++)
			if (c.occurred[i] < c.delivered[i] + c.dropped[i])
				impossible(s, "type %d: occurred %" PRIu64 " < delivered %" PRIu64 " + dropped %" PRIu64,
					   i, (uint64_t)c.occurred[i], (uint64_t)c.delivered[i],
					   (uint64_t)c.dropped[i]);
		return;
	}

	st.watch_ends++;
	rs = find_attr(h, PTSCOPE_A_END_REASON);
	if (!rs || *(const uint8_t *)(rs + 1) > PTSCOPE_END_ACCESS)
		impossible(s, "WATCH_END without a reason, or reason %u",
			   rs ? *(const uint8_t *)(rs + 1) : 255);
	for (int i = 0; i < PTSCOPE_EV_NR; i++) {
		if (c.occurred[i] != c.delivered[i] + c.dropped[i])
			impossible(s, "WATCH_END type %d: occurred %" PRIu64 " != delivered %" PRIu64 " + dropped %" PRIu64,
				   i, (uint64_t)c.occurred[i], (uint64_t)c.delivered[i],
				   (uint64_t)c.dropped[i]);
		if (!s->mixed && s->subs_open == 1 && !s->overrun && c.delivered[i] != s->received[i]) {
			impossible(s, "WATCH_END type %d: delivered %" PRIu64 ", received %" PRIu64,
				   i, (uint64_t)c.delivered[i], s->received[i]);
			if (reports <= MAX_REPORTS)
				journal_print(s);
		}
	}
	journal(s, "WATCH_END, reason %u (open %d%s)", rs ? *(const uint8_t *)(rs + 1) : 255,
		s->subs_open, s->mixed ? ", mixed" : "");
	/*
	 * A WATCH still unanswered may already have had events: they are in
	 * the counters with this subscription's, which stay mixed until that
	 * one ends too.
	 */
	if (--s->subs_open <= 0 && !pending) {
		s->mixed = false;
		s->last_ev_seq = 0;
		memset(s->received, 0, sizeof(s->received));
	}
}

static void on_message(struct fsock *s, const struct nlmsghdr *h)
{
	struct req *r;

	if (h->nlmsg_type == family && h->nlmsg_seq == 0)
		return on_event(s, h);
	r = find_req(s, h->nlmsg_seq);
	if (!r)
		return impossible(s, "a message (type %u) with seq %u, which no request has",
				  h->nlmsg_type, h->nlmsg_seq);
	if (h->nlmsg_pid != s->port)
		impossible(s, "an answer addressed to port %u", h->nlmsg_pid);
	if (h->nlmsg_type == NLMSG_ERROR)
		on_error(s, r, h);
	else if (h->nlmsg_type == NLMSG_DONE)
		on_done(s, r, h);
	else if (h->nlmsg_type == family)
		on_reply(s, r, h);
	else
		impossible(s, "an answer of type %u", h->nlmsg_type);
}

/* One datagram from @s, if there is one: 1, or 0 when none waits. */
static int recv_one(struct fsock *s)
{
	struct sockaddr_nl from;
	unsigned char *buf = NULL;
	struct nlmsghdr *h;
	int n;

	n = nl_recv(s->sk, &from, &buf, NULL);
	if (n == -NLE_AGAIN || n == 0) {
		free(buf);
		return 0;
	}
	if (n == -NLE_NOMEM) {		/* ENOBUFS: the kernel dropped something */
		journal(s, "ENOBUFS");
		s->overrun = true;
		s->overruns++;
		st.overruns++;
		free(buf);
		return 1;
	}
	if (n < 0) {
		impossible(s, "receiving: %s", nl_geterror(n));
		free(buf);
		return 0;
	}
	if (from.nl_pid)
		impossible(s, "a datagram from port %u, not the kernel", from.nl_pid);
	for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, n); h = nlmsg_next(h, &n))
		on_message(s, h);
	if (n)
		impossible(s, "%d bytes after the last message of a datagram", n);
	free(buf);
	return 1;
}

static void drain(struct fsock *s)
{
	if (s->sk)
		while (recv_one(s))
			;
}

static bool waiting(const struct req *r)
{
	return r->want == W_ANSWER && !r->done && !r->abandoned && r->s->sk;
}

/* Everything the step's requests get, or the timeout. */
static void collect(struct fsock *extra)
{
	uint64_t deadline = now_ms() + (uint64_t)opt_timeout_ms;
	struct pollfd pfd[MAX_SOCKS + 1];
	struct fsock *ps[MAX_SOCKS + 1];

	for (;;) {
		int n = 0, i;
		uint64_t t;

		for (i = 0; i < MAX_SOCKS; i++)
			drain(&pool[i]);
		if (extra)
			drain(extra);
		for (i = 0; i < cur.nreq; i++) {
			struct req *r = &cur.req[i];
			int k;

			if (!waiting(r))
				continue;
			for (k = 0; k < n && ps[k] != r->s; k++)
				;
			if (k == n && n <= MAX_SOCKS) {
				ps[n] = r->s;
				pfd[n].fd = r->s->fd;
				pfd[n].events = POLLIN;
				n++;
			}
		}
		t = now_ms();
		if (!n || t >= deadline)
			break;
		poll(pfd, (nfds_t)n, (int)(deadline - t));
	}
}

/* ---- sending ---- */

static uint32_t next_seq = 1;

static void remember(const struct fsock *s, const struct dgram *d)
{
	unsigned int k = hist_next++ % HIST;
	size_t n = d->len < HIST_BYTES ? d->len : HIST_BYTES;

	hist[k].step = cur.index;
	hist[k].sock = sock_id(s);
	hist[k].len = d->len;
	memcpy(hist[k].bytes, d->buf, n);
	memcpy(wd_bytes, d->buf, n);
	wd_len = d->len;
	wd_step = cur.index;
}

/*
 * Walk the datagram as netlink_rcv_skb() will, give each message it will
 * process a fresh sequence number, keep it away from other families, and
 * predict its answer; then send it.
 */
static void send_dg(struct fsock *s, struct dgram *d)
{
	struct dctx c = { 0 };
	size_t off = 0;
	int first = cur.nreq, nmsg = 0, err;

	while (d->len - off >= NLMSG_HDRLEN) {
		struct nlmsghdr *h = (struct nlmsghdr *)(d->buf + off);
		struct genlmsghdr *g = (struct genlmsghdr *)(d->buf + off + NLMSG_HDRLEN);
		size_t msglen;
		struct req *r;

		if (h->nlmsg_len < NLMSG_HDRLEN || d->len - off < h->nlmsg_len)
			break;
		if (cur.nreq == MAX_REQ) {
			d->len = off;		/* no more than we can follow */
			d->raw = true;
			break;
		}
		/* Ids 16..1023 may be other families: never send them garbage. */
		if (h->nlmsg_type >= NLMSG_MIN_TYPE && h->nlmsg_type < 1024 &&
		    h->nlmsg_type != family) {
			h->nlmsg_type = (uint16_t)family;
			d->raw = true;
		}
		/* Big event buffers cost the kernel megabytes: on one socket only. */
		if (h->nlmsg_type == family && h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN &&
		    g->cmd == PTSCOPE_CMD_WATCH && !s->big_ok) {
			struct nlattr *a;
			int rem = msg_attrlen(h);

			for_each_nla(a, (struct nlattr *)(g + 1), rem)
				if ((a->nla_type & NLA_TYPE_MASK) == PTSCOPE_A_BUFFER &&
				    a->nla_len == NLA_HDRLEN + 4 && get32(a) > BIG_BUFFER) {
					uint32_t v = 4096;

					memcpy(a + 1, &v, 4);
					d->raw = true;
				}
		}
		if (!next_seq)
			next_seq++;
		h->nlmsg_seq = next_seq++;
		r = &cur.req[cur.nreq++];
		memset(r, 0, sizeof(*r));
		r->s = s;
		r->seq = h->nlmsg_seq;
		r->overruns = s->overruns;
		r->dgram = (uint32_t)cur.ndgram;
		predict(r, h, s, &c);
		if (r->ours && r->cmd == PTSCOPE_CMD_WATCH && !r->dump && r->len >= NLMSG_HDRLEN + GENL_HDRLEN) {
			/* Events of two subscriptions may interleave from now. */
			if (s->subs_open > 0 || watch_pending(s) || c.watch_seen)
				s->mixed = true;
			else if (!s->mixed) {
				s->last_ev_seq = 0;
				memset(s->received, 0, sizeof(s->received));
			}
			journal(s, "WATCH seq %u sent (open %d%s)", r->seq, s->subs_open,
				s->mixed ? ", mixed" : "");
			c.watch_seen = true;
		}
		if (r->dump)
			c.dump_started = true;
		nmsg++;
		msglen = NLMSG_ALIGN(h->nlmsg_len);
		off += msglen > d->len - off ? d->len - off : msglen;
	}

	cur.ndgram++;
	st.datagrams++;
	st.messages += (uint64_t)nmsg;
	remember(s, d);
	if (opt_verbose) {
		fprintf(stderr, "step %" PRIu64 " (%s) socket %d: %zu bytes, %d messages%s\n",
			cur.index, cur.gen, sock_id(s), d->len, nmsg, d->raw ? " (raw)" : "");
		hexdump(stderr, d->buf, d->len, 4096);
	}
	alarm((unsigned int)opt_stuck);
	if (d->msg && !d->raw && nmsg == 1 && nlmsg_hdr(d->msg)->nlmsg_len == d->len) {
		nlmsg_hdr(d->msg)->nlmsg_seq = cur.req[first].seq;
		err = nl_send(s->sk, d->msg);
	} else {
		err = nl_sendto(s->sk, d->buf, d->len);
	}
	if (err < 0) {
		st.send_fail++;
		if (opt_verbose)
			fprintf(stderr, "  send: %s\n", nl_geterror(err));
		for (int i = first; i < cur.nreq; i++)
			cur.req[i].abandoned = true;
	}
}

/* ---- the step's verdict ---- */

static void judge(void)
{
	for (int i = 0; i < cur.nreq; i++) {
		struct req *r = &cur.req[i];
		bool ok;

		if (opt_verbose)
			fprintf(stderr, "  seq %u type %u flags 0x%x cmd %u: %s err %d, %u replies; wanted %s (%s)\n",
				r->seq, r->type, r->flags, r->cmd,
				r->done ? "answered" : r->abandoned ? "abandoned" : "no answer",
				r->err, r->replies,
				r->expect == XP_OK ? "success" : r->expect == XP_ERR ? "a refusal" : "anything",
				r->why ? r->why : "-");
		if (r->abandoned) {
			st.abandoned++;
			continue;
		}
		if (!r->done) {
			if (r->want == W_ANSWER && r->s->overruns > r->overruns) {
				st.lost++;	/* ENOBUFS: possibly the answer */
			} else if (r->want == W_ANSWER) {
				failure(&st.no_answer, r, "no answer within %d ms", opt_timeout_ms);
				/* Whatever comes late must not be taken for another's answer. */
				if (sock_id(r->s) >= 0) {
					sock_close(r->s);
					sock_open(r->s, r->s->big_ok);
				}
			} else {
				st.silent++;
			}
			continue;
		}
		if (r->expect == XP_OK) {
			st.expect_ok++;
			ok = !r->err || (r->alt_errno && r->err == -r->alt_errno);
			if (ok && !r->err) {
				if (r->nva && (r->replies != r->nva || r->bad))
					ok = false;
				if (r->cmd == PTSCOPE_CMD_DUMP && r->dump && !r->stats_seen)
					ok = false;
				if (r->doit_reply && r->replies != 1)
					ok = false;
			}
			if (!ok)
				failure(&st.wrong, r, "the kernel did not do what it must (%u of %u replies)",
					r->replies, r->nva);
		} else if (r->expect == XP_ERR) {
			st.expect_err++;
			if (!r->err || (r->want_errno && r->err != -r->want_errno))
				failure(&st.wrong, r, "the kernel did not refuse as it must");
		}
	}
	for (int i = 0; i < MAX_SOCKS; i++)
		if (pool[i].sk && pool[i].subs_open < 0 && !pool[i].overrun)
			impossible(&pool[i], "more WATCH_ENDs than subscriptions");
	for (int i = 0; i < cur.nreq; i++)
		free(cur.req[i].va);
}

/* ---- steps ---- */

static struct fsock *pick_sock(void)
{
	return &pool[chance(50) ? 0 : below(MAX_SOCKS)];
}

static void send_msg(struct fsock *s, struct nl_msg *m)
{
	dg_reset(&dg);
	dg_add(&dg, m);
	send_dg(s, &dg);
}

static void step_one(struct nl_msg *(*gen)(void))
{
	send_msg(pick_sock(), gen());
	collect(NULL);
}

/* One message, changed byte by byte after libnl built it. */
static void step_raw(struct nl_msg *m, void (*change)(struct dgram *))
{
	dg_reset(&dg);
	dg_add(&dg, m);
	change(&dg);
	send_dg(pick_sock(), &dg);
	collect(NULL);
}

static void step_mutate(void)
{
	step_raw(base_msg(), mutate);
}

static void step_truncate(void)
{
	step_raw(chance(50) ? valid_msg() : base_msg(), truncate_dg);
}

static void step_reserved(void)
{
	step_raw(chance(70) ? valid_msg() : range_msg(), reserved_dg);
}

/* Several messages in one datagram. */
static void step_multi(void)
{
	uint32_t i, n = 2 + below(4);

	dg_reset(&dg);
	for (i = 0; i < n; i++) {
		dg_reset(&scratch);
		dg_add(&scratch, chance(10) ? foreign_msg() : base_msg());
		if (chance(15))
			mutate(&scratch);
		if (dg.len + scratch.len <= DGRAM_MAX) {
			memcpy(dg.buf + dg.len, scratch.buf, scratch.len);
			dg.len += scratch.len;
		}
	}
	dg_reset(&scratch);
	dg.raw = true;
	send_dg(pick_sock(), &dg);
	collect(NULL);
}

static struct nl_msg *watch_msg(uint32_t pid, bool more)
{
	struct nl_msg *m = msg_new((uint16_t)family, NLM_F_REQUEST | (chance(50) ? NLM_F_ACK : 0),
				   PTSCOPE_CMD_WATCH, 256);

	nla_put_u32(m, PTSCOPE_A_PID, pid);
	if (more && chance(40))
		nla_put_u32(m, PTSCOPE_A_PID, chance(50) ? (uint32_t)helper_pid : short_pid());
	if (chance(60))
		nla_put_u32(m, PTSCOPE_A_EVENT_MASK, 1 + below(PTSCOPE_EVK_ALL));
	if (chance(40))
		nla_put_u32(m, PTSCOPE_A_WATCH_FLAGS, below(2));
	if (chance(40))
		nla_put_u32(m, PTSCOPE_A_BUFFER, (uint32_t)PICK(16, 64, 1024, 4096));
	return m;
}

/* Subscribe, send garbage, then go: UNWATCH and wait for the end, or just close. */
static void step_watch_seq(void)
{
	static struct fsock x;
	uint64_t deadline;
	uint32_t i, n;
	int how = (int)below(4);

	sock_open(&x, false);
	send_msg(&x, watch_msg(chance(20) ? short_pid() : good_pid(), true));
	collect(&x);
	for (i = 0, n = 1 + below(4); i < n; i++) {
		dg_reset(&dg);
		dg_add(&dg, base_msg());
		if (chance(30))
			mutate(&dg);
		send_dg(&x, &dg);
		collect(&x);
	}
	if (how >= 2 && x.subs_open > 0) {
		struct nl_msg *m = msg_new((uint16_t)family, NLM_F_REQUEST | NLM_F_ACK,
					   PTSCOPE_CMD_UNWATCH, 0);

		send_msg(&x, m);
		if (how == 3) {
			collect(&x);
			/* Then WATCH_END, with the final counts, must come. */
			deadline = now_ms() + (uint64_t)opt_timeout_ms;
			while (x.subs_open > 0 && !x.overrun && now_ms() < deadline) {
				struct pollfd p = { .fd = x.fd, .events = POLLIN };

				poll(&p, 1, 100);
				drain(&x);
			}
			if (x.subs_open > 0 && !x.overrun) {
				struct req r = { .s = &x, .why = "UNWATCH acknowledged" };

				failure(&st.no_answer, &r, "no WATCH_END within %d ms of UNWATCH",
					opt_timeout_ms);
			}
		}
	}
	for (i = 0; i < (uint32_t)cur.nreq; i++)
		if (cur.req[i].s == &x && !cur.req[i].done)
			cur.req[i].abandoned = true;
	if (how == 0)
		drain(&x);
	sock_close(&x);
}

/* A short-lived child (maybe exec()ing) watched as it goes. */
static void step_short_watch(void)
{
	struct fsock *s = pick_sock();

	send_msg(s, watch_msg(chance(80) ? short_pid() : good_pid(), true));
	collect(NULL);
}

/* Close a socket of the pool, maybe in the middle of a dump. */
static void step_churn(void)
{
	int i = (int)below(MAX_SOCKS);
	struct fsock *s = &pool[i];

	switch (below(3)) {
	case 0: {	/* a dump that will not be read to its end */
		uint8_t cmd = chance(50) ? PTSCOPE_CMD_DUMP : PTSCOPE_CMD_WALK;
		struct nl_msg *m = msg_new((uint16_t)family, NLM_F_REQUEST | NLM_F_DUMP, cmd,
					   max_addrs * 12 + 64);

		nla_put_u32(m, PTSCOPE_A_PID, good_pid());
		if (cmd == PTSCOPE_CMD_WALK)
			for (uint32_t k = 0; k < max_addrs; k++)
				nla_put_u64(m, PTSCOPE_A_ADDR, good_addr());
		else
			nla_put_u32(m, PTSCOPE_A_DUMP_FLAGS, PTSCOPE_DUMP_F_HOLES);
		send_msg(s, m);
		if (chance(50))
			recv_one(s);
		break;
	}
	case 1:		/* with a subscription and unread events */
		if (!s->subs_open) {
			send_msg(s, watch_msg(good_pid(), false));
			collect(NULL);
		}
		break;
	default:
		break;
	}
	for (int k = 0; k < cur.nreq; k++)
		if (cur.req[k].s == s && !cur.req[k].done)
			cur.req[k].abandoned = true;
	sock_close(s);
	sock_open(s, i == 0);
}

/* Two sockets with dumps in flight at once. */
static void step_two(void)
{
	int a = (int)below(MAX_SOCKS), b = (a + 1 + (int)below(MAX_SOCKS - 1)) % MAX_SOCKS;

	send_msg(&pool[a], chance(70) ? valid_msg() : base_msg());
	send_msg(&pool[b], chance(70) ? valid_msg() : base_msg());
	collect(NULL);
}

static const struct {
	const char *name;
	int weight;
	void (*fn)(void);
	struct nl_msg *(*gen)(void);
} steps[] = {
	{ "valid", 150, NULL, valid_msg },
	{ "range", 150, NULL, range_msg },
	{ "types", 120, NULL, types_msg },
	{ "nest", 60, NULL, nest_msg },
	{ "cmd", 70, NULL, any_cmd_msg },
	{ "foreign", 30, NULL, foreign_msg },
	{ "repeat", 12, NULL, repeat_msg },
	{ "mutate", 200, step_mutate, NULL },
	{ "truncate", 70, step_truncate, NULL },
	{ "reserved", 50, step_reserved, NULL },
	{ "multi", 45, step_multi, NULL },
	{ "two", 15, step_two, NULL },
	{ "watch-seq", 12, step_watch_seq, NULL },
	{ "short-watch", 8, step_short_watch, NULL },
	{ "churn", 8, step_churn, NULL },
};

static void run_step(uint64_t index)
{
	int total = 0, k, i;

	memset(&cur, 0, sizeof(cur));
	cur.index = index;
	rng = opt_seed * 0xd1342543de82ef95ULL ^ (index + 1) * 0x9e3779b97f4a7c15ULL;
	rnd();
	for (i = 0; i < (int)(sizeof(steps) / sizeof(steps[0])); i++)
		total += steps[i].weight;
	k = (int)below((uint32_t)total);
	for (i = 0; k >= steps[i].weight; i++)
		k -= steps[i].weight;
	cur.gen = steps[i].name;
	reap_shorts(false);
	if (steps[i].fn)
		steps[i].fn();
	else
		step_one(steps[i].gen);
	judge();
	dg_reset(&dg);
	st.steps++;
}

/* A question whose answer the rest needs: GET_INFO, STAT. */
static void ask(uint8_t cmd)
{
	memset(&cur, 0, sizeof(cur));
	cur.gen = "setup";
	send_msg(&pool[0], msg_new((uint16_t)family, NLM_F_REQUEST | NLM_F_ACK, cmd, 0));
	collect(NULL);
	if (!cur.nreq || !cur.req[0].done || cur.req[0].err || cur.req[0].replies != 1)
		die("the module did not answer command %u (error %d)", cmd,
		    cur.nreq ? cur.req[0].err : 0);
	judge();
}

static void setup(void)
{
	static uint8_t *heap;
	pthread_t th;
	char buf[64];
	FILE *f;
	ssize_t n;

	{
		struct nl_sock *sk = nl_socket_alloc();

		if (!sk || genl_connect(sk))
			die("cannot open a generic netlink socket");
		family = genl_ctrl_resolve(sk, PTSCOPE_GENL_NAME);
		nl_socket_free(sk);
		if (family < 0)
			die("the ptscope family is not registered (is ptscope.ko loaded?)");
	}
	obj_spec[PTSCOPE_OBJ_A_PAD].kind = K_PAD;
	for (int i = PTSCOPE_OBJ_A_PAD + 1; i <= PTSCOPE_OBJ_A_MAX; i++)
		obj_spec[i].kind = K_U64;
	self_pid = getpid();
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) {
		if (fscanf(f, "%u", &pid_max) != 1)
			pid_max = 32768;
		fclose(f);
	}
	f = fopen("/proc/2/comm", "r");
	if (f) {
		kthreadd_is_2 = fgets(buf, sizeof(buf), f) && !strcmp(buf, "kthreadd\n");
		fclose(f);
	}
	n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	exe_path[n > 0 ? n : 0] = 0;

	region = mmap(NULL, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	untouched = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	noaccess = mmap(NULL, 4 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || untouched == MAP_FAILED || noaccess == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(region, 1, 64 * PAGE);
	heap = malloc(4096);
	if (!heap)
		die("out of memory");
	heap[0] = 1;
	heap_addr = (uint64_t)(uintptr_t)heap;
	stack_addr = (uint64_t)(uintptr_t)buf & ~(PAGE - 1);

	if (pthread_create(&th, NULL, thread_main, NULL))
		die("pthread_create failed");
	while (!__atomic_load_n(&thread_tid, __ATOMIC_SEQ_CST))
		usleep(1000);

	helper_pid = fork();
	if (helper_pid < 0)
		die("fork: %s", strerror(errno));
	if (!helper_pid) {
		child_cleanup();
		helper_main();
	}
	zombie_pid = spawn(0, false);
	if (zombie_pid <= 0)
		die("fork: %s", strerror(errno));
	{
		siginfo_t si;

		waitid(P_PID, (id_t)zombie_pid, &si, WEXITED | WNOWAIT);
	}

	for (int i = 0; i < MAX_SOCKS; i++)
		sock_open(&pool[i], i == 0);
	ask(PTSCOPE_CMD_GET_INFO);
	ask(PTSCOPE_CMD_STAT);
	task_size_max = levels == 5 ? (1ULL << 56) - PAGE : (1ULL << 47) - PAGE;
	signal(SIGALRM, watchdog);
}

/*
 * The checks themselves: a refusal predicted to succeed, and a message the
 * kernel ignores declared as one it must answer. Both must be reported.
 */
static void self_test(void)
{
	struct nl_msg *m;

	memset(&cur, 0, sizeof(cur));
	cur.gen = "self-test";
	m = msg_new((uint16_t)family, NLM_F_REQUEST | NLM_F_DUMP, PTSCOPE_CMD_WALK, 64);
	nla_put_u32(m, PTSCOPE_A_PID, 0);
	nla_put_u64(m, PTSCOPE_A_ADDR, (uint64_t)(uintptr_t)region);
	send_msg(&pool[0], m);
	cur.req[0].expect = XP_OK;
	cur.req[0].why = "self-test: pid 0 declared walkable";
	send_msg(&pool[0], msg_new((uint16_t)family, 0, PTSCOPE_CMD_GET_INFO, 0));
	cur.req[1].want = W_ANSWER;
	cur.req[1].why = "self-test: a message that is not a request declared answered";
	opt_timeout_ms = 1000;
	collect(NULL);
	judge();
	st.steps++;
}

static void teardown(void)
{
	for (int i = 0; i < MAX_SOCKS; i++)
		sock_close(&pool[i]);
	kill(helper_pid, SIGKILL);
	waitpid(helper_pid, NULL, 0);
	waitpid(zombie_pid, NULL, 0);
	reap_shorts(true);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [--seed N] [--count MESSAGES] [--steps N] [--first STEP]\n"
		"              [--timeout MS] [--stuck SECONDS] [--verbose]\n"
		"       nlfuzz --self-test   (two deliberate failures: exits 1)\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	uint64_t t0, ms, i;
	char errs[1024] = "";
	size_t off = 0;

	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];

		if (!strcmp(o, "--verbose") || !strcmp(o, "-v")) {
			opt_verbose = 1;
			continue;
		}
		if (!strcmp(o, "--self-test")) {
			opt_selftest = true;
			continue;
		}
		if (a + 1 >= argc)
			usage();
		if (!strcmp(o, "--seed"))
			opt_seed = num(argv[++a]);
		else if (!strcmp(o, "--count"))
			opt_count = num(argv[++a]);
		else if (!strcmp(o, "--steps"))
			opt_steps = num(argv[++a]);
		else if (!strcmp(o, "--first"))
			opt_first = num(argv[++a]);
		else if (!strcmp(o, "--timeout"))
			opt_timeout_ms = (int)num(argv[++a]);
		else if (!strcmp(o, "--stuck"))
			opt_stuck = (int)num(argv[++a]);
		else
			usage();
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	rng = opt_seed;
	setup();

	t0 = now_ms();
	if (opt_selftest)
		self_test();
	else
		for (i = opt_first; opt_steps ? i < opt_first + opt_steps : st.messages < opt_count; i++)
			run_step(i);
	ms = now_ms() - t0;
	alarm(0);
	teardown();

	for (i = 1; i < 4096 && off < sizeof(errs) - 32; i++)
		if (st.by_errno[i])
			off += (size_t)snprintf(errs + off, sizeof(errs) - off, "%s%s=%" PRIu64,
						off ? " " : "", strerrorname_np((int)i) ?: "?",
						st.by_errno[i]);
	printf("nlfuzz: seed %" PRIu64 " steps %" PRIu64 " messages %" PRIu64 " datagrams %" PRIu64
	       " in %.1f s (%.0f msg/s), %d-level%s: replies %" PRIu64 " acks %" PRIu64
	       " dones %" PRIu64 " errors %" PRIu64 " [%s] (%" PRIu64 " without a message),"
	       " checked ok %" PRIu64 " refused %" PRIu64 ", silent %" PRIu64
	       ", subscriptions %" PRIu64 " events %" PRIu64 " watch_ends %" PRIu64
	       ", send failures %" PRIu64 " abandoned %" PRIu64 " overruns %" PRIu64
	       " lost %" PRIu64 "; no answer %" PRIu64 " wrong %" PRIu64 " impossible %" PRIu64 "\n",
	       opt_seed, st.steps, st.messages, st.datagrams, (double)ms / 1000.0,
	       ms ? (double)st.messages * 1000.0 / (double)ms : 0.0, levels,
	       frames_hidden ? " unprivileged" : "", st.replies, st.acks, st.dones, st.errors,
	       errs, st.err_nomsg, st.expect_ok, st.expect_err, st.silent, st.subs_made,
	       st.events, st.watch_ends, st.send_fail, st.abandoned, st.overruns, st.lost,
	       st.no_answer, st.wrong, st.impossible);
	return st.no_answer || st.wrong || st.impossible ? 1 : 0;
}
