/*
 * nbd_handshake.c - connecting to the server and the fixed-newstyle
 * handshake (the protocol's "Handshake" section), driven over the socket
 * with the framing of nbd_proto.c.
 *
 * NBD_OPT_GO first, asking for NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE; a
 * server that answers NBD_REP_ERR_UNSUP (an old one) gets
 * NBD_OPT_EXPORT_NAME instead, whose only failure report is closing the
 * connection.  The whole handshake has the request timeout, counted from
 * the connection, not each read: a server that sends its bytes slowly
 * enough (one in each timeout) would otherwise keep the boot waiting for
 * as long as it liked.  The number of option replies is bounded too.
 */
#include "kerrno.h"
#include "mm.h"
#include "nbd_dev.h"
#include "printk.h"
#include "slab.h"
#include "socket.h"
#include "timer.h"
#include "vsprintf.h"
#include "net_parse.h"

#define NBD_CONNECT_TIMEOUT_MS  5000
#define NBD_MAX_OPT_REPLIES     32      /* infos a server may send before its ACK */
#define NBD_OPT_BUF_LEN         (NBD_OPT_HEADER_LEN + 4 + NBD_EXPORT_NAME_LEN + 2 + 2 * 2)

struct handshake {
    struct nbd_device *nd;
    uint8_t *buf;               /* NBD_OPT_REPLY_MAX_LEN bytes for option replies */
    uint64_t deadline_ms;       /* uptime by which the handshake must be over */
    char why[NBD_WHY_LEN];
};

static int hs_recv(struct handshake *h, void *buf, uint32_t len, const char *what)
{
    uint64_t now = timer_uptime_ms();
    int ret = now >= h->deadline_ms ? -ETIMEDOUT
              : sock_recv_exact(h->nd->sock, buf, len, (uint32_t)(h->deadline_ms - now));
    if (ret == -ETIMEDOUT)
        ksnprintf(h->why, sizeof(h->why), "%s: not there within the handshake's %u ms", what,
                  h->nd->timeout_ms);
    else if (ret < 0)
        ksnprintf(h->why, sizeof(h->why), "%s: %s", what,
                  ret == -EPIPE ? "the server closed the connection" : "receive failed");
    return ret < 0 ? ret : 0;
}

static int hs_send(struct handshake *h, const void *buf, uint32_t len, const char *what)
{
    int ret = sock_send(h->nd->sock, buf, len, h->nd->timeout_ms);
    if (ret < 0)
        ksnprintf(h->why, sizeof(h->why), "sending %s failed", what);
    return ret < 0 ? ret : 0;
}

/* NBD_OPT_GO and its replies: NBD_GO_DONE, NBD_GO_UNSUPPORTED or an error. */
static int negotiate_go(struct handshake *h)
{
    struct nbd_device *nd = h->nd;
    uint8_t opt[NBD_OPT_BUF_LEN];
    int len = nbd_encode_opt_go(opt, sizeof(opt), nd->export_name);
    int ret = len < 0 ? len : hs_send(h, opt, (uint32_t)len, "NBD_OPT_GO");
    for (int i = 0; ret == 0 && i < NBD_MAX_OPT_REPLIES; i++) {
        uint8_t hdr[NBD_OPT_REPLY_HEADER_LEN];
        struct nbd_opt_reply r;
        if ((ret = hs_recv(h, hdr, sizeof(hdr), "option reply")) ||
            (ret = nbd_parse_opt_reply_header(hdr, NBD_OPT_GO, &r, h->why, sizeof(h->why))) ||
            (r.len && (ret = hs_recv(h, h->buf, r.len, "option reply data"))))
            return ret;
        int step = nbd_go_reply(&nd->export, &r, h->buf, h->why, sizeof(h->why));
        if (step != NBD_GO_MORE)
            return step;
    }
    if (ret == 0) {
        ksnprintf(h->why, sizeof(h->why), "more than %d option replies to NBD_OPT_GO",
                  NBD_MAX_OPT_REPLIES);
        ret = -EPROTO;
    }
    return ret;
}

