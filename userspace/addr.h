/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses as users write them: numbers, the anchors of the memory layout
 * the kernel records for every process (code, data, bss, heap, stack, args,
 * env), and the start of a mapping named as /proc/PID/maps names it
 * ([stack], [vdso], libc, /usr/bin/cat), each with an optional +OFFSET.
 */
#ifndef PTSCOPE_ADDR_H
#define PTSCOPE_ADDR_H

#include <stddef.h>
#include <stdint.h>

/*
 * 0x-prefixed: hex. Only digits: decimal. Digits and a-f: hex, as
 * /proc/PID/maps prints them. Returns 0, or -1 if @s is not a number.
 */
int ps_parse_number(const char *s, uint64_t *v);

/* Returns 0, or -1 with a reason in @why. */
int ps_addr_resolve(int pid, const char *spec, uint64_t *va, char *why,
		    size_t whylen);

/* The list of anchor names, for help texts. */
extern const char ps_addr_anchors_help[];

#endif
