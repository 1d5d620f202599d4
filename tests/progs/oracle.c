// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel says about an address elsewhere than ptscope: the
 * /proc/PID/pagemap entry and the containing VMA's line in smaps.
 *
 *   oracle PID ADDR...   ->  one line per address:
 *   ADDR present=0|1 swapped=0|1 pfn=N kernel_page_kb=N anon_huge_kb=N hugetlb=0|1
 *
 *   oracle --pages PID   ->  every page of every VMA that pagemap reports
 *   present ("VA P PFN") or swapped ("VA S TYPE OFFSET"), VA in decimal;
 *   "VA F" for each page of a VM_PFNMAP VMA, which pagemap cannot see.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int smaps(int pid, uint64_t va, unsigned long *kps, unsigned long *ahp,
		 unsigned long *hugetlb)
{
	char path[64], line[4096];
	int in = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	*kps = *ahp = *hugetlb = 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t s, e;
		unsigned long v;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			if (in)
				break;
			in = va >= s && va < e;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "KernelPageSize: %lu", &v) == 1)
			*kps = v;
		else if (sscanf(line, "AnonHugePages: %lu", &v) == 1)
			*ahp = v;
		else if (sscanf(line, "Private_Hugetlb: %lu", &v) == 1)
			*hugetlb += v;
		else if (sscanf(line, "Shared_Hugetlb: %lu", &v) == 1)
			*hugetlb += v;
	}
	fclose(f);
	return in ? 0 : 1;
}

static int vma_pages(int fd, uint64_t s, uint64_t e, int pfnmap)
{
	uint64_t va, *pm;
	size_t n = (e - s) / 4096, i;

	if (pfnmap) {
		/* The kernel's page walker skips VM_PFNMAP: pagemap is blind here. */
		for (va = s; va < e; va += 4096)
			printf("%" PRIu64 " F\n", va);
		return 0;
	}
	pm = malloc(n * 8);
	if (!pm || pread(fd, pm, n * 8, (off_t)(s / 4096 * 8)) != (ssize_t)(n * 8)) {
		perror("pread");
		return 1;
	}
	for (i = 0, va = s; i < n; i++, va += 4096) {
		uint64_t x = pm[i];

		if (x >> 63)
			printf("%" PRIu64 " P %" PRIu64 "\n", va,
			       (uint64_t)(x & ((1ULL << 55) - 1)));
		else if ((x >> 62) & 1)
			printf("%" PRIu64 " S %" PRIu64 " %" PRIu64 "\n", va,
			       (uint64_t)(x & 31), (uint64_t)((x >> 5) & ((1ULL << 50) - 1)));
	}
	free(pm);
	return 0;
}

/*
 * Pages pagemap reports present or swapped, VMA by VMA (one pread each);
 * VMAs pagemap cannot see (VM_PFNMAP, "pf" in smaps' VmFlags) as "VA F".
 */
static int all_pages(int pid)
{
	char path[64], line[4096 + 256];
	uint64_t s = 0, e = 0;
	int fd, in = 0;
	FILE *smaps;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	smaps = fopen(path, "r");
	if (fd < 0 || !smaps) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), smaps)) {
		uint64_t a, b;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " ", &a, &b) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			s = a;
			e = b;
			in = !strstr(line, "[vsyscall]");
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			if (vma_pages(fd, s, e, strstr(line, " pf") != NULL))
				return 1;
			in = 0;
		}
	}
	fclose(smaps);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	char path[64];
	int pid, fd, i;

	if (argc == 3 && !strcmp(argv[1], "--pages"))
		return all_pages(atoi(argv[2]));

	if (argc < 3) {
		fprintf(stderr, "usage: oracle PID ADDR...\n");
		return 2;
	}
	pid = atoi(argv[1]);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		uint64_t va = strtoull(argv[i], NULL, 0), e;
		unsigned long kps = 0, ahp = 0, htlb = 0;

		if (pread(fd, &e, 8, (off_t)(va / 4096 * 8)) != 8) {
			perror("pread");
			return 1;
		}
		smaps(pid, va, &kps, &ahp, &htlb);
		printf("0x%" PRIx64 " present=%d swapped=%d pfn=%" PRIu64
		       " uffd_wp=%d kernel_page_kb=%lu anon_huge_kb=%lu hugetlb_kb=%lu\n",
		       va, (int)(e >> 63), (int)((e >> 62) & 1),
		       (uint64_t)((e >> 63) ? e & ((1ULL << 55) - 1) : 0),
		       (int)((e >> 57) & 1), kps, ahp, htlb);
	}
	return 0;
}
