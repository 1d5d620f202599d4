// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope run`: a command watched from before its first instruction. The
 * child waits on a pipe until the subscription stands, then exec()s.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "../module/uapi/ptscope.h"
#include "ptscope.h"
#include "watch.h"

static void child(int go, char **argv)
{
	char c;
	ssize_t n;

	do
		n = read(go, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)	/* the parent could not subscribe */
		_exit(PS_EXIT_FAIL);
	execvp(argv[0], argv);
	fprintf(stderr, "ptscope: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int reap(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			ps_err("waitpid: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* As a shell reports it. */
static int command_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return PS_EXIT_FAIL;
}

static int run_run(const struct ps_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		PS_WATCH_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct ps_watch_opts wo = {
		.mask = PTSCOPE_EVK_ALL, .json = o->json, .color = o->color,
	};
	struct ps_watch *w = NULL;
	uint32_t target;
	int c, rc, status, go[2];
	pid_t pid;

	optind = 1;
	/* '+': the command's own options are not ours. */
	while ((c = getopt_long(argc, argv, "+e:n:cb:jh", longopts, NULL)) != -1) {
		rc = ps_watch_option(&ps_cmd_run, c, optarg, &wo);
		if (rc >= 0)
			return rc;
	}
	if (optind >= argc) {
		ps_err("run needs a command");
		return ps_usage(&ps_cmd_run);
	}
	if (pipe2(go, O_CLOEXEC)) {
		ps_err("pipe: %s", strerror(errno));
		return PS_EXIT_FAIL;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ps_err("fork: %s", strerror(errno));
		return PS_EXIT_FAIL;
	}
	if (!pid) {
		close(go[1]);
		child(go[0], argv + optind);
	}
	close(go[0]);

	target = (uint32_t)pid;
	wo.pids = &target;
	wo.nr_pids = 1;
	wo.command = pid;
	wo.command_name = argv[optind];
	rc = ps_watch_start(&wo, &w);
	if (rc != PS_EXIT_OK) {
		kill(pid, SIGKILL);
		close(go[1]);
		reap(pid, &status);
		ps_watch_free(w);
		return PS_EXIT_FAIL;
	}
	if (write(go[1], "", 1) != 1) {
		ps_err("cannot start %s: %s", argv[optind], strerror(errno));
		kill(pid, SIGKILL);
	}
	close(go[1]);

	rc = ps_watch_loop(w);
	if (reap(pid, &status))
		rc = PS_EXIT_FAIL;
	if (rc == PS_EXIT_OK)
		rc = ps_watch_report(w);
	ps_watch_free(w);
	return rc == PS_EXIT_OK ? command_status(status) : PS_EXIT_FAIL;
}

const struct ps_command ps_cmd_run = {
	.name = "run",
	.args = "[--events LIST] [--count N] [--children] [--buffer N] [--json] -- COMMAND [ARGS...]",
	.summary = "run a command and watch its live events from its first instruction",
	.help =
	"Starts COMMAND subscribed to its events before it exec()s, prints them\n"
	"as `ptscope watch` does (see `ptscope help watch` for the lines and the\n"
	"JSON) until it exits, or with --children until its children have exited\n"
	"too, then the summary.\n"
	"\n"
	"  -e, --events LIST  fault, tlb, swap, unmap, process, all (default)\n"
	"  -n, --count N      print the first N events only; the watch goes on\n"
	"                     to the end, and the summary counts them all\n"
	"  -c, --children     also the children the command forks\n"
	"  -b, --buffer N     events the module buffers per CPU (16 to 1048576)\n"
	"  -j, --json         one JSON object per line: events, drops, summary\n"
	"\n"
	"Ctrl-C goes to the command, not to ptscope, which reports once the\n"
	"command has exited; SIGTERM and SIGHUP sent to ptscope are passed on to\n"
	"it. The command writes to the same standard output as the events: with\n"
	"--json, send its own output elsewhere (sh -c 'CMD >/dev/null') or its\n"
	"lines come between the JSON ones.\n"
	"\n"
	"Exit status: the command's; 128+N when signal N killed it; 127 when it\n"
	"could not be run; 1 when the watch failed or the module ended it\n"
	"(unloaded, or the command exec()ed a program you may not look into).\n",
	.run = run_run,
};
