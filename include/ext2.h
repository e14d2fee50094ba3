/*
 * ext2.h - the ext2 file system (fs/ext2/), as the VFS sees it.
 *
 * ext2_mount() reads and checks the superblock and the group descriptors
 * of bdev and returns a super block for the VFS; a corrupt or unsupported
 * image is refused with a message naming what is wrong (-EUCLEAN,
 * -EINVAL), an unknown read-only-compatible feature mounts read-only.
 */
#pragma once

struct block_device;
struct super_block;

int ext2_mount(struct block_device *bdev, struct super_block **out);
