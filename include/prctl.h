/*
 * prctl.h - prctl()'s options (172), Linux's numbers.  Pure: the kernel
 * and user/lib both include it.
 *
 *   PR_SET_IO_FLUSHER  arg 1: the task serves IO (an NBD or FUSE server),
 *                      so every allocation it makes, page faults
 *                      included, behaves as GFP_NOIO (PF_MEMALLOC_NOIO):
 *                      its reclaim never waits on IO it would itself have
 *                      to serve.  arg 0 clears it.  Linux 5.6.
 *   PR_GET_IO_FLUSHER  1 when set, 0 when not.
 */
#pragma once

#define PR_SET_IO_FLUSHER   57
#define PR_GET_IO_FLUSHER   58
