// SPDX-License-Identifier: GPL-2.0
/* Terminal presentation: colour only on a terminal, never with NO_COLOR. */

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "term.h"

bool ps_color_wanted(enum ps_color_mode mode, int fd)
{
	const char *no = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (mode == PS_COLOR_NEVER)
		return false;
	/* https://no-color.org: any non-empty value disables colour. */
	if (no && *no)
		return false;
	if (mode == PS_COLOR_ALWAYS)
		return true;
	return isatty(fd) && !(term && !__builtin_strcmp(term, "dumb"));
}

const struct ps_style *ps_style(bool color)
{
	static const struct ps_style on = {
		"\033[1m", "\033[2m", "\033[31m", "\033[32m", "\033[33m",
		"\033[34m", "\033[35m", "\033[36m", "\033[0m",
	};
	static const struct ps_style off = {
		"", "", "", "", "", "", "", "", "",
	};

	return color ? &on : &off;
}

void ps_fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	unsigned int u = 0;
	uint64_t whole = bytes;

	while (whole >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		whole /= 1024;
		u++;
	}
	if (u && (bytes & ((1ULL << (10 * u)) - 1)))
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)(1ULL << (10 * u)),
			 unit[u]);
	else
		snprintf(buf, len, "%llu %s", (unsigned long long)whole, unit[u]);
}
