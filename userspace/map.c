// SPDX-License-Identifier: GPL-2.0
/*
 * `ptscope map`: a picture of a whole address space, for people who would
 * rather look than read. The dump is collected first, then drawn, because
 * each picture needs totals before its first row.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "dump.h"
#include "picture.h"
#include "ptscope.h"
#include "request.h"

#define TEXT_WIDTH	64
#define TEXT_MIN_WIDTH	8
#define TEXT_MAX_WIDTH	1024

struct collect {
	struct ps_vma *vmas;
	size_t nvmas, vmas_cap;
	size_t *first_run;		/* first_cap + 1 entries */
	size_t first_cap;
	struct ptscope_run *runs;
	size_t nruns, runs_cap;
	unsigned int paging_levels;
	bool oom;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t extra)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, (n + extra) * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static bool same_vma(const struct ps_vma *a, const struct ps_vma *b)
{
	return a->start == b->start && a->end == b->end;
}

static int add_vma(struct collect *c, const struct ps_vma *v)
{
	/* A VMA whose runs span several messages may be announced again. */
	if (c->nvmas && same_vma(&c->vmas[c->nvmas - 1], v))
		return 0;
	if (grow((void **)&c->vmas, &c->vmas_cap, c->nvmas + 1, sizeof(*c->vmas), 0) ||
	    grow((void **)&c->first_run, &c->first_cap, c->nvmas + 1, sizeof(*c->first_run), 1)) {
		c->oom = true;
		return -ENOMEM;
	}
	c->vmas[c->nvmas] = *v;
	c->first_run[c->nvmas] = c->nruns;
	c->nvmas++;
	return 0;
}

static int on_vma(const struct ps_vma *v, void *arg)
{
	return add_vma(arg, v);
}

static int on_run(const struct ps_vma *v, const struct ptscope_run *r, void *arg)
{
	struct collect *c = arg;
	int err = add_vma(c, v);

	if (err)
		return err;
	if (grow((void **)&c->runs, &c->runs_cap, c->nruns + 1, sizeof(*c->runs), 0)) {
		c->oom = true;
		return -ENOMEM;
	}
	c->runs[c->nruns++] = *r;
	return 0;
}

static int on_stats(const struct ps_dump_stats *s, void *arg)
{
	struct collect *c = arg;

	c->paging_levels = s->paging_levels;
	return 0;
}

static void collect_free(struct collect *c)
{
	free(c->vmas);
	free(c->first_run);
	free(c->runs);
}

static int parse_width(const char *s, unsigned int *width)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 100000) {
		ps_err("--width takes a number, not '%s'", s);
		return -1;
	}
	*width = (unsigned int)v;
	return 0;
}

static int check_width(unsigned int width, unsigned int min, unsigned int max,
		       const char *what)
{
	if (width >= min && width <= max)
		return 0;
	ps_err("--width for %s is %u to %u", what, min, max);
	return -1;
}

static int draw(const struct ps_map_data *d, const char *path, bool html,
		unsigned int width, const struct ps_opts *o)
{
	bool to_stdout = !path || !strcmp(path, "-");
	FILE *f = to_stdout ? stdout : fopen(path, "w");
	struct stat st;
	bool regular;
	int err;

	if (!f) {
		ps_err("cannot write %s: %s", path, strerror(errno));
		return PS_EXIT_FAIL;
	}
	regular = !to_stdout && !fstat(fileno(f), &st) && S_ISREG(st.st_mode);
	if (!path)
		err = ps_map_print_text(f, d, width, o->color);
	else if (html)
		err = ps_map_print_html(f, d, width);
	else
		err = ps_map_print_svg(f, d, width);
	if (to_stdout)
		err |= fflush(f);
	else
		err |= fclose(f);
	if (err) {
		ps_err("cannot write %s: %s", to_stdout ? "the picture" : path,
		       errno ? strerror(errno) : "out of memory");
		/* Half a picture would pass for a whole one; never unlink a device. */
		if (regular)
			unlink(path);
		return PS_EXIT_FAIL;
	}
	return PS_EXIT_OK;
}

