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

#define TREE_MAX_ENTRIES 1024           /* per directory, for the sorted walk */

static void say_error(const char *what, const char *path, int err)
{
    console_printf("%s %s: error %d\n", what, path, err);
}

static void cmd_mount(int argc, char **argv)
{
    if (argc != 3) {
        console_puts("usage: mount DEV PATH\n");
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
    if (err)
        say_error("umount", argv[1], err);
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
    struct inode *inode = iget(st->dir->sb, ino);
    if (!inode) {
        console_printf("%8u  ?  %.*s\n", ino, (int)len, name);
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
    if (!err) {
        err = for_each_chunk(inode, write_out, NULL);
        iput(inode);
    }
    if (err)
        say_error("cat", argv[1], err);
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
    console_printf("%s: inode %u mode %06o links %u size %llu mtime %u\n", argv[1], st.ino,
                   st.mode, st.nlink, (unsigned long long)st.size, st.mtime);
}

/* ---- tree: PATH SIZE CRC32 for every file below a directory ------------------ */

struct dir_listing {
    uint32_t count;
    char *names[TREE_MAX_ENTRIES];
    bool truncated;
};

static int collect(void *arg, const char *name, uint32_t len, uint32_t ino, uint32_t type)
{
    struct dir_listing *l = arg;
    (void)ino, (void)type;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return 0;
    if (l->count == TREE_MAX_ENTRIES) {
        l->truncated = true;
        return 1;
    }
    char *copy = kmalloc(len + 1, GFP_KERNEL);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, name, len);
    copy[len] = '\0';
    l->names[l->count++] = copy;
    return 0;
}

static void sort_names(char **v, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        char *x = v[i];
        uint32_t j = i;
        for (; j > 0 && strcmp(v[j - 1], x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void crc_chunk(void *arg, const uint8_t *p, int n)
{
    uint32_t *crc = arg;
    *crc = crc32_update(*crc, p, n);
}

static void tree(const char *path, int depth)
{
    struct inode *inode;
    int err = vfs_lookup(path, &inode);
    if (err) {
        say_error("tree", path, err);
        return;
    }
    if (!s_isdir(inode->mode)) {
        uint32_t crc = crc32_begin();
        err = for_each_chunk(inode, crc_chunk, &crc);
        if (err)
            say_error("tree", path, err);
        else
            console_printf("%s %llu %08x\n", path, (unsigned long long)inode->size,
                           crc32_end(crc));
        iput(inode);
        return;
    }
    struct dir_listing *l = kmalloc(sizeof(*l), GFP_KERNEL | __GFP_ZERO);
    if (!l || depth > 32) {
        iput(inode);
        kfree(l);
        say_error("tree", path, l ? -ENAMETOOLONG : -ENOMEM);
        return;
    }
    err = vfs_readdir(inode, collect, l);
    iput(inode);
    if (err < 0)
        say_error("tree", path, err);
    if (l->truncated)
        console_printf("tree %s: more than %d entries; listing the first\n", path,
                       TREE_MAX_ENTRIES);
    sort_names(l->names, l->count);
    char *child = kmalloc(VFS_PATH_MAX + VFS_NAME_MAX + 2, GFP_KERNEL);
    for (uint32_t i = 0; child && i < l->count; i++) {
        bool root = strcmp(path, "/") == 0;
        ksnprintf(child, VFS_PATH_MAX + VFS_NAME_MAX + 2, "%s/%s", root ? "" : path, l->names[i]);
        tree(child, depth + 1);
    }
    for (uint32_t i = 0; i < l->count; i++)
        kfree(l->names[i]);
    kfree(child);
    kfree(l);
}

static void cmd_tree(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: tree PATH\n");
        return;
    }
    tree(argv[1], 0);
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

MONITOR_COMMAND("mount", "DEV PATH", "mount an ext2 file system", cmd_mount);
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
