// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>
#include "event.h"
#include "reply.h"
#include "term.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME(table, i) ((i) < ARRAY_SIZE(table) && (table)[i] ? (table)[i] : "unknown")

static const char *const type_names[] = {
	[PTSCOPE_EV_NONE]		= "none",
	[PTSCOPE_EV_FAULT]		= "fault",
	[PTSCOPE_EV_TLB_FLUSH]		= "tlb_flush",
	[PTSCOPE_EV_TLB_SHOOTDOWN]	= "tlb_shootdown",
	[PTSCOPE_EV_SWAP_OUT]		= "swap_out",
	[PTSCOPE_EV_SWAP_IN]		= "swap_in",
	[PTSCOPE_EV_INVALIDATE]		= "invalidate",
	[PTSCOPE_EV_EXEC]		= "exec",
	[PTSCOPE_EV_FORK]		= "fork",
	[PTSCOPE_EV_EXIT]		= "exit",
};

static const char *const outcome_names[] = {
	[PTSCOPE_FAULT_MINOR]		= "minor",
	[PTSCOPE_FAULT_MAJOR]		= "major",
	[PTSCOPE_FAULT_COW]		= "cow",
	[PTSCOPE_FAULT_PROTECTION]	= "protection",
	[PTSCOPE_FAULT_RETRY]		= "retry",
	[PTSCOPE_FAULT_SIGSEGV]		= "sigsegv",
	[PTSCOPE_FAULT_SIGBUS]		= "sigbus",
	[PTSCOPE_FAULT_OOM]		= "oom",
	[PTSCOPE_FAULT_ERROR]		= "error",
};

static const char *const reason_names[] = {
	[PTSCOPE_WHY_UNKNOWN]		= "unknown",
	[PTSCOPE_WHY_MUNMAP]		= "munmap",
	[PTSCOPE_WHY_MPROTECT]		= "mprotect",
	[PTSCOPE_WHY_MADVISE]		= "madvise",
	[PTSCOPE_WHY_MREMAP]		= "mremap",
	[PTSCOPE_WHY_BRK]		= "brk",
	[PTSCOPE_WHY_MMAP]		= "mmap",
	[PTSCOPE_WHY_FORK]		= "fork",
	[PTSCOPE_WHY_EXEC]		= "exec",
	[PTSCOPE_WHY_EXIT]		= "exit",
	[PTSCOPE_WHY_MIGRATION]		= "migration",
	[PTSCOPE_WHY_FAULT]		= "fault",
	[PTSCOPE_WHY_RECLAIM]		= "reclaim",
	[PTSCOPE_WHY_COMPACTION]	= "compaction",
	[PTSCOPE_WHY_KHUGEPAGED]	= "khugepaged",
	[PTSCOPE_WHY_KERNEL]		= "kernel",
	[PTSCOPE_WHY_SYSCALL]		= "syscall",
};

static const char *const inv_names[] = {
	[PTSCOPE_INV_UNMAP]		= "unmap",
	[PTSCOPE_INV_CLEAR]		= "clear",
	[PTSCOPE_INV_PROTECTION_VMA]	= "protection_vma",
	[PTSCOPE_INV_PROTECTION_PAGE]	= "protection_page",
	[PTSCOPE_INV_SOFT_DIRTY]	= "soft_dirty",
	[PTSCOPE_INV_RELEASE]		= "release",
	[PTSCOPE_INV_MIGRATE]		= "migrate",
	[PTSCOPE_INV_EXCLUSIVE]		= "exclusive",
	[PTSCOPE_INV_OTHER]		= "other",
};

/* In PTSCOPE_EVK_* bit order. */
static const char *const kind_names[] = { "fault", "tlb", "swap", "unmap", "process" };

const char *ps_event_type_name(unsigned int type)
{
	return NAME(type_names, type);
}

const char *ps_fault_outcome_name(unsigned int outcome)
{
	return NAME(outcome_names, outcome);
}

const char *ps_reason_name(unsigned int reason)
{
	return NAME(reason_names, reason);
}

const char *ps_invalidate_kind_name(unsigned int kind)
{
	return NAME(inv_names, kind);
}

int ps_evk_parse(const char *list, uint32_t *mask, char *bad, size_t badlen)
{
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t i, n = strcspn(p, ",");
		uint32_t bit = 0;

		if (n == 3 && !strncmp(p, "all", 3))
			bit = PTSCOPE_EVK_ALL;
		for (i = 0; i < ARRAY_SIZE(kind_names) && !bit; i++)
			if (strlen(kind_names[i]) == n && !strncmp(p, kind_names[i], n))
				bit = 1U << i;
		if (!bit) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -1;
		}
		*mask |= bit;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

