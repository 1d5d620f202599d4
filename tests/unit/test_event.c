// SPDX-License-Identifier: GPL-2.0
/*
 * Live events: each type in words and in JSON, drops, the messages they
 * come in, and what the summary charges to which VMA and page.
 */
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/genetlink.h>
#include "../../module/uapi/ptscope.h"
#include "../../userspace/event.h"
#include "../../userspace/summary.h"
#include "../../userspace/watchreply.h"
#include "tap.h"

static char *out;
static size_t out_len;

/* The output, as TAP comments, when a check on it failed. */
#define ok_out(cond, ...) do {						\
	int c__ = !!(cond);						\
	ok(c__, __VA_ARGS__);						\
	if (!c__)							\
		diag(out);						\
} while (0)

static void diag(const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\n");

		printf("#   | %.*s\n", (int)n, s);
		s += n + (s[n] == '\n');
	}
}

static FILE *capture(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &out_len);
}

static const char *text(const struct ptscope_event *e, const struct ps_event_fmt *fmt)
{
	FILE *f = capture();

	ps_event_text(f, e, fmt);
	fclose(f);
	return out;
}

static const char *json(const struct ptscope_event *e, const struct ps_event_fmt *fmt)
{
	FILE *f = capture();

	ps_event_json(f, e, fmt);
	fclose(f);
	return out;
}

#define T0 1000000000ULL

static const struct ptscope_event cow = {
	.seq = 7, .time_ns = T0 + 1234567, .va = 0x7f3a12345000ULL,
	.pfn = 0x1a2b3, .old_pfn = 0x1a000, .pid = 1234, .tid = 1235,
	.flags = PTSCOPE_EV_F_WRITE | PTSCOPE_EV_F_USER | PTSCOPE_EV_F_COUNTED |
		 PTSCOPE_EV_F_ERROR_CODE,
	.error_code = 0x7, .bits = 0x067 | (1U << 23), .cpu = 1,
	.type = PTSCOPE_EV_FAULT, .outcome = PTSCOPE_FAULT_COW,
	.before = PTSCOPE_STATE_PRESENT, .after = PTSCOPE_STATE_PRESENT, .page_shift = 12,
};

static const struct ptscope_event hidden = {
	.seq = 8, .time_ns = T0 + 2000000, .va = 0x7f3a20000000ULL, .pid = 1234, .tid = 1234,
	.flags = PTSCOPE_EV_F_USER | PTSCOPE_EV_F_MAJOR | PTSCOPE_EV_F_COUNTED |
		 PTSCOPE_EV_F_FRAMES_HIDDEN,
	.bits = 0x025, .cpu = 0, .type = PTSCOPE_EV_FAULT, .outcome = PTSCOPE_FAULT_MAJOR,
	.before = PTSCOPE_STATE_NONE, .after = PTSCOPE_STATE_PRESENT, .page_shift = 21,
};

static const struct ptscope_event swap_in = {
	.seq = 9, .time_ns = T0 + 3000000, .va = 0x7f3a12346000ULL, .pfn = 0x5000,
	.swap_offset = 0x4a, .pid = 1234, .tid = 1236, .flags = PTSCOPE_EV_F_SWAPCACHE,
	.cpu = 2, .type = PTSCOPE_EV_SWAP_IN, .swap_type = 1,
};

static const struct ptscope_event flush_all = {
	.seq = 10, .time_ns = T0 + 4000000, .va = 0, .end = ~0ULL, .pid = 1234,
	.flags = PTSCOPE_EV_F_IPI, .count = 3, .cpu = 3, .type = PTSCOPE_EV_TLB_FLUSH,
	.reason = PTSCOPE_WHY_EXIT, .page_shift = 12,
};

static const struct ptscope_event flush_range = {
	.seq = 11, .time_ns = T0 + 5000000, .va = 0x7f3a12345000ULL, .end = 0x7f3a12355000ULL,
	.pid = 1234, .tid = 1234, .flags = PTSCOPE_EV_F_IPI | PTSCOPE_EV_F_FREED_TABLES,
	.count = 1, .type = PTSCOPE_EV_TLB_FLUSH, .reason = PTSCOPE_WHY_MPROTECT,
	.page_shift = 12,
};

