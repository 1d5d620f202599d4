// SPDX-License-Identifier: GPL-2.0
/*
 * dumpbench: how fast ptscope describes a process's pages, against
 * /proc/PID/pagemap read the way tools read it, on the same process.
 *
 *   dumpbench [-r REPS] [-H] [-m WHAT] MODE SIZE_MIB
 *
 * MODE: 4k      SIZE_MIB of anonymous memory, MADV_NOHUGEPAGE, every page written
 *       thp     the same with MADV_HUGEPAGE (2 MiB pages where the kernel can)
 *       sparse  SIZE_MIB reserved, MADV_NOHUGEPAGE, one 4 KiB page written per 2 MiB
 *       shuffled  as 4k, but the pages written in a random order: physically
 *               adjacent frames no longer back virtually adjacent pages, as
 *               on a machine that has run for a while, so ptscope's runs
 *               are single pages (frames visible) and its replies largest
 *
 * A child maps a 2 MiB-aligned region, writes it, says so through a pipe
 * and sleeps; the parent then measures, REPS times each, interleaved, after
 * one unmeasured warm-up round:
 *
 *   pagemap   one pread() of the range's 8-byte entries from
 *             /proc/CHILD/pagemap (opened once) into a buffer (allocated and
 *             touched once, so the page faults of the buffer are not counted)
 *   ptscope   ps_dump() of exactly the range through the client library,
 *             with a run callback that only counts (wall time, including
 *             the library's GET_INFO round trip and its parsing)
 *   walk      the kernel-side walk time of that dump (stats walk_ns)
 *   count     ps_dump() with PTSCOPE_DUMP_F_COUNT: the module's walk that
 *             builds no runs; its walk_ns, and its wall time
 *   raw       the same DUMP request, its replies received with recv() into
 *             a 32 KiB buffer and only skipped over (no libnl, no parsing):
 *             the kernel's and the transport's share of the ptscope time
 *
 * Pages described = range / 4096 for both pagemap and ptscope (ptscope's
 * runs cover every populated page and say nothing of holes, pagemap has an
 * entry per page: both describe the whole range).
 *
 * Prints human-readable details on stderr and one CSV row on stdout (-H:
 * the CSV header first). Medians and minimums are over REPS. -m limits the
 * measurements to a comma-separated subset of pagemap,ptscope,count,raw
 * (for profiling one of them with perf; the others then read 0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include "../module/uapi/ptscope.h"
#include "../userspace/dump.h"
#include "../userspace/nl.h"
#include "../userspace/ptscope.h"
#include "../userspace/request.h"

#define MiB		(1UL << 20)
#define HPAGE		(2 * MiB)
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static void vsay(const char *fmt, va_list ap)
{
	fputs("dumpbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ps_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn)) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- the target process ---------------------------------------------- */

enum mode { M_4K, M_THP, M_SPARSE, M_SHUFFLED, NR_MODES };

static const char *const mode_names[] = { "4k", "thp", "sparse", "shuffled" };

