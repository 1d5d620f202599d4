// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope: walk the page tables of a live process over generic netlink.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/genetlink.h>
#include "uapi/ptscope.h"
#include "limits.h"
#include "netlink.h"
#include "ptscope.h"
#include "selftest.h"
#include "swaps.h"
#include "watch.h"

unsigned int ptscope_max_addrs = 1024;

static int max_addrs_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (!n || n > PTSCOPE_MAX_ADDRS_LIMIT)
		return -ERANGE;
	WRITE_ONCE(ptscope_max_addrs, n);
	return 0;
}

static const struct kernel_param_ops max_addrs_ops = {
	.set = max_addrs_set,
	.get = param_get_uint,
};
module_param_cb(max_addrs, &max_addrs_ops, &ptscope_max_addrs, 0644);
MODULE_PARM_DESC(max_addrs, "Most addresses in one WALK request (1..16384, default 1024)");

static int __init ptscope_init(void)
{
	int err = ptscope_selftest();

	if (err)
		return err;
	ptscope_swaps_init();
	err = ptscope_watch_init();
	if (err)
		return err;
	err = ptscope_genl_init();
	if (err) {
		ptscope_watch_exit();
		return err;
	}
	pr_info("version %s loaded\n", PTSCOPE_VERSION);
	return 0;
}

static void __exit ptscope_exit(void)
{
	/* Subscribers are told while the family can still reach them. */
	ptscope_watch_exit();
	ptscope_genl_exit();
	ps_limits_exit();
}

module_init(ptscope_init);
module_exit(ptscope_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Walk the page tables of a live process over generic netlink");
MODULE_AUTHOR("The ptscope authors");
MODULE_VERSION(PTSCOPE_VERSION);
MODULE_ALIAS_GENL_FAMILY(PTSCOPE_GENL_NAME);