static void test_events(void)
{
	static struct ps_swaps swaps = { 1, { { .type = 1, .path = "/dev/zram0" } } };
	struct ps_event_fmt fmt = { .t0_ns = T0, .swaps = &swaps };
	struct ptscope_event e;

	ok_out(!strcmp(text(&cow, &fmt),
		   "  0.001235 cpu1     1234/1235   fault         0x7f3a12345000 write user   "
		   "present -> present 4 KiB pfn 0x1a2b3 (was pfn 0x1a000) rw-  cow error 0x7\n"),
	   "COW fault in words");
	ok_out(!strcmp(json(&cow, &fmt),
		   "{\"type\":\"fault\",\"seq\":7,\"time_ns\":1001234567,\"cpu\":1,\"pid\":1234,"
		   "\"tid\":1235,\"va\":\"0x7f3a12345000\",\"access\":\"write\",\"user\":true,"
		   "\"major\":false,\"outcome\":\"cow\",\"error_code\":\"0x7\","
		   "\"before\":\"present\",\"after\":\"present\",\"page_size\":4096,"
		   "\"pfn\":\"0x1a2b3\",\"old_pfn\":\"0x1a000\",\"counted\":true,\"remote\":false}\n"),
	   "COW fault in JSON");

	ok_out(strstr(json(&hidden, &fmt), "\"pfn\":null,\"old_pfn\":null") &&
	   strstr(out, "\"major\":true,\"outcome\":\"major\",\"error_code\":null") &&
	   strstr(out, "\"before\":\"none\",\"after\":\"present\",\"page_size\":2097152"),
	   "hidden frames: pfn null, a major 2 MiB fault");
	ok_out(!strcmp(text(&hidden, &fmt),
		   "  0.002000 cpu0     1234/1234   fault         0x7f3a20000000 read  user   "
		   "none -> present 2 MiB r-x  major\n"),
	   "hidden frames in words: no pfn, 'major' once");

	ok_out(!strcmp(json(&swap_in, &fmt),
		   "{\"type\":\"swap_in\",\"seq\":9,\"time_ns\":1003000000,\"cpu\":2,\"pid\":1234,"
		   "\"tid\":1236,\"va\":\"0x7f3a12346000\",\"swap\":{\"type\":1,\"offset\":\"0x4a\","
		   "\"area\":\"/dev/zram0\",\"in_swap_cache\":true},\"pfn\":\"0x5000\","
		   "\"major\":false}\n"),
	   "swap-in in JSON");
	ok_out(!strcmp(text(&swap_in, &fmt),
		   "  0.003000 cpu2     1234/1236   swap_in       0x7f3a12346000 <- swap zram0 type 1 "
		   "offset 0x4a (from the swap cache) pfn 0x5000\n"),
	   "swap-in in words, the area named");
	e = swap_in;
	e.type = PTSCOPE_EV_SWAP_OUT;
	e.swap_type = 2;
	ok_out(strstr(text(&e, &fmt), "swap_out      0x7f3a12346000 -> swap type 2 offset 0x4a "
		   "(in swap cache)\n") && !strstr(out, "pfn"),
	   "swap-out to an unnamed area");
	ok_out(strstr(json(&e, &fmt), "\"area\":null") && !strstr(out, "\"pfn\""),
	   "swap-out in JSON: no area, no pfn");

	ok_out(!strcmp(json(&flush_all, &fmt),
		   "{\"type\":\"tlb_flush\",\"seq\":10,\"time_ns\":1004000000,\"cpu\":3,\"pid\":1234,"
		   "\"tid\":0,\"start\":\"0x0\",\"end\":\"0xffffffffffffffff\",\"stride\":4096,"
		   "\"freed_tables\":false,\"ipi\":true,\"cpus\":3,\"reason\":\"exit\"}\n"),
	   "TLB_FLUSH_ALL in JSON");
	ok_out(!strcmp(text(&flush_all, &fmt),
		   "  0.004000 cpu3     1234/-      tlb_flush     all addresses stride 4 KiB  exit  "
		   "IPI to 3 other CPUs\n"),
	   "TLB_FLUSH_ALL in words, by a kernel thread");
	ok_out(strstr(text(&flush_range, &fmt), "0x7f3a12345000-0x7f3a12355000 16 pages stride 4 KiB  "
		   "mprotect  IPI to 1 other CPU  freed page tables\n"),
	   "a ranged flush counts its pages");

	e = (struct ptscope_event){ .seq = 12, .pid = 1234, .tid = 1234,
		.type = PTSCOPE_EV_INVALIDATE, .va = 0x1000, .end = 0x3000,
		.outcome = PTSCOPE_INV_PROTECTION_VMA, .reason = PTSCOPE_WHY_MPROTECT };
	ok_out(strstr(json(&e, &fmt), "\"start\":\"0x1000\",\"end\":\"0x3000\","
		   "\"kind\":\"protection_vma\",\"reason\":\"mprotect\"}"), "invalidate");
	e = (struct ptscope_event){ .pid = 1234, .tid = 1234, .type = PTSCOPE_EV_FORK,
		.count = 1240 };
	ok_out(strstr(json(&e, &fmt), "\"type\":\"fork\"") &&
	       strstr(out, "\"child\":1240,\"followed\":true}"), "fork names the child");
	ok_out(strstr(text(&e, &fmt), "fork          child 1240\n"), "fork in words");
	e.flags = PTSCOPE_EV_F_UNFOLLOWED;
	ok_out(strstr(json(&e, &fmt), "\"child\":1240,\"followed\":false}"),
	   "a fork not followed says so");
	ok_out(strstr(text(&e, &fmt), "child 1240 (not watched: max_targets reached, "
		      "or out of memory)\n"), "a fork not followed, in words");
	e.flags = 0;
	e.type = PTSCOPE_EV_EXIT;
	ok_out(strstr(text(&e, &fmt), "1234/1234   exit\n"), "exit: no trailing blanks");
	e = (struct ptscope_event){ .type = PTSCOPE_EV_TLB_SHOOTDOWN, .count = 16 };
	ok_out(strstr(json(&e, &fmt), "\"pages\":16}"), "shootdown");
	e.type = 200;
	ok_out(strstr(json(&e, &fmt), "\"type\":\"unknown\""), "a type from a newer module");
}

