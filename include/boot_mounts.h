/*
 * boot_mounts.h - the file systems and swap areas the command line asks
 * for (mount=DEV:PATH,...  swapon=DEV,...), set up once the boot's tests
 * are done (fs/boot_mounts.c).  Failures are logged, never fatal.
 */
#pragma once

void boot_mounts(void);
