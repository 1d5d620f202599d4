// SPDX-License-Identifier: GPL-2.0
/*
 * A process holding page-table entries that are not plain present pages:
 * shmem in swap, a swapped page whose data sits in the swap cache, uffd-wp
 * markers, a hardware-poisoned page, PROT_NONE pages. One scenario per run:
 *
 *   nonpresent shmem|memfd|swapcache [PAGES]
 *   nonpresent uffdwp|hwpoison|protnone|migrate
 *
 * It prints "NAME 0xADDRESS" and facts the tests compare against, then
 * "pid PID" and "ready", then sleeps until killed. A scenario the machine
 * cannot set up is printed as "NAME fail REASON", so a test can skip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/userfaultfd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE		4096UL
#define PFN_MASK	((UINT64_C(1) << 55) - 1)
#define PM_SWAPPED	(UINT64_C(1) << 62)
#define PM_PRESENT	(UINT64_C(1) << 63)

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON	100
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	0	/* headers older than 5.19 */
#endif

static void say(const char *name, const void *p)
{
	printf("%s %p\n", name, p);
}

static void fail(const char *name, const char *why)
{
	printf("%s fail %s\n", name, why);
}

/* "WHAT: strerror(errno)", valid until the next call. */
static const char *err(const char *what)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s: %s", what, strerror(errno));
	return buf;
}

static void *map(size_t len, int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static char *memfd_map(size_t len)
{
	int fd = memfd_create("ptscope-test", 0);
	void *p = MAP_FAILED;

	if (fd >= 0 && !ftruncate(fd, (off_t)len))
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);	/* the mapping keeps the file */
	return p == MAP_FAILED ? NULL : p;
}

/* Pagemap only reads page tables: it never faults a page back in. */
static int pagemap(const void *p, size_t n, uint64_t *out)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	ssize_t want = (ssize_t)(n * sizeof(*out)), got;

	if (fd < 0)
		return -1;
	got = pread(fd, out, want, (off_t)((uintptr_t)p / PAGE * sizeof(*out)));
	close(fd);
	if (got != want) {
		errno = got < 0 ? errno : EIO;
		return -1;
	}
	return 0;
}

/* The Swap: field of the VMA that starts at @p, in kB, or -1. */
static long smaps_swap_kb(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	long kb = -1, v;
	int in = 0;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			if (in)
				break;
			in = s == (uintptr_t)p;
		} else if (in && sscanf(line, "Swap: %ld", &v) == 1) {
			kb = v;
		}
	}
	if (f)
		fclose(f);
	return kb;
}

/* Shared memory, every page written, then pushed out to swap. */
static void shared(const char *name, size_t n)
{
	char *p = strcmp(name, "memfd") ?
		  map(n * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS) :
		  memfd_map(n * PAGE);
	long kb;
	size_t i;

	if (!p)
		return fail(name, strerror(errno));
	for (i = 0; i < n; i++)
		p[i * PAGE] = (char)(i + 1);
	if (madvise(p, n * PAGE, MADV_PAGEOUT))
		return fail(name, err("madvise(MADV_PAGEOUT)"));
	/* Reclaim of shmem may stop short: report how much reached swap. */
	kb = smaps_swap_kb(p);
	if (kb < 0)
		fail("smaps_swap_kb", "no Swap: line for the mapping in smaps");
	else
		printf("smaps_swap_kb %ld\n", kb);
	say(name, p);
	printf("pages %zu\n", n);
}

/*
 * Reads the first @n pages back in. The parent's entries still name the
 * same swap slots, so the pages have to stay in the swap cache.
 */
