"""ext2_images.py - the host side of the ext2 tests: building the images
the kernel reads, and judging the images it wrote with tools nobody here
wrote (e2fsprogs).

    images(seed)              -> {"plain1k": Image, "debian4k": Image, "rev0_2k": Image}
    fresh_copy(image, path)   a private, writable copy for one boot
    read_manifest(path)       -> [(path, size, crc32)] as tools/mkimages wrote it
    e2fsck_problems(image)    -> None when `e2fsck -fn` finds it clean, else its output
    debugfs_dump(image, path) -> the file's bytes, or None when debugfs cannot find it
    compare_file(image, path, expected) -> None when equal, else a reason
    make_image(path, files, options, kib) -> manifest lines: an image by `mke2fs -d`

images() runs tools/mkimages once per seed and run: into
build/images/seed-N/, reused while it is newer than tools/mkimages.  The
images there are shared by every test, so a test that lets the kernel
write must boot with a fresh_copy.
"""
import os
import shutil
import subprocess
import tempfile
import threading
import zlib
from collections import namedtuple

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKIMAGES = os.path.join(ROOT, "tools", "mkimages")
IMAGES_DIR = os.path.join(ROOT, "build", "images")
NAMES = ("plain1k", "debian4k", "rev0_2k")
E2FSCK = "/sbin/e2fsck"
DEBUGFS = "/sbin/debugfs"

Image = namedtuple("Image", "name path manifest")

_lock = threading.Lock()        # run_tests.py runs tests in threads


def _built(outdir):
    """True when outdir holds every image and manifest, built by the
    current tools/mkimages."""
    oldest = None
    for name in NAMES:
        for suffix in (".img", ".img.manifest"):
            path = os.path.join(outdir, name + suffix)
            if not os.path.exists(path):
                return False
            mtime = os.path.getmtime(path)
            oldest = mtime if oldest is None else min(oldest, mtime)
    return oldest >= os.path.getmtime(MKIMAGES)


def images(seed=1):
    """Build (or reuse) the images for seed; name -> Image."""
    outdir = os.path.join(IMAGES_DIR, f"seed-{seed}")
    with _lock:
        if not _built(outdir):
            subprocess.run([MKIMAGES, outdir, "--seed", str(seed)], check=True,
                           capture_output=True, text=True, timeout=60)
    return {n: Image(n, os.path.join(outdir, n + ".img"),
                     os.path.join(outdir, n + ".img.manifest")) for n in NAMES}


def fresh_copy(image, path):
    """Copy image (an Image or a file name) to path, for a boot that may write it."""
    shutil.copyfile(getattr(image, "path", image), path)
    return path


def read_manifest(path):
    """[(path, size, crc32)] in the file's order (which is `tree /`'s)."""
    entries = []
    with open(path) as f:
        for line in f:
            name, size, crc = line.rstrip("\n").rsplit(" ", 2)
            entries.append((name, int(size), int(crc, 16)))
    return entries


def e2fsck_problems(image):
    """None when `e2fsck -fn` (forced check, change nothing) exits 0;
    otherwise what it printed, with its exit status."""
    r = subprocess.run([E2FSCK, "-fn", getattr(image, "path", image)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode == 0:
        return None
    return f"e2fsck -fn exited {r.returncode}:\n{r.stdout}{r.stderr}"


def debugfs_dump(image, path):
    """The bytes of the file at path (from the root) inside image, read by
    debugfs; None when debugfs could not dump it.  (debugfs exits 0 even
    then, so success is judged by the file it writes.)"""
    with tempfile.TemporaryDirectory(prefix="swiod-debugfs-") as tmp:
        out = os.path.join(tmp, "out")
        # debugfs splits its request at spaces unless quoted.
        request = f'dump "{path}" "{out}"'
        r = subprocess.run([DEBUGFS, "-R", request, getattr(image, "path", image)],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or not os.path.exists(out):
            return None
        with open(out, "rb") as f:
            return f.read()


def compare_file(image, path, expected):
    """None when the file at path inside image holds exactly the bytes
    expected; else a reason naming the first difference."""
    got = debugfs_dump(image, path)
    if got is None:
        return f"debugfs cannot dump {path} from {getattr(image, 'path', image)}"
    if got == expected:
        return None
    if len(got) != len(expected):
        return f"{path}: {len(got)} bytes, expected {len(expected)}"
    first = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
    return (f"{path}: byte {first} is 0x{got[first]:02x}, expected 0x{expected[first]:02x} "
            f"(crc32 {zlib.crc32(got):08x}, expected {zlib.crc32(expected):08x})")


def check_against_manifest(image, path, manifest_entries):
    """None when debugfs's copy of path has the size and CRC-32 the
    manifest gives it; else a reason."""
    want = {p: (size, crc) for p, size, crc in manifest_entries}
    if path not in want:
        return f"{path} is not in the manifest"
    got = debugfs_dump(image, path)
    if got is None:
        return f"debugfs cannot dump {path} from {getattr(image, 'path', image)}"
    size, crc = want[path]
    if (len(got), zlib.crc32(got)) != (size, crc):
        return (f"{path}: debugfs reads {len(got)} bytes crc32 {zlib.crc32(got):08x}, "
                f"the manifest says {size} bytes crc32 {crc:08x}")
    return None


def _mkimages_module():
    """tools/mkimages as a module, for its manifest order."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("mkimages", MKIMAGES)
    spec = importlib.util.spec_from_loader("mkimages", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _write_tree_by_fd(root, files):
    """Write files (path -> bytes) below root one directory at a time
    (dir_fd), so that paths longer than the host's PATH_MAX can be made."""
    for path, data in files.items():
        *dirs, name = path.split("/")
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for d in dirs:
                try:
                    os.mkdir(d, dir_fd=fd)
                except FileExistsError:
                    pass
                inner = os.open(d, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
                os.close(fd)
                fd = inner
            out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=fd)
            with os.fdopen(out, "wb") as f:
                f.write(data)
        finally:
            os.close(fd)


def make_image(path, files, options, kib):
    """An image at path made by `mke2fs -d` (options, size in KiB) from
    files (path from the root, no leading slash -> bytes); returns its
    manifest lines in `tree /`'s order ("/PATH SIZE CRC32")."""
    with tempfile.TemporaryDirectory(prefix="swiod-image-") as tmp:
        _write_tree_by_fd(tmp, files)
        r = subprocess.run(["/sbin/mke2fs", "-q", "-F", *options, "-d", tmp, path, f"{kib}k"],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"mke2fs failed: {r.stdout}{r.stderr}")
    return _mkimages_module().manifest_lines(files)
