/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTSCOPE_SELFTEST_H
#define _PTSCOPE_SELFTEST_H

int ptscope_selftest(void);

#endif /* _PTSCOPE_SELFTEST_H */
