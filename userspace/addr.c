// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "addr.h"

const char ps_addr_anchors_help[] =
	"code, text, data, bss, heap, brk, stack, args, env, exe,\n"
	"[stack], [heap], [vdso], [vvar], a library (libc, ld-linux) or a path";

int ps_parse_number(const char *s, uint64_t *v)
{
	bool hex = false, digits = true;
	const char *p;
	char *end;

	if (!*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		hex = true;
		s += 2;
		if (!*s)
			return -1;
	}
	for (p = s; *p; p++) {
		if (!isxdigit((unsigned char)*p))
			return -1;
		if (!isdigit((unsigned char)*p))
			digits = false;
	}
	if (!digits)
		hex = true;
	errno = 0;
	*v = strtoull(s, &end, hex ? 16 : 10);
	return errno || *end ? -1 : 0;
}

/*
 * Fields of /proc/PID/stat after the command name, which may itself hold
 * spaces and parentheses: field 3 (state) starts after the last ')'.
 */
static int stat_field(int pid, unsigned int field, uint64_t *v)
{
	char path[64], buf[4096], *p, *save = NULL;
	unsigned int i;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	p = strtok_r(p + 1, " \n", &save);
	for (i = 3; p && i < field; i++)
		p = strtok_r(NULL, " \n", &save);
	if (!p)
		return -1;
	*v = strtoull(p, NULL, 10);
	return 0;
}

/* Does the mapping named @path answer to @want? */
static bool name_matches(const char *path, const char *want)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(want);

	if (strchr(want, '/') || want[0] == '[')
		return !strcmp(path, want);
	base = base ? base + 1 : path;
	/* libc matches libc.so.6 and libc-2.31.so; ld-linux, ld-linux-x86-64.so.2 */
	return !strncmp(base, want, n) &&
	       (base[n] == 0 || base[n] == '.' || base[n] == '-');
}

static int vma_by_name(int pid, const char *want, uint64_t *va)
{
	char path[64], line[4096 + 256];
	int found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -2;
	while (found && fgets(line, sizeof(line), f)) {
		uint64_t start;
		int off = 0;
		char *name;

		// NOLINTNEXTLINE(cert-err34-c): the kernel writes this hex field; the count is checked
		if (sscanf(line, "%" SCNx64 "-%*x %*s %*x %*s %*u %n", &start, &off) < 1 || !off)
			continue;
		name = line + off;
		name[strcspn(name, "\n")] = 0;
		if (*name && name_matches(name, want)) {
			*va = start;
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int exe_start(int pid, uint64_t *va)
{
	char link[64], exe[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = 0;
	return vma_by_name(pid, exe, va);
}

static const struct anchor {
	const char *name;
	unsigned int field;	/* in /proc/PID/stat, see proc(5) */
	const char *what;
} anchors[] = {
	{ "code",  26, "start of the code (text) segment" },
	{ "text",  26, "start of the code (text) segment" },
	{ "data",  45, "start of the initialised data" },
	{ "bss",   46, "end of initialised data: the BSS follows" },
	{ "heap",  47, "start of the heap (brk area)" },
	{ "brk",   47, "start of the heap (brk area)" },
	{ "stack", 28, "the stack's start, where argv and envp pointers are" },
	{ "args",  48, "the command-line strings" },
	{ "env",   50, "the environment strings" },
};

static int resolve_base(int pid, const char *name, uint64_t *va, char *why,
			size_t whylen)
{
	size_t i;
	int r;

	if (!ps_parse_number(name, va))
		return 0;
	for (i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++) {
		if (strcmp(name, anchors[i].name) != 0)
			continue;
		if (stat_field(pid, anchors[i].field, va)) {
			snprintf(why, whylen, "cannot read /proc/%d/stat", pid);
			return -1;
		}
		if (!*va) {
			snprintf(why, whylen,
				 "/proc/%d/stat shows no %s (not permitted, or a kernel thread)",
				 pid, anchors[i].what);
			return -1;
		}
		/* An unused brk area has no [heap] VMA yet. */
		if (anchors[i].field == 47 && vma_by_name(pid, "[heap]", &(uint64_t){0})) {
			snprintf(why, whylen, "process %d has no heap yet (brk never grew)", pid);
			return -1;
		}
		return 0;
	}
	if (!strcmp(name, "exe"))
		r = exe_start(pid, va);
	else
		r = vma_by_name(pid, name, va);
	if (r == -2)
		snprintf(why, whylen, "cannot read /proc/%d/maps to find '%s'", pid, name);
	else if (r)
		snprintf(why, whylen,
			 "'%s' is neither a number, an anchor (%s) nor a mapping of process %d",
			 name, "code, data, bss, heap, stack, args, env, exe", pid);
	return r ? -1 : 0;
}

int ps_addr_resolve(int pid, const char *spec, uint64_t *va, char *why,
		    size_t whylen)
{
	char name[4096];
	const char *plus = strrchr(spec, '+');
	size_t len = strlen(spec);
	uint64_t off = 0;

	if (len >= sizeof(name)) {
		snprintf(why, whylen, "address too long");
		return -1;
	}
	memcpy(name, spec, len + 1);
	if (plus && plus != spec) {
		name[plus - spec] = 0;
		if (ps_parse_number(plus + 1, &off)) {
			snprintf(why, whylen, "'%s': bad offset '%s'", spec, plus + 1);
			return -1;
		}
	}
	if (resolve_base(pid, name, va, why, whylen))
		return -1;
	if (*va + off < *va) {
		snprintf(why, whylen, "'%s' overflows 64 bits", spec);
		return -1;
	}
	*va += off;
	return 0;
}
