/*
 * badptr.c - system calls given bad pointers and bad numbers each fail
 * with their errno, and the program goes on: write() from NULL, from the
 * kernel's half, across the end of a mapping, wait4 storing into the
 * kernel's half, sysinfo and swiod_ps into it, swiod_ps past PS_MAX; a
 * closed fd, no children, an unknown call; each file call (files()) with
 * each kind of bad pointer.  Prints one line per case ("badptr: NAME:
 * got N, want N") and exits with the number of cases that went wrong.
 */
#include "ulib.h"

#define KERNEL_HALF ((void *)0xC0100000)

/* The file calls: every pointer bad in each way, each call -EFAULT.
 * page ends at a hole: page + PAGE_SIZE - 2 is "xx" and then nothing. */
static void files(char *page)
{
    char *cut = page + PAGE_SIZE - 2;
    struct stat64 st;
    int fd = open("/bin/hello", O_RDONLY);
    check("open /bin/hello", fd, 3);
    check("read into NULL", or_errno(read(fd, 0, 16)), -EFAULT);
    check("read into the kernel's half", or_errno(read(fd, KERNEL_HALF, 16)), -EFAULT);
    check("read across the end of a mapping", or_errno(read(fd, cut, 8)), -EFAULT);
    check("pread into the kernel's half", or_errno(pread(fd, KERNEL_HALF, 16, 0)), -EFAULT);
    check("fstat64 into NULL", or_errno(fstat64(fd, 0)), -EFAULT);
    int64_t *where = KERNEL_HALF;
    check("_llseek storing into the kernel's half", or_errno(llseek(fd, 0, where, SEEK_SET)),
          -EFAULT);
    close(fd);
    check("open of a NULL path", or_errno(open(0, O_RDONLY)), -EFAULT);
    check("open of a path in the kernel's half", or_errno(open(KERNEL_HALF, O_RDONLY)), -EFAULT);
    check("open of a path running into a hole", or_errno(open(cut, O_RDONLY)), -EFAULT);
    fd = open("/badptr.tmp", O_CREAT | O_RDWR, 0644);
    check("create /badptr.tmp", fd, 3);
    check("pwrite from NULL", or_errno(pwrite(fd, 0, 16, 0)), -EFAULT);
    check("write from across a hole", or_errno(write(fd, cut, 8)), -EFAULT);
    close(fd);
    check("unlink it", or_errno(unlink("/badptr.tmp")), 0);
    check("stat64 of a NULL path", or_errno(stat64(0, &st)), -EFAULT);
    check("stat64 into the kernel's half", or_errno(stat64("/bin", KERNEL_HALF)), -EFAULT);
    fd = open("/bin", O_RDONLY | O_DIRECTORY);
    check("getdents64 into the kernel's half", or_errno(getdents64(fd, KERNEL_HALF, 4096)),
          -EFAULT);
    close(fd);
    check("mkdir of a NULL path", or_errno(mkdir(0, 0755)), -EFAULT);
    check("rmdir of a path in the kernel's half", or_errno(rmdir(KERNEL_HALF)), -EFAULT);
    check("unlink of a NULL path", or_errno(unlink(0)), -EFAULT);
    check("chdir to a path in the kernel's half", or_errno(chdir(KERNEL_HALF)), -EFAULT);
    check("rename from NULL", or_errno(rename(0, "/x")), -EFAULT);
    check("rename to the kernel's half", or_errno(rename("/bin/hello", KERNEL_HALF)), -EFAULT);
    check("getcwd into the kernel's half", syscall6(NR_getcwd, (long)KERNEL_HALF, 64, 0, 0, 0, 0),
          -EFAULT);
    check("pipe into the kernel's half", or_errno(pipe(KERNEL_HALF)), -EFAULT);
    check("close fd -1", or_errno(close(-1)), -EBADF);
    check("dup2 onto fd -1", or_errno(dup2(1, -1)), -EBADF);
    check("dup of a closed fd", or_errno(dup(12)), -EBADF);
}

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
    check("write across the end of a mapping", or_errno(write(1, page + PAGE_SIZE - 2, 8)),
          -EFAULT);
    check("write wrapping past 4 GiB", or_errno(write(1, (void *)0xFFFFFFF0, 32)), -EFAULT);
    check("write to a closed fd", or_errno(write(7, "x", 1)), -EBADF);
    check("write to fd -1", or_errno(write(-1, "x", 1)), -EBADF);
    check("wait4 with no children", or_errno(wait4(-1, KERNEL_HALF, 0, 0)), -ECHILD);
    check("sysinfo into the kernel's half", or_errno(sysinfo(KERNEL_HALF)), -EFAULT);
    check("swiod_ps into the kernel's half", or_errno(swiod_ps(KERNEL_HALF, 4)), -EFAULT);
    check("swiod_ps of PS_MAX + 1 entries",
          or_errno(swiod_ps((struct ps_entry *)page, PS_MAX + 1)), -EINVAL);
    check("an unknown system call", syscall6(9999, 0, 0, 0, 0, 0, 0), -ENOSYS);
    check("munmap unaligned", or_errno(munmap(page + 1, PAGE_SIZE)), -EINVAL);
    check("mmap of a closed fd", or_errno((long)mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, 9, 0)),
          -EBADF);
    check("mmap of the console, no file's pages",
          or_errno((long)mmap(0, PAGE_SIZE, PROT_READ, MAP_SHARED, 1, 0)), -ENODEV);
    check("write of the page's last 2 bytes", write(1, page + PAGE_SIZE - 2, 2), 2);
    check("the hole is still a hole", or_errno(write(1, page + PAGE_SIZE, 1)), -EFAULT);
    files(page);
    /* The kernel's copies run upwards whatever the program left in the
     * direction flag: the line must come out whole. */
    __asm__ volatile("std");
    long got = write(1, "badptr: written with DF set\n", 28);
    __asm__ volatile("cld");
    check("write with the direction flag set", got, 28);
    printf("\nbadptr: %d wrong\n", check_wrong);
    return check_wrong;
}
