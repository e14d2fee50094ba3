"""swiod.py - kernel-aware gdb commands for swiod (sourced by tools/gdb/gdbinit).

Commands:
  khelp     list these commands
  kdmesg    print the kernel log ring, oldest line first  (kdmesg [N]: last N lines)
  kmem      page allocator totals, buddy free blocks per order, slab caches

Rules for every command here:
  - Read kernel memory through gdb only; never call a kernel function.  The
    kernel may be stopped anywhere -- in a fault handler, with interrupts
    off, half way through printk -- and calling into it from gdb would run
    code in that state, change it, or hang.  Reading is always safe.
  - Find kernel data by its symbol and type from the DWARF, not by a copied
    constant, so the command follows the kernel when a size changes.
  - A kernel structure gdb cannot read (paging not on yet, bad pointer) is
    reported as one gdb error line, not a Python traceback.

To add a command (kps, kbt, ...): write a small KernelCommand subclass
with a NAME, a docstring whose first line khelp prints, and invoke(); put
@register above it; add a line to the list above.
"""
import gdb

COMMANDS = []                   # every registered command class, for khelp


def register(cls):
    """Class decorator: create the gdb command and list it for khelp."""
    cls()
    COMMANDS.append(cls)
    return cls


class KernelCommand(gdb.Command):
    """Base class: a user command named cls.NAME (shown by `help user-defined`)."""
    NAME = None

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_USER)


# --- reading kernel memory --------------------------------------------------

def symbol_value(name):
    """The gdb.Value of a kernel global, or a gdb error naming it."""
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise gdb.GdbError(f"{name}: {e} (is build/swiod.elf loaded?)")


def global_value(name):
    """The gdb.Value of the kernel global `name`, looked up among globals
    only: parse_and_eval would find a local or parameter of the same name in
    the frame the kernel is stopped in first."""
    sym = gdb.lookup_global_symbol(name)
    if sym is None or not sym.is_variable:
        raise gdb.GdbError(f"no kernel global {name} (is build/swiod.elf loaded and current?)")
    return sym.value()


def file_static(path, name):
    """The gdb.Value of the static variable `name` of source file `path`
    ("mm/page_alloc.c").  Looked up in that file's static block, so neither a
    local of the same name where the kernel is stopped nor a static of the
    same name in another file can be taken for it."""
    for sym in gdb.lookup_static_symbols(name):
        file = sym.symtab.filename if sym.symtab else ""
        if sym.is_variable and (file == path or file.endswith("/" + path)):
            return sym.value()
    raise gdb.GdbError(f"{path}: no static variable {name} "
                       "(is build/swiod.elf loaded and current?)")


def unmapped(addr):
    """The error for kernel memory gdb could not read: until boot.asm turns
    paging on, no higher-half address is mapped, so say so."""
    return gdb.GdbError(f"cannot read kernel memory at {addr:#x}: not mapped "
                        "(before kmain paging is off: break kmain, continue, retry)")


