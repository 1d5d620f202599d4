/* SPDX-License-Identifier: GPL-2.0 */
/* Requests to ptscope.ko, with their answers delivered parsed. */
#ifndef PTSCOPE_REQUEST_H
#define PTSCOPE_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "nl.h"
#include "reply.h"

int ps_get_info(struct ps_nl *nl, struct ps_info *info);

/* Called once per address, in order; a non-zero return stops the walk. */
typedef int (*ps_walk_fn)(const struct ps_walk *w, void *arg);

/*
 * Walk @n addresses of process @pid, in as many requests as the module's
 * per-request limit needs. Returns 0 or a negative errno (already printed).
 */
int ps_walk_run(struct ps_nl *nl, int pid, const uint64_t *addrs, size_t n,
		ps_walk_fn fn, void *arg);

/* Parse "PID" as the kernel would accept it; prints why not. */
int ps_parse_pid(const char *s, int *pid);

#endif
