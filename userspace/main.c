// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: look at the page tables of a live process.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "addr.h"
#include "ptscope.h"
#include "term.h"

static const struct ps_command *const commands[] = {
	&ps_cmd_walk,
	&ps_cmd_explain,
	&ps_cmd_map,
	&ps_cmd_maps,
	&ps_cmd_dump,
	&ps_cmd_swaps,
	&ps_cmd_watch,
	&ps_cmd_run,
	&ps_cmd_stat,
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

int ps_usage(const struct ps_command *c)
{
	fprintf(stderr, "usage: ptscope %s %s\n", c->name, c->args);
	fprintf(stderr, "Try 'ptscope help %s' for more.\n", c->name);
	return PS_EXIT_USAGE;
}

int ps_help(const struct ps_command *c)
{
	printf("usage: ptscope %s %s\n\n%s\n\n%s", c->name, c->args, c->summary, c->help);
	if (!strstr(c->args, "ADDR") && !strstr(c->args, "START"))
		return PS_EXIT_OK;
	printf("\nPID is a process (or thread) id in your pid namespace. You may look at\n"
	       "the processes whose /proc/PID/pagemap you may read; frame numbers and\n"
	       "physical addresses need CAP_SYS_ADMIN, as in pagemap.\n"
	       "\nADDR is a number (0x hex, decimal, or hex as /proc/PID/maps prints it)\n"
	       "or a name with an optional +OFFSET:\n  %s\n", ps_addr_anchors_help);
	return PS_EXIT_OK;
}

static void help_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: ptscope [--json] [--color=auto|always|never] COMMAND ARGS...\n\n"
		   "Look at the page tables of a live process.\n\nCommands:\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n  %-8s   %s\n", commands[i]->name, commands[i]->args,
			"", commands[i]->summary);
	fprintf(f, "  %-8s %s\n  %-8s   %s\n", "help", "[COMMAND]", "", "describe a command");
	fprintf(f, "\nExit status: 0 ok, 1 failed (the message says why), 2 usage error,\n"
		   "3 an address is not mapped in the process.\n");
}

/*
 * The client's version, and the loaded module's from sysfs (MODULE_VERSION):
 * asking the module itself would autoload it.
 */
static void print_version(void)
{
	FILE *f = fopen("/sys/module/ptscope/version", "r");
	char v[64];

	printf("ptscope %s\n", PTSCOPE_VERSION);
	if (f && fgets(v, sizeof(v), f)) {
		v[strcspn(v, "\n")] = '\0';
		printf("module %s%s\n", v,
		       strcmp(v, PTSCOPE_VERSION) ? " (not the client's version)" : "");
	} else {
		printf("module not loaded\n");
	}
	if (f)
		fclose(f);
}

static const struct ps_command *find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "color", optional_argument, NULL, 'c' },
		{ "colour", optional_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum ps_color_mode color = PS_COLOR_AUTO;
	struct ps_opts o = { 0 };
	const struct ps_command *cmd;
	int c;

	/*
	 * Into a file or a pipe, stdout goes out in 64 KiB writes, not in
	 * stdio's 4 KiB: watch flushes after each batch of events it reads,
	 * and a batch in JSON is some 80 KB.
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);

	/* '+': options after the command belong to the command. */
	while ((c = getopt_long(argc, argv, "+jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o.json = true;
			break;
		case 'c':
			if (!optarg || !strcmp(optarg, "always"))
				color = PS_COLOR_ALWAYS;
			else if (!strcmp(optarg, "never"))
				color = PS_COLOR_NEVER;
			else if (!strcmp(optarg, "auto"))
				color = PS_COLOR_AUTO;
			else {
				ps_err("--color takes auto, always or never");
				return PS_EXIT_USAGE;
			}
			break;
		case 'V':
			print_version();
			return PS_EXIT_OK;
		case 'h':
			help_all(stdout);
			return PS_EXIT_OK;
		default:
			help_all(stderr);
			return PS_EXIT_USAGE;
		}
	}
	o.color = ps_color_wanted(color, STDOUT_FILENO);

	if (optind >= argc) {
		help_all(stderr);
		return PS_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 >= argc) {
			help_all(stdout);
			return PS_EXIT_OK;
		}
		cmd = find(argv[optind + 1]);
		if (!cmd) {
			ps_err("no command '%s'", argv[optind + 1]);
			return PS_EXIT_USAGE;
		}
		return ps_help(cmd);
	}
	cmd = find(argv[optind]);
	if (!cmd) {
		ps_err("no command '%s' (try 'ptscope help')", argv[optind]);
		return PS_EXIT_USAGE;
	}
	return cmd->run(&o, argc - optind, argv + optind);
}
