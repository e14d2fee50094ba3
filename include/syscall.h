/*
 * syscall.h - the system call gate and entering user mode.
 *
 * A user program calls the kernel with int 0x80, in Linux i386's
 * convention: the call's number in EAX, its arguments in EBX, ECX, EDX,
 * ESI, EDI, EBP, and the result -- a value, or a negative errno -- back in
 * EAX.  The numbers are Linux's (syscall_nr.h), so that a student can read
 * Linux's table next; a number swiod does not implement gives -ENOSYS.
 *
 * syscall_dispatch() runs on the calling task's kernel stack (the CPU
 * switched to it through the TSS's esp0) with interrupts on: a system call
 * may sleep, fault on user memory (uaccess.h) and be preempted like any
 * kernel code.  It must return with no lock held.
 */
#pragma once
#include <stdint.h>
#include "interrupts.h"
#include "sched.h"
#include "syscall_nr.h"
#include "vm.h"


/* What a system call was given: EBX, ECX, EDX, ESI, EDI, EBP. */
struct syscall_args {
    uint32_t arg[6];
};
/* A system call: the value EAX gets, or a negative errno. */
typedef int32_t (*syscall_fn)(const struct syscall_args *a);

void syscall_dispatch(struct int_frame *f);

/* The calls, where their subsystems keep them. */
int32_t sys_exit(const struct syscall_args *a);         /* kernel/process.c */
int32_t sys_getpid(const struct syscall_args *a);
int32_t sys_getppid(const struct syscall_args *a);
int32_t sys_wait4(const struct syscall_args *a);
int32_t sys_fork(const struct syscall_args *a);
int32_t sys_kill(const struct syscall_args *a);
int32_t sys_prctl(const struct syscall_args *a);
int32_t sys_execve(const struct syscall_args *a);       /* kernel/exec.c */
int32_t sys_nanosleep(const struct syscall_args *a);    /* kernel/sys_time.c */
int32_t sys_clock_gettime(const struct syscall_args *a);
int32_t sys_sched_yield(const struct syscall_args *a);
int32_t sys_sysinfo(const struct syscall_args *a);       /* kernel/sys_info.c */
int32_t sys_swiod_ps(const struct syscall_args *a);      /* kernel/sys_ps.c */
int32_t sys_swiod_monitor(const struct syscall_args *a); /* kernel/sys_monitor.c */
int32_t sys_brk(const struct syscall_args *a);          /* mm/mmap.c */
int32_t sys_mmap2(const struct syscall_args *a);
int32_t sys_munmap(const struct syscall_args *a);
int32_t sys_mprotect(const struct syscall_args *a);
int32_t sys_msync(const struct syscall_args *a);
int32_t sys_mlock(const struct syscall_args *a);
int32_t sys_munlock(const struct syscall_args *a);
int32_t sys_mlockall(const struct syscall_args *a);
int32_t sys_munlockall(const struct syscall_args *a);
int32_t sys_read(const struct syscall_args *a);         /* fs/read_write.c */
int32_t sys_write(const struct syscall_args *a);
int32_t sys_pread64(const struct syscall_args *a);
int32_t sys_pwrite64(const struct syscall_args *a);
int32_t sys_lseek(const struct syscall_args *a);
int32_t sys_llseek(const struct syscall_args *a);
int32_t sys_fsync(const struct syscall_args *a);
int32_t sys_getdents64(const struct syscall_args *a);
int32_t sys_open(const struct syscall_args *a);         /* fs/open.c */
int32_t sys_stat64(const struct syscall_args *a);
int32_t sys_fstat64(const struct syscall_args *a);
int32_t sys_mkdir(const struct syscall_args *a);
int32_t sys_rmdir(const struct syscall_args *a);
int32_t sys_unlink(const struct syscall_args *a);
int32_t sys_rename(const struct syscall_args *a);
int32_t sys_chdir(const struct syscall_args *a);
int32_t sys_getcwd(const struct syscall_args *a);
int32_t sys_close(const struct syscall_args *a);        /* fs/fdtable.c */
int32_t sys_dup(const struct syscall_args *a);
int32_t sys_dup2(const struct syscall_args *a);
int32_t sys_fcntl(const struct syscall_args *a);
int32_t sys_pipe(const struct syscall_args *a);         /* fs/pipe.c */
int32_t sys_pipe2(const struct syscall_args *a);
int32_t sys_poll(const struct syscall_args *a);         /* fs/poll.c */
int32_t sys_socket(const struct syscall_args *a);       /* net/sys_socket.c */
int32_t sys_bind(const struct syscall_args *a);
int32_t sys_connect(const struct syscall_args *a);
int32_t sys_listen(const struct syscall_args *a);
int32_t sys_accept4(const struct syscall_args *a);
int32_t sys_getsockopt(const struct syscall_args *a);
int32_t sys_setsockopt(const struct syscall_args *a);
int32_t sys_sendto(const struct syscall_args *a);
int32_t sys_recvfrom(const struct syscall_args *a);
int32_t sys_shutdown(const struct syscall_args *a);

/* The frame a task's entry from ring 3 left: always at the very top of
 * its kernel stack, which is empty while the task runs in user mode (as
 * Linux's task_pt_regs).  Valid inside a system call. */
static inline struct int_frame *task_user_frame(struct task *t)
{
    return (struct int_frame *)((uint8_t *)t->stack + KSTACK_SIZE) - 1;
}

/* Leave the kernel for ring 3 at eip with the stack at esp, interrupts on
 * (kernel/usermode.asm).  Never returns: the task comes back into the
 * kernel only through an interrupt, an exception or a system call. */
__attribute__((noreturn)) void user_enter(uint32_t eip, uint32_t esp);
/* Leave the kernel for ring 3 with every register as f has it
 * (kernel/isr.asm): a forked child's first return. */
__attribute__((noreturn)) void user_return(struct int_frame *f);
