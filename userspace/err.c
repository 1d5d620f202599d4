// SPDX-License-Identifier: GPL-2.0
/*
 * How the client speaks of trouble: "ptscope: ..." on stderr, after what
 * it has said on stdout. Its own file, so the test and benchmark programs
 * that share nl.c print the same way.
 */
#include <stdarg.h>
#include <stdio.h>
#include "ptscope.h"

void ps_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("ptscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
