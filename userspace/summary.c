// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "event.h"
#include "json.h"
#include "summary.h"
#include "term.h"

#define PAGE_MASK	(~0xfffULL)
#define PENDING		(-1)	/* page.bucket: no VMA known yet */

struct bucket {			/* one VMA's tally */
	uint32_t pid;
	uint64_t start, end;
	char *name;
	uint64_t faults, major;
};

struct snap {			/* one VMA of the last maps */
	uint64_t start, end;
	uint32_t bucket;
};

struct proc {
	uint32_t pid, gen;	/* gen: exec()s so far, part of a page's key */
	struct snap *v;
	size_t n;
};

struct page {
	uint64_t va;
	uint32_t pid, gen;
	uint64_t faults, major;	/* all of them, for the ranking */
	int32_t bucket;		/* the VMA last charged, or PENDING */
	uint32_t pend;		/* its entry in the pending list + 1, or 0 */
};

/*
 * Faults on a page whose VMA is not known yet (the maps are re-read). Kept
 * apart from struct page, which is what a watch of many pages is made of.
 */
struct pend {
	uint32_t page;
	uint64_t faults, major;
};

struct slot {
	uint32_t idx, tag;
};

struct ps_summary {
	struct bucket *b;
	size_t nb, capb;
	struct proc *p;		/* sorted by pid */
	size_t np, capp;
	struct page *pg;
	size_t npg, cappg;
	struct slot *hash;	/* see page_hash() */
	size_t hash_size;
	struct pend *pending;
	size_t npending, cappending;
	uint64_t unknown, unknown_major;	/* charged to no VMA for good */
	uint64_t untracked;	/* faults on pages beyond PS_SUMMARY_MAX_PAGES */
	uint64_t faults;
	bool has_counts;
	struct ptscope_counts counts;
};

/* @a with room for @need elements of @size bytes, or NULL (@a left as it was). */
static void *reserve(void *a, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *m;

	if (need <= *cap)
		return a;
	while (n < need)
		n *= 2;
	m = realloc(a, n * size);
	if (m)
		*cap = n;
	return m;
}

struct ps_summary *ps_summary_new(void)
{
	return calloc(1, sizeof(struct ps_summary));
}

void ps_summary_free(struct ps_summary *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nb; i++)
		free(s->b[i].name);
	for (i = 0; i < s->np; i++)
		free(s->p[i].v);
	free(s->b);
	free(s->p);
	free(s->pg);
	free(s->hash);
	free(s->pending);
	free(s);
}

static struct proc *find_proc(struct ps_summary *s, uint32_t pid, bool add)
{
	size_t lo = 0, hi = s->np;
	struct proc *m;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->p[mid].pid == pid)
			return &s->p[mid];
		if (s->p[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!add)
		return NULL;
	m = reserve(s->p, &s->capp, s->np + 1, sizeof(*s->p));
	if (!m)
		return NULL;
	s->p = m;
	memmove(&s->p[lo + 1], &s->p[lo], (s->np - lo) * sizeof(*s->p));
	memset(&s->p[lo], 0, sizeof(*s->p));
	s->p[lo].pid = pid;
	s->np++;
	return &s->p[lo];
}

/* The bucket of the VMA holding @va, or -1. */
static int32_t find_vma(const struct proc *p, uint64_t va)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (va < p->v[mid].start)
			hi = mid;
		else if (va >= p->v[mid].end)
			lo = mid + 1;
		else
			return (int32_t)p->v[mid].bucket;
	}
	return -1;
}

/*
 * The table of pages: open addressing, linear probing, at most half full,
 * so that every probe meets a free slot. A slot holds a page's index + 1
 * (0: free) and a tag, other bits of the page's hash, so that a probe
 * reads a page's record only when the tag matches. The eight pages of an
 * aligned 32 KiB share a hash and start from one cache line of the table,
 * slot by low address bits: faults come in address order more often than
 * not, and then one line serves eight of them.
 *
 * Probes step one slot at a time. Stepping a line at a time, to keep
 * those bits, confined a page to the eighth of the table its bits chose:
 * faults all at 32 KiB-aligned addresses (THPs, the first pages of
 * aligned regions) filled that eighth while the table was far from half
 * full, and the next probe never ended.
 */
