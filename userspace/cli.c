// SPDX-License-Identifier: GPL-2.0
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "../module/uapi/ptscope.h"
#include "addr.h"
#include "cli.h"
#include "request.h"
#include "term.h"

const struct ps_level *ps_walk_leaf(const struct ps_walk *w)
{
	return w->nr_levels ? &w->level[w->nr_levels - 1] : NULL;
}

bool ps_walk_mapped(const struct ps_walk *w)
{
	return w->state == PTSCOPE_STATE_PRESENT || w->state == PTSCOPE_STATE_PROTNONE;
}

struct run {
	const struct ps_opts *o;
	ps_walk_printer print;
	char **specs;
	size_t i, unmapped;
};

static int on_walk(const struct ps_walk *w, void *arg)
{
	struct run *r = arg;

	r->print(w, r->o, r->specs[r->i], r->i == 0);
	if (w->state == PTSCOPE_STATE_NO_VMA) {
		r->unmapped++;
		fflush(stdout);
		ps_err("%s (0x%" PRIx64 ") is not mapped in process %u: no VMA contains it",
		       r->specs[r->i], w->va, w->pid);
	}
	r->i++;
	return 0;
}

int ps_json_opts(const struct ps_command *cmd, int argc, char **argv,
		 struct ps_opts *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts->json = true;
			break;
		case 'h':
			return ps_help(cmd);
		default:
			return ps_usage(cmd);
		}
	}
	return -1;
}

int ps_walk_command(const struct ps_command *cmd, const struct ps_opts *o,
		    int argc, char **argv, ps_walk_printer print)
{
	struct ps_opts opts = *o;
	struct run r = { &opts, print, NULL, 0, 0 };
	struct ps_nl nl;
	uint64_t *addrs;
	int c, pid, i, n, err;

	c = ps_json_opts(cmd, argc, argv, &opts);
	if (c >= 0)
		return c;
	if (argc - optind < 2) {
		ps_err("%s needs a PID and at least one address", cmd->name);
		return ps_usage(cmd);
	}
	if (ps_parse_pid(argv[optind], &pid))
		return PS_EXIT_USAGE;

	n = argc - optind - 1;
	r.specs = argv + optind + 1;
	addrs = calloc((size_t)n, sizeof(*addrs));
	if (!addrs) {
		ps_err("out of memory");
		return PS_EXIT_FAIL;
	}
	for (i = 0; i < n; i++) {
		char why[512];

		if (ps_addr_resolve(pid, r.specs[i], &addrs[i], why, sizeof(why))) {
			ps_err("%s", why);
			free(addrs);
			return PS_EXIT_FAIL;
		}
	}

	if (ps_nl_open(&nl)) {
		free(addrs);
		return PS_EXIT_FAIL;
	}
	err = ps_walk_run(&nl, pid, addrs, (size_t)n, on_walk, &r);
	ps_nl_close(&nl);
	free(addrs);
	if (err)
		return PS_EXIT_FAIL;
	return r.unmapped ? PS_EXIT_UNMAPPED : PS_EXIT_OK;
}
