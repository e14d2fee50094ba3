/*
 * bench_user.c - bench=user: what a system call costs from ring 3.
 *
 * getpid_round_trip: a blob (tests/kernel/user_blobs.asm) times each of
 * 501 getpid calls with rdtsc in user mode -- int 0x80, the entry stub,
 * the dispatcher, the call, and the iret back -- and leaves the times in
 * its data page; the median, the cost of an empty rdtsc pair taken off,
 * in guest instructions under icount.
 *
 * Then /bin/userbench (user/userbench.c), from the user image on hda,
 * times ROUNDS rounds of each of these with rdtsc in user mode, into a
 * file; the median of each, in instructions:
 *   fork_exit_wait_1MiB   fork + the child's exit + wait4, 1 MiB touched
 *   execve_small          execve of userbench itself (a few pages), from
 *                         the call to the new program's main()
 *   pipe_4KiB_round_trip  4 KiB to a child through a pipe and back
 *   pipe_64KiB_one_way    64 KiB through a pipe from a child
 * Without a user image on hda, said and skipped.
 */
#include "kbench.h"
#include "file.h"
#include "file_abi.h"
#include "kerrno.h"
#include "process.h"
#include "vfs.h"
#include "printk.h"
#include "sched.h"
#include "vm.h"
#include "../kernel/user_blob.h"

DECLARE_BLOB(getpid_timed);
extern const uint32_t user_blob_getpid_rounds;

#define MAX_ROUNDS 1024                 /* a page of words */

static uint32_t samples[MAX_ROUNDS];

#define USERBENCH_ROUNDS 101            /* user/userbench.c's ROUNDS */
#define USERBENCH_OUT   "/userbench.out"

/* /bin/userbench MODE: the median of its rounds, reported as metric. */
static void bench_program(const char *mode, const char *metric)
{
    static uint32_t tsc[USERBENCH_ROUNDS];
    const char *argv[] = { "/bin/userbench", mode, USERBENCH_OUT, NULL };
    int err = 0, status = process_run(argv);
    struct file *f = status == 0 ? file_open(USERBENCH_OUT, O_RDONLY, &err) : NULL;
    int got = f ? file_read(f, tsc, sizeof(tsc)) : -1;
    if (f)
        file_put(f);
    if (got != (int)sizeof(tsc)) {
        pr_err("bench user: /bin/userbench %s: status %d, its results %d bytes (%d)\n", mode,
               status, got, err);
        return;
    }
    for (int i = 0; i < USERBENCH_ROUNDS; i++)
        tsc[i] = (uint32_t)bench_instructions(tsc[i]);
    bench_report("user", metric, "instructions", bench_median(tsc, USERBENCH_ROUNDS),
                 "instructions");
}

static void bench_programs(void)
{
    int err = vfs_mount("hda", "/", "ext2");
    if (err) {
        pr_info("bench user: fork, execve and pipe skipped: no user image on hda (%d)\n", err);
        return;
    }
    bench_program("fork", "fork_exit_wait_1MiB");
    bench_program("execve", "execve_small");
    bench_program("pipe", "pipe_4KiB_round_trip");
    bench_program("stream", "pipe_64KiB_one_way");
}

KBENCH(user)
{
    uint32_t rounds = user_blob_getpid_rounds, overhead = bench_overhead();
    struct vm_space *s = blob_space(BLOB(getpid_timed));
    int status = s ? blob_run(s, NULL) : -ENOMEM;
    if (status != 0 || rounds > MAX_ROUNDS) {
        pr_err("bench user: the getpid blob did not run to its end (status %d)\n", status);
        if (s)
            vm_space_destroy(s);
        return;
    }
    task_set_vm(s);                     /* to read the blob's page where it left it */
    for (uint32_t i = 0; i < rounds; i++)
        samples[i] = (uint32_t)bench_instructions(((volatile uint32_t *)BLOB_DATA)[i]) - overhead;
    task_set_vm(NULL);
    vm_space_destroy(s);
    bench_report("user", "getpid_round_trip", "instructions", bench_median(samples, rounds),
                 "instructions");
    bench_programs();
}
