// SPDX-License-Identifier: GPL-2.0
/*
 * Who may look at which address space.
 *
 * The rule is /proc/PID/pagemap's: opening it needs PTRACE_MODE_READ_FSCREDS
 * on the target (plus DAC on the proc inode and every LSM's say), and PFNs
 * are shown only to CAP_SYS_ADMIN in the initial user namespace.
 *
 * ptrace_may_access() is not exported, and reimplementing it would skip the
 * LSM hooks, failing open. So the module asks the kernel the very question
 * pagemap asks: it opens /proc/PID/pagemap itself, with the caller's
 * credentials, through the caller's root. Netlink requests are handled in
 * the sender's context, so current is the caller. pagemap_open() stores the
 * mm it checked in private_data; comparing it with the mm we resolved
 * catches a /proc mounted for another pid namespace (and any change to that
 * convention) and fails closed.
 */

#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/sched/signal.h>
#include <linux/capability.h>
#include <net/genetlink.h>
#include "target.h"

bool ptscope_frames_visible(const struct sk_buff *skb)
{
	/* Both the socket's opener and the sender, like netlink admin ops. */
	return netlink_capable(skb, CAP_SYS_ADMIN);
}

static int pagemap_access(struct task_struct *task, struct mm_struct *mm,
			  struct netlink_ext_ack *extack)
{
	char path[32];
	struct file *f;
	bool same;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", task_pid_vnr(task));
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		if (PTR_ERR(f) == -ENOENT || PTR_ERR(f) == -ENOTDIR)
			NL_SET_ERR_MSG(extack,
				       "cannot check access: /proc/PID/pagemap is not reachable from the caller (is /proc mounted?)");
		else
			NL_SET_ERR_MSG(extack,
				       "not permitted: needs the same rights as reading /proc/PID/pagemap");
		return -EPERM;
	}
	same = f->private_data == mm;
	filp_close(f, NULL);
	if (!same) {
		NL_SET_ERR_MSG(extack,
			       "cannot check access: the caller's /proc shows another process under this pid");
		return -EPERM;
	}
	return 0;
}

/**
 * ptscope_target_get - resolve and authorise the process a request names
 * @skb: the request, for the caller's capabilities
 * @pid_attr: PTSCOPE_A_PID, may be NULL
 * @extack: for the reason of a refusal
 * @t: filled on success; release with ptscope_target_put()
 */
int ptscope_target_get(const struct sk_buff *skb, const struct nlattr *pid_attr,
		       struct netlink_ext_ack *extack, struct ptscope_target *t)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	u32 nr;
	int err;

	if (!pid_attr) {
		NL_SET_ERR_MSG(extack, "missing PTSCOPE_A_PID: which process?");
		return -EINVAL;
	}
	nr = nla_get_u32(pid_attr);
	if (!nr || nr > PID_MAX_LIMIT) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr,
				    "not a process id (pid 0 is the idle task, which has no user address space)");
		return -EINVAL;
	}

	pid = find_get_pid(nr);
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	if (!task) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr, "no such process");
		return -ESRCH;
	}

	err = -EINVAL;
	if (task->flags & PF_KTHREAD) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr,
				    "a kernel thread has no user address space");
		goto out_task;
	}
	err = -ESRCH;
	if (READ_ONCE(task->exit_state)) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr,
				    "the process is a zombie: its address space is gone");
		goto out_task;
	}
	mm = get_task_mm(task);
	if (!mm) {
		NL_SET_ERR_MSG_ATTR(extack, pid_attr,
				    "the process is exiting: its address space is gone");
		goto out_task;
	}

	err = pagemap_access(task, mm, extack);
	if (err) {
		mmput(mm);
		goto out_task;
	}

	mmgrab(mm);
	mmput(mm);
	t->mm = mm;
	t->pid = nr;
	t->frames_visible = ptscope_frames_visible(skb);
out_task:
	put_task_struct(task);
	return err;
}

void ptscope_target_put(struct ptscope_target *t)
{
	if (t->mm)
		mmdrop(t->mm);
	t->mm = NULL;
}
