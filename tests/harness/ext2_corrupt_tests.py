"""ext2_corrupt_tests.py - one boot per kind of damage to an ext2 image,
each judged on the exact lines the kernel must print about it.

Where ext2_tests.py's ext2_damaged_images_never_bring_the_kernel_down
flips random bits, these make one named corruption each, the way a
student's broken image or a hostile one would have it: a directory entry
whose rec_len is 0, a block map that points at the superblock or at
itself, a bitmap that says a used block is free, a directory that is its
own ancestor, a superblock whose block size is 2^20 KiB.  For each:

  - the kernel says what is wrong, naming the device and the inode, block
    or field (`ext2: hda: ...`), and the operation fails with its errno
    (-117 EUCLEAN for damage, -22 EINVAL for what swiod does not handle,
    -30 EROFS for writes to a file system it would not trust to write);
  - no panic and no hang: the views typed afterwards (ls, cat, stat, tree,
    write, mkdir, mv, rm, mount, swap, vmstat, umount) all answer, and the
    monitor's halt ends the boot with status 0;
  - nothing is lost: every file `tree` lists has the size and CRC-32 it
    was made with, and `e2fsck -fn` finds no damage after the boot that it
    did not find before it (the kernel's own writes are checked by
    e2fsck, so a block given to two files would show).

Each test is a function (log_path) -> None on pass or a reason.
"""
import os
import re
import struct
import subprocess
import zlib

import ext2_images
import judge
import kernel
from user_session import ended, monitor_session

MOUNT = "/mnt"
# The files every image holds: a small file, one past the direct blocks
# (1 KiB blocks: 40 blocks, through the indirect block), a directory with
# a file and a subdirectory, and a directory of three 1 KiB blocks.
FILES = {
    "f": b"hello, file\n" * 10,
    "big": bytes((i * 7) & 0xff for i in range(40 * 1024)),
    "d/g": b"in d\n",
    "d/sub/h": b"deeper\n",
    "d/sub/k": b"k" * 3000,
    **{f"m/an-entry-with-a-longer-name-{i:02d}": b"" for i in range(60)},
}
PLAIN_1K = ["-t", "ext2", "-O", "none", "-I", "128", "-b", "1024"]
LARGE_FILE_1K = ["-t", "ext2", "-O", "none,large_file", "-I", "128", "-b", "1024"]
LARGE_FILE_4K = ["-t", "ext2", "-O", "none,large_file", "-I", "128", "-b", "4096"]
IMAGE_KIB = 4096
NEW_TEXT = "written after the damage"
VIEWS = [f"mount hda {MOUNT}", f"ls {MOUNT}", f"ls -l {MOUNT}/d", f"cat {MOUNT}/f",
         f"stat {MOUNT}/big", f"tree {MOUNT}", f"write {MOUNT}/new {NEW_TEXT}",
         f"cat {MOUNT}/new", f"mkdir {MOUNT}/x", f"mv {MOUNT}/x {MOUNT}/d/sub/x",
         f"write {MOUNT}/d/w {NEW_TEXT}", f"rm {MOUNT}/big", f"rm {MOUNT}/f", f"ls {MOUNT}",
         "mount",
         "swap", "vmstat", f"umount {MOUNT}", "halt"]
TREE_LINE = re.compile(rf"^{MOUNT}(/\S*) (\d+) ([0-9a-f]{{8}})$", re.M)
HALTED = r"monitor: halt \(0 test failures in this boot\)"


def debugfs(image, *requests):
    """Run debugfs -w requests on image; its output."""
    r = subprocess.run([ext2_images.DEBUGFS, "-w", "-f", "-", image],
                       input="\n".join(requests) + "\n", capture_output=True, text=True,
                       timeout=60)
    return r.stdout + r.stderr


def debugfs_says(image, request):
    return subprocess.run([ext2_images.DEBUGFS, "-R", request, image], capture_output=True,
                          text=True, timeout=60).stdout


def inode_of(image, path):
    return int(re.search(r"Inode: (\d+)", debugfs_says(image, f"stat {path}")).group(1))


def blocks_of(image, path):
    """The data blocks of path, in file order."""
    return [int(b) for b in debugfs_says(image, f"blocks {path}").split()]


def indirect_block(image, path):
    return int(re.search(r"\(IND\):(\d+)", debugfs_says(image, f"stat {path}")).group(1))


def block_bitmap(image):
    out = debugfs_says(image, "stats")
    return int(re.search(r"block bitmap at (\d+)", out).group(1))


