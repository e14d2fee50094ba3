/*
 * skbuff.c - packet buffers, one page each, from the skb mempool (see
 * include/skbuff.h).
 *
 * The pool keeps SKB_RESERVE pages so that the network -- which carries
 * swap and ext2 when they live on NBD -- can receive and send while the
 * page allocator has nothing left for anyone else.  Pages come from the
 * allocator without reclaim (mempool_alloc strips it), so asking for a
 * buffer never waits for a write that itself needs a buffer.
 *
 * The emergency reserve (skbuff.h) is a plain stack of pages beside the
 * pool: its buffers never come from the allocator after boot, only back
 * from kfree_skb, which fills it before the pool.
 */
#include "kstring.h"
#include "mempool.h"
#include "mm.h"
#include "netdev.h"
#include "panic.h"
#include "skbuff.h"
#include "x86.h"

_Static_assert(sizeof(struct sk_buff) + SKB_HEADROOM + ETH_FRAME_LEN <= 4096,
               "an sk_buff page must hold the headroom and a whole frame");

#define SKB_MEMALLOC_RETRY_MS 100  /* a waiting sender also retries the pool this often */

static struct mempool *skb_pool;
static uint32_t nr_in_use;          /* handed out, not yet freed (irq-safe updates) */

static struct {
    void *pages[SKB_MEMALLOC_RESERVE];
    int nr;                         /* pages[0..nr) are free; changed with irq_save */
    struct wait_queue wait;         /* senders waiting for one to come back */
    uint32_t dry;                   /* times a caller found none for it */
} emergency;

static void *skb_page_alloc(gfp_t gfp, void *unused)
{
    (void)unused;
    struct page *p = alloc_page(gfp);
    return p ? page_address(p) : NULL;
}

static void skb_page_free(void *element, void *unused)
{
    (void)unused;
    free_page_address(element);
}

void skb_init(void)
{
    skb_pool = mempool_create("skb pool", SKB_RESERVE, skb_page_alloc, skb_page_free, NULL);
    if (!skb_pool)
        panic("skb: cannot reserve %d pages for packet buffers", SKB_RESERVE);
    wait_queue_init(&emergency.wait, "skb emergency reserve");
    for (; emergency.nr < SKB_MEMALLOC_RESERVE; emergency.nr++)
        if (!(emergency.pages[emergency.nr] = skb_page_alloc(GFP_KERNEL, NULL)))
            panic("skb: cannot reserve %d pages for reclaim's sockets", SKB_MEMALLOC_RESERVE);
}

void skb_reset(struct sk_buff *skb, uint32_t offset)
{
    if (offset > SKB_BUF_SIZE)
        panic("skb: reset at %u, past the %u-byte buffer", offset, SKB_BUF_SIZE);
    skb->data = skb->head + offset;
    skb->len = 0;
    skb->network_header = skb->transport_header = NULL;
    skb->saddr = skb->daddr = 0;
}

static struct sk_buff *skb_setup(struct sk_buff *skb, bool pfmemalloc)
{
    uint32_t flags = irq_save();
    nr_in_use++;
    irq_restore(flags);
    list_init(&skb->list);
    skb->dev = NULL;
    skb->pfmemalloc = pfmemalloc;
    skb->frag_next = NULL;
    skb->frag_bytes = 0;
    skb->gso_size = 0;
    skb->csum_partial = false;
    skb_reset(skb, SKB_HEADROOM);
    return skb;
}

struct sk_buff *alloc_skb(gfp_t gfp)
{
    struct sk_buff *skb = mempool_alloc(skb_pool, gfp);
    return skb ? skb_setup(skb, false) : NULL;
}

/* A page of the emergency reserve if more than keep are left, or NULL. */
static void *emergency_take(int keep)
{
    void *page = NULL;
    uint32_t flags = irq_save();
    if (emergency.nr > keep)
        page = emergency.pages[--emergency.nr];
    irq_restore(flags);
    return page;
}