#define GROUP_SHIFT	3
#define GROUP		(1U << GROUP_SHIFT)

static uint64_t page_hash(uint32_t pid, uint32_t gen, uint64_t va)
{
	uint64_t h = (va >> (12 + GROUP_SHIFT)) * 0x9e3779b97f4a7c15ULL;

	h ^= ((uint64_t)pid << 32 | gen) * 0xc2b2ae3d27d4eb4fULL;
	return h ^ (h >> 29);
}

static size_t page_slot(uint64_t h, uint64_t va, size_t size)
{
	return ((h << GROUP_SHIFT) + ((va >> 12) & (GROUP - 1))) & (size - 1);
}

static uint32_t page_tag(uint64_t h, uint64_t va)
{
	return (uint32_t)(h >> 32) ^ (uint32_t)(va >> 12);
}

static bool rehash(struct ps_summary *s, size_t size)
{
	struct slot *t = calloc(size, sizeof(*t));
	size_t i;

	if (!t)
		return false;
	for (i = 0; i < s->npg; i++) {
		const struct page *pg = &s->pg[i];
		uint64_t h = page_hash(pg->pid, pg->gen, pg->va);
		size_t k = page_slot(h, pg->va, size);

		while (t[k].idx)
			k = (k + 1) & (size - 1);
		t[k] = (struct slot){ .idx = (uint32_t)i + 1, .tag = page_tag(h, pg->va) };
	}
	free(s->hash);
	s->hash = t;
	s->hash_size = size;
	return true;
}

/* The page's record, made if new; NULL when there is no room for more. */
static struct page *find_page(struct ps_summary *s, uint32_t pid, uint32_t gen, uint64_t va)
{
	uint64_t h = page_hash(pid, gen, va);
	uint32_t tag = page_tag(h, va);
	struct page *m;
	size_t k;

	if (!s->hash && !rehash(s, 1024))
		return NULL;
	k = page_slot(h, va, s->hash_size);
	for (; s->hash[k].idx; k = (k + 1) & (s->hash_size - 1)) {
		struct page *pg;

		if (s->hash[k].tag != tag)
			continue;
		pg = &s->pg[s->hash[k].idx - 1];
		if (pg->va == va && pg->pid == pid && pg->gen == gen)
			return pg;
	}
	if (s->npg >= PS_SUMMARY_MAX_PAGES)
		return NULL;
	/* Half full at most, so probes stay short and always end. */
	if ((s->npg + 1) * 2 > s->hash_size) {
		if (!rehash(s, s->hash_size * 2))
			return NULL;
		k = page_slot(h, va, s->hash_size);
		while (s->hash[k].idx)
			k = (k + 1) & (s->hash_size - 1);
	}
	m = reserve(s->pg, &s->cappg, s->npg + 1, sizeof(*s->pg));
	if (!m)
		return NULL;
	s->pg = m;
	s->pg[s->npg] = (struct page){ .va = va, .pid = pid, .gen = gen, .bucket = PENDING };
	s->hash[k] = (struct slot){ .idx = (uint32_t)++s->npg, .tag = tag };
	return &s->pg[s->npg - 1];
}

/* The page's waiting faults to @bucket; its entry stays until settle(). */
static void charge(struct ps_summary *s, struct page *pg, int32_t bucket)
{
	if (pg->pend) {
		struct pend *w = &s->pending[pg->pend - 1];

		s->b[bucket].faults += w->faults;
		s->b[bucket].major += w->major;
		w->faults = w->major = 0;
	}
	pg->bucket = bucket;
}

bool ps_summary_fault(struct ps_summary *s, uint32_t pid, uint64_t va, bool major)
{
	struct proc *p = find_proc(s, pid, true);
	int32_t b = p ? find_vma(p, va) : -1;
	struct page *pg = p ? find_page(s, pid, p->gen, va & PAGE_MASK) : NULL;

	s->faults++;
	if (!pg) {
		s->untracked++;
		if (b >= 0) {
			s->b[b].faults++;
			s->b[b].major += major;
		} else {
			s->unknown++;
			s->unknown_major += major;
		}
		return b >= 0;
	}
	pg->faults++;
	pg->major += major;
	if (b >= 0) {
		charge(s, pg, b);
		s->b[b].faults++;
		s->b[b].major += major;
		return true;
	}
	if (!pg->pend) {
		struct pend *m = reserve(s->pending, &s->cappending, s->npending + 1,
					 sizeof(*s->pending));

		if (!m) {	/* cannot wait: unknown for good */
			s->unknown++;
			s->unknown_major += major;
			return false;
		}
		s->pending = m;
		s->pending[s->npending] = (struct pend){ .page = (uint32_t)(pg - s->pg) };
		pg->pend = (uint32_t)++s->npending;
	}
	s->pending[pg->pend - 1].faults++;
	s->pending[pg->pend - 1].major += major;
	return false;
}