/* Runs in the child: map, write, report the region's start, sleep. */
static void __attribute__((noreturn))
child(enum mode m, size_t size, int wfd)
{
	size_t off, step = m == M_SPARSE ? HPAGE : 4096;
	uintptr_t raw, start;
	char *p;

	prctl(PR_SET_NAME, "dumpbench-tgt");	/* apart in perf reports */
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* never outlives the benchmark */
	raw = (uintptr_t)mmap(NULL, size + HPAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if ((void *)raw == MAP_FAILED)
		_exit(2);
	start = (raw + HPAGE - 1) & ~(HPAGE - 1);
	/* Trim to exactly the aligned region: one VMA of SIZE_MIB. */
	if (start > raw)
		munmap((void *)raw, start - raw);
	if (raw + size + HPAGE > start + size)
		munmap((void *)(start + size), raw + size + HPAGE - (start + size));
	p = (char *)start;
	if (madvise(p, size, m == M_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		_exit(3);
	if (m == M_SHUFFLED) {
		size_t n = size / 4096, i, *order = malloc(n * sizeof(*order));
		uint64_t x = 0x9e3779b97f4a7c15ULL;	/* fixed seed: same order each run */

		if (!order)
			_exit(5);
		for (i = 0; i < n; i++)
			order[i] = i;
		for (i = n - 1; i > 0; i--) {		/* Fisher-Yates, xorshift64 */
			size_t j, t;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = x % (i + 1);
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < n; i++)
			p[order[i] * 4096] = 1;
		free(order);
	} else {
		for (off = 0; off < size; off += step)
			p[off] = 1;
	}
	if (write(wfd, &start, sizeof(start)) != sizeof(start))
		_exit(4);
	close(wfd);
	for (;;)
		pause();
}

/* AnonHugePages of the child's region, from /proc/PID/smaps, in kB. */
static long anon_huge_kb(pid_t pid, uintptr_t start)
{
	char path[64], line[512];
	bool in = false;
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx ", &a, &b) == 2)
			in = a == start;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* ---- measurements ------------------------------------------------------ */

struct pm_result {
	uint64_t present, with_pfn;
};

static uint64_t pagemap_once(int fd, uint64_t *buf, uintptr_t start, size_t size,
			     struct pm_result *r)
{
	size_t len = size / 4096 * sizeof(uint64_t), i;
	uint64_t t0, t1;
	ssize_t n;

	t0 = now_ns();
	n = pread(fd, buf, len, (off_t)(start / 4096 * sizeof(uint64_t)));
	t1 = now_ns();
	if (n != (ssize_t)len)
		die("pagemap: read %zd of %zu bytes: %s", n, len, n < 0 ? strerror(errno) : "short");
	memset(r, 0, sizeof(*r));
	for (i = 0; i < size / 4096; i++) {
		if (buf[i] & PM_PRESENT) {
			r->present++;
			if (buf[i] & PM_PFN_MASK)
				r->with_pfn++;
		}
	}
	return t1 - t0;
}

struct dump_count {
	uint64_t runs, pages4k, huge_runs;
	struct ps_dump_stats stats;
	bool got_stats;
};

static int count_run(const struct ps_vma *v, const struct ptscope_run *r, void *arg)
{
	struct dump_count *c = arg;

	(void)v;
	c->runs++;
	c->pages4k += (uint64_t)r->pages << (r->page_shift - 12);
	if (r->page_shift > 12)
		c->huge_runs++;
	return 0;
}

static int keep_stats(const struct ps_dump_stats *s, void *arg)
{
	struct dump_count *c = arg;

	c->stats = *s;
	c->got_stats = true;
	return 0;
}

static uint64_t ptscope_once(struct ps_nl *nl, pid_t pid, uintptr_t start,
			     size_t size, uint32_t flags, struct dump_count *c)
{
	struct ps_dump_opts o = { .start = start, .end = start + size, .flags = flags };
	struct ps_dump_cb cb = { .run = count_run, .stats = keep_stats, .arg = c };
	uint64_t t0, t1;
	int err;

	memset(c, 0, sizeof(*c));
	t0 = now_ns();
	err = ps_dump(nl, (int)pid, &o, &cb);
	t1 = now_ns();
	if (err || !c->got_stats)
		die("ptscope dump failed (%d)", err);
	return t1 - t0;
}

struct raw_result {
	uint64_t messages, bytes, recvs;
};

/*
 * The DUMP request on its own socket, replies only skipped over: what the
 * kernel and the socket cost, without libnl and the client's parsing.
 */
static uint64_t raw_once(struct ps_nl *nl, pid_t pid, uintptr_t start,
			 size_t size, struct raw_result *r)
{
	static char buf[32768] __attribute__((aligned(8)));
	int fd = nl_socket_get_fd(nl->sk);
	struct nl_msg *msg;
	uint64_t t0, t1;
	bool done = false;

	memset(r, 0, sizeof(*r));
	msg = ps_nl_msg(nl, PTSCOPE_CMD_DUMP, NLM_F_DUMP, 64);
	if (!msg || nla_put_u32(msg, PTSCOPE_A_PID, (uint32_t)pid) ||
	    nla_put_u64(msg, PTSCOPE_A_START, start) ||
	    nla_put_u64(msg, PTSCOPE_A_END, start + size))
		die("out of memory");
	t0 = now_ns();
	if (nl_send_auto(nl->sk, msg) < 0)
		die("raw: cannot send");
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("raw: recv: %s", strerror(errno));
		}
		r->recvs++;
		r->bytes += (uint64_t)n;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
				int e = *(int *)NLMSG_DATA(h);

				if (e)
					die("raw: the kernel answered %d", e);
				done = true;
				break;
			}
			r->messages++;
		}
	}
	t1 = now_ns();
	nlmsg_free(msg);
	return t1 - t0;
}

/* ---- statistics -------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct series {
	uint64_t v[64];
	unsigned int n;
};

static void add(struct series *s, uint64_t v)
{
	if (s->n < sizeof(s->v) / sizeof(s->v[0]))
		s->v[s->n++] = v;
}

static double median_ms(struct series *s)
{
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u64);
	if (!s->n)
		return 0;
	if (s->n % 2)
		return s->v[s->n / 2] / 1e6;
	return (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2e6;
}

/* Ratios are kept in a series as parts per million: their median, as is. */
static double median_ratio(struct series *s)
{
	return median_ms(s);
}

static void add_ratio(struct series *s, uint64_t num, uint64_t den)
{
	if (den)
		add(s, (uint64_t)((double)num / (double)den * 1e6 + 0.5));
}

