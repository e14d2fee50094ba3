/*
 * sys_info.c - sysinfo (116), Linux's call for the machine's memory and
 * swap counts (include/sysinfo.h): what /bin/free prints and what
 * usertests compares to see that every page came back.  The counts are
 * read without a common lock, each one consistent by itself -- the same
 * view the monitor's free and swaps commands give.
 */
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "swap.h"
#include "syscall.h"
#include "sysinfo.h"
#include "timer.h"
#include "uaccess.h"

int32_t sys_sysinfo(const struct syscall_args *a)
{
    struct sysinfo info;
    memset(&info, 0, sizeof(info));
    info.uptime = (int32_t)(timer_uptime_ms() / 1000);
    info.totalram = nr_managed_pages();
    info.freeram = nr_free_pages();
    uint32_t swap_used, swap_total;
    swap_usage(&swap_used, &swap_total);
    info.totalswap = swap_total;
    info.freeswap = swap_total - swap_used;
    info.mem_unit = PAGE_SIZE;
    if (copy_to_user((void *)a->arg[0], &info, sizeof(info)))
        return -EFAULT;
    return 0;
}
