/*
 * libctest.c - the user library (user/lib/) checked against known
 * answers: errno and strerror() after failed calls, snprintf()'s
 * formats, printf() of a line longer than its stack buffer, malloc()
 * from the heap and from mappings (contents kept, blocks reused after
 * free(), neighbours merged, the heap not growing for a churn of
 * same-sized blocks), calloc()'s zeros and overflow, realloc()'s copy.
 * One line per check ("libctest: WHAT: got G, want W"); exits with the
 * number that went wrong.
 */
#include "ulib.h"

static void check_str(const char *what, const char *got, const char *want)
{
    int same = strcmp(got, want) == 0;
    printf("%s: %s: \"%s\"%s\n", ulib_name, what, got, same ? "" : "  WRONG");
    check_wrong += !same;
}

static void errno_and_messages(void)
{
    errno = 0;
    check("write to fd 9 says -1", write(9, "x", 1), -1);
    check("... and errno EBADF", errno, EBADF);
    check("mmap of length 0 says MAP_FAILED", mmap(0, 0, PROT_READ,
          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED, 1);
    check("... and errno EINVAL", errno, EINVAL);
    check("or_errno of a failure", or_errno(write(9, "x", 1)), -EBADF);
    check("or_errno of a success", or_errno(getpid()), getpid());
    check("an unknown call: ENOSYS", or_errno(syscall6(9999, 0, 0, 0, 0, 0, 0)), -ENOSYS);
    check_str("strerror(EFAULT)", strerror(EFAULT), "Bad address");
    check_str("strerror(ENOSYS)", strerror(ENOSYS), "Function not implemented");
    check_str("strerror(0)", strerror(0), "Unknown error 0");
    check_str("strerror(4000)", strerror(4000), "Unknown error 4000");
}

static void formats(void)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "[%5d|%-4s|%08x|%c|%u]", -42, "ab", 0xBEEFu, 'z', 3000000000u);
    check_str("snprintf", buf, "[  -42|ab  |0000beef|z|3000000000]");
    check("snprintf's answer is the whole length", snprintf(buf, 4, "%s", "abcdefgh"), 8);
    check_str("... and what fits, terminated", buf, "abc");
    /* 600 characters and a newline: more than printf's stack buffer. */
    char *line = malloc(601);
    memset(line, '=', 600);
    line[600] = 0;
    check("printf of a 601-byte line writes it all", printf("%s\n", line), 601);
    free(line);
}

static void heap_blocks(void)
{
    char *start = sbrk(0);
    char *a = malloc(100), *b = malloc(100), *c = malloc(5000);
    check("malloc gives three blocks", a && b && c, 1);
    check("blocks are 16-byte aligned", ((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) % 16, 0);
    check("blocks do not overlap", b >= a + 100 && (c >= b + 100 || c + 5000 <= a), 1);
    memset(a, 'a', 100);
    memset(b, 'b', 100);
    memset(c, 'c', 5000);
    check("each keeps its bytes", a[99] == 'a' && b[0] == 'b' && b[99] == 'b' && c[4999] == 'c',
          1);
    free(b);
    char *b2 = malloc(90);
    check("a freed block is reused", b2 == b, 1);
    free(a);
    free(b2);
    char *ab = malloc(200);
    check("two freed neighbours merge into one block", ab == a, 1);
    free(ab);
    free(c);
    char *mark = sbrk(0);
    for (int i = 0; i < 1000; i++) {
        void *p = malloc(3000);
        memset(p, i, 3000);
        free(p);
    }
    check("a churn of 1000 blocks does not grow the heap", (char *)sbrk(0) == mark, 1);
    check("the heap grew in pages", (uintptr_t)(mark - start) % PAGE_SIZE, 0);
}

static void mapped_blocks(void)
{
    char *heap_end = sbrk(0);
    size_t big = 3 * MALLOC_MMAP_MIN;
    char *p = malloc(big);
    check("a big block", p != 0, 1);
    check("... is not on the heap", (char *)sbrk(0) == heap_end, 1);
    memset(p, 0x77, big);
    check("... keeps its bytes", p[0] == 0x77 && p[big - 1] == 0x77, 1);
    free(p);
    check("... and free() gives it back (writing to it now faults)",
          or_errno(write(1, p, 1)), -EFAULT);
    check("malloc of 3.5 GiB fails", malloc(0xE0000000u) == 0, 1);
    check("... with ENOMEM", errno, ENOMEM);
}

static void calloc_and_realloc(void)
{
    unsigned char *z = calloc(1000, 3);
    int zeros = 1;
    for (int i = 0; i < 3000; i++)
        zeros &= z[i] == 0;
    check("calloc's memory is zero", zeros, 1);
    free(z);
    check("calloc whose size overflows fails", calloc(0x10000, 0x10001) == 0, 1);
    char *r = malloc(10);
    memcpy(r, "0123456789", 10);
    r = realloc(r, 200000);
    check("realloc to a mapping keeps the bytes", r && memcmp(r, "0123456789", 10) == 0, 1);
    r = realloc(r, 5);
    check("realloc smaller keeps the block", r && memcmp(r, "01234", 5) == 0, 1);
    free(r);
    char *n = realloc(0, 50);
    check("realloc(NULL) is malloc", n != 0, 1);
    free(n);
    free(0);
}

int main(void)
{
    errno_and_messages();
    formats();
    heap_blocks();
    mapped_blocks();
    calloc_and_realloc();
    printf("libctest: %d wrong\n", check_wrong);
    return check_wrong;
}
