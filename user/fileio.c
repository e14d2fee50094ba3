/*
 * fileio.c - the file system calls on the ext2 root: open with its flags,
 * read, write, pread64, pwrite64, lseek, _llseek, fstat64, stat64,
 * getdents64, mkdir, rmdir, unlink, rename, fsync, dup, dup2, chdir and
 * getcwd, and the descriptor limit.  Prints one line per case ("fileio:
 * NAME: got N, want N") and exits with the number that went wrong.
 *
 * Each call's result is or_errno()'s: the kernel's answer, as -ENOENT.
 * It reads /known.txt (put in the image by mke2fs -d; its first line is
 * "known data: 0123456789") and leaves /work/moved.txt (BIG bytes of
 * pattern(), a hole, then "tail" at HOLE_AT) and /work/log ("a\nb\n")
 * for tests/harness/user_tests.py to check with debugfs after the boot.
 */
#include "ulib.h"

#define BIG         10000
#define HOLE_AT     20000

static char buf[BIG];

static char pattern(int i) { return (char)('a' + (i * 7 + i / 26) % 26); }

/* Whether name is among the entries getdents64 gives for the open dir fd. */
static int listed(int fd, const char *name)
{
    char ents[256];                     /* small: the listing takes several calls */
    int found = 0;
    or_errno(lseek(fd, 0, SEEK_SET));
    long n;
    while ((n = or_errno(getdents64(fd, ents, sizeof(ents)))) > 0) {
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(ents + off);
            found += !strcmp(e->d_name, name);
            off += e->d_reclen;
        }
    }
    return n < 0 ? (int)n : found;
}

