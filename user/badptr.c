/*
 * badptr.c - system calls given bad pointers and bad numbers each fail
 * with their errno, and the program goes on: write() from NULL, from the
 * kernel's half, across the end of a mapping, wait4 storing into the
 * kernel's half, sysinfo into it; a closed fd, no children, an unknown
 * call.  Prints one line per case ("badptr: NAME: got N, want N") and
 * exits with the number of cases that went wrong.
 */
#include "ulib.h"

#define KERNEL_HALF ((void *)0xC0100000)

int main(void)
{
    /* Two pages, the second unmapped again: the first now ends at a hole. */
    char *page = mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    if (page == MAP_FAILED || munmap(page + PAGE_SIZE, PAGE_SIZE) != 0) {
        perror("badptr: mmap or munmap");
        return 100;
    }
    memset(page, 'x', PAGE_SIZE);
    check("write from NULL", or_errno(write(1, 0, 5)), -EFAULT);
    check("write from the kernel's half", or_errno(write(1, KERNEL_HALF, 4)), -EFAULT);
    check("write across the end of a mapping", or_errno(write(1, page + PAGE_SIZE - 2, 8)), -EFAULT);
    check("write wrapping past 4 GiB", or_errno(write(1, (void *)0xFFFFFFF0, 32)), -EFAULT);
    check("write to a closed fd", or_errno(write(7, "x", 1)), -EBADF);
    check("write to fd -1", or_errno(write(-1, "x", 1)), -EBADF);
    check("wait4 with no children", or_errno(wait4(-1, KERNEL_HALF, 0, 0)), -ECHILD);
    check("sysinfo into the kernel's half", or_errno(sysinfo(KERNEL_HALF)), -EFAULT);
    check("an unknown system call", syscall6(9999, 0, 0, 0, 0, 0, 0), -ENOSYS);
    check("munmap unaligned", or_errno(munmap(page + 1, PAGE_SIZE)), -EINVAL);
    check("mmap of a file", or_errno((long)mmap(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 3, 0)),
          -ENODEV);
    check("write of the page's last 2 bytes", write(1, page + PAGE_SIZE - 2, 2), 2);
    check("the hole is still a hole", or_errno(write(1, page + PAGE_SIZE, 1)), -EFAULT);
    /* The kernel's copies run upwards whatever the program left in the
     * direction flag: the line must come out whole. */
    __asm__ volatile("std");
    long got = write(1, "badptr: written with DF set\n", 28);
    __asm__ volatile("cld");
    check("write with the direction flag set", got, 28);
    printf("\nbadptr: %d wrong\n", check_wrong);
    return check_wrong;
}
