/*
 * ext2.h - the ext2 file system (fs/ext2/), as the rest of the kernel
 * sees it: one call at boot.
 *
 * ext2_init(), after vfs_init(), registers the type "ext2" with the VFS
 * (register_filesystem()).  Its mount reads and checks the superblock and
 * the group descriptors of the device and returns a super block for the
 * VFS; a corrupt or unsupported image is refused with a message naming
 * what is wrong (-EUCLEAN, -EINVAL), an unknown read-only-compatible
 * feature mounts read-only.
 */
#pragma once

/* 0, or register_filesystem()'s error. */
int ext2_init(void);