static double min_ms(struct series *s)
{
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_u64);
	return s->n ? s->v[0] / 1e6 : 0;
}

/* ---- main -------------------------------------------------------------- */

static const char header[] =
	"mode,size_mib,range_pages,populated_pages,thp_kb,levels,frames_visible,reps,"
	"pagemap_ms,pagemap_min_ms,ptscope_ms,ptscope_min_ms,"
	"pagemap_pages_per_s,ptscope_pages_per_s,ptscope_vs_pagemap,ptscope_vs_pagemap_paired,"
	"walk_ms,walk_min_ms,count_walk_ms,count_walk_min_ms,walk_vs_count,walk_vs_count_paired,"
	"count_total_ms,raw_ms,raw_min_ms,"
	"runs_client,runs_kernel,entries,reply_messages,reply_bytes,recvs";

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: dumpbench [-r REPS] [-H] [-m pagemap,ptscope,count,raw] "
		"4k|thp|sparse|shuffled SIZE_MIB\n");
	exit(2);
}

enum { W_PAGEMAP = 1, W_PTSCOPE = 2, W_COUNT = 4, W_RAW = 8, W_ALL = 15 };

static unsigned int parse_what(char *s)
{
	unsigned int what = 0;
	char *tok;

	for (tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (!strcmp(tok, "pagemap"))
			what |= W_PAGEMAP;
		else if (!strcmp(tok, "ptscope"))
			what |= W_PTSCOPE;
		else if (!strcmp(tok, "count"))
			what |= W_COUNT;
		else if (!strcmp(tok, "raw"))
			what |= W_RAW;
		else
			usage();
	}
	return what;
}

