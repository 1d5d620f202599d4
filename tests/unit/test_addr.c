// SPDX-License-Identifier: GPL-2.0
/* Address parsing: numbers, anchors and mapping names of this very process. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../userspace/addr.h"
#include "tap.h"

static int on_stack_marker;

int main(void)
{
	char why[512];
	uint64_t v = 0;
	int pid = getpid();
	char *heap = malloc(100000);

	ok(!ps_parse_number("0x1000", &v) && v == 0x1000, "0x1000 is hex");
	ok(!ps_parse_number("4096", &v) && v == 4096, "4096 is decimal");
	ok(!ps_parse_number("7ffd5e2c1a38", &v) && v == 0x7ffd5e2c1a38ULL,
	   "digits with a-f are hex, as /proc/PID/maps prints them");
	ok(!ps_parse_number("0XFF", &v) && v == 255, "0X prefix, upper case");
	ok(ps_parse_number("", &v) && ps_parse_number("0x", &v) &&
	   ps_parse_number("12g", &v) && ps_parse_number("-1", &v),
	   "empty, bare 0x, non-hex letters and signs are not numbers");
	ok(ps_parse_number("0x1ffffffffffffffff", &v),
	   "more than 64 bits is refused");

	ok(!ps_addr_resolve(pid, "0x2000+0x10", &v, why, sizeof(why)) && v == 0x2010,
	   "NUMBER+OFFSET adds");
	ok(ps_addr_resolve(pid, "0x2000+zz", &v, why, sizeof(why)) && strstr(why, "bad offset"),
	   "a bad offset is named");
	ok(!ps_addr_resolve(pid, "code", &v, why, sizeof(why)) &&
	   v <= (uint64_t)(uintptr_t)main && v > 0, "code is at or below main()");
	ok(!ps_addr_resolve(pid, "stack", &v, why, sizeof(why)) &&
	   v > (uint64_t)(uintptr_t)&v, "stack (start_stack) is above a local variable");
	ok(!ps_addr_resolve(pid, "heap", &v, why, sizeof(why)) &&
	   v <= (uint64_t)(uintptr_t)heap, "heap starts at or below a malloc() block");
	ok(!ps_addr_resolve(pid, "[stack]", &v, why, sizeof(why)) &&
	   v < (uint64_t)(uintptr_t)&v, "[stack] is the stack VMA's start");
	ok(!ps_addr_resolve(pid, "libc", &v, why, sizeof(why)) &&
	   !ps_addr_resolve(pid, "libc.so.6", &v, why, sizeof(why)),
	   "libc matches libc.so.6 by name and by prefix");
	ok(!ps_addr_resolve(pid, "exe", &v, why, sizeof(why)) && v <= (uint64_t)(uintptr_t)main,
	   "exe is the executable's first mapping");
	ok(!ps_addr_resolve(pid, "[vdso]+0x10", &v, why, sizeof(why)), "[vdso]+0x10 resolves");
	ok(ps_addr_resolve(pid, "nosuchlib", &v, why, sizeof(why)) &&
	   strstr(why, "nosuchlib"), "an unknown name is refused with its name");
	ok(ps_addr_resolve(pid, "lib", &v, why, sizeof(why)),
	   "a bare prefix that is no name does not match (lib is not libc)");
	(void)on_stack_marker;
	free(heap);
	return tap_done();
}