static void test_drops(void)
{
	struct ptscope_counts before = { 0 }, now = { 0 };
	FILE *f;
	bool printed;

	now.dropped[PTSCOPE_EV_FAULT] = 12;
	now.dropped[PTSCOPE_EV_TLB_FLUSH] = 3;
	f = capture();
	printed = ps_drops_print(f, &now, &before, false, false);
	fclose(f);
	ok_out(printed && !strcmp(out, "dropped: 12 fault, 3 tlb_flush (the per-CPU buffer was full; "
				   "raise --buffer)\n"), "drops in words");
	f = capture();
	ps_drops_print(f, &now, &before, true, false);
	fclose(f);
	ok_out(!strcmp(out, "{\"type\":\"drops\",\"dropped\":{\"fault\":12,\"tlb_flush\":3}}\n"),
	   "drops in JSON");
	f = capture();
	printed = ps_drops_print(f, &now, &now, true, false);
	fclose(f);
	ok(!printed && !out_len, "no new drops: nothing");
	before = now;
	now.dropped[PTSCOPE_EV_FAULT] = 15;
	f = capture();
	ps_drops_print(f, &now, &before, false, false);
	fclose(f);
	ok_out(!strcmp(out, "dropped: 3 fault (the per-CPU buffer was full; raise --buffer)\n"),
	   "only what was dropped since the last line");
}

static void test_kinds(void)
{
	char bad[32], list[64];
	uint32_t mask;

	ok(!ps_evk_parse("fault,tlb", &mask, bad, sizeof(bad)) &&
	   mask == (PTSCOPE_EVK_FAULT | PTSCOPE_EVK_TLB), "fault,tlb");
	ok(!ps_evk_parse("all", &mask, bad, sizeof(bad)) && mask == PTSCOPE_EVK_ALL, "all");
	ok(ps_evk_parse("swap,faults", &mask, bad, sizeof(bad)) && !strcmp(bad, "faults"),
	   "an unknown word is named: %s", bad);
	ok(ps_evk_parse("fault,", &mask, bad, sizeof(bad)) && !strcmp(bad, ""),
	   "an empty word is refused");
	ps_evk_list(PTSCOPE_EVK_SWAP | PTSCOPE_EVK_PROCESS, list, sizeof(list));
	ok(!strcmp(list, "swap,process"), "kinds listed: %s", list);
}

