/*
 * test_nbd_flood.c - nbd0 keeps its promises while another connection
 * floods and free memory is gone.  The harness (nbd_tests.py) starts the
 * NBD server and an echo server on the host and boots with both
 * forwarded (nbd=, flood_port=); without them each test fails at once.
 *
 * The flood (tcp_stream.h) sends to the echo server without pause and
 * never reads the echo, so its queues hold every packet buffer they may.
 * Free memory is taken to zero first, so those buffers are the skb
 * pool's reserve: the flood drains it.  Then
 *
 *   nbd_flood_stalled_server_times_out
 *       the server (nbd_fake.py's stall) answers nothing: FLOOD_BIOS reads
 *       fail with -EIO within nbd_timeout and a timer tick -- the timeout
 *       fires although the sender may be waiting for a buffer, and the
 *       requests reach the wire from the emergency reserve at all
 *   nbd_flood_swap_hog
 *       memory is given back with the flood still going, and the swap hog
 *       (hog_mb=, default 2x RAM) runs with its swap area on nbd0
 *       (qemu-nbd): every page back intact, no task ended.  This one
 *       passes on a kernel without the emergency reserve too -- with
 *       memory back, NBD's buffers come from the page allocator's
 *       PF_MEMALLOC reserve -- it guards that the reserve and TCP's drop
 *       rule leave swap over NBD whole beside a flood.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "disk_pattern.h"
#include "hog.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "skbuff.h"
#include "swap.h"
#include "tcp_stream.h"
#include "test_helpers.h"
#include "timer.h"

KERNEL_PARAM(flood_port, "0", "the host port the flood test's TCP peer listens on");

#define FLOOD_BIOS          8
#define CONNECT_MS          5000
#define DRAIN_LIMIT_MS      10000   /* the flood fills its queues well within this */
#define DRAIN_POLL_MS       50
/* A request fails at the first timer tick past the timeout (nbd.c's
 * NBD_TICK_MS, 250 ms); the rest is the test's own scheduling. */
#define TIMEOUT_SLACK_MS    750
#define MS_PER_S            1000

/* Connect the flood, take free memory to zero (the emergency reserves
 * included: PF_MEMALLOC), let the flood go and wait until it holds the
 * skb pool's whole reserve.  The pages taken go on hoard. */
static struct tcp_flood *flood_with_no_memory(struct list_head *hoard)
{
    uint16_t port = (uint16_t)cmdline_get_u32("flood_port", 0);
    struct socket *s;
    KASSERT(port != 0);
    KASSERT_EQ(sock_connect(GUESTFWD_ADDR, port, CONNECT_MS, &s), 0);
    struct tcp_flood *f = tcp_flood_start(s);
    KASSERT(f != NULL);
    uint32_t saved = memalloc_noreclaim_save();
    KASSERT_EQ(fill_until_refused(GFP_KERNEL, hoard), 0);
    memalloc_noreclaim_restore(saved);
    tcp_flood_go(f);
    /* Read once per look: the flood's buffers come back as the host
     * acknowledges them, so a second read may find some of the reserve
     * refilled after it was seen empty. */
    uint64_t end = timer_uptime_ms() + DRAIN_LIMIT_MS;
    uint32_t left;
    while ((left = skb_reserve_free()) && timer_uptime_ms() < end)
        sleep_ms(DRAIN_POLL_MS);
    if (left)
        ktest_fail(__FILE__, __LINE__, "the flood left %u buffers of the skb pool's reserve "
                   "in %u ms: nothing here is starved", left, DRAIN_LIMIT_MS);
    pr_info("nbd_flood: free memory %u pages; the flood holds the skb pool (%u buffers in "
            "use, reserve %u, emergency reserve %u)\n", nr_free_pages(), skb_in_use(),
            skb_reserve_free(), skb_memalloc_free());
    return f;
}

KTEST_MANUAL(nbd_flood_stalled_server_times_out)
{
    static struct page *pages[FLOOD_BIOS];
    static uint64_t sectors[FLOOD_BIOS];
    static int status[FLOOD_BIOS];
    struct list_head hoard = LIST_HEAD_INIT(hoard);
    struct block_device *dev = test_nbd0();
    KASSERT(cmdline_has("nbd_timeout"));        /* the spec sets it: the flood waits it out */
    uint32_t timeout_ms = cmdline_get_u32("nbd_timeout", 15) * MS_PER_S;
    for (int i = 0; i < FLOOD_BIOS; i++) {
        KASSERT((pages[i] = alloc_page(GFP_KERNEL)) != NULL);
        sectors[i] = (uint64_t)i * (PAGE_SIZE / SECTOR_SIZE);
    }
    struct tcp_flood *f = flood_with_no_memory(&hoard);
    uint64_t t0 = timer_uptime_ms();
    int failed = flight_rw_status(dev, pages, sectors, FLOOD_BIOS, BIO_READ, status);
    uint64_t ms = timer_uptime_ms() - t0;
    free_page_list(&hoard);
    uint64_t sent = tcp_flood_stop(f);
    pr_info("nbd_flood: %d of %d reads failed in %llu ms (nbd_timeout %u ms); the flood "
            "sent %llu KiB\n", failed, FLOOD_BIOS, (unsigned long long)ms, timeout_ms,
            (unsigned long long)(sent >> 10));
    KASSERT_EQ(failed, FLOOD_BIOS);
    for (int i = 0; i < FLOOD_BIOS; i++)
        KASSERT_EQ(status[i], -EIO);
    KASSERT(ms <= timeout_ms + TIMEOUT_SLACK_MS);
    for (int i = 0; i < FLOOD_BIOS; i++)
        free_page(pages[i]);
}

KTEST_MANUAL(nbd_flood_swap_hog)
{
    static struct hog h;
    struct list_head hoard = LIST_HEAD_INIT(hoard);
    test_nbd0();
    struct tcp_flood *f = flood_with_no_memory(&hoard);
    free_page_list(&hoard);         /* for the hog; the flood keeps the pool */
    KASSERT_EQ(swapon("nbd0", 0), 0);
    h = (struct hog){ .name = "nbd_flood_swap_hog", .seed = ktest_seed(), .tasks = 4,
                      .pages = cmdline_get_u32("hog_mb", 2 * nr_managed_pages() / 256) * 256 };
    KASSERT_EQ(hog_run(&h), 0);
    hog_unmap(&h);
    pr_info("nbd_flood: after the hog the skb pool's reserve has %u, the emergency "
            "reserve %u\n", skb_reserve_free(), skb_memalloc_free());
    uint64_t sent = tcp_flood_stop(f);
    pr_info("nbd_flood: the flood sent %llu KiB\n", (unsigned long long)(sent >> 10));
    KASSERT_EQ(h.bad_pages, 0);
    KASSERT_EQ(h.ended, 0);
    KASSERT(h.swapouts > 0 && h.swapins > 0);
    KASSERT_EQ(swapoff("nbd0"), 0);
}
