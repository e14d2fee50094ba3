/*
 * fdtable.h - a process's file descriptors and current directory
 * (fs/fdtable.c; the structures are in process.h).
 *
 * A descriptor is an index into p->files: a referenced struct file
 * (file.h), or NULL when closed.  Several descriptors -- of one process
 * after dup()/dup2(), of a parent and its child after fork -- may refer
 * to one open file and so share its position, as in Linux.  Only the
 * process's own task changes its table.
 *
 *   files_init(p)        a new process's table: the console on 0, 1 and 2
 *                        (one open file), and "/" as current directory;
 *                        0 or -ENOMEM
 *   files_dup(dst, src)  fork's copy: every open file of src shared by dst
 *                        at the same descriptor, and src's current
 *                        directory; 0 or -ENOMEM (dst then holds nothing)
 *   files_close_all(p)   exit: close every descriptor, free the directory
 *   files_set_cwd(p, path)  p's current directory is now path (absolute,
 *                        without "." or ".."); 0 or -ENOMEM
 *   fd_install(f, cloexec)  put f at the current process's lowest free
 *                        descriptor, closed at execve when cloexec: it, or
 *                        -EMFILE and a log line when all
 *                        PROCESS_FILES_MAX are in use (the caller still
 *                        owns its reference then)
 *   files_close_on_exec(p)  execve's: close the descriptors so marked
 *   fd_close(fd)         close it: 0, or -EBADF when it is not open
 *   fd_get(fd)           the open file at fd, referenced (file_put it), or
 *                        NULL when fd is not open
 *
 * The system calls close (6), dup (41), dup2 (63) and fcntl (55:
 * F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL; F_SETFL changes
 * O_APPEND and O_NONBLOCK only) are here too;
 * pipe (42) is in fs/pipe.c.
 */
#pragma once
#include <stdbool.h>

struct file;
struct process;

int files_init(struct process *p);
int files_dup(struct process *dst, const struct process *src);
void files_close_all(struct process *p);
int files_set_cwd(struct process *p, const char *path);
int fd_install(struct file *f, bool cloexec);
void files_close_on_exec(struct process *p);
int fd_close(int fd);
struct file *fd_get(int fd);
