/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A subscription to live events and the loop that receives them, for
 * `ptscope watch` and `ptscope run`.
 */
#ifndef PTSCOPE_WATCH_H
#define PTSCOPE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ps_watch_opts {
	const uint32_t *pids;
	size_t nr_pids;
	uint32_t mask;			/* PTSCOPE_EVK_* */
	uint32_t flags;			/* PTSCOPE_WATCH_F_* */
	uint32_t buffer;		/* events per CPU, if has_buffer (the module checks) */
	bool has_buffer;
	uint64_t count;			/* events to print; 0: no limit */
	double duration;		/* seconds; 0: until stopped */
	bool json, color;
	/*
	 * ptscope run: the command. The watch then lasts as long as it does:
	 * SIGINT is left to it, SIGTERM and SIGHUP are passed on to it, and
	 * --count only ends the printing.
	 */
	pid_t command;
	const char *command_name;
};

struct ps_watch;

/*
 * Subscribe (errors printed, PS_EXIT_FAIL). Once the module has accepted,
 * `watch` says so on stderr in one line, "ptscope: watching ..."; `run`
 * keeps stderr to the command and to errors.
 */
int ps_watch_start(const struct ps_watch_opts *o, struct ps_watch **w);
/* Print events until the subscription ends; PS_EXIT_OK when it ended whole. */
int ps_watch_loop(struct ps_watch *w);
/* After a whole loop: the summary, then why it ended if not as asked; PS_EXIT_*. */
int ps_watch_report(struct ps_watch *w);
void ps_watch_free(struct ps_watch *w);

/*
 * An option that watch and run share (-e, -n, -c, -b, -j) into @o: -1 when
 * taken, else the exit code (a usage error, printed).
 */
struct ps_command;
#define PS_WATCH_LONGOPTS \
	{ "events", required_argument, NULL, 'e' }, \
	{ "count", required_argument, NULL, 'n' }, \
	{ "children", no_argument, NULL, 'c' }, \
	{ "buffer", required_argument, NULL, 'b' }, \
	{ "json", no_argument, NULL, 'j' }, \
	{ "help", no_argument, NULL, 'h' }
int ps_watch_option(const struct ps_command *cmd, int c, const char *arg,
		    struct ps_watch_opts *o);

#endif