/* As the module builds them. */
static struct nl_msg *events_msg(int cmd, const struct ptscope_event *ev, size_t n,
				 size_t extra, int counts_len, int reason)
{
	struct nl_msg *m = nlmsg_alloc();
	struct ptscope_counts c = { 0 };
	char *buf = calloc(1, n * sizeof(*ev) + extra + 1);

	memcpy(buf, ev, n * sizeof(*ev));
	c.delivered[PTSCOPE_EV_FAULT] = 2;
	genlmsg_put(m, 0, 0, 16, 0, 0, cmd, 1);
	nla_put(m, PTSCOPE_A_EVENTS, (int)(n * sizeof(*ev) + extra), buf);
	if (counts_len)
		nla_put(m, PTSCOPE_A_COUNTS, counts_len, &c);
	if (reason >= 0)
		nla_put_u8(m, PTSCOPE_A_END_REASON, (uint8_t)reason);
	free(buf);
	return m;
}

static void test_messages(void)
{
	struct ptscope_event two[2] = { cow, hidden }, got;
	struct ps_events_msg em;
	const char *why = "";
	struct nl_msg *m;
	int r;

	m = events_msg(PTSCOPE_CMD_EVENTS, two, 2, 0, sizeof(struct ptscope_counts), -1);
	r = ps_parse_events(nlmsg_hdr(m), false, &em, &why);
	ps_events_get(&em, 1, &got);
	ok(!r && em.nr == 2 && em.has_counts && em.counts.delivered[PTSCOPE_EV_FAULT] == 2 &&
	   !memcmp(&got, &hidden, sizeof(got)) && ps_msg_cmd(nlmsg_hdr(m)) == PTSCOPE_CMD_EVENTS,
	   "two events and counts come through (%s)", why);
	nlmsg_free(m);

	m = events_msg(PTSCOPE_CMD_EVENTS, two, 1, 4, sizeof(struct ptscope_counts), -1);
	ok(ps_parse_events(nlmsg_hdr(m), false, &em, &why) && strstr(why, "whole number"),
	   "events that are not a whole number of structs are refused: %s", why);
	nlmsg_free(m);

	m = events_msg(PTSCOPE_CMD_EVENTS, two, 1, 0, 16, -1);
	ok(ps_parse_events(nlmsg_hdr(m), false, &em, &why) && strstr(why, "size"),
	   "counts of another size are refused: %s", why);
	nlmsg_free(m);

	m = events_msg(PTSCOPE_CMD_WATCH_END, two, 0, 0, sizeof(struct ptscope_counts), -1);
	ok(ps_parse_events(nlmsg_hdr(m), true, &em, &why), "an end without a reason is refused");
	nlmsg_free(m);
	m = events_msg(PTSCOPE_CMD_WATCH_END, two, 0, 0, sizeof(struct ptscope_counts),
		       PTSCOPE_END_EXITED);
	ok(!ps_parse_events(nlmsg_hdr(m), true, &em, &why) && em.nr == 0 && em.has_end &&
	   em.end_reason == PTSCOPE_END_EXITED, "an end with counts and a reason");
	nlmsg_free(m);
}

static struct nl_msg *ctrl_msg(int cmd, uint16_t family)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, 0, GENL_ID_CTRL, 0, 0, cmd, 2);
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, "ptscope");
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, family);
	return m;
}

static void test_family_removed(void)
{
	struct nl_msg *m = ctrl_msg(CTRL_CMD_DELFAMILY, 0x42);

	ok(ps_family_removed(nlmsg_hdr(m), 0x42), "the controller's DELFAMILY for our family");
	ok(!ps_family_removed(nlmsg_hdr(m), 0x43), "another family's is not ours");
	nlmsg_free(m);
	m = ctrl_msg(CTRL_CMD_NEWFAMILY, 0x42);
	ok(!ps_family_removed(nlmsg_hdr(m), 0x42), "NEWFAMILY is no end");
	nlmsg_free(m);
	m = events_msg(CTRL_CMD_DELFAMILY, &cow, 1, 0, 0, -1);
	ok(!ps_family_removed(nlmsg_hdr(m), 16), "our own message numbered like it is not the controller's");
	nlmsg_free(m);
}