struct sk_buff *alloc_skb_memalloc(gfp_t gfp)
{
    bool may_wait = gfp & __GFP_RECLAIM;
    int keep = may_wait ? SKB_MEMALLOC_KEEP : 0;
    for (;;) {
        struct sk_buff *skb = mempool_alloc(skb_pool, gfp & ~__GFP_RECLAIM);
        if (skb)
            return skb_setup(skb, false);
        if ((skb = emergency_take(keep)))
            return skb_setup(skb, true);
        emergency.dry++;
        if (!may_wait)
            return NULL;
        /* A buffer freed to either refills the emergency reserve first. */
        wait_event_timeout(&emergency.wait, emergency.nr > keep, SKB_MEMALLOC_RETRY_MS);
    }
}

static void kfree_one(struct sk_buff *skb)
{
    uint32_t flags = irq_save();
    nr_in_use--;
    /* Whichever buffer this was, a short emergency reserve comes first:
     * buffers are alike, and the reserve's own may sit in the NIC's
     * ring while others come back. */
    bool refill = emergency.nr < SKB_MEMALLOC_RESERVE;
    if (refill)
        emergency.pages[emergency.nr++] = skb;
    irq_restore(flags);
    if (refill)
        wake_up(&emergency.wait);
    else
        mempool_free(skb, skb_pool);
}

void kfree_skb(struct sk_buff *skb)
{
    while (skb) {
        struct sk_buff *next = skb->frag_next;
        kfree_one(skb);
        skb = next;
    }
}

static uint32_t tailroom(const struct sk_buff *skb)
{
    return (uint32_t)(skb->head + SKB_BUF_SIZE - (skb->data + skb->len));
}

void *skb_put(struct sk_buff *skb, uint32_t n)
{
    if (n > tailroom(skb))
        panic("skb: put %u bytes with %u left at the end", n, tailroom(skb));
    void *p = skb->data + skb->len;
    skb->len += n;
    return p;
}

void *skb_push(struct sk_buff *skb, uint32_t n)
{
    uint32_t headroom = (uint32_t)(skb->data - skb->head);
    if (n > headroom)
        panic("skb: push %u bytes with %u of headroom", n, headroom);
    skb->data -= n;
    skb->len += n;
    return skb->data;
}

void *skb_pull(struct sk_buff *skb, uint32_t n)
{
    if (n > skb->len)
        panic("skb: pull %u bytes of %u", n, skb->len);
    skb->data += n;
    skb->len -= n;
    return skb->data;
}

void skb_trim(struct sk_buff *skb, uint32_t len)
{
    if (len > skb->len)
        panic("skb: trim to %u bytes of %u", len, skb->len);
    skb->len = len;
}

uint32_t skb_in_use(void) { return nr_in_use; }
uint32_t skb_reserve_free(void) { return (uint32_t)skb_pool->curr_nr; }
uint32_t skb_memalloc_free(void) { return (uint32_t)emergency.nr; }
uint32_t skb_memalloc_dry(void) { return emergency.dry; }

void skb_queue_init(struct sk_buff_head *q)
{
    list_init(&q->list);
    q->qlen = q->bytes = 0;
}

void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb)
{
    list_add_tail(&skb->list, &q->list);
    q->qlen++;
    q->bytes += skb->len;
}

struct sk_buff *skb_peek(const struct sk_buff_head *q)
{
    return list_empty(&q->list) ? NULL : list_entry(q->list.next, struct sk_buff, list);
}

struct sk_buff *skb_dequeue(struct sk_buff_head *q)
{
    struct sk_buff *skb = skb_peek(q);
    if (!skb)
        return NULL;
    list_del(&skb->list);
    q->qlen--;
    q->bytes -= skb->len;
    return skb;
}

void skb_queue_purge(struct sk_buff_head *q)
{
    struct sk_buff *skb;
    while ((skb = skb_dequeue(q)))
        kfree_skb(skb);
}