/*
 * Charge the waiting faults of @pid that its VMAs now explain; with
 * @forget, give up on the rest of them.
 */
static void settle(struct ps_summary *s, const struct proc *p, bool forget)
{
	size_t i, keep = 0;

	for (i = 0; i < s->npending; i++) {
		struct pend *w = &s->pending[i];
		struct page *pg = &s->pg[w->page];

		if (w->faults && pg->pid == p->pid && pg->gen == p->gen) {
			int32_t b = find_vma(p, pg->va);

			if (b >= 0) {
				charge(s, pg, b);
			} else if (forget) {
				s->unknown += w->faults;
				s->unknown_major += w->major;
				w->faults = w->major = 0;
			}
		}
		if (w->faults) {
			s->pending[keep] = *w;
			pg->pend = (uint32_t)++keep;
		} else {
			pg->pend = 0;
		}
	}
	s->npending = keep;
}

void ps_summary_exec(struct ps_summary *s, uint32_t pid)
{
	struct proc *p = find_proc(s, pid, false);

	if (!p)
		return;
	settle(s, p, true);
	p->gen++;
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int by_start(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* One maps line: "start-end perms offset dev inode   name". */
static int parse_line(const char *line, uint64_t *start, uint64_t *end, const char **name)
{
	int off = 0;

	// NOLINTNEXTLINE(cert-err34-c): the kernel writes these hex fields; the count is checked
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*x %*s %*u%n", start, end, &off) < 2 ||
	    !off || *start >= *end)
		return -1;
	line += off;
	while (*line == ' ' || *line == '\t')
		line++;
	*name = *line ? line : "[anon]";
	return 0;
}

static int32_t new_bucket(struct ps_summary *s, uint32_t pid, uint64_t start, uint64_t end,
			  const char *name)
{
	char *n = strdup(name);
	struct bucket *m = n ? reserve(s->b, &s->capb, s->nb + 1, sizeof(*s->b)) : NULL;

	if (!m) {
		free(n);
		return -1;
	}
	s->b = m;
	s->b[s->nb] = (struct bucket){ pid, start, end, n, 0, 0 };
	// cppcheck-suppress memleak ; false positive: n is kept in s->b[s->nb]
	return (int32_t)s->nb++;
}

/* An old VMA of the same name overlapping [start, end) and not yet taken. */
static int32_t inherit(struct ps_summary *s, const struct proc *p, bool *taken,
		       size_t *j, uint64_t start, uint64_t end, const char *name)
{
	size_t k;

	while (*j < p->n && p->v[*j].end <= start)
		(*j)++;
	for (k = *j; k < p->n && p->v[k].start < end; k++) {
		struct bucket *b = &s->b[p->v[k].bucket];

		if (!taken[k] && !strcmp(b->name, name)) {
			taken[k] = true;
			b->start = start;
			b->end = end;
			return (int32_t)p->v[k].bucket;
		}
	}
	return -1;
}

int ps_summary_maps(struct ps_summary *s, uint32_t pid, const char *text)
{
	struct proc *p = find_proc(s, pid, true);
	struct snap *v = NULL, *m;
	size_t n = 0, cap = 0, j = 0;
	bool *taken;
	const char *line;
	char buf[4096 + 256];

	if (!p)
		return -1;
	taken = calloc(p->n + 1, sizeof(*taken));
	if (!taken)
		return -1;
	for (line = text; *line; ) {
		size_t len = strcspn(line, "\n");
		uint64_t start, end;
		const char *name;
		int32_t b;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		line += len + (line[len] == '\n');
		if (parse_line(buf, &start, &end, &name))
			continue;
		m = reserve(v, &cap, n + 1, sizeof(*v));
		if (!m)
			goto oom;
		v = m;
		b = inherit(s, p, taken, &j, start, end, name);
		if (b < 0)
			b = new_bucket(s, pid, start, end, name);
		if (b < 0)
			goto oom;
		v[n++] = (struct snap){ start, end, (uint32_t)b };
	}
	free(taken);
	if (n)		/* a zombie's maps are empty, and qsort() wants an array */
		qsort(v, n, sizeof(*v), by_start);
	free(p->v);
	p->v = v;
	p->n = n;
	settle(s, p, false);
	return 0;
oom:
	free(taken);
	free(v);
	return -1;
}

void ps_summary_counts(struct ps_summary *s, const struct ptscope_counts *c)
{
	s->counts = *c;
	s->has_counts = true;
}

/* A ranked VMA: a bucket, or the unknown (b NULL). */
struct vma_row {
	const struct bucket *b;
	uint64_t faults, major;
};

static int by_faults(const void *a, const void *b)
{
	const struct vma_row *x = a, *y = b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	if (!x->b || !y->b)
		return !x->b - !y->b;
	if (x->b->pid != y->b->pid)
		return x->b->pid < y->b->pid ? -1 : 1;
	return x->b->start < y->b->start ? -1 : x->b->start > y->b->start;
}

static int page_order(const void *a, const void *b)
{
	const struct page *x = *(const struct page *const *)a, *y = *(const struct page *const *)b;

	if (x->faults != y->faults)
		return x->faults > y->faults ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->gen != y->gen)
		return x->gen < y->gen ? -1 : 1;
	return x->va < y->va ? -1 : x->va > y->va;
}