static void test_stat(void)
{
	struct nl_msg *m = nlmsg_alloc();
	struct ptscope_counts c = { 0 };
	struct nlattr *n;
	struct ps_stat st;
	const char *why = "";
	int r;

	genlmsg_put(m, 0, 0, 16, 0, 0, PTSCOPE_CMD_STAT, 1);
	nla_put_string(m, PTSCOPE_A_VERSION, "0.2.0");
	nla_put_string(m, PTSCOPE_A_KERNEL, "6.1.0-test");
	nla_put_u8(m, PTSCOPE_A_PAGING_LEVELS, 5);
	nla_put_u32(m, PTSCOPE_A_BUFFER, 4096);
	n = nla_nest_start(m, PTSCOPE_A_HOOK);
	nla_put_u32(m, PTSCOPE_HOOK_A_KINDS, PTSCOPE_EVK_FAULT);
	nla_put_string(m, PTSCOPE_HOOK_A_NAME, "kretprobe:handle_mm_fault");
	nla_put_flag(m, PTSCOPE_HOOK_A_ACTIVE);
	nla_put_u32(m, PTSCOPE_HOOK_A_MISSED, 2);
	nla_nest_end(m, n);
	n = nla_nest_start(m, PTSCOPE_A_HOOK);
	nla_put_u32(m, PTSCOPE_HOOK_A_KINDS, PTSCOPE_EVK_TLB);
	nla_put_string(m, PTSCOPE_HOOK_A_NAME, "tracepoint:tlb_flush");
	nla_nest_end(m, n);
	n = nla_nest_start(m, PTSCOPE_A_OBJECTS);
	nla_put_u64(m, PTSCOPE_OBJ_A_SUBS, 1);
	nla_put_u64(m, PTSCOPE_OBJ_A_TARGETS, 2);
	nla_nest_end(m, n);
	c.occurred[PTSCOPE_EV_FAULT] = 5;
	nla_put(m, PTSCOPE_A_COUNTS, sizeof(c), &c);
	n = nla_nest_start(m, PTSCOPE_A_SUB);
	nla_put_u32(m, PTSCOPE_SUB_A_PORTID, 4242);
	nla_put_u32(m, PTSCOPE_SUB_A_PID, 100);
	nla_put_u32(m, PTSCOPE_SUB_A_PID, 101);
	nla_put_u32(m, PTSCOPE_SUB_A_EVENT_MASK, PTSCOPE_EVK_ALL);
	nla_put_u32(m, PTSCOPE_SUB_A_BUFFER, 1024);
	nla_nest_end(m, n);

	r = ps_parse_stat(nlmsg_hdr(m), &st, &why);
	ok(!r && !strcmp(st.version, "0.2.0") && !strcmp(st.kernel, "6.1.0-test") &&
	   st.paging_levels == 5 && st.buffer == 4096 && st.has_counts &&
	   st.counts.occurred[PTSCOPE_EV_FAULT] == 5, "stat: the module's facts (%s)", why);
	ok(!r && st.nr_hooks == 2 && st.hooks[0].active && st.hooks[0].missed == 2 &&
	   !st.hooks[1].active && !strcmp(st.hooks[1].name, "tracepoint:tlb_flush"),
	   "stat: each hook, in order");
	ok(!r && st.has_objects && st.subscriptions == 1 && st.targets == 2 && st.mms == 0,
	   "stat: live objects");
	ok(!r && st.nr_subs == 1 && st.subs[0].portid == 4242 && st.subs[0].nr_pids == 2 &&
	   st.subs[0].pids[1] == 101 && st.subs[0].buffer == 1024 && !st.subs[0].has_counts,
	   "stat: a subscription with its repeated pids");
	ps_stat_free(&st);
	nlmsg_free(m);
}

static const char maps1[] =
	"555555554000-555555556000 r-xp 00000000 08:01 1234                       /usr/bin/target\n"
	"555555756000-555555777000 rw-p 00000000 00:00 0                          [heap]\n"
	"7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n";

