/*
 * open.c - the system calls that take a path: open (5), stat64 (195),
 * mkdir (39), rmdir (40), unlink (10), rename (38), chdir (12), and
 * getcwd (183) and fstat64 (197) with them.
 *
 * A path from a program is copied in (strncpy_from_user: -EFAULT,
 * -ENAMETOOLONG at VFS_PATH_MAX bytes), made absolute from the process's
 * current directory, and its "." and ".." resolved by the name alone, as
 * the VFS looks up absolute paths without either: "/a/b/../c" is "/a/c"
 * whatever b is (there are no symbolic links to follow, but a b that is
 * no directory is not an error here, as it is in Linux).  The current
 * directory is kept as such a path (process.h); getcwd returns it.  It
 * is a name, not a reference: when the directory is renamed or removed,
 * relative paths fail with -ENOENT until the next chdir (Linux keeps the
 * directory itself).  New files and directories get mode 0644 and 0755
 * whatever open and mkdir ask: there are no permissions here.
 *
 * The calls that change a name -- mkdir, rmdir, unlink, rename -- look at
 * the last component as given, before it is resolved: "." and ".." name
 * a directory by where it is, not by a name it could lose, and Linux
 * refuses them (rmdir "d/." is -EINVAL, not d removed; ".." -ENOTEMPTY;
 * unlink -EISDIR; mkdir -EEXIST; rename -EBUSY), once the directory they
 * name is found to exist.
 */
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "process.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "uaccess.h"

/* The current directory; "/" for a task with no process (a test's blob). */
static const char *current_dir(void)
{
    return current->proc ? current->proc->cwd : "/";
}

/* Append the components of path to out (out_len bytes so far, each
 * component after a '/'), resolving "." and "..". */
static int append_components(char *out, size_t *out_len, const char *path)
{
    while (*path) {
        while (*path == '/')
            path++;
        size_t n = 0;
        while (path[n] && path[n] != '/')
            n++;
        if (n == 0 || (n == 1 && path[0] == '.')) {
            /* nothing */
        } else if (n == 2 && path[0] == '.' && path[1] == '.') {
            while (*out_len && out[*out_len - 1] != '/')
                (*out_len)--;
            if (*out_len)
                (*out_len)--;                   /* the '/' too; "/.." is "/" */
        } else if (*out_len + 1 + n >= VFS_PATH_MAX) {
            return -ENAMETOOLONG;
        } else {
            out[(*out_len)++] = '/';
            memcpy(out + *out_len, path, n);
            *out_len += n;
        }
        path += n;
    }
    return 0;
}

/* What a path's last component is: "." and ".." are not names. */
enum last_component { LAST_NAME, LAST_DOT, LAST_DOTDOT };

/* What path's last component is; *start: where it begins. */
static enum last_component last_component(const char *path, size_t *start)
{
    size_t end = strlen(path);
    while (end && path[end - 1] == '/')
        end--;                              /* "d/./" ends in "." too */
    *start = end;
    while (*start && path[*start - 1] != '/')
        (*start)--;
    size_t n = end - *start;
    if (n == 1 && path[*start] == '.')
        return LAST_DOT;
    if (n == 2 && path[*start] == '.' && path[*start + 1] == '.')
        return LAST_DOTDOT;
    return LAST_NAME;
}

/* path_from_user, and *last: what upath's last component was.  When that
 * is "." or "..", the path returned is the directory the walk goes
 * through to it ("d" of "d/.."), which must exist for the call to be
 * refused the way Linux refuses it. */
static char *user_path(const char *upath, int *err, enum last_component *last)
{
    char *in = kmalloc(VFS_PATH_MAX, GFP_KERNEL), *out = kmalloc(VFS_PATH_MAX, GFP_KERNEL);
    int n = in && out ? strncpy_from_user(in, upath, VFS_PATH_MAX) : -ENOMEM;
    size_t len = 0, start;
    *err = n < 0 ? n : n == 0 ? -ENOENT : 0;    /* "" names nothing, as in Linux */
    if (!*err && last && (*last = last_component(in, &start)) != LAST_NAME)
        in[start] = '\0';
    if (!*err && in[0] != '/')
        *err = append_components(out, &len, current_dir());
    if (!*err)
        *err = append_components(out, &len, in);
    kfree(in);
    if (*err) {
        kfree(out);
        return NULL;
    }
    if (!len)
        out[len++] = '/';
    out[len] = '\0';
    return out;
}

/* See include/file.h: the paths of the file calls and of execve. */
char *path_from_user(const char *upath, int *err)
{
    return user_path(upath, err, NULL);
}

