"""disks.py - disk images for kernel tests that use disks.

A test image is raw and holds a seeded pattern: sector S of an image
made with seed K is

    bytes 0..7     S, little-endian (a misplaced sector names itself)
    bytes 8..11    K, little-endian
    bytes 12..511  little-endian 32-bit words 3..127, word j being
                   (mix(K, S) + j * 0x9E3779B9) mod 2^32

with mix() below.  tests/kernel/test_ata.c computes the same pattern from
the same seed (disk_seed= on the command line), so the kernel can check
what it reads and the host can check what the kernel wrote: the tests
write the region they are given (write_sector=, write_count=) with the
pattern of seed K + 1.

A spec in specs.py uses these through two hooks that run_tests.py calls:
setup(directory) makes the images there and returns the --disk arguments,
check(disks, log_text) looks at them after the boot and returns None or
why the test failed.
"""
import os
import shutil
import struct

import kernel

SECTOR = 512
WORDS = SECTOR // 4
GOLDEN = 0x9E3779B9
M32 = 0xFFFFFFFF
DISK_DIR = os.path.join(kernel.ROOT, "build", "test-disks")
STEPS = [(j * GOLDEN) & M32 for j in range(WORDS)]


def mix(seed, sector):
    """A 32-bit hash of (seed, sector): the same as pattern_mix() in C."""
    x = (seed * 0x85EBCA77) & M32
    x ^= (sector & M32) * 0xC2B2AE3D & M32
    x ^= ((sector >> 32) * 0x27D4EB2F) & M32
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & M32
    x ^= x >> 12
    return x


def sector_bytes(seed, sector):
    v = mix(seed, sector)
    words = [(v + s) & M32 for s in STEPS]
    words[0], words[1], words[2] = sector & M32, sector >> 32, seed & M32
    return struct.pack("<128I", *words)


def pattern(seed, first, count):
    return b"".join(sector_bytes(seed, s) for s in range(first, first + count))


def scratch_dir(name):
    """An empty directory for one test's images: build/test-disks/NAME."""
    d = os.path.join(DISK_DIR, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def kept_if_failed(directory, reason):
    """reason, after removing a scratch_dir when there is none: a failed
    test's images stay for a look."""
    if not reason:
        shutil.rmtree(directory, ignore_errors=True)
    return reason


def make_image(path, size, seed, regions=None):
    """A raw image of size bytes (sparse where no pattern is written): the
    pattern of seed in every sector, or only in regions [(first, count)]."""
    with open(path, "wb") as f:
        f.truncate(size)
        for first, count in regions or [(0, size // SECTOR)]:
            f.seek(first * SECTOR)
            f.write(pattern(seed, first, count))
    return path


def blkdebug(directory, image, rules):
    """The --disk argument that puts QEMU's blkdebug driver over image;
    rules are (event, sector) pairs that fail with EIO every time."""
    conf = os.path.join(directory, "blkdebug.conf")
    with open(conf, "w") as f:
        for event, sector in rules:
            f.write(f'[inject-error]\nevent = "{event}"\nerrno = "5"\n'
                    f'sector = "{sector}"\nonce = "off"\n\n')
    return f"blkdebug:{conf}:{image}"


def image_path(disk):
    """The image file behind a --disk argument (blkdebug:CONF:IMAGE, and
    IMAGE,more-drive-options, too)."""
    return disk.split(":")[-1].split(",")[0]


def verify(path, seed, written=(), regions=None):
    """None when the image holds the pattern of seed + 1 in the written
    regions [(first, count)] and the pattern of seed in the rest of the
    regions it was made with (all of it by default); else where not."""
    with open(path, "rb") as f:
        for first, count in regions or [(0, os.path.getsize(path) // SECTOR)]:
            f.seek(first * SECTOR)
            data = f.read(count * SECTOR)
            for s in range(first, first + count):
                was_written = any(w <= s < w + c for w, c in written)
                k = seed + 1 if was_written else seed
                i = (s - first) * SECTOR
                if data[i:i + SECTOR] != sector_bytes(k, s):
                    return (f"{os.path.basename(path)}: sector {s} does not hold the "
                            f"{'written' if was_written else 'original'} pattern (seed {k})")
    return None