int main(void)
{
    int fd = (int)or_errno(open("/known.txt", O_RDONLY, 0));
    check("open a file mke2fs -d wrote", fd, 3);
    check("read its first line", or_errno(read(fd, buf, 22)), 22);
    check("it is the known data", memcmp(buf, "known data: 0123456789", 22), 0);
    check("close", or_errno(close(fd)), 0);
    check("close again", or_errno(close(fd)), -EBADF);

    check("mkdir /work", or_errno(mkdir("/work", 0755)), 0);
    check("mkdir it again", or_errno(mkdir("/work", 0755)), -EEXIST);
    check("chdir /work", or_errno(chdir("/work")), 0);
    char cwd[64];
    check("getcwd (the call: the length)", syscall6(NR_getcwd, (long)cwd, sizeof(cwd), 0, 0, 0, 0),
          6);
    check("getcwd is /work", strcmp(cwd, "/work"), 0);
    check("getcwd into too small a buffer", getcwd(cwd, 3) ? 0 : -errno, -ERANGE);

    fd = (int)or_errno(open("out.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644));
    check("create a file relative to the cwd", fd, 3);
    for (int i = 0; i < BIG; i++)
        buf[i] = pattern(i);
    check("write 10000 bytes", or_errno(write(fd, buf, BIG)), BIG);
    check("read a write-only file", or_errno(read(fd, buf, 1)), -EBADF);
    check("fsync", or_errno(fsync(fd)), 0);
    check("close it", or_errno(close(fd)), 0);

    fd = (int)or_errno(open("/work/./../work/out.txt", O_RDWR, 0));
    check("open it again by a path with . and ..", fd, 3);
    memset(buf, 0, BIG);
    check("read it back", or_errno(read(fd, buf, BIG)), BIG);
    int bad = 0;
    for (int i = 0; i < BIG; i++)
        bad += buf[i] != pattern(i);
    check("bytes that differ", bad, 0);
    check("read at the end", or_errno(read(fd, buf, 10)), 0);
    check("lseek to the end", or_errno(lseek(fd, 0, SEEK_END)), BIG);
    check("pwrite64 past the end", or_errno(pwrite(fd, "tail", 4, HOLE_AT)), 4);
    check("the position stays", or_errno(lseek(fd, 0, SEEK_CUR)), BIG);
    struct stat64 st;
    check("fstat64", or_errno(fstat64(fd, &st)), 0);
    check("its size", (long)st.st_size, HOLE_AT + 4);
    check("it is a regular file", (long)(st.st_mode & S_IFMT), S_IFREG);
    char four[4];
    check("pread64 in the hole", or_errno(pread(fd, four, 4, BIG + 100)), 4);
    check("the hole reads as zeros", four[0] | four[1] | four[2] | four[3], 0);
    check("pread64 of the tail", or_errno(pread(fd, four, 4, HOLE_AT)), 4);
    check("it is the tail", memcmp(four, "tail", 4), 0);
    int64_t pos = -1;
    check("_llseek", or_errno(llseek(fd, 5, &pos, SEEK_SET)), 0);
    check("_llseek's position", (long)pos, 5);
    check("lseek before the start", or_errno(lseek(fd, -10, SEEK_SET)), -EINVAL);

    int fd2 = (int)or_errno(dup(fd));
    check("dup", fd2, 4);
    check("read 3 through the dup", or_errno(read(fd2, four, 3)), 3);
    check("the original moved too", or_errno(lseek(fd, 0, SEEK_CUR)), 8);
    check("dup2 onto fd 9", or_errno(dup2(fd, 9)), 9);
    check("lseek through fd 9", or_errno(lseek(9, 100, SEEK_SET)), 100);
    check("the dup sees it", or_errno(lseek(fd2, 0, SEEK_CUR)), 100);
    check("dup2 from a closed fd", or_errno(dup2(7, 8)), -EBADF);
    check("dup2 to fd 16", or_errno(dup2(fd, 16)), -EBADF);
    or_errno(close(9));
    or_errno(close(fd2));
    or_errno(close(fd));

    fd = (int)or_errno(open("log", O_CREAT | O_WRONLY | O_APPEND, 0644));
    check("create log with O_APPEND", fd, 3);
    check("write a", or_errno(write(fd, "a\n", 2)), 2);
    check("lseek to 0", or_errno(lseek(fd, 0, SEEK_SET)), 0);
    check("write b: at the end all the same", or_errno(write(fd, "b\n", 2)), 2);
    check("the position after", or_errno(lseek(fd, 0, SEEK_CUR)), 4);
    or_errno(close(fd));

    check("O_CREAT|O_EXCL of a file that is there", or_errno(open("log", O_CREAT | O_EXCL, 0)), -EEXIST);
    check("open a file that is not there", or_errno(open("nothere", O_RDONLY, 0)), -ENOENT);
    check("O_DIRECTORY of a file", or_errno(open("log", O_RDONLY | O_DIRECTORY, 0)), -ENOTDIR);
    check("open a directory for writing", or_errno(open("/work", O_WRONLY, 0)), -EISDIR);
    check("open an empty path", or_errno(open("", O_RDONLY, 0)), -ENOENT);
    check("lseek on the console", or_errno(lseek(0, 0, SEEK_SET)), -ESPIPE);
    check("fstat64 of the console", or_errno(fstat64(1, &st)), 0);
    check("the console is a character device", (long)(st.st_mode & S_IFMT), S_IFCHR);

    check("rename out.txt to moved.txt", or_errno(rename("out.txt", "moved.txt")), 0);
    check("stat64 of the old name", or_errno(stat64("out.txt", &st)), -ENOENT);
    check("stat64 of the new name", or_errno(stat64("/work/moved.txt", &st)), 0);
    check("its size", (long)st.st_size, HOLE_AT + 4);
    check("mkdir sub", or_errno(mkdir("sub", 0755)), 0);
    check("rmdir of a directory with files", or_errno(rmdir("/work")), -ENOTEMPTY);
    check("unlink of a directory", or_errno(unlink("sub")), -EISDIR);
    check("rmdir of a file", or_errno(rmdir("log")), -ENOTDIR);
    fd = (int)or_errno(open(".", O_RDONLY | O_DIRECTORY, 0));
    check("open . as a directory", fd, 3);
    check("read a directory", or_errno(read(fd, buf, 10)), -EISDIR);
    check("getdents64 lists moved.txt", listed(fd, "moved.txt"), 1);
    check("getdents64 lists log", listed(fd, "log"), 1);
    check("getdents64 lists sub", listed(fd, "sub"), 1);
    check("getdents64 lists ..", listed(fd, ".."), 1);
    check("getdents64 of a file", or_errno(getdents64(1, buf, 100)), -ENOTDIR);
    check("lseek the directory to its start", or_errno(lseek(fd, 0, SEEK_SET)), 0);
    check("getdents64 into 10 bytes", or_errno(getdents64(fd, buf, 10)), -EINVAL);
    /* "." and ".." are not names a call can change (Linux's errors). */
    check("rmdir sub/.", or_errno(rmdir("sub/.")), -EINVAL);
    check("rmdir sub/./", or_errno(rmdir("sub/./")), -EINVAL);
    check("rmdir sub/..", or_errno(rmdir("sub/..")), -ENOTEMPTY);
    check("rmdir nothing/.", or_errno(rmdir("nothing/.")), -ENOENT);
    check("rmdir nothing/..", or_errno(rmdir("nothing/..")), -ENOENT);
    check("rmdir log/..", or_errno(rmdir("log/..")), -ENOTDIR);
    check("unlink sub/.", or_errno(unlink("sub/.")), -EISDIR);
    check("mkdir sub/.", or_errno(mkdir("sub/.", 0755)), -EEXIST);
    check("rename sub/. to other", or_errno(rename("sub/.", "other")), -EBUSY);
    check("rename log to sub/..", or_errno(rename("log", "sub/..")), -EBUSY);
    check("rmdir sub", or_errno(rmdir("sub")), 0);
    check("getdents64 no longer lists sub", listed(fd, "sub"), 0);
    or_errno(close(fd));
    check("create a file to unlink", or_errno(close((int)open("gone", O_CREAT | O_WRONLY, 0))), 0);
    check("unlink it", or_errno(unlink("gone")), 0);
    check("unlink it again", or_errno(unlink("gone")), -ENOENT);
    check("chdir to a file", or_errno(chdir("log")), -ENOTDIR);
    check("chdir ..", or_errno(chdir("..")), 0);
    check("getcwd is / after chdir ..", strcmp(getcwd(cwd, sizeof(cwd)), "/"), 0);

    /* Every descriptor in use: the next open fails with -EMFILE. */
    int opened = 0;
    long last;
    while ((last = or_errno(open("/known.txt", O_RDONLY, 0))) >= 0)
        opened++;
    check("open with every descriptor in use", last, -EMFILE);
    check("descriptors it opened (16 less 0, 1 and 2)", opened, 13);
    check("dup then", or_errno(dup(0)), -EMFILE);
    for (int i = 3; i < 16; i++)
        or_errno(close(i));
    check("open after closing them", or_errno(close((int)open("/known.txt", O_RDONLY, 0))), 0);

    printf("fileio: %d wrong\n", check_wrong);
    return check_wrong;
}
