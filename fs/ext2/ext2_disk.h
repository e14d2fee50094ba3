/*
 * ext2_disk.h - the on-disk format of ext2, revisions 0 and 1, as packed
 * C structures.  Pure: no kernel headers, so the host tests and fuzzers use
 * it too.
 *
 * Every multi-byte field on disk is little-endian.  swiod runs on i386, also
 * little-endian, so the fields are read directly; code that wants to run on a
 * big-endian machine would have to swap each one (Linux marks them __le32).
 *
 * The names are those of Linux (fs/ext2/ext2.h) and e2fsprogs
 * (lib/ext2fs/ext2_fs.h), so a student can read either next to this file.
 * Only what ext2 revision 1 defines is named; the ext3/ext4 fields past
 * s_jnl_blocks sit in s_reserved, and the feature bits of ext3/ext4 are
 * named only so that a refusal can say which feature it refused.
 *
 * The layout of a filesystem, in blocks of 1, 2 or 4 KiB:
 *
 *   block 0 (1 KiB blocks) / first 1 KiB of block 0 (larger): boot area
 *   byte 1024: the superblock (1024 bytes)
 *   then group after group of s_blocks_per_group blocks, starting at
 *   s_first_data_block (1 with 1 KiB blocks, else 0).  A group holds, in
 *   this order: a superblock copy and the descriptor table copy (only some
 *   groups with sparse_super, see ext2_check.h), s_reserved_gdt_blocks
 *   blocks kept for growing the table (resize_inode), its block bitmap, its
 *   inode bitmap, its inode table, and data blocks.  The positions of the
 *   bitmaps and the table are read from the group's descriptor.
 */
#pragma once
#include <stdint.h>

#define EXT2_SUPER_OFFSET       1024    /* bytes from the start of the device */
#define EXT2_SUPER_SIZE         1024
#define EXT2_SUPER_MAGIC        0xEF53

#define EXT2_MIN_BLOCK_LOG_SIZE 10      /* s_log_block_size 0 = 1 KiB */
#define EXT2_MIN_BLOCK_SIZE     1024

/* s_rev_level */
#define EXT2_GOOD_OLD_REV       0       /* fixed inode size and first inode */
#define EXT2_DYNAMIC_REV        1       /* s_first_ino, s_inode_size, features */

/* What revision 0 fixes, and revision 1 reads from the superblock. */
#define EXT2_GOOD_OLD_FIRST_INO   11
#define EXT2_GOOD_OLD_INODE_SIZE  128

/* s_state */
#define EXT2_VALID_FS           0x0001  /* unmounted cleanly */
#define EXT2_ERROR_FS           0x0002  /* errors detected */

/* s_errors: what the kernel should do when it finds an error */
#define EXT2_ERRORS_CONTINUE    1
#define EXT2_ERRORS_RO          2
#define EXT2_ERRORS_PANIC       3

/* s_creator_os */
#define EXT2_OS_LINUX           0

/*
 * Feature bits.  The rule that makes them work (and that ext2_check_super
 * applies): a kernel that does not know a compat feature may use the
 * filesystem freely; an ro_compat feature, read it but never write; an
 * incompat feature, not touch it at all.
 */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC        0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES       0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL         0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR            0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE        0x0010  /* s_reserved_gdt_blocks */
#define EXT2_FEATURE_COMPAT_DIR_INDEX           0x0020  /* htree, hidden in empty entries */
#define EXT2_FEATURE_COMPAT_LAZY_BG             0x0040
#define EXT2_FEATURE_COMPAT_EXCLUDE_BITMAP      0x0100
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2       0x0200
#define EXT4_FEATURE_COMPAT_FAST_COMMIT         0x0400
#define EXT4_FEATURE_COMPAT_STABLE_INODES       0x0800
#define EXT4_FEATURE_COMPAT_ORPHAN_FILE         0x1000

#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER     0x0001  /* copies in groups 0, 1, 3^n, 5^n, 7^n */
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE       0x0002  /* i_size_high in use */
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR        0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE        0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM         0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK        0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE      0x0040
#define EXT4_FEATURE_RO_COMPAT_HAS_SNAPSHOT     0x0080
#define EXT4_FEATURE_RO_COMPAT_QUOTA            0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC         0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM    0x0400
#define EXT4_FEATURE_RO_COMPAT_REPLICA          0x0800
#define EXT4_FEATURE_RO_COMPAT_READONLY         0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT          0x2000
#define EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS    0x4000
#define EXT4_FEATURE_RO_COMPAT_VERITY           0x8000