static void __attribute__((noreturn))
swapcache_child(const char *p, size_t n, pid_t parent, int done)
{
	volatile char sink;
	size_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)	/* died before prctl() took effect */
		_exit(0);
	for (i = 0; i < n; i++)
		sink = p[i * PAGE];
	(void)sink;
	if (write(done, "x", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* Prints mincore() of @n pages: for a swap entry, "is it in swap cache". */
static void print_mincore(char *p, size_t n)
{
	unsigned char *vec = malloc(n);
	char *s = malloc(n + 1);
	size_t i;

	if (!vec || !s || mincore(p, n * PAGE, vec))
		return fail("mincore", strerror(errno));
	for (i = 0; i < n; i++)
		s[i] = vec[i] & 1 ? '1' : '0';
	s[n] = '\0';
	printf("mincore %s\n", s);
}

static void swapcache(size_t n)
{
	char *p = map(n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t *pm = calloc(n, sizeof(*pm));
	char why[64], c;
	int done[2];
	pid_t child, self = getpid();
	size_t i;

	if (!p || !pm)
		return fail("swapcache", strerror(errno));
	madvise(p, n * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < n; i++)
		p[i * PAGE] = (char)(i + 1);
	if (madvise(p, n * PAGE, MADV_PAGEOUT))
		return fail("swapcache", err("madvise(MADV_PAGEOUT)"));
	if (pagemap(p, n, pm))
		return fail("swapcache", err("pagemap"));
	for (i = 0; i < n; i++) {
		if (!(pm[i] & PM_SWAPPED)) {
			snprintf(why, sizeof(why), "the kernel kept page %zu resident", i);
			return fail("swapcache", why);
		}
	}
	say("swapcache", p);
	printf("pages %zu\n", n);
	if (pipe(done))
		return fail("swapcache", err("pipe"));
	fflush(stdout);
	child = fork();
	if (child < 0)
		return fail("swapcache", err("fork"));
	if (!child)
		swapcache_child(p, n / 2, self, done[1]);
	close(done[1]);
	printf("child %d\n", child);
	if (read(done[0], &c, 1) != 1)
		return fail("swapcache", "the child died before reading its pages");
	print_mincore(p, n);
}

static int uffd_open(uint64_t features, const char **why)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK), e = 0;

	/* Without privilege only user-mode faults are allowed: enough here. */
	if (fd < 0 && errno == EPERM)
		fd = syscall(SYS_userfaultfd,
			     O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (fd < 0) {
		*why = err("userfaultfd");
		return -1;
	}
	/* Older kernels refuse an unknown feature; some accept it but clear it. */
	if (ioctl(fd, UFFDIO_API, &api))
		e = errno;
	else if ((api.features & features) != features)
		e = EINVAL;
	if (!e)
		return fd;
	close(fd);
	errno = e;
	*why = features && e == EINVAL ?
	       "the kernel cannot write-protect shmem with userfaultfd" :
	       err("UFFDIO_API");
	return -1;
}

static const char *uffd_wp(int fd, void *p, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)p, .len = len },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		return err("UFFDIO_REGISTER");
	if (ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
		return err("UFFDIO_WRITEPROTECT");
	return NULL;
}

/* Returns the userfaultfd: closing it could unprotect the range. */
static int uffdwp_shmem(void)
{
	char *p = memfd_map(4 * PAGE);
	const char *why = NULL;
	int fd = -1;

	if (!UFFD_FEATURE_WP_HUGETLBFS_SHMEM)
		why = "built with <linux/userfaultfd.h> older than 5.19";
	else if (!p)
		why = err("memfd");
	else
		fd = uffd_open(UFFD_FEATURE_WP_HUGETLBFS_SHMEM, &why);
	if (fd >= 0) {
		memset(p, 0x5a, 4 * PAGE);
		why = uffd_wp(fd, p, 4 * PAGE);
	}
	if (why) {
		fail("uffdwp", why);
		return fd;
	}
	/* The page cache keeps the page; wp-ness survives only as a marker. */
	if (madvise(p + PAGE, PAGE, MADV_DONTNEED))
		fail("marker", err("madvise(MADV_DONTNEED)"));
	else
		say("marker", p + PAGE);
	say("uffdwp", p);
	return fd;
}

static void uffdwp(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	const char *why = NULL;
	int fd = uffdwp_shmem();

	/* Anonymous memory needs no feature: any userfaultfd will do. */
	if (fd < 0)
		fd = uffd_open(0, &why);
	if (fd < 0)
		return fail("uffdwp_anon", why);
	if (!p)
		return fail("uffdwp_anon", strerror(errno));
	p[0] = 3;
	why = uffd_wp(fd, p, PAGE);
	if (why)
		return fail("uffdwp_anon", why);
	say("uffdwp_anon", p);
}

static void hwpoison(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t pm;

	if (!p)
		return fail("hwpoison", strerror(errno));
	madvise(p, PAGE, MADV_NOHUGEPAGE);
	p[0] = 9;
	if (pagemap(p, 1, &pm))
		fail("pfn", err("pagemap"));
	else if (!(pm & PM_PRESENT) || !(pm & PFN_MASK))
		fail("pfn", "pagemap shows PFNs only to CAP_SYS_ADMIN");
	else
		printf("pfn %" PRIu64 "\n", pm & PFN_MASK);
	/* Late kill: SIGBUS comes only on access, and there is none. */
	prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_LATE, 0, 0);
	if (madvise(p, PAGE, MADV_HWPOISON))
		return fail("hwpoison", errno == EPERM ?
			    "needs CAP_SYS_ADMIN and CONFIG_MEMORY_FAILURE" :
			    errno == EINVAL || errno == ENOSYS ?
			    "needs CONFIG_MEMORY_FAILURE" : strerror(errno));
	say("hwpoison", p);
}

