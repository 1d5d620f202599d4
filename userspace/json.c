// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "json.h"

static void flush(struct ps_json *j)
{
	fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void put(struct ps_json *j, const char *s, size_t n)
{
	if (j->len + n > sizeof(j->buf)) {
		flush(j);
		if (n > sizeof(j->buf)) {
			fwrite(s, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void putc_(struct ps_json *j, char c)
{
	if (j->len == sizeof(j->buf))
		flush(j);
	j->buf[j->len++] = c;
}

static void puts_(struct ps_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void escape(struct ps_json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *plain = s;

	putc_(j, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		/* Runs of ordinary characters go in with one copy. */
		put(j, plain, (size_t)(s - plain));
		plain = s + 1;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			put(j, esc, sizeof(esc));
		} else if (c == '\n') {
			put(j, "\\n", 2);
		} else if (c == '\t') {
			put(j, "\\t", 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put(j, esc, sizeof(esc));
		}
	}
	put(j, plain, (size_t)(s - plain));
	putc_(j, '"');
}

/*
 * A NULL key writes an array element. Keys are the program's own names,
 * never data: nothing in them needs escaping.
 */
static void key(struct ps_json *j, const char *k)
{
	if (j->need_comma)
		putc_(j, ',');
	j->need_comma = true;
	if (k) {
		putc_(j, '"');
		puts_(j, k);
		put(j, "\":", 2);
	}
}

/* Digits are made from the right end of a buffer this large. */
#define DIGITS_MAX	20

static void put_u64(struct ps_json *j, uint64_t v)
{
	char d[DIGITS_MAX];
	size_t i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(j, d + i, sizeof(d) - i);
}

void ps_json_begin(struct ps_json *j, FILE *f)
{
	j->f = f;
	j->need_comma = false;
	j->len = 0;
	putc_(j, '{');
}

void ps_json_end(struct ps_json *j)
{
	put(j, "}\n", 2);
	flush(j);
}

void ps_json_obj(struct ps_json *j, const char *k)
{
	key(j, k);
	putc_(j, '{');
	j->need_comma = false;
}

void ps_json_obj_end(struct ps_json *j)
{
	putc_(j, '}');
	j->need_comma = true;
}

void ps_json_arr(struct ps_json *j, const char *k)
{
	key(j, k);
	putc_(j, '[');
	j->need_comma = false;
}

void ps_json_arr_end(struct ps_json *j)
{
	putc_(j, ']');
	j->need_comma = true;
}

void ps_json_u64(struct ps_json *j, const char *k, uint64_t v)
{
	key(j, k);
	put_u64(j, v);
}

void ps_json_int(struct ps_json *j, const char *k, int v)
{
	key(j, k);
	if (v < 0)
		putc_(j, '-');
	/* -INT_MIN overflows an int, not a u64. */
	put_u64(j, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void ps_json_hex(struct ps_json *j, const char *k, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[2 + 16 + 1];
	size_t i = sizeof(d);

	key(j, k);
	d[--i] = '"';
	do {
		d[--i] = hex[v & 15];
		v >>= 4;
	} while (v);
	d[--i] = 'x';
	d[--i] = '0';
	putc_(j, '"');
	put(j, d + i, sizeof(d) - i);
}

void ps_json_str(struct ps_json *j, const char *k, const char *s)
{
	key(j, k);
	escape(j, s);
}

void ps_json_bool(struct ps_json *j, const char *k, bool v)
{
	key(j, k);
	puts_(j, v ? "true" : "false");
}

void ps_json_null(struct ps_json *j, const char *k)
{
	key(j, k);
	puts_(j, "null");
}
