/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough JSON writing for one-object-per-line output. 64-bit values
 * that scripts must not lose precision on are hex strings.
 *
 * An object is built in a buffer of its own and written with one call:
 * `watch --json` writes an object per event, tens of thousands a second,
 * and each instruction spent on one is spent as often. A fault event,
 * through ps_event_json() and the summary (callgrind): with stdio's calls
 * and printf, 14,550 instructions; built here with a call per piece,
 * 4,240; with keys written inline, where the compiler knows a literal's
 * length, and values stored in place, 2,600; with the program's own names
 * copied without looking for escapes, 2,060.
 */
#ifndef PTSCOPE_JSON_H
#define PTSCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ps_json {
	FILE *f;
	bool need_comma;
	size_t len;
	char buf[1024];		/* longer objects are written in parts */
};

void ps_json_begin(struct ps_json *j, FILE *f);	/* { */
void ps_json_end(struct ps_json *j);		/* }\n, and writes it out */

/*
 * Values, each after a key: a name of the program's own, never data, so
 * nothing in it needs escaping; NULL for an element of an array.
 */
static inline void ps_json_key(struct ps_json *j, const char *key);

void ps_json_obj(struct ps_json *j, const char *key);	/* "key": { */
void ps_json_obj_end(struct ps_json *j);
void ps_json_arr(struct ps_json *j, const char *key);	/* "key": [ */
void ps_json_arr_end(struct ps_json *j);
static inline void ps_json_u64(struct ps_json *j, const char *key, uint64_t v);
static inline void ps_json_int(struct ps_json *j, const char *key, int v);
static inline void ps_json_hex(struct ps_json *j, const char *key, uint64_t v);
static inline void ps_json_str(struct ps_json *j, const char *key, const char *s);
/* A string of the program's own (an enum's name), which needs no escaping. */
static inline void ps_json_name(struct ps_json *j, const char *key, const char *name);
static inline void ps_json_bool(struct ps_json *j, const char *key, bool v);
static inline void ps_json_null(struct ps_json *j, const char *key);

/* ---- the rest is how; values are written out of line ---- */

void ps_json_flush_(struct ps_json *j);
void ps_json_long_key_(struct ps_json *j, const char *key);
void ps_json_u64_(struct ps_json *j, uint64_t v);
void ps_json_int_(struct ps_json *j, int v);
void ps_json_hex_(struct ps_json *j, uint64_t v);
void ps_json_str_(struct ps_json *j, const char *s);

/*
 * Where the next @n bytes go, with room for them made: each writer asks
 * once for the most it may write and then stores in place.
 */
static inline char *ps_json_room_(struct ps_json *j, size_t n)
{
	if (j->len + n > sizeof(j->buf))
		ps_json_flush_(j);
	return j->buf + j->len;
}

/* Keys as long as this are written in place; longer ones in parts. */
#define PS_JSON_KEY_MAX	48

/*
 * Inline, so that for a literal key strlen() is a constant and the copy a
 * few stores.
 */
static inline void ps_json_key(struct ps_json *j, const char *key)
{
	size_t n = key ? strlen(key) : 0;
	char *p;

	if (n > PS_JSON_KEY_MAX) {
		ps_json_long_key_(j, key);
		return;
	}
	p = ps_json_room_(j, n + 4);
	if (j->need_comma)
		*p++ = ',';
	j->need_comma = true;
	if (key) {
		*p++ = '"';
		memcpy(p, key, n); // NOLINT(bugprone-not-null-terminated-result): JSON, not a C string
		p += n;
		*p++ = '"';
		*p++ = ':';
	}
	j->len = (size_t)(p - j->buf);
}

/* @n bytes of the program's own, at most 16: true, false, null. */
static inline void ps_json_lit_(struct ps_json *j, const char *s, size_t n)
{
	memcpy(ps_json_room_(j, n), s, n); // NOLINT(bugprone-not-null-terminated-result): JSON, not a C string
	j->len += n;
}

static inline void ps_json_u64(struct ps_json *j, const char *key, uint64_t v)
{
	ps_json_key(j, key);
	ps_json_u64_(j, v);
}

static inline void ps_json_int(struct ps_json *j, const char *key, int v)
{
	ps_json_key(j, key);
	ps_json_int_(j, v);
}

static inline void ps_json_hex(struct ps_json *j, const char *key, uint64_t v)
{
	ps_json_key(j, key);
	ps_json_hex_(j, v);
}

static inline void ps_json_str(struct ps_json *j, const char *key, const char *s)
{
	ps_json_key(j, key);
	ps_json_str_(j, s);
}

/* A fault event has five: checking their bytes for escapes cost a fifth. */
static inline void ps_json_name(struct ps_json *j, const char *key, const char *name)
{
	size_t n = strlen(name);
	char *p;

	ps_json_key(j, key);
	if (n > PS_JSON_KEY_MAX) {
		ps_json_str_(j, name);
		return;
	}
	p = ps_json_room_(j, n + 2);
	*p++ = '"';
	memcpy(p, name, n); // NOLINT(bugprone-not-null-terminated-result): JSON, not a C string
	p[n] = '"';
	j->len += n + 2;
}

static inline void ps_json_bool(struct ps_json *j, const char *key, bool v)
{
	ps_json_key(j, key);
	if (v)
		ps_json_lit_(j, "true", 4);
	else
		ps_json_lit_(j, "false", 5);
}

static inline void ps_json_null(struct ps_json *j, const char *key)
{
	ps_json_key(j, key);
	ps_json_lit_(j, "null", 4);
}

#endif