int32_t sys_open(const struct syscall_args *a)
{
    int err;
    char *path = path_from_user((const char *)a->arg[0], &err);
    if (!path)
        return err;
    struct file *f = file_open(path, (int)a->arg[1], &err);
    kfree(path);
    if (!f)
        return err;
    int fd = fd_install(f, (int)a->arg[1] & O_CLOEXEC);
    if (fd < 0)
        file_put(f);
    return fd;
}

/* The directory path names (/dev too: opened, as stat64 opens), or
 * -ENOTDIR. */
static int check_dir(const char *path)
{
    int err;
    struct file *f = file_open(path, O_RDONLY | O_DIRECTORY, &err);
    if (f)
        file_put(f);
    return err;
}

/* A name-changing call's refusal of a last component "." or ".." (the
 * top of this file): the error finding dir, the directory the walk went
 * through to it (user_path), or err. */
static int refuse_dots(const char *dir, int err)
{
    int found = check_dir(dir);
    return found ? found : err;
}

/* Call fn with the absolute path upath names; dot_err and dotdot_err when
 * its last component is "." or "..". */
static int32_t with_name(const char *upath, int (*fn)(const char *path), int dot_err,
                         int dotdot_err)
{
    int err;
    enum last_component last;
    char *path = user_path(upath, &err, &last);
    if (!path)
        return err;
    err = last == LAST_DOT      ? refuse_dots(path, dot_err)
          : last == LAST_DOTDOT ? refuse_dots(path, dotdot_err)
                                : fn(path);
    kfree(path);
    return err;
}

int32_t sys_mkdir(const struct syscall_args *a)
{
    return with_name((const char *)a->arg[0], vfs_mkdir, -EEXIST, -EEXIST);
}

int32_t sys_rmdir(const struct syscall_args *a)
{
    return with_name((const char *)a->arg[0], vfs_rmdir, -EINVAL, -ENOTEMPTY);
}

int32_t sys_unlink(const struct syscall_args *a)
{
    return with_name((const char *)a->arg[0], vfs_unlink, -EISDIR, -EISDIR);
}

int32_t sys_rename(const struct syscall_args *a)
{
    int err;
    enum last_component old_last, new_last;
    char *old_path = user_path((const char *)a->arg[0], &err, &old_last);
    if (!old_path)
        return err;
    char *new_path = user_path((const char *)a->arg[1], &err, &new_last);
    if (new_path && old_last != LAST_NAME)
        err = refuse_dots(old_path, -EBUSY);
    else if (new_path && new_last != LAST_NAME)
        err = refuse_dots(new_path, -EBUSY);
    else if (new_path)
        err = vfs_rename(old_path, new_path);
    kfree(new_path);
    kfree(old_path);
    return err;
}

int32_t sys_chdir(const struct syscall_args *a)
{
    int err;
    char *path = path_from_user((const char *)a->arg[0], &err);
    if (!path)
        return err;
    if ((err = check_dir(path)) == 0)
        err = current->proc ? files_set_cwd(current->proc, path) : -EINVAL;
    kfree(path);
    return err;
}

/* getcwd(buf, size): the length with the NUL, as Linux's call returns. */
int32_t sys_getcwd(const struct syscall_args *a)
{
    const char *cwd = current_dir();
    uint32_t n = (uint32_t)strlen(cwd) + 1;
    if (a->arg[1] < n)
        return -ERANGE;
    return copy_to_user((void *)a->arg[0], cwd, n) ? -EFAULT : (int32_t)n;
}

/* Linux's struct stat64 from the VFS's.  st_blocks is the size in 512-byte
 * units, rounded up: holes are not known here.  One time for all three. */
static int put_stat64(void *ust, const struct kstat *ks)
{
    struct stat64 st = { 0 };
    st.st_ino = st.__st_ino = ks->ino;
    st.st_mode = ks->mode;
    st.st_nlink = ks->nlink;
    st.st_size = (int64_t)ks->size;
    st.st_blksize = 4096;
    st.st_blocks = (ks->size + 511) / 512;
    st.st_atime = st.st_mtime = st.st_ctime = ks->mtime;
    return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

int32_t sys_stat64(const struct syscall_args *a)
{
    int err;
    char *path = path_from_user((const char *)a->arg[0], &err);
    if (!path)
        return err;
    /* Opened, not looked up: /dev/NAME is no VFS path (file.h). */
    struct file *f = file_open(path, O_RDONLY, &err);
    kfree(path);
    if (!f)
        return err;
    struct kstat ks;
    file_stat(f, &ks);
    file_put(f);
    return put_stat64((void *)a->arg[1], &ks);
}

int32_t sys_fstat64(const struct syscall_args *a)
{
    struct file *f = fd_get((int)a->arg[0]);
    if (!f)
        return -EBADF;
    struct kstat ks;
    file_stat(f, &ks);
    file_put(f);
    return put_stat64((void *)a->arg[1], &ks);
}
