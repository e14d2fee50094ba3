/*
 * mman.h - mmap2's protection and flag bits and mlockall's flags, Linux's
 * values.  Pure: the kernel (mm/mmap.c) and user/lib both include it.
 */
#pragma once

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
