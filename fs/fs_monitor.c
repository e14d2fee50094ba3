/*
 * fs_monitor.c - the monitor's file commands: mount, umount, ls, cat,
 * stat, sync, tree, write, mkdir, rm, mv.  They go through the VFS like
 * any other caller.
 */
#include "console.h"
#include "crc32.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "monitor.h"
#include "slab.h"
#include "vfs.h"
#include "vsprintf.h"

/* "WHAT PATH: error N"; the path is written as it is, however long. */
static void say_error(const char *what, const char *path, int err)
{
    console_printf("%s ", what);
    console_puts(path);
    console_printf(": error %d\n", err);
}

static void print_mount(void *arg, const char *dev, const char *path, bool read_only)
{
    (void)arg;
    console_printf("%s on ", dev);
    console_puts(path);
    console_puts(read_only ? " (read-only)\n" : "\n");
}

/* "mount" alone lists the mounts; "mount DEV PATH" mounts. */
static void cmd_mount(int argc, char **argv)
{
    if (argc == 1) {
        int err = vfs_for_each_mount(print_mount, NULL);
        if (err)
            console_printf("mount: error %d (a mount or umount holds the mount table)\n", err);
        return;
    }
    if (argc != 3) {
        console_puts("usage: mount [DEV PATH]\n");
        return;
    }
    int err = vfs_mount(argv[1], argv[2], "ext2");
    if (err)
        say_error("mount", argv[1], err);
}

static void cmd_umount(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: umount PATH\n");
        return;
    }
    int err = vfs_umount(argv[1]);
    if (err == -ENOENT || err == -EBUSY)
        say_error("umount", argv[1], err);
    else if (err)       /* unmounted all the same: say so, not only the error */
        console_printf("umount %s: unmounted, but writing it back failed (%d)\n", argv[1], err);
}

static void cmd_sync(int argc, char **argv)
{
    (void)argc, (void)argv;
    int err = vfs_sync();
    if (err)
        say_error("sync", "", err);
}

struct ls_state {
    struct inode *dir;
    bool long_format;
};

static int print_entry(void *arg, const char *name, uint32_t len, uint32_t ino, uint32_t type)
{
    struct ls_state *st = arg;
    (void)type;
    if (!st->long_format) {
        console_printf("%.*s\n", (int)len, name);
        return 0;
    }
    int err;
    struct inode *inode = iget_error(st->dir->sb, ino, &err);
    if (!inode) {
        console_printf("%8u  ?  %.*s: error %d\n", ino, (int)len, name, err);
        return 0;
    }
    console_printf("%8u %06o %3u %10llu  %.*s\n", ino, inode->mode, inode->nlink,
                   (unsigned long long)inode->size, (int)len, name);
    iput(inode);
    return 0;
}

static void cmd_ls(int argc, char **argv)
{
    bool long_format = argc == 3 && strcmp(argv[1], "-l") == 0;
    if (argc != 2 && !long_format) {
        console_puts("usage: ls [-l] PATH\n");
        return;
    }
    const char *path = argv[argc - 1];
    struct inode *dir;
    int err = vfs_lookup(path, &dir);
    if (!err) {
        struct ls_state st = { dir, long_format };
        err = vfs_readdir(dir, print_entry, &st);
        iput(dir);
    }
    if (err)
        say_error("ls", path, err);
}

/*
 * What cat prints and tree checksums of one file, at most: a file may be
 * valid and still far too big to read here -- a sparse file of 2^40 bytes
 * takes an hour of zero pages to checksum and days to print on the serial
 * console, and the monitor would answer nothing else meanwhile.  A file
 * past the limit is said to be, never cut silently.
 */
#define CAT_MAX_BYTES (1u << 20)
#define TREE_MAX_BYTES (1ull << 30)

/* Feed a file's bytes to fn, a page at a time. */
static int for_each_chunk(struct inode *inode, void (*fn)(void *arg, const uint8_t *p, int n),
                          void *arg)
{
    uint8_t *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
    if (!buf)
        return -ENOMEM;
    int n;
    for (uint64_t off = 0; (n = vfs_read(inode, off, buf, PAGE_SIZE)) > 0; off += n)
        fn(arg, buf, n);
    kfree(buf);
    return n;
}

static void write_out(void *arg, const uint8_t *p, int n)
{
    (void)arg;
    console_write((const char *)p, n);
}

static void cmd_cat(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: cat PATH\n");
        return;
    }
    struct inode *inode;
    int err = vfs_lookup(argv[1], &inode);
    if (err) {
        say_error("cat", argv[1], err);
        return;
    }
    uint64_t size = inode->size;
    if (size > CAT_MAX_BYTES) {
        console_puts("cat ");
        console_puts(argv[1]);
        console_printf(": error %d (%llu bytes: more than the %u cat prints; not printed)\n",
                       -EFBIG, (unsigned long long)size, CAT_MAX_BYTES);
    } else if ((err = for_each_chunk(inode, write_out, NULL)) != 0) {
        say_error("cat", argv[1], err);
    }
    iput(inode);
}

