// SPDX-License-Identifier: GPL-2.0
/*
 * A process with one of each kind of mapping the tests translate. It
 * prints "NAME 0xADDRESS" for each, then "ready", then sleeps until killed.
 * A mapping the machine cannot provide is printed as "NAME fail REASON",
 * so a test can skip with the reason instead of guessing.
 *
 * SIGUSR1 sent with sigqueue() (tests/progs/sigpoke) writes one byte at
 * the address it carries, if that is in the "untouched" mapping: a fault
 * of the target's own, made on request by whoever may signal it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mman.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PAGE	4096UL
#define MB	(1024UL * 1024)

static char data_var[PAGE] = { 1 };	/* .data */
static char bss_var[PAGE];		/* .bss */

static void say(const char *name, const void *p)
{
	printf("%s %p\n", name, p);
}

static void fail(const char *name, const char *why)
{
	printf("%s fail %s\n", name, why);
}

static void *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void anon4k(void)
{
	char *p = map(16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	size_t i;

	if (!p)
		return fail("anon4k", strerror(errno));
	madvise(p, 16 * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < 16; i++)
		p[i * PAGE] = (char)i;
	say("anon4k", p);
	say("anon4k_last", p + 15 * PAGE + 123);
}

static void file_ro(void)
{
	char path[] = "/tmp/ptscope-target-XXXXXX", buf[PAGE];
	int fd = mkstemp(path);
	volatile char sink;
	char *p;
	int i;

	if (fd < 0)
		return fail("file_ro", strerror(errno));
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < 4; i++)
		if (write(fd, buf, sizeof(buf)) != sizeof(buf))
			return fail("file_ro", "write");
	p = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	unlink(path);
	close(fd);
	if (p == MAP_FAILED)
		return fail("file_ro", strerror(errno));
	for (i = 0; i < 4; i++)
		sink = p[i * PAGE];
	(void)sink;
	say("file_ro", p + PAGE);
}

/* A 2 MiB-aligned stretch inside a bigger anonymous mapping. */
static char *aligned(size_t len, size_t align)
{
	char *p = map(len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	if (!p)
		return NULL;
	return (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

static void thp(void)
{
	char *p = aligned(2 * MB, 2 * MB);

	if (!p)
		return fail("thp", strerror(errno));
	if (madvise(p, 2 * MB, MADV_HUGEPAGE))
		return fail("thp", "madvise(MADV_HUGEPAGE) failed");
	memset(p, 0x5a, 2 * MB);
	say("thp", p + 0x12345);
}

static void hugetlb(const char *name, size_t len, int size_flag)
{
	char *p = map(len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | size_flag);

	if (!p)
		return fail(name, strerror(errno));
	p[0] = 1;
	p[len - 1] = 2;
	say(name, p + len / 2 + 0x1234);
}

static char *untouched_base;
#define UNTOUCHED_LEN	(64 * PAGE)

static void poke(int sig, siginfo_t *si, void *uc)
{
	char *p = si->si_value.sival_ptr;

	(void)sig;
	(void)uc;
	if (si->si_code == SI_QUEUE && untouched_base && p >= untouched_base &&
	    p < untouched_base + UNTOUCHED_LEN)
		*(volatile char *)p = 1;
}

/* The stack the signal frame and handler will use, faulted in now. */
static void __attribute__((noinline)) prefault_stack(void)
{
	volatile char buf[64 * 1024];

	memset((char *)buf, 1, sizeof(buf));
}

static void untouched(void)
{
	char *p = map(UNTOUCHED_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	if (!p)
		return fail("untouched", strerror(errno));
	untouched_base = p;
	madvise(p, UNTOUCHED_LEN, MADV_NOHUGEPAGE);
	say("untouched", p + 17 * PAGE);
}

static void protnone(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);

	if (!p)
		return fail("protnone", strerror(errno));
	p[0] = 7;
	if (mprotect(p, PAGE, PROT_NONE))
		return fail("protnone", strerror(errno));
	say("protnone", p);
}

/*
 * Written pages pushed out to swap with MADV_PAGEOUT (5.4+), if the machine
 * has swap; tests/vm/run --swap gives it zram.
 */
static void swapped(void)
{
	char *p = map(64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int areas = -1;	/* the header line */
	size_t i;

	while (f && fgets(line, sizeof(line), f))
		areas++;
	if (f)
		fclose(f);
	if (areas <= 0)
		return fail("swapped", "no swap area (tests/vm/run --swap SIZE)");
	if (!p)
		return fail("swapped", strerror(errno));
	/*
	 * No MADV_NOHUGEPAGE here: 256 KiB cannot hold a THP anyway, and
	 * different flags keep this VMA from merging with "untouched".
	 */
	for (i = 0; i < 64; i++)
		memset(p + i * PAGE, (int)i + 1, PAGE);
	if (madvise(p, 64 * PAGE, 21 /* MADV_PAGEOUT */))
		return fail("swapped", strerror(errno));
	say("swapped", p);
}

static void unmapped(void)
{
	char *p = map(PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);

	if (!p)
		return fail("unmapped", strerror(errno));
	munmap(p, PAGE);
	say("unmapped", p);
}

/* A 2 MiB-aligned region of @mb MiB in 4 KiB pages, every page written. */
static void big(size_t mb)
{
	char *p = aligned(mb * MB, 2 * MB);
	size_t i;

	if (!p)
		return fail("big", strerror(errno));
	madvise(p, mb * MB, MADV_NOHUGEPAGE);
	for (i = 0; i < mb * MB; i += PAGE)
		p[i] = 1;
	say("big", p);
}

/* Keep changing the address space: for dumps that must survive it. */
static void churn(void)
{
	unsigned int seed = 1;
	char *keep[64] = { 0 };

	for (;;) {
		unsigned int i = rand_r(&seed) % 64;
		size_t len = (1 + rand_r(&seed) % 64) * PAGE;

		if (keep[i]) {
			munmap(keep[i], 64 * PAGE);
			keep[i] = NULL;
		} else {
			keep[i] = map(64 * PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS);
			if (keep[i]) {
				memset(keep[i], 1, len);
				mprotect(keep[i], len / 2, PROT_READ);
			}
		}
	}
}

static void layout(void)
{
	char *heap = malloc(64);
	char local = 1;

	data_var[1] = 2;
	bss_var[1] = 3;
	say("text", (void *)layout);
	say("data", data_var);
	say("bss", bss_var);
	say("heap", heap);
	say("stack", &local);
}

int main(int argc, char **argv)
{
	int i, want_1g = 1, want_churn = 0;
	size_t big_mb = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--nondumpable"))
			prctl(PR_SET_DUMPABLE, 0);
		else if (!strcmp(argv[i], "--no-1g"))
			want_1g = 0;
		else if (!strcmp(argv[i], "--churn"))
			want_churn = 1;
		else if (!strcmp(argv[i], "--big") && i + 1 < argc)
			big_mb = strtoul(argv[++i], NULL, 0);
	}
	layout();
	anon4k();
	file_ro();
	thp();
	hugetlb("huge2m", 2 * MB, MAP_HUGE_2MB);
	if (want_1g)
		hugetlb("huge1g", 1024 * MB, MAP_HUGE_1GB);
	untouched();
	protnone();
	swapped();
	unmapped();
	if (big_mb)
		big(big_mb);
	{
		struct sigaction sa = { .sa_sigaction = poke, .sa_flags = SA_SIGINFO };

		sigaction(SIGUSR1, &sa, NULL);
	}
	prefault_stack();
	printf("pid %d\nready\n", getpid());
	if (want_churn)
		churn();
	for (;;)
		pause();
}