static void protnone(void)
{
	char *p = map(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t pm[8];
	int i;

	if (!p)
		return fail("protnone", strerror(errno));
	for (i = 0; i < 8; i++)
		p[i * PAGE] = (char)(i + 1);
	/* Read while the entries are ordinary: what PROT_NONE must hide. */
	if (pagemap(p, 8, pm)) {
		fail("pfns", err("pagemap"));
	} else {
		printf("pfns");
		for (i = 0; i < 8; i++)
			printf(" %" PRIu64, pm[i] & PFN_MASK);
		printf("\n");
	}
	if (mprotect(p, 8 * PAGE, PROT_NONE))
		return fail("protnone", err("mprotect"));
	say("protnone", p);
}

#define MIGRATE_PAGES	512		/* 2 MiB: a THP where the kernel gives one */

static long move(char *p, int node)
{
	void *pages[MIGRATE_PAGES];
	int nodes[MIGRATE_PAGES], status[MIGRATE_PAGES];
	size_t i;

	for (i = 0; i < MIGRATE_PAGES; i++) {
		pages[i] = p + i * PAGE;
		nodes[i] = node;
	}
	return syscall(SYS_move_pages, 0, MIGRATE_PAGES, pages, nodes, status,
		       2 /* MPOL_MF_MOVE */);
}

/*
 * Pages migrating back and forth between nodes 0 and 1, for ever: while
 * one is copied its entries are migration entries, and a walker that
 * looks often enough sees one. Returns only if it cannot start.
 */
static void migrate(void)
{
	size_t len = MIGRATE_PAGES * PAGE;
	char *raw, *p;
	size_t i;
	int node;

	if (access("/sys/devices/system/node/node1", F_OK))
		return fail("migrate", "needs two NUMA nodes (tests/vm/run --numa 2)");
	raw = map(2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (!raw)
		return fail("migrate", err("mmap"));
	p = (char *)(((uintptr_t)raw + len - 1) & ~(uintptr_t)(len - 1));
	madvise(p, len, MADV_HUGEPAGE);
	for (i = 0; i < MIGRATE_PAGES; i++)
		p[i * PAGE] = (char)i;
	if (move(p, 1))
		return fail("migrate", err("move_pages"));
	say("migrate", p);
	printf("pid %d\nready\n", getpid());
	for (node = 0;; node ^= 1)
		move(p, node);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr, "usage: nonpresent shmem|memfd|swapcache [PAGES]\n"
			"       nonpresent uffdwp|hwpoison|protnone|migrate\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *mode;
	size_t n = 0;
	char *end;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2 || argc > 3)
		usage();
	mode = argv[1];
	if (argc == 3) {
		n = strtoul(argv[2], &end, 0);
		if (*end || !n)
			usage();
	}
	if (!strcmp(mode, "shmem") || !strcmp(mode, "memfd"))
		shared(mode, n ? n : 64);
	else if (!strcmp(mode, "swapcache"))
		swapcache(n ? n : 16);
	else if (n)
		usage();
	else if (!strcmp(mode, "uffdwp"))
		uffdwp();
	else if (!strcmp(mode, "hwpoison"))
		hwpoison();
	else if (!strcmp(mode, "protnone"))
		protnone();
	else if (!strcmp(mode, "migrate"))
		migrate();
	else
		usage();
	printf("pid %d\nready\n", getpid());
	for (;;)
		pause();
}
