// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope maps`: one row per VMA with what its page tables hold, and what
 * the tables themselves cost. Like pmap -X, but read from the tables.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "dump.h"
#include "json.h"
#include "ptscope.h"
#include "request.h"
#include "term.h"
#include "x86.h"

#define SPECIAL_BIT	(1U << 9)	/* _PAGE_SPECIAL: no struct page behind */

struct row {
	struct ps_vma v;
	uint64_t rss[3];	/* bytes in 4 KiB, 2 MiB, 1 GiB pages */
	uint64_t swap, other;
};

struct maps {
	const struct ps_opts *o;
	struct row row;
	bool have_row;
	uint64_t rss, anon_huge, hugetlb, swap, lo, hi;
	struct row total;
};

static int size_index(unsigned int shift)
{
	return shift >= 30 ? 2 : shift >= 21 ? 1 : 0;
}

static void print_row(struct maps *m, const struct row *r, const char *label)
{
	const struct ps_style *s = ps_style(m->o->color);
	char size[32], c[5][32], perms[5] = "";
	int i;

	ps_fmt_size(size, sizeof(size), r->v.end - r->v.start);
	for (i = 0; i < 3; i++)
		ps_fmt_size(c[i], sizeof(c[i]), r->rss[i]);
	ps_fmt_size(c[3], sizeof(c[3]), r->swap);
	ps_fmt_size(c[4], sizeof(c[4]), r->other);
	if (label) {
		printf("%s%-31s%s %9s %9s %9s %9s %9s %9s\n", s->bold, label, s->reset,
		       size, c[0], c[1], c[2], c[3], c[4]);
		return;
	}
	ps_vma_perms(r->v.flags, perms);
	printf("%012" PRIx64 "-%012" PRIx64 " %s %9s %9s %9s %9s %9s %9s  %s\n",
	       r->v.start, r->v.end, perms, size, c[0], c[1], c[2], c[3], c[4],
	       r->v.name);
}

static void json_row(const struct row *r)
{
	struct ps_json j;
	char perms[5];

	ps_vma_perms(r->v.flags, perms);
	ps_json_begin(&j, stdout);
	ps_json_hex(&j, "start", r->v.start);
	ps_json_hex(&j, "end", r->v.end);
	ps_json_str(&j, "perms", perms);
	ps_json_str(&j, "name", r->v.name);
	ps_json_u64(&j, "size", r->v.end - r->v.start);
	ps_json_u64(&j, "rss_4k", r->rss[0]);
	ps_json_u64(&j, "rss_2m", r->rss[1]);
	ps_json_u64(&j, "rss_1g", r->rss[2]);
	ps_json_u64(&j, "swap", r->swap);
	ps_json_u64(&j, "other", r->other);
	ps_json_end(&j);
}

static void end_row(struct maps *m)
{
	int i;

	if (!m->have_row)
		return;
	if (m->o->json)
		json_row(&m->row);
	else
		print_row(m, &m->row, NULL);
	for (i = 0; i < 3; i++)
		m->total.rss[i] += m->row.rss[i];
	m->total.swap += m->row.swap;
	m->total.other += m->row.other;
	m->total.v.end += m->row.v.end - m->row.v.start;
	m->have_row = false;
}

static int on_vma(const struct ps_vma *v, void *arg)
{
	struct maps *m = arg;

	end_row(m);
	memset(&m->row, 0, sizeof(m->row));
	m->row.v = *v;
	m->have_row = true;
	if (!m->lo || v->start < m->lo)
		m->lo = v->start;
	if (v->end > m->hi)
		m->hi = v->end;
	return 0;
}

static int on_run(const struct ps_vma *v, const struct ptscope_run *r, void *arg)
{
	uint64_t bytes = ps_run_end(r) - r->start;
	struct maps *m = arg;

	switch (r->state) {
	case PTSCOPE_STATE_PRESENT:
	case PTSCOPE_STATE_PROTNONE:
		m->row.rss[size_index(r->page_shift)] += bytes;
		/* What smaps counts as Rss: pages with a struct page, no hugetlb. */
		if (v->flags & PTSCOPE_VMA_F_HUGETLB)
			m->hugetlb += bytes;
		else if (!(r->bits & SPECIAL_BIT))
			m->rss += bytes;
		if (r->page_shift == 21 && v->kind != PTSCOPE_VMA_FILE &&
		    !(v->flags & PTSCOPE_VMA_F_HUGETLB))
			m->anon_huge += bytes;
		break;
	case PTSCOPE_STATE_SWAP:
		m->row.swap += bytes;
		break;
	case PTSCOPE_STATE_NONE:
		break;
	default:
		m->row.other += bytes;
	}
	return 0;
}

