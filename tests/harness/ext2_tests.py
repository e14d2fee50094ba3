"""ext2_tests.py - the kernel's ext2 judged from outside: it must read
every file of the test images exactly as tools/mkimages wrote them, refuse
or restrict what it does not support with a message naming the feature,
and survive damaged images -- no panic, no hang, no silent wrong data.

Each test is a function (log_path) -> None on pass or a reason string.
"""
import os
import random
import re
import struct
import subprocess

import disks
import ext2_images
import judge
import kernel

MOUNT = "/mnt"
SCRIPT = f"mount hda {MOUNT}\ntree {MOUNT}\numount {MOUNT}\nhalt\n"
DAMAGED_IMAGES = 50
TREE_LINE = re.compile(rf"^{MOUNT}(/\S*) (\d+) ([0-9a-f]{{8}})$", re.M)


def tree_lines(text):
    """[(path, size, crc)] from the kernel's `tree` output."""
    return [(p, int(s), c) for p, s, c in TREE_LINE.findall(text)]


def read_tree(image_path, log, timeout=60):
    rc = kernel.boot("monitor", log, disks=[image_path], stdin_text=SCRIPT, timeout=timeout)
    return rc, kernel.read_log(log)


def tree_matches_manifest(name):
    def test(log):
        image = ext2_images.images()[name]
        copy = ext2_images.fresh_copy(image, log + ".img")
        rc, text = read_tree(copy, log)
        if rc != 0:
            return f"qemu-boot status {rc}"
        expected = manifest(image)
        got = tree_lines(text)
        if got != expected:
            missing = [e for e in expected if e not in got]
            extra = [g for g in got if g not in expected]
            return (f"tree differs from the manifest: {len(missing)} missing (first "
                    f"{missing[:1]}), {len(extra)} unexpected (first {extra[:1]})")
        problems = ext2_images.e2fsck_problems(copy)
        if problems:
            return "e2fsck -fn complains after the kernel mounted it: " + problems[:200]
        os.unlink(copy)
        return None
    return test


def manifest(image):
    """The manifest in tree_lines' form: (path, size, crc as 8 hex digits)."""
    return [(p, s, c if isinstance(c, str) else f"{c:08x}")
            for p, s, c in ext2_images.read_manifest(image.manifest)]


def patch_super(path, offset, fmt, value):
    """Change one superblock field in place (the superblock is at byte 1024)."""
    with open(path, "r+b") as f:
        f.seek(1024 + offset)
        f.write(struct.pack(fmt, value))


S_FEATURE_INCOMPAT, S_FEATURE_RO_COMPAT = 96, 100


def ext2_unsupported_features_refused_or_read_only(log):
    """An incompat feature swiod does not know refuses the mount, naming it;
    an unknown ro_compat feature mounts read-only and says why."""
    image = ext2_images.images()["plain1k"]
    incompat = ext2_images.fresh_copy(image, log + ".incompat.img")
    patch_super(incompat, S_FEATURE_INCOMPAT, "<I", 0x40)          # extents
    rc, text = read_tree(incompat, log + ".incompat")
    if rc != 0 or "unsupported incompat feature 0x40 (extents)" not in text:
        return f"extents image: status {rc}, no message naming the feature"
    if "vfs: mounted hda" in text or TREE_LINE.search(text):
        return "an image with an unknown incompat feature was mounted"

    ro = ext2_images.fresh_copy(image, log + ".rocompat.img")
    patch_super(ro, S_FEATURE_RO_COMPAT, "<I", 0x8000)             # verity
    rc, text = read_tree(ro, log)
    if rc != 0 or "mounting read-only" not in text or "(read-only)" not in text:
        return f"ro_compat image: status {rc}; not mounted read-only with a reason"
    if len(tree_lines(text)) != len(ext2_images.read_manifest(image.manifest)):
        return "the read-only mount did not read every file"
    return None


# ---- damaged images -----------------------------------------------------------

def super_and_descriptors(path):
    """(block size, [(group, descriptor byte offset)], inode table blocks) of an image."""
    with open(path, "rb") as f:
        f.seek(1024)
        sb = f.read(1024)
    blocks, first_data, log_bs, per_group = struct.unpack_from("<I16xII4xI", sb, 4)
    bs = 1024 << log_bs
    groups = (struct.unpack_from("<I", sb, 4)[0] - first_data + per_group - 1) // per_group
    desc_base = (first_data + 1) * bs
    descs = [desc_base + 32 * g for g in range(groups)]
    with open(path, "rb") as f:
        tables = []
        for off in descs:
            f.seek(off)
            tables.append(struct.unpack("<III", f.read(12))[2])
    return bs, descs, tables