/* Later: the heap grew, /dev/zero was mapped. */
static const char maps2[] =
	"555555554000-555555556000 r-xp 00000000 08:01 1234                       /usr/bin/target\n"
	"555555756000-555555799000 rw-p 00000000 00:00 0                          [heap]\n"
	"600000000000-600000001000 rw-s 00000000 00:05 6                          /dev/zero (deleted)\n"
	"7f0000000000-7f0000100000 rw-p 00000000 00:00 0\n"
	"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]";

static void test_summary(void)
{
	struct ps_summary *s = ps_summary_new();
	struct ptscope_counts c = { 0 };
	FILE *f;

	ok(!ps_summary_maps(s, 100, maps1), "maps read");
	ok(ps_summary_fault(s, 100, 0x555555756010ULL, false) &&
	   ps_summary_fault(s, 100, 0x555555756ff8ULL, true) &&
	   ps_summary_fault(s, 100, 0x555555756000ULL, false) &&
	   ps_summary_fault(s, 100, 0x555555757000ULL, false), "heap faults are known");
	ps_summary_fault(s, 100, 0x7f0000000008ULL, false);
	ps_summary_fault(s, 100, 0x7f0000000010ULL, false);
	ps_summary_fault(s, 100, 0x7ffd00020000ULL, false);
	ok(!ps_summary_fault(s, 100, 0x600000000000ULL, false),
	   "a fault in a mapping made since the maps: not known yet");
	ok(!ps_summary_fault(s, 100, 0x610000000000ULL, true), "another nowhere");
	ok(!ps_summary_maps(s, 100, maps2), "maps read again");
	ok(ps_summary_fault(s, 100, 0x555555790000ULL, false), "the grown heap is known");
	ps_summary_exec(s, 100);
	ok(!ps_summary_fault(s, 100, 0x555555756000ULL, false),
	   "after exec, nothing is known of the old address space");
	c.occurred[PTSCOPE_EV_FAULT] = 12;
	c.delivered[PTSCOPE_EV_FAULT] = 11;
	c.dropped[PTSCOPE_EV_FAULT] = 1;
	c.occurred[PTSCOPE_EV_EXEC] = 1;
	c.delivered[PTSCOPE_EV_EXEC] = 1;
	ps_summary_counts(s, &c);

	f = capture();
	ps_summary_json(s, f);
	fclose(f);
	ok_out(strstr(out, "{\"type\":\"summary\",\"occurred\":{\"fault\":12,\"exec\":1},"
		       "\"delivered\":{\"fault\":11,\"exec\":1},\"dropped\":{\"fault\":1,\"exec\":0},"
		       "\"faults\":11,") == out, "summary counts");
	ok(strstr(out, "\"faults_per_vma\":["
		       "{\"pid\":100,\"start\":\"0x555555756000\",\"end\":\"0x555555799000\","
		       "\"name\":\"[heap]\",\"faults\":5,\"major\":1},"
		       "{\"pid\":100,\"start\":\"0x7f0000000000\",\"end\":\"0x7f0000100000\","
		       "\"name\":\"[anon]\",\"faults\":2,\"major\":0},"
		       "{\"pid\":null,\"start\":null,\"end\":null,\"name\":\"[unknown]\","
		       "\"faults\":2,\"major\":1},"
		       "{\"pid\":100,\"start\":\"0x600000000000\",\"end\":\"0x600000001000\","
		       "\"name\":\"/dev/zero (deleted)\",\"faults\":1,\"major\":0},"
		       "{\"pid\":100,\"start\":\"0x7ffd00000000\",\"end\":\"0x7ffd00021000\","
		       "\"name\":\"[stack]\",\"faults\":1,\"major\":0}]"),
	   "faults per VMA: the grown heap is one, the late mapping is charged, the rest unknown");
	ok(strstr(out, "\"top_pages\":[{\"pid\":100,\"va\":\"0x555555756000\",\"faults\":3,"
		       "\"major\":1,\"vma\":\"[heap]\"},{\"pid\":100,\"va\":\"0x7f0000000000\","
		       "\"faults\":2,\"major\":0,\"vma\":\"[anon]\"},"),
	   "top pages: by faults, 4 KiB pages");
	ok(strstr(out, "\"va\":\"0x610000000000\",\"faults\":1,\"major\":1,\"vma\":\"[unknown]\""),
	   "a page no maps explained stays unknown");

	f = capture();
	ps_summary_text(s, f, false);
	fclose(f);
	ok_out(out[0] == '\n' && strstr(out, "fault                  12         11          1\n") &&
	   strstr(out, "faults per VMA (5 of 5 with faults):\n") &&
	   strstr(out, "      100  555555756000-555555799000           5        1  [heap]\n") &&
	   strstr(out, "                                               2        1  [unknown]\n") &&
	   strstr(out, "most-faulted pages (8 of 8):\n") &&
	   strstr(out, "      100  555555756000            3        1  [heap]\n"),
	   "summary in words");
	ps_summary_free(s);

	s = ps_summary_new();
	f = capture();
	ps_summary_json(s, f);
	fclose(f);
	ok_out(!strcmp(out, "{\"type\":\"summary\",\"occurred\":{},\"delivered\":{},\"dropped\":{},"
			"\"faults\":0,\"faults_per_vma\":[],\"top_pages\":[]}\n"),
	   "an empty summary");
	ps_summary_free(s);
}

