// SPDX-License-Identifier: GPL-2.0
/*
 * lab.c - a small process to look at with ptscope, for docs/labs/.
 *
 * Compile it yourself:   cc -O0 -o lab docs/labs/lab.c
 *
 * One program, two roles:
 *
 *   ./lab serve &        the process you study: it prints its pid, then
 *                        sits and waits for orders (it makes no page
 *                        faults of its own while it waits)
 *   ./lab ORDER [ARG]    a messenger: gives ORDER to the waiting process,
 *                        waits until it has been carried out, and prints
 *                        the answer (usually an address) -- so you can write
 *                        R=$(./lab map 16)   and use $R in ptscope commands.
 *
 * To run two studied processes at once, name them:  ./lab @a serve &
 * and  ./lab @a ORDER.  (The default name is "lab".)
 *
 * Orders (the studied process carries them out on its memory):
 *
 *   map N      mmap N pages of anonymous memory, touch nothing; prints the
 *              address (4 KiB pages only: transparent huge pages are refused)
 *   touch [K]  write one byte into each page of the last region (with K,
 *              into every K-th page only: pages 0, K, 2K, ...)
 *   read       read one byte of each page of the last region
 *   protect [I] mprotect the region read-only (with I, only its page I)
 *   unmap      munmap the region
 *   pageout    madvise(MADV_PAGEOUT): ask the kernel to swap the region out
 *   fixed      map one page at the fixed address 0x100000000000 (16 TiB)
 *              and write this process's pid into it; prints the address
 *   fork       fork a child that shares everything; prints its pid
 *   childwrite the child writes one byte into the region's first page
 *   thp N      N MiB of anonymous memory asking for transparent huge pages
 *              (MADV_HUGEPAGE), written; prints a 2 MiB aligned address
 *   huge1g     one 1 GiB hugetlb page (MAP_HUGETLB | MAP_HUGE_1GB), written;
 *              prints its address, or "fail ..." if the system has none
 *   spin       start a second thread that spins on CPU 1 (this one moves to
 *              CPU 0): the address space is then live on two CPUs
 *   thread     start a second thread that just sleeps (its stack has a guard
 *              page below it); prints the thread stack's lowest address
 *   layout     print where things are: code, data, bss, heap, mmap, stack
 *   segs       print the segment registers (x86-64): selectors, the FS and
 *              GS bases, and a thread-local variable reached through FS
 *   pid        print the pid of the studied process
 *   quit       end it
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mman.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE		4096UL
#define MiB		(1024UL * 1024)
#define FIXED_ADDR	((void *)0x100000000000UL)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

int initialised = 42;		/* lives in .data: it has a value in the file */
int zeroed;			/* lives in .bss: only its size is in the file */
__thread int per_thread = 1234;	/* one per thread, found through FS */

static char *region;		/* the last region "map" made */
static unsigned long pages;	/* its size in pages */
static pid_t child;		/* the child "fork" made */
static int child_pipe[2];	/* the parent tells the child to write */
static int child_done[2];	/* the child says it has written */
static volatile int spinning;
static const char *quit_path;	/* the order pipe, removed on quit */

/* Where the orders come in: /tmp/lab-UID-NAME, a named pipe. */
static void order_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "/tmp/lab-%u-%s", (unsigned)getuid(), name);
}

static void *spin(void *arg)
{
	cpu_set_t cpus;

	(void)arg;
	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	spinning = 1;
	for (;;)		/* burn CPU 1, with this address space loaded */
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

#ifdef __x86_64__
#include <asm/prctl.h>

/* A segment register's selector: which descriptor of the GDT it names. */
#define SELECTOR(reg) ({ unsigned short s_; __asm__ volatile("mov %%" #reg ", %0" : "=r"(s_)); s_; })

static void segs(FILE *out)
{
	unsigned long fs_base = 0, gs_base = 0;
	long off;
	int via_fs;

	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_base);
	fprintf(out, "cs      0x%x\n", SELECTOR(cs));
	fprintf(out, "ss      0x%x\n", SELECTOR(ss));
	fprintf(out, "ds      0x%x\n", SELECTOR(ds));
	fprintf(out, "es      0x%x\n", SELECTOR(es));
	fprintf(out, "fs      0x%x\n", SELECTOR(fs));
	fprintf(out, "gs      0x%x\n", SELECTOR(gs));
	fprintf(out, "fs_base 0x%lx\n", fs_base);
	fprintf(out, "gs_base 0x%lx\n", gs_base);
	/* The same int, once by its address and once as %fs:offset. */
	off = (long)((unsigned long)&per_thread - fs_base);
	__asm__ volatile("movl %%fs:(%1), %0" : "=r"(via_fs) : "r"(off));
	fprintf(out, "tls     %p  (fs_base %s 0x%lx)\n", (void *)&per_thread,
		off < 0 ? "-" : "+", off < 0 ? -(unsigned long)off : (unsigned long)off);
	fprintf(out, "fs:%ld reads %d, the int at %p holds %d\n", off, via_fs,
		(void *)&per_thread, per_thread);
}
#else
static void segs(FILE *out)
{
	fprintf(out, "fail segment registers are x86-64 only\n");
}
#endif

