/*
 * bench_disk.c - bench=disk: write 64 MiB to hda, then read it back,
 * sequentially, in bios of BIO_MAX_VECS pages with STREAM_DEPTH of them
 * in flight (each completion submits the next from its end_io, so the
 * queue never runs dry while the task sleeps).  Reports the seconds each
 * took, by the guest clock.
 *
 * The clock is the TSC, calibrated against the PIT (bench_tsc_hz).  Under
 * -icount guest time is virtual -- it advances with executed instructions
 * and jumps ahead to the next timer while the CPU idles waiting for the
 * disk -- so make bench runs this one without it, and the unit says so
 * when it is not.
 */
#include "bench_stream.h"
#include "kbench.h"

#define BENCH_BYTES         (64u << 20)
#define STREAM_DEPTH        8               /* bios in flight */

KBENCH(disk)
{
    bench_stream("disk", "hda", BENCH_BYTES, STREAM_DEPTH);
}
