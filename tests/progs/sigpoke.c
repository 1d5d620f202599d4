// SPDX-License-Identifier: GPL-2.0
/*
 * sigpoke PID ADDR: ask tests/progs/target to write one byte at ADDR (in
 * its "untouched" mapping), by SIGUSR1 carrying ADDR. Exit status 1 if the
 * signal could not be sent (errno's reason on stderr).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

int main(int argc, char **argv)
{
	union sigval v;

	if (argc != 3) {
		fprintf(stderr, "usage: sigpoke PID ADDR\n");
		return 2;
	}
	v.sival_ptr = (void *)strtoul(argv[2], NULL, 0);
	if (sigqueue(atoi(argv[1]), SIGUSR1, v)) {
		fprintf(stderr, "sigpoke: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
