/*
 * syscall.c - the system call table and its dispatcher (see
 * include/syscall.h).
 *
 * The table is indexed by Linux's i386 numbers; an empty slot is a call
 * swiod does not have yet and answers -ENOSYS.  Each entry gets the six
 * argument registers and returns the value EAX gets.
 */
#include "syscall.h"
#include "kerrno.h"
#include "x86.h"

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [NR_exit] = sys_exit,
    [NR_read] = sys_read,
    [NR_fork] = sys_fork,
    [NR_write] = sys_write,
    [NR_open] = sys_open,
    [NR_close] = sys_close,
    [NR_unlink] = sys_unlink,
    [NR_execve] = sys_execve,
    [NR_chdir] = sys_chdir,
    [NR_lseek] = sys_lseek,
    [NR_getpid] = sys_getpid,
    [NR_rename] = sys_rename,
    [NR_mkdir] = sys_mkdir,
    [NR_rmdir] = sys_rmdir,
    [NR_dup] = sys_dup,
    [NR_pipe] = sys_pipe,
    [NR_fcntl] = sys_fcntl,
    [NR_kill] = sys_kill,
    [NR_brk] = sys_brk,
    [NR_dup2] = sys_dup2,
    [NR_getppid] = sys_getppid,
    [NR_munmap] = sys_munmap,
    [NR_mprotect] = sys_mprotect,
    [NR_msync] = sys_msync,
    [NR_mlock] = sys_mlock,
    [NR_munlock] = sys_munlock,
    [NR_mlockall] = sys_mlockall,
    [NR_munlockall] = sys_munlockall,
    [NR_prctl] = sys_prctl,
    [NR_wait4] = sys_wait4,
    [NR_sysinfo] = sys_sysinfo,
    [NR_fsync] = sys_fsync,
    [NR__llseek] = sys_llseek,
    [NR_sched_yield] = sys_sched_yield,
    [NR_nanosleep] = sys_nanosleep,
    [NR_poll] = sys_poll,
    [NR_pread64] = sys_pread64,
    [NR_pwrite64] = sys_pwrite64,
    [NR_getcwd] = sys_getcwd,
    [NR_mmap2] = sys_mmap2,
    [NR_stat64] = sys_stat64,
    [NR_fstat64] = sys_fstat64,
    [NR_getdents64] = sys_getdents64,
    [NR_exit_group] = sys_exit,         /* one task per process: the same as exit */
    [NR_clock_gettime] = sys_clock_gettime,
    [NR_pipe2] = sys_pipe2,
    [NR_socket] = sys_socket,
    [NR_bind] = sys_bind,
    [NR_connect] = sys_connect,
    [NR_listen] = sys_listen,
    [NR_accept4] = sys_accept4,
    [NR_getsockopt] = sys_getsockopt,
    [NR_setsockopt] = sys_setsockopt,
    [NR_sendto] = sys_sendto,
    [NR_recvfrom] = sys_recvfrom,
    [NR_shutdown] = sys_shutdown,
    [NR_swiod_ps] = sys_swiod_ps,
    [NR_swiod_monitor] = sys_swiod_monitor,
};

void syscall_dispatch(struct int_frame *f)
{
    /* The gate turned interrupts off; a system call is the task's own
     * work and may sleep, so they come back on. */
    sti();
    uint32_t nr = f->eax;
    syscall_fn fn = nr < NR_SYSCALLS ? syscall_table[nr] : 0;
    struct syscall_args args = { { f->ebx, f->ecx, f->edx, f->esi, f->edi, f->ebp } };
    f->eax = fn ? (uint32_t)fn(&args) : (uint32_t)-ENOSYS;
    cli();                              /* the stub's register pops and iret */
}
