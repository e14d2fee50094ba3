/*
 * test_process.c - processes as the kernel starts and reaps them, with the
 * user programs on an ext2 image as hda (tests/harness/user_tests.py makes
 * it; without it they skip): a process's children are reaped by its wait4, with the status that
 * says how each ended; PROCESS_MAX is a limit that is said, and every
 * process reaped gives back its memory; a read waiting on a pipe, the
 * console or a socket, and a send waiting for room on a socket, end with
 * -EINTR when the task is asked to stop.
 */
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "process.h"
#include "ksignal.h"
#include "kstring.h"
#include "sched.h"
#include "test_helpers.h"
#include "vfs.h"

/* The boot suite (make run) has no user image: there these skip, and
 * make test, whose spec gives them one, fails a skip. */
static void mount_user_image(void)
{
    int err = vfs_mount("hda", "/", "ext2");
    if (err)
        ktest_skip("hda holds no user image to mount (error %d): no test disk", err);
}

KTEST(process_wait4_reaps_children_given_by_the_kernel)
{
    mount_user_image();
    const char *waiter_argv[] = { "/bin/waiter", "2", NULL };
    const char *hello_argv[] = { "/bin/hello", "child", NULL };
    const char *segv_argv[] = { "/bin/segv", NULL };
    int err;
    struct process *w = process_spawn("/bin/waiter", waiter_argv, NULL, &err);
    KASSERT(w != NULL);
    struct process *c1 = process_spawn("/bin/hello", hello_argv, w, &err);
    KASSERT(c1 != NULL);
    struct process *c2 = process_spawn("/bin/segv", segv_argv, w, &err);
    KASSERT(c2 != NULL);
    /* The children are the waiter's to reap: the kernel waits only for it. */
    KASSERT_EQ(process_wait(w), W_EXITCODE(0, 0));
    KASSERT_EQ(vfs_umount("/"), 0);
}

KTEST(process_limit_is_said_and_every_page_comes_back)
{
    static struct process *procs[PROCESS_MAX];
    mount_user_image();
    const char *argv[] = { "/bin/hello", NULL };
    int err;
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();
    for (int i = 0; i < PROCESS_MAX; i++) {
        procs[i] = process_spawn("/bin/hello", argv, NULL, &err);
        KASSERT(procs[i] != NULL);
    }
    KASSERT(process_spawn("/bin/hello", argv, NULL, &err) == NULL);
    KASSERT_EQ(err, -EAGAIN);
    for (int i = 0; i < PROCESS_MAX; i++)
        KASSERT_EQ(process_wait(procs[i]), W_EXITCODE(0, 0));
    KASSERT_EQ(vfs_umount("/"), 0);
    drain_hot_pages();
    pr_info("test: %u pages free before the processes, %u after\n", free0, nr_free_pages());
    /* Slack for the slab caches, which keep pages the processes' structures
     * took; the page cache dropped the programs' pages at the unmount. */
    KASSERT(nr_free_pages() + 16 >= free0);
}

/* Spawn blockread MODE, wait until it waits in its read (on wchan), ask
 * its task to stop -- what a kill will do -- and see the read end with
 * -EINTR, which blockread turns into status 0.  (A socket's read waits in
 * uninterruptible slices: sys_socket.c.) */
static void read_ends_when_stopped(const char *mode, const char *wchan)
{
    mount_user_image();
    const char *argv[] = { "/bin/blockread", mode, NULL };
    int err;
    struct process *p = process_spawn("/bin/blockread", argv, NULL, &err);
    KASSERT(p != NULL);
    for (int i = 0; i < 200 && !(p->task->wchan && !strcmp(p->task->wchan, wchan)); i++)
        sleep_ms(10);
    KASSERT(p->task->wchan && !strcmp(p->task->wchan, wchan));
    task_stop(p->task);
    KASSERT_EQ(process_wait(p), W_EXITCODE(0, 0));
    KASSERT_EQ(vfs_umount("/"), 0);
}

KTEST(process_reading_an_empty_pipe_is_woken_by_a_stop)
{
    read_ends_when_stopped("pipe", "pipe");
}

KTEST(process_reading_the_console_is_woken_by_a_stop)
{
    read_ends_when_stopped("stdin", "serial input");
}

KTEST(process_reading_a_socket_is_woken_by_a_stop)
{
    read_ends_when_stopped("socket", "tcp");
}

KTEST(process_sending_to_a_full_socket_is_woken_by_a_stop)
{
    read_ends_when_stopped("socket-send", "tcp");
}