static void cmd_stat(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: stat PATH\n");
        return;
    }
    struct kstat st;
    int err = vfs_stat(argv[1], &st);
    if (err) {
        say_error("stat", argv[1], err);
        return;
    }
    console_puts(argv[1]);
    console_printf(": inode %u mode %06o links %u size %llu mtime %u\n", st.ino, st.mode,
                   st.nlink, (unsigned long long)st.size, st.mtime);
}

/* ---- tree: PATH SIZE CRC32 for every file below a directory ------------------
 *
 * No limit on a directory's entries: the listing grows while readdir
 * runs.  Children are reached by their inode number, not by looking their
 * path up again, so a directory of N entries costs one readdir instead of
 * N linear lookups.  What is bounded says so where it is hit: a directory
 * more than TREE_MAX_DEPTH levels down (the walk recurses on a 16 KiB
 * kernel stack) and a path of VFS_PATH_MAX bytes or more (no VFS call
 * could name it) are reported with -ELOOP and -ENAMETOOLONG, not listed.
 * A directory that is also one of its own ancestors (a damaged image: a
 * dirent naming a directory above it) is reported with -ELOOP and not
 * entered: two such names in one directory would otherwise make the walk
 * 2^TREE_MAX_DEPTH paths long. */

#define TREE_MAX_DEPTH 64

struct tree_entry {
    uint32_t ino;
    char name[];                        /* NUL-terminated */
};

struct dir_listing {
    struct tree_entry **v;
    uint32_t count, cap;
};

static int collect(void *arg, const char *name, uint32_t len, uint32_t ino, uint32_t type)
{
    struct dir_listing *l = arg;
    (void)type;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (l->count == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 64;
        struct tree_entry **v = kmalloc(cap * sizeof(*v), GFP_KERNEL);
        if (!v)
            return -ENOMEM;
        if (l->count)
            memcpy(v, l->v, l->count * sizeof(*v));
        kfree(l->v);
        l->v = v;
        l->cap = cap;
    }
    struct tree_entry *e = kmalloc(sizeof(*e) + len + 1, GFP_KERNEL);
    if (!e)
        return -ENOMEM;
    e->ino = ino;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    l->v[l->count++] = e;
    return 0;
}

static void free_listing(struct dir_listing *l)
{
    for (uint32_t i = 0; i < l->count; i++)
        kfree(l->v[i]);
    kfree(l->v);
}

/* Heapsort by name (byte order, as the host's manifest): n log n for a
 * directory of 10,000 entries, in place. */
static void sift_down(struct tree_entry **v, uint32_t root, uint32_t n)
{
    for (uint32_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && strcmp(v[child]->name, v[child + 1]->name) < 0)
            child++;
        if (strcmp(v[root]->name, v[child]->name) >= 0)
            return;
        struct tree_entry *t = v[root];
        v[root] = v[child];
        v[child] = t;
    }
}

