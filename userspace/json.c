// SPDX-License-Identifier: GPL-2.0
#include "json.h"

void ps_json_flush_(struct ps_json *j)
{
	fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void put(struct ps_json *j, const char *s, size_t n)
{
	if (n > sizeof(j->buf)) {
		ps_json_flush_(j);
		fwrite(s, 1, n, j->f);
		return;
	}
	memcpy(ps_json_room_(j, n), s, n);
	j->len += n;
}

static void putc_(struct ps_json *j, char c)
{
	*ps_json_room_(j, 1) = c;
	j->len++;
}

void ps_json_long_key_(struct ps_json *j, const char *key)
{
	if (j->need_comma)
		putc_(j, ',');
	j->need_comma = true;
	putc_(j, '"');
	put(j, key, strlen(key));
	put(j, "\":", 2);
}

static bool plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != 0x7f;
}

void ps_json_str_(struct ps_json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	putc_(j, '"');
	while (*s) {
		const char *run = s;
		unsigned char c;

		/* Runs of ordinary characters go in with one copy. */
		while (plain((unsigned char)*s))
			s++;
		if (s > run)
			put(j, run, (size_t)(s - run));
		c = (unsigned char)*s;
		if (!c)
			break;
		s++;
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
	putc_(j, '"');
}

/* Digits are made from the right end of a buffer this large. */
#define DIGITS_MAX	20

void ps_json_u64_(struct ps_json *j, uint64_t v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	/* Copied whole from the first digit on: a constant size, no call. */
	char d[2 * DIGITS_MAX];
	size_t i = DIGITS_MAX;

	while (v >= 100) {	/* two digits a division */
		unsigned int r = (unsigned int)(v % 100);

		v /= 100;
		d[--i] = pairs[2 * r + 1];
		d[--i] = pairs[2 * r];
	}
	if (v >= 10) {
		d[--i] = pairs[2 * v + 1];
		d[--i] = pairs[2 * v];
	} else {
		d[--i] = (char)('0' + v);
	}
	memcpy(ps_json_room_(j, DIGITS_MAX), d + i, DIGITS_MAX);
	j->len += DIGITS_MAX - i;
}

void ps_json_int_(struct ps_json *j, int v)
{
	if (v < 0)
		putc_(j, '-');
	/* -INT_MIN overflows an int, not a u64. */
	ps_json_u64_(j, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void ps_json_hex_(struct ps_json *j, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	/* Digits: a quarter of the bits up to the highest set, at least one. */
	size_t n = (size_t)(64 - __builtin_clzll(v | 1) + 3) / 4;
	char *p = ps_json_room_(j, 3 + 16 + 1);

	p[0] = '"';
	p[1] = '0';
	p[2] = 'x';
	p += 3 + n;
	*p = '"';
	do {
		*--p = hex[v & 15];
		v >>= 4;
	} while (v);
	j->len += 3 + n + 1;
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
	ps_json_flush_(j);
}

void ps_json_obj(struct ps_json *j, const char *key)
{
	ps_json_key(j, key);
	putc_(j, '{');
	j->need_comma = false;
}

void ps_json_obj_end(struct ps_json *j)
{
	putc_(j, '}');
	j->need_comma = true;
}

void ps_json_arr(struct ps_json *j, const char *key)
{
	ps_json_key(j, key);
	putc_(j, '[');
	j->need_comma = false;
}

void ps_json_arr_end(struct ps_json *j)
{
	putc_(j, ']');
	j->need_comma = true;
}
