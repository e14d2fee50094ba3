/*
 * hog.c - the memory hog (see hog.h).
 */
#include "hog.h"
#include "kbench.h"
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

struct hog_task {
    struct hog *hog;
    int i;
    bool write;
};

static uint32_t task_pages(const struct hog *h, int i)
{
    return h->pages / h->tasks + (i == 0 ? h->pages % h->tasks : 0);
}

static void hog_task(void *arg)
{
    struct hog_task *t = arg;
    struct hog *h = t->hog;
    task_set_vm(h->space[t->i]);
    uint32_t end = HOG_VA + task_pages(h, t->i) * PAGE_SIZE;
    uint32_t bad = 0;
    for (uint32_t va = HOG_VA; va < end; va += PAGE_SIZE) {
        volatile uint32_t *w = (volatile uint32_t *)va;
        bool page_bad = false;
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) {
            uint32_t want = hog_word(h->seed, va + 4 * k);
            if (t->write)
                w[k] = want;
            else if (w[k] != want)
                page_bad = true;
        }
        if (page_bad && bad++ < 4)
            pr_err("%s: task %d: page %08x does not hold what was written\n", h->name, t->i, va);
    }
    task_set_vm(NULL);
    task_exit((int)bad);
}

int hog_map(struct hog *h)
{
    pr_info("%s: seed=%u (boot with seed=%u to repeat): %u MiB in %d tasks, %u MiB of RAM\n",
            h->name, h->seed, h->seed, h->pages / 256, h->tasks, nr_managed_pages() / 256);
    for (int i = 0; i < h->tasks; i++) {
        h->space[i] = vm_space_create();
        if (!h->space[i] ||
            vm_map_anon(h->space[i], HOG_VA, task_pages(h, i) * PAGE_SIZE, PTE_WRITE)) {
            hog_unmap(h);
            return -ENOMEM;
        }
    }
    return 0;
}

uint64_t hog_pass(struct hog *h, bool write)
{
    static struct hog_task args[HOG_MAX_TASKS];
    struct task *tasks[HOG_MAX_TASKS];
    uint64_t hz = bench_tsc_hz();
    uint64_t t0 = rdtsc();
    for (int i = 0; i < h->tasks; i++) {
        args[i] = (struct hog_task){ h, i, write };
        tasks[i] = h->space[i] ? task_create("hog", hog_task, &args[i], PRIO_NORMAL) : NULL;
    }
    for (int i = 0; i < h->tasks; i++) {
        int code = tasks[i] ? task_join(tasks[i]) : 0;
        if (code < 0) {                 /* out of memory, or a page it could not read */
            h->ended++;                 /* its memory is in a bad state: drop it */
            vm_space_destroy(h->space[i]);
            h->space[i] = NULL;
        } else if (code > 0) {
            h->bad_pages += code;
        }
    }
    return (rdtsc() - t0) * 1000000 / hz;
}

int hog_run(struct hog *h)
{
    int err = hog_map(h);
    if (err)
        return err;
    uint32_t out0 = vm_events.pswpout, in0 = vm_events.pswpin;
    h->write_us = hog_pass(h, true);
    pr_info("%s: wrote %u pages in %llu ms: %u swap-outs so far, %d tasks ended\n", h->name,
            h->pages, (unsigned long long)(h->write_us / 1000), vm_events.pswpout - out0,
            h->ended);
    h->verify_us = hog_pass(h, false);
    h->swapouts = vm_events.pswpout - out0;
    h->swapins = vm_events.pswpin - in0;
    pr_info("%s: verified in %llu ms: %u bad pages, %u swap-outs, %u swap-ins, "
            "%d tasks ended\n", h->name, (unsigned long long)(h->verify_us / 1000),
            h->bad_pages, h->swapouts, h->swapins, h->ended);
    return 0;
}

/* Notes the uptime at which the out-of-memory policy ends a task, to a
 * timer tick. */
struct oom_watch {
    uint32_t kills0;            /* vm_events.oom_kills before */
    uint64_t ended_ms;          /* 0 until seen */
};

static void watch_for_oom(void *arg)
{
    struct oom_watch *w = arg;
    while (!w->ended_ms) {
        bool stop = task_should_stop();     /* then one more look: the hog is over */
        if (vm_events.oom_kills != w->kills0)
            w->ended_ms = timer_uptime_ms();
        if (stop)
            return;
        sleep_ms(1000 / HZ);
    }
}

int hog_ms_from_swap_full_to_oom(struct hog *h)
{
    static struct oom_watch w;
    w = (struct oom_watch){ .kills0 = vm_events.oom_kills };
    uint64_t start_ms = timer_uptime_ms();
    /* PRIO_IO, so that it looks on time while the hog keeps the CPU busy. */
    struct task *watcher = task_create("oom-watch", watch_for_oom, &w, PRIO_IO);
    if (!watcher)
        return -1;
    hog_pass(h, true);
    task_stop(watcher);
    task_join(watcher);
    uint64_t ran_out_ms = swap_ran_out_ms();
    if (!h->ended || !w.ended_ms || ran_out_ms < start_ms || ran_out_ms > w.ended_ms)
        return -1;
    return (int)(w.ended_ms - ran_out_ms);
}

void hog_unmap(struct hog *h)
{
    for (int i = 0; i < h->tasks; i++) {
        if (h->space[i])
            vm_space_destroy(h->space[i]);
        h->space[i] = NULL;
    }
}
