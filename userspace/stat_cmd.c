// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope stat`: what the live-event machinery in the module is doing:
 * its hooks, its live objects, what it has counted, who is subscribed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include "../module/uapi/ptscope.h"
#include "cli.h"
#include "event.h"
#include "json.h"
#include "nl.h"
#include "ptscope.h"
#include "term.h"
#include "watchreply.h"

static int stat_reply(struct nl_msg *msg, void *arg)
{
	const char *why;

	/* Should the module answer twice, the last answer counts, alone. */
	ps_stat_free(arg);
	if (ps_parse_stat(nlmsg_hdr(msg), arg, &why)) {
		ps_err("unexpected answer from the module: %s", why);
		return -EPROTO;
	}
	return 0;
}

static void kinds_json(struct ps_json *j, const char *key, uint32_t mask)
{
	const char *names[8];
	size_t i, n = ps_evk_names(mask, names, 8);

	ps_json_arr(j, key);
	for (i = 0; i < n; i++)
		ps_json_str(j, NULL, names[i]);
	ps_json_arr_end(j);
}

static void counts_obj(struct ps_json *j, bool has, const struct ptscope_counts *c)
{
	struct ptscope_counts none = { 0 };

	ps_json_obj(j, "counts");
	ps_counts_json(j, has ? c : &none);
	ps_json_obj_end(j);
}

static void print_json(const struct ps_stat *st)
{
	struct ps_json j;
	size_t i, k;

	ps_json_begin(&j, stdout);
	ps_json_str(&j, "version", st->version);
	ps_json_str(&j, "kernel", st->kernel);
	ps_json_u64(&j, "paging_levels", st->paging_levels);
	ps_json_u64(&j, "buffer_events", st->buffer);
	ps_json_arr(&j, "hooks");
	for (i = 0; i < st->nr_hooks; i++) {
		ps_json_obj(&j, NULL);
		kinds_json(&j, "kinds", st->hooks[i].kinds);
		ps_json_str(&j, "name", st->hooks[i].name);
		ps_json_bool(&j, "active", st->hooks[i].active);
		ps_json_u64(&j, "missed", st->hooks[i].missed);
		ps_json_obj_end(&j);
	}
	ps_json_arr_end(&j);
	ps_json_obj(&j, "objects");
	ps_json_u64(&j, "subscriptions", st->subscriptions);
	ps_json_u64(&j, "targets", st->targets);
	ps_json_u64(&j, "mms", st->mms);
	ps_json_u64(&j, "notifiers", st->notifiers);
	ps_json_u64(&j, "requests", st->requests);
	ps_json_u64(&j, "users", st->users);
	ps_json_obj_end(&j);
	counts_obj(&j, st->has_counts, &st->counts);
	ps_json_arr(&j, "subscriptions");
	for (i = 0; i < st->nr_subs; i++) {
		const struct ps_sub *s = &st->subs[i];

		ps_json_obj(&j, NULL);
		ps_json_u64(&j, "portid", s->portid);
		ps_json_arr(&j, "pids");
		for (k = 0; k < s->nr_pids; k++)
			ps_json_u64(&j, NULL, s->pids[k]);
		ps_json_arr_end(&j);
		kinds_json(&j, "events", s->mask);
		ps_json_u64(&j, "buffer", s->buffer);
		ps_json_u64(&j, "buffered", s->buffered);
		counts_obj(&j, s->has_counts, &s->counts);
		ps_json_obj_end(&j);
	}
	ps_json_arr_end(&j);
	ps_json_end(&j);
}

static void print_subs(const struct ps_stat *st, const struct ps_style *s)
{
	size_t i, k;

	printf("\nsubscriptions:\n");
	if (!st->nr_subs) {
		printf("  none\n");
		return;
	}
	printf("%s  %10s  %-20s %-28s %8s %9s %10s %9s%s\n", s->bold, "portid", "pids",
	       "events", "buffer", "buffered", "delivered", "dropped", s->reset);
	for (i = 0; i < st->nr_subs; i++) {
		const struct ps_sub *sub = &st->subs[i];
		char pids[24] = "(not yours)", kinds[64];
		int n = 0;

		for (k = 0; k < sub->nr_pids && n >= 0 && (size_t)n < sizeof(pids); k++)
			n += snprintf(pids + n, sizeof(pids) - (size_t)n, "%s%u", k ? "," : "",
				      sub->pids[k]);
		if ((size_t)n >= sizeof(pids))	/* too many to show: say so */
			snprintf(pids + sizeof(pids) - 4, 4, "...");
		ps_evk_list(sub->mask, kinds, sizeof(kinds));
		printf("  %10u  %-20s %-28s %8u %9u %10" PRIu64 " %9" PRIu64 "\n", sub->portid,
		       pids, kinds, sub->buffer, sub->buffered,
		       sub->has_counts ? ps_counts_total(sub->counts.delivered) : 0,
		       sub->has_counts ? ps_counts_total(sub->counts.dropped) : 0);
	}
}

