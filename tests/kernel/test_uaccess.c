/*
 * test_uaccess.c - copy_from_user, copy_to_user and strncpy_from_user: a
 * bad pointer of every kind (NULL, the kernel's half, across the end of
 * an area, into a read-only area, wrapping past 4 GiB, from a task with
 * no user space at all) gives -EFAULT and never a kernel fault; good
 * pointers copy, demand-zero pages appearing as they are touched.
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "sched.h"
#include "uaccess.h"
#include "vm.h"

#define AREA        0x40000000u         /* two writable pages */
#define AREA_END    (AREA + 2 * PAGE_SIZE)
#define RO_AREA     0x50000000u         /* one read-only page */

enum { R_NULL_TO, R_NULL_FROM, R_KERNEL_TO, R_KERNEL_FROM, R_ACROSS_END, R_READ_ONLY,
       R_WRAPS, R_TOP, R_GOOD_TO, R_GOOD_FROM, R_GOOD_MATCH, R_RO_READ_ZERO, R_STR, R_STR_LONG,
       R_STR_UNTERMINATED, R_STR_NULL, R_STR_KERNEL, R_KERNEL_INTACT, R_NO_SPACE, R_COUNT };

struct uaccess_probe {
    struct vm_space *space;
    int r[R_COUNT];
};

static void probe(void *arg)
{
    struct uaccess_probe *p = arg;
    char buf[64], back[64];
    memset(buf, 'k', sizeof(buf));
    p->r[R_NO_SPACE] = copy_from_user(back, (const void *)AREA, 4);    /* no space yet */
    task_set_vm(p->space);

    uint32_t kernel_word = *(volatile uint32_t *)kernel_text_start;
    p->r[R_NULL_TO] = copy_to_user(NULL, buf, 4);
    p->r[R_NULL_FROM] = copy_from_user(back, NULL, 4);
    p->r[R_KERNEL_TO] = copy_to_user((void *)kernel_text_start, buf, 4);
    p->r[R_KERNEL_FROM] = copy_from_user(back, (const void *)kernel_text_start, 4);
    p->r[R_KERNEL_INTACT] = *(volatile uint32_t *)kernel_text_start == kernel_word;
    p->r[R_ACROSS_END] = copy_to_user((void *)(AREA_END - 4), buf, 8);
    p->r[R_READ_ONLY] = copy_to_user((void *)RO_AREA, buf, 4);
    p->r[R_WRAPS] = copy_from_user(back, (const void *)0xFFFFFFF0u, 32);
    p->r[R_TOP] = copy_from_user(back, (const void *)(USER_TOP - 4), 8);

    p->r[R_GOOD_TO] = copy_to_user((void *)(AREA + PAGE_SIZE - 10), "across a page", 14);
    p->r[R_GOOD_FROM] = copy_from_user(back, (const void *)(AREA + PAGE_SIZE - 10), 14);
    p->r[R_GOOD_MATCH] = memcmp(back, "across a page", 14) == 0;
    memset(back, 1, 16);
    p->r[R_RO_READ_ZERO] = copy_from_user(back, (const void *)RO_AREA, 16) == 0 &&
                           back[0] == 0 && back[15] == 0;

    p->r[R_STR] = strncpy_from_user(back, (const char *)(AREA + PAGE_SIZE - 10), sizeof(back));
    p->r[R_STR_LONG] = strncpy_from_user(back, (const char *)(AREA + PAGE_SIZE - 10), 4);
    /* A string running into the end of the area, with no NUL. */
    copy_to_user((void *)(AREA_END - 16), buf, 16);
    p->r[R_STR_UNTERMINATED] = strncpy_from_user(back, (const char *)(AREA_END - 16), 64);
    p->r[R_STR_NULL] = strncpy_from_user(back, NULL, 64);
    p->r[R_STR_KERNEL] = strncpy_from_user(back, (const char *)kernel_text_start, 64);
    task_set_vm(NULL);
}

KTEST(uaccess_bad_pointers_give_efault)
{
    static struct uaccess_probe p;
    p = (struct uaccess_probe){ .space = vm_space_create() };
    KASSERT(p.space != NULL);
    KASSERT_EQ(vm_map_anon(p.space, AREA, AREA_END - AREA, PTE_WRITE), 0);
    KASSERT_EQ(vm_map_anon(p.space, RO_AREA, PAGE_SIZE, 0), 0);
    struct task *t = task_create("uaccess", probe, &p, PRIO_NORMAL);
    KASSERT(t != NULL);
    KASSERT_EQ(task_join(t), 0);
    vm_space_destroy(p.space);

    KASSERT_EQ(p.r[R_NO_SPACE], -EFAULT);
    KASSERT_EQ(p.r[R_NULL_TO], -EFAULT);
    KASSERT_EQ(p.r[R_NULL_FROM], -EFAULT);
    KASSERT_EQ(p.r[R_KERNEL_TO], -EFAULT);
    KASSERT_EQ(p.r[R_KERNEL_FROM], -EFAULT);
    KASSERT_EQ(p.r[R_KERNEL_INTACT], 1);
    KASSERT_EQ(p.r[R_ACROSS_END], -EFAULT);
    KASSERT_EQ(p.r[R_READ_ONLY], -EFAULT);
    KASSERT_EQ(p.r[R_WRAPS], -EFAULT);
    KASSERT_EQ(p.r[R_TOP], -EFAULT);
    KASSERT_EQ(p.r[R_GOOD_TO], 0);
    KASSERT_EQ(p.r[R_GOOD_FROM], 0);
    KASSERT_EQ(p.r[R_GOOD_MATCH], 1);
    KASSERT_EQ(p.r[R_RO_READ_ZERO], 1);
    KASSERT_EQ(p.r[R_STR], 13);
    KASSERT_EQ(p.r[R_STR_LONG], -ENAMETOOLONG);
    KASSERT_EQ(p.r[R_STR_UNTERMINATED], -EFAULT);
    KASSERT_EQ(p.r[R_STR_NULL], -EFAULT);
    KASSERT_EQ(p.r[R_STR_KERNEL], -EFAULT);
}