def damage(path, rng):
    """Flip bytes in one kind of metadata; returns what was damaged."""
    bs, descs, tables = super_and_descriptors(path)
    kind = rng.choice(["superblock", "descriptor", "inode table", "directory"])
    with open(path, "r+b") as f:
        if kind == "superblock":
            offsets = [1024 + rng.randrange(0, 120) for _ in range(rng.randint(1, 4))]
        elif kind == "descriptor":
            d = rng.choice(descs)
            offsets = [d + rng.randrange(0, 16) for _ in range(rng.randint(1, 3))]
        elif kind == "inode table":
            # The first inodes: the root (2) and the first files (from 11).
            t = tables[0] * bs
            offsets = [t + rng.randrange(0, 128 * 24) for _ in range(rng.randint(1, 6))]
        else:
            # Directory blocks sit near the start of group 0's data.
            t = tables[0] * bs
            start = t + 128 * 1024 if bs == 1024 else t + 64 * bs
            offsets = [start + rng.randrange(0, 64 * bs) for _ in range(rng.randint(1, 8))]
        for off in offsets:
            f.seek(off)
            old = f.read(1)
            f.seek(off)
            f.write(bytes([old[0] ^ (1 << rng.randrange(8)) if rng.random() < 0.7
                           else rng.randrange(256)]))
    return kind


def ext2_damaged_images_never_bring_the_kernel_down(log):
    """Seeded damage to the superblock, group descriptors, inode table and
    directories of DAMAGED_IMAGES copies.  Each boot must end with the
    monitor's halt (no panic, no hang), and every file the kernel does list
    with the name, size and checksum of an undamaged file must be right:
    damage may make files unreadable (with a message) but never makes a
    listed file wrong."""
    seed = int(os.environ.get("SEED", "0")) or random.randrange(1, 1 << 30)
    rng = random.Random(seed)
    image = ext2_images.images()["plain1k"]
    expected = {p: (s, c) for p, s, c in manifest(image)}
    report = [f"seed={seed} (SEED={seed} repeats it)"]
    for i in range(DAMAGED_IMAGES):
        copy = ext2_images.fresh_copy(image, f"{log}.{i}.img")
        kind = damage(copy, rng)
        rc, text = read_tree(copy, f"{log}.{i}", timeout=30)
        if rc != 0:
            return f"image {i} (damaged {kind}, seed {seed}): qemu-boot status {rc}; log {log}.{i}"
        for path, size, crc in tree_lines(text):
            if path in expected and expected[path] != (size, crc) and "ext2: hda:" not in text:
                return (f"image {i} (damaged {kind}, seed {seed}): {path} listed as {size} "
                        f"{crc}, expected {expected[path]}, and nothing was reported")
        refused = "ext2: hda:" in text
        report.append(f"image {i}: {kind}: {'reported' if refused else 'read'}, "
                      f"{len(tree_lines(text))} files listed")
        os.unlink(copy)
        os.unlink(f"{log}.{i}")
    with open(log, "w") as f:
        f.write("\n".join(report) + "\n")
    return None


def root_inode_sector(image):
    """The sector holding the root inode, where debugfs's imap says it is."""
    out = subprocess.run([ext2_images.DEBUGFS, "-R", "imap <2>", image], check=True,
                         capture_output=True, text=True).stdout
    block, offset = re.search(r"located at block (\d+), offset (0x[0-9a-f]+)", out).groups()
    block_size = int(re.search(r"Block size: +(\d+)", subprocess.run(
        [ext2_images.DEBUGFS, "-R", "stats", image], check=True, capture_output=True,
        text=True).stdout).group(1))
    return (int(block) * block_size + int(offset, 16)) // 512


