/*
 * ps.c - the tasks of the machine, from swiod_ps (include/ps_abi.h):
 * each one's pid, its parent's, its state (R running, S sleeping, D
 * uninterruptible, Z exited), whether it is a user process or one of the
 * kernel's own tasks ([name] in brackets, as Linux's ps shows kernel
 * threads), and what it waits on; a user process's line ends with its
 * memory (pages resident and in swap) and "io-flusher" when
 * prctl(PR_SET_IO_FLUSHER) is set.  `ps -u`: user processes only.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    static struct ps_entry e[PS_MAX];
    int user_only = argc > 1 && strcmp(argv[1], "-u") == 0;
    int n = swiod_ps(e, PS_MAX);
    if (n < 0) {
        perror("ps: swiod_ps");
        return 1;
    }
    printf("  PID  PPID S NAME             WAITS ON\n");
    for (int i = 0; i < n && i < PS_MAX; i++) {
        if (user_only && !e[i].user)
            continue;
        char name[PS_NAME_LEN + 2];
        snprintf(name, sizeof(name), e[i].user ? "%s" : "[%s]", e[i].name);
        printf("%5d %5d %c %-16s %s", e[i].pid, e[i].ppid, e[i].state, name, e[i].wchan);
        if (e[i].user)
            printf("  (%u resident, %u swapped%s)", e[i].rss, e[i].swapped,
                   e[i].io_flusher ? ", io-flusher" : "");
        printf("\n");
    }
    if (n > PS_MAX)
        printf("ps: %d more tasks than PS_MAX (%d) not shown\n", n - PS_MAX, PS_MAX);
    return 0;
}