def read_bytes(addr, length):
    """length bytes of kernel memory at virtual address addr."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, length))
    except gdb.MemoryError:
        raise unmapped(addr)


def fetch(value):
    """value (a kernel variable or structure) read from the target now, in
    one piece: gdb reads lazily, and would otherwise fail later, on first use,
    with a bare 'Cannot access memory'."""
    try:
        value.fetch_lazy()
    except gdb.MemoryError:
        raise unmapped(int(value.address))
    return value


def read_u32(name):
    """A 32-bit kernel global, read as raw bytes so an unmapped address gives
    read_bytes' explanation rather than gdb's bare 'Cannot access memory'."""
    addr = int(symbol_value("&" + name))
    return int.from_bytes(read_bytes(addr, 4), "little")


# --- commands ---------------------------------------------------------------

@register
class KHelp(KernelCommand):
    """List the swiod gdb commands."""
    NAME = "khelp"

    def invoke(self, arg, from_tty):
        gdb.write("swiod commands (tools/gdb/swiod.py):\n")
        for cls in COMMANDS:
            gdb.write(f"  {cls.NAME:<9} {cls.__doc__.splitlines()[0]}\n")


@register
class KDmesg(KernelCommand):
    """Print the kernel log ring, oldest first; kdmesg N prints the last N lines.

    Reads log_buf and log_next (kernel/printk.c): log_next counts every byte
    ever logged, so once it passes sizeof(log_buf) the ring has wrapped and
    the oldest byte is the one at log_next % size, about to be overwritten."""
    NAME = "kdmesg"

    def invoke(self, arg, from_tty):
        try:
            last = int(arg) if arg.strip() else None
        except ValueError:
            raise gdb.GdbError("usage: kdmesg [N]")
        buf = symbol_value("log_buf")
        size = buf.type.sizeof
        end = read_u32("log_next")
        if end == 0:
            gdb.write("kdmesg: the log is empty (kmain has not printed yet)\n")
            return
        raw = read_bytes(int(buf.address), size)
        if end <= size:
            text = raw[:end]
        else:
            head = end % size
            text = raw[head:] + raw[:head]
        lines = text.decode("utf-8", errors="replace").splitlines(keepends=True)
        if end > size and lines:
            lines[0] = "[...] " + lines[0]      # the ring has likely cut its start off
        if last is not None:
            lines = lines[-last:] if last > 0 else []
        gdb.write("".join(lines))
        if lines and not lines[-1].endswith("\n"):
            gdb.write("\n")                     # a printk without a newline yet


# x86 32-bit paging maps 4 KiB pages (Intel SDM vol. 3A, 4.3).  PAGE_SIZE in
# include/mm.h is a macro, and -g puts no macros into the DWARF.
X86_PAGE_KIB = 4
MAX_CACHES = 1000               # a cache list longer than this is a corrupt one (a loop)


@register
class KMem(KernelCommand):
    """Page allocator totals, buddy free blocks per order, slab caches.

    What the monitor's free, buddy and slab commands print, read from
    mm/page_alloc.c (free_count, managed_count, hot_count, wmark,
    free_area[]) and mm/slab.c (the list all_caches), without calling
    nr_free_pages(), buddy_check() or slab_for_each_cache().

    The books: every free page is either in a buddy block or on the hot
    list, so sum(nr_blocks[k] << k) + hot_count == free_count.  The kernel
    updates these one at a time with interrupts off, so if it is stopped
    inside mm/page_alloc.c they may disagree for a moment: kmem then prints
    a WARNING line; `finish` out of the allocator and look again.  A
    disagreement anywhere else is a bug.  (Only the counts are compared;
    walking every free list, as buddy_check() does, is for the monitor.)"""
    NAME = "kmem"

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: kmem")
        managed = self.totals()
        if managed == 0:
            gdb.write("kmem: the page allocator owns no pages yet (mm_init has not run)\n")
            return
        self.buddy()
        self.caches()

    @staticmethod
    def totals():
        pa = "mm/page_alloc.c"
        free = int(fetch(file_static(pa, "free_count")))
        managed = int(fetch(file_static(pa, "managed_count")))
        hot = int(fetch(file_static(pa, "hot_count")))
        w = fetch(file_static(pa, "wmark"))
        max_pfn = int(fetch(global_value("max_pfn")))
        gdb.write(f"free: {free} pages ({free * X86_PAGE_KIB} KiB) of {managed} managed; "
                  f"hot list {hot}; watermarks min {int(w['min'])} low {int(w['low'])} "
                  f"high {int(w['high'])}; max_pfn {max_pfn}\n")
        return managed

    @staticmethod
    def buddy():
        pa = "mm/page_alloc.c"
        area = fetch(file_static(pa, "free_area"))
        first, last = area.type.range()             # 0 .. MAX_ORDER
        blocks = [int(area[k]["nr_blocks"]) for k in range(first, last + 1)]
        gdb.write("buddy: " + "  ".join(f"order {k}: {n}" if k == 0 else f"{k}: {n}"
                                        for k, n in enumerate(blocks)) + "\n")
        # Read free_count and hot_count again, after free_area: the same
        # moment, since the kernel is stopped, and this line stands alone.
        free = int(fetch(file_static(pa, "free_count")))
        hot = int(fetch(file_static(pa, "hot_count")))
        in_blocks = sum(n << k for k, n in enumerate(blocks))
        if in_blocks + hot == free:
            gdb.write(f"buddy: books balance: {in_blocks} pages in blocks + {hot} hot "
                      f"= {free} free\n")
        else:
            gdb.write(f"buddy: WARNING: books do not balance: {in_blocks} pages in blocks "
                      f"+ {hot} hot = {in_blocks + hot}, but free_count is {free} "
                      "(stopped inside mm/page_alloc.c? finish and retry; else a bug)\n")

    @staticmethod
    def caches():
        head = file_static("mm/slab.c", "all_caches")
        head_addr = int(head.address)
        cache_type = gdb.lookup_type("struct kmem_cache")
        # list_entry(link, struct kmem_cache, caches): the member's offset
        # from the DWARF, so the walk follows the struct if it changes.
        link_offset = next(f.bitpos for f in cache_type.fields() if f.name == "caches") // 8
        gdb.write(f"{'cache':<14} {'size':>6} {'slot':>6} {'objects':>8} {'slabs':>6} "
                  f"{'order':>5} {'per_slab':>8}\n")
        link = int(fetch(head)["next"])
        count = 0
        while link != head_addr:
            if link == 0:
                raise gdb.GdbError("kmem: all_caches: a NULL link (a cache was list_del'ed "
                                   "while on the list?)")
            count += 1
            if count > MAX_CACHES:
                raise gdb.GdbError(f"kmem: all_caches: more than {MAX_CACHES} caches; "
                                   "the list is corrupt (a loop?)")
            c = fetch(gdb.Value(link - link_offset).cast(cache_type.pointer()).dereference())
            try:
                name = c["name"].string(errors="replace") if int(c["name"]) else "(no name)"
            except gdb.MemoryError:
                name = f"(name at {int(c['name']):#x} unreadable)"
            gdb.write(f"{name:<14} {int(c['object_size']):>6} {int(c['slot_size']):>6} "
                      f"{int(c['active']):>8} {int(c['nr_slabs']):>6} {int(c['order']):>5} "
                      f"{int(c['per_slab']):>8}\n")
            link = int(c["caches"]["next"])