static void json_stats(const struct maps *m, const struct ps_dump_stats *st,
		       uint64_t table_bytes, uint64_t flat)
{
	struct ps_json j;
	int i;

	ps_json_begin(&j, stdout);
	ps_json_str(&j, "type", "summary");
	ps_json_obj(&j, "tables");
	for (i = 0; i < PTSCOPE_NR_LEVELS; i++)
		if (st->tables[i])
			ps_json_u64(&j, ps_level_name((unsigned int)i), st->tables[i]);
	ps_json_obj_end(&j);
	ps_json_u64(&j, "table_bytes", table_bytes);
	ps_json_u64(&j, "flat_table_bytes", flat);
	ps_json_u64(&j, "rss", m->rss);
	ps_json_u64(&j, "anon_huge", m->anon_huge);
	ps_json_u64(&j, "thp_deposited", m->anon_huge >> 21);
	ps_json_u64(&j, "hugetlb", m->hugetlb);
	ps_json_u64(&j, "swap", m->total.swap);
	ps_json_u64(&j, "va_bits", st->va_bits);
	ps_json_end(&j);
}

static int on_stats(const struct ps_dump_stats *st, void *arg)
{
	struct maps *m = arg;
	const struct ps_style *s = ps_style(m->o->color);
	uint64_t tables = 0, flat, span;
	char b[5][32];
	int i;

	end_row(m);
	for (i = 0; i < PTSCOPE_NR_LEVELS; i++)
		tables += st->tables[i];
	/* One 8-byte entry per 4 KiB page of the whole user address space. */
	flat = st->va_bits >= 12 ? (1ULL << (st->va_bits - 12)) * 8 : 0;
	span = m->hi > m->lo ? (m->hi - m->lo) / 4096 * 8 : 0;
	if (m->o->json) {
		json_stats(m, st, tables * 4096, flat);
		return 0;
	}
	print_row(m, &m->total, "total");
	ps_fmt_size(b[0], sizeof(b[0]), m->rss);
	ps_fmt_size(b[1], sizeof(b[1]), m->anon_huge);
	ps_fmt_size(b[2], sizeof(b[2]), m->hugetlb);
	printf("\n%sresident%s %s as /proc/PID/smaps counts Rss, of which %s in THPs; %s hugetlb\n",
	       s->bold, s->reset, b[0], b[1], b[2]);
	printf("%spage tables%s", s->bold, s->reset);
	for (i = 0; i < PTSCOPE_NR_LEVELS; i++)
		if (st->tables[i])
			printf("  %s %" PRIu64, ps_level_name((unsigned int)i), st->tables[i]);
	ps_fmt_size(b[3], sizeof(b[3]), tables * 4096);
	printf("  = %" PRIu64 " pages, %s", tables, b[3]);
	if (m->anon_huge)
		printf(" (+ %" PRIu64 " PTE pages kept aside for splitting THPs)",
		       m->anon_huge >> 21);
	putchar('\n');
	ps_fmt_size(b[0], sizeof(b[0]), flat);
	ps_fmt_size(b[4], sizeof(b[4]), span);
	printf("%sa flat table%s (one 8-byte entry per 4 KiB page) would take %s for the\n"
	       "%u-bit address space, %s even for just the %s this process spans\n",
	       s->bold, s->reset, b[0], st->va_bits, b[4],
	       (ps_fmt_size(b[1], sizeof(b[1]), m->hi - m->lo), b[1]));
	return 0;
}

static int run_maps(const struct ps_opts *o, int argc, char **argv)
{
	struct ps_opts opts = *o;
	struct maps m = { .o = &opts };
	struct ps_dump_cb cb = { on_vma, on_run, on_stats, &m };
	struct ps_dump_opts d = { 0 };
	const struct ps_style *s;
	int c, pid;

	c = ps_json_opts(&ps_cmd_maps, argc, argv, &opts);
	if (c >= 0)
		return c;
	if (argc - optind != 1)
		return ps_usage(&ps_cmd_maps);
	if (ps_parse_pid(argv[optind], &pid))
		return PS_EXIT_USAGE;
	s = ps_style(opts.color);
	if (!opts.json)
		printf("%s%-31s %9s %9s %9s %9s %9s %9s  %s%s\n", s->bold, "address range perms",
		       "size", "rss 4K", "rss 2M", "rss 1G", "swap", "other", "name", s->reset);
	return ps_dump_command(pid, &d, &cb);
}

const struct ps_command ps_cmd_maps = {
	.name = "maps",
	.args = "[--json] PID",
	.summary = "per VMA: resident by page size, swapped; page-table cost",
	.help =
	"One row per VMA of process PID: its range, permissions and size, the\n"
	"bytes resident in 4 KiB, 2 MiB and 1 GiB pages, swapped out, and held\n"
	"by other non-present entries; then the totals, and how many page-table\n"
	"pages each level uses against what one flat table would cost.\n"
	"\n"
	"  -j, --json   one JSON object per VMA per line, then a summary object\n",
	.run = run_maps,
};
