/*
 * file_abi.h - what the file system calls exchange with a program, in
 * Linux i386's values and layouts: open's flags, fcntl's commands,
 * lseek's whence, the mode bits, struct stat64 (stat64 195, fstat64 197)
 * and struct linux_dirent64 (getdents64 220).  Pure: the kernel (fs/)
 * and user/lib both include it, so the two cannot disagree.
 */
#pragma once
#include <stdint.h>

/* open(): the access mode is the low two bits; the rest are flags. */
#define O_RDONLY    0x0
#define O_WRONLY    0x1
#define O_RDWR      0x2
#define O_ACCMODE   0x3
#define O_CREAT     0x40        /* make it if missing */
#define O_EXCL      0x80        /* with O_CREAT: fail with -EEXIST if it is there */
#define O_TRUNC     0x200       /* cut to 0 (when opened for writing) */
#define O_APPEND    0x400       /* every write() goes to the end */
#define O_NONBLOCK  0x800       /* calls that would wait say -EAGAIN (file.h) */
#define O_LARGEFILE 0x8000      /* accepted: offsets are 64-bit anyway */
#define O_DIRECTORY 0x10000     /* fail with -ENOTDIR unless it is a directory */
#define O_CLOEXEC   0x80000     /* execve closes the descriptor (fdtable.h) */

/* fcntl()'s commands, and F_GETFD's and F_SETFD's one flag. */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1

#define SEEK_SET    0
#define SEEK_CUR    1
#define SEEK_END    2

/* The type in a mode, as ext2 and POSIX have them. */
#define S_IFMT      0170000
#define S_IFSOCK    0140000
#define S_IFLNK     0120000
#define S_IFREG     0100000
#define S_IFBLK     0060000
#define S_IFDIR     0040000
#define S_IFCHR     0020000
#define S_IFIFO     0010000

/* A directory entry's type in linux_dirent64 (ext2's file_type maps onto it). */
#define DT_UNKNOWN  0
#define DT_FIFO     1
#define DT_CHR      2
#define DT_DIR      4
#define DT_BLK      6
#define DT_REG      8
#define DT_LNK      10
#define DT_SOCK     12

/* Linux's i386 struct stat64 (arch/x86/include/uapi/asm/stat.h), 96 bytes. */
struct stat64 {
    uint64_t st_dev;
    uint8_t __pad0[4];
    uint32_t __st_ino;          /* the low 32 bits of st_ino */
    uint32_t st_mode;
    uint32_t st_nlink;
    uint32_t st_uid;
    uint32_t st_gid;
    uint64_t st_rdev;
    uint8_t __pad3[4];
    int64_t st_size;
    uint32_t st_blksize;
    uint64_t st_blocks;         /* 512-byte units */
    uint32_t st_atime, st_atime_nsec;
    uint32_t st_mtime, st_mtime_nsec;
    uint32_t st_ctime, st_ctime_nsec;
    uint64_t st_ino;
} __attribute__((packed));
_Static_assert(sizeof(struct stat64) == 96, "Linux's i386 stat64 is 96 bytes");

/* One entry of getdents64's buffer; d_reclen rounds it up to 8 bytes. */
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;              /* where the next entry starts: its index here */
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];              /* NUL-ended */
} __attribute__((packed));