static int negotiate_export_name(struct handshake *h, uint32_t client_flags)
{
    struct nbd_device *nd = h->nd;
    uint8_t opt[NBD_OPT_BUF_LEN];
    uint8_t reply[NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES];
    uint32_t reply_len = nbd_export_name_reply_len(client_flags);
    int len = nbd_encode_opt_export_name(opt, sizeof(opt), nd->export_name);
    int ret;
    if (len < 0)
        return len;
    if ((ret = hs_send(h, opt, (uint32_t)len, "NBD_OPT_EXPORT_NAME")) ||
        (ret = hs_recv(h, reply, reply_len, "export name reply (a refused name closes it)")))
        return ret;
    return nbd_parse_export_name_reply(reply, reply_len, &nd->export, h->why, sizeof(h->why));
}

static int handshake(struct handshake *h)
{
    struct nbd_device *nd = h->nd;
    uint8_t greeting[NBD_GREETING_LEN], flags[NBD_CLIENT_FLAGS_LEN];
    uint16_t hs_flags;
    int ret;
    if ((ret = hs_recv(h, greeting, sizeof(greeting), "greeting")) ||
        (ret = nbd_parse_greeting(greeting, &hs_flags, h->why, sizeof(h->why))))
        return ret;
    uint32_t client_flags = nbd_client_flags(hs_flags);
    nbd_encode_client_flags(flags, client_flags);
    if ((ret = hs_send(h, flags, sizeof(flags), "client flags")))
        return ret;
    /* Only a fixed-newstyle server may be sent options other than
     * EXPORT_NAME: it alone promises to answer unknown ones. */
    ret = hs_flags & NBD_FLAG_FIXED_NEWSTYLE ? negotiate_go(h) : NBD_GO_UNSUPPORTED;
    if (ret == NBD_GO_UNSUPPORTED) {
        pr_info("nbd: %s: server %s NBD_OPT_GO; falling back to NBD_OPT_EXPORT_NAME\n",
                nd->bdev.name, hs_flags & NBD_FLAG_FIXED_NEWSTYLE ? "does not support"
                                                                  : "is not fixed-newstyle: no");
        ret = negotiate_export_name(h, client_flags);
    } else if (ret == NBD_GO_DONE) {
        nd->used_go = true;
        ret = 0;
    }
    if (ret == 0)
        ret = nbd_check_export(&nd->export, SECTOR_SIZE, NBD_MAX_REQUEST,
                               h->why, sizeof(h->why));
    return ret;
}

int nbd_connect(struct nbd_device *nd)
{
    char addr[IPV4_ADDR_STRLEN];
    ipv4_format_addr(addr, nd->addr);
    int ret = sock_connect(nd->addr, nd->port, NBD_CONNECT_TIMEOUT_MS, &nd->sock);
    if (ret < 0) {
        pr_err("nbd: %s: cannot connect to %s:%u (%d)\n", nd->bdev.name, addr, nd->port, ret);
        return ret;
    }
    struct handshake h = { .nd = nd, .deadline_ms = timer_uptime_ms() + nd->timeout_ms,
                           .why = "" };
    h.buf = kmalloc(NBD_OPT_REPLY_MAX_LEN, GFP_KERNEL);
    ret = h.buf ? handshake(&h) : -ENOMEM;
    kfree(h.buf);
    if (ret < 0) {
        pr_err("nbd: %s: handshake with %s:%u failed: %s (%d)\n", nd->bdev.name, addr,
               nd->port, h.why[0] ? h.why : "out of memory", ret);
        nbd_release_socket(nd);
        return ret;
    }
    pr_info("nbd: %s: connected to %s:%u, export \"%s\" by %s: %llu bytes, flags 0x%x, "
            "block sizes %u/%u/%u\n", nd->bdev.name, addr, nd->port, nd->export_name,
            nd->used_go ? "NBD_OPT_GO" : "NBD_OPT_EXPORT_NAME",
            (unsigned long long)nd->export.size, nd->export.flags, nd->export.min_block,
            nd->export.pref_block, nd->export.max_block);
    return 0;
}
