/* ramdisk.h - ram0 (drivers/block/ramdisk.c): ramdisk=MiB sizes it. */
#pragma once

#define RAMDISK_DEFAULT_MIB 4

void ramdisk_init(void);
