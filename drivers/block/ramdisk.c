/*
 * ramdisk.c - ram0, a block device in memory, for tests: ramdisk=MiB on
 * the command line sizes it (default RAMDISK_DEFAULT_MIB; 0: no ram0).
 * Requests are done at once, in the submitter's context.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "ramdisk.h"
#include "slab.h"

KERNEL_PARAM(ramdisk, "4", "size of ram0 in MiB; 0: none");

static struct block_device ram0;
static struct page **ram_pages;         /* one per 4 KiB of the disk */

static void ram_submit(struct block_device *dev, struct bio *bio)
{
    (void)dev;
    uint64_t pos = bio->sector << SECTOR_SHIFT;
    for (int i = 0; i < bio->nvecs; i++) {
        const struct bio_vec *v = &bio->vecs[i];
        uint8_t *mem = (uint8_t *)page_address(v->page) + v->offset;
        for (uint32_t done = 0; done < v->len;) {
            uint32_t in_page = (uint32_t)(pos % PAGE_SIZE);
            uint32_t n = PAGE_SIZE - in_page < v->len - done ? PAGE_SIZE - in_page
                                                               : v->len - done;
            uint8_t *disk = (uint8_t *)page_address(ram_pages[pos / PAGE_SIZE]) + in_page;
            if (bio->op == BIO_READ)
                memcpy(mem + done, disk, n);
            else
                memcpy(disk, mem + done, n);
            done += n;
            pos += n;
        }
    }
    bio_endio(bio, 0);
}

static const struct block_device_ops ram_ops = { .submit = ram_submit };

void ramdisk_init(void)
{
    uint32_t mib = cmdline_get_u32("ramdisk", RAMDISK_DEFAULT_MIB);
    if (!mib)
        return;
    uint32_t pages = mib * 256;
    ram_pages = kmalloc(pages * sizeof(*ram_pages), GFP_KERNEL | __GFP_ZERO);
    for (uint32_t i = 0; ram_pages && i < pages; i++) {
        ram_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
        if (!ram_pages[i]) {
            pr_err("ramdisk: no memory for %u MiB; no ram0\n", mib);
            while (i--)
                free_page(ram_pages[i]);
            kfree(ram_pages);
            return;
        }
    }
    if (!ram_pages)
        return;
    strlcpy(ram0.name, "ram0", sizeof(ram0.name));
    ram0.nr_sectors = (uint64_t)pages * (PAGE_SIZE / SECTOR_SIZE);
    ram0.logical_block_size = SECTOR_SIZE;
    ram0.ops = &ram_ops;
    blkdev_register(&ram0);
}
