// SPDX-License-Identifier: GPL-2.0
/*
 * A process whose address space never stands still, for the stress test
 * (tests/stress/run): it gives walks, dumps and watches something to race.
 *
 *   churn [--seconds S] [--mem MB] [--pause MS] [--cgroup DIR] [--out FILE]
 *         [--seed N] [--no-fork] [--no-exec]
 *
 * Until S seconds (default 10) have passed, at random:
 *
 *   map       anonymous regions of 1 to 256 pages, written (no THP)
 *   thp       4 MiB on a 2 MiB boundary with MADV_HUGEPAGE, written: THPs
 *   sparse    the same filled in 4 KiB pages first (MADV_NOHUGEPAGE), then
 *             MADV_HUGEPAGE: for khugepaged, or MADV_COLLAPSE, to collapse
 *   split     a THP region cut: a page unmapped and mapped again
 *             (MAP_FIXED), a page mprotect()ed, a page MADV_DONTNEED, or
 *             the range MADV_NOHUGEPAGE and MADV_PAGEOUT
 *   protect   part of a region read-only, then writable again
 *   remap     a region grown or moved by mremap() (THPs to a 2 MiB boundary)
 *   pageout   MADV_PAGEOUT of a region, then half of it read back
 *   shared    a MAP_SHARED anonymous (shmem) region written and paged out
 *   touch     random pages of every region read or written (swap-ins)
 *   fork      a child that writes (copy-on-write), then exits, exec()s
 *             /bin/true or exec()s churn for a moment
 *   reexec    (about every 3 s) exec() itself, with what time is left
 *
 * The regions together stay under MB MiB (default 24); the oldest is
 * unmapped to make room. A second thread writes its own pages all along,
 * so the mm is live on the other CPU and flushes shoot it down.
 *
 * --pause MS    sleep about MS milliseconds (0 to 2 MS) after each step, so
 *               that many churners leave a slow VM some time (default 0)
 * --cgroup DIR  join the cgroup v2 DIR first (its memory.max makes reclaim
 *               swap us out); children and exec()s stay in it
 * --out FILE    append the "pid", "ready" and counts lines to FILE instead
 *               of standard output (which `ptscope run --json` owns)
 *
 * It prints "pid PID" and "ready" once set up, and before it exits or
 * exec()s a line "counts" with what it did, word-number pairs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define HPAGE		(2UL << 20)
#define MAX_REGIONS	48
#define MAX_CHILDREN	3
#define REEXEC_NS	(3ULL * 1000000000ULL)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

enum kind { K_PLAIN, K_THP, K_SHARED };

struct region {
	char *p;
	size_t len;
	enum kind kind;
};

static struct region regions[MAX_REGIONS];
static size_t nr_regions, mem_used, mem_max = 24UL << 20;
static unsigned long pause_ms;
static uint64_t deadline_ns, rng = 88172645463325252ULL;
static FILE *out;
static bool may_fork = true, may_exec = true, is_child;
static const char *self_cgroup, *out_path;

/* What it did, printed at the end. */
static const char *const count_names[] = {
	"map", "thp", "sparse", "split", "protect", "remap", "pageout", "shared",
	"touch", "fork", "exec", "reexec", "collapse", "errors",
};
enum { C_MAP, C_THP, C_SPARSE, C_SPLIT, C_PROTECT, C_REMAP, C_PAGEOUT, C_SHARED,
       C_TOUCH, C_FORK, C_EXEC, C_REEXEC, C_COLLAPSE, C_ERRORS, C_NR };
static unsigned long counts[C_NR];

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fflush(out);
}

