/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_TERM_H
#define PTSCOPE_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ps_color_mode { PS_COLOR_AUTO, PS_COLOR_ALWAYS, PS_COLOR_NEVER };

bool ps_color_wanted(enum ps_color_mode mode, int fd);

/* SGR sequences, or "" when colour is off. */
struct ps_style {
	const char *bold, *dim, *red, *green, *yellow, *blue, *magenta, *cyan,
		*reset;
};
const struct ps_style *ps_style(bool color);

/* "4 KiB", "2 MiB", "1 GiB", "12.5 MiB" */
void ps_fmt_size(char *buf, size_t len, uint64_t bytes);

#endif