size_t ps_evk_names(uint32_t mask, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(kind_names) && n < max; i++)
		if (mask & (1U << i))
			names[n++] = kind_names[i];
	return n;
}

void ps_evk_list(uint32_t mask, char *buf, size_t len)
{
	const char *names[ARRAY_SIZE(kind_names)];
	size_t i, n = ps_evk_names(mask, names, ARRAY_SIZE(names));
	int off = 0;

	snprintf(buf, len, "none");
	for (i = 0; i < n && off >= 0 && (size_t)off < len; i++)
		off += snprintf(buf + off, len - (size_t)off, "%s%s", i ? "," : "", names[i]);
}

/* The file name of the swap area of @type, or NULL. */
static const char *area_path(const struct ps_swaps *s, unsigned int type)
{
	unsigned int i;

	for (i = 0; s && i < s->n; i++)
		if (s->area[i].type == type && s->area[i].path[0])
			return s->area[i].path;
	return NULL;
}

static bool entry_seen(const struct ptscope_event *e)
{
	return !(e->flags & PTSCOPE_EV_F_ENTRY_UNSEEN);
}

static const char *access_name(const struct ptscope_event *e)
{
	return e->flags & PTSCOPE_EV_F_EXEC ? "exec" : e->flags & PTSCOPE_EV_F_WRITE ? "write" : "read";
}

static bool frames_shown(const struct ptscope_event *e)
{
	return !(e->flags & PTSCOPE_EV_F_FRAMES_HIDDEN);
}

/*
 * What the leaf after the fault allows, from its packed bits (entry bits
 * 11..0 in 11..0, 63..52 in 23..12): RW is bit 1, NX bit 63.
 */
static void leaf_rights(const struct ptscope_event *e, char rights[4])
{
	rights[0] = 'r';
	rights[1] = e->bits & (1U << 1) ? 'w' : '-';
	rights[2] = e->bits & (1U << 23) ? '-' : 'x';
	rights[3] = 0;
}

static bool after_mapped(const struct ptscope_event *e)
{
	return e->after == PTSCOPE_STATE_PRESENT || e->after == PTSCOPE_STATE_PROTNONE;
}

static const char *outcome_color(const struct ps_style *s, unsigned int outcome)
{
	switch (outcome) {
	case PTSCOPE_FAULT_MINOR:
		return s->green;
	case PTSCOPE_FAULT_MAJOR:
	case PTSCOPE_FAULT_COW:
		return s->yellow;
	case PTSCOPE_FAULT_PROTECTION:
	case PTSCOPE_FAULT_RETRY:
		return "";
	default:
		return s->red;
	}
}

static const char *type_color(const struct ps_style *s, unsigned int type)
{
	switch (type) {
	case PTSCOPE_EV_FAULT:
		return s->yellow;
	case PTSCOPE_EV_TLB_FLUSH:
	case PTSCOPE_EV_TLB_SHOOTDOWN:
		return s->cyan;
	case PTSCOPE_EV_SWAP_OUT:
	case PTSCOPE_EV_SWAP_IN:
		return s->magenta;
	case PTSCOPE_EV_INVALIDATE:
		return s->blue;
	default:
		return s->bold;
	}
}

static void fault_text(FILE *f, const struct ptscope_event *e, const struct ps_style *s)
{
	char size[32], rights[4];

	fprintf(f, "0x%012" PRIx64 " %-5s %-6s %s -> %s", (uint64_t)e->va,
		entry_seen(e) ? access_name(e) : "?", e->flags & PTSCOPE_EV_F_USER ? "user" : "kernel",
		entry_seen(e) ? ps_state_name(e->before) : "?", ps_state_name(e->after));
	if (e->page_shift) {
		ps_fmt_size(size, sizeof(size), 1ULL << (e->page_shift & 63));
		fprintf(f, " %s", size);
	}
	if (frames_shown(e) && e->pfn)
		fprintf(f, " pfn 0x%" PRIx64, (uint64_t)e->pfn);
	if (frames_shown(e) && e->old_pfn && e->old_pfn != e->pfn)
		fprintf(f, " (was pfn 0x%" PRIx64 ")", (uint64_t)e->old_pfn);
	if (after_mapped(e)) {
		leaf_rights(e, rights);
		fprintf(f, " %s", rights);
	}
	fprintf(f, "  %s%s%s", outcome_color(s, e->outcome),
		ps_fault_outcome_name(e->outcome), s->reset);
	if ((e->flags & PTSCOPE_EV_F_MAJOR) && e->outcome != PTSCOPE_FAULT_MAJOR)
		fputs(" major", f);
	if (e->flags & PTSCOPE_EV_F_ERROR_CODE)
		fprintf(f, " error 0x%x", e->error_code);
	if (e->flags & PTSCOPE_EV_F_REMOTE)
		fputs(" remote", f);
}

