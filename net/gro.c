/*
 * gro.c - the receive batch: napi_gro_receive and napi_gro_flush
 * (netdev.h).  A driver's poll hands each frame it took from its ring to
 * napi_gro_receive; knetd calls napi_gro_flush once the poll returns.
 *
 * Linux's GRO merges the data segments of a flow into one large buffer
 * on their way up.  swiod's merges one kind of frame only, the one that
 * costs here: a pure ACK (tcp_pure_ack) that the very next frame of the
 * batch supersedes (tcp_ack_supersedes: the same connection, a later
 * acknowledgment) is dropped, counted in rx_acks_merged, and only the
 * later goes up.  Linux's GRO passes every pure ACK up as it is.
 *
 * Why.  slirp acknowledges each 1,460-byte segment the guest sends, at
 * once, and QEMU's e1000 hands a TSO frame to slirp segment by segment
 * inside the guest's write of TDT: a 64 KiB frame comes back as 45 ACKs
 * in the ring together.  bench=nbd_swap's write pass received 102,000,
 * and took each through IP and TCP for about 4.5 us of knetd's time --
 * freeing acknowledged buffers, restarting the retransmission timer,
 * trying to send -- where the last of each run says all the others did.
 *
 * Nothing else changes.  A held ACK goes up before whatever comes after
 * it that does not supersede it, so the stack sees frames in the order
 * the NIC received them, less the dropped ACKs.  Data, a FIN, a reset or
 * an option is never held, and a duplicate ACK never supersedes the ACK
 * it repeats: the sender counts those for its fast retransmit.  (A run
 * of duplicates followed by a later ACK loses its last duplicate, which
 * the later ACK makes moot: it ends the sender's count.)  Checksums are not looked at here:
 * the ACK that goes up is checked by the stack, and a bad one dropped
 * there, so a corrupt frame can cost one ACK, as a lost frame would.  A
 * frame from the emergency reserve (skbuff.h) does not replace one that
 * is not: TCP may drop the reserve's frame, and the ACK would be lost.
 */
#include "byteorder.h"
#include "kstring.h"
#include "net.h"
#include "skbuff.h"
#include "tcp_logic.h"

/* skb is an Ethernet frame carrying a pure ACK: *key says which. */
static bool frame_pure_ack(const struct sk_buff *skb, struct tcp_ack_key *key)
{
    return skb->len >= ETH_HLEN && get_be16(skb->data + ETH_HLEN - 2) == ETH_P_IP &&
           tcp_pure_ack(skb->data + ETH_HLEN, skb->len - ETH_HLEN, key);
}

/* The ACK in skb (key) says all that the held frame says. */
static bool supersedes_held(const struct sk_buff *held, const struct sk_buff *skb,
                            const struct tcp_ack_key *key)
{
    struct tcp_ack_key held_key;
    return (!skb->pfmemalloc || held->pfmemalloc) &&
           memcmp(skb->data, held->data, ETH_HLEN) == 0 &&
           frame_pure_ack(held, &held_key) && tcp_ack_supersedes(key, &held_key);
}

void napi_gro_receive(struct net_device *dev, struct sk_buff *skb)
{
    struct tcp_ack_key key;
    bool ack = frame_pure_ack(skb, &key);
    struct sk_buff *held = dev->gro_held;
    bool merge = held && ack && supersedes_held(held, skb, &key);
    dev->gro_held = NULL;               /* before anything goes up */
    if (merge) {
        dev->stats.rx_packets++;
        dev->stats.rx_bytes += held->len;
        dev->stats.rx_acks_merged++;
        kfree_skb(held);
    } else if (held) {
        netif_receive_skb(dev, held);
    }
    if (ack)
        dev->gro_held = skb;
    else
        netif_receive_skb(dev, skb);
}

void napi_gro_flush(struct net_device *dev)
{
    struct sk_buff *held = dev->gro_held;
    dev->gro_held = NULL;
    if (held)
        netif_receive_skb(dev, held);
}
