/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PTSCOPE_LIMITS_H
#define PTSCOPE_LIMITS_H

#include <linux/cred.h>
#include <linux/uidgid.h>
#include <net/netlink.h>

/* What a user holds at once, each bounded by a module parameter. */
enum ps_resource {
	PS_RES_REQUESTS,	/* walk, dump and swap-area requests in flight */
	PS_RES_SUBSCRIPTIONS,	/* watch subscriptions */
	PS_RES_BUFFER,		/* events buffered per CPU, all subscriptions */
	PS_RES_NR
};

/* The user a request is charged to: the sender's real uid, as rlimits do. */
static inline kuid_t ps_charged_uid(void)
{
	return current_uid();
}

int ps_charge(kuid_t uid, enum ps_resource res, unsigned long n,
	      struct netlink_ext_ack *extack);
void ps_uncharge(kuid_t uid, enum ps_resource res, unsigned long n);
unsigned long ps_users_charged(void);
unsigned long ps_held_total(enum ps_resource res);

/* A charge kept with what it pays for, given back once. */
struct ps_held {
	kuid_t uid;
	enum ps_resource res;
	unsigned long n;
};

static inline int ps_hold(struct ps_held *h, enum ps_resource res,
			  unsigned long n, struct netlink_ext_ack *extack)
{
	int err;

	h->uid = ps_charged_uid();
	err = ps_charge(h->uid, res, n, extack);
	if (!err) {
		h->res = res;
		h->n = n;
	}
	return err;
}

static inline void ps_release(struct ps_held *h)
{
	if (h->n)
		ps_uncharge(h->uid, h->res, h->n);
	h->n = 0;
}

void ps_limits_exit(void);

#endif
