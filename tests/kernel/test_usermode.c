/*
 * test_usermode.c - ring 3 and the system call gate, with hand-written
 * machine code (tests/kernel/user_blobs.asm): a system call's result comes
 * back in EAX, an unknown number gives -ENOSYS, registers survive system
 * calls and timer interrupts taken in user mode, every fault a program
 * can make ends that program with a report while the kernel goes on, and
 * the file calls of a task that is no process fail cleanly.
 */
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "process.h"
#include "sched.h"
#include "ksignal.h"
#include "user_blob.h"
#include "vm.h"

DECLARE_BLOB(getpid);
DECLARE_BLOB(enosys);
DECLARE_BLOB(registers);
DECLARE_BLOB(write_null);
DECLARE_BLOB(write_kernel);
DECLARE_BLOB(ud2);
DECLARE_BLOB(int14);
DECLARE_BLOB(cli);
DECLARE_BLOB(files_without_a_process);

/* Run one blob in a fresh space and task (no process: these are the
 * machine's mechanisms alone); its wait status, and its id. */
static int run(const char *code, const char *end, uint32_t *id)
{
    struct vm_space *s = blob_space(code, end);
    KASSERT(s != NULL);
    int status = blob_run(s, id);
    vm_space_destroy(s);
    return status;
}

#define RUN(name, id) run(BLOB(name), id)

KTEST(usermode_syscall_returns_in_eax)
{
    uint32_t id;
    int code = RUN(getpid, &id);
    KASSERT_EQ(code, W_EXITCODE(id, 0));
    KASSERT_EQ(RUN(enosys, NULL), W_EXITCODE(ENOSYS, 0));
}

KTEST(usermode_registers_survive_syscalls_and_interrupts)
{
    KASSERT_EQ(RUN(registers, NULL), W_EXITCODE(0, 0));
}

KTEST(usermode_faults_end_the_program_not_the_kernel)
{
    uint32_t free0 = nr_free_pages();
    KASSERT_EQ(RUN(write_null, NULL), SIGSEGV);
    KASSERT_EQ(RUN(write_kernel, NULL), SIGSEGV);
    KASSERT_EQ(RUN(ud2, NULL), SIGILL);
    KASSERT_EQ(RUN(int14, NULL), SIGSEGV);
    KASSERT_EQ(RUN(cli, NULL), SIGSEGV);
    /* The kernel is still itself: a system call still works after. */
    KASSERT_EQ(RUN(enosys, NULL), W_EXITCODE(ENOSYS, 0));
    KASSERT(nr_free_pages() + 8 >= free0);      /* slack: slab and hot lists */
}

/* A task with no process has no file table: the calls that would add a
 * descriptor fail with -EMFILE, getcwd answers "/", nothing breaks. */
KTEST(usermode_file_calls_without_a_process_fail_cleanly)
{
    KASSERT_EQ(RUN(files_without_a_process, NULL), W_EXITCODE(0, 0));
}
