// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON writer: escaping, numbers at their limits, and objects longer
 * than its buffer, checked against strings written out by hand.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "../../userspace/json.h"
#include "tap.h"

static char *out;
static size_t outlen;

static FILE *open_out(void)
{
	free(out);
	out = NULL;
	return open_memstream(&out, &outlen);
}

static const char *str(const char *s)
{
	FILE *f = open_out();
	struct ps_json j;

	ps_json_begin(&j, f);
	ps_json_str(&j, "s", s);
	ps_json_end(&j);
	fclose(f);
	return out;
}

int main(void)
{
	struct ps_json j;
	char *big, *want, *w;
	size_t i, n = 5000;
	FILE *f;

	ok(!strcmp(str("plain /usr/lib/libc.so.6"), "{\"s\":\"plain /usr/lib/libc.so.6\"}\n"),
	   "a plain string goes in as it is");
	ok(!strcmp(str("a\"b\\c\nd\te"), "{\"s\":\"a\\\"b\\\\c\\nd\\te\"}\n"),
	   "quote, backslash, newline, tab: escaped");
	ok(!strcmp(str("\x01x\x1f\x7f"), "{\"s\":\"\\u0001x\\u001f\\u007f\"}\n"),
	   "other control characters and DEL: \\u escapes");
	ok(!strcmp(str("caf\xc3\xa9"), "{\"s\":\"caf\xc3\xa9\"}\n"),
	   "UTF-8 passes through");
	ok(!strcmp(str(""), "{\"s\":\"\"}\n"), "an empty string");

	f = open_out();
	ps_json_begin(&j, f);
	ps_json_u64(&j, "zero", 0);
	ps_json_u64(&j, "max", UINT64_MAX);
	ps_json_int(&j, "min", INT_MIN);
	ps_json_int(&j, "neg", -7);
	ps_json_hex(&j, "h0", 0);
	ps_json_hex(&j, "hmax", UINT64_MAX);
	ps_json_hex(&j, "va", 0x7f3a12345000ULL);
	ps_json_bool(&j, "t", true);
	ps_json_null(&j, "n");
	ps_json_arr(&j, "a");
	ps_json_u64(&j, NULL, 1);
	ps_json_obj(&j, NULL);
	ps_json_obj_end(&j);
	ps_json_arr_end(&j);
	ps_json_end(&j);
	fclose(f);
	ok(!strcmp(out, "{\"zero\":0,\"max\":18446744073709551615,\"min\":-2147483648,"
		   "\"neg\":-7,\"h0\":\"0x0\",\"hmax\":\"0xffffffffffffffff\","
		   "\"va\":\"0x7f3a12345000\",\"t\":true,\"n\":null,\"a\":[1,{}]}\n"),
	   "numbers at their limits, nesting");

	/* Longer than the writer's buffer, with escapes across its edge. */
	big = malloc(n + 1);
	want = malloc(2 * n + 16);
	for (i = 0; i < n; i++)
		big[i] = i % 7 == 3 ? '"' : (char)('a' + i % 26);
	big[n] = 0;
	w = want + sprintf(want, "{\"s\":\"");
	for (i = 0; i < n; i++) {
		if (big[i] == '"')
			*w++ = '\\';
		*w++ = big[i];
	}
	memcpy(w, "\"}\n", 4);
	ok(!strcmp(str(big), want), "a 5000-byte string with escapes: whole and in order");
	free(big);
	free(want);

	/*
	 * An object many times the buffer, each kind of value meeting its
	 * edge, and keys and names longer than those written in place.
	 */
	want = malloc(64 * 1024);
	w = want + sprintf(want, "{");
	f = open_out();
	ps_json_begin(&j, f);
	for (i = 0; i < 300; i++) {
		char key[80];
		uint64_t v = 0x123456789ULL * i;

		snprintf(key, sizeof(key), "%.*s%zu", (int)(i % 70), "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", i);
		switch (i % 5) {
		case 0:
			ps_json_u64(&j, key, v);
			w += sprintf(w, "%s\"%s\":%" PRIu64, i ? "," : "", key, v);
			break;
		case 1:
			ps_json_hex(&j, key, v);
			w += sprintf(w, ",\"%s\":\"0x%" PRIx64 "\"", key, v);
			break;
		case 2:
			ps_json_bool(&j, key, i & 8);
			w += sprintf(w, ",\"%s\":%s", key, i & 8 ? "true" : "false");
			break;
		case 3:
			ps_json_name(&j, key, key);
			w += sprintf(w, ",\"%s\":\"%s\"", key, key);
			break;
		default:
			ps_json_null(&j, key);
			w += sprintf(w, ",\"%s\":null", key);
		}
	}
	ps_json_end(&j);
	fclose(f);
	memcpy(w, "}\n", 3);
	ok(!strcmp(out, want), "300 fields, keys and names of 1 to 72 characters, across the buffer's edge");
	free(want);
	free(out);
	return tap_done();
}
