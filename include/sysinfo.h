/*
 * sysinfo.h - struct sysinfo of Linux i386 (include/uapi/linux/sysinfo.h),
 * what the sysinfo system call (116) fills: memory and swap in units of
 * mem_unit bytes (swiod: a page), the time since boot.  Pure: the kernel
 * (kernel/sys_info.c) and user/lib both include it.
 */
#pragma once
#include <stdint.h>

struct sysinfo {
    int32_t uptime;             /* seconds since boot */
    uint32_t loads[3];          /* load averages: not kept, 0 */
    uint32_t totalram;          /* pages the page allocator manages */
    uint32_t freeram;           /* of them, free now */
    uint32_t sharedram;         /* not counted, 0 */
    uint32_t bufferram;         /* not counted, 0 */
    uint32_t totalswap;         /* usable slots of every swap area */
    uint32_t freeswap;          /* of them, holding no page */
    uint16_t procs;             /* not counted, 0 */
    uint16_t pad;
    uint32_t totalhigh;         /* no high memory: 0 */
    uint32_t freehigh;
    uint32_t mem_unit;          /* the bytes each count stands for: PAGE_SIZE */
    char reserved[8];           /* Linux's _f: the structure is 64 bytes */
};
_Static_assert(sizeof(struct sysinfo) == 64, "Linux's i386 struct sysinfo is 64 bytes");
