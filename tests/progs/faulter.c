// SPDX-License-Identifier: GPL-2.0
/*
 * A process that makes page faults, swap traffic and TLB flushes on
 * command, for the tests of `ptscope watch`.
 *
 *   faulter FIFO
 *
 * It prints "pid PID" and "ready", then reads commands from FIFO, one per
 * line, "ID WORD [ARG]", and answers each with facts and then "ok ID":
 *
 *   map N       map N fresh anonymous pages (no THP): "region 0xADDR N"
 *   mapalone    map 2 MiB aligned, alone in the range one page table covers,
 *               so unmapping it frees that table: "region 0xADDR 512"
 *   touch       write one byte to each page of the region
 *   read        read one byte of each page
 *   pageout     MADV_PAGEOUT the region
 *   mprotect    make the region read-only
 *   munmap      unmap the region
 *   spin        start a thread spinning on CPU 1, this one moves to CPU 0
 *   pin C       move to CPU C
 *   pageoutof PID:0xADDR:N
 *               MADV_PAGEOUT another process's N pages at ADDR
 *               (process_madvise), then at once, with nothing between that
 *               could block, flip the region read-only, or back to
 *               read-write: "flipped ro" or "flipped rw"
 *   storm S     for S seconds, over and over: map 256 pages, write each,
 *               unmap them (a steady stream of faults, unmaps and flushes)
 *   fork        fork a child that writes the region's first page, prints
 *               "child PID" and sleeps; the parent answers "ok" once the
 *               child has written
 *   segv        read an address no VMA holds: "segv 0xADDR" once SIGSEGV
 *               came (and was caught)
 *   sigbus      read a shared file page beyond the file's end: "sigbus
 *               0xADDR" once SIGBUS came
 *   exec PATH   exec PATH (no answer)
 *   exit        exit(0)
 *
 * Everything it needs later is touched up front (stack, buffers), so a
 * command makes no page faults but its own: the tests count them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096UL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise	440
#endif

static char line[256];
static char *region;
static unsigned long pages;
static volatile int spinning;
static sigjmp_buf caught;

#define HPAGE	(2UL << 20)

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void *spin(void *arg)
{
	(void)arg;
	pin(1);
	spinning = 1;
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void on_signal(int sig)
{
	siglongjmp(caught, sig);
}

/* Read @addr, which must raise @sig; the handler brings us back. */
static void provoke(const char *what, volatile char *addr, int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(sig, &sa, NULL);
	if (!sigsetjmp(caught, 1)) {
		(void)*addr;
		printf("error %s: no signal\n", what);
		return;
	}
	signal(sig, SIG_DFL);
	printf("%s %p\n", what, (void *)addr);
}

static void map_alone(void)
{
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *start;

	if (p == MAP_FAILED)
		die("mmap");
	start = (char *)(((unsigned long)p + HPAGE - 1) & ~(HPAGE - 1));
	/* Nothing else in start's 2 MiB: the head and tail go. */
	if ((start > p && munmap(p, start - p)) ||
	    munmap(start + HPAGE, p + 2 * HPAGE - (start + HPAGE)))
		die("munmap");
	madvise(start, HPAGE, MADV_NOHUGEPAGE);
	region = start;
	pages = HPAGE / PAGE;
	printf("region %p %lu\n", (void *)region, pages);
}

static void beyond_eof(void)
{
	int fd = memfd_create("faulter", 0);
	char *p;

	if (fd < 0 || ftruncate(fd, PAGE))
		die("memfd");
	p = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	provoke("sigbus", p + PAGE, SIGBUS);
}

static void unmapped(void)
{
	/* Reserve a page and give it back: nothing is mapped there now. */
	char *p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, PAGE))
		die("mmap");
	provoke("segv", p, SIGSEGV);
}

static void storm(double seconds)
{
	struct timespec t0, t;
	char *p;
	unsigned long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		p = mmap(NULL, 256 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		madvise(p, 256 * PAGE, MADV_NOHUGEPAGE);
		for (i = 0; i < 256; i++)
			p[i * PAGE] = 1;
		munmap(p, 256 * PAGE);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 <
		 seconds);
}

/* Stack pages the commands will use, faulted in now. */
static void prefault_stack(void)
{
	volatile char buf[64 * 1024];

	memset((char *)buf, 1, sizeof(buf));
}