static void swap_text(FILE *f, const struct ptscope_event *e, const struct ps_event_fmt *fmt)
{
	const char *path = area_path(fmt->swaps, e->swap_type);
	const char *base = path ? strrchr(path, '/') : NULL;
	bool in = e->type == PTSCOPE_EV_SWAP_IN;

	fprintf(f, "0x%012" PRIx64 " %s swap ", (uint64_t)e->va, in ? "<-" : "->");
	if (!frames_shown(e))
		fputs("(where: hidden)", f);
	else if (path)
		fprintf(f, "%s ", base ? base + 1 : path);
	if (frames_shown(e))
		fprintf(f, "type %u offset 0x%" PRIx64, e->swap_type,
			(uint64_t)e->swap_offset);
	if (e->flags & PTSCOPE_EV_F_SWAPCACHE)
		fputs(in ? " (from the swap cache)" : " (in swap cache)", f);
	if (in && frames_shown(e) && e->pfn)
		fprintf(f, " pfn 0x%" PRIx64, (uint64_t)e->pfn);
	if (in && (e->flags & PTSCOPE_EV_F_MAJOR))
		fputs(" major", f);
}

static void flush_text(FILE *f, const struct ptscope_event *e)
{
	char stride[32];

	if (e->flags & PTSCOPE_EV_F_RANGE_UNKNOWN)
		fputs("range unknown", f);
	else if (e->end == ~0ULL)
		fputs("all addresses", f);
	else
		fprintf(f, "0x%012" PRIx64 "-0x%012" PRIx64, (uint64_t)e->va, (uint64_t)e->end);
	if (e->page_shift) {
		ps_fmt_size(stride, sizeof(stride), 1ULL << (e->page_shift & 63));
		if (e->end != ~0ULL && e->end > e->va) {
			uint64_t n = (uint64_t)(e->end - e->va) >> (e->page_shift & 63);

			fprintf(f, " %" PRIu64 " page%s", n, n == 1 ? "" : "s");
		}
		fprintf(f, " stride %s", stride);
	}
	fprintf(f, "  %s", ps_reason_name(e->reason));
	if (e->flags & PTSCOPE_EV_F_IPI) {
		if (e->count)
			fprintf(f, "  IPI to %u other CPU%s", e->count, e->count == 1 ? "" : "s");
		else
			fputs("  IPI to other CPUs", f);
	}
	if (e->flags & PTSCOPE_EV_F_FREED_TABLES)
		fputs("  freed page tables", f);
}

/* Padded to align what follows; the others end the line: no trailing blanks. */
static bool says_more(unsigned int type)
{
	return type != PTSCOPE_EV_NONE && type != PTSCOPE_EV_EXEC &&
	       type != PTSCOPE_EV_EXIT && type < PTSCOPE_EV_NR;
}

void ps_event_text(FILE *f, const struct ptscope_event *e, const struct ps_event_fmt *fmt)
{
	const struct ps_style *s = ps_style(fmt->color);
	char tid[16] = "-";

	/* Signed: should the clocks ever disagree, -0.1 s rather than 18446744073 s. */
	fprintf(f, "%s%10.6f%s cpu%-3u", s->dim,
		(double)(int64_t)(e->time_ns - fmt->t0_ns) / 1e9, s->reset, e->cpu);
	if (e->tid)
		snprintf(tid, sizeof(tid), "%u", e->tid);
	fprintf(f, "%7u/%-6s %s%-*s%s", e->pid, tid, type_color(s, e->type),
		says_more(e->type) ? 13 : 0, ps_event_type_name(e->type), s->reset);
	switch (e->type) {
	case PTSCOPE_EV_FAULT:
		fputc(' ', f);
		fault_text(f, e, s);
		break;
	case PTSCOPE_EV_SWAP_OUT:
	case PTSCOPE_EV_SWAP_IN:
		fputc(' ', f);
		swap_text(f, e, fmt);
		break;
	case PTSCOPE_EV_TLB_FLUSH:
		fputc(' ', f);
		flush_text(f, e);
		break;
	case PTSCOPE_EV_TLB_SHOOTDOWN:
		fprintf(f, " %u page%s", e->count, e->count == 1 ? "" : "s");
		break;
	case PTSCOPE_EV_INVALIDATE:
		fprintf(f, " 0x%012" PRIx64 "-0x%012" PRIx64 " %s (%s)", (uint64_t)e->va,
			(uint64_t)e->end, ps_invalidate_kind_name(e->outcome),
			ps_reason_name(e->reason));
		break;
	case PTSCOPE_EV_FORK:
		fprintf(f, " child %u%s", e->count, e->flags & PTSCOPE_EV_F_UNFOLLOWED ?
			" (not watched: max_targets reached, or out of memory)" : "");
		break;
	}
	fputc('\n', f);
}

