// SPDX-License-Identifier: GPL-2.0
/*
 * Which swap area a swap type is.
 *
 * A swap entry holds a type, the index of its area in the kernel's
 * swap_info[]. The kernel exports no way from a type to its area, and the
 * text of /proc/swaps cannot stand in for one: it lists the areas in type
 * order but skips free slots, so after a swapoff the Nth line is no longer
 * type N. The iterator behind /proc/swaps has the answer: it hands out each
 * active area's swap_info_struct, holding swapon_mutex from start to stop,
 * which keeps each area's file in place. So the module opens /proc/swaps
 * and runs that iterator itself, after making sure the file really is
 * procfs's swaps (not something mounted over it), since the iterator's
 * items are only swap areas there. Paths are not remembered between
 * requests: a type is resolved when asked, and is as current as /proc/swaps.
 *
 * What is remembered is each type's swap_info_struct: swapoff never frees
 * one, and swapon reuses the one of the type it takes (alloc_swap_info()),
 * so a pointer seen once names that type's area for good. It says whether
 * the area is active and how large, which the swap-cache lookup needs.
 */

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/path.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/version.h>
#include <linux/xarray.h>
#include "swaps.h"

/* 6.18 replaced the swap cache's address spaces with a swap table. */
#define SWAP_CACHE_REACHABLE	(LINUX_VERSION_CODE < KERNEL_VERSION(6, 18, 0))

/* Written as areas are met, read under RCU by ptscope_swap_cached(). */
static struct swap_info_struct *seen_si[MAX_SWAPFILES];

/* procfs's own swaps, at the root of a proc mount? */
static bool is_proc_swaps(struct file *file)
{
	struct dentry *d = file->f_path.dentry;

	return d->d_sb->s_magic == PROC_SUPER_MAGIC &&
	       d->d_parent == d->d_sb->s_root &&
	       !strcmp(d->d_name.name, "swaps");
}

/*
 * One area, described while the iterator holds swapon_mutex: swapoff needs
 * it to let go of the area's file. Allocating under it is fine (a mutex);
 * /proc/swaps' own show does.
 */
static void describe(struct swap_info_struct *si,
		     struct ptscope_swap_area *areas, unsigned int *nr,
		     char *buf)
{
	struct ptscope_swap_area *a;
	struct file *file = si->swap_file;
	struct inode *inode;
	int type = si->type;
	char *p;

	if (type < 0 || type >= MAX_SWAPFILES || !file || *nr >= MAX_SWAPFILES)
		return;
	WRITE_ONCE(seen_si[type], si);
	a = &areas[(*nr)++];
	inode = d_inode(file->f_path.dentry);
	p = d_path(&file->f_path, buf, PATH_MAX);
	a->path = IS_ERR(p) ? NULL : kstrdup(p, GFP_KERNEL);
	a->type = type;
	a->prio = si->prio;
	a->size_kib = (u64)READ_ONCE(si->pages) << (PAGE_SHIFT - 10);
	a->is_bdev = S_ISBLK(inode->i_mode);
	a->dev = new_encode_dev(inode->i_sb->s_dev);
	a->ino = inode->i_ino;
}

/* What seq_read() does with /proc/swaps, but describing the items. */
static int iterate_swaps(struct ptscope_swap_area *areas, unsigned int *nr,
			 char *buf)
{
	struct file *file = filp_open("/proc/swaps", O_RDONLY, 0);
	struct seq_file *m;
	loff_t pos = 0;
	void *v;

	if (IS_ERR(file))
		return PTR_ERR(file);
	if (!is_proc_swaps(file)) {
		filp_close(file, NULL);
		return -ENOENT;
	}
	m = file->private_data;
	mutex_lock(&m->lock);
	v = m->op->start(m, &pos);
	while (v && !IS_ERR(v)) {
		if (v != SEQ_START_TOKEN)
			describe(v, areas, nr, buf);
		v = m->op->next(m, v, &pos);
	}
	m->op->stop(m, v);
	mutex_unlock(&m->lock);
	filp_close(file, NULL);
	return IS_ERR(v) ? PTR_ERR(v) : 0;
}

/**
 * ptscope_swap_areas - the active swap areas, by type
 * @areas: at least MAX_SWAPFILES entries, filled in type order
 *
 * Returns how many, or a negative errno: -ENOENT if /proc/swaps in the
 * caller's mount namespace is missing or is not procfs's (e.g. LXCFS).
 * Free each area's path with ptscope_swap_areas_free().
 */
int ptscope_swap_areas(struct ptscope_swap_area *areas)
{
	unsigned int nr = 0;
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	int err;

	if (!buf)
		return -ENOMEM;
	err = iterate_swaps(areas, &nr, buf);
	kfree(buf);
	if (err) {
		ptscope_swap_areas_free(areas, nr);
		return err;
	}
	return nr;
}

void ptscope_swap_areas_free(struct ptscope_swap_area *areas, int nr)
{
	int i;

	for (i = 0; i < nr; i++)
		kfree(areas[i].path);
}

/*
 * The swap cache of an entry is swapper_spaces[], which is not exported.
 * folio_mapping() is, and for a folio in the swap cache it returns that
 * space, reading nothing of the folio but its flags and swap entry: so it
 * is handed a folio that is only that. (swapcache_mapping() would not do:
 * despite its name it returns the swap file's mapping.)
 */
static struct address_space *swap_cache_of(swp_entry_t entry)
{
#if SWAP_CACHE_REACHABLE
	struct folio folio = {};

	__set_bit(PG_swapbacked, &folio.flags);
	__set_bit(PG_swapcache, &folio.flags);
	folio.private = (void *)entry.val;
	return folio_mapping(&folio);
#else
	return NULL;
#endif
}

/**
 * ptscope_swap_cached - is a swapped-out page's data still in the swap cache?
 * @type: swap type of the entry
 * @offset: its slot
 *
 * Returns 1 or 0, or -1 when it cannot be told: an area not seen yet (one
 * swapped on since /proc/swaps was last read) or a kernel whose swap cache
 * is out of reach (see swap_cache_of()). The swap map's SWAP_HAS_CACHE bit
 * is no answer: it was seen set for slots with no page in the cache.
 *
 * The caller holds rcu_read_lock() since it read the entry from a page
 * table or shmem object. That keeps the area's swap cache: swapoff first
 * takes every entry of the area out of page tables and objects, then waits
 * for RCU readers (synchronize_rcu() in swapoff()), and only then frees it.
 */
int ptscope_swap_cached(unsigned int type, unsigned long offset)
{
	struct swap_info_struct *si;
	struct address_space *space;
	void *slot;

	if (type >= MAX_SWAPFILES)
		return -1;
	si = READ_ONCE(seen_si[type]);
	/* Active, and the slot within it: its swap cache exists. */
	if (!si || !READ_ONCE(si->swap_map) || offset >= READ_ONCE(si->max))
		return -1;
	space = swap_cache_of(swp_entry(type, offset));
	if (!space)
		return -1;
	slot = xa_load(&space->i_pages, offset);
	return slot && !xa_is_value(slot);
}

bool ptscope_swap_cache_known(void)
{
	return SWAP_CACHE_REACHABLE;
}

/* Meet the areas already active, so their swap maps can be read. */
void ptscope_swaps_init(void)
{
	struct ptscope_swap_area *areas;
	int nr;

	areas = kcalloc(MAX_SWAPFILES, sizeof(*areas), GFP_KERNEL);
	if (!areas)
		return;
	nr = ptscope_swap_areas(areas);
	if (nr > 0)
		ptscope_swap_areas_free(areas, nr);
	kfree(areas);
}
