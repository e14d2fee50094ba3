/*
 * test_file_mmap.c - file mappings meeting the file's other calls.
 *
 * KTEST_MANUAL: each needs a fresh, empty ext2 file system on hda, which
 * tests/harness/mmap_tests.py makes (and judges with e2fsck -fn after).
 *
 *   filemap_truncate_unmaps_then_bus_error  a task maps a 4-page file and
 *       touches every page; the file is cut to one page under it; the
 *       dropped pages are no longer mapped, the first still is;
 *       copy_to_user() into a dropped page fails with -EFAULT and the task
 *       goes on (a system call unwinds), and its next plain touch of that
 *       page is a bus error that ends it (exit code -ENXIO, reported)
 *       while the kernel goes on
 *   filemap_fsync_writes_pages_dirty_in_a_pte  a task stores through a
 *       mapping that stays; the page is dirty only in its PTE; fsync (the
 *       kernel's msync) hands it to kswiod and leaves the PTE clean
 *   filemap_split_area_reverse_map_finds_each_pte_once  a task stores
 *       in every page of a shared 4-page mapping; mlock of the middle two
 *       splits the area in three, each on the file's list: only those
 *       PTEs become PTE_LOCKED, no page gains or loses a reference;
 *       truncation to one page unmaps pages 1-3 once each (a PTE found
 *       twice would be put twice: the allocator's checks would say so);
 *       munmap of page 0 moves its dirty bit to the page, and fsync
 *       writes it to the file
 *   vm_munmap_goes_on_while_a_destroy_waits_for_a_file  the cycle of the
 *       1999 scenario with a user-space NBD server, cut: this task holds a
 *       file's lock (as kswapd did, writing to nbd0); a task destroying a
 *       space that maps the file waits for it; a third task's munmap of
 *       an unrelated space (the server's, after a request) must complete
 *       meanwhile.  With one lock over every space it waited behind the
 *       destroy.
 */
#include "kerrno.h"
#include "kstring.h"
#include "list.h"
#include "ktest.h"
#include "mm.h"
#include "mutex.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "uaccess.h"
#include "vfs.h"
#include "vm.h"

#define MNT         "/mnt"
#define MAP_VA      0x20000000u
#define PAGES       4

struct toucher {
    struct vm_space *space;
    volatile bool touched;          /* every page written once */
    volatile bool go;               /* the file was cut: touch page 2 */
    int copy_err;                   /* copy_to_user into page 2, after the cut */
};

/* Mount hda, make path a file of PAGES pages (a hole) and map all of it
 * writable in a new space at MAP_VA. */
static struct vm_space *map_new_file(const char *path, struct inode **inode)
{
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    KASSERT_EQ(vfs_create(path), 0);
    KASSERT_EQ(vfs_lookup(path, inode), 0);
    KASSERT_EQ(vfs_truncate(*inode, PAGES * PAGE_SIZE), 0);
    struct vm_space *space = vm_space_create();
    KASSERT(space != NULL);
    KASSERT_EQ(vm_map_file(space, MAP_VA, PAGES * PAGE_SIZE, *inode, 0, PTE_WRITE | PTE_SHARED),
               0);
    return space;
}

static void touch_task(void *arg)
{
    struct toucher *t = arg;
    task_set_vm(t->space);
    for (uint32_t p = 0; p < PAGES; p++)
        *(volatile uint32_t *)(MAP_VA + p * PAGE_SIZE) = 0xb0 + p;
    t->touched = true;
    while (!t->go)
        sleep_ms(1);
    uint32_t word = 0xc0;
    t->copy_err = copy_to_user((void *)(MAP_VA + 2 * PAGE_SIZE), &word, sizeof(word));
    *(volatile uint32_t *)(MAP_VA + 2 * PAGE_SIZE) = 0xdead;   /* past the end now */
    pr_err("filemap test: the touch past the end went through\n");
}

