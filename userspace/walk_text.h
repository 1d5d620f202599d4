/* SPDX-License-Identifier: GPL-2.0 */
/* Sentences about a walk, shared by `walk` and `explain`. */
#ifndef PTSCOPE_WALK_TEXT_H
#define PTSCOPE_WALK_TEXT_H

#include <stddef.h>
#include "ptscope.h"
#include "reply.h"

void ps_print_heading(const struct ps_walk *w, const struct ps_opts *o,
		      const char *spec);
void ps_print_outcome(const struct ps_walk *w, const struct ps_opts *o);
void ps_walk_print_json(const struct ps_walk *w);
size_t ps_walk_flags(const struct ps_walk *w, const char **names, size_t max);

#endif
