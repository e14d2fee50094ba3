/*
 * uaccess.h - the only ways the kernel touches user memory.
 *
 *   copy_from_user(dst, usrc, n)       0, or -EFAULT
 *   copy_to_user(udst, src, n)         0, or -EFAULT
 *   strncpy_from_user(dst, usrc, n)    the string's length (< n), -EFAULT,
 *                                      or -ENAMETOOLONG when no NUL comes
 *                                      within n bytes (dst then holds n
 *                                      bytes, unterminated)
 *
 * A user pointer is checked first: the whole range must lie in the user
 * half (below USER_TOP), or the call fails at once -- otherwise a program
 * could name kernel memory, which is mapped.  So must every page a copy
 * reads be the program's to read: a PROT_NONE page (vm.h, VM_PROTNONE)
 * is mapped for the kernel alone, and reading it fails too.  Then the copy runs, and a
 * page fault on the user side is handled like the program's own: a page
 * an area explains is brought in (which may sleep: swap-in, a file
 * read), anything else stops the copy through the exception table
 * (kernel/uaccess.asm) and the call says -EFAULT.  Part of the data may
 * have been copied by then.  A page that cannot be read back (-EIO) or
 * gets no memory stops the copy the same way, as in Linux: the system
 * call unwinds and releases what it holds, where the same fault from
 * user mode ends the process (SIGBUS, or the out-of-memory end).
 *
 * Rules: call them from a task (they may sleep), with no spinlock held,
 * and with no lock a page fault may need (the page-in path: reclaim,
 * swap, the file's lock).  Never from an interrupt handler.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
int strncpy_from_user(char *dst, const char *usrc, size_t n);
/* How many of the n bytes at udst a copy_to_user could store (the
 * writable run from udst on; n for a kernel task): for a caller that
 * must not take what it cannot give back, a stream's bytes. */
size_t user_writable_bytes(void *udst, size_t n);

/* The page fault handler's question: is eip an instruction of the
 * copies above, and where does it resume when it faults?  0 if not. */
uint32_t search_exception_table(uint32_t eip);
