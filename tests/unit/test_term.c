// SPDX-License-Identifier: GPL-2.0
/* When the client colours: --color, NO_COLOR (https://no-color.org), TERM, a tty. */
#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <unistd.h>
#include "../../userspace/term.h"
#include "tap.h"

int main(void)
{
	int pipefd[2], master = -1, tty = -1;

	if (pipe(pipefd) || openpty(&master, &tty, NULL, NULL, NULL))
		tty = -1;

	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	ok(ps_color_wanted(PS_COLOR_ALWAYS, pipefd[1]), "--color=always colours a pipe");
	ok(!ps_color_wanted(PS_COLOR_AUTO, pipefd[1]), "--color=auto does not colour a pipe");
	ok(!ps_color_wanted(PS_COLOR_NEVER, pipefd[1]), "--color=never does not colour");
	if (tty >= 0) {
		ok(ps_color_wanted(PS_COLOR_AUTO, tty), "--color=auto colours a terminal");
		ok(!ps_color_wanted(PS_COLOR_NEVER, tty), "--color=never not even a terminal");
		setenv("TERM", "dumb", 1);
		ok(!ps_color_wanted(PS_COLOR_AUTO, tty), "TERM=dumb: auto does not colour");
		ok(ps_color_wanted(PS_COLOR_ALWAYS, tty), "TERM=dumb: always still colours");
		setenv("TERM", "xterm", 1);
	} else {
		ok(1, "# SKIP no pseudo-terminal");
	}

	setenv("NO_COLOR", "1", 1);
	ok(!ps_color_wanted(PS_COLOR_ALWAYS, pipefd[1]), "NO_COLOR=1 beats --color=always");
	ok(!ps_color_wanted(PS_COLOR_AUTO, tty >= 0 ? tty : pipefd[1]),
	   "NO_COLOR=1 beats a terminal");
	setenv("NO_COLOR", "", 1);
	ok(ps_color_wanted(PS_COLOR_ALWAYS, pipefd[1]), "an empty NO_COLOR does not count");
	if (tty >= 0)
		ok(ps_color_wanted(PS_COLOR_AUTO, tty), "an empty NO_COLOR: a terminal colours");

	ok(!*ps_style(false)->red && !*ps_style(false)->reset, "no colour: empty sequences");
	ok(*ps_style(true)->reset == '\033', "colour: SGR sequences");
	return tap_done();
}