/* A frame number, unless withheld or none. */
static void json_pfn(struct ps_json *j, const char *key, const struct ptscope_event *e,
		     uint64_t pfn)
{
	if (frames_shown(e) && pfn)
		ps_json_hex(j, key, pfn);
	else
		ps_json_null(j, key);
}

static void fault_json(struct ps_json *j, const struct ptscope_event *e)
{
	ps_json_hex(j, "va", e->va);
	if (entry_seen(e))
		ps_json_name(j, "access", access_name(e));
	else
		ps_json_null(j, "access");
	ps_json_bool(j, "user", e->flags & PTSCOPE_EV_F_USER);
	ps_json_bool(j, "major", e->flags & PTSCOPE_EV_F_MAJOR);
	ps_json_name(j, "outcome", ps_fault_outcome_name(e->outcome));
	if (e->flags & PTSCOPE_EV_F_ERROR_CODE)
		ps_json_hex(j, "error_code", e->error_code);
	else
		ps_json_null(j, "error_code");
	if (entry_seen(e))
		ps_json_name(j, "before", ps_state_name(e->before));
	else
		ps_json_null(j, "before");
	ps_json_name(j, "after", ps_state_name(e->after));
	if (e->page_shift)
		ps_json_u64(j, "page_size", 1ULL << (e->page_shift & 63));
	else
		ps_json_null(j, "page_size");
	json_pfn(j, "pfn", e, e->pfn);
	json_pfn(j, "old_pfn", e, e->old_pfn);
	ps_json_bool(j, "counted", e->flags & PTSCOPE_EV_F_COUNTED);
	ps_json_bool(j, "remote", e->flags & PTSCOPE_EV_F_REMOTE);
}

static void swap_json(struct ps_json *j, const struct ptscope_event *e,
		      const struct ps_event_fmt *fmt)
{
	const char *path = area_path(fmt->swaps, e->swap_type);

	ps_json_hex(j, "va", e->va);
	ps_json_obj(j, "swap");
	if (!frames_shown(e)) {
		/* Where it went is hidden with the frames, as in pagemap. */
		ps_json_null(j, "type");
		ps_json_null(j, "offset");
		path = NULL;
	} else {
		ps_json_u64(j, "type", e->swap_type);
		ps_json_hex(j, "offset", e->swap_offset);
	}
	if (path)
		ps_json_str(j, "area", path);
	else
		ps_json_null(j, "area");
	ps_json_bool(j, "in_swap_cache", e->flags & PTSCOPE_EV_F_SWAPCACHE);
	ps_json_obj_end(j);
	if (e->type == PTSCOPE_EV_SWAP_IN) {
		json_pfn(j, "pfn", e, e->pfn);
		ps_json_bool(j, "major", e->flags & PTSCOPE_EV_F_MAJOR);
	}
}