static void sort_entries(struct tree_entry **v, uint32_t n)
{
    for (uint32_t i = n / 2; i-- > 0;)
        sift_down(v, i, n);
    for (uint32_t end = n; end-- > 1;) {
        struct tree_entry *t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

static void crc_chunk(void *arg, const uint8_t *p, int n)
{
    uint32_t *crc = arg;
    *crc = crc32_update(*crc, p, n);
}

static void tree_file(struct inode *inode, const char *path)
{
    if (inode->size > TREE_MAX_BYTES) {
        console_puts("tree ");
        console_puts(path);
        console_printf(": error %d (%llu bytes: more than the %llu tree reads; not listed)\n",
                       -EFBIG, (unsigned long long)inode->size, TREE_MAX_BYTES);
        return;
    }
    uint32_t crc = crc32_begin();
    int err = for_each_chunk(inode, crc_chunk, &crc);
    if (err) {
        say_error("tree", path, err);
        return;
    }
    console_puts(path);
    console_printf(" %llu %08x\n", (unsigned long long)inode->size, crc32_end(crc));
}

/* The directories tree_dir is inside, innermost first: one per frame. */
struct tree_level {
    const struct inode *dir;
    const struct tree_level *up;        /* NULL above the directory tree started at */
};

static bool tree_above(const struct tree_level *level, const struct inode *dir)
{
    for (; level; level = level->up)
        if (level->dir->sb == dir->sb && level->dir->ino == dir->ino)
            return true;
    return false;
}

/* Everything below dir, whose path is the first len bytes of path (a
 * buffer of VFS_PATH_MAX bytes; "" for the root of the name space); up:
 * the directories above it. */
static void tree_dir(struct inode *dir, char *path, size_t len, int depth,
                     const struct tree_level *up)
{
    const struct tree_level here = { dir, up };
    struct dir_listing l = { NULL, 0, 0 };
    int err = vfs_readdir(dir, collect, &l);
    if (err < 0)
        say_error("tree", len ? path : "/", err);   /* and list what was read */
    sort_entries(l.v, l.count);
    for (uint32_t i = 0; i < l.count; i++) {
        size_t n = strlen(l.v[i]->name);
        if (len + 1 + n >= VFS_PATH_MAX) {
            path[len] = '\0';
            console_puts("tree ");
            console_puts(path);
            console_printf("/%s: error %d (a path of %u bytes or more)\n", l.v[i]->name,
                           -ENAMETOOLONG, VFS_PATH_MAX);
            continue;
        }
        path[len] = '/';
        memcpy(path + len + 1, l.v[i]->name, n + 1);
        struct inode *child = iget_error(dir->sb, l.v[i]->ino, &err);
        if (!child)
            say_error("tree", path, err);
        else if (!s_isdir(child->mode))
            tree_file(child, path);
        else if (tree_above(&here, child)) {
            console_puts("tree ");
            console_puts(path);
            console_printf(": error %d (inode %u is a directory above it: a loop; not listed)\n",
                           -ELOOP, child->ino);
        } else if (depth == TREE_MAX_DEPTH) {
            console_puts("tree ");
            console_puts(path);
            console_printf(": error %d (more than %d levels down; not listed)\n", -ELOOP,
                           TREE_MAX_DEPTH);
        }
        else
            tree_dir(child, path, len + 1 + n, depth + 1, &here);
        iput(child);
    }
    path[len] = '\0';
    free_listing(&l);
}

static void cmd_tree(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: tree PATH\n");
        return;
    }
    struct inode *inode;
    int err = vfs_lookup(argv[1], &inode);
    if (err) {
        say_error("tree", argv[1], err);
        return;
    }
    char *path = kmalloc(VFS_PATH_MAX, GFP_KERNEL);
    if (!path) {
        iput(inode);
        say_error("tree", argv[1], -ENOMEM);
        return;
    }
    size_t len = strlcpy(path, argv[1], VFS_PATH_MAX);     /* vfs_lookup took it: it fits */
    while (len && path[len - 1] == '/')
        path[--len] = '\0';             /* "/mnt/" lists as "/mnt", "/" as "" */
    if (s_isdir(inode->mode))
        tree_dir(inode, path, len, 0, NULL);
    else
        tree_file(inode, path);
    iput(inode);
    kfree(path);
}

/* ---- changing files ------------------------------------------------------------ */

/* Create or replace path with the words given, joined by spaces, and a newline. */
static void cmd_write(int argc, char **argv)
{
    if (argc < 3) {
        console_puts("usage: write PATH TEXT...\n");
        return;
    }
    int err = vfs_create(argv[1]);
    struct inode *inode;
    if (err && err != -EEXIST) {
        say_error("write", argv[1], err);
        return;
    }
    if ((err = vfs_lookup(argv[1], &inode)) != 0) {
        say_error("write", argv[1], err);
        return;
    }
    err = vfs_truncate(inode, 0);
    uint64_t off = 0;
    for (int i = 2; i < argc && !err; i++) {
        const char *sep = i + 1 < argc ? " " : "\n";
        int n = vfs_write(inode, off, argv[i], strlen(argv[i]));
        if (n >= 0) {
            off += n;
            n = vfs_write(inode, off, sep, 1);
            off += n > 0 ? n : 0;
        }
        err = n < 0 ? n : 0;
    }
    iput(inode);
    if (err)
        say_error("write", argv[1], err);
}

static void cmd_mkdir(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: mkdir PATH\n");
        return;
    }
    int err = vfs_mkdir(argv[1]);
    if (err)
        say_error("mkdir", argv[1], err);
}

/* A file, or an empty directory. */
static void cmd_rm(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: rm PATH\n");
        return;
    }
    int err = vfs_unlink(argv[1]);
    if (err == -EISDIR)
        err = vfs_rmdir(argv[1]);
    if (err)
        say_error("rm", argv[1], err);
}

static void cmd_mv(int argc, char **argv)
{
    if (argc != 3) {
        console_puts("usage: mv OLD NEW\n");
        return;
    }
    int err = vfs_rename(argv[1], argv[2]);
    if (err)
        say_error("mv", argv[1], err);
}

MONITOR_COMMAND("mount", "[DEV PATH]", "mount an ext2 file system; alone: list the mounts",
                cmd_mount);
MONITOR_COMMAND("umount", "PATH", "write back and unmount", cmd_umount);
MONITOR_COMMAND("sync", "", "write every dirty block", cmd_sync);
MONITOR_COMMAND("ls", "[-l] PATH", "list a directory", cmd_ls);
MONITOR_COMMAND("cat", "PATH", "print a file", cmd_cat);
MONITOR_COMMAND("stat", "PATH", "inode of a file", cmd_stat);
MONITOR_COMMAND("tree", "PATH", "every file below PATH: path size crc32", cmd_tree);
MONITOR_COMMAND("write", "PATH TEXT...", "create or replace a file holding TEXT", cmd_write);
MONITOR_COMMAND("mkdir", "PATH", "make a directory", cmd_mkdir);
MONITOR_COMMAND("rm", "PATH", "remove a file or an empty directory", cmd_rm);
MONITOR_COMMAND("mv", "OLD NEW", "rename, replacing a file at NEW", cmd_mv);
