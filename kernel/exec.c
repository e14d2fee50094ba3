/*
 * exec.c - loading a static ELF32 program into a fresh address space and
 * building its stack (exec_load(), include/process.h).
 *
 * Each PT_LOAD segment becomes a demand-zero anonymous area; its file
 * bytes are read with vfs_read into a kernel page and copied in, which
 * faults the area's pages in (and they may be reclaimed and swapped like
 * any anonymous page from then on); the rest of the area, the bss, stays
 * zero.  A segment without PF_W becomes read-only once filled.  The heap
 * (brk) starts at the first page after the highest segment.
 *
 * The stack, as Linux's i386 ELF loader leaves it, lowest address first:
 *   argc, argv[0..argc-1], NULL, envp[0..envc-1], NULL, auxv
 *   (AT_PAGESZ, 4096), (AT_NULL, 0), then the argument strings and the
 *   environment's up to USER_TOP.
 *
 * Segments must be page aligned apart (no page shared by two segments,
 * which the user Makefile's linking guarantees), above page 0 (NULL must
 * stay a bad pointer, as mmap2 keeps it) and below the stack; at most
 * EXEC_PHDRS_MAX program headers.  Anything else is -ENOEXEC, with a
 * log line saying what.
 */
#include "fdtable.h"
#include "file.h"
#include "kelf.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "process.h"
#include "uaccess.h"
#include "vfs.h"
#include "vm.h"

#define EXEC_PHDRS_MAX  16
#define STACK_ALIGN     16              /* the i386 ABI's, at the entry point */

