/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The client's shared vocabulary: global options, exit codes, commands.
 *
 * Handler contract: return one of the PS_EXIT_* codes; a handler prints its
 * own error messages (through ps_err()) before returning non-zero.
 */
#ifndef PTSCOPE_CLIENT_H
#define PTSCOPE_CLIENT_H

#include <stdbool.h>

enum {
	PS_EXIT_OK	 = 0,
	PS_EXIT_FAIL	 = 1,	/* refused, not possible, system error */
	PS_EXIT_USAGE	 = 2,	/* bad command line */
	PS_EXIT_UNMAPPED = 3,	/* an address is not in any VMA */
};

struct ps_opts {
	bool json;
	bool color;
};

struct ps_command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;	/* the rest of `ptscope help NAME` */
	int (*run)(const struct ps_opts *o, int argc, char **argv);
};

extern const struct ps_command ps_cmd_walk;
extern const struct ps_command ps_cmd_explain;
extern const struct ps_command ps_cmd_map;
extern const struct ps_command ps_cmd_maps;
extern const struct ps_command ps_cmd_dump;
extern const struct ps_command ps_cmd_swaps;
extern const struct ps_command ps_cmd_watch;
extern const struct ps_command ps_cmd_run;
extern const struct ps_command ps_cmd_stat;

void ps_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ps_usage(const struct ps_command *c);	/* to stderr, PS_EXIT_USAGE */
int ps_help(const struct ps_command *c);	/* to stdout, PS_EXIT_OK */

#endif
