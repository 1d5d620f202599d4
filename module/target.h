/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_TARGET_H
#define _PTSCOPE_TARGET_H

#include <linux/mm_types.h>
#include <linux/netlink.h>

struct ptscope_target {
	struct mm_struct *mm;	/* mmgrab()ed: pins the struct, not the pages */
	u32 pid;		/* as the caller named it */
	bool frames_visible;	/* may see PFNs and physical addresses */
};

int ptscope_target_get(const struct sk_buff *skb, const struct nlattr *pid_attr,
		       struct netlink_ext_ack *extack, struct ptscope_target *t);
void ptscope_target_put(struct ptscope_target *t);
bool ptscope_frames_visible(const struct sk_buff *skb);

#endif /* _PTSCOPE_TARGET_H */