static uint32_t page_up(uint32_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

static int refuse(const char *path, const char *why)
{
    pr_err("exec: %s: %s\n", path, why);
    return -ENOEXEC;
}

static int check_header(const char *path, const struct elf32_ehdr *h, int got)
{
    if (got < (int)sizeof(*h) || memcmp(h->e_ident, ELFMAG, 4) != 0)
        return refuse(path, "not an ELF file");
    if (h->e_ident[EI_CLASS] != ELFCLASS32 || h->e_ident[EI_DATA] != ELFDATA2LSB ||
        h->e_machine != EM_386)
        return refuse(path, "not a 32-bit little-endian i386 program");
    if (h->e_type != ET_EXEC)
        return refuse(path, "not a fixed-address executable (ET_EXEC)");
    if (h->e_phentsize != sizeof(struct elf32_phdr) || h->e_phnum == 0 ||
        h->e_phnum > EXEC_PHDRS_MAX)
        return refuse(path, "no program headers, or more than EXEC_PHDRS_MAX (16)");
    return 0;
}

/* Copy the segment's file bytes to its place, through a kernel page. */
static int load_segment(const char *path, struct inode *inode, const struct elf32_phdr *ph,
                        char *page)
{
    for (uint32_t done = 0; done < ph->p_filesz;) {
        uint32_t n = ph->p_filesz - done < PAGE_SIZE ? ph->p_filesz - done : PAGE_SIZE;
        int got = vfs_read(inode, ph->p_offset + done, page, n);
        if (got < 0)
            return got;
        if ((uint32_t)got != n)
            return refuse(path, "the file ends inside a segment");
        if (copy_to_user((void *)(ph->p_vaddr + done), page, n))
            return -EFAULT;
        done += n;
    }
    return 0;
}

static int load_segments(struct process *p, const char *path, struct inode *inode,
                         const struct elf32_phdr *phdrs, int n, char *page)
{
    uint32_t top = 0;
    for (int i = 0; i < n; i++) {
        const struct elf32_phdr *ph = &phdrs[i];
        if (ph->p_type == PT_INTERP)
            return refuse(path, "a dynamically linked program (PT_INTERP)");
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        uint32_t start = ph->p_vaddr & ~(PAGE_SIZE - 1);
        uint32_t end = ph->p_vaddr + ph->p_memsz;
        if (ph->p_filesz > ph->p_memsz || end < ph->p_vaddr || end > USER_TOP - USER_STACK_SIZE)
            return refuse(path, "a segment larger than its memory or past the user half");
        if (start == 0)                 /* as mmap2's MAP_FIXED: NULL stays a bad pointer */
            return refuse(path, "a segment in page 0, where NULL points");
        int err = vm_map_anon(p->vm, start, page_up(end) - start, PTE_WRITE);
        if (err == -EINVAL)
            return refuse(path, "segments that share a page or overlap");
        if (err || (err = load_segment(path, inode, ph, page)) != 0)
            return err;
        if (!(ph->p_flags & PF_W) && (err = vm_area_protect(p->vm, start, 0)) != 0)
            return err;
        if (page_up(end) > top)
            top = page_up(end);
    }
    if (!top)
        return refuse(path, "no loadable segment");
    p->brk_start = p->brk = top;
    return 0;
}

/* argc, argv, envp and auxv under the strings, at the top of the stack;
 * vec is a page to build them in (EXEC_ARGV_MAX + EXEC_ENVP_MAX + 7
 * words fit: process.h). */
static int build_stack(struct process *p, uint32_t *sp, uint32_t *vec)
{
    int err = vm_map_anon(p->vm, USER_TOP - USER_STACK_SIZE, USER_STACK_SIZE, PTE_WRITE);
    if (err)
        return err;
    const char *path = p->exec_args;
    const char *strings = path + strlen(path) + 1;
    uint32_t strings_len = p->exec_args_len - (uint32_t)(strings - path);
    uint32_t ustrings = (USER_TOP - strings_len) & ~3u;
    /* argc, argv + NULL, envp + NULL, two auxv pairs */
    uint32_t words = 1 + (uint32_t)p->argc + 1 + (uint32_t)p->envc + 1 + 4;
    uint32_t usp = (ustrings - words * 4) & ~(STACK_ALIGN - 1);
    uint32_t w = 0;
    vec[w++] = (uint32_t)p->argc;
    for (uint32_t off = 0, i = 0; off < strings_len; off += strlen(strings + off) + 1, i++) {
        if (i == (uint32_t)p->argc)
            vec[w++] = 0;               /* argv's end: the environment follows */
        vec[w++] = ustrings + off;
    }
    if (!p->envc)
        vec[w++] = 0;                   /* argv's end, with no environment after it */
    vec[w++] = 0;                       /* envp's end */
    vec[w++] = AT_PAGESZ;
    vec[w++] = PAGE_SIZE;
    vec[w++] = AT_NULL;
    vec[w++] = 0;
    if (copy_to_user((void *)ustrings, strings, strings_len) ||
        copy_to_user((void *)usp, vec, w * 4))
        return -EFAULT;
    *sp = usp;
    return 0;
}

int exec_args_init(struct process *p)
{
    p->exec_args = kmalloc(EXEC_ARGS_MAX, GFP_KERNEL);
    p->exec_args_len = 0;
    p->argc = -1;                       /* the first string is the path */
    p->envc = 0;
    p->exec_adding_env = false;
    return p->exec_args ? 0 : -ENOMEM;
}

void exec_args_begin_env(struct process *p)
{
    p->exec_adding_env = true;
}

void exec_args_free(struct process *p)
{
    kfree(p->exec_args);
    p->exec_args = NULL;
}

static int args_too_big(struct process *p, const char *which)
{
    pr_err("exec: %s: more than %s\n", p->exec_args_len ? p->exec_args : "(the path itself)",
           which);
    return -E2BIG;
}

#define TOO_MANY_BYTES  "EXEC_ARGS_MAX (4096) bytes of path, arguments and environment"
_Static_assert(EXEC_ARGS_MAX == 4096, "TOO_MANY_BYTES says the number");

/* Room for one more string of the kind being added (an argument, or a
 * string of the environment), or -E2BIG said. */
static int room_for_one(struct process *p)
{
    if (!p->exec_adding_env && p->argc == EXEC_ARGV_MAX)
        return args_too_big(p, "EXEC_ARGV_MAX (256) arguments");
    if (p->exec_adding_env && p->envc == EXEC_ENVP_MAX)
        return args_too_big(p, "EXEC_ENVP_MAX (256) environment strings");
    return 0;
}
_Static_assert(EXEC_ARGV_MAX == 256 && EXEC_ENVP_MAX == 256, "room_for_one() says the numbers");

static void count_one(struct process *p, uint32_t len)
{
    p->exec_args_len += len;
    if (p->exec_adding_env)
        p->envc++;
    else
        p->argc++;
}

int exec_args_add(struct process *p, const char *s)
{
    uint32_t len = strlen(s) + 1;
    int err = room_for_one(p);
    if (err)
        return err;
    if (len > EXEC_ARGS_MAX - p->exec_args_len)
        return args_too_big(p, TOO_MANY_BYTES);
    memcpy(p->exec_args + p->exec_args_len, s, len);
    count_one(p, len);
    return 0;
}

int exec_args_add_user(struct process *p, const char *us)
{
    int err = room_for_one(p);
    if (err)
        return err;
    int len = strncpy_from_user(p->exec_args + p->exec_args_len, us,
                                EXEC_ARGS_MAX - p->exec_args_len);
    if (len == -ENAMETOOLONG)
        return args_too_big(p, TOO_MANY_BYTES);
    if (len < 0)
        return len;
    count_one(p, (uint32_t)len + 1);
    return 0;
}

const char *exec_name(const char *path)
{
    const char *base = path + strlen(path);
    while (base > path && base[-1] != '/')
        base--;
    return base;
}

int exec_load(struct process *p, uint32_t *entry, uint32_t *sp)
{
    const char *path = p->exec_args;
    struct inode *inode;
    int err = vfs_lookup(path, &inode);
    if (err)
        return err;
    char *page = get_zeroed_page(GFP_KERNEL);
    if (!page) {
        iput(inode);
        return -ENOMEM;
    }
    struct elf32_ehdr h;
    int got = 0;
    if (!s_isreg(inode->mode)) {
        /* Linux's answer for a directory or a device: not executable. */
        pr_err("exec: %s: not a regular file\n", path);
        err = -EACCES;
    } else if ((got = vfs_read(inode, 0, &h, sizeof(h))) < 0) {
        err = got;
    } else {
        err = check_header(path, &h, got);
    }
    if (!err) {
        struct elf32_phdr phdrs[EXEC_PHDRS_MAX];
        uint32_t len = h.e_phnum * sizeof(struct elf32_phdr);
        got = vfs_read(inode, h.e_phoff, phdrs, len);
        err = got < 0 ? got : (uint32_t)got != len ? refuse(path, "program headers cut short")
            : load_segments(p, path, inode, phdrs, h.e_phnum, page);
    }
    iput(inode);
    if (!err) {
        *entry = h.e_entry;
        err = build_stack(p, sp, (uint32_t *)page);
    }
    free_page_address(page);
    return err;
}

/* Copy a user vector of strings (argv or envp, NULL-ended) into the exec
 * arguments; NULL for the vector itself is an empty one, as in Linux. */
static int add_user_vector(struct process *p, const uint32_t *uvec)
{
    int err = 0;
    for (uint32_t i = 0, ustr; uvec && !err; i++) {
        if ((err = copy_from_user(&ustr, uvec + i, sizeof(ustr))) != 0 || !ustr)
            break;
        err = exec_args_add_user(p, (const char *)ustr);
    }
    return err;
}

/* execve(path, argv, envp): the arguments and the environment come from
 * the old program's memory, so they are copied first; then a new space
 * is filled and only
 * when it is whole does the old one go.  On success the system call
 * "returns" into the new program: the frame the int 0x80 left is
 * rewritten to its entry point and stack, every register cleared. */
int32_t sys_execve(const struct syscall_args *a)
{
    struct process *p = current->proc;
    if (!p)
        return -EINVAL;
    /* A relative path starts at the current directory, as open's does. */
    int err = exec_args_init(p);
    char *path = err ? NULL : path_from_user((const char *)a->arg[0], &err);
    if (!err)
        err = exec_args_add(p, path);
    kfree(path);
    if (!err)
        err = add_user_vector(p, (const uint32_t *)a->arg[1]);
    exec_args_begin_env(p);
    if (!err)
        err = add_user_vector(p, (const uint32_t *)a->arg[2]);
    struct vm_space *old = p->vm, *new = err ? NULL : vm_space_create();
    uint32_t brk_start = p->brk_start, brk = p->brk, entry, sp;
    if (!err && !new)
        err = -ENOMEM;
    if (!err) {
        p->vm = new;
        task_set_vm(new);
        if ((err = exec_load(p, &entry, &sp)) != 0) {
            p->vm = old;                /* the old program goes on, told why */
            task_set_vm(old);
            p->brk_start = brk_start;
            p->brk = brk;
            vm_space_destroy(new);
        } else {
            vm_space_destroy(old);
            files_close_on_exec(p);
            strlcpy(current->name, exec_name(p->exec_args), sizeof(current->name));
        }
    }
    exec_args_free(p);
    if (err)
        return err;
    struct int_frame *f = task_user_frame(current);
    f->eip = entry;
    f->user_esp = sp;
    f->ebx = f->ecx = f->edx = f->esi = f->edi = f->ebp = 0;
    return 0;                           /* EAX, the last register, cleared too */
}
