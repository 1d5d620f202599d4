/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_H
#define _PTSCOPE_H

#include <linux/types.h>

/* Module parameters, read where requests are checked. */
extern unsigned int ptscope_max_addrs;

#define PTSCOPE_MAX_ADDRS_LIMIT	16384	/* a request must fit a socket buffer */

#endif /* _PTSCOPE_H */
