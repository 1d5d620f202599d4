// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope watch`: the live events of running processes, as they happen.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "../module/uapi/ptscope.h"
#include "event.h"
#include "ptscope.h"
#include "request.h"
#include "watch.h"

static int bad_number(const struct ps_command *cmd, const char *opt, const char *arg,
		      const char *want)
{
	ps_err("%s takes %s, not '%s'", opt, want, arg);
	return ps_usage(cmd);
}

/* A decimal in [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end || *v < min || *v > max ? -1 : 0;
}

int ps_watch_option(const struct ps_command *cmd, int c, const char *arg,
		    struct ps_watch_opts *o)
{
	char bad[64];
	uint64_t v;

	switch (c) {
	case 'e':
		if (ps_evk_parse(arg, &o->mask, bad, sizeof(bad))) {
			ps_err("--events: no event kind '%s' (fault, tlb, swap, unmap, process, all)",
			       bad);
			return ps_usage(cmd);
		}
		return -1;
	case 'n':
		if (parse_u64(arg, 1, UINT64_MAX, &v))
			return bad_number(cmd, "--count", arg, "a number of events");
		o->count = v;
		return -1;
	case 'b':
		/* Its range is the module's to check, and to explain. */
		if (parse_u64(arg, 0, UINT32_MAX, &v))
			return bad_number(cmd, "--buffer", arg, "a number of events");
		o->buffer = (uint32_t)v;
		o->has_buffer = true;
		return -1;
	case 'c':
		o->flags |= PTSCOPE_WATCH_F_CHILDREN;
		return -1;
	case 'j':
		o->json = true;
		return -1;
	case 'h':
		return ps_help(cmd);
	default:
		return ps_usage(cmd);
	}
}

static int run_watch(const struct ps_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		PS_WATCH_LONGOPTS,
		{ "duration", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct ps_watch_opts wo = {
		.mask = PTSCOPE_EVK_ALL, .json = o->json, .color = o->color,
	};
	uint32_t pids[PTSCOPE_WATCH_MAX_PIDS];
	struct ps_watch *w = NULL;
	int c, i, n, rc;
	char *end;

	/*
	 * 0, not 1: glibc then starts afresh, and permutes, so options may
	 * follow the pids (main's getopt stopped at the command with '+').
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, "e:n:d:cb:jh", longopts, NULL)) != -1) {
		if (c == 'd') {
			errno = 0;
			wo.duration = strtod(optarg, &end);
			if (errno || *end || end == optarg || !isfinite(wo.duration) ||
			    wo.duration <= 0 || wo.duration > 1e9)
				return bad_number(&ps_cmd_watch, "--duration", optarg,
						  "a number of seconds");
			continue;
		}
		rc = ps_watch_option(&ps_cmd_watch, c, optarg, &wo);
		if (rc >= 0)
			return rc;
	}
	n = argc - optind;
	if (n < 1) {
		ps_err("watch needs at least one PID");
		return ps_usage(&ps_cmd_watch);
	}
	if (n > PTSCOPE_WATCH_MAX_PIDS) {
		ps_err("one watch takes at most %d processes", PTSCOPE_WATCH_MAX_PIDS);
		return PS_EXIT_USAGE;
	}
	for (i = 0; i < n; i++) {
		int pid;

		if (ps_parse_pid(argv[optind + i], &pid))
			return PS_EXIT_USAGE;
		pids[i] = (uint32_t)pid;
	}
	wo.pids = pids;
	wo.nr_pids = (size_t)n;

	rc = ps_watch_start(&wo, &w);
	if (rc == PS_EXIT_OK)
		rc = ps_watch_loop(w);
	if (rc == PS_EXIT_OK)
		rc = ps_watch_report(w);
	ps_watch_free(w);
	return rc;
}

const struct ps_command ps_cmd_watch = {
	.name = "watch",
	.args = "[--events LIST] [--count N] [--duration S] [--children] [--buffer N] [--json] PID...",
	.summary = "live page faults, TLB flushes, swapping and unmapping of processes",
	.help =
	"Subscribes to the module's live events of processes PID... (all their\n"
	"threads; at most 64) and prints one line per event as it happens, until\n"
	"Ctrl-C, --count or --duration, or until every process has exited; then\n"
	"a summary: events per type (occurred, delivered, dropped), faults per\n"
	"VMA and the most-faulted pages, top 10 each.\n"
	"\n"
	"  -e, --events LIST  comma-separated kinds: fault; tlb (flushes and\n"
	"                     shootdowns); swap (out and in); unmap (ranges\n"
	"                     unmapped or write-protected); process (exec, fork,\n"
	"                     exit); all, the default\n"
	"  -n, --count N      stop after printing N events\n"
	"  -d, --duration S   stop after S seconds (fractions allowed)\n"
	"  -c, --children     also the children they fork from now on\n"
	"  -b, --buffer N     events the module buffers per CPU (16 to 1048576,\n"
	"                     rounded up to a power of two); when a buffer is\n"
	"                     full, new events are dropped and counted\n"
	"  -j, --json         one JSON object per line: events, drops, summary\n"
	"\n"
	"Once the module has accepted, one line on stderr begins \"ptscope:\n"
	"watching\". Each event line then gives the seconds since then, the\n"
	"CPU, pid/tid (- for a kernel thread), the type and what it says:\n"
	"  fault          address, read/write/exec, user or kernel, the leaf's\n"
	"                 state before -> after, page size, frame (and the one a\n"
	"                 COW copied), the new rights, the outcome (minor, major,\n"
	"                 cow, protection, retry, sigsegv, sigbus, oom, error),\n"
	"                 major if counted so, the CPU's error code\n"
	"  tlb_flush      range, pages, stride, why, whether other CPUs were\n"
	"                 interrupted (IPI) and page tables freed\n"
	"  tlb_shootdown  pages this CPU flushed at another's request\n"
	"  swap_out/in    address, swap area, type and offset, swap cache\n"
	"  invalidate     range, what (unmap, clear, protection_vma, ...), why\n"
	"  fork           the child's pid; exec and exit say no more\n"
	"A line \"dropped: ...\" counts, per type, the events dropped since the\n"
	"last such line.\n"
	"\n"
	"JSON events have \"type\" (fault, tlb_flush, tlb_shootdown, swap_out,\n"
	"swap_in, invalidate, exec, fork, exit), \"seq\", \"time_ns\"\n"
	"(CLOCK_MONOTONIC), \"cpu\", \"pid\", \"tid\" and the type's fields;\n"
	"addresses and frames are hex strings, null when withheld. Then\n"
	"{\"type\":\"drops\",\"dropped\":{...}} and, last, {\"type\":\"summary\",...}.\n"
	"\n"
	"PID is a process id in your pid namespace; you may watch the processes\n"
	"whose /proc/PID/pagemap you may read, and frame numbers need\n"
	"CAP_SYS_ADMIN, as in pagemap. Faults are charged to VMAs as\n"
	"/proc/PID/maps lists them at the start, after exec and fork, and after\n"
	"a fault outside them; a mapping gone before it was read is [unknown].\n"
	"\n"
	"Exit status: 0 when stopped or when the processes exited; 1 when the\n"
	"watch failed or was ended by the module (unloaded, or a process\n"
	"exec()ed a program you may not look into).\n",
	.run = run_watch,
};
