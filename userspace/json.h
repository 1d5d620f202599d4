/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough JSON writing for one-object-per-line output. 64-bit values
 * that scripts must not lose precision on are hex strings.
 *
 * An object is built in a buffer of its own and written with one call:
 * `watch --json` writes an object per event, tens of thousands a second,
 * and with stdio's per-character calls and printf a fault event cost the
 * client 14,550 instructions; built here, 4,600 (callgrind, 100,000
 * events through ps_event_json() and the summary).
 */
#ifndef PTSCOPE_JSON_H
#define PTSCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ps_json {
	FILE *f;
	bool need_comma;
	size_t len;
	char buf[1024];		/* longer objects are written in parts */
};

void ps_json_begin(struct ps_json *j, FILE *f);	/* { */
void ps_json_end(struct ps_json *j);		/* }\n, and writes it out */
void ps_json_obj(struct ps_json *j, const char *key);	/* "key": { */
void ps_json_obj_end(struct ps_json *j);
void ps_json_arr(struct ps_json *j, const char *key);	/* "key": [ */
void ps_json_arr_end(struct ps_json *j);
void ps_json_u64(struct ps_json *j, const char *key, uint64_t v);
void ps_json_int(struct ps_json *j, const char *key, int v);
void ps_json_hex(struct ps_json *j, const char *key, uint64_t v);
void ps_json_str(struct ps_json *j, const char *key, const char *s);
void ps_json_bool(struct ps_json *j, const char *key, bool v);
void ps_json_null(struct ps_json *j, const char *key);

#endif