def poke(image, offset, data):
    with open(image, "r+b") as f:
        f.seek(offset)
        f.write(data)


def dirents(image, block, block_size=1024):
    """name -> byte offset of its entry in the directory block."""
    with open(image, "rb") as f:
        f.seek(block * block_size)
        data = f.read(block_size)
    offsets, off = {}, 0
    while off < block_size:
        rec_len, name_len = struct.unpack_from("<HB", data, off + 4)
        offsets[data[off + 8:off + 8 + name_len].decode()] = off
        off += rec_len
    return offsets


# ---- the corruptions: each damages image and returns the lines (regexes,
# ---- in order) the kernel must print about it ----------------------------------

def dirent_field(field, value, name):
    """Set field (inode, rec_len or name_len) of /d's entry name."""
    fmt, at = {"inode": ("<I", 0), "rec_len": ("<H", 4), "name_len": ("<B", 6)}[field]

    def corrupt(image):
        block = blocks_of(image, "/d")[0]
        poke(image, block * 1024 + dirents(image, block)[name] + at, struct.pack(fmt, value))
        return block, inode_of(image, "/d")
    return corrupt


def bad_dirent(field, value, name, why):
    """A damaged entry in /d: ls /mnt/d fails with -117, the reason named."""
    def corrupt(image):
        block, d = dirent_field(field, value, name)(image)
        return [rf"ext2: hda: directory {d}, block {block}: directory entry at offset \d+: "
                + why, rf"^ls {MOUNT}/d: error -117$", rf"^tree {MOUNT}/d: error -117$"]
    return corrupt


def dirent_inode_0(image):
    """An entry with inode 0 is unused space: g is gone, nothing is wrong."""
    dirent_field("inode", 0, "g")(image)
    return [rf"^swiod> ls -l {MOUNT}/d\n +\d+ 040755 +3 +1024  \.\n +2 040755 +\d+ +1024  \.\.\n"
            r" +\d+ 040755 +2 +1024  sub\nswiod> "]


def dir_block_at(block, why):
    """/d's first block pointer set to block: the map check refuses it."""
    def corrupt(image):
        debugfs(image, f"sif /d block[0] {block}")
        return [rf"ext2: hda: inode {inode_of(image, '/d')}: data block: {why}",
                rf"^ls {MOUNT}/d: error -117$"]
    return corrupt


def dir_hole(image):
    """The middle one of /m's three blocks is gone: a hole in a directory."""
    assert len(blocks_of(image, "/m")) == 3
    debugfs(image, "sif /m block[1] 0")
    return [rf"ext2: hda: directory {inode_of(image, '/m')} has a hole at block 1",
            rf"^tree {MOUNT}/m: error -117$"]


def huge_size(image):
    """i_size 2^40 with a handful of blocks: with 1 KiB blocks more than the
    map can hold (-117); see huge_sparse_file for 4 KiB."""
    debugfs(image, "sif /f size 0x10000000000")
    return [rf"ext2: hda: inode {inode_of(image, '/f')}: size 1099511627776 is more than "
            r"the block map holds", rf"^cat {MOUNT}/f: error -117$"]


def huge_sparse_file(image):
    """With 4 KiB blocks and large_file, 2^40 bytes is a valid sparse file
    (e2fsck agrees): cat and tree say it is too big to read, and go on."""
    debugfs(image, "sif /f size 0x10000000000")
    return [rf"^cat {MOUNT}/f: error -27 \(1099511627776 bytes: more than the 1048576 cat "
            r"prints; not printed\)$",
            rf"^tree {MOUNT}/f: error -27 \(1099511627776 bytes: more than the 1073741824 "
            r"tree reads; not listed\)$"]


def indirect_loop(image):
    """/big's indirect block names itself as file block 12: read as data,
    it would be the map; freed, it would be freed twice.  rm refuses before
    it frees anything."""
    ind = indirect_block(image, "/big")
    poke(image, ind * 1024, struct.pack("<I", ind))
    return [rf"ext2: hda: inode {inode_of(image, '/big')}: data block {ind} is also an "
            r"indirect block above it: the block map loops",
            rf"^tree {MOUNT}/big: error -117$", rf"^rm {MOUNT}/big: error -117$"]


def indirect_in_inode_table(image):
    debugfs(image, "sif /big block[IND] 10")
    return [rf"ext2: hda: inode {inode_of(image, '/big')}: indirect block: block 10 is "
            r"metadata: group 0's inode table", rf"^tree {MOUNT}/big: error -117$",
            rf"^rm {MOUNT}/big: error -117$"]