/* The VMAs with faults, most first, the unknown among them; NULL if none. */
static struct vma_row *rank_vmas(const struct ps_summary *s, size_t *nr)
{
	struct vma_row *r = calloc(s->nb + 1, sizeof(*r));
	uint64_t unknown = s->unknown, unknown_major = s->unknown_major;
	size_t i, n = 0;

	if (!r)
		return NULL;
	for (i = 0; i < s->nb; i++)
		if (s->b[i].faults)
			r[n++] = (struct vma_row){ &s->b[i], s->b[i].faults, s->b[i].major };
	for (i = 0; i < s->npending; i++) {
		unknown += s->pending[i].faults;
		unknown_major += s->pending[i].major;
	}
	if (unknown)
		r[n++] = (struct vma_row){ NULL, unknown, unknown_major };
	qsort(r, n, sizeof(*r), by_faults);
	*nr = n;
	return r;
}

/*
 * The PS_SUMMARY_TOP most-faulted pages, in order, by insertion: a watch
 * may have seen a million pages, and sorting them all would hold up the
 * summary. @nr: how many pages there are to rank.
 */
static const struct page **rank_pages(const struct ps_summary *s, size_t *nr)
{
	// NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, sized as such
	const struct page **r = calloc(PS_SUMMARY_TOP, sizeof(*r));
	size_t i, n = 0;

	if (!r)
		return NULL;
	for (i = 0; i < s->npg; i++) {
		const struct page *pg = &s->pg[i];
		size_t at;

		if (n == PS_SUMMARY_TOP && page_order(&pg, &r[n - 1]) >= 0)
			continue;
		at = n < PS_SUMMARY_TOP ? n++ : n - 1;	/* full: the last goes */
		for (; at && page_order(&pg, &r[at - 1]) < 0; at--)
			r[at] = r[at - 1];
		r[at] = pg;
	}
	*nr = s->npg;
	return r;
}

static const char *page_vma(const struct ps_summary *s, const struct page *pg)
{
	return pg->bucket >= 0 ? s->b[pg->bucket].name : "[unknown]";
}

