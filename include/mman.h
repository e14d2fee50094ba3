/*
 * mman.h - mmap2's protection and flag bits, mlockall's and msync's flags,
 * Linux's values, and the limit on locked memory.  Pure: the kernel
 * (mm/mmap.c) and user/lib both include it.
 */
#pragma once

#define PROT_NONE       0x0
#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20

/* mlockall()'s flags. */
#define MCL_CURRENT     0x1     /* the pages mapped now */
#define MCL_FUTURE      0x2     /* and every area mapped later */

/* msync()'s flags. */
#define MS_ASYNC        1
#define MS_INVALIDATE   2
#define MS_SYNC         4

/* The most pages one process may have locked (mlock, mlockall; Linux's
 * RLIMIT_MEMLOCK): 16 MiB, enough for a server's buffers and far from all
 * of a small machine, whose reclaim must find pages elsewhere.  Beyond
 * it mlock and mlockall say -ENOMEM, a new mapping under
 * mlockall(MCL_FUTURE) -EAGAIN, each with a log line (mm/mmap.c). */
#define MLOCK_LIMIT_PAGES   4096