static void print_text(const struct ps_stat *st, bool color)
{
	const struct ps_style *s = ps_style(color);
	struct ptscope_counts none = { 0 };
	size_t i;

	printf("%smodule%s   %s\n", s->bold, s->reset, st->version);
	printf("%skernel%s   %s\n", s->bold, s->reset, st->kernel[0] ? st->kernel : "?");
	printf("%spaging%s   %u levels\n", s->bold, s->reset, st->paging_levels);
	printf("%sbuffer%s   %u events per CPU by default\n", s->bold, s->reset, st->buffer);

	printf("\nhooks:\n");
	if (!st->nr_hooks)
		printf("  none\n");
	else
		printf("%s  %-28s %-8s %10s  %s%s\n", s->bold, "events", "attached", "missed",
		       "hook", s->reset);
	for (i = 0; i < st->nr_hooks; i++) {
		const struct ps_hook *h = &st->hooks[i];
		char kinds[64];

		ps_evk_list(h->kinds, kinds, sizeof(kinds));
		printf("  %-28s %s%-8s%s %10u  %s\n", kinds, h->active ? s->green : s->red,
		       h->active ? "yes" : "no", s->reset, h->missed, h->name);
	}

	printf("\nobjects:\n");
	printf("  %" PRIu64 " subscriptions, %" PRIu64 " watched processes, %" PRIu64
	       " address spaces, %" PRIu64 " mmu notifiers\n", st->subscriptions,
	       st->targets, st->mms, st->notifiers);
	printf("  %" PRIu64 " walk/dump requests in flight, %" PRIu64
	       " users holding any of these\n", st->requests, st->users);

	printf("\nevents since the module was loaded:\n");
	ps_counts_text(stdout, st->has_counts ? &st->counts : &none, "  ", color);
	print_subs(st, s);
}

static int run_stat(const struct ps_opts *o, int argc, char **argv)
{
	struct ps_opts opts = *o;
	struct ps_stat st = { 0 };
	struct nl_msg *msg;
	struct ps_nl nl;
	int c, err;

	c = ps_json_opts(&ps_cmd_stat, argc, argv, &opts);
	if (c >= 0)
		return c;
	if (argc != optind)
		return ps_usage(&ps_cmd_stat);
	if (ps_nl_open(&nl))
		return PS_EXIT_FAIL;
	msg = ps_nl_msg(&nl, PTSCOPE_CMD_STAT, NLM_F_ACK, 0);
	err = msg ? ps_nl_transact(&nl, msg, stat_reply, &st, NULL) : -ENOMEM;
	ps_nl_close(&nl);
	if (!err && !st.version[0]) {
		ps_err("the module did not answer with its statistics");
		err = -EPROTO;
	}
	if (!err) {
		if (opts.json)
			print_json(&st);
		else
			print_text(&st, opts.color);
	}
	ps_stat_free(&st);
	return err ? PS_EXIT_FAIL : PS_EXIT_OK;
}

const struct ps_command ps_cmd_stat = {
	.name = "stat",
	.args = "[--json]",
	.summary = "the module's event hooks, live objects, counts and subscriptions",
	.help =
	"Asks the module what its live-event side is doing and prints:\n"
	"  module, kernel, paging levels, and the default buffer (events per CPU)\n"
	"  hooks          per hook: the event kinds it feeds, whether it is\n"
	"                 attached now, the hits the kernel could not hand over\n"
	"                 (missed), and what is hooked\n"
	"  objects        live subscriptions, watched processes, address spaces,\n"
	"                 mmu notifiers, walk/dump requests in flight and users\n"
	"                 holding any of them (all 0 once nobody asks anything)\n"
	"  events         since the module was loaded, per type: occurred,\n"
	"                 delivered and dropped (only types that occurred)\n"
	"  subscriptions  per subscriber (netlink port): the pids (only yours,\n"
	"                 unless you have CAP_SYS_ADMIN), the event kinds, the\n"
	"                 buffer, events buffered now, delivered and dropped\n"
	"\n"
	"  -j, --json   one object: version, kernel, paging_levels, buffer_events,\n"
	"               hooks [{kinds, name, active, missed}], objects\n"
	"               {subscriptions, targets, mms, notifiers, requests, users},\n"
	"               counts {occurred,\n"
	"               delivered, dropped}, subscriptions [{portid, pids, events,\n"
	"               buffer, buffered, counts}]\n",
	.run = run_stat,
};