static void text_vmas(struct ps_summary *s, FILE *f, const struct ps_style *st)
{
	size_t i, n = 0;
	struct vma_row *r = rank_vmas(s, &n);

	if (!r)
		return;
	fprintf(f, "\nfaults per VMA (%zu of %zu with faults):\n", n < PS_SUMMARY_TOP ? n :
		PS_SUMMARY_TOP, n);
	fprintf(f, "%s%9s  %-25s  %10s %8s  %s%s\n", st->bold, "pid", "address range",
		"faults", "major", "name", st->reset);
	for (i = 0; i < n && i < PS_SUMMARY_TOP; i++) {
		char pid[16] = "", range[40] = "";

		if (r[i].b) {
			snprintf(pid, sizeof(pid), "%u", r[i].b->pid);
			snprintf(range, sizeof(range), "%012" PRIx64 "-%012" PRIx64,
				 r[i].b->start, r[i].b->end);
		}
		fprintf(f, "%9s  %-25s  %10" PRIu64 " %8" PRIu64 "  %s\n", pid, range,
			r[i].faults, r[i].major, r[i].b ? r[i].b->name : "[unknown]");
	}
	free(r);
}

static void text_pages(struct ps_summary *s, FILE *f, const struct ps_style *st)
{
	size_t i, n = 0;
	const struct page **r = rank_pages(s, &n);

	if (!r)
		return;
	fprintf(f, "\nmost-faulted pages (%zu of %zu):\n", n < PS_SUMMARY_TOP ? n :
		PS_SUMMARY_TOP, n);
	fprintf(f, "%s%9s  %-14s %10s %8s  %s%s\n", st->bold, "pid", "page", "faults",
		"major", "vma", st->reset);
	for (i = 0; i < n && i < PS_SUMMARY_TOP; i++)
		fprintf(f, "%9u  %012" PRIx64 "   %10" PRIu64 " %8" PRIu64 "  %s\n", r[i]->pid,
			r[i]->va, r[i]->faults, r[i]->major, page_vma(s, r[i]));
	if (s->untracked)
		fprintf(f, "(%" PRIu64 " faults on pages beyond the first %u are not ranked)\n",
			s->untracked, PS_SUMMARY_MAX_PAGES);
	free(r);
}

void ps_summary_text(struct ps_summary *s, FILE *f, bool color)
{
	const struct ps_style *st = ps_style(color);
	struct ptscope_counts none = { 0 };

	fputc('\n', f);
	fprintf(f, "events:\n");
	ps_counts_text(f, s->has_counts ? &s->counts : &none, "", color);
	if (!s->faults)
		return;
	text_vmas(s, f, st);
	text_pages(s, f, st);
}

void ps_summary_json(struct ps_summary *s, FILE *f)
{
	struct ptscope_counts none = { 0 };
	struct vma_row *v;
	const struct page **pg;
	size_t i, nv = 0, np = 0;
	struct ps_json j;

	ps_json_begin(&j, f);
	ps_json_name(&j, "type", "summary");
	ps_counts_json(&j, s->has_counts ? &s->counts : &none);
	ps_json_u64(&j, "faults", s->faults);
	v = rank_vmas(s, &nv);
	ps_json_arr(&j, "faults_per_vma");
	for (i = 0; v && i < nv && i < PS_SUMMARY_TOP; i++) {
		ps_json_obj(&j, NULL);
		if (v[i].b) {
			ps_json_u64(&j, "pid", v[i].b->pid);
			ps_json_hex(&j, "start", v[i].b->start);
			ps_json_hex(&j, "end", v[i].b->end);
			ps_json_str(&j, "name", v[i].b->name);
		} else {
			ps_json_null(&j, "pid");
			ps_json_null(&j, "start");
			ps_json_null(&j, "end");
			ps_json_str(&j, "name", "[unknown]");
		}
		ps_json_u64(&j, "faults", v[i].faults);
		ps_json_u64(&j, "major", v[i].major);
		ps_json_obj_end(&j);
	}
	ps_json_arr_end(&j);
	free(v);
	pg = rank_pages(s, &np);
	ps_json_arr(&j, "top_pages");
	for (i = 0; pg && i < np && i < PS_SUMMARY_TOP; i++) {
		ps_json_obj(&j, NULL);
		ps_json_u64(&j, "pid", pg[i]->pid);
		ps_json_hex(&j, "va", pg[i]->va);
		ps_json_u64(&j, "faults", pg[i]->faults);
		ps_json_u64(&j, "major", pg[i]->major);
		ps_json_str(&j, "vma", page_vma(s, pg[i]));
		ps_json_obj_end(&j);
	}
	ps_json_arr_end(&j);
	free(pg);
	ps_json_end(&j);
}
