// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "json.h"

/* A NULL key writes an array element. */
static void key(struct ps_json *j, const char *k)
{
	if (j->need_comma)
		fputc(',', j->f);
	j->need_comma = true;
	if (k) {
		ps_json_escape(j->f, k);
		fputc(':', j->f);
	}
}

void ps_json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void ps_json_begin(struct ps_json *j, FILE *f)
{
	j->f = f;
	j->need_comma = false;
	fputc('{', f);
}

void ps_json_end(struct ps_json *j)
{
	fputs("}\n", j->f);
}

void ps_json_obj(struct ps_json *j, const char *k)
{
	key(j, k);
	fputc('{', j->f);
	j->need_comma = false;
}

void ps_json_obj_end(struct ps_json *j)
{
	fputc('}', j->f);
	j->need_comma = true;
}

void ps_json_arr(struct ps_json *j, const char *k)
{
	key(j, k);
	fputc('[', j->f);
	j->need_comma = false;
}

void ps_json_arr_end(struct ps_json *j)
{
	fputc(']', j->f);
	j->need_comma = true;
}

void ps_json_u64(struct ps_json *j, const char *k, uint64_t v)
{
	key(j, k);
	fprintf(j->f, "%" PRIu64, v);
}

void ps_json_int(struct ps_json *j, const char *k, int v)
{
	key(j, k);
	fprintf(j->f, "%d", v);
}

void ps_json_hex(struct ps_json *j, const char *k, uint64_t v)
{
	key(j, k);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void ps_json_str(struct ps_json *j, const char *k, const char *s)
{
	key(j, k);
	ps_json_escape(j->f, s);
}

void ps_json_bool(struct ps_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
}

void ps_json_null(struct ps_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
}