def block_named_twice(image):
    """/f's map names its one block twice (block[0] and block[5]): rm frees
    it once, says so the second time, and still cuts the whole map."""
    block = blocks_of(image, "/f")[0]
    debugfs(image, f"sif /f block[5] {block}")
    return [rf"^swiod> rm {MOUNT}/f\n\[ *[\d.]+\] ext2: hda: freeing block {block}, which is "
            r"free already\nswiod> ls"]


def dir_size_0(image):
    """/d's i_size 0, its block still mapped: a new entry must not get a
    zeroed block where g and sub are."""
    debugfs(image, "sif /d size 0")
    return [rf"ext2: hda: directory {inode_of(image, '/d')}: its size 0 ends before its "
            rf"block 0 \(block {blocks_of(image, '/d')[0]}\)", rf"^write {MOUNT}/d/w: error -117$"]


def bitmap_frees_used_block(image):
    """Clear the bitmap bits of 8 of /big's blocks (the free count left as
    it was): the next write would get one of them."""
    victim = blocks_of(image, "/big")[4]
    bit = victim - 1                     # 1 KiB blocks: bit 0 is block 1
    poke(image, block_bitmap(image) * 1024 + bit // 8, b"\0")
    return [r"ext2: hda: group 0: its block bitmap \(block \d+\) has \d+ free, its descriptor "
            r"says \d+; mounting read-only, e2fsck is needed",
            rf"vfs: mounted hda on {MOUNT} \(read-only\)", rf"^write {MOUNT}/new: error -30$"]


def inode_bitmap_frees_used_inode(image):
    """/f's inode marked free, with the group's and the superblock's free
    counts moved to match: the mount's count check cannot see it, and the
    next new file would get /f's inode and wipe it."""
    f = inode_of(image, "/f")
    stats = debugfs_says(image, "stats")
    group_free = int(re.search(r"Group  0: .*\n.*?(\d+) free inodes", stats).group(1))
    debugfs(image, "freei /f", f"set_bg 0 free_inodes_count {group_free + 1}",
            f"ssv free_inodes_count {group_free + 1}")
    return [rf"ext2: hda: inode {f} is free in its bitmap but has 1 links: the bitmap is "
            r"wrong, the inode is not reused", rf"^write {MOUNT}/new: error -117$"]


def super_field(field, value, why):
    """debugfs's set_super_value: the mount is refused, naming the field."""
    def corrupt(image):
        debugfs(image, f"ssv {field} {value}")
        return [r"ext2: hda: " + why, r"^mount hda: error -117$", rf"^ls {MOUNT}: error -2$"]
    return corrupt


def inode_table_past_disk(image):
    debugfs(image, "set_bg 0 inode_table 999999")
    return [r"ext2: hda: group 0: inode table at block 999999 \(\d+ blocks\), outside blocks "
            r"\d+\.\.\d+ the group has for it", r"^mount hda: error -117$"]


def symlinks_and_devices(image):
    """A fast symlink (target in the inode), a slow one (in a block), a
    character device and a FIFO: tree lists a symlink's target as its
    contents; the device and the FIFO are types swiod does not handle."""
    out = debugfs(image, "cd /d", "symlink ln /f", "symlink longln " + "/x" * 40,
                  "mknod dev c 1 3", "mknod fifo p")
    dev, fifo = (int(n) for n in re.findall(r"Allocated inode: (\d+)", out))
    return [rf"^ +{dev}  \?  dev: error -22$", rf"^ +{fifo}  \?  fifo: error -22$",
            rf"ext2: hda: inode {dev} has a type swiod does not handle \(mode 020000\)",
            rf"^tree {MOUNT}/d/dev: error -22$", rf"^tree {MOUNT}/d/fifo: error -22$",
            rf"^{MOUNT}/d/ln 2 {zlib.crc32(b'/f'):08x}$",
            rf"^{MOUNT}/d/longln 80 {zlib.crc32(b'/x' * 40):08x}$"]


def directory_loops(image):
    """/d/sub/up and /d/sub/up2 name /d, an ancestor: walked, they would
    make tree's walk 2^64 paths long.  /d/sub's ".." names itself: mv's
    check that a directory is not moved below itself climbs ".." to the
    root, and never gets there."""
    d = inode_of(image, "/d")
    debugfs(image, "link /d /d/sub/up", "link /d /d/sub/up2")
    sub = blocks_of(image, "/d/sub")[0]
    dotdot = sub * 1024 + dirents(image, sub)[".."]
    poke(image, dotdot, struct.pack("<I", inode_of(image, "/d/sub")))
    return [rf"^tree {MOUNT}/d/sub/up: error -40 \(inode {d} is a directory above it: a loop; "
            r"not listed\)$", rf"^tree {MOUNT}/d/sub/up2: error -40 ",
            rf"vfs: hda: the \"\.\.\" entries above directory {inode_of(image, '/d/sub')} "
            r"never reach the root \(a loop\); e2fsck is needed",
            rf"^mv {MOUNT}/x: error -117$"]


def root_not_a_directory(image):
    debugfs(image, "sif <2> mode 0100644")
    return [r"ext2: hda: the root inode is not a directory", r"^mount hda: error -117$"]


def root_hole(image):
    """The root directory's only block pointer is 0: it mounts, and every
    lookup in it says why it fails."""
    debugfs(image, "sif <2> block[0] 0")
    return [r"ext2: hda: directory 2 has a hole at block 0", rf"^ls {MOUNT}: error -117$",
            rf"^write {MOUNT}/new: error -117$"]


def cut_to(size, why):
    """The image cut short to size bytes: the mount is refused with -22
    when not even the superblock is there, else -117."""
    def corrupt(image):
        os.truncate(image, size)
        errno = -22 if size < 2048 else -117
        return [r"ext2: hda: " + why, rf"^mount hda: error {errno}$"]
    return corrupt


# name -> (mke2fs options, corruption)
CASES = {
    "dirent_rec_len_0": (PLAIN_1K, bad_dirent(
        "rec_len", 0, "g", r"rec_len 0 \(a multiple of 4, at least 12 for a 1-byte name\)")),
    "dirent_rec_len_past_block": (PLAIN_1K, bad_dirent(
        "rec_len", 2000, "sub", r"rec_len 2000 crosses the end of the 1024-byte block")),
    "dirent_name_len_past_rec_len": (PLAIN_1K, bad_dirent(
        "name_len", 200, "g", r"rec_len 12 \(a multiple of 4, at least 208 for a 200-byte name\)")),
    "dirent_inode_past_inodes_count": (PLAIN_1K, bad_dirent(
        "inode", 5000, "g", r"inode 5000 \(2 or 11\.\.1024\)")),
    "dirent_inode_0_is_unused": (PLAIN_1K, dirent_inode_0),
    "dir_block_past_the_disk": (PLAIN_1K, dir_block_at(
        99999, r"block 99999 outside the filesystem \(1\.\.4095\)")),
    "dir_block_on_the_superblock": (PLAIN_1K, dir_block_at(
        1, r"block 1 is metadata: group 0's superblock copy")),
    "dir_block_on_the_descriptors": (PLAIN_1K, dir_block_at(
        2, r"block 2 is metadata: group 0's descriptor table copy")),
    "dir_hole_in_the_middle": (PLAIN_1K, dir_hole),
    "dir_size_0_short_of_its_block": (PLAIN_1K, dir_size_0),
    "file_names_one_block_twice": (PLAIN_1K, block_named_twice),
    "size_2pow40_past_the_map": (LARGE_FILE_1K, huge_size),
    "size_2pow40_sparse_file": (LARGE_FILE_4K, huge_sparse_file),
    "indirect_block_names_itself": (PLAIN_1K, indirect_loop),
    "indirect_block_in_inode_table": (PLAIN_1K, indirect_in_inode_table),
    "bitmap_frees_used_blocks": (PLAIN_1K, bitmap_frees_used_block),
    "inode_bitmap_frees_used_inode": (PLAIN_1K, inode_bitmap_frees_used_inode),
    "blocks_per_group_0": (PLAIN_1K, super_field(
        "blocks_per_group", 0, r"superblock: s_blocks_per_group 0 \(a multiple of 8, 8\.\.8192\)")),
    "blocks_per_group_huge": (PLAIN_1K, super_field(
        "blocks_per_group", 0xffffffff, r"superblock: s_blocks_per_group 4294967295 ")),
    "log_block_size_10": (PLAIN_1K, super_field(
        "log_block_size", 10, r"superblock: s_log_block_size 10 \(block size over 64 KiB\)")),
    "inode_table_past_the_disk": (PLAIN_1K, inode_table_past_disk),
    "device_smaller_than_a_superblock": (PLAIN_1K, cut_to(
        1536, r"the device has 1536 bytes, too few for a superblock at byte 1024")),
    "image_cut_in_half": (PLAIN_1K, cut_to(
        IMAGE_KIB * 512,
        r"superblock: s_blocks_count 4096: 4194304 bytes, larger than the device "
        r"\(2097152 bytes\)")),
    "root_inode_not_a_directory": (PLAIN_1K, root_not_a_directory),
    "root_directory_hole": (PLAIN_1K, root_hole),
    "symlinks_and_devices": (PLAIN_1K, symlinks_and_devices),
    "directory_loops": (PLAIN_1K, directory_loops),
}


def e2fsck_findings(image):
    """What e2fsck -fn reports, numbers made N (the kernel's own writes move
    the counts), without its summary lines: a set of kinds of problem."""
    r = subprocess.run([ext2_images.E2FSCK, "-fn", image], capture_output=True, text=True,
                       timeout=120)
    found = set()
    for line in r.stdout.splitlines():
        if not line.strip() or line.startswith(("Pass ", "e2fsck ", image)):
            continue
        found.add(re.sub(r"\d+", "N", line.strip()))
    return found


def expected_tree(files):
    return {"/" + path: (len(data), f"{zlib.crc32(data):08x}") for path, data in files.items()}


def corrupt_test(options, corrupt):
    def test(log):
        image = log + ".img"
        ext2_images.make_image(image, FILES, options, IMAGE_KIB)
        expect = corrupt(image)
        before = e2fsck_findings(image)
        rc = kernel.boot("monitor", log, disks=[image], stdin_text="\n".join(VIEWS) + "\n",
                         timeout=60)
        text = kernel.read_log(log)
        if rc != 0:
            return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
        if "PANIC" in text:
            return "the log shows a PANIC"
        mounted = re.search(rf"vfs: mounted hda on {MOUNT}( \(read-only\))?$", text, re.M)
        listed = rf"^swiod> mount\nhda on {MOUNT}{re.escape(mounted.group(1) or '')}\n" \
            if mounted else r"^swiod> mount\nswiod> "
        reason = judge.missing_in_order(text, [
            *expect, listed, r"^device +prio +pages +used +bad$", r"^reclaim violations 0$",
            HALTED])
        if reason:
            return reason
        # Files listed are listed right; the new one, if written, reads back.
        files = expected_tree(FILES)
        for path, size, crc in TREE_LINE.findall(text):
            if path in files and files[path] != (int(size), crc):
                return f"tree lists {path} as {size} {crc}, it was made {files[path]}"
        if not re.search(rf"^write {MOUNT}/new: error -\d+$", text, re.M) and \
                NEW_TEXT not in text.split(f"cat {MOUNT}/new", 1)[1]:
            return "the write succeeded but cat does not read it back"
        new = e2fsck_findings(image) - before
        if new:
            return f"e2fsck -fn finds damage after the boot it did not before: {sorted(new)[:5]}"
        os.unlink(image)
        return None
    return test


EXT2_CORRUPT_TESTS = {f"ext2_corrupt_{name}": corrupt_test(options, corrupt)
                      for name, (options, corrupt) in CASES.items()}


# ---- the shell's ls on a damaged image ----------------------------------------

def damaged_disk(log):
    """hdb for the shell test: /d's entry g with rec_len 0."""
    image = log + ".damaged.img"
    ext2_images.make_image(image, FILES, PLAIN_1K, IMAGE_KIB)
    dirent_field("rec_len", 0, "g")(image)
    return [image]


# The user image is hda, mounted on /; the damaged one hdb on /mnt.  /bin/ls
# of the damaged directory says why and exits 1; of the rest of that file
# system, and from the shell, it goes on.
EXT2_CORRUPT_TESTS["ext2_corrupt_shell_ls_says_why_and_goes_on"] = monitor_session(
    f"mount hdb {MOUNT}\nrun /bin/ls {MOUNT}/d\nrun /bin/ls -l {MOUNT}\n"
    f"run /bin/sh\nls {MOUNT}/d\nls {MOUNT}/m\nexit\nmount\nvmstat\n",
    [r"ext2: hdb: directory \d+, block \d+: directory entry at offset 24: rec_len 0 ",
     rf"ls: {MOUNT}/d: Structure needs cleaning", ended("/bin/ls", "exited with status 1"),
     r"^d +1024 d$", r"^- +120 f$", ended("/bin/ls", "exited with status 0"),
     rf"ls: {MOUNT}/d: Structure needs cleaning", r"^an-entry-with-a-longer-name-59$",
     ended("/bin/sh", "exited with status 0"), rf"^hda on /\nhdb on {MOUNT}$",
     r"^reclaim violations 0$"],
    more_disks=damaged_disk)
