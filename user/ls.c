/*
 * ls.c - lists directories: `ls [-l] [PATH...]` (default .).  Each entry
 * of a directory, in the order getdents64 gives them, "." and ".."
 * left out; with -l, a line per entry: its type (d directory, - file,
 * b block device, c character device, l link, ? other), its size in
 * bytes (stat64) and its name.  A PATH that is not a directory is
 * listed as itself.  Status 1 when a path could not be read.
 */
#include <stdbool.h>
#include "ulib.h"

#define DENTS_BUF   4096
#define PATH_BUF    512

static bool long_form;

static char type_letter(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return 'd';
    case S_IFREG: return '-';
    case S_IFBLK: return 'b';
    case S_IFCHR: return 'c';
    case S_IFLNK: return 'l';
    default:      return '?';
    }
}

/* One line: name, or with -l its type and size (path: how to stat it). */
static int show(const char *path, const char *name)
{
    if (!long_form) {
        printf("%s\n", name);
        return 0;
    }
    struct stat64 st;
    if (stat64(path, &st) < 0) {
        dprintf(2, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    printf("%c %10u %s\n", type_letter(st.st_mode), (unsigned)st.st_size, name);
    return 0;
}

static int list(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0 && errno == ENOTDIR)
        return show(path, path);
    if (fd < 0) {
        dprintf(2, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    static char buf[DENTS_BUF];
    int status = 0;
    for (;;) {
        ssize_t n = getdents64(fd, buf, sizeof(buf));
        if (n < 0) {
            dprintf(2, "ls: %s: %s\n", path, strerror(errno));
            status = 1;
        }
        if (n <= 0)
            break;
        for (ssize_t off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            off += d->d_reclen;
            if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
                continue;
            char full[PATH_BUF];
            if (snprintf(full, sizeof(full), "%s/%s", path, d->d_name) >= (int)sizeof(full)) {
                dprintf(2, "ls: %s/%s: a path longer than %d bytes\n", path, d->d_name,
                        PATH_BUF - 1);
                status = 1;
                continue;
            }
            status |= show(full, d->d_name);
        }
    }
    close(fd);
    return status;
}

int main(int argc, char **argv)
{
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        long_form = true;
        first = 2;
    }
    if (first == argc)
        return list(".");
    int status = 0;
    for (int i = first; i < argc; i++) {
        if (argc - first > 1)
            printf("%s:\n", argv[i]);
        status |= list(argv[i]);
    }
    return status;
}
