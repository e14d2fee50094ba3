/*
 * test_helpers.c - see test_helpers.h.
 */
#include "test_helpers.h"
#include "blkdev.h"
#include "ktest.h"
#include "lockdep.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "timer.h"
#include "sched.h"

__attribute__((noipa)) uint32_t recurse_deeply(volatile uint32_t depth)
{
    volatile uint8_t frame[256];
    frame[0] = (uint8_t)depth;
    if (depth == UINT32_MAX)
        return 0;
    return recurse_deeply(depth + 1) + frame[0];
}

uint32_t fill_until_refused(gfp_t gfp, struct list_head *list)
{
    struct page *p;
    while ((p = alloc_page(gfp)))
        list_add(&p->lru, list);
    return nr_free_pages();
}

void free_page_list(struct list_head *list)
{
    while (!list_empty(list)) {
        struct page *p = list_first_entry(list, struct page, lru);
        list_del(&p->lru);
        free_page(p);
    }
}

struct block_device *test_nbd0(void)
{
    struct block_device *dev = blkdev_find("nbd0");
    if (!dev)
        ktest_fail(__FILE__, __LINE__, "no nbd0 (boot with nbd=A.B.C.D:PORT, as the harness "
                   "does)");
    return dev;
}

struct report_counts report_counts_now(void)
{
    return (struct report_counts){ .reclaim = reclaim_violations, .lockdep = lockdep_reports };
}

void expect_reclaim_sync_reports(struct report_counts since)
{
    if (reclaim_policy != RECLAIM_SYNC)
        return;
    uint32_t waits = reclaim_violations - since.reclaim;
    uint32_t cycles = lockdep_reports - since.lockdep;
    pr_info("reclaim=sync: %u waits that reclaim must not make were reported, and %u lock "
            "order cycles\n", waits, cycles);
    KASSERT(waits > 0);
    ktest_expect_reports(waits + cycles);
}

void pinger_task(void *arg)
{
    struct pinger *p = arg;
    while (!p->stop) {
        uint64_t t0 = timer_uptime_ms();
        sleep_ms(PINGER_SLEEP_MS);
        uint32_t late = (uint32_t)(timer_uptime_ms() - t0) - PINGER_SLEEP_MS;
        if (late > p->worst_late_ms)
            p->worst_late_ms = late;
        p->pings++;
    }
}
