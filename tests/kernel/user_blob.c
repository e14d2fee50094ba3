/*
 * user_blob.c - see user_blob.h.
 */
#include "user_blob.h"
#include "kstring.h"
#include "kerrno.h"
#include "mm.h"
#include "sched.h"
#include "syscall.h"

struct blob_run {
    const char *code, *end;
    struct vm_space *space;
};

/* The task: copy the blob to its page, then leave for ring 3 (never to
 * come back here: it ends with exit or a fault). */
static void enter_blob(void *arg)
{
    struct blob_run *r = arg;
    task_set_vm(r->space);
    memcpy((void *)BLOB_CODE, r->code, (size_t)(r->end - r->code));
    user_enter(BLOB_CODE, USER_TOP);
}

static struct blob_run current_blob;    /* one at a time: tests and benchmarks run alone */

struct vm_space *blob_space(const char *code, const char *end)
{
    struct vm_space *s = vm_space_create();
    if (!s)
        return NULL;
    if ((uint32_t)(end - code) > PAGE_SIZE ||
        vm_map_anon(s, BLOB_CODE, PAGE_SIZE, PTE_WRITE) ||
        vm_map_anon(s, BLOB_DATA, PAGE_SIZE, PTE_WRITE) ||
        vm_map_anon(s, USER_TOP - PAGE_SIZE, PAGE_SIZE, PTE_WRITE)) {
        vm_space_destroy(s);
        return NULL;
    }
    current_blob = (struct blob_run){ code, end, s };
    return s;
}

int blob_run(struct vm_space *space, uint32_t *id)
{
    if (current_blob.space != space)
        return -EINVAL;                 /* not the space blob_space made last */
    struct task *t = task_create("blob", enter_blob, &current_blob, PRIO_NORMAL);
    if (!t)
        return -ENOMEM;
    if (id)
        *id = t->id;
    return task_join(t);
}
