/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_NETLINK_H
#define _PTSCOPE_NETLINK_H

#include <net/genetlink.h>

/* For messages the module sends on its own: events. */
extern struct genl_family ptscope_family;

int ptscope_genl_init(void);
void ptscope_genl_exit(void);

#endif /* _PTSCOPE_NETLINK_H */
