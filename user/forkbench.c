/*
 * forkbench.c - what fork + exit + wait of a 1 MiB process costs, for
 * bench=user (tests/bench/bench_user.c): maps and touches 1 MiB, then
 * ROUNDS times forks a child that exits at once and waits for it, each
 * round timed with rdtsc in user mode.  The raw TSC deltas go to the file
 * named by argv[1] (the kernel turns them into instructions under
 * icount, and takes the median).  Exits 0 when every round worked.
 */
#include "ulib.h"

#define ROUNDS      101
#define MIB         1

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int main(int argc, char **argv)
{
    static uint32_t delta[ROUNDS];
    char *mem = mmap(0, MIB << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (argc < 2 || mem == MAP_FAILED)
        return 2;
    memset(mem, 1, MIB << 20);          /* every page resident: what fork copies */
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = rdtsc();
        pid_t pid = fork();
        if (pid == 0)
            exit(0);
        int status = -1;
        if (pid < 0 || wait4(pid, &status, 0, 0) != pid || status != 0)
            return 1;
        delta[i] = (uint32_t)(rdtsc() - t0);
        mem[i * PAGE_SIZE] = 2;         /* untimed: a write the next fork protects again */
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, delta, sizeof(delta)) != sizeof(delta) || close(fd) < 0)
        return 3;
    return 0;
}
