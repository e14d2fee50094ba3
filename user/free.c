/*
 * free.c - memory and swap, as Linux's free prints them (in KiB), from
 * the sysinfo system call: total, used and free RAM (the pages the
 * kernel's allocator manages) and swap.  `free -p` prints pages instead.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    struct sysinfo si;
    if (sysinfo(&si) < 0) {
        perror("free: sysinfo");
        return 1;
    }
    int pages = argc > 1 && strcmp(argv[1], "-p") == 0;
    uint32_t unit = pages ? 1 : si.mem_unit / 1024;
    printf("%-6s %10s %10s %10s   (%s)\n", "", "total", "used", "free", pages ? "pages" : "KiB");
    printf("%-6s %10u %10u %10u\n", "Mem:", si.totalram * unit, (si.totalram - si.freeram) * unit,
           si.freeram * unit);
    printf("%-6s %10u %10u %10u\n", "Swap:", si.totalswap * unit,
           (si.totalswap - si.freeswap) * unit, si.freeswap * unit);
    return 0;
}
