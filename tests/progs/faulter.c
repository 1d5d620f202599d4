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
 *   touch       write one byte to each page of the region
 *   read        read one byte of each page
 *   pageout     MADV_PAGEOUT the region
 *   mprotect    make the region read-only
 *   munmap      unmap the region
 *   spin        start a thread spinning on CPU 1, this one moves to CPU 0
 *   fork        fork a child that writes the region's first page, prints
 *               "child PID" and sleeps; the parent answers "ok" once the
 *               child has written
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	4096UL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static char line[256];
static char *region;
static unsigned long pages;
static volatile int spinning;

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

/* Stack pages the commands will use, faulted in now. */
static void prefault_stack(void)
{
	volatile char buf[64 * 1024];

	memset((char *)buf, 1, sizeof(buf));
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
