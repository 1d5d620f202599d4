// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: `ptscope watch`, the whole subscription as the command runs
 * it, against a kernel that answers with the input: the GET_INFO and
 * SWAP_AREAS it asks first (with swap events), the controller's answer
 * about its "notify" group, the answer or refusal (extended ACK) to WATCH,
 * then EVENTS, WATCH_END, the family's removal, the ACK or error of
 * UNWATCH, in any order and any shape. Events are printed (text or JSON)
 * and summed up (the summary reads made-up /proc/PID/maps, fuzz.c).
 *
 * The watch always has --duration 1: once the input is spent, the virtual
 * clock runs to its end, the client unwatches, and waits its 5 seconds
 * for WATCH_END in no time.
 *
 * Input: an option byte, an event-kind byte, then datagrams (fuzz.h).
 *
 *   options      bit 0 --json, bit 1 colour, bit 2 --children, bit 3
 *                --count 3, bit 4 two pids, bit 5 --buffer 64
 *   event kinds  0: all (the default); else bits of fault, tlb, swap,
 *                unmap, process for --events
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "../../userspace/event.h"
#include "../../userspace/ptscope.h"
#include "fuzz.h"

static const int handled[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT };
#define NR_HANDLED (sizeof(handled) / sizeof(handled[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sigaction saved[NR_HANDLED];
	struct ps_opts o = { false, false };
	char events[64], *argv[32];
	sigset_t mask;
	uint8_t opt, kind;
	unsigned int i;
	int argc = 0;

	fz_begin(data, size);
	opt = fz_byte();
	kind = fz_byte() & 0x1f;
	o.json = opt & 1;
	o.color = opt & 2;

	argv[argc++] = "watch";
	argv[argc++] = "--duration";
	argv[argc++] = "1";
	if (kind) {
		ps_evk_list(kind, events, sizeof(events));	/* "fault,swap" */
		argv[argc++] = "--events";
		argv[argc++] = events;
	}
	if (opt & 4)
		argv[argc++] = "--children";
	if (opt & 8) {
		argv[argc++] = "--count";
		argv[argc++] = "3";
	}
	if (opt & 32) {
		argv[argc++] = "--buffer";
		argv[argc++] = "64";
	}
	argv[argc++] = "4242";
	if (opt & 16)
		argv[argc++] = "4343";
	argv[argc] = NULL;

	/* The watch takes over these signals; the fuzzer wants its own back. */
	for (i = 0; i < NR_HANDLED; i++)
		sigaction(handled[i], NULL, &saved[i]);
	sigprocmask(SIG_BLOCK, NULL, &mask);

	ps_cmd_watch.run(&o, argc, argv);

	for (i = 0; i < NR_HANDLED; i++)
		sigaction(handled[i], &saved[i], NULL);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	fz_end();
	return 0;
}
