// SPDX-License-Identifier: GPL-2.0
/*
 * faultbench: a page-fault-heavy workload with its own stopwatch, for
 * bench/watchbench (see README.md).
 *
 *   faultbench [-t THREADS] [-m MIB] [--wait]
 *
 * Maps MIB (default 512) of fresh private anonymous memory with
 * MADV_NOHUGEPAGE, so that every 4 KiB page costs one fault, splits it into
 * THREADS (default 1) equal slices, and has one thread per slice write one
 * byte per 4 KiB page of it, in address order. The threads are created, and
 * wait, before the clock starts; the time is CLOCK_MONOTONIC from their
 * release to the last one's end (joined). Prints one line:
 *
 *   faults=N ns=T minflt=D threads=THREADS mib=MIB
 *
 * N: the pages written (the faults expected); D: the process's minflt
 * (getrusage) over the same span, a sanity check (N plus a handful).
 *
 * --wait: once everything is set up (memory mapped, threads waiting),
 * print "pid PID" and "ready" and wait for a line on stdin or SIGUSR1
 * before starting the clock, so an observer can subscribe to the process
 * first. End of file on stdin is not a go: only a line or the signal are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

struct slice {
	pthread_t thread;
	volatile char *start;
	size_t pages;
};

static pthread_barrier_t start_line;
static volatile sig_atomic_t go_signal;

static void usage(void)
{
	fprintf(stderr, "usage: faultbench [-t THREADS] [-m MIB] [--wait]\n");
	exit(2);
}

static void die(const char *what)
{
	fprintf(stderr, "faultbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max)
		usage();
	return v;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void *toucher(void *arg)
{
	struct slice *s = arg;
	size_t i;

	pthread_barrier_wait(&start_line);
	for (i = 0; i < s->pages; i++)
		s->start[i * PAGE] = 1;
	return NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	go_signal = 1;
}

/* Until a line on stdin or SIGUSR1 (blocked but for ppoll(), so none is lost). */
static void wait_for_go(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block, during;
	int stdin_open = 1;
	char buf[256];

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &block, &during))
		die("sigprocmask");
	sigdelset(&during, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");

	printf("pid %d\nready\n", (int)getpid());
	if (fflush(stdout))
		die("stdout");

	while (!go_signal) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int n = ppoll(&p, stdin_open ? 1 : 0, NULL, &during);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll");
		}
		if (n > 0 && p.revents) {
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));

			if (r > 0 && memchr(buf, '\n', (size_t)r))
				break;
			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				stdin_open = 0;	/* EOF or no stdin: the signal only */
		}
	}
	if (sigprocmask(SIG_UNBLOCK, &block, NULL))
		die("sigprocmask");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "mib", required_argument, NULL, 'm' },
		{ "wait", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long threads = 1, mib = 512, i;
	struct rusage before, after;
	struct slice *slices;
	size_t pages, len, done = 0;
	uint64_t t0, t1;
	int wait = 0, c;
	char *mem;

	while ((c = getopt_long(argc, argv, "t:m:wh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			threads = number(optarg, 4096);
			break;
		case 'm':
			mib = number(optarg, 1UL << 20);
			break;
		case 'w':
			wait = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	len = mib << 20;
	pages = len / PAGE;
	if (threads > pages)
		threads = pages;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	if (madvise(mem, len, MADV_NOHUGEPAGE))
		die("madvise(MADV_NOHUGEPAGE)");

	slices = calloc(threads, sizeof(*slices));
	if (!slices)
		die("calloc");
	errno = pthread_barrier_init(&start_line, NULL, (unsigned)threads + 1);
	if (errno)
		die("pthread_barrier_init");
	for (i = 0; i < threads; i++) {
		size_t n = pages / threads + (i < pages % threads);

		slices[i].start = mem + done * PAGE;
		slices[i].pages = n;
		done += n;
		errno = pthread_create(&slices[i].thread, NULL, toucher, &slices[i]);
		if (errno)
			die("pthread_create");
	}

	(void)now_ns();			/* the vDSO's pages, before the clock */
	if (wait)
		wait_for_go();

	if (getrusage(RUSAGE_SELF, &before))
		die("getrusage");
	t0 = now_ns();
	pthread_barrier_wait(&start_line);
	for (i = 0; i < threads; i++) {
		errno = pthread_join(slices[i].thread, NULL);
		if (errno)
			die("pthread_join");
	}
	t1 = now_ns();
	if (getrusage(RUSAGE_SELF, &after))
		die("getrusage");

	printf("faults=%zu ns=%llu minflt=%ld threads=%lu mib=%lu\n", pages,
	       (unsigned long long)(t1 - t0), after.ru_minflt - before.ru_minflt, threads, mib);
	free(slices);
	if (fflush(stdout))
		die("stdout");
	return 0;
}
