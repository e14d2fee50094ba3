/*
 * bench_nbd.c - bench=nbd: write 32 MiB to nbd0, then read it back, the
 * way bench=disk streams hda (bench_stream.c), with NBD_MAX_INFLIGHT bios
 * in flight: the path e1000 -> slirp -> nc -> qemu-nbd on the host.  Then
 * the client's counters, to show how full the pipe was.
 *
 * make bench starts qemu-nbd on a fresh 32 MiB image for it and boots
 * without -icount (tests/harness/run_bench.py): network time is wall time.
 * Linux 6.1 in the same QEMU took 0.61-0.77 s to read and 2.12-2.14 s to
 * write the same 32 MiB.
 */
#include "../kernel/nbd_user.h"
#include "bench_stream.h"
#include "blkdev.h"
#include "cmdline.h"
#include "kbench.h"
#include "nbd.h"
#include "printk.h"
#include "vsprintf.h"

#define BENCH_BYTES (32u << 20)

KBENCH(nbd)
{
    struct block_device *dev = blkdev_find("nbd0");
    struct nbd_stats st;
    if (bench_stream("nbd", "nbd0", BENCH_BYTES, NBD_MAX_INFLIGHT) < 0 ||
        nbd_get_stats(dev, &st) < 0)
        return;
    pr_info("bench nbd: %llu reads, %llu writes, at most %u in flight, %u failed\n",
            (unsigned long long)st.reads, (unsigned long long)st.writes, st.max_inflight,
            st.failed);
}

/* One request at a time, as a swap-in or a bread waits for its read: what
 * each round trip costs, where bench=nbd's pipe hides it.  Measured: a
 * 64 KiB write about 5 ms, a 64 KiB read about 44 ms -- and 44 ms too with
 * no guest at all, a host program talking to qemu-nbd through `nc` over a
 * loopback TCP connection, as slirp's guestfwd does: nc writes the reply
 * in 16 KiB pieces, Nagle holds the second until the first is ACKed, and
 * the receiving end delays that ACK by Linux's 40 ms.  So a synchronous
 * read through guestfwd costs 40 ms whatever the guest does; only
 * requests in flight (read-ahead, bench=nbd's 16) hide it. */
KBENCH(nbd_one_at_a_time)
{
    bench_stream("nbd_one_at_a_time", "nbd0", 4u << 20, 1);
}

/* bench=nbd's stream over loopback, through each server in the same run:
 * nbdsrv (the kernel task, nbdsrv=PORT nbdsrv_dev=hdb) and then
 * /bin/nbd-server (a process, tests/kernel/nbd_user.h) serving the same
 * hdb -- "BENCH nbdsrv_loopback ..." and "BENCH nbd_user ...".  The
 * difference is what being a process costs: each request's data crosses
 * the user boundary twice (socket to buffer through a kernel buffer of up
 * to 16 KiB, fs/read_write.c; buffer to the disk file through the file's
 * own pages, one bio per 128 KiB, fs/blkdev_file.c) into pages mapped
 * and faulted in for that request, and a request takes at least four
 * system calls besides mmap and munmap (read header, pread or read data,
 * pwrite or write reply and data).  Measured (release, shared machine):
 * with a page per socket read and per bio, writes took 2.3-2.9x and reads
 * 2x nbdsrv's time; now writes 1.0-1.7x and reads 1.1-2.0x, the ratio
 * largest when the machine is least loaded (nbdsrv gains most then). */
KBENCH(nbd_user)
{
    char server[24];
    struct block_device *dev;
    struct nbd_user u;
    ksnprintf(server, sizeof(server), "127.0.0.1:%u", cmdline_get_u32("nbdsrv", 0));
    if (nbd_attach(server, NULL, &dev) < 0 ||
        bench_stream("nbdsrv_loopback", dev->name, BENCH_BYTES, NBD_MAX_INFLIGHT) < 0 ||
        nbd_user_start("/dev/hdb", NULL, &u) < 0)
        return;
    bench_stream("nbd_user", u.dev->name, BENCH_BYTES, NBD_MAX_INFLIGHT);
}
