// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's counts, fed faults whose answers the test knows: pages in
 * every arrangement the table of pages must hold, each fault counted once.
 * A probe that never ends is a hang: an alarm fails the test instead.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../userspace/summary.h"
#include "tap.h"

#define BASE	0x7f0000000000ULL
#define MAPS	"7f0000000000-7f8000000000 rw-p 00000000 00:00 0 \n"

static char *out;
static size_t outlen;

static const char *json(struct ps_summary *s)
{
	FILE *f;

	free(out);
	out = NULL;
	f = open_memstream(&out, &outlen);
	ps_summary_json(s, f);
	fclose(f);
	return out;
}

/* The number after "KEY": in @j, the first one; -1 if absent. */
static long long field(const char *j, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(j, k);
	return p ? strtoll(p + strlen(k), NULL, 10) : -1;
}

/*
 * @n pages @stride bytes apart, each faulted @per times, and one of them
 * (the last) once more: all counted, in the one VMA, the last page on top.
 */
static void pages(const char *what, uint64_t n, uint64_t stride, unsigned int per)
{
	struct ps_summary *s = ps_summary_new();
	uint64_t i, va = 0;
	unsigned int r;
	const char *j, *vma, *top;
	bool charged = true;

	ps_summary_maps(s, 1, MAPS);
	for (r = 0; r < per; r++)
		for (i = 0; i < n; i++) {
			va = BASE + i * stride;
			charged &= ps_summary_fault(s, 1, va, false);
		}
	ps_summary_fault(s, 1, va, true);
	j = json(s);
	vma = strstr(j, "\"faults_per_vma\"");
	top = strstr(j, "\"top_pages\"");
	ok(charged, "%s: every fault in the VMA the maps give", what);
	ok(field(j, "faults") == (long long)(n * per + 1), "%s: %" PRIu64 " faults counted",
	   what, n * per + 1);
	ok(vma && field(vma, "faults") == (long long)(n * per + 1) && field(vma, "major") == 1,
	   "%s: all of them charged to the VMA", what);
	ok(top && field(top, "faults") == per + 1 && field(top, "major") == 1,
	   "%s: the page faulted once more is on top", what);
	ps_summary_free(s);
}

int main(void)
{
	alarm(60);
	/* One page in eight: all of one slot in each line of the table. */
	pages("4096 pages 2 MiB apart", 4096, 2 << 20, 2);
	pages("100000 pages 32 KiB apart", 100000, 32 << 10, 1);
	pages("100000 pages side by side", 100000, 4096, 2);
	pages("3000 pages 12 KiB apart", 3000, 12 << 10, 3);
	free(out);
	return tap_done();
}
