/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_HOOKS_H
#define _PTSCOPE_HOOKS_H

#include <linux/mmu_notifier.h>
#include <net/genetlink.h>

/* Attached while anything is watched: first get attaches, last put detaches. */
int ps_hooks_get(struct netlink_ext_ack *extack);
void ps_hooks_put(void);
/* For PTSCOPE_CMD_STAT: one PTSCOPE_A_HOOK nest per hook. */
int ps_hooks_put_stat(struct sk_buff *skb);
void ps_hooks_exit(void);

extern const struct mmu_notifier_ops ps_mn_ops;

#endif /* _PTSCOPE_HOOKS_H */
