/*
 * sys_ps.c - swiod_ps (include/ps_abi.h): the task list for /bin/ps.
 *
 * The entries are taken as the monitor's ps takes them: inside
 * task_for_each(), interrupts off, reading only each task's own fields
 * (and its process's parent's pid) -- a snapshot that takes no lock, so
 * it works with a wedged kernel too.  They go into a kernel buffer first,
 * and to the program afterwards: a copy to user memory may fault and
 * sleep, which interrupts off does not allow.
 */
#include "gfp.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"
#include "process.h"
#include "ps_abi.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"

struct ps_fill {
    struct ps_entry *entries;
    uint32_t max, count;                /* room, and tasks seen */
};

static char state_letter(enum task_state s)
{
    switch (s) {
    case TASK_RUNNING: case TASK_RUNNABLE: return 'R';
    case TASK_SLEEPING:                    return 'S';
    case TASK_UNINTERRUPTIBLE:             return 'D';
    default:                               return 'Z';
    }
}

static void fill_one(struct task *t, void *arg)
{
    struct ps_fill *f = arg;
    if (f->count++ >= f->max)
        return;
    struct ps_entry *e = &f->entries[f->count - 1];
    e->pid = (int32_t)t->id;
    e->state = state_letter(t->state);
    e->user = t->proc != NULL;
    e->prio = (uint8_t)t->prio;
    struct process *parent = t->proc ? t->proc->parent : NULL;
    e->ppid = parent && parent->task ? (int32_t)parent->task->id : 0;
    strlcpy(e->name, t->name, sizeof(e->name));
    e->io_flusher = (t->flags & PF_MEMALLOC_NOIO) != 0;
    if (t->proc && t->proc->vm)
        vm_count_pages(t->proc->vm, &e->rss, &e->swapped);
    if ((e->state == 'S' || e->state == 'D') && t->wchan)
        strlcpy(e->wchan, t->wchan, sizeof(e->wchan));
}

int32_t sys_swiod_ps(const struct syscall_args *a)
{
    uint32_t max = a->arg[1];
    if (max > PS_MAX) {
        pr_info("ps: %s (pid %u) asked for %u entries, more than PS_MAX (%d)\n", current->name,
                current->id, max, PS_MAX);
        return -EINVAL;
    }
    struct ps_fill f = { kmalloc(sizeof(struct ps_entry) * (max ? max : 1), GFP_KERNEL), max, 0 };
    if (!f.entries)
        return -ENOMEM;
    memset(f.entries, 0, sizeof(struct ps_entry) * max);
    task_for_each(fill_one, &f);
    uint32_t filled = f.count < max ? f.count : max;
    int err = copy_to_user((void *)a->arg[0], f.entries, sizeof(struct ps_entry) * filled);
    kfree(f.entries);
    return err ? -EFAULT : (int32_t)f.count;
}