/*
 * The reclaim's flush of the other process's mm sends IPIs from this
 * task; its own mprotect() flush right after, of an mm no other CPU has
 * loaded, sends none.
 */
static void pageout_of(const char *arg)
{
	static int prot = PROT_READ | PROT_WRITE;
	unsigned long addr, n;
	struct iovec iov;
	int pid, pidfd;

	if (sscanf(arg, "%d:%lx:%lu", &pid, &addr, &n) != 3) {
		errno = EINVAL;
		die("pageoutof");
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		die("pidfd_open");
	iov.iov_base = (void *)addr;
	iov.iov_len = n * PAGE;
	prot ^= PROT_WRITE;
	if (syscall(SYS_process_madvise, pidfd, &iov, 1UL, MADV_PAGEOUT, 0U) < 0)
		die("process_madvise");
	if (mprotect(region, pages * PAGE, prot))
		die("mprotect");
	close(pidfd);
	printf("flipped %s\n", prot & PROT_WRITE ? "rw" : "ro");
}

static int do_fork(int fifo)
{
	int pipefd[2];
	char c;
	pid_t pid;

	if (pipe(pipefd))
		die("pipe");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(fifo);
		region[0] = 2;			/* the copy-on-write fault */
		printf("child %d\n", getpid());
		fflush(stdout);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(pipefd[0], &c, 1) != 1)
		die("read");
	close(pipefd[0]);
	close(pipefd[1]);
	return 0;
}

static void command(int fifo, const char *id, const char *word, const char *arg)
{
	unsigned long i;
	volatile char sink;

	if (!strcmp(word, "map")) {
		pages = strtoul(arg, NULL, 0);
		region = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED)
			die("mmap");
		madvise(region, pages * PAGE, MADV_NOHUGEPAGE);
		printf("region %p %lu\n", (void *)region, pages);
	} else if (!strcmp(word, "mapalone")) {
		map_alone();
	} else if (!strcmp(word, "segv")) {
		unmapped();
	} else if (!strcmp(word, "sigbus")) {
		beyond_eof();
	} else if (!strcmp(word, "touch")) {
		for (i = 0; i < pages; i++)
			region[i * PAGE] = 1;
	} else if (!strcmp(word, "read")) {
		for (i = 0; i < pages; i++)
			sink = region[i * PAGE];
		(void)sink;
	} else if (!strcmp(word, "pageout")) {
		if (madvise(region, pages * PAGE, MADV_PAGEOUT))
			die("madvise");
	} else if (!strcmp(word, "mprotect")) {
		if (mprotect(region, pages * PAGE, PROT_READ))
			die("mprotect");
	} else if (!strcmp(word, "munmap")) {
		if (munmap(region, pages * PAGE))
			die("munmap");
	} else if (!strcmp(word, "spin")) {
		pthread_t t;

		pin(0);
		if (pthread_create(&t, NULL, spin, NULL))
			die("pthread_create");
		while (!spinning)
			;
	} else if (!strcmp(word, "pin")) {
		pin(atoi(arg));
	} else if (!strcmp(word, "pageoutof")) {
		pageout_of(arg);
	} else if (!strcmp(word, "storm")) {
		storm(strtod(arg, NULL));
	} else if (!strcmp(word, "fork")) {
		do_fork(fifo);
	} else if (!strcmp(word, "exec")) {
		execl(arg, arg, (char *)NULL);
		die("exec");
	} else if (!strcmp(word, "exit")) {
		exit(0);
	} else {
		printf("error unknown command %s\n", word);
	}
	printf("ok %s\n", id);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	FILE *in;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: faulter FIFO\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);	/* never EOF: we hold a writer */
	if (fd < 0)
		die("open");
	in = fdopen(fd, "r");
	setvbuf(in, NULL, _IONBF, 0);	/* no buffer to fault in later */
	prefault_stack();
	memset(line, 0, sizeof(line));
	printf("pid %d\nready\n", getpid());
	fflush(stdout);
	while (fgets(line, sizeof(line), in)) {
		char id[32], word[32], arg[200] = "";

		if (sscanf(line, "%31s %31s %199s", id, word, arg) < 2)
			continue;
		command(fd, id, word, arg);
	}
	return 0;
}