KTEST_MANUAL(filemap_truncate_unmaps_then_bus_error)
{
    struct inode *inode;
    static struct toucher t;
    t = (struct toucher){ .space = map_new_file(MNT "/cut", &inode) };

    struct task *task = task_create("toucher", touch_task, &t, PRIO_NORMAL);
    KASSERT(task != NULL);
    while (!t.touched)
        sleep_ms(1);
    for (uint32_t p = 0; p < PAGES; p++)
        KASSERT_EQ(vm_lookup(t.space, MAP_VA + p * PAGE_SIZE, NULL, NULL), 0);
    KASSERT_EQ(vfs_truncate(inode, PAGE_SIZE), 0);
    KASSERT_EQ(vm_lookup(t.space, MAP_VA, NULL, NULL), 0);         /* kept */
    for (uint32_t p = 1; p < PAGES; p++)
        KASSERT_EQ(vm_lookup(t.space, MAP_VA + p * PAGE_SIZE, NULL, NULL), -ENOENT);
    t.go = true;
    KASSERT_EQ(task_join(task), -ENXIO);
    KASSERT_EQ(t.copy_err, -EFAULT);

    uint32_t word;
    KASSERT_EQ(vfs_read(inode, 0, &word, 4), 4);
    KASSERT_EQ(word, 0xb0);                         /* the kept page's write */
    vm_space_destroy(t.space);
    KASSERT_EQ(vfs_fsync(inode), 0);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

static void store_task(void *arg)
{
    task_set_vm(arg);
    *(volatile uint32_t *)(MAP_VA + PAGE_SIZE) = 0x5a5a;
}

KTEST_MANUAL(filemap_fsync_writes_pages_dirty_in_a_pte)
{
    struct inode *inode;
    struct vm_space *space = map_new_file(MNT "/sync", &inode);
    struct task *task = task_create("storer", store_task, space, PRIO_NORMAL);
    KASSERT(task != NULL);
    KASSERT_EQ(task_join(task), 0);
    KASSERT(vm_get_pte(space, MAP_VA + PAGE_SIZE) & PTE_DIRTY);
    KASSERT_EQ(inode->mapping.nrdirty, 0);         /* the kernel has not seen the store */

    uint32_t queued = vm_events.kswiod_queued;
    KASSERT_EQ(vfs_fsync(inode), 0);
    pr_info("filemap: fsync handed %u pages to kswiod\n", vm_events.kswiod_queued - queued);
    KASSERT_EQ(vm_events.kswiod_queued - queued, 1);
    KASSERT(!(vm_get_pte(space, MAP_VA + PAGE_SIZE) & PTE_DIRTY));
    KASSERT(vm_get_pte(space, MAP_VA + PAGE_SIZE) & PTE_PRESENT);  /* still mapped */
    KASSERT_EQ(inode->mapping.nrdirty, 0);

    KASSERT_EQ(vfs_fsync(inode), 0);                /* nothing new: nothing written */
    vm_space_destroy(space);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

static void fill_task(void *arg)
{
    task_set_vm(arg);
    for (uint32_t p = 0; p < PAGES; p++)
        *(volatile uint32_t *)(MAP_VA + p * PAGE_SIZE) = 0xa0 + p;
}

/* The page mapped at page p of the mapping, or NULL. */
static struct page *mapped_page(struct vm_space *space, uint32_t p)
{
    uint32_t pa;
    return vm_lookup(space, MAP_VA + p * PAGE_SIZE, &pa, NULL) ? NULL
                                                               : pfn_to_page(pa >> PAGE_SHIFT);
}

KTEST_MANUAL(filemap_split_area_reverse_map_finds_each_pte_once)
{
    struct inode *inode;
    uint32_t reports = mm_debug_reports;
    struct vm_space *space = map_new_file(MNT "/split", &inode);
    struct task *task = task_create("filler", fill_task, space, PRIO_NORMAL);
    KASSERT(task != NULL);
    KASSERT_EQ(task_join(task), 0);
    struct page *pages[PAGES];
    int32_t refs[PAGES];
    for (uint32_t p = 0; p < PAGES; p++) {
        KASSERT((pages[p] = mapped_page(space, p)) != NULL);
        refs[p] = pages[p]->refcount;
    }
    KASSERT_EQ(vm_change_range(space, MAP_VA + PAGE_SIZE, 2 * PAGE_SIZE, -1, VM_LOCKED, 0), 0);
    uint32_t areas = 0;
    list_for_each(link, &inode->mapping.mmaps)
        areas++;
    pr_info("filemap: mlock of the middle: %u areas map the file\n", areas);
    KASSERT_EQ(areas, 3);
    for (uint32_t p = 0; p < PAGES; p++) {
        bool locked = vm_get_pte(space, MAP_VA + p * PAGE_SIZE) & PTE_LOCKED;
        KASSERT_EQ(locked, p == 1 || p == 2);
        KASSERT_EQ(pages[p]->refcount, refs[p]);
    }
    KASSERT_EQ(vfs_truncate(inode, PAGE_SIZE), 0);
    KASSERT(mapped_page(space, 0) == pages[0]);
    for (uint32_t p = 1; p < PAGES; p++)
        KASSERT(mapped_page(space, p) == NULL);
    KASSERT_EQ(vm_unmap_range(space, MAP_VA, PAGE_SIZE), 0);
    KASSERT(pages[0]->flags & PG_dirty);            /* the PTE's dirty bit, kept */
    KASSERT_EQ(vfs_fsync(inode), 0);
    uint32_t word = 0;
    KASSERT_EQ(vfs_read(inode, 0, &word, 4), 4);
    KASSERT_EQ(word, 0xa0);
    KASSERT_EQ(mm_debug_reports, reports);
    vm_space_destroy(space);
    areas = 0;
    list_for_each(link, &inode->mapping.mmaps)
        areas++;
    KASSERT_EQ(areas, 0);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

struct unmapper {
    struct vm_space *space;
    volatile bool done;
    int err;
};

static void destroy_task(void *arg)
{
    vm_space_destroy(arg);
}

static void unmap_task(void *arg)
{
    struct unmapper *u = arg;
    u->err = vm_unmap_range(u->space, MAP_VA + PAGE_SIZE, PAGE_SIZE);
    u->done = true;
}

KTEST_MANUAL(vm_munmap_goes_on_while_a_destroy_waits_for_a_file)
{
    struct inode *inode;
    struct vm_space *mapped = map_new_file(MNT "/held", &inode);
    static struct unmapper u;
    u = (struct unmapper){ .space = vm_space_create() };
    KASSERT(u.space != NULL);
    KASSERT_EQ(vm_map_anon(u.space, MAP_VA, PAGES * PAGE_SIZE, PTE_WRITE), 0);

    mutex_lock(&inode->mapping.lock);
    struct task *destroyer = task_create("destroyer", destroy_task, mapped, PRIO_NORMAL);
    KASSERT(destroyer != NULL);
    uint32_t waited = 0;
    for (; waited < 2000 && destroyer->wait_obj != &inode->mapping.lock; waited += 10)
        sleep_ms(10);
    struct task *unmapper = task_create("unmapper", unmap_task, &u, PRIO_NORMAL);
    KASSERT(unmapper != NULL);
    for (waited = 0; waited < 2000 && !u.done; waited += 10)
        sleep_ms(10);
    bool done_meanwhile = u.done;
    bool destroy_waited = destroyer->wait_obj == &inode->mapping.lock;
    pr_info("vm: munmap of another space while a destroy %s the file's lock: %s after %u ms\n",
            destroy_waited ? "waits for" : "does not wait for",
            done_meanwhile ? "done" : "still waiting", waited);
    mutex_unlock(&inode->mapping.lock);
    KASSERT_EQ(task_join(destroyer), 0);
    KASSERT_EQ(task_join(unmapper), 0);
    KASSERT(destroy_waited);
    KASSERT(done_meanwhile);
    KASSERT_EQ(u.err, 0);
    vm_space_destroy(u.space);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}
