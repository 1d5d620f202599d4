/* SPDX-License-Identifier: GPL-2.0 */
/* The shape shared by commands that answer "PID ADDR...". */
#ifndef PTSCOPE_CLI_H
#define PTSCOPE_CLI_H

#include "ptscope.h"
#include "reply.h"

typedef void (*ps_walk_printer)(const struct ps_walk *w, const struct ps_opts *o,
				const char *spec, bool first);

/*
 * The options of a command that has only --json and --help: -1 to go on,
 * with optind at the first operand, or the exit code to return.
 */
int ps_json_opts(const struct ps_command *cmd, int argc, char **argv,
		 struct ps_opts *opts);
int ps_walk_command(const struct ps_command *cmd, const struct ps_opts *o,
		    int argc, char **argv, ps_walk_printer print);

/* Leaf helpers shared by the printers. */
const struct ps_level *ps_walk_leaf(const struct ps_walk *w);
bool ps_walk_mapped(const struct ps_walk *w);

#endif
