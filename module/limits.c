// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits.
 *
 * A user who may read their own page tables may also ask for many of
 * them at once, or for big event buffers, from many sockets. Each user's
 * holdings are counted here and refused past a module parameter with an
 * error that names it, before anything is allocated: the global limits
 * alone would let one user take everything from the others.
 */

#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "limits.h"

static unsigned int max_user_requests = 64;
module_param(max_user_requests, uint, 0644);
MODULE_PARM_DESC(max_user_requests, "Most walk/dump requests one user has in flight (one per socket)");

static unsigned int max_user_subscriptions = 16;
module_param(max_user_subscriptions, uint, 0644);
MODULE_PARM_DESC(max_user_subscriptions, "Most watch subscriptions one user holds");

static unsigned int max_user_buffer = 131072;
module_param(max_user_buffer, uint, 0644);
MODULE_PARM_DESC(max_user_buffer, "Most events one user's subscriptions buffer per CPU, together (96 bytes each)");

static const struct {
	unsigned int *max;
	const char *msg;
} limits[PS_RES_NR] = {
	[PS_RES_REQUESTS] = { &max_user_requests,
		"too many requests in flight for this user (module parameter max_user_requests)" },
	[PS_RES_SUBSCRIPTIONS] = { &max_user_subscriptions,
		"too many subscriptions for this user (module parameter max_user_subscriptions)" },
	[PS_RES_BUFFER] = {
		&max_user_buffer,
		"event buffers too large for this user: ask for a smaller --buffer, or end other watches (module parameter max_user_buffer)"
	},
};

struct ps_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned long held[PS_RES_NR];
};

static DEFINE_SPINLOCK(users_lock);
static DEFINE_HASHTABLE(users, 6);
static unsigned long nr_users;
static unsigned long total[PS_RES_NR];

static struct ps_user *user_find(kuid_t uid)
{
	struct ps_user *u;

	hash_for_each_possible(users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

static bool holds_nothing(const struct ps_user *u)
{
	int i;

	for (i = 0; i < PS_RES_NR; i++)
		if (u->held[i])
			return false;
	return true;
}

int ps_charge(kuid_t uid, enum ps_resource res, unsigned long n,
	      struct netlink_ext_ack *extack)
{
	struct ps_user *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	unsigned long max = READ_ONCE(*limits[res].max);
	struct ps_user *u;
	int err = 0;

	spin_lock(&users_lock);
	u = user_find(uid);
	if (!u && fresh) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		hash_add(users, &u->node, __kuid_val(uid));
		nr_users++;
	}
	if (!u) {
		err = -ENOMEM;
	} else if (n > max || u->held[res] > max - n) {
		/* NL_SET_ERR_MSG() wants a literal: these are static too. */
		if (extack)
			extack->_msg = limits[res].msg;
		err = -EUSERS;
		if (holds_nothing(u)) {
			hash_del(&u->node);
			nr_users--;
			fresh = u;
		}
	} else {
		u->held[res] += n;
		total[res] += n;
	}
	spin_unlock(&users_lock);
	kfree(fresh);
	return err;
}

void ps_uncharge(kuid_t uid, enum ps_resource res, unsigned long n)
{
	struct ps_user *u, *gone = NULL;

	spin_lock(&users_lock);
	u = user_find(uid);
	if (u && !WARN_ON_ONCE(u->held[res] < n)) {
		u->held[res] -= n;
		total[res] -= n;
		if (holds_nothing(u)) {
			hash_del(&u->node);
			nr_users--;
			gone = u;
		}
	}
	spin_unlock(&users_lock);
	kfree(gone);
}

/* Users holding anything: 0 once every request and subscription is over. */
unsigned long ps_users_charged(void)
{
	return READ_ONCE(nr_users);
}

/* What all users hold of @res together. */
unsigned long ps_held_total(enum ps_resource res)
{
	return READ_ONCE(total[res]);
}

void ps_limits_exit(void)
{
	struct ps_user *u;
	struct hlist_node *tmp;
	int bkt;

	/* Everything was given back before: this only guards a leak. */
	hash_for_each_safe(users, bkt, tmp, u, node) {
		hash_del(&u->node);
		kfree(u);
	}
}