static int run_map(const struct ps_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "svg", required_argument, NULL, 's' },
		{ "html", required_argument, NULL, 'H' },
		{ "width", required_argument, NULL, 'w' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ps_dump_opts dopts = { 0 };
	struct collect c = { 0 };
	struct ps_dump_cb cb = { on_vma, on_run, on_stats, &c };
	struct ps_map_data d = { 0 };
	const char *svg = NULL, *html = NULL;
	unsigned int width = 0;
	bool any_page = false;
	struct ps_nl nl;
	int ch, pid, err, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "w:ah", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			svg = optarg;
			break;
		case 'H':
			html = optarg;
			break;
		case 'w':
			if (parse_width(optarg, &width))
				return PS_EXIT_USAGE;
			break;
		case 'a':
			any_page = true;
			break;
		case 'h':
			return ps_help(&ps_cmd_map);
		default:
			return ps_usage(&ps_cmd_map);
		}
	}
	if (o->json) {
		ps_err("map draws pictures; it has no JSON output");
		return PS_EXIT_USAGE;
	}
	if (svg && html) {
		ps_err("map draws one picture at a time: --svg or --html");
		return PS_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		ps_err("map needs one PID");
		return ps_usage(&ps_cmd_map);
	}
	if (ps_parse_pid(argv[optind], &pid))
		return PS_EXIT_USAGE;
	if (svg || html) {
		if (!width)
			width = PS_MAP_SVG_WIDTH;
		if (check_width(width, PS_MAP_SVG_MIN_WIDTH, PS_MAP_SVG_MAX_WIDTH,
				"a picture (pixels)"))
			return PS_EXIT_USAGE;
	} else {
		if (!width)
			width = TEXT_WIDTH;
		if (check_width(width, TEXT_MIN_WIDTH, TEXT_MAX_WIDTH,
				"the terminal (cells)"))
			return PS_EXIT_USAGE;
	}

	if (ps_nl_open(&nl))
		return PS_EXIT_FAIL;
	err = ps_dump(&nl, pid, &dopts, &cb);
	ps_nl_close(&nl);
	if (c.oom) {
		ps_err("out of memory collecting the dump of process %d", pid);
		err = -ENOMEM;
	}
	if (err) {
		collect_free(&c);
		return PS_EXIT_FAIL;
	}
	if (c.first_run)
		c.first_run[c.nvmas] = c.nruns;

	d.vmas = c.vmas;
	d.nvmas = c.nvmas;
	d.runs = c.runs;
	d.nruns = c.nruns;
	d.first_run = c.first_run;
	d.paging_levels = c.paging_levels;
	d.pid = pid;
	d.any_page = any_page;
	if (!d.first_run) {
		/* No VMA at all (a zombie): draw an empty picture. */
		static const size_t none[1];

		d.first_run = none;
	}
	rc = draw(&d, svg ? svg : html, html != NULL, width, o);
	collect_free(&c);
	return rc;
}

const struct ps_command ps_cmd_map = {
	.name = "map",
	.args = "[--svg FILE | --html FILE] [--width N] [--all] PID",
	.summary = "draw the address space: what is present, huge, swapped",
	.help =
	"Dumps the page tables of process PID and draws every VMA, in address\n"
	"order, as a row of its own: the address space is too sparse to draw\n"
	"to scale, so each VMA is scaled to its row and the gaps between VMAs\n"
	"are only labelled. Each cell (a character, or a stretch of pixels)\n"
	"shows what most of its bytes are: present 4 KiB, 2 MiB or 1 GiB,\n"
	"swapped, protnone, migration or other, or never populated.\n"
	"\n"
	"Without --svg or --html the picture is printed to the terminal.\n"
	"\n"
	"  --svg FILE    write an SVG picture (FILE '-': standard output)\n"
	"  --html FILE   write an HTML page: the SVG, a legend, a table of VMAs\n"
	"  --width N     cells per row on the terminal (default 64), or band\n"
	"                width in pixels for SVG and HTML (default 1024)\n"
	"  --all         show every populated page: a cell that mixes states\n"
	"                shows the rarest of them (other, protnone, swapped,\n"
	"                1 GiB, 2 MiB, 4 KiB) instead of what most of it is, so\n"
	"                a lone page in a large VMA stays visible\n",
	.run = run_map,
};
