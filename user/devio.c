/*
 * devio.c - a disk as a file: /dev/hdb, which the test fills with
 * known(i) at every byte offset i (DISK_SIZE bytes), read and written
 * with read, pread, pwrite, lseek and fsync at offsets that are not
 * whole sectors; /dev/hda, the mounted root, refuses to be written.
 * It leaves "written by devio" at WRITE_AT (across a sector boundary)
 * for the test to find in the image after the boot, and moved(i) over
 * BIG_LEN bytes at BIG_AT: a transfer of several bios (128 KiB each)
 * beginning and ending inside a sector, from and to a buffer that is not
 * page-aligned, read back the same way.  Each result is
 * or_errno()'s: the kernel's answer.
 */
#include "ulib.h"

#define DISK_SIZE   (1024 * 1024)
#define WRITE_AT    5110
#define BIG_AT      200003
#define BIG_LEN     300001

static uint8_t moved(uint32_t i) { return (uint8_t)((i * 7 + 3) % 253); }

static uint8_t known(uint32_t i) { return (uint8_t)((i * 31 + i / 512) % 251); }

/* How many of n bytes read at off differ from known(). */
static int differ(const uint8_t *buf, uint32_t off, uint32_t n)
{
    int bad = 0;
    for (uint32_t i = 0; i < n; i++)
        bad += buf[i] != known(off + i);
    return bad;
}

static uint8_t buf[3 * 4096];
static uint8_t big[BIG_LEN + 64];

/* How many of n bytes at off of the disk differ from moved(). */
static int differ_moved(const uint8_t *b, uint32_t off, uint32_t n)
{
    int bad = 0;
    for (uint32_t i = 0; i < n; i++)
        bad += b[i] != moved(off + i);
    return bad;
}

int main(void)
{
    int fd = open("/dev/hdb", O_RDWR);
    check("open /dev/hdb", fd, 3);
    struct stat64 st;
    check("fstat64", or_errno(fstat64(fd, &st)), 0);
    check("a block device", (long)(st.st_mode & S_IFMT), S_IFBLK);
    check("its size", (long)st.st_size, DISK_SIZE);
    check("read 3 pages", or_errno(read(fd, buf, sizeof(buf))), sizeof(buf));
    check("bytes that differ", differ(buf, 0, sizeof(buf)), 0);
    check("the position", or_errno(lseek(fd, 0, SEEK_CUR)), sizeof(buf));
    check("pread 1000 bytes at 777", or_errno(pread(fd, buf, 1000, 777)), 1000);
    check("bytes that differ", differ(buf, 777, 1000), 0);
    const char *msg = "written by devio";
    check("pwrite across a sector boundary", or_errno(pwrite(fd, msg, 16, WRITE_AT)), 16);
    check("fsync", or_errno(fsync(fd)), 0);
    check("pread it back with its neighbours", or_errno(pread(fd, buf, 36, WRITE_AT - 10)), 36);
    check("the bytes before", differ(buf, WRITE_AT - 10, 10), 0);
    check("the bytes written", memcmp(buf + 10, msg, 16), 0);
    check("the bytes after", differ(buf + 26, WRITE_AT + 16, 10), 0);
    uint8_t *odd = big + 3;             /* neither page- nor sector-aligned */
    for (uint32_t i = 0; i < BIG_LEN; i++)
        odd[i] = moved(BIG_AT + i);
    check("pwrite of 300001 bytes at 200003", or_errno(pwrite(fd, odd, BIG_LEN, BIG_AT)), BIG_LEN);
    memset(big, 0, sizeof(big));
    check("pread them back with 7 bytes either side",
          or_errno(pread(fd, odd, BIG_LEN + 14, BIG_AT - 7)), BIG_LEN + 14);
    check("the bytes before them", differ(odd, BIG_AT - 7, 7), 0);
    check("the 300001 bytes", differ_moved(odd + 7, BIG_AT, BIG_LEN), 0);
    check("the bytes after them", differ(odd + 7 + BIG_LEN, BIG_AT + BIG_LEN, 7), 0);
    check("lseek to the end", or_errno(lseek(fd, 0, SEEK_END)), DISK_SIZE);
    check("read at the end", or_errno(read(fd, buf, 10)), 0);
    check("write at the end", or_errno(write(fd, "x", 1)), -ENOSPC);
    check("pread of the last 10 bytes, asking 100", or_errno(pread(fd, buf, 100, DISK_SIZE - 10)),
          10);
    check("bytes that differ", differ(buf, DISK_SIZE - 10, 10), 0);
    close(fd);
    check("open /dev/hda, mounted, for writing", or_errno(open("/dev/hda", O_WRONLY)), -EBUSY);
    fd = open("/dev/hda", O_RDONLY);
    check("open it for reading", fd, 3);
    check("read its superblock's magic", or_errno(pread(fd, buf, 2, 1024 + 56)), 2);
    check("ext2's magic", buf[0] | buf[1] << 8, 0xEF53);
    close(fd);
    check("open /dev/hdz", or_errno(open("/dev/hdz", O_RDONLY)), -ENOENT);
    check("stat64 /dev/hdb", or_errno(stat64("/dev/hdb", &st)), 0);
    check("its size", (long)st.st_size, DISK_SIZE);
    printf("devio: %d wrong\n", check_wrong);
    return check_wrong;
}