def ext2_mount_on_failing_disk_says_eio(log):
    """A disk that fails the root inode's read (blkdebug) after the
    superblock and group descriptors were read: mount says -EIO (5), the
    disk's fault, not -EUCLEAN (117), which would blame the file system
    and send the student to e2fsck."""
    copy = ext2_images.fresh_copy(ext2_images.images()["plain1k"], log + ".img")
    disk = disks.blkdebug(os.path.dirname(log), copy, [("read_aio", root_inode_sector(copy))])
    rc = kernel.boot("monitor", log, disks=[disk], stdin_text=f"mount hda {MOUNT}\nhalt\n")
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, [r"^mount hda: error -5$",
                                           r"monitor: halt \(0 test failures"])
    if not reason and "error -117" in text:
        reason = "mount blamed the file system (-117)"
    if not reason:
        os.unlink(copy)
    return reason


EXT2_TESTS = {
    "ext2_mount_on_failing_disk_says_eio": ext2_mount_on_failing_disk_says_eio,
    "ext2_plain1k_every_file_reads_back": tree_matches_manifest("plain1k"),
    "ext2_debian4k_every_file_reads_back": tree_matches_manifest("debian4k"),
    "ext2_rev0_2k_every_file_reads_back": tree_matches_manifest("rev0_2k"),
    "ext2_unsupported_features_refused_or_read_only":
        ext2_unsupported_features_refused_or_read_only,
    "ext2_damaged_images_never_bring_the_kernel_down":
        ext2_damaged_images_never_bring_the_kernel_down,
}


# ---- writing: kernel tests on a private copy, judged by e2fsck and debugfs ----------

import judge as _judge      # noqa: E402  (the verdict of a kernel test)

# What tests/kernel/test_ext2_write.c writes: boundary_sizes and its pattern.
BOUNDARY_SIZES = [0, 1, 4095, 4097, 12287, 12288, 12289, 49151, 49152, 49153,
                  274431, 274432, 274433, 300000]


def pattern(seed, size):
    """ext2_pattern_byte(seed, i) for i < size."""
    return bytes((((i * 131 + seed) & 0xffffffff) ^ (i >> 8)) & 0xff for i in range(size))


def written_by_ktest(ktest, image_name, check=None, timeout=30):
    """Boot test=KTEST with a fresh copy of image_name as hda; pass when the
    kernel test passes, e2fsck -fn finds the image clean, and check(copy)
    (debugfs comparisons) returns None."""
    def test(log):
        copy = ext2_images.fresh_copy(ext2_images.images()[image_name], log + ".img")
        rc = kernel.boot(f"test={ktest}", log, disks=[copy], timeout=timeout)
        reason = _judge.judge(ktest, rc, kernel.read_log(log))
        if reason:
            return reason
        problems = ext2_images.e2fsck_problems(copy)
        if problems:
            return "e2fsck -fn complains after the kernel wrote it: " + problems[:600]
        reason = check(copy) if check else None
        if reason:
            return reason
        os.unlink(copy)
        return None
    return test


def boundary_files_match(copy):
    for i, size in enumerate(BOUNDARY_SIZES):
        reason = ext2_images.compare_file(copy, f"/w/size-{size}", pattern(i + 1, size))
        if reason:
            return reason
    return None


MANY_DIRS, MANY_FILES_PER_DIR = 5, 200     # test_ext2_write.c's DIRS, FILES_PER_DIR


def many_files_match(copy):
    for d in range(MANY_DIRS - 1):
        for f in range(1, MANY_FILES_PER_DIR, 2):
            reason = ext2_images.compare_file(
                copy, f"/many-{d}/file-with-a-longish-name-{f:03d}", pattern(d * 1000 + f, f * 37))
            if reason:
                return reason
    if ext2_images.debugfs_dump(copy, "/many-0/file-with-a-longish-name-000") is not None:
        return "a removed file is still there for debugfs"
    return None


def fill_files_match(copy):
    return (ext2_images.compare_file(copy, "/fill-2", pattern(12, 100 * 1024)) or
            ext2_images.compare_file(copy, "/after", pattern(13, 200 * 1024)))


def renamed_files_match(copy):
    return (ext2_images.compare_file(copy, "/empty-dir/sub/moved", pattern(22, 20000)) or
            ext2_images.compare_file(copy, "/empty-dir/sub/f", pattern(21, 3000)) or
            ext2_images.compare_file(copy, "/t", pattern(24, 5000)))


def opened_files_match(copy):
    return (ext2_images.compare_file(copy, "/opened",
                                     b"hello, world" + bytes(4000) + b"!?") or
            ext2_images.compare_file(copy, "/truncated", b"ab"))


