/*
 * skbuff.h - packet buffers (struct sk_buff, as Linux names them).
 *
 * An sk_buff is one page: this header at the start, the packet bytes after
 * it.  data/len are the valid bytes; headers are added in front with
 * skb_push() (into the headroom every fresh buffer keeps) and stripped
 * with skb_pull(); payload is appended with skb_put().  A buffer is big
 * enough for one Ethernet frame of the largest size the NIC accepts, with
 * SKB_HEADROOM in front of it.
 *
 * Memory.  Buffers come from the skb mempool: the network is on the IO
 * path (NBD carries swap and ext2), so receiving and sending must make
 * progress with no free memory outside the reserve (docs/design.md,
 * invariant 3, the IO path progresses).  alloc_skb() never enters
 * reclaim that could start IO; in task
 * context it waits for any buffer to come back rather than fail; with
 * GFP_ATOMIC it may return NULL (the caller drops the packet and counts
 * it).  kfree_skb() returns a buffer; every buffer has exactly one owner
 * at a time (a queue, a driver's ring, a protocol), so there is no
 * reference count.
 *
 * The emergency reserve (Linux 3.6's pfmemalloc skbs, for swap over NBD).
 * The pool's reserve is shared: one busy connection can hold all of it in
 * its queues, and then the block device's connection can neither send
 * nor receive.  So SKB_MEMALLOC_RESERVE more buffers are kept for the
 * sockets marked for memory reclaim (sock_set_memalloc) and for the NIC's
 * receive ring, which cannot know whom a frame is for:
 * alloc_skb_memalloc() takes from the pool without waiting, then from the
 * emergency reserve, and marks such a buffer pfmemalloc; TCP drops a
 * pfmemalloc packet unless it is for a marked socket, so only those
 * sockets can hold emergency buffers.  A caller that may sleep (a
 * sender) leaves the last SKB_MEMALLOC_KEEP to those that cannot -- the
 * segments that carry its data out, the ACKs, the receive ring -- so
 * that a full send queue can never stop its own acknowledgements from
 * being received.  Every freed buffer refills the emergency reserve
 * first, the pool's reserve next.  Over loopback the rule holds as well:
 * a marked socket's emergency buffers reach only marked sockets, so the
 * in-kernel nbdsrv (an ordinary server, as in the 1999 letter; its
 * connection is not marked) may see them dropped while the pool is dry,
 * and TCP sends them again.
 *
 * A frame larger than a page (a TSO frame, netdev.h) is a chain: the
 * head buffer holds the headers and the first payload bytes, frag_next
 * buffers the rest (each filled from head[0], skb_reset(skb, 0)), and
 * the head's frag_bytes counts them.  The chain has one owner, the head:
 * kfree_skb(head) frees every buffer of it.  Only TCP builds chains, only
 * for an interface that offers TSO, and nothing but the driver reads
 * past the head.
 *
 * Rules: skb_push/skb_pull/skb_put past the buffer's bounds panic (that
 * is a kernel bug, never bad input: parsers check lengths before pulling).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "gfp.h"
#include "list.h"

struct net_device;

#define SKB_HEADROOM    128         /* Ethernet 14 + IPv4 60 + TCP 60, rounded */
#define SKB_RESERVE     64          /* buffers the mempool keeps for hard times */
#define SKB_MEMALLOC_RESERVE 32     /* more, for reclaim's sockets only (above) */
#define SKB_MEMALLOC_KEEP    16     /* of those, never taken by a caller that waits */

struct sk_buff {
    struct list_head list;          /* on whatever queue owns it */
    uint8_t *data;                  /* first valid byte */
    uint32_t len;                   /* valid bytes from data */
    struct net_device *dev;         /* received on / to be sent from */
    /* Filled in on the way up by the layer that parsed them: */
    uint8_t *network_header;        /* IPv4 header */
    uint8_t *transport_header;      /* TCP/ICMP header */
    uint32_t saddr, daddr;          /* IPv4 source and destination, host order */
    bool pfmemalloc;                /* taken from the emergency reserve (above) */
    /* Sending only, set by TCP for an interface that offers them (netdev.h): */
    struct sk_buff *frag_next;      /* the frame's next buffer of payload (above) */
    uint32_t frag_bytes;            /* head only: payload bytes in the frag_next chain */
    uint16_t gso_size;              /* TSO: the NIC cuts the TCP payload into segments
                                     * of this many bytes; 0: one frame as it is */
    bool csum_partial;              /* the TCP checksum field holds the pseudo-header
                                     * sum; the NIC completes it */
    uint8_t head[];                 /* the rest of the page */
};

#define SKB_BUF_SIZE    (4096u - (uint32_t)sizeof(struct sk_buff))
/* The largest frame a fresh buffer can take after its headroom; the RX
 * path uses head[] from its start instead (skb_reset_rx). */
#define SKB_MAX_PAYLOAD (SKB_BUF_SIZE - SKB_HEADROOM)

void skb_init(void);
/* An empty buffer with SKB_HEADROOM free in front. */
struct sk_buff *alloc_skb(gfp_t gfp);
/* For a socket marked for memory reclaim, and for a NIC's receive ring:
 * the pool without waiting, else the emergency reserve (pfmemalloc set);
 * with __GFP_RECLAIM it waits for either rather than fail. */
struct sk_buff *alloc_skb_memalloc(gfp_t gfp);
/* Frees skb and every buffer chained after it (frag_next). */
void kfree_skb(struct sk_buff *skb);
/* Make the buffer empty with data at head[offset]: a NIC receives into
 * head[0..SKB_BUF_SIZE) (offset 0), a sender starts at SKB_HEADROOM. */
void skb_reset(struct sk_buff *skb, uint32_t offset);
/* Add n bytes at the end, return where they go. */
void *skb_put(struct sk_buff *skb, uint32_t n);
/* Add n bytes in front, return the new data. */
void *skb_push(struct sk_buff *skb, uint32_t n);
/* Remove n bytes from the front (n <= len), return the new data. */
void *skb_pull(struct sk_buff *skb, uint32_t n);
/* Cut the buffer to len bytes (len <= skb->len): drops Ethernet padding. */
void skb_trim(struct sk_buff *skb, uint32_t len);
/* Buffers handed out and not yet returned; the pool's reserve now. */
uint32_t skb_in_use(void);
uint32_t skb_reserve_free(void);
uint32_t skb_memalloc_free(void);
/* How often the emergency reserve had nothing for a caller (a receive
 * ring's frame was then dropped, a segment not sent, a sender waited). */
uint32_t skb_memalloc_dry(void);

/* A FIFO of buffers; the owner locks it (the lists are plain list.h). */
struct sk_buff_head {
    struct list_head list;
    uint32_t qlen;                  /* buffers on it */
    uint32_t bytes;                 /* sum of their len */
};
void skb_queue_init(struct sk_buff_head *q);
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
/* The first buffer, taken off the queue; NULL when empty. */
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
struct sk_buff *skb_peek(const struct sk_buff_head *q);
void skb_queue_purge(struct sk_buff_head *q);