/*
 * Many pages, as a long watch sees them: the table of pages grows many
 * times, half of them wait for a VMA, and the ranking picks ten of 20,000
 * with ties. Page k of each range faults 1 + k * 7919 % 97 times, the
 * faults of the two ranges interleaved, round after round.
 */
#define MANY		10000
#define MANY_A		0x7f0000000000ULL	/* in the first maps */
#define MANY_B		0x7f1000000000ULL	/* only in the second */

static unsigned int many_faults(unsigned int k)
{
	return 1 + k * 7919 % 97;
}

static void test_summary_many(void)
{
	static const char maps_a[] = "7f0000000000-7f0010000000 rw-p 00000000 00:00 0\n";
	static const char maps_ab[] =
		"7f0000000000-7f0010000000 rw-p 00000000 00:00 0\n"
		"7f1000000000-7f1010000000 rw-p 00000000 00:00 0  /dev/shm/b\n";
	struct ps_summary *s = ps_summary_new();
	char want[2048] = "", *w = want;
	unsigned int k, round, n = 0, total = 0;
	bool known = true, unknown = true;
	FILE *f;

	ok(!ps_summary_maps(s, 200, maps_a), "maps read");
	for (round = 1; round <= 97; round++) {
		for (k = 0; k < MANY; k++) {
			if (many_faults(k) < round)
				continue;
			known &= ps_summary_fault(s, 200, MANY_A + k * 4096ULL + 8, false);
			unknown &= !ps_summary_fault(s, 200, MANY_B + k * 4096ULL, k & 1);
			total += 2;
		}
	}
	ok(known && unknown, "%u faults: A's known, B's waiting for the maps", total);
	ok(!ps_summary_maps(s, 200, maps_ab), "maps read again");

	/* Most faults first; among equals, lower addresses: A's pages. */
	for (round = 97; n < PS_SUMMARY_TOP; round--)
		for (k = 0; k < MANY && n < PS_SUMMARY_TOP; k++)
			if (many_faults(k) == round) {
				w += sprintf(w, "%s{\"pid\":200,\"va\":\"0x%llx\",\"faults\":%u,"
					     "\"major\":0,\"vma\":\"[anon]\"}", n ? "," : "",
					     MANY_A + k * 4096ULL, round);
				n++;
			}
	f = capture();
	ps_summary_json(s, f);
	fclose(f);
	ok_out(strstr(out, want) && strstr(out, "\"top_pages\":[{") + 13 == strstr(out, want),
	       "the ten most-faulted of 20,000 pages, in order");
	snprintf(want, sizeof(want), "\"faults_per_vma\":["
		 "{\"pid\":200,\"start\":\"0x7f0000000000\",\"end\":\"0x7f0010000000\","
		 "\"name\":\"[anon]\",\"faults\":%u,\"major\":0},"
		 "{\"pid\":200,\"start\":\"0x7f1000000000\",\"end\":\"0x7f1010000000\","
		 "\"name\":\"/dev/shm/b\",\"faults\":%u,\"major\":", total / 2, total / 2);
	ok(strstr(out, want) != NULL, "every waiting fault charged once the maps tell");
	ps_summary_free(s);
}

int main(void)
{
	test_events();
	test_drops();
	test_kinds();
	test_messages();
	test_family_removed();
	test_stat();
	test_summary();
	test_summary_many();
	free(out);
	return tap_done();
}