EXT2_TESTS["vfs_open_files_read_write_lseek"] = written_by_ktest(
    "vfs_open_files_read_write_lseek", "plain1k", opened_files_match)

for _image in ("plain1k", "debian4k", "rev0_2k"):
    EXT2_TESTS.update({
        f"ext2_{_image}_write_boundary_files_read_back": written_by_ktest(
            "ext2_write_boundary_files_read_back", _image, boundary_files_match),
        f"ext2_{_image}_write_many_files_created_and_removed": written_by_ktest(
            "ext2_write_many_files_created_and_removed", _image, many_files_match),
        f"ext2_{_image}_write_fill_until_enospc_then_reuse": written_by_ktest(
            "ext2_write_fill_until_enospc_then_reuse", _image, fill_files_match),
        f"ext2_{_image}_rename_and_rmdir_semantics": written_by_ktest(
            "ext2_rename_and_rmdir_semantics", _image, renamed_files_match),
    })


# ---- no silent limits: a directory of 10,000 entries, 255-byte names, the
# ---- longest path, a deep tree, and the monitor's line and word limits ----------

BIG_DIR_ENTRIES = 10_000
NAME_MAX, PATH_MAX = 255, 4096              # include/vfs.h: the longest path is 4095
TREE_MAX_DEPTH = 64                         # fs/fs_monitor.c
LINE_MAX, MAX_WORDS = 2 * 4096 + 256, 64    # include/monitor.h
DEEP_LEVELS = TREE_MAX_DEPTH + 6
LIMITS_IMAGE = (["-t", "ext2", "-b", "4096", "-N", "12000"], 32 * 1024)   # Debian's defaults


def dirs_to_path_limit(base):
    """base, then directories named 255 times their level's letter (a, b,
    ...), one inside the other, until a name of at most 255 bytes brings
    the path to 4095 bytes -- as test_vfs_limits.c's make_deep_dirs."""
    path, level = base, 0
    while PATH_MAX - 1 - len(path) - 1 > NAME_MAX:
        path += "/" + chr(ord("a") + level) * NAME_MAX
        level += 1
    return path


def long_dirs():
    """The deepest directory of limits_files, from the root of the image."""
    return dirs_to_path_limit(f"{MOUNT}/long")[len(MOUNT) + 1:]


def limits_files():
    """path -> bytes, and the tree lines' errors the kernel must print."""
    files = {f"big/entry-{i:05d}": (f"entry {i}\n".encode() if i % 97 == 0 else b"")
             for i in range(BIG_DIR_ENTRIES)}
    deepest = long_dirs()
    room = PATH_MAX - 1 - len(f"{MOUNT}/{deepest}") - 1       # at most 255
    files[f"{deepest}/" + "y" * room] = b"a path of 4095 bytes\n"
    files[f"{deepest}/" + "z" * (room + 1)] = b"a path of 4096 bytes\n"
    parts = deepest.split("/")
    for level in range(1, len(parts) + 1):
        files["/".join(parts[:level]) + "/" + "F" * NAME_MAX] = f"level {level}\n".encode()
    for level in range(DEEP_LEVELS):
        files["deep/" + "d/" * level + "f"] = f"depth {level}\n".encode()
    return files


def limits_expected(files, manifest_lines):
    """(tree lines the kernel must print, its error lines) for files."""
    listed, errors = [], set()
    too_deep = f"{MOUNT}/deep" + "/d" * TREE_MAX_DEPTH
    errors.add(f"tree {too_deep}: error -40 (more than {TREE_MAX_DEPTH} levels down; not listed)")
    for line in manifest_lines:
        path, size, crc = line.rsplit(" ", 2)
        full = MOUNT + path
        if full.startswith(too_deep + "/"):
            continue
        if len(full) >= PATH_MAX:
            errors.add(f"tree {full}: error -36 (a path of {PATH_MAX} bytes or more)")
            continue
        listed.append((path, int(size), crc))
    return listed, errors


