// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include "../module/uapi/ptscope.h"
#include "nl.h"
#include "ptscope.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int ps_nl_open(struct ps_nl *nl)
{
	int one = 1, err;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		ps_err("out of memory");
		return -1;
	}
	err = genl_connect(nl->sk);
	if (err) {
		ps_err("cannot open a generic netlink socket: %s", nl_geterror(err));
		goto fail;
	}
	/* Error messages from the kernel; and no copy of big requests in them. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	/*
	 * Dumps come in skbs of up to 32 KiB: read each once, into a buffer
	 * that holds it, instead of peeking at its size first.
	 */
	nl_socket_disable_msg_peek(nl->sk);
	nl_socket_set_msg_buf_size(nl->sk, 64 * 1024);

	/* Resolving the name makes the kernel autoload ptscope.ko if installed. */
	nl->family = genl_ctrl_resolve(nl->sk, PTSCOPE_GENL_NAME);
	if (nl->family < 0) {
		ps_err("module not loaded: run `sudo modprobe ptscope`\n"
		       "  (the kernel could not autoload it: is it installed? `make install`\n"
		       "  or `make dkms-install`; in the build tree, `sudo insmod ptscope.ko`)");
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void ps_nl_close(struct ps_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *ps_nl_msg(const struct ps_nl *nl, int cmd, int flags,
			 size_t payload)
{
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 64 + payload);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, PTSCOPE_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

struct transaction {
	struct nl_msg *req;
	ps_nl_reply_fn fn;
	void *arg;
	ps_nl_context_fn context;
	int error;
	int done;
};

/* What an extended ACK may carry that the client reads, checked like a reply. */
static struct nla_policy ext_ack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS]	= { .type = NLA_U32 },
};

/* The kernel's extended ACK: a message, and which of our attributes it blamed. */
static void report(struct nl_msg *req_msg, ps_nl_context_fn context, int error,
		   struct nlattr *tlvs, int len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	const char *msg = NULL;
	char ctx[128] = "";

	if (tlvs && len > 0 && !nla_parse(tb, NLMSGERR_ATTR_MAX, tlvs, len, ext_ack_policy)) {
		if (tb[NLMSGERR_ATTR_MSG])
			msg = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
		if (tb[NLMSGERR_ATTR_OFFS] && context && req_msg) {
			struct nlmsghdr *req = nlmsg_hdr(req_msg);
			uint32_t off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);

			/* Where an attribute of ours starts, whole inside the request. */
			if (off >= NLMSG_HDRLEN + GENL_HDRLEN && off % NLA_ALIGNTO == 0 &&
			    off + sizeof(struct nlattr) <= req->nlmsg_len) {
				const struct nlattr *bad = (const void *)((char *)req + off);

				if (off + nla_total_size(0) <= req->nlmsg_len &&
				    bad->nla_len >= sizeof(struct nlattr) &&
				    off + (uint32_t)bad->nla_len <= req->nlmsg_len)
					context(bad, ctx, sizeof(ctx));
			}
		}
	}
	if (msg && *msg)
		ps_err("kernel reports: %s%s%s%s", msg, *ctx ? " (" : "", ctx, *ctx ? ")" : "");
	else if (error == -EPERM || error == -EACCES)
		ps_err("kernel reports: not permitted: ptscope needs the same rights as reading\n"
		       "  /proc/PID/pagemap (your own processes, or root; see ptscope(8))");
	else if (error < 0 && error != INT_MIN)
		ps_err("kernel reports: %s", strerror(-error));
	else
		ps_err("kernel reports: error %d", error);
}

int ps_nl_report(struct nlmsgerr *e, struct nl_msg *req, ps_nl_context_fn context)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	/* After the error: the request (unless capped), aligned, then the TLVs. */
	size_t len = 0, skip = 0;
	struct nlattr *tlvs = NULL;

	if (!e->error)
		return 0;
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(*e))
		len = nlh->nlmsg_len - NLMSG_HDRLEN - sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip = e->msg.nlmsg_len < NLMSG_HDRLEN ? SIZE_MAX :
		       ((size_t)e->msg.nlmsg_len - NLMSG_HDRLEN + NLMSG_ALIGNTO - 1) &
		       ~(size_t)(NLMSG_ALIGNTO - 1);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && skip < len)
		tlvs = (struct nlattr *)((char *)(e + 1) + skip);
	report(req, context, e->error, tlvs, tlvs ? (int)(len - skip) : 0);
	return e->error;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct transaction *t = arg;

	(void)who;
	t->done = 1;
	t->error = ps_nl_report(e, t->req, t->context);
	return NL_STOP;
}

/* NLMSG_DONE carries the dump's final errno, and its ext-ack after it. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transaction *t = arg;

	t->done = 1;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		int err = *(int *)nlmsg_data(nlh);

		if (err < 0) {
			t->error = err;
			report(t->req, t->context, err, (nlh->nlmsg_flags & NLM_F_ACK_TLVS) ?
			       nlmsg_attrdata(nlh, sizeof(int)) : NULL,
			       nlmsg_attrlen(nlh, sizeof(int)));
		}
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->done = 1;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	if (t->error)
		return NL_SKIP;
	t->error = t->fn(msg, t->arg);
	/* A reply the client cannot use ends the conversation. */
	return t->error ? NL_STOP : NL_OK;
}

int ps_nl_transact(struct ps_nl *nl, struct nl_msg *msg, ps_nl_reply_fn fn,
		   void *arg, ps_nl_context_fn context)
{
	struct transaction t = { msg, fn, arg, context, 0, 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err;

	if (!cb) {
		nlmsg_free(msg);
		ps_err("out of memory");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	err = nl_send_auto(nl->sk, msg);
	if (err < 0) {
		ps_err("cannot send the request: %s", nl_geterror(err));
		t.error = -EIO;
		goto out;
	}
	while (!t.done && !t.error) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !t.done && !t.error) {
			ps_err("reading the kernel's answer failed: %s", nl_geterror(err));
			t.error = -EIO;
		}
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return t.error;
}
