// SPDX-License-Identifier: GPL-2.0
/*
 * Events are unsolicited messages (sequence number 0) that may arrive
 * before the answer to WATCH and among the answers to UNWATCH, so one
 * callback set reads everything this socket gets, from the request on:
 * ps_nl_transact, which expects only its own answers, cannot be used.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "../module/uapi/ptscope.h"
#include "event.h"
#include "nl.h"
#include "ptscope.h"
#include "request.h"
#include "summary.h"
#include "swaps.h"
#include "watch.h"
#include "watchreply.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NS		1000000000ULL
#define ANSWER_NS	(10 * NS)	/* for the answer to WATCH */
#define END_NS		(5 * NS)	/* of silence, once WATCH_END is due */
#define REREAD_NS	(NS / 10)	/* between reads of one process's maps */
#define RCVBUF		(8 << 20)

struct maps_read {
	uint32_t pid;
	uint64_t at_ns;
	bool due;		/* a fault needs another read, held back by the limit */
};

struct ps_watch {
	struct ps_watch_opts o;
	struct ps_nl nl;
	struct nl_cb *cb;
	struct nl_msg *watch_req, *unwatch_req;	/* kept to name what an error blames */
	uint32_t watch_seq, unwatch_seq;
	bool accepted, refused, unwatch_sent, ended, failed;
	struct ps_watch_reply reply;
	unsigned int end_reason;
	uint64_t end_due_ns;		/* 0: WATCH_END not due yet */
	struct ptscope_counts counts;	/* the last seen */
	uint64_t received[PTSCOPE_EV_NR];
	uint64_t printed;
	uint64_t unfollowed;		/* children the module could not follow */
	uint64_t stop_ns;		/* --duration; 0: none */
	struct ps_event_fmt fmt;
	struct ps_swaps *swaps;
	struct ps_summary *sum;
	struct maps_read *reads;
	size_t nr_reads, cap_reads;
};

static volatile sig_atomic_t stop_signals, stop_again, forward_signal, command_exited;

/*
 * One Ctrl-C often comes twice: the terminal sends it to the whole
 * foreground group, and a "timeout" in that group forwards its own copy.
 * Only one that comes this long after the first is the user's second.
 */
#define AGAIN_NS	(NS / 5)

/* clock_gettime() is async-signal-safe: on_stop() may call this. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

/*
 * Used by on_stop() alone, which runs only inside ppoll() (the signal is
 * blocked elsewhere), so a plain 64-bit variable will do.
 */
static uint64_t first_stop_ns;

static void on_stop(int sig)
{
	uint64_t t = now_ns();

	(void)sig;
	if (!stop_signals)
		first_stop_ns = t;
	else if (t - first_stop_ns >= AGAIN_NS)
		stop_again = 1;
	stop_signals++;
}

static void on_forward(int sig)
{
	forward_signal = sig;
}

static void on_child(int sig)
{
	(void)sig;
	command_exited = 1;
}

/*
 * The handled signals are blocked but while ppoll() waits, so one that
 * comes between a look at the flags and the wait still ends the wait.
 */
static sigset_t wait_mask, saved_mask;
static bool signals_installed;

static void handle(int sig, void (*fn)(int), sigset_t *blocked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;	/* no SA_RESTART: the wait ends with EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	if (fn != SIG_IGN && fn != SIG_DFL)
		sigaddset(blocked, sig);
}

static void install_signals(const struct ps_watch_opts *o)
{
	sigset_t blocked;

	sigemptyset(&blocked);
	if (!o->command) {
		handle(SIGINT, on_stop, &blocked);
		handle(SIGTERM, on_stop, &blocked);
		handle(SIGHUP, on_stop, &blocked);
	} else {
		/* The terminal sends Ctrl-C to the command too: it decides. */
		handle(SIGINT, SIG_IGN, &blocked);
		handle(SIGQUIT, SIG_IGN, &blocked);
		handle(SIGTERM, on_forward, &blocked);
		handle(SIGHUP, on_forward, &blocked);
		handle(SIGCHLD, on_child, &blocked);
	}
	sigprocmask(SIG_BLOCK, &blocked, &saved_mask);
	wait_mask = saved_mask;
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGHUP);
	sigdelset(&wait_mask, SIGCHLD);
	signals_installed = true;
}