def limits_script(files):
    """Monitor input: tree, ls, stat at and past the path limit, the line and
    word limits; and the output lines each must give."""
    deepest = f"{MOUNT}/{long_dirs()}"
    at_limit = next(p for p in files if "/y" in p and p.startswith("long/"))
    over = f"{deepest}/" + "z" * (PATH_MAX - len(deepest) - 1)
    name_256 = f"{MOUNT}/" + "n" * (NAME_MAX + 1)
    many = " ".join(f"w{i}" for i in range(MAX_WORDS - 2))      # write PATH + 62 words
    unknown = "u" * 600
    cut = len(f'unknown command "{unknown}"; try help\n') - 511
    script = "\n".join([
        f"mount hda {MOUNT}", f"tree {MOUNT}", f"ls {MOUNT}/big",
        f"stat {MOUNT}/{at_limit}", f"stat {over}", f"stat {name_256}",
        "stat " + MOUNT + "/" + "a" * LINE_MAX,
        f"write {MOUNT}/words {many} one-too-many", f"write {MOUNT}/words {many}",
        f"cat {MOUNT}/words", unknown, f"umount {MOUNT}", "halt"]) + "\n"
    expect = [
        f"{MOUNT}/{at_limit}: inode ",
        f"stat {over}: error -36\n", f"stat {name_256}: error -36\n",
        f"monitor: line longer than {LINE_MAX - 1} characters; not run\n",
        f"monitor: more than {MAX_WORDS} words; not run\n",
        f"\n{many}\n", f" [... {cut} bytes cut]\n"]
    return script, expect


def no_silent_limits_tree_ls_and_monitor(log):
    """A directory of 10,000 entries (Debian's 4 KiB-block ext2 made by
    mke2fs -d) listed whole by tree and ls; 255-byte names down to a path of
    4095 bytes, listed, and the first path past it reported; a tree deeper
    than tree's limit reported where it stops; the monitor's line and word
    limits and a cut console line said, not silent."""
    files = limits_files()
    image = log + ".img"
    manifest_lines = ext2_images.make_image(image, files, *LIMITS_IMAGE)
    listed, errors = limits_expected(files, manifest_lines)
    script, expect = limits_script(files)
    rc = kernel.boot("monitor", log, disks=[image], stdin_text=script, timeout=90)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}"
    got = tree_lines(text)
    if got != listed:
        missing = [e for e in listed if e not in got]
        extra = [g for g in got if g not in listed]
        return (f"tree differs from the host's files: {len(got)} lines for {len(listed)}, "
                f"{len(missing)} missing (first {str(missing[:1])[:300]}), "
                f"{len(extra)} unexpected (first {str(extra[:1])[:300]})")
    got_errors = {l for l in text.splitlines() if l.startswith("tree ") and ": error " in l}
    if got_errors != errors:
        return (f"tree's errors: {len(got_errors - errors)} unexpected "
                f"({str(sorted(got_errors - errors))[:300]}), {len(errors - got_errors)} "
                f"missing ({str(sorted(errors - got_errors))[:300]})")
    entries = re.findall(r"^entry-\d{5}$", text, re.M)
    want = sorted(p.split("/")[1] for p in files if p.startswith("big/"))
    if sorted(entries) != want:
        return f"ls {MOUNT}/big listed {len(entries)} entries, {len(set(entries))} distinct, of {len(want)}"
    for e in expect:
        if e not in text:
            return f"no {e[:120]!r} in the output"
    if re.search(rf"^stat {MOUNT}/a{{100,}}", text, re.M):
        return "a line longer than the monitor's limit was run anyway (cut)"
    problems = ext2_images.e2fsck_problems(image)
    if problems:
        return "e2fsck -fn complains after the kernel wrote it: " + problems[:600]
    os.unlink(image)
    return None


EXT2_TESTS["ext2_no_silent_limits_big_dir_long_names_deep_tree_monitor"] = \
    no_silent_limits_tree_ls_and_monitor


def long_path_file_matches(copy):
    """The file test_vfs_limits.c wrote at the end of a 4095-byte path."""
    path = dirs_to_path_limit(MOUNT)[len(MOUNT):]
    path += "/" + "z" * (PATH_MAX - 1 - len(MOUNT + path) - 1)
    return ext2_images.compare_file(copy, path, b"at the end of a path of 4095 bytes\n")


EXT2_TESTS["vfs_paths_of_4095_bytes_work_longer_ones_are_refused"] = written_by_ktest(
    "vfs_paths_of_4095_bytes_work_longer_ones_are_refused", "plain1k", long_path_file_matches)