/* Carry out one order; the answer goes to "out". */
static void carry_out(FILE *out, const char *order, const char *arg)
{
	unsigned long i;
	volatile char sink;

	if (!strcmp(order, "map")) {
		pages = strtoul(arg, NULL, 0);
		region = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		madvise(region, pages * PAGE, MADV_NOHUGEPAGE);
		fprintf(out, "%p\n", (void *)region);
	} else if (!strcmp(order, "touch")) {
		unsigned long step = *arg ? strtoul(arg, NULL, 0) : 1;

		for (i = 0; i < pages; i += step ? step : 1)
			region[i * PAGE] = 1;		/* a write: one fault per page */
	} else if (!strcmp(order, "read")) {
		for (i = 0; i < pages; i++)
			sink = region[i * PAGE];	/* a read */
		(void)sink;
	} else if (!strcmp(order, "protect")) {
		char *start = region;
		unsigned long len = pages * PAGE;

		if (*arg) {
			start = region + strtoul(arg, NULL, 0) * PAGE;
			len = PAGE;
		}
		if (mprotect(start, len, PROT_READ))
			fprintf(out, "fail %s\n", strerror(errno));
	} else if (!strcmp(order, "unmap")) {
		if (munmap(region, pages * PAGE))
			fprintf(out, "fail %s\n", strerror(errno));
	} else if (!strcmp(order, "pageout")) {
		if (madvise(region, pages * PAGE, MADV_PAGEOUT))
			fprintf(out, "fail %s\n", strerror(errno));
	} else if (!strcmp(order, "fixed")) {
		int *p = mmap(FIXED_ADDR, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == MAP_FAILED) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		*p = getpid();			/* each process writes its own pid */
		fprintf(out, "%p\n", (void *)p);
	} else if (!strcmp(order, "fork")) {
		char c;

		if (pipe(child_pipe) || pipe(child_done)) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		child = fork();
		if (child == 0) {
			/* The child: wait for "childwrite", then write. */
			close(fileno(out));	/* the answer is the parent's */
			if (read(child_pipe[0], &c, 1) == 1)
				region[0] = 2;	/* the copy-on-write fault */
			if (write(child_done[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		fprintf(out, "%d\n", (int)child);
	} else if (!strcmp(order, "childwrite")) {
		char c;

		if (write(child_pipe[1], "x", 1) != 1 ||
		    read(child_done[0], &c, 1) != 1)
			fprintf(out, "fail no child\n");
	} else if (!strcmp(order, "thp")) {
		unsigned long len = strtoul(arg, NULL, 0) * MiB;
		char *p = mmap(NULL, len + 2 * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		/* Start on a 2 MiB boundary, so whole 2 MiB pages fit. */
		p = (char *)(((unsigned long)p + 2 * MiB - 1) & ~(2 * MiB - 1));
		if (madvise(p, len, MADV_HUGEPAGE)) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		for (i = 0; i < len; i += PAGE)
			p[i] = 1;
		fprintf(out, "%p\n", (void *)p);
	} else if (!strcmp(order, "huge1g")) {
		char *p = mmap(NULL, 1024 * MiB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB,
			       -1, 0);

		if (p == MAP_FAILED) {
			fprintf(out, "fail %s\n", strerror(errno));
			return;
		}
		p[0] = 1;			/* one fault maps the whole GiB */
		fprintf(out, "%p\n", (void *)p);
	} else if (!strcmp(order, "spin")) {
		pthread_t t;
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
		pthread_create(&t, NULL, spin, NULL);
		while (!spinning)
			usleep(1000);
	} else if (!strcmp(order, "thread")) {
		pthread_t t;
		pthread_attr_t attr;
		void *stack_addr;
		size_t stack_size;

		pthread_create(&t, NULL, sleeper, NULL);
		pthread_getattr_np(t, &attr);
		pthread_attr_getstack(&attr, &stack_addr, &stack_size);
		fprintf(out, "%p\n", stack_addr);
	} else if (!strcmp(order, "layout")) {
		static char *heap;
		static char *anon;
		int on_stack = 0;

		if (!heap)
			heap = malloc(100);	/* small: from the heap (brk) */
		if (!anon)
			anon = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		fprintf(out, "code  %p\n", (void *)carry_out);
		fprintf(out, "data  %p\n", (void *)&initialised);
		fprintf(out, "bss   %p\n", (void *)&zeroed);
		fprintf(out, "heap  %p\n", (void *)heap);
		fprintf(out, "mmap  %p\n", (void *)anon);
		fprintf(out, "stack %p\n", (void *)&on_stack);
	} else if (!strcmp(order, "segs")) {
		segs(out);
	} else if (!strcmp(order, "pid")) {
		fprintf(out, "%d\n", (int)getpid());
	} else if (!strcmp(order, "quit")) {
		if (child > 0)
			kill(child, SIGKILL);
		unlink(quit_path);
		fclose(out);
		exit(0);
	} else {
		fprintf(out, "fail unknown order %s (see the top of lab.c)\n", order);
	}
}

/* The studied process: wait for orders, one per line: "ORDER ARG REPLYPIPE". */
static int serve(const char *path)
{
	char line[512], order[64], arg[64], reply[256];
	volatile char stack[64 * 1024];
	FILE *in, *out;

	/* Fault in the stack we will use now, so that later faults are the orders'. */
	memset((char *)stack, 0, sizeof(stack));
	quit_path = path;
	unlink(path);
	if (mkfifo(path, 0600)) {
		perror(path);
		return 1;
	}
	fprintf(stderr, "lab: pid %d, waiting for orders on %s\n", (int)getpid(), path);
	for (;;) {
		in = fopen(path, "r");		/* blocks until a messenger comes */
		if (!in)
			return 1;
		while (fgets(line, sizeof(line), in)) {
			arg[0] = 0;
			if (sscanf(line, "%63s %255s %63s", order, reply, arg) < 2)
				continue;
			out = fopen(reply, "w");
			if (!out)
				continue;
			carry_out(out, order, arg);
			fclose(out);		/* the messenger now knows it is done */
		}
		fclose(in);
	}
}

/* The messenger: pass one order on and print the answer. */
static int order(const char *path, const char *what, const char *arg)
{
	char reply[256], line[256];
	FILE *in, *out;
	int fd = -1, tries;

	snprintf(reply, sizeof(reply), "%s.reply-%d", path, (int)getpid());
	if (mkfifo(reply, 0600)) {
		perror(reply);
		return 1;
	}
	/* No O_CREAT: the pipe must exist; O_NONBLOCK: fail if nobody reads it. */
	for (tries = 0; tries < 50; tries++) {
		fd = open(path, O_WRONLY | O_NONBLOCK);
		if (fd >= 0 || (errno != ENXIO && errno != ENOENT))
			break;
		usleep(100000);			/* not started yet, or between two orders */
	}
	if (fd >= 0)
		fcntl(fd, F_SETFL, 0);
	out = fd < 0 ? NULL : fdopen(fd, "w");
	if (!out) {
		fprintf(stderr, "lab: nobody is waiting on %s: start  ./lab serve &  first\n", path);
		unlink(reply);
		return 1;
	}
	fprintf(out, "%s %s %s\n", what, reply, arg ? arg : "");
	fclose(out);
	in = fopen(reply, "r");			/* opens once the order is taken */
	unlink(reply);
	if (!in)
		return 1;
	while (fgets(line, sizeof(line), in))
		fputs(line, stdout);
	fclose(in);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = "lab";
	char path[256];

	if (argc > 1 && argv[1][0] == '@') {
		name = argv[1] + 1;
		argc--;
		argv++;
	}
	order_path(path, sizeof(path), name);
	if (argc < 2) {
		fprintf(stderr, "usage: ./lab [@NAME] serve | ./lab [@NAME] ORDER [ARG]\n");
		return 2;
	}
	if (!strcmp(argv[1], "serve"))
		return serve(path);
	return order(path, argv[1], argc > 2 ? argv[2] : NULL);
}
