/*
 * nbd_monitor.c - the monitor's nbd command: each device's connection,
 * requests in flight and counters; "nbd flush" sends each NBD_CMD_FLUSH;
 * "nbd connect A.B.C.D:PORT [EXPORT]" attaches one more (nbd_attach());
 * "nbd reconnect NAME" cuts a connection and makes it again (nbd_reconnect()).
 *
 * The table is copied under the device's lock and printed after, so the
 * console never runs with interrupts off.  The socket is described under
 * that lock too: the sender clears nd->sock under it before closing the
 * socket, so a dead device shows "closed" instead of a freed socket.
 */
#include "console.h"
#include "kerrno.h"
#include "monitor.h"
#include "nbd_dev.h"
#include "socket.h"
#include "kstring.h"
#include "timer.h"
#include "net_parse.h"

#define SOCK_DESC_LEN 96

static void print_flags(uint16_t flags)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { NBD_FLAG_READ_ONLY, "read-only" }, { NBD_FLAG_SEND_FLUSH, "flush" },
        { NBD_FLAG_SEND_FUA, "fua" }, { NBD_FLAG_ROTATIONAL, "rotational" },
        { NBD_FLAG_SEND_TRIM, "trim" },
    };
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (flags & names[i].bit)
            console_printf(" %s", names[i].name);
}

static void show(struct nbd_device *nd)
{
    static struct nbd_slot slots[NBD_MAX_INFLIGHT];     /* the monitor is one task */
    char addr[IPV4_ADDR_STRLEN], desc[SOCK_DESC_LEN], why[NBD_WHY_LEN];
    struct nbd_stats st;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    memcpy(slots, nd->slots, sizeof(slots));
    st = nd->stats;
    strlcpy(why, nd->why, sizeof(why));
    if (nd->sock)
        sock_describe(nd->sock, desc, sizeof(desc));
    else
        strlcpy(desc, "closed", sizeof(desc));
    spin_unlock_irqrestore(&nd->lock, flags);

    ipv4_format_addr(addr, nd->addr);
    console_printf("%s: server %s:%u export \"%s\" (%s), %llu bytes, flags 0x%x:",
                   nd->bdev.name, addr, nd->port, nd->export_name,
                   nd->used_go ? "NBD_OPT_GO" : "NBD_OPT_EXPORT_NAME",
                   (unsigned long long)nd->export.size, nd->export.flags);
    print_flags(nd->export.flags);
    console_printf("\n  %s; socket %s; timeout %u ms\n",
                   st.connected ? "connected" : "dead", desc, nd->timeout_ms);
    if (!st.connected)
        console_printf("  died: %s\n", why);
    console_printf("  in flight %u of %u (most %u), queued %u\n", st.inflight,
                   NBD_MAX_INFLIGHT, st.max_inflight, st.queued);
    uint64_t now = timer_uptime_ms();
    static const char *const states[] = { "free", "sending", "sent", "receiving" };
    for (int i = 0; i < NBD_MAX_INFLIGHT; i++) {
        const struct nbd_slot *s = &slots[i];
        if (s->state != SLOT_FREE)
            console_printf("  slot %2d cookie 0x%016llx %-9s %-5s %u bytes at sector %llu, "
                           "%llu ms\n", i, (unsigned long long)nbd_cookie((uint32_t)i, s->gen),
                           states[s->state], nbd_cmd_name(s->cmd), s->len,
                           (unsigned long long)(s->offset >> SECTOR_SHIFT),
                           (unsigned long long)(now - s->sent_ms));
    }
    console_printf("  reads %llu (%llu KiB)  writes %llu (%llu KiB)  flushes %llu  trims %llu\n",
                   (unsigned long long)st.reads, (unsigned long long)(st.bytes_read >> 10),
                   (unsigned long long)st.writes, (unsigned long long)(st.bytes_written >> 10),
                   (unsigned long long)st.flushes, (unsigned long long)st.trims);
    console_printf("  server errors %u  timeouts %u  failed by the connection %u  "
                   "reconnects %u\n", st.server_errors, st.timeouts, st.failed, st.reconnects);
}

/* "nbd connect A.B.C.D:PORT [EXPORT]": one more device, for a server
 * started after boot (a process: run it in the background first). */
static void connect_more(int argc, char **argv)
{
    struct block_device *dev;
    int err = nbd_attach(argv[2], argc > 3 ? argv[3] : NULL, &dev);
    if (err)
        console_printf("nbd connect %s: failed (%d)\n", argv[2], err);
    else
        console_printf("nbd connect %s: %s\n", argv[2], dev->name);
}

/* "nbd reconnect NAME": what an administrator does to a stuck connection. */
static void reconnect(const char *name)
{
    struct block_device *dev = blkdev_find(name);
    int err = dev ? nbd_reconnect(dev) : -ENODEV;
    console_printf("nbd reconnect %s: %s (%d)\n", name, err ? "failed" : "connected again", err);
}

static void cmd_nbd(int argc, char **argv)
{
    bool flush = argc == 2 && strcmp(argv[1], "flush") == 0;
    if (argc >= 3 && argc <= 4 && strcmp(argv[1], "connect") == 0) {
        connect_more(argc, argv);
        return;
    }
    if (argc == 3 && strcmp(argv[1], "reconnect") == 0) {
        reconnect(argv[2]);
        return;
    }
    if (argc > 1 && !flush) {
        console_puts("usage: nbd [flush | connect A.B.C.D:PORT [EXPORT] | reconnect NAME]\n");
        return;
    }
    if (!nbd_device(0))
        console_puts("nbd: no NBD device (boot with nbd=A.B.C.D:PORT)\n");
    for (int i = 0; nbd_device(i); i++) {
        struct nbd_device *nd = nbd_device(i);
        if (flush) {
            int err = nbd_flush(&nd->bdev);
            console_printf("nbd flush %s: %s (%d)\n", nd->bdev.name, err ? "failed" : "done",
                           err);
        } else {
            show(nd);
        }
    }
}

MONITOR_COMMAND("nbd", "[flush|connect A.B.C.D:PORT [EXPORT]|reconnect NAME]",
                "NBD connections, requests in flight, counters; flush; connect one more; "
                "cut one and connect again",
                cmd_nbd);
