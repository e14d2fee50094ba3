/*
 * test_usermode.c - ring 3 and the system call gate, with hand-written
 * machine code (tests/kernel/user_blobs.asm): a system call's result comes
 * back in EAX, an unknown number gives -ENOSYS, registers survive system
 * calls and timer interrupts taken in user mode, and every fault a program
 * can make ends that program with a report while the kernel goes on.
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "process.h"
#include "sched.h"
#include "ksignal.h"
#include "syscall.h"
#include "vm.h"

#define BLOB_CODE       0x08048000u     /* where Linux links i386 programs */
#define BLOB_STACK_TOP  USER_TOP

#define DECLARE_BLOB(name) extern const char user_blob_##name[], user_blob_##name##_end[]
DECLARE_BLOB(getpid);
DECLARE_BLOB(enosys);
DECLARE_BLOB(registers);
DECLARE_BLOB(write_null);
DECLARE_BLOB(write_kernel);
DECLARE_BLOB(ud2);
DECLARE_BLOB(int14);
DECLARE_BLOB(cli);

struct blob_run {
    const char *code, *end;
    struct vm_space *space;
};

/* The task: copy the blob to a user page of its own space, then leave
 * for ring 3 (never to come back here). */
static void run_blob(void *arg)
{
    struct blob_run *r = arg;
    task_set_vm(r->space);
    memcpy((void *)BLOB_CODE, r->code, (size_t)(r->end - r->code));
    user_enter(BLOB_CODE, BLOB_STACK_TOP);
}

/* Run one blob in a fresh space and task (no process: these are the
 * machine's mechanisms alone); its wait status, and its id. */
static int run(const char *code, const char *end, uint32_t *id)
{
    struct blob_run r = { code, end, vm_space_create() };
    KASSERT(r.space != NULL);
    KASSERT_EQ(vm_map_anon(r.space, BLOB_CODE, PAGE_SIZE, PTE_WRITE), 0);
    KASSERT_EQ(vm_map_anon(r.space, BLOB_STACK_TOP - PAGE_SIZE, PAGE_SIZE, PTE_WRITE), 0);
    struct task *t = task_create("blob", run_blob, &r, PRIO_NORMAL);
    KASSERT(t != NULL);
    if (id)
        *id = t->id;
    int code_ = task_join(t);
    vm_space_destroy(r.space);
    return code_;
}

#define RUN(name, id) run(user_blob_##name, user_blob_##name##_end, id)

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