#define EXT2_FEATURE_INCOMPAT_COMPRESSION       0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE          0x0002  /* file_type in directory entries */
#define EXT3_FEATURE_INCOMPAT_RECOVER           0x0004  /* journal needs replaying */
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV       0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG           0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS           0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT             0x0080
#define EXT4_FEATURE_INCOMPAT_MMP               0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG           0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE          0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA           0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED         0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR          0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA       0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT           0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD          0x20000

/* The superblock, at byte 1024 of the device; copies at the start of some
 * groups (s_block_group_nr says which).  Fields after s_rev_level are
 * meaningful only in revision 1 (EXT2_DYNAMIC_REV). */
struct ext2_super {
    uint32_t s_inodes_count;        /* inodes, used and free */
    uint32_t s_blocks_count;        /* blocks, including the boot area and metadata */
    uint32_t s_r_blocks_count;      /* blocks kept for the superuser */
    uint32_t s_free_blocks_count;
    uint32_t s_free_inodes_count;
    uint32_t s_first_data_block;    /* the block holding the superblock: 1 for 1 KiB blocks, else 0 */
    uint32_t s_log_block_size;      /* block size = 1024 << this */
    uint32_t s_log_frag_size;       /* fragments were never implemented: equal to the above */
    uint32_t s_blocks_per_group;
    uint32_t s_frags_per_group;
    uint32_t s_inodes_per_group;
    uint32_t s_mtime;               /* last mount, seconds since 1970 */
    uint32_t s_wtime;               /* last write */
    uint16_t s_mnt_count;           /* mounts since the last check */
    int16_t  s_max_mnt_count;       /* mounts allowed before a check, -1: no limit */
    uint16_t s_magic;               /* EXT2_SUPER_MAGIC */
    uint16_t s_state;               /* EXT2_VALID_FS, EXT2_ERROR_FS */
    uint16_t s_errors;              /* EXT2_ERRORS_* */
    uint16_t s_minor_rev_level;
    uint32_t s_lastcheck;           /* time of the last check */
    uint32_t s_checkinterval;       /* seconds allowed between checks */
    uint32_t s_creator_os;          /* EXT2_OS_* */
    uint32_t s_rev_level;           /* EXT2_GOOD_OLD_REV or EXT2_DYNAMIC_REV */
    uint16_t s_def_resuid;          /* who may use the reserved blocks */
    uint16_t s_def_resgid;
    /* Revision 1 (EXT2_DYNAMIC_REV) only: */
    uint32_t s_first_ino;           /* first inode not reserved for the filesystem */
    uint16_t s_inode_size;          /* bytes per inode in the table */
    uint16_t s_block_group_nr;      /* the group this copy of the superblock is in */
    uint32_t s_feature_compat;      /* EXT2_FEATURE_COMPAT_* */
    uint32_t s_feature_incompat;    /* EXT2_FEATURE_INCOMPAT_* */
    uint32_t s_feature_ro_compat;   /* EXT2_FEATURE_RO_COMPAT_* */
    uint8_t  s_uuid[16];
    char     s_volume_name[16];     /* not necessarily terminated */
    char     s_last_mounted[64];    /* where it was last mounted; not necessarily terminated */
    uint32_t s_algorithm_usage_bitmap;  /* compression */
    /* Performance hints (dir_prealloc): */
    uint8_t  s_prealloc_blocks;     /* blocks to try to preallocate for a file */
    uint8_t  s_prealloc_dir_blocks; /* ... and for a directory */
    uint16_t s_reserved_gdt_blocks; /* blocks after each descriptor table copy kept for growth */
    /* Journalling (ext3), named so that dumps can show them: */
    uint8_t  s_journal_uuid[16];
    uint32_t s_journal_inum;
    uint32_t s_journal_dev;
    uint32_t s_last_orphan;
    uint32_t s_hash_seed[4];        /* dir_index */
    uint8_t  s_def_hash_version;
    uint8_t  s_jnl_backup_type;
    uint16_t s_desc_size;           /* 64bit only */
    uint32_t s_default_mount_opts;
    uint32_t s_first_meta_bg;       /* meta_bg only */
    uint32_t s_mkfs_time;
    uint32_t s_jnl_blocks[17];
    uint32_t s_reserved[172];       /* ext4's fields and padding, up to 1024 bytes */
} __attribute__((packed));