static void die(const char *what)
{
	say("error %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A failed call that churn can live with, counted. */
static void soft(int ret)
{
	if (ret)
		counts[C_ERRORS]++;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* xorshift64 */
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

static void print_counts(void)
{
	int i;

	fprintf(out, "counts");
	for (i = 0; i < C_NR; i++)
		fprintf(out, " %s %lu", count_names[i], counts[i]);
	fprintf(out, "\n");
	fflush(out);
}

static void write_pages(char *p, size_t len, size_t step)
{
	size_t off;

	for (off = 0; off < len; off += step)
		p[off] = (char)(off >> 12 | 1);
}

static void read_pages(const char *p, size_t len, size_t step)
{
	volatile char sink;
	size_t off;

	for (off = 0; off < len; off += step)
		sink = p[off];
	(void)sink;
}

/* @len bytes at a 2 MiB boundary, or NULL. */
static char *map_aligned(size_t len, int prot)
{
	char *raw = mmap(NULL, len + HPAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t start, end;

	if (raw == MAP_FAILED)
		return NULL;
	start = ((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1);
	end = start + len;
	if (start > (uintptr_t)raw)
		munmap(raw, start - (uintptr_t)raw);
	if ((uintptr_t)raw + len + HPAGE > end)
		munmap((char *)end, (uintptr_t)raw + len + HPAGE - end);
	return (char *)start;
}

static void drop_region(size_t i)
{
	soft(munmap(regions[i].p, regions[i].len));
	mem_used -= regions[i].len;
	regions[i] = regions[--nr_regions];
}

/* Room for @len more bytes: the oldest regions go first. */
static bool make_room(size_t len)
{
	if (len > mem_max)
		return false;
	while (nr_regions && (nr_regions == MAX_REGIONS || mem_used + len > mem_max)) {
		soft(munmap(regions[0].p, regions[0].len));
		mem_used -= regions[0].len;
		memmove(&regions[0], &regions[1], --nr_regions * sizeof(regions[0]));
	}
	return true;
}

static void add_region(char *p, size_t len, enum kind kind)
{
	regions[nr_regions++] = (struct region){ p, len, kind };
	mem_used += len;
}

static struct region *pick(int kind)
{
	size_t i, start;

	if (!nr_regions)
		return NULL;
	start = rnd(nr_regions);
	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[(start + i) % nr_regions];

		if (kind < 0 || r->kind == (enum kind)kind)
			return r;
	}
	return NULL;
}

/* Private pages written (no THP), or shared (shmem) ones paged out. */
static void op_map(bool shared)
{
	size_t len = (shared ? 16 + rnd(128) : 1 + rnd(256)) * PAGE;
	char *p;

	if (!make_room(len))
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		counts[C_ERRORS]++;
		return;
	}
	if (!shared)
		soft(madvise(p, len, MADV_NOHUGEPAGE));
	write_pages(p, len, PAGE);
	if (shared)
		soft(madvise(p, len, MADV_PAGEOUT));
	add_region(p, len, shared ? K_SHARED : K_PLAIN);
	counts[shared ? C_SHARED : C_MAP]++;
}

/* THPs at once, or (@sparse) 4 KiB pages for a collapse to gather. */
static void op_thp(bool sparse)
{
	size_t len = 2 * HPAGE, off;
	char *p;

	if (!make_room(len))
		return;
	p = map_aligned(len, PROT_READ | PROT_WRITE);
	if (!p) {
		counts[C_ERRORS]++;
		return;
	}
	if (sparse) {
		soft(madvise(p, len, MADV_NOHUGEPAGE));
		/* Most pages, not all: khugepaged fills the rest (max_ptes_none). */
		for (off = 0; off < len; off += PAGE)
			if (rnd(4))
				p[off] = 1;
		soft(madvise(p, len, MADV_HUGEPAGE));
		if (!rnd(3)) {
			/* Synchronous (6.1+); EINVAL before, EAGAIN when busy. */
			if (!madvise(p, HPAGE, MADV_COLLAPSE))
				counts[C_COLLAPSE]++;
		}
		counts[C_SPARSE]++;
	} else {
		soft(madvise(p, len, MADV_HUGEPAGE));
		write_pages(p, len, PAGE);
		counts[C_THP]++;
	}
	add_region(p, len, K_THP);
}

static void op_split(void)
{
	struct region *r = pick(K_THP);
	size_t off;
	char *q;

	if (!r)
		return;
	off = rnd(r->len / PAGE) * PAGE;
	switch (rnd(4)) {
	case 0:		/* a hole, filled again by a new mapping */
		soft(munmap(r->p + off, PAGE));
		q = mmap(r->p + off, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (q == MAP_FAILED)
			die("mmap MAP_FIXED");
		q[0] = 1;
		break;
	case 1:
		soft(mprotect(r->p + off, PAGE, PROT_READ));
		soft(mprotect(r->p + off, PAGE, PROT_READ | PROT_WRITE));
		break;
	case 2:
		soft(madvise(r->p + off, PAGE, MADV_DONTNEED));
		break;
	default:
		soft(madvise(r->p, r->len, MADV_NOHUGEPAGE));
		soft(madvise(r->p, HPAGE, MADV_PAGEOUT));
		soft(madvise(r->p, r->len, MADV_HUGEPAGE));
		break;
	}
	counts[C_SPLIT]++;
}

static void op_protect(void)
{
	struct region *r = pick(-1);
	size_t pages, first, n;

	if (!r)
		return;
	pages = r->len / PAGE;
	first = rnd(pages);
	n = 1 + rnd(pages - first);
	soft(mprotect(r->p + first * PAGE, n * PAGE, PROT_READ));
	read_pages(r->p + first * PAGE, n * PAGE, PAGE);
	soft(mprotect(r->p + first * PAGE, n * PAGE, PROT_READ | PROT_WRITE));
	write_pages(r->p + first * PAGE, n * PAGE, 4 * PAGE);
	counts[C_PROTECT]++;
}

static void op_remap(void)
{
	struct region *r = pick(rnd(2) ? K_THP : K_PLAIN);
	char *to, *q;

	if (!r)
		return;
	if (r->kind == K_THP) {
		/* Moved whole to another 2 MiB boundary: PMDs move as they are. */
		to = map_aligned(r->len, PROT_NONE);
		if (!to) {
			counts[C_ERRORS]++;
			return;
		}
		q = mremap(r->p, r->len, r->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
		if (q == MAP_FAILED) {
			munmap(to, r->len);
			counts[C_ERRORS]++;
			return;
		}
		r->p = q;
	} else {
		size_t grow = (1 + rnd(64)) * PAGE;

		if (mem_used + grow > mem_max)
			return;
		q = mremap(r->p, r->len, r->len + grow, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			counts[C_ERRORS]++;
			return;
		}
		r->p = q;
		write_pages(r->p + r->len, grow, PAGE);
		r->len += grow;
		mem_used += grow;
	}
	counts[C_REMAP]++;
}

static void op_pageout(void)
{
	struct region *r = pick(-1);

	if (!r)
		return;
	soft(madvise(r->p, r->len, MADV_PAGEOUT));
	read_pages(r->p, r->len / 2, PAGE);
	counts[C_PAGEOUT]++;
}

static void op_touch(void)
{
	size_t i, k;

	for (i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];

		for (k = 0; k < 8; k++) {
			size_t off = rnd(r->len / PAGE) * PAGE;

			if (rnd(2))
				r->p[off]++;
			else
				read_pages(r->p + off, PAGE, PAGE);
		}
	}
	counts[C_TOUCH]++;
}

static int nr_children;

static void reap(bool wait)
{
	while (nr_children > 0 && waitpid(-1, NULL, wait ? 0 : WNOHANG) > 0)
		nr_children--;
}

static char *argv_buf[32];
static char arg_seconds[32], arg_mem[32], arg_seed[32], arg_pause[32];

/* churn's own command line, for another @seconds. */
static char **churn_argv(double seconds, bool child)
{
	int n = 0;

	argv_buf[n++] = "churn";
	snprintf(arg_seconds, sizeof(arg_seconds), "%.3f", seconds);
	argv_buf[n++] = "--seconds";
	argv_buf[n++] = arg_seconds;
	snprintf(arg_mem, sizeof(arg_mem), "%zu",
		 (child ? (mem_max / 4 > 2 * HPAGE ? mem_max / 4 : 2 * HPAGE) : mem_max) >> 20);
	argv_buf[n++] = "--mem";
	argv_buf[n++] = arg_mem;
	snprintf(arg_seed, sizeof(arg_seed), "%llu", (unsigned long long)(rng ^ now_ns()));
	argv_buf[n++] = "--seed";
	argv_buf[n++] = arg_seed;
	snprintf(arg_pause, sizeof(arg_pause), "%lu", pause_ms);
	argv_buf[n++] = "--pause";
	argv_buf[n++] = arg_pause;
	if (out_path) {
		argv_buf[n++] = "--out";
		argv_buf[n++] = (char *)out_path;
	}
	if (child || !may_fork)
		argv_buf[n++] = "--no-fork";
	if (child || !may_exec)
		argv_buf[n++] = "--no-exec";
	if (child)
		argv_buf[n++] = "--child";
	argv_buf[n] = NULL;
	return argv_buf;
}

static void op_fork(void)
{
	struct region *r = pick(-1);
	int way = may_exec ? (int)rnd(3) : 0;
	pid_t pid;

	reap(false);
	if (nr_children >= MAX_CHILDREN)
		reap(true);
	fflush(out);
	pid = fork();
	if (pid < 0) {
		counts[C_ERRORS]++;
		return;
	}
	if (pid) {
		nr_children++;
		counts[C_FORK]++;
		counts[C_EXEC] += way != 0;
		return;
	}
	/* The child: copy-on-write faults, then one way out. */
	if (r) {
		write_pages(r->p, r->len, PAGE * (1 + rnd(4)));
		if (!rnd(4))
			soft(madvise(r->p, r->len, MADV_PAGEOUT));
	}
	switch (way) {
	case 1:
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	case 2:
		execv("/proc/self/exe", churn_argv(0.2 + rnd(300) / 1000.0, true));
		_exit(127);
	default:
		_exit(0);
	}
}

static void reexec(void)
{
	uint64_t now = now_ns();
	double left;

	if (now >= deadline_ns)
		return;
	left = (double)(deadline_ns - now) / 1e9;
	counts[C_REEXEC]++;
	print_counts();
	reap(true);
	execv("/proc/self/exe", churn_argv(left, false));
	die("execv");
}

static void *toucher(void *arg)
{
	size_t len = 64 * PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec pause = { 0, 5000000 };

	(void)arg;
	if (p == MAP_FAILED)
		return NULL;
	for (;;) {
		write_pages(p, len, PAGE);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

static void join_cgroup(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die(path);
	if (write(fd, "0\n", 2) != 2)
		die(path);
	close(fd);
}

static void usage(void)
{
	fprintf(stderr, "usage: churn [--seconds S] [--mem MB] [--pause MS] [--cgroup DIR] "
		"[--out FILE] [--seed N] [--no-fork] [--no-exec]\n");
	exit(2);
}

static void parse(int argc, char **argv, double *seconds)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--no-fork")) {
			may_fork = false;
		} else if (!strcmp(a, "--no-exec")) {
			may_exec = false;
		} else if (!strcmp(a, "--child")) {
			is_child = true;
		} else if (!v) {
			usage();
		} else if (!strcmp(a, "--seconds")) {
			*seconds = strtod(v, NULL);
			i++;
		} else if (!strcmp(a, "--mem")) {
			mem_max = strtoul(v, NULL, 0) << 20;
			i++;
		} else if (!strcmp(a, "--pause")) {
			pause_ms = strtoul(v, NULL, 0);
			i++;
		} else if (!strcmp(a, "--cgroup")) {
			self_cgroup = v;
			i++;
		} else if (!strcmp(a, "--out")) {
			out_path = v;
			i++;
		} else if (!strcmp(a, "--seed")) {
			rng = strtoull(v, NULL, 0) | 1;
			i++;
		} else {
			usage();
		}
	}
	if (*seconds < 0 || mem_max < HPAGE * 2)
		usage();
}

int main(int argc, char **argv)
{
	double seconds = 10;
	uint64_t start, next_reexec;
	pthread_t t;

	parse(argc, argv, &seconds);
	out = stdout;
	if (out_path) {
		out = fopen(out_path, "a");
		if (!out) {
			out = stderr;
			die(out_path);
		}
	}
	if (self_cgroup)
		join_cgroup(self_cgroup);
	signal(SIGPIPE, SIG_IGN);
	start = now_ns();
	deadline_ns = start + (uint64_t)(seconds * 1e9);
	next_reexec = start + REEXEC_NS / 2 + rnd(REEXEC_NS);
	if (pthread_create(&t, NULL, toucher, NULL))
		die("pthread_create");
	if (!is_child)
		say("pid %d\nready\n", getpid());

	while (now_ns() < deadline_ns) {
		switch (rnd(20)) {
		case 0: case 1: case 2:	op_map(false); break;
		case 3: case 4:		op_thp(false); break;
		case 5: case 6:		op_thp(true); break;
		case 7: case 8:		op_split(); break;
		case 9:			op_protect(); break;
		case 10: case 11:	op_remap(); break;
		case 12: case 13:	op_pageout(); break;
		case 14:		op_map(true); break;
		case 15: case 16:	op_touch(); break;
		case 17:
			if (nr_regions > 4)
				drop_region(rnd(nr_regions));
			break;
		default:
			if (may_fork)
				op_fork();
			break;
		}
		if (may_exec && !is_child && now_ns() >= next_reexec)
			reexec();
		if (pause_ms) {
			uint64_t ns = rnd(2 * pause_ms * 1000000ULL);
			struct timespec ts = { (time_t)(ns / 1000000000ULL),
					       (long)(ns % 1000000000ULL) };

			nanosleep(&ts, NULL);
		}
	}
	reap(true);
	if (!is_child)
		print_counts();
	return 0;
}
