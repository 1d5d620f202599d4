/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live-event interface's messages, parsed and checked: the WATCH reply,
 * EVENTS and WATCH_END from a subscription, and the STAT reply.
 */
#ifndef PTSCOPE_WATCHREPLY_H
#define PTSCOPE_WATCHREPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netlink/msg.h>
#include "../module/uapi/ptscope.h"

struct ps_watch_reply {
	uint32_t buffer;		/* events per CPU, as the module rounded it */
	bool frames_hidden;
};

/*
 * An EVENTS or WATCH_END message. The events stay in the message, packed
 * and only 4-byte aligned: read them with ps_events_get().
 */
struct ps_events_msg {
	const void *events;
	size_t nr;
	bool has_counts;
	struct ptscope_counts counts;	/* cumulative */
	bool has_end;
	unsigned int end_reason;	/* enum ptscope_end_reason */
};

struct ps_hook {
	uint32_t kinds;			/* PTSCOPE_EVK_* */
	char name[128];
	bool active;
	uint32_t missed;
};

struct ps_sub {
	uint32_t portid;
	uint32_t pids[PTSCOPE_WATCH_MAX_PIDS];
	unsigned int nr_pids;		/* 0: not shown to this caller */
	uint32_t mask, buffer, buffered;
	bool has_counts;
	struct ptscope_counts counts;
};

struct ps_stat {
	char version[64], kernel[128];
	unsigned int paging_levels;
	uint32_t buffer;		/* the default, events per CPU */
	struct ps_hook *hooks;
	size_t nr_hooks;
	bool has_objects;
	uint64_t subscriptions, targets, mms, notifiers;
	uint64_t requests, users;	/* in flight; users holding anything */
	bool has_counts;
	struct ptscope_counts counts;	/* every subscription since load */
	struct ps_sub *subs;
	size_t nr_subs;
};

/* 0, or -1 if the message is not well-formed (reason in @why). */
int ps_parse_watch_reply(struct nlmsghdr *nlh, struct ps_watch_reply *r,
			 const char **why);
/* For WATCH_END, counts and the end reason are required. */
int ps_parse_events(struct nlmsghdr *nlh, bool end, struct ps_events_msg *m,
		    const char **why);
void ps_events_get(const struct ps_events_msg *m, size_t i, struct ptscope_event *e);
/* ps_stat_free() also after a failed parse. */
int ps_parse_stat(struct nlmsghdr *nlh, struct ps_stat *st, const char **why);
void ps_stat_free(struct ps_stat *st);

/* The genl command of a ptscope message, or -1. */
int ps_msg_cmd(struct nlmsghdr *nlh);
/* Is this the generic netlink controller announcing that @family is gone? */
bool ps_family_removed(struct nlmsghdr *nlh, int family);

#endif