/* A block group descriptor.  The table of them starts in the block after
 * the superblock (block s_first_data_block + 1), one after another. */
struct ext2_group_desc {
    uint32_t bg_block_bitmap;       /* block number of the group's block bitmap */
    uint32_t bg_inode_bitmap;       /* ... of its inode bitmap */
    uint32_t bg_inode_table;        /* ... of the first block of its inode table */
    uint16_t bg_free_blocks_count;
    uint16_t bg_free_inodes_count;
    uint16_t bg_used_dirs_count;    /* directories among its inodes */
    uint16_t bg_flags;              /* gdt_csum only (EXT4_BG_*); 0 on ext2 */
    uint32_t bg_reserved[3];        /* gdt_csum/metadata_csum checksums */
} __attribute__((packed));

#define EXT4_BG_INODE_UNINIT    0x0001  /* inode table and bitmap not initialised */
#define EXT4_BG_BLOCK_UNINIT    0x0002  /* block bitmap not initialised */
#define EXT4_BG_INODE_ZEROED    0x0004

/* i_block: 12 direct block numbers, then one singly, one doubly and one
 * triply indirect block.  An indirect block is an array of block numbers;
 * 0 anywhere is a hole (reads as zeros). */
#define EXT2_NDIR_BLOCKS        12
#define EXT2_IND_BLOCK          EXT2_NDIR_BLOCKS
#define EXT2_DIND_BLOCK         (EXT2_IND_BLOCK + 1)
#define EXT2_TIND_BLOCK         (EXT2_DIND_BLOCK + 1)
#define EXT2_N_BLOCKS           (EXT2_TIND_BLOCK + 1)

/* An inode: the first 128 bytes of each s_inode_size slot of the table.
 * Inode n (from 1) is slot (n - 1) % s_inodes_per_group of group
 * (n - 1) / s_inodes_per_group. */
struct ext2_inode {
    uint16_t i_mode;                /* EXT2_S_IF* type and permission bits */
    uint16_t i_uid;                 /* owner, low 16 bits */
    uint32_t i_size;                /* size in bytes, low 32 bits */
    uint32_t i_atime;
    uint32_t i_ctime;
    uint32_t i_mtime;
    uint32_t i_dtime;               /* deletion time; nonzero on a free inode */
    uint16_t i_gid;                 /* group, low 16 bits */
    uint16_t i_links_count;         /* directory entries naming it; 0: free */
    uint32_t i_blocks;              /* 512-byte sectors in use, indirect blocks included */
    uint32_t i_flags;               /* EXT2_*_FL */
    uint32_t i_osd1;                /* Linux: i_version */
    uint32_t i_block[EXT2_N_BLOCKS];    /* block map; a short symlink's target instead */
    uint32_t i_generation;          /* for NFS */
    uint32_t i_file_acl;            /* extended attribute block */
    uint32_t i_size_high;           /* regular file, large_file: size bits 32..63 (i_dir_acl on directories) */
    uint32_t i_faddr;               /* fragment address, unused */
    uint16_t i_blocks_hi;           /* Linux osd2: huge_file */
    uint16_t i_file_acl_high;
    uint16_t i_uid_high;
    uint16_t i_gid_high;
    uint16_t i_checksum_lo;         /* metadata_csum */
    uint16_t i_reserved;
} __attribute__((packed));

/* i_mode: the file type (the EXT2_S_IFMT bits) and the permissions. */
#define EXT2_S_IFMT             0xF000
#define EXT2_S_IFSOCK           0xC000
#define EXT2_S_IFLNK            0xA000
#define EXT2_S_IFREG            0x8000
#define EXT2_S_IFBLK            0x6000
#define EXT2_S_IFDIR            0x4000
#define EXT2_S_IFCHR            0x2000
#define EXT2_S_IFIFO            0x1000
#define EXT2_S_ISUID            0x0800
#define EXT2_S_ISGID            0x0400
#define EXT2_S_ISVTX            0x0200  /* sticky */
#define EXT2_S_IRWXU            0x01C0
#define EXT2_S_IRWXG            0x0038
#define EXT2_S_IRWXO            0x0007