void ps_event_json(FILE *f, const struct ptscope_event *e, const struct ps_event_fmt *fmt)
{
	struct ps_json j;

	ps_json_begin(&j, f);
	ps_json_name(&j, "type", ps_event_type_name(e->type));
	ps_json_u64(&j, "seq", e->seq);
	ps_json_u64(&j, "time_ns", e->time_ns);
	ps_json_u64(&j, "cpu", e->cpu);
	ps_json_u64(&j, "pid", e->pid);
	ps_json_u64(&j, "tid", e->tid);
	switch (e->type) {
	case PTSCOPE_EV_FAULT:
		fault_json(&j, e);
		break;
	case PTSCOPE_EV_SWAP_OUT:
	case PTSCOPE_EV_SWAP_IN:
		swap_json(&j, e, fmt);
		break;
	case PTSCOPE_EV_TLB_FLUSH:
		if (e->flags & PTSCOPE_EV_F_RANGE_UNKNOWN) {
			ps_json_null(&j, "start");
			ps_json_null(&j, "end");
		} else {
			ps_json_hex(&j, "start", e->va);
			ps_json_hex(&j, "end", e->end);
		}
		if (e->page_shift)
			ps_json_u64(&j, "stride", 1ULL << (e->page_shift & 63));
		else
			ps_json_null(&j, "stride");
		ps_json_bool(&j, "freed_tables", e->flags & PTSCOPE_EV_F_FREED_TABLES);
		ps_json_bool(&j, "ipi", e->flags & PTSCOPE_EV_F_IPI);
		ps_json_u64(&j, "cpus", e->count);
		ps_json_name(&j, "reason", ps_reason_name(e->reason));
		break;
	case PTSCOPE_EV_TLB_SHOOTDOWN:
		ps_json_u64(&j, "pages", e->count);
		break;
	case PTSCOPE_EV_INVALIDATE:
		ps_json_hex(&j, "start", e->va);
		ps_json_hex(&j, "end", e->end);
		ps_json_name(&j, "kind", ps_invalidate_kind_name(e->outcome));
		ps_json_name(&j, "reason", ps_reason_name(e->reason));
		break;
	case PTSCOPE_EV_FORK:
		ps_json_u64(&j, "child", e->count);
		ps_json_bool(&j, "followed", !(e->flags & PTSCOPE_EV_F_UNFOLLOWED));
		break;
	}
	ps_json_end(&j);
}

uint64_t ps_counts_total(const __u64 v[PTSCOPE_EV_NR])
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < PTSCOPE_EV_NR; i++)
		t += v[i];
	return t;
}

bool ps_drops_print(FILE *f, const struct ptscope_counts *now,
		    const struct ptscope_counts *before, bool json, bool color)
{
	const struct ps_style *s = ps_style(color);
	struct ps_json j;
	bool first = true;
	int i;

	if (ps_counts_total(now->dropped) <= ps_counts_total(before->dropped))
		return false;
	if (json) {
		ps_json_begin(&j, f);
		ps_json_name(&j, "type", "drops");
		ps_json_obj(&j, "dropped");
	} else {
		fprintf(f, "%sdropped:", s->red);
	}
	for (i = 1; i < PTSCOPE_EV_NR; i++) {
		uint64_t n = now->dropped[i] > before->dropped[i] ?
			     now->dropped[i] - before->dropped[i] : 0;

		if (!n)
			continue;
		if (json)
			ps_json_u64(&j, ps_event_type_name((unsigned int)i), n);
		else
			fprintf(f, "%s %" PRIu64 " %s", first ? "" : ",", n,
				ps_event_type_name((unsigned int)i));
		first = false;
	}
	if (json) {
		ps_json_obj_end(&j);
		ps_json_end(&j);
	} else {
		fprintf(f, " (the per-CPU buffer was full; raise --buffer)%s\n", s->reset);
	}
	return true;
}

static void counts_map(struct ps_json *j, const char *key, const struct ptscope_counts *c,
		       const __u64 *v)
{
	int i;

	ps_json_obj(j, key);
	for (i = 1; i < PTSCOPE_EV_NR; i++)
		if (c->occurred[i])
			ps_json_u64(j, ps_event_type_name((unsigned int)i), v[i]);
	ps_json_obj_end(j);
}

void ps_counts_json(struct ps_json *j, const struct ptscope_counts *c)
{
	counts_map(j, "occurred", c, c->occurred);
	counts_map(j, "delivered", c, c->delivered);
	counts_map(j, "dropped", c, c->dropped);
}

void ps_counts_text(FILE *f, const struct ptscope_counts *c, const char *indent,
		    bool color)
{
	const struct ps_style *s = ps_style(color);
	int i;

	if (!ps_counts_total(c->occurred)) {
		fprintf(f, "%sno events yet\n", indent);
		return;
	}
	fprintf(f, "%s%s%-14s %10s %10s %10s%s\n", indent, s->bold, "type", "occurred",
		"delivered", "dropped", s->reset);
	for (i = 1; i < PTSCOPE_EV_NR; i++)
		if (c->occurred[i])
			fprintf(f, "%s%-14s %10" PRIu64 " %10" PRIu64 " %s%10" PRIu64 "%s\n",
				indent, ps_event_type_name((unsigned int)i),
				(uint64_t)c->occurred[i], (uint64_t)c->delivered[i],
				c->dropped[i] ? s->red : "", (uint64_t)c->dropped[i],
				c->dropped[i] ? s->reset : "");
}
