/*
 * boot_mounts.c - mount= and swapon= on the kernel command line: file
 * systems and swap areas the kernel sets up by itself once the boot's
 * tests are done, before the monitor starts, so that `make run` shows ext2
 * on nbd0 and swap on nbd1 without anyone typing a command.
 *
 *   mount=DEV:PATH[,DEV:PATH...]   ext2 on DEV at PATH
 *   swapon=DEV[,DEV...]            DEV as a swap area
 *
 * Each one is logged, and so is a failure, with its error; nothing here
 * stops the boot.  They come after the tests because the tests set up
 * their own mounts and swap areas and expect to find none.
 */
#include "boot_mounts.h"
#include "cmdline.h"
#include "kstring.h"
#include "printk.h"
#include "swap.h"
#include "vfs.h"

KERNEL_PARAM(mount, "", "DEV:PATH[,...]: mount these ext2 file systems before the monitor");
KERNEL_PARAM(swapon, "", "DEV[,...]: swap on these areas before the monitor");

#define ITEM_MAX 256            /* DEV:PATH; a longer item is refused, and said */

/* The next comma-separated item of *list, copied into item, and *list
 * moved past it; false at the end.  An item too long is logged and
 * comes back empty. */
static bool next_item(const char **list, char item[ITEM_MAX], const char *option)
{
    const char *start = *list;
    if (!start || !*start)
        return false;
    const char *end = strchr(start, ',');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    *list = end ? end + 1 : NULL;
    if (len >= ITEM_MAX) {
        pr_err("boot: a %s= item of %u bytes is longer than %d; ignored\n", option,
               (unsigned)len, ITEM_MAX - 1);
        len = 0;
    }
    memcpy(item, start, len);
    item[len] = '\0';
    return true;
}

static void mount_one(char *item)
{
    char *colon = strchr(item, ':');
    if (!colon || colon == item || !colon[1]) {
        pr_err("boot: mount=%s: not DEV:PATH; ignored\n", item);
        return;
    }
    *colon = '\0';
    int err = vfs_mount(item, colon + 1, "ext2");
    if (err)
        pr_err("boot: mount of %s on %s failed: error %d\n", item, colon + 1, err);
    else
        pr_info("boot: %s mounted on %s (mount=)\n", item, colon + 1);
}

static void swapon_one(const char *dev)
{
    int err = swapon(dev, 0);
    if (err)
        pr_err("boot: swapon %s failed: error %d\n", dev, err);
    else
        pr_info("boot: swapping on %s (swapon=)\n", dev);
}

void boot_mounts(void)
{
    char item[ITEM_MAX];
    const char *list = cmdline_get("mount");
    while (next_item(&list, item, "mount"))
        if (item[0])
            mount_one(item);
    list = cmdline_get("swapon");
    while (next_item(&list, item, "swapon"))
        if (item[0])
            swapon_one(item);
}
