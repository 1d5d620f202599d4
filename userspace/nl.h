/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netlink conversation with ptscope.ko, through libnl-genl.
 */
#ifndef PTSCOPE_NL_H
#define PTSCOPE_NL_H

#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

struct ps_nl {
	struct nl_sock *sk;
	int family;
};

/* Connect and find the family (autoloading the module); prints why not. */
int ps_nl_open(struct ps_nl *nl);
void ps_nl_close(struct ps_nl *nl);

/* A request for @cmd with @flags (e.g. NLM_F_DUMP), room for @payload bytes. */
struct nl_msg *ps_nl_msg(const struct ps_nl *nl, int cmd, int flags,
			 size_t payload);

/*
 * Send @msg, pass each reply to @fn, wait for the end (ACK, NLMSG_DONE or
 * error). A kernel error is printed as "ptscope: kernel reports: MSG", with
 * @context(attribute the kernel blamed) appended when given. Returns 0 or
 * the negative errno the kernel (or libnl) reported. Frees @msg.
 */
typedef int (*ps_nl_reply_fn)(struct nl_msg *reply, void *arg);
typedef void (*ps_nl_context_fn)(const struct nlattr *bad, char *buf, size_t len);
int ps_nl_transact(struct ps_nl *nl, struct nl_msg *msg, ps_nl_reply_fn fn,
		   void *arg, ps_nl_context_fn context);

/*
 * For conversations that ps_nl_transact cannot hold (a subscription, whose
 * events arrive among the answers): print the error ACK @e, as an NL_CB_ERR
 * callback receives it, the way ps_nl_transact would; @req is the request
 * it answers. Returns e->error; prints nothing for 0.
 */
int ps_nl_report(struct nlmsgerr *e, struct nl_msg *req, ps_nl_context_fn context);

#endif