/*
 * Once all is said: the default actions again. A command's
 * SIGINT stays ignored: the caller still waits for the command to exit.
 */
static void restore_signals(const struct ps_watch_opts *o)
{
	sigset_t unused;

	if (!signals_installed)
		return;
	sigemptyset(&unused);
	if (!o->command)
		handle(SIGINT, SIG_DFL, &unused);
	handle(SIGTERM, SIG_DFL, &unused);
	handle(SIGHUP, SIG_DFL, &unused);
	handle(SIGCHLD, SIG_DFL, &unused);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	signals_installed = false;
}

/* /proc/PID/maps whole, NUL-terminated; NULL if it cannot be read. */
static char *read_maps(uint32_t pid)
{
	char path[64], *buf = NULL, *m;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			m = realloc(buf, cap);
			if (!m) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = m;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	buf[len] = 0;
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static struct maps_read *find_read(struct ps_watch *w, uint32_t pid)
{
	struct maps_read *m;
	size_t i;

	for (i = 0; i < w->nr_reads; i++)
		if (w->reads[i].pid == pid)
			return &w->reads[i];
	if (w->nr_reads == w->cap_reads) {
		m = realloc(w->reads, (w->cap_reads ? w->cap_reads * 2 : 16) * sizeof(*m));
		if (!m)
			return NULL;
		w->reads = m;
		w->cap_reads = w->cap_reads ? w->cap_reads * 2 : 16;
	}
	w->reads[w->nr_reads] = (struct maps_read){ pid, 0, false };
	return &w->reads[w->nr_reads++];
}

/*
 * Learn the VMAs of @pid again. Unless @force (a new address space), at
 * most every REREAD_NS: a burst of faults in a new mapping needs one read,
 * and one held back is made when the time comes (reread_due). A process
 * that is gone keeps its last maps.
 */
static void reread(struct ps_watch *w, uint32_t pid, bool force)
{
	struct maps_read *r = find_read(w, pid);
	uint64_t now = now_ns();
	char *text;

	if (!r)
		return;
	if (!force && r->at_ns && now - r->at_ns < REREAD_NS) {
		r->due = true;
		return;
	}
	r->at_ns = now;
	r->due = false;
	text = read_maps(pid);
	/* Empty: a zombie, whose VMAs are gone; the last ones still tell. */
	if (text && *text)
		ps_summary_maps(w->sum, pid, text);
	free(text);
}

/* The reads held back whose time has come (all, with @all); the next one due. */
static uint64_t reread_due(struct ps_watch *w, bool all)
{
	uint64_t next = 0, now = now_ns();
	size_t i;

	for (i = 0; i < w->nr_reads; i++) {
		struct maps_read *r = &w->reads[i];

		if (!r->due)
			continue;
		if (all || now - r->at_ns >= REREAD_NS)
			reread(w, r->pid, true);
		else if (!next || r->at_ns + REREAD_NS < next)
			next = r->at_ns + REREAD_NS;
	}
	return next;
}

static bool printing(const struct ps_watch *w)
{
	return !w->o.count || w->printed < w->o.count;
}

static void on_event(struct ps_watch *w, const struct ptscope_event *e)
{
	if (e->type < PTSCOPE_EV_NR)
		w->received[e->type]++;
	switch (e->type) {
	case PTSCOPE_EV_FAULT:
		if (!ps_summary_fault(w->sum, e->pid, e->va, e->flags & PTSCOPE_EV_F_MAJOR))
			reread(w, e->pid, false);
		break;
	case PTSCOPE_EV_EXEC:
		ps_summary_exec(w->sum, e->pid);
		reread(w, e->pid, true);
		break;
	case PTSCOPE_EV_FORK:
		if (e->flags & PTSCOPE_EV_F_UNFOLLOWED)
			w->unfollowed++;
		else if (w->o.flags & PTSCOPE_WATCH_F_CHILDREN)
			reread(w, e->count, true);
		break;
	}
	if (!printing(w))
		return;
	if (w->o.json)
		ps_event_json(stdout, e, &w->fmt);
	else
		ps_event_text(stdout, e, &w->fmt);
	w->printed++;
}

/* EVENTS and WATCH_END; NL_STOP once nothing more is to be read. */
static int on_events(struct ps_watch *w, struct nlmsghdr *nlh, bool end)
{
	struct ps_events_msg m;
	struct ptscope_event e;
	const char *why;
	size_t i;

	if (ps_parse_events(nlh, end, &m, &why)) {
		ps_err("malformed events message from the kernel: %s", why);
		w->failed = true;
		return NL_STOP;
	}
	/*
	 * What a reader that fell behind still has to read may take it
	 * longer than END_NS: only the module's silence is a failure.
	 */
	if (w->end_due_ns)
		w->end_due_ns = now_ns() + END_NS;
	for (i = 0; i < m.nr; i++) {
		ps_events_get(&m, i, &e);
		on_event(w, &e);
	}
	if (m.has_counts) {
		if (printing(w))
			ps_drops_print(stdout, &m.counts, &w->counts, w->o.json, w->o.color);
		w->counts = m.counts;
	}
	if (end) {
		w->ended = true;
		w->end_reason = m.end_reason;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct ps_watch *w = arg;
	const char *why;

	if (w->ended || w->failed)
		return NL_STOP;
	/*
	 * The module sends WATCH_END before it unregisters the family, but
	 * not when the socket is full as it unloads: then the family's
	 * removal, announced after it, is the end.
	 */
	if (ps_family_removed(nlh, w->nl.family)) {
		w->ended = true;
		w->end_reason = PTSCOPE_END_UNLOAD;
		return NL_STOP;
	}
	if (nlh->nlmsg_type != w->nl.family)
		return NL_SKIP;
	switch (ps_msg_cmd(nlh)) {
	case PTSCOPE_CMD_EVENTS:
		return on_events(w, nlh, false);
	case PTSCOPE_CMD_WATCH_END:
		return on_events(w, nlh, true);
	}
	if (nlh->nlmsg_seq == w->watch_seq && !w->accepted) {
		if (ps_parse_watch_reply(nlh, &w->reply, &why)) {
			ps_err("unexpected answer from the module: %s", why);
			w->failed = true;
			return NL_STOP;
		}
	}
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct ps_watch *w = arg;

	if (nlmsg_hdr(msg)->nlmsg_seq == w->watch_seq)
		w->accepted = true;
	return NL_OK;
}

/* Name what the kernel blamed in terms of the command line. */
static void watch_context(const struct nlattr *bad, char *buf, size_t len)
{
	if (nla_len(bad) != 4)
		return;
	switch (nla_type(bad)) {
	case PTSCOPE_A_PID:
		snprintf(buf, len, "pid %u", nla_get_u32((struct nlattr *)bad));
		break;
	case PTSCOPE_A_BUFFER:
		snprintf(buf, len, "--buffer %u", nla_get_u32((struct nlattr *)bad));
		break;
	case PTSCOPE_A_EVENT_MASK:
		snprintf(buf, len, "event mask 0x%x", nla_get_u32((struct nlattr *)bad));
		break;
	}
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct ps_watch *w = arg;

	(void)who;
	if (e->msg.nlmsg_seq == w->watch_seq && !w->accepted) {
		ps_nl_report(e, w->watch_req, watch_context);
		w->refused = true;
	} else if (e->msg.nlmsg_seq == w->unwatch_seq) {
		/* WATCH_END is still awaited: its deadline says if it never comes. */
		ps_nl_report(e, w->unwatch_req, NULL);
	}
	return NL_SKIP;
}

/*
 * Events come in bursts from every CPU: a big receive buffer and no
 * ENOBUFS (the module holds what does not fit, and counts what its own
 * buffers drop); messages of any size, read without blocking after poll().
 */
static int setup_socket(struct ps_watch *w)
{
	struct nl_sock *sk = w->nl.sk;
	int fd = nl_socket_get_fd(sk), one = 1, size = RCVBUF, ctrl_group;
	struct nl_cb *cb;

	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	nl_socket_set_buffer_size(sk, RCVBUF, 1 << 20);
	/* Beyond rmem_max, for those allowed to (CAP_NET_ADMIN). */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	nl_socket_enable_msg_peek(sk);
	/* Asked while the socket still expects only answers. */
	ctrl_group = genl_ctrl_resolve_grp(sk, "nlctrl", "notify");
	nl_socket_disable_seq_check(sk);
	if (ctrl_group >= 0)
		nl_socket_add_membership(sk, ctrl_group);
	if (nl_socket_set_nonblocking(sk) < 0) {
		ps_err("cannot make the netlink socket non-blocking: %s", strerror(errno));
		return -1;
	}
	cb = nl_socket_get_cb(sk);
	w->cb = nl_cb_clone(cb);
	nl_cb_put(cb);
	if (!w->cb) {
		ps_err("out of memory");
		return -1;
	}
	nl_cb_set(w->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, w);
	nl_cb_set(w->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, w);
	nl_cb_err(w->cb, NL_CB_CUSTOM, on_error, w);
	return 0;
}

/* Swap areas by name in the events, as they are when the watch starts. */
static void learn_swaps(struct ps_watch *w)
{
	struct ps_info info;

	if (!(w->o.mask & PTSCOPE_EVK_SWAP) || ps_get_info(&w->nl, &info) ||
	    !(info.features & PTSCOPE_FEAT_SWAP_AREAS))
		return;
	w->swaps = malloc(sizeof(*w->swaps));
	if (w->swaps && ps_swaps_query(&w->nl, w->swaps)) {
		free(w->swaps);
		w->swaps = NULL;
	}
	w->fmt.swaps = w->swaps;
}

static struct nl_msg *watch_msg(struct ps_watch *w)
{
	const struct ps_watch_opts *o = &w->o;
	struct nl_msg *msg = ps_nl_msg(&w->nl, PTSCOPE_CMD_WATCH, 0,
				       (o->nr_pids + 3) * nla_total_size(4));
	size_t i;
	int err = !msg;

	for (i = 0; !err && i < o->nr_pids; i++)
		err = nla_put_u32(msg, PTSCOPE_A_PID, o->pids[i]);
	if (!err)
		err = nla_put_u32(msg, PTSCOPE_A_EVENT_MASK, o->mask);
	if (!err)
		err = nla_put_u32(msg, PTSCOPE_A_WATCH_FLAGS, o->flags);
	if (!err && o->has_buffer)
		err = nla_put_u32(msg, PTSCOPE_A_BUFFER, o->buffer);
	if (err) {
		nlmsg_free(msg);
		ps_err("out of memory");
		return NULL;
	}
	return msg;
}

/*
 * A reader slower than its target (a busy process, a loaded machine, a
 * slow pipe on stdout) may never find the socket empty: reading stops at
 * @deadline_ns (0: none) and after DRAIN_READS messages all the same, so
 * that --duration, --count and Ctrl-C (delivered only in ppoll) still
 * end the watch.
 */
#define DRAIN_READS	256

/* Read what is there, within bounds; false on a failure (printed). */
static bool drain(struct ps_watch *w, uint64_t deadline_ns)
{
	int i;

	for (i = 0; i < DRAIN_READS; i++) {
		int err = nl_recvmsgs(w->nl.sk, w->cb);

		if (w->failed)
			return false;
		if (w->ended || err == -NLE_AGAIN)
			return true;
		if (err < 0) {
			ps_err("reading from the module failed: %s", nl_geterror(err));
			return false;
		}
		if (deadline_ns && now_ns() >= deadline_ns)
			break;
	}
	return true;
}

/* Wait for the socket until @deadline_ns (0: none); false on a failure. */
static bool wait_and_read(struct ps_watch *w, uint64_t deadline_ns)
{
	struct pollfd pfd = { nl_socket_get_fd(w->nl.sk), POLLIN, 0 };
	struct timespec ts = { 0, 0 };
	int r;

	if (deadline_ns) {
		uint64_t now = now_ns(), left = deadline_ns > now ? deadline_ns - now : 0;

		ts.tv_sec = (time_t)(left / NS);
		ts.tv_nsec = (long)(left % NS);
	}
	r = ppoll(&pfd, 1, deadline_ns ? &ts : NULL, &wait_mask);
	if (r < 0 && errno != EINTR) {
		ps_err("poll: %s", strerror(errno));
		return false;
	}
	if (r > 0 && (pfd.revents & (POLLERR | POLLNVAL)) && !(pfd.revents & POLLIN)) {
		ps_err("the netlink socket failed");
		return false;
	}
	return r > 0 ? drain(w, deadline_ns) : true;
}

static void say_watching(const struct ps_watch *w)
{
	const struct ps_watch_opts *o = &w->o;
	char line[1024], kinds[64];
	size_t i;
	int n;

	ps_evk_list(o->mask, kinds, sizeof(kinds));
	n = snprintf(line, sizeof(line), "watching pid%s ", o->nr_pids > 1 ? "s" : "");
	for (i = 0; i < o->nr_pids && n > 0 && (size_t)n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%s%u", i ? "," : "",
			      o->pids[i]);
	if (o->command_name && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " (%.200s)", o->command_name);
	if ((o->flags & PTSCOPE_WATCH_F_CHILDREN) && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " and %s children",
			      o->nr_pids > 1 ? "their" : "its");
	if (n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " for %s events", kinds);
	if (w->reply.buffer && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %u buffered per CPU",
			      w->reply.buffer);
	if (n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " (Ctrl-C to stop)");
	ps_err("%s", line);
	/* Tests wait for this line before they make the target act. */
	fflush(stderr);
}

int ps_watch_start(const struct ps_watch_opts *o, struct ps_watch **wp)
{
	struct ps_watch *w = calloc(1, sizeof(*w));
	uint64_t deadline;
	size_t i;
	int err;

	*wp = w;
	if (!w) {
		ps_err("out of memory");
		return PS_EXIT_FAIL;
	}
	w->o = *o;
	w->fmt.color = o->color;
	w->sum = ps_summary_new();
	if (!w->sum) {
		ps_err("out of memory");
		return PS_EXIT_FAIL;
	}
	if (ps_nl_open(&w->nl))
		return PS_EXIT_FAIL;
	learn_swaps(w);
	if (setup_socket(w))
		return PS_EXIT_FAIL;
	install_signals(o);

	w->watch_req = watch_msg(w);
	if (!w->watch_req)
		return PS_EXIT_FAIL;
	/* Before the request: no event of the subscription can be older. */
	w->fmt.t0_ns = now_ns();
	err = nl_send_auto(w->nl.sk, w->watch_req);
	if (err < 0) {
		ps_err("cannot send the request: %s", nl_geterror(err));
		return PS_EXIT_FAIL;
	}
	w->watch_seq = nlmsg_hdr(w->watch_req)->nlmsg_seq;
	deadline = now_ns() + ANSWER_NS;
	while (!w->accepted && !w->refused && !w->ended) {
		if (!wait_and_read(w, deadline))
			return PS_EXIT_FAIL;
		if (stop_signals) {
			ps_err("interrupted while subscribing");
			return PS_EXIT_FAIL;
		}
		if (!w->accepted && !w->refused && !w->ended && now_ns() >= deadline) {
			ps_err("the module did not answer the request to watch");
			return PS_EXIT_FAIL;
		}
	}
	if (w->refused)
		return PS_EXIT_FAIL;
	for (i = 0; i < o->nr_pids; i++)
		reread(w, o->pids[i], true);
	if (o->duration > 0)
		w->stop_ns = now_ns() + (uint64_t)(o->duration * NS);
	if (!o->command)
		say_watching(w);
	return PS_EXIT_OK;
}

static bool stop_wanted(const struct ps_watch *w)
{
	if (w->o.command)
		return false;
	return stop_signals || (w->o.count && w->printed >= w->o.count) ||
	       (w->stop_ns && now_ns() >= w->stop_ns);
}

/* End the subscription; its answer is read by the loop, with the events. */
static bool unwatch(struct ps_watch *w)
{
	int err;

	w->unwatch_sent = true;
	w->end_due_ns = now_ns() + END_NS;
	w->unwatch_req = ps_nl_msg(&w->nl, PTSCOPE_CMD_UNWATCH, 0, 0);
	if (!w->unwatch_req) {
		ps_err("out of memory");
		return false;
	}
	err = nl_send_auto(w->nl.sk, w->unwatch_req);
	if (err < 0) {
		ps_err("cannot send the request to stop watching: %s", nl_geterror(err));
		return false;
	}
	w->unwatch_seq = nlmsg_hdr(w->unwatch_req)->nlmsg_seq;
	return true;
}

static int loop(struct ps_watch *w)
{
	while (!w->ended) {
		uint64_t deadline, due;

		if (forward_signal) {
			kill(w->o.command, forward_signal);
			forward_signal = 0;
		}
		/*
		 * Without --children the command is all there is: once it has
		 * exited, WATCH_END is due.
		 */
		if (command_exited && !w->end_due_ns &&
		    !(w->o.flags & PTSCOPE_WATCH_F_CHILDREN))
			w->end_due_ns = now_ns() + END_NS;
		if (stop_again) {
			ps_err("interrupted again: not waiting for the module to end the subscription");
			return PS_EXIT_FAIL;
		}
		if (!w->unwatch_sent && stop_wanted(w) && !unwatch(w))
			return PS_EXIT_FAIL;
		if (w->end_due_ns && now_ns() >= w->end_due_ns) {
			ps_err("the module did not end the subscription: nothing from it for %llu s",
			       END_NS / NS);
			return PS_EXIT_FAIL;
		}
		deadline = w->end_due_ns;
		if (!w->unwatch_sent && w->stop_ns && (!deadline || w->stop_ns < deadline))
			deadline = w->stop_ns;
		due = reread_due(w, false);
		if (due && (!deadline || due < deadline))
			deadline = due;
		if (!wait_and_read(w, deadline))
			return PS_EXIT_FAIL;
		fflush(stdout);
	}
	return PS_EXIT_OK;
}

/*
 * The handlers stay until ps_watch_free(): a Ctrl-C that comes as the
 * watch ends by itself must not kill the summary still to be printed.
 */
int ps_watch_loop(struct ps_watch *w)
{
	int rc = loop(w);

	fflush(stdout);
	return rc;
}

/* Each event the module counts as delivered should have come. */
static void check_delivered(const struct ps_watch *w)
{
	uint64_t got = 0, sent = 0;
	int i;

	for (i = 0; i < PTSCOPE_EV_NR; i++) {
		got += w->received[i];
		sent += w->counts.delivered[i];
	}
	if (got != sent)
		ps_err("warning: the module counts %" PRIu64 " events delivered, %" PRIu64
		       " arrived", sent, got);
}

int ps_watch_report(struct ps_watch *w)
{
	reread_due(w, true);
	ps_summary_counts(w->sum, &w->counts);
	if (w->o.json)
		ps_summary_json(w->sum, stdout);
	else
		ps_summary_text(w->sum, stdout, w->o.color);
	fflush(stdout);
	check_delivered(w);
	if (w->unfollowed)
		ps_err("warning: %" PRIu64 " child process%s not watched: the module's "
		       "max_targets was reached, or it ran out of memory", w->unfollowed,
		       w->unfollowed == 1 ? " was" : "es were");
	switch (w->end_reason) {
	case PTSCOPE_END_UNWATCH:
	case PTSCOPE_END_EXITED:
		return PS_EXIT_OK;
	case PTSCOPE_END_ACCESS:
		ps_err("stopped: the process exec()ed a program you may not look into");
		break;
	case PTSCOPE_END_UNLOAD:
		ps_err("stopped: the module was unloaded");
		break;
	default:
		ps_err("stopped: the module ended the subscription (reason %u)", w->end_reason);
	}
	return PS_EXIT_FAIL;
}

void ps_watch_free(struct ps_watch *w)
{
	if (!w)
		return;
	restore_signals(&w->o);
	if (w->cb)
		nl_cb_put(w->cb);
	if (w->nl.sk)
		ps_nl_close(&w->nl);
	nlmsg_free(w->watch_req);
	nlmsg_free(w->unwatch_req);
	ps_summary_free(w->sum);
	free(w->swaps);
	free(w->reads);
	free(w);
}
