/*
 * memcalls.c - brk, mmap2 and munmap from user mode: the heap grows and
 * shrinks, a mapping is zeroed and writable, MAP_FIXED replaces pages,
 * munmap of a mapping's middle keeps both ends.  Each check prints
 * "memcalls: WHAT: got 1, want 1"; exits with the number that failed.
 */
#include "ulib.h"

int main(void)
{
    char *start = (char *)brk(0);
    check("brk(0) gives the heap's start", start != 0, 1);
    char *end = (char *)brk(start + 3 * PAGE_SIZE + 100);
    check("brk grows", end == start + 3 * PAGE_SIZE + 100, 1);
    memset(start, 0x5A, (size_t)(end - start));
    check("the heap keeps what was written", start[0] == 0x5A && end[-1] == 0x5A, 1);
    check("brk shrinks", (char *)brk(start + PAGE_SIZE) == start + PAGE_SIZE, 1);
    check("brk below the start says where it is",
          (char *)brk((char *)4096) == start + PAGE_SIZE, 1);

    char *m = mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mmap", m != MAP_FAILED, 1);
    check("mmap's pages are zero", m[0] == 0 && m[4 * PAGE_SIZE - 1] == 0, 1);
    memset(m, 7, 4 * PAGE_SIZE);
    check("munmap of the middle", munmap(m + PAGE_SIZE, 2 * PAGE_SIZE) == 0, 1);
    check("the ends stay", m[0] == 7 && m[3 * PAGE_SIZE] == 7, 1);
    char *f = mmap(m + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check("MAP_FIXED in the hole", f == m + PAGE_SIZE && f[0] == 0, 1);
    char *g = mmap(m, PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    check("MAP_FIXED over a page replaces it", g == m && g[0] == 0, 1);
    check("munmap of everything", munmap(m, 4 * PAGE_SIZE) == 0, 1);
    printf("memcalls: %d wrong\n", check_wrong);
    return check_wrong;
}
