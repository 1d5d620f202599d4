// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the client's commands that ask and print (walk, explain,
 * maps, dump, map, swaps, stat), run as `ptscope COMMAND ...` runs them,
 * against a kernel that answers with the input. Every answer goes through
 * libnl and the client's own decoding, as from the real module: GET_INFO,
 * WALK replies, DUMP runs and statistics, SWAP_AREAS, STAT, error ACKs
 * with extended-ack messages and offsets, NLMSG_DONE with an errno.
 *
 * Input: a command byte, an option byte, then datagrams (fuzz.h).
 *
 *   command % 7   0 walk, 1 explain, 2 maps, 3 dump, 4 map, 5 swaps, 6 stat
 *   options       bit 0 --json, bit 1 colour, bit 2 /proc/swaps lists an
 *                 area, bits 3-5 a count (addresses to walk; the dump
 *                 range; the picture), bits 6-7 a variant (dump --holes,
 *                 --vma; map --all)
 */
#include <stddef.h>
#include <stdint.h>
#include "../../userspace/ptscope.h"
#include "fuzz.h"

#define PID_STR		"4242"

static const char *const addrs[] = {
	"0x7f0000001000", "0x400000", "0x1000000", "0x7ffffffde123",
	"0", "0xffffffffffffffff", "0x7f0000200000", "0x1ff000000000",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ps_command *const cmds[] = {
		&ps_cmd_walk, &ps_cmd_explain, &ps_cmd_maps, &ps_cmd_dump,
		&ps_cmd_map, &ps_cmd_swaps, &ps_cmd_stat,
	};
	const struct ps_command *cmd;
	struct ps_opts o = { false, false };
	unsigned int count, variant;
	char *argv[32];
	int argc = 0;
	uint8_t opt;

	fz_begin(data, size);
	cmd = cmds[fz_byte() % (sizeof(cmds) / sizeof(cmds[0]))];
	opt = fz_byte();
	o.json = opt & 1;
	o.color = opt & 2;
	fz_set_swap_lines(opt & 4 ? 2 : 1);
	count = (opt >> 3) & 7;
	variant = opt >> 6;

	argv[argc++] = (char *)cmd->name;
	if (cmd == &ps_cmd_walk || cmd == &ps_cmd_explain) {
		unsigned int i;

		argv[argc++] = PID_STR;
		for (i = 0; i <= count; i++)
			argv[argc++] = (char *)addrs[i];
	} else if (cmd == &ps_cmd_maps) {
		argv[argc++] = PID_STR;
	} else if (cmd == &ps_cmd_dump) {
		if (variant & 1)
			argv[argc++] = "--holes";
		if (variant & 2) {
			argv[argc++] = "--vma";
			argv[argc++] = "[heap]";
		}
		argv[argc++] = PID_STR;
		if (count & 1)
			argv[argc++] = "0x7f0000000000";
		if (count & 2)
			argv[argc++] = "0x7f0000400000";
	} else if (cmd == &ps_cmd_map) {
		/* Pictures have no JSON: --json is a usage error, not a decoding. */
		o.json = false;
		if (variant & 1)
			argv[argc++] = "--all";
		if (count & 3) {
			argv[argc++] = (count & 3) == 1 ? "--svg" : "--html";
			argv[argc++] = "-";
			argv[argc++] = "--width";
			argv[argc++] = count & 4 ? "320" : "1024";
		} else if (count & 4) {
			argv[argc++] = "--width";
			argv[argc++] = "8";
		}
		argv[argc++] = PID_STR;
	}
	argv[argc] = NULL;

	cmd->run(&o, argc, argv);
	fz_end();
	return 0;
}
