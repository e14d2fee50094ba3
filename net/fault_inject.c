/*
 * fault_inject.c - loss and reordering of received TCP segments, on
 * purpose, for the TCP tests (slirp itself never loses a packet).
 *
 *   net_drop=N     every Nth received TCP segment is dropped
 *   net_reorder=N  every Nth one is held back and delivered just after
 *                  the segment that follows it
 * Both count from an offset taken from seed= (so a run repeats exactly
 * with the same seed); the boot log says what will happen, and
 * net_stats.fault_dropped / fault_reordered count what did.
 * fault_silence(true) drops every received TCP segment from then on, until
 * fault_silence(false): a peer that goes silent on an established
 * connection (the boot options can only make one silent from the start).
 * Called with
 * net_lock held, on the way from ip_rcv to tcp_rcv.  A held segment waits
 * for the next one however long that takes (a retransmission comes, the
 * data is not lost).
 */
#include "cmdline.h"
#include "net.h"
#include "printk.h"

KERNEL_PARAM(net_drop, "0", "drop every Nth received TCP segment (first from seed=); 0: off");
KERNEL_PARAM(net_reorder, "0", "hold back every Nth received TCP segment past the next; 0: off");

static uint32_t drop_every, reorder_every;      /* 0: off */
static uint32_t drop_count, reorder_count;      /* TCP segments seen, from the offset */
static struct sk_buff *held;                    /* the segment held back, if any */
static bool silent;                             /* fault_silence: drop them all */

/* Counting starts at seed mod n, so segment n - (seed mod n) is the first
 * one hit, then every nth after it. */
static void fault_setup(const char *opt, const char *what, uint32_t seed, uint32_t *every,
                        uint32_t *count)
{
    *every = cmdline_get_u32(opt, 0);
    if (!*every)
        return;
    *count = seed % *every;
    pr_info("net: %s=%u seed=%u: %s received TCP segment %u and every %u after it\n", opt,
            *every, seed, what, *every - *count, *every);
}

void fault_inject_init(void)
{
    uint32_t seed = cmdline_get_u32("seed", 0);
    fault_setup("net_drop", "dropping", seed, &drop_every, &drop_count);
    fault_setup("net_reorder", "delaying past the next", seed, &reorder_every, &reorder_count);
}

/* True once every n calls, counting in *count. */
static bool every_nth(uint32_t n, uint32_t *count)
{
    if (!n)
        return false;
    if (++*count < n)
        return false;
    *count = 0;
    return true;
}

void fault_silence(bool on)
{
    silent = on;
}

void fault_tcp_rcv(struct sk_buff *skb)
{
    if (silent || every_nth(drop_every, &drop_count)) {
        net_stats.fault_dropped++;
        kfree_skb(skb);
        return;
    }
    /* Counted even while one is held, so the nth segments are the ones
     * hit; a hit while holding is delivered in order. */
    if (every_nth(reorder_every, &reorder_count) && !held) {
        held = skb;
        return;
    }
    tcp_rcv(skb);
    if (held) {
        struct sk_buff *late = held;
        held = NULL;
        net_stats.fault_reordered++;
        tcp_rcv(late);
    }
}
