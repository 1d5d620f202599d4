/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_NETLINK_H
#define _PTSCOPE_NETLINK_H

int ptscope_genl_init(void);
void ptscope_genl_exit(void);

#endif /* _PTSCOPE_NETLINK_H */