/* i_flags that change how an inode must be read. */
#define EXT2_SECRM_FL           0x00000001
#define EXT2_UNRM_FL            0x00000002
#define EXT2_COMPR_FL           0x00000004
#define EXT2_SYNC_FL            0x00000008
#define EXT2_IMMUTABLE_FL       0x00000010
#define EXT2_APPEND_FL          0x00000020
#define EXT2_NODUMP_FL          0x00000040
#define EXT2_NOATIME_FL         0x00000080
#define EXT2_INDEX_FL           0x00001000  /* htree directory; still readable linearly */
#define EXT4_HUGE_FILE_FL       0x00040000
#define EXT4_EXTENTS_FL         0x00080000  /* i_block holds an extent tree, not a block map */
#define EXT4_INLINE_DATA_FL     0x10000000

/* A symlink whose target is shorter than this lives in i_block itself
 * (a "fast" symlink, i_blocks 0 without an xattr block). */
#define EXT2_FAST_SYMLINK_MAX   (EXT2_N_BLOCKS * 4)

/* Inodes the filesystem reserves for itself (below s_first_ino). */
#define EXT2_BAD_INO            1       /* bad blocks */
#define EXT2_ROOT_INO           2       /* the root directory */
#define EXT2_ACL_IDX_INO        3
#define EXT2_ACL_DATA_INO       4
#define EXT2_BOOT_LOADER_INO    5
#define EXT2_UNDEL_DIR_INO      6
#define EXT2_RESIZE_INO         7       /* resize_inode: owns the reserved GDT blocks */
#define EXT2_JOURNAL_INO        8       /* ext3 journal */

/*
 * A directory entry (Linux: ext2_dir_entry_2).  A directory block is a
 * chain of them: each rec_len leads to the next, the last one reaches the
 * end of the block exactly, and an entry with inode 0 is unused space.
 * Without the filetype feature, file_type is the high byte of a 16-bit
 * name_len (always 0, since names are at most 255 bytes).
 */
#define EXT2_NAME_LEN           255
#define EXT2_DIR_ENTRY_HEADER   8       /* bytes before the name */
#define EXT2_DIR_ROUND          4       /* entries start on 4-byte boundaries */

struct ext2_dir_entry_2 {
    uint32_t inode;                 /* 0: unused entry */
    uint16_t rec_len;               /* bytes to the next entry */
    uint8_t  name_len;
    uint8_t  file_type;             /* EXT2_FT_*, with the filetype feature */
    char     name[];                /* name_len bytes, not terminated */
} __attribute__((packed));

/* file_type */
#define EXT2_FT_UNKNOWN         0
#define EXT2_FT_REG_FILE        1
#define EXT2_FT_DIR             2
#define EXT2_FT_CHRDEV          3
#define EXT2_FT_BLKDEV          4
#define EXT2_FT_FIFO            5
#define EXT2_FT_SOCK            6
#define EXT2_FT_SYMLINK         7
#define EXT2_FT_MAX             8

/* The sizes the format fixes; a wrong field would move everything after it. */
_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "superblock is 1024 bytes");
_Static_assert(__builtin_offsetof(struct ext2_super, s_magic) == 56, "s_magic at 56");
_Static_assert(__builtin_offsetof(struct ext2_super, s_first_ino) == 84, "s_first_ino at 84");
_Static_assert(__builtin_offsetof(struct ext2_super, s_uuid) == 104, "s_uuid at 104");
_Static_assert(__builtin_offsetof(struct ext2_super, s_reserved_gdt_blocks) == 206, "s_reserved_gdt_blocks at 206");
_Static_assert(__builtin_offsetof(struct ext2_super, s_jnl_blocks) == 268, "s_jnl_blocks at 268");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor is 32 bytes");
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE, "inode is 128 bytes");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_block) == 40, "i_block at 40");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_size_high) == 108, "i_size_high at 108");
_Static_assert(sizeof(struct ext2_dir_entry_2) == EXT2_DIR_ENTRY_HEADER, "entry header is 8 bytes");
