/*
 * bench_user.c - bench=user: what a system call costs from ring 3.
 *
 * getpid_round_trip: a blob (tests/kernel/user_blobs.asm) times each of
 * 501 getpid calls with rdtsc in user mode -- int 0x80, the entry stub,
 * the dispatcher, the call, and the iret back -- and leaves the times in
 * its data page; the median, the cost of an empty rdtsc pair taken off,
 * in guest instructions under icount.
 *
 * fork_exit_wait_1MiB: /bin/forkbench (user/forkbench.c), from the user
 * image on hda, maps and touches 1 MiB and times fork + the child's exit
 * + wait4 with rdtsc, ROUNDS times, into a file; the median, in
 * instructions.  Without a user image on hda, said and skipped.
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

#define FORK_ROUNDS 101                 /* user/forkbench.c's ROUNDS */
#define FORK_OUT    "/forkbench.out"

static void bench_fork(void)
{
    static uint32_t tsc[FORK_ROUNDS];
    int err = vfs_mount("hda", "/", "ext2");
    if (err) {
        pr_info("bench user: fork_exit_wait_1MiB skipped: no user image on hda (%d)\n", err);
        return;
    }
    const char *argv[] = { "/bin/forkbench", FORK_OUT, NULL };
    int status = process_run(argv);
    struct file *f = status == 0 ? file_open(FORK_OUT, O_RDONLY, &err) : NULL;
    int got = f ? file_read(f, tsc, sizeof(tsc)) : -1;
    if (f)
        file_put(f);
    if (got != (int)sizeof(tsc)) {
        pr_err("bench user: /bin/forkbench status %d, its results %d bytes (%d)\n", status, got,
               err);
        return;
    }
    for (int i = 0; i < FORK_ROUNDS; i++)
        tsc[i] = (uint32_t)bench_instructions(tsc[i]);
    bench_report("user", "fork_exit_wait_1MiB", "instructions", bench_median(tsc, FORK_ROUNDS),
                 "instructions");
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
    bench_fork();
}