int main(int argc, char **argv)
{
	struct series s_pm = { 0 }, s_ps = { 0 }, s_walk = { 0 }, s_cwalk = { 0 },
		      s_ctot = { 0 }, s_raw = { 0 }, s_pair = { 0 }, s_wpair = { 0 };
	struct dump_count dc, cc;
	struct raw_result rr;
	struct pm_result pm;
	struct ps_nl nl, rawnl;
	struct ps_info info;
	unsigned int reps = 5, i, what = W_ALL;
	bool print_header = false;
	enum mode m = M_4K;
	uintptr_t start;
	uint64_t *buf;
	char path[64];
	size_t size;
	long thp_kb;
	int opt, pfd[2], fd;
	pid_t pid;

	while ((opt = getopt(argc, argv, "r:Hm:")) != -1) {
		switch (opt) {
		case 'm':
			what = parse_what(optarg);
			break;
		case 'r':
			reps = (unsigned int)atoi(optarg);
			if (reps < 1 || reps > 64)
				usage();
			break;
		case 'H':
			print_header = true;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	for (i = 0; i < NR_MODES && strcmp(argv[optind], mode_names[i]) != 0; i++)
		;
	if (i == NR_MODES)
		usage();
	m = (enum mode)i;
	size = strtoul(argv[optind + 1], NULL, 0) * MiB;
	if (!size || size % HPAGE)
		die("SIZE_MIB must be a positive multiple of 2");

	if (pipe(pfd))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(pfd[0]);
		child(m, size, pfd[1]);
	}
	close(pfd[1]);
	if (read(pfd[0], &start, sizeof(start)) != sizeof(start)) {
		int st = 0;

		waitpid(pid, &st, 0);
		die("the target process failed to set up %zu MiB (%s %d)", size / MiB,
		    WIFEXITED(st) ? "exit" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
	}
	close(pfd[0]);
	thp_kb = anon_huge_kb(pid, start);

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	buf = malloc(size / 4096 * sizeof(uint64_t));
	if (!buf)
		die("out of memory");
	memset(buf, 0, size / 4096 * sizeof(uint64_t));

	if (ps_nl_open(&nl) || ps_nl_open(&rawnl))
		die("cannot talk to the module");
	if (ps_get_info(&nl, &info))
		die("GET_INFO failed");

	memset(&pm, 0, sizeof(pm));
	memset(&dc, 0, sizeof(dc));
	memset(&cc, 0, sizeof(cc));
	memset(&rr, 0, sizeof(rr));
	/* Round 0 is the warm-up: caches, socket buffers, module allocations. */
	for (i = 0; i <= reps; i++) {
		uint64_t t, t_pm = 0, t_ps = 0;

		if (what & W_PAGEMAP) {
			t_pm = pagemap_once(fd, buf, start, size, &pm);
			if (i)
				add(&s_pm, t_pm);
		}
		if (what & W_PTSCOPE) {
			t_ps = ptscope_once(&nl, pid, start, size, 0, &dc);
			if (i) {
				add(&s_ps, t_ps);
				add(&s_walk, dc.stats.walk_ns);
				/* Back to back, so a slow moment of the host hits both. */
				if (what & W_PAGEMAP)
					add_ratio(&s_pair, t_pm, t_ps);
			}
		}
		if (what & W_COUNT) {
			t = ptscope_once(&nl, pid, start, size, PTSCOPE_DUMP_F_COUNT, &cc);
			if (i) {
				add(&s_ctot, t);
				add(&s_cwalk, cc.stats.walk_ns);
				if (what & W_PTSCOPE)
					add_ratio(&s_wpair, dc.stats.walk_ns, cc.stats.walk_ns);
			}
		}
		if (what & W_RAW) {
			t = raw_once(&rawnl, pid, start, size, &rr);
			if (i)
				add(&s_raw, t);
		}
	}

	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	if ((what & (W_PAGEMAP | W_PTSCOPE)) == (W_PAGEMAP | W_PTSCOPE) &&
	    dc.pages4k != pm.present)
		ps_err("warning: ptscope covered %" PRIu64 " pages, pagemap shows %" PRIu64 " present",
		       dc.pages4k, pm.present);

	{
		double range_pages = (double)(size / 4096);
		double pm_ms = median_ms(&s_pm), ps_ms = median_ms(&s_ps);
		double walk = median_ms(&s_walk), cwalk = median_ms(&s_cwalk);
		double pm_rate = pm_ms > 0 ? range_pages / (pm_ms / 1e3) : 0;
		double ps_rate = ps_ms > 0 ? range_pages / (ps_ms / 1e3) : 0;
		double ratio = pm_rate > 0 ? ps_rate / pm_rate : 0;
		bool visible = !info.frames_hidden && pm.with_pfn == pm.present;

		fprintf(stderr,
			"dumpbench: %s %zu MiB at %#lx, pid %d: %" PRIu64 " pages present (%ld kB AnonHugePages), "
			"%u-level paging, frames %s (pagemap: %" PRIu64 " of them with a PFN)\n"
			"  pagemap  %9.3f ms median %9.3f min   %12.0f pages/s\n"
			"  ptscope  %9.3f ms median %9.3f min   %12.0f pages/s   x%.2f pagemap (paired: x%.2f)\n"
			"  walk     %9.3f ms median %9.3f min   (kernel walk of the dump)\n"
			"  count    %9.3f ms median %9.3f min   (walk_ns of a COUNT dump; its wall time %.3f ms; walk/count paired %.2f)\n"
			"  raw      %9.3f ms median %9.3f min   (recv only, no parsing)\n"
			"  runs %" PRIu64 " (kernel %" PRIu64 "), entries %" PRIu64 ", %" PRIu64
			" messages, %" PRIu64 " bytes in %" PRIu64 " recv()s\n",
			mode_names[m], size / MiB, (unsigned long)start, (int)pid, pm.present, thp_kb,
			info.paging_levels, visible ? "visible" : "HIDDEN", pm.with_pfn,
			pm_ms, min_ms(&s_pm), pm_rate,
			ps_ms, min_ms(&s_ps), ps_rate, ratio, median_ratio(&s_pair),
			walk, min_ms(&s_walk),
			cwalk, min_ms(&s_cwalk), median_ms(&s_ctot), median_ratio(&s_wpair),
			median_ms(&s_raw), min_ms(&s_raw),
			dc.runs, dc.stats.runs, dc.stats.entries, rr.messages, rr.bytes, rr.recvs);

		if (print_header)
			printf("%s\n", header);
		printf("%s,%zu,%zu,%" PRIu64 ",%ld,%u,%s,%u,"
		       "%.3f,%.3f,%.3f,%.3f,"
		       "%.0f,%.0f,%.2f,%.2f,"
		       "%.3f,%.3f,%.3f,%.3f,%.2f,%.2f,"
		       "%.3f,%.3f,%.3f,"
		       "%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		       mode_names[m], size / MiB, size / 4096, pm.present, thp_kb,
		       info.paging_levels, visible ? "yes" : "no", reps,
		       pm_ms, min_ms(&s_pm), ps_ms, min_ms(&s_ps),
		       pm_rate, ps_rate, ratio, median_ratio(&s_pair),
		       walk, min_ms(&s_walk), cwalk, min_ms(&s_cwalk),
		       cwalk > 0 ? walk / cwalk : 0.0, median_ratio(&s_wpair),
		       median_ms(&s_ctot), median_ms(&s_raw), min_ms(&s_raw),
		       dc.runs, dc.stats.runs, dc.stats.entries, rr.messages, rr.bytes, rr.recvs);
	}
	ps_nl_close(&rawnl);
	ps_nl_close(&nl);
	free(buf);
	close(fd);
	return 0;
}
